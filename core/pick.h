/*
 * pick.h - reference fields picked by name: the picker's text resolved
 * to a record, the field's widget, and GET /search over every entity.
 *
 * A form sends a reference as two inputs: NAME, the record's id (set by
 * the picker script, or by a choice), and NAME.q, the text shown.  When
 * the text is still the id's record's title the id stands; otherwise
 * the text is searched in the entity's own search, as its list would
 * (only records the user may read): one match, or one whose title or
 * code is the text, is taken; none or several send the form back with
 * the candidates to choose from.  That is the picker without scripts;
 * www/kiln.js makes the same input a combobox over GET /search.
 */
#ifndef KILN_PICK_H
#define KILN_PICK_H

struct entity;
struct kiln_field;
struct kiln_req;
struct kvlist;
struct record;

struct pick_choice {
	long long	 id;
	const char	*title;
	const char	*detail;	/* "A-001 · Shanghai", or "" */
};

/* A picker's text and, when it did not settle on one, the candidates. */
struct pick_field {
	const char		*q;
	struct pick_choice	*v;
	long			 n;
};

#define PICK_SUFFIX	".q"
#define PICK_MAX	12	/* candidates offered */

/*
 * Field i of e (a reference to an entity) from input in: NULL when in
 * has no picker text for it (the id alone stands).  Otherwise the id
 * it settles on as text, "" for none; or NULL with *msg saying why,
 * the text and candidates kept in rec for the form.
 */
const char	*pick_apply(struct kiln_req *, const struct entity *,
		    struct record *, size_t i, const struct kvlist *in,
		    int *handled, const char **msg);
/* The picker's inputs for field i (inside a form's field div). */
void		 pick_widget(struct kiln_req *, const struct entity *,
		    const struct record *, size_t i, const char *id);
/* A found record in a line: title, then its codes, city or customer. */
const char	*pick_detail(struct kiln_req *, const struct entity *,
		    const struct record *);
/* GET /search?q=TEXT[&in=ENTITY]: HTML grouped by kind, or XML. */
int		 pick_search_page(struct kiln_req *);

#endif
