/* csvfile: read a CSV file the way Excel and WPS write it on Chinese PCs.
 *
 * Two front ends share one engine (struct stream):
 *   - csv_parse_buffer / csv_read_file: the whole text (max 64 MiB) is
 *     pushed as ONE chunk and the records are collected into a csv_table;
 *   - csv_stream_file: the file is pushed in chunks (1 MiB) and each record
 *     goes to the caller's callback, so memory stays bounded (one chunk,
 *     its decoded text, and the largest record) whatever the file's size.
 *
 * Pipeline (stream_push):
 *   first chunk: empty -> UTF-16 -> binary -> encoding (BOM / UTF-8 /
 *   GB18030 via iconv); every chunk: NUL bytes, decoding (UTF-8 checked,
 *   GB18030 converted with one iconv descriptor; incomplete trailing
 *   sequences are left unconsumed and presented again with the next
 *   chunk) -> libcsv -> blank records dropped; at the end: unterminated
 *   quote, then "no records" = empty.  With the whole text as one chunk this
 *   is exactly the old csv_parse_buffer: the same checks in the same order.
 *
 * Field semantics (lenient, like Excel):
 *   - unquoted fields are kept byte for byte, spaces included (the header
 *     promises "not trimmed"; callers trim);
 *   - quoted fields: the text between the quotes, "" -> ", CRLF and a
 *     bare CR -> LF;
 *     spaces/tabs outside the quotes (` "a, b" ,`) are dropped;
 *   - a quote inside an unquoted field is literal; a stray quote inside a
 *     quoted field is literal (libcsv's non-strict behaviour);
 *   - a quoted field still open at end of file is an error naming the line
 *     its record started on.
 *
 * libcsv does not report positions, so the text is fed in pieces that end
 * at every '\n' and around every run of spaces/tabs; between pieces we
 * look at the parser's public state (p.pstate) to learn where a record
 * starts and to choose how spaces are treated.  The state values below are
 * libcsv's (libcsv.c, unchanged since 2.0, checked against 3.0.3).  libcsv
 * itself is a push parser, so chunk boundaries are invisible to it; the
 * one decision that needs look-ahead (spaces before a field: dropped only
 * if a quote follows) holds a trailing run of spaces back until the next
 * chunk shows what follows it.
 *
 * Memory layout of csv_table records: each record's fields live in ONE
 * malloc'd block (the char* array followed by the strings), so
 * csv_table_free frees records[i].fields only.  Callers may edit field
 * bytes in place but must not free or replace individual field pointers. */
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

#define CSV_MAX_BYTES ((size_t)64 * 1024 * 1024)     /* csv_parse_buffer / csv_read_file */
#define BINARY_SCAN_BYTES 8192
#define BINARY_MAX_CONTROLS 4      /* more than this many stray controls = binary */
#define CSV_MAX_COLUMNS 16384      /* Excel's column limit */
#define CSV_MAX_RECORDS 1048576    /* Excel's row limit (csv_table only) */
#define CSV_MAX_FIELD_MIB 16
#define CSV_MAX_FIELD_BYTES ((size_t)CSV_MAX_FIELD_MIB * 1024 * 1024)
#define CSV_MAX_RECORD_MIB 64
#define CSV_MAX_RECORD_BYTES ((size_t)CSV_MAX_RECORD_MIB * 1024 * 1024)
#define CSV_STREAM_CHUNK ((size_t)1024 * 1024)
#define CSV_MIN_CHUNK 4            /* room for a BOM / UTF-16 mark in chunk 1 */
#define RAW_SLACK 16               /* carried-over bytes + completion of chunk 1 */
#define LIBCSV_BLK_MIN 4096        /* libcsv grows its field buffer by blk_size */
#define PIECE_MAX ((size_t)64 * 1024) /* bytes per csv_parse call */
#define LIBCSV_BLK_MAX ((size_t)4 * 1024 * 1024)

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
#define MSG_UTF16 "不支持 UTF-16 编码（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8”或普通 CSV"

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

/* Strict UTF-8 scan (no overlongs, surrogates or > U+10FFFF).  Returns the
 * length of the longest prefix of s[0..len) made of complete, valid
 * sequences (len if all of it is valid).  When it stops early, *truncated
 * tells whether the rest is only a valid sequence cut short by the end of
 * the data (more bytes could complete it) rather than an invalid byte. */
static size_t utf8_scan(const unsigned char *s, size_t len, bool *truncated)
{
	*truncated = false;
	size_t i = 0;
	while (i < len) {
		/* ASCII fast path, 8 bytes at a time. */
		while (len - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= len)
			break;
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
			return i;
		}
		size_t avail = len - i < n ? len - i : n;
		if (avail >= 2 && (s[i + 1] < lo || s[i + 1] > hi))
			return i;
		for (size_t k = 2; k < avail; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		if (avail < n) {
			*truncated = true;
			return i;
		}
		i += n;
	}
	return len;
}

/* Number of bytes of the UTF-8 sequence led by c (1 for ASCII/invalid). */
static size_t utf8_seq_len(unsigned char c)
{
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 1;
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

/* -------------------------------------------------------------- parsing */

/* The parser: UTF-8 text in, one callback per non-blank record out.  Keeps
 * only the current record. */

enum parse_err { PE_OK, PE_NOMEM, PE_COLUMNS, PE_FIELD, PE_RECORD, PE_STOP };

struct field_span {
	size_t off, len;
};

struct parser {
	struct csv_parser p;
	bool p_ready;     /* csv_init succeeded */

	/* Lines end with LF, CRLF or a bare CR (Excel for Mac); a CR is a
	 * line end once the next byte shows it is not the start of a CRLF. */
	size_t line;      /* physical line of the next byte to be fed */
	bool cr_pending;  /* the last byte fed was a CR: line is one short unless an LF follows */
	size_t rec_line;  /* line the current record started on */

	struct field_span *spans; /* fields of the current record */
	size_t nspans, capspans;
	char *bytes;              /* their bytes, each NUL-terminated */
	size_t nbytes, capbytes;
	size_t content;           /* field bytes of the record, NULs excluded */
	char **ptrs;              /* csv_record.fields handed to the callback */
	size_t capptrs;

	/* Spaces/tabs held back at a chunk end, before a field that has not
	 * begun: whether they are dropped depends on the next byte. */
	unsigned char *pending;
	size_t npending, cappending;

	csv_record_cb cb;
	void *ud;
	size_t nrecs;     /* records handed to cb */

	enum parse_err err;
	size_t err_line;
};

/* The line of the byte just after s[0..n), s being text not yet fed. */
static size_t line_at(const struct parser *c, const unsigned char *s, size_t n)
{
	size_t line = c->line;
	bool cr = c->cr_pending;
	for (size_t i = 0; i < n; i++) {
		if ((cr && s[i] != '\n') || s[i] == '\n')
			line++;
		cr = s[i] == '\r';
	}
	/* The byte after is a bad one (never an LF): a CR before it ended a line. */
	return cr ? line + 1 : line;
}

static void fail(struct parser *c, enum parse_err e)
{
	if (c->err == PE_OK) {
		c->err = e;
		c->err_line = c->rec_line;
	}
}

static void on_field(void *s, size_t len, void *data)
{
	struct parser *c = data;
	if (c->err != PE_OK)
		return;
	if (c->nspans >= CSV_MAX_COLUMNS) {
		fail(c, PE_COLUMNS);
		return;
	}
	if (len > CSV_MAX_FIELD_BYTES) {
		fail(c, PE_FIELD);
		return;
	}
	/* A buffer of at most 64 MiB can never reach this limit. */
	if (c->content + len > CSV_MAX_RECORD_BYTES) {
		fail(c, PE_RECORD);
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
		dst[n++] = src[i] == '\r' ? '\n' : src[i];   /* a bare CR (Mac) too */
	}
	dst[n] = '\0';
	c->spans[c->nspans].off = c->nbytes;
	c->spans[c->nspans].len = n;
	c->nspans++;
	c->nbytes += n + 1;
	c->content += n;
}

static bool record_is_blank(const struct parser *c)
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
	struct parser *c = data;
	if (c->err == PE_OK && c->nspans > 0 && !record_is_blank(c)) {
		if (!grow((void **)&c->ptrs, &c->capptrs, c->nspans, sizeof *c->ptrs)) {
			fail(c, PE_NOMEM);
		} else {
			for (size_t i = 0; i < c->nspans; i++)
				c->ptrs[i] = c->bytes + c->spans[i].off;
			struct csv_record r = {
				.line = c->rec_line, .nfields = c->nspans, .fields = c->ptrs
			};
			c->nrecs++;
			if (c->cb(&r, c->ud) != 0)
				fail(c, PE_STOP);
		}
	}
	c->nspans = 0;
	c->nbytes = 0;
	c->content = 0;
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

static bool is_sp(unsigned char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Feed one piece (no '\n' inside, or just "\n").  libcsv is a push parser,
 * so a piece may be handed over in parts: at most PIECE_MAX bytes at a
 * time, so that a long field is bounded and its buffer grown between them. */
static void parse_piece(struct parser *c, const unsigned char *s, size_t n)
{
	while (n > 0 && c->err == PE_OK) {
		size_t part = n < PIECE_MAX ? n : PIECE_MAX;
		if (c->p.pstate == LIBCSV_ROW_NOT_BEGUN)
			c->rec_line = c->line;
		if (csv_parse(&c->p, s, part, on_field, on_record, c) != part) {
			fail(c, PE_NOMEM); /* non-strict libcsv fails only for memory */
			return;
		}
		s += part;
		n -= part;
		/* The field being built lives in libcsv's buffer. */
		if (c->p.entry_pos > CSV_MAX_FIELD_BYTES)
			fail(c, PE_FIELD);
		/* libcsv grows that buffer by blk_size at a time: make the
		 * growth geometric (up to LIBCSV_BLK_MAX steps). */
		if (c->p.entry_size > c->p.blk_size && c->p.blk_size < LIBCSV_BLK_MAX)
			csv_set_blk_size(&c->p, c->p.entry_size < LIBCSV_BLK_MAX
							 ? c->p.entry_size
							 : LIBCSV_BLK_MAX);
	}
}

static void hold_spaces(struct parser *c, const unsigned char *s, size_t n)
{
	/* Either dropped (a quote follows) or the start of a field: a run this
	 * long could only become a field over the limit. */
	if (c->npending + n > CSV_MAX_FIELD_BYTES) {
		fail(c, PE_FIELD);
		return;
	}
	if (!grow((void **)&c->pending, &c->cappending, c->npending + n, 1)) {
		fail(c, PE_NOMEM);
		return;
	}
	memcpy(c->pending + c->npending, s, n);
	c->npending += n;
}

/* Feed the held-back spaces now that the next byte is known. */
static void flush_pending(struct parser *c, bool quote_follows)
{
	csv_set_space_func(&c->p, quote_follows ? space_yes : space_no);
	parse_piece(c, c->pending, c->npending);
	c->npending = 0;
}

/* Feed UTF-8 text s[0..n) (any cut between two bytes is fine). */
static void parser_feed(struct parser *c, const unsigned char *s, size_t n)
{
	if (c->err != PE_OK || n == 0)
		return;
	if (c->npending > 0) {
		size_t k = 0;
		while (k < n && is_sp(s[k]))
			k++;
		if (k == n) {
			hold_spaces(c, s, n);
			return;
		}
		flush_pending(c, s[k] == '"');
	}

	size_t i = 0;
	while (i < n && c->err == PE_OK) {
		unsigned char ch = s[i];
		size_t j = i + 1;
		/* Before anything is fed or held back: spaces held at a chunk
		 * end are fed later, and must start on the line after a CR. */
		if (c->cr_pending && ch != '\n')
			c->line++;
		c->cr_pending = false;
		if (is_sp(ch)) {
			while (j < n && is_sp(s[j]))
				j++;
			bool skip;
			switch (c->p.pstate) {
			case LIBCSV_ROW_NOT_BEGUN:
			case LIBCSV_FIELD_NOT_BEGUN:
				/* Drop spaces only before an opening quote; at a
				 * chunk end, wait for the byte that follows. */
				if (j == n) {
					hold_spaces(c, s + i, n - i);
					return;
				}
				skip = s[j] == '"';
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
			csv_set_space_func(&c->p, skip ? space_yes : space_no);
		} else if (ch != '\n' && ch != '\r') {
			while (j < n && !is_sp(s[j]) && s[j] != '\n' && s[j] != '\r')
				j++;
		}
		parse_piece(c, s + i, j - i);
		if (ch == '\n')
			c->line++;
		else if (ch == '\r')
			c->cr_pending = true;
		i = j;
	}
}

/* End of text: flush, then let libcsv finish the last record.  Returns
 * false if a quoted field is still open (the record began on rec_line). */
static bool parser_finish(struct parser *c)
{
	if (c->err == PE_OK && c->npending > 0)
		flush_pending(c, false);
	if (c->err != PE_OK)
		return true;
	/* Lenient while parsing, strict only for the end-of-file check:
	 * csv_fini then fails if a quoted field is still open. */
	csv_set_opts(&c->p, CSV_STRICT | CSV_STRICT_FINI);
	if (csv_fini(&c->p, on_field, on_record, c) != 0) {
		if (csv_error(&c->p) == CSV_EPARSE)
			return false;
		fail(c, PE_NOMEM);
	}
	return true;
}

/* -------------------------------------------------------------- streaming */

/* The engine: raw bytes in (any chunking), records out. */
struct stream {
	struct parser c;
	char *err;
	size_t errsz;

	size_t npushes;
	uintmax_t raw_done;       /* raw bytes consumed by earlier pushes */
	uintmax_t ctl_scanned;    /* raw bytes scanned for control characters */
	size_t ctl_count;

	enum csv_encoding enc;
	iconv_t cd;               /* GB18030 -> UTF-8, or (iconv_t)-1 */
	char *out;                /* converted text */
	size_t outcap;
	bool text_started;        /* some converted text was fed already */
};

static bool stream_init(struct stream *st, csv_record_cb cb, void *ud, char *err,
			size_t errsz)
{
	memset(st, 0, sizeof *st);
	st->cd = (iconv_t)-1;
	st->enc = CSV_UTF8;
	st->err = err;
	st->errsz = errsz;
	st->c.line = 1;
	st->c.rec_line = 1;
	st->c.cb = cb;
	st->c.ud = ud;
	if (csv_init(&st->c.p, 0) != 0) {
		set_err(err, errsz, MSG_NOMEM);
		return false;
	}
	st->c.p_ready = true;
	csv_set_blk_size(&st->c.p, LIBCSV_BLK_MIN);
	return true;
}

static void stream_free(struct stream *st)
{
	if (st->c.p_ready)
		csv_free(&st->c.p);
	free(st->c.spans);
	free(st->c.bytes);
	free(st->c.ptrs);
	free(st->c.pending);
	free(st->out);
	if (st->cd != (iconv_t)-1)
		iconv_close(st->cd);
	memset(st, 0, sizeof *st);
	st->cd = (iconv_t)-1;
}

/* Turn a parser error into a message.  Returns true if there is none. */
static bool stream_check(struct stream *st)
{
	struct parser *c = &st->c;
	switch (c->err) {
	case PE_OK:
		return true;
	case PE_NOMEM:
		set_err(st->err, st->errsz, MSG_NOMEM);
		break;
	case PE_COLUMNS:
		set_err(st->err, st->errsz, "第 %zu 行：列数过多（超过 %d 列）", c->err_line,
			CSV_MAX_COLUMNS);
		break;
	case PE_FIELD:
		set_err(st->err, st->errsz, "第 %zu 行：单元格内容过长（超过 %d MiB）",
			c->err_line, CSV_MAX_FIELD_MIB);
		break;
	case PE_RECORD:
		set_err(st->err, st->errsz, "第 %zu 行：这一行内容过长（超过 %d MiB）",
			c->err_line, CSV_MAX_RECORD_MIB);
		break;
	case PE_STOP:
		/* The callback asked to stop: it knows why. */
		if (st->err && st->errsz)
			st->err[0] = '\0';
		break;
	}
	return false;
}

/* Feed converted (GB18030 -> UTF-8) text. */
static bool stream_emit(struct stream *st, const unsigned char *t, size_t n)
{
	if (n == 0)
		return true;
	bool trunc;
	/* iconv output should always be valid; make sure of the promise. */
	if (utf8_scan(t, n, &trunc) != n) {
		set_err(st->err, st->errsz, MSG_ENCODING);
		return false;
	}
	if (!st->text_started) {
		st->text_started = true;
		/* A GB18030 BOM (84 31 95 33) decodes to U+FEFF: drop it. */
		if (n >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF) {
			t += 3;
			n -= 3;
		}
	}
	parser_feed(&st->c, t, n);
	return stream_check(st);
}

static bool decode_gb18030(struct stream *st, const unsigned char *raw, size_t len,
			   bool eof, bool first, size_t *consumed)
{
	/* 2-byte GBK -> 3-byte UTF-8 is the worst expansion (x1.5). */
	size_t need = len + len / 2 + 16;
	if (st->outcap < need) {
		char *n = realloc(st->out, need);
		if (n == NULL) {
			set_err(st->err, st->errsz, MSG_NOMEM);
			return false;
		}
		st->out = n;
		st->outcap = need;
	}
	char *src = (char *)raw; /* iconv's prototype is not const-correct */
	size_t srcleft = len;
	for (;;) {
		char *seg = src;
		char *dst = st->out;
		size_t dstleft = st->outcap;
		size_t r = iconv(st->cd, &src, &srcleft, &dst, &dstleft);
		int e = errno;
		size_t produced = (size_t)(dst - st->out);
		bool more_room = r == (size_t)-1 && e == E2BIG && produced > 0;
		bool cut_at_end = r == (size_t)-1 && e == EINVAL && !eof;
		if (r == (size_t)-1 && !more_room && !cut_at_end) {
			/* EILSEQ, or a sequence cut by the end of the file */
			if (first) {
				set_err(st->err, st->errsz, MSG_ENCODING);
			} else {
				size_t line = line_at(&st->c, (const unsigned char *)seg,
						      (size_t)(src - seg));
				set_err(st->err, st->errsz,
					"第 %zu 行：含有无效的 GB18030 字节（文件前部是 GB18030）",
					line);
			}
			return false;
		}
		if (!stream_emit(st, (const unsigned char *)st->out, produced))
			return false;
		if (more_room)
			continue;
		break; /* all converted, or an incomplete sequence left for later */
	}
	if (eof) {
		/* Flush any shift state (none for GB18030, but be correct). */
		char *dst = st->out;
		size_t dstleft = st->outcap;
		if (iconv(st->cd, NULL, NULL, &dst, &dstleft) == (size_t)-1) {
			set_err(st->err, st->errsz, MSG_ENCODING);
			return false;
		}
		if (!stream_emit(st, (const unsigned char *)st->out, (size_t)(dst - st->out)))
			return false;
	}
	*consumed = (size_t)((const unsigned char *)src - raw);
	return true;
}

static bool decode_utf8(struct stream *st, const unsigned char *raw, size_t len, bool eof,
			bool first, size_t *consumed)
{
	const unsigned char *s = raw;
	size_t n = len;
	if (first && st->enc == CSV_UTF8_BOM) {
		s += 3;
		n -= 3;
	}
	bool trunc;
	size_t ok = utf8_scan(s, n, &trunc);
	if (ok < n && !(trunc && !eof)) {
		size_t line = line_at(&st->c, s, ok);
		if (st->enc == CSV_UTF8_BOM)
			set_err(st->err, st->errsz,
				"第 %zu 行：文件标明为 UTF-8（带 BOM），但含有无效的 UTF-8 字节", line);
		else
			set_err(st->err, st->errsz,
				"第 %zu 行：含有无效的 UTF-8 字节（文件前部是 UTF-8）", line);
		return false;
	}
	parser_feed(&st->c, s, ok);
	if (!stream_check(st))
		return false;
	*consumed = (size_t)(s - raw) + ok;
	return true;
}

/* Push raw bytes raw[0..len).  *consumed gets how many were used; the rest
 * (an incomplete character, at most 3 bytes) must be pushed again in front
 * of the next bytes.  eof: nothing follows; the text is finished then.
 * Returns false on error (message in st->err; "" if the callback stopped). */
static bool stream_push(struct stream *st, const unsigned char *raw, size_t len, bool eof,
			size_t *consumed)
{
	*consumed = 0;
	bool first = st->npushes++ == 0;

	if (first) {
		bool bom = len >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF;
		if (eof) {
			size_t k = bom ? 3 : 0;
			while (k < len && is_ascii_space(raw[k]))
				k++;
			if (k == len) {
				set_err(st->err, st->errsz, MSG_EMPTY);
				return false;
			}
		}
		if (len >= 2 && ((raw[0] == 0xFF && raw[1] == 0xFE) ||
				 (raw[0] == 0xFE && raw[1] == 0xFF))) {
			set_err(st->err, st->errsz, MSG_UTF16);
			return false;
		}
	}

	/* Binary: any NUL, or too many control bytes in the first 8 KiB. */
	const unsigned char *nul = memchr(raw, '\0', len);
	if (nul != NULL) {
		if (first)
			set_err(st->err, st->errsz, MSG_BINARY);
		else
			set_err(st->err, st->errsz, "第 %zu 行：" MSG_BINARY,
				line_at(&st->c, raw, (size_t)(nul - raw)));
		return false;
	}
	if (st->ctl_scanned < BINARY_SCAN_BYTES) {
		uintmax_t from = st->ctl_scanned > st->raw_done ? st->ctl_scanned : st->raw_done;
		uintmax_t to = st->raw_done + len;
		if (to > BINARY_SCAN_BYTES)
			to = BINARY_SCAN_BYTES;
		for (uintmax_t a = from; a < to; a++) {
			unsigned char ch = raw[a - st->raw_done];
			if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7F)
				st->ctl_count++;
		}
		if (to > st->ctl_scanned)
			st->ctl_scanned = to;
		if (st->ctl_count > BINARY_MAX_CONTROLS) {
			set_err(st->err, st->errsz, MSG_BINARY);
			return false;
		}
	}

	if (first) {
		bool trunc;
		size_t ok;
		if (len >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF) {
			st->enc = CSV_UTF8_BOM;
		} else if ((ok = utf8_scan(raw, len, &trunc)) == len || (trunc && !eof)) {
			/* A character cut by the chunk end is not a reason to
			 * doubt (csv_stream_file completes it before deciding). */
			st->enc = CSV_UTF8;
		} else {
			st->enc = CSV_GB18030;
			st->cd = iconv_open("UTF-8", "GB18030");
			if (st->cd == (iconv_t)-1) {
				set_err(st->err, st->errsz, MSG_ENCODING);
				return false;
			}
		}
	}

	bool ok = st->enc == CSV_GB18030 ? decode_gb18030(st, raw, len, eof, first, consumed)
					 : decode_utf8(st, raw, len, eof, first, consumed);
	if (!ok)
		return false;
	st->raw_done += *consumed;
	if (!eof)
		return true;

	if (!parser_finish(&st->c)) {
		set_err(st->err, st->errsz, "第 %zu 行：引号未闭合", st->c.rec_line);
		return false;
	}
	if (!stream_check(st))
		return false;
	if (st->c.nrecs == 0) {
		set_err(st->err, st->errsz, MSG_EMPTY);
		return false;
	}
	return true;
}

/* ------------------------------------------------------- whole buffers */

enum table_err { TB_OK, TB_NOMEM, TB_RECORDS };

struct table_builder {
	struct csv_record *recs;
	size_t nrecs, caprecs;
	enum table_err err;
	size_t err_line;
};

static int table_add(const struct csv_record *rec, void *ud)
{
	struct table_builder *tb = ud;
	if (tb->nrecs >= CSV_MAX_RECORDS) {
		tb->err = TB_RECORDS;
		tb->err_line = rec->line;
		return 1;
	}
	if (!grow((void **)&tb->recs, &tb->caprecs, tb->nrecs + 1, sizeof *tb->recs)) {
		tb->err = TB_NOMEM;
		return 1;
	}
	size_t ptrs = rec->nfields * sizeof(char *);
	size_t total = 0;
	for (size_t i = 0; i < rec->nfields; i++)
		total += strlen(rec->fields[i]) + 1;
	char **block = malloc(ptrs + total);
	if (block == NULL) {
		tb->err = TB_NOMEM;
		return 1;
	}
	char *str = (char *)block + ptrs;
	for (size_t i = 0; i < rec->nfields; i++) {
		size_t len = strlen(rec->fields[i]);
		memcpy(str, rec->fields[i], len + 1);
		block[i] = str;
		str += len + 1;
	}
	struct csv_record *r = &tb->recs[tb->nrecs++];
	r->line = rec->line;
	r->nfields = rec->nfields;
	r->fields = block;
	return 0;
}

static void free_records(struct csv_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(recs[i].fields);
	free(recs);
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

	/* The whole buffer is the first and last chunk: every check sees all
	 * of it, as csv_read_file has always done. */
	struct table_builder tb = { 0 };
	struct stream st;
	bool ok = false;
	enum csv_encoding enc = CSV_UTF8;
	if (stream_init(&st, table_add, &tb, err, errsz)) {
		size_t consumed;
		ok = stream_push(&st, (const unsigned char *)buf, len, true, &consumed);
		enc = st.enc;
	}
	stream_free(&st);

	if (!ok) {
		if (tb.err == TB_RECORDS)
			set_err(err, errsz, "第 %zu 行：行数过多（超过 %d 行）", tb.err_line,
				CSV_MAX_RECORDS);
		else if (tb.err == TB_NOMEM)
			set_err(err, errsz, MSG_NOMEM);
		free_records(tb.recs, tb.nrecs);
		return false;
	}
	out->records = tb.recs;
	out->nrecords = tb.nrecs;
	out->encoding = enc;
	return true;
}

/* ------------------------------------------------------------- file I/O */

/* Open path for reading; it must be a regular file.  Fills err (naming the
 * file) and returns -1 otherwise. */
static int open_regular(const char *path, struct stat *st, char *err, size_t errsz)
{
	/* O_NONBLOCK so a FIFO cannot hang us before we reject it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		set_err(err, errsz, "无法打开文件 %s：%s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0) {
		set_err(err, errsz, "无法打开文件 %s：%s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st->st_mode)) {
		set_err(err, errsz, "无法打开文件 %s：这是一个文件夹，不是文件", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		set_err(err, errsz, "无法打开文件 %s：不是普通文件", path);
		close(fd);
		return -1;
	}
	return fd;
}

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

	struct stat st;
	int fd = open_regular(path, &st, err, errsz);
	if (fd < 0)
		return false;
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

static size_t chunk_for_tests; /* 0: CSV_STREAM_CHUNK */

void csv_set_chunk_size_for_tests(size_t bytes)
{
	chunk_for_tests = bytes == 0 ? 0 : bytes < CSV_MIN_CHUNK ? CSV_MIN_CHUNK : bytes;
}

/* Read up to want bytes (fewer only at end of file).  Returns false on a
 * read error (errno set). */
static bool read_full(int fd, unsigned char *buf, size_t want, size_t *got, bool *eof)
{
	*got = 0;
	*eof = false;
	while (*got < want) {
		ssize_t r = read(fd, buf + *got, want - *got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (r == 0) {
			*eof = true;
			break;
		}
		*got += (size_t)r;
	}
	return true;
}

bool csv_stream_file(const char *path, csv_record_cb cb, void *ud, enum csv_encoding *encoding,
		     char *err, size_t errsz)
{
	if (err && errsz)
		err[0] = '\0';
	if (encoding)
		*encoding = CSV_UTF8;
	if (path == NULL || cb == NULL) {
		set_err(err, errsz, "内部错误：没有文件名或回调函数");
		return false;
	}

	struct stat sb;
	int fd = open_regular(path, &sb, err, errsz);
	if (fd < 0)
		return false;
#ifdef POSIX_FADV_SEQUENTIAL
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

	size_t chunk = chunk_for_tests ? chunk_for_tests : CSV_STREAM_CHUNK;
	unsigned char *raw = malloc(chunk + RAW_SLACK);
	struct stream st;
	bool ok = false;
	if (raw == NULL) {
		set_err(err, errsz, MSG_NOMEM);
		close(fd);
		return false;
	}
	if (!stream_init(&st, cb, ud, err, errsz))
		goto out;

	size_t carry = 0; /* unconsumed bytes kept at the front of raw */
	for (bool first = true;; first = false) {
		size_t got;
		bool eof;
		if (!read_full(fd, raw + carry, chunk, &got, &eof))
			goto read_error;
		size_t n = carry + got;
		if (first && !eof) {
			/* The first chunk decides the encoding: do not let a
			 * character cut by its end pass for invalid UTF-8. */
			bool trunc;
			size_t valid = utf8_scan(raw, n, &trunc);
			if (valid < n && trunc) {
				size_t more = utf8_seq_len(raw[valid]) - (n - valid);
				if (!read_full(fd, raw + n, more, &got, &eof))
					goto read_error;
				n += got;
			}
		}
		size_t consumed;
		if (!stream_push(&st, raw, n, eof, &consumed))
			goto out;
		if (eof) {
			ok = true;
			break;
		}
		carry = n - consumed;
		if (carry > RAW_SLACK / 2) { /* cannot happen: at most 3 bytes */
			set_err(err, errsz, MSG_ENCODING);
			goto out;
		}
		memmove(raw, raw + consumed, carry);
	}
	goto out;

read_error:
	set_err(err, errsz, "读取文件 %s 失败：%s", path, strerror(errno));
out:
	if (encoding && st.npushes > 0)
		*encoding = st.enc;
	stream_free(&st);
	free(raw);
	close(fd);
	return ok;
}

void csv_table_free(struct csv_table *t)
{
	if (t == NULL)
		return;
	free_records(t->records, t->nrecords);
	t->records = NULL;
	t->nrecords = 0;
}

int csv_record_find_column(const struct csv_record *h, const char *const *names)
{
	if (h == NULL || names == NULL)
		return -1;
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

int csv_find_column(const struct csv_table *t, const char *const *names)
{
	if (t == NULL || t->nrecords == 0 || t->records == NULL)
		return -1;
	return csv_record_find_column(&t->records[0], names);
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

/* ---------------------------------------------------------------- writing */

/* Digits with at most one '.', as a number Excel would read. */
static bool plain_number(const char *s)
{
	bool digit = false, dot = false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && !dot)
			dot = true;
		else
			return false;
	}
	return digit;
}

/* Would Excel or WPS take s for a formula (or a DDE payload)?  = + - @ not
 * followed by a plain number ("-5", "+86" stay numbers), or a leading TAB
 * or CR (both are skipped by spreadsheet importers before they look for a
 * formula). */
static bool formula_like(const char *s)
{
	if (s[0] == '\t' || s[0] == '\r')
		return true;
	return (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') && !plain_number(s + 1);
}

void csv_write_cell(FILE *fp, const char *s, bool first)
{
	if (!first)
		fputc(',', fp);
	if (!s)
		s = "";
	bool formula = formula_like(s);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (formula)
		fputc('\'', fp);
	for (const char *c = s; *c; c++) {
		if (*c == '"')
			fputc('"', fp);
		fputc(*c, fp);
	}
	fputc('"', fp);
}

void csv_write_bom(FILE *fp)
{
	fputs("\xEF\xBB\xBF", fp);
}
