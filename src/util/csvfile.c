/* csvfile: read a CSV file the way Excel and WPS write it on Chinese PCs.
 *
 * One engine (struct stream) for every reader: csv_stream_file pushes a
 * file in chunks (1 MiB) and hands each record to the caller's callback,
 * so memory stays bounded (one chunk, its decoded text, and the largest
 * record) whatever the file's size (roster and intake imports);
 * csv_parse_buffer / csv_read_file push the whole text (max 64 MiB) as
 * ONE chunk and collect the records into a csv_table (tests, fuzzing).
 *
 * Pipeline (stream_push):
 *   first chunk: empty -> UTF-16 -> binary -> encoding (BOM / UTF-8 /
 *   GB18030 via iconv); every chunk: NUL bytes, decoding (UTF-8 checked,
 *   GB18030 converted with one iconv descriptor; incomplete trailing
 *   sequences are left unconsumed and presented again with the next
 *   chunk) -> the parser -> blank records dropped; at the end: unterminated
 *   quote, then "no records" = empty.  With the whole text as one chunk
 *   every check sees all of it.
 *
 * The parser is our own small state machine (parser_feed), not libcsv:
 * errors must name the line a record starts on and spaces before a field
 * are dropped only when a quote follows, and libcsv reports neither
 * positions nor the state needed to decide, so using it meant feeding it
 * piece by piece and reading its private parser state (pstate numbers
 * copied from libcsv.c).  Its field rules are libcsv's non-strict ones,
 * which files were read with before (see parser_feed).  A byte-at-a-time
 * machine is also indifferent to where chunks are cut.
 *
 * Errors are struct zs_error (error.h), translated (TR): the file's
 * content wrong or a file that cannot be opened by that name is ZS_EINPUT,
 * memory and read errors are ZS_EFAIL.
 *
 * Memory layout of csv_table records: each record's fields live in ONE
 * malloc'd block (the char* array followed by the strings), so
 * csv_table_free frees records[i].fields only.  Callers may edit field
 * bytes in place but must not free or replace individual field pointers. */
#include "zhishou/csvfile.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "zhishou/fsutil.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"

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

/* Messages as (Chinese, English) pairs, for tr_pick() and bad(). */
#define MSG_EMPTY "文件为空", "the file is empty"
#define MSG_BINARY "不是文本文件（含二进制数据）", "not a text file (it holds binary data)"
#define MSG_ENCODING "编码无法识别：既不是 UTF-8 也不是 GB18030", "unknown encoding: neither UTF-8 nor GB18030"
#define MSG_TOO_BIG "文件过大（超过 64 MiB）", "the file is too large (over 64 MiB)"
#define MSG_NOMEM "内存不足，无法读取文件", "out of memory reading the file"
#define MSG_UTF16 "不支持 UTF-16 编码（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8”或普通 CSV", \
	"UTF-16 (Excel's \"Unicode Text\") is not supported: save as \"CSV UTF-8\" or plain CSV"

/* ------------------------------------------------------------ text tools */

/* Strict UTF-8 (text.h): the valid prefix of s[0..len); *truncated tells
 * whether what follows it is only a character cut short by the end of the
 * data (more bytes could complete it) rather than an invalid byte. */
static size_t utf8_scan(const unsigned char *s, size_t len, bool *truncated)
{
	size_t missing;
	size_t ok = text_valid_prefix((const char *)s, len, &missing);

	*truncated = missing > 0;
	return ok;
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

/* The parser: UTF-8 text in (pushed in any cuts), one callback per
 * non-blank record out.  A byte-at-a-time state machine, so where the
 * text is cut between pushes changes nothing, and the line of every byte
 * is known.  It keeps only the current record. */

enum parse_err { PE_OK, PE_NOMEM, PE_COLUMNS, PE_FIELD, PE_RECORD, PE_CALLBACK };

enum pstate {
	P_ROW,         /* no record begun (blank lines and CR/LF are skipped) */
	P_FIELD,       /* after a comma: a field not begun */
	P_LEAD,        /* spaces/tabs at the start of a field: dropped if a quote follows */
	P_UNQUOTED,    /* inside an unquoted field: everything is kept */
	P_QUOTED,      /* inside a quoted field */
	P_QUOTE_SEEN,  /* a quote inside a quoted field: the end, "" or a stray quote */
};

struct field_span {
	size_t off, len;
};

struct parser {
	enum pstate state;

	/* Lines end with LF, CRLF or a bare CR (Excel for Mac); a CR is a
	 * line end once the next byte shows it is not the start of a CRLF. */
	size_t line;      /* physical line of the next byte */
	bool cr_pending;  /* the last byte was a CR: line is one short unless an LF follows */
	size_t rec_line;  /* line the current record started on */

	struct field_span *spans; /* finished fields of the current record */
	size_t nspans, capspans;
	char *bytes;              /* their bytes, each NUL-terminated, then the field being read */
	size_t nbytes, capbytes;
	size_t flen;              /* bytes of the field being read (at bytes + nbytes) */
	size_t spaces;            /* P_QUOTE_SEEN: spaces/tabs kept after the quote */
	size_t content;           /* field bytes of the record, NULs excluded */
	char **ptrs;              /* csv_record.fields handed to the callback */
	size_t capptrs;

	csv_record_cb cb;
	void *ud;
	struct zs_error *err;     /* handed to the callback */
	size_t nrecs;             /* records handed to cb */
	bool stopped;             /* cb returned CSV_STOP: read no further */
	int cb_code;              /* cb's failure (PE_CALLBACK) */

	enum parse_err perr;
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
	if (c->perr == PE_OK) {
		c->perr = e;
		c->err_line = c->rec_line;
	}
}

static bool busy(const struct parser *c)
{
	return c->perr != PE_OK || c->stopped;
}

/* Append s[0..n) to the field being read. */
static void field_add(struct parser *c, const unsigned char *s, size_t n)
{
	if (c->flen + n > CSV_MAX_FIELD_BYTES) {
		fail(c, PE_FIELD);
		return;
	}
	if (!grow((void **)&c->bytes, &c->capbytes, c->nbytes + c->flen + n + 1, 1)) {
		fail(c, PE_NOMEM);
		return;
	}
	memcpy(c->bytes + c->nbytes + c->flen, s, n);
	c->flen += n;
}

/* The field being read is complete, less its last `drop` bytes (a closing
 * quote and the spaces after it). */
static void field_end(struct parser *c, size_t drop)
{
	if (busy(c))
		return;
	if (c->nspans >= CSV_MAX_COLUMNS) {
		fail(c, PE_COLUMNS);
		return;
	}
	size_t len = c->flen - drop;
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
	char *f = c->bytes + c->nbytes;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (f[i] == '\r' && i + 1 < len && f[i + 1] == '\n')
			continue; /* CRLF inside a quoted field -> LF */
		f[n++] = f[i] == '\r' ? '\n' : f[i];   /* a bare CR (Mac) too */
	}
	f[n] = '\0';
	c->spans[c->nspans].off = c->nbytes;
	c->spans[c->nspans].len = n;
	c->nspans++;
	c->nbytes += n + 1;
	c->content += n;
	c->flen = 0;
	c->spaces = 0;
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

static void record_end(struct parser *c)
{
	if (!busy(c) && c->nspans > 0 && !record_is_blank(c)) {
		if (!grow((void **)&c->ptrs, &c->capptrs, c->nspans, sizeof *c->ptrs)) {
			fail(c, PE_NOMEM);
		} else {
			for (size_t i = 0; i < c->nspans; i++)
				c->ptrs[i] = c->bytes + c->spans[i].off;
			struct csv_record r = {
				.line = c->rec_line, .nfields = c->nspans, .fields = c->ptrs
			};
			c->nrecs++;
			int rc = c->cb(&r, c->ud, c->err);
			if (rc == CSV_STOP) {
				c->stopped = true;
			} else if (rc != CSV_NEXT) {
				c->cb_code = rc;
				fail(c, PE_CALLBACK);
			}
		}
	}
	c->nspans = 0;
	c->nbytes = 0;
	c->flen = 0;
	c->content = 0;
	c->state = P_ROW;
}

static bool is_sp(unsigned char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_eol(unsigned char ch)
{
	return ch == '\n' || ch == '\r';
}

/* A comma or a line end outside quotes ends the field (less its last drop
 * bytes: a closing quote and the spaces after it); a line end, the record
 * too.  False for any other byte. */
static bool field_ends(struct parser *c, unsigned char ch, size_t drop)
{
	if (ch == ',') {
		field_end(c, drop);
		c->state = P_FIELD;
	} else if (is_eol(ch)) {
		field_end(c, drop);
		record_end(c);
	} else {
		return false;
	}
	return true;
}

/* Feed UTF-8 text s[0..n) (any cut between two bytes is fine).
 *
 * Field semantics (lenient, like Excel; these are libcsv's non-strict
 * rules, which zhishou used before this parser, so files read as before):
 *   - unquoted fields are kept byte for byte, spaces and quotes included;
 *   - spaces/tabs before an opening quote are dropped, and after the
 *     closing quote up to the comma or line end;
 *   - inside quotes: "" is ", CR LF and a bare CR are LF, commas and line
 *     ends are text; a quote followed by anything else is kept literally
 *     and the field stays quoted. */
static void parser_feed(struct parser *c, const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n && !busy(c)) {
		unsigned char ch = s[i];
		/* Runs of ordinary bytes inside a field go in one piece. */
		if (c->state == P_UNQUOTED || c->state == P_QUOTED) {
			size_t j = i;
			if (c->state == P_UNQUOTED)
				while (j < n && s[j] != ',' && !is_eol(s[j]))
					j++;
			else
				while (j < n && s[j] != '"' && !is_eol(s[j]))
					j++;
			if (j > i) {
				if (c->cr_pending) {
					c->line++;
					c->cr_pending = false;
				}
				field_add(c, s + i, j - i);
				i = j;
				continue;
			}
		}
		i++;
		if (c->cr_pending && ch != '\n')
			c->line++;
		c->cr_pending = false;
		if (c->state == P_ROW && !is_eol(ch)) {
			c->rec_line = c->line;   /* the record begins with this byte */
			c->state = P_FIELD;
		}
		switch (c->state) {
		case P_ROW:
			break;   /* a line end between records */
		case P_FIELD:
			if (ch == '"') {
				c->state = P_QUOTED;
			} else if (!field_ends(c, ch, 0)) {
				field_add(c, &ch, 1);
				c->state = is_sp(ch) ? P_LEAD : P_UNQUOTED;
			}
			break;
		case P_LEAD:
			if (is_sp(ch)) {
				field_add(c, &ch, 1);
			} else if (ch == '"') {
				c->flen = 0;   /* the spaces before a quote are dropped */
				c->state = P_QUOTED;
			} else if (!field_ends(c, ch, 0)) {
				field_add(c, &ch, 1);
				c->state = P_UNQUOTED;
			}
			break;
		case P_UNQUOTED:
			if (!field_ends(c, ch, 0))
				field_add(c, &ch, 1);
			break;
		case P_QUOTED:
			/* The quote is kept until what follows shows what it was. */
			field_add(c, &ch, 1);
			if (ch == '"') {
				c->spaces = 0;
				c->state = P_QUOTE_SEEN;
			}
			break;
		case P_QUOTE_SEEN:
			if (field_ends(c, ch, c->spaces + 1))
				break;
			if (is_sp(ch)) {
				field_add(c, &ch, 1);
				c->spaces++;
			} else if (ch == '"') {
				if (c->spaces) {
					/* `"a" "`: a stray quote after spaces; still might end */
					field_add(c, &ch, 1);
					c->spaces = 0;
				} else {
					c->state = P_QUOTED;   /* "": the first one is the text */
				}
			} else {
				field_add(c, &ch, 1);   /* `"a"b`: the quote was text */
				c->spaces = 0;
				c->state = P_QUOTED;
			}
			break;
		}
		if (ch == '\n')
			c->line++;
		else if (ch == '\r')
			c->cr_pending = true;
	}
}

/* End of text: end the last record.  Returns false if a quoted field is
 * still open (the record began on rec_line). */
static bool parser_finish(struct parser *c)
{
	if (busy(c))
		return true;
	switch (c->state) {
	case P_ROW:
		break;
	case P_QUOTED:
		return false;
	case P_QUOTE_SEEN:
		field_end(c, c->spaces + 1);
		record_end(c);
		break;
	default:
		field_end(c, 0);
		record_end(c);
		break;
	}
	return true;
}

/* -------------------------------------------------------------- streaming */

/* The engine: raw bytes in (any chunking), records out. */
struct stream {
	struct parser c;
	struct zs_error *err;

	size_t npushes;
	uintmax_t raw_done;       /* raw bytes consumed by earlier pushes */
	uintmax_t ctl_scanned;    /* raw bytes scanned for control characters */
	size_t ctl_count;

	enum csv_encoding enc;
	iconv_t cd;               /* GB18030 -> UTF-8, or (iconv_t)-1 */
	char *out;                /* converted text */
	size_t outcap;
	bool text_started;        /* some converted text was fed already */
	int code;                 /* the failure, once there is one */
};

/* The file's content is wrong (exit 2): a message, or one naming a line. */
static bool bad(struct stream *st, const char *zh, const char *en)
{
	st->code = zs_fail(st->err, ZS_EINPUT, "%s", TR(zh, en));
	return false;
}

static bool bad_line(struct stream *st, size_t line, const char *zh, const char *en)
{
	st->code = zs_fail(st->err, ZS_EINPUT, TR("第 %zu 行：%s", "line %zu: %s"), line, TR(zh, en));
	return false;
}

static bool no_memory(struct stream *st)
{
	st->code = zs_fail(st->err, ZS_EFAIL, "%s", tr_pick(MSG_NOMEM));
	return false;
}

static void stream_init(struct stream *st, csv_record_cb cb, void *ud, struct zs_error *err)
{
	memset(st, 0, sizeof *st);
	st->cd = (iconv_t)-1;
	st->enc = CSV_UTF8;
	st->err = err;
	st->c.line = 1;
	st->c.rec_line = 1;
	st->c.cb = cb;
	st->c.ud = ud;
	st->c.err = err;
}

static void stream_free(struct stream *st)
{
	free(st->c.spans);
	free(st->c.bytes);
	free(st->c.ptrs);
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
	char what[128];
	switch (c->perr) {
	case PE_OK:
		return true;
	case PE_NOMEM:
		return no_memory(st);
	case PE_COLUMNS:
		snprintf(what, sizeof what, TR("列数过多（超过 %d 列）", "too many columns (over %d)"), CSV_MAX_COLUMNS);
		break;
	case PE_FIELD:
		snprintf(what, sizeof what, TR("单元格内容过长（超过 %d MiB）", "a cell is too long (over %d MiB)"),
			 CSV_MAX_FIELD_MIB);
		break;
	case PE_RECORD:
		snprintf(what, sizeof what, TR("这一行内容过长（超过 %d MiB）", "the row is too long (over %d MiB)"),
			 CSV_MAX_RECORD_MIB);
		break;
	case PE_CALLBACK:
		/* The callback failed: it said why (in err). */
		st->code = c->cb_code;
		if (st->err && !st->err->msg[0])
			zs_fail(st->err, c->cb_code, "%s", TR("读取表格时出错", "error reading the table"));
		return false;
	}
	return bad_line(st, c->err_line, what, what);
}

/* Feed converted (GB18030 -> UTF-8) text. */
static bool stream_emit(struct stream *st, const unsigned char *t, size_t n)
{
	if (n == 0)
		return true;
	bool trunc;
	/* iconv output should always be valid; make sure of the promise. */
	if (utf8_scan(t, n, &trunc) != n)
		return bad(st, MSG_ENCODING);
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
		if (n == NULL)
			return no_memory(st);
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
			if (first)
				return bad(st, MSG_ENCODING);
			return bad_line(st, line_at(&st->c, (const unsigned char *)seg, (size_t)(src - seg)),
					"含有无效的 GB18030 字节（文件前部是 GB18030）",
					"invalid GB18030 bytes (the start of the file is GB18030)");
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
		if (iconv(st->cd, NULL, NULL, &dst, &dstleft) == (size_t)-1)
			return bad(st, MSG_ENCODING);
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
			return bad_line(st, line, "文件标明为 UTF-8（带 BOM），但含有无效的 UTF-8 字节",
					"the file is marked UTF-8 (with a BOM) but holds invalid UTF-8 bytes");
		return bad_line(st, line, "含有无效的 UTF-8 字节（文件前部是 UTF-8）",
				"invalid UTF-8 bytes (the start of the file is UTF-8)");
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
 * Returns false on error (st->code, message in st->err).  Once the
 * callback said CSV_STOP (st->c.stopped), the rest is not looked at. */
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
			if (k == len)
				return bad(st, MSG_EMPTY);
		}
		if (len >= 2 && ((raw[0] == 0xFF && raw[1] == 0xFE) ||
				 (raw[0] == 0xFE && raw[1] == 0xFF)))
			return bad(st, MSG_UTF16);
	}

	/* Binary: any NUL, or too many control bytes in the first 8 KiB. */
	const unsigned char *nul = memchr(raw, '\0', len);
	if (nul != NULL) {
		if (first)
			return bad(st, MSG_BINARY);
		return bad_line(st, line_at(&st->c, raw, (size_t)(nul - raw)), MSG_BINARY);
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
		if (st->ctl_count > BINARY_MAX_CONTROLS)
			return bad(st, MSG_BINARY);
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
			if (st->cd == (iconv_t)-1)
				return bad(st, MSG_ENCODING);
		}
	}

	bool ok = st->enc == CSV_GB18030 ? decode_gb18030(st, raw, len, eof, first, consumed)
					 : decode_utf8(st, raw, len, eof, first, consumed);
	if (!ok)
		return false;
	st->raw_done += *consumed;
	if (!eof || st->c.stopped)
		return true;

	if (!parser_finish(&st->c))
		return bad_line(st, st->c.rec_line, "引号未闭合", "unclosed quote");
	if (!stream_check(st))
		return false;
	if (st->c.nrecs == 0)
		return bad(st, MSG_EMPTY);
	return true;
}

/* ------------------------------------------------------- whole buffers */

struct table_builder {
	struct csv_table t;
	size_t cap;
};

static int table_add(const struct csv_record *rec, void *ud, struct zs_error *err)
{
	struct table_builder *tb = ud;
	struct csv_table *t = &tb->t;
	if (t->nrecords >= CSV_MAX_RECORDS)
		return zs_fail(err, ZS_EINPUT, TR("第 %zu 行：行数过多（超过 %d 行）", "line %zu: too many rows (over %d)"),
			       rec->line, CSV_MAX_RECORDS);
	if (!grow((void **)&t->records, &tb->cap, t->nrecords + 1, sizeof *t->records))
		return zs_fail(err, ZS_EFAIL, "%s", tr_pick(MSG_NOMEM));
	size_t ptrs = rec->nfields * sizeof(char *);
	size_t total = 0;
	for (size_t i = 0; i < rec->nfields; i++)
		total += strlen(rec->fields[i]) + 1;
	char **block = malloc(ptrs + total);
	if (block == NULL)
		return zs_fail(err, ZS_EFAIL, "%s", tr_pick(MSG_NOMEM));
	char *str = (char *)block + ptrs;
	for (size_t i = 0; i < rec->nfields; i++) {
		size_t len = strlen(rec->fields[i]);
		memcpy(str, rec->fields[i], len + 1);
		block[i] = str;
		str += len + 1;
	}
	struct csv_record *r = &t->records[t->nrecords++];
	r->line = rec->line;
	r->nfields = rec->nfields;
	r->fields = block;
	return CSV_NEXT;
}

static void free_records(struct csv_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(recs[i].fields);
	free(recs);
}

int csv_parse_buffer(const char *buf, size_t len, struct csv_table *out, struct zs_error *err)
{
	zs_clear(err);
	if (out == NULL)
		return zs_fail(err, ZS_EFAIL, "%s", TR("内部错误：没有输出表", "internal error: no table"));
	out->encoding = CSV_UTF8;
	out->nrecords = 0;
	out->records = NULL;
	if (len > CSV_MAX_BYTES)
		return zs_fail(err, ZS_EINPUT, "%s", tr_pick(MSG_TOO_BIG));
	if (buf == NULL || len == 0)
		return zs_fail(err, ZS_EINPUT, "%s", tr_pick(MSG_EMPTY));

	/* The whole buffer is the first and last chunk: every check sees all
	 * of it, as csv_read_file has always done. */
	struct table_builder tb = { .t.encoding = CSV_UTF8 };
	struct stream st;
	stream_init(&st, table_add, &tb, err);
	size_t consumed;
	bool ok = stream_push(&st, (const unsigned char *)buf, len, true, &consumed);
	int code = ok ? ZS_OK : st.code;
	tb.t.encoding = st.enc;
	stream_free(&st);
	if (code) {
		free_records(tb.t.records, tb.t.nrecords);
		return code;
	}
	*out = tb.t;
	return ZS_OK;
}

/* ------------------------------------------------------------- file I/O */

static int read_failed(const char *path, struct zs_error *err)
{
	return zs_fail(err, ZS_EFAIL, TR("读取文件 %s 失败：%s", "cannot read %s: %s"), path, strerror(errno));
}

int csv_read_file(const char *path, struct csv_table *out, struct zs_error *err)
{
	zs_clear(err);
	if (out) {
		out->encoding = CSV_UTF8;
		out->nrecords = 0;
		out->records = NULL;
	}
	if (path == NULL || out == NULL)
		return zs_fail(err, ZS_EFAIL, "%s", TR("内部错误：没有文件名或输出表", "internal error: no file or table"));

	struct stat st;
	int fd = fs_open_read(path, &st, err);
	if (fd < 0)
		return err ? err->code : ZS_EINPUT;
	int rc = ZS_OK;
	if (st.st_size < 0 || (uintmax_t)st.st_size > CSV_MAX_BYTES) {
		close(fd);
		return zs_fail(err, ZS_EINPUT, "%s", tr_pick(MSG_TOO_BIG));
	}

	/* Read until EOF even if the size changed since fstat. */
	size_t cap = (size_t)st.st_size + 1;
	size_t len = 0;
	char *buf = malloc(cap);
	if (buf == NULL) {
		close(fd);
		return zs_fail(err, ZS_EFAIL, "%s", tr_pick(MSG_NOMEM));
	}
	for (;;) {
		if (len == cap) {
			if (cap > CSV_MAX_BYTES) {
				rc = zs_fail(err, ZS_EINPUT, "%s", tr_pick(MSG_TOO_BIG));
				break;
			}
			size_t ncap = cap * 2 > CSV_MAX_BYTES + 1 ? CSV_MAX_BYTES + 1 : cap * 2;
			char *n = realloc(buf, ncap);
			if (n == NULL) {
				rc = zs_fail(err, ZS_EFAIL, "%s", tr_pick(MSG_NOMEM));
				break;
			}
			buf = n;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = read_failed(path, err);
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (!rc)
		rc = csv_parse_buffer(buf, len, out, err);
	free(buf);
	return rc;
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

int csv_stream_file(const char *path, csv_record_cb cb, void *ud, enum csv_encoding *encoding,
		    struct zs_error *err)
{
	zs_clear(err);
	if (encoding)
		*encoding = CSV_UTF8;
	if (path == NULL || cb == NULL)
		return zs_fail(err, ZS_EFAIL, "%s",
			       TR("内部错误：没有文件名或回调函数", "internal error: no file or callback"));

	struct stat sb;
	int fd = fs_open_read(path, &sb, err);
	if (fd < 0)
		return err ? err->code : ZS_EINPUT;
#ifdef POSIX_FADV_SEQUENTIAL
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

	size_t chunk = chunk_for_tests ? chunk_for_tests : CSV_STREAM_CHUNK;
	unsigned char *raw = malloc(chunk + RAW_SLACK);
	if (raw == NULL) {
		close(fd);
		return zs_fail(err, ZS_EFAIL, "%s", tr_pick(MSG_NOMEM));
	}
	struct stream st;
	stream_init(&st, cb, ud, err);
	int rc = ZS_OK;
	size_t carry = 0; /* unconsumed bytes kept at the front of raw */
	for (bool first = true;; first = false) {
		size_t got;
		bool eof;
		if (!read_full(fd, raw + carry, chunk, &got, &eof)) {
			rc = read_failed(path, err);
			break;
		}
		size_t n = carry + got;
		if (first && !eof) {
			/* The first chunk decides the encoding: do not let a
			 * character cut by its end pass for invalid UTF-8. */
			size_t more;
			size_t valid = text_valid_prefix((const char *)raw, n, &more);
			if (valid < n && more > 0) {
				if (!read_full(fd, raw + n, more, &got, &eof)) {
					rc = read_failed(path, err);
					break;
				}
				n += got;
			}
		}
		size_t consumed;
		if (!stream_push(&st, raw, n, eof, &consumed)) {
			rc = st.code;
			break;
		}
		if (eof || st.c.stopped)
			break;
		carry = n - consumed;
		if (carry > RAW_SLACK / 2) { /* cannot happen: at most 3 bytes */
			rc = zs_fail(err, ZS_EINPUT, "%s", tr_pick(MSG_ENCODING));
			break;
		}
		memmove(raw, raw + consumed, carry);
	}
	if (encoding && st.npushes > 0)
		*encoding = st.enc;
	stream_free(&st);
	free(raw);
	close(fd);
	return rc;
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
		return TR("UTF-8（带 BOM）", "UTF-8 with BOM");
	case CSV_GB18030:
		return "GB18030";
	}
	return TR("未知编码", "unknown encoding");
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
