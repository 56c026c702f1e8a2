/* An exposure's local involvement: the register's candidates, and what
 * the credit desk confirms is really here (issue 13). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/alert.h"
#include "zhishou/codes.h"
#include "zhishou/entity.h"
#include "zhishou/exposure.h"
#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/store.h"
#include "zhishou/store_entity.h"
#include "zhishou/store_local.h"
#include "zhishou/text.h"
#include "zhishou/validate.h"

const char *exposure_local_text(const struct exposure *e, bool brief, char *buf, size_t n)
{
	const char *local = e->local ? e->local : "unknown";
	if (!strcmp(local, "yes") && e->local_count > 0) {
		if (brief)
			snprintf(buf, n, TR("涉及%lld户", "yes: %lld"), (long long)e->local_count);
		else
			snprintf(buf, n, TR("涉及（%lld 户）", "yes (%lld businesses)"), (long long)e->local_count);
	} else {
		snprintf(buf, n, "%s", vocab_label(&vocab_local, local));
	}
	return buf;
}

/* ---- matching ---- */

int exposure_local_match(struct zs_ctx *c, int64_t id, size_t *found, struct zs_error *err)
{
	struct register_snapshot snap = { 0 };
	int r = store_register_latest(c->st, &snap, err);
	register_snapshot_clear(&snap);
	struct entity_locals l = { 0 };
	if (r == ZS_ENOTFOUND) {
		/* No register yet: nothing to find (and the error is not one). */
		memset(err, 0, sizeof *err);
		r = ZS_OK;
	} else if (!r) {
		r = entity_local_find(c, id, &l, err);
	}
	if (!r)
		r = store_exposure_candidates_set(c->st, id, &l, err);
	if (!r && found)
		*found = l.n;
	entity_locals_clear(&l);
	return r;
}

struct ids {
	int64_t *v;
	size_t n;
	bool oom;
};

static int id_cb(const struct exposure *e, void *ud)
{
	struct ids *ids = ud;
	int64_t *v = realloc(ids->v, (ids->n + 1) * sizeof *v);
	if (!v) {
		ids->oom = true;
		return ZS_STOP;
	}
	ids->v = v;
	ids->v[ids->n++] = e->id;
	return 0;
}

int exposure_local_rematch(struct zs_ctx *c, struct zs_error *err)
{
	/* The ids first: the matching writes while a statement reading the
	 * exposures would still be open. */
	struct ids ids = { 0 };
	int r = store_exposure_each(c->st, true, NULL, id_cb, &ids, err);
	if (!r && ids.oom)
		r = zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	for (size_t i = 0; !r && i < ids.n; i++)
		r = exposure_local_match(c, ids.v[i], NULL, err);
	free(ids.v);
	return r;
}

/* ---- reading ---- */

struct gather {
	struct exposure_parties *out;
	bool oom;
};

static int party_cb(const struct exposure_party *p, void *ud)
{
	struct gather *g = ud;
	struct exposure_party *v = realloc(g->out->v, (g->out->n + 1) * sizeof *v);
	if (!v) {
		g->oom = true;
		return ZS_STOP;
	}
	g->out->v = v;
	struct exposure_party *x = &v[g->out->n];
	*x = *p;
	x->uscc = strdup(p->uscc);
	x->name = strdup(p->name);
	x->unit = strdup(p->unit);
	x->address = strdup(p->address);
	x->term = strdup(p->term);
	x->confirmed_by = strdup(p->confirmed_by);
	g->out->n++;
	if (!x->uscc || !x->name || !x->unit || !x->address || !x->term || !x->confirmed_by) {
		g->oom = true;
		return ZS_STOP;
	}
	return 0;
}

/* Is name one of the ';'-separated names in list? */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list ? list : ""; *p;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (end ? 1 : 0);
	}
	return false;
}

static int offer_units(struct exposure_parties *out)
{
	for (size_t i = 0; i < out->n; i++) {
		const struct exposure_party *p = &out->v[i];
		if (!p->confirmed || !p->unit_id || p->unit_id == out->e.lead_unit_id ||
		    in_list(out->e.assist_units, p->unit))
			continue;
		bool seen = false;
		for (size_t k = 0; k < out->noffer && !seen; k++)
			seen = !strcmp(out->offer[k], p->unit);
		if (seen)
			continue;
		char **v = realloc(out->offer, (out->noffer + 1) * sizeof *v);
		if (!v)
			return ZS_EFAIL;
		out->offer = v;
		if (!(v[out->noffer] = strdup(p->unit)))
			return ZS_EFAIL;
		out->noffer++;
	}
	return ZS_OK;
}

/* Inside the caller's transaction. */
static int parties_read(struct zs_ctx *c, int64_t id, struct exposure_parties *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	int r = store_exposure_get(c->st, id, &out->e, err);
	if (r == ZS_ENOTFOUND)
		return zs_fail(err, ZS_ENOTFOUND, TR("没有编号为 %lld 的曝光问题", "no exposure with id %lld"), (long long)id);
	if (r)
		return r;
	struct gather g = { .out = out };
	r = store_exposure_party_each(c->st, id, party_cb, &g, err);
	if (!r && (g.oom || offer_units(out)))
		r = zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	for (size_t i = 0; !r && i < out->n; i++) {
		const struct exposure_party *p = &out->v[i];
		out->candidates += p->candidate;
		out->confirmed += p->confirmed;
		bool new_unit = true;
		for (size_t k = 0; k < i && new_unit; k++)
			new_unit = !out->v[k].candidate || strcmp(out->v[k].unit, p->unit);
		out->units += p->candidate && new_unit;
	}
	return r;
}

int exposure_parties_get(struct zs_ctx *c, int64_t id, struct exposure_parties *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	int r = store_read_begin(c->st, err);
	if (r)
		return r;
	r = parties_read(c, id, out, err);
	store_read_end(c->st);
	if (r)
		exposure_parties_clear(out);
	return r;
}

void exposure_parties_clear(struct exposure_parties *p)
{
	exposure_clear(&p->e);
	for (size_t i = 0; i < p->n; i++)
		exposure_party_clear(&p->v[i]);
	free(p->v);
	for (size_t i = 0; i < p->noffer; i++)
		free(p->offer[i]);
	free(p->offer);
	memset(p, 0, sizeof *p);
}

/* ---- confirming ---- */

static const struct exposure_party *confirmed_one(const struct exposure_parties *p, const char *uscc)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].confirmed && !strcmp(p->v[i].uscc, uscc))
			return &p->v[i];
	return NULL;
}

static int normalized(const char *in, char *out, size_t n, struct zs_error *err)
{
	uscc_normalize(in ? in : "", out, n);
	if (!*out)
		return zs_fail(err, ZS_EINPUT, "%s", TR("统一社会信用代码是空的", "a USCC is empty"));
	return ZS_OK;
}

/* The audit's and the robots' view: state, count, and the names. */
static json_t *local_state(const struct exposure *e, struct exposure_parties *p)
{
	json_t *names = json_array();
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].confirmed)
			json_array_append_new(names, json_pack("{s:s, s:s}", "uscc", p->v[i].uscc, "name", p->v[i].name));
	return json_pack("{s:s, s:I, s:o}", "local", e->local, "local_count", (json_int_t)e->local_count, "entities",
			 names);
}

/* The businesses' names for the robots: at most 10, then "等". */
static char *names_text(const struct exposure_parties *p)
{
	char *buf = NULL;
	size_t len = 0, k = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (size_t i = 0; i < p->n; i++) {
		if (!p->v[i].confirmed)
			continue;
		if (k == 10) {
			fputs("等", f);
			break;
		}
		fprintf(f, "%s%s", k++ ? "、" : "", p->v[i].name);
	}
	fclose(f);
	return buf;
}

static int check_change(const struct exposure_local_change *ch, struct zs_error *err)
{
	if (ch->none && (ch->nconfirm || ch->nwithdraw))
		return zs_fail(err, ZS_EINPUT, "%s",
			       TR("“不涉及”（--none）不能和确认或撤销某户同时给出",
				  "--none (nothing local) cannot go with confirming or withdrawing a business"));
	if (!ch->none && !ch->nconfirm && !ch->nwithdraw)
		return zs_fail(err, ZS_EINPUT, "%s",
			       TR("没有要核实的内容：给出 --confirm 统一社会信用代码…、--withdraw 代码… 或 --none",
				  "nothing to settle: give --confirm USCC…, --withdraw USCC… or --none"));
	return ZS_OK;
}

static int apply_codes(struct zs_ctx *c, int64_t id, const struct exposure_parties *before,
		       const struct exposure_local_change *ch, size_t *changes, struct zs_error *err)
{
	char code[64];
	int r = ZS_OK;
	for (size_t i = 0; !r && i < ch->nconfirm; i++) {
		if ((r = normalized(ch->confirm[i], code, sizeof code, err)))
			break;
		if (confirmed_one(before, code))
			continue;
		struct entity e;
		r = store_entity_get(c->st, code, &e, err);
		if (r == ZS_ENOTFOUND)
			r = zs_fail(err, ZS_EINPUT,
				    TR("登记册里没有代码为 %s 的市场主体，无法确认为本地涉及（zhishou entity search 按名称查代码）",
				       "no entity with code %s in the register to confirm (zhishou entity search finds codes by name)"),
				    code);
		if (!r) {
			r = store_exposure_local_add(c->st, id, &e, c->now, err);
			++*changes;
		}
		entity_clear(&e);
	}
	for (size_t i = 0; !r && i < ch->nwithdraw; i++) {
		if ((r = normalized(ch->withdraw[i], code, sizeof code, err)))
			break;
		if (!confirmed_one(before, code))
			r = zs_fail(err, ZS_EINPUT,
				    TR("%s 没有被确认为本地涉及，无可撤销", "%s is not confirmed as local: nothing to withdraw"), code);
		else if (!(r = store_exposure_local_remove(c->st, id, code, err)))
			++*changes;
	}
	if (!r && ch->none && before->confirmed) {
		r = store_exposure_local_remove(c->st, id, NULL, err);
		*changes += before->confirmed;
	}
	return r;
}

/* local, local_count, status, who and when, from what is confirmed now. */
static void settle(struct zs_ctx *c, struct exposure *a, const struct exposure *b, size_t count,
		   const struct exposure_local_change *ch)
{
	const char *local = count ? "yes" : ch->none ? "no" : !strcmp(b->local, "yes") && b->local_count ? "unknown"
												   : b->local;
	free(a->local);
	a->local = strdup(local);
	a->local_count = (int64_t)count;
	free(a->local_by);
	a->local_by = strdup(store_user(c->st));
	a->local_at = a->updated_at = c->now;
	/* Nothing local closes the problem, as setting 不涉及 by hand does; a
	 * business found after all reopens it for checking. */
	const char *status = NULL;
	if (ch->none && !exposure_status_is_closed(a->status))
		status = "no-local";
	else if (count && !strcmp(a->status, "no-local"))
		status = "checking";
	if (status) {
		free(a->status);
		a->status = strdup(status);
	}
}

int exposure_local_set(struct zs_ctx *c, int64_t id, const struct exposure_local_change *ch, size_t *count,
		       struct zs_error *err)
{
	int r = role_require(c, ROLE_OPERATOR, "核实本地涉及", "settling local involvement", err);
	if (r || (r = check_change(ch, err)))
		return r;
	if ((r = store_begin(c->st, err)))
		return r;
	struct exposure_parties before, after;
	memset(&after, 0, sizeof after);
	size_t changes = 0;
	r = parties_read(c, id, &before, err);
	if (!r)
		r = apply_codes(c, id, &before, ch, &changes, err);
	if (!r)
		r = parties_read(c, id, &after, err);
	if (!r) {
		settle(c, &after.e, &before.e, after.confirmed, ch);
		if (!after.e.local || !after.e.local_by || !after.e.status)
			r = zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	}
	if (!r && !changes && !strcmp(after.e.local, before.e.local))
		r = zs_fail(err, ZS_EINPUT, "%s",
			    ch->none ? TR("已经核实为本地不涉及，没有变化", "already settled as nothing local: nothing changed")
				     : TR("这些主体已经确认过，本地涉及没有变化", "those businesses are already confirmed: nothing changed"));
	if (!r)
		r = store_exposure_update(c->st, &after.e, err);
	if (!r) {
		json_t *jb = local_state(&before.e, &before), *ja = local_state(&after.e, &after);
		char *sb = json_dumps(jb, JSON_COMPACT), *sa = json_dumps(ja, JSON_COMPACT);
		r = store_audit(c->st, "exposure", id, "local", "local,local_count", sb ? sb : "", sa ? sa : "", err);
		free(sb);
		free(sa);
		json_decref(jb);
		json_decref(ja);
	}
	if (!r) {
		char *names = names_text(&after);
		r = alert_exposure_local(c, &after.e, names ? names : "", err);
		free(names);
	}
	if (!r)
		r = alert_exposure_changed(c, &before.e, &after.e, err);
	if (!r)
		r = store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	else if (count)
		*count = after.confirmed;
	exposure_parties_clear(&before);
	exposure_parties_clear(&after);
	return r;
}
