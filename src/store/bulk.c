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
};

static void names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		sqlite3_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Column 0 of every row of sql (?1 bound to table) into l: a schema
 * statement cannot run while a read of the schema is open. */
static int read_names(struct store *st, const char *sql, const char *table, struct names *l, struct zs_error *err)
{
	sqlite3_stmt *s = store_prep_once(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_text(s, 1, table, -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char **v = realloc(l->v, (l->n + 1) * sizeof *v);
		char *x = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(s, 0));
		if (!v || !x) {
			if (v)
				l->v = v;
			sqlite3_free(x);
			sqlite3_finalize(s);
			return zs_fail(err, ZS_EFAIL, "out of memory");
		}
		l->v = v;
		l->v[l->n++] = x;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? ZS_OK : store_sqlerr(st, err, "schema");
}

static int exec_each(struct store *st, const struct names *l, struct zs_error *err)
{
	for (size_t i = 0; i < l->n; i++) {
		sqlite3_stmt *s = store_prep_once(st, l->v[i], err);
		if (!s)
			return ZS_EFAIL;
		int r = store_step_done(st, s, err, "index");
		sqlite3_finalize(s);
		if (r)
			return r;
	}
	return ZS_OK;
}

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
	sqlite3_stmt *s = store_prep_once(st, make, err);
	int r = s ? store_step_done(st, s, err, "index") : ZS_EFAIL;
	sqlite3_finalize(s);
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
