/* zhishou: the duty-night console.  Without a command it opens the console;
 * with one it runs that command against the same database and exits. */
#include <errno.h>
#include <locale.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "zhishou/member.h"
#include "zhishou/priv.h"
#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/session.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/tui.h"

#ifndef ZHISHOU_VERSION
#define ZHISHOU_VERSION "0.1.0"
#endif

static const struct cmd_entry *const commands[] = {
	&cmd_init_entry,
	&cmd_board_entry,
	&cmd_gala_add_entry,
	&cmd_gala_list_entry,
	&cmd_roster_import_entry,
	&cmd_roster_list_entry,
	&cmd_unit_list_entry,
	&cmd_unit_add_entry,
	&cmd_log_add_entry,
	&cmd_log_import_entry,
	&cmd_log_list_entry,
	&cmd_log_show_entry,
	&cmd_log_update_entry,
	&cmd_log_export_entry,
	&cmd_expose_add_entry,
	&cmd_expose_list_entry,
	&cmd_expose_show_entry,
	&cmd_expose_local_entry,
	&cmd_expose_update_entry,
	&cmd_expose_action_entry,
	&cmd_expose_instruct_entry,
	&cmd_opinion_add_entry,
	&cmd_opinion_list_entry,
	&cmd_opinion_show_entry,
	&cmd_opinion_update_entry,
	&cmd_expose_report_entry,
	&cmd_search_entry,
	&cmd_entity_import_entry,
	&cmd_entity_search_entry,
	&cmd_entity_show_entry,
	&cmd_audit_entry,
	&cmd_audit_verify_entry,
	&cmd_db_copy_entry,
	&cmd_relay_entry,
	&cmd_outbox_list_entry,
	&cmd_outbox_retry_entry,
	&cmd_feed_quarantine_entry,
	/* "report set" and "report list" before "report": two words match first. */
	&cmd_report_set_entry,
	&cmd_report_list_entry,
	&cmd_report_entry,
	&cmd_disclosure_entry,
	&cmd_review_entry,
	&cmd_member_add_entry,
	&cmd_member_update_entry,
	&cmd_member_remove_entry,
	&cmd_member_list_entry,
	&cmd_handover_sign_entry,
	&cmd_handover_accept_entry,
	&cmd_handover_list_entry,
	&cmd_demo_clock_entry,
	NULL,
};

int cli_error(const struct zs_error *err)
{
	out_line(stderr, err->msg[0] ? err->msg : TR("未知错误", "unknown error"));
	return zs_exit_status(err->code ? err->code : ZS_EFAIL);
}

int cli_usage(const struct cmd_entry *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char line[2048];
	snprintf(line, sizeof line, "%s\n%s zhishou %s %s", msg, TR("用法：", "usage:"), cmd->name, cmd->usage);
	out_line(stderr, line);
	return 2;
}

void cli_join_args(int argc, char **argv, int first, char *q, size_t qsz)
{
	q[0] = '\0';
	for (int i = first; i < argc; i++) {
		size_t l = strlen(q);
		snprintf(q + l, qsz - l, "%s%s", l ? " " : "", argv[i]);
	}
}

int cli_options(const struct cmd_entry *cmd, int argc, char **argv, const struct option *opts, cli_opt_cb cb,
		void *ud, int *first_arg)
{
	/* Build the short option string from the long options' letters. */
	char shorts[128] = ":";
	size_t n = 1;
	for (const struct option *o = opts; o->name && n < sizeof shorts - 3; o++)
		if (o->val > 0 && o->val < 128) {
			shorts[n++] = (char)o->val;
			if (o->has_arg == required_argument)
				shorts[n++] = ':';
		}
	shorts[n] = '\0';
	optind = 0;
	opterr = 0;
	int opt, idx;
	while ((opt = getopt_long(argc, argv, shorts, opts, &idx)) != -1) {
		if (opt == '?')
			return cli_usage(cmd, TR("未知选项：%s", "unknown option: %s"), argv[optind - 1]);
		if (opt == ':')
			return cli_usage(cmd, TR("选项 %s 需要一个值", "option %s needs a value"), argv[optind - 1]);
		int r = cb(opt, optarg, ud);
		if (r)
			return r;
	}
	int npos = argc - optind;
	if (npos < cmd->args_min)
		return cli_usage(cmd, TR("需要%s", "needs %s"), TR(cmd->arg_zh, cmd->arg_en));
	if (cmd->args_max >= 0 && npos > cmd->args_max)
		return cli_usage(cmd, TR("多余的参数：%s", "unexpected argument: %s"), argv[optind + cmd->args_max]);
	*first_arg = optind;
	return 0;
}

int cli_format(const struct cmd_entry *cmd, const char *arg, enum out_format *f)
{
	if (!out_parse_format(arg, f))
		return cli_usage(cmd, TR("--format 只能是 table、tsv、csv 或 json，不是「%s」",
					 "--format must be table, tsv, csv or json, not \"%s\""), arg);
	return 0;
}

static void say_waiting(void *ud)
{
	(void)ud;
	fprintf(stderr, "zhishou: %s\n", TR("数据库连接中断，正在重连…（备用库可能正在接管；Ctrl-C 放弃）",
					   "cannot reach the database, reconnecting... (a standby may be taking over; Ctrl-C gives up)"));
}

void cli_say_reconnecting(void *ud)
{
	(void)ud;
	fprintf(stderr, "zhishou: %s\n", TR("数据库连接中断，正在重连…", "lost the database connection, reconnecting..."));
}

int cli_write(struct cli *c, write_fn fn, void *arg, int64_t *id, struct zs_error *err)
{
	int64_t none;
	return write_surely(cli_ctx(c), fn, arg, id ? id : &none, cli_say_reconnecting, NULL, err);
}

void cli_session_options(const struct cli *c, enum role need, struct session_options *o)
{
	/* ZHISHOU_NOW is only passed on: core honours it on a test database
	 * (init --test-clock) and nowhere else. */
	*o = (struct session_options){ .mode = c->cfg.db_mode, .group = c->cfg.db_group, .unix_user = c->user,
				       .busy_ms = c->cfg.busy_ms, .need = need, .test_now = getenv("ZHISHOU_NOW"),
				       .waiting = say_waiting };
}

void cli_clock(struct cli *c, const struct session_clock *clk)
{
	c->demo_clock = clk->demo;
	c->clock_offset = clk->offset;
	if (clk->test_now_ignored)
		fprintf(stderr, "zhishou: %s\n",
			TR("忽略 ZHISHOU_NOW：只对用 init --test-clock 创建的测试数据库有效",
			   "ZHISHOU_NOW ignored: it only applies to a test database made with init --test-clock"));
}

int cli_open(struct cli *c, enum role need)
{
	struct session_options so;
	struct session_clock clk;
	struct zs_error err = { 0 };
	cli_session_options(c, need, &so);
	if (session_open(c->db_path, &so, &c->ctx, &clk, &err))
		return cli_error(&err);
	cli_clock(c, &clk);
	return 0;
}

static void usage(FILE *fp)
{
	fprintf(fp, "%s\n\n", TR("zhishou —— 3·15 晚会值守台", "zhishou — the 3·15 duty-night console"));
	fprintf(fp, "%s zhishou [--db PATH] [--config PATH] [--lang zh|en] [%s]\n\n", TR("用法：", "usage:"),
		TR("命令 …", "command ..."));
	fprintf(fp, "%s\n", TR("不带命令时打开值守台界面。命令：", "Without a command, opens the console. Commands:"));
	for (int i = 0; commands[i]; i++)
		fprintf(fp, "  %-16s %s\n", commands[i]->name, TR(commands[i]->help_zh, commands[i]->help_en));
	fprintf(fp, "\n%s\n", TR("每个命令加 --help 查看选项。数据库默认为 $ZHISHOU_DB、配置的 [database] path 或 $XDG_DATA_HOME/zhishou/zhishou.db。",
				 "Add --help to a command for its options. Database: $ZHISHOU_DB, the configuration's [database] path or $XDG_DATA_HOME/zhishou/zhishou.db."));
}

static const struct cmd_entry *find_command(int argc, char **argv, int *words)
{
	if (argc < 1)
		return NULL;
	for (int i = 0; commands[i]; i++) {
		const char *name = commands[i]->name, *sp = strchr(name, ' ');
		if (!sp) {
			if (!strcmp(argv[0], name)) {
				*words = 1;
				/* "audit verify" is longer and listed after "audit". */
				if (argc >= 2 && !strcmp(name, "audit") && !strcmp(argv[1], "verify"))
					continue;
				return commands[i];
			}
			continue;
		}
		size_t l = (size_t)(sp - name);
		if (argc >= 2 && strlen(argv[0]) == l && !strncmp(argv[0], name, l) && !strcmp(argv[1], sp + 1)) {
			*words = 2;
			return commands[i];
		}
	}
	return NULL;
}

/* The database when --db names none: $ZHISHOU_DB, else the configuration's
 * [database] path (a server's shared one), else the user's own. */
int cli_default_db(const struct config *cfg, char *buf, size_t n)
{
	const char *env = getenv("ZHISHOU_DB");
	if (env && *env)
		return snprintf(buf, n, "%s", env) < (int)n ? 0 : -1;
	if (*cfg->db_url)
		return snprintf(buf, n, "%s", cfg->db_url) < (int)n ? 0 : -1;
	if (*cfg->db_path)
		return snprintf(buf, n, "%s", cfg->db_path) < (int)n ? 0 : -1;
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, n, "%s/zhishou/zhishou.db", xdg);
	else if (home && *home)
		snprintf(buf, n, "%s/.local/share/zhishou/zhishou.db", home);
	else
		return -1;
	return 0;
}

void cli_default_config(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	buf[0] = '\0';
	if (xdg && *xdg)
		snprintf(buf, n, "%s/zhishou/zhishou.conf", xdg);
	else if (home && *home)
		snprintf(buf, n, "%s/.config/zhishou/zhishou.conf", home);
	if (!buf[0] || access(buf, F_OK) != 0)
		snprintf(buf, n, "%s", PRIV_SYSTEM_CONFIG);
}

void cli_trust_db(const char *path)
{
	if (!priv_setid())
		return;
	struct config sys;
	struct zs_error err = { 0 };
	struct stat sb;
	config_defaults(&sys);
	bool ok = stat(PRIV_SYSTEM_CONFIG, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == 0 && !(sb.st_mode & 0022) &&
		  config_load(&sys, PRIV_SYSTEM_CONFIG, true, &err) == ZS_OK &&
		  ((*sys.db_path && !strcmp(sys.db_path, path)) || (*sys.db_url && !strcmp(sys.db_url, path)));
	priv_trust_db(ok);
}

/* Identity comes from the operating system, never from a flag. */
void cli_unix_user(char *buf, size_t n)
{
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name)
		snprintf(buf, n, "%s", pw->pw_name);
	else
		snprintf(buf, n, "uid%u", (unsigned)getuid());
}

/* Read by AddressSanitizer's runtime before main, in sanitizer builds only
 * (elsewhere nothing calls it).  A setuid start (AT_SECURE) cannot be
 * traced, so LeakSanitizer's end-of-run check could only crash it; and its
 * options cannot come from the environment then (/proc/self/environ is
 * not the user's to read). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return getauxval(AT_SECURE) ? "detect_leaks=0" : "";
}

int main(int argc, char **argv)
{
	/* Before anything reads the environment or opens a file (priv.h). */
	priv_init();
	/* Chinese must work where only C.UTF-8 exists: widths come from our own
	 * tables, but curses and stdio want a UTF-8 locale. */
	if (!setlocale(LC_ALL, "") || !strstr(setlocale(LC_CTYPE, NULL), "UTF-8")) {
		if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "C.utf8"))
			fprintf(stderr, "zhishou: no UTF-8 locale (C.UTF-8) on this system; Chinese may not display\n");
	}
	struct cli cli = { .argv = argv };
	config_defaults(&cli.cfg);
	const char *db = NULL, *config = NULL, *lang = NULL;
	bool help = false, version = false;
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "lang", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	int opt;
	/* '+': stop at the command word; its own options follow it. */
	while ((opt = getopt_long(argc, argv, "+:d:c:l:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': db = optarg; break;
		case 'c': config = optarg; break;
		case 'l': lang = optarg; break;
		case 'h': help = true; break;
		case 'V': version = true; break;
		case ':':
			fprintf(stderr, "zhishou: %s %s\n", argv[optind - 1], TR("需要一个值", "needs a value"));
			return 2;
		default:
			fprintf(stderr, "zhishou: %s %s\n", TR("未知选项", "unknown option"), argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (lang) {
		enum lang l;
		if (!i18n_parse(lang, &l)) {
			fprintf(stderr, "zhishou: --lang 只能是 zh 或 en / --lang must be zh or en\n");
			return 2;
		}
		i18n_set(l);
	}
	if (version) {
		printf("zhishou %s\n", ZHISHOU_VERSION);
		return 0;
	}
	codes_init();
	/* Hidden (not in --help): the shell's completion asks for candidates. */
	if (optind < argc && !strcmp(argv[optind], "__complete"))
		return cli_complete(commands, db, config, argc - optind - 1, argv + optind + 1);
	struct zs_error err = { 0 };
	char cfgpath[4096];
	if (config)
		snprintf(cfgpath, sizeof cfgpath, "%s", config);
	else
		cli_default_config(cfgpath, sizeof cfgpath);
	if (config_load(&cli.cfg, cfgpath, config != NULL, &err))
		return cli_error(&err);
	if (!time_set_zone(cli.cfg.timezone)) {
		fprintf(stderr, "zhishou: %s %s\n", TR("未知时区", "unknown time zone"), cli.cfg.timezone);
		return 2;
	}
	text_set_ambiguous_wide(cli.cfg.ambiguous_wide);
	cli_unix_user(cli.user, sizeof cli.user);

	argc -= optind;
	argv += optind;
	if (help && argc == 0) {
		usage(stdout);
		return 0;
	}
	char dbbuf[4096];
	if (db) {
		cli.db_path = db;
	} else if (cli_default_db(&cli.cfg, dbbuf, sizeof dbbuf) == 0) {
		cli.db_path = dbbuf;
	} else {
		fprintf(stderr, "zhishou: %s\n", TR("不知道数据库在哪里：请用 --db 指定或设置 ZHISHOU_DB",
						     "no database path: use --db or set ZHISHOU_DB"));
		return 2;
	}
	cli.ctx.cfg = &cli.cfg;
	cli_trust_db(cli.db_path);

	if (argc == 0) {
		/* The console writes: a non-member may at most read (by config). */
		int rc = cli_open(&cli, cli.cfg.unknown_readonly ? ROLE_NONE : ROLE_OPERATOR);
		if (rc)
			return rc;
		struct tui_options to = { .db_path = cli.db_path, .user = cli.user, .demo_clock = cli.demo_clock,
					  .clock_offset = cli.clock_offset, .draft_dir = getenv("ZHISHOU_STATE_DIR") };
		rc = tui_run(&cli.ctx, &to);
		session_close(&cli.ctx);
		return rc;
	}

	int words = 0;
	const struct cmd_entry *cmd = find_command(argc, argv, &words);
	if (!cmd)
		return cli_help_unknown(commands, argc, argv, help);
	argc -= words - 1;
	argv += words - 1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			help = true;
	if (help) {
		cli_help_command(cmd, stdout);
		return 0;
	}
	cli.ctx.now = time_now();
	/* Not a member: refused, or (by configuration) only reading commands. */
	if (!(cmd->flags & CMD_NO_DB)) {
		int rc = cli_open(&cli, cli.cfg.unknown_readonly && (cmd->flags & CMD_READONLY) ? ROLE_NONE : ROLE_OPERATOR);
		if (rc)
			return rc;
	}
	int rc = cmd->exec(&cli, argc, argv);
	session_close(&cli.ctx);
	/* An export to a full disk or a closed pipe must not look like success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "zhishou: %s：%s\n", TR("输出写入失败", "could not write the output"), strerror(errno));
		if (rc == 0)
			rc = 1;
	}
	return rc;
}
