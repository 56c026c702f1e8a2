/* timeutil: instants and how people write them.
 * See include/zhishou/timeutil.h for the contract. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* setenv, tzset, localtime_r */
#endif

#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MIN_YEAR 1900
#define MAX_YEAR 9999
/* 9999-12-31T23:59:59Z: the last instant the formats can show. */
#define MAX_UNIX INT64_C(253402300799)
#define INPUT_MAX 128

/* ---- calendar arithmetic (proleptic Gregorian, no libc) ---------------- */

int64_t time_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t time_floor_mod(int64_t a, int64_t b)
{
	return a - time_floor_div(a, b) * b;
}

/* Days since 1970-01-01 of y-m-d (m 1..12, d 1..31). H. Hinnant's
 * algorithm. */
int64_t time_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = time_floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = time_floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static bool date_valid(int y, int m, int d)
{
	return y >= MIN_YEAR && y <= MAX_YEAR && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

static bool clock_valid(int h, int mi, int s)
{
	if (h == 24)
		return mi == 0 && s == 0;
	return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59;
}

/* ---- the zone ---------------------------------------------------------- */

static bool zone_name_ok(const char *name)
{
	const char *p;

	if (!name || !*name || name[0] == '/' || strstr(name, "..") ||
	    strlen(name) > 200)
		return false;
	for (p = name; *p; p++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
		      c == '+'))
			return false;
	}
	return true;
}

/* A compiled zone file ("TZif" magic) exists for name under dir. */
static bool zone_file_exists(const char *dir, const char *name)
{
	char path[512];
	char magic[4];
	struct stat st;
	FILE *f;
	bool ok;
	int n;

	if (!dir || !*dir)
		return false;
	n = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof path)
		return false;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	ok = fread(magic, 1, sizeof magic, f) == sizeof magic &&
	     memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

bool time_set_zone(const char *name)
{
	const char *tz = NULL;

	if (!zone_name_ok(name))
		return false;
	if (zone_file_exists(getenv("TZDIR"), name) ||
	    zone_file_exists("/usr/share/zoneinfo", name))
		tz = name;
	else if (strcmp(name, "Asia/Shanghai") == 0 || strcmp(name, "PRC") == 0)
		tz = "CST-8";
	else if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)
		tz = "UTC0";
	if (!tz)
		return false;
	if (setenv("TZ", tz, 1) != 0)
		return false;
	tzset();
	return true;
}

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}

/* ---- local <-> instant ------------------------------------------------- */

/* Fields of t in the display zone; falls back to UTC if libc cannot say. */
static void local_fields(int64_t t, int64_t *y, int *m, int *d, int *hh,
			 int *mm, int *ss)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((int64_t)tt == t && localtime_r(&tt, &tm)) {
		*y = (int64_t)tm.tm_year + 1900;
		*m = tm.tm_mon + 1;
		*d = tm.tm_mday;
		*hh = tm.tm_hour;
		*mm = tm.tm_min;
		*ss = tm.tm_sec;
	} else {
		int64_t days = time_floor_div(t, 86400), rem = time_floor_mod(t, 86400);
		time_civil_from_days(days, y, m, d);
		*hh = (int)(rem / 3600);
		*mm = (int)(rem / 60 % 60);
		*ss = (int)(rem % 60);
	}
}

/* mktime for a valid y-m-d (any secs, normalised arithmetically first).
 * exact: also require the local time to exist (not skipped by DST). */
static bool local_to_instant(int64_t y, int m, int d, int64_t secs, bool exact,
			     int64_t *out)
{
	int64_t days = time_days_from_civil(y, m, d) + time_floor_div(secs, 86400);
	int64_t rem = time_floor_mod(secs, 86400);
	int64_t yy;
	int mo, dd;
	struct tm tm, back;
	time_t t;

	time_civil_from_days(days, &yy, &mo, &dd);
	if (yy - 1900 < -100000 || yy - 1900 > 100000)
		return false;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)(yy - 1900);
	tm.tm_mon = mo - 1;
	tm.tm_mday = dd;
	tm.tm_hour = (int)(rem / 3600);
	tm.tm_min = (int)(rem / 60 % 60);
	tm.tm_sec = (int)(rem % 60);
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (exact) {
		if (!localtime_r(&t, &back) || back.tm_year != (int)(yy - 1900) ||
		    back.tm_mon != mo - 1 || back.tm_mday != dd ||
		    back.tm_hour != (int)(rem / 3600) ||
		    back.tm_min != (int)(rem / 60 % 60) ||
		    back.tm_sec != (int)(rem % 60))
			return false;
	}
	*out = (int64_t)t;
	return true;
}

int64_t time_from_local(int y, int m, int d, int secs)
{
	/* Out-of-range month/day/secs are carried arithmetically, so
	 * (y, m, d + 1, 0) is the next midnight and secs 86400 is 24:00. */
	int64_t yy = (int64_t)y + time_floor_div((int64_t)m - 1, 12);
	int mm = (int)time_floor_mod((int64_t)m - 1, 12) + 1;
	int64_t days = time_days_from_civil(yy, mm, 1) + (int64_t)d - 1;
	int64_t dy;
	int dm, dd;
	int64_t out = 0;

	time_civil_from_days(days, &dy, &dm, &dd);
	if (!local_to_instant(dy, dm, dd, secs, false, &out))
		return 0;
	return out;
}

void time_to_local(int64_t t, int *y, int *m, int *d, int *hh, int *mm, int *ss)
{
	int64_t yy;
	int mo, dd, h, mi, s;

	local_fields(t, &yy, &mo, &dd, &h, &mi, &s);
	if (y)
		*y = (int)yy;
	if (m)
		*m = mo;
	if (d)
		*d = dd;
	if (hh)
		*hh = h;
	if (mm)
		*mm = mi;
	if (ss)
		*ss = s;
}

/* ---- input normalisation and small scanners ---------------------------- */

/* Copy s into buf with fullwidth ASCII (U+FF01..U+FF5E) and the ideographic
 * space made ASCII, then trim ASCII whitespace.  False if it does not fit. */
static bool normalize_input(const char *s, char *buf, size_t bufsz)
{
	size_t len = strlen(s), i = 0, o = 0;

	while (i < len) {
		uint32_t cp;
		size_t k = text_decode(s + i, len - i, &cp);

		cp = text_fold_width(cp);
		if (cp < 0x80) {
			if (o + 1 >= bufsz)
				return false;
			buf[o++] = (char)cp;
		} else {
			/* copied as it is (and will not parse) */
			if (o + k >= bufsz)
				return false;
			memcpy(buf + o, s + i, k);
			o += k;
		}
		i += k;
	}
	buf[o] = '\0';
	text_trim(buf);
	return true;
}

static bool isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* Read between min and max digits at *p (not beyond end) into *v. */
static bool digits(const char **p, const char *end, int min, int max, int *v)
{
	int n = 0, val = 0;

	while (*p + n < end && n < max && isdig((*p)[n])) {
		val = val * 10 + ((*p)[n] - '0');
		n++;
	}
	if (n < min || (*p + n < end && isdig((*p)[n])))
		return false;
	*p += n;
	*v = val;
	return true;
}

static bool lit(const char **p, const char *end, const char *s)
{
	size_t l = strlen(s);

	if ((size_t)(end - *p) < l || memcmp(*p, s, l) != 0)
		return false;
	*p += l;
	return true;
}

#define ZH_NIAN "\xE5\xB9\xB4" /* 年 */
#define ZH_YUE "\xE6\x9C\x88"  /* 月 */
#define ZH_RI "\xE6\x97\xA5"   /* 日 */
#define ZH_HAO "\xE5\x8F\xB7"  /* 号 */
#define ZH_SHI "\xE6\x97\xB6"  /* 时 */
#define ZH_DIAN "\xE7\x82\xB9" /* 点 */
#define ZH_FEN "\xE5\x88\x86"  /* 分 */
#define ZH_MIAO "\xE7\xA7\x92" /* 秒 */

/* The shape of a full date; values are not checked. */
static bool scan_ymd(const char *p, const char *end, int *y, int *m, int *d)
{
	const char *q = p;
	char sep;

	if (end - p == 8 && digits(&q, end, 8, 8, y)) {
		*m = (*y / 100) % 100;
		*d = *y % 100;
		*y /= 10000;
		return true;
	}
	q = p;
	if (!digits(&q, end, 4, 4, y))
		return false;
	if (lit(&q, end, ZH_NIAN)) {
		if (!digits(&q, end, 1, 2, m) || !lit(&q, end, ZH_YUE) ||
		    !digits(&q, end, 1, 2, d))
			return false;
		if (!lit(&q, end, ZH_RI))
			(void)lit(&q, end, ZH_HAO);
		return q == end;
	}
	if (q >= end)
		return false;
	sep = *q;
	if (sep != '-' && sep != '/' && sep != '.')
		return false;
	q++;
	if (!digits(&q, end, 1, 2, m) || q >= end || *q != sep)
		return false;
	q++;
	return digits(&q, end, 1, 2, d) && q == end;
}

/* "MM-DD", "MM/DD", "M月D日". */
static bool scan_md(const char *p, const char *end, int *m, int *d)
{
	const char *q = p;

	if (!digits(&q, end, 1, 2, m))
		return false;
	if (lit(&q, end, ZH_YUE)) {
		if (!digits(&q, end, 1, 2, d))
			return false;
		if (!lit(&q, end, ZH_RI))
			(void)lit(&q, end, ZH_HAO);
		return q == end;
	}
	if (q >= end || (*q != '-' && *q != '/'))
		return false;
	q++;
	return digits(&q, end, 1, 2, d) && q == end;
}

/* "H:MM", "HH:MM", "HH:MM:SS", "H时M分[S秒]", "H点[M[分]]"; values not
 * checked.  *has_sec tells whether seconds were written. */
static bool scan_clock(const char *p, const char *end, int *h, int *mi, int *s,
		       bool *has_sec)
{
	const char *q = p;

	*mi = *s = 0;
	*has_sec = false;
	if (!digits(&q, end, 1, 2, h))
		return false;
	if (q < end && *q == ':') {
		q++;
		if (!digits(&q, end, 2, 2, mi))
			return false;
		if (q < end && *q == ':') {
			q++;
			if (!digits(&q, end, 2, 2, s))
				return false;
			*has_sec = true;
		}
		return q == end;
	}
	if (!lit(&q, end, ZH_SHI) && !lit(&q, end, ZH_DIAN))
		return false;
	if (q == end)
		return true;
	if (!digits(&q, end, 1, 2, mi))
		return false;
	if (q == end)
		return true;
	if (!lit(&q, end, ZH_FEN))
		return false;
	if (q == end)
		return true;
	if (!digits(&q, end, 1, 2, s) || !lit(&q, end, ZH_MIAO))
		return false;
	*has_sec = true;
	return q == end;
}

/* "Z", "+08:00", "+0800", "+08", "-05:00".  Shape only; *secs east of UTC. */
static bool scan_offset(const char *p, const char *end, int *oh, int *om,
			int *sign)
{
	const char *q = p;

	*oh = *om = 0;
	*sign = 1;
	if (end - p == 1 && (*p == 'Z' || *p == 'z'))
		return true;
	if (q >= end || (*q != '+' && *q != '-'))
		return false;
	*sign = *q == '-' ? -1 : 1;
	q++;
	if (end - q < 2 || !isdig(q[0]) || !isdig(q[1]))
		return false;
	*oh = (q[0] - '0') * 10 + (q[1] - '0');
	q += 2;
	if (q == end)
		return true;
	if (*q == ':')
		q++;
	return digits(&q, end, 2, 2, om) && q == end;
}

/* ---- public parsers ---------------------------------------------------- */

bool date_parse(const char *s, int *y, int *m, int *d)
{
	char buf[INPUT_MAX];
	int yy, mm, dd;

	if (!s || !normalize_input(s, buf, sizeof buf))
		return false;
	if (!scan_ymd(buf, buf + strlen(buf), &yy, &mm, &dd) ||
	    !date_valid(yy, mm, dd))
		return false;
	if (y)
		*y = yy;
	if (m)
		*m = mm;
	if (d)
		*d = dd;
	return true;
}

bool clock_parse(const char *s, int *secs)
{
	char buf[INPUT_MAX];
	int h, mi, sec;
	bool has_sec;

	if (!s || !normalize_input(s, buf, sizeof buf))
		return false;
	if (!scan_clock(buf, buf + strlen(buf), &h, &mi, &sec, &has_sec) ||
	    !clock_valid(h, mi, sec))
		return false;
	if (secs)
		*secs = h * 3600 + mi * 60 + sec;
	return true;
}

/* Write a message, never cutting a UTF-8 sequence in half. */
static void set_err(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errsz == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	if (n < 0) {
		err[0] = '\0';
		return;
	}
	if ((size_t)n < errsz)
		return;
	/* Truncated: drop a trailing partial sequence. */
	err[text_cut(err, strlen(err))] = '\0';
}

/* At most ~60 bytes of what was typed, cut on a character boundary. */
static int shown_len(const char *s)
{
	return (int)text_cut(s, strnlen(s, 60));
}

#define ERR_SHAPE TR("无法识别的时间：「%.*s」（应为 2026-03-15 20:15 或 20:15）", \
			 "unrecognised time \"%.*s\" (e.g. 2026-03-15 20:15 or 20:15)")

const char *time_parse_forms(void)
{
	return TR("20:15（前后 12 小时内最近的那次）、03-15 20:15（今年）、2026-03-15 20:15、2026-03-15（当天 0 点）或 now（现在）",
		  "20:15 (the nearest, within 12 hours either way), 03-15 20:15 (this year), 2026-03-15 20:15, "
		  "2026-03-15 (midnight) or now");
}

bool time_parse(const char *s, int64_t now, int64_t *out, char *err,
		size_t errsz)
{
	char buf[INPUT_MAX];
	const char *end, *split, *date_end, *rest, *clock_end, *off = NULL;
	int y = 0, m = 0, d = 0, h = 0, mi = 0, sec = 0;
	int oh = 0, om = 0, sign = 1;
	bool has_sec = false, have_date = false, have_year = false;
	bool have_clock = false;
	int64_t result;
	size_t n;

	if (err && errsz)
		err[0] = '\0';
	if (!s) {
		set_err(err, errsz, "%s", TR("时间为空", "the time is empty"));
		return false;
	}
	if (!normalize_input(s, buf, sizeof buf)) {
		set_err(err, errsz, ERR_SHAPE, shown_len(s), s);
		return false;
	}
	n = strlen(buf);
	end = buf + n;
	if (n == 0) {
		set_err(err, errsz, "%s", TR("时间为空", "the time is empty"));
		return false;
	}

	if (strcmp(buf, "现在") == 0 ||
	    (n == 3 && (buf[0] | 0x20) == 'n' && (buf[1] | 0x20) == 'o' &&
	     (buf[2] | 0x20) == 'w')) {
		if (out)
			*out = now;
		return true;
	}

	/* All digits: a Unix time (9+ digits) or YYYYMMDD. */
	if (strspn(buf, "0123456789") == n && n != 8) {
		int64_t v = 0;
		size_t i;

		if (n < 9) {
			set_err(err, errsz, ERR_SHAPE, shown_len(s), s);
			return false;
		}
		for (i = 0; i < n; i++) {
			if (v > (MAX_UNIX - (buf[i] - '0')) / 10) {
				set_err(err, errsz, TR("时间戳超出范围：%.*s", "timestamp out of range: %.*s"),
					shown_len(buf), buf);
				return false;
			}
			v = v * 10 + (buf[i] - '0');
		}
		if (out)
			*out = v;
		return true;
	}

	/* Split date and clock: at the first space, else at 'T', else after
	 * 日/号 when something follows. */
	split = strpbrk(buf, " \t");
	date_end = split;
	if (!split) {
		const char *t = strpbrk(buf, "Tt");
		if (t && t > buf && isdig(t[-1]))
			split = date_end = t;
	}
	if (!split) {
		const char *r = strstr(buf, ZH_RI);
		if (!r)
			r = strstr(buf, ZH_HAO);
		if (r && r + 3 < end)
			split = date_end = r + 3;
	}

	if (!split) {
		/* One part: a clock or a full date. */
		if (scan_clock(buf, end, &h, &mi, &sec, &has_sec)) {
			have_clock = true;
		} else if (scan_ymd(buf, end, &y, &m, &d)) {
			have_date = have_year = true;
		} else {
			set_err(err, errsz, ERR_SHAPE, shown_len(s), s);
			return false;
		}
	} else {
		rest = split;
		if (*rest == 'T' || *rest == 't')
			rest++;
		while (rest < end && (*rest == ' ' || *rest == '\t'))
			rest++;
		if (scan_ymd(buf, date_end, &y, &m, &d)) {
			have_year = true;
		} else if (!scan_md(buf, date_end, &m, &d)) {
			set_err(err, errsz, ERR_SHAPE, shown_len(s), s);
			return false;
		}
		have_date = have_clock = true;
		/* An offset: trailing Z, or the first sign in the clock part. */
		clock_end = end;
		if (end > rest && (end[-1] == 'Z' || end[-1] == 'z')) {
			off = end - 1;
		} else {
			const char *q;
			for (q = rest; q < end; q++)
				if (*q == '+' || *q == '-') {
					off = q;
					break;
				}
		}
		if (off) {
			clock_end = off;
			while (clock_end > rest &&
			       (clock_end[-1] == ' ' || clock_end[-1] == '\t'))
				clock_end--;
			if (!scan_offset(off, end, &oh, &om, &sign)) {
				set_err(err, errsz, ERR_SHAPE, shown_len(s), s);
				return false;
			}
		}
		if (!scan_clock(rest, clock_end, &h, &mi, &sec, &has_sec)) {
			set_err(err, errsz, ERR_SHAPE, shown_len(s), s);
			return false;
		}
	}

	if (have_date && !have_year) {
		time_to_local(now, &y, NULL, NULL, NULL, NULL, NULL);
	}
	if (have_date && !date_valid(y, m, d)) {
		if (y < MIN_YEAR || y > MAX_YEAR)
			set_err(err, errsz, TR("年份超出范围：%04d（应在 %d-%d 之间）", "year out of range: %04d (must be %d-%d)"),
				y, MIN_YEAR, MAX_YEAR);
		else
			set_err(err, errsz, TR("日期不存在：%04d-%02d-%02d", "no such date: %04d-%02d-%02d"), y, m, d);
		return false;
	}
	if (have_clock && !clock_valid(h, mi, sec)) {
		if (has_sec)
			set_err(err, errsz, TR("时刻不存在：%02d:%02d:%02d", "no such time of day: %02d:%02d:%02d"), h, mi, sec);
		else
			set_err(err, errsz, TR("时刻不存在：%02d:%02d", "no such time of day: %02d:%02d"), h, mi);
		return false;
	}
	if (off && (oh > 14 || om > 59 || (oh == 14 && om > 0))) {
		set_err(err, errsz, TR("时区偏移不正确：「%s」", "bad time zone offset \"%s\""), off);
		return false;
	}
	if (!have_date) {
		/* A clock alone: first on now's date in the display zone (moved to
		 * the nearest day below). */
		time_to_local(now, &y, &m, &d, NULL, NULL, NULL);
	}

	if (off) {
		result = time_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 +
			 sec - sign * (oh * 3600 + om * 60);
	} else if (!local_to_instant(y, m, d, (int64_t)h * 3600 + mi * 60 + sec,
				     true, &result)) {
		set_err(err, errsz,
			TR("该时刻在本时区不存在（夏令时调整）：%04d-%02d-%02d %02d:%02d",
			   "that time does not exist in this time zone (a daylight saving change): %04d-%02d-%02d %02d:%02d"),
			y, m, d, h, mi);
		return false;
	}
	/* A clock alone means the occurrence nearest to now: on a duty night
	 * "23:50" typed at 00:10 is last night, and a deadline of "08:00" typed
	 * at 22:00 is tomorrow morning. */
	if (!have_date && !off) {
		int64_t alt;
		if (result - now > 12 * 3600 &&
		    local_to_instant(y, m, d - 1, (int64_t)h * 3600 + mi * 60 + sec, true, &alt))
			result = alt;
		else if (now - result > 12 * 3600 &&
			 local_to_instant(y, m, d + 1, (int64_t)h * 3600 + mi * 60 + sec, true, &alt))
			result = alt;
	}
	if (out)
		*out = result;
	return true;
}

/* ---- formatting -------------------------------------------------------- */

char *time_format(int64_t t, enum time_fmt fmt, char *buf, size_t bufsz)
{
	int64_t y, off;
	int m, d, hh, mm, ss;
	char sign;

	if (!buf || bufsz == 0)
		return buf;
	local_fields(t, &y, &m, &d, &hh, &mm, &ss);
	switch (fmt) {
	case TIME_SECONDS:
		snprintf(buf, bufsz, "%04lld-%02d-%02d %02d:%02d:%02d",
			 (long long)y, m, d, hh, mm, ss);
		break;
	case TIME_SHORT:
		snprintf(buf, bufsz, "%02d-%02d %02d:%02d", m, d, hh, mm);
		break;
	case TIME_CLOCK:
		snprintf(buf, bufsz, "%02d:%02d", hh, mm);
		break;
	case TIME_DATE:
		snprintf(buf, bufsz, "%04lld-%02d-%02d", (long long)y, m, d);
		break;
	case TIME_ISO:
		/* The offset is what the local fields say minus the instant. */
		off = time_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 +
		      ss - t;
		sign = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		snprintf(buf, bufsz, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
			 (long long)y, m, d, hh, mm, ss, sign,
			 (int)(off / 3600), (int)(off / 60 % 60));
		break;
	case TIME_FULL:
	default:
		snprintf(buf, bufsz, "%04lld-%02d-%02d %02d:%02d",
			 (long long)y, m, d, hh, mm);
		break;
	}
	return buf;
}

char *time_format_duration(int64_t secs, bool english, char *buf, size_t bufsz)
{
	static const char *const en[] = { "d", "h", "m" };
	static const char *const zh[] = { "天", "小时", "分" };
	uint64_t a, v[3];
	int i, n;

	if (!buf || bufsz == 0)
		return buf;
	a = secs < 0 ? (uint64_t)0 - (uint64_t)secs : (uint64_t)secs;
	v[0] = a / 86400;
	v[1] = a / 3600 % 24;
	v[2] = a / 60 % 60;
	/* The largest unit that is not 0 (minutes, even 0, at the least) ... */
	i = v[0] ? 0 : v[1] ? 1 : 2;
	n = snprintf(buf, bufsz, "%llu%s", (unsigned long long)v[i], english ? en[i] : zh[i]);
	/* ... and the next one when it is not 0: 1天5小时, 2h05m. */
	if (i < 2 && v[i + 1] > 0 && n > 0 && (size_t)n < bufsz)
		snprintf(buf + n, bufsz - (size_t)n, "%0*llu%s", english && i == 1 ? 2 : 0,
			 (unsigned long long)v[i + 1], english ? en[i + 1] : zh[i + 1]);
	return buf;
}
