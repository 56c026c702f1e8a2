/* session: opening the database for a front end, and the one clock.
 *
 * A front end (a command, the console, the relay) never opens the store
 * itself: it hands core the path and what the configuration and the
 * operating system say, and gets back a context (zs_ctx) whose "now" core
 * has decided:
 *   - a real database runs on the system clock, whatever the environment
 *     says (an audit whose "when" its writer chooses is no evidence);
 *   - a demo night (init --demo marks it) replays 15 March from the moment
 *     it was created on;
 *   - a test database (init --test-clock marks it, in the transaction that
 *     creates it) takes a fixed instant from the front end (ZHISHOU_NOW).
 * A refusal of the file itself (missing, empty, world-readable, not a
 * zhishou database) comes before SQLite opens it and changes nothing; a
 * later one (not a member) closes without a checkpoint, so the file and
 * its -wal stay as they were.  The caller owns no transaction here: each
 * step opens and commits its own. */
#ifndef ZHISHOU_SESSION_H
#define ZHISHOU_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/member.h"

struct session_options {
	unsigned mode;         /* a new database's file mode ([database] mode) */
	const char *group;     /* a new database's group ([database] group), NULL: the creator's */
	const char *unix_user; /* who, from the operating system */
	int busy_ms;
	enum role need;        /* refuse a user below this role (ROLE_NONE: anyone) */
	const char *test_now;  /* a fixed "now" (ZHISHOU_NOW), honoured on a test database only */
	bool readonly;         /* only look (shell completion): never create, migrate or write */
	/* A database server with a standby (a multi-host URI) that does not
	 * answer is waited for, up to a minute: told once (NULL: silently). */
	void (*waiting)(void *ud);
	void *waiting_ud;
};

struct session_clock {
	int64_t offset;        /* ctx->now = real time + offset */
	bool demo;             /* a demo night's moving clock */
	bool test;             /* a test database's fixed clock */
	bool test_now_ignored; /* test_now was given but this is no test database */
};

/* Open an existing database (migrating an older one) and set ctx->st,
 * ctx->now and *clk.  On error ctx->st stays NULL. */
int session_open(const char *path, const struct session_options *o, struct zs_ctx *ctx,
		 struct session_clock *clk, struct zs_error *err);
void session_close(struct zs_ctx *ctx);

/* A demo night's filler (src/demo, above core, passed in by the front
 * end): writes the night into the new database through core's calls, with
 * c->now as its clock (it starts at the demo's epoch and may move it). */
typedef int (*session_fill_fn)(struct zs_ctx *c, void *ud, struct zs_error *err);

struct session_init_options {
	session_fill_fn demo;  /* fill a fictional 3·15 night (a new database only); NULL: none */
	void *demo_ud;
	int64_t demo_epoch;    /* the instant the demo night's clock starts from (and the file is made at) */
	bool test_clock;       /* mark a new database as a test one (fixed clock) */
};

enum session_made {
	SESSION_CREATED,       /* a new database (also in an empty file) */
	SESSION_UP_TO_DATE,    /* an existing one, migrated and checked whole */
	SESSION_DEMO_CREATED,  /* a new demo night */
	SESSION_DEMO_KEPT,     /* init --demo on a demo database: left as it is */
};

struct session_made_info {
	enum session_made made;
	int schema;            /* the schema version now */
	char shown[1024];      /* the database as messages name it (a server's URI without its parameters) */
};

/* `zhishou init`: create the database (and its directories), or migrate
 * and check an existing one; a demo night is filled, then marked as one,
 * and a failed fill leaves the file as it was (absent, or empty).  Closes
 * it again; ctx->st is NULL after. */
int session_init(const char *path, const struct session_options *o, const struct session_init_options *io,
		 struct zs_ctx *ctx, struct session_made_info *out, struct zs_error *err);

/* Move a demo night's clock to when (the night goes on from there: try the
 * morning review on the demo).  Only a demo database's, and an admin's;
 * ZS_EINPUT on any other database.  Its own transaction, audited. */
int session_demo_clock(struct zs_ctx *ctx, int64_t when, struct zs_error *err);

/* Copy the open database, every row and the audit chain, into target: a
 * new SQLite file, or an empty PostgreSQL database (a libpq URI), then
 * read both back and compare table by table (issue 16: moving a night).
 * An admin's, and audited in the source.  Nothing is left at target when
 * it fails but a PostgreSQL database's empty schema.  *rows: rows copied;
 * progress(table, rows, ud) after each table (may be NULL). */
int session_copy(struct zs_ctx *ctx, const char *target, const struct session_options *o,
		 void (*progress)(const char *table, int64_t rows, void *ud), void *ud, int64_t *rows,
		 struct zs_error *err);

#endif
