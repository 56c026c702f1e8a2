/* fuzz_xlsx: the XLSX reader (xlsxread.h, through table_stream_file) and
 * its number formats (xlsxnum.h).
 *
 * Input, two kinds:
 *   - starting with "PK\3\4": a ZIP file's bytes, read as they are (libzip's
 *     side: directories, local headers, sizes, compression);
 *   - anything else: the XML parts of a workbook separated by 0x1F,
 *       SHEET 0x1F SHARED-STRINGS 0x1F STYLES 0x1F WORKBOOK 0x1F WORKBOOK-RELS
 *     zipped here (deflated for even sizes, stored for odd), so mutations
 *     reach the XML parsers instead of breaking a CRC.  A part left out
 *     (fewer separators) is not in the ZIP; an empty WORKBOOK or
 *     WORKBOOK-RELS is the standard one, so a bare sheet is a workbook.
 * Entries are bounded at 8 MiB here (512 MiB in use) to keep runs fast.
 *
 * Checked, besides memory safety:
 *   X1 the result is ZS_OK or ZS_EINPUT with a message (ZS_EFAIL only for
 *      a failed write of the input), the message valid UTF-8;
 *   X2 records have rising lines from 1 to 1,048,576, 1 to 16,384 fields,
 *      each valid UTF-8, at least one not empty, each writable;
 *   X3 a second read that stops after the first record (CSV_STOP) returns
 *      ZS_OK with that same record (when the first read had one);
 *   X4 xlsx_number_text on the input's first 40 bytes, under every kind,
 *      gives printable ASCII or fails with an empty output; xlsx_format_kind
 *      of the input returns only its three bits. */
#include "fuzz_common.h"

#include <zip.h>

#include "zhishou/tablefile.h"
#include "zhishou/xlsxnum.h"
#include "zhishou/xlsxread.h"

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	   "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char *std_book = "<workbook " NS "><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *std_rels =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" REL "sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"styles.xml\"/></Relationships>";

/* Zip the parts of data (see above) into the temporary file. */
static const char *make_workbook(const uint8_t *data, size_t size)
{
	static const char *names[] = { "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
				       "xl/workbook.xml", "xl/_rels/workbook.xml.rels" };
	const char *path = fz_temp_file(data, 0, ".xlsx");
	int ze;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	if (!z)
		FZ_DIE("zip_open %s: %d", path, ze);
	size_t start = 0;
	for (size_t k = 0; k < 5; k++) {
		const uint8_t *sep = start <= size ? memchr(data + start, 0x1F, size - start) : NULL;
		size_t end = sep ? (size_t)(sep - data) : size;
		const void *part = data + start;
		size_t len = start <= size ? end - start : 0;
		bool present = start <= size;
		if (k >= 3 && (!present || len == 0)) {
			part = k == 3 ? std_book : std_rels;
			len = strlen(part);
			present = true;
		}
		if (present) {
			zip_source_t *s = zip_source_buffer(z, part, len, 0);
			zip_int64_t i = s ? zip_file_add(z, names[k], s, 0) : -1;
			if (i < 0 || zip_set_file_compression(z, (zip_uint64_t)i, size & 1 ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0))
				FZ_DIE("zip_file_add %s", names[k]);
		}
		start = end + 1;
	}
	if (zip_close(z) != 0)
		FZ_DIE("zip_close %s: %s", path, zip_strerror(z));
	return path;
}

struct seen {
	size_t n, last_line;
	char *first;   /* the first record, "f1|f2|..." */
	int stop_after;
};

static int check_record(const struct csv_record *r, void *ud, struct zs_error *err)
{
	(void)err;
	struct seen *s = ud;
	FZ_CHECK(r->line >= 1 && r->line <= 1048576 && r->line > s->last_line, "X2 line %zu after %zu", r->line,
		 s->last_line);
	FZ_CHECK(r->nfields >= 1 && r->nfields <= 16384, "X2 %zu fields at line %zu", r->nfields, r->line);
	s->last_line = r->line;
	bool any = false;
	size_t total = 0;
	for (size_t i = 0; i < r->nfields; i++) {
		size_t len = strlen(r->fields[i]);
		FZ_CHECK(text_valid_utf8(r->fields[i], len), "X2 field %zu of line %zu is not UTF-8", i, r->line);
		r->fields[i][0] = r->fields[i][0];
		any |= len > 0;
		total += len + 1;
	}
	FZ_CHECK(any, "X2 blank record at line %zu", r->line);
	if (s->n++ == 0) {
		s->first = malloc(total);
		if (!s->first)
			FZ_DIE("out of memory");
		s->first[0] = '\0';
		for (size_t i = 0; i < r->nfields; i++) {
			strcat(s->first, r->fields[i]);
			if (i + 1 < r->nfields)
				strcat(s->first, "|");
		}
	}
	return s->stop_after && (int)s->n >= s->stop_after ? CSV_STOP : CSV_NEXT;
}

static void check_numbers(const uint8_t *data, size_t size)
{
	char raw[41], out[64];
	size_t n = size < 40 ? size : 40;
	memcpy(raw, data, n);
	raw[n] = '\0';
	static const int kinds[] = { 0, XLSX_DATE, XLSX_TIME, XLSX_TIME | XLSX_SECONDS, XLSX_DATE | XLSX_TIME,
				     XLSX_DATE | XLSX_TIME | XLSX_SECONDS };
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		for (int d1904 = 0; d1904 < 2; d1904++) {
			bool ok = xlsx_number_text(raw, kinds[k], d1904, out, sizeof out);
			FZ_CHECK(ok ? out[0] != '\0' : out[0] == '\0', "X4 \"%s\" -> %d \"%s\"", raw, ok, out);
			for (const char *p = out; *p; p++)
				FZ_CHECK(*p > ' ' - 1 && *p < 0x7F, "X4 \"%s\" -> \"%s\"", raw, out);
		}
	}
	char *code = fz_strndup(data, size);
	int kind = xlsx_format_kind(code);
	FZ_CHECK((kind & ~(XLSX_DATE | XLSX_TIME | XLSX_SECONDS)) == 0, "X4 kind %d", kind);
	free(code);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	xlsx_set_entry_limit_for_tests(8 * 1024 * 1024);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_env();
	fz_lang_for(size);
	xlsx_set_entry_limit_for_tests(8 * 1024 * 1024);   /* the gcc driver calls no Initialize */
	check_numbers(data, size);
	bool zip = size >= 4 && !memcmp(data, "PK\3\4", 4);
	const char *path = zip ? fz_temp_file(data, size, ".xlsx") : make_workbook(data, size);
	struct seen s = { 0 };
	struct zs_error err = { 0 };
	enum table_kind kind = TABLE_CSV_UTF8;
	int rc = table_stream_file(path, check_record, &s, &kind, &err);
	FZ_CHECK(kind == TABLE_XLSX, "X1 read as %d", (int)kind);
	FZ_CHECK(rc == ZS_OK || rc == ZS_EINPUT, "X1 result %d: %s", rc, err.msg);
	FZ_CHECK(rc == ZS_OK || (err.msg[0] && text_valid_utf8(err.msg, strlen(err.msg))), "X1 message \"%s\"",
		 err.msg);
	if (s.n > 0) {
		struct seen one = { .stop_after = 1 };
		struct zs_error e2 = { 0 };
		FZ_CHECK(table_stream_file(path, check_record, &one, NULL, &e2) == ZS_OK, "X3 stopped read: %s", e2.msg);
		FZ_CHECK(one.n == 1 && !strcmp(one.first, s.first), "X3 \"%s\" then \"%s\"", s.first,
			 one.first ? one.first : "(none)");
		free(one.first);
	}
	free(s.first);
	return 0;
}
