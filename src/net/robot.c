/* robot: what the chat platforms want to read, and what their answers mean.
 *
 * Pure: the relay owns the network and the database, this file only the
 * formats.  The text is always Chinese, whatever --lang the person running
 * the relay prefers: the groups that read it are Chinese.  Everything taken
 * from an outbox payload is sanitised (another program may have written the
 * row) and only the facts named per event below ever reach a platform: the
 * payload may carry more, and more is exactly what must not leave. */
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/robot.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

#define TAG "【3·15值守】"
#define ELLIPSIS "…"
#define CONTENT_TYPE "Content-Type: application/json; charset=utf-8"

/* Bytes of the text part per platform.  DingTalk, Feishu and a webhook take
 * about 20000; WeCom's content stops at 2048, which we keep for the whole
 * body so the mentions can never push it over. */
enum {
	DINGTALK_TEXT_MAX = 18000,
	WECOM_TEXT_MAX = 2000,
	WECOM_BODY_MAX = 2048,
	FEISHU_TEXT_MAX = 18000,
	WEBHOOK_TEXT_MAX = 18000,
	/* However many mentions there are, the event itself keeps this much. */
	MIN_TEXT = 256,
	/* How much of an unreadable answer goes into the reason. */
	BODY_START = 120,
};

static const struct {
	enum robot_type t;
	const char *name, *zh;
} types[] = {
	{ ROBOT_DINGTALK, "dingtalk", "钉钉" },
	{ ROBOT_WECOM, "wecom", "企业微信" },
	{ ROBOT_FEISHU, "feishu", "飞书" },
	{ ROBOT_WEBHOOK, "webhook", "通用" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

bool robot_type_parse(const char *s, enum robot_type *t)
{
	if (!s)
		return false;
	for (size_t i = 0; i < N(types); i++)
		if (!strcasecmp(s, types[i].name) || !strcmp(s, types[i].zh)) {
			if (t)
				*t = types[i].t;
			return true;
		}
	return false;
}

const char *robot_type_name(enum robot_type t)
{
	for (size_t i = 0; i < N(types); i++)
		if (types[i].t == t)
			return types[i].name;
	return "unknown";
}

/* ---- a growing string ---- */

/* A memory stream (open_memstream), opened by the first write so that
 * { 0 } is an empty buffer; oom remembers any failure on the way. */
struct buf {
	FILE *f;
	char *p;
	size_t n;
	bool oom;
};

static bool buf_open(struct buf *b)
{
	if (!b->f && !b->oom && !(b->f = open_memstream(&b->p, &b->n)))
		b->oom = true;
	return b->f != NULL;
}

static void buf_puts(struct buf *b, const char *s)
{
	if (buf_open(b) && fputs(s, b->f) == EOF)
		b->oom = true;
}

__attribute__((format(printf, 2, 3)))
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (buf_open(b) && vfprintf(b->f, fmt, ap) < 0)
		b->oom = true;
	va_end(ap);
}

/* The string ("" when nothing was written), or NULL when memory ran out on
 * the way; the buffer is empty again afterwards. */
static char *buf_take(struct buf *b)
{
	char *s = NULL;
	if (b->f && fclose(b->f))
		b->oom = true;
	if (!b->oom)
		s = b->p ? b->p : strdup("");
	else
		free(b->p);
	memset(b, 0, sizeof *b);
	return s;
}

/* Cut valid UTF-8 s in place to at most max bytes, on a character boundary,
 * ending with "…" when anything was cut (if "…" itself fits). */
static void cut_utf8(char *s, size_t max)
{
	size_t n = strlen(s), el = strlen(ELLIPSIS);
	if (n <= max)
		return;
	size_t keep = text_cut(s, max >= el ? max - el : max);
	/* "…" after a dangling separator reads as if something followed. */
	while (keep > 0 && (s[keep - 1] == ' ' || s[keep - 1] == '\n'))
		keep--;
	if (max >= el) {
		memcpy(s + keep, ELLIPSIS, el);
		s[keep + el] = '\0';
	} else {
		s[keep] = '\0';
	}
}

/* ---- facts from the payload ---- */

/* A string fact, sanitised and trimmed; NULL when absent, null or not a string. */
static char *fact_str(json_t *p, const char *key)
{
	json_t *v = json_object_get(p, key);
	if (!json_is_string(v))
		return NULL;
	char *s = text_sanitize(json_string_value(v), json_string_length(v), 0);
	return s ? text_trim(s) : NULL;
}

/* An integer fact.  A string of digits counts too: levels are codes ("2")
 * elsewhere in zhishou and a writer may have kept them so. */
static bool fact_int(json_t *p, const char *key, int64_t *out)
{
	json_t *v = json_object_get(p, key);
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = strlen(s);
		if (n == 0 || n > 18 || strspn(s, "0123456789") != n)
			return false;
		*out = strtoll(s, NULL, 10);
		return true;
	}
	return false;
}

/* 1 true, 0 false, -1 absent or not a truth value. */
static int fact_bool(json_t *p, const char *key)
{
	json_t *v = json_object_get(p, key);
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return -1;
}

/* The Chinese label of a code, whatever the current language; NULL if unknown. */
static const char *zh_label(const struct vocab *v, const char *code)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(code, v->items[i].code))
			return v->items[i].zh;
	return NULL;
}

/* "重大（二级）"; false for anything but 1..4. */
static bool level_text(json_t *p, const char *key, char *out, size_t outsz)
{
	static const char *const rank[] = { "一级", "二级", "三级", "四级" };
	int64_t l;
	if (!fact_int(p, key, &l) || l < 1 || l > 4)
		return false;
	char code[2] = { (char)('0' + l), '\0' };
	const char *label = zh_label(&vocab_level, code);
	snprintf(out, outsz, "%s（%s）", label ? label : code, rank[l - 1]);
	return true;
}

/* The label of a code fact (status, local); an unknown code is shown as it
 * is (sanitised).  malloc'd, NULL when absent. */
static char *code_text(json_t *p, const char *key, const struct vocab *v)
{
	char *code = fact_str(p, key);
	if (!code || !*code) {
		free(code);
		return NULL;
	}
	const char *label = zh_label(v, code);
	if (label) {
		free(code);
		return strdup(label);
	}
	return code;
}

static bool time_text(json_t *p, const char *key, char *out, size_t outsz)
{
	int64_t t;
	if (!fact_int(p, key, &t) || t <= 0)
		return false;
	time_format(t, TIME_SHORT, out, outsz);
	return true;
}

/* ---- the text ---- */

/* The second line: facts separated by "｜". */
struct facts {
	struct buf *b;
	bool any;
};

static void fact(struct facts *f, const char *label, const char *value)
{
	if (f->any)
		buf_puts(f->b, "｜");
	f->any = true;
	buf_puts(f->b, label);
	buf_puts(f->b, value);
}

static void fact_level(struct facts *f, json_t *p)
{
	char l[64];
	if (level_text(p, "level", l, sizeof l))
		fact(f, "级别：", l);
}

static void fact_time(struct facts *f, json_t *p, const char *key, const char *label)
{
	char t[40];
	if (time_text(p, key, t, sizeof t))
		fact(f, label, t);
}

static void fact_code(struct facts *f, json_t *p, const char *key, const char *label, const struct vocab *v)
{
	char *s = code_text(p, key, v);
	if (s)
		fact(f, label, s);
	free(s);
}

/* The lead unit: absent says nothing; null or "" says nobody leads yet. */
static char *lead_text(json_t *p, const char *key)
{
	json_t *v = json_object_get(p, key);
	if (!v)
		return NULL;
	char *s = fact_str(p, key);
	if (!s || !*s) {
		free(s);
		return strdup("未定");
	}
	return s;
}

static void fact_lead(struct facts *f, json_t *p)
{
	char *s = lead_text(p, "lead_unit");
	if (s)
		fact(f, "牵头：", s);
	free(s);
}

/* "【3·15值守】<what> #<id>：<title>\n" */
static void headline(struct buf *b, const char *what, const struct robot_event *ev, json_t *p)
{
	buf_puts(b, TAG);
	buf_puts(b, what);
	if (ev->exposure_id > 0)
		buf_printf(b, " #%" PRId64, ev->exposure_id);
	char *title = fact_str(p, "title");
	buf_puts(b, "：");
	buf_puts(b, title && *title ? title : "（无标题）");
	free(title);
	buf_puts(b, "\n");
}

/* "A→B", or "B" alone when A is unknown. */
static void change(struct facts *f, const char *label, const char *from, const char *to)
{
	struct buf v = { 0 };
	if (from && to && strcmp(from, to)) {
		buf_puts(&v, from);
		buf_puts(&v, "→");
	}
	buf_puts(&v, to ? to : "未知");
	char *s = buf_take(&v);
	if (s)
		fact(f, label, s);
	free(s);
}

static void text_exposure_new(struct buf *b, const struct robot_event *ev, json_t *p)
{
	struct facts f = { b, false };
	headline(b, "新曝光问题", ev, p);
	fact_level(&f, p);
	fact_code(&f, p, "local", "本地涉及：", &vocab_local);
	fact_lead(&f, p);
	fact_time(&f, p, "deadline", "时限：");
	fact_time(&f, p, "aired_at", "曝光：");
}

static void text_level_raised(struct buf *b, const struct robot_event *ev, json_t *p)
{
	struct facts f = { b, false };
	char to[64], from[64];
	bool has_to = level_text(p, "level", to, sizeof to);
	bool has_from = level_text(p, "old_level", from, sizeof from);
	headline(b, "问题升级", ev, p);
	if (has_to || has_from)
		change(&f, "级别：", has_from ? from : NULL, has_to ? to : NULL);
}

static void text_status_changed(struct buf *b, const struct robot_event *ev, json_t *p)
{
	struct facts f = { b, false };
	char *to = code_text(p, "status", &vocab_exposure_status);
	char *from = code_text(p, "old_status", &vocab_exposure_status);
	headline(b, "处置进展", ev, p);
	if (to || from)
		change(&f, "状态：", from, to);
	free(to);
	free(from);
}

static void text_lead_set(struct buf *b, const struct robot_event *ev, json_t *p)
{
	struct facts f = { b, false };
	char *to = lead_text(p, "lead_unit");
	char *from = fact_str(p, "old_lead_unit");
	if (from && !*from) {
		free(from);
		from = NULL;
	}
	headline(b, from ? "牵头单位调整" : "明确牵头单位", ev, p);
	change(&f, "牵头：", from, to ? to : "未定");
	free(to);
	free(from);
}

static void text_local_set(struct buf *b, const struct robot_event *ev, json_t *p)
{
	struct facts f = { b, false };
	char num[64];
	int64_t n;
	headline(b, "本地涉及核实", ev, p);
	char *local = fact_str(p, "local");
	if (local && !strcmp(local, "yes") && fact_int(p, "count", &n) && n > 0) {
		snprintf(num, sizeof num, "涉及（%" PRId64 " 户）", n);
		fact(&f, "本地涉及：", num);
	} else {
		fact_code(&f, p, "local", "本地涉及：", &vocab_local);
	}
	free(local);
	char *names = fact_str(p, "names");
	if (names && *names)
		fact(&f, "主体：", names);
	free(names);
}

static void text_deadline(struct buf *b, const struct robot_event *ev, json_t *p, bool passed)
{
	struct facts f = { b, false };
	headline(b, passed ? "超时提醒" : "时限预警", ev, p);
	fact(&f, "", passed ? "已超过办结时限" : "距办结时限不足1小时");
	fact_time(&f, p, "deadline", "时限：");
	fact_code(&f, p, "status", "状态：", &vocab_exposure_status);
	fact_lead(&f, p);
}

static void text_digest(struct buf *b, const struct robot_event *ev, json_t *p)
{
	int64_t added, total, minutes;
	bool has_added = fact_int(p, "new", &added), has_total = fact_int(p, "total", &total);
	headline(b, "关联投诉举报", ev, p);
	if (has_added) {
		if (fact_int(p, "minutes", &minutes) && minutes > 0)
			buf_printf(b, "近%" PRId64 "分钟", minutes);
		buf_printf(b, "新增关联投诉举报 %" PRId64 " 件", added);
		if (has_total)
			buf_printf(b, "，累计 %" PRId64 " 件", total);
	} else if (has_total) {
		buf_printf(b, "累计关联投诉举报 %" PRId64 " 件", total);
	}
}

static void text_handover(struct buf *b, json_t *p)
{
	struct facts f = { b, false };
	int64_t n;
	int yes;
	char num[32];
	buf_puts(b, TAG "交接班已签字\n");
	char *by = fact_str(p, "by");
	if (by && *by)
		fact(&f, "签字人：", by);
	free(by);
	if ((yes = fact_bool(p, "note_given")) >= 0)
		fact(&f, "交接说明：", yes ? "有" : "无");
	if (fact_int(p, "open_intakes", &n)) {
		snprintf(num, sizeof num, "%" PRId64 " 件", n);
		fact(&f, "未办结投诉举报 ", num);
	}
	if (fact_int(p, "open_exposures", &n)) {
		snprintf(num, sizeof num, "%" PRId64 " 个", n);
		fact(&f, "未办结曝光问题 ", num);
	}
	if ((yes = fact_bool(p, "accepted")) >= 0)
		fact(&f, "接班确认：", yes ? "已确认" : "未确认");
}

/* An event this version does not know, or whose payload cannot be read:
 * still say that something happened, so the group looks at the console. */
static void text_generic(struct buf *b, const struct robot_event *ev, json_t *p, bool known)
{
	char *name = ev->event ? text_sanitize(ev->event, strlen(ev->event), 0) : NULL;
	if (name)
		text_trim(name);
	buf_puts(b, TAG "值守事件 ");
	buf_puts(b, name && *name ? name : "（未知）");
	free(name);
	if (ev->exposure_id > 0)
		buf_printf(b, " #%" PRId64, ev->exposure_id);
	char *title = fact_str(p, "title");
	if (title && *title) {
		buf_puts(b, "：");
		buf_puts(b, title);
	}
	free(title);
	buf_puts(b, known ? "\n事件内容无法读取，请在值守台查看" : "\n未识别的事件类型，请在值守台查看");
}

/* The facts each event may show; the webhook's payload keeps only these. */
static const struct event_spec {
	const char *name;
	const char *keys[7];
} events[] = {
	{ "exposure_new", { "title", "level", "local", "lead_unit", "deadline", "aired_at", NULL } },
	{ "level_raised", { "title", "level", "old_level", NULL } },
	{ "status_changed", { "title", "status", "old_status", NULL } },
	{ "lead_set", { "title", "lead_unit", "old_lead_unit", NULL } },
	{ "local_set", { "title", "local", "count", "names", NULL } },
	{ "deadline_soon", { "title", "deadline", "status", "lead_unit", NULL } },
	{ "deadline_passed", { "title", "deadline", "status", "lead_unit", NULL } },
	{ "digest", { "title", "new", "total", "minutes", NULL } },
	{ "handover_signed", { "by", "note_given", "open_intakes", "open_exposures", "accepted", NULL } },
};

static const struct event_spec *event_find(const char *name)
{
	for (size_t i = 0; name && i < N(events); i++)
		if (!strcmp(name, events[i].name))
			return &events[i];
	return NULL;
}

/* The payload as an object, or NULL. */
static json_t *payload_object(const struct robot_event *ev)
{
	if (!ev->payload)
		return NULL;
	/* A NUL inside a string is let in, then removed by text_sanitize like
	 * any control, rather than losing the whole event to it. */
	json_t *p = json_loads(ev->payload, JSON_ALLOW_NUL, NULL);
	if (p && !json_is_object(p)) {
		json_decref(p);
		p = NULL;
	}
	return p;
}

char *robot_event_text(const struct robot_event *ev, size_t max_bytes)
{
	static const struct robot_event none = { 0 };
	struct buf b = { 0 };
	if (!ev)
		ev = &none;
	const struct event_spec *spec = event_find(ev->event);
	json_t *p = payload_object(ev);
	if (!spec || !p)
		text_generic(&b, ev, p, spec != NULL);
	else if (!strcmp(spec->name, "exposure_new"))
		text_exposure_new(&b, ev, p);
	else if (!strcmp(spec->name, "level_raised"))
		text_level_raised(&b, ev, p);
	else if (!strcmp(spec->name, "status_changed"))
		text_status_changed(&b, ev, p);
	else if (!strcmp(spec->name, "lead_set"))
		text_lead_set(&b, ev, p);
	else if (!strcmp(spec->name, "local_set"))
		text_local_set(&b, ev, p);
	else if (!strcmp(spec->name, "deadline_soon"))
		text_deadline(&b, ev, p, false);
	else if (!strcmp(spec->name, "deadline_passed"))
		text_deadline(&b, ev, p, true);
	else if (!strcmp(spec->name, "digest"))
		text_digest(&b, ev, p);
	else
		text_handover(&b, p);
	json_decref(p);
	char *s = buf_take(&b);
	if (s) {
		/* No trailing newline when the facts line came out empty. */
		size_t n = strlen(s);
		if (n && s[n - 1] == '\n')
			s[n - 1] = '\0';
		cut_utf8(s, max_bytes);
	}
	return s;
}

/* ---- signatures ---- */

static bool hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char md[32])
{
	unsigned int n = 0;
	if (klen > INT_MAX)
		return false;
	return HMAC(EVP_sha256(), key, (int)klen, msg, mlen, md, &n) && n == 32;
}

/* base64 of a SHA-256 MAC: 44 characters. */
static void base64_32(const unsigned char md[32], char out[48])
{
	EVP_EncodeBlock((unsigned char *)out, md, 32);
}

static void urlencode(const char *s, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.~", c)) {
			*out++ = (char)c;
		} else {
			*out++ = '%';
			*out++ = hex[c >> 4];
			*out++ = hex[c & 15];
		}
	}
	*out = '\0';
}

/* ---- requests ---- */

void robot_request_clear(struct robot_request *r)
{
	if (!r)
		return;
	free(r->url);
	free(r->body);
	for (size_t i = 0; i < N(r->headers); i++)
		free(r->headers[i]);
	memset(r, 0, sizeof *r);
}

/* Set o[k] = v, v's reference passing to o (or freed if o is NULL); *ok
 * becomes false if v is NULL (out of memory) or was not set. */
static void put(json_t *o, const char *k, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(o, k, v))
		*ok = false;
}

static json_t *jstr_take(char *s)
{
	json_t *v = s ? json_string(s) : NULL;
	free(s);
	return v;
}

/* The mobiles to @, sanitised, empty ones left out. */
static json_t *mobiles(const struct robot_event *ev, struct buf *mention)
{
	json_t *a = json_array();
	for (size_t i = 0; a && ev->at_mobiles && i < ev->n_at; i++) {
		const char *m = ev->at_mobiles[i];
		char *s = m ? text_sanitize(m, strlen(m), 0) : NULL;
		if (s)
			text_trim(s);
		if (s && *s) {
			if (mention) {
				buf_puts(mention, json_array_size(a) ? " @" : "@");
				buf_puts(mention, s);
			}
			json_array_append_new(a, json_string(s));
		}
		free(s);
	}
	return a;
}

static char *dump(json_t *o, bool ok)
{
	char *s = ok ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

static int build_dingtalk(const char *url, const char *secret, const struct robot_event *ev, int64_t now_ms,
			  struct robot_request *out)
{
	bool ok = true;
	struct buf mb = { 0 };
	json_t *at_list = mobiles(ev, &mb);
	char *mention = buf_take(&mb);
	/* DingTalk highlights only mentions written in the text as well. */
	size_t suffix = mention && *mention ? strlen(mention) + 1 : 0;
	size_t budget = DINGTALK_TEXT_MAX > suffix + MIN_TEXT ? DINGTALK_TEXT_MAX - suffix : MIN_TEXT;
	char *text = robot_event_text(ev, budget);
	bool have_text = text != NULL;
	struct buf content = { 0 };
	if (text)
		buf_puts(&content, text);
	if (mention && *mention) {
		buf_puts(&content, "\n");
		buf_puts(&content, mention);
	}
	free(text);

	json_t *o = json_object(), *t = json_object(), *at = json_object();
	if (!o || !t || !at || !have_text || !mention)
		ok = false;
	free(mention);
	put(t, "content", jstr_take(buf_take(&content)), &ok);
	put(o, "msgtype", json_string("text"), &ok);
	put(o, "text", t, &ok);
	put(at, "atMobiles", at_list, &ok);
	put(at, "isAtAll", json_false(), &ok);
	put(o, "at", at, &ok);
	out->body = dump(o, ok);

	if (secret && *secret) {
		char *msg = NULL, b64[48], enc[48 * 3];
		unsigned char md[32];
		if (asprintf(&msg, "%" PRId64 "\n%s", now_ms, secret) < 0)
			return ZS_EFAIL;
		bool mac = hmac_sha256(secret, strlen(secret), msg, strlen(msg), md);
		free(msg);
		if (!mac)
			return ZS_EFAIL;
		base64_32(md, b64);
		urlencode(b64, enc);
		size_t n = strlen(url);
		const char *sep = !strchr(url, '?') ? "?" : (url[n - 1] == '?' || url[n - 1] == '&') ? "" : "&";
		if (asprintf(&out->url, "%s%stimestamp=%" PRId64 "&sign=%s", url, sep, now_ms, enc) < 0)
			out->url = NULL;
	} else {
		out->url = strdup(url);
	}
	return out->body && out->url ? ZS_OK : ZS_EFAIL;
}

static int build_wecom(const char *url, const struct robot_event *ev, struct robot_request *out)
{
	size_t budget = WECOM_TEXT_MAX;
	/* Shrink the text until the whole body fits: escapes (\n, \") and the
	 * mention list take room the text budget does not see. */
	for (;;) {
		bool ok = true;
		json_t *list = mobiles(ev, NULL);
		json_t *o = json_object(), *t = json_object();
		if (!o || !t)
			ok = false;
		put(t, "content", jstr_take(robot_event_text(ev, budget)), &ok);
		if (list && json_array_size(list))
			put(t, "mentioned_mobile_list", list, &ok);
		else
			json_decref(list);
		put(o, "msgtype", json_string("text"), &ok);
		put(o, "text", t, &ok);
		free(out->body);
		out->body = dump(o, ok);
		if (!out->body)
			return ZS_EFAIL;
		size_t n = strlen(out->body);
		if (n <= WECOM_BODY_MAX || budget <= MIN_TEXT)
			break;
		size_t over = n - WECOM_BODY_MAX;
		budget = budget > over + MIN_TEXT ? budget - over : MIN_TEXT;
	}
	out->url = strdup(url);
	return out->url ? ZS_OK : ZS_EFAIL;
}

static int build_feishu(const char *url, const char *secret, const struct robot_event *ev, int64_t now_ms,
			struct robot_request *out)
{
	bool ok = true;
	json_t *o = json_object(), *c = json_object();
	if (!o || !c)
		ok = false;
	if (secret && *secret) {
		/* Feishu signs nothing: the key is timestamp and secret, the message empty. */
		int64_t ts = now_ms / 1000;
		char *key = NULL, b64[48], tsbuf[32];
		unsigned char md[32] = { 0 };
		if (asprintf(&key, "%" PRId64 "\n%s", ts, secret) < 0)
			key = NULL;
		if (!key || !hmac_sha256(key, strlen(key), "", 0, md))
			ok = false;
		free(key);
		base64_32(md, b64);
		snprintf(tsbuf, sizeof tsbuf, "%" PRId64, ts);
		put(o, "timestamp", json_string(tsbuf), &ok);
		put(o, "sign", ok ? json_string(b64) : NULL, &ok);
	}
	put(o, "msg_type", json_string("text"), &ok);
	put(c, "text", jstr_take(robot_event_text(ev, FEISHU_TEXT_MAX)), &ok);
	put(o, "content", c, &ok);
	out->body = dump(o, ok);
	out->url = strdup(url);
	return out->body && out->url ? ZS_OK : ZS_EFAIL;
}

/* The payload's allowed facts only, strings sanitised: a receiving system
 * is as much a third party as a chat platform. */
static json_t *safe_payload(const struct robot_event *ev)
{
	json_t *safe = json_object(), *p = payload_object(ev);
	const struct event_spec *spec = event_find(ev->event);
	for (size_t i = 0; safe && p && spec && i < N(spec->keys) && spec->keys[i]; i++) {
		const char *k = spec->keys[i];
		json_t *v = json_object_get(p, k);
		if (json_is_string(v))
			json_object_set_new(safe, k, jstr_take(text_sanitize(json_string_value(v),
									      json_string_length(v), 0)));
		else if (json_is_number(v) || json_is_boolean(v) || json_is_null(v))
			json_object_set(safe, k, v);
	}
	json_decref(p);
	return safe;
}

static int build_webhook(const char *url, const char *secret, const struct robot_event *ev, int64_t now_ms,
			 struct robot_request *out)
{
	bool ok = true;
	char iso[40];
	json_t *o = json_object();
	if (!o)
		ok = false;
	char *event = ev->event ? text_sanitize(ev->event, strlen(ev->event), 0) : strdup("");
	put(o, "source", json_string("zhishou"), &ok);
	put(o, "event", jstr_take(event), &ok);
	put(o, "outbox_id", json_integer(ev->outbox_id), &ok);
	put(o, "exposure_id", ev->exposure_id > 0 ? json_integer(ev->exposure_id) : json_null(), &ok);
	put(o, "created_at", json_string(time_format(ev->created_at, TIME_ISO, iso, sizeof iso)), &ok);
	put(o, "text", jstr_take(robot_event_text(ev, WEBHOOK_TEXT_MAX)), &ok);
	put(o, "payload", safe_payload(ev), &ok);
	out->body = dump(o, ok);
	out->url = strdup(url);
	if (!out->body || !out->url)
		return ZS_EFAIL;
	if (secret && *secret) {
		unsigned char md[32];
		char hex[65];
		if (!hmac_sha256(secret, strlen(secret), out->body, strlen(out->body), md))
			return ZS_EFAIL;
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		if (asprintf(&out->headers[1], "X-Zhishou-Signature: sha256=%s", hex) < 0) {
			out->headers[1] = NULL;
			return ZS_EFAIL;
		}
		if (asprintf(&out->headers[2], "X-Zhishou-Timestamp: %" PRId64, now_ms) < 0) {
			out->headers[2] = NULL;
			return ZS_EFAIL;
		}
	}
	return ZS_OK;
}

int robot_build(enum robot_type t, const char *url, const char *secret, const struct robot_event *ev,
		int64_t now_ms, struct robot_request *out, struct zs_error *err)
{
	if (!out)
		return zs_fail(err, ZS_EFAIL, TR("没有存放请求的位置", "nowhere to put the request"));
	memset(out, 0, sizeof *out);
	if (!ev)
		return zs_fail(err, ZS_EFAIL, TR("没有要发送的事件", "no event to send"));
	if (!url || !*url)
		return zs_fail(err, ZS_EINPUT, TR("机器人地址为空", "the robot's url is empty"));
	/* A url is pasted from a platform's page into the config; a stray
	 * space or newline there would otherwise reach the HTTP request line. */
	for (const char *c = url; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return zs_fail(err, ZS_EINPUT, TR("机器人地址含有空白或控制字符",
							  "the robot's url contains blanks or control characters"));
	int r;
	switch (t) {
	case ROBOT_DINGTALK:
		r = build_dingtalk(url, secret, ev, now_ms, out);
		break;
	case ROBOT_WECOM:
		r = build_wecom(url, ev, out);
		break;
	case ROBOT_FEISHU:
		r = build_feishu(url, secret, ev, now_ms, out);
		break;
	case ROBOT_WEBHOOK:
		r = build_webhook(url, secret, ev, now_ms, out);
		break;
	default:
		return zs_fail(err, ZS_EINPUT, TR("未知的机器人类型 %d", "unknown robot type %d"), (int)t);
	}
	if (r == ZS_OK) {
		out->headers[0] = strdup(CONTENT_TYPE);
		if (out->headers[0])
			return ZS_OK;
	}
	robot_request_clear(out);
	return zs_fail(err, ZS_EFAIL, TR("内存不足，无法生成机器人消息", "out of memory building the robot message"));
}

/* ---- answers ---- */

/* What a platform said in a JSON answer. */
struct answer {
	bool json;       /* the body is JSON */
	bool object;     /* … and an object */
	bool has_code;
	int64_t code;
	const char *msg; /* inside the parsed body; NULL if none */
};

static void read_answer(enum robot_type t, json_t *j, struct answer *a)
{
	static const char *const dt_codes[] = { "errcode", NULL };
	static const char *const fs_codes[] = { "code", "StatusCode", NULL };
	static const char *const msgs[] = { "errmsg", "msg", "StatusMessage", "message", "error", NULL };
	memset(a, 0, sizeof *a);
	a->json = j != NULL;
	if (!json_is_object(j))
		return;
	a->object = true;
	const char *const *codes = t == ROBOT_DINGTALK || t == ROBOT_WECOM ? dt_codes
				   : t == ROBOT_FEISHU			     ? fs_codes
									     : NULL;
	for (size_t i = 0; codes && codes[i] && !a->has_code; i++) {
		json_t *v = json_object_get(j, codes[i]);
		if (json_is_integer(v)) {
			a->has_code = true;
			a->code = json_integer_value(v);
		}
	}
	for (size_t i = 0; msgs[i] && !a->msg; i++) {
		json_t *v = json_object_get(j, msgs[i]);
		if (json_is_string(v) && *json_string_value(v))
			a->msg = json_string_value(v);
	}
}

/* The platform's own "slow down" (or "busy, try later") codes. */
static bool rate_limited(enum robot_type t, int64_t code)
{
	switch (t) {
	case ROBOT_DINGTALK:
		return code == 130101 || code == -1;
	case ROBOT_WECOM:
		return code == 45009 || code == -1;
	case ROBOT_FEISHU:
		return code == 9499 || code == 11232;
	default:
		return false;
	}
}

/* The first bytes of an answer, cut before a split character. */
static void body_start(const char *body, size_t len, char *out, size_t outsz)
{
	size_t n = text_cut(body, len < outsz - 1 ? len : outsz - 1);
	if (n)
		memcpy(out, body, n);
	out[n] = '\0';
}

__attribute__((format(printf, 3, 4)))
static void set_why(char *why, size_t why_size, const char *fmt, ...)
{
	if (!why || !why_size)
		return;
	why[0] = '\0';
	char *raw = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	char *s = text_sanitize(raw, (size_t)n, 0);
	free(raw);
	if (!s)
		return;
	cut_utf8(s, why_size - 1);
	memcpy(why, s, strlen(s) + 1);
	free(s);
}

enum robot_verdict robot_classify(enum robot_type t, long http_status, const char *body, size_t len,
				  char *why, size_t why_size)
{
	if (why && why_size)
		why[0] = '\0';
	if (!body)
		len = 0;
	if (http_status < 100) {
		set_why(why, why_size, "没有收到平台应答（超时或连接失败）");
		return ROBOT_RETRY;
	}
	if (http_status >= 200 && http_status < 300 && t == ROBOT_WEBHOOK)
		return ROBOT_OK;

	char start[BODY_START + 1];
	body_start(body, len, start, sizeof start);
	json_t *j = len ? json_loadb(body, len, JSON_DECODE_ANY, NULL) : NULL;
	struct answer a;
	read_answer(t, j, &a);
	enum robot_verdict v;

	if (http_status >= 200 && http_status < 300) {
		if (!a.json) {
			set_why(why, why_size, "平台回复不是 JSON：%s", start);
			v = ROBOT_FAIL;
		} else if (!a.object || !a.has_code) {
			/* Neither delivered for sure nor worth repeating blindly. */
			set_why(why, why_size, "平台回复无法识别：%s", start);
			v = ROBOT_FAIL;
		} else if (a.code == 0) {
			v = ROBOT_OK;
		} else {
			set_why(why, why_size, "错误码 %" PRId64 "：%s", a.code, a.msg ? a.msg : "");
			v = rate_limited(t, a.code) ? ROBOT_RETRY : ROBOT_FAIL;
		}
	} else {
		bool retry = http_status == 408 || http_status == 429 || http_status >= 500;
		/* Some platforms say "too fast" with a 4xx; their code decides. */
		if (a.has_code && a.code && rate_limited(t, a.code))
			retry = true;
		if (a.msg && a.has_code && a.code)
			set_why(why, why_size, "HTTP %ld，错误码 %" PRId64 "：%s", http_status, a.code, a.msg);
		else if (a.msg)
			set_why(why, why_size, "HTTP %ld：%s", http_status, a.msg);
		else if (start[0])
			set_why(why, why_size, "HTTP %ld：%s", http_status, start);
		else
			set_why(why, why_size, "HTTP %ld", http_status);
		v = retry ? ROBOT_RETRY : ROBOT_FAIL;
	}
	json_decref(j);
	return v;
}
