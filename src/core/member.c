/* Members and roles. */
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/pick.h"
#include "zhishou/member.h"
#include "zhishou/store.h"

static const struct {
	const char *code, *zh, *en;
} roles[] = {
	{ "", "非成员", "not a member" },
	{ "operator", "值班员", "operator" },
	{ "leader", "带班领导", "leader" },
	{ "admin", "管理员", "admin" },
};

bool role_parse(const char *s, enum role *r)
{
	for (int i = ROLE_OPERATOR; i <= ROLE_ADMIN; i++)
		if (s && (!strcmp(s, roles[i].code) || !strcmp(s, roles[i].zh))) {
			*r = (enum role)i;
			return true;
		}
	return false;
}

const char *role_code(enum role r) { return roles[r].code; }
const char *role_label(enum role r) { return TR(roles[r].zh, roles[r].en); }

/* The user's role, ROLE_NONE when not a member; a read that failed (a
 * database connection lost: PostgreSQL) is that failure, never "not a
 * member". */
static int role_read(struct zs_ctx *c, enum role *r, struct zs_error *err)
{
	struct member m;
	*r = ROLE_NONE;
	int e = store_member_get(c->st, store_user(c->st), &m, err);
	if (e == ZS_ENOTFOUND)
		return ZS_OK;
	if (e)
		return e;
	role_parse(m.role, r);
	member_clear(&m);
	return ZS_OK;
}

enum role member_role(struct zs_ctx *c)
{
	enum role r;
	return role_read(c, &r, NULL) ? ROLE_NONE : r;
}

int role_require(struct zs_ctx *c, enum role need, const char *what_zh, const char *what_en, struct zs_error *err)
{
	enum role have;
	int e = role_read(c, &have, err);
	if (e)
		return e;
	if (have >= need)
		return ZS_OK;
	if (have == ROLE_NONE)
		return member_unknown_error(c, err);
	return zs_fail(err, ZS_EPERM, TR("%s需要%s及以上权限；你（%s）是%s", "%s needs the %s role or above; you (%s) are %s"),
		       TR(what_zh, what_en), role_label(need), store_user(c->st), role_label(have));
}

struct admins {
	char buf[256];
};

static int admin_cb(const struct member *m, void *ud)
{
	struct admins *a = ud;
	if (strcmp(m->role, "admin"))
		return 0;
	size_t l = strlen(a->buf);
	if (l < sizeof a->buf - 70)
		snprintf(a->buf + l, sizeof a->buf - l, "%s%s（%s）", l ? TR("、", ", ") : "", m->name, m->unix_user);
	return 0;
}

int member_unknown_error(struct zs_ctx *c, struct zs_error *err)
{
	struct admins a = { "" };
	store_member_each(c->st, admin_cb, &a, NULL);
	return zs_fail(err, ZS_EPERM,
		       TR("你（Unix 用户 %s）不是这个值守台的成员；请管理员 %s 用 zhishou member add --unix %s --name 姓名 --role operator 添加",
			  "you (Unix user %s) are not a member of this duty console; ask an admin (%s) to run zhishou member add --unix %s --name NAME --role operator"),
		       store_user(c->st), a.buf[0] ? a.buf : "?", store_user(c->st));
}

static int apply(struct zs_ctx *c, struct member *m, const struct member_input *in, struct zs_error *err)
{
	int r;
	if (in->name) {
		char *v;
		if ((r = field_text(in->name, FIELD("姓名", "name"), 50, false, true, &v, err)))
			return r;
		free(m->name);
		m->name = v;
	}
	if (in->role) {
		enum role role;
		if (!role_parse(in->role, &role))
			return zs_fail(err, ZS_EINPUT, TR("角色「%s」不对；可选 operator（值班员）、leader（带班领导）、admin（管理员）",
							  "bad role \"%s\": operator, leader or admin"), in->role);
		free(m->role);
		m->role = strdup(role_code(role));
	}
	if (in->unit) {
		if (!*in->unit) {
			m->unit_id = 0;
		} else {
			int r = pick_unit(c, in->unit, TR("单位", "unit"), &m->unit_id, NULL, err);
			if (r)
				return r;
		}
	}
	return ZS_OK;
}

static char *member_json(const struct member *m)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "unix_user", m->unix_user, "name", m->name, "role", m->role, "unit_id",
			      (json_int_t)m->unit_id);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* The last admin stays: otherwise nobody could ever add one again. */
static int keep_an_admin(struct zs_ctx *c, const char *unix_user, bool was_admin, const char *new_role,
			 struct zs_error *err)
{
	if (!was_admin || (new_role && !strcmp(new_role, "admin")))
		return ZS_OK;
	if (store_member_count(c->st, "admin") <= 1)
		return zs_fail(err, ZS_EINPUT, TR("%s 是最后一个管理员，不能降级或删除（先添加另一个管理员）",
						  "%s is the last admin and cannot be demoted or removed (add another admin first)"),
			       unix_user);
	return ZS_OK;
}

static int write_member(struct zs_ctx *c, const struct member_input *in, bool update, struct zs_error *err)
{
	int r = role_require(c, ROLE_ADMIN, "管理成员", "managing members", err);
	if (r)
		return r;
	char *user = NULL;
	if ((r = field_text(in->unix_user, FIELD("Unix 用户名（--unix）", "Unix user (--unix)"), 32, false, true, &user, err)))
		return r;
	if (strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(user)) {
		r = zs_fail(err, ZS_EINPUT, TR("Unix 用户名「%s」不合法", "bad Unix user name \"%s\""), user);
		free(user);
		return r;
	}
	if (!update && !in->role) {
		free(user);
		return zs_fail(err, ZS_EINPUT, "%s", TR("缺少 --role（operator、leader 或 admin）", "missing --role (operator, leader or admin)"));
	}
	if (!(r = store_begin(c->st, err))) {
		struct member m = { 0 };
		int found = store_member_get(c->st, user, &m, err);
		if (update && found == ZS_ENOTFOUND)
			r = zs_fail(err, ZS_ENOTFOUND, TR("%s 不是成员", "%s is not a member"), user);
		else if (!update && found == ZS_OK)
			r = zs_fail(err, ZS_EINPUT, TR("%s 已是成员（要改用 member update）", "%s is already a member (use member update)"), user);
		else if (found != ZS_OK && found != ZS_ENOTFOUND)
			r = found;
		/* For an update m starts as the member as stored: the audit's
		 * "before" is taken from it first. */
		char *b = !r && update ? member_json(&m) : NULL;
		bool was_admin = !r && update && !strcmp(m.role, "admin");
		if (!r) {
			if (!update) {
				member_clear(&m);
				m.unix_user = strdup(user);
				m.name = strdup(user);
				m.role = strdup("operator");
				if (!getpwnam(user))
					r = zs_fail(err, ZS_EINPUT, TR("这台服务器上没有 Unix 用户 %s", "no Unix user %s on this server"), user);
			}
			r = r ? r : apply(c, &m, in, err);
			r = r ? r : keep_an_admin(c, user, was_admin, m.role, err);
			r = r ? r : store_member_put(c->st, &m, update, err);
			if (!r) {
				char *a = member_json(&m);
				r = store_audit(c->st, "member", 0, update ? "update" : "add", "", b ? b : "", a, err);
				free(a);
			}
		}
		free(b);
		member_clear(&m);
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	free(user);
	return r;
}

int member_add(struct zs_ctx *c, const struct member_input *in, struct zs_error *err)
{
	return write_member(c, in, false, err);
}

int member_update(struct zs_ctx *c, const struct member_input *in, struct zs_error *err)
{
	return write_member(c, in, true, err);
}

int member_remove(struct zs_ctx *c, const char *unix_user, struct zs_error *err)
{
	int r = role_require(c, ROLE_ADMIN, "管理成员", "managing members", err);
	if (r)
		return r;
	if (!unix_user || !*unix_user)
		return zs_fail(err, ZS_EINPUT, "%s", TR("缺少 Unix 用户名", "missing the Unix user"));
	if (!(r = store_begin(c->st, err))) {
		struct member before = { 0 };
		r = store_member_get(c->st, unix_user, &before, err);
		if (r == ZS_ENOTFOUND)
			r = zs_fail(err, ZS_ENOTFOUND, TR("%s 不是成员", "%s is not a member"), unix_user);
		r = r ? r : keep_an_admin(c, unix_user, !strcmp(before.role, "admin"), NULL, err);
		r = r ? r : store_member_delete(c->st, unix_user, err);
		if (!r) {
			char *b = member_json(&before);
			r = store_audit(c->st, "member", 0, "remove", "", b, "", err);
			free(b);
		}
		member_clear(&before);
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	return r;
}
