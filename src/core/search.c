/* Query parsing: search terms, for the store's text search (store/textsearch.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/codes.h"
#include "zhishou/fields.h"
#include "zhishou/privacy.h"
#include "zhishou/validate.h"
#include "zhishou/i18n.h"
#include "zhishou/reads.h"
#include "zhishou/search.h"
#include "zhishou/store.h"
#include "zhishou/text.h"

void search_free(struct search_query *q)
{
	for (int i = 0; i < q->nterms; i++)
		free(q->terms[i]);
	memset(q, 0, sizeof *q);
}

int search_parse(const char *q, struct search_query *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	char *clean = NULL;
	int r = field_text(q, FIELD("搜索词", "search terms"), 200, false, true, &clean, err);
	if (r)
		return r;
	/* Fullwidth spaces separate terms as ASCII ones do. */
	for (char *p; (p = strstr(clean, "\xE3\x80\x80"));) {
		p[0] = ' ';
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
	}
	int nshort = 0;
	char *save = NULL;
	for (char *t = strtok_r(clean, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (out->nterms == 16) {
			r = zs_fail(err, ZS_EINPUT, TR("搜索词太多（最多 16 个）", "too many search terms (at most 16)"));
			break;
		}
		char *term = strdup(t);
		if (!term) {
			r = zs_fail(err, ZS_EFAIL, "out of memory");
			break;
		}
		out->terms[out->nterms++] = term;
		/* The store's text index finds terms of 3+ characters; a
		 * shorter one costs it a scan of the rows the others leave. */
		if (text_length(t) < 3 && ++nshort > SEARCH_MAX_SHORT) {
			r = zs_fail(err, ZS_EINPUT, TR("一至两个字的搜索词最多 4 个", "at most 4 search terms of 1-2 characters"));
			break;
		}
	}
	free(clean);
	if (r)
		search_free(out);
	return r;
}

void search_filter(const struct search_query *q, struct intake_filter *f)
{
	f->terms = q->nterms ? (const char *const *)q->terms : NULL;
}

bool search_match_all(const struct search_query *q, const char *const *fields, int nfields)
{
	for (int t = 0; t < q->nterms; t++) {
		bool found = false;
		for (int f = 0; f < nfields && !found; f++)
			found = fields[f] && strcasestr(fields[f], q->terms[t]);
		if (!found)
			return false;
	}
	return true;
}

/* ---- search_find ---- */

/* The store ends its reads stopped with ZS_STOP as a success; a stop
 * returned here directly (find_by_id's exposure) is one too. */
static int done_rc(int rc)
{
	return rc == ZS_STOP ? ZS_OK : rc;
}

struct run {
	struct zs_ctx *c;
	const struct search_query *q;
	search_hit_cb cb;
	void *ud;
	struct search_result *res;
	int limit;
	bool by_phone;
	bool stopped;   /* the caller's callback said ZS_STOP: nothing more */
	/* Digits alone (9207): the callers' phone tails first, then the text;
	 * an intake found both ways is given once. */
	int64_t *seen;
	size_t nseen, capseen;
	bool collect, skip_seen;
};

/* The tail pass lists newest first, so seen[] is in descending id order:
 * a binary search, not a walk per text hit (search --limit 0 may give
 * thousands of each). */
static bool was_seen(const struct run *r, int64_t id)
{
	size_t lo = 0, hi = r->nseen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->seen[mid] == id)
			return true;
		if (r->seen[mid] > id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int hit(struct run *r, const struct search_hit *h)
{
	int rc = r->cb(h, r->ud);
	if (rc == ZS_STOP)
		r->stopped = true;
	return rc;
}

static int exposure_hit(struct run *r, const struct exposure *e)
{
	r->res->exposures++;
	struct search_hit h = { .exposure = e, .is_exposure = true, .id = e->id, .at = e->aired_at,
				.status = e->status, .status_label = vocab_label(&vocab_exposure_status, e->status),
				.title = e->title, .text = e->companies };
	return hit(r, &h);
}

static int run_exposure(const struct exposure *e, void *ud)
{
	struct run *r = ud;
	const char *fields[] = { e->title, e->industry, e->companies, e->keywords };
	if (!search_match_all(r->q, fields, 4))
		return 0;
	return exposure_hit(r, e);
}

static int run_intake(const struct intake *i, void *ud)
{
	struct run *r = ud;
	if (r->by_phone && !privacy_caller_known(r->c, i))
		return 0;
	if (r->skip_seen && was_seen(r, i->id))
		return 0;
	if (r->collect) {
		if (r->nseen == r->capseen) {
			size_t cap = r->capseen ? r->capseen * 2 : 64;
			int64_t *p = realloc(r->seen, cap * sizeof *p);
			if (!p)
				return ZS_EFAIL;
			r->seen = p;
			r->capseen = cap;
		}
		r->seen[r->nseen++] = i->id;
	}
	if (r->limit && r->res->intakes >= r->limit) {
		r->res->more = true;   /* the one row asked beyond the limit */
		return ZS_STOP;
	}
	r->res->intakes++;
	struct search_hit h = { .intake = i, .id = i->id, .at = i->received_at,
				.status = i->status, .status_label = vocab_label(&vocab_status, i->status),
				.title = i->subject, .text = i->summary };
	return hit(r, &h);
}

/* "#12" or "＃12": a number. */
static bool parse_id(const char *t, int64_t *id)
{
	if (!strncmp(t, "#", 1))
		t += 1;
	else if (!strncmp(t, "＃", strlen("＃")))
		t += strlen("＃");
	else
		return false;
	if (!*t || strspn(t, "0123456789") != strlen(t) || strlen(t) > 15)
		return false;
	*id = strtoll(t, NULL, 10);
	return *id > 0;
}

/* A whole phone number as operators type it (139 1234 5678, 010-12345678);
 * only digits and separators, so "12315 热线" stays text. */
static bool parse_phone(const char *t, char *out, size_t n)
{
	if (strlen(t) < 7 || strspn(t, "0123456789 -()+") != strlen(t))
		return false;
	return phone_normalize(t, out, n) && phone_is_valid(out);
}

static int find_by_id(struct zs_ctx *c, struct run *r, int64_t id, struct zs_error *err)
{
	struct exposure e;
	int rc = store_exposure_get(c->st, id, &e, err);
	if (rc == ZS_OK) {
		rc = exposure_hit(r, &e);
		exposure_clear(&e);
	} else if (rc == ZS_ENOTFOUND) {
		rc = ZS_OK;
	}
	if (rc)
		return rc;
	struct intake_filter f = { .id = id };
	return intake_list(c, &f, run_intake, r, err);
}

int search_find(struct zs_ctx *c, const struct search_request *rq, search_hit_cb cb, void *ud,
		struct search_result *res, struct zs_error *err)
{
	memset(res, 0, sizeof *res);
	struct run r = { .c = c, .cb = cb, .ud = ud, .res = res, .limit = rq->limit };
	struct intake_filter f = { .limit = rq->limit ? rq->limit + 1 : 0 };
	char text[256] = "", phone[64];
	int64_t id;
	if (rq->text) {
		snprintf(text, sizeof text, "%s", rq->text);
		text_trim(text);
	}
	if (rq->phone_tail) {
		size_t l = strlen(rq->phone_tail);
		if (l < 4 || l > 11 || strspn(rq->phone_tail, "0123456789") != l)
			return zs_fail(err, ZS_EINPUT, TR("电话尾号要 4 到 11 位数字，不是「%s」",
							  "a phone tail is 4 to 11 digits, not \"%s\""), rq->phone_tail);
		res->by = SEARCH_PHONE_TAIL;
		r.by_phone = true;
		f.phone_tail = rq->phone_tail;
		return done_rc(intake_list(c, &f, run_intake, &r, err));
	}
	if (parse_id(text, &id)) {
		res->by = SEARCH_ID;
		return done_rc(find_by_id(c, &r, id, err));
	}
	if (parse_phone(text, phone, sizeof phone)) {
		res->by = SEARCH_PHONE;
		r.by_phone = true;
		f.phone = phone;
		return done_rc(intake_list(c, &f, run_intake, &r, err));
	}
	/* Digits alone, 4 to 10 of them: what lists show of a caller's phone
	 * (133****9207) is its tail, so those callers first, then the text. */
	size_t digits = strspn(text, "0123456789");
	int rc;
	if (digits >= 4 && digits <= 10 && !text[digits]) {
		struct intake_filter tf = { .phone_tail = text, .limit = f.limit };
		r.by_phone = r.collect = true;
		rc = intake_list(c, &tf, run_intake, &r, err);
		r.by_phone = r.collect = false;
		r.skip_seen = true;
		if (rc == ZS_EFAIL && !err->msg[0])
			zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
		if (rc || r.stopped || res->more) {
			free(r.seen);
			return done_rc(rc);
		}
		if (res->intakes)
			res->by = SEARCH_PHONE_TAIL;
	}
	struct search_query q;
	rc = search_parse(text, &q, err);
	if (rc) {
		free(r.seen);
		return rc;
	}
	r.q = &q;
	rc = store_exposure_each(c->st, false, q.nterms ? (const char *const *)q.terms : NULL, run_exposure, &r, err);
	if (!rc && !r.stopped) {
		search_filter(&q, &f);
		rc = intake_list(c, &f, run_intake, &r, err);
	}
	search_free(&q);
	free(r.seen);
	return done_rc(rc);
}

int search_run(struct zs_ctx *c, const char *text, int limit, search_hit_cb cb, void *ud,
	       struct search_result *res, struct zs_error *err)
{
	struct search_request rq = { .text = text, .limit = limit };
	return search_find(c, &rq, cb, ud, res, err);
}
