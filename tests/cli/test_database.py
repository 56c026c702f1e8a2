#!/usr/bin/env python3
"""The database file: its mode on creation, and the config that sets it."""

import os
import stat
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


if __name__ == "__main__":
    unittest.main()
