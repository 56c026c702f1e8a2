/* member: who may do what, enforced here so the console and every command
 * obey the same rule.
 *
 * Identity is the Unix user running the program (the store is opened as
 * that user); never a flag or an environment variable.  Roles:
 *   operator  logs and updates intakes, adds exposure actions, creates
 *             exposures (title, companies, keywords …), signs and accepts
 *             handovers, exports without callers' data;
 *   leader    also sets exposures' level, lead unit and status, writes
 *             instructions, fills in the statistics table's hand rows;
 *   admin     also manages members, imports rosters, adds units and
 *             galas, exports with callers' data, and sees every caller.
 * member_add, member_update and member_remove each open and commit their
 * own transaction; role checks (member_role, role_require) only read. */
#ifndef ZHISHOU_MEMBER_H
#define ZHISHOU_MEMBER_H

#include <stdbool.h>
#include "zhishou/ctx.h"

enum role { ROLE_NONE = 0, ROLE_OPERATOR = 1, ROLE_LEADER = 2, ROLE_ADMIN = 3 };

bool role_parse(const char *s, enum role *r);   /* code or 值班员/带班领导/管理员 */
const char *role_code(enum role r);
const char *role_label(enum role r);            /* current language */

/* The role of the user the store was opened as (ROLE_NONE: not a member). */
enum role member_role(struct zs_ctx *c);

/* ZS_EPERM with a message naming the action, the role needed and the
 * user's own, unless the user's role is at least need. */
int role_require(struct zs_ctx *c, enum role need, const char *what_zh, const char *what_en,
		 struct zs_error *err);

/* "你（Unix 用户 bob）不是…；请管理员 alice、carol 用 zhishou member add … 添加" */
int member_unknown_error(struct zs_ctx *c, struct zs_error *err);

struct member_input {
	const char *unix_user, *name, *role, *unit;   /* NULL: keep (update) */
};
int member_add(struct zs_ctx *c, const struct member_input *in, struct zs_error *err);
int member_update(struct zs_ctx *c, const struct member_input *in, struct zs_error *err);
int member_remove(struct zs_ctx *c, const char *unix_user, struct zs_error *err);

#endif
