/* text: UTF-8 decoding, sanitising and display width.
 * See include/zhishou/text.h for the contract.
 *
 * Decoding, widths, character classes and grapheme clusters come from
 * utf8proc (the library tmux uses for the same job), never from wcwidth(3):
 * duty servers often run with LANG=C, where wcwidth() returns -1 for every
 * Chinese character and the whole console would misalign.  What is our own
 * here is policy, each piece saying why: the East Asian Ambiguous setting,
 * four width corrections that make utf8proc agree with what glibc's wcwidth
 * (and so ncurses and the terminal) does, and what sanitising removes. */
#include "zhishou/text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define CP_REPLACEMENT 0xFFFDu
#define CP_ELLIPSIS 0x2026u

/* UTF-8 of U+2026 (ellipsis) and U+3000 (ideographic space). */
static const char ellipsis_utf8[] = "\xE2\x80\xA6";
static const char ideo_space_utf8[] = "\xE3\x80\x80";

/* ---- East Asian Ambiguous ---------------------------------------------- */

/* Inclusive code point ranges, sorted and non-overlapping (binary search). */
struct cp_range {
	uint32_t first;
	uint32_t last;
};

/* East Asian Ambiguous (EastAsianWidth.txt, Unicode 14): 1 column in
 * Western terminals, 2 in many Chinese ones.  Our own table because
 * utf8proc 2.8 (Debian 12) gives only the resolved width; its ambiguous
 * flag (utf8proc_charwidth_ambiguous) arrived in 2.10.  One deliberate
 * change: the whole box drawing block U+2500-257F is listed (the UCD marks
 * only part of it) so that a frame never mixes widths. */
static const struct cp_range ambiguous[] = {
	{0x00A1, 0x00A1}, {0x00A4, 0x00A4}, {0x00A7, 0x00A8}, {0x00AA, 0x00AA},
	{0x00AD, 0x00AE}, {0x00B0, 0x00B4}, {0x00B6, 0x00BA}, {0x00BC, 0x00BF},
	{0x00C6, 0x00C6}, {0x00D0, 0x00D0}, {0x00D7, 0x00D8}, {0x00DE, 0x00E1},
	{0x00E6, 0x00E6}, {0x00E8, 0x00EA}, {0x00EC, 0x00ED}, {0x00F0, 0x00F0},
	{0x00F2, 0x00F3}, {0x00F7, 0x00FA}, {0x00FC, 0x00FC}, {0x00FE, 0x00FE},
	{0x0101, 0x0101}, {0x0111, 0x0111}, {0x0113, 0x0113}, {0x011B, 0x011B},
	{0x0126, 0x0127}, {0x012B, 0x012B}, {0x0131, 0x0133}, {0x0138, 0x0138},
	{0x013F, 0x0142}, {0x0144, 0x0144}, {0x0148, 0x014B}, {0x014D, 0x014D},
	{0x0152, 0x0153}, {0x0166, 0x0167}, {0x016B, 0x016B}, {0x01CE, 0x01CE},
	{0x01D0, 0x01D0}, {0x01D2, 0x01D2}, {0x01D4, 0x01D4}, {0x01D6, 0x01D6},
	{0x01D8, 0x01D8}, {0x01DA, 0x01DA}, {0x01DC, 0x01DC}, {0x0251, 0x0251},
	{0x0261, 0x0261}, {0x02C4, 0x02C4}, {0x02C7, 0x02C7}, {0x02C9, 0x02CB},
	{0x02CD, 0x02CD}, {0x02D0, 0x02D0}, {0x02D8, 0x02DB}, {0x02DD, 0x02DD},
	{0x02DF, 0x02DF}, {0x0391, 0x03A1}, {0x03A3, 0x03A9}, {0x03B1, 0x03C1},
	{0x03C3, 0x03C9}, {0x0401, 0x0401}, {0x0410, 0x044F}, {0x0451, 0x0451},
	{0x2010, 0x2010}, {0x2013, 0x2016}, {0x2018, 0x2019}, {0x201C, 0x201D},
	{0x2020, 0x2022}, {0x2024, 0x2027}, {0x2030, 0x2030}, {0x2032, 0x2033},
	{0x2035, 0x2035}, {0x203B, 0x203B}, {0x203E, 0x203E}, {0x2074, 0x2074},
	{0x207F, 0x207F}, {0x2081, 0x2084}, {0x20AC, 0x20AC}, {0x2103, 0x2103},
	{0x2105, 0x2105}, {0x2109, 0x2109}, {0x2113, 0x2113}, {0x2116, 0x2116},
	{0x2121, 0x2122}, {0x2126, 0x2126}, {0x212B, 0x212B}, {0x2153, 0x2154},
	{0x215B, 0x215E}, {0x2160, 0x216B}, {0x2170, 0x2179}, {0x2189, 0x2189},
	{0x2190, 0x2199}, {0x21B8, 0x21B9}, {0x21D2, 0x21D2}, {0x21D4, 0x21D4},
	{0x21E7, 0x21E7}, {0x2200, 0x2200}, {0x2202, 0x2203}, {0x2207, 0x2208},
	{0x220B, 0x220B}, {0x220F, 0x220F}, {0x2211, 0x2211}, {0x2215, 0x2215},
	{0x221A, 0x221A}, {0x221D, 0x2220}, {0x2223, 0x2223}, {0x2225, 0x2225},
	{0x2227, 0x222C}, {0x222E, 0x222E}, {0x2234, 0x2237}, {0x223C, 0x223D},
	{0x2248, 0x2248}, {0x224C, 0x224C}, {0x2252, 0x2252}, {0x2260, 0x2261},
	{0x2264, 0x2267}, {0x226A, 0x226B}, {0x226E, 0x226F}, {0x2282, 0x2283},
	{0x2286, 0x2287}, {0x2295, 0x2295}, {0x2299, 0x2299}, {0x22A5, 0x22A5},
	{0x22BF, 0x22BF}, {0x2312, 0x2312}, {0x2460, 0x24E9}, {0x24EB, 0x258F},
	{0x2592, 0x2595}, {0x25A0, 0x25A1}, {0x25A3, 0x25A9}, {0x25B2, 0x25B3},
	{0x25B6, 0x25B7}, {0x25BC, 0x25BD}, {0x25C0, 0x25C1}, {0x25C6, 0x25C8},
	{0x25CB, 0x25CB}, {0x25CE, 0x25D1}, {0x25E2, 0x25E5}, {0x25EF, 0x25EF},
	{0x2605, 0x2606}, {0x2609, 0x2609}, {0x260E, 0x260F}, {0x261C, 0x261C},
	{0x261E, 0x261E}, {0x2640, 0x2640}, {0x2642, 0x2642}, {0x2660, 0x2661},
	{0x2663, 0x2665}, {0x2667, 0x266A}, {0x266C, 0x266D}, {0x266F, 0x266F},
	{0x269E, 0x269F}, {0x26BF, 0x26BF}, {0x26C6, 0x26CD}, {0x26CF, 0x26D3},
	{0x26D5, 0x26E1}, {0x26E3, 0x26E3}, {0x26E8, 0x26E9}, {0x26EB, 0x26F1},
	{0x26F4, 0x26F4}, {0x26F6, 0x26F9}, {0x26FB, 0x26FC}, {0x26FE, 0x26FF},
	{0x273D, 0x273D}, {0x2776, 0x277F}, {0x2B56, 0x2B59}, {0x3248, 0x324F},
	{0xE000, 0xF8FF}, {0xFFFD, 0xFFFD}, {0x1F100, 0x1F10A},
	{0x1F110, 0x1F12D}, {0x1F130, 0x1F169}, {0x1F170, 0x1F18D},
	{0x1F18F, 0x1F190}, {0x1F19B, 0x1F1AC}, {0xF0000, 0xFFFFD},
	{0x100000, 0x10FFFD},
};

static bool in_table(uint32_t cp, const struct cp_range *t, size_t n)
{
	size_t lo = 0, hi = n;

	if (n == 0 || cp < t[0].first || cp > t[n - 1].last)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp > t[mid].last)
			lo = mid + 1;
		else if (cp < t[mid].first)
			hi = mid;
		else
			return true;
	}
	return false;
}

static bool is_ambiguous(uint32_t cp)
{
	return in_table(cp, ambiguous, sizeof ambiguous / sizeof ambiguous[0]);
}

/* Process-wide because it describes the terminal, of which there is one. */
static bool ambiguous_is_wide;

void text_set_ambiguous_wide(bool w)
{
	ambiguous_is_wide = w;
}

bool text_ambiguous_wide(void)
{
	return ambiguous_is_wide;
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* One well-formed sequence at s (at most len bytes): its length, or 0 when
 * s does not start one (utf8proc_iterate is strict: no overlongs,
 * surrogates or code points above U+10FFFF).  utf8proc reads a byte only
 * after the one before it proved to be a lead or continuation byte, so a
 * NUL-terminated string can be passed with len larger than what remains. */
static size_t decode_strict(const char *s, size_t len, uint32_t *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	if ((unsigned char)s[0] < 0x80) {	/* ASCII without a call */
		*cp = (unsigned char)s[0];
		return 1;
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)s,
			     len < 4 ? (utf8proc_ssize_t)len : 4, &c);
	if (n <= 0)
		return 0;
	*cp = (uint32_t)c;
	return (size_t)n;
}

size_t text_decode(const char *s, size_t len, uint32_t *cp)
{
	uint32_t c = 0;
	size_t n;

	if (s == NULL || len == 0) {
		if (cp)
			*cp = 0;
		return 0;
	}
	n = decode_strict(s, len, &c);
	if (n == 0) {
		c = CP_REPLACEMENT;
		n = 1;
	}
	if (cp)
		*cp = c;
	return n;
}

/* Decode from a NUL-terminated string; see decode_strict for why 4 is safe. */
static size_t decode_z(const char *s, uint32_t *cp)
{
	return text_decode(s, 4, cp);
}

size_t text_encode(uint32_t cp, char *out)
{
	/* Never emit ill-formed UTF-8, whatever the caller passes
	 * (utf8proc_encode_char would encode a surrogate). */
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = CP_REPLACEMENT;
	return (size_t)utf8proc_encode_char((utf8proc_int32_t)cp,
					    (utf8proc_uint8_t *)out);
}

/* How many bytes the n bytes at s (1 to 3) lack to be one well-formed
 * sequence, or 0 if no bytes could make them one.  Asked of utf8proc by
 * completing them: 0x80 continues every lead byte except E0 and F0, which
 * need a second byte from A0 and 90 up, and A0 serves both. */
static size_t missing_bytes(const char *s, size_t n)
{
	static const unsigned char second[] = { 0x80, 0xA0 };
	unsigned char buf[4];
	size_t i;

	for (i = 0; i < sizeof second; i++) {
		uint32_t cp;
		size_t got;

		memcpy(buf, s, n);
		memset(buf + n, 0x80, sizeof buf - n);
		if (n == 1)
			buf[1] = second[i];
		got = decode_strict((const char *)buf, sizeof buf, &cp);
		if (got > n)
			return got - n;
	}
	return 0;
}

size_t text_valid_prefix(const char *s, size_t len, size_t *missing)
{
	size_t i = 0;

	if (missing)
		*missing = 0;
	if (s == NULL)
		return 0;
	while (i < len) {
		uint32_t cp;
		size_t n;

		/* ASCII, 8 bytes at a time: CSV files are read through here. */
		while (len - i >= 8) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		n = decode_strict(s + i, len - i, &cp);
		if (n == 0) {
			if (missing && len - i < 4)
				*missing = missing_bytes(s + i, len - i);
			return i;
		}
		i += n;
	}
	return len;
}

bool text_valid_utf8(const char *s, size_t len)
{
	if (s == NULL)
		return len == 0;
	return text_valid_prefix(s, len, NULL) == len;
}

size_t text_cut(const char *s, size_t max)
{
	size_t i = max;

	if (s == NULL)
		return 0;
	/* Back over at most three continuation bytes to a lead byte. */
	while (i > 0 && max - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xC0 &&
	    missing_bytes(s + i - 1, max - (i - 1)) > 0)
		return i - 1;
	return max;
}

uint32_t text_fold_width(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFF01 + 0x21;
	if (cp == 0x3000)
		return ' ';
	return cp;
}

bool text_cp_separator(uint32_t cp)
{
	if (cp > 0x10FFFF)
		return false;
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO: case UTF8PROC_CATEGORY_CC:
		return true;
	default:
		return false;
	}
}

/* ---- width -------------------------------------------------------------- */

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

/* Unassigned code points that a newer Unicode than utf8proc's (15.0 in
 * Debian 12) fills with wide characters, which utf8proc can only call 1
 * column while the terminal draws 2:
 *  - the ideograph blocks and planes, which UAX #11 says default to Wide:
 *    new ideographs are rare name characters (生僻字, Extension I at
 *    U+2EBF0), exactly what a register of callers meets;
 *  - the emoji blocks, where new emoji arrive every year and every one
 *    with emoji presentation is Wide. */
static bool unassigned_wide(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFD) ||
	       (cp >= 0x1F300 && cp <= 0x1FAFF);
}

/* The four spacing marks East Asian Width calls Wide: Hangul tone marks
 * U+302E-302F and the Vietnamese reading marks U+16FF0-16FF1. */
static bool wide_spacing_mark(uint32_t cp)
{
	return (cp >= 0x302E && cp <= 0x302F) || (cp >= 0x16FF0 && cp <= 0x16FF1);
}

int text_cp_width(uint32_t cp)
{
	const utf8proc_property_t *p;
	int w;

	if (is_control(cp))
		return 0;
	if (cp < 0xA1)
		return 1;	/* printable ASCII and NBSP: the common case */
	/* A value no decoder produces is drawn as the replacement character. */
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = CP_REPLACEMENT;
	p = utf8proc_get_property((utf8proc_int32_t)cp);
	w = p->charwidth;
	/* Where utf8proc 2.8 and glibc's wcwidth (what ncurses and the
	 * terminal count with) disagree, the terminal wins:
	 *  - spacing marks (Mc, Devanagari U+093E ...) advance the cursor: 1
	 *    (2 for the four wide ones);
	 *  - the prepended concatenation marks (Cf, Arabic U+0600 ...) are
	 *    drawn: 1;
	 *  - Hangul medial vowels and final consonants (U+1160-11FF,
	 *    U+D7B0-D7FF) compose onto the leading consonant: 0;
	 *  - some unassigned code points: see unassigned_wide. */
	if (p->category == UTF8PROC_CATEGORY_MC)
		w = wide_spacing_mark(cp) ? 2 : 1;
	else if (p->category == UTF8PROC_CATEGORY_CF &&
		 p->boundclass == UTF8PROC_BOUNDCLASS_PREPEND)
		w = 1;
	else if (p->boundclass == UTF8PROC_BOUNDCLASS_V ||
		 p->boundclass == UTF8PROC_BOUNDCLASS_T)
		w = 0;
	else if (p->category == UTF8PROC_CATEGORY_CN && unassigned_wide(cp))
		w = 2;
	/* Only a 1-column character can be ambiguous: combining marks the UCD
	 * also marks ambiguous (U+0300 ...) stay 0. */
	if (w == 1 && ambiguous_is_wide && is_ambiguous(cp))
		w = 2;
	return w;
}

int text_width_n(const char *s, size_t len)
{
	size_t i = 0;
	int total = 0;

	if (s == NULL)
		return 0;
	while (i < len) {
		uint32_t cp;
		int w;

		i += text_decode(s + i, len - i, &cp);
		w = text_cp_width(cp);
		/* absurdly long input: saturate rather than overflow */
		if (w > INT_MAX - total)
			return INT_MAX;
		total += w;
	}
	return total;
}

int text_width(const char *s)
{
	return s ? text_width_n(s, strlen(s)) : 0;
}

size_t text_length(const char *s)
{
	size_t count = 0;
	uint32_t cp;

	if (s == NULL)
		return 0;
	while (*s) {
		s += decode_z(s, &cp);
		count++;
	}
	return count;
}

/* ---- sanitising --------------------------------------------------------- */

bool text_cp_stripped(uint32_t cp)
{
	/* Controls (C0, DEL, C1), then the format characters that can reorder
	 * or break what is drawn around them: an U+202E in a company name
	 * would make the rest of the row read backwards, so they go even
	 * though they take no columns.  A list, not a class: the bidi marks
	 * share category Cf with ZWJ and the soft hyphen, which stay. */
	return is_control(cp) || cp > 0x10FFFF ||
	       (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C ||
	       cp == 0x2028 || cp == 0x2029;
}

char *text_sanitize(const char *s, size_t len, unsigned flags)
{
	char *out, *shrunk;
	size_t i = 0, o = 0;

	if (s == NULL)
		len = 0;
	/* Worst case: every byte is invalid and becomes a 3-byte U+FFFD;
	 * everything else is at most as long as its input. */
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(len * 3 + 1);
	if (out == NULL)
		return NULL;
	while (i < len) {
		uint32_t cp;

		i += text_decode(s + i, len - i, &cp);
		if (cp == '\t') {
			out[o++] = ' ';
		} else if (cp == '\n') {
			out[o++] = (flags & TEXT_KEEP_NEWLINES) ? '\n' : ' ';
		} else if (text_cp_stripped(cp)) {
			/* includes \r, so "\r\n" ends up as the \n alone */
			continue;
		} else {
			o += text_encode(cp, out + o);
		}
	}
	out[o] = '\0';
	/* Sanitised text is usually kept (stored, cached), so give back the
	 * worst-case slack; if realloc fails the big block is still fine. */
	shrunk = realloc(out, o + 1);
	return shrunk ? shrunk : out;
}

static bool is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

char *text_trim(char *s)
{
	char *start = s;
	size_t n;

	if (s == NULL)
		return NULL;
	/* strncmp, not memcmp: it stops at the NUL of a short string. */
	for (;;) {
		if (is_ascii_space(*start))
			start++;
		else if (strncmp(start, ideo_space_utf8, 3) == 0)
			start += 3;
		else
			break;
	}
	n = strlen(start);
	for (;;) {
		if (n > 0 && is_ascii_space(start[n - 1]))
			n--;
		else if (n >= 3 &&
			 memcmp(start + n - 3, ideo_space_utf8, 3) == 0)
			n -= 3;
		else
			break;
	}
	memmove(s, start, n);
	s[n] = '\0';
	return s;
}

/* ---- fitting ------------------------------------------------------------ */

/* The fitting functions cut only between grapheme clusters (UAX #29, as
 * utf8proc finds them), so a cut never strands an accent, splits "é" from
 * its e, a flag's two regional indicators or an emoji ZWJ sequence. */

/* Width of cp as fit_cols draws it: tabs and newlines become one space. */
static int draw_width(uint32_t cp)
{
	if (cp == '\t' || cp == '\n')
		return 1;
	return text_cp_width(cp);
}

/* Bytes fit_cols writes for cp: controls other than tab and newline are
 * dropped so an ESC can never reach the terminal through a fitted cell;
 * invalid input was already turned into U+FFFD by the decoder. */
static size_t draw_bytes(uint32_t cp)
{
	char tmp[4];

	if (cp == '\t' || cp == '\n')
		return 1;
	/* Bidi overrides are dropped too: text that reached the database some
	 * other way must not reorder what is drawn after it. */
	if (text_cp_stripped(cp))
		return 0;
	return text_encode(cp, tmp);
}

/* Code points that neither extend a cluster nor join the next one (their
 * grapheme break class is Other, Control, CR or LF, and they are not
 * Extended_Pictographic like U+00A9): ASCII, Latin-1 and the CJK
 * ideographs, the text of nearly every row the console draws. */
static bool breaks_plainly(uint32_t cp)
{
	return (cp < 0x300 && cp != 0xA9 && cp != 0xAE) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

/* Whether a cluster boundary lies between prev and cp.  Between two plain
 * code points the answer is always yes (but CR LF) and is given without
 * asking utf8proc; the state is reset there, as utf8proc would after such
 * a break.  Measured with tests/bench/bench_text (rows of Chinese with
 * ASCII, fitted to 40 columns): 790 ns a row with this, 950 without, 1025
 * with the hand-kept tables this file had before utf8proc. */
static bool cluster_break(uint32_t prev, uint32_t cp, utf8proc_int32_t *state)
{
	if (breaks_plainly(prev) && breaks_plainly(cp)) {
		*state = 0;
		return !(prev == '\r' && cp == '\n');
	}
	return utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev,
						(utf8proc_int32_t)cp, state);
}

struct cluster {
	const char *end;	/* first byte after the cluster */
	int width;		/* columns: the sum of its code points' */
	size_t bytes;		/* bytes fit_cols writes for it */
};

/* Scan the cluster at s (which must not be at the NUL).  draw selects
 * fit_cols' view of tabs and newlines over text_width's. */
static void next_cluster(const char *s, bool draw, struct cluster *c)
{
	utf8proc_int32_t state = 0;
	uint32_t prev, cp;

	s += decode_z(s, &prev);
	c->width = draw ? draw_width(prev) : text_cp_width(prev);
	c->bytes = draw_bytes(prev);
	while (*s) {
		size_t n = decode_z(s, &cp);

		if (cluster_break(prev, cp, &state))
			break;
		s += n;
		c->width += draw ? draw_width(cp) : text_cp_width(cp);
		c->bytes += draw_bytes(cp);
		prev = cp;
	}
	c->end = s;
}

size_t text_fit(const char *s, int cols, int *used)
{
	const char *p = s;
	int w = 0;

	if (s != NULL) {
		while (*p) {
			struct cluster c;

			next_cluster(p, false, &c);
			if (c.width > cols - w)
				break;
			w += c.width;
			p = c.end;
		}
	}
	if (used)
		*used = w;
	return s ? (size_t)(p - s) : 0;
}

static size_t back_one(const char *p, size_t i)
{
	do
		i--;
	while (i && ((unsigned char)p[i] & 0xC0) == 0x80);
	return i;
}

static bool latin(char c)
{
	return c && c != ' ' && !((unsigned char)c & 0x80);
}

/* Where a line that could hold n bytes of p breaks: not before closing
 * punctuation (。，、；：！？）」』”), and not inside a Latin word or a number
 * (zhishou, 13812345678) when an earlier break is near. */
static size_t wrap_point(const char *p, size_t n)
{
	static const char *const closing[] = { "。", "，", "、", "；", "：", "！", "？", "）", "」", "』", "”", ")", ",", ".", NULL };
	size_t brk = n;
	for (int guard = 0; guard < 2 && brk > 1; guard++) {
		bool moved = false;
		for (int i = 0; closing[i]; i++)
			if (!strncmp(p + brk, closing[i], strlen(closing[i]))) {
				brk = back_one(p, brk);
				moved = true;
				break;
			}
		if (!moved)
			break;
	}
	/* A field or list item stays whole when a space or a comma is near the
	 * end (本地：涉及  牵头：… ; 投诉 124，举报 54). */
	for (size_t b = brk; b > n * 3 / 5; b = back_one(p, b)) {
		if (p[b - 1] == ' ' || (b >= 3 && (!strncmp(p + b - 3, "，", 3) || !strncmp(p + b - 3, "；", 3) ||
						   !strncmp(p + b - 3, "、", 3)))) {
			if (b < brk && p[b] != ' ')
				brk = b;
			break;
		}
	}
	if (brk && latin(p[brk - 1]) && latin(p[brk])) {
		size_t b = brk;
		while (b > n / 4 && latin(p[b - 1]))
			b--;
		if (b > n / 4)
			brk = b;
	}
	return brk ? brk : n;
}

size_t text_wrap_line(const char *s, int cols)
{
	size_t n = text_fit(s, cols, NULL);
	if (!n && *s)   /* a character wider than the line: it goes alone */
		n = text_decode(s, strlen(s), &(uint32_t){ 0 });
	if (s[n])
		n = wrap_point(s, n);
	return n;
}


/* Output buffer for fit_cols.  With buf NULL it only counts columns, which
 * lets the right-aligned variant measure before writing.  Once something
 * does not fit in the bytes left, nothing more is written: output stops at
 * a cluster boundary instead of skipping ahead to a shorter character. */
struct sink {
	char *buf;
	size_t cap;		/* buffer size, including room for the NUL */
	size_t len;
	int cols;
	bool full;
};

static bool sink_room(struct sink *k, size_t n)
{
	if (k->full)
		return false;
	if (k->buf != NULL && n >= k->cap - k->len) {
		k->full = true;
		return false;
	}
	return true;
}

static void sink_spaces(struct sink *k, int n)
{
	while (n-- > 0 && sink_room(k, 1)) {
		if (k->buf)
			k->buf[k->len] = ' ';
		k->len++;
		k->cols++;
	}
}

static void sink_cluster(struct sink *k, const char *s, const struct cluster *c)
{
	if (!sink_room(k, c->bytes))
		return;
	if (k->buf) {
		while (s < c->end) {
			uint32_t cp;

			s += decode_z(s, &cp);
			if (cp == '\t' || cp == '\n')
				k->buf[k->len++] = ' ';
			else if (!text_cp_stripped(cp))
				k->len += text_encode(cp, k->buf + k->len);
		}
	} else {
		k->len += c->bytes;
	}
	k->cols += c->width;
}

static void sink_ellipsis(struct sink *k, int width)
{
	if (!sink_room(k, 3))
		return;
	if (k->buf)
		memcpy(k->buf + k->len, ellipsis_utf8, 3);
	k->len += 3;
	k->cols += width;
}

/* Draw s into k within cols columns, with an ellipsis if it had to be cut. */
static void render_fit(const char *s, int cols, struct sink *k)
{
	const char *p = s;
	int total = 0, ell, budget, w = 0;
	bool cut = false;

	/* Measure first, stopping as soon as s is known not to fit. */
	while (*p) {
		struct cluster c;

		next_cluster(p, true, &c);
		if (c.width > cols - total) {
			cut = true;
			break;
		}
		total += c.width;
		p = c.end;
	}
	ell = text_cp_width(CP_ELLIPSIS);
	/* If even the ellipsis does not fit, a plain cut says more than
	 * nothing at all. */
	budget = (cut && cols >= ell) ? cols - ell : cols;
	for (p = s; *p;) {
		struct cluster c;

		next_cluster(p, true, &c);
		if (c.width > budget - w)
			break;
		w += c.width;
		sink_cluster(k, p, &c);
		p = c.end;
	}
	if (cut && cols >= ell)
		sink_ellipsis(k, ell);
}

enum align { ALIGN_NONE, ALIGN_LEFT, ALIGN_RIGHT };

/* text_fit_cols and text_fit_cols_right: padded after the text (LEFT),
 * before it (RIGHT, measured first with a counting sink) or not at all. */
static int fit_aligned(const char *s, int cols, enum align how, char *out, size_t outsz)
{
	struct sink k = { out, outsz, 0, 0, false };

	if (out == NULL || outsz == 0)
		return 0;
	if (s == NULL)
		s = "";
	if (cols < 0)
		cols = 0;
	if (how == ALIGN_RIGHT) {
		struct sink measure = { NULL, 0, 0, 0, false };

		render_fit(s, cols, &measure);
		sink_spaces(&k, cols - measure.cols);
	}
	render_fit(s, cols, &k);
	if (how == ALIGN_LEFT)
		sink_spaces(&k, cols - k.cols);
	k.buf[k.len] = '\0';
	return k.cols;
}

int text_fit_cols(const char *s, int cols, bool pad, char *out, size_t outsz)
{
	return fit_aligned(s, cols, pad ? ALIGN_LEFT : ALIGN_NONE, out, outsz);
}

int text_fit_cols_right(const char *s, int cols, char *out, size_t outsz)
{
	return fit_aligned(s, cols, ALIGN_RIGHT, out, outsz);
}
