/* audit: reading and verifying the hash-chained record of every change.
 * Reads only; verify walks the chain and reads its anchor inside one read
 * transaction of its own (both of one moment, whatever is written
 * meanwhile).  No write transaction. */
#ifndef ZHISHOU_AUDIT_H
#define ZHISHOU_AUDIT_H

#include <stdint.h>
#include "zhishou/ctx.h"

struct audit_verdict {
	int64_t rows;
	int64_t first_bad;    /* 0 when the chain is whole */
	char why[256];
};

/* Walk the whole chain: each row's hash must match its content and its
 * predecessor's hash, and ids must run without gaps (a deleted row shows). */
int audit_verify(struct zs_ctx *c, struct audit_verdict *v, struct zs_error *err);

#endif
