/* The PostgreSQL driver's connection: open, identity, migrations,
 * transactions and change notification (statements: pg_stmt.c).
 *
 * What SQLite's file gives the store, this gives it in PostgreSQL's way:
 *  - identity: a table zhishou_schema (one row: the application and the
 *    schema version) is what PRAGMA application_id and user_version are to
 *    the file; a database holding other tables and not that one is
 *    another program's, and is refused before anything is written;
 *  - one writer at a time: every write transaction first locks the audit
 *    chain's head (the setting row audit_head that store_audit rewrites)
 *    FOR UPDATE, as BEGIN IMMEDIATE takes SQLite's write lock.  Writers
 *    queue on that row and each one's reads then see every commit before
 *    it (READ COMMITTED), so the chain can never fork and the store's
 *    check-then-write steps stay as safe as on SQLite; with a single lock
 *    taken first there is nothing to deadlock on and nothing to retry;
 *  - another connection's commit: each write transaction sends NOTIFY
 *    before COMMIT, every connection LISTENs, and data_version counts the
 *    notifications that came from others.
 * Credentials are libpq's business: .pgpass, a service file, peer
 * authentication.  A password written into the connection URI is refused
 * (it would be on a command line, in a configuration file or in the
 * environment, where others can read it), and the URI shown in messages
 * is the one without its parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pg_internal.h"
#include "zhishou/backoff.h"
#include "zhishou/embedded.h"
#include "zhishou/i18n.h"
#include "zhishou/priv.h"

/* pg_advisory_xact_lock's key while the schema is made or migrated ('zhsh'). */
#define MIGRATE_LOCK "2053206888"
#define CHANNEL "zhishou"
/* pg_advisory_lock's key for the relay's lease ('zhrl'). */
#define RELAY_LOCK "2053206636"

struct pg_conn {
	PGconn *c;
	char *url;
	unsigned generation;
	unsigned names;
	int64_t changes;      /* rows the last INSERT, UPDATE or DELETE changed */
	int64_t total;        /* ... and all of them so far */
	int64_t at_begin;     /* total when the write transaction began */
	int64_t version;      /* notifications from other connections */
	unsigned relay_lock_gen;
	int begin_retries;
	bool several;         /* the URI names a primary and its standby */
	bool patient;         /* a lost server is waited for (a command; not a console, which must not block) */
	bool told;            /* waiting() was called */
	void (*waiting)(void *ud);
	void *waiting_ud;   /* the connection the relay's lock is held on (0: none) */
	bool in_tx;
};

PGconn *pg_conn_of(struct store *st) { return st->pg->c; }
unsigned pg_generation(struct store *st) { return st->pg->generation; }
unsigned pg_next_name(struct store *st) { return ++st->pg->names; }

/* PostgreSQL's message, its first line only (the rest is detail and
 * context: a statement's text, never something a person needs). */
static const char *first_line(const char *m, char *buf, size_t n)
{
	snprintf(buf, n, "%s", m ? m : "");
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int conn_lost(struct store *st, struct zs_error *err, const char *what)
{
	char m[512];
	st->pg->in_tx = false;   /* the server rolled back whatever had not committed */
	return zs_fail(err, ZS_ELOST, TR("数据库连接中断（%s）：%s", "lost the database connection (%s): %s"), what,
		       first_line(PQerrorMessage(st->pg->c), m, sizeof m));
}

bool pg_in_tx(struct store *st)
{
	return st->pg->in_tx;
}

bool pg_lost(struct store *st)
{
	return PQstatus(st->pg->c) != CONNECTION_OK;
}

int pg_result_check(struct store *st, PGresult *res, struct zs_error *err, const char *what)
{
	ExecStatusType s = PQresultStatus(res);
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
		const char *cmd = PQcmdStatus(res);
		if (!strncmp(cmd, "INSERT", 6) || !strncmp(cmd, "UPDATE", 6) || !strncmp(cmd, "DELETE", 6)) {
			st->pg->changes = strtoll(PQcmdTuples(res), NULL, 10);
			st->pg->total += st->pg->changes;
		}
		return ZS_OK;
	}
	if (!res || PQstatus(st->pg->c) == CONNECTION_BAD)
		return conn_lost(st, err, what);
	char m[512];
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01")))
		return zs_fail(err, ZS_ERETRY, TR("数据库为解决与另一写入的冲突撤销了这次操作（%s）：%s",
						  "the database undid this to resolve a conflict with another write (%s): %s"),
			       what, first_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), m, sizeof m));
	if (state && !strcmp(state, "55P03"))
		return zs_fail(err, ZS_EFAIL,
			       TR("另一个写入占用数据库超过 %d 毫秒，这一次没有写入；请稍后重试",
				  "another write held the database for over %d ms: nothing was written this time; try again"),
			       st->busy_ms);
	return zs_fail(err, ZS_EFAIL, TR("数据库错误（%s）：%s", "database error (%s): %s"), what,
		       first_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), m, sizeof m));
}

/* A statement without values; ZS_OK or err set. */
static int exec(struct store *st, const char *sql, struct zs_error *err, const char *what)
{
	PGresult *res = PQexec(st->pg->c, sql);
	int r = pg_result_check(st, res, err, what);
	PQclear(res);
	return r;
}

static int connect_db(struct store *st, struct zs_error *err);

/* Connect (again).  With a standby in the URI and a caller that may
 * wait, none answering is most likely a failover under way (tests/ha:
 * about 16 s at most): tried again with backoff for up to
 * STORE_STANDBY_WAIT_MS, said once through waiting(). */
static int connect_waiting(struct store *st, struct zs_error *err)
{
	struct pg_conn *p = st->pg;
	int r = connect_db(st, err);
	if (!r || !p->several || !p->patient)
		return r;
	if (!p->told && p->waiting)
		p->waiting(p->waiting_ud);
	p->told = true;
	struct backoff b;
	backoff_start(&b, STORE_STANDBY_WAIT_MS);
	while (r && backoff_wait(&b))
		r = connect_db(st, err);
	return r;
}

/* A connection already gone when nothing is in flight is made again
 * before the next statement: nothing can be lost by it. */
int pg_ensure(struct store *st, struct zs_error *err)
{
	return !st->pg->in_tx && pg_lost(st) ? connect_waiting(st, err) : ZS_OK;
}

static void pg_set_patient(struct store *st, bool on)
{
	st->pg->patient = on;
}

static int pg_reconnect(struct store *st, struct zs_error *err)
{
	return connect_db(st, err);   /* the caller keeps its own backoff (intake_add_surely) */
}

static int pg_begin(struct store *st, struct zs_error *err)
{
	int e = pg_ensure(st, err);
	if (e)
		return e;
	/* The head row: the writers' queue (see the top of this file).  A
	 * database whose chain has no head yet (only while it is made) is
	 * written under the migrations' lock instead. */
	static const char head[] = "SELECT value FROM setting WHERE key = '" AUDIT_HEAD_KEY "' FOR UPDATE";
	int r = exec(st, "BEGIN", err, "BEGIN");
	if (r)
		return r;
	st->pg->in_tx = true;
	st->pg->at_begin = st->pg->total;
	PGresult *res = PQexec(st->pg->c, head);
	r = pg_result_check(st, res, err, "BEGIN");
	if (!r && PQntuples(res) == 0)
		r = exec(st, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", err, "BEGIN");
	PQclear(res);
	if (r) {
		PQclear(PQexec(st->pg->c, "ROLLBACK"));
		st->pg->in_tx = false;
		/* Nothing was done yet: a conflict here (an outside session's
		 * deadlock) is simply tried again, a few times. */
		if (r == ZS_ERETRY && st->pg->begin_retries++ < 5) {
			r = pg_begin(st, err);
			st->pg->begin_retries = 0;
		}
	}
	return r;
}

static void pg_rollback(struct store *st)
{
	if (st->pg->in_tx)
		PQclear(PQexec(st->pg->c, "ROLLBACK"));
	st->pg->in_tx = false;
}

static int pg_commit(struct store *st, struct zs_error *err)
{
	int r = ZS_OK;
	if (st->pg->total != st->pg->at_begin)
		r = exec(st, "NOTIFY " CHANNEL, err, "COMMIT");
	if (!r) {
		PGresult *res = PQexec(st->pg->c, "COMMIT");
		r = pg_result_check(st, res, err, "COMMIT");
		/* COMMIT of a transaction that had failed answers ROLLBACK. */
		if (!r && strcmp(PQcmdStatus(res), "COMMIT"))
			r = zs_fail(err, ZS_EFAIL, TR("数据库错误（%s）：事务已回滚", "database error (%s): rolled back"),
				    "COMMIT");
		PQclear(res);
	}
	if (r)
		pg_rollback(st);
	st->pg->in_tx = false;
	return r;
}

static int pg_read_begin(struct store *st, struct zs_error *err)
{
	int r = pg_ensure(st, err);
	if (r)
		return r;
	r = exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", err, "BEGIN");
	if (!r)
		st->pg->in_tx = true;
	return r;
}

static void pg_read_end(struct store *st)
{
	if (st->pg->in_tx)
		PQclear(PQexec(st->pg->c, "COMMIT"));
	st->pg->in_tx = false;
}

static int64_t pg_data_version(struct store *st)
{
	struct pg_conn *p = st->pg;
	if (!PQconsumeInput(p->c) || pg_lost(st)) {
		/* Gone: notifications may have been missed while it was, so a
		 * new connection counts as a change (the caller reads again). */
		unsigned gen = p->generation;
		if (!pg_ensure(st, NULL) && p->generation != gen)
			p->version++;
		return p->version;
	}
	PGnotify *n;
	while ((n = PQnotifies(p->c))) {
		if (n->be_pid != PQbackendPID(p->c))
			p->version++;
		PQfreemem(n);
	}
	return p->version;
}

static int pg_watch_fd(struct store *st)
{
	return PQstatus(st->pg->c) == CONNECTION_OK ? PQsocket(st->pg->c) : -1;
}

/* The relay's lease as a session advisory lock: the server frees it when
 * the connection ends, however the relay ended. */
static enum store_lock pg_relay_lock(struct store *st)
{
	struct pg_conn *p = st->pg;
	if (p->relay_lock_gen == p->generation)
		return STORE_LOCK_HELD;
	PGresult *res = PQexec(p->c, "SELECT pg_try_advisory_lock(" RELAY_LOCK ")");
	enum store_lock l = STORE_LOCK_NONE;   /* no answer: the lease row decides */
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		l = !strcmp(PQgetvalue(res, 0, 0), "t") ? STORE_LOCK_HELD : STORE_LOCK_BUSY;
	PQclear(res);
	if (l == STORE_LOCK_HELD)
		p->relay_lock_gen = p->generation;
	return l;
}

static int64_t pg_changes(struct store *st) { return st->pg->changes; }
static int64_t pg_local_changes(struct store *st) { return st->pg->total; }
static bool pg_file_gone(struct store *st) { (void)st; return false; }

/* PostgreSQL keeps its own pages sound; what it can tell is whether a
 * page ever failed its checksum (on a cluster with data checksums). */
static int pg_quick_check(struct store *st, char *why, size_t n, struct zs_error *err)
{
	static const char sql[] =
		"SELECT coalesce(checksum_failures, 0) FROM pg_stat_database WHERE datname = current_database()";
	why[0] = '\0';
	int64_t failures = store_count(st, sql, NO_VALS);
	if (failures < 0)
		return zs_fail(err, ZS_EFAIL, TR("数据库错误（%s）：无法读取校验结果", "database error (%s): cannot read checks"),
			       "quick_check");
	if (failures > 0)
		snprintf(why, n, TR("PostgreSQL 报告 %lld 次数据页校验和错误", "PostgreSQL reports %lld data page checksum failures"),
			 (long long)failures);
	return ZS_OK;
}

static void pg_close(struct store *st, bool refused)
{
	(void)refused;
	/* The server frees the prepared statements with the connection: no
	 * DEALLOCATE for each (a round trip apiece) on the way out. */
	if (st->pg)
		st->pg->generation++;
	store_cache_clear(st);
	if (st->pg) {
		PQfinish(st->pg->c);
		free(st->pg->url);
		free(st->pg);
		st->pg = NULL;
	}
}

const struct store_driver store_pg_driver = {
	.name = "postgresql",
	.prepare = pgs_prepare,
	.reset = pgs_reset,
	.finalize = pgs_finalize,
	.bind = pgs_bind,
	.param_index = pgs_param_index,
	.run = pgs_run,
	.changes = pg_changes,
	.row_i64 = pgs_row_i64,
	.row_text = pgs_row_text,
	.row_columns = pgs_row_columns,
	.column_name = pgs_column_name,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.read_begin = pg_read_begin,
	.read_end = pg_read_end,
	.data_version = pg_data_version,
	.watch_fd = pg_watch_fd,
	.relay_lock = pg_relay_lock,
	.reconnect = pg_reconnect,
	.lost = pg_lost,
	.set_patient = pg_set_patient,
	.local_changes = pg_local_changes,
	.quick_check = pg_quick_check,
	.file_gone = pg_file_gone,
	.close = pg_close,
};

/* ---- opening ---------------------------------------------------------- */

/* The URI as messages show it: without its parameters (connect options,
 * and never a password: one there is refused anyway). */
static char *shown(const char *url)
{
	char *s = strdup(url);
	if (s) {
		s[strcspn(s, "?")] = '\0';
		/* user:password@ would never get here, but cut a user's
		 * password-looking part all the same. */
		char *at = strchr(s, '@'), *colon = strchr(s + 13, ':');
		if (at && colon && colon < at)
			memmove(colon, at, strlen(at) + 1);
	}
	return s;
}

/* The URI names more than one host (a primary and its standby). */
static bool several_hosts(const char *url)
{
	PQconninfoOption *opts = PQconninfoParse(url, NULL);
	bool several = false;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if ((!strcmp(o->keyword, "host") || !strcmp(o->keyword, "hostaddr")) && o->val && strchr(o->val, ','))
			several = true;
	PQconninfoFree(opts);
	return several;
}

static int refuse_password(const char *url, struct zs_error *err)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &msg);
	if (!opts) {
		char m[512];
		int r = zs_fail(err, ZS_EINPUT, TR("数据库连接串无效：%s", "invalid database connection URI: %s"),
				first_line(msg ? msg : "out of memory", m, sizeof m));
		PQfreemem(msg);
		return r;
	}
	bool password = false;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val)
			password = true;
	PQconninfoFree(opts);
	if (password)
		return zs_fail(err, ZS_EINPUT,
			       TR("数据库连接串里写了密码：命令行、配置文件和环境变量别人可能看得到，zhishou 不接受；"
				  "请把密码放进 ~/.pgpass（chmod 600）、PostgreSQL 的 service 文件，或用 peer 认证",
				  "the connection URI holds a password, which others may read on a command line, in a "
				  "configuration file or in the environment: zhishou refuses it; put the password in ~/.pgpass "
				  "(chmod 600) or a PostgreSQL service file, or use peer authentication"));
	return ZS_OK;
}

/* libpq's default prints the server's notices, and its own about a server
 * that went away mid-session ("message type 0x45 arrived from server while
 * idle"), to stderr: over a console's screen that is text ncurses does not
 * know of, which scrolls the screen under it (the failover drill's consoles
 * showed it), and it is the server's text unsanitised.  zhishou asks for
 * nothing a notice tells; what matters comes back as a result's error. */
static void no_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int connect_db(struct store *st, struct zs_error *err)
{
	const char *keys[] = { "dbname", "fallback_application_name", "client_encoding", NULL };
	const char *vals[] = { st->pg->url, "zhishou", "UTF8", NULL };
	/* Installed setuid, the server's database that /etc/zhishou/zhishou.conf
	 * names is reached as the shared account, as its SQLite file is: peer
	 * authentication sees the account, and a passfile or key it owns is
	 * read with its rights.  An officer's own psql gets none of it. */
	priv_raise();
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	priv_lower();
	if (!c)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	PQsetNoticeProcessor(c, no_notice, NULL);
	if (PQstatus(c) != CONNECTION_OK) {
		char m[512];
		/* Again after a loss, the server may be moving to a standby:
		 * still lost, not a failure of the command. */
		int r = zs_fail(err, st->pg->c ? ZS_ELOST : ZS_EFAIL,
				TR("无法连接数据库 %s：%s", "cannot connect to database %s: %s"), st->path,
				first_line(PQerrorMessage(c), m, sizeof m));
		PQfinish(c);
		return r;
	}
	PQfinish(st->pg->c);
	st->pg->c = c;
	st->pg->generation++;   /* nothing is prepared on it yet; no relay lock held */
	st->pg->in_tx = false;
	char sql[160];
	/* One round trip: a writer waits for the head row as long as SQLite's
	 * busy timeout; no parallel plans (zhishou's queries read a page or a
	 * night: starting workers cost 50 ms of a 68 ms two-character search
	 * at 1,000,000 intakes, tests/bench); changes are listened for. */
	snprintf(sql, sizeof sql, "SET lock_timeout = %d; SET max_parallel_workers_per_gather = 0; LISTEN " CHANNEL,
		 st->busy_ms);
	return exec(st, sql, err, "connect");
}

/* What is there: tables in the schema zhishou would use, and its version
 * (-1: not zhishou's schema table). */
static int look(struct store *st, int64_t *tables, int64_t *version, struct zs_error *err)
{
	static const char sql[] =
		"SELECT (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		"WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
		/* an extension's own (pg_stat_statements' views): not a program's data */
		"AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass "
		"AND d.objid = c.oid AND d.deptype = 'e')), "
		"CASE WHEN to_regclass('zhishou_schema') IS NULL THEN -1 ELSE 0 END, current_schema() IS NULL";
	PGresult *res = PQexec(st->pg->c, sql);
	int r = pg_result_check(st, res, err, "open");
	if (!r) {
		*tables = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
		if (!strcmp(PQgetvalue(res, 0, 2), "t"))
			r = zs_fail(err, ZS_EINPUT,
				    TR("数据库 %s 没有可用的 schema（search_path 为空）", "database %s has no schema to use (empty search_path)"),
				    st->path);
	}
	PQclear(res);
	if (!r && *version == 0) {
		res = PQexec(st->pg->c, "SELECT version FROM zhishou_schema WHERE application = 'zhishou'");
		r = pg_result_check(st, res, err, "open");
		*version = !r && PQntuples(res) == 1 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
		PQclear(res);
	}
	return r;
}

/* Text must sort as SQLite sorts it, byte by byte (code point order): the
 * lists' order and the register's name ranges (entity.c) rest on it.  A
 * database made with a language's collation (zh_CN.UTF-8 sorts by pinyin)
 * is refused, saying how to make one that fits. */
static bool sorts_by_bytes(const char *coll, const char *provider)
{
	return !strcmp(provider, "c") && (!strcmp(coll, "C") || !strcmp(coll, "POSIX") || !strcasecmp(coll, "C.UTF-8") ||
					  !strcasecmp(coll, "C.utf8"));
}

static int check_collation(struct store *st, struct zs_error *err)
{
	static const char sql[] =
		"SELECT datcollate, datlocprovider FROM pg_database WHERE datname = current_database()";
	PGresult *res = PQexec(st->pg->c, sql);
	int r = pg_result_check(st, res, err, "open");
	if (!r && PQntuples(res) == 1) {
		const char *coll = PQgetvalue(res, 0, 0), *provider = PQgetvalue(res, 0, 1);
		if (!sorts_by_bytes(coll, provider)) {
			char shown_coll[64];
			snprintf(shown_coll, sizeof shown_coll, "%s%s", coll, strcmp(provider, "c") ? " (ICU)" : "");
			r = zs_fail(err, ZS_EINPUT,
				    TR("数据库 %s 的排序规则是 %s：zhishou 的列表和主体搜索要按字节序（与 SQLite 一致）；"
				       "请另建一个库：createdb --template=template0 --locale=C.UTF-8 库名",
				       "database %s sorts text by %s: zhishou's lists and register search need byte order (as "
				       "SQLite's); make another: createdb --template=template0 --locale=C.UTF-8 NAME"),
				    st->path, shown_coll);
		}
	}
	PQclear(res);
	return r;
}

/* The common case in one round trip: zhishou's database at this
 * program's version, sorting by bytes.  Then nothing more is looked at
 * (the catalogue query of look() costs a new connection about 7 ms) and no
 * migration is due.  Anything else (no zhishou_schema yet: an error here,
 * in no transaction) is for check_identity and the migrations to say. */
static int quick_look(struct store *st, bool *current, struct zs_error *err)
{
	static const char sql[] =
		"SELECT s.version, d.datcollate, d.datlocprovider FROM zhishou_schema s, pg_catalog.pg_database d "
		"WHERE s.application = 'zhishou' AND d.datname = current_database()";
	*current = false;
	PGresult *res = PQexec(st->pg->c, sql);
	int r = ZS_OK;
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		*current = PQntuples(res) == 1 && strtoll(PQgetvalue(res, 0, 0), NULL, 10) == store_schema_version() &&
			   sorts_by_bytes(PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	else if (!res || PQstatus(st->pg->c) == CONNECTION_BAD)
		r = conn_lost(st, err, "open");
	PQclear(res);
	return r;
}

static int check_identity(struct store *st, const struct store_options *opt, struct zs_error *err)
{
	int64_t tables = 0, version = -1;
	int r = look(st, &tables, &version, err);
	if (!r)
		r = check_collation(st, err);
	if (r)
		return r;
	if (version < 0 && tables > 0)
		return zs_fail(err, ZS_EINPUT,
			       TR("%s 不是 zhishou 数据库（里面已有别的程序的表）；zhishou init 只在空数据库里建表",
				  "%s is not a zhishou database (it holds another program's tables); zhishou init makes its tables "
				  "only in an empty database"),
			       st->path);
	if (version > store_schema_version())
		return zs_fail(err, ZS_EFAIL,
			       TR("数据库 %s 来自更新版本的 zhishou（结构版本 %d，本程序只支持到 %d），请升级 zhishou 后再打开",
				  "database %s comes from a newer zhishou (schema %d, this program knows up to %d); upgrade zhishou"),
			       st->path, (int)version, store_schema_version());
	if (version < 0 && !opt->create)
		return zs_fail(err, ZS_EINPUT,
			       TR("数据库 %s 里还没有 zhishou 的表；先运行 zhishou init", "database %s holds no zhishou tables yet; run zhishou init first"),
			       st->path);
	return ZS_OK;
}

/* One migration in its own transaction, under the migrations' lock, the
 * version read inside it: several processes opening a new database at
 * once apply every step exactly once.  ZS_STOP when none is left. */
static int migrate_step(struct store *st, const struct store_options *opt, struct zs_error *err)
{
	int r = exec(st, "BEGIN", err, "BEGIN");
	if (r)
		return r;
	st->pg->in_tx = true;
	st->pg->at_begin = st->pg->total;
	r = exec(st, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", err, "migrate");
	int64_t tables = 0, version = -1;
	if (!r)
		r = look(st, &tables, &version, err);
	if (!r && version < 0 && tables > 0)
		r = check_identity(st, opt, err);   /* someone else's tables arrived meanwhile */
	if (!r && version >= store_schema_version()) {
		pg_rollback(st);
		return ZS_STOP;
	}
	if (!r && opt->readonly)
		r = zs_fail(err, ZS_EFAIL, TR("数据库 %s 需要升级结构，但以只读方式打开", "database %s needs migrating but is open read-only"),
			    st->path);
	if (!r && version < 0) {
		r = exec(st,
			 "CREATE TABLE zhishou_schema (one integer PRIMARY KEY CHECK (one = 1), "
			 "application text NOT NULL, version integer NOT NULL); "
			 "INSERT INTO zhishou_schema VALUES (1, 'zhishou', 0)",
			 err, "migrate");
		version = 0;
	}
	const char *name = r ? NULL : store_migration("postgresql", (int)version);
	const struct embedded_file *f = name ? embedded_find(name) : NULL;
	if (!r && !f)
		r = zs_fail(err, ZS_EFAIL, "missing embedded %s", name);
	if (!r)
		r = exec(st, f->data, err, name);
	if (!r)
		r = store_migration_extras(st, (int)version, opt->new_settings, err);
	if (!r) {
		char sql[64];
		snprintf(sql, sizeof sql, "UPDATE zhishou_schema SET version = %d", (int)version + 1);
		r = exec(st, sql, err, "migrate");
	}
	if (!r)
		r = pg_commit(st, err);
	if (r)
		pg_rollback(st);
	return r;
}

int store_pg_open(const char *url, const struct store_options *opt, struct store **out, struct zs_error *err)
{
	*out = NULL;
	int r = refuse_password(url, err);
	if (r)
		return r;
	struct store *st = calloc(1, sizeof *st);
	if (!st || !(st->pg = calloc(1, sizeof *st->pg))) {
		free(st);
		return zs_fail(err, ZS_EFAIL, "out of memory");
	}
	st->drv = &store_pg_driver;
	st->bare = opt->bare;
	st->path = shown(url);
	st->pg->url = strdup(url);
	st->user = strdup(opt->unix_user ? opt->unix_user : "?");
	st->busy_ms = opt->busy_ms > 0 ? opt->busy_ms : 5000;
	st->created_at = opt->created_at;
	if (!st->path || !st->pg->url || !st->user) {
		store_close(st);
		return zs_fail(err, ZS_EFAIL, "out of memory");
	}
	struct zs_error local;
	if (!err)
		err = &local;
	st->pg->several = several_hosts(url);
	st->pg->patient = true;   /* opening: until the caller says it must not block */
	st->pg->waiting = opt->waiting;
	st->pg->waiting_ud = opt->waiting_ud;
	/* A server lost while it is being looked at (a failover under way)
	 * is waited for like one lost before: looked at again. */
	for (int tries = 0;; tries++) {
		r = connect_waiting(st, err);
		bool current = false;
		if (!r && !opt->bare)
			r = quick_look(st, &current, err);
		if (!r && !current)
			r = check_identity(st, opt, err);
		while (!r && !current && (r = migrate_step(st, opt, err)) == ZS_OK)
			;
		if (r == ZS_STOP)
			r = ZS_OK;
		if (r != ZS_ELOST || !st->pg->several || tries == 5)
			break;
	}
	if (r) {
		store_close(st);
		return r;
	}
	*out = st;
	return ZS_OK;
}
