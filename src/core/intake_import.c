/* log import: a night's (or a year's) intakes from CSV, XLSX or JSON Lines.
 *
 * All or nothing in one transaction.  One audit row records the import (the
 * file, its format, the count and the id range) rather than one per row: the
 * rows themselves are the record of what arrived, and every later change to
 * any of them is audited one by one. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zhishou/member.h"
#include "zhishou/tablefile.h"
#include "zhishou/i18n.h"
#include "zhishou/intake.h"
#include "zhishou/store.h"

enum { F_AT, F_CHANNEL, F_KIND, F_CALLER, F_PHONE, F_SUBJECT, F_USCC, F_CATEGORY, F_SUMMARY, F_REF, F_N };

static const char *const keys[F_N][4] = {
	{ "received_at", "受理时间", "时间", NULL },
	{ "channel", "渠道", NULL },
	{ "kind", "类别", "类型", NULL },
	{ "caller", "来电人", "姓名", NULL },
	{ "phone", "来电号码", "电话", NULL },
	{ "subject", "被投诉主体", "主体", NULL },
	{ "uscc", "统一社会信用代码", NULL },
	{ "category", "分类", NULL },
	{ "summary", "内容摘要", "内容", NULL },
	{ "ref", "工单号", "编号", NULL },
};

#define MAX_REPORTED 50
/* Rows staged before they are moved into intake in one statement: large
 * enough to amortise the statement, small enough to keep memory flat. */
#define IMPORT_BATCH 20000
#define BULK_AT 10000      /* rows from which an import may drop the indexes */

struct importer {
	struct zs_ctx *c;
	struct import_result *res;
	size_t bad, staged;
	int64_t before;    /* intakes before the import (the last id) */
	bool bulk;         /* secondary indexes dropped: made again at the end */
	char report[MAX_REPORTED * 160];
	size_t rlen;
};

static void note_bad(struct importer *im, size_t line, const char *why)
{
	im->bad++;
	if (im->bad > MAX_REPORTED)
		return;
	int n = snprintf(im->report + im->rlen, sizeof im->report - im->rlen,
			 TR("\n  第 %zu 行：%s", "\n  line %zu: %s"), line, why);
	if (n > 0 && (size_t)n < sizeof im->report - im->rlen)
		im->rlen += (size_t)n;
}

/* Move the staged rows in.  Once a bad row is seen nothing will be kept,
 * so staging just stops growing. */
static int flush(struct importer *im, struct zs_error *err)
{
	int64_t first, last, added, skipped, staged = (int64_t)im->staged;
	im->staged = 0;
	if (im->bad) {
		int r = store_stage_begin(im->c->st, err);
		return r;
	}
	/* Once the rows so far are many (BULK_AT) and as many as the table
	 * had, the rest go in without the secondary indexes, built once at
	 * the end: ten indexes kept row by row cost more than building them
	 * (issue 13 "Benchmarks"); an import into a big table keeps them. */
	int r = ZS_OK;
	if (!im->bulk && staged + im->res->added >= BULK_AT && staged + im->res->added >= im->before) {
		r = store_intake_bulk_begin(im->c->st, err);
		im->bulk = !r;
	}
	if (!r)
		r = store_stage_flush(im->c->st, &first, &last, &added, &skipped, err);
	if (r)
		return r;
	if (added && !im->res->first_id)
		im->res->first_id = first;
	if (added)
		im->res->last_id = last;
	im->res->added += added;
	im->res->skipped_ref += skipped;
	return ZS_OK;
}

/* Returns ZS_OK, or a failure that stops the import (not a bad row),
 * described in err. */
static int import_one(struct importer *im, size_t line, const struct intake_input *in, struct zs_error *err)
{
	struct intake i;
	struct zs_error rowerr = { 0 };
	if (!in->at || !*in->at) {
		note_bad(im, line, TR("受理时间不能为空", "received time is required"));
		return ZS_OK;
	}
	int r = intake_from_input(im->c, in, &i, &rowerr);
	if (r == ZS_EINPUT) {
		note_bad(im, line, rowerr.msg);
		return ZS_OK;
	}
	if (r)
		return zs_fail(err, r, "%s", rowerr.msg);
	bool dup = false;
	r = store_stage_add(im->c->st, &i, &dup, err);
	intake_clear(&i);
	if (r)
		return r;
	if (dup)
		im->res->skipped_ref++;   /* the same 工单号 twice in one file */
	else if (++im->staged >= IMPORT_BATCH)
		return flush(im, err);
	return ZS_OK;
}

struct csv_import {
	struct importer *im;
	int col[F_N];
	bool have_header;
	int64_t rows;
	const char *path;
	double size, seen;   /* the file's bytes; about how many are read */
};

/* About the bytes a record took in the file (its fields, separators and
 * line end; quotes and a GBK file's shorter characters aside): enough for
 * "how far" on a progress line. */
static double record_bytes(const struct csv_record *rec)
{
	double n = (double)rec->nfields + 1;
	for (size_t k = 0; k < rec->nfields; k++)
		n += (double)strlen(rec->fields[k]);
	return n;
}

static int csv_record(const struct csv_record *rec, void *ud, struct zs_error *err)
{
	struct csv_import *ci = ud;
	ci->seen += record_bytes(rec);
	if (!ci->have_header) {
		ci->have_header = true;
		for (int k = 0; k < F_N; k++)
			ci->col[k] = csv_record_find_column(rec, keys[k]);
		static const int required[] = { F_AT, F_CHANNEL, F_KIND, F_SUMMARY };
		for (size_t k = 0; k < sizeof required / sizeof *required; k++)
			if (ci->col[required[k]] < 0)
				return zs_fail(err, ZS_EINPUT, TR("%s：表头缺少“%s”（或“%s”）一栏",
								  "%s: header lacks the \"%s\" (or \"%s\") column"),
					       ci->path, keys[required[k]][0], keys[required[k]][1]);
		return CSV_NEXT;
	}
	const char *v[F_N];
	for (int k = 0; k < F_N; k++)
		v[k] = ci->col[k] >= 0 && (size_t)ci->col[k] < rec->nfields ? rec->fields[ci->col[k]] : NULL;
	struct intake_input in = { .at = v[F_AT], .channel = v[F_CHANNEL], .kind = v[F_KIND],
				   .caller = v[F_CALLER], .phone = v[F_PHONE], .subject = v[F_SUBJECT],
				   .uscc = v[F_USCC], .category = v[F_CATEGORY], .text = v[F_SUMMARY],
				   .ref = v[F_REF] };
	ci->rows++;
	double part = ci->size > 0 ? ci->seen / ci->size : -1;
	zs_progress(ci->im->c, ci->rows, part > 0.99 ? 0.99 : part);
	return import_one(ci->im, rec->line, &in, err);   /* ZS_OK is CSV_NEXT */
}

/* The file is streamed: a year's export (a million rows, hundreds of MB)
 * imports with memory bounded by one record and one staging batch. */
static int import_csv(struct importer *im, const char *path, bool zipped, enum table_kind *kind,
		      struct zs_error *err)
{
	struct csv_import ci = { .im = im, .path = path };
	struct stat sb;
	/* A workbook's text is zipped: its size says nothing of how far. */
	if (!zipped && stat(path, &sb) == 0)
		ci.size = (double)sb.st_size;
	int r = table_stream_file(path, csv_record, &ci, kind, err);
	if (r)
		return r;
	if (!ci.rows)
		return zs_fail(err, ZS_EINPUT, TR("%s 只有表头，没有数据", "%s has a header but no rows"), path);
	return ZS_OK;
}

static const char *json_field(json_t *o, int k, char *num, size_t numsz, bool *wrong_type)
{
	json_t *v = NULL;
	for (int j = 0; keys[k][j] && !v; j++)
		v = json_object_get(o, keys[k][j]);
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, numsz, "%lld", (long long)json_integer_value(v));
		return num;
	}
	*wrong_type = true;
	return NULL;
}

static int import_jsonl(struct importer *im, const char *path, FILE *f, struct zs_error *err)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0, rows = 0;
	ssize_t len;
	int r = ZS_OK;
	struct stat sb;
	double size = fstat(fileno(f), &sb) == 0 && sb.st_size > 0 ? (double)sb.st_size : -1;
	while (!r && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 16 * 1024 * 1024) {
			note_bad(im, lineno, TR("一行超过 16 MB", "line longer than 16 MB"));
			continue;
		}
		size_t l = (size_t)len;
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r' || line[l - 1] == ' '))
			line[--l] = '\0';
		const char *p = line;
		if (lineno == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		if (!*p)
			continue;
		rows++;
		zs_progress(im->c, (int64_t)rows, size > 0 ? (double)ftello(f) / size : -1);
		json_error_t je;
		json_t *o = json_loadb(p, strlen(p), JSON_REJECT_DUPLICATES, &je);
		if (!o || !json_is_object(o)) {
			char why[256];
			snprintf(why, sizeof why, TR("不是 JSON 对象：%s", "not a JSON object: %s"), o ? "" : je.text);
			note_bad(im, lineno, why);
			json_decref(o);
			continue;
		}
		char nums[F_N][32];
		const char *v[F_N];
		bool wrong = false;
		for (int k = 0; k < F_N; k++)
			v[k] = json_field(o, k, nums[k], sizeof nums[k], &wrong);
		if (wrong) {
			note_bad(im, lineno, TR("字段类型不对（应为字符串）", "a field has the wrong type (expected a string)"));
		} else {
			struct intake_input in = { .at = v[F_AT], .channel = v[F_CHANNEL], .kind = v[F_KIND],
						   .caller = v[F_CALLER], .phone = v[F_PHONE], .subject = v[F_SUBJECT],
						   .uscc = v[F_USCC], .category = v[F_CATEGORY], .text = v[F_SUMMARY],
						   .ref = v[F_REF] };
			r = import_one(im, lineno, &in, err);
		}
		json_decref(o);
	}
	free(line);
	if (!r && ferror(f))
		r = zs_fail(err, ZS_EFAIL, TR("读取 %s 出错：%s", "error reading %s: %s"), path, strerror(errno));
	if (!r && !rows && !im->bad)
		r = zs_fail(err, ZS_EINPUT, TR("%s 没有数据", "%s has no rows"), path);
	return r;
}

int intake_import(struct zs_ctx *c, const char *path, struct import_result *res, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_OPERATOR, "导入登记", "importing intakes", err);
	if (rr_)
		return rr_;
	memset(res, 0, sizeof *res);
	struct importer *im = calloc(1, sizeof *im);
	if (!im)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	im->c = c;
	im->res = res;
	/* JSON Lines if the first non-blank byte (after a BOM) is '{'. */
	FILE *f = fopen(path, "rb");
	if (!f) {
		free(im);
		return zs_fail(err, ZS_EINPUT, TR("无法打开文件 %s：%s", "cannot open %s: %s"), path, strerror(errno));
	}
	struct stat sb;
	if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(f);
		free(im);
		return zs_fail(err, ZS_EINPUT, TR("%s 是目录，不是文件", "%s is a directory"), path);
	}
	unsigned char head[64];
	size_t n = fread(head, 1, sizeof head, f);
	size_t k = 0;
	if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
		k = 3;
	while (k < n && (head[k] == ' ' || head[k] == '\n' || head[k] == '\r' || head[k] == '\t'))
		k++;
	bool jsonl = k < n && head[k] == '{';
	enum table_kind kind = TABLE_CSV_UTF8;
	int r = store_begin(c->st, err);
	im->before = store_intake_last_id(c->st);
	if (!r)
		r = store_stage_begin(c->st, err);
	if (!r) {
		if (jsonl) {
			rewind(f);
			r = import_jsonl(im, path, f, err);
		} else {
			r = import_csv(im, path, n >= 2 && head[0] == 'P' && head[1] == 'K', &kind, err);
		}
	}
	fclose(f);
	if (!r)
		r = flush(im, err);
	if (!r && im->bad)
		r = zs_fail(err, ZS_EINPUT, TR("%zu 行有错，没有导入任何一行：%s%s", "%zu bad rows, nothing imported:%s%s"),
			    im->bad, im->report, im->bad > MAX_REPORTED ? TR("\n  ……", "\n  ...") : "");
	if (!r && im->bulk)
		r = store_intake_bulk_end(c->st, err);
	if (!r) {
		json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "file", path, "format", jsonl ? "jsonl" : kind == TABLE_XLSX ? "xlsx" : "csv",
				      "added", (json_int_t)res->added, "first_id", (json_int_t)res->first_id,
				      "last_id", (json_int_t)res->last_id, "skipped_existing", (json_int_t)res->skipped_ref);
		char *after = json_dumps(o, JSON_COMPACT);
		r = store_audit(c->st, "intake", 0, "import", "", "", after, err);
		free(after);
		json_decref(o);
	}
	if (!r)
		r = store_commit(c->st, err);
	if (r) {
		store_rollback(c->st);
		memset(res, 0, sizeof *res);
	}
	free(im);
	return r;
}
