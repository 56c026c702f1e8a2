/* Details: an intake's full record and history, an exposure's timeline and
 * linked intakes, each with its actions (through prompts, never a nested
 * input loop). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/card.h"
#include "zhishou/codes.h"
#include "zhishou/exposure.h"
#include "zhishou/i18n.h"
#include "zhishou/intake.h"
#include "zhishou/platform.h"
#include "zhishou/reads.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

struct detail {
	struct tui_pager pager;
	bool exposure;
	int64_t id;
	int64_t linked[64];   /* exposure: ids of the linked intakes shown */
	int first_linked;     /* the pager line of the first of them */
	int nlinked, sel;
	bool viewed;          /* a whole view of the caller was audited for this opening */
	bool loaded;
	int action;           /* the key whose prompt is open */
	int64_t exposure_id;  /* intake: the linked exposure (the link list starts on it) */
	/* exposure: what its prompts start with (the current value) */
	char companies[1024], keywords[1024], industry[128], deadline[32], assist[1024];
	char offer[1024];     /* exposure: stations of confirmed businesses, offered as assist units */
	char initial[1024];   /* what the open prompt started with */
	/* the current codes, where the vocabulary pick lists start */
	char status[32], level[2], local[16];
	char kind[16];        /* intake: complaint, tip, inquiry */
	char subject[512];    /* intake: the business, for the ODR question */
	const char *outcome;  /* intake: the outcome picked with 已办结 (a code; NULL: none) */
	char platform_no[40]; /* intake: its 12315 platform number, what p's prompt starts with */
	char action_kind[32]; /* exposure: the kind picked for the action being written */
	struct word_pick *words; /* the open vocabulary pick list's rows */
};

/* A vocabulary pick list's rows (pick_word, pick_action). */
struct word_pick {
	const struct vocab *v;
	char *rows[32];
	const char *codes[32];
	int n;
};
static void word_pick_free(struct detail *d);

#define add(d, ...) pager_add(&(d)->pager, __VA_ARGS__)

static void clear_lines(struct detail *d)
{
	pager_clear(&d->pager);
	d->nlinked = 0;
	d->loaded = false;
}

static void add_timeline(struct detail *d, const struct timeline *tl)
{
	char t[32];
	for (size_t k = 0; k < tl->n; k++) {
		const struct timeline_entry *e = &tl->e[k];
		enum tui_color c = e->kind == TL_INSTRUCTION ? C_WARN : e->kind == TL_ACTION ? C_NORMAL : C_DIM;
		const char *tag = e->kind == TL_INSTRUCTION ? TR("批示：", "instruction: ") : "";
		/* A note of several lines: the lines after the first under it. */
		char what[4096];
		size_t o = 0;
		for (const char *p = e->what; *p && o + 8 < sizeof what; p++) {
			what[o++] = *p;
			if (*p == '\n')
				o += (size_t)snprintf(what + o, sizeof what - o, "%s", "    ");
		}
		what[o] = '\0';
		add(d, c, TRF("  %s %s%s（%s）", "  %s %s%s (%s)"), time_format(e->at, TIME_SHORT, t, sizeof t), tag, what, e->who);
	}
}

static void load_intake(struct tui *t, struct detail *d)
{
	clear_lines(d);
	struct intake_card card;
	struct zs_error err = { 0 };
	/* The card holds the caller as this member may see it; the first whole
	 * view of each opening is audited, repaints are not. */
	if (intake_card_build(t->c, d->id, !d->viewed, &card, &err)) {
		add(d, C_OVERDUE, "%s", err.msg);
		return;
	}
	d->viewed = true;
	const struct intake *i = &card.in;
	snprintf(d->status, sizeof d->status, "%s", i->status);
	snprintf(d->kind, sizeof d->kind, "%s", i->kind);
	snprintf(d->subject, sizeof d->subject, "%s", i->subject);
	d->exposure_id = i->exposure_id;
	char tm[32];
	add(d, C_TITLE, "#%lld  %s  %s  %s", (long long)i->id, vocab_label(&vocab_channel, i->channel), vocab_label(&vocab_kind, i->kind),
	    vocab_label(&vocab_status, i->status));
	add(d, C_NORMAL, TRF("%s：%s", "%s: %s"), TR("受理时间", "Received"), time_format(i->received_at, TIME_FULL, tm, sizeof tm));
	add(d, C_NORMAL, TRF("%s：%s  %s", "%s: %s  %s"), TR("来电人", "Caller"), *i->caller ? i->caller : "—", *i->phone ? i->phone : "");
	add(d, C_NORMAL, TRF("%s：%s  %s", "%s: %s  %s"), TR("被投诉主体", "Business"), *i->subject ? i->subject : "—", i->uscc);
	add(d, C_NORMAL, TRF("%s：%s", "%s: %s"), TR("分类", "Category"), *i->category ? vocab_label(&vocab_category, i->category) : "—");
	add(d, C_NORMAL, TRF("%s：%s", "%s: %s"), TR("工单号", "Reference"), *i->ref ? i->ref : "—");
	add(d, C_NORMAL, TRF("%s：%s", "%s: %s"), TR("登记人", "Logged by"), card.recorder);
	char pl[256];
	add(d, platform_pending(i) ? C_WARN : C_NORMAL, TRF("%s：%s", "%s: %s"), TR("12315平台编号", "12315 platform no"),
	    platform_line(i, card.platform_by, pl, sizeof pl));
	snprintf(d->platform_no, sizeof d->platform_no, "%s", i->platform_no);
	if (i->exposure_id)
		add(d, C_NORMAL, TRF("%s：#%lld %s", "%s: #%lld %s"), TR("关联曝光", "Exposure"), (long long)i->exposure_id, i->exposure_title);
	if (*i->handling) {
		char who[512];
		add(d, C_NORMAL, TRF("%s：%s %s", "%s: %s %s"), TR("处理方式", "Handling"), vocab_label(&vocab_handling, i->handling),
		    intake_handler(i, who, sizeof who));
	}
	if (*i->outcome)
		add(d, C_NORMAL, TRF("%s：%s", "%s: %s"), TR("调解结果", "Outcome"), vocab_label(&vocab_outcome, i->outcome));
	if (i->duplicate_of)
		add(d, C_NORMAL, TRF("%s：#%lld", "%s: #%lld"), TR("重复于", "Duplicate of"), (long long)i->duplicate_of);
	if (i->recovered_fen)
		add(d, C_NORMAL, TRF("%s：%lld.%02lld", "%s: %lld.%02lld"), TR("挽回损失（元）", "Recovered (yuan)"), (long long)(i->recovered_fen / 100),
		    (long long)(i->recovered_fen % 100));
	add(d, C_TITLE, "%s", TR("内容摘要", "Summary"));
	add(d, C_NORMAL, "%s", i->summary);
	if (*i->notes) {
		add(d, C_TITLE, "%s", TR("备注", "Notes"));
		add(d, C_NORMAL, "%s", i->notes);
	}
	add(d, C_TITLE, "%s", TR("经过", "History"));
	add_timeline(d, &card.history);
	intake_card_clear(&card);
}

/* 本地涉及 as the credit desk left it: who settled it and when, the
 * confirmed businesses by station, the register's candidates waiting. */
static void add_local(struct tui *t, struct detail *d, const struct exposure *e)
{
	struct exposure_parties p;
	struct zs_error err = { 0 };
	d->offer[0] = '\0';
	if (exposure_parties_get(t->c, e->id, &p, &err))
		return;
	char tm[32];
	if (e->local_at)
		add(d, C_TITLE, TR("本地主体（%s %s 核实）", "Local businesses (settled by %s, %s)"), e->local_by,
		    time_format(e->local_at, TIME_SHORT, tm, sizeof tm));
	else if (p.n)
		add(d, C_TITLE, "%s", TR("本地主体（尚未核实）", "Local businesses (not yet checked)"));
	for (size_t i = 0; i < p.n; i++)
		if (p.v[i].confirmed)
			add(d, C_NORMAL, "  ✓ %s  %s  %s", p.v[i].name, p.v[i].uscc, p.v[i].unit);
	if (p.candidates > p.confirmed || (p.candidates && !p.confirmed))
		add(d, C_NORMAL, TR("  登记册候选 %zu 户，分属 %zu 个管辖所（按 e 核实确认，N 为不涉及）",
				    "  %zu candidates in the register under %zu stations (e to confirm, N for nothing local)"),
		    p.candidates, p.units);
	for (size_t i = 0; i < p.noffer; i++) {
		size_t l = strlen(d->offer);
		snprintf(d->offer + l, sizeof d->offer - l, "%s%s", l ? ";" : "", p.offer[i]);
	}
	if (p.noffer)
		add(d, C_NORMAL, TR("  可加为协办单位（按 A，已勾选）：%s", "  stations to assist (press A, already marked): %s"), d->offer);
	exposure_parties_clear(&p);
}

static void load_exposure(struct tui *t, struct detail *d)
{
	clear_lines(d);
	struct exposure_card card;
	struct zs_error err = { 0 };
	if (exposure_card_build(t->c, d->id, &card, &err)) {
		add(d, C_OVERDUE, "%s", err.msg);
		return;
	}
	const struct exposure *e = &card.e;
	snprintf(d->companies, sizeof d->companies, "%s", e->companies);
	snprintf(d->keywords, sizeof d->keywords, "%s", e->keywords);
	snprintf(d->industry, sizeof d->industry, "%s", e->industry);
	snprintf(d->assist, sizeof d->assist, "%s", e->assist_units);
	snprintf(d->status, sizeof d->status, "%s", e->status);
	snprintf(d->level, sizeof d->level, "%d", e->level);
	snprintf(d->local, sizeof d->local, "%s", e->local ? e->local : "");
	time_format(e->deadline, TIME_FULL, d->deadline, sizeof d->deadline);
	char tm[32], dl[32], lv[2] = { (char)('0' + e->level), 0 };
	bool overdue = card.due == DUE_OVERDUE;
	add(d, C_TITLE, "#%lld  %s", (long long)e->id, e->title);
	char local[64];
	add(d, C_NORMAL, TRF("%s：%s  %s：%s  %s：%s", "%s: %s  %s: %s  %s: %s"), TR("级别", "Level"), vocab_label(&vocab_level, lv), TR("状态", "Status"),
	    vocab_label(&vocab_exposure_status, e->status), TR("本地涉及", "Local"), exposure_local_text(e, false, local, sizeof local));
	add(d, overdue ? C_OVERDUE : card.due == DUE_SOON ? C_WARN : C_NORMAL, TRF("%s：%s  %s：%s%s", "%s: %s  %s: %s%s"), TR("曝光时间", "Aired"),
	    time_format(e->aired_at, TIME_FULL, tm, sizeof tm), TR("时限", "Deadline"), time_format(e->deadline, TIME_FULL, dl, sizeof dl),
	    overdue ? TR("  ！已超时", "  ! OVERDUE") : "");
	add(d, C_NORMAL, TRF("%s：%s  %s：%s", "%s: %s  %s: %s"), TR("牵头单位", "Lead"), *e->lead_unit ? e->lead_unit : "—", TR("协办", "Assisting"),
	    *e->assist_units ? e->assist_units : "—");
	add(d, C_NORMAL, TRF("%s：%s", "%s: %s"), TR("行业", "Industry"), *e->industry ? e->industry : "—");
	add(d, C_NORMAL, TRF("%s：%s", "%s: %s"), TR("涉事企业", "Companies"), *e->companies ? e->companies : "—");
	add(d, C_NORMAL, TRF("%s：%s", "%s: %s"), TR("关键词", "Keywords"), *e->keywords ? e->keywords : "—");
	add_local(t, d, e);
	add(d, C_TITLE, "%s", TR("处置经过（按时间：措施、批示、变更）", "Timeline (actions, instructions, changes)"));
	add_timeline(d, &card.timeline);
	if (card.nopinions)
		add(d, C_TITLE, TR("舆情 %zu 条", "Opinions: %zu"), card.nopinions);
	for (size_t k = 0; k < card.nopinions; k++) {
		const struct opinion *o = &card.opinions[k];
		add(d, !strcmp(o->level, "major") ? C_OVERDUE : C_NORMAL, "  #%lld %s %s %s %s %s", (long long)o->id,
		    vocab_label(&vocab_opinion_level, o->level), vocab_label(&vocab_opinion_status, o->status),
		    time_format(o->found_at, TIME_CLOCK, tm, sizeof tm), vocab_label(&vocab_opinion_platform, o->platform),
		    o->title);
		if (*o->response)
			add(d, C_DIM, TR("    回应口径：%s", "    response: %s"), o->response);
	}
	add(d, C_TITLE, TR("关联登记 %lld 件（最新 %d 件）", "Linked intakes: %lld (newest %d)"), (long long)card.linked_total,
	    CARD_LINKED_MAX);
	d->first_linked = d->pager.n;
	for (size_t k = 0; k < card.nlinked && d->nlinked < 64; k++) {
		const struct intake *i = &card.linked[k];
		d->linked[d->nlinked++] = i->id;
		add(d, C_NORMAL, "  #%lld %s %s %s %s", (long long)i->id, time_format(i->received_at, TIME_CLOCK, tm, sizeof tm),
		    vocab_label(&vocab_status, i->status), i->subject, i->summary);
	}
	exposure_card_clear(&card);
}

static void reload(struct tui *t, struct detail *d)
{
	int scroll = d->pager.scroll;
	d->loaded = true;
	if (d->exposure)
		load_exposure(t, d);
	else
		load_intake(t, d);
	/* A reload (a change saved, another console's) keeps the place. */
	d->pager.scroll = scroll;
	d->pager.mark = d->nlinked ? d->first_linked + (d->sel < d->nlinked ? d->sel : 0) : -1;
}

static bool ask(struct tui *t, void *self, int key);
static bool pick_unit(struct tui *t, void *self, int key);
static bool pick_units(struct tui *t, void *self, int key);
static bool pick_exposure(struct tui *t, void *self, int key);
static bool pick_original(struct tui *t, void *self, int key);
static bool pick_word(struct tui *t, void *self, int key);
static bool key_odr(struct tui *t, void *self, int key);
static bool open_linked(struct tui *t, void *self, int key);
static bool local_pick(struct tui *t, void *self, int key);
static bool local_nothing(struct tui *t, void *self, int key);

static bool key_help(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	help_open(t);
	return true;
}

static const struct key_binding intake_keys[] = {
	{ { 's' }, "s", "改状态", "status", "改状态（从可改到的状态里选）", "change status (picked from those it may go to)", ROLE_OPERATOR, pick_word },
	{ { 't' }, "t", "转办", "transfer", "转办到单位（从单位列表里选）", "transfer to a unit (picked from the list)", ROLE_OPERATOR, pick_unit },
	{ { 'o' }, "o", "ODR", "ODR", "经ODR转交被投诉的经营者处理（它须是登记册中的ODR企业；先确认）", "hand the complaint to the business through ODR (an ODR enterprise in the register; asks first)", ROLE_OPERATOR, key_odr },
	{ { 'l' }, "l", "关联", "link", "关联曝光问题（从曝光列表里选，可打编号）", "link to an exposure (picked from the list; a number finds it)", ROLE_OPERATOR, pick_exposure },
	{ { 'd' }, "d", "重复件", "duplicate", "标记为重复件（从最近的登记里选原件，从疑似重复的那件开始）", "mark as duplicate (the original picked from recent intakes, starting on the likely one)", ROLE_OPERATOR, pick_original },
	{ { 'a' }, "a", "加备注", "note", "加备注", "add a note", ROLE_OPERATOR, ask },
	{ { 'm' }, "m", "挽回", "money", "挽回经济损失（元）", "money recovered (yuan)", ROLE_OPERATOR, ask },
	/* The hints at 80 columns: l and m say less so that p fits. */
	{ { 'p' }, "p", "平台", "12315", "12315平台编号（录入平台后填写）", "12315 platform number (once entered there)", ROLE_OPERATOR, ask },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回", "back", ROLE_NONE, tui_key_close },
	{ { '?', TUI_FKEY(KEY_F(1)) }, "?/F1", NULL, NULL, "帮助（所有按键）", "help (every key)", ROLE_NONE, key_help },
};
const struct key_table intake_key_table = KEY_TABLE("登记详情", "Intake detail", intake_keys);

/* r: the exposure's next progress report to the city (its own page). */
static bool key_upreport(struct tui *t, void *self, int key)
{
	(void)key;
	upreport_open(t, ((struct detail *)self)->id);
	return true;
}

static const struct key_binding exposure_keys[] = {
	{ { 'a' }, "a", "记录措施", "action", "记录措施：先选类型，再写数量和说明（如 12 连夜检查超市）", "add action: pick its kind, then count and note (e.g. 12 shops checked)", ROLE_OPERATOR, pick_word },
	{ { 'i' }, "i", "写批示", "instruct", "写批示", "write an instruction", ROLE_LEADER, ask },
	{ { 's' }, "s", "改状态", "status", "改状态（从列表里选：排查中、处置中、已立案、已上报、已办结、本地无涉）", "change status (picked from the list)", ROLE_LEADER, pick_word },
	{ { 'v' }, "v", "改级别", "level", "改级别（从列表里选：特别重大 … 一般）", "change level (picked from the list)", ROLE_LEADER, pick_word },
	{ { 'L' }, "L", "设牵头单位", "lead", "设牵头单位（从单位列表里选）", "set the lead unit (picked from the list)", ROLE_LEADER, pick_unit },
	{ { 'A' }, "A", "协办单位", "assist", "设协办单位（从单位列表里勾选，可多个）", "set the assisting units (marked in the unit list, several allowed)", ROLE_LEADER, pick_units },
	{ { 'e' }, "e", "本地主体", "businesses", "本地主体：登记册找到的候选，Tab 勾选确认涉及的，Enter 保存", "local businesses: the register's candidates; Tab marks those involved, Enter saves", ROLE_OPERATOR, local_pick },
	{ { 'N' }, "N", "不涉及", "none local", "核实后本地不涉及（撤销已确认的主体，问题定为本地无涉）", "checked: nothing local (withdraws confirmed businesses; closes as nothing local)", ROLE_OPERATOR, local_nothing },
	{ { 'o' }, "o", "本地涉及", "local", "本地涉及（从列表里选：涉及、不涉及、待查）", "local involvement (picked: yes, no, unknown)", ROLE_OPERATOR, pick_word },
	{ { 'c' }, "c", "涉事企业", "companies", "涉事企业（分号隔开）", "companies (separated by ;)", ROLE_OPERATOR, ask },
	{ { 'k' }, "k", "关键词", "keywords", "关键词（分号隔开）", "keywords (separated by ;)", ROLE_OPERATOR, ask },
	{ { 'n' }, "n", "行业", "industry", "行业", "industry", ROLE_OPERATOR, ask },
	{ { 'D' }, "D", "办结时限", "deadline", "办结时限", "deadline", ROLE_LEADER, ask },
	{ { 'r' }, "r", "上报", "report", "向市局上报进展：看下一报（第N报/续报），n 写下一步工作，w 记下并写出文件", "a progress report to the city: the next one (n next steps, w records and writes it)", ROLE_NONE, key_upreport },
	{ { '\r', '\n', TUI_FKEY(KEY_ENTER) }, "Enter", "打开", "open", "打开所选关联登记（↑↓ 选择）", "open the selected linked intake (arrows select)", ROLE_NONE, open_linked },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回", "back", ROLE_NONE, tui_key_close },
	{ { '?', TUI_FKEY(KEY_F(1)) }, "?/F1", NULL, NULL, "帮助（所有按键）", "help (every key)", ROLE_NONE, key_help },
};
const struct key_table exposure_key_table = KEY_TABLE("曝光问题详情", "Exposure detail", exposure_keys);

static void paint(struct tui *t, void *self)
{
	struct detail *d = self;
	if (!d->loaded)
		reload(t, d);
	/* The page first: the title says where in it the window is. */
	pager_paint(t, &d->pager, 1, t->rows - 2, 1, t->cols - 2);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	char title[160];
	int len = snprintf(title, sizeof title, d->exposure ? TR("曝光问题 #%lld", "Exposure #%lld") : TR("登记 #%lld", "Intake #%lld"), (long long)d->id);
	/* Where the page is, when it does not fit: the text goes on below. */
	if (d->pager.total > d->pager.page && len > 0)
		snprintf(title + len, sizeof title - (size_t)len, TR("  （第 %d–%d 行，共 %d 行；PgDn/空格 往下看）", "  (rows %d-%d of %d; PgDn/Space for more)"),
			 d->pager.scroll + 1, d->pager.scroll + d->pager.page < d->pager.total ? d->pager.scroll + d->pager.page : d->pager.total,
			 d->pager.total);
	tui_text(t, 0, 1, t->cols - 2, title, C_HEADER);
	tui_hints(t, d->exposure ? &exposure_key_table : &intake_key_table);
}

/* Companies or keywords saved: the register was searched again. */
static void saved_with_candidates(struct tui *t, int64_t id)
{
	struct exposure_parties p;
	struct zs_error err = { 0 };
	if (exposure_parties_get(t->c, id, &p, &err)) {
		tui_message(t, false, "%s", TR("已保存", "Saved"));
		return;
	}
	if (p.candidates)
		tui_message(t, false, TR("已保存；登记册找到本地候选 %zu 户（按 e 核实确认）", "Saved; the register finds %zu local candidates (e to confirm)"),
			    p.candidates);
	else
		tui_message(t, false, "%s", TR("已保存", "Saved"));
	exposure_parties_clear(&p);
}

static void done(struct tui *t, void *ud, const char *answer)
{
	struct detail *d = ud;
	if (!answer)
		return;
	if (*d->initial && !strcmp(answer, d->initial)) {   /* Enter kept the value */
		tui_message(t, false, "%s", TR("未改动", "Unchanged"));
		return;
	}
	struct zs_error err = { 0 };
	int r = ZS_OK;
	if (!d->exposure) {
		struct intake_change ch = { 0 };
		switch (d->action) {
		case 's': ch.status = answer; ch.outcome = d->outcome; break;
		case 't': ch.transfer = answer; break;
		case 'l': ch.exposure = answer; break;
		case 'd': ch.duplicate_of = answer; break;
		case 'a': ch.note = answer; break;
		case 'm': ch.recovered = answer; break;
		case 'p': ch.platform_no = answer; break;
		}
		d->outcome = NULL;
		r = intake_update(t->c, d->id, &ch, &err);
	} else {
		struct exposure_input in = { 0 };
		switch (d->action) {
		case 'a': {
			/* The kind was picked; "count note", the count optional. */
			char buf[4096], *save = NULL, *count = NULL;
			snprintf(buf, sizeof buf, "%s", answer);
			char *rest = buf;
			while (*rest == ' ')
				rest++;
			if (*rest >= '0' && *rest <= '9') {
				count = strtok_r(rest, " ", &save);
				rest = save ? save : (char *)"";
			}
			r = exposure_add_action(t->c, d->id, d->action_kind, count, rest, &err);
			break;
		}
		case 'i': r = exposure_instruct(t->c, d->id, answer, &err); break;
		case 's': in.status = answer; break;
		case 'v': in.level = answer; break;
		case 'L': in.lead = answer; break;
		case 'A': in.assist = answer; break;
		case 'o': in.local = answer; break;
		case 'c': in.companies = answer; break;
		case 'k': in.keywords = answer; break;
		case 'n': in.industry = answer; break;
		case 'D': in.deadline = answer; break;
		}
		if (d->action != 'a' && d->action != 'i')
			r = exposure_update(t->c, d->id, &in, &err);
	}
	if (r)
		tui_message(t, true, "%s", err.msg);
	else if (d->exposure && (d->action == 'c' || d->action == 'k'))
		saved_with_candidates(t, d->id);
	else
		tui_message(t, false, "%s", TR("已保存", "Saved"));
	reload(t, d);
}

static const struct key_binding *binding_of(const struct detail *d, int key)
{
	const struct key_table *kt = d->exposure ? &exposure_key_table : &intake_key_table;
	for (int i = 0; i < kt->n; i++)
		if (kt->keys[i].keys[0] == key)
			return &kt->keys[i];
	return NULL;
}

/* The action keys: a prompt asks for the value, done saves it. */
static bool ask(struct tui *t, void *self, int key)
{
	struct detail *d = self;
	const struct key_binding *b = binding_of(d, key);
	if (!b)
		return false;
	d->action = key;
	char q[256];
	snprintf(q, sizeof q, TRF("%s：", "%s: "), TR(b->zh, b->en));
	/* A field's prompt starts with what it holds: Enter keeps it, typing
	 * replaces it, → edits it. */
	const char *cur = !d->exposure && key == 'p' ? d->platform_no : "";
	if (d->exposure)
		switch (key) {
		case 'c': cur = d->companies; break;
		case 'k': cur = d->keywords; break;
		case 'n': cur = d->industry; break;
		case 'D': cur = d->deadline; break;
		}
	snprintf(d->initial, sizeof d->initial, "%s", cur);
	/* A note, an instruction and an action's note take several lines. */
	if (key == 'a' || (d->exposure && key == 'i'))
		prompt_open_lines(t, q, cur, done, d);
	else
		prompt_open(t, q, cur, done, d);
	return true;
}

static void word_pick_free(struct detail *d)
{
	struct word_pick *w = d->words;
	if (!w)
		return;
	for (int k = 0; k < w->n; k++)
		free(w->rows[k]);
	free(w);
	d->words = NULL;
}

/* A closed vocabulary's words as a pick list (status, level, local
 * involvement): typed text narrows it, Enter takes the word, nothing to
 * misspell.  An intake's status offers only where it may go from here. */
/* 调解结果 for a complaint being closed: 达成协议, 未达成协议 or 不填;
 * Esc leaves it open (nothing saved). */
static void outcome_picked(struct tui *t, void *ud, int index, const char *row)
{
	struct detail *d = ud;
	(void)row;
	if (index < 0)
		return;
	d->outcome = index < (int)vocab_outcome.n ? vocab_outcome.items[index].code : NULL;
	d->action = 's';
	done(t, d, "closed");
}

static void ask_outcome(struct tui *t, struct detail *d)
{
	char *rows[8];
	int n = 0;
	for (size_t k = 0; k < vocab_outcome.n && n < 7; k++)
		rows[n++] = (char *)TR(vocab_outcome.items[k].zh, vocab_outcome.items[k].en);
	rows[n++] = (char *)TR("不填", "not given");
	struct choose_opts o = { .start = 0 };
	list_choose_opts(t, TR("调解结果：Enter 选定，Esc 取消（不办结）", "Mediation outcome: Enter picks, Esc cancels (not closed)"), rows, n,
			 &o, outcome_picked, d);
}

static void word_picked(struct tui *t, void *ud, int index, const char *row)
{
	struct detail *d = ud;
	(void)row;
	struct word_pick *w = d->words;
	/* Closing a complaint: how mediation ended is asked next. */
	bool closing = w && index >= 0 && index < w->n && !d->exposure && d->action == 's' &&
		       !strcmp(w->codes[index], "closed") && !strcmp(d->kind, "complaint");
	if (closing)
		ask_outcome(t, d);
	else if (w && index >= 0 && index < w->n)
		done(t, d, w->codes[index]);
	word_pick_free(d);
}

static void odr_done(struct tui *t, void *ud, const char *answer)
{
	struct detail *d = ud;
	if (!answer || (strcmp(answer, "y") && strcmp(answer, "Y")))
		return;
	struct intake_change ch = { .odr = true };
	struct zs_error err = { 0 };
	if (intake_update(t->c, d->id, &ch, &err))
		tui_message(t, true, "%s", err.msg);
	else
		tui_message(t, false, "%s", TR("已经ODR转交经营者", "Handed to the business through ODR"));
	reload(t, d);
}

/* ODR hand-over: a yes/no question first; the core decides whether the
 * business is an ODR enterprise and says why not. */
static bool key_odr(struct tui *t, void *self, int key)
{
	(void)key;
	struct detail *d = self;
	char q[768];
	snprintf(q, sizeof q, TR("经ODR转交被投诉经营者「%s」处理？y/n ", "Hand this complaint to \"%s\" through ODR? y/n "),
		 *d->subject ? d->subject : TR("（未填）", "(none)"));
	prompt_confirm(t, q, odr_done, d);
	return true;
}

/* An action: its kind from the list, then one prompt for the count and a
 * note ("12 连夜检查超市"). */
static void action_kind_picked(struct tui *t, void *ud, int index, const char *row)
{
	struct detail *d = ud;
	(void)row;
	struct word_pick *w = d->words;
	if (w && index >= 0 && index < w->n) {
		snprintf(d->action_kind, sizeof d->action_kind, "%s", w->codes[index]);
		char q[256];
		snprintf(q, sizeof q, TR("%s：数量 说明（如 12 连夜检查超市；数量可不填）：",
					 "%s: count and note (e.g. 12 shops checked overnight; count optional): "), w->rows[index]);
		d->action = 'a';
		d->initial[0] = '\0';
		word_pick_free(d);
		prompt_open_lines(t, q, "", done, d);
		return;
	}
	word_pick_free(d);
}

static bool pick_word(struct tui *t, void *self, int key)
{
	struct detail *d = self;
	d->action = key;
	d->initial[0] = '\0';
	word_pick_free(d);
	struct word_pick *w = calloc(1, sizeof *w);
	if (!w)
		return true;
	/* a: an exposure's action, whose kind is picked first (no current one). */
	bool action = d->exposure && key == 'a';
	const char *cur = action ? "" : key == 'v' ? d->level : key == 'o' ? d->local : d->status;
	w->v = action ? &vocab_action : key == 'v' ? &vocab_level : key == 'o' ? &vocab_local
	     : d->exposure ? &vocab_exposure_status : &vocab_status;
	int start = -1;
	for (size_t k = 0; k < w->v->n && w->n < 32; k++) {
		const char *code = w->v->items[k].code;
		if (!d->exposure && key == 's' && strcmp(code, cur) && !status_transition_ok(cur, code))
			continue;
		if (!strcmp(code, cur))
			start = w->n;
		w->codes[w->n] = code;
		/* Levels by number too (2 重大), as they are said. */
		char row[128];
		snprintf(row, sizeof row, "%s%s%s", key == 'v' ? code : "", key == 'v' ? " " : "",
			 TR(w->v->items[k].zh, w->v->items[k].en));
		w->rows[w->n++] = strdup(row);
	}
	d->words = w;
	const struct key_binding *b = binding_of(d, key);
	char title[256];
	if (action)
		snprintf(title, sizeof title, "%s", TR("记录措施：先选类型（打字筛选），Enter 选定，Esc 取消",
						       "Action: pick its kind (type to filter), Enter picks, Esc cancels"));
	else
		snprintf(title, sizeof title, TRF("%s：打字筛选，Enter 选定，Esc 取消", "%s: type to filter, Enter picks, Esc cancels"),
			 b ? TR(b->hint_zh, b->hint_en) : "");
	struct choose_opts o = { .start = start };
	list_choose_opts(t, title, w->rows, w->n, &o, action ? action_kind_picked : word_picked, d);
	return true;
}

static void picked(struct tui *t, void *ud, int index, const char *unit)
{
	if (index >= 0)
		done(t, ud, unit);
}

/* Transfer and lead unit: picked from the units, typing narrows the list
 * (食品 offers every unit with 食品 in its name, spaq 食品安全监管科 first). */
static bool pick_unit(struct tui *t, void *self, int key)
{
	struct detail *d = self;
	d->action = key;
	d->initial[0] = '\0';
	unit_choose(t, d->exposure ? TR("设牵头单位：打字筛选（名称或拼音首字母），Enter 选定，Esc 取消", "Lead unit: type a name or its pinyin initials, Enter picks, Esc cancels")
				   : TR("转办到单位：打字筛选（名称或拼音首字母），Enter 选定，Esc 取消", "Transfer to: type a name or its pinyin initials, Enter picks, Esc cancels"),
		    "", picked, d);
	return true;
}

/* Assisting units: marked in the unit list (the current ones marked). */
static bool pick_units(struct tui *t, void *self, int key)
{
	struct detail *d = self;
	d->action = key;
	d->initial[0] = '\0';
	struct choose_opts o = { .start = -1, .multi = true, .sep = ";" };
	/* The stations of confirmed local businesses start marked: offered,
	 * saved only with Enter. */
	char current[2048];
	snprintf(current, sizeof current, "%s%s%s", d->assist, *d->assist && *d->offer ? ";" : "", d->offer);
	unit_choose_opts(t, TR("协办单位：打字筛选，Tab 勾选（可多个），Enter 完成，Esc 取消", "Assisting units: type to filter, Tab marks (several), Enter when done, Esc cancels"),
			 &o, current, picked, d);
	return true;
}

static void local_reload(struct tui *t, void *ud)
{
	reload(t, ud);
}

static bool local_pick(struct tui *t, void *self, int key)
{
	(void)key;
	struct detail *d = self;
	local_choose(t, d->id, local_reload, d);
	return true;
}

static bool local_nothing(struct tui *t, void *self, int key)
{
	(void)key;
	struct detail *d = self;
	local_none(t, d->id, local_reload, d);
	return true;
}

/* What the core suggests for this intake (as the form showed while it was
 * typed): a likely original, an exposure it seems to be about. */
static void hints_of(struct tui *t, int64_t id, struct intake_hints *h, int64_t *duplicate_of)
{
	struct intake_card card;
	struct zs_error err = { 0 };
	memset(h, 0, sizeof *h);
	*duplicate_of = 0;
	if (!intake_card_build(t->c, id, false, &card, &err)) {
		intake_hints(t->c, &card.in, h, &err);
		*duplicate_of = card.in.duplicate_of;
		intake_card_clear(&card);
	}
}

/* The list starts on the linked exposure, else on the one the core
 * suggests for this intake. */
static bool pick_exposure(struct tui *t, void *self, int key)
{
	struct detail *d = self;
	d->action = key;
	d->initial[0] = '\0';
	int64_t start = d->exposure_id, dup;
	if (!start) {
		struct intake_hints h;
		hints_of(t, d->id, &h, &dup);
		start = h.suggest_exposure;
	}
	exposure_choose(t, TR("关联曝光问题：打字筛选（标题、编号或拼音首字母），Enter 选定，Esc 取消", "Link to exposure: type a title, a number or pinyin initials, Enter picks, Esc cancels"),
			start, picked, d);
	return true;
}

/* The original of a duplicate: the recent intakes, starting on the one the
 * core takes for a likely duplicate of this one (as the form warned). */
static bool pick_original(struct tui *t, void *self, int key)
{
	struct detail *d = self;
	d->action = key;
	d->initial[0] = '\0';
	struct intake_hints h;
	int64_t marked;
	hints_of(t, d->id, &h, &marked);
	if (!h.dup_of)   /* else the one it is marked a duplicate of now */
		h.dup_of = marked;
	/* A likely original that is itself a duplicate: its original (as the
	 * save would resolve it), a few steps at most. */
	for (int k = 0; k < 4 && h.dup_of; k++) {
		struct intake i;
		struct zs_error e = { 0 };
		if (intake_read(t->c, h.dup_of, &i, &e))
			break;
		int64_t up = !strcmp(i.status, "duplicate") ? i.duplicate_of : 0;
		intake_clear(&i);
		if (!up || up == d->id)
			break;
		h.dup_of = up;
	}
	intake_choose(t, TR("重复于哪一件：打字筛选（编号、主体、内容），Enter 选定，Esc 取消", "Duplicate of: type a number, business or words, Enter picks, Esc cancels"),
		      d->id, h.dup_of, picked, d);
	return true;
}

static bool open_linked(struct tui *t, void *self, int key)
{
	(void)key;
	struct detail *d = self;
	if (d->nlinked)
		intake_detail_open(t, d->linked[d->sel]);
	return true;
}

/* Arrows move among an exposure's linked intakes (and scroll to them);
 * everything else scrolls the page. */
static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	(void)t;
	struct detail *d = self;
	if (fkey && d->nlinked && (key == KEY_DOWN || key == KEY_UP)) {
		if (key == KEY_DOWN && d->sel + 1 < d->nlinked)
			d->sel++;
		else if (key == KEY_UP && d->sel > 0)
			d->sel--;
		else
			return pager_key(&d->pager, key, fkey);
		d->pager.mark = d->first_linked + d->sel;
		d->pager.show_mark = true;
		return true;
	}
	return pager_key(&d->pager, key, fkey);
}

static void on_data_changed(struct tui *t, void *self)
{
	reload(t, self);
}

static void on_close(struct tui *t, void *self)
{
	(void)t;
	struct detail *d = self;
	clear_lines(d);
	word_pick_free(d);
	free(d);
}

static const struct view view_intake = { "intake", &intake_key_table, paint, on_key, NULL, on_data_changed, on_close };
static const struct view view_exposure = { "exposure", &exposure_key_table, paint, on_key, NULL, on_data_changed, on_close };

static void detail_open(struct tui *t, int64_t id, bool exposure)
{
	struct detail *d = calloc(1, sizeof *d);
	if (!d)
		return;
	d->exposure = exposure;
	d->id = id;
	d->pager.mark = -1;
	tui_push(t, exposure ? &view_exposure : &view_intake, d);
}

void intake_detail_open(struct tui *t, int64_t id)
{
	detail_open(t, id, false);
}

void exposure_detail_open(struct tui *t, int64_t id)
{
	detail_open(t, id, true);
}
