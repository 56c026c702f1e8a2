/* The compact board: what a duty leader reads on a phone's SSH app (about
 * 50x20) when the window is below 80x24.  The clock, tonight's counters and
 * the open exposures, two lines each: its number, level and title; its
 * deadline (due soon yellow and "*", overdue red and "!", as on the full
 * board) and the latest 批示.  Live like the dashboard, whose snapshot it
 * draws (the loop shows it in the dashboard's place); Enter opens the
 * exposure's pager.  Forms ask for a larger window instead. */
#include <stdio.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

#define ROWS_PER_EXPOSURE 2

extern const struct key_table compact_key_table;

static void paint_header(struct tui *t, const struct board_snapshot *s)
{
	char clock[32], line[512], dur[64];
	bool en = i18n_get() == LANG_EN;
	const struct board_gala *g = &s->gala;
	int n = snprintf(line, sizeof line, " %s %s%s", TR("值守台", "zhishou"), time_format(t->c->now, TIME_SECONDS, clock, sizeof clock) + 11,
			 t->opt->demo_clock ? TR("（演示）", "(demo)") : "");
	if (n > 0 && (size_t)n < sizeof line) {
		if (g->phase == GALA_DURING)
			snprintf(line + n, sizeof line - (size_t)n, TR(" %s 已播 %s", " %s on air %s"), g->name,
				 time_format_duration(t->c->now - g->starts_at, en, dur, sizeof dur));
		else if (g->phase == GALA_BEFORE)
			snprintf(line + n, sizeof line - (size_t)n, TR(" %s 倒计时 %s", " %s in %s"), g->name,
				 time_format_duration(g->starts_at - t->c->now, en, dur, sizeof dur));
	}
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 0, t->cols, line, C_HEADER);
}

/* Counters as words that wrap whole at the window's width; returns the
 * next free row. */
static int paint_counters(struct tui *t, const struct board_snapshot *s, int y)
{
	const struct board_counts *b = &s->counts;
	char since[16], items[10][96];
	int n = 0;
	time_format(s->since, TIME_CLOCK, since, sizeof since);
	snprintf(items[n++], sizeof items[0], TR("%s起受理 %lld", "since %s: %lld in"), since, (long long)b->total);
	snprintf(items[n++], sizeof items[0], TR("投诉 %lld", "%lld complaints"), (long long)b->by_kind[0]);
	snprintf(items[n++], sizeof items[0], TR("举报 %lld", "%lld tips"), (long long)b->by_kind[1]);
	snprintf(items[n++], sizeof items[0], TR("咨询 %lld", "%lld inquiries"), (long long)b->by_kind[2]);
	snprintf(items[n++], sizeof items[0], TR("关联曝光 %lld", "linked %lld"), (long long)b->linked);
	snprintf(items[n++], sizeof items[0], TR("未结 %lld", "open %lld"), (long long)b->unresolved);
	if (s->opinions_open)
		snprintf(items[n++], sizeof items[0], TR("舆情 %lld", "opinions %lld"), (long long)s->opinions_open);
	int warn_from = n;
	if (s->nopinions_major)
		snprintf(items[n++], sizeof items[0], TR("重大舆情 %zu", "%zu major opinions"), s->nopinions_major);
	if (b->deliveries_failed)
		snprintf(items[n++], sizeof items[0], TR("提醒发送失败 %lld", "%lld alerts failed"), (long long)b->deliveries_failed);
	if (b->feed_quarantined)
		snprintf(items[n++], sizeof items[0], TR("8890 隔离 %lld", "8890 quarantined %lld"), (long long)b->feed_quarantined);
	int x = 0;
	for (int i = 0; i < n; i++) {
		int w = text_width(items[i]);
		if (x && x + 2 + w > t->cols) {
			y++;
			x = 0;
		}
		if (x)
			x += 2;
		tui_text(t, y, x, t->cols - x, items[i], i >= warn_from ? C_OVERDUE : C_NORMAL);
		x += w;
	}
	return y + 1;
}

/* "超时10分" / "剩19分": what is left, in the state's colour and mark. */
static void deadline_text(struct tui *t, const struct exposure *e, enum due_state due, char *out, size_t n)
{
	char dur[48];
	bool en = i18n_get() == LANG_EN;
	if (!e->deadline)
		snprintf(out, n, "%s", TR("无时限", "no deadline"));
	else if (due == DUE_OVERDUE)
		snprintf(out, n, TR("超时%s", "late %s"), time_format_duration(t->c->now - e->deadline, en, dur, sizeof dur));
	else
		snprintf(out, n, TR("剩%s", "%s left"), time_format_duration(e->deadline - t->c->now, en, dur, sizeof dur));
}

static void paint_exposure(struct tui *t, const struct board_exposure *be, int y, bool sel)
{
	const struct exposure *e = &be->e;
	/* The clock runs between reads: the state is taken now, by core's rule. */
	enum due_state due = due_state(e->deadline, t->c->now, DUE_WARN_SECONDS);
	enum tui_color col = sel ? C_SELECTED : due == DUE_OVERDUE ? C_OVERDUE : due == DUE_SOON ? C_WARN : C_NORMAL;
	char line[512], left[96], level[8];
	snprintf(level, sizeof level, "%d", e->level);
	if (sel) {
		tui_fill(t, y, 0, t->cols, C_SELECTED);
		tui_fill(t, y + 1, 0, t->cols, C_SELECTED);
	}
	snprintf(line, sizeof line, "%s#%lld %s %s", due == DUE_OVERDUE ? "!" : due == DUE_SOON ? "*" : " ", (long long)e->id,
		 e->level ? vocab_label(&vocab_level, level) : TR("未定级", "no level"), e->title);
	tui_text(t, y, 0, t->cols, line, col);
	deadline_text(t, e, due, left, sizeof left);
	int x = 2 + tui_text(t, y + 1, 2, text_width(left) < t->cols - 2 ? text_width(left) : t->cols - 2, left, col);
	if (x + 2 >= t->cols)
		return;
	if (be->last_instruction)
		snprintf(line, sizeof line, TR("批示：%s", "instruction: %s"), be->last_instruction);
	else
		snprintf(line, sizeof line, "%s", TR("（尚无批示）", "(no instruction yet)"));
	tui_text(t, y + 1, x + 1, t->cols - x - 1, line, sel ? C_SELECTED : be->last_instruction ? C_NORMAL : C_DIM);
}

static void paint(struct tui *t, void *self)
{
	const struct board_snapshot *s = dashboard_snapshot(t, self);
	int *sel = &t->compact_sel, *top = &t->compact_top;
	int n = (int)s->nexposures;
	if (*sel >= n)
		*sel = n ? n - 1 : 0;
	paint_header(t, s);
	int y = paint_counters(t, s, 1);
	char title[160];
	if (s->counts.exposures_overdue)
		snprintf(title, sizeof title, TR("曝光问题 未结 %d 超时 %lld", "Exposures: %d open, %lld overdue"), n,
			 (long long)s->counts.exposures_overdue);
	else
		snprintf(title, sizeof title, TR("曝光问题 未结 %d", "Exposures: %d open"), n);
	int room = (t->rows - 1 - (y + 1)) / ROWS_PER_EXPOSURE;
	if (room < 1)
		room = 1;
	if (*sel < *top)
		*top = *sel;
	if (*sel >= *top + room)
		*top = *sel - room + 1;
	if (n > room) {
		int len = (int)strlen(title);
		snprintf(title + len, sizeof title - (size_t)len, TR("（%d–%d）", " (%d-%d)"), *top + 1, *top + room < n ? *top + room : n);
	}
	tui_title_line(t, y, title, true);
	if (!n)
		tui_text(t, y + 1, 1, t->cols - 1, TR("（暂无未结的曝光问题）", "(no open exposures)"), C_DIM);
	for (int k = 0; k < room && *top + k < n; k++) {
		int yy = y + 1 + k * ROWS_PER_EXPOSURE;
		if (yy + 1 >= t->rows - 1)
			break;
		paint_exposure(t, &s->exposures[*top + k], yy, *top + k == *sel);
	}
	tui_hints(t, &compact_key_table);
}

static bool key_move(struct tui *t, void *self, int key)
{
	int n = (int)dashboard_snapshot(t, self)->nexposures;
	if (key == 'j' || key == TUI_FKEY(KEY_DOWN))
		t->compact_sel = t->compact_sel + 1 < n ? t->compact_sel + 1 : t->compact_sel;
	else if (t->compact_sel > 0)
		t->compact_sel--;
	return true;
}

static bool key_open(struct tui *t, void *self, int key)
{
	(void)key;
	const struct board_snapshot *s = dashboard_snapshot(t, self);
	if (t->compact_sel < (int)s->nexposures)
		exposure_detail_open(t, s->exposures[t->compact_sel].e.id);
	return true;
}

static bool key_needs_room(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	tui_message(t, true, TR("登记需要至少 80×24 的窗口，现在是 %d×%d", "a form needs at least 80x24, now %dx%d"), t->cols, t->rows);
	return true;
}

/* The register reads at any width: the credit desk on a phone. */
static bool key_register(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	register_view_open(t);
	return true;
}

static const struct key_binding compact_keys[] = {
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "详情", "open", "打开所选曝光问题（时间线、批示、关联登记）", "open the selected exposure (timeline, instructions, linked intakes)", ROLE_NONE, key_open },
	{ { 'j', 'k', TUI_FKEY(KEY_DOWN), TUI_FKEY(KEY_UP) }, "↑↓", "选择", "select", "上一个 / 下一个曝光问题", "previous / next exposure", ROLE_NONE, key_move },
	{ { '?', TUI_FKEY(KEY_F(1)) }, "?", "帮助", "help", "帮助（所有按键）", "help (every key)", ROLE_NONE, tui_key_help },
	{ { 'q', 3 }, "q", "退出", "quit", "退出（有草稿时先问）", "quit (asks first if a draft is open)", ROLE_NONE, dashboard_key_quit },
	{ { 'c' }, "c", NULL, NULL, "市场主体登记册（查名称或信用代码，看卡片）", "the market-entity register (search, read the card)", ROLE_NONE, key_register },
	{ { 'n', 'e' }, "n/e", NULL, NULL, "新登记、登记曝光问题：需要至少 80×24 的窗口", "new intake, new exposure: need at least 80x24", ROLE_NONE, key_needs_room },
};
const struct key_table compact_key_table = KEY_TABLE("小窗口看板（小于 80×24）", "Compact board (below 80x24)", compact_keys);

const struct view view_compact = { "compact", &compact_key_table, paint, NULL, NULL, NULL, NULL };
