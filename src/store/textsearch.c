/* Text search, the one thing the two engines index differently.
 *
 * SQLite keeps FTS5 trigram tables (intake_fts, exposure_fts: migration
 * 001) and finds a term of 3+ characters with MATCH; PostgreSQL has no
 * such table and finds it with LIKE over the columns themselves, which a
 * pg_trgm GIN index answers (or a scan where pg_trgm is not installed).
 * Either way a term matches as a substring, ignoring ASCII case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "zhishou/text.h"

bool store_on_sqlite(const struct store *st)
{
	return st->drv == &store_sqlite_driver;
}

bool store_has_fts5(const struct store *st)
{
	return store_on_sqlite(st);
}

char *store_fts5_match(const char *const *words)
{
	/* "w1" AND "w2" ...: a quoted FTS5 string matches as a substring. */
	size_t n = 1;
	for (const char *const *w = words; *w; w++)
		n += 2 * strlen(*w) + 8;
	char *m = malloc(n), *o = m;
	if (!m)
		return NULL;
	for (const char *const *w = words; *w; w++) {
		if (w != words)
			o += sprintf(o, " AND ");
		*o++ = '"';
		for (const char *s = *w; *s; s++) {
			if (*s == '"')
				*o++ = '"';
			*o++ = *s;
		}
		*o++ = '"';
	}
	*o = '\0';
	return m;
}

char *store_like_of(const char *w)
{
	char *p = malloc(2 * strlen(w) + 3), *o = p;
	if (!p)
		return NULL;
	*o++ = '%';
	for (const char *s = w; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

int store_text_plan(const struct store *st, const char *const *terms, struct store_text *t, struct zs_error *err)
{
	memset(t, 0, sizeof *t);
	const char *index[STORE_WORDS + 1] = { 0 };
	int nindex = 0, nlike = 0;
	for (int k = 0; terms && terms[k]; k++) {
		if (k == STORE_WORDS)
			return zs_fail(err, ZS_EINPUT, "too many search terms");
		/* FTS5's trigrams need 3 characters; shorter terms, and every
		 * term where there is no FTS5, are LIKE's. */
		if (store_has_fts5(st) && text_length(terms[k]) >= 3) {
			index[nindex++] = terms[k];
		} else if (!(t->like[nlike++] = store_like_of(terms[k]))) {
			store_text_free(t);
			return zs_fail(err, ZS_EFAIL, "out of memory");
		}
	}
	if (nindex && !(t->match = store_fts5_match(index))) {
		store_text_free(t);
		return zs_fail(err, ZS_EFAIL, "out of memory");
	}
	return ZS_OK;
}

void store_text_bind(struct store_stmt *s, const struct store_text *t)
{
	store_bind_named_text(s, ":fts", t->match);
	for (int k = 0; k < STORE_WORDS; k++)
		store_bind_named_text(s, store_word_name[k], t->like[k]);
}

void store_text_free(struct store_text *t)
{
	free(t->match);
	for (int k = 0; k < STORE_WORDS; k++)
		free(t->like[k]);
	memset(t, 0, sizeof *t);
}

const char *const store_word_name[STORE_WORDS] = {
	":w0", ":w1", ":w2", ":w3", ":w4", ":w5", ":w6", ":w7",
	":w8", ":w9", ":w10", ":w11", ":w12", ":w13", ":w14", ":w15",
};
