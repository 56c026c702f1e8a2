/* tui: the console, the face of zhishou on the night.
 *
 * One thread and one poll() loop: keys, signals and a timer; each turn it
 * checks whether another process committed (PRAGMA data_version), lets the
 * views reload, and paints once.  Views are const structs of callbacks; key
 * bindings are tables, so the help screen is generated from them. */
#ifndef ZHISHOU_TUI_H
#define ZHISHOU_TUI_H

#include <stdbool.h>
#include "zhishou/ctx.h"

struct tui_options {
	const char *db_path;
	const char *user;
	bool demo_clock;          /* ctx->now runs on the demo night's clock */
	int64_t clock_offset;     /* ctx->now = real time + offset */
	const char *draft_dir;    /* where an unsaved form survives a dropped link */
};

/* Run the console until the user quits or the terminal goes away.
 * Returns the process exit status. */
int tui_run(struct zs_ctx *c, const struct tui_options *opt);

#endif
