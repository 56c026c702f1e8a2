#!/usr/bin/env python3
"""roster import and log import: encodings, layouts, all-or-nothing (also
past the first 20,000-row staging batch)."""

import json
import os
import unittest

import zs
from zs import ZsTestCase

HEADER = "日期,填报单位,姓名,职务,固定电话,移动电话,开始,结束,带班"


def leader(v):
    # roster list --format json gives "是"/"yes" today; a boolean is fine too.
    return v in (True, "是", "yes", "true")


class RosterImport(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def roster(self, *args):
        return self.env.ok("roster", "list", "--format", "json", *args).json()

    def imp(self, name, data, *args):
        return self.env.run("roster", "import", self.env.write(name, data), *args)

    def test_utf8(self):
        r = self.imp("r.csv", HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,022-87654321,13812345678,19:00,23:30,是\n")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("UTF-8", r.out)
        self.assertIn("新增 1 人次", r.out)
        self.assertIn("新建单位 1 个", r.out)
        rows = self.roster()
        self.assertEqual(len(rows), 1)
        x = rows[0]
        self.assertEqual((x["date"], x["unit"], x["name"], x["title"], x["mobile"]),
                         ("2026-03-15", "执法稽查队", "张建国", "副队长", "13812345678"))
        self.assertTrue(leader(x["leader"]))
        self.assertEqual(x["landline"].replace("-", ""), "02287654321")

    def test_utf8_with_bom(self):
        data = b"\xef\xbb\xbf" + (HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,,13812345678,,,\n").encode()
        r = self.imp("bom.csv", data)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("BOM", r.out)
        rows = self.roster()
        self.assertEqual(rows[0]["date"], "2026-03-15")     # the BOM is not part of the 日期 header
        self.assertEqual(rows[0]["name"], "张建国")

    def test_gb18030_crlf(self):
        text = HEADER + "\r\n2026-03-15,食品经营监管科,欧阳娜娜,科长,,15012345678,19:00,23:30,否\r\n" \
                        "2026-03-15,食品经营监管科,王芳,科员,,15012345679,19:00,23:30,\r\n"
        r = self.imp("gb.csv", text.encode("gb18030"))
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("GB18030", r.out.upper())
        rows = self.roster()
        self.assertEqual(sorted(x["name"] for x in rows), ["欧阳娜娜", "王芳"])
        self.assertEqual({x["unit"] for x in rows}, {"食品经营监管科"})
        for x in rows:                       # no stray \r in the last column
            self.assertFalse(leader(x["leader"]))
            self.assertNotIn("\r", json.dumps(x))

    def test_quoted_fields_with_commas_and_newlines(self):
        text = (HEADER + "\n"
                '2026-03-15,"执法稽查队",赵敏,"值班员,接线",,18612345678,20:00,23:00,\n'
                '2026-03-15,执法稽查队,"钱七","副队长\n兼带班",,13512345678,20:00,23:00,\n'
                '2026-03-15,执法稽查队,"周""八""",科员,,13512345679,20:00,23:00,\n')
        r = self.imp("q.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        rows = {x["name"]: x for x in self.roster()}
        self.assertEqual(set(rows), {"赵敏", "钱七", '周"八"'})
        self.assertEqual(rows["赵敏"]["title"], "值班员,接线")
        self.assertIn("副队长", rows["钱七"]["title"])
        self.assertIn("兼带班", rows["钱七"]["title"])
        self.assertNotIn("\n", rows["钱七"]["title"])      # one-line field

    def test_columns_by_header_in_any_order_without_optional_ones(self):
        text = ("移动电话,姓名,单位,职务,日期,固定电话,备用\n"
                "13812345678,张建国,执法稽查队,带班领导,2026-03-15,,x\n"
                "13912345678,李明,执法稽查队,科员,2026-03-15,,y\n")
        r = self.imp("o.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        rows = {x["name"]: x for x in self.roster()}
        self.assertEqual(rows["张建国"]["mobile"], "13812345678")
        # Without a 带班 column, a title that says so makes the duty leader.
        self.assertTrue(leader(rows["张建国"]["leader"]))
        self.assertFalse(leader(rows["李明"]["leader"]))
        # Without 开始/结束, the configured default shift 19:00-23:30.
        self.assertIn("19:00", rows["李明"]["shift_start"])
        self.assertIn("23:30", rows["李明"]["shift_end"])

    def test_default_shift_from_config(self):
        with open(self.env.config_path, "w") as f:
            f.write("[roster]\nshift_start = 18:00\nshift_end = 02:00\n")
        r = self.imp("o.csv", "日期,单位,姓名,职务,固定电话,移动电话\n2026-03-15,执法稽查队,李明,科员,,13912345678\n")
        self.assertEqual(r.rc, 0, repr(r))
        x = self.roster()[0]
        self.assertIn("18:00", x["shift_start"])
        self.assertIn("03-16", x["shift_end"])
        self.assertIn("02:00", x["shift_end"])

    def test_shift_crossing_midnight(self):
        r = self.imp("m.csv", HEADER + "\n2026-03-15,食品经营监管科,王芳,科长,,15012345678,22:00,02:00,是\n")
        self.assertEqual(r.rc, 0, repr(r))
        x = self.roster()[0]
        self.assertIn("03-15", x["shift_start"])
        self.assertIn("22:00", x["shift_start"])
        self.assertIn("03-16", x["shift_end"])
        self.assertIn("02:00", x["shift_end"])
        names = lambda now: [y["name"] for y in self.env.ok("roster", "list", "--now", "--format", "json", now=now).json()]
        self.assertEqual(names("2026-03-15 21:59"), [])
        self.assertEqual(names("2026-03-15 23:00"), ["王芳"])
        self.assertEqual(names("2026-03-16 01:30"), ["王芳"])
        self.assertEqual(names("2026-03-16 02:30"), [])
        # and the board shows who is on now
        b = self.env.ok("board", "--format", "json", now="2026-03-16 01:30").json()
        self.assertEqual([y["name"] for y in b["on_duty"]], ["王芳"])

    def test_reimport_updates_not_duplicates(self):
        first = HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,,13812345678,19:00,23:30,是\n" \
                         "2026-03-15,执法稽查队,李明,科员,,13912345678,19:00,23:30,\n"
        self.assertEqual(self.imp("a.csv", first).rc, 0)
        second = HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,,13800000000,19:00,23:59,是\n" \
                          "2026-03-15,执法稽查队,李明,科员,,13912345678,19:00,23:30,\n"
        r = self.imp("b.csv", second)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("新增 0 人次", r.out)
        self.assertIn("更新 2 人次", r.out)
        rows = {x["name"]: x for x in self.roster()}
        self.assertEqual(len(self.roster()), 2)
        self.assertEqual(rows["张建国"]["mobile"], "13800000000")
        self.assertIn("23:59", rows["张建国"]["shift_end"])
        units = self.env.ok("unit", "list", "--format", "json").json()
        self.assertEqual([u["name"] for u in units], ["执法稽查队"])

    def test_one_bad_row_imports_nothing(self):
        before = self.env.audit_rows()
        text = (HEADER + "\n"
                "2026-03-15,新单位甲所,张建国,副队长,,13812345678,19:00,23:30,是\n"
                "2026-03-15,新单位甲所,李明,科员,87654321,,19:00,23:30,\n"           # line 3: no area code
                "2026-03-15,新单位甲所,赵敏,科员,,13912345678,19:00,23:30,\n")
        r = self.imp("bad.csv", text)
        self.assertFails(r, 2, "第 3 行", "固定电话", "87654321")
        self.assertEqual(self.roster(), [])
        self.assertEqual(self.env.ok("unit", "list", "--format", "json").json(), [])   # no half-made unit
        self.assertEqual(self.env.audit_rows(), before)

    def test_every_bad_row_reported_with_line_number(self):
        text = (HEADER + "\n"
                '2026-03-15,A所,"多行\n姓名",科员,,13812345678,19:00,23:30,\n'       # lines 2-3, fine
                "2026-03-15,A所,乙,科员,,12812345678,19:00,23:30,\n"                   # line 4: mobile 12...
                "2026-02-30,A所,丙,科员,,13912345678,19:00,23:30,\n"                   # line 5: no such date
                "2026-03-15,A所,丁,科员,,,19:00,23:30,\n"                              # line 6: no phone
                "2026-03-15,A所,戊,科员,,13912345670,7pm,23:30,\n"                     # line 7: bad start
                "2026-03-15,A所,己,科员,,13912345671,19:00,23:30,也许\n")               # line 8: leader?
        r = self.imp("bad.csv", text)
        self.assertFails(r, 2, "第 4 行", "第 5 行", "第 6 行", "第 7 行", "第 8 行", "移动电话")
        self.assertNotIn("第 2 行", r.err)
        self.assertNotIn("第 3 行", r.err)
        self.assertEqual(self.roster(), [])
        r = self.env.run("roster", "import", self.env.path("bad.csv"), lang="en")
        self.assertFails(r, 2, "line 4", "line 8")

    def test_skip_bad_imports_the_good_rows(self):
        text = (HEADER + "\n"
                "2026-03-15,执法稽查队,张建国,副队长,,13812345678,19:00,23:30,是\n"
                "2026-03-15,执法稽查队,李明,科员,,1391234567,19:00,23:30,\n"
                "2026-03-15,执法稽查队,赵敏,科员,,13912345678,19:00,23:30,\n")
        r = self.imp("bad.csv", text, "--skip-bad")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("第 3 行", r.err)                  # still reported
        self.assertIn("新增 2 人次", r.out)
        self.assertEqual(sorted(x["name"] for x in self.roster()), ["张建国", "赵敏"])
        self.assertIsNotNone(self.env.audit_rows())

    def test_blank_rows_from_excel_are_ignored(self):
        text = ("日期,单位,姓名,职务,固定电话,移动电话\r\n"
                "2026-03-15,执法稽查队,李明,科员,,13912345678\r\n"
                "\r\n,,,,,\r\n,,,,,\r\n")
        r = self.imp("blank.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(len(self.roster()), 1)

    def test_header_cells_trimmed_and_quoted(self):
        r = self.imp("sp.csv", ' 日期 ,"单位", 姓名,职务,固定电话,移动电话\n2026-03-15,A所,乙,科员,,13512345679\n')
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(self.roster()[0]["unit"], "A所")

    def test_text_is_sanitised(self):
        text = HEADER + "\n2026-03-15,执法稽查队,\x1b[31m张建国\u202e,副队长\x07,,13812345678,,,\n"
        r = self.imp("esc.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        x = self.roster()[0]
        self.assertEqual(zs.bad_chars(x["name"] + x["title"]), [])
        self.assertIn("张建国", x["name"])

    def test_landline_with_extension(self):
        r = self.imp("ext.csv", HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,0571-8765432转123,,19:00,23:30,\n")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("123", self.roster()[0]["landline"])


LOG_HEADER = "received_at,channel,kind,caller,phone,subject,uscc,category,summary,ref"


class LogImport(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def imp(self, name, data, **kw):
        return self.env.run("log", "import", self.env.write(name, data), **kw)

    def test_progress_on_a_terminal_only(self):
        # Long enough to pass the one-second mark (about 3 s here, more
        # under sanitizers); on a terminal's stderr a progress line, into
        # a pipe none.
        path = self.env.path("big.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(LOG_HEADER + "\n")
            for i in range(250000):
                f.write("2026-03-15 %02d:%02d,web,complaint,,,某公司%d,,food,投诉第%d件要求退款,\n" % (i % 20, i % 60, i, i))
        import pty
        import subprocess
        import time
        master, slave = pty.openpty()
        start = time.monotonic()
        p = subprocess.run([zs.BIN, "--db", self.env.db, "log", "import", path], stdout=subprocess.PIPE,
                           stderr=slave, env=self.env.environ(), timeout=600)
        took = time.monotonic() - start
        os.close(slave)
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        os.close(master)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("已导入 250000 件", p.stdout.decode())
        err = err.decode("utf-8", "replace")
        if took > 1.5:
            self.assertRegex(err, r"导入：\d+ 行，每秒 \d+ 行，约 \d+%，还要约 ")
            self.assertTrue(err.rstrip("\r\n").endswith("\x1b[K"), repr(err[-80:]))   # cleared at the end
        # Into a pipe: not a byte of progress.
        r = self.env.run("log", "import", path)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertNotIn("每秒", r.err)
        self.assertNotIn("\r", r.err)

    def test_csv_english_header(self):
        text = (LOG_HEADER + "\n"
                "2026-03-15 20:05,12315-hotline,complaint,张三,13800000001,甲超市,,food,\"买到过期面包,要求赔偿\",H-1\n"
                "2026-03-15 20:10,8890,举报,,,乙餐馆,%s,catering,\"后厨脏乱\n有老鼠\",8890-1\n" % zs.USCC_OK)
        r = self.imp("en.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("已导入 2 件", r.out)
        rows = self.env.intakes()
        self.assertEqual([x["id"] for x in rows], [2, 1])
        i1, i2 = self.env.intake(1), self.env.intake(2)
        self.assertEqual((i1["channel"], i1["kind"], i1["caller"], i1["phone"], i1["subject"], i1["category"],
                          i1["summary"], i1["ref"], i1["received_at"]),
                         ("12315-hotline", "complaint", "张三", "13800000001", "甲超市", "food",
                          "买到过期面包,要求赔偿", "H-1", "2026-03-15T20:05:00+08:00"))
        self.assertEqual((i2["kind"], i2["uscc"], i2["summary"]), ("tip", zs.USCC_OK, "后厨脏乱\n有老鼠"))
        imports = [a for a in self.env.audit("--entity", "intake") if a["action"] == "import"]
        self.assertEqual(len(imports), 1)
        self.assertEqual(json.loads(imports[0]["after"])["added"], 2)
        self.assertEqual(imports[0]["unix_user"], zs.OS_USER)

    def test_csv_chinese_header_any_order(self):
        text = ("内容摘要,渠道,类别,受理时间,来电人,来电号码,被投诉主体,统一社会信用代码,分类,工单号\n"
                "咨询退费,12345转办,咨询,2026-03-15 20:20,李四,13900000002,,,prepaid,12345-9\n")
        r = self.imp("zh.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        i = self.env.intake(1)
        self.assertEqual((i["channel"], i["kind"], i["summary"], i["ref"], i["category"]),
                         ("12345", "inquiry", "咨询退费", "12345-9", "prepaid"))

    def test_csv_gb18030_with_bom_less_crlf(self):
        text = (LOG_HEADER + "\r\n2026-03-15 20:05,web,投诉,欧阳娜娜,,,,,网站投诉内容,\r\n").encode("gb18030")
        r = self.imp("gb.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        i = self.env.intake(1)
        self.assertEqual((i["caller"], i["summary"]), ("欧阳娜娜", "网站投诉内容"))

    def test_json_lines(self):
        text = ('{"received_at":"2026-03-15 20:30","channel":"weibo","kind":"tip","summary":"微博举报直播间卖假货",'
                '"ref":"WB-7","category":"livestream"}\n'
                '\n'
                '{"received_at":"2026-03-15 20:31","channel":"政务网站","kind":"投诉","summary":"网站投诉",'
                '"phone":"010-12345678","caller":null}\n'
                '{"受理时间":"2026-03-15 20:32","渠道":"来信","类别":"咨询","内容摘要":"来信咨询"}\r\n')
        r = self.imp("j.jsonl", text)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("已导入 3 件", r.out)
        i = self.env.intake(2)
        self.assertEqual((i["channel"], i["kind"], i["phone"]), ("web", "complaint", "01012345678"))
        self.assertEqual(self.env.intake(3)["channel"], "letter")
        self.assertEqual(self.env.intake(1)["ref"], "WB-7")

    def test_blank_rows_are_ignored(self):
        r = self.imp("lb.csv", "received_at,channel,kind,summary\r\n2026-03-15 20:00,web,tip,a\r\n,,,\r\n\r\n")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(len(self.env.intakes()), 1)

    def test_reimport_same_channel_and_ref_is_skipped(self):
        text = (LOG_HEADER + "\n"
                "2026-03-15 20:05,12315-hotline,complaint,,,,,,第一件,H-1\n"
                "2026-03-15 20:06,8890,complaint,,,,,,第二件,H-1\n")
        self.assertEqual(self.imp("a.csv", text).rc, 0)
        self.assertEqual(len(self.env.intakes()), 2)
        more = text + "2026-03-15 20:07,8890,complaint,,,,,,第三件,H-2\n"
        r = self.imp("b.csv", more)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("已导入 1 件", r.out)
        self.assertIn("跳过 2 件", r.out)
        self.assertEqual([x["summary"] for x in self.env.intakes()], ["第三件", "第二件", "第一件"])
        # the same in JSON Lines
        r = self.imp("c.jsonl", '{"received_at":"2026-03-15 20:05","channel":"12315-hotline","kind":"complaint",'
                                '"summary":"又来一次","ref":"H-1"}\n')
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(len(self.env.intakes()), 3)
        # a log add with the same ref is not an import: nothing is skipped there
        self.env.add("--channel", "12315-hotline", "--kind", "tip", "--text", "x", "--ref", "H-9")
        self.assertEqual(len(self.env.intakes()), 4)

    def test_all_or_nothing_with_line_numbers(self):
        self.env.add("--channel", "web", "--kind", "tip", "--text", "已有的一件")
        before = self.env.audit_rows()
        text = ("received_at,channel,kind,summary\n"
                "2026-03-15 20:40,web,complaint,\"好的一行\n跨两行\"\n"           # lines 2-3
                "2026-03-15 20:41,tv,complaint,坏渠道\n"                         # line 4
                "2026-03-15 20:42,web,complaint,\n"                              # line 5
                "2026-03-15 20:43,web,complaint,好的\n"
                "2026-03-15 25:00,web,complaint,坏时间\n"                        # line 7
                ",web,complaint,没有时间\n"                                      # line 8
                "2026-03-16 20:00,web,complaint,将来\n")                          # line 9
        r = self.imp("bad.csv", text)
        self.assertFails(r, 2, "第 4 行", "tv", "第 5 行", "内容摘要", "第 7 行", "第 8 行", "第 9 行")
        self.assertNotIn("第 2 行", r.err)
        self.assertNotIn("第 6 行", r.err)
        self.assertEqual(len(self.env.intakes()), 1)
        self.assertEqual(self.env.audit_rows(), before)

    def test_bad_row_after_a_full_staging_batch_imports_nothing(self):
        """Rows are moved from staging into intake 20,000 at a time; a bad
        row after the first batch has been moved must still undo it: the
        whole import is one transaction, so nothing is added and no audit
        row is written."""
        self.env.add("--channel", "web", "--kind", "tip", "--text", "已有的一件")
        before = self.env.audit_rows()
        good = 20005                                   # one full batch (20,000) and 5 more
        rows = ["2026-03-15 20:%02d,web,complaint,第%d件" % (k % 60, k) for k in range(good)]
        text = "received_at,channel,kind,summary\n" + "\n".join(rows) + "\n2026-03-15 20:59,tv,complaint,坏渠道\n"
        r = self.imp("big.csv", text)
        self.assertFails(r, 2, "1 行有错，没有导入任何一行", "第 %d 行" % (good + 2), "tv")
        self.assertEqual(r.out, "")
        left = [x["summary"] for x in self.env.intakes()]
        self.assertEqual(len(left), 1, "%d intakes after a failed import (first: %s)" % (len(left), left[:3]))
        self.assertEqual(left, ["已有的一件"])
        self.assertEqual(self.env.audit_rows(), before)

    def test_json_lines_bad_line_numbers(self):
        text = ('{"received_at":"2026-03-15 20:30","channel":"web","kind":"tip","summary":"好"}\n'
                'not json\n'
                '{"received_at":"2026-03-15 20:31","channel":"web","kind":"tip","summary":123.5}\n'
                '["an array"]\n'
                '{"received_at":"2026-03-15 20:32","channel":"web","kind":"打听","summary":"坏类别"}\n')
        r = self.imp("bad.jsonl", text)
        self.assertFails(r, 2, "第 2 行", "第 3 行", "第 4 行", "第 5 行")
        self.assertNotIn("第 1 行", r.err)
        self.assertEqual(self.env.intakes(), [])

    def test_imported_text_is_sanitised(self):
        text = LOG_HEADER + "\n2026-03-15 20:05,web,tip,\x1b]0;pwned\x07王\u202e五,,\x1b[2J公司,,,\x1b[31m内容\x9b,\n"
        r = self.imp("esc.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        i = self.env.intake(1)
        for k in ("caller", "subject", "summary"):
            self.assertEqual(zs.bad_chars(i[k]), [], (k, i[k]))
        self.assertIn("[2J", i["subject"])


if __name__ == "__main__":
    unittest.main()
