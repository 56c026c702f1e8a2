/* The statistics table: templates, and the rules that turn the night's data
 * into its rows.  No output here (report_write.c).
 *
 * The rules (also written in data/reports/default.txt and the README):
 *  - the period is [since, until): by default from the start of the latest
 *    gala that has started to now, else from today 00:00;
 *  - intakes count by received_at in the period; a duplicate (status
 *    duplicate) counts once, i.e. the duplicate itself is left out of every
 *    intake row (the original is counted);
 *  - a rejected intake (不予受理) was received, so it counts in complaints,
 *    tips, inquiries, received and gala, but it was not handled: it is left
 *    out of handled_direct and transferred;
 *  - handled_direct / transferred: handling direct / transfer;
 *  - gala: linked to an exposure of the gala (exposure_id set);
 *  - recovered_wan: recovered_fen of the period's intakes (duplicates left
 *    out), in 万元 rounded half up to 2 decimals;
 *  - officers … notices: exposure_action.count summed by kind over actions
 *    recorded (at) in the period; exposures: exposures aired in the period. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "zhishou/member.h"
#include "zhishou/codes.h"
#include "zhishou/embedded.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/opinion.h"
#include "zhishou/report.h"
#include "zhishou/store.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

#define TEMPLATE_MAX_BYTES (64 * 1024)
#define VALUE_MAX_CHARS 50

static const char *const measure_names[RM_COUNT] = {
	[RM_MANUAL] = "manual",
	[RM_COMPLAINTS] = "complaints",
	[RM_TIPS] = "tips",
	[RM_INQUIRIES] = "inquiries",
	[RM_RECEIVED] = "received",
	[RM_GALA] = "gala",
	[RM_HANDLED_DIRECT] = "handled_direct",
	[RM_TRANSFERRED] = "transferred",
	[RM_RECOVERED_WAN] = "recovered_wan",
	[RM_OFFICERS] = "officers",
	[RM_BUSINESSES_CHECKED] = "businesses_checked",
	[RM_CASES] = "cases",
	[RM_INTERVIEWS] = "interviews",
	[RM_SEIZURES] = "seizures",
	[RM_NOTICES] = "notices",
	[RM_EXPOSURES] = "exposures",
	[RM_OPINIONS] = "opinions",
	[RM_OPINIONS_MAJOR] = "opinions_major",
};

/* The exposure_action kind (codes.h vocab_action) behind each action measure. */
static const char *action_kind(enum report_measure m)
{
	switch (m) {
	case RM_OFFICERS: return "officers";
	case RM_BUSINESSES_CHECKED: return "checked";
	case RM_CASES: return "case";
	case RM_INTERVIEWS: return "interview";
	case RM_SEIZURES: return "seizure";
	case RM_NOTICES: return "notice";
	default: return NULL;
	}
}

const char *report_measure_name(enum report_measure m)
{
	return m >= 0 && m < RM_COUNT ? measure_names[m] : NULL;
}

static int measure_find(const char *s)
{
	for (int i = 0; i < RM_COUNT; i++)
		if (!strcmp(measure_names[i], s))
			return i;
	return -1;
}

static const char *const field_names[] = { "no", "section", "label", "unit", "value", "note" };
#define NFIELDS ((int)(sizeof field_names / sizeof field_names[0]))

/* --- templates -------------------------------------------------------- */

void report_template_clear(struct report_template *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->title);
	free(t->caption);
	free(t->date_label);
	for (int i = 0; i < t->ncols; i++)
		free(t->cols[i].title);
	free(t->cols);
	for (int i = 0; i < t->nrows; i++) {
		struct report_row *r = &t->rows[i];
		free(r->key);
		free(r->section);
		free(r->label);
		free(r->unit);
		free(r->note);
	}
	free(t->rows);
	for (int i = 0; i < t->nfootnotes; i++)
		free(t->footnotes[i]);
	free(t->footnotes);
	memset(t, 0, sizeof *t);
}

struct parse {
	const char *name;
	int line;
	struct zs_error *err;
};

static int perr(struct parse *p, const char *fmt_zh, const char *fmt_en, const char *what)
{
	char why[512];
	snprintf(why, sizeof why, TR(fmt_zh, fmt_en), what ? what : "");
	return zs_fail(p->err, ZS_EINPUT, TR("统计表模板 %s 第 %d 行：%s", "report template %s line %d: %s"), p->name,
		       p->line, why);
}

/* A clean, trimmed copy of [s, s+len) (controls removed). */
static char *clean(const char *s, size_t len)
{
	char *c = text_sanitize(s, len, 0);
	if (c)
		text_trim(c);
	return c;
}

/* Split s on '|' into at most max trimmed fields; returns the count (max+1
 * when there are more), -1 when out of memory. */
static int split_bar(const char *s, char **out, int max)
{
	int n = 0;
	for (;;) {
		const char *bar = strchr(s, '|');
		size_t len = bar ? (size_t)(bar - s) : strlen(s);
		if (n == max) {
			for (int i = 0; i < n; i++)
				free(out[i]);
			return max + 1;
		}
		if (!(out[n] = clean(s, len))) {
			for (int i = 0; i < n; i++)
				free(out[i]);
			return -1;
		}
		n++;
		if (!bar)
			return n;
		s = bar + 1;
	}
}

static bool key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 40)
		return false;
	for (const char *c = k; *c; c++)
		if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_'))
			return false;
	return true;
}

static int parse_columns(struct parse *p, const char *v, struct report_template *t)
{
	char *f[16];
	int n = split_bar(v, f, 16);
	if (n < 0)
		return zs_fail(p->err, ZS_EFAIL, "out of memory");
	if (n > 16)
		return perr(p, "列太多（最多 16 列）", "too many columns (at most 16)", NULL);
	if (t->cols)
		return perr(p, "columns 写了两次", "columns given twice", NULL);
	t->cols = calloc((size_t)n, sizeof *t->cols);
	if (!t->cols) {
		for (int i = 0; i < n; i++)
			free(f[i]);
		return zs_fail(p->err, ZS_EFAIL, "out of memory");
	}
	int seen[NFIELDS] = { 0 }, r = ZS_OK;
	for (int i = 0; i < n; i++) {
		char *eq = strrchr(f[i], '=');
		int field = -1;
		if (eq) {
			*eq = '\0';
			char *fname = clean(eq + 1, strlen(eq + 1));
			for (int k = 0; fname && k < NFIELDS; k++)
				if (!strcmp(fname, field_names[k]))
					field = k;
			free(fname);
		}
		if (!r && field < 0)
			r = perr(p, "列「%s」要写成 标题=字段，字段为 no、section、label、unit、value 或 note",
				 "column \"%s\" must be TITLE=FIELD, FIELD one of no, section, label, unit, value, note",
				 f[i]);
		if (!r && seen[field]++)
			r = perr(p, "字段 %s 用了两次", "field %s used twice", field_names[field]);
		t->cols[t->ncols].title = clean(f[i], strlen(f[i]));
		t->cols[t->ncols].field = field < 0 ? RF_NOTE : (enum report_field)field;
		t->ncols++;
		free(f[i]);
	}
	if (!r && (!seen[RF_LABEL] || !seen[RF_VALUE]))
		r = perr(p, "columns 至少要有 label 和 value 两列", "columns need at least label and value", NULL);
	return r;
}

static int parse_row(struct parse *p, const char *v, struct report_template *t)
{
	char *f[6];
	int n = split_bar(v, f, 6);
	if (n < 0)
		return zs_fail(p->err, ZS_EFAIL, "out of memory");
	if (n < 5 || n > 6) {
		if (n <= 6)
			for (int i = 0; i < n; i++)
				free(f[i]);
		return perr(p, "row 要写成 row 键 | 类别 | 项目 | 单位 | 统计口径 [| 备注]",
			    "row must be: row KEY | SECTION | LABEL | UNIT | MEASURE [| NOTE]", NULL);
	}
	int r = ZS_OK, m = measure_find(f[4]);
	if (!key_ok(f[0]))
		r = perr(p, "行键「%s」只能用小写字母、数字和 _（最多 40 个）",
			 "row key \"%s\": lowercase letters, digits and _ only (at most 40)", f[0]);
	else if (!*f[2])
		r = perr(p, "项目（第三栏）不能为空", "the label (third field) is required", NULL);
	else if (m < 0)
		r = perr(p, "未知的统计口径「%s」", "unknown measure \"%s\"", f[4]);
	for (int i = 0; !r && i < t->nrows; i++) {
		if (!strcmp(t->rows[i].key, f[0]))
			r = perr(p, "行键「%s」重复", "row key \"%s\" used twice", f[0]);
		else if (!strcmp(t->rows[i].label, f[2]))
			r = perr(p, "项目「%s」重复（项目要唯一，report set 才能用它指定行）",
				 "label \"%s\" used twice (labels must be unique for report set)", f[2]);
	}
	if (r) {
		for (int i = 0; i < n; i++)
			free(f[i]);
		return r;
	}
	struct report_row *rows = realloc(t->rows, (size_t)(t->nrows + 1) * sizeof *rows);
	if (!rows) {
		for (int i = 0; i < n; i++)
			free(f[i]);
		return zs_fail(p->err, ZS_EFAIL, "out of memory");
	}
	t->rows = rows;
	struct report_row *row = &t->rows[t->nrows++];
	row->key = f[0];
	row->section = f[1];
	row->label = f[2];
	row->unit = f[3];
	free(f[4]);
	row->measure = (enum report_measure)m;
	row->note = n == 6 ? f[5] : strdup("");
	row->no = 0;
	return row->note ? ZS_OK : zs_fail(p->err, ZS_EFAIL, "out of memory");
}

static int set_once(struct parse *p, char **dst, const char *v, const char *what)
{
	if (*dst)
		return perr(p, "%s 写了两次", "%s given twice", what);
	*dst = clean(v, strlen(v));
	return *dst ? ZS_OK : zs_fail(p->err, ZS_EFAIL, "out of memory");
}

static int parse_line(struct parse *p, char *line, struct report_template *t)
{
	if (!strncmp(line, "row", 3) && (line[3] == ' ' || line[3] == '\t'))
		return parse_row(p, line + 4, t);
	char *eq = strchr(line, '=');
	if (!eq)
		return perr(p, "看不懂这一行：「%.60s」（指令为 title、caption、columns、date_label、footnote、row）",
			    "cannot read \"%.60s\" (directives: title, caption, columns, date_label, footnote, row)", line);
	*eq = '\0';
	char *name = clean(line, strlen(line));
	const char *v = eq + 1;
	int r;
	if (!name)
		return zs_fail(p->err, ZS_EFAIL, "out of memory");
	if (!strcmp(name, "title")) {
		r = set_once(p, &t->title, v, "title");
	} else if (!strcmp(name, "caption")) {
		r = set_once(p, &t->caption, v, "caption");
	} else if (!strcmp(name, "date_label")) {
		r = set_once(p, &t->date_label, v, "date_label");
	} else if (!strcmp(name, "columns")) {
		r = parse_columns(p, v, t);
	} else if (!strcmp(name, "footnote")) {
		char **fn = realloc(t->footnotes, (size_t)(t->nfootnotes + 1) * sizeof *fn);
		if (!fn) {
			free(name);
			return zs_fail(p->err, ZS_EFAIL, "out of memory");
		}
		t->footnotes = fn;
		fn[t->nfootnotes] = clean(v, strlen(v));
		r = fn[t->nfootnotes] ? ZS_OK : zs_fail(p->err, ZS_EFAIL, "out of memory");
		if (!r)
			t->nfootnotes++;
	} else {
		r = perr(p, "未知指令「%s」（指令为 title、caption、columns、date_label、footnote、row）",
			 "unknown directive \"%s\" (directives: title, caption, columns, date_label, footnote, row)", name);
	}
	free(name);
	return r;
}

/* A template without a caption is called by its title, less the year
 * ("{year}年“3·15”活动情况统计表" -> "“3·15”活动情况统计表"). */
static char *default_caption(const char *title)
{
	static const char *const lead[] = { "{year}年度", "{year}年", "{year}" };
	for (size_t i = 0; i < sizeof lead / sizeof lead[0]; i++)
		if (!strncmp(title, lead[i], strlen(lead[i])) && title[strlen(lead[i])])
			return strdup(title + strlen(lead[i]));
	return strdup(title);
}

int report_template_parse(const char *name, const char *text, struct report_template *t, struct zs_error *err)
{
	memset(t, 0, sizeof *t);
	struct parse p = { name, 0, err };
	size_t len = strlen(text);
	if (!text_valid_utf8(text, len))
		return zs_fail(err, ZS_EINPUT, TR("统计表模板 %s 不是 UTF-8 文本", "report template %s is not UTF-8 text"),
			       name);
	if (!strncmp(text, "\xEF\xBB\xBF", 3))
		text += 3;
	if (!(t->name = strdup(name)))
		return zs_fail(err, ZS_EFAIL, "out of memory");
	int r = ZS_OK;
	const char *s = text;
	while (*s && !r) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s);
		p.line++;
		char *line = clean(s, l);
		if (!line) {
			r = zs_fail(err, ZS_EFAIL, "out of memory");
			break;
		}
		if (*line && *line != '#')
			r = parse_line(&p, line, t);
		free(line);
		s += l + (nl ? 1 : 0);
	}
	p.line = 0;
	if (!r && (!t->title || !*t->title))
		r = zs_fail(err, ZS_EINPUT, TR("统计表模板 %s 缺少 title", "report template %s has no title"), name);
	if (!r && !t->cols)
		r = zs_fail(err, ZS_EINPUT, TR("统计表模板 %s 缺少 columns", "report template %s has no columns"), name);
	if (!r && !t->nrows)
		r = zs_fail(err, ZS_EINPUT, TR("统计表模板 %s 没有任何 row", "report template %s has no rows"), name);
	if (!r && !t->caption && !(t->caption = default_caption(t->title)))
		r = zs_fail(err, ZS_EFAIL, "out of memory");
	if (!r && !t->date_label && !(t->date_label = strdup("填报日期")))
		r = zs_fail(err, ZS_EFAIL, "out of memory");
	/* 序号: consecutive rows of one section share a number. */
	for (int i = 0, no = 0; !r && i < t->nrows; i++) {
		struct report_row *row = &t->rows[i];
		if (!(i > 0 && *row->section && !strcmp(row->section, t->rows[i - 1].section)))
			no++;
		row->no = no;
	}
	if (r)
		report_template_clear(t);
	return r;
}

#define PREFIX "reports/"
#define SUFFIX ".txt"

int report_template_each(report_name_cb cb, void *ud)
{
	size_t pl = strlen(PREFIX), sl = strlen(SUFFIX);
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		size_t n = strlen(f->name);
		if (n <= pl + sl || strncmp(f->name, PREFIX, pl) || strcmp(f->name + n - sl, SUFFIX))
			continue;
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(n - pl - sl), f->name + pl);
		int r = cb(name, ud);
		if (r)
			return r;
	}
	return 0;
}

static int append_name(const char *name, void *ud)
{
	char *buf = ud;
	size_t l = strlen(buf);
	snprintf(buf + l, 1024 - l, "%s%s", l ? TR("、", ", ") : "", name);
	return 0;
}

static bool name_ok(const char *n)
{
	if (!*n || strlen(n) > 60)
		return false;
	for (const char *c = n; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.'))
			return false;
	return true;
}

static int load_file(const char *path, struct report_template *t, struct zs_error *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return zs_fail(err, errno == ENOENT ? ZS_EINPUT : ZS_EFAIL,
			       TR("无法读取统计表模板 %s：%s", "cannot read report template %s: %s"), path, strerror(errno));
	char *buf = malloc(TEMPLATE_MAX_BYTES + 1);
	if (!buf) {
		fclose(fp);
		return zs_fail(err, ZS_EFAIL, "out of memory");
	}
	size_t n = fread(buf, 1, TEMPLATE_MAX_BYTES + 1, fp);
	bool bad = ferror(fp);
	fclose(fp);
	int r;
	if (bad) {
		r = zs_fail(err, ZS_EFAIL, TR("无法读取统计表模板 %s", "cannot read report template %s"), path);
	} else if (n > TEMPLATE_MAX_BYTES) {
		r = zs_fail(err, ZS_EINPUT, TR("统计表模板 %s 太大（最多 64 KB）", "report template %s is too big (64 KB at most)"),
			    path);
	} else if (memchr(buf, '\0', n)) {
		r = zs_fail(err, ZS_EINPUT, TR("统计表模板 %s 不是文本文件", "report template %s is not a text file"), path);
	} else {
		buf[n] = '\0';
		/* Called by its base name without .txt (report_value.template). */
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		char name[128];
		size_t bl = strlen(base), sl = strlen(SUFFIX);
		if (bl > sl && !strcmp(base + bl - sl, SUFFIX))
			bl -= sl;
		snprintf(name, sizeof name, "%.*s", (int)(bl < 100 ? bl : 100), base);
		if (!name_ok(name))
			r = zs_fail(err, ZS_EINPUT, TR("统计表模板文件名「%s」只能用字母、数字、-、_ 和 .",
						       "report template file name \"%s\": letters, digits, -, _ and . only"),
				    name);
		else
			r = report_template_parse(name, buf, t, err);
	}
	free(buf);
	return r;
}

int report_template_load(const char *name, struct report_template *t, struct zs_error *err)
{
	memset(t, 0, sizeof *t);
	if (!name || !*name)
		name = "default";
	if (strchr(name, '/'))
		return load_file(name, t, err);
	const struct embedded_file *f = NULL;
	if (name_ok(name)) {
		char path[128];
		snprintf(path, sizeof path, PREFIX "%s" SUFFIX, name);
		f = embedded_find(path);
	}
	if (!f) {
		char names[1024] = "";
		report_template_each(append_name, names);
		char *shown = text_sanitize(name, strlen(name), 0);
		char ex[128];
		text_fit_cols(shown ? shown : "?", 40, false, ex, sizeof ex);
		free(shown);
		return zs_fail(err, ZS_EINPUT, TR("没有名为「%s」的统计表模板；可选：%s（也可给出模板文件的路径）",
						  "no report template \"%s\"; choose one of: %s (or give a template file's path)"),
			       ex, names);
	}
	return report_template_parse(name, f->data, t, err);
}

int report_template_row(const struct report_template *t, const char *row, struct zs_error *err)
{
	char *want = clean(row ? row : "", row ? strlen(row) : 0);
	if (!want)
		return zs_fail(err, ZS_EFAIL, "out of memory"), -1;
	int found = -1;
	for (int i = 0; i < t->nrows && found < 0; i++)
		if (!strcmp(t->rows[i].key, want) || !strcmp(t->rows[i].label, want))
			found = i;
	if (found < 0) {
		char ex[128];
		text_fit_cols(want, 40, false, ex, sizeof ex);
		zs_fail(err, ZS_EINPUT,
			TR("统计表「%s」没有「%s」这一行（用 zhishou report list %s 查看各行的键和项目）",
			   "report template \"%s\" has no row \"%s\" (zhishou report list %s shows the rows)"),
			t->name, ex, t->name);
	}
	free(want);
	return found;
}

/* --- computing --------------------------------------------------------- */

struct gala_start {
	int64_t now, start;
};

static int gala_cb(const struct gala *g, void *ud)
{
	struct gala_start *s = ud;
	/* Oldest first: the last one that has started wins. */
	if (g->starts_at <= s->now && g->starts_at > s->start)
		s->start = g->starts_at;
	return 0;
}

int report_default_period(struct zs_ctx *c, int64_t *since, int64_t *until, struct zs_error *err)
{
	struct gala_start s = { c->now, 0 };
	int r = store_gala_each(c->st, gala_cb, &s, err);
	if (r)
		return r;
	if (s.start) {
		*since = s.start;
	} else {
		int y, m, d, hh, mm, ss;
		time_to_local(c->now, &y, &m, &d, &hh, &mm, &ss);
		*since = time_from_local(y, m, d, 0);
	}
	*until = c->now + 1;
	return ZS_OK;
}

struct tally {
	int64_t m[RM_COUNT];   /* recovered as fen */
};

bool report_intake_counted(const char *status)
{
	return strcmp(status, "duplicate") != 0;   /* counted once: as its original */
}

bool report_intake_handled(const char *status)
{
	return report_intake_counted(status) && strcmp(status, "rejected") != 0;
}

static int count_cb(const char *channel, const char *kind, const char *status, bool linked, int64_t n, void *ud)
{
	(void)channel;
	struct tally *t = ud;
	if (!report_intake_counted(status))
		return 0;
	t->m[RM_RECEIVED] += n;
	if (!strcmp(kind, "complaint"))
		t->m[RM_COMPLAINTS] += n;
	else if (!strcmp(kind, "tip"))
		t->m[RM_TIPS] += n;
	else if (!strcmp(kind, "inquiry"))
		t->m[RM_INQUIRIES] += n;
	if (linked)
		t->m[RM_GALA] += n;
	return 0;
}

static int handling_cb(const char *handling, const char *status, int64_t n, int64_t fen, void *ud)
{
	struct tally *t = ud;
	if (!report_intake_counted(status))
		return 0;
	t->m[RM_RECOVERED_WAN] += fen;
	if (!report_intake_handled(status))
		return 0;
	if (!strcmp(handling, "direct"))
		t->m[RM_HANDLED_DIRECT] += n;
	else if (!strcmp(handling, "transfer"))
		t->m[RM_TRANSFERRED] += n;
	return 0;
}

static int action_cb(const char *kind, int64_t sum, void *ud)
{
	struct tally *t = ud;
	for (int m = 0; m < RM_COUNT; m++) {
		const char *k = action_kind((enum report_measure)m);
		if (k && !strcmp(k, kind))
			t->m[m] += sum;
	}
	return 0;
}

bool report_is_number(const char *s)
{
	int dots = 0, digits = 0;
	for (const char *c = s; *c; c++) {
		if (*c == '.')
			dots++;
		else if (isdigit((unsigned char)*c))
			digits++;
		else
			return false;
	}
	return digits > 0 && dots <= 1 && s[0] != '.' && s[strlen(s) - 1] != '.' && strlen(s) <= 20;
}

struct manual {
	struct report *r;
	bool oom;
};

static int manual_cb(const char *key, const char *value, int64_t at, const char *by, void *ud)
{
	(void)at;
	(void)by;
	struct manual *m = ud;
	for (int i = 0; i < m->r->t.nrows; i++) {
		if (m->r->t.rows[i].measure != RM_MANUAL || strcmp(m->r->t.rows[i].key, key))
			continue;
		struct report_value *v = &m->r->values[i];
		free(v->text);
		v->text = strdup(value);
		if (!v->text)
			m->oom = true;
		v->kind = report_is_number(value) ? RV_NUMBER : RV_TEXT;
	}
	return 0;
}

/* s with every {year} replaced. */
static char *fill_year(const char *s, int year)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, "{year}")); p += 6)
		n++;
	char *out = malloc(strlen(s) + n * 8 + 1), *o = out;
	if (!out)
		return NULL;
	const char *p;
	while ((p = strstr(s, "{year}"))) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		o += sprintf(o, "%d", year);
		s = p + 6;
	}
	strcpy(o, s);
	return out;
}

void report_clear(struct report *r)
{
	if (!r)
		return;
	if (r->values)
		for (int i = 0; i < r->t.nrows; i++)
			free(r->values[i].text);
	free(r->values);
	if (r->footnotes)
		for (int i = 0; i < r->t.nfootnotes; i++)
			free(r->footnotes[i]);
	free(r->footnotes);
	report_template_clear(&r->t);
	free(r->title);
	free(r->unit);
	free(r->filler);
	free(r->phone);
	free(r->date);
	memset(r, 0, sizeof *r);
}

static int header_field(const char *given, const char *dflt, struct field_name f, char **out, struct zs_error *err)
{
	return field_text(given ? given : dflt, f, 60, false, false, out, err);
}

static int fill_header(struct zs_ctx *c, const struct report_params *p, struct report *r, struct zs_error *err)
{
	int rc = header_field(p->unit, c->cfg ? c->cfg->bureau : "", FIELD("填报单位", "--unit"), &r->unit, err);
	if (!rc)
		rc = header_field(p->filler, c->cfg ? c->cfg->filler : "", FIELD("填报人", "--filler"), &r->filler, err);
	if (!rc)
		rc = header_field(p->phone, c->cfg ? c->cfg->phone : "", FIELD("联系电话", "--phone"), &r->phone, err);
	if (rc)
		return rc;
	int y, m, d, hh, mm, ss;
	if (p->date) {
		if (!date_parse(p->date, &y, &m, &d)) {
			char *shown = text_sanitize(p->date, strlen(p->date), 0);
			char ex[128];
			text_fit_cols(shown ? shown : "?", 40, false, ex, sizeof ex);
			free(shown);
			return zs_fail(err, ZS_EINPUT, TR("填报日期「%s」不对：应为日期，如 2026-03-16",
							  "--date \"%s\" is wrong: a date such as 2026-03-16"), ex);
		}
	} else {
		time_to_local(c->now, &y, &m, &d, &hh, &mm, &ss);
	}
	char buf[64];
	snprintf(buf, sizeof buf, "%d年%d月%d日", y, m, d);
	r->date = strdup(buf);
	return r->date ? ZS_OK : zs_fail(err, ZS_EFAIL, "out of memory");
}

int report_build(struct zs_ctx *c, const struct report_params *p, struct report *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	int r = report_template_load(p->tmpl, &out->t, err);
	if (r)
		return r;
	int64_t since = 0, until = 0;
	if (!p->since || !p->until)
		r = report_default_period(c, &since, &until, err);
	if (p->since)
		since = p->since;
	if (p->until)
		until = p->until;
	if (!r && since >= until)
		r = zs_fail(err, ZS_EINPUT, TR("统计时段的开始（--from）必须早于结束（--until）",
					       "the period's start (--from) must be before its end (--until)"));
	if (r) {
		report_clear(out);
		return r;
	}
	out->since = since;
	out->until = until;
	out->shown_until = p->until ? p->until : c->now;
	int y, m, d, hh, mm, ss;
	time_to_local(since, &y, &m, &d, &hh, &mm, &ss);
	out->year = y;

	r = fill_header(c, p, out, err);
	out->values = calloc((size_t)out->t.nrows, sizeof *out->values);
	out->title = fill_year(out->t.title, y);
	out->footnotes = calloc((size_t)out->t.nfootnotes + 1, sizeof *out->footnotes);
	for (int i = 0; out->footnotes && i < out->t.nfootnotes; i++)
		if (!(out->footnotes[i] = fill_year(out->t.footnotes[i], y)))
			r = r ? r : zs_fail(err, ZS_EFAIL, "out of memory");
	if (!r && (!out->values || !out->title || !out->footnotes))
		r = zs_fail(err, ZS_EFAIL, "out of memory");

	/* Only the reads the template's rows need. */
	bool need_groups = false, need_handling = false, need_actions = false, need_exposures = false,
	     need_manual = false, need_opinions = false;
	for (int i = 0; i < out->t.nrows; i++) {
		switch (out->t.rows[i].measure) {
		case RM_MANUAL: need_manual = true; break;
		case RM_COMPLAINTS: case RM_TIPS: case RM_INQUIRIES: case RM_RECEIVED: case RM_GALA:
			need_groups = true; break;
		case RM_HANDLED_DIRECT: case RM_TRANSFERRED: case RM_RECOVERED_WAN: need_handling = true; break;
		case RM_EXPOSURES: need_exposures = true; break;
		case RM_OPINIONS: case RM_OPINIONS_MAJOR: need_opinions = true; break;
		default: need_actions = true; break;
		}
	}
	struct tally t = { { 0 } };
	if (!r && need_groups)
		r = store_intake_count_groups(c->st, since, until, count_cb, &t, err);
	if (!r && need_handling)
		r = store_report_handling_groups(c->st, since, until, handling_cb, &t, err);
	if (!r && need_actions)
		r = store_report_action_sums(c->st, since, until, action_cb, &t, err);
	if (!r && need_exposures)
		r = store_report_exposures_aired(c->st, since, until, &t.m[RM_EXPOSURES], err);
	if (!r && need_opinions)
		r = opinion_count(c, since, until, &t.m[RM_OPINIONS], &t.m[RM_OPINIONS_MAJOR], err);
	if (!r && need_manual) {
		struct manual mm = { out, false };
		r = store_report_value_each(c->st, out->t.name, out->year, manual_cb, &mm, err);
		if (!r && mm.oom)
			r = zs_fail(err, ZS_EFAIL, "out of memory");
	}
	for (int i = 0; !r && i < out->t.nrows; i++) {
		struct report_value *v = &out->values[i];
		enum report_measure ms = out->t.rows[i].measure;
		if (ms == RM_MANUAL)
			continue;
		if (ms == RM_RECOVERED_WAN) {
			/* fen -> hundredths of 万元 (1 万元 = 1,000,000 fen), half up. */
			v->kind = RV_WAN;
			v->n = (t.m[ms] + 5000) / 10000;
		} else {
			v->kind = RV_COUNT;
			v->n = t.m[ms];
		}
	}
	if (r)
		report_clear(out);
	return r;
}

const char *report_value_text(const struct report_value *v, char *buf, size_t bufsz)
{
	switch (v->kind) {
	case RV_COUNT:
		snprintf(buf, bufsz, "%lld", (long long)v->n);
		break;
	case RV_WAN:
		snprintf(buf, bufsz, "%lld.%02lld", (long long)(v->n / 100), (long long)(v->n % 100));
		break;
	case RV_NUMBER:
	case RV_TEXT:
		snprintf(buf, bufsz, "%s", v->text ? v->text : "");
		break;
	default:
		snprintf(buf, bufsz, "%s", "");
	}
	return buf;
}

/* --- hand-entered rows -------------------------------------------------- */

/* "-3", "－3", "-0.5": a number below zero. */
static bool negative_number(const char *s)
{
	if (s[0] == '-')
		return report_is_number(s + 1);
	if (!strncmp(s, "－", strlen("－")))
		return report_is_number(s + strlen("－"));
	return false;
}

int report_set(struct zs_ctx *c, const char *tmpl, const char *row, const char *value, int year, bool *changed,
	       char *label_out, size_t label_sz, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_LEADER, "填写统计表", "filling in the statistics table", err);
	if (rr_)
		return rr_;
	*changed = false;
	struct report_template t;
	int r = report_template_load(tmpl, &t, err);
	if (r)
		return r;
	int i = report_template_row(&t, row, err);
	if (i < 0) {
		report_template_clear(&t);
		return ZS_EINPUT;
	}
	const struct report_row *rw = &t.rows[i];
	if (label_out)
		snprintf(label_out, label_sz, "%s", rw->label);
	if (rw->measure != RM_MANUAL) {
		r = zs_fail(err, ZS_EINPUT,
			    TR("「%s」（%s）是自动统计的行（统计口径 %s），不能手填",
			       "\"%s\" (%s) is computed from the night's data (measure %s) and cannot be set by hand"),
			    rw->label, rw->key, report_measure_name(rw->measure));
		report_template_clear(&t);
		return r;
	}
	char *v = NULL;
	char fname[256];
	snprintf(fname, sizeof fname, TR("「%s」的值", "the value of \"%s\""), rw->label);
	r = field_text(value, FIELD(fname, fname), VALUE_MAX_CHARS, false, true, &v, err);
	if (!r && negative_number(v))
		r = zs_fail(err, ZS_EINPUT, TR("%s「%s」不对：不能是负数", "%s \"%s\" is wrong: it cannot be negative"),
			    fname, v);
	if (r) {
		free(v);
		report_template_clear(&t);
		return r;
	}
	if (!(r = store_begin(c->st, err))) {
		char *old = NULL;
		r = store_report_value_get(c->st, t.name, year, rw->key, &old, err);
		if (r == ZS_ENOTFOUND)
			r = ZS_OK;
		if (!r && old && !strcmp(old, v)) {
			/* The same value again: no write, no audit row. */
			store_rollback(c->st);
			free(old);
			free(v);
			report_template_clear(&t);
			return ZS_OK;
		}
		if (!r)
			r = store_report_value_set(c->st, t.name, year, rw->key, v, c->now, err);
		if (!r) {
			json_t *a = json_pack("{s:s, s:i, s:s, s:s, s:s}", "template", t.name, "year", year, "row",
					      rw->key, "label", rw->label, "value", v);
			json_t *b = old ? json_pack("{s:s}", "value", old) : NULL;
			char *as = a ? json_dumps(a, JSON_COMPACT) : NULL, *bs = b ? json_dumps(b, JSON_COMPACT) : NULL;
			if (!as || (old && !bs))
				r = zs_fail(err, ZS_EFAIL, "out of memory");
			else
				r = store_audit(c->st, "report", 0, "set", "value", bs ? bs : "", as, err);
			free(as);
			free(bs);
			json_decref(a);
			json_decref(b);
		}
		if (!r)
			r = store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
		else
			*changed = true;
		free(old);
	}
	free(v);
	report_template_clear(&t);
	return r;
}
