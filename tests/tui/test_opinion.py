#!/usr/bin/env python3
"""The opinion watch in the console (issue 14): the board's title line
counts the open opinions and names the 重大 ones, y opens the opinion page
(open first, by level), Enter one opinion whole; v, s, a and R change the
level, the status, add a note and approve the response through core, as
`zhishou opinion update` does; an exposure's detail lists its opinions.  On
the demo night (data/demo/opinions.txt), at 80x24, through a real tmux as
test_console.py drives the rest."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_console  # noqa: E402
import tmuxdrv  # noqa: E402
from test_console import ConsoleTest  # noqa: E402
from tmuxdrv import dwidth  # noqa: E402

PAGE = "舆情监测：未平息"


def setUpModule():
    test_console.setUpModule()


def tearDownModule():
    test_console.tearDownModule()


@unittest.skipUnless(tmuxdrv.TMUX, "tmux is not installed")
class Opinions(ConsoleTest):
    def opinions(self):
        return self.zs_json("opinion", "list", "--all")

    def open_page(self, t):
        t.keys("y")
        return t.wait_until(lambda ls: ls[0].startswith(" " + PAGE) and any(l.startswith("#4 ") for l in ls) and ls,
                            what="the opinion page")

    def test_board_line_and_page(self):
        t = self.console(80, 24)
        lines = t.wait_for("舆情 3（y）")
        title = next(l for l in lines if "晚会曝光问题" in l)
        self.assertIn("重大：本地探店博主", title)
        self.assertLessEqual(dwidth(title.rstrip()), 80)
        lines = self.open_page(t)
        self.assertIn("未平息 3 条，重大 1 条（共 4 条）", lines[0])
        rows = [l for l in lines[1:23] if l.startswith("#")]
        # As opinion list --all orders them: open first, 重大 first.
        self.assertEqual([int(r.split()[0][1:]) for r in rows], [o["id"] for o in self.opinions()])
        self.assertTrue(rows[0].startswith("#1 重大 已回应 20:35 抖音"), rows)
        for line in lines:
            self.assertLessEqual(dwidth(line.rstrip()), 80, line)
        self.assertTrue(lines[23].startswith("Enter 详情"), lines[23])
        self.assertIn("R 回应口径", lines[23])

    def test_record_one_and_link_it(self):
        """n: platform picked, title and link typed; l links it to the
        exposure picked from the list; nothing asked is a stub."""
        t = self.console(80, 24)
        self.open_page(t)
        before = len(self.opinions())
        t.keys("n")
        t.wait_for("在哪个平台看到的")
        t.type("抖音")
        t.keys("Enter")
        t.wait_for("舆情标题（看到的是什么）")
        t.type("网传本区超市仍售土坑酸菜")
        t.keys("Enter")
        t.wait_for("链接（只记下，不打开")
        t.type("https://v.example/abc")
        t.keys("Enter")
        lines = t.wait_for("已记录舆情 #%d" % (before + 1))
        o = self.zs_json("opinion", "show", str(before + 1))
        self.assertEqual((o["platform"], o["title"], o["url"], o["level"]),
                         ("douyin", "网传本区超市仍售土坑酸菜", "https://v.example/abc", "normal"))
        self.assertIsNone(o.get("exposure_id"))
        t.keys("l")
        t.wait_for("关联曝光问题")
        t.type("1")
        t.keys("Enter")
        t.wait_until(lambda ls: any(l.startswith("#%d " % (before + 1)) and "→曝光 #1" in l for l in ls) and ls,
                     what="the new opinion linked")
        self.assertEqual(self.zs_json("opinion", "show", str(before + 1))["exposure_id"], 1)

    def test_raise_note_and_respond_from_the_console(self):
        t = self.console(80, 24)
        self.open_page(t)
        self.assertEqual(len(self.query("SELECT id FROM outbox WHERE event = 'opinion_major'")), 1)
        # #2 (关注) raised to 重大 from the list: one more alert, no caller.
        t.keys("Down", "v")
        t.wait_for("舆情级别")
        t.type("重大")
        t.keys("Enter")
        t.wait_until(lambda ls: any(l.startswith("#2 重大") for l in ls), what="#2 raised")
        rows = self.query("SELECT payload FROM outbox WHERE event = 'opinion_major' ORDER BY id")
        self.assertEqual(len(rows), 2)
        self.assertIn("网友发帖", rows[1][0])
        self.assertEqual(self.zs_json("opinion", "show", "2")["level"], "major")
        # Its detail: a note, then the response (the console's user is the
        # demo's admin, above a leader).
        t.keys("Enter")
        lines = t.wait_for("舆情 #2")
        self.assertIn("关联曝光：#2 翻新旧手机冒充新机销售", "\n".join(lines))
        self.assertIn("跟进 1 条", "\n".join(lines))
        t.keys("a")
        t.wait_for("跟进备注")
        t.type("已报局办公室")
        t.keys("Enter")
        t.wait_for("跟进 2 条")
        t.keys("R")
        t.wait_for("回应口径（带班领导审定")
        t.type("我局已组织检查电子市场，发现翻新机冒充新机的将依法查处。")
        t.keys("Enter")
        lines = t.wait_for("审定）：我局已组织检查电子市场")
        self.assertIn("状态：已回应", "\n".join(lines))
        o = self.zs_json("opinion", "show", "2")
        self.assertEqual((o["status"], o["notes"][-1]["text"]), ("responded", "已报局办公室"))
        self.assertEqual(o["response"], "我局已组织检查电子市场，发现翻新机冒充新机的将依法查处。")
        # Back on the list, the row says so.
        t.keys("Escape")
        t.wait_until(lambda ls: any(l.startswith("#2 重大 已回应") for l in ls), what="the list again")

    def test_exposure_detail_lists_its_opinions(self):
        t = self.console(80, 24)
        t.keys("Enter")   # the board's first exposure: #1, the pickle
        t.wait_for("曝光问题 #1")
        for _ in range(12):
            lines = t.wait_stable()
            if any("舆情 1 条" in l for l in lines):
                break
            t.keys("NPage")
        else:
            self.fail("no 舆情 in the exposure's detail:\n%s" % "\n".join(lines))
        text = "\n".join(lines)
        self.assertIn("#1 重大 已回应 20:35 抖音 本地探店博主", text)
        self.assertIn("回应口径：我局已连夜组织", text)


if __name__ == "__main__":
    unittest.main()
