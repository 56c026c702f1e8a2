/* The complaint disclosure table (消费投诉公示): its rows from the night's
 * intakes.  No output here (disclosure_write.c).
 *
 * The rules (also in every format's footnotes and the README):
 *  - intakes of kind complaint (投诉) received in the period [since, until);
 *    by default the statistics report's period (report_default_period);
 *  - counted once as the statistics report counts (report_intake_counted):
 *    a duplicate (重复件) is left out, its original counts;
 *  - one row per business: by the USCC where the complaint gave one, else
 *    by the business name as typed, trimmed; a complaint naming neither is
 *    left out (counted in `unnamed`, said in a footnote);
 *  - mediated (调解): the complaint is closed (已办结) with its mediation
 *    outcome recorded (intake.outcome, 调解结果: agreed 达成协议 or
 *    no-agreement 未达成协议); closed with no outcome given (older
 *    records, imports) is not counted as mediated.  Success (调解成功) is
 *    agreed; rate = agreed / (agreed + no-agreement);
 *  - ODR: the business is an ODR enterprise in the register (by its USCC,
 *    or the one register entity of the name), or a complaint of the
 *    period was handed to it through ODR;
 *  - losses recovered: recovered_fen of the business's counted complaints;
 *  - sorted by complaints (most first), then name, then USCC. */
#include <stdlib.h>
#include <string.h>

#include "zhishou/disclosure.h"
#include "zhishou/i18n.h"
#include "zhishou/store.h"
#include "zhishou/store_entity.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

/* One counted complaint, before grouping. */
struct item {
	char *key;       /* "U" USCC or "N" name: the business it counts for */
	char *name;
	char *uscc;
	int64_t at, fen;
	bool mediated, agreed, odr;   /* odr: handed to it through ODR */
};

struct gather {
	struct item *v;
	size_t n, cap;
	int64_t unnamed;
	bool oom;
};

static char *trimmed(const char *s)
{
	char *c = text_sanitize(s ? s : "", s ? strlen(s) : 0, 0);
	return c ? text_trim(c) : NULL;
}

static int intake_cb(const struct intake *in, void *ud)
{
	struct gather *g = ud;
	if (!report_intake_counted(in->status))
		return 0;
	char *name = trimmed(in->subject), *uscc = trimmed(in->uscc);
	if (!name || !uscc) {
		free(name);
		free(uscc);
		g->oom = true;
		return 1;
	}
	if (!*name && !*uscc) {
		g->unnamed++;
		free(name);
		free(uscc);
		return 0;
	}
	const char *k = *uscc ? uscc : name;
	char *key = malloc(strlen(k) + 2);
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct item *v = realloc(g->v, cap * sizeof *v);
		if (v) {
			g->v = v;
			g->cap = cap;
		}
	}
	if (!key || g->n == g->cap) {
		free(key);
		free(name);
		free(uscc);
		g->oom = true;
		return 1;
	}
	key[0] = *uscc ? 'U' : 'N';
	strcpy(key + 1, k);
	bool closed = !strcmp(in->status, "closed");
	g->v[g->n++] = (struct item){ key, name, uscc, in->received_at, in->recovered_fen,
				      closed && *in->outcome, closed && !strcmp(in->outcome, "agreed"),
				      *in->odr_uscc != '\0' };
	return 0;
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	return strcmp(x->key, y->key);
}

static int row_cmp(const void *a, const void *b)
{
	const struct disclosure_row *x = a, *y = b;
	if (x->complaints != y->complaints)
		return x->complaints > y->complaints ? -1 : 1;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->uscc, y->uscc);
}

/* Is the row's business an ODR enterprise in the register (by its code,
 * else the one entity of its name)?  No register: no. */
static bool register_odr(struct zs_ctx *c, const struct disclosure_row *row)
{
	char *code = NULL;
	int n = 0;
	if (*row->uscc)
		code = strdup(row->uscc);
	else if (store_entity_by_name(c->st, row->name, &code, &n, NULL) || n != 1) {
		free(code);
		return false;
	}
	struct entity e = { 0 };
	bool odr = code && store_entity_get(c->st, code, &e, NULL) == ZS_OK && e.odr;
	entity_clear(&e);
	free(code);
	return odr;
}

/* Group the sorted items into rows: counts summed, the latest non-empty
 * name shown. */
static int group(struct zs_ctx *c, struct gather *g, struct disclosure *d)
{
	d->rows = calloc(g->n ? g->n : 1, sizeof *d->rows);
	if (!d->rows)
		return -1;
	/* No register: no row is looked up in it. */
	bool have_register = store_entity_count(c->st) > 0;
	for (size_t i = 0; i < g->n;) {
		size_t j = i;
		struct disclosure_row row = { 0 };
		const char *name = "";
		for (; j < g->n && !strcmp(g->v[j].key, g->v[i].key); j++) {
			const struct item *it = &g->v[j];
			row.complaints++;
			row.recovered_fen += it->fen;
			row.mediated += it->mediated;
			row.succeeded += it->agreed;
			row.odr |= it->odr;
			if (*it->name && (!*name || it->at >= row.latest_at)) {
				name = it->name;
				row.latest_at = it->at;
			}
		}
		i = j;
		if (row.complaints < d->min) {
			d->left_out++;
			continue;
		}
		row.name = strdup(name);
		row.uscc = strdup(g->v[j - 1].uscc);
		d->rows[d->nrows++] = row;
		if (!row.name || !row.uscc)
			return -1;
		if (!row.odr && have_register)
			d->rows[d->nrows - 1].odr = register_odr(c, &row);
	}
	qsort(d->rows, (size_t)d->nrows, sizeof *d->rows, row_cmp);
	return 0;
}

static int fill_texts(struct disclosure *d)
{
	char a[40], b[40], buf[1024];
	snprintf(buf, sizeof buf, "统计时段：%s 至 %s", time_format(d->since, TIME_FULL, a, sizeof a),
		 time_format(d->shown_until, TIME_FULL, b, sizeof b));
	d->title = strdup("消费投诉公示");
	d->period = strdup(buf);
	snprintf(buf, sizeof buf,
		 "注：1. 统计范围：统计时段内登记的投诉件（不含举报、咨询）；重复件不重复计算（与活动情况统计表相同，只计原件）。");
	d->notes[0] = strdup(buf);
	int k = snprintf(buf, sizeof buf, "2. 被投诉主体按统一社会信用代码归并，未填代码的按所填名称（去掉首尾空格）归并");
	if (d->unnamed)
		snprintf(buf + k, sizeof buf - (size_t)k, "；未填被投诉主体的投诉不列入（%lld 件）。", (long long)d->unnamed);
	else
		snprintf(buf + k, sizeof buf - (size_t)k, "。");
	d->notes[1] = strdup(buf);
	snprintf(buf, sizeof buf,
		 "3. 调解次数：已办结并填写了调解结果的投诉件（办结时未填调解结果的不计入）；调解成功：调解结果为“达成协议”的件；"
		 "调解成功率 = 达成协议 ÷（达成协议 + 未达成协议）（无调解件记为“—”）。挽回经济损失单位为元。"
		 "ODR企业：登记册中标为ODR企业，或本时段有投诉经ODR转交其处理。");
	d->notes[2] = strdup(buf);
	if (d->min > 1)
		snprintf(buf, sizeof buf, "4. 只列被投诉 %lld 次及以上的经营者（另有 %lld 户未列入）。", (long long)d->min,
			 (long long)d->left_out);
	else
		snprintf(buf, sizeof buf, "4. 列出全部被投诉的经营者，按被投诉总次数从多到少排列。");
	d->notes[3] = strdup(buf);
	for (int i = 0; i < DISCLOSURE_NOTES; i++)
		if (!d->notes[i])
			return -1;
	return d->title && d->period ? 0 : -1;
}

int disclosure_build(struct zs_ctx *c, const struct disclosure_params *p, struct disclosure *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	int64_t since = 0, until = 0;
	int r = ZS_OK;
	if (!p->since || !p->until)
		r = report_default_period(c, &since, &until, err);
	if (r)
		return r;
	if (p->since)
		since = p->since;
	if (p->until)
		until = p->until;
	if (since >= until && p->since)
		return zs_fail(err, ZS_EINPUT, TR("统计时段的开始（--from）必须早于结束（--until）",
						  "the period's start (--from) must be before its end (--until)"));
	if (since >= until) {
		/* The start was not typed: say where it came from. */
		char a[40];
		return zs_fail(err, ZS_EINPUT, TR("统计时段默认从 %s（最近一场晚会开始）起，必须早于结束（--until）；"
						  "更早的时段请用 --from 给出开始",
						  "the period starts by default at %s (the latest gala's start), which must be "
						  "before its end (--until); give --from for an earlier period"),
			       time_format(since, TIME_FULL, a, sizeof a));
	}
	out->since = since;
	out->until = until;
	out->shown_until = p->until ? p->until : c->now;
	out->min = p->min;
	struct intake_filter f = { .kind = "complaint", .since = since, .until = until };
	struct gather g = { 0 };
	r = store_intake_each(c->st, &f, intake_cb, &g, err);
	if (!r && g.oom)
		r = zs_fail(err, ZS_EFAIL, "out of memory");
	out->unnamed = g.unnamed;
	if (!r) {
		if (g.n)   /* qsort's array may not be NULL, even for none */
			qsort(g.v, g.n, sizeof *g.v, item_cmp);
		if (group(c, &g, out) || fill_texts(out))
			r = zs_fail(err, ZS_EFAIL, "out of memory");
	}
	for (size_t i = 0; i < g.n; i++) {
		free(g.v[i].key);
		free(g.v[i].name);
		free(g.v[i].uscc);
	}
	free(g.v);
	if (r)
		disclosure_clear(out);
	return r;
}

void disclosure_clear(struct disclosure *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->nrows; i++) {
		free(d->rows[i].name);
		free(d->rows[i].uscc);
	}
	free(d->rows);
	free(d->title);
	free(d->period);
	for (int k = 0; k < DISCLOSURE_NOTES; k++)
		free(d->notes[k]);
	memset(d, 0, sizeof *d);
}

int64_t disclosure_rate_permille(const struct disclosure_row *r)
{
	if (r->mediated <= 0)
		return -1;
	return (r->succeeded * 2000 + r->mediated) / (2 * r->mediated);   /* rounded half up */
}

const char *disclosure_rate_text(const struct disclosure_row *r, char *buf, size_t n)
{
	int64_t pm = disclosure_rate_permille(r);
	if (pm < 0)
		snprintf(buf, n, "—");
	else
		snprintf(buf, n, "%lld.%lld%%", (long long)(pm / 10), (long long)(pm % 10));
	return buf;
}

const char *disclosure_yuan_text(int64_t fen, char *buf, size_t n)
{
	snprintf(buf, n, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
	return buf;
}
