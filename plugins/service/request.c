/*
 * request.c - service requests from the web, and from people the desk
 * does not know yet.  GET /request is a public form (no login; on only
 * when kiln.conf's web_requests says yes; the host counts each
 * address's requests and checks the form's token): name, e-mail,
 * phone, company, subject, description, each capped.  No captcha: a
 * hidden field people never fill takes the simplest robots, the
 * host's limit the rest.  Every request is kept among the requests
 * (GET /tickets/requests), as mail from an unknown address is, for the
 * desk to file as a ticket of the right customer or set aside: anyone
 * may type a customer's address into the form, and a ticket filed at
 * once would have the company mail that customer words of a stranger
 * (the acknowledgement).  The form tells nobody who is a customer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

/* A request's fields: name, its limit, and whether it is needed. */
static const struct {
	const char	*name;
	const char	*label;
	size_t		 max;
	int		 required;
	const char	*type;
} inputs[] = {
	{ "name", N_("Your name"), 100, 1, "text" },
	{ "email", N_("E-mail"), 254, 1, "email" },
	{ "phone", N_("Phone"), 40, 0, "tel" },
	{ "company", N_("Company"), 200, 0, "text" },
	{ "subject", N_("Subject"), 200, 1, "text" },
	{ "description", N_("What happened? Product, serial number,"
	  " when it started"), 5000, 1, "textarea" },
};
#define NINPUTS	(sizeof(inputs) / sizeof(inputs[0]))

/* Keep a request from someone not known (in the caller's transaction). */
int
service_request_keep(struct kiln_req *r, const struct kiln_services *sv,
    const char *channel, const char *name, const char *email,
    const char *phone, const char *company, const char *subject,
    const char *body)
{
	struct kiln_stmt	*st;
	char			 now[SERVICE_TIMESZ];
	int			 rc;

	service_now(now);
	if ((st = sv->sql(r, "INSERT INTO service_requests (created_at,"
	    " channel, name, email, phone, company, subject, body) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")) == NULL)
		return -1;
	sv->bind_text(st, 1, now);
	sv->bind_text(st, 2, channel);
	sv->bind_text(st, 3, name);
	sv->bind_text(st, 4, email);
	sv->bind_text(st, 5, phone);
	sv->bind_text(st, 6, company);
	sv->bind_text(st, 7, *subject ? subject : _("(no subject)"));
	sv->bind_text(st, 8, body);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

static int
off(struct kiln_req *r, const struct kiln_services *sv)
{
	return sv->setting(r, "web_requests") != 1;
}

static int
not_here(struct kiln_req *r, const struct kiln_services *sv)
{
	return sv->error(r, 404, "not_found", _("No such page."));
}

/* The form, with what was sent when it comes back for correction. */
static int
form(struct kiln_req *r, const struct kiln_services *sv, int status,
    const char *problem)
{
	const char	*v;
	size_t		 i;
	char		 max[16];

	if (sv->begin(r, status, NULL, _("Service request")) != 0)
		return -1;
	sv->open(r, "h1");
	sv->text(r, _("Service request"));
	sv->close(r);
	if (problem != NULL) {
		sv->open(r, "p");
		sv->attr(r, "class", "error");
		sv->attr(r, "role", "alert");
		sv->text(r, problem);
		sv->close(r);
	}
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "record");
	sv->csrf(r);
	for (i = 0; i < NINPUTS; i++) {
		v = sv->param(r, inputs[i].name);
		snprintf(max, sizeof(max), "%zu", inputs[i].max);
		sv->open(r, "label");
		sv->attr(r, "for", inputs[i].name);
		sv->text(r, _(inputs[i].label));
		sv->close(r);
		if (strcmp(inputs[i].type, "textarea") == 0) {
			sv->open(r, "textarea");
			sv->attr(r, "rows", "6");
		} else {
			sv->open(r, "input");
			sv->attr(r, "type", inputs[i].type);
			if (v != NULL)
				sv->attr(r, "value", v);
		}
		sv->attr(r, "id", inputs[i].name);
		sv->attr(r, "name", inputs[i].name);
		sv->attr(r, "maxlength", max);
		if (inputs[i].required)
			sv->attr(r, "required", "required");
		if (strcmp(inputs[i].type, "textarea") == 0)
			sv->text(r, v != NULL ? v : "");
		sv->close(r);
	}
	/* For robots only: hidden from people and their screen readers. */
	sv->open(r, "div");
	sv->attr(r, "class", "trap");
	sv->attr(r, "aria-hidden", "true");
	sv->open(r, "label");
	sv->attr(r, "for", "website");
	sv->text(r, "Website");
	sv->close(r);
	sv->open(r, "input");
	sv->attr(r, "id", "website");
	sv->attr(r, "name", "website");
	sv->attr(r, "tabindex", "-1");
	sv->attr(r, "autocomplete", "off");
	sv->close(r);
	sv->close(r);
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Send the request"));
	sv->close(r);
	sv->close(r);	/* form */
	return sv->end(r);
}

/* GET /request */
int
service_request_form(struct kiln_req *r, const struct kiln_services *sv)
{
	return off(r, sv) ? not_here(r, sv) : form(r, sv, 200, NULL);
}

/* A plain address: one @, something on each side, no space. */
static int
address_ok(const char *s)
{
	const char	*at = strchr(s, '@');

	return at != NULL && at != s && strchr(at + 1, '@') == NULL &&
	    strchr(at + 1, '.') != NULL && strpbrk(s, " \t\r\n<>,;\"") ==
	    NULL && at[1] != '.';
}

/* POST /request */
int
service_request_post(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*v[NINPUTS], *trap = sv->param(r, "website");
	size_t		 i;

	if (off(r, sv))
		return not_here(r, sv);
	for (i = 0; i < NINPUTS; i++) {
		v[i] = sv->param(r, inputs[i].name);
		if (v[i] == NULL)
			v[i] = "";
		if (strlen(v[i]) > inputs[i].max || (inputs[i].required &&
		    *v[i] == '\0'))
			return form(r, sv, 422, _("Fill in your name, e-mail,"
			    " subject and what happened, each within its"
			    " length."));
	}
	if (!address_ok(v[1]))
		return form(r, sv, 422, _("Give an e-mail address we can"
		    " answer to."));
	if (trap != NULL && *trap != '\0')
		goto thanks;	/* a robot: thanked, not kept */
	if (strpbrk(v[4], "\r\n") != NULL)
		return form(r, sv, 422, _("Write the subject on one line."));
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if (service_request_keep(r, sv, "web", v[0], v[1], v[2], v[3], v[4],
	    v[5]) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
thanks:
	if (sv->begin(r, 200, NULL, _("Thank you")) != 0)
		return -1;
	sv->open(r, "h1");
	sv->text(r, _("Thank you"));
	sv->close(r);
	sv->open(r, "p");
	sv->text(r, _("We have your request and will answer by e-mail."));
	sv->close(r);
	return sv->end(r);
}

/* How many requests wait for the desk. */
long long
service_requests_open(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 n = 0;

	if ((st = sv->sql(r, "SELECT count(*) FROM service_requests WHERE"
	    " handled_at = ''")) == NULL)
		return 0;
	if (sv->step(st) == 1)
		n = sv->col_int(st, 0);
	sv->done(st);
	return n;
}

/* The query string of a new ticket's form, prefilled from a request. */
static const char *
prefill(struct kiln_req *r, const struct kiln_services *sv,
    const char *subject, const char *body, const char *channel)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const char		*parts[3] = { subject, body, channel };
	static const char *const names[3] = { "subject", "description",
		"channel" };
	const unsigned char	*p;
	char			*out, *o;
	size_t			 i, n = 64;

	for (i = 0; i < 3; i++)
		n += 3 * strlen(parts[i]) + 16;
	o = out = sv->alloc(r, n);
	o += sprintf(o, "/tickets/new");
	for (i = 0; i < 3; i++) {
		o += sprintf(o, "%c%s=", i == 0 ? '?' : '&', names[i]);
		for (p = (const unsigned char *)parts[i]; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
			    || (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
				*o++ = (char)*p;
			else {
				*o++ = '%';
				*o++ = hex[*p >> 4];
				*o++ = hex[*p & 15];
			}
		}
	}
	*o = '\0';
	return out;
}

/* GET /tickets/requests: the requests still to file, oldest first. */
int
service_requests(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 path[64], *body;
	int			 any = 0;

	if (sv->wants_xml(r))
		return sv->error(r, 404, "not_found", _("The requests are a"
		    " page of the desk's."));
	if (sv->begin(r, 200, NULL, _("Requests")) != 0)
		return -1;
	sv->open(r, "h1");
	sv->text(r, _("Requests from people not known yet"));
	sv->close(r);
	if ((st = sv->sql(r, "SELECT id, created_at, channel, name, email,"
	    " phone, company, subject, body FROM service_requests WHERE"
	    " handled_at = '' ORDER BY id LIMIT 200")) != NULL) {
		while (sv->step(st) == 1) {
			any = 1;
			sv->open(r, "article");
			sv->attr(r, "class", "request");
			sv->open(r, "h2");
			sv->text(r, sv->col_text(st, 7));
			sv->close(r);
			sv->open(r, "p");
			sv->open(r, "time");
			sv->attr(r, "datetime", sv->col_text(st, 1));
			sv->text(r, sv->show_time(r, sv->col_text(st, 1)));
			sv->close(r);
			/* Piece by piece: a name may be long, cut nothing. */
			sv->text(r, " \u2014 ");
			sv->text(r, sv->show_enum(r, sv->col_text(st, 2)));
			sv->text(r, ": ");
			sv->text(r, sv->col_text(st, 3));
			sv->text(r, " <");
			sv->text(r, sv->col_text(st, 4));
			sv->text(r, "> ");
			sv->text(r, sv->col_text(st, 5));
			sv->text(r, " ");
			sv->text(r, sv->col_text(st, 6));
			sv->close(r);
			sv->open(r, "pre");
			sv->text(r, sv->col_text(st, 8));
			sv->close(r);
			body = sv->alloc(r, strlen(sv->col_text(st, 8)) +
			    strlen(sv->col_text(st, 4)) + 32);
			sprintf(body, "%s\n\n(%s)", sv->col_text(st, 8),
			    sv->col_text(st, 4));
			service_link(r, sv, prefill(r, sv, sv->col_text(st, 7),
			    body, sv->col_text(st, 2)),
			    _("File as a ticket\u2026"));
			snprintf(path, sizeof(path), "/tickets/requests/%s/done",
			    sv->col_text(st, 0));
			sv->open(r, "form");
			sv->attr(r, "method", "post");
			sv->attr(r, "class", "inline");
			sv->attr(r, "action", sv->url(r, path));
			sv->csrf(r);
			sv->open(r, "button");
			sv->attr(r, "type", "submit");
			sv->text(r, _("Done"));
			sv->close(r);
			sv->close(r);	/* form */
			sv->close(r);	/* article */
		}
		sv->done(st);
	}
	if (!any) {
		sv->open(r, "p");
		sv->text(r, _("No requests wait."));
		sv->close(r);
	}
	return sv->end(r);
}

/* POST /tickets/requests/#/done: filed, or set aside. */
int
service_request_done(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 now[SERVICE_TIMESZ];
	int			 rc;

	service_now(now);
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if ((st = sv->sql(r, "UPDATE service_requests SET handled_at = ?2,"
	    " handled_by = ?3 WHERE id = ?1 AND handled_at = '' RETURNING"
	    " id")) == NULL) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	sv->bind_int(st, 1, sv->route_id(r));
	sv->bind_text(st, 2, now);
	sv->bind_text(st, 3, sv->user_login(r));
	rc = sv->step(st);
	sv->done(st);
	if (rc != 1) {
		sv->rollback(r);
		return sv->error(r, 404, "not_found", _("No such request"
		    " waits."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	return sv->redirect(r, "/tickets/requests");
}
