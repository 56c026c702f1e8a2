/* feed: the 8890 platform's work orders, one fetched page at a time.
 *
 * No network here (the relay fetches): a page's body goes in, each usable
 * order becomes exactly one intake (channel 8890, its order number as the
 * reference) and each unusable record goes to the quarantine with its
 * reason, all in one transaction.  A body that is not a page (not JSON, an
 * HTML error page, truncated) changes nothing. */
#ifndef ZHISHOU_FEED_H
#define ZHISHOU_FEED_H

#include <stddef.h>
#include <stdint.h>
#include "zhishou/ctx.h"

enum { FEED_KEY_MAX = 64 };

/* Where each field is found in an order (configurable per feed). */
struct feed_map {
	char orders[FEED_KEY_MAX];      /* "orders" (a bare array is accepted too) */
	char next[FEED_KEY_MAX];        /* "next": URL of the next page */
	char order_no[FEED_KEY_MAX];    /* required */
	char received_at[FEED_KEY_MAX];
	char caller[FEED_KEY_MAX];
	char phone[FEED_KEY_MAX];
	char subject[FEED_KEY_MAX];
	char content[FEED_KEY_MAX];     /* required */
	char category[FEED_KEY_MAX];
	char kind[FEED_KEY_MAX];        /* 投诉/举报/咨询, default 投诉 */
};
void feed_map_defaults(struct feed_map *m);
/* Set one field's source key by the field's name ("order_no" …); false if
 * there is no such field or the key is empty or too long. */
bool feed_map_set(struct feed_map *m, const char *field, const char *key);

struct feed_page {
	int64_t added;        /* new intakes */
	int64_t existing;     /* orders already logged (earlier polls, pages, or twice in this page) */
	int64_t quarantined;  /* records that could not be used */
	char *next;           /* next page's URL (malloc'd) or NULL */
};
void feed_page_clear(struct feed_page *p);

/* Import one page for feed name.  ZS_EINPUT (nothing written) when the body
 * is not a page; the message says what it was instead. */
int feed_import_page(struct zs_ctx *c, const char *feed, const struct feed_map *m, const char *body,
		     size_t len, struct feed_page *res, struct zs_error *err);

#endif
