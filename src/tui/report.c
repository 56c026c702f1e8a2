/* The statistics table (p): every row with its value as the report would
 * file it; hand rows are filled in here (Enter), templates switched (t). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/config.h"
#include "zhishou/ctx.h"
#include "zhishou/i18n.h"
#include "zhishou/report.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

#define TEMPLATES_MAX 32

/* The compiled-in templates while t's pick list is open: their names and
 * the rows it shows (Chinese caption, then the name). */
struct templates {
	char *name[TEMPLATES_MAX];
	char *row[TEMPLATES_MAX];
	int n;
};

/* The page's state (its list first: the shared list bindings reach it). */
struct report_view {
	struct tui_list list;
	struct report r;
	bool loaded;
	char tmpl[64];
	char text[512];   /* the row text the filter matches */
	struct templates templates;
	struct file_ask out;       /* the file w writes, while it asks for it */
	enum report_format out_format;
};


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
	tui_list_update(&v->list);
}

static int rows_count(void *ud)
{
	struct report_view *v = ud;
	return v->loaded ? v->r.t.nrows : 0;
}

static const char *row_text(void *ud, int i, enum tui_color *c, bool *heading)
{
	struct report_view *v = ud;
	const struct report_row *row = &v->r.t.rows[i];
	bool hand = row->measure == RM_MANUAL;
	*heading = false;
	*c = hand ? C_NORMAL : C_DIM;
	snprintf(v->text, sizeof v->text, "%s%s%s%s", hand ? "✎ " : "  ", row->section, *row->section ? " · " : "", row->label);
	return v->text;
}

/* A row: its label, its unit, its value right-aligned. */
static void paint_row(struct tui *t, void *ud, int i, int y, bool sel)
{
	struct report_view *v = ud;
	enum tui_color c;
	bool heading;
	const char *line = row_text(v, i, &c, &heading);
	const struct report_row *row = &v->r.t.rows[i];
	bool hand = row->measure == RM_MANUAL;
	int vw = 14, uw = 8;
	if (sel)
		c = C_SELECTED;
	tui_text(t, y, 0, t->cols - vw - uw, line, c);
	tui_text(t, y, t->cols - vw - uw, uw, row->unit, c);
	char val[64];
	const char *s = report_value_text(&v->r.values[i], val, sizeof val);
	tui_text_right(t, y, t->cols - vw, vw - 1, *s ? s : (hand ? TR("（未填）", "(empty)") : "0"), c);
}

static const struct tui_rows report_rows = { rows_count, row_text, paint_row, NULL };
extern const struct key_table report_key_table;

static void paint(struct tui *t, void *self)
{
	struct report_view *v = self;
	if (!v->loaded)
		load(t, v);
	if (!v->loaded) {
		tui_list_header(t, &v->list, TR("统计表", "Statistics table"));
		return;
	}
	char line[1400], a[40], b[40];
	snprintf(line, sizeof line, TRF("%s（%s）", "%s (%s)"), v->r.title, v->r.t.caption);
	tui_list_header(t, &v->list, line);
	/* 填报单位 comes from where the command's report takes it ([report]
	 * bureau, through report_build); unset, the page says how to set it. */
	bool unset = !*v->r.unit;
	snprintf(line, sizeof line, TR("填报单位：%s  统计时段：%s 至 %s", "Unit: %s  period: %s to %s"),
		 unset ? TR("（未设置）", "(not set)") : v->r.unit,
		 time_format(v->r.since, TIME_SHORT, a, sizeof a), time_format(v->r.shown_until, TIME_SHORT, b, sizeof b));
	tui_text(t, 1, 0, t->cols, line, C_DIM);
	int top = 2;
	if (unset) {
		const struct config *cfg = t->c->cfg;
		/* what to write first, the file after: a long path is what gets cut */
		snprintf(line, sizeof line, TR("设置：[report] 一节写 bureau = 本局名称，配置文件 %s",
					       "To set it: bureau = your bureau's name under [report], in %s"),
			 cfg && *cfg->path ? cfg->path : "~/.config/zhishou/zhishou.conf");
		tui_text(t, top++, 0, t->cols, line, C_WARN);
	}
	tui_list_paint(t, &v->list, top, t->rows - top - 1);
	tui_hints(t, &report_key_table);
}

static void value_done(struct tui *t, void *ud, const char *answer)
{
	struct report_view *v = ud;
	if (!answer || !v->loaded)
		return;
	int i = tui_list_current(&v->list);
	if (i < 0)
		return;
	const struct report_row *row = &v->r.t.rows[i];
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

static int template_cb(const char *name, void *ud)
{
	struct templates *ts = ud;
	struct report_template probe;
	struct zs_error err = { 0 };
	if (ts->n == TEMPLATES_MAX || report_template_load(name, &probe, &err))
		return 0;
	char row[512];
	snprintf(row, sizeof row, "%s  %s", probe.caption, name);
	ts->name[ts->n] = strdup(name);
	ts->row[ts->n] = strdup(row);
	if (ts->name[ts->n] && ts->row[ts->n]) {
		ts->n++;
	} else {
		free(ts->name[ts->n]);
		free(ts->row[ts->n]);
	}
	report_template_clear(&probe);
	return 0;
}

static void templates_free(struct templates *ts)
{
	for (int i = 0; i < ts->n; i++) {
		free(ts->name[i]);
		free(ts->row[i]);
	}
	ts->n = 0;
}

static void template_done(struct tui *t, void *ud, int index, const char *row)
{
	(void)row;
	struct report_view *v = ud;
	if (index >= 0 && index < v->templates.n) {
		snprintf(v->tmpl, sizeof v->tmpl, "%s", v->templates.name[index]);
		snprintf(t->report_template, sizeof t->report_template, "%s", v->tmpl);
		v->list.sel = v->list.top = 0;
		unload(v);
	}
	templates_free(&v->templates);
}

static bool key_fill(struct tui *t, void *self, int key)
{
	(void)key;
	struct report_view *v = self;
	int i = v->loaded ? tui_list_current(&v->list) : -1;
	if (i < 0)
		return true;
	if (v->r.t.rows[i].measure == RM_MANUAL) {
		char q[512], cur[64];
		snprintf(q, sizeof q, TR("%s（%s）：", "%s (%s): "), v->r.t.rows[i].label, v->r.t.rows[i].unit);
		prompt_open(t, q, report_value_text(&v->r.values[i], cur, sizeof cur), value_done, v);
	} else {
		tui_message(t, false, "%s", TR("这一行由当晚的数据算出，不能手填", "this row is computed from the night's data"));
	}
	return true;
}

/* t: the templates by their Chinese captions (beside each, the name the
 * command's --template takes), starting on the one shown. */
static bool key_template(struct tui *t, void *self, int key)
{
	(void)key;
	struct report_view *v = self;
	templates_free(&v->templates);
	report_template_each(template_cb, &v->templates);
	struct choose_opts o = { .filter = "", .start = -1 };
	for (int i = 0; i < v->templates.n; i++)
		if (!strcmp(v->templates.name[i], v->tmpl))
			o.start = i;
	list_choose_opts(t, TR("换统计表模板", "Switch template"), v->templates.row, v->templates.n, &o, template_done, v);
	return true;
}

/* The table as it stands now (built again, as `zhishou report` would),
 * written by report_write like the command's -o: whole or not at all; the
 * message names the file by its full path. */
static void write_now(struct tui *t, struct report_view *v)
{
	load(t, v);
	if (!v->loaded)
		return;
	struct zs_error err = { 0 };
	if (report_write(&v->r, v->out_format, v->out.path, NULL, &err)) {
		tui_message(t, true, "%s", err.msg);
		return;
	}
	char real[PATH_MAX];
	tui_message(t, false, TR("已写入 %s", "Written: %s"), realpath(v->out.path, real) ? real : v->out.path);
}

static void write_cb(struct tui *t, void *ud)
{
	struct report_view *v = ud;
	report_format_of_path(v->out.path, &v->out_format);
	write_now(t, v);
}

static bool format_known(const char *path)
{
	enum report_format f;
	return report_format_of_path(path, &f);
}

/* w: the table to a file, its format from the extension (as -o). */
static bool key_write(struct tui *t, void *self, int key)
{
	(void)key;
	struct report_view *v = self;
	v->out = (struct file_ask){ .ok = format_known, .write = write_cb, .ud = v,
				    .bad = TR("文件名要以 .xlsx、.csv、.md 或 .txt 结尾，如 统计表.xlsx；没有写入",
					      "the file name must end in .xlsx, .csv, .md or .txt, e.g. report.xlsx; nothing written") };
	prompt_file(t, TR("写到文件（.xlsx .csv .md .txt）：", "Write to file (.xlsx .csv .md .txt): "), TR("统计表.xlsx", "report.xlsx"), &v->out);
	return true;
}

static const struct key_binding report_keys[] = {
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "填写✎行", "fill in ✎", "填写所选的手填行（✎，带班领导；灰色行由当晚数据算出）", "fill in the selected hand row (✎, leaders; grey rows are computed)", ROLE_LEADER, key_fill },
	{ { 't' }, "t", "换模板", "template", "换一个统计表模板", "switch to another template", ROLE_NONE, key_template },
	{ { 'w' }, "w", "写出文件", "write", "把统计表写到文件（xlsx、csv、md、txt，看扩展名；同 zhishou report -o）", "write the table to a file (xlsx, csv, md, txt by its extension; as zhishou report -o)", ROLE_NONE, key_write },
	{ { 'f' }, "f", "筛选", "filter", "筛选统计行", "filter the rows", ROLE_NONE, tui_list_key_filter },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回", "back", ROLE_NONE, tui_key_close },
};
const struct key_table report_key_table = KEY_TABLE("统计表", "Statistics table", report_keys);

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct report_view *v = self;
	return tui_list_key(t, &v->list, key, fkey);
}

static void changed(struct tui *t, void *self)
{
	(void)t;
	unload(self);
}

static void closed(struct tui *t, void *self)
{
	(void)t;
	struct report_view *v = self;
	unload(v);
	templates_free(&v->templates);
	tui_list_free(&v->list);
	free(v);
}

static const struct view view_report = { "report", &report_key_table, paint, on_key, tui_list_typing, changed, closed };

void report_view_open(struct tui *t)
{
	struct report_view *v = calloc(1, sizeof *v);
	if (!v)
		return;
	snprintf(v->tmpl, sizeof v->tmpl, "%s", *t->report_template ? t->report_template : "default");
	tui_list_init(&v->list, &report_rows, v);
	tui_push(t, &view_report, v);
}
