/* fuzz_csv: the CSV reader (csvfile.h) on its own, both front ends.
 *
 * Input: a CSV file's bytes.  Read three ways:
 *   A. csv_parse_buffer (what csv_read_file uses; the imports stream, as B and C);
 *   B. csv_stream_file with tiny chunks (4 to 35 bytes, from the input's
 *      size), so every chunk boundary a 1 MiB chunk can meet in a big file
 *      (inside a character, a CRLF, a quote pair, a run of spaces, a BOM)
 *      is met here;
 *   C. csv_stream_file with one chunk for the whole input (as the default
 *      1 MiB chunk would, without allocating 1 MiB per input).
 * Checked, besides memory safety: each record handed out is well-formed
 * (fields terminated, valid UTF-8, line numbers rising); A and C agree
 * exactly (success, message, records); B agrees with A whenever the
 * encoding cannot depend on the chunking (A read UTF-8, or B saw GB18030
 * from its first chunk); their messages agree too when the text is UTF-8
 * without NULs or stray control bytes (which the buffer reader looks for
 * first, and a stream only when their chunk comes), except for messages
 * that name a line because only a later chunk showed the problem.  Then every record goes through
 * csv_write_cell and the written text must read back as the same records
 * (the export and import round trip), except for the documented changes
 * (formula cells gain a leading '; a field with CR LF reads back as LF). */
#include "fuzz_common.h"

#include "zhishou/csvfile.h"

struct rec {
	size_t line, nfields;
	char **fields;
};

struct recs {
	struct rec *v;
	size_t n, cap;
	size_t last_line;
};

static int collect(const struct csv_record *r, void *ud, struct zs_error *err)
{
	(void)err;
	struct recs *c = ud;
	FZ_CHECK(r->line >= 1 && r->line >= c->last_line, "record line %zu after %zu", r->line, c->last_line);
	FZ_CHECK(r->nfields >= 1, "record without fields at line %zu", r->line);
	c->last_line = r->line;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		if (!c->v)
			FZ_DIE("out of memory");
	}
	struct rec *d = &c->v[c->n++];
	d->line = r->line;
	d->nfields = r->nfields;
	d->fields = malloc(r->nfields * sizeof *d->fields);
	if (!d->fields)
		FZ_DIE("out of memory");
	for (size_t i = 0; i < r->nfields; i++) {
		FZ_CHECK(r->fields[i], "NULL field");
		FZ_CHECK(text_valid_utf8(r->fields[i], strlen(r->fields[i])), "field %zu of line %zu is not UTF-8", i,
			 r->line);
		d->fields[i] = strdup(r->fields[i]);
		if (!d->fields[i])
			FZ_DIE("out of memory");
	}
	return CSV_NEXT;
}

static void recs_free(struct recs *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->v[i].nfields; k++)
			free(c->v[i].fields[k]);
		free(c->v[i].fields);
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

static void from_table(const struct csv_table *t, struct recs *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < t->nrecords; i++)
		collect(&t->records[i], c, NULL);
}

static void same_records(const struct recs *a, const struct recs *b, const char *what)
{
	FZ_CHECK(a->n == b->n, "%s: %zu records against %zu", what, a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct rec *x = &a->v[i], *y = &b->v[i];
		FZ_CHECK(x->line == y->line, "%s: record %zu at line %zu against %zu", what, i, x->line, y->line);
		FZ_CHECK(x->nfields == y->nfields, "%s: record %zu (line %zu) has %zu fields against %zu", what, i,
			 x->line, x->nfields, y->nfields);
		for (size_t k = 0; k < x->nfields; k++)
			FZ_CHECK(!strcmp(x->fields[k], y->fields[k]), "%s: line %zu field %zu: \"%s\" against \"%s\"",
				 what, x->line, k, x->fields[k], y->fields[k]);
	}
}

/* A message that names the line where a later chunk found bad bytes. */
static bool late_chunk_message(const char *msg)
{
	return strstr(msg, "含有无效的") || strstr(msg, "行：不是文本文件");
}

static bool stream(const char *path, size_t chunk, struct recs *out, enum csv_encoding *enc, char *err,
		   size_t errsz)
{
	memset(out, 0, sizeof *out);
	csv_set_chunk_size_for_tests(chunk);
	struct zs_error e = { 0 };
	bool ok = csv_stream_file(path, collect, out, enc, &e) == ZS_OK;
	snprintf(err, errsz, "%s", e.msg);
	csv_set_chunk_size_for_tests(0);
	return ok;
}

/* Would csv_write_cell change this field on purpose? */
static bool written_differently(const char *f)
{
	return f[0] == '=' || f[0] == '+' || f[0] == '-' || f[0] == '@' || f[0] == '\t' || f[0] == '\r' ||
	       strstr(f, "\r\n");
}

static void round_trip(const struct recs *a)
{
	if (!a->n)
		return;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	if (!fp)
		FZ_DIE("open_memstream");
	for (size_t i = 0; i < a->n; i++) {
		for (size_t k = 0; k < a->v[i].nfields; k++)
			csv_write_cell(fp, a->v[i].fields[k], k == 0);
		fputs("\r\n", fp);
	}
	fclose(fp);
	bool comparable = true;
	for (size_t i = 0; i < a->n && comparable; i++)
		for (size_t k = 0; k < a->v[i].nfields && comparable; k++)
			comparable = !written_differently(a->v[i].fields[k]);
	/* More than 4 stray control bytes in the first 8 KiB make a file
	 * "binary": blank lines dropped may have brought them closer. */
	size_t ctl = 0;
	for (size_t i = 0; i < len && i < 8192; i++) {
		unsigned char ch = (unsigned char)text[i];
		if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7F)
			ctl++;
	}
	if (ctl > 4)
		comparable = false;
	/* A first field starting with a BOM would read back as the file's BOM. */
	if (!strncmp(a->v[0].fields[0], "\xEF\xBB\xBF", 3))
		comparable = false;
	struct csv_table t;
	struct zs_error e = { 0 };
	bool ok = csv_parse_buffer(text, len, &t, &e) == ZS_OK;
	const char *err = e.msg;
	if (comparable) {
		FZ_CHECK(ok, "written records do not read back: %s", err);
		struct recs b;
		from_table(&t, &b);
		/* Line numbers differ (a field with newlines spans lines); compare the rest. */
		FZ_CHECK(a->n == b.n, "round trip: %zu records, %zu read back", a->n, b.n);
		for (size_t i = 0; i < a->n; i++) {
			FZ_CHECK(a->v[i].nfields == b.v[i].nfields, "round trip: record %zu: %zu fields, %zu read back", i,
				 a->v[i].nfields, b.v[i].nfields);
			for (size_t k = 0; k < a->v[i].nfields; k++)
				FZ_CHECK(!strcmp(a->v[i].fields[k], b.v[i].fields[k]),
					 "round trip: record %zu field %zu: \"%s\" read back as \"%s\"", i, k,
					 a->v[i].fields[k], b.v[i].fields[k]);
		}
		recs_free(&b);
	}
	if (ok)
		csv_table_free(&t);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_env();
	const char *path = fz_temp_file(data, size, ".csv");

	/* A: the whole buffer. */
	struct csv_table t;
	char ea[1024], eb[1024], ec[1024];
	struct zs_error e = { 0 };
	bool oka = csv_parse_buffer((const char *)data, size, &t, &e) == ZS_OK;
	snprintf(ea, sizeof ea, "%s", e.msg);
	struct recs a = { 0 };
	enum csv_encoding enca = t.encoding;
	if (oka) {
		from_table(&t, &a);
		static const char *const names[] = { "日期", "单位", "received_at", "内容摘要", NULL };
		int col = csv_find_column(&t, names);
		FZ_CHECK(col >= -1 && (col < 0 || (size_t)col < t.records[0].nfields), "column %d", col);
		csv_table_free(&t);
	} else {
		FZ_CHECK(ea[0], "csv_parse_buffer failed without a message");
		FZ_CHECK(text_valid_utf8(ea, strlen(ea)), "message is not UTF-8");
	}

	/* C: streamed in one chunk: the same in every respect. */
	struct recs c;
	enum csv_encoding encc;
	bool okc = stream(path, size + 1, &c, &encc, ec, sizeof ec);
	FZ_CHECK(oka == okc, "buffer %s, stream %s (%s%s)", oka ? "ok" : "failed", okc ? "ok" : "failed", ea, ec);
	if (oka) {
		same_records(&a, &c, "buffer/stream");
		FZ_CHECK(encc == enca, "encoding %d against %d", (int)enca, (int)encc);
	} else {
		FZ_CHECK(!strcmp(ea, ec), "buffer says \"%s\", stream \"%s\"", ea, ec);
	}
	recs_free(&c);

	/* B: tiny chunks. */
	struct recs b;
	enum csv_encoding encb;
	size_t chunk = 4 + size % 32;
	bool okb = stream(path, chunk, &b, &encb, eb, sizeof eb);
	bool utf8_whole = size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? true : text_valid_utf8((const char *)data, size);
	/* The whole-buffer reader checks for NULs and control bytes (first
	 * 8 KiB) before anything else; a stream meets them chunk by chunk, after
	 * whatever an earlier chunk had wrong: then only the outcome compares. */
	size_t ctl = 0;
	for (size_t i = 0; i < size && i < 8192; i++)
		if ((data[i] < 0x20 && data[i] != '\t' && data[i] != '\r' && data[i] != '\n') || data[i] == 0x7F)
			ctl++;
	bool same_msgs = utf8_whole && !memchr(data, 0, size) && ctl <= 4;
	if (utf8_whole || encb == CSV_GB18030) {
		if (oka && okb) {
			same_records(&a, &b, "buffer/chunks");
		} else if (oka != okb) {
			FZ_CHECK(!utf8_whole && late_chunk_message(okb ? ea : eb),
				 "chunk %zu: buffer %s, chunks %s (%s | %s)", chunk, oka ? "ok" : "failed",
				 okb ? "ok" : "failed", ea, eb);
		} else if (same_msgs && strcmp(ea, eb)) {
			FZ_CHECK(late_chunk_message(eb), "chunk %zu: buffer says \"%s\", chunks \"%s\"", chunk, ea, eb);
		}
	}
	recs_free(&b);

	if (oka)
		round_trip(&a);
	recs_free(&a);
	return 0;
}
