/* caller: a caller's earlier intakes, for the form ("this number called
 * 3 times; last #812 at 21:05, 已转办") before an operator saves a new one.
 *
 * Found by the whole phone number as typed; an intake whose tip-giver this
 * viewer may not see (a confidential tip) is not counted, so a number never
 * confirms who tipped.  Reads only; no transaction. */
#ifndef ZHISHOU_CALLER_H
#define ZHISHOU_CALLER_H

#include <stdint.h>
#include "zhishou/ctx.h"

#define CALLER_HISTORY_MAX 1000   /* counted up to this many */

struct caller_history {
	int64_t count;          /* earlier intakes from this number (at most CALLER_HISTORY_MAX) */
	int64_t last_id, last_at;
	char last_status[32];   /* code */
	char last_subject[128]; /* the business, or the summary's start */
};

/* ZS_OK with count 0 when the phone is not a whole valid number yet (the
 * operator is still typing) or nobody called from it. */
int caller_history(struct zs_ctx *c, const char *phone, struct caller_history *out, struct zs_error *err);

#endif
