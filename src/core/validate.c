/* validate: phones as Chinese operators type them, USCC per GB 32100-2015.
 * See include/zhishou/validate.h for the contract. */
#include "zhishou/validate.h"
#include "zhishou/text.h"

#include <stdint.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static void set_empty(char *out, size_t outsz)
{
	if (out && outsz > 0)
		out[0] = '\0';
}

/* ---- phones ------------------------------------------------------------ */

static bool mobile_digits(const char *s, size_t n)
{
	return n == 11 && all_digits(s, n) && s[0] == '1' && s[1] >= '3' &&
	       s[1] <= '9';
}

/* Length of the area code a 0-leading number calls for: 3 for 010 and
 * 020-029, 4 for the other 0[1-9]xx codes, 0 if it cannot be one. */
static size_t area_len(const char *s, size_t n)
{
	if (n < 3 || s[0] != '0' || !is_digit(s[1]) || !is_digit(s[2]))
		return 0;
	if (s[1] == '0')
		return 0; /* 00 is the international prefix */
	if (s[1] == '2' || (s[1] == '1' && s[2] == '0'))
		return 3;
	if (n < 4 || !is_digit(s[3]))
		return 0;
	return 4;
}

/* A full landline, digits only, no separator, no extension. */
static bool landline_digits(const char *s, size_t n)
{
	size_t a;

	if (!all_digits(s, n))
		return false;
	a = area_len(s, n);
	if (a == 3)
		return n == 11;
	if (a == 4)
		return n == 11 || n == 12;
	return false;
}

/* Separators dropped from a phone: ASCII and fullwidth space, dashes,
 * parentheses. */
static bool phone_sep(uint32_t cp, bool *dash)
{
	*dash = false;
	switch (cp) {
	case '-': case 0x2010: case 0x2011: case 0x2012:
	case 0x2013: case 0x2014: case 0x2212:
		*dash = true;
		return true;
	case ' ': case '\t': case 0x00A0:
	case '(': case ')':
		return true;
	default:
		return false;
	}
}

/* If s starts with an extension marker ("转", "轉", "分机", "分機", "ext",
 * "ext.", "x", case-insensitive), return its length, else 0. */
static size_t ext_marker(const char *s)
{
	static const char *const marks[] = {
		"\xE8\xBD\xAC",             /* 转 */
		"\xE8\xBD\x89",             /* 轉 */
		"\xE5\x88\x86\xE6\x9C\xBA", /* 分机 */
		"\xE5\x88\x86\xE6\xA9\x9F", /* 分機 */
	};
	size_t i;

	for (i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		size_t l = strlen(marks[i]);
		if (strncmp(s, marks[i], l) == 0)
			return l;
	}
	if ((s[0] == 'e' || s[0] == 'E') && (s[1] == 'x' || s[1] == 'X') &&
	    (s[2] == 't' || s[2] == 'T'))
		return s[3] == '.' ? 4 : 3;
	if (s[0] == 'x' || s[0] == 'X')
		return 1;
	return 0;
}

#define PHONE_MAX 64

bool phone_normalize(const char *in, char *out, size_t outsz)
{
	/* Digits in groups; grp_end[i] is the end (in digits[]) of group i,
	 * dash_after[i] whether a dash-like separator followed group i. */
	char digits[PHONE_MAX], ext[PHONE_MAX];
	size_t grp_end[PHONE_MAX];
	bool dash_after[PHONE_MAX];
	size_t nd = 0, ng = 0, ne = 0, cc, pos = 0, len;
	bool in_group = false, plus = false, in_ext = false, have_ext = false;
	bool pending_dash = false, add0;
	char res[PHONE_MAX * 2 + 2];
	size_t nr;

	set_empty(out, outsz);
	if (!in || !out)
		return false;
	len = strlen(in);

	while (pos < len) {
		uint32_t cp;
		size_t k = text_decode(in + pos, len - pos, &cp);
		bool dash;
		size_t m;

		cp = text_fold_width(cp);	/* ０-９, －, （）, ＋, U+3000 */
		if (cp >= '0' && cp <= '9') {
			if (in_ext) {
				if (ne + 1 >= sizeof ext)
					return false;
				ext[ne++] = (char)cp;
			} else {
				if (nd + 1 >= sizeof digits)
					return false;
				if (!in_group) {
					if (ng > 0)
						dash_after[ng - 1] = pending_dash;
					in_group = true;
				}
				digits[nd++] = (char)cp;
			}
			pending_dash = false;
			pos += k;
			continue;
		}
		if (phone_sep(cp, &dash)) {
			if (!in_ext && in_group) {
				grp_end[ng] = nd;
				dash_after[ng] = false;
				ng++;
				in_group = false;
			}
			if (dash)
				pending_dash = true;
			pos += k;
			continue;
		}
		if (cp == '+' && nd == 0 && !plus && !in_ext) {
			plus = true;
			pos += k;
			continue;
		}
		if (!in_ext && nd > 0 && (m = ext_marker(in + pos)) > 0) {
			if (in_group) {
				grp_end[ng] = nd;
				dash_after[ng] = false;
				ng++;
				in_group = false;
			}
			in_ext = have_ext = true;
			pos += m;
			continue;
		}
		return false; /* letters, punctuation, anything else */
	}
	if (in_group) {
		grp_end[ng] = nd;
		dash_after[ng] = false;
		ng++;
	}
	if (have_ext && (ne == 0 || ne > 6))
		return false; /* a marker with nothing (or too much) after it */

	/* Country code: "+86" / "0086" before anything, "86" before a mobile.
	 * After +86/0086 a landline has lost its national 0: put it back. */
	cc = 0;
	add0 = false;
	if (plus || (nd >= 4 && strncmp(digits, "0086", 4) == 0)) {
		cc = plus ? 2 : 4;
		if (nd < cc + 1 || digits[cc - 2] != '8' || digits[cc - 1] != '6')
			return false; /* another country: not ours */
		/* 2-9 start an area code; so does 10 (Beijing), while
		 * 13-19 start a mobile. */
		add0 = (digits[cc] >= '2' && digits[cc] <= '9') ||
		       (digits[cc] == '1' && cc + 1 < nd && digits[cc + 1] == '0');
	} else if (!have_ext && nd == 13 && digits[0] == '8' &&
		   digits[1] == '6' && mobile_digits(digits + 2, 11)) {
		cc = 2;
	}
	nr = 0;
	if (add0)
		res[nr++] = '0';
	memcpy(res + nr, digits + cc, nd - cc);
	nr += nd - cc;
	res[nr] = '\0';

	/* "-123" after a full landline: the last dash-separated group is an
	 * extension when what precedes it is already a complete landline. */
	if (!have_ext && ng >= 2 && dash_after[ng - 2] && grp_end[ng - 2] > cc) {
		size_t last = nd - grp_end[ng - 2];
		size_t before = nr - last;
		if (last >= 1 && last <= 6 && landline_digits(res, before)) {
			memcpy(ext, res + before, last);
			ne = last;
			have_ext = true;
			nr = before;
		}
	}
	if (have_ext) {
		res[nr++] = '-';
		memcpy(res + nr, ext, ne);
		nr += ne;
	}
	res[nr] = '\0';
	if (nr + 1 > outsz)
		return false;
	memcpy(out, res, nr + 1);
	return true;
}

bool phone_is_mobile(const char *normalized)
{
	return normalized && mobile_digits(normalized, strlen(normalized));
}

bool phone_is_landline(const char *s)
{
	size_t n, a, main_end, local_start, local_len;
	const char *dash;

	if (!s)
		return false;
	n = strlen(s);
	a = area_len(s, n);
	if (a == 0)
		return false;
	/* Optional separator right after the area code. */
	local_start = a;
	if (s[a] == '-')
		local_start = a + 1;
	dash = strchr(s + local_start, '-');
	main_end = dash ? (size_t)(dash - s) : n;
	local_len = main_end - local_start;
	if (!all_digits(s + local_start, local_len))
		return false;
	if (a == 3 ? local_len != 8 : (local_len != 7 && local_len != 8))
		return false;
	if (dash) {
		size_t el = n - main_end - 1;
		if (el < 1 || el > 6 || !all_digits(dash + 1, el))
			return false;
	}
	return true;
}

bool phone_is_valid(const char *normalized)
{
	return phone_is_mobile(normalized) || phone_is_landline(normalized);
}

static void copy_out(char *out, size_t outsz, const char *src)
{
	size_t l;

	if (!out || outsz == 0)
		return;
	l = strlen(src);
	if (l >= outsz)
		l = outsz - 1;
	memcpy(out, src, l);
	out[l] = '\0';
}

void phone_mask(const char *s, char *out, size_t outsz)
{
	char buf[PHONE_MAX + 16];
	size_t n, i;

	if (!out || outsz == 0)
		return;
	if (!s) {
		copy_out(out, outsz, "****");
		return;
	}
	n = strlen(s);
	if (phone_is_mobile(s)) {
		memcpy(buf, s, 3);
		memcpy(buf + 3, "****", 4);
		memcpy(buf + 7, s + 7, 4);
		buf[11] = '\0';
	} else if (phone_is_landline(s)) {
		/* Area code, ****, last 4 of the local number; the extension
		 * is dropped. */
		size_t a = area_len(s, n);
		size_t local_start = s[a] == '-' ? a + 1 : a;
		const char *dash = strchr(s + local_start, '-');
		size_t main_end = dash ? (size_t)(dash - s) : n;
		memcpy(buf, s, a);
		memcpy(buf + a, "****", 4);
		memcpy(buf + a + 4, s + main_end - 4, 4);
		buf[a + 8] = '\0';
	} else {
		bool ascii = n < PHONE_MAX;
		for (i = 0; ascii && i < n; i++)
			if ((unsigned char)s[i] >= 0x80)
				ascii = false;
		if (n < 7 || !ascii) {
			copy_out(out, outsz, "****");
			return;
		}
		if (n >= 11) {
			memcpy(buf, s, 3);
			memcpy(buf + 3, "****", 4);
			memcpy(buf + 7, s + n - 4, 5);
		} else {
			memcpy(buf, "****", 4);
			memcpy(buf + 4, s + n - 4, 5);
		}
	}
	copy_out(out, outsz, buf);
}

/* ---- names ------------------------------------------------------------- */

static bool ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

void name_mask(const char *name, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n, pos = 0, o = 0, k;
	uint32_t cp;

	if (!out || outsz == 0)
		return;
	out[0] = '\0';
	if (!name)
		return;
	n = strlen(name);
	while (n > 0 && ascii_space(s[n - 1]))
		n--;
	while (pos < n && ascii_space(s[pos]))
		pos++;
	if (pos >= n)
		return;

	k = text_decode(name + pos, n - pos, &cp);
	if (cp == 0xFFFD &&
	    !(k == 3 && memcmp(s + pos, "\xEF\xBF\xBD", 3) == 0)) {
		/* Invalid first byte: show a replacement character rather than
		 * a broken sequence. */
		static const char repl[] = "\xEF\xBF\xBD";
		if (sizeof repl > outsz)
			return;
		memcpy(out, repl, 3);
		o = 3;
	} else {
		if (k + 1 > outsz)
			return;
		memcpy(out, s + pos, k);
		o = k;
	}
	pos += k;
	while (pos < n && o + 1 < outsz) {
		pos += text_decode(name + pos, n - pos, &cp);
		out[o++] = '*';
	}
	out[o] = '\0';
}

/* ---- USCC (GB 32100-2015) ---------------------------------------------- */

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

static int uscc_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(uscc_alphabet, c);
	return p ? (int)(p - uscc_alphabet) : -1;
}

void uscc_normalize(const char *in, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n, pos = 0, o = 0;

	if (!out || outsz == 0)
		return;
	out[0] = '\0';
	if (!in)
		return;
	n = strlen(in);
	/* Trim ASCII and fullwidth (U+3000, E3 80 80) spaces at both ends. */
	for (;;) {
		if (pos < n && ascii_space(s[pos]))
			pos++;
		else if (n - pos >= 3 && s[pos] == 0xE3 && s[pos + 1] == 0x80 &&
			 s[pos + 2] == 0x80)
			pos += 3;
		else
			break;
	}
	for (;;) {
		if (n > pos && ascii_space(s[n - 1]))
			n--;
		else if (n - pos >= 3 && s[n - 3] == 0xE3 && s[n - 2] == 0x80 &&
			 s[n - 1] == 0x80)
			n -= 3;
		else
			break;
	}
	while (pos < n) {
		uint32_t cp;
		size_t k = text_decode(in + pos, n - pos, &cp);

		/* Fullwidth digits and letters become ASCII. */
		cp = text_fold_width(cp);
		if (cp < 0x80) {
			char c = (char)cp;
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (o + 1 >= outsz)
				break;
			out[o++] = c;
		} else {
			/* Anything else is copied as is (and will not validate). */
			if (o + k >= outsz)
				break;
			memcpy(out + o, s + pos, k);
			o += k;
		}
		pos += k;
	}
	out[o] = '\0';
}

char uscc_check_char(const char *first17)
{
	int sum = 0, i, c;

	if (!first17)
		return 0;
	for (i = 0; i < 17; i++) {
		int v = uscc_value(first17[i]);
		if (v < 0)
			return 0;
		sum += v * uscc_weights[i];
	}
	c = 31 - sum % 31;
	if (c == 31)
		c = 0;
	return uscc_alphabet[c];
}

bool uscc_is_valid(const char *normalized)
{
	char want;

	if (!normalized || strlen(normalized) != 18)
		return false;
	if (uscc_value(normalized[17]) < 0)
		return false;
	want = uscc_check_char(normalized);
	return want != 0 && want == normalized[17];
}
