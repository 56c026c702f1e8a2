/* fsutil: small file-system helpers shared by commands and the console. */
#ifndef ZHISHOU_FSUTIL_H
#define ZHISHOU_FSUTIL_H

#include <stddef.h>

/* mkdir -p: create dir and its missing parents with mode.  Returns 0, or
 * the errno of the first directory that could not be made; that directory
 * is written to failed (may be NULL). */
int fs_mkdirs(const char *dir, unsigned mode, char *failed, size_t failedsz);

/* A file written whole or not at all: create a temporary file beside dest
 * (mode as a new file would get), write to fd, close it, then commit
 * (fsync, rename over dest) or discard (unlink). */
struct fs_tmpfile {
	char *path;   /* the temporary name */
	int fd;
};
struct zs_error;
int fs_tmp_create(const char *dest, struct fs_tmpfile *t, struct zs_error *err);
int fs_tmp_commit(struct fs_tmpfile *t, const char *dest, struct zs_error *err);
void fs_tmp_discard(struct fs_tmpfile *t);

#endif
