-- overdue.lua - no new credit while an invoice is long overdue.
--
-- order:  any invoice of the customer unpaid more than
--         settings.overdue_days (30) days past its due date puts the
--         order on hold.

local GRACE_DAYS = require("settings").overdue_days

local M = {}

function M.order(o, ctx)
	if (ctx.overdue_days or 0) > GRACE_DAYS then
		return "hold", {
			en = string.format("an invoice is %d days overdue "
			    .. "(%s unpaid past due)", ctx.overdue_days,
			    kiln.money(ctx.overdue_amount or 0)),
			zh = string.format("有发票逾期 %d 天（逾期未付 %s）",
			    ctx.overdue_days,
			    kiln.money(ctx.overdue_amount or 0)) }
	end
	return "pass"
end

return M
