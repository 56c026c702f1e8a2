/* Listings in four formats. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "zhishou/csvfile.h"
#include "zhishou/i18n.h"
#include "zhishou/output.h"
#include "zhishou/text.h"

struct cell {
	char *s;      /* sanitised text, NULL for null */
	bool is_int;
	int64_t i;
};

struct out {
	FILE *fp;
	enum out_format f;
	const struct out_col *cols;
	int ncols;
	/* table: all rows are buffered to measure widths; other formats stream */
	struct cell *cells;
	size_t ncells, cap;
	int col;
	int64_t rows;
	json_t *row;
	int w[64];          /* table: column widths, fixed once measured */
	bool measured;
	int fit;            /* table: the columns to fit in (0: as wide as the cells) */
	const char *const *hide;   /* table: keys of columns to leave out, in turn, when cutting is not enough */
	bool hidden[64];
};

/* A table measures its widths on the first rows and then streams, so an
 * export of a million rows never holds more than this many in memory. */
#define TABLE_MEASURE_ROWS 500

static void print_table(struct out *o);

bool out_parse_format(const char *s, enum out_format *f)
{
	static const struct { const char *name; enum out_format f; } map[] = {
		{ "table", OUT_TABLE }, { "tsv", OUT_TSV }, { "csv", OUT_CSV }, { "json", OUT_JSON },
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (!strcmp(s, map[i].name)) {
			*f = map[i].f;
			return true;
		}
	return false;
}

static void put_tsv(FILE *fp, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
}

static void header(struct out *o)
{
	if (o->f != OUT_TSV && o->f != OUT_CSV)
		return;
	for (int c = 0; c < o->ncols; c++) {
		const char *h = TR(o->cols[c].zh, o->cols[c].en);
		if (o->f == OUT_CSV) {
			csv_write_cell(o->fp, h, c == 0);
		} else {
			if (c)
				fputc('\t', o->fp);
			put_tsv(o->fp, h);
		}
	}
	fputc('\n', o->fp);
}

struct out *out_new(FILE *fp, enum out_format f, const struct out_col *cols, int ncols)
{
	struct out *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->fp = fp;
	o->f = f;
	o->cols = cols;
	o->ncols = ncols;
	/* A table on a terminal fits its width; one going to a file or a
	 * pipe keeps every cell's text as long as its column allows. */
	if (f == OUT_TABLE)
		o->fit = out_tty_cols(fileno(fp));
	/* JSON's "[" waits for the first row (or the finish), so a listing
	 * that fails before any row prints nothing at all. */
	header(o);
	return o;
}

static void add(struct out *o, const char *s, bool is_int, int64_t i)
{
	if (o->col >= o->ncols)
		return;
	char *clean = NULL;
	if (s) {
		clean = text_sanitize(s, strlen(s), o->f == OUT_JSON || o->f == OUT_CSV ? TEXT_KEEP_NEWLINES : 0);
		if (!clean)
			clean = strdup("");
	}
	const struct out_col *c = &o->cols[o->col];
	switch (o->f) {
	case OUT_JSON:
		if (!o->row)
			o->row = json_object();
		json_object_set_new(o->row, c->key, is_int ? json_integer(i) : clean ? json_string(clean) : json_null());
		free(clean);
		break;
	case OUT_CSV:
		/* The one CSV cell writer (csvfile.h): quoting and the formula
		 * guard are those of the exports and reports. */
		if (is_int) {
			char num[32];
			snprintf(num, sizeof num, "%lld", (long long)i);
			csv_write_cell(o->fp, num, o->col == 0);
		} else {
			csv_write_cell(o->fp, clean ? clean : "", o->col == 0);
		}
		free(clean);
		break;
	case OUT_TSV:
		if (o->col)
			fputc('\t', o->fp);
		if (is_int)
			fprintf(o->fp, "%lld", (long long)i);
		else if (clean)
			put_tsv(o->fp, clean);
		free(clean);
		break;
	case OUT_TABLE:
		if (o->ncells == o->cap) {
			size_t cap = o->cap ? o->cap * 2 : 256;
			struct cell *n = realloc(o->cells, cap * sizeof *n);
			if (!n) {
				free(clean);
				return;
			}
			o->cells = n;
			o->cap = cap;
		}
		if (is_int) {
			char buf[32];
			snprintf(buf, sizeof buf, "%lld", (long long)i);
			clean = strdup(buf);
		}
		o->cells[o->ncells++] = (struct cell){ clean, is_int, i };
		break;
	}
	o->col++;
}

void out_str(struct out *o, const char *s) { add(o, s, false, 0); }
void out_int(struct out *o, int64_t v) { add(o, NULL, true, v); }
void out_null(struct out *o) { add(o, NULL, false, 0); }

void out_bool(struct out *o, bool v)
{
	if (o->f == OUT_JSON && o->col < o->ncols) {
		if (!o->row)
			o->row = json_object();
		json_object_set_new(o->row, o->cols[o->col].key, json_boolean(v));
		o->col++;
		return;
	}
	add(o, NULL, true, v ? 1 : 0);
}

void out_end_row(struct out *o)
{
	while (o->col < o->ncols)
		out_null(o);
	if (o->f == OUT_JSON) {
		char *s = json_dumps(o->row, JSON_COMPACT);
		fprintf(o->fp, "%s\n%s", o->rows ? "," : "[", s ? s : "{}");
		free(s);
		json_decref(o->row);
		o->row = NULL;
	} else if (o->f != OUT_TABLE) {
		fputc('\n', o->fp);
	}
	o->col = 0;
	o->rows++;
	if (o->f == OUT_TABLE && o->rows % TABLE_MEASURE_ROWS == 0)
		print_table(o);
}

int out_tty_cols(int fd)
{
	struct winsize ws;
	return fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
}

void out_set_width(struct out *o, int cols)
{
	if (o)
		o->fit = cols > 0 ? cols : 0;
}

void out_set_hide(struct out *o, const char *const *keys)
{
	if (o)
		o->hide = keys;
}

/* The next column o->hide names that is still shown, or -1. */
static int next_to_hide(const struct out *o, int n)
{
	for (int k = 0; o->hide && o->hide[k]; k++)
		for (int c = 0; c < n; c++)
			if (!o->hidden[c] && !strcmp(o->cols[c].key, o->hide[k]))
				return c;
	return -1;
}

/* The last column shown: it is not padded. */
static int last_shown(const struct out *o, int n)
{
	int last = n - 1;
	while (last > 0 && o->hidden[last])
		last--;
	return last;
}

/* Narrow the columns that may be cut (those with a maxw) until the row
 * fits o->fit, the widest first, none below its header or 6 columns;
 * codes, numbers and times (no maxw) are never cut. */
/* The narrowest column c may be cut to: its header or 6, whichever is
 * wider; a column without a maxw is never cut. */
static int least_width(const struct out *o, const int *w, int c)
{
	int head = text_width(TR(o->cols[c].zh, o->cols[c].en)), least = head > 6 ? head : 6;
	return o->cols[c].maxw && w[c] > least ? least : w[c];
}

/* The row's width with every shown column at w[] (least: cut to the bone). */
static int row_width(const struct out *o, const int *w, int n, bool least)
{
	int total = 0, shown = 0;
	for (int c = 0; c < n; c++)
		if (!o->hidden[c]) {
			total += least ? least_width(o, w, c) : w[c];
			shown++;
		}
	return total + 2 * (shown > 0 ? shown - 1 : 0);
}

static void fit_widths(struct out *o, int *w, int n)
{
	if (!o->fit)
		return;
	/* Even cut to the bone too wide: leave out the columns the caller can
	 * spare, in its order (say_hidden tells which), then cut the rest. */
	while (row_width(o, w, n, true) > o->fit) {
		int drop = next_to_hide(o, n);
		if (drop < 0)
			break;
		o->hidden[drop] = true;
	}
	int total = row_width(o, w, n, false);
	while (total > o->fit) {
		int best = -1;
		for (int c = 0; c < n; c++)
			if (!o->hidden[c] && w[c] > least_width(o, w, c) && (best < 0 || w[c] > w[best]))
				best = c;
		if (best < 0)
			return;
		w[best]--;
		total--;
	}
}

/* On a terminal (where a table is fitted), the columns left out. */
static void say_hidden(const struct out *o, int n)
{
	char names[512] = "";
	size_t k = 0;
	for (int c = 0; c < n && k < sizeof names; c++)
		if (o->hidden[c])
			k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", k ? TR("、", ", ") : "", TR(o->cols[c].zh, o->cols[c].en));
	if (k)
		fprintf(stderr, TR("（窗口 %d 列，省略了 %s 列；加宽窗口或用 --format tsv 看全部）\n",
				   "(window %d columns wide: %s left out; widen it or use --format tsv for all)\n"),
			o->fit, names);
}

/* Print the buffered rows; the first call measures widths and prints the header. */
static void print_table(struct out *o)
{
	int *w = o->w;
	int n = o->ncols < 64 ? o->ncols : 64;
	char buf[4096];
	if (!o->measured) {
		for (int c = 0; c < n; c++)
			w[c] = text_width(TR(o->cols[c].zh, o->cols[c].en));
		for (size_t k = 0; k < o->ncells; k++) {
			int c = (int)(k % (size_t)o->ncols);
			if (c >= n)
				continue;
			int cw = o->cells[k].s ? text_width(o->cells[k].s) : 0;
			if (o->cols[c].maxw && cw > o->cols[c].maxw)
				cw = o->cols[c].maxw;
			if (cw > w[c])
				w[c] = cw;
		}
		fit_widths(o, w, n);
		say_hidden(o, n);
		int lastc = last_shown(o, n);
		for (int c = 0; c < n; c++) {
			if (o->hidden[c])
				continue;
			bool last = c == lastc;
			text_fit_cols(TR(o->cols[c].zh, o->cols[c].en), w[c], !last, buf, sizeof buf);
			fprintf(o->fp, "%s%s", buf, last ? "\n" : "  ");
		}
		for (int c = 0; c < n; c++) {
			if (o->hidden[c])
				continue;
			for (int i = 0; i < w[c]; i++)
				fputc('-', o->fp);
			fputs(c == lastc ? "\n" : "  ", o->fp);
		}
		o->measured = true;
	}
	int lastc = last_shown(o, n);
	for (size_t k = 0; k < o->ncells; k++) {
		int c = (int)(k % (size_t)o->ncols);
		if (c >= n)
			continue;
		if (o->hidden[c]) {
			free(o->cells[k].s);
			continue;
		}
		bool last = c == lastc;
		const char *s = o->cells[k].s ? o->cells[k].s : "";
		if (o->cols[c].right)
			text_fit_cols_right(s, w[c], buf, sizeof buf);
		else
			text_fit_cols(s, w[c], !last, buf, sizeof buf);
		fprintf(o->fp, "%s%s", buf, last ? "\n" : "  ");
		free(o->cells[k].s);
	}
	o->ncells = 0;
}

int64_t out_finish(struct out *o)
{
	if (!o)
		return 0;
	if (o->col)
		out_end_row(o);
	if (o->f == OUT_TABLE) {
		print_table(o);
		if (o->rows == 0)
			fprintf(o->fp, "%s\n", TR("（没有符合条件的记录）", "(no matching records)"));
	}
	if (o->f == OUT_JSON)
		fputs(o->rows ? "]\n" : "[]\n", o->fp);
	free(o->cells);
	int64_t rows = o->rows;
	free(o);
	return rows;
}

void out_abort(struct out *o)
{
	if (!o)
		return;
	/* A listing that failed half-way prints no closing "]" and no "no
	 * records": a script must not mistake it for a whole (empty) answer. */
	for (size_t k = 0; k < o->ncells; k++)
		free(o->cells[k].s);
	free(o->cells);
	if (o->row)
		json_decref(o->row);
	free(o);
}

void out_wrap(FILE *fp, int cols, int indent, const char *s)
{
	char *clean = text_sanitize(s, strlen(s), TEXT_KEEP_NEWLINES);
	if (!clean)
		return;
	if (cols < 20)
		cols = 20;
	if (indent > cols / 2)
		indent = cols / 2;
	char *p = clean;
	for (;;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		bool first = true;
		do {
			int avail = first ? cols : cols - indent;
			size_t n = text_wrap_line(p, avail);
			size_t shown = n;
			while (shown && p[shown - 1] == ' ')
				shown--;
			fprintf(fp, "%*s%.*s\n", first ? 0 : indent, "", (int)shown, p);
			p += n;
			while (*p == ' ')
				p++;
			first = false;
		} while (*p);
		if (!nl)
			break;
		p = nl + 1;
	}
	free(clean);
}

void out_line(FILE *fp, const char *s)
{
	char *clean = text_sanitize(s, strlen(s), TEXT_KEEP_NEWLINES);
	fprintf(fp, "%s\n", clean ? clean : "");
	free(clean);
}
