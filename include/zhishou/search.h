/* search: one query over intakes and exposures, Chinese from 1 character.
 *
 * Terms of 3+ characters go to the FTS5 trigram index; 1-2 character terms
 * (酸菜, 退款) become LIKE patterns; both in one query, all terms required. */
#ifndef ZHISHOU_SEARCH_H
#define ZHISHOU_SEARCH_H

#include <stdbool.h>
#include "zhishou/ctx.h"

#define SEARCH_MAX_SHORT 4

struct search_query {
	char *fts;                          /* MATCH expression or NULL */
	char *like[SEARCH_MAX_SHORT];       /* %term% escaped with \, or NULL */
	char *terms[16];                    /* all terms, for exposure filtering */
	int nterms;
};

/* Split q into terms (spaces, fullwidth spaces); errors for an empty query
 * or more than 4 short terms. */
int search_parse(const char *q, struct search_query *out, struct zs_error *err);
void search_free(struct search_query *q);

/* Does text contain every term?  (exposures are few; checked in C) */
bool search_match_all(const struct search_query *q, const char *const *fields, int nfields);

#endif
