/* demo: a wholly fictional 3·15 duty night for `zhishou init --demo`.
 *
 * Everything is written through the same core calls an operator's commands
 * use (intake_add, intake_update, exposure_add …), so the demo database has
 * the same validation, audit rows and tallies as a real night.  People,
 * phones and companies are invented; no real brand is named as a violator.
 * A fixed-seed PRNG makes every run for the same year hold the same records
 * (only the audit's wall-clock times and the OS user differ). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/alert.h"
#include "zhishou/demo.h"
#include "zhishou/error.h"
#include "zhishou/exposure.h"
#include "zhishou/intake.h"
#include "zhishou/model.h"
#include "zhishou/roster.h"
#include "zhishou/store.h"
#include "zhishou/timeutil.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* Seconds after local midnight. */
#define CLOCK(h, m) ((h) * 3600 + (m) * 60)
/* Minutes after 14 March 00:00: the demo's intake timeline. */
#define DAYMIN(day, h, m) (((day) - 14) * 1440 + (h) * 60 + (m))

int64_t demo_now(int year)
{
	return time_from_local(year, 3, 15, CLOCK(21, 40));
}

/* ------------------------------------------------------------------ */
/* A tiny deterministic PRNG (xorshift32): the same demo on every machine. */

struct rng {
	uint32_t s;
};

static uint32_t rng_next(struct rng *r)
{
	uint32_t x = r->s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return r->s = x;
}

static int rng_below(struct rng *r, int n)
{
	return (int)(rng_next(r) % (uint32_t)n);
}

static bool rng_pct(struct rng *r, int pct)
{
	return rng_below(r, 100) < pct;
}

/* One of the non-NULL entries of a fixed-size table (tables may leave
 * trailing slots empty). */
static const char *pick_from(struct rng *r, const char *const *a, size_t max)
{
	size_t n = 0;
	while (n < max && a[n])
		n++;
	return n ? a[rng_below(r, (int)n)] : "";
}
#define PICK(r, arr) pick_from((r), (arr), N(arr))

/* Expand $1..$4 in tpl.  Sentence tables stay plain text rather than
 * printf formats whose argument counts could silently mismatch. */
static void expand(char *out, size_t n, const char *tpl, const char *const args[4])
{
	size_t o = 0;
	for (const char *p = tpl; *p && o + 1 < n; p++) {
		if (p[0] == '$' && p[1] >= '1' && p[1] <= '4') {
			const char *a = args[p[1] - '1'];
			for (; a && *a && o + 1 < n; a++)
				out[o++] = *a;
			p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* Units and the duty roster (seed 000 附件1: 1 leader + 2 cadres per unit). */

struct unit_def {
	const char *name;
	const char *leader_title[2];  /* 14 March, 15 March */
	const char *cadre_title[2];
	int office;                   /* first office line: 8 digits after 022 */
};

enum { U_CENTER, U_CA, U_MARKET, U_FOOD, U_ENFORCE, U_CREDIT, U_PR, U_STATION };

static const struct unit_def units[] = {
	[U_CENTER] = { "12315投诉举报中心", { "副主任", "主任" }, { "四级主任科员", "一级科员" }, 27301150 },
	[U_CA] = { "消费者协会", { "副秘书长", "秘书长" }, { "干事", "干事" }, 27301180 },
	[U_MARKET] = { "市场和网络交易监管科", { "副科长", "科长" }, { "一级主任科员", "一级科员" }, 27301210 },
	[U_FOOD] = { "食品安全监管科", { "副科长", "科长" }, { "四级主任科员", "二级主任科员" }, 27301240 },
	[U_ENFORCE] = { "综合行政执法支队", { "副支队长", "支队长" }, { "四级主任科员", "一级科员" }, 27301270 },
	[U_CREDIT] = { "信用监管科", { "副科长", "科长" }, { "一级主任科员", "一级科员" }, 27301300 },
	[U_PR] = { "宣传与应急科", { "副科长", "科长" }, { "四级主任科员", "一级科员" }, 27301330 },
	[U_STATION] = { "劝业场市场监管所", { "副所长", "所长" }, { "四级主任科员", "一级科员" }, 27301360 },
};

/* Invented names; [unit * 2 + night] leads, [(unit * 2 + night) * 2 + k]
 * assist. */
static const char *const leader_names[] = {
	"刘振东", "孙丽华", "陈国强", "赵雅琴", "周立新", "吴海燕", "郑宏伟", "冯淑敏",
	"何志刚", "韩秀兰", "马文涛", "高春梅", "杨德胜", "田慧娟", "曹永利", "邓晓红",
};
static const char *const cadre_names[] = {
	"李思远", "张晓雯", "王浩然", "刘佳琪", "陈宇航", "杨雪莹", "黄子豪", "吴梦瑶",
	"徐博文", "孙静怡", "胡泽宇", "朱欣然", "郭俊杰", "何雨桐", "林书涵", "罗嘉明",
	"梁诗琪", "宋天佑", "谢婉婷", "唐一凡", "韩若琳", "冯子涵", "董佳慧", "萧明哲",
	"程雅楠", "曹文博", "袁梓萱", "邓志远", "许晨阳", "傅雨萌", "沈嘉怡", "彭俊辉",
};

/* Prefixes of mainland mobile numbers; the rest of the number is random. */
static const char *const mobile_prefixes[] = {
	"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
	"153", "155", "156", "157", "158", "159", "166", "177", "180", "181", "182", "183",
	"185", "186", "187", "188", "189", "199",
};

static void random_mobile(struct rng *r, char *out, size_t n)
{
	snprintf(out, n, "%s%08d", PICK(r, mobile_prefixes), rng_below(r, 100000000));
}

static void random_landline(struct rng *r, char *out, size_t n)
{
	static const char first[] = "2568";
	snprintf(out, n, "022-%c%07d", first[rng_below(r, 4)], rng_below(r, 10000000));
}

/* One person on duty: night 0 is 14 March (local gala), 1 is 15 March. */
static int add_duty(struct zs_ctx *c, int year, struct rng *rng, size_t u, int64_t unit_id, int night, int k,
		    struct zs_error *err)
{
	const struct unit_def *ud = &units[u];
	int day = 14 + night, slot = (int)u * 2 + night;
	bool leader = k == 0;
	char date[32], name[32], title[32], land[24], mobile[24];
	snprintf(date, sizeof date, "%04d-03-%02d", year, day);
	snprintf(name, sizeof name, "%s", leader ? leader_names[slot] : cadre_names[slot * 2 + k - 1]);
	snprintf(title, sizeof title, "%s", leader ? ud->leader_title[night] : ud->cadre_title[k - 1]);
	/* Stored as roster_import stores a normalised landline: digits only. */
	snprintf(land, sizeof land, "022%08d", ud->office + night * 3 + k);
	random_mobile(rng, mobile, sizeof mobile);

	struct roster_entry e = {
		.duty_date = date, .unit_id = unit_id, .name = name, .title = title,
		.landline = land, .mobile = mobile, .is_leader = leader,
	};
	if (night == 0) {
		e.shift_start = time_from_local(year, 3, day, CLOCK(18, 30));
		e.shift_end = time_from_local(year, 3, day, CLOCK(21, 30));
	} else {
		e.shift_start = time_from_local(year, 3, day, CLOCK(19, 0));
		/* The complaint centre's leader stays until 01:00 (the next day)
		 * to see the late calls through. */
		if (u == U_CENTER && leader)
			e.shift_end = time_from_local(year, 3, day + 1, CLOCK(1, 0));
		else
			e.shift_end = time_from_local(year, 3, day, CLOCK(23, 30));
	}
	bool replaced;
	return store_roster_upsert(c->st, &e, &replaced, err);
}

static int fill_roster(struct zs_ctx *c, int year, struct rng *rng, struct zs_error *err)
{
	int r = store_begin(c->st, err);
	if (r)
		return r;
	for (size_t u = 0; u < N(units) && !r; u++) {
		int64_t id;
		r = roster_unit_ensure(c, units[u].name, &id, NULL, err);
		for (int night = 0; night < 2 && !r; night++)
			for (int k = 0; k < 3 && !r; k++)
				r = add_duty(c, year, rng, u, id, night, k, err);
	}
	/* One row for the whole sheet, as roster_import writes one per file. */
	if (!r)
		r = store_audit(c->st, "roster", 0, "import", "", "", "{\"source\":\"demo\"}", err);
	if (!r)
		r = store_commit(c->st, err);
	if (r)
		store_rollback(c->st);
	return r;
}

/* ------------------------------------------------------------------ */
/* Galas */

static int fill_galas(struct zs_ctx *c, int year, struct zs_error *err)
{
	static const struct {
		const char *name;
		int day, start, end;
	} galas[] = {
		{ "本地3·15晚会", 14, CLOCK(19, 30), CLOCK(21, 0) },
		{ "央视3·15晚会", 15, CLOCK(20, 0), CLOCK(22, 10) },
	};
	int r = store_begin(c->st, err);
	for (size_t i = 0; i < N(galas) && !r; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s", galas[i].name);
		struct gala g = {
			.name = name,
			.starts_at = time_from_local(year, 3, galas[i].day, galas[i].start),
			.ends_at = time_from_local(year, 3, galas[i].day, galas[i].end),
		};
		r = store_gala_insert(c->st, &g, err);
	}
	if (!r)
		r = store_commit(c->st, err);
	else
		store_rollback(c->st);
	return r;
}

/* ------------------------------------------------------------------ */
/* Exposures: what the (fictional) CCTV gala airs on 15 March, and what
 * callers then say about each. */

struct exposure_def {
	int aired;                  /* seconds after midnight, 15 March */
	int deadline;               /* same; 0: the default, 08:00 next morning */
	const char *title, *industry, *companies, *keywords, *assist, *level;
	int lead;                   /* units[] index */
	/* The calls it brings: */
	int weight;                 /* share among the exposure-related calls */
	const char *category;
	const char *subjects[2];    /* how callers name it (matches companies) */
	const char *places[3];      /* local shops where they met it ($1) */
	const char *complaints[2], *tips[2], *inquiry;
};

enum { X_PICKLE, X_PHONE, X_BREAD, X_FACE, X_LIVE, X_POWER };

static const struct exposure_def exposures[] = {
	[X_PICKLE] = {
		CLOCK(20, 8), 0, "酸菜供应商“土坑”腌制，卫生状况堪忧", "食品生产",
		"鑫旺食品有限公司;老坛香酸菜", "土坑酸菜;老坛酸菜;酸菜包", "综合行政执法支队;劝业场市场监管所", "2",
		U_FOOD, 36, "food",
		{ "鑫旺食品有限公司", "老坛香酸菜" },
		{ "惠万家生鲜超市（鞍山道店）", "便民超市（南京路店）", "鲜味鱼府" },
		{ "看了晚会曝光，前几天在$1买的老坛香酸菜面用的就是这家供应商的酸菜，要求退款并赔偿。",
		  "在$1吃的酸菜鱼，店员承认用的是鑫旺食品的酸菜包，要求商家退款。" },
		{ "举报$1晚会播出后仍在销售鑫旺食品有限公司生产的酸菜制品，至今未下架。",
		  "举报$1后厨存放大量老坛香酸菜包，请尽快查处。" },
		"咨询已购买的老坛香酸菜产品能否退货、如何索赔。",
	},
	[X_PHONE] = {
		CLOCK(20, 26), 0, "翻新旧手机冒充新机销售", "通信器材零售",
		"安泰达通讯器材商行;机优选二手手机", "翻新机;官换机;二手手机", "劝业场市场监管所", "4",
		U_MARKET, 16, "telecom",
		{ "安泰达通讯器材商行", "机优选二手手机" },
		{ "畅联通讯营业厅", "劝业场电子市场", "讯达手机维修店" },
		{ "上月在$1买的“全新”手机，看了晚会发现是翻新机，电池循环次数异常，要求退一赔三。",
		  "在$1买的手机激活日期早于购买日期，怀疑是安泰达供货的翻新机，要求退货。" },
		{ "举报$1柜台仍以新机名义销售安泰达通讯器材商行供应的翻新手机。",
		  "举报$1回收旧手机翻新后当新机卖。" },
		"咨询如何查验手机是否翻新机，买到翻新机如何维权。",
	},
	[X_BREAD] = {
		/* The leader wanted a first report by 21:30 and has not had it:
		 * the board's one overdue exposure. */
		CLOCK(20, 41), CLOCK(21, 30), "过期面包更换标签二次销售", "食品销售（烘焙）",
		"佳味坊烘焙;麦香园食品厂", "过期面包;改标签;生产日期", "劝业场市场监管所", "3",
		U_FOOD, 18, "food",
		{ "佳味坊烘焙", "麦香园食品厂" },
		{ "佳味坊（滨江道店）", "佳味坊（和平路店）", "惠万家生鲜超市（鞍山道店）" },
		{ "今天在$1买的面包生产日期标签有覆盖痕迹，撕开后显示已过期三天，要求赔偿。",
		  "在$1购买的吐司有霉味，看了晚会怀疑是改标签的过期面包，要求退一赔十。" },
		{ "举报$1打烊前把当天剩余面包重新贴签，第二天再卖。",
		  "知情人举报$1后厨存放大量过期面包，准备更换标签。" },
		"咨询买到改标签的过期面包能否要求十倍赔偿。",
	},
	[X_FACE] = {
		CLOCK(20, 55), 0, "汽车4S店未经同意采集顾客人脸信息", "汽车销售",
		"骏通汽车销售服务有限公司;骏通4S店", "人脸识别;人脸信息;4S店", "市场和网络交易监管科", "3",
		U_ENFORCE, 12, "privacy",
		{ "骏通汽车销售服务有限公司", "骏通4S店" },
		{ "骏通4S店（友谊路）", "骏通汽车（卫津路店）", "骏通4S店" },
		{ "去$1看车时未被告知，展厅摄像头采集了人脸信息，要求删除个人信息。",
		  "在$1看车后不断接到其他车商推销电话，怀疑个人信息被泄露，要求调查。" },
		{ "举报$1展厅入口安装人脸识别摄像头，未经顾客同意采集人脸。", NULL },
		"咨询商家未经同意采集人脸信息是否违法，如何要求删除。",
	},
	[X_LIVE] = {
		CLOCK(21, 12), 0, "直播间虚假宣传保健品“包治百病”", "直播电商（保健食品）",
		"康禾源生物科技有限公司;乐享优选直播间", "保健品;直播带货;虚假宣传", "信用监管科;宣传与应急科", "4",
		U_MARKET, 12, "health-food",
		{ "康禾源生物科技有限公司", "乐享优选直播间" },
		{ "乐享优选直播间", "某短视频平台直播间", "乐享优选直播间" },
		{ "家中老人在$1购买康禾源“降三高”产品，花费2680元，主播宣称可替代药物，要求退款。",
		  "在$1下单的康禾源胶囊包装上没有保健食品标志，要求退款。" },
		{ "举报$1主播宣称康禾源产品能治疗糖尿病，涉嫌虚假宣传。", NULL },
		"咨询直播间购买的保健品如何退款。",
	},
	[X_POWER] = {
		CLOCK(21, 33), 0, "共享充电宝收费不透明、归还难", "生活服务",
		"速电侠共享充电;泊电科技", "充电宝;乱收费;归还", "劝业场市场监管所", "4",
		U_MARKET, 6, "price",
		{ "速电侠共享充电", "泊电科技" },
		{ "劝业场商厦", "金街停车场", "蜀香阁火锅店" },
		{ "在$1租借速电侠充电宝，归还时柜机已满无法归还，被扣费99元，要求退还。",
		  "在$1租用充电宝1小时被收费12元，收费标准未明示，要求退费。" },
		{ "举报$1的速电侠充电宝标示价格与实际扣费不符。", NULL },
		"咨询共享充电宝押金和封顶价格有无规定。",
	},
};

/* What the bureau does after each airing, in the order it happens. */
enum step_kind { STEP_SET, STEP_ACTION, STEP_INSTRUCT };

struct exposure_step {
	int exposure;           /* exposures[] index */
	int at;                 /* seconds after midnight, 15 March (≤ 21:40) */
	enum step_kind kind;
	const char *a, *b, *c;  /* SET: status, local; ACTION: kind, count, note; INSTRUCT: text */
};

static const struct exposure_step steps[] = {
	{ X_PICKLE, CLOCK(20, 10), STEP_INSTRUCT, "立即组织排查，今晚十二点前报初步情况。", NULL, NULL },
	{ X_PICKLE, CLOCK(20, 12), STEP_SET, "checking", NULL, NULL },
	{ X_PICKLE, CLOCK(20, 15), STEP_ACTION, "officers", "24", "食品安全监管科、综合行政执法支队、劝业场市场监管所联合出动" },
	{ X_PHONE, CLOCK(20, 30), STEP_SET, "checking", NULL, NULL },
	{ X_PHONE, CLOCK(20, 35), STEP_ACTION, "officers", "8", "劝业场市场监管所出动执法人员" },
	{ X_BREAD, CLOCK(20, 44), STEP_INSTRUCT, "21:30前报排查初步情况，重点检查辖区佳味坊门店。", NULL, NULL },
	{ X_BREAD, CLOCK(20, 45), STEP_SET, "checking", NULL, NULL },
	{ X_PICKLE, CLOCK(20, 48), STEP_SET, NULL, "yes", NULL },
	{ X_PICKLE, CLOCK(20, 50), STEP_ACTION, "checked", "37", "排查辖区商超、农贸市场、餐饮单位酸菜制品" },
	{ X_PICKLE, CLOCK(20, 52), STEP_SET, "handling", NULL, NULL },
	{ X_FACE, CLOCK(21, 0), STEP_SET, "checking", NULL, NULL },
	{ X_BREAD, CLOCK(21, 0), STEP_ACTION, "officers", "6", "食品安全监管科会同劝业场市场监管所出动" },
	{ X_PHONE, CLOCK(21, 0), STEP_ACTION, "checked", "15", "检查辖区手机卖场、维修门店" },
	{ X_PHONE, CLOCK(21, 2), STEP_SET, NULL, "yes", NULL },
	{ X_PICKLE, CLOCK(21, 5), STEP_ACTION, "seizure", "3", "3家商户在售老坛香酸菜产品下架封存，共412袋" },
	{ X_FACE, CLOCK(21, 5), STEP_ACTION, "officers", "6", "综合行政执法支队出动" },
	{ X_PICKLE, CLOCK(21, 10), STEP_ACTION, "interview", "1", "约谈鑫旺食品有限公司本地经销商负责人" },
	{ X_LIVE, CLOCK(21, 14), STEP_ACTION, "checked", "2", "信用监管科查询：涉事公司及直播间运营主体均未在本区登记" },
	{ X_PHONE, CLOCK(21, 15), STEP_ACTION, "interview", "1", "约谈安泰达通讯器材商行负责人，责令下架翻新机" },
	{ X_PHONE, CLOCK(21, 16), STEP_SET, "handling", NULL, NULL },
	{ X_FACE, CLOCK(21, 18), STEP_SET, NULL, "yes", NULL },
	{ X_PICKLE, CLOCK(21, 20), STEP_ACTION, "case", "1", "对本地经销商涉嫌经营不符合食品安全标准的食品立案调查" },
	{ X_PICKLE, CLOCK(21, 21), STEP_SET, "case", NULL, NULL },
	{ X_FACE, CLOCK(21, 22), STEP_ACTION, "checked", "11", "检查辖区汽车4S店，1家展厅装有人脸识别摄像头" },
	{ X_PICKLE, CLOCK(21, 25), STEP_INSTRUCT, "依法从严查处，做好舆情回应，明早八点前报书面情况。", NULL, NULL },
	{ X_FACE, CLOCK(21, 25), STEP_ACTION, "interview", "1", "约谈骏通4S店负责人，责令停用并删除已采集信息" },
	{ X_LIVE, CLOCK(21, 26), STEP_SET, "no-local", "no", NULL },
	{ X_LIVE, CLOCK(21, 28), STEP_ACTION, "notice", "1", "政务微博发布直播购物消费提示" },
	{ X_FACE, CLOCK(21, 30), STEP_ACTION, "report", "1", "向市局报送初步排查情况" },
	{ X_FACE, CLOCK(21, 31), STEP_SET, "reported", NULL, NULL },
	{ X_FACE, CLOCK(21, 32), STEP_INSTRUCT, "依法固定证据，注意保护消费者个人信息。", NULL, NULL },
	{ X_BREAD, CLOCK(21, 35), STEP_ACTION, "checked", "4", "已检查佳味坊门店4家，尚有2家未检查" },
	{ X_POWER, CLOCK(21, 36), STEP_INSTRUCT, "市场和网络交易监管科核查本区投放点位及收费公示情况。", NULL, NULL },
};

static int run_step(struct zs_ctx *c, int year, const int64_t *ids, const struct exposure_step *s,
		    struct zs_error *err)
{
	c->now = time_from_local(year, 3, 15, s->at);
	int64_t id = ids[s->exposure];
	switch (s->kind) {
	case STEP_SET: {
		struct exposure_input in = { .status = s->a, .local = s->b };
		return exposure_update(c, id, &in, err);
	}
	case STEP_ACTION:
		return exposure_add_action(c, id, s->a, s->b, s->c, err);
	case STEP_INSTRUCT:
		return exposure_instruct(c, id, s->a, err);
	}
	return ZS_OK;
}

static int fill_exposures(struct zs_ctx *c, int year, int64_t *ids, struct zs_error *err)
{
	int r = ZS_OK;
	for (size_t i = 0; i < N(exposures) && !r; i++) {
		const struct exposure_def *x = &exposures[i];
		char aired[32], deadline[32];
		int64_t t = time_from_local(year, 3, 15, x->aired);
		time_format(t, TIME_FULL, aired, sizeof aired);
		if (x->deadline)
			time_format(time_from_local(year, 3, 15, x->deadline), TIME_FULL, deadline, sizeof deadline);
		struct exposure_input in = {
			.title = x->title, .aired = aired, .industry = x->industry, .companies = x->companies,
			.keywords = x->keywords, .local = "unknown", .lead = units[x->lead].name,
			.assist = x->assist, .level = x->level, .deadline = x->deadline ? deadline : NULL,
		};
		/* Logged as it airs: the default deadline is the next 08:00. */
		c->now = t;
		r = exposure_add(c, &in, &ids[i], err);
	}
	for (size_t i = 0; i < N(steps) && !r; i++)
		r = run_step(c, year, ids, &steps[i], err);
	return r;
}

/* ------------------------------------------------------------------ */
/* Intakes */

struct channel_def {
	const char *code;
	int weight;
};

static const struct channel_def channels[] = {
	{ "12315-hotline", 34 }, { "12315-platform", 14 }, { "8890", 12 }, { "12345", 5 },
	{ "web", 5 }, { "email", 3 }, { "letter", 2 }, { "visit", 3 },
	{ "weibo", 9 }, { "wechat", 9 }, { "other", 4 },
};

/* Everyday trouble by category.  Any goods may pair with any problem of
 * the same category, so each list is written to fit all the others. */
struct category_def {
	const char *code;
	int weight;
	int unit;                   /* who a transfer goes to (units[] index) */
	const char *reject;         /* often not ours: why it is not accepted */
	const char *subjects[3], *goods[3], *problems[3], *violations[2], *questions[2];
};

static const struct category_def categories[] = {
	{ "food", 14, U_FOOD, NULL,
	  { "惠万家生鲜超市（鞍山道店）", "福瑞德食品商行", "老街坊熟食店" },
	  { "速冻水饺", "进口牛奶", "散装熟食" },
	  { "回家发现已过保质期", "打开后发现有异物", "生产日期标注不清" },
	  { "销售无中文标签的进口食品", "将临期食品更换包装重新上架" },
	  { "买到过期食品如何索赔", "食品标签不全能否要求赔偿" } },
	{ "catering", 10, U_FOOD, NULL,
	  { "蜀香阁火锅店", "鲜味鱼府", "好运来烧烤" },
	  { "火锅套餐", "酸菜鱼", "外卖烧烤" },
	  { "吃出头发", "食用后全家肠胃不适", "结账金额高于菜单标价" },
	  { "后厨卫生脏乱、从业人员无健康证", "使用过期原料" },
	  { "餐厅收取包间费是否合理", "外卖食品出问题找平台还是商家" } },
	{ "drug", 3, U_ENFORCE, NULL,
	  { "康宁大药房（和平路店）", "仁心堂医疗器械经营部" },
	  { "电子血压计", "制氧机", "家用血糖仪" },
	  { "使用一周即损坏，商家拒不退换", "测量数据误差明显", "没有中文说明书" },
	  { "无处方销售处方药", "销售无注册证的医疗器械" },
	  { "医疗器械出现质量问题如何退换", "药店能否拒绝退换药品" } },
	{ "cosmetics", 4, U_ENFORCE, NULL,
	  { "倾颜美妆集合店", "丽颜化妆品批发部" },
	  { "面霜", "口红套装", "精华液" },
	  { "使用后面部过敏红肿", "与专柜正品明显不符，疑似假货", "没有中文标签" },
	  { "销售无中文标签的进口化妆品", "宣称产品有“医学级修复”功效" },
	  { "化妆品过敏能否要求赔偿", "如何查询化妆品备案信息" } },
	{ "health-food", 4, U_FOOD, NULL,
	  { "福寿康保健品体验店", "益年堂健康管理中心" },
	  { "“降糖”保健品", "鱼油胶囊", "蛋白粉" },
	  { "店员宣称可替代药物治疗，老人已花费三千多元", "包装上没有保健食品标志", "宣传功效与实际不符" },
	  { "以免费体检、赠送鸡蛋诱导老年人购买保健品", "宣传保健食品能治病" },
	  { "如何辨别保健食品是否正规", "老人被诱导购买保健品能否退款" } },
	{ "appliance", 5, U_STATION, NULL,
	  { "万佳电器商城", "诚信家电维修部" },
	  { "空调", "洗衣机", "燃气热水器" },
	  { "安装后无法正常使用，维修三次未修好", "三包期内出现故障，商家拒绝更换", "上门维修收费过高" },
	  { "维修时虚报故障、高价更换配件", "销售以旧翻新的家电" },
	  { "家电三包期从何时起算", "家电维修收费有无标准" } },
	{ "auto", 4, U_MARKET, NULL,
	  { "恒驰汽车销售服务有限公司", "快捷汽修养护中心" },
	  { "新车", "保养套餐", "轮胎" },
	  { "提车后发现有维修痕迹", "被强制加装精品包", "质保期内出现故障，商家推诿" },
	  { "购车时收取“金融服务费”", "保养时以副厂件冒充原厂件" },
	  { "汽车三包如何申请退换车", "4S店收取出库费是否合法" } },
	{ "telecom", 4, U_STATION, NULL,
	  { "畅联通讯营业厅", "讯达手机维修店" },
	  { "手机", "宽带套餐", "智能手表" },
	  { "被擅自开通增值业务", "使用不到一个月出现故障", "实际资费与宣传不符" },
	  { "诱导老年人办理高价套餐", "销售翻新手机" },
	  { "手机出现质量问题能否退换", "营业厅办理的套餐能否取消" } },
	{ "ecommerce", 8, U_MARKET, NULL,
	  { "乐购优选网店", "惠品汇网络商城" },
	  { "羽绒服", "蓝牙耳机", "扫地机器人" },
	  { "收到的货与描述不符，商家拒绝七日无理由退货", "付款后迟迟不发货", "收到后发现是二手商品" },
	  { "虚构原价进行促销", "刷单炒信、虚构好评" },
	  { "网购七日无理由退货的适用范围", "网购退货运费由谁承担" } },
	{ "livestream", 6, U_MARKET, NULL,
	  { "小鹿严选直播间", "源头好物直播间" },
	  { "翡翠手镯", "美容仪", "滋补礼盒" },
	  { "主播承诺“假一赔十”，收货后鉴定为假货", "收货后商家失联", "实物与直播展示差距很大" },
	  { "直播中使用“最低价”“国家级”等绝对化用语", "直播间虚构抢购人数" },
	  { "直播间买到假货找主播还是商家", "直播购物能否七日无理由退货" } },
	{ "prepaid", 7, U_CA, NULL,
	  { "悦动力健身会所", "丽人坊美容美发", "金苹果少儿英语" },
	  { "年卡", "充值卡", "课程包" },
	  { "门店突然关门，余额无法退还", "商家单方面变更服务内容", "要求退卡时被扣除高额手续费" },
	  { "门店即将关闭仍在大量推销预付卡", "诱导消费者办理超额预付卡" },
	  { "预付卡商家跑路如何维权", "预付卡余额能否要求退还" } },
	{ "housing", 2, U_CA, NULL,
	  { "居美家装饰工程有限公司" },
	  { "全包装修", "定制橱柜", "瓷砖" },
	  { "工期拖延两个月仍未完工", "所用材料与合同约定不符", "验收时发现墙面开裂" },
	  { "装修合同中设置霸王条款" },
	  { "装修合同纠纷如何解决" } },
	{ "education", 2, U_STATION, NULL,
	  { "启智教育培训学校" },
	  { "考研辅导课程", "少儿编程课", "职业资格培训" },
	  { "退费时被扣除高额违约金", "承诺的“不过退费”不予兑现", "授课老师与宣传不符" },
	  { "以“保过”“包就业”进行虚假宣传" },
	  { "培训机构退费有无规定" } },
	{ "finance", 2, U_CENTER, "属金融消费纠纷，不属于市场监管部门职责，已告知向金融监管部门反映。",
	  { "安信保险代理有限公司", "快易分期服务中心" },
	  { "分期消费贷款", "意外险", "理财产品" },
	  { "被收取高额手续费", "销售时隐瞒重要条款", "无法退保退款" },
	  { "以消费名义诱导办理贷款" },
	  { "消费贷款纠纷向哪个部门投诉" } },
	{ "travel", 2, U_STATION, NULL,
	  { "海河之旅旅行社", "云栖精品酒店" },
	  { "五日游", "酒店房间", "景区门票" },
	  { "行程中被导游强制购物", "到店后被告知无房且不退订金", "实际服务与宣传严重不符" },
	  { "以“零团费”招揽游客" },
	  { "旅游合同中途解约如何退费" } },
	{ "fitness", 3, U_STATION, NULL,
	  { "型动健身工作室", "秀丽美发沙龙" },
	  { "私教课", "烫染套餐", "美容护理卡" },
	  { "办卡后门店频繁更换服务人员，要求退费", "服务后皮肤过敏", "实际收费远高于店内报价" },
	  { "美容院违规开展医疗美容项目" },
	  { "美容美发办卡后能否退卡" } },
	{ "clothing", 3, U_STATION, NULL,
	  { "潮衣坊服装店", "足安鞋业专卖" },
	  { "运动鞋", "羊绒大衣", "牛仔裤" },
	  { "穿了两天就开胶", "洗一次严重褪色", "成分标签与实际不符" },
	  { "销售成分标注不实的服装" },
	  { "服装质量问题退换期限是多久" } },
	{ "kids", 3, U_ENFORCE, NULL,
	  { "贝乐童趣玩具店", "小天使母婴用品店" },
	  { "儿童玩具", "婴儿推车", "儿童水杯" },
	  { "小零件容易脱落，存在安全隐患", "使用中部件断裂", "有明显刺鼻气味" },
	  { "销售无3C认证的儿童玩具" },
	  { "儿童用品是否需要3C认证" } },
	{ "measure", 3, U_STATION, NULL,
	  { "南市农贸市场", "鲜果园水果店" },
	  { "排骨", "水果", "海鲜" },
	  { "回家复秤发现少了近三两", "怀疑电子秤被改装", "称重时连袋一起计价" },
	  { "摊位使用作弊秤" },
	  { "缺斤短两如何索赔" } },
	{ "price", 4, U_STATION, NULL,
	  { "金街停车场", "便民超市（南京路店）" },
	  { "停车服务", "日用品", "饮料" },
	  { "结账价格高于标价", "收费未明码标价", "被额外收取服务费" },
	  { "先涨价后打折", "不明码标价" },
	  { "商家标价与结算价不一致按哪个算" } },
	{ "ad", 2, U_MARKET, NULL,
	  { "美肤医疗美容诊所", "瘦身魔方体验馆" },
	  { "祛斑项目", "减肥课程" },
	  { "效果与广告宣传严重不符", "广告承诺的赠品未兑现" },
	  { "发布“无痛无创、永久保持”等虚假广告", "传单中以患者名义作证明" },
	  { "如何认定虚假广告" } },
	{ "quality", 3, U_ENFORCE, NULL,
	  { "佳居家具城", "舒睡床垫专卖" },
	  { "衣柜", "床垫", "电动自行车" },
	  { "有刺鼻气味，自行检测甲醛超标", "使用不久即出现断裂", "充电时冒烟" },
	  { "销售不合格电动自行车" },
	  { "产品质量检测费由谁承担" } },
	{ "ip", 2, U_ENFORCE, NULL,
	  { "名品折扣店", "潮牌汇服饰" },
	  { "运动鞋", "手提包" },
	  { "经鉴定为假冒商品", "商标标识与正品明显不同" },
	  { "销售假冒知名品牌商品", "擅自使用他人注册商标" },
	  { "买到假冒商品如何赔偿" } },
	{ "privacy", 2, U_ENFORCE, NULL,
	  { "型动健身工作室", "瑞景售楼处" },
	  { "健身月卡", "会员服务" },
	  { "未经同意采集人脸信息", "办理会员后接到大量推销电话", "被强制要求提供身份证号码" },
	  { "未经同意收集顾客个人信息" },
	  { "商家能否强制采集人脸信息" } },
	{ "other", 2, U_CENTER, "被投诉方名称、地址不详，无法确定管辖，已告知补充材料后再反映。",
	  { "流动摊贩", "上门开锁服务" },
	  { "废品回收", "开锁服务" },
	  { "收费远高于事先约定", "服务后人员失联" },
	  { "无照经营" },
	  { "投诉举报的办理时限" } },
};

/* Sentence templates.  Complaint: $1 when, $2 goods, $3 problem, $4 demand;
 * tip: $1 violation; inquiry: $1 question. */
static const char *const complaint_tpl[] = {
	"$1在该店购买$2，$3，要求$4。",
	"消费者称$1在该商家消费$2，$3，与商家协商未果，请求调解，要求$4。",
	"来电反映：$1购买的$2，$3，多次联系商家无果，要求$4。",
};
static const char *const tip_tpl[] = {
	"举报该经营者$1，请求依法查处。",
	"举报人称该店$1，现场可核实，要求对其个人信息保密。",
	"反映该商家$1，请尽快核查处理。",
};
static const char *const inquiry_tpl[] = {
	"咨询$1。",
	"消费者咨询$1，希望得到答复。",
};
static const char *const demands[] = {
	"退款", "退货退款", "赔偿损失", "更换商品", "商家给予合理解释", "退一赔三",
};

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
	"林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
};
static const char *const given_names[] = {
	"建华", "秀英", "志强", "丽娜", "海涛", "雪梅", "国庆", "晓燕", "振宇", "春花",
	"明亮", "桂芳", "宏宇", "淑珍", "立伟", "玉兰", "少华", "红霞", "德明", "美玲",
};
static const char *const nicknames[] = {
	"网友“津门老饕”", "网友“海河边的猫”", "网友“小鱼爱吃鱼”", "网友“追风的蜗牛”",
	"网友“阳光下的向日葵”", "网友“打工人小李”", "网友“五大道闲人”", "网友“柠檬不萌”",
};

/* What closing a complaint recovered (yuan); "" for nothing. */
static const char *const recovered[] = {
	"35", "89.5", "120", "199", "260", "350", "480", "680", "1280", "2680",
};

/* The night's arrivals: minutes after 14 March 00:00, and how many fall in
 * each stretch.  Quiet before the CCTV gala, a flood once it airs. */
static const struct {
	int from, to, n;
} stretches[] = {
	{ DAYMIN(14, 18, 30), DAYMIN(14, 21, 30), 40 },  /* local gala night */
	{ DAYMIN(14, 21, 30), DAYMIN(15, 8, 30), 12 },   /* overnight: platform, e-mail */
	{ DAYMIN(15, 8, 30), DAYMIN(15, 18, 30), 23 },   /* the working day */
	{ DAYMIN(15, 18, 30), DAYMIN(15, 20, 0), 20 },   /* before the gala */
	{ DAYMIN(15, 20, 0), DAYMIN(15, 20, 30), 35 },
	{ DAYMIN(15, 20, 30), DAYMIN(15, 21, 0), 60 },
	{ DAYMIN(15, 21, 0), DAYMIN(15, 21, 39), 110 },  /* up to 21:38 */
};

/* A repeat caller every this many intakes: the ~8 duplicates. */
enum { REPEAT_EVERY = 34, MAX_REPEATS = 8 };

struct spec {
	int minute;              /* DAYMIN timeline */
	int64_t at, id;
	const char *channel, *kind, *category;
	int cat;                 /* categories[] index, -1 for exposure calls */
	int exposure;            /* exposures[] index, -1 if unrelated */
	bool linked;             /* linked when logged */
	int repeat_of;           /* specs[] index of the call it repeats, -1 */
	char caller[64], phone[24], subject[128], text[1024], ref[40];
};

struct demo {
	struct zs_ctx *c;
	struct zs_error *err;
	struct rng rng;
	int year;
	int64_t exposure_id[N(exposures)];
	int ref_day[2], ref_no[2];   /* the day's last 8890 / 12345 serial */
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static const char *pick_channel(struct rng *r, int minute)
{
	int total = 0;
	for (size_t i = 0; i < N(channels); i++)
		total += channels[i].weight;
	int w = rng_below(r, total);
	size_t i = 0;
	while (w >= channels[i].weight)
		w -= channels[i++].weight;
	const char *code = channels[i].code;
	/* Letters are opened and visitors received in office hours only, and
	 * then they are a good share of the day's work. */
	int clock = minute % 1440;
	bool office = minute >= DAYMIN(15, 0, 0) && clock >= 8 * 60 + 30 && clock < 17 * 60 + 30;
	if (office && rng_pct(r, 25))
		return rng_pct(r, 50) ? "letter" : "visit";
	if (!office && (!strcmp(code, "letter") || !strcmp(code, "visit")))
		code = "12315-hotline";
	return code;
}

static int pick_category(struct rng *r)
{
	int total = 0;
	for (size_t i = 0; i < N(categories); i++)
		total += categories[i].weight;
	int w = rng_below(r, total);
	int i = 0;
	while (w >= categories[i].weight)
		w -= categories[i++].weight;
	return i;
}

/* Which exposure a call at this minute is about, or -1: about 40 % once
 * something has aired (two minutes to reach the phone), weighted. */
static int pick_exposure(struct rng *r, int minute)
{
	int total = 0, aired[N(exposures)];
	for (size_t i = 0; i < N(exposures); i++) {
		aired[i] = minute >= DAYMIN(15, 0, 0) + exposures[i].aired / 60 + 2;
		total += aired[i] ? exposures[i].weight : 0;
	}
	if (!total || !rng_pct(r, 42))
		return -1;
	int w = rng_below(r, total);
	for (size_t i = 0; i < N(exposures); i++) {
		if (!aired[i])
			continue;
		if (w < exposures[i].weight)
			return (int)i;
		w -= exposures[i].weight;
	}
	return -1;
}

static const char *pick_kind(struct rng *r, int complaint_pct, int tip_pct)
{
	int k = rng_below(r, 100);
	return k < complaint_pct ? "complaint" : k < complaint_pct + tip_pct ? "tip" : "inquiry";
}

/* Who called: social-media users rarely leave a number, tip-givers often
 * stay anonymous (art. 33 protects them either way). */
static void make_caller(struct rng *r, struct spec *s)
{
	bool social = !strcmp(s->channel, "weibo") || !strcmp(s->channel, "wechat");
	bool written = !strcmp(s->channel, "email") || !strcmp(s->channel, "letter") || !strcmp(s->channel, "web");
	s->caller[0] = s->phone[0] = '\0';
	if (social) {
		if (rng_pct(r, 70))
			snprintf(s->caller, sizeof s->caller, "%s", PICK(r, nicknames));
		if (rng_pct(r, 15))
			random_mobile(r, s->phone, sizeof s->phone);
		return;
	}
	if (!strcmp(s->kind, "tip") && rng_pct(r, 35))
		return;
	if (rng_pct(r, 65))
		snprintf(s->caller, sizeof s->caller, "%s%s", PICK(r, surnames), rng_pct(r, 50) ? "先生" : "女士");
	else
		snprintf(s->caller, sizeof s->caller, "%s%s", PICK(r, surnames), PICK(r, given_names));
	int p = rng_below(r, 100);
	if (p < (written ? 40 : 6))
		return;
	if (p < (written ? 55 : 26))
		random_landline(r, s->phone, sizeof s->phone);
	else
		random_mobile(r, s->phone, sizeof s->phone);
}

/* 8890/12345 work orders carry the hotline's number: 8890-20260315-0123. */
static void make_ref(struct demo *d, struct spec *s)
{
	int which = !strcmp(s->channel, "8890") ? 0 : !strcmp(s->channel, "12345") ? 1 : -1;
	s->ref[0] = '\0';
	if (which < 0)
		return;
	int y, m, day, hh, mm, ss;
	time_to_local(s->at, &y, &m, &day, &hh, &mm, &ss);
	/* The city numbers all its orders of the day; ours are a sample, so
	 * the serial grows with the clock. */
	int serial = (hh * 60 + mm) * 2 / 5 + 1 + rng_below(&d->rng, 6);
	if (d->ref_day[which] == day && serial <= d->ref_no[which])
		serial = d->ref_no[which] + 1;
	d->ref_day[which] = day;
	d->ref_no[which] = serial;
	snprintf(s->ref, sizeof s->ref, "%s-%04d%02d%02d-%04d", s->channel, y, m, day, d->ref_no[which]);
}

/* "今天", "昨天" or "3月9日": when the caller bought it. */
static void purchase_day(struct rng *r, int received_day, char *out, size_t n)
{
	int back = rng_below(r, 10);
	if (back == 0)
		snprintf(out, n, "今天");
	else if (back == 1)
		snprintf(out, n, "昨天");
	else
		snprintf(out, n, "3月%d日", received_day - back);
}

static void make_exposure_call(struct demo *d, struct spec *s)
{
	struct rng *r = &d->rng;
	const struct exposure_def *x = &exposures[s->exposure];
	s->kind = pick_kind(r, 55, 35);
	s->category = x->category;
	make_caller(r, s);
	snprintf(s->subject, sizeof s->subject, "%s", PICK(r, x->subjects));
	const char *tpl = !strcmp(s->kind, "complaint") ? PICK(r, x->complaints)
			  : !strcmp(s->kind, "tip") ? PICK(r, x->tips) : x->inquiry;
	const char *args[4] = { PICK(r, x->places), NULL, NULL, NULL };
	char body[768];
	expand(body, sizeof body, tpl, args);
	/* The national platform forwards items CCTV received (央视转办件). */
	bool cctv = !strcmp(s->channel, "12315-platform") && rng_pct(r, 50);
	snprintf(s->text, sizeof s->text, "%s%s", cctv ? "（央视3·15晚会转办）" : "", body);
	s->linked = rng_pct(r, 75);
}

static void make_everyday_call(struct demo *d, struct spec *s, int received_day)
{
	struct rng *r = &d->rng;
	s->cat = pick_category(r);
	const struct category_def *cd = &categories[s->cat];
	s->kind = pick_kind(r, 62, 28);
	s->category = cd->code;
	make_caller(r, s);
	bool inquiry = !strcmp(s->kind, "inquiry");
	/* Half of the questions are not about any one business. */
	if (inquiry && rng_pct(r, 50))
		s->subject[0] = '\0';
	else
		snprintf(s->subject, sizeof s->subject, "%s", PICK(r, cd->subjects));
	char when[32];
	purchase_day(r, received_day, when, sizeof when);
	if (!strcmp(s->kind, "complaint")) {
		const char *args[4] = { when, PICK(r, cd->goods), PICK(r, cd->problems), PICK(r, demands) };
		expand(s->text, sizeof s->text, PICK(r, complaint_tpl), args);
	} else if (!strcmp(s->kind, "tip")) {
		const char *args[4] = { PICK(r, cd->violations), NULL, NULL, NULL };
		expand(s->text, sizeof s->text, PICK(r, tip_tpl), args);
	} else {
		const char *args[4] = { PICK(r, cd->questions), NULL, NULL, NULL };
		expand(s->text, sizeof s->text, PICK(r, inquiry_tpl), args);
	}
}

/* The same caller again (same phone, nearly the same words): the operator
 * will merge it into the first one. */
static void make_repeat(struct demo *d, struct spec *s, const struct spec *orig, int orig_index)
{
	s->repeat_of = orig_index;
	/* People call back; the city hotlines forward the second call too. */
	bool hotline = !strcmp(orig->channel, "8890") || !strcmp(orig->channel, "12345");
	s->channel = hotline && rng_pct(&d->rng, 60) ? orig->channel : "12315-hotline";
	s->kind = orig->kind;
	s->category = orig->category;
	s->cat = orig->cat;
	s->exposure = orig->exposure;
	s->linked = orig->linked;
	memcpy(s->caller, orig->caller, sizeof s->caller);
	memcpy(s->phone, orig->phone, sizeof s->phone);
	memcpy(s->subject, orig->subject, sizeof s->subject);
	snprintf(s->text, sizeof s->text, "再次来电：%.900s", orig->text);
}

/* The arrival minutes, sorted, so ids follow the clock. */
static int *arrival_minutes(struct rng *r, size_t *n)
{
	size_t total = 0;
	for (size_t i = 0; i < N(stretches); i++)
		total += (size_t)stretches[i].n;
	int *m = calloc(total, sizeof *m);
	if (!m)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < N(stretches); i++)
		for (int j = 0; j < stretches[i].n; j++)
			m[k++] = stretches[i].from + rng_below(r, stretches[i].to - stretches[i].from);
	qsort(m, total, sizeof *m, cmp_int);
	*n = total;
	return m;
}

static void make_spec(struct demo *d, struct spec *specs, size_t i, int minute, int *repeats)
{
	struct spec *s = &specs[i];
	memset(s, 0, sizeof *s);
	s->minute = minute;
	s->at = time_from_local(d->year, 3, 14 + minute / 1440, (minute % 1440) * 60);
	s->cat = s->exposure = s->repeat_of = -1;
	if (i >= REPEAT_EVERY && i % REPEAT_EVERY == 0 && *repeats < MAX_REPEATS) {
		/* The caller of one of the last dozen calls who left a number. */
		for (size_t j = i - 1 - (size_t)rng_below(&d->rng, 12); j > i - REPEAT_EVERY; j--) {
			if (specs[j].phone[0] && specs[j].repeat_of < 0) {
				make_repeat(d, s, &specs[j], (int)j);
				++*repeats;
				break;
			}
		}
	}
	if (s->repeat_of < 0) {
		s->channel = pick_channel(&d->rng, minute);
		s->exposure = pick_exposure(&d->rng, minute);
		if (s->exposure >= 0)
			make_exposure_call(d, s);
		else
			make_everyday_call(d, s, 14 + minute / 1440);
	}
	make_ref(d, s);
}

static int add_intake(struct demo *d, struct spec *s)
{
	char at[32], exp[24] = "";
	time_format(s->at, TIME_FULL, at, sizeof at);
	if (s->exposure >= 0 && s->linked)
		snprintf(exp, sizeof exp, "%lld", (long long)d->exposure_id[s->exposure]);
	struct intake_input in = {
		.at = at, .channel = s->channel, .kind = s->kind, .caller = s->caller, .phone = s->phone,
		.subject = s->subject, .category = s->category, .text = s->text, .ref = s->ref, .exposure = exp,
	};
	/* Logged a minute after it came in. */
	d->c->now = s->at + 60;
	return intake_add(d->c, &in, &s->id, NULL, d->err);
}

/* The unit a transfer goes to: the exposure's lead, or the category's
 * unit, or (often) the local station that knows the shops. */
static const char *transfer_unit(struct rng *r, const struct spec *s)
{
	if (s->exposure >= 0)
		return units[exposures[s->exposure].lead].name;
	if (s->cat >= 0 && rng_pct(r, 50))
		return units[categories[s->cat].unit].name;
	return units[U_STATION].name;
}

static const char *const accept_notes[] = {
	"已受理，已联系商家了解情况。", "已受理，转入调解程序。", "已受理，已告知消费者办理时限。",
};
static const char *const tip_close_notes[] = {
	"经现场核查，已责令当事人立即整改。", "经核查，反映问题不属实，已告知举报人。",
	"已下架涉事商品，依法调查处理。",
};

/* Move one logged intake along: most are handled within the hour, the
 * newest are still waiting, and some from last night are still open for
 * the morning review. */
static int settle(struct demo *d, const struct spec *specs, const struct spec *s, int64_t latest)
{
	struct rng *r = &d->rng;
	struct intake_change ch = { 0 };
	char note[256], orig[24], exp[24];
	int64_t t = s->at + 60 * (3 + rng_below(r, 90));
	if (t > latest)
		t = latest;
	if (t < s->at + 60)
		t = s->at + 60;
	d->c->now = t;

	if (s->repeat_of >= 0) {
		snprintf(orig, sizeof orig, "%lld", (long long)specs[s->repeat_of].id);
		ch.duplicate_of = orig;
		ch.note = "同一来电人重复反映，已并入原件办理。";
		return intake_update(d->c, s->id, &ch, d->err);
	}

	bool fresh = latest - s->at < 8 * 60;
	bool complaint = !strcmp(s->kind, "complaint"), inquiry = !strcmp(s->kind, "inquiry");
	const char *reject = s->cat >= 0 ? categories[s->cat].reject : NULL;
	int k = rng_below(r, 100);
	if (fresh) {
		if (k < 75)
			return ZS_OK;                         /* still 新登记 */
		ch.status = "accepted";
	} else if (reject && complaint && k < 60) {
		ch.status = "rejected";
		ch.note = reject;
	} else if (inquiry) {
		/* Questions are answered on the spot. */
		if (k < 12)
			return ZS_OK;
		if (k < 65) {
			ch.status = "closed";
			ch.note = "已答复，告知相关法律规定和维权途径。";
		} else {
			ch.status = "accepted";
			ch.note = "需核实后答复，已记录回电号码。";
		}
	} else if (k < 46) {
		ch.status = "accepted";
		if (rng_pct(r, 50))
			ch.note = PICK(r, accept_notes);
	} else if (k < 62) {
		ch.transfer = transfer_unit(r, s);
		snprintf(note, sizeof note, "转%s核查处理。", ch.transfer);
		ch.note = note;
	} else if (k < 78) {
		ch.status = "closed";
		if (complaint) {
			const char *amount = rng_pct(r, 70) ? PICK(r, recovered) : NULL;
			if (amount) {
				ch.recovered = amount;
				snprintf(note, sizeof note, "经调解，商家退还消费者%s元，消费者表示满意。", amount);
				ch.note = note;
			} else {
				ch.note = "经调解，商家向消费者道歉并更换商品。";
			}
		} else {
			ch.note = PICK(r, tip_close_notes);
		}
	} else if (k < 82) {
		ch.status = "handling";
		ch.note = "执法人员已赶赴现场核查。";
	} else if (k < 84) {
		ch.status = "rejected";
		ch.note = "投诉人未能提供消费凭证及被投诉方有效信息，不予受理，已告知。";
	} else {
		return ZS_OK;                                 /* nobody has got to it yet */
	}
	/* Calls about an exposure the operator did not link at once are linked
	 * while being handled. */
	if (s->exposure >= 0 && !s->linked && rng_pct(r, 60)) {
		snprintf(exp, sizeof exp, "%lld", (long long)d->exposure_id[s->exposure]);
		ch.exposure = exp;
	}
	return intake_update(d->c, s->id, &ch, d->err);
}

static int fill_intakes(struct demo *d)
{
	size_t n;
	int *minutes = arrival_minutes(&d->rng, &n);
	struct spec *specs = minutes ? calloc(n, sizeof *specs) : NULL;
	if (!specs) {
		free(minutes);
		return zs_fail(d->err, ZS_EFAIL, "out of memory");
	}
	int r = ZS_OK, repeats = 0;
	for (size_t i = 0; i < n && !r; i++) {
		make_spec(d, specs, i, minutes[i], &repeats);
		r = add_intake(d, &specs[i]);
	}
	/* Handling happens after logging, never after the frozen "now". */
	int64_t latest = demo_now(d->year) - 60;
	for (size_t i = 0; i < n && !r; i++)
		r = settle(d, specs, &specs[i], latest);
	free(specs);
	free(minutes);
	return r;
}

/* ------------------------------------------------------------------ */

int demo_fill(struct zs_ctx *c, int year, struct zs_error *err)
{
	struct demo d = { .c = c, .err = err, .rng = { 0x315C0DE5u }, .year = year };
	int r = fill_galas(c, year, err);
	if (!r)
		r = fill_roster(c, year, &d.rng, err);
	if (!r)
		r = fill_exposures(c, year, d.exposure_id, err);
	if (!r)
		r = fill_intakes(&d);
	c->now = demo_now(year);
	/* The demo night's past is history: a relay started on it posts what
	 * happens from now on, not twenty old alerts. */
	if (!r && !(r = store_begin(c->st, err))) {
		r = alert_settle(c, err);
		r = r ? r : store_commit(c->st, err);
		if (r)
			store_rollback(c->st);
	}
	return r;
}
