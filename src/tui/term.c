/* Terminals as they come: a TERM this server has no description for
 * (xterm-kitty, alacritty over SSH) falls back to one it has, said once;
 * a terminal that cannot draw a screen (dumb, none) is refused in words,
 * instead of ncurses' bare "Error opening terminal" and exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "tui_internal.h"
#include "zhishou/i18n.h"
/* Last: term.h defines its capabilities as macros (lines, columns ...),
 * which would rename the fields of the structs above. */
#include <term.h>

/* 1: curses can drive this TERM; 0: it is described but cannot draw a
 * screen (dumb, hardcopy: no cursor addressing); -1: not described here.
 * Asked quietly (initscr would print its own message and exit). */
static int term_usable(const char *name)
{
	int described = tgetent(NULL, name);
	if (cur_term)   /* tgetent loaded it; setupterm below loads its own */
		del_curterm(cur_term);
	if (described != 1)
		return -1;
	int err = 0;
	if (setupterm((char *)name, 1, &err) != OK)
		return 0;
	const char *cup = tigetstr("cup");
	int ok = cup != NULL && cup != (char *)-1;
	del_curterm(cur_term);
	return ok ? 1 : 0;
}

int tui_term_check(char *note, size_t n)
{
	note[0] = '\0';
	const char *term = getenv("TERM");
	if (!term || !*term) {
		fprintf(stderr, "%s\n", TR("zhishou：没有设置 TERM，不知道怎样画界面；请在终端里运行，或设 TERM=xterm-256color（命令行用法见 zhishou --help）",
					   "zhishou: TERM is not set; run it in a terminal or set TERM=xterm-256color (commands: zhishou --help)"));
		return 2;
	}
	int u = term_usable(term);
	if (u == 1)
		return 0;
	if (u == 0) {
		fprintf(stderr, TR("zhishou：终端类型 %s 画不了界面（不能移动光标）；请换一个终端（如 TERM=xterm-256color），或用命令：zhishou board、zhishou log list（见 zhishou --help）\n",
				   "zhishou: terminal type %s cannot draw a screen (no cursor movement); use another (e.g. TERM=xterm-256color) or the commands: zhishou board, zhishou log list (see zhishou --help)\n"),
			term);
		return 2;
	}
	/* Unknown here: the usual descriptions every server has. */
	static const char *const fallbacks[] = { "xterm-256color", "xterm", "vt100" };
	char was[128];
	snprintf(was, sizeof was, "%s", term);
	for (size_t i = 0; i < sizeof fallbacks / sizeof *fallbacks; i++) {
		if (term_usable(fallbacks[i]) == 1) {
			setenv("TERM", fallbacks[i], 1);
			snprintf(note, n, TR("本机没有终端类型 %s 的描述，改用 %s 显示", "no description of terminal type %s here; using %s"),
				 was, fallbacks[i]);
			fprintf(stderr, "zhishou: %s\n", note);
			return 0;
		}
	}
	fprintf(stderr, TR("zhishou：本机没有终端类型 %s 的描述，也没有 xterm 或 vt100 的（装 ncurses-base 或 ncurses-term）\n",
			   "zhishou: no description of terminal type %s here, nor of xterm or vt100 (install ncurses-base or ncurses-term)\n"),
		was);
	return 2;
}
