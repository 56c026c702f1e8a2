/* csvfile: read a CSV file the way Excel and WPS write it on Chinese PCs.
 *
 * Pipeline (csv_parse_buffer):
 *   size limit -> empty -> UTF-16 -> binary -> encoding (BOM / UTF-8 /
 *   GB18030 via iconv) -> libcsv -> blank records dropped -> empty again.
 *
 * Field semantics (lenient, like Excel):
 *   - unquoted fields are kept byte for byte, spaces included (the header
 *     promises "not trimmed"; callers trim);
 *   - quoted fields: the text between the quotes, "" -> ", CRLF -> LF;
 *     spaces/tabs outside the quotes (` "a, b" ,`) are dropped;
 *   - a quote inside an unquoted field is literal; a stray quote inside a
 *     quoted field is literal (libcsv's non-strict behaviour);
 *   - a quoted field still open at end of file is an error naming the line
 *     its record started on.
 *
 * libcsv does not report positions, so the buffer is fed in pieces that
 * end at every '\n' and around every run of spaces/tabs; between pieces we
 * look at the parser's public state (p.pstate) to learn where a record
 * starts and to choose how spaces are treated.  The state values below are
 * libcsv's (libcsv.c, unchanged since 2.0, checked against 3.0.3).
 *
 * Memory layout: each record's fields live in ONE malloc'd block (the char*
 * array followed by the strings), so csv_table_free frees records[i].fields
 * only.  Callers may edit field bytes in place but must not free or
 * replace individual field pointers. */
#include "zhishou/csvfile.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define CSV_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define BINARY_SCAN_BYTES 8192
#define BINARY_MAX_CONTROLS 4      /* more than this many stray controls = binary */
#define CSV_MAX_COLUMNS 16384      /* Excel's column limit */
#define CSV_MAX_RECORDS 1048576    /* Excel's row limit */

/* libcsv parser states (struct csv_parser.pstate). */
#define LIBCSV_ROW_NOT_BEGUN 0
#define LIBCSV_FIELD_NOT_BEGUN 1
#define LIBCSV_FIELD_BEGUN 2
#define LIBCSV_FIELD_MIGHT_HAVE_ENDED 3

#define MSG_EMPTY "文件为空"
#define MSG_BINARY "不是文本文件（含二进制数据）"
#define MSG_ENCODING "编码无法识别：既不是 UTF-8 也不是 GB18030"
#define MSG_TOO_BIG "文件过大（超过 64 MiB）"
#define MSG_NOMEM "内存不足，无法读取文件"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---------------------------------------------------------------- errors */

/* Length of the longest prefix of s[0..len) that does not end inside a
 * UTF-8 sequence (used to cut a truncated message cleanly). */
static size_t utf8_clean_prefix(const char *s, size_t len)
{
	size_t i = len;
	size_t back = 0;
	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0)
		return len;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need;
	if (lead < 0x80)
		return len;
	else if ((lead & 0xE0) == 0xC0)
		need = 2;
	else if ((lead & 0xF0) == 0xE0)
		need = 3;
	else if ((lead & 0xF8) == 0xF0)
		need = 4;
	else
		return len;
	return (back + 1 >= need) ? len : i - 1;
}

static void set_err(char *err, size_t errsz, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
	if (err == NULL || errsz == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	if (n < 0) {
		err[0] = '\0';
		return;
	}
	if ((size_t)n >= errsz) {
		size_t len = errsz - 1;
		err[utf8_clean_prefix(err, len)] = '\0';
	}
}

/* ------------------------------------------------------------ text tools */

/* Strict UTF-8 check (no overlongs, surrogates or > U+10FFFF).  Returns
 * true if valid; otherwise *bad (if non-NULL) gets the offset of the first
 * bad byte. */
static bool utf8_valid(const unsigned char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned char lo = 0x80, hi = 0xBF; /* range of the 2nd byte */
		if (c >= 0xC2 && c <= 0xDF) {
			n = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3;
			if (c == 0xE0)
				lo = 0xA0;          /* overlong */
			else if (c == 0xED)
				hi = 0x9F;          /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4;
			if (c == 0xF0)
				lo = 0x90;          /* overlong */
			else if (c == 0xF4)
				hi = 0x8F;          /* > U+10FFFF */
		} else {
			goto invalid;
		}
		if (len - i < n)
			goto invalid;
		if (s[i + 1] < lo || s[i + 1] > hi)
			goto invalid;
		for (size_t k = 2; k < n; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				goto invalid;
		i += n;
	}
	return true;
invalid:
	if (bad)
		*bad = i;
	return false;
}

static bool is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Length of a "blank" sequence at s (ASCII whitespace, U+3000 ideographic
 * space, U+FEFF BOM), or 0. */
static size_t blank_at(const unsigned char *s, size_t len)
{
	if (len >= 1 && is_ascii_space(s[0]))
		return 1;
	if (len >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		return 3;
	return 0;
}

/* Length of a blank sequence ending at s[len-1], or 0. */
static size_t blank_before(const unsigned char *s, size_t len)
{
	if (len >= 1 && is_ascii_space(s[len - 1]))
		return 1;
	if (len >= 3) {
		const unsigned char *t = s + len - 3;
		if ((t[0] == 0xE3 && t[1] == 0x80 && t[2] == 0x80) ||
		    (t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF))
			return 3;
	}
	return 0;
}

/* Trim blanks on both ends of s[0..len): returns the start, sets *outlen. */
static const unsigned char *trim_blank(const unsigned char *s, size_t len, size_t *outlen)
{
	size_t k;
	while ((k = blank_at(s, len)) > 0) {
		s += k;
		len -= k;
	}
	while ((k = blank_before(s, len)) > 0)
		len -= k;
	*outlen = len;
	return s;
}

static size_t count_lines_before(const unsigned char *s, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

/* -------------------------------------------------------------- encoding */

/* Convert GB18030 to UTF-8 with iconv.  Returns a malloc'd buffer (not
 * NUL-terminated) and its length, or NULL: *nomem tells why. */
static char *gb18030_to_utf8(const char *in, size_t inlen, size_t *outlen, bool *nomem)
{
	*nomem = false;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return NULL;

	/* 2-byte GBK -> 3-byte UTF-8 is the worst expansion (x1.5). */
	size_t cap = inlen + inlen / 2 + 16;
	char *out = malloc(cap);
	if (out == NULL) {
		iconv_close(cd);
		*nomem = true;
		return NULL;
	}
	char *src = (char *)in; /* iconv's prototype is not const-correct */
	size_t srcleft = inlen;
	char *dst = out;
	size_t dstleft = cap;
	bool ok = true;

	while (srcleft > 0) {
		size_t r = iconv(cd, &src, &srcleft, &dst, &dstleft);
		if (r != (size_t)-1)
			continue;
		if (errno == E2BIG) {
			size_t used = (size_t)(dst - out);
			size_t ncap = cap * 2;
			char *n = realloc(out, ncap);
			if (n == NULL) {
				*nomem = true;
				ok = false;
				break;
			}
			out = n;
			cap = ncap;
			dst = out + used;
			dstleft = cap - used;
			continue;
		}
		ok = false; /* EILSEQ or EINVAL (truncated sequence at the end) */
		break;
	}
	if (ok) {
		/* Flush any shift state (none for GB18030, but be correct). */
		if (iconv(cd, NULL, NULL, &dst, &dstleft) == (size_t)-1)
			ok = false;
	}
	iconv_close(cd);
	if (!ok) {
		free(out);
		return NULL;
	}
	*outlen = (size_t)(dst - out);
	return out;
}

/* -------------------------------------------------------------- parsing */

enum parse_err { PE_OK, PE_NOMEM, PE_COLUMNS, PE_RECORDS };

struct field_span {
	size_t off, len;
};

struct parse_ctx {
	size_t line;      /* physical line of the byte being fed */
	size_t rec_line;  /* line the current record started on */

	struct field_span *spans; /* fields of the current record */
	size_t nspans, capspans;
	char *bytes;              /* their bytes, each NUL-terminated */
	size_t nbytes, capbytes;

	struct csv_record *recs;
	size_t nrecs, caprecs;

	enum parse_err err;
	size_t err_line;
};

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return false;
		ncap *= 2;
	}
	void *n = realloc(*p, ncap * elem);
	if (n == NULL)
		return false;
	*p = n;
	*cap = ncap;
	return true;
}

static void fail(struct parse_ctx *c, enum parse_err e)
{
	if (c->err == PE_OK) {
		c->err = e;
		c->err_line = c->rec_line;
	}
}

static void on_field(void *s, size_t len, void *data)
{
	struct parse_ctx *c = data;
	if (c->err != PE_OK)
		return;
	if (c->nspans >= CSV_MAX_COLUMNS) {
		fail(c, PE_COLUMNS);
		return;
	}
	if (!grow((void **)&c->spans, &c->capspans, c->nspans + 1, sizeof *c->spans) ||
	    !grow((void **)&c->bytes, &c->capbytes, c->nbytes + len + 1, 1)) {
		fail(c, PE_NOMEM);
		return;
	}
	const char *src = s;
	char *dst = c->bytes + c->nbytes;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (src[i] == '\r' && i + 1 < len && src[i + 1] == '\n')
			continue; /* CRLF inside a quoted field -> LF */
		dst[n++] = src[i];
	}
	dst[n] = '\0';
	c->spans[c->nspans].off = c->nbytes;
	c->spans[c->nspans].len = n;
	c->nspans++;
	c->nbytes += n + 1;
}

static bool record_is_blank(const struct parse_ctx *c)
{
	for (size_t i = 0; i < c->nspans; i++) {
		size_t len;
		trim_blank((const unsigned char *)c->bytes + c->spans[i].off, c->spans[i].len, &len);
		if (len > 0)
			return false;
	}
	return true;
}

static void on_record(int term, void *data)
{
	(void)term;
	struct parse_ctx *c = data;
	if (c->err == PE_OK && c->nspans > 0 && !record_is_blank(c)) {
		if (c->nrecs >= CSV_MAX_RECORDS) {
			fail(c, PE_RECORDS);
		} else if (!grow((void **)&c->recs, &c->caprecs, c->nrecs + 1, sizeof *c->recs)) {
			fail(c, PE_NOMEM);
		} else {
			size_t ptrs = c->nspans * sizeof(char *);
			char **block = malloc(ptrs + c->nbytes);
			if (block == NULL) {
				fail(c, PE_NOMEM);
			} else {
				char *str = (char *)block + ptrs;
				memcpy(str, c->bytes, c->nbytes);
				for (size_t i = 0; i < c->nspans; i++)
					block[i] = str + c->spans[i].off;
				struct csv_record *r = &c->recs[c->nrecs++];
				r->line = c->rec_line;
				r->nfields = c->nspans;
				r->fields = block;
			}
		}
	}
	c->nspans = 0;
	c->nbytes = 0;
	/* A bare CR ends a record mid-piece; the next one starts on this line. */
	c->rec_line = c->line;
}

static int space_yes(unsigned char ch)
{
	return ch == ' ' || ch == '\t';
}

static int space_no(unsigned char ch)
{
	(void)ch;
	return 0;
}

static void free_records(struct csv_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(recs[i].fields);
	free(recs);
}

/* Parse UTF-8 text s[0..n) into out->records.  Returns true on success. */
static bool parse_text(const unsigned char *s, size_t n, struct csv_table *out,
		       char *err, size_t errsz)
{
	struct parse_ctx c = { .line = 1, .rec_line = 1 };
	struct csv_parser p;
	if (csv_init(&p, 0) != 0) {
		set_err(err, errsz, MSG_NOMEM);
		return false;
	}

	bool libcsv_failed = false;
	size_t i = 0;
	while (i < n && c.err == PE_OK) {
		unsigned char ch = s[i];
		size_t j = i + 1;
		if (ch == ' ' || ch == '\t') {
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			bool skip;
			switch (p.pstate) {
			case LIBCSV_ROW_NOT_BEGUN:
			case LIBCSV_FIELD_NOT_BEGUN:
				/* Drop spaces only before an opening quote. */
				skip = j < n && s[j] == '"';
				break;
			case LIBCSV_FIELD_MIGHT_HAVE_ENDED:
				/* After a closing quote: drop up to the delimiter. */
				skip = true;
				break;
			default:
				/* Inside a field: keep (libcsv would trim trailing). */
				skip = false;
				break;
			}
			csv_set_space_func(&p, skip ? space_yes : space_no);
		} else if (ch != '\n') {
			while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n')
				j++;
		}
		if (p.pstate == LIBCSV_ROW_NOT_BEGUN)
			c.rec_line = c.line;
		if (csv_parse(&p, s + i, j - i, on_field, on_record, &c) != j - i) {
			libcsv_failed = true;
			break;
		}
		if (ch == '\n')
			c.line++;
		i = j;
	}

	bool unterminated = false;
	if (!libcsv_failed && c.err == PE_OK) {
		/* Lenient while parsing, strict only for the end-of-file check:
		 * csv_fini then fails if a quoted field is still open. */
		csv_set_opts(&p, CSV_STRICT | CSV_STRICT_FINI);
		if (csv_fini(&p, on_field, on_record, &c) != 0) {
			if (csv_error(&p) == CSV_EPARSE)
				unterminated = true;
			else
				libcsv_failed = true;
		}
	}
	csv_free(&p);
	free(c.spans);
	free(c.bytes);

	bool ok = false;
	if (unterminated)
		set_err(err, errsz, "第 %zu 行：引号未闭合", c.rec_line);
	else if (libcsv_failed || c.err == PE_NOMEM)
		set_err(err, errsz, MSG_NOMEM);
	else if (c.err == PE_COLUMNS)
		set_err(err, errsz, "第 %zu 行：列数过多（超过 %d 列）", c.err_line,
			CSV_MAX_COLUMNS);
	else if (c.err == PE_RECORDS)
		set_err(err, errsz, "第 %zu 行：行数过多（超过 %d 行）", c.err_line,
			CSV_MAX_RECORDS);
	else if (c.nrecs == 0)
		set_err(err, errsz, MSG_EMPTY);
	else
		ok = true;

	if (!ok) {
		free_records(c.recs, c.nrecs);
		return false;
	}
	out->records = c.recs;
	out->nrecords = c.nrecs;
	return true;
}

static bool looks_binary(const unsigned char *s, size_t len)
{
	if (memchr(s, '\0', len) != NULL)
		return true;
	size_t scan = len < BINARY_SCAN_BYTES ? len : BINARY_SCAN_BYTES;
	size_t controls = 0;
	for (size_t i = 0; i < scan; i++) {
		unsigned char c = s[i];
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F)
			controls++;
	}
	return controls > BINARY_MAX_CONTROLS;
}

bool csv_parse_buffer(const char *buf, size_t len, struct csv_table *out,
		      char *err, size_t errsz)
{
	if (err && errsz)
		err[0] = '\0';
	if (out == NULL) {
		set_err(err, errsz, "内部错误：没有输出表");
		return false;
	}
	out->encoding = CSV_UTF8;
	out->nrecords = 0;
	out->records = NULL;

	if (len > CSV_MAX_BYTES) {
		set_err(err, errsz, MSG_TOO_BIG);
		return false;
	}
	if (buf == NULL || len == 0) {
		set_err(err, errsz, MSG_EMPTY);
		return false;
	}

	const unsigned char *s = (const unsigned char *)buf;
	bool bom = len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF;
	const unsigned char *body = bom ? s + 3 : s;
	size_t bodylen = bom ? len - 3 : len;

	size_t k = 0;
	while (k < bodylen && is_ascii_space(body[k]))
		k++;
	if (k == bodylen) {
		set_err(err, errsz, MSG_EMPTY);
		return false;
	}

	if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
		set_err(err, errsz,
			"不支持 UTF-16 编码（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8”或普通 CSV");
		return false;
	}
	if (looks_binary(s, len)) {
		set_err(err, errsz, MSG_BINARY);
		return false;
	}

	enum csv_encoding enc;
	char *converted = NULL;
	const unsigned char *text;
	size_t textlen;
	size_t bad;

	if (bom) {
		if (!utf8_valid(body, bodylen, &bad)) {
			set_err(err, errsz, "第 %zu 行：文件标明为 UTF-8（带 BOM），但含有无效的 UTF-8 字节",
				count_lines_before(body, bad));
			return false;
		}
		enc = CSV_UTF8_BOM;
		text = body;
		textlen = bodylen;
	} else if (utf8_valid(s, len, NULL)) {
		enc = CSV_UTF8;
		text = s;
		textlen = len;
	} else {
		bool nomem;
		converted = gb18030_to_utf8(buf, len, &textlen, &nomem);
		if (converted == NULL) {
			set_err(err, errsz, nomem ? MSG_NOMEM : MSG_ENCODING);
			return false;
		}
		enc = CSV_GB18030;
		text = (const unsigned char *)converted;
		/* A GB18030 BOM (84 31 95 33) decodes to U+FEFF: drop it. */
		if (textlen >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF) {
			text += 3;
			textlen -= 3;
		}
		/* iconv output should always be valid; make sure of the promise. */
		if (!utf8_valid(text, textlen, NULL)) {
			free(converted);
			set_err(err, errsz, MSG_ENCODING);
			return false;
		}
	}

	bool ok = parse_text(text, textlen, out, err, errsz);
	free(converted);
	if (ok)
		out->encoding = enc;
	return ok;
}

/* ------------------------------------------------------------- file I/O */

bool csv_read_file(const char *path, struct csv_table *out, char *err, size_t errsz)
{
	if (err && errsz)
		err[0] = '\0';
	if (out) {
		out->encoding = CSV_UTF8;
		out->nrecords = 0;
		out->records = NULL;
	}
	if (path == NULL || out == NULL) {
		set_err(err, errsz, "内部错误：没有文件名或输出表");
		return false;
	}

	/* O_NONBLOCK so a FIFO cannot hang us before we reject it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		set_err(err, errsz, "无法打开文件 %s：%s", path, strerror(errno));
		return false;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		set_err(err, errsz, "无法打开文件 %s：%s", path, strerror(errno));
		close(fd);
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		set_err(err, errsz, "无法打开文件 %s：这是一个文件夹，不是文件", path);
		close(fd);
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errsz, "无法打开文件 %s：不是普通文件", path);
		close(fd);
		return false;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > CSV_MAX_BYTES) {
		set_err(err, errsz, MSG_TOO_BIG);
		close(fd);
		return false;
	}

	/* Read until EOF even if the size changed since fstat. */
	size_t cap = (size_t)st.st_size + 1;
	size_t len = 0;
	char *buf = malloc(cap);
	if (buf == NULL) {
		set_err(err, errsz, MSG_NOMEM);
		close(fd);
		return false;
	}
	for (;;) {
		if (len == cap) {
			if (cap > CSV_MAX_BYTES) {
				set_err(err, errsz, MSG_TOO_BIG);
				goto fail;
			}
			size_t ncap = cap * 2 > CSV_MAX_BYTES + 1 ? CSV_MAX_BYTES + 1 : cap * 2;
			char *n = realloc(buf, ncap);
			if (n == NULL) {
				set_err(err, errsz, MSG_NOMEM);
				goto fail;
			}
			buf = n;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			set_err(err, errsz, "读取文件 %s 失败：%s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);

	bool ok = csv_parse_buffer(buf, len, out, err, errsz);
	free(buf);
	return ok;

fail:
	free(buf);
	close(fd);
	return false;
}

void csv_table_free(struct csv_table *t)
{
	if (t == NULL)
		return;
	free_records(t->records, t->nrecords);
	t->records = NULL;
	t->nrecords = 0;
}

int csv_find_column(const struct csv_table *t, const char *const *names)
{
	if (t == NULL || names == NULL || t->nrecords == 0 || t->records == NULL)
		return -1;
	const struct csv_record *h = &t->records[0];
	/* Names are tried in the caller's order (first = preferred); for one
	 * name the left-most matching column wins. */
	for (const char *const *n = names; *n != NULL; n++) {
		size_t nlen = strlen(*n);
		for (size_t i = 0; i < h->nfields && i <= (size_t)INT_MAX; i++) {
			const char *f = h->fields[i];
			if (f == NULL)
				continue;
			size_t len;
			const unsigned char *tf =
				trim_blank((const unsigned char *)f, strlen(f), &len);
			if (len == nlen && memcmp(tf, *n, len) == 0)
				return (int)i;
		}
	}
	return -1;
}

const char *csv_encoding_name(enum csv_encoding e)
{
	switch (e) {
	case CSV_UTF8:
		return "UTF-8";
	case CSV_UTF8_BOM:
		return "UTF-8（带 BOM）";
	case CSV_GB18030:
		return "GB18030";
	}
	return "未知编码";
}
