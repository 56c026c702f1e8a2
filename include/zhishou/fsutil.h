/* fsutil: small file-system helpers shared by commands and the console. */
#ifndef ZHISHOU_FSUTIL_H
#define ZHISHOU_FSUTIL_H

#include <stddef.h>

/* mkdir -p: create dir and its missing parents with mode.  Returns 0, or
 * the errno of the first directory that could not be made; that directory
 * is written to failed (may be NULL). */
int fs_mkdirs(const char *dir, unsigned mode, char *failed, size_t failedsz);

#endif
