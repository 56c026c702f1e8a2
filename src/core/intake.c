/* Intakes: validation, duplicates, exposure suggestions, add and update. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zhishou/token.h"
#include "zhishou/member.h"
#include "zhishou/codes.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/pick.h"
#include "zhishou/intake.h"
#include "zhishou/platform.h"
#include "zhishou/rules.h"
#include "zhishou/store.h"
#include "zhishou/store_entity.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/validate.h"
#include "zhishou/write.h"

static bool given(const char *s) { return s && *s; }

int intake_from_input(struct zs_ctx *c, const struct intake_input *in, struct intake *o,
		      struct zs_error *err)
{
	memset(o, 0, sizeof *o);
	const char *code;
	int r;
	if (given(in->at)) {
		if ((r = field_time(in->at, FIELD("受理时间", "received time"), c->now, &o->received_at, err)))
			goto fail;
		/* An intake is logged after it arrives: a time far in the future is a typo. */
		if (time_is_future_typo(o->received_at, c->now)) {
			char b[32];
			r = zs_fail(err, ZS_EINPUT, TR("受理时间 %s 晚于现在，请检查", "received time %s is in the future"),
				    time_format(o->received_at, TIME_FULL, b, sizeof b));
			goto fail;
		}
	} else {
		o->received_at = c->now;
	}
	if (!given(in->channel)) {
		r = zs_fail(err, ZS_EINPUT, TR("缺少渠道；可选：%s", "missing channel; choose one of: %s"),
			    vocab_choices(&vocab_channel));
		goto fail;
	}
	if ((r = field_code(in->channel, &vocab_channel, &code, err)))
		goto fail;
	o->channel = strdup(code);
	if (!given(in->kind)) {
		r = zs_fail(err, ZS_EINPUT, TR("缺少类别；可选：%s", "missing kind; choose one of: %s"),
			    vocab_choices(&vocab_kind));
		goto fail;
	}
	if ((r = field_code(in->kind, &vocab_kind, &code, err)))
		goto fail;
	o->kind = strdup(code);
	if (in->confidential && strcmp(code, "tip")) {
		r = zs_fail(err, ZS_EINPUT, "%s", TR("只有举报可以标为保密（--confidential）", "only a tip can be marked confidential"));
		goto fail;
	}
	o->confidential = in->confidential;
	if (given(in->category)) {
		if ((r = field_code(in->category, &vocab_category, &code, err)))
			goto fail;
		o->category = strdup(code);
	} else {
		o->category = strdup("");
	}
	if ((r = field_text(in->caller, FIELD("来电人", "caller"), INTAKE_MAX_CALLER, false, false, &o->caller, err)) ||
	    (r = field_phone(in->phone, FIELD("来电号码", "phone"), false, false, &o->phone, err)) ||
	    (r = field_text(in->subject, FIELD("被投诉主体", "business"), INTAKE_MAX_SUBJECT, false, false, &o->subject, err)) ||
	    (r = field_uscc(in->uscc, &o->uscc, err)) ||
	    (r = field_text(in->text, FIELD("内容摘要", "summary"), INTAKE_MAX_TEXT, true, true, &o->summary, err)) ||
	    (r = field_text(in->ref, FIELD("工单号", "reference"), INTAKE_MAX_REF, false, false, &o->ref, err)))
		goto fail;
	if (given(in->exposure)) {
		if ((r = field_id(in->exposure, FIELD("曝光问题编号", "exposure id"), &o->exposure_id, err)))
			goto fail;
		struct exposure e;
		r = store_exposure_get(c->st, o->exposure_id, &e, err);
		if (r == ZS_ENOTFOUND) {
			r = zs_fail(err, ZS_EINPUT, TR("没有编号为 %lld 的曝光问题", "no exposure with id %lld"),
				    (long long)o->exposure_id);
			goto fail;
		}
		if (r)
			goto fail;
		exposure_clear(&e);
	}
	o->status = strdup("new");
	o->handling = strdup("");
	o->notes = strdup("");
	o->created_at = o->updated_at = c->now;
	if (!o->channel || !o->kind || !o->category || !o->status || !o->handling || !o->notes) {
		r = zs_fail(err, ZS_EFAIL, "out of memory");
		goto fail;
	}
	return ZS_OK;
fail:
	intake_clear(o);
	return r;
}

/* Character-bigram Dice similarity: robust for Chinese, where the same
 * complaint is retold with small changes and no word boundaries.  Spaces
 * and punctuation only separate: "，" for "、" changes nothing. */
#define MAXGRAMS 512
static size_t bigrams(const char *s, uint64_t *out)
{
	uint32_t prev = 0;
	size_t n = 0, len = strlen(s);
	for (size_t i = 0; i < len && n < MAXGRAMS;) {
		uint32_t cp;
		i += text_decode(s + i, len - i, &cp);
		if (text_cp_separator(cp)) {
			prev = 0;
			continue;
		}
		if (prev)
			out[n++] = ((uint64_t)prev << 32) | cp;
		prev = cp;
	}
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double similarity(const char *a, const char *b)
{
	static uint64_t ga[MAXGRAMS], gb[MAXGRAMS];
	size_t na = bigrams(a, ga), nb = bigrams(b, gb);
	if (!na || !nb)
		return 0;
	qsort(ga, na, sizeof *ga, cmp_u64);
	qsort(gb, nb, sizeof *gb, cmp_u64);
	size_t i = 0, j = 0, common = 0;
	while (i < na && j < nb) {
		if (ga[i] == gb[j]) {
			common++;
			i++;
			j++;
		} else if (ga[i] < gb[j]) {
			i++;
		} else {
			j++;
		}
	}
	return 2.0 * (double)common / (double)(na + nb);
}

struct dup_search {
	const struct intake *probe;
	double threshold;
	int64_t found;
	double best;
	bool by_phone;
};

static int dup_phone_cb(const struct intake *i, void *ud)
{
	struct dup_search *d = ud;
	if (i->id == d->probe->id)
		return 0;
	d->found = i->id;
	return ZS_STOP;
}

static int dup_subject_cb(const struct intake *i, void *ud)
{
	struct dup_search *d = ud;
	if (i->id == d->probe->id)
		return 0;
	if (*i->uscc && d->probe->uscc && *d->probe->uscc && strcmp(i->uscc, d->probe->uscc))
		return 0;   /* the same name, another business */
	double s = similarity(i->summary, d->probe->summary);
	if (s >= d->threshold && s > d->best) {
		d->best = s;
		d->found = i->id;
	}
	return 0;
}

static bool contains_item(const char *hay, const char *list, char *which, size_t wsz)
{
	if (!hay || !*hay || !list || !*list)
		return false;
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, ';');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		/* One character matches too much Chinese text to mean anything. */
		if (l >= 4 && l < 256) {
			char item[256];
			memcpy(item, p, l);
			item[l] = '\0';
			if (strstr(hay, item)) {
				snprintf(which, wsz, "%s", item);
				return true;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

/* The open exposures the register ties to the intake's USCC (see
 * store_exposure_uscc_each); more than this many open at once is not a
 * night, and the rest are compared by name. */
#define SUGGEST_CODES 64

struct suggest {
	const struct intake *probe;
	struct exposure_uscc codes[SUGGEST_CODES];
	size_t ncodes;
	int best_score;
	int64_t id;
	char title[256];
	char why[256];
};

static int code_cb(const struct exposure_uscc *x, void *ud)
{
	struct suggest *s = ud;
	if (s->ncodes < SUGGEST_CODES && (x->linked || x->has_codes))
		s->codes[s->ncodes++] = *x;
	return 0;
}

static const struct exposure_uscc *code_of(const struct suggest *s, int64_t id)
{
	for (size_t k = 0; k < s->ncodes; k++)
		if (s->codes[k].exposure_id == id)
			return &s->codes[k];
	return NULL;
}

static int suggest_cb(const struct exposure *e, void *ud)
{
	struct suggest *s = ud;
	char which[256];
	int score = 0;
	/* Where both sides have codes, the codes decide whether the business
	 * is the exposed company (or one the desk confirmed local); a name
	 * alike with another code is another business. */
	const struct exposure_uscc *code = code_of(s, e->id);
	if (code && code->linked) {
		score = 4;
		snprintf(which, sizeof which, "%s", s->probe->uscc);
	} else if (!code && contains_item(s->probe->subject, e->companies, which, sizeof which)) {
		score = 3;
	} else if (contains_item(s->probe->summary, e->companies, which, sizeof which)) {
		score = 2;
	} else if (contains_item(s->probe->summary, e->keywords, which, sizeof which) ||
		   contains_item(s->probe->subject, e->keywords, which, sizeof which)) {
		score = 1;
	}
	if (score > s->best_score) {
		s->best_score = score;
		s->id = e->id;
		snprintf(s->title, sizeof s->title, "%s", e->title);
		snprintf(s->why, sizeof s->why, "%s", which);
	}
	return 0;
}

int intake_hints(struct zs_ctx *c, const struct intake *i, struct intake_hints *h, struct zs_error *err)
{
	memset(h, 0, sizeof *h);
	int64_t window = (int64_t)c->cfg->dup_window_hours * 3600;
	struct dup_search d = { .probe = i, .threshold = c->cfg->dup_similarity };
	int r = ZS_OK;
	if (window > 0 && i->phone && *i->phone) {
		r = store_intake_same(c->st, SAME_PHONE, i->phone, i->received_at - window, i->received_at + window, 5,
				      dup_phone_cb, &d, err);
		if (r)
			return r;
		if (d.found) {
			char m[32];
			phone_mask(i->phone, m, sizeof m);
			h->dup_of = d.found;
			snprintf(h->dup_reason, sizeof h->dup_reason,
				 TR("同一号码 %s 在 %d 小时内已登记", "same phone %s logged within %d hours"), m,
				 c->cfg->dup_window_hours);
		}
	}
	/* The same business: by its USCC where the new intake has one (names
	 * are typed many ways), then by the name as typed; a name alike but a
	 * different USCC on both sides is another business (dup_subject_cb). */
	bool by_uscc = i->uscc && *i->uscc;
	if (!h->dup_of && window > 0 && by_uscc) {
		r = store_intake_same(c->st, SAME_USCC, i->uscc, i->received_at - window, i->received_at + window, 50,
				      dup_subject_cb, &d, err);
		if (r)
			return r;
	}
	if (!h->dup_of && !d.found && window > 0 && i->subject && *i->subject) {
		by_uscc = false;
		r = store_intake_same(c->st, SAME_SUBJECT, i->subject, i->received_at - window, i->received_at + window,
				      50, dup_subject_cb, &d, err);
		if (r)
			return r;
	}
	if (!h->dup_of && d.found) {
		h->dup_of = d.found;
		if (by_uscc)
			snprintf(h->dup_reason, sizeof h->dup_reason,
				 TR("同一信用代码、内容相似（%.0f%%）", "same USCC, similar text (%.0f%%)"), d.best * 100);
		else
			snprintf(h->dup_reason, sizeof h->dup_reason,
				 TR("同一主体、内容相似（%.0f%%）", "same business, similar text (%.0f%%)"), d.best * 100);
	}
	if (!i->exposure_id) {
		struct suggest s = { .probe = i };
		if (i->uscc && *i->uscc && (r = store_exposure_uscc_each(c->st, i->uscc, code_cb, &s, err)))
			return r;
		r = store_exposure_each(c->st, true, NULL, suggest_cb, &s, err);
		if (r)
			return r;
		if (s.id) {
			h->suggest_exposure = s.id;
			snprintf(h->suggest_title, sizeof h->suggest_title, "%s", s.title);
		}
	}
	return ZS_OK;
}

const char *intake_handler(const struct intake *i, char *buf, size_t n)
{
	if (i->odr_uscc && *i->odr_uscc && i->handling && !strcmp(i->handling, "transfer")) {
		/* The register's name; the complaint's own if the register no longer has it. */
		const char *name = i->odr_name && *i->odr_name ? i->odr_name : i->subject ? i->subject : "";
		snprintf(buf, n, TR("转交 %s（ODR）", "handed to %s (ODR)"), *name ? name : i->odr_uscc);
		return buf;
	}
	return i->transfer_unit ? i->transfer_unit : "";
}

char *intake_json(const struct intake *i, bool mask)
{
	char t[40], m[64];
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(i->id));
	json_object_set_new(o, "received_at", json_string(time_format(i->received_at, TIME_ISO, t, sizeof t)));
	json_object_set_new(o, "channel", json_string(i->channel));
	json_object_set_new(o, "kind", json_string(i->kind));
	if (mask) {
		name_mask(i->caller, m, sizeof m);
		json_object_set_new(o, "caller", json_string(m));
		phone_mask(i->phone, m, sizeof m);
		json_object_set_new(o, "phone", json_string(*i->phone ? m : ""));
	} else {
		json_object_set_new(o, "caller", json_string(i->caller));
		json_object_set_new(o, "phone", json_string(i->phone));
	}
	json_object_set_new(o, "subject", json_string(i->subject));
	json_object_set_new(o, "uscc", json_string(i->uscc));
	json_object_set_new(o, "category", json_string(i->category));
	json_object_set_new(o, "summary", json_string(i->summary));
	json_object_set_new(o, "ref", json_string(i->ref));
	json_object_set_new(o, "exposure_id", i->exposure_id ? json_integer(i->exposure_id) : json_null());
	json_object_set_new(o, "handling", json_string(i->handling));
	json_object_set_new(o, "transfer_unit", i->transfer_unit && *i->transfer_unit ? json_string(i->transfer_unit) : json_null());
	json_object_set_new(o, "status", json_string(i->status));
	json_object_set_new(o, "duplicate_of", i->duplicate_of ? json_integer(i->duplicate_of) : json_null());
	json_object_set_new(o, "recovered_fen", json_integer(i->recovered_fen));
	json_object_set_new(o, "outcome", json_string(i->outcome ? i->outcome : ""));
	json_object_set_new(o, "odr_uscc", json_string(i->odr_uscc ? i->odr_uscc : ""));
	json_object_set_new(o, "platform_no", json_string(i->platform_no ? i->platform_no : ""));
	json_object_set_new(o, "notes", json_string(i->notes));
	json_object_set_new(o, "confidential", json_boolean(i->confidential));
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
	json_decref(o);
	return s;
}

/* Store a validated record and its audit row, inside the caller's transaction. */
static int insert_audited(struct zs_ctx *c, struct intake *i, struct zs_error *err)
{
	int r = store_intake_insert(c->st, i, err);
	if (r)
		return r;
	char *after = intake_json(i, false);
	if (!after)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	r = store_audit(c->st, "intake", i->id, "create", "", "", after, err);
	free(after);
	return r;
}

int intake_add(struct zs_ctx *c, const struct intake_input *in, int64_t *id, struct intake_hints *h,
	       struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_OPERATOR, "登记投诉举报", "logging an intake", err);
	if (rr_)
		return rr_;
	struct intake i;
	int r = intake_from_input(c, in, &i, err);
	if (r)
		return r;
	if (h && (r = intake_hints(c, &i, h, err))) {
		intake_clear(&i);
		return r;
	}
	int64_t saved = 0;
	if (!(r = store_begin(c->st, err))) {
		/* Looked up inside the write transaction: two consoles saving
		 * the same draft cannot both pass. */
		if (in->draft_token && *in->draft_token &&
		    !(r = store_saved_draft_find(c->st, in->draft_token, &saved, err)) && saved)
			r = zs_fail(err, ZS_EINPUT, TR("这份草稿已登记为 #%lld，没有重复登记",
						       "this draft was already logged as #%lld; not logged again"),
				    (long long)saved);
		r = r ? r : insert_audited(c, &i, err);
		if (!r && in->draft_token && *in->draft_token)
			r = store_saved_draft_insert(c->st, in->draft_token, i.id, err);
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	/* On failure *id is 0, or the intake this draft was saved as before:
	 * never the id of a row rolled back. */
	*id = r ? saved : i.id;
	intake_clear(&i);
	return r;
}

int intake_add_resolve(struct zs_ctx *c, const char *token, int64_t *id, struct zs_error *err)
{
	*id = 0;
	int r = store_reconnect(c->st, err);
	if (!r)
		r = intake_saved_draft(c, token, id, err);
	if (!r && *id && (r = write_confirm(c, err)))
		*id = 0;   /* not confirmed: asked again */
	return r;
}

struct add_job {
	const struct intake_input *in;
	struct intake_hints *h;
};

static int add_job_run(struct zs_ctx *c, void *arg, int64_t *id, struct zs_error *err)
{
	struct add_job *j = arg;
	return intake_add(c, j->in, id, j->h, err);
}

static int add_job_resolve(struct zs_ctx *c, const char *token, bool *found, int64_t *id, struct zs_error *err)
{
	int r = intake_saved_draft(c, token, id, err);
	*found = !r && *id;
	return r;
}

int intake_add_surely(struct zs_ctx *c, const struct intake_input *in, int64_t *id, struct intake_hints *h,
		      void (*wait)(void *ud), void *ud, struct zs_error *err)
{
	/* The intake's token is its draft's (saved_draft, which the
	 * console's drafts share), a new one when it has none. */
	char token[TOKEN_LEN + 1];
	struct intake_input mine = *in;
	if (!mine.draft_token || !*mine.draft_token) {
		token_new(token);
		mine.draft_token = token;
	}
	struct add_job j = { &mine, h };
	return write_surely_with(c, mine.draft_token, add_job_run, &j, add_job_resolve, id, wait, ud, err);
}

int intake_saved_draft(struct zs_ctx *c, const char *token, int64_t *id, struct zs_error *err)
{
	*id = 0;
	if (!token || !*token)
		return ZS_OK;
	return store_saved_draft_find(c->st, token, id, err);
}

bool money_parse(const char *s, int64_t *fen)
{
	char buf[64];
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ',' || *p == ' ')
			continue;
		/* Longer than any sum of money: refused, never cut short. */
		if (n >= sizeof buf - 1)
			return false;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	static const char yuan[] = "元";
	size_t yl = strlen(yuan);
	if (n >= yl && !strcmp(buf + n - yl, yuan))
		buf[n - yl] = '\0';
	const char *p = buf;
	int64_t whole = 0, frac = 0;
	int digits = 0, fd = 0;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > 100000000000LL)
			return false;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, fd++) {
			if (fd >= 2)
				return false;
			frac = frac * 10 + (*p - '0');
		}
		if (fd == 1)
			frac *= 10;
	}
	if (*p || (!digits && !fd))
		return false;
	*fen = whole * 100 + frac;
	return true;
}

/* One changed field for the audit row. */
struct diff {
	json_t *before, *after;
	char fields[512];
};

static void diff_str(struct diff *d, const char *name, const char *a, const char *b)
{
	if (!strcmp(a ? a : "", b ? b : ""))
		return;
	json_object_set_new(d->before, name, json_string(a ? a : ""));
	json_object_set_new(d->after, name, json_string(b ? b : ""));
	size_t l = strlen(d->fields);
	snprintf(d->fields + l, sizeof d->fields - l, "%s%s", l ? "," : "", name);
}

static void diff_int(struct diff *d, const char *name, int64_t a, int64_t b)
{
	if (a == b)
		return;
	json_object_set_new(d->before, name, a ? json_integer(a) : json_null());
	json_object_set_new(d->after, name, b ? json_integer(b) : json_null());
	size_t l = strlen(d->fields);
	snprintf(d->fields + l, sizeof d->fields - l, "%s%s", l ? "," : "", name);
}

static int set_status(struct intake *i, const char *to, struct zs_error *err)
{
	if (!strcmp(i->status, to) && strcmp(to, "transferred"))
		return ZS_OK;
	if (!status_transition_ok(i->status, to))
		return zs_fail(err, ZS_EINPUT, TR("不能把状态从「%s」改为「%s」", "cannot change status from \"%s\" to \"%s\""),
			       vocab_label(&vocab_status, i->status), vocab_label(&vocab_status, to));
	free(i->status);
	i->status = strdup(to);
	return i->status ? ZS_OK : zs_fail(err, ZS_EFAIL, "out of memory");
}

/* Append a note signed and timed: "[03-15 21:04 王芳] text". */
static int add_note(struct zs_ctx *c, struct intake *i, const char *note, struct zs_error *err)
{
	char when[32];
	size_t need = strlen(i->notes) + strlen(note) + strlen(c->st ? store_user(c->st) : "") + 256;
	if (need > 64 * 1024)
		return zs_fail(err, ZS_EINPUT, TR("备注已满（64 KB）", "notes are full (64 KB)"));
	char *n = malloc(need);
	if (!n)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	/* Signed with the member's name (王芳), as the history reads; the
	 * login stays in the audit. */
	struct member m = { 0 };
	const char *by = store_user(c->st);
	if (store_member_get(c->st, by, &m, NULL) == ZS_OK && m.name && *m.name)
		by = m.name;
	snprintf(n, need, "%s%s[%s %s] %s", i->notes, *i->notes ? "\n" : "",
		 time_format(c->now, TIME_SHORT, when, sizeof when), by, note);
	member_clear(&m);
	free(i->notes);
	i->notes = n;
	return ZS_OK;
}

static int set_text(char **field, const char *v, struct zs_error *err)
{
	char *copy = strdup(v);
	if (!copy)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	free(*field);
	*field = copy;
	return ZS_OK;
}

/* The register entity a complaint names: by its USCC, else by its
 * business name when exactly one entity has that name. */
static int named_entity(struct zs_ctx *c, const struct intake *i, struct entity *e, struct zs_error *err)
{
	int r;
	if (*i->uscc) {
		r = store_entity_get(c->st, i->uscc, e, err);
		if (r == ZS_ENOTFOUND)
			r = zs_fail(err, ZS_EINPUT, TR("统一社会信用代码 %s 不在市场主体登记册中，不能经ODR转交",
						       "USCC %s is not in the register; cannot hand over through ODR"), i->uscc);
		return r;
	}
	if (!*i->subject)
		return zs_fail(err, ZS_EINPUT, TR("#%lld 没有被投诉主体，不能经ODR转交", "#%lld names no business; cannot hand over through ODR"),
			       (long long)i->id);
	char *uscc = NULL;
	int n = 0;
	if ((r = store_entity_by_name(c->st, i->subject, &uscc, &n, err)))
		return r;
	if (n == 1)
		r = store_entity_get(c->st, uscc, e, err);
	else if (n == 0)
		r = zs_fail(err, ZS_EINPUT, TR("市场主体登记册中没有名为「%s」的主体，不能经ODR转交（登记时填上统一社会信用代码）",
					       "no register entity is named \"%s\"; cannot hand over through ODR (give its USCC)"),
			    i->subject);
	else
		r = zs_fail(err, ZS_EINPUT, TR("市场主体登记册中不止一个主体名为「%s」，不能确定是哪一户（登记时填上统一社会信用代码）",
					       "more than one register entity is named \"%s\"; cannot tell which (give its USCC)"),
			    i->subject);
	free(uscc);
	return r;
}

/* Hand a complaint to its business through ODR (在线消费纠纷解决). */
static int hand_to_odr(struct zs_ctx *c, struct intake *i, struct zs_error *err)
{
	if (strcmp(i->kind, "complaint"))
		return zs_fail(err, ZS_EINPUT, TR("只有投诉可以经ODR转交经营者处理（#%lld 是%s）",
						  "only a complaint can be handed to the business through ODR (#%lld is a %s)"),
			       (long long)i->id, vocab_label(&vocab_kind, i->kind));
	if (!status_is_open(i->status))
		return zs_fail(err, ZS_EINPUT, TR("#%lld 状态为「%s」，不能再经ODR转交", "#%lld is %s; it cannot be handed over through ODR"),
			       (long long)i->id, vocab_label(&vocab_status, i->status));
	struct entity e = { 0 };
	int r = named_entity(c, i, &e, err);
	if (r) {
		entity_clear(&e);
		return r;
	}
	if (!e.odr)
		r = zs_fail(err, ZS_EINPUT, TR("「%s」（%s）不是ODR企业，不能经ODR转交；可用 --transfer 转办给承办单位",
					       "\"%s\" (%s) is not an ODR enterprise; use --transfer to hand it to a unit"),
			    e.name, e.uscc);
	/* Already handed to it: nothing changes, no second note. */
	if (!r && !strcmp(i->odr_uscc, e.uscc) && !strcmp(i->status, "transferred")) {
		entity_clear(&e);
		return ZS_OK;
	}
	if (!r)
		r = set_status(i, "transferred", err);
	if (!r)
		r = set_text(&i->handling, "transfer", err);
	if (!r)
		r = set_text(&i->odr_uscc, e.uscc, err);
	if (!r)
		r = set_text(&i->odr_name, e.name, err);
	if (!r) {
		char note[512];
		snprintf(note, sizeof note, TR("经ODR转交 %s（%s）处理", "handed to %s (%s) through ODR"), e.name, e.uscc);
		i->transfer_unit_id = 0;
		r = add_note(c, i, note, err);
	}
	entity_clear(&e);
	return r;
}

/* A complaint's 调解结果, given with it closed (or already closed). */
static int set_outcome(struct intake *i, const char *typed, struct zs_error *err)
{
	const char *code;
	int r = field_code(typed, &vocab_outcome, &code, err);
	if (r)
		return r;
	if (strcmp(i->kind, "complaint"))
		return zs_fail(err, ZS_EINPUT, TR("只有投诉有调解结果（#%lld 是%s）", "only a complaint has a mediation outcome (#%lld is a %s)"),
			       (long long)i->id, vocab_label(&vocab_kind, i->kind));
	if (strcmp(i->status, "closed"))
		return zs_fail(err, ZS_EINPUT, TR("调解结果在办结时填写：#%lld 状态为「%s」（同时给 --status closed）",
						  "the outcome is given when the complaint is closed: #%lld is %s (add --status closed)"),
			       (long long)i->id, vocab_label(&vocab_status, i->status));
	return set_text(&i->outcome, code, err);
}

static int apply_change(struct zs_ctx *c, struct intake *i, const struct intake_change *ch, struct zs_error *err)
{
	int r;
	if (given(ch->duplicate_of)) {
		int64_t orig;
		if ((r = field_id(ch->duplicate_of, FIELD("原件编号", "original id"), &orig, err)))
			return r;
		if (orig == i->id)
			return zs_fail(err, ZS_EINPUT, TR("重复件不能指向自己（%lld）", "an intake cannot duplicate itself (%lld)"),
				       (long long)orig);
		struct intake o;
		r = store_intake_get(c->st, orig, &o, err);
		if (r == ZS_ENOTFOUND)
			return zs_fail(err, ZS_EINPUT, TR("原件编号 %lld 不存在", "original intake %lld does not exist"),
				       (long long)orig);
		if (r)
			return r;
		/* Point at the root so chains of duplicates never form. */
		int64_t root = o.duplicate_of ? o.duplicate_of : o.id;
		intake_clear(&o);
		if (root == i->id)
			return zs_fail(err, ZS_EINPUT, TR("%lld 已是本件的重复件，不能互指", "%lld is already a duplicate of this one"),
				       (long long)orig);
		if ((r = set_status(i, "duplicate", err)))
			return r;
		i->duplicate_of = root;
	}
	if (given(ch->status)) {
		const char *code;
		if ((r = field_code(ch->status, &vocab_status, &code, err)))
			return r;
		if (!strcmp(code, "duplicate") && !given(ch->duplicate_of))
			return zs_fail(err, ZS_EINPUT, TR("标为重复件需要 --duplicate-of 原件编号",
							  "marking a duplicate needs --duplicate-of ID"));
		if (!strcmp(code, "transferred") && !given(ch->transfer) && !ch->odr)
			return zs_fail(err, ZS_EINPUT, TR("转办需要 --transfer 承办单位", "a transfer needs --transfer UNIT"));
		if (strcmp(code, "duplicate") && (r = set_status(i, code, err)))
			return r;
		if (strcmp(code, "duplicate"))
			i->duplicate_of = 0;
	}
	if (given(ch->transfer)) {
		char *name = NULL;
		if ((r = field_text(ch->transfer, FIELD("承办单位", "unit"), 64, false, true, &name, err)))
			return r;
		int64_t uid;
		r = pick_unit(c, name, TR("承办单位", "unit"), &uid, NULL, err);
		free(name);
		if (r)
			return r;
		if ((r = set_status(i, "transferred", err)))
			return r;
		i->transfer_unit_id = uid;
		free(i->handling);
		i->handling = strdup("transfer");
		/* A unit handles it now, not the business. */
		if ((r = set_text(&i->odr_uscc, "", err)) || (r = set_text(&i->odr_name, "", err)))
			return r;
	}
	if (ch->odr && (r = hand_to_odr(c, i, err)))
		return r;
	/* Reopened (or anything but closed): the outcome was the closing's. */
	if (strcmp(i->status, "closed") && *i->outcome && (r = set_text(&i->outcome, "", err)))
		return r;
	if (given(ch->outcome) && (r = set_outcome(i, ch->outcome, err)))
		return r;
	if (!strcmp(i->status, "closed") && !*i->handling) {
		free(i->handling);
		i->handling = strdup("direct");
	}
	if (given(ch->recovered)) {
		int64_t fen;
		if (!money_parse(ch->recovered, &fen))
			return zs_fail(err, ZS_EINPUT, TR("挽回经济损失「%s」不对：应为金额（元），如 1200 或 35.5",
							  "money recovered \"%s\" is wrong: an amount in yuan, e.g. 1200 or 35.5"),
				       ch->recovered);
		i->recovered_fen = fen;
	}
	if (given(ch->exposure)) {
		if (!strcmp(ch->exposure, "0") || !strcmp(ch->exposure, "none")) {
			i->exposure_id = 0;
		} else {
			int64_t eid;
			if ((r = field_id(ch->exposure, FIELD("曝光问题编号", "exposure id"), &eid, err)))
				return r;
			struct exposure e;
			r = store_exposure_get(c->st, eid, &e, err);
			if (r == ZS_ENOTFOUND)
				return zs_fail(err, ZS_EINPUT, TR("没有编号为 %lld 的曝光问题", "no exposure with id %lld"),
					       (long long)eid);
			if (r)
				return r;
			exposure_clear(&e);
			i->exposure_id = eid;
		}
	}
	/* "" too: platform_set says the number is empty. */
	if (ch->platform_no && (r = platform_set(c, i, ch->platform_no, err)))
		return r;
	if (given(ch->note)) {
		char *note = NULL;
		if ((r = field_text(ch->note, FIELD("备注", "note"), INTAKE_MAX_NOTE, true, true, &note, err)))
			return r;
		r = add_note(c, i, note, err);
		free(note);
		if (r)
			return r;
	}
	return ZS_OK;
}

int intake_update(struct zs_ctx *c, int64_t id, const struct intake_change *ch, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_OPERATOR, "修改登记", "updating an intake", err);
	if (rr_)
		return rr_;
	if (!given(ch->status) && !given(ch->transfer) && !given(ch->note) && !given(ch->recovered) &&
	    !given(ch->exposure) && !given(ch->duplicate_of) && !given(ch->outcome) && !ch->odr && !ch->platform_no)
		return zs_fail(err, ZS_EINPUT, TR("没有要修改的内容（--status、--transfer、--odr、--outcome、--note、--recovered、--exposure、--duplicate-of、--platform-no）",
						  "nothing to change (--status, --transfer, --odr, --outcome, --note, --recovered, --exposure, --duplicate-of, --platform-no)"));
	if (given(ch->transfer) && ch->odr)
		return zs_fail(err, ZS_EINPUT, TR("--transfer（转办给承办单位）和 --odr（经ODR转交经营者）只能选一个",
						  "--transfer (to a unit) and --odr (to the business through ODR) exclude each other"));
	int r = store_begin(c->st, err);
	if (r)
		return r;
	struct intake before, after;
	r = store_intake_get(c->st, id, &before, err);
	if (r == ZS_ENOTFOUND)
		r = zs_fail(err, ZS_ENOTFOUND, TR("没有编号为 %lld 的登记", "no intake with id %lld"), (long long)id);
	if (r) {
		store_rollback(c->st);
		return r;
	}
	if (!intake_copy(&after, &before)) {
		intake_clear(&before);
		store_rollback(c->st);
		return zs_fail(err, ZS_EFAIL, "out of memory");
	}
	r = apply_change(c, &after, ch, err);
	if (!r) {
		after.updated_at = c->now;
		r = store_intake_update(c->st, &after, err);
	}
	if (!r) {
		struct diff d = { json_object(), json_object(), "" };
		diff_str(&d, "status", before.status, after.status);
		diff_str(&d, "handling", before.handling, after.handling);
		diff_str(&d, "odr_uscc", before.odr_uscc, after.odr_uscc);
		diff_str(&d, "outcome", before.outcome, after.outcome);
		diff_int(&d, "transfer_unit_id", before.transfer_unit_id, after.transfer_unit_id);
		diff_int(&d, "duplicate_of", before.duplicate_of, after.duplicate_of);
		diff_int(&d, "recovered_fen", before.recovered_fen, after.recovered_fen);
		diff_int(&d, "exposure_id", before.exposure_id, after.exposure_id);
		diff_str(&d, "notes", before.notes, after.notes);
		/* Old and new number both kept: a number changed is on the record. */
		diff_str(&d, "platform_no", before.platform_no, after.platform_no);
		/* Nothing changed (the same transfer twice): no write, no audit row. */
		if (!*d.fields) {
			json_decref(d.before);
			json_decref(d.after);
			intake_clear(&before);
			intake_clear(&after);
			store_rollback(c->st);
			return ZS_OK;
		}
		char *b = json_dumps(d.before, JSON_COMPACT), *a = json_dumps(d.after, JSON_COMPACT);
		r = store_audit(c->st, "intake", id, "update", d.fields, b, a, err);
		free(b);
		free(a);
		json_decref(d.before);
		json_decref(d.after);
	}
	intake_clear(&before);
	intake_clear(&after);
	if (!r)
		r = store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}
