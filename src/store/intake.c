/* Intakes: insert, update, keyset pages, counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define INTAKE_COLS \
	"i.id, i.received_at, i.channel, i.kind, i.caller, i.phone, i.subject, i.uscc, " \
	"i.category, i.summary, i.ref, i.handling, i.status, i.notes, i.created_by, " \
	"i.exposure_id, e.title, i.transfer_unit_id, u.name, i.duplicate_of, i.recovered_fen, " \
	"i.created_at, i.updated_at, i.confidential, i.outcome, i.odr_uscc, " \
	"(SELECT r.name FROM entity r WHERE r.uscc = i.odr_uscc AND i.odr_uscc <> ''), " \
	"i.platform_no, i.platform_by, i.platform_at "
#define INTAKE_JOINS \
	" LEFT JOIN exposure e ON e.id = i.exposure_id LEFT JOIN unit u ON u.id = i.transfer_unit_id "

/* INTAKE_COLS, in order. */
#define ROW_T struct intake
static const struct store_col intake_cols[] = {
	COL(I64, id), COL(I64, received_at), COL(TEXT, channel), COL(TEXT, kind), COL(TEXT, caller),
	COL(TEXT, phone), COL(TEXT, subject), COL(TEXT, uscc), COL(TEXT, category), COL(TEXT, summary),
	COL(TEXT, ref), COL(TEXT, handling), COL(TEXT, status), COL(TEXT, notes), COL(TEXT, created_by),
	COL(I64, exposure_id), COL(TEXT, exposure_title), COL(I64, transfer_unit_id), COL(TEXT, transfer_unit),
	COL(I64, duplicate_of), COL(I64, recovered_fen), COL(I64, created_at), COL(I64, updated_at),
	COL(BOOL, confidential), COL(TEXT, outcome), COL(TEXT, odr_uscc), COL(TEXT, odr_name),
	COL(TEXT, platform_no), COL(TEXT, platform_by), COL(I64, platform_at),
};
#undef ROW_T

STORE_READER(read_row, struct intake, intake_cols)

STORE_VISITOR(visit_intake, struct intake, intake_cols, intake_clear, store_intake_cb)

/* The ten fields an operator or a file gives, as store_vals (insert,
 * staging and update list them in the same order). */
#define GIVEN(in) \
	V_INT((in)->received_at), V_TEXT((in)->channel), V_TEXT((in)->kind), V_TEXT((in)->caller), \
	V_TEXT((in)->phone), V_TEXT((in)->subject), V_TEXT((in)->uscc), V_TEXT((in)->category), \
	V_TEXT((in)->summary), V_TEXT((in)->ref)

int store_intake_insert(struct store *st, struct intake *in, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO intake(received_at, channel, kind, caller, phone, subject, uscc, category, "
		"summary, ref, exposure_id, handling, transfer_unit_id, status, duplicate_of, "
		"recovered_fen, notes, created_at, created_by, updated_at, confidential, outcome, odr_uscc) "
		"VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?18,?20,?21,?22) "
		"RETURNING id";
	return store_insert(st, sql,
			    VALS(GIVEN(in), V_ID(in->exposure_id), V_TEXT(in->handling), V_ID(in->transfer_unit_id),
				 V_TEXT(in->status && *in->status ? in->status : "new"), V_ID(in->duplicate_of),
				 V_INT(in->recovered_fen), V_TEXT(in->notes), V_INT(in->created_at), V_TEXT(st->user),
				 V_INT(in->confidential ? 1 : 0), V_TEXT(in->outcome ? in->outcome : ""),
				 V_TEXT(in->odr_uscc ? in->odr_uscc : "")),
			    &in->id, err, "intake");
}

int store_stage_begin(struct store *st, struct zs_error *err)
{
	/* A temporary table, the connection's own: both engines find it by
	 * its bare name before any other.  n keeps the rows in the file's
	 * order (SQLite's rowid). */
	static const char *const sqlite_sql[] = {
		"CREATE TEMP TABLE IF NOT EXISTS stage(n INTEGER PRIMARY KEY, received_at, channel, kind, caller, phone, "
		"subject, uscc, category, summary, ref, created_at, created_by)",
		"CREATE UNIQUE INDEX IF NOT EXISTS temp.stage_ref ON stage(channel, ref) WHERE ref <> ''",
		"DELETE FROM stage",
	};
	static const char *const pg_sql[] = {
		"CREATE TEMP TABLE IF NOT EXISTS stage(n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
		"received_at bigint, channel text, kind text, caller text, phone text, subject text, uscc text, "
		"category text, summary text, ref text, created_at bigint, created_by text)",
		"CREATE UNIQUE INDEX IF NOT EXISTS stage_ref ON stage(channel, ref) WHERE ref <> ''",
		"DELETE FROM stage",
	};
	const char *const *sql = store_on_sqlite(st) ? sqlite_sql : pg_sql;
	for (size_t i = 0; i < sizeof sqlite_sql / sizeof *sqlite_sql; i++) {
		int r = store_run(st, sql[i], NO_VALS, err, "stage");
		if (r)
			return r;
	}
	return ZS_OK;
}

int store_stage_add(struct store *st, const struct intake *in, bool *dup, struct zs_error *err)
{
	/* ON CONFLICT rather than INSERT OR IGNORE (SQLite only): stage_ref is
	 * the table's one constraint. */
	static const char sql[] =
		"INSERT INTO stage(received_at, channel, kind, caller, phone, subject, uscc, "
		"category, summary, ref, created_at, created_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) "
		"ON CONFLICT DO NOTHING";
	int r = store_run(st, sql, VALS(GIVEN(in), V_INT(in->created_at), V_TEXT(st->user)), err, "stage");
	if (!r)
		*dup = store_changes(st) == 0;
	return r;
}

/* The ids an INSERT ... RETURNING id gave: how many, the least, the greatest. */
struct new_ids {
	int64_t n, first, last;
};

static int new_id_row(const struct store_row *r, void *ctx)
{
	struct new_ids *ids = ctx;
	int64_t id = store_row_i64(r, 0);
	if (ids->n++ == 0 || id < ids->first)
		ids->first = id;
	if (id > ids->last)
		ids->last = id;
	return ZS_OK;
}

int store_stage_flush(struct store *st, int64_t *first, int64_t *last, int64_t *added, int64_t *skipped,
		      struct zs_error *err)
{
	static const char count_sql[] = "SELECT count(*) FROM stage";
	static const char move_sql[] =
		"INSERT INTO intake(received_at, channel, kind, caller, phone, subject, uscc, category, summary, ref, "
		"status, created_at, created_by, updated_at) "
		"SELECT received_at, channel, kind, caller, phone, subject, uscc, category, summary, ref, 'new', "
		"created_at, created_by, created_at FROM stage s "
		"WHERE s.ref = '' OR NOT EXISTS (SELECT 1 FROM intake i WHERE i.channel = s.channel AND i.ref = s.ref "
		"AND i.ref <> '') ORDER BY s.n RETURNING id";
	static const char clear_sql[] = "DELETE FROM stage";
	*first = *last = *added = *skipped = 0;
	int64_t staged = 0;
	int r = store_one(st, count_sql, NO_VALS, store_read_int64, &staged, err, "stage");
	if (r == ZS_EFAIL)
		return r;
	if (!staged)
		return ZS_OK;
	struct new_ids ids = { 0, 0, 0 };
	r = store_each(st, move_sql, NO_VALS, new_id_row, &ids, err, "import");
	if (r)
		return r;
	/* The caller holds the write lock and intake ids are max+1 each, so
	 * the rows just moved have contiguous ids from the first to the last. */
	*added = ids.n;
	*skipped = staged - *added;
	if (*added) {
		*first = ids.first;
		*last = ids.last;
	}
	return store_run(st, clear_sql, NO_VALS, err, "stage");
}

int store_intake_bulk_begin(struct store *st, struct zs_error *err)
{
	/* store_stage_flush's NOT EXISTS looks a reference up in intake_ref */
	static const char *const keep[] = { "intake_ref", NULL };
	return store_indexes_drop(st, "intake", keep, err);
}

int store_intake_bulk_end(struct store *st, struct zs_error *err)
{
	return store_indexes_restore(st, "intake", err);
}

int store_intake_get(struct store *st, int64_t id, struct intake *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " INTAKE_COLS "FROM intake i" INTAKE_JOINS "WHERE i.id = ?";
	return store_one(st, sql, VALS(V_INT(id)), read_row, out, err, "intake");
}

int store_intake_update(struct store *st, const struct intake *in, struct zs_error *err)
{
	static const char sql[] =
		"UPDATE intake SET received_at=?2, channel=?3, kind=?4, caller=?5, phone=?6, subject=?7, "
		"uscc=?8, category=?9, summary=?10, ref=?11, exposure_id=?12, handling=?13, "
		"transfer_unit_id=?14, status=?15, duplicate_of=?16, recovered_fen=?17, notes=?18, "
		"updated_at=?19, outcome=?20, odr_uscc=?21, platform_no=?22, platform_by=?23, platform_at=?24 WHERE id=?1";
	return store_run(st, sql,
			 VALS(V_INT(in->id), GIVEN(in), V_ID(in->exposure_id), V_TEXT(in->handling),
			      V_ID(in->transfer_unit_id), V_TEXT(in->status), V_ID(in->duplicate_of),
			      V_INT(in->recovered_fen), V_TEXT(in->notes), V_INT(in->updated_at),
			      V_TEXT(in->outcome ? in->outcome : ""), V_TEXT(in->odr_uscc ? in->odr_uscc : ""),
			      V_TEXT(in->platform_no ? in->platform_no : ""), V_TEXT(in->platform_by ? in->platform_by : ""),
			      V_INT(in->platform_at)),
			 err, "intake");
}

/* The query is assembled from constant fragments only; every value is bound.
 * Each filter gets its own shape so SQLite can pick the matching index
 * (the partial intake_open index, intake_status, the FTS rowid order). */
int store_intake_each(struct store *st, const struct intake_filter *f, store_intake_cb cb, void *ud,
		      struct zs_error *err)
{
	struct store_text tx;
	int tr = store_text_plan(st, f->terms, &tx, err);
	if (tr)
		return tr;
	struct store_sql sql = { .n = 0 };
#define ADD(frag) store_sql_add(&sql, (frag))
	const char *key = "i.id";
	if (tx.match) {   /* SQLite: the FTS5 table (store/textsearch.c) */
		ADD("SELECT " INTAKE_COLS "FROM intake_fts f JOIN intake i ON i.id = f.rowid" INTAKE_JOINS
		    "WHERE intake_fts MATCH :fts");
		key = "f.rowid";
	} else {
		/* 1=1, not 1: PostgreSQL's WHERE takes a boolean only. */
		ADD("SELECT " INTAKE_COLS "FROM intake i" INTAKE_JOINS "WHERE 1=1");
	}
	if (f->channel)
		ADD(" AND i.channel = :channel");
	if (f->kind)
		ADD(" AND i.kind = :kind");
	if (f->status)
		ADD(" AND i.status = :status");
	if (f->unresolved)
		ADD(" AND i.status IN " STORE_SQL_INTAKE_OPEN);
	if (f->exposure_id)
		ADD(" AND i.exposure_id = :exposure");
	if (f->since)
		ADD(" AND i.received_at >= :since");
	if (f->until)
		ADD(" AND i.received_at < :until");
	if (f->id)
		ADD(" AND i.id = :id");
	if (f->phone)   /* "<> ''" lets SQLite use the partial index intake_phone */
		ADD(" AND i.phone = :phone AND i.phone <> ''");
	if (f->phone_tail)
		ADD(" AND i.phone LIKE '%' || :ptail");
	if (f->not_on_platform)
		ADD(" AND i.platform_no = ''");
	if (f->business_uscc)   /* two partial indexes: intake_uscc, intake_subject */
		ADD(" AND ((i.uscc = :buscc AND i.uscc <> '') OR (i.uscc = '' AND i.subject = :bname AND i.subject <> ''))");
#define LIKE_ANY(p) " AND (i.subject LIKE " p " ESCAPE '\\' OR i.summary LIKE " p " ESCAPE '\\' OR i.ref LIKE " p " ESCAPE '\\')"
	static const char *const like_frag[STORE_WORDS] = {
		STORE_WORD_FRAGS(LIKE_ANY),
	};
#undef LIKE_ANY
	for (int k = 0; k < STORE_WORDS; k++)
		if (tx.like[k])
			ADD(like_frag[k]);
	if (f->before_id) {
		ADD(" AND ");
		ADD(key);
		ADD(" < :before");
	}
	ADD(" ORDER BY ");
	ADD(key);
	ADD(" DESC");
	if (f->limit > 0)
		ADD(" LIMIT :limit");
#undef ADD

	struct store_stmt *s = store_sql_prep(st, &sql, err);
	if (!s) {
		store_text_free(&tx);
		return ZS_EFAIL;
	}
	store_text_bind(s, &tx);
	if (f->channel)
		store_bind_named_text(s, ":channel", f->channel);
	if (f->kind)
		store_bind_named_text(s, ":kind", f->kind);
	if (f->status)
		store_bind_named_text(s, ":status", f->status);
	store_bind_named_int(s, ":exposure", f->exposure_id);
	store_bind_named_int(s, ":since", f->since);
	store_bind_named_int(s, ":until", f->until);
	store_bind_named_int(s, ":before", f->before_id);
	store_bind_named_int(s, ":limit", f->limit);
	store_bind_named_int(s, ":id", f->id);
	if (f->phone)
		store_bind_named_text(s, ":phone", f->phone);
	if (f->phone_tail)
		store_bind_named_text(s, ":ptail", f->phone_tail);
	store_bind_named_text(s, ":buscc", f->business_uscc);
	store_bind_named_text(s, ":bname", f->business_name);

	int r = store_step_rows(st, s, visit_intake, STORE_VISIT(cb, ud), err, "intake");
	store_stmt_free(s);
	store_text_free(&tx);
	return r;
}

int store_intake_by_platform_no(struct store *st, const char *no, int64_t *id, struct zs_error *err)
{
	*id = 0;
	static const char sql[] = "SELECT id FROM intake WHERE platform_no = ?1 AND platform_no <> '' LIMIT 1";
	int r = store_one(st, sql, VALS(V_TEXT(no)), store_read_int64, id, err, "intake");
	return r == ZS_ENOTFOUND ? ZS_OK : r;
}

int store_intake_same(struct store *st, enum store_same key, const char *value, int64_t since, int64_t until,
		      int limit, store_intake_cb cb, void *ud, struct zs_error *err)
{
	/* One statement per column: a column's name cannot be bound. */
#define SAME_SQL(col) "SELECT " INTAKE_COLS "FROM intake i" INTAKE_JOINS \
	"WHERE i." col " = ?1 AND i." col " <> '' AND i.received_at >= ?2 AND i.received_at <= ?3 " \
	"ORDER BY i.received_at DESC LIMIT ?4"
	static const char *const sql[] = {
		[SAME_PHONE] = SAME_SQL("phone"), [SAME_SUBJECT] = SAME_SQL("subject"), [SAME_USCC] = SAME_SQL("uscc"),
	};
#undef SAME_SQL
	return store_each(st, sql[key], VALS(V_TEXT(value), V_INT(since), V_INT(until), V_INT(limit)), visit_intake,
			  STORE_VISIT(cb, ud), err, "intake");
}

/* Whether an intake is linked to an exposure, as 1 or 0: a CASE, since
 * PostgreSQL's "exposure_id IS NOT NULL" is a boolean, which the store does
 * not read as an integer.  Still within intake_board (covering). */
#define LINKED "CASE WHEN exposure_id IS NULL THEN 0 ELSE 1 END"

/* Counted here rather than with GROUP BY on SQLite: it would sort the
 * night's rows in a temporary B-tree, which costs three times the index
 * scan.  The distinct (channel, kind, status, linked) groups are few; a
 * small hash table of them is enough.  A server groups them itself (a hash
 * aggregate): sending the night's rows one by one cost PostgreSQL more
 * than counting them (16 ms against 5 at 31,910 rows, tests/bench); its
 * rows then carry their count (column 4). */
#define GROUP_SLOTS 1024

struct group {
	uint32_t hash;
	bool used, linked;
	char channel[24], kind[16], status[16];
	int64_t n;
};

static uint32_t fnv(uint32_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h ^ 0xff) * 16777619u;
}

/* Adds the current row to its group (the table has GROUP_SLOTS). */
static int count_row(const struct store_row *r, void *ctx)
{
	struct group *g = ctx;
	const char *ch = store_row_text(r, 0), *kind = store_row_text(r, 1), *status = store_row_text(r, 2);
	bool linked = store_row_int(r, 3) != 0;
	int64_t n = store_row_columns(r) > 4 ? store_row_i64(r, 4) : 1;
	uint32_t h = fnv(fnv(fnv(2166136261u, ch), kind), status) ^ (linked ? 0x9e3779b9u : 0);
	for (uint32_t k = 0; k < GROUP_SLOTS; k++) {
		struct group *x = &g[(h + k) % GROUP_SLOTS];
		if (!x->used) {
			x->used = true;
			x->hash = h;
			x->linked = linked;
			snprintf(x->channel, sizeof x->channel, "%s", ch ? ch : "");
			snprintf(x->kind, sizeof x->kind, "%s", kind ? kind : "");
			snprintf(x->status, sizeof x->status, "%s", status ? status : "");
			x->n = n;
			break;
		}
		if (x->hash == h && x->linked == linked && !strcmp(x->channel, ch ? ch : "") &&
		    !strcmp(x->kind, kind ? kind : "") && !strcmp(x->status, status ? status : "")) {
			x->n += n;
			break;
		}
	}
	return ZS_OK;
}

int store_intake_count_groups(struct store *st, int64_t since, int64_t until, store_count_cb cb, void *ud,
			      struct zs_error *err)
{
	static const char sql[] =
		"SELECT channel, kind, status, " LINKED " FROM intake "
		"INDEXED BY intake_board WHERE received_at >= ?1 AND received_at < ?2";
	static const char grouped[] =
		"SELECT channel, kind, status, " LINKED ", count(*) FROM intake "
		"WHERE received_at >= ?1 AND received_at < ?2 GROUP BY channel, kind, status, " LINKED;
	struct group *g = calloc(GROUP_SLOTS, sizeof *g);
	if (!g)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	int r = store_each(st, store_on_sqlite(st) ? sql : grouped, VALS(V_INT(since), V_INT(until)), count_row, g, err,
			   "count");
	for (int k = 0; k < GROUP_SLOTS && !r; k++)
		if (g[k].used)
			r = cb(g[k].channel, g[k].kind, g[k].status, g[k].linked, g[k].n, ud);
	free(g);
	return r == ZS_STOP ? ZS_OK : r;
}

static int tally_row(const struct store_row *r, void *ctx)
{
	const struct store_visit *v = ctx;
	return ((store_tally_cb)v->fn)(store_row_text(r, 0), store_row_i64(r, 1), v->ud);
}

int store_intake_tally(struct store *st, store_tally_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT status, n FROM intake_tally";
	return store_each(st, sql, NO_VALS, tally_row, STORE_VISIT(cb, ud), err, "tally");
}

int64_t store_intake_linked_count(struct store *st, int64_t exposure_id)
{
	static const char sql[] = "SELECT count(*) FROM intake WHERE exposure_id = ?";
	int64_t n = store_count(st, sql, VALS(V_INT(exposure_id)));
	return n < 0 ? 0 : n;
}

int store_saved_draft_find(struct store *st, const char *token, int64_t *intake_id, struct zs_error *err)
{
	static const char sql[] = "SELECT intake_id FROM saved_draft WHERE token = ?";
	*intake_id = 0;
	int r = store_one(st, sql, VALS(V_TEXT(token)), store_read_int64, intake_id, err, "saved_draft");
	return r == ZS_ENOTFOUND ? ZS_OK : r;
}

int store_saved_draft_insert(struct store *st, const char *token, int64_t intake_id, struct zs_error *err)
{
	static const char sql[] = "INSERT INTO saved_draft(token, intake_id) VALUES (?, ?)";
	return store_run(st, sql, VALS(V_TEXT(token), V_INT(intake_id)), err, "saved_draft");
}

/* ---- the board's counters, kept from what changed (core's board_tally) ---- */

static int group_row(const struct store_row *r, void *ctx)
{
	const struct store_visit *v = ctx;
	struct intake_group_row g = {
		.id = store_row_i64(r, 0), .received_at = store_row_i64(r, 1), .channel = store_row_text(r, 2),
		.kind = store_row_text(r, 3), .status = store_row_text(r, 4), .linked = store_row_int(r, 5) != 0,
	};
	if (!g.channel || !g.kind || !g.status)
		return ZS_EFAIL;
	return ((store_group_cb)v->fn)(&g, v->ud);
}

int store_intake_groups_each(struct store *st, int64_t since, int64_t until, int64_t after_id, int64_t only_id,
			     store_group_cb cb, void *ud, struct zs_error *err)
{
	static const char by_time[] = "SELECT id, received_at, channel, kind, status, " LINKED " "
				      "FROM intake INDEXED BY intake_board WHERE received_at >= ?1 AND received_at < ?2";
	static const char by_id[] = "SELECT id, received_at, channel, kind, status, " LINKED " "
				    "FROM intake WHERE id > ?1 ORDER BY id";
	static const char one[] = "SELECT id, received_at, channel, kind, status, " LINKED " "
				  "FROM intake WHERE id = ?1";
	if (only_id > 0)
		return store_each(st, one, VALS(V_INT(only_id)), group_row, STORE_VISIT(cb, ud), err, "intake");
	if (since || until)
		return store_each(st, by_time, VALS(V_INT(since), V_INT(until)), group_row, STORE_VISIT(cb, ud), err,
				  "intake");
	return store_each(st, by_id, VALS(V_INT(after_id)), group_row, STORE_VISIT(cb, ud), err, "intake");
}

int64_t store_intake_first_after(struct store *st, int64_t t)
{
	int64_t n = store_count(st, "SELECT COALESCE(MIN(received_at), -1) FROM intake INDEXED BY intake_board "
				    "WHERE received_at > ?1", VALS(V_INT(t)));
	return n < 0 ? INT64_MAX : n;
}

int64_t store_intake_last_id(struct store *st)
{
	int64_t n = store_count(st, "SELECT COALESCE(MAX(id), 0) FROM intake", NO_VALS);
	return n < 0 ? 0 : n;
}

int64_t store_audit_last_id(struct store *st)
{
	int64_t n = store_count(st, "SELECT COALESCE(MAX(id), 0) FROM audit", NO_VALS);
	return n < 0 ? 0 : n;
}

static int changed_row(const struct store_row *r, void *ctx)
{
	const struct store_visit *v = ctx;
	return ((store_changed_cb)v->fn)(store_row_i64(r, 0), store_row_i64(r, 1), v->ud);
}

int store_intake_changed_each(struct store *st, int64_t after_id, store_changed_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT id, entity_id FROM audit WHERE id > ?1 AND entity = 'intake' "
				  "AND action = 'update' AND entity_id > 0 ORDER BY id";
	return store_each(st, sql, VALS(V_INT(after_id)), changed_row, STORE_VISIT(cb, ud), err, "audit");
}
