/* pick: a unit from what was typed (pick.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/i18n.h"
#include "zhishou/pick.h"
#include "zhishou/pinyin.h"
#include "zhishou/store.h"
#include "zhishou/text.h"

struct collect {
	const char *typed;
	struct unit_choices *out;
	bool failed;
};

static int collect_cb(const struct unit *u, void *ud)
{
	struct collect *k = ud;
	struct unit_choices *o = k->out;
	int rank = pick_match(u->name, k->typed);
	if (!rank)
		return 0;
	o->total++;
	/* Keep the best PICK_MAX: insert in rank order, stable for ties. */
	int at = o->n;
	while (at > 0 && o->rank[at - 1] < rank)
		at--;
	if (at >= PICK_MAX)
		return 0;
	if (o->n == PICK_MAX) {
		unit_clear(&o->units[PICK_MAX - 1]);
		o->n--;
	}
	memmove(&o->units[at + 1], &o->units[at], (size_t)(o->n - at) * sizeof *o->units);
	memmove(&o->rank[at + 1], &o->rank[at], (size_t)(o->n - at) * sizeof *o->rank);
	struct unit *dst = &o->units[at];
	memset(dst, 0, sizeof *dst);
	dst->id = u->id;
	dst->name = strdup(u->name);
	dst->kind = strdup(u->kind ? u->kind : "");
	if (!dst->name || !dst->kind) {
		k->failed = true;
		return ZS_EFAIL;
	}
	o->rank[at] = rank;
	o->n++;
	return 0;
}

int pick_units(struct zs_ctx *c, const char *typed, struct unit_choices *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	struct collect k = { typed, out, false };
	int r = store_unit_each(c->st, collect_cb, &k, err);
	if (k.failed)
		r = zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	if (r)
		unit_choices_clear(out);
	return r;
}

void unit_choices_clear(struct unit_choices *u)
{
	for (int i = 0; i < u->n; i++)
		unit_clear(&u->units[i]);
	u->n = u->total = 0;
}

int pick_unit(struct zs_ctx *c, const char *typed, const char *what, int64_t *id, char **name,
	      struct zs_error *err)
{
	char *t = strdup(typed ? typed : "");
	if (!t)
		return zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	text_trim(t);
	struct unit_choices u;
	int r = *t ? pick_units(c, t, &u, err)
		   : zs_fail(err, ZS_EINPUT, TR("%s不能为空", "%s is empty"), what);
	if (r) {
		free(t);
		return r;
	}
	/* The whole name wins over any part of a longer one. */
	int only = u.n > 0 && u.rank[0] == 5 ? 0 : u.total == 1 ? 0 : -1;
	if (only == 0) {
		*id = u.units[0].id;
		if (name)
			*name = strdup(u.units[0].name);
	} else if (u.total == 0) {
		r = zs_fail(err, ZS_EINPUT, TR("%s：没有单位名称是、含有或拼音首字母是「%s」（zhishou unit list 列出全部单位）",
					       "%s: no unit is named, contains or has the initials \"%s\" (zhishou unit list lists them)"),
			    what, t);
	} else {
		char list[512] = "";
		size_t l = 0;
		for (int i = 0; i < u.n && i < 8 && l < sizeof list - 80; i++)
			l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", i ? TR("、", ", ") : "", u.units[i].name);
		r = zs_fail(err, ZS_EINPUT, TR("%s：「%s」对应 %d 个单位：%s%s；写全名或多写几个字",
					       "%s: \"%s\" matches %d units: %s%s; type more of the name"),
			    what, t, u.total, list, u.total > 8 ? TR("……", "...") : "");
	}
	unit_choices_clear(&u);
	free(t);
	return r;
}
