/* Members: Unix users and their roles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

#define MEMBER_COLS "m.unix_user, m.name, m.role, coalesce(m.unit_id, 0), coalesce(u.name, ''), m.added_at, m.added_by "

/* MEMBER_COLS, in order. */
#define ROW_T struct member
static const struct store_col member_cols[] = {
	COL(TEXT, unix_user), COL(TEXT, name), COL(TEXT, role), COL(I64, unit_id), COL(TEXT, unit),
	COL(I64, added_at), COL(TEXT, added_by),
};
#undef ROW_T

STORE_READER(read_row, struct member, member_cols)

STORE_VISITOR(visit_member, struct member, member_cols, member_clear, store_member_cb)

int store_member_get(struct store *st, const char *unix_user, struct member *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " MEMBER_COLS
		"FROM member m LEFT JOIN unit u ON u.id = m.unit_id WHERE m.unix_user = ?";
	return store_one(st, sql, VALS(V_TEXT(unix_user)), read_row, out, err, "member");
}

int store_member_put(struct store *st, const struct member *m, bool update, struct zs_error *err)
{
	static const char ins[] =
		"INSERT INTO member(unix_user, name, role, unit_id, added_at, added_by) VALUES (?1,?2,?3,?4,?5,?6)";
	static const char upd[] =
		"UPDATE member SET name = ?2, role = ?3, unit_id = ?4 WHERE unix_user = ?1";
	const struct store_val v[] = {
		V_TEXT(m->unix_user), V_TEXT(m->name), V_TEXT(m->role), V_ID(m->unit_id),
		V_INT(st->now ? *st->now : (int64_t)time(NULL)), V_TEXT(st->user),
	};
	if (update)
		return store_none_changed(st, store_run(st, upd, v, 4, err, "member"));
	return store_run(st, ins, v, 6, err, "member");
}

int store_member_delete(struct store *st, const char *unix_user, struct zs_error *err)
{
	static const char sql[] = "DELETE FROM member WHERE unix_user = ?";
	return store_none_changed(st, store_run(st, sql, VALS(V_TEXT(unix_user)), err, "member"));
}

int store_member_each(struct store *st, store_member_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT " MEMBER_COLS
		"FROM member m LEFT JOIN unit u ON u.id = m.unit_id "
		"ORDER BY CASE m.role WHEN 'admin' THEN 0 WHEN 'leader' THEN 1 ELSE 2 END, m.unix_user";
	return store_each(st, sql, NO_VALS, visit_member, STORE_VISIT(cb, ud), err, "member");
}

int64_t store_member_count(struct store *st, const char *role)
{
	static const char sql[] = "SELECT count(*) FROM member WHERE role = ?";
	return store_count(st, sql, VALS(V_TEXT(role)));
}
