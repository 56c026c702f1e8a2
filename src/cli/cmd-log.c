/* zhishou log add|import|list|show|update: the intake log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhishou/card.h"
#include "zhishou/codes.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/intake.h"
#include "zhishou/platform.h"
#include "zhishou/search.h"
#include "zhishou/timeutil.h"
#include "zhishou/validate.h"
#include "zhishou/reads.h"

struct log_opts {
	const struct cmd_entry *cmd;
	struct intake_input in;
	struct intake_change ch;
	enum out_format fmt;
	bool unresolved, not_on_platform;
	const char *channel, *kind, *status, *exposure, *since, *until, *search, *limit, *before;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct log_opts *o = ud;
	switch (opt) {
	case 'c': o->in.channel = o->channel = arg; break;
	case 'k': o->in.kind = o->kind = arg; break;
	case 't': o->in.text = arg; break;
	case 'a': o->in.at = arg; break;
	case 'n': o->in.caller = arg; break;
	case 'p': o->in.phone = arg; break;
	case 's': o->in.subject = arg; break;
	case 'u': o->in.uscc = arg; break;
	case 'x': o->in.category = arg; break;
	case 'r': o->in.ref = arg; break;
	case 'e': o->in.exposure = o->exposure = o->ch.exposure = arg; break;
	case 'C': o->in.confidential = true; break;
	case 'S': o->status = o->ch.status = arg; break;
	case 'T': o->ch.transfer = arg; break;
	case 'O': o->ch.outcome = arg; break;
	case 'o': o->ch.odr = true; break;
	case 'N': o->ch.note = arg; break;
	case 'R': o->ch.recovered = arg; break;
	case 'D': o->ch.duplicate_of = arg; break;
	case 'U': o->unresolved = true; break;
	case 'P': o->ch.platform_no = arg; break;
	case 'Q': o->not_on_platform = true; break;
	case 'b': o->since = arg; break;
	case 'B': o->until = arg; break;
	case 'q': o->search = arg; break;
	case 'l': o->limit = arg; break;
	case 'K': o->before = arg; break;
	case 'f': return cli_format(o->cmd, arg, &o->fmt);
	}
	return 0;
}

/* The suggestion's command names the intake just logged: copied as it is,
 * it links that one. */
static void print_hints(int64_t id, const struct intake_hints *h)
{
	char line[1024];
	if (h->dup_of) {
		snprintf(line, sizeof line, TR("可能重复：与第 %lld 件相似（%s）", "possible duplicate of #%lld (%s)"),
			 (long long)h->dup_of, h->dup_reason);
		out_line(stdout, line);
	}
	if (h->suggest_exposure) {
		snprintf(line, sizeof line, TR("建议关联曝光问题 #%lld：%s（zhishou log update %lld --exposure %lld）",
					       "suggested exposure #%lld: %s (zhishou log update %lld --exposure %lld)"),
			 (long long)h->suggest_exposure, h->suggest_title, (long long)id, (long long)h->suggest_exposure);
		out_line(stdout, line);
	}
}


static const struct option add_exec_opts[] = {
	{ "channel", required_argument, NULL, 'c' }, { "kind", required_argument, NULL, 'k' },
	{ "text", required_argument, NULL, 't' }, { "at", required_argument, NULL, 'a' },
	{ "caller", required_argument, NULL, 'n' }, { "phone", required_argument, NULL, 'p' },
	{ "subject", required_argument, NULL, 's' }, { "uscc", required_argument, NULL, 'u' },
	{ "category", required_argument, NULL, 'x' }, { "ref", required_argument, NULL, 'r' },
	{ "exposure", required_argument, NULL, 'e' }, { "confidential", no_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 },
};
static int add_exec(struct cli *cli, int argc, char **argv)
{
	struct log_opts o = { .cmd = &cmd_log_add_entry };
	int first, r = cli_options(o.cmd, argc, argv, add_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct intake_hints h;
	int64_t id = 0;
	/* A standby taking over: waited for, saying so once. */
	if (intake_add_surely(cli_ctx(cli), &o.in, &id, &h, cli_say_reconnecting, NULL, &err))
		return cli_error(&err);
	printf("%lld\n", (long long)id);
	print_hints(id, &h);
	return 0;
}

static const struct option import_exec_opts[] = { { NULL, 0, NULL, 0 } };
static int import_exec(struct cli *cli, int argc, char **argv)
{
	struct log_opts o = { .cmd = &cmd_log_import_entry };
	int first, r = cli_options(o.cmd, argc, argv, import_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct import_result res;
	cli_progress_start(cli, "导入", "importing");
	r = intake_import(cli_ctx(cli), argv[first], &res, &err);
	cli_progress_end(cli);
	if (r)
		return cli_error(&err);
	if (res.added)
		printf(TR("已导入 %lld 件（编号 %lld-%lld），已存在而跳过 %lld 件\n",
			  "imported %lld intakes (ids %lld-%lld), %lld already present and skipped\n"),
		       (long long)res.added, (long long)res.first_id, (long long)res.last_id, (long long)res.skipped_ref);
	else
		printf(TR("没有新增：%lld 件已存在（渠道和工单号相同）\n", "nothing new: %lld already present (same channel and reference)\n"),
		       (long long)res.skipped_ref);
	return 0;
}

static const struct out_col list_cols[] = {
	{ "id", "编号", "id", 0, true },
	{ "received_at", "受理时间", "received", 0, false },
	{ "channel", "渠道", "channel", 10, false },
	{ "kind", "类别", "kind", 0, false },
	{ "caller", "来电人", "caller", 8, false },
	{ "phone", "号码", "phone", 0, false },
	{ "subject", "被投诉主体", "business", 18, false },
	{ "status", "状态", "status", 0, false },
	{ "exposure_id", "曝光", "exp", 0, true },
	{ "summary", "内容摘要", "summary", 30, false },
	{ "ref", "工单号", "order no", 20, false },
};

struct list_ctx {
	struct out *out;
	enum out_format fmt;
	struct cli_page page;
};

static int list_cb(const struct intake *i, void *ud)
{
	struct list_ctx *l = ud;
	if (!cli_page_take(&l->page, i->id))
		return ZS_STOP;
	struct out *o = l->out;
	bool json = l->fmt == OUT_JSON;
	char t[40], m[64];
	out_int(o, i->id);
	out_str(o, time_format(i->received_at, json ? TIME_ISO : TIME_SHORT, t, sizeof t));
	out_str(o, json ? i->channel : vocab_label(&vocab_channel, i->channel));
	out_str(o, json ? i->kind : vocab_label(&vocab_kind, i->kind));
	/* Lists never show a caller whole: privacy by default; a confidential
	 * tip-giver not even masked. */
	if (i->confidential) {
		out_str(o, TR("（保密）", "(confidential)"));
		out_str(o, "");
	} else {
		name_mask(i->caller, m, sizeof m);
		out_str(o, m);
		phone_mask(i->phone, m, sizeof m);
		out_str(o, *i->phone ? m : "");
	}
	out_str(o, i->subject);
	out_str(o, json ? i->status : vocab_label(&vocab_status, i->status));
	if (i->exposure_id)
		out_int(o, i->exposure_id);
	else
		out_null(o);
	out_str(o, i->summary);
	out_str(o, i->ref);
	out_end_row(o);
	return 0;
}

static const struct option list_exec_opts[] = {
	{ "unresolved", no_argument, NULL, 'U' }, { "channel", required_argument, NULL, 'c' },
	{ "kind", required_argument, NULL, 'k' }, { "status", required_argument, NULL, 'S' },
	{ "exposure", required_argument, NULL, 'e' }, { "since", required_argument, NULL, 'b' },
	{ "until", required_argument, NULL, 'B' }, { "search", required_argument, NULL, 'q' },
	{ "limit", required_argument, NULL, 'l' }, { "before", required_argument, NULL, 'K' },
	{ "not-on-platform", no_argument, NULL, 'Q' }, { "format", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};
static int list_exec(struct cli *cli, int argc, char **argv)
{
	struct log_opts o = { .cmd = &cmd_log_list_entry };
	int first, r = cli_options(o.cmd, argc, argv, list_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_ctx *c = cli_ctx(cli);
	struct zs_error err = { 0 };
	struct intake_filter f = { .unresolved = o.unresolved, .not_on_platform = o.not_on_platform, .limit = 50 };
	struct search_query q = { 0 };
	int rc = 0;
	if (o.channel && field_code(o.channel, &vocab_channel, &f.channel, &err))
		goto fail;
	if (o.kind && field_code(o.kind, &vocab_kind, &f.kind, &err))
		goto fail;
	if (o.status && field_code(o.status, &vocab_status, &f.status, &err))
		goto fail;
	if (o.exposure && field_id(o.exposure, FIELD("曝光问题编号", "exposure id"), &f.exposure_id, &err))
		goto fail;
	if (o.since && field_time(o.since, FIELD("--since", "--since"), c->now, &f.since, &err))
		goto fail;
	if (o.until && field_time(o.until, FIELD("--until", "--until"), c->now, &f.until, &err))
		goto fail;
	if (o.before && field_id(o.before, FIELD("--before", "--before"), &f.before_id, &err))
		goto fail;
	if (o.limit) {
		int64_t n;
		if (field_count(o.limit, FIELD("--limit", "--limit"), 100000000, &n, &err))
			goto fail;
		f.limit = (int)n;   /* 0: everything */
	}
	if (o.search) {
		if (search_parse(o.search, &q, &err))
			goto fail;
		search_filter(&q, &f);
	}
	struct list_ctx l = { .out = out_new(stdout, o.fmt, list_cols, sizeof list_cols / sizeof *list_cols), .fmt = o.fmt };
	/* At 80 columns not every column fits whole: the order number, the
	 * exposure and the (masked) phone are in log show. */
	static const char *const spare[] = { "ref", "exposure_id", "phone", NULL };
	out_set_hide(l.out, spare);
	f.limit = cli_page_ask(&l.page, f.limit);
	r = intake_list(c, &f, list_cb, &l, &err);
	if (r)
		out_abort(l.out);
	else
		out_finish(l.out);
	if (!r)
		cli_page_hint(&l.page, "--before %lld", "--before %lld");
	search_free(&q);
	return r ? cli_error(&err) : 0;
fail:
	search_free(&q);
	rc = cli_error(&err);
	return rc;
}

static void field_line(const char *label, const char *value)
{
	char line[8192];
	snprintf(line, sizeof line, "%-s：%s", label, value && *value ? value : "—");
	out_line(stdout, line);
}

static const struct option show_exec_opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
static int show_exec(struct cli *cli, int argc, char **argv)
{
	struct log_opts o = { .cmd = &cmd_log_show_entry };
	int first, r = cli_options(o.cmd, argc, argv, show_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	int64_t id;
	if (field_id(argv[first], FIELD("登记编号", "intake id"), &id, &err))
		return cli_error(&err);
	/* The card holds the caller as this member may see it; a whole view
	 * is audited when the card is built. */
	struct intake_card card;
	if (intake_card_build(cli_ctx(cli), id, true, &card, &err))
		return cli_error(&err);
	if (o.fmt == OUT_JSON) {
		char *s = intake_card_json(&card);
		puts(s ? s : "{}");
		free(s);
		intake_card_clear(&card);
		return 0;
	}
	const struct intake *i = &card.in;
	char t[40], buf[256];
	snprintf(buf, sizeof buf, "#%lld", (long long)i->id);
	field_line(TR("编号", "id"), buf);
	field_line(TR("受理时间", "received"), time_format(i->received_at, TIME_FULL, t, sizeof t));
	field_line(TR("渠道", "channel"), vocab_label(&vocab_channel, i->channel));
	field_line(TR("类别", "kind"), vocab_label(&vocab_kind, i->kind));
	field_line(TR("分类", "category"), *i->category ? vocab_label(&vocab_category, i->category) : "");
	field_line(TR("来电人", "caller"), i->caller);
	field_line(TR("来电号码", "phone"), i->phone);
	if (i->confidential)
		field_line(TR("保密", "confidential"), TR("保密举报：举报人信息只有登记人和管理员可见", "confidential tip: only the recorder and admins see the tip-giver"));
	field_line(TR("被投诉主体", "business"), i->subject);
	field_line(TR("统一社会信用代码", "USCC"), i->uscc);
	field_line(TR("工单号", "reference"), i->ref);
	field_line(TR("状态", "status"), vocab_label(&vocab_status, i->status));
	field_line(TR("处理方式", "handling"), *i->handling ? vocab_label(&vocab_handling, i->handling) : "");
	field_line(TR("承办单位", "unit"), intake_handler(i, buf, sizeof buf));
	field_line(TR("调解结果", "outcome"), *i->outcome ? vocab_label(&vocab_outcome, i->outcome) : "");
	if (i->duplicate_of)
		snprintf(buf, sizeof buf, "#%lld", (long long)i->duplicate_of);
	field_line(TR("重复于", "duplicate of"), i->duplicate_of ? buf : "");
	if (i->exposure_id)
		snprintf(buf, sizeof buf, "#%lld %s", (long long)i->exposure_id, i->exposure_title);
	field_line(TR("关联曝光", "exposure"), i->exposure_id ? buf : "");
	snprintf(buf, sizeof buf, "%lld.%02lld", (long long)(i->recovered_fen / 100), (long long)(i->recovered_fen % 100));
	field_line(TR("挽回损失（元）", "recovered (yuan)"), buf);
	field_line(TR("登记人", "logged by"), card.recorder);
	field_line(TR("12315平台编号", "12315 platform no"), platform_line(i, card.platform_by, buf, sizeof buf));
	field_line(TR("内容摘要", "summary"), i->summary);
	field_line(TR("备注", "notes"), i->notes);
	out_line(stdout, TR("经过：", "history:"));
	for (size_t k = 0; k < card.history.n; k++) {
		const struct timeline_entry *h = &card.history.e[k];
		char line[4096];
		snprintf(line, sizeof line, "  %s %s %s", time_format(h->at, TIME_SHORT, t, sizeof t), h->who, h->what);
		out_line(stdout, line);
	}
	intake_card_clear(&card);
	return 0;
}

static const struct option update_exec_opts[] = {
	{ "status", required_argument, NULL, 'S' }, { "transfer", required_argument, NULL, 'T' },
	{ "odr", no_argument, NULL, 'o' }, { "outcome", required_argument, NULL, 'O' },
	{ "note", required_argument, NULL, 'N' }, { "recovered", required_argument, NULL, 'R' },
	{ "exposure", required_argument, NULL, 'e' }, { "duplicate-of", required_argument, NULL, 'D' },
	{ "platform-no", required_argument, NULL, 'P' }, { NULL, 0, NULL, 0 },
};
static int update_exec(struct cli *cli, int argc, char **argv)
{
	struct log_opts o = { .cmd = &cmd_log_update_entry };
	int first, r = cli_options(o.cmd, argc, argv, update_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	int64_t id;
	struct intake i;
	char was[64] = "";
	if (field_id(argv[first], FIELD("登记编号", "intake id"), &id, &err))
		return cli_error(&err);
	/* The number it had, to say when one replaced another. */
	if (o.ch.platform_no && intake_read(cli_ctx(cli), id, &i, &err) == ZS_OK) {
		snprintf(was, sizeof was, "%s", i.platform_no);
		intake_clear(&i);
	}
	if (intake_update(cli_ctx(cli), id, &o.ch, &err))
		return cli_error(&err);
	if (intake_read(cli_ctx(cli), id, &i, &err) == ZS_OK) {
		char line[256];
		snprintf(line, sizeof line, TR("已更新 #%lld：%s", "updated #%lld: %s"), (long long)id,
			 vocab_label(&vocab_status, i.status));
		out_line(stdout, line);
		if (o.ch.platform_no) {
			if (*was && strcmp(was, i.platform_no))
				snprintf(line, sizeof line, TR("12315平台编号由 %s 改为 %s（已记入审计）",
							       "12315 platform number changed from %s to %s (audited)"), was, i.platform_no);
			else
				snprintf(line, sizeof line, TR("12315平台编号：%s", "12315 platform number: %s"), i.platform_no);
			out_line(stdout, line);
		}
		/* Closed without saying how mediation ended: allowed, and said. */
		if (o.ch.status && !strcmp(i.status, "closed") && !strcmp(i.kind, "complaint") && !*i.outcome) {
			snprintf(line, sizeof line, TR("未填调解结果：zhishou log update %lld --outcome 达成协议（或 未达成协议）",
						       "no mediation outcome given: zhishou log update %lld --outcome agreed (or no-agreement)"),
				 (long long)id);
			out_line(stdout, line);
		}
		intake_clear(&i);
	}
	return 0;
}

const struct cmd_entry cmd_log_add_entry = {
	.name = "log add",
	.usage = "--channel C --kind K --text T [--at TIME] [--caller N] [--phone P] [--subject S] [--uscc U] "
		"[--category X] [--ref R] [--exposure ID] [--confidential]",
	.help_zh = "登记一件投诉、举报或咨询；输出编号和可能的重复件、建议关联的曝光问题",
	.help_en = "log a complaint, tip or inquiry; prints its id and any duplicate or exposure suggestion",
	.exec = add_exec,
	.opts = add_exec_opts,
	.values = (const struct cmd_values[]){ { "channel", &vocab_channel }, { "kind", &vocab_kind }, { "category", &vocab_category }, { NULL, NULL } },
	.about = (const struct cmd_about[]){
		{ "channel", "来源渠道（必填）",
		  "where it came from (required)" },
		{ "kind", "类别（必填）",
		  "what it is (required)" },
		{ "text", "内容摘要：来电人反映了什么（必填）",
		  "the summary: what the caller reported (required)" },
		{ "at", "受理时间（默认现在）",
		  "when it was received (default: now)" },
		{ "caller", "来电人姓名",
		  "the caller's name" },
		{ "phone", "来电人电话（手机或座机）",
		  "the caller's phone number (mobile or landline)" },
		{ "subject", "被投诉的经营者或商品",
		  "the business or product complained about" },
		{ "uscc", "被投诉主体的统一社会信用代码（18 位）",
		  "the business's unified social credit code (18 characters)" },
		{ "category", "分类",
		  "category" },
		{ "ref", "其他系统的工单号（如 8890 工单）",
		  "the order number in another system (8890 ...)" },
		{ "exposure", "关联的曝光问题编号",
		  "the id of the exposure it is about" },
		{ "confidential", "保密举报：举报人信息只有登记人和管理员可见",
		  "confidential tip: only the recorder and admins see the tip-giver" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_log_import_entry = {
	.name = "log import",
	.usage = "FILE",
	.help_zh = "批量导入登记（XLSX 或 CSV，表头 received_at,channel,kind,caller,phone,subject,uscc,category,summary,ref 或中文表头；或 JSON Lines），全部成功才写入",
	.help_en = "import intakes (XLSX or CSV with header received_at,channel,kind,caller,phone,subject,uscc,category,summary,ref, or JSON Lines); all or nothing",
	.exec = import_exec,
	.opts = import_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个文件", .arg_en = "one file",
};
const struct cmd_entry cmd_log_list_entry = {
	.name = "log list",
	.usage = "[--unresolved] [--not-on-platform] [--channel C] [--kind K] [--status S] [--exposure ID] [--since TIME] "
		"[--until TIME] [--search Q] [--limit N] [--before ID] [--format table|tsv|csv|json]",
	.help_zh = "列出登记，最新的在前（默认 50 件；--before 翻页）",
	.help_en = "list intakes, newest first (50 by default; --before pages)",
	.flags = CMD_READONLY,
	.exec = list_exec,
	.opts = list_exec_opts,
	.values = (const struct cmd_values[]){ { "channel", &vocab_channel }, { "kind", &vocab_kind }, { "status", &vocab_status }, { NULL, NULL } },
	.about = (const struct cmd_about[]){
		{ "unresolved", "只列未办结的",
		  "only those not yet closed" },
		{ "not-on-platform", "只列应录入而尚未录入12315平台的（不含12315平台来件、重复件和当场答复的咨询）",
		  "only those still to be entered into the 12315 platform (not items from the platform, duplicates "
		  "or inquiries answered on the spot)" },
		{ "channel", "只列这个渠道的",
		  "only from this channel" },
		{ "kind", "只列这一类",
		  "only of this kind" },
		{ "status", "只列这个状态的",
		  "only in this status" },
		{ "exposure", "只列关联这个曝光问题的",
		  "only those linked to this exposure" },
		{ "since", "从这个时间起受理的",
		  "received from this time" },
		{ "until", "到这个时间为止受理的",
		  "received up to this time" },
		{ "search", "内容含这些词（多个词须同时出现）",
		  "containing these words (all of them)" },
		{ "before", "翻页：只列编号小于它的",
		  "next page: only ids below this one" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_log_show_entry = {
	.name = "log show",
	.usage = "ID [--format table|json]",
	.help_zh = "查看一件登记的全部内容和经过",
	.help_en = "show one intake in full with its history",
	.flags = CMD_READONLY,
	.exec = show_exec,
	.opts = show_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个登记编号", .arg_en = "one intake id",
};
const struct cmd_entry cmd_log_update_entry = {
	.name = "log update",
	.usage = "ID [--status S] [--outcome O] [--transfer UNIT | --odr] [--note T] [--recovered YUAN] [--exposure ID] "
		"[--duplicate-of ID] [--platform-no NO]",
	.help_zh = "修改登记：状态、调解结果、转办、经ODR转交经营者、备注、挽回损失、关联曝光、标记重复件、12315平台编号",
	.help_en = "change an intake: status, mediation outcome, transfer, ODR hand-over, note, money recovered, exposure link, "
		"duplicate, 12315 platform number",
	.exec = update_exec,
	.opts = update_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个登记编号", .arg_en = "one intake id",
	.values = (const struct cmd_values[]){ { "status", &vocab_status }, { "outcome", &vocab_outcome }, { NULL, NULL } },
	.about = (const struct cmd_about[]){
		{ "status", "改为这个状态",
		  "set the status" },
		{ "outcome", "投诉的调解结果，办结时填写（与 --status closed 同给，或对已办结的投诉）；重新办理时清除",
		  "a complaint's mediation outcome, given when it is closed (with --status closed, or on a closed complaint); "
		  "reopening clears it" },
		{ "transfer", "转办给这个单位（全称、一部分或拼音首字母），状态改为已转办",
		  "transfer to this unit (its name, part of it or pinyin initials); the status becomes transferred" },
		{ "odr", "经ODR（在线消费纠纷解决）转交被投诉的经营者处理：它须是登记册中的ODR企业（按信用代码，或唯一同名的主体）；"
		  "处理方式为转交处理，状态改为已转办",
		  "hand the complaint to the business through ODR (online dispute resolution): it must be an ODR enterprise "
		  "in the register (by its USCC, or the one entity of that name); handling becomes transfer, status transferred" },
		{ "note", "追加一条备注（署名并记下时间）",
		  "add a note (signed and timed)" },
		{ "recovered", "为消费者挽回的经济损失，单位元（如 1200 或 35.5）",
		  "money recovered for the consumer, in yuan (e.g. 1200 or 35.5)" },
		{ "exposure", "关联到这个曝光问题（0：取消关联）",
		  "link to this exposure (0: unlink)" },
		{ "duplicate-of", "标记为这件登记的重复件",
		  "mark as a duplicate of this intake" },
		{ "platform-no", "已录入12315平台：平台上的编号（6-32 位字母、数字或 -），记下录入人和时间；"
		  "别的登记已有这个编号则拒绝；给新编号则替换旧的（审计记下新旧）",
		  "entered into the 12315 platform: its number there (6-32 letters, digits or '-'), recorded with who and when; "
		  "refused if another intake has it; a new number replaces the old (the audit keeps both)" },
		{ NULL, NULL, NULL },
	},
};
