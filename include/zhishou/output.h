/* output: listings as an aligned table, TSV, CSV or JSON.
 *
 * Tables align Chinese by display columns (text.h), never by bytes; JSON
 * uses the stable English keys of the columns.  Every cell is sanitised
 * again on the way out, so nothing printed can move a terminal's cursor. */
#ifndef ZHISHOU_OUTPUT_H
#define ZHISHOU_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum out_format { OUT_TABLE, OUT_TSV, OUT_CSV, OUT_JSON };

bool out_parse_format(const char *s, enum out_format *f);

struct out_col {
	const char *key;     /* JSON key */
	const char *zh, *en; /* table/TSV/CSV header */
	int maxw;            /* table: cut to this many columns (0: no limit) */
	bool right;          /* table: right-align */
};

struct out;

/* A table written to a terminal fits its width (out_tty_cols): columns
 * with a maxw are cut further, widest first; others never. */
struct out *out_new(FILE *fp, enum out_format f, const struct out_col *cols, int ncols);
/* Fit a table in cols columns (0: no fitting), before its first row. */
void out_set_width(struct out *o, int cols);
/* Keys of columns the table may leave out, in that order (NULL-ended; the
 * array must outlive o), when cutting the others is not enough to fit:
 * a terminal too narrow for every column still gets whole rows, and
 * stderr says what was left out. */
void out_set_hide(struct out *o, const char *const *keys);
/* A terminal's columns, or 0 for anything that is not one. */
int out_tty_cols(int fd);
void out_str(struct out *o, const char *s);   /* NULL prints as empty / null */
void out_int(struct out *o, int64_t v);
void out_null(struct out *o);
void out_bool(struct out *o, bool v);   /* JSON true/false; text 1/0 */
void out_end_row(struct out *o);
/* Print what is buffered, close the JSON array, free o.  Returns rows. */
int64_t out_finish(struct out *o);

/* Drop o after a failure: nothing more is printed. */
void out_abort(struct out *o);

/* Print one line of text safely (sanitised) followed by a newline. */
void out_line(FILE *fp, const char *s);
/* s sanitised like out_line, each line wrapped at cols display columns
 * (at a space in Latin text where one is near), continuations indented. */
void out_wrap(FILE *fp, int cols, int indent, const char *s);

#endif
