/* xlsxnum: what a number in an XLSX cell reads as, by its number format.
 *
 * A spreadsheet stores dates and times as numbers (days since an epoch,
 * the time as the day's fraction) and shows them through the cell's number
 * format.  An import wants the text a person saw: "2026-03-15", "19:00",
 * "2026-03-15 21:05", "13812345678" (not 1.3812345678E10).  The rules are
 * ECMA-376 Part 1, 18.8.30 (built-in formats) and 18.8.31 (format codes),
 * and the two date systems of 18.17.4.1 (1900, with Lotus's 29 February
 * 1900, and 1904). */
#ifndef ZHISHOU_XLSXNUM_H
#define ZHISHOU_XLSXNUM_H

#include <stdbool.h>
#include <stddef.h>

/* What a number format shows of a number: a bit set (0 = a plain number). */
enum {
	XLSX_DATE = 1,      /* year, month or day */
	XLSX_TIME = 2,      /* hours or minutes of the day */
	XLSX_SECONDS = 4,   /* ... with seconds */
};

/* The kind of a built-in format (numFmtId without a <numFmt> of its own):
 * 14-17 and 22 (dates), 18-21 (times), and the East Asian built-ins that
 * Chinese Excel and WPS use (27-36, 50-58: 2026年3月15日, 3月15日, 21时05分). */
int xlsx_builtin_kind(unsigned id);

/* The kind of a format code such as "yyyy/m/d", "h:mm", "yyyy\"年\"m\"月\"d\"日\"",
 * "[$-F800]dddd, mmmm dd, yyyy" or "0.00": its first section only, quoted
 * text, escaped characters and [colour]/[$-locale] brackets ignored; "m"
 * is minutes next to "h" or "s", else the month; "General" (and the
 * Chinese "G/通用格式") and formats with digit placeholders (# ?, or 0
 * outside fractions of seconds) or text (@) are numbers. */
int xlsx_format_kind(const char *code);

/* A cell's number as the text a person saw, in out (at least 32 bytes):
 * with a date/time kind, "YYYY-MM-DD", "HH:MM", "HH:MM:SS",
 * "YYYY-MM-DD HH:MM[:SS]" (rounded to the second; date1904 for a workbook
 * in the 1904 system); otherwise, and for serials no date can have
 * (negative, past 9999-12-31, a bare time of day under a date-only
 * format), the number itself: integers in full up to 15 digits, others
 * with 15 significant digits ("0.3", not "0.30000000000000004").
 * raw is the cell's <v> text; false (out empty) if it is not a number. */
bool xlsx_number_text(const char *raw, int kind, bool date1904, char *out, size_t outsz);

#endif
