/* zhishou gala add|list: the galas that frame the night's counters. */
#include <stdio.h>

#include "cli.h"
#include "zhishou/board.h"
#include "zhishou/i18n.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

struct gala_opts {
	const char *name, *start, *end;
	enum out_format fmt;
	const struct cmd_entry *cmd;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct gala_opts *o = ud;
	switch (opt) {
	case 'n': o->name = arg; break;
	case 's': o->start = arg; break;
	case 'e': o->end = arg; break;
	case 'f': return cli_format(o->cmd, arg, &o->fmt);
	}
	return 0;
}

static const struct option add_exec_opts[] = {
	{ "name", required_argument, NULL, 'n' }, { "start", required_argument, NULL, 's' },
	{ "end", required_argument, NULL, 'e' }, { NULL, 0, NULL, 0 },
};
static int add_exec(struct cli *cli, int argc, char **argv)
{
	struct gala_opts o = { .cmd = &cmd_gala_add_entry };
	int first, r = cli_options(o.cmd, argc, argv, add_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	if (!o.start || !o.end)
		return cli_usage(o.cmd, "%s", TR("需要 --start 和 --end", "needs --start and --end"));
	struct zs_error err = { 0 };
	int64_t id;
	if (gala_add(cli_ctx(cli), o.name, o.start, o.end, &id, &err))
		return cli_error(&err);
	printf("%lld\n", (long long)id);
	return 0;
}

static const struct out_col cols[] = {
	{ "id", "编号", "id", 0, true },
	{ "name", "晚会", "gala", 0, false },
	{ "starts_at", "开始", "start", 0, false },
	{ "ends_at", "结束", "end", 0, false },
};

struct list_ctx {
	struct out *out;
	bool json;
};

static int list_cb(const struct gala *g, void *ud)
{
	struct list_ctx *l = ud;
	char a[40], b[40];
	out_int(l->out, g->id);
	out_str(l->out, g->name);
	out_str(l->out, time_format(g->starts_at, l->json ? TIME_ISO : TIME_FULL, a, sizeof a));
	out_str(l->out, time_format(g->ends_at, l->json ? TIME_ISO : TIME_FULL, b, sizeof b));
	out_end_row(l->out);
	return 0;
}

static const struct option list_exec_opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
static int list_exec(struct cli *cli, int argc, char **argv)
{
	struct gala_opts o = { .cmd = &cmd_gala_list_entry };
	int first, r = cli_options(o.cmd, argc, argv, list_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct list_ctx l = { out_new(stdout, o.fmt, cols, 4), o.fmt == OUT_JSON };
	r = gala_list(cli_ctx(cli), list_cb, &l, &err);
	if (r) {
		out_abort(l.out);
		return cli_error(&err);
	}
	out_finish(l.out);
	return 0;
}

const struct cmd_entry cmd_gala_add_entry = {
	.name = "gala add",
	.usage = "--name N --start TIME --end TIME",
	.help_zh = "登记晚会的播出时间（看板计数从晚会开始算起）",
	.help_en = "schedule a gala (the board counts from its start)",
	.exec = add_exec,
	.opts = add_exec_opts,
	.about = (const struct cmd_about[]){
		{ "name", "晚会名称",
		  "the gala's name" },
		{ "start", "开播时间",
		  "when it goes on air" },
		{ "end", "结束时间",
		  "when it ends" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_gala_list_entry = {
	.name = "gala list",
	.usage = "[--format table|tsv|csv|json]",
	.help_zh = "列出晚会时间",
	.help_en = "list the galas",
	.flags = CMD_READONLY,
	.exec = list_exec,
	.opts = list_exec_opts,
};
