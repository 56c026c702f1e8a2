/* zhishou outbox list|retry and feed quarantine: what the relay did. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhishou/alert.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

struct outbox_opts {
	bool failed, all;
	const char *feed;
	int limit;
	enum out_format fmt;
	const struct cmd_entry *cmd;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct outbox_opts *o = ud;
	switch (opt) {
	case 'F': o->failed = true; break;
	case 'a': o->all = true; break;
	case 'n': o->feed = arg; break;
	case 'l': {
		/* as every listing's --limit: 0 lists all */
		int64_t n;
		struct zs_error err = { 0 };
		if (field_count(arg, FIELD("--limit", "--limit"), 1000000, &n, &err))
			return cli_error(&err);
		o->limit = (int)n;
		break;
	}
	case 'f': return cli_format(o->cmd, arg, &o->fmt);
	}
	return 0;
}

/* Options of a listing, which takes no positional argument. */
static int listing_options(struct outbox_opts *o, int argc, char **argv, const struct option *opts)
{
	int first, r = cli_options(o->cmd, argc, argv, opts, opt_cb, o, &first);
	return r;
}

static const struct out_col delivery_cols[] = {
	{ "id", "编号", "id", 0, true },
	{ "outbox_id", "事件号", "event id", 0, true },
	{ "event", "事件", "event", 12, false },
	{ "exposure_id", "曝光", "exposure", 0, true },
	{ "robot", "机器人", "robot", 16, false },
	{ "state", "状态", "state", 0, false },
	{ "attempts", "次数", "tries", 0, true },
	{ "created_at", "发生", "happened", 0, false },
	{ "sent_at", "送达", "sent", 0, false },
	{ "last_error", "错误", "error", 40, false },
};

struct list_ctx {
	struct out *out;
	bool json;
	struct cli_page page;
};

static const char *state_label(const char *s)
{
	if (!strcmp(s, "pending"))
		return TR("待发", "pending");
	if (!strcmp(s, "sent"))
		return TR("已送达", "sent");
	if (!strcmp(s, "failed"))
		return TR("失败", "failed");
	return s;
}

static void out_time(struct list_ctx *l, int64_t t)
{
	char b[40];
	if (!t)
		out_null(l->out);
	else
		out_str(l->out, time_format(t, l->json ? TIME_ISO : TIME_SHORT, b, sizeof b));
}

static int delivery_cb(const struct delivery *d, void *ud)
{
	struct list_ctx *l = ud;
	if (!cli_page_take(&l->page, d->id))
		return ZS_STOP;
	out_int(l->out, d->id);
	out_int(l->out, d->outbox_id);
	out_str(l->out, l->json ? d->ev.event : alert_event_label(d->ev.event));
	if (d->ev.exposure_id)
		out_int(l->out, d->ev.exposure_id);
	else
		out_null(l->out);
	out_str(l->out, d->robot);
	out_str(l->out, l->json ? d->state : state_label(d->state));
	out_int(l->out, d->attempts);
	out_time(l, d->ev.created_at);
	out_time(l, d->sent_at);
	out_str(l->out, d->last_error);
	out_end_row(l->out);
	return 0;
}

/* A listing's end: what failed, or the rows and how to see more. */
static int listing_end(struct list_ctx *l, int r, const struct zs_error *err)
{
	if (r) {
		out_abort(l->out);
		return cli_error(err);
	}
	out_finish(l->out);
	cli_page_hint(&l->page, NULL, NULL);
	return 0;
}

static const struct option list_exec_opts[] = {
	{ "failed", no_argument, NULL, 'F' }, { "limit", required_argument, NULL, 'l' },
	{ "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
};
static int list_exec(struct cli *cli, int argc, char **argv)
{
	struct outbox_opts o = { .cmd = &cmd_outbox_list_entry, .limit = 200 };
	int r = listing_options(&o, argc, argv, list_exec_opts);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct list_ctx l = { .out = out_new(stdout, o.fmt, delivery_cols, 10), .json = o.fmt == OUT_JSON };
	return listing_end(&l, delivery_list(cli_ctx(cli), o.failed, 0, cli_page_ask(&l.page, o.limit), delivery_cb,
					     &l, &err), &err);
}

static const struct option retry_exec_opts[] = { { "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
static int retry_exec(struct cli *cli, int argc, char **argv)
{
	struct outbox_opts o = { .cmd = &cmd_outbox_retry_entry };
	int first, r = cli_options(o.cmd, argc, argv, retry_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	int64_t id = 0;
	if (o.all == (first < argc))
		return cli_usage(o.cmd, "%s", TR("给一个编号或 --all", "give one id or --all"));
	if (first < argc) {
		char *end;
		id = strtoll(argv[first], &end, 10);
		if (*end || end == argv[first] || id <= 0)
			return cli_usage(o.cmd, TR("编号「%s」不对", "bad id \"%s\""), argv[first]);
	}
	struct zs_error err = { 0 };
	int64_t n = 0;
	if (alert_retry(cli_ctx(cli), id, &n, &err))
		return cli_error(&err);
	printf(TR("%lld 条消息已放回待发，relay 会马上重发\n", "%lld deliveries put back; the relay sends them now\n"),
	       (long long)n);
	return 0;
}

static const struct out_col quarantine_cols[] = {
	{ "id", "编号", "id", 0, true },
	{ "feed", "接入", "feed", 12, false },
	{ "order_no", "工单号", "order no", 20, false },
	{ "reason", "原因", "reason", 30, false },
	{ "seen", "次数", "seen", 0, true },
	{ "first_at", "首次", "first", 0, false },
	{ "last_at", "最近", "last", 0, false },
	{ "raw", "原始记录", "raw record", 40, false },
};

static int quarantine_cb(const struct quarantine_row *q, void *ud)
{
	struct list_ctx *l = ud;
	if (!cli_page_take(&l->page, q->id))
		return ZS_STOP;
	out_int(l->out, q->id);
	out_str(l->out, q->feed);
	out_str(l->out, q->order_no);
	out_str(l->out, q->reason);
	out_int(l->out, q->seen);
	out_time(l, q->first_at);
	out_time(l, q->last_at);
	out_str(l->out, q->raw);
	out_end_row(l->out);
	return 0;
}

static const struct option quarantine_exec_opts[] = {
	{ "feed", required_argument, NULL, 'n' }, { "limit", required_argument, NULL, 'l' },
	{ "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
};
static int quarantine_exec(struct cli *cli, int argc, char **argv)
{
	struct outbox_opts o = { .cmd = &cmd_feed_quarantine_entry, .limit = 200 };
	int r = listing_options(&o, argc, argv, quarantine_exec_opts);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct list_ctx l = { .out = out_new(stdout, o.fmt, quarantine_cols, 8), .json = o.fmt == OUT_JSON };
	return listing_end(&l, quarantine_list(cli_ctx(cli), o.feed, 0, cli_page_ask(&l.page, o.limit), quarantine_cb,
					       &l, &err), &err);
}

const struct cmd_entry cmd_outbox_list_entry = {
	.name = "outbox list",
	.usage = "[--failed] [--limit N] [--format table|tsv|csv|json]",
	.help_zh = "列出发往聊天机器人的消息及其送达情况（新的在前）",
	.help_en = "list messages for the chat robots and their delivery (newest first)",
	.flags = CMD_READONLY,
	.exec = list_exec,
	.opts = list_exec_opts,
	.about = (const struct cmd_about[]){
		{ "failed", "只列发送失败的",
		  "only failed deliveries" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_outbox_retry_entry = {
	.name = "outbox retry",
	.usage = "ID | --all",
	.help_zh = "把发送失败的消息放回待发",
	.help_en = "put failed deliveries back in the queue",
	.exec = retry_exec,
	.opts = retry_exec_opts,
	.args_min = 0, .args_max = 1, .arg_zh = "一个编号或 --all", .arg_en = "one id or --all",
	.about = (const struct cmd_about[]){
		{ "all", "所有发送失败的",
		  "every failed delivery" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_feed_quarantine_entry = {
	.name = "feed quarantine",
	.usage = "[--feed NAME] [--limit N] [--format table|tsv|csv|json]",
	.help_zh = "列出 8890 接入中无法使用的记录及原因",
	.help_en = "list 8890 feed records that could not be used, with the reason",
	.flags = CMD_READONLY,
	.exec = quarantine_exec,
	.opts = quarantine_exec_opts,
	.about = (const struct cmd_about[]){
		{ "feed", "只看这个接入",
		  "only this feed" },
		{ NULL, NULL, NULL },
	},
};
