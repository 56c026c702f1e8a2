/* lineedit: one line of text being typed (line breaks shown as marks), caret by character, drawn by
 * display columns with horizontal scrolling.  Used by forms and prompts. */
#ifndef ZHISHOU_TUI_LINEEDIT_H
#define ZHISHOU_TUI_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

struct tui;

struct lineedit {
	char buf[8192];   /* UTF-8 */
	size_t len, caret;/* bytes; caret is always on a character boundary */
	size_t max_chars;
	bool selected;    /* the text as given, shown selected: a key typed replaces it */
	bool multiline;   /* \n (Ctrl-J) goes into the text, drawn as ↵ */
};

void le_set(struct lineedit *e, const char *s);
void le_clear(struct lineedit *e);
/* Set s selected (a prompt starting with the current value): typing
 * replaces it, Backspace clears it, Enter keeps it, an arrow edits it. */
void le_set_selected(struct lineedit *e, const char *s);
/* Edit keys (printable characters, Backspace, Delete, ←/→, Home/End,
 * Ctrl-A/E/U/K).  Returns true if the text or caret changed. */
bool le_key(struct lineedit *e, int key, bool fkey, bool *changed);
/* Draw at (y, x) in w columns; returns the screen column of the caret. */
int le_draw(struct tui *t, const struct lineedit *e, int y, int x, int w, int color);
/* Draw a multiline field on `rows` rows from y, each typed line wrapped in
 * w columns (a line break shown as ↵ at its row's end); the rows follow the
 * caret when the text has more.  Returns the caret's column, *cy its row. */
int le_draw_rows(struct tui *t, const struct lineedit *e, int y, int x, int w, int rows, int color, int *cy);

#endif
