/* The credit desk's register page (issue 13): a search line at the top,
 * the register's matches under it as they are typed, and an entity's card
 * in the pager (the same card entity show prints, from entity_card_build).
 *
 * The search line is the page's text: while it holds text, letters go into
 * it (a USCC has letters) and q is a letter; empty, q goes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/entity.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"

/* Rows read per search: a few pages of the window, so PgDn has somewhere
 * to go; more than that is narrowed by typing more. */
#define REG_PAGES 4
#define REG_MAX 400

/* Column widths: at 80 columns the name takes what the others leave; a
 * wider window gives the station its longest names, the name up to
 * REG_NAME_MAX, and the address the rest. */
enum { REG_USCC_COLS = 19, REG_STATE_COLS = 6, REG_UNIT_MIN = 17, REG_UNIT_WIDE = 22, REG_NAME_MAX = 44,
       REG_ADDRESS_MIN = 12 };

struct reg_cols {
	int name, uscc, unit, address;   /* 0: not shown */
};

/* Below this the USCC is left to the card, so a phone's 50 columns still
 * show the name and the station. */
#define REG_USCC_FROM 70

struct reg {
	struct tui_list list;      /* first: the shared list code reaches it */
	struct lineedit query;
	char searched[256];        /* the text the rows are for */
	bool searched_once;
	struct entity *rows;
	int n, cap;
	bool more;                 /* more matched than were read */
	bool no_register;
	char as_of[16];
	int64_t entities;          /* in the register (its snapshot's rows) */
	int64_t snapshot;          /* its id: another import searches again */
	char error[1024];
};

static void rows_clear(struct reg *r)
{
	for (int i = 0; i < r->n; i++)
		entity_clear(&r->rows[i]);
	r->n = 0;
	r->more = false;
	r->error[0] = '\0';
}

static int hit_cb(const struct entity *e, void *ud)
{
	struct reg *r = ud;
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 64;
		struct entity *v = realloc(r->rows, (size_t)cap * sizeof *v);
		if (!v)
			return ZS_STOP;
		r->rows = v;
		r->cap = cap;
	}
	memset(&r->rows[r->n], 0, sizeof r->rows[r->n]);
	if (entity_copy(&r->rows[r->n], e)) {
		entity_clear(&r->rows[r->n]);
		return ZS_STOP;
	}
	r->n++;
	return 0;
}

/* Is there a register at all, and of when (read at opening and whenever
 * the data changes: an import replaces it). */
static void read_snapshot(struct tui *t, struct reg *r)
{
	struct register_snapshot s;
	r->no_register = entity_register_latest(t->c, &s, NULL) == ZS_ENOTFOUND;
	snprintf(r->as_of, sizeof r->as_of, "%s", !r->no_register && s.as_of ? s.as_of : "");
	r->entities = r->no_register ? 0 : s.rows;
	r->snapshot = r->no_register ? 0 : s.id;
	register_snapshot_clear(&s);
}

static int page_rows(const struct tui *t)
{
	return t->rows - 4 > 1 ? t->rows - 4 : 1;
}

static void search(struct tui *t, struct reg *r)
{
	char *text = text_sanitize(r->query.buf, r->query.len, 0);
	if (text)
		text_trim(text);
	const char *q = text ? text : "";
	if (r->searched_once && !strcmp(q, r->searched)) {
		free(text);
		return;
	}
	snprintf(r->searched, sizeof r->searched, "%s", q);
	r->searched_once = true;
	rows_clear(r);
	r->list.sel = r->list.top = 0;
	if (*q && !r->no_register) {
		int limit = page_rows(t) * REG_PAGES;
		struct entity_query eq = { .text = q, .limit = limit < REG_MAX ? limit : REG_MAX };
		struct entity_search_result res;
		struct zs_error err = { 0 };
		if (entity_search(t->c, &eq, hit_cb, r, &res, &err))
			snprintf(r->error, sizeof r->error, "%s", err.msg);
		r->more = res.more;
	}
	free(text);
	tui_list_update(&r->list);
}

static int rows_count(void *ud)
{
	return ((struct reg *)ud)->n;
}

static const char *rows_text(void *ud, int i, enum tui_color *c, bool *heading)
{
	*c = C_NORMAL;
	*heading = false;
	return ((struct reg *)ud)->rows[i].name;
}

static void widths(const struct tui *t, struct reg_cols *c)
{
	c->uscc = t->cols >= REG_USCC_FROM ? REG_USCC_COLS : 0;
	int rest = t->cols - c->uscc - REG_STATE_COLS;
	c->unit = rest - REG_UNIT_WIDE >= REG_NAME_MAX ? REG_UNIT_WIDE : REG_UNIT_MIN;
	c->name = rest - c->unit;
	c->address = 0;
	if (c->name - REG_NAME_MAX >= REG_ADDRESS_MIN) {
		c->address = c->name - REG_NAME_MAX;
		c->name = REG_NAME_MAX;
	}
}

/* One row in the columns, the last one to the window's edge. */
static void paint_cols(struct tui *t, int y, const char *const v[5], enum tui_color c)
{
	struct reg_cols w;
	widths(t, &w);
	int x = 0;
	x += tui_cell(t, y, x, w.name, v[0], c);
	if (w.uscc)
		x += tui_cell(t, y, x, w.uscc, v[1], c);
	x += tui_cell(t, y, x, REG_STATE_COLS, v[2], c);
	if (w.address) {
		x += tui_cell(t, y, x, w.unit, v[3], c);
		tui_text(t, y, x, t->cols - x, v[4], c);
	} else {
		tui_text(t, y, x, t->cols - x, v[3], c);
	}
}

/* Name, USCC, state and station in columns by display width (a cell never
 * cuts a character in half; a cut name ends with …). */
static void paint_row(struct tui *t, void *ud, int i, int y, bool selected)
{
	const struct entity *e = &((struct reg *)ud)->rows[i];
	bool active = !strcmp(e->state, "存续") || !strcmp(e->state, "在业");
	const char *v[5] = { e->name, e->uscc, e->state, *e->unit ? e->unit : "—", e->address };
	paint_cols(t, y, v, selected ? C_SELECTED : active ? C_NORMAL : C_DIM);
}

static const struct tui_rows reg_rows = { rows_count, rows_text, paint_row, NULL };

extern const struct key_table register_key_table, entity_card_key_table;

static void paint(struct tui *t, void *self)
{
	struct reg *r = self;
	char title[512];
	if (r->no_register)
		snprintf(title, sizeof title, "%s", TR("市场主体登记册", "Market-entity register"));
	else
		snprintf(title, sizeof title, TR("市场主体登记册（截至 %s，%lld 户）", "Market-entity register (as of %s, %lld entities)"),
			 r->as_of, (long long)r->entities);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 1, t->cols - 2, title, C_HEADER);
	if (*r->searched && !r->no_register && !r->error[0]) {
		char count[128];
		snprintf(count, sizeof count, r->more ? TR(" 前 %d 户，再打几个字缩小 ", " first %d; type more to narrow ")
						    : TR(" %d 户 ", " %d found "), r->n);
		int cw = text_width(count);
		tui_text_right(t, 0, t->cols - cw, cw, count, C_HEADER);
	}
	const char *label = TR("查找：", "Find: ");
	int lw = text_width(label);
	tui_text(t, 1, 0, lw, label, C_TITLE);
	t->cursor_x = le_draw(t, &r->query, 1, lw, t->cols - lw, C_SELECTED);
	t->cursor_y = 1;
	t->cursor_on = true;
	const char *head[5] = { TR("名称", "Name"), TR("统一社会信用代码", "USCC"), TR("状态", "State"),
				TR("管辖单位", "Supervised by"), TR("住所", "Address") };
	paint_cols(t, 2, head, C_TITLE);
	const char *note = NULL;
	if (r->no_register)
		note = TR("尚未导入市场主体登记册：管理员用 zhishou entity import 导入",
			  "no market-entity register imported yet: an admin imports it with zhishou entity import");
	else if (r->error[0])
		note = r->error;
	else if (!*r->searched)
		note = TR("输入名称（一个字起）、曾用名、统一社会信用代码或它的开头、负责人或地址",
			  "type a name (from one character), former name, USCC or its start, person or address");
	else if (!r->n)
		note = TR("（登记册里没有找到；只查存续、在业的）", "(nothing in the register; only active entities are searched)");
	if (note)
		tui_text(t, 3, 1, t->cols - 2, note, r->no_register || r->error[0] ? C_WARN : C_DIM);
	else
		tui_list_paint(t, &r->list, 3, t->rows - 4);
	tui_hints(t, &register_key_table);
}

/* Typing edits the search line (and searches again); arrows move the
 * selection. */
static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct reg *r = self;
	if (fkey && (key == KEY_UP || key == KEY_DOWN || key == KEY_NPAGE || key == KEY_PPAGE))
		return tui_list_key(t, &r->list, key, fkey);
	if (!fkey && (key == 27 || key == '\r' || key == '\n'))
		return false;
	bool changed = false;
	if (!le_key(&r->query, key, fkey, &changed))
		return false;
	if (changed)
		search(t, r);
	return true;
}

static bool typing(void *self)
{
	return ((struct reg *)self)->query.len > 0;
}

/* The night's data changes all the time; the rows only with a new
 * register (then searched again, the selection kept where it can be). */
static void changed(struct tui *t, void *self)
{
	struct reg *r = self;
	int64_t before = r->snapshot;
	read_snapshot(t, r);
	if (r->snapshot == before)
		return;
	int sel = r->list.sel;
	r->searched_once = false;
	search(t, r);
	r->list.sel = sel;
	tui_list_update(&r->list);
}

static void closed(struct tui *t, void *self)
{
	(void)t;
	struct reg *r = self;
	rows_clear(r);
	free(r->rows);
	tui_list_free(&r->list);
	free(r);
}

/* --- the card ----------------------------------------------------------- */

struct card_view {
	struct tui_pager pager;
	char code[32], name[256];
	char error[1024];
};

static void card_line(const char *label, const char *value, void *ud)
{
	struct tui_pager *p = ud;
	if (label)
		pager_add(p, C_NORMAL, TR("%s：%s", "%s: %s"), label, *value ? value : "—");
	else
		pager_add(p, C_NORMAL, "  %s", value);
}

static void card_build(struct tui *t, struct card_view *cv)
{
	pager_clear(&cv->pager);
	struct entity_card card;
	struct zs_error err = { 0 };
	cv->error[0] = '\0';
	if (entity_card_build(t->c, cv->code, &card, &err)) {
		snprintf(cv->error, sizeof cv->error, "%s", err.msg);
		return;
	}
	snprintf(cv->name, sizeof cv->name, "%s", card.e.name);
	entity_card_lines(&card, card_line, &cv->pager);
	entity_card_clear(&card);
}

static void card_paint(struct tui *t, void *self)
{
	struct card_view *cv = self;
	if (!cv->pager.n && !cv->error[0])
		card_build(t, cv);
	char title[512];
	snprintf(title, sizeof title, TR("市场主体：%s", "Market entity: %s"), cv->name);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 1, t->cols - 2, title, C_HEADER);
	if (cv->error[0])
		tui_text(t, 2, 1, t->cols - 2, cv->error, C_WARN);
	else
		pager_paint(t, &cv->pager, 1, t->rows - 2, 1, t->cols - 2);
	tui_hints(t, &entity_card_key_table);
}

static bool card_key(struct tui *t, void *self, int key, bool fkey)
{
	(void)t;
	struct card_view *cv = self;
	if (!fkey && key == 'k')
		key = KEY_UP, fkey = true;
	return pager_key(&cv->pager, key, fkey);
}

/* The roster or the intakes naming it changed: build the card again. */
static void card_changed(struct tui *t, void *self)
{
	(void)t;
	struct card_view *cv = self;
	pager_clear(&cv->pager);
	cv->error[0] = '\0';
}

static void card_closed(struct tui *t, void *self)
{
	(void)t;
	struct card_view *cv = self;
	pager_clear(&cv->pager);
	free(cv);
}

static const struct key_binding card_keys[] = {
	{ { 27, 'q' }, "Esc/q", "返回", "back", "回到登记册的查找结果", "back to the register's results", ROLE_NONE, tui_key_close },
	{ { 0 }, "↑↓/PgUp/PgDn", "滚动", "scroll", "滚动卡片", "scroll the card", ROLE_NONE, NULL },
};
const struct key_table entity_card_key_table = KEY_TABLE("市场主体卡片", "Market-entity card", card_keys);

static const struct view view_card = { "entity-card", &entity_card_key_table, card_paint, card_key, NULL, card_changed, card_closed };

static bool key_open(struct tui *t, void *self, int key)
{
	(void)key;
	struct reg *r = self;
	int i = tui_list_current(&r->list);
	if (i < 0 || !r->n) {
		tui_message(t, true, "%s", TR("先输入要找的名称或代码，再用 ↑↓ 选一户", "type a name or code first, then pick one with the arrows"));
		return true;
	}
	struct card_view *cv = calloc(1, sizeof *cv);
	if (!cv)
		return true;
	cv->pager.mark = -1;
	snprintf(cv->code, sizeof cv->code, "%s", r->rows[i].uscc);
	snprintf(cv->name, sizeof cv->name, "%s", r->rows[i].name);
	tui_push(t, &view_card, cv);
	return true;
}

static const struct key_binding register_keys[] = {
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "卡片", "card", "打开所选市场主体的卡片：全部登记信息、管辖单位今晚的带班领导、涉及它的登记和曝光问题",
	  "open the selected entity's card: every field, its unit's duty leader tonight, the intakes and exposures naming it", ROLE_NONE, key_open },
	{ { 0 }, "↑↓/PgUp/PgDn", "选择", "select", "在查到的市场主体间移动", "move among the entities found", ROLE_NONE, NULL },
	{ { 0 }, "Type", NULL, NULL, "边打边查：名称、曾用名、统一社会信用代码（或开头）、负责人、地址（Ctrl-U 清空）",
	  "search as you type: name, former name, USCC (or its start), person, address (Ctrl-U clears)", ROLE_NONE, NULL },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回（查找栏有字时 q 是字母，用 Esc）", "back (q is a letter while the search line has text: use Esc)", ROLE_NONE, tui_key_close },
	{ { TUI_FKEY(KEY_F(1)) }, "F1", "帮助", "help", "帮助（? 在这里是要查的字）", "help (? is text to search here)", ROLE_NONE, tui_key_help },
};
const struct key_table register_key_table = KEY_TABLE("市场主体登记册", "Market-entity register", register_keys);

static const struct view view_register = { "register", &register_key_table, paint, on_key, typing, changed, closed };

void register_view_open(struct tui *t)
{
	struct reg *r = calloc(1, sizeof *r);
	if (!r)
		return;
	r->query.max_chars = 60;
	tui_list_init(&r->list, &reg_rows, r);
	read_snapshot(t, r);
	search(t, r);
	tui_push(t, &view_register, r);
}
