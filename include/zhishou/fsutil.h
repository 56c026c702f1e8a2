/* fsutil: small file-system helpers shared by commands and the console. */
#ifndef ZHISHOU_FSUTIL_H
#define ZHISHOU_FSUTIL_H

#include <stddef.h>

/* mkdir -p: create dir and its missing parents with mode.  Returns 0, or
 * the errno of the first directory that could not be made; that directory
 * is written to failed (may be NULL). */
int fs_mkdirs(const char *dir, unsigned mode, char *failed, size_t failedsz);

/* Who may read a file zhishou writes. */
enum fs_access {
	FS_SHARED,    /* as any new file: 0666 less the umask (the statistics report) */
	/* Callers' data (exports): 0600, or 0640 owned by group when group is
	 * set (the [database] group, the same people who may open the
	 * database), whatever the umask: the reason a 0644 database is
	 * refused holds for every copy of what is in it. */
	FS_PRIVATE,
};

/* A file written whole or not at all: create a temporary file beside dest
 * with the access above (group: NULL or "" for none; FS_PRIVATE only),
 * write to fd, close it, then commit (fsync, rename over dest) or discard
 * (unlink).  The mode is set on the temporary file before a byte is
 * written, so dest never exists with a wider one. */
struct fs_tmpfile {
	char *path;   /* the temporary name */
	int fd;
};
struct zs_error;
int fs_tmp_create(const char *dest, enum fs_access access, const char *group, struct fs_tmpfile *t,
		  struct zs_error *err);
int fs_tmp_commit(struct fs_tmpfile *t, const char *dest, struct zs_error *err);
void fs_tmp_discard(struct fs_tmpfile *t);

/* Open path read-only; it must be a regular file (a folder, a FIFO or a
 * device is refused without blocking).  Returns the descriptor with *st
 * filled, or -1 with err naming the file: ZS_EINPUT when the name is wrong
 * (missing, a folder, no permission), ZS_EFAIL for a system failure. */
struct stat;
int fs_open_read(const char *path, struct stat *st, struct zs_error *err);

#endif
