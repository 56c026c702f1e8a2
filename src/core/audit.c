/* Verifying the audit chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/audit.h"
#include "zhishou/store.h"
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
	return ZS_STOP;   /* the first bad row is the verdict: not a failure */
}

int audit_verify(struct zs_ctx *c, struct audit_verdict *v, struct zs_error *err)
{
	memset(v, 0, sizeof *v);
	struct walk w = { v, 0, "0000000000000000000000000000000000000000000000000000000000000000" };
	/* A damaged file can hide rows from the walk: check the file first. */
	char why[200];
	int r = store_quick_check(c->st, why, sizeof why, err);
	if (r)
		return r;
	if (why[0]) {
		v->first_bad = -1;
		snprintf(v->why, sizeof v->why, TR("数据库文件已损坏：%s", "the database file is damaged: %s"), why);
		return ZS_OK;
	}
	/* The walk and the anchor of one moment: a row committed between the
	 * two would otherwise read as "the end was cut off". */
	r = store_read_begin(c->st, err);
	if (r)
		return r;
	r = store_audit_each(c->st, NULL, 0, 0, 0, verify_cb, &w, err);
	char *head = r || v->first_bad ? NULL : store_setting_get(c->st, AUDIT_HEAD_KEY);
	store_read_end(c->st);
	if (r || v->first_bad)
		return r;
	/* Whole inside; now its end must be where the anchor says. */
	char want[96] = "";
	if (w.prev_id)
		snprintf(want, sizeof want, "%lld %s", (long long)w.prev_id, w.prev_hash);
	if ((head || w.prev_id) && (!head || strcmp(head, want))) {
		long long hid = head ? strtoll(head, NULL, 10) : 0;
		v->first_bad = w.prev_id + 1 > hid ? w.prev_id : w.prev_id + 1;
		if (!head)
			snprintf(v->why, sizeof v->why, "%s", TR("审计链的末端锚点不见了", "the audit chain's head anchor is missing"));
		else if (hid > w.prev_id)
			snprintf(v->why, sizeof v->why, TR("审计链末尾被截掉：第 %lld 条起缺失（应到第 %lld 条）",
							   "the end of the chain was cut off: rows from %lld are missing (it should reach %lld)"),
				 (long long)w.prev_id + 1, hid);
		else
			snprintf(v->why, sizeof v->why, TR("最后一条（第 %lld 条）与末端锚点（第 %lld 条）不符",
							   "the last row (%lld) does not match the head anchor (%lld)"),
				 (long long)w.prev_id, hid);
	}
	free(head);
	return ZS_OK;
}
