/* The market-entity register: import (one snapshot, all or nothing) and
 * lookup.  The store keeps it (store/entity.c); this file decides what a
 * row must hold and how a query is read. */
#include <ctype.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zhishou/entity.h"
#include "zhishou/exposure.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/pick.h"
#include "zhishou/search.h"
#include "zhishou/tablefile.h"
#include "zhishou/store.h"
#include "zhishou/store_entity.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/validate.h"

/* ---- the columns, by the names registration systems export ---- */

enum { C_USCC, C_REGNO, C_NAME, C_TYPE, C_PERSON, C_ADDRESS, C_AUTHORITY, C_UNIT, C_FOUNDED, C_STATE,
       C_SCOPE, C_FORMER, C_LICENCE, C_ODR, C_N };

static const char *const *const columns[C_N] = {
	[C_USCC] = (const char *const[]){ "统一社会信用代码", "社会信用代码", "uscc", NULL },
	[C_REGNO] = (const char *const[]){ "注册号", NULL },
	[C_NAME] = (const char *const[]){ "名称", "企业名称", "字号名称", "主体名称", "name", NULL },
	[C_TYPE] = (const char *const[]){ "类型", "市场主体类型", "企业类型", "type", NULL },
	[C_PERSON] = (const char *const[]){ "法定代表人", "负责人", "经营者", "法定代表人/负责人/经营者", "person", NULL },
	[C_ADDRESS] = (const char *const[]){ "住所", "经营场所", "地址", "住所/经营场所", "address", NULL },
	[C_AUTHORITY] = (const char *const[]){ "登记机关", "authority", NULL },
	[C_UNIT] = (const char *const[]){ "管辖单位", "所属监管所", "监管所", "unit", NULL },
	[C_FOUNDED] = (const char *const[]){ "成立日期", "founded", NULL },
	[C_STATE] = (const char *const[]){ "登记状态", "状态", "state", NULL },
	[C_SCOPE] = (const char *const[]){ "经营范围", "scope", NULL },
	[C_FORMER] = (const char *const[]){ "曾用名", "former names", NULL },
	[C_LICENCE] = (const char *const[]){ "许可证号", "许可证", "食品经营许可证", "licences", NULL },
	[C_ODR] = (const char *const[]){ "是否ODR企业", "ODR企业", "ODR", "odr", NULL },
};

/* What a register must have: a code, a name, an address, the station and
 * the state (what every search row shows). */
static const int required[] = { C_NAME, C_ADDRESS, C_UNIT, C_STATE };

const char *entity_state_word(const char *typed)
{
	static const char *const words[] = { "存续", "在业", "吊销", "注销", "迁出", NULL };
	/* Exports write "存续（在营、开业、在册）" or "吊销，未注销": the
	 * first word decides. */
	for (int i = 0; words[i]; i++)
		if (!strncmp(typed, words[i], strlen(words[i])))
			return words[i];
	return NULL;
}

/* ---- import ---- */

struct unit_seen {
	char *text;
	int64_t id;   /* 0: matches no unit */
};

struct entity_importer {
	struct zs_ctx *c;
	const char *path;          /* the file, or the name of the data below */
	const char *data;          /* the register in memory (the demo's), or NULL: read path */
	size_t len;
	const struct entity_import_opts *opts;
	struct entity_import_result *res;
	int col[C_N];
	bool have_header;
	double size, seen;
	struct unit_seen *units;   /* a district has a few dozen stations: a list */
	size_t nunits;
};

static const char *cell(const struct entity_importer *im, const struct csv_record *rec, int k)
{
	int i = im->col[k];
	return i >= 0 && (size_t)i < rec->nfields ? rec->fields[i] : "";
}

/* The unit a station's name means: its whole name, else the only unit it
 * matches (pick_unit); remembered per name, as every row repeats it.  At
 * most UNITS_KEPT names are kept (a district has a few dozen stations; a
 * file with another column under 管辖单位 must not make the import slow
 * down row by row). */
enum { UNITS_KEPT = 256 };
static int64_t unit_for(struct entity_importer *im, const char *text)
{
	if (!*text)
		return 0;
	for (size_t i = 0; i < im->nunits; i++)
		if (!strcmp(im->units[i].text, text))
			return im->units[i].id;
	int64_t id = 0;
	struct zs_error ignored = { 0 };
	if (store_unit_find(im->c->st, text, &id) != ZS_OK && pick_unit(im->c, text, "", &id, NULL, &ignored))
		id = 0;
	struct unit_seen *u = im->nunits < UNITS_KEPT ? realloc(im->units, (im->nunits + 1) * sizeof *u) : NULL;
	if (u) {
		im->units = u;
		u[im->nunits].text = strdup(text);
		u[im->nunits].id = id;
		if (u[im->nunits].text)
			im->nunits++;
	}
	return id;
}

/* 13 or 15 digits: a 注册号 from before the unified code. */
static bool regno_ok(const char *s)
{
	size_t n = strlen(s);
	return (n == 13 || n == 15) && strspn(s, "0123456789") == n;
}

static int parse_code(struct entity_importer *im, const struct csv_record *rec, struct entity *e,
		      struct zs_error *err)
{
	/* Exports put an old record's 注册号 in the code column too. */
	char norm[64];
	uscc_normalize(cell(im, rec, C_USCC), norm, sizeof norm);
	if (regno_ok(norm))
		return (e->uscc = strdup(norm)) ? ZS_OK : zs_fail(err, ZS_EFAIL, "out of memory");
	int r = field_uscc(cell(im, rec, C_USCC), &e->uscc, err);
	if (r || *e->uscc)
		return r;
	free(e->uscc);
	e->uscc = NULL;
	if ((r = field_text(cell(im, rec, C_REGNO), FIELD("注册号", "registration number"), 20, false, false,
			    &e->uscc, err)))
		return r;
	if (!*e->uscc)
		return zs_fail(err, ZS_EINPUT, TR("缺少统一社会信用代码（旧记录写注册号）",
						  "missing the USCC (or an old record's 注册号)"));
	if (!regno_ok(e->uscc))
		return zs_fail(err, ZS_EINPUT, TR("注册号「%s」不对：应为 15 位（或 13 位）数字",
						  "registration number \"%s\" is wrong: 15 (or 13) digits"), e->uscc);
	return ZS_OK;
}

static int parse_odr(const char *in, bool *out, struct zs_error *err)
{
	char *v = NULL;
	int r = field_text(in, FIELD("是否ODR企业", "ODR"), 10, false, false, &v, err);
	if (r)
		return r;
	if (!*v || !strcmp(v, "否"))
		*out = false;
	else if (!strcmp(v, "是"))
		*out = true;
	else if (!config_parse_bool(v, out))
		r = zs_fail(err, ZS_EINPUT, TR("是否ODR企业一栏应填“是”或“否”，不是「%s」",
					       "the ODR column takes 是 or 否, not \"%s\""), v);
	free(v);
	return r;
}

static int parse_founded(const char *in, char **out, struct zs_error *err)
{
	int r = field_text(in, FIELD("成立日期", "founding date"), 20, false, false, out, err);
	int y, m, d;
	if (r || !**out)
		return r;
	if (!date_parse(*out, &y, &m, &d))
		return zs_fail(err, ZS_EINPUT, TR("成立日期「%s」不对（应为 2015-03-01）",
						  "founding date \"%s\" is wrong (e.g. 2015-03-01)"), *out);
	free(*out);
	if (asprintf(out, "%04d-%02d-%02d", y, m, d) < 0) {
		*out = NULL;
		return zs_fail(err, ZS_EFAIL, "out of memory");
	}
	return ZS_OK;
}

/* One record into e: ZS_EINPUT (err says why) for a bad row. */
static int parse_row(struct entity_importer *im, const struct csv_record *rec, struct entity *e,
		     struct zs_error *err)
{
	int r;
	char *state = NULL;
	if ((r = parse_code(im, rec, e, err)) ||
	    (r = field_text(cell(im, rec, C_NAME), FIELD("名称", "name"), 200, false, true, &e->name, err)) ||
	    (r = field_list(cell(im, rec, C_FORMER), FIELD("曾用名", "former names"), 1000, &e->former_names, err)) ||
	    (r = field_text(cell(im, rec, C_TYPE), FIELD("类型", "type"), 60, false, false, &e->type, err)) ||
	    (r = field_text(cell(im, rec, C_PERSON), FIELD("法定代表人/负责人/经营者", "person"), 60, false, false,
			    &e->person, err)) ||
	    (r = field_text(cell(im, rec, C_ADDRESS), FIELD("住所", "address"), 300, false, true, &e->address, err)) ||
	    (r = field_text(cell(im, rec, C_AUTHORITY), FIELD("登记机关", "registration authority"), 100, false, false,
			    &e->authority, err)) ||
	    (r = field_text(cell(im, rec, C_UNIT), FIELD("管辖单位", "supervising unit"), 64, false, true,
			    &e->unit_text, err)) ||
	    (r = parse_founded(cell(im, rec, C_FOUNDED), &e->founded, err)) ||
	    (r = field_text(cell(im, rec, C_STATE), FIELD("登记状态", "state"), 30, false, true, &state, err)) ||
	    (r = field_text(cell(im, rec, C_SCOPE), FIELD("经营范围", "business scope"), 4000, true, false, &e->scope,
			    err)) ||
	    (r = field_list(cell(im, rec, C_LICENCE), FIELD("许可证号", "licence numbers"), 500, &e->licences, err)) ||
	    (r = parse_odr(cell(im, rec, C_ODR), &e->odr, err))) {
		free(state);
		return r;
	}
	const char *w = entity_state_word(state);
	if (!w)
		r = zs_fail(err, ZS_EINPUT, TR("登记状态「%s」不对（应为 存续、在业、吊销、注销 或 迁出）",
					       "state \"%s\" is wrong (存续, 在业, 吊销, 注销 or 迁出)"), state);
	free(state);
	if (!r && !(e->state = strdup(w)))
		r = zs_fail(err, ZS_EFAIL, "out of memory");
	if (!r)
		e->unit_id = unit_for(im, e->unit_text);
	return r;
}

static int read_header(struct entity_importer *im, const struct csv_record *rec, struct zs_error *err)
{
	for (int k = 0; k < C_N; k++)
		im->col[k] = csv_record_find_column(rec, columns[k]);
	if (im->col[C_USCC] < 0 && im->col[C_REGNO] < 0)
		return zs_fail(err, ZS_EINPUT, TR("%s：第 1 行表头缺少“统一社会信用代码”（或“注册号”）一栏",
						  "%s: the header lacks the \"统一社会信用代码\" (or \"注册号\") column"), im->path);
	for (size_t k = 0; k < sizeof required / sizeof *required; k++)
		if (im->col[required[k]] < 0)
			return zs_fail(err, ZS_EINPUT,
				       TR("%s：第 1 行表头缺少“%s”一栏（需要：统一社会信用代码或注册号、名称、住所、管辖单位、登记状态）",
					  "%s: the header lacks the \"%s\" column (needed: 统一社会信用代码 or 注册号, 名称, 住所, "
					  "管辖单位, 登记状态)"),
				       im->path, columns[required[k]][0]);
	return CSV_NEXT;
}

/* About the bytes a record took in the file, for "how far". */
static double record_bytes(const struct csv_record *rec)
{
	double n = (double)rec->nfields + 1;
	for (size_t k = 0; k < rec->nfields; k++)
		n += (double)strlen(rec->fields[k]);
	return n;
}

int entity_import_record(const struct csv_record *rec, void *importer, struct zs_error *err)
{
	struct entity_importer *im = importer;
	im->seen += record_bytes(rec);
	if (!im->have_header) {
		im->have_header = true;
		return read_header(im, rec, err);
	}
	struct entity_import_result *res = im->res;
	res->rows++;
	double part = im->size > 0 ? im->seen / im->size : -1;
	zs_progress(im->c, (int64_t)res->rows, part > 0.99 ? 0.99 : part);
	struct entity e = { 0 };
	struct zs_error rowerr = { 0 };
	int r = parse_row(im, rec, &e, &rowerr);
	if (!r)
		r = store_entity_insert(im->c->st, &e, &rowerr);
	if (!r) {
		res->imported++;
		res->unmatched_units += !e.unit_id;
	} else if (r == ZS_EINPUT) {
		res->bad++;
		if (im->opts->bad)
			im->opts->bad(rec->line, rowerr.msg, im->opts->ud);
		r = ZS_OK;
	} else {
		r = zs_fail(err, r, "%s", rowerr.msg);
	}
	entity_clear(&e);
	return r;
}

/* The file's SHA-256 in hex: the same bytes are the same register.  A
 * file that cannot be opened or read leaves hex empty: the reading then
 * names the file and why, as every import does (a folder, no access). */
/* SHA-256 of the file's bytes, or of data when it is given. */
static void source_hash(const char *path, const char *data, size_t len, char hex[65])
{
	FILE *f = data ? NULL : fopen(path, "rb");
	if (!data && !f)
		return;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char buf[65536], sum[32];
	unsigned n32 = 0;
	size_t n;
	bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	if (data)
		ok = ok && EVP_DigestUpdate(md, data, len);
	while (ok && f && (n = fread(buf, 1, sizeof buf, f)) > 0)
		ok = EVP_DigestUpdate(md, buf, n);
	ok = ok && !(f && ferror(f)) && EVP_DigestFinal_ex(md, sum, &n32) && n32 == 32;
	EVP_MD_CTX_free(md);
	if (f)
		fclose(f);
	for (int i = 0; ok && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
}

/* The records of a register held in memory, as the file reader hands them. */
static int read_data(struct entity_importer *im, enum table_kind *kind, struct zs_error *err)
{
	struct csv_table t;
	int r = csv_parse_buffer(im->data, im->len, &t, err);
	if (r)
		return r;
	*kind = table_kind_of_csv(t.encoding);
	for (size_t i = 0; i < t.nrecords && !r; i++)
		r = entity_import_record(&t.records[i], im, err);
	csv_table_free(&t);
	return r == CSV_STOP ? ZS_OK : r;
}

/* --as-of as typed, else the file's modification date (its local day). */
static int as_of_date(const char *path, const char *typed, char out[11], struct zs_error *err)
{
	int y, m, d;
	if (typed) {
		if (!date_parse(typed, &y, &m, &d))
			return zs_fail(err, ZS_EINPUT, TR("--as-of「%s」不对（应为日期，如 2026-03-10）",
							  "--as-of \"%s\" is wrong (a date, e.g. 2026-03-10)"), typed);
	} else {
		struct stat sb;
		int hh, mm, ss;
		if (stat(path, &sb))
			return ZS_OK;   /* the reading names what is wrong with the file */
		/* The day in the bureau's zone, as every date it shows. */
		time_to_local((int64_t)sb.st_mtime, &y, &m, &d, &hh, &mm, &ss);
	}
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)m % 100, (unsigned)d % 100);
	return ZS_OK;
}

static int audit_import(struct zs_ctx *c, const struct register_snapshot *s, struct zs_error *err)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I}", "file", s->file, "sha256", s->file_hash, "as_of", s->as_of,
			      "rows", (json_int_t)s->rows, "skipped", (json_int_t)s->skipped);
	char *after = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int r = after ? store_audit(c->st, "register", s->id, "import", "", "", after, err)
		      : zs_fail(err, ZS_EFAIL, "out of memory");
	free(after);
	json_decref(o);
	return r;
}

/* Is the newest snapshot already this file, as of this date? */
static bool same_as_latest(struct zs_ctx *c, const char *hash, const char *as_of)
{
	struct register_snapshot s = { 0 };
	bool same = !store_register_latest(c->st, &s, NULL) && !strcmp(s.file_hash, hash) && !strcmp(s.as_of, as_of);
	register_snapshot_clear(&s);
	return same;
}

static int import_file(struct entity_importer *im, struct zs_error *err)
{
	struct zs_ctx *c = im->c;
	struct entity_import_result *res = im->res;
	enum table_kind kind = TABLE_CSV_UTF8;
	int r = store_entity_clear_all(c->st, err);
	/* CSV or XLSX, by the file's content (tablefile.h) */
	if (!r)
		r = im->data ? read_data(im, &kind, err) : table_stream_file(im->path, entity_import_record, im, &kind, err);
	res->encoding = table_kind_name(kind);
	if (!r && !res->rows)
		r = zs_fail(err, ZS_EINPUT, TR("%s 只有表头，没有市场主体", "%s has a header but no entities"), im->path);
	if (!r && res->bad && !im->opts->skip_bad)
		r = zs_fail(err, ZS_EINPUT, TR("%zu 行有错，没有导入任何一行（改正后重试，或用 --skip-bad 只导入正确的行）",
					       "%zu bad rows; nothing imported (fix them, or use --skip-bad)"), res->bad);
	if (!r && !res->imported)
		r = zs_fail(err, ZS_EINPUT, TR("%s 没有一行正确，没有导入", "%s has no good row; nothing imported"),
			    im->path);
	if (!r)
		r = store_entity_reindex(c->st, err);
	return r;
}

/* Both imports: the file's or the data's date and hash decided, the rest
 * is the same transaction. */
static int import_source(struct entity_importer *im, const char *hash, struct zs_error *err)
{
	struct zs_ctx *c = im->c;
	struct entity_import_result *res = im->res;
	if (*hash && *res->as_of && same_as_latest(c, hash, res->as_of)) {
		res->unchanged = true;
		return ZS_OK;
	}
	int r = store_begin(c->st, err);
	if (!r)
		r = import_file(im, err);
	if (!r) {
		struct register_snapshot s = { .as_of = res->as_of, .file = (char *)im->path, .file_hash = (char *)hash,
					       .imported_by = (char *)store_user(c->st), .imported_at = c->now,
					       .rows = (int64_t)res->imported, .skipped = (int64_t)res->bad };
		r = store_register_snapshot_insert(c->st, &s, err);
		if (!r)
			r = audit_import(c, &s, err);
		/* Open exposures' candidates come from this register now. */
		if (!r)
			r = exposure_local_rematch(c, err);
	}
	if (!r)
		r = store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	for (size_t i = 0; i < im->nunits; i++)
		free(im->units[i].text);
	free(im->units);
	return r;
}

int entity_import(struct zs_ctx *c, const char *path, const struct entity_import_opts *opts,
		  struct entity_import_result *res, struct zs_error *err)
{
	memset(res, 0, sizeof *res);
	res->encoding = csv_encoding_name(CSV_UTF8);
	int r = role_require(c, ROLE_ADMIN, "导入市场主体登记册", "importing the register", err);
	char hash[65] = "";
	if (!r)
		r = as_of_date(path, opts->as_of, res->as_of, err);
	if (r)
		return r;
	source_hash(path, NULL, 0, hash);
	struct entity_importer im = { .c = c, .path = path, .opts = opts, .res = res };
	struct stat sb;
	if (stat(path, &sb) == 0)
		im.size = (double)sb.st_size;
	return import_source(&im, hash, err);
}

int entity_import_data(struct zs_ctx *c, const char *name, const char *data, size_t len,
		       const struct entity_import_opts *opts, struct entity_import_result *res, struct zs_error *err)
{
	memset(res, 0, sizeof *res);
	res->encoding = csv_encoding_name(CSV_UTF8);
	int r = role_require(c, ROLE_ADMIN, "导入市场主体登记册", "importing the register", err);
	if (!r && !opts->as_of)
		r = zs_fail(err, ZS_EINPUT, "%s", TR("登记册的日期未给出", "the register's date is not given"));
	if (!r)
		r = as_of_date(name, opts->as_of, res->as_of, err);
	if (r)
		return r;
	char hash[65] = "";
	source_hash(NULL, data, len, hash);
	struct entity_importer im = { .c = c, .path = name, .data = data, .len = len, .opts = opts, .res = res,
				      .size = (double)len };
	return import_source(&im, hash, err);
}

/* ---- local involvement ---- */

struct local_gather {
	struct entity_locals *out;
	const char *term;
	bool by_company;
	bool oom;
};

/* An entity's code and where it was found (its place in the list). */
struct local_key {
	const char *uscc;
	size_t i;
};

static int local_key_cmp(const void *a, const void *b)
{
	const struct local_key *x = a, *y = b;
	int c = strcmp(x->uscc, y->uscc);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Each entity once, the first finding of it kept (a company's before a
 * keyword's, as they were searched): sorted by code, then by place, so a
 * keyword matching tens of thousands costs n log n, not n² comparisons. */
static int local_dedup(struct entity_locals *l)
{
	if (l->n < 2)
		return ZS_OK;
	struct local_key *k = malloc(l->n * sizeof *k);
	bool *drop = calloc(l->n, sizeof *drop);
	if (!k || !drop) {
		free(k);
		free(drop);
		return ZS_EFAIL;
	}
	for (size_t i = 0; i < l->n; i++)
		k[i] = (struct local_key){ l->v[i].e.uscc, i };
	qsort(k, l->n, sizeof *k, local_key_cmp);
	for (size_t j = 1; j < l->n; j++)
		drop[k[j].i] = !strcmp(k[j].uscc, k[j - 1].uscc);
	size_t m = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (drop[i]) {
			entity_clear(&l->v[i].e);
			free(l->v[i].term);
		} else {
			l->v[m++] = l->v[i];
		}
	}
	l->n = m;
	free(k);
	free(drop);
	return ZS_OK;
}

static int local_cb(const struct entity *e, void *ud)
{
	struct local_gather *g = ud;
	/* A company is the entity's name, a branch's (…分公司) or a former
	 * name: ranks 0-3.  A keyword: in the name or, through --scope's
	 * search, in 经营范围 (the address or a person naming it is chance). */
	bool hit = g->by_company ? e->rank <= 3 : (strstr(e->name, g->term) || strstr(e->scope, g->term));
	if (!hit)   /* found again by another term: local_dedup */
		return 0;
	struct entity_local *v = realloc(g->out->v, (g->out->n + 1) * sizeof *v);
	if (!v) {
		g->oom = true;
		return ZS_STOP;
	}
	g->out->v = v;
	struct entity_local *x = &v[g->out->n];
	memset(x, 0, sizeof *x);
	/* the callback's entity is the search's row, freed after the call */
	bool ok = entity_copy(&x->e, e) == ZS_OK;
	x->term = strdup(g->term);
	x->by_company = g->by_company;
	g->out->n++;
	if (!ok || !x->term) {
		g->oom = true;
		return ZS_STOP;
	}
	return 0;
}

static int local_cmp(const void *a, const void *b)
{
	const struct entity_local *x = a, *y = b;
	int u = strcmp(x->e.unit, y->e.unit);
	return u ? u : strcmp(x->e.name, y->e.name);
}

/* Each item of a ";" list (the field keeps ASCII ";" between items) of at least two characters (one Chinese
 * character matches too much to mean anything, as for suggestions). */
static int local_terms(struct zs_ctx *c, const char *list, bool by_company, struct entity_locals *out,
		       struct zs_error *err)
{
	char *copy = strdup(list ? list : ""), *save = NULL;
	if (!copy)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	int r = ZS_OK;
	for (char *t = strtok_r(copy, ";", &save); t && !r; t = strtok_r(NULL, ";", &save)) {
		text_trim(t);
		if (text_length(t) < 2)
			continue;
		struct local_gather g = { .out = out, .term = t, .by_company = by_company };
		struct entity_search_result res;
		struct entity_query q = { .text = t };
		r = entity_search(c, &q, local_cb, &g, &res, err);
		if (!r && !by_company && !g.oom) {
			struct entity_query sq = { .scope = t };
			r = entity_search(c, &sq, local_cb, &g, &res, err);
		}
		if (!r && g.oom)
			r = zs_fail(err, ZS_EFAIL, "out of memory");
	}
	free(copy);
	return r;
}

int entity_local_find(struct zs_ctx *c, int64_t exposure_id, struct entity_locals *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	struct register_snapshot snap;
	int r = entity_register_latest(c, &snap, err);
	register_snapshot_clear(&snap);
	if (r == ZS_ENOTFOUND)
		return zs_fail(err, ZS_ENOTFOUND, "%s", TR("还没有导入市场主体登记册（管理员用 zhishou entity import 文件 导入）",
							    "no market-entity register imported yet (an admin runs zhishou entity import FILE)"));
	if (r)
		return r;
	struct exposure e = { 0 };
	r = store_exposure_get(c->st, exposure_id, &e, err);
	if (r == ZS_ENOTFOUND)
		return zs_fail(err, ZS_ENOTFOUND, TR("没有编号为 %lld 的曝光问题", "no exposure with id %lld"),
			       (long long)exposure_id);
	if (!r)
		r = local_terms(c, e.companies, true, out, err);
	if (!r)
		r = local_terms(c, e.keywords, false, out, err);
	exposure_clear(&e);
	if (!r && local_dedup(out))
		r = zs_fail(err, ZS_EFAIL, "out of memory");
	if (r) {
		entity_locals_clear(out);
		return r;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, local_cmp);
	for (size_t i = 0; i < out->n; i++)
		out->units += !i || strcmp(out->v[i].e.unit, out->v[i - 1].e.unit);
	return ZS_OK;
}

void entity_locals_clear(struct entity_locals *l)
{
	for (size_t i = 0; i < l->n; i++) {
		entity_clear(&l->v[i].e);
		free(l->v[i].term);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

int entity_register_latest(struct zs_ctx *c, struct register_snapshot *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	return store_register_latest(c->st, out, err);
}

/* ---- lookup ---- */

/* A code or its prefix: 4 or more of the code's letters and digits, a
 * digit among them (a Latin name fragment, "KFC", stays a name). */
static bool looks_like_code(const char *s, char *norm, size_t n)
{
	uscc_normalize(s, norm, n);
	size_t len = strlen(norm);
	return len >= 4 && len <= 18 && strspn(norm, "0123456789ABCDEFGHJKLMNPQRTUWXY") == len &&
	       strpbrk(norm, "0123456789");
}

/* %t% (or t% for a prefix) with % _ \ escaped. */
static char *like_of(const char *t, bool lead)
{
	size_t n = strlen(t);
	char *p = malloc(2 * n + 3), *o = p;
	if (!p)
		return NULL;
	if (lead)
		*o++ = '%';
	for (; *t; t++) {
		if (*t == '%' || *t == '_' || *t == '\\')
			*o++ = '\\';
		*o++ = *t;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

struct lookup {
	struct search_query words, scope;
	char *prefix, *contains, *name;
	char *gram_words, *gram_scope;            /* entity_gram's expressions */
	char *word_like[STORE_ENTITY_WORDS], *scope_like;
	char code[32];
};

static void lookup_free(struct lookup *l)
{
	search_free(&l->words);
	search_free(&l->scope);
	free(l->prefix);
	free(l->contains);
	free(l->name);
	free(l->gram_words);
	free(l->gram_scope);
	for (int k = 0; k < STORE_ENTITY_WORDS; k++)
		free(l->word_like[k]);
	free(l->scope_like);
}

/* One run of a term for entity_gram (migration 009), appended to *out:
 * its character pairs, each one token ("瑞禾餐饮": "瑞禾" AND "禾餐" AND
 * "餐饮"), or a lone character as a token prefix ("禾"*).  Every row that
 * holds the run holds these tokens (the index only narrows: LIKE decides). */
static int gram_run(const char *run, size_t len, FILE *out)
{
	size_t a = 0, b;
	uint32_t cp;
	a = text_decode(run, len, &cp);
	if (a >= len)
		return fprintf(out, "%s\"%.*s\"*", ftell(out) ? " AND " : "", (int)len, run) < 0;
	for (size_t i = 0; i + a < len; i += a, a = b) {
		b = text_decode(run + i + a, len - i - a, &cp);
		if (fprintf(out, "%s\"%.*s\"", ftell(out) ? " AND " : "", (int)(a + b), run + i) < 0)
			return 1;
	}
	return 0;
}

/* q's terms as one entity_gram expression (every term required).  The
 * ascii tokenizer splits at ASCII spaces and punctuation: a term is taken
 * as its runs between them ("A&B" as "A" and "B").  NULL when no term has
 * a run (or out of memory: the index only narrows). */
static char *gram_expr(const struct search_query *q)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&buf, &n);
	if (!out)
		return NULL;
	bool bad = false;
	for (int i = 0; i < q->nterms && !bad; i++) {
		const char *t = q->terms[i];
		while (*t && !bad) {
			size_t skip = 0, len = 0;
			while (t[skip] && (unsigned char)t[skip] < 0x80 && !isalnum((unsigned char)t[skip]))
				skip++;
			t += skip;
			while (t[len] && ((unsigned char)t[len] >= 0x80 || isalnum((unsigned char)t[len])))
				len++;
			if (len)
				bad = gram_run(t, len, out);
			t += len;
		}
	}
	bad = ferror(out) || bad;
	if (fclose(out) || bad || !n) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int build_filter(struct lookup *l, const struct entity_query *q, struct entity_filter *f,
			struct entity_search_result *res, struct zs_error *err)
{
	int r = ZS_OK;
	bool text = q->text && *q->text;
	if (text && looks_like_code(q->text, l->code, sizeof l->code)) {
		res->by_uscc = true;
		f->uscc_prefix = l->code;
	} else if (text) {
		if ((r = search_parse(q->text, &l->words, err)))
			return r;
		for (int k = 0; k < l->words.nterms && k < STORE_ENTITY_WORDS; k++)
			if (!(f->word_like[k] = l->word_like[k] = like_of(l->words.terms[k], true)))
				return zs_fail(err, ZS_EFAIL, "out of memory");
		f->gram_words = l->gram_words = gram_expr(&l->words);
		/* The whole query as one name ranks the rows. */
		if ((r = field_text(q->text, FIELD("搜索词", "search terms"), 200, false, true, &l->name, err)))
			return r;
		l->prefix = like_of(l->name, false);
		l->contains = like_of(l->name, true);
		if (!l->prefix || !l->contains)
			return zs_fail(err, ZS_EFAIL, "out of memory");
		f->exact = l->name, f->prefix = l->prefix, f->contains = l->contains;
	}
	if (q->scope) {
		if ((r = search_parse(q->scope, &l->scope, err)))
			return r;
		if (l->scope.nterms != 1)
			return zs_fail(err, ZS_EINPUT, TR("--scope 只能给一个词", "--scope takes one word"));
		f->gram_scope = l->gram_scope = gram_expr(&l->scope);
		if (!(f->scope_like = l->scope_like = like_of(l->scope.terms[0], true)))
			return zs_fail(err, ZS_EFAIL, "out of memory");
	}
	if (!text && !q->scope)
		return zs_fail(err, ZS_EINPUT, TR("需要要找的名称、代码、人名、地址，或 --scope 经营范围里的词",
						  "needs a name, code, person or address to find, or --scope WORD"));
	return ZS_OK;
}

struct search_run {
	entity_cb cb;
	void *ud;
	struct entity_search_result *res;
	int limit;
};

static int hit(const struct entity *e, void *ud)
{
	struct search_run *s = ud;
	if (s->limit > 0 && s->res->rows >= s->limit) {
		s->res->more = true;
		return ZS_STOP;
	}
	s->res->rows++;
	return s->cb(e, s->ud);
}

int entity_search(struct zs_ctx *c, const struct entity_query *q, entity_cb cb, void *ud,
		  struct entity_search_result *res, struct zs_error *err)
{
	memset(res, 0, sizeof *res);
	struct lookup l = { 0 };
	struct entity_filter f = { .all = q->all, .limit = q->limit > 0 ? q->limit + 1 : 0 };
	int r = build_filter(&l, q, &f, res, err);
	if (!r && q->unit)
		r = pick_unit(c, q->unit, TR("管辖单位", "supervising unit"), &f.unit_id, NULL, err);
	struct search_run s = { cb, ud, res, q->limit };
	if (!r)
		r = store_entity_each(c->st, &f, hit, &s, err);
	lookup_free(&l);
	return r;
}
