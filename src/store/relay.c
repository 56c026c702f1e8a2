/* The relay's tables: outbox, deliveries, lease, digest marks, feed
 * quarantine and feed state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

int store_outbox_add(struct store *st, int64_t at, const char *event, int64_t exposure_id,
		     const char *dedupe, const char *payload, bool *added, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO outbox(created_at, event, exposure_id, dedupe, payload) VALUES (?,?,?,?,?) "
		"ON CONFLICT(dedupe) DO NOTHING";
	int r = store_run(st, sql,
			  VALS(V_INT(at), V_TEXT(event), V_ID(exposure_id), V_NTEXT(dedupe), V_TEXT(payload)), err,
			  "outbox");
	if (added)
		*added = !r && store_changes(st) > 0;
	return r;
}

#define ROW_T struct outbox_event
static const struct store_col event_cols[] = {
	COL(I64, id), COL(I64, created_at), COL(TEXT, event), COL(I64, exposure_id), COL(TEXT, payload),
};
#undef ROW_T

STORE_VISITOR(visit_event, struct outbox_event, event_cols, outbox_event_clear, store_outbox_cb)

int store_outbox_each_after(struct store *st, int64_t after_id, int limit, store_outbox_cb cb, void *ud,
			    struct zs_error *err)
{
	static const char sql[] =
		"SELECT id, created_at, event, exposure_id, payload FROM outbox WHERE id > ? ORDER BY id LIMIT ?";
	/* No limit is the greatest one: PostgreSQL refuses SQLite's LIMIT -1. */
	return store_each(st, sql, VALS(V_INT(after_id), V_INT(limit > 0 ? limit : INT64_MAX)), visit_event,
			  STORE_VISIT(cb, ud), err, "outbox");
}

int64_t store_outbox_last_id(struct store *st)
{
	static const char sql[] = "SELECT coalesce(max(id), 0) FROM outbox";
	return store_count(st, sql, NO_VALS);
}

int store_delivery_add(struct store *st, int64_t outbox_id, const char *robot, int64_t next_at_ms,
		       struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO delivery(outbox_id, robot, next_at_ms) VALUES (?,?,?) "
		"ON CONFLICT(outbox_id, robot) DO NOTHING";
	return store_run(st, sql, VALS(V_INT(outbox_id), V_TEXT(robot), V_INT(next_at_ms)), err, "delivery");
}

#define DELIVERY_COLS \
	"d.id, d.outbox_id, d.robot, d.state, d.attempts, d.next_at_ms, d.last_error, d.sent_at, " \
	"o.id, o.created_at, o.event, o.exposure_id, o.payload "

/* DELIVERY_COLS, in order: the delivery, then its event. */
#define ROW_T struct delivery
static const struct store_col delivery_cols[] = {
	COL(I64, id), COL(I64, outbox_id), COL(TEXT, robot), COL(TEXT, state), COL(I64, attempts),
	COL(I64, next_at_ms), COL(TEXT, last_error), COL(I64, sent_at), COL(I64, ev.id),
	COL(I64, ev.created_at), COL(TEXT, ev.event), COL(I64, ev.exposure_id), COL(TEXT, ev.payload),
};
#undef ROW_T

STORE_READER(read_delivery, struct delivery, delivery_cols)

STORE_VISITOR(visit_delivery, struct delivery, delivery_cols, delivery_clear, store_delivery_cb)

int store_delivery_next(struct store *st, const char *robot, struct delivery *out, struct zs_error *err)
{
	/* Oldest first per robot: the group reads events in the order they
	 * happened, and a message waiting on backoff holds the ones after it. */
	static const char sql[] = "SELECT " DELIVERY_COLS
		"FROM delivery d JOIN outbox o ON o.id = d.outbox_id "
		"WHERE d.robot = ? AND d.state = 'pending' ORDER BY d.id LIMIT 1";
	return store_one(st, sql, VALS(V_TEXT(robot)), read_delivery, out, err, "delivery");
}

int store_delivery_record(struct store *st, int64_t id, const char *state, int64_t attempts,
			  int64_t next_at_ms, const char *last_error, int64_t sent_at, struct zs_error *err)
{
	static const char sql[] =
		"UPDATE delivery SET state = ?2, attempts = ?3, next_at_ms = ?4, last_error = ?5, "
		"sent_at = CASE WHEN ?6 = 0 THEN sent_at ELSE ?6 END WHERE id = ?1";
	return store_run(st, sql,
			 VALS(V_INT(id), V_TEXT(state), V_INT(attempts), V_INT(next_at_ms), V_TEXT(last_error),
			      V_INT(sent_at)),
			 err, "delivery");
}

int store_delivery_each(struct store *st, bool failed_only, int64_t before_id, int limit,
			store_delivery_cb cb, void *ud, struct zs_error *err)
{
	static const char all[] = "SELECT " DELIVERY_COLS
		"FROM delivery d JOIN outbox o ON o.id = d.outbox_id "
		"WHERE d.id < ?1 ORDER BY d.id DESC LIMIT ?2";
	static const char failed[] = "SELECT " DELIVERY_COLS
		"FROM delivery d JOIN outbox o ON o.id = d.outbox_id "
		"WHERE d.state = 'failed' AND d.id < ?1 ORDER BY d.id DESC LIMIT ?2";
	/* No limit is the greatest one: PostgreSQL refuses SQLite's LIMIT -1. */
	return store_each(st, failed_only ? failed : all,
			  VALS(V_INT(before_id > 0 ? before_id : INT64_MAX), V_INT(limit > 0 ? limit : INT64_MAX)),
			  visit_delivery, STORE_VISIT(cb, ud), err, "delivery");
}

int64_t store_delivery_count(struct store *st, const char *state)
{
	static const char sql[] = "SELECT count(*) FROM delivery WHERE state = ?";
	return store_count(st, sql, VALS(V_TEXT(state)));
}

int store_delivery_retry(struct store *st, int64_t id, int64_t now_ms, int64_t *n, struct zs_error *err)
{
	static const char one[] =
		"UPDATE delivery SET state = 'pending', attempts = 0, next_at_ms = ?2 "
		"WHERE state = 'failed' AND id = ?1";
	static const char all[] =
		"UPDATE delivery SET state = 'pending', attempts = 0, next_at_ms = ?2 "
		"WHERE state = 'failed' AND ?1 = 0";
	int r = store_run(st, id ? one : all, VALS(V_INT(id), V_INT(now_ms)), err, "delivery");
	if (r)
		return r;
	*n = store_changes(st);
	return id && !*n ? ZS_ENOTFOUND : ZS_OK;
}

struct sent_times {
	int64_t *times;
	int max, *n;
};

static int sent_time_row(const struct store_row *r, void *ctx)
{
	struct sent_times *t = ctx;
	if (*t->n >= t->max)
		return ZS_STOP;
	t->times[(*t->n)++] = store_row_i64(r, 0);
	return ZS_OK;
}

int store_delivery_sent_since(struct store *st, const char *robot, int64_t since, int64_t *times, int max,
			      int *n, struct zs_error *err)
{
	static const char sql[] =
		"SELECT sent_at FROM delivery WHERE robot = ? AND state = 'sent' AND sent_at >= ? "
		"ORDER BY sent_at LIMIT ?";
	struct sent_times t = { times, max, n };
	*n = 0;
	return store_each(st, sql, VALS(V_TEXT(robot), V_INT(since), V_INT(max)), sent_time_row, &t, err,
			  "delivery");
}

static int read_lease(const struct store_row *r, void *ctx)
{
	struct relay_lease *out = ctx;
	const char *h = store_row_text(r, 0), *u = store_row_text(r, 2);
	snprintf(out->host, sizeof out->host, "%s", h ? h : "");
	out->pid = store_row_i64(r, 1);
	snprintf(out->unix_user, sizeof out->unix_user, "%s", u ? u : "");
	out->acquired_at = store_row_i64(r, 3);
	out->expires_at = store_row_i64(r, 4);
	return ZS_OK;
}

int store_lease_get(struct store *st, struct relay_lease *out, struct zs_error *err)
{
	static const char sql[] =
		"SELECT host, pid, unix_user, acquired_at, expires_at FROM relay_lease WHERE id = 1";
	memset(out, 0, sizeof *out);
	return store_one(st, sql, NO_VALS, read_lease, out, err, "relay_lease");
}

int store_lease_put(struct store *st, const struct relay_lease *l, struct zs_error *err)
{
	/* An upsert rather than INSERT OR REPLACE (SQLite only): every column
	 * is given, so the row ends the same. */
	static const char sql[] =
		"INSERT INTO relay_lease(id, host, pid, unix_user, acquired_at, expires_at) VALUES (1,?,?,?,?,?) "
		"ON CONFLICT(id) DO UPDATE SET host = excluded.host, pid = excluded.pid, "
		"unix_user = excluded.unix_user, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at";
	return store_run(st, sql,
			 VALS(V_TEXT(l->host), V_INT(l->pid), V_TEXT(l->unix_user), V_INT(l->acquired_at),
			      V_INT(l->expires_at)),
			 err, "relay_lease");
}

int store_lease_drop(struct store *st, const char *host, int64_t pid, struct zs_error *err)
{
	static const char sql[] = "DELETE FROM relay_lease WHERE id = 1 AND host = ? AND pid = ?";
	return store_run(st, sql, VALS(V_TEXT(host), V_INT(pid)), err, "relay_lease");
}

static int read_mark(const struct store_row *r, void *out)
{
	int64_t *mark = out;
	mark[0] = store_row_i64(r, 0);
	mark[1] = store_row_i64(r, 1);
	return ZS_OK;
}

int store_digest_mark_get(struct store *st, int64_t exposure_id, int64_t *linked, int64_t *at)
{
	static const char sql[] = "SELECT linked, at FROM digest_mark WHERE exposure_id = ?";
	int64_t mark[2];
	int r = store_one(st, sql, VALS(V_INT(exposure_id)), read_mark, mark, NULL, "digest_mark");
	if (!r) {
		*linked = mark[0];
		*at = mark[1];
	}
	return r;
}

int store_digest_mark_set(struct store *st, int64_t exposure_id, int64_t linked, int64_t at,
			  struct zs_error *err)
{
	/* An upsert rather than INSERT OR REPLACE (SQLite only); the same row. */
	static const char sql[] =
		"INSERT INTO digest_mark(exposure_id, linked, at) VALUES (?,?,?) "
		"ON CONFLICT(exposure_id) DO UPDATE SET linked = excluded.linked, at = excluded.at";
	return store_run(st, sql, VALS(V_INT(exposure_id), V_INT(linked), V_INT(at)), err, "digest_mark");
}

int store_quarantine_add(struct store *st, const char *feed, const char *order_no, const char *reason,
			 const char *raw, int64_t at, struct zs_error *err)
{
	/* The row's own columns are named with the table's: PostgreSQL calls
	 * a bare one in DO UPDATE ambiguous (the row's or excluded's). */
	static const char sql[] =
		"INSERT INTO feed_quarantine(feed, order_no, reason, raw, first_at, last_at) "
		"VALUES (?1,?2,?3,?4,?5,?5) ON CONFLICT(feed, raw) DO UPDATE SET "
		"seen = feed_quarantine.seen + 1, last_at = excluded.last_at, reason = excluded.reason";
	return store_run(st, sql, VALS(V_TEXT(feed), V_TEXT(order_no), V_TEXT(reason), V_TEXT(raw), V_INT(at)), err,
			 "feed_quarantine");
}

#define ROW_T struct quarantine_row
static const struct store_col quarantine_cols[] = {
	COL(I64, id), COL(TEXT, feed), COL(TEXT, order_no), COL(TEXT, reason), COL(TEXT, raw),
	COL(I64, first_at), COL(I64, last_at), COL(I64, seen),
};
#undef ROW_T

STORE_VISITOR(visit_quarantine, struct quarantine_row, quarantine_cols, quarantine_row_clear, store_quarantine_cb)

int store_quarantine_each(struct store *st, const char *feed, int64_t before_id, int limit,
			  store_quarantine_cb cb, void *ud, struct zs_error *err)
{
	/* The CAST types ?1 where PostgreSQL meets it first (IS NULL says
	 * nothing of its type); no limit is the greatest one (PostgreSQL
	 * refuses LIMIT -1). */
	static const char sql[] =
		"SELECT id, feed, order_no, reason, raw, first_at, last_at, seen FROM feed_quarantine "
		"WHERE (CAST(?1 AS TEXT) IS NULL OR feed = ?1) AND id < ?2 ORDER BY id DESC LIMIT ?3";
	return store_each(st, sql,
			  VALS(V_NTEXT(feed), V_INT(before_id > 0 ? before_id : INT64_MAX),
			       V_INT(limit > 0 ? limit : INT64_MAX)),
			  visit_quarantine, STORE_VISIT(cb, ud), err, "feed_quarantine");
}

int64_t store_quarantine_count(struct store *st)
{
	static const char sql[] = "SELECT count(*) FROM feed_quarantine";
	return store_count(st, sql, NO_VALS);
}

int store_feed_state_record(struct store *st, const char *feed, int64_t at, const char *error,
			    int64_t added, struct zs_error *err)
{
	/* feed_state.: PostgreSQL calls a bare column in DO UPDATE ambiguous.
	 * The CAST keeps ?2 one type (bigint, as last_poll) where PostgreSQL
	 * infers it: the CASE with 0 alone would make it an integer. */
	static const char sql[] =
		"INSERT INTO feed_state(feed, last_poll, last_ok, last_error, added) "
		"VALUES (?1, ?2, CASE WHEN ?3 = '' THEN CAST(?2 AS BIGINT) ELSE 0 END, ?3, ?4) "
		"ON CONFLICT(feed) DO UPDATE SET last_poll = ?2, "
		"last_ok = CASE WHEN ?3 = '' THEN ?2 ELSE feed_state.last_ok END, last_error = ?3, "
		"added = feed_state.added + ?4";
	return store_run(st, sql, VALS(V_TEXT(feed), V_INT(at), V_TEXT(error), V_INT(added)), err, "feed_state");
}
