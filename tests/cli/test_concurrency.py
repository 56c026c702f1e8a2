#!/usr/bin/env python3
"""Many writers at once: the issue's 8 processes x 2,000 adds, at a smaller
scale (8 x 60).  Every add must succeed, none may print anything on stderr
(no "database is locked"), and the count of intakes and of audit rows must be
exact."""

import concurrent.futures
import datetime
import json
import os
import threading
import unittest

import zs
from zs import Env, ZsTestCase

WORKERS = 8
ADDS = int(os.environ.get("ZHISHOU_CONCURRENCY_ADDS", "60"))


class ManyWriters(ZsTestCase):
    def test_parallel_log_add(self):
        e = self.env
        e.ok("init")
        done = threading.Event()
        problems = []

        def writer(w):
            errs = []
            for n in range(ADDS):
                r = e.run("log", "add", "--channel", "12315-hotline", "--kind", "complaint",
                          "--text", "并发测试 第%d号 第%d件" % (w, n), "--phone", "1380000%04d" % w,
                          "--subject", "并发测试公司%d" % w)
                if r.rc != 0 or r.err:
                    errs.append(r)
                elif not r.out.split("\n")[0].isdigit():
                    errs.append(r)
            return errs

        def reader():
            n = 0
            while not done.is_set() or n == 0:
                for args in (("board", "--format", "json"), ("log", "list", "--limit", "5"), ("audit", "verify")):
                    r = e.run(*args)
                    # the page hint (只列出了 5 件…) is the only stderr expected
                    noise = [l for l in r.err.splitlines() if not l.startswith("只列出了 5 件")]
                    if r.rc != 0 or noise:
                        problems.append(r)
                n += 1
            return n

        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS + 2) as pool:
            readers = [pool.submit(reader) for _ in range(2)]
            writers = [pool.submit(writer, w) for w in range(WORKERS)]
            errors = [r for f in writers for r in f.result()]
            done.set()
            for f in readers:
                f.result()

        self.assertFalse(errors, "failed or noisy adds (%d), first: %r" % (len(errors), errors[:1]))
        self.assertFalse(problems, "failed or noisy reads (%d), first: %r" % (len(problems), problems[:1]))
        rows = e.intakes()
        total = WORKERS * ADDS
        self.assertEqual(len(rows), total)
        self.assertEqual(sorted(r["id"] for r in rows), list(range(1, total + 1)))
        self.assertEqual(len({r["summary"] for r in rows}), total)
        audit = e.audit("--entity", "intake")
        creates = [a for a in audit if a["action"] == "create"]
        self.assertEqual(len(creates), total)
        self.assertEqual(sorted(a["entity_id"] for a in creates), list(range(1, total + 1)))
        self.assertEqual(e.audit_rows(), total + 1)    # and init's: its creator became admin
        b = e.ok("board", "--format", "json").json()
        self.assertEqual(b["counts"]["total"], total)
        self.assertEqual(b["counts"]["by_channel"]["12315-hotline"], total)

    def test_parallel_updates_of_one_intake_lose_nothing(self):
        e = self.env
        e.ok("init")
        e.ok("log", "add", "--channel", "web", "--kind", "tip", "--text", "大家都在改这一件")
        per = 12

        def worker(w):
            out = []
            for n in range(per):
                r = e.run("log", "update", "1", "--note", "工作者%d-%d" % (w, n))
                if r.rc != 0 or r.err:
                    out.append(r)
            return out

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            errors = [r for f in [pool.submit(worker, w) for w in range(4)] for r in f.result()]
        self.assertFalse(errors, errors[:1])
        notes = e.intake(1)["notes"].split("\n")
        self.assertEqual(len(notes), 4 * per)
        self.assertEqual(len([a for a in e.audit("--entity", "intake", "--id", "1") if a["action"] == "update"]), 4 * per)
        e.audit_rows()

    def test_parallel_first_init(self):
        # Several operators starting at once on a fresh install: every init
        # succeeds and one good database results (no "table already exists",
        # no "disk I/O error", no database deleted under another process).
        for round_ in range(3):
            p = self.env.other_db("fresh%d.db" % round_)
            with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
                results = list(pool.map(lambda _: self.env.run("init", db=p), range(WORKERS)))
            bad = [r for r in results if r.rc != 0 or r.err]
            self.assertFalse(bad, "round %d: %d of %d inits failed, first: %r" % (round_, len(bad), WORKERS, bad[:1]))
            self.assertTrue(self.env.made(p), "round %d: no database left" % round_)
            r = self.env.run("log", "add", "--channel", "web", "--kind", "tip", "--text", "x", db=p)
            self.assertEqual(r.rc, 0, repr(r))
            r = self.env.run("audit", "verify", db=p)
            self.assertEqual(r.rc, 0, repr(r))


class ReadersNeverLeave(ZsTestCase):
    """Consoles read after every commit, so on a busy night some reader is
    always inside the WAL.  SQLite's own (passive) checkpoints then never
    start the log again from its beginning and it grows by every commit
    (1.57 GB in the 50-console soak); a writer must wait for the readers of
    the moment to leave once the log is big."""

    IMPORTS = 10
    ROWS = 4000

    def csv(self, k):
        rows = ["received_at,channel,kind,caller,phone,subject,uscc,category,summary,ref"]
        for n in range(self.ROWS):
            i = k * self.ROWS + n
            at = datetime.datetime(2026, 3, 1) + datetime.timedelta(seconds=20 * i)
            rows.append("%s,web,complaint,,139%08d,读者测试商店%d,,food,"
                        "第%d件：购买的面包过期发霉，商家拒绝退款，要求依法处理并赔偿损失。,"
                        % (at.strftime("%Y-%m-%d %H:%M:%S"), i, i % 97, i))
        return self.env.write("r%d.csv" % k, "\n".join(rows) + "\n")

    @zs.sqlite_only("the -wal file's size under steady readers")
    def test_the_wal_starts_again_under_steady_readers(self):
        import sqlite3
        import time
        e = self.env
        e.ok("init")
        stop = threading.Event()
        failures = []

        def readers():
            # two readers taking turns, one always inside a read transaction
            cs = [sqlite3.connect(e.db, isolation_level=None, timeout=10) for _ in range(2)]
            i = 0
            try:
                while not stop.is_set():
                    c, other = cs[i % 2], cs[(i + 1) % 2]
                    c.execute("BEGIN")
                    c.execute("SELECT count(*) FROM intake").fetchone()
                    time.sleep(0.003)
                    if other.in_transaction:
                        other.execute("COMMIT")
                    i += 1
            except sqlite3.Error as x:
                failures.append(x)
            finally:
                for c in cs:
                    c.close()

        files = [self.csv(k) for k in range(self.IMPORTS)]
        t = threading.Thread(target=readers)
        t.start()
        try:
            biggest = 0
            for f in files:
                r = e.run("log", "import", f)
                self.assertEqual((r.rc, failures), (0, []), repr(r))
                biggest = max(biggest, os.path.getsize(e.db + "-wal"))
        finally:
            stop.set()
            t.join()
        self.assertEqual(len(e.intakes()), self.IMPORTS * self.ROWS)
        # each import writes ~6 MB of pages (60 MB in all); the log starts
        # again once it passes 4096 pages (16 MiB)
        self.assertLess(biggest, 32 << 20, "the WAL grew to %.1f MB" % (biggest / 1e6))


if __name__ == "__main__":
    unittest.main()
