/* zhishou search Q: intakes and exposures, Chinese from one character. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "zhishou/codes.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/search.h"
#include "zhishou/timeutil.h"
#include "zhishou/validate.h"

struct search_opts {
	enum out_format fmt;
	const char *limit, *phone;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct search_opts *o = ud;
	if (opt == 'f')
		return cli_format(&cmd_search_entry, arg, &o->fmt);
	if (opt == 'l')
		o->limit = arg;
	if (opt == 'p')
		o->phone = arg;
	return 0;
}

static const struct out_col cols[] = {
	{ "type", "类型", "type", 0, false },
	{ "id", "编号", "id", 0, true },
	{ "time", "时间", "time", 0, false },
	{ "status", "状态", "status", 0, false },
	{ "title", "主体/标题", "business/title", 24, false },
	{ "text", "内容", "text", 40, false },
	/* JSON only: a closed complaint's mediation outcome (code, "" if none). */
	{ "outcome", "调解结果", "outcome", 0, false },
	/* JSON only: an intake's 12315 platform number ("" not yet entered). */
	{ "platform_no", "12315平台编号", "platform no", 0, false },
};

struct sctx {
	struct out *out;
	bool json;
};

static int hit_cb(const struct search_hit *h, void *ud)
{
	struct sctx *s = ud;
	char t[40];
	if (s->json)
		out_str(s->out, h->is_exposure ? "exposure" : "intake");
	else
		out_str(s->out, h->is_exposure ? TR("曝光", "exposure") : TR("登记", "intake"));
	out_int(s->out, h->id);
	out_str(s->out, time_format(h->at, s->json ? TIME_ISO : TIME_SHORT, t, sizeof t));
	out_str(s->out, s->json ? h->status : h->status_label);
	out_str(s->out, h->title);
	out_str(s->out, h->text);
	if (s->json)
		out_str(s->out, !h->is_exposure && h->intake && h->intake->outcome ? h->intake->outcome : "");
	if (s->json)
		out_str(s->out, !h->is_exposure && h->intake && h->intake->platform_no ? h->intake->platform_no : "");
	out_end_row(s->out);
	return 0;
}

static const struct option exec_opts[] = {
	{ "format", required_argument, NULL, 'f' }, { "limit", required_argument, NULL, 'l' },
	{ "phone", required_argument, NULL, 'p' }, { NULL, 0, NULL, 0 },
};
static int exec(struct cli *cli, int argc, char **argv)
{
	struct search_opts o = { .fmt = OUT_TABLE };
	int first, r = cli_options(&cmd_search_entry, argc, argv, exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	char q[1024];
	cli_join_args(argc, argv, first, q, sizeof q);
	if (!q[0] && !o.phone)
		return cli_usage(&cmd_search_entry, "%s", TR("需要要找的内容（文字、#编号、电话号码），或 --phone 电话尾号",
							       "needs what to find (words, #id, a phone number), or --phone TAIL"));
	if (q[0] && o.phone)
		return cli_usage(&cmd_search_entry, "%s", TR("--phone 按电话尾号找，不能同时给出文字",
							       "--phone finds by a phone's last digits; give no words with it"));
	struct zs_error err = { 0 };
	int64_t limit = 50;
	if (o.limit && field_count(o.limit, FIELD("--limit", "--limit"), 100000, &limit, &err))
		return cli_error(&err);
	struct sctx s = { out_new(stdout, o.fmt, cols, o.fmt == OUT_JSON ? 8 : 6), o.fmt == OUT_JSON };
	struct search_result res;
	struct search_request rq = { .text = q, .phone_tail = o.phone, .limit = (int)limit };
	r = search_find(cli_ctx(cli), &rq, hit_cb, &s, &res, &err);
	if (r) {
		out_abort(s.out);
		return cli_error(&err);
	}
	out_finish(s.out);
	/* search_find counts its own limit (text and phone hits merged) */
	struct cli_page page = { .limit = (int)limit, .more = res.more };
	cli_page_hint(&page, NULL, NULL);
	return 0;
}

const struct cmd_entry cmd_search_entry = {
	.name = "search",
	.usage = "Q | --phone TAIL [--limit N] [--format table|tsv|csv|json]",
	.help_zh = "搜索登记和曝光问题：文字（中文一个字起；多个词须同时出现；含工单号）、#编号、来电人的完整电话，"
		"或 --phone 电话尾号（4 位起）",
	.help_en = "search intakes and exposures: words (Chinese from one character; all must match; 工单号 too), #id, "
		"a caller's whole phone, or --phone with its last digits (4 or more)",
	.flags = CMD_READONLY,
	.exec = exec,
	.opts = exec_opts,
	.args_min = 0, .args_max = -1, .arg_zh = "搜索词", .arg_en = "search terms",
	.about = (const struct cmd_about[]){
		{ "phone", "按来电号码的尾号查（4 位起）",
		  "by the last digits of the caller's phone (4 or more)" },
		{ NULL, NULL, NULL },
	},
};
