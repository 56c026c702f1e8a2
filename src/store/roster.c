/* Units, galas and the duty roster. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

int store_unit_find(struct store *st, const char *name, int64_t *id)
{
	static const char sql[] = "SELECT id FROM unit WHERE name = ?";
	sqlite3_stmt *s = store_prep(st, sql, NULL);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, name);
	int r = ZS_ENOTFOUND;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		r = ZS_OK;
	}
	sqlite3_reset(s);
	return r;
}

int store_unit_insert(struct store *st, const char *name, const char *kind, int64_t *id,
		      struct zs_error *err)
{
	static const char sql[] = "INSERT INTO unit(name, kind) VALUES (?, ?)";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, kind && *kind ? kind : "科室");
	int r = store_step_done(st, s, err, "unit");
	if (!r)
		*id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int store_unit_each(struct store *st, store_unit_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT id, name, kind FROM unit ORDER BY id";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct unit u = { sqlite3_column_int64(s, 0), store_col_text(s, 1), store_col_text(s, 2) };
		r = cb(&u, ud);
		unit_clear(&u);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "unit");
	sqlite3_reset(s);
	return r;
}

char *store_unit_name(struct store *st, int64_t id)
{
	static const char sql[] = "SELECT name FROM unit WHERE id = ?";
	sqlite3_stmt *s = store_prep(st, sql, NULL);
	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	char *v = NULL;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = store_col_text(s, 0);
	sqlite3_reset(s);
	return v;
}

int store_gala_insert(struct store *st, struct gala *g, struct zs_error *err)
{
	static const char sql[] = "INSERT INTO gala(name, starts_at, ends_at) VALUES (?,?,?)";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, g->name);
	sqlite3_bind_int64(s, 2, g->starts_at);
	sqlite3_bind_int64(s, 3, g->ends_at);
	int r = store_step_done(st, s, err, "gala");
	if (!r)
		g->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int store_gala_each(struct store *st, store_gala_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT id, name, starts_at, ends_at FROM gala ORDER BY starts_at";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct gala g = { sqlite3_column_int64(s, 0), store_col_text(s, 1),
				  sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3) };
		r = cb(&g, ud);
		gala_clear(&g);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "gala");
	sqlite3_reset(s);
	return r;
}

int store_roster_upsert(struct store *st, struct roster_entry *r, bool *replaced, struct zs_error *err)
{
	static const char find_sql[] =
		"SELECT id FROM roster WHERE duty_date = ? AND unit_id = ? AND name = ?";
	static const char ins_sql[] =
		"INSERT INTO roster(duty_date, unit_id, name, title, landline, mobile, shift_start, shift_end, is_leader) "
		"VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) "
		"ON CONFLICT(duty_date, unit_id, name) DO UPDATE SET title=?4, landline=?5, mobile=?6, "
		"shift_start=?7, shift_end=?8, is_leader=?9";
	sqlite3_stmt *s = store_prep(st, find_sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, r->duty_date);
	sqlite3_bind_int64(s, 2, r->unit_id);
	store_bind_text(s, 3, r->name);
	int64_t old = 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		old = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);

	s = store_prep(st, ins_sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, r->duty_date);
	sqlite3_bind_int64(s, 2, r->unit_id);
	store_bind_text(s, 3, r->name);
	store_bind_text(s, 4, r->title);
	store_bind_text(s, 5, r->landline);
	store_bind_text(s, 6, r->mobile);
	sqlite3_bind_int64(s, 7, r->shift_start);
	sqlite3_bind_int64(s, 8, r->shift_end);
	sqlite3_bind_int(s, 9, r->is_leader ? 1 : 0);
	int rc = store_step_done(st, s, err, "roster");
	if (rc)
		return rc;
	r->id = old ? old : sqlite3_last_insert_rowid(st->db);
	if (replaced)
		*replaced = old != 0;
	return ZS_OK;
}

int store_roster_each(struct store *st, const char *date, int64_t at, store_roster_cb cb, void *ud,
		      struct zs_error *err)
{
	static const char sql[] =
		"SELECT r.id, r.duty_date, r.unit_id, u.name, r.name, r.title, r.landline, r.mobile, "
		"r.shift_start, r.shift_end, r.is_leader FROM roster r JOIN unit u ON u.id = r.unit_id "
		"WHERE (?1 IS NULL OR r.duty_date = ?1) AND (?2 = 0 OR (r.shift_start <= ?2 AND r.shift_end > ?2)) "
		"ORDER BY r.duty_date, u.id, r.is_leader DESC, r.shift_start, r.id";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	if (date)
		store_bind_text(s, 1, date);
	sqlite3_bind_int64(s, 2, at);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct roster_entry e = {
			.id = sqlite3_column_int64(s, 0), .duty_date = store_col_text(s, 1),
			.unit_id = sqlite3_column_int64(s, 2), .unit = store_col_text(s, 3),
			.name = store_col_text(s, 4), .title = store_col_text(s, 5),
			.landline = store_col_text(s, 6), .mobile = store_col_text(s, 7),
			.shift_start = sqlite3_column_int64(s, 8), .shift_end = sqlite3_column_int64(s, 9),
			.is_leader = sqlite3_column_int(s, 10) != 0,
		};
		r = cb(&e, ud);
		roster_entry_clear(&e);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "roster");
	sqlite3_reset(s);
	return r;
}
