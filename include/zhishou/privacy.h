/* privacy: who sees a caller, decided once.
 *
 * Every view and every writer that shows an intake's caller (lists, the
 * detail card, search, exports, alerts) asks here, with the viewer (the
 * context's member) and the purpose; no front end masks or reveals on its
 * own.  The rules (Order 20 art. 33 for a confidential tip):
 *   - a confidential tip's tip-giver is withheld from everyone but the
 *     member who recorded it and admins, in every purpose (not even masked);
 *   - lists, search, the board and plain exports show callers masked;
 *   - the detail shows them whole to admins, the recorder and members of
 *     the unit handling the item (the unit it was transferred to, or while
 *     it is not transferred the recorder's own unit); masked to everyone
 *     else;
 *   - an export with callers' data (admins only, checked by the caller of
 *     export) shows them whole, except a confidential tip-giver;
 *   - an alert to a chat robot never carries a caller.
 * Decides only (it reads the viewer's membership): no transaction of its
 * own, it runs inside whatever read or write its caller has open. */
#ifndef ZHISHOU_PRIVACY_H
#define ZHISHOU_PRIVACY_H

#include <stdbool.h>
#include "zhishou/ctx.h"
#include "zhishou/model.h"

enum view_purpose {
	PURPOSE_LIST,        /* lists, search, the board, the review */
	PURPOSE_DETAIL,      /* one intake's card */
	PURPOSE_EXPORT,      /* files without callers' data */
	PURPOSE_EXPORT_PII,  /* files with callers' data (--with-pii) */
	PURPOSE_ALERT,       /* chat robots */
};

enum caller_shown {
	CALLER_NONE,         /* the intake has no caller or phone */
	CALLER_WHOLE,
	CALLER_MASKED,       /* 欧***, 139****5678 */
	CALLER_WITHHELD,     /* （保密）: not even masked */
};

/* How this viewer sees i's caller for purpose p. */
enum caller_shown privacy_caller(struct zs_ctx *c, const struct intake *i, enum view_purpose p);

/* May this viewer ever learn who gave i (not withheld in its detail)?  A
 * search or a lookup by phone asks it, so a number never confirms who
 * tipped to anyone the detail would not tell. */
bool privacy_caller_known(struct zs_ctx *c, const struct intake *i);

/* Rewrite i->caller and i->phone in place as privacy_caller decides
 * (withheld: "（保密）" and ""); returns the decision. */
enum caller_shown privacy_apply(struct zs_ctx *c, struct intake *i, enum view_purpose p);

#endif
