/* roster: units and the evening duty roster (晚间值班表).
 *
 * Imports the sheet units send in (XLSX, or CSV from Excel/WPS in any
 * encoding they produce), all or nothing, naming every bad row; answers "who is on duty
 * now". */
#ifndef ZHISHOU_ROSTER_H
#define ZHISHOU_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include "zhishou/ctx.h"

typedef void (*roster_bad_cb)(size_t line, const char *why, void *ud);

struct roster_result {
	size_t rows, added, replaced, bad, units_created;
	const char *encoding;
};

/* skip_bad: import the good rows and report the bad ones; otherwise any
 * bad row means nothing is imported (ZS_EINPUT). */
int roster_import(struct zs_ctx *c, const char *path, bool skip_bad, roster_bad_cb bad, void *ud,
		  struct roster_result *res, struct zs_error *err);

/* One row of a duty sheet already in hand (the demo night's): the text of
 * its cells as a file would give them ("2026-03-15", "19:00" …; NULL is an
 * empty cell). */
struct roster_row {
	const char *date, *unit, *name, *title, *landline, *mobile, *start, *end;
	bool leader;
};

/* Import rows in hand: each checked and written as roster_import does a
 * file's row, all or nothing (a bad row: ZS_EINPUT naming it), in its own
 * transaction, with one audit row {"source": source} for them all (admins). */
int roster_import_rows(struct zs_ctx *c, const struct roster_row *rows, size_t n, const char *source,
		       struct roster_result *res, struct zs_error *err);

/* The unit called name, created (with a kind guessed from the name) if new;
 * inside the caller's transaction. */
int roster_unit_ensure(struct zs_ctx *c, const char *name, int64_t *id, bool *created, struct zs_error *err);

/* unit add: roster_unit_ensure in its own transaction (admins). */
int unit_add(struct zs_ctx *c, const char *name, int64_t *id, bool *created, struct zs_error *err);

/* 所, 队, 中心 or 科室 from how a unit is named. */
const char *roster_unit_kind_for(const char *name);

#endif
