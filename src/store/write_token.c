/* Write tokens (migration 010): a command's random token recorded with the
 * first audit row of its write, so that after a lost connection the command
 * can tell whether that write committed before running it again. */
#include <string.h>

#include "store_internal.h"

void store_write_token_use(struct store *st, const char *token)
{
	st->write_token[0] = '\0';
	if (token && strlen(token) < sizeof st->write_token)
		strcpy(st->write_token, token);
}

int store_write_token_note(struct store *st, int64_t audit_id, const char *entity, int64_t entity_id,
			   struct zs_error *err)
{
	/* ON CONFLICT: a transaction's later audit rows (an exposure's
	 * links, say) leave the first one's row standing. */
	static const char sql[] = "INSERT INTO write_token(token, audit_id, entity, entity_id) VALUES (?, ?, ?, ?) "
				  "ON CONFLICT(token) DO NOTHING";
	return store_run(st, sql, VALS(V_TEXT(st->write_token), V_INT(audit_id), V_TEXT(entity), V_INT(entity_id)),
			 err, "write_token");
}

struct found {
	bool *found;
	int64_t *entity_id;
};

static int read_found(const struct store_row *r, void *out)
{
	struct found *f = out;
	*f->found = true;
	*f->entity_id = store_row_i64(r, 0);
	return ZS_OK;
}

int store_write_token_find(struct store *st, const char *token, bool *found, int64_t *entity_id,
			   struct zs_error *err)
{
	static const char sql[] = "SELECT entity_id FROM write_token WHERE token = ?";
	*found = false;
	*entity_id = 0;
	struct found f = { found, entity_id };
	int r = store_one(st, sql, VALS(V_TEXT(token)), read_found, &f, err, "write_token");
	return r == ZS_ENOTFOUND ? ZS_OK : r;
}
