/*
 * i18n.c - message catalogues, compiled in: a worker answers in the
 * language the browser prefers among those we have.  The catalogue
 * is a const table sorted by msgid, searched with bsearch.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"

struct msg {
	const char	*id;
	const char	*str;
};

#include "i18n_zh.h"

static const struct msg	*cat;
static size_t		 ncat;
static const char	*lang = "en";

static int
cmp(const void *a, const void *b)
{
	return strcmp(((const struct msg *)a)->id,
	    ((const struct msg *)b)->id);
}

/* zh, zh-CN, zh-Hans as the first preference selects Chinese. */
void
i18n_select(const char *al)
{
	cat = NULL;
	ncat = 0;
	lang = "en";
	if (al == NULL)
		return;
	while (*al == ' ')
		al++;
	if (strncasecmp(al, "zh", 2) == 0 &&
	    (al[2] == '\0' || al[2] == '-' || al[2] == '_' || al[2] == ',' ||
	    al[2] == ';')) {
		cat = zh_catalogue;
		ncat = sizeof(zh_catalogue) / sizeof(zh_catalogue[0]);
		lang = "zh-CN";
	}
}

const char *
i18n_lang(void)
{
	return lang;
}

const char *
i18n_tr(const char *id)
{
	struct msg	 key = { id, NULL };
	const struct msg *m;

	if (cat == NULL)
		return id;
	m = bsearch(&key, cat, ncat, sizeof(*cat), cmp);
	return m ? m->str : id;
}
