/* Private to src/tui/: the console's state, views and drawing helpers. */
#ifndef ZHISHOU_TUI_INTERNAL_H
#define ZHISHOU_TUI_INTERNAL_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "zhishou/board.h"
#include "zhishou/member.h"
#include "zhishou/tui.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24
#define TUI_MAX_VIEWS 8

struct tui;

/* A screen: the dashboard, a form, a detail, help …  (htop's Panel). */
struct view {
	const char *name;
	void (*paint)(struct tui *t, void *self);
	/* true if the key was used */
	bool (*on_key)(struct tui *t, void *self, int key, bool fkey);
	void (*on_data_changed)(struct tui *t, void *self);
	void (*on_close)(struct tui *t, void *self);
};

/* One binding of a key table; help is generated from these. */
struct key_binding {
	int key;               /* curses key code or character */
	bool fkey;             /* key is a KEY_* code */
	const char *label;     /* how the key is written on screen: "n", "Ctrl-S" */
	const char *zh, *en;   /* what it does */
	int need;              /* enum role needed (ROLE_NONE: anyone).  The console hides
				* what the role cannot do; the core refuses it anyway. */
};

struct key_table {
	const char *zh, *en;   /* where the keys apply */
	const struct key_binding *keys;
	int n;
};

/* Whether this console's user may do what a binding needs (t->role, read
 * again whenever the data changes, so an admin's change shows at once). */
bool tui_may(struct tui *t, int need);
/* A key of kt the role does not allow: says so (the core's message) and
 * returns true; false for any other key. */
bool tui_refuse_key(struct tui *t, const struct key_table *kt, int key);

enum tui_color {
	C_NORMAL, C_HEADER, C_TITLE, C_OVERDUE, C_NEW, C_SELECTED, C_DIM, C_OK, C_WARN, C_HINT,
};

struct tui {
	struct zs_ctx *c;
	const struct tui_options *opt;
	int rows, cols;
	bool quit, dirty, too_small, colors, ascii_lines;
	int64_t data_version, local_changes;
	int role;              /* member_role, read again whenever the data changes */
	int64_t last_second;
	struct {
		const struct view *v;
		void *self;
	} stack[TUI_MAX_VIEWS];
	int depth;
	char message[512];
	int64_t message_until;
	bool message_error;
	/* the caret of the field being edited, for the terminal's IME */
	int cursor_y, cursor_x;
	bool cursor_on;
	/* shared with the views */
	struct board_gala gala;
	struct dashboard *dash;
	struct form *form;
};

/* the view stack */
void tui_push(struct tui *t, const struct view *v, void *self);
void tui_pop(struct tui *t);
void tui_message(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int64_t tui_now(struct tui *t);

/* drawing (draw.c): every string goes through the width module */
attr_t tui_attr(struct tui *t, enum tui_color c);
/* Write s at (y, x) fitted to w columns (padded with spaces); returns columns used. */
int tui_text(struct tui *t, int y, int x, int w, const char *s, enum tui_color c);
/* A table cell: s in w-1 columns and a space, so labels never run together. */
int tui_cell(struct tui *t, int y, int x, int w, const char *s, enum tui_color c);
int tui_text_right(struct tui *t, int y, int x, int w, const char *s, enum tui_color c);
void tui_fill(struct tui *t, int y, int x, int w, enum tui_color c);
void tui_hline(struct tui *t, int y, int x, int w);
void tui_title_line(struct tui *t, int y, const char *title, bool focused);

/* views */
extern const struct view view_dashboard, view_help, view_form, view_intake, view_exposure,
	view_roster, view_search, view_prompt;

struct dashboard *dashboard_new(struct tui *t);
void dashboard_free(struct dashboard *d);

/* help lists every key table the views register here */
extern const struct key_table *const tui_key_tables[];

/* the new-intake form (form.c) */
struct form *form_new(struct tui *t);
void form_free(struct form *f);
void form_open(struct tui *t, bool restore_draft);

/* term.c: can this TERM draw the console?  0 (note: a fallback used, or
 * empty), or the exit status after saying why not. */
int tui_term_check(char *note, size_t n);
bool form_has_draft(struct tui *t);
bool form_draft_pending(struct tui *t);
void form_discard_draft(struct tui *t);

/* details (detail.c) */
void intake_detail_open(struct tui *t, int64_t id);
void exposure_detail_open(struct tui *t, int64_t id);

/* a one-line question or text entry at the bottom (prompt.c) */
typedef void (*prompt_done_cb)(struct tui *t, void *ud, const char *answer);
void prompt_open(struct tui *t, const char *question, const char *initial, prompt_done_cb done, void *ud);

void roster_view_open(struct tui *t);
void relay_view_open(struct tui *t);
void review_view_open(struct tui *t);
void report_view_open(struct tui *t);
void search_view_open(struct tui *t);

#endif
