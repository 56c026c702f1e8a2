/* Unit tests for src/core/workdays.c and the shipped calendars
 * (data/holidays/YYYY.txt). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zhishou/embedded.h"
#include "zhishou/timeutil.h"
#include "zhishou/workdays.h"

#define D(y, m, d) ((struct civil_date){ (y), (m), (d) })

/* The server's own TZ is New York (tests/meson.build): the display zone
 * must come from time_set_zone alone. */
static int setup_shanghai(void **state)
{
	(void)state;
	setenv("TZ", "America/New_York", 1);
	tzset();
	return time_set_zone("Asia/Shanghai") ? 0 : -1;
}

/* ---- an independent little calendar, for checking ----------------------- */

static int64_t days_of(int y, int m, int d)
{
	/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
	int64_t yy = y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static int month_len(int y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : md[m - 1];
}

static struct civil_date next_day(struct civil_date c)
{
	if (++c.d > month_len(c.y, c.m)) {
		c.d = 1;
		if (++c.m > 12) {
			c.m = 1;
			c.y++;
		}
	}
	return c;
}

/* 0 = Monday ... 6 = Sunday */
static int wday(struct civil_date c)
{
	int64_t z = days_of(c.y, c.m, c.d) + 3;

	return (int)(((z % 7) + 7) % 7);
}

static bool same(struct civil_date a, struct civil_date b)
{
	return a.y == b.y && a.m == b.m && a.d == b.d;
}

static void add_is(struct civil_date d, int n, struct civil_date want, bool want_known)
{
	bool known = !want_known;
	struct civil_date got = workday_add(d, n, &known);

	if (!same(got, want))
		fail_msg("workday_add(%04d-%02d-%02d, %d) = %04d-%02d-%02d, want %04d-%02d-%02d",
			 d.y, d.m, d.d, n, got.y, got.m, got.d, want.y, want.m, want.d);
	if (known != want_known)
		fail_msg("workday_add(%04d-%02d-%02d, %d): known = %d, want %d",
			 d.y, d.m, d.d, n, known, want_known);
}

static void is_is(struct civil_date d, bool want, bool want_known)
{
	bool known = !want_known;
	bool got = workday_is(d, &known);

	if (got != want || known != want_known)
		fail_msg("workday_is(%04d-%02d-%02d) = %d (known %d), want %d (known %d)",
			 d.y, d.m, d.d, got, known, want, want_known);
}

static void between_is(struct civil_date a, struct civil_date b, int want, bool want_known)
{
	bool known = !want_known;
	int got = workday_between(a, b, &known);

	if (got != want || known != want_known)
		fail_msg("workday_between(%04d-%02d-%02d, %04d-%02d-%02d) = %d (known %d), "
			 "want %d (known %d)", a.y, a.m, a.d, b.y, b.m, b.d, got, known,
			 want, want_known);
}

/* ---- the shipped calendar files ----------------------------------------- */

struct line {
	struct civil_date d;
	bool work;
	char name[64];   /* the holiday: comment up to 放假 / 调休上班 */
};

static const char *const weekday_zh[7] = { "一", "二", "三", "四", "五", "六", "日" };

/* Parse one shipped file strictly, independently of workdays.c.  Every date
 * line must read "YYYY-MM-DD off|work  # <名称>放假|<名称>调休上班（周X）",
 * the weekday in the comment being optional but right when given. */
static int parse_file(const struct embedded_file *f, int year, struct line *out, int max)
{
	char buf[512];
	const char *p = f->data, *end = f->data + f->size;
	int n = 0, lineno = 0;

	assert_int_equal(strlen(f->data), f->size);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char date[16], kind[16], rest[400];
		char *hash, *mark;
		struct line *l;
		int y, m, d, used = 0;

		lineno++;
		if (len >= sizeof buf) {
			fail_msg("%s:%d: line too long", f->name, lineno);
			return n;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		p = nl ? nl + 1 : end;
		if (buf[0] == '\0' || buf[0] == '#')
			continue;
		if (n >= max) {
			fail_msg("%s: too many dates", f->name);
			return n;
		}
		l = &out[n];
		hash = strchr(buf, '#');
		if (!hash)
			fail_msg("%s:%d: no '# 名称' comment: %s", f->name, lineno, buf);
		*hash = '\0';
		if (sscanf(buf, "%15s %15s %n", date, kind, &used) != 2 || buf[used] != '\0')
			fail_msg("%s:%d: not \"YYYY-MM-DD off|work\": %s", f->name, lineno, buf);
		if (strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
		    date[4] != '-' || date[7] != '-')
			fail_msg("%s:%d: bad date %s", f->name, lineno, date);
		if (y != year)
			fail_msg("%s:%d: date %s not in %d", f->name, lineno, date, year);
		if (m < 1 || m > 12 || d < 1 || d > month_len(y, m))
			fail_msg("%s:%d: no such date %s", f->name, lineno, date);
		l->d = D(y, m, d);
		if (!strcmp(kind, "off"))
			l->work = false;
		else if (!strcmp(kind, "work"))
			l->work = true;
		else
			fail_msg("%s:%d: kind \"%s\" is neither off nor work", f->name, lineno, kind);

		snprintf(rest, sizeof rest, "%s", hash + 1);
		{
			char *s = rest;

			while (*s == ' ')
				s++;
			mark = strstr(s, l->work ? "调休上班" : "放假");
			if (!mark || mark == s)
				fail_msg("%s:%d: comment should name the holiday then say %s: %s",
					 f->name, lineno, l->work ? "调休上班" : "放假", s);
			if ((size_t)(mark - s) >= sizeof l->name)
				fail_msg("%s:%d: holiday name too long", f->name, lineno);
			memcpy(l->name, s, (size_t)(mark - s));
			l->name[mark - s] = '\0';
			mark = strstr(s, "（周");
			if (mark) {
				const char *wz = weekday_zh[wday(l->d)];

				if (strncmp(mark + strlen("（周"), wz, strlen(wz)))
					fail_msg("%s:%d: %s is a 周%s, the comment says %s",
						 f->name, lineno, date, wz, mark);
			}
		}
		for (int i = 0; i < n; i++)
			if (same(out[i].d, l->d))
				fail_msg("%s:%d: %s listed twice", f->name, lineno, date);
		n++;
	}
	return n;
}

static void test_shipped_calendars(void **state)
{
	int years[64], nyears, files = 0;

	(void)state;
	nyears = workday_years(years, 64);
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		struct line lines[400];
		int year, n, found = 0;
		char tail[8];

		if (strncmp(f->name, "holidays/", 9))
			continue;
		if (sscanf(f->name, "holidays/%4d%7s", &year, tail) != 2 ||
		    strcmp(tail, ".txt"))
			fail_msg("embedded %s: calendars are named holidays/YYYY.txt", f->name);
		files++;
		/* The module loaded it (a malformed file would be dropped). */
		for (int i = 0; i < nyears; i++)
			found += years[i] == year;
		if (found != 1)
			fail_msg("%s is embedded but workday_years does not list %d", f->name, year);
		assert_non_null(strstr(f->data, "国务院办公厅关于"));   /* the source */

		n = parse_file(f, year, lines, 400);
		assert_true(n > 0);
		for (int i = 0; i < n; i++) {
			struct line *l = &lines[i];
			int wd = wday(l->d);
			bool has_off = false;

			if (l->work) {
				/* 调休: only a Saturday or Sunday can be made a working day,
				 * and it belongs to a holiday listed in the file. */
				if (wd < 5)
					fail_msg("%s: work %04d-%02d-%02d is a weekday", f->name,
						 l->d.y, l->d.m, l->d.d);
				for (int j = 0; j < n; j++)
					has_off |= !lines[j].work && !strcmp(lines[j].name, l->name);
				if (!has_off)
					fail_msg("%s: work %04d-%02d-%02d for \"%s\", which has no days off",
						 f->name, l->d.y, l->d.m, l->d.d, l->name);
			} else {
				/* An off day is part of its holiday's one unbroken block:
				 * the next day either ends the block or is also off for
				 * the same holiday, and no later off day of the holiday
				 * is separated from it. */
				struct civil_date nd = next_day(l->d);
				bool next_in = false, later = false;

				for (int j = 0; j < n; j++) {
					if (lines[j].work || strcmp(lines[j].name, l->name))
						continue;
					if (same(lines[j].d, nd))
						next_in = true;
					else if (days_of(lines[j].d.y, lines[j].d.m, lines[j].d.d) >
						 days_of(nd.y, nd.m, nd.d))
						later = true;
				}
				if (later && !next_in)
					fail_msg("%s: off days of \"%s\" are not one block (gap after "
						 "%04d-%02d-%02d)", f->name, l->name, l->d.y, l->d.m, l->d.d);
			}
			is_is(l->d, l->work, true);
		}
		/* Every day not listed is plain: Monday to Friday work. */
		for (struct civil_date c = D(year, 1, 1); c.y == year; c = next_day(c)) {
			bool listed = false;

			for (int i = 0; i < n; i++)
				listed |= same(lines[i].d, c);
			if (!listed)
				is_is(c, wday(c) < 5, true);
		}
	}
	/* Every year listed has its file, and none was invented. */
	assert_int_equal(files, nyears);
}

static void test_years(void **state)
{
	int years[8] = { 0 };
	int n;

	(void)state;
	n = workday_years(years, 8);
	assert_true(n >= 2);
	for (int i = 1; i < n; i++)
		assert_true(years[i - 1] < years[i]);
	assert_int_equal(years[0], 2025);
	assert_int_equal(years[1], 2026);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(years[i], 2027);   /* not published to us */
	memset(years, 0, sizeof years);
	assert_int_equal(workday_years(years, 1), 1);
	assert_int_equal(years[0], 2025);
	assert_int_equal(years[1], 0);
	assert_int_equal(workday_years(years, 0), 0);
}

static void test_is(void **state)
{
	(void)state;
	is_is(D(2026, 2, 13), true, true);    /* Fri */
	is_is(D(2026, 2, 14), true, true);    /* Sat, 调休 */
	is_is(D(2026, 2, 16), false, true);   /* Mon, 春节 */
	is_is(D(2026, 2, 21), false, true);   /* Sat */
	is_is(D(2026, 2, 24), true, true);
	is_is(D(2026, 3, 7), false, true);    /* plain Saturday */
	is_is(D(2026, 1, 4), true, true);     /* Sun, 元旦调休 */
	is_is(D(2025, 1, 26), true, true);    /* Sun, 春节调休 */
	is_is(D(2025, 10, 8), false, true);   /* Wed, 国庆中秋 */
	is_is(D(2025, 10, 11), true, true);   /* Sat, 调休 */
	/* No calendar: Monday to Friday, and said so. */
	is_is(D(2027, 1, 1), true, false);    /* a Friday (surely a holiday) */
	is_is(D(2027, 1, 2), false, false);
	is_is(D(2024, 10, 1), true, false);   /* a Tuesday */
	is_is(D(2024, 12, 31), true, false);
}

static void test_spring_festival_2026(void **state)
{
	(void)state;
	add_is(D(2026, 2, 13), 0, D(2026, 2, 13), true);
	add_is(D(2026, 2, 13), 1, D(2026, 2, 14), true);   /* Sat, make-up */
	add_is(D(2026, 2, 13), 2, D(2026, 2, 24), true);   /* Tue after 春节 */
	add_is(D(2026, 2, 14), 1, D(2026, 2, 24), true);
	add_is(D(2026, 2, 15), 1, D(2026, 2, 24), true);   /* received in the holiday */
	add_is(D(2026, 2, 20), 1, D(2026, 2, 24), true);
	add_is(D(2026, 2, 23), 1, D(2026, 2, 24), true);
	add_is(D(2026, 2, 27), 1, D(2026, 2, 28), true);   /* Sat, make-up */
	add_is(D(2026, 2, 27), 2, D(2026, 3, 2), true);
	/* Order 20: accept within 7 working days of Tue 2026-02-10:
	 * 11, 12, 13, 14 (Sat), 24, 25, 26. */
	add_is(D(2026, 2, 10), 7, D(2026, 2, 26), true);
	between_is(D(2026, 2, 10), D(2026, 2, 26), 7, true);
	between_is(D(2026, 2, 13), D(2026, 2, 24), 2, true);
	between_is(D(2026, 2, 14), D(2026, 2, 23), 0, true);
	/* The same weeks in 2025: 1-26 (Sun) and 2-8 (Sat) are make-up days. */
	add_is(D(2025, 1, 24), 1, D(2025, 1, 26), true);
	add_is(D(2025, 1, 24), 2, D(2025, 1, 27), true);
	add_is(D(2025, 1, 24), 3, D(2025, 2, 5), true);
	add_is(D(2025, 2, 7), 1, D(2025, 2, 8), true);
}

static void test_qingming_labour_2026(void **state)
{
	(void)state;
	add_is(D(2026, 4, 3), 1, D(2026, 4, 7), true);
	add_is(D(2026, 4, 2), 2, D(2026, 4, 7), true);
	add_is(D(2026, 4, 30), 1, D(2026, 5, 6), true);
	add_is(D(2026, 5, 8), 1, D(2026, 5, 9), true);     /* Sat, make-up */
	add_is(D(2026, 5, 8), 2, D(2026, 5, 11), true);
	add_is(D(2026, 6, 18), 1, D(2026, 6, 22), true);   /* 端午 */
	add_is(D(2025, 4, 25), 1, D(2025, 4, 27), true);   /* Sun, make-up */
	add_is(D(2025, 4, 30), 1, D(2025, 5, 6), true);
	add_is(D(2025, 4, 3), 1, D(2025, 4, 7), true);
}

static void test_national_day(void **state)
{
	(void)state;
	add_is(D(2026, 9, 18), 1, D(2026, 9, 20), true);   /* Sun, make-up */
	add_is(D(2026, 9, 24), 1, D(2026, 9, 28), true);   /* 中秋 */
	add_is(D(2026, 9, 30), 1, D(2026, 10, 8), true);
	add_is(D(2026, 10, 9), 1, D(2026, 10, 10), true);  /* Sat, make-up */
	add_is(D(2026, 10, 10), 1, D(2026, 10, 12), true);
	add_is(D(2025, 9, 26), 1, D(2025, 9, 28), true);   /* Sun, make-up */
	add_is(D(2025, 9, 30), 1, D(2025, 10, 9), true);
	add_is(D(2025, 10, 10), 1, D(2025, 10, 11), true); /* Sat, make-up */
	between_is(D(2025, 9, 30), D(2025, 10, 10), 2, true);
}

static void test_year_boundaries(void **state)
{
	(void)state;
	add_is(D(2025, 12, 31), 1, D(2026, 1, 4), true);   /* Sun, make-up */
	add_is(D(2025, 12, 31), 2, D(2026, 1, 5), true);
	add_is(D(2025, 12, 15), 15, D(2026, 1, 6), true);
	between_is(D(2025, 12, 31), D(2026, 1, 4), 1, true);
	/* 248 working days in each of 2025 and 2026 (2025-01-01 is 元旦). */
	between_is(D(2024, 12, 31), D(2025, 12, 31), 248, true);
	between_is(D(2025, 12, 31), D(2026, 12, 31), 248, true);
	between_is(D(2025, 1, 1), D(2026, 12, 31), 496, true);
	/* Into a year without a calendar: Mon-Fri, and known is false. */
	add_is(D(2026, 12, 30), 1, D(2026, 12, 31), true);
	add_is(D(2026, 12, 31), 1, D(2027, 1, 1), false);
	add_is(D(2026, 12, 25), 7, D(2027, 1, 5), false);
	add_is(D(2027, 3, 5), 1, D(2027, 3, 8), false);
	add_is(D(2024, 9, 30), 1, D(2024, 10, 1), false);  /* no guessing */
	add_is(D(2024, 12, 27), 2, D(2024, 12, 31), false);
	add_is(D(2024, 12, 27), 3, D(2025, 1, 2), false);
	/* Day d itself does not count: from 12-31 only 2025 is crossed. */
	add_is(D(2024, 12, 31), 1, D(2025, 1, 2), true);
	between_is(D(2024, 12, 20), D(2025, 1, 10), 14, false);
	between_is(D(2026, 12, 1), D(2027, 1, 1), 23, false);
	between_is(D(2027, 1, 1), D(2027, 1, 1), 0, true);
	between_is(D(2026, 3, 1), D(2026, 2, 1), 0, true);
}

static void test_mediation_45(void **state)
{
	(void)state;
	/* Mediation ended within 45 working days: Mon 2026-02-02 -> Mon 04-13
	 * (Feb 4+5+1(02-14)+4+1(02-28), March 22, April 3+4+1). */
	add_is(D(2026, 2, 2), 45, D(2026, 4, 13), true);
	between_is(D(2026, 2, 2), D(2026, 4, 13), 45, true);
	between_is(D(2026, 2, 2), D(2026, 4, 12), 44, true);
	add_is(D(2025, 9, 15), 45, D(2025, 11, 21), true);
	add_is(D(2026, 9, 1), 45, D(2026, 11, 9), true);
	/* A tip checked within 15. */
	add_is(D(2026, 9, 21), 15, D(2026, 10, 19), true);
}

/* between(d, add(d, n)) == n, add gives a working day, and one more working
 * day is always later: for every day of 2024-12 .. 2027-01 and n to 60. */
static void test_between_add_consistent(void **state)
{
	(void)state;
	for (struct civil_date d = D(2024, 12, 1); d.y < 2027 || d.m == 1; d = next_day(d)) {
		struct civil_date prev = d;

		for (int n = 0; n <= 60; n++) {
			bool k1, k2, kis;
			struct civil_date r = workday_add(d, n, &k1);
			int back = workday_between(d, r, &k2);
			int64_t zr = days_of(r.y, r.m, r.d), zp = days_of(prev.y, prev.m, prev.d);

			if (back != n || k1 != k2)
				fail_msg("%04d-%02d-%02d + %d = %04d-%02d-%02d, but between = %d "
					 "(known %d/%d)", d.y, d.m, d.d, n, r.y, r.m, r.d, back, k1, k2);
			if (n > 0) {
				assert_true(workday_is(r, &kis));
				assert_true(zr > zp);
				/* nothing skipped: no working day strictly between */
				for (struct civil_date c = next_day(prev); !same(c, r); c = next_day(c))
					assert_false(workday_is(c, &kis));
			}
			prev = r;
		}
	}
}

static void test_deadline_shanghai(void **state)
{
	bool known = false;
	/* Fri 2026-02-13 23:30 +08:00 = 15:30 UTC = 10:30 in New York. */
	int64_t t = INT64_C(1770996600);

	(void)state;
	/* +1 working day: Sat 2026-02-14 23:59:59 +08:00. */
	assert_int_equal(workday_deadline(t, 1, &known), INT64_C(1771084799));
	assert_true(known);
	assert_int_equal(workday_deadline(t, 1, &known),
			 time_from_local(2026, 2, 14, 86399));
	/* An hour later it is already Sat 02-14 in Shanghai (still Friday in
	 * New York): the next working day is Tue 02-24. */
	assert_int_equal(workday_deadline(t + 3600, 1, &known), INT64_C(1771948799));
	assert_true(known);
	/* n = 0: the end of the same local day. */
	assert_int_equal(workday_deadline(t, 0, &known), INT64_C(1771084799) - 86400);
	{
		char buf[64];

		time_format(workday_deadline(t, 2, &known), TIME_SECONDS, buf, sizeof buf);
		assert_string_equal(buf, "2026-02-24 23:59:59");
	}
	/* Into 2027: answered Mon-Fri, flagged unknown. */
	t = time_from_local(2026, 12, 31, 10 * 3600);
	assert_int_equal(workday_deadline(t, 1, &known), time_from_local(2027, 1, 1, 86399));
	assert_false(known);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_calendars),
		cmocka_unit_test(test_years),
		cmocka_unit_test(test_is),
		cmocka_unit_test(test_spring_festival_2026),
		cmocka_unit_test(test_qingming_labour_2026),
		cmocka_unit_test(test_national_day),
		cmocka_unit_test(test_year_boundaries),
		cmocka_unit_test(test_mediation_45),
		cmocka_unit_test(test_between_add_consistent),
		cmocka_unit_test(test_deadline_shanghai),
	};

	return cmocka_run_group_tests(tests, setup_shanghai, NULL);
}
