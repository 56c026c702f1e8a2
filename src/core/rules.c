/* rules: the night's time rules (rules.h). */
#include "zhishou/codes.h"
#include "zhishou/rules.h"

enum due_state due_state(int64_t deadline, int64_t now, int64_t warn)
{
	if (!deadline)
		return DUE_NONE;
	if (deadline <= now)
		return DUE_OVERDUE;
	return deadline - now <= warn ? DUE_SOON : DUE_LATER;
}

enum due_state exposure_due(const struct exposure *e, int64_t now, int64_t warn)
{
	return exposure_status_is_closed(e->status) ? DUE_NONE : due_state(e->deadline, now, warn);
}

bool time_is_future_typo(int64_t t, int64_t now)
{
	return t > now + FUTURE_TYPO_SECONDS;
}
