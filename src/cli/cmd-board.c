/* zhishou board: the leader's snapshot, readable on a phone. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "zhishou/board.h"
#include "zhishou/codes.h"
#include "zhishou/exposure.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

struct board_opts {
	bool json, all_duty;
	int width;    /* 0: $COLUMNS, the terminal's, or 80 */
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct board_opts *o = ud;
	if (opt == 'w') {
		char *end;
		long w = strtol(arg, &end, 10);
		if (*end || end == arg || w < 40 || w > 1000)
			return cli_usage(&cmd_board_entry, TR("--width 要 40 到 1000 之间的列数，不是「%s」",
							      "--width takes 40 to 1000 columns, not \"%s\""), arg);
		o->width = (int)w;
	} else if (opt == 'a') {
		o->all_duty = true;
	} else if (opt == 'f') {
		if (!strcmp(arg, "json"))
			o->json = true;
		else if (strcmp(arg, "text"))
			return cli_usage(&cmd_board_entry, TR("--format 只能是 text 或 json，不是「%s」",
							      "--format must be text or json, not \"%s\""), arg);
	}
	return 0;
}

static const char *phase_text(const struct board_gala *g, int64_t now, char *buf, size_t n)
{
	char d[64];
	bool en = i18n_get() == LANG_EN;
	switch (g->phase) {
	case GALA_NONE:
		snprintf(buf, n, "%s", TR("未设晚会时间", "no gala scheduled"));
		break;
	case GALA_BEFORE:
		snprintf(buf, n, TR("%s 距开始 %s", "%s starts in %s"), g->name,
			 time_format_duration(g->starts_at - now, en, d, sizeof d));
		break;
	case GALA_DURING:
		snprintf(buf, n, TR("%s 进行中，已开始 %s", "%s on air for %s"), g->name,
			 time_format_duration(now - g->starts_at, en, d, sizeof d));
		break;
	case GALA_AFTER:
		snprintf(buf, n, TR("%s 已结束", "%s has ended"), g->name);
		break;
	}
	return buf;
}

static const char *left_text(const struct board_exposure *b, int64_t now, char *buf, size_t n)
{
	char d[64];
	bool en = i18n_get() == LANG_EN;
	if (b->due == DUE_OVERDUE)
		snprintf(buf, n, TR("已超时 %s", "OVERDUE by %s"), time_format_duration(now - b->e.deadline, en, d, sizeof d));
	else
		snprintf(buf, n, TR("剩 %s", "%s left"), time_format_duration(b->e.deadline - now, en, d, sizeof d));
	return buf;
}

static const char *due_mark(enum due_state d)
{
	return d == DUE_OVERDUE ? "!" : d == DUE_SOON ? "*" : " ";
}

/* The reader's width: --width, else $COLUMNS, else the terminal's, else
 * 80; never below 40 (a phone's SSH app is about 50). */
static int board_width(const struct board_opts *o)
{
	if (o->width)
		return o->width;
	const char *env = getenv("COLUMNS");
	long w = env && *env ? strtol(env, NULL, 10) : 0;
	/* The terminal's width, also when the output goes through a pipe
	 * (zhishou board | head): stdout's, else stderr's, else /dev/tty's. */
	if (w <= 0)
		w = out_tty_cols(STDOUT_FILENO);
	if (w <= 0)
		w = out_tty_cols(STDERR_FILENO);
	if (w <= 0) {
		int tty = open("/dev/tty", O_RDONLY | O_CLOEXEC);
		if (tty >= 0) {
			w = out_tty_cols(tty);
			close(tty);
		}
	}
	if (w <= 0)
		w = 80;
	return w < 40 ? 40 : w > 1000 ? 1000 : (int)w;
}

static void print_exposure(const struct board_exposure *b, int64_t now, int width)
{
	const struct exposure *e = &b->e;
	char aired[16], left[64], head[128], title[512], line[2048], local[64];
	snprintf(head, sizeof head, "%s[%s] #%lld %s ", due_mark(b->due),
		 vocab_label(&vocab_level, (char[]){ (char)('0' + e->level), 0 }), (long long)e->id,
		 time_format(e->aired_at, TIME_CLOCK, aired, sizeof aired));
	left_text(b, now, left, sizeof left);
	/* Number, level and time left on the first line whatever the width;
	 * the title takes what is left of it. */
	int room = width - text_width(head) - 2 - text_width(left);
	text_fit_cols(e->title, room < 8 ? 8 : room, false, title, sizeof title);
	snprintf(line, sizeof line, "%s%s  %s", head, title, left);
	out_wrap(stdout, width, 4, line);
	const char *colon = TR("：", ": ");
	snprintf(line, sizeof line, "    %s%s%s  %s%s%s  %s%s%s  %s%s%lld",
		 TR("本地", "local"), colon, exposure_local_text(e, false, local, sizeof local),
		 TR("牵头", "lead"), colon, *e->lead_unit ? e->lead_unit : TR("未定", "none"),
		 TR("状态", "status"), colon, vocab_label(&vocab_exposure_status, e->status),
		 TR("关联", "linked"), colon, (long long)e->linked);
	out_wrap(stdout, width, 4, line);
	if (b->last_instruction) {
		snprintf(line, sizeof line, "    %s%s%s", TR("最新批示", "latest instruction"), TR("：", ": "),
			 b->last_instruction);
		out_wrap(stdout, width, 6, line);
	}
}

static json_t *exposure_json_row(const struct board_exposure *b, int64_t now)
{
	const struct exposure *e = &b->e;
	char iso[40];
	static const char *const dues[] = { "none", "later", "soon", "overdue" };
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "level", json_integer(e->level));
	json_object_set_new(o, "aired_at", json_string(time_format(e->aired_at, TIME_ISO, iso, sizeof iso)));
	json_object_set_new(o, "title", json_string(e->title));
	json_object_set_new(o, "local", json_string(e->local));
	json_object_set_new(o, "local_count", json_integer(e->local_count));
	json_object_set_new(o, "lead_unit", *e->lead_unit ? json_string(e->lead_unit) : json_null());
	json_object_set_new(o, "status", json_string(e->status));
	json_object_set_new(o, "linked", json_integer(e->linked));
	json_object_set_new(o, "deadline", json_string(time_format(e->deadline, TIME_ISO, iso, sizeof iso)));
	json_object_set_new(o, "seconds_left", json_integer(e->deadline - now));
	json_object_set_new(o, "overdue", json_boolean(b->due == DUE_OVERDUE));
	json_object_set_new(o, "due", json_string(dues[b->due]));
	json_object_set_new(o, "last_instruction", b->last_instruction ? json_string(b->last_instruction) : json_null());
	return o;
}

static int print_json(struct cli *cli, const struct board_snapshot *s)
{
	const struct board_counts *b = &s->counts;
	char now[40], sincebuf[40];
	json_t *root = json_object(), *kinds = json_object(), *chans = json_object();
	json_object_set_new(root, "now", json_string(time_format(s->now, TIME_ISO, now, sizeof now)));
	json_object_set_new(root, "demo", json_boolean(cli->demo_clock));
	static const char *const phases[] = { "none", "before", "during", "after" };
	json_object_set_new(root, "gala", json_pack("{s:s, s:s}", "name", s->gala.name, "phase", phases[s->gala.phase]));
	json_object_set_new(root, "since", json_string(time_format(s->since, TIME_ISO, sincebuf, sizeof sincebuf)));
	for (size_t i = 0; i < vocab_kind.n; i++)
		json_object_set_new(kinds, vocab_kind.items[i].code, json_integer(b->by_kind[i]));
	for (size_t i = 0; i < vocab_channel.n; i++)
		json_object_set_new(chans, vocab_channel.items[i].code, json_integer(b->by_channel[i]));
	json_object_set_new(root, "relay", json_pack("{s:I, s:I}", "deliveries_failed",
						     (json_int_t)b->deliveries_failed, "feed_quarantined",
						     (json_int_t)b->feed_quarantined));
	json_object_set_new(root, "counts",
			    json_pack("{s:I, s:o, s:o, s:I, s:I, s:I, s:I, s:I}", "total", (json_int_t)b->total,
				      "by_kind", kinds, "by_channel", chans, "linked", (json_int_t)b->linked,
				      "unresolved", (json_int_t)b->unresolved, "all_unresolved",
				      (json_int_t)b->all_unresolved, "exposures_open", (json_int_t)b->exposures_open,
				      "exposures_overdue", (json_int_t)b->exposures_overdue));
	json_t *arr = json_array();
	for (size_t i = 0; i < s->nexposures; i++)
		json_array_append_new(arr, exposure_json_row(&s->exposures[i], s->now));
	json_object_set_new(root, "exposures", arr);
	arr = json_array();
	for (size_t i = 0; i < s->nduty; i++) {
		const struct roster_entry *r = &s->duty[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "unit", r->unit, "name", r->name,
						     "title", r->title, "leader", r->is_leader, "mobile", r->mobile,
						     "landline", r->landline));
	}
	json_object_set_new(root, "on_duty", arr);
	char *txt = json_dumps(root, JSON_INDENT(2));
	puts(txt);
	free(txt);
	json_decref(root);
	return 0;
}

static void print_text(struct cli *cli, const struct board_snapshot *s, const struct board_opts *o)
{
	int width = board_width(o);
	const struct board_counts *b = &s->counts;
	char now[32], sincebuf[32], phase[256], line[1024];
	time_format(s->now, TIME_FULL, now, sizeof now);
	time_format(s->since, TIME_FULL, sincebuf, sizeof sincebuf);
	phase_text(&s->gala, s->now, phase, sizeof phase);
	snprintf(line, sizeof line, "%s  %s%s", TR("值守看板", "Duty board"), now, cli->demo_clock ? TR("（演示）", " (demo)") : "");
	out_wrap(stdout, width, 2, line);
	out_wrap(stdout, width, 2, phase);
	snprintf(line, sizeof line, TR("\n自 %s 起受理 %lld 件：投诉 %lld，举报 %lld，咨询 %lld",
				       "\nSince %s: %lld received: %lld complaints, %lld tips, %lld inquiries"),
		 sincebuf, (long long)b->total, (long long)b->by_kind[0], (long long)b->by_kind[1], (long long)b->by_kind[2]);
	out_wrap(stdout, width, 2, line);
	size_t n = snprintf(line, sizeof line, "%s", TR("渠道：", "Channels: "));
	int shown = 0;
	for (size_t i = 0; i < vocab_channel.n && n < sizeof line - 64; i++)
		if (b->by_channel[i]) {
			n += snprintf(line + n, sizeof line - n, "%s%s %lld", shown++ ? TR("，", ", ") : "",
				      vocab_label(&vocab_channel, vocab_channel.items[i].code), (long long)b->by_channel[i]);
		}
	if (!shown)
		snprintf(line + n, sizeof line - n, "%s", TR("无", "none"));
	out_wrap(stdout, width, 2, line);
	snprintf(line, sizeof line, TR("关联曝光问题 %lld 件；晚会以来未办结 %lld 件；历来未办结 %lld 件",
				       "Linked to exposures %lld; open since the gala %lld; open overall %lld"),
		 (long long)b->linked, (long long)b->unresolved, (long long)b->all_unresolved);
	out_wrap(stdout, width, 2, line);
	if (b->deliveries_failed || b->feed_quarantined) {
		snprintf(line, sizeof line, TR("！发往聊天机器人失败 %lld 条（zhishou outbox list --failed）；8890 接入隔离 %lld 条（zhishou feed quarantine）",
					       "! %lld robot messages failed (zhishou outbox list --failed); %lld 8890 records quarantined (zhishou feed quarantine)"),
			 (long long)b->deliveries_failed, (long long)b->feed_quarantined);
		out_wrap(stdout, width, 2, line);
	}
	snprintf(line, sizeof line, TR("\n曝光问题（未结 %lld，超时 %lld）：", "\nExposures (open %lld, overdue %lld):"),
		 (long long)b->exposures_open, (long long)b->exposures_overdue);
	out_wrap(stdout, width, 2, line);
	for (size_t i = 0; i < s->nexposures; i++)
		print_exposure(&s->exposures[i], s->now, width);
	if (!s->nexposures)
		out_line(stdout, TR("  （无）", "  (none)"));
	/* Folded to the duty leaders: the whole list is roster list --now. */
	size_t leaders = 0;
	for (size_t i = 0; i < s->nduty; i++)
		leaders += s->duty[i].is_leader;
	bool fold = !o->all_duty && leaders > 0 && leaders < s->nduty;
	if (fold)
		snprintf(line, sizeof line, TR("\n正在值班 %zu 人，下面是带班领导（全部：--all-duty）：",
					       "\nOn duty now: %zu, duty leaders below (everyone: --all-duty):"),
			 s->nduty);
	else
		snprintf(line, sizeof line, "%s", TR("\n正在值班：", "\nOn duty now:"));
	out_wrap(stdout, width, 2, line);
	int64_t last_unit = 0;
	for (size_t i = 0; i < s->nduty; i++) {
		const struct roster_entry *r = &s->duty[i];
		if (fold && !r->is_leader)
			continue;
		if (r->unit_id != last_unit) {
			snprintf(line, sizeof line, "  %s", r->unit);
			out_wrap(stdout, width, 4, line);
			last_unit = r->unit_id;
		}
		snprintf(line, sizeof line, "    %s%s %s %s", r->is_leader ? TR("带班 ", "lead ") : "", r->name, r->title,
			 *r->mobile ? r->mobile : r->landline);
		out_wrap(stdout, width, 6, line);
	}
	if (!s->nduty)
		out_wrap(stdout, width, 2, TR("  （此刻没有排班）", "  (nobody rostered now)"));
}

static const struct option exec_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "width", required_argument, NULL, 'w' },
	{ "all-duty", no_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 },
};
static int exec(struct cli *cli, int argc, char **argv)
{
	struct board_opts o = { 0 };
	int first, r = cli_options(&cmd_board_entry, argc, argv, exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct board_snapshot s;
	if (board_snapshot(cli_ctx(cli), &s, &err)) {
		board_snapshot_clear(&s);
		return cli_error(&err);
	}
	if (o.json)
		print_json(cli, &s);
	else
		print_text(cli, &s, &o);
	board_snapshot_clear(&s);
	return 0;
}

const struct cmd_entry cmd_board_entry = {
	.name = "board",
	.usage = "[--width N] [--all-duty] [--format text|json]",
	.help_zh = "看板快照：晚会时钟、受理计数、未结曝光问题、正在值班",
	.help_en = "snapshot: gala clock, counts, open exposures, who is on duty",
	.flags = CMD_READONLY,
	.exec = exec,
	.opts = exec_opts,
	.about = (const struct cmd_about[]){
		{ "width", "按这么多列折行（40 到 1000；默认终端的宽度）",
		  "wrap at this many columns (40 to 1000; default: the terminal's width)" },
		{ "all-duty", "列出在岗的所有人，不只带班领导",
		  "list everyone on duty, not only the duty leaders" },
		{ NULL, NULL, NULL },
	},
};
