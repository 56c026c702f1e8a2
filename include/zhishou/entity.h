/* entity: the credit desk's market-entity register (市场主体登记册).
 *
 * The district's export from the registration system, imported whole as
 * one snapshot (entity import), and looked up by name, former name, USCC,
 * person, address and a word in the business scope (entity search).
 * Import is an admin's job; search only reads. */
#ifndef ZHISHOU_ENTITY_H
#define ZHISHOU_ENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zhishou/csvfile.h"
#include "zhishou/ctx.h"

/* One market entity as the register holds it.  unit is the supervising
 * unit's name when unit_text matched a unit, else unit_text itself. */
struct entity {
	int64_t id;
	char *uscc;          /* 统一社会信用代码, or an old record's 注册号 */
	char *name, *former_names, *type, *person, *address, *authority;
	int64_t unit_id;     /* 0: unit_text matched no unit */
	char *unit, *unit_text;
	char *founded;       /* YYYY-MM-DD or "" */
	char *state;         /* 存续 在业 吊销 注销 迁出 */
	char *scope, *licences;
	bool odr;
	int rank;            /* search only: 0 exact name … 4 other fields */
};
void entity_clear(struct entity *e);   /* defined by the store */
/* dst gets its own copies of src's strings (ZS_EFAIL: out of memory, dst
 * then holds what was copied, for entity_clear); defined beside it. */
int entity_copy(struct entity *dst, const struct entity *src);

/* One import of the register. */
struct register_snapshot {
	int64_t id;
	char *as_of, *file, *file_hash, *imported_by;
	int64_t imported_at, rows, skipped;
};
void register_snapshot_clear(struct register_snapshot *s);   /* defined by the store */

/* ---- import ---- */

/* A bad row: its line and why (in the user's language). */
typedef void (*entity_bad_cb)(size_t line, const char *why, void *ud);

struct entity_import_opts {
	const char *as_of;   /* YYYY-MM-DD as typed, or NULL: the file's modification date */
	bool skip_bad;
	entity_bad_cb bad;   /* each bad row, as found (may be NULL) */
	void *ud;
};

struct entity_import_result {
	const char *encoding;      /* table_kind_name: UTF-8, GB18030, XLSX ... */
	size_t rows, imported, bad;
	size_t unmatched_units;    /* entities whose 管辖单位 names no unit */
	char as_of[11];
	bool unchanged;            /* the register already is this file: nothing written */
};

/* Replace the register with the file's rows, in one transaction, audited.
 * The same file (same bytes) as the newest snapshot changes nothing and
 * sets res->unchanged.  Any bad row: nothing imported, ZS_EINPUT (each one
 * reported through opts->bad first), unless opts->skip_bad. */
int entity_import(struct zs_ctx *c, const char *path, const struct entity_import_opts *opts,
		  struct entity_import_result *res, struct zs_error *err);

/* The same from a register held in memory (the demo night's, built into
 * the program): name stands for the file in messages and the snapshot;
 * opts->as_of must be given. */
int entity_import_data(struct zs_ctx *c, const char *name, const char *data, size_t len,
		       const struct entity_import_opts *opts, struct entity_import_result *res, struct zs_error *err);

/* The per-record half of an import, for any reader that hands records
 * with csv_stream_file's callback (the CSV reader; an XLSX reader plugs in
 * the same way): the first record is the header.  Used inside
 * entity_import's transaction. */
struct entity_importer;
int entity_import_record(const struct csv_record *rec, void *importer, struct zs_error *err);

/* ---- lookup ---- */

struct entity_query {
	const char *text;    /* words, a USCC or its prefix; may be NULL with scope */
	const char *scope;   /* a word in 经营范围, or NULL */
	const char *unit;    /* a unit as typed (pick_unit), or NULL */
	bool all;            /* also 吊销, 注销, 迁出 */
	int limit;           /* rows at most (0: no limit) */
};

struct entity_search_result {
	int64_t rows;
	bool more;           /* more matched than limit */
	bool by_uscc;        /* the text was taken as a USCC or its prefix */
};

typedef int (*entity_cb)(const struct entity *e, void *ud);

/* Ranked: exact name, name prefix, name contains, former name, then
 * person, address and scope; then by name.  A USCC or its prefix lists in
 * code order.  ZS_EINPUT for an unusable query or an unknown unit. */
int entity_search(struct zs_ctx *c, const struct entity_query *q, entity_cb cb, void *ud,
		  struct entity_search_result *res, struct zs_error *err);

/* ---- local involvement of an exposure ---- */

/* One local match: the entity and what on the exposure found it (a
 * company it is, is a branch of or once was called; a keyword in its
 * name or 经营范围). */
struct entity_local {
	struct entity e;
	char *term;          /* the exposure's company or keyword */
	bool by_company;     /* else by keyword */
};

struct entity_locals {
	struct entity_local *v;   /* by supervising unit, then name */
	size_t n;
	size_t units;             /* distinct supervising units among them */
};

/* The register's active entities an exposure's companies and keywords
 * find (issue 13 "local involvement"): each once, the company's match
 * first.  ZS_ENOTFOUND for no such exposure or no register yet. */
int entity_local_find(struct zs_ctx *c, int64_t exposure_id, struct entity_locals *out, struct zs_error *err);
void entity_locals_clear(struct entity_locals *l);

/* The newest snapshot: ZS_ENOTFOUND when no register was imported. */
int entity_register_latest(struct zs_ctx *c, struct register_snapshot *out, struct zs_error *err);

/* ---- the card ---- */

#include "zhishou/model.h"

enum { ENTITY_CARD_INTAKES = 30, ENTITY_CARD_LEADERS = 4, ENTITY_CARD_EXPOSURES = 20 };

/* An exposure the entity is linked to, and how (the strongest way). */
enum entity_link { ENTITY_LINK_LOCAL, ENTITY_LINK_CANDIDATE, ENTITY_LINK_INTAKE };
struct entity_exposure {
	int64_t id;
	char *title, *status;
	int how;             /* enum entity_link */
};
typedef int (*entity_exposure_cb)(const struct entity_exposure *x, void *ud);

/* Everything the desk says about one entity: every field; its supervising
 * unit's duty leaders (on shift now, else rostered today); the intakes
 * naming it (by its USCC, or by its name where an intake gives no USCC):
 * counted tonight (since board_since) and ever, the newest listed with
 * callers as a list shows them. */
struct entity_card {
	struct entity e;
	struct roster_entry leaders[ENTITY_CARD_LEADERS];
	size_t nleaders;
	bool leaders_on_shift;      /* leaders are on shift now (else today's) */
	int64_t since;              /* where tonight starts */
	int64_t intakes_tonight, intakes_ever;
	int64_t odr_handed;         /* complaints handed to it through ODR, ever */
	struct intake *intakes;     /* newest first, at most ENTITY_CARD_INTAKES */
	size_t nintakes;
	struct register_snapshot snapshot;   /* the register it comes from */
	/* the exposures it is linked to: confirmed as local involvement, a
	 * candidate, or through an intake naming it; by number */
	struct entity_exposure exposures[ENTITY_CARD_EXPOSURES];
	size_t nexposures;
};

/* The card of the entity with this USCC or 注册号 (as typed: trimmed,
 * uppercased); ZS_ENOTFOUND saying so. */
int entity_card_build(struct zs_ctx *c, const char *code, struct entity_card *card, struct zs_error *err);
void entity_card_clear(struct entity_card *card);
/* Every field with stable English keys; malloc'd. */
char *entity_card_json(const struct entity_card *card);

/* The card as the desk reads it, line by line in the user's language, for
 * every front end (entity show prints them, the console pages them): a
 * field's label and value (value "" when empty), or with label NULL a
 * listed row under the field before it (an intake, an exposure). */
typedef void (*entity_card_line_cb)(const char *label, const char *value, void *ud);
void entity_card_lines(const struct entity_card *card, entity_card_line_cb cb, void *ud);

/* Is this a register state word: 存续 在业 吊销 注销 迁出 (and the forms
 * exports write, "存续（在营、开业、在册）", "吊销，未注销")?  The word. */
const char *entity_state_word(const char *typed);

#endif
