/* validate: the shape of identifiers a duty night deals with.
 *
 * Phones as Chinese operators type them, USCC per GB 32100-2015.  Pure
 * functions; messages are produced by the caller, which knows the field. */
#ifndef ZHISHOU_VALIDATE_H
#define ZHISHOU_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* Normalise a phone as typed: drop spaces, '-', '(' ')' and a leading
 * "+86"/"0086"/"86" before a mobile; fullwidth digits (０-９) become ASCII.
 * Writes into out (outsz >= 32).  Returns false if out is too small or
 * something other than digits, separators or an extension marker remains.
 * An extension ("转123", "ext 123", "x123", "-123" after a full landline)
 * is kept as "-123". */
bool phone_normalize(const char *in, char *out, size_t outsz);

/* 11 digits starting 1[3-9], after normalisation. */
bool phone_is_mobile(const char *normalized);

/* Area code (0 + 2-3 digits: 010, 020-029 are 3 digits in all; others 4)
 * followed by 7-8 digits, optional "-ext" of 1-6 digits.  Accepts it with or
 * without the area code separator, after normalisation: "02287654321",
 * "022-87654321-806".  Service numbers like 12315 are NOT landlines. */
bool phone_is_landline(const char *normalized);

/* Either of the above. */
bool phone_is_valid(const char *normalized);

/* Mask for lists: mobile 13812341234 -> "138****1234"; landline keeps area
 * code and last 4: "022****4321"; anything shorter than 7 chars -> "****". */
void phone_mask(const char *normalized, char *out, size_t outsz);

/* Mask a person's name: first character kept, the rest '*' per character
 * ("张三丰" -> "张**", "张" -> "张"). */
void name_mask(const char *name, char *out, size_t outsz);

/* USCC (统一社会信用代码): 18 chars from "0123456789ABCDEFGHJKLMNPQRTUWXY",
 * the 9-char organisation code part with its own check (GB 11714) is NOT
 * checked, the final check character per GB 32100-2015 IS.  Lowercase input
 * is accepted (caller uppercases with uscc_normalize). */
void uscc_normalize(const char *in, char *out, size_t outsz); /* trim + upper */
bool uscc_is_valid(const char *normalized);
/* The check character the first 17 characters call for, or 0 if any of
 * them is not in the alphabet. */
char uscc_check_char(const char *first17);

#endif
