/* The pager every long text shares (details, help): lines wrapped by
 * display columns at paint time, so any width shows all of every line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/text.h"

void pager_clear(struct tui_pager *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->lines[i].text);
	free(p->lines);
	p->lines = NULL;
	p->n = p->cap = 0;
	p->mark = -1;
}

static void push(struct tui_pager *p, enum tui_color c, const char *s, size_t len)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 64;
		void *grown = realloc(p->lines, (size_t)cap * sizeof *p->lines);
		if (!grown)
			return;
		p->lines = grown;
		p->cap = cap;
	}
	char *copy = strndup(s, len);
	if (copy)
		p->lines[p->n++] = (struct pager_line){ copy, c };
}

/* Each \n of the text (summaries, notes) starts a line of its own. */
void pager_add(struct tui_pager *p, enum tui_color c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *buf = NULL;
	bool ok = vasprintf(&buf, fmt, ap) >= 0;
	va_end(ap);
	for (const char *s = buf; ok;) {
		size_t len = strcspn(s, "\n");
		push(p, c, s, len);
		if (!s[len])
			break;
		s += len + 1;
	}
	if (ok)
		free(buf);
}

/* The screen rows line i takes in w columns; with draw, drawn from row
 * `first` (rows before y are skipped, rows from y + h are not drawn). */
static int wrap(struct tui *t, const char *s, int w, int y, int first, int h, int x, enum tui_color c, bool draw)
{
	int rows = 0;
	/* A continuation keeps the line's indent, so wrapped text stays under
	 * its own field. */
	int indent = (int)strspn(s, " ");
	if (indent > w / 2)
		indent = 0;
	const char *p = s;
	do {
		int lead = rows ? indent : 0;
		/* The CLI's break rule: no line starts with ，or 。, and 08:00 or a
		 * phone number stays whole. */
		size_t n = text_wrap_line(p, w - lead);
		int row = first + rows;
		if (draw && row >= y && row < y + h) {
			char line[2048];
			snprintf(line, sizeof line, "%*s%.*s", lead, "", (int)n, p);
			tui_text(t, row, x, w, line, c);
		}
		rows++;
		p += n;
		while (*p == ' ')   /* the space a line broke at starts no line */
			p++;
	} while (*p);
	return rows;
}

void pager_paint(struct tui *t, struct tui_pager *p, int y, int h, int x, int w)
{
	if (w < 4 || h < 1)
		return;
	p->page = h;
	int total = 0, mark_row = -1, mark_rows = 0;
	for (int i = 0; i < p->n; i++) {
		int r = wrap(t, p->lines[i].text, w, 0, 0, 0, x, C_NORMAL, false);
		if (i == p->mark) {
			mark_row = total;
			mark_rows = r;
		}
		total += r;
	}
	p->total = total;
	if (p->show_mark && mark_row >= 0) {
		if (mark_row < p->scroll)
			p->scroll = mark_row;
		else if (mark_row + mark_rows > p->scroll + h)
			p->scroll = mark_row + mark_rows - h;
		p->show_mark = false;
	}
	if (p->scroll > total - h)
		p->scroll = total - h;
	if (p->scroll < 0)
		p->scroll = 0;
	int row = y - p->scroll;
	for (int i = 0; i < p->n && row < y + h; i++)
		row += wrap(t, p->lines[i].text, w, y, row, h, x, i == p->mark ? C_SELECTED : p->lines[i].color, true);
}

bool pager_key(struct tui_pager *p, int key, bool fkey)
{
	int page = p->page > 2 ? p->page - 1 : 1;
	if (fkey) {
		switch (key) {
		case KEY_DOWN: p->scroll++; break;
		case KEY_UP: p->scroll--; break;
		case KEY_NPAGE: p->scroll += page; break;
		case KEY_PPAGE: p->scroll -= page; break;
		case KEY_HOME: p->scroll = 0; break;
		case KEY_END: p->scroll = p->total; break;
		default: return false;
		}
	} else {
		switch (key) {
		case 'j': case 'J': p->scroll++; break;
		case 'K': p->scroll--; break;
		case ' ': p->scroll += page; break;
		case 'b': p->scroll -= page; break;
		case 'g': p->scroll = 0; break;
		case 'G': p->scroll = p->total; break;
		default: return false;
		}
	}
	if (p->scroll > p->total - p->page)
		p->scroll = p->total - p->page;
	if (p->scroll < 0)
		p->scroll = 0;
	return true;
}
