/* lineedit: one line of text being typed, caret by character, drawn by
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
};

void le_set(struct lineedit *e, const char *s);
void le_clear(struct lineedit *e);
/* Edit keys (printable characters, Backspace, Delete, ←/→, Home/End,
 * Ctrl-A/E/U/K).  Returns true if the text or caret changed. */
bool le_key(struct lineedit *e, int key, bool fkey, bool *changed);
/* Draw at (y, x) in w columns; returns the screen column of the caret. */
int le_draw(struct tui *t, const struct lineedit *e, int y, int x, int w, int color);

#endif
