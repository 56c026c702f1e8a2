/* Listings that stop at their limit say so (cli.h, struct cli_page). */
#include <stdio.h>

#include "cli.h"
#include "zhishou/i18n.h"
#include "zhishou/output.h"

int cli_page_ask(struct cli_page *p, int limit)
{
	*p = (struct cli_page){ .limit = limit };
	return limit > 0 ? limit + 1 : 0;
}

bool cli_page_take(struct cli_page *p, int64_t key)
{
	if (p->limit && p->rows == p->limit) {
		p->more = true;
		return false;
	}
	p->rows++;
	p->last = key;
	return true;
}

void cli_page_hint(const struct cli_page *p, const char *next_zh, const char *next_en)
{
	if (!p->more)
		return;
	char next[128] = "", line[384];
	if (next_zh) {
		snprintf(next, sizeof next, TR(next_zh, next_en), (long long)p->last);
		snprintf(line, sizeof line, TR("只列出了 %d 件；下一页用 %s，或 --limit N 一次看更多（0 为全部）",
					       "only %d listed; the next page: %s, or --limit N for more at once (0: all)"),
			 p->limit, next);
	} else {
		snprintf(line, sizeof line, TR("只列出了 %d 件；用 --limit N 看更多（0 为全部）",
					       "only %d listed; --limit N shows more (0: all)"),
			 p->limit);
	}
	fflush(stdout);   /* after the rows, also on a terminal shared by both */
	out_line(stderr, line);
}
