/* Bulk loads: a table's secondary indexes dropped before many rows and
 * made again after them, in the same transaction.
 *
 * Building an index once over a million rows is cheaper than keeping it
 * row by row (each insert a random b-tree descent per index).  Which
 * indexes and how they are defined is read from the engine's catalogue,
 * whose text is the migrations' own CREATE INDEX: nothing is written
 * twice.  The text is kept in a TEMP table until the indexes are made
 * again, so a rollback undoes both (the indexes come back with the rows
 * they had). */
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

/* The catalogue is each engine's own: which indexes a table has and the
 * statement that makes each one (SQLite's sqlite_master.sql, PostgreSQL's
 * pg_indexes.indexdef), kept in a temporary table (PostgreSQL's goes at
 * the end of the transaction, as the indexes come back on a rollback). */
struct catalogue {
	const char *make, *save, *saved;
};
static const struct catalogue sqlite_catalogue = {
	.make = "CREATE TEMP TABLE IF NOT EXISTS bulk_index(n INTEGER PRIMARY KEY, tbl TEXT NOT NULL, name TEXT NOT NULL, "
		"sql TEXT NOT NULL)",
	/* Indexes of constraints (sql NULL: a UNIQUE column) cannot be
	 * dropped; a unique index is kept too (it finds a row given twice as
	 * it comes). */
	.save = "INSERT INTO bulk_index(tbl, name, sql) SELECT tbl_name, name, sql FROM main.sqlite_master "
		"WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %'",
	.saved = "SELECT count(*) FROM temp.sqlite_master WHERE name = 'bulk_index'",
};
static const struct catalogue pg_catalogue = {
	.make = "CREATE TEMP TABLE IF NOT EXISTS bulk_index(n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
		"tbl text NOT NULL, name text NOT NULL, sql text NOT NULL) ON COMMIT DROP",
	.save = "INSERT INTO bulk_index(tbl, name, sql) SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i "
		"JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = to_regnamespace(i.schemaname) "
		"JOIN pg_index x ON x.indexrelid = c.oid "
		"WHERE i.schemaname = current_schema() AND i.tablename = ?1 AND NOT x.indisunique",
	.saved = "SELECT CASE WHEN to_regclass('pg_temp.bulk_index') IS NULL THEN 0 ELSE 1 END",
};

static const struct catalogue *catalogue_of(const struct store *st)
{
	return store_on_sqlite(st) ? &sqlite_catalogue : &pg_catalogue;
}

int store_indexes_drop(struct store *st, const char *table, const char *const *keep, struct zs_error *err)
{
	/* Those named in keep stay too (ones the load itself reads). */
	static const char unsave[] = "DELETE FROM bulk_index WHERE tbl = ?1 AND name = ?2";
	static const char drops[] =
		"SELECT 'DROP INDEX \"' || replace(name, '\"', '\"\"') || '\"' FROM bulk_index WHERE tbl = ?1";
	const struct catalogue *cat = catalogue_of(st);
	int r = run_once(st, cat->make, NULL, NULL, NULL, err, "index");
	if (!r)
		r = run_once(st, cat->save, table, NULL, NULL, err, "index");
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

int store_indexes_restore(struct store *st, const char *table, struct zs_error *err)
{
	static const char texts[] = "SELECT sql FROM bulk_index WHERE tbl = ?1 ORDER BY n";
	static const char forget[] = "DELETE FROM bulk_index WHERE tbl = ?1";
	/* Nothing saved (no drop before): nothing to make. */
	struct store_stmt *s = store_prep_once(st, catalogue_of(st)->saved, err);
	int64_t saved = 0;
	int r = s ? store_step_rows(st, s, store_read_int64, &saved, err, "index") : ZS_EFAIL;
	store_stmt_free(s);
	if (r || saved <= 0)
		return r;
	struct names l = { 0 };
	r = read_names(st, texts, table, &l, err);
	if (!r)
		r = exec_each(st, &l, err);
	names_free(&l);
	if (!r)
		r = store_run(st, forget, VALS(V_TEXT(table)), err, "index");
	return r;
}
