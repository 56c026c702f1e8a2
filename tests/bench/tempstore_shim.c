/* tempstore_shim: a diagnostic, not part of zhishou.
 *
 * LD_PRELOAD this into `zhishou log import` to run it with
 * PRAGMA temp_store=MEMORY (statement journals kept in memory) without
 * touching src/: it wraps sqlite3_busy_timeout, which the store calls
 * right after opening the connection.  run.sh uses it to show how much of
 * the import's time goes into spilling each row's statement journal to a
 * temporary file. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <sqlite3.h>

int sqlite3_busy_timeout(sqlite3 *db, int ms)
{
	static int (*real)(sqlite3 *, int);
	if (!real)
		real = (int (*)(sqlite3 *, int))dlsym(RTLD_NEXT, "sqlite3_busy_timeout");
	sqlite3_exec(db, "PRAGMA temp_store=MEMORY", 0, 0, 0);
	return real ? real(db, ms) : SQLITE_ERROR;
}
