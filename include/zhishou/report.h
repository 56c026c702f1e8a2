/* report: the statistics table (活动情况统计表) a bureau files the morning
 * after the gala.
 *
 * Rows differ from bureau to bureau, so a table is a template (plain text,
 * data/reports/NAME.txt, compiled in; format documented at the top of
 * data/reports/default.txt): its title, columns and rows, each row either
 * computed from the night's data (a "measure") or typed in by hand
 * (`zhishou report set`, kept per template and year in report_value).
 * report.c loads templates and computes a report into a struct;
 * report_write.c turns it into XLSX, CSV, Markdown or aligned text. */
#ifndef ZHISHOU_REPORT_H
#define ZHISHOU_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "zhishou/ctx.h"
#include "zhishou/error.h"

enum report_measure {
	RM_MANUAL,            /* typed in with `report set` */
	RM_COMPLAINTS,        /* intakes of kind complaint received in the period */
	RM_TIPS,              /* … tip */
	RM_INQUIRIES,         /* … inquiry */
	RM_RECEIVED,          /* all kinds */
	RM_GALA,              /* linked to a gala exposure */
	RM_HANDLED_DIRECT,    /* handling direct */
	RM_TRANSFERRED,       /* handling transfer */
	RM_RECOVERED_WAN,     /* money recovered, 万元 with 2 decimals */
	RM_OFFICERS,          /* exposure actions in the period, summed by kind */
	RM_BUSINESSES_CHECKED,
	RM_CASES,
	RM_INTERVIEWS,
	RM_SEIZURES,
	RM_NOTICES,
	RM_EXPOSURES,         /* exposures aired in the period */
	RM_OPINIONS,          /* opinions (舆情) found in the period */
	RM_OPINIONS_MAJOR,    /* … of level 重大 */
	RM_COUNT
};

/* "complaints" … ; NULL for an unknown one. */
const char *report_measure_name(enum report_measure m);

/* What a column of the table shows. */
enum report_field { RF_NO, RF_SECTION, RF_LABEL, RF_UNIT, RF_VALUE, RF_NOTE };

struct report_column {
	char *title;
	enum report_field field;
};

struct report_row {
	char *key;            /* stable ASCII key (report_value.row_key) */
	char *section;        /* 类别, may be "" */
	char *label;          /* 项目 (unique in its template) */
	char *unit;           /* 单位, may be "" */
	char *note;           /* 备注 given by the template, may be "" */
	enum report_measure measure;
	int no;               /* 序号: rows of one section share a number */
};

struct report_template {
	char *name;           /* "2021-activity" */
	char *title;          /* may hold {year} */
	char *caption;        /* what lists call it (值守台通用版); default: the title less {year} */
	char *date_label;     /* 填报日期 (some tables say 时间) */
	struct report_column *cols;
	int ncols;
	struct report_row *rows;
	int nrows;
	char **footnotes;     /* printed under the table; may hold {year} */
	int nfootnotes;
};

/* Parse template text (name is what it is called by).  Errors name the
 * line. */
int report_template_parse(const char *name, const char *text, struct report_template *t, struct zs_error *err);
/* A compiled-in template by name ("default"), or a file when name holds a
 * '/' (then called by its base name without ".txt"). */
int report_template_load(const char *name, struct report_template *t, struct zs_error *err);
void report_template_clear(struct report_template *t);
/* The compiled-in templates' names, in meson's order. */
typedef int (*report_name_cb)(const char *name, void *ud);
int report_template_each(report_name_cb cb, void *ud);
/* The row called row (its key or its label): index, or -1 with err set. */
int report_template_row(const struct report_template *t, const char *row, struct zs_error *err);

enum report_value_kind {
	RV_EMPTY,   /* a hand row not filled in */
	RV_COUNT,   /* n */
	RV_WAN,     /* n hundredths of 万元 (shown with 2 decimals) */
	RV_NUMBER,  /* a hand-typed number, text as typed */
	RV_TEXT,    /* hand-typed text */
};

struct report_value {
	enum report_value_kind kind;
	int64_t n;
	char *text;  /* RV_NUMBER, RV_TEXT */
};

struct report {
	struct report_template t;
	int year;                   /* of the period's start: picks the hand rows */
	int64_t since, until;       /* [since, until) */
	int64_t shown_until;        /* the period's end as shown (now, or --until) */
	char *title;                /* {year} filled in */
	char **footnotes;           /* the same */
	char *unit, *filler, *phone, *date;   /* 填报单位 填报人 联系电话 填报日期 */
	struct report_value *values;          /* one per row */
};

struct report_params {
	const char *tmpl;             /* NULL: "default" */
	int64_t since, until;         /* 0: the default period */
	const char *unit, *filler, *phone, *date;  /* NULL: from config / today */
};

/* The default period: from the start of the latest gala that has started
 * to now; with no gala yet, from today 00:00 (display zone).  until is
 * exclusive (now + 1). */
int report_default_period(struct zs_ctx *c, int64_t *since, int64_t *until, struct zs_error *err);

/* The report's rules for one intake, shared with every table counted from
 * intakes (the complaint disclosure): a duplicate (status duplicate) is not
 * counted, its original is (counted once); a rejected one (不予受理) was
 * received but not handled. */
bool report_intake_counted(const char *status);
bool report_intake_handled(const char *status);

/* Load the template and compute every row. */
int report_build(struct zs_ctx *c, const struct report_params *p, struct report *out, struct zs_error *err);
void report_clear(struct report *r);

/* A value as text ("12", "0.35", hand text; "" when empty). */
const char *report_value_text(const struct report_value *v, char *buf, size_t bufsz);
/* A hand-typed value is a number when it is digits with at most one '.'. */
bool report_is_number(const char *s);

/* Fill in hand row `row` (key or label) of template tmpl for year; audited
 * in the same transaction.  *changed is false when it already had that
 * value.  label_out (may be NULL) gets the row's label, for messages.
 * Refuses an unknown template or row, a computed row, and a value that is
 * empty, longer than 50 characters or a negative number. */
int report_set(struct zs_ctx *c, const char *tmpl, const char *row, const char *value, int year, bool *changed,
	       char *label_out, size_t label_sz, struct zs_error *err);

/* writers (report_write.c) */
enum report_format { REPORT_XLSX, REPORT_CSV, REPORT_MD, REPORT_TXT };
bool report_parse_format(const char *s, enum report_format *f);
/* The format a file name's extension asks for (统计表.xlsx); false (and *f
 * untouched) when it names none: the command then writes text, the console
 * asks for one. */
bool report_format_of_path(const char *path, enum report_format *f);
/* Write r as f.  With path: into a temporary file in path's directory,
 * renamed over path once complete (nothing half-written is left on any
 * failure).  Without path (not xlsx): to fp. */
int report_write(const struct report *r, enum report_format f, const char *path, FILE *fp, struct zs_error *err);

#endif
