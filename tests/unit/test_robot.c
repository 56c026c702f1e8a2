/* The chat robots' texts, requests, signatures and answers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/codes.h"
#include "zhishou/relayconf.h"
#include "zhishou/i18n.h"
#include "zhishou/robot.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

/* 2026-03-15 21:00 in Shanghai. */
#define NOW_S 1773579600LL
#define NOW_MS 1773579600000LL
/* 2026-03-16 08:00 and 2026-03-15 20:30 in Shanghai. */
#define DEADLINE "1773619200"
#define AIRED "1773577800"

/* What a payload must never give away, whoever wrote the row. */
#define PRIVATE ",\"phone\":\"13800138000\",\"caller\":\"张三\",\"summary\":\"顾客说吃出了异物\"," \
		"\"text\":\"举报人身份证号\",\"extra\":{\"phone\":\"13800138000\"}"
#define PRIVATE_WORDS { "13800138000", "张三", "异物", "身份证", "extra" }

static const char *const EXPOSURE_NEW = "{\"title\":\"某品牌酸菜土坑腌制\",\"level\":2,\"local\":\"unknown\","
					"\"lead_unit\":\"执法稽查局\",\"deadline\":" DEADLINE ",\"aired_at\":" AIRED "}";

static struct robot_event ev_of(const char *event, const char *payload)
{
	struct robot_event ev = { .outbox_id = 41, .event = event, .exposure_id = 3, .created_at = NOW_S,
				  .payload = payload };
	return ev;
}

static char *text_of(const char *event, const char *payload)
{
	struct robot_event ev = ev_of(event, payload);
	char *s = robot_event_text(&ev, SIZE_MAX);
	assert_non_null(s);
	assert_true(text_valid_utf8(s, strlen(s)));
	return s;
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" not in \"%s\"", needle, hay ? hay : "(null)");
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("\"%s\" must not be in \"%s\"", needle, hay ? hay : "(null)");
}

static bool ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);
	return n >= m && !memcmp(s + n - m, end, m);
}

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);
	if (!j)
		fail_msg("not JSON (%s): %s", e.text, s);
	assert_true(json_is_object(j));
	return j;
}

static const char *jstr(json_t *o, const char *path1, const char *path2)
{
	json_t *v = json_object_get(o, path1);
	if (path2)
		v = json_object_get(v, path2);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static struct robot_request build(enum robot_type t, const char *url, const char *secret,
				  const struct robot_event *ev)
{
	struct robot_request r;
	struct zs_error err = { 0 };
	int rc = robot_build(t, url, secret, ev, NOW_MS, &r, &err);
	if (rc != ZS_OK)
		fail_msg("robot_build: %s", err.msg);
	assert_non_null(r.url);
	assert_non_null(r.body);
	assert_string_equal(r.headers[0], "Content-Type: application/json; charset=utf-8");
	return r;
}

/* ---- types ---- */

static void test_type_parse(void **state)
{
	(void)state;
	enum robot_type t;
	static const struct { const char *s; enum robot_type t; } ok[] = {
		{ "dingtalk", ROBOT_DINGTALK }, { "DingTalk", ROBOT_DINGTALK }, { "钉钉", ROBOT_DINGTALK },
		{ "wecom", ROBOT_WECOM }, { "WECOM", ROBOT_WECOM }, { "企业微信", ROBOT_WECOM },
		{ "feishu", ROBOT_FEISHU }, { "Feishu", ROBOT_FEISHU }, { "飞书", ROBOT_FEISHU },
		{ "webhook", ROBOT_WEBHOOK }, { "WebHook", ROBOT_WEBHOOK }, { "通用", ROBOT_WEBHOOK },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		t = (enum robot_type)99;
		assert_true(robot_type_parse(ok[i].s, &t));
		assert_int_equal(t, ok[i].t);
	}
	assert_false(robot_type_parse("slack", &t));
	assert_false(robot_type_parse("", &t));
	assert_false(robot_type_parse("dingtalk ", &t));
	assert_false(robot_type_parse(NULL, &t));
	assert_string_equal(robot_type_name(ROBOT_DINGTALK), "dingtalk");
	assert_string_equal(robot_type_name(ROBOT_WECOM), "wecom");
	assert_string_equal(robot_type_name(ROBOT_FEISHU), "feishu");
	assert_string_equal(robot_type_name(ROBOT_WEBHOOK), "webhook");
	/* Names round-trip. */
	for (int i = ROBOT_DINGTALK; i <= ROBOT_WEBHOOK; i++) {
		assert_true(robot_type_parse(robot_type_name((enum robot_type)i), &t));
		assert_int_equal(t, i);
	}
}

/* ---- texts ---- */

static void test_text_exposure_new(void **state)
{
	(void)state;
	char *s = text_of("exposure_new", EXPOSURE_NEW);
	assert_string_equal(s, "【3·15值守】新曝光问题 #3：某品牌酸菜土坑腌制\n"
			       "级别：重大（二级）｜本地涉及：待查｜牵头：执法稽查局｜时限：03-16 08:00｜曝光：03-15 20:30");
	free(s);

	/* No lead yet; other levels and local values. */
	s = text_of("exposure_new", "{\"title\":\"T\",\"level\":1,\"local\":\"yes\",\"lead_unit\":null}");
	assert_has(s, "级别：特别重大（一级）");
	assert_has(s, "本地涉及：涉及");
	assert_has(s, "牵头：未定");
	assert_lacks(s, "时限");
	free(s);

	/* A level outside 1..4 is left out rather than invented. */
	s = text_of("exposure_new", "{\"title\":\"T\",\"level\":9}");
	assert_lacks(s, "级别");
	free(s);
	s = text_of("exposure_new", "{\"title\":\"T\",\"level\":\"4\"}");
	assert_has(s, "级别：一般（四级）");
	free(s);

	/* No title: a placeholder, not an empty headline. */
	s = text_of("exposure_new", "{\"level\":3}");
	assert_has(s, "新曝光问题 #3：（无标题）");
	assert_has(s, "较大（三级）");
	free(s);
}

static void test_text_events(void **state)
{
	(void)state;
	char *s = text_of("level_raised", "{\"title\":\"某奶茶店用过期原料\",\"level\":1,\"old_level\":3}");
	assert_has(s, "【3·15值守】");
	assert_has(s, "#3");
	assert_has(s, "某奶茶店用过期原料");
	assert_has(s, "级别：较大（三级）→特别重大（一级）");
	free(s);

	s = text_of("status_changed", "{\"title\":\"T1\",\"status\":\"case\",\"old_status\":\"checking\"}");
	assert_has(s, "T1");
	assert_has(s, "状态：排查中→已立案");
	free(s);
	s = text_of("status_changed", "{\"title\":\"T1\",\"status\":\"closed\"}");
	assert_has(s, "状态：已办结");
	free(s);

	s = text_of("lead_set", "{\"title\":\"T2\",\"lead_unit\":\"食品安全协调处\",\"old_lead_unit\":null}");
	assert_has(s, "明确牵头单位");
	assert_has(s, "牵头：食品安全协调处");
	assert_lacks(s, "→");
	free(s);
	s = text_of("lead_set", "{\"title\":\"T2\",\"lead_unit\":\"食品安全协调处\",\"old_lead_unit\":\"执法稽查局\"}");
	assert_has(s, "牵头单位调整");
	assert_has(s, "牵头：执法稽查局→食品安全协调处");
	free(s);
	s = text_of("lead_set", "{\"title\":\"T2\",\"lead_unit\":null,\"old_lead_unit\":\"执法稽查局\"}");
	assert_has(s, "牵头：执法稽查局→未定");
	free(s);

	s = text_of("local_set", "{\"title\":\"T4\",\"local\":\"yes\",\"count\":2,\"names\":\"甲酸菜馆、乙食品分公司\"}");
	assert_has(s, "本地涉及核实");
	assert_has(s, "本地涉及：涉及（2 户）");
	assert_has(s, "主体：甲酸菜馆、乙食品分公司");
	free(s);
	s = text_of("local_set", "{\"title\":\"T4\",\"local\":\"no\",\"count\":0,\"names\":\"\"}");
	assert_has(s, "本地涉及：不涉及");
	assert_lacks(s, "主体：");
	free(s);

	const char *dl = "{\"title\":\"T3\",\"deadline\":" DEADLINE ",\"status\":\"handling\",\"lead_unit\":\"执法稽查局\"}";
	s = text_of("deadline_soon", dl);
	assert_has(s, "T3");
	assert_has(s, "距办结时限不足1小时");
	assert_has(s, "时限：03-16 08:00");
	assert_has(s, "状态：处置中");
	assert_has(s, "牵头：执法稽查局");
	assert_lacks(s, "已超过");
	free(s);
	s = text_of("deadline_passed", dl);
	assert_has(s, "已超过办结时限");
	assert_has(s, "时限：03-16 08:00");
	assert_lacks(s, "不足1小时");
	free(s);

	s = text_of("digest", "{\"title\":\"T4\",\"new\":5,\"total\":12,\"minutes\":30}");
	assert_has(s, "T4");
	assert_has(s, "近30分钟新增关联投诉举报 5 件，累计 12 件");
	free(s);
	s = text_of("digest", "{\"title\":\"T4\",\"new\":2,\"total\":2}");
	assert_has(s, "新增关联投诉举报 2 件，累计 2 件");
	assert_lacks(s, "分钟");
	free(s);

	s = text_of("opinion_major", "{\"opinion_id\":3,\"title\":\"某酸菜视频转发过万\",\"level\":\"major\","
				     "\"platform\":\"douyin\",\"exposure_title\":\"老坛酸菜\"}");
	assert_has(s, "【3·15值守】重大舆情 #3：某酸菜视频转发过万");
	assert_has(s, "级别：重大");
	assert_has(s, "平台：抖音");
	assert_has(s, "关联曝光：老坛酸菜");
	free(s);
	s = text_of("opinion_major", "{\"opinion_id\":4,\"title\":\"T\",\"level\":\"major\",\"platform\":\"weibo\","
				     "\"exposure_title\":null}");
	assert_has(s, "平台：微博");
	assert_lacks(s, "关联曝光");
	free(s);

	s = text_of("handover_signed", "{\"by\":\"王强、李娜\",\"note_given\":true,\"open_intakes\":7,"
				       "\"open_exposures\":2,\"accepted\":false}");
	assert_has(s, "【3·15值守】交接班已签字");
	assert_has(s, "签字人：王强、李娜");
	assert_has(s, "交接说明：有");
	assert_has(s, "未办结投诉举报 7 件");
	assert_has(s, "未办结曝光问题 2 个");
	assert_has(s, "接班确认：未确认");
	free(s);
	s = text_of("handover_signed", "{\"by\":\"王强\",\"note_given\":false,\"open_intakes\":0,\"open_exposures\":0}");
	assert_has(s, "交接说明：无");
	assert_has(s, "未办结投诉举报 0 件");
	assert_lacks(s, "接班确认");
	free(s);
}

/* The groups are Chinese: --lang en changes nothing in the text. */
static void test_text_always_chinese(void **state)
{
	(void)state;
	i18n_set(LANG_EN);
	char *s = text_of("status_changed", "{\"title\":\"T\",\"level\":2,\"status\":\"case\",\"old_status\":\"checking\"}");
	char *n = text_of("exposure_new", EXPOSURE_NEW);
	i18n_set(LANG_ZH);
	assert_has(s, "排查中→已立案");
	assert_lacks(s, "case opened");
	assert_has(n, "重大（二级）");
	assert_has(n, "待查");
	assert_lacks(n, "major");
	free(s);
	free(n);
}

/* Every event the outbox takes (migration 008's list) is one a robot can
 * subscribe to: an event missing here is written and never delivered. */
static void test_every_outbox_event_reaches_robots(void **state)
{
	(void)state;
	static const char *const events[] = { "exposure_new", "level_raised", "status_changed", "lead_set",
					      "deadline_soon", "deadline_passed", "digest", "handover_signed", "local_set",
					      "opinion_major" };
	assert_int_equal(sizeof events / sizeof events[0], RELAY_NEVENTS);
	for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
		if (relay_event_index(events[i]) < 0)
			fprintf(stderr, "no robot can subscribe to %s\n", events[i]);
		assert_true(relay_event_index(events[i]) >= 0);
	}
}

static void test_text_private_facts_never_shown(void **state)
{
	(void)state;
	static const char *const events[] = { "exposure_new", "level_raised", "status_changed", "lead_set",
					      "local_set", "deadline_soon", "deadline_passed", "digest", "handover_signed", "opinion_major",
					      "unknown_event" };
	static const char *const words[] = PRIVATE_WORDS;
	const char *payload = "{\"title\":\"某品牌酸菜\",\"by\":\"王强\",\"level\":2,\"new\":1,\"total\":3" PRIVATE "}";
	const char *const mobiles[] = { "13900000001" };
	for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
		struct robot_event ev = ev_of(events[i], payload);
		ev.at_mobiles = mobiles;
		ev.n_at = 1;
		char *s = robot_event_text(&ev, SIZE_MAX);
		assert_non_null(s);
		for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
			assert_lacks(s, words[w]);
		free(s);
		for (int t = ROBOT_DINGTALK; t <= ROBOT_WEBHOOK; t++) {
			struct robot_request r = build((enum robot_type)t, "https://example.test/hook", "sec", &ev);
			for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
				assert_lacks(r.body, words[w]);
			robot_request_clear(&r);
		}
	}
}

static void test_text_sanitised(void **state)
{
	(void)state;
	/* ESC, BEL, CR, LF, a bidi override and a NUL-free C1 control in the title. */
	char *s = text_of("level_raised", "{\"title\":\"坏\\u001b[2J标题\\u0007\\r\\n第二行\\u202e反\\u0085\","
					  "\"level\":2,\"old_level\":\"\\u001b\"}");
	assert_has(s, "坏[2J标题 第二行反");
	assert_lacks(s, "\x1b");
	assert_lacks(s, "\a");
	assert_lacks(s, "\r");
	assert_lacks(s, "\xe2\x80\xae");
	assert_lacks(s, "\xc2\x85");
	/* Exactly one newline: between the headline and the facts. */
	const char *nl = strchr(s, '\n');
	assert_non_null(nl);
	assert_null(strchr(nl + 1, '\n'));
	free(s);

	/* Every string fact is cleaned, not only titles. */
	s = text_of("deadline_soon", "{\"title\":\"T\",\"status\":\"x\\u001b]0;pwn\\u0007\","
				     "\"lead_unit\":\"稽查\\u001b[31m局\"}");
	assert_lacks(s, "\x1b");
	assert_lacks(s, "\a");
	assert_has(s, "稽查[31m局");
	free(s);
	s = text_of("handover_signed", "{\"by\":\"王\\u001b强\"}");
	assert_has(s, "王强");
	free(s);

	/* A NUL inside a payload string is dropped, not the whole event. */
	s = text_of("digest", "{\"title\":\"ok\\u0000bad\",\"new\":1}");
	assert_has(s, "okbad");
	free(s);
}

static void test_text_unknown_and_broken(void **state)
{
	(void)state;
	char *s = text_of("meteor_strike", "{\"title\":\"天降陨石\",\"phone\":\"13800138000\"}");
	assert_has(s, "【3·15值守】");
	assert_has(s, "meteor_strike");
	assert_has(s, "天降陨石");
	assert_lacks(s, "13800138000");
	free(s);

	static const char *const bad[] = { NULL, "", "not json", "[1,2,3]", "\"a string\"", "42", "{\"title\":" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s = text_of("exposure_new", bad[i]);
		assert_has(s, "exposure_new");
		assert_has(s, "#3");
		free(s);
	}
	/* Wrong types for every fact: no crash, no garbage. */
	s = text_of("exposure_new", "{\"title\":[1],\"level\":{},\"local\":7,\"lead_unit\":false,"
				    "\"deadline\":\"soon\",\"aired_at\":-5}");
	assert_has(s, "（无标题）");
	assert_lacks(s, "级别");
	assert_lacks(s, "时限");
	free(s);

	/* No event name, an event name with ESC, no event at all. */
	struct robot_event ev = ev_of(NULL, NULL);
	s = robot_event_text(&ev, SIZE_MAX);
	assert_non_null(s);
	assert_has(s, "【3·15值守】");
	free(s);
	ev = ev_of("bad\x1b[2Jname", "{}");
	s = robot_event_text(&ev, SIZE_MAX);
	assert_has(s, "bad[2Jname");
	assert_lacks(s, "\x1b");
	free(s);
	s = robot_event_text(NULL, 100);
	assert_non_null(s);
	free(s);
}

static void test_text_cut(void **state)
{
	(void)state;
	struct robot_event ev = ev_of("exposure_new", EXPOSURE_NEW);
	char *full = robot_event_text(&ev, SIZE_MAX);
	size_t n = strlen(full);
	for (size_t max = 0; max <= n + 2; max++) {
		char *s = robot_event_text(&ev, max);
		assert_non_null(s);
		assert_true(strlen(s) <= max);
		assert_true(text_valid_utf8(s, strlen(s)));
		if (max >= n) {
			assert_string_equal(s, full);
		} else if (max >= 3) {
			assert_true(ends_with(s, "…"));
			/* What is kept is the start of the full text. */
			assert_memory_equal(s, full, strlen(s) - 3);
		}
		free(s);
	}
	free(full);
}

/* ---- requests ---- */

static void test_dingtalk_sign(void **state)
{
	(void)state;
	struct robot_event ev = ev_of("exposure_new", EXPOSURE_NEW);
	/* Expected sign, computed once outside zhishou:
	 *   printf '%s\n%s' 1773579600000 SECdemo0003 | openssl dgst -sha256 -hmac SECdemo0003 -binary | base64
	 *   -> gibf8QullIw88SxlL+KV4pw4kS2pwoXZdCXkh/IgiS4=
	 * then url-encoded (+ / = as %2B %2F %3D). */
	struct robot_request r = build(ROBOT_DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=abc",
				       "SECdemo0003", &ev);
	assert_string_equal(r.url, "https://oapi.dingtalk.com/robot/send?access_token=abc"
				   "&timestamp=1773579600000&sign=gibf8QullIw88SxlL%2BKV4pw4kS2pwoXZdCXkh%2FIgiS4%3D");
	assert_null(r.headers[1]);
	robot_request_clear(&r);
	assert_null(r.url);
	assert_null(r.body);
	robot_request_clear(&r); /* twice is harmless */

	/* A url without a query gets "?". */
	r = build(ROBOT_DINGTALK, "https://example.test/robot/send", "SECdemo0003", &ev);
	assert_string_equal(r.url, "https://example.test/robot/send"
				   "?timestamp=1773579600000&sign=gibf8QullIw88SxlL%2BKV4pw4kS2pwoXZdCXkh%2FIgiS4%3D");
	robot_request_clear(&r);

	/* A url already ending in "?" gets no second separator. */
	r = build(ROBOT_DINGTALK, "https://example.test/robot/send?", "SECdemo0003", &ev);
	assert_true(!strncmp(r.url, "https://example.test/robot/send?timestamp=1773579600000&sign=",
			     strlen("https://example.test/robot/send?timestamp=1773579600000&sign=")));
	robot_request_clear(&r);

	/* No secret: the url is left alone. */
	r = build(ROBOT_DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=abc", "", &ev);
	assert_string_equal(r.url, "https://oapi.dingtalk.com/robot/send?access_token=abc");
	robot_request_clear(&r);
	r = build(ROBOT_DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=abc", NULL, &ev);
	assert_string_equal(r.url, "https://oapi.dingtalk.com/robot/send?access_token=abc");
	robot_request_clear(&r);
}

static void test_dingtalk_body_mentions(void **state)
{
	(void)state;
	const char *const mobiles[] = { "13900000001", "", "13900000002" };
	struct robot_event ev = ev_of("exposure_new", EXPOSURE_NEW);
	ev.at_mobiles = mobiles;
	ev.n_at = 3;
	struct robot_request r = build(ROBOT_DINGTALK, "https://example.test/robot/send?access_token=x", NULL, &ev);
	json_t *j = parse(r.body);
	assert_string_equal(jstr(j, "msgtype", NULL), "text");
	const char *content = jstr(j, "text", "content");
	assert_has(content, "某品牌酸菜土坑腌制");
	assert_has(content, "重大（二级）");
	assert_has(content, "@13900000001");
	assert_has(content, "@13900000002");
	json_t *at = json_object_get(j, "at");
	json_t *list = json_object_get(at, "atMobiles");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_array_get(list, 0)), "13900000001");
	assert_string_equal(json_string_value(json_array_get(list, 1)), "13900000002");
	assert_true(json_is_false(json_object_get(at, "isAtAll")));
	/* Chinese is sent as UTF-8, not \u escapes. */
	assert_has(r.body, "某品牌酸菜");
	json_decref(j);
	robot_request_clear(&r);

	/* No mentions: an empty list, no stray "@". */
	ev.at_mobiles = NULL;
	ev.n_at = 0;
	r = build(ROBOT_DINGTALK, "https://example.test/robot/send", NULL, &ev);
	j = parse(r.body);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "at"), "atMobiles")), 0);
	assert_lacks(jstr(j, "text", "content"), "@");
	json_decref(j);
	robot_request_clear(&r);
}

static char *huge_title_payload(void)
{
	size_t n = 3000;
	char *p = malloc(n * 3 + 64), *w = p;
	w += sprintf(w, "{\"title\":\"");
	for (size_t i = 0; i < n; i++)
		w += sprintf(w, "酸");
	strcpy(w, "\",\"level\":2}");
	return p;
}

static void test_dingtalk_huge_title(void **state)
{
	(void)state;
	/* 18000 bytes is 6000 three-byte characters: give it 8000. */
	char *big = malloc(8000 * 3 + 64), *w = big;
	w += sprintf(w, "{\"title\":\"");
	for (int i = 0; i < 8000; i++)
		w += sprintf(w, "酸");
	strcpy(w, "\"}");
	const char *const mobiles[] = { "13900000001" };
	struct robot_event ev = ev_of("exposure_new", big);
	ev.at_mobiles = mobiles;
	ev.n_at = 1;
	struct robot_request r = build(ROBOT_DINGTALK, "https://example.test/robot/send", NULL, &ev);
	json_t *j = parse(r.body);
	const char *content = jstr(j, "text", "content");
	assert_true(strlen(content) <= 18000);
	assert_true(strlen(content) > 17000);
	assert_true(text_valid_utf8(content, strlen(content)));
	/* The cut is in the event's text; the mention survives it. */
	assert_true(ends_with(content, "…\n@13900000001"));
	json_decref(j);
	robot_request_clear(&r);
	free(big);
}

static void test_wecom(void **state)
{
	(void)state;
	const char *const mobiles[] = { "13900000001", "13900000002" };
	struct robot_event ev = ev_of("digest", "{\"title\":\"T\",\"new\":5,\"total\":12,\"minutes\":30}");
	ev.at_mobiles = mobiles;
	ev.n_at = 2;
	/* WeCom signs nothing: a secret changes neither url nor headers. */
	struct robot_request r = build(ROBOT_WECOM, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
				       "ignored", &ev);
	assert_string_equal(r.url, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K");
	assert_null(r.headers[1]);
	json_t *j = parse(r.body);
	assert_string_equal(jstr(j, "msgtype", NULL), "text");
	assert_has(jstr(j, "text", "content"), "近30分钟新增关联投诉举报 5 件，累计 12 件");
	json_t *list = json_object_get(json_object_get(j, "text"), "mentioned_mobile_list");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_array_get(list, 0)), "13900000001");
	assert_string_equal(json_string_value(json_array_get(list, 1)), "13900000002");
	json_decref(j);
	robot_request_clear(&r);

	/* Without mentions, no list. */
	ev.at_mobiles = NULL;
	ev.n_at = 0;
	r = build(ROBOT_WECOM, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", NULL, &ev);
	j = parse(r.body);
	assert_null(json_object_get(json_object_get(j, "text"), "mentioned_mobile_list"));
	json_decref(j);
	robot_request_clear(&r);
}

static void test_wecom_huge_title(void **state)
{
	(void)state;
	char *payload = huge_title_payload();
	const char *const mobiles[] = { "13900000001", "13900000002", "13900000003" };
	for (size_t n_at = 0; n_at <= 3; n_at += 3) {
		struct robot_event ev = ev_of("exposure_new", payload);
		ev.at_mobiles = mobiles;
		ev.n_at = n_at;
		struct robot_request r = build(ROBOT_WECOM, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
					       NULL, &ev);
		assert_true(strlen(r.body) <= 2048);
		json_t *j = parse(r.body);
		const char *content = jstr(j, "text", "content");
		assert_true(strlen(content) <= 2048);
		assert_true(strlen(content) > 1500); /* cut, not emptied */
		assert_true(text_valid_utf8(content, strlen(content)));
		assert_true(ends_with(content, "…"));
		assert_true(!strncmp(content, "【3·15值守】新曝光问题 #3：酸酸", strlen("【3·15值守】新曝光问题 #3：酸酸")));
		json_decref(j);
		robot_request_clear(&r);
	}
	free(payload);
}

static void test_feishu(void **state)
{
	(void)state;
	struct robot_event ev = ev_of("exposure_new", EXPOSURE_NEW);
	/* Expected sign, computed once outside zhishou (key = timestamp "\n"
	 * secret, empty message; the timestamp is in seconds):
	 *   printf '' | openssl dgst -sha256 -hmac "$(printf '%s\n%s' 1773579600 SECfeishu3)" -binary | base64
	 *   -> WTHYztFCvaAfcGuZKwV15D3hgS1HqZeHurxFWK8+2R4= */
	struct robot_request r;
	struct zs_error err = { 0 };
	assert_int_equal(robot_build(ROBOT_FEISHU, "https://open.feishu.cn/open-apis/bot/v2/hook/ID", "SECfeishu3",
				     &ev, NOW_MS + 999, &r, &err), ZS_OK);
	assert_string_equal(r.url, "https://open.feishu.cn/open-apis/bot/v2/hook/ID");
	assert_string_equal(r.headers[0], "Content-Type: application/json; charset=utf-8");
	assert_null(r.headers[1]);
	json_t *j = parse(r.body);
	assert_string_equal(jstr(j, "timestamp", NULL), "1773579600");
	assert_string_equal(jstr(j, "sign", NULL), "WTHYztFCvaAfcGuZKwV15D3hgS1HqZeHurxFWK8+2R4=");
	assert_string_equal(jstr(j, "msg_type", NULL), "text");
	const char *text = jstr(j, "content", "text");
	assert_has(text, "某品牌酸菜土坑腌制");
	assert_has(text, "重大（二级）");
	json_decref(j);
	robot_request_clear(&r);

	/* No secret: neither timestamp nor sign. */
	r = build(ROBOT_FEISHU, "https://open.feishu.cn/open-apis/bot/v2/hook/ID", "", &ev);
	j = parse(r.body);
	assert_null(json_object_get(j, "timestamp"));
	assert_null(json_object_get(j, "sign"));
	assert_string_equal(jstr(j, "msg_type", NULL), "text");
	json_decref(j);
	robot_request_clear(&r);
}

/* The exact body for EXPOSURE_NEW + PRIVATE, outbox 41, exposure 3: private
 * facts filtered out of the payload, strings kept as UTF-8. */
#define WEBHOOK_BODY                                                                                          \
	"{\"source\":\"zhishou\",\"event\":\"exposure_new\",\"outbox_id\":41,\"exposure_id\":3,"               \
	"\"created_at\":\"2026-03-15T21:00:00+08:00\",\"text\":\"【3·15值守】新曝光问题 #3：某品牌酸菜土坑腌制\\n" \
	"级别：重大（二级）｜本地涉及：待查｜牵头：执法稽查局｜时限：03-16 08:00｜曝光：03-15 20:30\","            \
	"\"payload\":{\"title\":\"某品牌酸菜土坑腌制\",\"level\":2,\"local\":\"unknown\","                      \
	"\"lead_unit\":\"执法稽查局\",\"deadline\":1773619200,\"aired_at\":1773577800}}"

static void test_webhook(void **state)
{
	(void)state;
	const char *payload = "{\"title\":\"某品牌酸菜土坑腌制\",\"level\":2,\"local\":\"unknown\","
			      "\"lead_unit\":\"执法稽查局\",\"deadline\":" DEADLINE ",\"aired_at\":" AIRED PRIVATE "}";
	struct robot_event ev = ev_of("exposure_new", payload);
	struct robot_request r = build(ROBOT_WEBHOOK, "https://hooks.example.test/zhishou?x=1", "whsec", &ev);
	assert_string_equal(r.url, "https://hooks.example.test/zhishou?x=1");
	assert_string_equal(r.body, WEBHOOK_BODY);
	/* Expected signature, computed once outside zhishou over WEBHOOK_BODY
	 * (B='<the body above, \n as the two characters of the JSON escape>'):
	 *   printf '%s' "$B" | openssl dgst -sha256 -hmac whsec */
	assert_string_equal(r.headers[1], "X-Zhishou-Signature: sha256="
					  "ad19d4419b5515c8cdeb9f9cc6b3e7dc310ad4615546e8c69a63effcd211fd6d");
	assert_string_equal(r.headers[2], "X-Zhishou-Timestamp: 1773579600000");
	assert_null(r.headers[3]);
	robot_request_clear(&r);

	/* No secret: no signature headers; no exposure: exposure_id null. */
	ev = ev_of("handover_signed", "{\"by\":\"王强\",\"open_intakes\":4,\"note_given\":true,\"caller\":\"张三\"}");
	ev.exposure_id = 0;
	r = build(ROBOT_WEBHOOK, "https://hooks.example.test/zhishou", NULL, &ev);
	assert_null(r.headers[1]);
	json_t *j = parse(r.body);
	assert_string_equal(jstr(j, "source", NULL), "zhishou");
	assert_string_equal(jstr(j, "event", NULL), "handover_signed");
	assert_true(json_is_null(json_object_get(j, "exposure_id")));
	assert_int_equal(json_integer_value(json_object_get(j, "outbox_id")), 41);
	json_t *p = json_object_get(j, "payload");
	assert_true(json_is_object(p));
	assert_int_equal(json_object_size(p), 3);
	assert_string_equal(jstr(p, "by", NULL), "王强");
	assert_int_equal(json_integer_value(json_object_get(p, "open_intakes")), 4);
	assert_true(json_is_true(json_object_get(p, "note_given")));
	assert_has(jstr(j, "text", NULL), "交接班已签字");
	json_decref(j);
	robot_request_clear(&r);

	/* An unreadable payload still makes a valid body with an empty payload. */
	ev = ev_of("exposure_new", "not json");
	r = build(ROBOT_WEBHOOK, "https://hooks.example.test/zhishou", NULL, &ev);
	j = parse(r.body);
	assert_int_equal(json_object_size(json_object_get(j, "payload")), 0);
	json_decref(j);
	robot_request_clear(&r);

	/* Control characters in payload strings are cleaned there too. */
	ev = ev_of("status_changed", "{\"title\":\"a\\u001b[2Jb\",\"status\":\"case\"}");
	r = build(ROBOT_WEBHOOK, "https://hooks.example.test/zhishou", NULL, &ev);
	j = parse(r.body);
	assert_string_equal(jstr(j, "payload", "title"), "a[2Jb");
	json_decref(j);
	robot_request_clear(&r);
}

static void test_build_errors(void **state)
{
	(void)state;
	struct robot_event ev = ev_of("exposure_new", EXPOSURE_NEW);
	struct robot_request r;
	struct zs_error err = { 0 };
	static const char *const bad[] = { NULL, "", "https://example.test/a b", "https://example.test/\nx" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&r, 0x5a, sizeof r);
		assert_int_equal(robot_build(ROBOT_DINGTALK, bad[i], "s", &ev, NOW_MS, &r, &err), ZS_EINPUT);
		assert_null(r.url);
		assert_null(r.body);
		assert_null(r.headers[0]);
		assert_true(strlen(err.msg) > 0);
	}
	assert_int_equal(robot_build((enum robot_type)99, "https://example.test", NULL, &ev, NOW_MS, &r, &err),
			 ZS_EINPUT);
	assert_null(r.body);
	assert_int_not_equal(robot_build(ROBOT_WECOM, "https://example.test", NULL, NULL, NOW_MS, &r, &err), ZS_OK);
	assert_null(r.body);
}

/* ---- answers ---- */

static enum robot_verdict classify(enum robot_type t, long status, const char *body, char *why, size_t n)
{
	return robot_classify(t, status, body, body ? strlen(body) : 0, why, n);
}

static void test_classify_dingtalk_wecom(void **state)
{
	(void)state;
	char why[256];
	for (int t = ROBOT_DINGTALK; t <= ROBOT_WECOM; t++) {
		enum robot_type ty = (enum robot_type)t;
		assert_int_equal(classify(ty, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", why, sizeof why), ROBOT_OK);
		assert_string_equal(why, "");
		/* The other platform's rate-limit code is an ordinary failure. */
		const char *mine = ty == ROBOT_DINGTALK ? "{\"errcode\":130101,\"errmsg\":\"send too fast\"}"
							: "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}";
		const char *theirs = ty == ROBOT_DINGTALK ? "{\"errcode\":45009,\"errmsg\":\"x\"}"
							  : "{\"errcode\":130101,\"errmsg\":\"x\"}";
		assert_int_equal(classify(ty, 200, mine, why, sizeof why), ROBOT_RETRY);
		assert_has(why, ty == ROBOT_DINGTALK ? "130101" : "45009");
		assert_int_equal(classify(ty, 200, theirs, why, sizeof why), ROBOT_FAIL);
		/* "System busy" is worth another try. */
		assert_int_equal(classify(ty, 200, "{\"errcode\":-1,\"errmsg\":\"system busy\"}", why, sizeof why),
				 ROBOT_RETRY);

		assert_int_equal(classify(ty, 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}", why, sizeof why),
				 ROBOT_FAIL);
		assert_string_equal(why, "错误码 310000：sign not match");
		assert_int_equal(classify(ty, 200, "<html>gateway</html>", why, sizeof why), ROBOT_FAIL);
		assert_string_equal(why, "平台回复不是 JSON：<html>gateway</html>");
		assert_int_equal(classify(ty, 200, "", why, sizeof why), ROBOT_FAIL);
		assert_has(why, "不是 JSON");
		assert_int_equal(classify(ty, 200, "{\"ok\":true}", why, sizeof why), ROBOT_FAIL);
		assert_int_equal(classify(ty, 200, "[0]", why, sizeof why), ROBOT_FAIL);
		assert_has(why, "无法识别");
	}
}

static void test_classify_feishu(void **state)
{
	(void)state;
	char why[256];
	enum robot_type t = ROBOT_FEISHU;
	assert_int_equal(classify(t, 200, "{\"code\":0,\"msg\":\"success\",\"data\":{}}", why, sizeof why), ROBOT_OK);
	assert_int_equal(classify(t, 200, "{\"StatusCode\":0,\"StatusMessage\":\"success\"}", why, sizeof why),
			 ROBOT_OK);
	assert_int_equal(classify(t, 200, "{\"code\":9499,\"msg\":\"too many request\"}", why, sizeof why),
			 ROBOT_RETRY);
	assert_int_equal(classify(t, 200, "{\"code\":11232,\"msg\":\"frequency limited\"}", why, sizeof why),
			 ROBOT_RETRY);
	assert_has(why, "frequency limited");
	assert_int_equal(classify(t, 200, "{\"code\":19021,\"msg\":\"sign match fail\"}", why, sizeof why),
			 ROBOT_FAIL);
	assert_string_equal(why, "错误码 19021：sign match fail");
	assert_int_equal(classify(t, 200, "{\"StatusCode\":19001,\"StatusMessage\":\"param invalid\"}", why, sizeof why),
			 ROBOT_FAIL);
	assert_has(why, "param invalid");
	/* DingTalk's rate-limit code means nothing to Feishu. */
	assert_int_equal(classify(t, 200, "{\"code\":130101,\"msg\":\"x\"}", why, sizeof why), ROBOT_FAIL);
	assert_int_equal(classify(t, 200, "OK", why, sizeof why), ROBOT_FAIL);
	assert_has(why, "不是 JSON：OK");
	/* A rate limit said with a 400 is still a rate limit. */
	assert_int_equal(classify(t, 400, "{\"code\":11232,\"msg\":\"frequency limited\"}", why, sizeof why),
			 ROBOT_RETRY);
	assert_int_equal(classify(t, 400, "{\"code\":19021,\"msg\":\"sign match fail\"}", why, sizeof why),
			 ROBOT_FAIL);
	assert_has(why, "HTTP 400");
	assert_has(why, "sign match fail");
}

static void test_classify_webhook(void **state)
{
	(void)state;
	char why[256];
	enum robot_type t = ROBOT_WEBHOOK;
	assert_int_equal(classify(t, 200, "anything at all", why, sizeof why), ROBOT_OK);
	assert_int_equal(classify(t, 204, NULL, why, sizeof why), ROBOT_OK);
	assert_int_equal(classify(t, 202, "{\"errcode\":310000}", why, sizeof why), ROBOT_OK);
	assert_int_equal(classify(t, 299, "", why, sizeof why), ROBOT_OK);
	assert_int_equal(classify(t, 302, "", why, sizeof why), ROBOT_FAIL);
	assert_int_equal(classify(t, 401, "{\"message\":\"bad signature\"}", why, sizeof why), ROBOT_FAIL);
	assert_string_equal(why, "HTTP 401：bad signature");
}

static void test_classify_http(void **state)
{
	(void)state;
	char why[256];
	for (int i = ROBOT_DINGTALK; i <= ROBOT_WEBHOOK; i++) {
		enum robot_type t = (enum robot_type)i;
		assert_int_equal(classify(t, 0, NULL, why, sizeof why), ROBOT_RETRY);
		assert_true(strlen(why) > 0);
		assert_int_equal(classify(t, -1, "", why, sizeof why), ROBOT_RETRY);
		static const long retry[] = { 408, 429, 500, 502, 503, 504, 599 };
		for (size_t k = 0; k < sizeof retry / sizeof retry[0]; k++) {
			assert_int_equal(classify(t, retry[k], "<html>busy</html>", why, sizeof why), ROBOT_RETRY);
			assert_has(why, "HTTP");
		}
		static const long fail[] = { 400, 401, 403, 404, 405, 410, 413, 499 };
		for (size_t k = 0; k < sizeof fail / sizeof fail[0]; k++)
			assert_int_equal(classify(t, fail[k], "nope", why, sizeof why), ROBOT_FAIL);
		assert_int_equal(classify(t, 403, "Forbidden: token revoked", why, sizeof why), ROBOT_FAIL);
		assert_string_equal(why, "HTTP 403：Forbidden: token revoked");
		assert_int_equal(classify(t, 403, "", why, sizeof why), ROBOT_FAIL);
		assert_string_equal(why, "HTTP 403");
		assert_int_equal(classify(t, 404, "{\"errmsg\":\"token missing\"}", why, sizeof why), ROBOT_FAIL);
		assert_has(why, "token missing");
		assert_has(why, "HTTP 404");
		assert_int_equal(classify(t, 400, "{\"msg\":\"bad request\"}", why, sizeof why), ROBOT_FAIL);
		assert_has(why, "bad request");
	}
	/* A 4xx JSON with the platform's code carries it. */
	assert_int_equal(classify(ROBOT_DINGTALK, 403, "{\"errcode\":300001,\"errmsg\":\"token is not exist\"}",
				  why, sizeof why), ROBOT_FAIL);
	assert_string_equal(why, "HTTP 403，错误码 300001：token is not exist");
}

static void test_classify_why(void **state)
{
	(void)state;
	char why[256];
	/* The platform's text is cleaned of terminal controls. */
	assert_int_equal(classify(ROBOT_WECOM, 200, "{\"errcode\":93000,\"errmsg\":\"bad\\u001b[31m\\u0007 url\\n!\"}",
				  why, sizeof why), ROBOT_FAIL);
	assert_string_equal(why, "错误码 93000：bad[31m url !");
	/* Raw control bytes and invalid UTF-8 in a non-JSON answer too. */
	const char raw[] = "bad\x1b[2J\xff\xfe page";
	assert_int_equal(robot_classify(ROBOT_DINGTALK, 403, raw, sizeof raw - 1, why, sizeof why), ROBOT_FAIL);
	assert_lacks(why, "\x1b");
	assert_true(text_valid_utf8(why, strlen(why)));
	assert_has(why, "bad[2J");

	/* A long answer is cut short, on a character boundary. */
	char body[4096] = "{\"errcode\":93000,\"errmsg\":\"";
	for (int i = 0; i < 600; i++)
		strcat(body, "错");
	strcat(body, "\"}");
	for (size_t size = 1; size <= 64; size++) {
		char small[64];
		memset(small, 'x', sizeof small);
		assert_int_equal(classify(ROBOT_WECOM, 200, body, small, size), ROBOT_FAIL);
		assert_true(strlen(small) < size);
		assert_true(text_valid_utf8(small, strlen(small)));
	}
	char medium[100];
	classify(ROBOT_WECOM, 200, body, medium, sizeof medium);
	assert_true(ends_with(medium, "…"));
	assert_has(medium, "错误码 93000：错错");
	/* The start of an unreadable body is short even with a big why. */
	char html[3000];
	memset(html, 'h', sizeof html - 1);
	html[sizeof html - 1] = '\0';
	classify(ROBOT_DINGTALK, 200, html, why, sizeof why);
	assert_true(strlen(why) < 200);

	/* No room for a reason, or no body: still a verdict. */
	assert_int_equal(robot_classify(ROBOT_DINGTALK, 200, "{\"errcode\":0}", 13, NULL, 0), ROBOT_OK);
	assert_int_equal(robot_classify(ROBOT_DINGTALK, 500, NULL, 10, NULL, 0), ROBOT_RETRY);
	assert_int_equal(robot_classify(ROBOT_FEISHU, 200, NULL, 0, why, sizeof why), ROBOT_FAIL);
	/* len counts, not the NUL: a JSON prefix is read as what it is. */
	assert_int_equal(robot_classify(ROBOT_DINGTALK, 200, "{\"errcode\":0}garbage", 13, why, sizeof why), ROBOT_OK);
}

int main(void)
{
	setenv("TZ", "America/New_York", 1);
	time_set_zone("Asia/Shanghai");
	codes_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_parse),
		cmocka_unit_test(test_text_exposure_new),
		cmocka_unit_test(test_text_events),
		cmocka_unit_test(test_text_always_chinese),
		cmocka_unit_test(test_text_private_facts_never_shown),
		cmocka_unit_test(test_every_outbox_event_reaches_robots),
		cmocka_unit_test(test_text_sanitised),
		cmocka_unit_test(test_text_unknown_and_broken),
		cmocka_unit_test(test_text_cut),
		cmocka_unit_test(test_dingtalk_sign),
		cmocka_unit_test(test_dingtalk_body_mentions),
		cmocka_unit_test(test_dingtalk_huge_title),
		cmocka_unit_test(test_wecom),
		cmocka_unit_test(test_wecom_huge_title),
		cmocka_unit_test(test_feishu),
		cmocka_unit_test(test_webhook),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_classify_dingtalk_wecom),
		cmocka_unit_test(test_classify_feishu),
		cmocka_unit_test(test_classify_webhook),
		cmocka_unit_test(test_classify_http),
		cmocka_unit_test(test_classify_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
