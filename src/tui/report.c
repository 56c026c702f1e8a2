/* The statistics table (p): every row with its value as the report would
 * file it; hand rows are filled in here (Enter), templates switched (t). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/report.h"
#include "zhishou/timeutil.h"

struct report_view {
	struct report r;
	bool loaded;
	char tmpl[64];
	int sel, top;
};

static struct report_view view_state;

static void unload(struct report_view *v)
{
	if (v->loaded)
		report_clear(&v->r);
	v->loaded = false;
}

static void load(struct tui *t, struct report_view *v)
{
	unload(v);
	struct report_params p = { .tmpl = v->tmpl };
	struct zs_error err = { 0 };
	if (report_build(t->c, &p, &v->r, &err)) {
		tui_message(t, true, "%s", err.msg);
		return;
	}
	v->loaded = true;
	if (v->sel >= v->r.t.nrows)
		v->sel = v->r.t.nrows ? v->r.t.nrows - 1 : 0;
}

static void paint(struct tui *t, void *self)
{
	struct report_view *v = self;
	if (!v->loaded)
		load(t, v);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	if (!v->loaded) {
		tui_text(t, 0, 1, t->cols - 2, TR("统计表", "Statistics table"), C_HEADER);
		return;
	}
	char line[512], a[40], b[40];
	snprintf(line, sizeof line, "%s（%s）", v->r.title, v->r.t.name);
	tui_text(t, 0, 1, t->cols - 2, line, C_HEADER);
	snprintf(line, sizeof line, TR("填报单位：%s  统计时段：%s 至 %s", "Unit: %s  period: %s to %s"), v->r.unit,
		 time_format(v->r.since, TIME_SHORT, a, sizeof a), time_format(v->r.shown_until, TIME_SHORT, b, sizeof b));
	tui_text(t, 1, 0, t->cols, line, C_DIM);
	int rows = t->rows - 3, vw = 14, uw = 8;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + rows)
		v->top = v->sel - rows + 1;
	for (int k = 0; k < rows && v->top + k < v->r.t.nrows; k++) {
		int i = v->top + k, y = 2 + k;
		const struct report_row *row = &v->r.t.rows[i];
		bool hand = row->measure == RM_MANUAL;
		enum tui_color c = i == v->sel ? C_SELECTED : hand ? C_NORMAL : C_DIM;
		snprintf(line, sizeof line, "%s%s%s%s", hand ? "✎ " : "  ", row->section, *row->section ? " · " : "",
			 row->label);
		tui_text(t, y, 0, t->cols - vw - uw, line, c);
		tui_text(t, y, t->cols - vw - uw, uw, row->unit, c);
		char val[64];
		const char *s = report_value_text(&v->r.values[i], val, sizeof val);
		tui_text_right(t, y, t->cols - vw, vw - 1, *s ? s : (hand ? TR("（未填）", "(empty)") : "0"), c);
	}
	tui_text(t, t->rows - 1, 0, t->cols,
		 tui_may(t, ROLE_LEADER)
			 ? TR("✎ 手填行：Enter 填写  t 换模板  灰色行由当晚数据算出  Esc 返回",
			      "✎ hand rows: Enter to fill in  t template  grey rows are computed  Esc back")
			 : TR("✎ 手填行（带班领导填写）  t 换模板  灰色行由当晚数据算出  Esc 返回",
			      "✎ hand rows (filled in by a leader)  t template  grey rows are computed  Esc back"),
		 C_HINT);
}

static void value_done(struct tui *t, void *ud, const char *answer)
{
	struct report_view *v = ud;
	if (!answer || !v->loaded)
		return;
	const struct report_row *row = &v->r.t.rows[v->sel];
	struct zs_error err = { 0 };
	bool changed = false;
	char label[256];
	if (report_set(t->c, v->r.t.name, row->key, answer, v->r.year, &changed, label, sizeof label, &err))
		tui_message(t, true, "%s", err.msg);
	else
		tui_message(t, false, TR("已填写「%s」", "\"%s\" filled in"), label);
	v->loaded = false;
	report_clear(&v->r);
}

static void template_done(struct tui *t, void *ud, const char *answer)
{
	struct report_view *v = ud;
	if (!answer || !*answer)
		return;
	struct report_template probe;
	struct zs_error err = { 0 };
	if (strchr(answer, '/') || report_template_load(answer, &probe, &err)) {
		tui_message(t, true, "%s", err.msg[0] ? err.msg : TR("没有这个模板", "no such template"));
		return;
	}
	report_template_clear(&probe);
	snprintf(v->tmpl, sizeof v->tmpl, "%s", answer);
	v->sel = v->top = 0;
	unload(v);
}

static int name_cb(const char *name, void *ud)
{
	char *buf = ud;
	size_t l = strlen(buf);
	snprintf(buf + l, 256 - l, "%s%s", l ? " " : "", name);
	return 0;
}

static const struct key_binding report_keys[] = {
	{ '\r', false, "Enter", "填写所选的手填行（✎）", "fill in the selected hand row (✎)", ROLE_LEADER },
	{ 't', false, "t", "换一个统计表模板", "switch to another template", ROLE_NONE },
	{ 27, false, "Esc/q", "返回", "back", ROLE_NONE },
};
const struct key_table report_key_table = { "统计表", "Statistics table", report_keys,
					    sizeof report_keys / sizeof *report_keys };

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct report_view *v = self;
	int n = v->loaded ? v->r.t.nrows : 0;
	if (fkey) {
		if (key == KEY_DOWN)
			key = 'j';
		else if (key == KEY_UP)
			key = 'k';
		else if (key == KEY_ENTER)
			key = '\r';
		else
			return false;
	}
	if (tui_refuse_key(t, &report_key_table, key))
		return true;
	switch (key) {
	case 27:
	case 'q':
		tui_pop(t);
		return true;
	case 'j':
		if (v->sel + 1 < n)
			v->sel++;
		return true;
	case 'k':
		if (v->sel > 0)
			v->sel--;
		return true;
	case '\r':
	case '\n':
		if (n && v->r.t.rows[v->sel].measure == RM_MANUAL) {
			char q[512], cur[64];
			snprintf(q, sizeof q, TR("%s（%s）：", "%s (%s): "), v->r.t.rows[v->sel].label, v->r.t.rows[v->sel].unit);
			prompt_open(t, q, report_value_text(&v->r.values[v->sel], cur, sizeof cur), value_done, v);
		} else if (n) {
			tui_message(t, false, "%s", TR("这一行由当晚的数据算出，不能手填", "this row is computed from the night's data"));
		}
		return true;
	case 't': {
		char names[256] = "", q[320];
		report_template_each(name_cb, names);
		snprintf(q, sizeof q, TR("模板（%s）：", "Template (%s): "), names);
		prompt_open(t, q, v->tmpl, template_done, v);
		return true;
	}
	}
	return false;
}

static void changed(struct tui *t, void *self)
{
	(void)t;
	unload(self);
}

const struct view view_report = { "report", paint, on_key, changed, changed };

void report_view_open(struct tui *t)
{
	if (!view_state.tmpl[0])
		snprintf(view_state.tmpl, sizeof view_state.tmpl, "default");
	view_state.sel = view_state.top = 0;
	unload(&view_state);
	tui_push(t, &view_report, &view_state);
}
