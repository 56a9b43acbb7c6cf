-- scorecard.lua - one score, 0 to 100, for a salesperson's period
-- (the performance report, /reports/performance).
--
-- scorecard:  results and process, weighed by how the salesperson
--             sells.  Results: the signing rate (won / proposals) for
--             up to 50 and the deals won, 5 each up to 50.  Process,
--             per week of the period: visits (3 a week for full marks,
--             30), calls made and returned (10 a week, 20), meetings
--             held (1 a week, 20), the appointment success rate (10),
--             new target customers (2 a month, 10), referrals (1 a
--             month, 10).  A salesperson whose customers are bought
--             from transactionally is scored on results with the
--             process at 20 %; one whose customers all sell by
--             relationship has the process at 80 %: for them the
--             visits and meetings are the work (ctx.relationship_pct:
--             the share of their customers in relationship mode).
--             The score is the fourth value; the message says how it
--             came about.

local M = {}

local function share(have, want)
	if want <= 0 then
		return 0
	end
	return math.min(1, have / want)
end

function M.scorecard(p, ctx)
	local weeks = math.max(1, (ctx.days or 30) / 7)
	local months = math.max(1, (ctx.days or 30) / 30)
	local signing = p.proposals > 0 and math.min(1, p.won / p.proposals)
	    or 0
	local results = 50 * signing + 5 * math.min(p.won, 10)
	local appointments = p.scheduled > 0 and p.held / p.scheduled or 0
	local process = 30 * share(p.visits / weeks, 3)
	    + 20 * share((p.calls + p.returned) / weeks, 10)
	    + 20 * share(p.held / weeks, 1)
	    + 10 * appointments
	    + 10 * share(p.targets / months, 2)
	    + 10 * share(p.referrals / months, 1)
	local weight = 0.2 + 0.6 * (ctx.relationship_pct or 0) / 100
	local score = math.floor((1 - weight) * results + weight * process
	    + 0.5)
	return "pass", {
		en = string.format("results %d, process %d, the process "
		    .. "weighing %d %%", math.floor(results + 0.5),
		    math.floor(process + 0.5), math.floor(weight * 100 + 0.5)),
		zh = string.format("业绩 %d，过程 %d，过程权重 %d%%",
		    math.floor(results + 0.5), math.floor(process + 0.5),
		    math.floor(weight * 100 + 0.5)) }, nil, score
end

return M
