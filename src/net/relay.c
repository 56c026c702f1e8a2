/* The relay's loop: outbox to chat robots, 8890 feeds into the log. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "zhishou/alert.h"
#include "zhishou/http.h"
#include "zhishou/i18n.h"
#include "zhishou/relay.h"
#include "zhishou/robot.h"
#include "zhishou/dbwatch.h"
#include "zhishou/store.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"

enum {
	TIME_EVENTS_EVERY_MS = 10 * 1000,  /* deadlines and digests are minutes apart */
	SAFETY_TICK_MS = 5 * 1000,         /* data_version check if inotify misses */
	STOP_GRACE_MS = 5 * 1000,          /* let a message in flight finish */
	MAX_PAGES = 1000,                  /* a feed's `next` chain per poll */
};

struct transfer {
	CURL *h;
	struct curl_slist *headers;
	struct http_body body;
	char *body_out;                    /* request body (kept alive for curl) */
	bool is_feed;
	int idx;                           /* robot or feed index */
	struct delivery d;                 /* robot: what is being sent */
};

struct robot_run {
	struct transfer *t;
	int64_t *sent_ms;                  /* ring of recent send times */
	int cap, n, head;
	int64_t wake_ms;                   /* nothing to do before this */
};

struct feed_run {
	struct transfer *t;
	int64_t next_ms;
	char *url;                         /* page being fetched */
	int pages;
	int64_t added, existing, quarantined;
	bool done_once;
};

struct relay {
	struct zs_ctx *c;
	const struct relay_conf *rc;
	const struct relay_options *o;
	CURLM *multi;
	struct robot_run *robots;
	struct feed_run *feeds;
	int inflight;
	int sigpipe[2];
	struct dbwatch watch;              /* wakes the loop on any commit */
	int64_t data_version, local_changes;
	int64_t next_time_events_ms, next_lease_ms, next_safety_ms;
	int rechecks;                      /* quick data_version checks still to do */
	char host[256];
	bool stopping;
	struct http_limits lim;
};

static int sig_write_fd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	if (write(sig_write_fd, &b, 1) < 0) {
		/* full pipe: a stop is already pending */
	}
	errno = saved;
}

static int64_t real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Two clocks: scheduling (backoff, rate windows, signatures' timestamps,
 * which the platforms check against their own clocks) runs on real time;
 * the night's facts (events, deadlines, who is on duty) on the night's
 * clock, which a demo night or a test may shift. */
static int64_t now_ms(const struct relay *r)
{
	(void)r;
	return real_ms();
}

static int64_t night_now(const struct relay *r)
{
	return real_ms() / 1000 + r->o->clock_offset;
}

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	char t[40];
	time_format(time_now(), TIME_SECONDS, t, sizeof t);
	fprintf(stderr, "zhishou relay %s ", t);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- lease ---------------------------------------------------------- */

static bool holder_alive(const struct relay *r, const struct relay_lease *l)
{
	/* On this host a dead pid frees the lease at once; elsewhere only
	 * expiry can tell. */
	if (strcmp(l->host, r->host))
		return true;
	if (l->pid == (int64_t)getpid())
		return false;
	return !(kill((pid_t)l->pid, 0) != 0 && errno == ESRCH);
}

/* Take (or renew) the lease.  *held: another relay has it (as opposed to
 * a database error, which a renewal rides out). */
static int lease_take(struct relay *r, bool renew, bool *held, struct zs_error *err)
{
	*held = false;
	int64_t now = time_now();
	/* PostgreSQL's lock says at once whether the holder lives: busy, it
	 * does (wherever it runs); held, any other holder is gone. */
	enum store_lock lock = store_relay_lock(r->c->st);
	int rc = store_begin(r->c->st, err);
	if (rc)
		return rc;
	struct relay_lease l;
	rc = store_lease_get(r->c->st, &l, err);
	bool mine = rc == ZS_OK && l.pid == (int64_t)getpid() && !strcmp(l.host, r->host);
	if (rc == ZS_ENOTFOUND && lock == STORE_LOCK_BUSY) {
		/* The other relay has not written its row yet. */
		store_rollback(r->c->st);
		*held = true;
		return zs_fail(err, ZS_EFAIL, "%s", TR("另一个 relay 正在处理这个数据库。它退出后本进程才能接手。",
							"another relay works this database. Start this one after it stops."));
	}
	bool theirs = lock == STORE_LOCK_BUSY ||
		      (lock == STORE_LOCK_NONE && (renew || (l.expires_at > now && holder_alive(r, &l))));
	if (rc == ZS_OK && !mine && theirs) {
		store_rollback(r->c->st);
		*held = true;
		char until[40];
		time_format(l.expires_at, TIME_SECONDS, until, sizeof until);
		return zs_fail(err, ZS_EFAIL,
			       TR("另一个 relay 正在处理这个数据库：进程 %lld（主机 %s，用户 %s），租约到 %s。"
				  "它退出后本进程才能接手（或等租约过期）。",
				  "another relay works this database: pid %lld (host %s, user %s), lease until %s. "
				  "Start this one after it stops (or its lease expires)."),
			       (long long)l.pid, l.host, l.unix_user, until);
	}
	if (rc != ZS_OK && rc != ZS_ENOTFOUND) {
		store_rollback(r->c->st);
		return rc;
	}
	struct relay_lease mine_l = { .pid = getpid(), .acquired_at = mine ? l.acquired_at : now,
				      .expires_at = now + r->rc->lease_seconds };
	snprintf(mine_l.host, sizeof mine_l.host, "%s", r->host);
	snprintf(mine_l.unix_user, sizeof mine_l.unix_user, "%s", r->o->unix_user ? r->o->unix_user : "");
	rc = store_lease_put(r->c->st, &mine_l, err);
	rc = rc ? rc : store_commit(r->c->st, err);
	if (rc)
		store_rollback(r->c->st);
	else if (!renew && rc == ZS_OK && l.pid && !mine)
		logf_(TR("接手了进程 %lld（主机 %s）留下的租约", "took over the lease of pid %lld (host %s)"),
		      (long long)l.pid, l.host);
	return rc;
}

static void lease_drop(struct relay *r)
{
	struct zs_error err = { 0 };
	if (store_begin(r->c->st, &err))
		return;
	if (store_lease_drop(r->c->st, r->host, getpid(), &err) || store_commit(r->c->st, &err))
		store_rollback(r->c->st);
}

/* ---- fan-out and events of time -------------------------------------- */

struct fan {
	struct relay *r;
	int64_t last, at_ms;
	int n;
	struct zs_error *err;
};

static int fan_one(const struct outbox_event *e, void *ud)
{
	struct fan *f = ud;
	int k = relay_event_index(e->event);
	for (int i = 0; i < f->r->rc->nrobots && k >= 0; i++) {
		const struct robot_conf *rb = &f->r->rc->robots[i];
		if (!(rb->events & (1u << k)))
			continue;
		int rc = store_delivery_add(f->r->c->st, e->id, rb->name, f->at_ms, f->err);
		if (rc)
			return rc;
		f->r->robots[i].wake_ms = 0;
	}
	f->last = e->id;
	f->n++;
	return ZS_OK;
}

/* Deliveries for every event since the cursor, for the robots configured
 * for it; the cursor moves in the same transaction. */
static int fan_out(struct relay *r, struct zs_error *err)
{
	for (;;) {
		char *cur = store_setting_get(r->c->st, ALERT_FANOUT_KEY);
		/* Due at once (0), not "now": a clock read later in the same turn
		 * must not find a new delivery not yet due. */
		struct fan f = { .r = r, .last = cur ? strtoll(cur, NULL, 10) : 0, .at_ms = 0, .err = err };
		free(cur);
		int rc = store_begin(r->c->st, err);
		if (rc)
			return rc;
		rc = store_outbox_each_after(r->c->st, f.last, 500, fan_one, &f, err);
		if (!rc && f.n) {
			char buf[32];
			snprintf(buf, sizeof buf, "%lld", (long long)f.last);
			rc = store_setting_set(r->c->st, ALERT_FANOUT_KEY, buf, err);
		}
		rc = rc ? rc : store_commit(r->c->st, err);
		if (rc) {
			store_rollback(r->c->st);
			return rc;
		}
		if (f.n < 500)
			return ZS_OK;
	}
}

static int time_events(struct relay *r, struct zs_error *err)
{
	int made = 0;
	r->c->now = night_now(r);
	int rc = alert_time_events(r->c, (int64_t)r->rc->deadline_warn_minutes * 60,
				   (int64_t)r->rc->digest_minutes * 60, &made, err);
	if (!rc && made)
		rc = fan_out(r, err);
	return rc;
}

/* ---- robots ---------------------------------------------------------- */

static void transfer_free(struct transfer *t)
{
	if (!t)
		return;
	if (t->h)
		curl_easy_cleanup(t->h);
	curl_slist_free_all(t->headers);
	http_body_clear(&t->body);
	free(t->body_out);
	delivery_clear(&t->d);
	free(t);
}

static void rate_note(struct robot_run *rr, int64_t t)
{
	rr->sent_ms[(rr->head + rr->n) % rr->cap] = t;
	if (rr->n < rr->cap)
		rr->n++;
	else
		rr->head = (rr->head + 1) % rr->cap;
}

/* When robot i may send next under its per-minute and per-second limits
 * (0: now). */
static int64_t rate_wait(const struct robot_conf *rb, const struct robot_run *rr, int64_t now)
{
	int64_t until = 0;
	const struct {
		int limit;
		int64_t window;
	} lim[2] = { { rb->per_minute, 60000 }, { rb->per_second, 1000 } };
	for (int k = 0; k < 2; k++) {
		if (lim[k].limit <= 0 || rr->n < lim[k].limit)
			continue;
		/* The limit-th most recent send opens the window. */
		int64_t t = rr->sent_ms[(rr->head + rr->n - lim[k].limit) % rr->cap];
		if (t + lim[k].window > now && t + lim[k].window > until)
			until = t + lim[k].window;
	}
	return until;
}

struct leaders {
	int64_t unit_id;
	char *mobiles[8];
	size_t n;
};

static int leader_cb(const struct roster_entry *e, void *ud)
{
	struct leaders *l = ud;
	if (e->unit_id == l->unit_id && e->is_leader && e->mobile && *e->mobile && l->n < 8)
		l->mobiles[l->n++] = strdup(e->mobile);
	return 0;
}

static int robot_start(struct relay *r, int i, struct delivery *d, int64_t now)
{
	const struct robot_conf *rb = &r->rc->robots[i];
	struct leaders lead = { 0 };
	struct zs_error err = { 0 };
	if (rb->at_leader && d->ev.exposure_id && (rb->type == ROBOT_DINGTALK || rb->type == ROBOT_WECOM)) {
		struct exposure e;
		if (store_exposure_get(r->c->st, d->ev.exposure_id, &e, &err) == ZS_OK) {
			lead.unit_id = e.lead_unit_id;
			if (lead.unit_id)
				store_roster_each(r->c->st, NULL, night_now(r), leader_cb, &lead, &err);
			exposure_clear(&e);
		}
	}
	struct robot_event ev = { .outbox_id = d->ev.id, .event = d->ev.event, .exposure_id = d->ev.exposure_id,
				  .created_at = d->ev.created_at, .payload = d->ev.payload,
				  .at_mobiles = (const char *const *)lead.mobiles, .n_at = lead.n };
	struct robot_request req = { 0 };
	int rc = robot_build(rb->type, rb->url, rb->secret, &ev, now, &req, &err);
	for (size_t k = 0; k < lead.n; k++)
		free(lead.mobiles[k]);
	struct transfer *t = rc ? NULL : calloc(1, sizeof *t);
	if (t)
		t->h = http_easy(req.url, &r->lim, &t->body);
	if (!t || !t->h) {
		robot_request_clear(&req);
		transfer_free(t);
		logf_(TR("无法准备发给 %s 的消息：%s", "cannot prepare the message for %s: %s"), rb->name,
		      rc ? err.msg : "out of memory");
		return ZS_EFAIL;
	}
	for (int k = 0; req.headers[k]; k++)
		t->headers = curl_slist_append(t->headers, req.headers[k]);
	t->body_out = req.body;
	req.body = NULL;
	curl_easy_setopt(t->h, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(t->h, CURLOPT_POSTFIELDS, t->body_out);
	curl_easy_setopt(t->h, CURLOPT_POSTFIELDSIZE, (long)strlen(t->body_out));
	curl_easy_setopt(t->h, CURLOPT_PRIVATE, t);
	robot_request_clear(&req);
	t->idx = i;
	t->d = *d;
	memset(d, 0, sizeof *d);
	curl_multi_add_handle(r->multi, t->h);
	r->robots[i].t = t;
	r->inflight++;
	rate_note(&r->robots[i], now);
	return ZS_OK;
}

/* Start robot i's next due delivery if it is idle, due and within its
 * rate limits; otherwise note when to look again. */
static void robot_pump(struct relay *r, int i, int64_t now)
{
	struct robot_run *rr = &r->robots[i];
	if (rr->t || r->stopping || (rr->wake_ms && now < rr->wake_ms))
		return;
	struct delivery d;
	struct zs_error err = { 0 };
	int rc = store_delivery_next(r->c->st, r->rc->robots[i].name, &d, &err);
	if (rc == ZS_ENOTFOUND) {
		rr->wake_ms = INT64_MAX;   /* until fan-out adds one */
		return;
	}
	if (rc) {
		logf_("%s", err.msg);
		rr->wake_ms = now + 1000;
		return;
	}
	int64_t wait = rate_wait(&r->rc->robots[i], rr, now);
	if (d.next_at_ms > now || wait) {
		rr->wake_ms = d.next_at_ms > wait ? d.next_at_ms : wait;
		delivery_clear(&d);
		return;
	}
	rr->wake_ms = 0;
	if (robot_start(r, i, &d, now)) {
		/* A message that cannot even be built will not get better. */
		store_begin(r->c->st, &err);
		if (store_delivery_record(r->c->st, d.id, "failed", d.attempts + 1, now, "无法生成消息", 0, &err) ||
		    store_commit(r->c->st, &err))
			store_rollback(r->c->st);
		delivery_clear(&d);
	}
}

static void robot_done(struct relay *r, struct transfer *t, CURLcode code)
{
	const struct robot_conf *rb = &r->rc->robots[t->idx];
	long status = 0;
	curl_off_t retry_after = 0;
	curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(t->h, CURLINFO_RETRY_AFTER, &retry_after);
	char why[512] = "";
	enum robot_verdict v;
	if (code != CURLE_OK) {
		http_describe(code, status, &t->body, t->body.limit, why, sizeof why);
		v = ROBOT_RETRY;
	} else {
		v = robot_classify(rb->type, status, t->body.data ? t->body.data : "", t->body.len, why, sizeof why);
	}
	int64_t now = now_ms(r);
	int64_t attempts = t->d.attempts + 1;
	/* The window counts from when the answer came, not when the request
	 * left: the platform counts arrivals, and an arrival lies between the
	 * two, so the next request cannot land inside the platform's window
	 * however the network delays this one. */
	struct robot_run *rr = &r->robots[t->idx];
	if (rr->n)
		rr->sent_ms[(rr->head + rr->n - 1) % rr->cap] = now;
	const char *state = "sent";
	int64_t next = now, sent_at = 0;
	if (v == ROBOT_OK) {
		sent_at = night_now(r);
		logf_(TR("已发送 %s → %s（事件 %lld，第 %lld 次）", "sent %s to %s (event %lld, attempt %lld)"),
		      t->d.ev.event, rb->name, (long long)t->d.ev.id, (long long)attempts);
	} else if (v == ROBOT_RETRY && attempts < r->rc->retries) {
		state = "pending";
		/* Like curl --retry: 1 s doubling to the cap; Retry-After wins
		 * when it asks for longer. */
		int64_t back = 1000;
		for (int64_t k = 1; k < attempts && back < (int64_t)r->rc->retry_max_seconds * 1000; k++)
			back *= 2;
		if (back > (int64_t)r->rc->retry_max_seconds * 1000)
			back = (int64_t)r->rc->retry_max_seconds * 1000;
		if (retry_after > 0 && retry_after * 1000 > back)
			back = (int64_t)retry_after * 1000;
		next = now + back;
		logf_(TR("发送 %s → %s 未成功（%s），%lld 毫秒后重试", "sending %s to %s failed (%s); retry in %lld ms"),
		      t->d.ev.event, rb->name, why, (long long)back);
	} else {
		state = "failed";
		logf_(TR("发送 %s → %s 失败，不再重试：%s", "sending %s to %s failed for good: %s"), t->d.ev.event,
		      rb->name, why);
	}
	struct zs_error err = { 0 };
	int rc = store_begin(r->c->st, &err);
	rc = rc ? rc : store_delivery_record(r->c->st, t->d.id, state, attempts, next, v == ROBOT_OK ? "" : why,
					     sent_at, &err);
	rc = rc ? rc : store_commit(r->c->st, &err);
	if (rc) {
		store_rollback(r->c->st);
		logf_(TR("无法记录发送结果：%s", "cannot record the outcome: %s"), err.msg);
	}
	r->robots[t->idx].t = NULL;
	r->robots[t->idx].wake_ms = 0;
}

/* ---- feeds ----------------------------------------------------------- */

static void feed_start(struct relay *r, int i)
{
	struct feed_run *fr = &r->feeds[i];
	const struct feed_conf *fc = &r->rc->feeds[i];
	struct transfer *t = calloc(1, sizeof *t);
	if (t)
		t->h = http_easy(fr->url, &r->lim, &t->body);
	if (!t || !t->h) {
		transfer_free(t);
		fr->next_ms = now_ms(r) + (int64_t)fc->interval * 1000;
		return;
	}
	t->is_feed = true;
	t->idx = i;
	t->headers = curl_slist_append(NULL, "Accept: application/json");
	if (fc->header)
		t->headers = curl_slist_append(t->headers, fc->header);
	curl_easy_setopt(t->h, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(t->h, CURLOPT_PRIVATE, t);
	curl_multi_add_handle(r->multi, t->h);
	fr->t = t;
	r->inflight++;
}

static void feed_poll_begin(struct relay *r, int i)
{
	struct feed_run *fr = &r->feeds[i];
	free(fr->url);
	fr->url = strdup(r->rc->feeds[i].url);
	fr->pages = 0;
	fr->added = fr->existing = fr->quarantined = 0;
	feed_start(r, i);
}

static void feed_finish(struct relay *r, int i, const char *error)
{
	struct feed_run *fr = &r->feeds[i];
	const struct feed_conf *fc = &r->rc->feeds[i];
	struct zs_error err = { 0 };
	r->c->now = night_now(r);
	if (!store_begin(r->c->st, &err)) {
		if (store_feed_state_record(r->c->st, fc->name, r->c->now, error ? error : "", fr->added, &err) ||
		    store_commit(r->c->st, &err))
			store_rollback(r->c->st);
	}
	if (error)
		logf_(TR("接入 %s 第 %d 页出错：%s；%d 秒后再取", "feed %s page %d: %s; next poll in %d s"), fc->name,
		      fr->pages, error, fc->interval);
	else if (fr->added || fr->quarantined)
		logf_(TR("接入 %s：新增 %lld 件，已有 %lld 件，隔离 %lld 条（%d 页）",
			 "feed %s: %lld added, %lld already logged, %lld quarantined (%d pages)"),
		      fc->name, (long long)fr->added, (long long)fr->existing, (long long)fr->quarantined, fr->pages);
	fr->next_ms = now_ms(r) + (int64_t)fc->interval * 1000;
	fr->done_once = true;
}

/* Length of "scheme://host[:port]" at the start of url. */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

/* A next page on the configured feed's own server only: a platform must
 * not be able to point the relay at another (internal) address. */
static bool same_origin(const char *next, const char *base)
{
	size_t n = origin_len(base);
	return n && origin_len(next) == n && !strncasecmp(next, base, n);
}

static void feed_done(struct relay *r, struct transfer *t, CURLcode code)
{
	int i = t->idx;
	struct feed_run *fr = &r->feeds[i];
	const struct feed_conf *fc = &r->rc->feeds[i];
	long status = 0;
	curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
	fr->t = NULL;
	fr->pages++;
	char why[512];
	if (code != CURLE_OK || status < 200 || status > 299) {
		http_describe(code, status, &t->body, t->body.limit, why, sizeof why);
		feed_finish(r, i, why);
		return;
	}
	struct feed_page page = { 0 };
	struct zs_error err = { 0 };
	r->c->now = night_now(r);
	if (feed_import_page(r->c, fc->name, &fc->map, t->body.data ? t->body.data : "", t->body.len, &page, &err)) {
		feed_finish(r, i, err.msg);
		return;
	}
	fr->added += page.added;
	fr->existing += page.existing;
	fr->quarantined += page.quarantined;
	bool more = page.next && same_origin(page.next, fc->url) && strcmp(page.next, fr->url) &&
		    fr->pages < MAX_PAGES;
	if (page.next && !same_origin(page.next, fc->url))
		logf_(TR("接入 %s：下一页地址不在同一服务器上，不去取", "feed %s: the next page is on another server; not fetched"),
		      fc->name);
	if (more && !r->stopping) {
		free(fr->url);
		fr->url = page.next;
		page.next = NULL;
		feed_page_clear(&page);
		feed_start(r, i);
		return;
	}
	feed_page_clear(&page);
	feed_finish(r, i, NULL);
}

/* ---- the loop -------------------------------------------------------- */

static void reap(struct relay *r)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(r->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct transfer *t = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		CURLcode code = m->data.result;
		curl_multi_remove_handle(r->multi, m->easy_handle);
		r->inflight--;
		if (t->is_feed)
			feed_done(r, t, code);
		else
			robot_done(r, t, code);
		transfer_free(t);
	}
}

static bool data_changed(struct relay *r)
{
	int64_t v = store_data_version(r->c->st);
	if (v == r->data_version)
		return false;
	r->data_version = v;
	return true;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* Is there anything left for --once to do right now? */
static bool once_busy(struct relay *r, int64_t now)
{
	if (r->inflight)
		return true;
	for (int i = 0; i < r->rc->nfeeds; i++)
		if (!r->feeds[i].done_once)
			return true;
	for (int i = 0; i < r->rc->nrobots; i++)
		if (r->robots[i].wake_ms == 0 || r->robots[i].wake_ms <= now)
			return true;
	return false;
}

static int setup(struct relay *r, struct zs_error *err)
{
	if (gethostname(r->host, sizeof r->host) != 0)
		snprintf(r->host, sizeof r->host, "localhost");
	r->host[sizeof r->host - 1] = '\0';
	r->lim.connect_s = r->rc->connect_timeout;
	r->lim.total_s = r->rc->timeout;
	r->lim.max_body = (size_t)r->rc->max_response_bytes;
	r->robots = calloc((size_t)r->rc->nrobots + 1, sizeof *r->robots);
	r->feeds = calloc((size_t)r->rc->nfeeds + 1, sizeof *r->feeds);
	if (!r->robots || !r->feeds)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	for (int i = 0; i < r->rc->nrobots; i++) {
		struct robot_run *rr = &r->robots[i];
		const struct robot_conf *rb = &r->rc->robots[i];
		rr->cap = rb->per_minute > rb->per_second ? rb->per_minute : rb->per_second;
		if (rr->cap < 8)
			rr->cap = 8;
		if (!(rr->sent_ms = calloc((size_t)rr->cap, sizeof *rr->sent_ms)))
			return zs_fail(err, ZS_EFAIL, "out of memory");
		/* A restart must not reset the rate window. */
		int64_t *times = calloc((size_t)rr->cap, sizeof *times);
		int n = 0;
		if (times && store_delivery_sent_since(r->c->st, rb->name, night_now(r) - 60, times, rr->cap, &n, err) == 0)
			for (int k = 0; k < n; k++)
				rate_note(rr, (times[k] - r->o->clock_offset) * 1000);
		free(times);
	}
	if (pipe2(r->sigpipe, O_NONBLOCK | O_CLOEXEC) != 0)
		return zs_fail(err, ZS_EFAIL, "pipe: %s", strerror(errno));
	sig_write_fd = r->sigpipe[1];
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	r->watch.fd = -1;
	if (!r->o->once && store_watch_fd(r->c->st) < 0)   /* an SQLite file */
		dbwatch_open(&r->watch, r->o->db_path);
	if (!(r->multi = curl_multi_init()))
		return zs_fail(err, ZS_EFAIL, "curl_multi_init failed");
	r->data_version = store_data_version(r->c->st);
	return ZS_OK;
}

static void teardown(struct relay *r)
{
	for (int i = 0; i < r->rc->nrobots && r->robots; i++) {
		if (r->robots[i].t) {
			curl_multi_remove_handle(r->multi, r->robots[i].t->h);
			transfer_free(r->robots[i].t);
		}
		free(r->robots[i].sent_ms);
	}
	for (int i = 0; i < r->rc->nfeeds && r->feeds; i++) {
		if (r->feeds[i].t) {
			curl_multi_remove_handle(r->multi, r->feeds[i].t->h);
			transfer_free(r->feeds[i].t);
		}
		free(r->feeds[i].url);
	}
	free(r->robots);
	free(r->feeds);
	if (r->multi)
		curl_multi_cleanup(r->multi);
	dbwatch_close(&r->watch);
	if (sig_write_fd >= 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(r->sigpipe[0]);
		close(r->sigpipe[1]);
		sig_write_fd = -1;
	}
}

int relay_run(struct zs_ctx *c, const struct relay_conf *rc, const struct relay_options *o,
	      struct zs_error *err)
{
	struct relay r = { .c = c, .rc = rc, .o = o, .watch = { .fd = -1 }, .sigpipe = { -1, -1 } };
	bool held = false;
	int ret = setup(&r, err);
	if (!ret)
		ret = lease_take(&r, false, &held, err);
	if (ret) {
		teardown(&r);
		return ret;
	}
	logf_(TR("开始工作：%d 个机器人，%d 个接入（进程 %d）", "working: %d robots, %d feeds (pid %d)"), rc->nrobots,
	      rc->nfeeds, (int)getpid());
	int64_t stop_deadline = 0;
	bool changed = true;
	for (;;) {
		int64_t now = now_ms(&r);
		struct zs_error e = { 0 };
		if (changed) {
			if (fan_out(&r, &e))
				logf_("%s", e.msg);
			changed = false;
		}
		if (now >= r.next_time_events_ms && !r.stopping) {
			if (time_events(&r, &e))
				logf_("%s", e.msg);
			r.next_time_events_ms = now + TIME_EVENTS_EVERY_MS;
		}
		if (!o->once && now >= r.next_lease_ms) {
			if (lease_take(&r, true, &held, &e)) {
				logf_("%s", e.msg);
				if (held) {
					/* Someone took over while this one stalled: two
					 * relays must never send side by side. */
					ret = ZS_EFAIL;
					*err = e;
					break;
				}
				r.next_lease_ms = now + 1000;
			} else {
				r.next_lease_ms = now + (int64_t)rc->lease_seconds * 1000 / 3;
			}
		}
		for (int i = 0; i < rc->nrobots; i++)
			robot_pump(&r, i, now);
		for (int i = 0; i < rc->nfeeds && !r.stopping; i++)
			if (!r.feeds[i].t && now >= r.feeds[i].next_ms && !(o->once && r.feeds[i].done_once))
				feed_poll_begin(&r, i);
		if (o->once && !once_busy(&r, now_ms(&r)))
			break;
		if (r.stopping && (!r.inflight || now >= stop_deadline))
			break;

		/* Sleep until the next thing is due. */
		int64_t wake = now + 3600 * 1000;
		if (!o->once)
			wake = min64(wake, min64(r.next_lease_ms, r.next_safety_ms));
		wake = min64(wake, r.next_time_events_ms);
		for (int i = 0; i < rc->nrobots; i++)
			if (!r.robots[i].t && r.robots[i].wake_ms)
				wake = min64(wake, r.robots[i].wake_ms);
		for (int i = 0; i < rc->nfeeds; i++)
			if (!r.feeds[i].t && !(o->once && r.feeds[i].done_once))
				wake = min64(wake, r.feeds[i].next_ms);
		if (r.stopping)
			wake = min64(wake, stop_deadline);
		long curl_ms = -1;
		curl_multi_timeout(r.multi, &curl_ms);
		int64_t wait = wake - now;
		if (curl_ms >= 0 && curl_ms < wait)
			wait = curl_ms;
		if (wait < 0)
			wait = 0;
		/* The database's change: an SQLite file's directory watch, or
		 * PostgreSQL's notifications on its connection. */
		int dbfd = r.watch.fd >= 0 ? r.watch.fd : r.o->once ? -1 : store_watch_fd(r.c->st);
		struct curl_waitfd extra[2];
		unsigned nextra = 0;
		extra[nextra++] = (struct curl_waitfd){ .fd = r.sigpipe[0], .events = CURL_WAIT_POLLIN };
		if (dbfd >= 0)
			extra[nextra++] = (struct curl_waitfd){ .fd = dbfd, .events = CURL_WAIT_POLLIN };
		int nfds = 0;
		if (curl_multi_poll(r.multi, extra, nextra, (int)min64(wait, 60000), &nfds) != CURLM_OK) {
			/* Never spin: sleep on the signal pipe alone instead. */
			struct pollfd pf = { .fd = r.sigpipe[0], .events = POLLIN };
			extra[0].revents = poll(&pf, 1, (int)min64(wait, 1000)) > 0 ? CURL_WAIT_POLLIN : 0;
			if (nextra > 1)
				extra[1].revents = 0;
		}
		int running = 0;
		curl_multi_perform(r.multi, &running);
		reap(&r);

		unsigned char sig;
		if (extra[0].revents && read(r.sigpipe[0], &sig, 1) == 1 && !r.stopping) {
			r.stopping = true;
			stop_deadline = now_ms(&r) + STOP_GRACE_MS;
			logf_(TR("收到信号 %d，正在停止", "signal %d: stopping"), (int)sig);
		}
		bool wal = nextra > 1 && extra[1].revents && (r.watch.fd < 0 || dbwatch_touched(&r.watch));
		now = now_ms(&r);
		/* Look again a few times shortly after (dbwatch.h says why). */
		if (wal)
			r.rechecks = DBWATCH_RECHECKS;
		if (wal || now >= r.next_safety_ms) {
			if (data_changed(&r))
				changed = true;
			if (r.rechecks > 0)
				r.next_safety_ms = now + dbwatch_recheck_ms[DBWATCH_RECHECKS - r.rechecks--];
			else
				r.next_safety_ms = now + SAFETY_TICK_MS;
		}
	}
	if (r.inflight)
		logf_(TR("还有 %d 个请求未完成，下次启动时重发", "%d requests unfinished; they are sent again next start"),
		      r.inflight);
	lease_drop(&r);
	teardown(&r);
	if (!ret)
		logf_("%s", TR("已停止", "stopped"));
	return ret;
}
