/* The night's intakes as XLSX or CSV, masked unless asked otherwise. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "zhishou/codes.h"
#include "zhishou/config.h"
#include "zhishou/csvfile.h"
#include "zhishou/export.h"
#include "zhishou/fsutil.h"
#include "zhishou/i18n.h"
#include "zhishou/intake.h"
#include "zhishou/member.h"
#include "zhishou/platform.h"
#include "zhishou/store_entity.h"
#include "zhishou/store.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/validate.h"

/* Column headers (Chinese: the sheet goes to Chinese offices) and widths
 * in display columns. */
struct col {
	const char *title;
	int width;
};
static const struct col cols[] = {
	{ "编号", 8 }, { "受理时间", 17 }, { "渠道", 11 }, { "类别", 6 }, { "来电人", 10 },
	{ "来电号码", 14 }, { "被投诉主体", 24 }, { "统一社会信用代码", 20 }, { "分类", 10 },
	{ "内容摘要", 48 }, { "工单号", 18 }, { "关联曝光", 24 }, { "处理方式", 10 }, { "转办单位", 16 },
	{ "状态", 8 }, { "调解结果", 10 }, { "挽回经济损失（元）", 12 }, { "12315平台编号", 22 }, { "备注", 40 },
};
enum { NCOLS = sizeof cols / sizeof cols[0], COL_ID = 0, COL_MONEY = 16 };

/* --platform-order: the 12315 platform's complaint form in its order (who
 * complains, how to reach them, the business and where it is, when, what
 * about, what), then where it came from, so entry goes field by field.
 * The form's 事发时间 is not recorded on the night: 受理时间 stands in,
 * named as what it is; 地址 is the register's 住所 for the USCC. */
static const struct col platform_cols[] = {
	{ "编号", 8 }, { "类别", 6 }, { "投诉人（举报人）", 12 }, { "联系电话", 14 }, { "被投诉主体", 24 },
	{ "统一社会信用代码", 20 }, { "地址", 30 }, { "受理时间", 17 }, { "分类", 10 }, { "内容", 60 },
	{ "渠道", 11 }, { "工单号", 18 },
};
enum { NPCOLS = sizeof platform_cols / sizeof platform_cols[0] };
/* A cell's own text: a business's name in "转交 …（ODR）" fits. */
enum { CELL = 400 };

struct writer {
	const struct export_params *p;
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *money;
	int64_t rows;
	bool failed;
	struct zs_ctx *c;
	int64_t total;   /* rows to write, for the progress line (0: unknown) */
	const struct col *cols;   /* cols or platform_cols */
	int ncols, money_col;     /* the money column, -1 none */
};

static void caller_cells(const struct intake *i, bool pii, char name[CELL], char phone[CELL], const char **vn,
			 const char **vp);

/* The cells of one intake as text, masked unless with_pii. */
static void cells(const struct intake *i, bool pii, char out[NCOLS][CELL], const char *v[NCOLS])
{
	snprintf(out[0], CELL, "%lld", (long long)i->id);
	v[0] = out[0];
	v[1] = time_format(i->received_at, TIME_FULL, out[1], CELL);
	v[2] = vocab_label(&vocab_channel, i->channel);
	v[3] = vocab_label(&vocab_kind, i->kind);
	caller_cells(i, pii, out[4], out[5], &v[4], &v[5]);
	v[6] = i->subject;
	v[7] = i->uscc;
	v[8] = *i->category ? vocab_label(&vocab_category, i->category) : "";
	v[9] = i->summary;
	v[10] = i->ref;
	v[11] = i->exposure_title ? i->exposure_title : "";
	v[12] = *i->handling ? vocab_label(&vocab_handling, i->handling) : "";
	v[13] = intake_handler(i, out[13], CELL);
	v[14] = vocab_label(&vocab_status, i->status);
	v[15] = *i->outcome ? vocab_label(&vocab_outcome, i->outcome) : "";
	snprintf(out[COL_MONEY], CELL, "%lld.%02lld", (long long)(i->recovered_fen / 100), (long long)(i->recovered_fen % 100));
	v[COL_MONEY] = i->recovered_fen ? out[COL_MONEY] : "";
	v[17] = i->platform_no;
	v[18] = i->notes;
}

/* The caller's name and phone as the export may hold them. */
static void caller_cells(const struct intake *i, bool pii, char name[CELL], char phone[CELL], const char **vn,
			 const char **vp)
{
	if (i->confidential) {
		/* A confidential tip-giver is never exported, --with-pii or not. */
		*vn = "（保密）";
		*vp = "";
	} else if (pii) {
		*vn = i->caller;
		*vp = i->phone;
	} else {
		name_mask(i->caller, name, CELL);
		phone_mask(i->phone, phone, CELL);
		*vn = name;
		*vp = *i->phone ? phone : "";
	}
}

/* The cells in the platform's order; the address from the register. */
static void platform_cells(struct zs_ctx *c, const struct intake *i, bool pii, char out[NCOLS][CELL],
			   const char *v[NCOLS])
{
	snprintf(out[0], CELL, "%lld", (long long)i->id);
	v[0] = out[0];
	v[1] = vocab_label(&vocab_kind, i->kind);
	caller_cells(i, pii, out[2], out[3], &v[2], &v[3]);
	v[4] = i->subject;
	v[5] = i->uscc;
	out[6][0] = '\0';
	struct entity e = { 0 };
	struct zs_error ignored = { 0 };
	if (*i->uscc && store_entity_get(c->st, i->uscc, &e, &ignored) == ZS_OK && e.address)
		snprintf(out[6], CELL, "%s", e.address);
	entity_clear(&e);
	v[6] = out[6];
	v[7] = time_format(i->received_at, TIME_FULL, out[7], CELL);
	v[8] = *i->category ? vocab_label(&vocab_category, i->category) : "";
	v[9] = i->summary;
	v[10] = vocab_label(&vocab_channel, i->channel);
	v[11] = i->ref;
}

static int count_cb(const char *channel, const char *kind, const char *status, bool linked, int64_t n, void *ud)
{
	(void)channel;
	(void)kind;
	(void)status;
	(void)linked;
	*(int64_t *)ud += n;
	return 0;
}

static int row_cb(const struct intake *i, void *ud)
{
	struct writer *w = ud;
	if (w->p->not_on_platform && !platform_pending(i))
		return 0;
	char buf[NCOLS][CELL];
	const char *v[NCOLS];
	if (w->p->platform_order)
		platform_cells(w->c, i, w->p->with_pii, buf, v);
	else
		cells(i, w->p->with_pii, buf, v);
	if (w->csv) {
		for (int j = 0; j < w->ncols; j++)
			csv_write_cell(w->csv, v[j], j == 0);
		fputs("\r\n", w->csv);
		w->failed |= ferror(w->csv) != 0;
	} else {
		lxw_row_t r = (lxw_row_t)(w->rows + 1);
		lxw_error e = worksheet_write_number(w->ws, r, COL_ID, (double)i->id, NULL);
		for (int j = 1; j < w->ncols && !e; j++) {
			if (j == w->money_col && i->recovered_fen)
				e = worksheet_write_number(w->ws, r, j, (double)i->recovered_fen / 100.0, w->money);
			else if (*v[j])
				e = worksheet_write_string(w->ws, r, j, v[j], w->text);
		}
		w->failed |= e != LXW_NO_ERROR;
	}
	w->rows++;
	zs_progress(w->c, w->rows, w->total > 0 ? (double)w->rows / (double)w->total : -1);
	return w->failed ? ZS_EFAIL : 0;
}

static int audit(struct zs_ctx *c, const struct export_params *p, int64_t rows, struct zs_error *err)
{
	char a[40], b[40];
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:I}", "format", p->format == EXPORT_XLSX ? "xlsx" : "csv",
			      "file", p->path ? p->path : "(stdout)", "from", time_format(p->since, TIME_ISO, a, sizeof a),
			      "until", time_format(p->until, TIME_ISO, b, sizeof b), "with_pii", p->with_pii, "rows",
			      (json_int_t)rows);
	if (p->not_on_platform)
		json_object_set_new(o, "not_on_platform", json_true());
	char *after = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	int r = store_begin(c->st, err);
	r = r ? r : store_audit(c->st, "intake", 0, "export", p->with_pii ? "caller,phone" : "", "", after, err);
	r = r ? r : store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	free(after);
	return r;
}

int export_intakes(struct zs_ctx *c, const struct export_params *p, int64_t *rows, struct zs_error *err)
{
	*rows = 0;
	int rr_ = p->with_pii ? role_require(c, ROLE_ADMIN, "导出来电人信息（--with-pii）", "exporting callers' data (--with-pii)", err)
			      : role_require(c, ROLE_OPERATOR, "导出登记", "exporting intakes", err);
	if (rr_)
		return rr_;
	if (p->format == EXPORT_XLSX && !p->path)
		return zs_fail(err, ZS_EINPUT, "%s", TR("XLSX 要用 -o 指定文件", "XLSX needs -o FILE"));
	struct writer w = { .p = p, .c = c, .cols = cols, .ncols = NCOLS, .money_col = COL_MONEY };
	if (p->platform_order) {
		w.cols = platform_cols;
		w.ncols = NPCOLS;
		w.money_col = -1;
	}
	struct fs_tmpfile tmp = { .fd = -1 };
	int r = ZS_OK;
	/* Masked or not, an export holds callers' data (subjects, texts, and
	 * with --with-pii names and phones): private whatever the umask. */
	if (p->path && (r = fs_tmp_create(p->path, FS_PRIVATE, c->cfg ? c->cfg->db_group : NULL, &tmp, err)))
		return r;
	if (p->format == EXPORT_CSV) {
		w.csv = p->path ? fdopen(tmp.fd, "wb") : p->fp;
		if (!w.csv) {
			fs_tmp_discard(&tmp);
			return zs_fail(err, ZS_EFAIL, "fdopen failed");
		}
		if (p->path)
			tmp.fd = -1;   /* owned by the FILE now */
		if (p->path)
			csv_write_bom(w.csv);   /* a file for Excel/WPS; stdout gets none (csvfile.h) */
		for (int j = 0; j < w.ncols; j++)
			csv_write_cell(w.csv, w.cols[j].title, j == 0);
		fputs("\r\n", w.csv);
	} else {
		close(tmp.fd);
		tmp.fd = -1;
		lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
		w.wb = workbook_new_opt(tmp.path, &opt);
		w.ws = w.wb ? workbook_add_worksheet(w.wb, TR("登记", "intakes")) : NULL;
		if (!w.ws) {
			if (w.wb)
				workbook_close(w.wb);
			fs_tmp_discard(&tmp);
			return zs_fail(err, ZS_EFAIL, "%s", TR("无法创建 XLSX 文件", "cannot create the XLSX file"));
		}
		lxw_format *head = workbook_add_format(w.wb);
		format_set_bold(head);
		format_set_bg_color(head, 0xDDEBF7);
		format_set_border(head, LXW_BORDER_THIN);
		w.text = workbook_add_format(w.wb);
		format_set_text_wrap(w.text);
		format_set_align(w.text, LXW_ALIGN_VERTICAL_TOP);
		w.money = workbook_add_format(w.wb);
		format_set_num_format(w.money, "0.00");
		for (int j = 0; j < w.ncols; j++) {
			int tw = text_width(w.cols[j].title) + 2;
			worksheet_set_column(w.ws, j, j, (tw > w.cols[j].width ? tw : w.cols[j].width) * 1.1, NULL);
			worksheet_write_string(w.ws, 0, j, w.cols[j].title, head);
		}
		worksheet_freeze_panes(w.ws, 1, 0);
		worksheet_set_landscape(w.ws);
		worksheet_set_paper(w.ws, 9);   /* A4 */
		worksheet_repeat_rows(w.ws, 0, 0);
	}
	struct intake_filter f = { .since = p->since, .until = p->until, .not_on_platform = p->not_on_platform };
	/* How many, for the progress line only (from the covering index). */
	if (c->progress) {
		struct zs_error ignored = { 0 };
		store_intake_count_groups(c->st, p->since, p->until ? p->until : INT64_MAX, count_cb, &w.total, &ignored);
	}
	r = store_intake_each(c->st, &f, row_cb, &w, err);
	if (!r && w.failed)
		r = zs_fail(err, ZS_EFAIL, TR("写入导出文件出错", "error writing the export"));
	if (w.wb) {
		if (!r) {
			worksheet_autofilter(w.ws, 0, 0, (lxw_row_t)w.rows, (lxw_col_t)(w.ncols - 1));
		}
		lxw_error e = workbook_close(w.wb);
		if (!r && e != LXW_NO_ERROR)
			r = zs_fail(err, ZS_EFAIL, TR("无法写入 XLSX：%s", "cannot write the XLSX: %s"), lxw_strerror(e));
	} else if (p->path) {
		if (fclose(w.csv) != 0 && !r)
			r = zs_fail(err, ZS_EFAIL, TR("写入导出文件出错", "error writing the export"));
	}
	if (p->path) {
		if (r)
			fs_tmp_discard(&tmp);
		else
			r = fs_tmp_commit(&tmp, p->path, err);
	}
	/* An export is recorded once it exists: with or without the callers'
	 * data, by whom, how many rows. */
	if (!r)
		r = audit(c, p, w.rows, err);
	*rows = w.rows;
	return r;
}
