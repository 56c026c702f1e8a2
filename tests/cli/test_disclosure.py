#!/usr/bin/env python3
"""zhishou disclosure: the complaint disclosure table (消费投诉公示).

A night is built with the real commands: complaints against businesses with
a USCC (under changing names) and without one (names typed with stray
spaces), a duplicate carrying money, a tip, a complaint naming nobody, one
received just before the period.  Every format must show the same rows:
one per business, complaints counted once as the statistics report counts
them, mediated = closed with a mediation outcome (调解结果), success = the
outcome agreed (达成协议), the money recovered in 元, sorted by complaints then name; callers and phones never
appear.  The XLSX is read back with zipfile and its sheet XML."""

import csv
import io
import os
import re
import sys
import unittest
import zipfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zs import Env, ZsTestCase  # noqa: E402

NOW = "2026-03-15 21:40"
GALA_START = "2026-03-15 20:00"

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(body17):
    """A USCC with its GB 32100 check character."""
    s = sum(USCC_CHARS.index(ch) * w for ch, w in zip(body17, USCC_WEIGHTS))
    return body17 + USCC_CHARS[(31 - s % 31) % 31]


USCC_A = uscc("91120101MA05T8E1X")
CALLER, PHONE = "王小明", "13800138000"

# (at, kind, subject, uscc, updates...)  ids follow the order.
INTAKES = [
    ("2026-03-15 19:59", "complaint", "丁餐厅", None),               # 1 just before the gala: outside
    ("2026-03-15 20:10", "complaint", "甲食品旧名", USCC_A),          # 2 A: closed, money
    ("2026-03-15 20:20", "complaint", "乙烘焙店", None),              # 3 B: closed, money
    ("2026-03-15 20:30", "complaint", "甲食品有限公司", USCC_A),      # 4 A: closed, nothing recovered
    ("2026-03-15 20:40", "complaint", "甲食品有限公司", USCC_A),      # 5 A: still in progress
    ("2026-03-15 20:45", "complaint", "甲食品有限公司", USCC_A),      # 6 A: a duplicate of 2, with money
    ("2026-03-15 20:50", "complaint", "乙超市", None),                # 7 E: accepted only
    ("2026-03-15 21:00", "complaint", "  乙烘焙店　", None),          # 8 B again, typed with spaces
    ("2026-03-15 21:10", "complaint", "丙超市", None),                # 9 C: closed, nothing recovered
    ("2026-03-15 21:20", "complaint", None, None),                    # 10 names nobody
    ("2026-03-15 21:30", "tip", "甲食品有限公司", USCC_A),            # 11 a tip: not a complaint
    ("2026-03-15 21:35", "complaint", "丙超市", None),                # 12 C: rejected (received, counted)
    ("2026-03-15 21:36", "complaint", "戊商店", None),                # 13 D: closed with money, no outcome
]

UPDATES = [
    (1, "--status", "closed", "--recovered", "999"),
    (2, "--status", "closed", "--recovered", "100", "--outcome", "达成协议"),
    (3, "--status", "closed", "--recovered", "20.5", "--outcome", "agreed"),
    (4, "--status", "closed", "--outcome", "未达成协议"),
    (5, "--status", "handling"),
    (6, "--status", "closed", "--recovered", "50"),
    (6, "--status", "handling"),
    (6, "--duplicate-of", "2"),
    (7, "--status", "accepted"),
    (8, "--status", "closed", "--recovered", "30", "--outcome", "达成协议"),
    (9, "--status", "closed", "--outcome", "no-agreement"),
    (11, "--status", "closed", "--recovered", "7"),
    (12, "--status", "rejected"),
    (13, "--status", "closed", "--recovered", "5"),
]

# name, uscc, complaints, mediated, succeeded, rate, yuan — the whole night.
NIGHT = [
    ("甲食品有限公司", USCC_A, 3, 2, 1, "50.0%", "100.00"),
    ("丙超市", "", 2, 1, 0, "0.0%", "0.00"),
    ("乙烘焙店", "", 2, 2, 2, "100.0%", "50.50"),
    ("乙超市", "", 1, 0, 0, "—", "0.00"),
    ("戊商店", "", 1, 0, 0, "—", "5.00"),    # closed without an outcome: not mediated
]

HEADER = ["序号", "被投诉主体名称", "统一社会信用代码", "ODR企业", "被投诉总次数", "调解次数", "调解成功次数", "调解成功率",
          "挽回经济损失（元）"]


def grid_rows(grid):
    """The business rows of a grid (lists of cells): after the header row."""
    at = [i for i, r in enumerate(grid) if r[:2] == HEADER[:2]]
    assert at, grid
    rows = []
    for r in grid[at[0] + 1:]:
        if not r or not re.fullmatch(r"\d+", r[0] or ""):
            break
        rows.append(r)
    return rows


def expected_grid(rows):
    """No register here: no business is an ODR enterprise (test_odr.py has one)."""
    return [[str(i), n, u, "否", str(c), str(m), str(s), rate, y] for i, (n, u, c, m, s, rate, y) in enumerate(rows, 1)]


def xlsx_grid(path):
    """The sheet's cells as text, read from its XML."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
                shared.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    grid = []
    for row in sheet.iter("{%s}row" % ns["m"]):
        cells = {}
        for c in row.findall("m:c", ns):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            v = c.find("m:v", ns)
            if v is None:
                text = ""
            elif c.get("t") == "s":
                text = shared[int(v.text)]
            else:
                text = v.text
            cells[ord(col) - ord("A")] = text
        grid.append([cells.get(j, "") for j in range(max(cells) + 1 if cells else 0)])
    return grid


def norm_number_cells(rows):
    """XLSX stores numbers: 100.00 is 100, 50.50 is 50.5, 50.0% is 0.5; write them as the text formats do."""
    out = []
    for r in rows:
        r = list(r) + [""] * (9 - len(r))
        r[8] = "%.2f" % float(r[8])
        if r[7] != "—":
            r[7] = "%.1f%%" % (float(r[7]) * 100)
        out.append(r)
    return out


class Disclosure(ZsTestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env(now=NOW)
        env = cls.env
        env.ok("init")
        env.ok("gala", "add", "--name", "央视3·15晚会", "--start", GALA_START, "--end", "2026-03-15 22:10")
        for i, (at, kind, subject, code) in enumerate(INTAKES, 1):
            args = ["log", "add", "--channel", "12315-hotline", "--kind", kind, "--at", at,
                    "--text", "第%d件：来电反映问题" % i, "--caller", CALLER, "--phone", PHONE]
            if subject:
                args += ["--subject", subject]
            if code:
                args += ["--uscc", code]
            got = int(env.ok(*args).out.split()[0])
            assert got == i, (got, i)
        for u in UPDATES:
            env.ok("log", "update", str(u[0]), *u[1:])

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()

    def setUp(self):
        pass

    def run_ok(self, *args):
        r = self.env.run("disclosure", *args)
        self.assertEqual(r.rc, 0, repr(r))
        return r

    def csv_grid(self, *args):
        return list(csv.reader(io.StringIO(self.run_ok("--format", "csv", *args).out)))

    # --- the rows -----------------------------------------------------------

    def test_rows_csv(self):
        """Per business by USCC (the latest name shown) and by trimmed name;
        duplicates, tips, the nameless and the one before the period left out."""
        grid = self.csv_grid()
        self.assertEqual(grid[0][0], "消费投诉公示")
        self.assertEqual(grid_rows(grid), expected_grid(NIGHT))

    def test_counted_as_the_report(self):
        """Complaints listed plus the nameless equal the report's 受理消费者投诉."""
        rep = list(csv.reader(io.StringIO(self.env.ok("report", "--format", "csv").out)))
        row = [r for r in rep if "受理消费者投诉" in r][0]
        value = [c for c in row if re.fullmatch(r"\d+", c)][-1]
        listed = sum(n[2] for n in NIGHT)
        self.assertEqual(int(value), listed + 1)   # + the complaint naming nobody
        self.assertIn("未填被投诉主体的投诉不列入（1 件）", self.run_ok().out)

    def test_json(self):
        rows = self.env.ok("disclosure", "--format", "json").json()
        self.assertEqual([(r["name"], r["uscc"] or "", r["complaints"], r["mediated"], r["succeeded"],
                           r["success_rate"] or "—", "%d.%02d" % divmod(r["recovered_fen"], 100)) for r in rows],
                         NIGHT)
        self.assertEqual([r["odr"] for r in rows], [False] * len(NIGHT))

    def test_min(self):
        grid = self.csv_grid("--min", "2")
        self.assertEqual(grid_rows(grid), expected_grid(NIGHT[:3]))
        self.assertIn("只列被投诉 2 次及以上的经营者（另有 2 户未列入）", "\n".join(",".join(r) for r in grid))
        self.assertEqual(grid_rows(self.csv_grid("--min", "3")), expected_grid(NIGHT[:1]))

    def test_period_bounds(self):
        """--from is inclusive (20:30 is in), --until exclusive (21:00 is out)."""
        grid = self.csv_grid("--from", "2026-03-15 20:30", "--until", "2026-03-15 21:00")
        self.assertEqual(grid_rows(grid), expected_grid([
            ("甲食品有限公司", USCC_A, 2, 1, 0, "0.0%", "0.00"),
            ("乙超市", "", 1, 0, 0, "—", "0.00"),
        ]))
        self.assertEqual(grid[1][0], "统计时段：2026-03-15 20:30 至 2026-03-15 21:00")
        # From the day before: the complaint at 19:59 (丁餐厅) comes in.
        names = [r[1] for r in grid_rows(self.csv_grid("--from", "2026-03-15 19:59"))]
        self.assertIn("丁餐厅", names)

    def test_default_period_is_the_gala(self):
        grid = self.csv_grid()
        self.assertEqual(grid[1][0], "统计时段：%s 至 %s" % (GALA_START, NOW))
        self.assertNotIn("丁餐厅", [r[1] for r in grid_rows(grid)])

    # --- the formats ----------------------------------------------------------

    def test_txt(self):
        out = self.run_ok().out
        lines = out.splitlines()
        self.assertIn("消费投诉公示", lines[0])
        self.assertEqual(lines[1], "统计时段：%s 至 %s" % (GALA_START, NOW))
        for i, (n, u, c, m, s, rate, y) in enumerate(NIGHT, 1):
            line = [ln for ln in lines if n in ln and re.match(r"\d+ ", ln)]
            self.assertEqual(len(line), 1, out)
            self.assertEqual(line[0].split(), [str(i), n] + ([u] if u else []) + ["否", str(c), str(m), str(s), rate, y])
        self.assertIn("调解成功：调解结果为“达成协议”的件", out)

    def test_md(self):
        out = self.run_ok("--format", "md").out
        self.assertTrue(out.startswith("# 消费投诉公示\n"), out)
        for i, (n, u, c, m, s, rate, y) in enumerate(NIGHT, 1):
            self.assertIn("| %d | %s | %s | 否 | %d | %d | %d | %s | %s |" % (i, n, u, c, m, s, rate, y), out)
        self.assertIn("统计时段：%s 至 %s" % (GALA_START, NOW), out)
        self.assertIn("调解次数：已办结并填写了调解结果的投诉件", out)

    def test_xlsx(self):
        path = self.env.path("公示.xlsx")
        self.run_ok("--format", "xlsx", "-o", path)
        grid = xlsx_grid(path)
        self.assertEqual(grid[0][0], "消费投诉公示")
        self.assertEqual(grid[1][0], "统计时段：%s 至 %s" % (GALA_START, NOW))
        self.assertEqual(grid[2], HEADER)
        self.assertEqual(norm_number_cells(grid_rows(grid)), expected_grid(NIGHT))
        text = "\n".join("".join(r) for r in grid)
        self.assertIn("重复件不重复计算", text)
        self.assertIn("调解成功率 = 达成协议 ÷（达成协议 + 未达成协议）", text)

    def test_output_by_extension(self):
        for ext, check in (("txt", lambda b: b.decode().lstrip().startswith("消费投诉公示")),
                           ("md", lambda b: b.startswith("# 消费投诉公示".encode())),
                           ("csv", lambda b: b.startswith(b"\xef\xbb\xbf")),
                           ("xlsx", lambda b: b.startswith(b"PK\x03\x04"))):
            path = self.env.path("out.%s" % ext)
            r = self.run_ok("-o", path)
            self.assertEqual(r.out, "")
            with open(path, "rb") as f:
                data = f.read()
            self.assertTrue(check(data), (ext, data[:40]))
            if ext == "csv":
                grid = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
                self.assertEqual(grid_rows(grid), expected_grid(NIGHT))
            if ext == "xlsx":
                self.assertEqual(norm_number_cells(grid_rows(xlsx_grid(path))), expected_grid(NIGHT))
        # --format wins over the extension.
        path = self.env.path("really-csv.txt")
        self.run_ok("--format", "csv", "-o", path)
        with open(path, "rb") as f:
            self.assertTrue(f.read().startswith(b"\xef\xbb\xbf"))

    def test_no_callers(self):
        """A disclosure names businesses only."""
        outs = [self.run_ok(*a).out for a in ((), ("--format", "md"), ("--format", "csv"), ("--format", "json"))]
        path = self.env.path("p.xlsx")
        self.run_ok("-o", path)
        outs.append("\n".join("".join(r) for r in xlsx_grid(path)))
        for o in outs:
            self.assertNotIn(CALLER, o)
            self.assertNotIn(PHONE, o)
            self.assertNotIn("来电反映问题", o)

    # --- bad input ------------------------------------------------------------

    def leftovers(self, d):
        return sorted(os.listdir(d))

    def test_bad_input(self):
        before = self.leftovers(self.env.dir)
        cases = [
            (("--from", "昨天晚上"), "--from"),
            (("--until", "2026-13-40 25:00"), "--until"),
            (("--from", "2026-03-15 21:00", "--until", "2026-03-15 20:00"), "必须早于"),
            (("--from", "2026-03-15 21:00", "--until", "2026-03-15 21:00"), "必须早于"),
            (("--format", "pdf"), "pdf"),
            (("--format", "xlsx"), "-o"),
            (("--format", "json", "-o", self.env.path("x.json")), "json"),
            (("--min", "abc"), "--min"),
            (("--min", "-1"), "--min"),
        ]
        for args, needle in cases:
            r = self.env.run("disclosure", *args)
            self.assertNotEqual(r.rc, 0, repr(r))
            self.assertEqual(r.out, "", repr(r))
            self.assertIn(needle, r.err, repr(r))
        self.assertEqual(self.leftovers(self.env.dir), before)

    def test_default_start_after_until(self):
        """--until before the gala's start, without --from: the message says where the start came from."""
        r = self.env.run("disclosure", "--until", "2026-03-15 09:00")
        self.assertFails(r, 2, "最近一场晚会开始", "--from")

    def test_hostile_names(self):
        """A name a spreadsheet would run stays text in CSV; a | does not break the Markdown table."""
        env = Env(now=NOW)
        try:
            env.ok("init")
            for name in ("=HYPERLINK(\"x\")", "甲|乙商行"):
                env.ok("log", "add", "--channel", "12345", "--kind", "complaint", "--text", "问题",
                       "--subject", name, "--at", "21:00")
            out = env.ok("disclosure", "--format", "csv").out
            self.assertIn('"\'=HYPERLINK(""x"")"', out)
            md = env.ok("disclosure", "--format", "md").out
            self.assertIn("| 甲\\|乙商行 |", md)
        finally:
            env.cleanup()

    def test_rate_rounding(self):
        """Tenths of a percent, half up: 2 of 3 is 66.7%, 1 of 16 is 6.3% (6.25)."""
        env = Env(now=NOW)
        try:
            env.ok("init")
            n = 0
            for name, total, good in (("戊商店", 3, 2), ("己商店", 16, 1)):
                for k in range(total):
                    n += 1
                    env.ok("log", "add", "--channel", "12345", "--kind", "complaint", "--text", "问题",
                           "--subject", name, "--at", "21:00")
                    env.ok("log", "update", str(n), "--status", "closed",
                           "--outcome", "agreed" if k < good else "no-agreement")
            rows = {r["name"]: r for r in env.ok("disclosure", "--format", "json").json()}
            self.assertEqual(rows["戊商店"]["success_rate"], "66.7%")
            self.assertEqual(rows["己商店"]["success_rate"], "6.3%")
            self.assertEqual((rows["己商店"]["mediated"], rows["己商店"]["succeeded"]), (16, 1))
        finally:
            env.cleanup()

    def test_unwritable_output(self):
        blocker = self.env.write("not-a-dir", "x")
        for ext in ("csv", "xlsx", "md", "txt"):
            path = os.path.join(blocker, "公示.%s" % ext)
            r = self.env.run("disclosure", "-o", path)
            self.assertNotEqual(r.rc, 0, repr(r))
            self.assertTrue(r.err.strip(), repr(r))
            self.assertFalse(os.path.exists(path))
        missing = self.env.path("no-such-dir")
        r = self.env.run("disclosure", "-o", os.path.join(missing, "公示.xlsx"))
        self.assertNotEqual(r.rc, 0, repr(r))
        self.assertFalse(os.path.exists(missing))

    def test_empty_period(self):
        """No complaints: a table with no rows, the rules still under it."""
        out = self.run_ok("--from", "2026-03-15 08:00", "--until", "2026-03-15 09:00").out
        self.assertIn("没有被投诉的经营者", out)
        self.assertIn("调解次数：已办结并填写了调解结果的投诉件", out)
        rows = self.env.ok("disclosure", "--format", "json", "--from", "2026-03-15 08:00", "--until", "2026-03-15 09:00").json()
        self.assertEqual(rows, [])


if __name__ == "__main__":
    unittest.main()
