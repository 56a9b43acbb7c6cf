/*
 * mailin.c - tickets by e-mail: `kiln mail-in` (a mail server's pipe
 * alias) hands each received message here.  A subject naming a ticket
 * and its thread token ("Re: [#T-42-1a2b3c4d] ...", as the notices
 * write it) is a reply: the text goes into the ticket's history, and a
 * ticket waiting on the customer resumes.  Any other message is a new
 * ticket of the customer the sender is known as: a contact's address,
 * else a customer's, else a customer whose e-mail or website has the
 * sender's domain.  A sender nobody knows is no ticket (a ticket needs
 * its customer): the mail is kept among the requests from people not
 * known yet (request.c), for the desk to file or set aside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

#define SUBJECT_MAX	200	/* the ticket fields' caps, in characters */
#define DESCRIPTION_MAX	10000

/* The ticket named by "[#T-<id>-<token>]" in subject whose token fits. */
static long long
thread_of(struct kiln_req *r, const struct kiln_services *sv,
    const char *subject)
{
	struct kiln_stmt	*st;
	const char		*p;
	char			 token[16], *end;
	long long		 id, found = 0;
	size_t			 n;

	for (p = subject; (p = strstr(p, "[#T-")) != NULL; p++) {
		id = strtoll(p + 4, &end, 10);
		if (id < 1 || *end != '-')
			continue;
		n = strspn(end + 1, "0123456789abcdef");
		if (n != 8 || end[1 + n] != ']')
			continue;
		snprintf(token, sizeof(token), "%.8s", end + 1);
		if ((st = sv->sql(r, "SELECT id FROM tickets WHERE id = ?1 AND"
		    " token = ?2")) == NULL)
			return 0;
		sv->bind_int(st, 1, id);
		sv->bind_text(st, 2, token);
		if (sv->step(st) == 1)
			found = id;
		sv->done(st);
		if (found)
			break;
	}
	return found;
}

/*
 * Is the host of website url (lower case) the mail domain dom, or dom's
 * "www."?  Not any name ending in it: "co.uk" is not every British
 * company, "acme.co" not acme.com.
 */
static int
site_is(const char *url, const char *dom)
{
	const char	*p = strstr(url, "://");
	size_t		 n;

	p = p != NULL ? p + 3 : url;
	n = strcspn(p, "/:?#");
	if (n > 4 && strncmp(p, "www.", 4) == 0) {
		p += 4;
		n -= 4;
	}
	return n == strlen(dom) && strncmp(p, dom, n) == 0;
}

/* Who the sender is: *customer and *contact (0: none). */
static void
sender(struct kiln_req *r, const struct kiln_services *sv,
    const char *addr, long long *customer, long long *contact)
{
	struct kiln_stmt	*st;
	const char		*at = strrchr(addr, '@'), *dom;

	*customer = *contact = 0;
	if (at == NULL || at[1] == '\0')
		return;
	if ((st = sv->sql(r, "SELECT customer, id FROM contacts WHERE"
	    " lower(email) = lower(?1) ORDER BY \"primary\" DESC, id LIMIT 1"))
	    != NULL) {
		sv->bind_text(st, 1, addr);
		if (sv->step(st) == 1) {
			*customer = sv->col_int(st, 0);
			*contact = sv->col_int(st, 1);
		}
		sv->done(st);
	}
	if (*customer != 0)
		return;
	/*
	 * The company's own address, then its website's domain (not its
	 * mail's: a free-mail domain is everybody's).  A domain is letters,
	 * digits, dots and hyphens, so it holds no LIKE wildcard.
	 */
	dom = at + 1;
	if (strspn(dom, "abcdefghijklmnopqrstuvwxyz0123456789.-") !=
	    strlen(dom) || strchr(dom, '.') == NULL || *dom == '.')
		dom = "";
	if ((st = sv->sql(r, "SELECT id, lower(email) = lower(?1),"
	    " lower(website) FROM customers WHERE lower(email) = lower(?1) OR"
	    " (?2 <> '' AND lower(website) LIKE '%' || ?2 || '%') ORDER BY"
	    " 2 DESC, id LIMIT 50")) == NULL)
		return;
	sv->bind_text(st, 1, addr);
	sv->bind_text(st, 2, dom);
	while (*customer == 0 && sv->step(st) == 1)
		if (sv->col_int(st, 1) || site_is(sv->col_text(st, 2), dom))
			*customer = sv->col_int(st, 0);
	sv->done(st);
}

/* A reply on ticket id: into its history; waiting, it resumes. */
static int
reply(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct kiln_mail *m)
{
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[1];
	char			 err[256];
	int			 waiting = 0;

	if (sv->begin_write(r) != 0)
		return -1;
	if ((st = sv->sql(r, "SELECT status = 'waiting_customer' FROM tickets"
	    " WHERE id = ?1")) != NULL) {
		sv->bind_int(st, 1, id);
		if (sv->step(st) == 1)
			waiting = (int)sv->col_int(st, 0);
		sv->done(st);
	}
	if (service_event(r, sv, id, "message", "", m->from_addr, m->text) !=
	    0)
		goto fail;
	kv[0] = (struct kiln_kv)KV_S("status", "in_progress");
	if (waiting && sv->update(r, "ticket", id, kv, 1, err,
	    sizeof(err)) != 0) {
		sv->log(KILN_LOG_ERR, "mail-in: ticket %lld: %s", id, err);
		goto fail;
	}
	if (sv->commit(r) != 0)
		return -1;
	sv->log(KILN_LOG_INFO, "mail-in: a reply from %s on ticket %lld",
	    m->from_addr, id);
	return 0;
fail:
	sv->rollback(r);
	return -1;
}

/*
 * The first max characters of UTF-8 text s, cut on a character's
 * boundary, line ends as spaces when flat; *cut says whether any was
 * left out.
 */
static char *
first_chars(struct kiln_req *r, const struct kiln_services *sv,
    const char *s, size_t max, int flat, int *cut)
{
	size_t	 len = 0, chars = 0;
	char	*out, *p;

	while (s[len] != '\0' && chars < max) {
		len++;
		while (((unsigned char)s[len] & 0xc0) == 0x80)
			len++;
		chars++;
	}
	*cut = s[len] != '\0';
	out = sv->alloc(r, len + 1);
	memcpy(out, s, len);
	out[len] = '\0';
	for (p = out; flat && (p = strpbrk(p, "\r\n\t")) != NULL; )
		*p++ = ' ';
	return out;
}

/*
 * A new ticket from a known sender, as a form would make it, in the
 * caller's write transaction: 0 and *id, or -1 (logged).  A subject or
 * text longer than a ticket holds is cut (the whole text goes into the
 * history as the customer's message): a long mail is filed, not
 * refused and sent again and again by the mail server.
 */
static int
file_ticket(struct kiln_req *r, const struct kiln_services *sv,
    long long customer, long long contact, const char *subject_in,
    const char *text, const char *channel, long long *id)
{
	struct kiln_kv		 kv[6];
	const char		*subject, *description;
	char			 err[512];
	size_t			 n = 0;
	int			 cut;

	subject = first_chars(r, sv, subject_in, SUBJECT_MAX, 1, &cut);
	if (*subject == '\0')
		subject = _("(no subject)");
	description = first_chars(r, sv, text, DESCRIPTION_MAX, 0, &cut);
	kv[n++] = (struct kiln_kv)KV_S("subject", subject);
	kv[n++] = (struct kiln_kv)KV_I("customer", customer);
	if (contact != 0)
		kv[n++] = (struct kiln_kv)KV_I("contact", contact);
	kv[n++] = (struct kiln_kv)KV_S("description", description);
	kv[n++] = (struct kiln_kv)KV_S("channel", channel);
	/* create() leaves created() out: it is ours to run. */
	if (sv->create(r, "ticket", kv, n, id, err, sizeof(err)) != 0 ||
	    service_created(r, sv, *id, err, sizeof(err)) != 0) {
		sv->log(KILN_LOG_ERR, "%s request: %s", channel, err);
		return -1;
	}
	if (cut && service_event(r, sv, *id, "message", "", "", text) != 0)
		return -1;
	return 0;
}

int
service_mail_in(struct kiln_req *r, const struct kiln_services *sv,
    const struct kiln_mail *m)
{
	long long	 id, customer, contact;

	if ((id = thread_of(r, sv, m->subject)) != 0)
		return reply(r, sv, id, m);
	sender(r, sv, m->from_addr, &customer, &contact);
	if (sv->begin_write(r) != 0)
		return -1;
	if (customer == 0) {
		/* Nobody known: kept for the desk, not lost, not a ticket. */
		if (service_request_keep(r, sv, "email", m->from_name,
		    m->from_addr, "", "", m->subject, m->text) != 0)
			goto fail;
		if (sv->commit(r) != 0)
			return -1;
		sv->log(KILN_LOG_INFO, "mail-in: from %s, not known: kept"
		    " among the requests", m->from_addr);
		return 0;
	}
	if (file_ticket(r, sv, customer, contact, m->subject, m->text,
	    "email", &id) != 0)
		goto fail;
	if (sv->commit(r) != 0)
		return -1;
	sv->log(KILN_LOG_INFO, "mail-in: ticket %lld from %s", id,
	    m->from_addr);
	return 0;
fail:
	sv->rollback(r);
	return -1;
}
