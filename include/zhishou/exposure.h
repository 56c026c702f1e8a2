/* exposure: the problems the gala exposes, and what the bureau does.
 *
 * Creation, updates (level, lead unit, status, deadline …), actions with
 * counts, leaders' instructions; each change audited in its transaction. */
#ifndef ZHISHOU_EXPOSURE_H
#define ZHISHOU_EXPOSURE_H

#include <stdbool.h>
#include <stddef.h>
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

/* ---- local involvement (本地涉及) ----
 *
 * The register's candidates for an exposure are found when it is recorded,
 * when its companies or keywords change and when a register is imported
 * (exposure_local_match); the credit desk then confirms which are really
 * involved, or that nothing is (exposure_local_set). */

/* One business on an exposure's local list: a candidate the register
 * found, a confirmed one, or both. */
struct exposure_party {
	char *uscc, *name, *unit, *address;
	int64_t unit_id;          /* 0: the register's 管辖单位 matched no unit (unit is its text) */
	char *term;               /* the company or keyword that found it ("" if only confirmed) */
	bool by_company, candidate, confirmed;
	char *confirmed_by;
	int64_t confirmed_at;
};
void exposure_party_clear(struct exposure_party *p);   /* defined by the store */

struct exposure_parties {
	struct exposure e;        /* the exposure itself */
	struct exposure_party *v; /* by supervising unit, then name */
	size_t n, candidates, confirmed;
	size_t units;             /* distinct supervising units among the candidates */
	/* Stations of confirmed entities that are neither the lead unit nor
	 * already assisting: offered as assist units. */
	char **offer;
	size_t noffer;
};

/* The exposure with its candidates and confirmed entities (one read
 * transaction of its own).  ZS_ENOTFOUND for no such exposure. */
int exposure_parties_get(struct zs_ctx *c, int64_t id, struct exposure_parties *out, struct zs_error *err);
void exposure_parties_clear(struct exposure_parties *p);

/* Find the register's candidates again for exposure id (the caller's write
 * transaction; no register yet: none).  *found may be NULL. */
int exposure_local_match(struct zs_ctx *c, int64_t id, size_t *found, struct zs_error *err);
/* The same for every open exposure, after a register import (the
 * import's transaction). */
int exposure_local_rematch(struct zs_ctx *c, struct zs_error *err);

/* What the credit desk settles: codes to confirm, codes to withdraw, or
 * none (checked: nothing local, every confirmation withdrawn). */
struct exposure_local_change {
	const char *const *confirm;
	size_t nconfirm;
	const char *const *withdraw;
	size_t nwithdraw;
	bool none;
};

/* Apply ch in one transaction (an operator's job), audited; the exposure
 * then reads 涉及（N 户）or 不涉及, with who and when; the robots are told
 * the count and the businesses' names.  A code not in the register, a
 * withdrawal of one not confirmed, or nothing changing: ZS_EINPUT, nothing
 * written.  *count (may be NULL): the confirmed entities after. */
int exposure_local_set(struct zs_ctx *c, int64_t id, const struct exposure_local_change *ch, size_t *count,
		       struct zs_error *err);

/* 本地涉及 as a phrase, from local and local_count. */
/* brief (the board): "涉及3户"; else "涉及（3 户）".  Either way "涉及" when
 * set by hand without entities, "不涉及", "待查". */
const char *exposure_local_text(const struct exposure *e, bool brief, char *buf, size_t n);

/* malloc'd JSON with stable keys. */
char *exposure_json(const struct exposure *e);

#endif
