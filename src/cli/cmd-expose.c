/* zhishou expose add|list|show|update|action|instruct: the escalation board. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhishou/card.h"
#include "zhishou/codes.h"
#include "zhishou/entity.h"
#include "zhishou/exposure.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

struct expose_opts {
	const struct cmd_entry *cmd;
	struct exposure_input in;
	const char *kind, *count, *note, *text;
	bool all;
	enum out_format fmt;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct expose_opts *o = ud;
	switch (opt) {
	case 't': o->in.title = arg; o->text = arg; break;
	case 'a': o->in.aired = arg; break;
	case 'i': o->in.industry = arg; break;
	case 'c': o->in.companies = arg; break;
	case 'k': o->in.keywords = arg; break;
	case 'L': o->in.local = arg; break;
	case 'l': o->in.lead = arg; break;
	case 'A': o->in.assist = arg; break;
	case 'v': o->in.level = arg; break;
	case 's': o->in.status = arg; break;
	case 'd': o->in.deadline = arg; break;
	case 'K': o->kind = arg; break;
	case 'n': o->count = arg; break;
	case 'N': o->note = arg; break;
	case 'x': o->all = true; break;
	case 'f': return cli_format(o->cmd, arg, &o->fmt);
	}
	return 0;
}

#define EXPOSURE_OPTS \
	{ "title", required_argument, NULL, 't' }, { "aired", required_argument, NULL, 'a' }, \
	{ "industry", required_argument, NULL, 'i' }, { "companies", required_argument, NULL, 'c' }, \
	{ "keywords", required_argument, NULL, 'k' }, { "local", required_argument, NULL, 'L' }, \
	{ "lead", required_argument, NULL, 'l' }, { "assist", required_argument, NULL, 'A' }, \
	{ "level", required_argument, NULL, 'v' }, { "status", required_argument, NULL, 's' }, \
	{ "deadline", required_argument, NULL, 'd' }

/* What EXPOSURE_OPTS are for (expose add and expose update). */
static const struct cmd_about exposure_about[] = {
	{ "title", "标题：晚会曝光了什么", "the title: what the gala exposed" },
	{ "aired", "播出时间（登记时默认现在）", "when it was aired (when adding: now)" },
	{ "industry", "行业", "the industry" },
	{ "companies", "涉及的企业，多个用分号隔开", "the businesses named, separated by \";\"" },
	{ "keywords", "关键词，多个用分号隔开", "keywords, separated by \";\"" },
	{ "local", "本地是否涉及", "whether it involves this area" },
	{ "lead", "牵头单位（全称、一部分或拼音首字母）", "the lead unit (its name, part of it or pinyin initials)" },
	{ "assist", "协办单位，多个用分号隔开", "assisting units, separated by \";\"" },
	{ "level", "级别", "the level" },
	{ "status", "处置状态", "the status" },
	{ "deadline", "办结时限（登记时默认次日 08:00）", "the deadline (when adding: 08:00 next morning)" },
	{ NULL, NULL, NULL },
};

/* The one positional argument (the entry's counts checked it is there). */
static int one_id(int first, char **argv, int64_t *id)
{
	struct zs_error err = { 0 };
	if (field_id(argv[first], FIELD("曝光问题编号", "exposure id"), id, &err))
		return cli_error(&err);
	return 0;
}

/* After companies or keywords were recorded: what the register found,
 * for whoever checks (a line under the id or the confirmation). */
static void candidates_hint(struct cli *cli, int64_t id)
{
	struct exposure_parties p;
	struct zs_error err = { 0 };
	if (exposure_parties_get(cli_ctx(cli), id, &p, &err))
		return;
	char line[256];
	if (p.candidates) {
		snprintf(line, sizeof line, TR("本地候选：登记册找到 %zu 户，分属 %zu 个管辖单位（zhishou expose local %lld 核实确认）",
					       "local candidates: the register finds %zu under %zu supervising units (zhishou expose local %lld to confirm)"),
			 p.candidates, p.units, (long long)id);
		out_line(stdout, line);
	}
	exposure_parties_clear(&p);
}

static int add_write(struct zs_ctx *c, void *in, int64_t *id, struct zs_error *err)
{
	return exposure_add(c, in, id, err);
}

static const struct option add_exec_opts[] = { EXPOSURE_OPTS, { NULL, 0, NULL, 0 } };
static int add_exec(struct cli *cli, int argc, char **argv)
{
	struct expose_opts o = { .cmd = &cmd_expose_add_entry };
	int first, r = cli_options(o.cmd, argc, argv, add_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	int64_t id;
	if (cli_write(cli, add_write, &o.in, &id, &err))
		return cli_error(&err);
	printf("%lld\n", (long long)id);
	candidates_hint(cli, id);
	return 0;
}

static const struct option update_exec_opts[] = { EXPOSURE_OPTS, { NULL, 0, NULL, 0 } };
static int update_exec(struct cli *cli, int argc, char **argv)
{
	struct expose_opts o = { .cmd = &cmd_expose_update_entry };
	int first, r = cli_options(o.cmd, argc, argv, update_exec_opts, opt_cb, &o, &first);
	int64_t id;
	if (r || (r = one_id(first, argv, &id)))
		return r;
	struct zs_error err = { 0 };
	if (exposure_update(cli_ctx(cli), id, &o.in, &err))
		return cli_error(&err);
	char line[64];
	snprintf(line, sizeof line, TR("已更新曝光问题 #%lld", "updated exposure #%lld"), (long long)id);
	out_line(stdout, line);
	if (o.in.companies || o.in.keywords)
		candidates_hint(cli, id);
	return 0;
}

static const struct out_col list_cols[] = {
	{ "id", "编号", "id", 0, true },
	{ "level", "级别", "level", 0, false },
	{ "aired_at", "曝光时间", "aired", 0, false },
	{ "title", "标题", "title", 30, false },
	{ "local", "本地", "local", 0, false },
	{ "lead_unit", "牵头单位", "lead", 14, false },
	{ "status", "状态", "status", 0, false },
	{ "linked", "关联", "linked", 0, true },
	{ "deadline", "时限", "deadline", 0, false },
	{ "overdue", "超时", "overdue", 0, false },
};

struct list_ctx {
	struct out *out;
	enum out_format fmt;
	int64_t now;
};

static int list_cb(const struct exposure *e, void *ud)
{
	struct list_ctx *l = ud;
	bool json = l->fmt == OUT_JSON;
	char t[40], lv[2] = { (char)('0' + e->level), 0 }, local[64];
	out_int(l->out, e->id);
	if (json)
		out_int(l->out, e->level);
	else
		out_str(l->out, vocab_label(&vocab_level, lv));
	out_str(l->out, time_format(e->aired_at, json ? TIME_ISO : TIME_SHORT, t, sizeof t));
	out_str(l->out, e->title);
	out_str(l->out, json ? e->local : exposure_local_text(e, true, local, sizeof local));
	out_str(l->out, e->lead_unit);
	out_str(l->out, json ? e->status : vocab_label(&vocab_exposure_status, e->status));
	out_int(l->out, e->linked);
	out_str(l->out, time_format(e->deadline, json ? TIME_ISO : TIME_SHORT, t, sizeof t));
	bool overdue = exposure_due(e, l->now, DUE_WARN_SECONDS) == DUE_OVERDUE;
	out_str(l->out, json ? (overdue ? "yes" : "no") : (overdue ? TR("已超时", "OVERDUE") : ""));
	out_end_row(l->out);
	return 0;
}

static const struct option list_exec_opts[] = {
	{ "all", no_argument, NULL, 'x' }, { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
};
static int list_exec(struct cli *cli, int argc, char **argv)
{
	struct expose_opts o = { .cmd = &cmd_expose_list_entry };
	int first, r = cli_options(o.cmd, argc, argv, list_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct list_ctx l = { out_new(stdout, o.fmt, list_cols, sizeof list_cols / sizeof *list_cols), o.fmt, cli->ctx.now };
	r = exposure_list(cli_ctx(cli), !o.all, list_cb, &l, &err);
	if (r) {
		out_abort(l.out);
		return cli_error(&err);
	}
	out_finish(l.out);
	return 0;
}

static void kv(const char *label, const char *value)
{
	char line[4096];
	snprintf(line, sizeof line, TRF("%s：%s", "%s: %s"), label, value && *value ? value : "—");
	out_line(stdout, line);
}

/* The opinion watch's records echoing it, one line each. */
static void print_opinions(const struct exposure_card *card)
{
	char line[1024], cut[256], t[40];
	if (!card->nopinions)
		return;
	snprintf(line, sizeof line, TR("舆情（%zu 条，zhishou opinion show 编号）：", "opinions (%zu, zhishou opinion show ID):"),
		 card->nopinions);
	out_line(stdout, line);
	for (size_t k = 0; k < card->nopinions; k++) {
		const struct opinion *o = &card->opinions[k];
		snprintf(line, sizeof line, "  #%lld %s %s %s %s %s", (long long)o->id,
			 vocab_label(&vocab_opinion_level, o->level), vocab_label(&vocab_opinion_status, o->status),
			 time_format(o->found_at, TIME_SHORT, t, sizeof t), vocab_label(&vocab_opinion_platform, o->platform),
			 o->title);
		text_fit_cols(line, 76, false, cut, sizeof cut);
		out_line(stdout, cut);
	}
}

static const struct option show_exec_opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
static int show_exec(struct cli *cli, int argc, char **argv)
{
	struct expose_opts o = { .cmd = &cmd_expose_show_entry };
	int first, r = cli_options(o.cmd, argc, argv, show_exec_opts, opt_cb, &o, &first);
	int64_t id;
	if (r || (r = one_id(first, argv, &id)))
		return r;
	struct zs_error err = { 0 };
	struct exposure_card card;
	if (exposure_card_build(cli_ctx(cli), id, &card, &err))
		return cli_error(&err);
	if (o.fmt == OUT_JSON) {
		char *s = exposure_card_json(&card);
		puts(s ? s : "{}");
		free(s);
		exposure_card_clear(&card);
		return 0;
	}
	const struct exposure *e = &card.e;
	char t[40], buf[256], lv[2] = { (char)('0' + e->level), 0 };
	snprintf(buf, sizeof buf, "#%lld", (long long)e->id);
	kv(TR("编号", "id"), buf);
	kv(TR("标题", "title"), e->title);
	kv(TR("曝光时间", "aired"), time_format(e->aired_at, TIME_FULL, t, sizeof t));
	kv(TR("行业", "industry"), e->industry);
	kv(TR("涉事企业", "companies"), e->companies);
	kv(TR("关键词", "keywords"), e->keywords);
	exposure_local_text(e, false, buf, sizeof buf);
	if (e->local_at) {
		size_t l = strlen(buf);
		snprintf(buf + l, sizeof buf - l, TR("，%s %s 核实", ", settled by %s %s"), e->local_by,
			 time_format(e->local_at, TIME_SHORT, t, sizeof t));
	}
	if (e->candidates) {
		size_t l = strlen(buf);
		snprintf(buf + l, sizeof buf - l, TR("；登记册候选 %lld 户（zhishou expose local %lld）",
						     "; %lld candidates in the register (zhishou expose local %lld)"),
			 (long long)e->candidates, (long long)e->id);
	}
	kv(TR("本地涉及", "local"), buf);
	kv(TR("牵头单位", "lead unit"), e->lead_unit);
	kv(TR("协办单位", "assisting"), e->assist_units);
	kv(TR("级别", "level"), vocab_label(&vocab_level, lv));
	kv(TR("状态", "status"), vocab_label(&vocab_exposure_status, e->status));
	time_format(e->deadline, TIME_FULL, t, sizeof t);
	snprintf(buf, sizeof buf, "%s%s", t, card.due == DUE_OVERDUE ? TR("（已超时）", " (OVERDUE)") : "");
	kv(TR("时限", "deadline"), buf);
	kv(TR("最新批示", "latest instruction"), card.last_instruction);
	out_line(stdout, TR("处置经过（按时间）：", "timeline:"));
	for (size_t k = 0; k < card.timeline.n; k++) {
		const struct timeline_entry *x = &card.timeline.e[k];
		char line[4096];
		snprintf(line, sizeof line, TRF("  %s %s%s（%s）", "  %s %s%s (%s)"), time_format(x->at, TIME_SHORT, t, sizeof t),
			 x->kind == TL_INSTRUCTION ? TR("批示：", "instruction: ") : "", x->what, x->who);
		out_line(stdout, line);
	}
	print_opinions(&card);
	snprintf(buf, sizeof buf, TR("关联登记（%lld 件，最新 %d 件）：", "linked intakes (%lld, newest %d):"),
		 (long long)card.linked_total, CARD_LINKED_MAX);
	out_line(stdout, buf);
	for (size_t k = 0; k < card.nlinked; k++) {
		const struct intake *i = &card.linked[k];
		char line[1024], cut[256];
		snprintf(line, sizeof line, "  #%lld %s %s %s %s", (long long)i->id,
			 time_format(i->received_at, TIME_SHORT, t, sizeof t), vocab_label(&vocab_status, i->status),
			 i->subject, i->summary);
		text_fit_cols(line, 76, false, cut, sizeof cut);
		out_line(stdout, cut);
	}
	exposure_card_clear(&card);
	return 0;
}

/* An action or a 批示 on exposure id (cli_write's argument). */
struct note_write {
	int64_t id;
	const struct expose_opts *o;
};

static int action_write(struct zs_ctx *c, void *arg, int64_t *made, struct zs_error *err)
{
	const struct note_write *w = arg;
	*made = 0;
	return exposure_add_action(c, w->id, w->o->kind, w->o->count, w->o->note, err);
}

static int instruct_write(struct zs_ctx *c, void *arg, int64_t *made, struct zs_error *err)
{
	const struct note_write *w = arg;
	*made = 0;
	return exposure_instruct(c, w->id, w->o->text, err);
}

static const struct option action_exec_opts[] = {
	{ "kind", required_argument, NULL, 'K' }, { "count", required_argument, NULL, 'n' },
	{ "note", required_argument, NULL, 'N' }, { NULL, 0, NULL, 0 },
};
static int action_exec(struct cli *cli, int argc, char **argv)
{
	struct expose_opts o = { .cmd = &cmd_expose_action_entry };
	int first, r = cli_options(o.cmd, argc, argv, action_exec_opts, opt_cb, &o, &first);
	int64_t id;
	if (r || (r = one_id(first, argv, &id)))
		return r;
	struct zs_error err = { 0 };
	struct note_write w = { id, &o };
	if (cli_write(cli, action_write, &w, NULL, &err))
		return cli_error(&err);
	char line[128];
	snprintf(line, sizeof line, TR("已记录措施：#%lld", "action recorded: #%lld"), (long long)id);
	out_line(stdout, line);
	return 0;
}

static const struct option instruct_exec_opts[] = { { "text", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 } };
static int instruct_exec(struct cli *cli, int argc, char **argv)
{
	struct expose_opts o = { .cmd = &cmd_expose_instruct_entry };
	int first, r = cli_options(o.cmd, argc, argv, instruct_exec_opts, opt_cb, &o, &first);
	int64_t id;
	if (r || (r = one_id(first, argv, &id)))
		return r;
	struct zs_error err = { 0 };
	struct note_write w = { id, &o };
	if (cli_write(cli, instruct_write, &w, NULL, &err))
		return cli_error(&err);
	char line[128];
	snprintf(line, sizeof line, TR("已记录批示：#%lld", "instruction recorded: #%lld"), (long long)id);
	out_line(stdout, line);
	return 0;
}

const struct cmd_entry cmd_expose_add_entry = {
	.name = "expose add",
	.usage = "--title T [--aired TIME] [--industry I] [--companies 'A;B'] [--keywords 'k1;k2'] [--local unknown|yes|no] "
		"[--lead UNIT] [--assist 'U1;U2'] [--level 1-4] [--status S] [--deadline TIME]",
	.help_zh = "登记一个晚会曝光问题（默认时限：次日 08:00）",
	.help_en = "log a problem the gala exposed (deadline: 08:00 next morning)",
	.about = exposure_about,
	.exec = add_exec,
	.opts = add_exec_opts,
	.values = (const struct cmd_values[]){ { "local", &vocab_local }, { "level", &vocab_level }, { "status", &vocab_exposure_status }, { NULL, NULL } },
};
const struct cmd_entry cmd_expose_list_entry = {
	.name = "expose list",
	.usage = "[--all] [--format table|tsv|csv|json]",
	.help_zh = "列出未结的曝光问题，按级别、时限排序（--all 含已办结）",
	.help_en = "list open exposures by level then deadline (--all: every one)",
	.flags = CMD_READONLY,
	.exec = list_exec,
	.opts = list_exec_opts,
	.about = (const struct cmd_about[]){
		{ "all", "含已办结的",
		  "closed ones too" },
		{ NULL, NULL, NULL },
	},
};
/* An exposure's local involvement: the register's candidates and what
 * the desk confirmed, by supervising unit. */
static const struct out_col local_cols[] = {
	{ "confirmed", "确认", "confirmed", 0, false },
	{ "unit", "管辖单位", "supervising unit", 16, false },
	{ "uscc", "统一社会信用代码", "USCC", 0, false },
	{ "name", "名称", "name", 30, false },
	{ "address", "住所", "address", 26, false },
	{ "found_by", "依据", "found by", 16, false },
};

/* --confirm and --withdraw take codes, repeated or in one argument
 * separated by spaces, commas or semicolons. */
struct codes {
	char *buf[2];                 /* the arguments' copies */
	const char **v[2];
	size_t n[2];
};

static int codes_add(struct codes *k, int which, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;
	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, " ,;，；\t", &save); t; t = strtok_r(NULL, " ,;，；\t", &save)) {
		const char **v = realloc(k->v[which], (k->n[which] + 1) * sizeof *v);
		if (!v || !(v[k->n[which]] = strdup(t))) {
			if (v)
				k->v[which] = v;
			free(copy);
			return -1;
		}
		k->v[which] = v;
		k->n[which]++;
	}
	free(copy);
	return 0;
}

static void codes_free(struct codes *k)
{
	for (int w = 0; w < 2; w++) {
		for (size_t i = 0; i < k->n[w]; i++)
			free((char *)k->v[w][i]);
		free(k->v[w]);
	}
}

struct local_opts {
	struct expose_opts o;
	struct codes codes;
	bool none, oom, given;
};

static int local_opt_cb(int opt, const char *arg, void *ud)
{
	struct local_opts *l = ud;
	switch (opt) {
	case 'C': l->given = true; l->oom |= codes_add(&l->codes, 0, arg) != 0; return 0;
	case 'W': l->given = true; l->oom |= codes_add(&l->codes, 1, arg) != 0; return 0;
	case 'Z': l->none = true; return 0;
	}
	return opt_cb(opt, arg, &l->o);
}

static void print_parties(const struct exposure_parties *p, enum out_format fmt)
{
	const struct exposure *e = &p->e;
	if (fmt == OUT_TABLE) {
		char line[512], local[64], t[40];
		exposure_local_text(e, false, local, sizeof local);
		if (e->local_at)
			snprintf(line, sizeof line, TR("#%lld 本地涉及：%s（%s %s 核实）", "#%lld local: %s (settled by %s, %s)"),
				 (long long)e->id, local, e->local_by, time_format(e->local_at, TIME_SHORT, t, sizeof t));
		else
			snprintf(line, sizeof line, TR("#%lld 本地涉及：%s", "#%lld local: %s"), (long long)e->id, local);
		out_line(stdout, line);
		if (p->candidates)
			snprintf(line, sizeof line, TR("登记册中本地找到 %zu 户，分属 %zu 个管辖单位；已确认 %zu 户",
						       "the register finds %zu local entities under %zu supervising units; %zu confirmed"),
				 p->candidates, p->units, p->confirmed);
		else if (!strcmp(e->local, "no"))
			snprintf(line, sizeof line, "%s", TR("登记册中没有找到本地涉事主体", "the register finds nothing local"));
		else
			snprintf(line, sizeof line, "%s", TR("登记册中没有找到本地涉事主体（核实后可定为不涉及：--none）",
							    "the register finds nothing local (once checked: --none)"));
		out_line(stdout, line);
	}
	struct out *out = out_new(stdout, fmt, local_cols, sizeof local_cols / sizeof *local_cols);
	for (size_t i = 0; i < p->n; i++) {
		const struct exposure_party *x = &p->v[i];
		char by[300] = "";
		if (*x->term)
			snprintf(by, sizeof by, x->by_company ? TR("企业：%s", "company: %s") : TR("关键词：%s", "keyword: %s"),
				 x->term);
		else
			snprintf(by, sizeof by, "%s", TR("核实时加入", "added when checked"));
		if (fmt == OUT_JSON)
			out_bool(out, x->confirmed);
		else
			out_str(out, x->confirmed ? TR("是", "yes") : "");
		out_str(out, x->unit);
		out_str(out, x->uscc);
		out_str(out, x->name);
		out_str(out, x->address);
		out_str(out, by);
		out_end_row(out);
	}
	out_finish(out);
}

/* The stations of confirmed businesses, offered as assist units. */
static void print_offer(const struct exposure_parties *p)
{
	if (!p->noffer)
		return;
	char *buf = NULL, *list = NULL;
	size_t len = 0, llen = 0;
	FILE *f = open_memstream(&buf, &len), *g = open_memstream(&list, &llen);
	if (!f || !g) {
		if (f)
			fclose(f);
		if (g)
			fclose(g);
		free(buf);
		free(list);
		return;
	}
	fputs(p->e.assist_units, g);
	for (size_t i = 0; i < p->noffer; i++) {
		fprintf(f, "%s%s", i ? TR("、", ", ") : "", p->offer[i]);
		fprintf(g, "%s%s", *p->e.assist_units || i ? ";" : "", p->offer[i]);
	}
	fclose(f);
	fclose(g);
	char line[2048];
	snprintf(line, sizeof line,
		 TR("确认的主体由 %s 管辖，可加为协办单位：zhishou expose update %lld --assist '%s'",
		    "confirmed businesses are supervised by %s; to make them assisting units: zhishou expose update %lld --assist '%s'"),
		 buf, (long long)p->e.id, list);
	out_line(stdout, line);
	free(buf);
	free(list);
}

static const struct option local_exec_opts[] = {
	{ "format", required_argument, NULL, 'f' }, { "confirm", required_argument, NULL, 'C' },
	{ "withdraw", required_argument, NULL, 'W' }, { "none", no_argument, NULL, 'Z' }, { NULL, 0, NULL, 0 },
};
static int local_exec(struct cli *cli, int argc, char **argv)
{
	struct local_opts lo = { .o = { .cmd = &cmd_expose_local_entry } };
	int first, r = cli_options(lo.o.cmd, argc, argv, local_exec_opts, local_opt_cb, &lo, &first);
	int64_t id;
	if (!r && (lo.oom || (lo.given && !lo.codes.n[0] && !lo.codes.n[1]))) {
		struct zs_error e = { 0 };
		if (lo.oom)
			zs_fail(&e, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
		else
			zs_fail(&e, ZS_EINPUT, "%s", TR("--confirm 和 --withdraw 后面要跟统一社会信用代码，不能是空的",
						       "--confirm and --withdraw take USCCs: empty given"));
		r = cli_error(&e);
	}
	if (r || (r = one_id(first, argv, &id))) {
		codes_free(&lo.codes);
		return r;
	}
	struct zs_error err = { 0 };
	struct zs_ctx *c = cli_ctx(cli);
	bool change = lo.none || lo.codes.n[0] || lo.codes.n[1];
	if (change) {
		struct exposure_local_change ch = { .confirm = lo.codes.v[0], .nconfirm = lo.codes.n[0],
						    .withdraw = lo.codes.v[1], .nwithdraw = lo.codes.n[1], .none = lo.none };
		r = exposure_local_set(c, id, &ch, NULL, &err);
		codes_free(&lo.codes);
		if (r)
			return cli_error(&err);
	}
	struct exposure_parties p;
	if (exposure_parties_get(c, id, &p, &err))
		return cli_error(&err);
	if (!change && !p.n) {
		/* Nothing to show: say whether a register was ever imported. */
		struct register_snapshot snap;
		r = entity_register_latest(c, &snap, &err);
		register_snapshot_clear(&snap);
		if (r == ZS_ENOTFOUND) {
			exposure_parties_clear(&p);
			zs_fail(&err, ZS_ENOTFOUND, "%s",
				TR("还没有导入市场主体登记册（管理员用 zhishou entity import 文件 导入）",
				   "no market-entity register imported yet (an admin runs zhishou entity import FILE)"));
			return cli_error(&err);
		}
	}
	print_parties(&p, lo.o.fmt);
	if (lo.o.fmt == OUT_TABLE)
		print_offer(&p);
	exposure_parties_clear(&p);
	return 0;
}

const struct cmd_entry cmd_expose_local_entry = {
	.name = "expose local",
	.usage = "ID [--confirm USCC…] [--withdraw USCC…] [--none] [--format table|tsv|csv|json]",
	.help_zh = "本地涉及：按曝光问题的涉事企业（含分公司、曾用名）和关键词（名称或经营范围）在市场主体登记册中查本地主体，"
		"按管辖单位列出；--confirm 确认涉及的主体，--none 核实为不涉及",
	.help_en = "local involvement: the register's active entities an exposure's companies (branches, former names) "
		"and keywords (in names or scope) find, by supervising unit; --confirm the ones involved, --none: nothing local",
	.exec = local_exec,
	.opts = local_exec_opts,
	.about = (const struct cmd_about[]){
		{ "confirm", "核实确认为本地涉及的主体：统一社会信用代码，可多个（空格、逗号或分号隔开，或多次给出）",
		  "confirm these businesses as local: USCCs (separated by spaces, commas or semicolons, or repeated)" },
		{ "withdraw", "撤销对这些主体的确认", "withdraw the confirmation of these businesses" },
		{ "none", "核实后本地不涉及（撤销已确认的主体，问题定为本地无涉）",
		  "checked: nothing local (withdraws every confirmation; the problem becomes nothing local)" },
		{ NULL, NULL, NULL },
	},
	.args_min = 1, .args_max = 1, .arg_zh = "一个曝光问题编号", .arg_en = "one exposure id",
};

const struct cmd_entry cmd_expose_show_entry = {
	.name = "expose show",
	.usage = "ID [--format table|json]",
	.help_zh = "查看曝光问题：措施、批示、关联登记",
	.help_en = "show an exposure: actions, instructions, linked intakes",
	.flags = CMD_READONLY,
	.exec = show_exec,
	.opts = show_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个曝光问题编号", .arg_en = "one exposure id",
};
const struct cmd_entry cmd_expose_update_entry = {
	.name = "expose update",
	.usage = "ID [--title T] [--aired TIME] [--industry I] [--companies 'A;B'] [--keywords 'k1;k2'] [--local unknown|yes|no] "
		"[--lead UNIT] [--assist 'U1;U2'] [--level 1-4] [--status S] [--deadline TIME]",
	.help_zh = "修改曝光问题：级别、牵头单位、状态、本地涉及、时限等",
	.help_en = "change an exposure: level, lead unit, status, local involvement, deadline ...",
	.about = exposure_about,
	.exec = update_exec,
	.opts = update_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个曝光问题编号", .arg_en = "one exposure id",
	.values = (const struct cmd_values[]){ { "local", &vocab_local }, { "level", &vocab_level }, { "status", &vocab_exposure_status }, { NULL, NULL } },
};
const struct cmd_entry cmd_expose_action_entry = {
	.name = "expose action",
	.usage = "ID --kind officers|checked|interview|seizure|case|report|notice [--count N] [--note T]",
	.help_zh = "记录处置措施（出动执法人员、检查经营者、约谈、查封扣押、立案、上报、发布通告）",
	.help_en = "record an action (officers sent, businesses checked, interview, seizure, case, report, notice)",
	.exec = action_exec,
	.opts = action_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个曝光问题编号", .arg_en = "one exposure id",
	.values = (const struct cmd_values[]){ { "kind", &vocab_action }, { NULL, NULL } },
	.about = (const struct cmd_about[]){
		{ "kind", "措施",
		  "the action" },
		{ "count", "数量（人次、户次、批次……）",
		  "how many (officers, businesses, batches ...)" },
		{ "note", "说明",
		  "a note" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_expose_instruct_entry = {
	.name = "expose instruct",
	.usage = "ID --text T",
	.help_zh = "记录领导批示",
	.help_en = "record a leader's instruction",
	.exec = instruct_exec,
	.opts = instruct_exec_opts,
	.args_min = 1, .args_max = 1, .arg_zh = "一个曝光问题编号", .arg_en = "one exposure id",
	.about = (const struct cmd_about[]){
		{ "text", "批示内容（必填）",
		  "the instruction's text (required)" },
		{ NULL, NULL, NULL },
	},
};
