/* write: a write that rides out a lost connection (issue 16).
 *
 * Against a server the connection can go in the middle of a write, even
 * after its COMMIT was sent: whether the write happened is then unknown.
 * The write carries a random token, recorded in its own transaction
 * (migration 010, with its first audit row); after reconnecting, the token
 * says whether it committed, and it is run again only if it did not.  So
 * a write that reports success is in the database exactly once, and one
 * that reports failure is not in it.  On a local SQLite file a commit's
 * outcome is always known and this is the write run once. */
#ifndef ZHISHOU_WRITE_H
#define ZHISHOU_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "zhishou/ctx.h"
#include "zhishou/error.h"

/* One write in one transaction (audited); *id the row it made (0 if none). */
typedef int (*write_fn)(struct zs_ctx *c, void *arg, int64_t *id, struct zs_error *err);

/* A write found by its token after a lost connection may have committed
 * on a primary that crashed before its synchronous standby had it (the
 * commit was never confirmed to anyone): visible there once it restarts,
 * and gone if the standby takes over after all.  A commit of our own on
 * that server waits, with synchronous replication, until the standby holds
 * everything up to it, that write included.  Called once a token is found;
 * ZS_ELOST: the token is to be asked again (on the server there is now). */
int write_confirm(struct zs_ctx *c, struct zs_error *err);

/* fn once, under token: a write with that token already committed is not
 * run again (*id its row, *done true, ZS_OK).  ZS_ELOST: the outcome is
 * unknown; call again with the same token once the database is back (the
 * console's forms keep the token for that). */
int write_once(struct zs_ctx *c, const char *token, write_fn fn, void *arg, int64_t *id, bool *done,
	       struct zs_error *err);

/* fn under a new token; after ZS_ELOST waits for a server (wait(ud) is told
 * once), reconnecting with backoff for up to STORE_STANDBY_WAIT_MS, and
 * resolves by the token before running fn again; a write the server undid
 * (ZS_ERETRY: a serialization failure or deadlock) is run again at once. */
int write_surely(struct zs_ctx *c, write_fn fn, void *arg, int64_t *id, void (*wait)(void *ud), void *ud,
		 struct zs_error *err);

/* The same for a write that records its token itself (an intake: the
 * console drafts' saved_draft, migration 005): resolve says whether the
 * write with token committed (*found) and the row it made. */
typedef int (*write_resolve_fn)(struct zs_ctx *c, const char *token, bool *found, int64_t *id,
				struct zs_error *err);
int write_surely_with(struct zs_ctx *c, const char *token, write_fn fn, void *arg, write_resolve_fn resolve,
		      int64_t *id, void (*wait)(void *ud), void *ud, struct zs_error *err);

#endif
