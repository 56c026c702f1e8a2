/* board: the snapshot a duty leader reads: the gala clock, counters since
 * the gala began, the open exposures by level and deadline, who is on duty.
 * Shared by `zhishou board` and the console's dashboard. */
#ifndef ZHISHOU_BOARD_H
#define ZHISHOU_BOARD_H

#include <stdbool.h>
#include <stdint.h>
#include "zhishou/ctx.h"

enum gala_phase { GALA_NONE, GALA_BEFORE, GALA_DURING, GALA_AFTER };

struct board_gala {
	enum gala_phase phase;
	char name[128];
	int64_t starts_at, ends_at;
};

struct board_counts {
	int64_t total;
	int64_t by_kind[3];       /* vocab_kind order */
	int64_t by_channel[16];   /* vocab_channel order */
	int64_t linked;
	int64_t unresolved;       /* received since the gala began, still open */
	int64_t all_unresolved;   /* over all time (tally) */
	int64_t all_total;
	int64_t exposures_open, exposures_overdue;
	int64_t deliveries_failed;  /* robot messages that will not go without help */
	int64_t feed_quarantined;   /* 8890 records that could not be used */
};

/* The gala that frames "tonight": the one running, else the last one that
 * started, else the next one. */
int board_gala(struct zs_ctx *c, struct board_gala *g, struct zs_error *err);

/* Where "tonight's" counters start: the gala's start while it runs and for
 * a day after it ended (the morning shift still reads the night), otherwise
 * local midnight.  Keeps the counted range to about a day, whatever the
 * size of the database. */
int64_t board_since(const struct zs_ctx *c, const struct board_gala *g);

/* Schedule a gala (name, start, end as typed); audited. */
int gala_add(struct zs_ctx *c, const char *name, const char *start, const char *end, int64_t *id,
	     struct zs_error *err);

/* Counts of intakes received in [since, now]. */
int board_counts(struct zs_ctx *c, int64_t since, struct board_counts *out, struct zs_error *err);
/* The counts that are not tonight's window (over all time, exposures,
 * the relay's), into out without touching the window's part. */
int board_counts_rest(struct zs_ctx *c, struct board_counts *out, struct zs_error *err);

/* board_counts kept up to date from what changed since the last call (a
 * console's refresh costs what arrived, not the night's size); the first
 * call, a new window and every few minutes recount.  Inside a read
 * transaction of the caller's, or its own reads. */
struct board_tally;
struct board_tally *board_tally_new(void);
void board_tally_free(struct board_tally *t);
int board_tally_counts(struct zs_ctx *c, struct board_tally *t, int64_t since, struct board_counts *out,
		       struct zs_error *err);

/* ---- the snapshot: what `zhishou board` prints and the dashboard draws ---- */
#include <stddef.h>
#include "zhishou/rules.h"
#include "zhishou/model.h"

struct board_exposure {
	struct exposure e;
	enum due_state due;         /* overdue / due within DUE_WARN_SECONDS */
	char *last_instruction;     /* the latest 批示, or NULL */
};

struct board_snapshot {
	int64_t now, since;         /* since: where tonight's counters start */
	struct board_gala gala;
	struct board_counts counts;
	struct board_exposure *exposures;   /* open, by level then deadline */
	size_t nexposures;
	struct roster_entry *duty;  /* on shift now, by unit, leader first */
	size_t nduty;
	/* The opinion watch (舆情): open ones (not 已平息), and the 重大 among
	 * them, newest first. */
	int64_t opinions_open;
	struct board_opinion {
		int64_t id;
		char *title;
	} *opinions_major;
	size_t nopinions_major;
};

/* Read every part even when one fails (show what can be shown): returns
 * the first error, the snapshot holds the rest.  A read transaction: every
 * part is of one moment. */
int board_snapshot(struct zs_ctx *c, struct board_snapshot *s, struct zs_error *err);
/* The same with tonight's counters from a tally kept by the caller. */
int board_snapshot_kept(struct zs_ctx *c, struct board_tally *t, struct board_snapshot *s, struct zs_error *err);
void board_snapshot_clear(struct board_snapshot *s);

#endif
