/* zhishou roster import|list, unit list|add. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhishou/codes.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/roster.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

struct roster_opts {
	bool skip_bad, now;
	const char *date;
	enum out_format fmt;
	const struct cmd_entry *cmd;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct roster_opts *o = ud;
	switch (opt) {
	case 's': o->skip_bad = true; break;
	case 'n': o->now = true; break;
	case 'd': o->date = arg; break;
	case 'f': return cli_format(o->cmd, arg, &o->fmt);
	}
	return 0;
}

static const struct option import_exec_opts[] = {
	{ "skip-bad", no_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 },
};
static int import_exec(struct cli *cli, int argc, char **argv)
{
	struct roster_opts o = { .cmd = &cmd_roster_import_entry };
	int first, r = cli_options(o.cmd, argc, argv, import_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct roster_result res;
	if (roster_import(cli_ctx(cli), argv[first], o.skip_bad, cli_bad_row, NULL, &res, &err))
		return cli_error(&err);
	printf(TR("已导入值班表 %s（%s）：新增 %zu 人次，更新 %zu 人次，新建单位 %zu 个%s\n",
		  "imported roster %s (%s): %zu added, %zu updated, %zu new units%s\n"),
	       argv[first], res.encoding, res.added, res.replaced, res.units_created,
	       res.bad ? TR("，跳过错误行", ", bad rows skipped") : "");
	return res.bad ? 0 : 0;
}

static const struct out_col roster_cols[] = {
	{ "date", "日期", "date", 0, false },
	{ "unit", "单位", "unit", 20, false },
	{ "name", "姓名", "name", 10, false },
	{ "title", "职务", "title", 12, false },
	{ "leader", "带班", "leader", 0, false },
	{ "landline", "固定电话", "landline", 0, false },
	{ "mobile", "移动电话", "mobile", 0, false },
	{ "shift_start", "开始", "start", 0, false },
	{ "shift_end", "结束", "end", 0, false },
};

struct list_ctx {
	struct out *out;
	bool json;
};

static int list_cb(const struct roster_entry *r, void *ud)
{
	struct list_ctx *l = ud;
	struct out *o = l->out;
	char a[40], b[40];
	/* JSON keeps the same values whatever --lang says. */
	enum time_fmt tf = l->json ? TIME_ISO : TIME_SHORT;
	out_str(o, r->duty_date);
	out_str(o, r->unit);
	out_str(o, r->name);
	out_str(o, r->title);
	if (l->json)
		out_bool(o, r->is_leader);
	else
		out_str(o, r->is_leader ? TR("是", "yes") : "");
	out_str(o, r->landline);
	out_str(o, r->mobile);
	out_str(o, time_format(r->shift_start, tf, a, sizeof a));
	out_str(o, time_format(r->shift_end, tf, b, sizeof b));
	out_end_row(o);
	return 0;
}

static const struct option list_exec_opts[] = {
	{ "date", required_argument, NULL, 'd' },
	{ "now", no_argument, NULL, 'n' },
	{ "format", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};
static int list_exec(struct cli *cli, int argc, char **argv)
{
	struct roster_opts o = { .cmd = &cmd_roster_list_entry };
	int first, r = cli_options(o.cmd, argc, argv, list_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	char date[16];
	if (o.date) {
		int y, m, d;
		if (!date_parse(o.date, &y, &m, &d))
			return cli_usage(o.cmd, TR("日期「%s」不对（应为 2026-03-15）", "date \"%s\" is wrong (e.g. 2026-03-15)"), o.date);
		snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
	}
	struct zs_error err = { 0 };
	struct list_ctx l = { out_new(stdout, o.fmt, roster_cols, sizeof roster_cols / sizeof *roster_cols), o.fmt == OUT_JSON };
	r = roster_list(cli_ctx(cli), o.date ? date : NULL, o.now ? cli->ctx.now : 0, list_cb, &l, &err);
	if (r) {
		out_abort(l.out);
		return cli_error(&err);
	}
	out_finish(l.out);
	return 0;
}

const struct cmd_entry cmd_roster_import_entry = {
	.name = "roster import",
	.usage = "FILE [--skip-bad]",
	.help_zh = "导入晚间值班表（XLSX 工作簿，或 Excel/WPS 另存的 CSV：UTF-8、带 BOM 或 GBK 均可）",
	.help_en = "import the evening duty roster (an XLSX workbook, or CSV from Excel/WPS: UTF-8, BOM or GBK)",
	.exec = import_exec,
	.opts = import_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个文件", .arg_en = "one file",
	.about = (const struct cmd_about[]){
		{ "skip-bad", "跳过错误行，只导入正确的行",
		  "skip bad rows and import the good ones" },
		{ NULL, NULL, NULL },
	},
};

const struct cmd_entry cmd_roster_list_entry = {
	.name = "roster list",
	.usage = "[--date YYYY-MM-DD] [--now] [--format table|tsv|csv|json]",
	.help_zh = "列出值班表；--now 只列此刻在岗的人",
	.help_en = "list the roster; --now: only those on duty now",
	.flags = CMD_READONLY,
	.exec = list_exec,
	.opts = list_exec_opts,
	.about = (const struct cmd_about[]){
		{ "date", "只列这一天的值班表",
		  "only this day's roster" },
		{ "now", "只列此刻在岗的人",
		  "only those on duty now" },
		{ NULL, NULL, NULL },
	},
};

static const struct out_col unit_cols[] = {
	{ "id", "编号", "id", 0, true },
	{ "name", "单位", "unit", 0, false },
	{ "kind", "类型", "kind", 0, false },
};

static int unit_cb(const struct unit *u, void *ud)
{
	struct list_ctx *l = ud;
	out_int(l->out, u->id);
	out_str(l->out, u->name);
	out_str(l->out, l->json ? u->kind : vocab_label(&vocab_unit_kind, u->kind));
	out_end_row(l->out);
	return 0;
}

static const struct option unit_list_exec_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};
static int unit_list_exec(struct cli *cli, int argc, char **argv)
{
	struct roster_opts o = { .cmd = &cmd_unit_list_entry };
	int first, r = cli_options(o.cmd, argc, argv, unit_list_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct list_ctx l = { out_new(stdout, o.fmt, unit_cols, 3), o.fmt == OUT_JSON };
	r = unit_list(cli_ctx(cli), unit_cb, &l, &err);
	if (r) {
		out_abort(l.out);
		return cli_error(&err);
	}
	out_finish(l.out);
	return 0;
}

/* unit add's write (cli_write's argument).  A unit added before the
 * connection went is found by its token: "added", as it was. */
struct unit_write {
	const char *name;
	bool *created;
};

static int unit_write(struct zs_ctx *c, void *arg, int64_t *id, struct zs_error *err)
{
	const struct unit_write *w = arg;
	*w->created = true;
	return unit_add(c, w->name, id, w->created, err);
}

static const struct option unit_add_exec_opts[] = { { NULL, 0, NULL, 0 } };
static int unit_add_exec(struct cli *cli, int argc, char **argv)
{
	struct roster_opts o = { .cmd = &cmd_unit_add_entry };
	int first, r = cli_options(o.cmd, argc, argv, unit_add_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	char *name = NULL;
	if (field_text(argv[first], FIELD("单位名称", "unit name"), 64, false, true, &name, &err))
		return cli_error(&err);
	int64_t id;
	bool created = false;
	struct unit_write w = { name, &created };
	if (cli_write(cli, unit_write, &w, &id, &err)) {
		free(name);
		return cli_error(&err);
	}
	char line[512];
	snprintf(line, sizeof line, created ? TR("已添加单位 %lld %s", "added unit %lld %s")
					    : TR("单位已存在：%lld %s", "unit exists: %lld %s"),
		 (long long)id, name);
	out_line(stdout, line);
	free(name);
	return 0;
}

const struct cmd_entry cmd_unit_list_entry = {
	.name = "unit list",
	.usage = "[--format table|tsv|csv|json]",
	.help_zh = "列出单位（科室、所、队、中心）",
	.help_en = "list units",
	.flags = CMD_READONLY,
	.exec = unit_list_exec,
	.opts = unit_list_exec_opts,
};

const struct cmd_entry cmd_unit_add_entry = {
	.name = "unit add",
	.usage = "NAME",
	.help_zh = "添加单位（类型按名称判断：…所、…队、…中心、…科）",
	.help_en = "add a unit (kind guessed from its name)",
	.exec = unit_add_exec,
	.opts = unit_add_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个单位名称", .arg_en = "one unit name",
};
