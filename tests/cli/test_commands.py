#!/usr/bin/env python3
"""The commands: output against expected files, and their behaviour.

Golden tests run on one small hand-built night (zs.NIGHT_STEPS); behaviour
tests each get a fresh database."""

import json
import os
import re
import subprocess
import unittest

import zs
from zs import Env, ZsTestCase, assert_golden, check_table, normalise


class Golden(unittest.TestCase):
    """Listings and views of the hand-built night, compared with expected/."""

    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.transcript = zs.build_night(cls.env)

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()

    def out(self, *args, now=None, lang=None):
        r = self.env.run(*args, now=now, lang=lang)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(r.err, "", repr(r))
        return r.out

    def golden(self, name, *args, table=False, **kw):
        text = self.out(*args, **kw)
        if table:
            check_table(self, text, name + ": ")
        assert_golden(self, name, normalise(text))
        return text

    def test_night_transcript(self):
        # Every command's confirmation, the ids log add prints, its
        # duplicate warning and exposure suggestions.
        assert_golden(self, "night_transcript.txt", self.transcript)

    def test_log_list_table(self):
        self.golden("log_list_table.txt", "log", "list", table=True)

    def test_log_list_table_en(self):
        self.golden("log_list_table_en.txt", "log", "list", table=True, lang="en")

    def test_log_list_tsv(self):
        self.golden("log_list_tsv.txt", "log", "list", "--format", "tsv")

    def test_log_list_csv(self):
        self.golden("log_list_csv.txt", "log", "list", "--format", "csv")

    def test_log_list_json(self):
        text = self.golden("log_list_json.txt", "log", "list", "--format", "json")
        rows = json.loads(text)
        self.assertEqual([r["id"] for r in rows], [6, 5, 4, 3, 2, 1])
        # Lists never show a caller or a phone whole.
        by_id = {r["id"]: r for r in rows}
        self.assertEqual(by_id[1]["caller"], "王**")
        self.assertEqual(by_id[1]["phone"], "138****8000")
        self.assertEqual(by_id[4]["caller"], "李*")
        self.assertEqual(by_id[4]["phone"], "022****4321")
        self.assertEqual(by_id[5]["caller"], "欧***")
        self.assertEqual(by_id[5]["phone"], "139****5678")
        for r in rows:
            self.assertNotIn("13800138000", json.dumps(r, ensure_ascii=False))

    def test_log_show(self):
        text = self.golden("log_show_1.txt", "log", "show", "1")
        self.assertIn("来电人：王小明", text)      # shown whole to the operator
        self.assertIn("挽回损失（元）：35.50", text)

    def test_log_show_json(self):
        text = self.golden("log_show_1_json.txt", "log", "show", "1", "--format", "json")
        i = json.loads(text)
        self.assertEqual(i["status"], "closed")
        self.assertEqual(i["recovered_fen"], 3550)
        self.assertEqual(i["transfer_unit"], "执法稽查队")

    def test_log_show_duplicate(self):
        self.golden("log_show_2.txt", "log", "show", "2")

    def test_expose_list(self):
        self.golden("expose_list.txt", "expose", "list", table=True)

    def test_expose_list_all(self):
        self.golden("expose_list_all.txt", "expose", "list", "--all", table=True)

    def test_expose_list_json(self):
        self.golden("expose_list_json.txt", "expose", "list", "--all", "--format", "json")

    def test_expose_show(self):
        text = self.golden("expose_show_1.txt", "expose", "show", "1")
        self.assertIn("出动执法人员 12：出动执法人员检查酸菜经营户", text)
        self.assertIn("连夜排查，明早8点前报结果", text)

    def test_record_json_holds_what_the_table_shows(self):
        # JSON carries everything the table shows: the intake's history and
        # recorder; the exposure's actions, instructions, timeline and linked
        # intakes.
        e = self.env
        i = e.intake(1)
        self.assertEqual(i["recorded_by"], zs.OS_USER)
        self.assertEqual([h["kind"] for h in i["history"]][:2], ["create", "change"])
        self.assertIn("挽回经济损失 35.50 元", [h["what"] for h in i["history"]][3])
        table = e.ok("log", "show", "1").out
        for h in i["history"]:
            self.assertIn(h["what"], table)
        x = e.exposure(1)
        self.assertEqual([(a["kind"], a["count"]) for a in x["actions"]], [("officers", 12), ("checked", 30)])
        self.assertEqual([t["text"] for t in x["instructions"]], ["连夜排查，明早8点前报结果"])
        self.assertEqual(x["last_instruction"], "连夜排查，明早8点前报结果")
        self.assertEqual([l["id"] for l in x["linked"]], [5])
        self.assertEqual(x["linked_total"], 1)
        table = e.ok("expose", "show", "1").out
        for t in x["timeline"]:
            self.assertIn(t["what"], table)
        ats = [t["at"] for t in x["timeline"]]
        self.assertEqual(ats, sorted(ats))

    def test_expose_show_no_local(self):
        text = self.golden("expose_show_2.txt", "expose", "show", "2")
        self.assertIn("状态：本地无涉", text)

    def test_expose_show_overdue(self):
        text = self.golden("expose_show_3.txt", "expose", "show", "3")
        self.assertIn("已超时", text)

    def test_board_text(self):
        self.golden("board.txt", "board")

    def test_board_json(self):
        text = self.golden("board_json.txt", "board", "--format", "json")
        b = json.loads(text)
        self.assertEqual(b["counts"]["total"], 6)
        self.assertEqual(b["counts"]["by_kind"], {"complaint": 3, "tip": 2, "inquiry": 1})
        self.assertEqual([e["id"] for e in b["exposures"]], [1, 3])
        self.assertEqual(b["counts"]["exposures_overdue"], 1)
        self.assertEqual(len(b["on_duty"]), 4)

    def test_board_fits_the_width(self):
        full = json.loads(self.out("board", "--format", "json"))
        for args, env, width in ((("--width", "40"), None, 40), (("--width", "50"), None, 50),
                                 ((), {"COLUMNS": "60"}, 60), ((), {"COLUMNS": "20"}, 40), ((), None, 80)):
            r = self.env.run("board", *args, env=env)
            self.assertEqual(r.rc, 0, repr(r))
            for line in r.out.splitlines():
                self.assertLessEqual(zs.display_width(line), width, f"{args} {env}: {line!r}")
            flat = re.sub(r"\n +", "", r.out)
            for e in full["exposures"]:
                self.assertIn("#%d " % e["id"], r.out)
                if e["last_instruction"]:
                    # the latest 批示 whole, however narrow
                    self.assertIn(e["last_instruction"], flat, (args, env))

    def test_board_in_a_pipe_takes_the_terminals_width(self):
        # zhishou board | head on a phone's 60 columns (walking the night):
        # stdout is a pipe, the terminal is stderr's.
        import pty
        import struct
        import fcntl
        import termios
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 60, 0, 0))
        env = self.env.environ()
        env.pop("COLUMNS", None)
        p = subprocess.run([zs.BIN, "--db", self.env.db, "board"], stdout=subprocess.PIPE, stderr=slave,
                           stdin=slave, env=env, timeout=60)
        os.close(slave)
        os.close(master)
        self.assertEqual(p.returncode, 0)
        lines = p.stdout.decode().splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertLessEqual(zs.display_width(line), 60, line)
        out = self.env.ok("board", lang="en").out
        self.assertNotIn("：", out)   # English text with English colons

    def test_board_duty_folded_to_leaders(self):
        full = json.loads(self.out("board", "--format", "json"))["on_duty"]
        leaders = [d["name"] for d in full if d["leader"]]
        others = [d["name"] for d in full if not d["leader"]]
        self.assertTrue(leaders and others)
        text = self.out("board")
        self.assertIn("正在值班 %d 人，下面是带班领导（全部：--all-duty）" % len(full), text)
        for n in leaders:
            self.assertIn(n, text)
        for n in others:
            self.assertNotIn(n, text)
        text = self.out("board", "--all-duty")
        for n in leaders + others:
            self.assertIn(n, text)

    def test_board_bad_width(self):
        for w in ("39", "abc", "", "1001", "-5"):
            r = self.env.run("board", "--width", w)
            self.assertEqual(r.rc, 2, repr(r))
            self.assertIn("--width 要 40 到 1000 之间的列数", r.err)
            self.assertEqual(r.out, "")

    def test_board_linked_line_is_consistent(self):
        # "关联曝光问题 A 件；其中未办结 B 件": "其中" (of which) makes B a
        # part of A, so B can never exceed A.  (The count is of everything
        # received since the gala that is still open, linked or not.)
        text = self.out("board")
        m = re.search(r"关联曝光问题 (\d+) 件；其中未办结 (\d+) 件", text)
        if m:
            self.assertLessEqual(int(m.group(2)), int(m.group(1)),
                                 "board says %r: more open items \"of which\" than linked ones" % m.group(0))

    def test_roster_list(self):
        self.golden("roster_list.txt", "roster", "list", table=True)

    def test_roster_list_date_tsv(self):
        self.golden("roster_list_0314_tsv.txt", "roster", "list", "--date", "2026-03-14", "--format", "tsv")

    def test_roster_list_now(self):
        text = self.golden("roster_list_now.txt", "roster", "list", "--now", table=True)
        self.assertNotIn("孙强", text)   # 14 March

    def test_roster_list_now_after_midnight(self):
        # 王芳's shift of 15 March runs 18:30 to 01:00 on the 16th.
        text = self.golden("roster_list_now_0030.txt", "roster", "list", "--now", now="2026-03-16 00:30",
                           table=True)
        self.assertIn("王芳", text)
        self.assertNotIn("张建国", text)

    def test_unit_list(self):
        self.golden("unit_list.txt", "unit", "list", table=True)

    def test_search_one_char(self):
        text = self.golden("search_1char.txt", "search", "酸", table=True)
        self.assertIn("土坑酸菜", text)

    def test_search_two_chars(self):
        self.golden("search_2char.txt", "search", "退费", table=True)

    def test_search_three_plus_chars(self):
        self.golden("search_3char.txt", "search", "人脸识别", table=True)

    def test_search_mixed(self):
        # a 3+ character term (FTS trigram) with a 2-character one (LIKE)
        text = self.golden("search_mixed.txt", "search", "土坑酸菜", "退货", table=True)
        self.assertIn("买到土坑酸菜，要求退货", text)
        self.assertNotIn("曝光", text.split("\n", 2)[2])

    def test_search_json(self):
        self.golden("search_json.txt", "search", "酸菜", "--format", "json")

    def test_audit_intake(self):
        self.golden("audit_intake_1_tsv.txt", "audit", "--entity", "intake", "--id", "1", "--format", "tsv")

    def test_audit_exposure(self):
        self.golden("audit_exposure_1_tsv.txt", "audit", "--entity", "exposure", "--id", "1", "--format", "tsv")

    def test_audit_table_aligned(self):
        check_table(self, self.out("audit", "--entity", "intake"))

    def test_audit_verify(self):
        self.golden("audit_verify.txt", "audit", "verify")


class LogBehaviour(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def test_search_finds_by_number_phone_tail_and_ref(self):
        e = self.env
        e.ok("expose", "add", "--title", "土坑酸菜", "--aired", "20:15")
        a, _ = e.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "第一次来电",
                     "--phone", "13800138000", "--at", "21:00")
        b, _ = e.add("--channel", "8890", "--kind", "complaint", "--text", "转办来的",
                     "--phone", "010-62345678", "--ref", "8890-20260315-0042", "--at", "21:05")
        c, _ = e.add("--channel", "web", "--kind", "tip", "--text", "又来电了", "--phone", "138 0013 8000",
                     "--at", "21:10")

        def found(*args):
            r = e.ok("search", *args, "--format", "json")
            return [(x["type"], x["id"]) for x in r.json()]
        self.assertEqual(found("#1"), [("exposure", 1), ("intake", a)])
        self.assertEqual(found("＃%d" % b), [("intake", b)])
        self.assertEqual(found("#99"), [])
        self.assertEqual(found("13800138000"), [("intake", c), ("intake", a)])
        self.assertEqual(found("138-0013-8000"), [("intake", c), ("intake", a)])
        self.assertEqual(found("010 6234 5678"), [("intake", b)])
        self.assertEqual(found("--phone", "8000"), [("intake", c), ("intake", a)])
        self.assertEqual(found("--phone", "45678"), [("intake", b)])
        # Digits alone: the callers whose phone ends so, then the text.
        self.assertEqual(found("8000"), [("intake", c), ("intake", a)])
        self.assertEqual(found("8890-20260315-0042"), [("intake", b)])
        self.assertEqual(found("0042"), [("intake", b)])
        # A number that is not a phone stays words.
        self.assertEqual(found("12315"), [])
        # Found by phone, the caller is shown as lists show it.
        out = e.ok("search", "13800138000").out
        self.assertIn("第一次来电", out)
        for bad, needle in ((("--phone", "12"), "电话尾号要 4 到 11 位数字"), (("--phone", "12ab"), "电话尾号要"),
                            (("--phone", "8000", "酸菜"), "不能同时给出文字"), ((), "需要要找的内容")):
            r = e.run("search", *bad)
            self.assertFails(r, 2, needle)
            self.assertEqual(r.out, "")

    def test_audit_says_when_it_stopped_at_its_limit(self):
        e = self.env
        for k in range(3):
            e.add("--channel", "web", "--kind", "tip", "--text", "第%d件" % k)
        rows = e.ok("audit", "--format", "json").json()
        r = e.ok("audit", "--limit", "2", "--format", "tsv")
        shown = [int(l.split("\t")[0]) for l in r.out.splitlines()[1:]]
        self.assertEqual(len(shown), 2)
        self.assertIn("只列出了 2 件；下一页用 --after %d" % shown[-1], r.err)
        nxt = e.ok("audit", "--after", str(shown[-1]), "--format", "json").json()
        self.assertEqual([x["id"] for x in nxt], [x["id"] for x in rows][2:])
        self.assertEqual(e.ok("audit", "--limit", str(len(rows))).err, "")

    def test_list_says_when_there_are_more(self):
        e = self.env
        for k in range(5):
            e.add("--channel", "web", "--kind", "tip", "--text", "第%d件" % k, "--at", "21:0%d" % k)
        r = e.ok("log", "list", "--limit", "2", "--format", "tsv")
        self.assertEqual([l.split("\t")[0] for l in r.out.splitlines()[1:]], ["5", "4"])
        self.assertIn("只列出了 2 件；下一页用 --before 4", r.err)
        r = e.ok("log", "list", "--limit", "2", "--before", "2", "--format", "tsv")
        self.assertEqual([l.split("\t")[0] for l in r.out.splitlines()[1:]], ["1"])
        self.assertEqual(r.err, "")
        for args in (("--limit", "5"), ("--limit", "0"), ()):
            self.assertEqual(e.ok("log", "list", *args).err, "", args)
        r = e.ok("search", "第", "--limit", "3")
        self.assertIn("只列出了 3 件；用 --limit N 看更多（0 为全部）", r.err)
        self.assertEqual(e.ok("search", "第", "--limit", "5").err, "")

    def test_add_prints_id_then_duplicate_then_suggestion(self):
        e = self.env
        e.ok("expose", "add", "--title", "土坑酸菜", "--companies", "老坛酸菜甲公司;乙食品有限公司", "--aired", "20:15")
        i1, h1 = e.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "第一次来电",
                       "--phone", "13800138000", "--at", "21:00")
        self.assertEqual(i1, 1)
        self.assertEqual(h1, [])
        i2, h2 = e.add("--channel", "web", "--kind", "complaint", "--text", "投诉老坛酸菜甲公司",
                       "--phone", "138 0013 8000", "--subject", "老坛酸菜甲公司", "--at", "21:10")
        self.assertEqual(i2, 2)
        self.assertEqual(len(h2), 2, h2)
        self.assertIn("可能重复", h2[0])
        self.assertIn("第 1 件", h2[0])
        self.assertIn("138****8000", h2[0])          # masked even here
        self.assertIn("建议关联曝光问题 #1", h2[1])
        self.assertIn("--exposure 1", h2[1])
        # A warning, not a refusal: both are stored, neither linked yet.
        self.assertEqual([r["id"] for r in e.intakes()], [2, 1])
        self.assertIsNone(e.intake(2)["exposure_id"])

    def test_duplicate_by_uscc_and_not_across_uscc(self):
        # The same business typed two ways but with its USCC both times is
        # the same business; one name with two different USCCs is two.
        e = self.env
        code, other = "91120101MA05K1B201", "91120101MA05K1C3XH"
        text = "在该店购买的面包发霉变质，商家拒绝退款，要求退款并赔偿"
        i1, _ = e.add("--channel", "web", "--kind", "complaint", "--text", text, "--subject", "佳味坊（和平路店）",
                      "--uscc", code, "--at", "21:00")
        _, h = e.add("--channel", "web", "--kind", "complaint", "--text", text + "。", "--subject", "佳味坊烘焙和平路",
                     "--uscc", code, "--at", "21:10")
        self.assertTrue(h and "可能重复" in h[0] and "第 %d 件" % i1 in h[0] and "同一信用代码" in h[0], h)
        _, h = e.add("--channel", "web", "--kind", "complaint", "--text", text + "！", "--subject", "佳味坊（和平路店）",
                     "--uscc", other, "--at", "21:20")
        self.assertFalse([l for l in h if "可能重复" in l], h)

    def test_suggestion_by_uscc_when_both_sides_have_one(self):
        # The register tied code A to the exposed company (a candidate its
        # companies found): an intake with A is suggested whatever its
        # business is called; one named like the company but with another
        # code is another business; without a code, the name as before.
        e = self.env
        code_a, code_b = "91120101MA05K1B201", "91120101MA05K1C3XH"
        e.ok("expose", "add", "--title", "过期面包换标签", "--companies", "丁烘焙连锁", "--keywords", "换标签",
             "--aired", "20:00")
        e.execute("INSERT INTO exposure_candidate (exposure_id, uscc, name, term, by_company) "
                  "VALUES (1, ?, '丁烘焙连锁和平路分公司', '丁烘焙连锁', 1)", code_a)
        _, h = e.add("--channel", "web", "--kind", "complaint", "--text", "蛋糕奶油有异味", "--subject", "和平路蛋糕店",
                     "--uscc", code_a)
        self.assertEqual([l for l in h if "建议关联" in l and "#1" in l], h, h)
        self.assertTrue(h, h)
        _, h = e.add("--channel", "web", "--kind", "complaint", "--text", "蛋糕奶油发酸", "--subject", "丁烘焙连锁店",
                     "--uscc", code_b)
        self.assertFalse([l for l in h if "建议关联" in l], h)
        _, h = e.add("--channel", "web", "--kind", "complaint", "--text", "蛋糕奶油变质", "--subject", "丁烘焙连锁店")
        self.assertTrue([l for l in h if "建议关联" in l and "#1" in l], h)

    def test_suggestion_by_keyword_only_for_open_exposures(self):
        e = self.env
        e.ok("expose", "add", "--title", "过期面包换标签", "--companies", "丁烘焙连锁", "--keywords", "过期面包",
             "--aired", "20:00")
        _, hints = e.add("--channel", "web", "--kind", "tip", "--text", "买到过期面包")
        self.assertEqual(len(hints), 1, hints)
        self.assertIn("#1", hints[0])
        e.ok("expose", "update", "1", "--local", "no")          # closed: 本地无涉
        _, hints = e.add("--channel", "web", "--kind", "tip", "--text", "又买到过期面包", "--subject", "丁烘焙连锁")
        self.assertEqual(hints, [])

    def test_duplicate_same_business_similar_text(self):
        e = self.env
        e.add("--channel", "web", "--kind", "投诉", "--text", "在甲超市买到过期面包，要求退款",
              "--subject", "甲超市", "--at", "21:00")
        _, hints = e.add("--channel", "email", "--kind", "投诉", "--text", "在甲超市买到的面包过期了，要求退款",
                         "--subject", "甲超市", "--at", "21:10")
        self.assertEqual(len(hints), 1, hints)
        self.assertIn("与第 1 件相似", hints[0])
        _, hints = e.add("--channel", "email", "--kind", "投诉", "--text", "停车收费太贵", "--subject", "甲超市",
                         "--at", "21:11")
        self.assertEqual(hints, [])

    def test_duplicate_window_configurable(self):
        e = self.env
        with open(e.config_path, "w") as f:
            f.write("[intake]\nduplicate_window_hours = 1\n")
        e.add("--channel", "web", "--kind", "tip", "--text", "a", "--phone", "13800138000", "--at", "2026-03-15 19:00")
        _, hints = e.add("--channel", "web", "--kind", "tip", "--text", "b", "--phone", "13800138000")
        self.assertEqual(hints, [])
        _, hints = e.add("--channel", "web", "--kind", "tip", "--text", "c", "--phone", "13800138000")
        self.assertEqual(len(hints), 1)

    def test_status_chain_and_impossible_transition(self):
        e = self.env
        e.ok("unit", "add", "执法稽查队")
        e.add("--channel", "web", "--kind", "投诉", "--text", "x")
        self.assertEqual(e.intake(1)["status"], "new")
        r = e.ok("log", "update", "1", "--status", "accepted")
        self.assertIn("已受理", r.out)
        e.ok("log", "update", "1", "--status", "transferred", "--transfer", "执法稽查队")
        i = e.intake(1)
        self.assertEqual((i["status"], i["handling"], i["transfer_unit"]), ("transferred", "transfer", "执法稽查队"))
        e.ok("log", "update", "1", "--status", "已办结")
        self.assertEqual(e.intake(1)["status"], "closed")
        audit_before = e.audit_rows()
        r = e.run("log", "update", "1", "--status", "new")
        self.assertFails(r, 2, "已办结", "新登记")
        self.assertEqual(r.out, "")
        self.assertEqual(e.intake(1)["status"], "closed")
        self.assertEqual(e.audit_rows(), audit_before)

    def test_impossible_transition_message_in_english(self):
        e = self.env
        e.add("--channel", "web", "--kind", "投诉", "--text", "x")
        e.ok("log", "update", "1", "--status", "closed")
        r = e.run("log", "update", "1", "--status", "new", lang="en")
        self.assertFails(r, 2, "closed", "new")

    def test_units_picked_from_what_was_typed(self):
        e = self.env
        for u in ("食品安全监管科", "市场和网络交易监管科", "综合行政执法支队", "食品经营监管科"):
            e.ok("unit", "add", u)
        iid, _ = e.add("--channel", "web", "--kind", "complaint", "--text", "转给谁")
        eid = e.ok("expose", "add", "--title", "土坑酸菜").out.strip()

        def unit_of(i):
            return e.ok("log", "show", str(i), "--format", "json").json()["transfer_unit"]
        for typed, unit in (("spaq", "食品安全监管科"), ("执法", "综合行政执法支队"), ("食品经营监管科", "食品经营监管科"),
                            ("SCHW", "市场和网络交易监管科")):
            e.ok("log", "update", str(iid), "--transfer", typed)
            self.assertEqual(unit_of(iid), unit, typed)
        e.ok("expose", "update", eid, "--lead", "zhxz", "--assist", "spaq;市场")
        x = e.ok("expose", "show", eid, "--format", "json").json()
        self.assertEqual(x["lead_unit"], "综合行政执法支队")
        self.assertEqual(x["assist_units"], "食品安全监管科;市场和网络交易监管科")
        before = e.intake_state(iid)
        for args, needle in ((("log", "update", str(iid), "--transfer", "食品"), "「食品」对应 2 个单位：食品安全监管科、食品经营监管科"),
                             (("log", "update", str(iid), "--transfer", "监管"), "对应 3 个单位"),
                             (("log", "update", str(iid), "--transfer", "税务局"), "没有单位名称是、含有或拼音首字母是「税务局」"),
                             (("expose", "update", eid, "--lead", "食品"), "牵头单位：「食品」对应 2 个单位"),
                             (("expose", "update", eid, "--assist", "spaq;税务"), "协办单位：没有单位")):
            r = e.run(*args)
            self.assertFails(r, 2, needle)
            self.assertNotIn("unit add", r.err)   # an operator is not told to create units
        self.assertEqual(e.intake_state(iid), before)
        self.assertEqual(e.ok("expose", "show", eid, "--format", "json").json()["assist_units"],
                         "食品安全监管科;市场和网络交易监管科")

    def test_transferred_needs_unit(self):
        e = self.env
        e.add("--channel", "web", "--kind", "投诉", "--text", "x")
        r = e.run("log", "update", "1", "--status", "transferred")
        self.assertFails(r, 2, "--transfer")
        self.assertEqual(e.intake(1)["status"], "new")

    def test_closed_directly_is_direct_handling(self):
        e = self.env
        e.add("--channel", "web", "--kind", "投诉", "--text", "x")
        e.ok("log", "update", "1", "--status", "closed")
        self.assertEqual(e.intake(1)["handling"], "direct")

    def test_duplicate_of_recovered_note_exposure(self):
        e = self.env
        e.ok("expose", "add", "--title", "某问题", "--aired", "20:00")
        e.add("--channel", "web", "--kind", "投诉", "--text", "原件")
        e.add("--channel", "web", "--kind", "投诉", "--text", "重复")
        e.add("--channel", "web", "--kind", "投诉", "--text", "又一件重复")
        e.ok("log", "update", "2", "--duplicate-of", "1")
        i = e.intake(2)
        self.assertEqual((i["status"], i["duplicate_of"]), ("duplicate", 1))
        # Duplicates point at the root, never at another duplicate.
        e.ok("log", "update", "3", "--duplicate-of", "#2")
        self.assertEqual(e.intake(3)["duplicate_of"], 1)
        e.ok("log", "update", "1", "--recovered", "35.5")
        self.assertEqual(e.intake(1)["recovered_fen"], 3550)
        e.ok("log", "update", "1", "--recovered", "1,200元")
        self.assertEqual(e.intake(1)["recovered_fen"], 120000)
        e.ok("log", "update", "1", "--note", "第一条备注")
        e.ok("log", "update", "1", "--note", "第二条备注")
        notes = e.intake(1)["notes"].split("\n")
        self.assertEqual(len(notes), 2, notes)
        self.assertEqual(notes[0], "[03-15 21:40 %s] 第一条备注" % zs.OS_USER)
        self.assertTrue(notes[1].endswith("] 第二条备注"))
        e.ok("log", "update", "1", "--exposure", "1")
        self.assertEqual(e.intake(1)["exposure_id"], 1)
        self.assertEqual([r["id"] for r in e.ok("log", "list", "--exposure", "1", "--format", "json").json()], [1])
        self.assertIn("关联登记（1 件", e.ok("expose", "show", "1").out)
        e.ok("log", "update", "1", "--exposure", "none")
        self.assertIsNone(e.intake(1)["exposure_id"])

    def test_add_with_exposure_links(self):
        e = self.env
        e.ok("expose", "add", "--title", "某问题", "--aired", "20:00", "--companies", "甲公司有限")
        iid, hints = e.add("--channel", "web", "--kind", "投诉", "--text", "x", "--subject", "甲公司有限", "--exposure", "1")
        self.assertEqual(hints, [])   # already linked: nothing to suggest
        self.assertEqual(e.intake(iid)["exposure_id"], 1)

    def test_every_change_is_audited_with_the_os_user(self):
        e = self.env
        fake = {"USER": "mallory", "LOGNAME": "mallory", "ZHISHOU_USER": "mallory"}
        e.ok("unit", "add", "执法稽查队", env=fake)
        e.ok("expose", "add", "--title", "某问题", "--aired", "20:00", env=fake)
        e.ok("log", "add", "--channel", "web", "--kind", "投诉", "--text", "x", env=fake)
        e.ok("log", "update", "1", "--status", "accepted", env=fake)
        e.ok("log", "update", "1", "--transfer", "执法稽查队", env=fake)
        e.ok("log", "update", "1", "--note", "备注", env=fake)
        e.ok("log", "update", "1", "--recovered", "10", env=fake)
        e.ok("log", "update", "1", "--exposure", "1", env=fake)
        e.ok("expose", "update", "1", "--level", "2", env=fake)
        e.ok("expose", "action", "1", "--kind", "interview", "--count", "1", env=fake)
        e.ok("expose", "instruct", "1", "--text", "速办", env=fake)
        rows = e.audit("--entity", "intake", "--id", "1")
        self.assertEqual([r["action"] for r in rows], ["create"] + ["update"] * 5)
        self.assertEqual([r["fields"] for r in rows[1:]],
                         ["status", "status,handling,transfer_unit_id", "notes", "recovered_fen", "exposure_id"])
        self.assertEqual(json.loads(rows[1]["before"]), {"status": "new"})
        self.assertEqual(json.loads(rows[1]["after"]), {"status": "accepted"})
        created = json.loads(rows[0]["after"])
        self.assertEqual((created["id"], created["summary"]), (1, "x"))
        xrows = e.audit("--entity", "exposure", "--id", "1")
        self.assertEqual([r["action"] for r in xrows], ["create", "update", "action", "instruct"])
        self.assertEqual(json.loads(xrows[1]["after"]), {"level": 2})
        urows = e.audit("--entity", "unit")
        self.assertEqual(len(urows), 1)
        for r in e.audit():
            self.assertEqual(r["unix_user"], zs.OS_USER, r)
            self.assertRegex(r["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
        # and the first: whoever created the database became its admin
        mrows = e.audit("--entity", "member")
        self.assertEqual([(r["action"], json.loads(r["after"])["role"]) for r in mrows], [("add", "admin")])
        self.assertEqual(e.audit_rows(), 12)

    def test_update_that_changes_nothing_writes_no_empty_audit_row(self):
        # Transferring again to the unit it is already with changes nothing;
        # the audit must not gain a row with no fields and "{}" -> "{}".
        e = self.env
        e.ok("unit", "add", "执法稽查队")
        e.add("--channel", "web", "--kind", "投诉", "--text", "x")
        e.ok("log", "update", "1", "--transfer", "执法稽查队")
        before = e.audit_rows()
        e.run("log", "update", "1", "--transfer", "执法稽查队")
        for r in e.audit("--entity", "intake", "--id", "1"):
            if r["action"] == "update":
                self.assertNotEqual(r["fields"], "", "audit row with no changed fields: %r" % r)
        self.assertEqual(e.audit_rows(), before)

    def test_list_filters(self):
        e = self.env
        e.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "酸菜有问题", "--at", "20:00")
        e.add("--channel", "weibo", "--kind", "tip", "--text", "直播间假货", "--at", "20:30")
        e.add("--channel", "8890", "--kind", "inquiry", "--text", "咨询退费", "--at", "21:00")
        e.ok("log", "update", "1", "--status", "closed")

        def ids(*args):
            return [r["id"] for r in e.ok("log", "list", "--format", "json", *args).json()]

        self.assertEqual(ids(), [3, 2, 1])
        self.assertEqual(ids("--unresolved"), [3, 2])
        self.assertEqual(ids("--channel", "政务微博"), [2])
        self.assertEqual(ids("--kind", "咨询"), [3])
        self.assertEqual(ids("--status", "closed"), [1])
        self.assertEqual(ids("--since", "20:15", "--until", "20:45"), [2])
        self.assertEqual(ids("--search", "酸菜"), [1])
        self.assertEqual(ids("--search", "直播间假货"), [2])
        self.assertEqual(ids("--limit", "2"), [3, 2])
        self.assertEqual(ids("--limit", "2", "--before", "2"), [1])
        self.assertEqual(ids("--limit", "0"), [3, 2, 1])

    def test_empty_list(self):
        r = self.env.ok("log", "list")
        self.assertIn("没有符合条件的记录", r.out)
        self.assertEqual(self.env.ok("log", "list", "--format", "json").json(), [])
        self.assertEqual(self.env.ok("log", "list", "--format", "csv").out.count("\n"), 1)

    def test_csv_quotes_and_tsv_flattens(self):
        e = self.env
        e.add("--channel", "web", "--kind", "tip", "--text", "第一行,逗号\n第二行\t\"引号\"")
        csv_out = e.ok("log", "list", "--format", "csv").out
        import csv
        import io
        rows = list(csv.reader(io.StringIO(csv_out)))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][rows[0].index("内容摘要")], "第一行,逗号\n第二行 \"引号\"")
        tsv = e.ok("log", "list", "--format", "tsv").out.split("\n")
        self.assertEqual(len(tsv), 3)   # header, one row, trailing ""
        self.assertEqual(len(tsv[1].split("\t")), 11)

    def test_csv_listings_guard_formulas(self):
        """A caller's text a spreadsheet would run (=HYPERLINK, +cmd, @SUM, a
        leading TAB) stays text in log list and search CSV, as in the export:
        one cell writer for every CSV."""
        e = self.env
        bad = ['=HYPERLINK("http://evil.example/x","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd"]
        for text in bad:
            e.add("--channel", "web", "--kind", "tip", "--subject", "公式测试", "--text", text)
        import csv
        import io
        for args in (("log", "list", "--format", "csv"), ("search", "公式测试", "--format", "csv")):
            out = e.ok(*args).out
            self.assertFalse(out.startswith("\ufeff"), args)   # standard output: no BOM
            rows = list(csv.reader(io.StringIO(out, newline="")))
            cells = [c for row in rows[1:] for c in row]
            for text in bad:
                self.assertNotIn(text, cells, args)
                self.assertIn("'" + text, cells, args)
            for c in cells:
                self.assertFalse(c[:1] in ("=", "+", "@", "\t", "\r"), (args, c))
        # A plain negative or signed number is left alone.
        e.add("--channel", "web", "--kind", "tip", "--text", "-5")
        rows = list(csv.reader(io.StringIO(e.ok("log", "list", "--format", "csv").out, newline="")))
        self.assertIn("-5", [c for row in rows for c in row])

    def test_display_zone_is_independent_of_server_tz(self):
        e = self.env
        e.add("--channel", "web", "--kind", "tip", "--text", "x", "--at", "2026-03-15 21:05")
        outs = set()
        for tz in ("UTC", "America/New_York", "Asia/Kolkata", "Asia/Shanghai", "Pacific/Auckland"):
            outs.add(e.ok("log", "list", "--format", "json", env={"TZ": tz}).out)
        self.assertEqual(len(outs), 1, outs)
        row = json.loads(outs.pop())[0]
        self.assertEqual(row["received_at"], "2026-03-15T21:05:00+08:00")
        # A configured zone changes the display.
        with open(e.config_path, "w") as f:
            f.write("[general]\ntimezone = Asia/Tokyo\n")
        row = e.ok("log", "list", "--format", "json").json()[0]
        self.assertEqual(row["received_at"], "2026-03-15T22:05:00+09:00")

    def test_json_listings_do_not_depend_on_language(self):
        # "json uses stable English keys": a script must get the same JSON
        # whatever --lang is.  (roster list and unit list translate values.)
        e = self.env
        e.write("r.csv", zs.ROSTER_CSV)
        e.ok("roster", "import", e.path("r.csv"))
        e.ok("expose", "add", "--title", "某问题", "--aired", "20:00", "--lead", "执法稽查队")
        e.add("--channel", "web", "--kind", "tip", "--text", "酸菜")
        for cmd in (("log", "list"), ("expose", "list", "--all"), ("roster", "list"), ("unit", "list"),
                    ("search", "酸菜"), ("audit", "--entity", "intake")):
            with self.subTest(command=" ".join(cmd)):
                zh = e.ok(*cmd, "--format", "json", lang="zh").out
                en = e.ok(*cmd, "--format", "json", lang="en").out
                if cmd[0] == "audit":
                    zh, en = re.sub(r'"at":"[^"]*"', "", zh), re.sub(r'"at":"[^"]*"', "", en)
                self.assertEqual(zh, en, "JSON of `%s` changes with --lang" % " ".join(cmd))

    def test_roster_json_times_are_unambiguous(self):
        # Other JSON carries ISO 8601 times with the offset; roster shift
        # times must too (not "03-15 19:00": no year, no zone).
        e = self.env
        e.write("r.csv", zs.ROSTER_CSV)
        e.ok("roster", "import", e.path("r.csv"))
        rows = e.ok("roster", "list", "--format", "json").json()
        self.assertEqual(len(rows), 5)
        for r in rows:
            for k in ("shift_start", "shift_end"):
                self.assertRegex(r[k], r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?\+08:00$", r)

    def test_clock_time_just_after_midnight_means_last_night(self):
        # The duty night runs past midnight.  At 00:10 on 16 March an operator
        # logging a call that came in at "23:50" means 15 March 23:50, not a
        # time 23 hours ahead (refused as "in the future"); the same for an
        # exposure aired at "23:30" and for --since.
        e = self.env
        after_midnight = "2026-03-16 00:10"
        r = e.run("log", "add", "--channel", "web", "--kind", "tip", "--text", "午夜前的来电", "--at", "23:50",
                  now=after_midnight)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(e.intake(1)["received_at"], "2026-03-15T23:50:00+08:00")
        r = e.run("expose", "add", "--title", "深夜曝光", "--aired", "23:30", now=after_midnight)
        self.assertEqual(r.rc, 0, repr(r))
        x = e.exposure(1)
        self.assertEqual(x["aired_at"], "2026-03-15T23:30:00+08:00")
        self.assertEqual(x["deadline"], "2026-03-16T08:00:00+08:00")
        rows = e.ok("log", "list", "--since", "23:00", "--format", "json", now=after_midnight).json()
        self.assertEqual([i["id"] for i in rows], [1])
        # while a time earlier than now stays today
        r = e.run("log", "add", "--channel", "web", "--kind", "tip", "--text", "午夜后", "--at", "00:05",
                  now=after_midnight)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(e.intake(2)["received_at"], "2026-03-16T00:05:00+08:00")

    def test_init_again_is_harmless(self):
        e = self.env
        e.add("--channel", "web", "--kind", "tip", "--text", "x")
        r = e.ok("init")
        self.assertIn("已是最新结构", r.out)
        self.assertEqual(len(e.intakes()), 1)


class ExposureBehaviour(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.env.ok("unit", "add", "食品经营监管科")
        self.env.ok("unit", "add", "执法稽查队")

    def test_add_defaults(self):
        e = self.env
        r = e.ok("expose", "add", "--title", "某问题", "--aired", "20:15")
        self.assertEqual(r.out, "1\n")
        x = e.exposure(1)
        self.assertEqual((x["level"], x["status"], x["local"]), (4, "aired", "unknown"))
        self.assertEqual(x["deadline"], "2026-03-16T08:00:00+08:00")     # 08:00 next morning
        self.assertEqual(x["aired_at"], "2026-03-15T20:15:00+08:00")

    def test_deadline_hour_configurable(self):
        e = self.env
        with open(e.config_path, "w") as f:
            f.write("[exposure]\ndeadline_hour = 9\n")
        e.ok("expose", "add", "--title", "某问题", "--aired", "20:15")
        self.assertEqual(e.exposure(1)["deadline"], "2026-03-16T09:00:00+08:00")

    def test_update_level_lead_status_local(self):
        e = self.env
        e.ok("expose", "add", "--title", "某问题", "--aired", "20:15", "--lead", "食品经营监管科")
        e.ok("expose", "update", "1", "--level", "1", "--lead", "执法稽查队", "--status", "处置中")
        x = e.exposure(1)
        self.assertEqual((x["level"], x["lead_unit"], x["status"]), (1, "执法稽查队", "handling"))
        e.ok("expose", "update", "1", "--local", "no")
        self.assertEqual(e.exposure(1)["status"], "no-local")
        self.assertEqual(e.exposure(1)["local"], "no")
        # closed: gone from the open list, still in --all
        self.assertEqual(e.ok("expose", "list", "--format", "json").json(), [])
        self.assertEqual(len(e.ok("expose", "list", "--all", "--format", "json").json()), 1)
        rows = e.audit("--entity", "exposure", "--id", "1")
        self.assertEqual(rows[-1]["fields"], "local,status")

    def test_action_and_instruct_in_show(self):
        e = self.env
        e.ok("expose", "add", "--title", "某问题", "--aired", "20:15")
        r = e.ok("expose", "action", "1", "--kind", "seizure", "--count", "3", "--note", "查封冷库")
        self.assertIn("#1", r.out)
        e.ok("expose", "action", "1", "--kind", "report", "--note", "已报市局")
        e.ok("expose", "instruct", "1", "--text", "依法从严查处")
        show = e.ok("expose", "show", "1").out
        self.assertIn("查封扣押 3：查封冷库（%s）" % zs.OS_USER, show)
        self.assertIn("上报：已报市局", show)
        self.assertIn("依法从严查处（%s）" % zs.OS_USER, show)

    def test_levels_in_english_are_words(self):
        # "II" and "III" mean nothing to most readers: English names the
        # level's number and a word for it, as 重大 and 较大 do.
        e = self.env
        e.ok("expose", "add", "--title", "某问题", "--aired", "20:15", "--level", "2")
        e.ok("expose", "add", "--title", "另一问题", "--aired", "20:20", "--level", "3")
        lists = e.ok("expose", "list", lang="en").out
        self.assertIn("level 2 (major)", lists)
        self.assertIn("level 3 (serious)", lists)
        self.assertIn("level 2 (major)", e.ok("expose", "show", "1", lang="en").out)
        self.assertIn("[level 3 (serious)] #2", e.ok("board", lang="en").out)
        e.ok("expose", "update", "2", "--level", "1")
        shown = e.ok("expose", "show", "2", lang="en").out
        self.assertIn("now level 1 (extreme)", shown)
        # English labels take an English colon
        self.assertNotIn("：", shown)
        self.assertIn("title: 另一问题", shown)
        self.assertIn("level 4 (general)(4)", e.ok("expose", "update", "--help", lang="en").out)
        for out in (lists, e.ok("board", lang="en").out):
            self.assertIsNone(re.search(r"\b(I|II|III|IV)\b", out), out)
        self.assertIn("重大", e.ok("expose", "list").out)

    def test_overdue_in_list_and_board(self):
        e = self.env
        e.ok("expose", "add", "--title", "早已到期", "--aired", "20:00", "--deadline", "21:00")
        e.ok("expose", "add", "--title", "还有时间", "--aired", "20:00", "--level", "1")
        rows = e.ok("expose", "list", "--format", "json").json()
        self.assertEqual([r["id"] for r in rows], [2, 1])          # level first
        self.assertEqual([r["overdue"] for r in rows], ["no", "yes"])
        b = e.ok("board", "--format", "json").json()
        self.assertEqual(b["counts"]["exposures_overdue"], 1)
        self.assertEqual([x["overdue"] for x in b["exposures"]], [False, True])
        self.assertIn("已超时 40分", e.ok("board").out)


class GlobalOptions(ZsTestCase):
    def test_version(self):
        r = self.env.run("--version", db=False)
        self.assertEqual(r.rc, 0)
        self.assertRegex(r.out, r"^zhishou \d+\.\d+\.\d+\n$")

    def test_help(self):
        r = self.env.run("--help", db=False)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(r.err, "")
        for cmd in ("init", "board", "roster import", "roster list", "log add", "log import", "log list",
                    "log show", "log update", "expose add", "expose list", "expose show", "expose update",
                    "expose action", "expose instruct", "search", "audit", "audit verify"):
            self.assertIn("  " + cmd + " ", r.out)

    def test_help_english(self):
        r = self.env.run("--lang", "en", "--help", db=False)
        self.assertEqual(r.rc, 0)
        self.assertIn("usage:", r.out)
        self.assertNotIn("用法", r.out)

    def test_each_command_help(self):
        for cmd in (["init"], ["board"], ["roster", "import"], ["roster", "list"], ["unit", "add"],
                    ["log", "add"], ["log", "import"], ["log", "list"], ["log", "show"], ["log", "update"],
                    ["expose", "add"], ["expose", "list"], ["expose", "show"], ["expose", "update"],
                    ["expose", "action"], ["expose", "instruct"], ["search"], ["audit"], ["audit", "verify"]):
            # works without any database
            r = self.env.run(*cmd, "--help")
            self.assertEqual(r.rc, 0, repr(r))
            self.assertTrue(r.out.startswith("用法： zhishou " + " ".join(cmd)), repr(r))
        self.assertFalse(self.env.made())

    def all_commands(self):
        out = self.env.run("--help", db=False).out
        names = []
        for line in out.splitlines():
            m = re.match(r"^  ([a-z]+(?: [a-z]+)?)  +\S", line)
            if m:
                names.append(m.group(1).strip())
        self.assertGreater(len(names), 30, out)
        return names

    def test_every_help_lists_every_option_its_usage_names(self):
        # The options section comes from the table the command parses with;
        # the usage line is written by hand: they must agree, both ways.
        for name in self.all_commands():
            r = self.env.run(*name.split(), "--help")
            self.assertEqual(r.rc, 0, repr(r))
            usage = r.out.splitlines()[0]
            self.assertNotIn("[...]", usage, name)
            self.assertNotIn("--format ...", usage, name)
            listed = set(re.findall(r"^  (?:-[a-z], )?(--[a-z-]+)", r.out, re.M))
            letters = dict(re.findall(r"^  (-[a-z]), (--[a-z-]+)", r.out, re.M))
            named = set(re.findall(r"(--[a-z-]+)", usage)) - {"--help"}
            named |= {letters[x] for x in re.findall(r"(?<![\w-])(-[a-z])\b", usage) if x in letters}
            self.assertEqual(named, listed, f"{name}: usage names {sorted(named)}, options list {sorted(listed)}")

    def test_help_lists_the_words_options_take(self):
        out = self.env.run("log", "add", "--help").out
        for word in ("12315热线", "8890转办", "微信公众号", "投诉", "举报", "咨询", "直播带货"):
            self.assertIn(word, out)
        out = self.env.run("expose", "action", "--help").out
        for word in ("约谈", "立案", "发布通告"):
            self.assertIn(word, out)
        out = self.env.run("expose", "update", "--help").out
        for word in ("--assist", "--companies", "较大(3)", "本地无涉(no-local)"):
            self.assertIn(word, out)
        out = self.env.run("log", "update", "--help", lang="en").out
        self.assertIn("one of:", out)
        self.assertNotRegex(out, r"[\u4e00-\u9fff]")

    def test_every_option_says_what_it_takes(self):
        # A bare "--at TIME" leaves the reader guessing: every option of
        # every command has a line saying what it is for, in both languages.
        for lang in ("zh", "en"):
            for name in self.all_commands():
                out = self.env.run(*name.split(), "--help", lang=lang).out
                opts = out.split("选项：\n" if lang == "zh" else "options:\n")
                if len(opts) < 2:
                    continue
                for line in opts[1].splitlines():
                    if not line.startswith("  -"):
                        continue
                    about = re.split(r"\S  +", line.strip(), maxsplit=1)
                    self.assertEqual(len(about), 2, f"{lang} {name}: {line!r} has no description")
                    if lang == "en":
                        self.assertRegex(about[1], r"^[a-z]", f"{name}: {line!r}")
        out = self.env.run("log", "add", "--help").out
        self.assertRegex(out, r"--at TIME +受理时间（默认现在）")
        self.assertRegex(out, r"--phone P +来电人电话")
        out = self.env.run("log", "update", "--help", lang="en").out
        self.assertRegex(out, r"--transfer UNIT +transfer to this unit")
        self.assertRegex(out, r"--recovered YUAN +money recovered for the consumer, in yuan")
        self.assertRegex(self.env.run("handover", "sign", "--help").out, r"--note 交班说明 +交班说明：")
        self.assertRegex(self.env.run("expose", "add", "--help", lang="en").out, r"--companies 'A;B' +the businesses named")

    def test_time_options_state_the_forms_the_parser_takes(self):
        for name in self.all_commands():
            for lang, lead in (("zh", "TIME 可写："), ("en", "TIME may be: ")):
                out = self.env.run(*name.split(), "--help", lang=lang).out
                self.assertEqual("TIME" in out.splitlines()[0], lead in out, f"{lang} {name}")
        out = self.env.run("log", "list", "--help", lang="en").out
        self.assertIn("--since TIME", out)
        forms = out.split("TIME may be: ")[1]
        # every example the help gives is one the parser takes
        examples = ["20:15", "03-15 20:15", "2026-03-15 20:15", "2026-03-15", "now"]
        for x in examples:
            self.assertIn(x, forms)
        self.init()
        for x in examples + ["现在"]:
            r = self.env.run("log", "list", "--since", x)
            self.assertEqual(r.rc, 0, f"{x}: {r!r}")

    def test_noun_help_lists_its_commands(self):
        for args in (("log", "--help"), ("--help", "log"), ("log", "-h")):
            r = self.env.run(*args, db=False)
            self.assertEqual(r.rc, 0, repr(r))
            self.assertEqual(r.err, "")
            for cmd in ("log add", "log import", "log list", "log show", "log update", "log export"):
                self.assertIn("  " + cmd + " ", r.out)
            self.assertNotIn("expose add", r.out)
        r = self.env.run("log", db=False)
        self.assertFails(r, 2, "log add", "后面要跟上面的一个命令")
        self.assertEqual(r.out, "")
        self.assertFalse(self.env.made())

    def test_did_you_mean(self):
        for args, meant in ((("lgo", "add"), "log add"), (("log", "ad"), "log add"), (("borad",), "board"),
                            (("expose", "updat", "3"), "expose update"), (("serach", "x"), "search")):
            r = self.env.run(*args, db=False)
            self.assertFails(r, 2, "未知命令", "是不是 zhishou " + meant + "？")
            self.assertLess(len(r.err.splitlines()), 12, r.err)   # not the whole command list
        r = self.env.run("frobnicate", db=False)
        self.assertFails(r, 2, "未知命令「frobnicate」", "zhishou --help")
        self.assertNotIn("是不是", r.err)
        r = self.env.run("lgo", "add", lang="en", db=False)
        self.assertFails(r, 2, "Did you mean zhishou log add?")
        # What was typed is not trusted text.
        r = self.env.run("\x1b[2Jx", db=False)
        self.assertNotIn("\x1b", r.err)
        self.assertFalse(self.env.made())

    def test_lang_en_switches_messages(self):
        e = self.env
        e.ok("init")
        r = e.run("log", "add", "--channel", "tv", "--kind", "tip", "--text", "x", lang="en")
        self.assertFails(r, 2, "unknown channel", "choose one of")
        self.assertNotRegex(r.err, r"[\u4e00-\u9fff]{2}渠道")
        r = e.run("log", "add", "--channel", "tv", "--kind", "tip", "--text", "x")
        self.assertFails(r, 2, "未知的渠道")
        out = e.ok("log", "list", lang="en").out
        self.assertTrue(out.startswith("id"), out)
        self.assertIn("no matching records", out)

    def test_default_language_is_chinese_whatever_the_locale(self):
        e = self.env
        e.ok("init")
        for loc in ("C.UTF-8", "C", "POSIX", "en_US.UTF-8"):
            r = e.run("log", "list", env={"LANG": loc, "LC_ALL": loc})
            self.assertEqual(r.rc, 0, repr(r))
            self.assertTrue(r.out.startswith("编号"), repr(r))

    def test_write_error_on_stdout_is_reported(self):
        # An export to a full disk must not end "successfully" with a
        # truncated file.
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        e = self.env
        e.ok("init")
        for n in range(3):
            e.add("--channel", "web", "--kind", "tip", "--text", "第%d件" % n)
        for args in (["log", "list", "--format", "csv"], ["log", "list"], ["board", "--format", "json"],
                     ["audit", "--format", "json"]):
            with self.subTest(command=" ".join(args)), open("/dev/full", "w") as full:
                p = subprocess.run([zs.BIN, "--db", e.db] + args, stdout=full, stderr=subprocess.PIPE,
                                   env=e.environ(), timeout=60)
                self.assertNotEqual(p.returncode, 0, "exit 0 although nothing could be written")
                self.assertTrue(p.stderr.strip(), "no message about the failed write")

    def test_bad_lang(self):
        r = self.env.run("--lang", "fr", "log", "list")
        self.assertFails(r, 2, "--lang")

    @zs.sqlite_only("file paths: $ZHISHOU_DB as a file, the XDG default path")
    def test_database_from_environment(self):
        e = self.env
        r = e.run("init", db=False, env={"ZHISHOU_DB": e.path("env.db")})
        self.assertEqual(r.rc, 0, repr(r))
        self.assertTrue(os.path.exists(e.path("env.db")))
        # else $XDG_DATA_HOME/zhishou/zhishou.db
        r = e.run("init", db=False)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertTrue(os.path.exists(os.path.join(e.dir, "data", "zhishou", "zhishou.db")))

    def test_database_from_environment_on_either_backend(self):
        e = self.env
        r = e.run("init", db=False, env={"ZHISHOU_DB": e.db})
        self.assertEqual(r.rc, 0, repr(r))
        self.assertTrue(e.made())
        e.add("--channel", "web", "--kind", "tip", "--text", "经由环境变量", env={"ZHISHOU_DB": e.db}, db=False)
        self.assertEqual([i["summary"] for i in e.intakes()], ["经由环境变量"])

    def test_demo_night(self):
        e = self.env
        r = e.run("init", "--demo", env={"ZHISHOU_NOW": None})
        self.assertEqual(r.rc, 0, repr(r))
        b = e.ok("board", "--format", "json", env={"ZHISHOU_NOW": None}).json()
        self.assertTrue(b["demo"])
        self.assertGreater(b["counts"]["total"], 100)
        self.assertGreaterEqual(len(b["exposures"]), 3)
        self.assertTrue(b["on_duty"])
        self.assertGreater(e.audit_rows(), 100)
        # never into an existing real night
        other = e.other_db("real.db")
        e.ok("init", db=other)
        r = e.run("init", "--demo", db=other)
        self.assertFails(r, 2, "已存在")


class AuditChain(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        # Row 1 is init's: its creator became the first admin.  Rows 2 and
        # 3 are 第1件 and 第2件.
        for n in range(1, 3):
            self.env.add("--channel", "web", "--kind", "tip", "--text", "第%d件" % n)

    # The audit's guards, as each engine names them (a trigger belongs to
    # its table in PostgreSQL).
    DROP_GUARDS = ("DROP TRIGGER audit_no_update ON audit; DROP TRIGGER audit_no_delete ON audit; " if zs.PG else
                   "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; ")

    def test_audit_rows_cannot_be_changed(self):
        with self.assertRaises(zs.SQLError):
            self.env.execute("UPDATE audit SET unix_user = 'mallory'")
        with self.assertRaises(zs.SQLError):
            self.env.execute("DELETE FROM audit")
        if zs.PG:
            with self.assertRaises(zs.SQLError):
                self.env.execute("TRUNCATE audit")
        self.assertEqual(self.env.audit_rows(), 3)

    def test_verify_names_a_tampered_row(self):
        self.env.execute(self.DROP_GUARDS + "UPDATE audit SET after = replace(after, '第1件', '第9件') WHERE id = 2")
        r = self.env.run("audit", "verify")
        self.assertFails(r, 1, "2")
        self.assertEqual(r.out, "")

    def tamper(self, sql):
        """Change the audit table the way someone with the file would: the
        sqlite3 command-line tool (on PostgreSQL psql as the database's
        superuser), triggers dropped first."""
        if zs.PG:
            self.env.execute(self.DROP_GUARDS + sql)
            return
        p = subprocess.run(["sqlite3", self.env.db, self.DROP_GUARDS + sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr.decode())

    def test_verify_finds_each_kind_of_tampering(self):
        # The chain: the first admin, then 2 intake creates (ids 1..3).
        self.assertEqual(self.env.audit_rows(), 3)
        cases = [
            ("edit", "UPDATE audit SET unix_user = 'mallory' WHERE id = 2", "2"),
            ("delete inside", "DELETE FROM audit WHERE id = 2", "2"),
            ("delete the last", "DELETE FROM audit WHERE id = 3", "3"),
            ("delete all", "DELETE FROM audit", "1"),
            ("reorder", "UPDATE audit SET id = 100 WHERE id = 1; UPDATE audit SET id = 1 WHERE id = 2; "
                        "UPDATE audit SET id = 2 WHERE id = 100", "1"),
            ("append a forged row", "INSERT INTO audit(id, at, unix_user, entity, entity_id, action, fields, before, "
                                   "after, prev_hash, hash) SELECT 4, at, unix_user, entity, entity_id, action, fields, "
                                   "before, after, hash, hash FROM audit WHERE id = 3", "4"),
        ]
        pristine = self.env.save_copy()
        for name, sql, row in cases:
            self.env.restore_copy(pristine)
            self.tamper(sql)
            r = self.env.run("audit", "verify")
            self.assertFails(r, 1, row)
            self.assertEqual(r.out, "", name)
        self.env.restore_copy(pristine)
        self.assertEqual(self.env.audit_rows(), 3)

    # The documented chain (README "Tamper evidence", store_audit_hash):
    # SHA-256 over prev_hash, id, at, unix_user, entity, entity_id, action,
    # fields, before, after, each fed as "<byte length>:<bytes>" (numbers in
    # decimal), so moving text between fields changes the hash.
    COLUMNS = "id, at, unix_user, entity, entity_id, action, fields, before, after, prev_hash, hash"

    @staticmethod
    def audit_hash(row):
        import hashlib
        h = hashlib.sha256()
        for k in ("prev_hash", "id", "at", "unix_user", "entity", "entity_id", "action", "fields", "before",
                  "after"):
            b = str(row[k]).encode("utf-8")
            h.update(b"%d:" % len(b))
            h.update(b)
        return h.hexdigest()

    def audit_table(self):
        names = [c.strip() for c in self.COLUMNS.split(",")]
        return [dict(zip(names, r)) for r in self.env.query("SELECT %s FROM audit ORDER BY id" % self.COLUMNS)]

    def rewrite(self, row_id, **cols):
        """Set columns of one audit row the way someone with the file could
        (the triggers dropped first)."""
        self.env.execute("DROP TRIGGER IF EXISTS audit_no_update" + (" ON audit" if zs.PG else ""))
        sets = ", ".join("%s = ?" % k for k in cols)
        self.env.execute("UPDATE audit SET %s WHERE id = ?" % sets, *(list(cols.values()) + [row_id]))

    def test_each_hash_is_the_documented_formula_over_the_previous_one(self):
        """Every row's hash recomputed here from the documented bytes
        matches, each row's prev_hash is the hash of the row before (the
        first: 64 zeros), and the head anchor is the last id and hash."""
        e = self.env
        e.ok("log", "update", "2", "--status", "handling", "--note", "已联系，\"引号\"与换行\n第二行")
        e.ok("expose", "add", "--title", "土坑酸菜", "--companies", "甲公司;乙公司")
        rows = self.audit_table()
        self.assertGreaterEqual(len(rows), 5)
        self.assertTrue(any(r["before"] and r["fields"] for r in rows), rows)   # an update is covered too
        prev = "0" * 64
        for n, r in enumerate(rows, 1):
            self.assertEqual(r["id"], n)
            self.assertEqual(r["prev_hash"], prev, "row %d does not link to row %d" % (n, n - 1))
            self.assertEqual(r["hash"], self.audit_hash(r), "row %d: hash is not the documented formula" % n)
            prev = r["hash"]
        head = e.scalar("SELECT value FROM setting WHERE key = 'audit_head'")
        self.assertEqual(head, "%d %s" % (len(rows), prev))
        r = e.ok("audit", "verify")
        self.assertIn(str(len(rows)), r.out)

    def test_row_rehashed_after_an_edit_breaks_the_next_link(self):
        """Row 2 edited and given a correct new hash passes its own check;
        row 3 still carries row 2's old hash as its prev_hash, so verify
        must stop at row 3 on the link, not accept the chain."""
        r2 = self.audit_table()[1]
        self.assertIn("第1件", r2["after"])
        r2["after"] = r2["after"].replace("第1件", "第9件")
        self.rewrite(2, after=r2["after"], hash=self.audit_hash(r2))
        r = self.env.run("audit", "verify")
        self.assertFails(r, 1, "第 3 条与前一条的链接不符")
        self.assertNotIn("第 2 条", r.err)
        self.assertEqual(r.out, "")

    def test_relinked_row_without_its_own_hash_is_caught(self):
        """As above, and row 3's prev_hash pointed at row 2's new hash: the
        link now holds, but row 3's hash covers the previous hash, so row
        3 no longer matches its own hash."""
        r2 = self.audit_table()[1]
        self.assertIn("第1件", r2["after"])
        r2["after"] = r2["after"].replace("第1件", "第9件")
        new2 = self.audit_hash(r2)
        self.rewrite(2, after=r2["after"], hash=new2)
        self.rewrite(3, prev_hash=new2)
        r = self.env.run("audit", "verify")
        self.assertFails(r, 1, "第 3 条的内容与其哈希不符")
        self.assertNotIn("第 2 条", r.err)
        self.assertEqual(r.out, "")

    def test_audit_bad_options(self):
        self.assertFails(self.env.run("audit", "--entity", "person"), 2, "intake")
        self.assertFails(self.env.run("audit", "--id", "1"), 2, "--entity")
        self.assertFails(self.env.run("audit", "--entity", "intake", "--id", "x"), 2, "--id")


if __name__ == "__main__":
    unittest.main()
