/* platform: what must be entered into the 12315 platform, the number it
 * got there, and the night's backlog by desk (platform.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/i18n.h"
#include "zhishou/platform.h"
#include "zhishou/store.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

enum { TITLE_COLS = 40 };

const char *platform_exempt(const struct intake *i)
{
	if (!strcmp(i->channel, "12315-platform"))
		return TR("来自12315平台", "came from the 12315 platform");   /* it is there already */
	if (i->duplicate_of)
		return TR("重复件", "a duplicate");   /* its original is what gets entered */
	/* An inquiry answered on the spot (closed, handled directly) is not a
	 * complaint or tip the platform tracks. */
	if (!strcmp(i->kind, "inquiry") && !strcmp(i->status, "closed") && !strcmp(i->handling, "direct"))
		return TR("当场答复的咨询", "an inquiry answered on the spot");
	return NULL;
}

bool platform_required(const struct intake *i)
{
	return !platform_exempt(i);
}

bool platform_pending(const struct intake *i)
{
	return platform_required(i) && !(i->platform_no && *i->platform_no);
}

const char *platform_line(const struct intake *i, const char *by, char *buf, size_t n)
{
	char t[40];
	if (i->platform_no && *i->platform_no)
		snprintf(buf, n, TR("%s（%s %s 录入）", "%s (entered by %s at %s)"), i->platform_no,
			 by ? by : i->platform_by, time_format(i->platform_at, TIME_SHORT, t, sizeof t));
	else if (platform_exempt(i))
		snprintf(buf, n, TR("无需录入（%s）", "not to be entered (%s)"), platform_exempt(i));
	else
		snprintf(buf, n, "%s", TR("未录入", "not yet entered"));
	return buf;
}

int platform_no_parse(const char *typed, char *out, size_t n, struct zs_error *err)
{
	const char *s = typed ? typed : "";
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!len)
		return zs_fail(err, ZS_EINPUT, "%s", TR("12315平台编号是空的：给出平台上的投诉举报编号，如 1201012026031500123",
							 "the 12315 platform number is empty: give the item's number on the platform, "
							 "e.g. 1201012026031500123"));
	if (len < PLATFORM_NO_MIN || len > PLATFORM_NO_MAX || len >= n)
		return zs_fail(err, ZS_EINPUT, TR("12315平台编号应为 %d 到 %d 位字母或数字，如 1201012026031500123",
						  "a 12315 platform number has %d to %d letters or digits, e.g. 1201012026031500123"),
			       PLATFORM_NO_MIN, PLATFORM_NO_MAX);
	for (size_t k = 0; k < len; k++) {
		char ch = s[k];
		bool ok = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '-';
		if (!ok)
			return zs_fail(err, ZS_EINPUT, "%s", TR("12315平台编号只能有字母、数字和 -（半角），如 1201012026031500123",
								 "a 12315 platform number has only letters, digits and '-', "
								 "e.g. 1201012026031500123"));
		out[k] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
	}
	out[len] = '\0';
	return ZS_OK;
}

int platform_set(struct zs_ctx *c, struct intake *i, const char *typed, struct zs_error *err)
{
	char no[PLATFORM_NO_MAX + 1];
	int r = platform_no_parse(typed, no, sizeof no, err);
	if (r)
		return r;
	if (!strcmp(i->platform_no, no))
		return ZS_OK;   /* the same number again: nothing to record */
	int64_t other = 0;
	if ((r = store_intake_by_platform_no(c->st, no, &other, err)))
		return r;
	if (other && other != i->id)
		return zs_fail(err, ZS_EINPUT, TR("12315平台编号 %s 已登记在 #%lld 上，不能再给 #%lld（核对编号；zhishou log show %lld）",
						  "12315 platform number %s is already on #%lld, not also #%lld (check the number; "
						  "zhishou log show %lld)"),
			       no, (long long)other, (long long)i->id, (long long)other);
	char *copy = strdup(no), *by = strdup(store_user(c->st));
	if (!copy || !by) {
		free(copy);
		free(by);
		return zs_fail(err, ZS_EFAIL, "out of memory");
	}
	free(i->platform_no);
	free(i->platform_by);
	i->platform_no = copy;
	i->platform_by = by;
	i->platform_at = c->now;
	return ZS_OK;
}

/* ---- the backlog ---- */

struct desks {
	struct member *m;
	size_t n, cap;
};

static int desk_cb(const struct member *m, void *ud)
{
	struct desks *d = ud;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct member *p = realloc(d->m, cap * sizeof *p);
		if (!p)
			return ZS_EFAIL;
		d->m = p;
		d->cap = cap;
	}
	struct member *x = &d->m[d->n];
	memset(x, 0, sizeof *x);
	x->unix_user = strdup(m->unix_user ? m->unix_user : "");
	x->name = strdup(m->name ? m->name : "");
	x->unit = strdup(m->unit ? m->unit : "");
	d->n++;
	return x->unix_user && x->name && x->unit ? 0 : ZS_EFAIL;
}

/* The desk that took it: the member's unit, else the member's name, else
 * the login as recorded. */
static const char *desk_of(const struct desks *d, const char *login)
{
	for (size_t k = 0; k < d->n; k++) {
		if (strcmp(d->m[k].unix_user, login))
			continue;
		if (*d->m[k].unit)
			return d->m[k].unit;
		if (*d->m[k].name)
			return d->m[k].name;
		break;
	}
	return login;
}

struct backlog_build {
	struct platform_backlog *b;
	const struct desks *d;
	size_t cap;
};

static char *short_title(const struct intake *i)
{
	const char *src = *i->subject ? i->subject : i->summary;
	char *t = text_sanitize(src, strlen(src), 0);
	if (!t)
		return NULL;
	char buf[256];
	text_fit_cols(t, TITLE_COLS, false, buf, sizeof buf);
	free(t);
	return strdup(buf);
}

static int backlog_cb(const struct intake *i, void *ud)
{
	struct backlog_build *bb = ud;
	if (!platform_pending(i))
		return 0;
	struct platform_backlog *b = bb->b;
	if (b->n == bb->cap) {
		size_t cap = bb->cap ? bb->cap * 2 : 32;
		struct platform_item *p = realloc(b->items, cap * sizeof *p);
		if (!p)
			return ZS_EFAIL;
		b->items = p;
		bb->cap = cap;
	}
	struct platform_item *it = &b->items[b->n++];
	memset(it, 0, sizeof *it);
	it->id = i->id;
	it->received_at = i->received_at;
	it->desk = strdup(desk_of(bb->d, i->created_by));
	it->kind = strdup(i->kind);
	it->channel = strdup(i->channel);
	it->title = short_title(i);
	return it->desk && it->kind && it->channel && it->title ? 0 : ZS_EFAIL;
}

static int cmp_item(const void *pa, const void *pb)
{
	const struct platform_item *a = pa, *b = pb;
	int s = strcmp(a->desk, b->desk);
	return s ? s : a->id < b->id ? -1 : a->id > b->id;
}

int platform_backlog_build(struct zs_ctx *c, int64_t since, struct platform_backlog *out, struct zs_error *err)
{
	memset(out, 0, sizeof *out);
	struct desks d = { 0 };
	int r = store_member_each(c->st, desk_cb, &d, err);
	struct backlog_build bb = { .b = out, .d = &d };
	struct intake_filter f = { .since = since, .not_on_platform = true };
	if (!r)
		r = store_intake_each(c->st, &f, backlog_cb, &bb, err);
	for (size_t k = 0; k < d.n; k++)
		member_clear(&d.m[k]);
	free(d.m);
	if (r) {
		platform_backlog_clear(out);
		return r == ZS_EFAIL && !err->code ? zs_fail(err, ZS_EFAIL, "out of memory") : r;
	}
	if (out->n > 1)
		qsort(out->items, out->n, sizeof *out->items, cmp_item);
	for (size_t k = 0; k < out->n; k++)
		out->desks += k == 0 || strcmp(out->items[k].desk, out->items[k - 1].desk);
	return ZS_OK;
}

void platform_backlog_clear(struct platform_backlog *b)
{
	for (size_t k = 0; k < b->n; k++) {
		free(b->items[k].desk);
		free(b->items[k].kind);
		free(b->items[k].channel);
		free(b->items[k].title);
	}
	free(b->items);
	memset(b, 0, sizeof *b);
}
