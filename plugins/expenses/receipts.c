/*
 * receipts.c - the receipts of a claim: files uploaded with a draft
 * (POST /expenses/ID/receipts, multipart/form-data, field "receipt"),
 * kept in the database (so every host of a shared PostgreSQL has them
 * and a backup holds them; nothing under the web root), served by GET
 * /receipts/ID only to who may read the claim, sandboxed.
 *
 * Nothing the browser says is kept as it came: the type is read from
 * the first bytes (PDF, JPEG, PNG; anything else refused), the name is
 * cut to its last path part, without control characters, at most 100
 * characters; the size is capped (RECEIPT_MAX) and so is the number to
 * a claim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expenses.h"

#define NAME_MAX_CHARS	100

/* The types a receipt may be, by the bytes they begin with. */
static const struct {
	unsigned char	 magic[8];
	size_t		 n;
	const char	*type;
} magics[] = {
	{ { '%', 'P', 'D', 'F', '-' }, 5, "application/pdf" },
	{ { 0xff, 0xd8, 0xff }, 3, "image/jpeg" },
	{ { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a }, 8, "image/png" },
};

/* What the bytes are, by their magic: a MIME type, or NULL. */
const char *
exp_receipt_type(const char *data, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (len >= magics[i].n && memcmp(data, magics[i].magic,
		    magics[i].n) == 0)
			return magics[i].type;
	return NULL;
}

/*
 * A name to show for what the browser called the file: its last part
 * after any / or \ (no path reaches anything: the file is in the
 * database, but a name is shown and offered for saving), control
 * characters out, at most NAME_MAX_CHARS characters; "receipt" when
 * nothing is left.
 */
const char *
exp_receipt_name(struct kiln_req *r, const struct kiln_services *sv,
    const char *sent)
{
	const char	*p, *base = sent;
	char		*out, *o;
	size_t		 chars = 0;

	for (p = sent; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	out = o = sv->alloc(r, strlen(base) + 1);
	for (p = base; *p != '\0' && chars < NAME_MAX_CHARS; ) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			p++;
			continue;
		}
		/* One character, all its bytes. */
		do
			*o++ = *p++;
		while (((unsigned char)*p & 0xc0) == 0x80);
		chars++;
	}
	*o = '\0';
	while (o > out && (o[-1] == ' ' || o[-1] == '.'))
		*--o = '\0';
	if (*out == '\0' || strcmp(out, "..") == 0)
		return "receipt";
	return out;
}

/* The claim's status and whether the user may change it, or -1. */
static int
claim_of(struct kiln_req *r, const struct kiln_services *sv, long long id,
    char *status, size_t n)
{
	struct kiln_stmt	*st;
	int			 acc = sv->access(r, "expense", id), rc;

	if (acc < 0 || (st = sv->sql(r, "SELECT status FROM expenses WHERE"
	    " id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if ((rc = sv->step(st)) == 1)
		snprintf(status, n, "%s", sv->col_text(st, 0));
	sv->done(st);
	return rc == 1 ? acc : -1;
}

/* POST /expenses/#/receipts: a receipt to a draft claim. */
int
exp_receipt_add(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	struct kiln_file	 f;
	long long		 id = sv->route_id(r), n = 0;
	const char		*type, *name;
	char			 status[16] = "", now[KIT_TIMESZ], path[64];
	int			 acc, rc;

	if (!sv->upload(r, "receipt", &f))
		return sv->error(r, 422, "invalid", _("Choose the receipt's"
		    " file (PDF, JPEG or PNG)."));
	if (f.len > RECEIPT_MAX)
		return sv->error(r, 413, "too_large", _("A receipt is at most"
		    " 4 MiB."));
	if ((type = exp_receipt_type(f.data, f.len)) == NULL)
		return sv->error(r, 422, "invalid", _("A receipt is a PDF, a"
		    " JPEG or a PNG."));
	name = exp_receipt_name(r, sv, f.name);
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if ((acc = claim_of(r, sv, id, status, sizeof(status))) < 1) {
		sv->rollback(r);
		return acc < 0 ? sv->error(r, 404, "not_found", _("No such"
		    " record.")) : sv->error(r, 403, "forbidden", _("You may"
		    " not change this record."));
	}
	if (strcmp(status, "draft") != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("Receipts are added to a"
		    " draft claim only."));
	}
	if ((st = sv->sql(r, "SELECT count(*) FROM expense_receipts WHERE"
	    " expense = ?1")) != NULL) {
		sv->bind_int(st, 1, id);
		if (sv->step(st) == 1)
			n = sv->col_int(st, 0);
		sv->done(st);
	}
	if (n >= RECEIPTS_PER_CLAIM) {
		sv->rollback(r);
		return sv->error(r, 422, "invalid", _("A claim has at most 10"
		    " receipts."));
	}
	kit_now(now);
	if ((st = sv->sql(r, "INSERT INTO expense_receipts (expense, name,"
	    " ctype, size, sha256, data, created_at, by_login) VALUES (?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8)")) == NULL) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, name);
	sv->bind_text(st, 3, type);
	sv->bind_int(st, 4, (long long)f.len);
	sv->bind_text(st, 5, f.sha256);
	sv->bind_blob(st, 6, f.data, f.len);
	sv->bind_text(st, 7, now);
	sv->bind_text(st, 8, sv->user_login(r));
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0 || sv->audit(r, "receipt", "expense", id, name) != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("The receipt could not"
		    " be kept."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "expense", id, 0);
	snprintf(path, sizeof(path), "/expenses/%lld?done=saved", id);
	return sv->redirect(r, path);
}

/* The claim a receipt belongs to, or 0. */
static long long
owner_claim(struct kiln_req *r, const struct kiln_services *sv, long long rid)
{
	struct kiln_stmt	*st;
	long long		 id = 0;

	if ((st = sv->sql(r, "SELECT expense FROM expense_receipts WHERE id ="
	    " ?1")) == NULL)
		return 0;
	sv->bind_int(st, 1, rid);
	if (sv->step(st) == 1)
		id = sv->col_int(st, 0);
	sv->done(st);
	return id;
}

/* GET /receipts/#: the file, to who may read its claim. */
int
exp_receipt_get(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 rid = sv->route_id(r), id;
	const void		*data;
	size_t			 len;
	int			 rc;

	/* Another's receipt is as absent as one never made. */
	if ((id = owner_claim(r, sv, rid)) == 0 ||
	    sv->access(r, "expense", id) < 0)
		return sv->error(r, 404, "not_found", _("No such record."));
	if ((st = sv->sql(r, "SELECT name, ctype, data FROM expense_receipts"
	    " WHERE id = ?1")) == NULL)
		return sv->error(r, 500, "internal", _("Internal error."));
	sv->bind_int(st, 1, rid);
	if (sv->step(st) != 1) {
		sv->done(st);
		return sv->error(r, 404, "not_found", _("No such record."));
	}
	data = sv->col_blob(st, 2, &len);
	/* Images in place, a PDF saved (its viewer would run in ours). */
	rc = sv->send(r, sv->col_text(st, 1), sv->col_text(st, 0),
	    strncmp(sv->col_text(st, 1), "image/", 6) == 0, data, len);
	sv->done(st);
	return rc;
}

/* POST /receipts/#/delete: off a draft claim. */
int
exp_receipt_delete(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 rid = sv->route_id(r), id;
	char			 status[16] = "", path[64];
	int			 acc, rc;

	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if ((id = owner_claim(r, sv, rid)) == 0 ||
	    (acc = claim_of(r, sv, id, status, sizeof(status))) < 0) {
		sv->rollback(r);
		return sv->error(r, 404, "not_found", _("No such record."));
	}
	if (acc == 0 || strcmp(status, "draft") != 0) {
		sv->rollback(r);
		return acc == 0 ? sv->error(r, 403, "forbidden", _("You may not"
		    " change this record.")) : sv->error(r, 409, "conflict",
		    _("Receipts are taken from a draft claim only."));
	}
	if ((st = sv->sql(r, "DELETE FROM expense_receipts WHERE id = ?1"))
	    == NULL) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	sv->bind_int(st, 1, rid);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0 || sv->audit(r, "receipt", "expense", id, "removed") !=
	    0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("The receipt could not"
		    " be removed."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	snprintf(path, sizeof(path), "/expenses/%lld?done=deleted", id);
	return sv->redirect(r, path);
}

/* The claim's receipts on its page; the upload form while editable. */
void
exp_receipts_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id, int editable)
{
	struct kiln_stmt	*st;
	char			 path[64], size[32];
	int			 n = 0;

	sv->open(r, "section");
	sv->attr(r, "class", "receipts");
	sv->open(r, "h2");
	sv->text(r, _("Receipts"));
	sv->close(r);
	if ((st = sv->sql(r, "SELECT id, name, size FROM expense_receipts"
	    " WHERE expense = ?1 ORDER BY id")) != NULL) {
		sv->bind_int(st, 1, id);
		while (sv->step(st) == 1) {
			if (n++ == 0)
				sv->open(r, "ul");
			sv->open(r, "li");
			snprintf(path, sizeof(path), "/receipts/%lld",
			    sv->col_int(st, 0));
			kit_link(r, sv, path, sv->col_text(st, 1));
			snprintf(size, sizeof(size), " (%lld KiB)",
			    (sv->col_int(st, 2) + 1023) / 1024);
			sv->text(r, size);
			if (editable) {
				snprintf(path, sizeof(path),
				    "/receipts/%lld/delete", sv->col_int(st, 0));
				sv->open(r, "form");
				sv->attr(r, "method", "post");
				sv->attr(r, "class", "inline");
				sv->attr(r, "action", sv->url(r, path));
				sv->csrf(r);
				sv->open(r, "button");
				sv->attr(r, "type", "submit");
				sv->text(r, _("Remove"));
				sv->close(r);
				sv->close(r);
			}
			sv->close(r);
		}
		sv->done(st);
	}
	if (n > 0)
		sv->close(r);
	else {
		sv->open(r, "p");
		sv->text(r, _("No receipt yet."));
		sv->close(r);
	}
	if (!editable) {
		sv->close(r);
		return;
	}
	snprintf(path, sizeof(path), "/expenses/%lld/receipts", id);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "enctype", "multipart/form-data");
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	sv->open(r, "label");
	sv->attr(r, "for", "receipt");
	sv->text(r, _("Add a receipt (PDF, JPEG or PNG, at most 4 MiB)"));
	sv->close(r);
	sv->open(r, "input");
	sv->attr(r, "id", "receipt");
	sv->attr(r, "name", "receipt");
	sv->attr(r, "type", "file");
	sv->attr(r, "accept", "application/pdf,image/jpeg,image/png");
	sv->attr(r, "required", "required");
	sv->close(r);
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Upload"));
	sv->close(r);
	sv->close(r);
	sv->close(r);
}
