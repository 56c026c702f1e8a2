/* bench_queries: the screen-sized reads of the night, timed in-process.
 *
 *   bench_queries DB [--runs N] [--now TIME] [--late TIME] [--search TERM] [--short TERM]
 *
 * Opens DB with the project's store (read-write, as the commands do) and
 * times each query through the same core/store calls the commands make:
 * the newest page (log list), a page deep in the year (log list --before),
 * the unresolved page (log list --unresolved), the board's counters
 * (board_gala + board_counts, as `zhishou board` does at TIME and at a late
 * TIME long after the gala), a 3+-character search (the text index: FTS5 trigram on SQLite) and a
 * 1-2 character search (LIKE), each a 50-row page.  Every query runs once
 * untimed-for-the-median ("first"), then N times; prints one TSV line per
 * query: name, median, p95, min, max, first (milliseconds), rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_ctx.h"
#include "bench_stats.h"
#include "zhishou/board.h"
#include "zhishou/codes.h"
#include "zhishou/config.h"
#include "zhishou/ctx.h"
#include "zhishou/search.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"


struct page {
	long rows;
	int64_t last_id;
};

static int page_cb(const struct intake *i, void *ud)
{
	struct page *p = ud;
	p->rows++;
	p->last_id = i->id;
	return 0;
}

enum qkind { Q_PAGE, Q_BOARD };

struct query {
	const char *name;
	enum qkind kind;
	struct intake_filter f;
	int64_t board_now;
};

static struct zs_ctx ctx;

static int run_once(const void *query, long *rows)
{
	const struct query *q = query;
	struct zs_error err = { 0 };
	if (q->kind == Q_PAGE) {
		struct page p = { 0 };
		int r = store_intake_each(ctx.st, &q->f, page_cb, &p, &err);
		if (r) {
			fprintf(stderr, "bench_queries: %s: %s\n", q->name, err.msg);
			return r;
		}
		*rows = p.rows;
		return 0;
	}
	/* What `zhishou board` computes: the gala frame, then the counters. */
	ctx.now = q->board_now;
	struct board_gala g;
	struct board_counts b;
	int r = board_gala(&ctx, &g, &err);
	if (!r) {
		int64_t since = g.phase == GALA_DURING || g.phase == GALA_AFTER ? g.starts_at : 0;
		if (!since) {
			int y, m, d, hh, mm, ss;
			time_to_local(ctx.now, &y, &m, &d, &hh, &mm, &ss);
			since = time_from_local(y, m, d, 0);
		}
		r = board_counts(&ctx, since, &b, &err);
	}
	if (r) {
		fprintf(stderr, "bench_queries: %s: %s\n", q->name, err.msg);
		return r;
	}
	*rows = (long)b.total;
	return 0;
}

static int bench(const struct query *q, int runs)
{
	return bench_runs(q->name, runs, run_once, q);
}

static int64_t parse_time(const char *s)
{
	int64_t t;
	char why[256];
	if (!time_parse(s, time_now(), &t, why, sizeof why)) {
		fprintf(stderr, "bench_queries: bad time \"%s\": %s\n", s, why);
		exit(2);
	}
	return t;
}

int main(int argc, char **argv)
{
	const char *db = NULL, *night = "2025-03-15 22:30", *late = "2025-12-31 23:00";
	const char *term = "预制菜", *shortterm = "酸菜";
	int runs = 20;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--now") && i + 1 < argc)
			night = argv[++i];
		else if (!strcmp(argv[i], "--late") && i + 1 < argc)
			late = argv[++i];
		else if (!strcmp(argv[i], "--search") && i + 1 < argc)
			term = argv[++i];
		else if (!strcmp(argv[i], "--short") && i + 1 < argc)
			shortterm = argv[++i];
		else if (argv[i][0] != '-' && !db)
			db = argv[i];
		else {
			fprintf(stderr, "usage: %s DB [--runs N] [--now TIME] [--late TIME] [--search TERM] [--short TERM]\n",
				argv[0]);
			return 2;
		}
	}
	if (!db || runs < 1) {
		fprintf(stderr, "usage: %s DB [--runs N] [--now TIME] [--late TIME] [--search TERM] [--short TERM]\n",
			argv[0]);
		return 2;
	}

	double t0 = now_ms();
	if (bench_ctx_open("bench_queries", db, &ctx))
		return 1;
	double open_ms = now_ms() - t0;
	struct zs_error err = { 0 };
	ctx.now = parse_time(night);

	struct search_query sq = { 0 }, sq2 = { 0 };
	if (search_parse(term, &sq, &err) || search_parse(shortterm, &sq2, &err)) {
		fprintf(stderr, "bench_queries: search: %s\n", err.msg);
		return 1;
	}

	/* The id in the middle of the table, for a page deep in the year. */
	struct page first = { 0 };
	struct intake_filter f1 = { .limit = 1 };
	store_intake_each(ctx.st, &f1, page_cb, &first, &err);

	printf("query\tmedian_ms\tp95_ms\tmin_ms\tmax_ms\tfirst_ms\trows\n");
	printf("store_open (once)\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t0\n", open_ms, open_ms, open_ms, open_ms, open_ms);
	struct query qs[] = {
		{ .name = "newest page (log list)", .kind = Q_PAGE, .f = { .limit = 50 } },
		{ .name = "page mid-year (log list --before)", .kind = Q_PAGE,
		  .f = { .limit = 50, .before_id = first.last_id / 2 + 1 } },
		{ .name = "unresolved page (log list --unresolved)", .kind = Q_PAGE, .f = { .unresolved = true, .limit = 50 } },
		{ .name = "board counts (gala night)", .kind = Q_BOARD, .board_now = parse_time(night) },
		{ .name = "board counts (late: months after the gala)", .kind = Q_BOARD, .board_now = parse_time(late) },
		{ .name = "search 3 chars (text index)", .kind = Q_PAGE, .f = { .terms = (const char *const *)sq.terms, .limit = 50 } },
		{ .name = "search 2 chars (LIKE)", .kind = Q_PAGE, .f = { .limit = 50 } },
	};
	search_filter(&sq2, &qs[6].f);
	int rc = 0;
	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
		rc |= bench(&qs[i], runs);
	search_free(&sq);
	search_free(&sq2);
	store_close(ctx.st);
	return rc;
}
