/* fuzz_intake: the new-intake form and `zhishou log add`.
 *
 * Input: the fields of struct intake_input separated by 0x1F (unit
 * separator), in this order:
 *   at, channel, kind, caller, phone, subject, uscc, category, text, ref,
 *   exposure, money
 * (fewer fields: the rest are not given; a NUL ends its field).  Each goes
 * through intake_from_input and, when valid, intake_hints against a store
 * seeded with intakes and open exposures (so the duplicate and suggestion
 * searches have something to find) and intake_json.  The last field goes to
 * money_parse.  The whole raw input also goes through the text functions
 * (text.h), with their promises checked: sanitised text is clean and stays
 * the same when sanitised again; fitted text is within its columns and its
 * buffer; the valid prefix and a cut of it are valid UTF-8. */
#include "fuzz_common.h"

#include "zhishou/exposure.h"
#include "zhishou/intake.h"
#include "zhishou/validate.h"

enum { F_AT, F_CHANNEL, F_KIND, F_CALLER, F_PHONE, F_SUBJECT, F_USCC, F_CATEGORY, F_TEXT, F_REF, F_EXPOSURE,
       F_MONEY, F_N };

static void seed(struct zs_ctx *c)
{
	struct zs_error err = { 0 };
	static const struct exposure_input ex[] = {
		{ .title = "土坑酸菜", .companies = "鑫旺食品；老坛香", .keywords = "土坑、腌制", .level = "2" },
		{ .title = "翻新手机冒充新机", .companies = "某某数码城;华强北某档口", .keywords = "翻新;二手机" },
		{ .title = "过期食品改标签", .companies = "惠民超市", .keywords = "改标签；过期", .level = "1" },
	};
	for (size_t i = 0; i < sizeof ex / sizeof *ex; i++) {
		int64_t id;
		if (exposure_add(c, &ex[i], &id, &err))
			FZ_DIE("seed exposure: %s", err.msg);
	}
	static const struct intake_input in[] = {
		{ .channel = "12315热线", .kind = "投诉", .phone = "13812345678", .subject = "惠民超市",
		  .text = "在惠民超市买到过期食品，标签被改过" },
		{ .channel = "12345", .kind = "举报", .phone = "022-87654321", .subject = "鑫旺食品",
		  .text = "举报鑫旺食品土坑腌制酸菜", .caller = "张三" },
		{ .channel = "12315-hotline", .kind = "inquiry", .subject = "某某数码城",
		  .text = "买的手机像是翻新机，怎么维权？", .at = "20:30" },
	};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		int64_t id;
		if (intake_add(c, &in[i], &id, NULL, &err))
			FZ_DIE("seed intake: %s", err.msg);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_ctx(false, seed);
	return 0;
}

static void check_text(const uint8_t *data, size_t size)
{
	const char *raw = (const char *)data;
	for (unsigned flags = 0; flags <= TEXT_KEEP_NEWLINES; flags += TEXT_KEEP_NEWLINES) {
		char *s = text_sanitize(raw, size, flags);
		FZ_CHECK(s, "text_sanitize returned NULL for %zu bytes", size);
		FZ_CHECK(fz_is_clean(s, flags & TEXT_KEEP_NEWLINES), "text_sanitize left something unclean");
		char *again = text_sanitize(s, strlen(s), flags);
		FZ_CHECK(again && !strcmp(s, again), "text_sanitize is not idempotent");
		free(again);
		size_t before = strlen(s);
		text_trim(s);
		FZ_CHECK(strlen(s) <= before, "text_trim grew the string");
		FZ_CHECK(text_valid_utf8(s, strlen(s)), "text_trim cut a character");
		free(s);
	}
	/* Decode the raw bytes: always progresses, never past the end. */
	for (size_t i = 0; i < size;) {
		uint32_t cp;
		size_t n = text_decode(raw + i, size - i, &cp);
		FZ_CHECK(n >= 1 && n <= size - i, "text_decode consumed %zu of %zu", n, size - i);
		char enc[4];
		size_t m = text_encode(cp, enc);
		FZ_CHECK(m >= 1 && m <= 4 && text_valid_utf8(enc, m), "text_encode wrote bad UTF-8");
		i += n;
	}
	/* The valid prefix: valid itself, ends just before the first bad byte,
	 * and a cut character's missing bytes are honest (1 to 3, and the
	 * prefix reaches the last 3 bytes). */
	size_t missing;
	size_t ok = text_valid_prefix(raw, size, &missing);
	FZ_CHECK(ok <= size && text_valid_utf8(raw, ok), "text_valid_prefix: %zu of %zu not valid", ok, size);
	FZ_CHECK((ok == size) == text_valid_utf8(raw, size), "text_valid_prefix and text_valid_utf8 disagree");
	if (ok < size) {
		uint32_t cp;
		FZ_CHECK(text_decode(raw + ok, size - ok, &cp) == 1 && cp == 0xFFFD,
			 "text_valid_prefix stopped at a valid character");
	}
	FZ_CHECK(missing <= 3 && (!missing || size - ok + missing <= 4),
		 "text_valid_prefix: %zu missing after %zu of %zu", missing, ok, size);
	/* A cut of valid text is valid, at most 3 bytes short. */
	for (size_t max = ok > 8 ? ok - 8 : 0; max <= ok; max++) {
		size_t c = text_cut(raw, max);
		FZ_CHECK(c <= max && max - c <= 3 && text_valid_utf8(raw, c), "text_cut(%zu) = %zu", max, c);
	}
	(void)text_width_n(raw, size);

	/* Cells are drawn from stored fields (4000 characters at most): fit
	 * the first 8 KiB, which keeps the many calls below fast. */
	if (size > 8192)
		size = 8192;
	char *z = fz_strndup(data, size);
	(void)text_length(z);
	int w = text_width(z);
	FZ_CHECK(w >= 0, "negative width");
	int colset[] = { 0, 1, 2, 3, 8, 80 };
	/* The last size is room enough for anything: every input byte becomes at
	 * most 3 (U+FFFD), plus an ellipsis and the padding. */
	size_t big = size * 3 + 128;
	size_t outszs[] = { 1, 4, 64, big };
	for (int amb = 0; amb < 2; amb++) {
		text_set_ambiguous_wide(amb);
		for (size_t ci = 0; ci < sizeof colset / sizeof *colset; ci++) {
			int cols = colset[ci], used = -1;
			size_t n = text_fit(z, cols, &used);
			FZ_CHECK(n <= strlen(z), "text_fit beyond the string");
			FZ_CHECK(used >= 0 && used <= cols, "text_fit used %d of %d columns", used, cols);
			FZ_CHECK(used == text_width_n(z, n), "text_fit says %d columns, the prefix takes %d", used,
				 text_width_n(z, n));
			for (size_t oi = 0; oi < sizeof outszs / sizeof *outszs; oi++) {
				size_t outsz = outszs[oi];
				char *out = malloc(outsz);
				if (!out)
					FZ_DIE("out of memory");
				for (int pad = 0; pad < 2; pad++) {
					int got = text_fit_cols(z, cols, pad, out, outsz);
					size_t ol = strnlen(out, outsz);
					FZ_CHECK(ol < outsz, "text_fit_cols: no NUL within %zu bytes", outsz);
					FZ_CHECK(fz_is_clean(out, false), "text_fit_cols let a control through");
					FZ_CHECK(got >= 0 && got <= cols, "text_fit_cols: %d columns of %d", got, cols);
					FZ_CHECK(got == text_width(out), "text_fit_cols says %d, wrote %d columns", got,
						 text_width(out));
					/* With room enough, a padded cell is exactly cols wide. */
					if (pad && outsz == big)
						FZ_CHECK(got == cols, "padded cell %d columns, not %d", got, cols);
				}
				int got = text_fit_cols_right(z, cols, out, outsz);
				FZ_CHECK(strnlen(out, outsz) < outsz, "text_fit_cols_right: no NUL");
				FZ_CHECK(fz_is_clean(out, false), "text_fit_cols_right let a control through");
				FZ_CHECK(got >= 0 && got <= cols, "text_fit_cols_right: %d columns of %d", got, cols);
				FZ_CHECK(got == text_width(out), "text_fit_cols_right says %d, wrote %d", got,
					 text_width(out));
				if (outsz == big)
					FZ_CHECK(got == cols, "right-aligned cell %d columns, not %d", got, cols);
				free(out);
			}
		}
	}
	text_set_ambiguous_wide(false);

	/* The pure validators see raw text too (phones, USCCs, names). */
	char norm[64], mask[64];
	if (phone_normalize(z, norm, sizeof norm)) {
		(void)phone_is_valid(norm);
		phone_mask(norm, mask, sizeof mask);
		FZ_CHECK(strlen(mask) < sizeof mask, "phone_mask overflow");
	}
	name_mask(z, mask, sizeof mask);
	FZ_CHECK(strnlen(mask, sizeof mask) < sizeof mask, "name_mask: no NUL");
	uscc_normalize(z, norm, sizeof norm);
	(void)uscc_is_valid(norm);
	if (strlen(z) >= 17)
		(void)uscc_check_char(z);
	free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)   /* a form field is short; keep the checks fast */
		return 0;
	fz_lang_for(size);
	struct zs_ctx *c = fz_ctx(false, seed);

	char *f[F_N], *block;
	fz_split(data, size, f, F_N, &block);
	struct intake_input in = {
		.at = f[F_AT], .channel = f[F_CHANNEL], .kind = f[F_KIND], .caller = f[F_CALLER],
		.phone = f[F_PHONE], .subject = f[F_SUBJECT], .uscc = f[F_USCC], .category = f[F_CATEGORY],
		.text = f[F_TEXT], .ref = f[F_REF], .exposure = f[F_EXPOSURE],
	};
	struct intake rec;
	struct zs_error err = { 0 };
	int r = intake_from_input(c, &in, &rec, &err);
	FZ_CHECK(r == ZS_OK || r == ZS_EINPUT, "intake_from_input failed (%d): %s", r, err.msg);
	FZ_CHECK(strnlen(err.msg, sizeof err.msg) < sizeof err.msg, "error message not terminated");
	if (r == ZS_OK) {
		/* What is stored is clean and within its limits. */
		FZ_CHECK(fz_is_clean(rec.caller, false) && fz_is_clean(rec.subject, false) &&
				 fz_is_clean(rec.summary, true) && fz_is_clean(rec.ref, false) &&
				 fz_is_clean(rec.phone, false) && fz_is_clean(rec.uscc, false),
			 "a validated field is not clean");
		FZ_CHECK(text_length(rec.caller) <= INTAKE_MAX_CALLER && text_length(rec.subject) <= INTAKE_MAX_SUBJECT &&
				 text_length(rec.summary) <= INTAKE_MAX_TEXT && text_length(rec.ref) <= INTAKE_MAX_REF,
			 "a validated field is over its limit");
		FZ_CHECK(*rec.summary, "validated intake without a summary");
		FZ_CHECK(rec.received_at <= c->now + 3600, "received time in the future passed");
		struct intake_hints h;
		r = intake_hints(c, &rec, &h, &err);
		FZ_CHECK(r == ZS_OK, "intake_hints failed (%d): %s", r, err.msg);
		FZ_CHECK(strnlen(h.dup_reason, sizeof h.dup_reason) < sizeof h.dup_reason &&
				 strnlen(h.suggest_title, sizeof h.suggest_title) < sizeof h.suggest_title,
			 "hint text not terminated");
		for (int mask = 0; mask < 2; mask++) {
			char *j = intake_json(&rec, mask);
			FZ_CHECK(j, "intake_json returned NULL");
			free(j);
		}
		intake_clear(&rec);
	}
	if (f[F_MONEY]) {
		int64_t fen = -1;
		if (money_parse(f[F_MONEY], &fen)) {
			FZ_CHECK(fen >= 0, "money_parse gave %lld fen", (long long)fen);
			/* Everything typed was read (K2, fixed: money_parse kept 63
			 * bytes after dropping ',' and ' ' and ignored the rest). */
			size_t kept = 0;
			for (const char *p = f[F_MONEY]; *p; p++)
				kept += *p != ',' && *p != ' ';
			FZ_CHECK(kept <= 63, "money_parse read %zu bytes as %lld fen, ignoring all after the 63rd",
				 kept, (long long)fen);
		}
	}
	free(block);

	check_text(data, size);
	return 0;
}
