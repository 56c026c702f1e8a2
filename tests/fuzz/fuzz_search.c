/* fuzz_search: the search box (`zhishou search`, `log list --search`, the
 * console's "/" list), whose words become an FTS5 MATCH expression and
 * LIKE patterns.
 *
 * Input: QUERY, or DOCUMENT 0x1F QUERY.  With a document, an intake with
 * that summary is logged first (into this process's in-memory store,
 * reopened every FZ_STORE_ROUNDS inputs).  The query goes through
 * search_parse and then, as the command does, store_exposure_each and
 * store_intake_each.  Checked: whatever was typed, the store never fails
 * (an FTS5 syntax error from a search word would be a failure); and when
 * every word of the query occurs, byte for byte, in the logged summary,
 * that intake is found. */
#include "fuzz_common.h"

#include "zhishou/exposure.h"
#include "zhishou/intake.h"
#include "zhishou/search.h"

static void seed(struct zs_ctx *c)
{
	struct zs_error err = { 0 };
	struct exposure_input ex = { .title = "土坑酸菜", .companies = "鑫旺食品；老坛香", .keywords = "土坑、腌制" };
	int64_t id;
	if (exposure_add(c, &ex, &id, &err))
		FZ_DIE("seed exposure: %s", err.msg);
	struct intake_input in = { .channel = "12315热线", .kind = "投诉", .subject = "惠民超市",
				   .text = "买到过期食品 100% 不退_款 \"引号\" a\\b" };
	if (intake_add(c, &in, &id, NULL, &err))
		FZ_DIE("seed intake: %s", err.msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_ctx(false, seed);
	return 0;
}

struct find {
	int64_t want;
	bool found;
	int64_t n;
};

static int intake_cb(const struct intake *i, void *ud)
{
	struct find *f = ud;
	f->n++;
	if (i->id == f->want)
		f->found = true;
	return 0;
}

static int exposure_cb(const struct exposure *e, void *ud)
{
	const struct search_query *q = ud;
	const char *fields[] = { e->title, e->industry, e->companies, e->keywords };
	(void)search_match_all(q, fields, 4);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16 * 1024)   /* a search box and a summary are short */
		return 0;
	fz_lang_for(size);
	char *part[2], *block;
	fz_split(data, size, part, 2, &block);
	const char *doc = part[1] ? part[0] : NULL;
	const char *query = part[1] ? part[1] : part[0];
	struct zs_ctx *c = fz_ctx(doc != NULL, seed);
	struct zs_error err = { 0 };

	int64_t id = 0;
	char *summary = NULL;
	if (doc) {
		struct intake_input in = { .channel = "12315-hotline", .kind = "complaint", .text = doc };
		if (intake_add(c, &in, &id, NULL, &err) == ZS_OK) {
			struct intake got;
			FZ_CHECK(store_intake_get(c->st, id, &got, &err) == ZS_OK, "intake %lld not read back: %s",
				 (long long)id, err.msg);
			summary = strdup(got.summary);
			intake_clear(&got);
		} else {
			id = 0;
		}
	}

	struct search_query q;
	int r = search_parse(query, &q, &err);
	FZ_CHECK(r == ZS_OK || r == ZS_EINPUT, "search_parse failed (%d): %s", r, err.msg);
	if (r == ZS_OK) {
		FZ_CHECK(q.nterms >= 1 && q.nterms <= 16, "%d terms", q.nterms);
		r = store_exposure_each(c->st, false, (const char *const *)q.terms, exposure_cb, &q, &err);
		FZ_CHECK(r == ZS_OK, "exposure search for \"%s\" failed: %s", query, err.msg);
		struct intake_filter f = { 0 };
		search_filter(&q, &f);
		struct find fd = { .want = id };
		r = store_intake_each(c->st, &f, intake_cb, &fd, &err);
		FZ_CHECK(r == ZS_OK, "intake search for \"%s\" failed: %s", query, err.msg);
		if (summary) {
			bool all = true;
			for (int t = 0; t < q.nterms && all; t++)
				all = strstr(summary, q.terms[t]) != NULL;
			if (all)
				FZ_CHECK(fd.found, "intake #%lld with summary \"%s\" not found by \"%s\"",
					 (long long)id, summary, query);
		}
		search_free(&q);
	}
	free(summary);
	free(block);
	return 0;
}
