/* Backoff between tries (backoff.h). */
#include <errno.h>
#include <time.h>

#include "zhishou/backoff.h"

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void backoff_start(struct backoff *b, int total_ms)
{
	b->until_ms = mono_ms() + total_ms;
	b->pause_ms = 100;
}

bool backoff_wait(struct backoff *b)
{
	if (mono_ms() + b->pause_ms > b->until_ms)
		return false;
	struct timespec ts = { b->pause_ms / 1000, (long)(b->pause_ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;   /* a signal: sleep the rest */
	b->pause_ms = b->pause_ms * 2 > 1000 ? 1000 : b->pause_ms * 2;
	return true;
}

bool backoff_over(const struct backoff *b)
{
	return mono_ms() > b->until_ms;
}
