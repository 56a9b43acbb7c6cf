-- credit.lua - an order may not take the customer past its credit.
--
-- exposure = unpaid invoiced amounts + the totals of open orders
-- (submitted, on hold, approved, in production, shipped, delivered)
-- + this order; the host computes it in the transaction that changes
-- the order's status, so two orders submitted at once cannot both slip
-- under the limit.  Money is in minor units (fen, cents).
--
-- order:  prepaid orders need no credit; a credit limit of 0 means no
--         credit at all (settings.zero_limit: "no_credit"; "unlimited"
--         checks no limit); exposure above the limit puts the order on
--         hold.

local settings = require "settings"

local ZERO_LIMIT = settings.zero_limit
if ZERO_LIMIT ~= "no_credit" and ZERO_LIMIT ~= "unlimited" then
	error(string.format("settings.zero_limit is %s, not \"no_credit\" "
	    .. "or \"unlimited\"", tostring(ZERO_LIMIT)))
end

local M = {}

function M.order(o, ctx)
	if o.payment_terms == "prepaid" then
		return "pass"
	end
	local limit = ctx.credit_limit or 0
	if limit == 0 and ZERO_LIMIT == "unlimited" then
		return "pass"
	end
	if limit == 0 then
		return "hold", {
			en = string.format("no credit: the customer's credit "
			    .. "limit is 0 and the order asks for %s terms",
			    tostring(o.payment_terms)),
			zh = string.format("无信用额度：客户的信用额度为 0，"
			    .. "而订单要求 %s 付款条件",
			    tostring(o.payment_terms)) }
	end
	if ctx.exposure > limit then
		return "hold", {
			en = string.format("credit limit exceeded: exposure "
			    .. "%s over limit %s", kiln.money(ctx.exposure),
			    kiln.money(limit)),
			zh = string.format("超出信用额度：风险敞口 %s，"
			    .. "额度 %s", kiln.money(ctx.exposure),
			    kiln.money(limit)) }
	end
	return "pass"
end

return M
