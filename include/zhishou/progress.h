/* progress: the progress reports sent up to the city bureau on the night
 * (上报进展情况): 第N报 of one exposed problem, built from its record
 * (what aired, local involvement, actions with counts, instructions), and
 * the morning's summary of every problem the gala exposed.
 *
 * Each report written is recorded (number, time, who, the document as
 * written, the last action and instruction it covered), so the next one
 * says 续报, numbers on and reports what happened since.  The document is
 * a list of blocks the writers lay out as plain text or Markdown for OA;
 * the same blocks are kept, so an old report prints again as it was. */
#ifndef ZHISHOU_PROGRESS_H
#define ZHISHOU_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zhishou/ctx.h"
#include "zhishou/error.h"
#include "zhishou/report.h"

enum { PROGRESS_MAX_NEXT = 2000 };

/* A recorded report (exposure_report): exposure_id for one exposure's
 * 第N报, else gala_id for the gala's summary. */
struct progress_record {
	int64_t id, exposure_id, gala_id;
	int number;
	int64_t at;
	char *by_user, *next_steps;
	int64_t last_action, last_instruction;   /* the newest it covered; 0: none */
	char *body;                              /* the blocks, as JSON */
};
void progress_record_clear(struct progress_record *r);   /* defined by the store */

/* One block of the document. */
enum progress_block_kind {
	PB_TITLE,     /* 关于…的第N报 */
	PB_TO,        /* 市市场监管局： */
	PB_PARA,      /* a paragraph (indented two characters in text) */
	PB_HEADING,   /* 一、基本情况 */
	PB_SIGN,      /* the unit, the contact, the time: set right */
};
struct progress_block {
	enum progress_block_kind kind;
	char *text;
};

struct progress_doc {
	int64_t exposure_id, gala_id;
	int number;                 /* 第N报 (a summary's too) */
	int64_t at;                 /* when written */
	char *by_user;
	struct progress_block *b;
	size_t n;
	/* The previous report this one follows (number 0: the first). */
	int prev_number;
	int64_t prev_at;
	size_t new_actions;         /* actions since the previous report */
	bool no_unit;               /* signed without a unit: [report] bureau unset, the writer in none */
};
void progress_doc_clear(struct progress_doc *d);

struct progress_params {
	int64_t exposure_id;        /* 0: the summary of the latest gala that has begun */
	const char *next;           /* 下一步工作 as the writer put it; NULL or "": the usual words */
	bool preview;               /* build only: nothing recorded, numbered as the next would be */
};

/* Build the next report and, unless a preview, record it (audited) — and
 * when path is given, write it there as f first (whole or not at all; a
 * file that cannot be written records nothing).  Operators and leaders;
 * a read-only user is refused. */
int progress_write(struct zs_ctx *c, const struct progress_params *p, enum report_format f, const char *path,
		   struct progress_doc *out, struct zs_error *err);

/* Report number of an exposure (or of the latest gala's summaries when
 * exposure_id is 0), as it was recorded.  ZS_ENOTFOUND with a message
 * when there is none. */
int progress_get(struct zs_ctx *c, int64_t exposure_id, int number, struct progress_doc *out,
		 struct zs_error *err);

/* The reports recorded for an exposure (or the latest gala's summaries),
 * oldest first: number, time, who (a member's name where known). */
struct progress_entry {
	int number;
	int64_t at;
	char *who;
};
struct progress_list {
	struct progress_entry *v;
	size_t n;
};
int progress_list_get(struct zs_ctx *c, int64_t exposure_id, struct progress_list *out, struct zs_error *err);
void progress_list_clear(struct progress_list *l);

/* Lay d out as text (txt) or Markdown (md) to fp; or, with path, into the
 * file (a temporary file renamed over it once complete). */
int progress_print(const struct progress_doc *d, enum report_format f, const char *path, FILE *fp,
		   struct zs_error *err);

#endif
