/* zhishou report [set|list]: the statistics table (活动情况统计表). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/report.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

enum { O_TEMPLATE = 256, O_FROM, O_UNTIL, O_UNIT, O_FILLER, O_PHONE, O_DATE, O_YEAR };

struct report_opts {
	const struct cmd_entry *cmd;
	const char *tmpl, *from, *until, *unit, *filler, *phone, *date, *output, *format, *year;
	enum out_format list_fmt;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct report_opts *o = ud;
	switch (opt) {
	case O_TEMPLATE: o->tmpl = arg; break;
	case O_FROM: o->from = arg; break;
	case O_UNTIL: o->until = arg; break;
	case O_UNIT: o->unit = arg; break;
	case O_FILLER: o->filler = arg; break;
	case O_PHONE: o->phone = arg; break;
	case O_DATE: o->date = arg; break;
	case O_YEAR: o->year = arg; break;
	case 'o': o->output = arg; break;
	case 'f': o->format = arg; break;
	}
	return 0;
}

/* The format: --format, else the -o file's extension, else txt. */
static int pick_format(struct report_opts *o, enum report_format *f)
{
	if (o->format) {
		if (!report_parse_format(o->format, f))
			return cli_usage(o->cmd, TR("--format 只能是 xlsx、csv、md 或 txt，不是「%s」",
						    "--format must be xlsx, csv, md or txt, not \"%s\""), o->format);
		return 0;
	}
	*f = REPORT_TXT;
	if (o->output)
		report_format_of_path(o->output, f);
	return 0;
}

static int parse_year(const struct cmd_entry *cmd, const char *s, int64_t now, int *year)
{
	int y, m, d, hh, mm, ss;
	time_to_local(now, &y, &m, &d, &hh, &mm, &ss);
	*year = y;
	if (!s)
		return 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < 2000 || v > 2100)
		return cli_usage(cmd, TR("--year「%s」不对：应为 2000 到 2100 的年份",
					 "--year \"%s\" is wrong: a year from 2000 to 2100"), s);
	*year = (int)v;
	return 0;
}

static const struct option report_exec_opts[] = {
	{ "template", required_argument, NULL, O_TEMPLATE }, { "from", required_argument, NULL, O_FROM },
	{ "until", required_argument, NULL, O_UNTIL }, { "unit", required_argument, NULL, O_UNIT },
	{ "filler", required_argument, NULL, O_FILLER }, { "phone", required_argument, NULL, O_PHONE },
	{ "date", required_argument, NULL, O_DATE }, { "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 },
};
static int report_exec(struct cli *cli, int argc, char **argv)
{
	struct report_opts o = { .cmd = &cmd_report_entry };
	int first, r = cli_options(o.cmd, argc, argv, report_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	enum report_format f;
	if ((r = pick_format(&o, &f)))
		return r;
	if (f == REPORT_XLSX && !o.output)
		return cli_usage(o.cmd, "%s", TR("XLSX 要用 -o 指定输出文件，如 -o 统计表.xlsx",
						 "xlsx needs -o FILE, e.g. -o report.xlsx"));
	struct zs_ctx *c = cli_ctx(cli);
	struct zs_error err = { 0 };
	struct report_params p = { .tmpl = o.tmpl, .unit = o.unit, .filler = o.filler, .phone = o.phone,
				   .date = o.date };
	if (o.from && field_time(o.from, FIELD("统计开始时间（--from）", "--from"), c->now, &p.since, &err))
		return cli_error(&err);
	if (o.until && field_time(o.until, FIELD("统计结束时间（--until）", "--until"), c->now, &p.until, &err))
		return cli_error(&err);
	struct report rep;
	if (report_build(c, &p, &rep, &err))
		return cli_error(&err);
	r = report_write(&rep, f, o.output, stdout, &err);
	report_clear(&rep);
	if (r)
		return cli_error(&err);
	if (o.output)
		fprintf(stderr, "%s %s\n", TR("已写入", "written:"), o.output);
	return 0;
}

static const struct option set_exec_opts[] = { { "year", required_argument, NULL, O_YEAR }, { NULL, 0, NULL, 0 } };
static int set_exec(struct cli *cli, int argc, char **argv)
{
	struct report_opts o = { .cmd = &cmd_report_set_entry };
	int first, r = cli_options(o.cmd, argc, argv, set_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	if (argc - first != 3)
		return cli_usage(o.cmd, "%s", argc - first < 3 ? TR("需要 模板 行 值 三个参数", "needs TEMPLATE ROW VALUE")
							       : TR("参数太多（值里有空格就加引号）",
								    "too many arguments (quote a value with spaces)"));
	int year;
	if ((r = parse_year(o.cmd, o.year, cli->ctx.now, &year)))
		return r;
	struct zs_error err = { 0 };
	bool changed;
	char label[256] = "";
	if (report_set(cli_ctx(cli), argv[first], argv[first + 1], argv[first + 2], year, &changed, label, sizeof label,
		       &err))
		return cli_error(&err);
	char line[1024];
	snprintf(line, sizeof line, changed ? TR("已填写 %s %d年「%s」", "set %s %d \"%s\"")
					    : TR("未改变：%s %d年「%s」已是这个值", "unchanged: %s %d \"%s\" already has that value"),
		 argv[first], year, label);
	out_line(stdout, line);
	return 0;
}

static const struct out_col tmpl_cols[] = {
	{ "name", "模板", "template", 0, false },
	{ "title", "标题", "title", 0, false },
	{ "rows", "行数", "rows", 0, true },
	{ "computed", "自动统计", "computed", 0, true },
	{ "manual", "手填", "manual", 0, true },
};

struct list_ctx {
	struct out *out;
	int year;
	int bad;
	struct zs_error err;
};

static int list_tmpl_cb(const char *name, void *ud)
{
	struct list_ctx *l = ud;
	struct report_template t;
	if (report_template_load(name, &t, &l->err)) {
		l->bad = 1;
		return 1;
	}
	int manual = 0;
	for (int i = 0; i < t.nrows; i++)
		manual += t.rows[i].measure == RM_MANUAL;
	out_str(l->out, name);
	out_str(l->out, t.title);
	out_int(l->out, t.nrows);
	out_int(l->out, t.nrows - manual);
	out_int(l->out, manual);
	out_end_row(l->out);
	report_template_clear(&t);
	return 0;
}

static const struct out_col row_cols[] = {
	{ "key", "键", "key", 0, false },
	{ "section", "类别", "section", 0, false },
	{ "label", "项目", "label", 0, false },
	{ "unit", "单位", "unit", 0, false },
	{ "measure", "统计口径", "measure", 0, false },
	{ "value", "手填值", "value", 0, false },
};

struct row_values {
	const struct report_template *t;
	char **values;
};

static int value_cb(const char *key, const char *value, int64_t at, const char *by, void *ud)
{
	(void)at;
	(void)by;
	struct row_values *rv = ud;
	for (int i = 0; i < rv->t->nrows; i++)
		if (!strcmp(rv->t->rows[i].key, key) && !rv->values[i])
			rv->values[i] = strdup(value);
	return 0;
}

static const struct option list_exec_opts[] = {
	{ "year", required_argument, NULL, O_YEAR }, { "format", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};
static int list_exec(struct cli *cli, int argc, char **argv)
{
	struct report_opts o = { .cmd = &cmd_report_list_entry };
	int first, r = cli_options(o.cmd, argc, argv, list_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	if (o.format && (r = cli_format(o.cmd, o.format, &o.list_fmt)))
		return r;
	int year;
	if ((r = parse_year(o.cmd, o.year, cli->ctx.now, &year)))
		return r;
	struct list_ctx l = { .year = year };
	if (first == argc) {
		l.out = out_new(stdout, o.list_fmt, tmpl_cols, 5);
		report_template_each(list_tmpl_cb, &l);
		out_finish(l.out);
		return l.bad ? cli_error(&l.err) : 0;
	}
	/* One template: its rows, with the hand-entered values of the year. */
	struct report_template t;
	if (report_template_load(argv[first], &t, &l.err))
		return cli_error(&l.err);
	char **values = calloc((size_t)t.nrows, sizeof *values);
	struct row_values rv = { &t, values };
	r = values ? report_value_list(cli_ctx(cli), t.name, year, value_cb, &rv, &l.err)
		   : zs_fail(&l.err, ZS_EFAIL, "out of memory");
	if (!r) {
		l.out = out_new(stdout, o.list_fmt, row_cols, 6);
		for (int i = 0; i < t.nrows; i++) {
			const struct report_row *row = &t.rows[i];
			out_str(l.out, row->key);
			out_str(l.out, row->section);
			out_str(l.out, row->label);
			out_str(l.out, row->unit);
			/* JSON keeps the stable English name. */
			out_str(l.out, row->measure != RM_MANUAL ? report_measure_name(row->measure)
				       : o.list_fmt == OUT_JSON ? "manual" : TR("手填", "manual"));
			if (values[i])
				out_str(l.out, values[i]);
			else
				out_null(l.out);
			out_end_row(l.out);
		}
		out_finish(l.out);
	}
	for (int i = 0; values && i < t.nrows; i++)
		free(values[i]);
	free(values);
	report_template_clear(&t);
	return r ? cli_error(&l.err) : 0;
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "[--template T] [--from TIME] [--until TIME] [--unit 填报单位] [--filler 填报人] [--phone 联系电话] "
		"[--date 填报日期] [--format xlsx|csv|md|txt] [-o FILE]",
	.help_zh = "生成活动情况统计表（默认统计当晚：最近一场已开始的晚会开始至今）",
	.help_en = "the statistics table (default period: from the latest gala's start to now)",
	.flags = CMD_READONLY,
	.exec = report_exec,
	.opts = report_exec_opts,
	.about = (const struct cmd_about[]){
		{ "template", "模板名（默认 default；report list 列出全部）",
		  "the template (default: default; report list lists them)" },
		{ "from", "统计起点（默认最近一场已开始的晚会开始时）",
		  "start of the period (default: the latest gala's start)" },
		{ "until", "统计终点（默认现在）",
		  "end of the period (default: now)" },
		{ "unit", "表头的填报单位（默认取配置）",
		  "the reporting unit in the header (default: from the configuration)" },
		{ "filler", "填报人（默认取配置）",
		  "who fills it in (default: from the configuration)" },
		{ "phone", "联系电话（默认取配置）",
		  "contact phone (default: from the configuration)" },
		{ "date", "填报日期，如 2026-03-16（默认今天）",
		  "the filing date, e.g. 2026-03-16 (default: today)" },
		{ "output", "写到这个文件（xlsx 必须给；其他格式不给则写到标准输出）",
		  "write to this file (needed for xlsx; otherwise standard output)" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_report_set_entry = {
	.name = "report set",
	.usage = "TEMPLATE ROW VALUE [--year Y]",
	.help_zh = "填写统计表中手填的行（ROW 为行键或项目名称）",
	.help_en = "fill in a hand-entered row of the statistics table (ROW: its key or label)",
	.exec = set_exec,
	.opts = set_exec_opts,
	.args_min = 0, .args_max = -1, /* counted in set_exec, which says which is missing */
	.about = (const struct cmd_about[]){
		{ "year", "哪一年的表（默认今年）",
		  "which year's table (default: this year)" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_report_list_entry = {
	.name = "report list",
	.usage = "[TEMPLATE] [--year Y] [--format table|tsv|csv|json]",
	.help_zh = "列出统计表模板；给出模板时列出它的各行和手填值",
	.help_en = "list the report templates; with one, its rows and hand-entered values",
	.flags = CMD_READONLY,
	.exec = list_exec,
	.opts = list_exec_opts,
	.args_min = 0, .args_max = 1, .arg_zh = "模板名", .arg_en = "a template name",
	.about = (const struct cmd_about[]){
		{ "year", "哪一年的手填值（默认今年）",
		  "which year's hand-entered values (default: this year)" },
		{ NULL, NULL, NULL },
	},
};
