/* The exposures an entity is linked to, for its card: confirmed as an
 * exposure's local involvement, offered as one of its candidates, or
 * linked through an intake naming the entity (by its USCC, or by its name
 * where the intake gave no USCC, as the card counts intakes). */
#include <stdlib.h>

#include "store_internal.h"
#include "zhishou/store_entity.h"

#define ROW_T struct entity_exposure
static const struct store_col link_cols[] = { COL(I64, id), COL(TEXT, title), COL(TEXT, status), COL(INT, how) };
#undef ROW_T

static void link_clear(struct entity_exposure *x)
{
	free(x->title);
	free(x->status);
}

STORE_VISITOR(visit_link, struct entity_exposure, link_cols, link_clear, entity_exposure_cb)

int store_entity_exposures(struct store *st, const char *uscc, const char *name, entity_exposure_cb cb, void *ud,
			   struct zs_error *err)
{
	/* Each link once, by its strongest way (confirmed, candidate, intake);
	 * the intake halves each use their partial index. */
	static const char sql[] = "SELECT x.id, x.title, x.status, MIN(l.how) FROM ("
		"SELECT exposure_id AS id, 0 AS how FROM exposure_local WHERE uscc = ?1 "
		"UNION ALL SELECT exposure_id, 1 FROM exposure_candidate WHERE uscc = ?1 "
		"UNION ALL SELECT exposure_id, 2 FROM intake WHERE uscc = ?1 AND uscc <> '' AND exposure_id IS NOT NULL "
		"UNION ALL SELECT exposure_id, 2 FROM intake WHERE subject = ?2 AND subject <> '' AND uscc = '' "
		"AND exposure_id IS NOT NULL"
		") l JOIN exposure x ON x.id = l.id GROUP BY x.id ORDER BY x.id";
	return store_each(st, sql, VALS(V_TEXT(uscc), V_TEXT(name)), visit_link, STORE_VISIT(cb, ud), err, "exposure");
}

#define ROW_T struct exposure_uscc
static const struct store_col uscc_cols[] = { COL(I64, exposure_id), COL(BOOL, linked), COL(BOOL, has_codes) };
#undef ROW_T

static void uscc_clear(struct exposure_uscc *x)
{
	(void)x;
}

STORE_VISITOR(visit_uscc, struct exposure_uscc, uscc_cols, uscc_clear, store_exposure_uscc_cb)

int store_exposure_uscc_each(struct store *st, const char *uscc, store_exposure_uscc_cb cb, void *ud,
			     struct zs_error *err)
{
	/* Each EXISTS is a lookup in the (exposure_id, uscc) keys, or a walk
	 * of one exposure's rows to the first company match.  The flags are
	 * 1 or 0 by CASE and by_company is compared with 0: PostgreSQL's
	 * EXISTS is a boolean (not read as an integer) and it takes no
	 * integer as one. */
	static const char sql[] = "SELECT x.id, "
		"CASE WHEN EXISTS (SELECT 1 FROM exposure_local l WHERE l.exposure_id = x.id AND l.uscc = ?1) "
		"OR EXISTS (SELECT 1 FROM exposure_candidate c WHERE c.exposure_id = x.id AND c.uscc = ?1 "
		"AND c.by_company <> 0) THEN 1 ELSE 0 END, "
		"CASE WHEN EXISTS (SELECT 1 FROM exposure_candidate c WHERE c.exposure_id = x.id AND c.by_company <> 0) "
		"THEN 1 ELSE 0 END "
		"FROM exposure x WHERE x.status NOT IN " STORE_SQL_EXPOSURE_CLOSED " ORDER BY x.id";
	return store_each(st, sql, VALS(V_TEXT(uscc)), visit_uscc, STORE_VISIT(cb, ud), err, "exposure");
}
