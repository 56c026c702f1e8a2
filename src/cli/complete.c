/* zhishou __complete: the shell's completion asks the program, so a new
 * command, option or vocabulary completes without touching the script
 * (data/completion/zhishou).  Everything comes from the command table:
 * the names, each command's getopt options, the vocabularies its values
 * take (codes.c), the alternatives its usage line gives ("table|json"),
 * the compiled-in report templates, and the units in the database when it
 * can be read without being created, migrated or written.  Silent: a
 * completion that fails offers nothing and says nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zhishou/codes.h"
#include "zhishou/reads.h"
#include "zhishou/report.h"

/* What is being completed, and where the completed line says the
 * database and the configuration are. */
struct comp {
	const char *cur;       /* the word under the cursor, as typed so far */
	char pre[1024];        /* what of it stays in front of each candidate ("A;" of "A;B") */
	const char *db, *config;
};

/* One candidate, if it starts with what was typed.  Text from the
 * database is not trusted: a name with a control character (a newline
 * would make two candidates) is left out. */
static void offer(const struct comp *c, const char *word)
{
	size_t l = strlen(c->pre);
	if (!word || !*word || strncmp(word, c->cur + l, strlen(c->cur) - l))
		return;
	for (const unsigned char *p = (const unsigned char *)word; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return;
	printf("%s%s\n", c->pre, word);
}

static bool is_option(const char *w, const char *name, char letter)
{
	return (w[0] == '-' && w[1] == '-' && !strcmp(w + 2, name)) || (letter && w[0] == '-' && w[1] == letter && !w[2]);
}

/* --db, --config and --lang before the command: 1 if w is one (its value
 * follows). */
static bool global_with_value(const char *w)
{
	return is_option(w, "db", 'd') || is_option(w, "config", 'c') || is_option(w, "lang", 'l');
}

static void offer_globals(const struct comp *c)
{
	static const char *const globals[] = { "--db", "--config", "--lang", "--help", "--version", NULL };
	for (int i = 0; globals[i]; i++)
		offer(c, globals[i]);
}

/* The first words of the commands (log, expose …), each once. */
static void offer_nouns(const struct comp *c, const struct cmd_entry *const *commands)
{
	for (int i = 0; commands[i]; i++) {
		const char *name = commands[i]->name;
		size_t l = strcspn(name, " ");
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = strlen(commands[j]->name) >= l && !strncmp(commands[j]->name, name, l) &&
			       (commands[j]->name[l] == ' ' || !commands[j]->name[l]);
		if (seen)
			continue;
		char noun[64];
		snprintf(noun, sizeof noun, "%.*s", (int)l, name);
		offer(c, noun);
	}
}

/* The second words after a noun (log add, log list …); false if it has none. */
static bool offer_verbs(const struct comp *c, const struct cmd_entry *const *commands, const char *noun)
{
	size_t l = strlen(noun);
	bool any = false;
	for (int i = 0; commands[i]; i++) {
		const char *name = commands[i]->name;
		if (!strncmp(name, noun, l) && name[l] == ' ') {
			offer(c, name + l + 1);
			any = true;
		}
	}
	return any;
}

/* The command words[k] (and words[k+1]) name; *used: how many words. */
static const struct cmd_entry *command_at(const struct cmd_entry *const *commands, char **words, int n, int k,
					  int *used)
{
	const struct cmd_entry *one = NULL;
	for (int i = 0; commands[i]; i++) {
		const char *name = commands[i]->name, *sp = strchr(name, ' ');
		size_t l = sp ? (size_t)(sp - name) : strlen(name);
		if (strlen(words[k]) != l || strncmp(words[k], name, l))
			continue;
		if (!sp) {
			one = commands[i];
		} else if (k + 1 < n && !strcmp(words[k + 1], sp + 1)) {
			*used = 2;
			return commands[i];
		}
	}
	*used = 1;
	return one;
}

static const struct option *option_named(const struct cmd_entry *cmd, const char *w)
{
	for (const struct option *o = cmd->opts; o && o->name; o++)
		if (is_option(w, o->name, o->val > ' ' && o->val <= '~' ? (char)o->val : 0))
			return o;
	return NULL;
}

static int template_cb(const char *name, void *ud)
{
	offer(ud, name);
	return 0;
}

static int unit_cb(const struct unit *u, void *ud)
{
	offer(ud, u->name);
	return 0;
}

/* The units, from the database if it opens read-only as it is: never
 * created, migrated or written, and for those its readers may be. */
static void offer_units(const struct comp *c)
{
	char dbbuf[4096], cfgpath[4096];
	struct config cfg;
	struct zs_error err = { 0 };
	config_defaults(&cfg);
	if (c->config)
		snprintf(cfgpath, sizeof cfgpath, "%s", c->config);
	else
		cli_default_config(cfgpath, sizeof cfgpath);
	if (config_load(&cfg, cfgpath, false, &err))
		return;
	const char *db = c->db;
	if (!db) {
		if (cli_default_db(&cfg, dbbuf, sizeof dbbuf))
			return;
		db = dbbuf;
	}
	struct cli cli = { .cfg = cfg, .db_path = db };
	cli.ctx.cfg = &cli.cfg;
	cli_unix_user(cli.user, sizeof cli.user);
	struct session_options so;
	struct session_clock clk;
	cli_session_options(&cli, cfg.unknown_readonly ? ROLE_NONE : ROLE_OPERATOR, &so);
	so.readonly = true;
	so.test_now = NULL;
	cli_trust_db(db);
	if (session_open(db, &so, &cli.ctx, &clk, &err))
		return;
	unit_list(&cli.ctx, unit_cb, (void *)c, &err);
	session_close(&cli.ctx);
}

/* The values of option o of cmd; CLI_COMPLETE_FILES for a file name. */
static int offer_values(struct comp *c, const struct cmd_entry *cmd, const struct option *o)
{
	for (const struct cmd_values *v = cmd->values; v && v->option; v++)
		if (!strcmp(v->option, o->name)) {
			for (size_t i = 0; i < v->vocab->n; i++) {
				offer(c, v->vocab->items[i].code);
				offer(c, v->vocab->items[i].zh);
			}
			return 0;
		}
	if (!strcmp(o->name, "template")) {
		report_template_each(template_cb, (void *)c);
		/* A template may also be a file (a name with a '/'). */
		return strchr(c->cur, '/') ? CLI_COMPLETE_FILES : 0;
	}
	if (!strcmp(o->name, "transfer") || !strcmp(o->name, "lead") || !strcmp(o->name, "unit")) {
		offer_units(c);
		return 0;
	}
	if (!strcmp(o->name, "assist")) {
		/* Several, separated by ';': complete the last. */
		const char *semi = strrchr(c->cur, ';');
		if (semi)
			snprintf(c->pre, sizeof c->pre, "%.*s", (int)(semi - c->cur + 1), c->cur);
		offer_units(c);
		return 0;
	}
	char ph[128];
	cli_placeholder(cmd, o, ph, sizeof ph);
	if (!strcmp(ph, "FILE") || !strcmp(ph, "PATH") || !strcmp(ph, "DIR"))
		return CLI_COMPLETE_FILES;
	/* The alternatives the usage line spells out (--format table|json). */
	if (strchr(ph, '|'))
		for (char *save = NULL, *w = strtok_r(ph, "|", &save); w; w = strtok_r(NULL, "|", &save))
			offer(c, w);
	return 0;
}

/* The npos-th positional argument (from 0), as the usage line names it. */
static int offer_positional(struct comp *c, const struct cmd_entry *cmd, int npos)
{
	const char *u = cmd->usage ? cmd->usage : "";
	for (int i = 0; i < npos && *u; i++) {
		u += strcspn(u, " ");
		u += strspn(u, " ");
	}
	size_t l = strcspn(u, " ");
	if ((l == 4 && !strncmp(u, "FILE", 4)))
		return CLI_COMPLETE_FILES;
	if ((l == 8 && !strncmp(u, "TEMPLATE", 8)) || (l == 10 && !strncmp(u, "[TEMPLATE]", 10)))
		report_template_each(template_cb, (void *)c);
	if (l == 4 && !strncmp(u, "UNIT", 4))
		offer_units(c);
	return 0;
}

/* After the command: its options, an option's value, or an argument. */
static int complete_command(struct comp *c, const struct cmd_entry *cmd, char **words, int from, int cword)
{
	int npos = 0;
	const struct option *pending = NULL;
	for (int i = from; i < cword; i++) {
		const char *w = words[i];
		if (pending) {
			/* bash splits "--channel=web" at the '=' (COMP_WORDBREAKS). */
			if (strcmp(w, "="))
				pending = NULL;
			continue;
		}
		if (!strcmp(w, "--")) {
			npos += cword - i - 1;
			break;
		}
		if (w[0] == '-' && w[1]) {
			const struct option *o = option_named(cmd, w);
			if (o && o->has_arg == required_argument)
				pending = o;
			continue;
		}
		npos++;
	}
	/* Right after "--channel=": the "=" is the word, kept in front. */
	if (pending && !strcmp(c->cur, "="))
		snprintf(c->pre, sizeof c->pre, "=");
	if (pending)
		return offer_values(c, cmd, pending);
	if (c->cur[0] == '-') {
		for (const struct option *o = cmd->opts; o && o->name; o++) {
			char opt[80];
			snprintf(opt, sizeof opt, "--%s", o->name);
			offer(c, opt);
		}
		offer(c, "--help");
		return 0;
	}
	return offer_positional(c, cmd, npos);
}

int cli_complete(const struct cmd_entry *const *commands, const char *db, const char *config, int argc,
		 char **argv)
{
	if (argc < 2)
		return 0;
	char *end;
	long cw = strtol(argv[0], &end, 10);
	char **words = argv + 1;
	int n = argc - 1;
	if (*end || cw < 1 || cw > n)
		return 0;
	int cword = (int)cw;
	struct comp c = { .cur = cword < n ? words[cword] : "", .db = db, .config = config };
	/* The options before the command (words[0] is the program). */
	int k = 1;
	while (k < cword && words[k][0] == '-') {
		if (global_with_value(words[k]) && k + 1 < n) {
			if (is_option(words[k], "db", 'd'))
				c.db = words[k + 1];
			else if (is_option(words[k], "config", 'c'))
				c.config = words[k + 1];
			if (k + 1 == cword) {
				if (is_option(words[k], "lang", 'l')) {
					offer(&c, "zh");
					offer(&c, "en");
					return 0;
				}
				return CLI_COMPLETE_FILES;
			}
			k += 2;
			continue;
		}
		k++;
	}
	if (k >= cword) {
		if (c.cur[0] == '-')
			offer_globals(&c);
		else
			offer_nouns(&c, commands);
		return 0;
	}
	int used;
	const struct cmd_entry *cmd = command_at(commands, words, cword, k, &used);
	/* Right after a noun: its verbs (and a one-word command's own words). */
	if (k + 1 == cword && c.cur[0] != '-' && offer_verbs(&c, commands, words[k]) && (!cmd || used == 2))
		return 0;
	if (!cmd)
		return 0;
	return complete_command(&c, cmd, words, k + used, cword);
}
