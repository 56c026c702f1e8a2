/* Verifying the audit chain. */
#include <stdio.h>
#include <string.h>

#include "zhishou/audit.h"
#include "zhishou/i18n.h"

struct walk {
	struct audit_verdict *v;
	int64_t prev_id;
	char prev_hash[65];
};

static int verify_cb(const struct audit_row *a, void *ud)
{
	struct walk *w = ud;
	w->v->rows++;
	char want[65];
	store_audit_hash(a, want);
	if (a->id != w->prev_id + 1) {
		snprintf(w->v->why, sizeof w->v->why,
			 TR("第 %lld 条之前缺少第 %lld 条（被删除）", "row %lld follows %lld: rows are missing"),
			 (long long)a->id, (long long)(w->prev_id + 1));
	} else if (strcmp(a->prev_hash, w->prev_hash)) {
		snprintf(w->v->why, sizeof w->v->why, TR("第 %lld 条与前一条的链接不符（顺序被改动或前一条被替换）",
							 "row %lld does not link to the row before it (reordered or replaced)"),
			 (long long)a->id);
	} else if (strcmp(a->hash, want)) {
		snprintf(w->v->why, sizeof w->v->why, TR("第 %lld 条的内容与其哈希不符（被修改）",
							 "row %lld does not match its hash (edited)"), (long long)a->id);
	} else {
		w->prev_id = a->id;
		snprintf(w->prev_hash, sizeof w->prev_hash, "%s", a->hash);
		return 0;
	}
	w->v->first_bad = a->id;
	return 1;
}

int audit_verify(struct zs_ctx *c, struct audit_verdict *v, struct zs_error *err)
{
	memset(v, 0, sizeof *v);
	struct walk w = { v, 0, "0000000000000000000000000000000000000000000000000000000000000000" };
	int r = store_audit_each(c->st, NULL, 0, 0, 0, verify_cb, &w, err);
	return r == 1 ? ZS_OK : r;
}
