-- sla.lua - how long the desk has for a ticket.
--
-- ticket: asked once per clock (ctx.clock "first_response", then
--         "resolution"); the fourth value is the clock's budget in
--         business minutes (kiln.conf's working days and hours, less
--         its holidays): the hours of settings.sla_*_hours for the
--         ticket's priority, a share of them for the customers served
--         faster (settings.sla_segment_pct), a complaint answered within
--         settings.sla_complaint_first_response_hours, an installation
--         or repair given at least settings.sla_onsite_resolution_hours
--         to resolve.  The message says how the budget came about.

local settings = require "settings"

local M = {}

function M.ticket(t, ctx)
	local table_of = ctx.clock == "first_response" and
	    settings.sla_first_response_hours or settings.sla_resolution_hours
	local hours = table_of[t.priority]
	if hours == nil then
		return "warn", {
			en = "no service level for priority " .. tostring(t.priority),
			zh = "优先级 " .. tostring(t.priority) .. " 没有服务级别" }
	end
	local minutes = hours * 60
	local why = { en = string.format("%s priority: %d h", t.priority,
	    hours), zh = string.format("%s 优先级：%d 小时", t.priority, hours) }
	local pct = settings.sla_segment_pct[ctx.customer_segment]
	if pct ~= nil then
		minutes = minutes * pct // 100
		why.en = why.en .. string.format(", %s %d%%",
		    ctx.customer_segment, pct)
		why.zh = why.zh .. string.format("，%s %d%%",
		    ctx.customer_segment, pct)
	end
	if ctx.clock == "first_response" and t.type == "complaint" and
	    minutes > settings.sla_complaint_first_response_hours * 60 then
		minutes = settings.sla_complaint_first_response_hours * 60
		why.en = why.en .. ", a complaint"
		why.zh = why.zh .. "，投诉"
	end
	if ctx.clock == "resolution" and (t.type == "installation" or
	    t.type == "repair") and
	    minutes < settings.sla_onsite_resolution_hours * 60 then
		minutes = settings.sla_onsite_resolution_hours * 60
		why.en = why.en .. ", work on site"
		why.zh = why.zh .. "，需上门"
	end
	return "pass", why, nil, minutes
end

return M
