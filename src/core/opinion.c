/* The publicity office's opinion watch (舆情监测, issue 14): records of what
 * was seen online, their level and state, the approved response and notes. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zhishou/alert.h"
#include "zhishou/codes.h"
#include "zhishou/exposure.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/opinion.h"
#include "zhishou/store.h"
#include "zhishou/store_opinion.h"
#include "zhishou/timeutil.h"

static bool given(const char *s) { return s && *s; }

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }
static json_t *id_or_null(int64_t id) { return id > 0 ? json_integer(id) : json_null(); }

static json_t *time_or_null(int64_t t)
{
	char buf[40];
	return t > 0 ? json_string(time_format(t, TIME_ISO, buf, sizeof buf)) : json_null();
}

static json_t *opinion_object(const struct opinion *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(o->id));
	json_object_set_new(j, "platform", json_string(o->platform ? o->platform : ""));
	json_object_set_new(j, "title", json_string(o->title ? o->title : ""));
	json_object_set_new(j, "url", json_string(o->url ? o->url : ""));
	json_object_set_new(j, "summary", json_string(o->summary ? o->summary : ""));
	json_object_set_new(j, "found_at", time_or_null(o->found_at));
	json_object_set_new(j, "reach", o->reach >= 0 ? json_integer(o->reach) : json_null());
	json_object_set_new(j, "level", json_string(o->level ? o->level : ""));
	json_object_set_new(j, "status", json_string(o->status ? o->status : ""));
	json_object_set_new(j, "response", json_string(o->response ? o->response : ""));
	json_object_set_new(j, "response_by", str_or_null(o->response_by));
	json_object_set_new(j, "response_at", time_or_null(o->response_at));
	json_object_set_new(j, "exposure_id", id_or_null(o->exposure_id));
	json_object_set_new(j, "exposure_title", str_or_null(o->exposure_title));
	json_object_set_new(j, "intake_id", id_or_null(o->intake_id));
	return j;
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

char *opinion_json(const struct opinion *o)
{
	return dump(opinion_object(o));
}

char *opinion_card_json(const struct opinion_card *card)
{
	json_t *j = opinion_object(&card->o), *notes = json_array();
	for (size_t i = 0; i < card->nnotes; i++) {
		const struct opinion_note *n = &card->notes[i];
		json_array_append_new(notes, json_pack("{s:o, s:s, s:s}", "at", time_or_null(n->at), "by",
						       n->by_user ? n->by_user : "", "text", n->text ? n->text : ""));
	}
	json_object_set_new(j, "notes", notes);
	return dump(j);
}

/* ---- reading typed input ---- */

static int set_code(const char *in, const struct vocab *v, char **dst, struct zs_error *err)
{
	const char *code;
	int r = field_code(in, v, &code, err);
	if (!r) {
		free(*dst);
		*dst = strdup(code);
	}
	return r;
}

/* A link is kept and shown, never fetched: only http(s), one line. */
static int read_url(const char *in, char **out, struct zs_error *err)
{
	int r = field_text(in, FIELD("链接", "link"), OPINION_MAX_URL, false, false, out, err);
	if (r || !**out)
		return r;
	const char *u = *out;
	size_t scheme = !strncasecmp(u, "https://", 8) ? 8 : !strncasecmp(u, "http://", 7) ? 7 : 0;
	if (!scheme || !u[scheme] || strpbrk(u, " \t")) {
		free(*out);
		*out = NULL;
		return zs_fail(err, ZS_EINPUT, "%s",
			       TR("链接应以 http:// 或 https:// 开头、不含空格（只记录和显示，不会打开）",
				  "the link must start with http:// or https:// and hold no spaces (it is only kept and shown, never opened)"));
	}
	return ZS_OK;
}

static int read_found(struct zs_ctx *c, const char *in, int64_t *out, struct zs_error *err)
{
	int r = field_time(in, FIELD("发现时间", "found time"), c->now, out, err);
	if (!r && *out > c->now + OPINION_FUTURE_SLACK)
		r = zs_fail(err, ZS_EINPUT, "%s",
			    TR("发现时间不能晚于现在；请填写看到这条舆情的时间", "the found time cannot be in the future; give when it was seen"));
	return r;
}

/* A link to an exposure or an intake: a record that exists (in the
 * caller's transaction). */
static int read_exposure(struct zs_ctx *c, const char *in, int64_t *id, struct zs_error *err)
{
	int r = field_id(in, FIELD("曝光问题编号", "exposure id"), id, err);
	struct exposure e;
	if (!r && !(r = store_exposure_get(c->st, *id, &e, err)))
		exposure_clear(&e);
	if (r == ZS_ENOTFOUND)
		r = zs_fail(err, ZS_EINPUT, TR("没有编号为 %lld 的曝光问题", "no exposure with id %lld"), (long long)*id);
	return r;
}

static int read_intake(struct zs_ctx *c, const char *in, int64_t *id, struct zs_error *err)
{
	int r = field_id(in, FIELD("登记编号", "intake id"), id, err);
	struct intake i;
	if (!r && !(r = store_intake_get(c->st, *id, &i, err)))
		intake_clear(&i);
	if (r == ZS_ENOTFOUND)
		r = zs_fail(err, ZS_EINPUT, TR("没有编号为 %lld 的登记", "no intake with id %lld"), (long long)*id);
	return r;
}

/* Who may do what: recording and following up is an operator's job; the
 * response said in public is approved as an instruction is (批示). */
static int require_for(struct zs_ctx *c, const struct opinion_input *in, bool add, struct zs_error *err)
{
	int r = role_require(c, ROLE_OPERATOR, add ? "登记舆情" : "更新舆情", add ? "recording an opinion" : "updating an opinion",
			     err);
	if (!r && in->response)
		r = exposure_instruction_require(c, "审定舆情回应口径", "approving an opinion's response", err);
	return r;
}

/* The fields add and update share: level, status, response, links. */
static int apply(struct zs_ctx *c, struct opinion *o, const struct opinion_input *in, struct zs_error *err)
{
	int r = ZS_OK;
	if (in->level && (r = set_code(in->level, &vocab_opinion_level, &o->level, err)))
		return r;
	if (in->status && (r = set_code(in->status, &vocab_opinion_status, &o->status, err)))
		return r;
	if (in->exposure && (r = read_exposure(c, in->exposure, &o->exposure_id, err)))
		return r;
	if (in->intake && (r = read_intake(c, in->intake, &o->intake_id, err)))
		return r;
	if (in->response) {
		char *v = NULL;
		if ((r = field_text(in->response, FIELD("回应口径", "response"), OPINION_MAX_TEXT, true, true, &v, err)))
			return r;
		if (strcmp(v, o->response ? o->response : "")) {
			free(o->response);
			o->response = v;
			free(o->response_by);
			o->response_by = strdup(store_user(c->st));
			o->response_at = c->now;
			/* An approved response given: it has been answered. */
			if (!in->status && (!strcmp(o->status, "watching") || !strcmp(o->status, "reported"))) {
				free(o->status);
				o->status = strdup("responded");
			}
		} else {
			free(v);
		}
	}
	return r;
}

static bool is_major(const struct opinion *o) { return o->level && !strcmp(o->level, "major"); }

/* The note, when one is given (in the caller's transaction). */
static int add_note(struct zs_ctx *c, int64_t id, const char *text, struct zs_error *err)
{
	struct opinion_note n = { .opinion_id = id, .at = c->now, .text = (char *)text };
	return store_opinion_note_insert(c->st, &n, err);
}

static void opinion_init(struct zs_ctx *c, struct opinion *o)
{
	memset(o, 0, sizeof *o);
	o->platform = strdup("");
	o->title = strdup("");
	o->url = strdup("");
	o->summary = strdup("");
	o->level = strdup("normal");
	o->status = strdup("watching");
	o->response = strdup("");
	o->response_by = strdup("");
	o->found_at = c->now;
	o->reach = -1;
}

/* What only add reads: where, what, when, how far. */
static int read_new(struct zs_ctx *c, struct opinion *o, const struct opinion_input *in, struct zs_error *err)
{
	int r;
	if (!given(in->platform))
		return zs_fail(err, ZS_EINPUT, TR("缺少平台（--platform）；可选：%s", "missing --platform; choose one of: %s"),
			       vocab_choices(&vocab_opinion_platform));
	if ((r = set_code(in->platform, &vocab_opinion_platform, &o->platform, err)))
		return r;
	free(o->title);
	o->title = NULL;
	if ((r = field_text(in->title, FIELD("标题", "title"), OPINION_MAX_TITLE, false, true, &o->title, err)))
		return r;
	free(o->url);
	o->url = NULL;
	if ((r = read_url(in->url, &o->url, err)))
		return r;
	free(o->summary);
	o->summary = NULL;
	if ((r = field_text(in->summary, FIELD("摘要", "summary"), OPINION_MAX_TEXT, true, false, &o->summary, err)))
		return r;
	if (in->found && (r = read_found(c, in->found, &o->found_at, err)))
		return r;
	if (in->reach && (r = field_count(in->reach, FIELD("传播量", "reach"), INT64_C(1000000000000), &o->reach, err)))
		return r;
	return ZS_OK;
}

static int read_note(const struct opinion_input *in, char **note, struct zs_error *err)
{
	*note = NULL;
	if (!in->note)
		return ZS_OK;
	return field_text(in->note, FIELD("备注", "note"), OPINION_MAX_TEXT, true, true, note, err);
}

int opinion_add(struct zs_ctx *c, const struct opinion_input *in, int64_t *id, struct zs_error *err)
{
	int r = require_for(c, in, true, err);
	if (r)
		return r;
	struct opinion o;
	char *note = NULL;
	opinion_init(c, &o);
	r = read_new(c, &o, in, err);
	r = r ? r : read_note(in, &note, err);
	if (!r && !(r = store_begin(c->st, err))) {
		r = apply(c, &o, in, err);
		o.created_at = o.updated_at = c->now;
		r = r ? r : store_opinion_insert(c->st, &o, err);
		if (!r) {
			char *after = opinion_json(&o);
			r = store_audit(c->st, "opinion", o.id, "create", "", "", after ? after : "{}", err);
			free(after);
		}
		if (!r && note)
			r = add_note(c, o.id, note, err);
		if (!r && is_major(&o)) {
			struct opinion full;
			/* The exposure's title as it is recorded, for the alert. */
			if (!(r = store_opinion_get(c->st, o.id, &full, err))) {
				r = alert_opinion_major(c, &full, err);
				opinion_clear(&full);
			}
		}
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	*id = r ? 0 : o.id;
	opinion_clear(&o);
	free(note);
	return r;
}

/* The fields an update changed: their old and new values, for the audit. */
struct diff {
	json_t *before, *after;
	char fields[256];
};

static void diff_add(struct diff *d, const char *key, json_t *b, json_t *a)
{
	if (json_equal(b, a)) {
		json_decref(b);
		json_decref(a);
		return;
	}
	json_object_set_new(d->before, key, b);
	json_object_set_new(d->after, key, a);
	size_t l = strlen(d->fields);
	snprintf(d->fields + l, sizeof d->fields - l, "%s%s", l ? "," : "", key);
}

static void diff_build(struct diff *d, const struct opinion *b, const struct opinion *a)
{
	d->before = json_object();
	d->after = json_object();
	d->fields[0] = '\0';
	diff_add(d, "level", json_string(b->level), json_string(a->level));
	diff_add(d, "status", json_string(b->status), json_string(a->status));
	diff_add(d, "response", json_string(b->response), json_string(a->response));
	diff_add(d, "exposure_id", id_or_null(b->exposure_id), id_or_null(a->exposure_id));
	diff_add(d, "intake_id", id_or_null(b->intake_id), id_or_null(a->intake_id));
}

static int load(struct zs_ctx *c, int64_t id, struct opinion *o, struct zs_error *err)
{
	int r = store_opinion_get(c->st, id, o, err);
	if (r == ZS_ENOTFOUND)
		return zs_fail(err, ZS_ENOTFOUND, TR("没有编号为 %lld 的舆情", "no opinion with id %lld"), (long long)id);
	return r;
}

bool opinion_copy(struct opinion *dst, const struct opinion *src)
{
	*dst = *src;
	char **fields[] = { &dst->platform, &dst->title, &dst->url, &dst->summary, &dst->level, &dst->status,
			    &dst->response, &dst->response_by, &dst->exposure_title, &dst->created_by };
	bool ok = true;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		ok &= (*fields[i] = strdup(*fields[i] ? *fields[i] : "")) != NULL;
	if (!ok)
		opinion_clear(dst);
	return ok;
}

/* Write an update's change and its audit row; ZS_EINPUT when nothing
 * changes. */
static int write_update(struct zs_ctx *c, const struct opinion *before, struct opinion *after, const char *note,
			struct zs_error *err)
{
	struct diff d;
	diff_build(&d, before, after);
	if (note)
		diff_add(&d, "note", json_null(), json_string(note));
	int r = ZS_OK;
	if (!d.fields[0]) {
		r = zs_fail(err, ZS_EINPUT, "%s",
			    TR("没有要修改的内容；可给 --level、--status、--response、--note 或 --exposure",
			       "nothing to change; give --level, --status, --response, --note or --exposure"));
	} else {
		after->updated_at = c->now;
		r = store_opinion_update(c->st, after, err);
		char *sb = json_dumps(d.before, JSON_COMPACT), *sa = json_dumps(d.after, JSON_COMPACT);
		r = r ? r : store_audit(c->st, "opinion", after->id, "update", d.fields, sb ? sb : "{}", sa ? sa : "{}", err);
		free(sb);
		free(sa);
	}
	json_decref(d.before);
	json_decref(d.after);
	if (!r && note)
		r = add_note(c, after->id, note, err);
	return r;
}

int opinion_update(struct zs_ctx *c, int64_t id, const struct opinion_input *in, struct zs_error *err)
{
	int r = require_for(c, in, false, err);
	char *note = NULL;
	if (r || (r = read_note(in, &note, err)))
		return r;
	if ((r = store_begin(c->st, err))) {
		free(note);
		return r;
	}
	struct opinion before, after;
	if ((r = load(c, id, &before, err))) {
		store_rollback(c->st);
		free(note);
		return r;
	}
	r = opinion_copy(&after, &before) ? ZS_OK : zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	r = r ? r : apply(c, &after, in, err);
	r = r ? r : write_update(c, &before, &after, note, err);
	/* Raised to 重大 now: the leaders hear it once, not on every update. */
	if (!r && is_major(&after) && !is_major(&before)) {
		struct opinion full;
		if (!(r = store_opinion_get(c->st, id, &full, err))) {
			r = alert_opinion_major(c, &full, err);
			opinion_clear(&full);
		}
	}
	r = r ? r : store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	opinion_clear(&before);
	opinion_clear(&after);
	free(note);
	return r;
}

int opinion_list(struct zs_ctx *c, bool open_only, int64_t exposure_id, opinion_cb cb, void *ud,
		 struct zs_error *err)
{
	return store_opinion_each(c->st, open_only, exposure_id, cb, ud, err);
}

static int note_cb(const struct opinion_note *n, void *ud)
{
	struct opinion_card *card = ud;
	struct opinion_note *v = realloc(card->notes, (card->nnotes + 1) * sizeof *v);
	if (!v)
		return ZS_EFAIL;
	card->notes = v;
	v[card->nnotes] = *n;
	v[card->nnotes].by_user = strdup(n->by_user);
	v[card->nnotes].text = strdup(n->text);
	card->nnotes++;
	return 0;
}

int opinion_get(struct zs_ctx *c, int64_t id, struct opinion_card *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	int r = store_read_begin(c->st, err);
	if (r)
		return r;
	r = load(c, id, &out->o, err);
	r = r ? r : store_opinion_note_each(c->st, id, note_cb, out, err);
	store_read_end(c->st);
	if (r == ZS_EFAIL && !err->msg[0])
		r = zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	if (r)
		opinion_card_clear(out);
	return r;
}

void opinion_card_clear(struct opinion_card *card)
{
	opinion_clear(&card->o);
	for (size_t i = 0; i < card->nnotes; i++)
		opinion_note_clear(&card->notes[i]);
	free(card->notes);
	memset(card, 0, sizeof *card);
}

int opinion_tally(struct zs_ctx *c, struct opinion_tally *out, struct zs_error *err)
{
	return store_opinion_tally(c->st, &out->open, &out->major, err);
}

int opinion_count(struct zs_ctx *c, int64_t since, int64_t until, int64_t *total, int64_t *major,
		  struct zs_error *err)
{
	return store_opinion_count(c->st, since, until, total, major, err);
}
