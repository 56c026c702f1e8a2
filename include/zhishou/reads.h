/* reads: every listing a front end shows, through core.
 *
 * The front ends (src/cli, src/tui) never see the store: they list through
 * these functions, which apply the rules once (callers as privacy.h decides
 * for a list, the audit for admins only).  Each streams rows to a callback
 * (memory does not grow with the database); a callback returns 0 to go on,
 * ZS_STOP to stop early (not an error), anything else to fail.  Reads only:
 * none opens a write transaction. */
#ifndef ZHISHOU_READS_H
#define ZHISHOU_READS_H

#include <stdbool.h>
#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/model.h"

typedef int (*intake_row_cb)(const struct intake *i, void *ud);
typedef int (*exposure_row_cb)(const struct exposure *e, void *ud);
typedef int (*roster_row_cb)(const struct roster_entry *r, void *ud);
typedef int (*unit_row_cb)(const struct unit *u, void *ud);
typedef int (*gala_row_cb)(const struct gala *g, void *ud);
typedef int (*member_row_cb)(const struct member *m, void *ud);
typedef int (*handover_row_cb)(const struct handover *h, void *ud);
typedef int (*audit_row_cb)(const struct audit_row *a, void *ud);
typedef int (*delivery_row_cb)(const struct delivery *d, void *ud);
typedef int (*quarantine_row_cb)(const struct quarantine_row *q, void *ud);
typedef int (*report_value_cb)(const char *row_key, const char *value, int64_t set_at, const char *set_by, void *ud);

/* Intakes by filter (model.h), newest first; callers masked, a confidential
 * tip-giver withheld. */
int intake_list(struct zs_ctx *c, const struct intake_filter *f, intake_row_cb cb, void *ud, struct zs_error *err);
/* One intake as a list shows it (callers masked); ZS_ENOTFOUND if none. */
int intake_read(struct zs_ctx *c, int64_t id, struct intake *out, struct zs_error *err);
/* Exposures (open_only: not finished), by level then deadline. */
int exposure_list(struct zs_ctx *c, bool open_only, exposure_row_cb cb, void *ud, struct zs_error *err);
/* Roster entries of a duty date (NULL: all) and/or on shift at `at` (0: any). */
int roster_list(struct zs_ctx *c, const char *date, int64_t at, roster_row_cb cb, void *ud, struct zs_error *err);
int unit_list(struct zs_ctx *c, unit_row_cb cb, void *ud, struct zs_error *err);
int gala_list(struct zs_ctx *c, gala_row_cb cb, void *ud, struct zs_error *err);
int member_list(struct zs_ctx *c, member_row_cb cb, void *ud, struct zs_error *err);
/* Newest first, at most limit. */
int handover_list(struct zs_ctx *c, int limit, handover_row_cb cb, void *ud, struct zs_error *err);
/* The audit holds callers whole: admins only (ZS_EPERM otherwise). entity
 * NULL: every row; entity_id 0: every id; oldest first after after_id. */
int audit_list(struct zs_ctx *c, const char *entity, int64_t entity_id, int64_t after_id, int limit,
	       audit_row_cb cb, void *ud, struct zs_error *err);
/* Robot deliveries, newest first (failed_only: state failed). */
int delivery_list(struct zs_ctx *c, bool failed_only, int64_t before_id, int limit, delivery_row_cb cb, void *ud,
		  struct zs_error *err);
int64_t delivery_count(struct zs_ctx *c, const char *state);
/* Quarantined feed records, newest first (feed NULL: every feed). */
int quarantine_list(struct zs_ctx *c, const char *feed, int64_t before_id, int limit, quarantine_row_cb cb, void *ud,
		    struct zs_error *err);
int64_t quarantine_count(struct zs_ctx *c);
/* Hand-entered rows of a statistics template and year. */
int report_value_list(struct zs_ctx *c, const char *tmpl, int year, report_value_cb cb, void *ud, struct zs_error *err);

/* The database under a console: a version that moves when another process
 * commits, this connection's own changes, whether the file was deleted or
 * replaced under it, and its path (for the message saying so). */
int64_t db_data_version(struct zs_ctx *c);
/* Readable when another connection commits, for a poll loop (PostgreSQL's
 * notifications); -1 for an SQLite file (watch it with dbwatch.h). */
int db_watch_fd(struct zs_ctx *c);
/* The database server's connection is gone (PostgreSQL; never a file):
 * the next read or db_data_version connects again. */
bool db_lost(struct zs_ctx *c);
int64_t db_local_changes(struct zs_ctx *c);
bool db_file_gone(struct zs_ctx *c);
const char *db_path(struct zs_ctx *c);

#endif
