/* caller: a caller's earlier intakes (caller.h). */
#include <stdio.h>
#include <string.h>

#include "zhishou/caller.h"
#include "zhishou/privacy.h"
#include "zhishou/reads.h"
#include "zhishou/text.h"
#include "zhishou/validate.h"

struct history_walk {
	struct zs_ctx *c;
	struct caller_history *out;
};

static int history_cb(const struct intake *i, void *ud)
{
	struct history_walk *w = ud;
	if (!privacy_caller_known(w->c, i))
		return 0;
	struct caller_history *h = w->out;
	if (!h->count++) {   /* newest first: the first one seen is the last call */
		h->last_id = i->id;
		h->last_at = i->received_at;
		snprintf(h->last_status, sizeof h->last_status, "%s", i->status);
		const char *what = i->subject && *i->subject ? i->subject : i->summary ? i->summary : "";
		text_fit_cols(what, 40, false, h->last_subject, sizeof h->last_subject);
	}
	return h->count >= CALLER_HISTORY_MAX ? ZS_STOP : 0;
}

int caller_history(struct zs_ctx *c, const char *phone, struct caller_history *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	char norm[64];
	if (!phone || !phone_normalize(phone, norm, sizeof norm) || !phone_is_valid(norm))
		return ZS_OK;
	struct intake_filter f = { .phone = norm, .until = c->now + 1 };
	struct history_walk w = { c, out };
	int r = intake_list(c, &f, history_cb, &w, err);
	return r == ZS_STOP ? ZS_OK : r;
}
