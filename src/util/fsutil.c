/* File-system helpers. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "zhishou/fsutil.h"

int fs_mkdirs(const char *dir, unsigned mode, char *failed, size_t failedsz)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
		return ENAMETOOLONG;
	for (char *p = tmp + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(tmp, (mode_t)mode) != 0 && errno != EEXIST) {
			int e = errno;
			if (failed)
				snprintf(failed, failedsz, "%s", tmp);
			return e;
		}
		if (!c)
			return 0;
		*p = c;
	}
}
