/* Private to src/tui/: the console's state, views and drawing helpers. */
#ifndef ZHISHOU_TUI_INTERNAL_H
#define ZHISHOU_TUI_INTERNAL_H

#include <curses.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "zhishou/board.h"
#include "zhishou/member.h"
#include "zhishou/token.h"
#include "zhishou/tui.h"
#include "zhishou/write.h"
#include "lineedit.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24
#define TUI_MAX_VIEWS 8

struct tui;

/* A key as the views see it: a character (Unicode code point), or a curses
 * KEY_* code marked with TUI_FKEY (the two ranges overlap otherwise). */
#define TUI_FKEY(k) (0x1000000 | (k))

typedef bool (*key_handler)(struct tui *t, void *self, int key);

/* One binding of a view's key table.  The same row drives dispatch, the
 * hint line at the bottom and the help page, so none can drift from the
 * others. */
struct key_binding {
	int keys[4];           /* the keys that run it (0 ends the list) */
	const char *label;     /* how the keys are written on screen: "n", "Ctrl-S/F2" */
	const char *hint_zh, *hint_en;   /* the short word in the hint line; NULL: help only */
	const char *zh, *en;   /* what it does, for help */
	int need;              /* enum role needed (ROLE_NONE: anyone).  The console hides
				* what the role cannot do; the core refuses it anyway. */
	key_handler run;       /* NULL: documented here, handled by the view's on_key */
};

struct key_table {
	const char *zh, *en;   /* where the keys apply */
	const struct key_binding *keys;
	int n;
};

#define KEY_TABLE(zh, en, arr) { zh, en, arr, (int)(sizeof arr / sizeof *arr) }

/* A screen: the dashboard, a form, a detail, help …  (tmux's modes: a const
 * struct of callbacks and its key table; the state is `self`, allocated by
 * whoever opens the view and freed by on_close). */
struct view {
	const char *name;
	const struct key_table *keys;
	void (*paint)(struct tui *t, void *self);
	/* Keys no binding took (text, movement); true if the key was used. */
	bool (*on_key)(struct tui *t, void *self, int key, bool fkey);
	/* true while the view takes printable keys as text (a filter being
	 * typed): on_key sees them before the bindings do. */
	bool (*typing)(void *self);
	void (*on_data_changed)(struct tui *t, void *self);
	void (*on_close)(struct tui *t, void *self);
};

/* Runs the binding of kt for key (refusing what the role cannot do);
 * false if no binding with a handler has that key. */
bool tui_dispatch(struct tui *t, const struct key_table *kt, void *self, int key);
/* The handler of every "Esc/q 返回": closes the view on top. */
bool tui_key_close(struct tui *t, void *self, int key);
/* The handler of a help key (? or F1) where the view has no other use for it. */
bool tui_key_help(struct tui *t, void *self, int key);
/* The hint line at the bottom: the table's short words the role may use. */
void tui_hints(struct tui *t, const struct key_table *kt);

/* Whether this console's user may do what a binding needs (t->role, read
 * again whenever the data changes, so an admin's change shows at once). */
bool tui_may(struct tui *t, int need);

enum tui_color {
	C_NORMAL, C_HEADER, C_TITLE, C_OVERDUE, C_NEW, C_SELECTED, C_DIM, C_OK, C_WARN, C_HINT,
};

struct tui {
	struct zs_ctx *c;
	const struct tui_options *opt;
	int rows, cols;
	bool quit, dirty, too_small, colors, ascii_lines;
	int64_t data_version, local_changes;
	bool db_lost;          /* the database server's connection is gone (PostgreSQL) */
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
	/* what a page keeps between openings (its state is per opening) */
	char report_template[64];
	int compact_sel, compact_top;   /* the compact board's selection */
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

/* One list widget (list.c) for every list page and pick list: the page
 * gives its rows, the widget keeps the selection, the scroll and a filter
 * typed after `f`.  A page's state begins with its struct tui_list, so the
 * shared bindings (tui_list_keys) can reach it from `self`. */
struct tui_rows {
	int (*count)(void *ud);
	/* A row's text (what the filter matches), colour, and whether it heads
	 * a group (shown while a row under it matches; never selected alone). */
	const char *(*text)(void *ud, int i, enum tui_color *color, bool *heading);
	/* NULL: the text across the width */
	void (*paint_row)(struct tui *t, void *ud, int i, int y, bool selected);
	/* How well a row matches the filter, best first (pick_match: a name's
	 * start, a part, its pinyin initials); 0 drops it.  NULL: every word
	 * of the filter must appear in the row, rows keep their order. */
	int (*match)(const char *text, const char *typed);
};

struct tui_list {
	const struct tui_rows *rows;
	void *ud;
	int *vis, nvis, cap;     /* the rows shown, after the filter */
	int *rank;               /* with rows->match: each shown row's rank */
	int sel, top, page;      /* over vis; page: rows at the last paint */
	struct lineedit *filter; /* NULL until f is pressed */
	bool filtering;          /* the filter is being typed */
	bool typed_ok;           /* a chooser taking what was typed: no match is no error */
};

void tui_list_init(struct tui_list *l, const struct tui_rows *rows, void *ud);
void tui_list_free(struct tui_list *l);
/* The rows changed: filter them again, keep the selection in range. */
void tui_list_update(struct tui_list *l);
/* Rows in [y, y+h): the filter line at the bottom while it is typed,
 * 没有匹配 when nothing passes it. */
void tui_list_paint(struct tui *t, struct tui_list *l, int y, int h);
/* Movement (arrows, j/k, PgUp/PgDn/Space, Home/End) and filter typing. */
bool tui_list_key(struct tui *t, struct tui_list *l, int key, bool fkey);
/* The header line: the page's title, and the filter with its count. */
void tui_list_header(struct tui *t, const struct tui_list *l, const char *title);
bool tui_list_typing(void *self);
void tui_list_start_filter(struct tui_list *l, const char *text);
/* The page's row under the selection, -1 if none. */
int tui_list_current(const struct tui_list *l);
/* The bindings every list shares (f to filter), for a page's table; and a
 * handler starting the filter on a page whose state begins with its list. */
bool tui_list_key_filter(struct tui *t, void *self, int key);
extern const struct key_table list_nav_key_table;

/* A pick list over fixed strings (units, exposures, duplicates): the
 * filter is open from the start; done gets the picked index, or -1 and
 * NULL for Esc. */
typedef void (*choose_done_cb)(struct tui *t, void *ud, int index, const char *row);
void list_choose(struct tui *t, const char *title, char *const *rows, int n, const char *filter,
		 choose_done_cb done, void *ud);
/* What a pick list may do besides: start on a row, mark several (Tab; done
 * gets the marked rows joined with sep, index the first of them), or take
 * the text typed when nothing matches (index -1, row the text). */
struct choose_opts {
	const char *filter;      /* typed at the start */
	int start;               /* the row highlighted at the start; -1: the best */
	bool multi;
	const bool *mark;        /* multi: rows marked at the start (NULL: none) */
	const char *sep;         /* multi: between the rows done gets (NULL: 、) */
	bool typed_ok;
};
void list_choose_opts(struct tui *t, const char *title, char *const *rows, int n, const struct choose_opts *o,
		      choose_done_cb done, void *ud);
/* A pick list of every unit; the answer is the unit's name. */
void unit_choose(struct tui *t, const char *title, const char *filter, choose_done_cb done, void *ud);
/* The same with options; current (a;b, may be NULL) marks units already chosen. */
void unit_choose_opts(struct tui *t, const char *title, const struct choose_opts *o, const char *current,
		      choose_done_cb done, void *ud);

/* The night's pick lists (picks.c).  exposure_choose and intake_choose
 * hand done the picked id as text, starting on the row of start (0: none);
 * intake_choose offers the recent intakes but skip. */
void exposure_choose(struct tui *t, const char *title, int64_t start, choose_done_cb done, void *ud);
void intake_choose(struct tui *t, const char *title, int64_t skip, int64_t start, choose_done_cb done, void *ud);

/* The register's matches for what is typed as a business (the form's
 * 被投诉主体; picks.c): searched from 2 characters (a name's fragment, a
 * USCC's start) with a small limit, and not again while the last search
 * still answers (the same text; a longer name after one that found
 * nothing).  Without a register nothing is searched. */
#define ENTITY_PICK_MAX 20
struct entity_matches {
	char typed[256];           /* the text the matches are for */
	bool searched, more;
	int has_register;          /* 0: not asked yet, 1: yes, -1: none imported */
	int n;
	char *name[ENTITY_PICK_MAX], *uscc[ENTITY_PICK_MAX], *row[ENTITY_PICK_MAX];
};
void entity_matches_update(struct tui *t, struct entity_matches *m, const char *typed);
/* Ask again whether there is a register (an import may have come). */
void entity_matches_recheck(struct tui *t, struct entity_matches *m);
void entity_matches_clear(struct entity_matches *m);
/* The matches as a pick list (name, USCC, state, station); done gets the
 * picked index into m (unchanged until done returns), or -1. */
void entity_choose(struct tui *t, const char *title, const struct entity_matches *m, choose_done_cb done, void *ud);

/* One pager (pager.c) for every long text: lines wrapped by display
 * columns, scrolled with arrows, PgUp/PgDn/Space, Home/End. */
struct tui_pager {
	struct pager_line {
		char *text;
		enum tui_color color;
	} *lines;
	int n, cap;
	int scroll;              /* in screen rows */
	int total, page;         /* screen rows of the text and of the window, at the last paint */
	int mark;                /* a line shown selected (-1: none) */
	bool show_mark;          /* scroll the mark into view at the next paint */
};

void pager_clear(struct tui_pager *p);
void pager_add(struct tui_pager *p, enum tui_color c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void pager_paint(struct tui *t, struct tui_pager *p, int y, int h, int x, int w);
bool pager_key(struct tui_pager *p, int key, bool fkey);

/* views */
extern const struct view view_dashboard;
void help_open(struct tui *t);

struct dashboard *dashboard_new(struct tui *t);
void dashboard_free(struct dashboard *d);
/* Below 80x24 the loop shows the compact board (compact.c) in the
 * dashboard's place, over the same snapshot (read now if not yet). */
extern const struct view view_compact;
const struct board_snapshot *dashboard_snapshot(struct tui *t, struct dashboard *d);
bool dashboard_key_quit(struct tui *t, void *self, int key);
bool tui_window_small(const struct tui *t);

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
/* After the database connection came back: a save that met its loss is
 * resolved by its token and, only if it had not committed, saved again. */
void form_resume_save(struct tui *t);
/* Unsaved drafts left by consoles that are gone, offered at start. */
int form_draft_pending(struct tui *t);
/* X: the question naming the draft y would discard (false: none). */
bool form_discard_question(struct tui *t, char *q, size_t n);
void form_discard_draft(struct tui *t);

/* details (detail.c) */
void intake_detail_open(struct tui *t, int64_t id);
void exposure_detail_open(struct tui *t, int64_t id);

/* a one-line question or text entry at the bottom (prompt.c) */
typedef void (*prompt_done_cb)(struct tui *t, void *ud, const char *answer);
void prompt_open(struct tui *t, const char *question, const char *initial, prompt_done_cb done, void *ud);

/* write_prompt.c: an add made from a prompt's answer (an exposure's title,
 * an opinion's link) carries a token kept until its outcome is known.  A
 * lost connection (ZS_ELOST) keeps it: the caller offers the prompt again
 * with the answer and the question tui_write_again() (which says what
 * happened), and the next try first asks the database whether the add
 * committed, so it is never made twice.  ZS_OK: *id the row (made now or
 * by the try that lost the connection); any other error: said, the token
 * dropped. */
struct tui_write {
	char token[TOKEN_LEN + 1];   /* "" none yet */
};
void tui_write_forget(struct tui_write *w);
const char *tui_write_again(void);
int tui_write(struct tui *t, struct tui_write *w, write_fn fn, void *arg, int64_t *id);
/* The same for text of several lines (notes, instructions): Ctrl-J breaks
 * the line, Enter accepts. */
void prompt_open_lines(struct tui *t, const char *question, const char *initial, prompt_done_cb done, void *ud);
/* A yes/no question answered by one key: y hands done "y"; n or Esc NULL. */
void prompt_confirm(struct tui *t, const char *question, prompt_done_cb done, void *ud);
/* A file to write: prompt_file asks for its name (initial offered); a
 * name ok() refuses gets the message bad and nothing is written; an
 * existing file is overwritten only after y; then write(t, ud) writes
 * fa->path.  The caller keeps fa (in its view) while the questions are
 * open: the statistics table's w and the progress report's w. */
struct file_ask {
	char path[PATH_MAX];
	bool (*ok)(const char *path);
	const char *bad;
	void (*write)(struct tui *t, void *ud);
	void *ud;
};
void prompt_file(struct tui *t, const char *question, const char *initial, struct file_ask *fa);
/* Names picked from the night's people (tonight's roster, then members),
 * several marked with Tab, or typed whole: done gets them joined with 、
 * (NULL for Esc), as a prompt's answer. */
void names_choose(struct tui *t, const char *title, prompt_done_cb done, void *ud);

void roster_view_open(struct tui *t);

/* An exposure's local businesses (local.c): the register's candidates to
 * confirm with Tab and Enter; 不涉及 after a y/n question.  after (may be
 * NULL) runs once something was saved or refused, to reload the caller. */
typedef void (*local_after_cb)(struct tui *t, void *ud);
void local_choose(struct tui *t, int64_t exposure_id, local_after_cb after, void *ud);
void local_none(struct tui *t, int64_t exposure_id, local_after_cb after, void *ud);
void relay_view_open(struct tui *t);
void review_view_open(struct tui *t);
void report_view_open(struct tui *t);
void search_view_open(struct tui *t);
/* The credit desk's register page and an entity's card (register.c). */
void register_view_open(struct tui *t);
/* The opinion watch (opinion.c): every opinion, open first; one whole. */
void opinion_view_open(struct tui *t);
/* A progress report to the city: an exposure's next (id), or the gala's summary (0). */
void upreport_open(struct tui *t, int64_t exposure_id);

#endif
