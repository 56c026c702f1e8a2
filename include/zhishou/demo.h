/* demo: a realistic, wholly fictional 3·15 night for `zhishou init --demo`.
 *
 * Two galas (the local one on 14 March 19:30-21:00, CCTV's on 15 March
 * 20:00-22:10), eight units with a leader and cadres on duty both nights,
 * six exposures in different states, a few hundred intakes across every
 * channel through the evening, some linked, some duplicates, some overdue.
 * No real company is ever named as a violator. Deterministic (fixed seed).
 * Above core (src/demo): the tables are data/demo, compiled in, and every
 * record is written through core's calls. */
#ifndef ZHISHOU_DEMO_H
#define ZHISHOU_DEMO_H

#include <stdint.h>
#include "zhishou/ctx.h"

/* The instant the demo night is frozen at: 15 March of `year`, 21:40 in the
 * display zone (during the CCTV gala). */
int64_t demo_now(int year);

/* Fill an empty database (as an admin: the galas, units and roster need
 * one).  c->now is used and moved by the function; on return it is
 * demo_now(year).  Each core call opens its own transaction, so a failure
 * leaves the steps before it written: the caller deletes the new file. */
int demo_fill(struct zs_ctx *c, int year, struct zs_error *err);

#endif
