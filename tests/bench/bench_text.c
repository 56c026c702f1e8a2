/* bench_text: what text.c costs on the paths that run most.
 *
 *   build/tests/bench/bench_text [ROWS]     (default 200000 rows, ~20 MB)
 *
 * Rows like the console's lists (Chinese summaries with ASCII dates,
 * numbers and names, a few accents and emoji), measured four ways:
 *   width   text_width of every row (column layout, CSV/TSV widths)
 *   fit     text_fit_cols of every row into 40 columns with padding (what
 *           the console does for each cell of each row it draws)
 *   valid   text_valid_utf8 over the whole buffer at once (the CSV reader's
 *           check of each chunk)
 *   clean   text_sanitize of every row (everything typed or imported)
 * Each figure is the best of nine runs in CPU time (the machine may be
 * busy), in ns a row and MB/s.
 *
 * To compare with another version of text.c (before utf8proc: git show
 * d1820e0:src/util/text.c), link this file against it instead:
 *   cc -O2 -Iinclude tests/bench/bench_text.c OLD-text.c -lutf8proc -o old
 * (only functions both versions have are called). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zhishou/text.h"

static const char *const words[] = {
	"消费者", "张女士", "反映", "在", "某某超市", "购买的", "牛奶", "已过期",
	"，", "要求", "退款", "并", "处理", "。", "12315", "2026-03-15 20:15",
	"投诉", "举报", "市场监管局", "值班室", "电话", "138****1234", "外卖",
	"平台", "商家", "拒绝", "退货", "食品安全", "价格", "虚假宣传", "Café",
	"😀", "WeChat", "订单号 A2026031500042", "（", "）", "《", "》", "、",
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Fill rows of 40-80 display columns from words, deterministically. */
static char **make_rows(size_t n, char **all, size_t *all_len)
{
	char **rows = malloc(n * sizeof *rows);
	size_t cap = n * 200, len = 0;
	char *buf = malloc(cap);
	uint32_t seed = 12315;

	if (!rows || !buf)
		exit(1);
	for (size_t i = 0; i < n; i++) {
		char row[512];
		size_t rl = 0;
		int target = 40 + (int)(i % 41);

		while (text_width_n(row, rl) < target) {
			seed = seed * 1103515245u + 12345u;
			const char *w = words[(seed >> 16) % (sizeof words / sizeof words[0])];
			size_t wl = strlen(w);
			if (rl + wl + 1 >= sizeof row)
				break;
			memcpy(row + rl, w, wl);
			rl += wl;
		}
		row[rl] = '\0';
		rows[i] = strdup(row);
		if (!rows[i] || len + rl + 1 > cap)
			exit(1);
		memcpy(buf + len, row, rl);
		len += rl;
		buf[len++] = '\n';
	}
	*all = buf;
	*all_len = len;
	return rows;
}

static volatile long sink;

static double best_of(int runs, void (*fn)(char **, size_t, const char *, size_t),
		      char **rows, size_t n, const char *all, size_t all_len)
{
	double best = 1e300;

	for (int r = 0; r < runs; r++) {
		double t0 = now_ns();
		fn(rows, n, all, all_len);
		double t = now_ns() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

static void run_width(char **rows, size_t n, const char *all, size_t all_len)
{
	long s = 0;

	(void)all;
	(void)all_len;
	for (size_t i = 0; i < n; i++)
		s += text_width(rows[i]);
	sink = s;
}

static void run_fit(char **rows, size_t n, const char *all, size_t all_len)
{
	char out[256];
	long s = 0;

	(void)all;
	(void)all_len;
	for (size_t i = 0; i < n; i++)
		s += text_fit_cols(rows[i], 40, true, out, sizeof out);
	sink = s;
}

static void run_valid(char **rows, size_t n, const char *all, size_t all_len)
{
	(void)rows;
	(void)n;
	sink = text_valid_utf8(all, all_len);
}

static void run_clean(char **rows, size_t n, const char *all, size_t all_len)
{
	long s = 0;

	(void)all;
	(void)all_len;
	for (size_t i = 0; i < n; i++) {
		char *c = text_sanitize(rows[i], strlen(rows[i]), 0);
		s += c ? (long)c[0] : 0;
		free(c);
	}
	sink = s;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
	char *all;
	size_t all_len;
	char **rows;
	static const struct {
		const char *name;
		void (*fn)(char **, size_t, const char *, size_t);
	} cases[] = {
		{ "width", run_width },
		{ "fit", run_fit },
		{ "valid", run_valid },
		{ "clean", run_clean },
	};

	if (n == 0)
		n = 1;
	rows = make_rows(n, &all, &all_len);
	printf("%zu rows, %.1f MB, %.1f bytes a row\n", n, all_len / 1e6,
	       (double)all_len / n);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		double t = best_of(9, cases[c].fn, rows, n, all, all_len);
		printf("%-6s %8.1f ns/row %8.1f MB/s\n", cases[c].name, t / n,
		       all_len / (t / 1e9) / 1e6);
	}
	for (size_t i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
	free(all);
	return 0;
}
