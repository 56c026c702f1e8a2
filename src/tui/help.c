/* Help: generated from the key tables, so it cannot fall out of date. */
#include <stdio.h>

#include "tui_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"

static int help_scroll;

static void paint(struct tui *t, void *self)
{
	(void)self;
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 1, t->cols - 2, TR("帮助：所有按键（Esc 或 q 返回，↑↓ 滚动）", "Help: every key (Esc or q to go back, arrows scroll)"), C_HEADER);
	int y = 2 - help_scroll;
	for (int k = 0; tui_key_tables[k]; k++) {
		const struct key_table *kt = tui_key_tables[k];
		if (y >= 1 && y < t->rows - 1)
			tui_text(t, y, 1, t->cols - 2, TR(kt->zh, kt->en), C_TITLE);
		y++;
		for (int i = 0; i < kt->n; i++) {
			/* What the role cannot do is not offered. */
			if (!tui_may(t, kt->keys[i].need))
				continue;
			if (y < 1 || y >= t->rows - 1) {
				y++;
				continue;
			}
			tui_text(t, y, 3, 20, kt->keys[i].label, C_HINT);
			tui_text(t, y, 24, t->cols - 25, TR(kt->keys[i].zh, kt->keys[i].en), C_NORMAL);
			y++;
		}
		y++;
	}
	tui_text(t, t->rows - 1, 0, t->cols, TR("每个功能键都有字母替代，适合会吞掉功能键的 SSH 客户端", "Every function key has a letter alternative for SSH clients that swallow them"), C_DIM);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	(void)self;
	if ((!fkey && (key == 27 || key == 'q' || key == '?')) || (fkey && key == KEY_F(1))) {
		help_scroll = 0;
		tui_pop(t);
		return true;
	}
	if ((fkey && key == KEY_DOWN) || (!fkey && key == 'j'))
		help_scroll++;
	else if (((fkey && key == KEY_UP) || (!fkey && key == 'k')) && help_scroll > 0)
		help_scroll--;
	else
		return false;
	return true;
}

const struct view view_help = { "help", paint, on_key, NULL, NULL };
