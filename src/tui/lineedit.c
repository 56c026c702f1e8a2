/* A single-line editor that counts in characters and columns, not bytes. */
#include <stdlib.h>
#include <string.h>

#include "lineedit.h"
#include "tui_internal.h"
#include "zhishou/text.h"

void le_set(struct lineedit *e, const char *s)
{
	snprintf(e->buf, sizeof e->buf, "%s", s ? s : "");
	e->len = strlen(e->buf);
	e->caret = e->len;
	e->selected = false;
}

void le_set_selected(struct lineedit *e, const char *s)
{
	le_set(e, s);
	e->selected = e->len > 0;
}

void le_clear(struct lineedit *e)
{
	e->buf[0] = '\0';
	e->len = e->caret = 0;
	e->selected = false;
}

/* The character before at starts where a cut before its last byte falls. */
static size_t prev_char(const struct lineedit *e, size_t at)
{
	return at ? text_cut(e->buf, at - 1) : 0;
}

static size_t next_char(const struct lineedit *e, size_t at)
{
	if (at >= e->len)
		return e->len;
	uint32_t cp;
	return at + text_decode(e->buf + at, e->len - at, &cp);
}

static void delete_range(struct lineedit *e, size_t from, size_t to)
{
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	if (e->caret > to)
		e->caret -= to - from;
	else if (e->caret > from)
		e->caret = from;
}

/* On selected text: a deleting key clears it all, a typed character
 * replaces it, a movement key ends the selection and moves as usual. */
static bool selected_key(struct lineedit *e, int key, bool fkey, bool *changed)
{
	bool erase = fkey ? key == KEY_BACKSPACE || key == KEY_DC : key == 127 || key == 8 || key == 21 || key == 11;
	e->selected = false;
	if (erase) {
		le_clear(e);
		*changed = true;
		return true;
	}
	if (!fkey && key >= 0x20 && !text_cp_stripped((uint32_t)key))
		le_clear(e);   /* and the key goes in below */
	return false;
}

bool le_key(struct lineedit *e, int key, bool fkey, bool *changed)
{
	*changed = false;
	if (e->selected && selected_key(e, key, fkey, changed))
		return true;
	if (fkey) {
		switch (key) {
		case KEY_LEFT: e->caret = prev_char(e, e->caret); return true;
		case KEY_RIGHT: e->caret = next_char(e, e->caret); return true;
		case KEY_HOME: e->caret = 0; return true;
		case KEY_END: e->caret = e->len; return true;
		case KEY_BACKSPACE:
			if (!e->caret)
				return true;
			delete_range(e, prev_char(e, e->caret), e->caret);
			*changed = true;
			return true;
		case KEY_DC:
			if (e->caret < e->len) {
				delete_range(e, e->caret, next_char(e, e->caret));
				*changed = true;
			}
			return true;
		}
		return false;
	}
	switch (key) {
	case 1: e->caret = 0; return true;        /* Ctrl-A */
	case 5: e->caret = e->len; return true;   /* Ctrl-E */
	case 127:
	case 8:                                    /* Backspace as DEL or ^H */
		if (e->caret) {
			delete_range(e, prev_char(e, e->caret), e->caret);
			*changed = true;
		}
		return true;
	case 21:                                   /* Ctrl-U: clear */
		le_clear(e);
		*changed = true;
		return true;
	case 11:                                   /* Ctrl-K: to end */
		e->buf[e->caret] = '\0';
		e->len = e->caret;
		*changed = true;
		return true;
	}
	/* Control characters never enter a field (a paste of escape sequences
	 * included); everything printable, Chinese from the IME too, does, and
	 * a line break where the field takes several lines. */
	if (key < 0 || (text_cp_stripped((uint32_t)key) && !(key == '\n' && e->multiline)))
		return false;
	if (e->max_chars && text_length(e->buf) >= e->max_chars)
		return true;
	char enc[4];
	size_t n = text_encode((uint32_t)key, enc);
	if (e->len + n >= sizeof e->buf)
		return true;
	memmove(e->buf + e->caret + n, e->buf + e->caret, e->len - e->caret + 1);
	memcpy(e->buf + e->caret, enc, n);
	e->len += n;
	e->caret += n;
	*changed = true;
	return true;
}

/* The text as drawn: each line break as a visible ↵ (one column); *at
 * gets the drawn offset of byte `from`. */
static void drawn(const struct lineedit *e, size_t from, size_t to, char *out, size_t n, size_t *at)
{
	size_t o = 0;
	for (size_t i = from; i < to && o + 4 < n; i++) {
		if (i == e->caret)
			*at = o;
		if (e->buf[i] == '\n') {
			memcpy(out + o, "\u21b5", 3);
			o += 3;
		} else {
			out[o++] = e->buf[i];
		}
	}
	if (to == e->caret)
		*at = o;
	out[o] = '\0';
}

int le_draw(struct tui *t, const struct lineedit *e, int y, int x, int w, int color)
{
	/* Scroll so that the caret stays visible with one column to spare. */
	size_t start = 0;
	while (text_width_n(e->buf + start, e->caret - start) > w - 1 && start < e->caret)
		start = next_char(e, start);
	char *shown = malloc(e->len * 3 + 4);
	if (!shown)
		return x;
	size_t caret = 0;
	drawn(e, start, e->len, shown, e->len * 3 + 4, &caret);
	int cx;
	if (e->selected) {
		/* The whole value shown selected, as a selected field is. */
		int tw = text_width(shown);
		tui_fill(t, y, x, w, (enum tui_color)color);
		tui_text(t, y, x, tw < w ? tw : w, shown, C_SELECTED);
		cx = x + (tw < w ? tw : w - 1);
	} else {
		tui_text(t, y, x, w, shown, (enum tui_color)color);
		cx = x + text_width_n(shown, caret);
	}
	free(shown);
	return cx;
}

struct segment {
	size_t from, to;   /* bytes of buf on one screen row */
	bool brk;          /* the row ends where a line break was typed */
};

/* The rows the text takes in w columns: each typed line wrapped by the
 * break rule of the pager and out_wrap (text_wrap_line). */
static size_t segments(const struct lineedit *e, int w, struct segment *seg, char *line)
{
	size_t n = 0;
	for (size_t p = 0;;) {
		size_t end = p + strcspn(e->buf + p, "\n");
		memcpy(line, e->buf + p, end - p);
		line[end - p] = '\0';
		size_t off = 0;
		do {
			size_t k = text_wrap_line(line + off, w);
			seg[n++] = (struct segment){ p + off, p + off + k, false };
			off += k;
		} while (line[off]);
		if (!e->buf[end])
			return n;
		seg[n - 1].brk = true;
		p = end + 1;
	}
}

int le_draw_rows(struct tui *t, const struct lineedit *e, int y, int x, int w, int rows, int color, int *cy)
{
	*cy = y;
	if (rows <= 1 || e->selected || w < 4) {
		for (int k = 1; k < rows; k++)
			tui_fill(t, y + k, x, w, (enum tui_color)color);
		return le_draw(t, e, y, x, w, color);
	}
	/* A row of at most w - 1 columns: the caret or ↵ has the spare one. */
	struct segment *seg = malloc((e->len + 2) * sizeof *seg);
	char *line = malloc(e->len + 1);
	if (!seg || !line) {
		free(seg);
		free(line);
		return le_draw(t, e, y, x, w, color);
	}
	size_t n = segments(e, w - 1, seg, line);
	/* The caret's row: a caret at the end of a full row starts the next
	 * one, unless the typed line ends there. */
	size_t c = 0;
	while (c + 1 < n && (e->caret > seg[c].to || (e->caret == seg[c].to && !seg[c].brk && seg[c + 1].from == seg[c].to)))
		c++;
	/* Typing at the end keeps the newest rows in view; the first rows
	 * scroll away only when the text has more rows than the field. */
	size_t top = c + 1 > (size_t)rows ? c + 1 - (size_t)rows : 0;
	for (int k = 0; k < rows; k++) {
		size_t i = top + (size_t)k;
		if (i >= n) {
			tui_fill(t, y + k, x, w, (enum tui_color)color);
			continue;
		}
		size_t len = seg[i].to - seg[i].from;
		memcpy(line, e->buf + seg[i].from, len);
		line[len] = '\0';
		char row[8200];
		snprintf(row, sizeof row, "%s%s", line, seg[i].brk ? "\u21b5" : "");
		tui_text(t, y + k, x, w, row, (enum tui_color)color);
	}
	*cy = y + (int)(c - top);
	int cx = x + text_width_n(e->buf + seg[c].from, e->caret - seg[c].from);
	free(seg);
	free(line);
	return cx;
}
