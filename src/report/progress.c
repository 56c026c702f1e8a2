/* Progress reports to the city bureau (上报进展情况): the document built
 * from an exposure's record, or from every exposure of a gala for the
 * morning's summary, recorded so the next report numbers on.  Laid out by
 * progress_print.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "zhishou/codes.h"
#include "zhishou/exposure.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/progress.h"
#include "zhishou/store.h"
#include "zhishou/store_progress.h"
#include "zhishou/timeutil.h"

/* How an action's count is said in a report (出动执法人员 12 人次). */
static const struct {
	const char *kind, *unit;
} action_units[] = {
	{ "officers", "人次" }, { "checked", "户" }, { "interview", "家" }, { "seizure", "批次" },
	{ "case", "件" },       { "report", "次" },  { "notice", "份" },
};

static const char *action_unit(const char *kind)
{
	for (size_t i = 0; i < sizeof action_units / sizeof *action_units; i++)
		if (!strcmp(action_units[i].kind, kind))
			return action_units[i].unit;
	return "";
}

/* --- the document being written ------------------------------------------ */

struct doc_builder {
	struct progress_doc *d;
	int rc;   /* ZS_EFAIL once memory ran out */
};

static void add_block(struct doc_builder *w, enum progress_block_kind k, const char *fmt, ...)
{
	if (w->rc)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	struct progress_block *b = n < 0 ? NULL : realloc(w->d->b, (w->d->n + 1) * sizeof *b);
	if (!b) {
		free(n < 0 ? NULL : s);
		w->rc = ZS_EFAIL;
		return;
	}
	w->d->b = b;
	b[w->d->n++] = (struct progress_block){ k, s };
}

/* A growing paragraph: pieces appended, then added as one block. */
struct para {
	char *s;
	size_t len;
	bool oom;
};

static void para_add(struct para *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	char *g = n < 0 ? NULL : realloc(p->s, p->len + (size_t)n + 1);
	if (!g) {
		free(n < 0 ? NULL : s);
		p->oom = true;
		return;
	}
	memcpy(g + p->len, s, (size_t)n + 1);
	p->s = g;
	p->len += (size_t)n;
	free(s);
}

/* A ';'-separated list (companies, units) as Chinese writes one: 、 */
static void para_list(struct para *p, const char *list)
{
	const char *s = list;
	bool first = true;
	while (*s) {
		size_t n = strcspn(s, ";");
		if (n)
			para_add(p, "%s%.*s", first ? "" : "、", (int)n, s);
		first = first && !n;
		s += n + (s[n] == ';');
	}
}

/* “text”, then 。 unless the text ended a sentence itself. */
static void para_quote(struct para *p, const char *text)
{
	size_t n = strlen(text);
	bool ended = false;
	static const char *const stops[] = { "。", "！", "？", "." };
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
		size_t k = strlen(stops[i]);
		if (n >= k && !memcmp(text + n - k, stops[i], k))
			ended = true;
	}
	para_add(p, "“%s”%s", text, ended ? "" : "。");
}

static void para_end(struct doc_builder *w, struct para *p)
{
	if (p->oom)
		w->rc = ZS_EFAIL;
	else if (p->len)
		add_block(w, PB_PARA, "%s", p->s);
	free(p->s);
	memset(p, 0, sizeof *p);
}

void progress_doc_clear(struct progress_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->b[i].text);
	free(d->b);
	free(d->by_user);
	memset(d, 0, sizeof *d);
}

/* "3月15日20:15" */
static const char *day_time(int64_t t, char *buf, size_t n)
{
	int y, m, d, hh, mm, ss;
	time_to_local(t, &y, &m, &d, &hh, &mm, &ss);
	snprintf(buf, n, "%d月%d日%02d:%02d", m, d, hh, mm);
	return buf;
}

/* --- what the record holds --------------------------------------------------- */

struct night {
	struct zs_ctx *c;
	struct gala gala;            /* the gala the exposure aired in (id 0: none) */
	struct exposure *x;          /* the exposures reported on (one, or the gala's) */
	size_t nx;
	struct exposure_action *a;   /* their actions, by exposure, in time order */
	size_t na;
	struct exposure_instruction *in;
	size_t nin;
	struct member me;            /* the writer */
	char phone[64];              /* the writer's mobile on tonight's roster, else the bureau's */
	int rc;
};

struct gala_find {
	struct night *n;
	int64_t at;   /* the latest gala begun by this instant */
};

static int gala_cb(const struct gala *g, void *ud)
{
	struct gala_find *f = ud;
	struct night *n = f->n;
	if (g->starts_at > f->at || (n->gala.id && g->starts_at < n->gala.starts_at))
		return 0;
	free(n->gala.name);
	n->gala = (struct gala){ g->id, strdup(g->name), g->starts_at, g->ends_at };
	if (!n->gala.name)
		n->rc = ZS_EFAIL;
	return 0;
}

/* The latest gala begun by t, into n->gala (id 0 when none). */
static int find_gala(struct night *n, int64_t t, struct zs_error *err)
{
	struct gala_find f = { n, t };
	return store_gala_each(n->c->st, gala_cb, &f, err);
}

static int exposure_cb(const struct exposure *e, void *ud)
{
	struct night *n = ud;
	struct exposure *p = realloc(n->x, (n->nx + 1) * sizeof *p);
	if (!p)
		return n->rc = ZS_EFAIL;
	n->x = p;
	/* The store frees e after the callback: keep a deep copy. */
	if (!exposure_copy(&p[n->nx], e))
		return n->rc = ZS_EFAIL;
	n->nx++;
	return n->rc;
}

static int action_cb(const struct exposure_action *a, void *ud)
{
	struct night *n = ud;
	struct exposure_action *p = realloc(n->a, (n->na + 1) * sizeof *p);
	if (!p)
		return n->rc = ZS_EFAIL;
	n->a = p;
	p[n->na] = *a;
	p[n->na].kind = strdup(a->kind);
	p[n->na].note = strdup(a->note ? a->note : "");
	p[n->na].by_user = strdup(a->by_user ? a->by_user : "");
	if (!p[n->na].kind || !p[n->na].note || !p[n->na].by_user)
		n->rc = ZS_EFAIL;
	n->na++;
	return n->rc;
}

static int instruction_cb(const struct exposure_instruction *a, void *ud)
{
	struct night *n = ud;
	struct exposure_instruction *p = realloc(n->in, (n->nin + 1) * sizeof *p);
	if (!p)
		return n->rc = ZS_EFAIL;
	n->in = p;
	p[n->nin] = *a;
	p[n->nin].text = strdup(a->text);
	p[n->nin].by_user = strdup(a->by_user ? a->by_user : "");
	if (!p[n->nin].text || !p[n->nin].by_user)
		n->rc = ZS_EFAIL;
	n->nin++;
	return n->rc;
}

static int roster_cb(const struct roster_entry *r, void *ud)
{
	struct night *n = ud;
	if (!n->phone[0] && n->me.name && !strcmp(r->name, n->me.name) && *r->mobile)
		snprintf(n->phone, sizeof n->phone, "%s", r->mobile);
	return 0;
}

static void night_clear(struct night *n)
{
	for (size_t i = 0; i < n->nx; i++)
		exposure_clear(&n->x[i]);
	free(n->x);
	for (size_t i = 0; i < n->na; i++)
		exposure_action_clear(&n->a[i]);
	free(n->a);
	for (size_t i = 0; i < n->nin; i++)
		exposure_instruction_clear(&n->in[i]);
	free(n->in);
	free(n->gala.name);
	member_clear(&n->me);
	memset(n, 0, sizeof *n);
}

/* Read what the report is built from, in one read transaction: the
 * exposure (or the gala's exposures), their actions and instructions, the
 * writer and the writer's phone. */
static int read_night(struct night *n, int64_t exposure_id, struct zs_error *err)
{
	struct zs_ctx *c = n->c;
	int r = store_read_begin(c->st, err);
	if (r)
		return r;
	if (exposure_id) {
		struct exposure e;
		r = store_exposure_get(c->st, exposure_id, &e, err);
		if (r == ZS_ENOTFOUND)
			r = zs_fail(err, ZS_ENOTFOUND, TR("没有编号为 %lld 的曝光问题", "no exposure with id %lld"),
				    (long long)exposure_id);
		if (!r) {
			r = exposure_cb(&e, n);
			exposure_clear(&e);
		}
		r = r ? r : find_gala(n, n->nx ? n->x[0].aired_at : c->now, err);
	} else {
		r = find_gala(n, c->now, err);
		if (!r && !n->gala.id)
			r = zs_fail(err, ZS_EINPUT, "%s",
				    TR("还没有开始的晚会，无从汇总（用 zhishou gala add 登记晚会）",
				       "no gala has begun: nothing to sum up (zhishou gala add records one)"));
		r = r ? r : store_exposure_each(c->st, false, NULL, exposure_cb, n, err);
		if (!r) {
			/* The gala's exposures: aired since it began (those before
			 * belong to an earlier night). */
			size_t k = 0;
			for (size_t i = 0; i < n->nx; i++) {
				if (n->x[i].aired_at >= n->gala.starts_at)
					n->x[k++] = n->x[i];
				else
					exposure_clear(&n->x[i]);
			}
			n->nx = k;
		}
	}
	for (size_t i = 0; !r && i < n->nx; i++) {
		r = store_action_each(c->st, n->x[i].id, action_cb, n, err);
		r = r ? r : store_instruction_each(c->st, n->x[i].id, instruction_cb, n, err);
	}
	if (!r) {
		int m = store_member_get(c->st, store_user(c->st), &n->me, err);
		if (m == ZS_ENOTFOUND)
			n->me.name = strdup(store_user(c->st));
		else
			r = m;
	}
	r = r ? r : store_roster_each(c->st, NULL, c->now, roster_cb, n, err);
	store_read_end(c->st);
	if (!r && n->rc)
		r = zs_fail(err, n->rc, "%s", TR("内存不足", "out of memory"));
	if (!r && !n->phone[0] && c->cfg)
		snprintf(n->phone, sizeof n->phone, "%s", c->cfg->phone);
	return r;
}

/* --- the blocks -------------------------------------------------------------- */

static const char *gala_name(const struct night *n)
{
	return n->gala.id ? n->gala.name : "央视3·15晚会";
}

/* The unit, the contact and the time. */
static void sign(struct doc_builder *w, const struct night *n, int64_t at)
{
	const struct zs_ctx *c = n->c;
	const char *unit = c->cfg && *c->cfg->bureau ? c->cfg->bureau : n->me.unit && *n->me.unit ? n->me.unit : "";
	if (*unit)
		add_block(w, PB_SIGN, "%s", unit);
	else
		w->d->no_unit = true;
	if (*n->phone)
		add_block(w, PB_SIGN, "联系人：%s　联系电话：%s", n->me.name ? n->me.name : "", n->phone);
	else
		add_block(w, PB_SIGN, "联系人：%s", n->me.name ? n->me.name : "");
	int y, m, d, hh, mm, ss;
	time_to_local(at, &y, &m, &d, &hh, &mm, &ss);
	add_block(w, PB_SIGN, "%d年%d月%d日%02d:%02d", y, m, d, hh, mm);
}

/* 本地涉及 in a sentence: the confirmed businesses by name and station. */
static void local_sentence(struct para *p, struct zs_ctx *c, const struct exposure *e, int *rc)
{
	if (!strcmp(e->local, "yes") && e->local_count > 0) {
		struct exposure_parties ps;
		struct zs_error err = { 0 };
		para_add(p, "经调取我区市场主体登记信息核查，本地涉及%lld户", (long long)e->local_count);
		if (exposure_parties_get(c, e->id, &ps, &err)) {
			*rc = err.code ? err.code : ZS_EFAIL;
			return;
		}
		size_t shown = 0;
		for (size_t i = 0; i < ps.n; i++) {
			if (!ps.v[i].confirmed)
				continue;
			if (shown == 20) {
				para_add(p, "等");
				break;
			}
			para_add(p, "%s%s", shown ? "、" : "：", ps.v[i].name);
			if (*ps.v[i].unit)
				para_add(p, "（%s）", ps.v[i].unit);
			shown++;
		}
		exposure_parties_clear(&ps);
		para_add(p, "。");
	} else if (!strcmp(e->local, "yes")) {
		para_add(p, "经核查，本地有涉及。");
	} else if (!strcmp(e->local, "no")) {
		para_add(p, "经排查，本地无涉事主体。");
	} else if (e->candidates > 0) {
		para_add(p, "本地涉及情况正在核查，登记册初步比对出候选市场主体%lld户。", (long long)e->candidates);
	} else {
		para_add(p, "本地涉及情况正在核查。");
	}
}

/* Who leads, who assists, the level, the deadline and where it stands. */
static void handling_sentence(struct para *p, const struct exposure *e)
{
	char t[40], lv[2] = { (char)('0' + e->level), 0 };
	if (e->lead_unit && *e->lead_unit) {
		para_add(p, "由%s牵头处置", e->lead_unit);
		if (*e->assist_units) {
			para_add(p, "，协办单位：");
			para_list(p, e->assist_units);
		}
		para_add(p, "。");
	} else
		para_add(p, "牵头单位尚未确定。");
	para_add(p, "响应级别：%s；办结时限：%s前；当前状态：%s。", vocab_label(&vocab_level, lv),
		 day_time(e->deadline, t, sizeof t), vocab_label(&vocab_exposure_status, e->status));
	if (e->linked)
		para_add(p, "关联投诉举报%lld件。", (long long)e->linked);
}

/* The counts of every action of e up to and including action id upto (0:
 * all), by kind in the vocabulary's order: "出动执法人员 12 人次、…". */
static void action_totals(struct para *p, const struct night *n, int64_t exposure_id, int64_t upto)
{
	bool any = false;
	for (size_t k = 0; k < vocab_action.n; k++) {
		const char *kind = vocab_action.items[k].code;
		int64_t sum = 0;
		bool seen = false;
		for (size_t i = 0; i < n->na; i++) {
			const struct exposure_action *a = &n->a[i];
			if ((exposure_id && a->exposure_id != exposure_id) || (upto && a->id > upto) || strcmp(a->kind, kind))
				continue;
			sum += a->count;
			seen = true;
		}
		if (!seen)
			continue;
		if (sum)
			para_add(p, "%s%s%lld%s", any ? "，" : "", vocab_action.items[k].zh, (long long)sum, action_unit(kind));
		else
			para_add(p, "%s%s", any ? "，" : "", vocab_action.items[k].zh);
		any = true;
	}
	if (!any)
		para_add(p, "尚无处置措施记录");
}

static void action_para(struct doc_builder *w, const struct exposure_action *a)
{
	struct para p = { 0 };
	char t[40];
	para_add(&p, "%s，%s", day_time(a->at, t, sizeof t), vocab_label(&vocab_action, a->kind));
	if (a->count)
		para_add(&p, "%lld%s", (long long)a->count, action_unit(a->kind));
	if (*a->note)
		para_add(&p, "：%s", a->note);
	para_add(&p, "。");
	para_end(w, &p);
}

/* A member's name for a login (the login when not a member). */
static char *name_of(struct zs_ctx *c, const char *login)
{
	struct member m;
	struct zs_error err = { 0 };
	char *name = NULL;
	if (!store_member_get(c->st, login, &m, &err)) {
		name = strdup(m.name && *m.name ? m.name : login);
		member_clear(&m);
	}
	return name ? name : strdup(login);
}

static void instruction_para(struct doc_builder *w, struct zs_ctx *c, const struct exposure_instruction *in)
{
	char t[40];
	char *who = name_of(c, in->by_user);
	struct para p = { 0 };
	para_add(&p, "%s，%s批示：", day_time(in->at, t, sizeof t), who ? who : in->by_user);
	para_quote(&p, in->text);
	free(who);
	para_end(w, &p);
}

static const char *next_words(const char *next, bool summary)
{
	if (next && *next)
		return next;
	return summary ? "对尚未办结的问题继续跟进，逐一销号；继续做好投诉举报受理和舆情监测，有新情况及时报告。"
		       : "继续跟进处置进展，督促牵头单位按时限办结，做到问题不过夜；有新情况及时续报。";
}

/* 第N报 of one exposure. */
static void build_one(struct doc_builder *w, struct night *n, const struct progress_record *prev, const char *next)
{
	struct progress_doc *d = w->d;
	const struct exposure *e = &n->x[0];
	char t[40];
	add_block(w, PB_TITLE, "关于%s曝光“%s”问题处置情况的第%d报%s", gala_name(n), e->title, d->number,
		  d->number > 1 ? "（续报）" : "");
	add_block(w, PB_TO, "市市场监管局：");
	if (prev)
		add_block(w, PB_PARA, "%s我局报送第%d报后，继续处置%s曝光的“%s”问题。现将新进展续报如下：",
			  day_time(prev->at, t, sizeof t), prev->number, gala_name(n), e->title);
	else
		add_block(w, PB_PARA, "现将我局处置%s曝光的“%s”问题的情况报告如下：", gala_name(n), e->title);

	add_block(w, PB_HEADING, "一、基本情况");
	struct para p = { 0 };
	para_add(&p, "%s，%s曝光%s", day_time(e->aired_at, t, sizeof t), gala_name(n), e->title);
	if (*e->industry)
		para_add(&p, "（%s）", e->industry);
	para_add(&p, "。");
	if (*e->companies) {
		para_add(&p, "涉事企业：");
		para_list(&p, e->companies);
		para_add(&p, "。");
	}
	local_sentence(&p, n->c, e, &w->rc);
	handling_sentence(&p, e);
	para_end(w, &p);

	add_block(w, PB_HEADING, "二、处置措施");
	int64_t after_a = prev ? prev->last_action : 0, after_i = prev ? prev->last_instruction : 0;
	if (prev)
		add_block(w, PB_PARA, "第%d报以来：", prev->number);
	for (size_t i = 0; i < n->na; i++)
		if (n->a[i].id > after_a) {
			action_para(w, &n->a[i]);
			d->new_actions++;
		}
	if (!d->new_actions)
		add_block(w, PB_PARA, "%s", prev ? "暂无新的处置措施。" : "尚无处置措施记录。");
	p = (struct para){ 0 };
	if (n->na) {
		para_add(&p, "截至%s，累计", day_time(d->at, t, sizeof t));
		action_totals(&p, n, e->id, 0);
		para_add(&p, "。");
	}
	para_end(w, &p);
	bool heading = false;
	for (size_t i = 0; i < n->nin; i++) {
		if (n->in[i].id <= after_i)
			continue;
		if (!heading && prev)
			add_block(w, PB_PARA, "第%d报以来领导批示：", prev->number);
		else if (!heading)
			add_block(w, PB_PARA, "领导批示：");
		heading = true;
		instruction_para(w, n->c, &n->in[i]);
	}

	add_block(w, PB_HEADING, "三、下一步工作");
	add_block(w, PB_PARA, "%s", next_words(next, false));
	sign(w, n, d->at);
}

/* The morning's summary of every exposure of the gala. */
static void build_summary(struct doc_builder *w, struct night *n, const char *next)
{
	struct progress_doc *d = w->d;
	char t[40], u[40];
	if (d->number > 1)
		add_block(w, PB_TITLE, "关于%s曝光问题处置情况的汇总报告（第%d报）", gala_name(n), d->number);
	else
		add_block(w, PB_TITLE, "关于%s曝光问题处置情况的汇总报告", gala_name(n));
	add_block(w, PB_TO, "市市场监管局：");
	/* "3月15日20:00至22:10": the day once when the gala ends on it. */
	day_time(n->gala.starts_at, t, sizeof t);
	day_time(n->gala.ends_at, u, sizeof u);
	const char *end = u, *day = strstr(u, "日");
	if (day && !strncmp(t, u, (size_t)(day - u) + strlen("日")))
		end = day + strlen("日");
	add_block(w, PB_PARA, "%s于%s至%s播出。现将我局处置晚会曝光问题的情况汇总报告如下：", gala_name(n), t, end);

	add_block(w, PB_HEADING, "一、基本情况");
	size_t yes = 0, no = 0, unknown = 0, done = 0;
	int64_t entities = 0, linked = 0;
	for (size_t i = 0; i < n->nx; i++) {
		const struct exposure *e = &n->x[i];
		if (!strcmp(e->local, "yes"))
			yes++, entities += e->local_count;
		else if (!strcmp(e->local, "no"))
			no++;
		else
			unknown++;
		if (exposure_status_is_closed(e->status))
			done++;
		linked += e->linked;
	}
	struct para p = { 0 };
	if (!n->nx) {
		para_add(&p, "晚会曝光的问题尚未登记。");
	} else {
		para_add(&p, "晚会共曝光问题%zu个，其中本地涉及%zu个", n->nx, yes);
		if (entities)
			para_add(&p, "（涉及市场主体%lld户）", (long long)entities);
		para_add(&p, "，经排查本地无涉%zu个，正在核查%zu个；已办结%zu个，尚未办结%zu个。", no, unknown,
			 done, n->nx - done);
		if (linked)
			para_add(&p, "关联投诉举报%lld件。", (long long)linked);
	}
	para_end(w, &p);

	add_block(w, PB_HEADING, "二、处置措施");
	static const char *const cn[] = { "一", "二", "三", "四", "五", "六", "七", "八", "九", "十" };
	for (size_t i = 0; i < n->nx; i++) {
		const struct exposure *e = &n->x[i];
		p = (struct para){ 0 };
		if (i < 10)
			para_add(&p, "（%s）", cn[i]);
		else
			para_add(&p, "（%zu）", i + 1);
		para_add(&p, "“%s”。", e->title);
		local_sentence(&p, n->c, e, &w->rc);
		handling_sentence(&p, e);
		para_add(&p, "处置措施：");
		action_totals(&p, n, e->id, 0);
		para_add(&p, "。");
		const char *last = NULL;
		for (size_t k = 0; k < n->nin; k++)
			if (n->in[k].exposure_id == e->id)
				last = n->in[k].text;
		if (last) {
			para_add(&p, "最新批示：");
			para_quote(&p, last);
		}
		para_end(w, &p);
	}
	if (n->nx) {
		p = (struct para){ 0 };
		para_add(&p, "合计：");
		action_totals(&p, n, 0, 0);
		para_add(&p, "。");
		para_end(w, &p);
	}

	add_block(w, PB_HEADING, "三、下一步工作");
	add_block(w, PB_PARA, "%s", next_words(next, true));
	sign(w, n, d->at);
}

/* --- kept as JSON -------------------------------------------------------------- */

static const char *const block_codes[] = { "title", "to", "para", "heading", "sign" };

static char *blocks_json(const struct progress_doc *d)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < d->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "k", block_codes[d->b[i].kind], "t", d->b[i].text));
	char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return s;
}

static int blocks_from_json(const char *body, struct progress_doc *d, struct zs_error *err)
{
	json_error_t je;
	json_t *a = json_loads(body ? body : "", 0, &je), *x;
	if (!json_is_array(a)) {
		json_decref(a);
		return zs_fail(err, ZS_EFAIL, "%s", TR("这份报告的记录已损坏", "this report's record is damaged"));
	}
	struct doc_builder w = { .d = d };
	size_t i;
	json_array_foreach(a, i, x) {
		const char *k = json_string_value(json_object_get(x, "k")), *t = json_string_value(json_object_get(x, "t"));
		for (size_t j = 0; k && t && j < sizeof block_codes / sizeof *block_codes; j++)
			if (!strcmp(k, block_codes[j]))
				add_block(&w, (enum progress_block_kind)j, "%s", t);
	}
	json_decref(a);
	return w.rc ? zs_fail(err, w.rc, "%s", TR("内存不足", "out of memory")) : ZS_OK;
}

/* --- writing and recording ------------------------------------------------------ */

static int build(struct night *n, const struct progress_record *prev, const char *next, struct progress_doc *d,
		 struct zs_error *err)
{
	struct doc_builder w = { .d = d };
	if (n->nx == 1 && d->exposure_id)
		build_one(&w, n, prev, next);
	else
		build_summary(&w, n, next);
	return w.rc ? zs_fail(err, w.rc, "%s", TR("内存不足", "out of memory")) : ZS_OK;
}

/* The newest action and instruction the report covers. */
static void covered(const struct night *n, struct progress_record *rec)
{
	for (size_t i = 0; i < n->na; i++)
		if (n->a[i].id > rec->last_action)
			rec->last_action = n->a[i].id;
	for (size_t i = 0; i < n->nin; i++)
		if (n->in[i].id > rec->last_instruction)
			rec->last_instruction = n->in[i].id;
}

/* Record d in one transaction, audited; with path, the file is written
 * before the commit and removed again if the commit fails.  RACED when
 * another console recorded a report of the same number first. */
enum { RACED = 100 };
static int record(struct zs_ctx *c, const struct night *n, struct progress_doc *d, const char *next,
		  enum report_format f, const char *path, struct zs_error *err)
{
	struct progress_record rec = { .exposure_id = d->exposure_id, .gala_id = d->exposure_id ? 0 : d->gala_id,
				       .number = d->number, .at = d->at, .next_steps = (char *)(next ? next : "") };
	covered(n, &rec);
	rec.body = blocks_json(d);
	if (!rec.body)
		return zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	int r = store_begin(c->st, err);
	if (!r) {
		struct progress_record last;
		int l = store_progress_last(c->st, rec.exposure_id, rec.gala_id, &last, err);
		if (!l) {
			if (last.number != d->prev_number)
				r = RACED;
			progress_record_clear(&last);
		} else if (l != ZS_ENOTFOUND) {
			r = l;
		} else if (d->prev_number) {
			r = RACED;
		}
		r = r ? r : store_progress_insert(c->st, &rec, err);
		if (!r) {
			json_t *o = json_pack("{s:i, s:I, s:I}", "number", d->number, "last_action", (json_int_t)rec.last_action,
					      "last_instruction", (json_int_t)rec.last_instruction);
			if (*rec.next_steps)
				json_object_set_new(o, "next_steps", json_string(rec.next_steps));
			char *after = json_dumps(o, JSON_COMPACT);
			json_decref(o);
			r = store_audit(c->st, d->exposure_id ? "exposure" : "gala", d->exposure_id ? d->exposure_id : d->gala_id,
					"report", "report", "", after, err);
			free(after);
		}
		r = r || !path ? r : progress_print(d, f, path, NULL, err);
		if (!r && (r = store_commit(c->st, err)) && path)
			remove(path);
		if (r)
			store_rollback(c->st);
	}
	free(rec.body);
	return r;
}

int progress_write(struct zs_ctx *c, const struct progress_params *p, enum report_format f, const char *path,
		   struct progress_doc *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	int r = p->preview ? ZS_OK : role_require(c, ROLE_OPERATOR, "写上报报告", "writing a progress report", err);
	if (r)
		return r;
	char *next = NULL;
	r = field_text(p->next, FIELD("下一步工作（--next）", "--next"), PROGRESS_MAX_NEXT, true, false, &next, err);
	/* Another console may record the same number between the read and the
	 * write: read again and number on, a few times. */
	for (int attempt = 0; !r && attempt < 3; attempt++) {
		struct night n = { .c = c };
		r = read_night(&n, p->exposure_id, err);
		struct progress_record prev = { 0 };
		int l = ZS_ENOTFOUND;
		if (!r) {
			l = store_progress_last(c->st, p->exposure_id, p->exposure_id ? 0 : n.gala.id, &prev, err);
			if (l && l != ZS_ENOTFOUND)
				r = l;
		}
		if (!r) {
			progress_doc_clear(out);
			*out = (struct progress_doc){ .exposure_id = p->exposure_id, .gala_id = n.gala.id, .at = c->now,
						      .number = l ? 1 : prev.number + 1, .prev_number = l ? 0 : prev.number,
						      .prev_at = l ? 0 : prev.at, .by_user = strdup(store_user(c->st)) };
			r = out->by_user ? build(&n, l ? NULL : &prev, next, out, err)
					 : zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
		}
		if (!r && !p->preview)
			r = record(c, &n, out, next, f, path, err);
		else if (!r && path)
			r = progress_print(out, f, path, NULL, err);
		if (!l)
			progress_record_clear(&prev);
		night_clear(&n);
		if (r != RACED)
			break;
		r = attempt < 2 ? ZS_OK : zs_fail(err, ZS_EFAIL, "%s",
						   TR("别的控制台同时在写这份报告，请再试一次",
						      "another console is writing this report at the same time; try again"));
	}
	free(next);
	if (r)
		progress_doc_clear(out);
	return r;
}

/* The latest gala begun by now (exposure_id 0) or nothing to find. */
static int summary_gala(struct zs_ctx *c, int64_t exposure_id, int64_t *gala_id, struct zs_error *err)
{
	*gala_id = 0;
	if (exposure_id)
		return ZS_OK;
	struct night n = { .c = c };
	int r = find_gala(&n, c->now, err);
	*gala_id = n.gala.id;
	free(n.gala.name);
	if (!r && !*gala_id)
		r = zs_fail(err, ZS_ENOTFOUND, "%s", TR("还没有开始的晚会，也就没有汇总报告", "no gala has begun: no summary"));
	return r;
}

int progress_get(struct zs_ctx *c, int64_t exposure_id, int number, struct progress_doc *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	int64_t gala_id;
	int r = summary_gala(c, exposure_id, &gala_id, err);
	if (r)
		return r;
	struct progress_record rec;
	r = store_progress_get(c->st, exposure_id, gala_id, number, &rec, err);
	if (r == ZS_ENOTFOUND) {
		if (exposure_id)
			return zs_fail(err, ZS_ENOTFOUND,
				       TR("曝光问题 #%lld 没有第%d报（zhishou expose show %lld 列出已报的）",
					  "exposure #%lld has no report %d (zhishou expose show %lld lists those sent)"),
				       (long long)exposure_id, number, (long long)exposure_id);
		return zs_fail(err, ZS_ENOTFOUND, TR("这场晚会没有第%d份汇总报告", "this gala has no summary number %d"),
			       number);
	}
	if (r)
		return r;
	*out = (struct progress_doc){ .exposure_id = exposure_id, .gala_id = gala_id, .number = rec.number, .at = rec.at,
				      .by_user = rec.by_user };
	rec.by_user = NULL;
	r = blocks_from_json(rec.body, out, err);
	progress_record_clear(&rec);
	if (r)
		progress_doc_clear(out);
	return r;
}

struct list_build {
	struct zs_ctx *c;
	struct progress_list *l;
	int rc;
};

static int list_cb(const struct progress_record *rec, void *ud)
{
	struct list_build *b = ud;
	struct progress_entry *v = realloc(b->l->v, (b->l->n + 1) * sizeof *v);
	if (!v)
		return b->rc = ZS_EFAIL;
	b->l->v = v;
	v[b->l->n] = (struct progress_entry){ rec->number, rec->at, name_of(b->c, rec->by_user) };
	if (!v[b->l->n++].who)
		b->rc = ZS_EFAIL;
	return b->rc;
}

int progress_list_get(struct zs_ctx *c, int64_t exposure_id, struct progress_list *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	int64_t gala_id;
	int r = summary_gala(c, exposure_id, &gala_id, err);
	if (r)
		return r;
	struct list_build b = { c, out, 0 };
	r = store_read_begin(c->st, err);
	if (!r) {
		r = store_progress_each(c->st, exposure_id, gala_id, list_cb, &b, err);
		store_read_end(c->st);
	}
	if (!r && b.rc)
		r = zs_fail(err, b.rc, "%s", TR("内存不足", "out of memory"));
	if (r)
		progress_list_clear(out);
	return r;
}

void progress_list_clear(struct progress_list *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		free(l->v[i].who);
	if (l) {
		free(l->v);
		memset(l, 0, sizeof *l);
	}
}
