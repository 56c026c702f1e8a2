/* card: one record as a person reads it, built once for every front end.
 *
 * The intake card and the exposure card hold the fields (callers already as
 * this viewer may see them, privacy.h), the history in words and time order
 * (the member's name and a verb, never a login, a code or JSON), and what
 * this user may do.  `log show`, `expose show` (table and JSON) and the
 * console's details only format a card.  Reads only; an intake card opened
 * with record_view writes the one audit row of a whole view (its own
 * transaction). */
#ifndef ZHISHOU_CARD_H
#define ZHISHOU_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/opinion.h"
#include "zhishou/model.h"
#include "zhishou/privacy.h"
#include "zhishou/rules.h"

/* How many linked intakes an exposure card lists (newest first). */
enum { CARD_LINKED_MAX = 30 };

enum timeline_kind {
	TL_CREATE,       /* logged */
	TL_VIEW,         /* a whole view of the caller */
	TL_CHANGE,       /* status, transfer, level, lead unit … */
	TL_NOTE,         /* a note added to an intake */
	TL_ACTION,       /* an exposure's action (officers, checks …) */
	TL_INSTRUCTION,  /* a leader's instruction (批示) */
};

struct timeline_entry {
	int64_t at;
	enum timeline_kind kind;
	char *login;     /* the Unix user, as the audit has it */
	char *who;       /* the member's name (王芳), or the login when not a member */
	char *what;      /* in words, in the current language */
};

struct timeline {
	struct timeline_entry *e;
	size_t n, cap;
};

/* What the viewer may do to the record (role and state together). */
enum {
	MAY_STATUS = 1 << 0, MAY_TRANSFER = 1 << 1, MAY_LINK = 1 << 2, MAY_DUPLICATE = 1 << 3,
	MAY_NOTE = 1 << 4, MAY_MONEY = 1 << 5,                       /* intake (operator) */
	MAY_ACTION = 1 << 6, MAY_EDIT = 1 << 7,                      /* exposure (operator) */
	MAY_INSTRUCT = 1 << 8, MAY_LEVEL = 1 << 9, MAY_LEAD = 1 << 10, MAY_DEADLINE = 1 << 11,
	MAY_EXPOSURE_STATUS = 1 << 12,                               /* exposure (leader) */
};

struct intake_card {
	struct intake in;          /* caller and phone as this viewer may see them */
	enum caller_shown caller;
	char *recorder;            /* who logged it, by name */
	char *platform_by;         /* who entered it into the 12315 platform, by name (NULL: nobody) */
	struct timeline history;   /* oldest first */
	unsigned may;
};

/* ZS_ENOTFOUND (with a message) when there is no such intake.  With
 * record_view a whole view of the caller is written to the audit (once per
 * opening: the console passes false on repaints). */
int intake_card_build(struct zs_ctx *c, int64_t id, bool record_view, struct intake_card *card,
		      struct zs_error *err);
void intake_card_clear(struct intake_card *card);
/* Everything the table shows, with stable English keys.  malloc'd. */
char *intake_card_json(const struct intake_card *card);

struct exposure_card {
	struct exposure e;
	enum due_state due;
	struct timeline timeline;  /* created, actions, instructions, changes: time order */
	char *last_instruction;    /* the latest 批示, or NULL */
	struct exposure_action *actions;  /* as recorded (kind code, count, note), oldest first */
	size_t nactions;
	struct intake *linked;     /* newest first, at most CARD_LINKED_MAX, callers masked */
	size_t nlinked;
	int64_t linked_total;
	unsigned may;
	struct opinion *opinions;  /* the opinion watch's records echoing it: open first, by level */
	size_t nopinions;
};

int exposure_card_build(struct zs_ctx *c, int64_t id, struct exposure_card *card, struct zs_error *err);
void exposure_card_clear(struct exposure_card *card);
char *exposure_card_json(const struct exposure_card *card);

/* The timeline's kind as a stable English word (JSON). */
const char *timeline_kind_code(enum timeline_kind k);

#endif
