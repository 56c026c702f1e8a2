/* fuzz_roster: `zhishou roster import FILE` (roster_import).
 *
 * Input: the roster sheet's bytes (CSV as Excel/WPS save it: UTF-8, BOM,
 * GB18030).  Imported twice into this process's in-memory store: once all
 * or nothing, once with skip_bad (every bad row reported through the
 * callback).  Checked: all or nothing really changes nothing when it
 * fails; the counts add up; every bad row has a line and a reason. */
#include "fuzz_common.h"

#include "zhishou/roster.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_ctx(false, NULL);
	return 0;
}

static int count_entry(const struct roster_entry *e, void *ud)
{
	(void)e;
	(*(int64_t *)ud)++;
	return 0;
}

static int64_t count_roster(struct zs_ctx *c)
{
	int64_t n = 0;
	struct zs_error err = { 0 };
	FZ_CHECK(store_roster_each(c->st, NULL, 0, count_entry, &n, &err) == ZS_OK, "roster: %s", err.msg);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_lang_for(size);
	struct zs_ctx *c = fz_ctx(true, NULL);
	const char *path = fz_temp_file(data, size, ".csv");
	for (int skip = 0; skip < 2; skip++) {
		int64_t before = count_roster(c);
		struct roster_result res;
		struct fz_bad_rows bad = { 0 };
		struct zs_error err = { 0 };
		int r = roster_import(c, path, skip, fz_on_bad, &bad, &res, &err);
		int64_t after = count_roster(c);
		FZ_CHECK(r == ZS_OK || r == ZS_EINPUT, "roster_import failed (%d): %s", r, err.msg);
		FZ_CHECK(strnlen(err.msg, sizeof err.msg) < sizeof err.msg, "error message not terminated");
		FZ_CHECK(bad.n == res.bad, "%zu bad rows reported, %zu counted", bad.n, res.bad);
		if (r == ZS_OK) {
			fz_wrote((int64_t)res.added);
			FZ_CHECK(res.added + res.replaced + res.bad == res.rows, "%zu + %zu + %zu != %zu rows", res.added,
				 res.replaced, res.bad, res.rows);
			FZ_CHECK(after - before == (int64_t)res.added, "import says %zu added, the store has %lld more",
				 res.added, (long long)(after - before));
			FZ_CHECK(skip || !res.bad, "all or nothing, yet %zu bad rows and success", res.bad);
			FZ_CHECK(res.encoding, "no encoding named");
		} else {
			FZ_CHECK(after == before, "a failed import changed the roster (%lld -> %lld)", (long long)before,
				 (long long)after);
		}
	}
	return 0;
}
