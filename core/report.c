/*
 * report.c - a plugin's report as CSV.  A report (GET /reports/NAME.csv)
 * is written once, as its XML document (<report> with one <row> per
 * line of figures, each figure an attribute: schema/report.rng); for
 * .csv the host reads that document back and answers one line per row,
 * a column per attribute name in the order they first appear, cells
 * quoted as list exports quote them (a cell a spreadsheet would run as
 * a formula made text).
 */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "arena.h"
#include "out.h"
#include "report.h"
#include "req.h"
#include "view.h"

#define REPORT_MAX_COLUMNS	64

/* Whether name is among the n of cols; else added (up to the cap). */
static void
column(const char **cols, size_t *n, const char *name)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (strcmp(cols[i], name) == 0)
			return;
	if (*n < REPORT_MAX_COLUMNS)
		cols[(*n)++] = name;
}

/* A report name for the file: [a-z-], else "report". */
static const char *
file_name(struct kiln_req *r, xmlNodePtr root)
{
	xmlChar		*v = xmlGetProp(root, BAD_CAST "name");
	const char	*s = "report";

	if (v != NULL && *v != '\0' && strspn((const char *)v,
	    "abcdefghijklmnopqrstuvwxyz-") == strlen((const char *)v) &&
	    strlen((const char *)v) < 40)
		s = arena_strdup(r->arena, (const char *)v);
	xmlFree(v);
	return s;
}

int
report_csv_finish(struct kiln_req *r)
{
	const char	*cols[REPORT_MAX_COLUMNS];
	xmlDocPtr	 doc;
	xmlNodePtr	 root, row;
	xmlAttrPtr	 a;
	xmlChar		*v;
	struct abuf	 csv;
	size_t		 n = 0, i, k;

	while (r->depth > 0)
		out_close(r);
	doc = xmlReadMemory((const char *)xmlBufferContent(r->buf),
	    xmlBufferLength(r->buf), NULL, "UTF-8", XML_PARSE_NONET);
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		xmlFreeDoc(doc);
		return -1;
	}
	for (row = root->children; row != NULL; row = row->next)
		if (row->type == XML_ELEMENT_NODE)
			for (a = row->properties; a != NULL; a = a->next)
				column(cols, &n, arena_strdup(r->arena,
				    (const char *)a->name));
	abuf_init(&csv, r->arena);
	for (i = 0; i < n; i++)
		view_csv_cell(&csv, cols[i], i + 1 == n);
	for (row = root->children; row != NULL; row = row->next) {
		if (row->type != XML_ELEMENT_NODE)
			continue;
		for (k = 0; k < n; k++) {
			v = xmlGetProp(row, BAD_CAST cols[k]);
			view_csv_cell(&csv, v != NULL ? (const char *)v : "",
			    k + 1 == n);
			xmlFree(v);
		}
	}
	/* The document's place is the table's now. */
	xmlBufferEmpty(r->buf);
	xmlBufferAdd(r->buf, BAD_CAST csv.s, (int)csv.n);
	r->markup = 0;
	for (i = 0; i < r->headers.n; i++)
		if (strcmp(r->headers.v[i].key, "Content-Type") == 0)
			r->headers.v[i].val = "text/csv; charset=utf-8";
	out_header(r, "Content-Disposition", arena_printf(r->arena,
	    "attachment; filename=\"%s.csv\"", file_name(r, root)));
	xmlFreeDoc(doc);
	return out_finish(r);
}
