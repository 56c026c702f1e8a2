/* Errors: a class and a message in the user's language. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "zhishou/error.h"
#include "zhishou/text.h"

int zs_fail(struct zs_error *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		/* A message cut at its end must not end in half a character. */
		if (n >= (int)sizeof e->msg)
			e->msg[text_cut(e->msg, sizeof e->msg - 1)] = '\0';
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
