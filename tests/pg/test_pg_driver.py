#!/usr/bin/env python3
"""The PostgreSQL driver's own behaviour (issue 16), on a throwaway cluster
(pgcluster.py): what the CLI suites (pg-cli-*) cannot show by running the
same commands on both engines.

- zhishou db copy: the demo night SQLite -> PostgreSQL -> SQLite, every
  listing the same on all three, the audit chain intact; the tables copied
  are exactly the schema's (less what the target derives); refusals leave
  the target as it was.
- init into an empty database only: another program's tables refused.
- a connection lost in the middle of log add (the server ends the backend
  during the INSERT): the add says it reconnects, is made once, and its id
  is the one printed.
- the relay's lease as an advisory lock: a second relay is refused at once.

Skipped (77) without a PostgreSQL server installed."""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import pgcluster  # noqa: E402

BIN = os.environ.get("ZHISHOU_BIN") or os.path.join(ROOT, "build", "zhishou")

# Listings a copy must leave as they were (the demo night's, read as its admin).
LISTINGS = [
    ["log", "list", "--limit", "0"],
    ["log", "list", "--limit", "0", "--format", "json"],
    ["expose", "list", "--all"],
    ["expose", "show", "1"],
    ["board"],
    ["roster", "list"],
    ["unit", "list"],
    ["member", "list"],
    ["opinion", "list", "--all"],
    ["entity", "search", "食品", "--limit", "20"],
    ["review"],
]
# Reading the audit, and showing an intake (it records the view), are
# compared apart: each copy adds a row to its source's audit.
AUDIT = ["audit", "--limit", "0", "--format", "tsv"]


def steady(text):
    """A listing less what the demo's running clock moves between two
    readings (the board's time left, its clock)."""
    text = re.sub(r"\d+小时\d+分|\d+分钟?|\d+小时", "T", text)
    return re.sub(r"\d\d:\d\d(:\d\d)?", "HH:MM", text) if "值守看板" in text else text


class Driver(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = pgcluster.Cluster()
        cls.dir = tempfile.mkdtemp(prefix="zhishou-pgdriver-")
        cls.n = 0

    @classmethod
    def tearDownClass(cls):
        cls.pg.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def new_db(self):
        """A new empty database on the cluster; its URI."""
        Driver.n += 1
        name = "t%d" % Driver.n
        self.pg.psql("CREATE DATABASE %s" % name, db="postgres", single=False)
        return self.pg.url.replace("/%s?" % pgcluster.Cluster.DB, "/%s?" % name), name

    def q(self, name, sql):
        return self.pg.psql(sql, db=name, single=False)[1].strip()

    def run_zs(self, db, *args, env=None):
        e = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": self.dir, "TZ": "Asia/Shanghai",
             "XDG_CONFIG_HOME": os.path.join(self.dir, "config")}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                e[k] = os.environ[k]
        e.update(env or {})
        p = subprocess.run([BIN, "--db", db] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=e, timeout=120, cwd=self.dir)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def ok(self, db, *args):
        rc, out, err = self.run_zs(db, *args)
        self.assertEqual(rc, 0, "%s %s -> %d\n%s%s" % (db, " ".join(args), rc, out, err))
        return out

    def test_copy_demo_both_ways(self):
        demo = os.path.join(self.dir, "demo.db")
        self.ok(demo, "init", "--demo")
        before = {" ".join(a): self.ok(demo, *a) for a in LISTINGS}
        audit = self.ok(demo, *AUDIT)
        url, name = self.new_db()
        out = self.ok(demo, "db", "copy", "--to", url)
        self.assertIn("逐表核对一致", out)
        # PostgreSQL's own counters go on after the copied ids.
        self.assertEqual(self.q(name, "SELECT max(id) FROM intake"), "300")
        back = os.path.join(self.dir, "back.db")
        self.ok(url, "db", "copy", "--to", back)
        for a in LISTINGS:
            key = " ".join(a)
            with self.subTest(listing=key):
                self.assertEqual(steady(self.ok(url, *a)), steady(before[key]), "PostgreSQL: " + key)
                self.assertEqual(steady(self.ok(back, *a)), steady(before[key]), "back in SQLite: " + key)
        # The audit: the night's rows as they were; each source then says
        # it was copied (demo's row is after what PostgreSQL got, and
        # PostgreSQL's after what came back).
        self.assertEqual(self.ok(back, *AUDIT), audit)
        pg_audit = self.ok(url, *AUDIT)
        self.assertTrue(pg_audit.startswith(audit), pg_audit[-300:])
        self.assertRegex(pg_audit[len(audit):], r"^\d+\t[^\n]*\tdatabase\t0\tcopy\t[^\n]*\n$")
        rows = audit.count("\n") - 1
        self.assertIn("审计链完好：%d 条记录" % rows, self.ok(back, "audit", "verify"))
        self.assertIn("审计链完好：%d 条记录" % (rows + 1), self.ok(url, "audit", "verify"))
        self.assertIn("审计链完好：%d 条记录" % (rows + 1), self.ok(demo, "audit", "verify"))
        # An intake shown: its history the same on both (each shows the
        # view it records only after this reading).
        self.assertEqual(self.ok(url, "log", "show", "1"), self.ok(back, "log", "show", "1"))

    def test_copied_tables_are_the_schema(self):
        src = open(os.path.join(ROOT, "src", "store", "copy.c"), encoding="utf-8").read()
        body = re.search(r"\} tables\[\] = \{(.*?)\n\};", src, re.S).group(1)
        copied = re.findall(r'\{ "([a-z_]+)"', body)
        derived = re.search(r"its rows itself: (.*?)\(tests", src, re.S).group(1)
        derived = re.findall(r"[a-z_]+", derived.replace("*", " "))
        db = os.path.join(self.dir, "schema.db")
        self.ok(db, "init")
        tables = [r[0] for r in sqlite3.connect(db).execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        shadow = [t for t in tables if any(t.startswith(d + "_") and t != d for d in derived)]
        self.assertEqual(sorted(set(tables) - set(shadow)), sorted(copied + derived))
        self.assertEqual(len(copied), len(set(copied)))

    def test_copy_refusals_change_nothing(self):
        demo = os.path.join(self.dir, "refuse.db")
        self.ok(demo, "init", "--demo")
        # an existing file
        other = os.path.join(self.dir, "exists.db")
        with open(other, "wb") as f:
            f.write(b"keep me")
        rc, out, err = self.run_zs(demo, "db", "copy", "--to", other)
        self.assertEqual(rc, 2, err)
        self.assertIn("已存在", err)
        self.assertEqual(open(other, "rb").read(), b"keep me")
        # a PostgreSQL database already zhishou's
        url, name = self.new_db()
        self.ok(url, "init")
        rc, out, err = self.run_zs(demo, "db", "copy", "--to", url)
        self.assertEqual(rc, 2, err)
        self.assertIn("已有 zhishou 的数据", err)
        self.assertEqual(self.q(name, "SELECT count(*) FROM member"), "1")   # only init's admin
        # another program's tables
        url2, name2 = self.new_db()
        self.pg.psql("CREATE TABLE payroll(id int)", db=name2)
        rc, out, err = self.run_zs(demo, "db", "copy", "--to", url2)
        self.assertEqual(rc, 2, err)
        self.assertIn("别的程序的表", err)
        # no --to, and the database itself
        rc, out, err = self.run_zs(demo, "db", "copy")
        self.assertEqual(rc, 2, err)
        self.assertIn("--to", err)
        rc, out, err = self.run_zs(demo, "db", "copy", "--to", demo)
        self.assertEqual(rc, 2, err)
        # nothing was audited in the source for any of these
        self.assertEqual(sqlite3.connect(demo).execute(
            "SELECT count(*) FROM audit WHERE entity = 'database'").fetchone()[0], 0)

    def test_init_only_into_an_empty_database(self):
        url, name = self.new_db()
        self.pg.psql("CREATE TABLE payroll(id int); INSERT INTO payroll VALUES (1)", db=name)
        rc, out, err = self.run_zs(url, "init")
        self.assertEqual(rc, 2, err)
        self.assertIn("不是 zhishou 数据库", err)
        self.assertEqual(self.q(name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "1")
        # an empty one: made, and a command before init is told to run it
        url, name = self.new_db()
        rc, out, err = self.run_zs(url, "log", "list")
        self.assertEqual(rc, 2, err)
        self.assertIn("zhishou init", err)
        self.ok(url, "init")
        self.assertIn("已是最新结构", self.ok(url, "init"))
        # a database that sorts text by a language's rules
        # (the cluster may have no other libc locale: ICU's zh is always there)
        coll = self.pg.psql("SELECT count(*) FROM pg_collation WHERE collname = 'zh-x-icu'", db="postgres",
                            single=False)[1].strip()
        if coll == "1":
            self.pg.psql("CREATE DATABASE zhdb TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'zh' "
                         "LOCALE 'C.UTF-8'", db="postgres", single=False)
            zh = self.pg.url.replace("/%s?" % pgcluster.Cluster.DB, "/zhdb?")
            rc, out, err = self.run_zs(zh, "init")
            self.assertEqual(rc, 2, err)
            self.assertIn("按字节序", err)
            self.assertIn("--locale=C.UTF-8", err)
            self.assertEqual(self.q("zhdb", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0")
        # a newer zhishou's
        self.pg.psql("UPDATE zhishou_schema SET version = version + 1", db=name)
        rc, out, err = self.run_zs(url, "log", "list")
        self.assertEqual(rc, 1, err)
        self.assertIn("更新版本的 zhishou", err)

    def test_a_connection_lost_in_log_add_adds_once(self):
        url, name = self.new_db()
        self.ok(url, "init")
        # The first INSERT into intake ends its own backend: the client
        # sees the connection go in the middle of its transaction.
        self.pg.psql("CREATE SEQUENCE kill_once; "
                     "CREATE FUNCTION kill_me() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                     "IF nextval('kill_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; "
                     "RETURN NEW; END $$; "
                     "CREATE TRIGGER kill_me BEFORE INSERT ON intake FOR EACH ROW EXECUTE FUNCTION kill_me()", db=name)
        rc, out, err = self.run_zs(url, "log", "add", "--channel", "web", "--kind", "tip", "--text", "断线时登记的一件")
        self.assertEqual(rc, 0, err)
        self.assertIn("数据库连接中断，正在重连", err)
        iid = int(out.splitlines()[0])
        self.assertEqual(self.q(name, "SELECT string_agg(id::text, ',') FROM intake WHERE summary = '断线时登记的一件'"),
                         str(iid))
        self.assertEqual(self.q(name, "SELECT last_value FROM kill_once"), "2")
        self.assertIn("审计链完好", self.ok(url, "audit", "verify"))


if __name__ == "__main__":
    if not pgcluster.available():
        print("skip: no PostgreSQL server installed (apt-get install postgresql)")
        sys.exit(77)
    unittest.main(verbosity=2)
