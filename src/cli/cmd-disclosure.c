/* zhishou disclosure: the complaint disclosure table (消费投诉公示).
 * disclosure.c builds the rows; this only picks the options and the
 * writer. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "zhishou/disclosure.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"

enum { O_FROM = 256, O_UNTIL, O_MIN };

struct disclosure_opts {
	const char *from, *until, *min, *output, *format;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct disclosure_opts *o = ud;
	switch (opt) {
	case O_FROM: o->from = arg; break;
	case O_UNTIL: o->until = arg; break;
	case O_MIN: o->min = arg; break;
	case 'o': o->output = arg; break;
	case 'f': o->format = arg; break;
	}
	return 0;
}

static const struct out_col json_cols[] = {
	{ "uscc", "统一社会信用代码", "USCC", 0, false },
	{ "name", "被投诉主体名称", "business", 0, false },
	{ "odr", "ODR企业", "ODR", 0, false },
	{ "complaints", "被投诉总次数", "complaints", 0, true },
	{ "mediated", "调解次数", "mediated", 0, true },
	{ "succeeded", "调解成功次数", "succeeded", 0, true },
	{ "success_rate", "调解成功率", "success rate", 0, true },
	{ "recovered_fen", "挽回经济损失（分）", "recovered (fen)", 0, true },
};

/* The rows as JSON, like the other listings' --format json. */
static void write_json(const struct disclosure *d)
{
	struct out *o = out_new(stdout, OUT_JSON, json_cols, 8);
	char buf[32];
	for (int i = 0; i < d->nrows; i++) {
		const struct disclosure_row *r = &d->rows[i];
		out_str(o, *r->uscc ? r->uscc : NULL);
		out_str(o, r->name);
		out_bool(o, r->odr);
		out_int(o, r->complaints);
		out_int(o, r->mediated);
		out_int(o, r->succeeded);
		if (r->mediated)
			out_str(o, disclosure_rate_text(r, buf, sizeof buf));
		else
			out_null(o);
		out_int(o, r->recovered_fen);
		out_end_row(o);
	}
	out_finish(o);
}

static const struct option disclosure_opts[] = {
	{ "from", required_argument, NULL, O_FROM }, { "until", required_argument, NULL, O_UNTIL },
	{ "min", required_argument, NULL, O_MIN }, { "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 },
};
static int disclosure_exec(struct cli *cli, int argc, char **argv)
{
	const struct cmd_entry *cmd = &cmd_disclosure_entry;
	struct disclosure_opts o = { 0 };
	int first, r = cli_options(cmd, argc, argv, disclosure_opts, opt_cb, &o, &first);
	if (r)
		return r;
	/* The format: --format, else the -o file's extension, else txt. */
	enum report_format f = REPORT_TXT;
	bool json = o.format && !strcmp(o.format, "json");
	if (json && o.output)
		return cli_usage(cmd, "%s", TR("--format json 只写到标准输出，不能与 -o 同用",
					       "--format json goes to standard output only, not with -o"));
	if (o.format && !json && !report_parse_format(o.format, &f))
		return cli_usage(cmd, TR("--format 只能是 txt、md、csv、xlsx 或 json，不是「%s」",
					 "--format must be txt, md, csv, xlsx or json, not \"%s\""), o.format);
	if (!o.format && o.output)
		report_format_of_path(o.output, &f);
	if (f == REPORT_XLSX && !o.output)
		return cli_usage(cmd, "%s", TR("XLSX 要用 -o 指定输出文件，如 -o 投诉公示.xlsx",
					       "xlsx needs -o FILE, e.g. -o disclosure.xlsx"));
	struct zs_ctx *c = cli_ctx(cli);
	struct zs_error err = { 0 };
	struct disclosure_params p = { 0 };
	if (o.min && field_count(o.min, FIELD("最少被投诉次数（--min）", "--min"), 1000000, &p.min, &err))
		return cli_error(&err);
	if (o.from && field_time(o.from, FIELD("统计开始时间（--from）", "--from"), c->now, &p.since, &err))
		return cli_error(&err);
	if (o.until && field_time(o.until, FIELD("统计结束时间（--until）", "--until"), c->now, &p.until, &err))
		return cli_error(&err);
	struct disclosure d;
	if (disclosure_build(c, &p, &d, &err))
		return cli_error(&err);
	r = 0;
	if (json)
		write_json(&d);
	else
		r = disclosure_write(&d, f, o.output, stdout, &err);
	disclosure_clear(&d);
	if (r)
		return cli_error(&err);
	if (o.output)
		fprintf(stderr, "%s %s\n", TR("已写入", "written:"), o.output);
	return 0;
}

const struct cmd_entry cmd_disclosure_entry = {
	.name = "disclosure",
	.usage = "[--from TIME] [--until TIME] [--min N] [--format txt|md|csv|xlsx|json] [-o FILE]",
	.help_zh = "生成消费投诉公示表：按经营者列出被投诉次数、调解成功率和挽回经济损失（默认统计当晚）",
	.help_en = "the complaint disclosure table: per business, complaints, mediation success and money recovered "
		   "(default period: tonight)",
	.flags = CMD_READONLY,
	.exec = disclosure_exec,
	.opts = disclosure_opts,
	.about = (const struct cmd_about[]){
		{ "from", "统计起点（默认最近一场已开始的晚会开始时，与统计表相同）",
		  "start of the period (default: the latest gala's start, as the report)" },
		{ "until", "统计终点（默认现在）", "end of the period (default: now)" },
		{ "min", "只列被投诉至少 N 次的经营者", "list only businesses with at least N complaints" },
		{ "output", "写到这个文件（xlsx 必须给；格式可由扩展名确定）",
		  "write to this file (needed for xlsx; the extension can give the format)" },
		{ NULL, NULL, NULL },
	},
};
