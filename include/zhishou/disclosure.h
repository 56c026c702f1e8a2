/* disclosure: the complaint disclosure table (消费投诉公示), seed 000: per
 * business named in complaints, the complaints received, how many were
 * mediated and with what success, and the losses recovered.
 *
 * disclosure.c builds the rows from the night's intakes (the rules are at
 * its top and in the footnotes); disclosure_write.c writes them with the
 * statistics report's writers.  A disclosure names businesses only, never
 * callers or phones. */
#ifndef ZHISHOU_DISCLOSURE_H
#define ZHISHOU_DISCLOSURE_H

#include <stdint.h>
#include <stdio.h>
#include "zhishou/ctx.h"
#include "zhishou/error.h"
#include "zhishou/report.h"

struct disclosure_row {
	char *uscc;               /* "" when the complaints gave none (grouped by name) */
	char *name;               /* as typed, trimmed; for a USCC, the latest name given ("" if none) */
	int64_t complaints;       /* 被投诉总次数 */
	int64_t mediated;         /* 调解：closed with an outcome (调解结果) */
	int64_t succeeded;        /* 调解成功：outcome agreed (达成协议) */
	bool odr;                 /* an ODR enterprise (register), or handed to through ODR */
	int64_t recovered_fen;    /* 挽回经济损失 */
	int64_t latest_at;        /* received_at of the intake whose name is shown */
};

#define DISCLOSURE_NOTES 4

struct disclosure {
	int64_t since, until;     /* [since, until) */
	int64_t shown_until;      /* the period's end as shown (now, or --until) */
	int64_t min;              /* businesses with fewer complaints are left out */
	struct disclosure_row *rows;
	int nrows;
	int64_t unnamed;          /* complaints naming no business: left out */
	int64_t left_out;         /* businesses below min */
	char *title;
	char *period;             /* 统计时段：… 至 … */
	char *notes[DISCLOSURE_NOTES];  /* the rules, printed under every format */
};

struct disclosure_params {
	int64_t since, until;     /* 0: the report's default period */
	int64_t min;              /* 0 or 1: every business */
};

int disclosure_build(struct zs_ctx *c, const struct disclosure_params *p, struct disclosure *out, struct zs_error *err);
void disclosure_clear(struct disclosure *d);

/* 调解成功率 as text: "66.7%" (agreed / (agreed + no-agreement), half up), "—" with
 * nothing mediated. */
/* The same in thousandths (500 is 50.0%), -1 with nothing mediated. */
int64_t disclosure_rate_permille(const struct disclosure_row *r);
const char *disclosure_rate_text(const struct disclosure_row *r, char *buf, size_t n);
/* Money in 元 with two decimals: "1234.50". */
const char *disclosure_yuan_text(int64_t fen, char *buf, size_t n);

/* Write d as f, as report_write does: with path through a temporary file
 * renamed over it, without (not xlsx) to fp. */
int disclosure_write(const struct disclosure *d, enum report_format f, const char *path, FILE *fp,
		     struct zs_error *err);

#endif
