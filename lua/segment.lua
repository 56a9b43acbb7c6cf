-- segment.lua - when the computed picture of a customer disagrees with
-- its segment, propose another.
--
-- segment: asked by the customer_value job for every customer, with the
--          figures value.lua gets (t.segment the current one).  A
--          proposal is a "warn" whose third value is the segment
--          proposed and whose message says why; a manager accepts it
--          (the customer's segment changes, through the normal update)
--          or dismisses it (not proposed again for 90 days).  Shipped:
--          a prospect that has bought is a small loyal customer; a
--          class A customer buying often is a key account; a key
--          account that stopped buying (a low recency score, or class C)
--          is a small loyal customer.

local settings = require "settings"

local M = {}

function M.segment(t)
	if t.segment == "prospect" and (t.orders or 0) > 0 then
		return "warn", {
			en = string.format("%d orders invoiced in %d months: a"
			    .. " customer now", t.orders, t.months),
			zh = string.format("%d 个月内开票 %d 单：已是客户",
			    t.months, t.orders),
		}, "small_loyal"
	end
	if t.class == "A" and (t.f or 0) >= settings.segment_key_account_f
	    and (t.segment == "small_loyal" or t.segment == "project") then
		return "warn", {
			en = string.format("class A, frequency %d: a key"
			    .. " account?", t.f),
			zh = string.format("A 类客户，频次 %d：可升为重点客户？",
			    t.f),
		}, "key_account"
	end
	if t.segment == "key_account" and t.class ~= "" and ((t.r or 0) <=
	    settings.segment_stopped_r or t.class == "C") then
		return "warn", {
			en = string.format("a key account that stopped buying"
			    .. " (recency %d, class %s)", t.r, t.class),
			zh = string.format("重点客户已停止采购（近度 %d，%s 类）",
			    t.r, t.class),
		}, "small_loyal"
	end
	return "pass"
end

return M
