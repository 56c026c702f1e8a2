/* board_tally: tonight's counters kept from what changed since the last
 * refresh, so a console's refresh costs what arrived and what was edited,
 * not the size of the night (a recount reads every intake since the gala
 * began: 16 ms at 14,000, growing with the night).
 *
 * What changes a count: a new intake (an id above the last one seen), an
 * edit (an audit row "update" of an intake: status, link, channel, kind,
 * received time), and the clock (an intake stamped ahead of "now" is
 * counted once now passes it: the earliest such time is kept, and reaching
 * it recounts; on a real clock that is a typo's hour, on a test or demo
 * clock set back it may be a year of rows, which are then never read).  Each is read from the store by id; every
 * counted intake is remembered (id -> what it adds) so an edit takes out
 * exactly what it added.  A recount is still done at the first call, when
 * the window moves, when the clock goes back, and every few minutes (what
 * no audit row records, say a restored backup, cannot linger). */
#include <stdlib.h>
#include <string.h>

#include "zhishou/board.h"
#include "zhishou/codes.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

#define RECOUNT_SECONDS 300

/* 16 bytes an intake: the night's 68,000 in about 2 MB (the soak with 50
 * consoles saw each console's RSS follow the map as the night grew). */
struct entry {
	int64_t id;              /* 0: empty slot */
	signed char ch, kind;    /* vocab indexes, -1: none */
	bool linked, open, gone;
};

struct board_tally {
	bool valid;
	int64_t since, last_now, recounted_at;
	int64_t last_id, last_audit;
	int64_t next_future;          /* the earliest received_at after "now" */
	struct board_counts counts;   /* the window's part only */
	struct entry *slots;
	size_t cap, used;             /* used: live and tombstones */
	struct zs_ctx *c;
	int fail;
};

struct board_tally *board_tally_new(void)
{
	return calloc(1, sizeof(struct board_tally));
}

void board_tally_free(struct board_tally *t)
{
	if (t) {
		free(t->slots);
		free(t);
	}
}

static size_t slot_of(const struct board_tally *t, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 20) & (t->cap - 1);
}

static struct entry *find(struct board_tally *t, int64_t id)
{
	if (!t->cap)
		return NULL;
	for (size_t i = slot_of(t, id);; i = (i + 1) & (t->cap - 1)) {
		struct entry *e = &t->slots[i];
		if (!e->id)
			return NULL;
		if (e->id == id && !e->gone)
			return e;
	}
}

static void apply(struct board_counts *b, const struct entry *e, int sign)
{
	b->total += sign;
	if (e->kind >= 0)
		b->by_kind[e->kind] += sign;
	if (e->ch >= 0)
		b->by_channel[e->ch] += sign;
	if (e->linked)
		b->linked += sign;
	if (e->open)
		b->unresolved += sign;
}

static bool grow(struct board_tally *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	struct entry *old = t->slots, *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	size_t oldcap = t->cap;
	t->slots = slots;
	t->cap = cap;
	t->used = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].id && !old[i].gone) {
			struct entry *e = &t->slots[slot_of(t, old[i].id)];
			while (e->id)
				e = &t->slots[(size_t)(e - t->slots + 1) & (cap - 1)];
			*e = old[i];
			t->used++;
		}
	free(old);
	return true;
}

static void forget(struct board_tally *t, int64_t id)
{
	struct entry *e = find(t, id);
	if (!e)
		return;
	apply(&t->counts, e, -1);
	e->gone = true;   /* a tombstone: the probe chain stays whole */
}

/* What one intake adds, replacing what it added before. */
static int put(const struct intake_group_row *g, void *ud)
{
	struct board_tally *t = ud;
	forget(t, g->id);
	if (g->id > t->last_id)
		t->last_id = g->id;
	if (g->received_at > t->c->now) {
		if (g->received_at < t->next_future)
			t->next_future = g->received_at;
		return 0;
	}
	if (g->received_at < t->since)
		return 0;
	if ((t->used + 1) * 4 > t->cap * 3 && !grow(t))
		return t->fail = ZS_EFAIL;
	struct entry *e = &t->slots[slot_of(t, g->id)];
	while (e->id)
		e = &t->slots[(size_t)(e - t->slots + 1) & (t->cap - 1)];
	int k = vocab_find(&vocab_kind, g->kind), ch = vocab_find(&vocab_channel, g->channel);
	*e = (struct entry){ .id = g->id, .kind = (signed char)(k >= 0 && k < 3 ? k : -1),
			     .ch = (signed char)(ch >= 0 && ch < 16 ? ch : -1), .linked = g->linked,
			     .open = status_is_open(g->status) };
	t->used++;
	apply(&t->counts, e, +1);
	return 0;
}

static int changed(int64_t audit_id, int64_t intake_id, void *ud)
{
	struct board_tally *t = ud;
	(void)audit_id;
	forget(t, intake_id);
	/* Read as it is now (put replaces; an intake gone stays forgotten). */
	struct zs_error e = { 0 };
	int r = store_intake_groups_each(t->c->st, 0, 0, 0, intake_id, put, t, &e);
	return r ? r : t->fail;
}

static int recount(struct zs_ctx *c, struct board_tally *t, int64_t since, struct zs_error *err)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
	memset(&t->counts, 0, sizeof t->counts);
	t->since = since;
	t->fail = 0;
	/* The marks first: whatever comes after them is read again next time
	 * (put is idempotent), nothing before them is missed. */
	t->last_audit = store_audit_last_id(c->st);
	t->last_id = store_intake_last_id(c->st);
	t->next_future = store_intake_first_after(c->st, c->now);
	int r = store_intake_groups_each(c->st, since, c->now + 1, 0, 0, put, t, err);
	if (!r)
		r = t->fail;
	t->valid = !r;
	t->recounted_at = time_now();
	return r;
}

static int catch_up(struct zs_ctx *c, struct board_tally *t, struct zs_error *err)
{
	int64_t audit = store_audit_last_id(c->st);
	int r = store_intake_groups_each(c->st, 0, 0, t->last_id, 0, put, t, err);
	if (!r && audit > t->last_audit)
		r = store_intake_changed_each(c->st, t->last_audit, changed, t, err);
	if (!r)
		r = t->fail;
	if (!r)
		t->last_audit = audit;
	return r;
}

int board_tally_counts(struct zs_ctx *c, struct board_tally *t, int64_t since, struct board_counts *out,
		       struct zs_error *err)
{
	t->c = c;
	t->fail = 0;
	int r;
	if (!t->valid || since != t->since || c->now < t->last_now || c->now >= t->next_future ||
	    time_now() - t->recounted_at >= RECOUNT_SECONDS)
		r = recount(c, t, since, err);
	else
		r = catch_up(c, t, err);
	if (r) {
		t->valid = false;
		return r;
	}
	t->last_now = c->now;
	r = board_counts_rest(c, out, err);
	out->total = t->counts.total;
	memcpy(out->by_kind, t->counts.by_kind, sizeof out->by_kind);
	memcpy(out->by_channel, t->counts.by_channel, sizeof out->by_channel);
	out->linked = t->counts.linked;
	out->unresolved = t->counts.unresolved;
	return r;
}
