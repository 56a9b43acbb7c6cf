-- expense.lua - is this expense claim within budget and policy?
--
-- expense: asked when a claim is submitted (POST /expenses/ID/submit),
--          with the claim (t.category, t.amount in minor units,
--          t.spent_on, t.customer, t.deal, t.owner, t.description) and
--          ctx: ctx.budget (the salesperson's budget covering it: its
--          month's or quarter's, its category's or all; -1 none),
--          ctx.budget_used (what other claims used of it),
--          ctx.budget_period, ctx.budget_category, ctx.team_budget,
--          ctx.team_budget_used (the team's, the same way),
--          ctx.receipts, ctx.deal_stage, ctx.deal_amount,
--          ctx.customer_segment, ctx.customer_gifts_year (gifts to the
--          customer this year on other claims).  Any reject rejects
--          the claim with its words; any hold has the manager look at
--          it with the reasons shown; pass and warn leave it to the
--          manager as it is.  Shipped: gifts and entertainment name the
--          customer (reject); gifts to one customer are capped a year
--          (reject); entertainment above an amount names its deal
--          (hold); over the salesperson's or the team's budget (hold);
--          above the category's limit for one claim (hold); a receipt
--          above a small amount (hold).

local settings = require "settings"

local M = {}

local function money(v)
	return kiln.money(v)
end

function M.expense(t, ctx)
	local amount = t.amount or 0
	if (t.category == "gifts" or t.category == "entertainment") and
	    (t.customer or 0) == 0 then
		return "reject", {
			en = "gifts and entertainment name the customer",
			zh = "礼品和招待须注明客户",
		}, "customer"
	end
	if t.category == "gifts" and (ctx.customer_gifts_year or 0) + amount >
	    settings.expense_gifts_per_customer_year then
		return "reject", {
			en = string.format("gifts to one customer are at most %s"
			    .. " a year (%s given already)",
			    money(settings.expense_gifts_per_customer_year),
			    money(ctx.customer_gifts_year or 0)),
			zh = string.format("每个客户每年礼品不超过 %s（已送 %s）",
			    money(settings.expense_gifts_per_customer_year),
			    money(ctx.customer_gifts_year or 0)),
		}, "amount"
	end
	if t.category == "entertainment" and (t.deal or 0) == 0 and amount >
	    settings.expense_entertainment_deal_over then
		return "hold", {
			en = string.format("entertainment above %s names the"
			    .. " deal it is for",
			    money(settings.expense_entertainment_deal_over)),
			zh = string.format("超过 %s 的招待须注明商机",
			    money(settings.expense_entertainment_deal_over)),
		}, "deal"
	end
	if (ctx.budget or -1) >= 0 and ctx.budget_used + amount >
	    ctx.budget then
		return "hold", {
			en = string.format("over budget: %s of %s used in %s,"
			    .. " this claim %s", money(ctx.budget_used),
			    money(ctx.budget), ctx.budget_period, money(amount)),
			zh = string.format("超出预算：%s 已用 %s / %s，本次 %s",
			    ctx.budget_period, money(ctx.budget_used),
			    money(ctx.budget), money(amount)),
		}, "amount"
	end
	if (ctx.team_budget or -1) >= 0 and ctx.team_budget_used + amount >
	    ctx.team_budget then
		return "hold", {
			en = string.format("over the team's budget: %s of %s"
			    .. " used", money(ctx.team_budget_used),
			    money(ctx.team_budget)),
			zh = string.format("超出团队预算：已用 %s / %s",
			    money(ctx.team_budget_used), money(ctx.team_budget)),
		}, "amount"
	end
	local max = settings.expense_category_max[t.category]
	if max ~= nil and amount > max then
		return "hold", {
			en = string.format("a %s claim above %s", t.category,
			    money(max)),
			zh = string.format("单笔 %s 超过 %s", t.category, money(max)),
		}, "amount"
	end
	if (ctx.receipts or 0) == 0 and amount > settings.expense_receipt_over
	    then
		return "hold", {
			en = string.format("no receipt for a claim above %s",
			    money(settings.expense_receipt_over)),
			zh = string.format("超过 %s 的报销没有票据",
			    money(settings.expense_receipt_over)),
		}
	end
	return "pass"
end

return M
