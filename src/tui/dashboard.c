/* The dashboard: header and clocks, counters, the escalation board, the
 * live log and who is on duty.  Reads through core/store, never SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/member.h"
#include "zhishou/codes.h"
#include "zhishou/exposure.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

#define MAX_EXPOSURES 64
#define MAX_LOG 256
#define MAX_DUTY 96
#define FRESH_SECONDS 8    /* how long a just-arrived entry stays marked */

struct log_row {
	int64_t id, at, exposure_id;
	char channel[20], kind[12], status[16];
	char subject[160], summary[320];
};

enum pane { PANE_BOARD, PANE_LOG, PANE_DUTY, PANE_N };

struct dashboard {
	/* the board as core built it: counters, open exposures, duty now */
	struct board_snapshot snap;
	struct board_tally *tally;   /* tonight's counters, kept from what changed */
	int nexp, exp_sel, exp_top;
	struct log_row log[MAX_LOG];
	int nlog, log_sel;
	int64_t top_id;          /* 0: following the newest; else the id shown first */
	int64_t newest_id;       /* newest id in the database at the last load */
	int64_t seen_newest;     /* newest id when the user scrolled away */
	struct { int64_t id, at; } fresh[64];
	int nfresh;
	struct tui_write stamp;  /* E: the exposure being logged, until its add is known */
	int nduty;
	enum pane focus;
	int log_rows;            /* rows the log pane had at the last paint */
	bool loaded;
};

extern const struct key_table dash_key_table;

struct dashboard *dashboard_new(struct tui *t)
{
	(void)t;
	struct dashboard *d = calloc(1, sizeof(struct dashboard));
	if (d && !(d->tally = board_tally_new())) {
		free(d);
		d = NULL;
	}
	return d;
}

void dashboard_free(struct dashboard *d)
{
	if (d) {
		board_snapshot_clear(&d->snap);
		board_tally_free(d->tally);
	}
	free(d);
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int log_cb(const struct intake *i, void *ud)
{
	struct dashboard *d = ud;
	if (d->nlog >= MAX_LOG)
		return ZS_STOP;
	struct log_row *r = &d->log[d->nlog++];
	r->id = i->id;
	r->at = i->received_at;
	r->exposure_id = i->exposure_id;
	copy(r->channel, sizeof r->channel, i->channel);
	copy(r->kind, sizeof r->kind, i->kind);
	copy(r->status, sizeof r->status, i->status);
	copy(r->subject, sizeof r->subject, i->subject);
	copy(r->summary, sizeof r->summary, i->summary);
	return 0;
}

static int newest_cb(const struct intake *i, void *ud)
{
	*(int64_t *)ud = i->id;
	return ZS_STOP;   /* one row is all it asks for: not a failure */
}

static bool is_fresh(struct tui *t, struct dashboard *d, int64_t id)
{
	for (int i = 0; i < d->nfresh; i++)
		if (d->fresh[i].id == id)
			return time_now() - d->fresh[i].at < FRESH_SECONDS;
	(void)t;
	return false;
}

/* A failed read leaves the last picture on the screen: say so, or an
 * operator would take a stale board for a quiet night. */
static void say_load_error(struct tui *t, const struct zs_error *err)
{
	if (err->code)
		tui_message(t, true, TR("刷新失败，屏幕上的内容可能不是最新的：%s", "refresh failed, what is shown may be out of date: %s"),
			    err->msg);
}

/* Keeps the first of several errors. */
static void keep_first(struct zs_error *first, const struct zs_error *err)
{
	if (err->code && !first->code)
		*first = *err;
}

static int load_log(struct tui *t, struct dashboard *d, struct zs_error *first)
{
	struct zs_error err = { 0 };
	int want = d->log_rows > 0 ? d->log_rows : 40;
	if (want > MAX_LOG)
		want = MAX_LOG;
	struct intake_filter f = { .limit = want, .before_id = d->top_id ? d->top_id + 1 : 0 };
	d->nlog = 0;
	intake_list(t->c, &f, log_cb, d, &err);
	keep_first(first, &err);
	/* Following the newest, the page's first row is the newest intake;
	 * only a scrolled-back view needs to ask for it separately. */
	int64_t newest = 0;
	if (!d->top_id) {
		newest = d->nlog ? d->log[0].id : 0;
	} else {
		struct intake_filter nf = { .limit = 1 };
		err.code = 0;
		intake_list(t->c, &nf, newest_cb, &newest, &err);
		keep_first(first, &err);
	}
	/* Mark what arrived since the last load, for a few seconds. */
	if (d->loaded && newest > d->newest_id) {
		int64_t first = d->newest_id + 1;
		if (newest - first > 63)
			first = newest - 63;
		for (int64_t id = first; id <= newest; id++) {
			int slot = d->nfresh < 64 ? d->nfresh++ : (int)(id % 64);
			d->fresh[slot].id = id;
			d->fresh[slot].at = time_now();
		}
	}
	d->newest_id = newest;
	return first->code;
}

static void reload_log(struct tui *t, struct dashboard *d)
{
	struct zs_error first = { 0 };
	load_log(t, d, &first);
	say_load_error(t, &first);
}

/* Each part is read even if another fails: show what can be shown (the
 * snapshot keeps the first error and the rest). */
static void load(struct tui *t, struct dashboard *d)
{
	struct zs_error first = { 0 }, err = { 0 };
	/* Kept as it is until the next load: no copy of each row. */
	board_snapshot_clear(&d->snap);
	if (board_snapshot_kept(t->c, d->tally, &d->snap, &err))
		keep_first(&first, &err);
	t->gala = d->snap.gala;
	d->nexp = d->snap.nexposures < MAX_EXPOSURES ? (int)d->snap.nexposures : MAX_EXPOSURES;
	if (d->exp_sel >= d->nexp)
		d->exp_sel = d->nexp ? d->nexp - 1 : 0;
	d->nduty = d->snap.nduty < MAX_DUTY ? (int)d->snap.nduty : MAX_DUTY;
	load_log(t, d, &first);
	say_load_error(t, &first);
	d->loaded = true;
}

static void on_data_changed(struct tui *t, void *self)
{
	load(t, self);
}

const struct board_snapshot *dashboard_snapshot(struct tui *t, struct dashboard *d)
{
	if (!d->loaded)
		load(t, d);
	return &d->snap;
}

static const char *level_short(int level)
{
	static const char *const zh[] = { "", "特大", "重大", "较大", "一般" };
	static const char *const en[] = { "", "L1", "L2", "L3", "L4" };
	return level >= 1 && level <= 4 ? TR(zh[level], en[level]) : "?";
}

static void paint_header(struct tui *t, struct dashboard *d)
{
	char left[512], right[256], clock[32], gala[256], dur[64];
	bool en = i18n_get() == LANG_EN;
	const struct board_gala *g = &t->gala;
	switch (g->phase) {
	case GALA_NONE:
		snprintf(gala, sizeof gala, "%s", TR("未设晚会时间", "no gala scheduled"));
		break;
	case GALA_BEFORE:
		snprintf(gala, sizeof gala, TR("%s 倒计时 %s", "%s in %s"), g->name,
			 time_format_duration(g->starts_at - t->c->now, en, dur, sizeof dur));
		break;
	case GALA_DURING:
		snprintf(gala, sizeof gala, TR("%s 已播 %s", "%s on air %s"), g->name,
			 time_format_duration(t->c->now - g->starts_at, en, dur, sizeof dur));
		break;
	case GALA_AFTER:
		snprintf(gala, sizeof gala, TR("%s 已结束", "%s ended"), g->name);
		break;
	}
	snprintf(left, sizeof left, " %s  %s", TR("值守台", "zhishou"), gala);
	/* The file's name, or a server's database's (its URI shown without
	 * its parameters, so never a user name or option). */
	const char *shown = db_path(t->c), *slash = strrchr(shown, '/');
	enum role role = (enum role)t->role;
	snprintf(right, sizeof right, "%s%s  %s·%s  %s ", time_format(t->c->now, TIME_SECONDS, clock, sizeof clock) + 11,
		 t->opt->demo_clock ? TR("（演示）", "(demo)") : "", t->opt->user,
		 role == ROLE_NONE ? TR("只读", "read-only") : role_label(role), slash ? slash + 1 : shown);
	int rw = text_width(right);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 0, t->cols - rw, left, C_HEADER);
	tui_text(t, 0, t->cols - rw, rw, right, C_HEADER);
	(void)d;
}

static void paint_counters(struct tui *t, struct dashboard *d)
{
	const struct board_counts *b = &d->snap.counts;
	char since[16], line[1024];
	time_format(d->snap.since, TIME_CLOCK, since, sizeof since);
	snprintf(line, sizeof line,
		 TR("%s起受理 %lld：投诉 %lld 举报 %lld 咨询 %lld │ 关联曝光 %lld │ 未结 %lld（历来 %lld）",
		    "since %s: %lld in: %lld complaints %lld tips %lld inquiries | linked %lld | open %lld (all %lld)"),
		 since, (long long)b->total, (long long)b->by_kind[0], (long long)b->by_kind[1], (long long)b->by_kind[2],
		 (long long)b->linked, (long long)b->unresolved, (long long)b->all_unresolved);
	if (t->ascii_lines)
		for (char *p; (p = strstr(line, "│"));) {
			*p = '|';
			memmove(p + 1, p + 3, strlen(p + 3) + 1);
		}
	tui_text(t, 1, 0, t->cols, line, C_NORMAL);
	size_t n = 0;
	line[0] = '\0';
	for (size_t i = 0; i < vocab_channel.n && n < sizeof line - 64; i++)
		if (b->by_channel[i])
			n += (size_t)snprintf(line + n, sizeof line - n, "%s%s %lld", n ? "  " : "",
					      vocab_label(&vocab_channel, vocab_channel.items[i].code), (long long)b->by_channel[i]);
	/* Alerts that did not reach the leaders' group must not go unnoticed. */
	char warn[160] = "";
	if (b->deliveries_failed || b->feed_quarantined) {
		if (b->deliveries_failed)
			snprintf(warn, sizeof warn, TR(" 提醒发送失败 %lld（o）", " %lld alerts failed (o)"),
				 (long long)b->deliveries_failed);
		else
			snprintf(warn, sizeof warn, TR(" 8890 隔离 %lld（o）", " 8890 quarantined %lld (o)"),
				 (long long)b->feed_quarantined);
	}
	int ww = text_width(warn);
	if (ww >= t->cols)
		ww = 0;
	tui_text(t, 2, 0, t->cols - ww, n ? line : TR("（尚无受理）", "(nothing received yet)"), C_DIM);
	if (ww)
		tui_text(t, 2, t->cols - ww, ww, warn, b->deliveries_failed ? C_OVERDUE : C_WARN);
}

/* The cell of a "#N" column wide enough for max_id: the number prompts
 * (link, duplicate) ask for is on every row at every width. */
static int id_cell_width(int64_t max_id)
{
	int digits = 1;
	for (int64_t v = max_id; v >= 10; v /= 10)
		digits++;
	return digits + 2;   /* '#' and the space after */
}

static int id_cell(struct tui *t, int y, int x, int w, int64_t id, enum tui_color c)
{
	char buf[32];
	snprintf(buf, sizeof buf, "#%lld", (long long)id);
	return tui_cell(t, y, x, w, buf, c);
}

/* Does any open exposure have a 批示?  Then the board keeps a line for the
 * selected one's. */
static bool has_instruction(const struct dashboard *d)
{
	for (int k = 0; k < d->nexp; k++)
		if (d->snap.exposures[k].last_instruction)
			return true;
	return false;
}

/* The opinion watch on the board's title line, after the title: open
 * opinions and the 重大 ones by title (red), cut to the room left; Y opens
 * them.  Returns where the line's free room starts. */
static int paint_opinions(struct tui *t, struct dashboard *d, int y, int x, int w)
{
	const struct board_snapshot *s = &d->snap;
	if (!s->opinions_open || x >= w - 8)
		return x - 3;
	char line[640], cut[640];
	size_t n = (size_t)snprintf(line, sizeof line, TR(" 舆情 %lld（y）", " opinions %lld (y)"), (long long)s->opinions_open);
	for (size_t i = 0; i < s->nopinions_major && n < sizeof line - 8; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", i ? TR("；", "; ") : TR(" 重大：", " major: "),
				      s->opinions_major[i].title);
	text_fit_cols(line, w - x - 2, false, cut, sizeof cut - 1);
	strcat(cut, " ");
	return x + tui_text(t, y, x, text_width(cut), cut, s->nopinions_major ? C_OVERDUE : C_DIM);
}

static void paint_board(struct tui *t, struct dashboard *d, int y, int h, int w)
{
	char title[256];
	if (d->snap.counts.exposures_overdue)
		snprintf(title, sizeof title, TR("晚会曝光问题（未结 %d，超时 %lld）", "Exposures (open %d, overdue %lld)"), d->nexp,
			 (long long)d->snap.counts.exposures_overdue);
	else
		snprintf(title, sizeof title, TR("晚会曝光问题（未结 %d）", "Exposures (open %d)"), d->nexp);
	tui_hline(t, y, 0, w);
	tui_text(t, y, 2, text_width(title) + 2, title, d->focus == PANE_BOARD ? C_HEADER : C_TITLE);
	int more_x = paint_opinions(t, d, y, 2 + text_width(title) + 3, w);
	if (!d->nexp) {
		tui_text(t, y + 1, 1, w - 1, TR("（暂无未结的曝光问题；按 e 登记）", "(no open exposures; press e to log one)"), C_DIM);
		return;
	}
	/* The latest 批示 of the selected exposure (the most urgent one until
	 * the leader picks another) on the pane's last line, when any has one. */
	bool strip = has_instruction(d);
	int rows = h - 1 - (strip && h > 2);
	if (strip && h > 2) {
		const struct board_exposure *b = &d->snap.exposures[d->exp_sel < d->nexp ? d->exp_sel : 0];
		char line[1024];
		if (b->last_instruction)
			snprintf(line, sizeof line, TR("#%lld 最新批示：%s", "#%lld latest instruction: %s"), (long long)b->e.id,
				 b->last_instruction);
		else
			snprintf(line, sizeof line, TR("#%lld 还没有批示", "#%lld: no instruction yet"), (long long)b->e.id);
		tui_text(t, y + h - 1, 1, w - 1, line, b->last_instruction ? C_TITLE : C_DIM);
	}
	/* More open problems than rows: say so, and where to find them. */
	if (d->nexp > rows) {
		char more[96];
		int below = d->nexp - rows - d->exp_top;
		snprintf(more, sizeof more, TR(" 还有 %d 项：Tab 选中后 ↑↓ 滚动 ", " %d more: Tab here, then arrows "), below > 0 ? below : d->nexp - rows);
		int mw = text_width(more);
		if (mw < w - more_x - 1)
			tui_text(t, y, w - mw - 1, mw, more, C_WARN);
	}
	if (d->exp_sel < d->exp_top)
		d->exp_top = d->exp_sel;
	if (d->exp_sel >= d->exp_top + rows)
		d->exp_top = d->exp_sel - rows + 1;
	/* A window grown (or a list shrunk) shows from the top again as far as
	 * the rows allow: no empty rows under the list while rows above it
	 * stay hidden; the selection stays in view. */
	if (d->exp_top > d->nexp - rows)
		d->exp_top = d->nexp > rows ? d->nexp - rows : 0;
	bool wide = w >= 110, en = i18n_get() == LANG_EN;
	int64_t max_id = 0;
	for (int k = 0; k < d->nexp; k++)
		if (d->snap.exposures[k].e.id > max_id)
			max_id = d->snap.exposures[k].e.id;
	int id_w = id_cell_width(max_id), lead_w = wide ? 17 : 0, local_w = 8, status_w = en ? 12 : 9;
	/* mark #id level time title local [lead] status linked left */
	int title_w = w - (1 + id_w + 5 + 6 + local_w + lead_w + status_w + 5 + 15);
	for (int k = 0; k < rows && d->exp_top + k < d->nexp; k++) {
		const struct exposure *e = &d->snap.exposures[d->exp_top + k].e;
		int yy = y + 1 + k, x = 0;
		/* The clock runs between reads: the state is taken now, by core's rule. */
		enum due_state due = due_state(e->deadline, t->c->now, DUE_WARN_SECONDS);
		bool overdue = due == DUE_OVERDUE;
		bool sel = d->focus == PANE_BOARD && d->exp_top + k == d->exp_sel;
		enum tui_color col = sel ? C_SELECTED : overdue ? C_OVERDUE : due == DUE_SOON ? C_WARN : C_NORMAL;
		char buf[128], left[64], dur[48];
		if (sel)
			tui_fill(t, yy, 0, w, C_SELECTED);
		/* Overdue is marked by a "!", due soon by a "*", as well as by colour
		 * (vt100, colour-blind). */
		x += tui_text(t, yy, x, 1, overdue ? "!" : due == DUE_SOON ? "*" : " ", col);
		x += id_cell(t, yy, x, id_w, e->id, col);
		x += tui_cell(t, yy, x, 5, level_short(e->level), col);
		x += tui_cell(t, yy, x, 6, time_format(e->aired_at, TIME_CLOCK, buf, sizeof buf), col);
		x += tui_cell(t, yy, x, title_w, e->title, col);
		x += tui_cell(t, yy, x, local_w, exposure_local_text(e, true, buf, sizeof buf), col);
		if (wide)
			x += tui_cell(t, yy, x, lead_w, *e->lead_unit ? e->lead_unit : TR("牵头未定", "no lead"), col);
		x += tui_cell(t, yy, x, status_w, vocab_label(&vocab_exposure_status, e->status), col);
		snprintf(buf, sizeof buf, "%lld", (long long)e->linked);
		x += tui_text_right(t, yy, x, 4, buf, col);
		x += tui_text(t, yy, x, 1, " ", col);
		if (overdue)
			snprintf(left, sizeof left, TR("超时%s", "late %s"), time_format_duration(t->c->now - e->deadline, en, dur, sizeof dur));
		else
			snprintf(left, sizeof left, TR("剩%s", "%s left"), time_format_duration(e->deadline - t->c->now, en, dur, sizeof dur));
		tui_text(t, yy, x, w - x, left, col);
	}
}

static void paint_log(struct tui *t, struct dashboard *d, int y, int h, int w)
{
	char title[256];
	int64_t above = d->top_id ? d->newest_id - d->seen_newest : 0;
	if (above > 0)
		snprintf(title, sizeof title, TR("受理登记  ↑ 上方有 %lld 条新登记（按 g 回到最新）", "Intake log  ↑ %lld new above (g: newest)"),
			 (long long)above);
	else
		snprintf(title, sizeof title, "%s", d->top_id ? TR("受理登记（已向下翻阅）", "Intake log (scrolled)") : TR("受理登记（最新在上）", "Intake log (newest first)"));
	tui_hline(t, y, 0, w);
	tui_text(t, y, 2, text_width(title) + 2, title, d->focus == PANE_LOG ? C_HEADER : C_TITLE);
	d->log_rows = h - 1;
	bool wide = w >= 110, en = i18n_get() == LANG_EN;
	int subj_w = wide ? 23 : 15, ch_w = en ? (wide ? 16 : 12) : (wide ? 12 : 10), kind_w = en ? 10 : 5;
	int status_w = en ? 13 : 9;
	/* As wide as the newest number: the columns stay put while paging. */
	int64_t max_id = d->newest_id;
	for (int k = 0; k < d->nlog; k++)
		if (d->log[k].id > max_id)
			max_id = d->log[k].id;
	int id_w = id_cell_width(max_id);
	for (int k = 0; k < h - 1 && k < d->nlog; k++) {
		const struct log_row *r = &d->log[k];
		int yy = y + 1 + k, x = 0;
		bool sel = d->focus == PANE_LOG && k == d->log_sel;
		bool fresh = is_fresh(t, d, r->id);
		enum tui_color col = sel ? C_SELECTED : fresh ? C_NEW : C_NORMAL;
		char buf[64];
		if (sel)
			tui_fill(t, yy, 0, w, C_SELECTED);
		x += tui_text(t, yy, x, 1, fresh ? "+" : " ", col);
		x += tui_cell(t, yy, x, 6, time_format(r->at, TIME_CLOCK, buf, sizeof buf), col);
		x += id_cell(t, yy, x, id_w, r->id, col);
		x += tui_cell(t, yy, x, ch_w, vocab_label(&vocab_channel, r->channel), col);
		x += tui_cell(t, yy, x, kind_w, vocab_label(&vocab_kind, r->kind), col);
		x += tui_cell(t, yy, x, subj_w, *r->subject ? r->subject : "—", col);
		x += tui_cell(t, yy, x, w - x - status_w, r->summary, col);
		tui_text(t, yy, x, status_w, vocab_label(&vocab_status, r->status),
			 sel ? C_SELECTED : strcmp(r->status, "new") ? col : C_TITLE);
	}
	if (!d->nlog)
		tui_text(t, y + 1, 1, w - 1, TR("（还没有登记；按 n 新登记）", "(no intakes yet; press n to log one)"), C_DIM);
}

static void paint_duty_column(struct tui *t, struct dashboard *d, int y, int h, int x0, int w)
{
	tui_hline(t, y, x0, w);
	tui_text(t, y, x0 + 2, 10, TR("正在值班", "On duty"), d->focus == PANE_DUTY ? C_HEADER : C_TITLE);
	int yy = y + 1;
	const char *unit = "";
	for (int i = 0; i < d->nduty && yy < y + h; i++) {
		const struct roster_entry *r = &d->snap.duty[i];
		if (strcmp(unit, r->unit)) {
			tui_text(t, yy++, x0 + 1, w - 1, r->unit, C_TITLE);
			unit = r->unit;
			if (yy >= y + h)
				break;
		}
		char line[256];
		snprintf(line, sizeof line, "%s%s %s", r->is_leader ? TR("带班 ", "lead ") : "     ", r->name, *r->mobile ? r->mobile : r->landline);
		tui_text(t, yy++, x0 + 2, w - 2, line, r->is_leader ? C_NORMAL : C_DIM);
	}
	if (!d->nduty)
		tui_text(t, yy, x0 + 1, w - 1, TR("（此刻没有排班）", "(nobody rostered now)"), C_DIM);
}

/* At 80 columns: the duty leaders of each unit on a few lines. */
static void paint_duty_lines(struct tui *t, struct dashboard *d, int y, int h)
{
	tui_hline(t, y, 0, t->cols);
	tui_text(t, y, 2, 18, TR("正在值班（带班）", "On duty (leaders)"), d->focus == PANE_DUTY ? C_HEADER : C_TITLE);
	char line[1024] = "";
	size_t n = 0;
	int yy = y + 1;
	for (int i = 0; i < d->nduty; i++) {
		const struct roster_entry *r = &d->snap.duty[i];
		if (!r->is_leader)
			continue;
		char item[256];
		snprintf(item, sizeof item, "%s %s %s", r->unit, r->name, *r->mobile ? r->mobile : r->landline);
		if (n && text_width(line) + 3 + text_width(item) > t->cols - 1) {
			if (yy >= y + h)
				break;
			tui_text(t, yy++, 1, t->cols - 1, line, C_NORMAL);
			n = 0;
			line[0] = '\0';
		}
		n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", n ? (t->ascii_lines ? " | " : " │ ") : "", item);
	}
	if (n && yy < y + h)
		tui_text(t, yy, 1, t->cols - 1, line, C_NORMAL);
	if (!d->nduty)
		tui_text(t, yy, 1, t->cols - 1, TR("（此刻没有排班）", "(nobody rostered now)"), C_DIM);
}

static void paint(struct tui *t, void *self)
{
	struct dashboard *d = self;
	if (!d->loaded)
		load(t, d);
	paint_header(t, d);
	paint_counters(t, d);
	bool side = t->cols >= 120;
	int side_w = side ? 36 : 0;
	int w = t->cols - (side ? side_w + 1 : 0);
	int y = 3;
	bool strip = has_instruction(d);
	int board_h = 1 + (d->nexp < 3 ? 3 : d->nexp) + strip;
	int max_board = (t->rows >= 40 ? 12 : 6) + strip;
	if (board_h > max_board)
		board_h = max_board;
	int duty_h = side ? 0 : 3;
	int log_h = t->rows - 1 - y - board_h - duty_h;
	paint_board(t, d, y, board_h, w);
	int old_rows = d->log_rows;
	paint_log(t, d, y + board_h, log_h, w);
	if (d->log_rows > old_rows && d->nlog < d->log_rows && d->nlog == old_rows) {
		reload_log(t, d);   /* the window grew: fill the new rows */
		paint_log(t, d, y + board_h, log_h, w);
	}
	if (side)
		paint_duty_column(t, d, y, t->rows - 1 - y, w + 1, side_w);
	else
		paint_duty_lines(t, d, y + board_h + log_h, duty_h);
	tui_hints(t, &dash_key_table);
}

static void scroll_log(struct tui *t, struct dashboard *d, int delta)
{
	int rows = d->log_rows > 0 ? d->log_rows : 10;
	if (delta > 0) {
		/* older: the page starts below the last row shown (more may be
		 * loaded than shown, before the first paint knows the height) */
		int shown = d->nlog < rows ? d->nlog : rows;
		if (shown < rows)
			return;
		if (!d->top_id)
			d->seen_newest = d->newest_id;
		d->top_id = d->log[shown - 1].id - 1;
		if (d->top_id < 1)
			d->top_id = 1;
	} else {
		if (!d->top_id)
			return;
		/* newer: find the id `rows` above the current top */
		int64_t top = d->top_id + rows;
		if (top >= d->newest_id)
			top = 0;
		d->top_id = top;
	}
	d->log_sel = 0;
	reload_log(t, d);
}

static void open_selected(struct tui *t, struct dashboard *d)
{
	if (d->focus == PANE_BOARD && d->nexp)
		exposure_detail_open(t, d->snap.exposures[d->exp_sel].e.id);
	else if (d->focus == PANE_LOG && d->nlog)
		intake_detail_open(t, d->log[d->log_sel].id);
	else if (d->focus == PANE_DUTY)
		roster_view_open(t);
}

static int stamp_write(struct zs_ctx *c, void *in, int64_t *id, struct zs_error *err)
{
	return exposure_add(c, in, id, err);
}

#define STAMP_QUESTION TR("曝光问题标题（按当前播出时间登记）：", "Exposure title (stamped now): ")

static void stamp_exposure_done(struct tui *t, void *ud, const char *title)
{
	struct dashboard *d = ud;
	if (!title)
		return;
	struct exposure_input in = { .title = title };
	int64_t id;
	int r = tui_write(t, &d->stamp, stamp_write, &in, &id);
	if (r == ZS_ELOST)   /* the title offered again, under the same token */
		prompt_open(t, tui_write_again(), title, stamp_exposure_done, d);
	if (r)
		return;
	tui_message(t, false, TR("已登记曝光问题 #%lld：c 涉事企业、k 关键词、L 牵头单位、v 级别", "Exposure #%lld logged: c companies, k keywords, L lead unit, v level"),
		    (long long)id);
	exposure_detail_open(t, id);
}

static void quit_done(struct tui *t, void *ud, const char *answer)
{
	(void)ud;
	if (answer && (!strcmp(answer, "y") || !strcmp(answer, "Y") || !strcmp(answer, "是") || !strcmp(answer, "yes")))
		t->quit = true;
}

bool dashboard_key_quit(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	/* The draft is on disk either way, but a half-typed complaint deserves
	 * a second look before the operator walks away. */
	if (form_has_draft(t))
		prompt_confirm(t, TR("有未保存的登记草稿（下次启动可恢复），仍要退出吗？y/n ", "An unsaved draft exists (kept for next time). Quit anyway? y/n "),
			       quit_done, NULL);
	else
		t->quit = true;
	return true;
}

static bool key_focus(struct tui *t, void *self, int key)
{
	(void)t;
	struct dashboard *d = self;
	d->focus = (d->focus + (key == TUI_FKEY(KEY_BTAB) ? PANE_N - 1 : 1)) % PANE_N;
	return true;
}

static bool key_down(struct tui *t, void *self, int key)
{
	(void)key;
	struct dashboard *d = self;
	if (d->focus == PANE_BOARD && d->exp_sel + 1 < d->nexp)
		d->exp_sel++;
	else if (d->focus == PANE_LOG) {
		if (d->log_sel + 1 < d->nlog && d->log_sel + 1 < d->log_rows)
			d->log_sel++;
		else
			scroll_log(t, d, 1);
	}
	return true;
}

static bool key_up(struct tui *t, void *self, int key)
{
	(void)key;
	struct dashboard *d = self;
	if (d->focus == PANE_BOARD && d->exp_sel > 0)
		d->exp_sel--;
	else if (d->focus == PANE_LOG) {
		if (d->log_sel > 0)
			d->log_sel--;
		else if (d->top_id) {
			scroll_log(t, d, -1);
			d->log_sel = d->nlog ? d->nlog - 1 : 0;
		}
	}
	return true;
}

static bool key_page(struct tui *t, void *self, int key)
{
	struct dashboard *d = self;
	d->focus = PANE_LOG;
	scroll_log(t, d, key == 'b' || key == TUI_FKEY(KEY_PPAGE) ? -1 : 1);
	return true;
}

static bool key_newest(struct tui *t, void *self, int key)
{
	(void)key;
	struct dashboard *d = self;
	d->top_id = 0;
	d->log_sel = 0;
	reload_log(t, d);
	return true;
}

static bool key_open(struct tui *t, void *self, int key)
{
	(void)key;
	open_selected(t, self);
	return true;
}

static bool key_new(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	form_open(t, form_has_draft(t));
	return true;
}

static void discard_done(struct tui *t, void *ud, const char *answer)
{
	(void)ud;
	if (answer && (!strcmp(answer, "y") || !strcmp(answer, "Y"))) {
		form_discard_draft(t);
		tui_message(t, false, "%s", TR("已丢弃草稿", "Draft discarded"));
	} else {
		tui_message(t, false, "%s", TR("草稿已保留", "Draft kept"));
	}
}

/* A half-typed complaint is gone for good once discarded: X asks first
 * (one key, like q) and names the draft it would discard. */
static bool key_discard(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	char q[512];
	if (form_discard_question(t, q, sizeof q))
		prompt_confirm(t, q, discard_done, NULL);
	else
		tui_message(t, false, "%s", TR("没有可丢弃的草稿", "No draft to discard"));
	return true;
}

static bool key_exposure(struct tui *t, void *self, int key)
{
	struct dashboard *d = self;
	(void)key;
	tui_write_forget(&d->stamp);   /* a new exposure */
	prompt_open(t, STAMP_QUESTION, "", stamp_exposure_done, d);
	return true;
}

/* The pages the dashboard opens, by key. */
static bool key_page_open(struct tui *t, void *self, int key)
{
	(void)self;
	switch (key) {
	case 'r': roster_view_open(t); break;
	case '/': search_view_open(t); break;
	case 'o': relay_view_open(t); break;
	case 'c': register_view_open(t); break;
	case 'm': review_view_open(t); break;
	case 'p': report_view_open(t); break;
	case 'y': opinion_view_open(t); break;
	default: help_open(t); break;
	}
	return true;
}

static const struct key_binding dash_keys[] = {
	{ { 'n' }, "n", "新登记", "new", "新登记（投诉/举报/咨询）", "new intake", ROLE_OPERATOR, key_new },
	{ { 'e' }, "e", "曝光", "exposure", "按当前播出时间登记曝光问题", "stamp a new exposure at the current time", ROLE_OPERATOR, key_exposure },
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "详情", "open", "打开所选条目的详情", "open the selected item", ROLE_NONE, key_open },
	{ { '\t' }, "Tab", "切换", "focus", "在曝光、登记、值班三栏间切换", "cycle focus: board, log, duty", ROLE_NONE, key_focus },
	{ { '/' }, "/", "搜索", "search", "搜索登记和曝光问题", "search intakes and exposures", ROLE_NONE, key_page_open },
	{ { 'r' }, "r", "值班表", "roster", "值班表", "duty roster", ROLE_NONE, key_page_open },
	{ { 'c' }, "c", "主体", "entities", "市场主体登记册：边打边查名称或信用代码，看卡片（管辖单位、今晚带班领导、涉及的登记）",
	  "the market-entity register: search a name or USCC as you type, read the card (unit, duty leader, intakes)", ROLE_NONE, key_page_open },
	{ { '?' }, "?", "帮助", "help", "帮助（所有按键）", "help (every key)", ROLE_NONE, key_page_open },
	{ { 'q' }, "q", "退出", "quit", "退出（有草稿时先问）", "quit (asks first if a draft is open)", ROLE_NONE, dashboard_key_quit },
	{ { 3 }, "Ctrl-C", NULL, NULL, "退出（同 q）", "quit (as q)", ROLE_NONE, dashboard_key_quit },
	{ { TUI_FKEY(KEY_F(1)) }, "F1", NULL, NULL, "帮助（同 ?）", "help (as ?)", ROLE_NONE, key_page_open },
	{ { TUI_FKEY(KEY_BTAB) }, "Shift-Tab", NULL, NULL, "反向切换栏", "cycle focus backwards", ROLE_NONE, key_focus },
	{ { 'j', TUI_FKEY(KEY_DOWN) }, "↓/j", NULL, NULL, "下一条", "next row", ROLE_NONE, key_down },
	{ { 'k', TUI_FKEY(KEY_UP) }, "↑/k", NULL, NULL, "上一条", "previous row", ROLE_NONE, key_up },
	{ { ' ', TUI_FKEY(KEY_NPAGE) }, "PgDn/Space", NULL, NULL, "向下翻页（看更早的登记）", "page down (older intakes)", ROLE_NONE, key_page },
	{ { 'b', TUI_FKEY(KEY_PPAGE) }, "PgUp/b", NULL, NULL, "向上翻页", "page up", ROLE_NONE, key_page },
	{ { 'g', TUI_FKEY(KEY_HOME) }, "Home/g", NULL, NULL, "回到最新", "back to the newest", ROLE_NONE, key_newest },
	{ { 'm' }, "m", NULL, NULL, "早班回顾：未办结事项、交接班", "morning review: open items, handover", ROLE_NONE, key_page_open },
	{ { 'p' }, "p", NULL, NULL, "统计表：看各行数值，填写手填行", "statistics table: see the rows, fill in hand rows", ROLE_NONE, key_page_open },
	{ { 'y' }, "y", NULL, NULL, "舆情监测：全部舆情（重大在前），改级别、状态，加备注，审定回应口径", "the opinion watch: every opinion (major first); level, status, notes, the response", ROLE_NONE, key_page_open },
	{ { 'o' }, "o", NULL, NULL, "外发与接入（失败的机器人提醒、8890 隔离记录）", "relay (failed robot alerts, quarantined 8890 records)", ROLE_NONE, key_page_open },
	{ { 'X' }, "X", NULL, NULL, "丢弃未保存的登记草稿（先问，说出是哪份）", "discard the unsaved intake draft (asks first, naming it)", ROLE_NONE, key_discard },
	{ { 0 }, "Ctrl-L", NULL, NULL, "重画屏幕", "redraw the screen", ROLE_NONE, NULL },
};
const struct key_table dash_key_table = KEY_TABLE("看板", "Dashboard", dash_keys);

const struct view view_dashboard = { "dashboard", &dash_key_table, paint, NULL, NULL, on_data_changed, NULL };
