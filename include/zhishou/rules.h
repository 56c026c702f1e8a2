/* rules: the night's time rules, one definition each, for every screen,
 * command, report and alert.  (The status rules, status_is_open and
 * exposure_status_is_closed, are with their vocabularies in codes.h.) */
#ifndef ZHISHOU_RULES_H
#define ZHISHOU_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include "zhishou/model.h"

/* The board's warning window before a deadline (yellow, "*"). */
#define DUE_WARN_SECONDS ((int64_t)3600)

/* How far ahead of now a typed time (an intake's received time) may be
 * before it is a typo: clocks differ a little, a wrong day by a lot. */
#define FUTURE_TYPO_SECONDS ((int64_t)3600)

/* Deadline state: overdue from the deadline's own second on
 * (deadline <= now), so at the exact minute the board, the review, the
 * exposure card and the relay agree; due soon within warn before it. */
enum due_state { DUE_NONE, DUE_LATER, DUE_SOON, DUE_OVERDUE };
enum due_state due_state(int64_t deadline, int64_t now, int64_t warn);
/* The same for an exposure: DUE_NONE once it is finished. */
enum due_state exposure_due(const struct exposure *e, int64_t now, int64_t warn);

/* A typed time later than now + FUTURE_TYPO_SECONDS. */
bool time_is_future_typo(int64_t t, int64_t now);

#endif
