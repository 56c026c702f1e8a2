/* search: one query over intakes and exposures, Chinese from 1 character.
 *
 * Terms of 3+ characters go to the FTS5 trigram index; 1-2 character terms
 * (酸菜, 退款) become LIKE patterns; both in one query, all terms required.
 * Reads only, no transaction of its own: exposures and intakes are two
 * reads (a commit between them may show in the second). */
#ifndef ZHISHOU_SEARCH_H
#define ZHISHOU_SEARCH_H

#include <stdbool.h>
#include "zhishou/ctx.h"

#define SEARCH_MAX_SHORT 4

struct search_query {
	char *terms[17];                    /* every term, NULL-ended */
	int nterms;
};

/* Split q into terms (spaces, fullwidth spaces); errors for an empty query
 * or more than 4 short terms. */
int search_parse(const char *q, struct search_query *out, struct zs_error *err);
void search_free(struct search_query *q);
/* The query's terms as an intake filter's (words and LIKE patterns). */
struct intake_filter;
void search_filter(const struct search_query *q, struct intake_filter *f);

/* Does text contain every term?  (exposures are few; checked in C) */
bool search_match_all(const struct search_query *q, const char *const *fields, int nfields);



/* ---- the search results every front end shows ---- */
#include <stdint.h>
#include "zhishou/model.h"

/* One hit: an exposure (exposure != NULL) or an intake (callers as a list
 * shows them, privacy.h), and the row every front end shows for it, the
 * same for both kinds: what it is, its number, when (aired or received),
 * its status (code and words), a title (the exposure's title, the intake's
 * subject) and a text (the companies named, the intake's summary). */
struct search_hit {
	const struct exposure *exposure;
	const struct intake *intake;
	bool is_exposure;
	int64_t id, at;
	const char *status, *status_label;
	const char *title, *text;
};
typedef int (*search_hit_cb)(const struct search_hit *h, void *ud);

/* What the query was taken as. */
enum search_by {
	SEARCH_TEXT,         /* words in titles, subjects, summaries, 工单号 */
	SEARCH_ID,           /* #12: exposure 12 and intake 12 */
	SEARCH_PHONE,        /* a whole phone number: that caller's intakes */
	SEARCH_PHONE_TAIL,   /* the last digits of a caller's phone */
};

struct search_result {
	int64_t exposures, intakes;   /* hits given to the callback */
	bool more;                    /* more intakes match than limit */
	enum search_by by;
};

/* A query: text (words; "#12" for a number; a whole phone number for that
 * caller), or the last 4 or more digits of a caller's phone. */
struct search_request {
	const char *text;
	const char *phone_tail;
	int limit;                    /* intakes at most (0: no limit) */
};

/* Exposures first (every match), then intakes newest first, at most
 * rq->limit.  Found by a phone, a confidential tip is left out for anyone
 * who may not see its tip-giver (a number must not confirm who tipped).
 * ZS_EINPUT for an unusable query (search_parse, a bad tail). */
int search_find(struct zs_ctx *c, const struct search_request *rq, search_hit_cb cb, void *ud,
		struct search_result *res, struct zs_error *err);
/* search_find of text alone. */
int search_run(struct zs_ctx *c, const char *text, int limit, search_hit_cb cb, void *ud,
	       struct search_result *res, struct zs_error *err);
#endif
