/* export: the night's intakes as a spreadsheet (`zhishou log export`).
 *
 * Callers' names and phones are masked (张*, 138****1234) unless with_pii,
 * which is recorded in the audit (who exported what, with or without the
 * callers' data).  XLSX is written in libxlsxwriter's constant-memory
 * mode and CSV streams, so a year's export does not grow with the table.
 * The rows are read as they stream; the audit row is written afterwards in
 * a transaction of its own. */
#ifndef ZHISHOU_EXPORT_H
#define ZHISHOU_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "zhishou/ctx.h"

enum export_format { EXPORT_XLSX, EXPORT_CSV };

struct export_params {
	enum export_format format;
	const char *path;          /* required for XLSX; CSV without it goes to fp */
	FILE *fp;
	int64_t since, until;      /* received in [since, until) */
	bool with_pii;
	bool not_on_platform;      /* only what the rule says is still to enter (platform.h) */
	bool platform_order;       /* the 12315 platform's field order instead of the log's */
};

/* *rows gets the number of intakes written. */
int export_intakes(struct zs_ctx *c, const struct export_params *p, int64_t *rows, struct zs_error *err);

#endif
