/* backoff: waiting for a server that went away (issue 16), the same way
 * wherever zhishou waits: 100 ms, doubling to 1 s between tries, up to a
 * deadline. */
#ifndef ZHISHOU_BACKOFF_H
#define ZHISHOU_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

struct backoff {
	int64_t until_ms; /* CLOCK_MONOTONIC */
	int pause_ms;
};

/* Start waiting, for total_ms in all. */
void backoff_start(struct backoff *b, int total_ms);
/* Sleep the next pause and return true; false, without sleeping, when
 * that pause would end past the deadline. */
bool backoff_wait(struct backoff *b);
/* The deadline has passed. */
bool backoff_over(const struct backoff *b);

#endif
