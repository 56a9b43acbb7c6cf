-- payment_terms.lua - payment terms may not be longer than the customer's
-- segment allows (docs: api.md, "Order evaluation"): the terms, shortest
-- first, and the longest each segment may have are settings.terms and
-- settings.longest_terms (settings.lua).
--
-- customer: saving a customer whose terms are longer than its segment
--           allows is rejected.
-- order:    an order asking for longer terms than the customer's segment
--           (ctx.customer_segment) allows, or than the customer's own
--           terms (ctx.customer_terms, which finance grants), is put on
--           hold for a manager.  An order without terms of its own
--           takes the customer's, which were checked when the customer
--           was saved.
-- Unknown terms or segments are rejected in both cases: a typo in a
-- record must not slip past the check.

local settings = require "settings"

-- Plain copies: a look-up in them is one step, not two.
local LONGEST = {}
for segment, terms in pairs(settings.longest_terms) do
	LONGEST[segment] = terms
end

-- Each term's place, shortest first, and the list for messages.
local RANK, NAMES = {}, {}
for i, t in ipairs(settings.terms) do
	RANK[t] = i
	NAMES[i] = t
end
local EXPECTED = table.concat(NAMES, ", ", 1, #NAMES - 1) .. " or "
    .. NAMES[#NAMES]

local function blank(v)
	return v == nil or v == ""
end

-- Judge TERMS against SEGMENT.  Returns nothing when they fit; "long"
-- when the terms are too long (the caller decides how bad that is);
-- "reject" when either is unknown.  Then a message and the field.
local function judge(terms, segment)
	if blank(terms) then
		return nil
	end
	if RANK[terms] == nil then
		return "reject", {
			en = string.format("unknown payment terms '%s' "
			    .. "(expected %s)", tostring(terms), EXPECTED),
			zh = string.format("未知的付款条件“%s”（应为 %s）",
			    tostring(terms), EXPECTED) }, "payment_terms"
	end
	if blank(segment) then
		return "reject", {
			en = "the customer has no segment, so its payment "
			    .. "terms cannot be checked",
			zh = "客户没有细分类别，无法核对其付款条件" }, "segment"
	end
	local longest = LONGEST[segment]
	if longest == nil then
		return "reject", {
			en = string.format("unknown customer segment '%s'",
			    tostring(segment)),
			zh = string.format("未知的客户细分“%s”",
			    tostring(segment)) }, "segment"
	end
	if RANK[terms] > RANK[longest] then
		return "long", {
			en = string.format("payment terms %s exceed what "
			    .. "segment %s allows (%s)", terms, segment,
			    longest),
			zh = string.format("付款条件 %s 超出了细分 %s 允许的"
			    .. "范围（%s）", terms, segment, longest) },
		    "payment_terms"
	end
	return nil
end

local M = {}

function M.customer(c)
	local result, message, field = judge(c.payment_terms, c.segment)
	if result == "long" then
		result = "reject"
	end
	return result, message, field
end

function M.order(o, ctx)
	local result, message, field = judge(o.payment_terms,
	    ctx.customer_segment)
	if result == "long" then
		result = "hold"
	end
	if field == "segment" then
		field = nil	-- an order has no segment field to point at
	end
	-- Within the segment, but longer than the customer was granted.
	local granted = ctx.customer_terms
	if result == nil and not blank(o.payment_terms) and
	    not blank(granted) and RANK[granted] ~= nil and
	    RANK[o.payment_terms] > RANK[granted] then
		return "hold", {
			en = string.format("payment terms %s are longer "
			    .. "than the customer's agreed %s", o.payment_terms,
			    granted),
			zh = string.format("付款条件 %s 长于客户约定的 %s",
			    o.payment_terms, granted) }, "payment_terms"
	end
	return result, message, field
end

return M
