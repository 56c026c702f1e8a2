/* fuzz_config: the configuration file (config_load and relay_conf_load).
 *
 * Input: the INI file's bytes, written to a temporary file of mode 0600
 * (relay_conf_load refuses secrets in a file others can read; inputs whose
 * size is a multiple of 4 get mode 0644 so that check runs too).  Read by
 * config_load over the defaults, then by relay_conf_load.  Checked: the
 * strings read are terminated and within their arrays; values read are in
 * the ranges the readers promise; every robot and feed named is complete or
 * has a problem saying so; no problem line repeats a secret (checked with a
 * canary: see check_secret). */
#include "fuzz_common.h"

#include "zhishou/relayconf.h"

static bool terminated(const char *s, size_t cap)
{
	return strnlen(s, cap) < cap;
}

static void check_config(const struct config *c, int r, const struct zs_error *err)
{
	FZ_CHECK(r == ZS_OK || r == ZS_EINPUT, "config_load failed (%d): %s", r, err->msg);
	FZ_CHECK(terminated(err->msg, sizeof err->msg), "error message not terminated");
	FZ_CHECK(terminated(c->timezone, sizeof c->timezone) && terminated(c->db_group, sizeof c->db_group) &&
			 terminated(c->shift_start, sizeof c->shift_start) &&
			 terminated(c->shift_end, sizeof c->shift_end) && terminated(c->bureau, sizeof c->bureau) &&
			 terminated(c->filler, sizeof c->filler) && terminated(c->phone, sizeof c->phone) &&
			 terminated(c->rules_source, sizeof c->rules_source) && terminated(c->path, sizeof c->path),
		 "a config string is not terminated");
	/* Whatever was read (even before a bad line), values stay in range. */
	FZ_CHECK(c->db_mode <= 0777 && !(c->db_mode & 0007) && (c->db_mode & 0600) == 0600, "db mode %o",
		 c->db_mode);
	FZ_CHECK(c->busy_ms >= 100 && c->busy_ms <= 600000, "busy_ms %d", c->busy_ms);
	FZ_CHECK(c->dup_window_hours >= 0 && c->dup_window_hours <= 24 * 366, "window %d", c->dup_window_hours);
	FZ_CHECK(c->dup_similarity > 0 && c->dup_similarity <= 1, "similarity %g", c->dup_similarity);
	FZ_CHECK(c->deadline_hour >= 0 && c->deadline_hour <= 23, "deadline hour %d", c->deadline_hour);
	FZ_CHECK(c->accept_workdays >= 1 && c->accept_workdays <= 365 && c->tip_check_workdays >= 1 &&
			 c->tip_check_workdays <= 365 && c->mediation_workdays >= 1 && c->mediation_workdays <= 365,
		 "workdays out of range");
	/* The shift times are used as clock_parse input by the roster (K1, fixed). */
	int secs;
	FZ_CHECK(clock_parse(c->shift_start, &secs) && clock_parse(c->shift_end, &secs),
		 "shift %s-%s does not parse back", c->shift_start, c->shift_end);
}

/* No problem line repeats a secret (a robot's secret or url, a feed's
 * header).  A message may contain the same text for other reasons (a url
 * "https://" is in the message about urls; a secret that is also a robot's
 * name), so the check is a canary: the file is read again with the secret
 * (when it occurs just once in the file) replaced by a marker of the same
 * length, and no problem may show the marker.  Values under 8 bytes are
 * left alone. */
static void check_secret(const char *secret, const uint8_t *data, size_t size, mode_t mode)
{
	if (!secret || strlen(secret) < 8)
		return;
	size_t n = strlen(secret), seen = 0;
	const uint8_t *at = NULL;
	for (const uint8_t *p = data; (p = memmem(p, size - (size_t)(p - data), secret, n)); p++) {
		seen++;
		at = p;
	}
	static const char pattern[] = "Zq7XkW3v";
	/* The fuzzer learns the marker from the comparisons below: a file
	 * that already has it says nothing. */
	if (seen != 1 || memmem(data, size, pattern, 8))
		return;
	uint8_t *copy = malloc(size);
	if (!copy)
		FZ_DIE("out of memory");
	memcpy(copy, data, size);
	for (size_t k = 0; k < n; k++)
		copy[(size_t)(at - data) + k] = (uint8_t)pattern[k % 8];
	const char *path = fz_temp_file(copy, size, ".ini");
	if (chmod(path, mode) != 0)
		FZ_DIE("chmod %s: %s", path, strerror(errno));
	free(copy);
	struct relay_conf rc;
	struct zs_error err = { 0 };
	FZ_CHECK(relay_conf_load(path, &rc, &err) == ZS_OK, "relay_conf_load failed");
	for (int k = 0; k < rc.nproblems; k++)
		FZ_CHECK(!strstr(rc.problems[k], pattern), "problem \"%s\" repeats a secret", rc.problems[k]);
	relay_conf_clear(&rc);
}

static void check_relay(const struct relay_conf *rc, int r)
{
	FZ_CHECK(r == ZS_OK, "relay_conf_load failed (%d)", r);
	FZ_CHECK(rc->nrobots >= 0 && rc->nfeeds >= 0 && rc->nproblems >= 0, "negative counts");
	for (int i = 0; i < rc->nproblems; i++)
		FZ_CHECK(rc->problems[i] && *rc->problems[i], "empty problem %d", i);
	for (int i = 0; i < rc->nrobots; i++) {
		const struct robot_conf *b = &rc->robots[i];
		FZ_CHECK(terminated(b->name, sizeof b->name) && *b->name, "robot %d: bad name", i);
		FZ_CHECK(b->per_minute >= 0 && b->per_minute <= 10000 && b->per_second >= 0 && b->per_second <= 10000,
			 "robot %s: rates %d/%d", b->name, b->per_minute, b->per_second);
		FZ_CHECK(b->events < (1u << RELAY_NEVENTS), "robot %s: events %#x", b->name, b->events);
		/* An incomplete robot must not pass unnoticed. */
		if (!b->type_set || !b->url || !*b->url || !b->events)
			FZ_CHECK(rc->nproblems > 0, "robot %s is incomplete, yet no problem", b->name);
	}
	for (int i = 0; i < rc->nfeeds; i++) {
		const struct feed_conf *f = &rc->feeds[i];
		FZ_CHECK(terminated(f->name, sizeof f->name) && *f->name, "feed %d: bad name", i);
		FZ_CHECK(f->interval >= 5 && f->interval <= 86400, "feed %s: interval %d", f->name, f->interval);
		const char *keys[] = { f->map.orders, f->map.next, f->map.order_no, f->map.received_at, f->map.caller,
				       f->map.phone, f->map.subject, f->map.content, f->map.category, f->map.kind };
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
			FZ_CHECK(terminated(keys[k], FEED_KEY_MAX) && *keys[k], "feed %s: map key %zu", f->name, k);
		if (!f->url || !*f->url)
			FZ_CHECK(rc->nproblems > 0, "feed %s has no url, yet no problem", f->name);

	}
	FZ_CHECK(rc->digest_minutes >= 1 && rc->digest_minutes <= 1440 && rc->retries >= 1 && rc->retries <= 100 &&
			 rc->timeout >= 1 && rc->timeout <= 600 && rc->lease_seconds >= 5 &&
			 rc->lease_seconds <= 600 && rc->max_response_bytes >= 1024 &&
			 rc->max_response_bytes <= (1L << 30),
		 "relay timings out of range");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256 * 1024)   /* a configuration file is small */
		return 0;
	fz_env();
	fz_lang_for(size);
	const char *path = fz_temp_file(data, size, ".ini");
	if (size % 4 == 0 && chmod(path, 0644) != 0)
		FZ_DIE("chmod %s: %s", path, strerror(errno));

	struct config cfg;
	config_defaults(&cfg);
	struct zs_error err = { 0 };
	int r = config_load(&cfg, path, true, &err);
	check_config(&cfg, r, &err);
	if (r == ZS_OK) {
		/* What the program does next with it. */
		(void)time_set_zone(cfg.timezone);
		time_set_zone("Asia/Shanghai");
	}

	struct relay_conf rc;
	r = relay_conf_load(path, &rc, &err);
	check_relay(&rc, r);
	/* Copy the values out: each canary run rewrites the file. */
	char *secrets[64];
	int ns = 0;
	for (int i = 0; i < rc.nrobots && ns < 62; i++) {
		if (rc.robots[i].secret)
			secrets[ns++] = strdup(rc.robots[i].secret);
		if (rc.robots[i].url)
			secrets[ns++] = strdup(rc.robots[i].url);
	}
	for (int i = 0; i < rc.nfeeds && ns < 63; i++)
		if (rc.feeds[i].header)
			secrets[ns++] = strdup(rc.feeds[i].header);
	relay_conf_clear(&rc);
	for (int i = 0; i < ns; i++) {
		check_secret(secrets[i], data, size, size % 4 == 0 ? 0644 : 0600);
		free(secrets[i]);
	}
	return 0;
}
