/* The opinion watch's tables: opinion and opinion_note (migration 008). */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "zhishou/store_opinion.h"

#define FREE(p) do { free(p); (p) = NULL; } while (0)

void opinion_clear(struct opinion *o)
{
	FREE(o->platform); FREE(o->title); FREE(o->url); FREE(o->summary); FREE(o->level); FREE(o->status);
	FREE(o->response); FREE(o->response_by); FREE(o->exposure_title); FREE(o->created_by);
}

void opinion_note_clear(struct opinion_note *n) { FREE(n->by_user); FREE(n->text); }

/* The status that is over (已平息) and the levels' order, as core's
 * vocab_opinion_status and vocab_opinion_level have them. */
#define OPINION_COLS \
	"o.id, o.platform, o.title, o.url, o.summary, o.found_at, coalesce(o.reach, -1), o.level, o.status, " \
	"o.response, o.response_by, o.response_at, coalesce(o.exposure_id, 0), coalesce(o.intake_id, 0), " \
	"coalesce(x.title, ''), o.created_at, o.updated_at, o.created_by "
#define OPINION_FROM "FROM opinion o LEFT JOIN exposure x ON x.id = o.exposure_id "
#define OPINION_ORDER \
	"ORDER BY o.status = 'settled', CASE o.level WHEN 'major' THEN 0 WHEN 'watch' THEN 1 ELSE 2 END, " \
	"o.found_at DESC, o.id DESC"

#define ROW_T struct opinion
static const struct store_col opinion_cols[] = {
	COL(I64, id), COL(TEXT, platform), COL(TEXT, title), COL(TEXT, url), COL(TEXT, summary),
	COL(I64, found_at), COL(I64, reach), COL(TEXT, level), COL(TEXT, status), COL(TEXT, response),
	COL(TEXT, response_by), COL(I64, response_at), COL(I64, exposure_id), COL(I64, intake_id),
	COL(TEXT, exposure_title), COL(I64, created_at), COL(I64, updated_at), COL(TEXT, created_by),
};
#undef ROW_T

STORE_READER(read_opinion, struct opinion, opinion_cols)
STORE_VISITOR(visit_opinion, struct opinion, opinion_cols, opinion_clear, store_opinion_cb)

int store_opinion_insert(struct store *st, struct opinion *o, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO opinion(platform, title, url, summary, found_at, reach, level, status, response, "
		"response_by, response_at, exposure_id, intake_id, created_at, created_by, updated_at) "
		"VALUES (?1,?2,?3,?4,?5,CASE WHEN ?6 < 0 THEN NULL ELSE ?6 END,?7,?8,?9,?10,?11,?12,?13,?14,?15,?14) "
		"RETURNING id";
	return store_insert(st, sql,
			    VALS(V_TEXT(o->platform), V_TEXT(o->title), V_TEXT(o->url), V_TEXT(o->summary),
				 V_INT(o->found_at), V_INT(o->reach), V_TEXT(o->level), V_TEXT(o->status),
				 V_TEXT(o->response), V_TEXT(o->response_by), V_INT(o->response_at),
				 V_ID(o->exposure_id), V_ID(o->intake_id), V_INT(o->created_at), V_TEXT(st->user)),
			    &o->id, err, "opinion");
}

int store_opinion_update(struct store *st, const struct opinion *o, struct zs_error *err)
{
	static const char sql[] =
		"UPDATE opinion SET level=?2, status=?3, response=?4, response_by=?5, response_at=?6, "
		"exposure_id=?7, intake_id=?8, updated_at=?9 WHERE id=?1";
	int r = store_run(st, sql,
			  VALS(V_INT(o->id), V_TEXT(o->level), V_TEXT(o->status), V_TEXT(o->response),
			       V_TEXT(o->response_by), V_INT(o->response_at), V_ID(o->exposure_id),
			       V_ID(o->intake_id), V_INT(o->updated_at)),
			  err, "opinion");
	return store_none_changed(st, r);
}

int store_opinion_get(struct store *st, int64_t id, struct opinion *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " OPINION_COLS OPINION_FROM "WHERE o.id = ?";
	return store_one(st, sql, VALS(V_INT(id)), read_opinion, out, err, "opinion");
}

int store_opinion_each(struct store *st, bool open_only, int64_t exposure_id, store_opinion_cb cb, void *ud,
		       struct zs_error *err)
{
	static const char sql[] = "SELECT " OPINION_COLS OPINION_FROM
		"WHERE (?1 = 0 OR o.status <> 'settled') AND (?2 = 0 OR o.exposure_id = ?2) " OPINION_ORDER;
	return store_each(st, sql, VALS(V_INT(open_only ? 1 : 0), V_INT(exposure_id)), visit_opinion,
			  STORE_VISIT(cb, ud), err, "opinion");
}

#define ROW_T struct opinion_note
static const struct store_col note_cols[] = {
	COL(I64, id), COL(I64, opinion_id), COL(I64, at), COL(TEXT, by_user), COL(TEXT, text),
};
#undef ROW_T

STORE_VISITOR(visit_note, struct opinion_note, note_cols, opinion_note_clear, store_opinion_note_cb)

int store_opinion_note_insert(struct store *st, struct opinion_note *n, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO opinion_note(opinion_id, at, by_user, text) VALUES (?,?,?,?) RETURNING id";
	return store_insert(st, sql, VALS(V_INT(n->opinion_id), V_INT(n->at), V_TEXT(st->user), V_TEXT(n->text)),
			    &n->id, err, "opinion_note");
}

int store_opinion_note_each(struct store *st, int64_t opinion_id, store_opinion_note_cb cb, void *ud,
			    struct zs_error *err)
{
	static const char sql[] =
		"SELECT id, opinion_id, at, by_user, text FROM opinion_note WHERE opinion_id = ? ORDER BY at, id";
	return store_each(st, sql, VALS(V_INT(opinion_id)), visit_note, STORE_VISIT(cb, ud), err, "opinion_note");
}

/* Two counts of one query: the first column and the second. */
static int read_pair(const struct store_row *r, void *out)
{
	int64_t *v = out;
	v[0] = store_row_i64(r, 0);
	v[1] = store_row_i64(r, 1);
	return ZS_OK;
}

int store_opinion_tally(struct store *st, int64_t *open, int64_t *major, struct zs_error *err)
{
	/* A CASE, not sum(level = 'major'): PostgreSQL sums no boolean. */
	static const char sql[] =
		"SELECT count(*), coalesce(sum(CASE WHEN level = 'major' THEN 1 ELSE 0 END), 0) FROM opinion "
		"WHERE status <> 'settled'";
	int64_t v[2] = { 0, 0 };
	int r = store_one(st, sql, NO_VALS, read_pair, v, err, "opinion");
	*open = v[0];
	*major = v[1];
	return r;
}

int store_opinion_count(struct store *st, int64_t since, int64_t until, int64_t *total, int64_t *major,
			struct zs_error *err)
{
	/* A CASE, not sum(level = 'major'): PostgreSQL sums no boolean. */
	static const char sql[] =
		"SELECT count(*), coalesce(sum(CASE WHEN level = 'major' THEN 1 ELSE 0 END), 0) FROM opinion "
		"WHERE found_at >= ?1 AND found_at < ?2";
	int64_t v[2] = { 0, 0 };
	int r = store_one(st, sql, VALS(V_INT(since), V_INT(until)), read_pair, v, err, "opinion");
	*total = v[0];
	*major = v[1];
	return r;
}
