/* ctx: what every core operation needs: the store, the settings, "now". */
#ifndef ZHISHOU_CTX_H
#define ZHISHOU_CTX_H

#include <stdint.h>
#include "zhishou/config.h"
#include "zhishou/error.h"

/* The store (src/store) is core's alone: front ends hold it only as a
 * pointer in the context. */
struct store;

struct zs_ctx {
	struct store *st;
	const struct config *cfg;
	int64_t now;   /* the instant commands treat as "now" (defaults, board) */
};

#endif
