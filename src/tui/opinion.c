/* The opinion watch in the console (y on the dashboard): every opinion,
 * open ones first by level, and one opinion whole in the pager; both
 * change the level, the status, add a note and (leaders) the approved
 * response, through the same core calls as `zhishou opinion update`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/opinion.h"
#include "zhishou/timeutil.h"

#define MAX_ROWS 500

/* One opening of the list or of one opinion (detail).  The list first:
 * the shared list bindings reach it from self. */
struct opage {
	struct tui_list list;
	bool detail, loaded;
	int64_t id;                 /* detail: the opinion shown */
	struct tui_pager pager;     /* detail */
	struct orow {
		char *text;
		enum tui_color color;
		int64_t id;
	} rows[MAX_ROWS];
	int n;
	int64_t open, major;
	int action;                 /* the key whose answer is awaited */
	const struct vocab *words;  /* v or s: the vocabulary offered */
	char *labels[8];
	char response[OPINION_MAX_TEXT * 4 + 1];   /* the current one, offered to edit */
	/* n: what has been asked so far of the opinion being recorded */
	const char *new_platform;
	char new_title[OPINION_MAX_TITLE * 4 + 1];
	struct tui_write adding;    /* until its add is known */
};

static enum tui_color level_color(const struct opinion *o)
{
	if (!strcmp(o->status, "settled"))
		return C_DIM;
	return !strcmp(o->level, "major") ? C_OVERDUE : !strcmp(o->level, "watch") ? C_WARN : C_NORMAL;
}

static void clear_rows(struct opage *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->rows[i].text);
	p->n = 0;
	p->open = p->major = 0;
	p->loaded = false;
}

static int row_cb(const struct opinion *o, void *ud)
{
	struct opage *p = ud;
	if (p->n >= MAX_ROWS)
		return ZS_STOP;
	char line[1024], t[32], x[32] = "";
	if (o->exposure_id)
		snprintf(x, sizeof x, TR("  →曝光 #%lld", "  → exposure #%lld"), (long long)o->exposure_id);
	snprintf(line, sizeof line, "#%lld %s %s %s %s  %s%s", (long long)o->id, vocab_label(&vocab_opinion_level, o->level),
		 vocab_label(&vocab_opinion_status, o->status), time_format(o->found_at, TIME_CLOCK, t, sizeof t),
		 vocab_label(&vocab_opinion_platform, o->platform), o->title, x);
	p->rows[p->n] = (struct orow){ strdup(line), level_color(o), o->id };
	if (p->rows[p->n].text)
		p->n++;
	if (strcmp(o->status, "settled")) {
		p->open++;
		p->major += !strcmp(o->level, "major");
	}
	return 0;
}

static void load_list(struct tui *t, struct opage *p)
{
	/* The selection stays on its opinion when a change moves it (raised
	 * to 重大, it goes up). */
	int cur = tui_list_current(&p->list);
	int64_t keep = cur >= 0 && cur < p->n ? p->rows[cur].id : 0;
	clear_rows(p);
	struct zs_error err = { 0 };
	if (opinion_list(t->c, false, 0, row_cb, p, &err))
		tui_message(t, true, "%s", err.msg);
	tui_list_update(&p->list);
	for (int k = 0; keep && k < p->list.nvis; k++)
		if (p->rows[p->list.vis[k]].id == keep)
			p->list.sel = k;
}

static void load_detail(struct tui *t, struct opage *p)
{
	pager_clear(&p->pager);
	struct opinion_card card;
	struct zs_error err = { 0 };
	if (opinion_get(t->c, p->id, &card, &err)) {
		pager_add(&p->pager, C_OVERDUE, "%s", err.msg);
		return;
	}
	const struct opinion *o = &card.o;
	char tm[32], a[32];
	pager_add(&p->pager, C_TITLE, "#%lld  %s", (long long)o->id, o->title);
	pager_add(&p->pager, level_color(o), TR("级别：%s  状态：%s  平台：%s", "Level: %s  Status: %s  Platform: %s"),
		  vocab_label(&vocab_opinion_level, o->level), vocab_label(&vocab_opinion_status, o->status),
		  vocab_label(&vocab_opinion_platform, o->platform));
	pager_add(&p->pager, C_NORMAL, TR("发现时间：%s  传播量：%s", "Found: %s  Reach: %s"),
		  time_format(o->found_at, TIME_FULL, tm, sizeof tm), o->reach >= 0 ? (snprintf(a, sizeof a, "%lld", (long long)o->reach), a) : "—");
	/* Shown as text, never opened. */
	pager_add(&p->pager, C_NORMAL, TR("链接：%s", "Link: %s"), *o->url ? o->url : "—");
	if (o->exposure_id)
		pager_add(&p->pager, C_NORMAL, TR("关联曝光：#%lld %s", "Exposure: #%lld %s"), (long long)o->exposure_id, o->exposure_title);
	if (o->intake_id)
		pager_add(&p->pager, C_NORMAL, TR("关联登记：#%lld", "Intake: #%lld"), (long long)o->intake_id);
	pager_add(&p->pager, C_NORMAL, TR("摘要：%s", "Summary: %s"), *o->summary ? o->summary : "—");
	if (*o->response)
		pager_add(&p->pager, C_OK, TR("回应口径（%s %s 审定）：%s", "Response (approved by %s, %s): %s"), o->response_by,
			  time_format(o->response_at, TIME_SHORT, tm, sizeof tm), o->response);
	else
		pager_add(&p->pager, C_DIM, "%s", TR("回应口径：还没有（带班领导按 R 审定）", "Response: none yet (a leader presses R)"));
	pager_add(&p->pager, C_TITLE, TR("跟进 %zu 条", "Notes: %zu"), card.nnotes);
	for (size_t i = 0; i < card.nnotes; i++)
		pager_add(&p->pager, C_NORMAL, TR("  %s %s（%s）", "  %s %s (%s)"), time_format(card.notes[i].at, TIME_SHORT, tm, sizeof tm),
			  card.notes[i].text, card.notes[i].by_user);
	opinion_card_clear(&card);
}

static void reload(struct tui *t, struct opage *p)
{
	if (p->detail) {
		int scroll = p->pager.scroll;
		load_detail(t, p);
		p->pager.scroll = scroll;
	} else {
		load_list(t, p);
	}
	p->loaded = true;
}

/* The opinion the keys act on: the one shown, or the selected row. */
static int64_t target(const struct opage *p)
{
	if (p->detail)
		return p->id;
	int i = tui_list_current(&p->list);
	return i >= 0 ? p->rows[i].id : 0;
}

static void save(struct tui *t, struct opage *p, const struct opinion_input *in)
{
	struct zs_error err = { 0 };
	int64_t id = target(p);
	if (opinion_update(t->c, id, in, &err))
		tui_message(t, true, "%s", err.msg);
	else
		tui_message(t, false, TR("已保存舆情 #%lld", "Opinion #%lld saved"), (long long)id);
	reload(t, p);
}

static void word_picked(struct tui *t, void *ud, int index, const char *row)
{
	(void)row;
	struct opage *p = ud;
	if (index < 0 || (size_t)index >= p->words->n)
		return;
	const char *code = p->words->items[index].code;
	struct opinion_input in = { 0 };
	if (p->action == 'v')
		in.level = code;
	else
		in.status = code;
	save(t, p, &in);
}

static bool pick_word(struct tui *t, void *self, int key)
{
	struct opage *p = self;
	if (!target(p))
		return true;
	p->action = key;
	p->words = key == 'v' ? &vocab_opinion_level : &vocab_opinion_status;
	for (size_t i = 0; i < p->words->n && i < 8; i++)
		p->labels[i] = (char *)vocab_label(p->words, p->words->items[i].code);
	list_choose(t, key == 'v' ? TR("舆情级别（升为重大即通知领导群）：Enter 选定，Esc 取消", "Level (major tells the leaders' group): Enter picks, Esc cancels")
				  : TR("舆情状态：Enter 选定，Esc 取消", "Status: Enter picks, Esc cancels"),
		    p->labels, (int)p->words->n, "", word_picked, p);
	return true;
}

static void text_done(struct tui *t, void *ud, const char *answer)
{
	struct opage *p = ud;
	if (!answer)
		return;
	struct opinion_input in = { 0 };
	if (p->action == 'R')
		in.response = answer;
	else
		in.note = answer;
	save(t, p, &in);
}

/* The current wording, offered to edit. */
static void read_response(struct tui *t, struct opage *p)
{
	struct opinion_card card;
	struct zs_error err = { 0 };
	p->response[0] = '\0';
	if (!opinion_get(t->c, target(p), &card, &err)) {
		snprintf(p->response, sizeof p->response, "%s", card.o.response);
		opinion_card_clear(&card);
	}
}

static bool ask_text(struct tui *t, void *self, int key)
{
	struct opage *p = self;
	if (!target(p))
		return true;
	if (key == 'R')
		read_response(t, p);
	p->action = key;
	if (key == 'R')
		prompt_open_lines(t, TR("回应口径（带班领导审定；Ctrl-J 换行）：", "Response wording (a leader approves it; Ctrl-J breaks a line): "),
				  p->response, text_done, p);
	else
		prompt_open_lines(t, TR("跟进备注（Ctrl-J 换行）：", "Note (Ctrl-J breaks a line): "), "", text_done, p);
	return true;
}

/* --- n: record one seen online: platform, title, link (may be empty) --- */

static void select_id(struct opage *p, int64_t id)
{
	for (int k = 0; k < p->list.nvis; k++)
		if (p->rows[p->list.vis[k]].id == id)
			p->list.sel = k;
}

static int add_write(struct zs_ctx *c, void *in, int64_t *id, struct zs_error *err)
{
	return opinion_add(c, in, id, err);
}

#define LINK_QUESTION TR("链接（只记下，不打开；没有就直接 Enter）：", "Link (kept, never opened; Enter for none): ")

static void link_given(struct tui *t, void *ud, const char *answer)
{
	struct opage *p = ud;
	if (!answer)
		return;
	struct opinion_input in = { .platform = p->new_platform, .title = p->new_title, .url = answer };
	int64_t id = 0;
	int r = tui_write(t, &p->adding, add_write, &in, &id);
	if (r == ZS_ELOST)   /* the link offered again, under the same token */
		prompt_open(t, tui_write_again(), answer, link_given, p);
	if (r)
		return;
	reload(t, p);
	if (!p->detail)
		select_id(p, id);
	tui_message(t, false, TR("已记录舆情 #%lld（一般）：v 定级别，l 关联曝光，a 加备注", "Opinion #%lld recorded (normal): v level, l link an exposure, a note"),
		    (long long)id);
}

static void title_given(struct tui *t, void *ud, const char *answer)
{
	struct opage *p = ud;
	if (!answer)
		return;
	snprintf(p->new_title, sizeof p->new_title, "%s", answer);
	prompt_open(t, LINK_QUESTION, "", link_given, p);
}

static void platform_picked(struct tui *t, void *ud, int index, const char *row)
{
	(void)row;
	struct opage *p = ud;
	if (index < 0 || (size_t)index >= vocab_opinion_platform.n)
		return;
	p->new_platform = vocab_opinion_platform.items[index].code;
	p->new_title[0] = '\0';
	tui_write_forget(&p->adding);   /* a new opinion */
	prompt_open(t, TR("舆情标题（看到的是什么）：", "Title (what was seen): "), "", title_given, p);
}

static bool key_new(struct tui *t, void *self, int key)
{
	(void)key;
	struct opage *p = self;
	for (size_t i = 0; i < vocab_opinion_platform.n && i < 8; i++)
		p->labels[i] = (char *)vocab_label(&vocab_opinion_platform, vocab_opinion_platform.items[i].code);
	list_choose(t, TR("记录舆情：在哪个平台看到的？Enter 选定，Esc 取消", "Record an opinion: where was it seen? Enter picks, Esc cancels"),
		    p->labels, (int)(vocab_opinion_platform.n < 8 ? vocab_opinion_platform.n : 8), "", platform_picked, p);
	return true;
}

/* l: link the opinion to the exposure it echoes (picked from the list). */
static void exposure_picked(struct tui *t, void *ud, int index, const char *row)
{
	struct opage *p = ud;
	if (index < 0 || !row)
		return;
	struct opinion_input in = { .exposure = row };
	save(t, p, &in);
}

static bool key_link(struct tui *t, void *self, int key)
{
	(void)key;
	struct opage *p = self;
	if (!target(p))
		return true;
	exposure_choose(t, TR("关联曝光问题：打字筛选（标题、编号或拼音首字母），Enter 选定，Esc 取消",
			      "Link to exposure: type a title, a number or pinyin initials, Enter picks, Esc cancels"),
			0, exposure_picked, p);
	return true;
}

static void opinion_open(struct tui *t, int64_t id);

static bool key_open(struct tui *t, void *self, int key)
{
	(void)key;
	int64_t id = target(self);
	if (id)
		opinion_open(t, id);
	return true;
}

static const struct key_binding list_keys[] = {
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "详情", "open", "打开所选舆情：链接、回应口径、跟进备注", "open the selected opinion: link, response, notes", ROLE_NONE, key_open },
	{ { 'n' }, "n", "记录", "new", "记录一条舆情：选平台，写标题，贴链接（可空）", "record an opinion: pick the platform, write the title, paste the link (may be empty)", ROLE_OPERATOR, key_new },
	{ { 'v' }, "v", "级别", "level", "定舆情级别（一般、关注、重大；升为重大即通知领导群）", "change the level (major tells the leaders' group)", ROLE_OPERATOR, pick_word },
	{ { 's' }, "s", "状态", "status", "定舆情状态（监测中、已报告、已回应、已平息）", "change the status", ROLE_OPERATOR, pick_word },
	{ { 'a' }, "a", "备注", "note", "加跟进备注", "add a note", ROLE_OPERATOR, ask_text },
	{ { 'l' }, "l", "关联曝光", "link", "关联到它呼应的曝光问题（从列表里选）", "link it to the exposure it echoes (picked from the list)", ROLE_OPERATOR, key_link },
	{ { 'R' }, "R", "回应口径", "response", "审定回应口径（带班领导，如同批示）", "approve the response wording (leaders, as an instruction)", ROLE_LEADER, ask_text },
	{ { 'f' }, "f", "筛选", "filter", "筛选：边打字边缩小", "filter as you type", ROLE_NONE, tui_list_key_filter },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回", "back", ROLE_NONE, tui_key_close },
};
const struct key_table opinion_list_key_table = KEY_TABLE("舆情监测", "Opinion watch", list_keys);

static const struct key_binding detail_keys[] = {
	{ { 'v' }, "v", "级别", "level", "定舆情级别（一般、关注、重大；升为重大即通知领导群）", "change the level (major tells the leaders' group)", ROLE_OPERATOR, pick_word },
	{ { 's' }, "s", "状态", "status", "定舆情状态（监测中、已报告、已回应、已平息）", "change the status", ROLE_OPERATOR, pick_word },
	{ { 'a' }, "a", "备注", "note", "加跟进备注", "add a note", ROLE_OPERATOR, ask_text },
	{ { 'l' }, "l", "关联曝光", "link", "关联到它呼应的曝光问题（从列表里选）", "link it to the exposure it echoes (picked from the list)", ROLE_OPERATOR, key_link },
	{ { 'R' }, "R", "回应口径", "response", "审定回应口径（带班领导，如同批示）", "approve the response wording (leaders, as an instruction)", ROLE_LEADER, ask_text },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回", "back", ROLE_NONE, tui_key_close },
	{ { '?', TUI_FKEY(KEY_F(1)) }, "?/F1", NULL, NULL, "帮助（所有按键）", "help (every key)", ROLE_NONE, tui_key_help },
};
const struct key_table opinion_key_table = KEY_TABLE("舆情详情", "Opinion detail", detail_keys);

static int rows_count(void *ud)
{
	return ((struct opage *)ud)->n;
}

static const char *rows_text(void *ud, int i, enum tui_color *c, bool *heading)
{
	const struct orow *r = &((struct opage *)ud)->rows[i];
	*c = r->color;
	*heading = false;
	return r->text;
}

static const struct tui_rows opinion_rows = { rows_count, rows_text, NULL, NULL };

static void paint(struct tui *t, void *self)
{
	struct opage *p = self;
	if (!p->loaded)
		reload(t, p);
	char title[256];
	if (p->detail) {
		pager_paint(t, &p->pager, 1, t->rows - 2, 1, t->cols - 2);
		tui_fill(t, 0, 0, t->cols, C_HEADER);
		snprintf(title, sizeof title, TR("舆情 #%lld", "Opinion #%lld"), (long long)p->id);
		tui_text(t, 0, 1, t->cols - 2, title, C_HEADER);
		tui_hints(t, &opinion_key_table);
		return;
	}
	snprintf(title, sizeof title, TR("舆情监测：未平息 %lld 条，重大 %lld 条（共 %d 条）", "Opinion watch: %lld open, %lld major (%d in all)"),
		 (long long)p->open, (long long)p->major, p->n);
	tui_list_header(t, &p->list, title);
	if (!p->n)
		tui_text(t, 1, 1, t->cols - 2, TR("（还没有舆情记录；zhishou opinion add 登记）", "(no opinions yet; zhishou opinion add records one)"), C_DIM);
	else
		tui_list_paint(t, &p->list, 1, t->rows - 2);
	tui_hints(t, &opinion_list_key_table);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct opage *p = self;
	return p->detail ? pager_key(&p->pager, key, fkey) : tui_list_key(t, &p->list, key, fkey);
}

static bool typing(void *self)
{
	struct opage *p = self;
	return !p->detail && tui_list_typing(self);
}

static void on_data_changed(struct tui *t, void *self)
{
	reload(t, self);
}

static void on_close(struct tui *t, void *self)
{
	(void)t;
	struct opage *p = self;
	clear_rows(p);
	pager_clear(&p->pager);
	tui_list_free(&p->list);
	free(p);
}

static const struct view view_opinions = { "opinions", &opinion_list_key_table, paint, on_key, typing, on_data_changed, on_close };
static const struct view view_opinion = { "opinion", &opinion_key_table, paint, on_key, NULL, on_data_changed, on_close };

static void opinion_open(struct tui *t, int64_t id)
{
	struct opage *p = calloc(1, sizeof *p);
	if (!p)
		return;
	p->detail = true;
	p->id = id;
	p->pager.mark = -1;
	tui_list_init(&p->list, &opinion_rows, p);
	tui_push(t, &view_opinion, p);
}

void opinion_view_open(struct tui *t)
{
	struct opage *p = calloc(1, sizeof *p);
	if (!p)
		return;
	p->pager.mark = -1;
	tui_list_init(&p->list, &opinion_rows, p);
	tui_push(t, &view_opinions, p);
}
