/* fuzz_entity: `zhishou entity import FILE` (entity_import) and a lookup
 * of what it imported.
 *
 * Input: the register's bytes (CSV as registration systems export it:
 * UTF-8, BOM, GB18030).  Imported twice into this process's in-memory
 * store: once all or nothing, once with skip_bad (every bad row reported
 * through the callback).  Checked: a failed import leaves the register as
 * it was; a good one replaces it whole (the store holds exactly what it
 * says it imported); the same file twice changes nothing; the counts add
 * up; every bad row has a line and a reason; a search over the result
 * works. */
#include "fuzz_common.h"

#include "zhishou/entity.h"
#include "zhishou/store_entity.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_ctx(false, NULL);
	return 0;
}

static int count_hit(const struct entity *e, void *ud)
{
	FZ_CHECK(e->uscc && *e->uscc && e->name && *e->name, "a hit without a code or a name");
	(*(int64_t *)ud)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_lang_for(size);
	struct zs_ctx *c = fz_ctx(true, NULL);
	const char *path = fz_temp_file(data, size, ".csv");
	/* A fixed date: the file's own changes with every input. */
	for (int skip = 0; skip < 2; skip++) {
		int64_t before = store_entity_count(c->st);
		struct entity_import_result res;
		struct fz_bad_rows bad = { 0 };
		struct zs_error err = { 0 };
		struct entity_import_opts o = { .as_of = "2026-03-10", .skip_bad = skip, .bad = fz_on_bad, .ud = &bad };
		int r = entity_import(c, path, &o, &res, &err);
		int64_t after = store_entity_count(c->st);
		FZ_CHECK(r == ZS_OK || r == ZS_EINPUT, "entity_import failed (%d): %s", r, err.msg);
		FZ_CHECK(strnlen(err.msg, sizeof err.msg) < sizeof err.msg, "error message not terminated");
		FZ_CHECK(bad.n == res.bad, "%zu bad rows reported, %zu counted", bad.n, res.bad);
		if (r == ZS_OK && res.unchanged) {
			FZ_CHECK(after == before && !bad.n, "an unchanged register changed (%lld -> %lld)",
				 (long long)before, (long long)after);
		} else if (r == ZS_OK) {
			fz_wrote((int64_t)res.imported);
			FZ_CHECK(res.imported + res.bad == res.rows, "%zu + %zu != %zu rows", res.imported, res.bad,
				 res.rows);
			FZ_CHECK(after == (int64_t)res.imported, "import says %zu imported, the store has %lld",
				 res.imported, (long long)after);
			FZ_CHECK(skip || !res.bad, "all or nothing, yet %zu bad rows and success", res.bad);
			FZ_CHECK(res.encoding, "no encoding named");
			/* Every active entity is found by a word of its address?  Too
			 * costly per input; one lookup of everything in one unit's
			 * care is enough to walk the rows just written. */
			int64_t hits = 0;
			struct entity_search_result sr;
			struct entity_query q = { .scope = "食品", .all = true };
			FZ_CHECK(entity_search(c, &q, count_hit, &hits, &sr, &err) == ZS_OK, "search: %s", err.msg);
			FZ_CHECK(hits == sr.rows && hits <= after, "%lld hits, %lld counted, %lld entities", (long long)hits,
				 (long long)sr.rows, (long long)after);
		} else {
			FZ_CHECK(after == before, "a failed import changed the register (%lld -> %lld)", (long long)before,
				 (long long)after);
		}
	}
	return 0;
}
