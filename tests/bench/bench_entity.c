/* bench_entity: the register's lookups, timed in-process (issue 13
 * "Benchmarks"; run.sh's esearch and elocal sections).
 *
 *   bench_entity DB [--runs N] [--limit N] search NAME TEXT [--scope WORD] ...
 *                                          local NAME EXPOSURE_ID ...
 *
 * Opens DB with the project's store and times, through the calls `zhishou
 * entity search` and `zhishou expose local` make (entity_search with the
 * command's default limit of 50, entity_local_find), each query given: once
 * ("first"), then N times.  One TSV line per query: name, median, p95, min,
 * max, first (milliseconds), rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zhishou/codes.h"
#include "zhishou/config.h"
#include "zhishou/ctx.h"
#include "zhishou/entity.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

static struct zs_ctx ctx;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct query {
	const char *name;
	struct entity_query q;   /* a search */
	long exposure;           /* else expose local of this exposure */
};

static int count_cb(const struct entity *e, void *ud)
{
	(void)e;
	++*(long *)ud;
	return 0;
}

static int run_once(const struct query *q, long *rows)
{
	struct zs_error err = { 0 };
	int r;
	*rows = 0;
	if (q->exposure) {
		struct entity_locals l;
		r = entity_local_find(&ctx, q->exposure, &l, &err);
		if (!r)
			*rows = (long)l.n;
		entity_locals_clear(&l);
	} else {
		struct entity_search_result res;
		r = entity_search(&ctx, &q->q, count_cb, rows, &res, &err);
	}
	if (r)
		fprintf(stderr, "bench_entity: %s: %s\n", q->name, err.msg);
	return r;
}

static int bench(const struct query *q, int runs)
{
	double *t = calloc((size_t)runs, sizeof *t);
	long rows = 0;
	if (!t)
		return 1;
	double t0 = now_ms();
	int r = run_once(q, &rows);
	double first = now_ms() - t0;
	for (int i = 0; i < runs && !r; i++) {
		t0 = now_ms();
		r = run_once(q, &rows);
		t[i] = now_ms() - t0;
	}
	if (!r) {
		qsort(t, (size_t)runs, sizeof *t, cmp_double);
		double median = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
		int k95 = (int)(0.95 * runs + 0.999999) - 1;
		k95 = k95 < 0 ? 0 : k95 >= runs ? runs - 1 : k95;
		printf("%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%ld\n", q->name, median, t[k95], t[0], t[runs - 1], first,
		       rows);
		fflush(stdout);
	}
	free(t);
	return r ? 1 : 0;
}

static int usage(const char *me)
{
	fprintf(stderr, "usage: %s DB [--runs N] [--limit N] (search NAME TEXT [--scope WORD] | local NAME ID)...\n",
		me);
	return 2;
}

int main(int argc, char **argv)
{
	const char *db = NULL;
	int runs = 20, limit = 50;
	struct query qs[32];
	int nq = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
			limit = atoi(argv[++i]);
		else if (!strcmp(argv[i], "search") && i + 2 < argc && nq < 32) {
			qs[nq] = (struct query){ .name = argv[i + 1], .q = { .text = argv[i + 2], .limit = limit } };
			i += 2;
			if (!*qs[nq].q.text)
				qs[nq].q.text = NULL;
			if (i + 2 < argc && !strcmp(argv[i + 1], "--scope")) {
				qs[nq].q.scope = argv[i + 2];
				i += 2;
			}
			nq++;
		} else if (!strcmp(argv[i], "local") && i + 2 < argc && nq < 32) {
			qs[nq++] = (struct query){ .name = argv[i + 1], .exposure = atol(argv[i + 2]) };
			i += 2;
		} else if (argv[i][0] != '-' && !db)
			db = argv[i];
		else
			return usage(argv[0]);
	}
	if (!db || runs < 1 || !nq)
		return usage(argv[0]);

	static struct config cfg;
	config_defaults(&cfg);
	if (!time_set_zone(cfg.timezone)) {
		fprintf(stderr, "bench_entity: unknown zone %s\n", cfg.timezone);
		return 1;
	}
	codes_init();
	struct zs_error err = { 0 };
	struct store_options so = { .mode = 0660, .create = false, .readonly = false, .unix_user = "bench",
				    .busy_ms = cfg.busy_ms };
	if (store_open(db, &so, &ctx.st, &err)) {
		fprintf(stderr, "bench_entity: %s\n", err.msg);
		return 1;
	}
	ctx.cfg = &cfg;
	ctx.now = time_now();
	printf("query\tmedian_ms\tp95_ms\tmin_ms\tmax_ms\tfirst_ms\trows\n");
	int rc = 0;
	for (int i = 0; i < nq; i++)
		rc |= bench(&qs[i], runs);
	store_close(ctx.st);
	return rc;
}
