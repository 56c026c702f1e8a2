#!/usr/bin/env python3
"""Entry into the 12315 platform in the console: the intake detail shows
12315平台编号 (who and when) or 未录入 and p records the number (a one-line
prompt; the hints stay within 80 columns); the morning review lists the
night's items not yet entered, by desk, at the end.  Driven through a real
tmux on the demo night as test_console.py drives the rest."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_console  # noqa: E402
import tmuxdrv  # noqa: E402
from test_console import ConsoleTest  # noqa: E402
from tmuxdrv import dwidth  # noqa: E402

NO = "1201012026031599999"


def setUpModule():
    test_console.setUpModule()


def tearDownModule():
    test_console.tearDownModule()


@unittest.skipUnless(tmuxdrv.TMUX, "tmux is not installed")
class PlatformKey(ConsoleTest):
    # The newest intake's detail, opened as test_console's tests open it.
    detail_of_newest = test_console.Views.detail_of_newest

    def test_p_records_the_number_and_refuses_a_bad_one(self):
        iid = self.log_add("平台录入测试用的投诉", subject="测试商店")
        t = self.detail_of_newest(iid)
        lines = t.wait_for("12315平台编号：未录入")
        hints = lines[-1]
        self.assertIn("p 平台", hints)
        self.assertIn("Esc/q 返回", hints)
        self.assertLessEqual(dwidth(hints.rstrip()), 80, hints)
        # A bad number: the reason on screen, nothing stored.
        t.keys("p")
        t.wait_for("12315平台编号（录入平台后填写）：")
        t.type("12-3")
        t.keys("Enter")
        t.wait_for("6 到 32")
        self.assertEqual(self.zs_json("log", "show", str(iid))["platform_no"], "")
        # The number: saved, shown with who entered it.
        t.keys("p")
        t.wait_for("12315平台编号（录入平台后填写）：")
        t.type(NO)
        t.keys("Enter")
        t.wait_for("已保存")
        lines = t.wait_for("12315平台编号：%s（" % NO)
        self.assertTrue(any("录入12315平台，编号 %s" % NO in l for l in lines), "\n".join(lines))
        self.assertEqual(self.zs_json("log", "show", str(iid))["platform_no"], NO)
        # p again starts on the number: Enter keeps it.
        t.keys("p")
        t.wait_for("录入平台后填写）：%s" % NO)
        t.keys("Enter")
        t.wait_for("未改动")
        self.assertNotIn(iid, [i["id"] for i in self.zs_json("log", "list", "--not-on-platform", "--limit", "0")])

    def test_review_lists_what_is_not_on_the_platform(self):
        iid = self.log_add("尚未录入平台的投诉", subject="测试商店")
        want = self.zs_json("review")["not_on_platform"]
        self.assertIn(iid, [x["id"] for x in want])
        t = self.console(80, 24)
        t.keys("m")
        lines = t.wait_for("早班回顾")
        # The count on the page's first screen, beside the handover.
        self.assertIn("今晚未录入12315平台 %d 件" % len(want), lines[1])
        self.assertLessEqual(dwidth(lines[1].rstrip()), 80)
        t.keys("End")
        lines = t.wait_until(lambda l: any("#%d " % iid in x for x in l) and l, what="the newest item at the end")
        row = [l for l in lines if "#%d " % iid in l][0]
        self.assertIn("测试商店", row)
        # Enter on it opens the intake, where p records the number.
        t.keys("Enter")
        t.wait_for("登记 #%d" % iid)
        t.wait_for("12315平台编号：未录入")
        t.keys("Escape")
        t.wait_for("早班回顾")
        # Above the items: the section's heading with the count, and the desk.
        heading = "【未录入12315平台 %d 件】" % len(want)
        for _ in range(12):
            lines = t.wait_stable(quiet=0.15)
            if any(heading in l for l in lines):
                break
            t.keys("PPage")
        self.assertTrue(any(heading in l for l in lines), "\n".join(lines))
        self.assertTrue(any("〔" in l and "件" in l for l in lines), "\n".join(lines))


if __name__ == "__main__":
    unittest.main()
