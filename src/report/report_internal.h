/* The pieces of report_write.c that src/report's other tables (the
 * complaint disclosure, disclosure_write.c) lay out with, so every table
 * is written the same way: one XLSX library, one CSV cell writer, one
 * temporary-file-then-rename path.  Not a public header: only src/report
 * includes it. */
#ifndef ZHISHOU_REPORT_INTERNAL_H
#define ZHISHOU_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xlsxwriter.h>

#include "zhishou/error.h"
#include "zhishou/report.h"

/* A 宋体 cell format of size points; border also wraps the text. */
lxw_format *report_xlsx_format(lxw_workbook *wb, double size, bool bold, uint8_t align, bool border);
/* Columns c0..c1 of row as one merged cell (a plain cell when c0 == c1). */
lxw_error report_xlsx_merge(lxw_worksheet *ws, int row, int c0, int c1, const char *s, lxw_format *f);
/* Display columns -> Excel column width. */
double report_xlsx_width(int cols);
/* A Markdown table cell, its | \ * _ ` escaped. */
void report_md_cell(FILE *fp, const char *s);
/* n spaces. */
void report_pad(FILE *fp, int n);

/* Write table t as f: text formats through text (to_file: the CSV gets its
 * BOM), XLSX through xlsx into the named file.  With path: into a
 * temporary file beside it, renamed over path once complete; without
 * (not xlsx): to fp.  What report_write does for the statistics table. */
typedef void (*report_text_fn)(const void *t, enum report_format f, FILE *fp, bool to_file);
typedef int (*report_xlsx_fn)(const void *t, const char *file, struct zs_error *err);
int report_write_via(const void *t, enum report_format f, const char *path, FILE *fp, report_text_fn text,
		     report_xlsx_fn xlsx, struct zs_error *err);

#endif
