/* gen_entities: a fictional district register of N market entities, as
 * `zhishou entity import` takes it (the columns of tools/gen_demo_register.py).
 *
 *   gen_entities N OUT.csv
 *
 * Names are composed from neutral syllables and trade words (never a real
 * company); every code is a valid 统一社会信用代码 (GB 32100 check
 * character, GB 11714 organisation-code check inside), unique by
 * construction (the row number in base 31).  What the benchmarks look for
 * is planted at a known rate: every 2,000th row is a restaurant whose name
 * or scope says 酸菜 (expose local's keyword), every 5,000th a branch or
 * former name of 天津瑞禾餐饮管理有限公司 (its company).  Deterministic:
 * its own xorshift generator with a fixed seed.  In C because Python takes
 * minutes for 1,000,000 rows. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_s = 0x9E3779B97F4A7C15ull * 13 + 1;

static uint64_t rng(void)
{
	uint64_t x = rng_s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static unsigned below(unsigned n)
{
	return (unsigned)((rng() >> 11) % n);
}

#define PICK(a) ((a)[below(sizeof(a) / sizeof *(a))])

/* Chinese characters are 3 bytes in UTF-8: these strings are lists of them. */
static const char syllables[] = "瑞禾丰泰晟嘉润恒福宏盛源达诚德益和顺兴隆鼎辰宇卓越博睿启峰林森景明通汇聚合祥云川元"
				"诺岚朗澜锦颂悦宸煜屹沁穗茂荟璟翊邦尚弘霖毓铭璞";
static const char surnames[] = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋"
			       "蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙";
static const char given[] = "伟强磊军洋勇杰涛明超刚辉鹏华飞建文斌宁宇浩凯俊峰亮海波志国庆阳晨博睿东林芳娜敏静丽艳娟霞平玲";

static void put_char(FILE *f, const char *list)
{
	size_t n = strlen(list) / 3;
	fwrite(list + 3 * below((unsigned)n), 1, 3, f);
}

struct trade {
	const char *company, *shops[4], *items[4];
	unsigned weight;
};
static const struct trade trades[] = {
	{ "商贸", { "便利店", "便民超市", "副食店", "烟酒店" },
	  { "食品销售（仅销售预包装食品）", "日用百货销售", "烟草制品零售", "文具用品零售" }, 14 },
	{ "餐饮管理", { "饺子馆", "面馆", "快餐店", "家常菜馆" },
	  { "餐饮服务", "餐饮管理", "食品销售（仅销售预包装食品）", "食品小作坊经营" }, 16 },
	{ "食品", { "面包坊", "糕点坊", "烘焙坊", "蛋糕店" },
	  { "食品生产", "食品销售", "食用农产品零售", "糕点、面包制售" }, 5 },
	{ "通讯器材", { "通讯器材店", "手机维修部", "数码店", "通讯营业厅" },
	  { "通讯设备销售", "移动终端设备销售", "电子产品销售", "通讯设备修理" }, 5 },
	{ "科技", { "电脑店", "网络服务部", "电子经营部", "数码店" },
	  { "技术服务、技术开发、技术咨询", "软件开发", "信息系统集成服务", "计算机系统服务" }, 10 },
	{ "文化传媒", { "广告部", "图文店", "摄影店", "文印部" },
	  { "组织文化艺术交流活动", "广告设计、代理", "会议及展览服务", "摄影扩印服务" }, 5 },
	{ "美容美发", { "理发店", "美发店", "美甲店", "美容院" },
	  { "理发服务", "美甲服务", "化妆品零售", "生活美容服务" }, 7 },
	{ "医药", { "大药房", "药店", "医疗器械店", "保健品店" },
	  { "药品零售", "医疗器械销售（第二类）", "保健食品（预包装）销售", "日用百货销售" }, 3 },
	{ "服饰", { "服装店", "鞋店", "精品服饰店", "箱包店" },
	  { "服装服饰零售", "鞋帽零售", "箱包销售", "针纺织品销售" }, 5 },
	{ "汽车服务", { "汽车美容店", "洗车行", "汽配店", "汽修厂" },
	  { "汽车装饰用品销售", "洗车服务", "汽车零配件零售", "机动车修理和维护" }, 2 },
	{ "物业管理", { "房屋中介部", "家政服务部", "保洁服务部", "搬家服务部" },
	  { "物业管理", "房地产经纪", "住房租赁", "家政服务" }, 4 },
};

static const char *const streets[] = { "南京路", "滨江道", "和平路", "营口道", "成都道", "重庆道", "大理道",
				       "睦南道", "西康路", "贵州路", "河北路", "山西路", "新华路", "保定道",
				       "长春道", "锦州道", "哈密道", "唐山道", "福安大街", "辽宁路" };
/* The bench night's roster has 城关市场监管所 (tests/bench/run.sh): the
 * others match no unit, as a register's stations often do not. */
static const char *const stations[] = { "城关市场监管所", "南营门市场监管所", "劝业场市场监管所",
					"小白楼市场监管所", "五大道市场监管所", "新兴市场监管所" };
static const char *const states[] = { "存续", "存续", "存续", "存续", "存续", "存续", "存续", "存续",
				      "存续", "存续", "存续", "存续", "存续", "存续", "在业", "在业",
				      "吊销", "注销", "注销", "迁出" };

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static char uscc_check(const char *first17)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(alphabet, first17[i]) - alphabet) * w[i];
	return alphabet[(31 - sum % 31) % 31];
}

static char org_check(const char *first8)
{
	static const int w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int i = 0; i < 8; i++)
		sum += (first8[i] >= 'A' ? first8[i] - 'A' + 10 : first8[i] - '0') * w[i];
	int c = 11 - sum % 11;
	return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

/* Row i's code: 9 + 1 (enterprise) or 2 (individual), the division, "MA"
 * and i in base 31, the two check characters. */
static void uscc(long i, int individual, char out[19])
{
	char *p = out;
	p += sprintf(p, "9%c120101MA", individual ? '2' : '1');
	for (int k = 5; k >= 0; k--, i /= 31)
		p[k] = alphabet[i % 31];
	p[6] = org_check(out + 8);
	p[7] = uscc_check(out);
	p[8] = '\0';
}

static void two_syllables(FILE *f)
{
	put_char(f, syllables);
	put_char(f, syllables);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen_entities N OUT.csv\n");
		return 2;
	}
	long n = atol(argv[1]);
	FILE *f = fopen(argv[2], "w");
	if (n <= 0 || !f) {
		fprintf(stderr, "gen_entities: bad N or cannot write %s\n", argv[2]);
		return 2;
	}
	unsigned total = 0;
	for (size_t t = 0; t < sizeof trades / sizeof *trades; t++)
		total += trades[t].weight;
	fputs("统一社会信用代码,名称,类型,法定代表人,住所,登记机关,管辖单位,成立日期,登记状态,经营范围,曾用名\n", f);
	for (long i = 0; i < n; i++) {
		unsigned r = below(total);
		size_t t = 0;
		while (r >= trades[t].weight)
			r -= trades[t++].weight;
		const struct trade *tr = &trades[t];
		bool planted_kw = i % 2000 == 7, planted_co = i % 5000 == 11;
		if (planted_kw || planted_co)
			tr = &trades[1];
		int individual = !planted_co && below(10) < 4;
		char code[19];
		uscc(i, individual, code);
		fprintf(f, "%s,", code);
		/* 名称 */
		if (planted_co) {
			fputs("天津瑞禾餐饮管理有限公司", f);
			if (i % 10000 != 11)
				fprintf(f, "%s分公司", PICK(streets));
		} else if (individual) {
			fputs("和平区", f);
			two_syllables(f);
			if (below(5) == 0)
				put_char(f, syllables);
			fputs(planted_kw ? "老坛酸菜鱼馆" : PICK(tr->shops), f);
		} else {
			fputs("天津", f);
			two_syllables(f);
			if (below(4) == 0)
				put_char(f, syllables);
			fprintf(f, "%s有限公司", tr->company);
			if (below(20) == 0)
				fprintf(f, "%s分公司", PICK(streets));
		}
		/* 类型, 法定代表人, 住所, 登记机关, 管辖单位 */
		fprintf(f, ",%s,", individual ? "个体工商户" : "有限责任公司（自然人投资或控股）");
		put_char(f, surnames);
		put_char(f, given);
		if (below(2))
			put_char(f, given);
		fprintf(f, ",天津市和平区%s%u号%s,天津市和平区市场监督管理局,%s,", PICK(streets), 1 + below(260),
			below(3) ? "" : "底商", PICK(stations));
		/* 成立日期, 登记状态 */
		fprintf(f, "%04u-%02u-%02u,%s,", 1995 + below(31), 1 + below(12), 1 + below(28),
			planted_co || planted_kw ? "存续" : PICK(states));
		/* 经营范围: two to four of the trade's items */
		fputs("一般项目：", f);
		unsigned k = 2 + below(3), first = below(4);
		for (unsigned j = 0; j < k; j++)
			fprintf(f, "%s%s", j ? "；" : "", tr->items[(first + j) % 4]);
		if (planted_kw && i % 4000 == 7)
			fputs("；酸菜制品销售", f);
		fputs("。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）,", f);
		/* 曾用名: a few in a hundred */
		if (planted_co && i % 10000 == 11) {
			fputs("天津瑞禾餐饮有限公司", f);
		} else if (below(100) < 3) {
			fputs("天津", f);
			two_syllables(f);
			fprintf(f, "%s有限公司", tr->company);
		}
		fputc('\n', f);
	}
	if (fclose(f)) {
		perror("gen_entities");
		return 1;
	}
	return 0;
}
