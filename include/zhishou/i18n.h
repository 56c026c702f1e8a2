/* i18n: Chinese first, English on request (--lang en).
 *
 * Every label is written once as a pair at the place it is used, so a
 * missing translation is impossible and grep finds both languages. */
#ifndef ZHISHOU_I18N_H
#define ZHISHOU_I18N_H

#include <stdbool.h>

enum lang { LANG_ZH = 0, LANG_EN = 1 };

void i18n_set(enum lang l);
enum lang i18n_get(void);
bool i18n_parse(const char *s, enum lang *out);

/* The string for the current language (tr_pick for pairs kept in macros). */
static inline const char *tr_pick(const char *zh, const char *en)
{
	return i18n_get() == LANG_EN ? en : zh;
}
/* TR is a conditional of the two literals, not a call: a message passed as
 * a printf format (zs_fail(err, code, TR(...))) is then a literal format the
 * compiler checks, which Debian's -Werror=format-security requires.  TRF is
 * the same, named for formats with arguments. */
#define TR(zh, en) (i18n_get() == LANG_EN ? (en) : (zh))
#define TRF(zh, en) (i18n_get() == LANG_EN ? (en) : (zh))

#endif
