/* codes: the closed vocabularies of the night (channel, kind, status …).
 *
 * Stored as stable English codes, shown as Chinese (or English) labels;
 * input accepts the code or either label. */
#ifndef ZHISHOU_CODES_H
#define ZHISHOU_CODES_H

#include <stdbool.h>
#include <stddef.h>

struct code_label {
	const char *code;
	const char *zh;
	const char *en;
};

struct vocab {
	const char *field_zh;   /* "渠道" */
	const char *field_en;   /* "channel" */
	const struct code_label *items;
	size_t n;
};

extern const struct vocab vocab_channel;        /* 12315-hotline … other */
extern const struct vocab vocab_kind;           /* complaint tip inquiry */
extern const struct vocab vocab_status;         /* new … duplicate */
extern const struct vocab vocab_exposure_status;/* aired … no-local */
extern const struct vocab vocab_local;          /* unknown yes no */
extern const struct vocab vocab_level;          /* "1".."4" = 特别重大..一般 */
extern const struct vocab vocab_action;         /* officers checked … */
extern const struct vocab vocab_handling;       /* "" direct transfer */
extern const struct vocab vocab_outcome;        /* agreed no-agreement (调解结果) */
extern const struct vocab vocab_unit_kind;      /* 科室 所 队 中心 其他 */
extern struct vocab vocab_category;             /* filled from data/categories.txt by codes_init */

/* Index of s (code, Chinese or English label, case-insensitive for ASCII)
 * in v, or -1. */
int vocab_find(const struct vocab *v, const char *s);

/* The code for an input, or NULL. */
const char *vocab_code(const struct vocab *v, const char *s);

/* The label of a code in the current language (the code itself if unknown). */
const char *vocab_label(const struct vocab *v, const char *code);

/* "a, b, c" of the accepted labels in the current language, for messages. */
const char *vocab_choices(const struct vocab *v);

/* Load categories from the embedded data/categories.txt (once). */
void codes_init(void);

/* Intake statuses that still need work. */
bool status_is_open(const char *code);

/* Exposure statuses that are finished. */
bool exposure_status_is_closed(const char *code);

/* May an intake go from status a to status b? */
bool status_transition_ok(const char *from, const char *to);

#endif
