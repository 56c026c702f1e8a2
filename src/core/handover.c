/* Shift handovers: sign, accept. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/member.h"
#include "zhishou/fields.h"
#include "zhishou/handover.h"
#include "zhishou/i18n.h"
#include "zhishou/review.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

enum { HANDOVER_MAX_NAMES = 200, HANDOVER_MAX_NOTE = 2000 };

int handover_sign(struct zs_ctx *c, const char *names, const char *note, int64_t *id, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_OPERATOR, "交班签字", "signing a handover", err);
	if (rr_)
		return rr_;
	struct handover h = { .signed_at = c->now };
	int r = field_text(names, FIELD("值班人员", "names on duty"), HANDOVER_MAX_NAMES, false, true, &h.names, err);
	if (!r)
		r = field_text(note, FIELD("交班说明", "note"), HANDOVER_MAX_NOTE, true, false, &h.note, err);
	if (r) {
		handover_clear(&h);
		return r;
	}
	/* The snapshot is what the review shows at this moment: counts and
	 * the ids still open, so the morning can tell what moved since. */
	struct review rv;
	if ((r = review_build(c, &rv, err))) {
		handover_clear(&h);
		return r;
	}
	json_t *exps = json_array(), *overdue = json_array();
	for (size_t i = 0; i < rv.n; i++) {
		if (rv.items[i].exposure)
			json_array_append_new(exps, json_integer(rv.items[i].id));
		if (rv.items[i].overdue)
			json_array_append_new(overdue, json_pack("{s:s, s:I}", "type", rv.items[i].exposure ? "exposure" : "intake",
								 "id", (json_int_t)rv.items[i].id));
	}
	json_t *snap = json_pack("{s:I, s:I, s:I, s:o, s:o}", "open_intakes", (json_int_t)rv.intakes, "open_exposures",
				 (json_int_t)rv.exposures, "overdue_count", (json_int_t)rv.overdue, "exposures", exps,
				 "overdue", overdue);
	h.snapshot = json_dumps(snap, JSON_COMPACT);
	json_decref(snap);
	size_t n_int = rv.intakes, n_exp = rv.exposures;
	review_clear(&rv);
	if (!(r = store_begin(c->st, err))) {
		r = store_handover_insert(c->st, &h, err);
		if (!r) {
			json_t *a = json_pack("{s:s, s:s, s:I, s:I}", "names", h.names, "note", h.note, "open_intakes",
					      (json_int_t)n_int, "open_exposures", (json_int_t)n_exp);
			char *after = json_dumps(a, JSON_COMPACT);
			json_decref(a);
			r = store_audit(c->st, "handover", h.id, "sign", "", "", after, err);
			free(after);
		}
		if (!r) {
			/* Names of officers on duty and counts only: no caller data. */
			json_t *p = json_pack("{s:s, s:b, s:I, s:I}", "by", h.names, "note_given", *h.note != '\0',
					      "open_intakes", (json_int_t)n_int, "open_exposures", (json_int_t)n_exp);
			char *ps = json_dumps(p, JSON_COMPACT);
			json_decref(p);
			r = store_outbox_add(c->st, c->now, "handover_signed", 0, NULL, ps, NULL, err);
			free(ps);
		}
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	*id = h.id;
	handover_clear(&h);
	return r;
}

int handover_accept(struct zs_ctx *c, const char *names, const char *dispute, int64_t *id, struct zs_error *err)
{
	int rr_ = role_require(c, ROLE_OPERATOR, "接班确认", "accepting a handover", err);
	if (rr_)
		return rr_;
	char *n = NULL, *d = NULL;
	int r = field_text(names, FIELD("接班人员", "names taking over"), HANDOVER_MAX_NAMES, false, true, &n, err);
	if (!r)
		r = field_text(dispute, FIELD("异议", "disputed"), HANDOVER_MAX_NOTE, true, false, &d, err);
	if (!r && !(r = store_begin(c->st, err))) {
		struct handover h = { 0 };
		r = store_handover_last(c->st, &h, err);
		if (r == ZS_ENOTFOUND) {
			r = zs_fail(err, ZS_EINPUT, "%s", TR("还没有人签交接班（先 handover sign）", "nobody has signed a handover yet (handover sign first)"));
		} else if (!r && h.accepted_at) {
			char t[40];
			r = zs_fail(err, ZS_EINPUT, TR("最近一次交接（#%lld）已由 %s（%s）于 %s 接班确认", "the last handover (#%lld) was accepted by %s (%s) at %s"),
				    (long long)h.id, h.accept_names, h.accepted_by, time_format(h.accepted_at, TIME_FULL, t, sizeof t));
		} else if (!r && !strcmp(h.signed_by, store_user(c->st))) {
			/* Four eyes: the shift that hands over cannot also take over. */
			char t[40];
			r = zs_fail(err, ZS_EPERM,
				    TR("交接班 #%lld 是你（%s）于 %s 签的，不能自己接班确认；请接班的同事确认",
				       "handover #%lld was signed by you (%s) at %s: the incoming shift accepts it, not you"),
				    (long long)h.id, h.signed_by, time_format(h.signed_at, TIME_FULL, t, sizeof t));
		} else if (!r) {
			r = store_handover_accept(c->st, h.id, c->now, n, d, err);
			*id = h.id;
		}
		if (!r) {
			json_t *a = json_pack("{s:s, s:s}", "names", n, "dispute", d);
			char *after = json_dumps(a, JSON_COMPACT);
			json_decref(a);
			r = store_audit(c->st, "handover", h.id, "accept", "", "", after, err);
			free(after);
		}
		handover_clear(&h);
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	free(n);
	free(d);
	return r;
}

void handover_summary(const struct handover *h, char *buf, size_t n)
{
	char a[40], b[40];
	if (!h->id) {
		snprintf(buf, n, "%s", TR("交接班：还没有人签", "Handover: none signed yet"));
		return;
	}
	int k = snprintf(buf, n, TR("交接班 #%lld：%s 由 %s 签字", "Handover #%lld: %s signed by %s"), (long long)h->id,
			 time_format(h->signed_at, TIME_SHORT, a, sizeof a), h->names);
	if (k >= 0 && (size_t)k < n) {
		if (h->accepted_at)
			k += snprintf(buf + k, n - (size_t)k, TR("；%s 由 %s 接班确认", "; accepted %s by %s"),
				      time_format(h->accepted_at, TIME_SHORT, b, sizeof b), h->accept_names);
		else
			k += snprintf(buf + k, n - (size_t)k, "%s", TR("；尚未接班确认", "; not yet accepted"));
	}
	if (*h->dispute && k >= 0 && (size_t)k < n)
		snprintf(buf + k, n - (size_t)k, TR("；异议：%s", "; disputed: %s"), h->dispute);
}
