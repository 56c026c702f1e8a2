/* An exposure's register candidates and confirmed local entities. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "zhishou/store_local.h"

int store_exposure_candidates_set(struct store *st, int64_t exposure_id, const struct entity_locals *l,
				  struct zs_error *err)
{
	int r = store_run(st, "DELETE FROM exposure_candidate WHERE exposure_id = ?", VALS(V_INT(exposure_id)), err,
			  "exposure_candidate");
	/* A code found twice keeps its first row.  ON CONFLICT rather than
	 * INSERT OR IGNORE (SQLite only): the key is the only constraint these
	 * values can break. */
	static const char ins[] =
		"INSERT INTO exposure_candidate(exposure_id, uscc, name, unit_id, unit_text, address, term, "
		"by_company) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(exposure_id, uscc) DO NOTHING";
	for (size_t i = 0; !r && i < l->n; i++) {
		const struct entity_local *x = &l->v[i];
		r = store_run(st, ins,
			      VALS(V_INT(exposure_id), V_TEXT(x->e.uscc), V_TEXT(x->e.name), V_ID(x->e.unit_id),
				   V_TEXT(x->e.unit_text), V_TEXT(x->e.address), V_TEXT(x->term),
				   V_INT(x->by_company ? 1 : 0)),
			      err, "exposure_candidate");
	}
	if (!r)
		r = store_run(st, "UPDATE exposure SET candidates = ?2 WHERE id = ?1",
			      VALS(V_INT(exposure_id), V_INT((int64_t)l->n)), err, "exposure");
	return r;
}

int store_exposure_local_add(struct store *st, int64_t exposure_id, const struct entity *e, int64_t at,
			     struct zs_error *err)
{
	/* ON CONFLICT rather than INSERT OR IGNORE (SQLite only): the key is
	 * the only constraint these values can break. */
	static const char sql[] =
		"INSERT INTO exposure_local(exposure_id, uscc, name, unit_id, unit_text, address, "
		"confirmed_by, confirmed_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(exposure_id, uscc) DO NOTHING";
	return store_run(st, sql,
			 VALS(V_INT(exposure_id), V_TEXT(e->uscc), V_TEXT(e->name), V_ID(e->unit_id), V_TEXT(e->unit_text),
			      V_TEXT(e->address), V_TEXT(st->user), V_INT(at)),
			 err, "exposure_local");
}

int store_exposure_local_remove(struct store *st, int64_t exposure_id, const char *uscc, struct zs_error *err)
{
	/* The CAST types ?2 where PostgreSQL meets it first (IS NULL says nothing of its type). */
	static const char sql[] =
		"DELETE FROM exposure_local WHERE exposure_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR uscc = ?2)";
	return store_run(st, sql, VALS(V_INT(exposure_id), V_NTEXT(uscc)), err, "exposure_local");
}

#define ROW_T struct exposure_party
static const struct store_col party_cols[] = {
	COL(TEXT, uscc), COL(TEXT, name), COL(I64, unit_id), COL(TEXT, unit), COL(TEXT, address), COL(TEXT, term),
	COL(BOOL, by_company), COL(BOOL, candidate), COL(BOOL, confirmed), COL(TEXT, confirmed_by),
	COL(I64, confirmed_at),
};
#undef ROW_T

STORE_VISITOR(visit_party, struct exposure_party, party_cols, exposure_party_clear, store_party_cb)

int store_exposure_party_each(struct store *st, int64_t exposure_id, store_party_cb cb, void *ud,
			      struct zs_error *err)
{
	/* The unit as the register named it when no unit of ours matched.
	 * "confirmed" is 1 or 0, not a truth value: PostgreSQL's boolean
	 * neither unites with the other half's 1 nor reads as an integer. */
	static const char sql[] =
		"SELECT c.uscc, c.name, coalesce(c.unit_id, 0) AS uid, coalesce(u.name, c.unit_text) AS unit, "
		"c.address, c.term, c.by_company, 1, CASE WHEN l.uscc IS NOT NULL THEN 1 ELSE 0 END, "
		"coalesce(l.confirmed_by, ''), "
		"coalesce(l.confirmed_at, 0) "
		"FROM exposure_candidate c LEFT JOIN unit u ON u.id = c.unit_id "
		"LEFT JOIN exposure_local l ON l.exposure_id = c.exposure_id AND l.uscc = c.uscc "
		"WHERE c.exposure_id = ?1 "
		"UNION ALL "
		"SELECT l.uscc, l.name, coalesce(l.unit_id, 0), coalesce(u.name, l.unit_text), l.address, '', 0, 0, 1, "
		"l.confirmed_by, l.confirmed_at "
		"FROM exposure_local l LEFT JOIN unit u ON u.id = l.unit_id "
		"WHERE l.exposure_id = ?1 AND NOT EXISTS (SELECT 1 FROM exposure_candidate c "
		"WHERE c.exposure_id = l.exposure_id AND c.uscc = l.uscc) "
		"ORDER BY 4, 2";
	return store_each(st, sql, VALS(V_INT(exposure_id)), visit_party, STORE_VISIT(cb, ud), err, "exposure_local");
}
