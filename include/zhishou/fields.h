/* fields: turning typed or imported text into clean field values.
 *
 * The one place that sanitises outside text, trims it, checks its length
 * and, on failure, says which field and why (in the user's language). */
#ifndef ZHISHOU_FIELDS_H
#define ZHISHOU_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zhishou/error.h"

struct field_name {
	const char *zh, *en;
};
#define FIELD(zh, en) ((struct field_name){ (zh), (en) })

/* Sanitise, trim and length-check in (NULL = ""); *out is malloc'd.
 * multiline keeps newlines.  required: empty is an error. */
int field_text(const char *in, struct field_name f, size_t maxchars, bool multiline, bool required,
	       char **out, struct zs_error *err);

/* A phone of any kind (mobile or landline), normalised; "" if empty. */
int field_phone(const char *in, struct field_name f, bool mobile_only, bool landline_only,
		char **out, struct zs_error *err);

/* A USCC with a valid check character, uppercased; "" if empty. */
int field_uscc(const char *in, char **out, struct zs_error *err);

/* A positive record id. */
int field_id(const char *in, struct field_name f, int64_t *out, struct zs_error *err);

/* A non-negative count. */
int field_count(const char *in, struct field_name f, int64_t max, int64_t *out, struct zs_error *err);

/* A code from a vocabulary (code or label). */
struct vocab;
int field_code(const char *in, const struct vocab *v, const char **out, struct zs_error *err);

/* A time as people type it (see time_parse). */
int field_time(const char *in, struct field_name f, int64_t now, int64_t *out, struct zs_error *err);

/* Split "a;b；c、d" into a clean ';'-joined list (each item sanitised and
 * trimmed, empties dropped). */
int field_list(const char *in, struct field_name f, size_t maxchars, char **out, struct zs_error *err);

#endif
