/* The relay's settings from the INI file (inih), checked per robot and feed. */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include <sys/stat.h>

#include "zhishou/config.h"
#include "zhishou/i18n.h"
#include "zhishou/relayconf.h"

const char *const relay_event_names[RELAY_NEVENTS + 1] = {
	"exposure_new", "level_raised", "status_changed", "lead_set",
	"deadline_soon", "deadline_passed", "digest", "handover_signed", "local_set", "opinion_major", NULL,
};

int relay_event_index(const char *name)
{
	for (int i = 0; i < RELAY_NEVENTS; i++)
		if (!strcmp(name, relay_event_names[i]))
			return i;
	return -1;
}

static void problem(struct relay_conf *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct relay_conf *rc, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char **p = realloc(rc->problems, (size_t)(rc->nproblems + 1) * sizeof *p);
	if (!p)
		return;
	rc->problems = p;
	if ((p[rc->nproblems] = strdup(buf)))
		rc->nproblems++;
}

static struct robot_conf *robot(struct relay_conf *rc, const char *name)
{
	for (int i = 0; i < rc->nrobots; i++)
		if (!strcmp(rc->robots[i].name, name))
			return &rc->robots[i];
	struct robot_conf *r = realloc(rc->robots, (size_t)(rc->nrobots + 1) * sizeof *r);
	if (!r)
		return NULL;
	rc->robots = r;
	r = &rc->robots[rc->nrobots++];
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->events = (1u << RELAY_NEVENTS) - 1;
	r->at_leader = true;
	r->per_minute = -1;
	r->per_second = -1;
	return r;
}

static struct feed_conf *feed(struct relay_conf *rc, const char *name)
{
	for (int i = 0; i < rc->nfeeds; i++)
		if (!strcmp(rc->feeds[i].name, name))
			return &rc->feeds[i];
	struct feed_conf *f = realloc(rc->feeds, (size_t)(rc->nfeeds + 1) * sizeof *f);
	if (!f)
		return NULL;
	rc->feeds = f;
	f = &rc->feeds[rc->nfeeds++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	f->interval = 60;
	feed_map_defaults(&f->map);
	return f;
}

static bool http_url(const char *v)
{
	return !strncasecmp(v, "https://", 8) || !strncasecmp(v, "http://", 7);
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
}

static void relay_key(struct relay_conf *rc, const char *name, const char *value)
{
	static const struct {
		const char *key;
		long lo, hi;
		size_t off;
	} ints[] = {
		{ "digest_minutes", 1, 1440, offsetof(struct relay_conf, digest_minutes) },
		{ "deadline_warn_minutes", 1, 1440, offsetof(struct relay_conf, deadline_warn_minutes) },
		{ "retries", 1, 100, offsetof(struct relay_conf, retries) },
		{ "retry_max_seconds", 1, 3600, offsetof(struct relay_conf, retry_max_seconds) },
		{ "connect_timeout", 1, 120, offsetof(struct relay_conf, connect_timeout) },
		{ "timeout", 1, 600, offsetof(struct relay_conf, timeout) },
		{ "lease_seconds", 5, 600, offsetof(struct relay_conf, lease_seconds) },
	};
	long n;
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		if (strcmp(name, ints[i].key))
			continue;
		if (config_parse_int(value, ints[i].lo, ints[i].hi, &n))
			*(int *)((char *)rc + ints[i].off) = (int)n;
		else
			problem(rc, TR("[relay] %s 应为 %ld 到 %ld 之间的整数", "[relay] %s must be a whole number from %ld to %ld"),
				name, ints[i].lo, ints[i].hi);
		return;
	}
	if (!strcmp(name, "max_response_bytes")) {
		if (config_parse_int(value, 1024, 1L << 30, &n))
			rc->max_response_bytes = n;
		else
			problem(rc, TR("[relay] max_response_bytes 应为 1024 到 1073741824 之间的整数",
				       "[relay] max_response_bytes must be from 1024 to 1073741824"));
		return;
	}
	problem(rc, TR("[relay] 未知设置 %s", "[relay] unknown setting %s"), name);
}

static void robot_key(struct relay_conf *rc, struct robot_conf *r, const char *name, const char *value)
{
	long n;
	if (!strcmp(name, "type")) {
		if (robot_type_parse(value, &r->type))
			r->type_set = true;
		else
			problem(rc, TR("[robot.%s] type「%.40s」不认识；可选 dingtalk、wecom、feishu、webhook",
				       "[robot.%s] unknown type \"%.40s\"; use dingtalk, wecom, feishu or webhook"),
				r->name, value);
	} else if (!strcmp(name, "url")) {
		set_str(&r->url, value);
	} else if (!strcmp(name, "secret")) {
		set_str(&r->secret, value);
	} else if (!strcmp(name, "events")) {
		r->events = 0;
		char *copy = strdup(value), *save = NULL;
		for (char *t = copy ? strtok_r(copy, ", ;", &save) : NULL; t; t = strtok_r(NULL, ", ;", &save)) {
			int k = relay_event_index(t);
			if (!strcmp(t, "all"))
				r->events = (1u << RELAY_NEVENTS) - 1;
			else if (k >= 0)
				r->events |= 1u << k;
			else
				problem(rc, TR("[robot.%s] events 里的「%.40s」不认识", "[robot.%s] unknown event \"%.40s\""),
					r->name, t);
		}
		free(copy);
	} else if (!strcmp(name, "at_leader")) {
		if (!config_parse_bool(value, &r->at_leader))
			problem(rc, TR("[robot.%s] at_leader 应为 yes 或 no", "[robot.%s] at_leader must be yes or no"), r->name);
	} else if (!strcmp(name, "per_minute") || !strcmp(name, "per_second")) {
		if (config_parse_int(value, 0, 10000, &n))
			*(name[4] == 'm' ? &r->per_minute : &r->per_second) = (int)n;
		else
			problem(rc, TR("[robot.%s] %s 应为 0 到 10000 的整数", "[robot.%s] %s must be from 0 to 10000"),
				r->name, name);
	} else {
		problem(rc, TR("[robot.%s] 未知设置 %s", "[robot.%s] unknown setting %s"), r->name, name);
	}
}

static void feed_key(struct relay_conf *rc, struct feed_conf *f, const char *name, const char *value)
{
	long n;
	if (!strcmp(name, "url")) {
		set_str(&f->url, value);
	} else if (!strcmp(name, "header")) {
		set_str(&f->header, value);
	} else if (!strcmp(name, "interval")) {
		if (config_parse_int(value, 5, 86400, &n))
			f->interval = (int)n;
		else
			problem(rc, TR("[feed.%s] interval 应为 5 到 86400 秒", "[feed.%s] interval must be 5 to 86400 seconds"),
				f->name);
	} else if (!strncmp(name, "map.", 4)) {
		if (!feed_map_set(&f->map, name + 4, value))
			problem(rc, TR("[feed.%s] %s：没有这个字段或取值不合法", "[feed.%s] %s: no such field or a bad key"),
				f->name, name);
	} else {
		problem(rc, TR("[feed.%s] 未知设置 %s", "[feed.%s] unknown setting %s"), f->name, name);
	}
}

static int handler(void *ud, const char *section, const char *name, const char *value)
{
	struct relay_conf *rc = ud;
	if (!strcmp(section, "relay")) {
		relay_key(rc, name, value);
	} else if (!strncmp(section, "robot.", 6)) {
		struct robot_conf *r = section[6] ? robot(rc, section + 6) : NULL;
		if (r)
			robot_key(rc, r, name, value);
		else
			problem(rc, "%s", TR("[robot.] 需要一个名字，如 [robot.leaders]", "[robot.] needs a name, e.g. [robot.leaders]"));
	} else if (!strncmp(section, "feed.", 5)) {
		struct feed_conf *f = section[5] ? feed(rc, section + 5) : NULL;
		if (f)
			feed_key(rc, f, name, value);
		else
			problem(rc, "%s", TR("[feed.] 需要一个名字，如 [feed.city8890]", "[feed.] needs a name, e.g. [feed.city8890]"));
	}
	/* Other sections belong to config.c, which checks them. */
	return 1;
}

static int default_per_minute(enum robot_type t)
{
	return t == ROBOT_FEISHU ? 100 : t == ROBOT_WEBHOOK ? 60 : 20;
}

static void check(struct relay_conf *rc)
{
	for (int i = 0; i < rc->nrobots; i++) {
		struct robot_conf *r = &rc->robots[i];
		if (!r->type_set)
			problem(rc, TR("[robot.%s] 缺少 type（dingtalk、wecom、feishu 或 webhook）",
				       "[robot.%s] missing type (dingtalk, wecom, feishu or webhook)"), r->name);
		if (!r->url || !*r->url)
			problem(rc, TR("[robot.%s] 缺少 url", "[robot.%s] missing url"), r->name);
		else if (!http_url(r->url))
			problem(rc, TR("[robot.%s] url 必须以 https:// 或 http:// 开头", "[robot.%s] url must start with https:// or http://"),
				r->name);
		else if (r->type_set && r->type == ROBOT_DINGTALK && !strstr(r->url, "access_token="))
			problem(rc, TR("[robot.%s] 钉钉机器人的 url 应含 access_token=", "[robot.%s] a DingTalk url needs access_token="),
				r->name);
		else if (r->type_set && r->type == ROBOT_WECOM && !strstr(r->url, "key="))
			problem(rc, TR("[robot.%s] 企业微信机器人的 url 应含 key=", "[robot.%s] a WeCom url needs key="), r->name);
		if (!r->events)
			problem(rc, TR("[robot.%s] events 为空，这个机器人什么也收不到", "[robot.%s] events is empty"), r->name);
		if (r->per_minute < 0)
			r->per_minute = default_per_minute(r->type);
		if (r->per_second < 0)
			r->per_second = r->type == ROBOT_FEISHU ? 5 : 0;
		rc->holds_secret = true;   /* the url itself is a token */
	}
	for (int i = 0; i < rc->nfeeds; i++) {
		struct feed_conf *f = &rc->feeds[i];
		if (!f->url || !*f->url)
			problem(rc, TR("[feed.%s] 缺少 url", "[feed.%s] missing url"), f->name);
		else if (!http_url(f->url))
			problem(rc, TR("[feed.%s] url 必须以 https:// 或 http:// 开头", "[feed.%s] url must start with https:// or http://"),
				f->name);
		if (f->header) {
			const char *colon = strchr(f->header, ':');
			if (!colon || colon == f->header || strpbrk(f->header, "\r\n"))
				problem(rc, TR("[feed.%s] header 应写成「名称: 值」", "[feed.%s] header must be \"Name: value\""), f->name);
			rc->holds_secret = true;
		}
	}
}

int relay_conf_load(const char *path, struct relay_conf *rc, struct zs_error *err)
{
	(void)err;
	memset(rc, 0, sizeof *rc);
	rc->digest_minutes = 10;
	rc->deadline_warn_minutes = 60;
	rc->retries = 8;
	rc->retry_max_seconds = 60;
	rc->connect_timeout = 5;
	rc->timeout = 20;
	rc->lease_seconds = 30;
	rc->max_response_bytes = 8L << 20;
	if (!path || !*path) {
		problem(rc, "%s", TR("没有配置文件：用 --config 指定", "no configuration file: give --config"));
		return ZS_OK;
	}
	FILE *fp = fopen(path, "r");
	if (!fp) {
		problem(rc, TR("无法读取配置文件 %s：%s", "cannot read %s: %s"), path, strerror(errno));
		return ZS_OK;
	}
	struct stat sb;
	bool stated = fstat(fileno(fp), &sb) == 0;
	int perm = stated ? (int)(sb.st_mode & 0777) : 0777;
	int line = ini_parse_file(fp, handler, rc);
	fclose(fp);
	if (line > 0)
		problem(rc, TR("配置文件 %s 第 %d 行格式不对", "%s line %d: syntax error"), path, line);
	check(rc);
	/* The owner's alone (0600), or root's file given to the relay's own
	 * group to read (the package: 0640 root:zhishou-relay, a group only
	 * the relay's account is in).  Never when the relay runs as root: a
	 * group of root's is anyone's guess. */
	bool given = stated && sb.st_uid == 0 && getuid() != 0 && sb.st_gid == getgid() && (perm & 0077) == 0040;
	if (rc->holds_secret && (perm & 0077) && !given)
		problem(rc, TR("配置文件 %s 含有机器人地址或密钥，但其他用户可以读取（权限 %04o）；请执行 chmod 600 %s"
			       "（或像软件包那样：属主 root、属组为 relay 自己的用户组、chmod 640）",
			       "%s holds robot tokens or secrets but other users can read it (mode %04o); run chmod 600 %s "
			       "(or as the package does: owner root, the relay's own group, chmod 640)"),
			path, perm, path);
	if (!rc->nrobots && !rc->nfeeds)
		problem(rc, TR("配置文件 %s 里没有 [robot.名称] 或 [feed.名称]，relay 无事可做",
			       "%s has no [robot.NAME] or [feed.NAME]: nothing for the relay to do"), path);
	return ZS_OK;
}

void relay_conf_clear(struct relay_conf *rc)
{
	for (int i = 0; i < rc->nrobots; i++) {
		free(rc->robots[i].url);
		free(rc->robots[i].secret);
	}
	for (int i = 0; i < rc->nfeeds; i++) {
		free(rc->feeds[i].url);
		free(rc->feeds[i].header);
	}
	for (int i = 0; i < rc->nproblems; i++)
		free(rc->problems[i]);
	free(rc->robots);
	free(rc->feeds);
	free(rc->problems);
	memset(rc, 0, sizeof *rc);
}
