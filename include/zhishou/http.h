/* http: the one place that sets up a libcurl request.
 *
 * Every request gets connect and total timeouts, a low-speed limit,
 * NOSIGNAL, http/https only (also after redirects, which are not followed),
 * and TLS verification, which is never turned off.  The body is collected
 * up to a limit; past it the transfer stops. */
#ifndef ZHISHOU_HTTP_H
#define ZHISHOU_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

struct http_limits {
	long connect_s, total_s;
	size_t max_body;
};

struct http_body {
	char *data;       /* NUL-terminated */
	size_t len, cap, limit;
	bool too_big;
};

/* A new easy handle for url writing into body (cleared first).  NULL when
 * out of memory. */
CURL *http_easy(const char *url, const struct http_limits *lim, struct http_body *body);
void http_body_clear(struct http_body *b);

/* What went wrong with a finished transfer, in words for the log: curl's
 * error, "HTTP 503", or the body limit.  Never contains the URL. */
void http_describe(CURLcode rc, long status, const struct http_body *b, size_t limit, char *out, size_t n);

#endif
