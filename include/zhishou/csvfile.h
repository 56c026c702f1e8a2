/* csvfile: read a CSV file the way Excel and WPS write it on Chinese PCs.
 *
 * Detects the encoding (UTF-8, UTF-8 with BOM, GB18030/GBK via iconv),
 * accepts CRLF or LF and quoted fields with commas and newlines (libcsv),
 * and refuses what is not a text table (empty, binary) with a Chinese
 * reason.  Records keep the physical line number they start on, so errors
 * can name it. */
#ifndef ZHISHOU_CSVFILE_H
#define ZHISHOU_CSVFILE_H

#include <stdbool.h>
#include <stddef.h>

enum csv_encoding { CSV_UTF8, CSV_UTF8_BOM, CSV_GB18030 };

struct csv_record {
	size_t line;      /* 1-based line where the record starts */
	size_t nfields;
	char **fields;    /* UTF-8, NUL-terminated, NOT sanitised, not trimmed */
};

struct csv_table {
	enum csv_encoding encoding;
	size_t nrecords;   /* the first record is the header row */
	struct csv_record *records;
};

/* Parse a whole buffer.  Blank lines (all fields empty) are skipped.
 * Returns true on success; on failure fills err with a Chinese reason
 * (e.g. "文件为空", "不是文本文件（含二进制数据）",
 * "第 12 行：引号未闭合", "编码无法识别：既不是 UTF-8 也不是 GB18030")
 * and leaves *out empty.  Max 64 MiB buffer. */
bool csv_parse_buffer(const char *buf, size_t len, struct csv_table *out,
		      char *err, size_t errsz);

/* Read a file and parse it; err names the file on open/read errors. */
bool csv_read_file(const char *path, struct csv_table *out, char *err, size_t errsz);

void csv_table_free(struct csv_table *t);

/* Index of the header column whose trimmed name equals one of names
 * (NULL-terminated list), or -1. */
int csv_find_column(const struct csv_table *t, const char *const *names);

const char *csv_encoding_name(enum csv_encoding e);

#endif
