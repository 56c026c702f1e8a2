/* error: how a failure travels from store/core up to a command or a view.
 *
 * One struct carries a class (which decides the exit status) and a message
 * already in the user's language, naming the field and what is wrong. */
#ifndef ZHISHOU_ERROR_H
#define ZHISHOU_ERROR_H

enum zs_status {
	ZS_STOP = -1,     /* a row callback's "enough": stops a read, not a failure */
	ZS_OK = 0,
	ZS_EFAIL = 1,     /* the system failed: disk, database, memory */
	ZS_EINPUT = 2,    /* the user's input is wrong: exit 2 */
	ZS_ENOTFOUND = 3, /* no such record: exit 2 as well */
	ZS_EPERM = 4,     /* the user's role does not allow it: exit 3 */
	/* The database server's connection went away (PostgreSQL): a write
	 * in flight may or may not have committed; its token tells after a
	 * reconnect (store_reconnect).  Exit 1. */
	ZS_ELOST = 5,
};

struct zs_error {
	int code;
	char msg[1024];
};

/* Fill e (may be NULL) and return code. */
int zs_fail(struct zs_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void zs_clear(struct zs_error *e);

/* The process exit status for an error class. */
int zs_exit_status(int code);

#endif
