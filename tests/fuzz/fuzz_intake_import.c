/* fuzz_intake_import: `zhishou log import FILE` (intake_import).
 *
 * Input: the file's bytes, CSV (any encoding csv_stream_file takes) or JSON
 * Lines (first non-blank byte '{').  The file is imported into this
 * process's in-memory store, reopened every FZ_STORE_ROUNDS inputs so the
 * rows imported do not pile up.  Checked: the import either adds rows and
 * reports a consistent id range or changes nothing; a failure is a
 * message, never ZS_EFAIL (nothing here can fail for want of disk or
 * memory).  Inputs over 8 KiB are read in 4 KiB chunks (as a file over
 * 1 MiB would be in 1 MiB ones), smaller ones in one. */
#include "fuzz_common.h"

#include "zhishou/csvfile.h"
#include "zhishou/intake.h"

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
	const char *path = fz_temp_file(data, size, ".csv");
	/* Files over 8 KiB are read in 4 KiB chunks: the importer then sees
	 * what a year's export (many 1 MiB chunks) makes it see.  Smaller ones
	 * in one chunk, as with the real 1 MiB (whose allocation would only
	 * slow the fuzzer down). */
	csv_set_chunk_size_for_tests(size > 8192 ? 4096 : size + 1);
	int64_t before = fz_count_intakes(c);
	struct import_result res;
	struct zs_error err = { 0 };
	int r = intake_import(c, path, &res, &err);
	int64_t after = fz_count_intakes(c);
	FZ_CHECK(r == ZS_OK || r == ZS_EINPUT, "intake_import failed (%d): %s", r, err.msg);
	FZ_CHECK(strnlen(err.msg, sizeof err.msg) < sizeof err.msg, "error message not terminated");
	if (r == ZS_OK) {
		fz_wrote(res.added);
		FZ_CHECK(after - before == res.added, "import says %lld added, the store has %lld more",
			 (long long)res.added, (long long)(after - before));
		FZ_CHECK(res.skipped_ref >= 0, "negative skip count");
		if (res.added)
			FZ_CHECK(res.first_id > 0 && res.last_id - res.first_id + 1 == res.added,
				 "ids [%lld, %lld] for %lld rows", (long long)res.first_id, (long long)res.last_id,
				 (long long)res.added);
	} else {
		FZ_CHECK(after == before, "a failed import changed the store (%lld -> %lld rows)", (long long)before,
			 (long long)after);
		FZ_CHECK(!res.added && !res.first_id && !res.last_id && !res.skipped_ref, "a failed import reports rows");
	}
	return 0;
}
