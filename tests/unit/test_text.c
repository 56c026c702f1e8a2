/* Unit tests for src/util/text.c (contract: include/zhishou/text.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "zhishou/output.h"
#include "zhishou/text.h"

#define FFFD "\xEF\xBF\xBD"
#define ELL "\xE2\x80\xA6"	/* … */

/* Every test that flips the ambiguous setting must not leak it. */
static int reset_ambiguous(void **state)
{
	(void)state;
	text_set_ambiguous_wide(false);
	return 0;
}

/* Sanitise a string literal (length given, so embedded NULs count) and
 * compare; frees the result. */
static void check_sanitize(const char *in, size_t len, unsigned flags,
			   const char *want)
{
	char *out = text_sanitize(in, len, flags);

	assert_non_null(out);
	assert_string_equal(out, want);
	assert_true(text_valid_utf8(out, strlen(out)));
	free(out);
}
#define SAN(lit, flags, want) check_sanitize(lit, sizeof(lit) - 1, flags, want)

static void check_fit(const char *s, int cols, bool pad, const char *want,
		      int want_cols)
{
	char out[64];

	memset(out, 'X', sizeof(out));
	assert_int_equal(text_fit_cols(s, cols, pad, out, sizeof(out)),
			 want_cols);
	assert_string_equal(out, want);
	assert_int_equal(text_width(out), want_cols);
}

static void check_fit_right(const char *s, int cols, const char *want,
			    int want_cols)
{
	char out[64];

	memset(out, 'X', sizeof(out));
	assert_int_equal(text_fit_cols_right(s, cols, out, sizeof(out)),
			 want_cols);
	assert_string_equal(out, want);
	assert_int_equal(text_width(out), want_cols);
}

/* ---- decode / encode ---------------------------------------------------- */

static void test_decode_valid(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(text_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(text_decode("\xC3\xA9", 2, &cp), 2);	/* é */
	assert_int_equal(cp, 0xE9);
	assert_int_equal(text_decode("值", 3, &cp), 3);
	assert_int_equal(cp, 0x503C);
	assert_int_equal(text_decode("😀", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	/* boundaries that are valid */
	assert_int_equal(text_decode("\xE0\xA0\x80", 3, &cp), 3);
	assert_int_equal(cp, 0x800);
	assert_int_equal(text_decode("\xED\x9F\xBF", 3, &cp), 3);
	assert_int_equal(cp, 0xD7FF);
	assert_int_equal(text_decode("\xF0\x90\x80\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x10000);
	assert_int_equal(text_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	/* a real U+FFFD is valid and 3 bytes */
	assert_int_equal(text_decode(FFFD, 3, &cp), 3);
	assert_int_equal(cp, 0xFFFD);
	/* len 0 consumes nothing */
	assert_int_equal(text_decode("A", 0, &cp), 0);
}

/* Each case: the first byte must be rejected alone (1 byte, U+FFFD). */
static void test_decode_invalid(void **state)
{
	static const char *const bad[] = {
		"\x80",			/* lone continuation */
		"\xBF",
		"\xC0\xAF",		/* overlong '/' */
		"\xC1\xBF",		/* overlong */
		"\xE0\x80\xAF",		/* overlong 3-byte */
		"\xE0\x9F\xBF",		/* overlong 3-byte, top */
		"\xED\xA0\x80",		/* surrogate D800 */
		"\xED\xBF\xBF",		/* surrogate DFFF */
		"\xF0\x80\x80\xAF",	/* overlong 4-byte */
		"\xF0\x8F\xBF\xBF",	/* overlong 4-byte, top */
		"\xF4\x90\x80\x80",	/* U+110000 */
		"\xF5\x80\x80\x80",
		"\xFE",
		"\xFF",
		"\xE4\xB8" "A",		/* truncated by a non-continuation */
		"\xC3" "A",
		"\x9B",			/* raw 8-bit CSI */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t cp = 0;

		assert_int_equal(text_decode(bad[i], strlen(bad[i]), &cp), 1);
		assert_int_equal(cp, 0xFFFD);
		assert_false(text_valid_utf8(bad[i], strlen(bad[i])));
	}
}

static void test_decode_truncated_by_len(void **state)
{
	uint32_t cp = 0;

	(void)state;
	/* complete bytes in memory, but len cuts the sequence */
	assert_int_equal(text_decode("值", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(text_decode("😀", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_false(text_valid_utf8("值", 2));
	assert_true(text_valid_utf8("值", 3));
}

static void test_encode(void **state)
{
	static const uint32_t cps[] = { 0x24, 0x7F, 0x80, 0xA2, 0x7FF, 0x800,
					0x20AC, 0xD7FF, 0xE000, 0xFFFD,
					0xFFFF, 0x10000, 0x1F600, 0x10FFFF };
	char buf[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		uint32_t back = 0;
		size_t n = text_encode(cps[i], buf);

		assert_in_range(n, 1, 4);
		assert_true(text_valid_utf8(buf, n));
		assert_int_equal(text_decode(buf, n, &back), n);
		assert_int_equal(back, cps[i]);
	}
	assert_int_equal(text_encode(0x503C, buf), 3);
	assert_memory_equal(buf, "值", 3);
	/* not encodable: becomes U+FFFD rather than ill-formed bytes */
	assert_int_equal(text_encode(0xD800, buf), 3);
	assert_memory_equal(buf, FFFD, 3);
	assert_int_equal(text_encode(0x110000, buf), 3);
	assert_memory_equal(buf, FFFD, 3);
}

/* Every scalar value survives encode/decode and gets a sane width. */
static void test_roundtrip_all(void **state)
{
	uint32_t cp;
	char buf[4];

	(void)state;
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		uint32_t back = 0;
		size_t n;
		int w;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		n = text_encode(cp, buf);
		if (text_decode(buf, n, &back) != n || back != cp)
			fail_msg("round trip failed for U+%04X", (unsigned)cp);
		w = text_cp_width(cp);
		if (w < 0 || w > 2)
			fail_msg("width %d for U+%04X", w, (unsigned)cp);
	}
}

static void test_valid_utf8(void **state)
{
	const char *ok = "值守台 3·15 😀";

	(void)state;
	assert_true(text_valid_utf8("", 0));
	assert_true(text_valid_utf8(NULL, 0));
	assert_true(text_valid_utf8(ok, strlen(ok)));
	assert_false(text_valid_utf8("ok\xFFok", 5));
	assert_false(text_valid_utf8("\xED\xA0\x80", 3));
}

/* ---- widths ------------------------------------------------------------- */

static void test_cp_width(void **state)
{
	(void)state;
	assert_int_equal(text_cp_width('a'), 1);
	assert_int_equal(text_cp_width(' '), 1);
	assert_int_equal(text_cp_width(0), 0);
	assert_int_equal(text_cp_width('\n'), 0);
	assert_int_equal(text_cp_width(0x1B), 0);	/* ESC */
	assert_int_equal(text_cp_width(0x7F), 0);	/* DEL */
	assert_int_equal(text_cp_width(0x9B), 0);	/* C1 CSI */
	assert_int_equal(text_cp_width(0xA0), 1);	/* NBSP */
	assert_int_equal(text_cp_width(0x503C), 2);	/* 值 */
	assert_int_equal(text_cp_width(0x3400), 2);	/* ext A */
	assert_int_equal(text_cp_width(0x20000), 2);	/* ext B */
	assert_int_equal(text_cp_width(0xAC00), 2);	/* 가 */
	assert_int_equal(text_cp_width(0x1100), 2);	/* Jamo lead */
	assert_int_equal(text_cp_width(0x1160), 0);	/* Jamo vowel */
	assert_int_equal(text_cp_width(0x3000), 2);	/* ideographic space */
	assert_int_equal(text_cp_width(0x3002), 2);	/* 。 */
	assert_int_equal(text_cp_width(0xFF0C), 2);	/* ， */
	assert_int_equal(text_cp_width(0xFF61), 1);	/* halfwidth 。 */
	assert_int_equal(text_cp_width(0x1F600), 2);	/* 😀 */
	assert_int_equal(text_cp_width(0x1F680), 2);	/* 🚀 */
	assert_int_equal(text_cp_width(0x1F914), 2);	/* 🤔 */
	assert_int_equal(text_cp_width(0x2705), 2);	/* ✅ */
	assert_int_equal(text_cp_width(0x0301), 0);	/* combining acute */
	assert_int_equal(text_cp_width(0x20DD), 0);	/* enclosing circle */
	assert_int_equal(text_cp_width(0x200B), 0);	/* ZWSP */
	assert_int_equal(text_cp_width(0x200D), 0);	/* ZWJ */
	assert_int_equal(text_cp_width(0xFE0F), 0);	/* VS16 */
	assert_int_equal(text_cp_width(0xFEFF), 0);	/* BOM */
	assert_int_equal(text_cp_width(0xE0100), 0);	/* VS17 */
	assert_int_equal(text_cp_width(0x00AD), 1);	/* soft hyphen shows */
	assert_int_equal(text_cp_width(0x0E01), 1);	/* Thai letter */
	assert_int_equal(text_cp_width(0x4DC0), 1);	/* hexagram: not CJK */
}

static void test_cp_width_ambiguous(void **state)
{
	static const uint32_t amb[] = {
		0x00B7, 0x00A7, 0x00D7, 0x2026, 0x201C, 0x201D, 0x2014,
		0x2500, 0x254C, 0x2574, 0x257F, 0x2550, 0x2460, 0x25CB,
		0x2605, 0x0391, 0x03B1, 0x0410, 0x2192, 0x00B0, 0xFFFD,
		0x24FF, 0x00E9, 0xE000,
	};
	size_t i;

	(void)state;
	assert_false(text_ambiguous_wide());
	for (i = 0; i < sizeof(amb) / sizeof(amb[0]); i++)
		assert_int_equal(text_cp_width(amb[i]), 1);
	text_set_ambiguous_wide(true);
	assert_true(text_ambiguous_wide());
	for (i = 0; i < sizeof(amb) / sizeof(amb[0]); i++) {
		if (text_cp_width(amb[i]) != 2)
			fail_msg("U+%04X should be 2 when ambiguous is wide",
				 (unsigned)amb[i]);
	}
	/* not ambiguous: unaffected by the setting */
	assert_int_equal(text_cp_width('a'), 1);
	assert_int_equal(text_cp_width(0x503C), 2);
	assert_int_equal(text_cp_width(0x0301), 0);	/* combining wins */
	assert_int_equal(text_cp_width(0x00E7), 1);	/* ç: N (é is A) */
	assert_int_equal(text_cp_width(0x2598), 1);	/* quadrant: N */
}

static void test_width_strings(void **state)
{
	(void)state;
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width(NULL), 0);
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("值守台"), 6);
	assert_int_equal(text_width("市场监管 12315"), 14);
	assert_int_equal(text_width("3·15"), 4);
	assert_int_equal(text_width("e\xCC\x81"), 1);	/* e + U+0301 */
	assert_int_equal(text_width("😀"), 2);
	assert_int_equal(text_width("\xFF"), 1);	/* as U+FFFD */
	assert_int_equal(text_width("a\xC0\xAF" "b"), 4);
	assert_int_equal(text_width("\x1B[2J"), 3);	/* ESC takes none */
	assert_int_equal(text_width("…"), 1);
	text_set_ambiguous_wide(true);
	assert_int_equal(text_width("3·15"), 5);
	assert_int_equal(text_width("…"), 2);
	assert_int_equal(text_width("值守台"), 6);
}

static void test_width_n(void **state)
{
	(void)state;
	assert_int_equal(text_width_n("值守台", 6), 4);
	/* cut inside 台: its two leading bytes are invalid, one column each */
	assert_int_equal(text_width_n("值守台", 8), 6);
	assert_int_equal(text_width_n("ab\0cd", 5), 4);	/* NUL: 0 cols */
	assert_int_equal(text_width_n(NULL, 3), 0);
}

static void test_length(void **state)
{
	(void)state;
	assert_int_equal(text_length(""), 0);
	assert_int_equal(text_length(NULL), 0);
	assert_int_equal(text_length("abc"), 3);
	assert_int_equal(text_length("值守台"), 3);
	assert_int_equal(text_length("e\xCC\x81"), 2);
	assert_int_equal(text_length("😀!"), 2);
	assert_int_equal(text_length("\xC0\xAF"), 2);	/* two bad bytes */
	assert_int_equal(text_length("\xE4\xB8"), 2);	/* truncated at NUL */
}

/* ---- sanitize ----------------------------------------------------------- */

static void test_sanitize_plain(void **state)
{
	char *out;

	(void)state;
	SAN("", 0, "");
	SAN("hello", 0, "hello");
	SAN("  值守台 😀 e\xCC\x81  ", 0, "  值守台 😀 e\xCC\x81  ");
	SAN(FFFD, 0, FFFD);	/* a genuine U+FFFD stays */
	SAN("\xC2\xA0", 0, "\xC2\xA0");	/* NBSP is not a control */
	SAN("a\xE2\x80\x8D" "b", 0, "a\xE2\x80\x8D" "b");	/* ZWJ kept */

	out = text_sanitize(NULL, 0, 0);
	assert_non_null(out);
	assert_string_equal(out, "");
	free(out);
}

static void test_sanitize_invalid(void **state)
{
	char *out;

	(void)state;
	SAN("a\xFF" "b", 0, "a" FFFD "b");
	/* overlong: each byte on its own */
	SAN("\xC0\xAF", 0, FFFD FFFD);
	SAN("\xE0\x80\xAF", 0, FFFD FFFD FFFD);
	SAN("\xF0\x80\x80\xAF", 0, FFFD FFFD FFFD FFFD);
	/* surrogate D800 */
	SAN("\xED\xA0\x80", 0, FFFD FFFD FFFD);
	/* beyond U+10FFFF */
	SAN("\xF4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD);
	SAN("\xF5", 0, FFFD);
	/* truncated at the end of len, even though memory goes on */
	check_sanitize("x值", 3, 0, "x" FFFD FFFD);

	out = text_sanitize("\xFF", 1, 0);
	assert_non_null(out);
	assert_non_null(strstr(out, "\xEF\xBF\xBD"));
	assert_int_equal(text_width(out), 1);
	free(out);
}

static void test_sanitize_controls(void **state)
{
	(void)state;
	SAN("\x1B[2J", 0, "[2J");
	SAN("ding\x07!", 0, "ding!");			/* BEL */
	SAN("\x1B]0;title\x07", 0, "]0;title");		/* OSC */
	SAN("a\xC2\x9B" "31mb", 0, "a31mb");		/* C1 CSI, encoded */
	SAN("a\x9B" "31mb", 0, "a" FFFD "31mb");	/* raw byte: invalid */
	SAN("a\xC2\x85" "b", 0, "ab");			/* NEL is C1 */
	SAN("a\x7F" "b", 0, "ab");			/* DEL */
	SAN("a\bb", 0, "ab");
	SAN("a\tb", 0, "a b");
	SAN("a\tb", TEXT_KEEP_NEWLINES, "a b");
	SAN("a\0b", 0, "ab");				/* NUL ends nothing */
	SAN("\0\0x\0", 0, "x");
}

static void test_sanitize_newlines(void **state)
{
	(void)state;
	SAN("a\nb", 0, "a b");
	SAN("a\nb", TEXT_KEEP_NEWLINES, "a\nb");
	SAN("a\r\nb", 0, "a b");
	SAN("a\r\nb\r\n", TEXT_KEEP_NEWLINES, "a\nb\n");
	SAN("a\rb", TEXT_KEEP_NEWLINES, "ab");	/* lone CR is a control */
	SAN("\n\n", TEXT_KEEP_NEWLINES, "\n\n");
}

static void test_sanitize_bidi(void **state)
{
	(void)state;
	SAN("abc\xE2\x80\xAE" "fed", 0, "abcfed");		/* U+202E */
	SAN("\xE2\x80\xAA" "x\xE2\x80\xAC", 0, "x");		/* 202A, 202C */
	SAN("\xE2\x81\xA6" "x\xE2\x81\xA9", 0, "x");		/* 2066, 2069 */
	SAN("\xE2\x80\x8E" "x\xE2\x80\x8F", 0, "x");		/* LRM, RLM */
	SAN("x\xD8\x9C", 0, "x");				/* ALM 061C */
	SAN("a\xE2\x80\xA8" "b\xE2\x80\xA9", 0, "ab");		/* 2028/2029 */
	SAN("\xE2\x80\xAB" "x\xE2\x80\xAD", 0, "x");		/* 202B, 202D */
	SAN("\xE2\x81\xA7" "x\xE2\x81\xA8", 0, "x");		/* 2067, 2068 */
	/* neighbours survive */
	SAN("\xE2\x80\xA9\xE2\x80\xAF", 0, "\xE2\x80\xAF");	/* U+202F */
}

/* ---- trim --------------------------------------------------------------- */

static void test_trim(void **state)
{
	char a[] = " \t\r\n  值守  台 \n\v\f";
	char b[] = "\xE3\x80\x80 \xE3\x80\x80" "内容\xE3\x80\x80"
		   "中\xE3\x80\x80\t";
	char c[] = " \xE3\x80\x80\t ";
	char d[] = "";
	char e[] = "x";
	char f[] = "\xE3\x80";	/* truncated U+3000: not a space */
	char g[] = "a\xE3\x80\x80";

	(void)state;
	assert_ptr_equal(text_trim(a), a);
	assert_string_equal(a, "值守  台");
	assert_string_equal(text_trim(b), "内容\xE3\x80\x80" "中");
	assert_string_equal(text_trim(c), "");
	assert_string_equal(text_trim(d), "");
	assert_string_equal(text_trim(e), "x");
	assert_string_equal(text_trim(f), "\xE3\x80");
	assert_string_equal(text_trim(g), "a");
	assert_null(text_trim(NULL));
}

/* ---- wrap ---------------------------------------------------------------- */

/* The break rule the CLI's out_wrap and the console's pager share. */
static void test_wrap_line(void **state)
{
	(void)state;
	/* fits whole, or the end of the text */
	assert_int_equal(text_wrap_line("值守台", 10), 9);
	assert_int_equal(text_wrap_line("", 10), 0);
	/* a "，" after 4 columns does not start the next line: 值 goes down with it */
	assert_int_equal(text_wrap_line("值守台值，退款", 8), 9);
	assert_int_equal(text_wrap_line("值守台值。", 8), 9);
	/* 08:00 stays whole: the line ends before it */
	assert_int_equal(text_wrap_line("值守台值于08:00", 12), 15);
	/* a number longer than the line is cut, not pushed down forever */
	assert_int_equal(text_wrap_line("13812345678901", 6), 6);
	/* a character wider than the line goes alone */
	assert_int_equal(text_wrap_line("值守", 1), 3);
}

/* ---- fit ---------------------------------------------------------------- */

static void test_fit(void **state)
{
	int used = -1;

	(void)state;
	assert_int_equal(text_fit("值守台", 5, &used), 6);
	assert_int_equal(used, 4);
	assert_int_equal(text_fit("值守台", 6, &used), 9);
	assert_int_equal(used, 6);
	assert_int_equal(text_fit("值守台", 1, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(text_fit("abc", 0, &used), 0);
	assert_int_equal(text_fit("abc", -3, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(text_fit("a值", 2, NULL), 1);
	/* the accent stays with its base, both ways */
	assert_int_equal(text_fit("e\xCC\x81x", 1, &used), 3);
	assert_int_equal(used, 1);
	assert_int_equal(text_fit("ae\xCC\x81", 1, &used), 1);
	assert_int_equal(used, 1);
	assert_int_equal(text_fit("", 5, &used), 0);
	assert_int_equal(text_fit(NULL, 5, &used), 0);
	assert_int_equal(used, 0);
	/* invalid byte as one U+FFFD column */
	assert_int_equal(text_fit("\xFF" "a", 1, &used), 1);
	text_set_ambiguous_wide(true);
	assert_int_equal(text_fit("3·15", 2, &used), 1);
	assert_int_equal(used, 1);
}

static void test_fit_cols_cut(void **state)
{
	(void)state;
	check_fit("中文字符串", 10, true, "中文字符串", 10);
	check_fit("中文字符串", 12, true, "中文字符串  ", 12);
	check_fit("中文字符串", 12, false, "中文字符串", 10);
	check_fit("中文字符串", 9, true, "中文字符" ELL, 9);
	check_fit("中文字符串", 5, true, "中文" ELL, 5);
	/* 文 would need the last column: a space instead */
	check_fit("中文字符串", 4, true, "中" ELL " ", 4);
	check_fit("中文字符串", 4, false, "中" ELL, 3);
	check_fit("中文字符串", 2, true, ELL " ", 2);
	check_fit("中文字符串", 1, true, ELL, 1);
	check_fit("中文字符串", 0, true, "", 0);
	check_fit("中文字符串", -1, true, "", 0);
	check_fit("abcdef", 6, true, "abcdef", 6);
	check_fit("abcdefg", 6, true, "abcde" ELL, 6);
	check_fit("ab", 6, true, "ab    ", 6);
	check_fit("", 3, true, "   ", 3);
	check_fit(NULL, 3, true, "   ", 3);
	check_fit("a中", 2, true, "a" ELL, 2);
	check_fit("中a", 2, true, ELL " ", 2);
	check_fit("a中", 3, true, "a中", 3);
	check_fit("3·15 投诉", 6, true, "3·15 " ELL, 6);
}

static void test_fit_cols_ambiguous(void **state)
{
	(void)state;
	text_set_ambiguous_wide(true);
	check_fit("中文字符串", 5, true, "中" ELL " ", 5);
	check_fit("中文字符串", 6, true, "中文" ELL, 6);
	check_fit("中文字符串", 2, true, ELL, 2);
	check_fit("abcdef", 3, true, "a" ELL, 3);
	/* no room for the 2-column ellipsis: plain cut */
	check_fit("abc", 1, true, "a", 1);
	check_fit("中文", 1, true, " ", 1);
	check_fit("中文", 1, false, "", 0);
	/* ambiguous characters in the text count 2 as well */
	check_fit("3·15", 4, true, "3" ELL " ", 4);
	check_fit("3·15", 5, true, "3·15", 5);
}

static void test_fit_cols_content(void **state)
{
	(void)state;
	/* newline and tab become spaces, other controls vanish */
	check_fit("a\nb\tc", 5, true, "a b c", 5);
	check_fit("\x1B[2J", 5, true, "[2J  ", 5);
	check_fit("a\r\nb", 3, false, "a b", 3);
	/* invalid bytes are drawn as U+FFFD */
	check_fit("a\xFF" "b", 3, true, "a" FFFD "b", 3);
	/* combining marks stay with their base across the cut */
	check_fit("e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 2, true,
		  "e\xCC\x81" ELL, 2);
	check_fit("e\xCC\x81" "e\xCC\x81", 2, true,
		  "e\xCC\x81" "e\xCC\x81", 2);
	/* emoji never split */
	check_fit("😀😀", 3, true, "😀" ELL, 3);
	check_fit("😀😀", 2, true, ELL " ", 2);
	check_fit("a😀b", 3, true, "a" ELL " ", 3);
}

/* Bidi and line-separator format characters never reach the terminal
 * through a fitted cell (a U+202E in a company name would make the rest of
 * the row read backwards), wherever they sit in the text. */
#define FIT_DROPS(cp)                                          \
	do {                                                   \
		check_fit("a" cp "b", 4, true, "ab  ", 4);     \
		check_fit(cp "a", 2, false, "a", 1);           \
		check_fit("\xE4\xB8\xAD" cp "\xE6\x96\x87\xE5\xAD\x97", 3, true, \
			  "\xE4\xB8\xAD" ELL, 3);             \
		check_fit_right("7" cp, 3, "  7", 3);          \
	} while (0)

static void test_fit_cols_strips_format(void **state)
{
	(void)state;
	FIT_DROPS("\xE2\x80\xAA");	/* U+202A LRE */
	FIT_DROPS("\xE2\x80\xAB");	/* U+202B RLE */
	FIT_DROPS("\xE2\x80\xAC");	/* U+202C PDF */
	FIT_DROPS("\xE2\x80\xAD");	/* U+202D LRO */
	FIT_DROPS("\xE2\x80\xAE");	/* U+202E RLO */
	FIT_DROPS("\xE2\x81\xA6");	/* U+2066 LRI */
	FIT_DROPS("\xE2\x81\xA7");	/* U+2067 RLI */
	FIT_DROPS("\xE2\x81\xA8");	/* U+2068 FSI */
	FIT_DROPS("\xE2\x81\xA9");	/* U+2069 PDI */
	FIT_DROPS("\xE2\x80\x8E");	/* U+200E LRM */
	FIT_DROPS("\xE2\x80\x8F");	/* U+200F RLM */
	FIT_DROPS("\xD8\x9C");		/* U+061C ALM */
	FIT_DROPS("\xE2\x80\xA8");	/* U+2028 LINE SEPARATOR */
	FIT_DROPS("\xE2\x80\xA9");	/* U+2029 PARAGRAPH SEPARATOR */
	/* neighbours are drawn: U+202F (narrow no-break space), ZWJ */
	check_fit("a\xE2\x80\xAF" "b", 4, true, "a\xE2\x80\xAF" "b ", 4);
	check_fit("a\xE2\x80\x8D" "b", 4, true, "a\xE2\x80\x8D" "b  ", 4);
}

static void test_fit_cols_small_buffer(void **state)
{
	char buf[16];

	(void)state;
	/* outsz 0: nothing written at all */
	buf[0] = 'Z';
	assert_int_equal(text_fit_cols("abc", 5, true, buf, 0), 0);
	assert_int_equal(buf[0], 'Z');
	assert_int_equal(text_fit_cols("abc", 5, true, NULL, 10), 0);

	assert_int_equal(text_fit_cols("abc", 5, true, buf, 1), 0);
	assert_string_equal(buf, "");

	/* 4 bytes hold 中 and the NUL, not 文 */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(text_fit_cols("中文", 4, true, buf, 4), 2);
	assert_string_equal(buf, "中");
	assert_int_equal(buf[3], '\0');
	assert_int_equal(buf[4], 'X');

	/* room for "中文" but not for the ellipsis after it */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(text_fit_cols("中文字符串", 5, true, buf, 7), 4);
	assert_string_equal(buf, "中文");
	assert_int_equal(buf[7], 'X');

	/* padding stops at the buffer too */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(text_fit_cols("ab", 10, true, buf, 5), 4);
	assert_string_equal(buf, "ab  ");

	/* a base and its mark go together or not at all */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(text_fit_cols("xe\xCC\x81", 2, true, buf, 4), 1);
	assert_string_equal(buf, "x");

	/* 2 bytes: 值 does not fit, nothing after it is written either */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(text_fit_cols("值a", 3, true, buf, 2), 0);
	assert_string_equal(buf, "");
}

static void test_fit_cols_right(void **state)
{
	char buf[4];

	(void)state;
	check_fit_right("42", 5, "   42", 5);
	check_fit_right("12345", 5, "12345", 5);
	check_fit_right("1234567", 4, "123" ELL, 4);
	check_fit_right("值守", 5, " 值守", 5);
	check_fit_right("中文字符串", 4, " 中" ELL, 4);
	check_fit_right("", 3, "   ", 3);
	check_fit_right("abc", 0, "", 0);
	text_set_ambiguous_wide(true);
	check_fit_right("中文字符串", 5, " 中" ELL, 5);
	check_fit_right("3·15", 6, " 3·15", 6);

	/* small buffer: padding first, then as much as fits */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(text_fit_cols_right("7", 5, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "   ");
	assert_int_equal(text_fit_cols_right("7", 5, buf, 0), 0);
}


/* ---- what utf8proc is asked, and where we overrule it ------------------- */

/* Widths as glibc's wcwidth (ncurses, the terminal) counts them, where
 * utf8proc 2.8 alone would say otherwise (text.c, text_cp_width). */
static void test_cp_width_overrides(void **state)
{
	(void)state;
	/* CJK, fullwidth forms, 〇 and emoji: utf8proc and the terminal agree */
	assert_int_equal(text_cp_width(0x4E2D), 2);	/* 中 */
	assert_int_equal(text_cp_width(0x3007), 2);	/* 〇 */
	assert_int_equal(text_cp_width(0xFF01), 2);	/* ！ */
	assert_int_equal(text_cp_width(0x300A), 2);	/* 《 */
	assert_int_equal(text_cp_width(0x1F1E8), 1);	/* regional indicator C */
	/* combining marks take nothing, whatever the script */
	assert_int_equal(text_cp_width(0x0300), 0);
	assert_int_equal(text_cp_width(0x0E31), 0);	/* Thai mai han-akat */
	assert_int_equal(text_cp_width(0x302A), 0);	/* ideographic tone mark */
	/* spacing marks advance the cursor (utf8proc: 0) */
	assert_int_equal(text_cp_width(0x093E), 1);	/* Devanagari aa */
	assert_int_equal(text_cp_width(0x0903), 1);
	assert_int_equal(text_cp_width(0x302E), 2);	/* Hangul tone mark: W */
	/* prepended concatenation marks are drawn (utf8proc: 0) */
	assert_int_equal(text_cp_width(0x0600), 1);
	assert_int_equal(text_cp_width(0x06DD), 1);
	/* Hangul medial vowels and finals compose (utf8proc: 1) */
	assert_int_equal(text_cp_width(0x11A8), 0);
	assert_int_equal(text_cp_width(0xD7B0), 0);
	/* ideographs and emoji newer than utf8proc's Unicode are wide */
	assert_int_equal(text_cp_width(0x2EBF0), 2);	/* Extension I */
	assert_int_equal(text_cp_width(0x31350), 2);	/* Extension H */
	assert_int_equal(text_cp_width(0x1FAE9), 2);	/* an emoji of 2024 */
	/* other unassigned code points: one column */
	assert_int_equal(text_cp_width(0x0378), 1);
}

static void test_width_cjk_and_marks(void **state)
{
	(void)state;
	assert_int_equal(text_width("中文ABC"), 7);
	assert_int_equal(text_width("（１２３１５）"), 14);	/* fullwidth */
	assert_int_equal(text_width("a\xCC\x81\xCC\xA7"), 1);	/* two marks */
	assert_int_equal(text_width("中\xCC\x81"), 2);
	/* conjoining jamo: leading consonant 2, vowel and final 0 */
	assert_int_equal(text_width("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8"), 2);
	/* invalid bytes: one U+FFFD column each, never a crash or a skip */
	assert_int_equal(text_width("中\xE4\xB8"), 4);
	assert_int_equal(text_width("\xF0\x9F\x98"), 3);
	assert_int_equal(text_width("\xED\xA0\x80" "a"), 4);	/* surrogate */
}

static void test_valid_prefix(void **state)
{
	size_t missing = 99;

	(void)state;
	assert_int_equal(text_valid_prefix("abc", 3, &missing), 3);
	assert_int_equal(missing, 0);
	assert_int_equal(text_valid_prefix("0123456789值守", 16, &missing), 16);
	assert_int_equal(missing, 0);
	/* cut short by len: how many bytes would complete it */
	assert_int_equal(text_valid_prefix("ab值", 3, &missing), 2);
	assert_int_equal(missing, 2);
	assert_int_equal(text_valid_prefix("ab值", 4, &missing), 2);
	assert_int_equal(missing, 1);
	assert_int_equal(text_valid_prefix("😀", 1, &missing), 0);
	assert_int_equal(missing, 3);
	/* E0 and F0 need a high second byte; still completable */
	assert_int_equal(text_valid_prefix("\xE0", 1, &missing), 0);
	assert_int_equal(missing, 2);
	assert_int_equal(text_valid_prefix("\xF0\x90", 2, &missing), 0);
	assert_int_equal(missing, 2);
	assert_int_equal(text_valid_prefix("\xED\x9F", 2, &missing), 0);
	assert_int_equal(missing, 1);
	/* invalid, whatever follows: missing stays 0 */
	assert_int_equal(text_valid_prefix("ok\xFF", 3, &missing), 2);
	assert_int_equal(missing, 0);
	assert_int_equal(text_valid_prefix("\xE0\x80", 2, &missing), 0);	/* overlong */
	assert_int_equal(missing, 0);
	assert_int_equal(text_valid_prefix("\xED\xA0", 2, &missing), 0);	/* surrogate */
	assert_int_equal(missing, 0);
	assert_int_equal(text_valid_prefix("\xF4\x90", 2, &missing), 0);	/* > U+10FFFF */
	assert_int_equal(missing, 0);
	assert_int_equal(text_valid_prefix("\xE4\xB8" "A", 3, &missing), 0);
	assert_int_equal(missing, 0);
	/* an invalid byte past 8 ASCII ones (the fast path) */
	assert_int_equal(text_valid_prefix("abcdefghij\x80", 11, &missing), 10);
	assert_int_equal(text_valid_prefix(NULL, 0, NULL), 0);
}

static void test_cut(void **state)
{
	const char *s = "ab值守😀";	/* a b 值(2..4) 守(5..7) 😀(8..11) */
	size_t i;

	(void)state;
	assert_int_equal(text_cut(s, 0), 0);
	assert_int_equal(text_cut(s, 2), 2);
	assert_int_equal(text_cut(s, 3), 2);
	assert_int_equal(text_cut(s, 4), 2);
	assert_int_equal(text_cut(s, 5), 5);
	assert_int_equal(text_cut(s, 7), 5);
	assert_int_equal(text_cut(s, 8), 8);
	assert_int_equal(text_cut(s, 9), 8);
	assert_int_equal(text_cut(s, 11), 8);
	assert_int_equal(text_cut(s, 12), 12);
	/* every cut is valid UTF-8 */
	for (i = 0; i <= strlen(s); i++)
		assert_true(text_valid_utf8(s, text_cut(s, i)));
	/* invalid bytes are left as they are: only a started character goes */
	assert_int_equal(text_cut("a\xFF", 2), 2);
	assert_int_equal(text_cut("a\x80\x80\x80\x80", 5), 5);
	assert_int_equal(text_cut(NULL, 3), 0);
}

static void test_fold_width(void **state)
{
	(void)state;
	assert_int_equal(text_fold_width(0xFF10), '0');	/* ０ */
	assert_int_equal(text_fold_width(0xFF21), 'A');	/* Ａ */
	assert_int_equal(text_fold_width(0xFF5A), 'z');	/* ｚ */
	assert_int_equal(text_fold_width(0xFF1A), ':');	/* ： */
	assert_int_equal(text_fold_width(0xFF01), '!');
	assert_int_equal(text_fold_width(0xFF5E), '~');
	assert_int_equal(text_fold_width(0x3000), ' ');
	/* neighbours stay */
	assert_int_equal(text_fold_width(0xFF00), 0xFF00);
	assert_int_equal(text_fold_width(0xFF5F), 0xFF5F);
	assert_int_equal(text_fold_width(0x3001), 0x3001);	/* 、 */
	assert_int_equal(text_fold_width('a'), 'a');
}

static void test_cp_stripped(void **state)
{
	(void)state;
	assert_true(text_cp_stripped(0x1B));
	assert_true(text_cp_stripped('\t'));
	assert_true(text_cp_stripped(0x7F));
	assert_true(text_cp_stripped(0x9B));
	assert_true(text_cp_stripped(0x202E));
	assert_true(text_cp_stripped(0x2069));
	assert_true(text_cp_stripped(0x061C));
	assert_true(text_cp_stripped(0x2029));
	assert_true(text_cp_stripped(0x110000));
	assert_false(text_cp_stripped(' '));
	assert_false(text_cp_stripped(0xA0));
	assert_false(text_cp_stripped(0x200D));	/* ZWJ */
	assert_false(text_cp_stripped(0x00AD));	/* soft hyphen */
	assert_false(text_cp_stripped(0x4E2D));
}

static void test_cp_separator(void **state)
{
	static const uint32_t sep[] = { ' ', '\n', '\t', ',', '.', '-', '(', '"', '!',
					0x3000, 0xFF0C, 0x3002, 0x3001, 0xFF1B, 0x201C,
					0x300A, 0xFF08, 0x2014, 0x00A0 };
	static const uint32_t word[] = { 'a', 'Z', '0', '+', '$', 0x4E2D, 0x3007,
					 0xFF10, 0xFF21, 0x00E9, 0x0301, 0x1F600 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof sep / sizeof sep[0]; i++)
		if (!text_cp_separator(sep[i]))
			fail_msg("U+%04X should separate words", (unsigned)sep[i]);
	for (i = 0; i < sizeof word / sizeof word[0]; i++)
		if (text_cp_separator(word[i]))
			fail_msg("U+%04X should not separate words", (unsigned)word[i]);
}

/* A cut falls between grapheme clusters: never inside a flag, an emoji
 * ZWJ sequence, a conjoining Hangul syllable or a base and its marks. */
static void test_fit_grapheme_boundary(void **state)
{
	int used;

	(void)state;
	/* 🇨🇳 is two regional indicators, one column each */
	check_fit("\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3" "ab", 3, true,
		  "\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3" ELL, 3);
	check_fit("a\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3", 2, true,
		  "a" ELL, 2);
	assert_int_equal(text_fit("\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3", 1, &used), 0);
	assert_int_equal(used, 0);
	/* two flags in a row: the pairs are kept, not the middle one */
	assert_int_equal(text_fit("\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3"
				  "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5", 3, &used), 8);
	assert_int_equal(used, 2);
	/* 👩‍💻 (woman, ZWJ, laptop): 4 columns as the terminal counts them,
	 * kept whole or left out */
	assert_int_equal(text_width("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB"), 4);
	assert_int_equal(text_fit("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB", 3,
				  &used), 0);
	assert_int_equal(text_fit("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB", 4,
				  &used), 11);
	check_fit("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB" "x", 4, true,
		  ELL "   ", 4);
	/* conjoining jamo ᄀ+ᅡ+ᆨ is one syllable */
	assert_int_equal(text_fit("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8" "x", 2,
				  &used), 9);
	assert_int_equal(used, 2);
	/* a base with two marks, after Chinese */
	check_fit("中a\xCC\x81\xCC\xA7" "bc", 4, true, "中a\xCC\x81\xCC\xA7" ELL, 4);
	/* a spacing mark stays with its consonant: क + ा */
	assert_int_equal(text_fit("\xE0\xA4\x95\xE0\xA4\xBE", 1, &used), 0);
	assert_int_equal(text_fit("\xE0\xA4\x95\xE0\xA4\xBE", 2, &used), 6);
	/* CR LF is one cluster, drawn as one space */
	check_fit("a\r\nb", 3, true, "a b", 3);
}

/* A table on a narrow terminal: the cuttable columns (with a maxw) give
 * way, widest first, not below their header; a code (no maxw) never. */
static void test_table_fits_width(void **state)
{
	(void)state;
	static const struct out_col cols[] = {
		{ "uscc", "统一社会信用代码", "USCC", 0, false },
		{ "name", "名称", "name", 30, false },
		{ "address", "住所", "address", 26, false },
	};
	for (int width = 0; width <= 60; width += 60) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct out *o = out_new(f, OUT_TABLE, cols, 3);
		out_set_width(o, width);
		out_str(o, "92120101MANBT1AM33");
		out_str(o, "和平区东北酸菜包子馆和平区东北酸菜包子馆");
		out_str(o, "天津市和平区河北路118号天津市和平区河北路118号");
		out_end_row(o);
		out_finish(o);
		fclose(f);
		assert_non_null(strstr(buf, "92120101MANBT1AM33"));
		int widest = 0;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			if (text_width(line) > widest)
				widest = text_width(line);
		if (width)
			assert_true(widest <= width);
		else
			assert_true(widest > 60);   /* not a terminal: as wide as maxw allows */
		free(buf);
	}
}

/* A terminal too narrow even with the cut columns at their least: the
 * columns the caller may spare are left out, in its order, until the row
 * fits; without such a list nothing is left out. */
static void test_table_leaves_out_spare_columns(void **state)
{
	(void)state;
	static const struct out_col cols[] = {
		{ "id", "编号", "id", 0, true },
		{ "time", "受理时间", "received", 0, false },
		{ "phone", "号码", "phone", 0, false },
		{ "ref", "工单号", "order no", 0, false },
		{ "summary", "内容摘要", "summary", 30, false },
	};
	static const char *const spare[] = { "ref", "phone", NULL };
	for (int with = 0; with <= 1; with++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct out *o = out_new(f, OUT_TABLE, cols, 5);
		out_set_width(o, 36);
		if (with)
			out_set_hide(o, spare);
		out_str(o, "300");
		out_str(o, "03-15 21:38");
		out_str(o, "187****0858");
		out_str(o, "8890-2026-000123");
		out_str(o, "举报劝业场电子市场柜台仍以新机名义销售翻新手机");
		out_end_row(o);
		out_finish(o);
		fclose(f);
		if (with) {
			assert_null(strstr(buf, "8890-2026-000123"));   /* ref left out first */
			assert_null(strstr(buf, "187****0858"));        /* then the phone */
			assert_non_null(strstr(buf, "03-15 21:38"));
			assert_non_null(strstr(buf, "举报"));
		} else {
			assert_non_null(strstr(buf, "8890-2026-000123"));
		}
		int widest = 0;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			if (text_width(line) > widest)
				widest = text_width(line);
		assert_true(with ? widest <= 36 : widest > 36);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_valid),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_decode_truncated_by_len),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_roundtrip_all),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test_teardown(test_cp_width, reset_ambiguous),
		cmocka_unit_test_teardown(test_cp_width_ambiguous,
					  reset_ambiguous),
		cmocka_unit_test_teardown(test_width_strings, reset_ambiguous),
		cmocka_unit_test(test_width_n),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_sanitize_plain),
		cmocka_unit_test(test_sanitize_invalid),
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_newlines),
		cmocka_unit_test(test_sanitize_bidi),
		cmocka_unit_test(test_trim),
		cmocka_unit_test_teardown(test_fit, reset_ambiguous),
		cmocka_unit_test_teardown(test_fit_cols_cut, reset_ambiguous),
		cmocka_unit_test_teardown(test_fit_cols_ambiguous,
					  reset_ambiguous),
		cmocka_unit_test_teardown(test_fit_cols_content,
					  reset_ambiguous),
		cmocka_unit_test_teardown(test_fit_cols_strips_format,
					  reset_ambiguous),
		cmocka_unit_test(test_fit_cols_small_buffer),
		cmocka_unit_test_teardown(test_fit_cols_right, reset_ambiguous),
		cmocka_unit_test(test_cp_width_overrides),
		cmocka_unit_test(test_width_cjk_and_marks),
		cmocka_unit_test(test_valid_prefix),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_fold_width),
		cmocka_unit_test(test_cp_stripped),
		cmocka_unit_test(test_cp_separator),
		cmocka_unit_test(test_fit_grapheme_boundary),
		cmocka_unit_test(test_wrap_line),
		cmocka_unit_test(test_table_fits_width),
		cmocka_unit_test(test_table_leaves_out_spare_columns),
	};

	return cmocka_run_group_tests(tests, reset_ambiguous, NULL);
}
