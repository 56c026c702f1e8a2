/* pick: what an operator types for a unit, turned into the unit (the
 * console's pick lists and the commands' --transfer, --lead, --unit).
 *
 * A unit is found by its whole name, or by what pick_match (pinyin.h)
 * accepts: its start, a part of it, the pinyin initials of its name.
 * Reads only; no transaction. */
#ifndef ZHISHOU_PICK_H
#define ZHISHOU_PICK_H

#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/model.h"

#define PICK_MAX 64

/* Units matching typed, best first (then by name's order in the store). */
struct unit_choices {
	struct unit units[PICK_MAX];
	int rank[PICK_MAX];
	int n;
	int total;           /* matches in all (n is at most PICK_MAX) */
};
int pick_units(struct zs_ctx *c, const char *typed, struct unit_choices *out, struct zs_error *err);
void unit_choices_clear(struct unit_choices *u);

/* The one unit typed means: its whole name, or the only unit it matches.
 * Several: ZS_EINPUT naming them ("「监管」对应多个单位：…；写全名或拼音首字母");
 * none: ZS_EINPUT saying so and that zhishou unit list lists them.  what
 * is the field's name for messages (承办单位, 牵头单位).  *name (may be
 * NULL) gets the unit's name, malloc'd. */
int pick_unit(struct zs_ctx *c, const char *typed, const char *what, int64_t *id, char **name,
	      struct zs_error *err);

#endif
