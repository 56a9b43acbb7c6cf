-- discount.lua - line discounts within what a salesperson may give.
--
-- order:  above 15 % a manager approves (hold); above 40 % never
--         (reject).  ctx.max_discount_pct is the largest of the lines.

local APPROVAL_ABOVE = 15
local NEVER_ABOVE = 40

local M = {}

function M.order(o, ctx)
	local d = ctx.max_discount_pct or 0
	if d > NEVER_ABOVE then
		return "reject", string.format("a discount of %d%% is above "
		    .. "the %d%% anyone may give", d, NEVER_ABOVE)
	end
	if d > APPROVAL_ABOVE then
		return "hold", string.format("a discount of %d%% needs a "
		    .. "manager's approval (above %d%%)", d, APPROVAL_ABOVE)
	end
	return "pass"
end

return M
