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
import unittest
import uuid

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
        run("groupadd", GROUP)
        for u in USERS.values():
            run("useradd", "-M", "-N", "-g", GROUP, "-s", "/bin/sh", u)
        cls.dir = tempfile.mkdtemp(prefix="zhishou-roles-")
        os.chmod(cls.dir, 0o2770)
        os.chown(cls.dir, 0, grp.getgrnam(GROUP).gr_gid)
        cls.conf = os.path.join(cls.dir, "zhishou.conf")
        with open(cls.conf, "w") as f:
            f.write("[database]\ngroup = %s\n" % GROUP)
        os.chmod(cls.conf, 0o644)
        cls.db = os.path.join(cls.dir, "night.db")
        cls.root = pwd.getpwuid(0).pw_name
        cls.zs(None, "init")
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

    def test_operator(self):
        self.allowed("op", "log", "add", "--channel", "web", "--kind", "tip", "--text", "值班员登记的")
        self.allowed("op", "expose", "add", "--title", "值班员记录的问题")
        self.allowed("op", "expose", "action", self.eid, "--kind", "officers", "--count", "2")
        self.allowed("op", "log", "export", "-o", os.path.join(self.dir, "op.csv"))
        self.refused("op", "expose", "update", self.eid, "--level", "1")
        self.refused("op", "expose", "update", self.eid, "--status", "checking")
        self.refused("op", "expose", "update", self.eid, "--lead", "食品安全监管科")
        self.refused("op", "expose", "add", "--title", "定级的问题", "--level", "2")
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

    def test_privacy_of_callers(self):
        import json
        import sqlite3
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
            con = sqlite3.connect(self.db)
            try:
                return con.execute("SELECT unix_user FROM audit WHERE entity='intake' AND entity_id=? AND action='view'",
                                   (int(i),)).fetchall()
            finally:
                con.close()

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
            self.assertEqual(show("op", tip)["caller"], "钱某某")
            self.assertEqual(show("adm", tip)["phone"], "13700001234")
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


if __name__ == "__main__":
    unittest.main()
