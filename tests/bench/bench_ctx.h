/* How the in-process bench programs (bench_queries, bench_entity) open a
 * database: the default configuration and zone, the codes, the store
 * read-write as the commands open it. */
#ifndef BENCH_CTX_H
#define BENCH_CTX_H

#include <stdio.h>

#include "zhishou/codes.h"
#include "zhishou/config.h"
#include "zhishou/ctx.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

/* Non-zero (said on stderr, prefixed by prog) when it cannot. */
static inline int bench_ctx_open(const char *prog, const char *db, struct zs_ctx *ctx)
{
	static struct config cfg;
	config_defaults(&cfg);
	if (!time_set_zone(cfg.timezone)) {
		fprintf(stderr, "%s: unknown zone %s\n", prog, cfg.timezone);
		return 1;
	}
	codes_init();
	struct zs_error err = { 0 };
	struct store_options so = { .mode = 0660, .create = false, .readonly = false, .unix_user = "bench",
				    .busy_ms = cfg.busy_ms };
	if (store_open(db, &so, &ctx->st, &err)) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		return 1;
	}
	ctx->cfg = &cfg;
	ctx->now = time_now();
	return 0;
}

#endif
