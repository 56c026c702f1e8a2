/* The register's ODR enterprises (在线消费纠纷解决) and the complaints
 * handed to them: marks set by `entity import --odr`, names looked up for
 * a hand-over, counts for the entity card. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "zhishou/store_entity.h"

int store_entity_odr_clear(struct store *st, struct zs_error *err)
{
	return store_run(st, "UPDATE entity SET odr = 0 WHERE odr <> 0", NO_VALS, err, "entity");
}

int store_entity_odr_mark(struct store *st, const char *code, bool *found, struct zs_error *err)
{
	int r = store_run(st, "UPDATE entity SET odr = 1 WHERE uscc = ?", VALS(V_TEXT(code)), err, "entity");
	*found = !r && store_changes(st) > 0;
	return r;
}

int64_t store_entity_odr_count(struct store *st)
{
	return store_count(st, "SELECT count(*) FROM entity WHERE odr <> 0", NO_VALS);
}

struct by_name {
	char *uscc;
	int n;
};

static int by_name_row(const struct store_row *r, void *ud)
{
	struct by_name *b = ud;
	if (b->n++ == 0)
		b->uscc = store_row_strdup(r, 0);
	return 0;
}

int store_entity_by_name(struct store *st, const char *name, char **uscc, int *n, struct zs_error *err)
{
	/* Two rows are enough to know the name is not one entity's. */
	struct by_name b = { 0 };
	int r = store_each(st, "SELECT uscc FROM entity WHERE name = ? LIMIT 2", VALS(V_TEXT(name)), by_name_row, &b,
			   err, "entity");
	if (r) {
		free(b.uscc);
		b.uscc = NULL;
		b.n = 0;
	}
	*uscc = b.uscc;
	*n = b.n;
	return r;
}

int64_t store_intake_odr_count(struct store *st, const char *uscc)
{
	return store_count(st, "SELECT count(*) FROM intake WHERE odr_uscc = ? AND odr_uscc <> ''",
			   VALS(V_TEXT(uscc)));
}
