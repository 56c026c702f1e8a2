/* demo: a wholly fictional 3·15 duty night for `zhishou init --demo`.
 *
 * Not domain code: the night's tables are data (data/demo, read by
 * demo_data.c) and everything is written through the same core calls an
 * operator's commands use (gala_add, roster_import_rows, exposure_add,
 * intake_add, intake_update …), each in its own transaction, so the demo
 * database has the same validation, audit rows and tallies as a real
 * night.  This file only decides, with a fixed-seed PRNG, who calls when
 * and what happens to each call: every run for the same year holds the
 * same records (tests/unit/test_demo.c pins it). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_data.h"
#include "zhishou/alert.h"
#include "zhishou/board.h"
#include "zhishou/demo.h"
#include "zhishou/embedded.h"
#include "zhishou/entity.h"
#include "zhishou/exposure.h"
#include "zhishou/i18n.h"
#include "zhishou/intake.h"
#include "zhishou/opinion.h"
#include "zhishou/platform.h"
#include "zhishou/progress.h"
#include "zhishou/reads.h"
#include "zhishou/roster.h"
#include "zhishou/timeutil.h"

/* Seconds after local midnight. */
#define CLOCK(h, m) ((h) * 3600 + (m) * 60)
/* Minutes after 14 March 00:00: the demo's intake timeline. */
#define DAYMIN(day, h, m) (((day) - 14) * 1440 + (h) * 60 + (m))

int64_t demo_now(int year)
{
	return time_from_local(year, 3, 15, CLOCK(21, 40));
}

/* ------------------------------------------------------------------ */
/* A tiny deterministic PRNG (xorshift32): the same demo on every machine. */

struct rng {
	uint32_t s;
};

static uint32_t rng_next(struct rng *r)
{
	uint32_t x = r->s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return r->s = x;
}

static int rng_below(struct rng *r, int n)
{
	return (int)(rng_next(r) % (uint32_t)n);
}

static bool rng_pct(struct rng *r, int pct)
{
	return rng_below(r, 100) < pct;
}

/* One entry of a list ("" for an empty one, drawing nothing). */
static const char *pick(struct rng *r, const struct demo_list *l)
{
	return l->n ? l->v[rng_below(r, (int)l->n)] : "";
}

/* Expand $1..$4 in tpl.  Sentences stay plain text rather than printf
 * formats whose argument counts could silently mismatch. */
static void expand(char *out, size_t n, const char *tpl, const char *const args[4])
{
	size_t o = 0;
	for (const char *p = tpl; *p && o + 1 < n; p++) {
		if (p[0] == '$' && p[1] >= '1' && p[1] <= '4') {
			const char *a = args[p[1] - '1'];
			for (; a && *a && o + 1 < n; a++)
				out[o++] = *a;
			p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

/* expand with one argument. */
static void expand1(char *out, size_t n, const char *tpl, const char *arg)
{
	const char *args[4] = { arg, NULL, NULL, NULL };
	expand(out, n, tpl, args);
}

/* The whole run: the tables, the PRNG, and what has been written. */
struct demo {
	struct zs_ctx *c;
	struct zs_error *err;
	const struct demo_night *n;
	struct rng rng;
	int year;
	int64_t *exposure_id;        /* per n->exposures */
	int ref_day[2], ref_no[2];   /* the day's last 8890 / 12345 serial */
};

static void random_mobile(struct demo *d, char *out, size_t n)
{
	/* The number is drawn before the prefix (the order the night was
	 * first generated in). */
	int number = rng_below(&d->rng, 100000000);
	snprintf(out, n, "%s%08d", pick(&d->rng, &d->n->mobile_prefixes), number);
}

static void random_landline(struct rng *r, char *out, size_t n)
{
	static const char first[] = "2568";
	/* The number before its first digit, as above. */
	int number = rng_below(r, 10000000);
	snprintf(out, n, "022-%c%07d", first[rng_below(r, 4)], number);
}

/* ------------------------------------------------------------------ */
/* The galas, then the duty roster (the sheet with the demo's year and a
 * made-up mobile for everyone). */

static int fill_galas(struct demo *d)
{
	int r = ZS_OK;
	for (size_t i = 0; i < d->n->ngalas && !r; i++) {
		const struct demo_gala *g = &d->n->galas[i];
		char start[32], end[32];
		int64_t id;
		time_format(time_from_local(d->year, 3, g->day, g->start), TIME_FULL, start, sizeof start);
		time_format(time_from_local(d->year, 3, g->day, g->end), TIME_FULL, end, sizeof end);
		r = gala_add(d->c, g->name, start, end, &id, d->err);
	}
	return r;
}

enum { COL_DATE, COL_UNIT, COL_NAME, COL_TITLE, COL_LAND, COL_MOBILE, COL_START, COL_END, COL_LEADER };

static int fill_roster(struct demo *d)
{
	const struct csv_table *t = &d->n->roster;
	size_t n = t->nrecords - 1;
	struct roster_row *rows = calloc(n, sizeof *rows);
	char (*dates)[16] = calloc(n, sizeof *dates), (*mobiles)[24] = calloc(n, sizeof *mobiles);
	int r = rows && dates && mobiles ? ZS_OK : zs_fail(d->err, ZS_EFAIL, "out of memory");
	for (size_t i = 0; i < n && !r; i++) {
		char **f = t->records[i + 1].fields;
		snprintf(dates[i], sizeof dates[i], "%04d-%s", d->year, f[COL_DATE]);
		/* A mobile of the sheet's is kept; a blank one is made up. */
		if (*f[COL_MOBILE])
			snprintf(mobiles[i], sizeof mobiles[i], "%s", f[COL_MOBILE]);
		else
			random_mobile(d, mobiles[i], sizeof mobiles[i]);
		rows[i] = (struct roster_row){
			.date = dates[i], .unit = f[COL_UNIT], .name = f[COL_NAME], .title = f[COL_TITLE],
			.landline = f[COL_LAND], .mobile = mobiles[i], .start = f[COL_START], .end = f[COL_END],
			.leader = !strcmp(f[COL_LEADER], "是"),
		};
	}
	struct roster_result res;
	if (!r)
		r = roster_import_rows(d->c, rows, n, "demo", &res, d->err);
	free(rows);
	free(dates);
	free(mobiles);
	return r;
}

/* ------------------------------------------------------------------ */
/* Exposures: what the (fictional) CCTV gala airs on 15 March, then what
 * the bureau does after each airing. */

/* The credit desk confirms the first n of the register's candidates. */
static int confirm_first(struct demo *d, int64_t id, int n)
{
	struct exposure_parties p;
	int r = exposure_parties_get(d->c, id, &p, d->err);
	if (r)
		return r;
	const char *codes[100];
	size_t k = 0;
	for (size_t i = 0; i < p.n && k < (size_t)n; i++)
		if (p.v[i].candidate)
			codes[k++] = p.v[i].uscc;
	if (k < (size_t)n)
		r = zs_fail(d->err, ZS_EFAIL, TR("演示数据要确认曝光 #%lld 的 %d 户，登记册只找到 %zu 户",
						 "exposure #%lld: the demo confirms %d businesses, the register finds only %zu"),
			    (long long)id, n, k);
	struct exposure_local_change ch = { .confirm = codes, .nconfirm = k };
	if (!r)
		r = exposure_local_set(d->c, id, &ch, NULL, d->err);
	exposure_parties_clear(&p);
	return r;
}

/* The office records the exposure's next progress report to the city. */
static int report_next(struct demo *d, int64_t id, const char *next)
{
	struct progress_params p = { .exposure_id = id, .next = next };
	struct progress_doc doc;
	int r = progress_write(d->c, &p, REPORT_TXT, NULL, &doc, d->err);
	if (!r)
		progress_doc_clear(&doc);
	return r;
}

static int run_step(struct demo *d, const struct demo_step *s)
{
	d->c->now = time_from_local(d->year, 3, 15, s->at);
	int64_t id = d->exposure_id[s->exposure];
	if (s->action)
		return exposure_add_action(d->c, id, s->action, s->count, s->note, d->err);
	if (s->instruct)
		return exposure_instruct(d->c, id, s->instruct, d->err);
	if (s->confirm)
		return confirm_first(d, id, s->confirm);
	if (s->report)
		return report_next(d, id, s->report);
	struct exposure_input in = { .status = s->status, .local = s->local };
	return exposure_update(d->c, id, &in, d->err);
}

static int fill_exposures(struct demo *d)
{
	int r = ZS_OK;
	for (size_t i = 0; i < d->n->nexposures && !r; i++) {
		const struct demo_exposure *x = &d->n->exposures[i];
		char aired[32], deadline[32];
		int64_t t = time_from_local(d->year, 3, 15, x->aired);
		time_format(t, TIME_FULL, aired, sizeof aired);
		if (x->deadline)
			time_format(time_from_local(d->year, 3, 15, x->deadline), TIME_FULL, deadline, sizeof deadline);
		struct exposure_input in = {
			.title = x->title, .aired = aired, .industry = x->industry, .companies = x->companies,
			.keywords = x->keywords, .local = "unknown", .lead = x->lead,
			.assist = x->assist, .level = x->level, .deadline = x->deadline ? deadline : NULL,
		};
		/* Logged as it airs: the default deadline is the next 08:00. */
		d->c->now = t;
		r = exposure_add(d->c, &in, &d->exposure_id[i], d->err);
	}
	for (size_t i = 0; i < d->n->nsteps && !r; i++)
		r = run_step(d, &d->n->steps[i]);
	return r;
}

/* What the publicity office saw online, recorded as it was (with a note),
 * then the duty leader's approved response where there is one. */
static int fill_opinions(struct demo *d)
{
	int r = ZS_OK;
	for (size_t i = 0; i < d->n->nopinions && !r; i++) {
		const struct demo_opinion *o = &d->n->opinions[i];
		char found[32], exposure[24] = "";
		time_format(time_from_local(d->year, 3, 15, o->found), TIME_FULL, found, sizeof found);
		if (o->exposure < d->n->nexposures)
			snprintf(exposure, sizeof exposure, "%lld", (long long)d->exposure_id[o->exposure]);
		struct opinion_input in = {
			.platform = o->platform, .title = o->title, .url = o->url, .summary = o->summary, .found = found,
			.reach = o->reach, .level = o->level, .exposure = *exposure ? exposure : NULL,
		};
		int64_t id;
		d->c->now = time_from_local(d->year, 3, 15, o->at);
		r = opinion_add(d->c, &in, &id, d->err);
		if (!r && (o->note || (o->status && !o->response))) {
			struct opinion_input up = { .note = o->note, .status = o->response ? NULL : o->status };
			r = opinion_update(d->c, id, &up, d->err);
		}
		if (!r && o->response) {
			struct opinion_input up = { .response = o->response, .status = o->status };
			d->c->now = time_from_local(d->year, 3, 15, o->response_at);
			r = opinion_update(d->c, id, &up, d->err);
		}
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* Intakes */

struct spec {
	int minute;              /* DAYMIN timeline */
	int64_t at, id;
	const char *channel, *kind, *category;
	int cat;                 /* categories index, -1 for exposure calls */
	int exposure;            /* exposures index, -1 if unrelated */
	bool linked;             /* linked when logged */
	int repeat_of;           /* specs[] index of the call it repeats, -1 */
	char caller[64], phone[24], subject[128], text[1024], ref[40];
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static const char *pick_channel(struct demo *d, int minute)
{
	const struct demo_night *n = d->n;
	struct rng *r = &d->rng;
	int total = 0;
	for (size_t i = 0; i < n->nchannels; i++)
		total += n->channels[i].weight;
	int w = rng_below(r, total);
	size_t i = 0;
	while (w >= n->channels[i].weight)
		w -= n->channels[i++].weight;
	const char *code = n->channels[i].code;
	/* Letters are opened and visitors received in office hours only, and
	 * then they are a good share of the day's work. */
	int clock = minute % 1440;
	bool office = minute >= DAYMIN(15, 0, 0) && clock >= 8 * 60 + 30 && clock < 17 * 60 + 30;
	if (office && rng_pct(r, 25))
		return rng_pct(r, 50) ? "letter" : "visit";
	if (!office && (!strcmp(code, "letter") || !strcmp(code, "visit")))
		code = "12315-hotline";
	return code;
}

static int pick_category(struct demo *d)
{
	int total = 0;
	for (size_t i = 0; i < d->n->ncategories; i++)
		total += d->n->categories[i].weight;
	int w = rng_below(&d->rng, total);
	int i = 0;
	while (w >= d->n->categories[i].weight)
		w -= d->n->categories[i++].weight;
	return i;
}

/* Which exposure a call at this minute is about, or -1: about 40 % once
 * something has aired (two minutes to reach the phone), weighted. */
static int pick_exposure(struct demo *d, int minute)
{
	const struct demo_night *n = d->n;
	int total = 0;
	for (size_t i = 0; i < n->nexposures; i++)
		if (minute >= DAYMIN(15, 0, 0) + n->exposures[i].aired / 60 + 2)
			total += n->exposures[i].weight;
	if (!total || !rng_pct(&d->rng, 42))
		return -1;
	int w = rng_below(&d->rng, total);
	for (size_t i = 0; i < n->nexposures; i++) {
		if (minute < DAYMIN(15, 0, 0) + n->exposures[i].aired / 60 + 2)
			continue;
		if (w < n->exposures[i].weight)
			return (int)i;
		w -= n->exposures[i].weight;
	}
	return -1;
}

static const char *pick_kind(struct rng *r, int complaint_pct, int tip_pct)
{
	int k = rng_below(r, 100);
	return k < complaint_pct ? "complaint" : k < complaint_pct + tip_pct ? "tip" : "inquiry";
}

/* Who called: social-media users rarely leave a number, tip-givers often
 * stay anonymous (art. 33 protects them either way). */
static void make_caller(struct demo *d, struct spec *s)
{
	const struct demo_night *n = d->n;
	struct rng *r = &d->rng;
	bool social = !strcmp(s->channel, "weibo") || !strcmp(s->channel, "wechat");
	bool written = !strcmp(s->channel, "email") || !strcmp(s->channel, "letter") || !strcmp(s->channel, "web");
	s->caller[0] = s->phone[0] = '\0';
	if (social) {
		if (rng_pct(r, 70))
			snprintf(s->caller, sizeof s->caller, "%s", pick(r, &n->nicknames));
		if (rng_pct(r, 15))
			random_mobile(d, s->phone, sizeof s->phone);
		return;
	}
	if (!strcmp(s->kind, "tip") && rng_pct(r, 35))
		return;
	/* 先生/女士 or the given name is drawn before the surname (the order
	 * the night was first generated in). */
	const char *rest = rng_pct(r, 65) ? (rng_pct(r, 50) ? n->mr : n->ms) : pick(r, &n->given_names);
	snprintf(s->caller, sizeof s->caller, "%s%s", pick(r, &n->surnames), rest);
	int p = rng_below(r, 100);
	if (p < (written ? 40 : 6))
		return;
	if (p < (written ? 55 : 26))
		random_landline(r, s->phone, sizeof s->phone);
	else
		random_mobile(d, s->phone, sizeof s->phone);
}

/* 8890/12345 work orders carry the hotline's number: 8890-20260315-0123. */
static void make_ref(struct demo *d, struct spec *s)
{
	int which = !strcmp(s->channel, "8890") ? 0 : !strcmp(s->channel, "12345") ? 1 : -1;
	s->ref[0] = '\0';
	if (which < 0)
		return;
	int y, m, day, hh, mm, ss;
	time_to_local(s->at, &y, &m, &day, &hh, &mm, &ss);
	/* The city numbers all its orders of the day; ours are a sample, so
	 * the serial grows with the clock. */
	int serial = (hh * 60 + mm) * 2 / 5 + 1 + rng_below(&d->rng, 6);
	if (d->ref_day[which] == day && serial <= d->ref_no[which])
		serial = d->ref_no[which] + 1;
	d->ref_day[which] = day;
	d->ref_no[which] = serial;
	snprintf(s->ref, sizeof s->ref, "%s-%04d%02d%02d-%04d", s->channel, y, m, day, d->ref_no[which]);
}

/* "今天", "昨天" or "3月9日": when the caller bought it. */
static const char *purchase_day(struct demo *d, int received_day, char *out, size_t n)
{
	int back = rng_below(&d->rng, 10);
	if (back == 0)
		return d->n->today;
	if (back == 1)
		return d->n->yesterday;
	char day[16];
	snprintf(day, sizeof day, "%d", received_day - back);
	expand1(out, n, d->n->days_ago, day);
	return out;
}

static void make_exposure_call(struct demo *d, struct spec *s)
{
	struct rng *r = &d->rng;
	const struct demo_exposure *x = &d->n->exposures[s->exposure];
	s->kind = pick_kind(r, 55, 35);
	s->category = x->category;
	make_caller(d, s);
	snprintf(s->subject, sizeof s->subject, "%s", pick(r, &x->subjects));
	const char *tpl = !strcmp(s->kind, "complaint") ? pick(r, &x->complaints)
			  : !strcmp(s->kind, "tip") ? pick(r, &x->tips) : x->inquiry;
	char body[768];
	expand1(body, sizeof body, tpl, pick(r, &x->places));
	/* The national platform forwards items CCTV received (央视转办件). */
	bool cctv = !strcmp(s->channel, "12315-platform") && rng_pct(r, 50);
	snprintf(s->text, sizeof s->text, "%s%s", cctv ? d->n->cctv : "", body);
	s->linked = rng_pct(r, 75);
}

static void make_everyday_call(struct demo *d, struct spec *s, int received_day)
{
	const struct demo_night *n = d->n;
	struct rng *r = &d->rng;
	s->cat = pick_category(d);
	const struct demo_category *cd = &n->categories[s->cat];
	s->kind = pick_kind(r, 62, 28);
	s->category = cd->code;
	make_caller(d, s);
	bool inquiry = !strcmp(s->kind, "inquiry");
	/* Half of the questions are not about any one business. */
	if (inquiry && rng_pct(r, 50))
		s->subject[0] = '\0';
	else
		snprintf(s->subject, sizeof s->subject, "%s", pick(r, &cd->subjects));
	char buf[32];
	const char *when = purchase_day(d, received_day, buf, sizeof buf);
	if (!strcmp(s->kind, "complaint")) {
		/* Drawn in this order: goods, problem, demand, template. */
		const char *goods = pick(r, &cd->goods), *problem = pick(r, &cd->problems);
		const char *args[4] = { when, goods, problem, pick(r, &n->demands) };
		expand(s->text, sizeof s->text, pick(r, &n->complaint_tpl), args);
	} else if (!strcmp(s->kind, "tip")) {
		const char *violation = pick(r, &cd->violations);
		expand1(s->text, sizeof s->text, pick(r, &n->tip_tpl), violation);
	} else {
		const char *question = pick(r, &cd->questions);
		expand1(s->text, sizeof s->text, pick(r, &n->inquiry_tpl), question);
	}
}

/* The same caller again (same phone, nearly the same words): the operator
 * will merge it into the first one. */
static void make_repeat(struct demo *d, struct spec *s, const struct spec *orig, int orig_index)
{
	s->repeat_of = orig_index;
	/* People call back; the city hotlines forward the second call too. */
	bool hotline = !strcmp(orig->channel, "8890") || !strcmp(orig->channel, "12345");
	s->channel = hotline && rng_pct(&d->rng, 60) ? orig->channel : "12315-hotline";
	s->kind = orig->kind;
	s->category = orig->category;
	s->cat = orig->cat;
	s->exposure = orig->exposure;
	s->linked = orig->linked;
	memcpy(s->caller, orig->caller, sizeof s->caller);
	memcpy(s->phone, orig->phone, sizeof s->phone);
	memcpy(s->subject, orig->subject, sizeof s->subject);
	expand1(s->text, sizeof s->text, d->n->repeat, orig->text);
}

/* The arrival minutes, sorted, so ids follow the clock. */
static int *arrival_minutes(struct demo *d, size_t *n)
{
	const struct demo_night *night = d->n;
	size_t total = 0;
	for (size_t i = 0; i < night->nstretches; i++)
		total += (size_t)night->stretches[i].n;
	int *m = calloc(total, sizeof *m);
	if (!m)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < night->nstretches; i++) {
		const struct demo_stretch *s = &night->stretches[i];
		for (int j = 0; j < s->n; j++)
			m[k++] = s->from + rng_below(&d->rng, s->to - s->from);
	}
	qsort(m, total, sizeof *m, cmp_int);
	*n = total;
	return m;
}

static void make_spec(struct demo *d, struct spec *specs, size_t i, int minute, int *repeats)
{
	struct spec *s = &specs[i];
	size_t every = (size_t)d->n->repeat_every;
	memset(s, 0, sizeof *s);
	s->minute = minute;
	s->at = time_from_local(d->year, 3, 14 + minute / 1440, (minute % 1440) * 60);
	s->cat = s->exposure = s->repeat_of = -1;
	if (i >= every && i % every == 0 && *repeats < d->n->max_repeats) {
		/* The caller of one of the last dozen calls who left a number. */
		for (size_t j = i - 1 - (size_t)rng_below(&d->rng, 12); j > i - every; j--) {
			if (specs[j].phone[0] && specs[j].repeat_of < 0) {
				make_repeat(d, s, &specs[j], (int)j);
				++*repeats;
				break;
			}
		}
	}
	if (s->repeat_of < 0) {
		s->channel = pick_channel(d, minute);
		s->exposure = pick_exposure(d, minute);
		if (s->exposure >= 0)
			make_exposure_call(d, s);
		else
			make_everyday_call(d, s, 14 + minute / 1440);
	}
	make_ref(d, s);
}

static int add_intake(struct demo *d, struct spec *s)
{
	char at[32], exp[24] = "";
	time_format(s->at, TIME_FULL, at, sizeof at);
	if (s->exposure >= 0 && s->linked)
		snprintf(exp, sizeof exp, "%lld", (long long)d->exposure_id[s->exposure]);
	struct intake_input in = {
		.at = at, .channel = s->channel, .kind = s->kind, .caller = s->caller, .phone = s->phone,
		.subject = s->subject, .category = s->category, .text = s->text, .ref = s->ref, .exposure = exp,
	};
	/* A business picked from the register: its code is filled in. */
	const struct demo_list *u = &d->n->uscc;
	for (size_t k = 0; k + 1 < u->n; k += 2)
		if (!strcmp(u->v[k], s->subject))
			in.uscc = u->v[k + 1];
	/* Logged a minute after it came in. */
	d->c->now = s->at + 60;
	return intake_add(d->c, &in, &s->id, NULL, d->err);
}

/* The unit a transfer goes to: the exposure's lead, or the category's
 * unit, or (often) the local station that knows the shops. */
static const char *transfer_unit(struct demo *d, const struct spec *s)
{
	if (s->exposure >= 0)
		return d->n->exposures[s->exposure].lead;
	if (s->cat >= 0 && rng_pct(&d->rng, 50))
		return d->n->categories[s->cat].unit;
	return d->n->station;
}

/* A complaint whose business the register marks an ODR enterprise (the
 * demo register's ODR shops: the core finds it by the name) is handed to
 * it through ODR; false (nothing written) for any other business. */
static bool hand_to_odr(struct demo *d, const struct spec *s)
{
	if (!*s->subject)
		return false;
	struct intake_change ch = { .odr = true };
	struct zs_error ignored = { 0 };
	return intake_update(d->c, s->id, &ch, &ignored) == ZS_OK;
}

/* Move one logged intake along: most are handled within the hour, the
 * newest are still waiting, and some from last night are still open for
 * the morning review. */
static int settle(struct demo *d, const struct spec *specs, const struct spec *s, int64_t latest)
{
	const struct demo_night *n = d->n;
	struct rng *r = &d->rng;
	struct intake_change ch = { 0 };
	char note[256], orig[24], exp[24];
	int64_t t = s->at + 60 * (3 + rng_below(r, 90));
	if (t > latest)
		t = latest;
	if (t < s->at + 60)
		t = s->at + 60;
	d->c->now = t;

	if (s->repeat_of >= 0) {
		snprintf(orig, sizeof orig, "%lld", (long long)specs[s->repeat_of].id);
		ch.duplicate_of = orig;
		ch.note = n->n_duplicate;
		return intake_update(d->c, s->id, &ch, d->err);
	}

	bool fresh = latest - s->at < 8 * 60;
	bool complaint = !strcmp(s->kind, "complaint"), inquiry = !strcmp(s->kind, "inquiry");
	const char *reject = s->cat >= 0 ? n->categories[s->cat].reject : NULL;
	int k = rng_below(r, 100);
	if (fresh) {
		if (k < 75)
			return ZS_OK;                         /* still 新登记 */
		ch.status = "accepted";
	} else if (reject && complaint && k < 60) {
		ch.status = "rejected";
		ch.note = reject;
	} else if (inquiry) {
		/* Questions are answered on the spot. */
		if (k < 12)
			return ZS_OK;
		if (k < 65) {
			ch.status = "closed";
			ch.note = n->n_answered;
		} else {
			ch.status = "accepted";
			ch.note = n->n_to_verify;
		}
	} else if (k < 46) {
		ch.status = "accepted";
		if (rng_pct(r, 50))
			ch.note = pick(r, &n->accepted);
	} else if (k < 62 && complaint && hand_to_odr(d, s)) {
		/* A complaint against an ODR enterprise went to the business itself. */
	} else if (k < 62) {
		ch.transfer = transfer_unit(d, s);
		expand1(note, sizeof note, n->n_transfer, ch.transfer);
		ch.note = note;
	} else if (k < 78) {
		ch.status = "closed";
		if (complaint) {
			const char *amount = rng_pct(r, 70) ? pick(r, &n->recovered) : NULL;
			/* How mediation ended (调解结果), with no draw of its
			 * own: money back is an agreement; without, an apology
			 * settles half of them and the rest end without one. */
			if (amount) {
				ch.recovered = amount;
				expand1(note, sizeof note, n->n_refunded, amount);
				ch.note = note;
				ch.outcome = "agreed";
			} else if (s->id % 2) {
				ch.note = n->n_no_agreement;
				ch.outcome = "no-agreement";
			} else {
				ch.note = n->n_apology;
				ch.outcome = "agreed";
			}
		} else {
			ch.note = pick(r, &n->tip_closed);
		}
	} else if (k < 82) {
		ch.status = "handling";
		ch.note = n->n_on_site;
	} else if (k < 84) {
		ch.status = "rejected";
		ch.note = n->n_no_evidence;
	} else {
		return ZS_OK;                                 /* nobody has got to it yet */
	}
	/* Calls about an exposure the operator did not link at once are linked
	 * while being handled. */
	if (s->exposure >= 0 && !s->linked && rng_pct(r, 60)) {
		snprintf(exp, sizeof exp, "%lld", (long long)d->exposure_id[s->exposure]);
		ch.exposure = exp;
	}
	if (!ch.status && !ch.transfer && !ch.exposure && !ch.note)
		return ZS_OK;   /* handed over through ODR, nothing more */
	return intake_update(d->c, s->id, &ch, d->err);
}

/* The 12315 platform numbers the desks had entered by 21:40: drawn after
 * every intake is settled (the rule needs the final status), so the rest
 * of the night is as it was. */
static int fill_platform(struct demo *d, const struct spec *specs, size_t n, int64_t latest)
{
	const struct demo_night *night = d->n;
	int seq = 0;
	for (size_t i = 0; i < n; i++) {
		const struct spec *s = &specs[i];
		struct intake in;
		if (intake_read(d->c, s->id, &in, d->err))
			return d->err->code;
		bool due = platform_required(&in);
		intake_clear(&in);
		bool phone = !strcmp(s->channel, "12315-hotline") || !strcmp(s->channel, "visit");
		/* Entry takes a while: the last ten minutes' are still waiting. */
		if (!due || latest - s->at < 10 * 60 ||
		    !rng_pct(&d->rng, phone ? night->platform_phone : night->platform_other))
			continue;
		int64_t t = s->at + 60 * (10 + rng_below(&d->rng, 30));
		d->c->now = t < latest ? t : latest;
		int y, m, dd, hh, mm, ss;
		time_to_local(s->at, &y, &m, &dd, &hh, &mm, &ss);
		char no[48];
		snprintf(no, sizeof no, "%s%04d%02d%02d%05d", night->platform_prefix, y, m, dd, ++seq);
		struct intake_change ch = { .platform_no = no };
		int r = intake_update(d->c, s->id, &ch, d->err);
		if (r)
			return r;
	}
	return ZS_OK;
}

static int fill_intakes(struct demo *d)
{
	size_t n;
	int *minutes = arrival_minutes(d, &n);
	struct spec *specs = minutes ? calloc(n, sizeof *specs) : NULL;
	if (!specs) {
		free(minutes);
		return zs_fail(d->err, ZS_EFAIL, "out of memory");
	}
	int r = ZS_OK, repeats = 0;
	for (size_t i = 0; i < n && !r; i++) {
		make_spec(d, specs, i, minutes[i], &repeats);
		r = add_intake(d, &specs[i]);
	}
	/* Handling happens after logging, never after the frozen "now". */
	int64_t latest = demo_now(d->year) - 60;
	for (size_t i = 0; i < n && !r; i++)
		r = settle(d, specs, &specs[i], latest);
	if (!r)
		r = fill_platform(d, specs, n, latest);
	free(specs);
	free(minutes);
	return r;
}

/* The district's market-entity register (data/demo/register.csv, made by
 * tools/gen_demo_register.py), as the credit desk would have imported it
 * from the registration system's export a few days before the gala. */
static int fill_register(struct demo *d)
{
	const struct embedded_file *ef = embedded_find("demo/register.csv");
	if (!ef)
		return zs_fail(d->err, ZS_EFAIL, "%s", TR("演示登记册没有编进程序", "the demo register is not built in"));
	char as_of[16];
	snprintf(as_of, sizeof as_of, "%04d-03-10", d->year);
	struct entity_import_opts o = { .as_of = as_of };
	struct entity_import_result res;
	return entity_import_data(d->c, "register.csv", ef->data, ef->size, &o, &res, d->err);
}

/* ------------------------------------------------------------------ */

int demo_fill(struct zs_ctx *c, int year, struct zs_error *err)
{
	struct demo_night night;
	int r = demo_night_load(&night, embedded_find, err);
	if (r)
		return r;
	struct demo d = { .c = c, .err = err, .n = &night, .rng = { 0x315C0DE5u }, .year = year,
			  .exposure_id = calloc(night.nexposures, sizeof *d.exposure_id) };
	r = d.exposure_id ? ZS_OK : zs_fail(err, ZS_EFAIL, "out of memory");
	if (!r)
		r = fill_galas(&d);
	if (!r)
		r = fill_roster(&d);
	if (!r)
		r = fill_register(&d);
	if (!r)
		r = fill_exposures(&d);
	if (!r)
		r = fill_intakes(&d);
	if (!r)
		r = fill_opinions(&d);
	c->now = demo_now(year);
	/* The demo night's past is history: a relay started on it posts what
	 * happens from now on, not twenty old alerts. */
	if (!r)
		r = alert_settle(c, err);
	free(d.exposure_id);
	demo_night_free(&night);
	return r;
}
