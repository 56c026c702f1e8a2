#!/usr/bin/env python3
"""Bad input gets a clear answer and nothing half-written.

Refusals run against one shared night: each test checks the exit status, the
message on stderr (naming the field and what is wrong), an empty stdout, and
that neither the intake count nor the audit chain moved (and the chain still
verifies).  Text that is accepted but must be stored sanitised gets a fresh
database per test."""

import hashlib
import json
import os
import sqlite3
import re
import unittest

import zs
from zs import Env, ZsTestCase

CHANNEL_CHOICES = ("12315-hotline", "12315-platform", "8890", "12345", "web", "weibo", "wechat", "other")


class Refused(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = e = Env()
        e.ok("init")
        e.ok("unit", "add", "执法稽查队")
        e.ok("expose", "add", "--title", "某品牌酸菜供应商土坑腌制", "--aired", "20:15")
        e.ok("log", "add", "--channel", "web", "--kind", "tip", "--text", "已有的一件", "--phone", "13800138000")
        e.ok("log", "update", "1", "--status", "closed")

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()

    def setUp(self):
        self.before = (len(self.env.intakes()), self.env.audit_rows(), self.env.intake_state(1))

    def refused(self, args, *needles, rc=2, usage=False, **kw):
        e = self.env
        r = e.run(*args, **kw)
        self.assertEqual(r.rc, rc, repr(r))
        self.assertEqual(r.out, "", "a refusal prints nothing on stdout:\n%r" % r)
        self.assertTrue(r.err.strip(), "no message:\n%r" % r)
        for n in needles:
            self.assertIn(n, r.err, repr(r))
        if usage:
            self.assertIn("用法", r.err, repr(r))
        # nothing half-written
        self.assertEqual((len(e.intakes()), e.audit_rows(), e.intake_state(1)), self.before,
                         "state changed after a refused command:\n%r" % r)
        return r

    def add(self, *extra):
        """log add args: defaults for --channel/--kind/--text, overridden by extra."""
        opts = {"--channel": "web", "--kind": "tip", "--text": "内容"}
        rest, i = [], 0
        while i < len(extra):
            if extra[i] in opts and i + 1 < len(extra):
                opts[extra[i]] = extra[i + 1]
                i += 2
            else:
                rest.append(extra[i])
                i += 1
        args = ["log", "add"]
        for k, v in opts.items():
            args += [k, v]
        return args + rest

    # --- lengths ------------------------------------------------------------

    def test_summary_over_4000_characters(self):
        self.refused(self.add("--text", "字" * 4001), "内容摘要", "4001", "4000")

    def test_caller_over_50_characters(self):
        self.refused(self.add("--caller", "名" * 51), "来电人", "50")

    def test_subject_over_100_characters(self):
        self.refused(self.add("--subject", "甲" * 101), "被投诉主体", "100")

    def test_reference_too_long(self):
        self.refused(self.add("--ref", "8" * 65), "工单号")

    def test_note_too_long(self):
        self.refused(["log", "update", "1", "--note", "注" * 2001], "备注", "2000")

    def test_exposure_title_too_long(self):
        self.refused(["expose", "add", "--title", "题" * 201], "标题", "200")

    def test_empty_summary(self):
        self.refused(self.add("--text", "   "), "内容摘要")

    def test_summary_of_only_control_characters(self):
        self.refused(self.add("--text", "\x1b\x07\x01"), "内容摘要")

    # --- phones and codes ---------------------------------------------------

    def test_mobile_not_11_digits(self):
        self.refused(self.add("--phone", "1381234567"), "来电号码", "1381234567")
        self.refused(self.add("--phone", "138123456789"), "来电号码")

    def test_mobile_starting_12(self):
        self.refused(self.add("--phone", "12812345678"), "来电号码", "12812345678")

    def test_phone_with_letters(self):
        self.refused(self.add("--phone", "1381234567a"), "来电号码")

    def test_roster_landline_without_area_code(self):
        p = self.env.write("noarea.csv", "日期,单位,姓名,职务,固定电话,移动电话\n2026-03-15,执法稽查队,李明,科员,87654321,\n")
        self.refused(["roster", "import", p], "第 2 行", "固定电话", "87654321", "区号")

    def test_roster_mobile_starting_12(self):
        p = self.env.write("m12.csv", "日期,单位,姓名,职务,固定电话,移动电话\n2026-03-15,执法稽查队,李明,科员,,12812345678\n")
        self.refused(["roster", "import", p], "第 2 行", "移动电话", "12812345678")

    def test_uscc_wrong_check_character(self):
        self.assertTrue(zs.USCC_OK.endswith("3"))
        self.refused(self.add("--uscc", zs.USCC_BAD), "统一社会信用代码", "校验位", zs.USCC_BAD)

    def test_uscc_wrong_shape(self):
        self.refused(self.add("--uscc", "91350100M000100Y4"), "统一社会信用代码")
        self.refused(self.add("--uscc", "91350100M00O100Y43"), "统一社会信用代码")

    # --- vocabularies ---------------------------------------------------------

    def test_unknown_channel_lists_choices(self):
        r = self.refused(self.add("--channel", "tv"), "渠道", "tv")
        for c in CHANNEL_CHOICES:
            self.assertIn(c, r.err)

    def test_unknown_kind_lists_choices(self):
        self.refused(self.add("--kind", "表扬"), "类别", "表扬", "投诉", "举报", "咨询", "complaint", "tip", "inquiry")

    def test_unknown_status_lists_choices(self):
        self.refused(["log", "update", "1", "--status", "done"], "状态", "done", "新登记", "已办结", "closed")
        self.refused(["log", "list", "--status", "done"], "状态", "closed")

    def test_unknown_category_lists_choices(self):
        self.refused(self.add("--category", "玩具"), "分类", "玩具", "food", "食品", "cosmetics")

    def test_unknown_unit(self):
        self.refused(["log", "update", "1", "--transfer", "不存在科"], "不存在科", "单位")
        self.refused(["expose", "add", "--title", "x", "--lead", "不存在科"], "不存在科", "单位")

    def test_unknown_exposure_vocabularies(self):
        self.refused(["expose", "add", "--title", "x", "--level", "5"], "级别", "特别重大")
        self.refused(["expose", "add", "--title", "x", "--local", "maybe"], "本地", "unknown")
        self.refused(["expose", "add", "--title", "x", "--status", "kaput"], "状态", "kaput")
        self.refused(["expose", "action", "1", "--kind", "dance"], "措施", "officers")

    def test_missing_required_fields(self):
        self.refused(["log", "add", "--kind", "tip", "--text", "x"], "渠道", "web")
        self.refused(["log", "add", "--channel", "web", "--text", "x"], "类别", "投诉")
        self.refused(["log", "add", "--channel", "web", "--kind", "tip"], "内容摘要")
        self.refused(["expose", "add", "--industry", "食品"], "标题")
        self.refused(["expose", "instruct", "1"], "批示")

    # --- times ----------------------------------------------------------------

    def test_unparsable_time(self):
        self.refused(self.add("--at", "明天"), "受理时间", "明天")

    def test_impossible_date(self):
        self.refused(self.add("--at", "2026-02-30 10:00"), "受理时间", "2026-02-30")

    def test_impossible_clock(self):
        self.refused(self.add("--at", "25:00"), "受理时间", "25:00")
        self.refused(self.add("--at", "2026-03-15 21:60"), "受理时间")

    def test_future_time(self):
        self.refused(self.add("--at", "2026-03-16 10:00"), "受理时间", "2026-03-16 10:00")
        self.refused(self.add("--at", "23:30"), "受理时间")

    def test_bad_times_elsewhere(self):
        self.refused(["log", "list", "--since", "明天"], "--since", "明天")
        self.refused(["log", "list", "--until", "2026-02-30"], "--until")
        self.refused(["expose", "add", "--title", "x", "--aired", "2026-13-01 10:00"], "曝光时间")
        self.refused(["expose", "add", "--title", "x", "--aired", "20:00", "--deadline", "19:00"], "时限")
        self.refused(["roster", "list", "--date", "2026-02-30"], "2026-02-30")

    # --- ids, amounts, updates ------------------------------------------------

    def test_bad_and_unknown_ids(self):
        self.refused(["log", "show", "abc"], "abc")
        self.refused(["log", "show", "999"], "999")
        self.refused(["log", "update", "999", "--note", "x"], "999")
        self.refused(["expose", "show", "0"], "0")
        self.refused(["expose", "show", "99"], "99")
        self.refused(["expose", "action", "99", "--kind", "officers"], "99")
        self.refused(["expose", "instruct", "99", "--text", "x"], "99")
        self.refused(self.add("--exposure", "99"), "99")
        self.refused(["log", "update", "1", "--exposure", "99"], "99")

    def test_bad_amount(self):
        self.refused(["log", "update", "1", "--recovered", "abc"], "挽回", "abc")
        self.refused(["log", "update", "1", "--recovered", "-5"], "挽回")
        self.refused(["log", "update", "1", "--recovered", "1.234"], "挽回")

    def test_bad_counts(self):
        self.refused(["log", "list", "--limit", "abc"], "--limit", "abc")
        self.refused(["log", "list", "--limit", "-1"], "--limit")
        self.refused(["expose", "action", "1", "--kind", "officers", "--count", "many"], "数量")

    def test_update_with_nothing_to_change(self):
        self.refused(["log", "update", "1"], "没有要修改的内容")
        self.refused(["expose", "update", "1"], "没有要修改的内容")

    def test_duplicate_of_itself_or_missing(self):
        self.env.ok("log", "add", "--channel", "web", "--kind", "tip", "--text", "第二件")
        self.before = (len(self.env.intakes()), self.env.audit_rows(), self.env.intake_state(1))
        self.refused(["log", "update", "2", "--duplicate-of", "2"], "2")
        self.refused(["log", "update", "2", "--duplicate-of", "999"], "999")
        self.refused(["log", "update", "2", "--status", "duplicate"], "--duplicate-of")

    # --- import files ---------------------------------------------------------

    def test_import_missing_column(self):
        p = self.env.write("miss.csv", "日期,单位,姓名,职务,移动电话\n2026-03-15,A所,甲,科员,13512345678\n")
        self.refused(["roster", "import", p], "固定电话")
        p = self.env.write("miss2.csv", "received_at,channel,kind\n2026-03-15 20:00,web,tip\n")
        self.refused(["log", "import", p], "summary", "内容摘要")

    def test_import_header_only(self):
        p = self.env.write("hdr.csv", "日期,单位,姓名,职务,固定电话,移动电话\n")
        self.refused(["roster", "import", p], "hdr.csv")
        p = self.env.write("hdr2.csv", "received_at,channel,kind,summary\n")
        self.refused(["log", "import", p], "hdr2.csv")

    def test_import_empty_file(self):
        p = self.env.write("empty.csv", b"")
        self.refused(["roster", "import", p], "空")
        self.refused(["log", "import", p], "空")

    def test_import_binary_file(self):
        p = self.env.write("bin.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + bytes(range(256)) * 8)
        self.refused(["roster", "import", p], "二进制")
        self.refused(["log", "import", p], "二进制")
        # A ZIP's header makes it a workbook, whatever the name: a damaged one here.
        p = self.env.write("zip.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8)
        self.refused(["roster", "import", p], "zip.csv", "已损坏或不完整")
        self.refused(["log", "import", p], "zip.csv", "已损坏或不完整")

    def test_import_text_with_nul_bytes(self):
        p = self.env.write("nul.csv", "日期,单位,姓名,职务,固定电话,移动电话\n2026-03-15,A所,甲\x00乙,科员,,13512345678\n")
        self.refused(["roster", "import", p])
        p = self.env.write("nul2.csv", "received_at,channel,kind,summary\n2026-03-15 20:00,web,tip,a\x00b\n")
        self.refused(["log", "import", p])
        p = self.env.write("nul3.jsonl", '{"received_at":"2026-03-15 20:00","channel":"web","kind":"tip","summary":"a\x00b"}\n')
        self.refused(["log", "import", p])

    def test_import_directory(self):
        d = self.env.path("adir")
        os.makedirs(d, exist_ok=True)
        self.refused(["roster", "import", d], "adir")
        self.refused(["log", "import", d], "adir")

    def test_import_missing_file(self):
        self.refused(["roster", "import", self.env.path("nope.csv")], "nope.csv")
        self.refused(["log", "import", self.env.path("nope.csv")], "nope.csv")

    def test_import_undecodable_bytes(self):
        # bytes that are neither UTF-8 nor GB18030 text
        p = self.env.write("junk.csv", "received_at,channel,kind,summary\n".encode() + b"2026-03-15 20:00,web,tip,\xff\xff\xff\x80\n")
        self.refused(["log", "import", p], "UTF-8")

    # --- the command line -------------------------------------------------------

    def test_unknown_option(self):
        self.refused(["log", "list", "--bogus"], "--bogus", usage=True)
        self.refused(["--bogus", "log", "list"], "--bogus")

    def test_missing_option_value(self):
        self.refused(["log", "add", "--channel"], "--channel", usage=True)
        self.refused(["log", "list", "--format"], "--format", usage=True)

    def test_bad_format(self):
        self.refused(["log", "list", "--format", "xml"], "xml", "table", "json", usage=True)
        self.refused(["board", "--format", "csv"], "csv", "text", usage=True)
        self.refused(["expose", "list", "--format", "yaml"], "yaml", usage=True)

    def test_unknown_command(self):
        self.refused(["frobnicate"], "frobnicate")
        self.refused(["log", "delete", "1"], "delete")

    def test_extra_arguments(self):
        self.refused(["log", "list", "extra"], "extra", usage=True)
        self.refused(["log", "show", "1", "2"], usage=True)
        self.refused(["roster", "import"], usage=True)
        self.refused(["search"], usage=True)

    def test_bad_config(self):
        bad = self.env.write("bad.conf", "[general]\ntimezone = Asia/Shanghai\nfrobs = 3\n")
        self.refused(["--config", bad, "log", "list"], "bad.conf", "3", "frobs")
        tz = self.env.write("tz.conf", "[general]\ntimezone = Mars/Olympus\n")
        self.refused(["--config", tz, "log", "list"], "Mars/Olympus")
        self.refused(["--config", self.env.path("missing.conf"), "log", "list"], "missing.conf")

    def test_bad_shift_times_in_config(self):
        # [roster] shift_start/shift_end are exactly H:MM or HH:MM within
        # 00:00-24:00; anything else stops every command, naming the file,
        # the line, the setting and the value.
        for value in ("24:30", "+1:00", "9:5", "1:000", "09:60", "-1:00", "9：00", "0009:00"):
            with self.subTest(value=value):
                conf = self.env.write("shift.conf", "[roster]\nshift_start = 19:00\nshift_end = %s\n" % value)
                for args in (["log", "list"], ["roster", "list"]):
                    self.refused(["--config", conf] + args, "shift.conf", "第 3 行", "[roster] shift_end",
                                 "「%s」" % value)

    # --- the database file ----------------------------------------------------

    @zs.sqlite_only("file paths: a missing database file is not created")
    def test_database_missing_is_not_created(self):
        p = self.env.path("never.db")
        self.refused(["log", "list"], "zhishou init", db=p)
        self.refused(["log", "add", "--channel", "web", "--kind", "tip", "--text", "x"], "zhishou init", db=p)
        self.assertFalse(os.path.exists(p))

    @zs.sqlite_only("file paths: the database file's directory")
    def test_database_directory_cannot_be_created(self):
        self.refused(["init"], "/proc/nope", rc=1, db="/proc/nope/x.db")
        self.assertFalse(os.path.exists("/proc/nope"))

    @zs.sqlite_only("file paths: the database file's directory")
    def test_database_under_a_regular_file(self):
        f = self.env.write("plain.txt", "x")
        self.refused(["init"], "plain.txt", rc=1, db=os.path.join(f, "x.db"))

    @zs.sqlite_only("file paths: the database file's directory")
    def test_database_directory_not_writable(self):
        if os.geteuid() == 0:
            self.skipTest("root writes anywhere")
        d = self.env.path("ro")
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o555)
        self.addCleanup(os.chmod, d, 0o755)
        self.refused(["init"], "ro", rc=1, db=os.path.join(d, "x.db"))

    @zs.sqlite_only("file paths: a directory given as the database file")
    def test_database_is_a_directory(self):
        d = self.env.path("dbdir")
        os.makedirs(d, exist_ok=True)
        self.refused(["log", "list"], "dbdir", db=d)
        self.refused(["init"], "dbdir", db=d)

    def _unchanged_file(self, path, args, *needles, rc=2):
        def digest():
            with open(path, "rb") as f:
                return hashlib.sha256(f.read()).hexdigest()
        h = digest()
        self.refused(args, *needles, rc=rc, db=path)
        self.assertEqual(digest(), h, "zhishou changed the file")
        for side in ("-wal", "-shm", "-journal"):
            self.assertFalse(os.path.exists(path + side) and os.path.getsize(path + side) > 0,
                             "left %s%s behind" % (path, side))

    @zs.sqlite_only("a file that is not an SQLite database")
    def test_text_file_is_not_a_database(self):
        p = self.env.write("notes.txt", "这不是数据库\n" * 100)
        self._unchanged_file(p, ["log", "list"], "不是 zhishou 数据库")
        self._unchanged_file(p, ["init"], "不是 zhishou 数据库")

    @zs.sqlite_only("another program's SQLite file (its PostgreSQL twin: test_other_programs_pg_database)")
    def test_other_programs_sqlite_file(self):
        p = self.env.path("other.sqlite")
        con = sqlite3.connect(p)
        con.execute("CREATE TABLE contacts(name TEXT, phone TEXT)")
        con.execute("INSERT INTO contacts VALUES ('a', 'b')")
        con.commit()
        con.close()
        self._unchanged_file(p, ["log", "list"], "不是 zhishou 数据库")
        self._unchanged_file(p, ["init"], "不是 zhishou 数据库")
        self._unchanged_file(p, ["log", "add", "--channel", "web", "--kind", "tip", "--text", "x"], "不是 zhishou 数据库")

    @zs.sqlite_only("PRAGMA user_version of the file (its PostgreSQL twin: test_pg_database_from_a_newer_zhishou)")
    def test_database_from_a_newer_zhishou(self):
        p = self.env.path("newer.db")
        e2 = Env()
        self.addCleanup(e2.cleanup)
        e2.ok("init")
        e2.ok("log", "add", "--channel", "web", "--kind", "tip", "--text", "x")
        con = sqlite3.connect(e2.db)
        self.assertEqual(con.execute("PRAGMA application_id").fetchone()[0], zs.APP_ID)
        con.execute("PRAGMA user_version = 99")
        con.commit()
        con.close()
        os.rename(e2.db, p)
        for args in (["log", "list"], ["init"], ["log", "add", "--channel", "web", "--kind", "tip", "--text", "x"]):
            r = self.env.run(*args, db=p)
            self.assertIn(r.rc, (1, 2), repr(r))
            self.assertIn("更新版本", r.err, repr(r))
            self.assertIn("99", r.err, repr(r))
            self.assertEqual(r.out, "")
        con = sqlite3.connect(p)
        self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], 99)
        self.assertEqual(con.execute("SELECT count(*) FROM intake").fetchone()[0], 1)
        con.close()

    @zs.sqlite_only("PRAGMA application_id and user_version of the file")
    def test_newer_database_made_from_scratch(self):
        p = self.env.path("newer2.db")
        con = sqlite3.connect(p)
        con.execute("PRAGMA application_id = %d" % zs.APP_ID)
        con.execute("PRAGMA user_version = 99")
        con.execute("CREATE TABLE future_things(x)")
        con.commit()
        con.close()
        r = self.refused(["log", "list"], "更新版本", rc=1, db=p)
        r = self.env.run("log", "list", db=p, lang="en")
        self.assertIn("newer", r.err)

    # --- the PostgreSQL database (its twins of the file's refusals) ----------

    @unittest.skipUnless(zs.PG, "PostgreSQL only")
    def test_pg_database_missing_tables_is_not_initialised(self):
        e2 = Env()
        self.addCleanup(e2.cleanup)
        self.refused(["log", "list"], "zhishou init", db=e2.db)
        self.refused(["log", "add", "--channel", "web", "--kind", "tip", "--text", "x"], "zhishou init", db=e2.db)
        self.assertFalse(e2.made())

    @unittest.skipUnless(zs.PG, "PostgreSQL only")
    def test_other_programs_pg_database(self):
        e2 = Env()
        self.addCleanup(e2.cleanup)
        e2.execute("CREATE TABLE contacts(name text, phone text); INSERT INTO contacts VALUES ('a', 'b')")
        for args in (["log", "list"], ["init"], ["log", "add", "--channel", "web", "--kind", "tip", "--text", "x"]):
            self.refused(args, "不是 zhishou 数据库", db=e2.db)
        self.assertEqual(e2.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"), [("contacts",)])
        self.assertEqual(e2.query("SELECT * FROM contacts"), [("a", "b")])

    @unittest.skipUnless(zs.PG, "PostgreSQL only")
    def test_pg_database_from_a_newer_zhishou(self):
        e2 = Env()
        self.addCleanup(e2.cleanup)
        e2.ok("init")
        e2.ok("log", "add", "--channel", "web", "--kind", "tip", "--text", "x")
        e2.execute("UPDATE zhishou_schema SET version = 99")
        for args in (["log", "list"], ["init"], ["log", "add", "--channel", "web", "--kind", "tip", "--text", "x"]):
            r = self.env.run(*args, db=e2.db)
            self.assertIn(r.rc, (1, 2), repr(r))
            self.assertIn("更新版本", r.err, repr(r))
            self.assertIn("99", r.err, repr(r))
            self.assertEqual(r.out, "")
        self.assertEqual(e2.query("SELECT version FROM zhishou_schema"), [(99,)])
        self.assertEqual(e2.scalar("SELECT count(*) FROM intake"), 1)


CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


class EnglishMessages(ZsTestCase):
    """--lang en: what the CSV reader and the time parser say is English
    too, with the field it is about ("received time: no such date ...")."""

    def setUp(self):
        super().setUp()
        self.init()

    def english(self, args, *needles, rc=2):
        r = self.env.run(*args, lang="en")
        self.assertEqual(r.rc, rc, repr(r))
        self.assertTrue(r.err.strip(), repr(r))
        self.assertIsNone(CJK.search(r.err), "Chinese in an English message:\n%r" % r)
        for n in needles:
            self.assertIn(n, r.err, repr(r))
        return r

    def test_bad_times(self):
        add = ["log", "add", "--channel", "web", "--kind", "tip", "--text", "x", "--at"]
        self.english(add + ["2026-02-30"], "received time", "no such date: 2026-02-30")
        self.english(add + ["25:61"], "no such time of day")
        self.english(add + ["tomorrow 3pm"], "unrecognised time")
        self.english(["log", "export", "--from", "2026-13-01"], "--from")

    def test_csv_reader(self):
        e = self.env
        w = e.write
        for cmd in (["log", "import"], ["roster", "import"]):
            self.english(cmd + [w("empty.csv", b"")], "the file is empty")
            self.english(cmd + [w("bin.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)], "binary")
            self.english(cmd + [w("zip.csv", b"PK\x03\x04\x14\x00" + bytes(range(256)) * 8)], "damaged or incomplete")
            self.english(cmd + [w("u16.csv", "a,b\n".encode("utf-16"))], "UTF-16")
            self.english(cmd + [e.path("nope.csv")], "cannot open", "nope.csv")
            self.english(cmd + [e.path("")])   # a directory
        self.english(["log", "import", w("q.csv", "received_at,channel,kind,summary\n2026-03-15 20:00,web,tip,\"open\n")],
                     "line 2: unclosed quote")
        self.english(["log", "import", w("u8.csv", "received_at,channel,kind,summary\n".encode()
                                          + b"2026-03-15 20:00,web,tip,\xff\xfe\xfd\n")], "encoding")
        # A bad row: its line and the field, in English.
        r = self.english(["log", "import", w("row.csv", "received_at,channel,kind,summary\n"
                                              "2026-02-30 20:00,web,tip,x\n")], "line 2", "no such date")
        self.assertIn("received", r.err)
        roster = "日期,单位,姓名,职务,固定电话,移动电话\n"
        self.english(["roster", "import", w("r1.csv", roster + "2026-02-30,A所,甲,科员,,13512345678\n")],
                     "line 2", "date")
        self.english(["roster", "import", w("r2.csv", roster + "2026-03-15,A所,\"甲,科员,,13512345678\n")],
                     "unclosed quote")


class Sanitised(ZsTestCase):
    """Accepted, but stored clean: no C0/C1 controls, no escape sequences, no
    bidi overrides, only valid UTF-8 -- checked in the unmasked JSON."""

    def setUp(self):
        super().setUp()
        self.init()

    def stored(self, iid=None):
        rows = self.env.intakes()
        return self.env.intake(iid or rows[0]["id"])

    def assertClean(self, obj, multiline=("summary", "notes")):
        for k, v in obj.items():
            if isinstance(v, str):
                self.assertEqual(zs.bad_chars(v, allow_newline=k in multiline), [], "%s=%r" % (k, v))

    def test_invalid_utf8(self):
        r = self.env.run("log", "add", "--channel", "web", "--kind", "tip",
                         "--text", b"\xe5\x9d\x8f\xff\xfe\xe5\xad\x97\xe8\x8a",        # 坏 <ff fe> 字 <truncated>
                         "--caller", b"\xc0\xaf\xe5\xbc\xa0",                          # overlong '/', 张
                         "--subject", b"\xed\xa0\x80\xe5\x85\xac\xe5\x8f\xb8")           # surrogate, 公司
        self.assertEqual(r.rc, 0, repr(r))
        i = self.stored()            # env.run decoded every byte as strict UTF-8
        self.assertClean(i)
        self.assertTrue(i["summary"].startswith("坏"), i)
        self.assertIn("字", i["summary"])
        self.assertIn("张", i["caller"])
        self.assertIn("公司", i["subject"])
        self.assertNotIn("\udcff", json.dumps(i))

    def test_c0_and_c1_controls(self):
        r = self.env.run("log", "add", "--channel", "web", "--kind", "tip",
                         "--text", "控制\x01\x08\x7f\u0085\u009b符\n第二行\r\n第三行",
                         "--caller", "王\x0b五\n", "--subject", "某\x1f公司\u0090")
        self.assertEqual(r.rc, 0, repr(r))
        i = self.stored()
        self.assertClean(i)
        self.assertIn("控制", i["summary"])
        self.assertIn("符", i["summary"])
        self.assertIn("第二行", i["summary"])
        self.assertEqual(i["summary"].count("\n"), 2, repr(i["summary"]))     # a summary keeps its lines
        self.assertNotIn("\n", i["caller"])                                   # a name does not
        self.assertIn("五", i["caller"])
        self.assertIn("公司", i["subject"])

    def test_escape_sequences(self):
        evil = "\x1b[2J\x1b]0;pwned\x07"
        r = self.env.run("log", "add", "--channel", "web", "--kind", "tip", "--text", evil + "内容",
                         "--caller", evil + "张三", "--subject", evil + "某公司")
        self.assertEqual(r.rc, 0, repr(r))
        i = self.stored()
        self.assertClean(i)
        for k in ("summary", "caller", "subject"):
            self.assertNotIn("\x1b", i[k])
            self.assertIn("[2J", i[k], (k, i[k]))
        # and nothing raw reaches the terminal either
        for fmt in ("table", "tsv", "csv", "json"):
            out = self.env.ok("log", "list", "--format", fmt).out
            self.assertNotIn("\x1b", out)
            self.assertNotIn("\x07", out)
        self.assertNotIn("\x1b", self.env.ok("log", "show", str(i["id"])).out)

    def test_bidi_overrides(self):
        r = self.env.run("log", "add", "--channel", "web", "--kind", "tip",
                         "--text", "退款\u202e0001\u202c元\u2066x\u2069", "--caller", "\u202e三张",
                         "--subject", "\u200f某\u202d公司\u061c")
        self.assertEqual(r.rc, 0, repr(r))
        i = self.stored()
        self.assertClean(i)
        self.assertIn("退款", i["summary"])
        self.assertIn("0001", i["summary"])
        self.assertEqual(i["caller"], "三张")

    def test_other_text_fields(self):
        e = self.env
        evil = "\x1b[31m\u202e\x07"
        e.ok("unit", "add", "执法" + evil + "稽查队")
        units = e.ok("unit", "list", "--format", "json").json()
        self.assertEqual(zs.bad_chars(units[0]["name"]), [])
        e.ok("expose", "add", "--title", "标题" + evil, "--industry", "食品" + evil,
             "--companies", "甲公司" + evil + ";乙公司", "--keywords", "酸菜" + evil, "--aired", "20:00")
        e.ok("expose", "action", "1", "--kind", "officers", "--note", "说明" + evil)
        e.ok("expose", "instruct", "1", "--text", "批示" + evil)
        x = e.exposure(1)
        self.assertClean(x)
        show = e.ok("expose", "show", "1").out
        self.assertEqual(zs.bad_chars(show, allow_newline=True), [])
        e.add("--channel", "web", "--kind", "tip", "--text", "x")
        e.ok("log", "update", "1", "--note", "备注" + evil + "\n第二行")
        self.assertClean(e.intake(1))
        for a in e.audit():
            self.assertClean(a)

    def test_output_is_sanitised_even_for_raw_stored_text(self):
        # Text written by something else (an older version, a hand edit) must
        # still never reach the terminal raw.
        e = self.env
        e.add("--channel", "web", "--kind", "tip", "--text", "正常")
        try:
            e.execute("UPDATE intake SET summary = ?, subject = ? WHERE id = 1",
                      "\x1b[2J\x1b]0;pwned\x07坏\u202e", "\x1b[31m红")
        except zs.SQLError as ex:
            self.skipTest("cannot write the intake table directly: %s" % ex)
        for args in (["log", "list"], ["log", "list", "--format", "tsv"], ["log", "list", "--format", "csv"],
                     ["log", "list", "--format", "json"], ["log", "show", "1"], ["search", "红"]):
            out = e.ok(*args).out
            self.assertEqual(zs.bad_chars(out, allow_newline=True, allow_tab="tsv" in args), [],
                             "%s printed %r" % (args, out))

    def test_shift_time_with_leading_space(self):
        # The INI reader trims blanks around a value, so " 9:00" is read as
        # 9:00 (never as another time, never as a bad value): a roster row
        # without times then ends at 09:00 the next morning.
        e = self.env
        conf = e.write("shift.conf", "[roster]\nshift_end =  9:00\n")
        e.ok("unit", "add", "食品安全监管科")
        csv = e.write("roster.csv", "日期,单位,姓名,职务,固定电话,移动电话\n"
                                    "2026-03-15,食品安全监管科,张三,科长,022-27300001,13800000001\n")
        e.ok("--config", conf, "roster", "import", csv)
        rows = e.ok("roster", "list", "--format", "json").json()
        self.assertEqual([(r["shift_start"], r["shift_end"]) for r in rows],
                         [("2026-03-15T19:00:00+08:00", "2026-03-16T09:00:00+08:00")])

    def test_length_limits_are_inclusive(self):
        e = self.env
        e.ok("log", "add", "--channel", "web", "--kind", "tip", "--text", "字" * 4000, "--caller", "名" * 50,
             "--subject", "甲" * 100, "--ref", "8" * 64)
        i = self.stored()
        self.assertEqual(len(i["summary"]), 4000)
        self.assertEqual(len(i["caller"]), 50)
        # the limit counts characters, not bytes, and not stripped controls
        e.ok("log", "add", "--channel", "web", "--kind", "tip", "--text", "字" * 3999 + "\x1b\x07")

    def test_phones_normalised(self):
        e = self.env
        for raw, want in (("+86 138-0013-8000", "13800138000"), ("（010）1234 5678", "01012345678"),
                          ("０１３８００１３８０００"[1:], "13800138000")):
            iid, _ = e.add("--channel", "web", "--kind", "tip", "--text", "x", "--phone", raw)
            self.assertEqual(e.intake(iid)["phone"], want, raw)


if __name__ == "__main__":
    unittest.main()
