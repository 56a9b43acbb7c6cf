/*
 * i18n.c - message catalogues, compiled in: a worker answers in the
 * language the browser prefers among those we have.  The catalogue
 * is a const table sorted by msgid, searched with bsearch.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
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

/* The text for language want ("zh", "en") in multi, or NULL. */
static const char *
pick_lang(const char *multi, const char *want, size_t *len)
{
	const char	*p = multi, *t, *end;
	size_t		 wl = strlen(want);

	while (*p == I18N_MULTI) {
		p++;
		if ((t = strchr(p, I18N_TEXT)) == NULL)
			return NULL;
		end = strchr(t + 1, I18N_MULTI);
		if (end == NULL)
			end = t + 1 + strlen(t + 1);
		if ((size_t)(t - p) == wl && strncmp(p, want, wl) == 0) {
			*len = (size_t)(end - (t + 1));
			return t + 1;
		}
		p = end;
	}
	return NULL;
}

const char *
i18n_pick(struct arena *a, const char *s)
{
	const char	*t;
	size_t		 len = 0;

	if (s == NULL || *s != I18N_MULTI)
		return s;
	if ((t = pick_lang(s, cat != NULL ? "zh" : "en", &len)) == NULL &&
	    (t = pick_lang(s, "en", &len)) == NULL &&
	    (t = pick_lang(s, "zh", &len)) == NULL)
		return "";
	return arena_strndup(a, t, len);
}
