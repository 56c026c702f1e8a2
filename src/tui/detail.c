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
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

#define MAX_LINES 400

struct detail {
	bool exposure;
	int64_t id;
	char *lines[MAX_LINES];
	enum tui_color colors[MAX_LINES];
	int n, scroll;
	int64_t linked[64];   /* exposure: ids of the linked intakes shown */
	int nlinked, sel;
	bool viewed;          /* a whole view of the caller was audited for this opening */
};

static struct detail details[2];   /* an intake opened from an exposure, and that exposure */

static void add(struct detail *d, enum tui_color c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(struct detail *d, enum tui_color c, const char *fmt, ...)
{
	if (d->n >= MAX_LINES)
		return;
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* Multi-line text (summaries, notes) becomes several screen lines. */
	char *save = NULL, *copy = strdup(buf);
	for (char *l = strtok_r(copy, "\n", &save); l && d->n < MAX_LINES; l = strtok_r(NULL, "\n", &save)) {
		d->colors[d->n] = c;
		d->lines[d->n++] = strdup(l);
	}
	free(copy);
}

static void clear_lines(struct detail *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->lines[i]);
	d->n = 0;
	d->nlinked = 0;
}

static void add_timeline(struct detail *d, const struct timeline *tl)
{
	char t[32];
	for (size_t k = 0; k < tl->n; k++) {
		const struct timeline_entry *e = &tl->e[k];
		enum tui_color c = e->kind == TL_INSTRUCTION ? C_WARN : e->kind == TL_ACTION ? C_NORMAL : C_DIM;
		const char *tag = e->kind == TL_INSTRUCTION ? TR("批示：", "instruction: ") : "";
		add(d, c, "  %s %s%s（%s）", time_format(e->at, TIME_SHORT, t, sizeof t), tag, e->what, e->who);
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
	char tm[32];
	add(d, C_TITLE, "#%lld  %s  %s  %s", (long long)i->id, vocab_label(&vocab_channel, i->channel), vocab_label(&vocab_kind, i->kind),
	    vocab_label(&vocab_status, i->status));
	add(d, C_NORMAL, "%s：%s", TR("受理时间", "Received"), time_format(i->received_at, TIME_FULL, tm, sizeof tm));
	add(d, C_NORMAL, "%s：%s  %s", TR("来电人", "Caller"), *i->caller ? i->caller : "—", *i->phone ? i->phone : "");
	add(d, C_NORMAL, "%s：%s  %s", TR("被投诉主体", "Business"), *i->subject ? i->subject : "—", i->uscc);
	add(d, C_NORMAL, "%s：%s", TR("分类", "Category"), *i->category ? vocab_label(&vocab_category, i->category) : "—");
	add(d, C_NORMAL, "%s：%s", TR("工单号", "Reference"), *i->ref ? i->ref : "—");
	add(d, C_NORMAL, "%s：%s", TR("登记人", "Logged by"), card.recorder);
	if (i->exposure_id)
		add(d, C_NORMAL, "%s：#%lld %s", TR("关联曝光", "Exposure"), (long long)i->exposure_id, i->exposure_title);
	if (*i->handling)
		add(d, C_NORMAL, "%s：%s %s", TR("处理方式", "Handling"), vocab_label(&vocab_handling, i->handling), i->transfer_unit);
	if (i->duplicate_of)
		add(d, C_NORMAL, "%s：#%lld", TR("重复于", "Duplicate of"), (long long)i->duplicate_of);
	if (i->recovered_fen)
		add(d, C_NORMAL, "%s：%lld.%02lld", TR("挽回损失（元）", "Recovered (yuan)"), (long long)(i->recovered_fen / 100),
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
	char tm[32], dl[32], lv[2] = { (char)('0' + e->level), 0 };
	bool overdue = card.due == DUE_OVERDUE;
	add(d, C_TITLE, "#%lld  %s", (long long)e->id, e->title);
	add(d, C_NORMAL, "%s：%s  %s：%s  %s：%s", TR("级别", "Level"), vocab_label(&vocab_level, lv), TR("状态", "Status"),
	    vocab_label(&vocab_exposure_status, e->status), TR("本地涉及", "Local"), vocab_label(&vocab_local, e->local));
	add(d, overdue ? C_OVERDUE : card.due == DUE_SOON ? C_WARN : C_NORMAL, "%s：%s  %s：%s%s", TR("曝光时间", "Aired"),
	    time_format(e->aired_at, TIME_FULL, tm, sizeof tm), TR("时限", "Deadline"), time_format(e->deadline, TIME_FULL, dl, sizeof dl),
	    overdue ? TR("  ！已超时", "  ! OVERDUE") : "");
	add(d, C_NORMAL, "%s：%s  %s：%s", TR("牵头单位", "Lead"), *e->lead_unit ? e->lead_unit : "—", TR("协办", "Assisting"),
	    *e->assist_units ? e->assist_units : "—");
	add(d, C_NORMAL, "%s：%s", TR("行业", "Industry"), *e->industry ? e->industry : "—");
	add(d, C_NORMAL, "%s：%s", TR("涉事企业", "Companies"), *e->companies ? e->companies : "—");
	add(d, C_NORMAL, "%s：%s", TR("关键词", "Keywords"), *e->keywords ? e->keywords : "—");
	add(d, C_TITLE, "%s", TR("处置经过（按时间：措施、批示、变更）", "Timeline (actions, instructions, changes)"));
	add_timeline(d, &card.timeline);
	add(d, C_TITLE, TR("关联登记 %lld 件（最新 %d 件）", "Linked intakes: %lld (newest %d)"), (long long)card.linked_total,
	    CARD_LINKED_MAX);
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
	if (d->exposure)
		load_exposure(t, d);
	else
		load_intake(t, d);
}

static const struct key_binding intake_keys[] = {
	{ 's', false, "s", "改状态（已受理、办理中、已办结…）", "change status", ROLE_OPERATOR },
	{ 't', false, "t", "转办到单位", "transfer to a unit", ROLE_OPERATOR },
	{ 'l', false, "l", "关联曝光问题（编号）", "link to an exposure (id)", ROLE_OPERATOR },
	{ 'd', false, "d", "标记为重复件（原件编号）", "mark as duplicate (original id)", ROLE_OPERATOR },
	{ 'a', false, "a", "加备注", "add a note", ROLE_OPERATOR },
	{ 'm', false, "m", "挽回经济损失（元）", "money recovered (yuan)", ROLE_OPERATOR },
	{ 27, false, "Esc/q", "返回", "back", ROLE_NONE },
};
const struct key_table intake_key_table = { "登记详情", "Intake detail", intake_keys, sizeof intake_keys / sizeof *intake_keys };

static const struct key_binding exposure_keys[] = {
	{ 'a', false, "a", "记录措施：类型 数量 说明（如 checked 12 检查超市）", "add action: kind count note (e.g. checked 12 ...)", ROLE_OPERATOR },
	{ 'i', false, "i", "写批示", "write an instruction", ROLE_LEADER },
	{ 's', false, "s", "改状态（排查中、处置中、已立案、已上报、已办结、本地无涉）", "change status", ROLE_LEADER },
	{ 'v', false, "v", "改级别（1 特别重大 … 4 一般）", "change level (1-4)", ROLE_LEADER },
	{ 'L', false, "L", "设牵头单位", "set the lead unit", ROLE_LEADER },
	{ 'o', false, "o", "本地涉及（涉及/不涉及/待查）", "local involvement (yes/no/unknown)", ROLE_OPERATOR },
	{ 'c', false, "c", "涉事企业（分号隔开）", "companies (separated by ;)", ROLE_OPERATOR },
	{ 'k', false, "k", "关键词（分号隔开）", "keywords (separated by ;)", ROLE_OPERATOR },
	{ 'n', false, "n", "行业", "industry", ROLE_OPERATOR },
	{ 'D', false, "D", "办结时限", "deadline", ROLE_LEADER },
	{ '\r', false, "Enter", "打开所选关联登记", "open the selected linked intake", ROLE_NONE },
	{ 27, false, "Esc/q", "返回", "back", ROLE_NONE },
};
const struct key_table exposure_key_table = { "曝光问题详情", "Exposure detail", exposure_keys, sizeof exposure_keys / sizeof *exposure_keys };

static void paint(struct tui *t, void *self)
{
	struct detail *d = self;
	if (!d->n)
		reload(t, d);
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	char title[128];
	snprintf(title, sizeof title, d->exposure ? TR("曝光问题 #%lld", "Exposure #%lld") : TR("登记 #%lld", "Intake #%lld"), (long long)d->id);
	tui_text(t, 0, 1, t->cols - 2, title, C_HEADER);
	int rows = t->rows - 3;
	if (d->scroll > d->n - rows)
		d->scroll = d->n - rows > 0 ? d->n - rows : 0;
	int first_linked = d->n - d->nlinked;
	for (int k = 0; k < rows && d->scroll + k < d->n; k++) {
		int li = d->scroll + k;
		bool sel = d->exposure && d->nlinked && li == first_linked + d->sel;
		tui_text(t, 1 + k, 1, t->cols - 2, d->lines[li], sel ? C_SELECTED : d->colors[li]);
	}
	const struct key_table *kt = d->exposure ? &exposure_key_table : &intake_key_table;
	char hints[1024];
	size_t n = 0;
	for (int i = 0; i < kt->n && n < sizeof hints - 64; i++)
		if (tui_may(t, kt->keys[i].need))
			n += (size_t)snprintf(hints + n, sizeof hints - n, "%s %s  ", kt->keys[i].label,
					      i18n_get() == LANG_EN ? kt->keys[i].en : kt->keys[i].zh);
	/* Only the short words before any "（" fit in the hint line. */
	char shortened[1024];
	size_t m = 0;
	bool skip = false;
	for (const char *p = hints; *p && m < sizeof shortened - 4;) {
		if (!strncmp(p, "（", 3)) {
			skip = true;
			p += 3;
			continue;
		}
		if (!strncmp(p, "）", 3)) {
			skip = false;
			p += 3;
			continue;
		}
		if (*p == ':' || (i18n_get() == LANG_EN && *p == '(')) {
			skip = *p == '(' ;
			p++;
			continue;
		}
		if (*p == ')') {
			skip = false;
			p++;
			continue;
		}
		if (!skip)
			shortened[m++] = *p;
		p++;
	}
	shortened[m] = '\0';
	tui_text(t, t->rows - 1, 0, t->cols, shortened, C_HINT);
}

struct pending {
	struct detail *d;
	int action;
};

static struct pending pending;

static void done(struct tui *t, void *ud, const char *answer)
{
	struct pending *p = ud;
	struct detail *d = p->d;
	if (!answer)
		return;
	struct zs_error err = { 0 };
	int r = ZS_OK;
	if (!d->exposure) {
		struct intake_change ch = { 0 };
		switch (p->action) {
		case 's': ch.status = answer; break;
		case 't': ch.transfer = answer; break;
		case 'l': ch.exposure = answer; break;
		case 'd': ch.duplicate_of = answer; break;
		case 'a': ch.note = answer; break;
		case 'm': ch.recovered = answer; break;
		}
		r = intake_update(t->c, d->id, &ch, &err);
	} else {
		struct exposure_input in = { 0 };
		switch (p->action) {
		case 'a': {
			/* "kind count note": the kind by code or label, the count optional. */
			char buf[4096], *save = NULL;
			snprintf(buf, sizeof buf, "%s", answer);
			char *kind = strtok_r(buf, " ", &save);
			char *rest = save;
			char *count = NULL;
			if (rest && *rest >= '0' && *rest <= '9') {
				count = strtok_r(NULL, " ", &save);
				rest = save;
			}
			r = exposure_add_action(t->c, d->id, kind, count, rest, &err);
			break;
		}
		case 'i': r = exposure_instruct(t->c, d->id, answer, &err); break;
		case 's': in.status = answer; break;
		case 'v': in.level = answer; break;
		case 'L': in.lead = answer; break;
		case 'o': in.local = answer; break;
		case 'c': in.companies = answer; break;
		case 'k': in.keywords = answer; break;
		case 'n': in.industry = answer; break;
		case 'D': in.deadline = answer; break;
		}
		if (p->action != 'a' && p->action != 'i')
			r = exposure_update(t->c, d->id, &in, &err);
	}
	if (r)
		tui_message(t, true, "%s", err.msg);
	else
		tui_message(t, false, "%s", TR("已保存", "Saved"));
	reload(t, d);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct detail *d = self;
	if (fkey) {
		int rows = t->rows - 3;
		switch (key) {
		case KEY_DOWN:
			if (d->exposure && d->nlinked && d->sel + 1 < d->nlinked)
				d->sel++;
			else
				d->scroll++;
			return true;
		case KEY_UP:
			if (d->exposure && d->nlinked && d->sel > 0)
				d->sel--;
			else if (d->scroll > 0)
				d->scroll--;
			return true;
		case KEY_NPAGE: d->scroll += rows; return true;
		case KEY_PPAGE: d->scroll = d->scroll > rows ? d->scroll - rows : 0; return true;
		case KEY_ENTER: key = '\r'; break;
		default: return false;
		}
	}
	if (key == 27 || key == 'q') {
		tui_pop(t);
		return true;
	}
	if (key == 'j' || key == 'J') {
		d->scroll++;
		return true;
	}
	if (key == 'K') {
		if (d->scroll > 0)
			d->scroll--;
		return true;
	}
	if (d->exposure && (key == '\r' || key == '\n')) {
		if (d->nlinked)
			intake_detail_open(t, d->linked[d->sel]);
		return true;
	}
	const struct key_table *kt = d->exposure ? &exposure_key_table : &intake_key_table;
	for (int i = 0; i < kt->n; i++) {
		int k = kt->keys[i].key;
		if (k != key || k == 27 || k == '\r')
			continue;
		if (tui_refuse_key(t, kt, key))
			return true;
		pending.d = d;
		pending.action = key;
		char q[256];
		snprintf(q, sizeof q, "%s：", TR(kt->keys[i].zh, kt->keys[i].en));
		prompt_open(t, q, "", done, &pending);
		return true;
	}
	return false;
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
	d->id = 0;
}

const struct view view_intake = { "intake", paint, on_key, on_data_changed, on_close };
const struct view view_exposure = { "exposure", paint, on_key, on_data_changed, on_close };

void intake_detail_open(struct tui *t, int64_t id)
{
	struct detail *d = &details[0];
	clear_lines(d);
	memset(d, 0, sizeof *d);
	d->id = id;
	tui_push(t, &view_intake, d);
}

void exposure_detail_open(struct tui *t, int64_t id)
{
	struct detail *d = &details[1];
	clear_lines(d);
	memset(d, 0, sizeof *d);
	d->exposure = true;
	d->id = id;
	tui_push(t, &view_exposure, d);
}
