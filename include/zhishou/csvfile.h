/* csvfile: read a CSV file the way Excel and WPS write it on Chinese PCs,
 * and write the CSV cells zhishou produces.
 *
 * Reading detects the encoding (UTF-8, UTF-8 with BOM, GB18030/GBK via
 * iconv), accepts LF, CRLF or a bare CR as line ends and quoted fields with
 * commas and newlines (our own parser: see csvfile.c for why not libcsv),
 * and refuses what is not a text table (empty, binary, UTF-16) with a
 * translated reason.  Records keep the physical line number they start on,
 * so errors can name it.  Every import (rosters, intakes) reads through
 * csv_stream_file. */
#ifndef ZHISHOU_CSVFILE_H
#define ZHISHOU_CSVFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "zhishou/error.h"

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

/* Errors (all functions below): ZS_OK, or a zs_error in the user's
 * language: ZS_EINPUT when the file's content is wrong or the named file
 * cannot be opened (e.g. "文件为空" / "the file is empty",
 * "第 12 行：引号未闭合" / "line 12: unclosed quote"), ZS_EFAIL for memory
 * and read errors.  err may be NULL. */

/* Parse a whole buffer.  Blank lines (all fields empty) are skipped.  On
 * failure *out is left empty.  Max 64 MiB buffer, 1,048,576 records
 * (Excel's limit), and per record 16384 columns and 16 MiB per field. */
int csv_parse_buffer(const char *buf, size_t len, struct csv_table *out, struct zs_error *err);

/* Read a file and parse it; err names the file on open/read errors.
 * Same limits as csv_parse_buffer (the file must be at most 64 MiB). */
int csv_read_file(const char *path, struct csv_table *out, struct zs_error *err);

/* ------------------------------------------------------------ streaming */

/* What a record callback returns: CSV_NEXT to go on, CSV_STOP to end the
 * reading early (not a failure: csv_stream_file then returns ZS_OK), or a
 * failure code (ZS_EINPUT, ZS_EFAIL ...) after filling err, which
 * csv_stream_file then returns as it is. */
enum { CSV_NEXT = 0, CSV_STOP = -1 };

/* Called once per record (the header included, as record 1) with the
 * fields of that record only.  rec and its fields are valid only during
 * the call (the bytes may be edited in place, the pointers must not be
 * kept or freed).  err is csv_stream_file's. */
typedef int (*csv_record_cb)(const struct csv_record *rec, void *ud, struct zs_error *err);

/* Read path in chunks (1 MiB) and call cb for each record as it is parsed;
 * memory stays bounded (one chunk, its decoded text and the current record)
 * whatever the file's size: there is no total-size or record-count limit,
 * only the per-record ones (16384 columns, 16 MiB per field, 64 MiB per
 * record: "第 N 行：..." errors).  Fields, blank-record skipping, line ends,
 * line numbers and messages are those of csv_read_file.
 *
 * Encoding: a UTF-8 BOM means UTF-8; otherwise the first chunk decides
 * (valid UTF-8 -> UTF-8, a character cut by the chunk end being completed
 * first; else GB18030, converted chunk by chunk).  Bad bytes found after the
 * first chunk are reported with their line, e.g.
 * "第 N 行：含有无效的 UTF-8 字节（文件前部是 UTF-8）" (or "... GB18030 ...",
 * or "第 N 行：不是文本文件（含二进制数据）" for a NUL byte); records before
 * that line have already been passed to cb, so callers should apply them
 * only once csv_stream_file returned ZS_OK (e.g. inside a transaction).
 * *encoding (may be NULL) gets the detected encoding. */
int csv_stream_file(const char *path, csv_record_cb cb, void *ud, enum csv_encoding *encoding,
		    struct zs_error *err);

/* Tests only: read csv_stream_file's chunks of this many bytes (minimum 4)
 * instead of 1 MiB; 0 restores the default.  Not thread-safe. */
void csv_set_chunk_size_for_tests(size_t bytes);

void csv_table_free(struct csv_table *t);

/* Index of the header column whose trimmed name equals one of names
 * (NULL-terminated list, first = preferred), or -1. */
int csv_find_column(const struct csv_table *t, const char *const *names);
/* The same for one header record (streaming readers get no table). */
int csv_record_find_column(const struct csv_record *header, const char *const *names);

/* "UTF-8", "UTF-8（带 BOM）" / "UTF-8 with BOM", "GB18030". */
const char *csv_encoding_name(enum csv_encoding e);

/* ------------------------------------------------------------- writing */

/* The one CSV cell writer: listings (--format csv), the intake export and
 * the statistics report all write their cells through it.  Writes one field
 * (RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes
 * doubled), preceded by a comma unless first.  Text a spreadsheet would
 * run as a formula (= + - @ not followed by a plain number, or a leading
 * TAB or CR) is written quoted with a leading ' so it stays text.  NULL is
 * an empty cell.  Row ends are the caller's ("\r\n" in files). */
void csv_write_cell(FILE *fp, const char *s, bool first);

/* The UTF-8 byte-order mark Excel and WPS need to read a CSV as UTF-8.
 * The rule for every writer: a CSV written to a file (-o FILE) starts with
 * it, standard output never does (a pipe's reader wants plain UTF-8). */
void csv_write_bom(FILE *fp);

#endif
