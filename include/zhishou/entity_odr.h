/* entity_odr: the register's ODR enterprises (在线消费纠纷解决: businesses
 * that settle complaints directly through the 12315 platform).
 *
 * The register's own 是否ODR企业 column marks them when it is imported;
 * a separate list (entity import --odr FILE) replaces those marks whole.
 * A complaint against one is handed to it with log update ID --odr
 * (intake.h, struct intake_change). */
#ifndef ZHISHOU_ENTITY_ODR_H
#define ZHISHOU_ENTITY_ODR_H

#include <stddef.h>

#include "zhishou/ctx.h"
#include "zhishou/entity.h"

struct entity_odr_result {
	const char *encoding;      /* table_kind_name: UTF-8, GB18030, XLSX ... */
	size_t rows, marked, bad;  /* marked: distinct entities now ODR */
	int64_t before;            /* entities marked before the list */
};

/* Mark the entities a list names (CSV or XLSX; columns by header:
 * 统一社会信用代码, optionally 名称) as the ODR enterprises, unmarking every
 * other: the list is the whole list.  Admin only, audited, one
 * transaction.  A bad row (no code, a bad check character, a code not in
 * the register, a 名称 that is not the register's name for the code) is
 * reported through opts->bad with its line; any bad row and nothing
 * changes (ZS_EINPUT), unless opts->skip_bad (as_of is not used). */
int entity_import_odr(struct zs_ctx *c, const char *path, const struct entity_import_opts *opts,
		      struct entity_odr_result *res, struct zs_error *err);

#endif
