/* Shift handovers. */
#include <jansson.h>
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
	/* No limit is the greatest one: PostgreSQL refuses SQLite's LIMIT -1. */
	return store_each(st, sql, VALS(V_INT(limit > 0 ? limit : INT64_MAX)), visit_handover, STORE_VISIT(cb, ud),
			  err, "handover");
}

struct status_since {
	const char *status;
	int64_t at;   /* 0 until found */
};

/* An audit row (at, after): the first whose after is a JSON object with
 * this status (a string) stops the read. */
static int status_row(const struct store_row *r, void *ctx)
{
	struct status_since *s = ctx;
	const char *after = store_row_text(r, 1);
	json_t *j = after ? json_loads(after, 0, NULL) : NULL;
	const char *v = json_string_value(json_object_get(j, "status"));
	bool found = v && !strcmp(v, s->status);
	json_decref(j);
	if (!found)
		return ZS_OK;
	s->at = store_row_i64(r, 0);
	return ZS_STOP;
}

int64_t store_intake_status_since(struct store *st, int64_t intake_id, const char *status)
{
	/* The audit keeps every change with its fields as JSON; the first row
	 * that set this status is when it began.  The JSON is read here, not
	 * by SQLite's json_valid/json_extract (PostgreSQL has neither); the
	 * rows are the intake's own in id order, as audit_entity has them. */
	static const char sql[] =
		"SELECT at, after FROM audit WHERE entity = 'intake' AND entity_id = ?1 ORDER BY id";
	struct status_since s = { status ? status : "", 0 };
	if (store_each(st, sql, VALS(V_INT(intake_id)), status_row, &s, NULL, "audit"))
		s.at = 0;
	return s.at;
}
