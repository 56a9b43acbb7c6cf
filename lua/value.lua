-- value.lua - a customer's lifetime value: what its margin is worth
-- over the years it is expected to stay.
--
-- value: asked by the customer_value job (daily, and when a manager
--        asks for it at once) for each customer ever invoiced, with its
--        figures over kiln.conf's value_months (t.months): t.revenue,
--        t.margin (minor units), t.orders, t.average, t.invoices (due in
--        the window), t.late (paid late or overdue), t.late_pct,
--        t.days_late (average days after due), t.recency_days, the
--        scores t.r, t.f, t.m (1-5), t.class ("A", "B", "C") and
--        t.class_before, t.segment.  The fourth value is the lifetime
--        value in minor units: the yearly margin m, a retention r (the
--        share expected to buy again next year) and a discount rate d
--        give m * r / (1 + d - r), the sum of a margin kept with
--        probability r year after year, counted at d.  r comes from
--        the recency score (settings.value_retention_pct), more for a
--        frequent buyer, less for a late payer, at most 95 %.

local settings = require "settings"

local M = {}

function M.value(t)
	if (t.margin or 0) <= 0 or (t.months or 0) <= 0 then
		return "pass", nil, nil, 0
	end
	-- In whole per cents and minor units: integer arithmetic, exact.
	local yearly = t.margin * 12 // t.months
	local r = (settings.value_retention_pct[t.r] or 0)
	if (t.f or 0) >= 4 then
		r = r + settings.value_frequent_bonus_pct
	end
	if (t.late_pct or 0) > 50 then
		r = r - settings.value_late_payer_malus_pct
	end
	r = math.max(0, math.min(95, r))
	return "pass", nil, nil, yearly * r //
	    (100 + settings.value_discount_pct - r)
end

return M
