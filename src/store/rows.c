/* The store's one row loop, and binding values to parameters: the SQLite
 * driver's statements and rows.
 *
 * Every read of the store steps a statement the same way: this file does
 * it once.  A callback stops a read early with ZS_STOP, which is not a
 * failure; any other non-zero result is one and reaches the caller as it
 * was (a stop read as ZS_EFAIL once showed "out of memory" on the console).
 *
 * The store's statement (struct store_stmt) and row (struct store_row)
 * are, here, SQLite's own sqlite3_stmt cast: nothing is allocated or
 * copied per statement or row, and only this file turns one into the
 * other.  The next driver (PostgreSQL) defines both types for itself (a
 * row there is a result and a row number), so neither is ever defined
 * for SQLite. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static sqlite3_stmt *stmt_sq(const struct store_stmt *s) { return (sqlite3_stmt *)s; }
static sqlite3_stmt *row_sq(const struct store_row *r) { return (sqlite3_stmt *)r; }
static struct store_stmt *as_stmt(sqlite3_stmt *s) { return (struct store_stmt *)s; }
static const struct store_row *as_row(sqlite3_stmt *s) { return (const struct store_row *)s; }

struct store_stmt *store_prep(struct store *st, const char *sql, struct zs_error *err)
{
	for (int i = 0; i < st->ncache; i++)
		if (st->cache[i].sql == sql) {
			sqlite3_reset(stmt_sq(st->cache[i].stmt));
			sqlite3_clear_bindings(stmt_sq(st->cache[i].stmt));
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
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		store_sqlerr(st, err, "prepare");
		return NULL;
	}
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache].stmt = as_stmt(s);
	st->ncache++;
	return as_stmt(s);
}

struct store_stmt *store_prep_once(struct store *st, const char *sql, struct zs_error *err)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_sqlerr(st, err, "prepare");
		return NULL;
	}
	return as_stmt(s);
}

void store_stmt_free(struct store_stmt *s)
{
	sqlite3_finalize(stmt_sq(s));
}

int64_t store_row_i64(const struct store_row *r, int col)
{
	return sqlite3_column_int64(row_sq(r), col);
}

int store_row_int(const struct store_row *r, int col)
{
	return sqlite3_column_int(row_sq(r), col);
}

const char *store_row_text(const struct store_row *r, int col)
{
	return (const char *)sqlite3_column_text(row_sq(r), col);
}

char *store_row_strdup(const struct store_row *r, int col)
{
	const char *t = store_row_text(r, col);
	return strdup(t ? t : "");
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

static void bind_opt_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id > 0)
		sqlite3_bind_int64(s, i, id);
	else
		sqlite3_bind_null(s, i);
}

void store_bind(struct store_stmt *stmt, int first, const struct store_val *v, int n)
{
	sqlite3_stmt *s = stmt_sq(stmt);
	for (int k = 0; k < n; k++) {
		int at = first + k;
		switch (v[k].type) {
		case SV_INT:
			sqlite3_bind_int64(s, at, v[k].i);
			break;
		case SV_TEXT:
			bind_text(s, at, v[k].s);
			break;
		case SV_NTEXT:
			if (v[k].s)
				sqlite3_bind_text(s, at, v[k].s, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(s, at);
			break;
		case SV_ID:
			bind_opt_id(s, at, v[k].i);
			break;
		}
	}
}

void store_bind_named_text(struct store_stmt *s, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(stmt_sq(s), name);
	if (i > 0 && v)
		sqlite3_bind_text(stmt_sq(s), i, v, -1, SQLITE_TRANSIENT);
}

void store_bind_named_int(struct store_stmt *s, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(stmt_sq(s), name);
	if (i > 0)
		sqlite3_bind_int64(stmt_sq(s), i, v);
}

int store_step_done(struct store *st, struct store_stmt *stmt, struct zs_error *err, const char *what)
{
	sqlite3_stmt *s = stmt_sq(stmt);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sqlerr(st, err, what);
	return ZS_OK;
}

int64_t store_changes(struct store *st)
{
	return sqlite3_changes64(st->db);
}

int store_step_rows(struct store *st, struct store_stmt *stmt, store_row_fn row, void *ctx, struct zs_error *err,
		    const char *what)
{
	sqlite3_stmt *s = stmt_sq(stmt);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && !(r = row(as_row(s), ctx)))
		;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, what);
	sqlite3_reset(s);
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
	struct store_stmt *stmt = prep_bound(st, sql, v, n, err);
	if (!stmt)
		return ZS_EFAIL;
	sqlite3_stmt *s = stmt_sq(stmt);
	int rc = sqlite3_step(s), r;
	if (rc == SQLITE_ROW)
		r = row(as_row(s), out);
	else if (rc == SQLITE_DONE)
		r = ZS_ENOTFOUND;
	else
		r = store_sqlerr(st, err, what);
	sqlite3_reset(s);
	return r;
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
