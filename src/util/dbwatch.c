/* inotify on the database's directory, for "another process committed". */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "zhishou/dbwatch.h"
#include "zhishou/priv.h"

const int dbwatch_recheck_ms[DBWATCH_RECHECKS] = { 5, 25, 100 };

bool dbwatch_open(struct dbwatch *w, const char *db_path)
{
	w->fd = -1;
	w->wal[0] = w->db[0] = '\0';
	/* The file's own name and directory, through symlinks; a database not
	 * created yet keeps the path as given. */
	char real[PATH_MAX], dir[PATH_MAX];
	/* The directory may be the shared account's alone (priv.h). */
	priv_raise();
	snprintf(dir, sizeof dir, "%s", realpath(db_path, real) ? real : db_path);
	priv_lower();
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	if (!*base || strlen(base) + 5 > sizeof w->wal)
		return false;
	snprintf(w->db, sizeof w->db, "%s", base);
	snprintf(w->wal, sizeof w->wal, "%s-wal", base);
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		snprintf(dir, sizeof dir, "/");
	else
		*slash = '\0';
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	/* A directory watch: the -wal comes and goes with the last connection. */
	priv_raise();
	bool ok = w->fd >= 0 && inotify_add_watch(w->fd, dir, IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO) >= 0;
	priv_lower();
	if (!ok)
		dbwatch_close(w);
	return ok;
}

bool dbwatch_touched(struct dbwatch *w)
{
	if (w->fd < 0)
		return false;
	bool hit = false;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	while ((n = read(w->fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if (ev->len && (!strcmp(ev->name, w->wal) || !strcmp(ev->name, w->db)))
				hit = true;
			p += sizeof *ev + ev->len;
		}
	}
	return hit;
}

void dbwatch_close(struct dbwatch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
