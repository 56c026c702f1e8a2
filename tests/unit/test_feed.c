/* feed: pages of 8890 work orders into intakes and the quarantine. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/codes.h"
#include "zhishou/feed.h"
#include "zhishou/intake.h"
#include "zhishou/store.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

struct fx {
	struct config cfg;
	struct zs_ctx c;
	struct feed_map m;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	config_defaults(&f->cfg);
	struct store_options so = { .mode = 0660, .create = true, .unix_user = "tester" };
	struct zs_error err = { 0 };
	if (store_open(":memory:", &so, &f->c.st, &err) != ZS_OK) {
		fprintf(stderr, "%s\n", err.msg);
		free(f);
		return -1;
	}
	f->c.cfg = &f->cfg;
	f->c.now = time_from_local(2026, 3, 15, 21 * 3600);
	feed_map_defaults(&f->m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->c.st);
	free(f);
	return 0;
}

/* Import body (a C string) for feed "8890"; expects ZS_OK. */
static struct feed_page import_ok(struct fx *f, const char *body)
{
	struct feed_page p;
	struct zs_error err = { 0 };
	int r = feed_import_page(&f->c, "8890", &f->m, body, strlen(body), &p, &err);
	if (r)
		fprintf(stderr, "import: %s\n", err.msg);
	assert_int_equal(r, ZS_OK);
	return p;
}

/* ---- reading back ---- */

struct intakes {
	struct intake v[64];
	int n;
};

static int collect_intake(const struct intake *i, void *ud)
{
	struct intakes *c = ud;
	assert_true(c->n < 64);
	assert_true(intake_copy(&c->v[c->n++], i));
	return 0;
}

static void intakes_load(struct fx *f, struct intakes *c)
{
	memset(c, 0, sizeof *c);
	struct intake_filter fl = { 0 };
	struct zs_error err = { 0 };
	assert_int_equal(store_intake_each(f->c.st, &fl, collect_intake, c, &err), ZS_OK);
}

static void intakes_free(struct intakes *c)
{
	for (int i = 0; i < c->n; i++)
		intake_clear(&c->v[i]);
	c->n = 0;
}

static const struct intake *by_ref(const struct intakes *c, const char *ref)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].ref, ref))
			return &c->v[i];
	return NULL;
}

static int64_t intake_count(struct fx *f)
{
	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	int64_t n = c->n;
	intakes_free(c);
	free(c);
	return n;
}

struct quars {
	struct quarantine_row v[64];
	int n;
};

static int collect_quar(const struct quarantine_row *q, void *ud)
{
	struct quars *c = ud;
	assert_true(c->n < 64);
	struct quarantine_row *d = &c->v[c->n++];
	*d = *q;
	d->feed = strdup(q->feed);
	d->order_no = strdup(q->order_no);
	d->reason = strdup(q->reason);
	d->raw = strdup(q->raw);
	return 0;
}

static void quars_load(struct fx *f, struct quars *c)
{
	memset(c, 0, sizeof *c);
	struct zs_error err = { 0 };
	assert_int_equal(store_quarantine_each(f->c.st, NULL, 0, 0, collect_quar, c, &err), ZS_OK);
}

static void quars_free(struct quars *c)
{
	for (int i = 0; i < c->n; i++)
		quarantine_row_clear(&c->v[i]);
	c->n = 0;
}

/* The quarantine row whose raw text contains marker. */
static const struct quarantine_row *quar_with(const struct quars *c, const char *marker)
{
	for (int i = 0; i < c->n; i++)
		if (strstr(c->v[i].raw, marker))
			return &c->v[i];
	return NULL;
}

struct audits {
	int n;
	char last_action[32];
	char last_after[1024];
};

static int collect_audit(const struct audit_row *a, void *ud)
{
	struct audits *c = ud;
	c->n++;
	snprintf(c->last_action, sizeof c->last_action, "%s", a->action);
	snprintf(c->last_after, sizeof c->last_after, "%s", a->after);
	return 0;
}

static struct audits audits(struct fx *f)
{
	struct audits c = { 0 };
	struct zs_error err = { 0 };
	assert_int_equal(store_audit_each(f->c.st, NULL, 0, 0, 0, collect_audit, &c, &err), ZS_OK);
	return c;
}

/* ---- tests ---- */

static const char page3[] =
	"{\"orders\":["
	"{\"order_no\":\"GD20260315001\",\"received_at\":\"2026-03-15 19:05\",\"caller\":\"王女士\","
	"\"phone\":\"138-1234-5678\",\"subject\":\"幸福超市\",\"content\":\"买到过期牛奶，要求退款\","
	"\"category\":\"食品\",\"kind\":\"投诉\"},"
	"{\"order_no\":\"GD20260315002\",\"received_at\":\"2026-03-15 19:40\",\"content\":\"咨询预付卡退费\","
	"\"kind\":\"咨询\"},"
	"{\"order_no\":\"GD20260315003\",\"content\":\"举报无证经营\",\"kind\":\"举报\"}"
	"]}";

static void test_default_page(void **state)
{
	struct fx *f = *state;
	struct feed_page p = import_ok(f, page3);
	assert_int_equal(p.added, 3);
	assert_int_equal(p.existing, 0);
	assert_int_equal(p.quarantined, 0);
	assert_null(p.next);
	feed_page_clear(&p);

	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	assert_int_equal(c->n, 3);
	const struct intake *a = by_ref(c, "GD20260315001");
	assert_non_null(a);
	assert_string_equal(a->channel, "8890");
	assert_string_equal(a->kind, "complaint");
	assert_string_equal(a->caller, "王女士");
	assert_string_equal(a->phone, "13812345678");
	assert_string_equal(a->subject, "幸福超市");
	assert_string_equal(a->summary, "买到过期牛奶，要求退款");
	assert_string_equal(a->category, "food");
	assert_string_equal(a->status, "new");
	assert_int_equal(a->received_at, time_from_local(2026, 3, 15, 19 * 3600 + 5 * 60));
	const struct intake *b = by_ref(c, "GD20260315002");
	assert_non_null(b);
	assert_string_equal(b->kind, "inquiry");
	assert_string_equal(b->channel, "8890");
	const struct intake *d = by_ref(c, "GD20260315003");
	assert_non_null(d);
	assert_string_equal(d->kind, "tip");
	assert_int_equal(d->received_at, f->c.now);   /* no time given: when it came in */
	intakes_free(c);
	free(c);
	assert_int_equal(store_quarantine_count(f->c.st), 0);
}

static void test_bare_array(void **state)
{
	struct fx *f = *state;
	struct feed_page p = import_ok(f, "\xEF\xBB\xBF  [{\"order_no\":\"B1\",\"content\":\"一\"},{\"order_no\":\"B2\",\"content\":\"二\"}]\n");
	assert_int_equal(p.added, 2);
	assert_null(p.next);
	feed_page_clear(&p);
	assert_int_equal(intake_count(f), 2);
}

static void test_same_page_twice(void **state)
{
	struct fx *f = *state;
	int a0 = audits(f).n;
	struct feed_page p = import_ok(f, page3);
	assert_int_equal(p.added, 3);
	feed_page_clear(&p);
	assert_int_equal(audits(f).n, a0 + 1);

	p = import_ok(f, page3);
	assert_int_equal(p.added, 0);
	assert_int_equal(p.existing, 3);
	assert_int_equal(p.quarantined, 0);
	feed_page_clear(&p);
	assert_int_equal(intake_count(f), 3);
	assert_int_equal(audits(f).n, a0 + 1);   /* nothing new: no audit row */
}

static void test_duplicate_in_page_and_across_pages(void **state)
{
	struct fx *f = *state;
	struct feed_page p = import_ok(f, "{\"orders\":[{\"order_no\":\"D1\",\"content\":\"第一次\"},"
					  "{\"order_no\":\"D1\",\"content\":\"又推了一次\"},"
					  "{\"order_no\":\" D1 \",\"content\":\"带空格\"}]}");
	assert_int_equal(p.added, 1);
	assert_int_equal(p.existing, 2);
	feed_page_clear(&p);
	p = import_ok(f, "{\"orders\":[{\"order_no\":\"D1\",\"content\":\"第二页\"},{\"order_no\":\"D2\",\"content\":\"新\"}]}");
	assert_int_equal(p.added, 1);
	assert_int_equal(p.existing, 1);
	feed_page_clear(&p);
	/* An order number as a JSON integer is the same order as the string. */
	p = import_ok(f, "[{\"order_no\":77,\"content\":\"数字\"},{\"order_no\":\"77\",\"content\":\"字符串\"}]");
	assert_int_equal(p.added, 1);
	assert_int_equal(p.existing, 1);
	feed_page_clear(&p);

	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	assert_int_equal(c->n, 3);
	assert_string_equal(by_ref(c, "D1")->summary, "第一次");   /* the first one wins */
	assert_non_null(by_ref(c, "D2"));
	assert_non_null(by_ref(c, "77"));
	intakes_free(c);
	free(c);
}

static void test_malformed_records(void **state)
{
	struct fx *f = *state;
	static const char body[] =
		"{\"orders\":["
		"{\"order_no\":\"G1\",\"content\":\"好的一条\"},"
		"{\"content\":\"M-no-order\"},"
		"{\"order_no\":\"\",\"content\":\"M-empty-order\"},"
		"{\"order_no\":\"Q2\",\"subject\":\"M-no-content\"},"
		"{\"order_no\":\"Q3\",\"content\":\"M-bad-phone\",\"phone\":\"12\"},"
		"{\"order_no\":\"Q4\",\"content\":\"M-bad-time\",\"received_at\":\"yesterday-ish\"},"
		"{\"order_no\":\"Q5\",\"content\":12345},"
		"{\"order_no\":\"Q6\",\"content\":[\"M-array\"]},"
		"{\"order_no\":\"Q7\",\"content\":{\"M-object\":1}},"
		"\"M-not-an-object\","
		"{\"order_no\":\"Q8\",\"content\":\"M-phone-object\",\"phone\":{\"n\":1}},"
		"{\"order_no\":\"Q9\",\"content\":\"M-bad-kind\",\"kind\":\"表扬\"},"
		"{\"order_no\":1.5,\"content\":\"M-real-order\"},"
		"{\"order_no\":\"Q10\",\"content\":\"M-future\",\"received_at\":\"2026-03-16 09:00\"},"
		"{\"order_no\":\"G2\",\"content\":\"另一条好的\",\"phone\":13812345678}"
		"]}";
	struct feed_page p = import_ok(f, body);
	assert_int_equal(p.added, 2);
	assert_int_equal(p.existing, 0);
	assert_int_equal(p.quarantined, 13);
	feed_page_clear(&p);

	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	assert_int_equal(c->n, 2);
	assert_non_null(by_ref(c, "G1"));
	assert_string_equal(by_ref(c, "G2")->phone, "13812345678");
	intakes_free(c);
	free(c);

	struct quars *q = malloc(sizeof *q);
	quars_load(f, q);
	assert_int_equal(q->n, 13);
	const struct quarantine_row *r;
	r = quar_with(q, "M-no-order");
	assert_non_null(r);
	assert_string_equal(r->feed, "8890");
	assert_string_equal(r->order_no, "");
	assert_non_null(strstr(r->reason, "缺少工单号 order_no"));
	assert_string_equal(r->raw, "{\"content\":\"M-no-order\"}");   /* compact, not ASCII-escaped */
	assert_int_equal(r->seen, 1);
	assert_int_equal(r->first_at, f->c.now);
	assert_int_equal(r->last_at, f->c.now);
	assert_non_null(strstr(quar_with(q, "M-empty-order")->reason, "缺少工单号 order_no"));
	r = quar_with(q, "M-no-content");
	assert_string_equal(r->order_no, "Q2");
	assert_non_null(strstr(r->reason, "缺少内容 content"));
	r = quar_with(q, "M-bad-phone");
	assert_string_equal(r->order_no, "Q3");
	assert_non_null(strstr(r->reason, "来电号码"));
	assert_non_null(strstr(quar_with(q, "M-bad-time")->reason, "受理时间"));
	assert_non_null(strstr(quar_with(q, "12345")->reason, "字段 content 类型不对（应为字符串）"));
	assert_non_null(strstr(quar_with(q, "M-array")->reason, "字段 content 类型不对"));
	assert_non_null(strstr(quar_with(q, "M-object")->reason, "字段 content 类型不对"));
	r = quar_with(q, "M-not-an-object");
	assert_string_equal(r->raw, "\"M-not-an-object\"");
	assert_non_null(strstr(r->reason, "不是 JSON 对象"));
	r = quar_with(q, "M-phone-object");
	assert_string_equal(r->order_no, "Q8");
	assert_non_null(strstr(r->reason, "字段 phone 类型不对"));
	assert_non_null(strstr(quar_with(q, "M-bad-kind")->reason, "类别"));
	assert_non_null(strstr(quar_with(q, "M-real-order")->reason, "字段 order_no 类型不对"));
	assert_non_null(strstr(quar_with(q, "M-future")->reason, "晚于现在"));
	quars_free(q);
	free(q);

	struct audits a = audits(f);
	assert_string_equal(a.last_action, "feed");
	assert_non_null(strstr(a.last_after, "\"added\":2"));
	assert_non_null(strstr(a.last_after, "\"quarantined\":13"));
}

static void test_quarantine_seen_twice(void **state)
{
	struct fx *f = *state;
	static const char body[] = "[{\"order_no\":\"X1\",\"content\":\"坏电话\",\"phone\":\"12\"}]";
	int a0 = audits(f).n;
	struct feed_page p = import_ok(f, body);
	assert_int_equal(p.quarantined, 1);
	feed_page_clear(&p);
	assert_int_equal(audits(f).n, a0 + 1);
	f->c.now += 60;
	p = import_ok(f, body);
	assert_int_equal(p.quarantined, 1);
	assert_int_equal(p.added, 0);
	feed_page_clear(&p);
	/* The same record again counts up its row and is not news for the audit. */
	assert_int_equal(audits(f).n, a0 + 1);

	struct quars *q = malloc(sizeof *q);
	quars_load(f, q);
	assert_int_equal(q->n, 1);
	assert_int_equal(q->v[0].seen, 2);
	assert_int_equal(q->v[0].last_at, q->v[0].first_at + 60);
	assert_string_equal(q->v[0].order_no, "X1");
	quars_free(q);
	free(q);
	assert_int_equal(intake_count(f), 0);
}

static void test_not_a_page(void **state)
{
	struct fx *f = *state;
	/* Something there already, plus a quarantined record. */
	struct feed_page p = import_ok(f, "[{\"order_no\":\"E1\",\"content\":\"已有\"},{\"order_no\":\"E2\"}]");
	feed_page_clear(&p);
	int64_t n0 = intake_count(f), q0 = store_quarantine_count(f->c.st);
	int a0 = audits(f).n;
	assert_int_equal(n0, 1);
	assert_int_equal(q0, 1);

	static const struct {
		const char *body, *says;
	} cases[] = {
		{ "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML" },
		{ "\r\n  <html><head><title>登录</title></head></html>", "HTML" },
		{ "{\"orders\":[{\"order_no\":\"A1\"", "不完整" },
		{ "", "空" },
		{ " \n\t ", "空" },
		{ "\xEF\xBB\xBF", "空" },
		{ "{\"foo\":1}", "没有 orders 数组" },
		{ "{\"orders\":{\"order_no\":\"A1\"}}", "没有 orders 数组" },
		{ "{\"code\":500,\"msg\":\"系统繁忙\\u001b[2J\"}", "（对方说：系统繁忙[2J）" },
		{ "42", "没有 orders 数组" },
		{ "null", "没有 orders 数组" },
		{ "not json at all", "不是 JSON（第 1 行" },
		{ "[{\"order_no\":\"N1\",\"content\":\"x\"}] trailing", "不是 JSON" },
		/* JSON forbids raw control characters in strings: a page with one is
		 * refused whole, and the message does not carry the ESC on. */
		{ "[{\"order_no\":\"N2\",\"content\":\"a\x1b[2Jb\"}]", "不是 JSON" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct zs_error err = { 0 };
		p = (struct feed_page){ .added = 99 };
		int r = feed_import_page(&f->c, "8890", &f->m, cases[i].body, strlen(cases[i].body), &p, &err);
		if (r != ZS_EINPUT || !strstr(err.msg, cases[i].says))
			fprintf(stderr, "case %zu: r=%d msg=%s\n", i, r, err.msg);
		assert_int_equal(r, ZS_EINPUT);
		assert_non_null(strstr(err.msg, cases[i].says));
		assert_null(strchr(err.msg, '\x1b'));
		assert_int_equal(p.added, 0);
		assert_int_equal(p.existing, 0);
		assert_int_equal(p.quarantined, 0);
		assert_null(p.next);
	}
	/* A NULL body is an empty one. */
	struct zs_error err = { 0 };
	assert_int_equal(feed_import_page(&f->c, "8890", &f->m, NULL, 0, &p, &err), ZS_EINPUT);
	/* The length is what counts, not a NUL: a page cut short by the
	 * transport is not read past its end. */
	static const char cut[] = "[{\"order_no\":\"C1\",\"content\":\"截断\"}]";
	assert_int_equal(feed_import_page(&f->c, "8890", &f->m, cut, strlen(cut) - 1, &p, &err), ZS_EINPUT);
	/* No feed name. */
	assert_int_equal(feed_import_page(&f->c, "", &f->m, cut, strlen(cut), &p, &err), ZS_EINPUT);

	assert_int_equal(intake_count(f), n0);
	assert_int_equal(store_quarantine_count(f->c.st), q0);
	assert_int_equal(audits(f).n, a0);
}

static void test_custom_mapping(void **state)
{
	struct fx *f = *state;
	assert_true(feed_map_set(&f->m, "orders", "rows"));
	assert_true(feed_map_set(&f->m, "next", "nextUrl"));
	assert_true(feed_map_set(&f->m, "order_no", "gdbh"));
	assert_true(feed_map_set(&f->m, "received_at", "slsj"));
	assert_true(feed_map_set(&f->m, "phone", "lxdh"));
	assert_true(feed_map_set(&f->m, "caller", "lxr"));
	assert_true(feed_map_set(&f->m, "subject", "bts"));
	assert_true(feed_map_set(&f->m, "content", "nr"));
	assert_true(feed_map_set(&f->m, "category", "fl"));
	assert_true(feed_map_set(&f->m, "kind", "lb"));
	assert_false(feed_map_set(&f->m, "nosuch", "x"));
	assert_false(feed_map_set(&f->m, "content", ""));
	char longkey[FEED_KEY_MAX + 1];
	memset(longkey, 'k', FEED_KEY_MAX);
	longkey[FEED_KEY_MAX] = '\0';
	assert_false(feed_map_set(&f->m, "content", longkey));
	longkey[FEED_KEY_MAX - 1] = '\0';
	assert_true(feed_map_set(&f->m, "subject", longkey));
	assert_string_equal(f->m.subject, longkey);
	assert_true(feed_map_set(&f->m, "subject", "bts"));
	assert_string_equal(f->m.content, "nr");   /* the refused ones changed nothing */

	struct feed_page p = import_ok(f,
		"{\"rows\":[{\"gdbh\":\"M1\",\"slsj\":\"2026-03-15 20:00\",\"lxdh\":\"13912345678\",\"lxr\":\"李先生\","
		"\"bts\":\"某培训机构\",\"nr\":\"退费难\",\"fl\":\"教育培训\",\"lb\":\"举报\",\"content\":\"不是这个\"},"
		"{\"order_no\":\"M2\",\"nr\":\"用了默认键\"}],"
		"\"nextUrl\":\"https://8890.example/api?page=2\",\"orders\":[]}");
	assert_int_equal(p.added, 1);
	assert_int_equal(p.quarantined, 1);
	assert_string_equal(p.next, "https://8890.example/api?page=2");
	feed_page_clear(&p);
	assert_null(p.next);

	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	assert_int_equal(c->n, 1);
	const struct intake *i = by_ref(c, "M1");
	assert_non_null(i);
	assert_string_equal(i->phone, "13912345678");
	assert_string_equal(i->caller, "李先生");
	assert_string_equal(i->subject, "某培训机构");
	assert_string_equal(i->summary, "退费难");
	assert_string_equal(i->category, "education");
	assert_string_equal(i->kind, "tip");
	assert_int_equal(i->received_at, time_from_local(2026, 3, 15, 20 * 3600));
	intakes_free(c);
	free(c);

	struct quars *q = malloc(sizeof *q);
	quars_load(f, q);
	assert_int_equal(q->n, 1);
	assert_non_null(strstr(q->v[0].reason, "缺少工单号 gdbh"));   /* names the feed's key */
	quars_free(q);
	free(q);

	/* The defaults are back after feed_map_defaults. */
	feed_map_defaults(&f->m);
	assert_string_equal(f->m.orders, "orders");
	assert_string_equal(f->m.next, "next");
	assert_string_equal(f->m.order_no, "order_no");
	assert_string_equal(f->m.received_at, "received_at");
	assert_string_equal(f->m.caller, "caller");
	assert_string_equal(f->m.phone, "phone");
	assert_string_equal(f->m.subject, "subject");
	assert_string_equal(f->m.content, "content");
	assert_string_equal(f->m.category, "category");
	assert_string_equal(f->m.kind, "kind");
}

static void test_next(void **state)
{
	struct fx *f = *state;
	int a0 = audits(f).n;
	struct feed_page p = import_ok(f, "{\"orders\":[],\"next\":\"https://8890.example/orders?cursor=abc\"}");
	assert_int_equal(p.added, 0);
	assert_int_equal(p.existing, 0);
	assert_int_equal(p.quarantined, 0);
	assert_non_null(p.next);
	assert_string_equal(p.next, "https://8890.example/orders?cursor=abc");
	feed_page_clear(&p);
	assert_int_equal(audits(f).n, a0);   /* an empty page: no audit row */

	static const char *const none[] = {
		"{\"orders\":[],\"next\":null}", "{\"orders\":[],\"next\":\"\"}", "{\"orders\":[],\"next\":2}",
		"{\"orders\":[],\"next\":{\"url\":\"x\"}}", "{\"orders\":[]}", "[]",
	};
	for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
		p = import_ok(f, none[i]);
		assert_null(p.next);
		feed_page_clear(&p);
	}
	assert_int_equal(audits(f).n, a0);
	/* feed_page_clear is safe on a cleared or NULL page. */
	feed_page_clear(&p);
	feed_page_clear(NULL);
}

static void test_kinds(void **state)
{
	struct fx *f = *state;
	struct feed_page p = import_ok(f, "[{\"order_no\":\"K1\",\"content\":\"a\",\"kind\":\"举报\"},"
					  "{\"order_no\":\"K2\",\"content\":\"b\",\"kind\":\"tip\"},"
					  "{\"order_no\":\"K3\",\"content\":\"c\",\"kind\":\"inquiry\"},"
					  "{\"order_no\":\"K4\",\"content\":\"d\",\"kind\":\"complaint\"},"
					  "{\"order_no\":\"K5\",\"content\":\"e\"},"
					  "{\"order_no\":\"K6\",\"content\":\"f\",\"kind\":\"\"},"
					  "{\"order_no\":\"K7\",\"content\":\"g\",\"kind\":null},"
					  "{\"order_no\":\"K8\",\"content\":\"h\",\"kind\":\"建议\"}]");
	assert_int_equal(p.added, 7);
	assert_int_equal(p.quarantined, 1);
	feed_page_clear(&p);
	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	assert_string_equal(by_ref(c, "K1")->kind, "tip");
	assert_string_equal(by_ref(c, "K2")->kind, "tip");
	assert_string_equal(by_ref(c, "K3")->kind, "inquiry");
	assert_string_equal(by_ref(c, "K4")->kind, "complaint");
	assert_string_equal(by_ref(c, "K5")->kind, "complaint");
	assert_string_equal(by_ref(c, "K6")->kind, "complaint");
	assert_string_equal(by_ref(c, "K7")->kind, "complaint");
	assert_null(by_ref(c, "K8"));
	intakes_free(c);
	free(c);
}

static void test_times(void **state)
{
	struct fx *f = *state;
	int64_t s = f->c.now - 3600, ms = f->c.now - 7200, ms_str = f->c.now - 10800;
	char body[512];
	snprintf(body, sizeof body,
		 "[{\"order_no\":\"T1\",\"content\":\"秒\",\"received_at\":%lld},"
		 "{\"order_no\":\"T2\",\"content\":\"毫秒\",\"received_at\":%lld},"
		 "{\"order_no\":\"T3\",\"content\":\"毫秒字符串\",\"received_at\":\"%lld\"},"
		 "{\"order_no\":\"T4\",\"content\":\"带时区\",\"received_at\":\"2026-03-15T12:30:00Z\"},"
		 "{\"order_no\":\"T5\",\"content\":\"太小\",\"received_at\":12345},"
		 "{\"order_no\":\"T6\",\"content\":\"小数\",\"received_at\":1773579600.5}]",
		 (long long)s, (long long)ms * 1000 + 999, (long long)ms_str * 1000);
	struct feed_page p = import_ok(f, body);
	assert_int_equal(p.added, 4);
	assert_int_equal(p.quarantined, 2);
	feed_page_clear(&p);
	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	assert_int_equal(by_ref(c, "T1")->received_at, s);
	assert_int_equal(by_ref(c, "T2")->received_at, ms);
	assert_int_equal(by_ref(c, "T3")->received_at, ms_str);
	assert_int_equal(by_ref(c, "T4")->received_at, time_from_local(2026, 3, 15, 20 * 3600 + 30 * 60));
	intakes_free(c);
	free(c);
	struct quars *q = malloc(sizeof *q);
	quars_load(f, q);
	assert_non_null(strstr(quar_with(q, "太小")->reason, "受理时间"));
	assert_non_null(strstr(quar_with(q, "小数")->reason, "字段 received_at 类型不对"));
	quars_free(q);
	free(q);
}

static void test_sanitised(void **state)
{
	struct fx *f = *state;
	/* ESC and BEL as JSON escapes; U+202E (RLO) and U+2066 raw;
	 * a \u0000 inside a string. */
	static const char body[] =
		"[{\"order_no\":\"S1\",\"content\":\"\\u001b[2J\\u001b]0;pwned\\u0007\xe2\x80\xae" "退款\\u001b[31m红\","
		"\"caller\":\"张\xe2\x81\xa6三\",\"subject\":\"店\\u0000名\"},"
		"{\"order_no\":\"S2\xe2\x80\xae\",\"content\":\"坏\\u001b电话\xe2\x80\xae\",\"phone\":\"1\"}]";
	struct feed_page p = import_ok(f, body);
	assert_int_equal(p.added, 1);
	assert_int_equal(p.quarantined, 1);
	feed_page_clear(&p);

	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	const struct intake *i = by_ref(c, "S1");
	assert_non_null(i);
	assert_null(strchr(i->summary, '\x1b'));
	assert_null(strchr(i->summary, '\x07'));
	assert_null(strstr(i->summary, "\xe2\x80\xae"));
	assert_non_null(strstr(i->summary, "[2J"));
	assert_non_null(strstr(i->summary, "退款"));
	assert_string_equal(i->caller, "张三");
	assert_string_equal(i->subject, "店名");
	intakes_free(c);
	free(c);

	struct quars *q = malloc(sizeof *q);
	quars_load(f, q);
	assert_int_equal(q->n, 1);
	assert_string_equal(q->v[0].order_no, "S2");
	assert_null(strchr(q->v[0].raw, '\x1b'));
	assert_null(strstr(q->v[0].raw, "\xe2\x80\xae"));
	assert_non_null(strstr(q->v[0].raw, "坏"));
	assert_true(text_valid_utf8(q->v[0].raw, strlen(q->v[0].raw)));
	quars_free(q);
	free(q);
}

static void test_long_records(void **state)
{
	struct fx *f = *state;
	/* Content of 5000 Chinese characters (15000 bytes): too long for an
	 * intake, and its raw text is cut to 4000 bytes on a boundary. */
	size_t n = 5000;
	char *body = malloc(n * 3 + 512);
	size_t l = (size_t)sprintf(body, "[{\"order_no\":\"L1\",\"content\":\"");
	for (size_t k = 0; k < n; k++)
		l += (size_t)sprintf(body + l, "长");
	l += (size_t)sprintf(body + l, "\"},{\"order_no\":\"");
	for (size_t k = 0; k < 100; k++)
		l += (size_t)sprintf(body + l, "号");
	sprintf(body + l, "\",\"content\":\"工单号太长\"}]");
	struct feed_page p = import_ok(f, body);
	assert_int_equal(p.added, 0);
	assert_int_equal(p.quarantined, 2);
	feed_page_clear(&p);
	free(body);

	struct quars *q = malloc(sizeof *q);
	quars_load(f, q);
	assert_int_equal(q->n, 2);
	const struct quarantine_row *r = quar_with(q, "长长长");
	assert_non_null(r);
	assert_true(strlen(r->raw) <= 4000);
	assert_true(strlen(r->raw) > 3990);
	assert_true(text_valid_utf8(r->raw, strlen(r->raw)));
	assert_non_null(strstr(r->reason, "内容摘要"));
	r = quar_with(q, "工单号太长");
	assert_non_null(r);
	assert_int_equal(text_length(r->order_no), 64);
	assert_non_null(strstr(r->reason, "工单号"));
	quars_free(q);
	free(q);
}

static void test_unknown_category(void **state)
{
	struct fx *f = *state;
	struct feed_page p = import_ok(f, "[{\"order_no\":\"U1\",\"content\":\"a\",\"category\":\"市场秩序类\"},"
					  "{\"order_no\":\"U2\",\"content\":\"b\",\"category\":\"价格\"}]");
	assert_int_equal(p.added, 2);
	feed_page_clear(&p);
	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	assert_string_equal(by_ref(c, "U1")->category, "");
	assert_string_equal(by_ref(c, "U2")->category, "price");
	intakes_free(c);
	free(c);
}

static void test_audit_rows(void **state)
{
	struct fx *f = *state;
	int a0 = audits(f).n;
	struct feed_page p = import_ok(f, "{\"orders\":[]}");
	feed_page_clear(&p);
	assert_int_equal(audits(f).n, a0);

	p = import_ok(f, "{\"orders\":[{\"order_no\":\"A1\",\"content\":\"一\"},{\"order_no\":\"A2\",\"content\":\"二\"}]}");
	assert_int_equal(p.added, 2);
	feed_page_clear(&p);
	struct audits a = audits(f);
	assert_int_equal(a.n, a0 + 1);
	assert_string_equal(a.last_action, "feed");
	assert_non_null(strstr(a.last_after, "\"feed\":\"8890\""));
	assert_non_null(strstr(a.last_after, "\"added\":2"));
	assert_non_null(strstr(a.last_after, "\"existing\":0"));
	assert_non_null(strstr(a.last_after, "\"quarantined\":0"));
	struct intakes *c = malloc(sizeof *c);
	intakes_load(f, c);
	char ids[64];
	snprintf(ids, sizeof ids, "\"first_id\":%lld", (long long)by_ref(c, "A1")->id);
	assert_non_null(strstr(a.last_after, ids));
	snprintf(ids, sizeof ids, "\"last_id\":%lld", (long long)by_ref(c, "A2")->id);
	assert_non_null(strstr(a.last_after, ids));
	intakes_free(c);
	free(c);

	/* Another feed name is its own quarantine, and named in the audit. */
	struct zs_error err = { 0 };
	static const char bad[] = "[{\"order_no\":\"A3\"}]";
	assert_int_equal(feed_import_page(&f->c, "8890-west", NULL, bad, strlen(bad), &p, &err), ZS_OK);
	assert_int_equal(p.quarantined, 1);
	feed_page_clear(&p);
	a = audits(f);
	assert_int_equal(a.n, a0 + 2);
	assert_non_null(strstr(a.last_after, "\"feed\":\"8890-west\""));
	assert_non_null(strstr(a.last_after, "\"quarantined\":1"));
	assert_int_equal(feed_import_page(&f->c, "8890", NULL, bad, strlen(bad), &p, &err), ZS_OK);
	feed_page_clear(&p);
	assert_int_equal(store_quarantine_count(f->c.st), 2);
}

int main(void)
{
	setenv("TZ", "America/New_York", 1);
	time_set_zone("Asia/Shanghai");
	codes_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_array, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_page_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_in_page_and_across_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quarantine_seen_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_custom_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_times, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sanitised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_category, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
