-- customer.lua - checks on a customer that field validation cannot make,
-- because they tie several fields together.  Each failed check rejects
-- the save with a message and the field to fix; the first failure wins.
--
-- 1. A key account or a channel partner, and any customer sold to in
--    the relationship mode, has an owner: the salesperson who answers
--    for it.                                                 (owner)
-- 2. A customer that is no longer a prospect can be reached: it has a
--    phone number or an e-mail address.                      (phone)
-- 3. A prospect has no credit limit: prospects buy prepaid (see
--    payment_terms.lua); credit is granted once they become customers.
--                                                            (credit_limit)

local NEEDS_OWNER = {
	key_account = { en = "a key account", zh = "重点客户" },
	channel_partner = { en = "a channel partner", zh = "渠道伙伴" },
}

-- Whether field value V holds something: a non-blank string, a non-zero
-- number (an owner may come as a user id), true.
local function present(v)
	if type(v) == "string" then
		return v:find("%S") ~= nil
	elseif type(v) == "number" then
		return v ~= 0
	end
	return v ~= nil and v ~= false
end

local M = {}

function M.customer(c)
	local segment = c.segment
	if not present(segment) then
		segment = "prospect"	-- the segment's default
	end

	local who = NEEDS_OWNER[segment]
	if who == nil and c.sales_mode == "relationship" then
		who = { en = "a customer sold to in the relationship mode",
		    zh = "关系型销售的客户" }
	end
	if who ~= nil and not present(c.owner) then
		return "reject", {
			en = who.en .. " needs an owner: the salesperson who "
			    .. "answers for it",
			zh = who.zh .. "需要负责人：对其负责的销售人员" },
		    "owner"
	end

	if segment ~= "prospect" and not present(c.phone)
	    and not present(c.email) then
		return "reject", {
			en = "a customer needs a phone number or an e-mail "
			    .. "address so that it can be reached",
			zh = "客户需要电话或电子邮箱，以便联系" }, "phone"
	end

	if segment == "prospect" and math.type(c.credit_limit) == "integer"
	    and c.credit_limit ~= 0 then
		return "reject", {
			en = string.format("a prospect buys prepaid and "
			    .. "cannot have a credit limit (%s); grant credit "
			    .. "when it becomes a customer",
			    kiln.money(c.credit_limit)),
			zh = string.format("潜在客户须预付款，不能有信用额度"
			    .. "（%s）；成为正式客户后再授予信用",
			    kiln.money(c.credit_limit)) }, "credit_limit"
	end

	return "pass"
end

return M
