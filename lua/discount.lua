-- discount.lua - line discounts within what a salesperson may give.
--
-- order:  above settings.discount_approval_above (15) % a manager
--         approves (hold); above settings.discount_never_above (40) %
--         never (reject).  A line's discount is what its unit price and its
--         discount_pct together take off the product's list price, so
--         a lowered price counts like a discount.  ctx.max_discount_bp
--         is the largest of the lines in 1/100 % (1550 = 15.50 %);
--         ctx.max_discount_pct the same in whole per cent, rounded up.

local settings = require "settings"

local APPROVAL_ABOVE = settings.discount_approval_above
local NEVER_ABOVE = settings.discount_never_above

local M = {}

function M.order(o, ctx)
	local bp = ctx.max_discount_bp or (ctx.max_discount_pct or 0) * 100
	local shown = string.format("%.2f", bp / 100)
	if bp > NEVER_ABOVE * 100 then
		return "reject", {
			en = string.format("a discount of %s%% off the "
			    .. "list price is above the %d%% anyone may give",
			    shown, NEVER_ABOVE),
			zh = string.format("目录价 %s%% 的折扣超过了任何人可给的 "
			    .. "%d%%", shown, NEVER_ABOVE) }
	end
	if bp > APPROVAL_ABOVE * 100 then
		return "hold", {
			en = string.format("a discount of %s%% off the "
			    .. "list price needs a manager's approval (above "
			    .. "%d%%)", shown, APPROVAL_ABOVE),
			zh = string.format("目录价 %s%% 的折扣需要经理批准"
			    .. "（超过 %d%%）", shown, APPROVAL_ABOVE) }
	end
	return "pass"
end

return M
