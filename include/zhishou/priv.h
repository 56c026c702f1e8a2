/* priv: the rights of the account that owns the shared database.
 *
 * Installed from the Debian package, /usr/bin/zhishou is setuid and setgid
 * to the system account zhishou (dpkg-statoverride, mode 6755), and only
 * that account can reach /var/lib/zhishou: an officer's shell cannot read
 * the database, its -wal or -shm with any other program, whatever zhishou
 * itself would let them see.  The officer is still the real user (getuid):
 * that is who zhishou says they are.
 *
 * The rights are the exception, not the rule.  priv_init, first thing in
 * main, sets the effective ids to the real ones: configuration, templates,
 * imports, exports, drafts, reports and the terminal are all reached as the
 * officer.  The account's rights come back only for the database the
 * system's own configuration names (priv_trust_db), and only while the
 * store touches its files: in the SQLite VFS that wraps the unix one
 * (store/vfs.c), around the store's own stat/create/chmod, and for the
 * console's inotify watch of the database's directory.  A database the
 * user names (--db, $ZHISHOU_DB, their own config) is opened with their
 * own rights.
 *
 * Why setuid and not setgid alone: SQLite creates the -wal and -shm with
 * the effective ids of whichever process opens the database first, so with
 * setgid alone the officer who happened to be first would own them (and
 * the first admin would own the database itself) and could read them.
 *
 * zhishou has one thread: effective ids are the process's, so a raise
 * covers nothing but the store's own call in progress.  The kernel marks a
 * setuid process undumpable, so the officer cannot trace it, read its
 * memory or take over its descriptors.
 *
 * Run without the bits (a build from source, the tests, the relay under
 * systemd's NoNewPrivileges) every call here changes nothing. */
#ifndef ZHISHOU_PRIV_H
#define ZHISHOU_PRIV_H

#include <stdbool.h>

/* The system configuration: root's, read as the user. */
#define PRIV_SYSTEM_CONFIG "/etc/zhishou/zhishou.conf"

/* Note the ids; when they differ, make sure fds 0-2 are open, keep only
 * the environment a console needs, and become the real user. */
void priv_init(void);
/* Started setuid or setgid (the ids differed at priv_init). */
bool priv_setid(void);
/* The database this process will open is the system's shared one: the
 * account's rights may be raised for it from now on.  Ignored unless
 * priv_setid(). */
void priv_trust_db(bool on);
bool priv_db_trusted(void);
/* The account's rights, around one touch of the trusted database's files;
 * nested calls count.  Both keep errno.  Without trust: nothing. */
void priv_raise(void);
void priv_lower(void);
/* The real user for good, before running another program. */
void priv_forget(void);

#endif
