/* reads: the listings front ends show (reads.h).  Most are the store's
 * reads as they are; intakes pass through privacy, the audit through the
 * admin check. */
#include <stddef.h>

#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/platform.h"
#include "zhishou/privacy.h"
#include "zhishou/reads.h"
#include "zhishou/store.h"

/* The store ends a read that a callback stopped (ZS_STOP) with ZS_OK, and
 * passes any other result of a callback up as it was. */

struct private_rows {
	struct zs_ctx *c;
	intake_row_cb cb;
	void *ud;
	struct zs_error *err;
	bool pending_only;   /* not_on_platform: the rule decides (platform.h) */
	int left;            /* rows still wanted with pending_only (-1: all) */
};

static int private_row(const struct intake *i, void *ud)
{
	struct private_rows *p = ud;
	if (p->pending_only) {
		if (!platform_pending(i))
			return 0;
		if (p->left == 0)
			return ZS_STOP;
		if (p->left > 0)
			p->left--;
	}
	struct intake copy;
	if (!intake_copy(&copy, i))
		return zs_fail(p->err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	privacy_apply(p->c, &copy, PURPOSE_LIST);
	int r = p->cb(&copy, p->ud);
	intake_clear(&copy);
	return r;
}

int intake_list(struct zs_ctx *c, const struct intake_filter *f, intake_row_cb cb, void *ud, struct zs_error *err)
{
	struct private_rows p = { c, cb, ud, err, false, -1 };
	if (!f->not_on_platform)
		return store_intake_each(c->st, f, private_row, &p, err);
	/* The store's LIMIT would count rows the rule then drops. */
	struct intake_filter all = *f;
	all.limit = 0;
	p.pending_only = true;
	p.left = f->limit > 0 ? f->limit : -1;
	return store_intake_each(c->st, &all, private_row, &p, err);
}

int intake_read(struct zs_ctx *c, int64_t id, struct intake *out, struct zs_error *err)
{
	int r = store_intake_get(c->st, id, out, err);
	if (r == ZS_ENOTFOUND)
		return zs_fail(err, ZS_ENOTFOUND, TR("没有编号为 %lld 的登记", "no intake with id %lld"), (long long)id);
	if (!r)
		privacy_apply(c, out, PURPOSE_LIST);
	return r;
}

int exposure_list(struct zs_ctx *c, bool open_only, exposure_row_cb cb, void *ud, struct zs_error *err)
{
	return store_exposure_each(c->st, open_only, NULL, cb, ud, err);
}

int roster_list(struct zs_ctx *c, const char *date, int64_t at, roster_row_cb cb, void *ud, struct zs_error *err)
{
	return store_roster_each(c->st, date, at, cb, ud, err);
}

int unit_list(struct zs_ctx *c, unit_row_cb cb, void *ud, struct zs_error *err)
{
	return store_unit_each(c->st, cb, ud, err);
}

int gala_list(struct zs_ctx *c, gala_row_cb cb, void *ud, struct zs_error *err)
{
	return store_gala_each(c->st, cb, ud, err);
}

int member_list(struct zs_ctx *c, member_row_cb cb, void *ud, struct zs_error *err)
{
	return store_member_each(c->st, cb, ud, err);
}

int handover_list(struct zs_ctx *c, int limit, handover_row_cb cb, void *ud, struct zs_error *err)
{
	return store_handover_each(c->st, limit, cb, ud, err);
}

int audit_list(struct zs_ctx *c, const char *entity, int64_t entity_id, int64_t after_id, int limit,
	       audit_row_cb cb, void *ud, struct zs_error *err)
{
	if (role_require(c, ROLE_ADMIN, "查看审计记录（含来电人信息）", "reading the audit (it holds callers' data)", err))
		return err->code;
	return store_audit_each(c->st, entity, entity_id, after_id, limit, cb, ud, err);
}

int delivery_list(struct zs_ctx *c, bool failed_only, int64_t before_id, int limit, delivery_row_cb cb, void *ud,
		  struct zs_error *err)
{
	return store_delivery_each(c->st, failed_only, before_id, limit, cb, ud, err);
}

int64_t delivery_count(struct zs_ctx *c, const char *state)
{
	return store_delivery_count(c->st, state);
}

int quarantine_list(struct zs_ctx *c, const char *feed, int64_t before_id, int limit, quarantine_row_cb cb, void *ud,
		    struct zs_error *err)
{
	return store_quarantine_each(c->st, feed, before_id, limit, cb, ud, err);
}

int64_t quarantine_count(struct zs_ctx *c)
{
	return store_quarantine_count(c->st);
}

int report_value_list(struct zs_ctx *c, const char *tmpl, int year, report_value_cb cb, void *ud, struct zs_error *err)
{
	return store_report_value_each(c->st, tmpl, year, cb, ud, err);
}

int64_t db_data_version(struct zs_ctx *c)
{
	return store_data_version(c->st);
}

bool db_lost(struct zs_ctx *c)
{
	return store_lost(c->st);
}

int db_watch_fd(struct zs_ctx *c)
{
	return store_watch_fd(c->st);
}

int64_t db_local_changes(struct zs_ctx *c)
{
	return store_local_changes(c->st);
}

bool db_file_gone(struct zs_ctx *c)
{
	return store_file_gone(c->st);
}

const char *db_path(struct zs_ctx *c)
{
	return store_path(c->st);
}
