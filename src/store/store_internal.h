/* Private to src/store/: the connection and helpers shared by its files. */
#ifndef ZHISHOU_STORE_INTERNAL_H
#define ZHISHOU_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>
#include "zhishou/store.h"

struct store {
	sqlite3 *db;
	char *path;
	char *user;
	struct stmt_slot {
		const char *sql;   /* cached by the address of a static string */
		sqlite3_stmt *stmt;
	} *cache;                  /* grows: every static query is prepared once */
	int ncache, capcache;
	int busy_ms;           /* how long a writer waits for the lock in all */
	int64_t busy_since_ms; /* when the current wait began */
	uint32_t rng;
	const int64_t *now;    /* the night's clock for the audit's "at" (NULL: real time) */
	bool has_file;         /* a file on disk (not ":memory:") */
	bool fs_readonly;      /* opened immutable: its filesystem is mounted read-only */
	uint64_t dev, ino;     /* which file was opened: a write into a deleted or replaced one is refused */
};

/* A prepared, reset statement for a static SQL string; NULL on error (err set). */
sqlite3_stmt *store_prep(struct store *st, const char *sql, struct zs_error *err);
/* A one-off statement (for SQL assembled from constant fragments). */
sqlite3_stmt *store_prep_once(struct store *st, const char *sql, struct zs_error *err);

int store_sqlerr(struct store *st, struct zs_error *err, const char *what);

char *store_col_text(sqlite3_stmt *s, int i);   /* malloc'd, "" for NULL */
void store_bind_text(sqlite3_stmt *s, int i, const char *v); /* NULL -> '' */
void store_bind_opt_id(sqlite3_stmt *s, int i, int64_t id);  /* 0 -> NULL */

/* Run one statement to completion; returns ZS_OK or error. */
int store_step_done(struct store *st, sqlite3_stmt *s, struct zs_error *err, const char *what);

#endif
