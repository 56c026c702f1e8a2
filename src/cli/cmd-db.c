/* zhishou db copy --to TARGET: the whole database into a new one. */
#include <stdio.h>

#include "cli.h"
#include "zhishou/i18n.h"
#include "zhishou/session.h"

struct copy_opts {
	const char *to;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct copy_opts *o = ud;
	if (opt == 't')
		o->to = arg;
	return 0;
}

static void progress(const char *table, int64_t rows, void *ud)
{
	(void)ud;
	if (rows)
		fprintf(stderr, TR("  %-22s %lld 行\n", "  %-22s %lld rows\n"), table, (long long)rows);
}

static const struct option exec_opts[] = {
	{ "to", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};
static int exec(struct cli *cli, int argc, char **argv)
{
	struct copy_opts o = { 0 };
	int first, r = cli_options(&cmd_db_copy_entry, argc, argv, exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	if (!o.to || !*o.to)
		return cli_usage(&cmd_db_copy_entry, "%s", TR("需要 --to：新的 SQLite 文件，或空的 PostgreSQL 数据库（postgresql://…）",
							     "--to is needed: a new SQLite file, or an empty PostgreSQL database (postgresql://...)"));
	struct session_options so;
	cli_session_options(cli, ROLE_ADMIN, &so);
	struct zs_error err = { 0 };
	int64_t rows = 0;
	if (session_copy(cli_ctx(cli), o.to, &so, progress, NULL, &rows, &err))
		return cli_error(&err);
	printf(TR("已复制到 %s：共 %lld 行，逐表核对一致\n", "copied to %s: %lld rows, every table checked\n"), o.to,
	       (long long)rows);
	return 0;
}

const struct cmd_entry cmd_db_copy_entry = {
	.name = "db copy",
	.usage = "--to PATH|URL",
	.help_zh = "把整个数据库（含审计链）复制到新的 SQLite 文件或空的 PostgreSQL 数据库，复制后逐表核对",
	.help_en = "copy the whole database (audit chain included) into a new SQLite file or an empty PostgreSQL "
		   "database, then check every table",
	.exec = exec,
	.opts = exec_opts,
	.about = (const struct cmd_about[]){
		{ "to", "目标：新文件的路径，或 postgresql://…（库须已建好且为空；密码放 ~/.pgpass）",
		  "target: a new file's path, or postgresql://... (an existing, empty database; password in ~/.pgpass)" },
		{ NULL, NULL, NULL },
	},
};
