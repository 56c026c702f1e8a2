/* relay: the one process that talks to the network.
 *
 * Drains the outbox to the chat robots and polls the 8890 feeds, inside a
 * single curl_multi_poll() loop that also watches the database's WAL file
 * (inotify) and a self-pipe for SIGTERM/SIGINT.  Idle, it sleeps until the
 * next thing is due.  A lease in the database lets only one relay work a
 * database at a time.  Each delivery, each feed page and each lease
 * renewal is a transaction of its own (a crash loses at most one). */
#ifndef ZHISHOU_RELAY_H
#define ZHISHOU_RELAY_H

#include <stdbool.h>
#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/relayconf.h"

struct relay_options {
	bool once;              /* do what is due now, then return */
	int64_t clock_offset;   /* seconds added to real time (demo night, tests) */
	const char *db_path;    /* to watch its -wal file */
	const char *unix_user;
};

/* Runs until SIGTERM/SIGINT (or, with once, until the due work is done).
 * ZS_EFAIL with a message naming the holder when another relay holds the
 * lease. */
int relay_run(struct zs_ctx *c, const struct relay_conf *rc, const struct relay_options *o,
	      struct zs_error *err);

#endif
