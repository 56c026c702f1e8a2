/* Store and core against an in-memory or temp-file database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>   /* only to forge foreign/newer databases */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zhishou/alert.h"
#include "zhishou/audit.h"
#include "zhishou/board.h"
#include "zhishou/codes.h"
#include "zhishou/entity.h"
#include "zhishou/exposure.h"
#include "zhishou/caller.h"
#include "zhishou/feed.h"
#include "zhishou/handover.h"
#include "zhishou/intake.h"
#include "zhishou/member.h"
#include "zhishou/reads.h"
#include "zhishou/rules.h"
#include "zhishou/search.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

struct fx {
	struct config cfg;
	struct zs_ctx c;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	config_defaults(&f->cfg);
	struct store_options so = { .mode = 0660, .create = true, .unix_user = "tester" };
	struct zs_error err = { 0 };
	if (store_open(":memory:", &so, &f->c.st, &err) != ZS_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	f->c.cfg = &f->cfg;
	f->c.now = time_from_local(2026, 3, 15, 21 * 3600);
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

static int64_t add(struct fx *f, const char *channel, const char *kind, const char *phone, const char *subject,
		   const char *text, struct intake_hints *h)
{
	struct intake_input in = { .channel = channel, .kind = kind, .phone = phone, .subject = subject, .text = text };
	struct zs_error err = { 0 };
	int64_t id = 0;
	int r = intake_add(&f->c, &in, &id, h, &err);
	if (r)
		fprintf(stderr, "add: %s\n", err.msg);
	assert_int_equal(r, ZS_OK);
	return id;
}

static void test_caller_history(void **state)
{
	struct fx *f = *state;
	struct caller_history h;
	struct zs_error err = { 0 };
	assert_int_equal(caller_history(&f->c, "13800138000", &h, &err), ZS_OK);
	assert_int_equal(h.count, 0);
	add(f, "web", "complaint", "13800138000", "甲超市", "第一次", NULL);
	f->c.now += 60;
	int64_t second = add(f, "12315-hotline", "inquiry", "138 0013 8000", "", "又问退款怎么办", NULL);
	add(f, "web", "complaint", "13900139000", "乙超市", "别人", NULL);
	/* Half a number (still typing) finds nothing and is no error. */
	assert_int_equal(caller_history(&f->c, "1380013", &h, &err), ZS_OK);
	assert_int_equal(h.count, 0);
	assert_int_equal(caller_history(&f->c, "138-0013-8000", &h, &err), ZS_OK);
	assert_int_equal(h.count, 2);
	assert_int_equal(h.last_id, second);
	assert_string_equal(h.last_status, "new");
	assert_string_equal(h.last_subject, "又问退款怎么办");   /* no business: the summary */
	/* A confidential tip from the number is not counted for anyone who
	 * may not see its tip-giver. */
	struct intake_input in = { .channel = "web", .kind = "tip", .phone = "13700137000", .text = "保密举报",
				   .confidential = true };
	int64_t id;
	assert_int_equal(intake_add(&f->c, &in, &id, NULL, &err), ZS_OK);
	assert_int_equal(caller_history(&f->c, "13700137000", &h, &err), ZS_OK);
	assert_int_equal(h.count, 1);   /* the recorder (tester) may */
}

/* The console's kept counters agree with a recount after every kind of
 * change: arrivals (also stamped ahead of the clock), edits of status and
 * links, the clock moving on, a new window. */
static void test_board_tally_matches_a_recount(void **state)
{
	struct fx *f = *state;
	struct zs_error err = { 0 };
	struct exposure_input ein = { .title = "土坑酸菜" };
	int64_t eid;
	assert_int_equal(exposure_add(&f->c, &ein, &eid, &err), ZS_OK);
	struct board_tally *t = board_tally_new();
	assert_non_null(t);
	static const char *const channels[] = { "web", "12315-hotline", "8890", "wechat" };
	static const char *const kinds[] = { "complaint", "tip", "inquiry" };
	static const char *const statuses[] = { "accepted", "handling", "closed", "rejected" };
	int64_t since = f->c.now - 3600, ids[400];
	int n = 0;
	unsigned seed = 12345;
	for (int step = 0; step < 400; step++) {
		seed = seed * 1103515245u + 12345u;
		unsigned op = (seed >> 16) % 10;
		if (op < 5 || n == 0) {
			char at[32];
			/* from two hours before the window to half an hour ahead */
			int64_t when = f->c.now - 3 * 3600 + (int64_t)((seed >> 8) % (int)(3.5 * 3600));
			time_format(when, TIME_ISO, at, sizeof at);
			struct intake_input in = { .channel = channels[(seed >> 4) % 4], .kind = kinds[(seed >> 6) % 3],
						   .text = "计数", .at = at };
			int64_t id;
			if (intake_add(&f->c, &in, &id, NULL, &err) == ZS_OK && n < 400)
				ids[n++] = id;
		} else if (op < 7) {
			struct intake_change ch = { .status = statuses[(seed >> 5) % 4] };
			intake_update(&f->c, ids[(seed >> 3) % (unsigned)n], &ch, &err);   /* refused moves are fine */
		} else if (op < 8) {
			char e[16];
			snprintf(e, sizeof e, "%lld", (long long)eid);
			struct intake_change ch = { .exposure = e };
			intake_update(&f->c, ids[(seed >> 3) % (unsigned)n], &ch, &err);
		} else if (op < 9) {
			f->c.now += 60 * (int64_t)((seed >> 7) % 20);
		} else if (step % 50 == 9) {
			since += 1800;   /* a new window: a recount */
		}
		struct board_counts want, got;
		assert_int_equal(board_counts(&f->c, since, &want, &err), ZS_OK);
		assert_int_equal(board_tally_counts(&f->c, t, since, &got, &err), ZS_OK);
		assert_int_equal(got.total, want.total);
		assert_memory_equal(got.by_kind, want.by_kind, sizeof want.by_kind);
		assert_memory_equal(got.by_channel, want.by_channel, sizeof want.by_channel);
		assert_int_equal(got.linked, want.linked);
		assert_int_equal(got.unresolved, want.unresolved);
		assert_int_equal(got.all_unresolved, want.all_unresolved);
		assert_int_equal(got.exposures_open, want.exposures_open);
	}
	assert_true(n > 100);
	board_tally_free(t);
}

static void test_validation_names_field(void **state)
{
	struct fx *f = *state;
	struct intake i;
	struct zs_error err = { 0 };
	struct intake_input in = { .channel = "12315热线", .kind = "投诉", .text = "", .phone = "" };
	assert_int_equal(intake_from_input(&f->c, &in, &i, &err), ZS_EINPUT);
	assert_non_null(strstr(err.msg, "内容摘要"));

	in.text = "内容";
	in.phone = "1381234567";   /* 10 digits */
	assert_int_equal(intake_from_input(&f->c, &in, &i, &err), ZS_EINPUT);
	assert_non_null(strstr(err.msg, "来电号码"));

	in.phone = "138-1234-5678";
	in.channel = "电报";
	assert_int_equal(intake_from_input(&f->c, &in, &i, &err), ZS_EINPUT);
	assert_non_null(strstr(err.msg, "12315热线"));   /* lists the choices */

	in.channel = "12315-hotline";
	in.uscc = "91350100M000100Y44";
	assert_int_equal(intake_from_input(&f->c, &in, &i, &err), ZS_EINPUT);
	assert_non_null(strstr(err.msg, "校验位"));

	in.uscc = "91350100m000100y43";   /* lowercase is accepted and normalised */
	in.text = "\x1b[2J\x1b]0;pwned\x07\xe2\x80\xae" "退款";
	assert_int_equal(intake_from_input(&f->c, &in, &i, &err), ZS_OK);
	assert_string_equal(i.uscc, "91350100M000100Y43");
	assert_string_equal(i.phone, "13812345678");
	assert_string_equal(i.channel, "12315-hotline");
	assert_string_equal(i.kind, "complaint");
	assert_null(strchr(i.summary, '\x1b'));
	assert_null(strstr(i.summary, "\xe2\x80\xae"));
	assert_non_null(strstr(i.summary, "[2J"));
	intake_clear(&i);

	in.at = "2026-03-16 09:00";   /* the future, relative to c.now */
	assert_int_equal(intake_from_input(&f->c, &in, &i, &err), ZS_EINPUT);
}

static void test_duplicate_and_suggestion(void **state)
{
	struct fx *f = *state;
	struct exposure_input ein = { .title = "土坑酸菜", .companies = "鑫旺食品；老坛香", .keywords = "土坑、腌制" };
	struct zs_error err = { 0 };
	int64_t eid;
	assert_int_equal(exposure_add(&f->c, &ein, &eid, &err), ZS_OK);

	struct intake_hints h;
	int64_t a = add(f, "12315-hotline", "complaint", "13812345678", "幸福超市", "买的酸菜发霉了，要求退款", &h);
	assert_int_equal(h.dup_of, 0);
	assert_int_equal(h.suggest_exposure, 0);

	add(f, "weibo", "complaint", "13812345678", "", "又打电话问退款的事", &h);
	assert_int_equal(h.dup_of, a);   /* same phone */

	add(f, "web", "complaint", "", "幸福超市", "买的酸菜发霉了，要求退钱", &h);
	assert_int_equal(h.dup_of, a);   /* same business, similar text */

	add(f, "web", "complaint", "", "幸福超市", "店员态度恶劣，拒绝开发票", &h);
	assert_int_equal(h.dup_of, 0);   /* same business, different matter */

	/* Punctuation only separates (text_cp_separator): with "、" against
	 * "；" and "！" counted as characters these two shared 2 bigrams of 9
	 * (0.44, under the 0.5 threshold). */
	int64_t b = add(f, "web", "complaint", "", "平安药房", "发霉、退款", &h);
	add(f, "web", "complaint", "", "平安药房", "发霉；退款！", &h);
	assert_int_equal(h.dup_of, b);

	add(f, "8890", "tip", "", "鑫旺食品有限公司", "举报其酸菜卫生差", &h);
	assert_int_equal(h.suggest_exposure, eid);
	add(f, "8890", "tip", "", "某小作坊", "用土坑腌制咸菜", &h);
	assert_int_equal(h.suggest_exposure, eid);   /* by keyword */
}

static void test_status_transitions(void **state)
{
	struct fx *f = *state;
	assert_int_equal(store_unit_insert(f->c.st, "12315投诉举报中心", "中心", &(int64_t){ 0 }, NULL), ZS_OK);
	int64_t id = add(f, "12315-hotline", "complaint", "", "", "测试", NULL);
	struct zs_error err = { 0 };
	struct intake_change ch = { .status = "已受理" };
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_OK);
	ch = (struct intake_change){ .transfer = "12315投诉举报中心" };
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_OK);
	ch = (struct intake_change){ .status = "closed", .recovered = "1,200.5元" };
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_OK);
	ch = (struct intake_change){ .status = "新登记" };
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_EINPUT);
	assert_non_null(strstr(err.msg, "已办结"));
	assert_non_null(strstr(err.msg, "新登记"));

	struct intake i;
	assert_int_equal(store_intake_get(f->c.st, id, &i, &err), ZS_OK);
	assert_string_equal(i.status, "closed");
	assert_string_equal(i.handling, "transfer");
	assert_string_equal(i.transfer_unit, "12315投诉举报中心");
	assert_int_equal(i.recovered_fen, 120050);
	intake_clear(&i);

	ch = (struct intake_change){ .transfer = "不存在的科" };
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_EINPUT);
	ch = (struct intake_change){ .status = "duplicate" };   /* needs --duplicate-of */
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_EINPUT);
	assert_false(status_transition_ok("rejected", "accepted"));
	assert_true(status_transition_ok("transferred", "accepted"));
}

static void test_duplicate_points_at_root(void **state)
{
	struct fx *f = *state;
	int64_t a = add(f, "web", "complaint", "", "", "原件", NULL);
	int64_t b = add(f, "web", "complaint", "", "", "重复一", NULL);
	int64_t c = add(f, "web", "complaint", "", "", "重复二", NULL);
	char sa[16], sb[16];
	snprintf(sa, sizeof sa, "%lld", (long long)a);
	snprintf(sb, sizeof sb, "%lld", (long long)b);
	struct zs_error err = { 0 };
	struct intake_change ch = { .duplicate_of = sa };
	assert_int_equal(intake_update(&f->c, b, &ch, &err), ZS_OK);
	ch.duplicate_of = sb;
	assert_int_equal(intake_update(&f->c, c, &ch, &err), ZS_OK);
	struct intake i;
	assert_int_equal(store_intake_get(f->c.st, c, &i, &err), ZS_OK);
	assert_int_equal(i.duplicate_of, a);
	assert_string_equal(i.status, "duplicate");
	intake_clear(&i);
	char sc[16];
	snprintf(sc, sizeof sc, "%lld", (long long)c);
	ch.duplicate_of = sc;   /* the original cannot become its own duplicate's duplicate */
	assert_int_equal(intake_update(&f->c, a, &ch, &err), ZS_EINPUT);
}

static void test_money_parse(void **state)
{
	(void)state;
	int64_t fen;
	assert_true(money_parse("35.5", &fen));
	assert_int_equal(fen, 3550);
	assert_true(money_parse("1,200", &fen));
	assert_int_equal(fen, 120000);
	assert_true(money_parse("120元", &fen));
	assert_int_equal(fen, 12000);
	assert_true(money_parse("0.07", &fen));
	assert_int_equal(fen, 7);
	assert_false(money_parse("-5", &fen));
	assert_false(money_parse("1.234", &fen));
	assert_false(money_parse("abc", &fen));
	assert_false(money_parse("", &fen));
	assert_true(money_parse("12.50元", &fen));
	assert_int_equal(fen, 1250);
	/* Longer than the parser's buffer (63 zeros then 1234): refused as a
	 * whole, never cut short to the zeros that fit (which would read 0). */
	char longer[68];
	memset(longer, '0', 63);
	strcpy(longer + 63, "1234");
	fen = -1;
	assert_false(money_parse(longer, &fen));
	assert_int_equal(fen, -1);
}

static void test_audit_chain(void **state)
{
	struct fx *f = *state;
	int64_t id = add(f, "web", "complaint", "", "", "审计", NULL);
	struct intake_change ch = { .note = "已联系来电人" };
	struct zs_error err = { 0 };
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_OK);
	struct audit_verdict v;
	assert_int_equal(audit_verify(&f->c, &v, &err), ZS_OK);
	/* The first admin (whoever created the database), the add, the note. */
	assert_int_equal(v.rows, 3);
	assert_int_equal(v.first_bad, 0);
	/* A change that fails writes no audit row. */
	ch = (struct intake_change){ .status = "rejected" };
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_OK);
	ch = (struct intake_change){ .status = "closed" };
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_EINPUT);
	assert_int_equal(audit_verify(&f->c, &v, &err), ZS_OK);
	assert_int_equal(v.rows, 4);
}

static void test_board_counts(void **state)
{
	struct fx *f = *state;
	add(f, "web", "complaint", "", "", "一", NULL);
	add(f, "8890", "tip", "", "", "二", NULL);
	struct intake_input in = { .channel = "web", .kind = "inquiry", .text = "昨天的", .at = "2026-03-14 20:00" };
	int64_t id;
	struct zs_error err = { 0 };
	assert_int_equal(intake_add(&f->c, &in, &id, NULL, &err), ZS_OK);
	struct board_counts b;
	assert_int_equal(board_counts(&f->c, time_from_local(2026, 3, 15, 20 * 3600), &b, &err), ZS_OK);
	assert_int_equal(b.total, 2);
	assert_int_equal(b.by_kind[0], 1);
	assert_int_equal(b.by_kind[1], 1);
	assert_int_equal(b.by_kind[2], 0);
	assert_int_equal(b.by_channel[vocab_find(&vocab_channel, "8890")], 1);
	assert_int_equal(b.all_total, 3);
	assert_int_equal(b.all_unresolved, 3);
	struct intake_change ch = { .status = "closed" };
	assert_int_equal(intake_update(&f->c, id, &ch, &err), ZS_OK);
	assert_int_equal(board_counts(&f->c, time_from_local(2026, 3, 15, 20 * 3600), &b, &err), ZS_OK);
	assert_int_equal(b.all_unresolved, 2);   /* the tally follows status changes */
}

struct collect {
	int n;
	int64_t ids[16];
};

static int collect_cb(const struct intake *i, void *ud)
{
	struct collect *c = ud;
	if (c->n < 16)
		c->ids[c->n] = i->id;
	c->n++;
	return 0;
}

static int search_n(struct fx *f, const char *q)
{
	struct search_query sq;
	struct zs_error err = { 0 };
	assert_int_equal(search_parse(q, &sq, &err), ZS_OK);
	struct intake_filter flt = { 0 };
	search_filter(&sq, &flt);
	struct collect c = { 0 };
	assert_int_equal(store_intake_each(f->c.st, &flt, collect_cb, &c, &err), ZS_OK);
	search_free(&sq);
	return c.n;
}

static void test_search(void **state)
{
	struct fx *f = *state;
	add(f, "web", "complaint", "", "鑫旺食品", "酸菜有异味，要求退款", NULL);
	add(f, "web", "complaint", "", "佳味坊", "面包过期，要求退款", NULL);
	add(f, "web", "complaint", "", "安泰达", "100%纯棉是假的", NULL);
	assert_int_equal(search_n(f, "退款"), 2);        /* 2 chars: LIKE */
	assert_int_equal(search_n(f, "酸"), 1);          /* 1 char */
	assert_int_equal(search_n(f, "有异味"), 1);      /* 3 chars: FTS trigram */
	assert_int_equal(search_n(f, "退款 有异味"), 1); /* mixed, both required */
	assert_int_equal(search_n(f, "退款　面包"), 1);  /* fullwidth space */
	assert_int_equal(search_n(f, "%"), 1);           /* LIKE wildcards are literal */
	assert_int_equal(search_n(f, "_"), 0);
	assert_int_equal(search_n(f, "\"引号\""), 0);    /* quotes cannot break the MATCH */
	struct search_query sq;
	struct zs_error err = { 0 };
	assert_int_equal(search_parse("   ", &sq, &err), ZS_EINPUT);
	assert_int_equal(search_parse("a b c d e", &sq, &err), ZS_EINPUT);
}

/* Gives `at` rows, then answers with `with`. */
struct stopper {
	int n, at, with;
};

static int stop_intake(const struct intake *i, void *ud)
{
	struct stopper *s = ud;
	(void)i;
	return ++s->n >= s->at ? s->with : 0;
}

static int stop_unit(const struct unit *u, void *ud)
{
	struct stopper *s = ud;
	(void)u;
	return ++s->n >= s->at ? s->with : 0;
}

/* The row loop: ZS_STOP ends a read as a success; any other result of a
 * callback is a failure and comes back unchanged (a stop once came back as
 * ZS_EFAIL, and the console said "out of memory"). */
static void test_row_callback_stop_is_not_a_failure(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 5; i++)
		add(f, "web", "complaint", "", "", "停止", NULL);
	struct intake_filter flt = { 0 };
	struct zs_error err = { 0 };
	struct stopper s = { 0, 2, ZS_STOP };
	assert_int_equal(store_intake_each(f->c.st, &flt, stop_intake, &s, &err), ZS_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(err.code, 0);
	s = (struct stopper){ 0, 2, ZS_STOP };
	assert_int_equal(intake_list(&f->c, &flt, stop_intake, &s, &err), ZS_OK);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
	s = (struct stopper){ 0, 3, ZS_EINPUT };
	assert_int_equal(store_intake_each(f->c.st, &flt, stop_intake, &s, &err), ZS_EINPUT);
	assert_int_equal(s.n, 3);
	s = (struct stopper){ 0, 1, ZS_EFAIL };
	assert_int_equal(intake_list(&f->c, &flt, stop_intake, &s, &err), ZS_EFAIL);

	/* A cached statement stopped early starts again from its first row. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_unit_insert(f->c.st, i == 0 ? "甲" : i == 1 ? "乙" : "丙", "", &(int64_t){ 0 },
						   &err), ZS_OK);
	s = (struct stopper){ 0, 1, ZS_STOP };
	assert_int_equal(store_unit_each(f->c.st, stop_unit, &s, &err), ZS_OK);
	assert_int_equal(s.n, 1);
	s = (struct stopper){ 0, 1000, ZS_STOP };
	assert_int_equal(unit_list(&f->c, stop_unit, &s, &err), ZS_OK);
	assert_true(s.n >= 3);
	s = (struct stopper){ 0, 2, ZS_EPERM };
	assert_int_equal(store_unit_each(f->c.st, stop_unit, &s, &err), ZS_EPERM);
	assert_int_equal(s.n, 2);
}

static void test_keyset_pages(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 7; i++)
		add(f, "web", "complaint", "", "", "分页", NULL);
	struct intake_filter flt = { .limit = 3 };
	struct collect c = { 0 };
	struct zs_error err = { 0 };
	assert_int_equal(store_intake_each(f->c.st, &flt, collect_cb, &c, &err), ZS_OK);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.ids[0], 7);
	flt.before_id = c.ids[2];
	c.n = 0;
	assert_int_equal(store_intake_each(f->c.st, &flt, collect_cb, &c, &err), ZS_OK);
	assert_int_equal(c.ids[0], 4);
	assert_int_equal(c.ids[2], 2);
}

static void test_default_deadline(void **state)
{
	struct fx *f = *state;
	int64_t aired = time_from_local(2026, 3, 15, 20 * 3600 + 30 * 60);
	assert_int_equal(exposure_default_deadline(&f->c, aired), time_from_local(2026, 3, 16, 8 * 3600));
	aired = time_from_local(2026, 3, 16, 1 * 3600);
	assert_int_equal(exposure_default_deadline(&f->c, aired), time_from_local(2026, 3, 16, 8 * 3600));
	struct exposure_input in = { .title = "x", .level = "5" };
	int64_t id;
	struct zs_error err = { 0 };
	assert_int_equal(exposure_add(&f->c, &in, &id, &err), ZS_EINPUT);
	in.level = "较大";
	in.local = "no";
	assert_int_equal(exposure_add(&f->c, &in, &id, &err), ZS_OK);
	struct exposure_input up = { .local = "no" };
	assert_int_equal(exposure_update(&f->c, id, &up, &err), ZS_EINPUT);   /* nothing changed */
	struct exposure e;
	assert_int_equal(store_exposure_get(f->c.st, id, &e, &err), ZS_OK);
	assert_int_equal(e.level, 3);
	exposure_clear(&e);
}

/* ---- roles: every write entry point checks the role itself ---------------- */

/* Make the store's own user (the in-memory store's creator, an admin) a
 * non-member (role NULL) or give it another role, through the store, so no
 * core check is involved in setting the test up. */
static void set_own_role(struct fx *f, const char *role)
{
	struct zs_error err = { 0 };
	if (!role) {
		assert_int_equal(store_member_delete(f->c.st, "tester", &err), ZS_OK);
		assert_int_equal(member_role(&f->c), ROLE_NONE);
		return;
	}
	struct member m = { .unix_user = "tester", .name = "测试员", .role = (char *)role };
	assert_int_equal(store_member_put(f->c.st, &m, true, &err), ZS_OK);
}

static int count_audit(const struct audit_row *a, void *ud) { (void)a; (*(int64_t *)ud)++; return 0; }
static int count_intake(const struct intake *i, void *ud) { (void)i; (*(int64_t *)ud)++; return 0; }
static int count_action(const struct exposure_action *a, void *ud) { (void)a; (*(int64_t *)ud)++; return 0; }
static int count_instruction(const struct exposure_instruction *a, void *ud) { (void)a; (*(int64_t *)ud)++; return 0; }

/* Everything a refused write could have touched. */
struct tally {
	int64_t audit, intakes, actions, instructions, outbox, failed, pending, quarantine, handover_id,
		handover_accepted;
};

static void tally_take(struct fx *f, int64_t eid, struct tally *t)
{
	struct zs_error err = { 0 };
	memset(t, 0, sizeof *t);
	assert_int_equal(store_audit_each(f->c.st, NULL, 0, 0, 0, count_audit, &t->audit, &err), ZS_OK);
	struct intake_filter flt = { 0 };
	assert_int_equal(store_intake_each(f->c.st, &flt, count_intake, &t->intakes, &err), ZS_OK);
	assert_int_equal(store_action_each(f->c.st, eid, count_action, &t->actions, &err), ZS_OK);
	assert_int_equal(store_instruction_each(f->c.st, eid, count_instruction, &t->instructions, &err),
			 ZS_OK);
	t->outbox = store_outbox_last_id(f->c.st);
	t->failed = store_delivery_count(f->c.st, "failed");
	t->pending = store_delivery_count(f->c.st, "pending");
	t->quarantine = store_quarantine_count(f->c.st);
	struct handover h;
	if (store_handover_last(f->c.st, &h, &err) == ZS_OK) {
		t->handover_id = h.id;
		t->handover_accepted = h.accepted_at;
		handover_clear(&h);
	}
}

static void tally_same(const struct tally *a, const struct tally *b)
{
	assert_int_equal(a->audit, b->audit);
	assert_int_equal(a->intakes, b->intakes);
	assert_int_equal(a->actions, b->actions);
	assert_int_equal(a->instructions, b->instructions);
	assert_int_equal(a->outbox, b->outbox);
	assert_int_equal(a->failed, b->failed);
	assert_int_equal(a->pending, b->pending);
	assert_int_equal(a->quarantine, b->quarantine);
	assert_int_equal(a->handover_id, b->handover_id);
	assert_int_equal(a->handover_accepted, b->handover_accepted);
}

/* The exposure as stored, as JSON (compared before and after). */
static char *exposure_now(struct fx *f, int64_t eid)
{
	struct exposure e;
	struct zs_error err = { 0 };
	assert_int_equal(store_exposure_get(f->c.st, eid, &e, &err), ZS_OK);
	char *s = exposure_json(&e);
	exposure_clear(&e);
	assert_non_null(s);
	return s;
}

/* As admin: an intake, an exposure, a signed handover and a failed
 * delivery, so that each refused write below would have something to do. */
static int64_t night_for_roles(struct fx *f, int64_t *iid)
{
	struct zs_error err = { 0 };
	assert_int_equal(store_unit_insert(f->c.st, "执法稽查队", "队", &(int64_t){ 0 }, &err), ZS_OK);
	*iid = add(f, "web", "complaint", "", "", "已有的一件", NULL);
	struct exposure_input ein = { .title = "土坑酸菜" };
	int64_t eid;
	assert_int_equal(exposure_add(&f->c, &ein, &eid, &err), ZS_OK);
	int64_t hid;
	assert_int_equal(handover_sign(&f->c, "张三", "", &hid, &err), ZS_OK);
	assert_int_equal(store_begin(f->c.st, &err), ZS_OK);
	assert_int_equal(store_outbox_add(f->c.st, f->c.now, "exposure_new", eid, NULL, "{}", NULL, &err), ZS_OK);
	assert_int_equal(store_delivery_add(f->c.st, store_outbox_last_id(f->c.st), "wh", 0, &err), ZS_OK);
	struct delivery d;
	assert_int_equal(store_delivery_next(f->c.st, "wh", &d, &err), ZS_OK);
	assert_int_equal(store_delivery_record(f->c.st, d.id, "failed", 5, 0, "HTTP 500", 0, &err), ZS_OK);
	assert_int_equal(store_commit(f->c.st, &err), ZS_OK);
	delivery_clear(&d);
	assert_int_equal(store_delivery_count(f->c.st, "failed"), 1);
	return eid;
}

static void test_non_member_writes_nothing(void **state)
{
	struct fx *f = *state;
	int64_t iid;
	int64_t eid = night_for_roles(f, &iid);
	char csv[] = "/tmp/zhishou-test-import-XXXXXX";
	int fd = mkstemp(csv);
	assert_true(fd >= 0);
	static const char rows[] = "received_at,channel,kind,summary\n"
				   "2026-03-15 20:30,web,complaint,导入的一件\n2026-03-15 20:40,weibo,tip,导入的第二件\n";
	assert_int_equal(write(fd, rows, sizeof rows - 1), (ssize_t)(sizeof rows - 1));
	close(fd);

	set_own_role(f, NULL);
	struct tally before, after;
	tally_take(f, eid, &before);
	char *exp_before = exposure_now(f, eid);
	struct intake ib;
	struct zs_error err = { 0 };
	assert_int_equal(store_intake_get(f->c.st, iid, &ib, &err), ZS_OK);

	int64_t id = 0, n = 0;
	struct intake_input in = { .channel = "web", .kind = "complaint", .text = "非成员登记" };
	err = (struct zs_error){ 0 };
	assert_int_equal(intake_add(&f->c, &in, &id, NULL, &err), ZS_EPERM);
	assert_non_null(strstr(err.msg, "tester"));   /* says who is not a member */
	struct intake_change ch = { .status = "closed", .note = "非成员修改" };
	assert_int_equal(intake_update(&f->c, iid, &ch, &err), ZS_EPERM);
	struct exposure_input ein = { .title = "非成员的曝光" };
	assert_int_equal(exposure_add(&f->c, &ein, &id, &err), ZS_EPERM);
	assert_int_equal(exposure_update(&f->c, eid, &ein, &err), ZS_EPERM);
	assert_int_equal(exposure_add_action(&f->c, eid, "officers", "12", "连夜排查", &err), ZS_EPERM);
	assert_int_equal(handover_sign(&f->c, "李四", "", &id, &err), ZS_EPERM);
	assert_int_equal(handover_accept(&f->c, "王五", "", &id, &err), ZS_EPERM);
	struct import_result res;
	assert_int_equal(intake_import(&f->c, csv, &res, &err), ZS_EPERM);
	assert_int_equal(alert_retry(&f->c, 0, &n, &err), ZS_EPERM);
	assert_int_equal(n, 0);
	static const char page[] = "{\"orders\":[{\"order_no\":\"P1\",\"content\":\"工单\"},{\"order_no\":\"P2\"}]}";
	struct feed_page fp = { 0 };
	assert_int_equal(feed_import_page(&f->c, "8890", NULL, page, strlen(page), &fp, &err), ZS_EPERM);
	feed_page_clear(&fp);
	unlink(csv);

	tally_take(f, eid, &after);
	tally_same(&before, &after);
	char *exp_after = exposure_now(f, eid);
	assert_string_equal(exp_before, exp_after);
	free(exp_before);
	free(exp_after);
	struct intake ia;
	assert_int_equal(store_intake_get(f->c.st, iid, &ia, &err), ZS_OK);
	assert_string_equal(ia.status, ib.status);
	intake_clear(&ia);
	intake_clear(&ib);
}

static void test_operator_not_leader(void **state)
{
	struct fx *f = *state;
	int64_t iid;
	int64_t eid = night_for_roles(f, &iid);
	set_own_role(f, "operator");
	assert_int_equal(member_role(&f->c), ROLE_OPERATOR);
	struct tally before, after;
	tally_take(f, eid, &before);
	char *exp_before = exposure_now(f, eid);

	/* Each leader-only field alone, with a value that is otherwise fine. */
	const struct exposure_input leader_only[] = {
		{ .deadline = "2026-03-16 12:00" },
		{ .level = "较大" },
		{ .lead = "执法稽查队" },
		{ .status = "handling" },
		{ .title = "改个标题", .level = "1" },   /* mixed with a field an operator may set */
	};
	for (size_t k = 0; k < sizeof leader_only / sizeof leader_only[0]; k++) {
		struct zs_error err = { 0 };
		assert_int_equal(exposure_update(&f->c, eid, &leader_only[k], &err), ZS_EPERM);
		assert_non_null(strstr(err.msg, "带班领导"));   /* names the role needed */
	}
	struct zs_error err = { 0 };
	assert_int_equal(exposure_instruct(&f->c, eid, "务必今晚查清", &err), ZS_EPERM);
	assert_non_null(strstr(err.msg, "带班领导"));

	tally_take(f, eid, &after);
	tally_same(&before, &after);
	char *exp_after = exposure_now(f, eid);
	assert_string_equal(exp_before, exp_after);
	free(exp_after);
	free(exp_before);

	/* The operator is a member: what an operator may do still works. */
	struct exposure_input up = { .keywords = "土坑" };
	assert_int_equal(exposure_update(&f->c, eid, &up, &err), ZS_OK);
}

static void test_file_mode_and_identity(void **state)
{
	(void)state;
	char dir[] = "/tmp/zhishou-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/a.db", dir);
	mode_t old = umask(077);
	struct store_options so = { .mode = 0660, .create = true, .unix_user = "tester" };
	struct store *st = NULL;
	struct zs_error err = { 0 };
	assert_int_equal(store_open(path, &so, &st, &err), ZS_OK);
	umask(old);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0660);
	store_close(st);

	/* A newer schema is refused, naming both versions. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	so.create = false;
	assert_int_not_equal(store_open(path, &so, &st, &err), ZS_OK);
	assert_non_null(strstr(err.msg, "99"));

	/* Another program's SQLite file is not ours. */
	snprintf(path, sizeof path, "%s/other.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, &so, &st, &err), ZS_EINPUT);
	assert_non_null(strstr(err.msg, "不是 zhishou 数据库"));

	/* Nor is a text file. */
	snprintf(path, sizeof path, "%s/text.db", dir);
	FILE *fp = fopen(path, "w");
	fputs("hello, this is not a database at all, just some text\n", fp);
	fclose(fp);
	assert_int_equal(store_open(path, &so, &st, &err), ZS_EINPUT);

	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Every SQL list of statuses is core's rule: each status, set on a row,
 * is listed as open exactly when status_is_open / !exposure_status_is_closed
 * says so; and the partial index is declared on the store's exact text. */
static int count_cb(const struct intake *i, void *ud)
{
	(void)i;
	(*(int *)ud)++;
	return 0;
}

static int count_exposure_cb(const struct exposure *e, void *ud)
{
	(void)e;
	(*(int *)ud)++;
	return 0;
}

static void test_sql_status_lists_are_cores(void **state)
{
	struct fx *f = *state;
	struct zs_error err = { 0 };
	int64_t id = add(f, "web", "complaint", "", "状态测试", "状态测试内容", NULL);
	for (size_t k = 0; k < vocab_status.n; k++) {
		const char *code = vocab_status.items[k].code;
		struct intake i;
		assert_int_equal(store_intake_get(f->c.st, id, &i, &err), ZS_OK);
		free(i.status);
		i.status = strdup(code);
		assert_int_equal(store_intake_update(f->c.st, &i, &err), ZS_OK);
		intake_clear(&i);
		int n = 0;
		struct intake_filter flt = { .unresolved = true };
		assert_int_equal(intake_list(&f->c, &flt, count_cb, &n, &err), ZS_OK);
		if ((n == 1) != status_is_open(code))
			fail_msg("intake status %s: listed as open %d, core says %d", code, n, status_is_open(code));
	}
	struct exposure_input in = { .title = "状态测试曝光" };
	int64_t eid;
	assert_int_equal(exposure_add(&f->c, &in, &eid, &err), ZS_OK);
	for (size_t k = 0; k < vocab_exposure_status.n; k++) {
		const char *code = vocab_exposure_status.items[k].code;
		struct exposure e;
		assert_int_equal(store_exposure_get(f->c.st, eid, &e, &err), ZS_OK);
		free(e.status);
		e.status = strdup(code);
		assert_int_equal(store_exposure_update(f->c.st, &e, &err), ZS_OK);
		exposure_clear(&e);
		int n = 0;
		assert_int_equal(exposure_list(&f->c, true, count_exposure_cb, &n, &err), ZS_OK);
		if ((n == 1) == exposure_status_is_closed(code))
			fail_msg("exposure status %s: listed as open %d, core says closed %d", code, n,
				 exposure_status_is_closed(code));
	}
}

static void test_open_index_matches_store_text(void **state)
{
	(void)state;
	char dir[] = "/tmp/zhishou-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/a.db", dir);
	struct store_options so = { .mode = 0600, .create = true, .unix_user = "tester" };
	struct store *st = NULL;
	struct zs_error err = { 0 };
	assert_int_equal(store_open(path, &so, &st, &err), ZS_OK);
	store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = 'intake_open'", -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_non_null(strstr((const char *)sqlite3_column_text(q, 0), "IN " STORE_SQL_INTAKE_OPEN));
	sqlite3_finalize(q);
	sqlite3_close(db);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Overdue from the deadline's own second: the board, the review, the
 * cards and the relay share this one rule. */
static void test_due_state_rule(void **state)
{
	(void)state;
	assert_int_equal(due_state(1000, 999, 60), DUE_SOON);
	assert_int_equal(due_state(1000, 1000, 60), DUE_OVERDUE);
	assert_int_equal(due_state(1000, 900, 60), DUE_LATER);
	assert_int_equal(due_state(1000, 940, 60), DUE_SOON);
	assert_int_equal(due_state(0, 940, 60), DUE_NONE);
	struct exposure e = { .deadline = 1000, .status = "closed" };
	assert_int_equal(exposure_due(&e, 2000, 60), DUE_NONE);
	e.status = "investigating";
	assert_int_equal(exposure_due(&e, 1000, 60), DUE_OVERDUE);
	assert_true(time_is_future_typo(1000 + FUTURE_TYPO_SECONDS + 1, 1000));
	assert_false(time_is_future_typo(1000 + FUTURE_TYPO_SECONDS, 1000));
}

/* 登记状态 as exports write it: the first word decides, anything else is
 * not a state. */
static void test_entity_state_word(void **state)
{
	(void)state;
	assert_string_equal(entity_state_word("存续"), "存续");
	assert_string_equal(entity_state_word("存续（在营、开业、在册）"), "存续");
	assert_string_equal(entity_state_word("在业"), "在业");
	assert_string_equal(entity_state_word("吊销，未注销"), "吊销");
	assert_string_equal(entity_state_word("注销"), "注销");
	assert_string_equal(entity_state_word("迁出"), "迁出");
	assert_null(entity_state_word(""));
	assert_null(entity_state_word("营业中"));
	assert_null(entity_state_word(" 存续"));
}

int main(void)
{
	setenv("TZ", "America/New_York", 1);
	time_set_zone("Asia/Shanghai");
	codes_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sql_status_lists_are_cores, setup, teardown),
		cmocka_unit_test(test_entity_state_word),
		cmocka_unit_test(test_open_index_matches_store_text),
		cmocka_unit_test(test_due_state_rule),
		cmocka_unit_test_setup_teardown(test_validation_names_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_and_suggestion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_callback_stop_is_not_a_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_points_at_root, setup, teardown),
		cmocka_unit_test(test_money_parse),
		cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_board_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyset_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caller_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_board_tally_matches_a_recount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_deadline, setup, teardown),
		cmocka_unit_test(test_file_mode_and_identity),
		cmocka_unit_test_setup_teardown(test_non_member_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_operator_not_leader, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
