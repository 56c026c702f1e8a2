/* A question at the bottom of the screen with a line to type the answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lineedit.h"
#include "tui_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"

struct prompt {
	char question[256];
	struct lineedit edit;
	prompt_done_cb done;
	void *ud;
	bool confirm;   /* a yes/no question: one key answers, nothing is typed */
};

/* Enter and Esc hand the answer (or NULL) to whoever asked, after the
 * prompt is closed: done may open another prompt. */
static bool finish(struct tui *t, struct prompt *p, bool accept)
{
	prompt_done_cb done = p->done;
	void *ud = p->ud;
	char *answer = accept ? strdup(p->edit.buf) : NULL;
	tui_pop(t);   /* frees p */
	if (!accept || answer)
		done(t, ud, answer);
	free(answer);
	return true;
}

static bool key_accept(struct tui *t, void *self, int key)
{
	(void)key;
	return finish(t, self, true);
}

static bool key_cancel(struct tui *t, void *self, int key)
{
	(void)key;
	return finish(t, self, false);
}

static const struct key_binding prompt_keys[] = {
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "确定", "accept", "确定", "accept", ROLE_NONE, key_accept },
	{ { 27, 7 }, "Esc/Ctrl-G", "取消", "cancel", "取消", "cancel", ROLE_NONE, key_cancel },
	{ { 0 }, "Ctrl-U", "清空", "clear", "清空输入", "clear the answer", ROLE_NONE, NULL },
};
const struct key_table prompt_key_table = KEY_TABLE("输入框", "Prompts", prompt_keys);

/* Editing keys of every text field and prompt (lineedit.c). */
static const struct key_binding edit_keys[] = {
	{ { 0 }, "Type/Enter", NULL, NULL, "输入框带着当前值（反白）时：打字替换它，Enter 保留，←/→ 在它上面改", "a prompt holding the current value (shown selected): typing replaces it, Enter keeps it, arrows edit it", ROLE_NONE, NULL },
	{ { 0 }, "Left/Right", NULL, NULL, "移动光标（按字）", "move the caret (by character)", ROLE_NONE, NULL },
	{ { 0 }, "Home/Ctrl-A", NULL, NULL, "到行首", "to the start", ROLE_NONE, NULL },
	{ { 0 }, "End", NULL, NULL, "到行尾（输入框里 Ctrl-E 也可）", "to the end (Ctrl-E too, in prompts)", ROLE_NONE, NULL },
	{ { 0 }, "Backspace", NULL, NULL, "删除前一个字", "delete the character before", ROLE_NONE, NULL },
	{ { 0 }, "Delete", NULL, NULL, "删除后一个字", "delete the character after", ROLE_NONE, NULL },
	{ { 0 }, "Ctrl-U", NULL, NULL, "清空", "clear the field", ROLE_NONE, NULL },
	{ { 0 }, "Ctrl-K", NULL, NULL, "删到行尾", "delete to the end", ROLE_NONE, NULL },
};
const struct key_table edit_key_table = KEY_TABLE("文字输入", "Text fields", edit_keys);

static const struct view view_prompt, view_prompt_lines;
extern const struct key_table confirm_key_table;

/* Ctrl-J: a line break in a prompt that takes several lines. */
static bool key_newline(struct tui *t, void *self, int key)
{
	(void)t;
	struct prompt *p = self;
	bool changed;
	return le_key(&p->edit, key, false, &changed);
}

static const struct key_binding prompt_lines_keys[] = {
	{ { '\r', TUI_FKEY(KEY_ENTER) }, "Enter", "确定", "accept", "确定（写完了）", "accept (done writing)", ROLE_NONE, key_accept },
	{ { '\n' }, "Ctrl-J", "换行", "new line", "换行（备注、批示可写几行）", "a line break (notes and instructions take several lines)", ROLE_NONE, key_newline },
	{ { 27, 7 }, "Esc/Ctrl-G", "取消", "cancel", "取消", "cancel", ROLE_NONE, key_cancel },
};
const struct key_table prompt_lines_key_table = KEY_TABLE("多行输入框", "Prompts of several lines", prompt_lines_keys);

static void open_prompt(struct tui *t, const char *question, const char *initial, bool lines, prompt_done_cb done, void *ud)
{
	struct prompt *p = calloc(1, sizeof *p);
	if (!p)
		return;
	snprintf(p->question, sizeof p->question, "%s", question);
	le_set_selected(&p->edit, initial);   /* typing replaces the current value */
	p->edit.max_chars = 4000;
	p->edit.multiline = lines;
	p->done = done;
	p->ud = ud;
	t->message[0] = '\0';   /* a status message must not cover the prompt */
	tui_push(t, lines ? &view_prompt_lines : &view_prompt, p);
}

void prompt_open(struct tui *t, const char *question, const char *initial, prompt_done_cb done, void *ud)
{
	open_prompt(t, question, initial, false, done, ud);
}

void prompt_open_lines(struct tui *t, const char *question, const char *initial, prompt_done_cb done, void *ud)
{
	open_prompt(t, question, initial, true, done, ud);
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
	if (p->confirm) {
		tui_text(t, y, 0, t->cols, p->question, C_HEADER);
		t->cursor_y = y;
		t->cursor_x = qw < t->cols ? qw : t->cols - 1;
		t->cursor_on = true;
		tui_hints(t, &confirm_key_table);
		return;
	}
	if (qw > t->cols - 12)
		qw = t->cols - 12;
	tui_text(t, y, 0, qw, p->question, C_HEADER);
	t->cursor_x = le_draw(t, &p->edit, y, qw, t->cols - qw, C_HEADER);
	t->cursor_y = y;
	t->cursor_on = true;
	tui_hints(t, p->edit.multiline ? &prompt_lines_key_table : &prompt_key_table);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	(void)t;
	struct prompt *p = self;
	bool changed;
	return le_key(&p->edit, key, fkey, &changed);
}

static void closed(struct tui *t, void *self)
{
	(void)t;
	free(self);
}

static const struct view view_prompt = { "prompt", &prompt_key_table, paint, on_key, NULL, NULL, closed };
static const struct view view_prompt_lines = { "prompt", &prompt_lines_key_table, paint, on_key, NULL, NULL, closed };

/* --- a yes/no question: one key answers it, no Enter ------------------- */

static bool key_yes(struct tui *t, void *self, int key)
{
	(void)key;
	struct prompt *p = self;
	le_set(&p->edit, "y");
	return finish(t, p, true);
}

static const struct key_binding confirm_keys[] = {
	{ { 'y', 'Y' }, "y", "是", "yes", "是（一个键，不用回车）", "yes (one key, no Enter)", ROLE_NONE, key_yes },
	{ { 'n', 'N', 27, 7 }, "n/Esc", "否", "no", "否", "no", ROLE_NONE, key_cancel },
};
const struct key_table confirm_key_table = KEY_TABLE("是否确认", "Yes/no questions", confirm_keys);

static bool confirm_key(struct tui *t, void *self, int key, bool fkey)
{
	(void)t;
	(void)self;
	(void)key;
	(void)fkey;
	return true;   /* any other key: the question stays */
}

static const struct view view_confirm = { "confirm", &confirm_key_table, paint, confirm_key, NULL, NULL, closed };

void prompt_confirm(struct tui *t, const char *question, prompt_done_cb done, void *ud)
{
	struct prompt *p = calloc(1, sizeof *p);
	if (!p)
		return;
	snprintf(p->question, sizeof p->question, "%s", question);
	p->done = done;
	p->ud = ud;
	p->confirm = true;
	t->message[0] = '\0';
	tui_push(t, &view_confirm, p);
}

/* --- a file to write: its name, then y before overwriting -------------- */

static void overwrite_done(struct tui *t, void *ud, const char *answer)
{
	struct file_ask *fa = ud;
	if (answer && (!strcmp(answer, "y") || !strcmp(answer, "Y")))
		fa->write(t, fa->ud);
	else
		tui_message(t, false, "%s", TR("没有写入", "Nothing written"));
}

static void file_done(struct tui *t, void *ud, const char *answer)
{
	struct file_ask *fa = ud;
	char *path = answer ? text_trim(strdup(answer)) : NULL;
	if (!path || !*path) {
		free(path);
		return;
	}
	snprintf(fa->path, sizeof fa->path, "%s", path);
	free(path);
	if (!fa->ok(fa->path)) {
		tui_message(t, true, "%s", fa->bad);
		return;
	}
	if (access(fa->path, F_OK) == 0) {
		char q[PATH_MAX + 64];
		snprintf(q, sizeof q, TR("%s 已存在，覆盖吗？y/n ", "%s exists. Overwrite? y/n "), fa->path);
		prompt_confirm(t, q, overwrite_done, fa);
		return;
	}
	fa->write(t, fa->ud);
}

void prompt_file(struct tui *t, const char *question, const char *initial, struct file_ask *fa)
{
	prompt_open(t, question, initial, file_done, fa);
}
