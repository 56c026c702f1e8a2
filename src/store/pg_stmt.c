/* The PostgreSQL driver's statements and rows (the connection is pg.c's).
 *
 * The store's queries are one text for both engines.  What PostgreSQL
 * spells differently is rewritten here once per statement, mechanically,
 * and nothing else is: SQLite's parameters (?NNN, ?, :name) become $n;
 * SQLite's planner hint INDEXED BY is dropped (PostgreSQL plans for
 * itself); LIKE becomes ILIKE, since SQLite's LIKE ignores case and the
 * queries count on it.  Text inside quotes is never touched.
 *
 * Values are sent as text.  Integers are declared int8 so that a
 * comparison with a literal (?1 = 0) is not inferred as int4 and then
 * refused for a 64-bit instant; text is left for the server to infer from
 * its column.  A cached statement is prepared on the server at its first
 * run, with the types of that run's values, and again whenever they change
 * or the connection was made anew.  A result is read whole (the store's
 * reads are paged) and rows are that result and a row number. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_internal.h"

enum { INT8_OID = 20 };

struct pg_stmt {
	struct store_stmt base;
	struct store *st;
	char *sql;            /* PostgreSQL's text */
	int nparams;
	char **names;         /* names[i]: parameter i+1's ":name", or NULL */
	char **vals;          /* values as text (NULL: SQL NULL) */
	Oid *types;           /* this run's types */
	bool keep;
	bool read_only;       /* a SELECT: safe to ask again */
	Oid *prep_types;      /* the types it was prepared with */
	unsigned prep_gen;    /* the connection it was prepared on (0: not yet) */
	unsigned once_gen;    /* the connection it first ran on, unprepared */
	char name[32];
	PGresult *res;        /* while rows are read */
	int row;
};

static struct pg_stmt *ps(const void *stmt_or_row) { return (struct pg_stmt *)stmt_or_row; }

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       (unsigned char)c >= 0x80;
}

/* The keyword kw (upper case) at p, as a whole word. */
static bool keyword_at(const char *sql, const char *p, const char *kw)
{
	size_t n = strlen(kw);
	if (p > sql && word_char(p[-1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((p[i] & ~0x20) != kw[i])
			return false;
	return !word_char(p[n]);
}

struct out {
	char *s;
	size_t n, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->n + n + 1 > o->cap) {
		size_t cap = (o->n + n + 1) * 2;
		char *m = realloc(o->s, cap);
		if (!m) {
			o->oom = true;
			return;
		}
		o->s = m;
		o->cap = cap;
	}
	memcpy(o->s + o->n, s, n);
	o->n += n;
	o->s[o->n] = '\0';
}

static void put_param(struct out *o, int k)
{
	char num[16];
	put(o, num, (size_t)snprintf(num, sizeof num, "$%d", k));
}

/* sql in PostgreSQL's words, with its parameters counted and named;
 * false when out of memory or a name table would overflow. */
static bool translate(struct pg_stmt *p, const char *sql)
{
	struct out o = { 0 };
	int max = 0;
	char *names[100] = { 0 };
	const char *q = sql;
	while (*q) {
		char c = *q;
		if (c == '\'' || c == '"') {
			const char *e = q + 1;
			while (*e && !(*e == c && e[1] != c))
				e += (*e == c) ? 2 : 1;
			if (*e)
				e++;
			put(&o, q, (size_t)(e - q));
			q = e;
		} else if (c == '-' && q[1] == '-') {
			const char *e = strchr(q, '\n');
			q = e ? e : q + strlen(q);
		} else if (c == '?') {
			q++;
			int k = 0;
			if (*q >= '0' && *q <= '9')
				while (*q >= '0' && *q <= '9')
					k = k * 10 + (*q++ - '0');
			else
				k = max + 1;
			if (k < 1 || k > 99)
				goto fail;
			if (k > max)
				max = k;
			put_param(&o, k);
		} else if (c == ':' && q[1] == ':') {
			put(&o, q, 2);
			q += 2;
		} else if (c == ':' && word_char(q[1]) && !(q[1] >= '0' && q[1] <= '9')) {
			const char *e = q + 1;
			while (word_char(*e))
				e++;
			int k = 0;
			for (int i = 0; i < max && !k; i++)
				if (names[i] && strlen(names[i]) == (size_t)(e - q) && !strncmp(names[i], q, (size_t)(e - q)))
					k = i + 1;
			if (!k) {
				if (max >= 99)
					goto fail;
				k = ++max;
				names[k - 1] = strndup(q, (size_t)(e - q));
				if (!names[k - 1])
					goto fail;
			}
			put_param(&o, k);
			q = e;
		} else if (keyword_at(sql, q, "INDEXED")) {
			/* INDEXED BY name: SQLite's planner hint, dropped. */
			const char *e = q + 7;
			while (*e == ' ')
				e++;
			if (keyword_at(sql, e, "BY")) {
				e += 2;
				while (*e == ' ')
					e++;
				while (word_char(*e))
					e++;
				q = e;
			} else {
				put(&o, q, 7);
				q += 7;
			}
		} else if (keyword_at(sql, q, "LIKE")) {
			put(&o, "ILIKE", 5);
			q += 4;
		} else if (word_char(c)) {
			const char *e = q;
			while (word_char(*e))
				e++;
			put(&o, q, (size_t)(e - q));
			q = e;
		} else {
			put(&o, q, 1);
			q++;
		}
	}
	if (o.oom || !o.s)
		goto fail;
	p->sql = o.s;
	p->nparams = max;
	if (max) {
		p->names = calloc((size_t)max, sizeof *p->names);
		p->vals = calloc((size_t)max, sizeof *p->vals);
		p->types = calloc((size_t)max, sizeof *p->types);
		p->prep_types = calloc((size_t)max, sizeof *p->prep_types);
		if (!p->names || !p->vals || !p->types || !p->prep_types)
			return false;
		memcpy(p->names, names, (size_t)max * sizeof *names);
	}
	return true;
fail:
	free(o.s);
	for (int i = 0; i < 100; i++)
		free(names[i]);
	return false;
}

static void stmt_free(struct pg_stmt *p)
{
	for (int i = 0; i < p->nparams; i++) {
		if (p->names)
			free(p->names[i]);
		if (p->vals)
			free(p->vals[i]);
	}
	free(p->names);
	free(p->vals);
	free(p->types);
	free(p->prep_types);
	free(p->sql);
	PQclear(p->res);
	free(p);
}

struct store_stmt *pgs_prepare(struct store *st, const char *sql, bool keep, struct zs_error *err)
{
	struct pg_stmt *p = calloc(1, sizeof *p);
	if (!p || !translate(p, sql)) {
		if (p)
			stmt_free(p);
		zs_fail(err, ZS_EFAIL, "out of memory");
		return NULL;
	}
	p->base.drv = &store_pg_driver;
	p->st = st;
	p->keep = keep;
	p->read_only = !strncasecmp(sql + strspn(sql, " \t\n"), "SELECT", 6);
	return &p->base;
}

static void clear_values(struct pg_stmt *p)
{
	for (int i = 0; i < p->nparams; i++) {
		free(p->vals[i]);
		p->vals[i] = NULL;
		p->types[i] = 0;
	}
}

void pgs_reset(struct store_stmt *s)
{
	struct pg_stmt *p = ps(s);
	PQclear(p->res);
	p->res = NULL;
	clear_values(p);
}

void pgs_finalize(struct store_stmt *s)
{
	struct pg_stmt *p = ps(s);
	if (!p)
		return;
	/* A statement prepared on the server goes with it (while the
	 * connection it was prepared on is the one there is). */
	if (p->prep_gen && p->prep_gen == pg_generation(p->st)) {
		char sql[64];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", p->name);
		PQclear(PQexec(pg_conn_of(p->st), sql));
	}
	stmt_free(p);
}

void pgs_bind(struct store_stmt *s, int at, const struct store_val *v)
{
	struct pg_stmt *p = ps(s);
	if (at < 1 || at > p->nparams)
		return;
	char *val = NULL;
	Oid type = 0;
	char num[24];
	switch (v->type) {
	case SV_INT:
		snprintf(num, sizeof num, "%lld", (long long)v->i);
		val = strdup(num);
		type = INT8_OID;
		break;
	case SV_TEXT:
		val = strdup(v->s ? v->s : "");
		break;
	case SV_NTEXT:
		val = v->s ? strdup(v->s) : NULL;
		break;
	case SV_ID:
		if (v->i > 0) {
			snprintf(num, sizeof num, "%lld", (long long)v->i);
			val = strdup(num);
		}
		type = INT8_OID;
		break;
	}
	free(p->vals[at - 1]);
	p->vals[at - 1] = val;
	p->types[at - 1] = type;
}

int pgs_param_index(struct store_stmt *s, const char *name)
{
	struct pg_stmt *p = ps(s);
	for (int i = 0; i < p->nparams; i++)
		if (p->names[i] && !strcmp(p->names[i], name))
			return i + 1;
	return 0;
}

/* Prepared on this connection with types the values fit (an int8 where
 * one is sent now). */
static bool prepared_fits(const struct pg_stmt *p, unsigned gen)
{
	if (p->prep_gen != gen)
		return false;
	for (int i = 0; i < p->nparams; i++)
		if (p->types[i] && p->types[i] != p->prep_types[i])
			return false;
	return true;
}

static PGresult *execute(struct store *st, struct pg_stmt *p)
{
	PGconn *c = pg_conn_of(st);
	if (!p->keep)
		return PQexecParams(c, p->sql, p->nparams, p->types, (const char *const *)p->vals, NULL, NULL, 0);
	unsigned gen = pg_generation(st);
	if (!prepared_fits(p, gen)) {
		/* Its first run on a connection goes unprepared: parse, bind
		 * and execute in one round trip.  Most of a command's statements
		 * run once, and preparing them first was a round trip more each
		 * (an add's, inside the transaction that holds the audit head).
		 * A second run prepares it for the rest (a console's reloads). */
		if (p->once_gen != gen) {
			p->once_gen = gen;
			return PQexecParams(c, p->sql, p->nparams, p->types, (const char *const *)p->vals, NULL, NULL, 0);
		}
		if (p->prep_gen == gen) {
			char sql[64];
			snprintf(sql, sizeof sql, "DEALLOCATE %s", p->name);
			PQclear(PQexec(c, sql));
		}
		snprintf(p->name, sizeof p->name, "zs%u", pg_next_name(st));
		PGresult *r = PQprepare(c, p->name, p->sql, p->nparams, p->types);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			p->prep_gen = 0;
			return r;
		}
		PQclear(r);
		if (p->nparams)
			memcpy(p->prep_types, p->types, (size_t)p->nparams * sizeof *p->types);
		p->prep_gen = gen;
	}
	return PQexecPrepared(c, p->name, p->nparams, (const char *const *)p->vals, NULL, NULL, 0);
}

int pgs_run(struct store *st, struct store_stmt *s, int (*row)(const struct store_row *, void *), void *ctx,
		   bool one, struct zs_error *err, const char *what)
{
	struct pg_stmt *p = ps(s);
	PQclear(p->res);
	p->res = NULL;
	int r = pg_ensure(st, err);
	if (!r) {
		p->res = execute(st, p);
		/* A read outside a transaction that met a connection gone
		 * meanwhile is asked again on a new one: it changed nothing. */
		if (pg_lost(st) && !pg_in_tx(st) && p->read_only && !pg_ensure(st, NULL)) {
			PQclear(p->res);
			p->res = execute(st, p);
		}
		r = pg_result_check(st, p->res, err, what);
	} else {
		clear_values(p);
		return r;
	}
	if (!r) {
		int n = PQntuples(p->res);
		if (one && n == 0)
			r = ZS_ENOTFOUND;
		for (p->row = 0; p->row < n && row && !r; p->row++) {
			r = row((const struct store_row *)p, ctx);
			if (one)
				break;
		}
	}
	PQclear(p->res);
	p->res = NULL;
	clear_values(p);
	return r;
}

int64_t pgs_row_i64(const struct store_row *r, int col)
{
	const struct pg_stmt *p = ps(r);
	if (PQgetisnull(p->res, p->row, col))
		return 0;
	const char *v = PQgetvalue(p->res, p->row, col);
	/* A boolean (a comparison) reads as SQLite's 0 or 1. */
	if (v[0] == 't' && !v[1])
		return 1;
	return strtoll(v, NULL, 10);
}

const char *pgs_row_text(const struct store_row *r, int col)
{
	const struct pg_stmt *p = ps(r);
	if (col >= PQnfields(p->res) || PQgetisnull(p->res, p->row, col))
		return NULL;
	return PQgetvalue(p->res, p->row, col);
}

int pgs_row_columns(const struct store_row *r)
{
	return PQnfields(ps(r)->res);
}

const char *pgs_column_name(const struct store_row *r, int col)
{
	return PQfname(ps(r)->res, col);
}
