#!/usr/bin/env python3
"""Roles come from the operating system: each permission checked both ways,
with real Unix users created by the test and commands run as them with
runuser (as root, which CI is).  Without root the test cannot create users
and says so (skips)."""

import grp
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import unittest
import uuid

import zs
from zs import BIN

TAG = uuid.uuid4().hex[:6]
GROUP = "zsduty%s" % TAG
USERS = {"op": "zsop%s" % TAG, "lead": "zsld%s" % TAG, "adm": "zsad%s" % TAG, "stranger": "zsxx%s" % TAG}


def run(*argv, check=True):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise AssertionError("%s -> %d\n%s%s" % (" ".join(argv), p.returncode, p.stdout.decode(), p.stderr.decode()))
    return p


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("runuser") and shutil.which("useradd"),
                     "needs root (runuser, useradd) to run commands as other Unix users; CI runs as root")
class Roles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # unittest skips tearDownClass when setUpClass fails: clean up here
        # then, or the users and the group outlive the run.
        try:
            cls._setup()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def _setup(cls):
        cls.dir = None
        cls.pgname = None
        run("groupadd", GROUP)
        if zs.PG:
            zs.pg_cluster()   # and the group that reaches its socket
        sock = ["-G", zs.pg_socket_group()] if zs.pg_socket_group() else []
        for u in USERS.values():
            run("useradd", "-M", "-N", "-g", GROUP, *sock, "-s", "/bin/sh", u)
        cls.dir = tempfile.mkdtemp(prefix="zhishou-roles-")
        os.chmod(cls.dir, 0o2770)
        os.chown(cls.dir, 0, grp.getgrnam(GROUP).gr_gid)
        cls.conf = os.path.join(cls.dir, "zhishou.conf")
        with open(cls.conf, "w") as f:
            f.write("[database]\ngroup = %s\n" % GROUP)
        os.chmod(cls.conf, 0o644)
        if zs.PG:
            cls.pgname, cls.db = zs.new_pg_database()
        else:
            cls.db = os.path.join(cls.dir, "night.db")
        cls.root = pwd.getpwuid(0).pw_name
        cls.zs(None, "init", "--test-clock")
        cls.zs(None, "unit", "add", "食品安全监管科")
        cls.zs(None, "member", "add", "--unix", USERS["op"], "--name", "王值班", "--role", "operator")
        cls.zs(None, "member", "add", "--unix", USERS["lead"], "--name", "李带班", "--role", "leader",
               "--unit", "食品安全监管科")
        cls.zs(None, "member", "add", "--unix", USERS["adm"], "--name", "赵管理", "--role", "admin")
        cls.eid = cls.zs(None, "expose", "add", "--title", "土坑酸菜").stdout.decode().strip()
        with open(os.path.join(cls.dir, "roster.csv"), "w") as f:
            f.write("日期,单位,姓名,职务,固定电话,移动电话\n2026-03-15,食品安全监管科,张三,科长,022-27300001,13800000001\n")
        os.chmod(os.path.join(cls.dir, "roster.csv"), 0o644)

    @classmethod
    def tearDownClass(cls):
        if cls.pgname:
            zs.drop_pg_database(cls.pgname)
        if cls.dir:
            shutil.rmtree(cls.dir, ignore_errors=True)
        for u in USERS.values():
            run("userdel", u, check=False)
        run("groupdel", GROUP, check=False)

    @classmethod
    def zs(cls, who, *args, config=None, env=None, check=True):
        """Run zhishou as USERS[who] (None: root)."""
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cls.dir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
             "TZ": "Asia/Shanghai", "ZHISHOU_NOW": "2026-03-15 21:40", "XDG_STATE_HOME": os.path.join(cls.dir, "state")}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                e[k] = os.environ[k]
        if env:
            e.update(env)
        argv = [BIN, "--db", cls.db, "--config", config or cls.conf] + list(args)
        if who:
            argv = ["runuser", "-u", USERS[who], "--", "env", "-i"] + ["%s=%s" % kv for kv in e.items()] + argv
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cls.dir)
        else:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cls.dir, env=e)
        if check and p.returncode != 0:
            raise AssertionError("as %s: zhishou %s -> %d\n%s" % (who, " ".join(args), p.returncode,
                                                                   p.stderr.decode()))
        return p

    def allowed(self, who, *args):
        return self.zs(who, *args)

    def refused(self, who, *args, needle="权限"):
        p = self.zs(who, *args, check=False)
        self.assertEqual(p.returncode, 3, "as %s: %s\n%s" % (who, args, p.stderr.decode()))
        self.assertIn(needle, p.stderr.decode())
        return p

    def exposures(self):
        return json.loads(self.zs(None, "expose", "list", "--all", "--format", "json").stdout)

    def deadline(self, eid):
        return [e["deadline"] for e in self.exposures() if str(e["id"]) == str(eid)][0]

    def members(self):
        return [m["unix_user"] for m in json.loads(self.zs(None, "member", "list", "--format", "json").stdout)]

    def test_creator_is_admin_and_list(self):
        import json
        ms = json.loads(self.zs("op", "member", "list", "--format", "json").stdout)
        roles = {m["unix_user"]: m["role"] for m in ms}
        self.assertEqual(roles[self.root], "admin")
        self.assertEqual(roles[USERS["lead"]], "leader")

    def test_stranger_is_refused_and_told_whom_to_ask(self):
        p = self.zs("stranger", "board", check=False)
        self.assertEqual(p.returncode, 3)
        err = p.stderr.decode()
        self.assertIn(USERS["stranger"], err)
        self.assertIn("赵管理", err)
        self.assertIn("member add", err)
        # Environment variables do not make anyone someone else.
        p = self.zs("stranger", "board", env={"USER": self.root, "LOGNAME": self.root}, check=False)
        self.assertEqual(p.returncode, 3)

    def test_stranger_read_only_by_configuration(self):
        conf = os.path.join(self.dir, "readonly.conf")
        with open(conf, "w") as f:
            f.write("[database]\ngroup = %s\n[access]\nunknown = readonly\n" % GROUP)
        os.chmod(conf, 0o644)
        self.zs("stranger", "board", config=conf)
        p = self.zs("stranger", "log", "add", "--channel", "web", "--kind", "tip", "--text", "x", config=conf,
                    check=False)
        self.assertEqual(p.returncode, 3)

    def test_stranger_cannot_open_the_console(self):
        """No subcommand is the console: a non-member is refused before any
        terminal is touched, with the same words as for a command."""
        p = self.zs("stranger", check=False)
        err = p.stderr.decode()
        self.assertEqual(p.returncode, 3, err)
        self.assertIn(USERS["stranger"], err)
        self.assertIn("赵管理", err)
        self.assertIn("member add", err)
        self.assertNotIn("终端", err)            # not "the console needs a terminal"
        self.assertEqual(p.stdout, b"")
        # On a terminal too: refused before curses starts (no screen switch, no hang).
        import pty
        import select
        import time
        master, slave = pty.openpty()
        try:
            e = ["%s=%s" % kv for kv in {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.dir,
                                          "LANG": "C.UTF-8", "TERM": "xterm", "TZ": "Asia/Shanghai"}.items()]
            proc = subprocess.Popen(["runuser", "-u", USERS["stranger"], "--", "env", "-i"] + e +
                                    [BIN, "--db", self.db, "--config", self.conf],
                                    stdin=slave, stdout=slave, stderr=slave, cwd=self.dir, start_new_session=True)
            os.close(slave)
            slave = None
            out = b""
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                r, _, _ = select.select([master], [], [], 0.1)
                if r:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:
                        chunk = b""
                    out += chunk
                    if not chunk and proc.poll() is not None:
                        break
                elif proc.poll() is not None:
                    break
            if proc.poll() is None:
                os.killpg(proc.pid, 9)
                proc.wait()
                self.fail("the console started for a non-member on a terminal:\n%r" % out)
            self.assertEqual(proc.returncode, 3, out)
            self.assertIn(USERS["stranger"].encode(), out)
            self.assertNotIn(b"\x1b[?1049h", out)   # never switched to the alternate screen
        finally:
            os.close(master)
            if slave is not None:
                os.close(slave)

    def test_only_admins_remove_members(self):
        for who, target in (("op", USERS["lead"]), ("lead", USERS["op"]), ("lead", USERS["adm"]),
                            ("op", USERS["adm"])):
            with self.subTest(who=who, target=target):
                self.refused(who, "member", "remove", target)
                self.assertIn(target, self.members())
        removed = [r for r in json.loads(self.zs(None, "audit", "--entity", "member", "--format", "json").stdout)
                   if r["action"] == "remove" and (USERS["op"] in r["before"] or USERS["lead"] in r["before"]
                                                   or USERS["adm"] in r["before"])]
        self.assertEqual(removed, [])

    def test_operator(self):
        self.allowed("op", "log", "add", "--channel", "web", "--kind", "tip", "--text", "值班员登记的")
        self.allowed("op", "expose", "add", "--title", "值班员记录的问题")
        self.allowed("op", "expose", "action", self.eid, "--kind", "officers", "--count", "2")
        self.allowed("op", "log", "export", "-o", os.path.join(self.dir, "op.csv"))
        self.refused("op", "expose", "update", self.eid, "--level", "1")
        self.refused("op", "expose", "update", self.eid, "--status", "checking")
        self.refused("op", "expose", "update", self.eid, "--lead", "食品安全监管科")
        self.refused("op", "expose", "add", "--title", "定级的问题", "--level", "2")
        # The deadline is a leader's call too, when adding and when changing.
        before = self.deadline(self.eid)
        self.refused("op", "expose", "add", "--title", "定时限的问题", "--deadline", "2026-03-16 06:00")
        self.refused("op", "expose", "update", self.eid, "--deadline", "2026-03-16 06:30")
        self.assertEqual(self.deadline(self.eid), before)
        self.assertNotIn("定时限的问题", [e["title"] for e in self.exposures()])
        self.refused("op", "expose", "instruct", self.eid, "--text", "批示")
        self.refused("op", "report", "set", "default", "law_events", "3")
        self.refused("op", "roster", "import", "roster.csv")
        self.refused("op", "member", "add", "--unix", USERS["stranger"], "--name", "x", "--role", "operator")
        self.refused("op", "log", "export", "-o", os.path.join(self.dir, "pii.csv"), "--with-pii")
        self.refused("op", "gala", "add", "--name", "晚会", "--start", "20:00", "--end", "22:00")
        self.refused("op", "unit", "add", "新单位")

    def test_leader(self):
        self.allowed("lead", "expose", "update", self.eid, "--level", "2")
        self.allowed("lead", "expose", "update", self.eid, "--lead", "食品安全监管科")
        self.allowed("lead", "expose", "update", self.eid, "--deadline", "2026-03-16 07:00")
        self.assertTrue(self.deadline(self.eid).startswith("2026-03-16T07:00"), self.deadline(self.eid))
        eid = self.allowed("lead", "expose", "add", "--title", "带班定时限的问题",
                           "--deadline", "2026-03-16 06:00").stdout.decode().strip()
        self.assertTrue(self.deadline(eid).startswith("2026-03-16T06:00"), self.deadline(eid))
        self.allowed("lead", "expose", "instruct", self.eid, "--text", "今晚报情况")
        self.allowed("lead", "report", "set", "default", "law_events", "3")
        self.allowed("lead", "log", "add", "--channel", "web", "--kind", "tip", "--text", "带班领导登记的")
        self.refused("lead", "roster", "import", "roster.csv")
        self.refused("lead", "member", "update", "--unix", USERS["op"], "--role", "admin")
        self.refused("lead", "log", "export", "-o", os.path.join(self.dir, "pii2.csv"), "--with-pii")

    def test_admin(self):
        self.allowed("adm", "roster", "import", "roster.csv")
        self.allowed("adm", "log", "export", "-o", os.path.join(self.dir, "adm.csv"), "--with-pii")
        self.allowed("adm", "member", "add", "--unix", USERS["stranger"], "--name", "临时", "--role", "operator")
        self.allowed("stranger", "board")
        self.allowed("adm", "member", "update", "--unix", USERS["stranger"], "--role", "leader")
        self.allowed("stranger", "expose", "update", self.eid, "--status", "checking")
        self.allowed("adm", "member", "remove", USERS["stranger"])
        p = self.zs("stranger", "board", check=False)
        self.assertEqual(p.returncode, 3)
        audit = self.zs(None, "audit", "--entity", "member", "--format", "json").stdout.decode()
        for action in ('"add"', '"update"', '"remove"'):
            self.assertIn(action, audit)
        upd = [r for r in json.loads(audit) if r["action"] == "update" and USERS["stranger"] in r["after"]]
        self.assertEqual(len(upd), 1, audit)
        self.assertEqual((json.loads(upd[0]["before"])["role"], json.loads(upd[0]["after"])["role"]),
                         ("operator", "leader"))

    def test_last_admin_stays(self):
        # Two admins: root and adm.  Demoting one is fine, the last one not.
        self.allowed("adm", "member", "update", "--unix", self.root, "--role", "leader")
        try:
            p = self.zs("adm", "member", "update", "--unix", USERS["adm"], "--role", "operator", check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("最后一个管理员", p.stderr.decode())
            p = self.zs("adm", "member", "remove", USERS["adm"], check=False)
            self.assertEqual(p.returncode, 2)
        finally:
            self.allowed("adm", "member", "update", "--unix", self.root, "--role", "admin")

    def test_the_recorders_desk_sees_an_untransferred_caller(self):
        import json
        self.zs(None, "unit", "add", "12315投诉举报中心")
        self.zs(None, "member", "update", "--unix", USERS["op"], "--unit", "12315投诉举报中心")
        self.zs(None, "member", "add", "--unix", USERS["stranger"], "--name", "同桌值班员", "--role", "operator",
                "--unit", "12315投诉举报中心")
        try:
            iid = self.zs("op", "log", "add", "--channel", "12315-hotline", "--kind", "complaint", "--text", "同桌回电",
                          "--caller", "司马光", "--phone", "13655556666").stdout.decode().split()[0]

            def show(who):
                return json.loads(self.zs(who, "log", "show", iid, "--format", "json").stdout)

            def viewers():
                return [r[0] for r in zs.query(
                    self.db, "SELECT unix_user FROM audit WHERE entity='intake' AND entity_id=? AND action='view'",
                    int(iid))]
            # A colleague at the same desk, before it is transferred: whole, audited.
            self.assertEqual((show("stranger")["caller"], show("stranger")["phone"]), ("司马光", "13655556666"))
            self.assertIn(USERS["stranger"], viewers())
            # Transferred to another unit: that unit's now, the desk sees it masked.
            self.zs("op", "log", "update", iid, "--transfer", "食品安全监管科")
            n = len(viewers())
            self.assertEqual(show("stranger")["phone"], "136****6666")
            self.assertEqual(len(viewers()), n)
            self.assertEqual(show("lead")["phone"], "13655556666")
        finally:
            self.zs(None, "member", "remove", USERS["stranger"])
            self.zs(None, "member", "update", "--unix", USERS["op"], "--unit", "")

    def test_a_note_is_signed_with_the_members_name(self):
        # Walking the night, notes read "[03-15 21:40 wangfang]" beside
        # history lines reading 王芳.
        iid = self.zs("op", "log", "add", "--channel", "web", "--kind", "tip", "--text", "署名").stdout.decode().split()[0]
        self.zs("op", "log", "update", iid, "--note", "已回电")
        notes = json.loads(self.zs("op", "log", "show", iid, "--format", "json").stdout)["notes"]
        self.assertRegex(notes, r"\[\d\d-\d\d \d\d:\d\d 王值班\] 已回电")
        self.assertNotIn(USERS["op"], notes)

    def test_privacy_of_callers(self):
        import json
        # Recorded by the operator; transferred to the leader's unit.
        iid = self.zs("op", "log", "add", "--channel", "12315-hotline", "--kind", "complaint", "--text", "隐私测试",
                      "--caller", "欧阳娜娜", "--phone", "13912345678").stdout.decode().split()[0]
        self.zs("op", "log", "update", iid, "--transfer", "食品安全监管科")
        tip = self.zs("op", "log", "add", "--channel", "web", "--kind", "tip", "--text", "保密举报", "--caller", "钱某某",
                      "--phone", "13700001234", "--confidential").stdout.decode().split()[0]
        self.zs("op", "log", "update", tip, "--transfer", "食品安全监管科")

        def show(who, i):
            return json.loads(self.zs(who, "log", "show", i, "--format", "json").stdout)

        def views(i):
            return zs.query(self.db, "SELECT unix_user FROM audit WHERE entity='intake' AND entity_id=? AND action='view'",
                            int(i))

        self.zs(None, "member", "add", "--unix", USERS["stranger"], "--name", "另一值班员", "--role", "operator")
        try:
            # Another operator: masked, nothing recorded.
            s = show("stranger", iid)
            self.assertEqual((s["caller"], s["phone"]), ("欧***", "139****5678"))
            self.assertEqual(views(iid), [])
            # The recorder, and the unit handling it: whole, and recorded.
            self.assertEqual(show("op", iid)["phone"], "13912345678")
            self.assertEqual(show("lead", iid)["caller"], "欧阳娜娜")
            self.assertEqual(sorted(v[0] for v in views(iid)), sorted([USERS["op"], USERS["lead"]]))
            # A confidential tip: not even the handling unit; the recorder and admins do.
            self.assertNotIn("钱某某", json.dumps(show("lead", tip), ensure_ascii=False))
            # Another operator sees neither the name nor the phone, not even
            # in part (Order 20 art. 33): table and JSON alike, and no view
            # is recorded.
            for who in ("stranger", "lead"):
                with self.subTest(who=who):
                    s = show(who, tip)
                    self.assertEqual((s["caller"], s["phone"], s["caller_shown"]), ("（保密）", "", "withheld"))
                    table = self.zs(who, "log", "show", tip).stdout.decode()
                    for part in ("钱", "1234", "137", "****"):
                        self.assertNotIn(part, table)
                    self.assertIn("来电人：（保密）", table)
            self.assertEqual(views(tip), [])
            self.assertEqual(show("op", tip)["caller"], "钱某某")
            self.assertEqual(show("adm", tip)["phone"], "13700001234")
            # Never a search term, whoever asks: the search looks at the
            # business, the summary and the reference only (short terms by
            # LIKE, three characters and more through the trigram index).
            def found(who, q):
                return [(r["type"], r["id"]) for r in
                        json.loads(self.zs(who, "search", q, "--format", "json").stdout) if r["type"] == "intake"]
            self.assertIn(("intake", int(iid)), found("op", "隐私"))        # the search itself works
            self.assertIn(("intake", int(iid)), found("op", "隐私测试"))
            for who, q in [("adm", q) for q in ("娜娜", "欧阳娜娜", "139", "钱某")] + \
                          [("op", "娜娜"), ("op", "欧阳娜娜")]:
                with self.subTest(who=who, q=q):
                    self.assertEqual(found(who, q), [])
            # A whole phone number finds that caller's intakes (shown as a
            # list shows them); a confidential tip only for those who may
            # see its tip-giver: a number must not confirm who tipped.
            for who in ("op", "adm", "stranger", "lead"):
                with self.subTest(who=who, phone="whole"):
                    self.assertEqual(found(who, "139 1234 5678"), [("intake", int(iid))])
                    tipped = [("intake", int(tip))] if who in ("op", "adm") else []
                    self.assertEqual(found(who, "13700001234"), tipped)
                    tail = [(r["type"], r["id"]) for r in json.loads(self.zs(
                        who, "search", "--phone", "1234", "--format", "json").stdout)]
                    self.assertEqual(tail, tipped)
                    # Digits alone are a phone's tail too (what lists show).
                    self.assertEqual(found(who, "5678"), [("intake", int(iid))])
                    self.assertEqual(found(who, "1234"), tipped)
                    out = self.zs(who, "search", "13912345678").stdout.decode()
                    if who != "op" and who != "adm":
                        self.assertNotIn("欧阳", out)
            # Never in a list or an export, whoever asks.
            for who in ("op", "adm"):
                out = self.zs(who, "log", "list", "--format", "json").stdout.decode()
                self.assertNotIn("钱", out)
                self.assertNotIn("欧阳娜娜", out)
            path = os.path.join(self.dir, "pii-all.csv")
            self.zs("adm", "log", "export", "-o", path, "--with-pii")
            with open(path, encoding="utf-8-sig") as f:
                text = f.read()
            self.assertIn("欧阳娜娜", text)
            self.assertNotIn("钱某某", text)
            self.assertNotIn("13700001234", text)
            # The audit holds callers whole: admins only.
            self.refused("lead", "audit", "--entity", "intake")
            self.zs("adm", "audit", "--entity", "intake")
            self.zs("op", "audit", "verify")
        finally:
            self.zs(None, "member", "remove", USERS["stranger"])

    def test_bad_member_input(self):
        for args, needle in (((("member", "add", "--unix", "nosuchuser%s" % TAG, "--name", "x", "--role", "operator")), "没有 Unix 用户"),
                             (("member", "add", "--unix", USERS["stranger"], "--name", "x", "--role", "chief"), "chief"),
                             (("member", "add", "--unix", "bad;name", "--name", "x", "--role", "operator"), "不合法"),
                             (("member", "add", "--unix", USERS["op"], "--name", "x", "--role", "operator"), "已是成员"),
                             (("member", "update", "--unix", USERS["stranger"], "--role", "leader"), "不是成员"),
                             (("member", "add", "--unix", USERS["stranger"], "--name", "x", "--role", "operator",
                               "--unit", "没有的单位"), "没有的单位")):
            p = self.zs(None, *args, check=False)
            self.assertEqual(p.returncode, 2, p.stderr.decode())
            self.assertIn(needle, p.stderr.decode())



@unittest.skipUnless(os.geteuid() == 0 and shutil.which("runuser") and shutil.which("useradd") and shutil.which("script"),
                     "needs root (runuser, useradd) and script(1); CI runs as root")
@zs.sqlite_only("the -wal and -shm two officers' processes share")
class SharedSideFiles(unittest.TestCase):
    """Members with their own primary groups, in the database's group, in a
    directory that is not setgid: the -wal and -shm the first one's process
    makes must not lock the next one out (the walkthrough found `unable to
    open database file` for the leader after an operator's console)."""

    def setUp(self):
        tag = uuid.uuid4().hex[:6]
        self.group = "zsshare%s" % tag
        self.users = ["zsa%s" % tag, "zsb%s" % tag]
        run("groupadd", self.group)
        for u in self.users:
            run("useradd", "-M", "-U", "-G", self.group, "-s", "/bin/sh", u)   # own primary group
        self.dir = tempfile.mkdtemp(prefix="zhishou-share-")
        os.chmod(self.dir, 0o770)   # not setgid
        os.chown(self.dir, 0, grp.getgrnam(self.group).gr_gid)
        self.conf = os.path.join(self.dir, "zhishou.conf")
        with open(self.conf, "w") as f:
            f.write("[database]\ngroup = %s\n" % self.group)
        os.chmod(self.conf, 0o644)
        self.db = os.path.join(self.dir, "night.db")
        self.console = None
        self.zs(None, "init", "--test-clock")
        for u in self.users:
            self.zs(None, "member", "add", "--unix", u, "--name", u, "--role", "operator")

    def tearDown(self):
        if self.console:
            # runuser, script and the console: the whole session goes.
            try:
                os.killpg(self.console.pid, 9)
            except ProcessLookupError:
                pass
            self.console.wait()
            self.console.stdin.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        for u in self.users:
            # a process of the user still exiting keeps userdel from working
            for _ in range(50):
                run("pkill", "-9", "-u", u, check=False)
                if run("userdel", u, check=False).returncode == 0:
                    break
                time.sleep(0.1)
            run("groupdel", u, check=False)
        run("groupdel", self.group, check=False)

    def env(self):
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.dir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
             "TERM": "xterm-256color", "XDG_STATE_HOME": os.path.join(self.dir, "state")}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                e[k] = os.environ[k]
        return e

    def zs(self, who, *args):
        argv = [BIN, "--db", self.db, "--config", self.conf] + list(args)
        if who:
            argv = ["runuser", "-u", who, "--", "env", "-i"] + ["%s=%s" % kv for kv in self.env().items()] + argv
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=self.dir, env=self.env())
        return p

    def test_a_second_member_opens_while_the_first_ones_console_runs(self):
        a, b = self.users
        # a's console holds the database open (its -wal and -shm exist).
        cmd = "exec %s --db %s --config %s" % (BIN, self.db, self.conf)
        self.console = subprocess.Popen(["runuser", "-u", a, "--", "env", "-i"] +
                                        ["%s=%s" % kv for kv in self.env().items()] +
                                        ["script", "-qfc", cmd, "/dev/null"],
                                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        cwd=self.dir, start_new_session=True)
        wal, shm = self.db + "-wal", self.db + "-shm"
        for _ in range(100):
            if os.path.exists(shm) and pwd.getpwuid(os.stat(shm).st_uid).pw_name == a:
                break
            time.sleep(0.05)
        self.assertTrue(os.path.exists(shm), "the console did not open the database")
        gid = grp.getgrnam(self.group).gr_gid
        for _ in range(100):   # the console shares them right after opening
            if all(os.stat(f).st_gid == gid for f in (wal, shm) if os.path.exists(f)):
                break
            time.sleep(0.05)
        for f in (wal, shm):
            if os.path.exists(f):
                self.assertEqual(os.stat(f).st_gid, gid, "%s not in the database's group" % f)
        p = self.zs(b, "board")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        p = self.zs(b, "log", "add", "--channel", "web", "--kind", "tip", "--text", "第二个人")
        self.assertEqual(p.returncode, 0, p.stderr.decode())

    def test_a_side_file_nobody_can_share_is_named_with_the_fix(self):
        a, b = self.users
        # A -shm left in a's own group (as an older zhishou, or another
        # program, left it), with the database not open.
        shm = self.db + "-shm"
        with open(shm, "wb") as f:
            f.write(b"")
        os.chown(shm, pwd.getpwnam(a).pw_uid, grp.getgrnam(a).gr_gid)
        os.chmod(shm, 0o660)
        p = self.zs(b, "board")
        self.assertNotEqual(p.returncode, 0)
        err = p.stderr.decode()
        self.assertIn("night.db-shm", err)
        self.assertIn("chmod g+s", err)
        self.assertNotIn("unable to open database file", err)


if __name__ == "__main__":
    unittest.main()
