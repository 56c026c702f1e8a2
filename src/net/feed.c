/* feed: one page of the 8890 platform's work orders into intakes.
 *
 * The page is parsed whole (pages are small); then, in one transaction,
 * every usable order is staged and moved into intake with the same staging
 * table `log import` uses (so an order already logged, or given twice, is
 * skipped by its (channel, reference) pair), and every unusable record goes
 * to the quarantine with its reason.  One audit row records the page when it
 * brought something new; a poll that found nothing new leaves no trace in
 * the audit log. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/member.h"
#include "zhishou/codes.h"
#include "zhishou/feed.h"
#include "zhishou/i18n.h"
#include "zhishou/intake.h"
#include "zhishou/store.h"
#include "zhishou/text.h"

/* A quarantined record keeps at most this much of its raw text (bytes). */
enum { FEED_RAW_MAX = 4000 };
/* Unix times above this are milliseconds (1e11 s is the year 5138). */
#define FEED_MS_THRESHOLD 100000000000LL

void feed_map_defaults(struct feed_map *m)
{
	memset(m, 0, sizeof *m);
	strcpy(m->orders, "orders");
	strcpy(m->next, "next");
	strcpy(m->order_no, "order_no");
	strcpy(m->received_at, "received_at");
	strcpy(m->caller, "caller");
	strcpy(m->phone, "phone");
	strcpy(m->subject, "subject");
	strcpy(m->content, "content");
	strcpy(m->category, "category");
	strcpy(m->kind, "kind");
}

static const struct {
	const char *name;
	size_t off;
} map_fields[] = {
	{ "orders", offsetof(struct feed_map, orders) },
	{ "next", offsetof(struct feed_map, next) },
	{ "order_no", offsetof(struct feed_map, order_no) },
	{ "received_at", offsetof(struct feed_map, received_at) },
	{ "caller", offsetof(struct feed_map, caller) },
	{ "phone", offsetof(struct feed_map, phone) },
	{ "subject", offsetof(struct feed_map, subject) },
	{ "content", offsetof(struct feed_map, content) },
	{ "category", offsetof(struct feed_map, category) },
	{ "kind", offsetof(struct feed_map, kind) },
};

bool feed_map_set(struct feed_map *m, const char *field, const char *key)
{
	if (!m || !field || !key || !*key || strlen(key) >= FEED_KEY_MAX)
		return false;
	for (size_t i = 0; i < sizeof map_fields / sizeof *map_fields; i++)
		if (!strcmp(field, map_fields[i].name)) {
			strcpy((char *)m + map_fields[i].off, key);
			return true;
		}
	return false;
}

void feed_page_clear(struct feed_page *p)
{
	if (!p)
		return;
	free(p->next);
	memset(p, 0, sizeof *p);
}

/* The fields of one order, in the order they are checked. */
enum { K_ORDER_NO, K_RECEIVED_AT, K_CALLER, K_PHONE, K_SUBJECT, K_CONTENT, K_CATEGORY, K_KIND, K_N };

static const char *map_key(const struct feed_map *m, int k)
{
	switch (k) {
	case K_ORDER_NO: return m->order_no;
	case K_RECEIVED_AT: return m->received_at;
	case K_CALLER: return m->caller;
	case K_PHONE: return m->phone;
	case K_SUBJECT: return m->subject;
	case K_CONTENT: return m->content;
	case K_CATEGORY: return m->category;
	default: return m->kind;
	}
}

enum { GOT_OK, GOT_WRONG_TYPE, GOT_NOMEM };

/* A string of 12+ digits in a time field is a Unix time in milliseconds
 * when it is that large; seconds are left to time_parse. */
static bool digits_only(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* One field's value as a sanitised, trimmed, malloc'd string (*out NULL when
 * absent or null).  Integers are accepted where numeric is set (order
 * numbers, phones, times); a time as an integer, or as a string of digits,
 * is Unix seconds, or milliseconds when above FEED_MS_THRESHOLD. */
static int get_field(json_t *o, const char *key, bool numeric, bool is_time, char **out)
{
	*out = NULL;
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return GOT_OK;
	char num[32];
	if (json_is_string(v)) {
		/* json_string_length, not strlen: a \u0000 inside is removed, not an end. */
		char *s = text_sanitize(json_string_value(v), json_string_length(v), TEXT_KEEP_NEWLINES);
		if (!s)
			return GOT_NOMEM;
		text_trim(s);
		if (is_time && digits_only(s) && strlen(s) <= 18) {
			long long t = strtoll(s, NULL, 10);
			if (t > FEED_MS_THRESHOLD) {
				snprintf(num, sizeof num, "%lld", t / 1000);
				free(s);
				s = strdup(num);
				if (!s)
					return GOT_NOMEM;
			}
		}
		*out = s;
		return GOT_OK;
	}
	if (!numeric || !json_is_integer(v))
		return GOT_WRONG_TYPE;
	long long n = (long long)json_integer_value(v);
	if (is_time && n > FEED_MS_THRESHOLD)
		n /= 1000;
	snprintf(num, sizeof num, "%lld", n);
	*out = strdup(num);
	return *out ? GOT_OK : GOT_NOMEM;
}

/* Cut s in place to at most maxchars code points. */
static void cut_chars(char *s, size_t maxchars)
{
	size_t len = strlen(s), i = 0;
	for (size_t n = 0; i < len && n < maxchars; n++) {
		uint32_t cp;
		i += text_decode(s + i, len - i, &cp);
	}
	s[i] = '\0';
}

/* The record as it came (compact JSON, sanitised, at most FEED_RAW_MAX
 * bytes cut on a character boundary); NULL when out of memory. */
static char *raw_text(json_t *e)
{
	char *dump = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!dump)
		return NULL;
	char *s = text_sanitize(dump, strlen(dump), 0);
	free(dump);
	if (!s)
		return NULL;
	if (strlen(s) > FEED_RAW_MAX)
		s[text_cut(s, FEED_RAW_MAX)] = '\0';
	return s;
}

struct page_run {
	struct zs_ctx *c;
	const char *feed;
	const struct feed_map *m;
	struct feed_page *res;
};

static int quarantine(struct page_run *pr, json_t *e, const char *order_no, const char *reason,
		      struct zs_error *err)
{
	char *raw = raw_text(e);
	char no[INTAKE_MAX_REF * 4 + 1];
	snprintf(no, sizeof no, "%s", order_no ? order_no : "");
	cut_chars(no, INTAKE_MAX_REF);
	if (!raw)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	int r = store_quarantine_add(pr->c->st, pr->feed, no, reason, raw, pr->c->now, err);
	free(raw);
	if (!r)
		pr->res->quarantined++;
	return r;
}

/* One record: staged, or quarantined.  Returns a failure that stops the
 * page (database, memory), never a bad record. */
static int one_order(struct page_run *pr, json_t *e, struct zs_error *err)
{
	static const bool numeric[K_N] = { [K_ORDER_NO] = true, [K_RECEIVED_AT] = true, [K_PHONE] = true };
	char *v[K_N] = { 0 };
	char reason[sizeof err->msg];
	reason[0] = '\0';
	int r = ZS_OK;

	if (!json_is_object(e)) {
		snprintf(reason, sizeof reason, "%s", TR("记录不是 JSON 对象", "the record is not a JSON object"));
		goto bad;
	}
	for (int k = 0; k < K_N; k++) {
		const char *key = map_key(pr->m, k);
		int g = get_field(e, key, numeric[k], k == K_RECEIVED_AT, &v[k]);
		if (g == GOT_NOMEM) {
			r = zs_fail(err, ZS_EFAIL, "out of memory");
			goto out;
		}
		if (g == GOT_WRONG_TYPE && !reason[0])
			snprintf(reason, sizeof reason,
				 numeric[k] ? TR("字段 %s 类型不对（应为字符串或整数）",
						 "field %s has the wrong type (expected a string or an integer)")
					    : TR("字段 %s 类型不对（应为字符串）",
						 "field %s has the wrong type (expected a string)"),
				 key);
	}
	if (reason[0])
		goto bad;
	if (!v[K_ORDER_NO] || !*v[K_ORDER_NO]) {
		snprintf(reason, sizeof reason, TR("缺少工单号 %s", "missing order number %s"), pr->m->order_no);
		goto bad;
	}
	if (!v[K_CONTENT] || !*v[K_CONTENT]) {
		snprintf(reason, sizeof reason, TR("缺少内容 %s", "missing content %s"), pr->m->content);
		goto bad;
	}
	/* The platform's own classification need not match ours: an order is
	 * not held back for that, it comes in unclassified. */
	const char *category = v[K_CATEGORY] && vocab_code(&vocab_category, v[K_CATEGORY]) ? v[K_CATEGORY] : NULL;
	struct intake_input in = {
		.channel = "8890", .ref = v[K_ORDER_NO], .at = v[K_RECEIVED_AT], .caller = v[K_CALLER],
		.phone = v[K_PHONE], .subject = v[K_SUBJECT], .category = category, .text = v[K_CONTENT],
		.kind = v[K_KIND] && *v[K_KIND] ? v[K_KIND] : "complaint",
	};
	struct intake rec;
	struct zs_error rowerr = { 0 };
	r = intake_from_input(pr->c, &in, &rec, &rowerr);
	if (r == ZS_EINPUT) {
		r = ZS_OK;
		snprintf(reason, sizeof reason, "%s", rowerr.msg);
		goto bad;
	}
	if (r) {
		zs_fail(err, r, "%s", rowerr.msg);
		goto out;
	}
	bool dup = false;
	r = store_stage_add(pr->c->st, &rec, &dup, err);
	intake_clear(&rec);
	if (!r && dup)
		pr->res->existing++;   /* the same order twice in this page */
	goto out;
bad:
	r = quarantine(pr, e, v[K_ORDER_NO], reason, err);
out:
	for (int k = 0; k < K_N; k++)
		free(v[k]);
	return r;
}

/* What the body is when it is not a page, for the message. */
static int not_a_page(const char *body, size_t len, const json_error_t *je, struct zs_error *err)
{
	size_t k = 0;
	if (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3))
		k = 3;
	while (k < len && (body[k] == ' ' || body[k] == '\t' || body[k] == '\r' || body[k] == '\n'))
		k++;
	if (k == len)
		return zs_fail(err, ZS_EINPUT, "%s", TR("回复是空的，不是工单数据", "the reply is empty, not work orders"));
	if (body[k] == '<')
		return zs_fail(err, ZS_EINPUT, "%s",
			       TR("回复是 HTML 页面，不是工单数据", "the reply is an HTML page, not work orders"));
	/* jansson's text may quote the body: it is outside text. */
	char *why = text_sanitize(je->text, strlen(je->text), 0);
	int r;
	if (json_error_code(je) == json_error_premature_end_of_input)
		r = zs_fail(err, ZS_EINPUT, TR("回复不完整，JSON 在第 %d 行中断（%s）",
					       "the reply is cut short: the JSON ends at line %d (%s)"),
			    je->line, why ? why : "");
	else
		r = zs_fail(err, ZS_EINPUT, TR("回复不是 JSON（第 %d 行：%s）", "the reply is not JSON (line %d: %s)"),
			    je->line, why ? why : "");
	free(why);
	return r;
}

/* A JSON reply without the orders: say what the platform said, if it did. */
static int no_orders(json_t *root, const struct feed_map *m, struct zs_error *err)
{
	static const char *const said_keys[] = { "message", "msg", "errmsg", "error", NULL };
	const char *said = NULL;
	size_t said_len = 0;
	for (int i = 0; json_is_object(root) && said_keys[i] && !said; i++) {
		json_t *s = json_object_get(root, said_keys[i]);
		if (json_is_string(s) && json_string_length(s)) {
			said = json_string_value(s);
			said_len = json_string_length(s);
		}
	}
	if (!said)
		return zs_fail(err, ZS_EINPUT, TR("回复里没有 %s 数组", "the reply has no %s array"), m->orders);
	char *clean = text_sanitize(said, said_len, 0);
	if (clean)
		cut_chars(clean, 200);
	int r = zs_fail(err, ZS_EINPUT, TR("回复里没有 %s 数组（对方说：%s）", "the reply has no %s array (it says: %s)"),
			m->orders, clean ? clean : "");
	free(clean);
	return r;
}

/* One audit row for a page that brought something new. */
static int audit_page(struct page_run *pr, int64_t new_quarantined, int64_t first_id, int64_t last_id,
		      struct zs_error *err)
{
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "feed", pr->feed,
			      "added", (json_int_t)pr->res->added, "existing", (json_int_t)pr->res->existing,
			      "quarantined", (json_int_t)pr->res->quarantined,
			      "quarantined_new", (json_int_t)new_quarantined,
			      "first_id", (json_int_t)first_id, "last_id", (json_int_t)last_id);
	char *after = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!after)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	int r = store_audit(pr->c->st, "intake", 0, "feed", "", "", after, err);
	free(after);
	return r;
}

int feed_import_page(struct zs_ctx *c, const char *feed, const struct feed_map *m, const char *body,
		     size_t len, struct feed_page *res, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_OPERATOR, "接收 8890 工单", "taking in 8890 orders", err);
	if (rr_)
		return rr_;
	memset(res, 0, sizeof *res);
	struct feed_map defaults;
	if (!m) {
		feed_map_defaults(&defaults);
		m = &defaults;
	}
	if (!feed || !*feed)
		return zs_fail(err, ZS_EINPUT, "%s", TR("缺少数据源名称", "missing feed name"));
	if (!body)
		len = 0;

	/* A NUL inside a string must not make a page unreadable (it is removed
	 * when the field is sanitised); duplicate keys are left to jansson (the
	 * last wins) rather than refusing every order on the page for one. */
	json_error_t je;
	size_t bom = len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3) ? 3 : 0;
	json_t *root = len > bom ? json_loadb(body + bom, len - bom, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je) : NULL;
	if (!root) {
		if (len <= bom)
			memset(&je, 0, sizeof je);
		return not_a_page(body ? body : "", len, &je, err);
	}
	json_t *orders = NULL;
	if (json_is_array(root)) {
		orders = root;
	} else if (json_is_object(root)) {
		orders = json_object_get(root, m->orders);
		if (!json_is_array(orders))
			orders = NULL;
		json_t *nx = json_object_get(root, m->next);
		if (orders && json_is_string(nx) && json_string_length(nx)) {
			res->next = strdup(json_string_value(nx));
			if (!res->next) {
				json_decref(root);
				return zs_fail(err, ZS_EFAIL, "out of memory");
			}
		}
	}
	if (!orders) {
		int r = no_orders(root, m, err);
		json_decref(root);
		return r;
	}

	struct page_run pr = { .c = c, .feed = feed, .m = m, .res = res };
	int64_t first = 0, last = 0, added = 0, skipped = 0, q_before = 0, q_after = 0;
	int r = store_begin(c->st, err);
	if (!r)
		r = store_stage_begin(c->st, err);
	if (!r && (q_before = store_quarantine_count(c->st)) < 0)
		r = zs_fail(err, ZS_EFAIL, "%s", TR("无法读取隔离区", "cannot read the quarantine"));
	size_t i;
	json_t *e;
	json_array_foreach(orders, i, e) {
		if (r)
			break;
		r = one_order(&pr, e, err);
	}
	if (!r)
		r = store_stage_flush(c->st, &first, &last, &added, &skipped, err);
	if (!r) {
		res->added = added;
		res->existing += skipped;
		if ((q_after = store_quarantine_count(c->st)) < 0)
			r = zs_fail(err, ZS_EFAIL, "%s", TR("无法读取隔离区", "cannot read the quarantine"));
	}
	/* A record quarantined on an earlier poll and seen again only counts
	 * up its row: that poll brought nothing new to audit. */
	if (!r && (added > 0 || q_after > q_before))
		r = audit_page(&pr, q_after - q_before, first, last, err);
	if (!r)
		r = store_commit(c->st, err);
	if (r) {
		store_rollback(c->st);
		feed_page_clear(res);
	}
	json_decref(root);
	return r;
}
