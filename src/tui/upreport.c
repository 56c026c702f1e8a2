/* A progress report to the city (r on an exposure's page, R on the
 * morning review for the gala's summary): the next report as it would be
 * written, laid out by the same writer as `zhishou expose report`; n sets
 * 下一步工作, w records it as 第N报 and writes the file. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/progress.h"
#include "zhishou/text.h"

struct upreport {
	struct tui_pager pager;
	int64_t exposure_id;        /* 0: the gala's summary */
	char *next;                 /* 下一步工作 as typed (NULL: the usual words) */
	int number;                 /* the number shown */
	bool recorded;              /* shown as recorded (w done), not a preview */
	struct file_ask out;        /* the file w writes, while it asks for it */
	char error[1024];
	bool built;
};

extern const struct key_table upreport_key_table;

/* The document as text, line by line into the pager (the writer's own
 * layout: what the file will hold). */
static void show(struct upreport *u, const struct progress_doc *d)
{
	pager_clear(&u->pager);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct zs_error err = { 0 };
	if (!fp)
		return;
	progress_print(d, REPORT_TXT, NULL, fp, &err);
	fclose(fp);
	if (d->no_unit)
		pager_add(&u->pager, C_WARN, "%s", TR("（落款没有单位：在配置文件的 [report] 一节写 bureau = 本局名称）",
						      "(signed without a unit: write bureau = your bureau's name under [report] in the settings)"));
	for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		pager_add(&u->pager, d->n && line == buf ? C_TITLE : C_NORMAL, "%s", line);
	}
	free(buf);
}

/* The next report, built as a preview: nothing recorded. */
static void build(struct tui *t, struct upreport *u)
{
	u->built = true;
	u->error[0] = '\0';
	struct progress_params p = { .exposure_id = u->exposure_id, .next = u->next, .preview = true };
	struct progress_doc d;
	struct zs_error err = { 0 };
	if (progress_write(t->c, &p, REPORT_TXT, NULL, &d, &err)) {
		pager_clear(&u->pager);
		snprintf(u->error, sizeof u->error, "%s", err.msg);
		return;
	}
	u->number = d.number;
	show(u, &d);
	progress_doc_clear(&d);
}

static void paint(struct tui *t, void *self)
{
	struct upreport *u = self;
	if (!u->built)
		build(t, u);
	char title[256];
	if (u->recorded)
		snprintf(title, sizeof title, TR("已记为第%d报（q 返回）", "Recorded as report %d (q to go back)"), u->number);
	else if (u->exposure_id)
		snprintf(title, sizeof title, TR("向市局上报：曝光问题 #%lld 的第%d报（预览，w 记下并写出）",
						 "Report to the city: exposure #%lld, report %d (preview; w records it)"),
			 (long long)u->exposure_id, u->number);
	else
		snprintf(title, sizeof title, TR("向市局上报：晚会曝光问题汇总报告（预览，w 记下并写出）",
						 "Report to the city: the gala's summary (preview; w records it)"));
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 1, t->cols - 2, title, C_HEADER);
	if (u->error[0])
		tui_text(t, 2, 1, t->cols - 2, u->error, C_WARN);
	else
		pager_paint(t, &u->pager, 1, t->rows - 2, 1, t->cols - 2);
	tui_hints(t, &upreport_key_table);
}

static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	(void)t;
	struct upreport *u = self;
	if (!fkey && key == 'k')
		key = KEY_UP, fkey = true;
	return pager_key(&u->pager, key, fkey);
}

/* Another desk recorded an action or an instruction: the preview follows
 * (a recorded report stays as it was sent). */
static void changed(struct tui *t, void *self)
{
	(void)t;
	struct upreport *u = self;
	if (!u->recorded)
		u->built = false;
}

static void closed(struct tui *t, void *self)
{
	(void)t;
	struct upreport *u = self;
	pager_clear(&u->pager);
	free(u->next);
	free(u);
}

static void next_done(struct tui *t, void *ud, const char *answer)
{
	struct upreport *u = ud;
	if (!answer)
		return;
	free(u->next);
	u->next = *answer ? strdup(answer) : NULL;
	u->built = false;
	(void)t;
}

/* n: 下一步工作, as the writer wants it said (empty: the usual words). */
static bool key_next(struct tui *t, void *self, int key)
{
	(void)key;
	struct upreport *u = self;
	if (u->recorded) {
		tui_message(t, false, "%s", TR("这一报已记下；要续报请返回后再按 r", "This report is recorded; for the next one go back and press r again"));
		return true;
	}
	prompt_open_lines(t, TR("下一步工作（空：用常用说法）：", "Next steps (empty: the usual words): "), u->next ? u->next : "",
			  next_done, u);
	return true;
}

static void write_now(struct tui *t, void *ud)
{
	struct upreport *u = ud;
	struct progress_params p = { .exposure_id = u->exposure_id, .next = u->next };
	enum report_format f = REPORT_TXT;
	report_format_of_path(u->out.path, &f);
	struct progress_doc d;
	struct zs_error err = { 0 };
	if (progress_write(t->c, &p, f == REPORT_MD ? REPORT_MD : REPORT_TXT, u->out.path, &d, &err)) {
		tui_message(t, true, "%s", err.msg);
		return;
	}
	u->recorded = true;
	u->number = d.number;
	show(u, &d);
	progress_doc_clear(&d);
	char real[PATH_MAX];
	tui_message(t, false, TR("已记为第%d报，写入 %s", "Recorded as report %d, written to %s"), u->number,
		    realpath(u->out.path, real) ? real : u->out.path);
}

static bool text_or_md(const char *path)
{
	enum report_format f;
	return report_format_of_path(path, &f) && (f == REPORT_TXT || f == REPORT_MD);
}

/* w: record it as the next report and write the file (the name offered
 * says which report it is). */
static bool key_write(struct tui *t, void *self, int key)
{
	(void)key;
	struct upreport *u = self;
	if (u->recorded) {
		tui_message(t, false, "%s", TR("这一报已记下；要续报请返回后再按 r", "This report is recorded; for the next one go back and press r again"));
		return true;
	}
	if (u->error[0])
		return true;
	char name[128];
	if (u->exposure_id)
		snprintf(name, sizeof name, TR("曝光%lld-第%d报.txt", "exposure%lld-report%d.txt"), (long long)u->exposure_id, u->number);
	else
		snprintf(name, sizeof name, TR("汇总报告-第%d报.txt", "summary-%d.txt"), u->number);
	u->out = (struct file_ask){ .ok = text_or_md, .write = write_now, .ud = u,
				    .bad = TR("文件名要以 .txt 或 .md 结尾；没有记录", "the file name must end in .txt or .md; nothing recorded") };
	prompt_file(t, TR("记为这一报并写到文件（.txt .md）：", "Record it and write to file (.txt .md): "), name, &u->out);
	return true;
}

static const struct key_binding upreport_keys[] = {
	{ { 'w' }, "w", "记下并写出", "record", "记为这一报（编号由系统给）并写到文件（.txt 或 .md，同 zhishou expose report -o）", "record it as the next report and write the file (.txt or .md, as zhishou expose report -o)", ROLE_OPERATOR, key_write },
	{ { 'n' }, "n", "下一步工作", "next steps", "写下一步工作（不写用常用说法）", "write the next steps (empty: the usual words)", ROLE_OPERATOR, key_next },
	{ { 27, 'q' }, "Esc/q", "返回", "back", "返回（预览不记录）", "back (a preview records nothing)", ROLE_NONE, tui_key_close },
	{ { 0 }, "↑↓/PgUp/PgDn", "滚动", "scroll", "滚动报告", "scroll the report", ROLE_NONE, NULL },
};
const struct key_table upreport_key_table = KEY_TABLE("上报报告", "Progress report", upreport_keys);

static const struct view view_upreport = { "upreport", &upreport_key_table, paint, on_key, NULL, changed, closed };

void upreport_open(struct tui *t, int64_t exposure_id)
{
	struct upreport *u = calloc(1, sizeof *u);
	if (!u)
		return;
	u->pager.mark = -1;
	u->exposure_id = exposure_id;
	tui_push(t, &view_upreport, u);
}
