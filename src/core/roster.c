/* Duty roster import and units. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/member.h"
#include "zhishou/tablefile.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/roster.h"
#include "zhishou/store.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

const char *roster_unit_kind_for(const char *name)
{
	if (ends_with(name, "所"))
		return "所";
	if (ends_with(name, "队"))
		return "队";
	if (ends_with(name, "中心"))
		return "中心";
	if (ends_with(name, "科") || ends_with(name, "室") || ends_with(name, "处"))
		return "科室";
	return "其他";
}

int roster_unit_ensure(struct zs_ctx *c, const char *name, int64_t *id, bool *created, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_ADMIN, "添加单位", "adding a unit", err);
	if (rr_)
		return rr_;
	if (created)
		*created = false;
	int r = store_unit_find(c->st, name, id);
	if (r != ZS_ENOTFOUND)
		return r;
	r = store_unit_insert(c->st, name, roster_unit_kind_for(name), id, err);
	if (!r) {
		json_t *o = json_pack("{s:s, s:s}", "name", name, "kind", roster_unit_kind_for(name));
		char *after = json_dumps(o, JSON_COMPACT);
		r = store_audit(c->st, "unit", *id, "create", "", "", after, err);
		free(after);
		json_decref(o);
		if (created)
			*created = true;
	}
	return r;
}

int unit_add(struct zs_ctx *c, const char *name, int64_t *id, bool *created, struct zs_error *err)
{
	int r = store_begin(c->st, err);
	if (!r)
		r = roster_unit_ensure(c, name, id, created, err);
	if (!r)
		r = store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}

static const char *const COL_DATE[] = { "日期", "值班日期", "date", NULL };
static const char *const COL_UNIT[] = { "单位", "填报单位", "值班单位", "unit", NULL };
static const char *const COL_NAME[] = { "姓名", "值班人", "name", NULL };
static const char *const COL_TITLE[] = { "职务", "title", NULL };
static const char *const COL_LAND[] = { "固定电话", "办公电话", "landline", NULL };
static const char *const COL_MOBILE[] = { "移动电话", "手机", "mobile", NULL };
static const char *const COL_START[] = { "开始", "开始时间", "start", NULL };
static const char *const COL_END[] = { "结束", "结束时间", "end", NULL };
static const char *const COL_LEADER[] = { "带班", "带班领导", "leader", NULL };

static const char *cell(const struct csv_record *r, int col)
{
	return col >= 0 && (size_t)col < r->nfields ? r->fields[col] : "";
}

static int parse_leader(const char *v, bool *out)
{
	char *s = text_sanitize(v, strlen(v), 0);
	if (!s)
		return -1;
	text_trim(s);
	static const char *const yes[] = { "是", "Y", "y", "yes", "1", "带班", "带班领导", "√", "✓", "true", NULL };
	static const char *const no[] = { "", "否", "N", "n", "no", "0", "false", NULL };
	int r = -1;
	for (int i = 0; yes[i]; i++)
		if (!strcmp(s, yes[i]))
			r = 1;
	for (int i = 0; no[i]; i++)
		if (!strcmp(s, no[i]))
			r = 0;
	free(s);
	if (r >= 0)
		*out = r == 1;
	return r;
}

struct row_ctx {
	struct zs_ctx *c;
	int col[9];
};

/* Validate one record into e; on failure write the reason into why. */
static int parse_row(struct row_ctx *rc, const struct csv_record *rec, struct roster_entry *e, char **unit,
		     struct zs_error *err)
{
	int r;
	int y, m, d;
	char date[16], *tmp = NULL;
	if ((r = field_text(cell(rec, rc->col[0]), FIELD("日期", "date"), 20, false, true, &tmp, err)))
		return r;
	if (!date_parse(tmp, &y, &m, &d)) {
		r = zs_fail(err, ZS_EINPUT, TR("日期「%s」不对（应为 2026-03-15）", "date \"%s\" is wrong (e.g. 2026-03-15)"), tmp);
		free(tmp);
		return r;
	}
	free(tmp);
	snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
	e->duty_date = strdup(date);
	if ((r = field_text(cell(rec, rc->col[1]), FIELD("单位", "unit"), 64, false, true, unit, err)) ||
	    (r = field_text(cell(rec, rc->col[2]), FIELD("姓名", "name"), 30, false, true, &e->name, err)) ||
	    (r = field_text(cell(rec, rc->col[3]), FIELD("职务", "title"), 30, false, false, &e->title, err)) ||
	    (r = field_phone(cell(rec, rc->col[4]), FIELD("固定电话", "landline"), false, true, &e->landline, err)) ||
	    (r = field_phone(cell(rec, rc->col[5]), FIELD("移动电话", "mobile"), true, false, &e->mobile, err)))
		return r;
	if (!*e->landline && !*e->mobile)
		return zs_fail(err, ZS_EINPUT, TR("固定电话和移动电话至少填一个", "give a landline or a mobile"));
	int start, end;
	const char *s = cell(rec, rc->col[6]), *t = cell(rec, rc->col[7]);
	char *cs = text_sanitize(s, strlen(s), 0), *ct = text_sanitize(t, strlen(t), 0);
	if (cs)
		text_trim(cs);
	if (ct)
		text_trim(ct);
	bool ok_s = cs && clock_parse(*cs ? cs : rc->c->cfg->shift_start, &start);
	bool ok_t = ct && clock_parse(*ct ? ct : rc->c->cfg->shift_end, &end);
	if (!ok_s)
		r = zs_fail(err, ZS_EINPUT, TR("开始时间「%s」不对（应为 19:00）", "start \"%s\" is wrong (e.g. 19:00)"), cs ? cs : "");
	else if (!ok_t)
		r = zs_fail(err, ZS_EINPUT, TR("结束时间「%s」不对（应为 23:30）", "end \"%s\" is wrong (e.g. 23:30)"), ct ? ct : "");
	free(cs);
	free(ct);
	if (r)
		return r;
	e->shift_start = time_from_local(y, m, d, start);
	/* A shift that ends at or before it starts runs past midnight. */
	e->shift_end = time_from_local(y, m, d, end <= start ? end + 24 * 3600 : end);
	if (rc->col[8] >= 0) {
		if (parse_leader(cell(rec, rc->col[8]), &e->is_leader) < 0)
			return zs_fail(err, ZS_EINPUT, TR("带班一栏应填“是”或“否”", "leader must be yes or no"));
	} else {
		e->is_leader = strstr(e->title, "带班") != NULL;
	}
	return ZS_OK;
}

/* The streaming import: the header, then each row inside the caller's
 * transaction. */
struct roster_import {
	struct row_ctx rc;
	const char *path;
	bool have_header;
	roster_bad_cb bad;
	void *ud;
	struct roster_result *res;
};

/* One row after the header: checked, its unit made if new, written. */
static int import_row(struct roster_import *ri, const struct csv_record *rec, struct zs_error *err)
{
	struct roster_result *res = ri->res;
	struct roster_entry e = { 0 };
	char *unit = NULL;
	struct zs_error rowerr = { 0 };
	int r = ZS_OK;
	res->rows++;
	int pr = parse_row(&ri->rc, rec, &e, &unit, &rowerr);
	if (pr == ZS_OK) {
		bool created = false, replaced = false;
		r = roster_unit_ensure(ri->rc.c, unit, &e.unit_id, &created, err);
		if (!r)
			r = store_roster_upsert(ri->rc.c->st, &e, &replaced, err);
		if (!r) {
			res->units_created += created;
			if (replaced)
				res->replaced++;
			else
				res->added++;
		}
	} else if (pr == ZS_EINPUT) {
		res->bad++;
		if (ri->bad)
			ri->bad(rec->line, rowerr.msg, ri->ud);
	} else {
		r = zs_fail(err, pr, "%s", rowerr.msg);
	}
	free(unit);
	roster_entry_clear(&e);
	return r;
}

static int roster_record(const struct csv_record *rec, void *ud, struct zs_error *err)
{
	struct roster_import *ri = ud;
	if (!ri->have_header) {
		ri->have_header = true;
		const char *const *cols[9] = { COL_DATE, COL_UNIT, COL_NAME, COL_TITLE, COL_LAND, COL_MOBILE,
					       COL_START, COL_END, COL_LEADER };
		for (int i = 0; i < 9; i++)
			ri->rc.col[i] = csv_record_find_column(rec, cols[i]);
		for (int i = 0; i < 6; i++)
			if (ri->rc.col[i] < 0)
				return zs_fail(err, ZS_EINPUT,
					       TR("%s：第 1 行表头缺少“%s”一栏（需要：日期、单位、姓名、职务、固定电话、移动电话）",
						  "%s: header lacks the \"%s\" column (needed: 日期, 单位, 姓名, 职务, 固定电话, 移动电话)"),
					       ri->path, cols[i][0]);
		return CSV_NEXT;
	}
	return import_row(ri, rec, err);
}

/* The one audit row a whole import writes (o is taken). */
static int audit_import(struct zs_ctx *c, json_t *o, struct zs_error *err)
{
	char *after = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int r = after ? store_audit(c->st, "roster", 0, "import", "", "", after, err)
		      : zs_fail(err, ZS_EFAIL, "out of memory");
	free(after);
	json_decref(o);
	return r;
}

int roster_import(struct zs_ctx *c, const char *path, bool skip_bad, roster_bad_cb bad, void *ud,
		  struct roster_result *res, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_ADMIN, "导入值班表", "importing the roster", err);
	if (rr_)
		return rr_;
	memset(res, 0, sizeof *res);
	struct roster_import ri = { .rc = { .c = c }, .path = path, .bad = bad, .ud = ud,
				    .res = res };
	int r = store_begin(c->st, err);
	if (r)
		return r;
	/* Streamed like the intake import (one reader for every import): rows
	 * are written as they are read, inside this transaction, and a file
	 * found wrong further on (bad bytes, an open quote) undoes them all. */
	enum table_kind kind = TABLE_CSV_UTF8;
	r = table_stream_file(path, roster_record, &ri, &kind, err);
	res->encoding = table_kind_name(kind);
	if (!r && res->rows == 0)
		r = zs_fail(err, ZS_EINPUT, TR("%s 只有表头，没有值班人员", "%s has a header but no rows"), path);
	if (!r && res->bad && !skip_bad)
		r = zs_fail(err, ZS_EINPUT, TR("%zu 行有错，没有导入任何一行（改正后重试，或用 --skip-bad 只导入正确的行）",
					       "%zu bad rows; nothing imported (fix them, or use --skip-bad)"), res->bad);
	if (!r)
		r = audit_import(c, json_pack("{s:s, s:I, s:I, s:I}", "file", path, "added", (json_int_t)res->added,
					      "replaced", (json_int_t)res->replaced, "bad", (json_int_t)res->bad), err);
	if (!r)
		r = store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}

/* Keeps the first bad row's reason (rows in hand are all or nothing). */
struct first_bad {
	size_t line;
	char why[sizeof ((struct zs_error *)0)->msg];
};

static void keep_first_bad(size_t line, const char *why, void *ud)
{
	struct first_bad *fb = ud;
	if (!fb->line) {
		fb->line = line;
		snprintf(fb->why, sizeof fb->why, "%s", why);
	}
}

int roster_import_rows(struct zs_ctx *c, const struct roster_row *rows, size_t n, const char *source,
		       struct roster_result *res, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_ADMIN, "导入值班表", "importing the roster", err);
	if (rr_)
		return rr_;
	memset(res, 0, sizeof *res);
	struct first_bad fb = { 0 };
	struct roster_import ri = { .rc = { .c = c, .col = { 0, 1, 2, 3, 4, 5, 6, 7, 8 } }, .path = source,
				    .bad = keep_first_bad, .ud = &fb, .res = res };
	res->encoding = csv_encoding_name(CSV_UTF8);
	int r = store_begin(c->st, err);
	if (r)
		return r;
	for (size_t i = 0; i < n && !r && !res->bad; i++) {
		const struct roster_row *w = &rows[i];
		/* The cells in the order ri.rc.col names them: parse_row checks
		 * them exactly as it checks a file's. */
		const char *text[9] = { w->date, w->unit, w->name, w->title, w->landline, w->mobile,
					w->start, w->end, w->leader ? "是" : "否" };
		char *cells[9];
		for (int k = 0; k < 9; k++)
			cells[k] = (char *)(text[k] ? text[k] : "");   /* only read */
		struct csv_record rec = { .line = i + 1, .nfields = 9, .fields = cells };
		r = import_row(&ri, &rec, err);
	}
	if (!r && res->bad)
		r = zs_fail(err, ZS_EINPUT, TR("%s 第 %zu 行：%s；没有导入任何一行", "%s row %zu: %s; nothing imported"),
			    source, fb.line, fb.why);
	if (!r && !n)
		r = zs_fail(err, ZS_EINPUT, TR("%s 没有值班人员", "%s has no rows"), source);
	if (!r)
		r = audit_import(c, json_pack("{s:s}", "source", source), err);
	if (!r)
		r = store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}
