/* zhishou init [--demo]: create or migrate the database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "zhishou/store.h"
#include "zhishou/demo.h"
#include "zhishou/fsutil.h"
#include "zhishou/i18n.h"
#include "zhishou/timeutil.h"

struct init_opts {
	bool demo;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct init_opts *o = ud;
	(void)arg;
	if (opt == 'D')
		o->demo = true;
	return 0;
}

/* The directory that will hold the database, with its parents. */
static int make_parent(const char *path, struct zs_error *err)
{
	char dir[4096], failed[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return ZS_OK;
	*slash = '\0';
	int e = fs_mkdirs(dir, 0770, failed, sizeof failed);
	if (e)
		return zs_fail(err, ZS_EFAIL, TR("无法创建目录 %s：%s", "cannot create directory %s: %s"), failed, strerror(e));
	return ZS_OK;
}

static const struct option exec_opts[] = {
	{ "demo", no_argument, NULL, 'D' },
	{ NULL, 0, NULL, 0 },
};
static int exec(struct cli *cli, int argc, char **argv)
{
	struct init_opts o = { 0 };
	int first, r = cli_options(&cmd_init_entry, argc, argv, exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	if (first < argc)
		return cli_usage(&cmd_init_entry, TR("多余的参数：%s", "unexpected argument: %s"), argv[first]);
	struct zs_error err = { 0 };
	bool existed = access(cli->db_path, F_OK) == 0;
	if (!existed && make_parent(cli->db_path, &err))
		return cli_error(&err);
	struct store_options so = { .mode = cli->cfg.db_mode, .group = cli->cfg.db_group, .create = true, .unix_user = cli->user,
				    .busy_ms = cli->cfg.busy_ms };
	if (store_open(cli->db_path, &so, &cli->ctx.st, &err))
		return cli_error(&err);
	if (o.demo) {
		if (existed) {
			/* Never mix a fictional night into a real one. */
			char *epoch = store_setting_get(cli->ctx.st, "demo_epoch");
			bool was_demo = epoch != NULL;
			free(epoch);
			store_close(cli->ctx.st);
			cli->ctx.st = NULL;
			if (was_demo) {
				printf(TR("%s 已是演示数据库，未改动\n", "%s is already a demo database; left as it is\n"),
				       cli->db_path);
				return 0;
			}
			zs_fail(&err, ZS_EINPUT, TR("%s 已存在；演示数据只写入新数据库（换一个 --db 路径）",
						    "%s exists; the demo goes only into a new database (choose another --db)"),
				cli->db_path);
			return cli_error(&err);
		}
		int year, m, d, hh, mm, ss;
		time_to_local(time_now(), &year, &m, &d, &hh, &mm, &ss);
		cli->ctx.now = demo_now(year);
		/* The demo's history happens on its own evening. */
		store_set_clock(cli->ctx.st, &cli->ctx.now);
		r = demo_fill(&cli->ctx, year, &err);
		if (!r) {
			char v[32];
			r = store_begin(cli->ctx.st, &err);
			snprintf(v, sizeof v, "%lld", (long long)demo_now(year));
			if (!r)
				r = store_setting_set(cli->ctx.st, "demo_epoch", v, &err);
			snprintf(v, sizeof v, "%lld", (long long)time_now());
			if (!r)
				r = store_setting_set(cli->ctx.st, "demo_created", v, &err);
			if (!r)
				r = store_commit(cli->ctx.st, &err);
		}
		if (r) {
			store_rollback(cli->ctx.st);
			store_close(cli->ctx.st);
			cli->ctx.st = NULL;
			/* A half-filled demo is worse than none. */
			char side[4200];
			unlink(cli->db_path);
			snprintf(side, sizeof side, "%s-wal", cli->db_path);
			unlink(side);
			snprintf(side, sizeof side, "%s-shm", cli->db_path);
			unlink(side);
			return cli_error(&err);
		}
		printf(TR("已创建演示数据库 %s（%d 年 3·15 之夜，时钟从 3 月 15 日 21:40 起走）\n",
			  "created demo database %s (the 3·15 night of %d; its clock runs from 15 March 21:40)\n"),
		       cli->db_path, year);
		return 0;
	}
	/* An existing file is checked whole: "up to date" must not be said of
	 * a damaged one. */
	if (existed) {
		char why[200];
		if (store_quick_check(cli->ctx.st, why, sizeof why, &err))
			return cli_error(&err);
		if (why[0]) {
			zs_fail(&err, ZS_EFAIL, TR("数据库 %s 已损坏：%s；请从备份恢复", "database %s is damaged: %s; restore it from a backup"),
				cli->db_path, why);
			return cli_error(&err);
		}
	}
	printf(existed ? TR("数据库 %s 已是最新结构（版本 %d）\n", "database %s is up to date (schema %d)\n")
		       : TR("已创建数据库 %s（结构版本 %d）\n", "created database %s (schema %d)\n"),
	       cli->db_path, store_schema_version());
	return 0;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.usage = "[--demo]",
	.help_zh = "创建或升级数据库；--demo 生成一个虚构的 3·15 之夜",
	.help_en = "create or migrate the database; --demo fills a fictional 3·15 night",
	.flags = CMD_NO_DB,
	.exec = exec,
	.opts = exec_opts,
};
