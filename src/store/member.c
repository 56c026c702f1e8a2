/* Members: Unix users and their roles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

#define MEMBER_COLS "m.unix_user, m.name, m.role, coalesce(m.unit_id, 0), coalesce(u.name, ''), m.added_at, m.added_by "

static void read_row(sqlite3_stmt *s, struct member *m)
{
	memset(m, 0, sizeof *m);
	m->unix_user = store_col_text(s, 0);
	m->name = store_col_text(s, 1);
	m->role = store_col_text(s, 2);
	m->unit_id = sqlite3_column_int64(s, 3);
	m->unit = store_col_text(s, 4);
	m->added_at = sqlite3_column_int64(s, 5);
	m->added_by = store_col_text(s, 6);
}

int store_member_get(struct store *st, const char *unix_user, struct member *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " MEMBER_COLS
		"FROM member m LEFT JOIN unit u ON u.id = m.unit_id WHERE m.unix_user = ?";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, unix_user);
	int rc = sqlite3_step(s), r = ZS_OK;
	if (rc == SQLITE_ROW)
		read_row(s, out);
	else if (rc == SQLITE_DONE)
		r = ZS_ENOTFOUND;
	else
		r = store_sqlerr(st, err, "member");
	sqlite3_reset(s);
	return r;
}

int store_member_put(struct store *st, const struct member *m, bool update, struct zs_error *err)
{
	static const char ins[] =
		"INSERT INTO member(unix_user, name, role, unit_id, added_at, added_by) VALUES (?1,?2,?3,?4,?5,?6)";
	static const char upd[] =
		"UPDATE member SET name = ?2, role = ?3, unit_id = ?4 WHERE unix_user = ?1";
	sqlite3_stmt *s = store_prep(st, update ? upd : ins, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, m->unix_user);
	store_bind_text(s, 2, m->name);
	store_bind_text(s, 3, m->role);
	store_bind_opt_id(s, 4, m->unit_id);
	if (!update) {
		sqlite3_bind_int64(s, 5, st->now ? *st->now : (int64_t)time(NULL));
		store_bind_text(s, 6, st->user);
	}
	int r = store_step_done(st, s, err, "member");
	if (!r && update && sqlite3_changes(st->db) == 0)
		r = ZS_ENOTFOUND;
	return r;
}

int store_member_delete(struct store *st, const char *unix_user, struct zs_error *err)
{
	static const char sql[] = "DELETE FROM member WHERE unix_user = ?";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, unix_user);
	int r = store_step_done(st, s, err, "member");
	if (!r && sqlite3_changes(st->db) == 0)
		r = ZS_ENOTFOUND;
	return r;
}

int store_member_each(struct store *st, store_member_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT " MEMBER_COLS
		"FROM member m LEFT JOIN unit u ON u.id = m.unit_id "
		"ORDER BY CASE m.role WHEN 'admin' THEN 0 WHEN 'leader' THEN 1 ELSE 2 END, m.unix_user";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct member m;
		read_row(s, &m);
		r = cb(&m, ud);
		member_clear(&m);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "member");
	sqlite3_reset(s);
	return r;
}

int64_t store_member_count(struct store *st, const char *role)
{
	static const char sql[] = "SELECT count(*) FROM member WHERE role = ?";
	sqlite3_stmt *s = store_prep(st, sql, NULL);
	if (!s)
		return -1;
	store_bind_text(s, 1, role);
	int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}
