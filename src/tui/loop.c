/* The console's one loop (ncmpc): poll() on the keyboard, a self-pipe for
 * signals and an inotify watch on the database (dbwatch: a commit by any
 * process wakes every console at once), with a timeout for the clock's
 * second, the watch's "look again" checks and a slow fallback poll.  Each
 * turn handles keys and signals, reloads what changed, and paints once. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui_internal.h"
#include "zhishou/dbwatch.h"
#include "zhishou/reads.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

/* How often to ask SQLite whether another process committed when nothing
 * woke us: slowly behind the watch (for filesystems without inotify
 * events, NFS), as before it without one. */
#define DATA_FALLBACK_MS 1000
#define DATA_POLL_MS 150

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_term;

static void on_signal(int sig)
{
	/* Only async-signal-safe work here: note it and wake the loop. */
	got_term = sig;
	int saved = errno;
	if (sig_pipe[1] >= 0) {
		ssize_t n = write(sig_pipe[1], "s", 1);
		(void)n;
	}
	errno = saved;
}

int64_t tui_now(struct tui *t)
{
	return time_now() + t->opt->clock_offset;
}

void tui_push(struct tui *t, const struct view *v, void *self)
{
	if (t->depth >= TUI_MAX_VIEWS)
		return;
	t->stack[t->depth].v = v;
	t->stack[t->depth].self = self;
	t->depth++;
	t->dirty = true;
}

void tui_pop(struct tui *t)
{
	if (t->depth <= 1)
		return;
	t->depth--;
	const struct view *v = t->stack[t->depth].v;
	if (v->on_close)
		v->on_close(t, t->stack[t->depth].self);
	/* erase() in the next paint and ncurses' diff redraw only what the
	 * closed view covered; clear() here would repaint the whole screen. */
	t->dirty = true;
}

bool tui_may(struct tui *t, int need)
{
	return need <= ROLE_NONE || t->role >= need;
}

void tui_message(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->message, sizeof t->message, fmt, ap);
	va_end(ap);
	t->message_error = error;
	t->message_until = time_now() + (error ? 8 : 4);
	t->dirty = true;
}

static void init_colors(struct tui *t)
{
	t->colors = has_colors() && getenv("NO_COLOR") == NULL;
	if (!t->colors)
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);   /* header bar */
	init_pair(2, COLOR_RED, -1);             /* overdue */
	init_pair(3, COLOR_GREEN, -1);           /* new, ok */
	init_pair(4, COLOR_YELLOW, -1);          /* warnings in forms */
	init_pair(5, COLOR_CYAN, -1);            /* key hints */
}

bool tui_window_small(const struct tui *t)
{
	return t->cols < TUI_MIN_COLS || t->rows < TUI_MIN_ROWS;
}

/* The view that draws and takes keys: the top of the stack, the compact
 * board in the dashboard's place below 80x24. */
static const struct view *top_view(struct tui *t)
{
	const struct view *v = t->stack[t->depth - 1].v;
	return v == &view_dashboard && tui_window_small(t) ? &view_compact : v;
}

/* Forms ask for 80x24 (keeping what was typed); every other view draws at
 * any size.  By name: the form's view is its own file's. */
static bool needs_room(const struct view *v)
{
	return !strcmp(v->name, "form");
}

/* A form in a window too small for it: say so, wrapped by columns so the
 * whole message stays readable (what was typed is kept). */
static void paint_too_small(struct tui *t)
{
	char msg[256];
	snprintf(msg, sizeof msg, TR("窗口太小：登记需要至少 80×24，现在是 %d×%d。请把终端窗口拉大，或按 Esc 回到看板（草稿已保存）。",
				     "Window too small: a form needs at least 80x24, now %dx%d. Enlarge the terminal, or press Esc for the board (the draft is kept)."),
		 t->cols, t->rows);
	int w = t->cols > 2 ? t->cols - 2 : t->cols;
	int lines = text_width(msg) / (w > 0 ? w : 1) + 1;
	int y = t->rows / 2 - lines / 2;
	const char *p = msg;
	while (*p && y < t->rows && w > 0) {
		size_t n = text_fit(p, w, NULL);
		if (!n)
			break;
		char line[512];
		snprintf(line, sizeof line, "%.*s", (int)n, p);
		tui_text(t, y < 0 ? 0 : y, 1, w, line, C_WARN);
		y++;
		p += n;
	}
}

static void paint(struct tui *t)
{
	erase();
	getmaxyx(stdscr, t->rows, t->cols);
	t->cursor_on = false;
	const struct view *v = top_view(t);
	if (needs_room(v) && tui_window_small(t)) {
		paint_too_small(t);
		curs_set(0);
		refresh();
		return;
	}
	/* Views below the top are covered; only the top one paints. */
	v->paint(t, t->stack[t->depth - 1].self);
	/* A message goes above the hint line, so the view's keys stay readable
	 * while it shows (a prompt's question is on that row: there, on the
	 * hint line). */
	if (t->message[0] && time_now() < t->message_until)
		tui_text(t, t->rows - (strcmp(v->name, "prompt") ? 2 : 1), 0, t->cols, t->message,
			 t->message_error ? C_OVERDUE : C_OK);
	else
		t->message[0] = '\0';
	/* The terminal's input method follows the real cursor. */
	if (t->cursor_on) {
		curs_set(1);
		move(t->cursor_y, t->cursor_x);
	} else {
		curs_set(0);
	}
	refresh();
}

static void check_data(struct tui *t)
{
	/* The file deleted or replaced under us: say so for as long as it
	 * lasts (writes are refused by the store, drafts stay). */
	if (db_file_gone(t->c))
		tui_message(t, true, TR("数据库文件 %s 已被删除或替换：新登记不会保存，请重新启动值守台",
					"the database file %s was deleted or replaced: nothing new is saved; restart zhishou"),
			    db_path(t->c));
	/* PostgreSQL's connection gone (a standby taking over): said for as
	 * long as it lasts; db_data_version connects again, and once it is
	 * back a save that met the loss is finished. */
	bool was_lost = t->db_lost;
	int64_t v = db_data_version(t->c), mine = db_local_changes(t->c);
	t->db_lost = db_lost(t->c);
	if (t->db_lost)
		tui_message(t, true, "%s", TR("数据库连接中断，正在重连…（登记草稿保留在本机）",
					      "lost the database connection, reconnecting... (drafts stay on this computer)"));
	else if (was_lost)
		tui_message(t, false, "%s", TR("数据库已重新连接", "reconnected to the database"));
	/* Whenever the connection is there (the save itself may have made it
	 * again before any look saw it gone). */
	if (!t->db_lost)
		form_resume_save(t);
	if (v == t->data_version && mine == t->local_changes)
		return;
	t->data_version = v;
	t->role = (int)member_role(t->c);
	t->local_changes = mine;
	for (int i = 0; i < t->depth; i++)
		if (t->stack[i].v->on_data_changed)
			t->stack[i].v->on_data_changed(t, t->stack[i].self);
	t->dirty = true;
}

static void handle_key(struct tui *t, int key, bool fkey)
{
	if (fkey && key == KEY_RESIZE) {
		clear();
		t->dirty = true;
		return;
	}
	if (!fkey && key == 12) {   /* Ctrl-L: redraw everything */
		clearok(curscr, TRUE);
		t->dirty = true;
		return;
	}
	const struct view *v = top_view(t);
	void *self = t->stack[t->depth - 1].self;
	/* A form too small to see takes only Esc (back to the board, the
	 * draft kept): nothing is typed blind. */
	if (needs_room(v) && tui_window_small(t) && (fkey || key != 27))
		return;
	/* A filter being typed takes letters before the bindings do; else the
	 * view's key table first, then the view for text and movement. */
	bool typing = v->typing && v->typing(self);
	if ((typing && v->on_key && v->on_key(t, self, key, fkey)) ||
	    tui_dispatch(t, v->keys, self, fkey ? TUI_FKEY(key) : key) ||
	    (!typing && v->on_key && v->on_key(t, self, key, fkey)))
		t->dirty = true;
}

/* Keys the terminal description may not name (Home as ESC [ 1 ~ under
 * TERM=xterm, the keypad's SS3 forms): ncurses learns them here and decodes
 * them as it does the rest, so a form never sees half a sequence. */
static void define_keys(void)
{
	static const struct { const char *seq; int key; } extra[] = {
		{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME }, { "\033[H", KEY_HOME }, { "\033OH", KEY_HOME },
		{ "\033[4~", KEY_END }, { "\033[8~", KEY_END }, { "\033[F", KEY_END }, { "\033OF", KEY_END },
		{ "\033[3~", KEY_DC }, { "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
		{ "\033[A", KEY_UP }, { "\033OA", KEY_UP }, { "\033[B", KEY_DOWN }, { "\033OB", KEY_DOWN },
		{ "\033[C", KEY_RIGHT }, { "\033OC", KEY_RIGHT }, { "\033[D", KEY_LEFT }, { "\033OD", KEY_LEFT },
		{ "\033[Z", KEY_BTAB }, { "\033OP", KEY_F(1) }, { "\033OQ", KEY_F(2) }, { "\033OR", KEY_F(3) },
		{ "\033[11~", KEY_F(1) }, { "\033[12~", KEY_F(2) }, { "\033[13~", KEY_F(3) },
	};
	for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
		if (key_defined(extra[i].seq) <= 0)   /* the terminfo's own binding wins */
			define_key(extra[i].seq, extra[i].key);
}

/* After an ESC that ncurses did not decode: the rest of an unknown CSI or
 * SS3 sequence is swallowed so it cannot close a form; false for a lone
 * Esc (or Esc then another key, Alt-x: the Esc goes first). */
static bool swallow_sequence(void)
{
	wint_t ch;
	int kr = wget_wch(stdscr, &ch);
	if (kr == ERR)
		return false;
	if (kr == KEY_CODE_YES || (ch != '[' && ch != 'O')) {
		unget_wch(ch);
		return false;
	}
	/* parameters and intermediates, up to the final byte */
	for (int n = 0; n < 16 && (kr = wget_wch(stdscr, &ch)) != ERR && kr != KEY_CODE_YES; n++)
		if (ch >= 0x40 && ch <= 0x7E)
			break;
	return true;
}

int tui_run(struct zs_ctx *c, const struct tui_options *opt)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s\n", TR("zhishou：值守台需要在终端里运行（命令行用法见 zhishou --help）",
					   "zhishou: the console needs a terminal (see zhishou --help for commands)"));
		return 2;
	}
	char term_note[256];
	int tr = tui_term_check(term_note, sizeof term_note);
	if (tr)
		return tr;
	struct tui *t = calloc(1, sizeof *t);
	if (!t)
		return 1;
	t->c = c;
	t->opt = opt;
	t->ascii_lines = text_ambiguous_wide();
	if (pipe(sig_pipe) == 0) {
		fcntl(sig_pipe[0], F_SETFL, O_NONBLOCK);
		fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
		fcntl(sig_pipe[0], F_SETFD, FD_CLOEXEC);
		fcntl(sig_pipe[1], F_SETFD, FD_CLOEXEC);
	}
	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	/* Esc must leave a form at once, not after a second. */
	setenv("ESCDELAY", "25", 0);
	if (!initscr()) {
		fprintf(stderr, "zhishou: cannot initialise the terminal (TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		free(t);
		return 1;
	}
	raw();            /* Ctrl-S reaches us, not XOFF */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	define_keys();
	nodelay(stdscr, TRUE);
	init_colors(t);
	getmaxyx(stdscr, t->rows, t->cols);
	t->data_version = db_data_version(c);
	t->role = (int)member_role(c);
	c->now = tui_now(t);

	t->dash = dashboard_new(t);
	t->form = form_new(t);
	tui_push(t, &view_dashboard, t->dash);
	if (term_note[0])
		tui_message(t, false, "%s", term_note);
	int drafts = form_draft_pending(t);
	if (drafts == 1)
		tui_message(t, false, "%s", TR("发现上次未保存的登记草稿：按 n 继续编辑，按 X 丢弃",
					       "An unsaved intake draft was found: press n to continue it, X to discard it"));
	else if (drafts > 1)
		tui_message(t, false, TR("发现上次未保存的登记草稿 %d 份：按 n 逐份继续编辑，按 X 丢弃一份",
					 "%d unsaved intake drafts were found: press n to continue them one by one, X to discard one"), drafts);
	t->dirty = true;

	db_never_wait(c);
	struct dbwatch watch = { .fd = -1 };
	if (db_watch_fd(c) < 0)   /* an SQLite file: its directory is watched */
		dbwatch_open(&watch, t->opt->db_path);
	int64_t next_data_check = 0;   /* monotonic ms */
	int rechecks = 0;              /* quick looks still due after a watch event */
	bool woken = false;
	while (!t->quit && !got_term) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t mono_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		c->now = tui_now(t);
		if (c->now != t->last_second) {
			/* The clocks and "time left" tick once a second. */
			t->last_second = c->now;
			t->dirty = true;
		}
		/* Our own writes show at once; others' when the watch wakes us
		 * (and its looks again), else at the fallback poll. */
		if (woken)
			rechecks = DBWATCH_RECHECKS;
		if (woken || mono_ms >= next_data_check || db_local_changes(c) != t->local_changes) {
			check_data(t);
			if (rechecks > 0)
				next_data_check = mono_ms + dbwatch_recheck_ms[DBWATCH_RECHECKS - rechecks--];
			else
				/* A watched file, a server's notifications, or a
				 * lost connection tried again each second. */
				next_data_check = mono_ms + (watch.fd >= 0 || db_watch_fd(c) >= 0 || t->db_lost
							     ? DATA_FALLBACK_MS : DATA_POLL_MS);
		}
		woken = false;
		if (t->dirty) {
			paint(t);
			t->dirty = false;
		}
		/* Sleep until the next data check or the clock's next second. */
		clock_gettime(CLOCK_REALTIME, &ts);
		int timeout = 1000 - (int)(ts.tv_nsec / 1000000) + 1;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		mono_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (next_data_check - mono_ms < timeout)
			timeout = next_data_check - mono_ms > 0 ? (int)(next_data_check - mono_ms) : 0;
		struct pollfd fds[4] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = sig_pipe[0], .events = POLLIN },
			{ .fd = watch.fd, .events = POLLIN },
			{ .fd = db_watch_fd(c), .events = POLLIN },   /* PostgreSQL: a commit's NOTIFY */
		};
		int n = poll(fds, 4, timeout);   /* a negative fd is skipped */
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (fds[2].revents & POLLIN))
			woken = dbwatch_touched(&watch);
		if (n > 0 && (fds[3].revents & POLLIN))
			woken = true;   /* check_data reads the notifications */
		if (n > 0 && (fds[1].revents & POLLIN)) {
			char buf[16];
			while (read(sig_pipe[0], buf, sizeof buf) > 0)
				;
		}
		if (n > 0 && (fds[0].revents & (POLLHUP | POLLERR)))
			break;   /* the terminal went away: the draft is already on disk */
		/* Drain every key that arrived (a paste, an IME commit) before painting. */
		wint_t ch;
		int kr;
		while ((kr = wget_wch(stdscr, &ch)) != ERR) {
			if (kr != KEY_CODE_YES && ch == 27 && swallow_sequence())
				continue;
			handle_key(t, (int)ch, kr == KEY_CODE_YES);
			if (t->quit)
				break;
		}
	}
	endwin();
	for (int i = t->depth - 1; i >= 0; i--)
		if (t->stack[i].v->on_close)
			t->stack[i].v->on_close(t, t->stack[i].self);
	form_free(t->form);
	dashboard_free(t->dash);
	dbwatch_close(&watch);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
	free(t);
	return 0;
}
