/* Units, galas and the duty roster. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

int store_unit_find(struct store *st, const char *name, int64_t *id)
{
	static const char sql[] = "SELECT id FROM unit WHERE name = ?";
	return store_one(st, sql, VALS(V_TEXT(name)), store_read_int64, id, NULL, "unit");
}

int store_unit_insert(struct store *st, const char *name, const char *kind, int64_t *id,
		      struct zs_error *err)
{
	static const char sql[] = "INSERT INTO unit(name, kind) VALUES (?, ?) RETURNING id";
	return store_insert(st, sql, VALS(V_TEXT(name), V_TEXT(kind && *kind ? kind : "科室")), id, err, "unit");
}

#define ROW_T struct unit
static const struct store_col unit_cols[] = {
	COL(I64, id), COL(TEXT, name), COL(TEXT, kind),
};
#undef ROW_T

STORE_VISITOR(visit_unit, struct unit, unit_cols, unit_clear, store_unit_cb)

int store_unit_each(struct store *st, store_unit_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT id, name, kind FROM unit ORDER BY id";
	return store_each(st, sql, NO_VALS, visit_unit, STORE_VISIT(cb, ud), err, "unit");
}

char *store_unit_name(struct store *st, int64_t id)
{
	static const char sql[] = "SELECT name FROM unit WHERE id = ?";
	char *v = NULL;
	store_one(st, sql, VALS(V_INT(id)), store_read_text, &v, NULL, "unit");
	return v;
}

int store_gala_insert(struct store *st, struct gala *g, struct zs_error *err)
{
	static const char sql[] = "INSERT INTO gala(name, starts_at, ends_at) VALUES (?,?,?) RETURNING id";
	return store_insert(st, sql, VALS(V_TEXT(g->name), V_INT(g->starts_at), V_INT(g->ends_at)), &g->id, err,
			    "gala");
}

#define ROW_T struct gala
static const struct store_col gala_cols[] = {
	COL(I64, id), COL(TEXT, name), COL(I64, starts_at), COL(I64, ends_at),
};
#undef ROW_T

STORE_VISITOR(visit_gala, struct gala, gala_cols, gala_clear, store_gala_cb)

int store_gala_each(struct store *st, store_gala_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT id, name, starts_at, ends_at FROM gala ORDER BY starts_at";
	return store_each(st, sql, NO_VALS, visit_gala, STORE_VISIT(cb, ud), err, "gala");
}

int store_roster_upsert(struct store *st, struct roster_entry *r, bool *replaced, struct zs_error *err)
{
	static const char find_sql[] =
		"SELECT id FROM roster WHERE duty_date = ? AND unit_id = ? AND name = ?";
	static const char ins_sql[] =
		"INSERT INTO roster(duty_date, unit_id, name, title, landline, mobile, shift_start, shift_end, is_leader) "
		"VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) "
		"ON CONFLICT(duty_date, unit_id, name) DO UPDATE SET title=?4, landline=?5, mobile=?6, "
		"shift_start=?7, shift_end=?8, is_leader=?9 RETURNING id";
	/* find_sql takes the first three. */
	const struct store_val v[] = {
		V_TEXT(r->duty_date), V_INT(r->unit_id), V_TEXT(r->name), V_TEXT(r->title), V_TEXT(r->landline),
		V_TEXT(r->mobile), V_INT(r->shift_start), V_INT(r->shift_end), V_INT(r->is_leader ? 1 : 0),
	};
	/* Not found (or not readable): a new entry, as far as *replaced says. */
	int64_t old = 0, id = 0;
	store_one(st, find_sql, v, 3, store_read_int64, &old, NULL, "roster");
	int rc = store_insert(st, ins_sql, v, 9, &id, err, "roster");
	if (rc)
		return rc;
	r->id = old ? old : id;
	if (replaced)
		*replaced = old != 0;
	return ZS_OK;
}

#define ROW_T struct roster_entry
static const struct store_col roster_cols[] = {
	COL(I64, id), COL(TEXT, duty_date), COL(I64, unit_id), COL(TEXT, unit), COL(TEXT, name),
	COL(TEXT, title), COL(TEXT, landline), COL(TEXT, mobile), COL(I64, shift_start), COL(I64, shift_end),
	COL(BOOL, is_leader),
};
#undef ROW_T

STORE_VISITOR(visit_roster, struct roster_entry, roster_cols, roster_entry_clear, store_roster_cb)

int store_roster_each(struct store *st, const char *date, int64_t at, store_roster_cb cb, void *ud,
		      struct zs_error *err)
{
	/* The CAST types ?1 where PostgreSQL meets it first (IS NULL says
	 * nothing of its type). */
	static const char sql[] =
		"SELECT r.id, r.duty_date, r.unit_id, u.name, r.name, r.title, r.landline, r.mobile, "
		"r.shift_start, r.shift_end, r.is_leader FROM roster r JOIN unit u ON u.id = r.unit_id "
		"WHERE (CAST(?1 AS TEXT) IS NULL OR r.duty_date = ?1) "
		"AND (?2 = 0 OR (r.shift_start <= ?2 AND r.shift_end > ?2)) "
		"ORDER BY r.duty_date, u.id, r.is_leader DESC, r.shift_start, r.id";
	return store_each(st, sql, VALS(V_NTEXT(date), V_INT(at)), visit_roster, STORE_VISIT(cb, ud), err,
			  "roster");
}
