/* The command-line face: one file per noun, one cmd_entry per command. */
#ifndef ZHISHOU_CLI_H
#define ZHISHOU_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include "zhishou/config.h"
#include "zhishou/ctx.h"
#include "zhishou/output.h"
#include "zhishou/session.h"
#include "zhishou/write.h"

struct cli {
	struct zs_ctx ctx;
	struct config cfg;
	const char *db_path;
	char user[64];
	bool demo_clock;       /* the database is a demo night with its own clock */
	int64_t clock_offset;  /* ctx.now = real time + offset (demo night, tests) */
	char **argv;           /* main's argv, as given (`zhishou relay` passes it on) */
	struct cli_progress {
		const char *what_zh, *what_en;
		double start, last;
		bool shown;
	} progress;
};

/* A listing that stops at its limit says so, and how to see more: ask the
 * core for limit + 1 rows (cli_page_ask), let each row through
 * cli_page_take (false: the one beyond the limit; stop with ZS_STOP), then
 * cli_page_hint after the rows.  limit 0: no limit.  The hint's next_zh /
 * next_en name the next page's option with a %lld for the last key shown
 * ("--before %lld"), or NULL to point only at --limit. */
struct cli_page {
	int limit, rows;
	int64_t last;
	bool more;
};
int cli_page_ask(struct cli_page *p, int limit);
bool cli_page_take(struct cli_page *p, int64_t key);
void cli_page_hint(const struct cli_page *p, const char *next_zh, const char *next_en);

/* progress.c: a progress line for long work on a terminal's stderr (none
 * into a pipe or file); end clears it before the result is printed. */
void cli_progress_start(struct cli *cli, const char *what_zh, const char *what_en);
void cli_progress_end(struct cli *cli);
/* An import's bad row on stderr: "第 N 行：why" (the imports' bad-row
 * callback; ud unused). */
void cli_bad_row(size_t line, const char *why, void *ud);

enum {
	CMD_NO_DB = 1 << 0,    /* the command opens (or creates) the store itself */
	CMD_READONLY = 1 << 1, /* only reads */
};

struct cmd_entry {
	const char *name;      /* "log add" */
	const char *usage;     /* options, after the name */
	const char *help_zh, *help_en;
	int flags;
	int (*exec)(struct cli *cli, int argc, char **argv);
	/* Positional arguments after the options (tmux's cmd_entry does the
	 * same): at least args_min, at most args_max (-1: any number); what
	 * they are, for "需要一个登记编号".  Left out: none. */
	int args_min, args_max;
	const char *arg_zh, *arg_en;
	/* Its options (the table cli_options reads), so --help lists every
	 * one, and the closed vocabularies some of them take. */
	const struct option *opts;
	const struct cmd_values *values;
	/* What each option is for, one short line (--help prints it beside
	 * the option); options every listing shares (--format, --limit,
	 * --output) are said once in help.c. */
	const struct cmd_about *about;
};

struct cmd_about {
	const char *option;   /* without the dashes; NULL ends the list */
	const char *zh, *en;
};

/* An option that takes one of a vocabulary's words (--channel: 12315 热线…). */
struct cmd_values {
	const char *option;   /* without the dashes; NULL ends the list */
	const struct vocab *vocab;
};

extern const struct cmd_entry cmd_init_entry, cmd_board_entry, cmd_search_entry, cmd_audit_entry,
	cmd_audit_verify_entry, cmd_db_copy_entry, cmd_roster_import_entry, cmd_roster_list_entry, cmd_unit_list_entry,
	cmd_unit_add_entry, cmd_log_add_entry, cmd_log_import_entry, cmd_log_list_entry,
	cmd_log_show_entry, cmd_log_update_entry, cmd_expose_add_entry, cmd_expose_list_entry,
	cmd_expose_show_entry, cmd_expose_local_entry, cmd_expose_update_entry, cmd_expose_action_entry,
	cmd_expose_instruct_entry, cmd_expose_report_entry, cmd_gala_add_entry, cmd_gala_list_entry, cmd_relay_entry,
	cmd_outbox_list_entry, cmd_outbox_retry_entry, cmd_feed_quarantine_entry,
	cmd_report_entry, cmd_report_set_entry, cmd_report_list_entry, cmd_review_entry, cmd_disclosure_entry,
	cmd_handover_sign_entry, cmd_handover_accept_entry, cmd_handover_list_entry, cmd_log_export_entry, cmd_member_add_entry,
	cmd_member_update_entry, cmd_member_remove_entry, cmd_member_list_entry, cmd_demo_clock_entry,
	cmd_entity_import_entry, cmd_entity_search_entry, cmd_entity_show_entry;

extern const struct cmd_entry cmd_opinion_add_entry, cmd_opinion_list_entry, cmd_opinion_show_entry,
	cmd_opinion_update_entry;

/* Print "zhishou: msg" to stderr and return the exit status for the error. */
int cli_error(const struct zs_error *err);
/* Print a usage error naming the command and return 2. */
int cli_usage(const struct cmd_entry *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* getopt_long over argv (argv[0] is the command); calls back for each
 * option; reports unknown options, missing values and a wrong number of
 * positional arguments (the entry's args_min/args_max) in the user's
 * language.  Returns 0, or the exit status to stop with.  On success
 * *first_arg is the index of the first positional argument. */
typedef int (*cli_opt_cb)(int opt, const char *arg, void *ud);
/* help.c: a command's --help (usage, every option, the words some take). */
void cli_help_command(const struct cmd_entry *cmd, FILE *fp);
/* The placeholder the usage line gives an option's value ("--channel C":
 * "C", "-o FILE": "FILE", "--format table|json": "table|json"), a generic
 * one when it shows none, "" for an option without a value. */
void cli_placeholder(const struct cmd_entry *cmd, const struct option *o, char *buf, size_t n);
/* No command matched argv: a noun's commands (zhishou log --help), or
 * "未知命令" with the nearest command; the exit status. */
int cli_help_unknown(const struct cmd_entry *const *commands, int argc, char **argv, bool help);

int cli_options(const struct cmd_entry *cmd, int argc, char **argv, const struct option *opts,
		cli_opt_cb cb, void *ud, int *first_arg);

/* argv[first..argc) joined by spaces into q (qsz bytes): several words on
 * the command line are one query. */
void cli_join_args(int argc, char **argv, int first, char *q, size_t qsz);

/* --format for listings. */
int cli_format(const struct cmd_entry *cmd, const char *arg, enum out_format *f);

/* The open database for the command (after main opened it). */
static inline struct zs_ctx *cli_ctx(struct cli *c) { return &c->ctx; }

/* The session options from the configuration and the operating system
 * (and ZHISHOU_NOW, which core honours on a test database only). */
void cli_session_options(const struct cli *c, enum role need, struct session_options *o);
/* A write (an add, an action, a 批示, a member) that rides out a lost
 * connection: write_surely, saying 数据库连接中断，正在重连… once on stderr
 * while it waits for the server. */
void cli_say_reconnecting(void *ud);
int cli_write(struct cli *c, write_fn fn, void *arg, int64_t *id, struct zs_error *err);
/* Keep the clock core decided; say so when ZHISHOU_NOW was ignored. */
void cli_clock(struct cli *c, const struct session_clock *clk);
/* Open c->db_path through core, refusing a user below need; 0 or the exit
 * status (the error already printed). */
int cli_open(struct cli *c, enum role need);

/* main.c: where the database and the configuration are when neither
 * --db nor --config says ($ZHISHOU_DB, cfg's [database] path, XDG, /etc);
 * cli_default_db is -1 when nothing names one. */
int cli_default_db(const struct config *cfg, char *buf, size_t n);
void cli_default_config(char *buf, size_t n);
/* Installed setuid (priv.h): the shared account's rights are for path only
 * when it is, letter for letter, the [database] path of the system's own
 * configuration (root's, not writable by anyone else).  A database the
 * user names is opened as the user. */
void cli_trust_db(const char *path);
/* Who runs us, from the operating system (never from a flag). */
void cli_unix_user(char *buf, size_t n);

/* complete.c: `zhishou __complete CWORD WORD…` (bash's COMP_CWORD and
 * COMP_WORDS): the candidates for the word being completed, one a line,
 * from the command table itself.  db and config are main's --db and
 * --config (NULL: not given); the completed line's own win.  Exit status
 * CLI_COMPLETE_FILES: the word is a file name (the shell completes it). */
enum { CLI_COMPLETE_FILES = 3 };
int cli_complete(const struct cmd_entry *const *commands, const char *db, const char *config, int argc,
		 char **argv);

#endif
