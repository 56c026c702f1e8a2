/* Outbox events for the chat robots. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/member.h"
#include "zhishou/opinion.h"
#include "zhishou/alert.h"
#include "zhishou/rules.h"
#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

const char *alert_event_label(const char *event)
{
	static const struct code_label labels[] = {
		{ "exposure_new", "新曝光", "new exposure" },
		{ "level_raised", "级别提升", "level raised" },
		{ "status_changed", "状态变更", "status changed" },
		{ "lead_set", "确定牵头单位", "lead unit set" },
		{ "local_set", "本地涉及核实", "local involvement settled" },
		{ "deadline_soon", "临近时限", "deadline soon" },
		{ "deadline_passed", "已超时限", "deadline passed" },
		{ "digest", "关联投诉摘要", "linked intakes digest" },
		{ "handover_signed", "交接班", "handover signed" },
		{ "opinion_major", "重大舆情", "major opinion" },
	};
	static const struct vocab v = { "事件", "event", labels, sizeof labels / sizeof labels[0] };
	return vocab_label(&v, event);
}

static json_t *unit_or_null(const char *name)
{
	return name && *name ? json_string(name) : json_null();
}

static int add(struct zs_ctx *c, const char *event, int64_t exposure_id, const char *dedupe, json_t *payload,
	       bool *added, struct zs_error *err)
{
	char *s = json_dumps(payload, JSON_COMPACT);
	json_decref(payload);
	if (!s)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	int r = store_outbox_add(c->st, c->now, event, exposure_id, dedupe, s, added, err);
	free(s);
	return r;
}

int alert_exposure_new(struct zs_ctx *c, const struct exposure *e, struct zs_error *err)
{
	json_t *p = json_pack("{s:s, s:i, s:s, s:o, s:I, s:I}", "title", e->title, "level", e->level, "local",
			      e->local ? e->local : "unknown", "lead_unit", unit_or_null(e->lead_unit), "deadline",
			      (json_int_t)e->deadline, "aired_at", (json_int_t)e->aired_at);
	return add(c, "exposure_new", e->id, NULL, p, NULL, err);
}

int alert_exposure_local(struct zs_ctx *c, const struct exposure *e, const char *names, struct zs_error *err)
{
	/* Counts and businesses' names only, as every alert: no addresses,
	 * no people. */
	json_t *p = json_pack("{s:s, s:s, s:I, s:s}", "title", e->title, "local", e->local, "count",
			      (json_int_t)e->local_count, "names", names);
	return add(c, "local_set", e->id, NULL, p, NULL, err);
}

int alert_opinion_major(struct zs_ctx *c, const struct opinion *o, struct zs_error *err)
{
	/* The opinion as the public saw it and the exposure it echoes: no
	 * intake, no caller, even when one is linked. */
	json_t *p = json_pack("{s:I, s:s, s:s, s:s, s:o}", "opinion_id", (json_int_t)o->id, "title", o->title,
			      "level", o->level, "platform", o->platform, "exposure_title",
			      o->exposure_title && *o->exposure_title ? json_string(o->exposure_title) : json_null());
	return add(c, "opinion_major", o->exposure_id, NULL, p, NULL, err);
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

int alert_exposure_changed(struct zs_ctx *c, const struct exposure *b, const struct exposure *a,
			   struct zs_error *err)
{
	int r = ZS_OK;
	/* Level 1 is the gravest: raised means a smaller number. */
	if (a->level < b->level)
		r = add(c, "level_raised", a->id, NULL,
			json_pack("{s:s, s:i, s:i}", "title", a->title, "level", a->level, "old_level", b->level),
			NULL, err);
	if (!r && !same(a->status, b->status))
		r = add(c, "status_changed", a->id, NULL,
			json_pack("{s:s, s:s, s:s}", "title", a->title, "status", a->status, "old_status", b->status),
			NULL, err);
	if (!r && a->lead_unit_id && a->lead_unit_id != b->lead_unit_id)
		r = add(c, "lead_set", a->id, NULL,
			json_pack("{s:s, s:o, s:o}", "title", a->title, "lead_unit", unit_or_null(a->lead_unit),
				  "old_lead_unit", unit_or_null(b->lead_unit)),
			NULL, err);
	return r;
}

struct scan {
	struct zs_ctx *c;
	int64_t warn_s, digest_s;
	int made;
	struct zs_error *err;
};

static int deadline_event(struct scan *s, const struct exposure *e, const char *event)
{
	char key[96];
	/* Keyed by the deadline too: a deadline moved later warns again. */
	snprintf(key, sizeof key, "%s:%lld:%lld", event, (long long)e->id, (long long)e->deadline);
	json_t *p = json_pack("{s:s, s:I, s:s, s:o}", "title", e->title, "deadline", (json_int_t)e->deadline,
			      "status", e->status, "lead_unit", unit_or_null(e->lead_unit));
	bool added = false;
	int r = add(s->c, event, e->id, key, p, &added, s->err);
	s->made += added;
	return r;
}

static int scan_one(const struct exposure *e, void *ud)
{
	struct scan *s = ud;
	int64_t now = s->c->now;
	int r = ZS_OK;
	enum due_state due = exposure_due(e, now, s->warn_s);
	if (due == DUE_NONE)
		return ZS_OK;   /* finished */
	if (due == DUE_OVERDUE)
		r = deadline_event(s, e, "deadline_passed");
	else if (due == DUE_SOON)
		r = deadline_event(s, e, "deadline_soon");
	if (r)
		return r;
	int64_t last = 0, at = 0;
	bool marked = store_digest_mark_get(s->c->st, e->id, &last, &at) == ZS_OK;
	if (e->linked <= last || (marked && now - at < s->digest_s))
		return ZS_OK;
	char key[96];
	snprintf(key, sizeof key, "digest:%lld:%lld", (long long)e->id, (long long)e->linked);
	json_t *p = json_pack("{s:s, s:I, s:I, s:I}", "title", e->title, "new", (json_int_t)(e->linked - last),
			      "total", (json_int_t)e->linked, "minutes",
			      (json_int_t)(marked ? (now - at + 59) / 60 : s->digest_s / 60));
	bool added = false;
	r = add(s->c, "digest", e->id, key, p, &added, s->err);
	s->made += added;
	return r ? r : store_digest_mark_set(s->c->st, e->id, e->linked, now, s->err);
}

int alert_time_events(struct zs_ctx *c, int64_t warn_s, int64_t digest_s, int *made, struct zs_error *err)
{
	struct scan s = { .c = c, .warn_s = warn_s, .digest_s = digest_s, .err = err };
	int r = store_begin(c->st, err);
	if (r)
		return r;
	r = store_exposure_each(c->st, true, NULL, scan_one, &s, err);
	r = r ? r : store_commit(c->st, err);
	if (r) {
		store_rollback(c->st);
		s.made = 0;
	}
	*made = s.made;
	return r;
}

static int settle_one(const struct exposure *e, void *ud)
{
	struct scan *s = ud;
	return store_digest_mark_set(s->c->st, e->id, e->linked, s->c->now, s->err);
}

int alert_settle(struct zs_ctx *c, struct zs_error *err)
{
	struct scan s = { .c = c, .err = err };
	int r = store_begin(c->st, err);
	if (r)
		return r;
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)store_outbox_last_id(c->st));
	r = store_setting_set(c->st, ALERT_FANOUT_KEY, id, err);
	r = r ? r : store_exposure_each(c->st, true, NULL, settle_one, &s, err);
	r = r ? r : store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}

int alert_retry(struct zs_ctx *c, int64_t id, int64_t *n, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_OPERATOR, "重发提醒", "resending alerts", err);
	if (rr_)
		return rr_;
	*n = 0;
	int r = store_begin(c->st, err);
	if (r)
		return r;
	/* Due at real time, which is the relay's scheduling clock. */
	r = store_delivery_retry(c->st, id, time_now() * 1000, n, err);
	if (r == ZS_ENOTFOUND)
		zs_fail(err, ZS_ENOTFOUND, TR("编号 %lld 不是发送失败的消息（用 outbox list --failed 查看）",
					      "%lld is not a failed delivery (see outbox list --failed)"), (long long)id);
	r = r ? r : store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}
