/*
 * quotas.c - quotas loaded from a spreadsheet: GET /quotas/load is a
 * form to paste CSV into ("login,period,amount" a line, a header line
 * allowed), POST /quotas/load sets each salesperson's quota for each
 * period, a new one or a changed amount, all in one transaction: one
 * bad line and nothing is stored, the form comes back with the line
 * named and the text kept.  Through the host, so who may set whose
 * quota (a manager their team's), the period's form and the audit are
 * what they are for one quota typed in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deals.h"

#define LOAD_MAX_LINES	2000

static void
form(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "p");
	sv->text(r, _("One line per quota: the salesperson's login, the"
	    " period (2027-03 for a month, 2027-Q1 for a quarter) and the"
	    " amount, separated by commas.  A quota that exists gets the new"
	    " amount."));
	sv->close(r);
	sv->open(r, "pre");
	sv->text(r, "login,period,amount\nli.wei,2027-Q1,1500000.00\n"
	    "li.wei,2027-04,500000.00\n");
	sv->close(r);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "record");
	sv->attr(r, "action", sv->url(r, "/quotas/load"));
	sv->csrf(r);
	sv->open(r, "label");
	sv->attr(r, "for", "q-csv");
	sv->text(r, _("Quotas (CSV)"));
	sv->close(r);
	sv->open(r, "textarea");
	sv->attr(r, "id", "q-csv");
	sv->attr(r, "name", "csv");
	sv->attr(r, "rows", "12");
	sv->attr(r, "required", "required");
	sv->text(r, text);
	sv->close(r);
	sv->open(r, "div");
	sv->attr(r, "class", "actions");
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Load"));
	sv->close(r);
	sv->close(r);
	sv->close(r);
}

static int
page(struct kiln_req *r, const struct kiln_services *sv, int status,
    const char *why, const char *text)
{
	if (sv->begin(r, status, NULL, _("Load quotas")) != 0)
		return -1;
	sv->open(r, "h1");
	sv->text(r, _("Load quotas"));
	sv->close(r);
	if (why != NULL) {
		sv->open(r, "p");
		sv->attr(r, "class", "error");
		sv->attr(r, "role", "alert");
		sv->text(r, why);
		sv->close(r);
	}
	form(r, sv, text);
	return sv->end(r);
}

int
deals_quotas_form(struct kiln_req *r, const struct kiln_services *sv)
{
	return page(r, sv, 200, NULL, "");
}

/* Field k (0..2) of a CSV line, trimmed and unquoted, into out. */
static int
field(const char *line, int k, char *out, size_t n)
{
	const char	*p = line, *end;
	size_t		 len;

	for (; k > 0; k--)
		if ((p = strchr(p, ',')) == NULL)
			return -1;
		else
			p++;
	end = strchr(p, ',');
	len = end != NULL ? (size_t)(end - p) : strlen(p);
	while (len > 0 && (*p == ' ' || *p == '\t' || *p == '"'))
		p++, len--;
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
	    p[len - 1] == '"' || p[len - 1] == '\r'))
		len--;
	if (len >= n)
		return -1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

static long long
lookup(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    const char *text, long long id)
{
	struct kiln_stmt	*st;
	long long		 v = 0;

	if ((st = sv->sql(r, sql)) == NULL)
		return 0;
	if (id != 0)
		sv->bind_int(st, 1, id);
	sv->bind_text(st, id != 0 ? 2 : 1, text);
	if (sv->step(st) == 1)
		v = sv->col_int(st, 0);
	sv->done(st);
	return v;
}

/* One line: 0, or -1 with why in err. */
static int
load_line(struct kiln_req *r, const struct kiln_services *sv,
    const char *line, char *err, size_t errsz)
{
	struct kiln_kv	 kv[3];
	char		 login[80], period[16], amount[32], why[400];
	long long	 owner, qid, minor;

	if (field(line, 0, login, sizeof(login)) != 0 ||
	    field(line, 1, period, sizeof(period)) != 0 ||
	    field(line, 2, amount, sizeof(amount)) != 0 ||
	    strchr(line, ',') == NULL) {
		snprintf(err, errsz, "%s", _("want login,period,amount"));
		return -1;
	}
	if (sv->parse_money(amount, &minor) != 0 || minor < 0) {
		snprintf(err, errsz, "%s", _("the amount is not like"
		    " 1500000.00"));
		return -1;
	}
	if ((owner = lookup(r, sv, "SELECT id FROM users WHERE login = ?1"
	    " AND active = 1", login, 0)) == 0) {
		snprintf(err, errsz, _("no such user: %s"), login);
		return -1;
	}
	qid = lookup(r, sv, "SELECT id FROM quotas WHERE owner = ?1 AND"
	    " period = ?2", period, owner);
	if (qid != 0) {
		/* update() checks no access: the same rule as a form's. */
		if (sv->access(r, "quota", qid) != 1) {
			snprintf(err, errsz, _("not yours to set: %s"), login);
			return -1;
		}
		kv[0] = (struct kiln_kv)KV_S("amount", amount);
		if (sv->update(r, "quota", qid, kv, 1, why, sizeof(why)) == 0)
			return 0;
	} else {
		kv[0] = (struct kiln_kv)KV_I("owner", owner);
		kv[1] = (struct kiln_kv)KV_S("period", period);
		kv[2] = (struct kiln_kv)KV_S("amount", amount);
		switch (sv->create(r, "quota", kv, 3, &qid, why, sizeof(why))) {
		case 0:
			return 0;
		case -2:
			snprintf(err, errsz, _("not yours to set: %s"), login);
			return -1;
		}
	}
	snprintf(err, errsz, "%s", why);
	return -1;
}

int
deals_quotas_load(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*text = sv->param(r, "csv");
	char		*copy, *line, *next, err[512], why[600];
	size_t		 n = 0, len;
	int		 any = 0;

	if (text == NULL || *text == '\0')
		return page(r, sv, 422, _("Paste the quotas first."), "");
	len = strlen(text);
	copy = sv->alloc(r, len + 1);
	memcpy(copy, text, len + 1);
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	for (line = copy; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		n++;
		if (line[strspn(line, " \t\r")] == '\0')
			continue;	/* a blank line */
		if (n == 1 && strncmp(line, "login", 5) == 0)
			continue;	/* the header */
		if (n > LOAD_MAX_LINES) {
			snprintf(err, sizeof(err), "%s", _("too many lines"));
			goto refused;
		}
		if (load_line(r, sv, line, err, sizeof(err)) != 0)
			goto refused;
		any = 1;
	}
	if (!any) {
		sv->rollback(r);
		return page(r, sv, 422, _("No quota in what was pasted."),
		    text);
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	return sv->redirect(r, "/quotas?done=saved");
refused:
	sv->rollback(r);
	snprintf(why, sizeof(why), _("Line %zu: %s. Nothing was loaded."), n,
	    err);
	return page(r, sv, 422, why, text);
}
