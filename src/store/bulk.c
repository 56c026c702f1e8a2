/* Bulk loads: a table's secondary indexes dropped before many rows and
 * made again after them, in the same transaction.
 *
 * Building an index once over a million rows is cheaper than keeping it
 * row by row (each insert a random b-tree descent per index).  Which
 * indexes and how they are defined is read from sqlite_master, whose text
 * is the migrations' own CREATE INDEX: nothing is written twice.  The text
 * is kept in a TEMP table until the indexes are made again, so a rollback
 * undoes both (the indexes come back with the rows they had). */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "zhishou/i18n.h"

struct names {
	char **v;
	size_t n;
	bool oom;   /* a name could not be kept */
};

static void names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int name_row(const struct store_row *r, void *ctx)
{
	struct names *l = ctx;
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (v)
		l->v = v;
	char *x = v ? store_row_strdup(r, 0) : NULL;
	if (!x) {
		l->oom = true;
		return ZS_EFAIL;
	}
	l->v[l->n++] = x;
	return ZS_OK;
}

/* A statement of SQL not kept prepared (schema statements: a cached one
 * would outlive what it names), bound to ?1 = table when table is given,
 * stepped to its end by row() or store_step_done. */
static int run_once(struct store *st, const char *sql, const char *table, store_row_fn row, void *ctx,
		    struct zs_error *err, const char *what)
{
	struct store_stmt *s = store_prep_once(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	if (table)
		store_bind(s, 1, VALS(V_TEXT(table)));
	int r = row ? store_step_rows(st, s, row, ctx, err, what) : store_step_done(st, s, err, what);
	store_stmt_free(s);
	return r;
}

/* Column 0 of every row of sql (?1 bound to table) into l: a schema
 * statement cannot run while a read of the schema is open. */
static int read_names(struct store *st, const char *sql, const char *table, struct names *l, struct zs_error *err)
{
	int r = run_once(st, sql, table, name_row, l, err, "schema");
	return l->oom ? zs_fail(err, ZS_EFAIL, "out of memory") : r;
}

static int exec_each(struct store *st, const struct names *l, struct zs_error *err)
{
	for (size_t i = 0; i < l->n; i++) {
		int r = run_once(st, l->v[i], NULL, NULL, NULL, err, "index");
		if (r)
			return r;
	}
	return ZS_OK;
}

/* SQLite only (its SQL): the PostgreSQL driver will read pg_indexes.indexdef instead of sqlite_master. */
int store_indexes_drop(struct store *st, const char *table, const char *const *keep, struct zs_error *err)
{
	/* Indexes of constraints (sql NULL: a UNIQUE column) cannot be
	 * dropped; a unique index is kept too (it finds a row given twice as
	 * it comes), and those named in keep (ones the load itself reads). */
	static const char make[] =
		"CREATE TEMP TABLE IF NOT EXISTS bulk_index(tbl TEXT NOT NULL, name TEXT NOT NULL, sql TEXT NOT NULL)";
	static const char save[] =
		"INSERT INTO temp.bulk_index SELECT tbl_name, name, sql FROM main.sqlite_master "
		"WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %'";
	static const char unsave[] = "DELETE FROM temp.bulk_index WHERE tbl = ?1 AND name = ?2";
	static const char drops[] =
		"SELECT 'DROP INDEX main.\"' || replace(name, '\"', '\"\"') || '\"' FROM temp.bulk_index WHERE tbl = ?1";
	int r = run_once(st, make, NULL, NULL, NULL, err, "index");
	if (!r)
		r = store_run(st, save, VALS(V_TEXT(table)), err, "index");
	for (size_t i = 0; keep && keep[i] && !r; i++)
		r = store_run(st, unsave, VALS(V_TEXT(table), V_TEXT(keep[i])), err, "index");
	struct names l = { 0 };
	if (!r)
		r = read_names(st, drops, table, &l, err);
	if (!r)
		r = exec_each(st, &l, err);
	names_free(&l);
	return r;
}

/* SQLite only (its SQL): the PostgreSQL driver will look for its table in pg_class, not temp.sqlite_master. */
int store_indexes_restore(struct store *st, const char *table, struct zs_error *err)
{
	static const char texts[] = "SELECT sql FROM temp.bulk_index WHERE tbl = ?1 ORDER BY rowid";
	static const char forget[] = "DELETE FROM temp.bulk_index WHERE tbl = ?1";
	/* Nothing saved (no drop before): nothing to make. */
	if (store_count(st, "SELECT count(*) FROM temp.sqlite_master WHERE name = 'bulk_index'", NO_VALS) <= 0)
		return ZS_OK;
	struct names l = { 0 };
	int r = read_names(st, texts, table, &l, err);
	if (!r)
		r = exec_each(st, &l, err);
	names_free(&l);
	if (!r)
		r = store_run(st, forget, VALS(V_TEXT(table)), err, "index");
	return r;
}
