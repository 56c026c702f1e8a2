/* Private to the PostgreSQL driver: pg.c (the connection) and pg_stmt.c
 * (statements and rows), the only files that include <libpq-fe.h>. */
#ifndef ZHISHOU_PG_INTERNAL_H
#define ZHISHOU_PG_INTERNAL_H

#include <libpq-fe.h>
#include "store_internal.h"

/* pg.c */
PGconn *pg_conn_of(struct store *st);
/* Which connection this is: a reconnect makes a new one, on which
 * nothing is prepared yet. */
unsigned pg_generation(struct store *st);
unsigned pg_next_name(struct store *st);   /* a fresh prepared statement's number */
/* The connection is gone (a statement failed on it, or it was never made). */
bool pg_lost(struct store *st);
bool pg_in_tx(struct store *st);
/* Connect again when the connection is gone and no transaction is open
 * (nothing in flight to lose); ZS_OK, or ZS_ELOST while no server answers. */
int pg_ensure(struct store *st, struct zs_error *err);
/* A statement's result checked: ZS_OK, or err set (naming what) from
 * PostgreSQL's message; the rows a write changed counted. */
int pg_result_check(struct store *st, PGresult *res, struct zs_error *err, const char *what);

/* pg_stmt.c: the driver's statement operations (store_internal.h). */
struct store_stmt *pgs_prepare(struct store *st, const char *sql, bool keep, struct zs_error *err);
void pgs_reset(struct store_stmt *s);
void pgs_finalize(struct store_stmt *s);
void pgs_bind(struct store_stmt *s, int at, const struct store_val *v);
int pgs_param_index(struct store_stmt *s, const char *name);
int pgs_run(struct store *st, struct store_stmt *s, int (*row)(const struct store_row *, void *), void *ctx,
	    bool one, struct zs_error *err, const char *what);
int64_t pgs_row_i64(const struct store_row *r, int col);
const char *pgs_row_text(const struct store_row *r, int col);
int pgs_row_columns(const struct store_row *r);
const char *pgs_column_name(const struct store_row *r, int col);

#endif
