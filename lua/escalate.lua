-- escalate.lua - what a deadline about to pass, or passed, does.
--
-- escalate: asked by the service_escalate job once for each state of
--           each deadline of an open ticket: ctx.clock
--           ("first_response" or "resolution"), ctx.state ("near": less
--           than a quarter of its budget left; "passed"), ctx.due,
--           ctx.minutes_left (business minutes, negative when passed),
--           ctx.budget_minutes, ctx.level (escalations so far).  It is
--           asked one question per action, ctx.action: "priority"
--           (raise it a step?), "assignee" (hand the ticket to the team
--           lead?), "breached" (mark the SLA breached?); anything but
--           "pass" is a yes, its message the reason, in the ticket's
--           history.  Shipped: a first response about to be missed
--           raises the priority; a missed deadline marks the ticket
--           breached and hands it to the team lead.

local M = {}

local WORDS = {
	first_response = { en = "first response", zh = "首次响应" },
	resolution = { en = "resolution", zh = "解决" },
}

function M.escalate(t, ctx)
	local what = WORDS[ctx.clock] or { en = ctx.clock, zh = ctx.clock }
	if ctx.state == "passed" and (ctx.action == "breached" or
	    ctx.action == "assignee") then
		return "warn", {
			en = string.format("the %s deadline passed %d min ago",
			    what.en, -ctx.minutes_left),
			zh = string.format("%s期限已过 %d 分钟", what.zh,
			    -ctx.minutes_left) }
	end
	if ctx.state == "near" and ctx.clock == "first_response" and
	    ctx.action == "priority" and t.priority ~= "urgent" then
		return "warn", {
			en = string.format("%d min left to the first response",
			    ctx.minutes_left),
			zh = string.format("距首次响应期限仅剩 %d 分钟",
			    ctx.minutes_left) }
	end
	return "pass"
end

return M
