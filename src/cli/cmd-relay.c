/* zhishou relay [--once|--check]: the process that talks to the network.
 *
 * Built twice.  In zhishou-relay it is the relay.  In zhishou itself
 * (ZHISHOU_RELAY_EXEC) it runs zhishou-relay from the same directory with
 * the same arguments: libcurl brings in 32 of the 42 shared libraries a
 * process would load, half of every command's start-up, and only the relay
 * needs it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifndef ZHISHOU_RELAY_EXEC
#include <curl/curl.h>
#endif

#include "cli.h"
#include "zhishou/i18n.h"
#include "zhishou/member.h"
#include "zhishou/priv.h"
#include "zhishou/relay.h"

/* Both builds list them: zhishou's --help shows what zhishou-relay takes. */
static const struct option exec_opts[] = {
	{ "once", no_argument, NULL, 'o' },
	{ "check", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 },
};

#ifdef ZHISHOU_RELAY_EXEC
static int exec(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 32);
	if (n < 0) {
		fprintf(stderr, "zhishou: %s: %s\n", TR("找不到程序自身（/proc/self/exe）", "cannot find this program (/proc/self/exe)"),
			strerror(errno));
		return 1;
	}
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ? slash + 1 - path : 0), "zhishou-relay");
	fflush(NULL);
	/* The relay is a service with rights of its own (its unit's user):
	 * never the shared account's, lent to whoever typed this. */
	priv_forget();
	execv(path, cli->argv);
	fprintf(stderr, "zhishou: %s %s：%s\n", TR("无法运行", "cannot run"), path, strerror(errno));
	fprintf(stderr, "zhishou: %s\n", TR("zhishou-relay 应与 zhishou 装在同一目录（ninja install 会一起安装）",
					    "zhishou-relay belongs in the same directory as zhishou (ninja install installs both)"));
	return 1;
}
#else
struct relay_opts {
	bool once, check;
};

static int opt_cb(int opt, const char *arg, void *ud)
{
	struct relay_opts *o = ud;
	(void)arg;
	if (opt == 'o')
		o->once = true;
	else if (opt == 'k')
		o->check = true;
	return 0;
}

static const char *events_text(unsigned ev, char *buf, size_t n)
{
	if (ev == (1u << RELAY_NEVENTS) - 1)
		return TR("全部事件", "all events");
	buf[0] = '\0';
	for (int i = 0; i < RELAY_NEVENTS; i++) {
		if (!(ev & (1u << i)))
			continue;
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s%s", l ? "," : "", relay_event_names[i]);
	}
	return buf;
}

/* What the relay will do, without any secret or token. */
static void describe(const struct relay_conf *rc)
{
	char ev[256];
	for (int i = 0; i < rc->nrobots; i++) {
		const struct robot_conf *r = &rc->robots[i];
		printf(TR("机器人 %s（%s）：%s；%s；密钥%s；每分钟最多 %d 条%s\n",
			  "robot %s (%s): %s; %s; secret %s; at most %d a minute%s\n"),
		       r->name, r->type_set ? robot_type_name(r->type) : "?", events_text(r->events, ev, sizeof ev),
		       r->at_leader ? TR("@牵头单位值班领导", "@ the lead unit's duty leader") : TR("不@人", "no @"),
		       r->secret && *r->secret ? TR("已设置", "set") : TR("未设置", "not set"), r->per_minute,
		       r->per_second > 0 ? TR("，每秒最多若干条", ", with a per-second limit") : "");
	}
	for (int i = 0; i < rc->nfeeds; i++) {
		const struct feed_conf *f = &rc->feeds[i];
		printf(TR("接入 %s：每 %d 秒取一次%s\n", "feed %s: polled every %d s%s\n"), f->name, f->interval,
		       f->header ? TR("，带请求头", ", with a header") : "");
	}
	printf(TR("摘要每 %d 分钟；时限前 %d 分钟提醒；失败重试 %d 次（间隔最长 %d 秒）\n",
		  "digest every %d min; deadline warning %d min before; %d attempts (backoff up to %d s)\n"),
	       rc->digest_minutes, rc->deadline_warn_minutes, rc->retries, rc->retry_max_seconds);
}

static int exec(struct cli *cli, int argc, char **argv)
{
	struct relay_opts o = { 0 };
	int first, r = cli_options(&cmd_relay_entry, argc, argv, exec_opts, opt_cb, &o, &first);
	if (r)
		return r;
	if (o.once && o.check)
		return cli_usage(&cmd_relay_entry, "%s", TR("--once 和 --check 只能选一个", "use --once or --check, not both"));
	struct relay_conf rc;
	struct zs_error err = { 0 };
	if (relay_conf_load(cli->cfg.path[0] ? cli->cfg.path : NULL, &rc, &err))
		return cli_error(&err);
	if (rc.nproblems) {
		for (int i = 0; i < rc.nproblems; i++)
			fprintf(stderr, "zhishou: %s\n", rc.problems[i]);
		fprintf(stderr, "zhishou: %s\n", TR("配置有误，relay 不启动", "the configuration is wrong; the relay does not start"));
		relay_conf_clear(&rc);
		return 2;
	}
	if (o.check) {
		describe(&rc);
		printf("%s\n", TR("配置无误。", "The configuration is fine."));
		relay_conf_clear(&rc);
		return 0;
	}
	/* The relay writes (8890 orders, delivery records): its Unix user must
	 * be a member, as any operator. */
	r = cli_open(cli, ROLE_OPERATOR);
	if (r) {
		relay_conf_clear(&rc);
		return r;
	}
	struct relay_options ro = { .once = o.once, .clock_offset = cli->clock_offset, .db_path = cli->db_path,
				    .unix_user = cli->user };
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r = relay_run(cli_ctx(cli), &rc, &ro, &err);
	curl_global_cleanup();
	relay_conf_clear(&rc);
	return r ? cli_error(&err) : 0;
}

#endif

const struct cmd_entry cmd_relay_entry = {
	.name = "relay",
	.usage = "[--once | --check]",
	.help_zh = "把提醒发到钉钉、企业微信、飞书机器人，并接收 8890 工单（前台运行，日志写到标准错误；"
		"--once 做完眼下该做的就退出；--check 只检查配置）",
	.help_en = "post alerts to DingTalk, WeCom and Feishu robots and take in 8890 orders (foreground, logs to "
		"stderr; --once does what is due and exits; --check only checks the configuration)",
	.flags = CMD_NO_DB,
	.exec = exec,
	.opts = exec_opts,
	.about = (const struct cmd_about[]){
		{ "once", "做完眼下该做的就退出",
		  "do what is due now, then exit" },
		{ "check", "只检查配置",
		  "only check the configuration" },
		{ NULL, NULL, NULL },
	},
};
