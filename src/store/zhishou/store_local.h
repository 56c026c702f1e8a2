/* The store's half of an exposure's local involvement (migration 007):
 * the register's candidates found for it (exposure_candidate) and the
 * entities the credit desk confirmed (exposure_local).  Each call runs
 * inside the caller's transaction. */
#ifndef ZHISHOU_STORE_LOCAL_H
#define ZHISHOU_STORE_LOCAL_H

#include "zhishou/entity.h"
#include "zhishou/exposure.h"
#include "zhishou/store.h"

/* Replace the exposure's candidates with l's entities (a copy of each) and
 * set exposure.candidates to their number. */
int store_exposure_candidates_set(struct store *st, int64_t exposure_id, const struct entity_locals *l,
				  struct zs_error *err);

/* Confirm e as involved (a copy of it), by this store's user at `at`;
 * confirming one already confirmed changes nothing. */
int store_exposure_local_add(struct store *st, int64_t exposure_id, const struct entity *e, int64_t at,
			     struct zs_error *err);
/* Withdraw one confirmation (uscc), or every one (uscc NULL). */
int store_exposure_local_remove(struct store *st, int64_t exposure_id, const char *uscc, struct zs_error *err);

/* The candidates and the confirmed entities, each once (a confirmed one
 * that was also a candidate carries both), by supervising unit then name. */
typedef int (*store_party_cb)(const struct exposure_party *p, void *ud);
int store_exposure_party_each(struct store *st, int64_t exposure_id, store_party_cb cb, void *ud,
			      struct zs_error *err);

#endif
