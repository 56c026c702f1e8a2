/* store: the only module that speaks SQL (and includes sqlite3.h).
 *
 * Owns the database file: its creation mode, the migrations, transactions
 * with bounded retry, prepared statements, and the audit chain.  Every read
 * that feeds a screen is keyset-paginated and streams rows to a callback so
 * memory never grows with the database.  A row callback returns 0 to go
 * on, ZS_STOP to stop early (the read then returns ZS_OK), anything else
 * to fail: the read returns that value as it is. */
#ifndef ZHISHOU_STORE_H
#define ZHISHOU_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zhishou/error.h"
#include "zhishou/model.h"

struct store;

/* The status lists the store's SQL (and the partial index intake_open of
 * migration 001, which SQLite uses only for this exact text) holds; they
 * are core's rules (codes.h status_is_open, exposure_status_is_closed), and
 * a unit test pins each to them. */
#define STORE_SQL_INTAKE_OPEN "('new','accepted','transferred','handling')"
#define STORE_SQL_EXPOSURE_CLOSED "('closed','no-local')"

/* How long a write rides out a server's standby taking over (the tuned
 * pg_auto_failover of tests/ha takes about 16 s at most). */
#define STORE_STANDBY_WAIT_MS 60000

struct store_options {
	unsigned mode;        /* file mode for a new database, e.g. 0660 */
	const char *group;    /* group owning a new database (NULL: the creator's) */
	bool create;          /* create the file if missing */
	bool readonly;        /* only look: nothing created, migrated or written (no -wal, no -shm) */
	const char *unix_user;/* who, for the audit (from the OS) */
	int busy_ms;          /* busy_timeout */
	/* Settings ("key", "value", ..., NULL) written in the transaction that
	 * creates the database, and only then: what a database is made for
	 * (a test clock) is decided once, by whoever creates it. */
	const char *const *new_settings;
	/* When a new database is made on its own clock (a test's ZHISHOU_NOW,
	 * a demo night's 21:40): its first admin joins then, and the audit
	 * says so; 0: the real time.  Only the creating open uses it. */
	int64_t created_at;
	/* A copy's target (store_copy): only the schema, no first admin and
	 * no settings; its rows all come from the copy. */
	bool bare;
	/* A server with a standby (a URI of several hosts) that answers none
	 * of them at open is tried again for up to STORE_STANDBY_WAIT_MS (a
	 * standby taking over); waiting(ud) is called once when it starts. */
	void (*waiting)(void *ud);
	void *waiting_ud;
};

/* The newest schema version this program knows. */
int store_schema_version(void);

/* Open (and, with create, create) a database, check it is zhishou's, and
 * migrate an older one.  A newer one is refused. */
int store_open(const char *path, const struct store_options *opt,
	       struct store **out, struct zs_error *err);
void store_close(struct store *st);
/* The database's own files before and after an open, touched with the
 * shared account's rights (priv.h) like everything else the store opens:
 * whether path exists; its directory and that directory's parents made
 * (0770; 0 or the errno, the directory that failed in failed); and a file
 * this process has just made undone (emptied if it existed before, else
 * removed, its -wal and -shm removed). */
bool store_file_exists(const char *path);
/* path names a database server's database (a PostgreSQL URI), not a file. */
bool store_is_server(const char *path);
int store_make_dir(const char *path, char *failed, size_t failedsz);
void store_undo_new(const char *path, bool existed);
/* Close after refusing to go on (not a member ...): no checkpoint, and a
 * -wal found at open is kept as it was, so the refusal changes no file
 * SQLite does not rebuild by itself (the -shm index). */
void store_close_refused(struct store *st);
/* This open created the database (applied its first migration). */
bool store_created(const struct store *st);
/* "sqlite" or "postgresql": which engine holds the database. */
const char *store_driver_name(const struct store *st);
const char *store_path(const struct store *st);
const char *store_user(const struct store *st);

/* The night's clock: audit rows are stamped with *now (the context's
 * "now", kept by its owner) instead of the real time.  In production the
 * two are the same; a demo night or a test replays its own clock, and its
 * history must read in that clock, not in today's date. */
void store_set_clock(struct store *st, const int64_t *now);

/* The file this store opened is no longer at its path (deleted or
 * replaced); writes are then refused. */
bool store_file_gone(struct store *st);

/* Write transactions: BEGIN IMMEDIATE with a bounded retry on SQLITE_BUSY. */
int store_begin(struct store *st, struct zs_error *err);
int store_commit(struct store *st, struct zs_error *err);
void store_rollback(struct store *st);

/* PRAGMA quick_check: why is "" when the file is sound, else its first
 * complaint.  ZS_EFAIL only when the check itself cannot run. */
int store_quick_check(struct store *st, char *why, size_t n, struct zs_error *err);

/* A read transaction: several reads see one snapshot. */
int store_read_begin(struct store *st, struct zs_error *err);
void store_read_end(struct store *st);

/* Changes whenever another connection commits (PRAGMA data_version). */
int64_t store_data_version(struct store *st);
/* A descriptor that becomes readable when another connection commits
 * (PostgreSQL: its notifications arrive on the connection's socket), for
 * a poll loop; then store_data_version tells.  -1: none (an SQLite file
 * is watched by its directory: dbwatch.h). */
int store_watch_fd(struct store *st);
/* Rows this connection has changed so far (its own commits do not move
 * data_version). */
int64_t store_local_changes(struct store *st);

/* settings */
char *store_setting_get(struct store *st, const char *key); /* malloc'd or NULL */
int store_setting_set(struct store *st, const char *key, const char *value, struct zs_error *err);

/* units */
int store_unit_find(struct store *st, const char *name, int64_t *id);  /* ZS_ENOTFOUND if none */
int store_unit_insert(struct store *st, const char *name, const char *kind, int64_t *id, struct zs_error *err);
typedef int (*store_unit_cb)(const struct unit *u, void *ud);
int store_unit_each(struct store *st, store_unit_cb cb, void *ud, struct zs_error *err);
char *store_unit_name(struct store *st, int64_t id);   /* malloc'd or NULL */

/* galas */
int store_gala_insert(struct store *st, struct gala *g, struct zs_error *err);
typedef int (*store_gala_cb)(const struct gala *g, void *ud);
int store_gala_each(struct store *st, store_gala_cb cb, void *ud, struct zs_error *err);

/* roster: insert or replace the entry for (date, unit, name) */
int store_roster_upsert(struct store *st, struct roster_entry *r, bool *replaced, struct zs_error *err);
typedef int (*store_roster_cb)(const struct roster_entry *r, void *ud);
/* date (may be NULL) filters by duty date; at != 0 keeps those on shift at
 * that instant.  Ordered by unit, leader first, name. */
int store_roster_each(struct store *st, const char *date, int64_t at,
		      store_roster_cb cb, void *ud, struct zs_error *err);

/* intakes */
typedef int (*store_intake_cb)(const struct intake *i, void *ud);
int store_intake_insert(struct store *st, struct intake *in, struct zs_error *err);
int store_intake_get(struct store *st, int64_t id, struct intake *out, struct zs_error *err);
int store_intake_update(struct store *st, const struct intake *in, struct zs_error *err);
int store_intake_each(struct store *st, const struct intake_filter *f,
		      store_intake_cb cb, void *ud, struct zs_error *err);
/* Intakes received in [since, until] with the same phone, business name
 * or business USCC as value (never an empty one); newest first, at most
 * limit. */
enum store_same { SAME_PHONE, SAME_SUBJECT, SAME_USCC };
/* The intake holding this 12315 platform number (*id 0: none). */
int store_intake_by_platform_no(struct store *st, const char *no, int64_t *id, struct zs_error *err);
int store_intake_same(struct store *st, enum store_same key, const char *value, int64_t since, int64_t until,
		      int limit, store_intake_cb cb, void *ud, struct zs_error *err);
/* Bulk import: validated rows are staged in a TEMP table and moved into
 * intake with one INSERT ... SELECT per batch, so SQLite pays the per-
 * statement costs (statement journal, FTS flush) once per batch, not per
 * row.  Inside the caller's transaction. */
int store_stage_begin(struct store *st, struct zs_error *err);
/* *dup: the same channel and reference were already staged (not added). */
int store_stage_add(struct store *st, const struct intake *in, bool *dup, struct zs_error *err);
/* Move the staged rows in; rows whose channel and reference already exist
 * are left out (*skipped).  Ids given are contiguous: [*first, *last]. */
int store_stage_flush(struct store *st, int64_t *first, int64_t *last, int64_t *added, int64_t *skipped,
		      struct zs_error *err);
/* A large import: intake's secondary indexes dropped before its rows and
 * made again once after them (store/bulk.c: the schema's own definitions),
 * in the caller's transaction.  The reference's index stays: each batch
 * reads it. */
int store_intake_bulk_begin(struct store *st, struct zs_error *err);
int store_intake_bulk_end(struct store *st, struct zs_error *err);


/* Counts for the board: one call per (channel, kind, status, linked) group
 * of intakes received in [since, until), read from the covering index. */
typedef int (*store_count_cb)(const char *channel, const char *kind, const char *status,
			      bool linked, int64_t n, void *ud);
int store_intake_count_groups(struct store *st, int64_t since, int64_t until,
			      store_count_cb cb, void *ud, struct zs_error *err);
/* One intake as the board counts it, for counters kept up to date from
 * what changed (core's board_tally). */
struct intake_group_row {
	int64_t id, received_at;
	const char *channel, *kind, *status;
	bool linked;
};
typedef int (*store_group_cb)(const struct intake_group_row *g, void *ud);
/* Received in [since, until) (from the covering index), or with an id
 * above after_id (since = until = 0), or the one intake id (only_id > 0). */
int store_intake_groups_each(struct store *st, int64_t since, int64_t until, int64_t after_id, int64_t only_id,
			     store_group_cb cb, void *ud, struct zs_error *err);
/* The earliest received_at after t (INT64_MAX when none). */
int64_t store_intake_first_after(struct store *st, int64_t t);
/* The highest intake id and audit row id (0 when there are none). */
int64_t store_intake_last_id(struct store *st);
int64_t store_audit_last_id(struct store *st);
/* Intakes changed by audit rows after after_id (updates; their ids, in
 * order, repeats included). */
typedef int (*store_changed_cb)(int64_t audit_id, int64_t intake_id, void *ud);
int store_intake_changed_each(struct store *st, int64_t after_id, store_changed_cb cb, void *ud, struct zs_error *err);

/* Totals per status over all time, kept by triggers (no scan). */
typedef int (*store_tally_cb)(const char *status, int64_t n, void *ud);
int store_intake_tally(struct store *st, store_tally_cb cb, void *ud, struct zs_error *err);
/* Intakes linked to one exposure (index range). */
int64_t store_intake_linked_count(struct store *st, int64_t exposure_id);

/* Console drafts saved as intakes (migration 005): the intake a draft's
 * token was saved as (*intake_id 0 if none), and recording one. */
int store_saved_draft_find(struct store *st, const char *token, int64_t *intake_id, struct zs_error *err);
int store_saved_draft_insert(struct store *st, const char *token, int64_t intake_id, struct zs_error *err);

/* Write tokens (migration 010, write_token.c): while a token is in use
 * (NULL or "" stops it), store_audit records it with the first audit row of
 * each write; store_write_token_find says whether a write with it committed
 * (*found) and the row it made (the audit row's entity id). */
void store_write_token_use(struct store *st, const char *token);
int store_write_token_find(struct store *st, const char *token, bool *found, int64_t *entity_id,
			   struct zs_error *err);

/* exposures */
int store_exposure_insert(struct store *st, struct exposure *e, struct zs_error *err);
int store_exposure_get(struct store *st, int64_t id, struct exposure *out, struct zs_error *err);
int store_exposure_update(struct store *st, const struct exposure *e, struct zs_error *err);
typedef int (*store_exposure_cb)(const struct exposure *e, void *ud);
/* open_only: not finished; ordered by level (1 first) then deadline. */
int store_exposure_each(struct store *st, bool open_only, const char *const *terms,
			store_exposure_cb cb, void *ud, struct zs_error *err);
int store_action_insert(struct store *st, struct exposure_action *a, struct zs_error *err);
typedef int (*store_action_cb)(const struct exposure_action *a, void *ud);
int store_action_each(struct store *st, int64_t exposure_id, store_action_cb cb, void *ud,
		      struct zs_error *err);
int store_instruction_insert(struct store *st, struct exposure_instruction *a, struct zs_error *err);
typedef int (*store_instruction_cb)(const struct exposure_instruction *a, void *ud);
int store_instruction_each(struct store *st, int64_t exposure_id, store_instruction_cb cb,
			   void *ud, struct zs_error *err);

/* outbox: events for the chat robots, added in the caller's transaction.
 * dedupe (may be NULL) makes an event of time once: *added is false when an
 * event with that key exists. */
int store_outbox_add(struct store *st, int64_t at, const char *event, int64_t exposure_id,
		     const char *dedupe, const char *payload, bool *added, struct zs_error *err);
typedef int (*store_outbox_cb)(const struct outbox_event *e, void *ud);
/* Events with id > after_id, oldest first, at most limit. */
int store_outbox_each_after(struct store *st, int64_t after_id, int limit, store_outbox_cb cb, void *ud,
			    struct zs_error *err);

int64_t store_outbox_last_id(struct store *st);

/* deliveries: one per (event, robot) */
int store_delivery_add(struct store *st, int64_t outbox_id, const char *robot, int64_t next_at_ms,
		       struct zs_error *err);
/* The oldest pending delivery for robot, with its event; ZS_ENOTFOUND if none. */
int store_delivery_next(struct store *st, const char *robot, struct delivery *out, struct zs_error *err);
/* Record an attempt's outcome: state pending (retry at next_at_ms), sent or failed. */
int store_delivery_record(struct store *st, int64_t id, const char *state, int64_t attempts,
			  int64_t next_at_ms, const char *last_error, int64_t sent_at, struct zs_error *err);
typedef int (*store_delivery_cb)(const struct delivery *d, void *ud);
/* Newest first; failed_only keeps state 'failed'; before_id 0: from the newest. */
int store_delivery_each(struct store *st, bool failed_only, int64_t before_id, int limit,
			store_delivery_cb cb, void *ud, struct zs_error *err);
int64_t store_delivery_count(struct store *st, const char *state);
/* Failed deliveries back to pending, due at now_ms: one (id) or all (id 0).
 * ZS_ENOTFOUND if id is not a failed delivery. */
int store_delivery_retry(struct store *st, int64_t id, int64_t now_ms, int64_t *n, struct zs_error *err);
/* Send times (sent_at) of robot's deliveries since t, oldest first, at most max. */
int store_delivery_sent_since(struct store *st, const char *robot, int64_t since, int64_t *times, int max,
			      int *n, struct zs_error *err);

/* After ZS_ELOST: connect again (a multi-host URI finds the server that
 * now takes writes); ZS_ELOST while none answers.  Nothing for a file. */
int store_reconnect(struct store *st, struct zs_error *err);
/* The connection is gone (until a statement or store_reconnect makes it
 * again); never for a file. */
bool store_lost(struct store *st);
/* Whether a statement that finds the server gone waits for a standby to
 * take over (a URI of several hosts; up to STORE_STANDBY_WAIT_MS) or fails
 * at once with ZS_ELOST.  On from the open (a command rides a failover
 * out); a console turns it off: it must never block, and tries again
 * each second by itself. */
void store_wait_for_standby(struct store *st, bool on);

/* Copy every row of src into dst, a database just made with
 * store_options.bare, in one transaction on dst, then read both back and
 * compare each table (count and content); progress(table, rows) after
 * each table.  Either engine to either. */
typedef void (*store_copy_cb)(const char *table, int64_t rows, void *ud);
int store_copy(struct store *src, struct store *dst, store_copy_cb progress, void *ud, struct zs_error *err);

/* The relay's lock in the engine itself, held by this connection until it
 * closes, so a relay that dies frees it at once wherever it ran: HELD (by
 * this connection), BUSY (another connection's, alive), or NONE where the
 * engine has no such lock (SQLite: the lease row alone decides). */
enum store_lock { STORE_LOCK_NONE, STORE_LOCK_HELD, STORE_LOCK_BUSY };
enum store_lock store_relay_lock(struct store *st);
/* The relay's lease (one row). */
int store_lease_get(struct store *st, struct relay_lease *out, struct zs_error *err); /* ZS_ENOTFOUND */
int store_lease_put(struct store *st, const struct relay_lease *l, struct zs_error *err);
int store_lease_drop(struct store *st, const char *host, int64_t pid, struct zs_error *err);

/* Digest marks: the linked total last reported per exposure. */
int store_digest_mark_get(struct store *st, int64_t exposure_id, int64_t *linked, int64_t *at);
int store_digest_mark_set(struct store *st, int64_t exposure_id, int64_t linked, int64_t at,
			  struct zs_error *err);

/* Feed quarantine: a record seen again bumps seen/last_at. */
int store_quarantine_add(struct store *st, const char *feed, const char *order_no, const char *reason,
			 const char *raw, int64_t at, struct zs_error *err);
typedef int (*store_quarantine_cb)(const struct quarantine_row *q, void *ud);
/* Newest first; feed NULL: all feeds. */
int store_quarantine_each(struct store *st, const char *feed, int64_t before_id, int limit,
			  store_quarantine_cb cb, void *ud, struct zs_error *err);
int64_t store_quarantine_count(struct store *st);

/* Feed state: a poll's outcome (error "" when it worked); added adds up. */
int store_feed_state_record(struct store *st, const char *feed, int64_t at, const char *error,
			    int64_t added, struct zs_error *err);

/* members */
int store_member_get(struct store *st, const char *unix_user, struct member *out, struct zs_error *err); /* ZS_ENOTFOUND */
/* Insert, or with update replace name/role/unit of an existing one (ZS_ENOTFOUND if absent). */
int store_member_put(struct store *st, const struct member *m, bool update, struct zs_error *err);
int store_member_delete(struct store *st, const char *unix_user, struct zs_error *err); /* ZS_ENOTFOUND */
typedef int (*store_member_cb)(const struct member *m, void *ud);
int store_member_each(struct store *st, store_member_cb cb, void *ud, struct zs_error *err);
int64_t store_member_count(struct store *st, const char *role);

/* handovers */
int store_handover_insert(struct store *st, struct handover *h, struct zs_error *err);
/* Record acceptance of handover id (only if not yet accepted): ZS_ENOTFOUND
 * when there is no such unaccepted handover. */
int store_handover_accept(struct store *st, int64_t id, int64_t at, const char *names, const char *dispute,
			  struct zs_error *err);
/* The newest handover; ZS_ENOTFOUND if none. */
int store_handover_last(struct store *st, struct handover *out, struct zs_error *err);
typedef int (*store_handover_cb)(const struct handover *h, void *ud);
/* Newest first, at most limit. */
int store_handover_each(struct store *st, int limit, store_handover_cb cb, void *ud, struct zs_error *err);
/* When an intake's status first became `status` (from the audit), or 0. */
int64_t store_intake_status_since(struct store *st, int64_t intake_id, const char *status);

/* The statistics report (src/store/report.c).  Intakes received in
 * [since, until) grouped by (handling, status): count and sum of
 * recovered_fen (a range on intake_board's received_at prefix). */
typedef int (*store_handling_cb)(const char *handling, const char *status, int64_t n, int64_t recovered_fen,
				 void *ud);
int store_report_handling_groups(struct store *st, int64_t since, int64_t until, store_handling_cb cb, void *ud,
				 struct zs_error *err);
/* Sum of exposure_action.count per kind for actions at [since, until). */
typedef int (*store_action_sum_cb)(const char *kind, int64_t sum, void *ud);
int store_report_action_sums(struct store *st, int64_t since, int64_t until, store_action_sum_cb cb, void *ud,
			     struct zs_error *err);
/* Exposures aired in [since, until). */
int store_report_exposures_aired(struct store *st, int64_t since, int64_t until, int64_t *n, struct zs_error *err);
/* Hand-entered rows (report_value) of one template and year. */
typedef int (*store_report_value_cb)(const char *row_key, const char *value, int64_t set_at, const char *set_by,
				     void *ud);
int store_report_value_each(struct store *st, const char *tmpl, int year, store_report_value_cb cb, void *ud,
			    struct zs_error *err);
/* *value malloc'd; ZS_ENOTFOUND when the row has no value. */
int store_report_value_get(struct store *st, const char *tmpl, int year, const char *row_key, char **value,
			   struct zs_error *err);
/* Insert or replace (set_by is the store's Unix user); in the caller's transaction. */
int store_report_value_set(struct store *st, const char *tmpl, int year, const char *row_key, const char *value,
			   int64_t at, struct zs_error *err);

/* The setting holding the audit chain's head: "ID HASH". */
#define AUDIT_HEAD_KEY "audit_head"

/* audit: append one row to the hash chain (inside the caller's transaction). */
int store_audit(struct store *st, const char *entity, int64_t entity_id, const char *action,
		const char *fields, const char *before, const char *after, struct zs_error *err);
typedef int (*store_audit_cb)(const struct audit_row *a, void *ud);
/* entity NULL: all rows; entity_id 0: every id of that entity.  Oldest first. */
int store_audit_each(struct store *st, const char *entity, int64_t entity_id,
		     int64_t after_id, int limit, store_audit_cb cb, void *ud, struct zs_error *err);
/* The hash a row should carry, given its fields and prev_hash (hex). */
void store_audit_hash(const struct audit_row *a, char out[65]);

#endif
