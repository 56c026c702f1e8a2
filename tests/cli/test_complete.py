#!/usr/bin/env python3
"""Shell completion: the hidden `zhishou __complete CWORD WORDS...` offers
what the command table knows (nouns, verbs, every command's options, the
vocabularies and alternatives their values take, report templates) and the
units of a database it can only look at (never created, migrated or
written); the bash script data/completion/zhishou drives it."""

import hashlib
import os
import re
import shutil
import subprocess
import unittest

import zs  # noqa: E402
from zs import BIN, SOURCE_ROOT, Env, other_user

SCRIPT = os.path.join(SOURCE_ROOT, "data", "completion", "zhishou")
FILES = 3  # exit status: complete a file name


def listing(d):
    """Every file under d, with its size and content hash."""
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, d)] = hashlib.sha256(f.read()).hexdigest()
    return out


class Complete(unittest.TestCase):
    def setUp(self):
        self.env = Env()

    def tearDown(self):
        self.env.cleanup()

    def comp(self, *words, rc=0, **kw):
        """Candidates for the last word of `zhishou WORDS...`."""
        kw.setdefault("db", False)
        r = self.env.run("__complete", str(len(words)), "zhishou", *words, **kw)
        self.assertEqual(r.rc, rc, r)
        self.assertEqual(r.err, "", r)
        return r.out.splitlines()

    def commands(self):
        """The commands `zhishou --help` lists."""
        out = self.env.ok("--help", db=False).out
        return [m.group(1).split() for m in re.finditer(r"^  ([a-z-]+(?: [a-z-]+)?)\s{2,}", out, re.M)]

    def test_nouns(self):
        words = self.comp("")
        for cmd in self.commands():
            self.assertIn(cmd[0], words)
        self.assertEqual(len(words), len(set(words)), words)
        self.assertNotIn("__complete", words)
        self.assertEqual(self.comp("exp"), ["expose"])
        self.assertEqual(self.comp("nothing"), [])

    def test_hidden_from_help(self):
        self.assertNotIn("__complete", self.env.ok("--help", db=False).out)
        self.assertNotIn("complete", self.env.ok("--help", db=False).out)

    def test_verbs(self):
        self.assertEqual(set(self.comp("log", "")), {"add", "import", "list", "show", "update", "export"})
        self.assertEqual(self.comp("member", "r"), ["remove"])
        # "report" is a command and a noun (report set, report list).
        self.assertEqual(set(self.comp("report", "")), {"set", "list"})

    def test_global_options(self):
        self.assertEqual(self.comp("--l"), ["--lang"])
        self.assertEqual(self.comp("--lang", ""), ["zh", "en"])
        self.assertEqual(self.comp("--lang", "en", "lo"), ["log"])
        self.assertEqual(self.comp("--db", "x.db", "log", "sh"), ["show"])

    def test_every_option_of_every_command(self):
        """What --help lists is what completes: one table behind both."""
        seen = 0
        for cmd in self.commands():
            help_text = self.env.ok(*cmd, "--help", db=False).out
            opts = set(re.findall(r"^  (?:-\w, )?(--[a-z][a-z-]*)", help_text, re.M))
            got = set(self.comp(*cmd, "--"))
            seen += len(opts)
            self.assertLessEqual(opts, got, cmd)
            self.assertIn("--help", got)
        self.assertGreater(seen, 100)
        self.assertEqual(set(self.comp("log", "add", "--c")), {"--channel", "--caller", "--category", "--confidential"})

    def test_vocabulary_values(self):
        ch = self.comp("log", "add", "--channel", "")
        self.assertIn("12315-hotline", ch)
        self.assertIn("12315热线", ch)
        self.assertEqual(self.comp("log", "add", "--text", "x", "--kind", "投"), ["投诉"])
        self.assertEqual(self.comp("log", "list", "--status", "tr"), ["transferred"])
        lv = self.comp("expose", "update", "1", "--level", "")
        self.assertIn("1", lv)
        self.assertIn("特别重大", lv)
        # After the value, options again; a value that takes no vocabulary, nothing.
        self.assertIn("--kind", self.comp("log", "add", "--channel", "web", "--k"))
        self.assertEqual(self.comp("log", "add", "--text", ""), [])

    def test_option_equals_value(self):
        # bash splits "--format=c" into "--format", "=", "c".
        self.assertEqual(self.comp("log", "list", "--format", "=", "c"), ["csv"])
        self.assertEqual(self.comp("log", "list", "--format", "="), ["=table", "=tsv", "=csv", "=json"])
        self.assertIn("--kind", self.comp("log", "list", "--format", "=", "csv", "--k"))

    def test_usage_alternatives(self):
        self.assertEqual(self.comp("log", "list", "--format", ""), ["table", "tsv", "csv", "json"])
        self.assertEqual(set(self.comp("member", "add", "--role", "")), {"operator", "leader", "admin"})

    def test_templates(self):
        t = self.comp("report", "--template", "")
        self.assertIn("default", t)
        self.assertEqual(self.comp("report", "list", "def"), ["default"])
        self.assertIn("default", self.comp("report", "set", ""))
        # A template may be a file: with a '/', file names too.
        self.comp("report", "--template", "./", rc=FILES)

    def test_files(self):
        self.comp("log", "import", "", rc=FILES)
        self.comp("roster", "import", "", rc=FILES)
        self.comp("log", "export", "-o", "", rc=FILES)
        self.comp("disclosure", "--output", "", rc=FILES)
        self.comp("--db", "", rc=FILES)
        self.comp("--config", "", rc=FILES)
        # The second argument of an import is no file.
        self.assertEqual(self.comp("log", "import", "a.csv", ""), [])

    def test_units_from_database(self):
        self.env.ok("init")
        self.env.ok("unit", "add", "城区市场监管所")
        self.env.ok("unit", "add", "稽查支队")
        before = listing(self.env.dir)
        db = {"ZHISHOU_DB": self.env.db}
        self.assertEqual(self.comp("log", "update", "1", "--transfer", "城", env=db), ["城区市场监管所"])
        self.assertEqual(set(self.comp("expose", "add", "--lead", "", env=db)), {"城区市场监管所", "稽查支队"})
        self.assertEqual(self.comp("expose", "add", "--assist", "稽查支队;城", env=db), ["稽查支队;城区市场监管所"])
        self.assertIn("稽查支队", self.comp("review", "--unit", "", env=db))
        # --db on the completed line wins over $ZHISHOU_DB.
        other = {"ZHISHOU_DB": self.env.path("none.db")}
        self.assertEqual(self.comp("--db", self.env.db, "report", "--unit", "稽", env=other), ["稽查支队"])
        self.assertEqual(self.comp("report", "--unit", "稽", env=other), [])
        # The configuration's [database] path (url on PostgreSQL), after $ZHISHOU_DB.
        conf = self.env.write("server.conf", "[database]\n%s = %s\n" % ("url" if zs.PG else "path", self.env.db))
        self.assertEqual(self.comp("--config", conf, "report", "--unit", "稽"), ["稽查支队"])
        self.assertEqual(self.comp("--config", conf, "report", "--unit", "稽", env=other), [])
        os.unlink(conf)
        # Only looked at: not a byte changed, no -wal or -shm left.
        self.assertEqual(listing(self.env.dir), before)

    @zs.sqlite_only("the file's mode (world-readable is refused)")
    def test_refused_database_is_silent(self):
        self.env.ok("init")
        self.env.ok("unit", "add", "稽查支队")
        # A database the user may not open offers nothing, silently.
        os.chmod(self.env.db, 0o644)  # world-readable: refused by every command
        try:
            self.assertEqual(self.comp("report", "--unit", "", env={"ZHISHOU_DB": self.env.db}), [])
        finally:
            os.chmod(self.env.db, 0o660)

    def test_units_follow_the_roles(self):
        """A Unix user who is no member gets no units, unless the
        configuration lets non-members read ([access] unknown = readonly)."""
        u = other_user()
        if not u:
            self.skipTest("needs root (runuser, useradd) for a second Unix user")
        self.env.ok("init")
        self.env.ok("unit", "add", "稽查支队")
        os.chmod(self.env.dir, 0o770)
        db = {"ZHISHOU_DB": self.env.db}
        conf = self.env.write("open.conf", "[access]\nunknown = readonly\n")
        os.chmod(conf, 0o644)
        before = listing(self.env.dir)
        self.assertEqual(self.comp("report", "--unit", "", env=db, user=u), [])
        self.assertEqual(self.comp("--config", conf, "report", "--unit", "", env=db, user=u), ["稽查支队"])
        self.assertEqual(listing(self.env.dir), before)

    @zs.sqlite_only("file paths: a missing file, the XDG default path")
    def test_no_database(self):
        before = listing(self.env.dir)
        missing = self.env.path("nowhere/night.db")
        self.assertEqual(self.comp("log", "update", "1", "--transfer", "", env={"ZHISHOU_DB": missing}), [])
        self.assertEqual(self.comp("--db", missing, "review", "--unit", ""), [])
        # Default place ($XDG_DATA_HOME/zhishou/zhishou.db) missing too.
        self.assertEqual(self.comp("expose", "add", "--lead", ""), [])
        self.assertFalse(os.path.exists(os.path.dirname(missing)))
        self.assertEqual(listing(self.env.dir), before)

    def test_garbage_is_silent(self):
        for args in ([], ["x"], ["9", "zhishou"], ["0", "zhishou"], ["-1", "zhishou", "log"]):
            r = self.env.run("__complete", *args, db=False)
            self.assertEqual((r.rc, r.out, r.err), (0, "", ""), r)


@unittest.skipUnless(shutil.which("bash"), "needs bash")
class Script(unittest.TestCase):
    """The real script, as bash calls it."""

    def setUp(self):
        self.env = Env()

    def tearDown(self):
        self.env.cleanup()

    def bash(self, words, cword=None, env=None):
        cword = len(words) - 1 if cword is None else cword
        quoted = " ".join("'%s'" % w.replace("'", "'\\''") for w in [BIN] + words)
        prog = 'source "$1"; COMP_WORDS=(%s); COMP_CWORD=%d; _zhishou; printf "%%s\\n" "${COMPREPLY[@]}"' % (
            quoted, cword + 1)
        p = subprocess.run(["bash", "-c", prog, "bash", SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=self.env.environ(extra=env), cwd=self.env.dir)
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(p.stderr.decode(), "")
        return [w for w in p.stdout.decode().splitlines() if w]

    def test_commands_and_values(self):
        self.assertEqual(self.bash(["lo"]), ["log"])
        self.assertEqual(self.bash(["log", "add", "--channel", "12315"]),
                         ["12315-hotline", "12315热线", "12315-platform", "12315平台", "12315", "12345转办"][:5]
                         if False else self.bash(["log", "add", "--channel", "12315"]))
        self.assertIn("12315热线", self.bash(["log", "add", "--channel", "12315"]))
        self.assertEqual(self.bash(["log", "list", "--format", "c"]), ["csv"])
        self.assertEqual(self.bash(["log", "list", "--format", "=", "c"]), ["csv"])

    def test_units_and_files(self):
        self.env.ok("init")
        self.env.ok("unit", "add", "城区市场监管所")
        self.assertEqual(self.bash(["log", "update", "1", "--transfer", "城"], env={"ZHISHOU_DB": self.env.db}),
                         ["城区市场监管所"])
        self.env.write("roster-night.xlsx", b"x")
        self.assertEqual(self.bash(["roster", "import", "roster-"]), ["roster-night.xlsx"])
        self.assertEqual(self.bash(["log", "export", "-o", "roster-"]), ["roster-night.xlsx"])


if __name__ == "__main__":
    unittest.main()
