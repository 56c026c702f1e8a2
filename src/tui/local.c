/* An exposure's local businesses in the console: the register's candidates
 * in the one pick list, those already confirmed marked; Tab marks, Enter
 * saves (the marked confirmed, the unmarked withdrawn) through core's
 * exposure_local_set, as `zhishou expose local ID --confirm` does.  And
 * 不涉及 (checked, nothing local) after a y/n question. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"
#include "zhishou/entity.h"
#include "zhishou/exposure.h"
#include "zhishou/i18n.h"

struct local_pick {
	int64_t id;
	char **uscc;        /* each row's code, in row order */
	bool *was;          /* confirmed when the list opened */
	int n;
	local_after_cb after;
	void *ud;
};

static void pick_free(struct local_pick *lp)
{
	for (int i = 0; i < lp->n; i++)
		free(lp->uscc[i]);
	free(lp->uscc);
	free(lp->was);
	free(lp);
}

/* Offered assist units, as one message's tail ("" when none). */
static void offer_text(struct tui *t, int64_t id, char *buf, size_t n)
{
	struct exposure_parties p;
	struct zs_error err = { 0 };
	*buf = '\0';
	if (exposure_parties_get(t->c, id, &p, &err))
		return;
	size_t len = 0;
	if (p.noffer)
		len = (size_t)snprintf(buf, n, "%s", TR("；管辖所可加为协办单位（按 A）：", "; their stations can assist (press A): "));
	for (size_t i = 0; p.noffer && i < p.noffer && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? TR("、", ", ") : "", p.offer[i]);
	exposure_parties_clear(&p);
}

static void saved(struct tui *t, int64_t id, size_t count)
{
	char offer[512];
	offer_text(t, id, offer, sizeof offer);
	if (count)
		tui_message(t, false, TR("已核实：本地涉及 %zu 户%s", "Settled: %zu local businesses%s"), count, offer);
	else
		tui_message(t, false, "%s", TR("已撤销确认：本地涉及改为待查", "Withdrawn: local involvement is unknown again"));
}

/* row: the marked rows joined by "\n" (or the highlighted one when none
 * was marked); each starts with its code. */
static void local_done(struct tui *t, void *ud, int index, const char *row)
{
	(void)index;
	struct local_pick *lp = ud;
	if (!row) {
		pick_free(lp);
		return;
	}
	bool *now = calloc((size_t)lp->n, sizeof *now);
	const char **confirm = calloc((size_t)lp->n, sizeof *confirm), **withdraw = calloc((size_t)lp->n, sizeof *withdraw);
	if (!now || !confirm || !withdraw) {
		tui_message(t, true, "%s", TR("内存不足", "out of memory"));
		goto out;
	}
	for (const char *p = row; *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		for (int i = 0; i < lp->n; i++) {
			size_t k = strlen(lp->uscc[i]);
			if (len > k && !strncmp(p, lp->uscc[i], k) && p[k] == ' ')
				now[i] = true;
		}
		p += len + (end ? 1 : 0);
	}
	struct exposure_local_change ch = { .confirm = confirm, .withdraw = withdraw };
	for (int i = 0; i < lp->n; i++) {
		if (now[i] && !lp->was[i])
			confirm[ch.nconfirm++] = lp->uscc[i];
		else if (!now[i] && lp->was[i])
			withdraw[ch.nwithdraw++] = lp->uscc[i];
	}
	if (!ch.nconfirm && !ch.nwithdraw) {
		tui_message(t, false, "%s", TR("未改动", "Unchanged"));
		goto out;
	}
	struct zs_error err = { 0 };
	size_t count = 0;
	if (exposure_local_set(t->c, lp->id, &ch, &count, &err))
		tui_message(t, true, "%s", err.msg);
	else
		saved(t, lp->id, count);
	if (lp->after)
		lp->after(t, lp->ud);
out:
	free(now);
	free(confirm);
	free(withdraw);
	pick_free(lp);
}

/* Why there is nothing to pick: no register, or it found nothing. */
static void nothing_found(struct tui *t)
{
	struct register_snapshot snap;
	struct zs_error err = { 0 };
	int r = entity_register_latest(t->c, &snap, &err);
	register_snapshot_clear(&snap);
	if (r == ZS_ENOTFOUND)
		tui_message(t, true, "%s", TR("尚未导入市场主体登记册：管理员用 zhishou entity import 导入",
					      "no market-entity register yet: an admin imports one with zhishou entity import"));
	else
		tui_message(t, false, "%s", TR("登记册中没有找到本地涉事主体：核实后按 N 定为不涉及",
					       "the register finds nothing local: once checked, press N for nothing local"));
}

void local_choose(struct tui *t, int64_t id, local_after_cb after, void *ud)
{
	struct exposure_parties p;
	struct zs_error err = { 0 };
	if (exposure_parties_get(t->c, id, &p, &err)) {
		tui_message(t, true, "%s", err.msg);
		return;
	}
	if (!p.n) {
		exposure_parties_clear(&p);
		nothing_found(t);
		return;
	}
	struct local_pick *lp = calloc(1, sizeof *lp);
	char **rows = calloc(p.n, sizeof *rows);
	if (lp) {
		lp->uscc = calloc(p.n, sizeof *lp->uscc);
		lp->was = calloc(p.n, sizeof *lp->was);
	}
	bool ok = lp && rows && lp->uscc && lp->was;
	for (size_t i = 0; ok && i < p.n; i++) {
		const struct exposure_party *x = &p.v[i];
		char by[256];
		if (*x->term)
			snprintf(by, sizeof by, x->by_company ? TR("企业：%s", "company: %s") : TR("关键词：%s", "keyword: %s"), x->term);
		else
			snprintf(by, sizeof by, "%s", TR("核实时加入", "added when checked"));
		ok = asprintf(&rows[i], "%s %s（%s）%s", x->uscc, x->name, x->unit, by) >= 0 && (lp->uscc[i] = strdup(x->uscc));
		if (!ok)
			rows[i] = NULL;
		lp->was[i] = x->confirmed;
		lp->n = (int)i + 1;
	}
	if (ok) {
		lp->id = id;
		lp->after = after;
		lp->ud = ud;
		struct choose_opts o = { .start = 0, .multi = true, .mark = lp->was, .sep = "\n" };
		char title[256];
		snprintf(title, sizeof title,
			 TR("#%lld 本地主体（候选 %zu 户）：Tab 勾选确认涉及的，Enter 保存，Esc 取消",
			    "#%lld local businesses (%zu found): Tab marks those involved, Enter saves, Esc cancels"),
			 (long long)id, p.candidates);
		list_choose_opts(t, title, rows, (int)p.n, &o, local_done, lp);
	} else {
		tui_message(t, true, "%s", TR("内存不足", "out of memory"));
		if (lp)
			pick_free(lp);
	}
	for (size_t i = 0; rows && i < p.n; i++)
		free(rows[i]);
	free(rows);
	exposure_parties_clear(&p);
}

struct none_ask {
	int64_t id;
	local_after_cb after;
	void *ud;
};

static void none_done(struct tui *t, void *ud, const char *answer)
{
	struct none_ask *a = ud;
	if (answer) {
		struct exposure_local_change ch = { .none = true };
		struct zs_error err = { 0 };
		if (exposure_local_set(t->c, a->id, &ch, NULL, &err))
			tui_message(t, true, "%s", err.msg);
		else
			tui_message(t, false, "%s", TR("已核实：本地不涉及（问题定为本地无涉）", "Settled: nothing local"));
		if (a->after)
			a->after(t, a->ud);
	}
	free(a);
}

void local_none(struct tui *t, int64_t id, local_after_cb after, void *ud)
{
	struct none_ask *a = calloc(1, sizeof *a);
	if (!a) {
		tui_message(t, true, "%s", TR("内存不足", "out of memory"));
		return;
	}
	*a = (struct none_ask){ id, after, ud };
	char q[256];
	snprintf(q, sizeof q,
		 TR("核实后本地不涉及 #%lld？已确认的主体将撤销，问题定为本地无涉 y/n ",
		    "Nothing local for #%lld? Confirmed businesses are withdrawn and it closes as nothing local. y/n "),
		 (long long)id);
	prompt_confirm(t, q, none_done, a);
}
