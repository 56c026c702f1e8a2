#!/usr/bin/env python3
"""Entry into the 12315 platform (录入12315平台系统).

log update ID --platform-no NO records an intake's number on the national
12315 platform, who entered it and when (audited; a number another intake
has is refused, naming it; a new number replaces the old with both in the
audit).  What must be entered is one rule (core platform_required): every
intake except those from the platform itself (12315-platform), duplicates
and inquiries answered on the spot (closed, handled directly).
log list --not-on-platform and log export --not-on-platform list what the
rule wants and has no number yet; --platform-order writes the platform's
form order; the morning review counts the night's and lists them by the
desk that took them."""

import csv
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zs  # noqa: E402
from zs import ZsTestCase  # noqa: E402

NO1 = "1201012026031500123"
NO2 = "1201012026031500124"

PLATFORM_HEADER = ["编号", "类别", "投诉人（举报人）", "联系电话", "被投诉主体", "统一社会信用代码", "地址", "受理时间",
                   "分类", "内容", "渠道", "工单号"]


class Platform(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def add(self, *extra, channel="12315-hotline", kind="complaint", text="酸菜不新鲜"):
        iid, _ = self.env.add("--channel", channel, "--kind", kind, "--text", text, "--subject", "老王酸菜",
                              "--caller", "王小明", "--phone", "13800138000", *extra)
        return iid

    def pending(self):
        return [i["id"] for i in self.env.ok("log", "list", "--not-on-platform", "--limit", "0", "--format",
                                             "json").json()]

    def db_rows(self):
        return self.env.query("SELECT id, platform_no, platform_by, platform_at, updated_at FROM intake ORDER BY id")

    # --- recording the number ----------------------------------------------

    def test_number_leaves_the_list_with_who_and_when(self):
        a, b = self.add(), self.add(text="第二件")
        self.assertEqual(self.pending(), [b, a])
        r = self.env.ok("log", "update", str(a), "--platform-no", NO1)
        self.assertIn("12315平台编号：%s" % NO1, r.out)
        self.assertEqual(self.pending(), [b])
        card = self.env.intake(a)
        self.assertEqual(card["platform_no"], NO1)
        self.assertEqual(card["platform_by"], zs.OS_USER)
        self.assertTrue(card["platform_at"].startswith("2026-03-15T21:40"), card)
        show = self.env.ok("log", "show", str(a)).out
        self.assertIn("12315平台编号：%s（%s 03-15 21:40 录入）" % (NO1, zs.OS_USER), show)
        self.assertIn("录入12315平台，编号 %s" % NO1, show)
        self.assertIn("12315平台编号：未录入", self.env.ok("log", "show", str(b)).out)
        rows = [x for x in self.env.audit() if x.get("action") == "update"]
        self.assertEqual(rows[-1]["fields"], "platform_no", rows)

    def test_number_normalised_and_same_number_again_changes_nothing(self):
        a = self.add()
        self.env.ok("log", "update", str(a), "--platform-no", "  ab12-cd34  ")
        self.assertEqual(self.env.intake(a)["platform_no"], "AB12-CD34")
        audit = len(self.env.audit())
        before = self.db_rows()
        self.env.ok("log", "update", str(a), "--platform-no", "AB12-CD34")
        self.assertEqual(len(self.env.audit()), audit)
        self.assertEqual(self.db_rows(), before)

    def test_changing_the_number_keeps_old_and_new_in_the_audit(self):
        a = self.add()
        self.env.ok("log", "update", str(a), "--platform-no", NO1)
        r = self.env.ok("log", "update", str(a), "--platform-no", NO2)
        self.assertIn("由 %s 改为 %s" % (NO1, NO2), r.out)
        self.assertEqual(self.env.intake(a)["platform_no"], NO2)
        last = [x for x in self.env.audit() if x.get("action") == "update"][-1]
        self.assertIn(NO1, last["before"])
        self.assertIn(NO2, last["after"])
        self.assertIn("12315平台编号由 %s 改为 %s" % (NO1, NO2), self.env.ok("log", "show", str(a)).out)

    def test_a_number_another_intake_has_is_refused_naming_it(self):
        a, b = self.add(), self.add(text="第二件")
        self.env.ok("log", "update", str(a), "--platform-no", NO1)
        before, audit = self.db_rows(), len(self.env.audit())
        r = self.env.run("log", "update", str(b), "--platform-no", NO1.lower())
        self.assertFails(r, 2, "已登记在 #%d 上" % a, "zhishou log show %d" % a)
        self.assertEqual(self.db_rows(), before)
        self.assertEqual(len(self.env.audit()), audit)
        self.assertEqual(self.pending(), [b])

    def test_bad_numbers_change_nothing(self):
        a = self.add()
        before, audit = self.db_rows(), len(self.env.audit())
        for bad, needle in (("", "是空的"), ("   ", "是空的"), ("12345", "6 到 32"), ("1" * 33, "6 到 32"),
                            ("1201 0120", "字母、数字和 -"), ("１２０１０１２０２６", "字母、数字和 -"),
                            ("120101;DROP", "字母、数字和 -"), ("120101\x1b[2J", "字母、数字和 -"),
                            ("编号1201012026", "字母、数字和 -")):
            with self.subTest(bad=bad):
                r = self.env.run("log", "update", str(a), "--platform-no", bad)
                self.assertFails(r, 2, needle)
                self.assertNotIn("\x1b", r.err)
        r = self.env.run("log", "update", "999", "--platform-no", NO1)
        self.assertNotEqual(r.rc, 0)
        self.assertIn("999", r.err)
        self.assertEqual(self.db_rows(), before)
        self.assertEqual(len(self.env.audit()), audit)

    def test_a_bad_number_with_other_changes_writes_none_of_them(self):
        a = self.add()
        before = self.env.intake_state(a)
        r = self.env.run("log", "update", str(a), "--status", "accepted", "--note", "已受理", "--platform-no", "x")
        self.assertFails(r, 2, "6 到 32")
        self.assertEqual(self.env.intake_state(a), before)

    # --- the rule -----------------------------------------------------------

    def test_platform_items_duplicates_and_answered_inquiries_are_never_listed(self):
        orig = self.add()
        from_platform = self.add(channel="12315-platform")
        dup = self.add(text="同一人再次来电")
        self.env.ok("log", "update", str(dup), "--duplicate-of", str(orig))
        answered = self.add(kind="inquiry", text="退货期限多久")
        self.env.ok("log", "update", str(answered), "--status", "closed", "--note", "已当场答复")
        open_inquiry = self.add(kind="inquiry", text="要核实的咨询")
        self.env.ok("log", "update", str(open_inquiry), "--status", "accepted")
        # An inquiry closed after a transfer was not answered on the spot.
        transferred = self.add(kind="inquiry", text="转办的咨询")
        self.env.ok("log", "update", str(transferred), "--transfer", self.unit())
        self.env.ok("log", "update", str(transferred), "--status", "closed")
        tip = self.add(channel="email", kind="tip", text="举报过期面包")
        visit = self.add(channel="visit", text="来访投诉")
        self.assertEqual(self.pending(), [visit, tip, transferred, open_inquiry, orig])
        for iid, why in ((from_platform, "来自12315平台"), (dup, "重复件"), (answered, "当场答复的咨询")):
            self.assertIn("12315平台编号：无需录入（%s）" % why, self.env.ok("log", "show", str(iid)).out)
        # Exports and the review follow the same rule.
        ids = [int(r["编号"]) for r in self.export("--not-on-platform")]
        self.assertEqual(sorted(ids), sorted([visit, tip, transferred, open_inquiry, orig]))
        review = self.env.ok("review", "--format", "json").json()
        self.assertEqual(sorted(x["id"] for x in review["not_on_platform"]),
                         sorted([visit, tip, transferred, open_inquiry, orig]))
        # A duplicate undone is to be entered again.
        self.env.ok("log", "update", str(dup), "--status", "accepted")
        self.assertIn(dup, self.pending())

    def unit(self):
        self.env.ok("unit", "add", "食品经营监管科")
        return "食品经营监管科"

    def test_list_limit_counts_only_what_the_rule_keeps(self):
        want = []
        for k in range(4):
            want.append(self.add(text="第 %d 件" % k))
            self.add(channel="12315-platform", text="平台来件 %d" % k)
        r = self.env.ok("log", "list", "--not-on-platform", "--limit", "2", "--format", "json")
        self.assertEqual([i["id"] for i in r.json()], [want[3], want[2]])
        r = self.env.ok("log", "list", "--not-on-platform", "--limit", "2", "--before", str(want[2]), "--format",
                        "json")
        self.assertEqual([i["id"] for i in r.json()], [want[1], want[0]])
        # Other filters combine with it.
        r = self.env.ok("log", "list", "--not-on-platform", "--channel", "12315-platform", "--format", "json")
        self.assertEqual(r.json(), [])
        table = self.env.ok("log", "list", "--not-on-platform").out
        zs.check_table(self, table)

    # --- exports and search -------------------------------------------------

    def export(self, *args):
        r = self.env.ok("log", "export", "--format", "csv", *args)
        return list(csv.DictReader(io.StringIO(r.out)))

    def test_export_has_the_number_and_platform_order(self):
        a, b = self.add(), self.add("--uscc", zs.USCC_OK, channel="email", kind="tip", text="举报过期面包")
        self.env.ok("log", "update", str(a), "--platform-no", NO1)
        rows = {int(r["编号"]): r for r in self.export()}
        self.assertEqual(rows[a]["12315平台编号"], NO1)
        self.assertEqual(rows[b]["12315平台编号"], "")
        r = self.env.ok("log", "export", "--format", "csv", "--not-on-platform", "--platform-order")
        lines = list(csv.reader(io.StringIO(r.out)))
        self.assertEqual(lines[0], PLATFORM_HEADER)
        self.assertEqual(len(lines), 2, lines)
        row = dict(zip(lines[0], lines[1]))
        self.assertEqual((row["编号"], row["类别"], row["被投诉主体"], row["统一社会信用代码"], row["渠道"]),
                         (str(b), "举报", "老王酸菜", zs.USCC_OK, "电子邮箱"))
        # Masked unless --with-pii, as every export.
        self.assertEqual((row["投诉人（举报人）"], row["联系电话"]), ("王**", "138****8000"))
        self.assertEqual(row["内容"], "举报过期面包")
        # XLSX with the same header.
        path = self.env.path("platform.xlsx")
        self.env.ok("log", "export", "--not-on-platform", "--platform-order", "-o", path)
        openpyxl = zs.require_debian_module("openpyxl", "python3-openpyxl")
        ws = openpyxl.load_workbook(path).active
        self.assertEqual([c.value for c in ws[1]], PLATFORM_HEADER)
        self.assertEqual(ws.max_row, 2)

    def test_search_json_has_the_number(self):
        a = self.add()
        self.env.ok("log", "update", str(a), "--platform-no", NO1)
        hits = self.env.ok("search", "--format", "json", "酸菜").json()
        self.assertEqual([h["platform_no"] for h in hits if h["id"] == a and h["type"] == "intake"], [NO1])

    # --- the morning review -------------------------------------------------

    def test_review_counts_the_nights_items_by_desk(self):
        self.env.ok("gala", "add", "--name", "央视3·15晚会", "--start", "20:00", "--end", "22:10")
        self.env.ok("unit", "add", "12315投诉举报中心")
        self.env.ok("member", "update", "--unix", zs.OS_USER, "--unit", "12315投诉举报中心")
        before_gala = self.add("--at", "19:00", text="晚会前的来电")
        a, b = self.add(text="第一件"), self.add(text="第二件")
        self.env.ok("log", "update", str(b), "--platform-no", NO1)
        other = self.env.add_other_member("王五")
        c = None
        if other:
            r = self.env.run("log", "add", "--channel", "visit", "--kind", "complaint", "--text", "来访投诉",
                             user=other)
            self.assertEqual(r.rc, 0, r)
            c = int(r.out.splitlines()[0])
        text = self.env.ok("review").out
        n = 2 if c else 1
        self.assertIn("今晚尚未录入12315平台：%d 件（%d 个岗位" % (n, n), text)
        tail = text[text.index("【未录入12315平台】"):]
        self.assertIn("〔12315投诉举报中心〕1 件", tail)
        self.assertIn("#%d " % a, tail)
        self.assertNotIn("#%d " % b, tail)
        self.assertNotIn("#%d " % before_gala, tail)   # not tonight's
        if c:
            self.assertIn("〔王五〕1 件", tail)
            self.assertIn("#%d " % c, tail)
        js = self.env.ok("review", "--format", "json").json()
        desks = {x["id"]: x["desk"] for x in js["not_on_platform"]}
        self.assertEqual(desks.get(a), "12315投诉举报中心")
        if c:
            self.assertEqual(desks.get(c), "王五")
        md = self.env.ok("review", "--format", "md").out
        self.assertIn("## 未录入12315平台（%d 件）" % n, md)
        # A narrowed review (--tonight, --changed, --unit) leaves the night's list out.
        self.assertNotIn("12315平台", self.env.ok("review", "--tonight").out)
        # log list is not limited to the night.
        self.assertIn(before_gala, self.pending())

    def test_review_when_everything_is_entered(self):
        a = self.add()
        self.env.ok("log", "update", str(a), "--platform-no", NO1)
        text = self.env.ok("review").out
        self.assertIn("今晚尚未录入12315平台：0 件", text)
        self.assertIn("今晚应录入的都已录入", text)


if __name__ == "__main__":
    unittest.main()
