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
- a write whose COMMIT the server made but whose answer was lost (a proxy,
  lossproxy.py, cuts the connection there), for every add: the command
  says it reconnects, finds its token, reports the row it made and does
  not make it again.
- the relay's lease as an advisory lock: a second relay is refused at once.

Skipped (77) without a PostgreSQL server installed."""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import pgcluster  # noqa: E402
from lossproxy import LossProxy  # noqa: E402

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


    # Each add, its check (one row, by the SQL's count) and what it prints.
    LOST_ANSWERS = [
        (["log", "add", "--channel", "web", "--kind", "tip", "--text", "答复丢失的一件"],
         "SELECT count(*) FROM intake WHERE summary = '答复丢失的一件'", r"^\d+$"),
        (["expose", "add", "--title", "答复丢失的曝光"],
         "SELECT count(*) FROM exposure WHERE title = '答复丢失的曝光'", r"^\d+$"),
        (["opinion", "add", "--platform", "weibo", "--title", "答复丢失的舆情"],
         "SELECT count(*) FROM opinion WHERE title = '答复丢失的舆情'", r"^\d+$"),
        (["expose", "action", "1", "--kind", "officers", "--count", "7", "--note", "答复丢失的措施"],
         "SELECT count(*) FROM exposure_action WHERE note = '答复丢失的措施'", "已记录措施：#1"),
        (["expose", "instruct", "1", "--text", "答复丢失的批示"],
         "SELECT count(*) FROM exposure_instruction WHERE text = '答复丢失的批示'", "已记录批示：#1"),
        (["unit", "add", "答复丢失所"], "SELECT count(*) FROM unit WHERE name = '答复丢失所'", "已添加单位 \\d+ 答复丢失所"),
        (["member", "add", "--unix", "daemon", "--name", "答复丢失", "--role", "operator"],
         "SELECT count(*) FROM member WHERE unix_user = 'daemon'", "已添加成员 daemon"),
    ]

    def test_an_add_whose_answer_was_lost_is_made_once(self):
        url, name = self.new_db()
        self.ok(url, "init")
        self.ok(url, "expose", "add", "--title", "先有的曝光")
        with LossProxy(self.pg.sock) as proxy:
            purl = url.replace("host=%s" % self.pg.sock, "host=%s" % proxy.dir)
            self.assertNotEqual(purl, url)
            for argv, count_sql, printed in self.LOST_ANSWERS:
                with self.subTest(argv[:2]):
                    # Cut after the COMMIT of the transaction that writes an
                    # audit row: the write is in, its answer never arrives.
                    proxy.arm(b"INSERT INTO audit")
                    rc, out, err = self.run_zs(purl, *argv)
                    self.assertEqual(rc, 0, err)
                    self.assertEqual(proxy.cut, 1, "the proxy never cut: %s" % err)
                    self.assertIn("数据库连接中断，正在重连", err)
                    self.assertRegex(out.splitlines()[0], printed, out)
                    self.assertEqual(self.q(name, count_sql), "1")
        self.assertIn("审计链完好", self.ok(url, "audit", "verify"))
        # A token per command (the first exposure's too); log add's is its
        # draft token (saved_draft, which the console's drafts share).
        self.assertEqual(self.q(name, "SELECT count(*) FROM write_token"), str(len(self.LOST_ANSWERS)))
        self.assertEqual(self.q(name, "SELECT count(*) FROM saved_draft"), "1")

    def test_a_write_token_resolves_only_its_own_write(self):
        """A write refused after its answer was lost is not taken for done:
        an add that fails (no such exposure) reports the failure, and its
        token is in no row."""
        url, name = self.new_db()
        self.ok(url, "init")
        with LossProxy(self.pg.sock) as proxy:
            purl = url.replace("host=%s" % self.pg.sock, "host=%s" % proxy.dir)
            proxy.arm(b"INSERT INTO audit")
            rc, out, err = self.run_zs(purl, "expose", "action", "99", "--kind", "officers")
            self.assertEqual(rc, 2, out + err)
            self.assertIn("没有编号为 99 的曝光问题", err)
            self.assertEqual(proxy.cut, 0)
            self.assertNotIn("正在重连", err)
        self.assertEqual(self.q(name, "SELECT count(*) FROM write_token"), "0")
        self.assertEqual(self.q(name, "SELECT count(*) FROM exposure_action"), "0")

    def test_the_servers_notices_are_not_printed(self):
        """A server's notice (here from a trigger an administrator added) is
        not written to stderr, where it would land on a console's screen
        unsanitised and scroll it under ncurses."""
        url, name = self.new_db()
        self.ok(url, "init")
        self.pg.psql("CREATE FUNCTION say() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                     "RAISE NOTICE 'PLANTED-NOTICE \x1b[2J'; RETURN NEW; END $$; "
                     "CREATE TRIGGER say BEFORE INSERT ON intake FOR EACH ROW EXECUTE FUNCTION say()", db=name)
        rc, out, err = self.run_zs(url, "log", "add", "--channel", "web", "--kind", "tip", "--text", "有通知的一件")
        self.assertEqual(rc, 0, err)
        self.assertNotIn("PLANTED-NOTICE", out + err)
        self.assertEqual(self.q(name, "SELECT count(*) FROM intake WHERE summary = '有通知的一件'"), "1")

    def test_a_deadlock_with_an_outside_session_is_run_again(self):
        url, name = self.new_db()
        self.ok(url, "init")
        self.ok(url, "log", "add", "--channel", "web", "--kind", "tip", "--text", "第一件")
        # An outside session locks the status tally's row that log add's
        # trigger updates, then, once log add waits for it while holding
        # the audit head, asks for the head: a deadlock.  PostgreSQL undoes
        # the one that waited first (log add's), which runs its add again.
        argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.pg.sock, "-U", pgcluster.Cluster.ROLE,
                "-d", name]
        if self.pg.owner:
            argv = ["setpriv", "--reuid=%d" % self.pg.owner.pw_uid, "--regid=%d" % self.pg.owner.pw_gid,
                    "--init-groups"] + argv
        outside = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        outside.stdin.write("BEGIN; UPDATE intake_tally SET n = n WHERE status = 'new';\n")
        outside.stdin.flush()
        time.sleep(0.5)
        adder = subprocess.Popen([BIN, "--db", url, "log", "add", "--channel", "web", "--kind", "tip", "--text",
                                  "死锁时登记的一件"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": self.dir}, text=True)
        time.sleep(0.5)
        outside.stdin.write("SELECT value FROM setting WHERE key = 'audit_head' FOR UPDATE;\nCOMMIT;\n")
        outside.stdin.close()
        out, err = adder.communicate(timeout=60)
        outside.wait(timeout=60)
        self.assertEqual(adder.returncode, 0, err)
        # The outside session went through: log add was the one undone.
        self.assertEqual(outside.returncode, 0, outside.stderr.read())
        iid = int(out.splitlines()[0])
        self.assertEqual(self.q(name, "SELECT string_agg(id::text, ',') FROM intake WHERE summary = '死锁时登记的一件'"),
                         str(iid))
        log = open(os.path.join(self.pg.dir, "log"), encoding="utf-8", errors="replace").read()
        self.assertIn("deadlock detected", log)
        self.assertIn("审计链完好", self.ok(url, "audit", "verify"))


if __name__ == "__main__":
    if not pgcluster.available():
        print("skip: no PostgreSQL server installed (apt-get install postgresql)")
        sys.exit(77)
    unittest.main(verbosity=2)
