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
	bool exposure;
};

enum list_kind { LIST_ROSTER, LIST_SEARCH, LIST_RELAY };

struct list {
	enum list_kind kind;
	bool search;
	char filter[256];
	struct row rows[MAX_ROWS];
	int n, sel, top;
};

static struct list roster_view_list, search_list, relay_list;

static void clear_rows(struct list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->rows[i].text);
	l->n = 0;
}

static void push_row(struct list *l, enum tui_color c, int64_t id, bool exposure, const char *s)
{
	if (l->n >= MAX_ROWS)
		return;
	l->rows[l->n].text = strdup(s);
	l->rows[l->n].color = c;
	l->rows[l->n].id = id;
	l->rows[l->n].exposure = exposure;
	l->n++;
}

struct roster_load {
	struct list *l;
	int64_t now;
	char unit[128];
};

static int roster_cb(const struct roster_entry *r, void *ud)
{
	struct roster_load *rl = ud;
	char line[512], a[16], b[16];
	snprintf(line, sizeof line, "%s %s %s %s %s %s-%s", r->unit, r->name, r->title, r->landline, r->mobile,
		 time_format(r->shift_start, TIME_CLOCK, a, sizeof a), time_format(r->shift_end, TIME_CLOCK, b, sizeof b));
	if (rl->l->filter[0] && !strstr(line, rl->l->filter))
		return 0;
	if (strcmp(rl->unit, r->unit)) {
		snprintf(rl->unit, sizeof rl->unit, "%s", r->unit);
		push_row(rl->l, C_TITLE, 0, false, r->unit);
	}
	bool on = r->shift_start <= rl->now && r->shift_end > rl->now;
	snprintf(line, sizeof line, "  %s %-s  %s  %s  %s  %s-%s%s", r->is_leader ? TR("带班", "lead") : TR("    ", "    "), r->name,
		 r->title, *r->landline ? r->landline : "—", *r->mobile ? r->mobile : "—", a, b, on ? TR("  在岗", "  on duty") : "");
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
		push_row(l, C_DIM, 0, false, TR("（今晚的值班表里没有符合的人）", "(nobody on tonight's roster matches)"));
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
	if (search_run(t->c, l->filter, 200, search_hit, l, &res, &err)) {
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

static void retry(struct tui *t, int64_t id)
{
	struct zs_error err = { 0 };
	int64_t n = 0;
	if (alert_retry(t->c, id, &n, &err))
		tui_message(t, true, "%s", err.msg);
	else
		tui_message(t, false, TR("%lld 条提醒已放回待发", "%lld alerts queued again"), (long long)n);
}

static const struct key_binding list_keys[] = {
	{ '/', false, "/, f", "筛选 / 重新搜索", "filter / search again", ROLE_NONE },
	{ '\r', false, "Enter", "打开所选（搜索结果）", "open the selected result", ROLE_NONE },
	{ 'R', false, "R", "重发所选的失败提醒（外发页）", "resend the selected failed alert (relay page)", ROLE_OPERATOR },
	{ 'A', false, "A", "重发全部失败提醒（外发页）", "resend every failed alert (relay page)", ROLE_OPERATOR },
	{ 27, false, "Esc/q", "返回", "back", ROLE_NONE },
};
const struct key_table list_key_table = { "值班表、搜索与外发", "Roster, search and relay", list_keys,
					  sizeof list_keys / sizeof *list_keys };

static void paint(struct tui *t, void *self)
{
	struct list *l = self;
	if (!l->n && !(l->search && !l->filter[0]))
		l->kind == LIST_RELAY ? load_relay(t, l) : l->search ? load_search(t, l) : load_roster(t, l);
	char title[512];
	if (l->kind == LIST_RELAY)
		snprintf(title, sizeof title, "%s", TR("外发与接入：聊天机器人提醒、8890 工单", "Relay: robot alerts and the 8890 feed"));
	else if (l->search)
		snprintf(title, sizeof title, TR("搜索「%s」：%d 条", "Search \"%s\": %d"), l->filter, l->n);
	else
		snprintf(title, sizeof title, TR("今晚值班表%s%s", "Tonight's roster%s%s"), l->filter[0] ? TR(" · 筛选：", " - filter: ") : "", l->filter);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 1, t->cols - 2, title, C_HEADER);
	int rows = t->rows - 2;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
	for (int k = 0; k < rows && l->top + k < l->n; k++) {
		int i = l->top + k;
		tui_text(t, 1 + k, 0, t->cols, l->rows[i].text, i == l->sel ? C_SELECTED : l->rows[i].color);
	}
	tui_text(t, t->rows - 1, 0, t->cols,
		 l->kind == LIST_RELAY ? (tui_may(t, ROLE_OPERATOR) ? TR("↑↓ 选择  R 重发所选  A 全部重发  Esc 返回", "arrows select  R resend  A resend all  Esc back")
							: TR("↑↓ 选择  Esc 返回", "arrows select  Esc back")) :
		 l->search ? TR("↑↓ 选择  Enter 打开  / 重新搜索  Esc 返回", "arrows select  Enter open  / search again  Esc back")
			   : TR("↑↓ 滚动  / 筛选（单位、姓名、电话）  Esc 返回", "arrows scroll  / filter (unit, name, phone)  Esc back"),
		 C_HINT);
}

static void filter_done(struct tui *t, void *ud, const char *answer)
{
	struct list *l = ud;
	if (!answer) {
		if (l->search && !l->filter[0])
			tui_pop(t);
		return;
	}
	snprintf(l->filter, sizeof l->filter, "%s", answer);
	l->sel = l->top = 0;
	clear_rows(l);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct list *l = self;
	if (fkey) {
		if (key == KEY_DOWN && l->sel + 1 < l->n)
			l->sel++;
		else if (key == KEY_UP && l->sel > 0)
			l->sel--;
		else if (key == KEY_NPAGE)
			l->sel = l->sel + (t->rows - 2) < l->n ? l->sel + (t->rows - 2) : l->n - 1;
		else if (key == KEY_PPAGE)
			l->sel = l->sel > t->rows - 2 ? l->sel - (t->rows - 2) : 0;
		else if (key == KEY_ENTER)
			key = '\r', fkey = false;
		else
			return false;
		if (fkey)
			return true;
	}
	if (l->kind == LIST_RELAY && tui_refuse_key(t, &list_key_table, key))
		return true;
	switch (key) {
	case 27:
	case 'q':
		tui_pop(t);
		return true;
	case 'j':
		if (l->sel + 1 < l->n)
			l->sel++;
		return true;
	case 'k':
		if (l->sel > 0)
			l->sel--;
		return true;
	case 'R':
		if (l->kind == LIST_RELAY && l->n && l->rows[l->sel].id)
			retry(t, l->rows[l->sel].id);
		return true;
	case 'A':
		if (l->kind == LIST_RELAY)
			retry(t, 0);
		return true;
	case '/':
	case 'f':
		if (l->kind == LIST_RELAY)
			return true;
		prompt_open(t, l->search ? TR("搜索：", "Search: ") : TR("筛选：", "Filter: "), l->filter, filter_done, l);
		return true;
	case '\r':
	case '\n':
		if (l->search && l->n && l->rows[l->sel].id) {
			if (l->rows[l->sel].exposure)
				exposure_detail_open(t, l->rows[l->sel].id);
			else
				intake_detail_open(t, l->rows[l->sel].id);
		}
		return true;
	}
	return false;
}

/* New data and closing both drop the rows; paint loads them again. */
static void drop_rows(struct tui *t, void *self)
{
	(void)t;
	clear_rows(self);
}

const struct view view_roster = { "roster", paint, on_key, drop_rows, drop_rows };
const struct view view_search = { "search", paint, on_key, drop_rows, drop_rows };
const struct view view_relay = { "relay", paint, on_key, drop_rows, drop_rows };

static void list_open(struct tui *t, struct list *l, enum list_kind kind, const struct view *v)
{
	l->kind = kind;
	l->search = kind == LIST_SEARCH;
	l->filter[0] = '\0';
	l->sel = l->top = 0;
	clear_rows(l);
	tui_push(t, v, l);
}

void roster_view_open(struct tui *t)
{
	list_open(t, &roster_view_list, LIST_ROSTER, &view_roster);
}

void search_view_open(struct tui *t)
{
	list_open(t, &search_list, LIST_SEARCH, &view_search);
	prompt_open(t, TR("搜索（中文一个字起，多个词空格隔开）：", "Search (Chinese from 1 character; words separated by spaces): "), "",
		    filter_done, &search_list);
}

void relay_view_open(struct tui *t)
{
	list_open(t, &relay_list, LIST_RELAY, &view_relay);
}

extern const struct key_table dash_key_table, form_key_table, intake_key_table, exposure_key_table,
	prompt_key_table, edit_key_table, review_key_table, report_key_table;
const struct key_table *const tui_key_tables[] = {
	&dash_key_table, &form_key_table, &intake_key_table, &exposure_key_table, &list_key_table, &review_key_table,
	&report_key_table, &prompt_key_table,
	&edit_key_table, NULL,
};
