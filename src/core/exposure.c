/* Exposures: the escalation board's records. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/member.h"
#include "zhishou/alert.h"
#include "zhishou/codes.h"
#include "zhishou/exposure.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/pick.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

static bool given(const char *s) { return s && *s; }

int64_t exposure_default_deadline(const struct zs_ctx *c, int64_t aired)
{
	int y, m, d, hh, mm, ss;
	time_to_local(aired, &y, &m, &d, &hh, &mm, &ss);
	/* "Before morning": the next day's deadline_hour; something aired after
	 * midnight but before that hour is due the same morning. */
	int64_t same = time_from_local(y, m, d, c->cfg->deadline_hour * 3600);
	if (same > aired + 3600)
		return same;
	return time_from_local(y, m, d, c->cfg->deadline_hour * 3600 + 24 * 3600);
}

char *exposure_json(const struct exposure *e)
{
	char t[40];
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "aired_at", json_string(time_format(e->aired_at, TIME_ISO, t, sizeof t)));
	json_object_set_new(o, "title", json_string(e->title));
	json_object_set_new(o, "industry", json_string(e->industry));
	json_object_set_new(o, "companies", json_string(e->companies));
	json_object_set_new(o, "keywords", json_string(e->keywords));
	json_object_set_new(o, "local", json_string(e->local));
	json_object_set_new(o, "local_count", json_integer(e->local_count));
	json_object_set_new(o, "lead_unit", e->lead_unit && *e->lead_unit ? json_string(e->lead_unit) : json_null());
	json_object_set_new(o, "assist_units", json_string(e->assist_units));
	json_object_set_new(o, "level", json_integer(e->level));
	json_object_set_new(o, "status", json_string(e->status));
	json_object_set_new(o, "deadline", json_string(time_format(e->deadline, TIME_ISO, t, sizeof t)));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static int resolve_unit(struct zs_ctx *c, const char *in, int64_t *id, struct zs_error *err)
{
	char *name = NULL;
	int r = field_text(in, FIELD("牵头单位", "lead unit"), 64, false, true, &name, err);
	if (!r)
		r = pick_unit(c, name, TR("牵头单位", "lead unit"), id, NULL, err);
	free(name);
	return r;
}

/* "食品;执法" -> "食品安全监管科;综合行政执法支队": each picked like the lead. */
static int resolve_assist(struct zs_ctx *c, const char *list, char **out, struct zs_error *err)
{
	char *copy = strdup(list), *save = NULL, *buf = NULL;
	size_t len = 0;
	FILE *f = copy ? open_memstream(&buf, &len) : NULL;
	if (!f) {
		free(copy);
		return zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	}
	int r = ZS_OK, n = 0;
	for (char *t = strtok_r(copy, ";", &save); t && !r; t = strtok_r(NULL, ";", &save)) {
		int64_t id;
		char *name = NULL;
		r = pick_unit(c, t, TR("协办单位", "assisting unit"), &id, &name, err);
		if (!r)
			fprintf(f, "%s%s", n++ ? ";" : "", name);
		free(name);
	}
	fclose(f);
	free(copy);
	if (r)
		free(buf);
	else
		*out = buf;
	return r;
}

static int set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
	return ZS_OK;
}

/* Apply the given fields of in onto e (creation and update alike). */
static int apply(struct zs_ctx *c, struct exposure *e, const struct exposure_input *in, struct zs_error *err)
{
	int r;
	char *v;
	const char *code;
	if (given(in->title) || in->title) {
		if ((r = field_text(in->title, FIELD("标题", "title"), EXPOSURE_MAX_TITLE, false, true, &v, err)))
			return r;
		set_str(&e->title, v);
	}
	if (given(in->aired)) {
		if ((r = field_time(in->aired, FIELD("曝光时间", "aired time"), c->now, &e->aired_at, err)))
			return r;
	}
	if (in->industry) {
		if ((r = field_text(in->industry, FIELD("行业", "industry"), 50, false, false, &v, err)))
			return r;
		set_str(&e->industry, v);
	}
	if (in->companies) {
		if ((r = field_list(in->companies, FIELD("涉事企业", "companies"), EXPOSURE_MAX_LIST, &v, err)))
			return r;
		set_str(&e->companies, v);
	}
	if (in->keywords) {
		if ((r = field_list(in->keywords, FIELD("关键词", "keywords"), EXPOSURE_MAX_LIST, &v, err)))
			return r;
		set_str(&e->keywords, v);
	}
	if (in->assist) {
		if ((r = field_list(in->assist, FIELD("协办单位", "assisting units"), EXPOSURE_MAX_LIST, &v, err)))
			return r;
		char *named = NULL;
		r = *v ? resolve_assist(c, v, &named, err) : ZS_OK;
		if (named) {
			free(v);
			v = named;
		}
		if (r) {
			free(v);
			return r;
		}
		set_str(&e->assist_units, v);
	}
	if (given(in->local)) {
		if ((r = field_code(in->local, &vocab_local, &code, err)))
			return r;
		/* Confirmed businesses are withdrawn where they were confirmed,
		 * so the count and the word never disagree. */
		if (e->local_count > 0 && strcmp(code, "yes"))
			return zs_fail(err, ZS_EINPUT,
				       TR("本地涉及已核实为 %lld 户：改为“%s”请用 zhishou expose local %lld --none（或 --withdraw 代码）",
					  "%lld local businesses are confirmed: to make it \"%s\" use zhishou expose local %lld --none (or --withdraw CODE)"),
				       (long long)e->local_count, vocab_label(&vocab_local, code), (long long)e->id);
		set_str(&e->local, strdup(code));
	}
	if (given(in->level)) {
		if ((r = field_code(in->level, &vocab_level, &code, err)))
			return r;
		e->level = code[0] - '0';
	}
	if (given(in->status)) {
		if ((r = field_code(in->status, &vocab_exposure_status, &code, err)))
			return r;
		set_str(&e->status, strdup(code));
	}
	if (given(in->lead)) {
		if ((r = resolve_unit(c, in->lead, &e->lead_unit_id, err)))
			return r;
	}
	if (given(in->deadline)) {
		if ((r = field_time(in->deadline, FIELD("办结时限", "deadline"), c->now, &e->deadline, err)))
			return r;
		if (e->deadline <= e->aired_at)
			return zs_fail(err, ZS_EINPUT, TR("办结时限必须晚于曝光时间", "the deadline must be after the aired time"));
	}
	/* A problem with nothing local is closed by that finding. */
	if (!strcmp(e->local ? e->local : "", "no") && given(in->local) && !given(in->status) &&
	    !exposure_status_is_closed(e->status))
		set_str(&e->status, strdup("no-local"));
	return ZS_OK;
}

/* Level, lead unit, status and deadline are a leader's call; the rest
 * (title, companies, keywords …) any operator may record. */
static int require_for(struct zs_ctx *c, const struct exposure_input *in, struct zs_error *err)
{
	if (given(in->level) || given(in->lead) || given(in->status) || given(in->deadline))
		return role_require(c, ROLE_LEADER, "设定曝光问题的级别、牵头单位、状态或时限",
				    "setting an exposure's level, lead unit, status or deadline", err);
	return role_require(c, ROLE_OPERATOR, "登记曝光问题", "recording an exposure", err);
}

int exposure_add(struct zs_ctx *c, const struct exposure_input *in, int64_t *id, struct zs_error *err)
{
	int rr_ = require_for(c, in, err);
	if (rr_)
		return rr_;
	struct exposure e = { 0 };
	e.aired_at = c->now;
	e.level = 4;
	e.title = strdup("");
	e.industry = strdup("");
	e.companies = strdup("");
	e.keywords = strdup("");
	e.assist_units = strdup("");
	e.local = strdup("unknown");
	e.status = strdup("aired");
	struct exposure_input tmp = *in;
	if (!tmp.title)
		tmp.title = "";
	int r = apply(c, &e, &tmp, err);
	if (!r && !given(in->deadline))
		e.deadline = exposure_default_deadline(c, e.aired_at);
	e.created_at = e.updated_at = c->now;
	if (!r && !(r = store_begin(c->st, err))) {
		r = store_exposure_insert(c->st, &e, err);
		/* The register's candidates, found as it is recorded. */
		if (!r)
			r = exposure_local_match(c, e.id, NULL, err);
		if (!r) {
			char *lead = e.lead_unit_id ? store_unit_name(c->st, e.lead_unit_id) : NULL;
			e.lead_unit = lead;
			char *after = exposure_json(&e);
			r = store_audit(c->st, "exposure", e.id, "create", "", "", after, err);
			free(after);
			r = r ? r : alert_exposure_new(c, &e, err);
		}
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	*id = e.id;
	exposure_clear(&e);
	return r;
}

static int load(struct zs_ctx *c, int64_t id, struct exposure *e, struct zs_error *err)
{
	int r = store_exposure_get(c->st, id, e, err);
	if (r == ZS_ENOTFOUND)
		return zs_fail(err, ZS_ENOTFOUND, TR("没有编号为 %lld 的曝光问题", "no exposure with id %lld"), (long long)id);
	return r;
}

int exposure_update(struct zs_ctx *c, int64_t id, const struct exposure_input *in, struct zs_error *err)
{
	int rr_ = require_for(c, in, err);
	if (rr_)
		return rr_;
	int r = store_begin(c->st, err);
	if (r)
		return r;
	struct exposure before, after;
	if ((r = load(c, id, &before, err))) {
		store_rollback(c->st);
		return r;
	}
	exposure_copy(&after, &before);
	r = apply(c, &after, in, err);
	if (!r) {
		after.updated_at = c->now;
		r = store_exposure_update(c->st, &after, err);
	}
	/* Other companies or keywords: other candidates. */
	if (!r && (strcmp(after.companies, before.companies) || strcmp(after.keywords, before.keywords)))
		r = exposure_local_match(c, id, NULL, err);
	if (!r) {
		free(after.lead_unit);
		after.lead_unit = after.lead_unit_id ? store_unit_name(c->st, after.lead_unit_id) : NULL;
		json_error_t je;
		char *b = exposure_json(&before), *a = exposure_json(&after);
		json_t *jb = json_loads(b, 0, &je), *ja = json_loads(a, 0, &je);
		json_t *db = json_object(), *da = json_object();
		char fields[512] = "";
		const char *key;
		json_t *val;
		json_object_foreach(ja, key, val) {
			json_t *old = json_object_get(jb, key);
			if (!json_equal(old, val)) {
				json_object_set(db, key, old ? old : json_null());
				json_object_set(da, key, val);
				size_t l = strlen(fields);
				snprintf(fields + l, sizeof fields - l, "%s%s", l ? "," : "", key);
			}
		}
		if (!*fields) {
			r = zs_fail(err, ZS_EINPUT, TR("没有要修改的内容", "nothing to change"));
		} else {
			char *sb = json_dumps(db, JSON_COMPACT), *sa = json_dumps(da, JSON_COMPACT);
			r = store_audit(c->st, "exposure", id, "update", fields, sb, sa, err);
			free(sb);
			free(sa);
			r = r ? r : alert_exposure_changed(c, &before, &after, err);
		}
		json_decref(jb);
		json_decref(ja);
		json_decref(db);
		json_decref(da);
		free(b);
		free(a);
	}
	exposure_clear(&before);
	exposure_clear(&after);
	r = r ? r : store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}

int exposure_add_action(struct zs_ctx *c, int64_t id, const char *kind, const char *count, const char *note,
			struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_OPERATOR, "记录处置措施", "recording an action", err);
	if (rr_)
		return rr_;
	struct exposure_action a = { .exposure_id = id, .at = c->now };
	const char *code;
	int r;
	if (!given(kind))
		return zs_fail(err, ZS_EINPUT, TR("缺少措施类型（--kind）；可选：%s", "missing --kind; choose one of: %s"),
			       vocab_choices(&vocab_action));
	if ((r = field_code(kind, &vocab_action, &code, err)))
		return r;
	if (given(count)) {
		if ((r = field_count(count, FIELD("数量", "count"), 1000000, &a.count, err)))
			return r;
	}
	if ((r = field_text(note, FIELD("说明", "note"), EXPOSURE_MAX_NOTE, true, false, &a.note, err)))
		return r;
	a.kind = strdup(code);
	if (!(r = store_begin(c->st, err))) {
		struct exposure e;
		r = load(c, id, &e, err);
		if (!r) {
			exposure_clear(&e);
			r = store_action_insert(c->st, &a, err);
		}
		if (!r) {
			json_t *o = json_pack("{s:s, s:I, s:s}", "kind", a.kind, "count", (json_int_t)a.count, "note", a.note);
			char *after = json_dumps(o, JSON_COMPACT);
			r = store_audit(c->st, "exposure", id, "action", "action", "", after, err);
			free(after);
			json_decref(o);
		}
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	free(a.kind);
	free(a.note);
	return r;
}

int exposure_instruct(struct zs_ctx *c, int64_t id, const char *text, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_LEADER, "批示", "writing an instruction", err);
	if (rr_)
		return rr_;
	struct exposure_instruction a = { .exposure_id = id, .at = c->now };
	int r = field_text(text, FIELD("批示", "instruction"), EXPOSURE_MAX_NOTE, true, true, &a.text, err);
	if (r)
		return r;
	if (!(r = store_begin(c->st, err))) {
		struct exposure e;
		r = load(c, id, &e, err);
		if (!r) {
			exposure_clear(&e);
			r = store_instruction_insert(c->st, &a, err);
		}
		if (!r) {
			json_t *o = json_pack("{s:s}", "text", a.text);
			char *after = json_dumps(o, JSON_COMPACT);
			r = store_audit(c->st, "exposure", id, "instruct", "instruction", "", after, err);
			free(after);
			json_decref(o);
		}
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	free(a.text);
	return r;
}
