/* The full roster for the night (with a filter) and search results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/search.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

#define MAX_ROWS 1000

struct row {
	char *text;
	enum tui_color color;
	int64_t id;        /* search: the record to open */
	bool exposure;
};

struct list {
	bool search;
	char filter[256];
	struct row rows[MAX_ROWS];
	int n, sel, top;
};

static struct list roster_list, search_list;

static void clear_rows(struct list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->rows[i].text);
	l->n = 0;
}

static void push_row(struct list *l, enum tui_color c, int64_t id, bool exposure, const char *s)
{
	if (l->n >= MAX_ROWS)
		return;
	l->rows[l->n].text = strdup(s);
	l->rows[l->n].color = c;
	l->rows[l->n].id = id;
	l->rows[l->n].exposure = exposure;
	l->n++;
}

struct roster_load {
	struct list *l;
	int64_t now;
	char unit[128];
};

static int roster_cb(const struct roster_entry *r, void *ud)
{
	struct roster_load *rl = ud;
	char line[512], a[16], b[16];
	snprintf(line, sizeof line, "%s %s %s %s %s %s-%s", r->unit, r->name, r->title, r->landline, r->mobile,
		 time_format(r->shift_start, TIME_CLOCK, a, sizeof a), time_format(r->shift_end, TIME_CLOCK, b, sizeof b));
	if (rl->l->filter[0] && !strstr(line, rl->l->filter))
		return 0;
	if (strcmp(rl->unit, r->unit)) {
		snprintf(rl->unit, sizeof rl->unit, "%s", r->unit);
		push_row(rl->l, C_TITLE, 0, false, r->unit);
	}
	bool on = r->shift_start <= rl->now && r->shift_end > rl->now;
	snprintf(line, sizeof line, "  %s %-s  %s  %s  %s  %s-%s%s", r->is_leader ? TR("带班", "lead") : TR("    ", "    "), r->name,
		 r->title, *r->landline ? r->landline : "—", *r->mobile ? r->mobile : "—", a, b, on ? TR("  在岗", "  on duty") : "");
	push_row(rl->l, on ? C_NORMAL : C_DIM, 0, false, line);
	return 0;
}

static void load_roster(struct tui *t, struct list *l)
{
	clear_rows(l);
	char date[16];
	/* The night's roster: the duty date is the evening's date (before 06:00
	 * it is still last night). */
	time_format(t->c->now - 6 * 3600, TIME_DATE, date, sizeof date);
	struct roster_load rl = { .l = l, .now = t->c->now };
	struct zs_error err = { 0 };
	store_roster_each(t->c->st, date, 0, roster_cb, &rl, &err);
	if (!l->n)
		push_row(l, C_DIM, 0, false, TR("（今晚的值班表里没有符合的人）", "(nobody on tonight's roster matches)"));
}

static int sx_cb(const struct exposure *e, void *ud)
{
	struct list *l = ud;
	(void)e;
	char line[512];
	snprintf(line, sizeof line, "%s #%lld %s  %s", TR("曝光", "exposure"), (long long)e->id, e->title,
		 vocab_label(&vocab_exposure_status, e->status));
	push_row(l, C_TITLE, e->id, true, line);
	return 0;
}

struct sx {
	struct list *l;
	struct search_query *q;
};

static int sx_exposure_cb(const struct exposure *e, void *ud)
{
	struct sx *s = ud;
	const char *fields[] = { e->title, e->industry, e->companies, e->keywords };
	return search_match_all(s->q, fields, 4) ? sx_cb(e, s->l) : 0;
}

static int si_cb(const struct intake *i, void *ud)
{
	struct list *l = ud;
	char line[1024], t[32];
	snprintf(line, sizeof line, "%s #%lld %s %s %s  %s", TR("登记", "intake"), (long long)i->id,
		 time_format(i->received_at, TIME_SHORT, t, sizeof t), vocab_label(&vocab_status, i->status), i->subject, i->summary);
	push_row(l, C_NORMAL, i->id, false, line);
	return 0;
}

static void load_search(struct tui *t, struct list *l)
{
	clear_rows(l);
	struct search_query q;
	struct zs_error err = { 0 };
	if (search_parse(l->filter, &q, &err)) {
		push_row(l, C_OVERDUE, 0, false, err.msg);
		return;
	}
	struct sx s = { l, &q };
	store_exposure_each(t->c->st, false, q.fts, NULL, sx_exposure_cb, &s, &err);
	struct intake_filter f = { .fts = q.fts, .limit = 200 };
	for (int k = 0; k < SEARCH_MAX_SHORT; k++)
		f.like[k] = q.like[k];
	store_intake_each(t->c->st, &f, si_cb, l, &err);
	search_free(&q);
	if (!l->n)
		push_row(l, C_DIM, 0, false, TR("（没有找到）", "(nothing found)"));
}

static const struct key_binding list_keys[] = {
	{ '/', false, "/, f", "筛选 / 重新搜索", "filter / search again" },
	{ '\r', false, "Enter", "打开所选（搜索结果）", "open the selected result" },
	{ 27, false, "Esc/q", "返回", "back" },
};
const struct key_table list_key_table = { "值班表与搜索", "Roster and search", list_keys, 3 };

static void paint(struct tui *t, void *self)
{
	struct list *l = self;
	if (!l->n && !(l->search && !l->filter[0]))
		l->search ? load_search(t, l) : load_roster(t, l);
	char title[512];
	if (l->search)
		snprintf(title, sizeof title, TR("搜索「%s」：%d 条", "Search \"%s\": %d"), l->filter, l->n);
	else
		snprintf(title, sizeof title, TR("今晚值班表%s%s", "Tonight's roster%s%s"), l->filter[0] ? TR(" · 筛选：", " - filter: ") : "", l->filter);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 1, t->cols - 2, title, C_HEADER);
	int rows = t->rows - 2;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
	for (int k = 0; k < rows && l->top + k < l->n; k++) {
		int i = l->top + k;
		tui_text(t, 1 + k, 0, t->cols, l->rows[i].text, i == l->sel ? C_SELECTED : l->rows[i].color);
	}
	tui_text(t, t->rows - 1, 0, t->cols,
		 l->search ? TR("↑↓ 选择  Enter 打开  / 重新搜索  Esc 返回", "arrows select  Enter open  / search again  Esc back")
			   : TR("↑↓ 滚动  / 筛选（单位、姓名、电话）  Esc 返回", "arrows scroll  / filter (unit, name, phone)  Esc back"),
		 C_HINT);
}

static void filter_done(struct tui *t, void *ud, const char *answer)
{
	struct list *l = ud;
	if (!answer) {
		if (l->search && !l->filter[0])
			tui_pop(t);
		return;
	}
	snprintf(l->filter, sizeof l->filter, "%s", answer);
	l->sel = l->top = 0;
	clear_rows(l);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct list *l = self;
	if (fkey) {
		if (key == KEY_DOWN && l->sel + 1 < l->n)
			l->sel++;
		else if (key == KEY_UP && l->sel > 0)
			l->sel--;
		else if (key == KEY_NPAGE)
			l->sel = l->sel + (t->rows - 2) < l->n ? l->sel + (t->rows - 2) : l->n - 1;
		else if (key == KEY_PPAGE)
			l->sel = l->sel > t->rows - 2 ? l->sel - (t->rows - 2) : 0;
		else if (key == KEY_ENTER)
			key = '\r', fkey = false;
		else
			return false;
		if (fkey)
			return true;
	}
	switch (key) {
	case 27:
	case 'q':
		tui_pop(t);
		return true;
	case 'j':
		if (l->sel + 1 < l->n)
			l->sel++;
		return true;
	case 'k':
		if (l->sel > 0)
			l->sel--;
		return true;
	case '/':
	case 'f':
		prompt_open(t, l->search ? TR("搜索：", "Search: ") : TR("筛选：", "Filter: "), l->filter, filter_done, l);
		return true;
	case '\r':
	case '\n':
		if (l->search && l->n && l->rows[l->sel].id) {
			if (l->rows[l->sel].exposure)
				exposure_detail_open(t, l->rows[l->sel].id);
			else
				intake_detail_open(t, l->rows[l->sel].id);
		}
		return true;
	}
	return false;
}

/* New data and closing both drop the rows; paint loads them again. */
static void drop_rows(struct tui *t, void *self)
{
	(void)t;
	clear_rows(self);
}

const struct view view_roster = { "roster", paint, on_key, drop_rows, drop_rows };
const struct view view_search = { "search", paint, on_key, drop_rows, drop_rows };

static void list_open(struct tui *t, struct list *l, bool search, const struct view *v)
{
	l->search = search;
	l->filter[0] = '\0';
	l->sel = l->top = 0;
	clear_rows(l);
	tui_push(t, v, l);
}

void roster_view_open(struct tui *t)
{
	list_open(t, &roster_list, false, &view_roster);
}

void search_view_open(struct tui *t)
{
	list_open(t, &search_list, true, &view_search);
	prompt_open(t, TR("搜索（中文一个字起，多个词空格隔开）：", "Search (Chinese from 1 character; words separated by spaces): "), "",
		    filter_done, &search_list);
}

extern const struct key_table dash_key_table, form_key_table, intake_key_table, exposure_key_table,
	prompt_key_table, edit_key_table;
const struct key_table *const tui_key_tables[] = {
	&dash_key_table, &form_key_table, &intake_key_table, &exposure_key_table, &list_key_table, &prompt_key_table,
	&edit_key_table, NULL,
};
