/* The store's half of the opinion watch (include/zhishou/opinion.h,
 * migration 008): the opinion and opinion_note tables.  Writes run inside
 * the caller's transaction. */
#ifndef ZHISHOU_STORE_OPINION_H
#define ZHISHOU_STORE_OPINION_H

#include <stdbool.h>
#include <stdint.h>

#include "zhishou/opinion.h"
#include "zhishou/store.h"

/* Insert o (created_by is the store's user; reach -1 stored as unknown);
 * o->id is set. */
int store_opinion_insert(struct store *st, struct opinion *o, struct zs_error *err);
/* Write back level, status, response (with who and when), links and
 * updated_at. */
int store_opinion_update(struct store *st, const struct opinion *o, struct zs_error *err);
/* ZS_ENOTFOUND (err untouched) when there is no such opinion. */
int store_opinion_get(struct store *st, int64_t id, struct opinion *out, struct zs_error *err);

typedef int (*store_opinion_cb)(const struct opinion *o, void *ud);
/* open_only: not settled; exposure_id > 0: only its.  Open first, then
 * major, watch, normal, newest found first. */
int store_opinion_each(struct store *st, bool open_only, int64_t exposure_id, store_opinion_cb cb, void *ud,
		       struct zs_error *err);

int store_opinion_note_insert(struct store *st, struct opinion_note *n, struct zs_error *err);
typedef int (*store_opinion_note_cb)(const struct opinion_note *n, void *ud);
int store_opinion_note_each(struct store *st, int64_t opinion_id, store_opinion_note_cb cb, void *ud,
			    struct zs_error *err);

/* Open opinions (not settled), and the major ones among them. */
int store_opinion_tally(struct store *st, int64_t *open, int64_t *major, struct zs_error *err);
/* Opinions found in [since, until), and the major ones among them. */
int store_opinion_count(struct store *st, int64_t since, int64_t until, int64_t *total, int64_t *major,
			struct zs_error *err);

#endif
