/* ctx: what every core operation needs: the store, the settings, "now". */
#ifndef ZHISHOU_CTX_H
#define ZHISHOU_CTX_H

#include <stdint.h>
#include "zhishou/config.h"
#include "zhishou/error.h"

/* The store (src/store) is core's alone: front ends hold it only as a
 * pointer in the context. */
struct store;

/* Long work (imports, exports) says how far it is: rows done and, where
 * known, the part done (0..1; < 0: unknown).  Called once per row; the
 * front end decides how often to show it (never into a pipe or file). */
typedef void (*zs_progress_fn)(void *ud, int64_t rows, double part);

struct zs_ctx {
	struct store *st;
	const struct config *cfg;
	int64_t now;   /* the instant commands treat as "now" (defaults, board) */
	zs_progress_fn progress;   /* NULL: nobody is watching */
	void *progress_ud;
};

static inline void zs_progress(struct zs_ctx *c, int64_t rows, double part)
{
	if (c->progress)
		c->progress(c->progress_ud, rows, part);
}

#endif
