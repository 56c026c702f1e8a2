/* tablefile: read a table a person saved from Excel or WPS, CSV or XLSX,
 * record by record; every import reads its file here.
 *
 * The content decides, then the name: a file starting with a ZIP header
 * ("PK\3\4", "PK\5\6", "PK\7\8") or named .xlsx/.xlsm is read as a workbook (xlsxread.h), anything
 * else as CSV (csvfile.h).  Old binary Excel files (.xls, .et: an OLE
 * compound file, which is also what a password-protected .xlsx is) and
 * files named .xls are refused with the fix: save as .xlsx or CSV. */
#ifndef ZHISHOU_TABLEFILE_H
#define ZHISHOU_TABLEFILE_H

#include "zhishou/csvfile.h"
#include "zhishou/error.h"

/* What a table file was read as. */
enum table_kind { TABLE_CSV_UTF8, TABLE_CSV_UTF8_BOM, TABLE_CSV_GB18030, TABLE_XLSX };

/* Read path, calling cb for each record (the header first) exactly as
 * csv_stream_file does: same callback, return values, line numbers (an
 * XLSX record's line is its row number) and error rules (ZS_EINPUT for
 * the file's content or name, ZS_EFAIL for memory and disk).  *kind (may
 * be NULL) gets what the file was read as. */
int table_stream_file(const char *path, csv_record_cb cb, void *ud, enum table_kind *kind, struct zs_error *err);

/* The kind of a CSV read in that encoding (a table parsed from memory
 * with csv_parse_buffer is named as a file's would be). */
enum table_kind table_kind_of_csv(enum csv_encoding e);

/* "UTF-8", "UTF-8（带 BOM）", "GB18030" (as csv_encoding_name) or "XLSX". */
const char *table_kind_name(enum table_kind k);

#endif
