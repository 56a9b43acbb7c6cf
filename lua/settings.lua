-- settings.lua - the policy the shipped rules share.  Not a rule: it
-- returns data only (no functions), and rules read it with
--
--	local settings = require "settings"
--
-- so two rules cannot disagree about a number.  Change a value here and
-- every rule that uses it follows at the next request.  The table is
-- read-only to the rules.

return {
	-- An invoice unpaid more than this many days past its due date holds
	-- the customer's new orders (overdue.lua) and puts the customer's
	-- credit standing on hold (credit_status.lua).
	overdue_days = 30,

	-- Payment terms from the shortest to the longest.
	terms = { "prepaid", "net15", "net30", "net60", "net90" },

	-- The longest terms each customer segment may have (payment_terms.lua;
	-- a prospect buys prepaid, see also customer.lua).
	longest_terms = {
		prospect = "prepaid",
		small_loyal = "net30",
		project = "net30",
		channel_partner = "net60",
		key_account = "net90",
	},

	-- What a credit limit of 0 means, in credit.lua and credit_status.lua
	-- alike: "no_credit" (nothing on credit terms: a non-prepaid order is
	-- held, and any exposure puts the standing on hold) or "unlimited"
	-- (no limit is checked).
	zero_limit = "no_credit",

	-- Exposure above this share of the limit puts the standing on watch.
	watch_pct = 80,

	-- Line discounts off the list price, in per cent: above the first a
	-- manager approves (hold), above the second never (reject).
	discount_approval_above = 15,
	discount_never_above = 40,

	-- A deal is stalled when nothing happened to it (no stage change, no
	-- activity done) for more than this many days at its stage
	-- (stalled.lua); the later the stage, the sooner.
	stalled_days = {
		lead = 30,
		qualified = 21,
		proposal = 14,
		negotiation = 10,
	},

	-- The chance of winning a deal at each stage, per cent, before the
	-- facts of the deal move it (deal.lua).
	stage_probability = {
		lead = 10,
		qualified = 25,
		proposal = 50,
		negotiation = 75,
		won = 100,
		lost = 0,
	},

	-- Service levels (sla.lua): business hours (kiln.conf's work_days,
	-- work_hours, holidays) to the first response and to the resolution
	-- of a ticket, by priority.
	sla_first_response_hours = {
		urgent = 1,
		high = 2,
		normal = 4,
		low = 8,
	},
	sla_resolution_hours = {
		urgent = 8,
		high = 16,
		normal = 40,
		low = 80,
	},
	-- Customers served faster: a share of the hours above, per cent.
	sla_segment_pct = {
		key_account = 50,
		project = 75,
	},
	-- A complaint is answered faster whatever its priority: at most
	-- these business hours to the first response.
	sla_complaint_first_response_hours = 2,
	-- Work on site needs the engineer to travel: at least these business
	-- hours to resolve an installation or a repair.
	sla_onsite_resolution_hours = 16,

	-- Customer value (value.lua): the share of customers expected to
	-- buy again next year, by recency score (1-5), per cent; a frequent
	-- buyer (frequency 4 or 5) is likelier, a late payer (more than
	-- half of the invoices late) less; and the yearly discount rate the
	-- future margin is counted at, per cent.
	value_retention_pct = { 30, 50, 65, 75, 85 },
	value_frequent_bonus_pct = 5,
	value_late_payer_malus_pct = 10,
	value_discount_pct = 10,
	-- Segment suggestions (segment.lua): how often a class A customer
	-- buys (frequency score, 1-5) to be proposed as a key account; the
	-- recency score (1-5) at or below which a key account has stopped
	-- buying.
	segment_key_account_f = 4,
	segment_stopped_r = 2,

	-- Expense claims (expense.lua), minor units: the most one claim of a
	-- category may be before the manager looks at it twice; the
	-- entertainment above which a deal must be named; the gifts one
	-- customer may have in a year; the claim above which a receipt is
	-- wanted.
	expense_category_max = {
		travel = 500000,
		entertainment = 300000,
		samples = 300000,
		gifts = 100000,
		exhibition = 2000000,
		other = 100000,
	},
	expense_entertainment_deal_over = 100000,
	expense_gifts_per_customer_year = 200000,
	expense_receipt_over = 20000,
}
