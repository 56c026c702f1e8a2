#!/usr/bin/env python3
"""Roles that hold against a shell (issue 15): zhishou installed the way the
package installs it, setuid and setgid to an account that alone can reach
the database's directory, used by officers who are not in its group.

The test makes that account and two officers (real Unix users, as
test_roles does; root, which CI is), a copy of the binary with mode 6755,
and a directory 2770.  /etc/zhishou/zhishou.conf is the system's
configuration, the only one whose [database] path gets the account's
rights: each command runs in a private mount namespace (unshare -m) where
/etc is a copy with that file in it, so the machine's own /etc is never
touched.

It checks both sides: an officer uses zhishou fully (init, members, log,
the console, live updates, an export that is theirs), and cannot read the
database or its -wal with any other program, nor make zhishou read a file
of the account's (--config, --db, $ZHISHOU_DB, a template, an import) or
show what it holds.
"""

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import zs
from zs import BIN

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tui"))
import tmuxdrv  # noqa: E402

TAG = uuid.uuid4().hex[:6]
ACCT = "zsdb%s" % TAG
OFFICERS = {"a": "zsoa%s" % TAG, "b": "zsob%s" % TAG, "x": "zsox%s" % TAG}
MARK = "MARK%s举报某食品店" % TAG
TOOLS = ("runuser", "useradd", "userdel", "unshare", "tmux")


def run(*argv, check=True, **kw):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if check and p.returncode != 0:
        raise AssertionError("%s -> %d\n%s%s" % (" ".join(argv), p.returncode, p.stdout.decode(), p.stderr.decode()))
    return p


class Installed(unittest.TestCase):
    """zhishou installed for officers a, b and x (the package's way): the
    account ACCT, a copy of the binary setuid and setgid to it, each
    officer's home, and /etc (with the system configuration naming the
    database) for a private mount namespace; init by a, b a member, x not.
    A subclass makes the database's place (_database) and says how the
    configuration names it."""
    dir = None
    tmux = None

    @classmethod
    def setUpClass(cls):
        # unittest skips tearDownClass when setUpClass fails: clean up here
        # then, or the users and the group outlive the run.
        try:
            cls._install()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def _database(cls, acct):
        """Make the shared database's place; its [database] line."""
        raise NotImplementedError

    @classmethod
    def _database_gone(cls):
        pass

    @classmethod
    def _install(cls):
        run("useradd", "-r", "-U", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", ACCT)
        for u in OFFICERS.values():
            run("useradd", "-M", "-U", "-s", "/bin/sh", u)
        cls.dir = tempfile.mkdtemp(prefix="zhishou-setuid-")
        os.chmod(cls.dir, 0o755)
        acct = pwd.getpwnam(ACCT)
        # The program, as dpkg-statoverride sets it.
        bindir = os.path.join(cls.dir, "bin")
        os.mkdir(bindir)
        cls.bin = os.path.join(bindir, "zhishou")
        shutil.copy(BIN, cls.bin)
        os.chown(cls.bin, acct.pw_uid, acct.pw_gid)
        os.chmod(cls.bin, 0o6755)
        database = cls._database(acct)
        # Each officer's home.
        cls.home = {}
        for k, u in OFFICERS.items():
            h = os.path.join(cls.dir, "home-" + k)
            os.mkdir(h, 0o700)
            pw = pwd.getpwnam(u)
            os.chown(h, pw.pw_uid, pw.pw_gid)
            cls.home[k] = h
        # /etc for the namespace: the machine's (with the users just made)
        # and the system configuration naming the database.
        cls.etc = os.path.join(cls.dir, "etc")
        # (other suites add users meanwhile: their lock and backup files come
        # and go under the copy, and are not wanted)
        def copy(src, dst):
            try:
                return shutil.copy2(src, dst)
            except FileNotFoundError:
                return dst
        shutil.copytree("/etc", cls.etc, symlinks=True, ignore_dangling_symlinks=True, copy_function=copy,
                        ignore=shutil.ignore_patterns("zhishou", "*.lock", "*+", "*-"))
        os.mkdir(os.path.join(cls.etc, "zhishou"), 0o755)
        with open(os.path.join(cls.etc, "zhishou", "zhishou.conf"), "w") as f:
            f.write("[general]\ntimezone = Asia/Shanghai\n[database]\n%s\n" % database)
        os.chmod(os.path.join(cls.etc, "zhishou", "zhishou.conf"), 0o644)

        r = cls.zs("a", "init")
        assert r.returncode == 0, r.stderr
        cls.zs("a", "unit", "add", "食品安全监管科")
        r = cls.zs("a", "member", "add", "--unix", OFFICERS["b"], "--name", "钱值班", "--role", "operator",
                   "--unit", "食品安全监管科")
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        if cls.tmux:
            cls.tmux.close()
        cls._database_gone()
        if cls.dir:
            shutil.rmtree(cls.dir, ignore_errors=True)
        for u in list(OFFICERS.values()) + [ACCT]:
            run("userdel", u, check=False)
            run("groupdel", u, check=False)

    @classmethod
    def shell(cls, who, *argv, env=None):
        """argv as officer `who`, in a namespace whose /etc has the system
        configuration; an environment an SSH login would give."""
        e = {"PATH": "/usr/bin:/bin", "HOME": cls.home[who], "LANG": "C.UTF-8", "TERM": "xterm-256color",
             "USER": OFFICERS[who], "LOGNAME": OFFICERS[who]}
        e.update(env or {})
        inner = [shutil.which("runuser"), "-u", OFFICERS[who], "--", "/usr/bin/env", "-i"] + \
            ["%s=%s" % kv for kv in e.items()] + list(argv)
        return [shutil.which("unshare"), "-m", "--propagation", "private", "--", "/bin/sh", "-c",
                'mount --bind "$0" /etc && exec "$@"', cls.etc] + inner

    @classmethod
    def zs(cls, who, *args, env=None):
        return subprocess.run(cls.shell(who, cls.bin, *args, env=env), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60, cwd=cls.dir)

    def out(self, r):
        return (r.stdout + r.stderr).decode("utf-8", "replace")

    def owner(self, path):
        st = os.stat(path)
        return pwd.getpwuid(st.st_uid).pw_name, st.st_mode & 0o7777

    # --- an officer uses it fully ---------------------------------------


@unittest.skipUnless(os.geteuid() == 0 and all(shutil.which(t) for t in TOOLS),
                     "needs root, %s; CI runs as root" % ", ".join(TOOLS))
@zs.sqlite_only("installed setuid to an account that alone may open the SQLite file, its -wal and -shm; the "
                "PostgreSQL twin is SetuidPostgres (peer authentication as that account)")
class Setuid(Installed):
    @classmethod
    def _database(cls, acct):
        # The shared database's directory, as postinst makes it.
        cls.lib = os.path.join(cls.dir, "lib")
        os.mkdir(cls.lib)
        os.chown(cls.lib, acct.pw_uid, acct.pw_gid)
        os.chmod(cls.lib, 0o2770)
        cls.db = os.path.join(cls.lib, "zhishou.db")
        # The secret a group-only file holds (for --config / template / import).
        cls.secret = os.path.join(cls.lib, "secret.txt")
        with open(cls.secret, "w") as f:
            f.write("[general]\ntimezone = SECRET%s\n" % TAG)
        os.chown(cls.secret, acct.pw_uid, acct.pw_gid)
        os.chmod(cls.secret, 0o660)
        return "path = %s" % cls.db

    def test_1_officers_use_the_shared_database(self):
        self.assertEqual(self.owner(self.db), (ACCT, 0o660), "the database is the account's, whoever ran init")
        r = self.zs("b", "log", "add", "--channel", "12315-hotline", "--kind", "tip", "--text", MARK,
                    "--caller", "张三", "--phone", "13800000000", "--confidential")
        self.assertEqual(r.returncode, 0, self.out(r))
        r = self.zs("a", "log", "list")
        self.assertEqual(r.returncode, 0, self.out(r))
        self.assertIn(MARK, self.out(r))
        self.assertNotIn("13800000000", self.out(r))
        # Not a member: the same binary refuses them (identity is getuid).
        r = self.zs("x", "log", "list")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(MARK, self.out(r))

    def test_2_exports_are_the_officers_own(self):
        out = os.path.join(self.home["b"], "export.csv")
        r = self.zs("b", "log", "export", "-o", out)
        self.assertEqual(r.returncode, 0, self.out(r))
        self.assertEqual(self.owner(out)[0], OFFICERS["b"])

    def test_3_console_live_and_side_files_are_the_accounts(self):
        self.__class__.tmux = t = tmuxdrv.Term(self.shell("b", self.bin), {}, 80, 24)
        t.wait_for("值守台", timeout=10)
        # While it is open the -wal and -shm exist: the account's, not b's.
        for side in ("-wal", "-shm"):
            self.assertTrue(os.path.exists(self.db + side))
            self.assertEqual(self.owner(self.db + side)[0], ACCT, side)
        mark = "LIVE%s" % TAG
        t0 = time.monotonic()
        r = self.zs("a", "log", "add", "--channel", "web", "--kind", "complaint", "--text", mark)
        self.assertEqual(r.returncode, 0, self.out(r))
        t.wait_for(mark, timeout=5)
        self.assertLess(time.monotonic() - t0, 5)
        # No other program of b's reaches the files the console has open.
        for path in (self.db, self.db + "-wal", self.db + "-shm"):
            p = subprocess.run(self.shell("b", "cat", path), capture_output=True)
            self.assertNotEqual(p.returncode, 0, path)
            self.assertEqual(p.stdout, b"", path)
        t.close()
        self.__class__.tmux = None

    def test_3b_a_draft_survives_the_terminal_going_away(self):
        """The walkthrough's "close the terminal mid-typing, nothing lost",
        installed: the draft is the officer's own file, read back as them."""
        t = tmuxdrv.Term(self.shell("b", self.bin), {}, 80, 24)
        self.__class__.tmux = t
        t.wait_for("值守台", timeout=10)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.type("李女士")
        t.keys("Tab", "Tab", "Tab", "Tab")
        summary = "DRAFT%s草稿里的投诉" % TAG
        t.type(summary)
        t.wait_for(summary)
        state = os.path.join(self.home["b"], ".local", "state")
        deadline = time.monotonic() + 3
        drafts = []
        def holds(path):
            try:
                with open(path, "rb") as f:
                    return summary.encode() in f.read()
            except FileNotFoundError:   # a lock or temporary file gone meanwhile
                return False
        while time.monotonic() < deadline and not drafts:
            drafts = [os.path.join(d, f) for d, _, fs in os.walk(state) for f in fs if holds(os.path.join(d, f))]
            time.sleep(0.05)
        self.assertTrue(drafts, "a draft on disk under %s" % state)
        self.assertEqual(self.owner(drafts[0]), (OFFICERS["b"], 0o600))
        t.close()                                   # the terminal goes away (SIGHUP)
        t = tmuxdrv.Term(self.shell("b", self.bin), {}, 80, 24)
        self.__class__.tmux = t
        t.wait_for("发现上次未保存的登记草稿", timeout=10)
        t.keys("n")
        t.wait_for(summary)
        t.keys("C-s")
        t.wait_for("已登记 #")
        t.close()
        self.__class__.tmux = None
        r = self.zs("a", "log", "list")
        self.assertIn(summary, self.out(r))

    # --- and cannot reach the data around it ------------------------------

    def test_4_no_other_program_reads_the_database(self):
        for argv in (("cat", self.db), ("ls", self.lib), ("sqlite3", self.db, "SELECT text FROM intake")):
            if not shutil.which(argv[0]):
                continue
            p = subprocess.run(self.shell("a", *argv), capture_output=True)
            self.assertNotEqual(p.returncode, 0, argv)
            self.assertNotIn(MARK.encode(), p.stdout + p.stderr)

    def test_5_zhishou_reads_no_file_of_the_accounts_for_the_user(self):
        secret = "SECRET%s" % TAG
        cases = [
            (("--config", self.secret, "log", "list"), None),
            (("--config", self.db, "log", "list"), None),
            (("--db", self.db + "-wal", "log", "list"), None),
            (("--db", self.secret, "log", "list"), None),
            (("--db", os.path.join(self.lib, "..", "lib", "zhishou.db"), "log", "list"), None),
            (("log", "list"), {"ZHISHOU_DB": self.secret}),
            (("report", "--template", self.secret), None),
            (("report", "--template", self.db), None),
            (("log", "import", self.secret), None),
            (("roster", "import", self.db), None),
        ]
        for args, env in cases:
            r = self.zs("a", *args, env=env)
            text = self.out(r)
            self.assertNotEqual(r.returncode, 0, (args, env, text))
            self.assertNotIn(secret, text, args)
            self.assertNotIn(MARK, text, args)
            self.assertNotIn("SQLite format", text, args)
        # Nothing was made in the account's directory by any of it.
        names = sorted(n for n in os.listdir(self.lib) if not n.startswith("zhishou.db"))
        self.assertEqual(names, ["secret.txt"])


PG_DB = "zsnight%s" % TAG


@unittest.skipUnless(os.geteuid() == 0 and all(shutil.which(t) for t in TOOLS + ("setpriv", "psql")),
                     "needs root, %s, setpriv and psql; CI runs as root" % ", ".join(TOOLS))
@unittest.skipUnless(zs.PG, "the PostgreSQL twin: run by pg-cli-setuid")
class SetuidPostgres(Installed):
    """The same installation on PostgreSQL: /etc/zhishou/zhishou.conf's
    [database] url is connected with the account's rights, so a cluster
    that authenticates by peer (the Unix account, as Debian's does) lets
    zhishou in as the account's role and nobody else: officers use zhishou
    fully, and reach the data with no other program, nor with zhishou
    pointed at the server under their own name."""

    pg = None

    @classmethod
    def _database(cls, acct):
        sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pg"))
        import pgcluster
        cls.pg = pgcluster.Cluster(peer={ACCT: ACCT})
        cls.pg.psql("CREATE ROLE %s LOGIN" % ACCT, single=False)
        cls.pg.psql("CREATE DATABASE %s OWNER %s" % (PG_DB, ACCT), single=False)
        cls.url = "postgresql:///%s?host=%s&user=%s" % (PG_DB, cls.pg.sock, ACCT)
        return "url = %s" % cls.url

    @classmethod
    def _database_gone(cls):
        if cls.pg:
            cls.pg.close()

    def test_1_officers_use_the_shared_database(self):
        r = self.zs("b", "log", "add", "--channel", "12315-hotline", "--kind", "tip", "--text", MARK,
                    "--caller", "张三", "--phone", "13800000000", "--confidential")
        self.assertEqual(r.returncode, 0, self.out(r))
        r = self.zs("a", "log", "list")
        self.assertEqual(r.returncode, 0, self.out(r))
        self.assertIn(MARK, self.out(r))
        self.assertNotIn("13800000000", self.out(r))
        # Who did it is the officer (getuid), not the account the
        # connection ran as.
        self.assertEqual(self.pg.psql("SELECT unix_user FROM audit WHERE entity = 'intake' AND action = 'create'",
                                      db=PG_DB, single=False)[1].split(), [OFFICERS["b"]])
        # Not a member: refused, though the connection itself is made.
        r = self.zs("x", "log", "list")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(MARK, self.out(r))

    def test_2_no_other_program_reaches_the_database(self):
        for who in ("a", "b"):
            for user in (ACCT, OFFICERS[who], "zhishou", "postgres"):
                p = subprocess.run(self.shell(who, "psql", "-X", "-h", self.pg.sock, "-U", user, "-d", PG_DB,
                                              "-Atc", "SELECT summary FROM intake"), capture_output=True)
                self.assertNotEqual(p.returncode, 0, (who, user))
                self.assertNotIn(MARK.encode(), p.stdout + p.stderr)

    def test_3_any_other_connection_gets_the_officers_own_rights(self):
        # Only the system configuration's url is connected as the account
        # (named as it is, by --db too, it is the same database zhishou
        # already serves them).  Any other: another database on the server,
        # the same with other parameters, through --db, $ZHISHOU_DB or a
        # configuration of their own, is connected as the officer, and the
        # server refuses them.
        other_db = self.url.replace("/%s?" % PG_DB, "/postgres?")
        other_params = self.url + "&application_name=mine"
        conf = os.path.join(self.home["a"], "mine.conf")
        with open(conf, "w") as f:
            f.write("[database]\nurl = %s\n" % other_params)
        os.chmod(conf, 0o644)
        for args, env in ((("--db", other_db, "log", "list"), None),
                          (("--db", other_params, "log", "list"), None),
                          (("log", "list"), {"ZHISHOU_DB": other_params}),
                          (("--config", conf, "log", "list"), None)):
            r = self.zs("a", *args, env=env)
            text = self.out(r)
            self.assertNotEqual(r.returncode, 0, (args, env, text))
            self.assertNotIn(MARK, text)
            self.assertIn("Peer authentication failed", text)
        r = self.zs("a", "--db", self.url, "log", "list")
        self.assertEqual(r.returncode, 0, self.out(r))


if __name__ == "__main__":
    unittest.main()
