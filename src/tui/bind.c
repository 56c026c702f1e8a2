/* Key tables: one row per binding holds its keys, its handler, the word in
 * the hint line and the help text, so dispatch, hints and help agree. */
#include <stdio.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/text.h"
#include "zhishou/i18n.h"
#include "zhishou/reads.h"

static const struct key_binding *find(const struct key_table *kt, int key)
{
	for (int i = 0; kt && i < kt->n; i++)
		for (int k = 0; k < 4 && kt->keys[i].keys[k]; k++)
			if (kt->keys[i].keys[k] == key)
				return &kt->keys[i];
	return NULL;
}

bool tui_dispatch(struct tui *t, const struct key_table *kt, void *self, int key)
{
	const struct key_binding *b = find(kt, key);
	if (!b || !b->run)
		return false;
	if (!tui_may(t, b->need)) {
		/* The core's own words: what is needed, and who this user is. */
		struct zs_error err = { 0 };
		role_require(t->c, (enum role)b->need, b->zh, b->en, &err);
		tui_message(t, true, "%s", err.msg);
		return true;
	}
	return b->run(t, self, key);
}

void tui_hints(struct tui *t, const struct key_table *kt)
{
	char line[1024];
	size_t n = 0;
	line[0] = '\0';
	/* A member who may not write is told so before the keys. */
	if (!tui_may(t, ROLE_OPERATOR))
		n += (size_t)snprintf(line, sizeof line, "%s", TR("只读：", "read-only: "));
	const char *sep = "";
	for (int i = 0; i < kt->n && n < sizeof line - 1; i++) {
		const struct key_binding *b = &kt->keys[i];
		if (!b->hint_zh || !tui_may(t, b->need))
			continue;
		int w = snprintf(line + n, sizeof line - n, "%s%s %s", sep, b->label, TR(b->hint_zh, b->hint_en));
		if (w < 0 || (size_t)w >= sizeof line - n)
			break;
		n += (size_t)w;
		sep = "  ";
	}
	/* Keys that do not fit (an exposure's detail at 80 columns): the line
	 * says so and where they all are, instead of cutting one in half. */
	if (text_width(line) > t->cols) {
		const char *more = TR(" … ? 全部按键", " … ? all keys");
		int room = t->cols - text_width(more);
		size_t keep = 0;
		for (size_t k = 0; line[k];) {
			/* cut only between two hints (at a double space) */
			if (k > 0 && line[k] == ' ' && line[k + 1] == ' ') {
				if (text_width_n(line, k) > room)
					break;
				keep = k;
			}
			k++;
		}
		snprintf(line + keep, sizeof line - keep, "%s", more);
	}
	tui_text(t, t->rows - 1, 0, t->cols, line, C_HINT);
}

bool tui_key_help(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	help_open(t);
	return true;
}

bool tui_key_close(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	tui_pop(t);
	return true;
}
