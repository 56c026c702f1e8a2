/* config: the bureau's settings, from an INI file (inih).
 *
 * Everything a bureau may reasonably differ on (zone, file mode, windows,
 * default shift, deadline hour) lives here with a default, never in code. */
#ifndef ZHISHOU_CONFIG_H
#define ZHISHOU_CONFIG_H

#include <stdbool.h>
#include "zhishou/error.h"

struct config {
	char timezone[64];       /* [general] timezone = Asia/Shanghai */
	unsigned db_mode;        /* [database] mode = 0660 */
	char db_group[64];       /* [database] group = (none) */
	char db_path[1024];      /* [database] path = (none): the database when neither --db nor $ZHISHOU_DB names one */
	char db_url[1024];       /* [database] url = (none): a PostgreSQL database (postgresql://...), instead of path */
	int busy_ms;             /* [database] busy_timeout_ms = 5000 */
	int dup_window_hours;    /* [intake] duplicate_window_hours = 72 */
	double dup_similarity;   /* [intake] duplicate_similarity = 0.5 */
	int deadline_hour;       /* [exposure] deadline_hour = 8 (next morning) */
	char shift_start[8];     /* [roster] shift_start = 19:00 */
	char shift_end[8];       /* [roster] shift_end = 23:30 */
	bool ambiguous_wide;     /* [display] ambiguous_wide = false */
	char bureau[128];        /* [report] bureau = 填报单位 */
	char filler[64];         /* [report] filler = 填报人 */
	char phone[64];          /* [report] phone = 联系电话 */
	/* [rules]: statutory time limits in working days.  Defaults from SAMR
	 * Order 20 (《市场监督管理投诉举报处理暂行办法》, in force 2020-01-01,
	 * amended 2022); rules change (Order 121 is reported to replace it
	 * from 2026-04-15), so they are settings with their source named. */
	int accept_workdays;     /* accept_workdays = 7 (art. 14: decide whether to accept) */
	int tip_check_workdays;  /* tip_check_workdays = 15 (check a tip) */
	int mediation_workdays;  /* mediation_workdays = 45 (art. 21: mediation ends) */
	char rules_source[256];  /* source = 总局令第20号 … */
	bool unknown_readonly;   /* [access] unknown = refuse | readonly: Unix users who are not members */
	char path[1024];         /* the file read, or "" */
};

void config_defaults(struct config *c);

/* Value parsers shared by every section's reader (config.c, relayconf.c):
 * a whole number in [lo, hi]; yes/no/true/false/on/off/1/0. */
bool config_parse_int(const char *v, long lo, long hi, long *out);
bool config_parse_bool(const char *v, bool *out);

/* Read path into c (over the defaults).  A missing file is not an error
 * when !must_exist.  Unknown keys and bad values are errors naming the
 * line. */
int config_load(struct config *c, const char *path, bool must_exist, struct zs_error *err);

#endif
