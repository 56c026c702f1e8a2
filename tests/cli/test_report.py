#!/usr/bin/env python3
"""zhishou report: the statistics table (活动情况统计表).

A night is built with the real commands (two galas, exposures, actions,
intakes of every kind, duplicates, rejected items, direct and transferred
handling, money recovered), then every computed cell of every template is
checked against counts this test works out itself from `log list`/`log show`,
`expose list` and `expose show` — never against numbers written down here.
The XLSX is read back with openpyxl; the CSV must round-trip through the csv
module to the same grid as the sheet."""

import os
import sys

from zs import require_debian_module  # noqa: E402

openpyxl = require_debian_module("openpyxl", "python3-openpyxl")

import csv  # noqa: E402
import datetime  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
import unittest  # noqa: E402
from decimal import ROUND_HALF_UP, Decimal  # noqa: E402


from zs import Env, check_table, display_width  # noqa: E402

BUREAU = "和平区市场监督管理局"
FILLER = "李明"
PHONE = "022-27300000"
NOW = "2026-03-15 21:40"
GALA_START = "2026-03-15 20:00"

# (channel, kind, received at, exposure number or None)
INTAKES = [
    ("12315-hotline", "complaint", "2026-03-14 20:10", None),     # 1 last night: outside the period
    ("12315-hotline", "tip", "2026-03-15 19:30", None),           # 2 before the gala
    ("12315-hotline", "complaint", "2026-03-15 20:00", 1),        # 3 at the gala's start: inside
    ("12315-platform", "complaint", "2026-03-15 20:20", 1),       # 4
    ("8890", "tip", "2026-03-15 20:25", None),                    # 5
    ("12345", "complaint", "2026-03-15 20:30", 1),                # 6
    ("weibo", "tip", "2026-03-15 20:35", 2),                      # 7
    ("wechat", "inquiry", "2026-03-15 20:40", None),              # 8
    ("web", "inquiry", "2026-03-15 20:45", None),                 # 9
    ("12315-hotline", "complaint", "2026-03-15 20:50", None),     # 10
    ("12315-hotline", "complaint", "2026-03-15 20:55", 2),        # 11
    ("letter", "tip", "2026-03-15 21:00", None),                  # 12
    ("visit", "complaint", "2026-03-15 21:05", None),             # 13
    ("email", "inquiry", "2026-03-15 21:10", None),               # 14
    ("12315-hotline", "complaint", "2026-03-15 21:15", 1),        # 15
    ("12315-hotline", "tip", "2026-03-15 21:20", None),           # 16
    ("other", "complaint", "2026-03-15 21:25", None),             # 17
    ("12315-hotline", "inquiry", "2026-03-15 21:30", None),       # 18
    ("12315-hotline", "complaint", "2026-03-15 21:35", 2),        # 19
    ("12315-hotline", "complaint", "2026-03-15 21:40", None),     # 20 at "now": inside
]

UPDATES = [
    (3, "--status", "closed", "--recovered", "120"),               # direct, money
    (4, "--transfer", "执法稽查队"),                                # transferred
    (5, "--status", "rejected"),                                  # received, not handled
    (6, "--duplicate-of", "3"),                                   # a duplicate: never counted
    (7, "--transfer", "食品经营监管科"),
    (7, "--status", "accepted"),
    (7, "--status", "rejected"),                                  # rejected although handling=transfer
    (8, "--status", "closed", "--recovered", "4999.5"),
    (9, "--status", "closed"),
    (10, "--status", "closed", "--recovered", "35.5"),
    (10, "--status", "handling"),
    (10, "--duplicate-of", "13"),                                 # duplicate with money and handling
    (11, "--transfer", "执法稽查队"),
    (12, "--transfer", "食品经营监管科"),
    (12, "--status", "closed", "--recovered", "0.5"),             # transferred, then closed
    (13, "--status", "closed", "--recovered", "88.88"),
    (14, "--status", "closed"),
    (15, "--exposure", "2"),
    (16, "--status", "accepted"),
    (17, "--status", "rejected"),
    (18, "--duplicate-of", "14"),
    (1, "--status", "closed", "--recovered", "1000"),             # outside the period
    (2, "--transfer", "执法稽查队"),                                # outside the period
]

MEASURE_KIND = {"officers": "officers", "businesses_checked": "checked", "interviews": "interview",
                "seizures": "seizure", "cases": "case", "notices": "notice"}


def ts(iso):
    return datetime.datetime.fromisoformat(iso).timestamp()


def local_ts(text):
    """A 'YYYY-MM-DD HH:MM' in Beijing time as a Unix time."""
    tz = datetime.timezone(datetime.timedelta(hours=8))
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=tz).timestamp()


def build_night(env):
    env.ok("init")
    env.ok("unit", "add", "执法稽查队")
    env.ok("unit", "add", "食品经营监管科")
    env.ok("gala", "add", "--name", "本地3·15晚会", "--start", "2026-03-14 19:30", "--end", "2026-03-14 21:00")
    env.ok("gala", "add", "--name", "央视3·15晚会", "--start", GALA_START, "--end", "2026-03-15 22:10")
    env.ok("expose", "add", "--title", "某品牌酸菜土坑腌制", "--aired", "2026-03-15 20:15")
    env.ok("expose", "add", "--title", "4S店人脸识别", "--aired", "2026-03-15 20:40")
    env.ok("expose", "add", "--title", "本地晚会：预付卡跑路", "--aired", "2026-03-14 20:00")
    # Actions are recorded at "now": last night's one falls outside the period.
    env.ok("expose", "action", "3", "--kind", "officers", "--count", "7", now="2026-03-14 20:30")
    env.ok("expose", "action", "3", "--kind", "case", "--count", "1", now="2026-03-14 20:45")
    for args in (("1", "officers", "12"), ("1", "checked", "30"), ("2", "officers", "5"), ("2", "interview", "2"),
                 ("1", "case", "1"), ("2", "seizure", "3"), ("1", "notice", "1"), ("1", "report", "1"),
                 ("2", "checked", "4")):
        env.ok("expose", "action", args[0], "--kind", args[1], "--count", args[2])
    for i, (channel, kind, at, exp) in enumerate(INTAKES, 1):
        args = ["log", "add", "--channel", channel, "--kind", kind, "--at", at,
                "--text", "第%d件：来电反映问题" % i, "--phone", "1380000%04d" % i]
        if exp:
            args += ["--exposure", str(exp)]
        got = int(env.ok(*args).out.split()[0])
        assert got == i, (got, i)
    for u in UPDATES:
        env.ok("log", "update", str(u[0]), *u[1:])
    # Opinions (舆情): two of the night's (one 重大, one settled), one of
    # last night's, outside the period.
    env.ok("opinion", "add", "--platform", "weibo", "--title", "酸菜热搜", "--found", "2026-03-15 20:30",
           "--level", "重大", "--exposure", "1")
    env.ok("opinion", "add", "--platform", "douyin", "--title", "4S店视频", "--found", "2026-03-15 21:00")
    env.ok("opinion", "update", "2", "--status", "已平息")
    env.ok("opinion", "add", "--platform", "forum", "--title", "预付卡帖子", "--found", "2026-03-14 20:10",
           "--level", "重大")


def expected_values(env, since, until):
    """Every measure, worked out from the listings (not from the report)."""
    rows = env.ok("log", "list", "--limit", "0", "--format", "json").json()
    full = {r["id"]: env.ok("log", "show", str(r["id"]), "--format", "json").json() for r in rows}
    inp = [full[r["id"]] for r in rows if since <= ts(r["received_at"]) < until]
    counted = [i for i in inp if i["status"] != "duplicate"]
    handled = [i for i in counted if i["status"] != "rejected"]
    fen = sum(i["recovered_fen"] for i in counted)
    exp = {
        "received": len(counted),
        "complaints": sum(i["kind"] == "complaint" for i in counted),
        "tips": sum(i["kind"] == "tip" for i in counted),
        "inquiries": sum(i["kind"] == "inquiry" for i in counted),
        "gala": sum(i["exposure_id"] is not None for i in counted),
        "handled_direct": sum(i["handling"] == "direct" for i in handled),
        "transferred": sum(i["handling"] == "transfer" for i in handled),
        "recovered_wan": (Decimal(fen) / Decimal(1000000)).quantize(Decimal("0.01"), ROUND_HALF_UP),
    }
    exposures = env.ok("expose", "list", "--format", "json").json()
    exp["exposures"] = sum(since <= ts(e["aired_at"]) < until for e in exposures)
    sums = {}
    for e in exposures:
        for a in env.ok("expose", "show", str(e["id"]), "--format", "json").json()["actions"]:
            if since <= ts(a["at"]) < until:
                sums[a["kind"]] = sums.get(a["kind"], 0) + a["count"]
    for measure, kind in MEASURE_KIND.items():
        exp[measure] = sums.get(kind, 0)
    opinions = [o for o in env.ok("opinion", "list", "--all", "--format", "json").json()
                if since <= ts(o["found_at"]) < until]
    exp["opinions"] = len(opinions)
    exp["opinions_major"] = sum(o["level"] == "major" for o in opinions)
    return exp, inp


def template_rows(env, name):
    return env.ok("report", "list", name, "--format", "json").json()


def sheet_grid(path):
    wb = openpyxl.load_workbook(path)
    return wb, wb.active


def cell_text(c):
    v = c.value
    if v is None:
        return ""
    if isinstance(v, float):
        if c.number_format == "0.00":
            return "%.2f" % v
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


class ReportNight(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env(now=NOW)
        with open(cls.env.config_path, "w", encoding="utf-8") as f:
            f.write("[report]\nbureau = %s\nfiller = %s\nphone = %s\n" % (BUREAU, FILLER, PHONE))
        build_night(cls.env)
        cls.since, cls.until = local_ts(GALA_START), local_ts(NOW) + 1
        cls.expected, cls.in_period = expected_values(cls.env, cls.since, cls.until)
        cls.templates = [t["name"] for t in cls.env.ok("report", "list", "--format", "json").json()]

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()

    def xlsx(self, *args, name="r.xlsx"):
        path = self.env.path(name)
        r = self.env.run("report", "--format", "xlsx", "-o", path, *args)
        self.assertEqual(r.rc, 0, repr(r))
        return sheet_grid(path)

    def find_table(self, ws, rows):
        """Row number of each template row's line (by its 项目, in the label column)."""
        header = None
        for row in ws.iter_rows(min_row=1, max_row=6):
            if any(c.value == rows[0]["label"] for c in row):
                header = row[0].row - 1
                break
        self.assertIsNotNone(header, "the table's first row is not in the sheet")
        return header

    def check_computed(self, name, ws, expected):
        rows = template_rows(self.env, name)
        header_row = self.find_table(ws, rows)
        titles = [c.value for c in ws[header_row]]
        # the label column holds 项目; the value column is the one of `value`
        label_col = value_col = None
        for j, _ in enumerate(titles):
            col = [ws.cell(row=header_row + 1 + i, column=j + 1).value for i in range(len(rows))]
            if col == [r["label"] for r in rows]:
                label_col = j + 1
        self.assertIsNotNone(label_col, "no column holds the labels in order (%s)" % name)
        checked = 0
        for i, r in enumerate(rows):
            line = header_row + 1 + i
            self.assertEqual(ws.cell(row=line, column=label_col).value, r["label"])
            if r["measure"] == "manual":
                continue
            # the value is the only numeric cell right of the label on that line
            nums = [ws.cell(row=line, column=j) for j in range(label_col + 1, ws.max_column + 1)
                    if isinstance(ws.cell(row=line, column=j).value, (int, float))]
            self.assertEqual(len(nums), 1, "%s row %s: %r" % (name, r["key"], [c.value for c in ws[line]]))
            c = nums[0]
            value_col = value_col or c.column
            self.assertEqual(c.column, value_col)
            want = expected[r["measure"]]
            if r["measure"] == "recovered_wan":
                self.assertEqual(c.number_format, "0.00", r)
                self.assertEqual(Decimal(str(c.value)).quantize(Decimal("0.01")), want, "%s %s" % (name, r))
            else:
                self.assertIsInstance(c.value, int, r)
                self.assertEqual(c.value, want, "%s: %s (%s)" % (name, r["label"], r["measure"]))
            checked += 1
        return checked

    # --- the computed cells ----------------------------------------------

    def test_fixture_covers_the_rules(self):
        e = self.expected
        # The night must exercise what the rules are about, or the checks
        # below prove little.
        statuses = [i["status"] for i in self.in_period]
        self.assertIn("duplicate", statuses)
        self.assertIn("rejected", statuses)
        self.assertTrue(any(i["status"] == "rejected" and i["handling"] == "transfer" for i in self.in_period))
        self.assertTrue(any(i["status"] == "duplicate" and i["recovered_fen"] for i in self.in_period))
        for k in ("complaints", "tips", "inquiries", "gala", "handled_direct", "transferred", "officers",
                  "businesses_checked", "interviews", "seizures", "cases", "notices", "exposures", "opinions",
                  "opinions_major"):
            self.assertGreater(e[k], 0, k)
        self.assertGreater(e["recovered_wan"], 0)
        self.assertEqual(e["received"], e["complaints"] + e["tips"] + e["inquiries"])

    def test_every_template_computed_cells(self):
        self.assertEqual(set(self.templates) >= {"default", "2021-activity", "2022-activity", "2023-activity"},
                         True, self.templates)
        measures = set()
        for name in self.templates:
            wb, ws = self.xlsx("--template", name, name=name + ".xlsx")
            n = self.check_computed(name, ws, self.expected)
            self.assertGreater(n, 0, name)
            measures |= {r["measure"] for r in template_rows(self.env, name)}
        # Between them the templates use every measure.
        self.assertEqual(measures - {"manual"}, set(self.expected))

    def test_xlsx_layout(self):
        wb, ws = self.xlsx()
        merged = [str(m) for m in ws.merged_cells.ranges]
        last = openpyxl.utils.get_column_letter(ws.max_column)
        self.assertIn("A1:%s1" % last, merged)
        self.assertEqual(ws["A1"].value, "2026年“3·15”活动情况统计表")
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        self.assertIn("填报单位：" + BUREAU, texts)
        self.assertIn("填报日期：2026年3月15日", texts)
        self.assertIn("统计时段：2026-03-15 20:00 至 2026-03-15 21:40", texts)
        self.assertIn("填报人：" + FILLER, texts)
        self.assertIn("联系电话：" + PHONE, texts)
        # 填报人 and 联系电话 at the bottom (below every table row)
        bottom = max(c.row for row in ws.iter_rows() for c in row if c.value == "填报人：" + FILLER)
        label_rows = [c.row for row in ws.iter_rows() for c in row if c.value == "消费者参与活动数量"]
        self.assertGreater(bottom, label_rows[0])
        # the section 受理情况 is one merged cell over its rows
        sec = [m for m in ws.merged_cells.ranges if ws.cell(row=m.min_row, column=m.min_col).value == "受理情况"]
        self.assertEqual(len(sec), 1)
        self.assertEqual(sec[0].max_row - sec[0].min_row + 1, 8)
        # borders on the table, A4 portrait, one page wide
        self.assertEqual(ws.cell(row=label_rows[0], column=2).border.left.style, "thin")
        self.assertEqual(str(ws.page_setup.paperSize), "9")
        self.assertEqual(ws.page_setup.orientation, "portrait")
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        self.assertIn(ws.page_setup.fitToWidth, (None, 1, "1"))
        self.assertEqual(str(ws.page_setup.fitToHeight), "0")
        # columns wide enough for their Chinese text (~1.1 per display column)
        for col in range(1, ws.max_column + 1):
            letter = openpyxl.utils.get_column_letter(col)
            widest = max((display_width(str(ws.cell(row=r, column=col).value or ""))
                          for r in range(4, label_rows[0] + 1)), default=0)
            self.assertGreaterEqual(ws.column_dimensions[letter].width, widest, letter)

    def test_headers_fit_their_merged_cells_in_every_template(self):
        # A merged cell does not grow: its text must fit the columns it
        # spans (about 1.1 width units per display column; the title is 16
        # points against the body's 11).  A long bureau name and period too.
        for name in self.templates:
            wb, ws = self.xlsx("--template", name, "--unit", "天津市和平区市场监督管理局劝业场市场监管所（消费者权益保护）",
                               name=name + "-fit.xlsx")
            checked = 0
            for m in ws.merged_cells.ranges:
                if m.min_row != m.max_row:
                    continue   # a section over its rows: its text is in one column's width
                text = ws.cell(row=m.min_row, column=m.min_col).value
                cell = ws.cell(row=m.min_row, column=m.min_col)
                if not isinstance(text, str) or cell.alignment.wrap_text:
                    continue   # footnotes wrap on purpose
                width = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43
                            for c in range(m.min_col, m.max_col + 1))
                scale = 16 / 11 if m.min_row == 1 else 1
                with self.subTest(template=name, cell=str(m), text=text):
                    self.assertGreaterEqual(width, display_width(text) * 1.1 * scale, text)
                checked += 1
            self.assertGreaterEqual(checked, 5, name)

    def test_flags_override_config(self):
        wb, ws = self.xlsx("--unit", "河西区市场监督管理局", "--filler", "王芳", "--phone", "13812345678",
                           "--date", "2026-03-16", name="flags.xlsx")
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        for t in ("填报单位：河西区市场监督管理局", "填报日期：2026年3月16日", "填报人：王芳", "联系电话：13812345678"):
            self.assertIn(t, texts)

    def test_period_flags(self):
        since, until = local_ts("2026-03-14 00:00"), local_ts("2026-03-16 00:00")
        exp, _ = expected_values(self.env, since, until)
        self.assertGreater(exp["received"], self.expected["received"])
        self.assertGreater(exp["officers"], self.expected["officers"])
        wb, ws = self.xlsx("--from", "2026-03-14", "--until", "2026-03-16", name="period.xlsx")
        self.check_computed("default", ws, exp)
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        self.assertIn("统计时段：2026-03-14 00:00 至 2026-03-16 00:00", texts)

    # --- hand-entered rows --------------------------------------------------

    def test_manual_values(self):
        e = self.env
        audit0 = len(e.audit("--entity", "report"))
        r = e.ok("report", "set", "2021-activity", "组织普法活动", "3")
        self.assertIn("组织普法活动", r.out)
        e.ok("report", "set", "2021-activity", "materials", "约2000")
        e.ok("report", "set", "2021-activity", "goods_checked", "12.5")
        e.ok("report", "set", "2021-activity", "forums", "9", "--year", "2025")   # another year
        r = e.ok("report", "set", "2021-activity", "law_events", "3")             # the same again
        self.assertIn("未改变", r.out)
        audit = e.audit("--entity", "report")
        self.assertEqual(len(audit) - audit0, 4)
        self.assertEqual(audit[-1]["action"], "set")
        self.assertIn("约2000", "".join(a["after"] for a in audit))
        rows = {x["key"]: x for x in template_rows(e, "2021-activity")}
        self.assertEqual(rows["law_events"]["value"], "3")
        self.assertIsNone(rows["forums"]["value"])
        wb, ws = self.xlsx("--template", "2021-activity", name="manual.xlsx")
        values = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value in ("组织普法活动", "印发各类宣传资料", "检查商品", "举办座谈会"):
                    values[c.value] = ws.cell(row=c.row, column=c.column + 2).value
        self.assertEqual(values["组织普法活动"], 3)
        self.assertEqual(values["印发各类宣传资料"], "约2000")
        self.assertEqual(values["检查商品"], 12.5)
        self.assertIsNone(values["举办座谈会"])
        # the 2025 value belongs to a 2025 period
        wb, ws = self.xlsx("--template", "2021-activity", "--from", "2025-03-15", "--until", "2025-03-16",
                           name="y2025.xlsx")
        found = [ws.cell(row=c.row, column=c.column + 2).value for row in ws.iter_rows() for c in row
                 if c.value == "举办座谈会"]
        self.assertEqual(found, [9])

    # --- text formats -------------------------------------------------------

    def test_csv_round_trip(self):
        e = self.env
        for name in self.templates:
            path = e.path(name + ".csv")
            e.ok("report", "--template", name, "--format", "csv", "-o", path)
            with open(path, "rb") as f:
                raw = f.read()
            self.assertTrue(raw.startswith(b"\xef\xbb\xbf"), name)
            body = raw[3:]
            self.assertTrue(body.endswith(b"\r\n"))
            self.assertEqual(body.count(b"\n"), body.count(b"\r\n"), "bare LF in " + name)
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
            wb, ws = self.xlsx("--template", name, name=name + "-csv.xlsx")
            grid = [[cell_text(c) for c in row] for row in ws.iter_rows()]
            self.assertEqual(rows, grid, name)
            # stdout gives the same bytes but the BOM (a file has it, a pipe not)
            out = e.run("report", "--template", name, "--format", "csv")
            self.assertEqual(out.rc, 0)
            self.assertEqual(out.out.encode("utf-8"), body)

    def test_csv_quoting(self):
        e = self.env
        e.ok("report", "set", "default", "consumers", "约1,200人（含\"线上\"）")
        out = e.ok("report", "--format", "csv").out
        self.assertIn('"约1,200人（含""线上""）"', out)
        rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"), newline="")))
        self.assertIn("约1,200人（含\"线上\"）", [c for r in rows for c in r])

    def test_md_and_txt(self):
        e = self.env
        for name in self.templates:
            labels = [r["label"] for r in template_rows(e, name)]
            md = e.ok("report", "--template", name, "--format", "md").out
            txt = e.ok("report", "--template", name, "--format", "txt").out
            for lab in labels:
                self.assertIn(lab, txt, name)
                self.assertIn(lab.replace("_", "\\_"), md, name)
            self.assertTrue(md.startswith("# 2026年"), md[:80])
            self.assertIn("填报日期：2026年3月15日" if name != "2022-activity" else "时间：2026年3月15日", md)
            pipe_lines = [ln for ln in md.splitlines() if ln.startswith("|")]
            self.assertEqual(len(pipe_lines), len(labels) + 2)
            ncols = pipe_lines[0].count("|")
            for ln in pipe_lines:
                self.assertEqual(ln.replace("\\|", "").count("|"), ncols, ln)
            # txt: the table block (header, rule, rows) is aligned by display width
            lines = txt.split("\n")
            start = next(i for i, ln in enumerate(lines) if ln and set(ln) <= {"-", " "}) - 1
            end = lines.index("", start)
            check_table(self, "\n".join(lines[start:end]) + "\n", name + ": ")
        # computed numbers in the txt
        txt = e.ok("report", "--format", "txt").out
        line = next(ln for ln in txt.splitlines() if "为消费者挽回经济损失" in ln)
        self.assertTrue(line.rstrip().endswith(str(self.expected["recovered_wan"])), line)
        line = next(ln for ln in txt.splitlines() if "出动执法人员" in ln)
        self.assertTrue(line.rstrip().endswith(" %d" % self.expected["officers"]), line)

    def test_format_from_extension_and_replace(self):
        e = self.env
        path = e.path("night.md")
        with open(path, "w") as f:
            f.write("old")
        e.ok("report", "-o", path)
        with open(path, encoding="utf-8") as f:
            self.assertTrue(f.read().startswith("# 2026年"))
        self.assertEqual([n for n in os.listdir(e.dir) if n.startswith(".night.md")], [])

    def test_template_from_file(self):
        e = self.env
        p = e.write("bureau-table.txt", "title = {year}年测试表\ncolumns = 项目=label | 数量=value\n"
                    "row a | | 受理投诉 | 件 | complaints\nrow b | | 宣传 | 场 | manual\n")
        out = e.ok("report", "--template", p, "--format", "csv").out
        self.assertIn("受理投诉,%d" % self.expected["complaints"], out)
        e.ok("report", "set", p, "宣传", "2")
        self.assertIn("宣传,2", e.ok("report", "--template", p, "--format", "csv").out)

    # --- bad input ----------------------------------------------------------

    def assertFailsClean(self, r, rc, *needles):
        self.assertEqual(r.rc, rc, repr(r))
        self.assertEqual(r.out, "", repr(r))
        for n in needles:
            self.assertIn(n, r.err, repr(r))
        self.assertTrue(re.search(r"[\u4e00-\u9fff]", r.err), "no Chinese message: %r" % r)

    def test_bad_input(self):
        e = self.env
        before = sorted(os.listdir(e.dir))
        audit0 = len(e.audit())
        self.assertFailsClean(e.run("report", "--template", "nosuch"), 2, "nosuch", "统计表模板", "default")
        self.assertFailsClean(e.run("report", "set", "nosuch", "law_events", "1"), 2, "nosuch")
        self.assertFailsClean(e.run("report", "set", "default", "没有这一行", "1"), 2, "没有这一行")
        self.assertFailsClean(e.run("report", "set", "default", "受理消费者投诉", "5"), 2, "受理消费者投诉", "自动统计")
        self.assertFailsClean(e.run("report", "set", "default", "recovered", "5"), 2, "为消费者挽回经济损失")
        # "-3" alone reads as an option; after "--" it is a value
        self.assertFailsClean(e.run("report", "set", "default", "press", "-3"), 2, "-3")
        self.assertFailsClean(e.run("report", "set", "default", "press", "--", "-3"), 2, "负数")
        self.assertFailsClean(e.run("report", "set", "default", "press", "－0.5"), 2, "负数")
        self.assertFailsClean(e.run("report", "set", "default", "press", ""), 2, "不能为空")
        self.assertFailsClean(e.run("report", "set", "default", "press", "字" * 51), 2, "太长")
        self.assertFailsClean(e.run("report", "set", "default", "press"), 2)
        self.assertFailsClean(e.run("report", "set", "default", "press", "1", "--year", "19"), 2, "--year")
        self.assertFailsClean(e.run("report", "--format", "xlsx"), 2, "-o")
        self.assertFailsClean(e.run("report", "--format", "pdf"), 2, "--format")
        self.assertFailsClean(e.run("report", "--from", "2026-03-16", "--until", "2026-03-15"), 2, "--from")
        self.assertFailsClean(e.run("report", "--from", "昨天"), 2, "--from")
        self.assertFailsClean(e.run("report", "--date", "2026-02-30"), 2, "填报日期")
        self.assertEqual(len(e.audit()), audit0, "a refused command wrote an audit row")
        self.assertEqual(sorted(os.listdir(e.dir)), before)

    def test_unwritable_output(self):
        e = self.env
        # A directory that does not exist, and a "directory" that is a file
        # (root may write anywhere, so permissions alone prove nothing).
        blocker = e.write("blocker", "x")
        for target in (e.path("no-such-dir/r.xlsx"), os.path.join(blocker, "r.xlsx"),
                       e.path("no-such-dir/r.csv")):
            fmt = "xlsx" if target.endswith("xlsx") else "csv"
            r = e.run("report", "--format", fmt, "-o", target)
            self.assertFailsClean(r, 1, os.path.dirname(target))
            self.assertFalse(os.path.exists(target))
        if os.getuid() != 0:
            ro = e.path("ro")
            os.mkdir(ro, 0o555)
            r = e.run("report", "--format", "xlsx", "-o", os.path.join(ro, "r.xlsx"))
            self.assertFailsClean(r, 1)
            self.assertEqual(os.listdir(ro), [])
        # A failure leaves an existing file as it was.
        keep = e.write("keep.xlsx", "previous report")
        self.assertFailsClean(e.run("report", "--template", "nosuch", "--format", "xlsx", "-o", keep), 2)
        with open(keep, encoding="utf-8") as f:
            self.assertEqual(f.read(), "previous report")
        self.assertEqual([n for n in os.listdir(e.dir) if n.startswith(".keep.xlsx")], [])
        # -o naming a directory
        r = e.run("report", "--format", "csv", "-o", e.dir)
        self.assertNotEqual(r.rc, 0)
        self.assertTrue(os.path.isdir(e.dir))


class ReportWithoutGala(unittest.TestCase):
    """No gala: the period is today from 00:00."""

    def setUp(self):
        self.env = Env(now="2026-03-15 09:00")
        self.env.ok("init")

    def tearDown(self):
        self.env.cleanup()

    def test_today_from_midnight(self):
        e = self.env
        for at in ("2026-03-14 23:59", "2026-03-15 00:00", "2026-03-15 08:59"):
            e.ok("log", "add", "--channel", "12315热线", "--kind", "投诉", "--text", "投诉内容", "--at", at)
        exp, _ = expected_values(e, local_ts("2026-03-15 00:00"), local_ts("2026-03-15 09:00") + 1)
        self.assertEqual(exp["complaints"], 2)
        out = e.ok("report", "--format", "csv").out
        self.assertIn("受理消费者投诉,件,2,", out)
        self.assertIn("统计时段：2026-03-15 00:00 至 2026-03-15 09:00", out)
        self.assertIn("填报单位：,", out)


if __name__ == "__main__":
    unittest.main()
