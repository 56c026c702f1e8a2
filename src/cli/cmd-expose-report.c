/* zhishou expose report: the next numbered progress report of an exposure
 * to the city bureau, or the gala's summary (--summary); an earlier one
 * again (--number).  src/report/progress.c builds and records it; this
 * picks the options and says what was recorded. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/progress.h"

enum { O_NEXT = 256, O_SUMMARY, O_PREVIEW, O_NUMBER };

struct report_opts {
	const char *next, *format, *output, *number;
	bool summary, preview;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct report_opts *o = ud;
	switch (opt) {
	case O_NEXT: o->next = arg; break;
	case O_SUMMARY: o->summary = true; break;
	case O_PREVIEW: o->preview = true; break;
	case O_NUMBER: o->number = arg; break;
	case 'f': o->format = arg; break;
	case 'o': o->output = arg; break;
	}
	return 0;
}

/* txt or md: --format, else the -o file's extension, else txt. */
static int pick_format(const struct cmd_entry *cmd, const struct report_opts *o, enum report_format *f)
{
	*f = REPORT_TXT;
	if (o->format) {
		if (!strcmp(o->format, "md"))
			*f = REPORT_MD;
		else if (strcmp(o->format, "txt"))
			return cli_usage(cmd, TR("--format 只能是 txt 或 md，不是「%s」", "--format must be txt or md, not \"%s\""),
					 o->format);
		return 0;
	}
	if (o->output && report_format_of_path(o->output, f) && *f != REPORT_TXT && *f != REPORT_MD)
		return cli_usage(cmd, "%s", TR("上报报告只写 .txt 或 .md 文件", "a progress report is written as .txt or .md"));
	if (*f != REPORT_MD)
		*f = REPORT_TXT;
	return 0;
}

static const struct option report_exec_opts[] = {
	{ "next", required_argument, NULL, O_NEXT },	  { "summary", no_argument, NULL, O_SUMMARY },
	{ "preview", no_argument, NULL, O_PREVIEW },	  { "number", required_argument, NULL, O_NUMBER },
	{ "format", required_argument, NULL, 'f' },	  { "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};
static int report_exec(struct cli *cli, int argc, char **argv)
{
	const struct cmd_entry *cmd = &cmd_expose_report_entry;
	struct report_opts o = { 0 };
	int first, r = cli_options(cmd, argc, argv, report_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	if (o.summary == (first < argc))
		return cli_usage(cmd, "%s", TR("给一个曝光问题编号，或用 --summary 写晚会的汇总报告（二者选一）",
					       "give one exposure id, or --summary for the gala's summary (one of the two)"));
	if (o.number && (o.next || o.preview))
		return cli_usage(cmd, "%s", TR("--number 重印已报的一份，不能与 --next、--preview 同用",
					       "--number prints one already sent again: not with --next or --preview"));
	enum report_format f;
	if ((r = pick_format(cmd, &o, &f)))
		return r;
	struct zs_ctx *c = cli_ctx(cli);
	struct zs_error err = { 0 };
	int64_t id = 0, number = 0;
	if (!o.summary && field_id(argv[first], FIELD("曝光问题编号", "exposure id"), &id, &err))
		return cli_error(&err);
	if (o.number && field_count(o.number, FIELD("第几报（--number）", "--number"), 100000, &number, &err))
		return cli_error(&err);
	if (o.number && !number)
		return cli_usage(cmd, "%s", TR("--number 从 1 起", "--number starts at 1"));

	struct progress_doc d;
	if (o.number) {
		if (progress_get(c, id, (int)number, &d, &err) || progress_print(&d, f, o.output, stdout, &err)) {
			progress_doc_clear(&d);
			return cli_error(&err);
		}
	} else {
		struct progress_params p = { .exposure_id = id, .next = o.next, .preview = o.preview };
		if (progress_write(c, &p, f, o.output, &d, &err))
			return cli_error(&err);
		if (!o.output)
			progress_print(&d, f, NULL, stdout, &err);
	}
	/* What happened goes to stderr: stdout is the document itself. */
	if (d.no_unit)
		fprintf(stderr, TR("落款没有单位：在配置文件 %s 的 [report] 一节写 bureau = 本局名称\n",
				   "signed without a unit: write bureau = your bureau's name under [report] in %s\n"),
			c->cfg && *c->cfg->path ? c->cfg->path : "~/.config/zhishou/zhishou.conf");
	if (o.preview)
		fprintf(stderr, TR("预览：没有记录（正式写出时为第%d报）\n", "preview: nothing recorded (it would be report %d)\n"),
			d.number);
	else if (!o.number)
		fprintf(stderr, TR("已记为第%d报%s%s\n", "recorded as report %d%s%s\n"), d.number,
			o.output ? TR("，写入 ", ", written to ") : "", o.output ? o.output : "");
	else if (o.output)
		fprintf(stderr, "%s %s\n", TR("已写入", "written:"), o.output);
	progress_doc_clear(&d);
	return 0;
}

const struct cmd_entry cmd_expose_report_entry = {
	.name = "expose report",
	.usage = "ID|--summary [--next TEXT] [--preview] [--number N] [--format txt|md] [-o FILE]",
	.help_zh = "向市局上报进展：写出曝光问题的下一份报告（第N报，此后为续报），由记录生成并记下；--summary 写晚会曝光问题的汇总报告",
	.help_en = "a progress report to the city: the exposure's next numbered report (then follow-ups), built from "
		   "its record and recorded; --summary: the gala's summary",
	.exec = report_exec,
	.opts = report_exec_opts,
	.about = (const struct cmd_about[]){
		{ "summary", "晚会曝光问题的汇总报告（最近一场已开始的晚会）", "the summary of the latest gala's exposures" },
		{ "next", "下一步工作（不给则用常用说法）", "the next steps, 下一步工作 (default: the usual words)" },
		{ "preview", "只看不记：不记为一报", "look only: nothing recorded" },
		{ "number", "再次打印已报的第N报（不新记）", "print report N as it was sent (nothing recorded)" },
		{ "output", "写到这个文件（.txt 或 .md）", "write to this file (.txt or .md)" },
		{ NULL, NULL, NULL },
	},
	.args_min = 0, .args_max = 1, .arg_zh = "一个曝光问题编号", .arg_en = "one exposure id",
};
