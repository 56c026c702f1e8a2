/* opinion: the publicity office's watch on what is said online (舆情监测).
 *
 * What was seen (platform, title, link, summary, when, how far it reached),
 * how serious (一般/关注/重大), where it stands (监测中 … 已平息), the approved
 * response wording (回应口径, a leader's, as an instruction is) and signed
 * notes.  Each change is audited in its transaction; raising one to 重大
 * queues one alert for the leaders' robots.  The link is outside text:
 * sanitised, kept and shown, never fetched. */
#ifndef ZHISHOU_OPINION_H
#define ZHISHOU_OPINION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zhishou/ctx.h"

struct opinion {
	int64_t id;
	char *platform, *title, *url, *summary;   /* platform: vocab_opinion_platform code */
	int64_t found_at;
	int64_t reach;                             /* -1: not known */
	char *level, *status;                      /* vocab_opinion_level / _status codes */
	char *response, *response_by;              /* "" when none yet */
	int64_t response_at;
	int64_t exposure_id, intake_id;            /* 0: not linked */
	char *exposure_title;                      /* the linked exposure's, "" if none */
	int64_t created_at, updated_at;
	char *created_by;
};
void opinion_clear(struct opinion *o);         /* defined by the store */
/* A deep copy; false (dst cleared) when memory ran out. */
bool opinion_copy(struct opinion *dst, const struct opinion *src);

struct opinion_note {
	int64_t id, opinion_id, at;
	char *by_user, *text;
};
void opinion_note_clear(struct opinion_note *n); /* defined by the store */

/* Typed text, as the command line or the console has it; NULL: not given
 * (update keeps the value). */
struct opinion_input {
	const char *platform, *title, *url, *summary, *found, *reach, *level, *status;
	const char *response, *note, *exposure, *intake;
};

enum { OPINION_MAX_TITLE = 200, OPINION_MAX_URL = 2000, OPINION_MAX_TEXT = 2000 };
/* A found time may run this far ahead of the clock (a watch a little fast). */
enum { OPINION_FUTURE_SLACK = 5 * 60 };

/* Record one (an operator's job; a --response within it is a leader's). */
int opinion_add(struct zs_ctx *c, const struct opinion_input *in, int64_t *id, struct zs_error *err);
/* Change level, status, response, links, or add a note.  Nothing that
 * changes anything: ZS_EINPUT, nothing written.  A response given while it
 * is 监测中 or 已报告 (and no --status) makes it 已回应. */
int opinion_update(struct zs_ctx *c, int64_t id, const struct opinion_input *in, struct zs_error *err);

typedef int (*opinion_cb)(const struct opinion *o, void *ud);
/* open_only: not 已平息.  exposure_id > 0: only that exposure's.  Open ones
 * first, then 重大, 关注, 一般, newest found first. */
int opinion_list(struct zs_ctx *c, bool open_only, int64_t exposure_id, opinion_cb cb, void *ud,
		 struct zs_error *err);

/* One opinion with its notes (oldest first).  ZS_ENOTFOUND with a message. */
struct opinion_card {
	struct opinion o;
	struct opinion_note *notes;
	size_t nnotes;
};
int opinion_get(struct zs_ctx *c, int64_t id, struct opinion_card *out, struct zs_error *err);
void opinion_card_clear(struct opinion_card *card);

/* The board's line: open opinions, and how many of them are 重大. */
struct opinion_tally {
	int64_t open, major;
};
int opinion_tally(struct zs_ctx *c, struct opinion_tally *out, struct zs_error *err);

/* Opinions found in [since, until) (the statistics report): all, 重大. */
int opinion_count(struct zs_ctx *c, int64_t since, int64_t until, int64_t *total, int64_t *major,
		  struct zs_error *err);

/* malloc'd JSON with stable keys (codes, ISO times); the card's carries
 * its notes. */
char *opinion_json(const struct opinion *o);
char *opinion_card_json(const struct opinion_card *card);

#endif
