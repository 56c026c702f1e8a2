/* review: what the morning shift must see at a glance.
 *
 * Every unresolved intake and every open exposure, grouped by the unit
 * handling it; overdue first, then by what is due next.  For each: what it
 * is, who handles it, what was done last and when, what is due next and by
 * when (statutory working-day limits for intakes, the exposure's own
 * deadline), and whether it changed since the last handover.  Shared by
 * `zhishou review` and the console's review view.  review_build reads in
 * one read transaction of its own (every item of one moment); filtering
 * reads only the units. */
#ifndef ZHISHOU_REVIEW_H
#define ZHISHOU_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/model.h"
#include "zhishou/platform.h"

struct review_item {
	bool exposure;         /* else an intake */
	int64_t id;
	char *kind;            /* intake kind code, or "" */
	char *status;          /* status code */
	char *title;           /* subject / summary start, or the exposure's title */
	char *unit;            /* the unit handling it ("" : not assigned) */
	char *last;            /* what was done last (a note, an action, a status) */
	int64_t last_at;
	const char *next;      /* what is due next (static text), or NULL */
	int64_t due;           /* by when; 0 none */
	bool due_estimated;    /* a year without a holiday calendar was crossed */
	bool overdue;
	bool changed;          /* since the last handover was signed */
	int level;             /* exposures: 1 gravest … 4 */
	int64_t at;            /* received (intake) or aired (exposure) */
};

struct review {
	struct review_item *items;  /* grouped by unit, overdue first, then due */
	size_t n;
	size_t overdue, changed, intakes, exposures;
	struct handover last;       /* the last handover (id 0: none) */
	int64_t now;
	bool nothing_to_compare;    /* "changed" asked before any handover: everything kept */
	/* The night's items (since the gala began, as the board counts) not
	 * yet on the 12315 platform, by the desk that took them; the filters
	 * leave it whole. */
	struct platform_backlog platform;
};

int review_build(struct zs_ctx *c, struct review *out, struct zs_error *err);

/* Where the morning starts: only what changed since the last signed
 * handover, only what came in tonight (since the gala began, as the board
 * counts), only one unit's (its exact name, a part of it that names one
 * unit, or 值班室/unassigned).  Empty: everything. */
struct review_filter {
	bool changed, tonight;
	const char *unit;
};
/* Keep the items that pass f (counts recomputed); ZS_EINPUT when the unit
 * names no unit or several (the message lists them).  "changed" before any
 * handover was signed has nothing to compare with: every item is kept and
 * nothing_to_compare says so (not "nothing is open"). */
int review_filter(struct zs_ctx *c, struct review *r, const struct review_filter *f, struct zs_error *err);
void review_clear(struct review *r);

/* The deadline and what it is for an intake (statutory, working days). */
const char *review_intake_due(struct zs_ctx *c, const struct intake *i, int64_t *due, bool *estimated);

#endif
