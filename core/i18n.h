/*
 * i18n.h - user-visible strings go through _() so a catalogue
 * (Simplified Chinese first) can translate them per request.
 */
#ifndef KILN_I18N_H
#define KILN_I18N_H

/* Select the catalogue for an Accept-Language header ("" = English). */
void		 i18n_select(const char *accept_language);
const char	*i18n_lang(void);
const char	*i18n_tr(const char *) __attribute__((format_arg(1)));

/*
 * A text in several languages, as a rule may give one ({ en = "...",
 * zh = "..." }): I18N_MULTI, then per language its code, I18N_TEXT and
 * the text.  i18n_pick gives the request's language's text (else the
 * English, else the first); any other text comes back as it is.
 */
#define I18N_MULTI	'\x1f'
#define I18N_TEXT	'\x1e'

struct arena;
const char	*i18n_pick(struct arena *, const char *);

#define _(s)	i18n_tr(s)
/* Marks a string for the catalogue where it must stay untranslated. */
#define N_(s)	(s)

#endif
