/* platform: entry into the national 12315 platform (录入12315平台系统).
 *
 * Seed 000 附件3: what the night takes by phone, at the counter or from
 * any other channel must also be entered into the 12315 platform, the
 * system of record; the morning checks what is not yet there.  The rule of
 * what must be entered lives here alone (platform_required), and every
 * view (log list --not-on-platform, log export --not-on-platform, the
 * review, the console) asks it. */
#ifndef ZHISHOU_PLATFORM_H
#define ZHISHOU_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/model.h"

/* A platform number: 6 to 32 ASCII letters, digits or '-' (the platform's
 * numbers are digits, sometimes with letters: 1201012026031500123). */
enum { PLATFORM_NO_MIN = 6, PLATFORM_NO_MAX = 32 };

/* Must this intake be entered into the 12315 platform?  Yes, unless it
 * came from the platform itself (channel 12315-platform), is a duplicate
 * (duplicate_of set: its original is entered), or is an inquiry answered
 * on the spot (kind inquiry, status closed, handling direct). */
bool platform_required(const struct intake *i);
/* Required and not yet entered (no platform number). */
bool platform_pending(const struct intake *i);

/* Why an intake need not be entered (static text), or NULL when it must. */
const char *platform_exempt(const struct intake *i);

/* The 12315 platform line of a detail: "NO（王芳 03-15 21:40 录入）",
 * "未录入", or "无需录入（why）"; by: who entered it, by name (NULL: the
 * login recorded).  Written into buf (n bytes). */
const char *platform_line(const struct intake *i, const char *by, char *buf, size_t n);

/* The typed number checked and normalised (spaces around it dropped,
 * letters in upper case) into out (n bytes); ZS_EINPUT naming the fix. */
int platform_no_parse(const char *typed, char *out, size_t n, struct zs_error *err);

/* Record the number on i (not stored): refused when another intake has it
 * (naming that intake); the same number again changes nothing; a different
 * one replaces the old (the audit keeps old and new).  Who and when: the
 * member and c->now. */
int platform_set(struct zs_ctx *c, struct intake *i, const char *typed, struct zs_error *err);

/* The night's items not yet on the platform, by the desk that took them:
 * the unit of the member who logged it, else the member's name, else the
 * login.  Sorted by desk, then id. */
struct platform_item {
	int64_t id, received_at;
	char *desk, *kind, *channel, *title;
};
struct platform_backlog {
	struct platform_item *items;
	size_t n, desks;
};
/* Intakes received from since on (0: all); reads inside the caller's read
 * transaction if there is one. */
int platform_backlog_build(struct zs_ctx *c, int64_t since, struct platform_backlog *out, struct zs_error *err);
void platform_backlog_clear(struct platform_backlog *b);

#endif
