/*
 * feedback.c - the customer's satisfaction.  Closing a ticket makes a
 * satisfaction request: a link with a single-use token (32 random
 * bytes; the database keeps only its SHA-256) that expires after
 * kiln.conf's feedback_days, sent as a notice (notices.c).  The link
 * opens a tiny public page, GET /feedback/TOKEN, without a login: the
 * ticket's subject, 1 to 5 and a comment.  POST /feedback/TOKEN takes
 * one answer and spends the token in the same transaction, so a link
 * is used once.  An unknown, used or expired token gets the same
 * answer, and nothing else of Kiln is reachable through the page (the
 * host counts its requests per address and checks the form's token).
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service.h"

#define COMMENT_MAX	2000

/*
 * A new satisfaction request for ticket id, in the caller's write
 * transaction (its close): an earlier unanswered one is void.
 */
int
service_feedback_request(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	const char		*token = sv->token(r), *link;
	long long		 days = sv->number(r, "feedback_days");
	char			 now[SERVICE_TIMESZ], until[SERVICE_TIMESZ];
	char			*path, *text;
	time_t			 t = time(NULL);
	struct tm		 tm;
	int			 rc;

	if (days < 1)
		days = 30;
	service_now(now);
	t += (time_t)days * 86400;
	strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ",
	    gmtime_r(&t, &tm));
	if ((st = sv->sql(r, "DELETE FROM ticket_feedback WHERE ticket = ?1"
	    " AND used_at = ''")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0 || (st = sv->sql(r, "INSERT INTO ticket_feedback (hash,"
	    " ticket, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")) ==
	    NULL)
		return -1;
	sv->bind_text(st, 1, sv->digest(r, token));
	sv->bind_int(st, 2, id);
	sv->bind_text(st, 3, now);
	sv->bind_text(st, 4, until);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0)
		return -1;
	path = sv->alloc(r, strlen(token) + 16);
	sprintf(path, "/feedback/%s", token);
	link = sv->link(r, path);
	text = sv->alloc(r, strlen(link) + 512);
	snprintf(text, strlen(link) + 512, _("Your request is closed. How"
	    " did we do? One click, no login:\n\n%s\n\nThe link works once,"
	    " for %lld days."), link, days);
	return service_notice(r, sv, id, "feedback", _("how did we do?"),
	    text);
}

/*
 * The ticket of a usable token: 0 and *id, its subject and company;
 * -1 when the token is unknown, spent or expired (all alike).
 */
static int
usable(struct kiln_req *r, const struct kiln_services *sv, const char *token,
    long long *id, const char **subject)
{
	struct kiln_stmt	*st;
	char			 now[SERVICE_TIMESZ];
	int			 rc = -1;

	if (token == NULL || strlen(token) != 43 || strspn(token,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
	    != 43)
		return -1;
	service_now(now);
	if ((st = sv->sql(r, "SELECT f.ticket, t.subject FROM ticket_feedback"
	    " f JOIN tickets t ON t.id = f.ticket WHERE f.hash = ?1 AND"
	    " f.used_at = '' AND f.expires_at > ?2")) == NULL)
		return -1;
	sv->bind_text(st, 1, sv->digest(r, token));
	sv->bind_text(st, 2, now);
	if (sv->step(st) == 1) {
		*id = sv->col_int(st, 0);
		*subject = service_copy(r, sv, sv->col_text(st, 1));
		rc = 0;
	}
	sv->done(st);
	return rc;
}

/* The answer for a link that does not work: the same for every cause. */
static int
gone(struct kiln_req *r, const struct kiln_services *sv)
{
	if (sv->begin(r, 404, NULL, _("Link not valid")) != 0)
		return -1;
	sv->open(r, "h1");
	sv->text(r, _("This link is not valid"));
	sv->close(r);
	sv->open(r, "p");
	sv->text(r, _("It was used already, or it has expired. Thank you"
	    " all the same."));
	sv->close(r);
	return sv->end(r);
}

static void
thanks(struct kiln_req *r, const struct kiln_services *sv)
{
	sv->open(r, "h1");
	sv->text(r, _("Thank you"));
	sv->close(r);
	sv->open(r, "p");
	sv->text(r, _("Your answer is with our service team."));
	sv->close(r);
}

/* GET /feedback/TOKEN: the question. */
int
service_feedback_page(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*token = sv->route_arg(r, 0), *subject, *company;
	long long	 id;
	char		 n[2], fid[8];
	int		 i;

	if (usable(r, sv, token, &id, &subject) != 0)
		return gone(r, sv);
	if (sv->begin(r, 200, NULL, _("How did we do?")) != 0)
		return -1;
	company = sv->company(r, "company_name");
	sv->open(r, "h1");
	sv->text(r, _("How did we do?"));
	sv->close(r);
	sv->open(r, "p");
	if (company != NULL && *company != '\0') {
		sv->text(r, company);
		sv->text(r, " \u2014 ");
	}
	sv->text(r, subject);
	sv->close(r);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "feedback");
	sv->csrf(r);
	sv->open(r, "fieldset");
	sv->open(r, "legend");
	sv->text(r, _("1 poor \u2013 5 excellent"));
	sv->close(r);
	for (i = 1; i <= 5; i++) {
		snprintf(n, sizeof(n), "%d", i);
		snprintf(fid, sizeof(fid), "r%d", i);
		sv->open(r, "input");
		sv->attr(r, "type", "radio");
		sv->attr(r, "name", "rating");
		sv->attr(r, "id", fid);
		sv->attr(r, "value", n);
		sv->attr(r, "required", "required");
		sv->close(r);
		sv->open(r, "label");
		sv->attr(r, "for", fid);
		sv->text(r, n);
		sv->close(r);
	}
	sv->close(r);	/* fieldset */
	sv->open(r, "label");
	sv->attr(r, "for", "comment");
	sv->text(r, _("Anything to tell us? (optional)"));
	sv->close(r);
	sv->open(r, "textarea");
	sv->attr(r, "id", "comment");
	sv->attr(r, "name", "comment");
	sv->attr(r, "rows", "4");
	sv->attr(r, "maxlength", "2000");
	sv->text(r, "");
	sv->close(r);
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Send"));
	sv->close(r);
	sv->close(r);	/* form */
	return sv->end(r);
}

/* POST /feedback/TOKEN: rating (1-5), comment; the token is spent. */
int
service_feedback_answer(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[2];
	const char		*token = sv->route_arg(r, 0), *subject;
	const char		*rating = sv->param(r, "rating");
	const char		*comment = sv->param(r, "comment");
	char			 now[SERVICE_TIMESZ], err[256], note[32];
	long long		 id;
	int			 spent = 0;

	if (comment == NULL)
		comment = "";
	if (rating == NULL || strlen(rating) != 1 || rating[0] < '1' ||
	    rating[0] > '5' || strlen(comment) > COMMENT_MAX)
		return sv->error(r, 422, "invalid", _("Choose 1 to 5; a"
		    " comment of at most 2000 bytes."));
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if (usable(r, sv, token, &id, &subject) != 0) {
		sv->rollback(r);
		return gone(r, sv);
	}
	service_now(now);
	/* Spent here, whoever else holds the link: one answer. */
	if ((st = sv->sql(r, "UPDATE ticket_feedback SET used_at = ?2 WHERE"
	    " hash = ?1 AND used_at = '' RETURNING ticket")) != NULL) {
		sv->bind_text(st, 1, sv->digest(r, token));
		sv->bind_text(st, 2, now);
		spent = sv->step(st) == 1;
		sv->done(st);
	}
	kv[0] = (struct kiln_kv)KV_I("satisfaction", rating[0] - '0');
	kv[1] = (struct kiln_kv)KV_S("feedback", comment);
	snprintf(note, sizeof(note), "%c/5", rating[0]);
	if (!spent || sv->update(r, "ticket", id, kv, 2, err,
	    sizeof(err)) != 0 || service_event(r, sv, id, "note", "",
	    note, comment) != 0) {
		sv->rollback(r);
		return spent ? sv->error(r, 500, "internal",
		    _("Internal error.")) : gone(r, sv);
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->begin(r, 200, NULL, _("Thank you")) != 0)
		return -1;
	thanks(r, sv);
	return sv->end(r);
}
