/* Unit tests for src/util/csvfile.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zhishou/csvfile.h"

#define PARSE_OK(lit, tbl)                                                        \
	do {                                                                      \
		char e_[256] = "";                                                \
		bool ok_ = csv_parse_buffer((lit), sizeof(lit) - 1, (tbl), e_, sizeof e_); \
		if (!ok_)                                                         \
			print_error("unexpected error: %s\n", e_);                \
		assert_true(ok_);                                                 \
	} while (0)

static void parse_fail(const char *buf, size_t len, const char *want)
{
	struct csv_table t;
	char err[256];
	memset(&t, 0xAB, sizeof t); /* must be reset even on failure */
	assert_false(csv_parse_buffer(buf, len, &t, err, sizeof err));
	assert_string_equal(err, want);
	assert_int_equal(t.nrecords, 0);
	assert_null(t.records);
	csv_table_free(&t);
}

static void assert_record(const struct csv_table *t, size_t i, size_t line, size_t nfields)
{
	assert_true(i < t->nrecords);
	assert_int_equal(t->records[i].line, line);
	assert_int_equal(t->records[i].nfields, nfields);
}

#define F(t, r, f) ((t).records[(r)].fields[(f)])

static void test_plain_utf8_lf(void **state)
{
	(void)state;
	struct csv_table t;
	PARSE_OK("日期,单位,姓名\n2024-05-01,市场监管局,张三\n2024-05-02,,李四\n", &t);
	assert_int_equal(t.encoding, CSV_UTF8);
	assert_int_equal(t.nrecords, 3);
	assert_record(&t, 0, 1, 3);
	assert_string_equal(F(t, 0, 0), "日期");
	assert_string_equal(F(t, 0, 2), "姓名");
	assert_record(&t, 1, 2, 3);
	assert_string_equal(F(t, 1, 1), "市场监管局");
	assert_record(&t, 2, 3, 3);
	assert_string_equal(F(t, 2, 1), "");
	assert_string_equal(F(t, 2, 2), "李四");
	csv_table_free(&t);
	assert_int_equal(t.nrecords, 0);
	assert_null(t.records);
}

static void test_no_trailing_newline(void **state)
{
	(void)state;
	struct csv_table t;
	PARSE_OK("a,b\n1,\"2\"", &t);
	assert_int_equal(t.nrecords, 2);
	assert_record(&t, 1, 2, 2);
	assert_string_equal(F(t, 1, 1), "2");
	csv_table_free(&t);

	PARSE_OK("a,b\n1,", &t);
	assert_record(&t, 1, 2, 2);
	assert_string_equal(F(t, 1, 1), "");
	csv_table_free(&t);
}

static void test_utf8_bom_crlf(void **state)
{
	(void)state;
	struct csv_table t;
	PARSE_OK("\xEF\xBB\xBF日期,单位,姓名\r\n2024-05-01,市局,张三\r\n\r\n2024-05-02,区局,李四\r\n", &t);
	assert_int_equal(t.encoding, CSV_UTF8_BOM);
	assert_int_equal(t.nrecords, 3);
	assert_record(&t, 0, 1, 3);
	assert_string_equal(F(t, 0, 0), "日期"); /* BOM stripped */
	assert_string_equal(F(t, 0, 2), "姓名"); /* no \r left */
	assert_record(&t, 1, 2, 3);
	assert_string_equal(F(t, 1, 2), "张三");
	assert_record(&t, 2, 4, 3);
	assert_string_equal(F(t, 2, 2), "李四");
	for (size_t r = 0; r < t.nrecords; r++)
		for (size_t f = 0; f < t.records[r].nfields; f++)
			assert_null(strchr(F(t, r, f), '\r'));
	csv_table_free(&t);
}

static void test_crlf_inside_quoted_field(void **state)
{
	(void)state;
	struct csv_table t;
	PARSE_OK("a,b\r\n\"x\r\ny\",z\r\nlast,1\r\n", &t);
	assert_int_equal(t.nrecords, 3);
	assert_string_equal(F(t, 1, 0), "x\ny");
	assert_record(&t, 2, 4, 2);
	csv_table_free(&t);
}

static void test_gb18030(void **state)
{
	(void)state;
	/* printf '日期,单位,姓名\n张三,市场监管局\n' | iconv -f UTF-8 -t GB18030 */
	static const char gb[] =
		"\xc8\xd5\xc6\xda,\xb5\xa5\xce\xbb,\xd0\xd5\xc3\xfb\n"
		"\xd5\xc5\xc8\xfd,\xca\xd0\xb3\xa1\xbc\xe0\xb9\xdc\xbe\xd6,x\n";
	struct csv_table t;
	PARSE_OK(gb, &t);
	assert_int_equal(t.encoding, CSV_GB18030);
	assert_int_equal(t.nrecords, 2);
	assert_record(&t, 0, 1, 3);
	assert_string_equal(F(t, 0, 0), "日期");
	assert_string_equal(F(t, 0, 1), "单位");
	assert_string_equal(F(t, 0, 2), "姓名");
	assert_record(&t, 1, 2, 3);
	assert_string_equal(F(t, 1, 0), "张三");
	assert_string_equal(F(t, 1, 1), "市场监管局");
	csv_table_free(&t);
}

static void test_gb18030_bom_dropped(void **state)
{
	(void)state;
	/* GB18030 BOM 84 31 95 33 followed by "日期,x" */
	static const char gb[] = "\x84\x31\x95\x33\xc8\xd5\xc6\xda,x\n";
	struct csv_table t;
	PARSE_OK(gb, &t);
	assert_int_equal(t.encoding, CSV_GB18030);
	assert_string_equal(F(t, 0, 0), "日期");
	csv_table_free(&t);
}

static void test_quoted_fields_and_lines(void **state)
{
	(void)state;
	struct csv_table t;
	PARSE_OK("事项,备注,人\n"
		 "\"投诉,举报\",\"他说\"\"马上到\"\"\",王五\n"
		 "\"第一行\n第二行\n第三行\",x,\"\"\n"
		 "下一条,y,z\n",
		 &t);
	assert_int_equal(t.nrecords, 4);
	assert_record(&t, 1, 2, 3);
	assert_string_equal(F(t, 1, 0), "投诉,举报");
	assert_string_equal(F(t, 1, 1), "他说\"马上到\"");
	assert_record(&t, 2, 3, 3);
	assert_string_equal(F(t, 2, 0), "第一行\n第二行\n第三行");
	assert_string_equal(F(t, 2, 2), "");
	/* the record after the multi-line field starts on physical line 6 */
	assert_record(&t, 3, 6, 3);
	assert_string_equal(F(t, 3, 0), "下一条");
	csv_table_free(&t);
}

static void test_quoted_newline_mid_record(void **state)
{
	(void)state;
	struct csv_table t;
	/* record 2 starts on line 2 although its first newline is in field 2 */
	PARSE_OK("h1,h2\na,\"b\nc\"\nd,e\n", &t);
	assert_int_equal(t.nrecords, 3);
	assert_record(&t, 1, 2, 2);
	assert_string_equal(F(t, 1, 1), "b\nc");
	assert_record(&t, 2, 4, 2);
	csv_table_free(&t);
}

static void test_fields_not_trimmed_and_sloppy_quotes(void **state)
{
	(void)state;
	struct csv_table t;
	PARSE_OK("a, b ,c\n"
		 "1, \"x, y\" ,\t\"z\"\t\n"
		 "2,ab\"cd,\" q \"\n",
		 &t);
	assert_int_equal(t.nrecords, 3);
	assert_string_equal(F(t, 0, 1), " b "); /* unquoted: verbatim */
	assert_string_equal(F(t, 1, 1), "x, y"); /* spaces outside quotes dropped */
	assert_string_equal(F(t, 1, 2), "z");
	assert_string_equal(F(t, 2, 1), "ab\"cd"); /* stray quote kept */
	assert_string_equal(F(t, 2, 2), " q ");   /* spaces inside quotes kept */
	csv_table_free(&t);
}

static void test_blank_lines_skipped(void **state)
{
	(void)state;
	struct csv_table t;
	PARSE_OK("\n\na,b\n\n,\n   \n\"\",\"\"\n\xE3\x80\x80,\n1,2\n\n", &t);
	assert_int_equal(t.nrecords, 2);
	assert_record(&t, 0, 3, 2);
	assert_string_equal(F(t, 0, 0), "a");
	assert_record(&t, 1, 9, 2);
	assert_string_equal(F(t, 1, 1), "2");
	csv_table_free(&t);
}

static void test_empty(void **state)
{
	(void)state;
	parse_fail("", 0, "文件为空");
	parse_fail(NULL, 0, "文件为空");
	parse_fail("\xEF\xBB\xBF", 3, "文件为空");
}

static void test_whitespace_only(void **state)
{
	(void)state;
	static const char ws[] = " \r\n\t\n  \n";
	parse_fail(ws, sizeof ws - 1, "文件为空");
	static const char bomws[] = "\xEF\xBB\xBF\r\n\r\n";
	parse_fail(bomws, sizeof bomws - 1, "文件为空");
	static const char commas[] = ",,,\n,,\n\xE3\x80\x80\n";
	parse_fail(commas, sizeof commas - 1, "文件为空");
}

static void test_binary(void **state)
{
	(void)state;
	static const char nul[] = "a,b\n1,\0\n";
	parse_fail(nul, sizeof nul - 1, "不是文本文件（含二进制数据）");
	static const char zip[] = "PK\x03\x04\x14\x00\x06\x00";
	parse_fail(zip, sizeof zip - 1, "不是文本文件（含二进制数据）");
	static const char ctl[] = "a\x01\x02\x03\x04\x05\x06,b\n";
	parse_fail(ctl, sizeof ctl - 1, "不是文本文件（含二进制数据）");
	/* one stray control byte is tolerated and kept (not sanitised) */
	struct csv_table t;
	PARSE_OK("a\x07,b\n", &t);
	assert_string_equal(F(t, 0, 0), "a\x07");
	csv_table_free(&t);
}

static void test_utf16_refused(void **state)
{
	(void)state;
	static const char u16[] = "\xFF\xFE" "a\0,\0b\0\n\0";
	struct csv_table t;
	char err[256];
	assert_false(csv_parse_buffer(u16, sizeof u16 - 1, &t, err, sizeof err));
	assert_non_null(strstr(err, "UTF-16"));
	assert_int_equal(t.nrecords, 0);
}

static void test_bad_encoding(void **state)
{
	(void)state;
	static const char bad[] = "a,b\n\xFF\xFF,c\n";
	parse_fail(bad, sizeof bad - 1, "编码无法识别：既不是 UTF-8 也不是 GB18030");
	/* truncated GBK sequence at the very end */
	static const char trunc[] = "a,b\n\xc8\xd5\xc6";
	parse_fail(trunc, sizeof trunc - 1, "编码无法识别：既不是 UTF-8 也不是 GB18030");
	/* declared UTF-8 by its BOM, but GBK bytes on line 2 */
	static const char bomgbk[] = "\xEF\xBB\xBF" "a,b\n\xc8\xd5\xc6\xda,c\n";
	parse_fail(bomgbk, sizeof bomgbk - 1,
		   "第 2 行：文件标明为 UTF-8（带 BOM），但含有无效的 UTF-8 字节");
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	static const char s1[] = "a,b\n1,2\n3,\"oops\n4,5\n6,7\n";
	parse_fail(s1, sizeof s1 - 1, "第 3 行：引号未闭合");
	static const char s2[] = "a,b\n\"x";
	parse_fail(s2, sizeof s2 - 1, "第 2 行：引号未闭合");
	/* a closed quote at EOF without newline is fine */
	struct csv_table t;
	PARSE_OK("a,b\n\"x\"", &t);
	assert_string_equal(F(t, 1, 0), "x");
	csv_table_free(&t);
}

static void test_too_big(void **state)
{
	(void)state;
	size_t len = (size_t)64 * 1024 * 1024 + 1;
	char *big = calloc(len, 1);
	assert_non_null(big);
	parse_fail(big, len, "文件过大（超过 64 MiB）");
	free(big);
}

static void test_small_err_buffer(void **state)
{
	(void)state;
	struct csv_table t;
	char err[8]; /* "文件为空" is 12 bytes: must be cut on a character */
	assert_false(csv_parse_buffer("", 0, &t, err, sizeof err));
	assert_string_equal(err, "文件");
	assert_false(csv_parse_buffer("", 0, &t, NULL, 0));
}

static void test_find_column(void **state)
{
	(void)state;
	struct csv_table t;
	PARSE_OK(" 日期 ,\t单位,\xE3\x80\x80姓名\xE3\x80\x80,\" 电话 \",备注\n1,2,3,4,5\n", &t);
	assert_string_equal(F(t, 0, 0), " 日期 "); /* fields are not trimmed */
	static const char *const date[] = { "日期", NULL };
	static const char *const unit[] = { "单位", NULL };
	static const char *const name[] = { "值班人", "姓名", NULL };
	static const char *const phone[] = { "电话", NULL };
	static const char *const missing[] = { "地址", "住址", NULL };
	static const char *const none[] = { NULL };
	static const char *const pref[] = { "备注", "日期", NULL };
	assert_int_equal(csv_find_column(&t, date), 0);
	assert_int_equal(csv_find_column(&t, unit), 1);
	assert_int_equal(csv_find_column(&t, name), 2);
	assert_int_equal(csv_find_column(&t, phone), 3);
	assert_int_equal(csv_find_column(&t, missing), -1);
	assert_int_equal(csv_find_column(&t, none), -1);
	assert_int_equal(csv_find_column(&t, pref), 4); /* names order wins */
	assert_int_equal(csv_find_column(&t, NULL), -1);
	assert_int_equal(csv_find_column(NULL, date), -1);
	csv_table_free(&t);

	struct csv_table empty = { CSV_UTF8, 0, NULL };
	assert_int_equal(csv_find_column(&empty, date), -1);
}

static void test_find_column_gb18030_header(void **state)
{
	(void)state;
	static const char gb[] = "\xc8\xd5\xc6\xda,\xb5\xa5\xce\xbb,\xd0\xd5\xc3\xfb\n1,2,3\n";
	struct csv_table t;
	PARSE_OK(gb, &t);
	static const char *const name[] = { "姓名", NULL };
	assert_int_equal(csv_find_column(&t, name), 2);
	csv_table_free(&t);
}

static void test_encoding_name(void **state)
{
	(void)state;
	assert_string_equal(csv_encoding_name(CSV_UTF8), "UTF-8");
	assert_non_null(strstr(csv_encoding_name(CSV_UTF8_BOM), "BOM"));
	assert_string_equal(csv_encoding_name(CSV_GB18030), "GB18030");
}

static void test_read_file_missing(void **state)
{
	(void)state;
	const char *path = "/nonexistent-zhishou-dir/值班表.csv";
	struct csv_table t;
	char err[512];
	assert_false(csv_read_file(path, &t, err, sizeof err));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "无法打开文件"));
	assert_int_equal(t.nrecords, 0);
	assert_null(t.records);
}

static void test_read_file_directory(void **state)
{
	(void)state;
	char dir[] = "/tmp/zhishou-csv-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct csv_table t;
	char err[512];
	assert_false(csv_read_file(dir, &t, err, sizeof err));
	assert_non_null(strstr(err, dir));
	assert_int_equal(t.nrecords, 0);
	rmdir(dir);
}

static void test_read_file_ok(void **state)
{
	(void)state;
	char path[] = "/tmp/zhishou-csv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char gb[] = "\xc8\xd5\xc6\xda,\xb5\xa5\xce\xbb\r\n2024,\"\xca\xd0\xbe\xd6\"\r\n";
	assert_int_equal(write(fd, gb, sizeof gb - 1), (ssize_t)(sizeof gb - 1));
	close(fd);

	struct csv_table t;
	char err[256] = "";
	bool ok = csv_read_file(path, &t, err, sizeof err);
	unlink(path);
	if (!ok)
		print_error("%s\n", err);
	assert_true(ok);
	assert_int_equal(t.encoding, CSV_GB18030);
	assert_int_equal(t.nrecords, 2);
	assert_string_equal(F(t, 0, 1), "单位");
	assert_string_equal(F(t, 1, 1), "市局");
	assert_record(&t, 1, 2, 2);
	csv_table_free(&t);
}

static void test_read_file_empty(void **state)
{
	(void)state;
	char path[] = "/tmp/zhishou-csv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct csv_table t;
	char err[256];
	assert_false(csv_read_file(path, &t, err, sizeof err));
	unlink(path);
	assert_string_equal(err, "文件为空");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_utf8_lf),
		cmocka_unit_test(test_no_trailing_newline),
		cmocka_unit_test(test_utf8_bom_crlf),
		cmocka_unit_test(test_crlf_inside_quoted_field),
		cmocka_unit_test(test_gb18030),
		cmocka_unit_test(test_gb18030_bom_dropped),
		cmocka_unit_test(test_quoted_fields_and_lines),
		cmocka_unit_test(test_quoted_newline_mid_record),
		cmocka_unit_test(test_fields_not_trimmed_and_sloppy_quotes),
		cmocka_unit_test(test_blank_lines_skipped),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_whitespace_only),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_utf16_refused),
		cmocka_unit_test(test_bad_encoding),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_small_err_buffer),
		cmocka_unit_test(test_find_column),
		cmocka_unit_test(test_find_column_gb18030_header),
		cmocka_unit_test(test_encoding_name),
		cmocka_unit_test(test_read_file_missing),
		cmocka_unit_test(test_read_file_directory),
		cmocka_unit_test(test_read_file_ok),
		cmocka_unit_test(test_read_file_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
