/*
 * notices.c - what the customer is told: the acknowledgement of a new
 * ticket, each answer, the resolution, the satisfaction link.  A
 * notice is written in the transaction of what it tells (so none is
 * lost and none sent for a change that was undone) and sent after:
 * by the service_mail job through kiln.conf's sendmail, or, without
 * one, listed on the ticket's page for the agent to send by hand and
 * mark sent.  Its subject names the ticket and its thread token
 * ("[#T-42-1a2b3c4d] ..."), so a reply comes back to the ticket
 * (mailin.c).  A notice carrying a satisfaction link keeps the link
 * only until it is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

#define MAIL_BATCH	50

/* The address the customer reads: the contact's, else the customer's. */
static const char *
address_of(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	const char		*to = "";

	if ((st = sv->sql(r, "SELECT coalesce(nullif(k.email, ''), c.email,"
	    " '') FROM tickets t JOIN customers c ON c.id = t.customer LEFT"
	    " JOIN contacts k ON k.id = t.contact WHERE t.id = ?1")) == NULL)
		return "";
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1)
		to = service_copy(r, sv, sv->col_text(st, 0));
	sv->done(st);
	return to;
}

/* "[#T-42-1a2b3c4d] subject": how a reply finds its ticket. */
const char *
service_thread_subject(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const char *what)
{
	struct kiln_stmt	*st;
	char			*s = "";

	if ((st = sv->sql(r, "SELECT token, subject FROM tickets WHERE"
	    " id = ?1")) == NULL)
		return "";
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		s = sv->alloc(r, strlen(sv->col_text(st, 0)) +
		    strlen(sv->col_text(st, 1)) + strlen(what) + 32);
		sprintf(s, "[#T-%lld-%s] %s%s%s", id, sv->col_text(st, 0),
		    what, *what ? ": " : "", sv->col_text(st, 1));
	}
	sv->done(st);
	return s;
}

/*
 * Queue notice kind for ticket id (in the caller's write transaction):
 * what (a word for the subject) and the text.  0, or -1.
 */
int
service_notice(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const char *kind, const char *what, const char *text)
{
	struct kiln_stmt	*st;
	char			 now[SERVICE_TIMESZ];
	int			 rc;

	service_now(now);
	if ((st = sv->sql(r, "INSERT INTO ticket_notices (ticket, kind,"
	    " to_addr, subject, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6)")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, kind);
	sv->bind_text(st, 3, address_of(r, sv, id));
	sv->bind_text(st, 4, service_thread_subject(r, sv, id, what));
	sv->bind_text(st, 5, text);
	sv->bind_text(st, 6, now);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/* Mark notice n sent by whom; a link it carried is not kept. */
static int
mark_sent(struct kiln_req *r, const struct kiln_services *sv, long long n,
    const char *by, const char *err)
{
	struct kiln_stmt	*st;
	char			 now[SERVICE_TIMESZ];
	int			 rc;

	service_now(now);
	if ((st = sv->sql(r, *err != '\0' ? "UPDATE ticket_notices SET"
	    " error = ?4 WHERE id = ?1 AND sent_at = ''" : "UPDATE"
	    " ticket_notices SET sent_at = ?2, sent_by = ?3, error = '',"
	    " body = CASE WHEN kind = 'feedback' THEN '' ELSE body END WHERE"
	    " id = ?1 AND sent_at = ''")) == NULL)
		return -1;
	sv->bind_int(st, 1, n);
	sv->bind_text(st, 2, now);
	sv->bind_text(st, 3, by);
	sv->bind_text(st, 4, err);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

struct pending {
	long long	 id;
	const char	*to, *subject, *body;
};

/*
 * The service_mail job: unsent notices with an address, through
 * sendmail, each marked sent (or its error kept, to try again next
 * time) in a short transaction of its own; sending is outside any.
 * Without sendmail in kiln.conf it does nothing: people send them.
 */
int
service_mail_job(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	struct pending		 p[MAIL_BATCH];
	char			 err[256];
	long long		 after = 0, sent = 0, failed = 0;
	size_t			 i, n;
	int			 rc;

	do {
		if ((st = sv->sql(r, "SELECT id, to_addr, subject, body FROM"
		    " ticket_notices WHERE sent_at = '' AND to_addr <> '' AND"
		    " id > ?1 ORDER BY id LIMIT ?2")) == NULL)
			return -1;
		sv->bind_int(st, 1, after);
		sv->bind_int(st, 2, MAIL_BATCH);
		for (n = 0; n < MAIL_BATCH && sv->step(st) == 1; n++) {
			p[n].id = after = sv->col_int(st, 0);
			p[n].to = service_copy(r, sv, sv->col_text(st, 1));
			p[n].subject = service_copy(r, sv, sv->col_text(st, 2));
			p[n].body = service_copy(r, sv, sv->col_text(st, 3));
		}
		sv->done(st);
		for (i = 0; i < n; i++) {
			*err = '\0';
			rc = sv->mail(r, p[i].to, p[i].subject, p[i].body, err,
			    sizeof(err));
			if (rc == 1)
				return 0;	/* no sendmail: people send */
			if (rc != 0) {
				sv->log(KILN_LOG_WARN, "service_mail: notice"
				    " %lld to %s: %s", p[i].id, p[i].to, err);
				failed++;
			} else
				sent++;
			if (sv->begin_write(r) != 0)
				return -1;
			if (mark_sent(r, sv, p[i].id, "sendmail", rc == 0 ?
			    "" : err) != 0) {
				sv->rollback(r);
				return -1;
			}
			if (sv->commit(r) != 0)
				return -1;
		}
	} while (n == MAIL_BATCH);
	if (sent + failed > 0)
		sv->log(KILN_LOG_INFO, "service_mail: %lld sent, %lld failed",
		    sent, failed);
	return failed > 0 ? -1 : 0;
}

/* POST /tickets/#/sent (notice): the agent sent it by hand. */
int
service_sent(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 id = sv->route_id(r), n;
	const char		*v = sv->param(r, "notice");
	char			*end, path[64];
	int			 ours = 0;

	n = v != NULL ? strtoll(v, &end, 10) : 0;
	if (v == NULL || *v == '\0' || *end != '\0' || n < 1)
		return sv->error(r, 422, "invalid", _("Say which notice was"
		    " sent."));
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if (sv->access(r, "ticket", id) != 1) {
		sv->rollback(r);
		return sv->error(r, 404, "not_found", _("No such record."));
	}
	if ((st = sv->sql(r, "SELECT 1 FROM ticket_notices WHERE id = ?1 AND"
	    " ticket = ?2 AND sent_at = ''")) != NULL) {
		sv->bind_int(st, 1, n);
		sv->bind_int(st, 2, id);
		ours = sv->step(st) == 1;
		sv->done(st);
	}
	if (!ours) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("That notice is sent"
		    " already, or not this ticket's."));
	}
	if (mark_sent(r, sv, n, sv->user_login(r), "") != 0 ||
	    service_event(r, sv, id, "note", "", "", _("notice sent by"
	    " hand")) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "ticket", id, 0);
	snprintf(path, sizeof(path), "/tickets/%lld?done=updated", id);
	return sv->redirect(r, path);
}

/*
 * The notices still to send, on the ticket's page for who works it:
 * to whom, the subject and text to copy, and a button to mark it sent.
 */
void
service_notices_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	char			 path[64];
	int			 any = 0;

	if (!service_is_worker(r, sv) || (st = sv->sql(r, "SELECT id,"
	    " to_addr, subject, body, error FROM ticket_notices WHERE"
	    " ticket = ?1 AND sent_at = '' ORDER BY id")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	snprintf(path, sizeof(path), "/tickets/%lld/sent", id);
	while (sv->step(st) == 1) {
		if (!any++) {
			sv->open(r, "section");
			sv->attr(r, "class", "notices");
			sv->open(r, "h2");
			sv->text(r, _("To tell the customer"));
			sv->close(r);
		}
		sv->open(r, "article");
		sv->open(r, "p");
		sv->open(r, "b");
		sv->text(r, *sv->col_text(st, 1) ? sv->col_text(st, 1) :
		    _("no e-mail address: call them"));
		sv->close(r);
		sv->text(r, " \u2014 ");
		sv->text(r, sv->col_text(st, 2));
		if (*sv->col_text(st, 4) != '\0') {
			sv->open(r, "span");
			sv->attr(r, "class", "bad");
			sv->text(r, " (");
			sv->text(r, sv->col_text(st, 4));
			sv->text(r, ")");
			sv->close(r);
		}
		sv->close(r);
		sv->open(r, "pre");
		sv->text(r, sv->col_text(st, 3));
		sv->close(r);
		sv->open(r, "form");
		sv->attr(r, "method", "post");
		sv->attr(r, "class", "inline");
		sv->attr(r, "action", sv->url(r, path));
		sv->csrf(r);
		service_hidden(r, sv, "notice", sv->col_text(st, 0));
		sv->open(r, "button");
		sv->attr(r, "type", "submit");
		sv->text(r, _("Mark sent"));
		sv->close(r);
		sv->close(r);	/* form */
		sv->close(r);	/* article */
	}
	sv->done(st);
	if (any)
		sv->close(r);
}
