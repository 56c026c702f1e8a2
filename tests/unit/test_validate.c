/* Unit tests for src/core/validate.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "zhishou/validate.h"

/* Normalise in, expect success and exactly want. */
static void norm_is(const char *in, const char *want)
{
	char out[32];

	memset(out, 'X', sizeof out);
	if (!phone_normalize(in, out, sizeof out))
		fail_msg("phone_normalize(\"%s\") failed", in);
	if (strcmp(out, want) != 0)
		fail_msg("phone_normalize(\"%s\") = \"%s\", want \"%s\"", in, out,
			 want);
}

static bool norm_valid(const char *in)
{
	char out[32];

	return phone_normalize(in, out, sizeof out) && phone_is_valid(out);
}

static bool norm_mobile(const char *in)
{
	char out[32];

	return phone_normalize(in, out, sizeof out) && phone_is_mobile(out);
}

static bool norm_landline(const char *in)
{
	char out[32];

	return phone_normalize(in, out, sizeof out) && phone_is_landline(out);
}

static void test_normalize_mobile(void **state)
{
	(void)state;
	norm_is("13812341234", "13812341234");
	norm_is("138 1234 1234", "13812341234");
	norm_is("138-1234-1234", "13812341234");
	norm_is("+86 138 1234 1234", "13812341234");
	norm_is("+8613812341234", "13812341234");
	norm_is("0086 13812341234", "13812341234");
	norm_is("8613812341234", "13812341234");
	norm_is("(+86) 13812341234", "13812341234");
	/* fullwidth digits, fullwidth plus and space */
	norm_is("\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98\xEF\xBC\x91\xEF\xBC\x92"
		"\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93"
		"\xEF\xBC\x94",
		"13812341234");
	norm_is("\xEF\xBC\x8B" "86\xE3\x80\x80" "13812341234", "13812341234");
	/* fullwidth brackets and hyphen-minus: （＋86）138－1234－1234 */
	norm_is("\xEF\xBC\x88\xEF\xBC\x8B" "86\xEF\xBC\x89" "138\xEF\xBC\x8D"
		"1234\xEF\xBC\x8D" "1234", "13812341234");
	norm_is("", "");
}

static void test_normalize_rejects(void **state)
{
	char out[32], small[8];

	(void)state;
	assert_false(phone_normalize("1381234abcd", out, sizeof out));
	assert_false(phone_normalize("138.1234.1234", out, sizeof out));
	assert_false(phone_normalize("+1 212 555 0100", out, sizeof out));
	assert_false(phone_normalize("138+12341234", out, sizeof out));
	assert_false(phone_normalize("022-87654321转", out, sizeof out));
	assert_false(phone_normalize("转806", out, sizeof out));
	assert_false(phone_normalize("022-87654321转1234567", out, sizeof out));
	assert_false(phone_normalize("13812341234", small, sizeof small));
	assert_string_equal(small, "");
	assert_false(phone_normalize(NULL, out, sizeof out));
	assert_string_equal(out, "");
}

static void test_mobile(void **state)
{
	(void)state;
	assert_true(phone_is_mobile("13812341234"));
	assert_true(phone_is_mobile("19912341234"));
	assert_true(phone_is_mobile("15000000000"));
	assert_false(phone_is_mobile("12812341234"));  /* starts 12 */
	assert_false(phone_is_mobile("10812341234"));  /* starts 10 */
	assert_false(phone_is_mobile("138123412345")); /* 12 digits */
	assert_false(phone_is_mobile("1381234123"));   /* 10 digits */
	assert_false(phone_is_mobile("1381234123a"));
	assert_false(phone_is_mobile("23812341234"));
	assert_false(phone_is_mobile(""));
	assert_false(phone_is_mobile(NULL));

	assert_true(norm_mobile("+86 138-1234-1234"));
	assert_true(norm_mobile("\xEF\xBC\x91" "3812341234")); /* ０ mixed */
	assert_false(norm_mobile("138123412345"));
	assert_false(norm_mobile("12812341234"));
	assert_false(norm_mobile("138abcd1234"));
	assert_false(norm_mobile("+86 12812341234"));
}

static void test_landline(void **state)
{
	(void)state;
	/* already normalised forms, with or without the area separator */
	assert_true(phone_is_landline("02287654321"));
	assert_true(phone_is_landline("022-87654321"));
	assert_true(phone_is_landline("022-87654321-806"));
	assert_true(phone_is_landline("02287654321-806"));
	assert_true(phone_is_landline("01012345678"));
	assert_true(phone_is_landline("057187654321"));  /* 4 + 8 */
	assert_true(phone_is_landline("05718765432"));   /* 4 + 7 */
	assert_true(phone_is_landline("0571-8765432"));
	assert_true(phone_is_landline("02287654321-123456"));

	assert_false(phone_is_landline("12315"));
	assert_false(phone_is_landline("87654321"));      /* no area code */
	assert_false(phone_is_landline("0228765432"));    /* 02X + 7 */
	assert_false(phone_is_landline("022876543210"));  /* 02X + 9 */
	assert_false(phone_is_landline("0101234567"));    /* 010 + 7 */
	assert_false(phone_is_landline("0571876543"));    /* 4 + 6 */
	assert_false(phone_is_landline("0571876543210")); /* 4 + 9 */
	assert_false(phone_is_landline("00287654321"));   /* 00 prefix */
	assert_false(phone_is_landline("0571-87654321-1234567")); /* ext 7 */
	assert_false(phone_is_landline("02287654321-"));
	assert_false(phone_is_landline("0228765432a"));
	assert_false(phone_is_landline("0571-876-54321"));
	assert_false(phone_is_landline("13812341234"));
	assert_false(phone_is_landline(""));
	assert_false(phone_is_landline(NULL));
}

static void test_landline_typed(void **state)
{
	(void)state;
	norm_is("022-87654321", "02287654321");
	norm_is("(022) 8765 4321", "02287654321");
	norm_is("022-87654321转806", "02287654321-806");
	norm_is("022-87654321 转 806", "02287654321-806");
	norm_is("022-87654321-806", "02287654321-806");
	norm_is("02287654321-806", "02287654321-806"); /* idempotent */
	norm_is("022 87654321 ext. 806", "02287654321-806");
	norm_is("022-87654321x806", "02287654321-806");
	norm_is("0571-8765-4321", "057187654321"); /* 8765-4321 is not ext */
	norm_is("010-6552-9988", "01065529988");
	norm_is("0571-876543-12", "057187654312"); /* 0571876543 is too short */
	norm_is("+86 22 8765 4321", "02287654321");
	norm_is("+86 10 1234 5678", "01012345678"); /* Beijing, not a mobile */
	norm_is("0086-571-87654321", "057187654321");

	assert_true(norm_landline("022-87654321"));
	assert_true(norm_landline("022-87654321转806"));
	assert_true(norm_landline("0571 8765432"));
	assert_true(norm_landline("+86 10 1234 5678"));
	assert_false(norm_landline("12315"));
	assert_false(norm_landline("022-8765432"));
	assert_false(norm_landline("13812341234"));

	assert_true(norm_valid("022-87654321转806"));
	assert_true(norm_valid("138 1234 1234"));
	assert_false(norm_valid("12315"));
	assert_false(norm_valid("110"));
	assert_false(norm_valid(""));
}

static void mask_is(const char *in, const char *want)
{
	char out[32];

	memset(out, 'X', sizeof out);
	phone_mask(in, out, sizeof out);
	if (strcmp(out, want) != 0)
		fail_msg("phone_mask(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

static void test_phone_mask(void **state)
{
	char tiny[5];

	(void)state;
	mask_is("13812341234", "138****1234");
	mask_is("02287654321", "022****4321");
	mask_is("022-87654321", "022****4321");
	mask_is("02287654321-806", "022****4321");
	mask_is("057187654321", "0571****4321");
	mask_is("05718765432", "0571****5432");
	mask_is("12315", "****");
	mask_is("123456", "****");
	mask_is("", "****");
	mask_is("1234567", "****4567");
	mask_is("400-123-45678", "400****5678");

	phone_mask("13812341234", tiny, sizeof tiny);
	assert_string_equal(tiny, "138*");
}

static void name_is(const char *in, const char *want)
{
	char out[64];

	memset(out, 'X', sizeof out);
	name_mask(in, out, sizeof out);
	if (strcmp(out, want) != 0)
		fail_msg("name_mask(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

static void test_name_mask(void **state)
{
	char small[5];

	(void)state;
	name_is("张三丰", "张**");
	name_is("张三", "张*");
	name_is("张", "张");
	name_is("", "");
	name_is("  李四 ", "李*");
	name_is("欧阳娜娜", "欧***");
	name_is("Tom", "T**");
	name_is("阿依古丽·买买提", "阿*******");
	name_is("\xF0\x9F\x98\x80" "ab", "\xF0\x9F\x98\x80**"); /* 4-byte */
	name_is("\xFF" "ab", "\xEF\xBF\xBD**"); /* invalid lead byte */
	/* A truncated sequence: one star a byte, as text_sanitize stores one
	 * U+FFFD a byte (one decoder, text_decode, for both). */
	name_is("a\xE5\xBC", "a**");
	name_is("\xE5\xBC" "ab", "\xEF\xBF\xBD***");
	name_mask(NULL, small, sizeof small);
	assert_string_equal(small, "");

	/* Never cut a character: 张 is 3 bytes, room for one '*' after. */
	name_mask("张三丰", small, sizeof small);
	assert_string_equal(small, "张*");
	name_mask("张三丰", small, 3);
	assert_string_equal(small, "");
}

/* Build a valid code from 17 characters. */
static void make_uscc(const char *first17, char out[19])
{
	char c = uscc_check_char(first17);

	assert_true(c != 0);
	memcpy(out, first17, 17);
	out[17] = c;
	out[18] = '\0';
}

static void test_uscc_known(void **state)
{
	(void)state;
	/* public examples */
	assert_true(uscc_is_valid("91350100M000100Y43"));
	assert_true(uscc_is_valid("911100001000044477"));
	assert_true(uscc_is_valid("91110108551385082Q"));
	/* check value 31 -> '0', and a letter check character */
	assert_true(uscc_is_valid("914403007152672630"));
	assert_true(uscc_is_valid("91110108551385084Y"));
	assert_int_equal(uscc_check_char("91350100M000100Y4"), '3');
	assert_int_equal(uscc_check_char("91110000100004447"), '7');
	assert_int_equal(uscc_check_char("91440300715267263"), '0');
	assert_int_equal(uscc_check_char("91110108551385082"), 'Q');
}

static void test_uscc_invalid(void **state)
{
	char code[19], bad[19];
	const char *forbidden = "IOZSV";
	size_t i;

	(void)state;
	make_uscc("91320500MA1MXXXX0", code);
	assert_true(uscc_is_valid(code));

	/* Any single substitution in the body breaks it. */
	for (i = 0; i < 17; i++) {
		strcpy(bad, code);
		bad[i] = bad[i] == '1' ? '2' : '1';
		if (uscc_is_valid(bad))
			fail_msg("substitution at %zu accepted: %s", i, bad);
	}
	/* A wrong check character. */
	strcpy(bad, code);
	bad[17] = bad[17] == 'A' ? 'B' : 'A';
	assert_false(uscc_is_valid(bad));
	/* Transposition of two unequal neighbours. */
	strcpy(bad, "91350100M000100Y43");
	bad[2] = '5';
	bad[3] = '3';
	assert_false(uscc_is_valid(bad));

	/* Letters outside the alphabet, in the body or as check. */
	for (i = 0; forbidden[i]; i++) {
		strcpy(bad, code);
		bad[10] = forbidden[i];
		assert_false(uscc_is_valid(bad));
		assert_int_equal(uscc_check_char(bad), 0);
		strcpy(bad, code);
		bad[17] = forbidden[i];
		assert_false(uscc_is_valid(bad));
	}

	assert_false(uscc_is_valid("91350100M000100Y4"));   /* 17 */
	assert_false(uscc_is_valid("91350100M000100Y433")); /* 19 */
	assert_false(uscc_is_valid(""));
	assert_false(uscc_is_valid(NULL));
	assert_false(uscc_is_valid("91350100m000100y43")); /* not normalised */
	assert_int_equal(uscc_check_char("9135010"), 0);     /* short */
	assert_int_equal(uscc_check_char(NULL), 0);
}

static void test_uscc_normalize(void **state)
{
	char out[32], small[6];

	(void)state;
	uscc_normalize("  91350100m000100y43\n", out, sizeof out);
	assert_string_equal(out, "91350100M000100Y43");
	assert_true(uscc_is_valid(out));

	/* ideographic spaces and fullwidth characters */
	uscc_normalize("\xE3\x80\x80" "9135\xEF\xBC\x90" "100\xEF\xBD\x8D"
		       "000100Y43\xE3\x80\x80",
		       out, sizeof out);
	assert_string_equal(out, "91350100M000100Y43");
	assert_true(uscc_is_valid(out));

	uscc_normalize("", out, sizeof out);
	assert_string_equal(out, "");
	uscc_normalize("   ", out, sizeof out);
	assert_string_equal(out, "");
	uscc_normalize("91350100M000100Y43", small, sizeof small);
	assert_string_equal(small, "91350");

	/* Forbidden letters stay forbidden after upper-casing. */
	uscc_normalize("91350100o000100Y43", out, sizeof out);
	assert_false(uscc_is_valid(out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_mobile),
		cmocka_unit_test(test_normalize_rejects),
		cmocka_unit_test(test_mobile),
		cmocka_unit_test(test_landline),
		cmocka_unit_test(test_landline_typed),
		cmocka_unit_test(test_phone_mask),
		cmocka_unit_test(test_name_mask),
		cmocka_unit_test(test_uscc_known),
		cmocka_unit_test(test_uscc_invalid),
		cmocka_unit_test(test_uscc_normalize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
