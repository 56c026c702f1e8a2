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

/* ODR enterprises (entity_odr.c).  odr_clear unmarks every entity;
 * odr_mark marks one (*found false: no entity has that code). */
int store_entity_odr_clear(struct store *st, struct zs_error *err);
int store_entity_odr_mark(struct store *st, const char *code, bool *found, struct zs_error *err);
int64_t store_entity_odr_count(struct store *st);
/* The code of the entity named exactly name: *n is 0, 1 or 2 (two or more:
 * the name is not one entity's); *uscc malloc'd when *n > 0. */
int store_entity_by_name(struct store *st, const char *name, char **uscc, int *n, struct zs_error *err);
/* Complaints handed to the business with this code through ODR (-1: unreadable). */
int64_t store_intake_odr_count(struct store *st, const char *uscc);

#define STORE_ENTITY_WORDS 16

/* A search: every given condition must hold.  word_like[] (%t% patterns,
 * escaped with \) each in the name, former names, person or address;
 * scope_like in 经营范围; uscc_prefix for the code.  gram_words and
 * gram_scope: the same words as entity_gram expressions (without column
 * filters: the store adds them), which narrow the rows the conditions
 * check (migration 009; NULL: a word the index cannot hold).  exact,
 * prefix and contains (LIKE patterns) rank the rows; NULL ranks by the
 * other fields. */
struct entity_filter {
	const char *word_like[STORE_ENTITY_WORDS];
	const char *scope_like;
	const char *gram_words, *gram_scope;
	const char *uscc_prefix;
	const char *exact, *prefix, *contains;
	int64_t unit_id;
	bool all;
	int limit;           /* 0: no limit */
};

typedef int (*store_entity_cb)(const struct entity *e, void *ud);
int store_entity_each(struct store *st, const struct entity_filter *f, store_entity_cb cb, void *ud,
		      struct zs_error *err);

/* The exposures the entity with this USCC (and name) is linked to, by
 * exposure number; see struct entity_exposure. */
int store_entity_exposures(struct store *st, const char *uscc, const char *name, entity_exposure_cb cb, void *ud,
			   struct zs_error *err);

/* For an intake's USCC, each open exposure: whether the register ties the
 * code to it (a confirmed local entity, or a candidate its companies
 * found), and whether it has any company codes at all. */
struct exposure_uscc {
	int64_t exposure_id;
	bool linked, has_codes;
};
typedef int (*store_exposure_uscc_cb)(const struct exposure_uscc *x, void *ud);
int store_exposure_uscc_each(struct store *st, const char *uscc, store_exposure_uscc_cb cb, void *ud,
			     struct zs_error *err);

#endif
