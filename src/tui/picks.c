/* The pick lists of the night's things: exposures (link), recent intakes
 * (duplicate target), the people of the night (handover names).  Each is
 * the one pick list (list.c) over rows read from the core; done gets the
 * picked row's number (ids) or the names. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/entity.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/reads.h"
#include "zhishou/timeutil.h"

/* How many recent intakes the duplicate list offers: the night's last
 * hours; an older original is typed as its number. */
#define PICK_RECENT 300

struct pick_rows {
	char **v;
	int64_t *id;
	int n, cap;
};

static int rows_push(struct pick_rows *r, int64_t id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int rows_push(struct pick_rows *r, int64_t id, const char *fmt, ...)
{
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 64;
		char **v = realloc(r->v, (size_t)cap * sizeof *v);
		int64_t *ids = v ? realloc(r->id, (size_t)cap * sizeof *ids) : NULL;
		if (v)
			r->v = v;
		if (!ids)
			return 1;
		r->id = ids;
		r->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int ok = vasprintf(&s, fmt, ap) >= 0;
	va_end(ap);
	if (!ok)
		return 1;
	/* One row per entry: a summary's line breaks become spaces. */
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
	r->v[r->n] = s;
	r->id[r->n++] = id;
	return 0;
}

static void rows_free(struct pick_rows *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	free(r->id);
	memset(r, 0, sizeof *r);
}

static int row_of(const struct pick_rows *r, int64_t id)
{
	for (int i = 0; id && i < r->n; i++)
		if (r->id[i] == id)
			return i;
	return -1;
}

/* What the caller's done gets: the picked row's id, as text, for the same
 * core call a typed number went to. */
struct id_pick {
	int64_t *ids;
	int n;
	choose_done_cb done;
	void *ud;
};

static void id_picked(struct tui *t, void *ud, int index, const char *row)
{
	struct id_pick *p = ud;
	choose_done_cb done = p->done;
	void *cud = p->ud;
	char num[32];
	bool ok = row && index >= 0 && index < p->n;
	if (ok)
		snprintf(num, sizeof num, "%lld", (long long)p->ids[index]);
	free(p->ids);
	free(p);
	done(t, cud, ok ? index : -1, ok ? num : NULL);
}

/* The rows handed to the pick list; the ids stay with id_pick. */
static void choose_ids(struct tui *t, const char *title, struct pick_rows *r, int64_t start, choose_done_cb done, void *ud)
{
	struct id_pick *p = calloc(1, sizeof *p);
	if (!p) {
		rows_free(r);
		return;
	}
	struct choose_opts o = { .start = row_of(r, start) };
	p->ids = r->id;
	p->n = r->n;
	p->done = done;
	p->ud = ud;
	r->id = NULL;
	list_choose_opts(t, title, r->v, r->n, &o, id_picked, p);
	rows_free(r);
}

static int exposure_cb(const struct exposure *e, void *ud)
{
	return rows_push(ud, e->id, "#%lld %s", (long long)e->id, e->title);
}

void exposure_choose(struct tui *t, const char *title, int64_t start, choose_done_cb done, void *ud)
{
	struct pick_rows r = { 0 };
	struct zs_error err = { 0 };
	if (exposure_list(t->c, false, exposure_cb, &r, &err) && err.code) {
		tui_message(t, true, "%s", err.msg);
		rows_free(&r);
		return;
	}
	if (!r.n) {
		tui_message(t, true, "%s", TR("还没有曝光问题：先在总览按 e 登记一个", "no exposures yet: press e on the dashboard to stamp one"));
		rows_free(&r);
		return;
	}
	choose_ids(t, title, &r, start, done, ud);
}

struct recent {
	struct pick_rows r;
	int64_t skip;
};

static int intake_cb(const struct intake *i, void *ud)
{
	struct recent *rc = ud;
	if (i->id == rc->skip)
		return 0;
	char tm[32];
	return rows_push(&rc->r, i->id, "#%lld %s %s %s", (long long)i->id, time_format(i->received_at, TIME_SHORT, tm, sizeof tm),
			 *i->subject ? i->subject : "—", i->summary);
}

void intake_choose(struct tui *t, const char *title, int64_t skip, int64_t start, choose_done_cb done, void *ud)
{
	struct recent rc = { .skip = skip };
	struct zs_error err = { 0 };
	struct intake_filter f = { .limit = PICK_RECENT };
	if (intake_list(t->c, &f, intake_cb, &rc, &err) && err.code) {
		tui_message(t, true, "%s", err.msg);
		rows_free(&rc.r);
		return;
	}
	/* The item the form warned about, even when older than the list. */
	if (start && start != skip && row_of(&rc.r, start) < 0) {
		struct intake i = { 0 };
		if (!intake_read(t->c, start, &i, &err))
			intake_cb(&i, &rc);
		intake_clear(&i);
	}
	if (!rc.r.n) {
		tui_message(t, true, "%s", TR("没有别的登记可选", "no other intake to pick"));
		rows_free(&rc.r);
		return;
	}
	choose_ids(t, title, &rc.r, start, done, ud);
}

/* --- the people of the night ------------------------------------------- */

static int name_push(struct pick_rows *r, const char *name)
{
	if (!name || !*name)
		return 0;
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->v[i], name))
			return 0;
	return rows_push(r, 0, "%s", name);
}

static int member_cb(const struct member *m, void *ud)
{
	return name_push(ud, m->name);
}

static int roster_cb(const struct roster_entry *e, void *ud)
{
	return name_push(ud, e->name);
}

struct names_pick {
	prompt_done_cb done;
	void *ud;
};

static void names_picked(struct tui *t, void *ud, int index, const char *row)
{
	(void)index;
	struct names_pick np = *(struct names_pick *)ud;
	free(ud);
	np.done(t, np.ud, row);
}

void names_choose(struct tui *t, const char *title, prompt_done_cb done, void *ud)
{
	struct pick_rows r = { 0 };
	struct zs_error err = { 0 };
	struct names_pick *np = malloc(sizeof *np);
	if (!np)
		return;
	*np = (struct names_pick){ done, ud };
	char date[16], night[16];
	/* The night being handed over: signed in the evening it is tonight's
	 * roster, in the morning last night's (at 08:30 the roster of 15 March,
	 * not of the 16th); then today's if it differs, then the members not
	 * on them. */
	time_format(t->c->now - 12 * 3600, TIME_DATE, night, sizeof night);
	roster_list(t->c, night, 0, roster_cb, &r, &err);
	time_format(t->c->now - 6 * 3600, TIME_DATE, date, sizeof date);
	if (strcmp(date, night))
		roster_list(t->c, date, 0, roster_cb, &r, &err);
	member_list(t->c, member_cb, &r, &err);
	/* Someone on neither list is typed whole and taken as typed. */
	struct choose_opts o = { .start = -1, .multi = true, .sep = "、", .typed_ok = true };
	list_choose_opts(t, title, r.v, r.n, &o, names_picked, np);
	rows_free(&r);
}

/* --- the register's matches for a business typed ------------------------ */

void entity_matches_clear(struct entity_matches *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->name[i]);
		free(m->uscc[i]);
		free(m->row[i]);
	}
	m->n = 0;
	m->more = false;
	m->searched = false;
	m->typed[0] = '\0';
}

void entity_matches_recheck(struct tui *t, struct entity_matches *m)
{
	struct register_snapshot s;
	m->has_register = entity_register_latest(t->c, &s, NULL) == ZS_ENOTFOUND ? -1 : 1;
	register_snapshot_clear(&s);
}

static int match_cb(const struct entity *e, void *ud)
{
	struct entity_matches *m = ud;
	if (m->n >= ENTITY_PICK_MAX)
		return ZS_STOP;
	/* In columns, as the register page shows them. */
	char *row = NULL, name[160];
	text_fit_cols(e->name, 36, true, name, sizeof name);
	if (asprintf(&row, "%s  %-18s  %s  %s", name, e->uscc, e->state, *e->unit ? e->unit : "—") < 0)
		return ZS_STOP;
	m->name[m->n] = strdup(e->name);
	m->uscc[m->n] = strdup(e->uscc);
	m->row[m->n] = row;
	if (!m->name[m->n] || !m->uscc[m->n]) {
		free(m->name[m->n]);
		free(m->uscc[m->n]);
		free(row);
		return ZS_STOP;
	}
	m->n++;
	return 0;
}

static bool has_wide(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

void entity_matches_update(struct tui *t, struct entity_matches *m, const char *typed)
{
	if (!m->has_register)
		entity_matches_recheck(t, m);
	char *q = text_sanitize(typed, strlen(typed), 0);
	if (!q)
		return;
	text_trim(q);
	size_t old = strlen(m->typed);
	/* Still the answer: the same text, or a longer Chinese name after a
	 * shorter one found nothing (every word must appear, so more letters
	 * find nothing either).  A USCC's digits are searched each time: a
	 * fragment of two becomes a code's start at four. */
	bool same = m->searched && !strcmp(q, m->typed);
	bool still_none = m->searched && !m->n && old && !strncmp(q, m->typed, old) && has_wide(m->typed) && has_wide(q);
	if (same || still_none) {
		free(q);
		return;
	}
	entity_matches_clear(m);
	if (m->has_register > 0 && text_length(q) >= 2 && strlen(q) < sizeof m->typed) {
		struct entity_query eq = { .text = q, .limit = ENTITY_PICK_MAX };
		struct entity_search_result res;
		struct zs_error err = { 0 };
		if (!entity_search(t->c, &eq, match_cb, m, &res, &err)) {
			m->more = res.more;
			m->searched = true;
			snprintf(m->typed, sizeof m->typed, "%s", q);
		}
	}
	free(q);
}

void entity_choose(struct tui *t, const char *title, const struct entity_matches *m, choose_done_cb done, void *ud)
{
	if (!m->n) {
		tui_message(t, true, "%s", m->has_register < 0
			    ? TR("尚未导入市场主体登记册：管理员用 zhishou entity import 导入", "no market-entity register imported yet: an admin imports it with zhishou entity import")
			    : TR("登记册里没有匹配的：先在被投诉主体里打名称（两个字起）或信用代码的开头",
				 "nothing matches in the register: type a name (two characters or more) or a USCC's start in Business"));
		return;
	}
	struct choose_opts o = { .start = 0 };
	list_choose_opts(t, title, m->row, m->n, &o, done, ud);
}
