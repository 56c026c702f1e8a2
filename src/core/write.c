/* Writes that ride out a lost connection (write.h). */
#include "zhishou/backoff.h"
#include "zhishou/store.h"
#include "zhishou/token.h"
#include "zhishou/write.h"

/* Whether a write recorded under token (store_audit, write_token)
 * committed, and the row it made. */
static int resolve_by_store(struct zs_ctx *c, const char *token, bool *found, int64_t *id, struct zs_error *err)
{
	return store_write_token_find(c->st, token, found, id, err);
}

/* fn with the store recording token next to its first audit row. */
static int run_recorded(struct zs_ctx *c, const char *token, write_fn fn, void *arg, int64_t *id,
			struct zs_error *err)
{
	store_write_token_use(c->st, token);
	int r = fn(c, arg, id, err);
	store_write_token_use(c->st, NULL);
	return r;
}

int write_confirm(struct zs_ctx *c, struct zs_error *err)
{
	int r = store_begin(c->st, err);   /* a writer's transaction: it locks a row, so it commits a record */
	if (!r)
		r = store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}

int write_once(struct zs_ctx *c, const char *token, write_fn fn, void *arg, int64_t *id, bool *done,
	       struct zs_error *err)
{
	*id = 0;
	*done = false;
	int r = resolve_by_store(c, token, done, id, err);
	if (!r && *done && (r = write_confirm(c, err)))
		*done = false;
	if (r || *done)
		return r;
	r = run_recorded(c, token, fn, arg, id, err);
	*done = !r;
	return r;
}

int write_surely_with(struct zs_ctx *c, const char *token, write_fn fn, void *arg, write_resolve_fn resolve,
		      int64_t *id, void (*wait)(void *ud), void *ud, struct zs_error *err)
{
	struct backoff b;
	backoff_start(&b, STORE_STANDBY_WAIT_MS);
	bool told = false;
	int r;
	*id = 0;
	while ((r = resolve ? fn(c, arg, id, err) : run_recorded(c, token, fn, arg, id, err)) == ZS_ELOST ||
	       r == ZS_ERETRY) {
		*id = 0;
		if (r == ZS_ERETRY) {   /* undone to resolve a conflict: nothing written, run again */
			if (backoff_over(&b))
				return r;
			continue;
		}
		if (!told && wait)
			wait(ud);
		told = true;
		/* Until a server answers: then the token says whether that
		 * write committed before the connection went. */
		bool found = false;
		do {
			if (!backoff_wait(&b))
				return r;
			r = store_reconnect(c->st, err);
			if (!r)
				r = (resolve ? resolve : resolve_by_store)(c, token, &found, id, err);
			if (!r && found)
				r = write_confirm(c, err);   /* ZS_ELOST: asked again */
		} while (r == ZS_ELOST);
		if (r || found)
			return r;
	}
	return r;
}

int write_surely(struct zs_ctx *c, write_fn fn, void *arg, int64_t *id, void (*wait)(void *ud), void *ud,
		 struct zs_error *err)
{
	char token[TOKEN_LEN + 1];
	token_new(token);
	return write_surely_with(c, token, fn, arg, NULL, id, wait, ud, err);
}
