/*
 * stage.c - a deal through the funnel: POST /deals/ID/stage (stage,
 * lost_reason to lose, reason in words, version), the buttons on the
 * deal's page for the moves one may make, and the stage history, kept
 * by the entity's changed() hook so that every door (the action, a
 * PATCH, another plugin's update()) writes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deals.h"

/* What the stage says of the chance, unless someone says otherwise. */
static const struct {
	const char	*stage;
	int		 pct;
} chances[] = {
	{ "lead", 10 }, { "qualified", 25 }, { "proposal", 50 },
	{ "negotiation", 75 }, { "won", 100 }, { "lost", 0 },
};

int
deals_stage_probability(const char *stage)
{
	size_t	 i;

	for (i = 0; i < sizeof(chances) / sizeof(chances[0]); i++)
		if (strcmp(chances[i].stage, stage) == 0)
			return chances[i].pct;
	return -1;
}

static const char *
kv_text(const struct kiln_kv *kv, size_t n, const char *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].type == KILN_KV_STR ? kv[i].s : NULL;
	return NULL;
}

/* Every change of stage, by any door, into the history. */
int
deals_changed(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const struct kiln_kv *before, const struct kiln_kv *after,
    size_t n)
{
	struct kiln_stmt	*st;
	const char		*from = kv_text(before, n, "stage");
	const char		*to = kv_text(after, n, "stage");
	const char		*why = sv->param(r, "reason");
	int			 rc;

	if (from == NULL || to == NULL || strcmp(from, to) == 0)
		return deals_evaluate(r, sv, id);
	if ((st = sv->sql(r, "INSERT INTO deal_stages (deal, seq, stage_from,"
	    " stage_to, by_login, at, reason) VALUES (?1, (SELECT"
	    " coalesce(max(seq), 0) + 1 FROM deal_stages WHERE deal = ?1),"
	    " ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?5)")) ==
	    NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, from);
	sv->bind_text(st, 3, to);
	sv->bind_text(st, 4, *sv->user_login(r) ? sv->user_login(r) : "cli");
	sv->bind_text(st, 5, why != NULL ? why : "");
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? deals_evaluate(r, sv, id) : -1;
}

/* The deal's stage and version now ("" when there is no such deal). */
static void
stage_of(struct kiln_req *r, const struct kiln_services *sv, long long id,
    char *stage, size_t n, long long *version)
{
	struct kiln_stmt	*st;

	*stage = '\0';
	*version = 0;
	if ((st = sv->sql(r, "SELECT stage, version FROM deals WHERE id = ?1"))
	    == NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		snprintf(stage, n, "%s", sv->col_text(st, 0));
		*version = sv->col_int(st, 1);
	}
	sv->done(st);
}

static int
one_of(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/*
 * POST /deals/#/stage: stage, and to lose lost_reason (one of the
 * list) and reason (words, optional); version as read.  Refusals say
 * why: 422 for what was sent, 409 for what the deal is now (won is
 * final; the database says so on every door).
 */
int
deals_stage(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_kv	 kv[4];
	long long	 id = sv->route_id(r), version, sent = 0;
	const char	*to = sv->param(r, "stage");
	const char	*lost = sv->param(r, "lost_reason");
	const char	*why = sv->param(r, "reason");
	const char	*ver = sv->param(r, "version");
	char		 now[32], pct[8], err[512], path[64], *end;
	size_t		 n = 0;

	if (to == NULL || !one_of(deals_stages, to))
		return sv->error(r, 422, "invalid", _("Choose a stage: lead,"
		    " qualified, proposal, negotiation, won or lost."));
	if (strcmp(to, "lost") == 0 && (lost == NULL || *lost == '\0' ||
	    !one_of(deals_lost_reasons, lost)))
		return sv->error(r, 422, "invalid", _("Say why the deal was"
		    " lost: price, product fit, delivery time, a competitor,"
		    " no budget, no decision, or other."));
	if (why != NULL && strlen(why) > 500)
		return sv->error(r, 422, "invalid",
		    _("Give the reason in at most 500 bytes."));
	if (ver != NULL && *ver != '\0') {
		sent = strtoll(ver, &end, 10);
		if (*end != '\0' || sent < 1)
			return sv->error(r, 400, "bad_request",
			    _("version must be a positive number"));
	}
	if (deals_begin(r, sv, id) != 0)
		return 0;	/* answered */
	stage_of(r, sv, id, now, sizeof(now), &version);
	if (sent != 0 && sent != version) {
		sv->rollback(r);
		return sv->error(r, 409, "stale", _("The deal was changed"
		    " meanwhile; look at it again before you go on."));
	}
	if (strcmp(now, to) == 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict",
		    _("The deal is at that stage already."));
	}
	kv[n++] = (struct kiln_kv)KV_S("stage", to);
	snprintf(pct, sizeof(pct), "%d", deals_stage_probability(to));
	kv[n++] = (struct kiln_kv)KV_S("probability", pct);
	if (strcmp(to, "lost") == 0) {
		kv[n++] = (struct kiln_kv)KV_S("lost_reason", lost);
		kv[n++] = (struct kiln_kv)KV_S("lost_note", why ? why : "");
	}
	if (sv->update(r, "deal", id, kv, n, err, sizeof(err)) != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", err);
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "deal", id, 0);
	snprintf(path, sizeof(path), "/deals/%lld?done=updated", id);
	return sv->redirect(r, path);
}

/*
 * Open the write transaction on a deal the user may change: 0, or -1
 * once the refusal is answered (404 out of sight, 403 read only).
 */
int
deals_begin(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	int	 acc;

	if (sv->begin_write(r) != 0) {
		sv->write_failed(r);
		return -1;
	}
	if ((acc = sv->access(r, "deal", id)) == 1)
		return 0;
	sv->rollback(r);
	if (acc < 0)
		sv->error(r, 404, "not_found", _("No such record."));
	else
		sv->error(r, 403, "forbidden",
		    _("You may not change this record."));
	return -1;
}

/* <table class=list> and its head row (one empty cell more: extra). */
void
deals_table(struct kiln_req *r, const struct kiln_services *sv,
    const char *const *cols, int extra)
{
	sv->open(r, "table");
	sv->attr(r, "class", "list");
	sv->open(r, "thead");
	sv->open(r, "tr");
	for (; *cols != NULL; cols++) {
		sv->open(r, "th");
		sv->attr(r, "scope", "col");
		sv->text(r, _(*cols));
		sv->close(r);
	}
	if (extra) {
		sv->open(r, "th");
		sv->attr(r, "scope", "col");
		sv->close(r);
	}
	sv->close(r);
	sv->close(r);
}

/* s, kept for the rest of the request (col_text() is not). */
const char *
deals_copy(struct kiln_req *r, const struct kiln_services *sv, const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p = sv->alloc(r, n);

	memcpy(p, s, n);
	return p;
}

/* <a href=path>text</a>, path under the prefix. */
void
deals_link(struct kiln_req *r, const struct kiln_services *sv,
    const char *path, const char *text)
{
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->text(r, text);
	sv->close(r);
}

void
deals_hidden(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, const char *value)
{
	sv->open(r, "input");
	sv->attr(r, "type", "hidden");
	sv->attr(r, "name", name);
	sv->attr(r, "value", value);
	sv->close(r);
}

/* A move to stage `to` as a button (losing asks why, in a disclosure). */
static void
move(struct kiln_req *r, const struct kiln_services *sv, long long id,
    long long version, const char *to)
{
	const char *const	*o;
	char			 path[64], ver[24], fid[48];

	snprintf(path, sizeof(path), "/deals/%lld/stage", id);
	snprintf(ver, sizeof(ver), "%lld", version);
	if (strcmp(to, "lost") == 0) {
		sv->open(r, "details");
		sv->attr(r, "class", "act");
		sv->open(r, "summary");
		sv->text(r, _("Lost\u2026"));
		sv->close(r);
	}
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", strcmp(to, "lost") == 0 ? "act" : "inline");
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	deals_hidden(r, sv, "version", ver);
	deals_hidden(r, sv, "stage", to);
	if (strcmp(to, "lost") == 0) {
		snprintf(fid, sizeof(fid), "d%lld-lost", id);
		sv->open(r, "label");
		sv->attr(r, "for", fid);
		sv->text(r, _("Lost because"));
		sv->close(r);
		sv->open(r, "select");
		sv->attr(r, "id", fid);
		sv->attr(r, "name", "lost_reason");
		sv->attr(r, "required", "required");
		sv->open(r, "option");
		sv->attr(r, "value", "");
		sv->text(r, "\u2014");
		sv->close(r);
		for (o = deals_lost_reasons; *o != NULL; o++) {
			sv->open(r, "option");
			sv->attr(r, "value", *o);
			sv->text(r, sv->show_enum(r, *o));
			sv->close(r);
		}
		sv->close(r);
		sv->open(r, "input");
		sv->attr(r, "name", "reason");
		sv->attr(r, "maxlength", "500");
		sv->attr(r, "aria-label", _("In words"));
		sv->attr(r, "placeholder", _("In words"));
		sv->close(r);
	}
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	if (strcmp(to, "lost") == 0)
		sv->attr(r, "class", "danger");
	sv->text(r, strcmp(to, "won") == 0 ? _("Won") :
	    strcmp(to, "lost") == 0 ? _("Mark lost") :
	    sv->show_enum(r, to));
	sv->close(r);
	sv->close(r);
	if (strcmp(to, "lost") == 0)
		sv->close(r);
}

static void
history_rows(struct kiln_req *r, const struct kiln_services *sv,
    long long id, int xml)
{
	struct kiln_stmt	*st;
	int			 any = 0;

	char			 days[64];

	if ((st = sv->sql(r, "SELECT stage_from, stage_to, by_login, at,"
	    " reason, seconds FROM deal_stages WHERE deal = ?1 ORDER BY seq"))
	    == NULL)
		return;
	sv->bind_int(st, 1, id);
	if (xml)
		sv->open(r, "history");
	while (sv->step(st) == 1) {
		if (xml) {
			sv->open(r, "event");
			sv->attr(r, "from", sv->col_text(st, 0));
			sv->attr(r, "stage", sv->col_text(st, 1));
			sv->attr(r, "by", sv->col_text(st, 2));
			sv->attr(r, "at", sv->col_text(st, 3));
			snprintf(days, sizeof(days), "%.1f",
			    (double)sv->col_int(st, 5) / 86400.0);
			sv->attr(r, "days", days);
			sv->text(r, sv->col_text(st, 4));
			sv->close(r);
			continue;
		}
		if (!any) {
			sv->open(r, "section");
			sv->attr(r, "class", "timeline");
			sv->open(r, "h2");
			sv->text(r, _("Stages"));
			sv->close(r);
			sv->open(r, "ol");
		}
		any = 1;
		sv->open(r, "li");
		sv->open(r, "time");
		sv->attr(r, "datetime", sv->col_text(st, 3));
		sv->text(r, sv->show_time(r, sv->col_text(st, 3)));
		sv->close(r);
		sv->text(r, " ");
		sv->text(r, sv->show_enum(r, sv->col_text(st, 0)));
		sv->text(r, " \u2192 ");
		sv->open(r, "b");
		sv->text(r, sv->show_enum(r, sv->col_text(st, 1)));
		sv->close(r);
		/* How long it was at the stage it left. */
		snprintf(days, sizeof(days), _(" after %.1f days"),
		    (double)sv->col_int(st, 5) / 86400.0);
		sv->text(r, days);
		sv->text(r, " \u2014 ");
		sv->text(r, sv->col_text(st, 2));
		if (*sv->col_text(st, 4) != '\0') {
			sv->text(r, ": ");
			sv->text(r, sv->col_text(st, 4));
		}
		sv->close(r);
	}
	sv->done(st);
	if (xml || any) {
		if (!xml)
			sv->close(r);	/* ol */
		sv->close(r);
	}
}

/* The deal's page: the moves one may make now, then its stages. */
void
deals_page(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	const char *const	*s;
	char			 stage[32];
	long long		 version;

	int			 writable = sv->access(r, "deal", id) == 1;

	stage_of(r, sv, id, stage, sizeof(stage), &version);
	if (*stage != '\0' && strcmp(stage, "won") != 0 && writable) {
		sv->open(r, "div");
		sv->attr(r, "class", "actbar");
		/* Lost reopens as a lead; an open deal goes anywhere else. */
		for (s = deals_stages; *s != NULL; s++)
			if (strcmp(*s, stage) != 0 && (strcmp(stage, "lost") != 0 ||
			    strcmp(*s, "lead") == 0))
				move(r, sv, id, version, *s);
		sv->close(r);
	}
	deals_order_link(r, sv, id, stage, writable);
	deals_evaluation_page(r, sv, id);
	deals_competitors_page(r, sv, id, writable);
	history_rows(r, sv, id, 0);
}

/* The deal's document: its stage history, as an order's. */
void
deals_xml(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	history_rows(r, sv, id, 1);
	deals_competitors_xml(r, sv, id);
	deals_lines_xml(r, sv, id);
	deals_evaluation_xml(r, sv, id);
}
