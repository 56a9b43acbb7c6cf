/*
 * list.h - the list view of every entity: search (?q=), per-field
 * filters, allowlisted sort, keyset pagination (?after=CURSOR), in
 * HTML, XML and CSV.
 */
#ifndef KILN_LIST_H
#define KILN_LIST_H

struct entity;
struct kiln_req;
struct kvlist;
struct record;

#define LIST_DEFAULT	50
#define LIST_MAX	500
#define LIST_CSV_MAX	100000

int	 list_handle(struct kiln_req *, const struct entity *);
/*
 * Children of a record (contacts of a customer) on its page; a "New"
 * button only when the parent can be changed (writable).
 */
int	 list_children(struct kiln_req *, const struct entity *, long long,
	    int writable);
/*
 * The records of entity whose ref field names record id, as a section
 * of its page: only those the user may read, chosen in SQL.
 */
int	 list_related(struct kiln_req *, const char *entity,
	    const char *field, long long id, int writable);

/*
 * The rows of e the user may read, chosen by params as a list page's
 * query string chooses them (field filters, q, sort, after, limit):
 * how many into *rows (every field), the next page's cursor or NULL,
 * or -1 (*msg says what was wrong, or NULL when the database failed).
 */
long	 list_rows(struct kiln_req *, const struct entity *,
	    const struct kvlist *params, struct record **rows,
	    const char **next, const char **msg);

#endif
