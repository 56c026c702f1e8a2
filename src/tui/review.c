/* The morning review (m): open work by unit, overdue first; the handover
 * is signed (S) and accepted (A) from here.  c, t and u narrow it to what
 * changed since the handover, what came in tonight, one unit (core's
 * review_filter, as `zhishou review --changed --tonight --unit`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/codes.h"
#include "zhishou/handover.h"
#include "zhishou/i18n.h"
#include "zhishou/review.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

/* review_filter's name for the items no unit has */
#define DUTY_DESK TR("值班室", "unassigned")

/* The section of what is not yet on the 12315 platform, after the open
 * items: its heading, then for platform item k its desk's heading (when a
 * new desk starts) and the item. */
enum { PL_ROW = 1 << 28 };
static int pl_row(int k, bool desk) { return PL_ROW + 1 + 2 * k + !desk; }
static bool pl_desk(int r) { return r > PL_ROW && (r - PL_ROW - 1) % 2 == 0; }
static int pl_item(int r) { return (r - PL_ROW - 1) / 2; }

/* The page's state (its list first: the shared list bindings reach it). */
struct review_view {
	struct tui_list list;  /* over rows: unit headers and items */
	struct review rv;
	bool loaded;
	/* rows: -1 - k is unit header for item k; k >= 0 is item k; from
	 * PL_ROW on the 12315 platform section (pl_row) */
	int *rows;
	int nrows;
	char names[256];       /* the names typed for a sign/accept in progress */
	char text[1024];       /* the row text the filter matches */
	/* what the page is narrowed to (kept across reloads) */
	bool only_changed, only_tonight;
	char unit[256];        /* a unit's exact name, DUTY_DESK, or "" */
	/* the units with open items before the narrowing: the u pick list */
	char **units;
	int nunits;
};

static bool narrowed(const struct review_view *v);

static void free_units(struct review_view *v)
{
	for (int i = 0; i < v->nunits; i++)
		free(v->units[i]);
	free(v->units);
	v->units = NULL;
	v->nunits = 0;
}

static void unload(struct review_view *v)
{
	review_clear(&v->rv);
	free(v->rows);
	v->rows = NULL;
	v->nrows = 0;
	free_units(v);
	v->loaded = false;
}

/* The units of the whole review, in its order, for the pick list (the
 * items are grouped by unit, so a new name starts a new group). */
static void collect_units(struct review_view *v)
{
	if (!(v->units = calloc(v->rv.n + 1, sizeof *v->units)))
		return;
	for (size_t i = 0; i < v->rv.n; i++) {
		const char *u = *v->rv.items[i].unit ? v->rv.items[i].unit : DUTY_DESK;
		bool seen = false;
		for (int k = 0; k < v->nunits && !seen; k++)
			seen = !strcmp(v->units[k], u);
		if (!seen && (v->units[v->nunits] = strdup(u)))
			v->nunits++;
	}
}

static void load(struct tui *t, struct review_view *v)
{
	unload(v);
	struct zs_error err = { 0 };
	if (review_build(t->c, &v->rv, &err)) {
		tui_message(t, true, "%s", err.msg);
		return;
	}
	collect_units(v);
	struct review_filter f = { v->only_changed, v->only_tonight, v->unit };
	if (review_filter(t->c, &v->rv, &f, &err)) {
		/* Nothing half-narrowed is shown: the message, and the whole
		 * review (the unit may have been renamed or removed meanwhile). */
		tui_message(t, true, "%s", err.msg);
		v->only_changed = v->only_tonight = false;
		v->unit[0] = '\0';
		unload(v);
		if (review_build(t->c, &v->rv, &err))
			return;
		collect_units(v);
	}
	if (v->rv.nothing_to_compare)
		tui_message(t, false, "%s", TR("还没有签过交接班，没有可比较的：显示全部",
					       "No handover signed yet, nothing to compare with: showing everything"));
	const struct platform_backlog *pb = &v->rv.platform;
	v->rows = malloc((v->rv.n * 2 + pb->n * 2 + 1) * sizeof *v->rows);
	if (!v->rows)
		return;
	for (size_t i = 0; i < v->rv.n; i++) {
		if (i == 0 || strcmp(v->rv.items[i].unit, v->rv.items[i - 1].unit))
			v->rows[v->nrows++] = -1 - (int)i;
		v->rows[v->nrows++] = (int)i;
	}
	/* The whole night's list: not part of a narrowed page. */
	size_t npl = narrowed(v) ? 0 : pb->n;
	if (npl)
		v->rows[v->nrows++] = PL_ROW;
	for (size_t k = 0; k < npl; k++) {
		if (k == 0 || strcmp(pb->items[k].desk, pb->items[k - 1].desk))
			v->rows[v->nrows++] = pl_row((int)k, true);
		v->rows[v->nrows++] = pl_row((int)k, false);
	}
	v->loaded = true;
	tui_list_update(&v->list);
}

/* The shared line, and the key that acts on it. */
static void handover_text(const struct review *rv, char *line, size_t n)
{
	handover_summary(&rv->last, line, n);
	size_t k = strlen(line);
	if (!rv->last.id)
		snprintf(line + k, n - k, "%s", TR("（S 交班签字）", " (S to sign)"));
	else if (!rv->last.accepted_at)
		snprintf(line + k, n - k, "%s", TR("（A 接班）", " (A to accept)"));
}

static const char *unit_label(const struct review_item *it)
{
	return *it->unit ? it->unit : TR("值班室（未分派）", "duty desk (not assigned)");
}

static int rows_count(void *ud)
{
	return ((struct review_view *)ud)->nrows;
}

/* A row of the 12315 platform section. */
static const char *platform_text(struct review_view *v, int r, enum tui_color *c, bool *heading)
{
	const struct platform_backlog *pb = &v->rv.platform;
	char t[40];
	*heading = r == PL_ROW || pl_desk(r);
	*c = r == PL_ROW ? C_WARN : *heading ? C_TITLE : C_NORMAL;
	if (r == PL_ROW) {
		snprintf(v->text, sizeof v->text, TR("【未录入12315平台 %zu 件】（详情里按 p 填平台编号）",
						     "[Not yet on the 12315 platform: %zu] (p in the detail records the number)"), pb->n);
		return v->text;
	}
	const struct platform_item *it = &pb->items[pl_item(r)];
	if (*heading) {
		size_t n = 0;
		for (size_t k = (size_t)pl_item(r); k < pb->n && !strcmp(pb->items[k].desk, it->desk); k++)
			n++;
		snprintf(v->text, sizeof v->text, TR(" 〔%s〕%zu 件", " [%s] %zu"), it->desk, n);
	} else {
		snprintf(v->text, sizeof v->text, "   #%lld %s %s %s %s", (long long)it->id,
			 time_format(it->received_at, TIME_SHORT, t, sizeof t), vocab_label(&vocab_kind, it->kind),
			 vocab_label(&vocab_channel, it->channel), it->title);
	}
	return v->text;
}

static const char *row_text(void *ud, int i, enum tui_color *c, bool *heading)
{
	struct review_view *v = ud;
	int r = v->rows[i];
	if (r >= PL_ROW)
		return platform_text(v, r, c, heading);
	*heading = r < 0;
	if (r < 0) {
		*c = C_TITLE;
		snprintf(v->text, sizeof v->text, "【%s】", unit_label(&v->rv.items[-1 - r]));
		return v->text;
	}
	const struct review_item *it = &v->rv.items[r];
	*c = it->overdue ? C_OVERDUE : it->changed ? C_NEW : C_NORMAL;
	snprintf(v->text, sizeof v->text, "%s%s%s #%lld %s  %s · %s", it->overdue ? "!" : " ", it->changed ? "●" : " ",
		 it->exposure ? TR("曝光", "exposure") : vocab_label(&vocab_kind, it->kind), (long long)it->id, it->title,
		 it->exposure ? vocab_label(&vocab_exposure_status, it->status) : vocab_label(&vocab_status, it->status), it->last);
	return v->text;
}

/* An item: what it is on the left, what is due next on the right. */
static void paint_row(struct tui *t, void *ud, int i, int y, bool sel)
{
	struct review_view *v = ud;
	enum tui_color c;
	bool heading;
	const char *line = row_text(v, i, &c, &heading);
	if (sel)
		c = C_SELECTED;
	if (heading || v->rows[i] >= PL_ROW) {
		tui_text(t, y, 0, t->cols, line, c);
		return;
	}
	const struct review_item *it = &v->rv.items[v->rows[i]];
	char due[64] = "", t1[40];
	if (it->due)
		snprintf(due, sizeof due, "%s %s%s", it->next, time_format(it->due, TIME_SHORT, t1, sizeof t1),
			 it->due_estimated ? TR("（估）", "(est.)") : "");
	else if (it->next)
		snprintf(due, sizeof due, "%s", it->next);
	int dw = 26 < t->cols / 3 ? 26 : t->cols / 3;
	tui_text(t, y, 0, t->cols - dw, line, c);
	tui_text_right(t, y, t->cols - dw, dw, due, c);
}

static const struct tui_rows review_rows = { rows_count, row_text, paint_row, NULL };

extern const struct key_table review_key_table;

static bool narrowed(const struct review_view *v)
{
	return v->only_changed || v->only_tonight || v->unit[0];
}

/* The title: what the page is narrowed to, then the counts of what it
 * shows (short when the whole does not fit). */
static void title_text(struct tui *t, const struct review_view *v, char *line, size_t n)
{
	char only[512] = "";
	if (narrowed(v)) {
		size_t k = (size_t)snprintf(only, sizeof only, "%s", TR("（只看", " (only "));
		const char *sep = "";
		if (v->only_changed) {
			k += (size_t)snprintf(only + k, sizeof only - k, "%s%s", sep, TR("交接后变化", "changed"));
			sep = TR("·", ", ");
		}
		if (v->only_tonight && k < sizeof only) {
			k += (size_t)snprintf(only + k, sizeof only - k, "%s%s", sep, TR("今晚", "tonight"));
			sep = TR("·", ", ");
		}
		if (v->unit[0] && k < sizeof only)
			k += (size_t)snprintf(only + k, sizeof only - k, "%s%s", sep, v->unit);
		if (k < sizeof only)
			snprintf(only + k, sizeof only - k, "%s", TR("）", ")"));
	}
	const struct review *rv = &v->rv;
	/* The 12315 platform's count where it fits (the section at the end
	 * of the list always has it). */
	if (!narrowed(v))
		snprintf(line, n, TR("早班回顾%s · 未办结 登记 %zu 件、曝光 %zu 个 · 超时 %zu · 交接后变化 %zu（●）· 未录平台 %zu",
			     "Review%s · open: %zu intakes, %zu exposures · %zu overdue · %zu changed since handover (●) · %zu not on 12315"),
			 only, rv->intakes, rv->exposures, rv->overdue, rv->changed, rv->platform.n);
	if (narrowed(v) || text_width(line) > t->cols - 2)
		snprintf(line, n, TR("早班回顾%s · 未办结 登记 %zu 件、曝光 %zu 个 · 超时 %zu · 交接后变化 %zu（●）",
				     "Review%s · open: %zu intakes, %zu exposures · %zu overdue · %zu changed since handover (●)"),
			 only, rv->intakes, rv->exposures, rv->overdue, rv->changed);
	if (text_width(line) > t->cols - 2)
		snprintf(line, n, TR("回顾%s 登记%zu 曝光%zu 超时%zu 变化%zu", "Review%s %zu in, %zu exp, %zu late, %zu changed"),
			 only, rv->intakes, rv->exposures, rv->overdue, rv->changed);
}

static void paint(struct tui *t, void *self)
{
	struct review_view *v = self;
	if (!v->loaded)
		load(t, v);
	char line[1024];
	title_text(t, v, line, sizeof line);
	tui_list_header(t, &v->list, line);
	handover_text(&v->rv, line, sizeof line);
	tui_text(t, 1, 0, t->cols, line, v->rv.last.id && !v->rv.last.accepted_at ? C_WARN : C_DIM);
	/* The morning's other question beside it, when the title had no room
	 * for it: how much of the night is not yet on the 12315 platform. */
	if (!narrowed(v) && v->rv.platform.n) {
		char more[160];
		int x = text_width(line) + 2;
		snprintf(more, sizeof more, TR("· 今晚未录入12315平台 %zu 件（列在最后，End）", "· %zu not yet on 12315 (listed last, End)"),
			 v->rv.platform.n);
		if (x + text_width(more) <= t->cols)
			tui_text(t, 1, x, t->cols - x, more, C_WARN);
	}
	if (!v->nrows)
		tui_text(t, 2, 1, t->cols - 1, narrowed(v) ? TR("没有符合的事项（再按 c、t 或 u 取消只看）", "Nothing matches (c, t or u again to show more)")
				: TR("没有未办结的事项。", "Nothing is open."), C_DIM);
	tui_list_paint(t, &v->list, 2, t->rows - 3);
	tui_hints(t, &review_key_table);
}

static void sign_note_done(struct tui *t, void *ud, const char *answer)
{
	struct review_view *v = ud;
	if (!answer)
		return;
	struct zs_error err = { 0 };
	int64_t id = 0;
	if (handover_sign(t->c, v->names, answer, &id, &err))
		tui_message(t, true, "%s", err.msg);
	else
		tui_message(t, false, TR("已签交接班 #%lld", "Handover #%lld signed"), (long long)id);
	v->loaded = false;
}

static void sign_names_done(struct tui *t, void *ud, const char *answer)
{
	struct review_view *v = ud;
	if (!answer)
		return;
	snprintf(v->names, sizeof v->names, "%s", answer);
	prompt_open(t, TR("交班说明（可空）：", "Note (may be empty): "), "", sign_note_done, v);
}

static void accept_dispute_done(struct tui *t, void *ud, const char *answer)
{
	struct review_view *v = ud;
	if (!answer)
		return;
	struct zs_error err = { 0 };
	int64_t id = 0;
	if (handover_accept(t->c, v->names, answer, &id, &err))
		tui_message(t, true, "%s", err.msg);
	else
		tui_message(t, false, TR("已接班确认 #%lld", "Handover #%lld accepted"), (long long)id);
	v->loaded = false;
}

static void accept_names_done(struct tui *t, void *ud, const char *answer)
{
	struct review_view *v = ud;
	if (!answer)
		return;
	snprintf(v->names, sizeof v->names, "%s", answer);
	prompt_open(t, TR("有异议之处（可空）：", "Anything disputed (may be empty): "), "", accept_dispute_done, v);
}

static bool key_open(struct tui *t, void *self, int key)
{
	(void)key;
	struct review_view *v = self;
	int i = tui_list_current(&v->list);
	if (i >= 0 && v->rows[i] > PL_ROW && !pl_desk(v->rows[i])) {
		intake_detail_open(t, v->rv.platform.items[pl_item(v->rows[i])].id);
	} else if (i >= 0 && v->rows[i] >= 0 && v->rows[i] < PL_ROW) {
		const struct review_item *it = &v->rv.items[v->rows[i]];
		it->exposure ? exposure_detail_open(t, it->id) : intake_detail_open(t, it->id);
	}
	return true;
}

static bool key_handover(struct tui *t, void *self, int key)
{
	if (key == 'S')
		names_choose(t, TR("交班：在班人员（打字筛选，Tab 勾选多人，Enter 完成）", "Sign: names on duty (type to filter, Tab marks several, Enter when done)"), sign_names_done, self);
	else
		names_choose(t, TR("接班：接班人员（打字筛选，Tab 勾选多人，Enter 完成）", "Accept: names taking over (type to filter, Tab marks several, Enter when done)"), accept_names_done, self);
	return true;
}

static void narrow_again(struct review_view *v)
{
	v->loaded = false;
	v->list.sel = v->list.top = 0;
}

static bool key_narrow(struct tui *t, void *self, int key)
{
	(void)t;
	struct review_view *v = self;
	if (key == 'c')
		v->only_changed = !v->only_changed;
	else
		v->only_tonight = !v->only_tonight;
	narrow_again(v);
	return true;
}

static void unit_done(struct tui *t, void *ud, int index, const char *row)
{
	(void)t;
	(void)index;
	struct review_view *v = ud;
	if (!row)
		return;
	snprintf(v->unit, sizeof v->unit, "%s", row);
	narrow_again(v);
}

static bool key_unit(struct tui *t, void *self, int key)
{
	(void)key;
	struct review_view *v = self;
	if (v->unit[0]) {   /* u again: every unit */
		v->unit[0] = '\0';
		narrow_again(v);
	} else if (!v->nunits) {
		tui_message(t, false, "%s", TR("没有未办结的事项", "Nothing is open"));
	} else {
		list_choose(t, TR("只看哪个单位的事项", "Only this unit's items"), v->units, v->nunits, "", unit_done, v);
	}
	return true;
}

/* R: the morning's summary of the gala's exposures, to the city. */
static bool key_summary(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	upreport_open(t, 0);
	return true;
}

static const struct key_binding review_keys[] = {
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "详情", "details", "打开所选事项的详情", "open the selected item", ROLE_NONE, key_open },
	{ { 'S' }, "S", "交班签字", "sign handover", "交班签字（在班人员、说明）", "sign the handover (names, note)", ROLE_OPERATOR, key_handover },
	{ { 'A' }, "A", "接班确认", "accept", "接班确认（接班人员、异议）", "accept the handover (names, disputes)", ROLE_OPERATOR, key_handover },
	{ { 'c' }, "c", "变化", "changed", "只看交接班以后有变化的事项（再按一次取消）", "only what changed since the last handover (again: all)", ROLE_NONE, key_narrow },
	{ { 't' }, "t", "今晚", "tonight", "只看今晚（晚会开始以来）收到的事项（再按一次取消）", "only what came in tonight, since the gala began (again: all)", ROLE_NONE, key_narrow },
	{ { 'u' }, "u", "单位", "unit", "只看一个单位的事项，从列表中选（值班室：未分派的；再按一次取消）", "only one unit's items, picked from a list (unassigned: no unit yet; again: all)", ROLE_NONE, key_unit },
	{ { 'R' }, "R", "汇总上报", "summary", "向市局上报晚会曝光问题的汇总报告（先看，w 记下并写出）", "the gala's summary report to the city (preview; w records and writes it)", ROLE_NONE, key_summary },
	{ { 'f' }, "f", "筛选", "filter", "筛选（单位、编号、标题）", "filter (unit, id, title)", ROLE_NONE, tui_list_key_filter },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回", "back", ROLE_NONE, tui_key_close },
};
const struct key_table review_key_table = KEY_TABLE("早班回顾", "Morning review", review_keys);

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct review_view *v = self;
	return tui_list_key(t, &v->list, key, fkey);
}

static void changed(struct tui *t, void *self)
{
	(void)t;
	((struct review_view *)self)->loaded = false;
}

static void closed(struct tui *t, void *self)
{
	(void)t;
	struct review_view *v = self;
	unload(v);
	tui_list_free(&v->list);
	free(v);
}

static const struct view view_review = { "review", &review_key_table, paint, on_key, tui_list_typing, changed, closed };

void review_view_open(struct tui *t)
{
	struct review_view *v = calloc(1, sizeof *v);
	if (!v)
		return;
	tui_list_init(&v->list, &review_rows, v);
	tui_push(t, &view_review, v);
}
