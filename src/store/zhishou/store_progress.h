/* The store's half of the progress reports sent up to the city
 * (migration 008's exposure_report): 第N报 of one exposure, or a gala's
 * morning summary.  Writes run inside the caller's transaction. */
#ifndef ZHISHOU_STORE_PROGRESS_H
#define ZHISHOU_STORE_PROGRESS_H

#include <stdint.h>
#include "zhishou/progress.h"
#include "zhishou/store.h"

/* The latest report of an exposure (exposure_id > 0) or of a gala's
 * summaries (gala_id > 0): ZS_ENOTFOUND when there is none. */
int store_progress_last(struct store *st, int64_t exposure_id, int64_t gala_id, struct progress_record *out,
			struct zs_error *err);
/* One report by its number: ZS_ENOTFOUND when there is none. */
int store_progress_get(struct store *st, int64_t exposure_id, int64_t gala_id, int number,
		       struct progress_record *out, struct zs_error *err);
/* Record r (by this store's user); r->id is set. */
int store_progress_insert(struct store *st, struct progress_record *r, struct zs_error *err);
/* Every report of an exposure or of a gala's summaries, oldest first. */
typedef int (*store_progress_cb)(const struct progress_record *r, void *ud);
int store_progress_each(struct store *st, int64_t exposure_id, int64_t gala_id, store_progress_cb cb, void *ud,
			struct zs_error *err);

#endif
