/* The closed vocabularies of the night, with Chinese and English labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zhishou/codes.h"
#include "zhishou/embedded.h"
#include "zhishou/i18n.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct code_label channels[] = {
	{ "12315-hotline", "12315热线", "12315 hotline" },
	{ "12315-platform", "12315平台", "12315 platform" },
	{ "8890", "8890转办", "8890 transfer" },
	{ "12345", "12345转办", "12345 transfer" },
	{ "web", "政务网站", "website" },
	{ "email", "电子邮箱", "e-mail" },
	{ "letter", "来信", "letter" },
	{ "visit", "来访", "walk-in" },
	{ "weibo", "政务微博", "Weibo" },
	{ "wechat", "微信公众号", "WeChat" },
	{ "other", "其他", "other" },
};
const struct vocab vocab_channel = { "渠道", "channel", channels, N(channels) };

static const struct code_label kinds[] = {
	{ "complaint", "投诉", "complaint" },
	{ "tip", "举报", "tip" },
	{ "inquiry", "咨询", "inquiry" },
};
const struct vocab vocab_kind = { "类别", "kind", kinds, N(kinds) };

static const struct code_label statuses[] = {
	{ "new", "新登记", "new" },
	{ "accepted", "已受理", "accepted" },
	{ "transferred", "已转办", "transferred" },
	{ "handling", "办理中", "in progress" },
	{ "closed", "已办结", "closed" },
	{ "rejected", "不予受理", "not accepted" },
	{ "duplicate", "重复件", "duplicate" },
};
const struct vocab vocab_status = { "状态", "status", statuses, N(statuses) };

static const struct code_label exposure_statuses[] = {
	{ "aired", "已曝光", "aired" },
	{ "checking", "排查中", "checking" },
	{ "handling", "处置中", "handling" },
	{ "case", "已立案", "case opened" },
	{ "reported", "已上报", "reported up" },
	{ "closed", "已办结", "closed" },
	{ "no-local", "本地无涉", "nothing local" },
};
const struct vocab vocab_exposure_status = { "处置状态", "status", exposure_statuses, N(exposure_statuses) };

static const struct code_label locals[] = {
	{ "unknown", "待查", "unknown" },
	{ "yes", "涉及", "yes" },
	{ "no", "不涉及", "no" },
};
const struct vocab vocab_local = { "本地涉及", "local involvement", locals, N(locals) };

/* Chinese emergency practice: level 1 is the gravest.  English says the
 * level's number and a word for it, as the Chinese label does, not a
 * Roman numeral. */
static const struct code_label levels[] = {
	{ "1", "特别重大", "level 1 (extreme)" },
	{ "2", "重大", "level 2 (major)" },
	{ "3", "较大", "level 3 (serious)" },
	{ "4", "一般", "level 4 (general)" },
};
const struct vocab vocab_level = { "级别", "level", levels, N(levels) };

static const struct code_label actions[] = {
	{ "officers", "出动执法人员", "officers sent" },
	{ "checked", "检查经营者", "businesses checked" },
	{ "interview", "约谈", "interviews" },
	{ "seizure", "查封扣押", "seizures" },
	{ "case", "立案", "cases opened" },
	{ "report", "上报", "reported up" },
	{ "notice", "发布通告", "notices published" },
};
const struct vocab vocab_action = { "措施", "action", actions, N(actions) };

static const struct code_label handlings[] = {
	{ "direct", "直接处理", "handled directly" },
	{ "transfer", "转交处理", "transferred" },
};
const struct vocab vocab_handling = { "处理方式", "handling", handlings, N(handlings) };

/* A closed complaint's mediation outcome (调解结果); "" when nobody said. */
static const struct code_label outcomes[] = {
	{ "agreed", "达成协议", "agreement reached" },
	{ "no-agreement", "未达成协议", "no agreement" },
};
const struct vocab vocab_outcome = { "调解结果", "outcome", outcomes, N(outcomes) };

static const struct code_label unit_kinds[] = {
	{ "科室", "科室", "office" },
	{ "所", "所", "station" },
	{ "队", "队", "team" },
	{ "中心", "中心", "centre" },
	{ "其他", "其他", "other" },
};
const struct vocab vocab_unit_kind = { "单位类型", "unit kind", unit_kinds, N(unit_kinds) };

/* Categories come from data/categories.txt, so a bureau edits data, not code. */
static struct code_label *categories;
struct vocab vocab_category = { "分类", "category", NULL, 0 };

void codes_init(void)
{
	if (categories)
		return;
	const struct embedded_file *f = embedded_find("categories.txt");
	if (!f)
		return;
	size_t cap = 64, n = 0;
	categories = calloc(cap, sizeof *categories);
	char *copy = strdup(f->data), *save = NULL;
	if (!categories || !copy) {
		free(copy);
		return;
	}
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *code = line, *zh = strchr(code, '\t');
		if (!zh)
			continue;
		*zh++ = '\0';
		char *en = strchr(zh, '\t');
		if (en)
			*en++ = '\0';
		if (n == cap)
			break;
		categories[n].code = strdup(code);
		categories[n].zh = strdup(zh);
		categories[n].en = strdup(en ? en : zh);
		n++;
	}
	free(copy);
	vocab_category.items = categories;
	vocab_category.n = n;
}

int vocab_find(const struct vocab *v, const char *s)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < v->n; i++)
		if (!strcasecmp(s, v->items[i].code) || !strcmp(s, v->items[i].zh) ||
		    !strcasecmp(s, v->items[i].en))
			return (int)i;
	return -1;
}

const char *vocab_code(const struct vocab *v, const char *s)
{
	int i = vocab_find(v, s);
	return i < 0 ? NULL : v->items[i].code;
}

const char *vocab_label(const struct vocab *v, const char *code)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(code, v->items[i].code))
			return TR(v->items[i].zh, v->items[i].en);
	return code;
}

const char *vocab_choices(const struct vocab *v)
{
	static char buf[2048];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < v->n && n < sizeof buf - 64; i++) {
		const struct code_label *c = &v->items[i];
		const char *label = TR(c->zh, c->en);
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? TR("、", ", ") : "", label);
		if (strcmp(label, c->code) && strcmp(c->zh, c->code))
			n += (size_t)snprintf(buf + n, sizeof buf - n, "(%s)", c->code);
	}
	return buf;
}

bool status_is_open(const char *code)
{
	return !strcmp(code, "new") || !strcmp(code, "accepted") || !strcmp(code, "transferred") ||
	       !strcmp(code, "handling");
}

bool exposure_status_is_closed(const char *code)
{
	return !strcmp(code, "closed") || !strcmp(code, "no-local");
}

/* The work-order lifecycle of 12345/12315: accept, transfer, handle, close;
 * a transferred item may come back (退单) to accepted; a closed one may be
 * reopened; repeats are merged (并单) at any open stage and a merged one may
 * be un-merged.  Nothing returns to 新登记. */
bool status_transition_ok(const char *from, const char *to)
{
	static const struct { const char *from, *to; } ok[] = {
		{ "new", "accepted" }, { "new", "transferred" }, { "new", "handling" },
		{ "new", "closed" }, { "new", "rejected" }, { "new", "duplicate" },
		{ "accepted", "transferred" }, { "accepted", "handling" }, { "accepted", "closed" },
		{ "accepted", "duplicate" }, { "accepted", "rejected" },
		{ "transferred", "accepted" }, { "transferred", "handling" }, { "transferred", "closed" },
		{ "transferred", "transferred" }, { "transferred", "duplicate" },
		{ "handling", "transferred" }, { "handling", "closed" }, { "handling", "duplicate" },
		{ "closed", "handling" },
		{ "duplicate", "accepted" },
	};
	for (size_t i = 0; i < N(ok); i++)
		if (!strcmp(ok[i].from, from) && !strcmp(ok[i].to, to))
			return true;
	return false;
}
