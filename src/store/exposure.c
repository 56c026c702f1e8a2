/* Exposures, their actions and their leaders' instructions. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define EXPOSURE_COLS \
	"x.id, x.aired_at, x.title, x.industry, x.companies, x.keywords, x.local, x.assist_units, " \
	"x.lead_unit_id, u.name, x.level, x.status, x.deadline, x.created_at, x.updated_at, " \
	"x.created_by, (SELECT count(*) FROM intake i WHERE i.exposure_id = x.id) "

static void read_row(sqlite3_stmt *s, struct exposure *e)
{
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(s, 0);
	e->aired_at = sqlite3_column_int64(s, 1);
	e->title = store_col_text(s, 2);
	e->industry = store_col_text(s, 3);
	e->companies = store_col_text(s, 4);
	e->keywords = store_col_text(s, 5);
	e->local = store_col_text(s, 6);
	e->assist_units = store_col_text(s, 7);
	e->lead_unit_id = sqlite3_column_int64(s, 8);
	e->lead_unit = store_col_text(s, 9);
	e->level = sqlite3_column_int(s, 10);
	e->status = store_col_text(s, 11);
	e->deadline = sqlite3_column_int64(s, 12);
	e->created_at = sqlite3_column_int64(s, 13);
	e->updated_at = sqlite3_column_int64(s, 14);
	e->created_by = store_col_text(s, 15);
	e->linked = sqlite3_column_int64(s, 16);
}

int store_exposure_insert(struct store *st, struct exposure *e, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO exposure(aired_at, title, industry, companies, keywords, local, lead_unit_id, "
		"assist_units, level, status, deadline, created_at, created_by, updated_at) "
		"VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?12)";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, e->aired_at);
	store_bind_text(s, 2, e->title);
	store_bind_text(s, 3, e->industry);
	store_bind_text(s, 4, e->companies);
	store_bind_text(s, 5, e->keywords);
	store_bind_text(s, 6, e->local && *e->local ? e->local : "unknown");
	store_bind_opt_id(s, 7, e->lead_unit_id);
	store_bind_text(s, 8, e->assist_units);
	sqlite3_bind_int(s, 9, e->level ? e->level : 4);
	store_bind_text(s, 10, e->status && *e->status ? e->status : "aired");
	sqlite3_bind_int64(s, 11, e->deadline);
	sqlite3_bind_int64(s, 12, e->created_at);
	store_bind_text(s, 13, st->user);
	int r = store_step_done(st, s, err, "exposure");
	if (!r)
		e->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int store_exposure_get(struct store *st, int64_t id, struct exposure *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " EXPOSURE_COLS
		"FROM exposure x LEFT JOIN unit u ON u.id = x.lead_unit_id WHERE x.id = ?";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s), r = ZS_OK;
	if (rc == SQLITE_ROW)
		read_row(s, out);
	else if (rc == SQLITE_DONE)
		r = ZS_ENOTFOUND;
	else
		r = store_sqlerr(st, err, "exposure");
	sqlite3_reset(s);
	return r;
}

int store_exposure_update(struct store *st, const struct exposure *e, struct zs_error *err)
{
	static const char sql[] =
		"UPDATE exposure SET aired_at=?2, title=?3, industry=?4, companies=?5, keywords=?6, "
		"local=?7, lead_unit_id=?8, assist_units=?9, level=?10, status=?11, deadline=?12, "
		"updated_at=?13 WHERE id=?1";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, e->id);
	sqlite3_bind_int64(s, 2, e->aired_at);
	store_bind_text(s, 3, e->title);
	store_bind_text(s, 4, e->industry);
	store_bind_text(s, 5, e->companies);
	store_bind_text(s, 6, e->keywords);
	store_bind_text(s, 7, e->local);
	store_bind_opt_id(s, 8, e->lead_unit_id);
	store_bind_text(s, 9, e->assist_units);
	sqlite3_bind_int(s, 10, e->level);
	store_bind_text(s, 11, e->status);
	sqlite3_bind_int64(s, 12, e->deadline);
	sqlite3_bind_int64(s, 13, e->updated_at);
	return store_step_done(st, s, err, "exposure");
}

int store_exposure_each(struct store *st, bool open_only, const char *fts, const char *like,
			store_exposure_cb cb, void *ud, struct zs_error *err)
{
	static const char sql_all[] = "SELECT " EXPOSURE_COLS
		"FROM exposure x LEFT JOIN unit u ON u.id = x.lead_unit_id "
		"WHERE (?1 = 0 OR x.status NOT IN " STORE_SQL_EXPOSURE_CLOSED ") "
		"ORDER BY x.level, x.deadline, x.id";
	static const char sql_fts[] = "SELECT " EXPOSURE_COLS
		"FROM exposure_fts f JOIN exposure x ON x.id = f.rowid LEFT JOIN unit u ON u.id = x.lead_unit_id "
		"WHERE exposure_fts MATCH ?2 AND (?1 = 0 OR x.status NOT IN " STORE_SQL_EXPOSURE_CLOSED ") "
		"ORDER BY x.level, x.deadline, x.id";
	static const char sql_like[] = "SELECT " EXPOSURE_COLS
		"FROM exposure x LEFT JOIN unit u ON u.id = x.lead_unit_id "
		"WHERE (?1 = 0 OR x.status NOT IN " STORE_SQL_EXPOSURE_CLOSED ") AND "
		"(x.title LIKE ?2 ESCAPE '\\' OR x.industry LIKE ?2 ESCAPE '\\' OR x.companies LIKE ?2 ESCAPE '\\' "
		"OR x.keywords LIKE ?2 ESCAPE '\\') "
		"ORDER BY x.level, x.deadline, x.id";
	sqlite3_stmt *s = store_prep(st, fts ? sql_fts : like ? sql_like : sql_all, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int(s, 1, open_only ? 1 : 0);
	if (fts)
		store_bind_text(s, 2, fts);
	else if (like)
		store_bind_text(s, 2, like);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct exposure e;
		read_row(s, &e);
		r = cb(&e, ud);
		exposure_clear(&e);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "exposure");
	sqlite3_reset(s);
	return r;
}

int store_action_insert(struct store *st, struct exposure_action *a, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO exposure_action(exposure_id, at, kind, count, note, by_user) VALUES (?,?,?,?,?,?)";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, a->exposure_id);
	sqlite3_bind_int64(s, 2, a->at);
	store_bind_text(s, 3, a->kind);
	sqlite3_bind_int64(s, 4, a->count);
	store_bind_text(s, 5, a->note);
	store_bind_text(s, 6, st->user);
	int r = store_step_done(st, s, err, "action");
	if (!r)
		a->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int store_action_each(struct store *st, int64_t exposure_id, store_action_cb cb, void *ud,
		      struct zs_error *err)
{
	static const char sql[] =
		"SELECT id, exposure_id, at, kind, count, note, by_user FROM exposure_action "
		"WHERE exposure_id = ? ORDER BY at, id";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, exposure_id);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct exposure_action a = {
			.id = sqlite3_column_int64(s, 0), .exposure_id = sqlite3_column_int64(s, 1),
			.at = sqlite3_column_int64(s, 2), .kind = store_col_text(s, 3),
			.count = sqlite3_column_int64(s, 4), .note = store_col_text(s, 5),
			.by_user = store_col_text(s, 6),
		};
		r = cb(&a, ud);
		exposure_action_clear(&a);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "action");
	sqlite3_reset(s);
	return r;
}

int store_instruction_insert(struct store *st, struct exposure_instruction *a, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO exposure_instruction(exposure_id, at, text, by_user) VALUES (?,?,?,?)";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, a->exposure_id);
	sqlite3_bind_int64(s, 2, a->at);
	store_bind_text(s, 3, a->text);
	store_bind_text(s, 4, st->user);
	int r = store_step_done(st, s, err, "instruction");
	if (!r)
		a->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int store_instruction_each(struct store *st, int64_t exposure_id, store_instruction_cb cb, void *ud,
			   struct zs_error *err)
{
	static const char sql[] =
		"SELECT id, exposure_id, at, text, by_user FROM exposure_instruction "
		"WHERE exposure_id = ? ORDER BY at, id";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, exposure_id);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct exposure_instruction a = {
			.id = sqlite3_column_int64(s, 0), .exposure_id = sqlite3_column_int64(s, 1),
			.at = sqlite3_column_int64(s, 2), .text = store_col_text(s, 3),
			.by_user = store_col_text(s, 4),
		};
		r = cb(&a, ud);
		exposure_instruction_clear(&a);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "instruction");
	sqlite3_reset(s);
	return r;
}
