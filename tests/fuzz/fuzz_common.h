/* fuzz_common: what every harness under tests/fuzz/ shares.
 *
 * One process = one in-memory store (opened on first use, reopened every
 * FZ_STORE_ROUNDS writing inputs so memory stays bounded over a 30-minute
 * run), one temporary file for the entry points that read a path, and the
 * fixed night every run replays (2026-03-15 21:00 Asia/Shanghai).
 *
 * A harness may abort() on a broken contract (FZ_CHECK): libFuzzer and the
 * corpus driver both report that as a crash, with the message on stderr. */
#ifndef ZHISHOU_FUZZ_COMMON_H
#define ZHISHOU_FUZZ_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zhishou/codes.h"
#include "zhishou/config.h"
#include "zhishou/ctx.h"
#include "zhishou/i18n.h"
#include "zhishou/store.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken promise of the code under test: report and crash. */
#define FZ_CHECK(cond, ...)                                                                       \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "fuzz check failed at %s:%d: %s\n  ", __FILE__, __LINE__, \
				#cond);                                                           \
			fprintf(stderr, __VA_ARGS__);                                             \
			fputc('\n', stderr);                                                      \
			abort();                                                                  \
		}                                                                                 \
	} while (0)

/* A broken promise already reported (see README.md, "Known findings"):
 * printed once per process and let pass so the fuzzer keeps looking for
 * new ones; with ZHISHOU_FUZZ_STRICT=1 in the environment it aborts like
 * FZ_CHECK (to check a fix, then turn it into an FZ_CHECK). */
#define FZ_KNOWN(id, cond, ...)                                                                   \
	do {                                                                                      \
		static bool fz_known_told_;                                                       \
		if (!(cond)) {                                                                    \
			const char *strict_ = getenv("ZHISHOU_FUZZ_STRICT");                      \
			bool abort_ = strict_ && *strict_ && strcmp(strict_, "0");                 \
			if (abort_ || !fz_known_told_) {                                          \
				fprintf(stderr, "fuzz: known finding %s at %s:%d: %s\n  ", id,   \
					__FILE__, __LINE__, #cond);                               \
				fprintf(stderr, __VA_ARGS__);                                     \
				fputc('\n', stderr);                                              \
				fz_known_told_ = true;                                            \
			}                                                                         \
			if (abort_)                                                               \
				abort();                                                          \
		}                                                                                 \
	} while (0)

/* The harness itself failed (no memory, no temp dir): not a finding. */
#define FZ_DIE(...)                                   \
	do {                                          \
		fprintf(stderr, "fuzz harness: ");    \
		fprintf(stderr, __VA_ARGS__);         \
		fputc('\n', stderr);                  \
		exit(2);                              \
	} while (0)

enum { FZ_STORE_ROUNDS = 500 };

static struct config fz_cfg;
static struct zs_ctx fz_c;
static int64_t fz_night;       /* 2026-03-15 21:00 in Asia/Shanghai */
static int fz_rounds;          /* writing inputs since the store was opened */
static void (*fz_seed_fn)(struct zs_ctx *c);
static char fz_path[4096];     /* the temporary file, "" until made */

/* Process-wide setup: zone, vocabularies, settings, "now".  Idempotent. */
static inline void fz_env(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	time_set_zone("Asia/Shanghai");
	codes_init();
	config_defaults(&fz_cfg);
	fz_night = time_from_local(2026, 3, 15, 21 * 3600);
	fz_c.cfg = &fz_cfg;
	fz_c.now = fz_night;
}

/* Messages come in two languages with their own format strings: odd-sized
 * inputs run in English so both sets are exercised. */
static inline void fz_lang_for(size_t size)
{
	i18n_set(size & 1 ? LANG_EN : LANG_ZH);
}

static inline void fz_store_close(void)
{
	if (fz_c.st) {
		store_close(fz_c.st);
		fz_c.st = NULL;
	}
}

static inline void fz_store_open(void)
{
	struct store_options so = { .mode = 0600, .create = true, .unix_user = "fuzz", .busy_ms = 100 };
	struct zs_error err = { 0 };
	if (store_open(":memory:", &so, &fz_c.st, &err) != ZS_OK)
		FZ_DIE("cannot open an in-memory store: %s", err.msg);
	store_set_clock(fz_c.st, &fz_c.now);
	fz_rounds = 0;
	if (fz_seed_fn) {
		int64_t keep = fz_c.now;
		fz_c.now = fz_night;
		fz_seed_fn(&fz_c);
		fz_c.now = keep;
	}
}

/* The store for this input.  writes: the input may add rows, so count it
 * towards the next reopen.  seed (may be NULL) fills a fresh store. */
static inline struct zs_ctx *fz_ctx(bool writes, void (*seed)(struct zs_ctx *c))
{
	fz_env();
	fz_seed_fn = seed;
	if (fz_c.st && writes && fz_rounds >= FZ_STORE_ROUNDS)
		fz_store_close();
	if (!fz_c.st)
		fz_store_open();
	if (writes)
		fz_rounds++;
	fz_c.now = fz_night;
	return &fz_c;
}

/* The input added rows rows: big imports bring the reopen nearer (about
 * 25,000 rows at most between two reopens). */
static inline void fz_wrote(int64_t rows)
{
	if (rows > 0)
		fz_rounds += (int)(rows / 50 < FZ_STORE_ROUNDS ? rows / 50 : FZ_STORE_ROUNDS);
}

static inline int fz_add_tally(const char *status, int64_t n, void *ud)
{
	(void)status;
	*(int64_t *)ud += n;
	return 0;
}

/* Intakes in the store (per-status totals kept by triggers: no scan). */
static inline int64_t fz_count_intakes(struct zs_ctx *c)
{
	int64_t n = 0;
	struct zs_error err = { 0 };
	FZ_CHECK(store_intake_tally(c->st, fz_add_tally, &n, &err) == ZS_OK, "tally: %s", err.msg);
	return n;
}

static inline void fz_unlink(void)
{
	if (fz_path[0])
		unlink(fz_path);
}

static inline void fz_atexit(void)
{
	fz_unlink();
	fz_store_close();
}

/* Write data to this process's temporary file (mode 0600) and return its
 * path.  suffix names the kind (".csv", ".ini"): the code under test does
 * not look at it, a person reading a crash log does. */
static inline const char *fz_temp_file(const uint8_t *data, size_t size, const char *suffix)
{
	if (!fz_path[0]) {
		const char *dir = getenv("TMPDIR");
		if (!dir || !*dir)
			dir = "/tmp";
		snprintf(fz_path, sizeof fz_path, "%s/zhishou-fuzz-XXXXXX%s", dir, suffix);
		int fd = mkstemps(fz_path, (int)strlen(suffix));
		if (fd < 0)
			FZ_DIE("mkstemps %s: %s", fz_path, strerror(errno));
		close(fd);
		atexit(fz_atexit);
	}
	int fd = open(fz_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		FZ_DIE("open %s: %s", fz_path, strerror(errno));
	size_t done = 0;
	while (done < size) {
		ssize_t w = write(fd, data + done, size - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			FZ_DIE("write %s: %s", fz_path, strerror(errno));
		done += (size_t)w;
	}
	if (fchmod(fd, 0600) != 0)
		FZ_DIE("chmod %s: %s", fz_path, strerror(errno));
	close(fd);
	return fz_path;
}

/* data as a NUL-terminated string (a NUL inside ends it, as it would in
 * argv or a form field); malloc'd. */
static inline char *fz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		FZ_DIE("out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Is s clean the way text_sanitize promises (valid UTF-8; no C0 or C1
 * control but \n when newlines are allowed; no bidi or line separator)? */
static inline bool fz_is_clean(const char *s, bool newlines)
{
	size_t len = strlen(s);
	if (!text_valid_utf8(s, len))
		return false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += text_decode(s + i, len - i, &cp);
		if (cp == '\n' && newlines)
			continue;
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			return false;
		if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
		    cp == 0x200F || cp == 0x061C || cp == 0x2028 || cp == 0x2029)
			return false;
	}
	return true;
}

/* Split data on 0x1F (unit separator) into at most n fields; fields[k] is
 * NULL when the input has fewer.  One malloc'd block: free(*block). */
static inline void fz_split(const uint8_t *data, size_t size, char **fields, size_t n, char **block)
{
	char *b = fz_strndup(data, size);
	/* A NUL ends a field, not the whole input: keep splitting past it. */
	for (size_t k = 0; k < n; k++)
		fields[k] = NULL;
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= size && k < n; i++) {
		if (i == size || b[i] == 0x1F) {
			b[i] = '\0';
			fields[k++] = b + start;
			start = i + 1;
		}
	}
	*block = b;
}

/* The bad rows an import reported (rosters, the register): each with a
 * line and a reason, in order of line. */
struct fz_bad_rows {
	size_t n, last_line;
};

static inline void fz_on_bad(size_t line, const char *why, void *ud)
{
	struct fz_bad_rows *b = ud;
	/* Line 1 is possible: a bare CR ends a record without starting a line. */
	FZ_CHECK(line >= 1, "bad row at line %zu", line);
	FZ_CHECK(line >= b->last_line, "bad rows out of order: %zu after %zu", line, b->last_line);
	FZ_CHECK(why && *why, "bad row at line %zu without a reason", line);
	b->last_line = line;
	b->n++;
}

#endif
