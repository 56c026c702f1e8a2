/* zhishou review: what is still open, by unit, overdue first. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhishou/codes.h"
#include "zhishou/handover.h"
#include "zhishou/i18n.h"
#include "zhishou/review.h"
#include "zhishou/timeutil.h"

enum review_format { R_TEXT, R_MD, R_JSON };

struct review_opts {
	enum review_format fmt;
	struct review_filter filter;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct review_opts *o = ud;
	switch (opt) {
	case 'c': o->filter.changed = true; return 0;
	case 't': o->filter.tonight = true; return 0;
	case 'u': o->filter.unit = arg; return 0;
	case 'f': break;
	default: return 0;
	}
	if (!strcmp(arg, "text"))
		o->fmt = R_TEXT;
	else if (!strcmp(arg, "md"))
		o->fmt = R_MD;
	else if (!strcmp(arg, "json"))
		o->fmt = R_JSON;
	else
		return cli_usage(&cmd_review_entry, TR("--format 只能是 text、md 或 json", "--format must be text, md or json"));
	return 0;
}

static const char *what_label(const struct review_item *it)
{
	return it->exposure ? TR("曝光", "exposure") : vocab_label(&vocab_kind, it->kind);
}

static const char *status_label(const struct review_item *it)
{
	return it->exposure ? vocab_label(&vocab_exposure_status, it->status) : vocab_label(&vocab_status, it->status);
}

static const char *unit_label(const struct review_item *it)
{
	return *it->unit ? it->unit : TR("值班室（未分派）", "duty desk (not assigned)");
}

static void due_text(const struct review_item *it, char *buf, size_t n)
{
	char t[40];
	if (!it->next) {
		snprintf(buf, n, "%s", TR("无法定时限", "no statutory limit"));
		return;
	}
	if (!it->due) {
		snprintf(buf, n, "%s", it->next);
		return;
	}
	snprintf(buf, n, "%s%s %s%s", it->overdue ? TR("已超时 ", "OVERDUE ") : "", it->next,
		 time_format(it->due, TIME_SHORT, t, sizeof t),
		 it->due_estimated ? TR("（估算：所跨年份无放假安排）", " (estimate: no holiday calendar for that year)") : "");
}

/* A pipe in a title must not open a new Markdown cell. */
static const char *md_cell(const char *s, char *buf, size_t n)
{
	size_t k = 0;
	for (; *s && k + 3 < n; s++) {
		if (*s == '|')
			buf[k++] = '\\';
		buf[k++] = *s;
	}
	buf[k] = '\0';
	return buf;
}

/* The night's items not yet on the 12315 platform, by the desk that took them. */
static void print_platform(const struct platform_backlog *pb, bool md)
{
	char line[1024], t[40], title[512];
	out_line(stdout, "");
	snprintf(line, sizeof line, md ? TR("## 未录入12315平台（%zu 件）", "## Not yet on the 12315 platform (%zu)")
				       : TR("【未录入12315平台】%zu 件", "[Not yet on the 12315 platform] %zu"), pb->n);
	out_line(stdout, line);
	if (!pb->n) {
		out_line(stdout, TR("今晚应录入的都已录入。", "Everything tonight that must be entered is entered."));
		return;
	}
	out_line(stdout, TR("录入后记下编号：zhishou log update ID --platform-no 平台编号",
			    "once entered, record the number: zhishou log update ID --platform-no NO"));
	const char *desk = NULL;
	for (size_t k = 0; k < pb->n; k++) {
		const struct platform_item *it = &pb->items[k];
		if (!desk || strcmp(desk, it->desk)) {
			desk = it->desk;
			size_t n = 0;
			for (size_t j = k; j < pb->n && !strcmp(pb->items[j].desk, desk); j++)
				n++;
			snprintf(line, sizeof line, md ? TR("- **%s**：%zu 件", "- **%s**: %zu") : TR("  〔%s〕%zu 件", "  [%s] %zu"),
				 md ? md_cell(desk, title, sizeof title) : desk, n);
			out_line(stdout, line);
		}
		snprintf(line, sizeof line, md ? "  - #%lld %s %s %s %s" : "    #%lld %s %s %s %s", (long long)it->id,
			 time_format(it->received_at, TIME_SHORT, t, sizeof t), vocab_label(&vocab_kind, it->kind),
			 vocab_label(&vocab_channel, it->channel), md ? md_cell(it->title, title, sizeof title) : it->title);
		out_line(stdout, line);
	}
}

/* narrowed: --changed, --tonight or --unit; the 12315 platform's list is
 * the whole night's and is left out of a narrowed review. */
static int print_text(const struct review *rv, bool md, bool narrowed, const struct config *cfg)
{
	char line[2048], now[40], due[256], last[40];
	snprintf(line, sizeof line, md ? TR("# 值班回顾  %s", "# Review  %s") : TR("值班回顾  %s", "Review  %s"),
		 time_format(rv->now, TIME_FULL, now, sizeof now));
	out_line(stdout, line);
	if (md)
		out_line(stdout, "");
	handover_summary(&rv->last, line, sizeof line);
	out_line(stdout, line);
	if (rv->nothing_to_compare)
		out_line(stdout, TR("（--changed：还没有签过交接班，没有可比较的，下面列出全部）",
				    "(--changed: no handover signed yet, nothing to compare with; everything is listed)"));
	snprintf(line, sizeof line,
		 TR("未办结：登记 %zu 件，曝光问题 %zu 个；已超时 %zu；上次交接后有变化 %zu（标 ●）",
		    "Open: %zu intakes, %zu exposures; %zu overdue; %zu changed since the last handover (marked ●)"),
		 rv->intakes, rv->exposures, rv->overdue, rv->changed);
	out_line(stdout, line);
	if (!narrowed) {
		snprintf(line, sizeof line, TR("今晚尚未录入12315平台：%zu 件（%zu 个岗位，见文末）",
					       "Not yet on the 12315 platform tonight: %zu (%zu desks, listed at the end)"),
			 rv->platform.n, rv->platform.desks);
		out_line(stdout, line);
	}
	snprintf(line, sizeof line, TR("时限依据：%s：受理 %d 个工作日，举报核查 %d 个，调解 %d 个",
				       "Time limits: %s: accept %d working days, tip check %d, mediation %d"),
		 cfg->rules_source, cfg->accept_workdays, cfg->tip_check_workdays, cfg->mediation_workdays);
	out_line(stdout, line);
	const char *unit = NULL;
	for (size_t i = 0; i < rv->n; i++) {
		const struct review_item *it = &rv->items[i];
		if (!unit || strcmp(unit, it->unit)) {
			unit = it->unit;
			out_line(stdout, "");
			snprintf(line, sizeof line, md ? "## %s" : "【%s】", unit_label(it));
			out_line(stdout, line);
			if (md) {
				out_line(stdout, "");
				out_line(stdout, TR("| | 事项 | 状态 | 最近所做 | 下一步与时限 |", "| | item | status | done last | due next |"));
				out_line(stdout, "|---|---|---|---|---|");
			}
		}
		due_text(it, due, sizeof due);
		time_format(it->last_at, TIME_SHORT, last, sizeof last);
		if (md) {
			char title[512], done[512];
			snprintf(line, sizeof line, TRF("| %s%s | %s #%lld %s | %s | %s（%s） | %s |", "| %s%s | %s #%lld %s | %s | %s (%s) | %s |"), it->overdue ? "!" : "",
				 it->changed ? "●" : "", what_label(it), (long long)it->id, md_cell(it->title, title, sizeof title),
				 status_label(it), md_cell(it->last, done, sizeof done), last, due);
			out_line(stdout, line);
		} else {
			snprintf(line, sizeof line, " %s%s %s #%lld %s  %s  %s", it->overdue ? "!" : " ", it->changed ? "●" : " ",
				 what_label(it), (long long)it->id, it->title, status_label(it), due);
			out_line(stdout, line);
			snprintf(line, sizeof line, TR("      最近：%s（%s）", "      last: %s (%s)"), it->last, last);
			out_line(stdout, line);
		}
	}
	if (!rv->n) {
		out_line(stdout, "");
		out_line(stdout, TR("没有未办结的事项。", "Nothing is open."));
	}
	if (!narrowed)
		print_platform(&rv->platform, md);
	return 0;
}

static json_t *time_or_null(int64_t t)
{
	char b[40];
	return t ? json_string(time_format(t, TIME_ISO, b, sizeof b)) : json_null();
}

static int print_json(const struct review *rv)
{
	json_t *root = json_object();
	json_object_set_new(root, "now", time_or_null(rv->now));
	if (rv->last.id) {
		const struct handover *h = &rv->last;
		json_object_set_new(root, "last_handover",
				    json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:s, s:s}", "id", (json_int_t)h->id, "signed_at",
					      time_or_null(h->signed_at), "signed_by", h->signed_by, "names", h->names, "note",
					      h->note, "accepted_at", time_or_null(h->accepted_at), "accept_names",
					      h->accept_names, "dispute", h->dispute));
	} else {
		json_object_set_new(root, "last_handover", json_null());
	}
	json_object_set_new(root, "counts",
			    json_pack("{s:I, s:I, s:I, s:I}", "intakes", (json_int_t)rv->intakes, "exposures",
				      (json_int_t)rv->exposures, "overdue", (json_int_t)rv->overdue, "changed",
				      (json_int_t)rv->changed));
	json_object_set_new(root, "nothing_to_compare", json_boolean(rv->nothing_to_compare));
	json_t *pl = json_array();
	for (size_t k = 0; k < rv->platform.n; k++) {
		const struct platform_item *it = &rv->platform.items[k];
		json_array_append_new(pl, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)it->id, "desk",
						    it->desk, "kind", it->kind, "channel", it->channel, "title", it->title,
						    "received_at", time_or_null(it->received_at)));
	}
	json_object_set_new(root, "not_on_platform", pl);
	/* The head, then one item at a time: a review of tens of thousands of
	 * open items must not become one tree in memory. */
	json_object_set_new(root, "items", json_array());
	char *head = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!head)
		return 1;
	/* head ends with "[]}": print up to the '[' and stream the array. */
	fwrite(head, 1, strlen(head) - 2, stdout);
	free(head);
	for (size_t i = 0; i < rv->n; i++) {
		const struct review_item *it = &rv->items[i];
		json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:b, s:b}", "type",
				      it->exposure ? "exposure" : "intake", "id", (json_int_t)it->id, "kind", it->kind,
				      "status", it->status, "title", it->title, "unit", it->unit, "last", it->last,
				      "last_at", time_or_null(it->last_at), "next", it->next ? json_string(it->next) : json_null(),
				      "due", time_or_null(it->due), "due_estimated", it->due_estimated, "overdue", it->overdue,
				      "changed", it->changed);
		if (it->exposure)
			json_object_set_new(o, "level", json_integer(it->level));
		fputs(i ? ",\n" : "\n", stdout);
		json_dumpf(o, stdout, JSON_COMPACT);
		json_decref(o);
	}
	fputs("\n]}\n", stdout);
	return ferror(stdout) ? 1 : 0;
}

static const struct option exec_opts[] = {
	{ "format", required_argument, NULL, 'f' }, { "changed", no_argument, NULL, 'c' },
	{ "tonight", no_argument, NULL, 't' }, { "unit", required_argument, NULL, 'u' }, { NULL, 0, NULL, 0 },
};
static int exec(struct cli *cli, int argc, char **argv)
{
	struct review_opts o = { R_TEXT, { 0 } };
	int first, r = cli_options(&cmd_review_entry, argc, argv, exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct review rv;
	struct zs_error err = { 0 };
	if (review_build(cli_ctx(cli), &rv, &err))
		return cli_error(&err);
	if (review_filter(cli_ctx(cli), &rv, &o.filter, &err)) {
		review_clear(&rv);
		return cli_error(&err);
	}
	r = o.fmt == R_JSON ? print_json(&rv) : print_text(&rv, o.fmt == R_MD, o.filter.changed || o.filter.tonight || o.filter.unit, &cli->cfg);
	review_clear(&rv);
	return r;
}

const struct cmd_entry cmd_review_entry = {
	.name = "review",
	.usage = "[--changed] [--tonight] [--unit UNIT] [--format text|md|json]",
	.help_zh = "早班回顾：所有未办结的登记和曝光问题，按承办单位分组，超时的在前，再按时限；标出上次交接后的变化"
		"（--changed 只看上次交接后有变化的，--tonight 只看今晚（晚会开始以来）的，--unit 只看一个单位的，可写单位名称的一部分；值班室＝未分派）",
	.help_en = "the morning review: every open intake and exposure by unit, overdue first, then by deadline; "
		"marks what changed since the last handover (--changed: only those; --tonight: only what came in since "
		"the gala began; --unit: one unit's, by its name or a part of it; 值班室 = not assigned)",
	.flags = CMD_READONLY,
	.exec = exec,
	.opts = exec_opts,
	.about = (const struct cmd_about[]){
		{ "changed", "只看上次交接后有变化的",
		  "only what changed since the last handover" },
		{ "tonight", "只看晚会开始以来的",
		  "only tonight's (since the gala began)" },
		{ "unit", "只看一个单位（可写名称的一部分；值班室＝未分派）",
		  "only one unit (part of its name will do; 值班室 = unassigned)" },
		{ NULL, NULL, NULL },
	},
};
