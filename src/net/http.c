/* libcurl setup shared by the robots and the feeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/http.h"
#include "zhishou/i18n.h"

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	struct http_body *b = ud;
	size_t add = size * n;
	if (b->len + add > b->limit) {
		b->too_big = true;
		return 0;   /* stops the transfer with CURLE_WRITE_ERROR */
	}
	if (b->len + add + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + add + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return 0;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

void http_body_clear(struct http_body *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

CURL *http_easy(const char *url, const struct http_limits *lim, struct http_body *body)
{
	http_body_clear(body);
	body->limit = lim->max_body;
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, lim->connect_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, lim->total_s);
	/* A peer that trickles (under 1 byte/s for 10 s) is as good as gone. */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 10L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	/* Not FAILONERROR: a platform's 4xx body names what is wrong (bad
	 * token, bad signature), and the operator needs that text. */
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "zhishou/" ZHISHOU_VERSION);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	return h;
}

void http_describe(CURLcode rc, long status, const struct http_body *b, size_t limit, char *out, size_t n)
{
	if (b->too_big)
		snprintf(out, n, TR("回复超过 %zu 字节上限", "the answer is over the %zu-byte limit"), limit);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(out, n, "%s", TR("超时", "timed out"));
	else if (rc != CURLE_OK)
		snprintf(out, n, "%s", curl_easy_strerror(rc));
	else
		snprintf(out, n, "HTTP %ld", status);
}
