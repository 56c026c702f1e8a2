/* bench_relay: commits exposures at a steady pace, for the relay benchmark.
 *
 *   bench_relay DB N [--rate PER_SECOND] [--title PREFIX]
 *
 * Opens DB with the project's store (as the commands do) and calls
 * exposure_add N times, one every 1/PER_SECOND seconds (default 20/s) on an
 * absolute schedule (CLOCK_MONOTONIC, TIMER_ABSTIME: a slow commit does not
 * push the later ones back).  exposure_add writes the exposure, its audit
 * row and the exposure_new outbox event in one transaction and commits
 * before it returns; after each one this prints
 *
 *   EXPOSURE_ID COMMIT_NS RETURN_NS CHECKPOINT
 *
 * and flushes, so the relay benchmark can match each robot POST to the
 * commit that caused it.  Times are CLOCK_REALTIME nanoseconds (comparable
 * with Python's time.time_ns() on the same machine):
 *   COMMIT_NS  the commit itself: taken in SQLite's WAL hook, which runs
 *              once the transaction is in the WAL and the write lock is
 *              released, i.e. when other connections can see it;
 *   RETURN_NS  when exposure_add returned.
 * They differ by the automatic checkpoint, which SQLite runs in the same
 * hook after a commit that leaves 1000 pages or more in the WAL (then
 * CHECKPOINT is 1): such a commit returns milliseconds after the relay may
 * already have posted the event.  To keep that behaviour the hook below
 * does what SQLite's default hook does (sqlite3_wal_autocheckpoint, 1000
 * pages: a passive checkpoint); the store (src/store/db.c) keeps the default.
 * The database handle comes from sqlite3_open_v2, wrapped here (the store
 * does not expose its handle).  It opens the database through core's session
 * as the commands do, as the Unix user running it: recording an exposure
 * takes an operator, so that user must be a member (the one who ran `zhishou
 * init` is its admin).  Exits non-zero when it may not, and on the first
 * failed add. */
#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zhishou/codes.h"
#include "zhishou/config.h"
#include "zhishou/ctx.h"
#include "zhishou/exposure.h"
#include "zhishou/session.h"
#include "zhishou/timeutil.h"

/* The store's connection, caught as it opens it. */
static sqlite3 *store_db;

int sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs)
{
	static int (*real)(const char *, sqlite3 **, int, const char *);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "sqlite3_open_v2");
	if (!real) {
		*db = NULL;
		return SQLITE_ERROR;
	}
	int rc = real(filename, db, flags, vfs);
	if (rc == SQLITE_OK)
		store_db = *db;
	return rc;
}

enum { AUTOCHECKPOINT_PAGES = 1000 };   /* SQLite's default */
static int64_t commit_ns;
static int checkpointed;

static int64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int wal_hook(void *ud, sqlite3 *db, const char *name, int pages)
{
	(void)ud;
	commit_ns = real_ns();
	if (pages >= AUTOCHECKPOINT_PAGES) {
		sqlite3_wal_checkpoint(db, name);
		checkpointed = 1;
	}
	return SQLITE_OK;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s DB N [--rate PER_SECOND] [--title PREFIX]\n", argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *db = NULL, *prefix = "基准曝光";
	long n = -1;
	double rate = 20;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rate") && i + 1 < argc)
			rate = atof(argv[++i]);
		else if (!strcmp(argv[i], "--title") && i + 1 < argc)
			prefix = argv[++i];
		else if (argv[i][0] != '-' && !db)
			db = argv[i];
		else if (argv[i][0] != '-' && n < 0)
			n = atol(argv[i]);
		else
			usage(argv[0]);
	}
	if (!db || n < 0 || rate <= 0)
		usage(argv[0]);

	static struct config cfg;
	config_defaults(&cfg);
	if (!time_set_zone(cfg.timezone)) {
		fprintf(stderr, "bench_relay: unknown zone %s\n", cfg.timezone);
		return 1;
	}
	codes_init();
	struct zs_ctx ctx = { .cfg = &cfg };
	struct zs_error err = { 0 };
	/* Identity from the operating system, as the commands take it. */
	struct passwd *pw = getpwuid(getuid());
	char user[64];
	if (pw && pw->pw_name)
		snprintf(user, sizeof user, "%s", pw->pw_name);
	else
		snprintf(user, sizeof user, "uid%u", (unsigned)getuid());
	struct session_options so = { .mode = cfg.db_mode, .unix_user = user, .busy_ms = cfg.busy_ms,
				      .need = ROLE_OPERATOR };
	struct session_clock clk;
	if (session_open(db, &so, &ctx, &clk, &err)) {
		fprintf(stderr, "bench_relay: %s\n", err.msg);
		return 1;
	}
	if (!store_db) {
		fprintf(stderr, "bench_relay: did not see the store open its database\n");
		return 1;
	}
	sqlite3_wal_hook(store_db, wal_hook, NULL);

	long step_ns = (long)(1e9 / rate);
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	int rc = 0;
	for (long i = 0; i < n; i++) {
		int s;
		while ((s = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL)) == EINTR)
			;
		char title[128];
		snprintf(title, sizeof title, "%s %ld", prefix, i + 1);
		struct exposure_input in = { .title = title };
		int64_t id = 0;
		ctx.now = time_now();
		commit_ns = 0;
		checkpointed = 0;
		if (exposure_add(&ctx, &in, &id, &err)) {
			fprintf(stderr, "bench_relay: exposure_add %ld: %s\n", i + 1, err.msg);
			rc = 1;
			break;
		}
		int64_t done = real_ns();
		printf("%lld %lld %lld %d\n", (long long)id, (long long)(commit_ns ? commit_ns : done), (long long)done,
		       checkpointed);
		fflush(stdout);
		next.tv_nsec += step_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
	}
	session_close(&ctx);
	return rc;
}
