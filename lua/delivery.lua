-- delivery.lua - can we make it by the requested date?
--
-- order:  a requested date earlier than today plus the longest lead
--         time of the order's products gets a warning with the
--         earliest feasible date.  No requested date: nothing to check.

local M = {}

function M.order(o, ctx)
	if o.requested_date == nil or o.requested_date == "" then
		return "pass"
	end
	local earliest = kiln.date_add(ctx.today, ctx.max_lead_time_days or 0)
	if o.requested_date < earliest then
		return "warn", {
			en = string.format("requested %s, but the earliest "
			    .. "feasible date is %s (lead time %d days)",
			    o.requested_date, earliest,
			    ctx.max_lead_time_days or 0),
			zh = string.format("要求 %s 交货，但最早可交货日期为 %s"
			    .. "（交货周期 %d 天）", o.requested_date, earliest,
			    ctx.max_lead_time_days or 0) }
	end
	return "pass"
end

return M
