/* zhishou member add|list|update|remove: who may use the console, as what. */
#include <stdio.h>

#include "cli.h"
#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/timeutil.h"
#include "zhishou/reads.h"

struct member_opts {
	struct member_input in;
	enum out_format fmt;
	const struct cmd_entry *cmd;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct member_opts *o = ud;
	switch (opt) {
	case 'u': o->in.unix_user = arg; break;
	case 'n': o->in.name = arg; break;
	case 'r': o->in.role = arg; break;
	case 'U': o->in.unit = arg; break;
	case 'f': return cli_format(o->cmd, arg, &o->fmt);
	}
	return 0;
}

static const struct option write_opts[] = {
	{ "unix", required_argument, NULL, 'u' }, { "name", required_argument, NULL, 'n' },
	{ "role", required_argument, NULL, 'r' }, { "unit", required_argument, NULL, 'U' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_about write_about[] = {
	{ "unix", "成员的 Unix 用户名（登录服务器用的）", "the member's Unix user name (their login on the server)" },
	{ "name", "姓名", "full name" },
	{ "role", "角色：值班员、带班领导或管理员", "role: operator, leader or admin" },
	{ "unit", "所在单位", "their unit" },
	{ NULL, NULL, NULL },
};

/* A member's add, update or removal (cli_write's argument). */
struct member_write {
	int (*fn)(struct zs_ctx *, const struct member_input *, struct zs_error *);
	const struct member_input *in;
};

static int member_write(struct zs_ctx *c, void *arg, int64_t *id, struct zs_error *err)
{
	const struct member_write *w = arg;
	*id = 0;
	return w->fn(c, w->in, err);
}

static int write_exec(struct cli *cli, int argc, char **argv, const struct cmd_entry *cmd,
		      int (*fn)(struct zs_ctx *, const struct member_input *, struct zs_error *), const char *done_zh,
		      const char *done_en)
{
	struct member_opts o = { .cmd = cmd };
	int first, r = cli_options(cmd, argc, argv, write_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct member_write w = { fn, &o.in };
	if (cli_write(cli, member_write, &w, NULL, &err))
		return cli_error(&err);
	printf(TR(done_zh, done_en), o.in.unix_user);
	putchar('\n');
	return 0;
}

static int add_exec(struct cli *cli, int argc, char **argv)
{
	return write_exec(cli, argc, argv, &cmd_member_add_entry, member_add, "已添加成员 %s", "member %s added");
}

static int update_exec(struct cli *cli, int argc, char **argv)
{
	return write_exec(cli, argc, argv, &cmd_member_update_entry, member_update, "已更新成员 %s", "member %s updated");
}

static const struct option remove_opts[] = { { "unix", required_argument, NULL, 'u' }, { NULL, 0, NULL, 0 } };
static int remove_exec(struct cli *cli, int argc, char **argv)
{
	const struct cmd_entry *cmd = &cmd_member_remove_entry;
	struct member_opts o = { .cmd = cmd };
	int first, r = cli_options(cmd, argc, argv, remove_opts, opt_cb, &o, &first);
	if (r)
		return r;
	if (!o.in.unix_user && first < argc)
		o.in.unix_user = argv[first++];
	struct zs_error err = { 0 };
	if (member_remove(cli_ctx(cli), o.in.unix_user, &err))
		return cli_error(&err);
	printf(TR("已删除成员 %s\n", "member %s removed\n"), o.in.unix_user);
	return 0;
}

static const struct out_col cols[] = {
	{ "unix_user", "Unix 用户", "Unix user", 0, false },
	{ "name", "姓名", "name", 0, false },
	{ "role", "角色", "role", 0, false },
	{ "unit", "单位", "unit", 0, false },
	{ "added_at", "加入时间", "added", 0, false },
	{ "added_by", "添加人", "added by", 0, false },
};

struct list_ctx {
	struct out *out;
	bool json;
};

static int list_cb(const struct member *m, void *ud)
{
	struct list_ctx *l = ud;
	char t[40];
	enum role r = ROLE_NONE;
	role_parse(m->role, &r);
	out_str(l->out, m->unix_user);
	out_str(l->out, m->name);
	out_str(l->out, l->json ? m->role : role_label(r));
	if (*m->unit)
		out_str(l->out, m->unit);
	else
		out_null(l->out);
	out_str(l->out, time_format(m->added_at, l->json ? TIME_ISO : TIME_SHORT, t, sizeof t));
	out_str(l->out, m->added_by);
	out_end_row(l->out);
	return 0;
}

static const struct option list_exec_opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
static int list_exec(struct cli *cli, int argc, char **argv)
{
	struct member_opts o = { .cmd = &cmd_member_list_entry };
	int first, r = cli_options(o.cmd, argc, argv, list_exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	struct zs_error err = { 0 };
	struct list_ctx l = { out_new(stdout, o.fmt, cols, sizeof cols / sizeof *cols), o.fmt == OUT_JSON };
	r = member_list(cli_ctx(cli), list_cb, &l, &err);
	if (r) {
		out_abort(l.out);
		return cli_error(&err);
	}
	out_finish(l.out);
	return 0;
}

const struct cmd_entry cmd_member_add_entry = {
	.name = "member add",
	.usage = "--unix USER --name 姓名 --role operator|leader|admin [--unit 单位]",
	.help_zh = "添加成员（管理员）：值班员登记和办理，带班领导另可定级、定牵头单位、批示，管理员另可管成员和值班表",
	.help_en = "add a member (admins): operators log and handle, leaders also set levels, lead units and instruct, "
		"admins also manage members and rosters",
	.exec = add_exec,
	.opts = write_opts,
	.about = write_about,
};
const struct cmd_entry cmd_member_update_entry = {
	.name = "member update",
	.usage = "--unix USER [--name 姓名] [--role ROLE] [--unit 单位]",
	.help_zh = "修改成员（管理员）",
	.help_en = "change a member (admins)",
	.exec = update_exec,
	.opts = write_opts,
	.about = write_about,
};
const struct cmd_entry cmd_member_remove_entry = {
	.name = "member remove",
	.usage = "USER | --unix USER",
	.help_zh = "删除成员（管理员；最后一个管理员不能删）",
	.help_en = "remove a member (admins; not the last admin)",
	.exec = remove_exec,
	.opts = remove_opts,
	.args_min = 0, .args_max = 1, .arg_zh = "Unix 用户名", .arg_en = "a Unix user name",
	.about = (const struct cmd_about[]){
		{ "unix", "成员的 Unix 用户名",
		  "the member's Unix user name" },
		{ NULL, NULL, NULL },
	},
};
const struct cmd_entry cmd_member_list_entry = {
	.name = "member list",
	.usage = "[--format table|tsv|csv|json]",
	.help_zh = "列出成员及其角色",
	.help_en = "list members and their roles",
	.flags = CMD_READONLY,
	.exec = list_exec,
	.opts = list_exec_opts,
};
