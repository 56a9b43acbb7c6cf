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

/* Display text of field i ("1234.50", "yes", a ref's label...). */
const char	*view_text(struct kiln_req *, const struct entity *,
		    const struct record *, size_t i);
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
