/* zhishou opinion add|list|show|update: the publicity office's watch (舆情). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhishou/codes.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/opinion.h"
#include "zhishou/timeutil.h"

struct opinion_opts {
	const struct cmd_entry *cmd;
	struct opinion_input in;
	bool all;
	enum out_format fmt;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct opinion_opts *o = ud;
	switch (opt) {
	case 'p': o->in.platform = arg; break;
	case 't': o->in.title = arg; break;
	case 'u': o->in.url = arg; break;
	case 'S': o->in.summary = arg; break;
	case 'F': o->in.found = arg; break;
	case 'r': o->in.reach = arg; break;
	case 'v': o->in.level = arg; break;
	case 's': o->in.status = arg; break;
	case 'R': o->in.response = arg; break;
	case 'N': o->in.note = arg; break;
	case 'e': o->in.exposure = arg; break;
	case 'i': o->in.intake = arg; break;
	case 'x': o->all = true; break;
	case 'f': return cli_format(o->cmd, arg, &o->fmt);
	}
	return 0;
}

static const struct cmd_about opinion_about[] = {
	{ "platform", "在哪里看到：微博、微信、抖音、今日头条、新闻网站、论坛、其他",
	  "where it was seen: Weibo, WeChat, Douyin, Toutiao, a news site, a forum, other" },
	{ "title", "标题：帖子、文章或视频说了什么（必填）", "the title: what the post, article or video says (required)" },
	{ "url", "链接（http:// 或 https://；只记录和显示，不会打开）", "the link (http:// or https://; kept and shown, never opened)" },
	{ "summary", "摘要", "a summary" },
	{ "found", "发现时间（默认现在）", "when it was seen (default: now)" },
	{ "reach", "传播量（阅读、转发或播放数）", "how far it reached (reads, shares or plays)" },
	{ "level", "舆情级别：一般、关注、重大（升为重大即通知领导群）",
	  "the level: normal, watch, major (raising it to major tells the leaders' group)" },
	{ "status", "状态：监测中、已报告、已回应、已平息", "the status: watching, reported, responded, settled" },
	{ "response", "回应口径（带班领导审定，如同批示）", "the response wording (a leader approves it, as an instruction)" },
	{ "note", "跟进备注（署名、记时）", "a follow-up note (signed and timed)" },
	{ "exposure", "关联的曝光问题编号", "the exposure it echoes (its id)" },
	{ "intake", "关联的登记编号", "a linked intake (its id)" },
	{ "all", "含已平息的", "settled ones too" },
	{ NULL, NULL, NULL },
};

static const struct cmd_values opinion_values[] = {
	{ "platform", &vocab_opinion_platform },
	{ "level", &vocab_opinion_level },
	{ "status", &vocab_opinion_status },
	{ NULL, NULL },
};

static int one_id(int first, char **argv, int64_t *id)
{
	struct zs_error err = { 0 };
	if (field_id(argv[first], FIELD("舆情编号", "opinion id"), id, &err))
		return cli_error(&err);
	return 0;
}

static int add_write(struct zs_ctx *c, void *in, int64_t *id, struct zs_error *err)
{
	return opinion_add(c, in, id, err);
}

static const struct option add_exec_opts[] = {
	{ "platform", required_argument, NULL, 'p' }, { "title", required_argument, NULL, 't' },
	{ "url", required_argument, NULL, 'u' }, { "summary", required_argument, NULL, 'S' },
	{ "found", required_argument, NULL, 'F' }, { "reach", required_argument, NULL, 'r' },
	{ "level", required_argument, NULL, 'v' }, { "exposure", required_argument, NULL, 'e' },
	{ "intake", required_argument, NULL, 'i' }, { NULL, 0, NULL, 0 },
};
static int add_exec(struct cli *cli, int argc, char **argv)
{
	struct opinion_opts o = { .cmd = &cmd_opinion_add_entry };
	int first, r = cli_options(o.cmd, argc, argv, add_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	int64_t id;
	if (cli_write(cli, add_write, &o.in, &id, &err))
		return cli_error(&err);
	printf("%lld\n", (long long)id);
	return 0;
}

static const struct option update_exec_opts[] = {
	{ "level", required_argument, NULL, 'v' }, { "status", required_argument, NULL, 's' },
	{ "response", required_argument, NULL, 'R' }, { "note", required_argument, NULL, 'N' },
	{ "exposure", required_argument, NULL, 'e' }, { "intake", required_argument, NULL, 'i' },
	{ NULL, 0, NULL, 0 },
};
static int update_exec(struct cli *cli, int argc, char **argv)
{
	struct opinion_opts o = { .cmd = &cmd_opinion_update_entry };
	int first, r = cli_options(o.cmd, argc, argv, update_exec_opts, opt_cb, &o, &first);
	int64_t id;
	if (r || (r = one_id(first, argv, &id)))
		return r;
	struct zs_error err = { 0 };
	if (opinion_update(cli_ctx(cli), id, &o.in, &err))
		return cli_error(&err);
	char line[64];
	snprintf(line, sizeof line, TR("已更新舆情 #%lld", "updated opinion #%lld"), (long long)id);
	out_line(stdout, line);
	return 0;
}

static const struct out_col list_cols[] = {
	{ "id", "编号", "id", 0, true },
	{ "level", "级别", "level", 0, false },
	{ "status", "状态", "status", 0, false },
	{ "platform", "平台", "platform", 0, false },
	{ "found_at", "发现时间", "found", 0, false },
	{ "title", "标题", "title", 30, false },
	{ "reach", "传播量", "reach", 0, true },
	{ "exposure_id", "曝光问题", "exposure", 0, true },
	{ "response", "回应口径", "response", 16, false },
};

struct list_ctx {
	struct out *out;
	bool json;
};

static int list_cb(const struct opinion *x, void *ud)
{
	struct list_ctx *l = ud;
	char t[40];
	out_int(l->out, x->id);
	out_str(l->out, l->json ? x->level : vocab_label(&vocab_opinion_level, x->level));
	out_str(l->out, l->json ? x->status : vocab_label(&vocab_opinion_status, x->status));
	out_str(l->out, l->json ? x->platform : vocab_label(&vocab_opinion_platform, x->platform));
	out_str(l->out, time_format(x->found_at, l->json ? TIME_ISO : TIME_SHORT, t, sizeof t));
	out_str(l->out, x->title);
	if (x->reach >= 0)
		out_int(l->out, x->reach);
	else
		out_null(l->out);
	if (x->exposure_id > 0)
		out_int(l->out, x->exposure_id);
	else
		out_null(l->out);
	out_str(l->out, x->response);
	out_end_row(l->out);
	return 0;
}

static const struct option list_exec_opts[] = {
	{ "all", no_argument, NULL, 'x' }, { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
};
static int list_exec(struct cli *cli, int argc, char **argv)
{
	struct opinion_opts o = { .cmd = &cmd_opinion_list_entry };
	int first, r = cli_options(o.cmd, argc, argv, list_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct list_ctx l = { out_new(stdout, o.fmt, list_cols, sizeof list_cols / sizeof *list_cols), o.fmt == OUT_JSON };
	if (opinion_list(cli_ctx(cli), !o.all, 0, list_cb, &l, &err)) {
		out_abort(l.out);
		return cli_error(&err);
	}
	out_finish(l.out);
	return 0;
}

/* "标签：值", a long value wrapped under it. */
static void field_line(const char *label, const char *value)
{
	char *line = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&line, &n);
	if (!f)
		return;
	fprintf(f, TRF("%s：%s", "%s: %s"), label, value && *value ? value : "—");
	fclose(f);
	out_wrap(stdout, 80, 2, line);
	free(line);
}

static void show_text(const struct opinion_card *card)
{
	const struct opinion *x = &card->o;
	char t[40], buf[512];
	snprintf(buf, sizeof buf, "#%lld", (long long)x->id);
	field_line(TR("编号", "id"), buf);
	field_line(TR("标题", "title"), x->title);
	field_line(TR("平台", "platform"), vocab_label(&vocab_opinion_platform, x->platform));
	field_line(TR("链接", "link"), x->url);
	field_line(TR("发现时间", "found"), time_format(x->found_at, TIME_FULL, t, sizeof t));
	if (x->reach >= 0)
		snprintf(buf, sizeof buf, "%lld", (long long)x->reach);
	field_line(TR("传播量", "reach"), x->reach >= 0 ? buf : "");
	field_line(TR("级别", "level"), vocab_label(&vocab_opinion_level, x->level));
	field_line(TR("状态", "status"), vocab_label(&vocab_opinion_status, x->status));
	field_line(TR("摘要", "summary"), x->summary);
	if (x->exposure_id > 0)
		snprintf(buf, sizeof buf, "#%lld %s", (long long)x->exposure_id, x->exposure_title);
	field_line(TR("关联曝光", "exposure"), x->exposure_id > 0 ? buf : "");
	if (x->intake_id > 0)
		snprintf(buf, sizeof buf, "#%lld", (long long)x->intake_id);
	field_line(TR("关联登记", "intake"), x->intake_id > 0 ? buf : "");
	if (*x->response) {
		snprintf(buf, sizeof buf, TR("%s，%s", "%s, %s"), x->response_by,
			 time_format(x->response_at, TIME_SHORT, t, sizeof t));
		field_line(TR("回应口径", "response"), x->response);
		field_line(TR("审定", "approved"), buf);
	} else {
		field_line(TR("回应口径", "response"), "");
	}
	snprintf(buf, sizeof buf, TR("跟进（%zu 条）：", "notes (%zu):"), card->nnotes);
	out_line(stdout, buf);
	for (size_t k = 0; k < card->nnotes; k++) {
		const struct opinion_note *n = &card->notes[k];
		char *line = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&line, &len);
		if (!f)
			continue;
		fprintf(f, TRF("  %s %s（%s）", "  %s %s (%s)"), time_format(n->at, TIME_SHORT, t, sizeof t), n->text,
			n->by_user);
		fclose(f);
		out_wrap(stdout, 80, 4, line);
		free(line);
	}
}

static const struct option show_exec_opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
static int show_exec(struct cli *cli, int argc, char **argv)
{
	struct opinion_opts o = { .cmd = &cmd_opinion_show_entry };
	int first, r = cli_options(o.cmd, argc, argv, show_exec_opts, opt_cb, &o, &first);
	int64_t id;
	if (r || (r = one_id(first, argv, &id)))
		return r;
	struct zs_error err = { 0 };
	struct opinion_card card;
	if (opinion_get(cli_ctx(cli), id, &card, &err))
		return cli_error(&err);
	if (o.fmt == OUT_JSON) {
		char *s = opinion_card_json(&card);
		puts(s ? s : "{}");
		free(s);
	} else {
		show_text(&card);
	}
	opinion_card_clear(&card);
	return 0;
}

const struct cmd_entry cmd_opinion_add_entry = {
	.name = "opinion add",
	.usage = "--platform P --title T [--url U] [--summary S] [--found TIME] [--reach N] [--level L] "
		"[--exposure ID] [--intake ID]",
	.help_zh = "登记一条舆情（宣传与应急科）：在哪里看到、说了什么、传播多广、级别",
	.help_en = "record an opinion seen online (the publicity office): where, what, how far, how serious",
	.about = opinion_about,
	.values = opinion_values,
	.exec = add_exec,
	.opts = add_exec_opts,
};
const struct cmd_entry cmd_opinion_list_entry = {
	.name = "opinion list",
	.usage = "[--all] [--format table|tsv|csv|json]",
	.help_zh = "列出未平息的舆情：重大在前，再关注、一般，新发现的在前（--all 含已平息）",
	.help_en = "list open opinions: major first, then watch, normal, newest first (--all: settled too)",
	.flags = CMD_READONLY,
	.about = opinion_about,
	.exec = list_exec,
	.opts = list_exec_opts,
};
const struct cmd_entry cmd_opinion_show_entry = {
	.name = "opinion show",
	.usage = "ID [--format table|json]",
	.help_zh = "查看一条舆情：链接、回应口径、跟进备注",
	.help_en = "show an opinion: its link, response and notes",
	.flags = CMD_READONLY,
	.exec = show_exec,
	.opts = show_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个舆情编号", .arg_en = "one opinion id",
};
const struct cmd_entry cmd_opinion_update_entry = {
	.name = "opinion update",
	.usage = "ID [--level L] [--status S] [--response TEXT] [--note TEXT] [--exposure ID] [--intake ID]",
	.help_zh = "更新舆情：级别、状态、回应口径（带班领导）、跟进备注、关联曝光问题",
	.help_en = "update an opinion: level, status, response (leaders), a note, the linked exposure",
	.about = opinion_about,
	.values = opinion_values,
	.exec = update_exec,
	.opts = update_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个舆情编号", .arg_en = "one opinion id",
};
