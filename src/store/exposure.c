/* Exposures, their actions and their leaders' instructions. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define EXPOSURE_COLS \
	"x.id, x.aired_at, x.title, x.industry, x.companies, x.keywords, x.local, x.assist_units, " \
	"x.lead_unit_id, u.name, x.level, x.status, x.deadline, x.created_at, x.updated_at, " \
	"x.created_by, (SELECT count(*) FROM intake i WHERE i.exposure_id = x.id), " \
	"x.local_count, x.local_at, x.candidates, x.local_by "

/* EXPOSURE_COLS, in order. */
#define ROW_T struct exposure
static const struct store_col exposure_cols[] = {
	COL(I64, id), COL(I64, aired_at), COL(TEXT, title), COL(TEXT, industry), COL(TEXT, companies),
	COL(TEXT, keywords), COL(TEXT, local), COL(TEXT, assist_units), COL(I64, lead_unit_id),
	COL(TEXT, lead_unit), COL(INT, level), COL(TEXT, status), COL(I64, deadline), COL(I64, created_at),
	COL(I64, updated_at), COL(TEXT, created_by), COL(I64, linked),
	COL(I64, local_count), COL(I64, local_at), COL(I64, candidates), COL(TEXT, local_by),
};
#undef ROW_T

STORE_READER(read_row, struct exposure, exposure_cols)

STORE_VISITOR(visit_exposure, struct exposure, exposure_cols, exposure_clear, store_exposure_cb)

int store_exposure_insert(struct store *st, struct exposure *e, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO exposure(aired_at, title, industry, companies, keywords, local, lead_unit_id, "
		"assist_units, level, status, deadline, created_at, created_by, updated_at) "
		"VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?12) RETURNING id";
	return store_insert(st, sql,
			    VALS(V_INT(e->aired_at), V_TEXT(e->title), V_TEXT(e->industry), V_TEXT(e->companies),
				 V_TEXT(e->keywords), V_TEXT(e->local && *e->local ? e->local : "unknown"),
				 V_ID(e->lead_unit_id), V_TEXT(e->assist_units), V_INT(e->level ? e->level : 4),
				 V_TEXT(e->status && *e->status ? e->status : "aired"), V_INT(e->deadline),
				 V_INT(e->created_at), V_TEXT(st->user)),
			    &e->id, err, "exposure");
}

int store_exposure_get(struct store *st, int64_t id, struct exposure *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " EXPOSURE_COLS
		"FROM exposure x LEFT JOIN unit u ON u.id = x.lead_unit_id WHERE x.id = ?";
	return store_one(st, sql, VALS(V_INT(id)), read_row, out, err, "exposure");
}

int store_exposure_update(struct store *st, const struct exposure *e, struct zs_error *err)
{
	static const char sql[] =
		"UPDATE exposure SET aired_at=?2, title=?3, industry=?4, companies=?5, keywords=?6, "
		"local=?7, lead_unit_id=?8, assist_units=?9, level=?10, status=?11, deadline=?12, "
		"updated_at=?13, local_count=?14, local_at=?15, local_by=?16, candidates=?17 WHERE id=?1";
	return store_run(st, sql,
			 VALS(V_INT(e->id), V_INT(e->aired_at), V_TEXT(e->title), V_TEXT(e->industry),
			      V_TEXT(e->companies), V_TEXT(e->keywords), V_TEXT(e->local), V_ID(e->lead_unit_id),
			      V_TEXT(e->assist_units), V_INT(e->level), V_TEXT(e->status), V_INT(e->deadline),
			      V_INT(e->updated_at), V_INT(e->local_count), V_INT(e->local_at),
			      V_TEXT(e->local_by ? e->local_by : ""), V_INT(e->candidates)),
			 err, "exposure");
}

int store_exposure_each(struct store *st, bool open_only, const char *const *terms,
			store_exposure_cb cb, void *ud, struct zs_error *err)
{
	struct store_text tx;
	int r = store_text_plan(st, terms, &tx, err);
	if (r)
		return r;
	struct store_sql sql = { .n = 0 };
#define ADD(frag) store_sql_add(&sql, (frag))
	ADD("SELECT " EXPOSURE_COLS);
	if (tx.match)   /* SQLite: the FTS5 table (store/textsearch.c) */
		ADD("FROM exposure_fts f JOIN exposure x ON x.id = f.rowid LEFT JOIN unit u ON u.id = x.lead_unit_id "
		    "WHERE exposure_fts MATCH :fts");
	else
		ADD("FROM exposure x LEFT JOIN unit u ON u.id = x.lead_unit_id WHERE 1 = 1");
	if (open_only)
		ADD(" AND x.status NOT IN " STORE_SQL_EXPOSURE_CLOSED);
#define LIKE_ANY(p) " AND (x.title LIKE " p " ESCAPE '\\' OR x.industry LIKE " p " ESCAPE '\\' " \
	"OR x.companies LIKE " p " ESCAPE '\\' OR x.keywords LIKE " p " ESCAPE '\\')"
	static const char *const like_frag[STORE_WORDS] = {
		STORE_WORD_FRAGS(LIKE_ANY),
	};
#undef LIKE_ANY
	for (int k = 0; k < STORE_WORDS; k++)
		if (tx.like[k])
			ADD(like_frag[k]);
	ADD(" ORDER BY x.level, x.deadline, x.id");
#undef ADD
	struct store_stmt *s = store_sql_prep(st, &sql, err);
	if (s) {
		store_text_bind(s, &tx);
		r = store_step_rows(st, s, visit_exposure, STORE_VISIT(cb, ud), err, "exposure");
		store_stmt_free(s);
	} else {
		r = ZS_EFAIL;
	}
	store_text_free(&tx);
	return r;
}

#define ROW_T struct exposure_action
static const struct store_col action_cols[] = {
	COL(I64, id), COL(I64, exposure_id), COL(I64, at), COL(TEXT, kind), COL(I64, count), COL(TEXT, note),
	COL(TEXT, by_user),
};
#undef ROW_T

STORE_VISITOR(visit_action, struct exposure_action, action_cols, exposure_action_clear, store_action_cb)

int store_action_insert(struct store *st, struct exposure_action *a, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO exposure_action(exposure_id, at, kind, count, note, by_user) VALUES (?,?,?,?,?,?) "
		"RETURNING id";
	return store_insert(st, sql,
			    VALS(V_INT(a->exposure_id), V_INT(a->at), V_TEXT(a->kind), V_INT(a->count), V_TEXT(a->note),
				 V_TEXT(st->user)),
			    &a->id, err, "action");
}

int store_action_each(struct store *st, int64_t exposure_id, store_action_cb cb, void *ud,
		      struct zs_error *err)
{
	static const char sql[] =
		"SELECT id, exposure_id, at, kind, count, note, by_user FROM exposure_action "
		"WHERE exposure_id = ? ORDER BY at, id";
	return store_each(st, sql, VALS(V_INT(exposure_id)), visit_action, STORE_VISIT(cb, ud), err, "action");
}

#define ROW_T struct exposure_instruction
static const struct store_col instruction_cols[] = {
	COL(I64, id), COL(I64, exposure_id), COL(I64, at), COL(TEXT, text), COL(TEXT, by_user),
};
#undef ROW_T

STORE_VISITOR(visit_instruction, struct exposure_instruction, instruction_cols, exposure_instruction_clear,
	      store_instruction_cb)

int store_instruction_insert(struct store *st, struct exposure_instruction *a, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO exposure_instruction(exposure_id, at, text, by_user) VALUES (?,?,?,?) RETURNING id";
	return store_insert(st, sql, VALS(V_INT(a->exposure_id), V_INT(a->at), V_TEXT(a->text), V_TEXT(st->user)),
			    &a->id, err, "instruction");
}

int store_instruction_each(struct store *st, int64_t exposure_id, store_instruction_cb cb, void *ud,
			   struct zs_error *err)
{
	static const char sql[] =
		"SELECT id, exposure_id, at, text, by_user FROM exposure_instruction "
		"WHERE exposure_id = ? ORDER BY at, id";
	return store_each(st, sql, VALS(V_INT(exposure_id)), visit_instruction, STORE_VISIT(cb, ud), err,
			  "instruction");
}
