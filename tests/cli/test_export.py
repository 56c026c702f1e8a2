#!/usr/bin/env python3
"""zhishou log export: the night's intakes as XLSX (read back with openpyxl)
and CSV (BOM, round trip); callers masked unless --with-pii, which is
audited; a confidential tip-giver never leaves, masked or whole, with
--with-pii or without; bad input leaves no file."""

import os
import sys

from zs import require_debian_module  # noqa: E402

openpyxl = require_debian_module("openpyxl", "python3-openpyxl")

import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import unittest  # noqa: E402


from zs import Env  # noqa: E402

NOW = "2026-03-15 23:00"
CALLERS = [("欧阳娜娜", "13912345678"), ("张三", "13800138000"), ("", "")]


class Export(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = e = Env(now=NOW)
        e.ok("init")
        e.ok("gala", "add", "--name", "央视3·15晚会", "--start", "2026-03-15 20:00", "--end", "2026-03-15 22:30")
        e.ok("unit", "add", "食品安全监管科")
        eid = e.ok("expose", "add", "--title", "土坑酸菜").out.strip()
        # One before the gala (outside the default period).
        e.add("--channel", "web", "--kind", "complaint", "--text", "下午的投诉", "--at", "2026-03-15 15:00",
              "--caller", "早到者", "--phone", "13700001111")
        cls.ids = []
        for k, (name, phone) in enumerate(CALLERS):
            args = ["--channel", "12315-hotline", "--kind", "complaint", "--text", "酸菜,有\"引号\"\n第二行",
                    "--at", "2026-03-15 21:%02d" % (10 + k), "--subject", "=HYPERLINK(\"x\")"]
            if name:
                args += ["--caller", name, "--phone", phone]
            cls.ids.append(e.add(*args)[0])
        e.ok("log", "update", str(cls.ids[0]), "--exposure", eid, "--recovered", "120.5", "--status", "closed",
             "--outcome", "达成协议")
        e.ok("log", "update", str(cls.ids[1]), "--transfer", "食品安全监管科", "--note", "已转")

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()

    def exports(self):
        return [a for a in self.env.audit("--entity", "intake") if a["action"] == "export"]

    def test_xlsx_masked_by_default(self):
        e = self.env
        out = e.path("登记.xlsx")
        r = e.ok("log", "export", "-o", out)
        self.assertIn("已导出 3 件", r.err)
        ws = openpyxl.load_workbook(out).active
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(rows[0][:6], ("编号", "受理时间", "渠道", "类别", "来电人", "来电号码"))
        self.assertEqual(len(rows), 4)               # the gala night only
        by_id = {row[0]: row for row in rows[1:]}
        self.assertEqual(set(by_id), set(self.ids))
        a = by_id[self.ids[0]]
        self.assertEqual(a[4], "欧***")
        self.assertEqual(a[5], "139****5678")
        self.assertEqual(a[11], "土坑酸菜")
        head = rows[0]
        self.assertEqual(a[head.index("挽回经济损失（元）")], 120.5)
        self.assertEqual(a[head.index("调解结果")], "达成协议")
        self.assertEqual(head.index("调解结果"), head.index("状态") + 1)
        self.assertEqual(by_id[self.ids[1]][13], "食品安全监管科")
        self.assertEqual(by_id[self.ids[2]][4], None)
        self.assertEqual(a[9], "酸菜,有\"引号\"\n第二行")
        for row in rows:
            for needle in ("欧阳娜娜", "13912345678", "13800138000", "早到者"):
                self.assertNotIn(needle, [str(v) for v in row])
        self.assertEqual(ws.freeze_panes, "A2")
        last = self.exports()[-1]
        after = json.loads(last["after"])
        self.assertFalse(after["with_pii"])
        self.assertEqual(after["rows"], 3)

    def test_csv_bom_round_trip_and_period(self):
        e = self.env
        raw = e.run("log", "export", "--format", "csv", "--from", "2026-03-15 00:00").out.encode("utf-8")
        # Standard output gets no BOM (a pipe's reader wants plain UTF-8) ...
        self.assertFalse(raw.startswith(b"\xef\xbb\xbf"))
        # ... a file does: Excel and WPS read UTF-8 only with one.  Otherwise the same bytes.
        path = e.path("bom.csv")
        e.ok("log", "export", "--format", "csv", "--from", "2026-03-15 00:00", "-o", path)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"\xef\xbb\xbf" + raw)
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        self.assertEqual(rows[0][0], "编号")
        self.assertEqual(len(rows), 5)              # with the afternoon one
        self.assertIn("早**", [r[4] for r in rows[1:]])
        row = [r for r in rows if r[0] == str(self.ids[0])][0]
        self.assertEqual(row[9], "酸菜,有\"引号\"\n第二行")
        # A subject Excel would run as a formula stays text.
        self.assertEqual(row[6], "'=HYPERLINK(\"x\")")
        self.assertIn('"\'=HYPERLINK(""x"")"', raw.decode("utf-8"))
        self.assertEqual(row[rows[0].index("挽回经济损失（元）")], "120.50")
        self.assertEqual(row[rows[0].index("调解结果")], "达成协议")

    def test_with_pii_is_whole_and_audited(self):
        e = self.env
        out = e.path("全文.csv")
        before = len(self.exports())
        r = e.ok("log", "export", "-o", out, "--with-pii")
        self.assertIn("审计", r.err)
        with open(out, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        self.assertIn("欧阳娜娜", [r[4] for r in rows])
        self.assertIn("13912345678", [r[5] for r in rows])
        ex = self.exports()
        self.assertEqual(len(ex), before + 1)
        self.assertTrue(json.loads(ex[-1]["after"])["with_pii"])
        self.assertEqual(ex[-1]["unix_user"], __import__("zs").OS_USER)

    def test_bad_input_leaves_nothing(self):
        e = self.env
        before = len(self.exports())
        cases = [
            (("log", "export", "--format", "xlsx"), 2, "-o"),
            (("log", "export", "--format", "pdf"), 2, "--format"),
            (("log", "export", "--from", "明天下午"), 2, "--from"),
            (("log", "export", "--from", "2026-03-15 22:00", "--until", "2026-03-15 21:00"), 2, "--until"),
            (("log", "export", "-o", e.path("nodir/x.xlsx")), 1, "nodir"),
            (("log", "export", "-o", e.path("x.csv"), "extra"), 2, "extra"),
        ]
        for args, rc, needle in cases:
            r = e.run(*args)
            self.assertEqual(r.rc, rc, r)
            self.assertIn(needle, r.err)
        self.assertEqual(len(self.exports()), before)
        left = [n for n in os.listdir(e.dir) if n.startswith(".x") or n == "x.csv"]
        self.assertEqual(left, [])


class FileMode(unittest.TestCase):
    """An export holds callers' data (masked or not): the file is created
    0600 whatever the umask, or 0640 in the database's group when
    `[database] group` is set; it never exists with a wider mode, and
    standard output gets no file at all."""

    @classmethod
    def setUpClass(cls):
        cls.env = e = Env(now=NOW)
        e.ok("init")
        e.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "酸菜", "--at", "2026-03-15 21:10",
              "--caller", "欧阳娜娜", "--phone", "13912345678")

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()

    def export(self, name, *args, umask=0o022):
        path = self.env.path(name)
        self.env.ok("log", "export", "--from", "2026-03-15 00:00", "-o", path, *args, umask=umask)
        return os.stat(path)

    def test_private_whatever_the_umask(self):
        import stat
        for name, args in (("m.csv", ()), ("p.csv", ("--with-pii",)), ("m.xlsx", ()), ("p.xlsx", ("--with-pii",))):
            for umask in (0o022, 0o000, 0o077):
                st = self.export(name, *args, umask=umask)
                self.assertEqual(stat.S_IMODE(st.st_mode), 0o600, (name, args, oct(umask)))
        # Replacing an existing world-readable file narrows it too.
        path = self.env.path("old.csv")
        with open(path, "w") as f:
            f.write("x")
        os.chmod(path, 0o644)
        self.assertEqual(stat.S_IMODE(self.export("old.csv", "--with-pii").st_mode), 0o600)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to give a file to another group")
    def test_database_group(self):
        import grp
        import stat
        e = Env(now=NOW)
        try:
            e.ok("init")
            e.add("--channel", "web", "--kind", "tip", "--text", "x", "--at", "2026-03-15 21:10")
            with open(e.config_path, "w") as f:
                f.write("[database]\ngroup = daemon\n")
            for name, args in (("g.csv", ("--with-pii",)), ("g.xlsx", ())):
                path = e.path(name)
                e.ok("log", "export", "--from", "2026-03-15 00:00", "-o", path, *args, umask=0o022)
                st = os.stat(path)
                self.assertEqual(stat.S_IMODE(st.st_mode), 0o640, name)
                self.assertEqual(st.st_gid, grp.getgrnam("daemon").gr_gid, name)
            with open(e.config_path, "w") as f:
                f.write("[database]\ngroup = no-such-group-zs\n")
            r = e.run("log", "export", "-o", e.path("n.csv"))
            self.assertEqual(r.rc, 2, r)
            self.assertIn("no-such-group-zs", r.err)
            self.assertFalse([n for n in os.listdir(e.dir) if n.startswith(".n") or n == "n.csv"])
        finally:
            e.cleanup()


class ConfidentialTip(unittest.TestCase):
    """A tip marked --confidential: the export says （保密） where the caller
    would be and leaves the phone cell empty.  Neither the tip-giver's name
    nor the number appears anywhere, whole or masked (a masked "司***" or
    "136****2222" still points at the informer)."""

    NAME, PHONE = "司马守密", "13611112222"
    # Whole, masked as the export masks other callers, and telling pieces.
    SECRETS = (NAME, PHONE, "司***", "136****2222", "司马", "守密", "2222")

    @classmethod
    def setUpClass(cls):
        cls.env = e = Env(now=NOW)
        e.ok("init")
        cls.tip = e.add("--channel", "12315-hotline", "--kind", "tip", "--confidential", "--caller", cls.NAME,
                        "--phone", cls.PHONE, "--text", "内部员工举报仓库里有过期原料", "--at", "2026-03-15 21:10")[0]
        # An ordinary caller in the same export, masked as usual.
        cls.other = e.add("--channel", "12315-hotline", "--kind", "complaint", "--caller", "欧阳娜娜",
                          "--phone", "13912345678", "--text", "酸菜有异味", "--at", "2026-03-15 21:20")[0]

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()

    def check(self, rows, label, other):
        """The tip's caller cells are （保密） and empty, the other caller's
        are `other`, and no cell anywhere holds any of SECRETS."""
        self.assertEqual(rows[0][4:6], ["来电人", "来电号码"], label)
        by_id = {r[0]: r for r in rows[1:]}
        self.assertEqual(set(by_id), {str(self.tip), str(self.other)}, label)
        tip = by_id[str(self.tip)]
        self.assertEqual(tip[4:6], ["（保密）", ""], label)
        self.assertEqual(tip[9], "内部员工举报仓库里有过期原料", label)
        self.assertEqual(by_id[str(self.other)][4:6], list(other), label)
        for row in rows:
            for cell in row:
                for secret in self.SECRETS:
                    self.assertNotIn(secret, cell, "%s: the confidential tip-giver leaked (%r) in %r"
                                     % (label, secret, row))

    def csv_rows(self, *args):
        r = self.env.ok("log", "export", "--format", "csv", *args)
        return list(csv.reader(io.StringIO(r.out.encode("utf-8").decode("utf-8-sig"), newline="")))

    def xlsx_rows(self, *args):
        out = self.env.path("导出.xlsx")
        self.env.ok("log", "export", "-o", out, *args)
        ws = openpyxl.load_workbook(out).active
        return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]

    def test_plain_export_never_names_the_tip_giver(self):
        """Without --with-pii: （保密）, not the masked name and number
        other callers get."""
        masked = ("欧***", "139****5678")
        self.check(self.csv_rows(), "csv", masked)
        self.check(self.xlsx_rows(), "xlsx", masked)

    def test_with_pii_still_never_names_the_tip_giver(self):
        """--with-pii shows other callers whole, never a confidential one."""
        whole = ("欧阳娜娜", "13912345678")
        self.check(self.csv_rows("--with-pii"), "csv --with-pii", whole)
        self.check(self.xlsx_rows("--with-pii"), "xlsx --with-pii", whole)

if __name__ == "__main__":
    unittest.main()
