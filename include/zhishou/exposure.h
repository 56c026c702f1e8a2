/* exposure: the problems the gala exposes, and what the bureau does.
 *
 * Creation, updates (level, lead unit, status, deadline …), actions with
 * counts, leaders' instructions; each change audited in its transaction. */
#ifndef ZHISHOU_EXPOSURE_H
#define ZHISHOU_EXPOSURE_H

#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/model.h"

struct exposure_input {
	const char *title, *aired, *industry, *companies, *keywords, *local, *lead, *assist;
	const char *level, *status, *deadline;
};

enum { EXPOSURE_MAX_TITLE = 200, EXPOSURE_MAX_LIST = 1000, EXPOSURE_MAX_NOTE = 2000 };

int exposure_add(struct zs_ctx *c, const struct exposure_input *in, int64_t *id, struct zs_error *err);
int exposure_update(struct zs_ctx *c, int64_t id, const struct exposure_input *in, struct zs_error *err);
int exposure_add_action(struct zs_ctx *c, int64_t id, const char *kind, const char *count,
			const char *note, struct zs_error *err);
int exposure_instruct(struct zs_ctx *c, int64_t id, const char *text, struct zs_error *err);

/* The default deadline for something aired at t: deadline_hour (08:00) on
 * the next morning in the display zone. */
int64_t exposure_default_deadline(const struct zs_ctx *c, int64_t aired);

/* malloc'd JSON with stable keys. */
char *exposure_json(const struct exposure *e);

#endif
