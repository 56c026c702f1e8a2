/* zhishou entity import|search: the credit desk's market-entity register. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhishou/entity.h"
#include "zhishou/entity_odr.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/codes.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

struct entity_opts {
	const struct cmd_entry *cmd;
	enum out_format fmt;
	const char *as_of, *scope, *unit, *limit;
	bool skip_bad, all, odr;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct entity_opts *o = ud;
	switch (opt) {
	case 'a': o->as_of = arg; break;
	case 'k': o->skip_bad = true; break;
	case 'o': o->odr = true; break;
	case 's': o->scope = arg; break;
	case 'u': o->unit = arg; break;
	case 'A': o->all = true; break;
	case 'l': o->limit = arg; break;
	case 'f': return cli_format(o->cmd, arg, &o->fmt);
	}
	return 0;
}

static const struct option import_exec_opts[] = {
	{ "as-of", required_argument, NULL, 'a' },
	{ "skip-bad", no_argument, NULL, 'k' },
	{ "odr", no_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

/* entity import --odr FILE: the ODR enterprises list. */
static int import_odr(struct cli *cli, const struct entity_opts *o, const char *path)
{
	if (o->as_of)
		return cli_usage(o->cmd, "%s", TR("--as-of 是登记册的日期；ODR企业名单不用它", "--as-of dates a register, not the ODR list"));
	struct zs_error err = { 0 };
	struct entity_odr_result res;
	struct entity_import_opts io = { .skip_bad = o->skip_bad, .bad = cli_bad_row };
	cli_progress_start(cli, "导入", "importing");
	int r = entity_import_odr(cli_ctx(cli), path, &io, &res, &err);
	cli_progress_end(cli);
	if (r)
		return cli_error(&err);
	char line[1024];
	snprintf(line, sizeof line, TR("已导入ODR企业名单 %s（%s）：%zu 户为ODR企业（原为 %lld 户），替换原有标记",
				       "imported the ODR list %s (%s): %zu ODR enterprises (were %lld), replacing the previous marks"),
		 path, res.encoding, res.marked, (long long)res.before);
	out_line(stdout, line);
	if (res.bad) {
		snprintf(line, sizeof line, TR("跳过错误行 %zu 行", "%zu bad rows skipped"), res.bad);
		out_line(stdout, line);
	}
	return 0;
}

static int import_exec(struct cli *cli, int argc, char **argv)
{
	struct entity_opts o = { .cmd = &cmd_entity_import_entry };
	int first, r = cli_options(o.cmd, argc, argv, import_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	if (o.odr)
		return import_odr(cli, &o, argv[first]);
	struct zs_error err = { 0 };
	struct entity_import_result res;
	struct entity_import_opts io = { .as_of = o.as_of, .skip_bad = o.skip_bad, .bad = cli_bad_row };
	cli_progress_start(cli, "导入", "importing");
	r = entity_import(cli_ctx(cli), argv[first], &io, &res, &err);
	cli_progress_end(cli);
	if (r)
		return cli_error(&err);
	char line[1024];
	if (res.unchanged) {
		snprintf(line, sizeof line, TR("登记册没有变化：%s 与最近一次导入的文件相同（截至 %s），没有写入",
					       "the register is unchanged: %s is the file last imported (as of %s); nothing written"),
			 argv[first], res.as_of);
		out_line(stdout, line);
		return 0;
	}
	snprintf(line, sizeof line, TR("已导入市场主体登记册 %s（%s，截至 %s）：%zu 户，替换原登记册",
				       "imported the register %s (%s, as of %s): %zu entities, replacing the previous one"),
		 argv[first], res.encoding, res.as_of, res.imported);
	out_line(stdout, line);
	if (res.bad) {
		snprintf(line, sizeof line, TR("跳过错误行 %zu 行", "%zu bad rows skipped"), res.bad);
		out_line(stdout, line);
	}
	if (res.unmatched_units) {
		snprintf(line, sizeof line, TR("%zu 户的管辖单位不是已有单位（保留原文；zhishou unit add 添加后重新导入）",
					       "%zu entities name a supervising unit that is not a unit (kept as written; "
					       "add it with zhishou unit add and import again)"),
			 res.unmatched_units);
		out_line(stdout, line);
	}
	return 0;
}

static const struct out_col search_cols[] = {
	{ "uscc", "统一社会信用代码", "USCC", 0, false },
	{ "name", "名称", "name", 30, false },
	{ "state", "状态", "state", 0, false },
	{ "address", "住所", "address", 30, false },
	{ "unit", "管辖单位", "supervising unit", 16, false },
};

static int hit_cb(const struct entity *e, void *ud)
{
	struct out *o = ud;
	out_str(o, e->uscc);
	out_str(o, e->name);
	out_str(o, e->state);
	out_str(o, e->address);
	out_str(o, e->unit);
	out_end_row(o);
	return 0;
}

static const struct option search_exec_opts[] = {
	{ "scope", required_argument, NULL, 's' },
	{ "unit", required_argument, NULL, 'u' },
	{ "all", no_argument, NULL, 'A' },
	{ "limit", required_argument, NULL, 'l' },
	{ "format", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};
static int search_exec(struct cli *cli, int argc, char **argv)
{
	struct entity_opts o = { .cmd = &cmd_entity_search_entry };
	int first, r = cli_options(o.cmd, argc, argv, search_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	char q[1024];
	cli_join_args(argc, argv, first, q, sizeof q);
	if (!q[0] && !o.scope)
		return cli_usage(o.cmd, "%s", TR("需要要找的名称、统一社会信用代码、人名或地址，或 --scope 经营范围里的词",
						 "needs a name, USCC, person or address to find, or --scope WORD"));
	struct zs_error err = { 0 };
	int64_t limit = 50;
	if (o.limit && field_count(o.limit, FIELD("--limit", "--limit"), 100000, &limit, &err))
		return cli_error(&err);
	struct entity_query eq = { .text = q, .scope = o.scope, .unit = o.unit, .all = o.all, .limit = (int)limit };
	struct entity_search_result res;
	struct out *out = out_new(stdout, o.fmt, search_cols, sizeof search_cols / sizeof *search_cols);
	r = entity_search(cli_ctx(cli), &eq, hit_cb, out, &res, &err);
	if (r) {
		out_abort(out);
		return cli_error(&err);
	}
	out_finish(out);
	if (!res.rows) {   /* nothing found, or nothing to find in? */
		struct register_snapshot snap;
		int none = entity_register_latest(cli_ctx(cli), &snap, NULL) == ZS_ENOTFOUND;
		register_snapshot_clear(&snap);
		if (none)
			out_line(stderr, TR("登记册还没有导入：管理员用 zhishou entity import FILE 导入",
					    "no register imported yet: an admin imports one with zhishou entity import FILE"));
	}
	struct cli_page page = { .limit = (int)limit, .rows = (int)res.rows, .more = res.more };
	cli_page_hint(&page, NULL, NULL);
	return 0;
}

/* One line of the card: "label：value" (— when empty), or a listed row
 * under its field, indented and fitted to 80 columns. */
static void card_line(const char *label, const char *value, void *ud)
{
	(void)ud;
	char line[8192];
	if (label) {
		snprintf(line, sizeof line, TRF("%s：%s", "%s: %s"), label, *value ? value : "—");
	} else {
		char cut[1024];
		text_fit_cols(value, 74, false, cut, sizeof cut);
		snprintf(line, sizeof line, "  %s", cut);
	}
	out_line(stdout, line);
}

static const struct option show_exec_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};
static int show_exec(struct cli *cli, int argc, char **argv)
{
	struct entity_opts o = { .cmd = &cmd_entity_show_entry };
	int first, r = cli_options(o.cmd, argc, argv, show_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct entity_card card;
	if (entity_card_build(cli_ctx(cli), argv[first], &card, &err))
		return cli_error(&err);
	if (o.fmt == OUT_JSON) {
		char *s = entity_card_json(&card);
		puts(s ? s : "{}");
		free(s);
	} else {
		entity_card_lines(&card, card_line, NULL);
	}
	entity_card_clear(&card);
	return 0;
}

const struct cmd_entry cmd_entity_import_entry = {
	.name = "entity import",
	.usage = "FILE [--as-of YYYY-MM-DD] [--skip-bad] | --odr FILE [--skip-bad]",
	.help_zh = "导入本区市场主体登记册（登记系统导出的 CSV：UTF-8、带 BOM 或 GBK 均可），替换原登记册",
	.help_en = "import the district's market-entity register (CSV exported by the registration system), "
		"replacing the previous one",
	.exec = import_exec,
	.opts = import_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个文件", .arg_en = "one file",
	.about = (const struct cmd_about[]){
		{ "as-of", "登记册截至的日期（默认：文件的修改日期）",
		  "the date the register is as of (default: the file's modification date)" },
		{ "skip-bad", "跳过错误行，只导入正确的行",
		  "skip bad rows and import the good ones" },
		{ "odr", "FILE 是ODR企业名单（表头：统一社会信用代码，可另有名称）：名单即全部ODR企业，替换原有标记",
		  "the file is the ODR enterprises list (header: 统一社会信用代码, optionally 名称): the whole list, "
		  "replacing the previous marks" },
		{ NULL, NULL, NULL },
	},
};

const struct cmd_entry cmd_entity_search_entry = {
	.name = "entity search",
	.usage = "TEXT… [--scope WORD] [--unit UNIT] [--all] [--limit N] [--format table|tsv|csv|json]",
	.help_zh = "查市场主体：名称（一个字起）、曾用名、统一社会信用代码（全部或开头）、法定代表人/负责人、地址；"
		"只列存续、在业的，--all 全部",
	.help_en = "look up market entities: name (from one character), former name, USCC (whole or its start), "
		"person, address; only active ones unless --all",
	.flags = CMD_READONLY,
	.exec = search_exec,
	.opts = search_exec_opts,
	.args_min = 0, .args_max = -1, .arg_zh = "搜索词", .arg_en = "search terms",
	.about = (const struct cmd_about[]){
		{ "scope", "经营范围里含这个词的", "those whose business scope has this word" },
		{ "unit", "只列这个单位管辖的（全名、部分或拼音首字母）",
		  "only those this unit supervises (its name, a part, or pinyin initials)" },
		{ "all", "也列吊销、注销、迁出的", "also revoked, deregistered and moved-out ones" },
		{ NULL, NULL, NULL },
	},
};

const struct cmd_entry cmd_entity_show_entry = {
	.name = "entity show",
	.usage = "USCC [--format table|json]",
	.help_zh = "市场主体的全部登记信息、管辖单位今晚的带班领导、涉及它的登记（今晚和累计）",
	.help_en = "an entity's every field, its supervising unit's duty leader tonight, and the intakes naming it "
		"(tonight and in all)",
	.flags = CMD_READONLY,
	.exec = show_exec,
	.opts = show_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个统一社会信用代码或注册号", .arg_en = "one USCC or 注册号",
};
