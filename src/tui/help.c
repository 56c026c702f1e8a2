/* Help: generated from the key tables the views dispatch through, so it
 * lists exactly what the keys do and the hint lines show; read in the
 * pager. */
#include <stdio.h>
#include <stdlib.h>

#include "tui_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"

struct help {
	struct tui_pager pager;
};

#define LABEL_COLS 20

static void build(struct tui *t, struct help *h)
{
	pager_clear(&h->pager);
	for (int k = 0; tui_key_tables[k]; k++) {
		const struct key_table *kt = tui_key_tables[k];
		pager_add(&h->pager, C_TITLE, "%s", TR(kt->zh, kt->en));
		for (int i = 0; i < kt->n; i++) {
			const struct key_binding *b = &kt->keys[i];
			/* What the role cannot do is not offered. */
			if (!tui_may(t, b->need))
				continue;
			/* "   label   what it does", the label padded by display columns */
			int pad = LABEL_COLS - text_width(b->label);
			pager_add(&h->pager, C_NORMAL, "  %s%*s %s", b->label, pad > 1 ? pad : 2, "", TR(b->zh, b->en));
		}
		pager_add(&h->pager, C_NORMAL, "%s", "");
	}
}

static void paint(struct tui *t, void *self)
{
	struct help *h = self;
	if (!h->pager.n)
		build(t, h);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 1, t->cols - 2, TR("帮助：所有按键（Esc 或 q 返回，↑↓ 滚动）", "Help: every key (Esc or q to go back, arrows scroll)"), C_HEADER);
	pager_paint(t, &h->pager, 1, t->rows - 2, 1, t->cols - 2);
	tui_text(t, t->rows - 1, 0, t->cols, TR("每个功能键都有字母替代，适合会吞掉功能键的 SSH 客户端", "Every function key has a letter alternative for SSH clients that swallow them"), C_DIM);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	(void)t;
	struct help *h = self;
	if (!fkey && key == 'k')
		key = KEY_UP, fkey = true;
	return pager_key(&h->pager, key, fkey);
}

/* The role may change while help is open (an admin's change): build again. */
static void changed(struct tui *t, void *self)
{
	(void)t;
	pager_clear(&((struct help *)self)->pager);
}

static void closed(struct tui *t, void *self)
{
	(void)t;
	struct help *h = self;
	pager_clear(&h->pager);
	free(h);
}

static const struct key_binding help_keys[] = {
	{ { 27, 'q', '?', TUI_FKEY(KEY_F(1)) }, "Esc/q/?/F1", "返回", "back", "关闭帮助", "close help", ROLE_NONE, tui_key_close },
	{ { 0 }, "↑↓/j/k", NULL, NULL, "滚动一行", "scroll a line", ROLE_NONE, NULL },
	{ { 0 }, "PgUp/PgDn/Space", NULL, NULL, "翻页", "scroll a page", ROLE_NONE, NULL },
};
const struct key_table help_key_table = KEY_TABLE("帮助和详情页", "Help and details", help_keys);

static const struct view view_help = { "help", &help_key_table, paint, on_key, NULL, changed, closed };

void help_open(struct tui *t)
{
	struct help *h = calloc(1, sizeof *h);
	if (!h)
		return;
	h->pager.mark = -1;
	tui_push(t, &view_help, h);
}
