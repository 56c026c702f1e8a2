/* The statistics report (活动情况统计表): the counts its computed rows read
 * and the hand-entered values of the other rows (table report_value).
 *
 * Intake reads cover the night's slice of intake_board (received_at is its
 * first column), so their cost follows the slice, not the database; the
 * rules that turn these groups into rows live in src/report/report.c. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* A text column, "" for NULL. */
static const char *text0(const struct store_row *r, int i)
{
	const char *t = store_row_text(r, i);
	return t ? t : "";
}

static int handling_row(const struct store_row *r, void *ctx)
{
	const struct store_visit *v = ctx;
	return ((store_handling_cb)v->fn)(text0(r, 0), text0(r, 1), store_row_i64(r, 2), store_row_i64(r, 3),
					   v->ud);
}

int store_report_handling_groups(struct store *st, int64_t since, int64_t until, store_handling_cb cb, void *ud,
				 struct zs_error *err)
{
	/* handling and recovered_fen are not in the covering index: the range
	 * on its received_at prefix picks the rows, the table gives the rest. */
	static const char sql[] =
		"SELECT handling, status, count(*), coalesce(sum(recovered_fen), 0) "
		"FROM intake INDEXED BY intake_board WHERE received_at >= ?1 AND received_at < ?2 "
		"GROUP BY handling, status";
	return store_each(st, sql, VALS(V_INT(since), V_INT(until)), handling_row, STORE_VISIT(cb, ud), err,
			  "report");
}

static int action_sum_row(const struct store_row *r, void *ctx)
{
	const struct store_visit *v = ctx;
	return ((store_action_sum_cb)v->fn)(text0(r, 0), store_row_i64(r, 1), v->ud);
}

int store_report_action_sums(struct store *st, int64_t since, int64_t until, store_action_sum_cb cb, void *ud,
			     struct zs_error *err)
{
	/* A night has tens of actions: no index on `at` is needed. */
	static const char sql[] =
		"SELECT kind, coalesce(sum(count), 0) FROM exposure_action "
		"WHERE at >= ?1 AND at < ?2 GROUP BY kind";
	return store_each(st, sql, VALS(V_INT(since), V_INT(until)), action_sum_row, STORE_VISIT(cb, ud), err,
			  "report");
}

int store_report_exposures_aired(struct store *st, int64_t since, int64_t until, int64_t *n, struct zs_error *err)
{
	static const char sql[] = "SELECT count(*) FROM exposure WHERE aired_at >= ?1 AND aired_at < ?2";
	int r = store_one(st, sql, VALS(V_INT(since), V_INT(until)), store_read_int64, n, err, "report");
	/* count(*) always yields its row. */
	return r == ZS_ENOTFOUND ? store_sqlerr(st, err, "report") : r;
}

static int value_row(const struct store_row *r, void *ctx)
{
	const struct store_visit *v = ctx;
	return ((store_report_value_cb)v->fn)(text0(r, 0), text0(r, 1), store_row_i64(r, 2), text0(r, 3), v->ud);
}

int store_report_value_each(struct store *st, const char *tmpl, int year, store_report_value_cb cb, void *ud,
			    struct zs_error *err)
{
	static const char sql[] =
		"SELECT row_key, value, set_at, set_by FROM report_value WHERE template = ?1 AND year = ?2";
	return store_each(st, sql, VALS(V_TEXT(tmpl), V_INT(year)), value_row, STORE_VISIT(cb, ud), err,
			  "report_value");
}

int store_report_value_get(struct store *st, const char *tmpl, int year, const char *row_key, char **value,
			   struct zs_error *err)
{
	static const char sql[] =
		"SELECT value FROM report_value WHERE template = ?1 AND year = ?2 AND row_key = ?3";
	*value = NULL;
	int r = store_one(st, sql, VALS(V_TEXT(tmpl), V_INT(year), V_TEXT(row_key)), store_read_text, value, err,
			  "report_value");
	if (!r && !*value)
		r = zs_fail(err, ZS_EFAIL, "out of memory");
	return r;
}

int store_report_value_set(struct store *st, const char *tmpl, int year, const char *row_key, const char *value,
			   int64_t at, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO report_value(template, year, row_key, value, set_at, set_by) VALUES (?1,?2,?3,?4,?5,?6) "
		"ON CONFLICT(template, year, row_key) DO UPDATE SET value = excluded.value, "
		"set_at = excluded.set_at, set_by = excluded.set_by";
	return store_run(st, sql,
			 VALS(V_TEXT(tmpl), V_INT(year), V_TEXT(row_key), V_TEXT(value), V_INT(at), V_TEXT(st->user)),
			 err, "report_value");
}
