#!/usr/bin/env python3
"""Progress reports to the city in the console (issue 14): r on an
exposure's page shows the next report as `zhishou expose report` writes
it (a preview, nothing recorded), n sets 下一步工作, w records it as 第N报
and writes the file; R on the morning review does the same for the
gala's summary.  At 80x24 on the demo night, through a real tmux."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_console  # noqa: E402
import tmuxdrv  # noqa: E402
from test_console import ConsoleTest  # noqa: E402
from tmuxdrv import dwidth  # noqa: E402


def setUpModule():
    test_console.setUpModule()


def tearDownModule():
    test_console.tearDownModule()


@unittest.skipUnless(tmuxdrv.TMUX, "tmux is not installed")
class Reports(ConsoleTest):
    def recorded(self):
        return self.query("SELECT coalesce(exposure_id, 0), number, next_steps FROM exposure_report ORDER BY id")

    def open_first_exposure(self, t):
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        eid = self.zs_json("expose", "list")[0]["id"]
        return eid, t.wait_for("曝光问题 #%d" % eid)

    def test_exposure_report_preview_then_recorded(self):
        t = self.console(80, 24)
        eid, lines = self.open_first_exposure(t)
        before = len(self.recorded())
        t.keys("r")
        lines = t.wait_for("的第%d报（预览" % (before + 1))
        text = "\n".join(lines)
        self.assertIn("市市场监管局：", text)
        self.assertIn("一、基本情况", text)
        for l in lines:
            self.assertLessEqual(dwidth(l.rstrip()), 80, l)
        self.assertIn("w 记下并写出", lines[23])
        self.assertEqual(len(self.recorded()), before)          # a preview records nothing
        t.keys("n")
        t.wait_for("下一步工作（空：用常用说法）")
        t.type("明早八点前报书面材料")
        t.keys("Enter")
        t.keys("End")
        t.wait_for("明早八点前报书面材料")
        t.keys("w")
        t.wait_for("记为这一报并写到文件")
        path = os.path.join(self.dir, "第一报.md")
        t.keys("C-u")
        t.type(path)
        t.keys("Enter")
        lines = t.wait_for("已记为第%d报" % (before + 1))
        self.assertEqual(self.recorded()[-1], (eid, before + 1, "明早八点前报书面材料"))
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith("# 关于"), text[:40])
        self.assertIn("明早八点前报书面材料", text)
        # the same report as the command prints it again
        again = self.zs("expose", "report", str(eid), "--number", str(before + 1), "--format", "md")
        self.assertEqual(again, text)
        t.keys("q")
        t.wait_for("曝光问题 #%d" % eid)
        t.keys("r")
        t.wait_for("的第%d报（预览" % (before + 2))

    def test_summary_from_the_review(self):
        t = self.console(80, 24)
        t.wait_stable(quiet=0.15)
        t.keys("m")
        t.wait_for("早班回顾")
        t.keys("R")
        lines = t.wait_for("汇总报告（预览")
        self.assertIn("晚会共曝光问题", "\n".join(lines))
        t.keys("w")
        t.wait_for("记为这一报并写到文件")
        t.keys("C-u")
        t.type(os.path.join(self.dir, "汇总.txt"))
        t.keys("Enter")
        t.wait_for("已记为第1报")
        self.assertEqual([r[:2] for r in self.recorded() if r[0] == 0], [(0, 1)])


if __name__ == "__main__":
    unittest.main()
