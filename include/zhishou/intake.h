/* intake: complaints, tips and inquiries as the night logs them.
 *
 * Validates what an operator or a file gives (the same rules for the
 * console form, `log add` and `log import`), writes the intake and its audit
 * row in one transaction, and finds possible duplicates and matching
 * exposures. */
#ifndef ZHISHOU_INTAKE_H
#define ZHISHOU_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/model.h"

/* What was typed; NULL or "" means not given. */
struct intake_input {
	const char *at, *channel, *kind, *caller, *phone, *subject, *uscc, *category;
	const char *text, *ref, *exposure;
	bool confidential;     /* a tip whose tip-giver stays with the recorder and admins */
	const char *draft_token; /* the console draft this comes from (NULL: none); see intake_saved_draft */
};

/* Limits in characters (code points). */
enum {
	INTAKE_MAX_CALLER = 50, INTAKE_MAX_SUBJECT = 100, INTAKE_MAX_TEXT = 4000,
	INTAKE_MAX_REF = 64, INTAKE_MAX_NOTE = 2000,
};

struct intake_hints {
	int64_t dup_of;              /* possible duplicate of this intake, 0 if none */
	char dup_reason[256];
	int64_t suggest_exposure;    /* matching open exposure, 0 if none */
	char suggest_title[256];
};

/* Turn input into a validated, sanitised record (not stored).  Errors name
 * the field and what is wrong (ZS_EINPUT). */
int intake_from_input(struct zs_ctx *c, const struct intake_input *in, struct intake *out,
		      struct zs_error *err);

/* Duplicate and exposure hints for a record not yet stored (or stored: its
 * own id is skipped). */
int intake_hints(struct zs_ctx *c, const struct intake *i, struct intake_hints *h, struct zs_error *err);

/* Validate, store and audit one intake; fills *id and, if h, the hints.
 * With in->draft_token, a draft already saved is not logged again: *id is
 * the intake it became and the result ZS_EINPUT saying so. */
int intake_add(struct zs_ctx *c, const struct intake_input *in, int64_t *id,
	       struct intake_hints *h, struct zs_error *err);

/* The intake a console draft (its token) was saved as; *id 0 if not yet. */
int intake_saved_draft(struct zs_ctx *c, const char *token, int64_t *id, struct zs_error *err);

/* An add that failed with ZS_ELOST (the database connection went away,
 * perhaps at its COMMIT): connect again, then whether the add with this
 * token committed after all (*id its intake) or not (*id 0: add it
 * again, with the same token).  ZS_ELOST while no server answers. */
int intake_add_resolve(struct zs_ctx *c, const char *token, int64_t *id, struct zs_error *err);

/* intake_add that rides out a lost connection (a standby taking over):
 * the add carries a token (in's draft token, else a new one), and after
 * ZS_ELOST waits (wait(ud) is told, once), reconnects with backoff and
 * resolves by the token before adding again, for up to give_up_ms.  So
 * an add that returns an id is in the database exactly once. */
int intake_add_surely(struct zs_ctx *c, const struct intake_input *in, int64_t *id, struct intake_hints *h,
		      int give_up_ms, void (*wait)(void *ud), void *ud, struct zs_error *err);

/* outcome: a complaint's 调解结果 (vocab_outcome), only with it closed
 * (here or before); reopening clears it.  odr: hand the complaint to its
 * business through ODR (its USCC, or its name if exactly one register
 * entity has it, must be an ODR enterprise): handling transfer, status
 * transferred, the business the handling party, a signed note.
 * platform_no: its number on the 12315 platform (platform_set). */
struct intake_change {
	const char *status, *transfer, *note, *recovered, *exposure, *duplicate_of, *outcome, *platform_no;
	bool odr;
};
int intake_update(struct zs_ctx *c, int64_t id, const struct intake_change *ch, struct zs_error *err);

struct import_result {
	int64_t added, first_id, last_id;
	int64_t skipped_ref;   /* already present (same channel and reference) */
};
/* CSV, XLSX or JSON Lines (by content), all or nothing.  Bad rows are reported in
 * err with their line numbers (up to a few dozen). */
int intake_import(struct zs_ctx *c, const char *path, struct import_result *res, struct zs_error *err);

/* Money as typed in yuan ("12.5", "1,200", "120元") into fen. */
bool money_parse(const char *s, int64_t *fen);

/* The handling party as shown: "转交 <business>（ODR）" for a complaint
 * handed to its business through ODR, else the unit it was transferred
 * to ("" if none).  Written into buf (n bytes) when needed. */
const char *intake_handler(const struct intake *i, char *buf, size_t n);

/* JSON text of an intake with stable English keys (for audit and --format
 * json); mask hides caller and phone.  malloc'd. */
char *intake_json(const struct intake *i, bool mask);

#endif
