-- deal.lua - how likely is the deal, and is it worked as it should be?
--
-- deal:  the probability (the fourth value) from the stage
--        (settings.stage_probability) moved by the facts while the deal
--        is open: a key account +10, a small loyal customer +5; each
--        competitor past the first -5; a customer who has bought three
--        times or more +5; an amount over three times what the customer
--        usually signs -10; open longer than 180 days -10; kept between
--        5 and 95 while open.  And a verdict, the first that applies:
--        from qualified on a deal needs a budget (its amount) and a
--        decision maker (its contact); a proposal needs the products it
--        proposes; an open deal's expected close must not have passed.

local settings = require "settings"

local M = {}

local ORDER = { lead = 1, qualified = 2, proposal = 3, negotiation = 4 }

local function probability(d, ctx)
	local p = settings.stage_probability[d.stage] or 0
	if ORDER[d.stage] == nil then
		return p			-- won or lost: settled
	end
	if ctx.customer_segment == "key_account" then
		p = p + 10
	elseif ctx.customer_segment == "small_loyal" then
		p = p + 5
	end
	if (ctx.competitors or 0) > 1 then
		p = p - 5 * (ctx.competitors - 1)
	end
	if (ctx.won_count or 0) >= 3 then
		p = p + 5
	end
	if (ctx.won_count or 0) > 0 and (d.amount or 0) >
	    3 * (ctx.won_average or 0) then
		p = p - 10
	end
	if (ctx.age_days or 0) > 180 then
		p = p - 10
	end
	return math.max(5, math.min(95, p))
end

function M.deal(d, ctx)
	local p = probability(d, ctx)
	local at = ORDER[d.stage]
	if at == nil then
		return "pass", nil, nil, p
	end
	if at >= 2 and (d.amount or 0) == 0 then
		return "warn", {
			en = "a qualified deal needs a budget: its amount",
			zh = "已确认的商机需要预算：请填写金额" }, "amount", p
	end
	if at >= 2 and d.contact == nil then
		return "warn", {
			en = "a qualified deal needs a decision maker: its contact",
			zh = "已确认的商机需要决策人：请填写联系人" }, "contact", p
	end
	if at >= 3 and (ctx.lines or 0) == 0 then
		return "warn", {
			en = "a proposal needs the products it proposes",
			zh = "报价阶段的商机需要列出所报产品" }, "lines", p
	end
	if d.expected_close ~= nil and d.expected_close ~= "" and
	    d.expected_close < ctx.today then
		return "warn", {
			en = string.format("the expected close %s has passed",
			    d.expected_close),
			zh = string.format("预计成交日期 %s 已过",
			    d.expected_close) }, "expected_close", p
	end
	return "pass", nil, nil, p
end

return M
