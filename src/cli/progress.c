/* Progress on long work: after a second, one line on a terminal's stderr
 * (rows, rate, how far, time left), redrawn at most four times a second
 * and cleared at the end; nothing into a pipe or a file. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "zhishou/i18n.h"
#include "zhishou/timeutil.h"

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show(void *ud, int64_t rows, double part)
{
	struct cli_progress *p = ud;
	double now = seconds();
	if (now - p->start < 1.0 || now - p->last < 0.25)
		return;
	p->last = now;
	p->shown = true;
	double took = now - p->start;
	char line[256], left[64] = "";
	int n = snprintf(line, sizeof line, TR("%s：%lld 行，每秒 %.0f 行", "%s: %lld rows, %.0f a second"),
			 TR(p->what_zh, p->what_en), (long long)rows, (double)rows / took);
	if (part > 0.01 && part < 1 && n > 0 && (size_t)n < sizeof line) {
		int64_t secs = (int64_t)(took * (1 - part) / part) + 1;
		if (secs < 60)
			snprintf(left, sizeof left, TR("%lld 秒", "%lld s"), (long long)secs);
		else
			time_format_duration(secs, i18n_get() == LANG_EN, left, sizeof left);
		snprintf(line + n, sizeof line - (size_t)n, TR("，约 %.0f%%，还要约 %s", ", about %.0f%%, about %s to go"),
			 part * 100, left);
	}
	/* \r and erase-to-end: the same line, redrawn. */
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
}

void cli_progress_start(struct cli *cli, const char *what_zh, const char *what_en)
{
	if (!isatty(STDERR_FILENO))
		return;
	cli->progress = (struct cli_progress){ .what_zh = what_zh, .what_en = what_en, .start = seconds() };
	cli->ctx.progress = show;
	cli->ctx.progress_ud = &cli->progress;
}

void cli_progress_end(struct cli *cli)
{
	if (cli->progress.shown)
		fputs("\r\033[K", stderr);
	cli->progress.shown = false;
	cli->ctx.progress = NULL;
}

void cli_bad_row(size_t line, const char *why, void *ud)
{
	(void)ud;
	char msg[1200];
	snprintf(msg, sizeof msg, TR("第 %zu 行：%s", "line %zu: %s"), line, why);
	out_line(stderr, msg);
}
