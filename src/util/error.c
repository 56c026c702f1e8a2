/* Errors: a class and a message in the user's language. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "zhishou/error.h"

/* A message cut at the end of msg must not end in half a character. */
static void cut_clean(char *msg, size_t len)
{
	size_t i = len;
	while (i > 0 && ((unsigned char)msg[i - 1] & 0xC0) == 0x80 && len - i < 3)
		i--;
	if (i == 0 || (unsigned char)msg[i - 1] < 0xC0)
		return;   /* ASCII last, or no lead byte found: leave it */
	unsigned char lead = (unsigned char)msg[i - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	if (len - (i - 1) < need)
		msg[i - 1] = '\0';
}

int zs_fail(struct zs_error *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		if (n >= (int)sizeof e->msg)
			cut_clean(e->msg, sizeof e->msg - 1);
		e->code = code;
	}
	return code;
}

void zs_clear(struct zs_error *e)
{
	if (e) {
		e->code = ZS_OK;
		e->msg[0] = '\0';
	}
}

int zs_exit_status(int code)
{
	switch (code) {
	case ZS_OK: return 0;
	case ZS_EINPUT:
	case ZS_ENOTFOUND: return 2;
	case ZS_EPERM: return 3;
	default: return 1;
	}
}
