/* The statistics table on paper: XLSX (libxlsxwriter), CSV for Excel/WPS,
 * Markdown and aligned text for pasting into OA.
 *
 * Every format lays the table out on the same grid, the one the XLSX sheet
 * has (rows top to bottom):
 *   title (merged across)
 *   填报单位：…  |  填报日期：…   (left half, right half)
 *   统计时段：… 至 …
 *   the template's column titles (a run of equal titles is one merged cell)
 *   one line per row; 序号 and 类别 only on the first row of their section
 *   填报人：…  |  联系电话：…
 *   footnotes
 * so a CSV read back cell by cell equals the sheet read back cell by cell.
 *
 * A file is written next to its destination under a temporary name and
 * renamed over it once complete: a failure leaves nothing half-written. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "zhishou/i18n.h"
#include "zhishou/csvfile.h"
#include "zhishou/fsutil.h"
#include "zhishou/report.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "report_internal.h"

bool report_parse_format(const char *s, enum report_format *f)
{
	static const struct {
		const char *name;
		enum report_format f;
	} names[] = {
		{ "xlsx", REPORT_XLSX }, { "csv", REPORT_CSV }, { "md", REPORT_MD },
		{ "markdown", REPORT_MD }, { "txt", REPORT_TXT }, { "text", REPORT_TXT },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i].name)) {
			*f = names[i].f;
			return true;
		}
	return false;
}

bool report_format_of_path(const char *path, enum report_format *f)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	return dot && (!slash || dot > slash) && report_parse_format(dot + 1, f);
}

/* --- the grid ------------------------------------------------------------ */

#define CELL_MAX 512

static bool first_of_group(const struct report *r, int i)
{
	return i == 0 || r->t.rows[i].no != r->t.rows[i - 1].no;
}

/* Rows from i that share row i's section number. */
static int group_len(const struct report *r, int i)
{
	int n = 1;
	while (i + n < r->t.nrows && r->t.rows[i + n].no == r->t.rows[i].no)
		n++;
	return n;
}

/* The text of table row i, column j (as the grid has it). */
static const char *cell(const struct report *r, int i, int j, char *buf, size_t n)
{
	const struct report_row *row = &r->t.rows[i];
	switch (r->t.cols[j].field) {
	case RF_NO:
		if (!first_of_group(r, i))
			return "";
		snprintf(buf, n, "%d", row->no);
		return buf;
	case RF_SECTION:
		return first_of_group(r, i) ? row->section : "";
	case RF_LABEL: return row->label;
	case RF_UNIT: return row->unit;
	case RF_VALUE: return report_value_text(&r->values[i], buf, n);
	case RF_NOTE: return row->note;
	}
	return "";
}

/* A column title, or "" when it continues the run of the one before. */
static const char *col_title(const struct report *r, int j)
{
	if (j > 0 && !strcmp(r->t.cols[j].title, r->t.cols[j - 1].title))
		return "";
	return r->t.cols[j].title;
}

/* The header and footer lines split the width in two halves. */
static int left_end(const struct report *r)
{
	return (r->t.ncols + 1) / 2 - 1;
}

static void header_texts(const struct report *r, char *unit, char *date, char *period, char *filler, char *phone,
			 size_t n)
{
	char a[40], b[40];
	snprintf(unit, n, "填报单位：%s", r->unit);
	snprintf(date, n, "%s：%s", r->t.date_label, r->date);
	snprintf(period, n, "统计时段：%s 至 %s", time_format(r->since, TIME_FULL, a, sizeof a),
		 time_format(r->shown_until, TIME_FULL, b, sizeof b));
	snprintf(filler, n, "填报人：%s", r->filler);
	snprintf(phone, n, "联系电话：%s", r->phone);
}

/* --- files --------------------------------------------------------------- */

/* --- CSV --------------------------------------------------------------- */

/* One grid line: text at the given columns, the rest empty. */
static void csv_line(FILE *fp, int ncols, const char *a, int acol, const char *b, int bcol)
{
	for (int j = 0; j < ncols; j++)
		csv_write_cell(fp, j == acol ? a : (b && j == bcol) ? b : "", j == 0);
	fputs("\r\n", fp);
}

static void write_csv(const void *t, FILE *fp)
{
	const struct report *r = t;
	char unit[CELL_MAX], date[CELL_MAX], period[CELL_MAX], filler[CELL_MAX], phone[CELL_MAX], buf[CELL_MAX];
	header_texts(r, unit, date, period, filler, phone, CELL_MAX);
	int nc = r->t.ncols, half = left_end(r) + 1;
	csv_line(fp, nc, r->title, 0, NULL, 0);
	csv_line(fp, nc, unit, 0, date, half);
	csv_line(fp, nc, period, 0, NULL, 0);
	for (int j = 0; j < nc; j++)
		csv_write_cell(fp, col_title(r, j), j == 0);
	fputs("\r\n", fp);
	for (int i = 0; i < r->t.nrows; i++) {
		for (int j = 0; j < nc; j++)
			csv_write_cell(fp, cell(r, i, j, buf, sizeof buf), j == 0);
		fputs("\r\n", fp);
	}
	csv_line(fp, nc, filler, 0, phone, half);
	for (int k = 0; k < r->t.nfootnotes; k++)
		csv_line(fp, nc, r->footnotes[k], 0, NULL, 0);
}

/* --- Markdown ------------------------------------------------------------ */

void report_md_cell(FILE *fp, const char *s)
{
	fputs(" ", fp);
	for (const char *c = s; *c; c++) {
		if (*c == '|' || *c == '\\' || *c == '*' || *c == '_' || *c == '`')
			fputc('\\', fp);
		fputc(*c, fp);
	}
	fputs(" |", fp);
}

static void write_md(const void *t, FILE *fp)
{
	const struct report *r = t;
	char unit[CELL_MAX], date[CELL_MAX], period[CELL_MAX], filler[CELL_MAX], phone[CELL_MAX], buf[CELL_MAX];
	header_texts(r, unit, date, period, filler, phone, CELL_MAX);
	fprintf(fp, "# %s\n\n", r->title);
	/* Two trailing spaces: a line break inside the paragraph. */
	fprintf(fp, "%s　　%s  \n%s\n\n", unit, date, period);
	fputs("|", fp);
	for (int j = 0; j < r->t.ncols; j++)
		report_md_cell(fp, col_title(r, j));
	fputs("\n|", fp);
	for (int j = 0; j < r->t.ncols; j++)
		fputs(r->t.cols[j].field == RF_VALUE ? " ---: |" : " --- |", fp);
	fputs("\n", fp);
	for (int i = 0; i < r->t.nrows; i++) {
		fputs("|", fp);
		for (int j = 0; j < r->t.ncols; j++)
			report_md_cell(fp, cell(r, i, j, buf, sizeof buf));
		fputs("\n", fp);
	}
	fprintf(fp, "\n%s　　%s\n", filler, phone);
	for (int k = 0; k < r->t.nfootnotes; k++)
		fprintf(fp, "\n%s\n", r->footnotes[k]);
}

/* --- aligned text ---------------------------------------------------------- */

void report_pad(FILE *fp, int n)
{
	for (int i = 0; i < n; i++)
		fputc(' ', fp);
}

static void write_txt(const void *t, FILE *fp)
{
	const struct report *r = t;
	char unit[CELL_MAX], date[CELL_MAX], period[CELL_MAX], filler[CELL_MAX], phone[CELL_MAX], buf[CELL_MAX];
	header_texts(r, unit, date, period, filler, phone, CELL_MAX);
	int nc = r->t.ncols, w[16] = { 0 };
	for (int j = 0; j < nc; j++) {
		w[j] = text_width(col_title(r, j));
		for (int i = 0; i < r->t.nrows; i++) {
			int x = text_width(cell(r, i, j, buf, sizeof buf));
			if (x > w[j])
				w[j] = x;
		}
		if (w[j] < 2)
			w[j] = 2;
	}
	int total = 0;
	for (int j = 0; j < nc; j++)
		total += w[j] + (j ? 2 : 0);
	int tw = text_width(r->title);
	report_pad(fp, tw < total ? (total - tw) / 2 : 0);
	fprintf(fp, "%s\n", r->title);
	int uw = text_width(unit), dw = text_width(date);
	fprintf(fp, "%s", unit);
	report_pad(fp, uw + 4 + dw < total ? total - uw - dw : 4);
	fprintf(fp, "%s\n%s\n\n", date, period);
	for (int j = 0; j < nc; j++) {
		const char *t = col_title(r, j);
		fputs(j ? "  " : "", fp);
		fputs(t, fp);
		if (j < nc - 1)
			report_pad(fp, w[j] - text_width(t));
	}
	fputs("\n", fp);
	for (int j = 0; j < nc; j++) {
		fputs(j ? "  " : "", fp);
		for (int k = 0; k < w[j]; k++)
			fputc('-', fp);
	}
	fputs("\n", fp);
	for (int i = 0; i < r->t.nrows; i++) {
		/* Drop trailing blanks: find the last non-empty cell. */
		int last = 0;
		for (int j = 0; j < nc; j++)
			if (*cell(r, i, j, buf, sizeof buf))
				last = j;
		for (int j = 0; j <= last; j++) {
			const char *s = cell(r, i, j, buf, sizeof buf);
			int x = text_width(s);
			fputs(j ? "  " : "", fp);
			if (r->t.cols[j].field == RF_VALUE) {
				report_pad(fp, w[j] - x);
				fputs(s, fp);
			} else {
				fputs(s, fp);
				if (j < last)
					report_pad(fp, w[j] - x);
			}
		}
		fputs("\n", fp);
	}
	fprintf(fp, "\n%s    %s\n", filler, phone);
	for (int k = 0; k < r->t.nfootnotes; k++)
		fprintf(fp, "%s\n", r->footnotes[k]);
}

/* --- XLSX --------------------------------------------------------------- */

struct xfmt {
	lxw_format *title, *head, *head_left, *head_right, *th, *text, *center, *count, *wan, *number, *foot;
};

lxw_format *report_xlsx_format(lxw_workbook *wb, double size, bool bold, uint8_t align, bool border)
{
	lxw_format *f = workbook_add_format(wb);
	format_set_font_name(f, "宋体");
	format_set_font_size(f, size);
	if (bold)
		format_set_bold(f);
	format_set_align(f, align);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (border) {
		format_set_border(f, LXW_BORDER_THIN);
		format_set_text_wrap(f);
	}
	return f;
}

double report_xlsx_width(int cols)
{
	/* Display columns -> Excel width (one unit is about one '0'). */
	double w = cols * 1.1 + 2;
	return w < 6 ? 6 : w > 60 ? 60 : w;
}

/* Widen columns c0..c1 evenly until together they hold cols display
 * columns of text at scale times the body's size (a merged cell does not
 * grow by itself: its text is cut at the printed page's edge). */
static void fit_range(double *w, int c0, int c1, int cols, double scale)
{
	if (c1 < c0)
		return;
	double need = cols * 1.1 * scale + 2, have = 0;
	for (int j = c0; j <= c1; j++)
		have += w[j];
	if (have >= need)
		return;
	for (int j = c0; j <= c1; j++)
		w[j] += (need - have) / (c1 - c0 + 1);
}

lxw_error report_xlsx_merge(lxw_worksheet *ws, int row, int c0, int c1, const char *s, lxw_format *f)
{
	if (c1 > c0)
		return worksheet_merge_range(ws, (lxw_row_t)row, (lxw_col_t)c0, (lxw_row_t)row, (lxw_col_t)c1, s, f);
	return worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c0, s, f);
}

static lxw_error xlsx_value(lxw_worksheet *ws, int row, int col, const struct report_value *v, struct xfmt *x)
{
	switch (v->kind) {
	case RV_COUNT:
		return worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)v->n, x->count);
	case RV_WAN:
		return worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)v->n / 100.0, x->wan);
	case RV_NUMBER:
		return worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, strtod(v->text, NULL), x->number);
	case RV_TEXT:
		return worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, v->text, x->center);
	default:
		return worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, x->center);
	}
}

static int write_xlsx(const void *t, const char *file, struct zs_error *err)
{
	const struct report *r = t;
	lxw_worksheet *ws;
	lxw_workbook *wb = report_xlsx_new(file, r->title, r->filler, r->unit, "统计表", &ws, err);
	if (!wb)
		return ZS_EFAIL;
	struct xfmt x = {
		.title = report_xlsx_format(wb, 16, true, LXW_ALIGN_CENTER, false),
		.head_left = report_xlsx_format(wb, 11, false, LXW_ALIGN_LEFT, false),
		.head_right = report_xlsx_format(wb, 11, false, LXW_ALIGN_RIGHT, false),
		.th = report_xlsx_format(wb, 11, true, LXW_ALIGN_CENTER, true),
		.text = report_xlsx_format(wb, 11, false, LXW_ALIGN_LEFT, true),
		.center = report_xlsx_format(wb, 11, false, LXW_ALIGN_CENTER, true),
		.count = report_xlsx_format(wb, 11, false, LXW_ALIGN_CENTER, true),
		.wan = report_xlsx_format(wb, 11, false, LXW_ALIGN_CENTER, true),
		.number = report_xlsx_format(wb, 11, false, LXW_ALIGN_CENTER, true),
		.foot = report_xlsx_format(wb, 10, false, LXW_ALIGN_LEFT, false),
	};
	format_set_num_format(x.count, "0");
	format_set_num_format(x.wan, "0.00");
	format_set_text_wrap(x.foot);
	format_set_align(x.foot, LXW_ALIGN_VERTICAL_TOP);

	char unit[CELL_MAX], date[CELL_MAX], period[CELL_MAX], filler[CELL_MAX], phone[CELL_MAX], buf[CELL_MAX];
	header_texts(r, unit, date, period, filler, phone, CELL_MAX);
	int nc = r->t.ncols, last = nc - 1, half = left_end(r);
	lxw_error e = LXW_NO_ERROR;
	int row = 0;
#define X(call) do { lxw_error e_ = (call); if (e_ && !e) e = e_; } while (0)
	X(report_xlsx_merge(ws, row, 0, last, r->title, x.title));
	X(worksheet_set_row(ws, (lxw_row_t)row, 32, NULL));
	row++;
	X(report_xlsx_merge(ws, row, 0, half, unit, x.head_left));
	X(report_xlsx_merge(ws, row, half + 1, last, date, x.head_right));
	row++;
	X(report_xlsx_merge(ws, row, 0, last, period, x.head_left));
	row++;
	/* Column titles: a run of equal titles is one merged cell. */
	for (int j = 0; j < nc;) {
		int k = j;
		while (k + 1 < nc && !strcmp(r->t.cols[k + 1].title, r->t.cols[j].title))
			k++;
		X(report_xlsx_merge(ws, row, j, k, r->t.cols[j].title, x.th));
		j = k + 1;
	}
	X(worksheet_set_row(ws, (lxw_row_t)row, 22, NULL));
	row++;
	for (int i = 0; i < r->t.nrows; i++, row++) {
		for (int j = 0; j < nc; j++) {
			enum report_field f = r->t.cols[j].field;
			if (f == RF_VALUE) {
				X(xlsx_value(ws, row, j, &r->values[i], &x));
			} else if (f == RF_NO || f == RF_SECTION) {
				if (!first_of_group(r, i))
					continue;
				int n = group_len(r, i);
				const char *s = cell(r, i, j, buf, sizeof buf);
				if (n > 1)
					X(worksheet_merge_range(ws, (lxw_row_t)row, (lxw_col_t)j, (lxw_row_t)(row + n - 1),
								(lxw_col_t)j, s, x.center));
				/* merge_range writes text: 序号 stays a number. */
				if (f == RF_NO)
					X(worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)j, r->t.rows[i].no, x.center));
				else if (n == 1)
					X(worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, s, x.center));
			} else {
				const char *s = cell(r, i, j, buf, sizeof buf);
				X(worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, s,
							 f == RF_LABEL ? x.text : x.center));
			}
		}
		X(worksheet_set_row(ws, (lxw_row_t)row, 20, NULL));
	}
	X(report_xlsx_merge(ws, row, 0, half, filler, x.head_left));
	X(report_xlsx_merge(ws, row, half + 1, last, phone, x.head_left));
	X(worksheet_set_row(ws, (lxw_row_t)row, 24, NULL));
	row++;

	/* Widths that fit the Chinese labels, then wide enough that every
	 * merged header and footer line holds its text (the title at its 16
	 * points against the body's 11). */
	double w[nc > 0 ? nc : 1], total = 0;
	for (int j = 0; j < nc; j++) {
		int cw = text_width(col_title(r, j));
		for (int i = 0; i < r->t.nrows; i++) {
			int x2 = text_width(cell(r, i, j, buf, sizeof buf));
			if (x2 > cw)
				cw = x2;
		}
		w[j] = report_xlsx_width(cw);
	}
	fit_range(w, 0, last, text_width(r->title), 16.0 / 11.0);
	fit_range(w, 0, half, text_width(unit), 1);
	fit_range(w, half + 1, last, text_width(date), 1);
	fit_range(w, 0, last, text_width(period), 1);
	fit_range(w, 0, half, text_width(filler), 1);
	fit_range(w, half + 1, last, text_width(phone), 1);
	for (int j = 0; j < nc; j++) {
		total += w[j];
		X(worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, w[j], NULL));
	}
	X(report_xlsx_notes(ws, row, last, r->footnotes, r->t.nfootnotes, total, x.foot));
#undef X
	return report_xlsx_close(wb, ws, false, e, err);
}

lxw_workbook *report_xlsx_new(const char *file, const char *title, const char *author, const char *company,
			      const char *sheet, lxw_worksheet **ws, struct zs_error *err)
{
	lxw_workbook *wb = workbook_new(file);
	if (!wb) {
		zs_fail(err, ZS_EFAIL, TR("无法创建 XLSX 文件", "cannot create the XLSX file"));
		return NULL;
	}
	/* libxlsxwriter copies the properties; its struct just is not const. */
	lxw_doc_properties props = { .title = (char *)title, .author = (char *)author, .company = (char *)company,
				     .comments = "zhishou" };
	workbook_set_properties(wb, &props);
	*ws = workbook_add_worksheet(wb, sheet);
	return wb;
}

lxw_error report_xlsx_notes(lxw_worksheet *ws, int row, int last, char *const *notes, int n, double width,
			    lxw_format *f)
{
	lxw_error e = LXW_NO_ERROR;
	for (int k = 0; k < n; k++, row++) {
		lxw_error e1 = report_xlsx_merge(ws, row, 0, last, notes[k], f);
		/* Tall enough for the lines the note wraps to across the table. */
		int lines = (int)(text_width(notes[k]) * 1.1 / (width > 1 ? width : 1)) + 1;
		lxw_error e2 = worksheet_set_row(ws, (lxw_row_t)row, 15.0 * lines, NULL);
		if (!e)
			e = e1 ? e1 : e2;
	}
	return e;
}

int report_xlsx_close(lxw_workbook *wb, lxw_worksheet *ws, bool landscape, lxw_error e, struct zs_error *err)
{
	worksheet_set_paper(ws, 9);   /* A4 */
	if (landscape)
		worksheet_set_landscape(ws);
	else
		worksheet_set_portrait(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_center_horizontally(ws);
	worksheet_set_margins(ws, 0.6, 0.6, 0.75, 0.75);
	lxw_error ce = workbook_close(wb);   /* writes the file and frees wb */
	if (e || ce)
		return zs_fail(err, ZS_EFAIL, TR("XLSX 写入失败：%s", "could not write the XLSX: %s"),
			       lxw_strerror(e ? e : ce));
	return ZS_OK;
}

/* --- entry ------------------------------------------------------------- */

static const struct report_writers writers = { write_csv, write_md, write_txt, write_xlsx };

int report_write(const struct report *r, enum report_format f, const char *path, FILE *fp, struct zs_error *err)
{
	return report_write_via(r, f, path, fp, &writers, err);
}

/* The text writer for f. */
static report_text_fn text_writer(const struct report_writers *w, enum report_format f)
{
	return f == REPORT_CSV ? w->csv : f == REPORT_MD ? w->md : w->txt;
}

int report_write_via(const void *t, enum report_format f, const char *path, FILE *fp,
		     const struct report_writers *w, struct zs_error *err)
{
	if (!path) {
		if (f == REPORT_XLSX)
			return zs_fail(err, ZS_EINPUT, TR("XLSX 要用 -o 指定输出文件", "xlsx needs -o FILE"));
		text_writer(w, f)(t, fp);
		return ZS_OK;
	}
	struct fs_tmpfile tmp;
	/* Counts, business names and the filler's own name: no caller's data,
	 * so the file is shared as any new file would be. */
	int rc = fs_tmp_create(path, FS_SHARED, NULL, &tmp, err);
	if (rc)
		return rc;
	if (f == REPORT_XLSX) {
		/* libxlsxwriter writes the file by name at workbook_close. */
		close(tmp.fd);
		tmp.fd = -1;
		rc = w->xlsx(t, tmp.path, err);
	} else {
		FILE *out = fdopen(tmp.fd, "w");
		if (!out) {
			rc = zs_fail(err, ZS_EFAIL, TR("无法写入 %s：%s", "cannot write %s: %s"), path, strerror(errno));
		} else {
			tmp.fd = -1;
			if (f == REPORT_CSV)
				csv_write_bom(out);   /* the file rule of csvfile.h: a file has it, stdout not */
			text_writer(w, f)(t, out);
			bool bad = ferror(out);
			int e = errno;
			if (fclose(out) != 0 && !bad) {
				bad = true;
				e = errno;
			}
			if (bad)
				rc = zs_fail(err, ZS_EFAIL, TR("无法写入 %s：%s", "cannot write %s: %s"), path, strerror(e));
		}
	}
	if (rc) {
		fs_tmp_discard(&tmp);
		return rc;
	}
	return fs_tmp_commit(&tmp, path, err);
}
