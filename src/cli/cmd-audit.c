/* zhishou audit [--entity E --id N], audit verify. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "zhishou/member.h"
#include "zhishou/audit.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

struct audit_opts {
	const char *entity, *id, *limit, *after;
	enum out_format fmt;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct audit_opts *o = ud;
	switch (opt) {
	case 'e': o->entity = arg; break;
	case 'i': o->id = arg; break;
	case 'l': o->limit = arg; break;
	case 'a': o->after = arg; break;
	case 'f': return cli_format(&cmd_audit_entry, arg, &o->fmt);
	}
	return 0;
}

static const struct out_col cols[] = {
	{ "id", "序号", "seq", 0, true },
	{ "at", "时间", "time", 0, false },
	{ "unix_user", "用户", "user", 0, false },
	{ "entity", "对象", "entity", 0, false },
	{ "entity_id", "编号", "id", 0, true },
	{ "action", "操作", "action", 0, false },
	{ "fields", "字段", "fields", 24, false },
	{ "before", "修改前", "before", 30, false },
	{ "after", "修改后", "after", 40, false },
};

struct actx {
	struct out *out;
	bool json;
	struct cli_page page;
};

static int row_cb(const struct audit_row *a, void *ud)
{
	struct actx *x = ud;
	if (!cli_page_take(&x->page, a->id))
		return ZS_STOP;
	char t[40];
	out_int(x->out, a->id);
	out_str(x->out, time_format(a->at, x->json ? TIME_ISO : TIME_SECONDS, t, sizeof t));
	out_str(x->out, a->unix_user);
	out_str(x->out, a->entity);
	out_int(x->out, a->entity_id);
	out_str(x->out, a->action);
	out_str(x->out, a->fields);
	out_str(x->out, a->before);
	out_str(x->out, a->after);
	out_end_row(x->out);
	return 0;
}

static const char *const entities[] = { "intake", "exposure", "roster", "unit", "gala", "handover", "report", "member", NULL };

static const struct option exec_opts[] = {
	{ "entity", required_argument, NULL, 'e' }, { "id", required_argument, NULL, 'i' },
	{ "limit", required_argument, NULL, 'l' }, { "after", required_argument, NULL, 'a' },
	{ "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
};
static int exec(struct cli *cli, int argc, char **argv)
{
	struct audit_opts o = { .fmt = OUT_TABLE };
	int first, r = cli_options(&cmd_audit_entry, argc, argv, exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	if (o.entity) {
		bool ok = false;
		for (int i = 0; entities[i]; i++)
			ok |= !strcmp(o.entity, entities[i]);
		if (!ok)
			return cli_usage(&cmd_audit_entry, TR("--entity 只能是 intake、exposure、roster、unit、gala、handover、report 或 member，不是「%s」",
							      "--entity must be intake, exposure, roster, unit, gala, handover, report or member, not \"%s\""), o.entity);
	}
	int64_t id = 0, limit = 200, after = 0;
	if (o.id && !o.entity)
		return cli_usage(&cmd_audit_entry, "%s", TR("--id 要与 --entity 一起用", "--id goes with --entity"));
	if ((o.id && field_id(o.id, FIELD("--id", "--id"), &id, &err)) ||
	    (o.limit && field_count(o.limit, FIELD("--limit", "--limit"), 100000000, &limit, &err)) ||
	    (o.after && field_count(o.after, FIELD("--after", "--after"), INT64_MAX, &after, &err)))
		return cli_error(&err);
	/* The audit keeps callers whole (it must be complete): reading it is
	 * an admin's, as seeing every caller is. */
	if (role_require(cli_ctx(cli), ROLE_ADMIN, "查看审计记录（含来电人信息）", "reading the audit (it holds callers' data)", &err))
		return cli_error(&err);
	struct actx x = { .out = out_new(stdout, o.fmt, cols, 9), .json = o.fmt == OUT_JSON };
	r = audit_list(cli_ctx(cli), o.entity, id, after, cli_page_ask(&x.page, (int)limit), row_cb, &x, &err);
	if (r) {
		out_abort(x.out);
		return cli_error(&err);
	}
	out_finish(x.out);
	cli_page_hint(&x.page, "--after %lld", "--after %lld");
	return 0;
}

static const struct option verify_exec_opts[] = { { NULL, 0, NULL, 0 } };
static int verify_exec(struct cli *cli, int argc, char **argv)
{
	struct audit_opts o = { 0 };
	int first, r = cli_options(&cmd_audit_verify_entry, argc, argv, verify_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct audit_verdict v;
	if (audit_verify(cli_ctx(cli), &v, &err))
		return cli_error(&err);
	if (v.first_bad) {
		char line[512];
		snprintf(line, sizeof line, TR("审计链有问题：%s", "audit chain broken: %s"), v.why);
		out_line(stderr, line);
		return 1;
	}
	printf(TR("审计链完好：%lld 条记录\n", "audit chain intact: %lld rows\n"), (long long)v.rows);
	return 0;
}

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "[--entity intake|exposure|roster|unit|gala|handover|report|member [--id N]] [--after SEQ] [--limit N] [--format table|tsv|csv|json]",
	.help_zh = "查看审计记录（谁、何时、改了什么）",
	.help_en = "show the audit trail (who, when, what changed)",
	.flags = CMD_READONLY,
	.exec = exec,
	.opts = exec_opts,
	.about = (const struct cmd_about[]){
		{ "entity", "只看这类对象",
		  "only this kind of record" },
		{ "id", "只看这个编号的（与 --entity 同用）",
		  "only the record with this id (with --entity)" },
		{ "after", "翻页：只列序号大于它的",
		  "next page: only rows after this number" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_audit_verify_entry = {
	.name = "audit verify",
	.usage = "",
	.help_zh = "校验审计哈希链，指出第一条不符的记录",
	.help_en = "verify the audit hash chain; name the first bad row",
	.flags = CMD_READONLY,
	.exec = verify_exec,
	.opts = verify_exec_opts,
};
