/* robot: the chat platforms' message formats, signatures and answers.
 *
 * Pure functions (no network, no database): the relay gives an outbox event
 * and a robot's settings and gets back the exact request to send; it gives
 * back the platform's answer and learns whether the message arrived, should
 * be retried, or will never succeed.  Messages carry only what is safe on a
 * third-party platform: titles, counts, units, levels, times. */
#ifndef ZHISHOU_ROBOT_H
#define ZHISHOU_ROBOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zhishou/error.h"

enum robot_type { ROBOT_DINGTALK, ROBOT_WECOM, ROBOT_FEISHU, ROBOT_WEBHOOK };

/* "dingtalk" "wecom" "feishu" "webhook" (also 钉钉 企业微信 飞书); false if unknown. */
bool robot_type_parse(const char *s, enum robot_type *t);
const char *robot_type_name(enum robot_type t);

/* The event to tell, as read from the outbox. */
struct robot_event {
	int64_t outbox_id;
	const char *event;       /* exposure_new level_raised status_changed lead_set
				  * deadline_soon deadline_passed digest handover_signed */
	int64_t exposure_id;
	int64_t created_at;      /* Unix seconds */
	const char *payload;     /* JSON object of facts (see robot.c) */
	const char *const *at_mobiles; /* duty leaders to @ (DingTalk, WeCom); may be NULL */
	size_t n_at;
};

/* The one-paragraph Chinese text of an event (no platform framing), at most
 * max_bytes of UTF-8, cut on a character boundary with "…".  malloc'd. */
char *robot_event_text(const struct robot_event *ev, size_t max_bytes);

struct robot_request {
	char *url;               /* with DingTalk's timestamp and sign appended */
	char *body;              /* JSON */
	char *headers[4];        /* "Name: value", NULL-terminated */
};
void robot_request_clear(struct robot_request *r);

/* Build the request for robot type t at url with secret ("" or NULL: not
 * signed; a webhook then sends no signature header).  now_ms is the
 * signature's timestamp. */
int robot_build(enum robot_type t, const char *url, const char *secret, const struct robot_event *ev,
		int64_t now_ms, struct robot_request *out, struct zs_error *err);

enum robot_verdict {
	ROBOT_OK,                /* delivered */
	ROBOT_RETRY,             /* try again later (timeouts, 408, 429, 5xx, platform rate limits) */
	ROBOT_FAIL,              /* will never succeed as it is (bad token, bad signature …) */
};

/* Judge the platform's answer: HTTP status and body.  why gets the
 * platform's own error text (sanitised, short) when not OK. */
enum robot_verdict robot_classify(enum robot_type t, long http_status, const char *body, size_t len,
				  char *why, size_t why_size);

#endif
