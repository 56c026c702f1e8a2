/* gen_intakes: a realistic (and wholly fictional) year of intakes as CSV.
 *
 *   gen_intakes COUNT OUTPUT.csv
 *
 * Writes COUNT rows with the header of `zhishou log import`
 *   received_at,channel,kind,caller,phone,subject,uscc,category,summary,ref
 * sorted by received time ("YYYY-MM-DD HH:MM:SS", Asia/Shanghai wall clock),
 * spread over 2025: working hours busier than nights, weekends quieter, the
 * week of 15 March and Double 11 busier, and a flood on the night of
 * 15 March from the CCTV gala (20:00) on.  Businesses are drawn from a
 * skewed pool so the same names recur; people and phones are invented;
 * summaries (about 40-120 characters) are built from templates per
 * category.  8890/12345 rows carry a unique work-order number
 * (8890-20250315-000123), others none; about 3% carry a valid USCC.
 *
 * The term 预制菜 appears in about 1% of summaries and nowhere else: the
 * benchmark's 3-character search.  A fixed-seed PRNG makes every run
 * produce the same file. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- PRNG: splitmix64 seeding xoshiro256** (fixed seed) ----------------- */

static uint64_t rs[4];

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rnd(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

static void seed(uint64_t s)
{
	for (int i = 0; i < 4; i++) {
		uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		rs[i] = z ^ (z >> 31);
	}
}

static uint32_t below(uint32_t n) { return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32); }
static double unit(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }
static int pct(int p) { return (int)below(100) < p; }
#define PICK(a) ((a)[below((uint32_t)N(a))])

/* A stable hash for things derived from an index (business names). */
static uint64_t mix(uint64_t z)
{
	z += 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* ---- the calendar of 2025 ----------------------------------------------- */

static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
#define DOY_MAR15 (31 + 28 + 14)    /* 0-based day of year */
#define DOY_NOV11 (31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 10)

static void doy_to_md(int doy, int *m, int *d)
{
	int k = 0;
	while (doy >= mdays[k])
		doy -= mdays[k++];
	*m = k + 1;
	*d = doy + 1;
}

/* Relative weight of a day: 1 Jan 2025 was a Wednesday. */
static double day_weight(int doy)
{
	int wd = (doy + 2) % 7;   /* 0 Monday … 6 Sunday */
	double w = wd >= 5 ? 0.6 : 1.0;
	if (doy >= DOY_MAR15 - 2 && doy <= DOY_MAR15 + 6)
		w *= 3.0;
	if (doy >= DOY_NOV11 - 1 && doy <= DOY_NOV11 + 3)
		w *= 2.0;
	if (doy >= 28 && doy <= 34)   /* Spring Festival week: quiet */
		w *= 0.5;
	return w;
}

/* Relative weight of each hour of an ordinary day. */
static const double hour_weight[24] = {
	0.15, 0.08, 0.05, 0.04, 0.04, 0.06, 0.2, 0.5, 1.2, 2.0, 2.2, 2.0,
	1.3, 1.4, 1.9, 2.0, 1.9, 1.5, 1.0, 0.9, 0.9, 0.8, 0.6, 0.3,
};

static double cum_day[365], cum_hour[24];

static int pick_cum(const double *cum, int n)
{
	double x = unit() * cum[n - 1];
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Seconds since 1 Jan 2025 00:00 (local wall clock). */
static int64_t pick_instant(void)
{
	double u = unit();
	if (u < 0.035) {
		/* The gala night: 20:00-24:00 on 15 March, peaking 20:30-22:30. */
		double h = 20.0 + 4.0 * (pct(70) ? 0.125 + 0.5 * unit() : unit());
		return (int64_t)DOY_MAR15 * 86400 + (int64_t)(h * 3600);
	}
	if (u < 0.045) {
		/* The small hours after it: a long tail until 08:00. */
		double a = unit(), b = unit();
		double h = 8.0 * a * b;
		return (int64_t)(DOY_MAR15 + 1) * 86400 + (int64_t)(h * 3600);
	}
	int doy = pick_cum(cum_day, 365);
	int hr = pick_cum(cum_hour, 24);
	return (int64_t)doy * 86400 + hr * 3600 + below(3600);
}

/* ---- vocabularies --------------------------------------------------------- */

static const char *const channels[] = {
	"12315-hotline", "12315-platform", "8890", "12345", "web", "email",
	"letter", "visit", "weibo", "wechat", "other",
};
static const int channel_w[] = { 28, 24, 6, 18, 5, 2, 2, 4, 3, 6, 2 };

static const char *const kinds[] = { "complaint", "tip", "inquiry" };
static const int kind_w[] = { 70, 18, 12 };

static int pick_w(const int *w, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += w[i];
	int x = (int)below((uint32_t)sum);
	for (int i = 0; i < n; i++)
		if ((x -= w[i]) < 0)
			return i;
	return n - 1;
}

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
	"彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
	"魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "欧阳",
};
static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
	"明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "建国", "志强", "晓东", "海燕", "玉兰",
	"春梅", "文博", "子涵", "浩然", "雨萱", "欣怡", "思远", "宇航", "佳怡", "梓涵", "一鸣", "俊杰",
};

/* Business names: a region, a trade name, a line of business, a form. */
static const char *const regions[] = {
	"", "", "", "江城", "临川", "南湖", "东港", "西岭", "北辰", "云溪", "青河", "滨海", "金水", "长宁",
};
static const char *const syll[] = {
	"鑫", "鸿", "瑞", "华", "润", "嘉", "恒", "泰", "禾", "盛", "福", "祥", "顺", "达", "源",
	"丰", "佳", "美", "优", "品", "汇", "诚", "信", "安", "康", "乐", "星", "辰", "悦", "尚",
	"合", "众", "联", "创", "智", "远", "航", "宏", "益", "德", "和", "兴", "旺", "锦", "绣",
};
static const char *const trades[] = {
	"商贸", "电子商务", "餐饮管理", "食品", "超市", "便利店", "汽车销售服务", "美容美发", "健身服务",
	"教育咨询", "培训学校", "家具", "装饰工程", "通讯器材", "药房", "医疗美容", "旅行社", "酒店管理",
	"房地产经纪", "家电", "服饰", "母婴用品", "眼镜", "珠宝", "网络科技", "文化传媒", "物业服务",
	"烘焙坊", "火锅店", "快餐", "洗衣", "二手车", "手机维修", "宠物医院", "健康管理", "保健品",
};
static const char *const forms[] = {
	"有限公司", "有限公司", "有限公司", "有限责任公司", "店", "经营部", "分店", "门店", "分公司", "工作室",
};

static const char *const provinces[] = { "11", "12", "31", "32", "33", "35", "37", "42", "44", "51" };

#define NBUSINESS 50000

static void business_name(uint32_t k, char *out, size_t n)
{
	uint64_t h = mix(k * 7919ULL + 17);
	snprintf(out, n, "%s%s%s%s%s", regions[h % N(regions)], syll[(h >> 8) % N(syll)],
		 syll[(h >> 16) % N(syll)], trades[(h >> 24) % N(trades)], forms[(h >> 40) % N(forms)]);
}

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };

static void business_uscc(uint32_t k, char out[19])
{
	uint64_t h = mix(k * 104729ULL + 3);
	const char *prov = provinces[h % N(provinces)];
	/* 9 (enterprise) 1 (company), region code, organisation code. */
	snprintf(out, 19, "91%s%02u%02u", prov, (unsigned)((h >> 8) % 20 + 1), (unsigned)((h >> 16) % 10 + 1));
	uint64_t g = mix(h);
	for (int i = 8; i < 17; i++) {
		out[i] = uscc_alphabet[g % 31];
		g /= 31;
		if (!g)
			g = mix(h + (uint64_t)i);
	}
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(uscc_alphabet, out[i]) - uscc_alphabet) * uscc_weights[i];
	int c = 31 - sum % 31;
	out[17] = uscc_alphabet[c == 31 ? 0 : c];
	out[18] = '\0';
}

/* Categories (codes of data/categories.txt), with what people complain of. */
struct topic {
	const char *code;
	int weight;
	const char *const *things;   /* what was bought or used */
	size_t nthings;
	const char *const *faults;   /* what went wrong */
	size_t nfaults;
};

#define LIST(...) (const char *const[]){ __VA_ARGS__ }, N(((const char *const[]){ __VA_ARGS__ }))

static const struct topic topics[] = {
	{ "food", 9, LIST("散装熟食", "进口奶粉", "月饼礼盒", "袋装酸菜", "冷冻水饺", "土蜂蜜", "散装白酒", "辣条", "鲜切水果", "腊肠"),
	  LIST("已超过保质期", "包装内发现异物", "标签没有生产日期和厂名", "食用后全家腹泻", "实际重量与标注不符", "疑似使用过期原料") },
	{ "catering", 8, LIST("外卖套餐", "火锅套餐", "自助晚餐", "婚宴酒席", "奶茶", "烧烤", "早餐包子"),
	  LIST("菜品有明显异味", "后厨卫生脏乱、有老鼠出没", "强制收取包间费和开瓶费", "餐具未消毒", "菜单价格与结账价格不一致") },
	{ "drug", 3, LIST("感冒药", "血糖仪", "医用口罩", "隐形眼镜", "家用制氧机"),
	  LIST("无批准文号", "说明书与实物不符", "药店无执业药师在岗却销售处方药", "产品无注册证") },
	{ "cosmetics", 4, LIST("美白面霜", "祛痘精华", "洗发水", "防晒霜", "染发剂"),
	  LIST("使用后面部红肿过敏", "宣称医疗功效", "成分表与备案不符", "疑似假冒品牌") },
	{ "health-food", 3, LIST("保健酒", "鱼油胶囊", "益生菌", "降糖茶"),
	  LIST("宣称能治病，老人花光积蓄购买", "会销现场夸大功效", "无保健食品标志") },
	{ "appliance", 5, LIST("空调", "洗衣机", "燃气热水器", "电动车", "扫地机器人", "冰箱"),
	  LIST("安装后一周就坏，售后推诿", "维修时乱收配件费", "以旧充新", "三包期内拒绝退换", "存在漏电隐患") },
	{ "auto", 4, LIST("新车", "二手车", "汽车保养", "车用轮胎"),
	  LIST("隐瞒事故车情况", "强制加装精品和收取金融服务费", "保养时更换了不需要的配件", "合同约定的赠品不兑现") },
	{ "telecom", 5, LIST("宽带", "手机套餐", "流量包", "靓号"),
	  LIST("未经同意开通增值业务扣费", "销户时要求缴纳高额违约金", "宣传不限量实际限速", "营业厅办理时误导签约") },
	{ "ecommerce", 14, LIST("手机", "羽绒服", "运动鞋", "蓝牙耳机", "品牌包", "笔记本电脑", "儿童绘本", "茶叶"),
	  LIST("收到的是假货", "商家拒绝七天无理由退货", "付款后迟迟不发货，客服不回复", "平台先涨价后打折", "收到的商品与描述严重不符") },
	{ "livestream", 6, LIST("直播间翡翠手镯", "直播间燕窝", "直播间减肥茶", "直播间羊毛衫", "直播间土特产"),
	  LIST("主播夸大宣传，实物质量很差", "直播时承诺的赠品没有收到", "下单后直播间已关闭、店铺失联", "价格比直播前还高") },
	{ "prepaid", 8, LIST("健身年卡", "美发充值卡", "洗车卡", "早教课程卡", "游泳卡", "餐厅储值卡"),
	  LIST("商家突然关门跑路，余额无法退回", "更换经营者后不认原来的卡", "诱导续费后服务缩水", "要求退卡被扣除高额手续费") },
	{ "housing", 4, LIST("全屋装修", "定制橱柜", "瓷砖", "门窗安装", "房屋中介服务"),
	  LIST("工期严重拖延，增项乱收费", "使用的材料与合同品牌不一致", "中介隐瞒房屋漏水情况", "定金收取后不肯退") },
	{ "education", 5, LIST("少儿编程课", "英语培训", "考证培训", "职业技能培训", "网课"),
	  LIST("承诺包过，未通过却不退费", "机构停课失联", "合同约定的课时没有上完", "贷款报名后无法解约") },
	{ "finance", 2, LIST("车险", "分期贷款", "理财产品"),
	  LIST("捆绑销售保险", "利息和手续费没有事先告知", "催收电话骚扰亲友") },
	{ "travel", 4, LIST("旅游团", "酒店客房", "景区门票", "民宿"),
	  LIST("低价团强制购物", "到店后不给入住还不退款", "节假日临时加价", "景区内商品价格虚高") },
	{ "fitness", 4, LIST("美容项目", "私教课", "美甲", "纹眉", "减肥套餐"),
	  LIST("做完后皮肤受损，店家不认账", "推销办卡时承诺的效果没有达到", "未取得资质开展医疗美容", "强行推销高价项目") },
	{ "clothing", 3, LIST("羊绒大衣", "童装", "皮鞋", "校服"),
	  LIST("洗一次就严重缩水变形", "实际成分与吊牌不符", "鞋底开胶，商家说是人为损坏") },
	{ "kids", 2, LIST("儿童安全座椅", "婴儿推车", "儿童玩具", "儿童手表"),
	  LIST("小零件容易脱落，有窒息风险", "没有3C认证标志", "电池发热鼓包") },
	{ "measure", 3, LIST("海鲜", "水果", "猪肉", "加油"),
	  LIST("秤有问题，称重少了三两", "回家复秤缺斤短两", "加油机计量不准") },
	{ "price", 4, LIST("停车费", "药品", "年夜饭", "酒店客房", "网约车"),
	  LIST("未明码标价", "结账时价格高于标价", "节日期间哄抬价格", "收取未公示的服务费") },
	{ "ad", 2, LIST("楼盘广告", "医疗广告", "培训广告"),
	  LIST("使用国家级、最佳等绝对化用语", "广告承诺保证收益", "虚构用户评价") },
	{ "quality", 4, LIST("电动自行车头盔", "插线板", "儿童床垫", "燃气灶"),
	  LIST("质量不合格，使用中断裂", "插上就冒烟", "有刺鼻气味，疑似甲醛超标") },
	{ "ip", 2, LIST("名牌运动鞋", "品牌香水", "名酒"),
	  LIST("疑似假冒注册商标", "包装仿冒知名品牌", "专卖店售卖高仿品") },
	{ "privacy", 2, LIST("会员注册", "扫码点餐", "售楼处人脸识别"),
	  LIST("强制收集身份证和手机号", "个人信息被泄露，天天接到推销电话", "不关注公众号就不给点餐") },
	{ "other", 3, LIST("共享充电宝", "快递", "婚介服务", "殡葬服务"),
	  LIST("收费不透明", "服务与宣传不一致", "合同存在霸王条款") },
};

static const char *const openers[] = {
	"消费者反映：", "来电人称，", "市民反映，", "投诉人称：", "", "", "网友留言：", "据来信反映，",
};
static const char *const when[] = {
	"近日", "上周", "前天", "月初", "上个月", "今天下午", "昨晚", "节前",
};
static const char *const demands[] = {
	"要求退款并赔偿", "要求商家退一赔三", "请求市场监管部门调查处理", "希望尽快核实处理", "要求依法查处",
	"要求退还剩余费用", "请求协调解决", "要求商家道歉并赔偿损失",
};
static const char *const replies[] = {
	"多次联系商家均被推诿", "商家称不归他们管", "客服一直不回复", "店员态度恶劣", "商家只同意换货不同意退款",
	"对方电话已经打不通",
};
static const char *const inquiries[] = {
	"咨询%s的三包规定", "咨询购买%s后能否七天无理由退货", "咨询%s出了问题应该找哪个部门", "咨询%s相关的投诉流程",
	"咨询如何查询%s商家的营业执照信息",
};
static const char *const evidence[] = {
	"已保留购物小票和聊天记录", "有付款截图和通话录音为证", "已拍照留存", "有合同和发票",
	"同小区还有多人遇到同样问题", "已在平台申请售后但被驳回", "曾向商场服务台反映未果",
};
static const char *const roads[] = {
	"解放", "人民", "中山", "建设", "和平", "新华", "胜利", "滨江", "学府", "长江", "迎宾", "文化",
};
static const char *const tip_tails[] = {
	"已有多名消费者受害", "附近居民反映已久", "举报人愿意配合调查", "夜间仍在营业销售", "曾被处罚过仍不整改",
};

/* ---- CSV out ---------------------------------------------------------------- */

static void put_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s COUNT OUTPUT.csv\n", argv[0]);
		return 2;
	}
	char *end;
	long long count = strtoll(argv[1], &end, 10);
	if (*end || count < 1 || count > 100000000) {
		fprintf(stderr, "gen_intakes: COUNT must be 1..100000000\n");
		return 2;
	}
	FILE *f = fopen(argv[2], "w");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(f, obuf, _IOFBF, sizeof obuf);
	seed(0x315315315ULL);

	double acc = 0;
	for (int d = 0; d < 365; d++)
		cum_day[d] = acc += day_weight(d);
	acc = 0;
	for (int h = 0; h < 24; h++)
		cum_hour[h] = acc += hour_weight[h];
	int topic_w[N(topics)];
	for (size_t i = 0; i < N(topics); i++)
		topic_w[i] = topics[i].weight;

	int64_t *at = malloc((size_t)count * sizeof *at);
	if (!at) {
		fprintf(stderr, "gen_intakes: out of memory\n");
		return 1;
	}
	for (long long i = 0; i < count; i++)
		at[i] = pick_instant();
	qsort(at, (size_t)count, sizeof *at, cmp_i64);

	fputs("received_at,channel,kind,caller,phone,subject,uscc,category,summary,ref\n", f);
	int seq_day = -1, seq[N(channels)] = { 0 };
	char caller[64], phone[16], subject[256], uscc[19], summary[1024], ref[64], tmp[512];
	for (long long i = 0; i < count; i++) {
		int64_t t = at[i];
		int doy = (int)(t / 86400), sec = (int)(t % 86400), mo, dd;
		doy_to_md(doy, &mo, &dd);
		char stamp[32];
		snprintf(stamp, sizeof stamp, "2025-%02d-%02d %02d:%02d:%02d", mo, dd, sec / 3600, sec / 60 % 60, sec % 60);
		if (doy != seq_day) {
			seq_day = doy;
			memset(seq, 0, sizeof seq);
		}

		int ch = pick_w(channel_w, (int)N(channels));
		int kd = pick_w(kind_w, (int)N(kinds));
		const struct topic *tp = &topics[pick_w(topic_w, (int)N(topics))];

		/* Caller: anonymous letters and web forms often lack a name. */
		caller[0] = '\0';
		if (!pct(ch >= 4 ? 35 : 8)) {
			const char *sur = PICK(surnames);
			snprintf(caller, sizeof caller, "%s%s", sur, PICK(given));
		}
		phone[0] = '\0';
		if (!pct(ch == 6 ? 60 : 7)) {
			static const char *const prefixes[] = { "13", "15", "17", "18", "19", "14", "16" };
			const char *pre = PICK(prefixes);
			snprintf(phone, sizeof phone, "%s%09u", pre, (unsigned)below(1000000000u));
		}

		/* Business: a skewed pool, so some names come up again and again. */
		subject[0] = '\0';
		uscc[0] = '\0';
		bool has_subject = kd != 2 ? !pct(4) : pct(30);
		if (has_subject) {
			double u = unit();
			uint32_t k = (uint32_t)(NBUSINESS * u * u * u);
			business_name(k, subject, sizeof subject);
			if (pct(3))
				business_uscc(k, uscc);
		}
		const char *shop = has_subject ? subject : "一家商户";

		const char *thing = tp->things[below((uint32_t)tp->nthings)];
		const char *fault = tp->faults[below((uint32_t)tp->nfaults)];
		size_t n = 0;
		/* Every draw in its own statement: the order of evaluation of
		 * function arguments is unspecified, the file must not be. */
		if (kd == 2) {
			const char *open = PICK(openers), *w = PICK(when);
			const char *q = inquiries[below(N(inquiries))];
			bool before = pct(50), more = pct(50);
			snprintf(tmp, sizeof tmp, q, thing);
			n = (size_t)snprintf(summary, sizeof summary, "%s%s%s，%s%s%s。", open, w, tmp,
					     before ? "来电人此前在" : "", before ? shop : "",
					     before ? (more ? "消费过，另询问需要准备哪些材料、多久能有结果" : "消费过")
						    : (more ? "另询问需要准备哪些材料、多久能有结果" : "希望工作人员给予答复"));
		} else if (kd == 1) {
			bool named = pct(30);
			const char *road = PICK(roads);
			unsigned no = 1 + below(300);
			const char *tail = PICK(tip_tails), *want = PICK(demands);
			n = (size_t)snprintf(summary, sizeof summary, "%s%s销售的%s%s，该店位于%s路%u号，%s，%s。",
					     named ? "实名举报：" : "举报", shop, thing, fault, road, no, tail, want);
		} else {
			const char *open = PICK(openers), *w = PICK(when);
			unsigned yuan = 20 + below(200) * (pct(20) ? 50 : 5);
			const char *reply = PICK(replies);
			const char *proof = pct(70) ? PICK(evidence) : NULL;
			const char *want = PICK(demands);
			n = (size_t)snprintf(summary, sizeof summary, "%s%s在%s购买%s，花费%u元，%s，%s%s%s，%s。", open, w,
					     shop, thing, yuan, fault, reply, proof ? "，" : "", proof ? proof : "", want);
		}
		/* The search benchmark's term, in about 1% of rows. */
		if (pct(1) && n + 64 < sizeof summary)
			n += (size_t)snprintf(summary + n, sizeof summary - n, "另称商家未告知使用预制菜。");
		/* Now and then an ASCII model number with a comma (quoted CSV). */
		if (pct(2) && n + 64 < sizeof summary) {
			unsigned model = (unsigned)below(900) + 100;
			n += (size_t)snprintf(summary + n, sizeof summary - n, "型号\"X%u\", 订单号%u。", model,
					      (unsigned)below(90000000) + 10000000);
		}

		ref[0] = '\0';
		if (!strcmp(channels[ch], "8890") || !strcmp(channels[ch], "12345"))
			snprintf(ref, sizeof ref, "%s-2025%02d%02d-%06d", channels[ch], mo, dd, ++seq[ch]);

		fputs(stamp, f);
		putc(',', f);
		fputs(channels[ch], f);
		putc(',', f);
		fputs(kinds[kd], f);
		putc(',', f);
		put_field(f, caller);
		putc(',', f);
		fputs(phone, f);
		putc(',', f);
		put_field(f, subject);
		putc(',', f);
		fputs(uscc, f);
		putc(',', f);
		fputs(tp->code, f);
		putc(',', f);
		put_field(f, summary);
		putc(',', f);
		fputs(ref, f);
		putc('\n', f);
	}
	free(at);
	if (fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
