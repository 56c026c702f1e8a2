#!/usr/bin/env python3
"""The credit desk in the console (issue 13): the register page (c), the
entity's card, and the form's 被投诉主体 picked from the register (Ctrl-R),
all at 80x24 on the demo night's register, driven through a real tmux as
test_console.py drives the rest (its template night and helpers)."""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_console  # noqa: E402
import tmuxdrv  # noqa: E402
from test_console import ConsoleTest  # noqa: E402
from tmuxdrv import dwidth, col_of  # noqa: E402

NO_REGISTER = "尚未导入市场主体登记册：管理员用 zhishou entity import 导入"


def setUpModule():
    test_console.setUpModule()


def tearDownModule():
    test_console.tearDownModule()


@unittest.skipUnless(tmuxdrv.TMUX, "tmux is not installed")
class Register(ConsoleTest):
    def search(self, text, limit):
        return self.zs_json("entity", "search", text, "--limit", str(limit))

    def open_page(self, t):
        t.keys("c")
        return t.wait_for("市场主体登记册")

    def result_rows(self, lines):
        """The rows under the column heading, down to the hint line."""
        head = next(i for i, l in enumerate(lines) if l.startswith("名称") and "管辖单位" in l)
        return [l for l in lines[head + 1:len(lines) - 1] if l.strip()]

    def test_page_searches_as_typed_and_opens_the_card(self):
        t = self.console(80, 24)
        lines = t.wait_stable()
        self.assertIn("c 主体", lines[23])     # the key, in the board's hints
        self.assertLessEqual(dwidth(lines[23].rstrip()), 80)
        lines = self.open_page(t)
        self.assertIn("输入名称", "\n".join(lines))
        t.type("面包")
        expect = self.search("面包", 80)
        lines = t.wait_until(lambda ls: any(expect[0]["uscc"] in l for l in ls) and ls, what="results")
        rows = self.result_rows(lines)
        self.assertEqual(len(rows), min(len(expect), 20), lines)
        uscc_col = None
        for row, e in zip(rows, expect):
            self.assertLessEqual(dwidth(row.rstrip()), 80, row)
            self.assertTrue(row.startswith(e["name"][:8]), (row, e))
            self.assertIn(e["uscc"], row)
            self.assertIn(e["state"], row)
            self.assertIn(e["unit"][:6], row)
            # the codes line up: columns by display width
            col = col_of(row, row.index(e["uscc"]))
            uscc_col = uscc_col if uscc_col is not None else col
            self.assertEqual(col, uscc_col, rows)
        self.assertIn("%d 户" % len(expect), lines[0])
        # the second entity's card: what entity show says, in the pager
        t.keys("Down", "Enter")
        code = expect[1]["uscc"]
        lines = t.wait_for("统一社会信用代码：" + code)
        self.assertIn(expect[1]["name"], lines[0])
        shown = "".join(l.strip() for l in lines[1:23])
        for line in self.zs("entity", "show", code).splitlines():
            self.assertIn(line.strip().replace(" ", "")[:30], shown.replace(" ", ""), (line, lines))
        self.assertIn("今晚带班领导", shown)
        self.assertIn("关联的曝光问题", shown)
        self.assertTrue(lines[23].startswith("Esc/q 返回"), lines[23])
        # back to the same results; q is a letter while text is typed
        t.keys("q")
        lines = t.wait_for("查找：面包")
        t.keys("q")
        lines = t.wait_for("查找：面包q")
        t.keys("C-u")
        t.wait_gone("面包q")
        t.keys("q")
        t.wait_for("晚会曝光问题")

    def test_rows_stay_while_the_night_goes_on_and_wide_shows_addresses(self):
        # Another desk logs an intake: the results and the selection stay.
        t = self.console(160, 48)
        self.open_page(t)
        t.type("酸菜")
        expect = self.search("酸菜", 50)
        lines = t.wait_for(expect[-1]["uscc"])
        head = next(l for l in lines if l.startswith("名称"))
        self.assertIn("住所", head)
        for row, e in zip(self.result_rows(lines), expect):
            self.assertIn(e["address"][:8], row)
        t.keys("Down", "Down")
        self.log_add("酸菜不新鲜", subject="别的店")
        # Nothing on this page shows the change: give the console the time
        # its watch takes (inotify at once, the fallback check each second).
        time.sleep(1.5)
        t.keys("Enter")
        t.wait_for("统一社会信用代码：" + expect[2]["uscc"])

    def test_from_the_compact_board_at_50_columns(self):
        # A phone's SSH window: the compact board's c, name and station
        # (the USCC left to the card), nothing past the edge.
        t = self.console(50, 20, wait=False)
        t.wait_for("值守")
        self.open_page(t)
        t.type("酸菜")
        expect = self.search("酸菜", 50)
        lines = t.wait_for(expect[-1]["name"])
        rows = self.result_rows(lines)
        self.assertEqual(len(rows), len(expect), lines)
        for row, e in zip(rows, expect):
            self.assertLessEqual(dwidth(row.rstrip()), 50, row)
            self.assertTrue(row.startswith(e["name"]), row)
            self.assertIn(e["unit"], row)
        t.keys("Enter")
        t.wait_for("统一社会信用代码：" + expect[0]["uscc"])

    def test_uscc_prefix_and_help(self):
        t = self.console(80, 24)
        self.open_page(t)
        code = self.search("面包", 1)[0]["uscc"]
        t.type(code[:16].lower())
        lines = t.wait_for(code)
        for row in self.result_rows(lines):
            self.assertIn(code[:16], row)
        t.keys("F1")
        t.wait_for("帮助：所有按键")
        pairs, _ = test_console.collect_help(t)
        texts = " ".join(p[1] for p in pairs)
        self.assertIn("市场主体登记册：边打边查", texts)
        self.assertIn("打开所选市场主体的卡片", texts)
        self.assertIn("从市场主体登记册里选", texts)

    def test_no_register(self):
        self.execute("DELETE FROM entity; DELETE FROM register_snapshot")
        t = self.console(80, 24)
        self.open_page(t)
        t.wait_for(NO_REGISTER)
        t.type("面包")
        lines = t.wait_for("查找：面包")
        self.assertIn(NO_REGISTER, "\n".join(lines))
        t.keys("Escape")
        t.wait_for("晚会曝光问题")
        # the form's business: typed as before, nothing offered
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab", "Tab")
        t.type("佳味坊")
        lines = t.wait_for("被投诉主体 佳味坊")
        self.assertNotIn("Ctrl-R", "\n".join(lines[:22]))
        t.keys("C-r")
        t.wait_for("尚未导入市场主体登记册")

    def test_form_picks_the_business_and_its_uscc(self):
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab", "Tab")
        t.type("佳味坊")
        expect = self.search("佳味坊", 20)
        lines = t.wait_for("Ctrl-R 登记册 %d 户" % len(expect))
        row = self.field_line(lines, "被投诉主体")
        self.assertIn("Ctrl-R 登记册", lines[row])
        self.assertLessEqual(dwidth(lines[row].rstrip()), 80)
        t.keys("C-r")
        lines = t.wait_for("登记册里的「佳味坊」")
        for e in expect:
            self.assertTrue(any(e["uscc"] in l for l in lines), (e, lines))
        t.keys("Down", "Enter")
        pick = expect[1]
        lines = t.wait_for("✓ 登记册里的这一户")
        self.assertIn(pick["name"], lines[self.field_line(lines, "被投诉主体")])
        self.assertIn(pick["uscc"], lines[self.field_line(lines, "信用代码")])
        t.keys("Tab", "Tab")
        t.type("买的面包发霉了")
        t.keys("C-s")
        t.wait_for("已登记")
        it = self.zs_json("log", "show", str(self.newest()["id"]))
        self.assertEqual((it["subject"], it["uscc"]), (pick["name"], pick["uscc"]))

    def test_form_warns_of_a_duplicate_by_uscc(self):
        # Logged before under another spelling of the same business, with
        # its code: picking the business from the register (its code)
        # warns, though the names differ.
        pick = self.search("佳味坊", 20)[0]
        text = "在该店购买的面包发霉变质，商家拒绝退款，要求退款并赔偿"
        first = self.log_add(text, subject="佳味坊和平路店", uscc=pick["uscc"])
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab", "Tab")
        t.type("佳味坊")
        t.wait_for("Ctrl-R 登记册")
        t.keys("C-r")
        t.wait_for("登记册里的「佳味坊」")
        t.keys("Enter")
        t.wait_for("✓ 登记册里的这一户")
        t.keys("Tab", "Tab")
        t.type(text + "。")
        lines = t.wait_for("可能重复")
        self.assertIn("第 %d 件" % first, "\n".join(lines))
        self.assertIn("同一信用代码", "\n".join(lines))


if __name__ == "__main__":
    unittest.main()
