/* Progress reports (exposure_report): what was sent up, kept so the next
 * report numbers on and says what happened since. */
#include <stddef.h>
#include <stdlib.h>

#include "store_internal.h"
#include "zhishou/store_progress.h"

#define ROW_T struct progress_record
static const struct store_col record_cols[] = {
	COL(I64, id), COL(I64, exposure_id), COL(I64, gala_id), COL(INT, number), COL(I64, at), COL(TEXT, by_user),
	COL(TEXT, next_steps), COL(I64, last_action), COL(I64, last_instruction), COL(TEXT, body),
};
#undef ROW_T

STORE_READER(read_record, struct progress_record, record_cols)
STORE_VISITOR(visit_record, struct progress_record, record_cols, progress_record_clear, store_progress_cb)

#define RECORD_COLS "id, coalesce(exposure_id, 0), coalesce(gala_id, 0), number, at, by_user, next_steps, " \
	"last_action, last_instruction, body "
/* One of exposure_id and gala_id is 0: ?1 picks an exposure's reports,
 * ?2 a gala's summaries. */
#define RECORD_OF "WHERE (?1 > 0 AND exposure_id = ?1) OR (?1 = 0 AND exposure_id IS NULL AND gala_id = ?2) "

int store_progress_last(struct store *st, int64_t exposure_id, int64_t gala_id, struct progress_record *out,
			struct zs_error *err)
{
	static const char sql[] = "SELECT " RECORD_COLS "FROM exposure_report " RECORD_OF "ORDER BY number DESC LIMIT 1";
	return store_one(st, sql, VALS(V_INT(exposure_id), V_INT(gala_id)), read_record, out, err, "report");
}

int store_progress_get(struct store *st, int64_t exposure_id, int64_t gala_id, int number,
		       struct progress_record *out, struct zs_error *err)
{
	static const char sql[] = "SELECT " RECORD_COLS "FROM exposure_report "
		"WHERE ((?1 > 0 AND exposure_id = ?1) OR (?1 = 0 AND exposure_id IS NULL AND gala_id = ?2)) AND number = ?3";
	return store_one(st, sql, VALS(V_INT(exposure_id), V_INT(gala_id), V_INT(number)), read_record, out, err,
			 "report");
}

int store_progress_insert(struct store *st, struct progress_record *r, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO exposure_report(exposure_id, gala_id, number, at, by_user, next_steps, last_action, "
		"last_instruction, body) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id";
	return store_insert(st, sql,
			    VALS(V_ID(r->exposure_id), V_ID(r->gala_id), V_INT(r->number), V_INT(r->at), V_TEXT(st->user),
				 V_TEXT(r->next_steps), V_INT(r->last_action), V_INT(r->last_instruction), V_TEXT(r->body)),
			    &r->id, err, "report");
}

int store_progress_each(struct store *st, int64_t exposure_id, int64_t gala_id, store_progress_cb cb, void *ud,
			struct zs_error *err)
{
	static const char sql[] = "SELECT " RECORD_COLS "FROM exposure_report " RECORD_OF "ORDER BY number";
	return store_each(st, sql, VALS(V_INT(exposure_id), V_INT(gala_id)), visit_record, STORE_VISIT(cb, ud), err,
			  "report");
}

void progress_record_clear(struct progress_record *r)
{
	if (!r)
		return;
	free(r->by_user);
	free(r->next_steps);
	free(r->body);
	r->by_user = r->next_steps = r->body = NULL;
}
