/*
 * xmlin.c - XML request bodies; see xmlin.h.
 */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "arena.h"
#include "form.h"
#include "xmlin.h"

/* libxml2 would print parse errors on stderr; the client gets ours. */
static void
quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static int
has_markup_decl(const char *s, size_t n)
{
	static const char *const bad[] = { "<!DOCTYPE", "<!ENTITY", NULL };
	const char *const	*b;
	size_t			 k;

	for (b = bad; *b; b++) {
		k = strlen(*b);
		if (n >= k && memmem(s, n, *b, k) != NULL)
			return 1;
	}
	return 0;
}

static enum xmlin_err
add(struct arena *a, struct kvlist *l, const xmlChar *k, const xmlChar *v)
{
	const char	*val = v ? (const char *)v : "";

	if (l->n >= FORM_MAX_PAIRS)
		return XMLIN_TOO_MANY;
	if (!form_text_ok(val, strlen(val)))
		return XMLIN_BAD_TEXT;
	if (form_add(a, l, arena_strdup(a, (const char *)k),
	    arena_strdup(a, val)) == -1)
		return XMLIN_NOMEM;
	return XMLIN_OK;
}

/* Has the element element children (a list like <lines>)? */
static int
has_elements(xmlNodePtr n)
{
	xmlNodePtr	 c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/*
 * An element's attributes and simple children as pairs: <x id="7"/>
 * is a reference by id.  Children that are lists go to sets, when
 * there are sets to fill, one level deep.
 */
static enum xmlin_err
fields(struct arena *a, xmlDocPtr doc, xmlNodePtr el, struct kvlist *l,
    struct xmlsets *sets)
{
	xmlNodePtr	 c, item;
	xmlAttrPtr	 at;
	xmlChar		*v;
	struct xmlset	*set;
	enum xmlin_err	 e = XMLIN_OK;

	for (at = el->properties; at != NULL && e == XMLIN_OK; at = at->next) {
		v = xmlNodeListGetString(doc, at->children, 1);
		e = add(a, l, at->name, v);
		xmlFree(v);
	}
	for (c = el->children; c != NULL && e == XMLIN_OK; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (has_elements(c)) {
			if (sets == NULL || sets->n == XMLIN_MAX_SETS)
				return XMLIN_TOO_MANY;
			set = &sets->v[sets->n++];
			set->name = arena_strdup(a, (const char *)c->name);
			set->n = 0;
			for (item = c->children; item != NULL && e == XMLIN_OK;
			    item = item->next) {
				if (item->type != XML_ELEMENT_NODE)
					continue;
				if (set->n == XMLIN_MAX_ITEMS)
					return XMLIN_TOO_MANY;
				memset(&set->items[set->n], 0,
				    sizeof(set->items[0]));
				e = fields(a, doc, item, &set->items[set->n++],
				    NULL);
			}
			continue;
		}
		if ((v = xmlGetProp(c, BAD_CAST "id")) != NULL &&
		    c->children == NULL) {
			e = add(a, l, c->name, v);
			xmlFree(v);
			continue;
		}
		xmlFree(v);
		v = xmlNodeGetContent(c);
		e = add(a, l, c->name, v);
		xmlFree(v);
	}
	return e;
}

enum xmlin_err
xmlin_parse(struct arena *a, const char *s, size_t n, struct kvlist *l,
    const char **root, struct xmlsets *sets)
{
	xmlDocPtr	 doc;
	xmlNodePtr	 top;
	enum xmlin_err	 e = XMLIN_OK;

	*root = NULL;
	if (sets != NULL)
		sets->n = 0;
	if (n > INT32_MAX)
		return XMLIN_MALFORMED;
	/* Refused before parsing: no entity is ever declared, let alone expanded. */
	if (has_markup_decl(s, n))
		return XMLIN_DOCTYPE;
	xmlSetGenericErrorFunc(NULL, quiet);
	doc = xmlReadMemory(s, (int)n, NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA);
	if (doc == NULL)
		return XMLIN_MALFORMED;
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		e = XMLIN_DOCTYPE;
		goto out;
	}
	if ((top = xmlDocGetRootElement(doc)) == NULL) {
		e = XMLIN_MALFORMED;
		goto out;
	}
	*root = arena_strdup(a, (const char *)top->name);
	e = fields(a, doc, top, l, sets);
out:
	xmlFreeDoc(doc);
	return e;
}

const char *
xmlin_strerror(enum xmlin_err e)
{
	switch (e) {
	case XMLIN_OK:
		return "ok";
	case XMLIN_MALFORMED:
		return "the XML body is not well-formed";
	case XMLIN_DOCTYPE:
		return "document type declarations and entities are not accepted";
	case XMLIN_BAD_TEXT:
		return "text must be valid UTF-8 without control characters";
	case XMLIN_TOO_MANY:
		return "too many elements";
	case XMLIN_NOMEM:
		return "out of memory";
	}
	return "invalid XML";
}
