/* The full roster for the night (with a filter), search results, and the
 * relay's troubles (failed robot messages, quarantined 8890 records). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/alert.h"
#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/search.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

#define MAX_ROWS 1000

struct row {
	char *text;
	enum tui_color color;
	int64_t id;        /* search: the record to open; relay: a failed delivery */
	bool exposure, heading;
};

enum list_kind { LIST_ROSTER, LIST_SEARCH, LIST_RELAY };

/* One page's state, allocated when it opens (the list first: the shared
 * list bindings reach it from self). */
struct list {
	struct tui_list list;
	enum list_kind kind;
	char query[256];   /* search: the words searched */
	struct row rows[MAX_ROWS];
	int n;
	bool loaded;
};

static void clear_rows(struct list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->rows[i].text);
	l->n = 0;
	l->loaded = false;
}

static void push_row(struct list *l, enum tui_color c, int64_t id, bool exposure, const char *s)
{
	if (l->n >= MAX_ROWS)
		return;
	l->rows[l->n].text = strdup(s);
	l->rows[l->n].color = c;
	l->rows[l->n].id = id;
	l->rows[l->n].exposure = exposure;
	l->rows[l->n].heading = c == C_TITLE && !id;
	l->n++;
}

struct roster_load {
	struct list *l;
	int64_t now;
	char unit[128];
};

/* Name, title and phones in columns of fixed display widths, so that a
 * unit's people line up under each other (a name of 2 to 4 characters, a
 * title such as 四级主任科员, a landline with its area code); the row
 * fits 80 columns. */
enum { ROSTER_NAME_COLS = 8, ROSTER_TITLE_COLS = 12, ROSTER_LANDLINE_COLS = 12, ROSTER_MOBILE_COLS = 11 };

static int roster_cb(const struct roster_entry *r, void *ud)
{
	struct roster_load *rl = ud;
	char line[512], a[16], b[16], name[64], title[128], land[64], mobile[64];
	if (strcmp(rl->unit, r->unit)) {
		snprintf(rl->unit, sizeof rl->unit, "%s", r->unit);
		push_row(rl->l, C_TITLE, 0, false, r->unit);
	}
	bool on = r->shift_start <= rl->now && r->shift_end > rl->now;
	text_fit_cols(r->name, ROSTER_NAME_COLS, true, name, sizeof name);
	text_fit_cols(r->title, ROSTER_TITLE_COLS, true, title, sizeof title);
	text_fit_cols(*r->landline ? r->landline : "—", ROSTER_LANDLINE_COLS, true, land, sizeof land);
	text_fit_cols(*r->mobile ? r->mobile : "—", ROSTER_MOBILE_COLS, true, mobile, sizeof mobile);
	snprintf(line, sizeof line, "  %s %s  %s  %s  %s  %s-%s%s", r->is_leader ? TR("带班", "lead") : "    ", name, title,
		 land, mobile, time_format(r->shift_start, TIME_CLOCK, a, sizeof a),
		 time_format(r->shift_end, TIME_CLOCK, b, sizeof b), on ? TR("  在岗", "  on duty") : "");
	push_row(rl->l, on ? C_NORMAL : C_DIM, 0, false, line);
	return 0;
}

static void load_roster(struct tui *t, struct list *l)
{
	clear_rows(l);
	char date[16];
	/* The night's roster: the duty date is the evening's date (before 06:00
	 * it is still last night). */
	time_format(t->c->now - 6 * 3600, TIME_DATE, date, sizeof date);
	struct roster_load rl = { .l = l, .now = t->c->now };
	struct zs_error err = { 0 };
	roster_list(t->c, date, 0, roster_cb, &rl, &err);
	if (!l->n)
		push_row(l, C_DIM, 0, false, TR("（今晚的值班表里没有人）", "(nobody on tonight's roster)"));
}

static int sx_cb(const struct exposure *e, void *ud)
{
	struct list *l = ud;
	(void)e;
	char line[512];
	snprintf(line, sizeof line, "%s #%lld %s  %s", TR("曝光", "exposure"), (long long)e->id, e->title,
		 vocab_label(&vocab_exposure_status, e->status));
	push_row(l, C_TITLE, e->id, true, line);
	return 0;
}

static int search_hit(const struct search_hit *h, void *ud)
{
	struct list *l = ud;
	if (h->exposure)
		return sx_cb(h->exposure, l);
	const struct intake *i = h->intake;
	char line[1024], t[32];
	snprintf(line, sizeof line, "%s #%lld %s %s %s  %s", TR("登记", "intake"), (long long)i->id,
		 time_format(i->received_at, TIME_SHORT, t, sizeof t), vocab_label(&vocab_status, i->status), i->subject, i->summary);
	push_row(l, C_NORMAL, i->id, false, line);
	return 0;
}

static void load_search(struct tui *t, struct list *l)
{
	clear_rows(l);
	struct zs_error err = { 0 };
	struct search_result res;
	if (search_run(t->c, l->query, 200, search_hit, l, &res, &err)) {
		push_row(l, C_OVERDUE, 0, false, err.msg);
		return;
	}
	if (!l->n)
		push_row(l, C_DIM, 0, false, TR("（没有找到）", "(nothing found)"));
}

struct relay_load {
	struct list *l;
	int n;
};

static int failed_cb(const struct delivery *d, void *ud)
{
	struct relay_load *rl = ud;
	char line[1024], t[32];
	snprintf(line, sizeof line, TR("  #%lld %s %s → %s  试了 %lld 次：%s", "  #%lld %s %s -> %s  %lld tries: %s"),
		 (long long)d->id, time_format(d->ev.created_at, TIME_SHORT, t, sizeof t), alert_event_label(d->ev.event),
		 d->robot, (long long)d->attempts, d->last_error);
	push_row(rl->l, C_OVERDUE, d->id, false, line);
	rl->n++;
	return 0;
}

static int recent_cb(const struct delivery *d, void *ud)
{
	struct relay_load *rl = ud;
	char line[1024], t[32], st[32];
	const char *state = !strcmp(d->state, "sent") ? TR("已送达", "sent")
			    : !strcmp(d->state, "failed") ? TR("失败", "failed") : TR("待发", "pending");
	if (!strcmp(d->state, "pending") && d->attempts)
		snprintf(st, sizeof st, TR("重试中（%lld）", "retrying (%lld)"), (long long)d->attempts);
	else
		snprintf(st, sizeof st, "%s", state);
	snprintf(line, sizeof line, "  #%lld %s %s → %s  %s", (long long)d->id,
		 time_format(d->ev.created_at, TIME_SHORT, t, sizeof t), alert_event_label(d->ev.event), d->robot, st);
	push_row(rl->l, !strcmp(d->state, "sent") ? C_DIM : C_NORMAL, 0, false, line);
	rl->n++;
	return 0;
}

static int quarantine_cb(const struct quarantine_row *q, void *ud)
{
	struct relay_load *rl = ud;
	char line[1024], t[32];
	snprintf(line, sizeof line, TR("  %s %s 工单 %s：%s（%lld 次）  %s", "  %s %s order %s: %s (%lld times)  %s"),
		 time_format(q->last_at, TIME_SHORT, t, sizeof t), q->feed, *q->order_no ? q->order_no : "—", q->reason,
		 (long long)q->seen, q->raw);
	push_row(rl->l, C_WARN, 0, false, line);
	rl->n++;
	return 0;
}

static void load_relay(struct tui *t, struct list *l)
{
	clear_rows(l);
	struct zs_error err = { 0 };
	struct relay_load rl = { .l = l };
	char title[128];
	snprintf(title, sizeof title, TR("发送失败的提醒（%lld 条；R 重发所选，A 全部重发）", "Failed alerts (%lld; R resend selected, A all)"),
		 (long long)delivery_count(t->c, "failed"));
	push_row(l, C_TITLE, 0, false, title);
	delivery_list(t->c, true, 0, 200, failed_cb, &rl, &err);
	if (!rl.n)
		push_row(l, C_DIM, 0, false, TR("  （没有）", "  (none)"));
	push_row(l, C_TITLE, 0, false, TR("最近的提醒", "Recent alerts"));
	rl.n = 0;
	delivery_list(t->c, false, 0, 30, recent_cb, &rl, &err);
	if (!rl.n)
		push_row(l, C_DIM, 0, false, TR("  （还没有；relay 未配置或未运行）", "  (none yet; is the relay configured and running?)"));
	snprintf(title, sizeof title, TR("8890 接入隔离的记录（%lld 条）", "Quarantined 8890 records (%lld)"),
		 (long long)quarantine_count(t->c));
	push_row(l, C_TITLE, 0, false, title);
	rl.n = 0;
	quarantine_list(t->c, NULL, 0, 200, quarantine_cb, &rl, &err);
	if (!rl.n)
		push_row(l, C_DIM, 0, false, TR("  （没有）", "  (none)"));
}

static void load(struct tui *t, struct list *l)
{
	clear_rows(l);
	if (l->kind == LIST_RELAY)
		load_relay(t, l);
	else if (l->kind == LIST_SEARCH)
		load_search(t, l);
	else
		load_roster(t, l);
	l->loaded = true;
	tui_list_update(&l->list);
}

static int rows_count(void *ud)
{
	return ((struct list *)ud)->n;
}

static const char *rows_text(void *ud, int i, enum tui_color *c, bool *heading)
{
	const struct row *r = &((struct list *)ud)->rows[i];
	*c = r->color;
	*heading = r->heading;
	return r->text;
}

static const struct tui_rows list_rows = { rows_count, rows_text, NULL, NULL };

static const struct row *current(const struct list *l)
{
	int i = tui_list_current(&l->list);
	return i >= 0 ? &l->rows[i] : NULL;
}

static bool key_open(struct tui *t, void *self, int key)
{
	(void)key;
	const struct row *r = current(self);
	if (r && r->id)
		r->exposure ? exposure_detail_open(t, r->id) : intake_detail_open(t, r->id);
	return true;
}

static void search_done(struct tui *t, void *ud, const char *answer)
{
	struct list *l = ud;
	if (!answer) {
		if (!l->query[0])
			tui_pop(t);   /* nothing searched yet: back to where / was pressed */
		return;
	}
	snprintf(l->query, sizeof l->query, "%s", answer);
	l->list.sel = l->list.top = 0;
	clear_rows(l);
}

static bool key_search(struct tui *t, void *self, int key)
{
	(void)key;
	struct list *l = self;
	/* A new search starts empty (the words searched are in the title). */
	prompt_open(t, l->query[0] ? TR("搜索：", "Search: ") : TR("搜索（文字、#编号、电话或尾号）：", "Search (words, #number, a phone or its last digits): "),
		    "", search_done, l);
	return true;
}

static void retry(struct tui *t, int64_t id)
{
	struct zs_error err = { 0 };
	int64_t n = 0;
	if (alert_retry(t->c, id, &n, &err))
		tui_message(t, true, "%s", err.msg);
	else
		tui_message(t, false, TR("%lld 条提醒已放回待发", "%lld alerts queued again"), (long long)n);
}

static bool key_retry(struct tui *t, void *self, int key)
{
	const struct row *r = current(self);
	if (key == 'A')
		retry(t, 0);
	else if (r && r->id)
		retry(t, r->id);
	return true;
}

static const struct key_binding roster_keys[] = {
	{ { 'f', '/' }, "f, /", "筛选（单位、姓名、电话）", "filter (unit, name, phone)", "筛选：边打字边缩小（单位、姓名、电话）", "filter as you type (unit, name, phone)", ROLE_NONE, tui_list_key_filter },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回", "back", ROLE_NONE, tui_key_close },
};
const struct key_table roster_key_table = KEY_TABLE("今晚值班表", "Tonight's roster", roster_keys);

static const struct key_binding search_keys[] = {
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "打开", "open", "打开所选的登记或曝光问题", "open the selected result", ROLE_NONE, key_open },
	{ { '/' }, "/", "重新搜索", "search again", "重新搜索", "search again", ROLE_NONE, key_search },
	{ { 'f' }, "f", "筛选结果", "filter", "在结果里筛选", "filter the results", ROLE_NONE, tui_list_key_filter },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回", "back", ROLE_NONE, tui_key_close },
};
const struct key_table search_key_table = KEY_TABLE("搜索结果", "Search results", search_keys);

static const struct key_binding relay_keys[] = {
	{ { 'R' }, "R", "重发所选", "resend", "重发所选的失败提醒", "resend the selected failed alert", ROLE_OPERATOR, key_retry },
	{ { 'A' }, "A", "全部重发", "resend all", "重发全部失败提醒", "resend every failed alert", ROLE_OPERATOR, key_retry },
	{ { 'f' }, "f", "筛选", "filter", "筛选", "filter", ROLE_NONE, tui_list_key_filter },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回", "back", ROLE_NONE, tui_key_close },
};
const struct key_table relay_key_table = KEY_TABLE("外发与接入", "Relay", relay_keys);

static void paint(struct tui *t, void *self)
{
	struct list *l = self;
	if (!l->loaded && !(l->kind == LIST_SEARCH && !l->query[0]))
		load(t, l);
	char title[512];
	const struct key_table *kt = &roster_key_table;
	if (l->kind == LIST_RELAY) {
		snprintf(title, sizeof title, "%s", TR("外发与接入：聊天机器人提醒、8890 工单", "Relay: robot alerts and the 8890 feed"));
		kt = &relay_key_table;
	} else if (l->kind == LIST_SEARCH) {
		/* A count, not the rows: "nothing found" is not a result. */
		int found = 0;
		for (int i = 0; i < l->n; i++)
			found += l->rows[i].id != 0;
		snprintf(title, sizeof title, TR("搜索「%s」：%d 条", "Search \"%s\": %d"), l->query, found);
		kt = &search_key_table;
	} else {
		snprintf(title, sizeof title, "%s", TR("今晚值班表", "Tonight's roster"));
	}
	tui_list_header(t, &l->list, title);
	tui_list_paint(t, &l->list, 1, t->rows - 2);
	tui_hints(t, kt);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct list *l = self;
	return tui_list_key(t, &l->list, key, fkey);
}

/* New data drops the rows; paint loads them again, the filter kept. */
static void drop_rows(struct tui *t, void *self)
{
	(void)t;
	clear_rows(self);
}

static void closed(struct tui *t, void *self)
{
	(void)t;
	struct list *l = self;
	clear_rows(l);
	tui_list_free(&l->list);
	free(l);
}

static const struct view view_roster = { "roster", &roster_key_table, paint, on_key, tui_list_typing, drop_rows, closed };
static const struct view view_search = { "search", &search_key_table, paint, on_key, tui_list_typing, drop_rows, closed };
static const struct view view_relay = { "relay", &relay_key_table, paint, on_key, tui_list_typing, drop_rows, closed };

static struct list *list_open(struct tui *t, enum list_kind kind, const struct view *v)
{
	struct list *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->kind = kind;
	tui_list_init(&l->list, &list_rows, l);
	tui_push(t, v, l);
	return l;
}

void roster_view_open(struct tui *t)
{
	list_open(t, LIST_ROSTER, &view_roster);
}

void search_view_open(struct tui *t)
{
	struct list *l = list_open(t, LIST_SEARCH, &view_search);
	if (l)
		key_search(t, l, '/');
}

void relay_view_open(struct tui *t)
{
	list_open(t, LIST_RELAY, &view_relay);
}

extern const struct key_table dash_key_table, compact_key_table, form_key_table, intake_key_table,
	exposure_key_table, prompt_key_table, edit_key_table, review_key_table, report_key_table, help_key_table,
	choose_key_table, choose_multi_key_table, confirm_key_table, prompt_lines_key_table, register_key_table,
	entity_card_key_table, upreport_key_table;
const struct key_table *const tui_key_tables[] = {
	&dash_key_table, &compact_key_table, &form_key_table, &intake_key_table, &exposure_key_table, &help_key_table,
	&list_nav_key_table, &roster_key_table, &search_key_table, &register_key_table, &entity_card_key_table, &relay_key_table, &review_key_table,
	&upreport_key_table, &report_key_table, &choose_key_table, &choose_multi_key_table, &prompt_key_table, &prompt_lines_key_table,
	&confirm_key_table, &edit_key_table, NULL,
};
