/* workdays: working days by the State Council's holiday schedule.
 *
 * Statutory deadlines (SAMR Order 20: accept or not within 7 working days,
 * a tip checked within 15, mediation ended within 45) count working days:
 * Monday to Friday, minus the published holidays, plus the make-up working
 * Saturdays and Sundays (调休).  One calendar file per year in
 * data/holidays/ (embedded in the program).  A year without a calendar is
 * never guessed silently: the answer says so. */
#ifndef ZHISHOU_WORKDAYS_H
#define ZHISHOU_WORKDAYS_H

#include <stdbool.h>
#include <stdint.h>

/* A civil date (in the display zone). */
struct civil_date {
	int y, m, d;
};

/* Is the date a working day?  *known is false when its year has no
 * calendar (then Monday-Friday is assumed). */
bool workday_is(struct civil_date d, bool *known);

/* The date n working days after d (n >= 0; day d itself does not count:
 * received on Friday, 1 working day later is Monday).  *known false if any
 * year crossed has no calendar. */
struct civil_date workday_add(struct civil_date d, int n, bool *known);

/* Working days after a up to and including b (0 if b <= a). */
int workday_between(struct civil_date a, struct civil_date b, bool *known);

/* Years with a calendar, ascending; returns how many (at most max). */
int workday_years(int *years, int max);

/* Instants: the end (23:59:59 in the display zone) of the day n working
 * days after the day of t.  *known as above. */
int64_t workday_deadline(int64_t t, int n, bool *known);

#endif
