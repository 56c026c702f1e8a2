/* The new-intake form: a view with its own key table, never a blocking loop.
 *
 * Fields are checked as they are typed (message beside the field); the
 * duplicate warning and the exposure suggestion come from the core before
 * saving.  Every change is written to a draft file at once, so a closed
 * terminal or a dropped SSH link loses nothing; the draft is offered back at
 * the next start.  Each form carries a random token, saved with the intake
 * (table saved_draft): a console killed after the save committed but before
 * the draft was deleted does not offer that draft again, nor log it twice. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lineedit.h"
#include "tui_internal.h"
#include "zhishou/token.h"
#include "zhishou/rules.h"
#include "zhishou/caller.h"
#include "zhishou/codes.h"
#include "zhishou/fields.h"
#include "zhishou/fsutil.h"
#include "zhishou/i18n.h"
#include "zhishou/intake.h"
#include "zhishou/reads.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/validate.h"

enum field_kind { F_TEXT, F_PICK };

enum {
	FI_AT, FI_CHANNEL, FI_KIND, FI_CATEGORY, FI_CALLER, FI_PHONE, FI_SUBJECT, FI_USCC, FI_TEXT, FI_REF,
	FI_EXPOSURE, FI_N
};

struct field_def {
	const char *key;          /* draft JSON key */
	const char *zh, *en;
	enum field_kind kind;
	const struct vocab *vocab;
	size_t max_chars;
	bool required;
};

static const struct field_def defs[FI_N] = {
	[FI_AT] = { "at", "受理时间", "Received", F_TEXT, NULL, 32, true },
	[FI_CHANNEL] = { "channel", "渠道", "Channel", F_PICK, &vocab_channel, 0, true },
	[FI_KIND] = { "kind", "类别", "Kind", F_PICK, &vocab_kind, 0, true },
	[FI_CATEGORY] = { "category", "分类", "Category", F_PICK, &vocab_category, 0, false },
	[FI_CALLER] = { "caller", "来电人", "Caller", F_TEXT, NULL, INTAKE_MAX_CALLER, false },
	[FI_PHONE] = { "phone", "来电号码", "Phone", F_TEXT, NULL, 32, false },
	[FI_SUBJECT] = { "subject", "被投诉主体", "Business", F_TEXT, NULL, INTAKE_MAX_SUBJECT, false },
	[FI_USCC] = { "uscc", "信用代码", "USCC", F_TEXT, NULL, 18, false },
	[FI_TEXT] = { "text", "内容摘要", "Summary", F_TEXT, NULL, INTAKE_MAX_TEXT, true },
	[FI_REF] = { "ref", "工单号", "Reference", F_TEXT, NULL, INTAKE_MAX_REF, false },
	[FI_EXPOSURE] = { "exposure", "关联曝光", "Exposure", F_TEXT, NULL, 12, false },
};

struct form {
	struct lineedit edit[FI_N];
	int pick[FI_N];            /* index into the vocabulary; -1 = none */
	int focus;
	char msg[FI_N][1100];       /* validation message beside each field */
	struct intake_hints hints;
	struct caller_history caller;  /* the phone's earlier intakes, shown under it */
	char exposure_title[256];      /* the linked exposure's title, shown beside its number */
	int digit, digit_field;        /* a digit just typed on a pick field (0: none) ... */
	int64_t digit_at;              /* ... and when (monotonic ms): 1 then 1 picks the 11th */
	char caller_phone[64];         /* the number they were read for: read again only when it changes */
	struct entity_matches reg;     /* the register's matches for the business typed */
	bool open;
	bool save_pending;          /* saving met a lost connection: resolved and saved again once it is back */
	char token[33];             /* this form's draft token: 32 hex digits */
	char dir[900];              /* the state directory */
	char key[16];               /* the database: a hash of its real path */
	char legacy_path[1024];     /* a draft from before drafts were per console */
	char tag[64];               /* this console: PID-START */
	char draft_path[1024];      /* this console's draft: draft-KEY-PID-START.json */
	char discard_path[1100];    /* the draft X asked about (kept until the answer) */
	unsigned claims;            /* dead consoles' drafts claimed so far (names them) */
	char lock_path[1024];       /* held (flock) while this console lives */
	int lock_fd;
	char pref_path[1024];
};

#define DEAD_MAX 16

extern const struct key_table form_key_table;
static const struct view view_form;

static void state_dir(struct tui *t, char *buf, size_t n)
{
	if (t->opt->draft_dir && *t->opt->draft_dir) {
		snprintf(buf, n, "%s", t->opt->draft_dir);
		return;
	}
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, n, "%s/zhishou", xdg);
	else
		snprintf(buf, n, "%s/.local/state/zhishou", home && *home ? home : "/tmp");
}

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (const char *p = s; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/* A draft belongs to one console: named by the database (its real path, so
 * --db /x/demo.db and --db demo.db in /x are one) and the console (pid and
 * start time), with a lock file the console holds (flock) while it lives.
 * A draft whose console's lock is not held is a dead console's: offered to
 * the next console of this user, never touched while its console lives. */
static void draft_paths(struct tui *t, struct form *f)
{
	state_dir(t, f->dir, sizeof f->dir);
	char real[PATH_MAX];
	const char *db = realpath(t->opt->db_path, real) ? real : t->opt->db_path;
	snprintf(f->key, sizeof f->key, "%08x", fnv(db));
	snprintf(f->legacy_path, sizeof f->legacy_path, "%s/draft-%08x.json", f->dir, fnv(t->opt->db_path));
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(f->tag, sizeof f->tag, "%ld-%lld%03ld", (long)getpid(), (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	snprintf(f->draft_path, sizeof f->draft_path, "%s/draft-%s-%s.json", f->dir, f->key, f->tag);
	snprintf(f->lock_path, sizeof f->lock_path, "%s/console-%s-%s.lock", f->dir, f->key, f->tag);
	snprintf(f->pref_path, sizeof f->pref_path, "%s/last-channel-%s", f->dir, f->key);
}

/* The lock is made under a temporary name, locked, then renamed into
 * place: no other console ever sees it unlocked while this one lives. */
static void take_lock(struct form *f)
{
	if (f->lock_fd >= 0)
		return;
	fs_mkdirs(f->dir, 0700, NULL, 0);
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.tmp", f->lock_path);
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) || rename(tmp, f->lock_path)) {
		close(fd);
		unlink(tmp);
		return;
	}
	f->lock_fd = fd;
}

/* Whether the console that wrote a draft (its tag in the name) still
 * lives: its lock file is there and held. */
static bool console_alive(const struct form *f, const char *tag)
{
	char lock[1300];
	snprintf(lock, sizeof lock, "%s/console-%s-%s.lock", f->dir, f->key, tag);
	int fd = open(lock, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

struct dead {
	char path[DEAD_MAX][1100];
	time_t mtime[DEAD_MAX];
	int n;
};

static void dead_add(struct dead *d, const char *path)
{
	struct stat st;
	if (d->n == DEAD_MAX || stat(path, &st))
		return;
	/* Oldest first: the order they are offered in. */
	int k = d->n++;
	for (; k > 0 && d->mtime[k - 1] > st.st_mtime; k--) {
		memcpy(d->path[k], d->path[k - 1], sizeof d->path[k]);
		d->mtime[k] = d->mtime[k - 1];
	}
	snprintf(d->path[k], sizeof d->path[k], "%s", path);
	d->mtime[k] = st.st_mtime;
}

/* The drafts of this database left by consoles that are gone (and one
 * from before drafts were per console), or with mine, the ones this console
 * claimed (draft-KEY-TAG.cN.json: the tag is up to the first dot); a dead
 * console's lock file with no draft left is removed. */
static void list_drafts(const struct form *f, struct dead *d, bool mine)
{
	d->n = 0;
	if (!mine && access(f->legacy_path, F_OK) == 0)
		dead_add(d, f->legacy_path);
	DIR *dir = opendir(f->dir);
	if (!dir)
		return;
	char draft_pre[64], lock_pre[64];
	snprintf(draft_pre, sizeof draft_pre, "draft-%s-", f->key);
	snprintf(lock_pre, sizeof lock_pre, "console-%s-", f->key);
	const char *own_draft_name = strrchr(f->draft_path, '/') + 1;
	struct dirent *e;
	while ((e = readdir(dir))) {
		const char *name = e->d_name;
		size_t len = strlen(name);
		char tag[256], path[1100];
		bool draft = !strncmp(name, draft_pre, strlen(draft_pre)) && len > strlen(draft_pre) + 5 && !strcmp(name + len - 5, ".json");
		bool lock = !strncmp(name, lock_pre, strlen(lock_pre)) && len > strlen(lock_pre) + 5 && !strcmp(name + len - 5, ".lock");
		if ((!draft && !lock) || !strcmp(name, own_draft_name))
			continue;
		size_t pre = strlen(draft ? draft_pre : lock_pre);
		snprintf(tag, sizeof tag, "%.*s", (int)(len - pre - 5), name + pre);
		tag[strcspn(tag, ".")] = '\0';
		bool own = !strcmp(tag, f->tag);
		snprintf(path, sizeof path, "%s/%s", f->dir, name);
		if (mine) {
			if (own && draft)
				dead_add(d, path);
			continue;
		}
		if (own || console_alive(f, tag))
			continue;
		if (draft) {
			dead_add(d, path);
			continue;
		}
		char their[1300];
		snprintf(their, sizeof their, "%s/%s%s.json", f->dir, draft_pre, tag);
		if (access(their, F_OK) != 0)
			unlink(path);
	}
	closedir(dir);
}

/* Dead consoles' drafts become this console's the moment it looks at them
 * (to offer, count, continue or discard one): each is renamed under this
 * console's tag, with its lock held first, so another console of this user
 * neither offers nor takes a draft offered here; rename is atomic, so of two
 * consoles claiming at once one gets each draft.  When this console ends,
 * its lock goes and they pass to the next console. */
static void claim_drafts(struct form *f, struct dead *mine)
{
	struct dead d;
	list_drafts(f, &d, false);
	if (d.n)
		take_lock(f);
	for (int i = 0; i < d.n && f->lock_fd >= 0; i++) {
		char to[1300];
		snprintf(to, sizeof to, "%s/draft-%s-%s.c%u.json", f->dir, f->key, f->tag, ++f->claims);
		rename(d.path[i], to);   /* fails only if another console claimed it first */
	}
	list_drafts(f, mine, true);
}

struct form *form_new(struct tui *t)
{
	struct form *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	for (int i = 0; i < FI_N; i++) {
		f->pick[i] = -1;
		f->edit[i].max_chars = defs[i].max_chars;
	}
	f->edit[FI_TEXT].multiline = true;   /* the summary takes line breaks (Ctrl-J) */
	draft_paths(t, f);
	f->lock_fd = -1;   /* taken with the first draft: a console that writes none leaves nothing behind */
	return f;
}

/* A console leaving: its draft (if any) stays for the next console; the
 * lock goes, so the draft counts as a dead console's. */
void form_free(struct form *f)
{
	if (!f)
		return;
	if (f->lock_fd >= 0) {
		unlink(f->lock_path);
		close(f->lock_fd);
	}
	entity_matches_clear(&f->reg);
	free(f);
}

static bool own_draft(const struct form *f)
{
	return f->open || access(f->draft_path, F_OK) == 0;
}

bool form_has_draft(struct tui *t)
{
	if (!t->form)
		return false;
	if (own_draft(t->form))
		return true;
	struct dead mine;
	claim_drafts(t->form, &mine);
	return mine.n > 0;
}

/* What a draft holds, for the question before it is discarded: its
 * summary and caller (sanitised, cut to fit the question line). */
static void draft_describe(const char *summary, const char *caller, char *out, size_t n)
{
	char *s = text_sanitize(summary ? summary : "", summary ? strlen(summary) : 0, 0);
	char *c = text_sanitize(caller ? caller : "", caller ? strlen(caller) : 0, 0);
	char sfit[160], cfit[64];
	text_fit_cols(s && *text_trim(s) ? s : TR("摘要未填", "no summary"), 20, false, sfit, sizeof sfit);
	text_fit_cols(c ? text_trim(c) : "", 8, false, cfit, sizeof cfit);
	if (*cfit)
		snprintf(out, n, TR("「%s」（来电人 %s）", "\"%s\" (caller %s)"), sfit, cfit);
	else
		snprintf(out, n, TR("「%s」", "\"%s\""), sfit);
	free(s);
	free(c);
}

/* X asks first: this console's draft, else the oldest one it claimed from a
 * dead console; the question names it (what y discards is exactly that). */
bool form_discard_question(struct tui *t, char *q, size_t n)
{
	struct form *f = t->form;
	if (!f)
		return false;
	char what[300];
	if (f->open) {
		snprintf(f->discard_path, sizeof f->discard_path, "%s", f->draft_path);
		draft_describe(f->edit[FI_TEXT].buf, f->edit[FI_CALLER].buf, what, sizeof what);
	} else {
		struct dead mine;
		if (access(f->draft_path, F_OK) == 0)
			snprintf(f->discard_path, sizeof f->discard_path, "%s", f->draft_path);
		else if (claim_drafts(f, &mine), mine.n)
			snprintf(f->discard_path, sizeof f->discard_path, "%s", mine.path[0]);
		else
			return false;
		json_t *o = json_load_file(f->discard_path, 0, NULL);
		draft_describe(json_string_value(json_object_get(o, defs[FI_TEXT].key)),
			       json_string_value(json_object_get(o, defs[FI_CALLER].key)), what, sizeof what);
		json_decref(o);
	}
	snprintf(q, n, TR("丢弃草稿%s？丢弃后不能恢复 y/n ", "Discard draft %s? It cannot be undone. y/n "), what);
	return true;
}

/* y to X's question: the draft it named. */
void form_discard_draft(struct tui *t)
{
	struct form *f = t->form;
	if (!f || !*f->discard_path)
		return;
	unlink(f->discard_path);
	if (!strcmp(f->discard_path, f->draft_path))
		f->open = false;   /* the next n starts a clean form */
	f->discard_path[0] = '\0';
}

/* n continues the oldest draft this console claimed: renamed into place. */
static bool adopt_draft(struct form *f)
{
	struct dead mine;
	claim_drafts(f, &mine);
	for (int i = 0; i < mine.n; i++)
		if (rename(mine.path[i], f->draft_path) == 0)
			return true;
	return false;
}

/* How many drafts of dead consoles wait (after this console's own). */
static int dead_count(struct form *f)
{
	struct dead mine;
	claim_drafts(f, &mine);
	return mine.n;
}

static const char *pick_code(const struct form *f, int i)
{
	const struct vocab *v = defs[i].vocab;
	return f->pick[i] >= 0 && (size_t)f->pick[i] < v->n ? v->items[f->pick[i]].code : NULL;
}

static void new_token(struct form *f)
{
	token_new(f->token);
}

static bool token_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 16 && n <= 32 && strspn(s, "0123456789abcdef") == n;
}

/* Written to a temporary file and renamed: a kill mid-write leaves the
 * previous draft, never half of one. */
static void save_draft(struct form *f)
{
	take_lock(f);   /* before the draft appears: never seen as a dead console's */
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", f->draft_path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		fs_mkdirs(dir, 0700, NULL, 0);   /* a failure shows as the draft not saving */
	}
	json_t *o = json_object();
	for (int i = 0; i < FI_N; i++) {
		if (defs[i].kind == F_PICK) {
			const char *c = pick_code(f, i);
			json_object_set_new(o, defs[i].key, c ? json_string(c) : json_null());
		} else {
			json_object_set_new(o, defs[i].key, json_string(f->edit[i].buf));
		}
	}
	json_object_set_new(o, "focus", json_integer(f->focus));
	json_object_set_new(o, "token", json_string(f->token));
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.tmp", f->draft_path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		char *s = json_dumps(o, JSON_COMPACT);
		size_t n = s ? strlen(s) : 0;
		bool ok = s && write(fd, s, n) == (ssize_t)n;
		ok = fsync(fd) == 0 && ok;
		close(fd);
		free(s);
		if (ok)
			rename(tmp, f->draft_path);
		else
			unlink(tmp);
	}
	json_decref(o);
}

static bool load_draft(struct form *f)
{
	json_error_t je;
	json_t *o = json_load_file(f->draft_path, 0, &je);
	if (!o)
		return false;
	for (int i = 0; i < FI_N; i++) {
		json_t *v = json_object_get(o, defs[i].key);
		const char *s = json_is_string(v) ? json_string_value(v) : NULL;
		if (defs[i].kind == F_PICK)
			f->pick[i] = s ? vocab_find(defs[i].vocab, s) : -1;
		else {
			/* A draft file is outside text too. */
			char *clean = text_sanitize(s ? s : "", s ? strlen(s) : 0, f->edit[i].multiline ? TEXT_KEEP_NEWLINES : 0);
			le_set(&f->edit[i], clean);
			free(clean);
		}
	}
	json_t *fo = json_object_get(o, "focus");
	f->focus = json_is_integer(fo) && json_integer_value(fo) >= 0 && json_integer_value(fo) < FI_N ? (int)json_integer_value(fo) : 0;
	/* A draft from before tokens keeps the fresh one clear_form made. */
	const char *tok = json_string_value(json_object_get(o, "token"));
	if (token_ok(tok))
		snprintf(f->token, sizeof f->token, "%s", tok);
	json_decref(o);
	return true;
}

/* The intake the draft on disk was saved as (0: not saved, or no draft). */
static int64_t draft_saved_as(struct tui *t, const char *path)
{
	json_t *o = json_load_file(path, 0, NULL);
	const char *tok = o ? json_string_value(json_object_get(o, "token")) : NULL;
	int64_t id = 0;
	struct zs_error err = { 0 };
	if (token_ok(tok))
		intake_saved_draft(t->c, tok, &id, &err);
	json_decref(o);
	return id;
}

/* At start: a draft left by a console killed right after its save committed
 * is removed and said so; returns how many unsaved drafts of dead consoles
 * wait. */
int form_draft_pending(struct tui *t)
{
	struct form *f = t->form;
	if (!f)
		return 0;
	struct dead d;
	claim_drafts(f, &d);
	int n = 0;
	for (int i = 0; i < d.n; i++) {
		int64_t id = draft_saved_as(t, d.path[i]);
		if (!id) {
			n++;
			continue;
		}
		unlink(d.path[i]);
		tui_message(t, false, TR("上次的草稿已登记为 #%lld（保存后程序中断），草稿已删除",
					 "the last draft was already logged as #%lld (the program stopped after saving); draft removed"),
			    (long long)id);
	}
	return n;
}

static void clear_form(struct tui *t, struct form *f)
{
	for (int i = 0; i < FI_N; i++) {
		le_clear(&f->edit[i]);
		f->pick[i] = -1;
		f->msg[i][0] = '\0';
	}
	memset(&f->hints, 0, sizeof f->hints);
	memset(&f->caller, 0, sizeof f->caller);
	f->caller_phone[0] = '\0';
	entity_matches_clear(&f->reg);
	f->reg.has_register = 0;   /* asked again when the form opens */
	f->exposure_title[0] = '\0';
	new_token(f);
	char now[32];
	/* Shown selected: a time typed replaces it (21:05), as in the prompts. */
	le_set_selected(&f->edit[FI_AT], time_format(t->c->now, TIME_FULL, now, sizeof now));
	/* The channel defaults to the one this operator used last. */
	char last[64] = "";
	FILE *fp = fopen(f->pref_path, "r");
	if (fp) {
		if (fgets(last, sizeof last, fp))
			last[strcspn(last, "\n")] = '\0';
		fclose(fp);
	}
	f->pick[FI_CHANNEL] = vocab_find(&vocab_channel, *last ? last : "12315-hotline");
	if (f->pick[FI_CHANNEL] < 0)
		f->pick[FI_CHANNEL] = 0;
	f->pick[FI_KIND] = 0;
	f->focus = FI_CALLER;
}

static void input_of(const struct form *f, struct intake_input *in)
{
	memset(in, 0, sizeof *in);
	in->at = f->edit[FI_AT].buf;
	in->channel = pick_code(f, FI_CHANNEL);
	in->kind = pick_code(f, FI_KIND);
	in->category = pick_code(f, FI_CATEGORY);
	in->caller = f->edit[FI_CALLER].buf;
	in->phone = f->edit[FI_PHONE].buf;
	in->subject = f->edit[FI_SUBJECT].buf;
	in->uscc = f->edit[FI_USCC].buf;
	in->text = f->edit[FI_TEXT].buf;
	in->ref = f->edit[FI_REF].buf;
	in->exposure = f->edit[FI_EXPOSURE].buf;
	in->draft_token = f->token;
}

/* Check one field the way the core will.  The message beside a field must
 * fit in the columns left at 80x24, so it is short; the core's full message
 * appears in the status line if a save is refused. */
struct title_of {
	int64_t id;
	char *out;
	size_t n;
};

static int title_cb(const struct exposure *e, void *ud)
{
	struct title_of *q = ud;
	if (e->id != q->id)
		return 0;
	snprintf(q->out, q->n, "%s", e->title);
	return ZS_STOP;
}

static void check_field(struct tui *t, struct form *f, int i)
{
	struct zs_error err = { 0 };
	char *out = NULL;
	const char *v = f->edit[i].buf;
	const char *msg = NULL;
	f->msg[i][0] = '\0';
	switch (i) {
	case FI_AT: {
		int64_t at;
		if (field_time(v, FIELD("时间", "time"), t->c->now, &at, &err))
			msg = TR("时间不对，如 21:05", "bad time, e.g. 21:05");
		else if (time_is_future_typo(at, t->c->now))
			msg = TR("晚于现在", "in the future");
		break;
	}
	case FI_PHONE:
		if (field_phone(v, FIELD("号码", "phone"), false, false, &out, &err))
			msg = TR("应为11位手机或区号+号码", "11-digit mobile or landline");
		break;
	case FI_USCC:
		/* Only judge a code once all 18 characters are there. */
		if (text_length(v) >= 18 && field_uscc(v, &out, &err)) {
			char buf[64] = "";
			uscc_normalize(v, buf, sizeof buf);
			char want = strlen(buf) == 18 ? uscc_check_char(buf) : 0;
			if (want)
				snprintf(f->msg[i], sizeof f->msg[i], TR("校验位应为 %c", "check char should be %c"), want);
			else
				msg = TR("含不允许的字符", "invalid characters");
		}
		break;
	case FI_TEXT:
		if (!*v)
			msg = TR("必填", "required");
		break;
	case FI_EXPOSURE:
		f->exposure_title[0] = '\0';
		if (*v) {
			int64_t id;
			if (field_id(v, FIELD("编号", "id"), &id, &err)) {
				msg = TR("应为曝光问题编号", "an exposure id");
			} else {
				/* Its title beside the number: what Ctrl-E linked, in words. */
				struct title_of q = { id, f->exposure_title, sizeof f->exposure_title };
				exposure_list(t->c, false, title_cb, &q, NULL);
				if (!f->exposure_title[0])
					msg = TR("没有这个曝光问题", "no such exposure");
			}
		}
		break;
	default:
		break;
	}
	free(out);
	if (msg)
		snprintf(f->msg[i], sizeof f->msg[i], "%s", msg);
}

/* Duplicate warning and exposure suggestion, from the core, as typed. */
static void refresh_hints(struct tui *t, struct form *f)
{
	memset(&f->hints, 0, sizeof f->hints);
	struct intake probe = { 0 };
	char phone[64] = "";
	if (!phone_normalize(f->edit[FI_PHONE].buf, phone, sizeof phone) || !phone_is_valid(phone))
		phone[0] = '\0';
	char *subject = text_sanitize(f->edit[FI_SUBJECT].buf, f->edit[FI_SUBJECT].len, 0);
	char *summary = text_sanitize(f->edit[FI_TEXT].buf, f->edit[FI_TEXT].len, 0);
	if (subject)
		text_trim(subject);
	/* A whole valid USCC makes the duplicate check and the exposure
	 * suggestion compare businesses by code, as the core does on save. */
	char uscc[64] = "";
	uscc_normalize(f->edit[FI_USCC].buf, uscc, sizeof uscc);
	if (!uscc_is_valid(uscc))
		uscc[0] = '\0';
	probe.uscc = uscc;
	probe.phone = phone;
	probe.subject = subject;
	probe.summary = summary;
	probe.received_at = t->c->now;
	int64_t eid = 0;
	if (*f->edit[FI_EXPOSURE].buf)
		field_id(f->edit[FI_EXPOSURE].buf, FIELD("", ""), &eid, NULL);
	probe.exposure_id = eid;
	struct zs_error err = { 0 };
	if (*phone || *uscc || (subject && *subject) || (summary && *summary))
		intake_hints(t->c, &probe, &f->hints, &err);
	if (strcmp(phone, f->caller_phone)) {
		snprintf(f->caller_phone, sizeof f->caller_phone, "%s", phone);
		caller_history(t->c, phone, &f->caller, &err);
	}
	free(subject);
	free(summary);
}

void form_open(struct tui *t, bool restore_draft)
{
	struct form *f = t->form;
	if (!f)
		return;
	if (!f->open) {
		clear_form(t, f);
		if (restore_draft && (access(f->draft_path, F_OK) == 0 || adopt_draft(f)) && load_draft(f))
			tui_message(t, false, "%s", TR("已恢复未保存的草稿", "Unsaved draft restored"));
		for (int i = 0; i < FI_N; i++)
			check_field(t, f, i);
		refresh_hints(t, f);
		entity_matches_update(t, &f->reg, f->edit[FI_SUBJECT].buf);
	}
	f->open = true;
	tui_push(t, &view_form, f);
}

/* Under the phone: this caller's earlier intakes, before saving another
 * (how many, the last one's number, time, status, business). */
static void caller_line(struct tui *t, const struct form *f, int y, int x)
{
	const struct caller_history *h = &f->caller;
	char tm[32], line[512];
	snprintf(line, sizeof line, TR("此号码之前来过 %lld%s 次，最近 #%lld %s %s %s", "this number called %lld%s times before; last #%lld %s %s %s"),
		 (long long)h->count, h->count >= CALLER_HISTORY_MAX ? "+" : "", (long long)h->last_id,
		 time_format(h->last_at, TIME_SHORT, tm, sizeof tm), vocab_label(&vocab_status, h->last_status), h->last_subject);
	tui_text(t, y, x, t->cols - x, line, C_WARN);
}

/* Beside the business: how many the register offers and the key that
 * picks one, or that the business and its code are the register's. */
static void register_note(struct tui *t, const struct form *f, int y, int x)
{
	char line[256], uscc[64];
	uscc_normalize(f->edit[FI_USCC].buf, uscc, sizeof uscc);
	for (int k = 0; k < f->reg.n; k++)
		if (!strcmp(f->reg.uscc[k], uscc) && !strcmp(f->reg.name[k], f->edit[FI_SUBJECT].buf)) {
			tui_text(t, y, x, t->cols - x, TR("✓ 登记册里的这一户", "✓ as in the register"), C_OK);
			return;
		}
	snprintf(line, sizeof line, TR("Ctrl-R 登记册 %d%s 户", "Ctrl-R register: %d%s"), f->reg.n, f->reg.more ? "+" : "");
	tui_text(t, y, x, t->cols - x, line, C_HINT);
}

/* Choices picked by their number, typed as one or two digits (1-9, then
 * 10 as 1 0): more than this are picked by typing their name. */
#define PICK_DIGITS_MAX 19

static int choice_width(const struct vocab *v, size_t k, char *buf, size_t n)
{
	snprintf(buf, n, "%zu %s", k + 1, TR(v->items[k].zh, v->items[k].en));
	return text_width(buf);
}

/* Columns the numbered choices take on one line. */
static int choices_width(const struct vocab *v)
{
	char buf[256];
	int w = 0;
	for (size_t k = 0; k < v->n; k++)
		w += choice_width(v, k, buf, sizeof buf) + 2;
	return w - 2;
}

/* The numbered choices from (y, x) in w columns, a choice never split
 * between rows, on at most max rows; returns the rows used. */
static int choice_rows(struct tui *t, const struct vocab *v, int y, int x, int w, int max)
{
	char buf[256];
	int row = 0, col = 0;
	for (size_t k = 0; k < v->n; k++) {
		int cw = choice_width(v, k, buf, sizeof buf);
		if (col && col + 2 + cw > w) {
			if (++row == max)
				return row;
			col = 0;
		}
		if (col)
			col += 2;
		tui_text(t, y + row, x + col, w - col, buf, C_HINT);
		col += cw;
	}
	return row + 1;
}

/* Rows for the summary: what 24 rows leave after the other fields, the
 * caller line under the phone, the duplicate and exposure hints and the
 * hint line; more on a taller window, up to 10. */
static int summary_rows(const struct tui *t)
{
	int rows = t->rows - 19;
	return rows < 1 ? 1 : rows > 10 ? 10 : rows;
}

static void paint(struct tui *t, void *self)
{
	struct form *f = self;
	tui_fill(t, 0, 0, t->cols, C_HEADER);
	tui_text(t, 0, 1, t->cols - 2, TR("新登记：投诉 / 举报 / 咨询", "New intake: complaint / tip / inquiry"), C_HEADER);
	int label_w = i18n_get() == LANG_EN ? 11 : 12;
	int value_w = t->cols >= 120 ? 60 : 38;
	int msg_x = label_w + value_w + 2;
	int y = 2;
	const struct vocab *below = NULL;
	for (int i = 0; i < FI_N; i++, y++) {
		bool focus = f->focus == i;
		char label[64];
		snprintf(label, sizeof label, "%s%s", defs[i].required ? "*" : " ", TR(defs[i].zh, defs[i].en));
		tui_text(t, y, 0, label_w, label, focus ? C_TITLE : C_NORMAL);
		if (defs[i].kind == F_PICK) {
			const struct vocab *v = defs[i].vocab;
			char buf[256];
			const char *cur = f->pick[i] >= 0 ? TR(v->items[f->pick[i]].zh, v->items[f->pick[i]].en) : TR("（未选）", "(none)");
			snprintf(buf, sizeof buf, "< %s >", cur);
			tui_text(t, y, label_w, value_w, buf, focus ? C_SELECTED : C_NORMAL);
			if (focus) {
				/* The choices, numbered for picking by digits: beside the
				 * field when they fit, else all of them in rows under the
				 * fields (the channels at 80 columns); a long vocabulary
				 * (the categories) is picked by typing. */
				if (choices_width(v) <= t->cols - msg_x)
					choice_rows(t, v, y, msg_x, t->cols - msg_x, 1);
				else if (v->n <= PICK_DIGITS_MAX)
					below = v;
				else {
					char list[1024];
					size_t n = (size_t)snprintf(list, sizeof list, "%s", TR("打字筛选  ", "type to filter  "));
					for (size_t k = 0; k < v->n && k < 9 && n < sizeof list - 64; k++)
						n += (size_t)snprintf(list + n, sizeof list - n, "%zu %s  ", k + 1, TR(v->items[k].zh, v->items[k].en));
					snprintf(list + n, sizeof list - n, "%s", TR("←→ 更多", "←→ more"));
					tui_text(t, y, msg_x, t->cols - msg_x, list, C_HINT);
				}
				t->cursor_on = false;
			}
		} else {
			/* The summary takes the rows the form has to spare (five at
			 * 80x24), so a long complaint stays readable as it is typed. */
			int rows = i == FI_TEXT ? summary_rows(t) : 1, cy;
			int cx = le_draw_rows(t, &f->edit[i], y, label_w, value_w, rows, focus ? C_SELECTED : C_NORMAL, &cy);
			if (focus) {
				t->cursor_y = cy;
				t->cursor_x = cx;
				t->cursor_on = true;
			}
			if (f->msg[i][0])
				tui_text(t, y, msg_x, t->cols - msg_x, f->msg[i], C_WARN);
			else if (i == FI_SUBJECT && f->reg.n)
				register_note(t, f, y, msg_x);
			else if (i == FI_EXPOSURE && f->exposure_title[0])
				tui_text(t, y, msg_x, t->cols - msg_x, f->exposure_title, C_DIM);
			y += rows - 1;
		}
		if (i == FI_PHONE && f->caller.count)
			caller_line(t, f, ++y, label_w);
	}
	y++;
	if (below) {
		/* What is left above the hint line after the two hints below. */
		int room = t->rows - 1 - y - (f->hints.dup_of != 0) - (f->hints.suggest_exposure != 0);
		y += choice_rows(t, below, y, 1, t->cols - 2, room > 1 ? room : 1);
	}
	if (f->hints.dup_of) {
		char line[512];
		snprintf(line, sizeof line, TR("! 可能重复：第 %lld 件（%s）", "! Possible duplicate of #%lld (%s)"), (long long)f->hints.dup_of,
			 f->hints.dup_reason);
		tui_text(t, y++, 1, t->cols - 2, line, C_WARN);
	}
	if (f->hints.suggest_exposure) {
		char line[512];
		snprintf(line, sizeof line, TR("建议关联曝光问题 #%lld「%s」：按 Ctrl-E 关联", "Suggested exposure #%lld \"%s\": Ctrl-E links it"),
			 (long long)f->hints.suggest_exposure, f->hints.suggest_title);
		tui_text(t, y++, 1, t->cols - 2, line, C_OK);
	}
	tui_hints(t, &form_key_table);
}

/* A refused save puts the caret on the field to fix: the first one the
 * checks as typed flag, else the one the core's message names first. */
static void focus_bad_field(struct form *f, const char *msg)
{
	for (int i = 0; i < FI_N; i++)
		if (f->msg[i][0]) {
			f->focus = i;
			return;
		}
	const char *best = NULL;
	for (int i = 0; i < FI_N; i++) {
		const char *at = strcasestr(msg, TR(defs[i].zh, defs[i].en));
		if (at && (!best || at < best)) {
			best = at;
			f->focus = i;
		}
	}
}

static void save(struct tui *t, struct form *f)
{
	struct intake_input in;
	input_of(f, &in);
	struct zs_error err = { 0 };
	int64_t id = 0;
	int r = intake_add(t->c, &in, &id, NULL, &err);
	if (r == ZS_ELOST) {
		/* The form and its draft stay; once the database answers
		 * again the token says whether this save committed
		 * (form_resume_save), and only if not it is saved again. */
		f->save_pending = true;
		tui_message(t, true, "%s", TR("数据库连接中断，正在重连…（这份登记已留作草稿，连上后自动保存）",
					      "lost the database connection, reconnecting... (this intake is kept as a draft and "
					      "saved once it is back)"));
		return;
	}
	f->save_pending = false;
	if (r) {
		tui_message(t, true, "%s", err.msg);
		if (!id) {
			focus_bad_field(f, err.msg);
			return;
		}
		/* Saved before (another console of this user): nothing more to
		 * keep; the message says which intake it is. */
		unlink(f->draft_path);
		f->open = false;
		tui_pop(t);
		return;
	}
	FILE *fp = fopen(f->pref_path, "w");
	if (fp) {
		fprintf(fp, "%s\n", in.channel);
		fclose(fp);
	}
	unlink(f->draft_path);
	f->open = false;
	tui_pop(t);
	int more = dead_count(f);
	if (more)
		tui_message(t, false, TR("已登记 #%lld；还有 %d 份未保存的草稿：按 n 继续，按 X 丢弃", "Logged #%lld; %d more unsaved drafts: n continues, X discards"),
			    (long long)id, more);
	else
		tui_message(t, false, TR("已登记 #%lld", "Logged #%lld"), (long long)id);
}

static bool top_is_form(const struct tui *t)
{
	return t->depth > 0 && t->stack[t->depth - 1].v == &view_form;
}

void form_resume_save(struct tui *t)
{
	struct form *f = t->form;
	if (!f || !f->open || !f->save_pending)
		return;
	struct zs_error err = { 0 };
	int64_t id = 0;
	int r = intake_add_resolve(t->c, f->token, &id, &err);
	if (r == ZS_ELOST)
		return;   /* not yet: the next look tries again */
	f->save_pending = false;
	if (!r && id) {
		/* It had committed before the connection went. */
		unlink(f->draft_path);
		f->open = false;
		if (top_is_form(t))
			tui_pop(t);
		tui_message(t, false, TR("已登记 #%lld（连接中断前已保存）", "Logged #%lld (saved before the connection went)"),
			    (long long)id);
		return;
	}
	if (r) {
		tui_message(t, true, "%s", err.msg);
		return;
	}
	if (top_is_form(t))
		save(t, f);   /* else saved when the form is shown again and saved */
}

static bool key_save(struct tui *t, void *self, int key)
{
	(void)key;
	save(t, self);
	return true;
}

static bool key_leave(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	tui_pop(t);
	tui_message(t, false, "%s", TR("草稿已保留：按 n 继续", "Draft kept: press n to continue"));
	return true;
}

/* Ctrl-C does not quit from the form (a half-typed complaint would be
 * left behind in a hurry) but says the two ways out. */
static bool key_interrupt(struct tui *t, void *self, int key)
{
	(void)self;
	(void)key;
	tui_message(t, false, "%s", TR("Esc 离开并保留草稿；Ctrl-S 保存", "Esc leaves and keeps the draft; Ctrl-S saves"));
	return true;
}

static bool key_link(struct tui *t, void *self, int key)
{
	(void)key;
	struct form *f = self;
	if (f->hints.suggest_exposure) {
		char buf[32];
		snprintf(buf, sizeof buf, "%lld", (long long)f->hints.suggest_exposure);
		le_set(&f->edit[FI_EXPOSURE], buf);
		check_field(t, f, FI_EXPOSURE);
		refresh_hints(t, f);
		save_draft(f);
	}
	return true;
}

/* A business picked from the register: its name and its code. */
static void entity_picked(struct tui *t, void *ud, int index, const char *row)
{
	(void)row;
	struct form *f = ud;
	if (index < 0 || index >= f->reg.n)
		return;
	le_set(&f->edit[FI_SUBJECT], f->reg.name[index]);
	le_set(&f->edit[FI_USCC], f->reg.uscc[index]);
	check_field(t, f, FI_SUBJECT);
	check_field(t, f, FI_USCC);
	refresh_hints(t, f);
	entity_matches_update(t, &f->reg, f->edit[FI_SUBJECT].buf);
	save_draft(f);
}

static bool key_register(struct tui *t, void *self, int key)
{
	(void)key;
	struct form *f = self;
	entity_matches_update(t, &f->reg, f->edit[FI_SUBJECT].buf);
	char title[512];
	snprintf(title, sizeof title, TR("登记册里的「%s」：Enter 填入名称和信用代码，Esc 不改", "\"%s\" in the register: Enter fills in name and USCC, Esc keeps them"),
		 f->reg.typed);
	entity_choose(t, title, &f->reg, entity_picked, f);
	return true;
}

static bool on_key(struct tui *t, void *self, int key, bool fkey);
static bool key_next(struct tui *t, void *self, int key);

/* Ctrl-J: a line break in the summary; elsewhere the next field, as a
 * terminal that sends it for Enter expects. */
static bool key_newline(struct tui *t, void *self, int key)
{
	struct form *f = self;
	if (f->edit[f->focus].multiline && defs[f->focus].kind == F_TEXT)
		return on_key(t, f, '\n', false);
	return key_next(t, self, key);
}

static bool key_next(struct tui *t, void *self, int key)
{
	(void)t;
	struct form *f = self;
	bool back = key == TUI_FKEY(KEY_BTAB) || key == TUI_FKEY(KEY_UP) || key == 16;
	f->focus = (f->focus + (back ? FI_N - 1 : 1)) % FI_N;
	return true;
}

/* Ctrl-N / Ctrl-P stand in for Tab / Shift-Tab where a client eats them. */
static const struct key_binding form_keys[] = {
	{ { '\t', TUI_FKEY(KEY_DOWN), '\r' }, "Tab/↓", "换栏", "next", "下一栏（Enter 也可）", "next field (Enter too)", ROLE_NONE, key_next },
	{ { 14, TUI_FKEY(KEY_ENTER) }, "Ctrl-N", NULL, NULL, "下一栏", "next field", ROLE_NONE, key_next },
	{ { TUI_FKEY(KEY_BTAB), TUI_FKEY(KEY_UP), 16 }, "Shift-Tab/↑/Ctrl-P", NULL, NULL, "上一栏", "previous field", ROLE_NONE, key_next },
	{ { 0 }, "←/→", "选择", "pick", "选择渠道、类别、分类（也可按数字键）", "pick channel, kind, category (or digits)", ROLE_NONE, NULL },
	{ { 0 }, "Space/0-9", NULL, NULL, "选择下一项 / 第几项（渠道、类别、分类；第 10 项起连按两个数字，如 1 1）", "next choice / choice N (channel, kind, category; from 10 on, two digits, e.g. 1 1)", ROLE_NONE, NULL },
	{ { 0 }, "F4", NULL, NULL, "分类：从全部分类里筛选着选（在分类栏直接打字也可，如 食品 或 sp）", "category: pick from all categories, filtered (or just type on the field, e.g. sp)", ROLE_NONE, NULL },
	{ { 19, TUI_FKEY(KEY_F(2)) }, "Ctrl-S/F2", "保存", "save", "保存登记", "save the intake", ROLE_NONE, key_save },
	{ { '\n' }, "Ctrl-J", "换行", "new line", "内容摘要里换行（别的栏：下一栏）", "a line break in the summary (other fields: next field)", ROLE_NONE, key_newline },
	{ { 18, TUI_FKEY(KEY_F(5)) }, "Ctrl-R/F5", NULL, NULL, "被投诉主体：从市场主体登记册里选（先打名称两个字起或信用代码的开头），填入名称和信用代码", "business: pick from the market-entity register (type two characters of a name or a USCC's start first); fills in name and USCC", ROLE_NONE, key_register },
	{ { 5, TUI_FKEY(KEY_F(3)) }, "Ctrl-E/F3", "关联曝光", "link", "关联建议的曝光问题", "link the suggested exposure", ROLE_NONE, key_link },
	{ { 27 }, "Esc", "离开", "leave", "离开表单，保留草稿", "leave the form, keep the draft", ROLE_NONE, key_leave },
	{ { 3 }, "Ctrl-C", NULL, NULL, "说怎样离开（Esc 保留草稿，Ctrl-S 保存）", "says how to leave (Esc keeps the draft, Ctrl-S saves)", ROLE_NONE, key_interrupt },
	{ { 0 }, "Ctrl-U", NULL, NULL, "清空本栏", "clear this field", ROLE_NONE, NULL },
};
const struct key_table form_key_table = KEY_TABLE("新登记表单", "New-intake form", form_keys);

static void vocab_picked(struct tui *t, void *ud, int index, const char *row)
{
	(void)t;
	(void)row;
	struct form *f = ud;
	if (index < 0)
		return;
	f->pick[f->focus] = index;
	save_draft(f);
}

/* A long vocabulary (the categories) is picked from the pick list: the key
 * typed on the field starts its filter (食, sp, 12…). */
static void choose_vocab(struct tui *t, struct form *f, int key)
{
	const struct vocab *v = defs[f->focus].vocab;
	char **rows = calloc(v->n ? v->n : 1, sizeof *rows);
	if (!rows)
		return;
	for (size_t k = 0; k < v->n; k++)
		rows[k] = (char *)TR(v->items[k].zh, v->items[k].en);
	char first[8] = "";
	if (key)
		first[text_encode((uint32_t)key, first)] = '\0';
	char title[256];
	snprintf(title, sizeof title, TR("%s：打字筛选（名称或拼音首字母），Enter 选定，Esc 不改", "%s: type a name or pinyin initials, Enter picks, Esc keeps it"),
		 TR(defs[f->focus].zh, defs[f->focus].en));
	struct choose_opts o = { .filter = first, .start = f->pick[f->focus] };
	list_choose_opts(t, title, rows, (int)v->n, &o, vocab_picked, f);
	free(rows);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A digit picks choice N; a second one typed soon after makes a number of
 * two (1 then 1: the 11th channel), so every numbered choice has its keys. */
static void pick_digit(struct form *f, int i, int d)
{
	int n = (int)defs[i].vocab->n, before = f->pick[i];
	int64_t now = now_ms();
	int two = f->digit * 10 + d;
	bool second = f->digit && f->digit_field == i && now - f->digit_at < 1500 && two <= n;
	if (second)
		f->pick[i] = two - 1;
	else if (d >= 1 && d <= n)
		f->pick[i] = d - 1;
	/* A digit that could start a number of two waits for its second. */
	f->digit = second ? 0 : d;
	f->digit_field = i;
	f->digit_at = now;
	if (f->pick[i] != before)
		save_draft(f);
}

/* What no binding takes: choices in pick fields, text in the others. */
static bool on_key(struct tui *t, void *self, int key, bool fkey)
{
	struct form *f = self;
	int i = f->focus;
	if (defs[i].kind == F_PICK && defs[i].vocab->n > 9 &&
	    ((!fkey && key > 0x20 && key != 0x7F && !(key >= '0' && key <= '9')) || (fkey && key == KEY_F(4)))) {
		choose_vocab(t, f, fkey ? 0 : key);
		return true;
	}
	if (defs[i].kind == F_PICK) {
		const struct vocab *v = defs[i].vocab;
		int n = (int)v->n, before = f->pick[i];
		if (fkey && key == KEY_RIGHT)
			f->pick[i] = (f->pick[i] + 1) % n;
		else if ((fkey && key == KEY_LEFT))
			f->pick[i] = f->pick[i] <= 0 ? n - 1 : f->pick[i] - 1;
		else if (!fkey && key == ' ')
			f->pick[i] = (f->pick[i] + 1) % n;
		else if (!fkey && key >= '0' && key <= '9')
			pick_digit(f, i, key - '0');
		else if (!fkey && (key == 127 || key == 8) && !defs[i].required)
			f->pick[i] = -1;
		else
			return false;
		if (!fkey && key >= '0' && key <= '9')
			return true;   /* pick_digit saved it and keeps its digit */
		f->digit = 0;
		if (f->pick[i] != before)
			save_draft(f);
		return true;
	}
	bool changed;
	if (!le_key(&f->edit[i], key, fkey, &changed))
		return false;
	if (changed) {
		check_field(t, f, i);
		if (i == FI_PHONE || i == FI_SUBJECT || i == FI_USCC || i == FI_TEXT || i == FI_EXPOSURE)
			refresh_hints(t, f);
		if (i == FI_SUBJECT)
			entity_matches_update(t, &f->reg, f->edit[i].buf);
		save_draft(f);
	}
	return true;
}

static void on_data_changed(struct tui *t, void *self)
{
	struct form *f = self;
	if (!f->open)
		return;
	refresh_hints(t, f);
	/* A register imported (or the first one) while the form is open. */
	int had = f->reg.has_register;
	entity_matches_recheck(t, &f->reg);
	if (had != f->reg.has_register) {
		entity_matches_clear(&f->reg);
		entity_matches_update(t, &f->reg, f->edit[FI_SUBJECT].buf);
	}
}

static const struct view view_form = { "form", &form_key_table, paint, on_key, NULL, on_data_changed, NULL };
