/* demo: a realistic, wholly fictional 3·15 night for `zhishou init --demo`.
 *
 * Two galas (the local one on 14 March 19:30-21:00, CCTV's on 15 March
 * 20:00-22:10), eight units with a leader and cadres on duty both nights,
 * six exposures in different states, a few hundred intakes across every
 * channel through the evening, some linked, some duplicates, some overdue.
 * No real company is ever named as a violator. Deterministic (fixed seed). */
#ifndef ZHISHOU_DEMO_H
#define ZHISHOU_DEMO_H

#include <stdint.h>
#include "zhishou/ctx.h"

/* The instant the demo night is frozen at: 15 March of `year`, 21:40 in the
 * display zone (during the CCTV gala). */
int64_t demo_now(int year);

/* Fill an empty database.  c->now is used and moved by the function; on
 * return it is demo_now(year).  All in one transaction per step; on error
 * nothing of the demo is left half-written (the caller deletes a new file). */
int demo_fill(struct zs_ctx *c, int year, struct zs_error *err);

#endif
