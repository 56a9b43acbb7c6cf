/*
 * view.h - how a record's values look: in XML (one element per
 * field, money with currency, refs with id), in HTML (display text,
 * form widgets) and in CSV cells.
 */
#ifndef KILN_VIEW_H
#define KILN_VIEW_H

#include "entity.h"

struct kiln_req;
struct abuf;

/*
 * What people read of field i: money as "¥1,234.50", times in the
 * installation's time zone, "yes", a ref's label (a user's name).
 */
const char	*view_text(struct kiln_req *, const struct entity *,
		    const struct record *, size_t i);
/* The same as a program reads it: "1234.50", UTC, the login (CSV). */
const char	*view_plain(struct kiln_req *, const struct entity *,
		    const struct record *, size_t i);
/* Minor units for people: the currency's sign and thousands separators. */
const char	*view_money(struct kiln_req *, long long);
/* A stored UTC time (YYYY-MM-DDTHH:MM:SSZ) as "YYYY-MM-DD HH:MM" local. */
const char	*view_when(struct kiln_req *, const char *iso);
/* Display label of an enum value ("key_account" -> "Key account"). */
const char	*view_enum_label(struct kiln_req *, const char *);
void		 view_xml_record(struct kiln_req *, const struct entity *,
		    const struct record *);
/* A form's inputs for every editable field, with messages. */
void		 view_form_fields(struct kiln_req *, const struct entity *,
		    const struct record *, const struct ferrs *);
/* Append one CSV cell, quoted, formula-neutralised. */
void		 view_csv_cell(struct abuf *, const char *, int last);
const char	*view_record_url(struct kiln_req *, const struct entity *,
		    long long id);

#endif
