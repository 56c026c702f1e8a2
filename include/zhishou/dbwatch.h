/* dbwatch: be woken when any process commits to the database, without
 * polling.  Every commit writes the -wal file (and a database in rollback
 * mode, or a checkpoint, writes the file itself): an inotify watch on their
 * directory sees it within milliseconds.  Shared by the relay and the
 * console.
 *
 * The WAL is written before the commit is published in the wal-index (-shm,
 * which inotify does not see), so a data_version check right at the event
 * can miss it: look again after each of DBWATCH_RECHECKS short delays.  A
 * filesystem that delivers no events (NFS) is caught by the caller's slow
 * fallback poll. */
#ifndef ZHISHOU_DBWATCH_H
#define ZHISHOU_DBWATCH_H

#include <stdbool.h>

#define DBWATCH_RECHECKS 3
/* After an event: look again this many ms after the previous look. */
extern const int dbwatch_recheck_ms[DBWATCH_RECHECKS];

struct dbwatch {
	int fd;             /* poll() it for POLLIN; -1: no watch (poll the data instead) */
	char wal[256];      /* the names inside the watched directory */
	char db[256];
};

/* Watch the directory of db_path (its real path: a symlinked database is
 * watched where it is written).  false (fd -1) when inotify is not there. */
bool dbwatch_open(struct dbwatch *w, const char *db_path);
/* Drain the pending events; true if the -wal or the database was written. */
bool dbwatch_touched(struct dbwatch *w);
void dbwatch_close(struct dbwatch *w);

#endif
