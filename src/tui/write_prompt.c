/* Adds from a prompt that a lost connection cannot double (tui_internal.h,
 * tui_write). */
#include "tui_internal.h"
#include "zhishou/i18n.h"

void tui_write_forget(struct tui_write *w)
{
	w->token[0] = '\0';
}

const char *tui_write_again(void)
{
	return TR("连接中断，未确认是否已存上；连上后按 Enter 再存（不会重复）：",
		  "Connection lost; not known if saved. Enter once back (never twice): ");
}

int tui_write(struct tui *t, struct tui_write *w, write_fn fn, void *arg, int64_t *id)
{
	if (!w->token[0])
		token_new(w->token);
	struct zs_error err = { 0 };
	bool done = false;
	int r = write_once(t->c, w->token, fn, arg, id, &done, &err);
	if (r == ZS_ELOST)
		return r;   /* asked again: tui_write_again */
	tui_write_forget(w);
	if (r)
		tui_message(t, true, "%s", err.msg);
	return r;
}
