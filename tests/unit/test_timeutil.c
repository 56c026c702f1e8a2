/* Unit tests for src/util/timeutil.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zhishou/i18n.h"
#include "zhishou/timeutil.h"

/* 2026-03-15 20:00:00 +08:00 */
#define T0 INT64_C(1773576000)
/* 2026-03-15 15:00 in Shanghai: a "now" on the same local date */
#define NOW (T0 - 5 * 3600)

/* Every test starts from a server whose own TZ is New York: the display
 * zone must come from time_set_zone alone. */
static int setup_shanghai(void **state)
{
	(void)state;
	setenv("TZ", "America/New_York", 1);
	tzset();
	return time_set_zone("Asia/Shanghai") ? 0 : -1;
}

static void parse_is(const char *s, int64_t now, int64_t want)
{
	char err[160];
	int64_t got = -12345;

	if (!time_parse(s, now, &got, err, sizeof err))
		fail_msg("time_parse(\"%s\") failed: %s", s, err);
	if (got != want)
		fail_msg("time_parse(\"%s\") = %lld, want %lld", s, (long long)got,
			 (long long)want);
	assert_string_equal(err, "");
}

/* Expect failure with a message containing want. */
static void parse_fails(const char *s, const char *want)
{
	char err[160];
	int64_t got = -12345;

	err[0] = '\0';
	if (time_parse(s, NOW, &got, err, sizeof err))
		fail_msg("time_parse(\"%s\") accepted as %lld", s, (long long)got);
	assert_int_equal(got, -12345);
	if (!strstr(err, want))
		fail_msg("time_parse(\"%s\") error \"%s\", want \"%s\"", s, err, want);
}

static void test_parse_full_forms(void **state)
{
	(void)state;
	parse_is("2026-03-15 20:00", NOW, T0);
	parse_is("2026-03-15 20:00:00", NOW, T0);
	parse_is("2026-03-15T20:00", NOW, T0);
	parse_is("2026-03-15T20:00:00", NOW, T0);
	parse_is("2026/03/15 20:00", NOW, T0);
	parse_is("2026/03/15 20:00:00", NOW, T0);
	parse_is("2026-3-15 20:00", NOW, T0);
	parse_is("  2026-03-15   20:00  ", NOW, T0);
	parse_is("2026-03-15 20:15:07", NOW, T0 + 907);
	parse_is("2026年3月15日 20:00", NOW, T0);
	parse_is("2026年3月15日20时", NOW, T0);
	parse_is("2026-03-15 20时15分", NOW, T0 + 900);
	/* fullwidth digits and colon as a Chinese IME types them */
	parse_is("２０２６－０３－１５　２０：００", NOW, T0);
	/* date alone: midnight */
	parse_is("2026-03-15", NOW, T0 - 20 * 3600);
	parse_is("2026/03/15", NOW, T0 - 20 * 3600);
	parse_is("20260315", NOW, T0 - 20 * 3600);
	parse_is("2026年3月15日", NOW, T0 - 20 * 3600);
	/* 24:00 is the end of the day */
	parse_is("2026-03-15 24:00", NOW, T0 + 4 * 3600);
	/* unix time */
	parse_is("1773576000", NOW, T0);
	parse_is("100000000", NOW, 100000000);
	/* now */
	parse_is("now", NOW, NOW);
	parse_is("NOW", NOW, NOW);
	parse_is("现在", NOW, NOW);
}

static void test_parse_server_tz_irrelevant(void **state)
{
	int64_t a, b;

	(void)state;
	/* UTC server */
	setenv("TZ", "UTC", 1);
	tzset();
	assert_true(time_set_zone("Asia/Shanghai"));
	assert_true(time_parse("2026-03-15 20:00", NOW, &a, NULL, 0));
	/* New York server */
	setenv("TZ", "America/New_York", 1);
	tzset();
	assert_true(time_set_zone("Asia/Shanghai"));
	assert_true(time_parse("2026-03-15 20:00", NOW, &b, NULL, 0));
	assert_int_equal(a, T0);
	assert_int_equal(b, T0);
}

static void test_parse_offsets(void **state)
{
	(void)state;
	parse_is("2026-03-15T20:00:00+08:00", NOW, T0);
	parse_is("2026-03-15T20:00+0800", NOW, T0);
	parse_is("2026-03-15 20:00 +08:00", NOW, T0);
	parse_is("2026-03-15 20:00+08", NOW, T0);
	parse_is("2026-03-15T12:00:00Z", NOW, T0);
	parse_is("2026-03-15 12:00z", NOW, T0);
	parse_is("2026-03-15T20:00:00Z", NOW, T0 + 8 * 3600);
	parse_is("2026-03-15T20:00:00-05:00", NOW, T0 + 13 * 3600);
	parse_is("2026-03-15T20:00+05:30", NOW, T0 + 8 * 3600 - 5 * 3600 - 1800);
	/* offsets bypass the zone: same answer in New York */
	assert_true(time_set_zone("America/New_York"));
	parse_is("2026-03-15T20:00:00+08:00", NOW, T0);
	parse_is("2026-03-15T12:00:00Z", NOW, T0);
	assert_true(time_set_zone("Asia/Shanghai"));

	parse_fails("2026-03-15 20:00+25:00", "时区偏移不正确");
	parse_fails("2026-03-15 20:00+08:60", "时区偏移不正确");
	parse_fails("2026-03-15 20:00+14:30", "时区偏移不正确");
	parse_is("2026-03-15T20:00+14:00", NOW, T0 - 6 * 3600);
	parse_fails("2026-03-15 20:00+8:00", "无法识别");
	parse_fails("2026-03-15 20:00+08:00Z", "无法识别");
	parse_fails("2026-03-15 20:00 CST", "无法识别");
}

static void test_parse_relative(void **state)
{
	/* 2026-03-16 01:00 in Shanghai, still the 15th in UTC */
	const int64_t after_midnight = T0 + 5 * 3600;
	/* 2025-12-31 23:00 in Shanghai */
	const int64_t new_years_eve = INT64_C(1767193200);

	(void)state;
	parse_is("20:00", NOW, T0);
	parse_is("20:00:00", NOW, T0);
	parse_is("8:00", NOW, T0 - 12 * 3600);
	parse_is("08:00", NOW, T0 - 12 * 3600);
	/* A clock alone is the occurrence nearest to now (within 12 hours). */
	parse_is("0:00", NOW, T0 + 4 * 3600);
	parse_is("24:00", NOW, T0 + 4 * 3600);
	parse_is("20点", NOW, T0);
	parse_is("20时15分", NOW, T0 + 900);
	/* After midnight, last night's times are meant, not tonight's. */
	parse_is("20:00", after_midnight, T0);
	parse_is("23:50", after_midnight, T0 + 3 * 3600 + 50 * 60);
	/* A deadline typed in the evening for the morning is tomorrow's. */
	parse_is("08:00", T0 + 2 * 3600, T0 + 12 * 3600);
	/* The local date decides, not UTC's: 02:00 at 01:00 is this night. */
	parse_is("02:00", after_midnight, T0 + 6 * 3600);
	/* MM-DD takes now's year in the display zone. */
	parse_is("03-15 20:00", NOW, T0);
	parse_is("3/15 20:00", NOW, T0);
	parse_is("3月15日 20:00", NOW, T0);
	parse_is("01-01 00:00", new_years_eve, INT64_C(1735660800)); /* 2025 */
	parse_is("01-01 00:00", new_years_eve + 3600, INT64_C(1767196800));
	/* MM-DD alone is not a time */
	parse_fails("03-15", "无法识别");
}

static void test_parse_impossible(void **state)
{
	(void)state;
	parse_fails("2026-02-30 10:00", "日期不存在：2026-02-30");
	parse_fails("2026-02-30", "日期不存在：2026-02-30");
	parse_fails("2026-13-01 10:00", "日期不存在：2026-13-01");
	parse_fails("2026-00-10", "日期不存在：2026-00-10");
	parse_fails("2026-04-31", "日期不存在：2026-04-31");
	parse_fails("2026-03-00", "日期不存在：2026-03-00");
	parse_fails("02-30 10:00", "日期不存在：2026-02-30");
	parse_fails("25:00", "时刻不存在：25:00");
	parse_fails("12:61", "时刻不存在：12:61");
	parse_fails("24:01", "时刻不存在：24:01");
	parse_fails("12:00:60", "时刻不存在：12:00:60");
	parse_fails("2026-03-15 25:00", "时刻不存在：25:00");
	parse_fails("2026-03-15T23:60Z", "时刻不存在：23:60");
	parse_fails("0800-01-01", "年份超出范围");

	/* leap years */
	parse_is("2028-02-29 12:00", NOW, INT64_C(1835366400) + 12 * 3600);
	parse_fails("2026-02-29 12:00", "日期不存在：2026-02-29");
	parse_is("2000-02-29", NOW, INT64_C(951753600));
	parse_fails("2100-02-29", "日期不存在：2100-02-29");

	/* A local time skipped by daylight saving: Shanghai, 1988-04-17. */
	parse_fails("1988-04-17 02:30", "不存在");
	parse_is("1988-04-17 03:00", NOW, INT64_C(577216800));
	parse_is("1988-04-17 01:59", NOW, INT64_C(577216800) - 60);
	/* ... and New York, 2026-03-08. */
	assert_true(time_set_zone("America/New_York"));
	parse_fails("2026-03-08 02:30", "不存在");
	assert_true(time_set_zone("Asia/Shanghai"));
}

static void test_parse_unrecognised(void **state)
{
	static const char *const bad[] = {
		"", "   ", "abc", "tomorrow", "12", "2026", "12345678901234567890",
		"2026-03-15 20", "2026-03-15 20:0", "2026-03-15 2000",
		"2026-03/15 20:00", "26-03-15 20:00", "2026-03-15 20:00:00:00",
		"20:00 2026-03-15", "2026-03-15x", "20:00+08:00", "12:5", "123:00",
		"2026-03-15T20:00:00.000Z", "now!", "nowhere",
	};
	char err[160];
	int64_t got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		if (time_parse(bad[i], NOW, &got, err, sizeof err))
			fail_msg("accepted \"%s\" as %lld", bad[i], (long long)got);
		if (err[0] == '\0')
			fail_msg("no message for \"%s\"", bad[i]);
	}
	parse_fails("abc", "无法识别的时间：「abc」（应为 2026-03-15 20:15 或 20:15）");
	parse_fails("", "为空");
	parse_fails("12345678901234567890", "超出范围");
	assert_false(time_parse(NULL, NOW, &got, NULL, 0));
	/* NULL err is fine */
	assert_false(time_parse("abc", NOW, &got, NULL, 0));
	assert_true(time_parse("20:00", NOW, NULL, NULL, 0));
}

static void test_error_truncation(void **state)
{
	char err[8];
	int64_t got;

	(void)state;
	/* "日期不存在..." cut to 7 bytes must not end in half a character */
	memset(err, 'X', sizeof err);
	assert_false(time_parse("2026-02-30", NOW, &got, err, sizeof err));
	assert_string_equal(err, "日期");
}

/* --lang en: the parser's messages in English. */
static void test_parse_errors_in_english(void **state)
{
	char err[256];
	int64_t got;

	(void)state;
	i18n_set(LANG_EN);
	assert_false(time_parse("2026-02-30", NOW, &got, err, sizeof err));
	assert_string_equal(err, "no such date: 2026-02-30");
	assert_false(time_parse("25:00", NOW, &got, err, sizeof err));
	assert_string_equal(err, "no such time of day: 25:00");
	assert_false(time_parse("", NOW, &got, err, sizeof err));
	assert_string_equal(err, "the time is empty");
	assert_false(time_parse("abc", NOW, &got, err, sizeof err));
	assert_string_equal(err, "unrecognised time \"abc\" (e.g. 2026-03-15 20:15 or 20:15)");
	assert_false(time_parse("2026-03-15 20:00+15:00", NOW, &got, err, sizeof err));
	assert_string_equal(err, "bad time zone offset \"+15:00\"");
	i18n_set(LANG_ZH);
}

static void test_date_parse(void **state)
{
	int y = 0, m = 0, d = 0;

	(void)state;
	assert_true(date_parse("2026-03-15", &y, &m, &d));
	assert_int_equal(y, 2026);
	assert_int_equal(m, 3);
	assert_int_equal(d, 15);
	y = m = d = 0;
	assert_true(date_parse("2026/3/5", &y, &m, &d));
	assert_int_equal(y * 10000 + m * 100 + d, 20260305);
	assert_true(date_parse("20260315", &y, &m, &d));
	assert_int_equal(y * 10000 + m * 100 + d, 20260315);
	assert_true(date_parse("2026年3月15日", &y, &m, &d));
	assert_int_equal(y * 10000 + m * 100 + d, 20260315);
	assert_true(date_parse("2026年12月1号", &y, &m, &d));
	assert_int_equal(y * 10000 + m * 100 + d, 20261201);
	assert_true(date_parse(" 2026.03.15 ", &y, &m, &d));
	assert_int_equal(y * 10000 + m * 100 + d, 20260315);
	assert_true(date_parse("2028-02-29", &y, &m, &d));
	assert_true(date_parse("2000-02-29", NULL, NULL, NULL));

	y = 1;
	assert_false(date_parse("2026-02-29", &y, &m, &d));
	assert_int_equal(y, 1); /* untouched on failure */
	assert_false(date_parse("1900-02-29", &y, &m, &d));
	assert_false(date_parse("2026-02-30", &y, &m, &d));
	assert_false(date_parse("2026-13-01", &y, &m, &d));
	assert_false(date_parse("2026-00-01", &y, &m, &d));
	assert_false(date_parse("2026-01-32", &y, &m, &d));
	assert_false(date_parse("20261301", &y, &m, &d));
	assert_false(date_parse("2026-03/15", &y, &m, &d));
	assert_false(date_parse("26-03-15", &y, &m, &d));
	assert_false(date_parse("2026-03-15 20:00", &y, &m, &d));
	assert_false(date_parse("2026-003-15", &y, &m, &d));
	assert_false(date_parse("2026年3月", &y, &m, &d));
	assert_false(date_parse("", &y, &m, &d));
	assert_false(date_parse(NULL, &y, &m, &d));
}

static void test_clock_parse(void **state)
{
	int s = -1;

	(void)state;
	assert_true(clock_parse("9:05", &s));
	assert_int_equal(s, 9 * 3600 + 5 * 60);
	assert_true(clock_parse("09:05", &s));
	assert_int_equal(s, 9 * 3600 + 5 * 60);
	assert_true(clock_parse("20:15:07", &s));
	assert_int_equal(s, 20 * 3600 + 15 * 60 + 7);
	assert_true(clock_parse("00:00", &s));
	assert_int_equal(s, 0);
	assert_true(clock_parse("23:59:59", &s));
	assert_int_equal(s, 86399);
	assert_true(clock_parse("24:00", &s));
	assert_int_equal(s, 86400);
	assert_true(clock_parse("24:00:00", &s));
	assert_int_equal(s, 86400);
	assert_true(clock_parse("20时15分", &s));
	assert_int_equal(s, 72900);
	assert_true(clock_parse("8点", &s));
	assert_int_equal(s, 28800);
	assert_true(clock_parse("８点３０分", &s));
	assert_int_equal(s, 30600);
	assert_true(clock_parse("２０：１５", &s));
	assert_int_equal(s, 72900);

	s = -1;
	assert_false(clock_parse("24:01", &s));
	assert_false(clock_parse("24:00:01", &s));
	assert_false(clock_parse("25:00", &s));
	assert_false(clock_parse("12:60", &s));
	assert_false(clock_parse("12:61", &s));
	assert_false(clock_parse("12:00:60", &s));
	assert_false(clock_parse("12:5", &s));
	assert_false(clock_parse("123:00", &s));
	assert_false(clock_parse("12:00 pm", &s));
	assert_false(clock_parse("12", &s));
	assert_false(clock_parse("", &s));
	assert_false(clock_parse(NULL, &s));
	assert_int_equal(s, -1);
}

static void test_from_to_local(void **state)
{
	int y, m, d, hh, mm, ss;

	(void)state;
	assert_int_equal(time_from_local(2026, 3, 15, 20 * 3600), T0);
	assert_int_equal(time_from_local(2026, 3, 15, 86400),
			 time_from_local(2026, 3, 16, 0));
	assert_int_equal(time_from_local(2026, 12, 32, 0),
			 time_from_local(2027, 1, 1, 0));
	assert_int_equal(time_from_local(2026, 13, 1, 0), INT64_C(1798732800));
	assert_int_equal(time_from_local(2026, 3, 1, -86400),
			 time_from_local(2026, 2, 28, 0));

	time_to_local(T0 + 907, &y, &m, &d, &hh, &mm, &ss);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 3);
	assert_int_equal(d, 15);
	assert_int_equal(hh, 20);
	assert_int_equal(mm, 15);
	assert_int_equal(ss, 7);
	time_to_local(T0, NULL, NULL, &d, NULL, NULL, NULL);
	assert_int_equal(d, 15);

	assert_true(time_set_zone("America/New_York"));
	time_to_local(T0, &y, &m, &d, &hh, &mm, &ss);
	assert_int_equal(d * 100 + hh, 1508); /* EDT, -04:00 */
	assert_int_equal(time_from_local(2026, 3, 15, 8 * 3600), T0);
}

static void test_set_zone(void **state)
{
	char buf[64];

	(void)state;
	assert_false(time_set_zone("Nowhere/Atlantis"));
	assert_false(time_set_zone("../../../etc/passwd"));
	assert_false(time_set_zone("Asia/../Asia/Shanghai"));
	assert_false(time_set_zone("/etc/localtime"));
	assert_false(time_set_zone("Asia"));      /* a directory */
	assert_false(time_set_zone("zone.tab"));  /* not a zone name */
	assert_false(time_set_zone("leapseconds")); /* a text file there */
	assert_false(time_set_zone(""));
	assert_false(time_set_zone(NULL));
	/* unchanged after the failures */
	assert_string_equal(time_format(T0, TIME_FULL, buf, sizeof buf),
			    "2026-03-15 20:00");

	assert_true(time_set_zone("UTC"));
	assert_string_equal(time_format(T0, TIME_FULL, buf, sizeof buf),
			    "2026-03-15 12:00");
	assert_true(time_set_zone("PRC"));
	assert_string_equal(time_format(T0, TIME_FULL, buf, sizeof buf),
			    "2026-03-15 20:00");
}

static void test_format(void **state)
{
	const int64_t t = T0 + 907; /* 2026-03-15 20:15:07 +08:00 */
	char buf[64], small[8];
	int64_t back;

	(void)state;
	assert_string_equal(time_format(t, TIME_FULL, buf, sizeof buf),
			    "2026-03-15 20:15");
	assert_string_equal(time_format(t, TIME_SECONDS, buf, sizeof buf),
			    "2026-03-15 20:15:07");
	assert_string_equal(time_format(t, TIME_SHORT, buf, sizeof buf),
			    "03-15 20:15");
	assert_string_equal(time_format(t, TIME_CLOCK, buf, sizeof buf), "20:15");
	assert_string_equal(time_format(t, TIME_DATE, buf, sizeof buf),
			    "2026-03-15");
	assert_string_equal(time_format(t, TIME_ISO, buf, sizeof buf),
			    "2026-03-15T20:15:07+08:00");
	assert_true(time_parse(buf, NOW, &back, NULL, 0));
	assert_int_equal(back, t);

	/* Display in a zone west of UTC, with DST. */
	assert_true(time_set_zone("America/New_York"));
	assert_string_equal(time_format(t, TIME_ISO, buf, sizeof buf),
			    "2026-03-15T08:15:07-04:00");
	assert_true(time_parse(buf, NOW, &back, NULL, 0));
	assert_int_equal(back, t);
	assert_string_equal(time_format(INT64_C(1767225600), TIME_ISO, buf,
					sizeof buf),
			    "2025-12-31T19:00:00-05:00");
	assert_true(time_set_zone("UTC"));
	assert_string_equal(time_format(t, TIME_ISO, buf, sizeof buf),
			    "2026-03-15T12:15:07+00:00");
	assert_true(time_set_zone("Asia/Shanghai"));

	/* Before 1970 and the round trip through the parser. */
	assert_string_equal(time_format(INT64_C(-28800), TIME_SECONDS, buf,
					sizeof buf),
			    "1970-01-01 00:00:00");
	assert_true(time_parse("1969-12-31 23:00", NOW, &back, NULL, 0));
	assert_int_equal(back, INT64_C(-28800) - 3600);

	/* Truncation is safe and the buffer is returned. */
	assert_ptr_equal(time_format(t, TIME_FULL, small, sizeof small), small);
	assert_string_equal(small, "2026-03");
	assert_null(time_format(t, TIME_FULL, NULL, 0));
}

static void dur_is(int64_t secs, bool en, const char *want)
{
	char buf[32];

	memset(buf, 'X', sizeof buf);
	time_format_duration(secs, en, buf, sizeof buf);
	if (strcmp(buf, want) != 0)
		fail_msg("duration(%lld, %s) = \"%s\", want \"%s\"", (long long)secs,
			 en ? "en" : "zh", buf, want);
}

static void test_duration(void **state)
{
	char small[4];

	(void)state;
	dur_is(0, false, "0分");
	dur_is(0, true, "0m");
	dur_is(59, false, "0分");
	dur_is(60, true, "1m");
	dur_is(45 * 60, false, "45分");
	dur_is(45 * 60 + 59, true, "45m");
	dur_is(2 * 3600 + 5 * 60, false, "2小时5分");
	dur_is(2 * 3600 + 5 * 60, true, "2h05m");
	dur_is(2 * 3600 + 45 * 60, true, "2h45m");
	dur_is(2 * 3600, false, "2小时");
	dur_is(2 * 3600, true, "2h");
	dur_is(23 * 3600 + 59 * 60, false, "23小时59分");
	dur_is(3 * 86400 + 2 * 3600, false, "3天2小时");
	dur_is(3 * 86400 + 2 * 3600, true, "3d2h");
	dur_is(3 * 86400 + 2 * 3600 + 59 * 60, false, "3天2小时");
	dur_is(3 * 86400, false, "3天");
	dur_is(3 * 86400, true, "3d");
	dur_is(86400 + 60, true, "1d");
	/* negative: no sign */
	dur_is(-(2 * 3600 + 5 * 60), false, "2小时5分");
	dur_is(-(45 * 60), true, "45m");
	dur_is(INT64_MIN, true, "106751991167300d15h");

	assert_ptr_equal(time_format_duration(3 * 86400, true, small, sizeof small),
			 small);
	assert_string_equal(small, "3d");
}

static void test_now(void **state)
{
	int64_t a = time_now();

	(void)state;
	assert_true(a > INT64_C(1700000000));
	assert_true(a - (int64_t)time(NULL) <= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_full_forms, setup_shanghai),
		cmocka_unit_test_setup(test_parse_errors_in_english, setup_shanghai),
		cmocka_unit_test_setup(test_parse_server_tz_irrelevant, setup_shanghai),
		cmocka_unit_test_setup(test_parse_offsets, setup_shanghai),
		cmocka_unit_test_setup(test_parse_relative, setup_shanghai),
		cmocka_unit_test_setup(test_parse_impossible, setup_shanghai),
		cmocka_unit_test_setup(test_parse_unrecognised, setup_shanghai),
		cmocka_unit_test_setup(test_error_truncation, setup_shanghai),
		cmocka_unit_test_setup(test_date_parse, setup_shanghai),
		cmocka_unit_test_setup(test_clock_parse, setup_shanghai),
		cmocka_unit_test_setup(test_from_to_local, setup_shanghai),
		cmocka_unit_test_setup(test_set_zone, setup_shanghai),
		cmocka_unit_test_setup(test_format, setup_shanghai),
		cmocka_unit_test_setup(test_duration, setup_shanghai),
		cmocka_unit_test_setup(test_now, setup_shanghai),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
