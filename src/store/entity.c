/* The market-entity register: entities, snapshots, and their search. */
#include <sqlite3.h>   /* zs_grams only (store_entity_functions) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/store_entity.h"
#include "zhishou/text.h"

#define FREE(p) do { free(p); (p) = NULL; } while (0)

void entity_clear(struct entity *e)
{
	FREE(e->uscc); FREE(e->name); FREE(e->former_names); FREE(e->type); FREE(e->person);
	FREE(e->address); FREE(e->authority); FREE(e->unit); FREE(e->unit_text); FREE(e->founded);
	FREE(e->state); FREE(e->scope); FREE(e->licences);
}

int entity_copy(struct entity *dst, const struct entity *src)
{
	*dst = *src;
	/* the same fields as entity_clear frees */
	char **f[] = { &dst->uscc, &dst->name, &dst->former_names, &dst->type, &dst->person, &dst->address,
		       &dst->authority, &dst->unit, &dst->unit_text, &dst->founded, &dst->state, &dst->scope,
		       &dst->licences };
	bool ok = true;
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		ok = (*f[i] = strdup(*f[i] ? *f[i] : "")) && ok;
	return ok ? ZS_OK : ZS_EFAIL;
}

void register_snapshot_clear(struct register_snapshot *s)
{
	FREE(s->as_of); FREE(s->file); FREE(s->file_hash); FREE(s->imported_by);
}

/* Rows are many (a district's hundreds of thousands): the secondary
 * indexes and the text index are dropped or emptied before the rows and
 * built once after them (same transaction; store_indexes_drop), cheaper
 * than keeping them row by row.  The code's unique index stays: it finds a
 * code given twice as the row comes.
 *
 * The text index is keyed by the entity's place in name order (entity_
 * order, migration 009), not by its id: a search's rows by name are then
 * the index's own rowid order, and a page of them is the first rows it
 * finds (store_entity_each).  It is filled in that order, which FTS5 needs
 * to build in one go (a rowid below the last one flushes). */
static const char *const drop_sql[] = {
	"INSERT INTO entity_gram(entity_gram) VALUES ('delete-all')",
	"DELETE FROM entity_order",
	"DELETE FROM entity",
	/* The text index reads the rows in name order, not in the file's: a
	 * cache that holds more of them (64 MiB; the default is 2) halves it. */
	"PRAGMA cache_size = -65536",
};
static const char *const build_sql[] = {
	"INSERT INTO entity_order(id) SELECT id FROM entity INDEXED BY entity_name ORDER BY name, id",
	/* as migration 009 fills it */
	"INSERT INTO entity_gram(rowid, name, former_names, person, address, scope) "
	"SELECT o.r, zs_grams(e.name), zs_grams(e.former_names), zs_grams(e.person), zs_grams(e.address), "
	"zs_grams(e.scope) FROM entity_order o JOIN entity e ON e.id = o.id ORDER BY o.r",
};

/* zs_grams(TEXT): the text as entity_gram indexes it (migration 009):
 * each character with the next one, then the last alone, separated by
 * spaces ("老王酸菜" -> "老王 王酸 酸菜 菜").  A pair holding a character
 * unicode61 does not keep in tokens (punctuation) splits; the searches
 * that use the index only look for letters and digits.
 * SQLite only: the PostgreSQL driver will define zs_grams in SQL, in its own migration 009. */
static void grams_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	size_t n = (size_t)sqlite3_value_bytes(argv[0]);
	if (!s) {
		sqlite3_result_null(cx);
		return;
	}
	/* each character at most twice, a space per character */
	char *out = sqlite3_malloc64(3 * (sqlite3_uint64)n + 1), *o = out;
	if (!out) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	uint32_t cp;
	for (size_t i = 0, a; i < n; i += a) {
		a = text_decode(s + i, n - i, &cp);
		size_t b = i + a < n ? text_decode(s + i + a, n - i - a, &cp) : 0;
		memcpy(o, s + i, a + b);
		o += a + b;
		*o++ = ' ';
	}
	*o = '\0';
	sqlite3_result_text(cx, out, (int)(o - out), sqlite3_free);
}

/* SQLite only: the PostgreSQL driver will register nothing (zs_grams is in its database). */
void store_entity_functions(sqlite3 *db)
{
	sqlite3_create_function(db, "zs_grams", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				grams_fn, NULL, NULL);
}

/* Schema statements are not cached (a cached one would outlive the index
 * it names). */
static int run_all(struct store *st, const char *const *sql, size_t n, struct zs_error *err)
{
	int r = ZS_OK;
	for (size_t i = 0; i < n && !r; i++) {
		struct store_stmt *s = store_prep_once(st, sql[i], err);
		if (!s)
			return ZS_EFAIL;
		r = store_step_done(st, s, err, "entity");
		store_stmt_free(s);
	}
	return r;
}

/* PostgreSQL has no text index tables: its pg_trgm index is one of the
 * table's indexes (store_indexes_drop), made again with the others. */
static const char *const pg_drop_sql[] = { "DELETE FROM entity" };
static const char *const pg_build_sql[] = { "ANALYZE entity" };

int store_entity_clear_all(struct store *st, struct zs_error *err)
{
	int r = store_indexes_drop(st, "entity", NULL, err);
	if (r)
		return r;
	return store_on_sqlite(st) ? run_all(st, drop_sql, sizeof drop_sql / sizeof *drop_sql, err)
				   : run_all(st, pg_drop_sql, sizeof pg_drop_sql / sizeof *pg_drop_sql, err);
}

int store_entity_insert(struct store *st, const struct entity *e, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO entity(uscc, name, former_names, type, person, address, authority, unit_id, "
		"unit_text, founded, state, scope, licences, odr) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
		"ON CONFLICT(uscc) DO NOTHING";
	int r = store_run(st, sql,
			  VALS(V_TEXT(e->uscc), V_TEXT(e->name), V_TEXT(e->former_names), V_TEXT(e->type),
			       V_TEXT(e->person), V_TEXT(e->address), V_TEXT(e->authority), V_ID(e->unit_id),
			       V_TEXT(e->unit_text), V_TEXT(e->founded), V_TEXT(e->state), V_TEXT(e->scope),
			       V_TEXT(e->licences), V_INT(e->odr ? 1 : 0)),
			  err, "entity");
	if (store_none_changed(st, r) == ZS_ENOTFOUND)
		return zs_fail(err, ZS_EINPUT, TR("代码 %s 在文件中出现不止一次", "code %s appears more than once in the file"),
			       e->uscc);
	return r;
}

int store_entity_reindex(struct store *st, struct zs_error *err)
{
	int r = store_indexes_restore(st, "entity", err);
	if (r)
		return r;
	return store_on_sqlite(st) ? run_all(st, build_sql, sizeof build_sql / sizeof *build_sql, err)
				   : run_all(st, pg_build_sql, sizeof pg_build_sql / sizeof *pg_build_sql, err);
}

int store_register_snapshot_insert(struct store *st, struct register_snapshot *s, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO register_snapshot(as_of, file, file_hash, imported_by, imported_at, rows, skipped) "
		"VALUES (?,?,?,?,?,?,?) RETURNING id";
	return store_insert(st, sql,
			    VALS(V_TEXT(s->as_of), V_TEXT(s->file), V_TEXT(s->file_hash), V_TEXT(s->imported_by),
				 V_INT(s->imported_at), V_INT(s->rows), V_INT(s->skipped)),
			    &s->id, err, "register");
}

#define ROW_T struct register_snapshot
static const struct store_col snapshot_cols[] = {
	COL(I64, id), COL(TEXT, as_of), COL(TEXT, file), COL(TEXT, file_hash), COL(TEXT, imported_by),
	COL(I64, imported_at), COL(I64, rows), COL(I64, skipped),
};
#undef ROW_T
STORE_READER(read_snapshot, struct register_snapshot, snapshot_cols)

int store_register_latest(struct store *st, struct register_snapshot *out, struct zs_error *err)
{
	static const char sql[] =
		"SELECT id, as_of, file, file_hash, imported_by, imported_at, rows, skipped "
		"FROM register_snapshot ORDER BY id DESC LIMIT 1";
	return store_one(st, sql, NO_VALS, read_snapshot, out, err, "register");
}

#define ROW_T struct entity
static const struct store_col entity_cols[] = {
	COL(I64, id), COL(TEXT, uscc), COL(TEXT, name), COL(TEXT, former_names), COL(TEXT, type),
	COL(TEXT, person), COL(TEXT, address), COL(TEXT, authority), COL(I64, unit_id), COL(TEXT, unit),
	COL(TEXT, unit_text), COL(TEXT, founded), COL(TEXT, state), COL(TEXT, scope), COL(TEXT, licences),
	COL(BOOL, odr), COL(INT, rank),
};
#undef ROW_T

STORE_VISITOR(visit_entity, struct entity, entity_cols, entity_clear, store_entity_cb)

/* The rank: where the query's text is found (entity.h's order).  The CAST
 * types :exact where PostgreSQL meets it first (IS NULL says nothing of
 * its type). */
#define ENTITY_RANK \
	"CASE WHEN CAST(:exact AS TEXT) IS NULL THEN 4 WHEN e.name = :exact THEN 0 " \
	"WHEN e.name LIKE :prefix ESCAPE '\\' THEN 1 WHEN e.name LIKE :contains ESCAPE '\\' THEN 2 " \
	"WHEN e.former_names LIKE :contains ESCAPE '\\' THEN 3 ELSE 4 END"
/* entity_cols but the last (the rank) */
#define ENTITY_FIELDS \
	"e.id, e.uscc, e.name, e.former_names, e.type, e.person, e.address, e.authority, " \
	"COALESCE(e.unit_id, 0), COALESCE(u.name, e.unit_text), e.unit_text, e.founded, e.state, e.scope, " \
	"e.licences, e.odr, "

/* ---- search ----
 *
 * entity_gram (migration 009) narrows the rows; LIKE over the columns
 * decides (so a term matches exactly as LIKE says: ASCII case folded, any
 * other character as it is).  Two ways to the same rows in the same order
 * (rank, name, id; entity.h):
 *
 * - sparse: the rows the index finds joined, checked, ranked and sorted in
 *   one query.  Cheap while they are few, and the only way without a limit.
 * - dense, with a limit, when the index finds DENSE_AT rows or more: a sort
 *   of hundreds of thousands of rows for a page of 50 costs hundreds of
 *   milliseconds (餐饮, 有限公司 at 1,000,000).  Each rank in turn, until the
 *   limit: the exact name and a name prefix by entity_name's range; a name,
 *   a former name, then any column containing the text from the index's
 *   rows in that column, in their rowid order, which is name order (the
 *   index is keyed by entity_order.r), so the first rows found are the page
 *   and the index stops there.  Without the index (a term of punctuation
 *   only), the rows in name order by entity_name, each checked.
 *
 * A code prefix (without words) is neither: its range of entity_uscc, in
 * code order (entity.h). */
enum { DENSE_AT = 2000 };

/* The columns a search's words look in, as an FTS5 column filter. */
#define WORD_COLS "{name former_names person address}"

/* "COLS : (words) AND scope : (scope)", either part absent when NULL. */
static char *match_of(const char *cols, const char *words, const char *scope)
{
	char *m = NULL;
	if (asprintf(&m, "%s%s%s%s%s%s%s%s", words ? cols : "", words ? " : (" : "", words ? words : "",
		     words ? ")" : "", words && scope ? " AND " : "", scope ? "scope : (" : "", scope ? scope : "",
		     scope ? ")" : "") < 0)
		return NULL;
	return m;
}

/* The index's expression over every column, or NULL without one (and on
 * PostgreSQL, where LIKE alone decides and pg_trgm's index answers it). */
static int match_all(const struct store *st, const struct entity_filter *f, char **out, struct zs_error *err)
{
	*out = NULL;
	if ((!f->gram_words && !f->gram_scope) || !store_has_fts5(st))
		return ZS_OK;
	*out = match_of(WORD_COLS, f->gram_words, f->gram_scope);
	return *out ? ZS_OK : zs_fail(err, ZS_EFAIL, "out of memory");
}

/* The rows of the whole search as its index finds them (entity_gram's,
 * the code prefix's, else every row), counted up to DENSE_AT: cheap, the
 * index stops there.  -1 when they cannot be read. */
static int64_t count_rows(struct store *st, const struct entity_filter *f, const char *match)
{
	/* code and all are PostgreSQL's too: a FROM subquery has a name
	 * there, and all's ?1 (there only to take the bound value) a type. */
	static const char grams[] = "SELECT count(*) FROM (SELECT 1 FROM entity_gram WHERE entity_gram MATCH ?1 LIMIT ?2)";
	static const char code[] =
		"SELECT count(*) FROM (SELECT 1 FROM entity WHERE uscc >= ?1 AND uscc < ?1 || '~' LIMIT ?2) AS n";
	static const char all[] = "SELECT count(*) FROM (SELECT CAST(?1 AS TEXT) FROM entity LIMIT ?2) AS n";
	const char *sql = match ? grams : f->uscc_prefix ? code : all;
	return store_count(st, sql, VALS(V_TEXT(match ? match : f->uscc_prefix), V_INT(DENSE_AT)));
}

#define LIKE_ANY(p) " AND (e.name LIKE " p " ESCAPE '\\' OR e.former_names LIKE " p " ESCAPE '\\'" \
	" OR e.person LIKE " p " ESCAPE '\\' OR e.address LIKE " p " ESCAPE '\\')"
_Static_assert(STORE_ENTITY_WORDS == STORE_WORDS, "the register's words are bound as store_word_name names them");
static const char *const word_frag[STORE_ENTITY_WORDS] = { STORE_WORD_FRAGS(LIKE_ANY) };
#undef LIKE_ANY

/* How a query reaches its rows. */
enum way {
	WAY_SORT,     /* the index's rows (or every row), ranked and sorted */
	WAY_EXACT,    /* entity_name: name = the text */
	WAY_RANGE,    /* entity_name: names from the text up to the text + U+10FFFF */
	WAY_INDEX,    /* the index's rows in its (name) order */
	WAY_NAMES,    /* entity_name: every row in name order */
	WAY_CODE,     /* entity_uscc: a code prefix's range in code order */
};

/* The rows given to the caller so far (a dense search's ranks share the limit). */
struct each_run {
	store_entity_cb cb;
	void *ud;
	int rows;
	bool stopped;
};

static int each_hit(const struct entity *e, void *ud)
{
	struct each_run *run = ud;
	run->rows++;
	int r = run->cb(e, run->ud);
	run->stopped = r == ZS_STOP;
	return r;
}

/* One query: way, for rank stage (-1: every rank, computed), match the
 * index's expression when way reads it. */
static int each_query(struct store *st, const struct entity_filter *f, enum way way, int stage, const char *match,
		      const char *exact_hi, struct each_run *run, struct zs_error *err)
{
	struct store_sql sql = { .n = 0 };
#define ADD(frag) store_sql_add(&sql, (frag))
	ADD("SELECT " ENTITY_FIELDS);
	/* The CAST types :stage where PostgreSQL meets it first. */
	ADD(stage < 0 ? ENTITY_RANK " AS rank FROM " : "CAST(:stage AS BIGINT) AS rank FROM ");
	if (match)
		ADD("entity_gram JOIN entity_order o ON o.r = entity_gram.rowid JOIN entity e ON e.id = o.id ");
	else if (way == WAY_SORT)
		ADD("entity e ");
	else if (way == WAY_CODE)
		ADD("entity e INDEXED BY entity_uscc ");
	else
		ADD("entity e INDEXED BY entity_name ");
	ADD("LEFT JOIN unit u ON u.id = e.unit_id WHERE ");
	ADD(match ? "entity_gram MATCH :fts" : "1=1");   /* PostgreSQL's WHERE takes a boolean only */
	if (way == WAY_EXACT)
		ADD(" AND e.name = :exact");
	else if (way == WAY_RANGE)
		ADD(" AND e.name >= :exact AND e.name < :exact_hi");
	if (stage >= 0)
		ADD(" AND (" ENTITY_RANK ") = :stage");
	if (!f->all)
		ADD(" AND e.state IN ('存续', '在业')");
	if (f->unit_id)
		ADD(" AND e.unit_id = :unit");
	/* '~' sorts after every character a code has: the range is the prefix's. */
	if (f->uscc_prefix)
		ADD(" AND e.uscc >= :uscc AND e.uscc < :uscc || '~'");
	for (int k = 0; k < STORE_ENTITY_WORDS; k++)
		if (f->word_like[k])
			ADD(word_frag[k]);
	if (f->scope_like)
		ADD(" AND e.scope LIKE :scope ESCAPE '\\'");
	/* The index's rowids are in name order (entity_order). */
	ADD(way == WAY_CODE    ? " ORDER BY e.uscc"
	    : way == WAY_SORT  ? " ORDER BY rank, e.name, e.id"
	    : way == WAY_INDEX ? " ORDER BY entity_gram.rowid"
			       : " ORDER BY e.name, e.id");
	if (f->limit > 0)
		ADD(" LIMIT :limit");
#undef ADD
	struct store_stmt *s = store_sql_prep(st, &sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_named_text(s, ":fts", match);
	store_bind_named_int(s, ":unit", f->unit_id);
	store_bind_named_text(s, ":uscc", f->uscc_prefix);
	for (int k = 0; k < STORE_ENTITY_WORDS; k++)
		store_bind_named_text(s, store_word_name[k], f->word_like[k]);
	store_bind_named_text(s, ":scope", f->scope_like);
	store_bind_named_text(s, ":exact", f->exact);
	store_bind_named_text(s, ":exact_hi", exact_hi);
	store_bind_named_text(s, ":prefix", f->prefix);
	store_bind_named_text(s, ":contains", f->contains);
	store_bind_named_int(s, ":stage", stage);
	store_bind_named_int(s, ":limit", f->limit - run->rows);
	int r = store_step_rows(st, s, visit_entity, STORE_VISIT(each_hit, run), err, "entity");
	store_stmt_free(s);
	return r;
}

/* Rank stage from the index's rows in one column (col: an FTS5 column
 * filter; NULL: every column), in name order; without the index, every
 * row by name. */
static int each_in(struct store *st, const struct entity_filter *f, const char *all, int stage, const char *col,
		   const char *exact_hi, struct each_run *run, struct zs_error *err)
{
	if (!all)
		return each_query(st, f, WAY_NAMES, stage, NULL, exact_hi, run, err);
	char *m = col && f->gram_words ? match_of(col, f->gram_words, f->gram_scope) : NULL;
	if (col && f->gram_words && !m)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	int r = each_query(st, f, WAY_INDEX, stage, m ? m : all, exact_hi, run, err);
	free(m);
	return r;
}

/* The dense way (see above): each rank in turn, until the limit. */
static int each_dense(struct store *st, const struct entity_filter *f, const char *all, struct each_run *run,
		      struct zs_error *err)
{
	if (!f->exact)   /* every row ranks 4 */
		return each_in(st, f, all, 4, NULL, NULL, run, err);
	/* A name prefix is a byte range unless LIKE's ASCII case folding
	 * widens it (kfc finds KFC). */
	bool range = !strpbrk(f->exact, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	char *hi = NULL;
	if (asprintf(&hi, "%s\xF4\x8F\xBF\xBF", f->exact) < 0)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	static const char *const col[5] = { NULL, "name", "name", "former_names", NULL };
	int r = each_query(st, f, WAY_EXACT, 0, NULL, hi, run, err);
	for (int stage = 1; stage <= 4 && !r && !run->stopped && run->rows < f->limit; stage++)
		r = stage == 1 && range ? each_query(st, f, WAY_RANGE, 1, NULL, hi, run, err)
					: each_in(st, f, all, stage, col[stage], hi, run, err);
	free(hi);
	return r;
}

int store_entity_each(struct store *st, const struct entity_filter *f, store_entity_cb cb, void *ud,
		      struct zs_error *err)
{
	char *all;
	int r = match_all(st, f, &all, err);
	if (r)
		return r;
	struct each_run run = { .cb = cb, .ud = ud };
	/* A code prefix lists in code order, its index's: in name order a
	 * district's common prefix (91120101, every company) would be walked
	 * past its hundreds of thousands of 92… (individual businesses) first. */
	if (f->uscc_prefix && !all)
		r = each_query(st, f, WAY_CODE, 4, NULL, NULL, &run, err);
	/* Without a limit every row is wanted: one query, whatever it costs. */
	else if (f->limit > 0 && count_rows(st, f, all) >= DENSE_AT)
		r = each_dense(st, f, all, &run, err);
	else
		r = each_query(st, f, WAY_SORT, -1, all, NULL, &run, err);
	free(all);
	return r;
}

STORE_READER(read_entity, struct entity, entity_cols)

int store_entity_get(struct store *st, const char *code, struct entity *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " ENTITY_FIELDS "4 FROM entity e LEFT JOIN unit u ON u.id = e.unit_id "
		"WHERE e.uscc = ?";
	memset(out, 0, sizeof *out);
	return store_one(st, sql, VALS(V_TEXT(code)), read_entity, out, err, "entity");
}

int64_t store_entity_count(struct store *st)
{
	static const char sql[] = "SELECT count(*) FROM entity";
	return store_count(st, sql, NO_VALS);
}
