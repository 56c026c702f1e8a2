/* A SQLite VFS over the unix one that takes the database account's rights
 * (priv.h) around every call that names a file or opens one behind a file
 * handle: opening the database, its -wal and -shm, the directory SQLite
 * syncs after creating the -wal, deleting the -wal when the last
 * connection leaves, SQLITE_FCNTL_HAS_MOVED's stat.  Reads, writes and
 * locks go through descriptors already open and need no rights.
 *
 * Registered as the default VFS before the first open, so every
 * connection the store makes goes through it.  Without priv_trust_db the
 * raise and lower are no-ops: the same code path in the tests as on a
 * bureau's server. */
#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

#include "store_internal.h"
#include "zhishou/priv.h"

struct pfile {
	sqlite3_file base;   /* pMethods: ours */
	sqlite3_file *real;  /* the unix VFS's handle, right after this struct */
};

static sqlite3_vfs *real_vfs;

#define REAL(f) (((struct pfile *)(f))->real)

static int p_close(sqlite3_file *f)
{
	/* Closing may unlink nothing itself (the VFS's xDelete does), but a
	 * close that releases the last lock can run the unix VFS's deferred
	 * closes: cheap to cover. */
	priv_raise();
	int rc = REAL(f)->pMethods->xClose(REAL(f));
	priv_lower();
	return rc;
}
static int p_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), b, n, o); }
static int p_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xWrite(REAL(f), b, n, o); }
static int p_truncate(sqlite3_file *f, sqlite3_int64 n) { return REAL(f)->pMethods->xTruncate(REAL(f), n); }
static int p_size(sqlite3_file *f, sqlite3_int64 *n) { return REAL(f)->pMethods->xFileSize(REAL(f), n); }
static int p_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int p_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int p_reserved(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int p_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int p_devchar(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int p_shmlock(sqlite3_file *f, int o, int n, int fl) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl); }
static void p_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
/* Memory-mapped reads came with version 3 of the methods: without them,
 * "no mapping" is an answer SQLite takes (it reads instead). */
static int p_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **pp)
{
	if (REAL(f)->pMethods->iVersion < 3) {
		*pp = NULL;
		return SQLITE_OK;
	}
	return REAL(f)->pMethods->xFetch(REAL(f), o, n, pp);
}
static int p_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p)
{
	return REAL(f)->pMethods->iVersion < 3 ? SQLITE_OK : REAL(f)->pMethods->xUnfetch(REAL(f), o, p);
}

/* These may open, stat or unlink a file by name. */
static int p_sync(sqlite3_file *f, int fl)
{
	priv_raise();
	int rc = REAL(f)->pMethods->xSync(REAL(f), fl);
	priv_lower();
	return rc;
}
static int p_fcntl(sqlite3_file *f, int op, void *arg)
{
	priv_raise();
	int rc = REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
	priv_lower();
	return rc;
}
static int p_shmmap(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	priv_raise();
	int rc = REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
	priv_lower();
	return rc;
}
static int p_shmunmap(sqlite3_file *f, int del)
{
	priv_raise();
	int rc = REAL(f)->pMethods->xShmUnmap(REAL(f), del);
	priv_lower();
	return rc;
}

static const sqlite3_io_methods p_methods = {
	3, p_close, p_read, p_write, p_truncate, p_sync, p_size, p_lock, p_unlock, p_reserved, p_fcntl,
	p_sector, p_devchar, p_shmmap, p_shmlock, p_barrier, p_shmunmap, p_fetch, p_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)vfs;
	struct pfile *p = (struct pfile *)f;
	p->real = (sqlite3_file *)(p + 1);
	priv_raise();
	int rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out);
	priv_lower();
	/* SQLite calls xClose only when pMethods is set: set it exactly when
	 * the real handle needs closing. */
	p->base.pMethods = p->real->pMethods ? &p_methods : NULL;
	return rc;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	priv_raise();
	int rc = real_vfs->xDelete(real_vfs, name, sync);
	priv_lower();
	return rc;
}

static int v_access(sqlite3_vfs *vfs, const char *name, int what, int *out)
{
	(void)vfs;
	priv_raise();
	int rc = real_vfs->xAccess(real_vfs, name, what, out);
	priv_lower();
	return rc;
}

static int v_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	priv_raise();
	int rc = real_vfs->xFullPathname(real_vfs, name, n, out);
	priv_lower();
	return rc;
}

static void *v_dlopen(sqlite3_vfs *vfs, const char *n) { (void)vfs; return real_vfs->xDlOpen(real_vfs, n); }
static void v_dlerror(sqlite3_vfs *vfs, int n, char *m) { (void)vfs; real_vfs->xDlError(real_vfs, n, m); }
static void (*v_dlsym(sqlite3_vfs *vfs, void *h, const char *s))(void) { (void)vfs; return real_vfs->xDlSym(real_vfs, h, s); }
static void v_dlclose(sqlite3_vfs *vfs, void *h) { (void)vfs; real_vfs->xDlClose(real_vfs, h); }
static int v_random(sqlite3_vfs *vfs, int n, char *b) { (void)vfs; return real_vfs->xRandomness(real_vfs, n, b); }
static int v_sleep(sqlite3_vfs *vfs, int us) { (void)vfs; return real_vfs->xSleep(real_vfs, us); }
static int v_time(sqlite3_vfs *vfs, double *t) { (void)vfs; return real_vfs->xCurrentTime(real_vfs, t); }
static int v_lasterr(sqlite3_vfs *vfs, int n, char *b) { (void)vfs; return real_vfs->xGetLastError(real_vfs, n, b); }
static int v_time64(sqlite3_vfs *vfs, sqlite3_int64 *t) { (void)vfs; return real_vfs->xCurrentTimeInt64(real_vfs, t); }

static sqlite3_vfs p_vfs = {
	.iVersion = 2,
	.zName = "zhishou",
	.xOpen = v_open,
	.xDelete = v_delete,
	.xAccess = v_access,
	.xFullPathname = v_fullpath,
	.xDlOpen = v_dlopen,
	.xDlError = v_dlerror,
	.xDlSym = v_dlsym,
	.xDlClose = v_dlclose,
	.xRandomness = v_random,
	.xSleep = v_sleep,
	.xCurrentTime = v_time,
	.xGetLastError = v_lasterr,
	.xCurrentTimeInt64 = v_time64,
};

int store_vfs_register(void)
{
	if (real_vfs)
		return SQLITE_OK;
	sqlite3_vfs *u = sqlite3_vfs_find(NULL);
	if (!u || u->iVersion < 2)
		return SQLITE_ERROR;
	p_vfs.szOsFile = (int)sizeof(struct pfile) + u->szOsFile;
	p_vfs.mxPathname = u->mxPathname;
	real_vfs = u;
	int rc = sqlite3_vfs_register(&p_vfs, 1);
	if (rc != SQLITE_OK)
		real_vfs = NULL;
	return rc;
}
