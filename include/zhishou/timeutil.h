/* timeutil: instants and how people write them.
 *
 * Instants are stored as int64 Unix seconds (UTC): unambiguous whatever the
 * server's TZ.  They are shown and typed in the configured zone (default
 * Asia/Shanghai), set once at start with time_set_zone. */
#ifndef ZHISHOU_TIMEUTIL_H
#define ZHISHOU_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Make name (an IANA zone such as "Asia/Shanghai") the display zone of this
 * process.  Falls back to a fixed "CST-8" for Asia/Shanghai when the zone
 * database is missing.  Returns false (zone unchanged) for an unknown zone. */
bool time_set_zone(const char *name);

int64_t time_now(void);

/* Parse a time as typed, in the display zone, relative to now where needed.
 * Accepted:
 *   "now" / "现在"
 *   "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DDTHH:MM[:SS]", "YYYY/MM/DD HH:MM[:SS]"
 *   the same followed by "Z" or "+08:00"/"+0800"/"-05:00" (explicit offset)
 *   "YYYY-MM-DD" (00:00 that day)
 *   "MM-DD HH:MM" (the year of now)
 *   "HH:MM[:SS]" (the occurrence of that clock time nearest to now, within
 *                 12 hours either way: at 00:10, "23:50" is last night; at
 *                 22:00, "08:00" is tomorrow morning)
 *   an all-digit Unix time of 9+ digits
 * Impossible values (month 13, 2026-02-30, 25:00, 12:61) are errors, not
 * normalised.  Returns true on success; on failure writes a Chinese reason
 * into err (errsz bytes) when err is non-NULL. */
bool time_parse(const char *s, int64_t now, int64_t *out, char *err, size_t errsz);
/* The shapes time_parse takes, in words for a --help (in the current
 * language), kept beside the parser so the two agree. */
const char *time_parse_forms(void);

/* Parse a date "YYYY-MM-DD" (or YYYY/MM/DD, or YYYYMMDD, or "YYYY年M月D日")
 * into y/m/d, validating it. */
bool date_parse(const char *s, int *y, int *m, int *d);

/* Parse "HH:MM" (or "H:MM", "HH:MM:SS", "HH时MM分"?) into seconds since midnight;
 * "24:00" is allowed (end of day).  */
bool clock_parse(const char *s, int *secs);

/* The instant of y-m-d at secs past midnight in the display zone. */
int64_t time_from_local(int y, int m, int d, int secs);

/* Local date parts of t in the display zone. */
void time_to_local(int64_t t, int *y, int *m, int *d, int *hh, int *mm, int *ss);

enum time_fmt {
	TIME_FULL,      /* 2026-03-15 20:15 */
	TIME_SECONDS,   /* 2026-03-15 20:15:07 */
	TIME_SHORT,     /* 03-15 20:15 */
	TIME_CLOCK,     /* 20:15 */
	TIME_DATE,      /* 2026-03-15 */
	TIME_ISO,       /* 2026-03-15T20:15:07+08:00 (for json) */
};
/* Format t in the display zone into buf; returns buf. */
char *time_format(int64_t t, enum time_fmt fmt, char *buf, size_t bufsz);

/* A duration in seconds as people say it: "2小时5分", "45分", "3天2小时"
 * (zh) or "2h05m", "45m", "3d2h" (en); negative durations get no sign (the
 * caller says "overdue"). */
char *time_format_duration(int64_t secs, bool english, char *buf, size_t bufsz);

/* Civil calendar arithmetic (proleptic Gregorian; day 0 = 1970-01-01),
 * shared with the working-day calendar: floor division and modulo, days of
 * y-m-d, y-m-d of a day. */
int64_t time_floor_div(int64_t a, int64_t b);
int64_t time_floor_mod(int64_t a, int64_t b);
int64_t time_days_from_civil(int64_t y, int m, int d);
void time_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

#endif
