-- stalled.lua - is anybody working on the deal?
--
-- deal:  an open deal with no stage change and no activity done for
--        more days than settings.stalled_days allows at its stage is
--        stalled: a warning about the field "stalled", which marks the
--        deal stalled on lists and the home page.

local settings = require "settings"

local M = {}

function M.deal(d, ctx)
	local limit = settings.stalled_days[d.stage]
	if limit == nil or (ctx.idle_days or 0) <= limit then
		return "pass"
	end
	return "warn", {
		en = string.format("stalled: nothing done for %d days (at %s "
		    .. "at most %d)", ctx.idle_days, d.stage, limit),
		zh = string.format("停滞：已 %d 天无进展（%s 阶段最多 %d 天）",
		    ctx.idle_days, d.stage, limit) }, "stalled"
end

return M
