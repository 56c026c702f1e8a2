/* xlsxread: read the first worksheet of an XLSX workbook (Excel, WPS,
 * LibreOffice, libxlsxwriter) as the CSV reader reads a file: one record per
 * row, through the same callback (csvfile.h), so an import takes either.
 *
 * The ZIP is read with libzip and the XML with expat (Debian packages); no
 * ZIP or XML is parsed by hand.  What is read (ECMA-376 Part 1):
 *   - the workbook (found through _rels/.rels, else xl/workbook.xml), its
 *     relationships, its 1904 date system flag, and its first worksheet
 *     that is not hidden (the first tab a person sees);
 *   - shared strings (rich-text runs joined, phonetic runs left out),
 *     inline strings, formula results, numbers, booleans (TRUE / FALSE),
 *     error values (#N/A ...) and ISO dates (t="d");
 *   - number formats (xl/styles.xml): a number shown as a date or time
 *     becomes "YYYY-MM-DD", "HH:MM" or "YYYY-MM-DD HH:MM" (xlsxnum.h);
 *   - _xHHHH_ escapes in text (Excel's way to store a CR) are decoded.
 * Cells are placed by their reference (r="C5": column C), missing cells are
 * empty, and a record's line is its row number, so messages name the row a
 * person sees in Excel.  Rows with no text are skipped, as blank CSV lines.
 * Text is UTF-8, NOT sanitised, not trimmed (callers do both, as for CSV).
 *
 * Memory: the shared strings are held (they are the workbook's text); the
 * worksheet is streamed, one row at a time.  Limits, each refused with a
 * message (ZS_EINPUT): a ZIP entry larger than 512 MiB once unpacked (a
 * "ZIP bomb", or a sheet too large: save it as CSV), 16,777,216 shared
 * strings, 16 MiB per cell, 64 MiB per row, 16384 columns (XFD),
 * 1,048,576 rows, XML nested deeper than 64 elements, any DTD. */
#ifndef ZHISHOU_XLSXREAD_H
#define ZHISHOU_XLSXREAD_H

#include "zhishou/csvfile.h"
#include "zhishou/error.h"

/* Read path's first worksheet and call cb for each row, as csv_stream_file
 * does (CSV_NEXT, CSV_STOP, or a failure code the call returns).  Errors
 * name the file: not a ZIP ("不是 XLSX 文件"), a damaged or truncated ZIP,
 * a ZIP that holds no workbook, an entry too large, bad XML; ZS_EFAIL for
 * memory and read failures.  As with CSV, rows before a failure found
 * further on were already passed to cb: apply them once this returned
 * ZS_OK (e.g. inside a transaction). */
int xlsx_stream_file(const char *path, csv_record_cb cb, void *ud, struct zs_error *err);

/* Tests only: the largest unpacked ZIP entry accepted (0 = 512 MiB). */
void xlsx_set_entry_limit_for_tests(size_t bytes);

#endif
