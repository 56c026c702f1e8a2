/* pinyin: pick lists filter by what an operator types (Chinese, digits,
 * or the pinyin initials of a name: spaq -> 食品安全监管科).
 *
 * The initials come from Unihan's kMandarin readings, turned into a table
 * at build time (tools/pinyin_table.py, Debian's unicode-data). */
#ifndef ZHISHOU_PINYIN_H
#define ZHISHOU_PINYIN_H

#include <stdint.h>

/* The lowercase letters cp's pinyin may start with (0, 1 or 2 of them,
 * into out); an ASCII letter or digit is its own (lowercased). */
int pinyin_initials(uint32_t cp, char out[2]);

/* How well name matches what was typed, for ordering a pick list; 0: not
 * at all.  Empty typed text matches everything (1).  Otherwise:
 *   5  the whole name;
 *   4  the start of the name;
 *   3  the initials from the name's first character (spaq);
 *   2  a part of the name (监管, 12315; ASCII case-insensitive);
 *   1  initials from a later character (jgk). */
int pick_match(const char *name, const char *typed);

#endif
