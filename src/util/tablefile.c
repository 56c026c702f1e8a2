/* tablefile: CSV or XLSX, by the file's first bytes and its name
 * (tablefile.h). */
#include "zhishou/tablefile.h"

#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "zhishou/i18n.h"
#include "zhishou/xlsxread.h"

/* An OLE compound file: .xls, WPS's .et, an encrypted .xlsx. */
static const unsigned char ole_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

static bool named(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);
	return n > e && !strcasecmp(path + n - e, ext);
}

int table_stream_file(const char *path, csv_record_cb cb, void *ud, enum table_kind *kind, struct zs_error *err)
{
	if (kind)
		*kind = TABLE_CSV_UTF8;
	if (!path)
		return csv_stream_file(path, cb, ud, NULL, err);   /* says what is missing */
	/* A peek only: a file that cannot be opened or read is the CSV
	 * reader's to name (it opens it again and says why). */
	unsigned char head[8] = { 0 };
	ssize_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		got = pread(fd, head, sizeof head, 0);
		close(fd);
	}
	if ((got == (ssize_t)sizeof head && !memcmp(head, ole_magic, sizeof head)) || named(path, ".xls") ||
	    named(path, ".et"))
		return zs_fail(err, ZS_EINPUT,
			       TR("%s 是旧版 Excel/WPS 表格（.xls/.et）或加密的工作簿，无法直接读取：请在 Excel/WPS 中另存为 .xlsx 或 CSV（不设密码）",
				  "%s is an old Excel/WPS sheet (.xls/.et) or an encrypted workbook: save it as .xlsx or CSV (without a password) in Excel/WPS"),
			       path);
	/* PK 3 4 starts a ZIP's first entry, PK 5 6 an empty ZIP, PK 7 8 a
	 * split one: not a CSV whose first cell begins "PK". */
	bool zip = got >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5 || head[2] == 7) &&
		   head[3] == head[2] + 1;
	if (zip || named(path, ".xlsx") || named(path, ".xlsm")) {
		if (kind)
			*kind = TABLE_XLSX;
		return xlsx_stream_file(path, cb, ud, err);
	}
	enum csv_encoding enc = CSV_UTF8;
	int r = csv_stream_file(path, cb, ud, &enc, err);
	if (kind)
		*kind = table_kind_of_csv(enc);
	return r;
}

enum table_kind table_kind_of_csv(enum csv_encoding e)
{
	return e == CSV_UTF8_BOM ? TABLE_CSV_UTF8_BOM : e == CSV_GB18030 ? TABLE_CSV_GB18030 : TABLE_CSV_UTF8;
}

const char *table_kind_name(enum table_kind k)
{
	switch (k) {
	case TABLE_XLSX: return "XLSX";
	case TABLE_CSV_UTF8_BOM: return csv_encoding_name(CSV_UTF8_BOM);
	case TABLE_CSV_GB18030: return csv_encoding_name(CSV_GB18030);
	case TABLE_CSV_UTF8: break;
	}
	return csv_encoding_name(CSV_UTF8);
}
