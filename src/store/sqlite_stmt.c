/* The SQLite driver's statements and rows (the connection is db.c's).
 *
 * A statement is SQLite's sqlite3_stmt behind the store's header; a row
 * is the statement being stepped, so nothing is allocated or copied per
 * row.  Only this file turns one into the other. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>

#include "store_internal.h"

struct sq_stmt {
	struct store_stmt base;
	sqlite3_stmt *s;
};

static sqlite3_stmt *sq(const void *stmt_or_row) { return ((const struct sq_stmt *)stmt_or_row)->s; }

struct store_stmt *sq_prepare(struct store *st, const char *sql, bool keep, struct zs_error *err)
{
	struct sq_stmt *p = calloc(1, sizeof *p);
	if (!p) {
		zs_fail(err, ZS_EFAIL, "out of memory");
		return NULL;
	}
	p->base.drv = &store_sqlite_driver;
	int rc = keep ? sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &p->s, NULL)
		      : sqlite3_prepare_v2(st->db, sql, -1, &p->s, NULL);
	if (rc != SQLITE_OK) {
		store_sqlerr(st, err, "prepare");
		sqlite3_finalize(p->s);
		free(p);
		return NULL;
	}
	return &p->base;
}

void sq_reset(struct store_stmt *s)
{
	sqlite3_reset(sq(s));
	sqlite3_clear_bindings(sq(s));
}

void sq_finalize(struct store_stmt *s)
{
	if (!s)
		return;
	sqlite3_finalize(sq(s));
	free(s);
}

void sq_bind(struct store_stmt *stmt, int at, const struct store_val *v)
{
	sqlite3_stmt *s = sq(stmt);
	switch (v->type) {
	case SV_INT:
		sqlite3_bind_int64(s, at, v->i);
		break;
	case SV_TEXT:
		sqlite3_bind_text(s, at, v->s ? v->s : "", -1, SQLITE_TRANSIENT);
		break;
	case SV_NTEXT:
		if (v->s)
			sqlite3_bind_text(s, at, v->s, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(s, at);
		break;
	case SV_ID:
		if (v->i > 0)
			sqlite3_bind_int64(s, at, v->i);
		else
			sqlite3_bind_null(s, at);
		break;
	}
}

int sq_param_index(struct store_stmt *s, const char *name)
{
	return sqlite3_bind_parameter_index(sq(s), name);
}

int sq_run(struct store *st, struct store_stmt *stmt, int (*row)(const struct store_row *, void *), void *ctx,
	   bool one, struct zs_error *err, const char *what)
{
	sqlite3_stmt *s = sq(stmt);
	const struct store_row *cur = (const struct store_row *)stmt;
	int rc, r = ZS_OK;
	if (one) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			r = row ? row(cur, ctx) : ZS_OK;
		else if (rc == SQLITE_DONE)
			r = ZS_ENOTFOUND;
		else
			r = store_sqlerr(st, err, what);
	} else {
		while ((rc = sqlite3_step(s)) == SQLITE_ROW && !(r = row ? row(cur, ctx) : ZS_OK))
			;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			r = store_sqlerr(st, err, what);
	}
	sqlite3_reset(s);
	return r;
}

int64_t sq_changes(struct store *st)
{
	return sqlite3_changes64(st->db);
}

int64_t sq_row_i64(const struct store_row *r, int col)
{
	return sqlite3_column_int64(sq(r), col);
}

const char *sq_row_text(const struct store_row *r, int col)
{
	return (const char *)sqlite3_column_text(sq(r), col);
}

int sq_row_columns(const struct store_row *r)
{
	return sqlite3_column_count(sq(r));
}

const char *sq_column_name(const struct store_row *r, int col)
{
	return sqlite3_column_name(sq(r), col);
}
