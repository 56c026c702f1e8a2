#!/usr/bin/env python3
"""The publicity office's opinion watch (舆情监测, issue 14).

opinion add records what was seen online (platform, title, link, summary,
found time, reach, level, links to an exposure or an intake); opinion list
shows the open ones (not 已平息) by level then newest; opinion show one with
its notes; opinion update changes level, status, the response wording (a
leader's, as an instruction is), links, or adds a note.  Every change is
audited; raising one to 重大 queues exactly one opinion_major alert with no
caller's data.  Every bad input is refused with a message, non-zero exit and
nothing written."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zs import OS_USER, ZsTestCase, bad_chars  # noqa: E402


class Base(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.eid = int(self.env.ok("expose", "add", "--title", "老坛酸菜土坑腌制", "--level", "2").out.split()[0])
        self.iid, _ = self.env.add("--channel", "12315-hotline", "--kind", "complaint", "--text",
                                   "买到土坑酸菜，要求退货", "--caller", "王小明", "--phone", "13800138000",
                                   "--subject", "老坛酸菜甲公司")

    def db(self, sql, *args):
        return self.env.query(sql, *args)

    def state(self):
        """Everything an opinion command may write."""
        return (self.db("SELECT * FROM opinion ORDER BY id"), self.db("SELECT * FROM opinion_note ORDER BY id"),
                self.db("SELECT id, event, payload FROM outbox ORDER BY id"),
                self.db("SELECT count(*) FROM audit WHERE action <> 'view'"))

    def add(self, *args):
        r = self.env.ok("opinion", "add", *args)
        return int(r.out.split()[0])

    def show(self, oid):
        return self.env.ok("opinion", "show", str(oid), "--format", "json").json()

    def majors(self):
        return self.db("SELECT exposure_id, payload FROM outbox WHERE event = 'opinion_major' ORDER BY id")


class Record(Base):
    def test_add_and_show(self):
        """Chinese labels or codes; every field kept, shown by show and its
        JSON; the audit holds the creation."""
        oid = self.add("--platform", "抖音", "--title", "酸菜视频转发过万", "--url", "https://www.douyin.com/v/1?a=b",
                       "--summary", "网友称本地也有售", "--found", "21:30", "--reach", "12000", "--level", "关注",
                       "--exposure", str(self.eid), "--intake", str(self.iid))
        o = self.show(oid)
        self.assertEqual(o["platform"], "douyin")
        self.assertEqual(o["title"], "酸菜视频转发过万")
        self.assertEqual(o["url"], "https://www.douyin.com/v/1?a=b")
        self.assertEqual(o["summary"], "网友称本地也有售")
        self.assertEqual(o["found_at"], "2026-03-15T21:30:00+08:00")
        self.assertEqual(o["reach"], 12000)
        self.assertEqual(o["level"], "watch")
        self.assertEqual(o["status"], "watching")
        self.assertEqual(o["exposure_id"], self.eid)
        self.assertEqual(o["exposure_title"], "老坛酸菜土坑腌制")
        self.assertEqual(o["intake_id"], self.iid)
        self.assertEqual(o["notes"], [])
        text = self.env.ok("opinion", "show", str(oid)).out
        for s in ("平台：抖音", "级别：关注", "状态：监测中", "传播量：12000", "链接：https://www.douyin.com/v/1?a=b",
                  "关联曝光：#%d 老坛酸菜土坑腌制" % self.eid, "发现时间：2026-03-15 21:30"):
            self.assertIn(s, text)
        created = [a for a in self.env.audit() if a.get("entity") == "opinion" and a.get("action") == "create"]
        self.assertEqual(len(created), 1)
        self.assertEqual(json.loads(created[0]["after"])["title"], "酸菜视频转发过万")
        # Codes work as well as labels; defaults: now, 一般, 监测中, no reach.
        oid = self.add("--platform", "weibo", "--title", "T")
        o = self.show(oid)
        self.assertEqual((o["platform"], o["level"], o["status"], o["reach"]), ("weibo", "normal", "watching", None))
        self.assertEqual(o["found_at"], "2026-03-15T21:40:00+08:00")
        self.assertIn("链接：—", self.env.ok("opinion", "show", str(oid)).out)

    def test_every_platform_level_status(self):
        for label, code in (("微博", "weibo"), ("微信", "wechat"), ("抖音", "douyin"), ("今日头条", "toutiao"),
                            ("新闻网站", "news"), ("论坛", "forum"), ("其他", "other")):
            self.assertEqual(self.show(self.add("--platform", label, "--title", "x"))["platform"], code)
        oid = self.add("--platform", "news", "--title", "y")
        for label, code in (("已报告", "reported"), ("已回应", "responded"), ("已平息", "settled"), ("监测中", "watching")):
            self.env.ok("opinion", "update", str(oid), "--status", label)
            self.assertEqual(self.show(oid)["status"], code)
        for label, code in (("关注", "watch"), ("一般", "normal"), ("major", "major")):
            self.env.ok("opinion", "update", str(oid), "--level", label)
            self.assertEqual(self.show(oid)["level"], code)

    def test_list_open_first_by_level_then_newest(self):
        a = self.add("--platform", "weibo", "--title", "一般旧", "--found", "20:00")
        b = self.add("--platform", "weibo", "--title", "一般新", "--found", "21:00")
        c = self.add("--platform", "weibo", "--title", "重大", "--found", "19:00", "--level", "重大")
        d = self.add("--platform", "weibo", "--title", "关注", "--found", "20:30", "--level", "关注")
        e = self.add("--platform", "weibo", "--title", "平息了", "--found", "21:20", "--level", "重大")
        self.env.ok("opinion", "update", str(e), "--status", "已平息")
        ids = [o["id"] for o in self.env.ok("opinion", "list", "--format", "json").json()]
        self.assertEqual(ids, [c, d, b, a])
        ids = [o["id"] for o in self.env.ok("opinion", "list", "--all", "--format", "json").json()]
        self.assertEqual(ids, [c, d, b, a, e])
        table = self.env.ok("opinion", "list").out
        self.assertIn("重大", table)
        self.assertNotIn("平息了", table)
        tsv = self.env.ok("opinion", "list", "--format", "tsv").out.splitlines()
        self.assertEqual(len(tsv), 5)

    def test_update_note_links_and_audit(self):
        oid = self.add("--platform", "forum", "--title", "论坛帖")
        self.env.ok("opinion", "update", str(oid), "--note", "已截图存证")
        self.env.ok("opinion", "update", str(oid), "--exposure", str(self.eid), "--status", "已报告", "--note", "已报局办公室")
        o = self.show(oid)
        self.assertEqual([n["text"] for n in o["notes"]], ["已截图存证", "已报局办公室"])
        self.assertEqual(o["notes"][0]["by"], OS_USER)
        self.assertEqual(o["exposure_id"], self.eid)
        self.assertEqual(o["status"], "reported")
        self.assertIn("已截图存证（%s）" % OS_USER, self.env.ok("opinion", "show", str(oid)).out)
        upd = [a for a in self.env.audit() if a.get("entity") == "opinion" and a.get("action") == "update"]
        self.assertEqual(len(upd), 2)
        self.assertEqual(upd[1]["fields"], "status,exposure_id,note")
        self.assertEqual(json.loads(upd[1]["before"])["status"], "watching")
        self.assertEqual(json.loads(upd[1]["after"])["exposure_id"], self.eid)

    def test_response_by_a_leader(self):
        """The creator is an admin (above a leader): the response is kept
        with who and when, and an unanswered opinion becomes 已回应."""
        oid = self.add("--platform", "weibo", "--title", "T")
        self.env.ok("opinion", "update", str(oid), "--response", "我局已连夜开展检查，发现问题将依法查处。")
        o = self.show(oid)
        self.assertEqual(o["response"], "我局已连夜开展检查，发现问题将依法查处。")
        self.assertEqual(o["response_by"], OS_USER)
        self.assertEqual(o["response_at"], "2026-03-15T21:40:00+08:00")
        self.assertEqual(o["status"], "responded")
        # Given with --status, the status is the one given.
        oid = self.add("--platform", "weibo", "--title", "U")
        self.env.ok("opinion", "update", str(oid), "--response", "口径", "--status", "已平息")
        self.assertEqual(self.show(oid)["status"], "settled")

    def test_outside_text_sanitised_never_fetched(self):
        """Control characters and escapes are removed from every text field
        (the link too) as they are from an intake's."""
        oid = self.add("--platform", "weibo", "--title", "标\x1b[31m题\x07", "--url", "https://e.test/\x1b]0;x\x07a",
                       "--summary", "摘\x1b[2J要\u202e")
        o = self.show(oid)
        for k in ("title", "url", "summary"):
            self.assertFalse(bad_chars(o[k], allow_newline=True), (k, o[k]))
        self.assertTrue(o["url"].startswith("https://e.test/"))
        text = self.env.ok("opinion", "show", str(oid)).out
        self.assertFalse(bad_chars(text, allow_newline=True), text)


class Shown(Base):
    def test_board_counts_open_and_names_major(self):
        """zhishou board (text and json): the open opinions' count and the
        重大 ones by title, one line each cut to the width; settled ones
        leave it; none open: no section."""
        self.assertNotIn("舆情", self.env.ok("board", "--width", "60").out)
        self.assertEqual(self.env.ok("board", "--format", "json").json()["opinions"], {"open": 0, "major": []})
        long_title = "某地酸菜视频在抖音热传称本地超市仍有土坑酸菜在售评论区大量网友要求监管部门说明情况" * 2
        a = self.add("--platform", "douyin", "--title", long_title, "--level", "重大")
        self.add("--platform", "weibo", "--title", "一般的帖子")
        c = self.add("--platform", "weibo", "--title", "平息的", "--level", "重大")
        self.env.ok("opinion", "update", str(c), "--status", "已平息")
        j = self.env.ok("board", "--format", "json").json()["opinions"]
        self.assertEqual(j, {"open": 2, "major": [{"id": a, "title": long_title}]})
        out = self.env.ok("board", "--width", "60").out
        self.assertIn("舆情（未平息 2，重大 1）：", out)
        line = [ln for ln in out.splitlines() if ln.startswith("  [重大] #%d " % a)]
        self.assertEqual(len(line), 1, out)
        from zs import display_width
        self.assertLessEqual(display_width(line[0]), 60)
        self.assertNotIn("平息的", out)
        self.assertNotIn("一般的帖子", out)

    def test_exposure_detail_lists_its_opinions(self):
        a = self.add("--platform", "douyin", "--title", "酸菜视频", "--exposure", str(self.eid), "--level", "关注")
        self.add("--platform", "weibo", "--title", "别的事")
        b = self.add("--platform", "news", "--title", "新闻报道", "--exposure", str(self.eid))
        self.env.ok("opinion", "update", str(b), "--status", "已平息")
        x = self.env.exposure(self.eid)
        self.assertEqual([o["id"] for o in x["opinions"]], [a, b])
        out = self.env.ok("expose", "show", str(self.eid)).out
        self.assertIn("舆情（2 条", out)
        self.assertIn("#%d 关注 监测中 03-15 21:40 抖音 酸菜视频" % a, out)
        self.assertIn("#%d 一般 已平息" % b, out)
        self.assertNotIn("别的事", out)


class Refused(Base):
    def refused(self, needle, *args, rc=None):
        before = self.state()
        r = self.env.run(*args)
        self.assertNotEqual(r.rc, 0, repr(r))
        if rc is not None:
            self.assertEqual(r.rc, rc, repr(r))
        self.assertIn(needle, r.err, repr(r))
        self.assertEqual(r.out, "", repr(r))
        self.assertEqual(self.state(), before, "something was written: %r" % (args,))

    def test_bad_add(self):
        ok = ("--platform", "weibo", "--title", "T")
        for needle, args in (
                ("缺少平台", ("--title", "T")),
                ("未知的平台「推特」", ("--platform", "推特", "--title", "T")),
                ("标题", ("--platform", "weibo")),
                ("标题", ("--platform", "weibo", "--title", "  ")),
                ("未知的舆情级别「紧急」", ok + ("--level", "紧急")),
                ("传播量", ok + ("--reach", "-5")),
                ("传播量", ok + ("--reach", "很多")),
                ("传播量", ok + ("--reach", "1e9")),
                ("没有编号为 99 的曝光问题", ok + ("--exposure", "99")),
                ("曝光问题编号", ok + ("--exposure", "abc")),
                ("没有编号为 99 的登记", ok + ("--intake", "99")),
                ("http://", ok + ("--url", "javascript:alert(1)")),
                ("http://", ok + ("--url", "ftp://e.test/x")),
                ("http://", ok + ("--url", "https://")),
                ("http://", ok + ("--url", "https://e.test/a b")),
                ("发现时间不能晚于现在", ok + ("--found", "2026-03-15 22:00")),
                ("发现时间", ok + ("--found", "昨天晚上")),
        ):
            with self.subTest(args=args):
                self.refused(needle, "opinion", "add", *args)
        # A few minutes ahead is a fast watch, not the future.
        self.add(*ok, "--found", "2026-03-15 21:43")

    def test_bad_update(self):
        oid = self.add("--platform", "weibo", "--title", "T", "--level", "关注")
        for needle, args in (
                ("没有要修改的内容", (str(oid),)),
                ("没有要修改的内容", (str(oid), "--level", "关注")),
                ("没有要修改的内容", (str(oid), "--status", "监测中")),
                ("未知的舆情状态「结束」", (str(oid), "--status", "结束")),
                ("未知的舆情级别", (str(oid), "--level", "5")),
                ("没有编号为 99 的舆情", ("99", "--level", "重大")),
                ("舆情编号", ("abc", "--level", "重大")),
                ("没有编号为 99 的曝光问题", (str(oid), "--exposure", "99")),
                ("没有编号为 99 的登记", (str(oid), "--intake", "99")),
                ("回应口径", (str(oid), "--response", "  ")),
                ("备注", (str(oid), "--note", "")),
        ):
            with self.subTest(args=args):
                self.refused(needle, "opinion", "update", *args)
        self.refused("没有编号为 99 的舆情", "opinion", "show", "99")

    def test_operator_may_not_set_the_response(self):
        u = self.env.add_other_member("王五", "operator")
        if not u:
            self.skipTest("needs root for a second Unix user")
        oid = self.add("--platform", "weibo", "--title", "T")
        before = self.state()
        r = self.env.run("opinion", "update", str(oid), "--response", "口径", "--note", "n", user=u)
        self.assertNotEqual(r.rc, 0, repr(r))
        self.assertIn("审定舆情回应口径", r.err)
        self.assertIn("带班领导", r.err)
        self.assertEqual(self.state(), before)
        # The operator records and follows up.
        self.env.ok("opinion", "update", str(oid), "--note", "继续监测", "--level", "关注", user=u)
        oid2 = int(self.env.ok("opinion", "add", "--platform", "wechat", "--title", "O", user=u).out)
        self.assertEqual(self.show(oid2)["platform"], "wechat")
        # A leader may.
        self.env.ok("member", "update", "--unix", u, "--role", "leader")
        self.env.ok("opinion", "update", str(oid), "--response", "口径", user=u)
        self.assertEqual(self.show(oid)["response_by"], u)


class MajorAlert(Base):
    def test_raising_to_major_queues_one_alert_without_caller(self):
        oid = self.add("--platform", "douyin", "--title", "酸菜视频", "--exposure", str(self.eid),
                       "--intake", str(self.iid), "--summary", "王小明 13800138000")
        self.assertEqual(self.majors(), [])
        self.env.ok("opinion", "update", str(oid), "--level", "重大")
        rows = self.majors()
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][0], self.eid)
        p = json.loads(rows[0][1])
        self.assertEqual(p, {"opinion_id": oid, "title": "酸菜视频", "level": "major", "platform": "douyin",
                             "exposure_title": "老坛酸菜土坑腌制"})
        for secret in ("王小明", "13800138000", "138", "退货", "老坛酸菜甲公司"):
            self.assertNotIn(secret, rows[0][1])
        # Still 重大: other changes queue nothing; the same level is no change.
        self.env.ok("opinion", "update", str(oid), "--status", "已报告", "--note", "已报告")
        r = self.env.run("opinion", "update", str(oid), "--level", "重大")
        self.assertNotEqual(r.rc, 0)
        self.assertEqual(len(self.majors()), 1)
        # Lowered, then raised again: a new raise, told again.
        self.env.ok("opinion", "update", str(oid), "--level", "关注")
        self.assertEqual(len(self.majors()), 1)
        self.env.ok("opinion", "update", str(oid), "--level", "重大")
        self.assertEqual(len(self.majors()), 2)

    def test_major_on_add_and_unlinked(self):
        self.add("--platform", "weibo", "--title", "热搜", "--level", "重大")
        rows = self.majors()
        self.assertEqual(len(rows), 1)
        self.assertIsNone(rows[0][0])
        self.assertIsNone(json.loads(rows[0][1])["exposure_title"])
        self.add("--platform", "weibo", "--title", "一般的", "--level", "一般")
        self.assertEqual(len(self.majors()), 1)


if __name__ == "__main__":
    unittest.main()
