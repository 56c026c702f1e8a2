#!/usr/bin/env python3
"""The morning: the review (what is open, by unit, overdue first, statutory
working-day deadlines) and the handover between shifts."""

import json
import unittest

import zs
from zs import Env


def review(env, now=None):
    return env.ok("review", "--format", "json", now=now).json()


def item(rv, typ, iid):
    for it in rv["items"]:
        if it["type"] == typ and it["id"] == iid:
            return it
    raise AssertionError("%s %s not in the review" % (typ, iid))


class Deadlines(unittest.TestCase):
    """Statutory limits count working days by the State Council schedule."""

    def setUp(self):
        self.env = Env()
        self.env.ok("init")

    def tearDown(self):
        self.env.cleanup()

    def add(self, kind, at, now):
        return self.env.add("--channel", "12315-hotline", "--kind", kind, "--text", "内容", "--at", at, now=now)[0]

    def test_complaint_accept_within_7_working_days(self):
        now = "2026-03-15 22:00"
        cid = self.add("complaint", "2026-03-15 21:05", now)
        it = item(review(self.env, now), "intake", cid)
        self.assertEqual(it["due"], "2026-03-24T23:59:59+08:00")
        self.assertEqual(it["next"], "决定是否受理")
        self.assertFalse(it["due_estimated"])
        self.assertFalse(it["overdue"])

    def test_across_the_spring_festival_and_a_make_up_workday(self):
        # Fri 13 Feb 2026: Sat 14 Feb is a make-up workday, 15-23 Feb off,
        # Sat 28 Feb a make-up workday: 7 working days end on Mon 2 Mar.
        now = "2026-02-13 10:00"
        cid = self.add("complaint", "2026-02-13 09:00", now)
        tid = self.add("tip", "2026-02-13 09:30", now)
        rv = review(self.env, now)
        self.assertEqual(item(rv, "intake", cid)["due"], "2026-03-02T23:59:59+08:00")
        # 15 working days: 14, 24-28 Feb (6), 2-6 Mar (11), 9-12 Mar (15).
        self.assertEqual(item(rv, "intake", tid)["due"], "2026-03-12T23:59:59+08:00")
        self.assertEqual(item(rv, "intake", tid)["next"], "核查举报")

    def test_across_qingming_and_labour_day(self):
        now = "2026-04-03 10:00"
        cid = self.add("complaint", "2026-04-03 09:00", now)
        # 4-6 Apr off: 7, 8, 9, 10, 13, 14, 15 Apr.
        self.assertEqual(item(review(self.env, now), "intake", cid)["due"], "2026-04-15T23:59:59+08:00")
        now = "2026-04-28 10:00"
        cid = self.add("complaint", "2026-04-28 09:00", now)
        # 29, 30 Apr, (1-5 May off), 6, 7, 8, Sat 9 May make-up, 11 May.
        self.assertEqual(item(review(self.env, now), "intake", cid)["due"], "2026-05-11T23:59:59+08:00")

    def test_mediation_counts_from_acceptance(self):
        now = "2026-03-16 09:00"
        cid = self.add("complaint", "2026-03-15 21:00", now)
        self.env.ok("log", "update", str(cid), "--status", "accepted", now="2026-03-20 10:00")
        it = item(review(self.env, "2026-03-20 11:00"), "intake", cid)
        self.assertEqual(it["next"], "调解终结")
        # 45 working days from Fri 20 Mar 2026: 23 Mar-3 Apr (10), 7-10 Apr
        # (14; Qingming 4-6 Apr off), 13-30 Apr (28), 6-8 May (31; Labour Day
        # 1-5 May off), Sat 9 May worked (32), 11-22 May (42), 25-27 May (45).
        self.assertEqual(it["due"], "2026-05-27T23:59:59+08:00")

    def test_inquiry_has_no_statutory_limit(self):
        now = "2026-03-15 22:00"
        qid = self.add("inquiry", "2026-03-15 21:00", now)
        it = item(review(self.env, now), "intake", qid)
        self.assertIsNone(it["due"])
        self.assertIsNone(it["next"])

    def test_year_without_calendar_is_said(self):
        now = "2027-03-15 22:00"
        cid = self.add("complaint", "2027-03-15 21:00", now)
        it = item(review(self.env, now), "intake", cid)
        self.assertTrue(it["due_estimated"])
        text = self.env.ok("review", now=now).out
        self.assertIn("估算", text)

    def test_limits_come_from_configuration(self):
        with open(self.env.config_path, "w") as f:
            f.write("[rules]\naccept_workdays = 3\nsource = 总局令第121号（测试）\n")
        now = "2026-03-15 22:00"
        cid = self.add("complaint", "2026-03-15 21:05", now)
        self.assertEqual(item(review(self.env, now), "intake", cid)["due"], "2026-03-18T23:59:59+08:00")
        self.assertIn("总局令第121号（测试）", self.env.ok("review", now=now).out)
        with open(self.env.config_path, "w") as f:
            f.write("[rules]\naccept_workdays = 0\n")
        r = self.env.run("review")
        self.assertEqual(r.rc, 2, r)
        self.assertIn("accept_workdays", r.err)


class Review(unittest.TestCase):
    def setUp(self):
        self.env = e = Env()
        e.ok("init")
        e.ok("unit", "add", "食品安全监管科")
        e.ok("unit", "add", "执法稽查队")

    def tearDown(self):
        self.env.cleanup()

    def test_order_and_groups(self):
        e = self.env
        now = "2026-03-16 07:50"
        # An exposure past its deadline; one due later; intakes of two units.
        late = e.ok("expose", "add", "--title", "已超时的问题", "--aired", "2026-03-15 20:00", "--deadline",
                    "2026-03-16 06:00", "--lead", "执法稽查队", now=now).out.strip()
        later = e.ok("expose", "add", "--title", "早上八点前", "--aired", "2026-03-15 20:30", "--lead", "食品安全监管科",
                     now=now).out.strip()
        old = e.add("--channel", "web", "--kind", "complaint", "--text", "二月的投诉", "--at", "2026-02-02 10:00",
                    now=now)[0]
        new = e.add("--channel", "web", "--kind", "tip", "--text", "昨晚的举报", "--at", "2026-03-15 21:00", now=now)[0]
        e.ok("log", "update", str(new), "--transfer", "食品安全监管科", now=now)
        closed = e.add("--channel", "web", "--kind", "complaint", "--text", "已办结", now=now)[0]
        e.ok("log", "update", str(closed), "--status", "closed", "--note", "办结", now=now)
        rv = review(e, now)
        ids = [(it["type"], it["id"]) for it in rv["items"]]
        self.assertNotIn(("intake", closed), ids)
        self.assertEqual(rv["counts"]["intakes"], 2)
        self.assertEqual(rv["counts"]["exposures"], 2)
        # Overdue items lead; each unit's items stay together.
        overdue = [it["overdue"] for it in rv["items"]]
        self.assertTrue(overdue[0])
        units = [it["unit"] for it in rv["items"]]
        seen = []
        for u in units:
            if not seen or seen[-1] != u:
                self.assertNotIn(u, seen, units)
                seen.append(u)
        self.assertTrue(item(rv, "exposure", int(late))["overdue"])
        self.assertTrue(item(rv, "intake", old)["overdue"])      # 7 working days from 2 Feb
        self.assertFalse(item(rv, "exposure", int(later))["overdue"])
        self.assertEqual(item(rv, "intake", new)["unit"], "食品安全监管科")
        # Within a unit: overdue first, then by due.
        for u in set(units):
            its = [it for it in rv["items"] if it["unit"] == u]
            keys = [(not it["overdue"], it["due"] is None, it["due"] or "") for it in its]
            self.assertEqual(keys, sorted(keys), u)
        # Units ordered by their most urgent item.
        heads = []
        for it in rv["items"]:
            if not heads or heads[-1]["unit"] != it["unit"]:
                heads.append(it)
        hk = [(not h["overdue"], h["due"] is None, h["due"] or "") for h in heads]
        self.assertEqual(hk, sorted(hk))
        text = e.ok("review", now=now).out
        self.assertIn("【执法稽查队】", text)
        self.assertIn("已超时", text)
        md = e.ok("review", "--format", "md", now=now).out
        self.assertIn("## 食品安全监管科", md)
        self.assertIn("| ! |", md)

    def test_filters_changed_tonight_unit(self):
        e = self.env
        now = "2026-03-16 07:50"
        e.ok("unit", "add", "食品生产监管科")
        e.ok("gala", "add", "--name", "央视3·15晚会", "--start", "2026-03-15 20:00", "--end", "2026-03-15 22:10",
             now="2026-03-15 19:00")
        old = e.add("--channel", "web", "--kind", "complaint", "--text", "二月的投诉", "--at", "2026-02-02 10:00",
                    now="2026-03-15 21:00")[0]
        tonight = e.add("--channel", "web", "--kind", "tip", "--text", "昨晚的举报", "--at", "2026-03-15 21:00",
                        now="2026-03-15 21:00")[0]
        e.ok("log", "update", str(tonight), "--transfer", "食品安全监管科", now="2026-03-15 21:10")
        exp = int(e.ok("expose", "add", "--title", "执法队牵头的问题", "--aired", "2026-03-15 20:30", "--lead", "执法稽查队",
                       now="2026-03-15 21:20").out.strip())
        e.ok("handover", "sign", "--names", "张三", now="2026-03-16 07:00")
        e.ok("log", "update", str(old), "--note", "回访了", now="2026-03-16 07:10")

        def ids(*flags):
            rv = e.ok("review", "--format", "json", *flags, now=now).json()
            got = sorted((it["type"], it["id"]) for it in rv["items"])
            self.assertEqual(rv["counts"]["intakes"] + rv["counts"]["exposures"], len(got))
            return got
        self.assertEqual(ids(), sorted([("intake", old), ("intake", tonight), ("exposure", exp)]))
        self.assertEqual(ids("--changed"), [("intake", old)])
        self.assertEqual(ids("--tonight"), sorted([("intake", tonight), ("exposure", exp)]))
        self.assertEqual(ids("--unit", "食品安全监管科"), [("intake", tonight)])
        self.assertEqual(ids("--unit", "稽查"), [("exposure", exp)])           # a part that names one unit
        self.assertEqual(ids("--unit", "值班室"), [("intake", old)])            # not assigned yet
        self.assertEqual(ids("--tonight", "--unit", "安全"), [("intake", tonight)])
        self.assertEqual(ids("--changed", "--tonight"), [])
        text = e.ok("review", "--changed", now=now).out
        self.assertIn("#%d" % old, text)
        self.assertNotIn("#%d" % tonight, text)
        for bad, needle in (("监管", "对应 2 个单位"), ("没有这个", "没有单位名称是、含有或拼音首字母是「没有这个」")):
            r = e.run("review", "--unit", bad, now=now)
            self.assertEqual(r.rc, 2, r)
            self.assertIn(needle, r.err)
            self.assertEqual(r.out, "")

    def test_changed_before_any_handover_lists_everything(self):
        # Found walking the morning: with no handover signed, --changed said
        # "没有未办结的事项" while 217 were open.
        e = self.env
        now = "2026-03-15 22:00"
        e.ok("log", "add", "--channel", "web", "--kind", "complaint", "--text", "还开着", now=now)
        r = e.ok("review", "--changed", now=now)
        self.assertIn("还没有签过交接班，没有可比较的，下面列出全部", r.out)
        self.assertIn("登记 1 件", r.out)
        j = e.ok("review", "--changed", "--format", "json", now=now).json()
        self.assertTrue(j["nothing_to_compare"])
        self.assertEqual(j["counts"]["intakes"], 1)
        self.assertFalse(e.ok("review", "--format", "json", now=now).json()["nothing_to_compare"])

    def test_last_done_is_shown(self):
        e = self.env
        now = "2026-03-15 22:00"
        eid = e.ok("expose", "add", "--title", "土坑酸菜", now=now).out.strip()
        e.ok("expose", "action", eid, "--kind", "officers", "--count", "12", "--note", "连夜排查", now="2026-03-15 22:10")
        iid = e.add("--channel", "web", "--kind", "complaint", "--text", "x", now=now)[0]
        e.ok("log", "update", str(iid), "--note", "已电话回访", now="2026-03-15 22:20")
        rv = review(e, "2026-03-15 22:30")
        self.assertIn("连夜排查", item(rv, "exposure", int(eid))["last"])
        self.assertEqual(item(rv, "exposure", int(eid))["last_at"], "2026-03-15T22:10:00+08:00")
        self.assertIn("已电话回访", item(rv, "intake", iid)["last"])

    def test_pipes_in_titles_do_not_break_markdown(self):
        e = self.env
        e.ok("expose", "add", "--title", "A|B 问题")
        md = e.ok("review", "--format", "md").out
        row = [l for l in md.splitlines() if "A" in l and "问题" in l][0]
        self.assertIn("A\\|B", row)

    def test_bad_format(self):
        r = self.env.run("review", "--format", "xml")
        self.assertEqual(r.rc, 2, r)
        self.assertIn("--format", r.err)


class Handover(unittest.TestCase):
    def setUp(self):
        self.env = e = Env()
        e.ok("init")
        self.eid = e.ok("expose", "add", "--title", "问题甲", now="2026-03-15 21:00").out.strip()
        self.a = e.add("--channel", "web", "--kind", "complaint", "--text", "甲", "--caller", "欧阳娜娜",
                       "--phone", "13912345678", now="2026-03-15 21:10")[0]
        self.b = e.add("--channel", "web", "--kind", "tip", "--text", "乙", now="2026-03-15 21:20")[0]

    def tearDown(self):
        self.env.cleanup()

    def test_sign_accept_and_what_changed(self):
        e = self.env
        nxt = e.add_other_member()
        if not nxt:
            self.skipTest("accepting needs a second Unix user (root: runuser, useradd)")
        r = e.run("handover", "accept", "--names", "王五", now="2026-03-16 07:00", user=nxt)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("handover sign", r.err)
        e.ok("handover", "sign", "--names", "张三、李四", "--note", "曝光问题甲仍在排查", now="2026-03-16 07:30")
        rv = review(e, "2026-03-16 07:31")
        self.assertEqual(rv["last_handover"]["names"], "张三、李四")
        self.assertIsNone(rv["last_handover"]["accepted_at"])
        self.assertEqual(rv["counts"]["changed"], 0)
        # Something moves after the signing: it is marked.
        e.ok("log", "update", str(self.b), "--note", "已联系举报人", now="2026-03-16 07:40")
        rv = review(e, "2026-03-16 07:45")
        self.assertTrue(item(rv, "intake", self.b)["changed"])
        self.assertFalse(item(rv, "intake", self.a)["changed"])
        self.assertIn("●", e.ok("review", now="2026-03-16 07:45").out)
        # Four eyes: the signer cannot accept his own handover (exit 3, why).
        before = e.audit_rows()
        r = e.run("handover", "accept", "--names", "张三", now="2026-03-16 07:48")
        self.assertEqual(r.rc, 3, r)
        self.assertIn("接班", r.err)
        self.assertIn(zs.OS_USER, r.err)
        self.assertEqual(e.audit_rows(), before)
        e.ok("handover", "accept", "--names", "王五", "--dispute", "问题甲的检查数量待核", now="2026-03-16 07:50",
             user=nxt)
        rv = review(e, "2026-03-16 07:51")
        self.assertEqual(rv["last_handover"]["accept_names"], "王五")
        self.assertEqual(rv["last_handover"]["dispute"], "问题甲的检查数量待核")
        self.assertEqual(rv["last_handover"]["accepted_at"], "2026-03-16T07:50:00+08:00")
        r = e.run("handover", "accept", "--names", "赵六", now="2026-03-16 07:55", user=nxt)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("王五", r.err)
        audit = e.audit("--entity", "handover")
        self.assertEqual([a["action"] for a in audit], ["sign", "accept"])
        lst = e.ok("handover", "list", "--format", "json").json()
        self.assertEqual(len(lst), 1)
        snap = e.scalar("SELECT snapshot FROM handover")
        snap = json.loads(snap)
        self.assertEqual(snap["open_intakes"], 2)
        self.assertEqual(snap["exposures"], [int(self.eid)])

    def test_signing_tells_the_groups_without_caller_data(self):
        e = self.env
        e.ok("handover", "sign", "--names", "张三", now="2026-03-16 07:30")
        ev, payload = e.query("SELECT event, payload FROM outbox ORDER BY id DESC LIMIT 1")[0]
        self.assertEqual(ev, "handover_signed")
        self.assertNotIn("欧阳", payload)
        self.assertNotIn("13912345678", payload)
        self.assertEqual(json.loads(payload)["by"], "张三")

    def test_note_with_caller_data_stays_out_of_the_outbox(self):
        # A note written in a hurry names a caller and a phone; the groups
        # (third-party chat platforms) only hear that there is a note.
        e = self.env
        note = "欧阳娜娜 13912345678 来电称退款未到账，早班请回电"
        e.ok("handover", "sign", "--names", "张三、李四", "--note", note, now="2026-03-16 07:30")
        rows = e.query("SELECT event, payload FROM outbox WHERE event = 'handover_signed'")
        self.assertEqual(len(rows), 1, rows)
        payload = rows[0][1]
        for secret in ("欧阳娜娜", "欧阳", "13912345678", "退款未到账", "回电"):
            self.assertNotIn(secret, payload)
        p = json.loads(payload)
        self.assertIs(p["note_given"], True, payload)
        self.assertEqual(p["by"], "张三、李四")
        self.assertFalse([k for k in p if k not in ("by", "note_given", "open_intakes", "open_exposures")], payload)
        # The note itself is kept where it belongs: the handover, for the morning.
        self.assertEqual(e.scalar("SELECT note FROM handover"), note)
        # Without a note the flag says so.
        nxt = e.add_other_member()
        if not nxt:
            self.skipTest("accepting needs a second Unix user (root: runuser, useradd)")
        e.ok("handover", "accept", "--names", "王五", now="2026-03-16 07:40", user=nxt)
        e.ok("handover", "sign", "--names", "王五", now="2026-03-16 19:00")
        last = e.query("SELECT payload FROM outbox WHERE event = 'handover_signed' ORDER BY id DESC")[0][0]
        self.assertIs(json.loads(last)["note_given"], False, last)

    def test_refusals_write_nothing(self):
        e = self.env
        before = e.audit_rows()
        for args, needle in ((("handover", "sign"), "值班人员"), (("handover", "sign", "--names", "  "), "值班人员"),
                             (("handover", "sign", "--names", "张" * 201), "值班人员"),
                             (("handover", "sign", "--names", "张三", "extra"), "extra")):
            r = e.run(*args)
            self.assertEqual(r.rc, 2, r)
            self.assertIn(needle, r.err)
        self.assertEqual(e.audit_rows(), before)
        self.assertEqual(e.ok("handover", "list", "--format", "json").json(), [])


if __name__ == "__main__":
    unittest.main()
