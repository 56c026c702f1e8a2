/* zhishou demo clock TIME: move a demo night's clock (the morning after,
 * to try the review and the handover on the demo). */
#include <stdio.h>

#include "cli.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/session.h"
#include "zhishou/timeutil.h"

static int opt_cb(int opt, const char *arg, void *ud)
{
	(void)opt;
	(void)arg;
	(void)ud;
	return 0;
}

static const struct option clock_opts[] = { { NULL, 0, NULL, 0 } };
static int clock_exec(struct cli *cli, int argc, char **argv)
{
	int first, r = cli_options(&cmd_demo_clock_entry, argc, argv, clock_opts, opt_cb, NULL, &first);
	if (r)
		return r;
	struct zs_ctx *c = cli_ctx(cli);
	struct zs_error err = { 0 };
	int64_t when;
	if (field_time(argv[first], FIELD("时间", "time"), c->now, &when, &err))
		return cli_error(&err);
	if (session_demo_clock(c, when, &err))
		return cli_error(&err);
	char t[40];
	printf(TR("演示时钟已调到 %s，从此接着走\n", "the demo clock now reads %s and runs on from there\n"),
	       time_format(when, TIME_FULL, t, sizeof t));
	return 0;
}

const struct cmd_entry cmd_demo_clock_entry = {
	.name = "demo clock",
	.usage = "TIME",
	.help_zh = "把演示数据库的时钟调到 TIME（如 \"03-16 08:30\" 看第二天早上的回顾与交接），从那里接着走；只对演示数据库",
	.help_en = "move a demo database's clock to TIME (e.g. \"03-16 08:30\" for the morning review and handover) "
		"and run on from there; demo databases only",
	.exec = clock_exec,
	.opts = clock_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个时间", .arg_en = "a time",
};
