/* The morning review: open work by unit, overdue first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/rules.h"
#include "zhishou/board.h"
#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/intake.h"
#include "zhishou/pick.h"
#include "zhishou/review.h"
#include "zhishou/store.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/workdays.h"

enum { TITLE_CHARS = 40 };

const char *review_intake_due(struct zs_ctx *c, const struct intake *i, int64_t *due, bool *estimated)
{
	bool known = true;
	*due = 0;
	*estimated = false;
	const char *what = NULL;
	if (!strcmp(i->kind, "complaint")) {
		if (!strcmp(i->status, "new")) {
			/* art. 14: decide whether to accept within N working days of receipt. */
			*due = workday_deadline(i->received_at, c->cfg->accept_workdays, &known);
			what = TR("决定是否受理", "decide whether to accept");
		} else {
			/* art. 21: mediation ends N working days after acceptance. */
			int64_t from = store_intake_status_since(c->st, i->id, "accepted");
			*due = workday_deadline(from ? from : i->received_at, c->cfg->mediation_workdays, &known);
			what = TR("调解终结", "end mediation");
		}
	} else if (!strcmp(i->kind, "tip")) {
		*due = workday_deadline(i->received_at, c->cfg->tip_check_workdays, &known);
		what = TR("核查举报", "check the tip");
	}
	*estimated = !known;
	return what;
}

struct build {
	struct zs_ctx *c;
	struct review *r;
	size_t cap;
	int64_t since;         /* the last handover's signing, or 0 */
	struct zs_error *err;
};

static struct review_item *push(struct build *b)
{
	if (b->r->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct review_item *p = realloc(b->r->items, cap * sizeof *p);
		if (!p)
			return NULL;
		b->r->items = p;
		b->cap = cap;
	}
	struct review_item *it = &b->r->items[b->r->n++];
	memset(it, 0, sizeof *it);
	return it;
}

/* The first cols characters of s on one line. */
static char *shorten(const char *s)
{
	char *t = text_sanitize(s ? s : "", strlen(s ? s : ""), 0);
	if (t && text_length(t) > TITLE_CHARS) {
		const char *p = t;
		for (int k = 0; k < TITLE_CHARS && *p; k++) {
			uint32_t cp;
			p += text_decode(p, strlen(p), &cp);
		}
		size_t keep = (size_t)(p - t);
		char *u = malloc(keep + 4);
		if (u) {
			memcpy(u, t, keep);
			memcpy(u + keep, "…", 4);
		}
		free(t);
		t = u;
	}
	return t;
}

/* The last line of the notes, "[03-15 21:40 user] note", as "user：note"
 * (the time is shown beside it already). */
static char *last_note(const char *notes)
{
	const char *nl = strrchr(notes, '\n');
	const char *line = nl ? nl + 1 : notes;
	const char *close = line[0] == '[' ? strstr(line, "] ") : NULL;
	if (!close)
		return shorten(line);
	const char *sp = close;
	while (sp > line && sp[-1] != ' ')
		sp--;
	char buf[512];
	snprintf(buf, sizeof buf, "%.*s：%s", (int)(close - sp), sp, close + 2);
	return shorten(buf);
}

static int intake_cb(const struct intake *i, void *ud)
{
	struct build *b = ud;
	struct review_item *it = push(b);
	if (!it)
		return zs_fail(b->err, ZS_EFAIL, "out of memory");
	it->id = i->id;
	it->kind = strdup(i->kind);
	it->status = strdup(i->status);
	it->title = shorten(*i->subject ? i->subject : i->summary);
	/* Who has it: the unit, or the business it was handed to through ODR. */
	char who[512];
	it->unit = strdup(intake_handler(i, who, sizeof who));
	if (*i->notes) {
		it->last = last_note(i->notes);
	} else {
		char buf[128];
		/* The status has its own column: what was last done is that it
		 * came in, and how. */
		snprintf(buf, sizeof buf, TR("从%s登记", "logged from %s"), vocab_label(&vocab_channel, i->channel));
		it->last = strdup(buf);
	}
	it->last_at = i->updated_at;
	it->at = i->received_at;
	it->next = review_intake_due(b->c, i, &it->due, &it->due_estimated);
	it->overdue = due_state(it->due, b->c->now, 0) == DUE_OVERDUE;
	it->changed = b->since && i->updated_at > b->since;
	b->r->intakes++;
	return 0;
}

struct last_action {
	char text[256];
	int64_t at;
};

static int action_cb(const struct exposure_action *a, void *ud)
{
	struct last_action *l = ud;
	if (a->at >= l->at) {
		l->at = a->at;
		if (a->count)
			snprintf(l->text, sizeof l->text, "%s %lld%s%s", vocab_label(&vocab_action, a->kind), (long long)a->count,
				 *a->note ? "：" : "", a->note);
		else
			snprintf(l->text, sizeof l->text, "%s%s%s", vocab_label(&vocab_action, a->kind), *a->note ? "：" : "",
				 a->note);
	}
	return 0;
}

static int instruction_cb(const struct exposure_instruction *a, void *ud)
{
	struct last_action *l = ud;
	if (a->at >= l->at) {
		l->at = a->at;
		snprintf(l->text, sizeof l->text, "%s%s", TR("批示：", "instruction: "), a->text);
	}
	return 0;
}

struct exp_list {
	struct exposure *e;
	size_t n, cap;
};

static int exposure_collect(const struct exposure *e, void *ud)
{
	struct exp_list *l = ud;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct exposure *p = realloc(l->e, cap * sizeof *p);
		if (!p)
			return ZS_EFAIL;
		l->e = p;
		l->cap = cap;
	}
	if (!exposure_copy(&l->e[l->n], e))
		return ZS_EFAIL;
	l->e[l->n].linked = e->linked;
	l->n++;
	return 0;
}

static int add_exposure(struct build *b, const struct exposure *e)
{
	struct review_item *it = push(b);
	if (!it)
		return zs_fail(b->err, ZS_EFAIL, "out of memory");
	it->exposure = true;
	it->id = e->id;
	it->kind = strdup("");
	it->status = strdup(e->status);
	it->title = shorten(e->title);
	it->unit = strdup(e->lead_unit ? e->lead_unit : "");
	it->level = e->level;
	it->at = e->aired_at;
	struct last_action l = { .at = 0 };
	store_action_each(b->c->st, e->id, action_cb, &l, b->err);
	store_instruction_each(b->c->st, e->id, instruction_cb, &l, b->err);
	if (!l.at) {
		snprintf(l.text, sizeof l.text, "%s%s", TR("登记，状态", "logged, "), vocab_label(&vocab_exposure_status, e->status));
		l.at = e->created_at;
	}
	char *t = shorten(l.text);
	it->last = t;
	it->last_at = l.at > e->updated_at ? l.at : e->updated_at;
	it->next = TR("问题不过夜", "close before morning");
	it->due = e->deadline;
	it->overdue = exposure_due(e, b->c->now, 0) == DUE_OVERDUE;
	it->changed = b->since && it->last_at > b->since;
	b->r->exposures++;
	return 0;
}

static int due_order(const struct review_item *a, const struct review_item *b)
{
	if (a->overdue != b->overdue)
		return a->overdue ? -1 : 1;
	if ((a->due == 0) != (b->due == 0))
		return a->due ? -1 : 1;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	if (a->exposure != b->exposure)
		return a->exposure ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_unit(const void *pa, const void *pb)
{
	const struct review_item *a = pa, *b = pb;
	int s = strcmp(a->unit, b->unit);
	return s ? s : due_order(a, b);
}

struct span {
	const struct review_item *head;   /* the unit's most urgent item */
	size_t start, len;
};

static int cmp_span(const void *pa, const void *pb)
{
	const struct span *a = pa, *b = pb;
	int c = due_order(a->head, b->head);
	return c ? c : strcmp(a->head->unit, b->head->unit);
}

/* Units in the order of their most urgent item; within a unit by urgency. */
static int group(struct review *r)
{
	if (r->n < 2)
		return ZS_OK;
	qsort(r->items, r->n, sizeof *r->items, cmp_unit);
	struct span *g = malloc(r->n * sizeof *g);
	struct review_item *out = malloc(r->n * sizeof *out);
	if (!g || !out) {
		free(g);
		free(out);
		return ZS_EFAIL;
	}
	size_t ng = 0;
	for (size_t k = 0; k < r->n; k++) {
		if (k == 0 || strcmp(r->items[k].unit, r->items[k - 1].unit))
			g[ng++] = (struct span){ &r->items[k], k, 0 };
		g[ng - 1].len++;
	}
	qsort(g, ng, sizeof *g, cmp_span);
	size_t o = 0;
	for (size_t i = 0; i < ng; i++) {
		memcpy(out + o, r->items + g[i].start, g[i].len * sizeof *out);
		o += g[i].len;
	}
	free(r->items);
	r->items = out;
	free(g);
	return ZS_OK;
}

int review_build(struct zs_ctx *c, struct review *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	out->now = c->now;
	struct build b = { .c = c, .r = out, .err = err };
	int r = store_handover_last(c->st, &out->last, err);
	if (r == ZS_ENOTFOUND)
		r = ZS_OK;
	b.since = out->last.id ? out->last.signed_at : 0;
	/* One read snapshot for the whole review. */
	if (!r)
		r = store_read_begin(c->st, err);
	if (r)
		return r;
	struct intake_filter f = { .unresolved = true };
	r = store_intake_each(c->st, &f, intake_cb, &b, err);
	struct exp_list el = { 0 };
	struct board_gala g;
	if (!r && !(r = board_gala(c, &g, err)))
		r = platform_backlog_build(c, board_since(c, &g), &out->platform, err);
	if (!r && store_exposure_each(c->st, true, NULL, exposure_collect, &el, err))
		r = r ? r : zs_fail(err, ZS_EFAIL, "out of memory");
	for (size_t i = 0; i < el.n; i++) {
		if (!r)
			r = add_exposure(&b, &el.e[i]);
		exposure_clear(&el.e[i]);
	}
	free(el.e);
	store_read_end(c->st);
	if (!r && group(out))
		r = zs_fail(err, ZS_EFAIL, "out of memory");
	for (size_t i = 0; i < out->n; i++) {
		out->overdue += out->items[i].overdue;
		out->changed += out->items[i].changed;
	}
	if (r)
		review_clear(out);
	return r;
}

static void item_free(struct review_item *it)
{
	free(it->kind);
	free(it->status);
	free(it->title);
	free(it->unit);
	free(it->last);
}

int review_filter(struct zs_ctx *c, struct review *r, const struct review_filter *f, struct zs_error *err)
{
	char *unit = NULL;
	bool unassigned = false;
	if (f->unit && *f->unit) {
		if (!strcmp(f->unit, "值班室") || !strcmp(f->unit, TR("未分派", "unassigned"))) {
			unassigned = true;
		} else {
			int64_t id;
			int rc = pick_unit(c, f->unit, "--unit", &id, &unit, err);
			if (rc)
				return rc;
		}
	}
	int64_t since = 0;
	if (f->tonight) {
		struct board_gala g;
		int rc = board_gala(c, &g, err);
		if (rc) {
			free(unit);
			return rc;
		}
		since = board_since(c, &g);
	}
	/* Before the first handover every item is "since the last one". */
	bool changed = f->changed && r->last.id;
	r->nothing_to_compare = f->changed && !r->last.id;
	size_t k = 0;
	r->overdue = r->changed = r->intakes = r->exposures = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct review_item *it = &r->items[i];
		bool keep = (!changed || it->changed) && (!f->tonight || it->at >= since) &&
			    (!unit || !strcmp(it->unit, unit)) && (!unassigned || !*it->unit);
		if (!keep) {
			item_free(it);
			continue;
		}
		r->items[k++] = *it;
		r->overdue += it->overdue;
		r->changed += it->changed;
		if (it->exposure)
			r->exposures++;
		else
			r->intakes++;
	}
	r->n = k;
	free(unit);
	return ZS_OK;
}

void review_clear(struct review *r)
{
	for (size_t i = 0; i < r->n; i++)
		item_free(&r->items[i]);
	free(r->items);
	handover_clear(&r->last);
	platform_backlog_clear(&r->platform);
	memset(r, 0, sizeof *r);
}
