/* Moving a night: every row of one database into a new one, of either
 * engine (issue 16: "zhishou db copy --to URL", SQLite to PostgreSQL and
 * back), audit chain and all, then checked.
 *
 * The two schemas are one (tests/pg/test_schema.py holds them to it), so
 * a table's rows go over column by column under the same names, ids
 * included, as text that the target reads as its column's type.  What the
 * target derives from those rows is not copied but made by it: the status
 * tally (its triggers count the intakes as they arrive), SQLite's FTS5
 * tables (their triggers, and the register's index rebuilt once), and
 * PostgreSQL's identity counters (set past the highest id).
 *
 * The target is written in one transaction: a copy that fails leaves it
 * with an empty schema, never half a night.  At the end each table's rows
 * are counted and digested on both sides (an order-free sum of row hashes:
 * the engines sort text differently) and must agree. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "zhishou/i18n.h"
#include "zhishou/store_entity.h"

/* Every table with rows of its own, parents before the tables that refer
 * to them.  A table a migration adds goes here, unless the target makes
 * its rows itself: intake_tally, intake_fts, exposure_fts,
 * entity_gram, entity_order (tests/pg/test_pg_driver.py holds the schema to
 * this list and that one). */
static const struct copy_table {
	const char *name;
	const char *order;   /* its key, for reading in pages */
	bool paged;          /* an integer id: read STORE_COPY_PAGE rows at a time */
} tables[] = {
	{ "setting", "key", false },
	{ "unit", "id", true },
	{ "gala", "id", true },
	{ "member", "unix_user", false },
	{ "roster", "id", true },
	{ "exposure", "id", true },
	{ "exposure_action", "id", true },
	{ "exposure_instruction", "id", true },
	{ "intake", "id", true },
	{ "saved_draft", "token", false },
	{ "audit", "id", true },
	{ "write_token", "token", false },
	{ "outbox", "id", true },
	{ "delivery", "id", true },
	{ "relay_lease", "id", true },
	{ "digest_mark", "exposure_id", false },
	{ "feed_quarantine", "id", true },
	{ "feed_state", "feed", false },
	{ "handover", "id", true },
	{ "report_value", "template, year, row_key", false },
	{ "register_snapshot", "id", true },
	{ "entity", "id", true },
	{ "exposure_candidate", "exposure_id, uscc", false },
	{ "exposure_local", "exposure_id, uscc", false },
	{ "opinion", "id", true },
	{ "opinion_note", "id", true },
	{ "exposure_report", "id", true },
};
enum { PAGE = 5000 };

struct digest {
	int64_t rows;
	uint64_t sum;   /* the first 8 bytes of each row's SHA-256, added */
};

static void digest_row(struct digest *d, const struct store_row *r, int ncols)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	for (int i = 0; i < ncols; i++) {
		const char *v = store_row_text(r, i);
		char len[24];
		/* Length-prefixed, NULL apart from '': "abc" "" is not "ab" "c". */
		int k = v ? snprintf(len, sizeof len, "%zu:", strlen(v)) : snprintf(len, sizeof len, "N");
		EVP_DigestUpdate(c, len, (size_t)k);
		if (v)
			EVP_DigestUpdate(c, v, strlen(v));
	}
	EVP_DigestFinal_ex(c, md, &n);
	EVP_MD_CTX_free(c);
	uint64_t x = 0;
	for (int i = 0; i < 8; i++)
		x = x << 8 | md[i];
	d->sum += x;
	d->rows++;
}

struct copying {
	struct store *dst;
	const struct copy_table *t;
	struct store_stmt *ins;   /* the table's INSERT on the target, made at its first row */
	int ncols;
	struct digest digest;
	int64_t last_id;
	int page_rows;
	struct zs_error *err;
	struct store_sql sql;   /* the INSERT, kept while it is prepared */
};

/* INSERT INTO "t"("a", "b", ...) VALUES (?1, ?2, ...) for the source's
 * columns, prepared once on the target. */
static int make_insert(struct copying *cp, const struct store_row *r)
{
	struct store_sql *q = &cp->sql;
	cp->ncols = store_row_columns(r);
	store_sql_add(q, "INSERT INTO ");
	store_sql_ident(q, cp->t->name);
	store_sql_add(q, "(");
	for (int i = 0; i < cp->ncols; i++) {
		store_sql_add(q, i ? ", " : "");
		store_sql_ident(q, store_row_column_name(r, i));
	}
	store_sql_add(q, ") VALUES (");
	for (int i = 0; i < cp->ncols; i++) {
		char p[16];
		snprintf(p, sizeof p, "%s?%d", i ? ", " : "", i + 1);
		store_sql_add(q, p);
	}
	store_sql_add(q, ")");
	if (q->full)
		return zs_fail(cp->err, ZS_EFAIL, "query too long");
	cp->ins = store_prep_reused(cp->dst, q->text, cp->err);
	return cp->ins ? ZS_OK : ZS_EFAIL;
}

static int copy_row(const struct store_row *r, void *ctx)
{
	struct copying *cp = ctx;
	if (!cp->ins) {
		int e = make_insert(cp, r);
		if (e)
			return e;
	}
	store_stmt_reset(cp->ins);
	for (int i = 0; i < cp->ncols; i++)
		store_bind(cp->ins, i + 1, &V_NTEXT(store_row_text(r, i)), 1);
	int e = store_step_done(cp->dst, cp->ins, cp->err, cp->t->name);
	if (e)
		return e;
	digest_row(&cp->digest, r, cp->ncols);
	if (cp->t->paged)
		cp->last_id = store_row_i64(r, 0);   /* id is every paged table's first column */
	cp->page_rows++;
	return ZS_OK;
}

/* "SELECT * FROM t [WHERE id > ?1] ORDER BY key [LIMIT n]" */
static void select_sql(const struct copy_table *t, struct store_sql *q)
{
	char limit[32];
	snprintf(limit, sizeof limit, " LIMIT %d", PAGE);
	store_sql_add(q, "SELECT * FROM ");
	store_sql_ident(q, t->name);
	store_sql_add(q, t->paged ? " WHERE id > ?1 ORDER BY " : " ORDER BY ");
	store_sql_add(q, t->order);
	store_sql_add(q, t->paged ? limit : "");
}

/* Read every row of t from st, each to row(ctx) (pages of a paged table
 * until one comes back short). */
static int each_row(struct store *st, const struct copy_table *t, store_row_fn row, struct copying *cp,
		    struct zs_error *err)
{
	struct store_sql sql = { .n = 0 };
	select_sql(t, &sql);
	if (sql.full)
		return zs_fail(err, ZS_EFAIL, "query too long");
	struct store_stmt *s = store_prep_reused(st, sql.text, err);
	int r = s ? ZS_OK : ZS_EFAIL;
	cp->last_id = 0;
	do {
		cp->page_rows = 0;
		if (!r && t->paged) {
			store_stmt_reset(s);
			store_bind(s, 1, VALS(V_INT(cp->last_id)));
		}
		r = r ? r : store_step_rows(st, s, row, cp, err, t->name);
	} while (!r && t->paged && cp->page_rows == PAGE);
	store_stmt_free(s);
	return r;
}

static int digest_only(const struct store_row *r, void *ctx)
{
	struct copying *cp = ctx;
	digest_row(&cp->digest, r, store_row_columns(r));
	if (cp->t->paged)
		cp->last_id = store_row_i64(r, 0);
	cp->page_rows++;
	return ZS_OK;
}

/* PostgreSQL's identity counters past the ids the copy gave. */
static int set_counters(struct store *dst, const struct copy_table *t, struct zs_error *err)
{
	if (store_on_sqlite(dst) || !t->paged)
		return ZS_OK;
	struct store_sql q = { .n = 0 };
	store_sql_add(&q, "SELECT setval(pg_get_serial_sequence(CAST(?1 AS TEXT), 'id'), coalesce((SELECT max(id) FROM ");
	store_sql_ident(&q, t->name);
	store_sql_add(&q, "), 0) + 1, false)");
	struct store_stmt *s = store_sql_prep(dst, &q, err);
	if (!s)
		return ZS_EFAIL;
	store_bind(s, 1, VALS(V_TEXT(t->name)));
	int r = store_step_rows(dst, s, NULL, NULL, err, "setval");
	store_stmt_free(s);
	return r;
}

int store_copy(struct store *src, struct store *dst, store_copy_cb progress, void *ud, struct zs_error *err)
{
	size_t ntables = sizeof tables / sizeof *tables;
	struct digest *sent = calloc(ntables, sizeof *sent);
	if (!sent)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	/* One snapshot of the source, one transaction on the target. */
	int r = store_read_begin(src, err);
	if (!r && (r = store_begin(dst, err)))
		store_read_end(src);
	for (size_t i = 0; i < ntables && !r; i++) {
		struct copying cp = { .dst = dst, .t = &tables[i], .err = err };
		r = each_row(src, &tables[i], copy_row, &cp, err);
		store_stmt_free(cp.ins);
		sent[i] = cp.digest;
		if (!r)
			r = set_counters(dst, &tables[i], err);
		if (!r && progress)
			progress(tables[i].name, cp.digest.rows, ud);
	}
	/* SQLite's register index is derived from the rows: made once. */
	if (!r && store_on_sqlite(dst))
		r = store_entity_reindex(dst, err);
	if (!r)
		r = store_commit(dst, err);
	else
		store_rollback(dst);
	store_read_end(src);
	/* Read back from the target, committed: the same rows, table by table. */
	for (size_t i = 0; i < ntables && !r; i++) {
		struct copying cp = { .t = &tables[i], .err = err };
		r = each_row(dst, &tables[i], digest_only, &cp, err);
		if (!r && (cp.digest.rows != sent[i].rows || cp.digest.sum != sent[i].sum))
			r = zs_fail(err, ZS_EFAIL,
				    TR("复制后核对不符：表 %s 源库 %lld 行，目标库读回 %lld 行（或内容不同）",
				       "the copy does not check out: table %s has %lld rows in the source, %lld read back "
				       "(or different content)"),
				    tables[i].name, (long long)sent[i].rows, (long long)cp.digest.rows);
	}
	free(sent);
	return r;
}
