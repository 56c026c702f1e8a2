/* bench_writers: many `zhishou log add` processes against one database.
 *
 *   bench_writers ZHISHOU DB PROCS ADDS ERRDIR [CONFIG]
 *
 * Forks PROCS workers that start together; each runs `ZHISHOU [--config
 * CONFIG] --db DB log add ...` ADDS times, one process after the other, and times every add
 * from fork to exit.  Stdout of the adds goes to /dev/null, stderr to
 * ERRDIR/worker-K.err (it must stay empty).  Prints the total wall time,
 * adds per second, failed adds, bytes written to stderr, and the latency
 * of one add (min, p50, p90, p99, max), as "key<TAB>value" lines.
 * The texts, phones and businesses vary (a few repeat, so the duplicate
 * check finds something), deterministically. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_stats.h"


static const char *const channels[] = { "12315-hotline", "12315-platform", "12345", "8890", "wechat", "visit" };
static const char *const kinds[] = { "complaint", "complaint", "complaint", "tip", "inquiry" };
static const char *const categories[] = { "food", "catering", "ecommerce", "prepaid", "livestream", "fitness", "price" };
static const char *const shops[] = { "临川鑫鸿商贸有限公司", "南湖优品超市", "东港嘉禾餐饮管理有限公司", "云溪星辰健身服务有限公司",
				     "滨海瑞丰汽车销售服务有限公司", "北辰佳美美容美发店", "青河福源食品经营部", "金水盛达电子商务有限公司" };
static const char *const things[] = { "预付卡", "外卖套餐", "羽绒服", "直播间燕窝", "健身年卡", "散装熟食", "手机", "美容项目" };
static const char *const faults[] = { "商家关门跑路，余额无法退回", "收到的商品与描述严重不符", "食用后腹泻", "主播夸大宣传",
				      "拒绝七天无理由退货", "结账价格高于标价" };

/* One add: fork, exec, wait.  Returns the exit status (or 255). */
static const char *config;

static int add_one(const char *zhishou, const char *db, int w, int k, int errfd, double *ms)
{
	uint32_t h = (uint32_t)(w * 7919 + k * 104729 + 12345);
	h ^= h >> 13;
	h *= 0x5bd1e995u;
	h ^= h >> 15;
	char phone[16], text[512];
	/* One caller in 50 calls twice: the duplicate check has work to do. */
	unsigned caller = h % 50 == 0 ? (h >> 8) % 200 : (unsigned)(w * 100000 + k);
	snprintf(phone, sizeof phone, "139%08u", caller % 100000000u);
	const char *shop = shops[(h >> 4) % (sizeof shops / sizeof *shops)];
	snprintf(text, sizeof text, "并发写入测试：第%d号进程第%d件，在%s购买%s，%s，要求退款并赔偿。", w, k, shop,
		 things[(h >> 7) % (sizeof things / sizeof *things)], faults[(h >> 11) % (sizeof faults / sizeof *faults)]);
	char *argv[] = {
		(char *)zhishou, "--config", (char *)(config ? config : "/dev/null"), "--db", (char *)db, "log", "add",
		"--channel", (char *)channels[h % (sizeof channels / sizeof *channels)],
		"--kind", (char *)kinds[(h >> 3) % (sizeof kinds / sizeof *kinds)],
		"--category", (char *)categories[(h >> 5) % (sizeof categories / sizeof *categories)],
		"--phone", phone, "--subject", (char *)shop, "--text", text, NULL,
	};
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return 255;
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 1);
		dup2(errfd, 2);
		execv(zhishou, argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return 255;
	*ms = now_ms() - t0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

int main(int argc, char **argv)
{
	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: %s ZHISHOU DB PROCS ADDS ERRDIR [CONFIG]\n", argv[0]);
		return 2;
	}
	config = argc == 7 ? argv[6] : NULL;
	const char *zhishou = argv[1], *db = argv[2], *errdir = argv[5];
	int procs = atoi(argv[3]), adds = atoi(argv[4]);
	if (procs < 1 || adds < 1) {
		fprintf(stderr, "bench_writers: PROCS and ADDS must be positive\n");
		return 2;
	}
	size_t n = (size_t)procs * (size_t)adds;
	/* Shared with the workers: latencies and exit statuses. */
	double *lat = mmap(NULL, n * sizeof *lat, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *status = mmap(NULL, n * sizeof *status, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (lat == MAP_FAILED || status == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	int go[2];
	if (pipe(go)) {
		perror("pipe");
		return 1;
	}
	pid_t *pids = calloc((size_t)procs, sizeof *pids);
	if (!pids) {
		perror("calloc");
		return 1;
	}
	for (int w = 0; w < procs; w++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			close(go[1]);
			char c, path[4096];
			snprintf(path, sizeof path, "%s/worker-%d.err", errdir, w);
			int errfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
			if (errfd < 0)
				_exit(1);
			/* Start together: wait until the parent closes the pipe. */
			while (read(go[0], &c, 1) > 0)
				;
			for (int k = 0; k < adds; k++) {
				size_t i = (size_t)w * (size_t)adds + (size_t)k;
				status[i] = add_one(zhishou, db, w, k, errfd, &lat[i]);
			}
			_exit(0);
		}
		pids[w] = pid;
	}
	close(go[0]);
	double t0 = now_ms();
	close(go[1]);
	for (int w = 0; w < procs; w++)
		waitpid(pids[w], NULL, 0);
	double total = now_ms() - t0;
	free(pids);

	long failed = 0;
	for (size_t i = 0; i < n; i++)
		if (status[i])
			failed++;
	long errbytes = 0;
	for (int w = 0; w < procs; w++) {
		char path[4096];
		struct stat sb;
		snprintf(path, sizeof path, "%s/worker-%d.err", errdir, w);
		if (stat(path, &sb) == 0)
			errbytes += (long)sb.st_size;
	}
	qsort(lat, n, sizeof *lat, cmp_double);
#define PCT(p) lat[(size_t)((p) / 100.0 * (double)(n - 1) + 0.5)]
	printf("procs\t%d\nadds_per_proc\t%d\nadds\t%zu\n", procs, adds, n);
	printf("total_s\t%.2f\nadds_per_s\t%.1f\nfailed\t%ld\nstderr_bytes\t%ld\n", total / 1e3, n / (total / 1e3), failed,
	       errbytes);
	printf("lat_min_ms\t%.1f\nlat_p50_ms\t%.1f\nlat_p90_ms\t%.1f\nlat_p99_ms\t%.1f\nlat_max_ms\t%.1f\n", lat[0], PCT(50),
	       PCT(90), PCT(99), lat[n - 1]);
	return 0;
}
