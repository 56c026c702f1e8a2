#!/usr/bin/env python3
"""Alerts go into the outbox in the change's own transaction; the relay's
configuration is checked robot by robot; outbox and quarantine commands.

The network side (real robots, retries, the feed) is tests/net/; here no
message ever reaches a server: robots point at a closed port."""

import json
import os
import subprocess
import tempfile
import shutil
import unittest

import zs
from zs import BIN, Env

SECRET = "SECzz9f1a2b3c4d5e6f7a8b9c0dsecretvalue"
TOKEN = "tok3n5ecret0123456789abcdef"


def outbox(env):
    return [dict(zip(("id", "event", "exposure_id", "payload", "dedupe"), r)) for r in env.query(
        "SELECT id, event, exposure_id, payload, dedupe FROM outbox ORDER BY id")]


def sql(env, q, *args):
    """A query's rows, or a change made behind zhishou's back (no rows)."""
    if q.lstrip().upper().startswith("SELECT"):
        return env.query(q, *args)
    env.execute(q, *args)
    return []


class Outbox(unittest.TestCase):
    def setUp(self):
        self.env = e = Env()
        e.ok("init")
        e.ok("unit", "add", "执法稽查队")
        e.ok("unit", "add", "食品经营监管科")

    def tearDown(self):
        self.env.cleanup()

    def test_each_change_writes_its_event(self):
        e = self.env
        eid = e.ok("expose", "add", "--title", "某品牌酸菜土坑腌制", "--level", "3").out.strip()
        rows = outbox(e)
        self.assertEqual([r["event"] for r in rows], ["exposure_new"])
        p = json.loads(rows[0]["payload"])
        self.assertEqual(p["title"], "某品牌酸菜土坑腌制")
        self.assertEqual(p["level"], 3)
        e.ok("expose", "update", eid, "--level", "2")
        e.ok("expose", "update", eid, "--level", "4")      # lowered: no alert
        e.ok("expose", "update", eid, "--status", "checking")
        e.ok("expose", "update", eid, "--lead", "执法稽查队")
        e.ok("expose", "update", eid, "--industry", "食品")  # nothing the groups need
        events = [r["event"] for r in outbox(e)]
        self.assertEqual(events, ["exposure_new", "level_raised", "status_changed", "lead_set"])
        last = json.loads(outbox(e)[-1]["payload"])
        self.assertEqual(last["lead_unit"], "执法稽查队")

    def test_refused_change_writes_no_event(self):
        e = self.env
        eid = e.ok("expose", "add", "--title", "问题甲").out.strip()
        n = len(outbox(e))
        r = e.run("expose", "update", eid, "--level", "9")
        self.assertEqual(r.rc, 2, r)
        r = e.run("expose", "update", eid, "--lead", "不存在的单位")
        self.assertEqual(r.rc, 2, r)
        self.assertEqual(len(outbox(e)), n)

    def test_no_caller_data_in_any_payload(self):
        e = self.env
        eid = e.ok("expose", "add", "--title", "问题乙", "--level", "2").out.strip()
        e.add("--channel", "12315-hotline", "--kind", "投诉", "--caller", "欧阳娜娜", "--phone", "13912345678",
              "--text", "独特的投诉内容XYZ", "--exposure", eid)
        e.ok("expose", "update", eid, "--level", "1", "--status", "handling")
        for r in outbox(e):
            for needle in ("欧阳", "13912345678", "独特的投诉内容"):
                self.assertNotIn(needle, r["payload"])

    def test_demo_history_is_not_posted(self):
        e = self.env
        e.remove_db()
        e.ok("init", "--demo")
        last = sql(e, "SELECT max(id) FROM outbox")[0][0]
        self.assertGreater(last, 0)
        cursor = sql(e, "SELECT value FROM setting WHERE key = 'relay_fanout_id'")[0][0]
        self.assertEqual(int(cursor), last)


class Check(unittest.TestCase):
    def setUp(self):
        self.env = Env()
        self.env.ok("init")

    def tearDown(self):
        self.env.cleanup()

    def conf(self, text, mode=0o600):
        p = self.env.write("relay.conf", text)
        os.chmod(p, mode)
        return p

    def check(self, text, mode=0o600):
        return self.env.run("--config", self.conf(text, mode), "relay", "--check", db=False)

    def assert_problem(self, text, *needles, mode=0o600):
        r = self.check(text, mode)
        self.assertEqual(r.rc, 2, r)
        for n in needles:
            self.assertIn(n, r.err)
        self.assertNotIn(SECRET, r.out + r.err)
        self.assertNotIn(TOKEN, r.out + r.err)
        return r

    def test_good_config_is_described_without_secrets(self):
        r = self.check("[robot.leaders]\ntype = dingtalk\nurl = https://oapi.dingtalk.com/robot/send?access_token=%s\n"
                       "secret = %s\n[feed.city]\nurl = https://8890.example.cn/api/orders\nheader = Authorization: Bearer %s\n"
                       % (TOKEN, SECRET, TOKEN))
        self.assertEqual(r.rc, 0, r)
        self.assertIn("leaders", r.out)
        self.assertIn("配置无误", r.out)
        self.assertNotIn(SECRET, r.out + r.err)
        self.assertNotIn(TOKEN, r.out + r.err)

    def test_each_problem_is_named(self):
        base = "url = https://oapi.dingtalk.com/robot/send?access_token=%s\nsecret = %s\n" % (TOKEN, SECRET)
        self.assert_problem("[robot.a]\n" + base, "[robot.a]", "type")
        self.assert_problem("[robot.a]\ntype = qq\n" + base, "[robot.a]", "qq")
        self.assert_problem("[robot.a]\ntype = wecom\nsecret = %s\n" % SECRET, "[robot.a]", "url")
        self.assert_problem("[robot.a]\ntype = webhook\nurl = ftp://x.example/%s\n" % TOKEN, "https://")
        self.assert_problem("[robot.a]\ntype = dingtalk\nurl = https://oapi.dingtalk.com/robot/send\n", "access_token")
        self.assert_problem("[robot.a]\ntype = dingtalk\nevents = exposure_new, everything\n" + base, "everything")
        self.assert_problem("[feed.c]\nurl = https://x.example/\ninterval = 1\n", "[feed.c]", "interval")
        self.assert_problem("[feed.c]\nurl = https://x.example/\nheader = Bearer %s\n" % TOKEN, "[feed.c]", "header")
        self.assert_problem("[feed.c]\nurl = https://x.example/\nmap.nonsense = x\n", "map.nonsense")
        self.assert_problem("[relay]\nretries = 0\n[feed.c]\nurl = https://x.example/\n", "retries")
        self.assert_problem("[relay]\ndigest_minutes = 10\n", "robot")

    def test_two_robots_two_problems(self):
        r = self.assert_problem("[robot.a]\ntype = wecom\n[robot.b]\ntype = feishu\n", "[robot.a]", "[robot.b]")
        self.assertGreaterEqual(r.err.count("url"), 2)

    def test_secret_file_readable_by_others_is_refused(self):
        text = "[robot.a]\ntype = dingtalk\nurl = https://oapi.dingtalk.com/robot/send?access_token=%s\nsecret = %s\n" % (
            TOKEN, SECRET)
        for mode in (0o644, 0o640, 0o604):
            r = self.assert_problem(text, "chmod 600", mode=mode)
        # The relay itself (not only --check) refuses to start.
        r = self.env.run("--config", self.conf(text, 0o644), "relay", "--once")
        self.assertEqual(r.rc, 2, r)
        self.assertIn("chmod 600", r.err)
        self.assertNotIn(SECRET, r.err)
        self.assertEqual(self.check(text, 0o600).rc, 0)

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"),
                         "needs root and setpriv to run the relay as another user; CI runs as root")
    def test_roots_file_given_to_the_relays_own_group(self):
        """The package's relay.conf: 0640 root:zhishou-relay, the relay
        running as zhishou-relay.  Here nobody/nogroup stand for them."""
        text = "[robot.a]\ntype = dingtalk\nurl = https://oapi.dingtalk.com/robot/send?access_token=%s\nsecret = %s\n" % (
            TOKEN, SECRET)
        d = tempfile.mkdtemp(prefix="zhishou-relayconf-")
        try:
            os.chmod(d, 0o755)
            p = os.path.join(d, "relay.conf")
            with open(p, "w") as f:
                f.write(text)
            nobody, nogroup = 65534, 65534

            def as_relay(groups=None):
                return subprocess.run(["setpriv", "--reuid=%d" % nobody, "--regid=%d" % nogroup]
                                      + (["--groups=%d" % groups] if groups else ["--clear-groups"])
                                      + [BIN, "--config", p, "relay", "--check"],
                                      env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "HOME": d}, cwd=d,
                                      capture_output=True, text=True, timeout=60)
            os.chown(p, 0, nogroup)
            os.chmod(p, 0o640)
            r = as_relay()
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn(SECRET, r.stdout + r.stderr)
            # Not when the group may write it, or others read it, or it is
            # not root's, or its group is another the relay is only in.
            for mode, owner, gid, groups in ((0o660, 0, nogroup, None), (0o644, 0, nogroup, None),
                                             (0o640, nobody, nogroup, None), (0o640, 0, 100, 100)):
                os.chown(p, owner, gid)
                os.chmod(p, mode)
                r = as_relay(groups)
                self.assertEqual(r.returncode, 2, (oct(mode), owner, gid, r.stderr))
                self.assertIn("chmod 600", r.stderr)
                self.assertNotIn(SECRET, r.stdout + r.stderr)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_missing_config(self):
        r = self.env.run("--config", self.env.path("nope.conf"), "relay", "--check", db=False)
        self.assertNotEqual(r.rc, 0, r)

    def test_once_and_check_together(self):
        r = self.env.run("relay", "--once", "--check")
        self.assertEqual(r.rc, 2, r)


class Commands(unittest.TestCase):
    """outbox list/retry and feed quarantine, with a relay whose only robot
    points at a closed port (every attempt fails fast and is retried)."""

    def setUp(self):
        self.env = e = Env()
        e.ok("init")
        p = e.write("relay.conf", "[relay]\nretries = 2\n[robot.closed]\ntype = webhook\n"
                    "url = http://127.0.0.1:9/hook\n")
        os.chmod(p, 0o600)
        self.conf = p

    def tearDown(self):
        self.env.cleanup()

    def relay_once(self, **kw):
        r = self.env.run("--config", self.conf, "relay", "--once", **kw)
        self.assertEqual(r.rc, 0, r)
        return r

    def deliveries(self, *args):
        return self.env.ok("outbox", "list", "--format", "json", *args).json()

    def test_list_says_when_it_stopped_at_its_limit(self):
        e = self.env
        for k in range(3):
            e.ok("expose", "add", "--title", "问题%d" % k)
        self.relay_once()
        r = e.ok("outbox", "list", "--limit", "2")
        self.assertIn("只列出了 2 件；用 --limit N 看更多（0 为全部）", r.err)
        self.assertEqual(e.ok("outbox", "list", "--limit", "3").err, "")
        # 0 lists all, as in every listing
        r = e.ok("outbox", "list", "--limit", "0", "--format", "tsv")
        self.assertEqual((len(r.out.splitlines()), r.err), (1 + len(self.deliveries()), ""))
        for bad in ("-1", "abc", "1000001"):
            r = e.run("outbox", "list", "--limit", bad)
            self.assertNotEqual(r.rc, 0)
            self.assertIn("--limit「%s」不对：应为 0 到 1000000 的整数" % bad, r.err)

    def test_retry_then_failed_then_back(self):
        e = self.env
        e.ok("expose", "add", "--title", "问题丙")
        self.relay_once()
        d = self.deliveries()
        self.assertEqual(len(d), 1)
        self.assertEqual(d[0]["state"], "pending")
        self.assertEqual(d[0]["attempts"], 1)
        self.assertEqual(d[0]["event"], "exposure_new")
        self.assertNotEqual(d[0]["last_error"], "")
        # Due again after the backoff (1 s): the second attempt is the last.
        sql(e, "UPDATE delivery SET next_at_ms = 0")
        self.relay_once()
        d = self.deliveries("--failed")
        self.assertEqual([x["state"] for x in d], ["failed"])
        self.assertEqual(d[0]["attempts"], 2)
        r = e.run("board")
        self.assertIn("失败 1 条", r.out)
        r = e.ok("outbox", "retry", str(d[0]["id"]))
        self.assertEqual(self.deliveries()[0]["state"], "pending")
        self.assertEqual(self.deliveries("--failed"), [])

    def test_retry_refusals(self):
        e = self.env
        for args, needle in ((("outbox", "retry"), "--all"), (("outbox", "retry", "1", "--all"), "--all"),
                             (("outbox", "retry", "x1"), "x1"), (("outbox", "retry", "1", "2"), "2")):
            r = e.run(*args)
            self.assertEqual(r.rc, 2, r)
            self.assertIn(needle, r.err)
        r = e.run("outbox", "retry", "42")
        self.assertEqual(r.rc, 2, r)
        self.assertIn("42", r.err)
        r = e.ok("outbox", "retry", "--all")
        self.assertIn("0", r.out)

    def test_time_events_once_each(self):
        e = self.env
        e.ok("unit", "add", "执法稽查队")
        # Due in 30 minutes: warned; due 10 minutes ago: overdue.
        soon = e.ok("expose", "add", "--title", "快到时限", "--aired", "21:00", "--deadline", "22:10").out.strip()
        late = e.ok("expose", "add", "--title", "已经超时", "--aired", "20:00", "--deadline", "21:30").out.strip()
        e.add("--channel", "web", "--kind", "投诉", "--text", "关联的一件", "--exposure", soon)
        self.relay_once()
        self.relay_once()
        ev = [(r["event"], str(r["exposure_id"])) for r in outbox(e)]
        self.assertEqual(ev.count(("deadline_soon", soon)), 1, ev)
        self.assertEqual(ev.count(("deadline_passed", late)), 1, ev)
        self.assertEqual(ev.count(("digest", soon)), 1, ev)
        self.assertNotIn(("deadline_passed", soon), ev)
        # A closed problem gets no more reminders.
        closed = e.ok("expose", "add", "--title", "已办结的", "--aired", "20:00", "--deadline", "21:20",
                      "--status", "closed").out.strip()
        self.relay_once()
        self.assertNotIn(("deadline_passed", closed),
                         [(r["event"], str(r["exposure_id"])) for r in outbox(e)])

    def test_quarantine_list_empty(self):
        self.assertEqual(self.env.ok("feed", "quarantine", "--format", "json").json(), [])

    def test_second_relay_is_refused(self):
        e = self.env
        # A live lease held by another (running) process on this host.
        import socket
        sql(e, "INSERT INTO relay_lease(id, host, pid, unix_user, acquired_at, expires_at) "
               "VALUES (1, ?, ?, 'duty', 0, 9999999999)", socket.gethostname(), os.getppid())
        # On PostgreSQL a live relay also holds the lease's session advisory
        # lock (store/pg.c, RELAY_LOCK 'zhrl'); the row alone is a dead one's.
        holder = zs.pg_hold(e.db, "SELECT pg_advisory_lock(2053206636)") if zs.PG else None
        try:
            r = e.run("--config", self.conf, "relay", "--once")
            self.assertEqual(r.rc, 1, r)
            self.assertIn(str(os.getppid()), r.err)
        finally:
            if holder:
                holder.communicate("\\q\n")
        # Its process gone: the lease is taken over at once.
        sql(e, "UPDATE relay_lease SET pid = 999999999")
        self.relay_once()


if __name__ == "__main__":
    unittest.main()
