/* xlsxnum: numbers, dates and times of XLSX cells as the text a person saw
 * (xlsxnum.h).  No library reads number formats for us: libxlsxwriter only
 * writes them, and the format code grammar needed here (which letters mean
 * a date or a time) is small. */
#include "zhishou/xlsxnum.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int xlsx_builtin_kind(unsigned id)
{
	switch (id) {
	case 14: case 15: case 16: case 17:      /* m/d/yyyy, d-mmm-yy, d-mmm, mmm-yy */
	case 27: case 28: case 29: case 30: case 31: case 36:   /* 2026年3月, 3月15日, 2026年3月15日 */
	case 50: case 51: case 52: case 53: case 54: case 57: case 58:
		return XLSX_DATE;
	case 18: case 20: case 32: case 34: case 55:            /* h:mm AM/PM, h:mm, h时mm分 */
		return XLSX_TIME;
	case 19: case 21: case 33: case 35: case 56:            /* the same with seconds */
	case 45: case 46: case 47:                              /* mm:ss, [h]:mm:ss, mmss.0 */
		return XLSX_TIME | XLSX_SECONDS;
	case 22:                                                /* m/d/yy h:mm */
		return XLSX_DATE | XLSX_TIME;
	default:
		return 0;
	}
}

/* A bracket at p ("[h]", "[mm]", "[Red]", "[$-804]" ...): the elapsed-time
 * letter it holds (h, m or s), or 0; *end is past the ']'. */
static char bracket_letter(const char *p, const char **end)
{
	const char *q = strchr(p, ']');
	*end = q ? q + 1 : p + strlen(p);
	if (!q || q == p + 1)
		return 0;
	char c = (char)(p[1] | 0x20);
	for (const char *r = p + 1; r < q; r++)
		if ((char)(*r | 0x20) != c)
			return 0;
	return c == 'h' || c == 'm' || c == 's' ? c : 0;
}

int xlsx_format_kind(const char *code)
{
	if (!code)
		return 0;
	char tok[64];   /* date/time letters in order, runs collapsed ("yyyy" -> y) */
	size_t n = 0;
	bool zero = false;   /* a digit placeholder 0: only seconds' fractions (ss.00) have one */
	for (const char *p = code; *p && *p != ';';) {
		char c = *p;
		char lc = (char)(c | 0x20);
		if (c == '"') {                          /* quoted text */
			const char *q = strchr(p + 1, '"');
			p = q ? q + 1 : p + strlen(p);
			continue;
		}
		if (c == '\\' || c == '_' || c == '*') { /* escaped, padding, fill: the next character */
			p += p[1] ? 2 : 1;
			continue;
		}
		if (c == '[') {
			char b = bracket_letter(p, &p);
			if (b && n < sizeof tok)
				tok[n++] = b;
			continue;
		}
		/* General, and "G/通用格式" as Chinese Excel and WPS spell it. */
		if (!strncasecmp(p, "General", 7) || !strncasecmp(p, "G/", 2))
			return 0;
		if (!strncasecmp(p, "AM/PM", 5) || !strncasecmp(p, "A/P", 3)) {
			p += p[1] == '/' ? 3 : 5;
			continue;
		}
		if (c == '#' || c == '?' || c == '@')
			return 0;
		zero |= c == '0';
		if (lc == 'e' && (p[1] == '+' || p[1] == '-'))
			return 0;                        /* 0.00E+00 */
		if (strchr("ymdhsegba", lc) && c != '\0') {
			if (n < sizeof tok && (n == 0 || tok[n - 1] != lc))
				tok[n++] = lc;
		}
		p++;
	}
	if (zero && !memchr(tok, 's', n))
		return 0;
	int kind = 0;
	for (size_t i = 0; i < n; i++) {
		switch (tok[i]) {
		case 'h':
			kind |= XLSX_TIME;
			break;
		case 's':
			kind |= XLSX_TIME | XLSX_SECONDS;
			break;
		case 'm':
			/* Minutes after hours or before seconds, else the month. */
			if ((i > 0 && tok[i - 1] == 'h') || (i + 1 < n && tok[i + 1] == 's'))
				kind |= XLSX_TIME;
			else
				kind |= XLSX_DATE;
			break;
		default:   /* y d e g b a: years, days, eras, weekdays */
			kind |= XLSX_DATE;
			break;
		}
	}
	return kind;
}

/* The civil date of a day count from 1970-01-01 (H. Hinnant's algorithm). */
static void civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

/* Serial v as a date and/or time; false if no date can be read from it. */
static bool serial_text(double v, int kind, bool date1904, char *out, size_t outsz)
{
	/* 2958465 is 9999-12-31 in the 1900 system (1462 days less in 1904). */
	if (!(v >= 0) || v >= 2958466.0)
		return false;
	int64_t secs = (int64_t)(v * 86400.0 + 0.5);   /* v >= 0: to the nearest second */
	int64_t days = secs / 86400;
	unsigned sod = (unsigned)(secs % 86400);
	char date[40] = "", tod[40] = "";   /* sized for any int, though a serial needs 10 and 8 */
	bool show_date = kind & XLSX_DATE;
	if (show_date && !date1904 && days == 0) {
		/* Excel's "1900-01-00": a time of day typed under a date and
		 * time format is that time; under a date alone it is no date. */
		if (!(kind & XLSX_TIME))
			return false;
		show_date = false;
	}
	if (show_date) {
		if (!date1904 && days == 60) {
			snprintf(date, sizeof date, "1900-02-29");   /* Lotus's day, kept as Excel shows it */
		} else {
			/* 1900 system: serial 1 is 1900-01-01 and 61 is 1900-03-01
			 * (60 is the day that never was); 1904: serial 0 is 1904-01-01. */
			int64_t epoch = date1904 ? -24107 : days < 60 ? -25568 : -25569;
			int y;
			unsigned m, d;
			civil(days + epoch, &y, &m, &d);
			snprintf(date, sizeof date, "%04d-%02u-%02u", y, m, d);
		}
	}
	if (kind & XLSX_TIME) {
		if (kind & XLSX_SECONDS)
			snprintf(tod, sizeof tod, "%02u:%02u:%02u", sod / 3600, sod / 60 % 60, sod % 60);
		else
			snprintf(tod, sizeof tod, "%02u:%02u", sod / 3600, sod / 60 % 60);
	}
	int n = snprintf(out, outsz, "%s%s%s", date, date[0] && tod[0] ? " " : "", tod);
	return n > 0 && (size_t)n < outsz;
}

/* The C locale for numbers: the program runs under the user's locale,
 * whose decimal point may be a comma; a cell's number never is. */
static locale_t c_locale(void)
{
	static locale_t c;
	if (!c)
		c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return c;
}

bool xlsx_number_text(const char *raw, int kind, bool date1904, char *out, size_t outsz)
{
	if (outsz)
		out[0] = '\0';
	locale_t c = c_locale();
	if (!raw || !c || outsz < 32)
		return false;
	while (*raw == ' ')
		raw++;
	char *end;
	double v = strtod_l(raw, &end, c);
	while (*end == ' ')
		end++;
	if (end == raw || *end || !isfinite(v))
		return false;
	if (kind && serial_text(v, kind, date1904, out, outsz))
		return true;
	if (v == 0)
		v = 0;   /* no "-0" */
	locale_t old = uselocale(c);
	if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v)
		snprintf(out, outsz, "%.0f", v);
	else
		snprintf(out, outsz, "%.15g", v);
	uselocale(old);
	return true;
}
