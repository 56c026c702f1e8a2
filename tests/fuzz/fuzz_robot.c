/* fuzz_robot: what the chat platforms answer, and what the outbox holds.
 *
 * Input, two uses of the same bytes:
 *  - an HTTP answer: robot_classify for every robot type with the input as
 *    the body and a status from its first two bytes (0-599, so timeouts,
 *    2xx, 4xx and 5xx all come up); checked: the reason is terminated,
 *    within its buffer and sanitised (it is logged and shown);
 *  - an outbox payload (JSON facts): robot_event_text for every event name
 *    (and an unknown one, and the input itself as the name) with a small
 *    and a large byte limit, and robot_build for every type (event name
 *    from the size); checked: the text is within its limit, valid UTF-8 and
 *    clean; each request body is JSON; WeCom's body fits its 2048 bytes;
 *    DingTalk's signed url carries the signature. */
#include "fuzz_common.h"

#include <jansson.h>

#include "zhishou/robot.h"

static const char *const event_names[] = {
	"exposure_new", "level_raised", "status_changed", "lead_set", "deadline_soon",
	"deadline_passed", "digest", "handover_signed", "never_heard_of_it",
};
enum { NNAMES = sizeof event_names / sizeof *event_names };

static void classify(const uint8_t *data, size_t size)
{
	long status = size >= 2 ? (long)((data[0] << 8 | data[1]) % 600) : 200;
	size_t why_sizes[] = { 1, 16, 512 };
	for (int t = ROBOT_DINGTALK; t <= ROBOT_WEBHOOK; t++) {
		for (size_t k = 0; k < sizeof why_sizes / sizeof *why_sizes; k++) {
			size_t ws = why_sizes[k];
			char *why = malloc(ws);
			if (!why)
				FZ_DIE("out of memory");
			memset(why, 'x', ws);
			enum robot_verdict v = robot_classify(t, status, (const char *)data, size, why, ws);
			FZ_CHECK(v == ROBOT_OK || v == ROBOT_RETRY || v == ROBOT_FAIL, "verdict %d", (int)v);
			FZ_CHECK(strnlen(why, ws) < ws, "why not terminated within %zu bytes", ws);
			FZ_CHECK(fz_is_clean(why, false), "why is not clean");
			/* A 2xx to a plain webhook is delivered; 408/429/5xx are retried. */
			if (t == ROBOT_WEBHOOK && status >= 200 && status < 300)
				FZ_CHECK(v == ROBOT_OK, "webhook 2xx not OK");
			if (status == 408 || status == 429 || status >= 500 || status < 100)
				FZ_CHECK(v == ROBOT_RETRY, "status %ld not retried", status);
			free(why);
		}
		/* NULL body and NULL why are allowed. */
		(void)robot_classify(t, status, NULL, size, NULL, 0);
	}
}

static void check_text(const char *s, size_t max)
{
	FZ_CHECK(s, "robot_event_text returned NULL");
	size_t n = strlen(s);
	FZ_CHECK(n <= max, "text of %zu bytes over its limit %zu", n, max);
	FZ_CHECK(fz_is_clean(s, true), "event text not clean");
}

static void build(const struct robot_event *ev, size_t size)
{
	static const char *const urls[] = {
		"https://oapi.dingtalk.com/robot/send?access_token=abc",
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
		"https://open.feishu.cn/open-apis/bot/v2/hook/x",
		"http://127.0.0.1:8080/hook?",
	};
	for (int t = ROBOT_DINGTALK; t <= ROBOT_WEBHOOK; t++) {
		const char *secret = size & 2 ? "SEC0123456789abcdef" : NULL;
		struct robot_request req;
		struct zs_error err = { 0 };
		int r = robot_build(t, urls[t], secret, ev, 1773579600000LL + (int64_t)size, &req, &err);
		FZ_CHECK(r == ZS_OK, "robot_build(%s) failed (%d): %s", robot_type_name(t), r, err.msg);
		FZ_CHECK(req.url && req.body && req.headers[0], "robot_build left out a part");
		json_error_t je;
		json_t *j = json_loads(req.body, 0, &je);
		FZ_CHECK(json_is_object(j), "%s body is not a JSON object: %s", robot_type_name(t), je.text);
		json_decref(j);
		if (t == ROBOT_WECOM)
			FZ_CHECK(strlen(req.body) <= 2048, "WeCom body of %zu bytes", strlen(req.body));
		if (t == ROBOT_DINGTALK && secret)
			FZ_CHECK(strstr(req.url, "&sign=") && strstr(req.url, "timestamp="), "unsigned DingTalk url");
		for (int h = 0; h < 4 && req.headers[h]; h++)
			FZ_CHECK(!strpbrk(req.headers[h], "\r\n"), "header %d has a line break", h);
		robot_request_clear(&req);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)   /* payloads are small; an answer's first bytes decide */
		return 0;
	fz_env();
	fz_lang_for(size);
	classify(data, size);

	char *payload = fz_strndup(data, size);
	static const char *const mobiles[] = { "13812345678", " 13900000000\x1b[2J", "", ("\xe2\x80\xae" "139") };
	struct robot_event ev = {
		.outbox_id = 42, .exposure_id = size & 1 ? 7 : 0, .created_at = 1773579600,
		.payload = payload, .at_mobiles = size & 4 ? mobiles : NULL, .n_at = 4,
	};
	/* Every event with a small limit (0-63 bytes, from the size: cuts
	 * inside the tag, the headline, a character) and a large one. */
	const size_t limits[] = { size % 64, 100000 };
	for (size_t e = 0; e < NNAMES; e++) {
		ev.event = event_names[e];
		for (size_t k = 0; k < sizeof limits / sizeof *limits; k++) {
			char *s = robot_event_text(&ev, limits[k]);
			check_text(s, limits[k]);
			free(s);
		}
	}
	/* The event name itself may come from another writer of the outbox. */
	ev.event = payload;
	char *s = robot_event_text(&ev, 1000);
	check_text(s, 1000);
	free(s);
	ev.event = event_names[size % NNAMES];
	build(&ev, size);
	ev.event = NULL;
	ev.payload = NULL;
	s = robot_event_text(&ev, 1000);
	check_text(s, 1000);
	free(s);
	free(payload);
	return 0;
}
