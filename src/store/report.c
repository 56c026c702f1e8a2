/* The statistics report (活动情况统计表): the counts its computed rows read
 * and the hand-entered values of the other rows (table report_value).
 *
 * Intake reads cover the night's slice of intake_board (received_at is its
 * first column), so their cost follows the slice, not the database; the
 * rules that turn these groups into rows live in src/report/report.c. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

int store_report_handling_groups(struct store *st, int64_t since, int64_t until, store_handling_cb cb, void *ud,
				 struct zs_error *err)
{
	/* handling and recovered_fen are not in the covering index: the range
	 * on its received_at prefix picks the rows, the table gives the rest. */
	static const char sql[] =
		"SELECT handling, status, count(*), coalesce(sum(recovered_fen), 0) "
		"FROM intake INDEXED BY intake_board WHERE received_at >= ?1 AND received_at < ?2 "
		"GROUP BY handling, status";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, until);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(s, 0), *status = sqlite3_column_text(s, 1);
		r = cb(h ? (const char *)h : "", status ? (const char *)status : "", sqlite3_column_int64(s, 2),
		       sqlite3_column_int64(s, 3), ud);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "report");
	sqlite3_reset(s);
	return r;
}

int store_report_action_sums(struct store *st, int64_t since, int64_t until, store_action_sum_cb cb, void *ud,
			     struct zs_error *err)
{
	/* A night has tens of actions: no index on `at` is needed. */
	static const char sql[] =
		"SELECT kind, coalesce(sum(count), 0) FROM exposure_action "
		"WHERE at >= ?1 AND at < ?2 GROUP BY kind";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, until);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(s, 0);
		r = cb(k ? (const char *)k : "", sqlite3_column_int64(s, 1), ud);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "report");
	sqlite3_reset(s);
	return r;
}

int store_report_exposures_aired(struct store *st, int64_t since, int64_t until, int64_t *n, struct zs_error *err)
{
	static const char sql[] = "SELECT count(*) FROM exposure WHERE aired_at >= ?1 AND aired_at < ?2";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, until);
	int rc = sqlite3_step(s);
	int r = ZS_OK;
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else
		r = store_sqlerr(st, err, "report");
	sqlite3_reset(s);
	return r;
}

int store_report_value_each(struct store *st, const char *tmpl, int year, store_report_value_cb cb, void *ud,
			    struct zs_error *err)
{
	static const char sql[] =
		"SELECT row_key, value, set_at, set_by FROM report_value WHERE template = ?1 AND year = ?2";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, tmpl);
	sqlite3_bind_int(s, 2, year);
	int rc, r = ZS_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(s, 0), *v = sqlite3_column_text(s, 1),
				    *by = sqlite3_column_text(s, 3);
		r = cb(k ? (const char *)k : "", v ? (const char *)v : "", sqlite3_column_int64(s, 2),
		       by ? (const char *)by : "", ud);
		if (r)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_sqlerr(st, err, "report_value");
	sqlite3_reset(s);
	return r;
}

int store_report_value_get(struct store *st, const char *tmpl, int year, const char *row_key, char **value,
			   struct zs_error *err)
{
	static const char sql[] =
		"SELECT value FROM report_value WHERE template = ?1 AND year = ?2 AND row_key = ?3";
	*value = NULL;
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, tmpl);
	sqlite3_bind_int(s, 2, year);
	store_bind_text(s, 3, row_key);
	int rc = sqlite3_step(s), r = ZS_OK;
	if (rc == SQLITE_ROW) {
		*value = store_col_text(s, 0);
		if (!*value)
			r = zs_fail(err, ZS_EFAIL, "out of memory");
	} else if (rc == SQLITE_DONE) {
		r = ZS_ENOTFOUND;
	} else {
		r = store_sqlerr(st, err, "report_value");
	}
	sqlite3_reset(s);
	return r;
}

int store_report_value_set(struct store *st, const char *tmpl, int year, const char *row_key, const char *value,
			   int64_t at, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO report_value(template, year, row_key, value, set_at, set_by) VALUES (?1,?2,?3,?4,?5,?6) "
		"ON CONFLICT(template, year, row_key) DO UPDATE SET value = excluded.value, "
		"set_at = excluded.set_at, set_by = excluded.set_by";
	sqlite3_stmt *s = store_prep(st, sql, err);
	if (!s)
		return ZS_EFAIL;
	store_bind_text(s, 1, tmpl);
	sqlite3_bind_int(s, 2, year);
	store_bind_text(s, 3, row_key);
	store_bind_text(s, 4, value);
	sqlite3_bind_int64(s, 5, at);
	store_bind_text(s, 6, st->user);
	return store_step_done(st, s, err, "report_value");
}
