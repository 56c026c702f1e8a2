/* A question at the bottom of the screen with a line to type the answer. */
#include <stdlib.h>
#include <string.h>

#include "lineedit.h"
#include "tui_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"

struct prompt {
	char question[256];
	struct lineedit edit;
	prompt_done_cb done;
	void *ud;
};

static struct prompt the_prompt;

static const struct key_binding prompt_keys[] = {
	{ '\r', false, "Enter", "确定", "accept", ROLE_NONE },
	{ 27, false, "Esc/Ctrl-G", "取消", "cancel", ROLE_NONE },
};
const struct key_table prompt_key_table = { "输入框", "Prompts", prompt_keys, 2 };

/* Editing keys of every text field and prompt (lineedit.c). */
static const struct key_binding edit_keys[] = {
	{ KEY_LEFT, true, "Left/Right", "移动光标（按字）", "move the caret (by character)", ROLE_NONE },
	{ KEY_HOME, true, "Home/Ctrl-A", "到行首", "to the start", ROLE_NONE },
	{ KEY_END, true, "End", "到行尾（输入框里 Ctrl-E 也可）", "to the end (Ctrl-E too, in prompts)", ROLE_NONE },
	{ KEY_BACKSPACE, true, "Backspace", "删除前一个字", "delete the character before", ROLE_NONE },
	{ KEY_DC, true, "Delete", "删除后一个字", "delete the character after", ROLE_NONE },
	{ 21, false, "Ctrl-U", "清空", "clear the field", ROLE_NONE },
	{ 11, false, "Ctrl-K", "删到行尾", "delete to the end", ROLE_NONE },
};
const struct key_table edit_key_table = { "文字输入", "Text fields", edit_keys, sizeof edit_keys / sizeof *edit_keys };

void prompt_open(struct tui *t, const char *question, const char *initial, prompt_done_cb done, void *ud)
{
	struct prompt *p = &the_prompt;
	snprintf(p->question, sizeof p->question, "%s", question);
	le_set(&p->edit, initial);
	p->edit.max_chars = 4000;
	p->done = done;
	p->ud = ud;
	t->message[0] = '\0';   /* a status message must not cover the prompt */
	tui_push(t, &view_prompt, p);
}

static void paint(struct tui *t, void *self)
{
	struct prompt *p = self;
	/* The view below stays visible; the prompt takes the last two rows. */
	if (t->depth >= 2)
		t->stack[t->depth - 2].v->paint(t, t->stack[t->depth - 2].self);
	int y = t->rows - 2;
	tui_fill(t, y, 0, t->cols, C_HEADER);
	/* The question is what matters; the answer needs only a few columns. */
	int qw = text_width(p->question);
	if (qw > t->cols - 12)
		qw = t->cols - 12;
	tui_text(t, y, 0, qw, p->question, C_HEADER);
	t->cursor_x = le_draw(t, &p->edit, y, qw, t->cols - qw, C_HEADER);
	t->cursor_y = y;
	t->cursor_on = true;
	tui_text(t, t->rows - 1, 0, t->cols, TR("Enter 确定  Esc 取消  Ctrl-U 清空", "Enter accept  Esc cancel  Ctrl-U clear"), C_HINT);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct prompt *p = self;
	if ((!fkey && (key == '\r' || key == '\n')) || (fkey && key == KEY_ENTER)) {
		prompt_done_cb done = p->done;
		void *ud = p->ud;
		char answer[sizeof p->edit.buf];
		snprintf(answer, sizeof answer, "%s", p->edit.buf);
		tui_pop(t);
		done(t, ud, answer);
		return true;
	}
	if (!fkey && (key == 27 || key == 7)) {
		prompt_done_cb done = p->done;
		void *ud = p->ud;
		tui_pop(t);
		done(t, ud, NULL);
		return true;
	}
	bool changed;
	return le_key(&p->edit, key, fkey, &changed);
}

const struct view view_prompt = { "prompt", paint, on_key, NULL, NULL };
