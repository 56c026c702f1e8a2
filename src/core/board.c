/* The leader's snapshot: gala clock and counters. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <stdlib.h>

#include "zhishou/member.h"
#include "zhishou/board.h"
#include "zhishou/codes.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/opinion.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

struct gala_pick {
	int64_t now;
	struct board_gala *g;
	bool have_past;
};

static int gala_cb(const struct gala *x, void *ud)
{
	struct gala_pick *p = ud;
	if (x->starts_at <= p->now) {
		/* Galas are visited oldest first: the last started one wins. */
		p->have_past = true;
		p->g->starts_at = x->starts_at;
		p->g->ends_at = x->ends_at;
		snprintf(p->g->name, sizeof p->g->name, "%s", x->name);
		p->g->phase = x->ends_at > p->now ? GALA_DURING : GALA_AFTER;
		return 0;
	}
	if (!p->have_past || p->g->phase == GALA_AFTER) {
		/* A coming gala tonight matters more than last night's. */
		if (p->have_past && x->starts_at - p->now > 24 * 3600)
			return ZS_STOP;
		p->g->starts_at = x->starts_at;
		p->g->ends_at = x->ends_at;
		snprintf(p->g->name, sizeof p->g->name, "%s", x->name);
		p->g->phase = GALA_BEFORE;
	}
	return ZS_STOP;
}

int board_gala(struct zs_ctx *c, struct board_gala *g, struct zs_error *err)
{
	memset(g, 0, sizeof *g);
	struct gala_pick p = { c->now, g, false };
	return store_gala_each(c->st, gala_cb, &p, err);
}

static int count_cb(const char *channel, const char *kind, const char *status, bool linked, int64_t n, void *ud)
{
	struct board_counts *b = ud;
	b->total += n;
	int k = vocab_find(&vocab_kind, kind);
	if (k >= 0 && k < 3)
		b->by_kind[k] += n;
	int ch = vocab_find(&vocab_channel, channel);
	if (ch >= 0 && ch < 16)
		b->by_channel[ch] += n;
	if (linked)
		b->linked += n;
	if (status_is_open(status))
		b->unresolved += n;
	return 0;
}

static int tally_cb(const char *status, int64_t n, void *ud)
{
	struct board_counts *b = ud;
	b->all_total += n;
	if (status_is_open(status))
		b->all_unresolved += n;
	return 0;
}

struct open_exposures {
	struct board_counts *b;
	int64_t now;
};

static int exposure_cb(const struct exposure *e, void *ud)
{
	struct open_exposures *o = ud;
	o->b->exposures_open++;
	if (exposure_due(e, o->now, DUE_WARN_SECONDS) == DUE_OVERDUE)
		o->b->exposures_overdue++;
	return 0;
}

int board_counts(struct zs_ctx *c, int64_t since, struct board_counts *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	int r = store_intake_count_groups(c->st, since, c->now + 1, count_cb, out, err);
	return r ? r : board_counts_rest(c, out, err);
}

int board_counts_rest(struct zs_ctx *c, struct board_counts *out, struct zs_error *err)
{
	out->all_total = out->all_unresolved = out->exposures_open = out->exposures_overdue = 0;
	int r = store_intake_tally(c->st, tally_cb, out, err);
	/* One walk over the open exposures counts both open and overdue. */
	struct open_exposures o = { out, c->now };
	if (!r)
		r = store_exposure_each(c->st, true, NULL, exposure_cb, &o, err);
	out->deliveries_failed = store_delivery_count(c->st, "failed");
	out->feed_quarantined = store_quarantine_count(c->st);
	return r;
}

int gala_add(struct zs_ctx *c, const char *name, const char *start, const char *end, int64_t *id,
	     struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_ADMIN, "登记晚会", "scheduling a gala", err);
	if (rr_)
		return rr_;
	struct gala g = { 0 };
	int r = field_text(name, FIELD("晚会名称", "gala name"), 60, false, true, &g.name, err);
	if (!r)
		r = field_time(start, FIELD("开始时间", "start"), c->now, &g.starts_at, err);
	if (!r)
		r = field_time(end, FIELD("结束时间", "end"), g.starts_at, &g.ends_at, err);
	if (!r && g.ends_at <= g.starts_at)
		r = zs_fail(err, ZS_EINPUT, TR("结束时间必须晚于开始时间", "the end must be after the start"));
	if (!r && g.ends_at - g.starts_at > 12 * 3600)
		r = zs_fail(err, ZS_EINPUT, TR("晚会超过 12 小时，请检查时间", "a gala longer than 12 hours: check the times"));
	if (!r && !(r = store_begin(c->st, err))) {
		r = store_gala_insert(c->st, &g, err);
		if (!r) {
			char a[40], b[40];
			json_t *o = json_pack("{s:s, s:s, s:s}", "name", g.name, "starts_at",
					      time_format(g.starts_at, TIME_ISO, a, sizeof a), "ends_at",
					      time_format(g.ends_at, TIME_ISO, b, sizeof b));
			char *after = json_dumps(o, JSON_COMPACT);
			r = store_audit(c->st, "gala", g.id, "create", "", "", after, err);
			free(after);
			json_decref(o);
		}
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	*id = g.id;
	gala_clear(&g);
	return r;
}

int64_t board_since(const struct zs_ctx *c, const struct board_gala *g)
{
	if (g->phase == GALA_DURING || (g->phase == GALA_AFTER && c->now - g->ends_at < 24 * 3600))
		return g->starts_at;
	int y, m, d, hh, mm, ss;
	time_to_local(c->now, &y, &m, &d, &hh, &mm, &ss);
	return time_from_local(y, m, d, 0);
}

/* ---- the snapshot ---- */

struct snap {
	struct zs_ctx *c;
	struct board_snapshot *s;
	size_t cap;
	int rc;
};

static int last_instruction_cb(const struct exposure_instruction *a, void *ud)
{
	char **last = ud;
	free(*last);
	*last = strdup(a->text);   /* oldest first: the last one seen is the latest */
	return *last ? 0 : ZS_EFAIL;
}

static int snap_exposure(const struct exposure *e, void *ud)
{
	struct snap *p = ud;
	struct board_snapshot *s = p->s;
	if (s->nexposures == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct board_exposure *n = realloc(s->exposures, cap * sizeof *n);
		if (!n)
			return ZS_EFAIL;
		s->exposures = n;
		p->cap = cap;
	}
	struct board_exposure *b = &s->exposures[s->nexposures];
	memset(b, 0, sizeof *b);
	if (!exposure_copy(&b->e, e))
		return ZS_EFAIL;
	s->nexposures++;
	b->due = exposure_due(e, s->now, DUE_WARN_SECONDS);
	return 0;
}

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

static int snap_duty(const struct roster_entry *r, void *ud)
{
	struct snap *p = ud;
	struct board_snapshot *s = p->s;
	if (s->nduty == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct roster_entry *n = realloc(s->duty, cap * sizeof *n);
		if (!n)
			return ZS_EFAIL;
		s->duty = n;
		p->cap = cap;
	}
	struct roster_entry *d = &s->duty[s->nduty];
	*d = *r;
	d->duty_date = dup0(r->duty_date);
	d->unit = dup0(r->unit);
	d->name = dup0(r->name);
	d->title = dup0(r->title);
	d->landline = dup0(r->landline);
	d->mobile = dup0(r->mobile);
	s->nduty++;
	if (!d->duty_date || !d->unit || !d->name || !d->title || !d->landline || !d->mobile)
		return ZS_EFAIL;
	return 0;
}

/* Open opinions come 重大 first: count them all, keep the 重大 ones' titles. */
static int snap_opinion(const struct opinion *o, void *ud)
{
	struct board_snapshot *s = ud;
	s->opinions_open++;
	if (strcmp(o->level, "major"))
		return 0;
	struct board_opinion *n = realloc(s->opinions_major, (s->nopinions_major + 1) * sizeof *n);
	if (!n)
		return ZS_EFAIL;
	s->opinions_major = n;
	n[s->nopinions_major].id = o->id;
	if (!(n[s->nopinions_major].title = strdup(o->title)))
		return ZS_EFAIL;
	s->nopinions_major++;
	return 0;
}

static void keep_first(int *rc, struct zs_error *first, int r, const struct zs_error *err)
{
	if (r && !*rc) {
		*rc = r;
		*first = *err;
		if (!first->msg[0])
			zs_fail(first, r, "%s", TR("内存不足", "out of memory"));
	}
}

int board_snapshot(struct zs_ctx *c, struct board_snapshot *s, struct zs_error *err)
{
	return board_snapshot_kept(c, NULL, s, err);
}

int board_snapshot_kept(struct zs_ctx *c, struct board_tally *t, struct board_snapshot *s, struct zs_error *err)
{
	memset(s, 0, sizeof *s);
	s->now = c->now;
	struct zs_error e = { 0 }, first = { 0 };
	int rc = 0, r;
	bool tx = store_read_begin(c->st, &e) == ZS_OK;
	r = board_gala(c, &s->gala, &e);
	keep_first(&rc, &first, r, &e);
	s->since = board_since(c, &s->gala);
	zs_clear(&e);
	r = t ? board_tally_counts(c, t, s->since, &s->counts, &e) : board_counts(c, s->since, &s->counts, &e);
	keep_first(&rc, &first, r, &e);
	struct snap p = { c, s, 0, 0 };
	zs_clear(&e);
	r = store_exposure_each(c->st, true, NULL, snap_exposure, &p, &e);
	keep_first(&rc, &first, r, &e);
	for (size_t i = 0; i < s->nexposures; i++) {
		zs_clear(&e);
		r = store_instruction_each(c->st, s->exposures[i].e.id, last_instruction_cb,
					   &s->exposures[i].last_instruction, &e);
		keep_first(&rc, &first, r, &e);
	}
	p.cap = 0;
	zs_clear(&e);
	r = store_roster_each(c->st, NULL, c->now, snap_duty, &p, &e);
	keep_first(&rc, &first, r, &e);
	zs_clear(&e);
	r = opinion_list(c, true, 0, snap_opinion, s, &e);
	keep_first(&rc, &first, r, &e);
	if (tx)
		store_read_end(c->st);
	if (rc && err)
		*err = first;
	return rc;
}

void board_snapshot_clear(struct board_snapshot *s)
{
	for (size_t i = 0; i < s->nexposures; i++) {
		exposure_clear(&s->exposures[i].e);
		free(s->exposures[i].last_instruction);
	}
	free(s->exposures);
	for (size_t i = 0; i < s->nduty; i++)
		roster_entry_clear(&s->duty[i]);
	free(s->duty);
	for (size_t i = 0; i < s->nopinions_major; i++)
		free(s->opinions_major[i].title);
	free(s->opinions_major);
	memset(s, 0, sizeof *s);
}
