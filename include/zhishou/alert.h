/* alert: the events the bureau's chat groups hear about, written to the
 * outbox in the same transaction as the change that causes them.
 *
 * Payloads hold facts only (titles, levels, statuses, units, counts,
 * times): never a caller, a phone, a tip-giver or complaint text, because
 * they leave for third-party chat platforms. */
#ifndef ZHISHOU_ALERT_H
#define ZHISHOU_ALERT_H

#include "zhishou/ctx.h"
#include "zhishou/model.h"

/* A new exposure (inside the caller's transaction). */
int alert_exposure_new(struct zs_ctx *c, const struct exposure *e, struct zs_error *err);
/* What an update changed: level raised, status changed, lead unit set. */
/* Local involvement settled (exposure_local_set): 涉及 N 户 with the
 * confirmed businesses' names ("、"-joined), or 不涉及. */
int alert_exposure_local(struct zs_ctx *c, const struct exposure *e, const char *names, struct zs_error *err);
int alert_exposure_changed(struct zs_ctx *c, const struct exposure *before, const struct exposure *after,
			   struct zs_error *err);

/* Events of time, made by the relay in its own transaction; each at most
 * once (by a dedupe key):
 *  - deadline_soon when an open exposure's deadline is within warn_s;
 *  - deadline_passed once it has passed;
 *  - digest per open exposure whose linked total grew, at most every
 *    digest_s.
 * *made counts the events written. */
int alert_time_events(struct zs_ctx *c, int64_t warn_s, int64_t digest_s, int *made, struct zs_error *err);

/* Put failed deliveries back in the queue: one (id) or all (id 0); the
 * relay sends them at once.  ZS_ENOTFOUND with a message when id is not a
 * failed delivery. */
int alert_retry(struct zs_ctx *c, int64_t id, int64_t *n, struct zs_error *err);

/* "新曝光" for exposure_new … (current language); the code if unknown. */
const char *alert_event_label(const char *event);

/* The setting holding the last outbox id the relay has fanned out. */
#define ALERT_FANOUT_KEY "relay_fanout_id"

/* Count everything so far as told (a demo night's history): the relay
 * starts after the newest event and from the current linked totals.
 * In its own transaction. */
int alert_settle(struct zs_ctx *c, struct zs_error *err);

#endif
