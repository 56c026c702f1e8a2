/* The store's calls that differ by engine, passed to the driver the
 * database was opened with: a path is an SQLite file (db.c), a libpq
 * connection URI a PostgreSQL database (pg.c). */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

int store_sqlite_open(const char *path, const struct store_options *opt, struct store **out,
		      struct zs_error *err);

bool store_is_pg_url(const char *s)
{
	return s && (!strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11));
}

bool store_is_server(const char *path)
{
	return store_is_pg_url(path);
}

int store_open(const char *path, const struct store_options *opt, struct store **out, struct zs_error *err)
{
	if (store_is_pg_url(path))
		return store_pg_open(path, opt, out, err);
	return store_sqlite_open(path, opt, out, err);
}

static void close_store(struct store *st, bool refused)
{
	if (!st)
		return;
	st->drv->close(st, refused);
	store_cache_clear(st);
	free(st->path);
	free(st->user);
	free(st);
}

void store_close(struct store *st) { close_store(st, false); }
void store_close_refused(struct store *st) { close_store(st, true); }

const char *store_driver_name(const struct store *st) { return st->drv->name; }
bool store_file_gone(struct store *st) { return st->drv->file_gone(st); }
int store_begin(struct store *st, struct zs_error *err) { return st->drv->begin(st, err); }
int store_commit(struct store *st, struct zs_error *err) { return st->drv->commit(st, err); }
void store_rollback(struct store *st) { st->drv->rollback(st); }
int store_read_begin(struct store *st, struct zs_error *err) { return st->drv->read_begin(st, err); }
void store_read_end(struct store *st) { st->drv->read_end(st); }
int64_t store_data_version(struct store *st) { return st->drv->data_version(st); }
int64_t store_local_changes(struct store *st) { return st->drv->local_changes(st); }
int store_watch_fd(struct store *st) { return st->drv->watch_fd(st); }
enum store_lock store_relay_lock(struct store *st) { return st->drv->relay_lock(st); }
int store_reconnect(struct store *st, struct zs_error *err) { return st->drv->reconnect(st, err); }
bool store_lost(struct store *st) { return st->drv->lost(st); }

int store_quick_check(struct store *st, char *why, size_t n, struct zs_error *err)
{
	return st->drv->quick_check(st, why, n, err);
}
