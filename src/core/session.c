/* session: the database opened for a front end, and the one clock (see
 * session.h for the rule). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/session.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

/* The setting init --test-clock writes into the database it creates. */
#define TEST_CLOCK_KEY "test_clock"

static bool setting_is(struct store *st, const char *key, const char *value)
{
	char *v = store_setting_get(st, key);
	bool is = v && !strcmp(v, value);
	free(v);
	return is;
}

/* "now" for this database: only a test database takes the given instant,
 * only a demo night runs its own clock; everything else is the system's. */
static void decide_clock(struct zs_ctx *ctx, const char *test_now, struct session_clock *clk)
{
	int64_t now = time_now();
	bool given = test_now && *test_now;
	bool test_db = setting_is(ctx->st, TEST_CLOCK_KEY, "1");
	memset(clk, 0, sizeof *clk);
	ctx->now = now;
	if (test_db && given) {
		int64_t t;
		if (time_parse(test_now, now, &t, NULL, 0)) {
			ctx->now = t;
			clk->offset = t - now;
			clk->test = true;
			store_set_clock(ctx->st, &ctx->now);
			return;
		}
	}
	clk->test_now_ignored = given && !test_db;
	/* A demo night replays 15 March from the moment it was created on. */
	char *epoch = store_setting_get(ctx->st, "demo_epoch");
	char *created = store_setting_get(ctx->st, "demo_created");
	if (epoch && created) {
		ctx->now = strtoll(epoch, NULL, 10) + (now - strtoll(created, NULL, 10));
		clk->offset = ctx->now - now;
		clk->demo = true;
		store_set_clock(ctx->st, &ctx->now);
	}
	free(epoch);
	free(created);
}

static void store_options_of(const struct session_options *o, struct store_options *so)
{
	*so = (struct store_options){ .mode = o->mode, .group = o->group, .unix_user = o->unix_user,
				      .busy_ms = o->busy_ms, .readonly = o->readonly, .waiting = o->waiting,
				      .waiting_ud = o->waiting_ud };
}

/* Closing after a refusal: the files stay as they were found. */
static void close_refused(struct zs_ctx *ctx)
{
	store_close_refused(ctx->st);
	ctx->st = NULL;
}

static int open_with(const char *path, const struct session_options *o, const struct store_options *so,
		     struct zs_ctx *ctx, struct session_clock *clk, struct zs_error *err)
{
	ctx->st = NULL;
	int r = store_open(path, so, &ctx->st, err);
	if (r)
		return r;
	decide_clock(ctx, o->test_now, clk);
	if (o->need > ROLE_NONE && (r = role_require(ctx, o->need, "打开值守台", "opening the duty console", err))) {
		close_refused(ctx);
		return r;
	}
	return ZS_OK;
}

int session_open(const char *path, const struct session_options *o, struct zs_ctx *ctx,
		 struct session_clock *clk, struct zs_error *err)
{
	struct store_options so;
	store_options_of(o, &so);
	return open_with(path, o, &so, ctx, clk, err);
}

void session_close(struct zs_ctx *ctx)
{
	store_close(ctx->st);
	ctx->st = NULL;
}

/* The directory that will hold the database, with its parents. */
static int make_parent(const char *path, struct zs_error *err)
{
	char failed[4096];
	int e = store_make_dir(path, failed, sizeof failed);
	if (e)
		return zs_fail(err, ZS_EFAIL, TR("无法创建目录 %s：%s", "cannot create directory %s: %s"), failed, strerror(e));
	return ZS_OK;
}

static int fill_demo(const char *path, bool existed, const struct session_init_options *io, struct zs_ctx *ctx,
		     struct session_made_info *out, struct zs_error *err)
{
	/* The demo's history happens on its own evening: the filler moves
	 * ctx->now and every audit row follows it. */
	ctx->now = io->demo_epoch;
	store_set_clock(ctx->st, &ctx->now);
	int r = io->demo(ctx, io->demo_ud, err);
	if (!r) {
		char v[32];
		r = store_begin(ctx->st, err);
		snprintf(v, sizeof v, "%lld", (long long)io->demo_epoch);
		if (!r)
			r = store_setting_set(ctx->st, "demo_epoch", v, err);
		snprintf(v, sizeof v, "%lld", (long long)time_now());
		if (!r)
			r = store_setting_set(ctx->st, "demo_created", v, err);
		if (!r)
			r = store_commit(ctx->st, err);
	}
	if (r) {
		store_rollback(ctx->st);
		session_close(ctx);
		store_undo_new(path, existed);  /* a half-filled demo is worse than none */
		return r;
	}
	out->made = SESSION_DEMO_CREATED;
	return ZS_OK;
}

/* init --demo or --test-clock on a database that exists: neither is ever
 * mixed into a real night.  ZS_STOP: it already is what was asked for. */
static int check_existing(const char *path, const struct session_init_options *io, struct zs_ctx *ctx,
			  struct zs_error *err)
{
	if (io->demo) {
		char *epoch = store_setting_get(ctx->st, "demo_epoch");
		bool was_demo = epoch != NULL;
		free(epoch);
		if (was_demo)
			return ZS_STOP;
		return zs_fail(err, ZS_EINPUT, TR("%s 已存在；演示数据只写入新数据库（换一个 --db 路径）",
						  "%s exists; the demo goes only into a new database (choose another --db)"),
			       path);
	}
	if (io->test_clock && !setting_is(ctx->st, TEST_CLOCK_KEY, "1"))
		return zs_fail(err, ZS_EINPUT, TR("%s 已存在且不是测试数据库；--test-clock 只用于新建的数据库（换一个 --db 路径）",
						  "%s exists and is not a test database; --test-clock is only for a new database (choose another --db)"),
			       path);
	/* An existing file is checked whole: "up to date" must not be said
	 * of a damaged one. */
	char why[200];
	int r = store_quick_check(ctx->st, why, sizeof why, err);
	if (r)
		return r;
	if (why[0])
		return zs_fail(err, ZS_EFAIL, TR("数据库 %s 已损坏：%s；请从备份恢复", "database %s is damaged: %s; restore it from a backup"),
			       path, why);
	return ZS_OK;
}

/* The instant a new database is made at on its own clock, the one its
 * later opens will run on (decide_clock): a test's ZHISHOU_NOW, a demo
 * night's epoch; 0 for a real one (the system's time). */
static int64_t made_at(const struct session_options *o, const struct session_init_options *io)
{
	int64_t t;
	if (io->test_clock && o->test_now && *o->test_now && time_parse(o->test_now, time_now(), &t, NULL, 0))
		return t;
	return io->demo ? io->demo_epoch : 0;
}

int session_init(const char *path, const struct session_options *o, const struct session_init_options *io,
		 struct zs_ctx *ctx, struct session_made_info *out, struct zs_error *err)
{
	static const char *const test_settings[] = { TEST_CLOCK_KEY, "1", NULL };
	memset(out, 0, sizeof *out);
	out->schema = store_schema_version();
	if (io->demo && io->test_clock)
		return zs_fail(err, ZS_EINPUT, "%s", TR("--demo 和 --test-clock 只能选一个", "use --demo or --test-clock, not both"));
	bool existed = store_file_exists(path);
	int r;
	if (!existed && (r = make_parent(path, err)))
		return r;
	struct store_options so;
	store_options_of(o, &so);
	so.create = true;
	so.new_settings = io->test_clock ? test_settings : NULL;
	so.created_at = made_at(o, io);
	struct session_clock clk;
	struct session_options any = *o;
	any.need = ROLE_NONE;   /* whoever creates a database is its first admin */
	if ((r = open_with(path, &any, &so, ctx, &clk, err)))
		return r;
	snprintf(out->shown, sizeof out->shown, "%s", store_path(ctx->st));
	if (!store_created(ctx->st)) {
		r = check_existing(path, io, ctx, err);
		if (r == ZS_STOP) {
			out->made = SESSION_DEMO_KEPT;
			r = ZS_OK;
		} else if (!r) {
			out->made = SESSION_UP_TO_DATE;
		}
		if (r)
			close_refused(ctx);
		else
			session_close(ctx);
		return r;
	}
	if (io->demo)
		r = fill_demo(path, existed, io, ctx, out, err);
	else
		out->made = SESSION_CREATED;
	session_close(ctx);
	return r;
}

int session_demo_clock(struct zs_ctx *ctx, int64_t when, struct zs_error *err)
{
	char *epoch = store_setting_get(ctx->st, "demo_epoch");
	bool demo = epoch != NULL;
	free(epoch);
	if (!demo)
		return zs_fail(err, ZS_EINPUT, "%s", TR("只有演示数据库（zhishou init --demo 创建的）能调时钟；真实数据库总用系统时间",
							"only a demo database (made by zhishou init --demo) has a clock to move; a real one runs on the system's"));
	int r = role_require(ctx, ROLE_ADMIN, "调演示时钟", "moving the demo clock", err);
	if (r)
		return r;
	char v[32], before[64], after[64];
	snprintf(before, sizeof before, "{\"now\":%lld}", (long long)ctx->now);
	snprintf(after, sizeof after, "{\"now\":%lld}", (long long)when);
	r = store_begin(ctx->st, err);
	snprintf(v, sizeof v, "%lld", (long long)when);
	if (!r)
		r = store_setting_set(ctx->st, "demo_epoch", v, err);
	snprintf(v, sizeof v, "%lld", (long long)time_now());
	if (!r)
		r = store_setting_set(ctx->st, "demo_created", v, err);
	ctx->now = when;   /* the audit row is written at the new time */
	if (!r)
		r = store_audit(ctx->st, "demo", 0, "clock", "now", before, after, err);
	if (!r)
		r = store_commit(ctx->st, err);
	if (r)
		store_rollback(ctx->st);
	return r;
}

struct copy_count {
	void (*progress)(const char *table, int64_t rows, void *ud);
	void *ud;
	int64_t rows;
};

static void copied(const char *table, int64_t rows, void *ud)
{
	struct copy_count *n = ud;
	n->rows += rows;
	if (n->progress)
		n->progress(table, rows, n->ud);
}

int session_copy(struct zs_ctx *ctx, const char *target, const struct session_options *o,
		 void (*progress)(const char *table, int64_t rows, void *ud), void *ud, int64_t *rows,
		 struct zs_error *err)
{
	*rows = 0;
	int r = role_require(ctx, ROLE_ADMIN, "复制整个数据库（含来电人信息）", "copying the whole database (it holds callers' data)",
			     err);
	if (r)
		return r;
	if (!strcmp(target, store_path(ctx->st)))
		return zs_fail(err, ZS_EINPUT, "%s", TR("--to 是正在用的数据库本身；请给一个新的数据库",
							"--to names the database in use; give a new one"));
	/* A file must be new; a server's database must be empty (the open
	 * below says so when it is not). */
	bool existed = store_file_exists(target);
	if (existed && !store_is_server(target))
		return zs_fail(err, ZS_EINPUT, TR("%s 已存在；复制只写入新的数据库文件", "%s exists; a copy goes only into a new database file"),
			       target);
	if (!existed && (r = make_parent(target, err)))
		return r;
	struct store_options so;
	store_options_of(o, &so);
	so.readonly = false;
	so.create = true;
	so.bare = true;
	struct store *dst = NULL;
	r = store_open(target, &so, &dst, err);
	if (!r && !store_created(dst))
		r = zs_fail(err, ZS_EINPUT, TR("%s 里已有 zhishou 的数据；复制只写入空数据库",
					      "%s already holds zhishou's tables; a copy goes only into an empty database"),
			    target);
	struct copy_count n = { progress, ud, 0 };
	if (!r)
		r = store_copy(ctx->st, dst, copied, &n, err);
	store_close(dst);
	if (r) {
		if (!existed)
			store_undo_new(target, false);
		return r;
	}
	*rows = n.rows;
	/* Where every caller's details went: the source's audit says. */
	char after[1200];
	snprintf(after, sizeof after, "{\"rows\":%lld}", (long long)n.rows);
	if (!(r = store_begin(ctx->st, err))) {
		r = store_audit(ctx->st, "database", 0, "copy", "", "", after, err);
		r = r ? r : store_commit(ctx->st, err);
		if (r)
			store_rollback(ctx->st);
	}
	return r;
}
