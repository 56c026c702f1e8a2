/* File-system helpers. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zhishou/error.h"
#include "zhishou/fsutil.h"
#include "zhishou/i18n.h"

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

int fs_tmp_create(const char *dest, enum fs_access access, const char *group, struct fs_tmpfile *t,
		  struct zs_error *err)
{
	t->path = NULL;
	t->fd = -1;
	const char *slash = strrchr(dest, '/');
	size_t dl = slash ? (size_t)(slash - dest) + 1 : 0;
	const char *base = slash ? slash + 1 : dest;
	if (!*base)
		return zs_fail(err, ZS_EINPUT, TR("-o 要给出文件名，不是目录：%s", "-o needs a file name, not a directory: %s"),
			       dest);
	gid_t gid = (gid_t)-1;
	if (access == FS_PRIVATE && group && *group) {
		struct group *g = getgrnam(group);
		if (!g)
			return zs_fail(err, ZS_EINPUT, TR("配置的用户组 %s 不存在", "configured group %s does not exist"),
				       group);
		gid = g->gr_gid;
	}
	size_t n = strlen(dest) + 16;
	if (!(t->path = malloc(n)))
		return zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	snprintf(t->path, n, "%.*s.%s.XXXXXX", (int)dl, dest, base);
	t->fd = mkstemp(t->path);   /* 0600 */
	if (t->fd < 0) {
		int e = errno;
		free(t->path);
		t->path = NULL;
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", dl ? (int)dl : 1, dl ? dest : ".");
		return zs_fail(err, ZS_EFAIL, TR("无法在目录 %s 写入文件：%s", "cannot write in %s: %s"), dir,
			       strerror(e));
	}
	mode_t mode;
	if (access == FS_SHARED) {
		/* The permissions a plain new file would get. */
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	} else {
		mode = gid != (gid_t)-1 ? 0640 : 0600;
	}
	if ((gid != (gid_t)-1 && fchown(t->fd, (uid_t)-1, gid) != 0) || fchmod(t->fd, mode) != 0) {
		int e = errno;
		if (access == FS_PRIVATE) {
			/* Callers' data is never left readable by the wrong people. */
			fs_tmp_discard(t);
			return zs_fail(err, ZS_EFAIL,
				       TR("无法设置文件权限（用户组 %s）：%s：%s", "cannot set the file's access (group %s): %s: %s"),
				       group && *group ? group : "-", dest, strerror(e));
		}
		/* FS_SHARED: not fatal, the file stays private (0600). */
	}
	return ZS_OK;
}

void fs_tmp_discard(struct fs_tmpfile *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->path)
		unlink(t->path);
	free(t->path);
	t->path = NULL;
	t->fd = -1;
}

/* fsync the (closed) temporary file and move it over dest. */
int fs_tmp_commit(struct fs_tmpfile *t, const char *dest, struct zs_error *err)
{
	int fd = open(t->path, O_RDONLY);
	bool ok = fd >= 0 && fsync(fd) == 0;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (ok && rename(t->path, dest) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(t->path);
		free(t->path);
		t->path = NULL;
		return zs_fail(err, ZS_EFAIL, TR("无法写入 %s：%s", "cannot write %s: %s"), dest, strerror(e));
	}
	free(t->path);
	t->path = NULL;
	return ZS_OK;
}

/* Every table reader opens its file here (fsutil.h). */
int fs_open_read(const char *path, struct stat *st, struct zs_error *err)
{
	/* O_NONBLOCK so a FIFO cannot hang us before we reject it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	const char *why = NULL;
	int e = 0;
	if (fd < 0 || fstat(fd, st) != 0) {
		e = errno;
		why = strerror(e);
	} else if (S_ISDIR(st->st_mode)) {
		why = TR("这是一个文件夹，不是文件", "it is a folder, not a file");
	} else if (!S_ISREG(st->st_mode)) {
		why = TR("不是普通文件", "not a regular file");
	}
	if (!why)
		return fd;
	if (fd >= 0)
		close(fd);
	/* A wrong name is the user's input; a disk failure is not. */
	zs_fail(err, !e || e == ENOENT || e == ENOTDIR || e == EACCES || e == EISDIR || e == ENAMETOOLONG ||
				     e == ELOOP ? ZS_EINPUT : ZS_EFAIL,
		TR("无法打开文件 %s：%s", "cannot open %s: %s"), path, why);
	return -1;
}
