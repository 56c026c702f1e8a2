/* The relay's tables: outbox, deliveries, lease, digest marks, feed
 * quarantine and feed state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* The one integer a static query yields (with an optional text parameter),
 * or -1. */
static int64_t scalar(struct store *st, const char *sql, const char *param)
{
	sqlite3_stmt *s = store_prep(st, sql, NULL);
	if (!s)
		return -1;
	if (param)
		store_bind_text(s, 1, param);
	int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

int store_outbox_add(struct store *st, int64_t at, const char *event, int64_t exposure_id,
		     const char *dedupe, const char *payload, bool *added, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO outbox(created_at, event, exposure_id, dedupe, payload) VALUES (?,?,?,?,?) "
		"ON CONFLICT(dedupe) DO NOTHING";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, at);
	store_bind_text(s, 2, event);
	store_bind_opt_id(s, 3, exposure_id);
	if (dedupe)
		sqlite3_bind_text(s, 4, dedupe, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 4);
	store_bind_text(s, 5, payload);
	int r = store_step_done(st, s, err, "outbox");
	if (added)
		*added = !r && sqlite3_changes(st->db) > 0;
	return r;
}

static void read_event(sqlite3_stmt *s, int c, struct outbox_event *e)
{
	e->id = sqlite3_column_int64(s, c);
	e->created_at = sqlite3_column_int64(s, c + 1);
	e->event = store_col_text(s, c + 2);
	e->exposure_id = sqlite3_column_int64(s, c + 3);
	e->payload = store_col_text(s, c + 4);
}

int store_outbox_each_after(struct store *st, int64_t after_id, int limit, store_outbox_cb cb, void *ud,
			    struct zs_error *err)
{
	static const char sql[] =
		"SELECT id, created_at, event, exposure_id, payload FROM outbox WHERE id > ? ORDER BY id LIMIT ?";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, after_id);
	sqlite3_bind_int(s, 2, limit > 0 ? limit : -1);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct outbox_event e = { 0 };
		read_event(s, 0, &e);
		r = cb(&e, ud);
		outbox_event_clear(&e);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "outbox");
	sqlite3_reset(s);
	return r;
}

int64_t store_outbox_last_id(struct store *st)
{
	static const char sql[] = "SELECT coalesce(max(id), 0) FROM outbox";
	return scalar(st, sql, NULL);
}

int store_delivery_add(struct store *st, int64_t outbox_id, const char *robot, int64_t next_at_ms,
		       struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO delivery(outbox_id, robot, next_at_ms) VALUES (?,?,?) "
		"ON CONFLICT(outbox_id, robot) DO NOTHING";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, outbox_id);
	store_bind_text(s, 2, robot);
	sqlite3_bind_int64(s, 3, next_at_ms);
	return store_step_done(st, s, err, "delivery");
}

#define DELIVERY_COLS \
	"d.id, d.outbox_id, d.robot, d.state, d.attempts, d.next_at_ms, d.last_error, d.sent_at, " \
	"o.id, o.created_at, o.event, o.exposure_id, o.payload "

static void read_delivery(sqlite3_stmt *s, struct delivery *d)
{
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(s, 0);
	d->outbox_id = sqlite3_column_int64(s, 1);
	d->robot = store_col_text(s, 2);
	d->state = store_col_text(s, 3);
	d->attempts = sqlite3_column_int64(s, 4);
	d->next_at_ms = sqlite3_column_int64(s, 5);
	d->last_error = store_col_text(s, 6);
	d->sent_at = sqlite3_column_int64(s, 7);
	read_event(s, 8, &d->ev);
}

int store_delivery_next(struct store *st, const char *robot, struct delivery *out, struct zs_error *err)
{
	/* Oldest first per robot: the group reads events in the order they
	 * happened, and a message waiting on backoff holds the ones after it. */
	static const char sql[] = "SELECT " DELIVERY_COLS
		"FROM delivery d JOIN outbox o ON o.id = d.outbox_id "
		"WHERE d.robot = ? AND d.state = 'pending' ORDER BY d.id LIMIT 1";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, robot);
	int rc = sqlite3_step(s), r = ZS_OK;
	if (rc == SQLITE_ROW)
		read_delivery(s, out);
	else if (rc == SQLITE_DONE)
		r = ZS_ENOTFOUND;
	else
		r = store_sqlerr(st, err, "delivery");
	sqlite3_reset(s);
	return r;
}

int store_delivery_record(struct store *st, int64_t id, const char *state, int64_t attempts,
			  int64_t next_at_ms, const char *last_error, int64_t sent_at, struct zs_error *err)
{
	static const char sql[] =
		"UPDATE delivery SET state = ?2, attempts = ?3, next_at_ms = ?4, last_error = ?5, "
		"sent_at = CASE WHEN ?6 = 0 THEN sent_at ELSE ?6 END WHERE id = ?1";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, state);
	sqlite3_bind_int64(s, 3, attempts);
	sqlite3_bind_int64(s, 4, next_at_ms);
	store_bind_text(s, 5, last_error);
	sqlite3_bind_int64(s, 6, sent_at);
	return store_step_done(st, s, err, "delivery");
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
	sqlite3_stmt *s = store_prep(st, failed_only ? failed : all, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(s, 2, limit > 0 ? limit : -1);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct delivery d;
		read_delivery(s, &d);
		r = cb(&d, ud);
		delivery_clear(&d);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "delivery");
	sqlite3_reset(s);
	return r;
}

int64_t store_delivery_count(struct store *st, const char *state)
{
	static const char sql[] = "SELECT count(*) FROM delivery WHERE state = ?";
	return scalar(st, sql, state);
}

int store_delivery_retry(struct store *st, int64_t id, int64_t now_ms, int64_t *n, struct zs_error *err)
{
	static const char one[] =
		"UPDATE delivery SET state = 'pending', attempts = 0, next_at_ms = ?2 "
		"WHERE state = 'failed' AND id = ?1";
	static const char all[] =
		"UPDATE delivery SET state = 'pending', attempts = 0, next_at_ms = ?2 "
		"WHERE state = 'failed' AND ?1 = 0";
	sqlite3_stmt *s = store_prep(st, id ? one : all, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now_ms);
	int r = store_step_done(st, s, err, "delivery");
	if (r)
		return r;
	*n = sqlite3_changes(st->db);
	return id && !*n ? ZS_ENOTFOUND : ZS_OK;
}

int store_delivery_sent_since(struct store *st, const char *robot, int64_t since, int64_t *times, int max,
			      int *n, struct zs_error *err)
{
	static const char sql[] =
		"SELECT sent_at FROM delivery WHERE robot = ? AND state = 'sent' AND sent_at >= ? "
		"ORDER BY sent_at LIMIT ?";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, robot);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int(s, 3, max);
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < max)
		times[(*n)++] = sqlite3_column_int64(s, 0);
	int r = rc == SQLITE_ROW || rc == SQLITE_DONE ? ZS_OK : store_sqlerr(st, err, "delivery");
	sqlite3_reset(s);
	return r;
}

int store_lease_get(struct store *st, struct relay_lease *out, struct zs_error *err)
{
	static const char sql[] =
		"SELECT host, pid, unix_user, acquired_at, expires_at FROM relay_lease WHERE id = 1";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	int rc = sqlite3_step(s), r = ZS_OK;
	memset(out, 0, sizeof *out);
	if (rc == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(s, 0), *u = sqlite3_column_text(s, 2);
		snprintf(out->host, sizeof out->host, "%s", h ? (const char *)h : "");
		out->pid = sqlite3_column_int64(s, 1);
		snprintf(out->unix_user, sizeof out->unix_user, "%s", u ? (const char *)u : "");
		out->acquired_at = sqlite3_column_int64(s, 3);
		out->expires_at = sqlite3_column_int64(s, 4);
	} else if (rc == SQLITE_DONE) {
		r = ZS_ENOTFOUND;
	} else {
		r = store_sqlerr(st, err, "relay_lease");
	}
	sqlite3_reset(s);
	return r;
}

int store_lease_put(struct store *st, const struct relay_lease *l, struct zs_error *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO relay_lease(id, host, pid, unix_user, acquired_at, expires_at) "
		"VALUES (1,?,?,?,?,?)";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, l->host);
	sqlite3_bind_int64(s, 2, l->pid);
	store_bind_text(s, 3, l->unix_user);
	sqlite3_bind_int64(s, 4, l->acquired_at);
	sqlite3_bind_int64(s, 5, l->expires_at);
	return store_step_done(st, s, err, "relay_lease");
}

int store_lease_drop(struct store *st, const char *host, int64_t pid, struct zs_error *err)
{
	static const char sql[] = "DELETE FROM relay_lease WHERE id = 1 AND host = ? AND pid = ?";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, host);
	sqlite3_bind_int64(s, 2, pid);
	return store_step_done(st, s, err, "relay_lease");
}

int store_digest_mark_get(struct store *st, int64_t exposure_id, int64_t *linked, int64_t *at)
{
	static const char sql[] = "SELECT linked, at FROM digest_mark WHERE exposure_id = ?";
	sqlite3_stmt *s = store_prep(st, sql, NULL);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, exposure_id);
	int rc = sqlite3_step(s), r = ZS_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		*linked = sqlite3_column_int64(s, 0);
		*at = sqlite3_column_int64(s, 1);
		r = ZS_OK;
	} else if (rc != SQLITE_DONE) {
		r = ZS_EFAIL;
	}
	sqlite3_reset(s);
	return r;
}

int store_digest_mark_set(struct store *st, int64_t exposure_id, int64_t linked, int64_t at,
			  struct zs_error *err)
{
	static const char sql[] = "INSERT OR REPLACE INTO digest_mark(exposure_id, linked, at) VALUES (?,?,?)";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, exposure_id);
	sqlite3_bind_int64(s, 2, linked);
	sqlite3_bind_int64(s, 3, at);
	return store_step_done(st, s, err, "digest_mark");
}

int store_quarantine_add(struct store *st, const char *feed, const char *order_no, const char *reason,
			 const char *raw, int64_t at, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO feed_quarantine(feed, order_no, reason, raw, first_at, last_at) "
		"VALUES (?1,?2,?3,?4,?5,?5) ON CONFLICT(feed, raw) DO UPDATE SET "
		"seen = seen + 1, last_at = excluded.last_at, reason = excluded.reason";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, feed);
	store_bind_text(s, 2, order_no);
	store_bind_text(s, 3, reason);
	store_bind_text(s, 4, raw);
	sqlite3_bind_int64(s, 5, at);
	return store_step_done(st, s, err, "feed_quarantine");
}

int store_quarantine_each(struct store *st, const char *feed, int64_t before_id, int limit,
			  store_quarantine_cb cb, void *ud, struct zs_error *err)
{
	static const char sql[] =
		"SELECT id, feed, order_no, reason, raw, first_at, last_at, seen FROM feed_quarantine "
		"WHERE (?1 IS NULL OR feed = ?1) AND id < ?2 ORDER BY id DESC LIMIT ?3";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	if (feed)
		sqlite3_bind_text(s, 1, feed, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 1);
	sqlite3_bind_int64(s, 2, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(s, 3, limit > 0 ? limit : -1);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct quarantine_row q = {
			.id = sqlite3_column_int64(s, 0), .feed = store_col_text(s, 1),
			.order_no = store_col_text(s, 2), .reason = store_col_text(s, 3),
			.raw = store_col_text(s, 4), .first_at = sqlite3_column_int64(s, 5),
			.last_at = sqlite3_column_int64(s, 6), .seen = sqlite3_column_int64(s, 7),
		};
		r = cb(&q, ud);
		quarantine_row_clear(&q);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "feed_quarantine");
	sqlite3_reset(s);
	return r;
}

int64_t store_quarantine_count(struct store *st)
{
	static const char sql[] = "SELECT count(*) FROM feed_quarantine";
	return scalar(st, sql, NULL);
}

int store_feed_state_record(struct store *st, const char *feed, int64_t at, const char *error,
			    int64_t added, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO feed_state(feed, last_poll, last_ok, last_error, added) "
		"VALUES (?1, ?2, CASE WHEN ?3 = '' THEN ?2 ELSE 0 END, ?3, ?4) "
		"ON CONFLICT(feed) DO UPDATE SET last_poll = ?2, "
		"last_ok = CASE WHEN ?3 = '' THEN ?2 ELSE last_ok END, last_error = ?3, added = added + ?4";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, feed);
	sqlite3_bind_int64(s, 2, at);
	store_bind_text(s, 3, error);
	sqlite3_bind_int64(s, 4, added);
	return store_step_done(st, s, err, "feed_state");
}
