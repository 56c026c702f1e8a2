/* Pick lists: what an operator types finds the unit, the exposure, the
 * category (Chinese, digits, pinyin initials). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "zhishou/pinyin.h"

static void test_initials_from_unihan(void **state)
{
	(void)state;
	char in[2];
	struct { uint32_t cp; char want; } cases[] = {
		{ 0x98DF, 's' },   /* 食 shí */
		{ 0x54C1, 'p' },   /* 品 pǐn */
		{ 0x5B89, 'a' },   /* 安 ān: a tone mark on the first letter */
		{ 0x5168, 'q' },   /* 全 quán */
		{ 0x76D1, 'j' },   /* 监 jiān */
		{ 0x7BA1, 'g' },   /* 管 guǎn */
		{ 0x79D1, 'k' },   /* 科 kē */
		{ 0x7EFC, 'z' },   /* 综 zōng */
		{ 0x6267, 'z' },   /* 执 zhí */
		{ 0x961F, 'd' },   /* 队 duì */
		{ 0x5973, 'n' },   /* 女 nǚ */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_true(pinyin_initials(cases[i].cp, in) >= 1);
		assert_int_equal(in[0], cases[i].want);
	}
	assert_int_equal(pinyin_initials('A', in), 1);
	assert_int_equal(in[0], 'a');
	assert_int_equal(pinyin_initials('7', in), 1);
	assert_int_equal(pinyin_initials(0xFF17, in), 1);   /* fullwidth ７ */
	assert_int_equal(in[0], '7');
	assert_int_equal(pinyin_initials(0x3001, in), 0);   /* 、 */
	assert_int_equal(pinyin_initials(0x1F600, in), 0);
}

static void test_pick_match(void **state)
{
	(void)state;
	const char *unit = "食品安全监管科";
	assert_int_equal(pick_match(unit, ""), 1);
	assert_int_equal(pick_match(unit, NULL), 1);
	assert_int_equal(pick_match(unit, "食品安全监管科"), 5);
	assert_int_equal(pick_match(unit, "食品"), 4);
	assert_int_equal(pick_match(unit, "spaq"), 3);
	assert_int_equal(pick_match(unit, "SPAQ"), 3);
	assert_int_equal(pick_match(unit, "spaqjgk"), 3);
	assert_int_equal(pick_match(unit, "监管"), 2);
	assert_int_equal(pick_match(unit, "jgk"), 1);
	assert_int_equal(pick_match(unit, "spaqjgkx"), 0);   /* longer than the name */
	assert_int_equal(pick_match(unit, "pq"), 0);         /* initials in order, no gaps */
	assert_int_equal(pick_match(unit, "酸菜"), 0);
	assert_int_equal(pick_match("12315投诉举报中心", "12315"), 4);
	assert_int_equal(pick_match("12315投诉举报中心", "tsjb"), 1);
	assert_int_equal(pick_match("12315投诉举报中心", "315"), 2);
	assert_int_equal(pick_match("#12 土坑酸菜", "12"), 2);
	assert_int_equal(pick_match("综合行政执法支队", "zhxz"), 3);
	assert_int_equal(pick_match("", "a"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initials_from_unihan),
		cmocka_unit_test(test_pick_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
