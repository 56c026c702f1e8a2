/* The morning review (m): open work by unit, overdue first; the handover
 * is signed (S) and accepted (A) from here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/codes.h"
#include "zhishou/handover.h"
#include "zhishou/i18n.h"
#include "zhishou/review.h"
#include "zhishou/timeutil.h"

struct review_view {
	struct review rv;
	bool loaded;
	int sel, top;          /* over rows: unit headers and items */
	/* rows: -1 - k is unit header for item k; k >= 0 is item k */
	int *rows;
	int nrows;
	char names[256];       /* the names typed for a sign/accept in progress */
};

static struct review_view view_state;

static void unload(struct review_view *v)
{
	review_clear(&v->rv);
	free(v->rows);
	v->rows = NULL;
	v->nrows = 0;
	v->loaded = false;
}

static void load(struct tui *t, struct review_view *v)
{
	unload(v);
	struct zs_error err = { 0 };
	if (review_build(t->c, &v->rv, &err)) {
		tui_message(t, true, "%s", err.msg);
		return;
	}
	v->rows = malloc((v->rv.n * 2 + 1) * sizeof *v->rows);
	if (!v->rows)
		return;
	for (size_t i = 0; i < v->rv.n; i++) {
		if (i == 0 || strcmp(v->rv.items[i].unit, v->rv.items[i - 1].unit))
			v->rows[v->nrows++] = -1 - (int)i;
		v->rows[v->nrows++] = (int)i;
	}
	if (v->sel >= v->nrows)
		v->sel = v->nrows ? v->nrows - 1 : 0;
	v->loaded = true;
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

static void paint(struct tui *t, void *self)
{
	struct review_view *v = self;
	if (!v->loaded)
		load(t, v);
	char line[1024];
	snprintf(line, sizeof line, TR("早班回顾 · 未办结 登记 %zu 件、曝光 %zu 个 · 超时 %zu · 交接后变化 %zu（●）",
				       "Review · open: %zu intakes, %zu exposures · %zu overdue · %zu changed since handover (●)"),
		 v->rv.intakes, v->rv.exposures, v->rv.overdue, v->rv.changed);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 1, t->cols - 2, line, C_HEADER);
	handover_text(&v->rv, line, sizeof line);
	tui_text(t, 1, 0, t->cols, line, v->rv.last.id && !v->rv.last.accepted_at ? C_WARN : C_DIM);
	int rows = t->rows - 3;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + rows)
		v->top = v->sel - rows + 1;
	if (!v->nrows)
		tui_text(t, 2, 1, t->cols - 1, TR("没有未办结的事项。", "Nothing is open."), C_DIM);
	for (int k = 0; k < rows && v->top + k < v->nrows; k++) {
		int r = v->rows[v->top + k], y = 2 + k;
		bool sel = v->top + k == v->sel;
		if (r < 0) {
			const struct review_item *it = &v->rv.items[-1 - r];
			snprintf(line, sizeof line, "【%s】", *it->unit ? it->unit : TR("值班室（未分派）", "duty desk (not assigned)"));
			tui_text(t, y, 0, t->cols, line, sel ? C_SELECTED : C_TITLE);
			continue;
		}
		const struct review_item *it = &v->rv.items[r];
		char due[64] = "", t1[40];
		if (it->due)
			snprintf(due, sizeof due, "%s %s%s", it->next, time_format(it->due, TIME_SHORT, t1, sizeof t1),
				 it->due_estimated ? TR("（估）", "(est.)") : "");
		else if (it->next)
			snprintf(due, sizeof due, "%s", it->next);
		int dw = 26 < t->cols / 3 ? 26 : t->cols / 3;
		snprintf(line, sizeof line, "%s%s%s #%lld %s  %s · %s", it->overdue ? "!" : " ", it->changed ? "●" : " ",
			 it->exposure ? TR("曝光", "exposure") : vocab_label(&vocab_kind, it->kind), (long long)it->id, it->title,
			 it->exposure ? vocab_label(&vocab_exposure_status, it->status) : vocab_label(&vocab_status, it->status),
			 it->last);
		enum tui_color c = sel ? C_SELECTED : it->overdue ? C_OVERDUE : it->changed ? C_NEW : C_NORMAL;
		tui_text(t, y, 0, t->cols - dw, line, c);
		tui_text_right(t, y, t->cols - dw, dw, due, c);
	}
	tui_text(t, t->rows - 1, 0, t->cols,
		 tui_may(t, ROLE_OPERATOR)
			 ? TR("↑↓ 选择  Enter 详情  S 交班签字  A 接班确认  Esc 返回", "arrows select  Enter details  S sign handover  A accept  Esc back")
			 : TR("↑↓ 选择  Enter 详情  Esc 返回", "arrows select  Enter details  Esc back"),
		 C_HINT);
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

static const struct key_binding review_keys[] = {
	{ '\r', false, "Enter", "打开所选事项的详情", "open the selected item", ROLE_NONE },
	{ 'S', false, "S", "交班签字（在班人员、说明）", "sign the handover (names, note)", ROLE_OPERATOR },
	{ 'A', false, "A", "接班确认（接班人员、异议）", "accept the handover (names, disputes)", ROLE_OPERATOR },
	{ 27, false, "Esc/q", "返回", "back", ROLE_NONE },
};
const struct key_table review_key_table = { "早班回顾", "Morning review", review_keys,
					    sizeof review_keys / sizeof *review_keys };

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct review_view *v = self;
	int page = t->rows - 3;
	if (fkey) {
		switch (key) {
		case KEY_DOWN: key = 'j'; break;
		case KEY_UP: key = 'k'; break;
		case KEY_NPAGE: v->sel = v->sel + page < v->nrows ? v->sel + page : (v->nrows ? v->nrows - 1 : 0); return true;
		case KEY_PPAGE: v->sel = v->sel > page ? v->sel - page : 0; return true;
		case KEY_ENTER: key = '\r'; break;
		default: return false;
		}
	}
	if (tui_refuse_key(t, &review_key_table, key))
		return true;
	switch (key) {
	case 27:
	case 'q':
		tui_pop(t);
		return true;
	case 'j':
		if (v->sel + 1 < v->nrows)
			v->sel++;
		return true;
	case 'k':
		if (v->sel > 0)
			v->sel--;
		return true;
	case '\r':
	case '\n':
		if (v->nrows && v->rows[v->sel] >= 0) {
			const struct review_item *it = &v->rv.items[v->rows[v->sel]];
			if (it->exposure)
				exposure_detail_open(t, it->id);
			else
				intake_detail_open(t, it->id);
		}
		return true;
	case 'S':
		prompt_open(t, TR("交班：在班人员（如 张三、李四）：", "Sign: names on duty: "), "", sign_names_done, v);
		return true;
	case 'A':
		prompt_open(t, TR("接班：接班人员：", "Accept: names taking over: "), "", accept_names_done, v);
		return true;
	}
	return false;
}

static void changed(struct tui *t, void *self)
{
	(void)t;
	((struct review_view *)self)->loaded = false;
}

static void closed(struct tui *t, void *self)
{
	(void)t;
	unload(self);
}

const struct view view_review = { "review", paint, on_key, changed, closed };

void review_view_open(struct tui *t)
{
	view_state.sel = view_state.top = 0;
	unload(&view_state);
	tui_push(t, &view_review, &view_state);
}
