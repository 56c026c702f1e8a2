/* The list widget every list page shares, and the pick list built on it.
 *
 * The page owns its rows; the widget keeps which of them pass the filter
 * (vis), the selection and the scroll over those.  Typing after `f` narrows
 * the rows at once: every word of the filter must appear in the row. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* strcasestr */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/pinyin.h"
#include "zhishou/reads.h"
#include "zhishou/text.h"

void tui_list_init(struct tui_list *l, const struct tui_rows *rows, void *ud)
{
	memset(l, 0, sizeof *l);
	l->rows = rows;
	l->ud = ud;
}

void tui_list_free(struct tui_list *l)
{
	free(l->vis);
	free(l->rank);
	free(l->filter);
	l->vis = NULL;
	l->rank = NULL;
	l->filter = NULL;
	l->nvis = l->cap = 0;
}

static bool matches(const char *text, const char *filter)
{
	char buf[256];
	const char *p = filter;
	while (*p) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		snprintf(buf, sizeof buf, "%.*s", (int)n, p);
		/* A part of the row, or the pinyin initials of a name in it (slh
		 * finds 孙丽华 in the roster, as in the pick lists). */
		if (!pick_match(text, buf))
			return false;
		p += n;
	}
	return true;
}

static void clamp(struct tui_list *l)
{
	if (l->sel >= l->nvis)
		l->sel = l->nvis ? l->nvis - 1 : 0;
	if (l->sel < 0)
		l->sel = 0;
}

/* Rows the page's match accepts, best first, ties in the page's order (an
 * insertion sort: pick lists are a few hundred rows at most). */
static void ranked(struct tui_list *l, int n, const char *f)
{
	for (int i = 0; i < n; i++) {
		enum tui_color c;
		bool head = false;
		int r = l->rows->match(l->rows->text(l->ud, i, &c, &head), f);
		if (r <= 0)
			continue;
		int k = l->nvis++;
		for (; k > 0 && l->rank[k - 1] < r; k--) {
			l->vis[k] = l->vis[k - 1];
			l->rank[k] = l->rank[k - 1];
		}
		l->vis[k] = i;
		l->rank[k] = r;
	}
	clamp(l);
}

void tui_list_update(struct tui_list *l)
{
	int n = l->rows->count(l->ud);
	if (n > l->cap) {
		int *v = realloc(l->vis, (size_t)n * sizeof *v);
		if (v)
			l->vis = v;
		int *r = v ? realloc(l->rank, (size_t)n * sizeof *r) : NULL;
		if (!r)
			return;
		l->rank = r;
		l->cap = n;
	}
	const char *f = l->filter ? l->filter->buf : "";
	l->nvis = 0;
	if (l->rows->match) {
		ranked(l, n, f);
		return;
	}
	/* A heading that matches brings its whole group; one that does not
	 * is shown above the first of its rows that does. */
	int pending = -1;
	bool group = false;
	for (int i = 0; i < n; i++) {
		enum tui_color c;
		bool head = false;
		const char *s = l->rows->text(l->ud, i, &c, &head);
		if (!*f) {
			l->vis[l->nvis++] = i;
		} else if (head) {
			group = matches(s, f);
			pending = group ? -1 : i;
			if (group)
				l->vis[l->nvis++] = i;
		} else if (group || matches(s, f)) {
			if (pending >= 0)
				l->vis[l->nvis++] = pending;
			pending = -1;
			l->vis[l->nvis++] = i;
		}
	}
	clamp(l);
}

int tui_list_current(const struct tui_list *l)
{
	return l->sel < l->nvis ? l->vis[l->sel] : -1;
}

void tui_list_start_filter(struct tui_list *l, const char *text)
{
	if (!l->filter && !(l->filter = calloc(1, sizeof *l->filter)))
		return;
	le_set(l->filter, text);
	l->filter->max_chars = 60;
	l->filtering = true;
	l->sel = l->top = 0;
	tui_list_update(l);
}

bool tui_list_typing(void *self)
{
	return ((struct tui_list *)self)->filtering;
}

bool tui_list_key_filter(struct tui *t, void *self, int key)
{
	(void)t;
	(void)key;
	struct tui_list *l = self;
	tui_list_start_filter(l, l->filter ? l->filter->buf : "");
	return true;
}

void tui_list_paint(struct tui *t, struct tui_list *l, int y, int h)
{
	bool has_filter = l->filter && (l->filtering || l->filter->len);
	if (l->filtering)
		h--;
	if (h < 1)
		h = 1;
	l->page = h;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + h)
		l->top = l->sel - h + 1;
	if (l->top + h > l->nvis)
		l->top = l->nvis - h > 0 ? l->nvis - h : 0;
	for (int k = 0; k < h && l->top + k < l->nvis; k++) {
		int i = l->vis[l->top + k];
		bool sel = l->top + k == l->sel;
		if (l->rows->paint_row) {
			l->rows->paint_row(t, l->ud, i, y + k, sel);
			continue;
		}
		enum tui_color c = C_NORMAL;
		bool head = false;
		const char *s = l->rows->text(l->ud, i, &c, &head);
		tui_text(t, y + k, 0, t->cols, s, sel ? C_SELECTED : c);
	}
	if (!l->nvis && has_filter)
		tui_text(t, y, 1, t->cols - 1,
			 l->typed_ok ? TR("（不在名单上：Enter 按打的字记下）", "(not on the list: Enter takes what you typed)")
				     : TR("（没有匹配；Backspace 改筛选，Esc 清除）", "(no match; Backspace edits the filter, Esc clears it)"),
			 C_DIM);
	if (!l->filtering)
		return;
	/* The filter being typed, on the line above the hints. */
	char label[128];
	int fy = y + h;
	snprintf(label, sizeof label, TR("筛选：", "Filter: "));
	int lw = text_width(label);
	tui_fill(t, fy, 0, t->cols, C_HEADER);
	tui_text(t, fy, 0, lw, label, C_HEADER);
	t->cursor_x = le_draw(t, l->filter, fy, lw, t->cols - lw, C_HEADER);
	t->cursor_y = fy;
	t->cursor_on = true;
}

void tui_list_header(struct tui *t, const struct tui_list *l, const char *title)
{
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	int fw = 0;
	/* The filter on the right, where a long title cannot push it off. */
	if (l->filter && l->filter->len) {
		char f[256];
		snprintf(f, sizeof f, TR(" 筛选：%s（%d 行） ", " filter: %s (%d rows) "), l->filter->buf, l->nvis);
		fw = text_width(f);
		if (fw > t->cols / 2)
			fw = t->cols / 2;
		tui_text_right(t, 0, t->cols - fw, fw, f, C_HEADER);
	}
	tui_text(t, 0, 1, t->cols - 2 - fw, title, C_HEADER);
}

static void step(struct tui_list *l, int to)
{
	if (!l->nvis)
		return;
	if (to < 0)
		to = 0;
	if (to >= l->nvis)
		to = l->nvis - 1;
	l->sel = to;
}

bool tui_list_key(struct tui *t, struct tui_list *l, int key, bool fkey)
{
	int page = l->page > 1 ? l->page - 1 : 1;
	(void)t;
	if (fkey) {
		switch (key) {
		case KEY_DOWN: step(l, l->sel + 1); return true;
		case KEY_UP: step(l, l->sel - 1); return true;
		case KEY_NPAGE: step(l, l->sel + page); return true;
		case KEY_PPAGE: step(l, l->sel - page); return true;
		case KEY_HOME: step(l, 0); return true;
		case KEY_END: step(l, l->nvis - 1); return true;
		}
	}
	if (l->filtering) {
		if (!fkey && (key == 27 || key == 7)) {   /* Esc: the filter goes */
			le_clear(l->filter);
			l->filtering = false;
			tui_list_update(l);
			return true;
		}
		if ((!fkey && (key == '\r' || key == '\n')) || (fkey && key == KEY_ENTER)) {
			l->filtering = false;
			return true;
		}
		bool changed = false;
		if (!le_key(l->filter, key, fkey, &changed))
			return false;
		if (changed) {
			l->sel = l->top = 0;
			tui_list_update(l);
		}
		return true;
	}
	if (fkey)
		return false;
	switch (key) {
	case 'j': step(l, l->sel + 1); return true;
	case 'k': step(l, l->sel - 1); return true;
	case ' ': step(l, l->sel + page); return true;
	}
	return false;
}

static const struct key_binding list_nav_keys[] = {
	{ { 'j', TUI_FKEY(KEY_DOWN) }, "↓/j", NULL, NULL, "下一行", "next row", ROLE_NONE, NULL },
	{ { 'k', TUI_FKEY(KEY_UP) }, "↑/k", NULL, NULL, "上一行", "previous row", ROLE_NONE, NULL },
	{ { ' ', TUI_FKEY(KEY_NPAGE) }, "PgDn/Space", NULL, NULL, "向下翻页", "page down", ROLE_NONE, NULL },
	{ { TUI_FKEY(KEY_PPAGE) }, "PgUp", NULL, NULL, "向上翻页", "page up", ROLE_NONE, NULL },
	{ { TUI_FKEY(KEY_HOME), TUI_FKEY(KEY_END) }, "Home/End", NULL, NULL, "到第一行 / 最后一行", "first / last row", ROLE_NONE, NULL },
	{ { 'f' }, "f", NULL, NULL, "筛选：边打字边缩小列表（Enter 保留，Esc 清除）", "filter: the list narrows as you type (Enter keeps it, Esc clears it)", ROLE_NONE, NULL },
};
const struct key_table list_nav_key_table = KEY_TABLE("所有列表", "Every list", list_nav_keys);

/* --- the pick list ------------------------------------------------------ */

struct chooser {
	struct tui_list list;    /* first: the shared bindings reach it */
	char title[256];
	char **rows;
	bool *marked;            /* multi: the rows Tab marked */
	int n;
	struct choose_opts o;
	char sep[8];
	choose_done_cb done;
	void *ud;
};

static int ch_count(void *ud)
{
	return ((struct chooser *)ud)->n;
}

static const char *ch_text(void *ud, int i, enum tui_color *c, bool *heading)
{
	*c = C_NORMAL;
	*heading = false;
	return ((struct chooser *)ud)->rows[i];
}

/* A row that starts with its number (#15 标题) ranks first for exactly that
 * number typed (15 or #15), above #150 and a time 21:15 that merely hold
 * it; the rest as pick_match ranks names. */
static int ch_match(const char *text, const char *typed)
{
	const char *d = typed + (*typed == '#');
	size_t nd = strspn(d, "0123456789");
	if (nd && !d[nd] && text[0] == '#' && !strncmp(text + 1, d, nd) && (text[1 + nd] == ' ' || !text[1 + nd]))
		return 10;
	return pick_match(text, typed);
}

static void ch_paint_row(struct tui *t, void *ud, int i, int y, bool selected)
{
	struct chooser *ch = ud;
	char line[1100];
	snprintf(line, sizeof line, "%s %s", ch->marked[i] ? "✓" : " ", ch->rows[i]);
	tui_text(t, y, 0, t->cols, line, selected ? C_SELECTED : ch->marked[i] ? C_OK : C_NORMAL);
}

static const struct tui_rows chooser_rows = { ch_count, ch_text, NULL, ch_match };
static const struct tui_rows chooser_multi_rows = { ch_count, ch_text, ch_paint_row, ch_match };

/* The marked rows joined with the separator (NULL: none marked). */
static char *ch_joined(const struct chooser *ch, int *first)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	int k = 0;
	for (int i = 0; i < ch->n; i++)
		if (ch->marked[i]) {
			if (!k++)
				*first = i;
			fprintf(f, "%s%s", k > 1 ? ch->sep : "", ch->rows[i]);
		}
	fclose(f);
	if (!k) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* row: what done gets (the picked row, the marked rows joined, the text
 * typed); NULL for Esc. */
static void ch_finish(struct tui *t, struct chooser *ch, int i, char *row)
{
	choose_done_cb done = ch->done;
	void *ud = ch->ud;
	tui_pop(t);   /* frees ch */
	done(t, ud, row ? i : -1, row);
	free(row);
}

static bool ch_pick(struct tui *t, void *self, int key)
{
	(void)key;
	struct chooser *ch = self;
	int first = -1;
	char *joined = ch->o.multi ? ch_joined(ch, &first) : NULL;
	if (joined) {
		ch_finish(t, ch, first, joined);
		return true;
	}
	int i = tui_list_current(&ch->list);
	const char *typed = ch->list.filter ? ch->list.filter->buf : "";
	if (i < 0 && ch->o.typed_ok && *typed) {
		ch_finish(t, ch, -1, strdup(typed));
		return true;
	}
	if (i < 0) {
		tui_message(t, true, "%s", TR("没有匹配的条目：改一改筛选，或按 Esc 取消", "nothing matches: change the filter or press Esc"));
		return true;
	}
	ch_finish(t, ch, i, strdup(ch->rows[i]));
	return true;
}

static bool ch_cancel(struct tui *t, void *self, int key)
{
	(void)key;
	ch_finish(t, self, -1, NULL);
	return true;
}

/* Multi: Tab marks (or unmarks) the highlighted row and clears the filter
 * for the next name. */
static bool ch_mark(struct tui *t, void *self, int key)
{
	(void)t;
	(void)key;
	struct chooser *ch = self;
	int i = tui_list_current(&ch->list);
	if (i < 0)
		return true;
	ch->marked[i] = !ch->marked[i];
	tui_list_start_filter(&ch->list, "");
	for (int k = 0; k < ch->list.nvis; k++)
		if (ch->list.vis[k] == i)
			ch->list.sel = k;
	return true;
}

static const struct key_binding choose_keys[] = {
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "选定", "pick", "选定高亮的一项（先打字筛选：名称的开头、一部分、拼音首字母如 spaq，或编号）", "pick the highlighted entry (type to filter first: the start of a name, a part, its pinyin initials such as spaq, or a number)", ROLE_NONE, ch_pick },
	{ { 27, 7 }, "Esc", "取消", "cancel", "取消，什么也不改（Ctrl-U 清空筛选）", "cancel, nothing changes (Ctrl-U clears the filter)", ROLE_NONE, ch_cancel },
	{ { 0 }, "↑↓", "选择", "select", "在匹配的条目间移动", "move among the matches", ROLE_NONE, NULL },
};
const struct key_table choose_key_table = KEY_TABLE("选择列表", "Pick lists", choose_keys);

static const struct key_binding choose_multi_keys[] = {
	{ { '\t' }, "Tab", "勾选", "mark", "勾选或取消高亮的一项（可选多项）", "mark or unmark the highlighted entry (several allowed)", ROLE_NONE, ch_mark },
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "完成", "done", "完成：取勾选的各项（没有勾选时取高亮的一项）", "done: the marked entries (the highlighted one if none is marked)", ROLE_NONE, ch_pick },
	{ { 27, 7 }, "Esc", "取消", "cancel", "取消，什么也不改", "cancel, nothing changes", ROLE_NONE, ch_cancel },
};
const struct key_table choose_multi_key_table = KEY_TABLE("多选列表", "Pick lists of several", choose_multi_keys);

static void ch_paint(struct tui *t, void *self)
{
	struct chooser *ch = self;
	tui_list_header(t, &ch->list, ch->title);
	tui_list_paint(t, &ch->list, 1, t->rows - 2);
	tui_hints(t, ch->o.multi ? &choose_multi_key_table : &choose_key_table);
}

static bool ch_on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct chooser *ch = self;
	/* Enter, Esc (and Tab of a multi pick) are the chooser's own bindings. */
	if ((!fkey && (key == '\r' || key == '\n' || key == 27 || key == 7)) || (fkey && key == KEY_ENTER) ||
	    (ch->o.multi && !fkey && key == '\t'))
		return false;
	/* The filter stays open: every printable key narrows the list. */
	if (!ch->list.filtering && !fkey && key >= 0x20 && key != 0x7F)
		tui_list_start_filter(&ch->list, ch->list.filter ? ch->list.filter->buf : "");
	return tui_list_key(t, &ch->list, key, fkey);
}

static bool ch_typing(void *self)
{
	(void)self;
	return true;   /* letters are the filter, never keys */
}

static void ch_close(struct tui *t, void *self)
{
	(void)t;
	struct chooser *ch = self;
	for (int i = 0; i < ch->n; i++)
		free(ch->rows[i]);
	free(ch->rows);
	free(ch->marked);
	tui_list_free(&ch->list);
	free(ch);
}

static const struct view view_choose = { "choose", &choose_key_table, ch_paint, ch_on_key, ch_typing, NULL, ch_close };
static const struct view view_choose_multi = { "choose", &choose_multi_key_table, ch_paint, ch_on_key, ch_typing, NULL, ch_close };

void list_choose_opts(struct tui *t, const char *title, char *const *rows, int n, const struct choose_opts *o,
		      choose_done_cb done, void *ud)
{
	struct chooser *ch = calloc(1, sizeof *ch);
	size_t cap = (size_t)(n > 0 ? n : 1);
	if (!ch || !(ch->rows = calloc(cap, sizeof *ch->rows)) || !(ch->marked = calloc(cap, sizeof *ch->marked))) {
		if (ch)
			free(ch->rows);
		free(ch);
		done(t, ud, -1, NULL);
		return;
	}
	snprintf(ch->title, sizeof ch->title, "%s", title);
	ch->o = *o;
	snprintf(ch->sep, sizeof ch->sep, "%s", o->sep ? o->sep : "、");
	int start = -1;
	for (int i = 0; i < n; i++)
		if ((ch->rows[ch->n] = strdup(rows[i]))) {
			if (i == o->start)
				start = ch->n;
			if (o->mark && o->mark[i])
				ch->marked[ch->n] = true;
			ch->n++;
		}
	ch->done = done;
	ch->ud = ud;
	tui_list_init(&ch->list, o->multi ? &chooser_multi_rows : &chooser_rows, ch);
	ch->list.typed_ok = o->typed_ok;
	tui_list_start_filter(&ch->list, o->filter ? o->filter : "");
	/* Start on the row asked for (the item the form warned about). */
	for (int k = 0; start >= 0 && k < ch->list.nvis; k++)
		if (ch->list.vis[k] == start)
			ch->list.sel = k;
	t->message[0] = '\0';
	tui_push(t, o->multi ? &view_choose_multi : &view_choose, ch);
}

void list_choose(struct tui *t, const char *title, char *const *rows, int n, const char *filter,
		 choose_done_cb done, void *ud)
{
	struct choose_opts o = { .filter = filter, .start = -1 };
	list_choose_opts(t, title, rows, n, &o, done, ud);
}

struct names {
	char **v;
	int n, cap;
};

static int unit_cb(const struct unit *u, void *ud)
{
	struct names *nm = ud;
	if (nm->n == nm->cap) {
		int cap = nm->cap ? nm->cap * 2 : 32;
		char **v = realloc(nm->v, (size_t)cap * sizeof *v);
		if (!v)
			return 1;
		nm->v = v;
		nm->cap = cap;
	}
	if ((nm->v[nm->n] = strdup(u->name)))
		nm->n++;
	return 0;
}

static void names_free(struct names *nm)
{
	for (int i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
}

void unit_choose(struct tui *t, const char *title, const char *filter, choose_done_cb done, void *ud)
{
	struct choose_opts o = { .filter = filter, .start = -1 };
	unit_choose_opts(t, title, &o, NULL, done, ud);
}

void unit_choose_opts(struct tui *t, const char *title, const struct choose_opts *opts, const char *current,
		      choose_done_cb done, void *ud)
{
	struct names nm = { 0 };
	struct zs_error err = { 0 };
	if (unit_list(t->c, unit_cb, &nm, &err) && err.code) {
		tui_message(t, true, "%s", err.msg);
	} else if (!nm.n) {
		tui_message(t, true, "%s", TR("还没有单位：先导入值班表（zhishou roster import）", "no units yet: import the duty roster first (zhishou roster import)"));
	} else {
		/* The units already chosen (a;b) start marked. */
		struct choose_opts o = *opts;
		bool *mark = current && *current ? calloc((size_t)nm.n, sizeof *mark) : NULL;
		for (int i = 0; mark && i < nm.n; i++) {
			const char *p = current;
			size_t l = strlen(nm.v[i]);
			while ((p = strstr(p, nm.v[i]))) {
				if ((p == current || p[-1] == ';') && (p[l] == ';' || !p[l]))
					mark[i] = true;
				p += l;
			}
		}
		o.mark = mark;
		list_choose_opts(t, title, nm.v, nm.n, &o, done, ud);
		free(mark);
	}
	names_free(&nm);
}
