/* Shift handovers. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define HANDOVER_COLS \
	"id, signed_at, signed_by, names, note, snapshot, coalesce(accepted_at, 0), " \
	"coalesce(accepted_by, ''), accept_names, dispute "

static void read_row(sqlite3_stmt *s, struct handover *h)
{
	memset(h, 0, sizeof *h);
	h->id = sqlite3_column_int64(s, 0);
	h->signed_at = sqlite3_column_int64(s, 1);
	h->signed_by = store_col_text(s, 2);
	h->names = store_col_text(s, 3);
	h->note = store_col_text(s, 4);
	h->snapshot = store_col_text(s, 5);
	h->accepted_at = sqlite3_column_int64(s, 6);
	h->accepted_by = store_col_text(s, 7);
	h->accept_names = store_col_text(s, 8);
	h->dispute = store_col_text(s, 9);
}

int store_handover_insert(struct store *st, struct handover *h, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO handover(signed_at, signed_by, names, note, snapshot) VALUES (?,?,?,?,?)";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, h->signed_at);
	store_bind_text(s, 2, st->user);
	store_bind_text(s, 3, h->names);
	store_bind_text(s, 4, h->note);
	store_bind_text(s, 5, h->snapshot);
	int r = store_step_done(st, s, err, "handover");
	if (!r)
		h->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int store_handover_accept(struct store *st, int64_t id, int64_t at, const char *names, const char *dispute,
			  struct zs_error *err)
{
	static const char sql[] =
		"UPDATE handover SET accepted_at = ?2, accepted_by = ?3, accept_names = ?4, dispute = ?5 "
		"WHERE id = ?1 AND accepted_at IS NULL";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	store_bind_text(s, 3, st->user);
	store_bind_text(s, 4, names);
	store_bind_text(s, 5, dispute);
	int r = store_step_done(st, s, err, "handover");
	if (!r && sqlite3_changes(st->db) == 0)
		r = ZS_ENOTFOUND;
	return r;
}

int store_handover_last(struct store *st, struct handover *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " HANDOVER_COLS "FROM handover ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	int rc = sqlite3_step(s), r = ZS_OK;
	if (rc == SQLITE_ROW)
		read_row(s, out);
	else if (rc == SQLITE_DONE)
		r = ZS_ENOTFOUND;
	else
		r = store_sqlerr(st, err, "handover");
	sqlite3_reset(s);
	return r;
}

int store_handover_each(struct store *st, int limit, store_handover_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT " HANDOVER_COLS "FROM handover ORDER BY id DESC LIMIT ?";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int(s, 1, limit > 0 ? limit : -1);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct handover h;
		read_row(s, &h);
		r = cb(&h, ud);
		handover_clear(&h);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "handover");
	sqlite3_reset(s);
	return r;
}

int64_t store_intake_status_since(struct store *st, int64_t intake_id, const char *status)
{
	/* The audit keeps every change with its fields as JSON; the first row
	 * that set this status is when it began. */
	static const char sql[] =
		"SELECT at FROM audit WHERE entity = 'intake' AND entity_id = ?1 "
		"AND json_valid(after) AND json_extract(after, '$.status') = ?2 ORDER BY id LIMIT 1";
	sqlite3_stmt *s = store_prep(st, sql, NULL);
	if (!s)
		return 0;
	sqlite3_bind_int64(s, 1, intake_id);
	store_bind_text(s, 2, status);
	int64_t at = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return at;
}
