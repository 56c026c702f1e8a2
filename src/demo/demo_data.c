/* The demo night's data files (data/demo) into tables.
 *
 * The .txt files are records: `[kind]` starts one, `key = value` lines
 * follow, a key given again adds to a list, `#` starts a comment line.
 * roster.csv is read by the CSV reader every import uses.  The files are
 * compiled in, so anything wrong here is a fault of the build; it is still
 * named with its file and line rather than generating a different night. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_data.h"
#include "zhishou/embedded.h"
#include "zhishou/i18n.h"
#include "zhishou/timeutil.h"

struct field {
	const char *key, *value;
	size_t line;
};

struct record {
	const char *kind;
	size_t line, first, n;   /* its fields: doc.f[first .. first + n) */
};

struct doc {
	const char *name;
	char *text;
	struct field *f;
	size_t nf;
	struct record *r;
	size_t nr;
};

static int bad(const struct doc *d, size_t line, struct zs_error *err, const char *why, const char *what)
{
	return zs_fail(err, ZS_EFAIL, TR("演示数据 data/demo/%s 第 %zu 行：%s%s", "demo data data/demo/%s line %zu: %s%s"),
		       d->name, line, why, what);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static void *grow(void *p, size_t n, size_t size)
{
	/* Doubling at powers of two. */
	if (n & (n - 1))
		return p;
	return realloc(p, (n ? 2 * n : 1) * size);
}

static void doc_free(struct doc *d)
{
	free(d->text);
	free(d->f);
	free(d->r);
	memset(d, 0, sizeof *d);
}

static int doc_load(demo_find_fn find, const char *name, struct doc *d, struct zs_error *err)
{
	char path[64];
	snprintf(path, sizeof path, "demo/%s", name);
	const struct embedded_file *ef = find(path);
	memset(d, 0, sizeof *d);
	d->name = name;
	if (!ef)
		return bad(d, 0, err, TR("程序中没有这个文件", "not built into the program"), "");
	if (!(d->text = malloc(ef->size + 1)))
		return zs_fail(err, ZS_EFAIL, "out of memory");
	memcpy(d->text, ef->data, ef->size + 1);
	size_t line = 0;
	for (char *next = d->text, *s; next;) {
		s = next;
		next = strchr(s, '\n');
		if (next)
			*next++ = '\0';
		line++;
		s = trim(s);
		if (!*s || *s == '#')
			continue;
		size_t n = strlen(s);
		if (*s == '[' && s[n - 1] == ']') {
			s[n - 1] = '\0';
			struct record *r = grow(d->r, d->nr, sizeof *r);
			if (!r)
				return zs_fail(err, ZS_EFAIL, "out of memory");
			d->r = r;
			d->r[d->nr++] = (struct record){ .kind = trim(s + 1), .line = line, .first = d->nf };
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq)
			return bad(d, line, err, TR("应为“键 = 值”或“[类别]”：", "expected \"key = value\" or \"[kind]\": "), s);
		if (!d->nr)
			return bad(d, line, err, TR("第一个“[类别]”之前有内容：", "a line before the first \"[kind]\": "), s);
		*eq = '\0';
		struct field *f = grow(d->f, d->nf, sizeof *f);
		if (!f)
			return zs_fail(err, ZS_EFAIL, "out of memory");
		d->f = f;
		d->f[d->nf++] = (struct field){ .key = trim(s), .value = trim(eq + 1), .line = line };
		d->r[d->nr - 1].n++;
	}
	return ZS_OK;
}

/* ------------------------------------------------------------ reading */

struct rd {
	const struct doc *d;
	const struct record *r;
	struct zs_error *err;
	int fail;                 /* the first failure; later reads do nothing */
};

static const struct field *fields(const struct rd *x)
{
	return x->d->f + x->r->first;
}

/* Every key of the record must be one of keys (space-separated), so a
 * misspelt key is an error rather than a silently missing value. */
static void only(struct rd *x, const char *keys)
{
	for (size_t i = 0; i < x->r->n && !x->fail; i++) {
		const char *k = fields(x)[i].key;
		size_t n = strlen(k);
		const char *p = n ? keys : NULL;
		while (p && (p = strstr(p, k)) && ((p != keys && p[-1] != ' ') || (p[n] && p[n] != ' ')))
			p += n;
		if (!p)
			x->fail = bad(x->d, fields(x)[i].line, x->err, TR("未知的键：", "unknown key: "), k);
	}
}

/* The first value of key, or NULL. */
static const char *opt(const struct rd *x, const char *key)
{
	for (size_t i = 0; i < x->r->n; i++)
		if (!strcmp(fields(x)[i].key, key))
			return fields(x)[i].value;
	return NULL;
}

static const char *str(struct rd *x, const char *key)
{
	const char *v = opt(x, key);
	if (!v && !x->fail)
		x->fail = bad(x->d, x->r->line, x->err, TR("缺少键：", "missing key: "), key);
	return v ? v : "";
}

static int num(struct rd *x, const char *key)
{
	const char *v = str(x, key);
	char *end;
	long n = strtol(v, &end, 10);
	if (!x->fail && (end == v || *end || n < 0 || n > 1000000))
		x->fail = bad(x->d, x->r->line, x->err, TR("应为数字：", "not a number: "), key);
	return (int)n;
}

static int clock_of(struct rd *x, const char *v, const char *key)
{
	int secs = 0;
	if (!x->fail && !clock_parse(v, &secs))
		x->fail = bad(x->d, x->r->line, x->err, TR("应为时刻（如 20:08）：", "not a clock time (e.g. 20:08): "), key);
	return secs;
}

/* Every value of key, in order; split at spaces when words. */
static void list(struct rd *x, const char *key, bool words, struct demo_list *l)
{
	l->n = 0;
	for (size_t i = 0; i < x->r->n && !x->fail; i++) {
		const struct field *f = &fields(x)[i];
		if (strcmp(f->key, key))
			continue;
		char *save = NULL, *v = (char *)f->value;   /* points into doc.text, ours */
		for (char *w = words ? strtok_r(v, " \t", &save) : v; w && !x->fail;
		     w = words ? strtok_r(NULL, " \t", &save) : NULL) {
			if (l->n == DEMO_LIST_MAX)
				x->fail = bad(x->d, f->line, x->err, TR("列表太长：", "list too long: "), key);
			else
				l->v[l->n++] = w;
		}
	}
}

/* The records of one kind, each read by fn into the i-th of an array. */
typedef void (*read_fn)(struct rd *x, void *item, void *ud);

static int each(const struct doc *d, const char *kind, size_t size, void **items, size_t *n, read_fn fn,
		void *ud, struct zs_error *err)
{
	*n = 0;
	for (size_t i = 0; i < d->nr; i++)
		*n += !strcmp(d->r[i].kind, kind);
	if (!*n)
		return bad(d, 0, err, TR("没有这类记录：", "no records of kind: "), kind);
	if (!(*items = calloc(*n, size)))
		return zs_fail(err, ZS_EFAIL, "out of memory");
	struct rd x = { .d = d, .err = err };
	for (size_t i = 0, k = 0; i < d->nr && !x.fail; i++) {
		if (strcmp(d->r[i].kind, kind))
			continue;
		x.r = &d->r[i];
		fn(&x, (char *)*items + k++ * size, ud);
	}
	return x.fail;
}

/* The one record of a kind. */
static int one(const struct doc *d, const char *kind, struct rd *x, struct zs_error *err)
{
	*x = (struct rd){ .d = d, .err = err };
	for (size_t i = 0; i < d->nr; i++)
		if (!strcmp(d->r[i].kind, kind)) {
			if (x->r)
				return bad(d, d->r[i].line, err, TR("重复的记录：", "repeated record: "), kind);
			x->r = &d->r[i];
		}
	return x->r ? ZS_OK : bad(d, 0, err, TR("没有这类记录：", "no records of kind: "), kind);
}

/* ------------------------------------------------------------ night.txt */

static void read_gala(struct rd *x, void *item, void *ud)
{
	(void)ud;
	struct demo_gala *g = item;
	only(x, "name day start end");
	g->name = str(x, "name");
	g->day = num(x, "day");
	g->start = clock_of(x, str(x, "start"), "start");
	g->end = clock_of(x, str(x, "end"), "end");
}

static int read_night(struct demo_night *n, const struct doc *d, struct zs_error *err)
{
	int r = each(d, "gala", sizeof *n->galas, (void **)&n->galas, &n->ngalas, read_gala, NULL, err);
	struct rd x;
	if (r || (r = one(d, "arrivals", &x, err)))
		return r;
	only(&x, "stretch repeat-every max-repeats");
	struct demo_list l;
	list(&x, "stretch", false, &l);
	n->repeat_every = num(&x, "repeat-every");
	n->max_repeats = num(&x, "max-repeats");
	if (x.fail)
		return x.fail;
	if (!(n->stretches = calloc(l.n, sizeof *n->stretches)))
		return zs_fail(err, ZS_EFAIL, "out of memory");
	for (size_t i = 0; i < l.n; i++) {
		int d1, h1, m1, d2, h2, m2, k, end = 0;
		if (sscanf(l.v[i], "%d %d:%d - %d %d:%d = %d%n", &d1, &h1, &m1, &d2, &h2, &m2, &k, &end) != 7 ||
		    l.v[i][end] || k <= 0)
			return bad(d, x.r->line, err, TR("stretch 应为“14 18:30 - 14 21:30 = 40”：", "a stretch is \"14 18:30 - 14 21:30 = 40\": "),
				   l.v[i]);
		struct demo_stretch *s = &n->stretches[n->nstretches++];
		*s = (struct demo_stretch){ (d1 - 14) * 1440 + h1 * 60 + m1, (d2 - 14) * 1440 + h2 * 60 + m2, k };
		if (s->to <= s->from)
			return bad(d, x.r->line, err, TR("stretch 的结束早于开始：", "a stretch ends before it starts: "), l.v[i]);
	}
	if (n->repeat_every <= 0)
		return bad(d, x.r->line, err, TR("应大于 0：", "must be above 0: "), "repeat-every");
	if ((r = one(d, "platform", &x, err)))
		return r;
	only(&x, "prefix phone other");
	n->platform_prefix = str(&x, "prefix");
	n->platform_phone = num(&x, "phone");
	n->platform_other = num(&x, "other");
	return x.fail;
}

/* -------------------------------------------------------- exposures.txt */

static void read_exposure(struct rd *x, void *item, void *ud)
{
	(void)ud;
	struct demo_exposure *e = item;
	only(x, "key aired deadline title industry companies keywords lead assist level weight category "
		"subject place complaint tip inquiry");
	e->key = str(x, "key");
	e->aired = clock_of(x, str(x, "aired"), "aired");
	const char *dl = opt(x, "deadline");
	e->deadline = dl ? clock_of(x, dl, "deadline") : 0;
	e->title = str(x, "title");
	e->industry = str(x, "industry");
	e->companies = str(x, "companies");
	e->keywords = str(x, "keywords");
	e->lead = str(x, "lead");
	e->assist = str(x, "assist");
	e->level = str(x, "level");
	e->weight = num(x, "weight");
	e->category = str(x, "category");
	list(x, "subject", false, &e->subjects);
	list(x, "place", false, &e->places);
	list(x, "complaint", false, &e->complaints);
	list(x, "tip", false, &e->tips);
	e->inquiry = str(x, "inquiry");
}

/* The index of the [exposure] called key (steps and opinions name them);
 * n->nexposures, and the record failed, when there is none. */
static size_t exposure_index(struct rd *x, const struct demo_night *n, const char *key)
{
	for (size_t i = 0; i < n->nexposures; i++)
		if (!strcmp(n->exposures[i].key, key))
			return i;
	if (!x->fail)
		x->fail = bad(x->d, x->r->line, x->err, TR("没有这个曝光：", "no such exposure: "), key);
	return n->nexposures;
}

static void read_step(struct rd *x, void *item, void *ud)
{
	const struct demo_night *n = ud;
	struct demo_step *s = item;
	only(x, "at exposure status local action count note instruct confirm report");
	s->at = clock_of(x, str(x, "at"), "at");
	s->exposure = exposure_index(x, n, str(x, "exposure"));
	s->status = opt(x, "status");
	s->local = opt(x, "local");
	s->instruct = opt(x, "instruct");
	s->report = opt(x, "report");
	if ((s->action = opt(x, "action"))) {
		s->count = str(x, "count");
		s->note = str(x, "note");
	}
	const char *confirm = opt(x, "confirm");
	if (confirm) {
		char *end = NULL;
		long n = strtol(confirm, &end, 10);
		if ((*end || n < 1 || n > 100) && !x->fail)
			x->fail = bad(x->d, x->r->line, x->err, TR("confirm 是 1 到 100 户：", "confirm is 1 to 100 businesses: "),
				      confirm);
		s->confirm = (int)n;
	}
	int kinds = (s->status || s->local) + !!s->action + !!s->instruct + !!confirm + !!s->report;
	if (kinds != 1 && !x->fail)
		x->fail = bad(x->d, x->r->line, x->err,
			      TR("一步只做一件事：", "a step does one thing: "), "status/local, action, instruct, confirm, report");
}

static int read_exposures(struct demo_night *n, const struct doc *d, struct zs_error *err)
{
	int r = each(d, "exposure", sizeof *n->exposures, (void **)&n->exposures, &n->nexposures, read_exposure,
		     NULL, err);
	return r ? r : each(d, "step", sizeof *n->steps, (void **)&n->steps, &n->nsteps, read_step, n, err);
}

/* --------------------------------------------------------- opinions.txt */

static void read_opinion(struct rd *x, void *item, void *ud)
{
	const struct demo_night *n = ud;
	struct demo_opinion *o = item;
	only(x, "found at exposure platform title url summary reach level status note response response-at");
	o->found = clock_of(x, str(x, "found"), "found");
	const char *at = opt(x, "at");
	o->at = at ? clock_of(x, at, "at") : o->found;
	const char *key = opt(x, "exposure");
	o->exposure = key ? exposure_index(x, n, key) : n->nexposures;
	o->platform = str(x, "platform");
	o->title = str(x, "title");
	o->url = opt(x, "url");
	o->summary = opt(x, "summary");
	o->reach = opt(x, "reach");
	o->level = str(x, "level");
	o->status = opt(x, "status");
	o->note = opt(x, "note");
	if ((o->response = opt(x, "response")))
		o->response_at = clock_of(x, str(x, "response-at"), "response-at");
}

static int read_opinions(struct demo_night *n, const struct doc *d, struct zs_error *err)
{
	return each(d, "opinion", sizeof *n->opinions, (void **)&n->opinions, &n->nopinions, read_opinion, n, err);
}

/* ------------------------------------------------------------ calls.txt */

static void read_category(struct rd *x, void *item, void *ud)
{
	(void)ud;
	struct demo_category *c = item;
	only(x, "code weight unit reject subject goods problem violation question");
	c->code = str(x, "code");
	c->weight = num(x, "weight");
	c->unit = str(x, "unit");
	c->reject = opt(x, "reject");
	list(x, "subject", false, &c->subjects);
	list(x, "goods", false, &c->goods);
	list(x, "problem", false, &c->problems);
	list(x, "violation", false, &c->violations);
	list(x, "question", false, &c->questions);
}

static int read_calls(struct demo_night *n, const struct doc *d, struct zs_error *err)
{
	struct rd x;
	int r = one(d, "channels", &x, err);
	if (r)
		return r;
	if (!(n->channels = calloc(x.r->n, sizeof *n->channels)))
		return zs_fail(err, ZS_EFAIL, "out of memory");
	for (size_t i = 0; i < x.r->n && !x.fail; i++) {
		n->channels[n->nchannels].code = fields(&x)[i].key;
		n->channels[n->nchannels++].weight = num(&x, fields(&x)[i].key);
	}
	if (x.fail || (r = each(d, "category", sizeof *n->categories, (void **)&n->categories, &n->ncategories,
				read_category, NULL, err)))
		return x.fail ? x.fail : r;

	if ((r = one(d, "templates", &x, err)))
		return r;
	only(&x, "complaint tip inquiry demand");
	list(&x, "complaint", false, &n->complaint_tpl);
	list(&x, "tip", false, &n->tip_tpl);
	list(&x, "inquiry", false, &n->inquiry_tpl);
	list(&x, "demand", false, &n->demands);
	if (x.fail || (r = one(d, "callers", &x, err)))
		return x.fail ? x.fail : r;
	only(&x, "surnames given-names nicknames mobile-prefixes mr ms");
	list(&x, "surnames", true, &n->surnames);
	list(&x, "given-names", true, &n->given_names);
	list(&x, "nicknames", true, &n->nicknames);
	list(&x, "mobile-prefixes", true, &n->mobile_prefixes);
	n->mr = str(&x, "mr");
	n->ms = str(&x, "ms");
	if (x.fail || (r = one(d, "words", &x, err)))
		return x.fail ? x.fail : r;
	only(&x, "today yesterday days-ago repeat cctv");
	n->today = str(&x, "today");
	n->yesterday = str(&x, "yesterday");
	n->days_ago = str(&x, "days-ago");
	n->repeat = str(&x, "repeat");
	n->cctv = str(&x, "cctv");
	if (x.fail || (r = one(d, "notes", &x, err)))
		return x.fail ? x.fail : r;
	only(&x, "duplicate answered to-verify accepted transfer refunded recovered apology no-agreement uscc "
		 "tip-closed on-site "
		 "no-evidence station");
	n->n_duplicate = str(&x, "duplicate");
	n->n_answered = str(&x, "answered");
	n->n_to_verify = str(&x, "to-verify");
	list(&x, "accepted", false, &n->accepted);
	n->n_transfer = str(&x, "transfer");
	n->n_refunded = str(&x, "refunded");
	list(&x, "recovered", true, &n->recovered);
	n->n_apology = str(&x, "apology");
	n->n_no_agreement = str(&x, "no-agreement");
	list(&x, "uscc", true, &n->uscc);
	if (!x.fail && n->uscc.n % 2)
		x.fail = bad(x.d, x.r->line, x.err, TR("uscc 应为“主体 代码”成对：", "uscc takes \"subject code\" pairs: "), "uscc");
	list(&x, "tip-closed", false, &n->tip_closed);
	n->n_on_site = str(&x, "on-site");
	n->n_no_evidence = str(&x, "no-evidence");
	n->station = str(&x, "station");
	return x.fail;
}

/* ------------------------------------------------------------ roster.csv */

static int read_roster(demo_find_fn find, struct demo_night *n, struct zs_error *err)
{
	static const char *const header[] = { "日期", "单位", "姓名", "职务", "固定电话", "移动电话", "开始", "结束", "带班" };
	const struct embedded_file *ef = find("demo/roster.csv");
	struct doc d = { .name = "roster.csv" };
	if (!ef)
		return bad(&d, 0, err, TR("程序中没有这个文件", "not built into the program"), "");
	int r = csv_parse_buffer(ef->data, ef->size, &n->roster, err);
	if (r)
		return r;
	const struct csv_record *h = &n->roster.records[0];
	for (size_t i = 0; i < sizeof header / sizeof header[0]; i++)
		if (h->nfields != sizeof header / sizeof header[0] || strcmp(h->fields[i], header[i]))
			return bad(&d, 1, err, TR("表头应为：", "the header should be: "), "日期,单位,姓名,职务,固定电话,移动电话,开始,结束,带班");
	for (size_t i = 1; i < n->roster.nrecords; i++)
		if (n->roster.records[i].nfields != h->nfields)
			return bad(&d, n->roster.records[i].line, err, TR("列数与表头不同", "not as many cells as the header"), "");
	return n->roster.nrecords > 1 ? ZS_OK : bad(&d, 1, err, TR("没有值班人员", "no rows"), "");
}

/* ------------------------------------------------------------------ */

int demo_night_load(struct demo_night *n, demo_find_fn find, struct zs_error *err)
{
	/* opinions.txt names exposures: read after exposures.txt. */
	static const char *const names[4] = { "night.txt", "exposures.txt", "calls.txt", "opinions.txt" };
	static int (*const readers[4])(struct demo_night *, const struct doc *, struct zs_error *) = {
		read_night, read_exposures, read_calls, read_opinions,
	};
	memset(n, 0, sizeof *n);
	int r = read_roster(find, n, err);
	for (int i = 0; i < 4 && !r; i++) {
		struct doc d;
		r = doc_load(find, names[i], &d, err);
		if (!r)
			r = readers[i](n, &d, err);
		/* The tables keep pointers into the text; the index goes. */
		n->text[i] = d.text;
		d.text = NULL;
		doc_free(&d);
	}
	if (r)
		demo_night_free(n);
	return r;
}

void demo_night_free(struct demo_night *n)
{
	csv_table_free(&n->roster);
	free(n->galas);
	free(n->stretches);
	free(n->exposures);
	free(n->steps);
	free(n->channels);
	free(n->categories);
	free(n->opinions);
	for (int i = 0; i < 4; i++)
		free(n->text[i]);
	memset(n, 0, sizeof *n);
}
