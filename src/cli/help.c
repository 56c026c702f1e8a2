/* Help where people look: a command's options with the words they take,
 * a noun's commands (zhishou log --help), and "did you mean" for a typo.
 * Everything comes from the command table, so it cannot drift from what
 * the commands accept. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "zhishou/codes.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

/* Does the usage line give the option by its letter ("-o FILE")? */
static bool short_form(const struct cmd_entry *cmd, const struct option *o)
{
	if (!cmd->usage || o->val <= ' ' || o->val > '~')
		return false;
	char pat[8];
	snprintf(pat, sizeof pat, "[-%c", o->val);
	if (strstr(cmd->usage, pat))
		return true;
	snprintf(pat, sizeof pat, " -%c ", o->val);
	return strstr(cmd->usage, pat) != NULL;
}

/* The placeholder the usage line gives an option ("--channel C" -> "C"),
 * or a generic one when the usage does not show it. */
void cli_placeholder(const struct cmd_entry *cmd, const struct option *o, char *buf, size_t n)
{
	buf[0] = '\0';
	if (o->has_arg == no_argument)
		return;
	char pat[64];
	snprintf(pat, sizeof pat, "--%s ", o->name);
	const char *p = cmd->usage ? strstr(cmd->usage, pat) : NULL;
	if (!p && cmd->usage && short_form(cmd, o)) {
		snprintf(pat, sizeof pat, "-%c ", o->val);
		p = strstr(cmd->usage, pat);
	}
	if (p) {
		p += strlen(pat);
		size_t len = strcspn(p, " ]");
		if (len && *p != '[' && *p != '-' && len < n) {
			memcpy(buf, p, len);
			buf[len] = '\0';
			return;
		}
	}
	snprintf(buf, n, "%s", TR("值", "VALUE"));
}

static const struct vocab *values_of(const struct cmd_entry *cmd, const char *option)
{
	for (const struct cmd_values *v = cmd->values; v && v->option; v++)
		if (!strcmp(v->option, option))
			return v->vocab;
	return NULL;
}

/* What the options every listing shares are for, said once here; a
 * command's own table (cmd->about) is read first. */
static const struct cmd_about shared[] = {
	{ "format", "输出格式", "output format" },
	{ "limit", "最多列出多少条", "list at most this many" },
	{ NULL, NULL, NULL },
};

static const char *about_of(const struct cmd_entry *cmd, const char *option)
{
	for (const struct cmd_about *a = cmd->about; a && a->option; a++)
		if (!strcmp(a->option, option))
			return TR(a->zh, a->en);
	for (const struct cmd_about *a = shared; a->option; a++)
		if (!strcmp(a->option, option))
			return TR(a->zh, a->en);
	return NULL;
}

/* "--channel C", or "-o, --output FILE" where the usage uses the letter. */
static void option_line(const struct cmd_entry *cmd, const struct option *o, const char *ph, char *buf, size_t n)
{
	char letter[8] = "";
	if (short_form(cmd, o))
		snprintf(letter, sizeof letter, "-%c, ", o->val);
	snprintf(buf, n, "%s--%s%s%s", letter, o->name, *ph ? " " : "", ph);
}

static void options_help(const struct cmd_entry *cmd, FILE *fp)
{
	fprintf(fp, "%s\n", TR("选项：", "options:"));
	/* One column for the options, as wide as the widest (by display
	 * columns: placeholders may be Chinese). */
	int widest = 0;
	for (const struct option *o = cmd->opts; o->name; o++) {
		char ph[64], line[160];
		cli_placeholder(cmd, o, ph, sizeof ph);
		option_line(cmd, o, ph, line, sizeof line);
		int w = text_width(line);
		if (w > widest)
			widest = w;
	}
	for (const struct option *o = cmd->opts; o->name; o++) {
		char ph[64], line[160];
		cli_placeholder(cmd, o, ph, sizeof ph);
		option_line(cmd, o, ph, line, sizeof line);
		const struct vocab *v = values_of(cmd, o->name);
		const char *about = about_of(cmd, o->name);
		if (!about && !v) {
			fprintf(fp, "  %s\n", line);
			continue;
		}
		fprintf(fp, "  %s%*s  %s%s%s%s\n", line, widest - text_width(line), "", about ? about : "",
			about && v ? TR("；", "; ") : "", v ? TR("可填：", "one of: ") : "", v ? vocab_choices(v) : "");
	}
}

void cli_help_command(const struct cmd_entry *cmd, FILE *fp)
{
	fprintf(fp, "%s zhishou %s %s\n%s\n", TR("用法：", "usage:"), cmd->name, cmd->usage,
		TR(cmd->help_zh, cmd->help_en));
	if (cmd->args_min > 0 && cmd->arg_zh)
		fprintf(fp, "%s%s\n", TR("参数：", "arguments: "), TR(cmd->arg_zh, cmd->arg_en));
	if (cmd->opts && cmd->opts[0].name)
		options_help(cmd, fp);
	/* Every time the command takes is read by one parser: say once what
	 * it accepts. */
	if (strstr(cmd->usage, "TIME"))
		fprintf(fp, "%s%s\n", TR("TIME 可写：", "TIME may be: "), time_parse_forms());
}

/* Edit distance between two short ASCII command names (a dozen letters:
 * the plain dynamic programme, no library needed for that). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return (size_t)-1;
	size_t row[41];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The command whose name is nearest to what was typed (one or two words),
 * if it is near enough to be a typo: at most 2 edits, fewer for short words. */
static const struct cmd_entry *nearest(const struct cmd_entry *const *commands, int argc, char **argv)
{
	char two[128];
	snprintf(two, sizeof two, "%s %s", argv[0], argc > 1 ? argv[1] : "");
	const struct cmd_entry *best = NULL;
	size_t best_d = (size_t)-1;
	for (int i = 0; commands[i]; i++) {
		const char *name = commands[i]->name;
		size_t d = distance(strchr(name, ' ') ? two : argv[0], name);
		size_t limit = strlen(name) <= 4 ? 1 : 2;
		if (d <= limit && d < best_d) {
			best = commands[i];
			best_d = d;
		}
	}
	return best;
}

static int noun_commands(const struct cmd_entry *const *commands, const char *noun, FILE *fp)
{
	size_t l = strlen(noun);
	int n = 0;
	for (int i = 0; commands[i]; i++) {
		const char *name = commands[i]->name;
		if (!strncmp(name, noun, l) && (name[l] == ' ' || name[l] == '\0')) {
			if (!n++)
				fprintf(fp, TR("zhishou %s 的命令：\n", "zhishou %s commands:\n"), noun);
			fprintf(fp, "  %-16s %s\n", name, TR(commands[i]->help_zh, commands[i]->help_en));
		}
	}
	if (n)
		fprintf(fp, TR("每个命令加 --help 查看它的选项。\n", "Add --help to a command for its options.\n"));
	return n;
}

int cli_help_unknown(const struct cmd_entry *const *commands, int argc, char **argv, bool help)
{
	bool asks = help || argc == 1 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");
	/* A noun alone or with --help: its commands (zhishou log --help). */
	/* Asked for (--help): on standard output; a noun alone is a mistake,
	 * said on standard error. */
	bool asked = help || argc > 1;
	if (asks && noun_commands(commands, argv[0], asked ? stdout : stderr)) {
		if (asked)
			return 0;
		fprintf(stderr, TR("zhishou %s 后面要跟上面的一个命令\n", "zhishou %s needs one of the commands above\n"),
			argv[0]);
		return 2;
	}
	char typed[160];
	snprintf(typed, sizeof typed, "%s%s%s", argv[0], argc > 1 && argv[1][0] != '-' ? " " : "",
		 argc > 1 && argv[1][0] != '-' ? argv[1] : "");
	/* out_line sanitises: what was typed is not trusted text. */
	char line[512];
	const struct cmd_entry *near = nearest(commands, argc, argv);
	if (near)
		snprintf(line, sizeof line, TR("zhishou：未知命令「%s」。是不是 zhishou %s？",
					       "zhishou: unknown command \"%s\". Did you mean zhishou %s?"), typed, near->name);
	else
		snprintf(line, sizeof line, TR("zhishou：未知命令「%s」", "zhishou: unknown command \"%s\""), typed);
	out_line(stderr, line);
	if (!noun_commands(commands, argv[0], stderr))
		fprintf(stderr, TR("zhishou --help 列出所有命令。\n", "zhishou --help lists every command.\n"));
	return 2;
}
