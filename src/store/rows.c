/* The store's one row loop, and binding values to parameters, over
 * whichever driver the store was opened with (store_internal.h).
 *
 * Every read of the store steps a statement the same way: this file does
 * it once.  A callback stops a read early with ZS_STOP, which is not a
 * failure; any other non-zero result is one and reaches the caller as it
 * was (a stop read as ZS_EFAIL once showed "out of memory" on the console). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static const struct store_driver *drv_of(const void *stmt_or_row)
{
	return ((const struct store_stmt *)stmt_or_row)->drv;
}

struct store_stmt *store_prep(struct store *st, const char *sql, struct zs_error *err)
{
	for (int i = 0; i < st->ncache; i++)
		if (st->cache[i].sql == sql) {
			st->drv->reset(st->cache[i].stmt);
			return st->cache[i].stmt;
		}
	if (st->ncache == st->capcache) {
		int cap = st->capcache ? st->capcache * 2 : 64;
		struct stmt_slot *n = realloc(st->cache, (size_t)cap * sizeof *n);
		if (!n) {
			zs_fail(err, ZS_EFAIL, "out of memory");
			return NULL;
		}
		st->cache = n;
		st->capcache = cap;
	}
	struct store_stmt *s = st->drv->prepare(st, sql, true, err);
	if (!s)
		return NULL;
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache].stmt = s;
	st->ncache++;
	return s;
}

struct store_stmt *store_prep_once(struct store *st, const char *sql, struct zs_error *err)
{
	return st->drv->prepare(st, sql, false, err);
}

struct store_stmt *store_prep_reused(struct store *st, const char *sql, struct zs_error *err)
{
	return st->drv->prepare(st, sql, true, err);
}

void store_stmt_reset(struct store_stmt *s)
{
	s->drv->reset(s);
}

int store_row_columns(const struct store_row *r)
{
	return drv_of(r)->row_columns(r);
}

const char *store_row_column_name(const struct store_row *r, int col)
{
	return drv_of(r)->column_name(r, col);
}

void store_stmt_free(struct store_stmt *s)
{
	if (s)
		s->drv->finalize(s);
}

void store_cache_clear(struct store *st)
{
	for (int i = 0; i < st->ncache; i++)
		store_stmt_free(st->cache[i].stmt);
	free(st->cache);
	st->cache = NULL;
	st->ncache = st->capcache = 0;
}

int64_t store_row_i64(const struct store_row *r, int col)
{
	return drv_of(r)->row_i64(r, col);
}

int store_row_int(const struct store_row *r, int col)
{
	return (int)store_row_i64(r, col);
}

const char *store_row_text(const struct store_row *r, int col)
{
	return drv_of(r)->row_text(r, col);
}

char *store_row_strdup(const struct store_row *r, int col)
{
	const char *t = store_row_text(r, col);
	return strdup(t ? t : "");
}

void store_bind(struct store_stmt *s, int first, const struct store_val *v, int n)
{
	for (int k = 0; k < n; k++)
		s->drv->bind(s, first + k, &v[k]);
}

void store_bind_named_text(struct store_stmt *s, const char *name, const char *v)
{
	int i = s->drv->param_index(s, name);
	if (i > 0 && v)
		s->drv->bind(s, i, &V_NTEXT(v));
}

void store_bind_named_int(struct store_stmt *s, const char *name, int64_t v)
{
	int i = s->drv->param_index(s, name);
	if (i > 0)
		s->drv->bind(s, i, &V_INT(v));
}

int store_step_done(struct store *st, struct store_stmt *s, struct zs_error *err, const char *what)
{
	int r = st->drv->run(st, s, NULL, NULL, false, err, what);
	return r;
}

int64_t store_changes(struct store *st)
{
	return st->drv->changes(st);
}

int store_step_rows(struct store *st, struct store_stmt *s, store_row_fn row, void *ctx, struct zs_error *err,
		    const char *what)
{
	int r = st->drv->run(st, s, row, ctx, false, err, what);
	return r == ZS_STOP ? ZS_OK : r;
}

static struct store_stmt *prep_bound(struct store *st, const char *sql, const struct store_val *v, int n,
				     struct zs_error *err)
{
	struct store_stmt *s = store_prep(st, sql, err);
	if (s)
		store_bind(s, 1, v, n);
	return s;
}

int store_one(struct store *st, const char *sql, const struct store_val *v, int n, store_row_fn row, void *out,
	      struct zs_error *err, const char *what)
{
	struct store_stmt *s = prep_bound(st, sql, v, n, err);
	return s ? st->drv->run(st, s, row, out, true, err, what) : ZS_EFAIL;
}

/* ---- the rest speaks through the calls above ---- */

void store_sql_add(struct store_sql *q, const char *frag)
{
	size_t l = strlen(frag);
	if (q->full || q->n + l >= sizeof q->text) {
		q->full = true;
		return;
	}
	memcpy(q->text + q->n, frag, l);
	q->n += l;
	q->text[q->n] = '\0';
}

void store_sql_ident(struct store_sql *q, const char *id)
{
	store_sql_add(q, "\"");
	for (const char *s = id; *s && !q->full; s++) {
		char c[3] = { *s, *s == '"' ? '"' : '\0', '\0' };
		store_sql_add(q, c);
	}
	store_sql_add(q, "\"");
}

struct store_stmt *store_sql_prep(struct store *st, struct store_sql *q, struct zs_error *err)
{
	if (q->full) {
		zs_fail(err, ZS_EFAIL, "query too long");
		return NULL;
	}
	return store_prep_once(st, q->text, err);
}

int store_run(struct store *st, const char *sql, const struct store_val *v, int n, struct zs_error *err,
	      const char *what)
{
	struct store_stmt *s = prep_bound(st, sql, v, n, err);
	return s ? store_step_done(st, s, err, what) : ZS_EFAIL;
}

int store_insert(struct store *st, const char *sql, const struct store_val *v, int n, int64_t *id,
		 struct zs_error *err, const char *what)
{
	int r = store_one(st, sql, v, n, store_read_int64, id, err, what);
	/* An INSERT ... RETURNING id that worked yields its row. */
	return r == ZS_ENOTFOUND ? zs_fail(err, ZS_EFAIL, "%s: the INSERT returned no id", what) : r;
}

int store_none_changed(struct store *st, int r)
{
	return !r && store_changes(st) == 0 ? ZS_ENOTFOUND : r;
}

int store_each(struct store *st, const char *sql, const struct store_val *v, int n, store_row_fn row, void *ctx,
	       struct zs_error *err, const char *what)
{
	struct store_stmt *s = prep_bound(st, sql, v, n, err);
	return s ? store_step_rows(st, s, row, ctx, err, what) : ZS_EFAIL;
}

int store_read_int64(const struct store_row *r, void *out)
{
	*(int64_t *)out = store_row_i64(r, 0);
	return ZS_OK;
}

int store_read_text(const struct store_row *r, void *out)
{
	*(char **)out = store_row_strdup(r, 0);
	return ZS_OK;
}

int64_t store_count(struct store *st, const char *sql, const struct store_val *v, int n)
{
	int64_t x = -1;
	if (store_one(st, sql, v, n, store_read_int64, &x, NULL, "count"))
		x = -1;
	return x;
}

int store_read_cols(const struct store_row *r, const struct store_col *cols, int n, void *out, size_t size)
{
	char *base = out;
	memset(out, 0, size);
	for (int i = 0; i < n; i++) {
		void *f = base + cols[i].off;
		switch (cols[i].type) {
		case SC_I64:
			*(int64_t *)f = store_row_i64(r, i);
			break;
		case SC_INT:
			*(int *)f = store_row_int(r, i);
			break;
		case SC_BOOL:
			*(bool *)f = store_row_int(r, i) != 0;
			break;
		case SC_TEXT:
			*(char **)f = store_row_strdup(r, i);
			break;
		}
	}
	return ZS_OK;
}
