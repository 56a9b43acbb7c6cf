-- credit_status.lua - a customer's credit standing, shown on its page and
-- in its record (credit_status): ok, watch or hold.
--
-- credit: computed after every order status change of the customer,
--         a change of its credit limit, and by the credit_status job
--         (kiln jobs; hourly under kiln serve), from its credit limit,
--         exposure (unpaid invoices + open orders) and the most days
--         an invoice is overdue.
--           hold   an invoice more than settings.overdue_days (30) days
--                  overdue, or exposure above the limit; with a limit
--                  of 0, any exposure (settings.zero_limit "no_credit",
--                  as credit.lua holds every order on credit terms) or
--                  none ("unlimited")
--           watch  an invoice overdue at all, or exposure above
--                  settings.watch_pct (80) % of the limit
--           ok     otherwise
-- Returns "pass" (ok), "warn" (watch) or "hold" (hold), with a message.

local settings = require "settings"

local GRACE_DAYS = settings.overdue_days
local NO_CREDIT = settings.zero_limit == "no_credit"
local WATCH_PCT = settings.watch_pct

local M = {}

function M.credit(c, ctx)
	local limit = c.credit_limit or 0
	local exposure = ctx.exposure or 0
	local overdue = ctx.overdue_days or 0
	if overdue > GRACE_DAYS then
		return "hold", {
			en = string.format("an invoice is %d days overdue",
			    overdue),
			zh = string.format("有发票逾期 %d 天", overdue) }
	end
	if limit == 0 and NO_CREDIT and exposure > 0 then
		return "hold", {
			en = string.format("no credit: exposure %s with a "
			    .. "credit limit of 0", kiln.money(exposure)),
			zh = string.format("无信用额度：信用额度为 0，"
			    .. "风险敞口 %s", kiln.money(exposure)) }
	end
	if limit > 0 and exposure > limit then
		return "hold", {
			en = string.format("exposure %s over limit %s",
			    kiln.money(exposure), kiln.money(limit)),
			zh = string.format("风险敞口 %s 超出额度 %s",
			    kiln.money(exposure), kiln.money(limit)) }
	end
	if overdue > 0 then
		return "warn", {
			en = string.format("an invoice is %d days overdue",
			    overdue),
			zh = string.format("有发票逾期 %d 天", overdue) }
	end
	if limit > 0 and exposure * 100 > limit * WATCH_PCT then
		return "warn", {
			en = string.format("exposure %s is above %d%% of the "
			    .. "limit %s", kiln.money(exposure), WATCH_PCT,
			    kiln.money(limit)),
			zh = string.format("风险敞口 %s 超过额度 %s 的 %d%%",
			    kiln.money(exposure), kiln.money(limit),
			    WATCH_PCT) }
	end
	return "pass"
end

return M
