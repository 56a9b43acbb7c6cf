/*
 * mail.h - e-mail in and out: parse a received message (RFC 5322 and
 * MIME, through GMime) into the few fields the CRM keeps, build a
 * plain-text message, and hand it to the local sendmail.
 *
 * Incoming mail is untrusted input: its size, the MIME depth walked,
 * every header field and the text are capped, and everything returned
 * is valid UTF-8 without control characters (the text keeps \t and \n).
 */
#ifndef KILN_MAIL_H
#define KILN_MAIL_H

#include <stddef.h>

struct arena;

#define MAIL_MAX	(10 * 1024 * 1024)	/* bytes of a whole message */
#define MAIL_TEXT_MAX	(64 * 1024)	/* bytes of mail.text */
#define MAIL_FIELD_MAX	4096		/* bytes of any header field kept */
#define MAIL_DEPTH_MAX	16		/* MIME levels walked for the text */
#ifndef MAIL_SEND_TIMEOUT
#define MAIL_SEND_TIMEOUT 60		/* seconds sendmail may take */
#endif

struct mail {
	const char	*from_addr;	/* the sender's address, domain lower-cased */
	const char	*from_name;	/* display name, "" if none */
	const char	*to_addr;	/* the first To: address, "" if none */
	const char	*subject;	/* RFC 2047 decoded, "" if none */
	const char	*message_id;	/* without angle brackets, "" if none */
	const char	*in_reply_to;	/* the first id, no brackets, "" if none */
	const char	*references;	/* as sent (unfolded), "" if none */
	const char	*date;		/* "YYYY-MM-DDTHH:MM:SSZ" (UTC), or "" */
	const char	*text;		/* the body as plain text, "\n" line ends */
	size_t		 attachments;	/* parts that are attachments */
	/*
	 * Sent by a machine, not a person (RFC 3834 Auto-Submitted, a bulk
	 * or list Precedence, an auto-responder's mark, a bounce): never to
	 * be answered, or two auto-responders write to each other for ever.
	 */
	int		 automatic;
};

/*
 * Parse the message in buf.  All strings are allocated in the arena
 * and never NULL.  0, or -1 with the reason in err: empty, larger than
 * MAIL_MAX, not a message, or no From address.
 */
int	 mail_parse(struct arena *, const char *buf, size_t len,
	    struct mail *, char *err, size_t errsz);

/*
 * A message from one address to another ("addr" or "Name <addr>"),
 * UTF-8 text/plain, subject encoded as needed, with Date and
 * Message-ID, "\n" line ends (what sendmail reads).  NULL if from or
 * to is not one valid address or holds a control character: no header
 * can be injected.  Control characters in the subject become spaces.
 */
char	*mail_build(struct arena *, const char *from, const char *to,
	    const char *subject, const char *text, size_t *len);

/*
 * Run sendmail (an absolute path) as "sendmail -t -i", without a
 * shell, write msg to its standard input and wait for it, at most
 * MAIL_SEND_TIMEOUT seconds.  0 when it read the whole message and
 * exited with status 0, else -1 with the reason in err.  SIGPIPE never
 * reaches the caller.
 */
int	 mail_send(const char *sendmail, const char *msg, size_t len,
	    char *err, size_t errsz);

#endif
