/* model: the records of the night as C structs, shared by store and core.
 *
 * Strings are malloc'd and owned by the struct (free with the *_clear
 * functions); ids of 0 mean "none".  Instants are Unix seconds. */
#ifndef ZHISHOU_MODEL_H
#define ZHISHOU_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct unit {
	int64_t id;
	char *name;
	char *kind;
};

struct gala {
	int64_t id;
	char *name;
	int64_t starts_at, ends_at;
};

struct roster_entry {
	int64_t id;
	char *duty_date;   /* YYYY-MM-DD */
	int64_t unit_id;
	char *unit;        /* unit name (read side) */
	char *name, *title, *landline, *mobile;
	int64_t shift_start, shift_end;
	bool is_leader;
};

struct intake {
	int64_t id;
	int64_t received_at;
	char *channel, *kind, *caller, *phone, *subject, *uscc, *category;
	char *summary, *ref, *handling, *status, *notes, *created_by;
	int64_t exposure_id;
	char *exposure_title;     /* read side */
	int64_t transfer_unit_id;
	char *transfer_unit;      /* read side */
	int64_t duplicate_of;
	int64_t recovered_fen;    /* money recovered, in fen (0.01 yuan) */
	char *outcome;            /* a closed complaint's 调解结果: "" agreed no-agreement */
	char *odr_uscc;           /* handed to this business through ODR ("" if not) */
	char *odr_name;           /* read side: its name in the register ("" if not there) */
	char *platform_no;        /* its number on the 12315 platform ("" not yet entered) */
	char *platform_by;        /* the member (login) who entered it there */
	int64_t platform_at;      /* when (0: not yet) */
	bool confidential;        /* a tip whose tip-giver only the recorder and admins see */
	int64_t created_at, updated_at;
};

struct exposure {
	int64_t id;
	int64_t aired_at;
	char *title, *industry, *companies, *keywords, *local, *assist_units;
	int64_t lead_unit_id;
	char *lead_unit;          /* read side */
	int level;                /* 1 特别重大 … 4 一般 */
	char *status;
	int64_t deadline;
	int64_t created_at, updated_at;
	char *created_by;
	int64_t linked;           /* read side: linked intakes */
	/* Local involvement as the credit desk settled it (exposure_local_set):
	 * confirmed entities, who settled it and when (0: never); candidates:
	 * the register's matches found for it. */
	int64_t local_count, local_at, candidates;
	char *local_by;
};

struct exposure_action {
	int64_t id, exposure_id, at;
	char *kind;
	int64_t count;
	char *note, *by_user;
};

struct exposure_instruction {
	int64_t id, exposure_id, at;
	char *text, *by_user;
};

struct audit_row {
	int64_t id, at, entity_id;
	char *unix_user, *entity, *action, *fields, *before, *after;
	char *prev_hash, *hash;
};

/* An event for the chat robots (the outbox) and one robot's delivery of it. */
struct outbox_event {
	int64_t id, created_at, exposure_id;
	char *event;              /* exposure_new, level_raised … (see 002_relay.sql) */
	char *payload;            /* JSON facts: no caller, phone or complaint text */
};

struct delivery {
	int64_t id, outbox_id, attempts, next_at_ms, sent_at;
	char *robot, *state, *last_error;
	struct outbox_event ev;   /* read side */
};

/* A feed record that could not be used. */
struct quarantine_row {
	int64_t id, first_at, last_at, seen;
	char *feed, *order_no, *reason, *raw;
};

struct relay_lease {
	char host[256];
	int64_t pid;
	char unix_user[64];
	int64_t acquired_at, expires_at;
};

/* A shift handover (交接班): signed by the outgoing shift, accepted by the
 * incoming one. */
struct handover {
	int64_t id, signed_at, accepted_at;   /* accepted_at 0: not yet */
	char *signed_by, *names, *note, *snapshot;
	char *accepted_by, *accept_names, *dispute;
};

/* A member of the duty console: a Unix user with a role. */
struct member {
	char *unix_user, *name, *role;   /* role: operator, leader, admin */
	int64_t unit_id;
	char *unit;                      /* read side */
	int64_t added_at;
	char *added_by;
};

/* Which intakes a read returns (store and core reads). */
struct intake_filter {
	const char *channel, *kind, *status;  /* codes or NULL */
	bool unresolved;
	int64_t exposure_id;                  /* 0: any */
	int64_t since, until;                 /* 0: open-ended; [since, until) */
	/* Search terms, NULL-ended: each is in the subject, the summary or the
	 * reference, as a substring, ASCII case ignored (at most 16, of them at
	 * most 4 of 1-2 characters: the store's text index needs 3); NULL: any. */
	const char *const *terms;
	int64_t before_id;                    /* keyset: ids below this; 0: newest */
	int64_t id;                           /* this intake only; 0: any */
	const char *phone;                    /* the caller's phone, normalised; NULL: any */
	const char *phone_tail;               /* its last digits (LIKE-safe digits); NULL: any */
	/* Naming one business: its USCC, or its name where the intake gives no
	 * USCC (business_name may be NULL: by the code alone); NULL: any. */
	const char *business_uscc, *business_name;
	/* Not yet entered into the 12315 platform though the rule asks for it
	 * (core platform_pending; the store only narrows to platform_no ''). */
	bool not_on_platform;
	int limit;                            /* 0: no limit (exports) */
};

void unit_clear(struct unit *u);
void gala_clear(struct gala *g);
void roster_entry_clear(struct roster_entry *r);
void intake_clear(struct intake *i);
void exposure_clear(struct exposure *e);
void exposure_action_clear(struct exposure_action *a);
void exposure_instruction_clear(struct exposure_instruction *a);
void audit_row_clear(struct audit_row *a);
void outbox_event_clear(struct outbox_event *e);
void delivery_clear(struct delivery *d);
void quarantine_row_clear(struct quarantine_row *q);
void handover_clear(struct handover *h);
void member_clear(struct member *m);

/* Deep copies (for before/after comparisons); false on allocation failure. */
bool intake_copy(struct intake *dst, const struct intake *src);
bool exposure_copy(struct exposure *dst, const struct exposure *src);

#endif
