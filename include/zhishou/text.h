/* text: UTF-8 decoding, sanitising and display width.
 *
 * Owns every decision about how many terminal columns a piece of text takes,
 * where a character or a cluster ends and what outside text may contain.
 * Nothing else in zhishou decodes UTF-8 or counts bytes to align columns.
 * Pure functions, no locale dependency: widths and clusters come from
 * utf8proc, so a server with only LANG=C aligns Chinese correctly. */
#ifndef ZHISHOU_TEXT_H
#define ZHISHOU_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* East Asian Ambiguous characters (· “ ” — … box drawing, Greek, ①…) take
 * 2 columns when set (many Chinese terminals), 1 otherwise (default). */
void text_set_ambiguous_wide(bool wide);
bool text_ambiguous_wide(void);

/* Decode one code point at s (at most len bytes).  Returns bytes consumed
 * (>= 1 when len >= 1); an invalid or truncated sequence consumes 1 byte and
 * yields U+FFFD.  Overlongs, surrogates and > U+10FFFF are invalid. */
size_t text_decode(const char *s, size_t len, uint32_t *cp);

/* Append the UTF-8 encoding of cp to out (must have room for 4 bytes);
 * returns bytes written. */
size_t text_encode(uint32_t cp, char *out);

bool text_valid_utf8(const char *s, size_t len);

/* Bytes of the longest prefix of s[0..len) made of whole, valid sequences
 * (len when all of it is).  *missing (may be NULL) gets, when the scan
 * stopped at a valid sequence that len cut short, how many more bytes would
 * complete it (1 to 3; a reader of chunks reads that many more), else 0. */
size_t text_valid_prefix(const char *s, size_t len, size_t *missing);

/* Where to cut s to at most max bytes without splitting a character: max,
 * or less when s[0..max) ends inside a UTF-8 sequence.  Only bytes before
 * max are read, so it also mends a buffer that something already cut. */
size_t text_cut(const char *s, size_t max);

/* Fullwidth ASCII forms (U+FF01-FF5E, what a Chinese IME types in its
 * full-width mode) and the ideographic space U+3000 as their ASCII selves;
 * every other code point as it is. */
uint32_t text_fold_width(uint32_t cp);

/* Whether cp separates words: white space (U+3000 included), punctuation
 * of any script (，。、；“”《》 as well as ASCII's) and controls, by its
 * Unicode general category. */
bool text_cp_separator(uint32_t cp);

/* What text_sanitize removes and a fitted cell never draws: C0 controls,
 * DEL, C1 controls, bidi controls and marks, U+2028/U+2029 (and values
 * above U+10FFFF).  TAB and \n are in it: sanitising turns them into
 * spaces first. */
bool text_cp_stripped(uint32_t cp);

/* Columns one code point takes: 0 for combining marks, zero-width and
 * controls; 2 for CJK, fullwidth and emoji; ambiguous ones per setting. */
int text_cp_width(uint32_t cp);

/* Display columns of a UTF-8 string (invalid bytes count as U+FFFD). */
int text_width(const char *s);
int text_width_n(const char *s, size_t len);

/* Number of code points. */
size_t text_length(const char *s);

enum {
	TEXT_KEEP_NEWLINES = 1 << 0, /* keep \n (multi-line summaries); \r\n -> \n */
};

/* Sanitise text from outside before it is stored or drawn.  Returns a new
 * malloc'd NUL-terminated string (NULL only on allocation failure):
 *  - invalid UTF-8 bytes become U+FFFD;
 *  - C0 controls, DEL and C1 controls (U+0080-U+009F) are removed, except
 *    TAB which becomes a space and \n which is kept with TEXT_KEEP_NEWLINES
 *    (otherwise a space); so "ESC[2J" becomes the visible "[2J";
 *  - bidi controls U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C are
 *    removed; so are U+2028/U+2029 (line/paragraph separators);
 *  - a NUL inside len ends nothing: it is removed like any C0 control.
 * Leading and trailing ASCII spaces are NOT trimmed (see text_trim). */
char *text_sanitize(const char *s, size_t len, unsigned flags);

/* Trim ASCII whitespace and U+3000 (ideographic space) at both ends, in place. */
char *text_trim(char *s);

/* Bytes of the longest prefix of s that fits in cols columns without
 * splitting a grapheme cluster (a combining mark stays with its base, a
 * flag or an emoji ZWJ sequence stays whole). *used gets the columns that
 * prefix takes (may be NULL). */
size_t text_fit(const char *s, int cols, int *used);

/* Bytes of s that go on one line of cols columns when text is wrapped:
 * as many whole clusters as fit (at least one), but the line does not end
 * just before closing punctuation (。，、；：！？）」』” and , . ): the
 * character before it goes down with it, so no line starts with it; nor
 * inside a Latin word or a number (zhishou, 13812345678, 08:00) when an
 * earlier break is near; a field or list item stays whole when a space or
 * a comma is near the end.
 * The one break rule of the CLI's out_wrap and the console's pager. */
size_t text_wrap_line(const char *s, int cols);

/* Write s into out (size outsz) cut to at most cols columns: if s is wider,
 * it is cut at a grapheme cluster boundary and ends with "…" (the ellipsis counts
 * its own width, 1 or 2 per the ambiguous setting), then, if pad, padded
 * with spaces to exactly cols columns.  Newlines and tabs in s are shown as
 * spaces.  Returns the columns written.  out is always NUL-terminated. */
int text_fit_cols(const char *s, int cols, bool pad, char *out, size_t outsz);

/* Same as text_fit_cols with pad, but right-aligned (numbers in tables). */
int text_fit_cols_right(const char *s, int cols, char *out, size_t outsz);

#endif
