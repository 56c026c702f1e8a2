/* The database file: creation, identity, migrations, transactions. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store_internal.h"
#include "zhishou/priv.h"
#include "zhishou/embedded.h"
#include "zhishou/fsutil.h"
#include "zhishou/i18n.h"

/* 'zhsh': marks a file as ours, so another program's SQLite file is refused. */
#define ZHISHOU_APP_ID 0x7a687368

/* One numbering for both engines: step k of each is the same change. */
static const char *const migration_names[] = {
	"001_night.sql",
	"002_relay.sql",
	"003_morning.sql",
	"004_members.sql",
	"005_saved_drafts.sql",
	"006_register.sql",
	"007_credit_desk.sql",
	"008_other_desks.sql",
	"009_register_search.sql",
	"010_write_tokens.sql",
};
#define NMIGRATIONS ((int)(sizeof migration_names / sizeof migration_names[0]))

int store_schema_version(void) { return NMIGRATIONS; }

const char *store_migration(const char *driver, int k)
{
	static char name[64];
	if (k < 0 || k >= NMIGRATIONS)
		return NULL;
	snprintf(name, sizeof name, "migrations/%s%s", strcmp(driver, "sqlite") ? "pg/" : "", migration_names[k]);
	return name;
}

const char *store_path(const struct store *st) { return st->path; }
const char *store_user(const struct store *st) { return st->user; }

/* What the filesystem holding the database says, for errors SQLite can
 * only call "disk I/O error" or "unable to open database file" (opening a
 * WAL database creates its -shm, which fails on a full or read-only disk). */
enum fs_state { FS_OK, FS_FULL, FS_READONLY };

static enum fs_state fs_state_of(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	struct statvfs vs;
	priv_raise();
	int r = statvfs(dir, &vs);
	priv_lower();
	if (r != 0)
		return FS_OK;
	if (vs.f_flag & ST_RDONLY)
		return FS_READONLY;
	/* Less than a -shm file's first 32 KiB twice over. */
	if ((unsigned long long)vs.f_bavail * vs.f_frsize < 64 * 1024)
		return FS_FULL;
	return FS_OK;
}

static int fs_readonly_fail(struct store *st, struct zs_error *err)
{
	return zs_fail(err, ZS_EFAIL,
		       TR("数据库所在的文件系统是只读的（%s）：不能写入，已保存的记录没有变化；请系统管理员检查磁盘后重新挂载为可写",
			  "the filesystem holding the database (%s) is read-only: nothing can be written and nothing saved has changed; "
			  "ask the system administrator to check the disk and mount it read-write"),
		       st->path);
}

int store_sqlerr(struct store *st, struct zs_error *err, const char *what)
{
	int rc = sqlite3_errcode(st->db);
	enum fs_state fs = FS_OK;
	if (strcmp(st->path, ":memory:"))
		if (rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY)
			fs = fs_state_of(st->path);
	if (fs == FS_READONLY || st->fs_readonly)
		return fs_readonly_fail(st, err);
	if (rc == SQLITE_FULL || fs == FS_FULL)
		return zs_fail(err, ZS_EFAIL,
			       TR("磁盘已满（%s 所在的文件系统没有剩余空间）：这一次没有写入，已保存的记录不受影响；请腾出空间后重试",
				  "disk full (no space left where %s is): nothing was written this time and nothing saved is affected; "
				  "free some space and try again"),
			       st->path);
	if (rc == SQLITE_READONLY)
		return zs_fail(err, ZS_EFAIL, TR("数据库只读，%s 未能写入：%s", "database is read-only, %s not written: %s"),
			       what, sqlite3_errmsg(st->db));
	if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
		return zs_fail(err, ZS_EFAIL, TR("数据库文件已损坏（%s）：%s", "database file is damaged (%s): %s"),
			       what, sqlite3_errmsg(st->db));
	return zs_fail(err, ZS_EFAIL, TR("数据库错误（%s）：%s", "database error (%s): %s"), what,
		       sqlite3_errmsg(st->db));
}

static int exec(struct store *st, const char *sql, struct zs_error *err, const char *what)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int r = zs_fail(err, ZS_EFAIL, TR("数据库错误（%s）：%s", "database error (%s): %s"), what,
				msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return r;
	}
	return ZS_OK;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* busy_timeout covers most waits; this loop covers what it cannot (a
 * BEGIN IMMEDIATE that meets a checkpoint or a lock held past the timeout),
 * so an operator never sees "database is locked". */
static int exec_retry(struct store *st, const char *sql, struct zs_error *err, const char *what)
{
	for (int attempt = 0;; attempt++) {
		int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return ZS_OK;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= 50)
			return store_sqlerr(st, err, what);
		sleep_ms(5 + (attempt * 7) % 50);
	}
}

static bool sq_file_gone(struct store *st)
{
	struct stat sb;
	priv_raise();
	bool gone = st->has_file && (stat(st->path, &sb) != 0 || (uint64_t)sb.st_dev != st->dev || (uint64_t)sb.st_ino != st->ino);
	priv_lower();
	return gone;
}

static int sq_begin(struct store *st, struct zs_error *err)
{
	/* A process that opened the file before it was deleted (or replaced)
	 * would write into an inode nobody will ever read again. */
	if (store_file_gone(st))
		return zs_fail(err, ZS_EFAIL,
			       TR("数据库文件 %s 已被删除或替换：这一次没有保存（草稿仍在）；请重新启动值守台",
				  "the database file %s was deleted or replaced: nothing was saved (a draft stays); restart zhishou"),
			       st->path);
	if (st->fs_readonly)
		return fs_readonly_fail(st, err);
	return exec_retry(st, "BEGIN IMMEDIATE", err, "BEGIN");
}

static int sq_quick_check(struct store *st, char *why, size_t n, struct zs_error *err)
{
	sqlite3_stmt *s = NULL;
	why[0] = '\0';
	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL) != SQLITE_OK) {
		/* A file too damaged to even prepare on is damaged. */
		snprintf(why, n, "%s", sqlite3_errmsg(st->db));
		zs_clear(err);
		return ZS_OK;
	}
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		if (t && strcmp((const char *)t, "ok"))
			snprintf(why, n, "%s", (const char *)t);
	} else {
		snprintf(why, n, "%s", sqlite3_errmsg(st->db));
	}
	sqlite3_finalize(s);
	return ZS_OK;
}

void store_set_clock(struct store *st, const int64_t *now)
{
	st->now = now;
}

static int sq_read_begin(struct store *st, struct zs_error *err)
{
	return exec_retry(st, "BEGIN", err, "BEGIN");
}

static void sq_read_end(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}

static int sq_commit(struct store *st, struct zs_error *err)
{
	int r = exec_retry(st, "COMMIT", err, "COMMIT");
	if (r != ZS_OK)
		store_rollback(st);
	return r;
}

static void sq_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static int64_t sq_data_version(struct store *st)
{
	static const char sql[] = "PRAGMA data_version";
	return store_count(st, sql, NO_VALS);
}

static int sq_watch_fd(struct store *st)
{
	(void)st;
	return -1;
}

static enum store_lock sq_relay_lock(struct store *st)
{
	(void)st;
	return STORE_LOCK_NONE;
}

static int sq_reconnect(struct store *st, struct zs_error *err)
{
	(void)st;
	(void)err;
	return ZS_OK;
}

static void sq_set_patient(struct store *st, bool on)
{
	(void)st;
	(void)on;
}

static bool sq_lost(struct store *st)
{
	(void)st;
	return false;
}

static int64_t sq_local_changes(struct store *st)
{
	return sqlite3_total_changes64(st->db);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SQLite's default handler sleeps in steps of up to 100 ms, so with eight
 * writers on two cores a waiter oversleeps the moment the lock is free.
 * Short, randomised sleeps keep the tail latency of one add low without
 * making waiters collide in step. */
static int busy_handler(void *ud, int count)
{
	struct store *st = ud;
	int64_t now = mono_ms();
	if (count == 0)
		st->busy_since_ms = now;
	if (now - st->busy_since_ms >= st->busy_ms)
		return 0;
	st->rng = st->rng * 1103515245u + 12345u;
	int ms = 1 + (int)((st->rng >> 16) % (count < 10 ? 3u : 8u));
	sleep_ms(ms);
	return 1;
}

/* The WAL is checkpointed by whoever commits, as SQLite does by default
 * (PASSIVE, from 1000 pages).  A passive checkpoint never waits, so on a
 * busy night, with consoles reading after every commit, some reader is
 * always inside the WAL when the next writer arrives; the log is never
 * started again from its beginning and grows by every commit (the soak,
 * 50 consoles and 10 writers for ten minutes: 1.57 GB).  Once it passes
 * WAL_RESTART_PAGES, a commit waits a little for the readers instead:
 * RESTART blocks new writers, copies everything back, waits until every
 * reader has left the WAL (new readers then read the database file, so
 * the wait ends as soon as the readers of the moment finish, which takes
 * milliseconds) and the next commit writes from the start of the file,
 * which journal_size_limit then cuts back.  The wait is capped so that a
 * reader that stays (someone's `sqlite3` shell) costs a writer no more
 * than WAL_RESTART_WAIT_MS; the next commit tries again. */
enum { WAL_PASSIVE_PAGES = 1000, WAL_RESTART_PAGES = 4096, WAL_RESTART_WAIT_MS = 200 };

static int wal_hook(void *ud, sqlite3 *db, const char *name, int pages)
{
	struct store *st = ud;
	if (pages >= WAL_RESTART_PAGES) {
		int busy = st->busy_ms;
		st->busy_ms = WAL_RESTART_WAIT_MS;
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
		st->busy_ms = busy;
	} else if (pages >= WAL_PASSIVE_PAGES) {
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	/* The commit has happened either way: a checkpoint that could not
	 * finish is not the writer's error. */
	return SQLITE_OK;
}

static int pragma_int(struct store *st, const char *sql, int *out)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite3_errcode(st->db);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Create the file ourselves with the configured mode (umask would narrow
 * it) so that every Unix user of the duty group can open it.  SQLite gives
 * the -wal and -shm files the same mode as the database. */
static int create_file(const char *path, unsigned mode, const char *group, struct zs_error *err)
{
	gid_t gid = (gid_t)-1;
	if (group && *group) {
		struct group *g = getgrnam(group);
		if (!g)
			return zs_fail(err, ZS_EINPUT, TR("配置的用户组 %s 不存在", "configured group %s does not exist"), group);
		gid = g->gr_gid;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
	if (fd < 0) {
		if (errno == EEXIST)
			return ZS_OK;
		return zs_fail(err, ZS_EFAIL, TR("无法创建数据库文件 %s：%s", "cannot create database file %s: %s"),
			       path, strerror(errno));
	}
	if ((gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) != 0) || fchmod(fd, (mode_t)mode) != 0) {
		int e = errno;
		close(fd);
		unlink(path);
		return zs_fail(err, ZS_EFAIL, TR("无法设置数据库文件权限 %s：%s", "cannot set mode of %s: %s"),
			       path, strerror(e));
	}
	close(fd);
	return ZS_OK;
}

/* Is this file ours (or empty)?  Reads only, so a text file or another
 * program's database is refused before anything is written to it. */
static int check_identity(struct store *st, struct zs_error *err)
{
	/* One statement, one snapshot: another process may be committing the
	 * first migration while we look, and the version, the id and the
	 * tables must all be read from the same state. */
	static const char sql[] =
		"SELECT (SELECT user_version FROM pragma_user_version), "
		"(SELECT application_id FROM pragma_application_id), count(*) FROM sqlite_master";
	int version = 0, app = 0, tables = 0;
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		version = sqlite3_column_int(s, 0);
		app = sqlite3_column_int(s, 1);
		tables = sqlite3_column_int(s, 2);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_OK) {
		if (sqlite3_errcode(st->db) == SQLITE_NOTADB)
			return zs_fail(err, ZS_EINPUT, TR("%s 不是 zhishou 数据库（不是 SQLite 文件）",
							  "%s is not a zhishou database (not an SQLite file)"),
				       st->path);
		return store_sqlerr(st, err, "open");
	}
	if (app != ZHISHOU_APP_ID && (app != 0 || tables > 0))
		return zs_fail(err, ZS_EINPUT, TR("%s 不是 zhishou 数据库（是别的程序的 SQLite 文件）",
						  "%s is not a zhishou database (another program's SQLite file)"),
			       st->path);
	if (version > NMIGRATIONS)
		return zs_fail(err, ZS_EFAIL,
			       TR("数据库 %s 来自更新版本的 zhishou（结构版本 %d，本程序只支持到 %d），请升级 zhishou 后再打开",
				  "database %s comes from a newer zhishou (schema %d, this program knows up to %d); upgrade zhishou"),
			       st->path, version, NMIGRATIONS);
	return ZS_OK;
}

/* Each step runs in its own write transaction and reads the version inside
 * it, so several processes opening a new database at once apply every step
 * exactly once. */
static int bootstrap_admin(struct store *st, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO member(unix_user, name, role, added_at, added_by) VALUES (?1, ?1, 'admin', ?2, ?1)";
	/* A new test or demo database starts on its own clock, like every
	 * later row; an older one migrated here joins its admin now. */
	int64_t at = st->created && st->created_at ? st->created_at : (int64_t)time(NULL);
	int r = store_run(st, sql, VALS(V_TEXT(st->user), V_INT(at)), err, "member");
	if (r)
		return r;
	/* Becoming admin is audited like every member added later (the same
	 * fields as core's member add). */
	json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "unix_user", st->user, "name", st->user, "role", "admin",
			      "unit_id", (json_int_t)0);
	char *after = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!after)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	const int64_t *clock = st->now;
	st->now = &at;
	r = store_audit(st, "member", 0, "add", "", "", after, err);
	st->now = clock;
	free(after);
	return r;
}

/* The settings a new database is made with, in its creating transaction. */
static int write_new_settings(struct store *st, const char *const *kv, struct zs_error *err)
{
	for (; kv && kv[0] && kv[1]; kv += 2) {
		int r = store_setting_set(st, kv[0], kv[1], err);
		if (r)
			return r;
	}
	return ZS_OK;
}

int store_migration_extras(struct store *st, int version, const char *const *new_settings, struct zs_error *err)
{
	int r = ZS_OK;
	if (version == 0)
		st->created = true;
	if (st->bare)
		return ZS_OK;
	if (version == 0) {
		r = write_new_settings(st, new_settings, err);
	}
	/* Whoever creates the members table (by creating or migrating the
	 * database) is its first admin: someone must be able to add the
	 * others. */
	if (!r && !strcmp(migration_names[version], "004_members.sql"))
		r = bootstrap_admin(st, err);
	return r;
}

static int migrate_step(struct store *st, const char *const *new_settings, struct zs_error *err);
static int foreign_keys_broken(struct store *st, struct zs_error *err);

static int migrate(struct store *st, bool readonly, const char *const *new_settings, struct zs_error *err)
{
	for (;;) {
		int version = 0;
		if (pragma_int(st, "PRAGMA user_version", &version) != SQLITE_OK)
			return store_sqlerr(st, err, "user_version");
		if (version >= NMIGRATIONS)
			return ZS_OK;
		if (readonly)
			return zs_fail(err, ZS_EFAIL, TR("数据库 %s 需要升级结构，但以只读方式打开", "database %s needs migrating but is open read-only"),
				       st->path);
		/* A step may rebuild a table others refer to (SQLite's way to
		 * change a CHECK): foreign keys are off while it runs, as SQLite's
		 * ALTER TABLE procedure says (the pragma does nothing inside a
		 * transaction), and checked whole before it commits. */
		sqlite3_exec(st->db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
		int r = migrate_step(st, new_settings, err);
		sqlite3_exec(st->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
		if (r == ZS_STOP)
			return ZS_OK;
		if (r)
			return r;
		/* Each step copied into the file before the next, so a new
		 * database's log holds one step at a time, not every step: on a
		 * small or nearly full disk the file and the whole history in the
		 * log did not fit together, and the checkpoint at close failed.
		 * Not an error when it cannot finish (the step is committed). */
		sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
}

/* Rows that refer to a row that is not there (PRAGMA foreign_key_check). */
static int foreign_keys_broken(struct store *st, struct zs_error *err)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK)
		return store_sqlerr(st, err, "foreign_key_check");
	int rc = sqlite3_step(s);
	char table[128] = "";
	if (rc == SQLITE_ROW)
		snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return zs_fail(err, ZS_EFAIL, TR("升级数据库结构后 %s 表有引用不到的行，已撤销这次升级，数据没有变化",
						 "after migrating, table %s has rows referring to nothing: the migration was undone, nothing changed"),
			       table);
	return rc == SQLITE_DONE ? ZS_OK : store_sqlerr(st, err, "foreign_key_check");
}

/* One migration in its own transaction; ZS_STOP when another process
 * migrated first. */
static int migrate_step(struct store *st, const char *const *new_settings, struct zs_error *err)
{
	int version = 0;
	int r = store_begin(st, err);
	if (r)
		return r;
	if (pragma_int(st, "PRAGMA user_version", &version) != SQLITE_OK) {
		store_rollback(st);
		return store_sqlerr(st, err, "user_version");
	}
	if (version >= NMIGRATIONS) {
		store_rollback(st);
		return ZS_STOP;
	}
	const char *name = store_migration("sqlite", version);
	const struct embedded_file *f = embedded_find(name);
	if (!f) {
		store_rollback(st);
		return zs_fail(err, ZS_EFAIL, "missing embedded %s", name);
	}
	r = exec(st, f->data, err, name);
	if (!r)
		r = store_migration_extras(st, version, new_settings, err);
	if (!r) {
		char sql[96];
		/* user_version cannot be bound; version is our own integer. */
		snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
			 ZHISHOU_APP_ID, version + 1);
		r = exec(st, sql, err, "user_version");
	}
	if (!r)
		r = foreign_keys_broken(st, err);
	if (!r)
		r = store_commit(st, err);
	if (r)
		store_rollback(st);
	return r;
}

/* The database file and the two side files SQLite keeps beside it in WAL
 * mode: FILE_DB, then FILE_WAL and FILE_SHM. */
enum { FILE_DB, FILE_WAL, FILE_SHM, FILE_COUNT };

/* The name of one of them in buf and its stat; false when it is not there. */
static bool stat_file(const char *path, int which, char (*buf)[4200], struct stat *st)
{
	static const char *const suffix[FILE_COUNT] = { "", "-wal", "-shm" };
	snprintf(*buf, sizeof *buf, "%s%s", path, suffix[which]);
	return stat(*buf, st) == 0;
}

/* Callers' phones and tip-givers live here: a database (or its -wal/-shm)
 * that every user may read or write is refused, with the fix.  Checked
 * before SQLite opens the file: opening reads the -wal into the -shm and
 * the last connection out checkpoints and deletes both, and a refusal must
 * leave every file as it was. */
static int check_modes(const char *path, struct zs_error *err)
{
	for (int k = FILE_DB; k < FILE_COUNT; k++) {
		char p[4200];
		struct stat ss;
		if (stat_file(path, k, &p, &ss) && (ss.st_mode & 0006))
			return zs_fail(err, ZS_EINPUT,
				       TR("%s 对所有用户可%s（权限 %04o）；值守数据含来电人信息，请执行：chmod o-rwx %s*",
					  "%s can be %s by every user (mode %04o); it holds callers' data: run chmod o-rwx %s*"),
				       p, (ss.st_mode & 0002) ? TR("写", "written") : TR("读", "read"),
				       (unsigned)(ss.st_mode & 07777), path);
	}
	return ZS_OK;
}

/* A WAL database on a filesystem mounted read-only, left closed (no -wal
 * with content, no -shm): SQLite cannot create the -shm and will not open
 * it.  Nothing can change the file there, so it is opened immutable (no
 * locks, no -shm) and read-only: every read works, every write is refused
 * saying why.  Not when a -wal holds commits: those are not in the file. */
/* The file opened immutable and read-only: no locks, no -wal or -shm
 * read, created or removed.  NULL if it cannot be. */
static sqlite3 *open_immutable(const char *path)
{
	/* A URI, so the path is percent-encoded (sqlite.org/uri.html). */
	size_t n = strlen(path);
	char *uri = malloc(3 * n + 32);
	if (!uri)
		return NULL;
	char *o = uri + sprintf(uri, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-_.~", *p))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	strcpy(o, "?immutable=1");
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static bool reopen_immutable(struct store *st)
{
	if (fs_state_of(st->path) != FS_READONLY)
		return false;
	char wal[4200];
	struct stat ws;
	if (stat_file(st->path, FILE_WAL, &wal, &ws) && ws.st_size > 0)
		return false;
	sqlite3 *db = open_immutable(st->path);
	if (!db)
		return false;
	store_cache_clear(st);
	sqlite3_close(st->db);
	st->db = db;
	sqlite3_busy_handler(st->db, busy_handler, st);
	sqlite3_extended_result_codes(st->db, 0);
	st->fs_readonly = true;
	return true;
}

/* SQLite creates the -wal and -shm with the database's mode but the
 * creating process's own group: the next member, in the duty group but not
 * in that one, could then not open the database at all ("unable to open
 * database file").  The side files this process made are given the
 * database's group (a member is in it, so chown may) while it has them. */
static void share_side_files(const char *path)
{
	struct stat db;
	if (stat(path, &db) != 0)
		return;
	for (int k = FILE_WAL; k < FILE_COUNT; k++) {
		char side[4200];
		struct stat ss;
		if (!stat_file(path, k, &side, &ss) || ss.st_uid != geteuid())
			continue;
		if (ss.st_gid != db.st_gid && chown(side, (uid_t)-1, db.st_gid) != 0)
			continue;   /* not in the database's group: nothing to share */
		if ((ss.st_mode & 0660) != (db.st_mode & 0660))
			chmod(side, (ss.st_mode & ~(mode_t)0660) | (db.st_mode & 0660));
	}
}

/* Why SQLite could not open the database, when it is a side file another
 * member made that this user may not use (a message that names the fix). */
static bool side_file_refused(const char *path, struct zs_error *err)
{
	for (int k = FILE_WAL; k < FILE_COUNT; k++) {
		char side[4200];
		struct stat ss;
		if (stat_file(path, k, &side, &ss) && faccessat(AT_FDCWD, side, R_OK | W_OK, AT_EACCESS) != 0) {
			struct group *g = getgrgid(ss.st_gid);
			/* Installed setuid, officers are in no group: the files
			 * are the account's, and only an administrator can mend them. */
			zs_fail(err, ZS_EFAIL,
				priv_db_trusted()
					? TR("无法打开 %s（属于用户组 %s，权限 %04o）：请系统管理员把它改回共用账户所有"
					     "（chown zhishou:zhishou，chmod 660）",
					     "cannot open %s (group %s, mode %04o): ask the system administrator to give it back "
					     "to the shared account (chown zhishou:zhishou, chmod 660)")
					: TR("无法打开 %s（属于用户组 %s，权限 %04o）：值班的每个成员都要在数据库的用户组里；"
					     "把数据库所在目录设为 setgid（chmod g+s 目录）可让新建的文件都归这个组",
					     "cannot open %s (group %s, mode %04o): every member on duty must be in the database's group; "
					     "a setgid directory (chmod g+s DIR) gives every new file that group"),
				side, g ? g->gr_name : "?", (unsigned)(ss.st_mode & 07777));
			return true;
		}
	}
	return false;
}

static int open_store(const char *path, const struct store_options *opt, struct store **out,
		      struct zs_error *err)
{
	*out = NULL;
	/* ":memory:" is a private database for tests (newsboat does the same). */
	bool memory = !strcmp(path, ":memory:");
	struct stat sb;
	bool exists = memory || stat(path, &sb) == 0;
	if (!exists && errno == EACCES)
		return zs_fail(err, ZS_EINPUT,
			       priv_setid() ? TR("无权访问数据库 %s：zhishou 只替 /etc/zhishou/zhishou.conf 指定的共用数据库取得权限",
						 "no access to database %s: zhishou takes the shared account's rights only for the database /etc/zhishou/zhishou.conf names")
					    : TR("无权访问数据库 %s：%s", "no access to database %s: %s"),
			       path, strerror(EACCES));
	if (!memory && exists && S_ISDIR(sb.st_mode))
		return zs_fail(err, ZS_EINPUT, TR("%s 是目录，不是数据库文件", "%s is a directory, not a database file"), path);
	if (!exists && !opt->create)
		return zs_fail(err, ZS_EINPUT, TR("数据库 %s 不存在；先运行 zhishou init", "database %s does not exist; run zhishou init first"), path);
	if (!exists && opt->readonly)
		return zs_fail(err, ZS_EINPUT, TR("数据库 %s 不存在", "database %s does not exist"), path);
	/* An empty file (an accident, a truncation) is no database: only init
	 * turns it into one, never a command that happened to be given it
	 * (whoever ran that would become the admin of a database nobody made). */
	if (!memory && exists && S_ISREG(sb.st_mode) && sb.st_size == 0 && !opt->create)
		return zs_fail(err, ZS_EINPUT, TR("数据库文件为空：%s；用 zhishou init 创建",
						  "database file is empty: %s; create it with zhishou init"), path);
	if (!exists) {
		int r = create_file(path, opt->mode ? opt->mode : 0660, opt->group, err);
		if (r)
			return r;
	}
	if (!memory) {
		int r = check_modes(path, err);
		if (r) {
			/* Another program's file (or a newer zhishou's) is called
			 * that first, as when its mode is fine: a look that opens
			 * nothing else and changes nothing. */
			struct store peek = { .db = open_immutable(path), .path = (char *)path };
			int id = peek.db ? check_identity(&peek, err) : ZS_OK;
			r = id ? id : check_modes(path, err);
			sqlite3_close(peek.db);
			return r;
		}
	}
	char wal[4200];
	struct stat ws;
	bool wal_found = !memory && stat_file(path, FILE_WAL, &wal, &ws);

	struct store *st = calloc(1, sizeof *st);
	if (!st)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	st->drv = &store_sqlite_driver;
	st->bare = opt->bare;
	st->path = strdup(path);
	st->user = strdup(opt->unix_user ? opt->unix_user : "?");
	st->wal_found = wal_found;
	int flags = (opt->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    SQLITE_OPEN_NOMUTEX;
	/* Only looking must leave no file behind, but a read-only connection
	 * makes a -wal and -shm and cannot remove them: a file that holds
	 * every commit (no -wal with content) is read immutable; one whose
	 * commits are in a -wal only through the -shm already there. */
	char shm[4200];
	struct stat ss;
	bool look = opt->readonly && !memory && !(wal_found && ws.st_size > 0);
	if (opt->readonly && !memory && !look && !stat_file(path, FILE_SHM, &shm, &ss)) {
		store_close(st);
		return zs_fail(err, ZS_EFAIL, TR("数据库 %s 的 -wal 没有 -shm，只读打开会创建文件",
						  "database %s has a -wal but no -shm: a read-only open would create files"), path);
	}
	if (look) {
		st->db = open_immutable(path);
		st->fs_readonly = st->db != NULL;
	}
	if (look ? !st->db : sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		if (!side_file_refused(path, err))
			zs_fail(err, ZS_EFAIL, TR("无法打开数据库 %s：%s", "cannot open database %s: %s"), path,
				st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(st);
		return err ? err->code : ZS_EFAIL;
	}
	st->busy_ms = opt->busy_ms > 0 ? opt->busy_ms : 5000;
	st->rng = (uint32_t)getpid() ^ (uint32_t)mono_ms();
	sqlite3_busy_handler(st->db, busy_handler, st);
	sqlite3_wal_hook(st->db, wal_hook, st);
	sqlite3_extended_result_codes(st->db, 0);
	store_entity_functions(st->db);   /* before the migrations: 009 calls zs_grams() */

	struct zs_error local;
	if (!err)
		err = &local;
	int r = check_identity(st, err);
	if (r && !memory && sqlite3_errcode(st->db) == SQLITE_CANTOPEN && reopen_immutable(st))
		r = check_identity(st, err);
	if (!r && !memory) {
		struct stat fs;
		if (stat(path, &fs) == 0) {
			st->has_file = true;
			st->dev = (uint64_t)fs.st_dev;
			st->ino = (uint64_t)fs.st_ino;
		}
	}
	if (!r && !opt->readonly && !memory && !st->fs_readonly)
		r = exec_retry(st, "PRAGMA journal_mode=WAL", err, "journal_mode");
	if (r && !memory) {
		struct zs_error why = { 0 };
		if (side_file_refused(path, &why) && err)
			*err = why;
	}
	if (!r)
		/* temp_store=MEMORY: statement journals of multi-page writes (and the
		 * import's staging table) stay off the disk.  journal_size_limit:
		 * when the WAL restarts (see wal_hook) the file is cut back to
		 * 64 MiB instead of staying as big as it once grew. */
		r = exec(st, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
			 "PRAGMA journal_size_limit=67108864", err,
			 "pragma");
	st->created_at = opt->created_at;
	if (!r)
		r = migrate(st, opt->readonly || st->fs_readonly, opt->new_settings, err);
	if (r) {
		/* The file is left alone even if we created it: another process
		 * may be opening it at the same moment, and an empty file is
		 * migrated by the next init. */
		store_close_refused(st);
		return r;
	}
	if (!memory && !opt->readonly && !st->fs_readonly)
		share_side_files(path);
	*out = st;
	return ZS_OK;
}

/* A PostgreSQL database is no file: it is there (its server says so when
 * it is opened), has no directory to make, and nothing of it is removed. */
bool store_file_exists(const char *path)
{
	if (store_is_pg_url(path))
		return true;
	/* access() would ask as the real user: the account's rights decide. */
	priv_raise();
	bool found = faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0;
	priv_lower();
	return found;
}

int store_make_dir(const char *path, char *failed, size_t failedsz)
{
	if (store_is_pg_url(path))
		return 0;
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	priv_raise();
	int e = fs_mkdirs(dir, 0770, failed, failedsz);
	priv_lower();
	return e;
}

void store_undo_new(const char *path, bool existed)
{
	if (store_is_pg_url(path))
		return;
	priv_raise();
	if (!existed || truncate(path, 0) != 0)
		unlink(path);
	for (int k = FILE_WAL; k < FILE_COUNT; k++) {
		char side[4200];
		struct stat ss;
		if (stat_file(path, k, &side, &ss))
			unlink(side);
	}
	priv_lower();
}

/* The store's own stat, create and chmod of the database's files, like
 * SQLite's through vfs.c, with the shared account's rights (priv.h). */
int store_sqlite_open(const char *path, const struct store_options *opt, struct store **out,
		      struct zs_error *err)
{
	if (store_vfs_register() != SQLITE_OK)
		return zs_fail(err, ZS_EFAIL, "sqlite3_vfs_register failed");
	priv_raise();
	int r = open_store(path, opt, out, err);
	priv_lower();
	return r;
}

static void sq_close(struct store *st, bool refused)
{
	/* A -wal that was there holds commits the file does not: it stays,
	 * unread into the file.  One this open created (empty) goes as usual
	 * with the last connection, as if we had never come. */
	if (refused && st->db && st->wal_found && !st->fs_readonly) {
		int persist = 1;
		sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
		sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	}
	store_cache_clear(st);
	if (st->db)
		sqlite3_close(st->db);
	st->db = NULL;
}

const struct store_driver store_sqlite_driver = {
	.name = "sqlite",
	.prepare = sq_prepare,
	.reset = sq_reset,
	.finalize = sq_finalize,
	.bind = sq_bind,
	.param_index = sq_param_index,
	.run = sq_run,
	.changes = sq_changes,
	.row_i64 = sq_row_i64,
	.row_text = sq_row_text,
	.row_columns = sq_row_columns,
	.column_name = sq_column_name,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	.data_version = sq_data_version,
	.watch_fd = sq_watch_fd,
	.relay_lock = sq_relay_lock,
	.reconnect = sq_reconnect,
	.lost = sq_lost,
	.set_patient = sq_set_patient,
	.local_changes = sq_local_changes,
	.quick_check = sq_quick_check,
	.file_gone = sq_file_gone,
	.close = sq_close,
};

bool store_created(const struct store *st)
{
	return st->created;
}

char *store_setting_get(struct store *st, const char *key)
{
	static const char sql[] = "SELECT value FROM setting WHERE key = ?";
	char *v = NULL;
	store_one(st, sql, VALS(V_TEXT(key)), store_read_text, &v, NULL, "setting");
	return v;
}

int store_setting_set(struct store *st, const char *key, const char *value, struct zs_error *err)
{
	static const char sql[] =
		"INSERT INTO setting(key, value) VALUES (?, ?) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	return store_run(st, sql, VALS(V_TEXT(key), V_TEXT(value)), err, "setting");
}
