#!/usr/bin/env python3
"""Generate the demo night's fictional market-entity register.

Writes data/demo/register.csv: the district's export from the registration
system as the credit desk would import it (`entity import`), about 3,000
businesses of the demo's district.  Every name is composed from neutral
syllables and trade words, checked against a deny-list of well-known brands,
so no row names a real company; every person is made up.

Besides the everyday businesses, the register carries what the demo
exposures (data/demo/exposures.txt) should find locally: PLANTED below, one
entry per exposure, says which companies have a local branch or former name
here and which keywords local shops' names or scopes contain.  The `live`
exposure has nothing local at all ("不涉及" is a real outcome), as its steps
in exposures.txt say.  tests/cli/test_demo_register.py checks the file
against this promise.

Stations (管辖单位) are the demo's 市场监管所 units, read from
data/demo/roster.csv; planted businesses go round them in turn.

Deterministic: a fixed seed and its own random number generator (not
Python's, whose algorithms may change), so running it again reproduces the
committed file byte for byte (the test checks that too).

usage: gen_demo_register.py [OUT.csv]   (default data/demo/register.csv)
"""
import csv
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ROSTER = os.path.join(ROOT, "data", "demo", "roster.csv")
DEFAULT_OUT = os.path.join(ROOT, "data", "demo", "register.csv")

SEED = 315
EVERYDAY = 2960          # everyday businesses besides the planted ones

COLUMNS = ["统一社会信用代码", "名称", "类型", "法定代表人", "住所", "登记机关", "管辖单位",
           "成立日期", "登记状态", "经营范围", "曾用名", "是否ODR企业"]

# The fictional district sits where the demo's places are (劝业场, 滨江道,
# 南京路): administrative division 120101, its bureau registering most
# businesses and the city's registering some larger companies.
DIVISION = "120101"
CITY_DIVISION = "120000"
DISTRICT = "和平区"
CITY = "天津"
AUTHORITY = "天津市和平区市场监督管理局"
CITY_AUTHORITY = "天津市市场监督管理局"
ADDRESS_PREFIX = "天津市和平区"

# Well-known brands and company names (Chinese and the chains and makers a
# district register would otherwise be full of).  No generated name or former
# name may contain one; the test checks the file against this same list.
DENY = [
    "华为", "小米", "苹果", "三星", "荣耀", "联想", "海尔", "海信", "格力", "美的", "长虹", "创维",
    "康佳", "步步高", "中兴", "魅族", "一加", "真我", "酷派",
    "沃尔玛", "家乐福", "物美", "永辉", "华润", "大润发", "麦德龙", "盒马", "苏宁", "国美", "京东",
    "淘宝", "天猫", "阿里", "腾讯", "百度", "美团", "饿了么", "拼多多", "抖音", "快手", "唯品会",
    "肯德基", "麦当劳", "必胜客", "汉堡王", "德克士", "星巴克", "瑞幸", "喜茶", "奈雪", "蜜雪冰城",
    "海底捞", "全聚德", "狗不理", "桂发祥", "耳朵眼", "起士林", "利顺德", "劝业场", "稻香村",
    "好利来", "味多美", "元祖", "克莉丝汀", "面包新语", "巴黎贝甜", "桃李",
    "康师傅", "统一", "白象", "今麦郎", "娃哈哈", "农夫山泉", "怡宝", "蒙牛", "伊利", "光明",
    "三元", "可口可乐", "百事", "汇源", "王老吉", "加多宝", "茅台", "五粮液", "泸州老窖", "青岛啤酒",
    "雪花", "燕京", "金龙鱼", "益海", "鲁花", "中粮", "双汇", "雨润", "老干妈", "太太乐", "海天",
    "比亚迪", "吉利", "长城", "长安", "奇瑞", "红旗", "一汽", "东风", "上汽", "广汽", "奔驰", "宝马",
    "奥迪", "大众", "丰田", "本田", "日产", "别克", "福特", "现代", "起亚", "特斯拉", "蔚来", "理想",
    "小鹏", "问界",
    "街电", "来电", "怪兽", "搜电", "小电",
    "顺丰", "圆通", "中通", "申通", "韵达", "邮政",
    "万达", "恒大", "碧桂园", "万科", "保利", "中信", "信达", "华泰", "国泰", "海航", "泰康", "平安",
    "安信", "宏源", "招商", "工商银行", "建设银行", "农业银行", "中国银行",
    "同仁堂", "云南白药", "老百姓", "大参林", "益丰", "一心堂", "国大",
    "如家", "汉庭", "锦江", "全季", "七天",
    "新东方", "好未来", "学而思",
]

# Exposure companies and keywords the everyday businesses must never
# contain, so that what an exposure finds is exactly what PLANTED puts there.
RESERVED = [
    "鑫旺", "老坛", "酸菜", "机优选", "安泰达", "翻新", "官换", "二手手机", "佳味坊", "麦香园",
    "过期", "标签", "生产日期", "骏通", "人脸", "4S", "康禾源", "乐享", "保健品", "直播带货",
    "虚假宣传", "速电侠", "泊电", "充电宝", "乱收费", "归还", "禾香",
]


class Rng:
    """xorshift64*: small, fixed, and the same on every Python."""

    def __init__(self, seed):
        self.s = (seed * 0x9E3779B97F4A7C15 + 1) & 0xFFFFFFFFFFFFFFFF

    def next(self):
        x = self.s
        x ^= x >> 12
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 27
        self.s = x
        return (x * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return (self.next() >> 11) % n

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def pct(self, p):
        return self.below(100) < p

    def weighted(self, pairs):
        total = sum(w for _, w in pairs)
        r = self.below(total)
        for item, w in pairs:
            if r < w:
                return item
            r -= w
        raise AssertionError("unreachable")


# --- codes -----------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def uscc_check(first17):
    """GB 32100-2015 check character (as src/core/validate.c computes it)."""
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def org_check(first8):
    """GB 11714 check character of the organisation code inside a USCC."""
    def value(c):
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10
    c = 11 - sum(value(ch) * w for ch, w in zip(first8, ORG_WEIGHTS)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def regno_check(first14):
    """ISO 7064 MOD 11,10 check digit of an old 15-digit 注册号."""
    p = 10
    for ch in first14:
        s = (p + int(ch)) % 10 or 10
        p = s * 2 % 11
    return str((11 - p) % 10)


def make_uscc(rng, kind, division, year):
    """kind: '1' enterprise, '2' individual business.  New codes (2016 on)
    carry an 'MA' organisation code, older ones the converted 8-digit one."""
    if year >= 2016:
        body = "MA" + "".join(rng.pick("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    else:
        body = "".join(rng.pick("0123456789") for _ in range(8))
    first17 = "9" + kind + division + body + org_check(body)
    return first17 + uscc_check(first17)


def make_regno(rng, individual):
    """An old 注册号: the division, a sequence whose first digit says
    domestic enterprise (0-3) or individual business (6-9), a check digit."""
    first = rng.pick("6789" if individual else "0123")
    first14 = DIVISION + first + "".join(rng.pick("0123456789") for _ in range(7))
    return first14 + regno_check(first14)


# --- words -----------------------------------------------------------------

SYLLABLES = list("瑞禾丰泰晟嘉润恒福宏盛源达诚德益和顺兴隆鼎辰宇卓越博睿启峰林森景明通汇聚合祥云川元"
                 "诺岚朗澜锦颂悦宸煜屹沁穗茂荟璟翊邦尚弘霖毓铭璞")
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋"
                "蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙"
                "段钱汤尹黎易常武乔贺赖龚文")
GIVEN_M = list("伟强磊军洋勇杰涛明超刚辉鹏华飞建文斌宁宇浩凯俊峰亮海波志国庆阳晨博睿东林")
GIVEN_F = list("芳娜敏静丽艳娟霞平玲桂兰琴云莉红文宁晶欣婷雪梅琳燕萍秀英瑶涵颖佳蕾")
STREETS = ["南京路", "滨江道", "和平路", "营口道", "成都道", "重庆道", "大理道", "睦南道", "西康路",
           "贵州路", "河北路", "山西路", "新华路", "保定道", "长春道", "锦州道", "哈密道", "唐山道",
           "四平东道", "福安大街", "辽宁路", "吉林路", "赤峰道", "荣安大街", "多伦道", "南门外大街",
           "大沽北路", "曲阜道", "湖北路", "云南路", "常德道", "洛阳道", "桂林路", "岳阳道", "郑州道",
           "南昌路", "烟台道", "甘肃路", "张自忠路", "建设路", "解放北路", "万全道", "西宁道", "兰州道", "鞍山道", "卫津路"]

GENERAL_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
PERMIT_TAIL = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"

# Trades: (key, weight, company word, shop words, general items, permitted
# items, old-style scope).  Company word makes "天津XX<word>有限公司"; shop
# words make an individual business "和平区XX<word>".
TRADES = [
    ("grocery", 14, "商贸", ["便利店", "便民超市", "副食店", "烟酒店", "超市"],
     ["食品销售（仅销售预包装食品）", "日用百货销售", "日用品销售", "文具用品零售"],
     ["烟草制品零售", "食品销售"],
     "预包装食品、散装食品零售；日用百货、烟零售"),
    ("restaurant", 16, "餐饮管理", ["饺子馆", "面馆", "快餐店", "烧烤店", "小吃店", "家常菜馆", "火锅店",
                                    "包子铺", "粥铺", "砂锅店"],
     ["餐饮管理", "食品销售（仅销售预包装食品）"],
     ["餐饮服务", "食品小作坊经营"],
     "中餐制售（不含冷荤凉菜）"),
    ("bakery", 5, "食品", ["面包坊", "糕点坊", "烘焙坊", "蛋糕店"],
     ["食品销售（仅销售预包装食品）", "食用农产品零售"],
     ["食品生产", "食品销售"],
     "糕点、面包制售；预包装食品零售"),
    ("wholesale", 5, "食品销售", ["副食批发部", "粮油经营部", "调料批发部"],
     ["食品销售（仅销售预包装食品）", "食用农产品批发", "食用农产品零售", "农副产品销售"],
     ["食品销售"],
     "预包装食品、散装食品批发兼零售；粮油制品批发兼零售"),
    ("phone", 5, "通讯器材", ["通讯器材店", "手机维修部", "通讯营业厅", "数码店"],
     ["通讯设备销售", "移动终端设备销售", "电子产品销售", "通讯设备修理", "计算机软硬件及辅助设备零售"],
     [],
     "通讯器材、电子产品零售；手机维修"),
    ("tech", 10, "科技", [],
     ["技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广", "软件开发", "信息系统集成服务",
      "计算机系统服务", "信息技术咨询服务"],
     [],
     "计算机软硬件技术开发、咨询、服务、转让；计算机网络工程"),
    ("trade", 8, "商贸", ["百货店", "五金店", "日杂店"],
     ["日用百货销售", "五金产品零售", "服装服饰零售", "办公用品销售", "家用电器销售", "化妆品零售"],
     [],
     "日用百货、五金交电、服装鞋帽批发兼零售"),
    ("media", 5, "文化传媒", [],
     ["组织文化艺术交流活动", "广告设计、代理", "会议及展览服务", "摄影扩印服务", "平面设计"],
     [],
     "文化艺术交流活动策划；广告业务；会议服务"),
    ("beauty", 7, "美容美发", ["理发店", "美发店", "美甲店", "美容院"],
     ["理发服务", "美甲服务", "化妆品零售"],
     ["生活美容服务"],
     "理发；美容（不含医疗美容）"),
    ("education", 3, "教育咨询", [],
     ["教育咨询服务（不含涉许可审批的教育培训活动）", "组织文化艺术交流活动", "体育用品及器材零售"],
     [],
     "教育信息咨询；文化艺术交流活动策划"),
    ("property", 4, "物业管理", ["房屋中介部"],
     ["物业管理", "房地产经纪", "住房租赁", "家政服务"],
     [],
     "物业管理；房地产信息咨询"),
    ("pharmacy", 3, "医药", ["大药房", "药店"],
     ["医疗器械销售（第二类）", "保健食品（预包装）销售", "日用百货销售"],
     ["药品零售", "医疗器械销售（第三类）"],
     "中成药、化学药制剂、抗生素零售；二类医疗器械零售"),
    ("clothing", 5, "服饰", ["服装店", "鞋店", "精品服饰店", "箱包店"],
     ["服装服饰零售", "鞋帽零售", "箱包销售", "针纺织品销售"],
     [],
     "服装鞋帽、针纺织品零售"),
    ("optical", 1, "眼镜", ["眼镜店"],
     ["眼镜（不含隐形眼镜）零售", "验光配镜服务"],
     ["医疗器械销售（隐形眼镜）"],
     "眼镜零售；验光配镜"),
    ("fruit", 3, "农产品", ["水果店", "鲜花店", "蔬菜店"],
     ["食用农产品零售", "鲜肉零售", "花卉种植", "新鲜水果零售"],
     [],
     "水果、蔬菜、鲜花零售"),
    ("laundry", 1, "洗涤服务", ["干洗店", "洗衣店"],
     ["洗烫服务", "洗染服务"],
     [],
     "干洗、水洗服务"),
    ("carcare", 2, "汽车服务", ["汽车美容店", "洗车行"],
     ["汽车装饰用品销售", "洗车服务", "汽车零配件零售", "机动车修理和维护"],
     [],
     "汽车装饰、美容；洗车服务"),
    ("hotel", 1, "酒店管理", ["旅馆"],
     ["酒店管理", "停车场服务"],
     ["住宿服务"],
     "住宿；停车服务"),
    ("accounting", 2, "财务咨询", [],
     ["代理记账", "财务咨询", "企业管理咨询", "税务服务"],
     [],
     "财务咨询；代理记账；企业管理咨询"),
]

COMPANY_TYPES = [("有限责任公司（自然人投资或控股）", 60), ("有限责任公司（自然人独资）", 30),
                 ("其他有限责任公司", 6), ("股份有限公司（非上市、自然人投资或控股）", 2),
                 ("有限责任公司（法人独资）", 2)]
BRANCH_TYPES = [("有限责任公司分公司（自然人投资或控股）", 70), ("其他有限责任公司分公司", 20),
                ("有限责任公司分公司（自然人独资）", 10)]
INDIVIDUAL = "个体工商户"
SOLE = "个人独资企业"
BRANCH_PLACES = ["和平", "南京路", "滨江道", "和平路", "营口道", "西康路", "成都道", "第一", "第二"]


def person(rng):
    given = GIVEN_M if rng.pct(55) else GIVEN_F
    name = rng.pick(given) if rng.pct(35) else rng.pick(given) + rng.pick(given)
    return rng.pick(SURNAMES) + name


def owner(rng, name):
    """The person in charge; "张记" is kept by a 张."""
    who = person(rng)
    k = name.find("记")
    if name.startswith(DISTRICT) and k == len(DISTRICT) + 1:
        who = name[k - 1] + who[1:]
    return who


def address(rng, shop, name=""):
    """On the street a branch is named for, else anywhere in the district."""
    street = next((st for st in STREETS if st in name), None) or rng.pick(STREETS)
    num = 1 + rng.below(260)
    tail = ""
    if shop and rng.pct(40):
        tail = "底商"
    elif not shop and rng.pct(60):
        tail = "%d室" % (100 * (2 + rng.below(20)) + 1 + rng.below(12))
    return "%s%s%d号%s" % (ADDRESS_PREFIX, street, num, tail)


def date(rng, lo_year, hi_year):
    y = lo_year + rng.below(hi_year - lo_year + 1)
    m = 1 + rng.below(12)
    d = 1 + rng.below(28)
    return "%04d-%02d-%02d" % (y, m, d)


def scope(rng, trade, year, extra=None):
    """经营范围 in the wording of its year: the catalogue's 一般项目/许可项目
    since 2021, a plain list with the approval note since 2014, before that
    without it.  extra: items planted for an exposure, first."""
    _, _, _, _, general, permitted, old = trade
    items = list(extra or [])
    if year >= 2021:
        pool = list(general)
        for _ in range(min(len(pool), 2 + rng.below(3))):
            it = pool.pop(rng.below(len(pool)))
            if it not in items:
                items.append(it)
        text = "一般项目：" + "；".join(items) + "。" + GENERAL_TAIL
        if permitted and rng.pct(70):
            text += "许可项目：" + "；".join(permitted[:1 + rng.below(len(permitted))]) + "。" + PERMIT_TAIL
        return text
    # The older wording: some of the trade's phrases, in their order.
    parts = old.split("；")
    keep = [x for x in parts if rng.pct(75)] or parts[:1]
    text = "；".join(items + keep)
    return text + ("。" + PERMIT_TAIL if year >= 2014 else "。")


def state_for(rng, year, individual):
    """Mostly active; the older the business, the likelier it is gone."""
    gone = 4 + max(0, 2020 - year)
    if rng.below(100) >= gone:
        return "在业" if individual and rng.pct(30) else "存续"
    return rng.weighted([("注销", 65), ("吊销", 28), ("迁出", 7)])


def denied(text):
    return any(w in text for w in DENY)


def reserved(text):
    return any(w in text for w in RESERVED)


# --- what the exposures find -------------------------------------------------

def trade(key):
    return next(t for t in TRADES if t[0] == key)


def planted():
    """The businesses the demo exposures find, by exposure key.  Each entry:
    name, type, trade key, founded, state, former name, extra scope items,
    ODR.  'companies' and 'keywords' below say what each entry is for;
    tests/cli/test_demo_register.py recounts them from the file."""
    P = []

    def add(exposure, name, typ, tr, founded, state="存续", former="", extra=None, odr=False):
        P.append(dict(exposure=exposure, name=name, type=typ, trade=tr, founded=founded,
                      state=state, former=former, extra=extra or [], odr=odr))

    branch = BRANCH_TYPES[0][0]
    # pickle: the supplier's local branch (and an old one, closed); the
    # brand's local seller under a former name; restaurants named for the
    # dish; bun shops; a wholesaler whose scope lists it.
    add("pickle", "鑫旺食品有限公司和平分公司", branch, "wholesale", "2018-06-12",
        extra=["酱腌菜制品批发"])
    add("pickle", "鑫旺食品有限公司天津分公司", branch, "wholesale", "2009-03-20", state="注销")
    add("pickle", "天津坛韵食品销售有限公司", COMPANY_TYPES[0][0], "wholesale", "2016-09-05",
        former="天津老坛香酸菜食品销售有限公司")
    for n, (nm, tr) in enumerate([("和平区刘记老坛酸菜鱼馆", "restaurant"),
                                  ("和平区陈记老坛酸菜鱼店", "restaurant"),
                                  ("和平区老坛酸菜面馆", "restaurant"),
                                  ("和平区周记老坛酸菜鱼火锅店", "restaurant")]):
        add("pickle", nm, INDIVIDUAL, tr, "20%02d-0%d-1%d" % (15 + n, 3 + n, n), odr=(n == 0))
    add("pickle", "天津丰穗副食品销售有限公司", COMPANY_TYPES[1][0], "wholesale", "2012-11-08",
        extra=["酱腌菜（老坛酸菜、泡菜）批发"])
    add("pickle", "和平区王记酸菜包子铺", INDIVIDUAL, "restaurant", "2019-04-22")
    add("pickle", "和平区东北酸菜包子馆", INDIVIDUAL, "restaurant", "2021-08-30", state="在业")
    add("pickle", "和平区赵记酸菜包子铺", INDIVIDUAL, "restaurant", "2011-05-17", state="注销")

    # phone: the named shop is here; the other traded under a former name;
    # shops whose scope lists second-hand phones.
    add("phone", "和平区安泰达通讯器材商行", INDIVIDUAL, "phone", "2014-07-01", state="在业",
        extra=["通讯器材、二手手机销售"])
    add("phone", "和平区优品通讯器材店", INDIVIDUAL, "phone", "2020-10-15",
        former="和平区机优选二手手机店", extra=["二手手机回收与销售"])
    for n, nm in enumerate(["天津川诺通讯器材有限公司", "天津启岚数码科技有限公司",
                            "和平区孙记手机维修部"]):
        add("phone", nm, COMPANY_TYPES[n % 2][0] if n < 2 else INDIVIDUAL,
            "phone", "20%d-0%d-0%d" % (17 + n, 2 + n, 5 + n), extra=["旧货销售（二手手机）"])

    # bread: six bakery branches of the named chain (the steps check four
    # of them, two to go) and one closed; a cake shop that was the named
    # factory's outlet.
    for n, place in enumerate(["和平路", "滨江道", "南京路", "营口道", "西康路", "成都道"]):
        add("bread", "佳味坊烘焙食品有限公司%s分公司" % place, branch, "bakery",
            "20%02d-%02d-%02d" % (13 + n, 1 + 2 * n, 3 + 4 * n), odr=(n < 2))
    add("bread", "佳味坊烘焙食品有限公司大沽北路分公司", branch, "bakery", "2012-05-06", state="注销")
    add("bread", "和平区禾香糕点坊", INDIVIDUAL, "bakery", "2010-09-09", state="在业",
        former="和平区麦香园食品厂门市部")

    # face: the named dealer's showroom is a branch here, among ten other
    # car dealers (nine here and 恒驰 of LOCAL_SUBJECTS: the eleven the
    # steps check) (names cannot carry "4S": 企业名称 takes Chinese
    # characters only); security firms whose scope sells face recognition.
    add("face", "骏通汽车销售服务有限公司卫津路分公司", branch, "carcare", "2015-04-18",
        extra=["汽车新车销售", "二手车经纪"])
    for n, nm in enumerate(["天津瑞澜汽车销售服务有限公司", "天津宸泰汽车销售服务有限公司",
                            "天津弘锦汽车销售服务有限公司", "天津颂达汽车销售服务有限公司",
                            "天津毓丰汽车销售服务有限公司", "天津朗沁汽车销售服务有限公司",
                            "天津屹嘉汽车销售有限公司", "天津煜邦汽车销售服务有限公司",
                            "天津铭翊汽车销售服务有限公司"]):
        add("face", nm, COMPANY_TYPES[n % 3][0], "carcare", "20%02d-%02d-1%d" % (5 + n, 1 + n, n),
            extra=["汽车新车销售", "汽车零配件零售"])
    for n, nm in enumerate(["天津睿岚安防科技有限公司", "天津荟通智能科技有限公司",
                            "天津澜铭信息技术有限公司"]):
        add("face", nm, COMPANY_TYPES[n % 2][0], "tech", "20%d-1%d-2%d" % (19 + n, n, n),
            extra=["安全技术防范系统设计施工服务", "人脸识别设备销售"])

    # live: nothing.  The company and the live room are registered
    # elsewhere, and no local name or scope carries its keywords.

    # power: the named operator's local branch; charging-bank operators and
    # phone-accessory shops whose scope rents or sells them.
    add("power", "速电侠共享充电科技有限公司和平分公司", branch, "tech", "2019-06-01",
        extra=["共享充电宝租赁服务"])
    for n, nm in enumerate(["天津沁通共享科技有限公司", "天津邦聚电子科技有限公司",
                            "和平区钱记手机配件店", "和平区韩记数码配件店"]):
        add("power", nm, COMPANY_TYPES[0][0] if n < 2 else INDIVIDUAL, "phone" if n >= 2 else "tech",
            "202%d-0%d-1%d" % (n, 3 + n, n),
            extra=["共享充电宝租赁服务"] if n < 2 else ["手机配件、充电宝零售"])
    # The businesses the demo's callers name (calls.txt, exposures.txt), as
    # registered: not for any exposure, but so that their cards find the
    # night's intakes by name.
    for subject, name, typ, tr, founded, extra in LOCAL_SUBJECTS:
        add("", name, typ, tr, founded, extra=extra, odr=subject in ODR_SUBJECTS)
    return P


C, B = COMPANY_TYPES[0][0], BRANCH_TYPES[0][0]
# (subject as callers name it, registered name, type, trade, founded, extra
# scope items).  Left out: online shops and live rooms (registered
# elsewhere), a school and a clinic (not registered by market regulation),
# street vendors, names that carry a brand of the deny-list (劝业场, 苹果,
# 安信), and 福寿康保健品体验店, whose name would make the live exposure's
# keyword 保健品 find a local business when that exposure finds nothing.
LOCAL_SUBJECTS = [
    ("惠万家生鲜超市（鞍山道店）", "天津惠万家生鲜超市有限公司鞍山道店", B, "grocery", "2016-04-26",
     ["食用农产品零售", "鲜肉零售"]),
    ("福瑞德食品商行", "和平区福瑞德食品商行", INDIVIDUAL, "grocery", "2013-10-11", []),
    ("老街坊熟食店", "和平区老街坊熟食店", INDIVIDUAL, "restaurant", "2017-12-02", ["熟食制售"]),
    ("蜀香阁火锅店", "和平区蜀香阁火锅店", INDIVIDUAL, "restaurant", "2018-07-19", []),
    ("鲜味鱼府", "天津鲜味鱼府餐饮管理有限公司", C, "restaurant", "2015-03-30", []),
    ("好运来烧烤", "和平区好运来烧烤店", INDIVIDUAL, "restaurant", "2020-05-08", []),
    ("康宁大药房（和平路店）", "天津康宁大药房连锁有限公司和平路店", B, "pharmacy", "2011-08-15", []),
    ("仁心堂医疗器械经营部", "和平区仁心堂医疗器械经营部", INDIVIDUAL, "pharmacy", "2019-02-21",
     ["第二类医疗器械零售"]),
    ("倾颜美妆集合店", "和平区倾颜美妆集合店", INDIVIDUAL, "trade", "2022-09-14", ["化妆品零售"]),
    ("丽颜化妆品批发部", "和平区丽颜化妆品批发部", INDIVIDUAL, "trade", "2014-06-03", ["化妆品批发"]),
    ("益年堂健康管理中心", "天津市和平区益年堂健康管理中心", SOLE, "pharmacy", "2021-11-09",
     ["健康咨询服务（不含诊疗服务）"]),
    ("万佳电器商城", "天津万佳电器商城有限公司", C, "trade", "2008-04-17", ["家用电器销售", "家用电器安装服务"]),
    ("诚信家电维修部", "和平区诚信家电维修部", INDIVIDUAL, "trade", "2010-01-25", ["日用电器修理"]),
    ("恒驰汽车销售服务有限公司", "天津恒驰汽车销售服务有限公司", C, "carcare", "2012-09-06",
     ["汽车新车销售", "汽车零配件零售"]),
    ("快捷汽修养护中心", "天津市和平区快捷汽修养护中心", SOLE, "carcare", "2016-06-16", ["机动车修理和维护"]),
    ("畅联通讯营业厅", "和平区畅联通讯营业厅", INDIVIDUAL, "phone", "2015-11-27", []),
    ("讯达手机维修店", "和平区讯达手机维修店", INDIVIDUAL, "phone", "2018-03-13", ["通讯设备修理"]),
    ("悦动力健身会所", "和平区悦动力健身会所", INDIVIDUAL, "beauty", "2021-04-01", ["健身休闲活动"]),
    ("丽人坊美容美发", "和平区丽人坊美容美发店", INDIVIDUAL, "beauty", "2012-07-07", []),
    ("居美家装饰工程有限公司", "天津居美家装饰工程有限公司", C, "trade", "2017-05-22",
     ["住宅室内装饰装修", "建筑装饰材料销售"]),
    ("海河之旅旅行社", "天津海河之旅旅行社有限公司", C, "media", "2009-06-18", ["旅游业务"]),
    ("云栖精品酒店", "天津云栖精品酒店管理有限公司", C, "hotel", "2019-09-09", []),
    ("潮衣坊服装店", "和平区潮衣坊服装店", INDIVIDUAL, "clothing", "2016-08-08", []),
    ("足安鞋业专卖", "和平区足安鞋业专卖店", INDIVIDUAL, "clothing", "2014-02-14", ["鞋帽零售"]),
    ("贝乐童趣玩具店", "和平区贝乐童趣玩具店", INDIVIDUAL, "trade", "2020-12-12", ["玩具销售"]),
    ("小天使母婴用品店", "和平区小天使母婴用品店", INDIVIDUAL, "trade", "2018-10-24",
     ["母婴用品销售", "婴幼儿配方乳粉销售"]),
    ("南市农贸市场", "天津南市农贸市场经营管理有限公司", C, "property", "2004-03-18", ["市场经营管理", "柜台、摊位出租"]),
    ("鲜果园水果店", "和平区鲜果园水果店", INDIVIDUAL, "fruit", "2019-07-03", []),
    ("瘦身魔方体验馆", "和平区瘦身魔方体验馆", INDIVIDUAL, "beauty", "2023-03-03", []),
    ("佳居家具城", "天津佳居家具城有限公司", C, "trade", "2007-10-10", ["家具销售"]),
    ("舒睡床垫专卖", "和平区舒睡床垫专卖店", INDIVIDUAL, "trade", "2021-06-21", ["家具零配件销售"]),
    ("名品折扣店", "和平区名品折扣店", INDIVIDUAL, "clothing", "2017-01-16", []),
    ("潮牌汇服饰", "和平区潮牌汇服饰店", INDIVIDUAL, "clothing", "2022-04-29", []),
    ("型动健身工作室", "天津市和平区型动健身工作室", SOLE, "beauty", "2020-08-18", ["健身休闲活动"]),
]
# Businesses the demo names that settle complaints through ODR.
ODR_SUBJECTS = {"惠万家生鲜超市（鞍山道店）", "万佳电器商城", "居美家装饰工程有限公司"}


# What each exposure should find in the register: for each company and each
# keyword (as exposures.txt lists them), how many active businesses (存续,
# 在业) carry it in their name or former name (companies) or in their name
# or scope (keywords).  0 is a promise too: a practice (土坑酸菜, 改标签)
# is no word anyone registers.
PROMISE = {
    "pickle": {"companies": {"鑫旺食品有限公司": 1, "老坛香酸菜": 1},
               "keywords": {"土坑酸菜": 0, "老坛酸菜": 5, "酸菜包": 2}},
    "phone": {"companies": {"安泰达通讯器材商行": 1, "机优选二手手机": 1},
              "keywords": {"翻新机": 0, "官换机": 0, "二手手机": 5}},
    "bread": {"companies": {"佳味坊烘焙": 6, "麦香园食品厂": 1},
              "keywords": {"过期面包": 0, "改标签": 0, "生产日期": 0}},
    "face": {"companies": {"骏通汽车销售服务有限公司": 1, "骏通4S店": 0},
             "keywords": {"人脸识别": 3, "人脸信息": 0, "4S店": 0}},
    "live": {"companies": {"康禾源生物科技有限公司": 0, "乐享优选直播间": 0},
             "keywords": {"保健品": 0, "直播带货": 0, "虚假宣传": 0}},
    "power": {"companies": {"速电侠共享充电": 1, "泊电科技": 0},
              "keywords": {"充电宝": 5, "乱收费": 0, "归还": 0}},
}


def stations(roster=ROSTER):
    """The demo's 市场监管所 units, in roster order."""
    seen = []
    with open(roster, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            u = row["单位"]
            if u.endswith("市场监管所") and u not in seen:
                seen.append(u)
    if not seen:
        sys.exit("gen_demo_register.py: no 市场监管所 unit in %s" % roster)
    return seen


def everyday(rng, count, taken, units):
    """The district's ordinary businesses."""
    rows = []
    trades = [(t, t[1]) for t in TRADES]
    while len(rows) < count:
        tr = rng.weighted(trades)
        key, _, word, shops = tr[0], tr[1], tr[2], tr[3]
        form = rng.weighted([("company", 40), ("branch", 9), ("individual", 46 if shops else 0),
                             ("sole", 5)])
        year = int(date(rng, 1996, 2025)[:4])
        founded = "%04d%s" % (year, date(rng, 2000, 2000)[4:])
        zihao = rng.pick(SYLLABLES) + rng.pick(SYLLABLES)
        if zihao[0] == zihao[1]:
            continue
        city_reg = False
        if form == "company":
            name = "%s%s%s有限公司" % (CITY, zihao, word)
            typ = rng.weighted(COMPANY_TYPES)
            city_reg = rng.pct(8)
        elif form == "branch":
            name = "%s%s%s有限公司%s分公司" % (CITY, zihao, word, rng.pick(BRANCH_PLACES))
            typ = rng.weighted(BRANCH_TYPES)
        elif form == "individual":
            head = rng.pick(SURNAMES) + "记" if rng.pct(45) else zihao
            name = DISTRICT + head + rng.pick(shops)
            typ = INDIVIDUAL
        else:
            # A sole proprietorship trades goods as a 商行 or 经营部, or
            # offers a service from a 工作室.
            kind = ["工作室"] if not shops or key in ("beauty", "laundry", "carcare") else ["商行", "经营部"]
            name = "%s市%s%s%s" % (CITY, DISTRICT, zihao, rng.pick(kind))
            typ = SOLE
        if name in taken or denied(name) or reserved(name):
            continue
        state = state_for(rng, year, typ == INDIVIDUAL)
        individual = typ == INDIVIDUAL
        old = year < 2012 and state in ("注销", "吊销") and rng.pct(35)
        if old:
            code = make_regno(rng, individual)
        else:
            code = make_uscc(rng, "2" if individual else "1",
                             CITY_DIVISION if city_reg else DIVISION, year)
        former = ""
        if form == "company" and rng.pct(4):
            former = "%s%s%s有限公司" % (CITY, rng.pick(SYLLABLES) + rng.pick(SYLLABLES), word)
            if former in taken or denied(former) or reserved(former):
                former = ""
        text = scope(rng, tr, year)
        row = {
            "统一社会信用代码": code, "名称": name, "类型": typ, "法定代表人": owner(rng, name),
            "住所": address(rng, individual or key in ("restaurant", "grocery", "bakery"), name),
            "登记机关": CITY_AUTHORITY if city_reg else AUTHORITY,
            "管辖单位": units[rng.below(len(units))], "成立日期": founded, "登记状态": state,
            "经营范围": text, "曾用名": former,
            "是否ODR企业": "是" if (state in ("存续", "在业") and key in ("grocery", "restaurant", "clothing")
                                and form != "individual" and rng.pct(4)) else "否",
        }
        taken.add(name)
        if former:
            taken.add(former)
        rows.append(row)
    return rows


def generate(units):
    rng = Rng(SEED)
    rows = []
    taken = set()
    for i, p in enumerate(planted()):
        year = int(p["founded"][:4])
        individual = p["type"] == INDIVIDUAL
        rows.append({
            "统一社会信用代码": make_uscc(rng, "2" if individual else "1", DIVISION, year),
            "名称": p["name"], "类型": p["type"], "法定代表人": owner(rng, p["name"]),
            "住所": address(rng, True, p["name"]), "登记机关": AUTHORITY,
            "管辖单位": units[i % len(units)], "成立日期": p["founded"], "登记状态": p["state"],
            "经营范围": scope(rng, trade(p["trade"]), year, p["extra"]), "曾用名": p["former"],
            "是否ODR企业": "是" if p["odr"] else "否",
        })
        taken.add(p["name"])
        if p["former"]:
            taken.add(p["former"])
    rows += everyday(rng, EVERYDAY, taken, units)
    # As the registration system exports: by founding date, then code.
    rows.sort(key=lambda r: (r["成立日期"], r["统一社会信用代码"]))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    text = generate(stations())
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(text)


if __name__ == "__main__":
    main()
