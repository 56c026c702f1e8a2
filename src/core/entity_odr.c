/* The ODR enterprises list (entity import --odr): which register entities
 * settle complaints through the 12315 platform's online dispute
 * resolution.  The list is the whole list: it replaces every mark. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/entity_odr.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/store.h"
#include "zhishou/store_entity.h"
#include "zhishou/tablefile.h"
#include "zhishou/text.h"

static const char *const code_names[] = { "统一社会信用代码", "社会信用代码", "uscc", NULL };
static const char *const name_names[] = { "名称", "企业名称", "字号名称", "主体名称", "name", NULL };

struct odr_list {
	struct zs_ctx *c;
	const char *path;
	const struct entity_import_opts *opts;
	struct entity_odr_result *res;
	int code_col, name_col;
	bool have_header;
};

static const char *cell(const struct csv_record *rec, int i)
{
	return i >= 0 && (size_t)i < rec->nfields ? rec->fields[i] : "";
}

/* One row: ZS_EINPUT (err says why) when it names no register entity. */
static int mark_row(struct odr_list *l, const struct csv_record *rec, struct zs_error *err)
{
	char *code = NULL, *name = NULL;
	struct entity e = { 0 };
	int r = field_uscc(cell(rec, l->code_col), &code, err);
	if (!r && !*code)
		r = zs_fail(err, ZS_EINPUT, "%s", TR("缺少统一社会信用代码", "missing the USCC"));
	if (!r)
		r = field_text(cell(rec, l->name_col), FIELD("名称", "name"), 200, false, false, &name, err);
	if (!r) {
		r = store_entity_get(l->c->st, code, &e, err);
		if (r == ZS_ENOTFOUND)
			r = zs_fail(err, ZS_EINPUT, TR("统一社会信用代码 %s 不在市场主体登记册中", "USCC %s is not in the register"),
				    code);
	}
	/* A name beside the code must be the register's: a code typed for
	 * the wrong business would mark another one. */
	if (!r && *name && strcmp(name, e.name))
		r = zs_fail(err, ZS_EINPUT, TR("名称「%s」与登记册中 %s 的名称「%s」不符", "name \"%s\" is not the register's "
					       "name for %s (\"%s\")"), name, code, e.name);
	bool found = false;
	if (!r && !e.odr)
		r = store_entity_odr_mark(l->c->st, code, &found, err);
	if (!r && (e.odr || found))
		l->res->marked += !e.odr;
	entity_clear(&e);
	free(code);
	free(name);
	return r;
}

static int odr_record(const struct csv_record *rec, void *ud, struct zs_error *err)
{
	struct odr_list *l = ud;
	if (!l->have_header) {
		l->have_header = true;
		l->code_col = csv_record_find_column(rec, code_names);
		l->name_col = csv_record_find_column(rec, name_names);
		if (l->code_col < 0)
			return zs_fail(err, ZS_EINPUT, TR("%s：第 1 行表头缺少“统一社会信用代码”一栏（可另有“名称”）",
							  "%s: the header lacks the \"统一社会信用代码\" column (\"名称\" is optional)"),
				       l->path);
		return CSV_NEXT;
	}
	l->res->rows++;
	zs_progress(l->c, (int64_t)l->res->rows, -1);
	struct zs_error rowerr = { 0 };
	int r = mark_row(l, rec, &rowerr);
	if (r == ZS_EINPUT) {
		l->res->bad++;
		if (l->opts->bad)
			l->opts->bad(rec->line, rowerr.msg, l->opts->ud);
		return ZS_OK;
	}
	return r ? zs_fail(err, r, "%s", rowerr.msg) : ZS_OK;
}

static int audit_list(struct zs_ctx *c, const char *path, const struct entity_odr_result *res, struct zs_error *err)
{
	json_t *b = json_pack("{s:I}", "odr", (json_int_t)res->before);
	json_t *a = json_pack("{s:s, s:I, s:I}", "file", path, "odr", (json_int_t)res->marked, "skipped",
			      (json_int_t)res->bad);
	char *before = b ? json_dumps(b, JSON_COMPACT) : NULL, *after = a ? json_dumps(a, JSON_COMPACT) : NULL;
	int r = before && after ? store_audit(c->st, "register", 0, "odr", "odr", before, after, err)
				: zs_fail(err, ZS_EFAIL, "out of memory");
	free(before);
	free(after);
	json_decref(a);
	json_decref(b);
	return r;
}

int entity_import_odr(struct zs_ctx *c, const char *path, const struct entity_import_opts *opts,
		      struct entity_odr_result *res, struct zs_error *err)
{
	memset(res, 0, sizeof *res);
	res->encoding = table_kind_name(TABLE_CSV_UTF8);
	int r = role_require(c, ROLE_ADMIN, "导入ODR企业名单", "importing the ODR enterprises list", err);
	if (r)
		return r;
	if (store_entity_count(c->st) <= 0)
		return zs_fail(err, ZS_EINPUT, "%s", TR("登记册还没有导入：先用 zhishou entity import FILE 导入登记册，再导入ODR企业名单",
							"no register imported yet: import it with zhishou entity import FILE first"));
	if ((r = store_begin(c->st, err)))
		return r;
	res->before = store_entity_odr_count(c->st);
	struct odr_list l = { .c = c, .path = path, .opts = opts, .res = res, .code_col = -1, .name_col = -1 };
	enum table_kind kind = TABLE_CSV_UTF8;
	r = store_entity_odr_clear(c->st, err);
	if (!r)
		r = table_stream_file(path, odr_record, &l, &kind, err);
	res->encoding = table_kind_name(kind);
	if (!r && !res->rows)
		r = zs_fail(err, ZS_EINPUT, TR("%s 只有表头，没有ODR企业（名单是全部名单：要取消全部标记，请在登记册中改）",
					       "%s has a header but no entities (the list is the whole list)"), path);
	if (!r && res->bad && !opts->skip_bad)
		r = zs_fail(err, ZS_EINPUT, TR("%zu 行有错，没有改动任何ODR标记（改正后重试，或用 --skip-bad 只导入正确的行）",
					       "%zu bad rows; no ODR mark changed (fix them, or use --skip-bad)"), res->bad);
	if (!r && !res->marked)
		r = zs_fail(err, ZS_EINPUT, TR("%s 没有一行正确，没有改动任何ODR标记", "%s has no good row; no ODR mark changed"),
			    path);
	if (!r)
		r = audit_list(c, path, res, err);
	if (!r)
		r = store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}
