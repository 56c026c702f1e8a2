/* Query parsing for mixed FTS5 trigram and LIKE search. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/reads.h"
#include "zhishou/search.h"
#include "zhishou/store.h"
#include "zhishou/text.h"

void search_free(struct search_query *q)
{
	free(q->fts);
	for (int i = 0; i < SEARCH_MAX_SHORT; i++)
		free(q->like[i]);
	for (int i = 0; i < q->nterms; i++)
		free(q->terms[i]);
	memset(q, 0, sizeof *q);
}

static char *like_pattern(const char *t)
{
	size_t n = strlen(t);
	char *p = malloc(2 * n + 3), *o = p;
	if (!p)
		return NULL;
	*o++ = '%';
	for (const char *s = t; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return p;
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
	/* The FTS5 query grows in a memory stream: "t1" AND "t2" ... */
	FILE *fts = NULL;
	size_t fts_len = 0;
	int nshort = 0;
	char *save = NULL;
	for (char *t = strtok_r(clean, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (out->nterms == 16) {
			r = zs_fail(err, ZS_EINPUT, TR("搜索词太多（最多 16 个）", "too many search terms (at most 16)"));
			break;
		}
		out->terms[out->nterms++] = strdup(t);
		if (text_length(t) >= 3) {
			if (!fts && !(fts = open_memstream(&out->fts, &fts_len))) {
				r = zs_fail(err, ZS_EFAIL, "out of memory");
				break;
			}
			/* A quoted FTS5 string: the term matches as a substring. */
			fputs(ftell(fts) ? " AND \"" : "\"", fts);
			for (const char *s = t; *s; s++) {
				if (*s == '"')
					fputc('"', fts);
				fputc(*s, fts);
			}
			fputc('"', fts);
		} else {
			if (nshort == SEARCH_MAX_SHORT) {
				r = zs_fail(err, ZS_EINPUT, TR("一至两个字的搜索词最多 4 个", "at most 4 search terms of 1-2 characters"));
				break;
			}
			out->like[nshort++] = like_pattern(t);
		}
	}
	/* A write that failed (memory) leaves the stream in error. */
	if (fts) {
		bool bad = ferror(fts);
		if (fclose(fts) || bad) {
			if (!r)
				r = zs_fail(err, ZS_EFAIL, "out of memory");
		}
	}
	free(clean);
	if (r)
		search_free(out);
	return r;
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

/* ---- search_run ---- */

struct run {
	const struct search_query *q;
	search_hit_cb cb;
	void *ud;
	struct search_result *res;
	int limit;
};

static int run_exposure(const struct exposure *e, void *ud)
{
	struct run *r = ud;
	const char *fields[] = { e->title, e->industry, e->companies, e->keywords };
	if (!search_match_all(r->q, fields, 4))
		return 0;
	r->res->exposures++;
	struct search_hit h = { .exposure = e };
	return r->cb(&h, r->ud);
}

static int run_intake(const struct intake *i, void *ud)
{
	struct run *r = ud;
	if (r->limit && r->res->intakes >= r->limit) {
		r->res->more = true;   /* the one row asked beyond the limit */
		return ZS_STOP;
	}
	r->res->intakes++;
	struct search_hit h = { .intake = i };
	return r->cb(&h, r->ud);
}

int search_run(struct zs_ctx *c, const char *text, int limit, search_hit_cb cb, void *ud,
	       struct search_result *res, struct zs_error *err)
{
	memset(res, 0, sizeof *res);
	struct search_query q;
	int rc = search_parse(text, &q, err);
	if (rc)
		return rc;
	struct run r = { &q, cb, ud, res, limit };
	rc = store_exposure_each(c->st, false, q.fts, NULL, run_exposure, &r, err);
	if (!rc) {
		struct intake_filter f = { .fts = q.fts, .limit = limit ? limit + 1 : 0 };
		for (int k = 0; k < SEARCH_MAX_SHORT; k++)
			f.like[k] = q.like[k];
		rc = intake_list(c, &f, run_intake, &r, err);
	}
	search_free(&q);
	return rc == ZS_STOP ? ZS_OK : rc;
}
