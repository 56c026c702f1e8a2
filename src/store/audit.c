/* The audit chain: append-only rows, each hashed over the previous hash. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

static void feed(EVP_MD_CTX *c, const char *s)
{
	/* Length-prefixed so that moving text between fields changes the hash. */
	size_t n = s ? strlen(s) : 0;
	char len[24];
	int k = snprintf(len, sizeof len, "%zu:", n);
	EVP_DigestUpdate(c, len, (size_t)k);
	if (n)
		EVP_DigestUpdate(c, s, n);
}

void store_audit_hash(const struct audit_row *a, char out[65])
{
	char num[64];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	feed(c, a->prev_hash);
	snprintf(num, sizeof num, "%lld", (long long)a->id);
	feed(c, num);
	snprintf(num, sizeof num, "%lld", (long long)a->at);
	feed(c, num);
	feed(c, a->unix_user);
	feed(c, a->entity);
	snprintf(num, sizeof num, "%lld", (long long)a->entity_id);
	feed(c, num);
	feed(c, a->action);
	feed(c, a->fields);
	feed(c, a->before);
	feed(c, a->after);
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	for (unsigned i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

/* The chain's last row: its id and hash. */
struct chain_end {
	int64_t id;
	char hash[65];
};

static int read_end(const struct store_row *r, void *out)
{
	struct chain_end *e = out;
	const char *h = store_row_text(r, 1);
	e->id = store_row_i64(r, 0);
	snprintf(e->hash, sizeof e->hash, "%s", h ? h : "");
	return ZS_OK;
}

int store_audit(struct store *st, const char *entity, int64_t entity_id, const char *action,
		const char *fields, const char *before, const char *after, struct zs_error *err)
{
	static const char last_sql[] = "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1";
	static const char ins_sql[] =
		"INSERT INTO audit(id, at, unix_user, entity, entity_id, action, fields, before, after, prev_hash, hash) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?)";
	/* The caller holds the write lock (BEGIN IMMEDIATE), so the last row
	 * cannot change under us and the chain stays linear. */
	struct chain_end last = { 0, "0000000000000000000000000000000000000000000000000000000000000000" };
	int rc = store_one(st, last_sql, NO_VALS, read_end, &last, err, "audit");
	if (rc && rc != ZS_ENOTFOUND)
		return rc;
	int64_t id = last.id + 1;
	char *prev = last.hash;

	struct audit_row a = {
		.id = id, .at = st->now ? *st->now : (int64_t)time(NULL), .entity_id = entity_id,
		.unix_user = st->user, .entity = (char *)entity, .action = (char *)action,
		.fields = (char *)(fields ? fields : ""), .before = (char *)(before ? before : ""),
		.after = (char *)(after ? after : ""), .prev_hash = prev,
	};
	char hash[65];
	store_audit_hash(&a, hash);

	int r = store_run(st, ins_sql,
			  VALS(V_INT(a.id), V_INT(a.at), V_TEXT(a.unix_user), V_TEXT(a.entity), V_INT(a.entity_id),
			       V_TEXT(a.action), V_TEXT(a.fields), V_TEXT(a.before), V_TEXT(a.after), V_TEXT(prev),
			       V_TEXT(hash)),
			  err, "audit");
	if (r)
		return r;
	/* The command's token, with its transaction's first audit row (the
	 * key keeps the first: the row the write made, not what followed). */
	if (st->write_token[0] && (r = store_write_token_note(st, a.id, entity, entity_id, err)))
		return r;
	/* The head, in the same transaction: a chain cut short no longer
	 * ends where the anchor says it does. */
	char head[96];
	snprintf(head, sizeof head, "%lld %s", (long long)a.id, hash);
	return store_setting_set(st, AUDIT_HEAD_KEY, head, err);
}

#define ROW_T struct audit_row
static const struct store_col audit_cols[] = {
	COL(I64, id), COL(I64, at), COL(TEXT, unix_user), COL(TEXT, entity), COL(I64, entity_id),
	COL(TEXT, action), COL(TEXT, fields), COL(TEXT, before), COL(TEXT, after), COL(TEXT, prev_hash),
	COL(TEXT, hash),
};
#undef ROW_T

STORE_VISITOR(visit_audit, struct audit_row, audit_cols, audit_row_clear, store_audit_cb)

int store_audit_each(struct store *st, const char *entity, int64_t entity_id, int64_t after_id,
		     int limit, store_audit_cb cb, void *ud, struct zs_error *err)
{
	/* The CAST types ?2 where PostgreSQL meets it first (IS NULL says
	 * nothing of its type); no limit is the greatest one (PostgreSQL
	 * refuses LIMIT -1). */
	static const char sql[] =
		"SELECT id, at, unix_user, entity, entity_id, action, fields, before, after, prev_hash, hash "
		"FROM audit WHERE id > ?1 AND (CAST(?2 AS TEXT) IS NULL OR entity = ?2) AND (?3 = 0 OR entity_id = ?3) "
		"ORDER BY id LIMIT ?4";
	return store_each(st, sql,
			  VALS(V_INT(after_id), V_NTEXT(entity), V_INT(entity_id),
			       V_INT(limit > 0 ? limit : INT64_MAX)),
			  visit_audit, STORE_VISIT(cb, ud), err, "audit");
}
