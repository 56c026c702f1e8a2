/* Settings from an INI file through inih. */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "zhishou/config.h"
#include "zhishou/i18n.h"

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->timezone, sizeof c->timezone, "Asia/Shanghai");
	c->db_mode = 0660;
	c->busy_ms = 5000;
	c->dup_window_hours = 72;
	c->dup_similarity = 0.5;
	c->deadline_hour = 8;
	snprintf(c->shift_start, sizeof c->shift_start, "19:00");
	snprintf(c->shift_end, sizeof c->shift_end, "23:30");
	c->accept_workdays = 7;
	c->tip_check_workdays = 15;
	c->mediation_workdays = 45;
	snprintf(c->rules_source, sizeof c->rules_source, "%s",
		 "《市场监督管理投诉举报处理暂行办法》（总局令第20号，2020-01-01施行，2022年修订）");
}

struct load {
	struct config *c;
	char why[256];
	int bad;
};

bool config_parse_int(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

static bool parse_int(const char *v, int lo, int hi, int *out)
{
	long n;
	if (!config_parse_int(v, lo, hi, &n))
		return false;
	*out = (int)n;
	return true;
}

bool config_parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") || !strcasecmp(v, "on")) {
		*out = true;
		return true;
	}
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") || !strcasecmp(v, "off")) {
		*out = false;
		return true;
	}
	return false;
}

/* Debian's inih passes no line number; returning 0 makes ini_parse report
 * the line of the first bad setting, which config_load puts in the message. */
static int handler(void *ud, const char *section, const char *name, const char *value)
{
	struct load *l = ud;
	struct config *c = l->c;
	bool ok = true;
#define IS(s, k) (!strcmp(section, s) && !strcmp(name, k))
	if (IS("general", "timezone")) {
		ok = strlen(value) < sizeof c->timezone;
		if (ok)
			snprintf(c->timezone, sizeof c->timezone, "%s", value);
	} else if (IS("database", "mode")) {
		char *end;
		unsigned long m = strtoul(value, &end, 8);
		/* A shared duty database must never be readable by everyone. */
		ok = end != value && !*end && m <= 0777 && !(m & 0007) && (m & 0600) == 0600;
		if (ok)
			c->db_mode = (unsigned)m;
	} else if (IS("database", "group")) {
		ok = strlen(value) < sizeof c->db_group;
		if (ok)
			snprintf(c->db_group, sizeof c->db_group, "%s", value);
	} else if (IS("database", "path")) {
		/* A server's shared database: a whole path, so it means the same
		 * file whoever runs zhishou and from wherever. */
		ok = value[0] == '/' && strlen(value) < sizeof c->db_path;
		if (ok)
			snprintf(c->db_path, sizeof c->db_path, "%s", value);
	} else if (IS("database", "url")) {
		/* A PostgreSQL database (issue 16): a libpq connection URI.
		 * Its password, if any, belongs in ~/.pgpass or a service file:
		 * the store refuses one written here. */
		ok = (!strncmp(value, "postgresql://", 13) || !strncmp(value, "postgres://", 11)) &&
		     strlen(value) < sizeof c->db_url;
		if (ok)
			snprintf(c->db_url, sizeof c->db_url, "%s", value);
	} else if (IS("database", "busy_timeout_ms")) {
		ok = parse_int(value, 100, 600000, &c->busy_ms);
	} else if (IS("intake", "duplicate_window_hours")) {
		ok = parse_int(value, 0, 24 * 366, &c->dup_window_hours);
	} else if (IS("intake", "duplicate_similarity")) {
		char *end;
		double d = strtod(value, &end);
		ok = end != value && !*end && d > 0 && d <= 1;
		if (ok)
			c->dup_similarity = d;
	} else if (IS("exposure", "deadline_hour")) {
		ok = parse_int(value, 0, 23, &c->deadline_hour);
	} else if (IS("roster", "shift_start") || IS("roster", "shift_end")) {
		char *dst = !strcmp(name, "shift_start") ? c->shift_start : c->shift_end;
		/* Exactly H:MM or HH:MM, 00:00-24:00 (24:00 is the end of the day). */
		size_t l = strlen(value);
		int h = -1, m = -1;
		ok = (l == 4 || l == 5) && value[l - 3] == ':' && strspn(value, "0123456789:") == l &&
		     sscanf(value, "%d:%d", &h, &m) == 2 && h >= 0 && m >= 0 && m < 60 && (h < 24 || (h == 24 && m == 0));
		if (ok)
			snprintf(dst, sizeof c->shift_start, "%02d:%02d", h % 100, m % 100);
	} else if (IS("display", "ambiguous_wide")) {
		ok = config_parse_bool(value, &c->ambiguous_wide);
	} else if (IS("access", "unknown")) {
		ok = !strcmp(value, "refuse") || !strcmp(value, "readonly");
		if (ok)
			c->unknown_readonly = !strcmp(value, "readonly");
	} else if (IS("rules", "accept_workdays")) {
		ok = parse_int(value, 1, 365, &c->accept_workdays);
	} else if (IS("rules", "tip_check_workdays")) {
		ok = parse_int(value, 1, 365, &c->tip_check_workdays);
	} else if (IS("rules", "mediation_workdays")) {
		ok = parse_int(value, 1, 365, &c->mediation_workdays);
	} else if (IS("rules", "source")) {
		ok = strlen(value) < sizeof c->rules_source;
		if (ok)
			snprintf(c->rules_source, sizeof c->rules_source, "%s", value);
	} else if (IS("report", "bureau")) {
		ok = strlen(value) < sizeof c->bureau;
		if (ok)
			snprintf(c->bureau, sizeof c->bureau, "%s", value);
	} else if (IS("report", "filler")) {
		ok = strlen(value) < sizeof c->filler;
		if (ok)
			snprintf(c->filler, sizeof c->filler, "%s", value);
	} else if (IS("report", "phone")) {
		ok = strlen(value) < sizeof c->phone;
		if (ok)
			snprintf(c->phone, sizeof c->phone, "%s", value);
	} else if (!strncmp(section, "robot.", 6) || !strncmp(section, "feed.", 5) ||
		   !strcmp(section, "relay")) {
		/* Read by the relay (src/net/), which owns those sections. */
	} else {
		if (!l->bad)
			snprintf(l->why, sizeof l->why, TR("未知设置 [%s] %s", "unknown setting [%s] %s"), section, name);
		l->bad = 1;
		return 0;
	}
#undef IS
	if (!ok && !l->bad) {
		snprintf(l->why, sizeof l->why, TR("[%s] %s 的值「%.60s」不合法", "[%s] %s: bad value \"%.60s\""), section,
			 name, value);
		l->bad = 1;
	}
	return ok;
}

int config_load(struct config *c, const char *path, bool must_exist, struct zs_error *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		if (!must_exist && errno == ENOENT)
			return ZS_OK;
		return zs_fail(err, ZS_EINPUT, TR("无法读取配置文件 %s：%s", "cannot read config %s: %s"), path,
			       strerror(errno));
	}
	snprintf(c->path, sizeof c->path, "%s", path);
	struct load l = { .c = c };
	int rc = ini_parse(path, handler, &l);
	if (l.bad)
		return zs_fail(err, ZS_EINPUT, TR("配置文件 %s 第 %d 行：%s", "config %s line %d: %s"), path, rc, l.why);
	if (rc < 0)
		return zs_fail(err, ZS_EINPUT, TR("无法读取配置文件 %s", "cannot read config %s"), path);
	if (rc > 0)
		return zs_fail(err, ZS_EINPUT, TR("配置文件 %s 第 %d 行格式不对", "config %s line %d: syntax error"),
			       path, rc);
	if (*c->db_path && *c->db_url)
		return zs_fail(err, ZS_EINPUT,
			       TR("配置文件 %s：[database] 的 path（SQLite 文件）和 url（PostgreSQL）只能设一个",
				  "config %s: [database] takes path (an SQLite file) or url (PostgreSQL), not both"),
			       path);
	return ZS_OK;
}
