/* handover: 交接班 between the night and the morning shift.
 *
 * The outgoing shift signs (names on duty, a note, a snapshot of what is
 * open); the incoming shift accepts, noting anything it disputes.  Both
 * are audited; signing also tells the chat groups (outbox).  Signing and
 * accepting each open and commit their own transaction. */
#ifndef ZHISHOU_HANDOVER_H
#define ZHISHOU_HANDOVER_H

#include <stddef.h>
#include <stdint.h>
#include "zhishou/ctx.h"
#include "zhishou/model.h"

int handover_sign(struct zs_ctx *c, const char *names, const char *note, int64_t *id, struct zs_error *err);
/* Accept the newest handover; ZS_EINPUT when there is none or it is
 * already accepted (the message says by whom and when). */
int handover_accept(struct zs_ctx *c, const char *names, const char *dispute, int64_t *id,
		    struct zs_error *err);

/* One line about a handover for the review (command and console): who
 * signed when, who accepted when or "not yet", any dispute; h->id 0: none. */
void handover_summary(const struct handover *h, char *buf, size_t n);

#endif
