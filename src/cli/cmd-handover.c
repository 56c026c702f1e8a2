/* zhishou handover sign|accept|list: 交接班. */
#include <stdio.h>

#include "cli.h"
#include "zhishou/handover.h"
#include "zhishou/i18n.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

struct handover_opts {
	const char *names, *note, *dispute;
	enum out_format fmt;
	const struct cmd_entry *cmd;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct handover_opts *o = ud;
	switch (opt) {
	case 'n': o->names = arg; break;
	case 't': o->note = arg; break;
	case 'd': o->dispute = arg; break;
	case 'f': return cli_format(o->cmd, arg, &o->fmt);
	}
	return 0;
}

static int options(struct handover_opts *o, int argc, char **argv, const struct option *opts)
{
	int first;
	return cli_options(o->cmd, argc, argv, opts, opt_cb, o, &first);
}

static const struct option sign_exec_opts[] = {
	{ "names", required_argument, NULL, 'n' }, { "note", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 },
};
static int sign_exec(struct cli *cli, int argc, char **argv)
{
	struct handover_opts o = { .cmd = &cmd_handover_sign_entry };
	int r = options(&o, argc, argv, sign_exec_opts);
	if (r)
		return r;
	struct zs_error err = { 0 };
	int64_t id = 0;
	if (handover_sign(cli_ctx(cli), o.names, o.note, &id, &err))
		return cli_error(&err);
	printf(TR("已签交接班 #%lld；请接班人员用 zhishou handover accept 确认\n",
		  "handover #%lld signed; the incoming shift accepts it with zhishou handover accept\n"),
	       (long long)id);
	return 0;
}

static const struct option accept_exec_opts[] = {
	{ "names", required_argument, NULL, 'n' }, { "dispute", required_argument, NULL, 'd' }, { NULL, 0, NULL, 0 },
};
static int accept_exec(struct cli *cli, int argc, char **argv)
{
	struct handover_opts o = { .cmd = &cmd_handover_accept_entry };
	int r = options(&o, argc, argv, accept_exec_opts);
	if (r)
		return r;
	struct zs_error err = { 0 };
	int64_t id = 0;
	if (handover_accept(cli_ctx(cli), o.names, o.dispute, &id, &err))
		return cli_error(&err);
	printf(TR("已接班确认交接班 #%lld%s\n", "handover #%lld accepted%s\n"), (long long)id,
	       o.dispute && *o.dispute ? TR("（异议已记录）", " (dispute recorded)") : "");
	return 0;
}

static const struct out_col cols[] = {
	{ "id", "编号", "id", 0, true },
	{ "signed_at", "交班时间", "signed", 0, false },
	{ "names", "交班人员", "outgoing", 20, false },
	{ "note", "交班说明", "note", 30, false },
	{ "accepted_at", "接班时间", "accepted", 0, false },
	{ "accept_names", "接班人员", "incoming", 20, false },
	{ "dispute", "异议", "disputed", 30, false },
	{ "signed_by", "签字账号", "signed by", 0, false },
	{ "accepted_by", "接班账号", "accepted by", 0, false },
};

struct list_ctx {
	struct out *out;
	bool json;
};

static int list_cb(const struct handover *h, void *ud)
{
	struct list_ctx *l = ud;
	char a[40], b[40];
	out_int(l->out, h->id);
	out_str(l->out, time_format(h->signed_at, l->json ? TIME_ISO : TIME_SHORT, a, sizeof a));
	out_str(l->out, h->names);
	out_str(l->out, h->note);
	if (h->accepted_at)
		out_str(l->out, time_format(h->accepted_at, l->json ? TIME_ISO : TIME_SHORT, b, sizeof b));
	else
		out_null(l->out);
	out_str(l->out, h->accept_names);
	out_str(l->out, h->dispute);
	out_str(l->out, h->signed_by);
	out_str(l->out, h->accepted_by);
	out_end_row(l->out);
	return 0;
}

static const struct option list_exec_opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
static int list_exec(struct cli *cli, int argc, char **argv)
{
	struct handover_opts o = { .cmd = &cmd_handover_list_entry };
	int r = options(&o, argc, argv, list_exec_opts);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct list_ctx l = { out_new(stdout, o.fmt, cols, sizeof cols / sizeof *cols), o.fmt == OUT_JSON };
	r = handover_list(cli_ctx(cli), 100, list_cb, &l, &err);
	if (r) {
		out_abort(l.out);
		return cli_error(&err);
	}
	out_finish(l.out);
	return 0;
}

const struct cmd_entry cmd_handover_sign_entry = {
	.name = "handover sign",
	.usage = "--names 值班人员 [--note 交班说明]",
	.help_zh = "交班：签交接班（记下在班人员、说明和此刻未办结事项的快照）",
	.help_en = "sign the handover (names on duty, a note, a snapshot of what is open)",
	.exec = sign_exec,
	.opts = sign_exec_opts,
	.about = (const struct cmd_about[]){
		{ "names", "交班的值班人员姓名",
		  "the names of those handing over" },
		{ "note", "交班说明：接班的人要知道的事",
		  "the handover note: what the next shift must know" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_handover_accept_entry = {
	.name = "handover accept",
	.usage = "--names 接班人员 [--dispute 异议]",
	.help_zh = "接班：确认最近一次交接，可注明有异议之处",
	.help_en = "accept the last handover, noting anything disputed",
	.exec = accept_exec,
	.opts = accept_exec_opts,
	.about = (const struct cmd_about[]){
		{ "names", "接班人员姓名",
		  "the names of those taking over" },
		{ "dispute", "对这次交接有异议之处",
		  "anything in the handover you dispute" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_handover_list_entry = {
	.name = "handover list",
	.usage = "[--format table|tsv|csv|json]",
	.help_zh = "列出交接班记录（新的在前）",
	.help_en = "list handovers (newest first)",
	.flags = CMD_READONLY,
	.exec = list_exec,
	.opts = list_exec_opts,
};
