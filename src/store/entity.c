/* The market-entity register: entities, snapshots, and their search. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/store_entity.h"

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
 * indexes and the external-content text index are dropped or emptied
 * before the rows and built once after them (same transaction), cheaper
 * than keeping them row by row.  The code's unique index stays: it finds a
 * code given twice as the row comes. */
static const char *const drop_sql[] = {
	"INSERT INTO entity_fts(entity_fts) VALUES ('delete-all')",
	"DROP INDEX IF EXISTS entity_name",
	"DROP INDEX IF EXISTS entity_unit",
	"DELETE FROM entity",
};
static const char *const build_sql[] = {
	"CREATE INDEX IF NOT EXISTS entity_name ON entity(name)",
	"CREATE INDEX IF NOT EXISTS entity_unit ON entity(unit_id)",
	"INSERT INTO entity_fts(entity_fts) VALUES ('rebuild')",
};

/* Schema statements are not cached (a cached one would outlive the index
 * it names). */
static int run_all(struct store *st, const char *const *sql, size_t n, struct zs_error *err)
{
	int r = ZS_OK;
	for (size_t i = 0; i < n && !r; i++) {
		sqlite3_stmt *s = store_prep_once(st, sql[i], err);
		if (!s)
			return ZS_EFAIL;
		r = store_step_done(st, s, err, "entity");
		sqlite3_finalize(s);
	}
	return r;
}

int store_entity_clear_all(struct store *st, struct zs_error *err)
{
	return run_all(st, drop_sql, sizeof drop_sql / sizeof *drop_sql, err);
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
	return run_all(st, build_sql, sizeof build_sql / sizeof *build_sql, err);
}

int store_register_snapshot_insert(struct store *st, struct register_snapshot *s, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO register_snapshot(as_of, file, file_hash, imported_by, imported_at, rows, skipped) "
		"VALUES (?,?,?,?,?,?,?)";
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

/* The rank: where the query's text is found (entity.h's order). */
#define ENTITY_RANK \
	"CASE WHEN :exact IS NULL THEN 4 WHEN e.name = :exact THEN 0 " \
	"WHEN e.name LIKE :prefix ESCAPE '\\' THEN 1 WHEN e.name LIKE :contains ESCAPE '\\' THEN 2 " \
	"WHEN e.former_names LIKE :contains ESCAPE '\\' THEN 3 ELSE 4 END"
/* entity_cols but the last (the rank) */
#define ENTITY_FIELDS \
	"e.id, e.uscc, e.name, e.former_names, e.type, e.person, e.address, e.authority, " \
	"COALESCE(e.unit_id, 0), COALESCE(u.name, e.unit_text), e.unit_text, e.founded, e.state, e.scope, " \
	"e.licences, e.odr, "

/* Assembled from constant fragments only, every value bound, as
 * store_intake_each; each filter its own shape so SQLite picks the FTS
 * index, the code's or the unit's. */
int store_entity_each(struct store *st, const struct entity_filter *f, store_entity_cb cb, void *ud,
		      struct zs_error *err)
{
	struct store_sql sql = { .n = 0 };
#define ADD(frag) store_sql_add(&sql, (frag))
	ADD("SELECT " ENTITY_FIELDS ENTITY_RANK " AS rank FROM ");
	if (f->fts)
		ADD("entity_fts JOIN entity e ON e.id = entity_fts.rowid ");
	else
		ADD("entity e ");
	ADD("LEFT JOIN unit u ON u.id = e.unit_id WHERE ");
	ADD(f->fts ? "entity_fts MATCH :fts" : "1");
	if (!f->all)
		ADD(" AND e.state IN ('存续', '在业')");
	if (f->unit_id)
		ADD(" AND e.unit_id = :unit");
	/* '~' sorts after every character a code has: the range is the prefix's. */
	if (f->uscc_prefix)
		ADD(" AND e.uscc >= :uscc AND e.uscc < :uscc || '~'");
	static const char *const like_frag[STORE_ENTITY_SHORT] = {
#define LIKE_ANY(p) " AND (e.name LIKE " p " ESCAPE '\\' OR e.former_names LIKE " p " ESCAPE '\\'" \
	" OR e.person LIKE " p " ESCAPE '\\' OR e.address LIKE " p " ESCAPE '\\')"
		LIKE_ANY(":l0"), LIKE_ANY(":l1"), LIKE_ANY(":l2"), LIKE_ANY(":l3"),
#undef LIKE_ANY
	};
	for (int k = 0; k < STORE_ENTITY_SHORT; k++)
		if (f->like[k])
			ADD(like_frag[k]);
	if (f->scope_like)
		ADD(" AND e.scope LIKE :scope ESCAPE '\\'");
	ADD(" ORDER BY rank, e.name, e.id");
	if (f->limit > 0)
		ADD(" LIMIT :limit");
#undef ADD

	sqlite3_stmt *s = store_sql_prep(st, &sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_named_text(s, ":fts", f->fts);
	store_bind_named_int(s, ":unit", f->unit_id);
	store_bind_named_text(s, ":uscc", f->uscc_prefix);
	static const char *const like_name[STORE_ENTITY_SHORT] = { ":l0", ":l1", ":l2", ":l3" };
	for (int k = 0; k < STORE_ENTITY_SHORT; k++)
		store_bind_named_text(s, like_name[k], f->like[k]);
	store_bind_named_text(s, ":scope", f->scope_like);
	store_bind_named_text(s, ":exact", f->exact);
	store_bind_named_text(s, ":prefix", f->prefix);
	store_bind_named_text(s, ":contains", f->contains);
	store_bind_named_int(s, ":limit", f->limit);
	int r = store_step_rows(st, s, visit_entity, STORE_VISIT(cb, ud), err, "entity");
	sqlite3_finalize(s);
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
