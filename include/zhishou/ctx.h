/* ctx: what every core operation needs: the store, the settings, "now". */
#ifndef ZHISHOU_CTX_H
#define ZHISHOU_CTX_H

#include <stdint.h>
#include "zhishou/config.h"
#include "zhishou/store.h"

struct zs_ctx {
	struct store *st;
	const struct config *cfg;
	int64_t now;   /* the instant commands treat as "now" (defaults, board) */
};

#endif
