/* Shift handovers. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define HANDOVER_COLS \
	"id, signed_at, signed_by, names, note, snapshot, coalesce(accepted_at, 0), " \
	"coalesce(accepted_by, ''), accept_names, dispute "

/* HANDOVER_COLS, in order. */
#define ROW_T struct handover
static const struct store_col handover_cols[] = {
	COL(I64, id), COL(I64, signed_at), COL(TEXT, signed_by), COL(TEXT, names), COL(TEXT, note),
	COL(TEXT, snapshot), COL(I64, accepted_at), COL(TEXT, accepted_by), COL(TEXT, accept_names),
	COL(TEXT, dispute),
};
#undef ROW_T

STORE_READER(read_row, struct handover, handover_cols)

STORE_VISITOR(visit_handover, struct handover, handover_cols, handover_clear, store_handover_cb)

int store_handover_insert(struct store *st, struct handover *h, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO handover(signed_at, signed_by, names, note, snapshot) VALUES (?,?,?,?,?) RETURNING id";
	return store_insert(st, sql,
			    VALS(V_INT(h->signed_at), V_TEXT(st->user), V_TEXT(h->names), V_TEXT(h->note),
				 V_TEXT(h->snapshot)),
			    &h->id, err, "handover");
}

int store_handover_accept(struct store *st, int64_t id, int64_t at, const char *names, const char *dispute,
			  struct zs_error *err)
{
	static const char sql[] =
		"UPDATE handover SET accepted_at = ?2, accepted_by = ?3, accept_names = ?4, dispute = ?5 "
		"WHERE id = ?1 AND accepted_at IS NULL";
	int r = store_run(st, sql, VALS(V_INT(id), V_INT(at), V_TEXT(st->user), V_TEXT(names), V_TEXT(dispute)),
			  err, "handover");
	return store_none_changed(st, r);
}

int store_handover_last(struct store *st, struct handover *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " HANDOVER_COLS "FROM handover ORDER BY id DESC LIMIT 1";
	return store_one(st, sql, NO_VALS, read_row, out, err, "handover");
}

int store_handover_each(struct store *st, int limit, store_handover_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT " HANDOVER_COLS "FROM handover ORDER BY id DESC LIMIT ?";
	return store_each(st, sql, VALS(V_INT(limit > 0 ? limit : -1)), visit_handover, STORE_VISIT(cb, ud), err,
			  "handover");
}

int64_t store_intake_status_since(struct store *st, int64_t intake_id, const char *status)
{
	/* The audit keeps every change with its fields as JSON; the first row
	 * that set this status is when it began. */
	static const char sql[] =
		"SELECT at FROM audit WHERE entity = 'intake' AND entity_id = ?1 "
		"AND json_valid(after) AND json_extract(after, '$.status') = ?2 ORDER BY id LIMIT 1";
	int64_t at = 0;
	if (store_one(st, sql, VALS(V_INT(intake_id), V_TEXT(status)), store_read_int64, &at, NULL, "audit"))
		at = 0;
	return at;
}
