/* privacy: the one place that decides how a caller is shown (privacy.h). */
#include <stdlib.h>
#include <string.h>

#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/privacy.h"
#include "zhishou/store.h"
#include "zhishou/validate.h"

static bool is_recorder(struct zs_ctx *c, const struct intake *i)
{
	return i->created_by && !strcmp(i->created_by, store_user(c->st));
}

/* The unit a member belongs to (0: none, or not a member). */
static int64_t unit_of(struct zs_ctx *c, const char *login)
{
	struct member m;
	int64_t unit = 0;
	if (login && store_member_get(c->st, login, &m, NULL) == ZS_OK) {
		unit = m.unit_id;
		member_clear(&m);
	}
	return unit;
}

/* Is the viewer at the desk handling i: the unit it was transferred to, or,
 * until it is transferred, the unit of the member who logged it (a
 * colleague at the same desk calls the caller back)? */
static bool in_handling_unit(struct zs_ctx *c, const struct intake *i)
{
	int64_t mine = unit_of(c, store_user(c->st));
	if (!mine)
		return false;
	if (i->transfer_unit_id)
		return mine == i->transfer_unit_id;
	return mine == unit_of(c, i->created_by);
}

enum caller_shown privacy_caller(struct zs_ctx *c, const struct intake *i, enum view_purpose p)
{
	if (!(i->caller && *i->caller) && !(i->phone && *i->phone))
		return CALLER_NONE;
	switch (p) {
	case PURPOSE_ALERT:
		return CALLER_WITHHELD;
	case PURPOSE_LIST:
	case PURPOSE_EXPORT:
		return i->confidential ? CALLER_WITHHELD : CALLER_MASKED;
	case PURPOSE_EXPORT_PII:
		return i->confidential ? CALLER_WITHHELD : CALLER_WHOLE;
	case PURPOSE_DETAIL:
		break;
	}
	enum role role = member_role(c);
	if (role == ROLE_ADMIN || is_recorder(c, i))
		return CALLER_WHOLE;
	/* Order 20 art. 33: a confidential tip-giver is kept from everyone
	 * else, not even shown in part. */
	if (i->confidential)
		return CALLER_WITHHELD;
	if (role != ROLE_NONE && in_handling_unit(c, i))
		return CALLER_WHOLE;
	return CALLER_MASKED;
}

static void replace(char **field, const char *value)
{
	char *v = strdup(value);
	if (!v)
		return;   /* keep the old value out: blank it instead */
	free(*field);
	*field = v;
}

enum caller_shown privacy_apply(struct zs_ctx *c, struct intake *i, enum view_purpose p)
{
	enum caller_shown s = privacy_caller(c, i, p);
	char m[128];
	switch (s) {
	case CALLER_NONE:
	case CALLER_WHOLE:
		break;
	case CALLER_MASKED:
		name_mask(i->caller ? i->caller : "", m, sizeof m);
		replace(&i->caller, m);
		if (i->phone && *i->phone) {
			phone_mask(i->phone, m, sizeof m);
			replace(&i->phone, m);
		}
		break;
	case CALLER_WITHHELD:
		replace(&i->caller, TR("（保密）", "(confidential)"));
		replace(&i->phone, "");
		break;
	}
	return s;
}

bool privacy_caller_known(struct zs_ctx *c, const struct intake *i)
{
	return privacy_caller(c, i, PURPOSE_DETAIL) != CALLER_WITHHELD;
}
