/* Unit tests for src/util/xlsxread.c, xlsxnum.c and tablefile.c.
 *
 * Workbooks are made here: by hand (libzip writing XML parts we spell out,
 * so every feature of the format is exercised on purpose) and by
 * libxlsxwriter (what a real writer produces). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "zhishou/i18n.h"
#include "zhishou/tablefile.h"
#include "zhishou/xlsxnum.h"
#include "zhishou/xlsxread.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/zs-xlsx-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp_path(const char *name)
{
	static char p[2][128];
	static int k;
	k ^= 1;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

/* ------------------------------------------------------ making files */

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	   "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char *root_rels =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" REL "officeDocument\" Target=\"xl/workbook.xml\"/>"
	"</Relationships>";

static const char *book_rels =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" REL "worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"" REL "sharedStrings\" Target=\"./sharedStrings.xml\"/>"
	"</Relationships>";

static const char *book =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<workbook " NS "><workbookPr/><sheets>"
	"<sheet name=\"值班表\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Sheet2\" sheetId=\"2\" r:id=\"rId2\"/>"
	"</sheets></workbook>";

/* Cell formats: 0 general, 1 built-in 14 (m/d/yyyy), 2 custom 164
 * (yyyy"年"m"月"d"日"), 3 custom 165 (h:mm), 4 built-in 22 (m/d/yy h:mm),
 * 5 custom 166 (0.00, a number). */
static const char *styles =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<styleSheet " NS "><numFmts count=\"3\">"
	"<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"h:mm\"/><numFmt numFmtId=\"166\" formatCode=\"0.00\"/>"
	"</numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
	"<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"22\"/><xf numFmtId=\"166\"/></cellXfs>"
	"<dxfs count=\"1\"><dxf><numFmt numFmtId=\"167\" formatCode=\"yyyy\"/></dxf></dxfs>"
	"</styleSheet>";

static const char *strings =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<sst " NS " count=\"5\" uniqueCount=\"5\">"
	"<si><t>日期</t></si>"
	"<si><t>单位</t></si>"
	"<si><r><rPr><b/></rPr><t>执法</t></r><r><t xml:space=\"preserve\">稽查队</t></r></si>"
	"<si><t>漢字</t><rPh sb=\"0\" eb=\"2\"><t>かんじ</t></rPh></si>"
	"<si><t>第一行_x000D_\n第二行 &amp; &lt;三&gt; _x005F_x0041_</t></si>"
	"</sst>";

struct part {
	const char *name, *text;
};

/* Write a ZIP of these parts (NULL-terminated) at path. */
static void make_zip(const char *path, const struct part *parts)
{
	int ze;
	unlink(path);
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	for (const struct part *p = parts; p->name; p++) {
		zip_source_t *s = zip_source_buffer(z, p->text, strlen(p->text), 0);
		assert_non_null(s);
		assert_true(zip_file_add(z, p->name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
}

/* A workbook of the standard parts with this first sheet (and workbook). */
static const char *make_book(const char *name, const char *sheet1, const char *workbook)
{
	const char *path = tmp_path(name);
	struct part parts[] = {
		{ "[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>" },
		{ "_rels/.rels", root_rels },
		{ "xl/workbook.xml", workbook ? workbook : book },
		{ "xl/_rels/workbook.xml.rels", book_rels },
		{ "xl/styles.xml", styles },
		{ "xl/sharedStrings.xml", strings },
		{ "xl/worksheets/sheet1.xml", sheet1 },
		{ "xl/worksheets/sheet2.xml", "<worksheet " NS "><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>第二张</t></is></c></row></sheetData></worksheet>" },
		{ NULL, NULL },
	};
	make_zip(path, parts);
	return path;
}

/* ------------------------------------------------------ reading files */

struct rows {
	char text[8192];   /* "LINE:f1|f2|...\n" per record */
	int stop_after;    /* CSV_STOP after this many records (0: never) */
	int fail_at;       /* ZS_EINPUT at this record (0: never) */
	int n;
};

static int collect(const struct csv_record *rec, void *ud, struct zs_error *err)
{
	struct rows *r = ud;
	r->n++;
	if (r->fail_at && r->n == r->fail_at)
		return zs_fail(err, ZS_EINPUT, "callback refused line %zu", rec->line);
	size_t len = strlen(r->text);
	len += (size_t)snprintf(r->text + len, sizeof r->text - len, "%zu:", rec->line);
	for (size_t i = 0; i < rec->nfields; i++) {
		rec->fields[i][0] = rec->fields[i][0];   /* writable, each one */
		len += (size_t)snprintf(r->text + len, sizeof r->text - len, "%s%s", i ? "|" : "", rec->fields[i]);
	}
	snprintf(r->text + len, sizeof r->text - len, "\n");
	return r->stop_after && r->n >= r->stop_after ? CSV_STOP : CSV_NEXT;
}

static void read_ok(const char *path, const char *want)
{
	struct rows r = { 0 };
	struct zs_error err = { 0 };
	enum table_kind kind = TABLE_CSV_GB18030;
	int rc = table_stream_file(path, collect, &r, &kind, &err);
	if (rc)
		print_error("unexpected error: %s\n", err.msg);
	assert_int_equal(rc, ZS_OK);
	assert_int_equal(kind, TABLE_XLSX);
	assert_string_equal(r.text, want);
}

/* Refused with ZS_EINPUT, the message holding want, after passing this
 * many records on (rows before a bad one, as the CSV reader does). */
static void read_fails_after(const char *path, const char *want, int passed)
{
	struct rows r = { 0 };
	struct zs_error err = { 0 };
	int rc = table_stream_file(path, collect, &r, NULL, &err);
	if (rc != ZS_EINPUT || !strstr(err.msg, want))
		print_error("rc %d, message: %s\n(wanted: %s)\n", rc, err.msg, want);
	assert_int_equal(rc, ZS_EINPUT);
	assert_non_null(strstr(err.msg, want));
	assert_int_equal(r.n, passed);
}

static void read_fails(const char *path, const char *want)
{
	read_fails_after(path, want, 0);
}

#define SHEET(rows) "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet " NS "><dimension ref=\"A1:D9\"/>" \
	"<sheetData>" rows "</sheetData><mergeCells count=\"0\"/></worksheet>"

/* ----------------------------------------------------------- the tests */

static void test_format_kinds(void **state)
{
	(void)state;
	assert_int_equal(xlsx_format_kind("yyyy/m/d"), XLSX_DATE);
	assert_int_equal(xlsx_format_kind("yyyy\"年\"m\"月\"d\"日\""), XLSX_DATE);
	assert_int_equal(xlsx_format_kind("[$-804]yyyy\"年\"m\"月\"d\"日\" dddd"), XLSX_DATE);
	assert_int_equal(xlsx_format_kind("[DBNum1][$-804]m\"月\"d\"日\""), XLSX_DATE);
	assert_int_equal(xlsx_format_kind("mmm-yy"), XLSX_DATE);
	assert_int_equal(xlsx_format_kind("h:mm"), XLSX_TIME);
	assert_int_equal(xlsx_format_kind("[h]:mm:ss"), XLSX_TIME | XLSX_SECONDS);
	assert_int_equal(xlsx_format_kind("h\"时\"mm\"分\""), XLSX_TIME);
	assert_int_equal(xlsx_format_kind("h:mm AM/PM"), XLSX_TIME);
	assert_int_equal(xlsx_format_kind("上午/下午h\"时\"mm\"分\""), XLSX_TIME);
	assert_int_equal(xlsx_format_kind("mm:ss"), XLSX_TIME | XLSX_SECONDS);
	assert_int_equal(xlsx_format_kind("yyyy-mm-dd hh:mm"), XLSX_DATE | XLSX_TIME);
	assert_int_equal(xlsx_format_kind("yyyy/m/d h:mm:ss;@"), XLSX_DATE | XLSX_TIME | XLSX_SECONDS);
	assert_int_equal(xlsx_format_kind("General"), 0);
	assert_int_equal(xlsx_format_kind("G/通用格式"), 0);
	assert_int_equal(xlsx_format_kind("0.0 m"), 0);                   /* a unit, not the month */
	assert_int_equal(xlsx_format_kind("mm:ss.0"), XLSX_TIME | XLSX_SECONDS);              /* WPS and Chinese Excel: General */
	assert_int_equal(xlsx_format_kind("G/通用格式\"元\""), 0);
	assert_int_equal(xlsx_format_kind("[$-804]aaaa"), XLSX_DATE);     /* 星期日 */
	assert_int_equal(xlsx_format_kind("[$-F400]h:mm:ss AM/PM"), XLSX_TIME | XLSX_SECONDS);
	assert_int_equal(xlsx_format_kind("m/d/yyyy h:mm"), XLSX_DATE | XLSX_TIME);
	assert_int_equal(xlsx_format_kind("0.00"), 0);
	assert_int_equal(xlsx_format_kind("#,##0.00\"元\""), 0);
	assert_int_equal(xlsx_format_kind("0.00E+00"), 0);
	assert_int_equal(xlsx_format_kind("@"), 0);
	assert_int_equal(xlsx_format_kind("[Red]0.0;[Blue]-0.0"), 0);
	assert_int_equal(xlsx_format_kind("\"day\"0"), 0);            /* quoted letters are text */
	assert_int_equal(xlsx_format_kind("0\\d"), 0);                 /* escaped too */
	assert_int_equal(xlsx_format_kind(NULL), 0);
	assert_int_equal(xlsx_builtin_kind(14), XLSX_DATE);
	assert_int_equal(xlsx_builtin_kind(22), XLSX_DATE | XLSX_TIME);
	assert_int_equal(xlsx_builtin_kind(20), XLSX_TIME);
	assert_int_equal(xlsx_builtin_kind(31), XLSX_DATE);            /* yyyy年m月d日 in Chinese Excel */
	assert_int_equal(xlsx_builtin_kind(0), 0);
	assert_int_equal(xlsx_builtin_kind(49), 0);
}

static void number_is(const char *raw, int kind, bool d1904, const char *want)
{
	char out[64];
	bool ok = xlsx_number_text(raw, kind, d1904, out, sizeof out);
	if (!ok || strcmp(out, want))
		print_error("%s (kind %d, 1904 %d): got \"%s\", want \"%s\"\n", raw, kind, d1904, out, want);
	assert_true(ok);
	assert_string_equal(out, want);
}

static void test_numbers_and_serials(void **state)
{
	(void)state;
	number_is("46096", XLSX_DATE, false, "2026-03-15");
	number_is("44634", XLSX_DATE, true, "2026-03-15");           /* 1904 system */
	number_is("0", XLSX_DATE, true, "1904-01-01");
	number_is("1", XLSX_DATE, false, "1900-01-01");
	number_is("59", XLSX_DATE, false, "1900-02-28");
	number_is("60", XLSX_DATE, false, "1900-02-29");              /* Lotus's day */
	number_is("61", XLSX_DATE, false, "1900-03-01");
	number_is("2958465", XLSX_DATE, false, "9999-12-31");
	number_is("2958466", XLSX_DATE, false, "2958466");            /* no date: the number */
	number_is("-1", XLSX_DATE, false, "-1");
	number_is("0.5", XLSX_DATE, false, "0.5");                    /* a time under a date format */
	number_is("0.75", XLSX_TIME, false, "18:00");
	number_is("0.7916666666666666", XLSX_TIME, false, "19:00");
	number_is("0.99999999", XLSX_TIME | XLSX_SECONDS, false, "00:00:00");
	number_is("0.5000115740740741", XLSX_TIME | XLSX_SECONDS, false, "12:00:01");
	number_is("46096.875", XLSX_DATE | XLSX_TIME, false, "2026-03-15 21:00");
	number_is("0.875", XLSX_DATE | XLSX_TIME, false, "21:00");
	number_is("46096.87569444445", XLSX_DATE | XLSX_TIME | XLSX_SECONDS, false, "2026-03-15 21:01:00");
	number_is("13812345678", 0, false, "13812345678");
	number_is("1.3812345678E10", 0, false, "13812345678");
	number_is("0.30000000000000004", 0, false, "0.3");
	number_is("12.5", 0, false, "12.5");
	number_is("-0", 0, false, "0");
	number_is(" 7 ", 0, false, "7");
	number_is("1E+16", 0, false, "1e+16");
	char out[64];
	assert_false(xlsx_number_text("abc", 0, false, out, sizeof out));
	assert_false(xlsx_number_text("12abc", XLSX_DATE, false, out, sizeof out));
	assert_false(xlsx_number_text("", 0, false, out, sizeof out));
	assert_false(xlsx_number_text("inf", 0, false, out, sizeof out));
	assert_false(xlsx_number_text("1", 0, false, out, 8));     /* too small a buffer */
}

/* Shared strings (runs joined, phonetic text left out, _x000D_ decoded),
 * inline strings, numbers, booleans, errors, dates by built-in and custom
 * formats, gaps in cell references, rows keeping their numbers, a blank
 * row skipped, a formula's text, an ISO date. */
static void test_hand_made_workbook(void **state)
{
	(void)state;
	const char *p = make_book("hand.xlsx", SHEET(
		"<row r=\"1\" spans=\"1:4\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
		"<c r=\"D1\" t=\"inlineStr\"><is><r><t>备</t></r><r><t>注</t></r></is></c></row>"
		"<row r=\"2\"><c r=\"A2\" s=\"1\"><v>46096</v></c><c r=\"B2\" t=\"s\"><v>2</v></c>"
		"<c r=\"C2\"><v>13812345678</v></c><c r=\"D2\" t=\"b\"><v>1</v></c></row>"
		"<row r=\"3\"><c r=\"A3\" s=\"1\"/><c r=\"B3\" s=\"2\"/></row>"
		"<row r=\"5\"><c r=\"A5\" s=\"2\"><v>46097</v></c><c r=\"C5\" t=\"s\"><v>3</v></c></row>"
		"<row r=\"6\"><c r=\"B6\" s=\"3\"><v>0.8125</v></c><c r=\"C6\" s=\"4\"><v>46096.875</v></c>"
		"<c r=\"D6\" s=\"5\"><v>12.5</v></c></row>"
		"<row r=\"7\"><c r=\"A7\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c><c r=\"B7\" t=\"str\"><f>A1&amp;B1</f><v>日期单位</v></c>"
		"<c r=\"C7\" t=\"d\"><v>2026-03-15T00:00:00</v></c><c r=\"D7\" t=\"d\"><v>2026-03-15T21:05:00Z</v></c></row>"
		"<row r=\"9\"><c r=\"A9\" t=\"s\"><v>4</v></c><c r=\"B9\" t=\"b\"><v>0</v></c></row>"), NULL);
	read_ok(p, "1:日期|单位||备注\n"
		   "2:2026-03-15|执法稽查队|13812345678|TRUE\n"
		   "5:2026-03-16||漢字\n"              /* 2026年3月16日 in Excel: YYYY-MM-DD here */
		   "6:|19:30|2026-03-15 21:00|12.5\n"
		   "7:#DIV/0!|日期单位|2026-03-15|2026-03-15 21:05:00\n"
		   "9:第一行\r\n第二行 & <三> _x0041_|FALSE\n");
}

/* Another writer's way: x: prefixes, no _rels/.rels (xl/workbook.xml by
 * default), the 1904 date system, a hidden first sheet (the first visible
 * one is read), no shared strings or styles parts, rows and cells without
 * references (each the next one). */
static void test_prefixed_1904_hidden_first_sheet(void **state)
{
	(void)state;
	const char *path = tmp_path("x1904.xlsx");
	const char *xns = "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
			  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
	char wb[1024], sheet[1024];
	snprintf(wb, sizeof wb,
		 "<x:workbook %s><x:workbookPr date1904=\"true\"/><x:sheets>"
		 "<x:sheet name=\"隐藏\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/>"
		 "<x:sheet name=\"Sheet2\" sheetId=\"2\" r:id=\"rId2\"/></x:sheets></x:workbook>", xns);
	snprintf(sheet, sizeof sheet,
		 "<x:worksheet %s><x:sheetData><x:row><x:c t=\"inlineStr\"><x:is><x:t>日期</x:t></x:is></x:c>"
		 "<x:c t=\"inlineStr\"><x:is><x:t>数</x:t></x:is></x:c></x:row>"
		 "<x:row><x:c s=\"1\"><x:v>44634</x:v></x:c><x:c><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>",
		 xns);
	const char *rels =
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/hidden.xml\"/>"
		"<Relationship Id=\"rId2\" Type=\"" REL "worksheet\" Target=\"worksheets/../worksheets/sheet2.xml\"/>"
		"<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"s.xml\"/>"
		"</Relationships>";
	const char *st = "<x:styleSheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
			 "<x:cellXfs><x:xf numFmtId=\"0\"/><x:xf numFmtId=\"14\"/></x:cellXfs></x:styleSheet>";
	struct part parts[] = {
		{ "xl/workbook.xml", wb },
		{ "xl/_rels/workbook.xml.rels", rels },
		{ "xl/s.xml", st },
		{ "xl/worksheets/hidden.xml", "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>不该读到</t></is></c></row></sheetData></worksheet>" },
		{ "xl/worksheets/sheet2.xml", sheet },
		{ NULL, NULL },
	};
	make_zip(path, parts);
	read_ok(path, "1:日期|数\n2:2026-03-15|3\n");
}

/* What libxlsxwriter (a real writer) produces: shared strings, numbers,
 * a date with a number format, a formula, a blank row. */
static void test_libxlsxwriter_workbook(void **state)
{
	(void)state;
	const char *path = tmp_path("lxw.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "登记");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_format *when = workbook_add_format(wb);
	format_set_num_format(when, "yyyy/m/d h:mm");
	worksheet_write_string(ws, 0, 0, "received_at", NULL);
	worksheet_write_string(ws, 0, 1, "summary", NULL);
	worksheet_write_string(ws, 0, 3, "phone", NULL);
	lxw_datetime dt = { 2026, 3, 15, 21, 5, 0 };
	worksheet_write_datetime(ws, 1, 0, &dt, when);
	worksheet_write_string(ws, 1, 1, "酸菜 \"老坛\" <包装>", NULL);
	worksheet_write_number(ws, 1, 3, 13812345678.0, NULL);
	lxw_datetime d = { 2026, 3, 16, 0, 0, 0 };
	worksheet_write_datetime(ws, 3, 0, &d, date);
	worksheet_write_formula_num(ws, 3, 1, "=1+1", NULL, 2);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	read_ok(path, "1:received_at|summary||phone\n"
		      "2:2026-03-15 21:05|酸菜 \"老坛\" <包装>||13812345678\n"
		      "4:2026-03-16|2\n");
}

static void test_callback_stop_and_failure(void **state)
{
	(void)state;
	const char *p = make_book("cb.xlsx", SHEET("<row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</v></c></row>"
						   "<row r=\"3\"><c><v>3</v></c></row>"), NULL);
	struct rows r = { .stop_after = 2 };
	struct zs_error err = { 0 };
	assert_int_equal(table_stream_file(p, collect, &r, NULL, &err), ZS_OK);
	assert_string_equal(r.text, "1:1\n2:2\n");
	struct rows f = { .fail_at = 2 };
	assert_int_equal(table_stream_file(p, collect, &f, NULL, &err), ZS_EINPUT);
	assert_string_equal(err.msg, "callback refused line 2");
	assert_string_equal(f.text, "1:1\n");
}

static void test_not_workbooks(void **state)
{
	(void)state;
	/* .xls: the OLE header, whatever the name; a file named .xls. */
	const char *p = tmp_path("old.dat");
	FILE *f = fopen(p, "wb");
	fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 1, 12, f);
	fclose(f);
	read_fails(p, "另存为 .xlsx 或 CSV");
	p = tmp_path("named.XLS");
	f = fopen(p, "wb");
	fputs("日期,单位\n2026-03-15,科\n", f);
	fclose(f);
	read_fails(p, ".xls");
	/* Named .xlsx, but text. */
	p = tmp_path("text.xlsx");
	f = fopen(p, "wb");
	fputs("日期,单位\n", f);
	fclose(f);
	read_fails(p, "不是 XLSX 文件（内容不是 ZIP 格式）");
	/* A ZIP cut short (no central directory). */
	const char *whole = make_book("whole.xlsx", SHEET("<row r=\"1\"><c><v>1</v></c></row>"), NULL);
	char cmd[512];
	p = tmp_path("cut.xlsx");
	snprintf(cmd, sizeof cmd, "head -c 300 '%s' > '%s'", whole, p);
	assert_int_equal(system(cmd), 0);
	read_fails(p, "已损坏或不完整");
	/* A ZIP that is not a workbook (a .docx, a plain archive). */
	p = tmp_path("plain.zip");
	make_zip(p, (const struct part[]){ { "readme.txt", "hello" }, { NULL, NULL } });
	read_fails(p, "不是 Excel 工作簿（缺少 xl/workbook.xml）");
	p = tmp_path("doc.docx");
	make_zip(p, (const struct part[]){
		{ "_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
				 "<Relationship Id=\"rId1\" Type=\"" REL "officeDocument\" Target=\"word/document.xml\"/></Relationships>" },
		{ "word/document.xml", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>" },
		{ "word/_rels/document.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>" },
		{ NULL, NULL } });
	read_fails(p, "不是 Excel 工作簿");
	/* A workbook whose sheet is missing, or empty. */
	p = tmp_path("nosheet.xlsx");
	make_zip(p, (const struct part[]){ { "xl/workbook.xml", book }, { "xl/_rels/workbook.xml.rels", book_rels },
					   { NULL, NULL } });
	read_fails(p, "缺少 xl/worksheets/sheet1.xml");
	read_fails(make_book("empty.xlsx", SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"/></row>"), NULL), "第一张工作表是空的");
}

static void test_bad_content(void **state)
{
	(void)state;
	read_fails(make_book("dtd.xlsx", "<!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
					 "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>",
			     NULL),
		   "xl/worksheets/sheet1.xml 含有 DTD 声明");
	char deep[2048] = "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>";
	for (int i = 0; i < 70; i++)
		strcat(deep, "<a>");
	strcat(deep, "</t></is></c></row></sheetData></worksheet>");
	read_fails(make_book("deep.xlsx", deep, NULL), "嵌套过深");
	read_fails(make_book("badxml.xlsx", SHEET("<row r=\"1\"><c><v>1</v></row>"), NULL), "XML 有误");
	read_fails_after(make_book("sst.xlsx", SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
					    "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>99</v></c></row>"), NULL),
		   "第 2 行：B 列引用的共享字符串“99”不存在", 1);
	read_fails_after(make_book("order.xlsx", SHEET("<row r=\"3\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</v></c></row>"), NULL),
		   "第 2 行：与前面的行顺序颠倒或重复", 1);
	read_fails(make_book("cells.xlsx", SHEET("<row r=\"1\"><c r=\"C1\"><v>1</v></c><c r=\"B1\"><v>2</v></c></row>"), NULL),
		   "第 1 行：单元格 B1 不在前一个单元格的右边");
	read_fails(make_book("ref.xlsx", SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"), NULL),
		   "第 1 行：单元格位置“XFE1”无效");
	read_fails(make_book("row.xlsx", SHEET("<row r=\"1048577\"><c><v>1</v></c></row>"), NULL), "行号“1048577”无效");
	read_fails(make_book("wb.xlsx", SHEET("<row r=\"1\"><c><v>1</v></c></row>"), "<workbook><sheets/></workbook>"),
		   "里没有工作表");
}

/* An entry larger than the bound is refused before a byte is read. */
static void test_entry_limit(void **state)
{
	(void)state;
	char big[4096] = "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>";
	memset(big + strlen(big), 'x', 3000);
	strcat(big, "</t></is></c></row></sheetData></worksheet>");
	const char *p = make_book("big.xlsx", big, NULL);
	xlsx_set_entry_limit_for_tests(2 * 1024 * 1024);
	struct rows r = { 0 };
	struct zs_error err = { 0 };
	assert_int_equal(table_stream_file(p, collect, &r, NULL, &err), ZS_OK);
	xlsx_set_entry_limit_for_tests(1024);
	read_fails(p, "xl/worksheets/sheet1.xml 解压后有 0 MiB，超过上限 0 MiB");
	xlsx_set_entry_limit_for_tests(0);
	i18n_set(LANG_EN);
	read_fails(make_book("dtd-en.xlsx", "<!DOCTYPE x><worksheet/>", NULL), "is not a valid XLSX file: xl/worksheets/sheet1.xml has a DTD");
	i18n_set(LANG_ZH);
}

/* CSV goes on to the CSV reader, with its encoding as the kind. */
static void test_csv_through_tablefile(void **state)
{
	(void)state;
	const char *p = tmp_path("t.csv");
	FILE *f = fopen(p, "wb");
	fputs("\xEF\xBB\xBF" "日期,单位\n2026-03-15,科\n", f);
	fclose(f);
	struct rows r = { 0 };
	struct zs_error err = { 0 };
	enum table_kind kind = TABLE_XLSX;
	assert_int_equal(table_stream_file(p, collect, &r, &kind, &err), ZS_OK);
	assert_int_equal(kind, TABLE_CSV_UTF8_BOM);
	assert_string_equal(r.text, "1:日期|单位\n2:2026-03-15|科\n");
	assert_string_equal(table_kind_name(TABLE_XLSX), "XLSX");
	assert_string_equal(table_kind_name(TABLE_CSV_GB18030), "GB18030");
	/* A CSV whose first cell begins "PK" is still CSV. */
	p = tmp_path("pk.csv");
	f = fopen(p, "wb");
	fputs("PKey,单位\n1,科\n", f);
	fclose(f);
	memset(&r, 0, sizeof r);
	assert_int_equal(table_stream_file(p, collect, &r, &kind, &err), ZS_OK);
	assert_int_equal(kind, TABLE_CSV_UTF8);
	assert_string_equal(r.text, "1:PKey|单位\n2:1|科\n");
	/* A missing file is the CSV reader's message. */
	assert_int_equal(table_stream_file(tmp_path("nope.xlsx"), collect, &r, &kind, &err), ZS_EINPUT);
	assert_non_null(strstr(err.msg, "无法打开文件"));
}

int main(void)
{
	i18n_set(LANG_ZH);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_kinds),
		cmocka_unit_test(test_numbers_and_serials),
		cmocka_unit_test(test_hand_made_workbook),
		cmocka_unit_test(test_prefixed_1904_hidden_first_sheet),
		cmocka_unit_test(test_libxlsxwriter_workbook),
		cmocka_unit_test(test_callback_stop_and_failure),
		cmocka_unit_test(test_not_workbooks),
		cmocka_unit_test(test_bad_content),
		cmocka_unit_test(test_entry_limit),
		cmocka_unit_test(test_csv_through_tablefile),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
