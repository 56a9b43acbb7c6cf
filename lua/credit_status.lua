-- credit_status.lua - a customer's credit standing, shown on its page and
-- in its record (credit_status): ok, watch or hold.
--
-- credit: computed after every order status change of the customer,
--         a change of its credit limit, and by the credit_status job
--         (kiln jobs; hourly under kiln serve), from its credit limit,
--         exposure (unpaid invoices + open orders) and the most days
--         an invoice is overdue.
--           hold   an invoice more than 30 days overdue, or exposure
--                  above the limit (on credit terms)
--           watch  an invoice overdue at all, or exposure above 80 %
--                  of the limit
--           ok     otherwise
-- Returns "pass" (ok), "warn" (watch) or "hold" (hold), with a message.

local M = {}

function M.credit(c, ctx)
	local limit = c.credit_limit or 0
	local exposure = ctx.exposure or 0
	local overdue = ctx.overdue_days or 0
	if overdue > 30 then
		return "hold", string.format("an invoice is %d days overdue",
		    overdue)
	end
	if limit > 0 and exposure > limit then
		return "hold", string.format("exposure %s over limit %s",
		    kiln.money(exposure), kiln.money(limit))
	end
	if overdue > 0 then
		return "warn", string.format("an invoice is %d days overdue",
		    overdue)
	end
	if limit > 0 and exposure * 10 > limit * 8 then
		return "warn", string.format("exposure %s is above 80%% of the "
		    .. "limit %s", kiln.money(exposure), kiln.money(limit))
	end
	return "pass"
end

return M
