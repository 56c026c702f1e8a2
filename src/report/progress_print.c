/* Laying out a progress report: plain text as OA takes it (the title
 * centred, paragraphs indented two characters, the unit, contact and time
 * set right), or Markdown.  Written through report_write_via, so a file is
 * whole or not there at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "zhishou/progress.h"
#include "zhishou/text.h"

/* The page's width in display columns (a CJK character is two): 36
 * characters, about a line of an A4 document in 仿宋 三号. */
enum { PAGE_COLS = 72 };

/* A block's text, sanitised again on the way out (the record is a file
 * anyone with the database could have edited). */
static char *clean(const char *s)
{
	return text_sanitize(s ? s : "", strlen(s ? s : ""), 0);
}

static void write_txt(const void *t, FILE *fp)
{
	const struct progress_doc *d = t;
	bool signed_ = false;
	for (size_t i = 0; i < d->n; i++) {
		char *s = clean(d->b[i].text);
		if (!s)
			continue;
		int w = text_width(s);
		switch (d->b[i].kind) {
		case PB_TITLE:
			report_pad(fp, w < PAGE_COLS ? (PAGE_COLS - w) / 2 : 0);
			fprintf(fp, "%s\n\n", s);
			break;
		case PB_TO:
			fprintf(fp, "%s\n", s);
			break;
		case PB_PARA:
		case PB_HEADING:
			fprintf(fp, "　　%s\n", s);
			break;
		case PB_SIGN:
			if (!signed_)
				fputc('\n', fp);
			signed_ = true;
			report_pad(fp, w < PAGE_COLS ? PAGE_COLS - w : 0);
			fprintf(fp, "%s\n", s);
			break;
		}
		free(s);
	}
}

/* Markdown's active characters escaped, so a title or a note reads as
 * written. */
static void md_text(FILE *fp, const char *s)
{
	for (const char *c = s; *c; c++) {
		if (strchr("\\`*_[]<>#|~", *c))
			fputc('\\', fp);
		fputc(*c, fp);
	}
}

static void write_md(const void *t, FILE *fp)
{
	const struct progress_doc *d = t;
	for (size_t i = 0; i < d->n; i++) {
		char *s = clean(d->b[i].text);
		if (!s)
			continue;
		switch (d->b[i].kind) {
		case PB_TITLE:
			fputs("# ", fp);
			md_text(fp, s);
			fputs("\n\n", fp);
			break;
		case PB_HEADING:
			fputs("## ", fp);
			md_text(fp, s);
			fputs("\n\n", fp);
			break;
		case PB_TO:
		case PB_PARA:
			md_text(fp, s);
			fputs("\n\n", fp);
			break;
		case PB_SIGN:
			/* Two trailing spaces: a line break inside one paragraph. */
			md_text(fp, s);
			fputs(i + 1 < d->n ? "  \n" : "\n", fp);
			break;
		}
		free(s);
	}
}

static int no_xlsx(const void *t, const char *file, struct zs_error *err)
{
	(void)t;
	(void)file;
	return zs_fail(err, ZS_EINPUT, "%s", "a progress report is text or Markdown");
}

static const struct report_writers writers = { write_txt, write_md, write_txt, no_xlsx };

int progress_print(const struct progress_doc *d, enum report_format f, const char *path, FILE *fp,
		   struct zs_error *err)
{
	return report_write_via(d, f == REPORT_MD ? REPORT_MD : REPORT_TXT, path, fp, &writers, err);
}
