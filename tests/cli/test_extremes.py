#!/usr/bin/env python3
"""Extremes: a 1 MB field, a 100,000-row roster, 10,000 intakes at once, a
0-byte and a binary file; and imports killed (SIGKILL) at random moments:
a clear error or a correct result, memory bounded, an import whole or
absent and the database intact."""

import os
import random
import signal
import sqlite3
import subprocess
import time
import unittest

import zs
from zs import Env


def peak_rss_kib_of(argv, env, cwd):
    """Run argv and return (returncode, stderr, its own peak RSS in KiB)."""
    p = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, err.decode("utf-8", "replace"), usage.ru_maxrss


# A sanitizer build keeps shadow memory and a quarantine of freed blocks:
# its RSS says nothing about the program's.
SANITIZED = "asan" in zs.BIN or "ASAN_OPTIONS" in os.environ
RSS_LIMIT_KIB = 1 << 40 if SANITIZED else 256 * 1024


class Extremes(unittest.TestCase):
    def setUp(self):
        self.env = Env()
        self.env.ok("init")

    def tearDown(self):
        self.env.cleanup()

    def test_one_megabyte_field(self):
        e = self.env
        # One argument may hold at most 128 KiB (Linux MAX_ARG_STRLEN): the
        # command gets 120 KB, the file the whole megabyte.
        r = e.run("log", "add", "--channel", "web", "--kind", "tip", "--text", "酸" * 40000)
        self.assertEqual(r.rc, 2, r.err[:200])
        self.assertIn("内容", r.err)
        self.assertLess(len(r.err), 2000)          # the message does not echo the field
        p = e.write("big.csv", "received_at,channel,kind,summary\n2026-03-15 21:00,web,tip," + "x" * (1 << 20) + "\n")
        r = e.run("log", "import", p)
        self.assertEqual(r.rc, 2)
        self.assertIn("第 2 行", r.err)
        self.assertLess(len(r.err), 4000)
        self.assertEqual(e.intakes(), [])

    def test_empty_and_binary_files(self):
        e = self.env
        empty = e.write("empty.csv", b"")
        binary = e.write("blob.csv", bytes(random.Random(7).randrange(256) for _ in range(65536)))
        for cmd in (("log", "import"), ("roster", "import")):
            for path in (empty, binary):
                r = e.run(*cmd, path)
                self.assertEqual(r.rc, 2, "%s %s: %r" % (cmd, path, r))
                self.assertTrue(r.err.strip())
                self.assertLess(len(r.err), 4000)
        self.assertEqual(e.intakes(), [])
        self.assertEqual(e.ok("roster", "list", "--format", "json").json(), [])

    def test_roster_of_100000_rows(self):
        e = self.env
        lines = ["日期,单位,姓名,职务,固定电话,移动电话"]
        for k in range(100000):
            lines.append("2026-03-15,单位%d,值班员%d,科员,022-2730%04d,139%08d" % (k % 40, k, k % 10000, k))
        p = e.write("roster.csv", "\n".join(lines) + "\n")
        t = time.monotonic()
        rc, err, rss = peak_rss_kib_of([zs.BIN, "--db", e.db, "roster", "import", p], e.environ(), e.dir)
        took = time.monotonic() - t
        self.assertEqual(rc, 0, err)
        self.assertEqual(e.scalar("SELECT count(*) FROM roster"), 100000)
        self.assertEqual(e.scalar("SELECT count(*) FROM unit"), 40)
        self.assertLess(rss, RSS_LIMIT_KIB, "peak RSS %d KiB" % rss)
        self.assertLess(took, 120)

    def test_ten_thousand_intakes_at_once(self):
        e = self.env
        rows = ["received_at,channel,kind,caller,phone,subject,summary,ref"]
        for k in range(10000):
            rows.append("2026-03-15 21:%02d,8890,投诉,来电人%d,139%08d,商户%d,第%d件投诉内容,GD%06d" % (k % 60, k, k, k % 97, k, k))
        p = e.write("burst.csv", "\n".join(rows) + "\n")
        rc, err, rss = peak_rss_kib_of([zs.BIN, "--db", e.db, "log", "import", p], e.environ(), e.dir)
        self.assertEqual(rc, 0, err)
        n = e.scalar("SELECT count(*) FROM intake")
        self.assertEqual(n, 10000)
        self.assertLess(rss, RSS_LIMIT_KIB, "peak RSS %d KiB" % rss)
        # The same burst again adds nothing (same channel and order numbers).
        self.assertEqual(e.run("log", "import", p).rc, 0)
        self.assertEqual(e.scalar("SELECT count(*) FROM intake"), 10000)


class KilledImports(unittest.TestCase):
    """kill -9 an import at random moments (fixed seed, 50 rounds): each
    time the import is whole or absent, and the database passes
    integrity_check and audit verify."""

    ROUNDS = int(os.environ.get("ZHISHOU_KILL_ROUNDS", "50"))

    def test_import_is_whole_or_absent(self):
        e = Env()
        self.addCleanup(e.cleanup)
        e.ok("init")
        rows = ["received_at,channel,kind,summary,ref"]
        for k in range(20000):
            rows.append("2026-03-15 21:%02d,12345,咨询,第%d件咨询,R%06d" % (k % 60, k, k))
        path = e.write("rows.csv", "\n".join(rows) + "\n")
        # How long a whole import takes here, to spread the kills over it.
        scratch = e.other_db("scratch.db")
        t = time.monotonic()
        e.ok("init", db=scratch)
        e.ok("log", "import", path, db=scratch)
        whole = time.monotonic() - t
        rng = random.Random(0x315)
        seen = set()
        for rnd in range(self.ROUNDS):
            before = e.scalar("SELECT count(*) FROM intake")
            p = subprocess.Popen([zs.BIN, "--db", e.db, "log", "import", path], env=e.environ(), cwd=e.dir,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, whole * 1.2))
            p.send_signal(signal.SIGKILL)
            p.wait()
            if not zs.PG:
                con = sqlite3.connect(e.db)
                self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok", "round %d" % rnd)
                con.close()
            after = e.scalar("SELECT count(*) FROM intake")
            # Whole or absent: 0 or 20,000 more, never a part (the same file
            # again adds nothing once it is in).
            self.assertIn(after - before, (0, 20000) if before == 0 else (0,), "round %d: %d -> %d" % (rnd, before, after))
            seen.add(after)
            r = e.run("audit", "verify")
            self.assertEqual(r.rc, 0, "round %d: %r" % (rnd, r))
            if after:
                # Start again from an empty night so later kills also hit a real import.
                e.remove_db()
                e.ok("init")
        # The moments were spread enough to see both outcomes.
        self.assertIn(0, seen)


if __name__ == "__main__":
    unittest.main()
