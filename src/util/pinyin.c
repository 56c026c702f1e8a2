/* pinyin: initials for pick lists, from the generated Unihan table. */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "zhishou/pinyin.h"
#include "zhishou/text.h"

/* pinyin_table.c, generated at build time (tools/pinyin_table.py). */
extern const uint32_t pinyin_first_cp, pinyin_last_cp;
extern const char pinyin_first[];
extern const struct {
	uint32_t cp;
	char letter;
} pinyin_second[];
extern const size_t pinyin_nsecond;

int pinyin_initials(uint32_t cp, char out[2])
{
	if (cp < 0x80) {
		if (!isalnum((int)cp))
			return 0;
		out[0] = (char)tolower((int)cp);
		return 1;
	}
	if (cp >= 0xFF10 && cp <= 0xFF5A)   /* fullwidth digits and letters */
		return pinyin_initials(cp - 0xFF10 + '0', out);
	if (cp < pinyin_first_cp || cp > pinyin_last_cp || !pinyin_first[cp - pinyin_first_cp])
		return 0;
	int n = 0;
	out[n++] = pinyin_first[cp - pinyin_first_cp];
	size_t lo = 0, hi = pinyin_nsecond;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (pinyin_second[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pinyin_nsecond && pinyin_second[lo].cp == cp)
		out[n++] = pinyin_second[lo].letter;
	return n;
}

/* Do the characters of name from byte offset i on start with typed's
 * letters, one initial per character? */
static bool initials_at(const char *name, size_t i, const char *typed)
{
	size_t len = strlen(name);
	for (const char *q = typed; *q; q++) {
		if (i >= len)
			return false;
		uint32_t cp;
		i += text_decode(name + i, len - i, &cp);
		char in[2];
		int n = pinyin_initials(cp, in);
		char want = (char)tolower((unsigned char)*q);
		if (!((n > 0 && in[0] == want) || (n > 1 && in[1] == want)))
			return false;
	}
	return true;
}

int pick_match(const char *name, const char *typed)
{
	if (!typed || !*typed)
		return 1;
	if (!name || !*name)
		return 0;
	if (!strcmp(name, typed))
		return 5;
	size_t tl = strlen(typed);
	if (!strncasecmp(name, typed, tl))
		return 4;
	bool ascii = true;
	for (const char *q = typed; *q; q++)
		if (!isalnum((unsigned char)*q))
			ascii = false;
	if (ascii && initials_at(name, 0, typed))
		return 3;
	if (strcasestr(name, typed))
		return 2;
	if (ascii) {
		size_t len = strlen(name);
		uint32_t cp;
		for (size_t i = text_decode(name, len, &cp); i < len; i += text_decode(name + i, len - i, &cp))
			if (initials_at(name, i, typed))
				return 1;
	}
	return 0;
}
