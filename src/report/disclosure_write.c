/* The complaint disclosure on paper, with the statistics report's writers
 * (report_internal.h): XLSX through libxlsxwriter, CSV through the one CSV
 * cell writer, Markdown and aligned text, each file written beside its
 * destination and renamed over it once complete.
 *
 * Every format has the same grid, top to bottom: the title, the period,
 * the column titles, one line per business, the footnotes (the rules). */
#include <stdio.h>
#include <string.h>

#include "zhishou/csvfile.h"
#include "zhishou/disclosure.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "report_internal.h"

enum { COL_NO, COL_NAME, COL_USCC, COL_ODR, COL_COMPLAINTS, COL_MEDIATED, COL_SUCCEEDED, COL_RATE, COL_YUAN, NCOLS };

static const char *const titles[NCOLS] = {
	"序号", "被投诉主体名称", "统一社会信用代码", "ODR企业", "被投诉总次数", "调解次数", "调解成功次数", "调解成功率",
	"挽回经济损失（元）",
};

#define CELL_MAX 512

/* The text of row i, column j. */
static const char *cell(const struct disclosure *d, int i, int j, char *buf, size_t n)
{
	const struct disclosure_row *r = &d->rows[i];
	switch (j) {
	case COL_NO: snprintf(buf, n, "%d", i + 1); return buf;
	case COL_NAME: return r->name;
	case COL_USCC: return r->uscc;
	case COL_ODR: return r->odr ? "是" : "否";
	case COL_COMPLAINTS: snprintf(buf, n, "%lld", (long long)r->complaints); return buf;
	case COL_MEDIATED: snprintf(buf, n, "%lld", (long long)r->mediated); return buf;
	case COL_SUCCEEDED: snprintf(buf, n, "%lld", (long long)r->succeeded); return buf;
	case COL_RATE: return disclosure_rate_text(r, buf, n);
	default: return disclosure_yuan_text(r->recovered_fen, buf, n);
	}
}

static bool numeric(int j)
{
	return j >= COL_COMPLAINTS;
}

/* --- CSV ------------------------------------------------------------------ */

static void csv_row(FILE *fp, const char *first)
{
	for (int j = 0; j < NCOLS; j++)
		csv_write_cell(fp, j ? "" : first, j == 0);
	fputs("\r\n", fp);
}

static void write_csv(const void *t, FILE *fp)
{
	const struct disclosure *d = t;
	char buf[CELL_MAX];
	csv_row(fp, d->title);
	csv_row(fp, d->period);
	for (int j = 0; j < NCOLS; j++)
		csv_write_cell(fp, titles[j], j == 0);
	fputs("\r\n", fp);
	for (int i = 0; i < d->nrows; i++) {
		for (int j = 0; j < NCOLS; j++)
			csv_write_cell(fp, cell(d, i, j, buf, sizeof buf), j == 0);
		fputs("\r\n", fp);
	}
	for (int k = 0; k < DISCLOSURE_NOTES; k++)
		csv_row(fp, d->notes[k]);
}

/* --- Markdown ------------------------------------------------------------- */

static void write_md(const void *t, FILE *fp)
{
	const struct disclosure *d = t;
	char buf[CELL_MAX];
	fprintf(fp, "# %s\n\n%s\n\n|", d->title, d->period);
	for (int j = 0; j < NCOLS; j++)
		report_md_cell(fp, titles[j]);
	fputs("\n|", fp);
	for (int j = 0; j < NCOLS; j++)
		fputs(numeric(j) ? " ---: |" : " --- |", fp);
	fputs("\n", fp);
	for (int i = 0; i < d->nrows; i++) {
		fputs("|", fp);
		for (int j = 0; j < NCOLS; j++)
			report_md_cell(fp, cell(d, i, j, buf, sizeof buf));
		fputs("\n", fp);
	}
	for (int k = 0; k < DISCLOSURE_NOTES; k++)
		fprintf(fp, "\n%s\n", d->notes[k]);
}

/* --- aligned text --------------------------------------------------------- */

static void write_txt(const void *t, FILE *fp)
{
	const struct disclosure *d = t;
	char buf[CELL_MAX];
	int w[NCOLS], total = 0;
	for (int j = 0; j < NCOLS; j++) {
		w[j] = text_width(titles[j]);
		for (int i = 0; i < d->nrows; i++) {
			int x = text_width(cell(d, i, j, buf, sizeof buf));
			if (x > w[j])
				w[j] = x;
		}
		total += w[j] + (j ? 2 : 0);
	}
	int tw = text_width(d->title);
	report_pad(fp, tw < total ? (total - tw) / 2 : 0);
	fprintf(fp, "%s\n%s\n\n", d->title, d->period);
	for (int j = 0; j < NCOLS; j++) {
		fputs(j ? "  " : "", fp);
		fputs(titles[j], fp);
		if (j < NCOLS - 1)
			report_pad(fp, w[j] - text_width(titles[j]));
	}
	fputs("\n", fp);
	for (int j = 0; j < NCOLS; j++) {
		fputs(j ? "  " : "", fp);
		for (int k = 0; k < w[j]; k++)
			fputc('-', fp);
	}
	fputs("\n", fp);
	for (int i = 0; i < d->nrows; i++) {
		for (int j = 0; j < NCOLS; j++) {
			const char *s = cell(d, i, j, buf, sizeof buf);
			int x = text_width(s);
			fputs(j ? "  " : "", fp);
			if (numeric(j))
				report_pad(fp, w[j] - x);
			fputs(s, fp);
			if (!numeric(j))
				report_pad(fp, w[j] - x);
		}
		fputs("\n", fp);
	}
	if (!d->nrows)
		fprintf(fp, "%s\n", "（统计时段内没有被投诉的经营者）");
	fputs("\n", fp);
	for (int k = 0; k < DISCLOSURE_NOTES; k++)
		fprintf(fp, "%s\n", d->notes[k]);
}

/* --- XLSX ----------------------------------------------------------------- */

static int write_xlsx(const void *t, const char *file, struct zs_error *err)
{
	const struct disclosure *d = t;
	lxw_worksheet *ws;
	lxw_workbook *wb = report_xlsx_new(file, d->title, NULL, NULL, "消费投诉公示", &ws, err);
	if (!wb)
		return ZS_EFAIL;
	lxw_format *title = report_xlsx_format(wb, 16, true, LXW_ALIGN_CENTER, false),
		   *head = report_xlsx_format(wb, 11, false, LXW_ALIGN_LEFT, false),
		   *th = report_xlsx_format(wb, 11, true, LXW_ALIGN_CENTER, true),
		   *text = report_xlsx_format(wb, 11, false, LXW_ALIGN_LEFT, true),
		   *count = report_xlsx_format(wb, 11, false, LXW_ALIGN_CENTER, true),
		   *yuan = report_xlsx_format(wb, 11, false, LXW_ALIGN_CENTER, true),
		   *rate = report_xlsx_format(wb, 11, false, LXW_ALIGN_CENTER, true),
		   *foot = report_xlsx_format(wb, 10, false, LXW_ALIGN_LEFT, false);
	format_set_num_format(count, "0");
	format_set_num_format(yuan, "0.00");
	format_set_num_format(rate, "0.0%");
	format_set_text_wrap(foot);
	format_set_align(foot, LXW_ALIGN_VERTICAL_TOP);
	char buf[CELL_MAX];
	lxw_error e = LXW_NO_ERROR;
	int row = 0, last = NCOLS - 1;
#define X(call) do { lxw_error e_ = (call); if (e_ && !e) e = e_; } while (0)
	X(report_xlsx_merge(ws, row, 0, last, d->title, title));
	X(worksheet_set_row(ws, (lxw_row_t)row++, 32, NULL));
	X(report_xlsx_merge(ws, row++, 0, last, d->period, head));
	for (int j = 0; j < NCOLS; j++)
		X(worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, titles[j], th));
	X(worksheet_set_row(ws, (lxw_row_t)row++, 22, NULL));
	for (int i = 0; i < d->nrows; i++, row++) {
		const struct disclosure_row *r = &d->rows[i];
		const int64_t n[] = { i + 1, 0, 0, 0, r->complaints, r->mediated, r->succeeded };
		for (int j = 0; j < NCOLS; j++) {
			lxw_row_t rr = (lxw_row_t)row;
			lxw_col_t cc = (lxw_col_t)j;
			if (j == COL_RATE && r->mediated)
				X(worksheet_write_number(ws, rr, cc, (double)disclosure_rate_permille(r) / 1000.0, rate));
			else if (j == COL_YUAN)
				X(worksheet_write_number(ws, rr, cc, (double)r->recovered_fen / 100.0, yuan));
			else if (j == COL_NO || (numeric(j) && j != COL_RATE))
				X(worksheet_write_number(ws, rr, cc, (double)n[j], count));
			else
				X(worksheet_write_string(ws, rr, cc, cell(d, i, j, buf, sizeof buf),
							 j == COL_NAME ? text : count));
		}
	}
	double total = 0;
	for (int j = 0; j < NCOLS; j++) {
		int cw = text_width(titles[j]);
		for (int i = 0; i < d->nrows; i++) {
			int x = text_width(cell(d, i, j, buf, sizeof buf));
			if (x > cw)
				cw = x;
		}
		double w = report_xlsx_width(cw);
		total += w;
		X(worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, w, NULL));
	}
	X(report_xlsx_notes(ws, row, last, d->notes, DISCLOSURE_NOTES, total, foot));
#undef X
	worksheet_repeat_rows(ws, 2, 2);   /* the column titles on every page */
	return report_xlsx_close(wb, ws, true, e, err);
}

/* --- entry ---------------------------------------------------------------- */

static const struct report_writers writers = { write_csv, write_md, write_txt, write_xlsx };

int disclosure_write(const struct disclosure *d, enum report_format f, const char *path, FILE *fp,
		     struct zs_error *err)
{
	return report_write_via(d, f, path, fp, &writers, err);
}
