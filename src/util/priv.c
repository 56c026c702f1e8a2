/* The shared database account's rights: kept aside, raised only for the
 * trusted database's files (see priv.h for why and where). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "zhishou/priv.h"

static uid_t real_uid, acct_uid;
static gid_t real_gid, acct_gid;
static bool setid, trusted;
static int depth;

/* What a console and its commands read from the environment, and the
 * locale's.  Everything else (SQLITE_TMPDIR among them) goes: it would
 * steer code that runs with the account's rights.  glibc's secure mode has
 * already dropped LD_* and TMPDIR. */
static bool env_kept(const char *kv)
{
	static const char *const names[] = {
		"TERM", "COLUMNS", "LINES", "ESCDELAY", "NO_COLOR", "NCURSES_NO_UTF8_ACS", "LANG", "LANGUAGE",
		"TZ", "TZDIR", "HOME", "USER", "LOGNAME", "PATH", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
		"XDG_STATE_HOME", "SSH_CONNECTION", "SSH_TTY", NULL,
	};
	if (!strncmp(kv, "LC_", 3) || !strncmp(kv, "ZHISHOU_", 8))
		return true;
	size_t n = strcspn(kv, "=");
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncmp(kv, names[i], n))
			return true;
	return false;
}

static void sanitise_env(void)
{
	extern char **environ;
	size_t w = 0;
	for (size_t r = 0; environ && environ[r]; r++)
		if (strchr(environ[r], '=') && env_kept(environ[r]))
			environ[w++] = environ[r];
	if (environ)
		environ[w] = NULL;
}

/* A closed 0, 1 or 2 would make the next file opened (the database) the
 * one error messages are written into. */
static void standard_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
			if (n < 0 || (n != fd && (dup2(n, fd) < 0 || close(n))))
				_exit(127);
		}
}

static void die(const char *what)
{
	/* Never go on with rights we meant to put down. */
	fprintf(stderr, "zhishou: %s: %s\n", what, strerror(errno));
	_exit(70);
}

void priv_init(void)
{
	real_uid = getuid();
	real_gid = getgid();
	acct_uid = geteuid();
	acct_gid = getegid();
	setid = real_uid != acct_uid || real_gid != acct_gid;
	if (!setid)
		return;
	standard_fds();
	sanitise_env();
	if (setegid(real_gid) != 0 || seteuid(real_uid) != 0)
		die("cannot become the real user");
}

bool priv_setid(void)
{
	return setid;
}

void priv_trust_db(bool on)
{
	trusted = setid && on;
}

bool priv_db_trusted(void)
{
	return trusted;
}

void priv_raise(void)
{
	if (!trusted || depth++ > 0)
		return;
	int e = errno;
	/* Saved set-user/group-IDs: an unprivileged process may take them back. */
	if (seteuid(acct_uid) != 0 || setegid(acct_gid) != 0)
		die("cannot take the database account's rights");
	errno = e;
}

void priv_lower(void)
{
	if (!trusted || depth == 0 || --depth > 0)
		return;
	int e = errno;
	if (setegid(real_gid) != 0 || seteuid(real_uid) != 0)
		die("cannot become the real user");
	errno = e;
}

void priv_forget(void)
{
	if (!setid)
		return;
	if (setresgid(real_gid, real_gid, real_gid) != 0 || setresuid(real_uid, real_uid, real_uid) != 0)
		die("cannot give up the database account's rights");
	trusted = false;
	depth = 0;
}
