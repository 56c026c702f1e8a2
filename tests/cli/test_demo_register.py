#!/usr/bin/env python3
"""The demo night's register (data/demo/register.csv), checked as data.

No database and no binary: the file is what tools/gen_demo_register.py
writes, and the credit desk's import and `expose local` are tested against
it elsewhere.  Here: every code valid (GB 32100 check character, or an old
15-digit 注册号 with its ISO 7064 check digit), no name twice, every station a
demo unit, no well-known brand, and each demo exposure finding locally
exactly what the generator promises (PROMISE), no more and no less.  The
checks are computed here, not borrowed from the generator, and each is shown
to catch a broken copy of the file.  Regenerating reproduces the committed
file byte for byte.

    python3 tests/cli/test_demo_register.py -v
    python3 tests/cli/test_demo_register.py --summary   # what each exposure finds
"""
import csv
import datetime
import importlib.util
import io
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "data", "demo")
REGISTER = os.path.join(DEMO, "register.csv")
TOOL = os.path.join(ROOT, "tools", "gen_demo_register.py")

COLUMNS = ["统一社会信用代码", "名称", "类型", "法定代表人", "住所", "登记机关", "管辖单位",
           "成立日期", "登记状态", "经营范围", "曾用名", "是否ODR企业"]
ACTIVE = ("存续", "在业")
STATES = ("存续", "在业", "吊销", "注销", "迁出")


def load_tool():
    spec = importlib.util.spec_from_file_location("gen_demo_register", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GEN = load_tool()


# --- codes, computed here from the standards ---------------------------------

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"   # GB 32100: no I, O, S, V, Z


def uscc_ok(code):
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    weights = [pow(3, i, 31) for i in range(17)]  # 3^i mod 31: 1, 3, 9, 27, 19, …
    s = sum(ALPHABET.index(c) * w for c, w in zip(code, weights))
    return code[17] == ALPHABET[(31 - s % 31) % 31]


def regno_ok(code):
    if not re.fullmatch(r"[0-9]{15}", code):
        return False
    p = 10
    for ch in code[:14]:
        p = ((p + int(ch)) % 10 or 10) * 2 % 11
    return (p + int(code[14])) % 10 == 1


def units():
    """Every unit of the demo roster."""
    with open(os.path.join(DEMO, "roster.csv"), encoding="utf-8", newline="") as f:
        return {row["单位"] for row in csv.DictReader(f)}


def exposures():
    """exposures.txt's [exposure] records: key -> (companies, keywords)."""
    out, cur = {}, None
    with open(os.path.join(DEMO, "exposures.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                cur = {} if line == "[exposure]" else None
                continue
            if cur is None or not line or line.startswith("#") or "=" not in line:
                continue
            k, v = (x.strip() for x in line.split("=", 1))
            cur[k] = v
            if k == "key":
                out[v] = cur
    return {k: ([x for x in r.get("companies", "").split(";") if x],
                [x for x in r.get("keywords", "").split(";") if x]) for k, r in out.items()}


def read(text):
    return list(csv.DictReader(io.StringIO(text)))


def company_hits(rows, company):
    """Active businesses carrying the company in their name or former name."""
    return [r for r in rows if r["登记状态"] in ACTIVE and (company in r["名称"] or company in r["曾用名"])]


def keyword_hits(rows, word):
    """Active businesses carrying the word in their name or business scope."""
    return [r for r in rows if r["登记状态"] in ACTIVE and (word in r["名称"] or word in r["经营范围"])]


# --- the checks: each returns what is wrong -------------------------------------

def bad_codes(rows):
    out = []
    for i, r in enumerate(rows, 2):
        c = r["统一社会信用代码"]
        if len(c) == 15:
            if not regno_ok(c):
                out.append("line %d: 注册号 %s check digit" % (i, c))
            elif r["登记状态"] in ACTIVE:
                out.append("line %d: active business with only an old 注册号" % i)
        elif not uscc_ok(c):
            out.append("line %d: USCC %s check character" % (i, c))
        elif c[0] != "9" or c[1] not in "12" or c[2:8] not in ("120101", "120000"):
            out.append("line %d: USCC %s not of the district's market regulation" % (i, c))
    return out


def repeats(rows):
    seen, out = set(), []
    for i, r in enumerate(rows, 2):
        for key in ("名称", "曾用名", "统一社会信用代码"):
            v = r[key]
            if v and v in seen:
                out.append("line %d: %s %s repeats" % (i, key, v))
            seen.add(v)
    return out


def foreign_stations(rows):
    demo = {u for u in units() if u.endswith("市场监管所")}
    return ["line %d: %s is not a demo station" % (i, r["管辖单位"])
            for i, r in enumerate(rows, 2) if r["管辖单位"] not in demo]


def brands(rows):
    return ["line %d: %s names %s" % (i, r["名称"], w) for i, r in enumerate(rows, 2)
            for w in GEN.DENY if w in r["名称"] or w in r["曾用名"]]


def broken_promises(rows):
    """What each exposure finds locally against the generator's promise."""
    out = []
    for key, (companies, keywords) in exposures().items():
        want = GEN.PROMISE.get(key)
        if want is None:
            out.append("exposure %s: no promise" % key)
            continue
        for kind, words, hits in (("companies", companies, company_hits),
                                  ("keywords", keywords, keyword_hits)):
            if sorted(words) != sorted(want[kind]):
                out.append("exposure %s: %s %s, promised for %s" % (key, kind, words, list(want[kind])))
            for w in words:
                found = hits(rows, w)
                if len(found) != want[kind].get(w, 0):
                    out.append("exposure %s: %r finds %d, promised %d" %
                               (key, w, len(found), want[kind].get(w, 0)))
    return out


def malformed(rows):
    out = []
    for i, r in enumerate(rows, 2):
        if r["登记状态"] not in STATES:
            out.append("line %d: state %s" % (i, r["登记状态"]))
        if r["是否ODR企业"] not in ("是", "否"):
            out.append("line %d: ODR %s" % (i, r["是否ODR企业"]))
        try:
            day = datetime.date.fromisoformat(r["成立日期"])
        except ValueError:
            day = None
        # Thirty years, none in the demo's own year (whichever year it is played).
        if not day or not datetime.date(1996, 1, 1) <= day <= datetime.date(2025, 12, 31):
            out.append("line %d: founded %s" % (i, r["成立日期"]))
        for k in ("名称", "类型", "法定代表人", "住所", "登记机关", "经营范围"):
            if not r[k]:
                out.append("line %d: no %s" % (i, k))
    return out


CHECKS = [bad_codes, repeats, foreign_stations, brands, broken_promises, malformed]


class Register(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(REGISTER, encoding="utf-8", newline="") as f:
            cls.text = f.read()
        cls.rows = read(cls.text)

    def broken(self, mutate):
        """A copy of the rows with one changed."""
        rows = [dict(r) for r in self.rows]
        mutate(rows)
        return rows

    def test_header_and_size(self):
        self.assertEqual(self.text.split("\n", 1)[0], ",".join(COLUMNS))
        self.assertGreaterEqual(len(self.rows), 2500)
        self.assertLessEqual(len(self.rows), 4000)

    def test_checks_pass(self):
        for check in CHECKS:
            with self.subTest(check=check.__name__):
                self.assertEqual(check(self.rows), [])

    def test_codes(self):
        self.assertTrue(uscc_ok("91350100M000100Y43"))     # as tests/unit/test_validate.c
        self.assertTrue(uscc_ok("91110108551385082Q"))
        self.assertFalse(uscc_ok("91350100M000100Y44"))
        self.assertTrue(any(len(r["统一社会信用代码"]) == 15 for r in self.rows))

        def flip(rows):
            r = next(r for r in rows if len(r["统一社会信用代码"]) == 18)
            c = r["统一社会信用代码"]
            r["统一社会信用代码"] = c[:17] + ALPHABET[(ALPHABET.index(c[17]) + 1) % 31]
        self.assertEqual(len(bad_codes(self.broken(flip))), 1)

        def flip_old(rows):
            r = next(r for r in rows if len(r["统一社会信用代码"]) == 15)
            c = r["统一社会信用代码"]
            r["统一社会信用代码"] = c[:14] + str((int(c[14]) + 1) % 10)
        self.assertEqual(len(bad_codes(self.broken(flip_old))), 1)

    def test_repeats_caught(self):
        def twice(rows):
            rows[5]["名称"] = rows[9]["名称"]
        self.assertEqual(len(repeats(self.broken(twice))), 1)

    def test_stations_caught(self):
        def elsewhere(rows):
            rows[3]["管辖单位"] = "五大道市场监管所"
        self.assertEqual(len(foreign_stations(self.broken(elsewhere))), 1)

    def test_brands_caught(self):
        def brand(rows):
            rows[7]["名称"] = "和平区星巴克咖啡店"
        self.assertEqual(len(brands(self.broken(brand))), 1)

    def test_promises_caught(self):
        def closed(rows):
            for r in rows:
                if r["名称"] == "鑫旺食品有限公司和平分公司":
                    r["登记状态"] = "注销"
        self.assertEqual(broken_promises(self.broken(closed)),
                         ["exposure pickle: '鑫旺食品有限公司' finds 0, promised 1"])

        def extra(rows):
            rows[0]["经营范围"] += "；共享充电宝租赁服务"
            rows[0]["登记状态"] = "存续"
        self.assertEqual(len(broken_promises(self.broken(extra))), 1)

    def test_the_night(self):
        """What the demo's steps say: a local branch and local shops for the
        pickle; nothing at all for the live room (不涉及); bakery branches
        for the bread, four checked and two to go."""
        ex = exposures()
        branches = company_hits(self.rows, "鑫旺食品有限公司")
        self.assertTrue(all(r["名称"].endswith("分公司") for r in branches) and branches)
        self.assertTrue(keyword_hits(self.rows, "老坛酸菜"))
        companies, keywords = ex["live"]
        self.assertEqual([r for w in companies for r in company_hits(self.rows, w)] +
                         [r for w in keywords for r in keyword_hits(self.rows, w)], [])
        self.assertEqual(len(company_hits(self.rows, "佳味坊烘焙")), 6)
        # "检查辖区汽车4S店 11 家": the district's new-car dealers.
        self.assertEqual(len(keyword_hits(self.rows, "汽车新车销售")), 11)
        self.assertTrue(any(company_hits(self.rows, w) and not any(w in r["名称"] for r in company_hits(self.rows, w))
                            for w in ("老坛香酸菜", "机优选二手手机", "麦香园食品厂")),
                        "some match only by a former name")
        # Matches spread over the demo's stations, as many as there are.
        stations = {u for u in units() if u.endswith("市场监管所")}
        found = keyword_hits(self.rows, "老坛酸菜")
        self.assertEqual(len({r["管辖单位"] for r in found}), min(len(stations), len(found)))

    def test_named_businesses(self):
        """The businesses the demo's callers name are registered, active,
        under a name that carries how callers name them."""
        named = set()
        for f in ("calls.txt", "exposures.txt"):
            with open(os.path.join(DEMO, f), encoding="utf-8") as fh:
                named |= {line.split("=", 1)[1].strip() for line in fh
                          if re.match(r"(subject|place) *=", line)}
        by_name = {r["名称"]: r for r in self.rows}
        self.assertGreaterEqual(len(GEN.LOCAL_SUBJECTS), 20)
        for subject, name, *_ in GEN.LOCAL_SUBJECTS:
            with self.subTest(subject=subject):
                self.assertIn(subject, named)
                self.assertIn(name, by_name)
                self.assertIn(by_name[name]["登记状态"], ACTIVE)
                self.assertIn(subject.split("（")[0], name)
        odr = {name for subject, name, *_ in GEN.LOCAL_SUBJECTS if subject in GEN.ODR_SUBJECTS}
        self.assertEqual(len(odr), len(GEN.ODR_SUBJECTS))
        self.assertTrue(all(by_name[n]["是否ODR企业"] == "是" for n in odr))

    def test_mix(self):
        states = {s: sum(r["登记状态"] == s for r in self.rows) for s in STATES}
        self.assertGreater(states["存续"] + states["在业"], 0.75 * len(self.rows))
        for s in ("吊销", "注销", "迁出"):
            self.assertGreater(states[s], 0, s)
        years = {int(r["成立日期"][:4]) for r in self.rows}
        self.assertGreaterEqual(max(years) - min(years), 29)
        odr = sum(r["是否ODR企业"] == "是" for r in self.rows)
        self.assertTrue(3 <= odr <= 60, odr)
        self.assertTrue(any(r["类型"] == "个体工商户" for r in self.rows))
        self.assertTrue(any(r["名称"].endswith("分公司") for r in self.rows))

    def test_regenerates_byte_for_byte(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "register.csv")
            subprocess.run([sys.executable, TOOL, out], check=True)
            with open(out, "rb") as f, open(REGISTER, "rb") as g:
                self.assertTrue(f.read() == g.read(),
                                "data/demo/register.csv is not what tools/gen_demo_register.py writes: "
                                "run it again and commit the file")


def summary():
    """What each exposure finds, per station (for the credit desk's tests)."""
    rows = read(open(REGISTER, encoding="utf-8").read())
    for key, (companies, keywords) in exposures().items():
        print("[%s]" % key)
        for kind, words, hits in (("company", companies, company_hits), ("keyword", keywords, keyword_hits)):
            for w in words:
                found = hits(rows, w)
                per = {}
                for r in found:
                    per[r["管辖单位"]] = per.get(r["管辖单位"], 0) + 1
                print("  %s %s: %d %s" % (kind, w, len(found),
                                          " ".join("%s %d" % kv for kv in sorted(per.items()))))
                for r in found:
                    print("    %s %s %s" % (r["统一社会信用代码"], r["名称"],
                                            "(曾用名 %s)" % r["曾用名"] if r["曾用名"] else ""))


if __name__ == "__main__":
    if sys.argv[1:] == ["--summary"]:
        summary()
    else:
        unittest.main()
