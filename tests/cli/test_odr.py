#!/usr/bin/env python3
"""A closed complaint's mediation outcome (调解结果) and ODR hand-over.

log update ID --status closed --outcome 达成协议|未达成协议 records how
mediation ended (refused on a tip or an open intake; reopening clears it);
entity import --odr FILE marks the register's ODR enterprises (the list is
the whole list, all or nothing); log update ID --odr hands a complaint to
its ODR business (转交处理, the business the handling party).  The entity
card, log show, exports and the disclosure table show both."""

import csv
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zs import ZsTestCase  # noqa: E402
from test_entity import C1, C2, C3, C4, ROWS, bad_uscc, csv_text, uscc  # noqa: E402

C9 = uscc("91120101MA05L0009")   # a valid code no register entity has


def whats(card):
    """The intake's history in words, one line each."""
    return "\n".join(h["what"] for h in card["history"])


class Outcome(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def complaint(self, *extra):
        iid, _ = self.env.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "酸菜不新鲜",
                              "--subject", "老王酸菜", *extra)
        return iid

    def test_closing_records_the_outcome(self):
        """Chinese label, code or English label; shown by log show, its
        JSON, the history and the audit."""
        for typed, code, label in (("达成协议", "agreed", "达成协议"), ("no-agreement", "no-agreement", "未达成协议"),
                                   ("agreement reached", "agreed", "达成协议")):
            with self.subTest(typed=typed):
                iid = self.complaint()
                self.env.ok("log", "update", str(iid), "--status", "closed", "--outcome", typed)
                card = self.env.intake(iid)
                self.assertEqual(card["outcome"], code)
                self.assertEqual(card["status"], "closed")
                self.assertIn("调解结果：%s" % label, whats(card))
                self.assertIn("调解结果：%s" % label, self.env.ok("log", "show", str(iid)).out)
        rows = [a for a in self.env.audit() if a.get("action") == "update"]
        self.assertTrue(any("outcome" in (a.get("fields") or "") for a in rows), rows)

    def test_outcome_later_and_reopening_clears_it(self):
        """Closing without an outcome stays allowed (imports, older flows);
        it may be given afterwards; reopening (closed→handling) clears it."""
        iid = self.complaint()
        r = self.env.ok("log", "update", str(iid), "--status", "closed")
        self.assertIn("未填调解结果：zhishou log update %d --outcome" % iid, r.out)
        self.assertEqual(self.env.intake(iid)["outcome"], "")
        self.assertIn("调解结果：—", self.env.ok("log", "show", str(iid)).out)
        self.env.ok("log", "update", str(iid), "--outcome", "未达成协议")
        self.assertEqual(self.env.intake(iid)["outcome"], "no-agreement")
        self.env.ok("log", "update", str(iid), "--status", "handling")
        card = self.env.intake(iid)
        self.assertEqual((card["status"], card["outcome"]), ("handling", ""))
        self.assertIn("调解结果清除", whats(card))

    def test_refused_without_change(self):
        """A tip, an open complaint, an unknown word: clear message, exit 2,
        nothing changed, nothing audited."""
        tip, _ = self.env.add("--channel", "12315-hotline", "--kind", "tip", "--text", "后厨脏")
        self.env.ok("log", "update", str(tip), "--status", "closed")
        open_one = self.complaint()
        closed = self.complaint()
        self.env.ok("log", "update", str(closed), "--status", "closed")
        cases = [
            ((str(tip), "--outcome", "达成协议"), ("只有投诉有调解结果",)),
            ((str(open_one), "--outcome", "达成协议"), ("调解结果在办结时填写", "--status closed")),
            ((str(open_one), "--status", "handling", "--outcome", "agreed"), ("调解结果在办结时填写",)),
            ((str(closed), "--outcome", "调解成功"), ("未知的调解结果", "达成协议", "未达成协议")),
            ((str(closed), "--outcome", ""), ("没有要修改的内容", "--outcome")),
        ]
        for args, needles in cases:
            with self.subTest(args=args):
                iid = args[0]
                before, audit = self.env.intake_state(iid), self.env.audit_rows()
                r = self.env.run("log", "update", *args)
                self.assertFails(r, 2, *needles)
                self.assertEqual(r.out, "")
                self.assertEqual(self.env.intake_state(iid), before)
                self.assertEqual(self.env.audit_rows(), audit)

    def test_export_and_search_show_it(self):
        iid = self.complaint()
        self.env.ok("log", "update", str(iid), "--status", "closed", "--outcome", "达成协议")
        out = self.env.ok("log", "export", "--format", "csv").out
        grid = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
        col = grid[0].index("调解结果")
        self.assertEqual(grid[1][col], "达成协议")
        hits = self.env.ok("search", "酸菜", "--format", "json").json()
        self.assertEqual([h["outcome"] for h in hits if h["type"] == "intake"], ["agreed"])


ODR_HEADER = "统一社会信用代码,名称"


class Odr(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        for u in ("南市市场监管所", "劝业场市场监管所", "小白楼市场监管所"):
            self.env.ok("unit", "add", u)
        # The register's own column marks C1 (老王酸菜) ODR.
        self.env.ok("entity", "import", self.env.write("register.csv", csv_text(ROWS)), "--as-of", "2026-03-14")

    def odr_list(self, rows, *args, name="odr.csv", data=None):
        text = data if data is not None else "\n".join([ODR_HEADER] + [",".join(r) for r in rows]) + "\n"
        return self.env.run("entity", "import", "--odr", self.env.write(name, text), *args)

    def marked(self):
        return sorted(r[0] for r in self.env.query("SELECT uscc FROM entity WHERE odr = 1"))

    def complaint(self, *extra, kind="complaint"):
        iid, _ = self.env.add("--channel", "12315-hotline", "--kind", kind, "--text", "投诉问题", *extra)
        return iid

    # --- the list ---------------------------------------------------------------

    def test_list_replaces_the_marks(self):
        self.assertEqual(self.marked(), [C1])
        before = self.env.audit_rows()
        r = self.odr_list([(C2, "老王酸菜鱼馆"), (C3.lower(), ""), (C2, "")])
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("2 户为ODR企业（原为 1 户）", r.out)
        self.assertEqual(self.marked(), sorted([C2, C3]))
        self.assertEqual(self.env.audit_rows(), before + 1)
        self.assertTrue(self.env.ok("entity", "show", C2, "--format", "json").json()["odr"])
        self.assertFalse(self.env.ok("entity", "show", C1, "--format", "json").json()["odr"])
        # GBK with CRLF, as WPS saves it.
        text = "统一社会信用代码\r\n%s\r\n" % C4
        r = self.env.run("entity", "import", "--odr", self.env.write("g.csv", text.encode("gbk")))
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(self.marked(), [C4])

    def test_xlsx_list(self):
        from test_import import xlsx_bytes
        path = self.env.write("odr.xlsx", xlsx_bytes([["名称", "统一社会信用代码"], ["老王酸菜鱼馆", C2]]))
        r = self.env.run("entity", "import", "--odr", path)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("XLSX", r.out)
        self.assertEqual(self.marked(), [C2])

    def test_bad_rows_refused_whole(self):
        before = self.env.audit_rows()
        r = self.odr_list([(C2, ""), (bad_uscc("92120101MA05L0003"), ""), (C9, ""), ("", "某店"),
                           (C4, "老王酸菜")])
        self.assertFails(r, 2, "第 3 行", "校验位不对", "第 4 行", "不在市场主体登记册中", "第 5 行",
                         "缺少统一社会信用代码", "第 6 行", "与登记册中", "没有改动任何ODR标记")
        self.assertNotIn("第 2 行", r.err)
        self.assertEqual(r.out, "")
        self.assertEqual(self.marked(), [C1])
        self.assertEqual(self.env.audit_rows(), before)
        # --skip-bad marks the good one.
        r = self.odr_list([(C2, ""), (C9, "")], "--skip-bad")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("第 3 行", r.err)
        self.assertIn("跳过错误行 1 行", r.out)
        self.assertEqual(self.marked(), [C2])

    def test_list_bad_input(self):
        before = self.env.audit_rows()
        cases = [
            ((self.env.path("missing.csv"),), "missing.csv"),
            ((self.env.write("nohdr.csv", "名称\n老王酸菜\n"),), "统一社会信用代码"),
            ((self.env.write("empty.csv", ODR_HEADER + "\n"),), "只有表头"),
            ((self.env.write("ok.csv", ODR_HEADER + "\n%s,\n" % C2), "--as-of", "2026-03-01"), "--as-of"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                r = self.env.run("entity", "import", "--odr", *args)
                self.assertNotEqual(r.rc, 0, repr(r))
                self.assertIn(needle, r.err)
                self.assertEqual(r.out, "")
        self.assertEqual(self.marked(), [C1])
        self.assertEqual(self.env.audit_rows(), before)

    def test_list_needs_a_register(self):
        self.setUp_empty()
        r = self.env.run("entity", "import", "--odr", self.env.write("odr.csv", ODR_HEADER + "\n%s,\n" % C2))
        self.assertFails(r, 2, "登记册还没有导入")

    def setUp_empty(self):
        self.env.cleanup()
        from zs import Env
        self.env = Env()
        self.addCleanup(self.env.cleanup)
        self.init()

    def test_list_non_admin_refused(self):
        u = self.env.add_other_member("王五", "operator")
        if not u:
            self.skipTest("needs root to run as another Unix user")
        path = self.env.write("odr.csv", ODR_HEADER + "\n%s,\n" % C2)
        os.chmod(path, 0o644)
        r = self.env.run("entity", "import", "--odr", path, user=u)
        self.assertFails(r, 3)
        self.assertEqual(self.marked(), [C1])

    # --- the hand-over ------------------------------------------------------------

    def test_hand_over_by_uscc(self):
        iid = self.complaint("--subject", "老王酸菜", "--uscc", C1)
        before = self.env.audit_rows()
        r = self.env.ok("log", "update", str(iid), "--odr")
        self.assertIn("已转办", r.out)
        self.assertEqual(self.env.audit_rows(), before + 1)
        card = self.env.intake(iid)
        self.assertEqual((card["handling"], card["status"], card["odr_uscc"]), ("transfer", "transferred", C1))
        self.assertIn("经ODR转交 老王酸菜（%s）处理" % C1, card["notes"])
        self.assertIn("经ODR转交经营者处理", whats(card))
        show = self.env.ok("log", "show", str(iid)).out
        self.assertIn("承办单位：转交 老王酸菜（ODR）", show)
        self.assertIn("处理方式：转交处理", show)
        # Twice: nothing more happens.
        self.env.ok("log", "update", str(iid), "--odr")
        self.assertEqual(self.env.audit_rows(), before + 1)
        # The entity card counts it; the statistics report counts it as 转交处理.
        ent = self.env.ok("entity", "show", C1, "--format", "json").json()
        self.assertEqual(ent["odr_handed"], 1)
        self.assertIn("是，经ODR转交投诉 1 件", self.env.ok("entity", "show", C1).out)
        rep = list(csv.reader(io.StringIO(self.env.ok("report", "--format", "csv").out.lstrip("\ufeff"))))
        self.assertEqual([r[3] for r in rep if len(r) > 3 and r[1] in ("直接处理", "转交处理")], ["0", "1"], rep)
        # The morning review lists it under the business that has it.
        self.assertIn("【转交 老王酸菜（ODR）】", self.env.ok("review").out)
        # The disclosure table marks it; then mediation ends with an outcome.
        rows = self.env.ok("disclosure", "--format", "json").json()
        self.assertEqual([(x["uscc"], x["odr"]) for x in rows], [(C1, True)])
        self.env.ok("log", "update", str(iid), "--status", "closed", "--outcome", "达成协议")
        row = self.env.ok("disclosure", "--format", "json").json()[0]
        self.assertEqual((row["mediated"], row["succeeded"], row["success_rate"]), (1, 1, "100.0%"))
        self.assertIn("转交 老王酸菜（ODR）", self.env.ok("log", "export", "--format", "csv").out)

    def test_hand_over_by_unique_name(self):
        """No USCC given: the one register entity with exactly that name."""
        self.env.ok("entity", "import", "--odr", self.env.write("odr.csv", ODR_HEADER + "\n%s,\n" % C2))
        iid = self.complaint("--subject", "老王酸菜鱼馆")
        self.env.ok("log", "update", str(iid), "--odr")
        self.assertEqual(self.env.intake(iid)["odr_uscc"], C2)
        self.assertTrue(self.env.ok("disclosure", "--format", "json").json()[0]["odr"])

    def test_hand_over_refused(self):
        """Not an ODR business, not in the register, a name two entities
        share or none has, a tip, a closed complaint, --odr with
        --transfer: clear message, exit 2, nothing changed."""
        self.env.ok("unit", "add", "执法稽查队")
        twin = ROWS[1][:1] + ("老王酸菜鱼馆",) + ROWS[1][2:]
        rows = list(ROWS) + [(uscc("91120101MA05L0008"),) + twin[1:]]
        self.env.ok("entity", "import", self.env.write("r2.csv", csv_text(rows)), "--as-of", "2026-03-15")
        not_odr = self.complaint("--subject", "天津老王酸菜店", "--uscc", C3)
        unknown = self.complaint("--subject", "别家", "--uscc", C9)
        twins = self.complaint("--subject", "老王酸菜鱼馆")
        nameless = self.complaint("--subject", "没有这家")
        tip = self.complaint("--subject", "老王酸菜", "--uscc", C1, kind="tip")
        closed = self.complaint("--subject", "老王酸菜", "--uscc", C1)
        self.env.ok("log", "update", str(closed), "--status", "closed")
        both = self.complaint("--subject", "老王酸菜", "--uscc", C1)
        cases = [
            ((str(not_odr), "--odr"), ("不是ODR企业", "--transfer")),
            ((str(unknown), "--odr"), (C9, "不在市场主体登记册中")),
            ((str(twins), "--odr"), ("不止一个主体名为「老王酸菜鱼馆」",)),
            ((str(nameless), "--odr"), ("没有名为「没有这家」的主体",)),
            ((str(tip), "--odr"), ("只有投诉可以经ODR转交",)),
            ((str(closed), "--odr"), ("已办结", "不能再经ODR转交")),
            ((str(both), "--odr", "--transfer", "执法稽查队"), ("只能选一个",)),
        ]
        for args, needles in cases:
            with self.subTest(args=args):
                before, audit = self.env.intake_state(args[0]), self.env.audit_rows()
                r = self.env.run("log", "update", *args)
                self.assertFails(r, 2, *needles)
                self.assertEqual(r.out, "")
                self.assertEqual(self.env.intake_state(args[0]), before)
                self.assertEqual(self.env.audit_rows(), audit)

    def test_transfer_to_a_unit_after_odr(self):
        """Handed back to a unit: the unit is the handling party again."""
        self.env.ok("unit", "add", "执法稽查队")
        iid = self.complaint("--subject", "老王酸菜", "--uscc", C1)
        self.env.ok("log", "update", str(iid), "--odr")
        self.env.ok("log", "update", str(iid), "--transfer", "执法稽查队")
        card = self.env.intake(iid)
        self.assertEqual((card["odr_uscc"], card["transfer_unit"]), ("", "执法稽查队"))
        self.assertIn("承办单位：执法稽查队", self.env.ok("log", "show", str(iid)).out)
        # And from the unit to the business: the history says ODR, not
        # that the transfer was withdrawn.
        self.env.ok("log", "update", str(iid), "--odr")
        card = self.env.intake(iid)
        self.assertEqual((card["odr_uscc"], card["transfer_unit"]), (C1, None))
        last = [h["what"] for h in card["history"] if "经ODR转交经营者处理" in h["what"]]
        self.assertEqual(len(last), 2, whats(card))
        self.assertNotIn("取消转办", whats(card))


if __name__ == "__main__":
    unittest.main()
