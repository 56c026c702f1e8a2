/* zhishou log export: the night's intakes as XLSX or CSV. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "zhishou/export.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/report.h"

struct export_opts {
	const char *format, *output, *from, *until;
	bool with_pii, not_on_platform, platform_order;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct export_opts *o = ud;
	switch (opt) {
	case 'f': o->format = arg; break;
	case 'o': o->output = arg; break;
	case 'F': o->from = arg; break;
	case 'U': o->until = arg; break;
	case 'P': o->with_pii = true; break;
	case 'N': o->not_on_platform = true; break;
	case 'O': o->platform_order = true; break;
	}
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcasecmp(s + a - b, suffix);
}

static const struct option exec_opts[] = {
	{ "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' },
	{ "from", required_argument, NULL, 'F' }, { "until", required_argument, NULL, 'U' },
	{ "with-pii", no_argument, NULL, 'P' }, { "not-on-platform", no_argument, NULL, 'N' },
	{ "platform-order", no_argument, NULL, 'O' }, { NULL, 0, NULL, 0 },
};
static int exec(struct cli *cli, int argc, char **argv)
{
	const struct cmd_entry *cmd = &cmd_log_export_entry;
	struct export_opts o = { 0 };
	int first, r = cli_options(cmd, argc, argv, exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct export_params p = { .format = EXPORT_CSV, .path = o.output, .fp = stdout, .with_pii = o.with_pii,
				   .not_on_platform = o.not_on_platform, .platform_order = o.platform_order };
	if (o.format) {
		if (!strcmp(o.format, "xlsx"))
			p.format = EXPORT_XLSX;
		else if (strcmp(o.format, "csv"))
			return cli_usage(cmd, TR("--format 只能是 xlsx 或 csv", "--format must be xlsx or csv"));
	} else if (o.output && ends_with(o.output, ".xlsx")) {
		p.format = EXPORT_XLSX;
	}
	if (p.format == EXPORT_XLSX && !o.output)
		return cli_usage(cmd, "%s", TR("XLSX 要用 -o 指定文件", "XLSX needs -o FILE"));
	struct zs_ctx *c = cli_ctx(cli);
	struct zs_error err = { 0 };
	if (report_default_period(c, &p.since, &p.until, &err))
		return cli_error(&err);
	if (o.from && field_time(o.from, FIELD("开始时间（--from）", "--from"), c->now, &p.since, &err))
		return cli_error(&err);
	if (o.until && field_time(o.until, FIELD("结束时间（--until）", "--until"), c->now, &p.until, &err))
		return cli_error(&err);
	if (p.until <= p.since)
		return cli_usage(cmd, "%s", TR("--until 必须晚于 --from", "--until must be after --from"));
	int64_t rows = 0;
	cli_progress_start(cli, "导出", "exporting");
	r = export_intakes(c, &p, &rows, &err);
	cli_progress_end(cli);
	if (r)
		return cli_error(&err);
	if (o.output)
		fprintf(stderr, TR("已导出 %lld 件到 %s%s\n", "exported %lld intakes to %s%s\n"), (long long)rows, o.output,
			o.with_pii ? TR("（含来电人信息，已记入审计）", " (with callers' data; audited)")
				   : TR("（来电人信息已遮蔽）", " (callers masked)"));
	return 0;
}

const struct cmd_entry cmd_log_export_entry = {
	.name = "log export",
	.usage = "[--format xlsx|csv] [-o FILE] [--from TIME] [--until TIME] [--with-pii] [--not-on-platform] "
		"[--platform-order]",
	.help_zh = "导出登记（默认为本次晚会以来）；来电人姓名和号码遮蔽，--with-pii 才导出全文并记入审计",
	.help_en = "export intakes (default: since the gala began); callers' names and phones masked unless --with-pii, "
		"which is audited",
	.exec = exec,
	.opts = exec_opts,
	.about = (const struct cmd_about[]){
		{ "output", "写到这个文件（.xlsx 或 .csv；不给则 CSV 写到标准输出）",
		  "write to this file (.xlsx or .csv; without it, CSV to standard output)" },
		{ "from", "从这个时间起受理的（默认本次晚会开始时）",
		  "received from this time (default: the gala's start)" },
		{ "until", "到这个时间为止受理的（默认现在）",
		  "received up to this time (default: now)" },
		{ "with-pii", "导出来电人姓名和号码全文（记入审计）",
		  "callers' names and numbers in full (audited)" },
		{ "not-on-platform", "只导出应录入而尚未录入12315平台的",
		  "only those still to be entered into the 12315 platform" },
		{ "platform-order", "按12315平台投诉登记的填写顺序排列各列（投诉人、联系电话、被投诉主体、统一社会信用代码、地址…）",
		  "columns in the 12315 platform's entry order (complainant, phone, business, USCC, address …)" },
		{ NULL, NULL, NULL },
	},
};
