/* Unit tests for src/util/csvfile.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zhishou/csvfile.h"
#include "zhishou/i18n.h"

#define PARSE_OK(lit, tbl)                                                        \
	do {                                                                      \
		struct zs_error e_ = { 0 };                                                \
		bool ok_ = (csv_parse_buffer((lit), sizeof(lit) - 1, (tbl), &e_) == ZS_OK); \
		if (!ok_)                                                         \
			print_error("unexpected error: %s\n", e_.msg);             \
		assert_true(ok_);                                                 \
	} while (0)

static void parse_fail(const char *buf, size_t len, const char *want)
{
	struct csv_table t;
	struct zs_error err = { 0 };
	memset(&t, 0xAB, sizeof t); /* must be reset even on failure */
	assert_false((csv_parse_buffer(buf, len, &t, &err) == ZS_OK));
	assert_string_equal(err.msg, want);
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
	struct zs_error err = { 0 };
	assert_false((csv_parse_buffer(u16, sizeof u16 - 1, &t, &err) == ZS_OK));
	assert_non_null(strstr(err.msg, "UTF-16"));
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

/* --lang en: every message of the reader in English (issue 11). */
static void test_messages_in_english(void **state)
{
	(void)state;
	struct csv_table t;
	struct zs_error err = { 0 };
	i18n_set(LANG_EN);
	assert_int_equal(csv_parse_buffer("", 0, &t, &err), ZS_EINPUT);
	assert_string_equal(err.msg, "the file is empty");
	static const char open_quote[] = "a,b\n1,2\n\"x,y\n";
	assert_int_equal(csv_parse_buffer(open_quote, sizeof open_quote - 1, &t, &err), ZS_EINPUT);
	assert_string_equal(err.msg, "line 3: unclosed quote");
	static const char bin[] = "a,b\n\x01\x02\x03\x04\x05\x06";
	assert_int_equal(csv_parse_buffer(bin, sizeof bin - 1, &t, &err), ZS_EINPUT);
	assert_string_equal(err.msg, "not a text file (it holds binary data)");
	assert_int_equal(csv_read_file("/nonexistent-zhishou-dir/x.csv", &t, &err), ZS_EINPUT);
	assert_non_null(strstr(err.msg, "cannot open /nonexistent-zhishou-dir/x.csv"));
	assert_string_equal(csv_encoding_name(CSV_UTF8_BOM), "UTF-8 with BOM");
	i18n_set(LANG_ZH);
	assert_int_equal(csv_parse_buffer("", 0, &t, NULL), ZS_EINPUT);   /* err may be NULL */
}

/* A message longer than struct zs_error holds (a long file name) is cut
 * on a character, never in the middle of one. */
static void test_error_cut_on_character(void **state)
{
	(void)state;
	char name[1300] = "a";
	for (int i = 0; i < 400; i++)
		strcat(name, "文");
	struct zs_error err;
	zs_fail(&err, ZS_EINPUT, "%s", name);
	assert_int_equal(strlen(err.msg), 1 + 340 * 3);
	assert_int_equal(memcmp(err.msg, name, strlen(err.msg)), 0);
	zs_fail(&err, ZS_EINPUT, "%s", name + 1);   /* 341 characters fit exactly */
	assert_int_equal(strlen(err.msg), 341 * 3);
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
	struct zs_error err = { 0 };
	assert_false((csv_read_file(path, &t, &err) == ZS_OK));
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "无法打开文件"));
	assert_int_equal(t.nrecords, 0);
	assert_null(t.records);
}

static void test_read_file_directory(void **state)
{
	(void)state;
	char dir[] = "/tmp/zhishou-csv-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct csv_table t;
	struct zs_error err = { 0 };
	assert_false((csv_read_file(dir, &t, &err) == ZS_OK));
	assert_non_null(strstr(err.msg, dir));
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
	struct zs_error err = { 0 };
	bool ok = (csv_read_file(path, &t, &err) == ZS_OK);
	unlink(path);
	if (!ok)
		print_error("%s\n", err.msg);
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
	struct zs_error err = { 0 };
	assert_false((csv_read_file(path, &t, &err) == ZS_OK));
	unlink(path);
	assert_string_equal(err.msg, "文件为空");
}

/* ------------------------------------------------------------ streaming */

/* Collects streamed records into a csv_table (same block layout, so
 * csv_table_free works on it). */
struct sink {
	struct csv_table t;
	size_t cap;
	size_t calls;
	size_t stop_at; /* return non-zero on this call (1-based); 0 = never */
};

static int sink_cb(const struct csv_record *rec, void *ud, struct zs_error *err)
{
	(void)err;
	struct sink *s = ud;
	s->calls++;
	if (s->t.nrecords == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->t.records = realloc(s->t.records, s->cap * sizeof *s->t.records);
		assert_non_null(s->t.records);
	}
	size_t total = 0;
	for (size_t i = 0; i < rec->nfields; i++)
		total += strlen(rec->fields[i]) + 1;
	char **block = malloc(rec->nfields * sizeof(char *) + total);
	assert_non_null(block);
	char *str = (char *)(block + rec->nfields);
	for (size_t i = 0; i < rec->nfields; i++) {
		size_t len = strlen(rec->fields[i]);
		memcpy(str, rec->fields[i], len + 1);
		block[i] = str;
		str += len + 1;
	}
	struct csv_record *r = &s->t.records[s->t.nrecords++];
	r->line = rec->line;
	r->nfields = rec->nfields;
	r->fields = block;
	return (s->stop_at && s->calls == s->stop_at) ? CSV_STOP : CSV_NEXT;
}

static void write_file(char *path, const void *data, size_t len)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	if (len > 0)
		assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Stream data[0..len) from a temporary file in chunks of `chunk` bytes
 * (0: the default 1 MiB). */
static bool stream_data(const void *data, size_t len, size_t chunk, struct sink *s,
			enum csv_encoding *enc, struct zs_error *err)
{
	char path[] = "/tmp/zhishou-csv-XXXXXX";
	write_file(path, data, len);
	csv_set_chunk_size_for_tests(chunk);
	bool ok = csv_stream_file(path, sink_cb, s, enc, err) == ZS_OK;
	csv_set_chunk_size_for_tests(0);
	unlink(path);
	return ok;
}

static void assert_same_records(const struct csv_table *a, const struct csv_table *b)
{
	assert_int_equal(a->nrecords, b->nrecords);
	for (size_t r = 0; r < a->nrecords; r++) {
		assert_int_equal(a->records[r].line, b->records[r].line);
		assert_int_equal(a->records[r].nfields, b->records[r].nfields);
		for (size_t f = 0; f < a->records[r].nfields; f++)
			assert_string_equal(a->records[r].fields[f], b->records[r].fields[f]);
	}
}

/* Stream `data` with each chunk size and compare with csv_parse_buffer:
 * same records, lines, encoding; same message with the default chunk. */
static void check_stream_like_buffer(const char *data, size_t len, const size_t *chunks,
				     size_t nchunks)
{
	struct csv_table want;
	struct zs_error werr = { 0 };
	bool wok = (csv_parse_buffer(data, len, &want, &werr) == ZS_OK);
	for (size_t c = 0; c < nchunks; c++) {
		struct sink s = { 0 };
		enum csv_encoding enc = (enum csv_encoding)99;
		struct zs_error err = { 0 };
		bool ok = stream_data(data, len, chunks[c], &s, &enc, &err);
		if (ok != wok)
			print_error("chunk %zu: stream %d (%s), buffer %d (%s)\n", chunks[c], ok,
				    err.msg, wok, werr.msg);
		assert_int_equal(ok, wok);
		if (wok) {
			assert_string_equal(err.msg, "");
			assert_int_equal(enc, want.encoding);
			assert_same_records(&s.t, &want);
		} else if (chunks[c] == 0) {
			assert_string_equal(err.msg, werr.msg);
		} else {
			assert_true(err.msg[0] != '\0');
		}
		csv_table_free(&s.t);
	}
	csv_table_free(&want);
}

#define FIX(lit) { (lit), sizeof(lit) - 1 }

static const struct fixture {
	const char *data;
	size_t len;
} fixtures[] = {
	/* every fixture of the csv_parse_buffer tests above */
	FIX("日期,单位,姓名\n2024-05-01,市场监管局,张三\n2024-05-02,,李四\n"),
	FIX("a,b\n1,\"2\""),
	FIX("a,b\n1,"),
	FIX("\xEF\xBB\xBF日期,单位,姓名\r\n2024-05-01,市局,张三\r\n\r\n2024-05-02,区局,李四\r\n"),
	FIX("a,b\r\n\"x\r\ny\",z\r\nlast,1\r\n"),
	FIX("\xc8\xd5\xc6\xda,\xb5\xa5\xce\xbb,\xd0\xd5\xc3\xfb\n"
	    "\xd5\xc5\xc8\xfd,\xca\xd0\xb3\xa1\xbc\xe0\xb9\xdc\xbe\xd6,x\n"),
	FIX("\x84\x31\x95\x33\xc8\xd5\xc6\xda,x\n"),
	FIX("事项,备注,人\n\"投诉,举报\",\"他说\"\"马上到\"\"\",王五\n"
	    "\"第一行\n第二行\n第三行\",x,\"\"\n下一条,y,z\n"),
	FIX("h1,h2\na,\"b\nc\"\nd,e\n"),
	FIX("a, b ,c\n1, \"x, y\" ,\t\"z\"\t\n2,ab\"cd,\" q \"\n"),
	FIX("\n\na,b\n\n,\n   \n\"\",\"\"\n\xE3\x80\x80,\n1,2\n\n"),
	FIX(""),
	FIX("\xEF\xBB\xBF"),
	FIX(" \r\n\t\n  \n"),
	FIX("\xEF\xBB\xBF\r\n\r\n"),
	FIX(",,,\n,,\n\xE3\x80\x80\n"),
	FIX("a,b\n1,\0\n"),
	FIX("PK\x03\x04\x14\x00\x06\x00"),
	FIX("a\x01\x02\x03\x04\x05\x06,b\n"),
	FIX("a\x07,b\n"),
	FIX("\xFF\xFE" "a\0,\0b\0\n\0"),
	FIX("a,b\n\xFF\xFF,c\n"),
	FIX("a,b\n\xc8\xd5\xc6"),
	FIX("\xEF\xBB\xBF" "a,b\n\xc8\xd5\xc6\xda,c\n"),
	FIX("a,b\n1,2\n3,\"oops\n4,5\n6,7\n"),
	FIX("a,b\n\"x"),
	FIX("a,b\n\"x\""),
	FIX(" 日期 ,\t单位,\xE3\x80\x80姓名\xE3\x80\x80,\" 电话 \",备注\n1,2,3,4,5\n"),
	FIX("\xc8\xd5\xc6\xda,\xb5\xa5\xce\xbb,\xd0\xd5\xc3\xfb\n1,2,3\n"),
	FIX("\xc8\xd5\xc6\xda,\xb5\xa5\xce\xbb\r\n2024,\"\xca\xd0\xbe\xd6\"\r\n"),
	/* extra: space runs that straddle chunks (dropped only before quotes) */
	FIX("a,b,c\n1,          \t    \"q r\"     \t   ,          x   \n2,    ,\"\"   \n"),
	FIX("a,b\n  \t  \n   \"\"  ,  \n x,y   "),
	FIX("a,b\r1,2\r\r3,4"),
	FIX("a,\"he said \"\"hi\"\"\r\nand left\"\r\n\"\"\"\",\"a\"\"\"\r\n"),
};

static const size_t all_chunks[] = { 0, 4, 5, 6, 7, 8, 9, 11, 13, 16, 64 };

static void test_stream_matches_buffer(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
		check_stream_like_buffer(fixtures[i].data, fixtures[i].len, all_chunks,
					 sizeof all_chunks / sizeof all_chunks[0]);
}

static void test_stream_encoding_out(void **state)
{
	(void)state;
	static const char bom[] = "\xEF\xBB\xBF" "a\n";
	static const char gb[] = "\xc8\xd5\xc6\xda\n";
	struct sink s = { 0 };
	enum csv_encoding enc = (enum csv_encoding)99;
	struct zs_error err = { 0 };
	assert_true(stream_data("a\n", 2, 0, &s, &enc, &err));
	assert_int_equal(enc, CSV_UTF8);
	assert_true(stream_data(bom, sizeof bom - 1, 0, &s, &enc, &err));
	assert_int_equal(enc, CSV_UTF8_BOM);
	assert_true(stream_data(gb, sizeof gb - 1, 0, &s, NULL, &err));
	assert_true(stream_data(gb, sizeof gb - 1, 0, &s, &enc, &err));
	assert_int_equal(enc, CSV_GB18030);
	assert_string_equal(s.t.records[3].fields[0], "日期");
	csv_table_free(&s.t);
}

/* Convert UTF-8 text to GB18030 with iconv (test data). */
static char *to_gb18030(const char *utf8, size_t *outlen)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t inlen = strlen(utf8), cap = inlen * 2 + 16, left = cap;
	char *out = malloc(cap), *dst = out, *src = (char *)utf8;
	assert_non_null(out);
	assert_int_not_equal(iconv(cd, &src, &inlen, &dst, &left), (size_t)-1);
	iconv_close(cd);
	*outlen = cap - left;
	return out;
}

/* UTF-8 source for the straddling tests: 2-, 3- and 4-byte UTF-8; 1-, 2-
 * and 4-byte GB18030 (𠀀 U+20000, 😀 U+1F600, À U+00C0, ǹ U+01F9, € U+20AC,
 * · U+00B7). */
static const char straddle_text[] =
	"日期,单位,姓名,备注\r\n"
	"2024-05-01,市场监管局,张三,\"投诉𠀀😀\r\n第二行 À·\"\r\n"
	"2024-05-02, 区局 ,李四,ǹ€😀𠀀𠀀\r\n"
	"\r\n"
	"2024-05-03,\"县局,\"\"一所\"\"\",王五,\"多\n行\n\"\n"
	"😀😀😀,é,ü,末行";

static void test_stream_gb18030_straddles_chunks(void **state)
{
	(void)state;
	struct csv_table want;
	struct zs_error err = { 0 };
	assert_true((csv_parse_buffer(straddle_text, sizeof straddle_text - 1, &want, &err) == ZS_OK));
	assert_int_equal(want.nrecords, 5);

	size_t gblen;
	char *gb = to_gb18030(straddle_text, &gblen);
	/* and the same with a GB18030 BOM in front */
	char *gbbom = malloc(gblen + 4);
	assert_non_null(gbbom);
	memcpy(gbbom, "\x84\x31\x95\x33", 4);
	memcpy(gbbom + 4, gb, gblen);

	size_t straddles2 = 0, straddles4 = 0;
	for (size_t chunk = 4; chunk <= 48; chunk++) {
		/* count the characters this chunk size cuts (the test's point) */
		for (size_t i = 0; i < gblen;) {
			unsigned char c = (unsigned char)gb[i];
			size_t n = c < 0x80 ? 1
				   : (i + 1 < gblen && gb[i + 1] >= 0x30 && gb[i + 1] <= 0x39) ? 4
													: 2;
			if (n > 1 && i / chunk != (i + n - 1) / chunk) {
				if (n == 4)
					straddles4++;
				else
					straddles2++;
			}
			i += n;
		}
		for (int v = 0; v < 2; v++) {
			struct sink s = { 0 };
			enum csv_encoding enc = CSV_UTF8;
			bool ok = stream_data(v ? gbbom : gb, v ? gblen + 4 : gblen, chunk, &s, &enc, &err);
			if (!ok)
				print_error("chunk %zu: %s\n", chunk, err.msg);
			assert_true(ok);
			assert_int_equal(enc, CSV_GB18030);
			assert_same_records(&s.t, &want);
			csv_table_free(&s.t);
		}
	}
	assert_true(straddles2 > 50);
	assert_true(straddles4 > 20);
	assert_string_equal(want.records[1].fields[3], "投诉𠀀😀\n第二行 À·");
	assert_int_equal(want.records[2].line, 4);
	assert_int_equal(want.records[3].line, 6);
	assert_int_equal(want.records[4].line, 9);
	free(gb);
	free(gbbom);
	csv_table_free(&want);
}

static void test_stream_utf8_straddles_chunks(void **state)
{
	(void)state;
	size_t chunks[48 - 4 + 1];
	for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++)
		chunks[i] = i + 4;
	check_stream_like_buffer(straddle_text, sizeof straddle_text - 1, chunks,
				 sizeof chunks / sizeof chunks[0]);
	char *bom = malloc(sizeof straddle_text + 3);
	assert_non_null(bom);
	memcpy(bom, "\xEF\xBB\xBF", 3);
	memcpy(bom + 3, straddle_text, sizeof straddle_text);
	check_stream_like_buffer(bom, sizeof straddle_text + 2, chunks,
				 sizeof chunks / sizeof chunks[0]);
	free(bom);

	/* First chunk "日" + 1 byte of "期": still judged UTF-8. */
	struct sink s = { 0 };
	enum csv_encoding enc = CSV_GB18030;
	struct zs_error err = { 0 };
	assert_true(stream_data("日期,x\n", strlen("日期,x\n"), 4, &s, &enc, &err));
	assert_int_equal(enc, CSV_UTF8);
	assert_string_equal(s.t.records[0].fields[0], "日期");
	csv_table_free(&s.t);
}

/* n lines "第i行,数据i\n" (header = line 1); line `bad` gets `ins` inserted
 * before its newline. */
static char *make_lines(size_t n, size_t bad, const char *ins, size_t *len)
{
	size_t cap = n * 48 + 64, pos = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (size_t i = 1; i <= n; i++) {
		pos += (size_t)snprintf(buf + pos, cap - pos, "第%zu行,数据%zu", i, i);
		if (i == bad)
			pos += (size_t)snprintf(buf + pos, cap - pos, "%s", ins);
		buf[pos++] = '\n';
	}
	*len = pos;
	return buf;
}

static size_t max_line(const struct sink *s)
{
	size_t m = 0;
	for (size_t i = 0; i < s->t.nrecords; i++)
		if (s->t.records[i].line > m)
			m = s->t.records[i].line;
	return m;
}

static void test_stream_invalid_utf8_late(void **state)
{
	(void)state;
	struct zs_error err = { 0 };
	size_t len;
	/* GBK bytes on line 1500, far past the first 4 KiB chunk */
	char *buf = make_lines(2000, 1500, ",\xc8\xd5\xc6\xda", &len);
	struct sink s = { 0 };
	enum csv_encoding enc = CSV_GB18030;
	assert_false(stream_data(buf, len, 4096, &s, &enc, &err));
	assert_string_equal(err.msg, "第 1500 行：含有无效的 UTF-8 字节（文件前部是 UTF-8）");
	assert_int_equal(enc, CSV_UTF8);
	assert_true(s.t.nrecords > 0);
	assert_true(max_line(&s) < 1500);
	csv_table_free(&s.t);
	free(buf);

	/* default 1 MiB chunks: bad byte on line 55000 (~1.3 MB in) */
	buf = make_lines(70000, 55000, "\xFF", &len);
	assert_true(strchr(buf, '\xFF') - buf > 1024 * 1024 + 1000);
	memset(&s, 0, sizeof s);
	assert_false(stream_data(buf, len, 0, &s, NULL, &err));
	assert_string_equal(err.msg, "第 55000 行：含有无效的 UTF-8 字节（文件前部是 UTF-8）");
	csv_table_free(&s.t);
	/* the same bytes in one buffer: judged GB18030, which 0xFF is not */
	struct csv_table t;
	assert_false((csv_parse_buffer(buf, len, &t, &err) == ZS_OK));
	assert_string_equal(err.msg, "编码无法识别：既不是 UTF-8 也不是 GB18030");
	free(buf);

	/* inside a quoted multi-line field: the line of the byte itself */
	static const char q[] = "a,b\n1,\"x\ny\nz\xC0\xAF\"\n";
	memset(&s, 0, sizeof s);
	assert_false(stream_data(q, sizeof q - 1, 4, &s, NULL, &err));
	assert_string_equal(err.msg, "第 4 行：含有无效的 UTF-8 字节（文件前部是 UTF-8）");
	csv_table_free(&s.t);

	/* a character cut by the end of the file */
	static const char cut[] = "a,b\n1,2\n3,\xE6\x97";
	memset(&s, 0, sizeof s);
	assert_false(stream_data(cut, sizeof cut - 1, 4, &s, NULL, &err));
	assert_string_equal(err.msg, "第 3 行：含有无效的 UTF-8 字节（文件前部是 UTF-8）");
	csv_table_free(&s.t);

	/* with a BOM: the BOM's message */
	static const char bom[] = "\xEF\xBB\xBF" "a,b\n1,2\n3,4\n\xc8\xd5\xc6\xda,c\n";
	memset(&s, 0, sizeof s);
	assert_false(stream_data(bom, sizeof bom - 1, 5, &s, NULL, &err));
	assert_string_equal(err.msg, "第 4 行：文件标明为 UTF-8（带 BOM），但含有无效的 UTF-8 字节");
	csv_table_free(&s.t);
}

static void test_stream_invalid_gb18030_late(void **state)
{
	(void)state;
	struct zs_error err = { 0 };
	struct sink s = { 0 };
	/* 日期,单位 / 张三,1 / 李四,2 / \xFF / ... */
	static const char bad[] = "\xc8\xd5\xc6\xda,\xb5\xa5\xce\xbb\n\xd5\xc5\xc8\xfd,1\n"
				  "\xc0\xee\xcb\xc4,2\n3,\xFF\xFF\n4,5\n";
	assert_false(stream_data(bad, sizeof bad - 1, 8, &s, NULL, &err));
	assert_string_equal(err.msg, "第 4 行：含有无效的 GB18030 字节（文件前部是 GB18030）");
	csv_table_free(&s.t);
	/* in the first chunk: neither encoding */
	memset(&s, 0, sizeof s);
	assert_false(stream_data(bad, sizeof bad - 1, 0, &s, NULL, &err));
	assert_string_equal(err.msg, "编码无法识别：既不是 UTF-8 也不是 GB18030");
	assert_int_equal(s.calls, 0);
	csv_table_free(&s.t);
	/* a GB18030 character cut by the end of the file */
	static const char cut[] = "\xc8\xd5\xc6\xda,x\n1,2\n3,\xc8";
	memset(&s, 0, sizeof s);
	assert_false(stream_data(cut, sizeof cut - 1, 6, &s, NULL, &err));
	assert_string_equal(err.msg, "第 3 行：含有无效的 GB18030 字节（文件前部是 GB18030）");
	csv_table_free(&s.t);
}

static void test_stream_callback_stop(void **state)
{
	(void)state;
	static const char data[] = "h1,h2\n\n1,a\n2,b\n3,c\n4,d";
	/* CSV_STOP ends the reading and is not a failure. */
	for (size_t stop = 1; stop <= 5; stop++) { /* 5: the record the end of the file ends */
		struct sink s = { .stop_at = stop };
		struct zs_error err = { 0 };
		assert_true(stream_data(data, sizeof data - 1, 4, &s, NULL, &err));
		assert_string_equal(err.msg, "");
		assert_int_equal(s.calls, stop);
		assert_int_equal(s.t.records[stop - 1].line, stop == 1 ? 1 : stop + 1);
		csv_table_free(&s.t);
	}
	struct sink s = { .stop_at = 6 };
	struct zs_error err = { 0 };
	assert_true(stream_data(data, sizeof data - 1, 0, &s, NULL, &err));
	assert_int_equal(s.calls, 5);
	csv_table_free(&s.t);
}

static int failing_cb(const struct csv_record *rec, void *ud, struct zs_error *err)
{
	size_t *calls = ud;
	if (++*calls == 2)
		return zs_fail(err, ZS_EINPUT, "row %zu: no", rec->line);
	return CSV_NEXT;
}

/* A callback's failure is returned as it is, with its message. */
static void test_stream_callback_failure(void **state)
{
	(void)state;
	static const char data[] = "h1,h2\n1,a\n2,b\n";
	char path[] = "/tmp/zhishou-csv-XXXXXX";
	write_file(path, data, sizeof data - 1);
	size_t calls = 0;
	struct zs_error err = { 0 };
	assert_int_equal(csv_stream_file(path, failing_cb, &calls, NULL, &err), ZS_EINPUT);
	assert_string_equal(err.msg, "row 2: no");
	assert_int_equal(calls, 2);
	unlink(path);
}

static void test_stream_empty(void **state)
{
	(void)state;
	static const char *const empties[] = { "", "\xEF\xBB\xBF", " \r\n\t\n  \n  \n\n\n",
					       ",,,\n,,\n\xE3\x80\x80\n\"\",\"  \"\n" };
	for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
		for (size_t c = 0; c < sizeof all_chunks / sizeof all_chunks[0]; c++) {
			struct sink s = { 0 };
			struct zs_error err = { 0 };
			assert_false(stream_data(empties[i], strlen(empties[i]), all_chunks[c], &s,
						 NULL, &err));
			assert_string_equal(err.msg, "文件为空");
			assert_int_equal(s.calls, 0);
		}
	}
}

static void test_stream_binary(void **state)
{
	(void)state;
	static const char nul[] = "a,b\n1,\0\n";
	static const char zip[] = "PK\x03\x04\x14\x00\x06\x00";
	static const char ctl[] = "a\x01\x02\x03\x04\x05\x06,b\n";
	const struct fixture bins[] = { { nul, sizeof nul - 1 },
					{ zip, sizeof zip - 1 },
					{ ctl, sizeof ctl - 1 } };
	struct zs_error err = { 0 };
	for (size_t i = 0; i < 3; i++) {
		struct sink s = { 0 };
		assert_false(stream_data(bins[i].data, bins[i].len, 0, &s, NULL, &err));
		assert_string_equal(err.msg, "不是文本文件（含二进制数据）");
		assert_int_equal(s.calls, 0);
	}
	/* control bytes spread over several small chunks of the first 8 KiB */
	char spread[200];
	for (size_t i = 0; i < sizeof spread; i++)
		spread[i] = (i % 40 == 39) ? '\x01' : 'x';
	struct sink s = { 0 };
	assert_false(stream_data(spread, sizeof spread, 16, &s, NULL, &err));
	assert_string_equal(err.msg, "不是文本文件（含二进制数据）");
	/* a NUL after the first chunk names its line */
	size_t len;
	char *buf = make_lines(3000, 2500, "", &len);
	char *p = buf;
	for (size_t line = 1; line < 2500; line++)
		p = strchr(p, '\n') + 1;
	p[3] = '\0'; /* after "第" */
	memset(&s, 0, sizeof s);
	assert_false(stream_data(buf, len, 4096, &s, NULL, &err));
	assert_string_equal(err.msg, "第 2500 行：不是文本文件（含二进制数据）");
	csv_table_free(&s.t);
	free(buf);
}

/* Excel for Mac writes bare CR line ends: each is a line (K3 of the fuzz
 * run: every record used to be "line 1"), mixed with CRLF and LF, and a CR
 * cut from its LF by a chunk boundary is still one line end. */
static void test_bare_cr_line_ends(void **state)
{
	(void)state;
	static const char data[] = "日期,单位\r2024-05-01,市局\r\r2024-05-02,\"区\r局\"\rx,y\r\nz,w\nlast,1\r";
	static const size_t lines[] = { 1, 2, 4, 6, 7, 8 };
	struct csv_table t;
	PARSE_OK(data, &t);
	assert_int_equal(t.nrecords, 6);
	for (size_t r = 0; r < 6; r++)
		assert_int_equal(t.records[r].line, lines[r]);
	assert_string_equal(t.records[2].fields[1], "区\n局");
	assert_string_equal(t.records[5].fields[1], "1");
	csv_table_free(&t);
	for (size_t chunk = 4; chunk <= 40; chunk++) {
		struct sink s = { 0 };
		struct zs_error err = { 0 };
		assert_true(stream_data(data, sizeof data - 1, chunk, &s, NULL, &err));
		assert_int_equal(s.t.nrecords, 6);
		for (size_t r = 0; r < 6; r++)
			assert_int_equal(s.t.records[r].line, lines[r]);
		csv_table_free(&s.t);
	}
	/* A bad byte after bare CRs names its own line. */
	static const char bad[] = "\xEF\xBB\xBF" "a,b\rc,d\re,\xff\r";
	struct zs_error err = { 0 };
	assert_false((csv_parse_buffer(bad, sizeof bad - 1, &t, &err) == ZS_OK));
	assert_non_null(strstr(err.msg, "第 3 行"));
	static const char badcrlf[] = "\xEF\xBB\xBF" "a,b\r\nc,d\r\n\xff\r\n";
	assert_false((csv_parse_buffer(badcrlf, sizeof badcrlf - 1, &t, &err) == ZS_OK));
	assert_non_null(strstr(err.msg, "第 3 行"));
}

static void test_stream_crlf(void **state)
{
	(void)state;
	static const char data[] = "日期,单位\r\n2024-05-01,市局\r\n\r\n2024-05-02,\"区\r\n局\"\r\n"
				   "x,y\r\nz,\"\"\r\n";
	for (size_t chunk = 4; chunk <= 40; chunk++) {
		struct sink s = { 0 };
		struct zs_error err = { 0 };
		assert_true(stream_data(data, sizeof data - 1, chunk, &s, NULL, &err));
		assert_int_equal(s.t.nrecords, 5);
		static const size_t lines[] = { 1, 2, 4, 6, 7 };
		for (size_t r = 0; r < 5; r++) {
			assert_int_equal(s.t.records[r].line, lines[r]);
			for (size_t f = 0; f < s.t.records[r].nfields; f++)
				assert_null(strchr(s.t.records[r].fields[f], '\r'));
		}
		assert_string_equal(s.t.records[1].fields[1], "市局");
		assert_string_equal(s.t.records[2].fields[1], "区\n局");
		assert_string_equal(s.t.records[4].fields[1], "");
		csv_table_free(&s.t);
	}
}

static void test_stream_quoted_newline_across_chunks(void **state)
{
	(void)state;
	static const char data[] = "h1,h2\na,\"b\nc\n\nd\"\ne,\"f\"\"\n\"\ng,h\n";
	for (size_t chunk = 4; chunk <= 32; chunk++) {
		struct sink s = { 0 };
		struct zs_error err = { 0 };
		assert_true(stream_data(data, sizeof data - 1, chunk, &s, NULL, &err));
		assert_int_equal(s.t.nrecords, 4);
		assert_int_equal(s.t.records[1].line, 2);
		assert_string_equal(s.t.records[1].fields[1], "b\nc\n\nd");
		assert_int_equal(s.t.records[2].line, 6);
		assert_string_equal(s.t.records[2].fields[1], "f\"\n");
		assert_int_equal(s.t.records[3].line, 8);
		csv_table_free(&s.t);
	}
	/* unterminated quote at EOF: the line where the record began */
	static const char open[] = "a,b\n1,2\n3,\"oops\n4,5\n6,7\n8,9\n";
	for (size_t chunk = 4; chunk <= 32; chunk++) {
		struct sink s = { 0 };
		struct zs_error err = { 0 };
		assert_false(stream_data(open, sizeof open - 1, chunk, &s, NULL, &err));
		assert_string_equal(err.msg, "第 3 行：引号未闭合");
		assert_int_equal(s.calls, 2);
		csv_table_free(&s.t);
	}
}

static void test_stream_limits(void **state)
{
	(void)state;
	struct zs_error err = { 0 };
	/* a field over 16 MiB */
	size_t big = (size_t)17 * 1024 * 1024;
	char *buf = malloc(big + 32);
	assert_non_null(buf);
	memcpy(buf, "a,b\n1,", 6);
	memset(buf + 6, 'x', big);
	memcpy(buf + 6 + big, "\n2,3\n", 5);
	struct sink s = { 0 };
	assert_false(stream_data(buf, big + 11, 0, &s, NULL, &err));
	assert_string_equal(err.msg, "第 2 行：单元格内容过长（超过 16 MiB）");
	assert_int_equal(s.calls, 1);
	csv_table_free(&s.t);
	/* quoted, after a multi-line start */
	memcpy(buf, "a,b\n\"\n", 6);
	buf[6 + big] = '"';
	memset(&s, 0, sizeof s);
	assert_false(stream_data(buf, big + 11, 0, &s, NULL, &err));
	assert_string_equal(err.msg, "第 2 行：单元格内容过长（超过 16 MiB）");
	csv_table_free(&s.t);
	struct csv_table t;
	assert_false((csv_parse_buffer(buf, big + 11, &t, &err) == ZS_OK));
	assert_string_equal(err.msg, "第 2 行：单元格内容过长（超过 16 MiB）");
	free(buf);

	/* more than Excel's 16384 columns */
	size_t ncols = 16385;
	buf = malloc(ncols * 2 + 16);
	assert_non_null(buf);
	size_t pos = (size_t)sprintf(buf, "a\n\n");
	for (size_t i = 0; i < ncols; i++) {
		buf[pos++] = 'x';
		buf[pos++] = i + 1 < ncols ? ',' : '\n';
	}
	memset(&s, 0, sizeof s);
	assert_false(stream_data(buf, pos, 1000, &s, NULL, &err));
	assert_string_equal(err.msg, "第 3 行：列数过多（超过 16384 列）");
	csv_table_free(&s.t);
	free(buf);
}

static void test_stream_open_errors(void **state)
{
	(void)state;
	struct zs_error err = { 0 };
	struct sink s = { 0 };
	const char *path = "/nonexistent-zhishou-dir/受理登记.csv";
	assert_false((csv_stream_file(path, sink_cb, &s, NULL, &err) == ZS_OK));
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "无法打开文件"));
	char dir[] = "/tmp/zhishou-csv-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_false((csv_stream_file(dir, sink_cb, &s, NULL, &err) == ZS_OK));
	assert_non_null(strstr(err.msg, "文件夹"));
	rmdir(dir);
	assert_false((csv_stream_file("/dev/null", sink_cb, &s, NULL, &err) == ZS_OK));
	assert_non_null(strstr(err.msg, "不是普通文件"));
	assert_false((csv_stream_file("/tmp", NULL, &s, NULL, &err) == ZS_OK));
	assert_non_null(strstr(err.msg, "内部错误"));
	assert_int_equal(s.calls, 0);
}

/* Peak RSS (VmHWM) or current RSS (VmRSS) in KiB, from /proc/self/status. */
static long proc_status_kib(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (f == NULL)
		return -1;
	char line[256];
	long v = -1;
	size_t klen = strlen(key);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

struct big_check {
	size_t n;
	bool bad;
};

static int big_cb(const struct csv_record *rec, void *ud, struct zs_error *err)
{
	(void)err;
	struct big_check *b = ud;
	b->n++;
	if (rec->line != b->n || rec->nfields != 5)
		b->bad = true;
	else if (b->n > 1 && strtoul(rec->fields[3], NULL, 10) != b->n - 1)
		b->bad = true;
	return b->bad ? CSV_STOP : CSV_NEXT;
}

static void test_stream_big_file_bounded_memory(void **state)
{
	(void)state;
	char path[] = "/tmp/zhishou-csv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("日期,单位,姓名,编号,备注\n", f);
	char row[128];
	size_t total = 0, rows = 0;
	const size_t target = (size_t)70 * 1000 * 1000; /* > 64 MiB */
	while (total < target) {
		rows++;
		int n = snprintf(row, sizeof row, "2024-05-01,市场监管局,张三,%zu,夜间值班\n", rows);
		assert_int_equal(fwrite(row, 1, (size_t)n, f), (size_t)n);
		total += (size_t)n;
	}
	assert_int_equal(fclose(f), 0);

	/* csv_read_file refuses it ... */
	struct csv_table t;
	struct zs_error err = { 0 };
	assert_false((csv_read_file(path, &t, &err) == ZS_OK));
	assert_string_equal(err.msg, "文件过大（超过 64 MiB）");

	/* ... csv_stream_file does not.  Reset the peak (Linux >= 4.0) so
	 * that only streaming counts. */
	FILE *cr = fopen("/proc/self/clear_refs", "w");
	if (cr != NULL) {
		fputs("5", cr);
		fclose(cr);
	}
	long rss_before = proc_status_kib("VmRSS");
	long hwm_before = proc_status_kib("VmHWM");
	assert_true(rss_before > 0 && hwm_before > 0);
	long base = hwm_before < rss_before + 1024 ? rss_before : hwm_before;

	struct big_check b = { 0 };
	enum csv_encoding enc = CSV_GB18030;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool ok = (csv_stream_file(path, big_cb, &b, &enc, &err) == ZS_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long hwm_after = proc_status_kib("VmHWM");
	unlink(path);
	if (!ok)
		print_error("%s\n", err.msg);
	assert_true(ok);
	assert_false(b.bad);
	assert_int_equal(enc, CSV_UTF8);
	assert_int_equal(b.n, rows + 1);
	assert_true(rows > 1048576); /* no Excel row limit when streaming */
	long growth = hwm_after - base;
	print_message("    streamed %zu records (%zu bytes) in %.2f s; peak RSS growth %ld KiB"
		      " (VmRSS before %ld KiB, VmHWM before %ld, after %ld)\n",
		      b.n, total, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		      growth, rss_before, hwm_before, hwm_after);
	assert_true(growth < 32 * 1024);
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
		cmocka_unit_test(test_messages_in_english),
		cmocka_unit_test(test_error_cut_on_character),
		cmocka_unit_test(test_find_column),
		cmocka_unit_test(test_find_column_gb18030_header),
		cmocka_unit_test(test_encoding_name),
		cmocka_unit_test(test_read_file_missing),
		cmocka_unit_test(test_read_file_directory),
		cmocka_unit_test(test_read_file_ok),
		cmocka_unit_test(test_read_file_empty),
		cmocka_unit_test(test_stream_matches_buffer),
		cmocka_unit_test(test_stream_encoding_out),
		cmocka_unit_test(test_stream_gb18030_straddles_chunks),
		cmocka_unit_test(test_stream_utf8_straddles_chunks),
		cmocka_unit_test(test_stream_invalid_utf8_late),
		cmocka_unit_test(test_stream_invalid_gb18030_late),
		cmocka_unit_test(test_stream_callback_stop),
		cmocka_unit_test(test_stream_callback_failure),
		cmocka_unit_test(test_stream_empty),
		cmocka_unit_test(test_stream_binary),
		cmocka_unit_test(test_stream_crlf),
		cmocka_unit_test(test_bare_cr_line_ends),
		cmocka_unit_test(test_stream_quoted_newline_across_chunks),
		cmocka_unit_test(test_stream_limits),
		cmocka_unit_test(test_stream_open_errors),
		cmocka_unit_test(test_stream_big_file_bounded_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
