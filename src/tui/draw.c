/* Drawing: every string is fitted by display columns before curses sees it.
 *
 * Each cell is placed with an explicit move, so a terminal that disagrees
 * with us about one character's width cannot shift the rest of the line. */
#include <string.h>

#include "tui_internal.h"
#include "zhishou/text.h"

attr_t tui_attr(struct tui *t, enum tui_color c)
{
	/* Without colour (vt100), bold/reverse/underline carry the meaning. */
	static const attr_t mono[] = {
		[C_NORMAL] = A_NORMAL, [C_HEADER] = A_REVERSE, [C_TITLE] = A_BOLD, [C_OVERDUE] = A_BOLD | A_UNDERLINE,
		[C_NEW] = A_BOLD, [C_SELECTED] = A_REVERSE, [C_DIM] = A_NORMAL, [C_OK] = A_NORMAL,
		[C_WARN] = A_BOLD, [C_HINT] = A_NORMAL,
	};
	if (!t->colors)
		return mono[c];
	switch (c) {
	case C_NORMAL: return A_NORMAL;
	case C_HEADER: return COLOR_PAIR(1) | A_BOLD;
	case C_TITLE: return A_BOLD;
	/* Red on the default background reads on dark and light terminals;
	 * bold keeps it visible where red is dim. */
	case C_OVERDUE: return COLOR_PAIR(2) | A_BOLD;
	case C_NEW: return COLOR_PAIR(3) | A_BOLD;
	case C_SELECTED: return A_REVERSE;
	case C_DIM: return A_DIM;
	case C_OK: return COLOR_PAIR(3);
	case C_WARN: return COLOR_PAIR(4) | A_BOLD;
	case C_HINT: return COLOR_PAIR(5);
	}
	return A_NORMAL;
}

/* Fit s into w columns (left or right aligned) and put it at (y, x). */
static int put(struct tui *t, int y, int x, int w, const char *s, enum tui_color c, bool right)
{
	if (w <= 0 || y < 0 || y >= t->rows || x >= t->cols)
		return 0;
	if (x + w > t->cols)
		w = t->cols - x;
	char buf[2048];
	if (right)
		text_fit_cols_right(s ? s : "", w, buf, sizeof buf);
	else
		text_fit_cols(s ? s : "", w, true, buf, sizeof buf);
	attr_t a = tui_attr(t, c);
	attron(a);
	mvaddstr(y, x, buf);
	attroff(a);
	return w;
}

int tui_text(struct tui *t, int y, int x, int w, const char *s, enum tui_color c)
{
	return put(t, y, x, w, s, c, false);
}

int tui_text_right(struct tui *t, int y, int x, int w, const char *s, enum tui_color c)
{
	return put(t, y, x, w, s, c, true);
}

int tui_cell(struct tui *t, int y, int x, int w, const char *s, enum tui_color c)
{
	if (w <= 1)
		return tui_text(t, y, x, w, s, c);
	tui_text(t, y, x, w - 1, s, c);
	tui_text(t, y, x + w - 1, 1, " ", c);
	return w;
}

void tui_fill(struct tui *t, int y, int x, int w, enum tui_color c)
{
	tui_text(t, y, x, w, "", c);
}

void tui_hline(struct tui *t, int y, int x, int w)
{
	if (y < 0 || y >= t->rows)
		return;
	if (x + w > t->cols)
		w = t->cols - x;
	/* Box drawing is ambiguous width: ASCII where the terminal draws it wide. */
	if (t->ascii_lines)
		mvhline(y, x, '-', w);
	else
		mvhline(y, x, ACS_HLINE, w);
}

void tui_title_line(struct tui *t, int y, const char *title, bool focused)
{
	tui_hline(t, y, 0, t->cols);
	char buf[512];
	int w = text_fit_cols(title, t->cols - 4, false, buf, sizeof buf);
	attr_t a = tui_attr(t, focused ? C_HEADER : C_TITLE);
	attron(a);
	mvaddstr(y, 1, " ");
	mvaddstr(y, 2, buf);
	mvaddstr(y, 2 + w, " ");
	attroff(a);
}
