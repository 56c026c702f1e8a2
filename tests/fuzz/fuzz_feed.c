/* fuzz_feed: one fetched page of the 8890 platform (feed_import_page).
 *
 * Input: the HTTP body as the relay gets it (JSON page, a bare array, an
 * HTML error page, truncated JSON, anything).  Imported for feed "8890"
 * with the default field map into this process's in-memory store (reopened
 * every FZ_STORE_ROUNDS inputs).  Inputs whose size is a multiple of 3 use
 * a second map (Chinese keys, "data"/"nextPage"), so custom mappings are
 * exercised too.  Checked: ZS_OK or ZS_EINPUT only; on ZS_EINPUT nothing was
 * written; on ZS_OK the intakes added match the count. */
#include "fuzz_common.h"

#include "zhishou/feed.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_ctx(false, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_lang_for(size);
	struct zs_ctx *c = fz_ctx(true, NULL);
	struct feed_map m;
	feed_map_defaults(&m);
	if (size % 3 == 0) {
		static const char *const alt[][2] = {
			{ "orders", "data" }, { "next", "nextPage" }, { "order_no", "工单编号" },
			{ "received_at", "受理时间" }, { "caller", "来电人" }, { "phone", "联系电话" },
			{ "subject", "被反映单位" }, { "content", "诉求内容" }, { "category", "分类" },
			{ "kind", "诉求类型" },
		};
		for (size_t i = 0; i < sizeof alt / sizeof *alt; i++)
			FZ_CHECK(feed_map_set(&m, alt[i][0], alt[i][1]), "feed_map_set %s", alt[i][0]);
	}
	/* The body is not NUL-terminated, as a fetched buffer need not be. */
	int64_t before = fz_count_intakes(c), q_before = store_quarantine_count(c->st);
	struct feed_page page;
	struct zs_error err = { 0 };
	int r = feed_import_page(c, "8890", &m, (const char *)data, size, &page, &err);
	int64_t after = fz_count_intakes(c), q_after = store_quarantine_count(c->st);
	FZ_CHECK(r == ZS_OK || r == ZS_EINPUT, "feed_import_page failed (%d): %s", r, err.msg);
	FZ_CHECK(strnlen(err.msg, sizeof err.msg) < sizeof err.msg, "error message not terminated");
	if (r == ZS_OK) {
		fz_wrote(page.added + page.quarantined);
		FZ_CHECK(after - before == page.added, "page says %lld added, the store has %lld more",
			 (long long)page.added, (long long)(after - before));
		FZ_CHECK(q_after >= q_before, "the quarantine shrank");
		FZ_CHECK(page.existing >= 0 && page.quarantined >= 0, "negative counts");
	} else {
		FZ_CHECK(after == before && q_after == q_before, "a refused page changed the store");
		FZ_CHECK(!page.next && !page.added, "a refused page has results");
	}
	feed_page_clear(&page);
	return 0;
}
