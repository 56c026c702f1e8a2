/* relayconf: the relay's part of the configuration file.
 *
 * [relay] timings, [robot.NAME] chat robots and [feed.NAME] 8890 feeds.
 * Tokens and secrets live only in this file, so a file holding one must be
 * readable by its owner alone; no message ever repeats a secret's value. */
#ifndef ZHISHOU_RELAYCONF_H
#define ZHISHOU_RELAYCONF_H

#include <stdbool.h>
#include "zhishou/feed.h"
#include "zhishou/robot.h"

/* Event names in outbox order; bit i of robot_conf.events is event i. */
extern const char *const relay_event_names[];
enum { RELAY_NEVENTS = 10 };
int relay_event_index(const char *name);   /* -1 if unknown */

struct robot_conf {
	char name[64];
	enum robot_type type;
	bool type_set;
	char *url, *secret;
	unsigned events;          /* bit per relay_event_names[] */
	bool at_leader;
	int per_minute, per_second;   /* 0: no limit */
};

struct feed_conf {
	char name[64];
	char *url, *header;
	int interval;             /* seconds */
	struct feed_map map;
};

struct relay_conf {
	int digest_minutes, deadline_warn_minutes;
	int retries, retry_max_seconds;
	int connect_timeout, timeout, lease_seconds;
	long max_response_bytes;
	struct robot_conf *robots;
	int nrobots;
	struct feed_conf *feeds;
	int nfeeds;
	/* What is wrong, one line each ("[robot.leaders] 缺少 url"); the
	 * relay refuses to start while there is any. */
	char **problems;
	int nproblems;
	bool holds_secret;
};

/* Read path (an absent file is a problem, not a crash); check each robot,
 * each feed and the file's permissions.  Returns ZS_EFAIL only when out of
 * memory; problems are in rc. */
int relay_conf_load(const char *path, struct relay_conf *rc, struct zs_error *err);
void relay_conf_clear(struct relay_conf *rc);

#endif
