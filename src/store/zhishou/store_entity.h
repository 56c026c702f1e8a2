/* The store's half of the market-entity register (include/zhishou/entity.h):
 * the entity and register_snapshot tables and their text index. */
#ifndef ZHISHOU_STORE_ENTITY_H
#define ZHISHOU_STORE_ENTITY_H

#include <stdbool.h>
#include <stdint.h>

#include "zhishou/entity.h"
#include "zhishou/store.h"

/* An import, inside the caller's transaction: clear every entity (and
 * drop the secondary indexes), insert each, then reindex once (the
 * secondary and text indexes are not kept row by row). */
int store_entity_clear_all(struct store *st, struct zs_error *err);
/* ZS_EINPUT (err says which code) when e->uscc is already in the register. */
int store_entity_insert(struct store *st, const struct entity *e, struct zs_error *err);
int store_entity_reindex(struct store *st, struct zs_error *err);

int store_register_snapshot_insert(struct store *st, struct register_snapshot *s, struct zs_error *err);
/* ZS_ENOTFOUND when there is none. */
int store_register_latest(struct store *st, struct register_snapshot *out, struct zs_error *err);

/* Entities in the register (-1 when it cannot be read). */
int64_t store_entity_count(struct store *st);

/* The entity with this code; ZS_ENOTFOUND when there is none. */
int store_entity_get(struct store *st, const char *code, struct entity *out, struct zs_error *err);

#define STORE_ENTITY_SHORT 4
#define STORE_ENTITY_WORDS 16

/* A search: every given condition must hold.
 *
 * What finds the rows: FTS5 expressions without their column filters (the
 * store adds them): the words' (searched in name, former names, person
 * and address) and the scope word's (in 经营范围); fts_* for the trigram
 * index (terms of 3+ characters), gram_* for the character-pair index
 * (migration 008: terms of 1-2 characters; used only when no fts_ part is
 * given).  They narrow the rows; these decide: like[] (%t% patterns,
 * escaped with \) for the short words over the four columns, scope_like
 * for a short scope word, uscc_prefix for the code.  word_like[] and
 * scope_any are every word and the scope word as such patterns: a search
 * with a limit whose terms match a large part of the register walks the
 * names in order with them instead (store_entity_each).  exact, prefix and
 * contains (LIKE patterns) rank the rows; NULL ranks by the other fields. */
struct entity_filter {
	const char *fts_words, *fts_scope, *gram_words, *gram_scope;
	const char *like[STORE_ENTITY_SHORT];
	const char *scope_like;
	const char *word_like[STORE_ENTITY_WORDS];
	const char *scope_any;
	const char *uscc_prefix;
	const char *exact, *prefix, *contains;
	int64_t unit_id;
	bool all;
	int limit;           /* 0: no limit */
};

typedef int (*store_entity_cb)(const struct entity *e, void *ud);
int store_entity_each(struct store *st, const struct entity_filter *f, store_entity_cb cb, void *ud,
		      struct zs_error *err);

#endif
