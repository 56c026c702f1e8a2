/* Intakes: insert, update, keyset pages, counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define INTAKE_COLS \
	"i.id, i.received_at, i.channel, i.kind, i.caller, i.phone, i.subject, i.uscc, " \
	"i.category, i.summary, i.ref, i.handling, i.status, i.notes, i.created_by, " \
	"i.exposure_id, e.title, i.transfer_unit_id, u.name, i.duplicate_of, i.recovered_fen, " \
	"i.created_at, i.updated_at "
#define INTAKE_JOINS \
	" LEFT JOIN exposure e ON e.id = i.exposure_id LEFT JOIN unit u ON u.id = i.transfer_unit_id "

static void read_row(sqlite3_stmt *s, struct intake *i)
{
	memset(i, 0, sizeof *i);
	i->id = sqlite3_column_int64(s, 0);
	i->received_at = sqlite3_column_int64(s, 1);
	i->channel = store_col_text(s, 2);
	i->kind = store_col_text(s, 3);
	i->caller = store_col_text(s, 4);
	i->phone = store_col_text(s, 5);
	i->subject = store_col_text(s, 6);
	i->uscc = store_col_text(s, 7);
	i->category = store_col_text(s, 8);
	i->summary = store_col_text(s, 9);
	i->ref = store_col_text(s, 10);
	i->handling = store_col_text(s, 11);
	i->status = store_col_text(s, 12);
	i->notes = store_col_text(s, 13);
	i->created_by = store_col_text(s, 14);
	i->exposure_id = sqlite3_column_int64(s, 15);
	i->exposure_title = store_col_text(s, 16);
	i->transfer_unit_id = sqlite3_column_int64(s, 17);
	i->transfer_unit = store_col_text(s, 18);
	i->duplicate_of = sqlite3_column_int64(s, 19);
	i->recovered_fen = sqlite3_column_int64(s, 20);
	i->created_at = sqlite3_column_int64(s, 21);
	i->updated_at = sqlite3_column_int64(s, 22);
}

int store_intake_insert(struct store *st, struct intake *in, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO intake(received_at, channel, kind, caller, phone, subject, uscc, category, "
		"summary, ref, exposure_id, handling, transfer_unit_id, status, duplicate_of, "
		"recovered_fen, notes, created_at, created_by, updated_at) "
		"VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?18)";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, in->received_at);
	store_bind_text(s, 2, in->channel);
	store_bind_text(s, 3, in->kind);
	store_bind_text(s, 4, in->caller);
	store_bind_text(s, 5, in->phone);
	store_bind_text(s, 6, in->subject);
	store_bind_text(s, 7, in->uscc);
	store_bind_text(s, 8, in->category);
	store_bind_text(s, 9, in->summary);
	store_bind_text(s, 10, in->ref);
	store_bind_opt_id(s, 11, in->exposure_id);
	store_bind_text(s, 12, in->handling);
	store_bind_opt_id(s, 13, in->transfer_unit_id);
	store_bind_text(s, 14, in->status && *in->status ? in->status : "new");
	store_bind_opt_id(s, 15, in->duplicate_of);
	sqlite3_bind_int64(s, 16, in->recovered_fen);
	store_bind_text(s, 17, in->notes);
	sqlite3_bind_int64(s, 18, in->created_at);
	store_bind_text(s, 19, st->user);
	int r = store_step_done(st, s, err, "intake");
	if (!r)
		in->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int store_intake_get(struct store *st, int64_t id, struct intake *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " INTAKE_COLS "FROM intake i" INTAKE_JOINS "WHERE i.id = ?";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	int r = ZS_OK;
	if (rc == SQLITE_ROW)
		read_row(s, out);
	else if (rc == SQLITE_DONE)
		r = ZS_ENOTFOUND;
	else
		r = store_sqlerr(st, err, "intake");
	sqlite3_reset(s);
	return r;
}

int store_intake_update(struct store *st, const struct intake *in, struct zs_error *err)
{
	static const char sql[] =
		"UPDATE intake SET received_at=?2, channel=?3, kind=?4, caller=?5, phone=?6, subject=?7, "
		"uscc=?8, category=?9, summary=?10, ref=?11, exposure_id=?12, handling=?13, "
		"transfer_unit_id=?14, status=?15, duplicate_of=?16, recovered_fen=?17, notes=?18, "
		"updated_at=?19 WHERE id=?1";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, in->id);
	sqlite3_bind_int64(s, 2, in->received_at);
	store_bind_text(s, 3, in->channel);
	store_bind_text(s, 4, in->kind);
	store_bind_text(s, 5, in->caller);
	store_bind_text(s, 6, in->phone);
	store_bind_text(s, 7, in->subject);
	store_bind_text(s, 8, in->uscc);
	store_bind_text(s, 9, in->category);
	store_bind_text(s, 10, in->summary);
	store_bind_text(s, 11, in->ref);
	store_bind_opt_id(s, 12, in->exposure_id);
	store_bind_text(s, 13, in->handling);
	store_bind_opt_id(s, 14, in->transfer_unit_id);
	store_bind_text(s, 15, in->status);
	store_bind_opt_id(s, 16, in->duplicate_of);
	sqlite3_bind_int64(s, 17, in->recovered_fen);
	store_bind_text(s, 18, in->notes);
	sqlite3_bind_int64(s, 19, in->updated_at);
	return store_step_done(st, s, err, "intake");
}

static void bind_named_text(sqlite3_stmt *s, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(s, name);
	if (i > 0)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static void bind_named_int(sqlite3_stmt *s, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(s, name);
	if (i > 0)
		sqlite3_bind_int64(s, i, v);
}

/* The query is assembled from constant fragments only; every value is bound.
 * Each filter gets its own shape so SQLite can pick the matching index
 * (the partial intake_open index, intake_status, the FTS rowid order). */
int store_intake_each(struct store *st, const struct intake_filter *f, store_intake_cb cb, void *ud,
		      struct zs_error *err)
{
	char sql[2048];
	size_t n = 0;
#define ADD(frag) do { size_t l_ = strlen(frag); if (n + l_ < sizeof sql) { memcpy(sql + n, frag, l_); n += l_; } } while (0)
	const char *key = "i.id";
	if (f->fts) {
		ADD("SELECT " INTAKE_COLS "FROM intake_fts f JOIN intake i ON i.id = f.rowid" INTAKE_JOINS
		    "WHERE intake_fts MATCH :fts");
		key = "f.rowid";
	} else {
		ADD("SELECT " INTAKE_COLS "FROM intake i" INTAKE_JOINS "WHERE 1");
	}
	if (f->channel)
		ADD(" AND i.channel = :channel");
	if (f->kind)
		ADD(" AND i.kind = :kind");
	if (f->status)
		ADD(" AND i.status = :status");
	if (f->unresolved)
		ADD(" AND i.status IN ('new','accepted','transferred','handling')");
	if (f->exposure_id)
		ADD(" AND i.exposure_id = :exposure");
	if (f->since)
		ADD(" AND i.received_at >= :since");
	if (f->until)
		ADD(" AND i.received_at < :until");
	static const char *const like_frag[4] = {
		" AND (i.subject LIKE :l0 ESCAPE '\\' OR i.summary LIKE :l0 ESCAPE '\\' OR i.ref LIKE :l0 ESCAPE '\\')",
		" AND (i.subject LIKE :l1 ESCAPE '\\' OR i.summary LIKE :l1 ESCAPE '\\' OR i.ref LIKE :l1 ESCAPE '\\')",
		" AND (i.subject LIKE :l2 ESCAPE '\\' OR i.summary LIKE :l2 ESCAPE '\\' OR i.ref LIKE :l2 ESCAPE '\\')",
		" AND (i.subject LIKE :l3 ESCAPE '\\' OR i.summary LIKE :l3 ESCAPE '\\' OR i.ref LIKE :l3 ESCAPE '\\')",
	};
	for (int k = 0; k < 4; k++)
		if (f->like[k])
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
	sql[n] = '\0';

	sqlite3_stmt *s = store_prep_once(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	if (f->fts)
		bind_named_text(s, ":fts", f->fts);
	if (f->channel)
		bind_named_text(s, ":channel", f->channel);
	if (f->kind)
		bind_named_text(s, ":kind", f->kind);
	if (f->status)
		bind_named_text(s, ":status", f->status);
	bind_named_int(s, ":exposure", f->exposure_id);
	bind_named_int(s, ":since", f->since);
	bind_named_int(s, ":until", f->until);
	static const char *const like_name[4] = { ":l0", ":l1", ":l2", ":l3" };
	for (int k = 0; k < 4; k++)
		if (f->like[k])
			bind_named_text(s, like_name[k], f->like[k]);
	bind_named_int(s, ":before", f->before_id);
	bind_named_int(s, ":limit", f->limit);

	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct intake i;
		read_row(s, &i);
		r = cb(&i, ud);
		intake_clear(&i);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "intake");
	sqlite3_finalize(s);
	return r;
}

static int each_stmt(struct store *st, sqlite3_stmt *s, store_intake_cb cb, void *ud, struct zs_error *err)
{
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct intake i;
		read_row(s, &i);
		r = cb(&i, ud);
		intake_clear(&i);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "intake");
	sqlite3_reset(s);
	return r;
}

int store_intake_same_phone(struct store *st, const char *phone, int64_t since, int64_t until, int limit,
			    store_intake_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT " INTAKE_COLS "FROM intake i" INTAKE_JOINS
		"WHERE i.phone = ?1 AND i.phone <> '' AND i.received_at >= ?2 AND i.received_at <= ?3 "
		"ORDER BY i.received_at DESC LIMIT ?4";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, phone);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, until);
	sqlite3_bind_int(s, 4, limit);
	return each_stmt(st, s, cb, ud, err);
}

int store_intake_same_subject(struct store *st, const char *subject, int64_t since, int64_t until,
			      int limit, store_intake_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT " INTAKE_COLS "FROM intake i" INTAKE_JOINS
		"WHERE i.subject = ?1 AND i.subject <> '' AND i.received_at >= ?2 AND i.received_at <= ?3 "
		"ORDER BY i.received_at DESC LIMIT ?4";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, subject);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, until);
	sqlite3_bind_int(s, 4, limit);
	return each_stmt(st, s, cb, ud, err);
}

int store_intake_find_ref(struct store *st, const char *channel, const char *ref, int64_t *id)
{
	static const char sql[] = "SELECT id FROM intake WHERE channel = ? AND ref = ? AND ref <> '' LIMIT 1";
	sqlite3_stmt *s = store_prep(st, sql, NULL);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, channel);
	store_bind_text(s, 2, ref);
	int r = ZS_ENOTFOUND;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		r = ZS_OK;
	}
	sqlite3_reset(s);
	return r;
}

int store_intake_count_groups(struct store *st, int64_t since, int64_t until, store_count_cb cb, void *ud,
			      struct zs_error *err)
{
	static const char sql[] =
		"SELECT channel, kind, status, exposure_id IS NOT NULL, count(*) FROM intake "
		"INDEXED BY intake_board WHERE received_at >= ?1 AND received_at < ?2 "
		"GROUP BY channel, kind, status, exposure_id IS NOT NULL";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, until);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r = cb((const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
		       (const char *)sqlite3_column_text(s, 2), sqlite3_column_int(s, 3) != 0,
		       sqlite3_column_int64(s, 4), ud);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "count");
	sqlite3_reset(s);
	return r;
}

int store_intake_tally(struct store *st, store_tally_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] = "SELECT status, n FROM intake_tally";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r = cb((const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1), ud);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "tally");
	sqlite3_reset(s);
	return r;
}

int64_t store_intake_linked_count(struct store *st, int64_t exposure_id)
{
	static const char sql[] = "SELECT count(*) FROM intake WHERE exposure_id = ?";
	sqlite3_stmt *s = store_prep(st, sql, NULL);
	if (!s)
		return 0;
	sqlite3_bind_int64(s, 1, exposure_id);
	int64_t n = 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n;
}
