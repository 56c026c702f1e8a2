#!/usr/bin/env python3
"""Progress reports to the city bureau (上报进展情况, issue 14).

expose report ID writes the exposure's next numbered report from its
record and records it: 第1报, then 第2报（续报） saying what happened since
the first; --number N prints one again as sent; --preview records
nothing; --summary writes the gala's summary of every exposure; text or
Markdown, to stdout or a file (whole or not at all)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zs import ZsTestCase  # noqa: E402


class Reports(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.env.ok("unit", "add", "食品经营监管科")
        self.env.ok("expose", "add", "--title", "酸菜土坑腌制", "--aired", "20:15", "--industry", "食品",
                    "--companies", "甲食品公司;乙酱菜厂", "--lead", "食品经营监管科", "--level", "2")
        self.env.ok("expose", "action", "1", "--kind", "officers", "--count", "12", "--note", "连夜排查", now="2026-03-15 20:30")
        self.env.ok("expose", "instruct", "1", "--text", "立即排查，今晚报初步情况", now="2026-03-15 20:35")

    def reports(self):
        return self.env.query("SELECT exposure_id, gala_id, number FROM exposure_report ORDER BY id")

    def test_first_report_from_the_record(self):
        r = self.env.ok("expose", "report", "1")
        self.assertIn("关于央视3·15晚会曝光“酸菜土坑腌制”问题处置情况的第1报", r.out)
        self.assertNotIn("（续报）", r.out)
        for part in ("市市场监管局：", "一、基本情况", "二、处置措施", "三、下一步工作", "3月15日20:15",
                     "涉事企业：甲食品公司、乙酱菜厂", "由食品经营监管科牵头处置", "出动执法人员12人次：连夜排查",
                     "批示：“立即排查，今晚报初步情况”", "本地涉及情况正在核查"):
            self.assertIn(part, r.out)
        self.assertIn("已记为第1报", r.err)
        self.assertEqual(self.reports(), [(1, None, 1)])
        rows = [a for a in self.env.audit() if a.get("action") == "report"]
        self.assertEqual(len(rows), 1, rows)
        self.assertIn("上报第1报", "\n".join(h["what"] for h in self.env.exposure(1)["timeline"]))

    def test_second_report_follows_up_with_what_happened_since(self):
        self.env.ok("expose", "report", "1")
        self.env.ok("expose", "action", "1", "--kind", "checked", "--count", "7", "--note", "复查农贸市场",
                    now="2026-03-15 22:00")
        r = self.env.ok("expose", "report", "1", "--next", "明早8点前报书面材料", now="2026-03-15 22:10")
        self.assertIn("处置情况的第2报（续报）", r.out)
        self.assertIn("第1报以来：", r.out)
        since = r.out.split("第1报以来：", 1)[1].split("截至", 1)[0]
        self.assertIn("检查经营者7户：复查农贸市场", since)
        self.assertNotIn("连夜排查", since)        # reported in the first
        self.assertNotIn("批示", r.out)            # no new instruction since
        self.assertIn("累计出动执法人员12人次，检查经营者7户", r.out)
        self.assertIn("明早8点前报书面材料", r.out)
        self.assertEqual(self.reports(), [(1, None, 1), (1, None, 2)])

    def test_number_prints_one_again_and_preview_records_nothing(self):
        first = self.env.ok("expose", "report", "1").out
        self.env.ok("expose", "action", "1", "--kind", "case", "--count", "1", now="2026-03-15 22:00")
        p = self.env.ok("expose", "report", "1", "--preview", now="2026-03-15 22:05")
        self.assertIn("第2报（续报）", p.out)
        self.assertIn("预览", p.err)
        self.assertEqual(self.env.ok("expose", "report", "1", "--number", "1", now="2026-03-15 23:00").out, first)
        self.assertEqual(self.reports(), [(1, None, 1)])

    def test_markdown_file(self):
        self.env.ok("expose", "update", "1", "--title", "酸菜*土坑*腌制_问题")
        out = self.env.path("第1报.md")
        r = self.env.ok("expose", "report", "1", "-o", out)
        self.assertEqual(r.out, "")
        self.assertIn(out, r.err)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith("# 关于央视3·15晚会曝光“酸菜\\*土坑\\*腌制\\_问题”"), text[:80])
        self.assertIn("\n## 二、处置措施\n", text)

    def test_signed_by_the_bureau_and_the_writer(self):
        r = self.env.ok("expose", "report", "1", "--preview")
        self.assertIn("落款没有单位", r.err)
        self.assertIn("bureau = 本局名称", r.err)
        with open(self.env.config_path, "w", encoding="utf-8") as f:
            f.write("[report]\nbureau = 和平区市场监督管理局\nphone = 022-27301000\n")
        r = self.env.ok("expose", "report", "1", "--preview")
        self.assertNotIn("落款没有单位", r.err)
        tail = r.out.rstrip().splitlines()[-3:]
        self.assertEqual(tail[0].strip(), "和平区市场监督管理局")
        self.assertRegex(tail[1].strip(), r"^联系人：.+　联系电话：022-27301000$")
        self.assertEqual(tail[2].strip(), "2026年3月15日21:40")

    def test_an_operator_writes_and_signs_it(self):
        u = self.env.add_other_member("王五", "operator")
        if not u:
            self.skipTest("needs root for a second Unix user")
        r = self.env.ok("expose", "report", "1", user=u)
        self.assertIn("联系人：王五", r.out)
        self.assertIn("批示：“立即排查", r.out)      # the instruction's writer named too
        self.assertEqual(self.reports(), [(1, None, 1)])

    def test_local_involvement_in_words(self):
        self.env.ok("expose", "update", "1", "--local", "no")
        self.assertIn("经排查，本地无涉事主体。", self.env.ok("expose", "report", "1", "--preview").out)

    def test_summary_of_the_gala(self):
        self.env.ok("gala", "add", "--name", "2026年央视3·15晚会", "--start", "20:00", "--end", "22:10")
        self.env.ok("expose", "add", "--title", "手机翻新冒充新机", "--aired", "20:40")
        self.env.ok("expose", "update", "2", "--local", "no")
        r = self.env.ok("expose", "report", "--summary")
        self.assertIn("关于2026年央视3·15晚会曝光问题处置情况的汇总报告", r.out)
        self.assertIn("晚会共曝光问题2个，其中本地涉及0个，经排查本地无涉1个，正在核查1个", r.out)
        self.assertIn("（一）“酸菜土坑腌制”", r.out)
        self.assertIn("（二）“手机翻新冒充新机”", r.out)
        self.assertIn("合计：出动执法人员12人次", r.out)
        self.assertEqual(self.reports(), [(None, 1, 1)])
        self.assertIn("汇总报告（第2报）", self.env.ok("expose", "report", "--summary").out)


class BadInput(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.env.ok("expose", "add", "--title", "酸菜土坑腌制", "--aired", "20:15")

    def nothing_recorded(self):
        self.assertEqual(self.env.scalar("SELECT count(*) FROM exposure_report"), 0)

    def test_refused(self):
        cases = [
            (("expose", "report"), 2, "--summary"),
            (("expose", "report", "1", "--summary"), 2, "二者选一"),
            (("expose", "report", "9"), 2, "没有编号为 9 的曝光问题"),
            (("expose", "report", "x1"), 2, "曝光问题编号"),
            (("expose", "report", "1", "--number", "0"), 2, "--number"),
            (("expose", "report", "1", "--number", "1"), 2, "没有第1报"),
            (("expose", "report", "1", "--number", "1", "--next", "x"), 2, "--number"),
            (("expose", "report", "1", "--format", "xlsx"), 2, "txt 或 md"),
            (("expose", "report", "1", "-o", "r.xlsx"), 2, ".txt 或 .md"),
            (("expose", "report", "1", "--next", "长" * 2001), 2, "下一步工作"),
            (("expose", "report", "--summary"), 2, "gala add"),
        ]
        for args, rc, needle in cases:
            with self.subTest(args=args[:4]):
                r = self.env.run(*args)
                self.assertFails(r, rc, needle)
                self.assertEqual(r.out, "")
        self.nothing_recorded()

    def test_unwritable_file_records_nothing(self):
        r = self.env.run("expose", "report", "1", "-o", self.env.path("no/such/dir/r.txt"))
        self.assertNotEqual(r.rc, 0)
        self.assertTrue(r.err.strip())
        self.nothing_recorded()
        self.assertEqual([a for a in self.env.audit() if a.get("action") == "report"], [])


if __name__ == "__main__":
    unittest.main()
