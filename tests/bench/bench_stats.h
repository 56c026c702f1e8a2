/* The bench programs' clock and summary line (bench_queries, bench_entity,
 * bench_writers): one copy of how a median and a p95 are taken. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorts t[runs] and prints: name, median, p95, min, max, first (ms), rows. */
static inline void print_stats(const char *name, double *t, int runs, double first, long rows)
{
	qsort(t, (size_t)runs, sizeof *t, cmp_double);
	double median = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
	int k95 = (int)(0.95 * runs + 0.999999) - 1;
	k95 = k95 < 0 ? 0 : k95 >= runs ? runs - 1 : k95;
	printf("%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%ld\n", name, median, t[k95], t[0], t[runs - 1], first, rows);
	fflush(stdout);
}

/* once(q, &rows) one time untimed for the median ("first"), then runs
 * times; the summary line printed.  1 when once fails (it says why). */
static inline int bench_runs(const char *name, int runs, int (*once)(const void *q, long *rows), const void *q)
{
	double *t = calloc((size_t)runs, sizeof *t);
	long rows = 0;
	if (!t)
		return 1;
	double t0 = now_ms();
	int r = once(q, &rows);
	double first = now_ms() - t0;
	for (int i = 0; i < runs && !r; i++) {
		t0 = now_ms();
		r = once(q, &rows);
		t[i] = now_ms() - t0;
	}
	if (!r)
		print_stats(name, t, runs, first, rows);
	free(t);
	return r ? 1 : 0;
}

#endif
