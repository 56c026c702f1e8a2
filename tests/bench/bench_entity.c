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

#include "bench_ctx.h"
#include "bench_stats.h"
#include "zhishou/entity.h"

static struct zs_ctx ctx;


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

static int run_once(const void *query, long *rows)
{
	const struct query *q = query;
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
	return bench_runs(q->name, runs, run_once, q);
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

	if (bench_ctx_open("bench_entity", db, &ctx))
		return 1;
	printf("query\tmedian_ms\tp95_ms\tmin_ms\tmax_ms\tfirst_ms\trows\n");
	int rc = 0;
	for (int i = 0; i < nq; i++)
		rc |= bench(&qs[i], runs);
	store_close(ctx.st);
	return rc;
}
