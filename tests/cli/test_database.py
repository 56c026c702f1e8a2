#!/usr/bin/env python3
"""The database file: its mode and group on creation, the config that sets
them, and the refusal of a database, -wal or -shm every user may read or
write."""

import grp
import os
import shutil
import sqlite3
import stat
import subprocess
import unittest

from zs import ZsTestCase


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


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


if __name__ == "__main__":
    unittest.main()
