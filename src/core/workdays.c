/* Working days by the State Council's holiday schedule (see workdays.h).
 *
 * The calendars are the embedded files "holidays/YYYY.txt" (data/holidays/,
 * listed in data_files in meson.build): the years are found by walking the
 * embedded table, so a new year is one data file and one meson line.  Each
 * file is parsed once, on first use.  A malformed file is reported on stderr
 * and its year is treated as having no calendar (answers say *known false);
 * tests/unit/test_workdays.c checks that every shipped file loads. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/embedded.h"
#include "zhishou/timeutil.h"
#include "zhishou/workdays.h"

enum { DAY_PLAIN = 0, DAY_OFF = 1, DAY_WORK = 2 };

struct cal_year {
	int year;
	unsigned char kind[366];   /* by day of year, 0-based */
};

static struct cal_year *cals;   /* ascending by year */
static int ncals;
static bool loaded;

/* ---- civil date arithmetic (proleptic Gregorian, day 0 = 1970-01-01) ---- */

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : md[m - 1];
}


/* The day number of a civil date; an out-of-range month or day is carried
 * (2026-13-01 is 2027-01-01, 2026-02-30 is 2026-03-02). */
static int64_t day_of(struct civil_date c)
{
	int64_t y = (int64_t)c.y + time_floor_div((int64_t)c.m - 1, 12);
	int m = (int)time_floor_mod((int64_t)c.m - 1, 12) + 1;

	return time_days_from_civil(y, m, 1) + (int64_t)c.d - 1;
}

static struct civil_date date_of(int64_t z)
{
	struct civil_date c;
	int64_t y;

	time_civil_from_days(z, &y, &c.m, &c.d);
	c.y = y > INT_MAX ? INT_MAX : y < INT_MIN ? INT_MIN : (int)y;
	return c;
}

static int64_t year_of(int64_t z)
{
	int64_t y;
	int m, d;

	time_civil_from_days(z, &y, &m, &d);
	return y;
}

/* 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
static int weekday(int64_t z)
{
	return (int)time_floor_mod(z + 3, 7);
}

/* Mondays-to-Fridays from some fixed origin up to and including day z:
 * only differences are meaningful. */
static int64_t weekdays_through(int64_t z)
{
	int64_t s = z + 3;   /* 0 = a Monday */
	int64_t r = time_floor_mod(s, 7);

	return 5 * time_floor_div(s, 7) + (r + 1 < 5 ? r + 1 : 5);
}

/* ---- loading the embedded calendars ------------------------------------ */

/* "holidays/2026.txt" -> 2026; 0 for any other name. */
static int calendar_name_year(const char *name)
{
	static const char prefix[] = "holidays/";
	const char *p;
	int y = 0;

	if (strncmp(name, prefix, sizeof prefix - 1))
		return 0;
	p = name + sizeof prefix - 1;
	for (int i = 0; i < 4; i++, p++) {
		if (*p < '0' || *p > '9')
			return 0;
		y = y * 10 + (*p - '0');
	}
	return strcmp(p, ".txt") ? 0 : y;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool digits(const char *p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

static void bad_line(const char *name, int lineno, const char *why,
		     const char *s, size_t len)
{
	fprintf(stderr,
		"zhishou: embedded %s line %d: %s: \"%.*s\"; year treated as "
		"having no calendar (内置节假日数据有误，该年份按无日历处理)\n",
		name, lineno, why, (int)(len > 120 ? 120 : len), s);
}

/* Parse one embedded calendar into *cal; false (reported) if malformed. */
static bool parse_calendar(const struct embedded_file *f, int year,
			   struct cal_year *cal)
{
	const char *p = f->data, *end = f->data + f->size;
	int lineno = 0, entries = 0;

	memset(cal, 0, sizeof *cal);
	cal->year = year;
	if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;   /* a UTF-8 byte-order mark */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p, *e = le, *hash, *w;
		int y, m, d, kind;
		size_t wl;
		int64_t doy;

		lineno++;
		p = nl ? nl + 1 : end;
		hash = memchr(s, '#', (size_t)(e - s));
		if (hash)
			e = hash;
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		if (s == e)
			continue;
		if (memchr(s, '\0', (size_t)(e - s))) {
			bad_line(f->name, lineno, "NUL byte", "", 0);
			return false;
		}
		/* YYYY-MM-DD <blanks> off|work */
		if (e - s < 11 || !digits(s, 4, &y) || s[4] != '-' ||
		    !digits(s + 5, 2, &m) || s[7] != '-' || !digits(s + 8, 2, &d) ||
		    !is_blank(s[10])) {
			bad_line(f->name, lineno, "expected \"YYYY-MM-DD off|work\"",
				 s, (size_t)(e - s));
			return false;
		}
		if (m < 1 || m > 12 || d < 1 || d > month_days(y, m)) {
			bad_line(f->name, lineno, "no such date", s, (size_t)(e - s));
			return false;
		}
		if (y != year) {
			bad_line(f->name, lineno, "date outside the file's year",
				 s, (size_t)(e - s));
			return false;
		}
		w = s + 10;
		while (w < e && is_blank(*w))
			w++;
		wl = (size_t)(e - w);
		if (wl == 3 && !memcmp(w, "off", 3)) {
			kind = DAY_OFF;
		} else if (wl == 4 && !memcmp(w, "work", 4)) {
			kind = DAY_WORK;
		} else {
			bad_line(f->name, lineno, "expected \"off\" or \"work\"",
				 s, (size_t)(e - s));
			return false;
		}
		doy = time_days_from_civil(y, m, d) - time_days_from_civil(y, 1, 1);
		if (cal->kind[doy]) {
			bad_line(f->name, lineno, "date listed twice", s, (size_t)(e - s));
			return false;
		}
		cal->kind[doy] = (unsigned char)kind;
		entries++;
	}
	if (!entries) {
		bad_line(f->name, lineno, "no dates", "", 0);
		return false;
	}
	return true;
}

static int cmp_cal(const void *a, const void *b)
{
	const struct cal_year *x = a, *y = b;

	return (x->year > y->year) - (x->year < y->year);
}

static void load(void)
{
	int n = 0;

	if (loaded)
		return;
	loaded = true;
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (calendar_name_year(f->name))
			n++;
	if (!n)
		return;
	cals = calloc((size_t)n, sizeof *cals);
	if (!cals) {
		fprintf(stderr, "zhishou: out of memory loading holiday calendars\n");
		return;
	}
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		int y = calendar_name_year(f->name);

		if (y && parse_calendar(f, y, &cals[ncals]))
			ncals++;
	}
	qsort(cals, (size_t)ncals, sizeof *cals, cmp_cal);
}

static const struct cal_year *calendar(int64_t year)
{
	int lo = 0, hi = ncals;

	load();
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (cals[mid].year == year)
			return &cals[mid];
		if (cals[mid].year < year)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- the contract ------------------------------------------------------- */

static bool day_is_workday(int64_t z, bool *known)
{
	int64_t y = year_of(z);
	const struct cal_year *cal = calendar(y);
	int k = cal ? cal->kind[z - time_days_from_civil(y, 1, 1)] : DAY_PLAIN;

	if (known)
		*known = cal != NULL;
	if (k == DAY_OFF)
		return false;
	if (k == DAY_WORK)
		return true;
	return weekday(z) < 5;
}

bool workday_is(struct civil_date d, bool *known)
{
	return day_is_workday(day_of(d), known);
}

/* Working days in (a, b] by day numbers. */
static int64_t between_days(int64_t a, int64_t b, bool *known)
{
	int64_t n, ya, yb;
	bool all = true;

	if (b <= a) {
		if (known)
			*known = true;
		return 0;
	}
	load();
	n = weekdays_through(b) - weekdays_through(a);
	ya = year_of(a + 1);
	yb = year_of(b);
	if (yb - ya + 1 > ncals)
		all = false;
	for (int64_t y = ya; all && y <= yb; y++)
		if (!calendar(y))
			all = false;
	for (int i = 0; i < ncals; i++) {
		const struct cal_year *cal = &cals[i];
		int64_t jan1, len;

		if (cal->year < ya || cal->year > yb)
			continue;
		jan1 = time_days_from_civil(cal->year, 1, 1);
		len = leap(cal->year) ? 366 : 365;
		for (int64_t i2 = 0; i2 < len; i2++) {
			int64_t z = jan1 + i2;
			bool plain;

			if (!cal->kind[i2] || z <= a || z > b)
				continue;
			plain = weekday(z) < 5;
			if (cal->kind[i2] == DAY_OFF && plain)
				n--;
			else if (cal->kind[i2] == DAY_WORK && !plain)
				n++;
		}
	}
	if (known)
		*known = all;
	return n;
}

int workday_between(struct civil_date a, struct civil_date b, bool *known)
{
	int64_t n = between_days(day_of(a), day_of(b), known);

	return n > INT_MAX ? INT_MAX : (int)n;
}

struct civil_date workday_add(struct civil_date d, int n, bool *known)
{
	int64_t z = day_of(d), lo, hi;

	if (n <= 0) {
		if (known)
			*known = true;
		return date_of(z);
	}
	/* between_days(z, x) grows with x: find the first x where it reaches n.
	 * Invariant: between(z, lo) < n <= between(z, hi). */
	lo = z;
	hi = z + n;
	while (between_days(z, hi, NULL) < n) {
		lo = hi;
		hi = z + 2 * (hi - z);
	}
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (between_days(z, mid, NULL) < n)
			lo = mid;
		else
			hi = mid;
	}
	between_days(z, hi, known);
	return date_of(hi);
}

int workday_years(int *years, int max)
{
	int n = 0;

	load();
	for (; n < ncals && n < max; n++)
		if (years)
			years[n] = cals[n].year;
	return n;
}

int64_t workday_deadline(int64_t t, int n, bool *known)
{
	struct civil_date d, r;

	time_to_local(t, &d.y, &d.m, &d.d, NULL, NULL, NULL);
	/* A review asks for the same few (day, n) pairs tens of thousands of
	 * times: remember the last answers (direct-mapped by day and n). */
	static struct {
		int y, m, d, n;
		struct civil_date r;
		bool known, used;
	} memo[512];
	unsigned h = ((unsigned)(d.y * 372 + d.m * 31 + d.d) * 31u + (unsigned)n) % 512u;
	if (memo[h].used && memo[h].y == d.y && memo[h].m == d.m && memo[h].d == d.d && memo[h].n == n) {
		*known = memo[h].known;
		r = memo[h].r;
	} else {
		r = workday_add(d, n, known);
		memo[h].y = d.y;
		memo[h].m = d.m;
		memo[h].d = d.d;
		memo[h].n = n;
		memo[h].r = r;
		memo[h].known = *known;
		memo[h].used = true;
	}
	return time_from_local(r.y, r.m, r.d, 86399);
}
