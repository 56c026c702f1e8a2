/* xlsxread: the first worksheet of an XLSX workbook, row by row
 * (xlsxread.h).
 *
 * An XLSX file is a ZIP (libzip) of XML parts (expat).  The parts are read
 * in the order the format links them: _rels/.rels names the workbook, the
 * workbook's .rels names its sheets, shared strings and styles, the
 * workbook lists the sheets in tab order.  Each part is streamed from the
 * ZIP into expat in 64 KiB pieces; only the shared strings and the styles'
 * date kinds are kept, the worksheet goes to the callback row by row.
 *
 * Hostile files: every entry's unpacked size is checked before it is read
 * and counted while it is read (a ZIP bomb stops at the bound), any DTD is
 * refused (XLSX has none; no entity expansion can happen), nesting is
 * bounded (expat keeps a record per open element), and every count that
 * sizes memory is capped. */
#include "zhishou/xlsxread.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "zhishou/fsutil.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/xlsxnum.h"

#define MIB ((size_t)1024 * 1024)
#define ENTRY_LIMIT_MIB 512
#define MAX_CELL_MIB 16            /* as a CSV field */
#define MAX_ROW_MIB 64             /* as a CSV record */
#define MAX_COLUMNS 16384          /* XFD */
#define MAX_ROWS 1048576
#define MAX_STRINGS 16777216u
#define MAX_STYLES 1048576u        /* Excel itself stops at 64,000 cell formats */
#define MAX_RELS 65536u
#define MAX_DEPTH 64
#define READ_PIECE 65536

#define MSG_NOMEM "内存不足，无法读取文件", "out of memory reading the file"

static size_t entry_limit_for_tests;

void xlsx_set_entry_limit_for_tests(size_t bytes)
{
	entry_limit_for_tests = bytes;
}

static size_t entry_limit(void)
{
	return entry_limit_for_tests ? entry_limit_for_tests : ENTRY_LIMIT_MIB * MIB;
}

/* ----------------------------------------------------------- buffers */

struct buf {
	char *p;
	size_t len, cap;
};

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

/* Append n bytes and keep a NUL after them. */
static bool buf_add(struct buf *b, const char *s, size_t n)
{
	if (!grow((void **)&b->p, &b->cap, b->len + n + 1, 1))
		return false;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

/* -------------------------------------------------------------- state */

struct rel {
	char *id, *type, *target;   /* target resolved to a ZIP entry name */
};

struct sheetref {
	char *rid;
	bool hidden;
};

enum cell_type { CT_NUMBER, CT_SHARED, CT_INLINE, CT_STR, CT_BOOL, CT_ERROR, CT_DATE };

struct xlsx {
	const char *path;
	struct zs_error *err;
	int code;                  /* the first failure (ZS_OK while none) */
	bool stopped;              /* the callback said CSV_STOP */
	zip_t *za;
	XML_Parser xp;             /* the part being read */
	const char *part;          /* its entry name */
	int depth;

	bool collect;              /* character data goes to text */
	struct buf text;

	/* relationships of the part read last (_rels/.rels, then the workbook's) */
	const char *rel_base;      /* folder the targets are relative to */
	struct rel *rels;
	size_t nrels, relcap;
	bool saw_workbook;         /* the workbook part's root is <workbook> */

	/* workbook */
	bool date1904;
	struct sheetref *sheets;
	size_t nsheets, sheetcap;

	/* styles: the number format of each cell format (cellXfs) */
	bool in_numfmts, in_cellxfs;
	struct numfmt { unsigned id; int kind; } *fmts;   /* the workbook's own formats */
	size_t nfmts, fmtcap;
	unsigned char *xf_kind;    /* per cell format: XLSX_DATE ... */
	size_t nxf, xfcap;

	/* shared strings (one block of NUL-terminated strings) */
	struct buf ss;
	uint32_t *ss_off;
	size_t ss_n, ss_cap;
	bool in_si;
	int rph_depth;             /* inside phonetic runs (<rPh>): not text */

	/* worksheet */
	csv_record_cb cb;
	void *ud;
	bool in_data, in_row, in_cell, in_is;
	size_t row;                /* the row being read (1-based), or the last one */
	long col;                  /* 0-based column of the cell being read, or the last one */
	enum cell_type ctype;
	unsigned cstyle;
	bool have_v;
	struct buf rowtext;        /* the row's cell texts, NUL-terminated */
	struct cellpos { long col; size_t off; } *cells;
	size_t ncells, cellcap;
	size_t nrecords;           /* rows passed to the callback */
	char **fields;
	size_t fieldcap;
};

static void stop(struct xlsx *x)
{
	if (x->xp)
		XML_StopParser(x->xp, XML_FALSE);
}

/* Record the first failure (err filled by zs_fail) and stop the parse. */
static int failed(struct xlsx *x, int code)
{
	x->code = code;
	stop(x);
	return code;
}

#define FAIL(x, cls, ...) ((x)->code ? (x)->code : failed((x), zs_fail((x)->err, (cls), __VA_ARGS__)))

static int no_memory(struct xlsx *x)
{
	return FAIL(x, ZS_EFAIL, "%s", tr_pick(MSG_NOMEM));
}

/* A reason built with snprintf may have been cut inside a character (it
 * can quote the file's text): its length up to the last whole one. */
static int whole(const char *why)
{
	return (int)text_cut(why, strlen(why));
}

/* The file's content is wrong: "FILE 不是有效的 XLSX 文件：WHY". */
static int bad_file(struct xlsx *x, const char *why)
{
	return FAIL(x, ZS_EINPUT, TR("%s 不是有效的 XLSX 文件：%.*s", "%s is not a valid XLSX file: %.*s"), x->path,
		    whole(why), why);
}

/* A row's content is wrong: "第 N 行：WHY". */
static int bad_row(struct xlsx *x, const char *why)
{
	return FAIL(x, ZS_EINPUT, TR("第 %zu 行：%.*s", "line %zu: %.*s"), x->row, whole(why), why);
}

/* At most 20 bytes of the file's text for a message, whole characters. */
static const char *excerpt(const char *s, char out[24])
{
	size_t n = s ? strlen(s) : 0;
	if (n > 20)
		n = text_cut(s, 20);
	memcpy(out, s ? s : "", n);
	out[n] = '\0';
	return out;
}

static int damaged(struct xlsx *x, const char *what, const char *why)
{
	return FAIL(x, ZS_EINPUT,
		    TR("%s 已损坏或不完整（%s：%s）：请在 Excel/WPS 中重新打开并保存，或重新下载",
		       "%s is damaged or incomplete (%s: %s): open and save it again in Excel/WPS, or download it again"),
		    x->path, what, why);
}

static int zip_failed(struct xlsx *x, const char *what, zip_error_t *ze)
{
	if (zip_error_code_zip(ze) == ZIP_ER_MEMORY)
		return no_memory(x);
	int ze_code = zip_error_code_zip(ze);
	if (ze_code == ZIP_ER_NOPASSWD || ze_code == ZIP_ER_WRONGPASSWD || ze_code == ZIP_ER_ENCRNOTSUPP)
		return FAIL(x, ZS_EINPUT, TR("%s 已加密：请在 Excel/WPS 中取消密码后另存为 .xlsx 或 CSV",
					    "%s is encrypted: remove the password in Excel/WPS and save as .xlsx or CSV"),
			    x->path);
	if (zip_error_code_system(ze) == EIO)
		return FAIL(x, ZS_EFAIL, TR("读取文件 %s 失败：%s", "cannot read %s: %s"), x->path,
			    zip_error_strerror(ze));
	return damaged(x, what, zip_error_strerror(ze));
}

/* ---------------------------------------------------------- XML tools */

/* Element and attribute names come as "namespace|local" (XML_ParserCreateNS):
 * match the local part, so default and prefixed namespaces (x:row) and
 * Strict OOXML's namespace all read the same. */
static const char *local(const XML_Char *name)
{
	const char *bar = strrchr(name, '|');
	return bar ? bar + 1 : name;
}

static bool is(const XML_Char *name, const char *want)
{
	return strcmp(local(name), want) == 0;
}

static const char *attr(const XML_Char **atts, const char *want)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (is(atts[i], want))
			return atts[i + 1];
	return NULL;
}

/* A non-negative decimal (numFmtId, s, r of a row), or -1. */
static long number_attr(const char *s, long max)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	long v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return *s ? -1 : v;
}

static void on_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;
	if (x->code || !x->collect || len <= 0)
		return;
	if (x->text.len + (size_t)len > MAX_CELL_MIB * MIB) {
		char why[160];
		snprintf(why, sizeof why, TR("单元格内容过长（超过 %d MiB）", "a cell is too long (over %d MiB)"),
			 MAX_CELL_MIB);
		if (x->in_data)
			bad_row(x, why);
		else
			bad_file(x, why);
		return;
	}
	if (!buf_add(&x->text, s, (size_t)len))
		no_memory(x);
}

/* The text collected so far ("" before any: the buffer is made lazily). */
static char *collected(struct xlsx *x)
{
	static char none[1];
	if (x->text.p)
		return x->text.p;
	none[0] = '\0';
	return none;
}

static void text_start(struct xlsx *x)
{
	x->collect = true;
}

static void text_reset(struct xlsx *x)
{
	x->collect = false;
	x->text.len = 0;
	if (x->text.p)
		x->text.p[0] = '\0';
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
		       int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	struct xlsx *x = ud;
	char why[300];
	snprintf(why, sizeof why, TR("%s 含有 DTD 声明", "%s has a DTD"), x->part);
	bad_file(x, why);
}

/* Every start handler begins here: false when the element is to be ignored
 * (a failure already, or too deep). */
static bool enter(struct xlsx *x)
{
	if (x->code)
		return false;
	if (++x->depth > MAX_DEPTH) {
		char why[300];
		snprintf(why, sizeof why, TR("%s 的 XML 嵌套过深（超过 %d 层）", "%s nests XML deeper than %d levels"),
			 x->part, MAX_DEPTH);
		bad_file(x, why);
		return false;
	}
	return true;
}

static bool leave(struct xlsx *x)
{
	x->depth--;
	return !x->code;
}

/* Excel writes characters XML cannot hold (CR, controls) as _xHHHH_, and a
 * literal "_x" followed by hex as _x005F_x...: decode in place (never
 * longer: 7 bytes become at most 3). */
static size_t unescape(char *s, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		unsigned cp = 0;
		bool esc = i + 7 <= len && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
		for (size_t k = 2; esc && k < 6; k++) {
			char c = s[i + k];
			int h = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
			if (h < 0)
				esc = false;
			cp = cp * 16 + (unsigned)h;
		}
		if (!esc) {
			s[o++] = s[i++];
			continue;
		}
		i += 7;
		if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
			cp = 0xFFFD;
		if (cp < 0x80) {
			s[o++] = (char)cp;
		} else if (cp < 0x800) {
			s[o++] = (char)(0xC0 | cp >> 6);
			s[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			s[o++] = (char)(0xE0 | cp >> 12);
			s[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	s[o] = '\0';
	return o;
}

/* ------------------------------------------------------ reading a part */

static zip_int64_t locate(struct xlsx *x, const char *name)
{
	return zip_name_locate(x->za, name, ZIP_FL_NOCASE);
}

/* Stream one ZIP entry through expat with these handlers.  ZS_ENOTFOUND
 * (err untouched) if there is no such entry. */
static int read_part(struct xlsx *x, const char *name, XML_StartElementHandler start, XML_EndElementHandler end)
{
	zip_int64_t idx = locate(x, name);
	if (idx < 0)
		return ZS_ENOTFOUND;
	x->part = name;
	x->depth = 0;
	text_reset(x);
	zip_stat_t sb;
	zip_stat_init(&sb);
	if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &sb) != 0)
		return zip_failed(x, name, zip_get_error(x->za));
	if (!(sb.valid & ZIP_STAT_SIZE) || sb.size > entry_limit())
		return FAIL(x, ZS_EINPUT,
			    TR("%s 中的 %s 解压后有 %llu MiB，超过上限 %zu MiB（可能是恶意的压缩包）：大表请另存为 CSV 再导入",
			       "%s: %s unpacks to %llu MiB, over the limit of %zu MiB (it may be a ZIP bomb): save a large sheet as CSV"),
			    x->path, name, (unsigned long long)(sb.size / MIB), entry_limit() / MIB);
	zip_file_t *zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (!zf)
		return zip_failed(x, name, zip_get_error(x->za));
	x->xp = XML_ParserCreateNS(NULL, '|');
	if (!x->xp) {
		zip_fclose(zf);
		return no_memory(x);
	}
	XML_SetUserData(x->xp, x);
	XML_SetElementHandler(x->xp, start, end);
	XML_SetCharacterDataHandler(x->xp, on_text);
	XML_SetStartDoctypeDeclHandler(x->xp, on_doctype);

	zip_uint64_t total = 0;
	for (;;) {
		void *piece = XML_GetBuffer(x->xp, READ_PIECE);
		if (!piece) {
			no_memory(x);
			break;
		}
		zip_int64_t n = zip_fread(zf, piece, READ_PIECE);
		if (n < 0) {
			zip_failed(x, name, zip_file_get_error(zf));
			break;
		}
		total += (zip_uint64_t)n;
		if (total > sb.size) {
			/* More than the directory said: never trust it further. */
			damaged(x, name, TR("解压后的内容比声明的长", "more data than its declared size"));
			break;
		}
		if (XML_ParseBuffer(x->xp, (int)n, n == 0) != XML_STATUS_OK) {
			if (!x->code && !x->stopped) {
				char why[512];
				snprintf(why, sizeof why, TR("%s 第 %lu 行的 XML 有误（%s）", "%s line %lu: bad XML (%s)"), name,
					 (unsigned long)XML_GetCurrentLineNumber(x->xp),
					 XML_ErrorString(XML_GetErrorCode(x->xp)));
				bad_file(x, why);
			}
			break;
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(x->xp);
	x->xp = NULL;
	zip_fclose(zf);
	return x->code;
}

/* ------------------------------------------------------ relationships */

static void rels_clear(struct xlsx *x)
{
	for (size_t i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].type);
		free(x->rels[i].target);
	}
	x->nrels = 0;
}

/* A relationship's target as a ZIP entry name: absolute ("/xl/...") from
 * the root, else relative to base ("xl/"), with "." and ".." resolved. */
static char *resolve(const char *base, const char *target)
{
	size_t n = strlen(base) + strlen(target) + 1;
	char *joined = malloc(n);
	char *out = malloc(n);
	if (!joined || !out) {
		free(joined);
		free(out);
		return NULL;
	}
	snprintf(joined, n, "%s%s", target[0] == '/' ? "" : base, target[0] == '/' ? target + 1 : target);
	size_t o = 0;
	for (char *seg = joined, *next; seg; seg = next) {
		next = strchr(seg, '/');
		if (next)
			*next++ = '\0';
		if (!*seg || !strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			while (o > 0 && out[--o] != '/')
				;
			continue;
		}
		o += (size_t)sprintf(out + o, "%s%s", o ? "/" : "", seg);
	}
	out[o] = '\0';
	free(joined);
	return out;
}

static void rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	if (!enter(x) || !is(name, "Relationship"))
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
	const char *mode = attr(atts, "TargetMode");
	if (!id || !type || !target || (mode && !strcmp(mode, "External")))
		return;
	if (x->nrels >= MAX_RELS) {
		bad_file(x, TR("关系（relationship）过多", "too many relationships"));
		return;
	}
	if (!grow((void **)&x->rels, &x->relcap, x->nrels + 1, sizeof *x->rels))
		return (void)no_memory(x);
	struct rel *r = &x->rels[x->nrels];
	r->id = strdup(id);
	r->type = strdup(type);
	r->target = resolve(x->rel_base, target);
	x->nrels++;
	if (!r->id || !r->type || !r->target)
		no_memory(x);
}

static void plain_end(void *ud, const XML_Char *name)
{
	(void)name;
	leave(ud);
}

/* The first relationship whose type ends in "/suffix" (Transitional and
 * Strict OOXML differ only before it), optionally with this id. */
static const struct rel *rel_find(struct xlsx *x, const char *suffix, const char *id)
{
	size_t sl = strlen(suffix);
	for (size_t i = 0; i < x->nrels; i++) {
		const struct rel *r = &x->rels[i];
		size_t tl = strlen(r->type);
		if (tl > sl && r->type[tl - sl - 1] == '/' && !strcmp(r->type + tl - sl, suffix) &&
		    (!id || !strcmp(r->id, id)))
			return r;
	}
	return NULL;
}

static int read_rels(struct xlsx *x, const char *name, const char *base)
{
	rels_clear(x);
	x->rel_base = base;
	return read_part(x, name, rels_start, plain_end);
}

/* ------------------------------------------------------------ workbook */

static void workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	if (!enter(x))
		return;
	if (x->depth == 1 && is(name, "workbook")) {
		x->saw_workbook = true;
	} else if (is(name, "workbookPr")) {
		const char *v = attr(atts, "date1904");
		x->date1904 = v && (!strcmp(v, "1") || !strcmp(v, "true"));
	} else if (is(name, "sheet")) {
		const char *rid = attr(atts, "id"), *state = attr(atts, "state");
		if (!rid)
			return;
		if (x->nsheets >= MAX_RELS) {
			bad_file(x, TR("工作表过多", "too many sheets"));
			return;
		}
		if (!grow((void **)&x->sheets, &x->sheetcap, x->nsheets + 1, sizeof *x->sheets))
			return (void)no_memory(x);
		struct sheetref *s = &x->sheets[x->nsheets++];
		s->hidden = state && strcmp(state, "visible") != 0;
		if (!(s->rid = strdup(rid)))
			no_memory(x);
	}
}

/* -------------------------------------------------------------- styles */

static void styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	if (!enter(x))
		return;
	if (is(name, "numFmts")) {
		x->in_numfmts = true;
	} else if (is(name, "cellXfs")) {
		x->in_cellxfs = true;
	} else if (x->in_numfmts && is(name, "numFmt")) {
		long id = number_attr(attr(atts, "numFmtId"), 0x7fffffff);
		if (id < 0)
			return;
		if (x->nfmts >= MAX_STYLES) {
			bad_file(x, TR("数字格式过多", "too many number formats"));
			return;
		}
		if (!grow((void **)&x->fmts, &x->fmtcap, x->nfmts + 1, sizeof *x->fmts))
			return (void)no_memory(x);
		x->fmts[x->nfmts].id = (unsigned)id;
		x->fmts[x->nfmts++].kind = xlsx_format_kind(attr(atts, "formatCode"));
	} else if (x->in_cellxfs && is(name, "xf")) {
		long id = number_attr(attr(atts, "numFmtId"), 0x7fffffff);
		if (x->nxf >= MAX_STYLES) {
			bad_file(x, TR("单元格格式过多", "too many cell formats"));
			return;
		}
		if (!grow((void **)&x->xf_kind, &x->xfcap, x->nxf + 1, sizeof *x->xf_kind))
			return (void)no_memory(x);
		int kind = 0;
		if (id >= 0) {
			bool custom = false;
			for (size_t i = x->nfmts; i-- > 0 && !custom;)   /* the last definition wins */
				if (x->fmts[i].id == (unsigned)id) {
					kind = x->fmts[i].kind;
					custom = true;
				}
			if (!custom)
				kind = xlsx_builtin_kind((unsigned)id);
		}
		x->xf_kind[x->nxf++] = (unsigned char)kind;
	}
}

static void styles_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	if (!leave(x))
		return;
	if (is(name, "numFmts"))
		x->in_numfmts = false;
	else if (is(name, "cellXfs"))
		x->in_cellxfs = false;
}

/* ------------------------------------------------------ shared strings */

static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)atts;
	struct xlsx *x = ud;
	if (!enter(x))
		return;
	if (is(name, "si")) {
		x->in_si = true;
		x->rph_depth = 0;
		text_reset(x);
	} else if (is(name, "rPh")) {
		x->rph_depth++;
	} else if (x->in_si && !x->rph_depth && is(name, "t")) {
		text_start(x);
	}
}

static void sst_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	if (!leave(x))
		return;
	if (is(name, "t")) {
		x->collect = false;
	} else if (is(name, "rPh")) {
		x->rph_depth--;
	} else if (is(name, "si") && x->in_si) {
		x->in_si = false;
		if (x->ss_n >= MAX_STRINGS) {
			bad_file(x, TR("共享字符串过多", "too many shared strings"));
			return;
		}
		size_t len = unescape(collected(x), x->text.len);
		if (x->ss.len + len + 1 > UINT32_MAX) {
			bad_file(x, TR("共享字符串过长", "the shared strings are too long"));
			return;
		}
		if (!grow((void **)&x->ss_off, &x->ss_cap, x->ss_n + 1, sizeof *x->ss_off))
			return (void)no_memory(x);
		x->ss_off[x->ss_n++] = (uint32_t)x->ss.len;
		if (!buf_add(&x->ss, x->text.p ? x->text.p : "", len) || !buf_add(&x->ss, "", 1))
			return (void)no_memory(x);
		text_reset(x);
	}
}

/* ----------------------------------------------------------- worksheet */

/* A cell reference's column ("C5" -> 2), or -1. */
static long ref_column(const char *ref)
{
	long col = 0;
	const char *p = ref;
	for (; ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') && p - ref < 3; p++)
		col = col * 26 + ((*p | 0x20) - 'a' + 1);
	if (p == ref || *p < '0' || *p > '9' || col > MAX_COLUMNS)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		;
	return *p ? -1 : col - 1;
}

static void column_name(long col, char *out)
{
	char tmp[8];
	int n = 0;
	for (long c = col + 1; c > 0 && n < 7; c = (c - 1) / 26)
		tmp[n++] = (char)('A' + (c - 1) % 26);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

static enum cell_type cell_type(const char *t)
{
	if (!t || !strcmp(t, "n"))
		return CT_NUMBER;
	if (!strcmp(t, "s"))
		return CT_SHARED;
	if (!strcmp(t, "inlineStr"))
		return CT_INLINE;
	if (!strcmp(t, "b"))
		return CT_BOOL;
	if (!strcmp(t, "e"))
		return CT_ERROR;
	if (!strcmp(t, "d"))
		return CT_DATE;
	return CT_STR;   /* "str" (a formula's text) and anything newer: the text as it is */
}

static void row_start(struct xlsx *x, const XML_Char **atts)
{
	const char *r = attr(atts, "r");
	long n = r ? number_attr(r, MAX_ROWS) : (long)x->row + 1;
	x->in_row = true;
	x->col = -1;
	x->ncells = 0;
	x->rowtext.len = 0;
	if (n < 1 || n > MAX_ROWS) {
		char why[200];
		char ex[24];
		snprintf(why, sizeof why, TR("行号“%s”无效（应为 1 到 %d）", "bad row number \"%s\" (1 to %d)"),
			 excerpt(r, ex), MAX_ROWS);
		bad_file(x, why);
		return;
	}
	if ((size_t)n <= x->row) {
		x->row = (size_t)n;
		bad_row(x, TR("与前面的行顺序颠倒或重复", "out of order or repeated"));
		return;
	}
	x->row = (size_t)n;
}

static void cell_start(struct xlsx *x, const XML_Char **atts)
{
	const char *r = attr(atts, "r");
	long col = r ? ref_column(r) : x->col + 1;
	char why[200], ex[24];
	if (col < 0 || col >= MAX_COLUMNS) {
		if (r)
			snprintf(why, sizeof why, TR("单元格位置“%s”无效", "bad cell reference \"%s\""), excerpt(r, ex));
		else
			snprintf(why, sizeof why, TR("列数过多（超过 %d 列）", "too many columns (over %d)"), MAX_COLUMNS);
		bad_row(x, why);
		return;
	}
	if (col <= x->col) {
		snprintf(why, sizeof why, TR("单元格 %s 不在前一个单元格的右边", "cell %s is not right of the cell before it"),
			 excerpt(r, ex));
		bad_row(x, why);
		return;
	}
	x->col = col;
	x->in_cell = true;
	x->have_v = false;
	x->ctype = cell_type(attr(atts, "t"));
	long s = number_attr(attr(atts, "s"), 0x7fffffff);
	x->cstyle = s < 0 ? 0 : (unsigned)s;
	text_reset(x);
}

/* An ISO 8601 date (t="d"): "YYYY-MM-DD", with " HH:MM:SS" unless midnight. */
static void iso_date(const char *v, char *out, size_t outsz)
{
	size_t n = strlen(v);
	if (n >= 19 && v[10] == 'T' && strncmp(v + 11, "00:00:00", 8) != 0)
		snprintf(out, outsz, "%.10s %.8s", v, v + 11);
	else if (n >= 10 && v[4] == '-' && v[7] == '-')
		snprintf(out, outsz, "%.10s", v);
	else
		snprintf(out, outsz, "%s", v);
}

/* The text of the cell just read, or NULL after a failure. */
static const char *cell_text(struct xlsx *x, char *tmp, size_t tmpsz)
{
	char *v = collected(x);
	switch (x->ctype) {
	case CT_SHARED: {
		long i = number_attr(v, 0x7fffffff);
		if (i < 0 || (size_t)i >= x->ss_n) {
			char col[8], why[200], ex[24];
			column_name(x->col, col);
			snprintf(why, sizeof why, TR("%s 列引用的共享字符串“%s”不存在",
						     "column %s refers to a missing shared string \"%s\""), col, excerpt(v, ex));
			bad_row(x, why);
			return NULL;
		}
		return x->ss.p + x->ss_off[i];
	}
	case CT_INLINE:
	case CT_STR:
		x->text.len = unescape(v, x->text.len);
		return v;
	case CT_BOOL:
		return !strcmp(v, "1") ? "TRUE" : !strcmp(v, "0") ? "FALSE" : v;
	case CT_ERROR:
		return v;
	case CT_DATE:
		iso_date(v, tmp, tmpsz);
		return tmp;
	case CT_NUMBER:
		if (!*v)
			return v;
		if (xlsx_number_text(v, x->cstyle < x->nxf ? x->xf_kind[x->cstyle] : 0, x->date1904, tmp, tmpsz))
			return tmp;
		return v;   /* not a number after all: the text as written */
	}
	return v;
}

static void cell_end(struct xlsx *x)
{
	x->in_cell = false;
	x->in_is = false;
	x->collect = false;
	char tmp[64];
	const char *t = cell_text(x, tmp, sizeof tmp);
	if (!t || !*t)
		return;
	size_t len = strlen(t);
	if (x->rowtext.len + len + 1 > MAX_ROW_MIB * MIB) {
		char why[160];
		snprintf(why, sizeof why, TR("这一行内容过长（超过 %d MiB）", "the row is too long (over %d MiB)"), MAX_ROW_MIB);
		bad_row(x, why);
		return;
	}
	if (!grow((void **)&x->cells, &x->cellcap, x->ncells + 1, sizeof *x->cells))
		return (void)no_memory(x);
	x->cells[x->ncells].col = x->col;
	x->cells[x->ncells++].off = x->rowtext.len;
	if (!buf_add(&x->rowtext, t, len + 1))   /* with its NUL */
		no_memory(x);
}

/* The row as a record: columns up to its last cell with text, missing
 * ones empty (each its own NUL, so callers may edit fields in place). */
static void row_end(struct xlsx *x)
{
	x->in_row = false;
	if (x->ncells == 0)
		return;   /* a blank row (styled or empty cells only) */
	size_t nf = (size_t)x->cells[x->ncells - 1].col + 1;
	size_t *off = NULL, offcap = 0;
	if (!grow((void **)&off, &offcap, nf, sizeof *off)) {
		no_memory(x);
		return;
	}
	size_t k = 0;
	for (size_t c = 0; c < nf; c++) {
		if (k < x->ncells && (size_t)x->cells[k].col == c) {
			off[c] = x->cells[k++].off;
		} else {
			off[c] = x->rowtext.len;
			if (!buf_add(&x->rowtext, "", 1)) {
				free(off);
				no_memory(x);
				return;
			}
		}
	}
	if (!grow((void **)&x->fields, &x->fieldcap, nf, sizeof *x->fields)) {
		free(off);
		no_memory(x);
		return;
	}
	for (size_t c = 0; c < nf; c++)
		x->fields[c] = x->rowtext.p + off[c];
	free(off);
	struct csv_record rec = { .line = x->row, .nfields = nf, .fields = x->fields };
	x->nrecords++;
	int rc = x->cb(&rec, x->ud, x->err);
	if (rc == CSV_STOP) {
		x->stopped = true;
		stop(x);
	} else if (rc != CSV_NEXT) {
		if (x->err && !x->err->msg[0])
			zs_fail(x->err, rc, "%s", TR("读取表格时出错", "error reading the table"));
		failed(x, rc);
	}
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	if (!enter(x) || x->stopped)
		return;
	const char *n = local(name);
	if (!strcmp(n, "sheetData"))
		x->in_data = true;
	else if (!x->in_data)
		return;
	else if (!strcmp(n, "row"))
		row_start(x, atts);
	else if (x->in_row && !strcmp(n, "c"))
		cell_start(x, atts);
	else if (!x->in_cell)
		return;
	else if (!strcmp(n, "v"))
		text_start(x);
	else if (!strcmp(n, "is")) {
		x->in_is = true;
		x->rph_depth = 0;
	}
	else if (x->in_is && !strcmp(n, "rPh"))
		x->rph_depth++;
	else if (x->in_is && !x->rph_depth && !strcmp(n, "t"))
		text_start(x);
}

static void sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	if (!leave(x) || x->stopped)
		return;
	const char *n = local(name);
	if (!strcmp(n, "sheetData"))
		x->in_data = false;
	else if (!x->in_data)
		return;
	else if (!strcmp(n, "row") && x->in_row)
		row_end(x);
	else if (!strcmp(n, "c") && x->in_cell)
		cell_end(x);
	else if (!strcmp(n, "v") || !strcmp(n, "t"))
		x->collect = false;
	else if (!strcmp(n, "rPh") && x->rph_depth > 0)
		x->rph_depth--;
}

/* ------------------------------------------------------------ the file */

static void xlsx_free(struct xlsx *x)
{
	rels_clear(x);
	free(x->rels);
	for (size_t i = 0; i < x->nsheets; i++)
		free(x->sheets[i].rid);
	free(x->sheets);
	free(x->fmts);
	free(x->xf_kind);
	free(x->ss.p);
	free(x->ss_off);
	free(x->text.p);
	free(x->rowtext.p);
	free(x->cells);
	free(x->fields);
	if (x->za)
		zip_discard(x->za);
}

static int not_a_workbook(struct xlsx *x, const char *missing)
{
	return FAIL(x, ZS_EINPUT,
		    TR("%s 是 ZIP 压缩包，但不是 Excel 工作簿（缺少 %s）：请在 Excel/WPS 中另存为 .xlsx 或 CSV",
		       "%s is a ZIP archive but not an Excel workbook (no %s): save it as .xlsx or CSV in Excel/WPS"),
		    x->path, missing);
}

/* Open the ZIP; a file that is not one says so plainly. */
static int open_zip(struct xlsx *x)
{
	struct stat sb;
	int fd = fs_open_read(x->path, &sb, x->err);
	if (fd < 0)
		return x->code = x->err ? x->err->code : ZS_EINPUT;
	unsigned char head[4] = { 0 };
	ssize_t got = pread(fd, head, sizeof head, 0);
	bool pk = got == 4 && head[0] == 'P' && head[1] == 'K';
	int ze = 0;
	x->za = zip_fdopen(fd, ZIP_CHECKCONS, &ze);
	if (x->za)
		return ZS_OK;   /* the descriptor is the archive's now */
	close(fd);
	zip_error_t e;
	zip_error_init_with_code(&e, ze);
	int r;
	if (ze == ZIP_ER_NOZIP && !pk)
		r = FAIL(x, ZS_EINPUT, TR("%s 不是 XLSX 文件（内容不是 ZIP 格式）：请确认文件，或在 Excel/WPS 中另存为 .xlsx 或 CSV",
					  "%s is not an XLSX file (its content is not a ZIP): check the file, or save it as .xlsx or CSV in Excel/WPS"),
			 x->path);
	else if (ze == ZIP_ER_NOZIP)
		r = damaged(x, "ZIP", TR("找不到 ZIP 目录，文件可能不完整", "no ZIP directory: the file may be cut short"));
	else
		r = zip_failed(x, "ZIP", &e);
	zip_error_fini(&e);
	return r;
}

/* Find the workbook, its sheet, styles and strings, then stream the sheet. */
static int read_workbook(struct xlsx *x)
{
	char *wb = NULL;
	int r = read_rels(x, "_rels/.rels", "");
	if (r && r != ZS_ENOTFOUND)
		return r;
	const struct rel *doc = r ? NULL : rel_find(x, "officeDocument", NULL);
	wb = strdup(doc ? doc->target : "xl/workbook.xml");
	if (!wb)
		return no_memory(x);
	/* The workbook's own relationships: DIR/_rels/NAME.rels. */
	char *slash = strrchr(wb, '/');
	size_t dirlen = slash ? (size_t)(slash - wb) + 1 : 0;
	char *dir = strndup(wb, dirlen);
	size_t rn = strlen(wb) + 16;
	char *rels = malloc(rn);
	if (!dir || !rels) {
		free(wb), free(dir), free(rels);
		return no_memory(x);
	}
	snprintf(rels, rn, "%s_rels/%s.rels", dir, wb + dirlen);
	size_t wl = strlen(wb);
	if (wl > 4 && !strcasecmp(wb + wl - 4, ".bin"))
		r = FAIL(x, ZS_EINPUT, TR("%s 是二进制工作簿（.xlsb）：请在 Excel/WPS 中另存为 .xlsx 或 CSV",
					  "%s is a binary workbook (.xlsb): save it as .xlsx or CSV in Excel/WPS"), x->path);
	else if (locate(x, wb) < 0)
		r = not_a_workbook(x, wb);
	else if ((r = read_rels(x, rels, dir)) == ZS_ENOTFOUND)
		r = not_a_workbook(x, rels);
	if (!r)
		r = read_part(x, wb, workbook_start, plain_end);
	free(wb), free(dir), free(rels);
	if (r)
		return r;
	if (!x->saw_workbook)
		return not_a_workbook(x, "xl/workbook.xml");

	const struct rel *sheet = NULL;
	for (int pass = 0; pass < 2 && !sheet; pass++)   /* visible first, then any */
		for (size_t i = 0; i < x->nsheets && !sheet; i++)
			if (pass || !x->sheets[i].hidden)
				sheet = rel_find(x, "worksheet", x->sheets[i].rid);
	if (!sheet)
		return FAIL(x, ZS_EINPUT, TR("%s 里没有工作表", "%s has no worksheet"), x->path);
	const struct rel *styles = rel_find(x, "styles", NULL), *strings = rel_find(x, "sharedStrings", NULL);
	if (styles && (r = read_part(x, styles->target, styles_start, styles_end)) && r != ZS_ENOTFOUND)
		return r;
	if (strings && (r = read_part(x, strings->target, sst_start, sst_end)) && r != ZS_ENOTFOUND)
		return r;
	r = read_part(x, sheet->target, sheet_start, sheet_end);
	if (r == ZS_ENOTFOUND)
		return not_a_workbook(x, sheet->target);
	if (!r && !x->stopped && x->nrecords == 0)
		return FAIL(x, ZS_EINPUT, TR("%s 的第一张工作表是空的", "%s: the first worksheet is empty"), x->path);
	return r;
}

int xlsx_stream_file(const char *path, csv_record_cb cb, void *ud, struct zs_error *err)
{
	zs_clear(err);
	if (!path || !cb)
		return zs_fail(err, ZS_EFAIL, "%s", TR("内部错误：没有文件名或回调函数", "internal error: no file or callback"));
	struct xlsx x = { .path = path, .err = err, .cb = cb, .ud = ud };
	int r = open_zip(&x);
	if (!r)
		r = read_workbook(&x);
	xlsx_free(&x);
	return r;
}
