#!/usr/bin/env python3
"""The database file: its mode and group on creation, the config that sets
them, and the refusal of a database, -wal or -shm every user may read or
write."""

import datetime
import grp
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import unittest

import zs
from zs import ZsTestCase, check_table


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@zs.sqlite_only("the database file's mode, its -wal and -shm")
class FileMode(ZsTestCase):
    def test_new_database_is_0660_whatever_the_umask(self):
        for umask in (0o022, 0o077, 0o027, 0o000):
            p = self.env.path("u%03o.db" % umask)
            r = self.env.run("init", db=p, umask=umask)
            self.assertEqual(r.rc, 0, repr(r))
            self.assertEqual(mode_of(p), 0o660, "umask %03o gave %03o" % (umask, mode_of(p)))
            # and the file is a working database
            self.assertEqual(self.env.run("log", "list", db=p).rc, 0)

    def test_new_parent_directories_are_group_usable(self):
        p = self.env.path("shared/zhishou/night.db")
        r = self.env.run("init", db=p, umask=0o077)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(mode_of(p), 0o660)

    def test_config_mode_0640_is_honoured(self):
        with open(self.env.config_path, "w") as f:
            f.write("[database]\nmode = 0640\n")
        for umask in (0o022, 0o077):
            p = self.env.path("c%03o.db" % umask)
            r = self.env.run("init", db=p, umask=umask)
            self.assertEqual(r.rc, 0, repr(r))
            self.assertEqual(mode_of(p), 0o640)

    def test_config_mode_0600(self):
        c = self.env.write("private.conf", "[database]\nmode = 600\n")
        r = self.env.run("--config", c, "init", umask=0o022)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(mode_of(self.env.db), 0o600)

    def test_world_readable_mode_is_refused(self):
        for bad in ("0644", "0666", "0604", "0002", "0460", "rw-rw----", "0999", "01777"):
            c = self.env.write("bad.conf", "[database]\nmode = %s\n" % bad)
            r = self.env.run("--config", c, "init")
            self.assertEqual(r.rc, 2, "mode %s: %r" % (bad, r))
            self.assertIn("mode", r.err)
            self.assertIn(bad, r.err)
            self.assertFalse(os.path.exists(self.env.db), "mode %s: database created anyway" % bad)

    def test_existing_file_mode_is_left_alone(self):
        self.env.ok("init")
        os.chmod(self.env.db, 0o600)
        self.env.ok("log", "add", "--channel", "web", "--kind", "tip", "--text", "x", umask=0o000)
        self.env.ok("init")
        self.assertEqual(mode_of(self.env.db), 0o600)

    def test_world_readable_database_is_refused_with_the_fix(self):
        self.env.ok("init")
        n = len(self.env.intakes())
        for suffix, mode, word in (("", 0o644, "读"), ("", 0o662, "写"), ("", 0o604, "读")):
            path = self.env.db + suffix
            if not os.path.exists(path):
                open(path, "ab").close()
            old = mode_of(path)
            os.chmod(path, mode)
            for args in (("log", "list"), ("log", "add", "--channel", "web", "--kind", "tip", "--text", "x")):
                r = self.env.run(*args)
                self.assertEqual(r.rc, 2, repr(r))
                self.assertIn("chmod o-rwx", r.err)
                self.assertIn(word, r.err)
            os.chmod(path, old)
        self.assertEqual(len(self.env.intakes()), n)

    def test_configured_group_that_does_not_exist_is_refused(self):
        """[database] group naming no group: exit 2 saying so in Chinese,
        and no database file left behind."""
        c = self.env.write("nogroup.conf", "[database]\ngroup = zs-no-such-group\n")
        r = self.env.run("--config", c, "init")
        self.assertFails(r, 2, "配置的用户组 zs-no-such-group 不存在")
        self.assertEqual(r.out, "")
        self.assertFalse(os.path.exists(self.env.db), "database created anyway")

    def test_world_accessible_wal_or_shm_is_refused_naming_it(self):
        """The -wal holds the latest commits (callers' phones among them)
        and the -shm maps them: either one open to every user is refused
        like the database itself, naming that file and the fix."""
        e = self.env
        e.ok("init")
        # A reader that stays connected keeps the -wal and -shm after
        # zhishou closes (the last connection out would checkpoint and
        # delete them), so the next add leaves its commit in the -wal.
        con = sqlite3.connect(e.db)
        self.addCleanup(con.close)
        con.execute("SELECT count(*) FROM intake").fetchone()
        e.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "留在WAL里的一件",
              "--caller", "张三", "--phone", "13800138000")
        wal, shm = e.db + "-wal", e.db + "-shm"
        self.assertGreater(os.path.getsize(wal), 0)
        self.assertTrue(os.path.exists(shm))
        n = len(e.intakes())
        for path, mode, word in ((wal, 0o664, "读"), (shm, 0o606, "写")):
            old = mode_of(path)
            os.chmod(path, mode)
            for args in (("log", "list"), ("log", "add", "--channel", "web", "--kind", "tip", "--text", "x")):
                r = e.run(*args)
                self.assertEqual(r.rc, 2, "%s mode %04o: %r" % (path, mode, r))
                self.assertEqual(r.out, "", repr(r))
                self.assertIn(path + " ", r.err)       # the file itself, not only the database
                self.assertIn("所有用户可" + word, r.err)
                self.assertIn("chmod o-rwx %s*" % e.db, r.err)
            os.chmod(path, old)
            self.assertEqual(len(e.intakes()), n)     # nothing was added, and it opens again


@zs.sqlite_only("the database file's group ([database] group)")
class FileGroup(ZsTestCase):
    """[database] group: init creates the file in that group (fchown), not in
    the directory's or the creator's.  Needs root (to add and remove a test
    group); skips without it."""

    def setUp(self):
        super().setUp()
        if os.geteuid() != 0:
            self.skipTest("needs root to create a group and give a file to it")
        if not shutil.which("groupadd") or not shutil.which("groupdel"):
            self.skipTest("groupadd/groupdel not installed")
        self.group = "zstest%d" % os.getpid()
        p = subprocess.run(["groupadd", self.group], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr.decode("utf-8", "replace"))
        self.addCleanup(subprocess.run, ["groupdel", self.group], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
        self.gid = grp.getgrnam(self.group).gr_gid

    def test_configured_group_owns_the_new_database(self):
        """A fresh group, a directory that is not setgid: the new file's
        group is the configured one, mode 0660, and it works."""
        d = self.env.dir
        # Not setgid, and not the group's: the group can only come from zhishou.
        self.assertFalse(os.stat(d).st_mode & stat.S_ISGID)
        self.assertNotEqual(os.stat(d).st_gid, self.gid)
        self.assertNotEqual(os.getegid(), self.gid)
        c = self.env.write("group.conf", "[database]\ngroup = %s\n" % self.group)
        r = self.env.run("--config", c, "init", umask=0o077)
        self.assertEqual(r.rc, 0, repr(r))
        st = os.stat(self.env.db)
        self.assertEqual(st.st_gid, self.gid, "group %d, not %s (%d)" % (st.st_gid, self.group, self.gid))
        self.assertEqual(mode_of(self.env.db), 0o660)
        self.env.ok("--config", c, "log", "add", "--channel", "web", "--kind", "tip", "--text", "x")


CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def files_state(db):
    """The database, its -wal and -shm as they are: (name, sha256, mode), or
    None for a file that is not there."""
    out = []
    for side in ("", "-wal", "-shm", "-journal"):
        p = db + side
        out.append((side, sha256_of(p), mode_of(p)) if os.path.exists(p) else (side, None))
    return out


@zs.sqlite_only("an empty (0-byte) database file")
class EmptyFile(ZsTestCase):
    """An existing 0-byte file (an accident, a truncation) is no database:
    every command refuses it like a missing one; only init makes it one."""

    COMMANDS = (("board",), ("log", "list"),
                ("log", "add", "--channel", "web", "--kind", "tip", "--text", "x"))

    def empty(self, mode=0o660):
        open(self.env.db, "wb").close()
        os.chmod(self.env.db, mode)
        return self.env.db

    def test_every_command_refuses_an_empty_file(self):
        p = self.empty()
        for args in self.COMMANDS:
            r = self.env.run(*args)
            self.assertFails(r, 2, "数据库文件为空：%s；用 zhishou init 创建" % p)
            self.assertEqual(os.path.getsize(p), 0, "%s wrote into the empty file" % (args,))
            for side in ("-wal", "-shm", "-journal"):
                self.assertFalse(os.path.exists(p + side), "%s left %s" % (args, side))
            self.assertEqual(mode_of(p), 0o660)

    def test_an_empty_world_readable_file_is_called_empty(self):
        p = self.empty(0o644)
        r = self.env.run("log", "list")
        self.assertFails(r, 2, "数据库文件为空")
        self.assertEqual(os.path.getsize(p), 0)

    def test_refusal_in_english(self):
        p = self.empty()
        for args in self.COMMANDS:
            r = self.env.run(*args, lang="en")
            self.assertFails(r, 2, "database file is empty: %s; create it with zhishou init" % p)
            self.assertIsNone(CJK.search(r.err), r.err)

    def test_init_makes_it_a_database_whose_creator_is_admin(self):
        p = self.empty()
        r = self.env.run("init")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("已创建数据库 %s" % p, r.out)
        self.assertGreater(os.path.getsize(p), 0)
        members = self.env.ok("member", "list", "--format", "json").json()
        self.assertEqual([(m["unix_user"], m["role"]) for m in members], [(zs.OS_USER, "admin")])
        rows = self.env.audit("--entity", "member")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual((rows[0]["action"], rows[0]["unix_user"]), ("add", zs.OS_USER))
        self.assertEqual(json.loads(rows[0]["after"])["role"], "admin")
        self.env.ok("audit", "verify")


@zs.sqlite_only("a refusal leaves the file, -wal and -shm as they were (twin: RefusalChangesNothingPG)")
class RefusalChangesNothing(ZsTestCase):
    """A run that refuses the database leaves every file as it was: no
    checkpoint of the -wal into the file, no -wal or -shm deleted, no mode
    changed.  The files are a copy of a database whose last commit is still
    in its -wal (a reader held it open while zhishou wrote)."""

    def setUp(self):
        super().setUp()
        e = self.env
        e.ok("init")
        e.add("--channel", "web", "--kind", "tip", "--text", "在文件里")
        con = sqlite3.connect(e.db)
        con.execute("SELECT count(*) FROM intake").fetchone()
        e.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "只在WAL里",
              "--caller", "张三", "--phone", "13800138000")
        self.copy = e.path("copy.db")
        for side in ("", "-wal", "-shm"):
            shutil.copy(e.db + side, self.copy + side)
        con.close()
        self.assertGreater(os.path.getsize(self.copy + "-wal"), 0)

    def assertRefusedUnchanged(self, rc, needle, user=None):
        before = files_state(self.copy)
        for args in (("board",), ("log", "list"),
                     ("log", "add", "--channel", "web", "--kind", "tip", "--text", "x")):
            r = self.env.run(*args, db=self.copy, user=user)
            self.assertFails(r, rc, needle)
            self.assertEqual(files_state(self.copy), before, "%s changed the files" % (args,))

    def test_world_readable_database(self):
        os.chmod(self.copy, 0o644)
        self.assertRefusedUnchanged(2, "chmod o-rwx")
        # and what only the -wal held is still there
        os.chmod(self.copy, 0o660)
        texts = [i["summary"] for i in self.env.ok("log", "list", "--format", "json", db=self.copy).json()]
        self.assertIn("只在WAL里", texts)

    def test_world_readable_wal(self):
        os.chmod(self.copy + "-wal", 0o664)
        self.assertRefusedUnchanged(2, "chmod o-rwx")

    def test_not_a_member(self):
        """Refused after SQLite opened the file: the file and the -wal stay
        as they were (the -shm is SQLite's index of the -wal, which it
        rebuilds; only its presence is checked)."""
        u = zs.other_user()
        if not u:
            self.skipTest("needs root and runuser/useradd for a second Unix user")
        os.chmod(self.env.dir, 0o770)
        def state():
            return [s[:2] for s in files_state(self.copy) if s[0] != "-shm"] + [os.path.exists(self.copy + "-shm")]
        before = state()
        for args in (("board",), ("log", "add", "--channel", "web", "--kind", "tip", "--text", "x")):
            r = self.env.run(*args, db=self.copy, user=u)
            self.assertFails(r, 3, "不是这个值守台的成员")
            self.assertEqual(state(), before, "%s changed the files" % (args,))


@unittest.skipUnless(zs.PG, "PostgreSQL only")
class RefusalChangesNothingPG(ZsTestCase):
    """RefusalChangesNothing's test_not_a_member on PostgreSQL: refused,
    and not a row of the database changed."""

    def test_not_a_member(self):
        u = zs.other_user()
        if not u:
            self.skipTest("needs root and runuser/useradd for a second Unix user")
        e = self.env
        e.ok("init")
        e.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "已登记",
              "--caller", "张三", "--phone", "13800138000")
        os.chmod(e.dir, 0o770)
        before = e.dump()
        for args in (("board",), ("log", "add", "--channel", "web", "--kind", "tip", "--text", "x")):
            r = e.run(*args, user=u)
            self.assertFails(r, 3, "不是这个值守台的成员")
            self.assertEqual(e.dump(), before, "%s changed the database" % (args,))


class DemoClock(ZsTestCase):
    """zhishou demo clock: a newcomer moves the demo night to the morning."""

    def run_(self, *args):
        return self.env.run(*args, env={"ZHISHOU_NOW": None})

    def test_moves_a_demo_night_and_nothing_else(self):
        e = self.env
        self.assertEqual(self.run_("init", "--demo").rc, 0)
        before = json.loads(self.run_("board", "--format", "json").out)
        r = self.run_("demo", "clock", "2026-03-16 08:30")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("演示时钟已调到 2026-03-16 08:30", r.out)
        after = json.loads(self.run_("board", "--format", "json").out)
        self.assertTrue(after["now"].startswith("2026-03-16T08:3"), after["now"])
        self.assertNotEqual(before["now"][:10], after["now"][:10])
        self.assertEqual(after["gala"]["phase"], "after")
        self.assertIn("2026-03-16 08:3", self.run_("review").out.splitlines()[0])
        # The clock runs on from there, and the move is in the audit.
        rows = [a for a in e.audit() if a["entity"] == "demo"]
        self.assertEqual([(a["action"], a["at"][:16]) for a in rows], [("clock", "2026-03-16T08:30")])
        for args, needle in ((("demo", "clock", "明天早上"), "无法识别的时间"), (("demo", "clock"), "需要一个时间")):
            r = self.run_(*args)
            self.assertEqual(r.rc, 2, repr(r))
            self.assertIn(needle, r.err)

    def test_the_first_admin_joins_on_the_demo_clock(self):
        # The creator's joining (member list, and its audit row) is on the
        # night's clock like every other stamp, not today's date.
        e = self.env
        self.assertEqual(self.run_("init", "--demo").rc, 0)
        members = json.loads(self.run_("member", "list", "--format", "json").out)
        self.assertEqual([m["added_at"][:16] for m in members], ["2026-03-15T21:40"])
        first = e.audit()[0]
        self.assertEqual((first["entity"], first["action"], first["at"][:16]), ("member", "add", "2026-03-15T21:40"))
        self.assertIn("03-15 21:40", self.run_("member", "list").out)

    def test_the_demo_nights_listings_align(self):
        # Walking the demo night: every table listing lines its columns up
        # by display width, Chinese units, names and titles included.
        self.assertEqual(self.run_("init", "--demo").rc, 0)
        for args in (("roster", "list"), ("roster", "list", "--date", "2026-03-15"), ("member", "list"),
                     ("unit", "list"), ("gala", "list"), ("log", "list"), ("expose", "list", "--all"),
                     ("audit", "--limit", "80"), ("search", "酸菜"), ("report", "list", "default")):
            for lang in ("zh", "en"):
                r = self.env.run("--lang", lang, *args, env={"ZHISHOU_NOW": None})
                self.assertEqual(r.rc, 0, repr(r))
                check_table(self, r.out, "%s %s: " % (lang, " ".join(args)))

    def test_a_real_database_keeps_the_system_clock(self):
        e = self.env
        self.assertEqual(e.run("init", test_clock=False).rc, 0)
        size = e.dump() if zs.PG else os.path.getsize(e.db)
        audit = len(e.audit())
        r = self.run_("demo", "clock", "2026-03-16 08:30")
        self.assertEqual(r.rc, 2, repr(r))
        self.assertIn("只有演示数据库（zhishou init --demo 创建的）能调时钟", r.err)
        self.assertEqual(len(e.audit()), audit)
        self.assertEqual(e.dump() if zs.PG else os.path.getsize(e.db), size)


class OneClock(ZsTestCase):
    """ZHISHOU_NOW fixes "now" only on a database made for tests (init
    --test-clock); on a real one every stamp is the system clock."""

    LONG_AGO = "2020-01-01 10:00"

    def assertNowish(self, iso, what):
        t = datetime.datetime.fromisoformat(iso)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - t).total_seconds()), 600, "%s is %s, not the system's time" % (what, iso))

    def test_ignored_on_a_real_database(self):
        e = self.env
        r = e.run("init", test_clock=False, now=self.LONG_AGO)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertNowish(e.run("member", "list", "--format", "json").json()[0]["added_at"], "the creator's joining")
        r = e.run("log", "add", "--channel", "web", "--kind", "tip", "--text", "x", now=self.LONG_AGO)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("忽略 ZHISHOU_NOW：只对用 init --test-clock 创建的测试数据库有效", r.err)
        iid = int(r.out.split()[0])
        card = e.ok("log", "show", str(iid), "--format", "json", now=self.LONG_AGO).json()
        self.assertNowish(card["received_at"], "received_at")
        rows = e.audit("--entity", "intake", "--id", str(iid))
        self.assertTrue(rows)
        for row in rows:
            self.assertNowish(row["at"], "the audit row's time")
        r = e.run("log", "list", now=self.LONG_AGO, lang="en")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("ZHISHOU_NOW ignored", r.err)
        self.assertIsNone(CJK.search(r.err), r.err)
        # Without the variable, nothing is said.
        r = e.run("log", "list", env={"ZHISHOU_NOW": None})
        self.assertEqual(r.err, "")

    def test_honoured_on_a_test_database(self):
        e = self.env
        e.ok("init", "--test-clock", now=self.LONG_AGO)
        # the creator joins at the test's time too
        self.assertTrue(e.ok("member", "list", "--format", "json").json()[0]["added_at"].startswith("2020-01-01T10:00"))
        self.assertTrue(e.audit()[0]["at"].startswith("2020-01-01T10:00"))
        r = e.run("log", "add", "--channel", "web", "--kind", "tip", "--text", "x", now=self.LONG_AGO)
        self.assertEqual((r.rc, r.err), (0, ""), repr(r))
        iid = int(r.out.split()[0])
        self.assertTrue(e.intake(iid)["received_at"].startswith("2020-01-01T10:00"))
        for row in e.audit("--entity", "intake", "--id", str(iid)):
            self.assertTrue(row["at"].startswith("2020-01-01T10:00"), row)

    def test_a_real_database_cannot_be_made_a_test_one(self):
        e = self.env
        e.ok("init", test_clock=False)
        state = e.dump if zs.PG else (lambda: files_state(e.db))
        before = state()
        r = e.run("init", "--test-clock")
        self.assertFails(r, 2, "不是测试数据库", "--test-clock")
        self.assertEqual(state(), before)
        r = e.run("log", "add", "--channel", "web", "--kind", "tip", "--text", "x", now=self.LONG_AGO)
        self.assertIn("忽略 ZHISHOU_NOW", r.err)
        # init again on a test database is harmless
        t = e.other_db("t.db")
        e.ok("init", "--test-clock", db=t)
        r = e.ok("init", "--test-clock", db=t)
        self.assertIn("已是最新结构", r.out)

    def test_demo_and_test_clock_exclude_each_other(self):
        r = self.env.run("init", "--demo", "--test-clock")
        self.assertFails(r, 2, "--demo 和 --test-clock 只能选一个")
        self.assertFalse(self.env.made())

    def test_help_names_the_option(self):
        r = self.env.ok("init", "--help")
        self.assertIn("--test-clock", r.out)
        r = self.env.ok("init", "--help", lang="en")
        self.assertIn("--test-clock", r.out)
        self.assertIn("tests", r.out)


ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
EXAMPLE = os.path.join(ROOT, "data", "zhishou.conf.example")


def config_keys():
    """Every (section, key) src/util/config.c accepts, read from its source,
    so a new key fails ConfigFile until the example documents it."""
    with open(os.path.join(ROOT, "src", "util", "config.c"), encoding="utf-8") as f:
        return re.findall(r'IS\("(\w+)", "(\w+)"\)', f.read())


class ConfigFile(ZsTestCase):
    """data/zhishou.conf.example (the server's /etc/zhishou/zhishou.conf)
    shows every key with its default, and [database] path names the shared
    database after --db and $ZHISHOU_DB."""

    def test_the_example_shows_every_key_in_its_section(self):
        keys = config_keys()
        self.assertGreater(len(keys), 15)
        with open(EXAMPLE, encoding="utf-8") as f:
            text = f.read()
        for section, key in keys:
            with self.subTest(key="[%s] %s" % (section, key)):
                m = re.search(r"^\[%s\]$(.*?)(?=^\[|\Z)" % re.escape(section), text, re.M | re.S)
                self.assertIsNotNone(m, "no [%s] section" % section)
                self.assertRegex(m.group(1), r"(?m)^;%s = \S" % re.escape(key))

    def test_the_example_loads_as_shipped_and_uncommented(self):
        self.env.ok("--config", EXAMPLE, "init")
        # Every default uncommented (but the group, which may not exist here,
        # and the url, the path's alternative; the path --db overrides
        # anyway) is a valid setting.
        with open(EXAMPLE, encoding="utf-8") as f:
            lines = [l[1:] if re.match(r"^;\w+ = ", l) and not l.startswith((";group", ";url")) else l for l in f]
        conf = self.env.write("all.conf", "".join(lines))
        other = self.env.other_db("other.db")
        r = self.env.ok("--config", conf, "init", db=other)
        self.assertTrue(self.env.made(other), r)

    def test_database_path_from_the_configuration(self):
        shared = self.env.other_db("shared.db")
        with open(self.env.config_path, "w", encoding="utf-8") as f:
            f.write("[database]\n%s = %s\n" % ("url" if zs.PG else "path", shared))
        self.env.ok("init", db=False)
        self.assertTrue(self.env.made(shared))
        self.env.ok("unit", "add", "执法稽查队", db=False)
        self.assertIn("执法稽查队", self.env.ok("unit", "list", db=shared).out)
        # $ZHISHOU_DB and then --db come first.
        mine = self.env.other_db("mine.db")
        self.env.ok("init", db=False, env={"ZHISHOU_DB": mine})
        self.assertTrue(self.env.made(mine))
        self.assertNotIn("执法稽查队", self.env.ok("unit", "list", db=False, env={"ZHISHOU_DB": mine}).out)

    def test_path_and_url_together_are_refused(self):
        with open(self.env.config_path, "w", encoding="utf-8") as f:
            f.write("[database]\npath = %s\nurl = postgresql:///zhishou?host=/nonexistent\n" % self.env.path("x.db"))
        r = self.env.run("log", "list", db=False)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("path（SQLite 文件）和 url（PostgreSQL）只能设一个", r.err)
        self.assertFalse(os.path.exists(self.env.path("x.db")))

    def test_a_url_that_is_not_postgresql_is_refused(self):
        with open(self.env.config_path, "w", encoding="utf-8") as f:
            f.write("[database]\nurl = mysql://db/zhishou\n")
        r = self.env.run("log", "list", db=False)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("[database] url", r.err)

    def test_a_password_in_the_url_is_refused_and_never_shown(self):
        for how in ("--db", "env", "config"):
            with self.subTest(how=how):
                url = "postgresql://duty:S3cretPw@127.0.0.1:1/zhishou"
                with open(self.env.config_path, "w", encoding="utf-8") as f:
                    f.write("[database]\nurl = %s\n" % url if how == "config" else "")
                r = self.env.run("log", "list", db=url if how == "--db" else False,
                                 env={"ZHISHOU_DB": url} if how == "env" else None)
                self.assertEqual(r.rc, 2, r)
                self.assertIn("~/.pgpass", r.err)
                self.assertNotIn("S3cretPw", r.err + r.out)

    def test_an_unreachable_postgresql_server_is_named_without_its_options(self):
        r = self.env.run("log", "list", db="postgresql:///zhishou?host=%s&connect_timeout=2" % self.env.path("nosock"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("无法连接数据库 postgresql:///zhishou：", r.err)
        self.assertFalse(os.path.exists(self.env.path("nosock")))
        self.assertFalse(os.path.exists(os.path.join(self.env.dir, "postgresql:")))

    @zs.sqlite_only("file paths: a relative [database] path")
    def test_a_relative_database_path_is_refused(self):
        with open(self.env.config_path, "w", encoding="utf-8") as f:
            f.write("[database]\npath = zhishou.db\n")
        r = self.env.run("init", db=False)
        self.assertFails(r, 2, "[database] path")
        self.assertFalse(os.path.exists(self.env.path("zhishou.db")))


@zs.sqlite_only("an SQLite file made by an older zhishou's migrations (no older zhishou ever spoke PostgreSQL)")
class Upgrade(ZsTestCase):
    """A database made by an older zhishou is migrated when opened.  007
    rebuilds the outbox (to let local_set in): its events and their
    deliveries stay, and the new event can be written; 008 rebuilds it
    again (opinion_major)."""

    MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "migrations")
    LATEST = len([f for f in os.listdir(MIGRATIONS) if f.endswith(".sql")])

    def old_database(self, version):
        mig = self.MIGRATIONS
        files = sorted(f for f in os.listdir(mig) if f.endswith(".sql"))[:version]
        path = self.env.path("old.db")
        con = sqlite3.connect(path)
        con.execute("PRAGMA journal_mode=WAL")
        for f in files:
            with open(os.path.join(mig, f), encoding="utf-8") as fp:
                con.executescript(fp.read())
        con.execute("INSERT INTO member(unix_user, name, role, added_at, added_by) VALUES (?, ?, 'admin', 1, ?)",
                    (zs.OS_USER, zs.OS_USER, zs.OS_USER))
        con.execute("INSERT INTO exposure(aired_at, title, deadline, created_at, created_by, updated_at) "
                    "VALUES (1, '旧曝光', 100000, 1, 'x', 1)")
        con.execute("INSERT INTO outbox(created_at, event, exposure_id, payload) VALUES (1, 'exposure_new', 1, '{}')")
        con.execute("INSERT INTO delivery(outbox_id, robot, next_at_ms, state) VALUES (1, 'r1', 0, 'sent')")
        con.execute("PRAGMA application_id = %d" % 0x7a687368)
        con.execute("PRAGMA user_version = %d" % version)
        con.commit()
        con.close()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.chmod(path + suffix, 0o600)
        return path

    def test_from_6_keeps_the_outbox_and_its_deliveries(self):
        path = self.old_database(6)
        self.assertEqual(self.env.ok("expose", "list", "--format", "json", db=path).json()[0]["title"], "旧曝光")
        con = sqlite3.connect(path)
        try:
            self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], self.LATEST)
            self.assertEqual(con.execute("SELECT id, event FROM outbox").fetchall(), [(1, "exposure_new")])
            self.assertEqual(con.execute("SELECT outbox_id, robot, state FROM delivery").fetchall(), [(1, "r1", "sent")])
            self.assertEqual(con.execute("PRAGMA foreign_key_check").fetchall(), [])
        finally:
            con.close()
        self.env.ok("expose", "local", "1", "--none", db=path)
        con = sqlite3.connect(path)
        try:
            self.assertIn(("local_set",), con.execute("SELECT event FROM outbox").fetchall())
        finally:
            con.close()

    def test_from_7_a_register_imported_before_is_searched(self):
        """009 replaces the trigram index with entity_gram and fills it from
        the entities already there: a 2-character name fragment and an
        address find them, ranked as before, without importing again."""
        path = self.old_database(7)
        con = sqlite3.connect(path)
        con.execute("INSERT INTO register_snapshot(as_of, file, file_hash, imported_by, imported_at, rows) "
                    "VALUES ('2026-03-01', 'r.csv', 'x', 'u', 1, 4)")
        con.executemany("INSERT INTO entity(uscc, name, address, state) VALUES (?, ?, ?, ?)", [
            ("91120101MA05L00011", "老王酸菜", "南京路1号", "存续"),
            ("91120101MA05L00022", "天津老王酸菜店", "南京路2号", "存续"),
            ("91120101MA05L00033", "某某便利店", "酸菜巷3号", "存续"),
            ("91120101MA05L00044", "别家饭馆", "南京路4号", "存续")])
        con.commit()
        con.close()
        got = self.env.ok("entity", "search", "酸菜", "--format", "json", db=path).json()
        self.assertEqual([x["name"] for x in got], ["天津老王酸菜店", "老王酸菜", "某某便利店"])
        got = self.env.ok("entity", "search", "王酸菜", "--format", "json", db=path).json()
        self.assertEqual([x["name"] for x in got], ["天津老王酸菜店", "老王酸菜"])
        con = sqlite3.connect(path)
        try:
            self.assertEqual(con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'entity_fts'").fetchone(), (0,))
            self.assertEqual(sorted(r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entity'")),
                ["entity_name", "entity_unit", "entity_uscc"])
        finally:
            con.close()


if __name__ == "__main__":
    unittest.main()
