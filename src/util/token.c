/* Random write tokens (token.h). */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "zhishou/token.h"

void token_new(char out[TOKEN_LEN + 1])
{
	unsigned char b[TOKEN_LEN / 2];
	size_t got = 0;
	while (got < sizeof b) {
		ssize_t n = getrandom(b + got, sizeof b - got, 0);
		if (n < 0 && errno != EINTR)
			break;
		got += n > 0 ? (size_t)n : 0;
	}
	if (got < sizeof b) {
		/* No kernel randomness (never on Linux >= 3.17): time and pid
		 * still make a collision with another token unlikely. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(out, TOKEN_LEN + 1, "%016llx%08x%08x", (unsigned long long)ts.tv_sec, (unsigned)ts.tv_nsec,
			 (unsigned)getpid());
		return;
	}
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}
