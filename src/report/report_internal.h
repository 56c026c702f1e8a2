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

/* A workbook for file with its document properties (author, company may
 * be NULL) and its one sheet; NULL with err set when it cannot be made. */
lxw_workbook *report_xlsx_new(const char *file, const char *title, const char *author, const char *company,
			      const char *sheet, lxw_worksheet **ws, struct zs_error *err);
/* The footnotes from row down, each merged across columns 0..last and as
 * tall as its text wraps to in width (the columns' total width). */
lxw_error report_xlsx_notes(lxw_worksheet *ws, int row, int last, char *const *notes, int n, double width,
			    lxw_format *f);
/* Set up the printed page (A4, one page wide, centred), write the file
 * and free wb; e is the first error of the writes before, reported here. */
int report_xlsx_close(lxw_workbook *wb, lxw_worksheet *ws, bool landscape, lxw_error e, struct zs_error *err);

/* A table's writers: text formats to fp, XLSX into the named file. */
typedef void (*report_text_fn)(const void *t, FILE *fp);
struct report_writers {
	report_text_fn csv, md, txt;
	int (*xlsx)(const void *t, const char *file, struct zs_error *err);
};

/* Write table t as f with w.  With path: into a temporary file beside it,
 * renamed over path once complete (nothing half-written on any failure),
 * a CSV after the BOM (the file rule of csvfile.h); without (not xlsx):
 * to fp.  What report_write does for the statistics
 * table. */
int report_write_via(const void *t, enum report_format f, const char *path, FILE *fp,
		     const struct report_writers *w, struct zs_error *err);

#endif
