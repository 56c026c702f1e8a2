/* Private to src/store/: the connection and helpers shared by its files.
 *
 * The store's files reach the database through the calls below only.  The
 * SQLite driver -- db.c (the connection), rows.c (statements and rows) and
 * vfs.c -- is all that includes <sqlite3.h>, with entity.c's zs_grams as
 * the one marked exception (tests/build/test_layers.py checks it). */
#ifndef ZHISHOU_STORE_INTERNAL_H
#define ZHISHOU_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zhishou/store.h"

struct sqlite3;   /* the SQLite driver's connection (db.c) */
struct pg_conn;   /* the PostgreSQL driver's connection (pg.c) */

/* A prepared statement, and the current row of one being stepped.  Each
 * driver's statement begins with this header and is otherwise its own; a
 * row is the statement it was stepped from, read through its driver. */
struct store_stmt {
	const struct store_driver *drv;
};
struct store_row;
struct store_val;

/* What differs between the two engines, and nothing else: statements and
 * rows, transactions, change notification and text search.  The queries
 * above it are one text for both (tests/pg/check_sql.py); the PostgreSQL
 * driver rewrites only their parameter markers and planner hints. */
struct store_driver {
	const char *name;   /* "sqlite", "postgresql" */
	/* A statement for sql; keep: the store caches it by the string's
	 * address (prepared once, reset before each use). */
	struct store_stmt *(*prepare)(struct store *st, const char *sql, bool keep, struct zs_error *err);
	void (*reset)(struct store_stmt *s);      /* bindings cleared, ready to run again */
	void (*finalize)(struct store_stmt *s);
	void (*bind)(struct store_stmt *s, int at, const struct store_val *v);
	int (*param_index)(struct store_stmt *s, const char *name);   /* 0: no such parameter */
	/* Run s: row() for each row (NULL: rows are ignored); one: only the
	 * first, ZS_ENOTFOUND when there is none.  row()'s non-zero result
	 * stops and is returned; s is reset afterwards. */
	int (*run)(struct store *st, struct store_stmt *s, int (*row)(const struct store_row *, void *), void *ctx,
		   bool one, struct zs_error *err, const char *what);
	int64_t (*changes)(struct store *st);
	int64_t (*row_i64)(const struct store_row *r, int col);
	const char *(*row_text)(const struct store_row *r, int col);   /* NULL for SQL NULL */
	int (*row_columns)(const struct store_row *r);
	const char *(*column_name)(const struct store_row *r, int col);

	int (*begin)(struct store *st, struct zs_error *err);
	int (*commit)(struct store *st, struct zs_error *err);
	void (*rollback)(struct store *st);
	int (*read_begin)(struct store *st, struct zs_error *err);
	void (*read_end)(struct store *st);
	int64_t (*data_version)(struct store *st);
	int (*watch_fd)(struct store *st);
	enum store_lock (*relay_lock)(struct store *st);
	int (*reconnect)(struct store *st, struct zs_error *err);
	bool (*lost)(struct store *st);
	void (*set_patient)(struct store *st, bool on);
	int64_t (*local_changes)(struct store *st);
	int (*quick_check)(struct store *st, char *why, size_t n, struct zs_error *err);
	bool (*file_gone)(struct store *st);
	void (*close)(struct store *st, bool refused);
};
extern const struct store_driver store_sqlite_driver;   /* db.c, sqlite_stmt.c */
extern const struct store_driver store_pg_driver;       /* pg.c, pg_stmt.c */

struct store {
	const struct store_driver *drv;
	struct sqlite3 *db;
	struct pg_conn *pg;
	char *path;        /* the file, or the connection as shown to people (no password) */
	char *user;
	struct stmt_slot {
		const char *sql;   /* cached by the address of a static string */
		struct store_stmt *stmt;
	} *cache;                  /* grows: every static query is prepared once */
	int ncache, capcache;
	int busy_ms;           /* how long a writer waits for the lock in all */
	int64_t busy_since_ms; /* when the current wait began */
	uint32_t rng;
	const int64_t *now;    /* the night's clock for the audit's "at" (NULL: real time) */
	bool has_file;         /* a file on disk (not ":memory:") */
	bool fs_readonly;      /* opened immutable: its filesystem is mounted read-only */
	uint64_t dev, ino;     /* which file was opened: a write into a deleted or replaced one is refused */
	bool created;          /* this open applied the first migration: the database is new */
	int64_t created_at;    /* a new database's creation on its own clock (0: real time) */
	bool wal_found;        /* a -wal was there before SQLite opened the file */
	bool bare;             /* a copy's target: migrations make the schema only */
	char write_token[65];  /* the running command's token ("" none): store_audit records it, write_token.c */
};

/* write_token.c: the running command's token, next to audit row audit_id
 * (store_audit, inside the write's transaction). */
int store_write_token_note(struct store *st, int64_t audit_id, const char *entity, int64_t entity_id,
			   struct zs_error *err);

/* sqlite_stmt.c: the SQLite driver's statement operations (its table is
 * db.c's store_sqlite_driver). */
struct store_stmt *sq_prepare(struct store *st, const char *sql, bool keep, struct zs_error *err);
void sq_reset(struct store_stmt *s);
void sq_finalize(struct store_stmt *s);
void sq_bind(struct store_stmt *s, int at, const struct store_val *v);
int sq_param_index(struct store_stmt *s, const char *name);
int sq_run(struct store *st, struct store_stmt *s, int (*row)(const struct store_row *, void *), void *ctx,
	   bool one, struct zs_error *err, const char *what);
int64_t sq_changes(struct store *st);
int64_t sq_row_i64(const struct store_row *r, int col);
const char *sq_row_text(const struct store_row *r, int col);
int sq_row_columns(const struct store_row *r);
const char *sq_column_name(const struct store_row *r, int col);
/* rows.c: a statement kept prepared by its caller (one assembled at run
 * time and run many times: store_copy's), freed with store_stmt_free; and
 * a statement made ready to bind and run again. */
struct store_stmt *store_prep_reused(struct store *st, const char *sql, struct zs_error *err);
void store_stmt_reset(struct store_stmt *s);
/* The current row's number of columns, and column col's name. */
int store_row_columns(const struct store_row *r);
const char *store_row_column_name(const struct store_row *r, int col);
/* rows.c: every cached statement finalized (a closing or reconnecting store). */
void store_cache_clear(struct store *st);

/* textsearch.c: a term of 3+ characters is found by SQLite's FTS5
 * trigram tables, or by LIKE where the engine has none (PostgreSQL:
 * pg_trgm indexes).  The LIKE form: one pattern per word, bound to the
 * parameters store_word_name names (:w0 ...). */
enum { STORE_WORDS = 16 };
bool store_has_fts5(const struct store *st);
char *store_fts5_match(const char *const *words);     /* "w1" AND "w2" ..., malloc'd */
char *store_like_of(const char *w);                    /* %w% escaped with \, malloc'd */
extern const char *const store_word_name[STORE_WORDS];
/* The initialiser of an array of STORE_WORDS fragments, F(":w0") ...
 * F(":w15"): a query's condition on each word, named as store_word_name. */
#define STORE_WORD_FRAGS(F) \
	F(":w0"), F(":w1"), F(":w2"), F(":w3"), F(":w4"), F(":w5"), F(":w6"), F(":w7"), \
	F(":w8"), F(":w9"), F(":w10"), F(":w11"), F(":w12"), F(":w13"), F(":w14"), F(":w15")
/* A search's terms as this engine finds them: match, the FTS5 expression
 * of the terms the trigram table finds (NULL: none, or no FTS5), bound to
 * :fts; like[k], the patterns of the others, bound to store_word_name[k]. */
struct store_text {
	char *match;
	char *like[STORE_WORDS];
};
int store_text_plan(const struct store *st, const char *const *terms, struct store_text *t, struct zs_error *err);
void store_text_bind(struct store_stmt *s, const struct store_text *t);
void store_text_free(struct store_text *t);

/* The engine, for the few statements each spells its own way (temporary
 * tables, the schema's catalogue); everything else is one text. */
bool store_on_sqlite(const struct store *st);

/* The database's migrations, one numbering for both engines: the
 * embedded file of step k (0 first) for driver name. */
const char *store_migration(const char *driver, int k);
/* What a migration step does besides its SQL, in its transaction, on
 * either engine: a new database's settings, the first admin. */
int store_migration_extras(struct store *st, int version, const char *const *new_settings, struct zs_error *err);

/* pg.c: open a PostgreSQL database (url: a libpq connection URI). */
int store_pg_open(const char *url, const struct store_options *opt, struct store **out, struct zs_error *err);
bool store_is_pg_url(const char *s);

/* --- rows.c: statements ----------------------------------------------- */

/* A prepared, reset statement for a static SQL string, kept prepared by
 * the store (not freed by the caller); NULL on error (err set). */
struct store_stmt *store_prep(struct store *st, const char *sql, struct zs_error *err);
/* A one-off statement (for SQL assembled from constant fragments), freed
 * by the caller with store_stmt_free. */
struct store_stmt *store_prep_once(struct store *st, const char *sql, struct zs_error *err);
void store_stmt_free(struct store_stmt *s);   /* NULL: nothing */

/* Run one statement to completion; returns ZS_OK or error. */
int store_step_done(struct store *st, struct store_stmt *s, struct zs_error *err, const char *what);

/* Rows the last INSERT, UPDATE or DELETE to finish changed. */
int64_t store_changes(struct store *st);

/* --- db.c, bulk.c, entity.c, vfs.c ------------------------------------ */

/* db.c: the connection's last error into err, naming what (ZS_EFAIL). */
int store_sqlerr(struct store *st, struct zs_error *err, const char *what);

/* bulk.c: a bulk load's indexes.  Inside the caller's transaction: drop
 * table's secondary indexes but unique ones and those named in keep
 * (NULL-terminated, or NULL), keeping their definitions as sqlite_master
 * has them; restore makes them again (nothing when none were dropped). */
int store_indexes_drop(struct store *st, const char *table, const char *const *keep, struct zs_error *err);
int store_indexes_restore(struct store *st, const char *table, struct zs_error *err);

/* The register's SQL functions (zs_grams: migration 009, store/entity.c),
 * on every connection that may write. */
void store_entity_functions(struct sqlite3 *db);
/* vfs.c: the default VFS from now on, raising the account's rights (priv.h)
 * around every touch of a file by name; once per process. */
int store_vfs_register(void);

/* --- rows.c: binding values and the one row loop ---------------------- */

/* A value for one parameter: V_INT, V_TEXT (NULL binds ''), V_NTEXT (NULL
 * binds NULL) or V_ID (0 binds NULL: an optional reference). */
struct store_val {
	enum { SV_INT, SV_TEXT, SV_NTEXT, SV_ID } type;
	int64_t i;
	const char *s;
};
#define V_INT(v) ((struct store_val){ SV_INT, (int64_t)(v), NULL })
#define V_TEXT(v) ((struct store_val){ SV_TEXT, 0, (v) })
#define V_NTEXT(v) ((struct store_val){ SV_NTEXT, 0, (v) })
#define V_ID(v) ((struct store_val){ SV_ID, (int64_t)(v), NULL })
/* The values of parameters ?1, ?2, ... in order: an array and its length,
 * as store_bind, store_run, store_each and store_one take them. */
#define VALS(...) (const struct store_val[]){ __VA_ARGS__ }, \
	(int)(sizeof((const struct store_val[]){ __VA_ARGS__ }) / sizeof(struct store_val))
#define NO_VALS NULL, 0

/* A query assembled from constant fragments (filters that each want
 * their own shape); values are bound by name after store_sql_prep. */
struct store_sql {
	char text[8192];
	size_t n;
	bool full;   /* a fragment did not fit: store_sql_prep refuses it */
};
void store_sql_add(struct store_sql *q, const char *frag);
/* An identifier, quoted ("a""b"): names read from a catalogue (copy.c). */
void store_sql_ident(struct store_sql *q, const char *id);
/* A one-off statement of q's text (store_prep_once), freed by the caller. */
struct store_stmt *store_sql_prep(struct store *st, struct store_sql *q, struct zs_error *err);

/* Bind a value to the parameter called name (":fts"), when the statement
 * has one: queries assembled from fragments name their parameters.  NULL
 * text leaves the parameter NULL. */
void store_bind_named_text(struct store_stmt *s, const char *name, const char *v);
void store_bind_named_int(struct store_stmt *s, const char *name, int64_t v);

/* Bind v[0..n) to parameters first, first+1, ... */
void store_bind(struct store_stmt *s, int first, const struct store_val *v, int n);

/* Prepare (cached), bind and run a statement that returns no rows. */
int store_run(struct store *st, const char *sql, const struct store_val *v, int n, struct zs_error *err,
	      const char *what);
/* store_run for an INSERT whose SQL ends in "RETURNING id": *id is the
 * new row's id when it worked. */
int store_insert(struct store *st, const char *sql, const struct store_val *v, int n, int64_t *id,
		 struct zs_error *err, const char *what);

/* An UPDATE or DELETE's result r, ZS_ENOTFOUND when it worked but changed
 * no row. */
int store_none_changed(struct store *st, int r);

/* The current row's column col (0 first).  SQL NULL reads as 0, or as
 * NULL text; text is valid until the statement's next step or reset. */
int64_t store_row_i64(const struct store_row *r, int col);
int store_row_int(const struct store_row *r, int col);
const char *store_row_text(const struct store_row *r, int col);
/* A text column malloc'd, "" for NULL (NULL: out of memory). */
char *store_row_strdup(const struct store_row *r, int col);

/* A row function reads the statement's current row.  As a callback's
 * result: 0 goes on, ZS_STOP stops early (a success), anything else is a
 * failure, passed up unchanged. */
typedef int (*store_row_fn)(const struct store_row *r, void *ctx);

/* The row loop: step s (prepared and bound) to its end, row() for each
 * row; s is reset, not finalized (cached statements stay prepared).
 * ZS_OK (also after a ZS_STOP), row()'s failure, or a database error (err
 * set, naming what). */
int store_step_rows(struct store *st, struct store_stmt *s, store_row_fn row, void *ctx, struct zs_error *err,
		    const char *what);
/* store_prep + store_bind + store_step_rows. */
int store_each(struct store *st, const char *sql, const struct store_val *v, int n, store_row_fn row, void *ctx,
	       struct zs_error *err, const char *what);
/* The first row only, read by row() into out: ZS_ENOTFOUND when there is
 * none (err untouched), row()'s result, or a database error. */
int store_one(struct store *st, const char *sql, const struct store_val *v, int n, store_row_fn row, void *out,
	      struct zs_error *err, const char *what);

/* The one integer a query yields, or -1 when it yields none or fails. */
int64_t store_count(struct store *st, const char *sql, const struct store_val *v, int n);

/* Row functions for one column 0: an int64_t, or a malloc'd string (char *). */
int store_read_int64(const struct store_row *r, void *out);
int store_read_text(const struct store_row *r, void *out);

/* A row read into a struct: SELECT column i goes to the field cols[i]
 * names.  Text is malloc'd ("" for NULL), as store_row_strdup gives it. */
struct store_col {
	enum { SC_I64, SC_INT, SC_BOOL, SC_TEXT } type;
	size_t off;
};
/* A map's entry, for the struct type ROW_T #defined around the map. */
#define COL(TYPE, FIELD) { SC_##TYPE, offsetof(ROW_T, FIELD) }
/* Zero the size bytes at out, then fill them from columns 0..n-1. */
int store_read_cols(const struct store_row *r, const struct store_col *cols, int n, void *out, size_t size);
/* Defines row function NAME reading a T by the column map COLS. */
#define STORE_READER(NAME, T, COLS) \
	static int NAME(const struct store_row *cur_, void *out_) \
	{ \
		return store_read_cols(cur_, COLS, (int)(sizeof COLS / sizeof *COLS), out_, sizeof(T)); \
	}

/* A public callback typed for its table (store_exposure_cb, ...) and its
 * user data, for the row functions STORE_VISITOR makes.  The callback is
 * kept as a generic function pointer and called through its own type. */
struct store_visit {
	void (*fn)(void);
	void *ud;
};
#define STORE_VISIT(cb, ud) (&(struct store_visit){ (void (*)(void))(cb), (ud) })

/* Defines row function NAME: a T read by the column map COLS, handed to
 * the visit's callback of type CB, then freed by CLEAR. */
#define STORE_VISITOR(NAME, T, COLS, CLEAR, CB) \
	static int NAME(const struct store_row *cur_, void *ctx_) \
	{ \
		const struct store_visit *v_ = ctx_; \
		T row_; \
		store_read_cols(cur_, COLS, (int)(sizeof COLS / sizeof *COLS), &row_, sizeof row_); \
		int r_ = ((CB)v_->fn)(&row_, v_->ud); \
		CLEAR(&row_); \
		return r_; \
	}

#endif
