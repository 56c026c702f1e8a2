/* zhishou init [--demo | --test-clock]: create or migrate the database. */
#include <stdio.h>

#include "cli.h"
#include "zhishou/demo.h"
#include "zhishou/i18n.h"
#include "zhishou/session.h"
#include "zhishou/timeutil.h"

/* The demo night of this year's 3·15 (src/demo), for core to fill the new
 * database with. */
static int fill_demo(struct zs_ctx *c, void *ud, struct zs_error *err)
{
	return demo_fill(c, *(int *)ud, err);
}

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct session_init_options *o = ud;
	(void)arg;
	if (opt == 'D')
		o->demo = fill_demo;
	else if (opt == 'T')
		o->test_clock = true;
	return 0;
}

static const struct option exec_opts[] = {
	{ "demo", no_argument, NULL, 'D' },
	{ "test-clock", no_argument, NULL, 'T' },
	{ NULL, 0, NULL, 0 },
};
static int exec(struct cli *cli, int argc, char **argv)
{
	int year = 0;
	struct session_init_options o = { .demo_ud = &year };
	int first, r = cli_options(&cmd_init_entry, argc, argv, exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	int m, d, hh, mm, ss;
	time_to_local(time_now(), &year, &m, &d, &hh, &mm, &ss);
	o.demo_epoch = demo_now(year);
	struct session_options so;
	struct session_made_info made;
	struct zs_error err = { 0 };
	/* Whoever creates a database is its first admin: nobody is refused. */
	cli_session_options(cli, ROLE_NONE, &so);
	if (session_init(cli->db_path, &so, &o, cli_ctx(cli), &made, &err))
		return cli_error(&err);
	switch (made.made) {
	case SESSION_DEMO_KEPT:
		printf(TR("%s 已是演示数据库，未改动\n", "%s is already a demo database; left as it is\n"), made.shown);
		break;
	case SESSION_DEMO_CREATED:
		printf(TR("已创建演示数据库 %s（%d 年 3·15 之夜，时钟从 3 月 15 日 21:40 起走）\n",
			  "created demo database %s (the 3·15 night of %d; its clock runs from 15 March 21:40)\n"),
		       made.shown, year);
		break;
	case SESSION_UP_TO_DATE:
		printf(TR("数据库 %s 已是最新结构（版本 %d）\n", "database %s is up to date (schema %d)\n"), made.shown,
		       made.schema);
		break;
	case SESSION_CREATED:
		printf(TR("已创建数据库 %s（结构版本 %d）\n", "created database %s (schema %d)\n"), made.shown, made.schema);
		break;
	}
	return 0;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.usage = "[--demo | --test-clock]",
	.help_zh = "创建或升级数据库（空文件也在此创建）；--demo 生成一个虚构的 3·15 之夜；"
		   "--test-clock 新建供自动测试用的数据库，只有它接受 ZHISHOU_NOW 设定的固定时间",
	.help_en = "create or migrate the database (an empty file is made one here); --demo fills a fictional 3·15 night; "
		   "--test-clock makes a new database for automated tests, the only kind that takes a fixed time from ZHISHOU_NOW",
	.flags = CMD_NO_DB,
	.exec = exec,
	.opts = exec_opts,
	.about = (const struct cmd_about[]){
		{ "demo", "生成一个虚构的 3·15 之夜（只写入新数据库）",
		  "fill a new database with a fictional 3·15 night" },
		{ "test-clock", "新建测试数据库：时间取自 ZHISHOU_NOW",
		  "make a new test database, its clock set by ZHISHOU_NOW" },
		{ NULL, NULL, NULL },
	},
};
