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

#define _(s)	i18n_tr(s)
/* Marks a string for the catalogue where it must stay untranslated. */
#define N_(s)	(s)

#endif
