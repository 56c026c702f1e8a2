/* card: the intake and exposure cards (card.h). */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/card.h"
#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/intake.h"
#include "zhishou/exposure.h"
#include "zhishou/member.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

const char *timeline_kind_code(enum timeline_kind k)
{
	static const char *const codes[] = { "create", "view", "change", "note", "action", "instruction" };
	return codes[k];
}

/* Members by login, read once per card: history names people, not logins. */
struct names {
	struct member *m;
	size_t n, cap;
};

static int names_cb(const struct member *m, void *ud)
{
	struct names *ns = ud;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 16;
		struct member *p = realloc(ns->m, cap * sizeof *p);
		if (!p)
			return ZS_EFAIL;
		ns->m = p;
		ns->cap = cap;
	}
	struct member *d = &ns->m[ns->n];
	memset(d, 0, sizeof *d);
	d->unix_user = strdup(m->unix_user);
	d->name = strdup(m->name);
	if (!d->unix_user || !d->name) {
		member_clear(d);
		return ZS_EFAIL;
	}
	ns->n++;
	return 0;
}

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		member_clear(&ns->m[i]);
	free(ns->m);
}

static char *who(const struct names *ns, const char *login)
{
	char buf[256];
	const char *l = login ? login : "";
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->m[i].unix_user, l)) {
			snprintf(buf, sizeof buf, "%s", ns->m[i].name);
			return strdup(buf);
		}
	return strdup(*l ? l : "—");
}

static int tl_add(struct timeline *t, int64_t at, enum timeline_kind k, const char *login, char *whom, char *what)
{
	char *lg = strdup(login ? login : "");
	if (!whom || !what || !lg) {
		free(lg);
		free(whom);
		free(what);
		return ZS_EFAIL;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct timeline_entry *p = realloc(t->e, cap * sizeof *p);
		if (!p) {
			free(lg);
			free(whom);
			free(what);
			return ZS_EFAIL;
		}
		t->e = p;
		t->cap = cap;
	}
	t->e[t->n++] = (struct timeline_entry){ at, k, lg, whom, what };
	return ZS_OK;
}

static void tl_free(struct timeline *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].login);
		free(t->e[i].who);
		free(t->e[i].what);
	}
	free(t->e);
	memset(t, 0, sizeof *t);
}

/* Stable: equal times keep the order they were added in (audit order). */
static int tl_cmp(const void *a, const void *b)
{
	const struct timeline_entry *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

static void tl_sort(struct timeline *t)
{
	/* qsort is not stable; entries are few, so insertion sort keeps ties. */
	for (size_t i = 1; i < t->n; i++) {
		struct timeline_entry v = t->e[i];
		size_t j = i;
		while (j > 0 && tl_cmp(&t->e[j - 1], &v) > 0) {
			t->e[j] = t->e[j - 1];
			j--;
		}
		t->e[j] = v;
	}
}

/* A growing sentence: "状态改为 已受理；转办至 食品科". */
struct words {
	char buf[2048];
	size_t n;
};

static void say(struct words *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct words *w, const char *fmt, ...)
{
	if (w->n >= sizeof w->buf - 1)
		return;
	if (w->n)
		w->n += (size_t)snprintf(w->buf + w->n, sizeof w->buf - w->n, "%s", TR("；", "; "));
	if (w->n >= sizeof w->buf - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(w->buf + w->n, sizeof w->buf - w->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		w->n += (size_t)k;
	if (w->n > sizeof w->buf - 1)
		w->n = sizeof w->buf - 1;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

static json_int_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* The text a note update added: after = before + "\n[time user] note". */
static const char *added_note(const char *before, const char *after)
{
	size_t l = strlen(before);
	const char *p = strncmp(after, before, l) ? after : after + l;
	while (*p == '\n')
		p++;
	/* Drop the "[MM-DD HH:MM user] " stamp: the timeline has both. */
	if (*p == '[') {
		const char *e = strchr(p, ']');
		if (e)
			p = e[1] == ' ' ? e + 2 : e + 1;
	}
	return p;
}

/* One intake audit row in words. */
static int intake_history_cb(const struct audit_row *a, void *ud);

struct intake_build {
	struct zs_ctx *c;
	struct intake_card *card;
	struct names names;
	int rc;
};

static int intake_history_cb(const struct audit_row *a, void *ud)
{
	struct intake_build *b = ud;
	struct timeline *t = &b->card->history;
	char *whom = who(&b->names, a->unix_user);
	if (!strcmp(a->action, "create"))
		return b->rc = tl_add(t, a->at, TL_CREATE, a->unix_user, whom, strdup(TR("登记", "logged")));
	if (!strcmp(a->action, "view"))
		return b->rc = tl_add(t, a->at, TL_VIEW, a->unix_user, whom, strdup(TR("查看来电人", "viewed the caller")));
	if (strcmp(a->action, "update")) {
		/* Any other action is named as recorded. */
		return b->rc = tl_add(t, a->at, TL_CHANGE, a->unix_user, whom, strdup(a->action));
	}
	json_error_t je;
	json_t *bo = json_loads(a->before ? a->before : "{}", 0, &je);
	json_t *ao = json_loads(a->after ? a->after : "{}", 0, &je);
	struct words w = { .n = 0 };
	enum timeline_kind kind = TL_CHANGE;
	const char *status = jstr(ao, "status");
	json_int_t dup = jint(ao, "duplicate_of");
	if (json_object_get(ao, "duplicate_of")) {
		if (dup)
			say(&w, TR("标记为重复件（#%lld）", "marked as a duplicate of #%lld"), (long long)dup);
		else
			say(&w, "%s", TR("取消重复件标记", "no longer a duplicate"));
	}
	if (*status && !(dup && !strcmp(status, "duplicate")))
		say(&w, TR("状态改为 %s", "status set to %s"), vocab_label(&vocab_status, status));
	if (json_object_get(ao, "odr_uscc") && *jstr(ao, "odr_uscc")) {
		/* The note says which business; the history says how (a unit
		 * that had it before is not "withdrawn": the business has it). */
		say(&w, "%s", TR("经ODR转交经营者处理", "handed to the business through ODR"));
	} else if (json_object_get(ao, "transfer_unit_id")) {
		json_int_t u = jint(ao, "transfer_unit_id");
		char *name = u ? store_unit_name(b->c->st, u) : NULL;
		if (u)
			say(&w, TR("转办至 %s", "transferred to %s"), name ? name : "?");
		else
			say(&w, "%s", TR("取消转办", "transfer withdrawn"));
		free(name);
	} else if (json_object_get(ao, "handling")) {
		const char *h = jstr(ao, "handling");
		if (*h)
			say(&w, TR("处理方式：%s", "handling: %s"), vocab_label(&vocab_handling, h));
	}
	if (json_object_get(ao, "exposure_id")) {
		json_int_t e = jint(ao, "exposure_id");
		if (e)
			say(&w, TR("关联曝光问题 #%lld", "linked to exposure #%lld"), (long long)e);
		else
			say(&w, "%s", TR("取消关联曝光问题", "unlinked from its exposure"));
	}
	if (json_object_get(ao, "recovered_fen")) {
		json_int_t f = jint(ao, "recovered_fen");
		say(&w, TR("挽回经济损失 %lld.%02lld 元", "money recovered: %lld.%02lld yuan"), (long long)(f / 100),
		    (long long)(f % 100));
	}
	if (json_object_get(ao, "outcome")) {
		const char *o = jstr(ao, "outcome");
		if (*o)
			say(&w, TR("调解结果：%s", "outcome: %s"), vocab_label(&vocab_outcome, o));
		else
			say(&w, "%s", TR("调解结果清除", "outcome cleared"));
	}
	if (json_object_get(ao, "platform_no")) {
		const char *was = jstr(bo, "platform_no"), *now = jstr(ao, "platform_no");
		if (*was)
			say(&w, TR("12315平台编号由 %s 改为 %s", "12315 platform number changed from %s to %s"), was, now);
		else
			say(&w, TR("录入12315平台，编号 %s", "entered into the 12315 platform as %s"), now);
	}
	if (json_object_get(ao, "notes")) {
		if (!w.n)
			kind = TL_NOTE;
		say(&w, TR("备注：%s", "note: %s"), added_note(jstr(bo, "notes"), jstr(ao, "notes")));
	}
	if (!w.n)
		say(&w, "%s", TR("修改", "changed"));
	json_decref(bo);
	json_decref(ao);
	return b->rc = tl_add(t, a->at, kind, a->unix_user, whom, strdup(w.buf));
}

static unsigned intake_may(struct zs_ctx *c, const struct intake *i)
{
	(void)i;
	if (member_role(c) < ROLE_OPERATOR)
		return 0;
	return MAY_STATUS | MAY_TRANSFER | MAY_LINK | MAY_DUPLICATE | MAY_NOTE | MAY_MONEY;
}

int intake_card_build(struct zs_ctx *c, int64_t id, bool record_view, struct intake_card *card,
		      struct zs_error *err)
{
	memset(card, 0, sizeof *card);
	int r = store_intake_get(c->st, id, &card->in, err);
	if (r == ZS_ENOTFOUND)
		return zs_fail(err, ZS_ENOTFOUND, TR("没有编号为 %lld 的登记", "no intake with id %lld"), (long long)id);
	if (r)
		return r;
	card->caller = privacy_apply(c, &card->in, PURPOSE_DETAIL);
	if (record_view && card->caller == CALLER_WHOLE) {
		/* Who looked at a caller's identity, and when, is on the record. */
		r = store_begin(c->st, err);
		r = r ? r : store_audit(c->st, "intake", id, "view", "caller,phone", "", "", err);
		r = r ? r : store_commit(c->st, err);
		if (r) {
			store_rollback(c->st);
			intake_card_clear(card);
			return r;
		}
	}
	struct intake_build b = { .c = c, .card = card };
	r = store_member_each(c->st, names_cb, &b.names, err);
	card->recorder = who(&b.names, card->in.created_by);
	card->platform_by = *card->in.platform_by ? who(&b.names, card->in.platform_by) : NULL;
	if (!r)
		r = store_audit_each(c->st, "intake", id, 0, 0, intake_history_cb, &b, err);
	if (!r && b.rc)
		r = zs_fail(err, b.rc, "%s", TR("内存不足", "out of memory"));
	names_free(&b.names);
	if (r) {
		intake_card_clear(card);
		return r;
	}
	tl_sort(&card->history);
	card->may = intake_may(c, &card->in);
	return ZS_OK;
}

void intake_card_clear(struct intake_card *card)
{
	intake_clear(&card->in);
	free(card->recorder);
	free(card->platform_by);
	tl_free(&card->history);
	memset(card, 0, sizeof *card);
}

static const char *caller_code(enum caller_shown s)
{
	static const char *const codes[] = { "none", "whole", "masked", "withheld" };
	return codes[s];
}

static json_t *timeline_json(const struct timeline *t)
{
	json_t *arr = json_array();
	char iso[40];
	for (size_t i = 0; i < t->n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "at",
						     time_format(t->e[i].at, TIME_ISO, iso, sizeof iso), "kind",
						     timeline_kind_code(t->e[i].kind), "by", t->e[i].who, "login",
						     t->e[i].login, "what", t->e[i].what));
	return arr;
}

/* A record's own JSON text (intake_json, exposure_json) as an object the
 * card adds to; NULL when out of memory. */
static json_t *record_object(char *text)
{
	json_error_t je;
	json_t *o = text ? json_loads(text, 0, &je) : NULL;
	free(text);
	return o;
}

static char *dump_and_free(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

char *intake_card_json(const struct intake_card *card)
{
	/* The record's own JSON (callers already as this viewer sees them)
	 * plus what the table adds. */
	json_t *o = record_object(intake_json(&card->in, false));
	if (!o)
		return NULL;
	char iso[40];
	json_object_set_new(o, "caller_shown", json_string(caller_code(card->caller)));
	json_object_set_new(o, "exposure_title", card->in.exposure_id && card->in.exposure_title
							 ? json_string(card->in.exposure_title)
							 : json_null());
	json_object_set_new(o, "recorded_by", json_string(card->recorder ? card->recorder : ""));
	json_object_set_new(o, "platform_by", json_string(card->platform_by ? card->platform_by : ""));
	json_object_set_new(o, "platform_at", card->in.platform_at ? json_string(time_format(card->in.platform_at, TIME_ISO, iso, sizeof iso))
								  : json_null());
	json_object_set_new(o, "created_at", json_string(time_format(card->in.created_at, TIME_ISO, iso, sizeof iso)));
	json_object_set_new(o, "history", timeline_json(&card->history));
	return dump_and_free(o);
}

/* ---- the exposure card ---- */

struct exposure_build {
	struct zs_ctx *c;
	struct exposure_card *card;
	struct names names;
	int rc;
};

static int keep_action(struct exposure_card *card, const struct exposure_action *a)
{
	struct exposure_action *p = realloc(card->actions, (card->nactions + 1) * sizeof *p);
	if (!p)
		return ZS_EFAIL;
	card->actions = p;
	struct exposure_action *d = &p[card->nactions];
	*d = *a;
	d->kind = strdup(a->kind ? a->kind : "");
	d->note = strdup(a->note ? a->note : "");
	d->by_user = strdup(a->by_user ? a->by_user : "");
	card->nactions++;
	return d->kind && d->note && d->by_user ? ZS_OK : ZS_EFAIL;
}

static int action_cb(const struct exposure_action *a, void *ud)
{
	struct exposure_build *b = ud;
	if (keep_action(b->card, a))
		return b->rc = ZS_EFAIL;
	struct words w = { .n = 0 };
	if (a->count)
		say(&w, "%s %lld", vocab_label(&vocab_action, a->kind), (long long)a->count);
	else
		say(&w, "%s", vocab_label(&vocab_action, a->kind));
	if (a->note && *a->note) {
		size_t k = strlen(w.buf);
		snprintf(w.buf + k, sizeof w.buf - k, "%s%s", TR("：", ": "), a->note);
	}
	return b->rc = tl_add(&b->card->timeline, a->at, TL_ACTION, a->by_user, who(&b->names, a->by_user), strdup(w.buf));
}

static int instruction_cb(const struct exposure_instruction *a, void *ud)
{
	struct exposure_build *b = ud;
	free(b->card->last_instruction);
	b->card->last_instruction = strdup(a->text);
	return b->rc = tl_add(&b->card->timeline, a->at, TL_INSTRUCTION, a->by_user, who(&b->names, a->by_user),
			      strdup(a->text));
}

/* Local involvement settled (exposure_local_set's audit row): the word,
 * the count and the businesses' names. */
static int local_change(struct exposure_build *b, const struct audit_row *a)
{
	json_error_t je;
	json_t *o = json_loads(a->after ? a->after : "{}", 0, &je);
	const char *local = json_string_value(json_object_get(o, "local"));
	json_int_t n = json_integer_value(json_object_get(o, "local_count"));
	struct words w = { .n = 0 };
	if (local && !strcmp(local, "yes") && n > 0) {
		say(&w, TR("本地涉及核实：涉及（%lld 户）", "local involvement settled: %lld businesses"), (long long)n);
		json_t *list = json_object_get(o, "entities"), *x;
		size_t i;
		json_array_foreach(list, i, x) {
			const char *name = json_string_value(json_object_get(x, "name"));
			if (i == 10) {
				say(&w, "%s", TR("等", "…"));
				break;
			}
			if (name)
				say(&w, "%s", name);
		}
	} else {
		say(&w, TR("本地涉及核实：%s", "local involvement settled: %s"), vocab_label(&vocab_local, local ? local : "unknown"));
	}
	json_decref(o);
	return b->rc = tl_add(&b->card->timeline, a->at, TL_CHANGE, a->unix_user, who(&b->names, a->unix_user), strdup(w.buf));
}

/* A progress report sent up (progress_write's audit row): its number. */
static int report_sent(struct exposure_build *b, const struct audit_row *a)
{
	json_error_t je;
	json_t *o = json_loads(a->after ? a->after : "{}", 0, &je);
	json_int_t n = json_integer_value(json_object_get(o, "number"));
	json_decref(o);
	struct words w = { .n = 0 };
	say(&w, TR("向市局上报第%lld报（zhishou expose report %lld --number %lld 可再次打印）",
		   "progress report %lld sent to the city (zhishou expose report %lld --number %lld prints it again)"),
	    (long long)n, (long long)a->entity_id, (long long)n);
	return b->rc = tl_add(&b->card->timeline, a->at, TL_CHANGE, a->unix_user, who(&b->names, a->unix_user), strdup(w.buf));
}

/* Changes of status, level, lead unit … from the audit (actions and
 * instructions come from their own tables). */
static int change_cb(const struct audit_row *a, void *ud)
{
	struct exposure_build *b = ud;
	if (!strcmp(a->action, "create"))
		return b->rc = tl_add(&b->card->timeline, a->at, TL_CREATE, a->unix_user, who(&b->names, a->unix_user),
				      strdup(TR("登记曝光问题", "exposure recorded")));
	if (!strcmp(a->action, "local"))
		return local_change(b, a);
	if (!strcmp(a->action, "report"))
		return report_sent(b, a);
	if (strcmp(a->action, "update"))
		return 0;
	json_error_t je;
	json_t *o = json_loads(a->after ? a->after : "{}", 0, &je);
	struct words w = { .n = 0 };
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		char val[1024];
		if (json_is_string(v))
			snprintf(val, sizeof val, "%s", json_string_value(v));
		else if (json_is_integer(v))
			snprintf(val, sizeof val, "%lld", (long long)json_integer_value(v));
		else
			snprintf(val, sizeof val, "—");
		if (!strcmp(key, "status"))
			say(&w, TR("状态改为 %s", "status set to %s"), vocab_label(&vocab_exposure_status, val));
		else if (!strcmp(key, "level"))
			say(&w, TR("级别改为 %s", "now %s"), vocab_label(&vocab_level, val));
		else if (!strcmp(key, "local"))
			say(&w, TR("本地涉及：%s", "local: %s"), vocab_label(&vocab_local, val));
		else if (!strcmp(key, "lead_unit"))
			say(&w, TR("牵头单位：%s", "lead unit: %s"), val);
		else if (!strcmp(key, "deadline")) {
			int64_t t;
			char tm[1024];
			if (time_parse(val, 0, &t, NULL, 0))
				time_format(t, TIME_FULL, tm, sizeof tm);
			else
				snprintf(tm, sizeof tm, "%s", val);
			say(&w, TR("时限改为 %s", "deadline set to %s"), tm);
		} else if (!strcmp(key, "companies"))
			say(&w, TR("涉事企业：%s", "companies: %s"), val);
		else if (!strcmp(key, "keywords"))
			say(&w, TR("关键词：%s", "keywords: %s"), val);
		else if (!strcmp(key, "industry"))
			say(&w, TR("行业：%s", "industry: %s"), val);
		else if (!strcmp(key, "assist_units"))
			say(&w, TR("协办单位：%s", "assisting units: %s"), val);
		else if (!strcmp(key, "title"))
			say(&w, TR("标题：%s", "title: %s"), val);
		else
			say(&w, TRF("%s：%s", "%s: %s"), key, val);
	}
	json_decref(o);
	if (!w.n)
		return 0;
	return b->rc = tl_add(&b->card->timeline, a->at, TL_CHANGE, a->unix_user, who(&b->names, a->unix_user), strdup(w.buf));
}

static int linked_cb(const struct intake *i, void *ud)
{
	struct exposure_build *b = ud;
	struct exposure_card *card = b->card;
	if (card->nlinked >= CARD_LINKED_MAX)
		return 0;   /* the filter's limit stops the read first */
	struct intake *d = &card->linked[card->nlinked];
	if (!intake_copy(d, i))
		return b->rc = ZS_EFAIL;
	card->nlinked++;
	privacy_apply(b->c, d, PURPOSE_LIST);
	return 0;
}

static int card_opinion_cb(const struct opinion *o, void *ud)
{
	struct exposure_build *b = ud;
	struct exposure_card *card = b->card;
	struct opinion *v = realloc(card->opinions, (card->nopinions + 1) * sizeof *v);
	if (!v)
		return b->rc = ZS_EFAIL;
	card->opinions = v;
	if (!opinion_copy(&v[card->nopinions], o))
		return b->rc = ZS_EFAIL;
	card->nopinions++;
	return 0;
}

static unsigned exposure_may(struct zs_ctx *c)
{
	enum role r = member_role(c);
	unsigned m = 0;
	if (r >= ROLE_OPERATOR)
		m |= MAY_ACTION | MAY_EDIT;
	if (r >= ROLE_LEADER)
		m |= MAY_INSTRUCT | MAY_LEVEL | MAY_LEAD | MAY_DEADLINE | MAY_EXPOSURE_STATUS;
	return m;
}

int exposure_card_build(struct zs_ctx *c, int64_t id, struct exposure_card *card, struct zs_error *err)
{
	memset(card, 0, sizeof *card);
	int r = store_exposure_get(c->st, id, &card->e, err);
	if (r == ZS_ENOTFOUND)
		return zs_fail(err, ZS_ENOTFOUND, TR("没有编号为 %lld 的曝光问题", "no exposure with id %lld"), (long long)id);
	if (r)
		return r;
	card->due = exposure_due(&card->e, c->now, DUE_WARN_SECONDS);
	card->linked = calloc(CARD_LINKED_MAX, sizeof *card->linked);
	if (!card->linked) {
		exposure_card_clear(card);
		return zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	}
	struct exposure_build b = { .c = c, .card = card };
	r = store_read_begin(c->st, err);
	if (!r) {
		r = store_member_each(c->st, names_cb, &b.names, err);
		r = r ? r : store_audit_each(c->st, "exposure", id, 0, 0, change_cb, &b, err);
		r = r || b.rc ? r : store_action_each(c->st, id, action_cb, &b, err);
		r = r || b.rc ? r : store_instruction_each(c->st, id, instruction_cb, &b, err);
		struct intake_filter f = { .exposure_id = id, .limit = CARD_LINKED_MAX };
		r = r || b.rc ? r : store_intake_each(c->st, &f, linked_cb, &b, err);
		r = r || b.rc ? r : opinion_list(c, false, id, card_opinion_cb, &b, err);
		store_read_end(c->st);
	}
	if (!r && b.rc)
		r = zs_fail(err, b.rc, "%s", TR("内存不足", "out of memory"));
	names_free(&b.names);
	if (r) {
		exposure_card_clear(card);
		return r;
	}
	card->linked_total = card->e.linked;
	tl_sort(&card->timeline);
	card->may = exposure_may(c);
	return ZS_OK;
}

void exposure_card_clear(struct exposure_card *card)
{
	exposure_clear(&card->e);
	tl_free(&card->timeline);
	free(card->last_instruction);
	for (size_t i = 0; i < card->nactions; i++)
		exposure_action_clear(&card->actions[i]);
	free(card->actions);
	for (size_t i = 0; i < card->nlinked; i++)
		intake_clear(&card->linked[i]);
	free(card->linked);
	for (size_t i = 0; i < card->nopinions; i++)
		opinion_clear(&card->opinions[i]);
	free(card->opinions);
	memset(card, 0, sizeof *card);
}

static const char *due_code(enum due_state d)
{
	static const char *const codes[] = { "none", "later", "soon", "overdue" };
	return codes[d];
}

char *exposure_card_json(const struct exposure_card *card)
{
	json_t *o = record_object(exposure_json(&card->e));
	if (!o)
		return NULL;
	char iso[40];
	json_object_set_new(o, "due", json_string(due_code(card->due)));
	json_object_set_new(o, "overdue", json_boolean(card->due == DUE_OVERDUE));
	json_object_set_new(o, "created_by", json_string(card->e.created_by ? card->e.created_by : ""));
	json_object_set_new(o, "timeline", timeline_json(&card->timeline));
	json_t *actions = json_array(), *instr = json_array();
	for (size_t i = 0; i < card->nactions; i++) {
		const struct exposure_action *a = &card->actions[i];
		json_array_append_new(actions, json_pack("{s:s, s:s, s:I, s:s, s:s}", "at",
							 time_format(a->at, TIME_ISO, iso, sizeof iso), "kind", a->kind,
							 "count", (json_int_t)a->count, "note", a->note, "login",
							 a->by_user));
	}
	for (size_t i = 0; i < card->timeline.n; i++) {
		const struct timeline_entry *t = &card->timeline.e[i];
		if (t->kind == TL_INSTRUCTION)
			json_array_append_new(instr, json_pack("{s:s, s:s, s:s, s:s}", "at",
							       time_format(t->at, TIME_ISO, iso, sizeof iso), "by",
							       t->who, "login", t->login, "text", t->what));
	}
	json_object_set_new(o, "actions", actions);
	json_object_set_new(o, "instructions", instr);
	json_object_set_new(o, "last_instruction",
			    card->last_instruction ? json_string(card->last_instruction) : json_null());
	json_t *linked = json_array();
	for (size_t i = 0; i < card->nlinked; i++) {
		const struct intake *in = &card->linked[i];
		json_array_append_new(linked, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)in->id,
							"received_at", time_format(in->received_at, TIME_ISO, iso, sizeof iso),
							"status", in->status, "subject", in->subject, "summary",
							in->summary, "caller", in->caller));
	}
	json_object_set_new(o, "linked", linked);
	json_object_set_new(o, "linked_total", json_integer(card->linked_total));
	json_t *opinions = json_array();
	for (size_t i = 0; i < card->nopinions; i++)
		json_array_append_new(opinions, record_object(opinion_json(&card->opinions[i])));
	json_object_set_new(o, "opinions", opinions);
	return dump_and_free(o);
}
