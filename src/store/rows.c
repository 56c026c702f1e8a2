/* The store's one row loop, and binding values to parameters.
 *
 * Every read of the store steps a statement the same way: this file does
 * it once.  A callback stops a read early with ZS_STOP, which is not a
 * failure; any other non-zero result is one and reaches the caller as it
 * was (a stop read as ZS_EFAIL once showed "out of memory" on the console). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

void store_bind(sqlite3_stmt *s, int first, const struct store_val *v, int n)
{
	for (int k = 0; k < n; k++) {
		int at = first + k;
		switch (v[k].type) {
		case SV_INT:
			sqlite3_bind_int64(s, at, v[k].i);
			break;
		case SV_TEXT:
			store_bind_text(s, at, v[k].s);
			break;
		case SV_NTEXT:
			if (v[k].s)
				sqlite3_bind_text(s, at, v[k].s, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(s, at);
			break;
		case SV_ID:
			store_bind_opt_id(s, at, v[k].i);
			break;
		}
	}
}

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

sqlite3_stmt *store_sql_prep(struct store *st, struct store_sql *q, struct zs_error *err)
{
	if (q->full) {
		zs_fail(err, ZS_EFAIL, "query too long");
		return NULL;
	}
	return store_prep_once(st, q->text, err);
}

void store_bind_named_text(sqlite3_stmt *s, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(s, name);
	if (i > 0 && v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

void store_bind_named_int(sqlite3_stmt *s, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(s, name);
	if (i > 0)
		sqlite3_bind_int64(s, i, v);
}

static sqlite3_stmt *prep_bound(struct store *st, const char *sql, const struct store_val *v, int n,
				struct zs_error *err)
{
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (s)
		store_bind(s, 1, v, n);
	return s;
}

int store_run(struct store *st, const char *sql, const struct store_val *v, int n, struct zs_error *err,
	      const char *what)
{
	sqlite3_stmt *s = prep_bound(st, sql, v, n, err);
	return s ? store_step_done(st, s, err, what) : ZS_EFAIL;
}

int store_insert(struct store *st, const char *sql, const struct store_val *v, int n, int64_t *id,
		 struct zs_error *err, const char *what)
{
	int r = store_run(st, sql, v, n, err, what);
	if (!r)
		*id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int store_none_changed(struct store *st, int r)
{
	return !r && sqlite3_changes(st->db) == 0 ? ZS_ENOTFOUND : r;
}

int store_step_rows(struct store *st, sqlite3_stmt *s, store_row_fn row, void *ctx, struct zs_error *err,
		    const char *what)
{
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && !(r = row(s, ctx)))
		;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, what);
	sqlite3_reset(s);
	return r == ZS_STOP ? ZS_OK : r;
}

int store_each(struct store *st, const char *sql, const struct store_val *v, int n, store_row_fn row, void *ctx,
	       struct zs_error *err, const char *what)
{
	sqlite3_stmt *s = prep_bound(st, sql, v, n, err);
	return s ? store_step_rows(st, s, row, ctx, err, what) : ZS_EFAIL;
}

int store_one(struct store *st, const char *sql, const struct store_val *v, int n, store_row_fn row, void *out,
	      struct zs_error *err, const char *what)
{
	sqlite3_stmt *s = prep_bound(st, sql, v, n, err);
	if (!s)
		return ZS_EFAIL;
	int rc = sqlite3_step(s), r;
	if (rc == SQLITE_ROW)
		r = row(s, out);
	else if (rc == SQLITE_DONE)
		r = ZS_ENOTFOUND;
	else
		r = store_sqlerr(st, err, what);
	sqlite3_reset(s);
	return r;
}

int store_read_int64(sqlite3_stmt *s, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(s, 0);
	return ZS_OK;
}

int store_read_text(sqlite3_stmt *s, void *out)
{
	*(char **)out = store_col_text(s, 0);
	return ZS_OK;
}

int64_t store_count(struct store *st, const char *sql, const struct store_val *v, int n)
{
	int64_t x = -1;
	if (store_one(st, sql, v, n, store_read_int64, &x, NULL, "count"))
		x = -1;
	return x;
}

int store_read_cols(sqlite3_stmt *s, const struct store_col *cols, int n, void *out, size_t size)
{
	char *base = out;
	memset(out, 0, size);
	for (int i = 0; i < n; i++) {
		void *f = base + cols[i].off;
		switch (cols[i].type) {
		case SC_I64:
			*(int64_t *)f = sqlite3_column_int64(s, i);
			break;
		case SC_INT:
			*(int *)f = sqlite3_column_int(s, i);
			break;
		case SC_BOOL:
			*(bool *)f = sqlite3_column_int(s, i) != 0;
			break;
		case SC_TEXT:
			*(char **)f = store_col_text(s, i);
			break;
		}
	}
	return ZS_OK;
}
