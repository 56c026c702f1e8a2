#!/usr/bin/env python3
"""The console, driven through a real tmux (issue 3).

Every test starts the real binary ($ZHISHOU_BIN, else build/zhishou) in a
private tmux server on a copy of one demo night (`init --demo`, made once per
run: the demo clock starts at 15 March 21:40 and runs), with its own state
directory (where the unsaved form draft lives) and an environment built from
nothing (`env -i`): LANG=C.UTF-8, TZ=America/New_York (so a console that
shows the server's zone instead of the configured Asia/Shanghai shows wrong
times), HOME/XDG inside the test directory and an empty config file, so no
real configuration is read.

ZHISHOU_TEST_BACKEND=postgresql (tests/cli/zs.py) runs them on PostgreSQL: the
demo night made once in a database of the test cluster, each test's copy a
database made from it (CREATE DATABASE ... TEMPLATE); tests about the SQLite
file itself skip there (zs.sqlite_only).

Waits poll the screen with a deadline; nothing sleeps a fixed time except
where the test is about time passing.
"""

import glob
import json
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tmuxdrv  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cli"))
import zs  # noqa: E402  (the backend switch; exits 77 on PostgreSQL without a server)
from tmuxdrv import col_of, dwidth, has_cjk, slice_cols  # noqa: E402

SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("ZHISHOU_BIN") or os.path.join(SOURCE_ROOT, "build", "zhishou")
TUI_SRC = os.path.join(SOURCE_ROOT, "src", "tui")

STATUSES_ZH = ["新登记", "已受理", "已转办", "办理中", "已办结", "不予受理", "重复件"]
CLOCK_RE = re.compile(r"(\d\d):(\d\d):(\d\d)")
LOG_ROW_RE = re.compile(r"^[ +]\d\d:\d\d ")

_module_dir = None
_template_db = None
_template_pg = None      # the template's database name on PostgreSQL


def setUpModule():
    global _module_dir, _template_db, _template_pg
    if not tmuxdrv.TMUX:
        return
    _module_dir = tempfile.mkdtemp(prefix="zhishou-tui-")
    if zs.PG:
        _template_pg, _template_db = zs.new_pg_database()
    else:
        _template_db = os.path.join(_module_dir, "template.db")
    env = base_env(_module_dir)
    p = subprocess.run([BIN, "--db", _template_db, "init", "--demo"], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("init --demo failed: %s" % p.stderr.decode())
    # Copied per test: everything must be in the main file, no WAL left behind.
    wal = _template_db + "-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        raise RuntimeError("template database left a WAL behind")


def tearDownModule():
    if _template_pg:
        zs.drop_pg_database(_template_pg)
    if _module_dir:
        shutil.rmtree(_module_dir, ignore_errors=True)


def base_env(d):
    cfg = os.path.join(d, "config", "zhishou")
    os.makedirs(cfg, exist_ok=True)
    conf = os.path.join(cfg, "zhishou.conf")
    if not os.path.exists(conf):
        open(conf, "w").close()
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": d,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "America/New_York",
        "XDG_CONFIG_HOME": os.path.join(d, "config"),
        "XDG_DATA_HOME": os.path.join(d, "data"),
        "XDG_STATE_HOME": os.path.join(d, "xdgstate"),
        "ZHISHOU_STATE_DIR": os.path.join(d, "state"),
    }


# --- reading the dashboard ----------------------------------------------

def find_line(lines, text, start=0):
    for i in range(start, len(lines)):
        if text in lines[i]:
            return i
    return -1


def log_rows(lines, width=None):
    """The rows of the live log (left pane only when width is given)."""
    t = find_line(lines, "受理登记")
    if t < 0:
        t = find_line(lines, "Intake log")
    assert t >= 0, "no log pane:\n" + "\n".join(lines)
    rows = []
    for l in lines[t + 1:]:
        part = slice_cols(l, 0, width) if width else l
        if not LOG_ROW_RE.match(part):
            break
        rows.append(part.rstrip())
    return rows


def board_rows(lines):
    """The exposure rows (not the selected one's 批示 line under them)."""
    t = find_line(lines, "晚会曝光问题")
    end = find_line(lines, "受理登记", t + 1)
    return [l for l in lines[t + 1:end] if not re.match(r"^ #\d+ (最新批示：|还没有批示)", l)]


def header_clock(lines):
    m = CLOCK_RE.search(lines[0])
    assert m, "no clock in the header: %r" % lines[0]
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))


def sgr_params(s):
    """Every SGR parameter in a capture -e line, as integers."""
    out = []
    for m in re.finditer(r"\x1b\[([\d;:]*)m", s):
        for p in re.split(r"[;:]", m.group(1)):
            out.append(int(p) if p else 0)
    return out


def mask_clock(lines):
    """The header and the time-left column tick; mask them to compare layouts."""
    out = []
    for l in lines:
        l = CLOCK_RE.sub("hh:mm:ss", l)
        l = re.sub(r"已播 \S+", "已播 …", l)
        l = re.sub(r"(剩|超时)\d[\d小时分秒]*", r"\1…", l)
        out.append(l)
    return out


# --- key tables from the source ------------------------------------------

_STR = r'"((?:[^"\\]|\\.)*)"'
# { { keys }, "label", "hint" or NULL, "hint en" or NULL, "help zh", "help en", ROLE_x, handler }
_BINDING_RE = re.compile(
    r'\{\s*\{[^{}]*\}\s*,\s*' + _STR + r'\s*,\s*(?:NULL|' + _STR + r')\s*,\s*(?:NULL|' + _STR + r')\s*,\s*'
    + _STR + r'\s*,\s*' + _STR + r'\s*,\s*(ROLE_\w+)\s*,\s*\w+\s*\}')
_ARRAY_RE = re.compile(r"static const struct key_binding (\w+)\[\] = \{(.*?)\n\};", re.S)
_TABLE_RE = re.compile(r'const struct key_table (\w+) = KEY_TABLE\(\s*"([^"]*)",\s*"([^"]*)",\s*(\w+)\)')


def source_key_tables():
    """{table var: (zh, en, [(label, zh, en), …])} from src/tui/*.c."""
    arrays, tables = {}, {}
    for path in glob.glob(os.path.join(TUI_SRC, "*.c")):
        with open(path, encoding="utf-8") as f:
            src = f.read()
        for m in _ARRAY_RE.finditer(src):
            arrays[m.group(1)] = [(b.group(1), b.group(4), b.group(5)) for b in _BINDING_RE.finditer(m.group(2))]
        for m in _TABLE_RE.finditer(src):
            tables[m.group(1)] = (m.group(2), m.group(3), m.group(4))
    return {name: (zh, en, arrays[arr]) for name, (zh, en, arr) in tables.items()}


def collect_help(t):
    """Every (label, text) pair help shows, scrolling to the end."""
    pairs, headings = set(), set()
    prev = None
    for _ in range(200):
        lines = t.capture()
        for l in lines[1:-1]:
            if l.startswith(" ") and not l.startswith("   ") and l.strip():
                headings.add(l.strip())
            # "   label   what it does": a label never holds two spaces in a row
            m = re.match(r"^   (\S(?:.*?\S)?)\s{2,}(\S.*)$", l)
            if m:
                pairs.add((m.group(1), m.group(2).strip()))
        if lines == prev:
            break
        prev = lines
        t.keys("NPage")   # a window at a time (every line still passes by)
        # Wait for the scrolled picture (a slow build may not have repainted
        # yet); the end is when a key no longer changes the screen.
        try:
            t.wait_until(lambda cur: cur != prev, timeout=1.0, interval=0.02, what="help to scroll")
        except tmuxdrv.TmuxError:
            pass
    return pairs, headings


def label_tokens(label):
    toks = {label}
    for part in re.split(r"/| 或 ", label):
        if part:
            toks.add(part.strip())
    return toks


@unittest.skipUnless(tmuxdrv.TMUX, "tmux is not installed")
class ConsoleTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zhishou-tui-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        if zs.PG:
            name, self.db = zs.new_pg_database(template=_template_pg)
            self.addCleanup(zs.drop_pg_database, name)
        else:
            self.db = os.path.join(self.dir, "night.db")
            shutil.copy(_template_db, self.db)
        self.env = base_env(self.dir)
        self.state = self.env["ZHISHOU_STATE_DIR"]

    # --- helpers -------------------------------------------------------
    def query(self, sql, *args):
        """Rows of a read-only query on this test's database (either backend)."""
        return zs.query(self.db, sql, *args)

    def execute(self, sql, *args):
        """A change behind the console's back (either backend)."""
        zs.execute(self.db, sql, *args)

    def zs(self, *args, check=True):
        p = subprocess.run([BIN, "--db", self.db] + list(args), env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        if check and p.returncode != 0:
            self.fail("zhishou %s -> %d\n%s%s" % (" ".join(args), p.returncode, out, err))
        return out

    def zs_json(self, *args):
        return json.loads(self.zs(*(list(args) + ["--format", "json"])))

    def log_add(self, text, **kw):
        args = ["log", "add", "--channel", kw.pop("channel", "12315-hotline"),
                "--kind", kw.pop("kind", "complaint"), "--text", text]
        for k, v in kw.items():
            args += ["--" + k, v]
        out = self.zs(*args)
        return int(out.split()[0])

    def newest(self):
        return self.zs_json("log", "list", "--limit", "1")[0]

    def console(self, width=80, height=24, term="xterm-256color", lang=None, env=None, wait=True):
        argv = [BIN, "--db", self.db]
        if lang:
            argv += ["--lang", lang]
        e = dict(self.env, TERM=term)
        if env:
            e.update(env)
        t = tmuxdrv.Term(argv, e, width, height, workdir=self.dir)
        self.addCleanup(t.close)
        if wait:
            t.wait_for("Exposures" if lang == "en" else "晚会曝光问题")
        return t

    def drafts(self):
        return glob.glob(os.path.join(self.state, "draft-*.json"))

    def field_line(self, lines, label):
        """Index of the form row whose label (column 1) is `label`."""
        for i, l in enumerate(lines):
            if l[1:].startswith(label):
                return i
        self.fail("no form field %s:\n%s" % (label, "\n".join(lines)))


class Dashboard(ConsoleTest):
    def check_header(self, lines, width):
        head = lines[0]
        self.assertTrue(head.startswith(" 值守台"), head)
        self.assertIn("央视3·15晚会", head)
        self.assertIn("已播", head)
        self.assertIn("（演示）", head)
        self.assertIn(zs.pg_dbname(self.db) if zs.PG else "night.db", head)   # the database's name
        # the demo clock, in the configured zone (not TZ=America/New_York)
        clock = header_clock(lines)
        self.assertTrue(21 * 3600 + 40 * 60 <= clock < 21 * 3600 + 45 * 60, head)
        # right part flush with the right edge (the bar ends with one space)
        self.assertEqual(dwidth(head.rstrip()), width - 1, head)

    def check_counters(self, lines):
        b = self.zs_json("board")["counts"]
        self.assertIn("20:00起受理 %d：" % b["total"], lines[1])
        self.assertIn("投诉 %d 举报 %d 咨询 %d" % (b["by_kind"]["complaint"], b["by_kind"]["tip"],
                                                b["by_kind"]["inquiry"]), lines[1])
        self.assertIn("关联曝光 %d" % b["linked"], lines[1])
        self.assertIn("未结 %d" % b["unresolved"], lines[1])
        self.assertIn("12315热线 %d" % b["by_channel"]["12315-hotline"], lines[2])
        return b

    def check_board(self, lines, b):
        rows = board_rows(lines)
        self.assertIn("超时 %d" % b["exposures_overdue"], lines[find_line(lines, "晚会曝光问题")])
        overdue = [r for r in rows if "过期面包" in r]
        self.assertEqual(len(overdue), 1, rows)
        self.assertTrue(overdue[0].startswith("!"), overdue[0])
        self.assertIn("超时", overdue[0])
        for r in rows:
            if "酸菜" in r or "共享充电宝" in r:
                self.assertTrue(r.startswith(" "), r)   # not overdue: no mark
                self.assertIn("剩", r)
        # level then deadline: as the command lists them
        titles = [e["title"] for e in self.zs_json("expose", "list")]
        shown = [t for t in titles if any(t[:6] in r for r in rows)]
        self.assertEqual(shown, titles[:len(rows)])

    def check_log_newest_first(self, rows):
        newest = self.zs_json("log", "list", "--limit", str(len(rows)))
        self.assertEqual(len(newest), len(rows))
        for row, it in zip(rows, newest):
            self.assertEqual(row[1:6], it["received_at"][11:16], (row, it))
            subj = it["subject"] or "—"
            shown = row.split()[3] if not row[6:].lstrip().startswith("#") else row.split()[4]
            self.assertTrue(subj.startswith(shown.rstrip("…")), (row, it))

    def test_80x24_demo_night(self):
        t = self.console(80, 24)
        lines = t.wait_stable()
        self.assertEqual(len(lines), 24)
        self.check_header(lines, 80)
        b = self.check_counters(lines)
        self.check_board(lines, b)
        rows = log_rows(lines)
        self.assertGreaterEqual(len(rows), 8, lines)
        self.check_log_newest_first(rows)
        # on duty: leaders by unit
        d = find_line(lines, "正在值班")
        self.assertGreater(d, find_line(lines, "受理登记"))
        duty = "\n".join(lines[d + 1:23])
        leaders = [r for r in self.zs_json("roster", "list", "--now") if r["leader"]]
        self.assertTrue(leaders)
        self.assertIn(leaders[0]["name"], duty)
        self.assertIn(leaders[0]["mobile"], duty)
        self.assertTrue(lines[23].startswith("n 新登记"), lines[23])
        self.assertIn("? 帮助", lines[23])

    def test_80x24_columns_align_with_chinese(self):
        t = self.console(80, 24)
        rows = log_rows(t.wait_stable())
        self.assertGreaterEqual(len(rows), 8)
        # the "#N" column is as wide as the newest number and a space
        idw = len("#%d " % self.newest()["id"])
        status_cols, kind_cols = set(), set()
        for r in rows:
            m = re.search("(%s)$" % "|".join(STATUSES_ZH), r)
            self.assertTrue(m, r)
            status_cols.add(col_of(r, m.start()))
            k = re.search(r"(投诉|举报|咨询) ", r)
            kind_cols.add(col_of(r, k.start()))
            # the business column (14 wide after the kind) is followed by
            # one space and the summary starts right after it: no wide
            # character straddles a column boundary
            biz = 22 + idw
            self.assertEqual(slice_cols(r, biz + 14, biz + 15), " ", r)
            self.assertEqual(dwidth(slice_cols(r, 0, biz + 15)), biz + 15, r)
            self.assertEqual(dwidth(slice_cols(r, 0, biz)), biz, r)
            # a cut business name ends with an ellipsis
            subj = slice_cols(r, biz, biz + 14).rstrip()
            self.assertLessEqual(dwidth(subj), 14, r)
            self.assertLessEqual(dwidth(r), 80, r)
        self.assertEqual(status_cols, {71}, rows)
        self.assertEqual(kind_cols, {17 + idw}, rows)
        self.assertTrue(any(slice_cols(r, 22 + idw, 36 + idw).rstrip().endswith("…") for r in rows), rows)
        # the board's columns line up too
        brows = board_rows(t.capture())
        locals_ = set()
        for r in brows:
            m = re.search(r"(涉及\d+户|涉及|待查|不涉及) ", r)
            self.assertTrue(m, r)
            locals_.add(col_of(r, m.start()))
        self.assertEqual(len(locals_), 1, brows)

    def check_numbers(self, lines, width=None):
        """#N on every board row and every log row: the numbers `l` and `d` ask for."""
        exposures = {e["title"][:6]: e["id"] for e in self.zs_json("expose", "list")}
        brows = [slice_cols(r, 0, width) if width else r for r in board_rows(lines)]
        self.assertTrue(brows)
        for r in brows:
            m = re.match(r"^[ !*]#(\d+) ", r)
            self.assertTrue(m, r)
            title = [k for k in exposures if k in r]
            self.assertEqual(len(title), 1, r)
            self.assertEqual(int(m.group(1)), exposures[title[0]], r)
        rows = log_rows(lines, width)
        self.assertGreaterEqual(len(rows), 8)
        newest = self.zs_json("log", "list", "--limit", str(len(rows)))
        for r, it in zip(rows, newest):
            self.assertRegex(r, r"^[ +]\d\d:\d\d #%d " % it["id"])

    def test_numbers_on_board_and_log_rows(self):
        for w, h, part in ((80, 24, None), (100, 30, None), (160, 48, 123)):
            with self.subTest(size="%dx%d" % (w, h)):
                t = self.console(w, h)
                self.check_numbers(t.wait_stable(), part)
                # paged back: still numbered, the columns where they were
                t.keys("NPage")
                lines = t.wait_for("已向下翻阅")
                self.check_numbers_paged(lines, part)
                t.close()

    def test_board_shows_the_selected_exposures_latest_instruction(self):
        board = self.zs_json("board", "--format", "json")["exposures"]
        with_text = [e for e in board if e["last_instruction"]]
        self.assertTrue(with_text)
        for w, h in ((80, 24), (160, 48)):
            with self.subTest(size="%dx%d" % (w, h)):
                t = self.console(w, h)
                lines = t.wait_stable()
                first = board[0]
                want = ("#%d 最新批示：" % first["id"]) if first["last_instruction"] else ("#%d 还没有批示" % first["id"])
                self.assertIn(want, "\n".join(lines))
                # Another exposure picked on the board: its 批示 instead.
                other = next(i for i, e in enumerate(board) if e["last_instruction"] and i > 0)
                for _ in range(other):   # the board has the focus at start
                    t.keys("j")
                text = board[other]["last_instruction"][:10]
                lines = t.wait_for("#%d 最新批示：%s" % (board[other]["id"], text))
                t.close()

    def check_numbers_paged(self, lines, width):
        rows = log_rows(lines, width)
        self.assertTrue(rows)
        for r in rows:
            self.assertRegex(r, r"^[ +]\d\d:\d\d #\d+ +\S")

    def test_160x48_shows_more(self):
        small = self.console(80, 24)
        n_small = len(log_rows(small.wait_stable()))
        small.close()
        t = self.console(160, 48)
        lines = t.wait_stable()
        self.assertEqual(len(lines), 48)
        self.check_header(lines, 160)
        b = self.check_counters(lines)
        for code, n in b["by_channel"].items():
            if n:
                # every channel fits on the wide counters line
                self.assertRegex(lines[2], r"\S+ %d\b" % n)
        self.check_board([slice_cols(l, 0, 123) for l in lines], b)
        rows = log_rows(lines, 123)
        self.assertGreater(len(rows), n_small, "160x48 shows no more log rows than 80x24")
        self.assertGreaterEqual(len(rows), 30)
        self.check_log_newest_first(rows)
        self.assertTrue(all(re.match(r"^ \d\d:\d\d #\d+ ", r) for r in rows), rows)   # ids when wide
        # wide board: the lead unit column
        self.assertTrue(any("食品安全监管科" in r for r in board_rows(lines)))
        # right column: on duty, with cadres as well as leaders
        self.assertIn("正在值班", slice_cols(lines[3], 120))
        right = "\n".join(slice_cols(l, 124) for l in lines[4:47])
        now = self.zs_json("roster", "list", "--now")
        cadres = [r for r in now if not r["leader"]]
        self.assertTrue(cadres)
        self.assertIn(cadres[0]["name"], right)
        self.assertIn(cadres[0]["unit"], right)
        self.assertIn("带班 " + [r for r in now if r["leader"]][0]["name"], right)
        # status column aligned on the wide layout too
        cols = set()
        for r in rows:
            m = re.search("(%s)$" % "|".join(STATUSES_ZH), r)
            self.assertTrue(m, r)
            cols.add(col_of(r, m.start()))
        self.assertEqual(len(cols), 1, rows)

    def test_board_shows_from_the_top_after_the_window_grows(self):
        for k in range(3):          # more open exposures than 80x24 has rows for
            self.zs("expose", "add", "--title", "窗口测试曝光%d" % k, "--level", "4")
        titles = [e["title"] for e in self.zs_json("expose", "list")]
        t = self.console(80, 24)
        lines = t.wait_stable()
        shown = board_rows(lines)
        self.assertLess(len(shown), len(titles))
        for _ in titles:
            t.keys("Down")          # to the last one: the list scrolls
        lines = t.wait_until(lambda ls: any(titles[-1][:6] in r for r in board_rows(ls)), what="the last exposure")
        self.assertFalse(any(titles[0][:6] in r for r in board_rows(lines)))
        t.resize(160, 48)
        def grown(ls):
            rows = board_rows(ls) if len(ls) == 48 else []
            return len(rows) >= len(titles) and titles[0][:6] in rows[0] and titles[-1][:6] in rows[-1]
        lines = t.wait_until(grown, what="the grown board from the first exposure")   # a slow repaint too
        rows = board_rows(lines)
        self.assertEqual(len(rows), len(titles), "\n".join(lines))
        for title, row in zip(titles, rows):     # from the first on, every one, in order
            self.assertIn(title[:6], row)
        last = self.zs_json("expose", "list")[-1]["id"]
        self.assertTrue(any(re.match(r"^ #%d 还没有批示" % last, l) for l in lines))   # still the selected one

    def test_ambiguous_wide_setting_uses_ascii_lines(self):
        with open(os.path.join(self.env["XDG_CONFIG_HOME"], "zhishou", "zhishou.conf"), "w") as f:
            f.write("[display]\nambiguous_wide = true\n")
        t = self.console(80, 24)
        lines = t.wait_stable()
        self.assertTrue(lines[3].startswith("--"), lines[3])
        self.assertIn(" | ", lines[1])
        self.assertNotIn("│", "\n".join(lines))
        plain = t.capture(escapes=True)
        self.assertNotIn("\x0e", "\n".join(plain))   # no ACS line drawing either


class Form(ConsoleTest):
    def test_a_refused_save_puts_the_caret_on_the_field_to_fix(self):
        # Walking the night: the phone was refused on Ctrl-S and the caret
        # stayed in the summary, three Shift-Tabs away.
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记")
        t.keys("Tab")                      # 来电人 -> 来电号码
        t.type("1391234")
        t.keys("Tab", "Tab", "Tab")        # 被投诉主体, 信用代码, 内容摘要
        t.type("电话号码打错了")
        t.keys("C-s")
        lines = t.wait_for("来电号码")
        lines = t.wait_until(lambda ls: t.cursor()[1] == self.field_line(ls, "来电号码"), what="the caret on the phone")
        self.assertNotEqual(self.newest()["summary"], "电话号码打错了")   # nothing saved

    def test_received_time_typed_replaces_the_prefilled_one(self):
        # Found walking the night: typing 25:99 gave "2026-03-15 21:4025:99".
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记")
        for _ in range(4):
            t.keys("BTab")
        lines = t.wait_until(lambda ls: t.cursor()[1] == self.field_line(ls, "受理时间"), what="the time field")
        t.type("21:05")
        lines = t.wait_for("21:05")
        row = lines[self.field_line(lines, "受理时间")]
        self.assertRegex(row, r"受理时间 +21:05(\s|$)")
        self.assertNotIn("2026-03-15", row)

    def test_typing_a_chinese_intake(self):
        t = self.console(80, 24)
        t.keys("n")
        lines = t.wait_for("新登记：投诉 / 举报 / 咨询")
        at_row = self.field_line(lines, "受理时间")
        value_col = col_of(lines[at_row], lines[at_row].index("2026-03-15 21:4"))
        self.assertEqual(value_col, 12)
        self.assertIn("< 12315热线 >", lines[self.field_line(lines, "渠道")])
        self.assertIn("< 投诉 >", lines[self.field_line(lines, "类别")])
        # the caret starts in the caller field
        row = self.field_line(lines, "来电人")
        self.assertEqual(t.cursor(), (value_col, row))
        t.type("王先生")
        t.wait_for("王先生")
        self.assertEqual(t.cursor(), (value_col + 2 * 3, row))
        # arrows move a whole character: two columns over Chinese
        t.keys("Left")
        t.wait_until(lambda l: t.cursor() == (value_col + 2 * 2, row), what="caret one character left")
        t.keys("Right")
        t.wait_until(lambda l: t.cursor() == (value_col + 2 * 3, row), what="caret back at the end")
        t.keys("Tab")               # phone
        t.keys("Tab")               # business
        t.type("惠万家生鲜超市")
        lines = t.wait_for("惠万家生鲜超市")
        row = self.field_line(lines, "被投诉主体")
        self.assertEqual(t.cursor(), (value_col + 2 * 7, row))
        t.keys("Tab", "Tab")        # USCC, summary
        summary = "买到过期牛奶3盒，要求退款"
        t.type(summary)
        lines = t.wait_for(summary)
        row = self.field_line(lines, "内容摘要")
        self.assertEqual(t.cursor(), (value_col + dwidth(summary), row))
        t.keys("C-s")
        lines = t.wait_for("已登记 #")
        new_id = int(re.search(r"已登记 #(\d+)", "\n".join(lines)).group(1))
        it = self.newest()
        self.assertEqual(it["id"], new_id)
        self.assertEqual(it["summary"], summary)
        self.assertEqual(it["subject"], "惠万家生鲜超市")
        self.assertEqual(it["channel"], "12315-hotline")
        self.assertEqual(it["kind"], "complaint")
        self.assertEqual(it["status"], "new")
        self.assertEqual(self.zs_json("log", "show", str(new_id))["caller"], "王先生")
        # back on the dashboard, the new entry on top, marked as new
        rows = log_rows(t.wait_for("最新在上"))
        self.assertTrue(rows[0].startswith("+"), rows[0])
        self.assertIn("惠万家生鲜", rows[0])
        self.assertEqual(self.drafts(), [])

    def test_caret_follows_long_chinese_text(self):
        """The summary shows several rows at 80x24, wrapped by display
        columns: a long complaint is read back whole as it is typed, and the
        form still fits with its hint line."""
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab", "Tab", "Tab", "Tab")     # to the summary
        text = ("晚会曝光的老坛酸菜我在便民超市买过三袋，现在要求退款并赔偿损失。"
                "商家说是去年进的货，不肯退，还说我的小票看不清楚最后四个字")
        t.type(text)
        lines = t.wait_for("最后四个字")
        row = self.field_line(lines, "内容摘要")
        value = []
        for l in lines[row:]:
            if l[:12].strip() and l is not lines[row]:
                break
            value.append(slice_cols(l, 12, 12 + 38).rstrip())
        while value and not value[-1]:
            value.pop()                                      # the field's empty rows
        self.assertGreaterEqual(len(value), 3, "\n".join(lines))
        self.assertEqual("".join(value), text)              # all of it, the start too
        for v in value:
            self.assertLessEqual(dwidth(v), 37)              # wrapped in the field
        ref = self.field_line(lines, "工单号")
        self.assertEqual(ref, row + 5)                       # five rows at 24
        self.assertLess(self.field_line(lines, "关联曝光"), 23)
        self.assertTrue(lines[23].startswith("Tab/↓ 换栏"), lines[23])
        x, y = t.cursor()
        last = row + len(value) - 1
        self.assertEqual((x, y), (12 + dwidth(value[-1]), last))   # caret after the last character
        # two characters left: what is left of the caret is still the text up to there
        t.keys("Left", "Left")

        def moved(lines):
            x2, y2 = t.cursor()
            before = slice_cols(lines[last], 12, x2)
            return y2 == last and before == value[-1][:-2] and dwidth(before) == x2 - 12
        t.wait_until(moved, what="caret two characters left")

    def test_picking_channel_F2_last_channel_and_draft_keys(self):
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("BTab", "BTab", "BTab")          # caller -> category -> kind -> channel
        lines = t.wait_for("1 12315热线")        # the numbered short list beside the field
        t.keys("3")
        t.wait_for("< 8890转办 >")
        t.keys("Tab")
        t.keys("2")
        t.wait_for("< 举报 >")
        # kind -> category -> caller -> phone -> business -> USCC -> summary
        t.keys("Down", "C-n", "Tab", "Tab", "Tab", "Tab")
        lines = t.wait_until(lambda l: t.cursor()[1] == self.field_line(l, "内容摘要"), what="caret in the summary")
        t.type("举报虚假宣传")
        t.wait_for("举报虚假宣传")
        t.keys("F2")
        t.wait_for("已登记 #")
        it = self.newest()
        self.assertEqual((it["channel"], it["kind"], it["summary"]), ("8890", "tip", "举报虚假宣传"))
        # the next form starts on this operator's last channel
        t.keys("n")
        lines = t.wait_for("新登记：投诉")
        self.assertIn("< 8890转办 >", lines[self.field_line(lines, "渠道")])
        self.assertIn("< 投诉 >", lines[self.field_line(lines, "类别")])
        t.type("张")
        t.wait_for("张")
        # Esc leaves the form and keeps the draft; X discards it
        t.keys("Escape")
        t.wait_for("草稿已保留")
        self.assertEqual(len(self.drafts()), 1)
        # X asks first, naming the draft; n keeps it, y discards it
        t.keys("X")
        lines = t.wait_for("丢弃草稿「摘要未填」（来电人 张）？丢弃后不能恢复 y/n")
        t.keys("n")
        t.wait_for("草稿已保留")
        self.assertEqual(len(self.drafts()), 1)
        t.keys("X")
        t.wait_for("丢弃草稿「摘要未填」")
        t.keys("y")
        t.wait_for("已丢弃草稿")
        self.assertEqual(self.drafts(), [])
        t.keys("X")
        t.wait_for("没有可丢弃的草稿")
        t.keys("n")
        lines = t.wait_for("新登记：投诉")
        self.assertNotIn("张", lines[self.field_line(lines, "来电人")])

    def test_every_channel_shown_and_picked_by_digits_at_80_columns(self):
        with open(os.path.join(SOURCE_ROOT, "src", "core", "codes.c"), encoding="utf-8") as f:
            src = f.read()
        body = re.search(r"code_label channels\[\] = \{(.*?)\n\};", src, re.S).group(1)
        channels = re.findall(r'\{ "([^"]+)", "([^"]+)", "[^"]+" \}', body)
        self.assertGreater(len(channels), 10)
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("BTab", "BTab", "BTab")          # caller -> category -> kind -> channel
        last = "%d %s" % (len(channels), channels[-1][1])
        lines = t.wait_for(last)
        screen = "\n".join(lines)
        for k, (code, zh) in enumerate(channels):
            self.assertIn("%d %s" % (k + 1, zh), screen)   # every one, numbered, none cut
        self.assertNotIn("…", screen)
        self.assertTrue(lines[23].startswith("Tab/↓ 换栏"), lines[23])
        t.keys("1", "0")                        # two digits: the 10th
        t.wait_for("< %s >" % channels[9][1])
        t.keys("5")                             # a while later: one digit again
        t.wait_for("< %s >" % channels[4][1])
        time.sleep(1.6)
        t.keys("1", "1")
        t.wait_for("< %s >" % channels[10][1])
        t.keys("Tab")
        t.wait_gone(last)                       # the list goes with the focus
        t.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab")   # to the summary
        t.type("渠道测试")
        t.wait_for("渠道测试")
        t.keys("C-s")
        t.wait_for("已登记 #")
        self.assertEqual(self.newest()["channel"], channels[10][0])

    def test_unknown_key_sequence_does_not_leave_the_form(self):
        """Home as PuTTY and tmux send it (ESC [ 1 ~), which xterm's terminfo
        does not know: it must not count as Esc and throw the operator out of
        the form, nor type "[1~" anywhere."""
        t = self.console(80, 24, term="xterm-256color")
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.type("王先生")
        t.wait_for("王先生")
        t.tmux("send-keys", "-t", "zs", "-H", "1b", "5b", "31", "7e")     # Home (PuTTY, tmux)
        t.tmux("send-keys", "-t", "zs", "-H", "1b", "5b", "34", "7e")     # End
        time.sleep(0.3)
        lines = t.capture()
        self.assertIn("新登记：投诉", lines[0], "an unknown key sequence left the form")
        self.assertNotIn("[1~", "\n".join(lines))
        self.assertEqual(slice_cols(lines[self.field_line(lines, "来电人")], 12).strip(), "王先生")

    def test_bad_phone_and_uscc_messages_beside_the_field(self):
        last = self.newest()["id"]
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab")
        t.type("1390000")
        lines = t.wait_for("应为11位手机")
        row = self.field_line(lines, "来电号码")
        self.assertIn("应为11位手机或区号+号码", lines[row])
        self.assertGreaterEqual(col_of(lines[row], lines[row].index("应为")), 12 + 38)
        self.assertLessEqual(dwidth(lines[row].rstrip()), 80)   # fits at 80 columns
        t.type("1111")
        lines = t.wait_gone("应为11位手机")
        self.assertIn("13900001111", lines[row])
        # a landline with area code is fine, letters are not
        t.keys("C-u")
        t.type("abc")
        t.wait_for("应为11位手机")
        t.keys("C-u")
        t.type("022-27301153")
        t.wait_gone("应为11位手机")
        # USCC: judged once complete; the right check character is named
        t.keys("Tab", "Tab")
        t.type("91350100M000100Y4")
        time.sleep(0.2)
        self.assertNotIn("校验位", t.text())
        t.type("4")
        lines = t.wait_for("校验位应为 3")
        self.assertIn("校验位应为 3", lines[self.field_line(lines, "信用代码")])
        t.keys("BSpace")
        t.type("3")
        t.wait_gone("校验位应为")
        # the summary is required: saving without it is refused, form stays
        lines = t.capture()
        self.assertIn("必填", lines[self.field_line(lines, "内容摘要")])
        t.keys("C-s")
        time.sleep(0.3)
        lines = t.capture()
        self.assertIn("新登记：投诉", lines[0])     # still in the form
        self.assertIn("摘要", lines[-2])               # with the reason above the hint line
        self.assertEqual(self.newest()["id"], last)

    def test_duplicate_warning_and_exposure_suggestion(self):
        earlier = self.log_add("昨天来电反映酸菜有异味", phone="13900001111", subject="便民超市")
        xin = [e for e in self.zs_json("expose", "list", "--all")
               if "鑫旺食品有限公司" in self.zs_json("expose", "show", str(e["id"]))["companies"]]
        self.assertTrue(xin, "the demo night links 鑫旺食品有限公司 to an exposure")
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab")
        t.type("13900001111")
        lines = t.wait_for("可能重复")
        self.assertIn("! 可能重复：第 %d 件" % earlier, "\n".join(lines))
        t.keys("Tab")
        t.type("鑫旺食品有限公司")
        lines = t.wait_for("建议关联曝光问题")
        text = "\n".join(lines)
        sid = int(re.search(r"建议关联曝光问题 #(\d+)", text).group(1))
        self.assertIn(sid, [e["id"] for e in xin])
        self.assertIn("Ctrl-E", text)
        row = self.field_line(lines, "关联曝光")
        self.assertEqual(slice_cols(lines[row], 12).strip(), "")
        t.keys("C-e")
        # the number, and beside it the exposure's title (walking the night
        # it showed 1 alone)
        title = [e["title"] for e in xin if e["id"] == sid][0]
        t.wait_until(lambda l: slice_cols(l[row], 12).split()[:1] == [str(sid)] and title[:6] in l[row],
                     what="exposure field = %d with its title" % sid)
        t.keys("Tab", "Tab")
        t.type("看了晚会，买的酸菜就是这家的")
        t.wait_for("这家的")
        t.keys("C-s")
        lines = t.wait_for("已登记 #")
        new_id = int(re.search(r"已登记 #(\d+)", "\n".join(lines)).group(1))
        it = self.zs_json("log", "show", str(new_id))
        self.assertEqual(it["exposure_id"], sid)
        self.assertEqual(it["phone"], "13900001111")
        self.assertEqual(it["subject"], "鑫旺食品有限公司")

    def test_a_callers_earlier_intakes_show_under_the_phone(self):
        self.log_add("第一次来电：烧烤收费不明", phone="13700004321", subject="老王烧烤")
        last = self.log_add("第二次来电：还是没处理", phone="13700004321", subject="老王烧烤")
        self.zs("log", "update", str(last), "--status", "accepted")
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab")
        t.type("1370000432")                # not whole yet: nothing said
        lines = t.wait_for("1370000432")
        self.assertNotIn("此号码之前来过", "\n".join(lines))
        t.type("1")
        lines = t.wait_for("此号码之前来过")
        row = self.field_line(lines, "来电号码")
        # one line right under the phone: how many, the last one's #N, time, status
        self.assertRegex(lines[row + 1].strip(), r"^此号码之前来过 2 次，最近 #%d \d\d-\d\d \d\d:\d\d 已受理 老王烧烤" % last)
        self.assertEqual(self.field_line(lines, "被投诉主体"), row + 2)
        # another number that never called: the line goes
        t.keys("BSpace")
        t.type("9")
        t.wait_gone("此号码之前来过")
        self.assertIn("13700004329", t.text())

    def test_typing_not_blocked_by_a_long_write_elsewhere(self):
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab", "Tab", "Tab", "Tab")
        if zs.PG:
            # PostgreSQL's writers queue on the audit head's row (pg.c).
            con = zs.pg_hold(self.db, "BEGIN; SELECT 1 FROM setting WHERE key = 'audit_head' FOR UPDATE; "
                                      "UPDATE intake SET notes = notes WHERE id = 1")
        else:
            con = sqlite3.connect(self.db, timeout=5, isolation_level=None)
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE intake SET notes = notes WHERE id = 1")
        try:
            for word in ("数据库", "正忙", "照样打字"):
                start = time.monotonic()
                t.type(word)
                t.wait_for(word, timeout=2)
                self.assertLess(time.monotonic() - start, 0.5, "typing froze during a write elsewhere")
        finally:
            if zs.PG:
                con.communicate("ROLLBACK;\n")
            else:
                con.execute("ROLLBACK")
                con.close()


class Draft(ConsoleTest):
    def test_draft_survives_a_killed_console(self):
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.type("李女士")
        t.keys("Tab", "Tab", "Tab", "Tab")
        t.type("草稿里的投诉内容")
        t.wait_for("草稿里的投诉内容")
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            d = self.drafts()
            if d:
                with open(d[0], encoding="utf-8") as f:
                    if "草稿里的投诉内容" in f.read():
                        break
            time.sleep(0.02)
        else:
            self.fail("no draft on disk: %s" % (os.listdir(self.state) if os.path.isdir(self.state) else "no state dir"))
        self.assertEqual(os.stat(d[0]).st_mode & 0o077, 0, "the draft is readable by others")
        os.kill(t.pid(), 9)
        t.wait_dead()
        t.close()
        t2 = self.console(80, 24, wait=False)
        t2.wait_for("发现上次未保存的登记草稿")
        t2.keys("n")
        lines = t2.wait_for("草稿里的投诉内容")
        self.assertIn("李女士", lines[self.field_line(lines, "来电人")])
        self.assertIn("已恢复未保存的草稿", "\n".join(lines))
        row = self.field_line(lines, "内容摘要")
        self.assertEqual(t2.cursor(), (12 + dwidth("草稿里的投诉内容"), row))   # caret where it was
        t2.keys("C-s")
        t2.wait_for("已登记 #")
        self.assertEqual(self.drafts(), [])
        it = self.newest()
        self.assertEqual(it["summary"], "草稿里的投诉内容")

    def test_draft_of_a_saved_intake_is_not_offered_or_logged_again(self):
        """A console killed between the save's commit and removing the draft
        leaves a draft that was saved: the next console says which intake it
        became and removes it; saving such a draft again is refused."""
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab", "Tab", "Tab", "Tab")
        t.type("保存后被杀的草稿")
        t.wait_for("保存后被杀的草稿")
        self.assertEqual(len(self.drafts()), 1)
        dpath = self.drafts()[0]
        with open(dpath, encoding="utf-8") as f:
            left = f.read()
        self.assertRegex(json.loads(left)["token"], r"^[0-9a-f]{32}$")
        t.keys("C-s")
        t.wait_for("已登记 #")
        new_id = self.newest()["id"]
        t.keys("q")
        t.wait_dead()
        t.close()
        # the kill's leftover: the draft as it was just before the save
        self.assertEqual(self.drafts(), [])
        with open(dpath, "w", encoding="utf-8") as f:
            f.write(left)
        t2 = self.console(80, 24, wait=False)
        t2.wait_for("上次的草稿已登记为 #%d" % new_id)
        self.assertNotIn("发现上次未保存", t2.text())
        self.assertEqual(self.drafts(), [])
        # The same leftover appearing after this console started (so not
        # removed at start): n takes it up, and saving it again is refused.
        with open(dpath, "w", encoding="utf-8") as f:
            f.write(left)
        t2.keys("n")
        t2.wait_for("保存后被杀的草稿")
        t2.keys("C-s")
        t2.wait_for("这份草稿已登记为 #%d，没有重复登记" % new_id)
        t2.wait_for("晚会曝光问题")          # the form closed: nothing left to keep
        self.assertEqual(self.newest()["id"], new_id)
        self.assertEqual(self.drafts(), [])

    def draft_texts(self):
        out = []
        for d in self.drafts():
            with open(d, encoding="utf-8") as f:
                out.append(json.load(f)["text"])
        return sorted(out)

    def start_draft(self, t, text):
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab", "Tab", "Tab", "Tab")
        t.type(text)
        t.wait_for(text)
        deadline = time.monotonic() + 2
        while text not in self.draft_texts() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertIn(text, self.draft_texts())

    def test_two_consoles_of_one_user_keep_their_own_drafts(self):
        a = self.console(80, 24)
        self.start_draft(a, "甲台的草稿")
        b = self.console(80, 24, wait=False)
        b.wait_for("晚会曝光问题")
        time.sleep(0.2)
        self.assertNotIn("发现上次未保存", b.text())      # a's draft is a's
        b.keys("n")
        lines = b.wait_for("新登记：投诉")
        self.assertNotIn("甲台的草稿", "\n".join(lines))
        b.keys("Tab", "Tab", "Tab", "Tab")
        b.type("乙台的草稿")
        b.wait_for("乙台的草稿")
        b.keys("Escape")
        b.wait_for("草稿已保留")
        self.assertEqual(self.draft_texts(), ["乙台的草稿", "甲台的草稿"])
        b.keys("X")                                     # b discards its own only
        b.wait_for("丢弃草稿「乙台的草稿」")
        b.keys("y")
        b.wait_for("已丢弃草稿")
        self.assertEqual(self.draft_texts(), ["甲台的草稿"])
        b.keys("X")                                     # a's lives: not b's to discard
        b.wait_for("没有可丢弃的草稿")
        self.assertEqual(self.draft_texts(), ["甲台的草稿"])
        a.keys("C-s")
        a.wait_for("已登记 #")
        self.assertEqual(self.newest()["summary"], "甲台的草稿")
        self.assertEqual(self.drafts(), [])

    def kill(self, t):
        os.kill(t.pid(), 9)
        t.wait_dead()
        t.close()

    def test_a_killed_consoles_draft_goes_to_the_next_console_only(self):
        live = self.console(80, 24)
        self.start_draft(live, "活着的台的草稿")
        dead = self.console(80, 24)
        self.start_draft(dead, "被杀的台的草稿")
        self.kill(dead)
        nxt = self.console(80, 24, wait=False)
        nxt.wait_for("发现上次未保存的登记草稿：按 n 继续编辑")
        nxt.keys("n")
        lines = nxt.wait_for("被杀的台的草稿")
        self.assertIn("已恢复未保存的草稿", "\n".join(lines))
        self.assertNotIn("活着的台的草稿", "\n".join(lines))
        nxt.keys("C-s")
        nxt.wait_for("已登记 #")
        self.assertEqual(self.draft_texts(), ["活着的台的草稿"])
        # the living console's draft is still its own
        live.keys("C-s")
        live.wait_for("已登记 #")
        self.assertEqual(self.newest()["summary"], "活着的台的草稿")

    def test_a_draft_offered_to_one_console_is_not_taken_by_another(self):
        """A dead console's draft offered to console A is A's: console B of
        the same user, started while A lives, is not offered it and can
        neither continue nor discard it; when A ends without taking it up,
        the next console is offered it."""
        dead = self.console(80, 24)
        self.start_draft(dead, "被杀的台的草稿")
        self.kill(dead)
        a = self.console(80, 24, wait=False)
        a.wait_for("发现上次未保存的登记草稿：按 n 继续编辑")
        b = self.console(80, 24, wait=False)
        b.wait_for("晚会曝光问题")
        time.sleep(0.3)
        self.assertNotIn("发现上次未保存", b.text())
        b.keys("X")
        b.wait_for("没有可丢弃的草稿")
        b.keys("n")
        lines = b.wait_for("新登记：投诉")
        self.assertNotIn("被杀的台的草稿", "\n".join(lines))
        self.assertNotIn("已恢复未保存的草稿", "\n".join(lines))
        b.keys("Escape")
        b.wait_for("晚会曝光问题")
        self.assertEqual(self.draft_texts(), ["被杀的台的草稿"])
        # A leaves without taking it up: it passes on, not lost
        a.keys("q")
        a.wait_for("仍要退出吗")
        a.keys("y")
        a.wait_dead()
        c = self.console(80, 24, wait=False)
        c.wait_for("发现上次未保存的登记草稿：按 n 继续编辑")
        c.keys("X")
        c.wait_for("丢弃草稿「被杀的台的草稿」")
        c.keys("y")
        c.wait_for("已丢弃草稿")
        self.assertEqual(self.drafts(), [])

    def test_two_killed_consoles_drafts_are_both_offered(self):
        first = self.console(80, 24)
        self.start_draft(first, "第一台的草稿")
        time.sleep(1.1)                                 # older by its mtime
        second = self.console(80, 24)
        self.start_draft(second, "第二台的草稿")
        self.kill(first)
        self.kill(second)
        t = self.console(80, 24, wait=False)
        t.wait_for("发现上次未保存的登记草稿 2 份")
        t.keys("n")
        t.wait_for("第一台的草稿")
        t.keys("C-s")
        t.wait_for("还有 1 份未保存的草稿：按 n 继续")
        t.keys("n")
        t.wait_for("第二台的草稿")
        t.keys("C-s")
        lines = t.wait_for("已登记 #")
        self.assertNotIn("还有", lines[-2])
        got = [i["summary"] for i in self.zs_json("log", "list", "--limit", "2")]
        self.assertEqual(got, ["第二台的草稿", "第一台的草稿"])
        self.assertEqual(self.drafts(), [])

    @zs.sqlite_only("file paths: a relative and an absolute path to one file")
    def test_draft_found_by_the_databases_real_path(self):
        """--db night.db in its directory and --db /abs/night.db are one database."""
        import shlex
        cmd = "cd %s && exec %s --db night.db" % (shlex.quote(self.dir), shlex.quote(BIN))
        rel = tmuxdrv.Term(["/bin/sh", "-c", cmd], dict(self.env, TERM="xterm-256color"), 80, 24, workdir=self.dir)
        self.addCleanup(rel.close)
        rel.wait_for("晚会曝光问题")
        self.start_draft(rel, "相对路径的草稿")
        self.kill(rel)
        t = self.console(80, 24, wait=False)           # --db with the absolute path
        t.wait_for("发现上次未保存的登记草稿")
        t.keys("n")
        t.wait_for("相对路径的草稿")

    def test_draft_survives_the_terminal_going_away(self):
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab", "Tab", "Tab", "Tab")
        t.type("断线前打的字")
        t.wait_for("断线前打的字")
        pid = t.pid()
        t.kill_server()               # the terminal closes: SIGHUP
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        else:
            self.fail("the console kept running after its terminal went away")
        self.assertEqual(len(self.drafts()), 1)
        t2 = self.console(80, 24, wait=False)
        t2.wait_for("发现上次未保存的登记草稿")
        t2.keys("n")
        t2.wait_for("断线前打的字")


class Live(ConsoleTest):
    def test_command_entry_appears_in_two_consoles(self):
        a = self.console(80, 24)
        b = self.console(160, 48)
        a.wait_stable(quiet=0.2)
        self.log_add("两台值守台同时看到这一条", subject="同步测试商店")
        start = time.monotonic()
        seen = {}
        while len(seen) < 2 and time.monotonic() - start < 3:
            for name, term in (("a", a), ("b", b)):
                if name not in seen and "两台值守台同时看到" in term.text():
                    seen[name] = time.monotonic() - start
            time.sleep(0.02)
        self.assertEqual(set(seen), {"a", "b"}, "the new entry did not appear in both consoles")
        self.assertLess(max(seen.values()), 1.0, seen)
        for term, w in ((a, None), (b, 123)):
            rows = log_rows(term.capture(), w)
            self.assertIn("两台值守台同时看到", rows[0])
            self.assertTrue(rows[0].startswith("+"), rows[0])
        # the counters follow too
        self.assertIn("受理 %d：" % self.zs_json("board")["counts"]["total"], a.capture()[1])

    def test_a_commit_wakes_the_console_without_polling(self):
        # The console sleeps until the database's -wal is written (inotify),
        # not on a 150 ms poll: idle, it wakes about twice a second (the
        # clock, the slow fallback poll), and another process's commit is
        # on screen at once, far inside the fallback's 1 s.
        t = self.console(80, 24)
        t.wait_stable(quiet=0.2)
        pid = t.pid()

        def switches():
            with open("/proc/%d/status" % pid) as f:
                return int([l for l in f if l.startswith("voluntary_ctxt_switches")][0].split()[1])
        a = switches()
        time.sleep(3)
        woke = switches() - a
        self.assertLess(woke, 12, "the idle console woke %d times in 3 s (a 150 ms poll wakes 20)" % woke)
        delays = []
        for i in range(5):
            time.sleep(0.3)
            tok = "唤醒测试%d" % i
            self.log_add(tok)
            start = time.monotonic()
            t.wait_for(tok, timeout=3)
            delays.append(time.monotonic() - start)
        self.assertLess(max(delays), 0.3, ["%.0f ms" % (d * 1000) for d in delays])

    def test_new_entries_do_not_move_what_is_being_read(self):
        t = self.console(80, 24)
        t.wait_stable(quiet=0.2)
        first = log_rows(t.capture())
        t.keys("NPage")
        lines = t.wait_for("已向下翻阅")
        reading = log_rows(lines)
        self.assertNotEqual(reading[0], first[0])
        self.assertLess(reading[0][1:6], first[-1][1:6] + "~")   # older rows
        self.log_add("翻阅时新来的第一条")
        lines = t.wait_for("上方有 1 条新登记", timeout=2)
        self.assertEqual(log_rows(lines), reading)
        self.assertNotIn("翻阅时新来的", "\n".join(lines))
        self.log_add("翻阅时新来的第二条")
        lines = t.wait_for("上方有 2 条新登记", timeout=2)
        self.assertEqual(log_rows(lines), reading)
        t.keys(" ")                   # a page further back: still counted
        lines = t.wait_until(lambda l: log_rows(l) != reading, what="next page")
        self.assertIn("上方有 2 条新登记", "\n".join(lines))
        t.keys("g")
        lines = t.wait_for("最新在上")
        rows = log_rows(lines)
        self.assertIn("翻阅时新来的第二条", rows[0])
        self.assertIn("翻阅时新来的第一条", rows[1])
        self.assertNotIn("上方有", "\n".join(lines))

    def test_scrolled_back_refresh_is_not_a_failure(self):
        # Scrolled back, each refresh also asks for the newest intake and
        # stops after one row; that stop was once taken for a failure and
        # the console said "刷新失败……内存不足" on every refresh.
        t = self.console(80, 24)
        t.wait_stable(quiet=0.2)
        t.keys("NPage")
        t.wait_for("已向下翻阅")
        self.log_add("翻阅时来的一条")
        lines = t.wait_for("上方有 1 条新登记", timeout=2)
        t.wait_stable(quiet=0.5)
        screen = "\n".join(t.capture())
        self.assertNotIn("刷新失败", screen)
        self.assertNotIn("内存不足", screen)
        t.keys("g")
        lines = t.wait_for("最新在上")
        self.assertIn("翻阅时来的一条", log_rows(lines)[0])
        self.assertNotIn("刷新失败", "\n".join(lines))

    def test_fresh_mark_goes_away(self):
        t = self.console(80, 24)
        self.log_add("过几秒就不再标新")
        lines = t.wait_for("过几秒就不再标新", timeout=2)
        self.assertTrue(log_rows(lines)[0].startswith("+"))
        t.wait_until(lambda l: log_rows(l)[0].startswith(" "), timeout=12, what="the + mark to go")


@unittest.skipUnless(zs.PG, "a server's connection lost under the console (PostgreSQL)")
class LostConnection(ConsoleTest):
    """The answer to a save lost after the server committed it (a proxy,
    tests/pg/lossproxy.py, cuts the connection there): the console says so,
    keeps what was typed, reconnects, and the save's token finds the row
    already made: one row, never two."""

    def through_proxy(self):
        sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pg"))
        from lossproxy import LossProxy
        sock = zs.pg_cluster().sock
        proxy = LossProxy(sock)
        self.addCleanup(proxy.close)
        direct = self.db
        self.db = direct.replace("host=%s" % sock, "host=%s" % proxy.dir)
        self.assertNotEqual(self.db, direct)
        t = self.console(80, 24)
        self.db = direct
        return proxy, t

    def count(self, sql, *args):
        return self.query(sql, *args)[0][0]

    def test_an_exposure_whose_answer_was_lost_is_logged_once(self):
        proxy, t = self.through_proxy()
        t.keys("e")
        t.wait_for("曝光问题标题")
        t.type("断线时登记的曝光")
        t.wait_for("断线时登记的曝光")
        proxy.arm(b"INSERT INTO audit")
        t.keys("Enter")
        lines = t.wait_for("未确认是否已存上", timeout=10)
        self.assertEqual(proxy.cut, 1)
        # Committed on the server; the title offered again on the prompt.
        self.assertEqual(self.count("SELECT count(*) FROM exposure WHERE title = ?", "断线时登记的曝光"), 1)
        self.assertTrue(any("未确认是否已存上" in l and "断线时登记的曝光" in l for l in lines), "\n".join(lines))
        t.keys("Enter")
        lines = t.wait_for("已登记曝光问题 #", timeout=10)
        shown = int(re.search(r"已登记曝光问题 #(\d+)", "\n".join(lines)).group(1))
        self.assertEqual(self.query("SELECT id FROM exposure WHERE title = ?", "断线时登记的曝光"), [(shown,)])

    def test_an_intake_whose_answer_was_lost_is_logged_once(self):
        proxy, t = self.through_proxy()
        t.keys("n")
        t.wait_for("新登记：投诉 / 举报 / 咨询")
        t.keys("Tab", "Tab", "Tab", "Tab")     # phone, business, USCC, summary
        t.type("断线时登记的投诉")
        t.wait_for("断线时登记的投诉")
        proxy.arm(b"INSERT INTO audit")
        t.keys("C-s")
        # The form resumes its save once the database is back, by the
        # draft's token: logged once, under the id the console shows.
        lines = t.wait_for("已登记 #", timeout=15)
        self.assertEqual(proxy.cut, 1)
        shown = int(re.search(r"已登记 #(\d+)", "\n".join(lines)).group(1))
        self.assertEqual(self.query("SELECT id FROM intake WHERE summary = ?", "断线时登记的投诉"), [(shown,)])
        self.assertEqual(self.drafts(), [])


class Compact(ConsoleTest):
    """Below 80x24 (a leader on a phone's SSH app) the console shows a
    compact, live board instead of refusing; only forms ask for room."""

    def check_screen_fits(self, lines, w, h):
        self.assertEqual(len(lines), h)
        for l in lines:
            # nothing wider than the window, nothing cut mid-character
            self.assertLessEqual(dwidth(l), w, l)
            self.assertNotIn("\ufffd", l)

    def compact(self, w, h):
        t = self.console(w, h, wait=False)
        t.wait_for("曝光问题 未结")
        return t

    def exposure_rows(self, lines):
        """{id: (first line, second line)} of the exposures shown."""
        out = {}
        for i, l in enumerate(lines[:-2]):
            m = re.match(r"^[ !*]#(\d+) ", l)
            if m:
                out[int(m.group(1))] = (l, lines[i + 1])
        return out

    def test_compact_board_at_50x20_and_40x15(self):
        # one exposure due within the warning hour: yellow and "*"
        board = self.zs_json("board")
        soon = board["exposures"][-1]
        day = board["now"][:10]
        self.zs("expose", "update", str(soon["id"]), "--deadline", day + " 22:20")
        board = self.zs_json("board")
        levels = {1: "特别重大", 2: "重大", 3: "较大", 4: "一般"}
        for w, h in ((50, 20), (40, 15)):
            with self.subTest(size="%dx%d" % (w, h)):
                t = self.compact(w, h)
                lines = t.wait_stable()
                self.check_screen_fits(lines, w, h)
                self.assertNotIn("窗口太小", "\n".join(lines))
                self.assertTrue(lines[0].startswith(" 值守台 21:4"), lines[0])
                c = board["counts"]
                counters = " ".join(lines[1:4])
                self.assertIn("受理 %d" % c["total"], counters)
                self.assertIn("未结 %d" % c["unresolved"], counters)
                # the opinion watch: open ones, and the 重大 among them
                ops = board["opinions"]
                self.assertIn("舆情 %d" % ops["open"], counters)
                self.assertIn("重大舆情 %d" % len(ops["major"]), counters)
                self.assertIn("曝光问题 未结 %d 超时 %d" % (len(board["exposures"]), c["exposures_overdue"]),
                              "\n".join(lines))
                shown = self.exposure_rows(lines)
                self.assertGreaterEqual(len(shown), 4 if h >= 20 else 3, lines)
                # in the board's order: by level, then deadline
                self.assertEqual(list(shown), [e["id"] for e in board["exposures"]][:len(shown)])
                esc = t.capture(escapes=True)
                for e in board["exposures"]:
                    if e["id"] not in shown:
                        continue
                    first, second = shown[e["id"]]
                    self.assertIn(levels[e["level"]], first)
                    self.assertIn(e["title"][:4], first)
                    mark = {"overdue": "!", "soon": "*"}.get(e["due"], " ")
                    self.assertEqual(first[0], mark, (e, first))
                    self.assertRegex(second, r"^  (超时|剩)\d")
                    if e["due"] == "overdue":
                        self.assertTrue(second.startswith("  超时"), second)
                    if e["last_instruction"]:
                        self.assertIn("批示：" + e["last_instruction"][:3], second)
                    else:
                        self.assertIn("尚无批示", second)
                    # colour as well as the mark (the first row is selected: reversed)
                    k = lines.index(first)
                    if k != lines.index(list(shown.values())[0][0]):
                        want = {"overdue": 31, "soon": 33}.get(e["due"])
                        if want:
                            self.assertIn(want, sgr_params(esc[k]), (e["due"], esc[k]))
                self.assertTrue(any(e["due"] == "soon" for e in board["exposures"] if e["id"] in shown))
                self.assertTrue(lines[-1].startswith("Enter 详情"), lines[-1])
                t.close()

    def test_enter_opens_the_exposure_pager_and_forms_ask_for_room(self):
        t = self.compact(50, 20)
        board = self.zs_json("board")
        second = board["exposures"][1]
        t.keys("j")
        t.keys("Enter")
        lines = t.wait_for("曝光问题 #%d" % second["id"])
        self.check_screen_fits(lines, 50, 20)
        self.assertIn(second["title"][:6], "\n".join(lines))
        t.keys("Escape")
        t.wait_for("曝光问题 未结")
        # forms need the room: n and e say so, nothing opens
        for k in ("n", "e"):
            t.keys(k)
            lines = t.wait_for("需要至少 80×24")
            self.assertNotIn("新登记：", "\n".join(lines))
            self.assertNotIn("曝光问题标题", "\n".join(lines))
        # a form open when the window shrinks asks for room, keeps the text
        t.resize(80, 24)
        t.wait_for("受理登记")
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.type("王先生")
        t.wait_for("王先生")
        t.resize(50, 20)
        lines = t.wait_for("窗口太小")
        self.assertIn("50×20", "".join(lines))
        t.type("x")                     # nothing is typed blind
        t.resize(80, 24)
        lines = t.wait_for("新登记：投诉")
        self.assertIn("王先生", "\n".join(lines))
        self.assertNotIn("王先生x", "\n".join(lines))
        t.resize(50, 20)
        t.wait_for("窗口太小")
        t.keys("Escape")                # back to the board, the draft kept
        t.wait_for("曝光问题 未结")
        self.assertTrue(self.drafts())
        t.keys("q")
        t.wait_for("有未保存的登记草稿")

    def test_compact_board_is_live(self):
        t = self.compact(50, 20)
        board = self.zs_json("board")
        first = board["exposures"][0]
        self.log_add("小窗口也看得到新来的")
        t.wait_for("受理 %d" % (board["counts"]["total"] + 1), timeout=2)
        self.zs("expose", "instruct", str(first["id"]), "--text", "立即核查并回报进展")
        lines = t.wait_for("批示：立即核查", timeout=2)
        self.assertEqual(self.exposure_rows(lines)[first["id"]][1].split("批示：")[1][:4], "立即核查")
        # back to 80x24: the full board, numbers and all
        t.resize(80, 24)
        lines = t.wait_for("受理登记")
        self.assertTrue(any(l.startswith(" #%d " % first["id"]) or l.startswith("!#%d " % first["id"]) for l in lines))


class Terminal(ConsoleTest):
    def refused(self, env):
        # Through sh, which prints the status (tmux does not always get the
        # status of a program that exits at once).
        argv = ["/bin/sh", "-c", '"$0" --db "$1"; echo "exit=$?"', BIN, self.db]
        t = tmuxdrv.Term(argv, env, 80, 24, workdir=self.dir)
        self.addCleanup(t.close)
        # The message wraps at 80 columns; tmux's "Pane is dead" below it
        # may scroll its first line into the history, so read that too.
        deadline = time.monotonic() + 10
        text = ""
        while "exit=" not in text and time.monotonic() < deadline:
            time.sleep(0.05)
            text = t.tmux("capture-pane", "-p", "-t", "zs", "-S", "-50").replace("\n", "")
        self.assertIn("exit=2", text)
        return text

    def test_dumb_or_no_terminal_is_refused_in_words(self):
        text = self.refused(dict(self.env, TERM="dumb"))
        self.assertIn("终端类型 dumb 画不了界面", text)
        self.assertIn("zhishou board", text)
        self.assertNotIn("Error opening terminal", text)
        env = dict(self.env)
        env.pop("TERM", None)
        text = self.refused(env)
        self.assertIn("没有设置 TERM", text)

    def test_unknown_term_falls_back_with_a_note(self):
        # Like xterm-kitty on a plain Debian server (a name no terminfo
        # has, so that installing ncurses-term does not change the test).
        t = self.console(term="xterm-kitty-zhishou-test", wait=False)
        lines = t.wait_for("本机没有终端类型 xterm-kitty-zhishou-test 的描述，改用 xterm-256color 显示")
        self.assertIn("晚会曝光问题", "\n".join(lines))
        t.keys("r")
        t.wait_for("值班表")
        self.assertFalse(t.dead())

    def test_resize_storm(self):
        t = self.console(80, 24)
        sizes = [(200, 60), (60, 20), (80, 24), (120, 40), (81, 23), (79, 25), (160, 48), (80, 24)]
        for _ in range(6):
            for w, h in sizes:
                t.resize(w, h)
            # Each j once the storm's last size (80x24, the full board) is
            # drawn: a j that lands while a compact board is up moves that
            # board's selection instead (under load it did), and the
            # comparison with a fresh console below would then be off.
            t.wait_until(lambda l: len(l) == 24 and "晚会曝光问题" in "\n".join(l), what="80x24 after a storm")
            t.keys("j")
        self.assertFalse(t.dead(), "the console died in the resize storm")
        t.resize(60, 20)
        # Frames from the storm may still be on screen for a moment; what
        # matters is that the last size is the one drawn: below 80x24 the
        # compact board.
        lines = t.wait_for("曝光问题 未结")
        self.assertNotIn("窗口太小", "\n".join(lines))
        self.assertNotIn("受理登记", "\n".join(lines))
        self.assertTrue(all(dwidth(l) <= 60 for l in lines), lines)
        t.resize(80, 23)
        t.wait_until(lambda l: len(l) == 23 and "曝光问题 未结" in "\n".join(l), what="compact at 80x23")
        t.resize(80, 24)
        t.wait_for("晚会曝光问题")
        for w, h in sizes * 3:
            t.resize(w, h)
        t.resize(120, 40)
        self.assertEqual(t.size(), (120, 40))
        t.wait_for("晚会曝光问题")
        stormed = mask_clock(t.wait_stable())
        # what a fresh console shows at the same size (same view state: the
        # storm sent j on the board, a fresh one gets as many)
        t.keys("C-l")
        time.sleep(0.3)
        redrawn = mask_clock(t.wait_stable())
        self.assertEqual(stormed, redrawn, "Ctrl-L changed the screen: garbage was left")
        self.assertEqual(dwidth(t.capture()[0].rstrip()), 119)
        self.assertTrue(t.capture()[39].startswith("n 新登记"))
        self.assertFalse(t.dead())
        fresh = self.console(120, 40)
        for _ in range(6):
            fresh.keys("j")
        want = mask_clock(fresh.wait_stable())
        self.assertEqual(stormed, want)

    def test_hostile_text_from_the_command_is_harmless(self):
        t = self.console(80, 24)
        before = t.wait_stable(quiet=0.2)
        title = t.title()
        self.log_add("\x1b[2J\x1b]0;PWNED\x07\x1b[31m红\x1b[0m\u202e反转", subject="\x1b[H\x9b2J")
        lines = t.wait_for("[2J", timeout=2)
        self.check_harmless(t, lines, before, title)

    @zs.sqlite_only("stores bytes that are not UTF-8 (CAST AS TEXT), which a PostgreSQL UTF8 database refuses")
    def test_hostile_text_in_the_database_is_harmless(self):
        """Text that reached the database some other way (a feed, a relay)."""
        iid = self.log_add("待替换")
        t = self.console(80, 24)
        before = t.wait_stable(quiet=0.2)
        title = t.title()
        con = sqlite3.connect(self.db, timeout=5)
        con.execute("UPDATE intake SET summary = CAST(? AS TEXT), subject = CAST(? AS TEXT) WHERE id = ?",
                    (b"\x1b[2J\x1b]0;PWNED\x07\x1b[31m\xe7\xba\xa2\x1b[0m\xe2\x80\xae\xe5\x8f\x8d\xe8\xbd\xac\r\n\x08\x08",
                     b"\x1b[H\x9b2J\xff\xfe", iid))
        con.commit()
        con.close()
        lines = t.wait_for("[2J", timeout=2)
        self.check_harmless(t, lines, before, title, fresh=False)
        # and in the detail view
        t.keys("Tab", "Enter")
        lines = t.wait_for("登记 #%d" % iid)
        self.assertIn("[2J", "\n".join(lines))
        self.assertNotIn("PWNED", t.title())
        self.assertTrue(lines[0].startswith(" 登记 #%d" % iid), lines[0])

    def test_hostile_text_from_the_8890_feed_is_harmless(self):
        """The same through the relay: an 8890 order full of escapes (clear
        screen, cursor moves, window title, OSC 52 clipboard, 8-bit CSI,
        bidi override, DEL)."""
        import http.server
        import threading
        hostile = ("\x1b[2J\x1b]0;PWNED\x07\x1b]52;c;UFdORUQ=\x07\x1b[31m红\x1b[0m\u009b2J\u202e反转\x7f")
        page = json.dumps({"orders": [{"order_no": "GD-HOSTILE-1", "content": hostile,
                                       "subject": "\x1b[H\u009b2J商户", "kind": "投诉"}], "next": None}).encode()

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *a):
                pass

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.addCleanup(srv.server_close)
        self.addCleanup(srv.shutdown)
        conf = os.path.join(self.dir, "relay.conf")
        with open(conf, "w") as f:
            f.write("[feed.city]\nurl = http://127.0.0.1:%d/orders\n" % srv.server_address[1])
        os.chmod(conf, 0o600)
        t = self.console(80, 24)
        before = t.wait_stable(quiet=0.2)
        title = t.title()
        self.zs("--config", conf, "relay", "--once")
        lines = t.wait_for("[2J", timeout=3)
        self.check_harmless(t, lines, before, title)
        self.assertNotIn("PWNED", t.title())
        # OSC 52 must not have reached the terminal's clipboard (tmux buffers).
        bufs = t.tmux("list-buffers", check=False)
        self.assertNotIn("PWNED", bufs or "")

    def check_harmless(self, t, lines, before, title, fresh=True):
        self.assertEqual(lines[0][:20], before[0][:20])          # header intact
        self.assertEqual(lines[23], before[23])                  # hints intact
        self.assertEqual(find_line(lines, "受理登记"), find_line(before, "受理登记"))
        self.assertEqual(len(log_rows(lines)), len(log_rows(before)))
        row = [l for l in log_rows(lines) if "[2J" in l][0]
        if fresh:
            self.assertTrue(row.startswith("+"), row)
        # the escapes' text is drawn inert, up to where the summary column
        # ends (#N narrowed it at 80 columns: 红 is past it in the feed's)
        self.assertIn("]0;PWNED", row)
        self.assertNotIn("\x1b", "\n".join(lines))
        self.assertLessEqual(dwidth(row), 80)
        esc_row = [l for l in t.capture(escapes=True) if "[2J" in l][0]
        params = sgr_params(esc_row)
        self.assertNotIn(31, params, "the complaint turned the screen red")
        self.assertNotIn("PWNED", t.title())
        self.assertEqual(t.title(), title)
        # nothing was cleared or moved: the board is where it was
        later = t.capture()
        self.assertTrue(later[0].startswith(" 值守台"))
        # (the time left may tick over a minute between the two captures)
        def still(rows):
            return [re.sub(r"(剩|超时)\S*$", r"\1", r) for r in rows]
        self.assertEqual(still(board_rows(later)), still(board_rows(before)))
        # no bidi override reaches the terminal (it would reverse the rest of the row)
        self.assertNotIn("\u202e", "\n".join(later), "U+202E RIGHT-TO-LEFT OVERRIDE drawn: " + row)

    def test_bidi_override_in_a_complaint_is_not_drawn(self):
        """U+202E (RIGHT-TO-LEFT OVERRIDE) early in a complaint that reached
        the database some other way: the log row and the detail show the
        text around it, in order, without the control."""
        iid = self.log_add("待替换")
        t = self.console(80, 24)
        t.wait_stable(quiet=0.2)
        self.execute("UPDATE intake SET summary = ?, subject = ? WHERE id = ?",
                     "左边\u202e右边ABC之后", "商户\u202e甲乙", iid)
        lines = t.wait_for("ABC之后")
        row = [r for r in log_rows(lines) if "ABC之后" in r]
        self.assertEqual(len(row), 1, lines)
        self.assertNotIn("\u202e", "\n".join(lines), "U+202E drawn in the log row: %r" % row[0])
        self.assertIn("左边右边ABC之后", row[0])
        self.assertLess(col_of(row[0], row[0].index("左边右边ABC之后")), 80)
        self.assertIn("商户甲乙", row[0])
        t.keys("Tab", "Enter")
        lines = t.wait_for("登记 #%d" % iid)
        text = "\n".join(lines)
        self.assertNotIn("\u202e", text, "U+202E drawn in the detail")
        self.assertIn("左边右边ABC之后", text)
        self.assertIn("被投诉主体：商户甲乙", text)

    def test_term_variants(self):
        for term in ("xterm-256color", "screen-256color", "tmux-256color", "xterm", "vt100"):
            with self.subTest(term=term):
                t = self.console(80, 24, term=term)
                lines = t.wait_stable(quiet=0.15)
                self.assertTrue(lines[0].startswith(" 值守台"), lines[0])
                self.assertIn("正在值班", "\n".join(lines))
                over = [i for i, l in enumerate(lines) if "过期面包" in l]
                self.assertEqual(len(over), 1)
                self.assertTrue(lines[over[0]].startswith("!"))
                esc = t.capture(escapes=True)[over[0]]
                params = sgr_params(esc)
                if term == "vt100":
                    self.assertFalse([p for p in params if 30 <= p <= 49 and p not in (39, 49)],
                                     "colour sent to a vt100: %r" % esc)
                    self.assertTrue(4 in params or 1 in params or 7 in params,
                                    "overdue is not bold/underlined on a vt100: %r" % esc)
                else:
                    self.assertIn(31, params, "overdue is not red with TERM=%s: %r" % (term, esc))
                t.keys("q")
                self.assertEqual(t.wait_dead(), 0)
                t.close()

    def test_below_minimum_at_start(self):
        t = self.console(70, 20, wait=False)
        lines = t.wait_for("曝光问题 未结")      # the compact board, not a refusal
        self.assertNotIn("窗口太小", "\n".join(lines))
        t.keys("n")                     # forms need 80x24
        t.wait_for("需要至少 80×24")
        self.assertNotIn("新登记：", t.text())
        t.resize(80, 24)
        t.wait_for("晚会曝光问题")
        self.assertNotIn("新登记：", t.text())
        t.resize(70, 20)
        t.wait_for("曝光问题 未结")
        t.keys("q")                     # q still quits
        self.assertEqual(t.wait_dead(), 0)

    def test_resize_in_the_form_keeps_text_and_caret(self):
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.type("王先生")
        t.wait_for("王先生")
        for w, h in ((120, 40), (60, 20), (200, 60), (80, 24)):
            t.resize(w, h)
        t.resize(120, 40)
        lines = t.wait_for("新登记：投诉")
        row = self.field_line(lines, "来电人")
        t.wait_until(lambda l: t.cursor() == (12 + 6, row), what="caret after 王先生")
        t.type("李")
        lines = t.wait_for("王先生李")
        self.assertEqual(t.cursor(), (12 + 8, row))
        self.assertFalse(t.dead())


class Views(ConsoleTest):
    def open_overdue_exposure(self, t):
        rows = board_rows(t.wait_stable(quiet=0.15))
        k = [i for i, r in enumerate(rows) if "过期面包" in r][0]
        for _ in range(k):
            t.keys("j")
        t.keys("Enter")
        eid = [e["id"] for e in self.zs_json("expose", "list") if "过期面包" in e["title"]][0]
        return eid, t.wait_for("曝光问题 #%d" % eid)

    def test_exposure_detail_timeline_and_instruction(self):
        t = self.console(80, 24)
        eid, lines = self.open_overdue_exposure(t)
        text = "\n".join(lines)
        shown = self.zs("expose", "show", str(eid))
        self.assertIn("过期面包更换标签二次销售", text)
        self.assertIn("已超时", text)
        self.assertIn("处置经过", text)
        self.assertIn("出动执法人员", text)          # an action
        self.assertIn("检查经营者", text)
        self.assertIn("批示", text)                  # an instruction
        linked = re.search(r"关联登记（(\d+) 件", shown).group(1)
        self.assertIn("关联登记 %s 件" % linked, text)
        first_linked = re.search(r"#(\d+) 03-15", shown).group(1)
        self.assertIn("#%s " % first_linked, text)
        t.keys("i")
        t.wait_for("写批示：")
        words = "22点前报告复查结果"
        t.type(words)
        t.wait_for(words)
        t.keys("Enter")
        lines = t.wait_for("已保存")
        self.assertTrue(any("批示：" + words in l for l in lines), "\n".join(lines))
        self.assertIn(words, self.zs("expose", "show", str(eid)))
        # Enter on the selected linked intake opens it
        t.keys("Enter")
        lines = t.wait_for("登记 #%s" % first_linked)
        self.assertIn("内容摘要", "\n".join(lines))
        t.keys("Escape")
        t.wait_for("曝光问题 #%d" % eid)
        t.keys("Escape")
        t.wait_for("晚会曝光问题")

    def test_exposure_level_change(self):
        t = self.console(80, 24)
        eid, lines = self.open_overdue_exposure(t)
        t.keys("v")
        t.wait_for("改级别")
        t.type("2")
        t.wait_for("筛选：2")
        t.keys("Enter")
        t.wait_for("级别：重大")
        self.assertEqual([e["level"] for e in self.zs_json("expose", "list") if e["id"] == eid], [2])

    def test_intake_status_change_and_refusal(self):
        iid = self.log_add("状态变更测试用的投诉", subject="测试商店")
        t = self.console(80, 24)
        t.keys("Tab")
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        lines = t.wait_for("登记 #%d" % iid)
        self.assertIn("新登记", lines[1])
        t.keys("s")
        t.wait_for("改状态")
        t.type("已受理")
        t.keys("Enter")
        lines = t.wait_for("已保存")
        self.assertIn("已受理", lines[1])
        self.assertEqual(self.zs_json("log", "show", str(iid))["status"], "accepted")
        t.keys("s")
        t.wait_for("改状态")
        t.type("已办结")
        t.keys("Enter")
        # A complaint being closed: how mediation ended is asked next.
        t.wait_for("调解结果：Enter 选定")
        t.type("未达成")
        t.wait_for("筛选：未达成")
        t.keys("Enter")
        lines = t.wait_until(lambda l: "已办结" in l[1], what="closed")
        t.wait_for("调解结果：未达成协议")
        self.assertEqual(self.zs_json("log", "show", str(iid))["outcome"], "no-agreement")
        # Picked from where it may go: a closed intake is not offered 新登记
        # (nothing to misspell; walking the night, 受理 was refused).
        t.keys("s")
        lines = t.wait_for("改状态：打字筛选")
        self.assertFalse(any(l.strip() == "新登记" for l in lines[1:-2]), lines)
        t.type("新登记")
        t.wait_for("没有匹配")
        t.keys("Escape")
        lines = t.wait_for("登记 #%d" % iid)
        self.assertIn("已办结", lines[1])
        self.assertEqual(self.zs_json("log", "show", str(iid))["status"], "closed")
        # history shows the changes
        self.assertIn("经过", "\n".join(lines))

    def detail_of_newest(self, iid):
        """A console on the detail of the newest intake, iid."""
        t = self.console(80, 24)
        t.keys("Tab")
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        t.wait_for("登记 #%d" % iid)
        return t

    def ask_odr(self, iid, question="经ODR转交被投诉经营者"):
        """The newest intake's detail, o pressed, the question up."""
        t = self.detail_of_newest(iid)
        t.keys("o")
        t.wait_for(question)
        return t

    def test_closing_a_complaint_outcome_esc_and_not_given(self):
        """Esc at the outcome leaves the complaint open; 不填 closes it
        without one (as imports and older flows may)."""
        iid = self.log_add("调解结果不填的投诉", subject="测试商店")
        t = self.detail_of_newest(iid)
        for answer in ("Escape", "不填"):
            t.keys("s")
            t.wait_for("改状态")
            t.type("已办结")
            t.keys("Enter")
            t.wait_for("调解结果：Enter 选定")
            if answer == "Escape":
                t.keys("Escape")
                t.wait_for("登记 #%d" % iid)
                self.assertEqual(self.zs_json("log", "show", str(iid))["status"], "new")
            else:
                t.type(answer)
                t.wait_for("筛选：" + answer)
                t.keys("Enter")
                t.wait_until(lambda l: "已办结" in l[1], what="closed")
        got = self.zs_json("log", "show", str(iid))
        self.assertEqual((got["status"], got["outcome"]), ("closed", ""))

    def test_odr_hand_over_from_the_detail(self):
        """o asks first; n leaves it; y hands the complaint to its ODR
        business (the demo register's 万佳电器商城); one that is not an ODR
        enterprise is refused with the reason."""
        iid = self.log_add("空调安装后漏水，商家不处理", subject="万佳电器商城", uscc="91120101383301598Q")
        t = self.ask_odr(iid, "经ODR转交被投诉经营者「万佳电器商城」处理？")
        t.keys("n")
        t.wait_for("登记 #%d" % iid)
        self.assertEqual(self.zs_json("log", "show", str(iid))["status"], "new")
        t.keys("o")
        t.wait_for("经ODR转交被投诉经营者")
        t.keys("y")
        t.wait_for("已经ODR转交经营者")
        t.wait_for("转交 天津万佳电器商城有限公司（ODR）")
        got = self.zs_json("log", "show", str(iid))
        self.assertEqual((got["status"], got["handling"], got["odr_uscc"]),
                         ("transferred", "transfer", "91120101383301598Q"))
        t.keys("q")
        t.wait_for("晚会曝光问题")
        other = self.log_add("不是ODR企业的投诉", subject="测试商店")
        t = self.ask_odr(other)
        t.keys("y")
        t.wait_for("不能经ODR转交")
        self.assertEqual(self.zs_json("log", "show", str(other))["status"], "new")

    def act(self, t, key, question, answer):
        t.keys(key)
        t.wait_for(question)
        t.type(answer)
        t.keys("Enter")
        return t.wait_for("已保存")

    def test_intake_actions_transfer_link_duplicate_note_money(self):
        orig = self.log_add("原件：面包过期要求退款", subject="测试面包店")
        iid = self.log_add("详情操作测试用的投诉", subject="测试商店")
        eid = self.zs_json("expose", "list")[0]["id"]
        t = self.console(80, 24)
        t.keys("Tab")
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        t.wait_for("登记 #%d" % iid)
        self.act(t, "a", "加备注", "已电话联系来电人")
        self.act(t, "m", "挽回经济损失", "35.5")
        self.act(t, "l", "关联曝光问题", str(eid))
        lines = self.act(t, "t", "转办到单位", "食品安全监管科")
        self.assertIn("已转办", lines[1])
        got = self.zs_json("log", "show", str(iid))
        self.assertEqual(got["status"], "transferred")
        self.assertEqual(got["transfer_unit"], "食品安全监管科")
        self.assertEqual(got["exposure_id"], eid)
        self.assertEqual(got["recovered_fen"], 3550)
        self.assertIn("已电话联系来电人", got["notes"])
        # the unit is picked from a list: a name that is no unit matches
        # nothing, Enter says so, Esc leaves and nothing changes
        t.keys("t")
        t.wait_for("转办到单位")
        t.type("不存在的科")
        t.wait_for("没有匹配")
        t.keys("Enter")
        t.wait_for("没有匹配的条目")
        t.keys("Escape")
        t.wait_for("登记 #%d" % iid)
        self.assertEqual(self.zs_json("log", "show", str(iid))["transfer_unit"], "食品安全监管科")
        self.act(t, "d", "重复于哪一件", str(orig))
        got = self.zs_json("log", "show", str(iid))
        self.assertEqual(got["status"], "duplicate")
        self.assertEqual(got["duplicate_of"], orig)

    def test_exposure_actions_action_lead_local(self):
        t = self.console(80, 24)
        eid, lines = self.open_overdue_exposure(t)
        # the kind picked from the list (pinyin initials jc), then count and note
        t.keys("a")
        t.wait_for("记录措施：先选类型")
        t.type("jc")
        t.wait_for("筛选：jc")
        t.keys("Enter")
        t.wait_for("检查经营者：数量 说明")
        t.type("12 检查超市十二家")
        t.keys("Enter")
        lines = t.wait_for("检查经营者 12：检查超市十二家")
        self.act(t, "L", "设牵头单位", "综合行政执法支队")
        lines = self.act(t, "o", "本地涉及", "不涉及")
        # the change shows in the exposure's timeline, in words, in time order
        self.assertTrue(any("处置经过" in l for l in lines), "\n".join(lines))
        self.assertTrue(any("本地涉及：不涉及；状态改为 本地无涉（" in l for l in lines), "\n".join(lines))
        shown = self.zs_json("expose", "show", str(eid))
        self.assertEqual(shown["lead_unit"], "综合行政执法支队")
        self.assertEqual(shown["local"], "no")
        self.assertEqual(shown["status"], "no-local")   # nothing local closes it
        # a kind that is not one finds nothing to pick; Esc changes nothing
        n = len(self.zs_json("expose", "show", str(eid))["actions"])
        t.keys("a")
        t.wait_for("记录措施：先选类型")
        t.type("dance")
        t.wait_for("没有匹配")
        t.keys("Escape")
        t.wait_for("曝光问题 #%d" % eid)
        self.assertEqual(len(self.zs_json("expose", "show", str(eid))["actions"]), n)

    def test_stamp_a_new_exposure(self):
        t = self.console(80, 24)
        clock = header_clock(t.wait_stable(quiet=0.1))
        t.keys("e")
        t.wait_for("曝光问题标题")
        title = "直播间虚假宣传保健品功效"
        t.type(title)
        t.keys("Enter")
        lines = t.wait_for("已登记曝光问题 #")
        eid = int(re.search(r"已登记曝光问题 #(\d+)", "\n".join(lines)).group(1))
        self.assertIn("曝光问题 #%d" % eid, lines[0])
        self.assertIn(title, "\n".join(lines))
        got = [e for e in self.zs_json("expose", "list") if e["id"] == eid]
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["title"], title)
        m = re.match(r"2026-03-15T(\d\d):(\d\d)(?::(\d\d))?\+08:00", got[0]["aired_at"])
        self.assertTrue(m, got[0]["aired_at"])
        aired = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3) or 0)
        self.assertLessEqual(abs(aired - clock), 90, (got[0]["aired_at"], clock))
        t.keys("Escape")
        lines = t.wait_for("晚会曝光问题（未结 6")
        # on the board (scrolling down to it if it is below the fold)
        for _ in range(6):
            if any(title[:8] in r for r in board_rows(t.capture())):
                break
            t.keys("j")
        t.wait_until(lambda l: any(title[:8] in r for r in board_rows(l)), what="the new exposure on the board")

    def test_roster_by_unit_and_filter(self):
        t = self.console(80, 24)
        t.keys("r")
        lines = t.wait_for("今晚值班表")
        roster = self.zs_json("roster", "list")
        unit_of = {r["name"]: r["unit"] for r in roster}
        units = {r["unit"] for r in roster}
        current, checked = None, 0
        for l in lines[1:-1]:
            if not l.strip():
                continue
            if not l.startswith(" "):
                self.assertIn(l.strip(), units)
                current = l.strip()
            else:
                name = l.split()[1] if l.split()[0] == "带班" else l.split()[0]
                self.assertEqual(unit_of.get(name), current, l)
                checked += 1
        self.assertGreater(checked, 5)
        self.assertIn("在岗", "\n".join(lines))
        # people line up: titles of 2 to 6 characters, yet every mobile
        # phone and every shift starts in the same column
        people = [l for l in lines[1:-1] if l.startswith(" ") and l.strip()]
        for field in (r"1[3-9]\d{9}", r"\d\d:\d\d-"):
            cols = {col_of(l, re.search(field, l).start()) for l in people if re.search(field, l)}
            self.assertEqual(len(cols), 1, (field, cols, people))
        t.keys("/")
        t.wait_for("筛选：")
        t.type("消费者协会")
        t.keys("Enter")
        # Enter: the filter line goes, the title keeps the filter
        lines = t.wait_until(lambda ls: "筛选：消费者协会" in ls[0] and not ls[-2].startswith("筛选："),
                             what="the filter kept in the title")
        heads = [l.strip() for l in lines[1:-1] if l.strip() and not l.startswith(" ")]
        self.assertEqual(heads, ["消费者协会"])
        t.keys("Escape")
        t.wait_for("晚会曝光问题")

    def check_results(self, lines, want):
        self.assertTrue(want)
        hits = [l for l in lines[1:-1] if l.strip()]
        got = [(("exposure" if l.startswith("曝光") else "intake"), int(re.search(r"#(\d+)", l).group(1))) for l in hits]
        self.assertEqual(got, [(w["type"], w["id"]) for w in want][:len(got)])

    def test_search_by_the_digits_a_list_shows_of_a_phone(self):
        # Lists show 133****9207: an operator types 9207 (walking the night,
        # it found nothing).
        row = next(r for r in self.zs_json("log", "list", "--limit", "50") if r["phone"])
        tail = row["phone"][-4:]
        want = self.zs_json("search", tail, "--limit", "500")
        self.assertIn(("intake", row["id"]), [(w["type"], w["id"]) for w in want])
        t = self.console(80, 24)
        t.keys("/")
        t.wait_for("搜索（文字、#编号、电话或尾号")
        t.type(tail)
        t.keys("Enter")
        # the title, once the results page is drawn (not a half-painted frame)
        t.wait_until(lambda ls: re.search(r"搜索「%s」：\d+ 条" % tail, ls[0]) is not None, what="the results' title")
        lines = t.wait_stable(quiet=0.15)
        n = int(re.search(r"搜索「%s」：(\d+) 条" % tail, lines[0]).group(1))
        self.assertEqual(n, len(want))
        self.assertIn("#%d " % row["id"], "\n".join(lines))

    def test_search_short_and_long_chinese(self):
        t = self.console(80, 24)
        t.keys("/")
        t.wait_for("搜索（文字、#编号、电话或尾号")
        t.type("酸")
        t.keys("Enter")
        lines = t.wait_for("搜索「酸」")
        n = int(re.search(r"搜索「酸」：(\d+) 条", lines[0]).group(1))
        want = self.zs_json("search", "酸", "--limit", "500")
        self.assertEqual(n, len(want))
        self.check_results(lines, want)
        t.keys("/")
        t.wait_for("搜索：")
        t.keys("C-u")
        t.type("翻新机")
        t.keys("Enter")
        lines = t.wait_for("搜索「翻新机」")
        want = self.zs_json("search", "翻新机", "--limit", "500")
        self.assertEqual(int(re.search(r"：(\d+) 条", lines[0]).group(1)), len(want))
        self.check_results(lines, want)
        hits = [l for l in lines[1:-1] if l.strip()]
        k = [i for i, l in enumerate(hits) if l.startswith("登记 #")][0]
        want = re.match(r"登记 #(\d+)", hits[k]).group(1)
        for _ in range(k):
            t.keys("j")
        t.keys("Enter")
        # The results list also says "登记 #N": wait for the detail's title line.
        lines = t.wait_until(lambda ls: ls and ls[0].startswith(" 登记 #%s" % want), what="the detail of #%s" % want)
        self.assertTrue(lines[0].startswith(" 登记 #%s" % want))
        t.keys("Escape")
        t.wait_for("搜索「翻新机」")


class Relay(ConsoleTest):
    """The relay's troubles are visible at the console: a failed alert is
    counted on the dashboard (live), listed on the relay page (o) with the
    platform's error, and can be resent from there."""

    def fail_one(self):
        eid, oid = self.query("SELECT exposure_id, id FROM outbox ORDER BY id DESC LIMIT 1")[0]
        self.execute("INSERT INTO delivery(outbox_id, robot, state, attempts, next_at_ms, last_error) "
                     "VALUES (%d, 'leaders', 'failed', 8, 0, '错误码 310000：sign not match'); "
                     "INSERT INTO feed_quarantine(feed, order_no, reason, raw, first_at, last_at) "
                     "VALUES ('city', 'GD0001', '缺少内容 content', '{\"order_no\":\"GD0001\"}', 0, 0)" % oid)

    def test_failed_alert_counted_listed_and_resent(self):
        t = self.console(80, 24)
        self.assertNotIn("提醒发送失败", "\n".join(t.capture()))
        self.fail_one()
        lines = t.wait_for("提醒发送失败 1（o）")
        t.keys("o")
        lines = t.wait_for("发送失败的提醒（1 条")
        text = "\n".join(lines)
        self.assertIn("leaders", text)
        self.assertIn("sign not match", text)
        self.assertIn("GD0001", text)
        self.assertIn("缺少内容 content", text)
        sel = [i for i, l in enumerate(lines) if "sign not match" in l][0]
        t.keys("j")
        t.keys("R")
        t.wait_for("发送失败的提醒（0 条")
        state = self.zs_json("outbox", "list")[0]["state"]
        self.assertEqual(state, "pending")
        t.keys("Escape")
        lines = t.wait_for("晚会曝光问题")
        self.assertNotIn("提醒发送失败", "\n".join(lines))
        self.assertIn("8890 隔离 1（o）", "\n".join(lines))
        self.assertGreater(sel, 0)


class Morning(ConsoleTest):
    """The review view (m) lists what is open by unit, overdue first, and
    the handover is signed (S) and accepted (A) from it."""

    def test_review_sign_and_accept(self):
        t = self.console(80, 24)
        t.keys("m")
        lines = t.wait_for("早班回顾")
        want = json.loads(self.zs("review", "--format", "json"))
        self.assertIn("未办结 登记 %d 件、曝光 %d 个" % (want["counts"]["intakes"], want["counts"]["exposures"]), lines[0])
        self.assertIn("还没有人签", lines[1])
        # The first unit heading and the most urgent item (overdue) lead.
        self.assertTrue(lines[2].startswith("【"), lines[2])
        first = want["items"][0]
        self.assertIn("#%d" % first["id"], lines[3])
        if first["overdue"]:
            self.assertTrue(lines[3].startswith("!"), lines[3])
        t.keys("S")
        t.wait_for("在班人员")
        t.type("张三、李四")
        t.keys("Enter")
        t.wait_for("交班说明")
        t.type("夜班无异常")
        t.keys("Enter")
        lines = t.wait_for("尚未接班确认")
        self.assertIn("张三、李四", lines[1])
        # Four eyes: the one who signed cannot accept; the console says why
        # (the incoming shift accepts: Roles.test_handover_four_eyes).
        t.keys("A")
        t.wait_for("接班人员")
        t.type("王五")
        t.keys("Enter")
        t.wait_for("有异议之处")
        t.keys("Enter")
        t.wait_for("不能自己接班确认")
        self.assertIsNone(self.zs_json("handover", "list")[0]["accepted_at"])
        # Enter on an item opens its details.
        t.keys("j")
        t.keys("Enter")
        t.wait_for("#%d" % first["id"])


    def review_counts(self, *args):
        c = json.loads(self.zs("review", "--format", "json", *args))["counts"]
        return c["intakes"], c["exposures"], c["overdue"], c["changed"]

    @staticmethod
    def title_counts(title):
        """The counts in the review's title, long or short form."""
        m = (re.search(r"登记 (\d+) 件、曝光 (\d+) 个 · 超时 (\d+) · 交接后变化 (\d+)", title)
             or re.search(r"登记(\d+) 曝光(\d+) 超时(\d+) 变化(\d+)", title))
        assert m, title
        return tuple(int(g) for g in m.groups())

    def shown_ids(self, t):
        return {int(m) for l in t.capture()[2:-1] for m in re.findall(r" #(\d+) ", l)}

    def pick_review_unit(self, t, typed, unit, heading):
        """u, then the unit typed into the pick list (tonight is on)."""
        t.keys("u")
        t.wait_for("只看哪个单位的事项")
        t.type(typed)
        t.wait_for("筛选：%s（1 行）" % typed)
        t.keys("Enter")
        lines = t.wait_for("只看今晚·" + unit)
        self.assertEqual(self.title_counts(lines[0]), self.review_counts("--tonight", "--unit", unit))
        self.assertTrue(lines[2].startswith(heading), lines[2])
        return lines

    def test_review_filters_as_keys(self):
        # A handover, then one item changed and one new after it: c shows
        # those two, t tonight's, u one unit picked from a list; each key
        # again shows everything, and the title's counts follow.
        self.zs("handover", "sign", "--names", "张三")
        time.sleep(1.1)
        changed = self.zs_json("log", "list", "--limit", "1")[0]["id"]
        self.zs("log", "update", str(changed), "--status", "accepted")
        new = self.log_add("交接以后新来的一条")
        for w, h in ((80, 24), (160, 48)):
            with self.subTest(size="%dx%d" % (w, h)):
                t = self.console(w, h)
                t.keys("m")
                lines = t.wait_for("早班回顾")
                everything = self.review_counts()
                self.assertEqual(self.title_counts(lines[0]), everything)
                self.assertNotIn("只看", lines[0])
                self.assertIn("c 变化", lines[-1])
                self.assertIn("u 单位", lines[-1])
                self.assertLessEqual(dwidth(lines[-1].rstrip()), w)
                t.keys("c")
                lines = t.wait_for("只看交接后变化")
                self.assertEqual(self.title_counts(lines[0]), self.review_counts("--changed"))
                self.assertEqual(self.shown_ids(t), {changed, new})
                t.keys("t")
                lines = t.wait_for("只看交接后变化·今晚")
                self.assertEqual(self.title_counts(lines[0]), self.review_counts("--changed", "--tonight"))
                t.keys("c")                       # changed off again, tonight stays
                # (the whole title: a capture may catch it half repainted)
                lines = t.wait_until(lambda l: "交接后变化·" not in l[0] and "只看今晚" in l[0]
                                     and (re.search(r"登记 (\d+) 件、曝光 (\d+) 个 · 超时 (\d+) · 交接后变化 (\d+)", l[0])
                                          or re.search(r"登记(\d+) 曝光(\d+) 超时(\d+) 变化(\d+)", l[0])),
                                     what="c off")
                tonight = self.review_counts("--tonight")
                self.assertEqual(self.title_counts(lines[0]), tonight)
                self.assertNotEqual(tonight, everything)
                # u: the units with open items, picked by pinyin initials
                lines = self.pick_review_unit(t, "spaq", "食品安全监管科", "【食品安全监管科】")
                self.assertFalse([l for l in lines[2:-1] if l.startswith("【") and "食品安全监管科" not in l], lines)
                t.keys("u")                       # every unit again
                lines = t.wait_until(lambda l: "食品安全监管科）" not in l[0], what="u off")
                self.assertEqual(self.title_counts(lines[0]), tonight)
                # the duty desk: what no unit has yet
                self.pick_review_unit(t, "值班室", "值班室", "【值班室（未分派）】")
                t.keys("u")
                t.keys("t")
                lines = t.wait_until(lambda l: "只看" not in l[0], what="every filter off")
                self.assertEqual(self.title_counts(lines[0]), everything)
                t.close()


class StatisticsTable(ConsoleTest):
    """The statistics table (p) shows the rows the report files; a hand row
    is filled in with Enter, a computed one refuses."""

    def test_fill_in_a_hand_row(self):
        rows = self.zs_json("report", "list", "default")
        keys = [r["key"] for r in rows]
        k = keys.index("law_events")
        t = self.console(80, 24)
        t.keys("p")
        lines = t.wait_for("统计表（值守台通用版）")
        # A computed row cannot be typed over.
        t.keys("Enter")
        t.wait_for("不能手填")
        for _ in range(k):
            t.keys("j")
        t.keys("Enter")
        t.wait_for("组织普法活动（场次）")
        t.type("3")
        t.keys("Enter")
        lines = t.wait_for("已填写「组织普法活动」")
        row = [l for l in lines if "组织普法活动" in l][0]
        self.assertTrue(row.rstrip().endswith("3"), row)
        got = [r for r in self.zs_json("report", "list", "default") if r["key"] == "law_events"][0]
        self.assertEqual(got["value"], "3")
        audit = self.zs_json("audit", "--entity", "report")
        self.assertEqual(audit[-1]["action"], "set")


    def test_templates_by_their_chinese_names(self):
        """t lists the templates by their Chinese captions (the name
        --template takes beside each), starting on the one shown; picking one
        shows its table under that caption."""
        t = self.console(100, 24)
        t.keys("p")
        t.wait_for("2026年“3·15”活动情况统计表（值守台通用版）")
        t.keys("t")
        lines = t.wait_for("换统计表模板")
        rows = [l.strip() for l in lines[1:6]]
        self.assertEqual(rows[:4], ["值守台通用版  default", "2021年和平区版  2021-activity",
                                    "2022年银川版（左右两栏）  2022-activity", "2023年市局版  2023-activity"])
        t.type("和平")
        t.wait_until(lambda l: l[1].strip() == "2021年和平区版  2021-activity" and not l[2].strip(),
                     what="the filter on the Chinese name")
        t.keys("Enter")
        t.wait_for("2026年度“3·15”活动工作情况统计表（2021年和平区版）")
        t.wait_until(lambda l: any("组织普法活动" in x for x in l), what="the 2021 rows")
        # the page remembers it: p again opens on it
        t.keys("Escape")
        t.wait_for("晚会曝光问题")
        t.keys("p")
        t.wait_for("（2021年和平区版）")

    def test_write_the_table_to_a_file(self):
        """w writes the table through report_write, as `zhishou report -o`
        does: the format from the extension, the full path said after, an
        existing file only after y, a bad name or directory refused with
        nothing written."""
        import shlex
        cmd = "cd %s && exec %s --db %s" % (shlex.quote(self.dir), shlex.quote(BIN),
                                            shlex.quote(self.db) if zs.PG else "night.db")
        t = tmuxdrv.Term(["/bin/sh", "-c", cmd], dict(self.env, TERM="xterm-256color"), 100, 24, workdir=self.dir)
        self.addCleanup(t.close)
        t.wait_for("晚会曝光问题")
        t.keys("p")
        t.wait_for("统计表（值守台通用版）")
        t.keys("w")
        t.wait_for("写到文件（.xlsx .csv .md .txt）：统计表.xlsx")
        t.keys("C-u")
        t.type("night.md")
        t.keys("Enter")
        out = os.path.join(self.dir, "night.md")
        t.wait_for("已写入 %s" % out)
        with open(out, encoding="utf-8") as f:
            got = f.read()
        want = self.zs("report", "--format", "md")
        # the same table (the period's end is the clock's minute, which runs)
        rows = lambda s: [l for l in s.splitlines() if l.startswith("|")]
        self.assertEqual(rows(got), rows(want))
        self.assertIn("受理消费者投诉", got)
        # the default name: XLSX in the console's directory
        t.keys("w")
        t.wait_for("写到文件")
        t.keys("Enter")
        xlsx = os.path.join(self.dir, "统计表.xlsx")
        t.wait_for("已写入 %s" % xlsx)
        with open(xlsx, "rb") as f:
            self.assertEqual(f.read(2), b"PK")
        # an existing file: n keeps it, y overwrites
        os.truncate(out, 0)
        t.keys("w")
        t.wait_for("写到文件")
        t.keys("C-u")
        t.type("night.md")
        t.keys("Enter")
        t.wait_for("night.md 已存在，覆盖吗？y/n")
        t.keys("n")
        t.wait_for("没有写入")
        self.assertEqual(os.path.getsize(out), 0)
        t.keys("w")
        t.wait_for("写到文件")
        t.keys("C-u")
        t.type("night.md")
        t.keys("Enter")
        t.wait_for("已存在，覆盖吗")
        t.keys("y")
        t.wait_for("已写入 %s" % out)
        self.assertGreater(os.path.getsize(out), 0)
        # no format in the name, or a directory that is not there
        for name, msg in (("night.pdf", "文件名要以 .xlsx、.csv、.md 或 .txt 结尾"),
                          ("nodir/night.csv", "无法在目录 nodir/ 写入文件")):
            t.keys("w")
            t.wait_for("写到文件")
            t.keys("C-u")
            t.type(name)
            t.keys("Enter")
            t.wait_for(msg)
        left = [n for n in os.listdir(self.dir) if not n.startswith(("night.db", "tmux-")) and n not in ("config", "state")]
        self.assertEqual(sorted(left), sorted(["night.md", "统计表.xlsx"]))      # nothing half-written

    def test_reporting_unit_from_the_config_or_how_to_set_it(self):
        """填报单位 comes from [report] bureau, as for `zhishou report`;
        unset, the page says where to set it."""
        conf = os.path.join(self.env["XDG_CONFIG_HOME"], "zhishou", "zhishou.conf")
        t = self.console(130, 24)
        t.keys("p")
        t.wait_for("统计表（")
        lines = t.wait_until(lambda l: "填报单位：（未设置）" in l[1] and "bureau = 本局名称" in l[2],
                             what="the unit unset and how to set it")
        self.assertIn("设置：[report] 一节写 bureau = 本局名称，配置文件 %s" % conf, lines[2])
        t.keys("q")
        t.keys("q")
        t.wait_dead()
        with open(conf, "w", encoding="utf-8") as f:
            f.write("[report]\nbureau = 和平区市场监督管理局\n")
        self.assertIn("和平区市场监督管理局", self.zs("report", "--format", "md"))
        t = self.console(130, 24)
        t.keys("p")
        lines = t.wait_until(lambda l: "填报单位：和平区市场监督管理局" in l[1], what="the unit from the config")
        self.assertNotIn("bureau = 本局名称", "\n".join(lines))


class Valgrind(ConsoleTest):
    """A scripted console session under valgrind: no invalid access, no
    definite or indirect leak (curses' own still-reachable memory aside)."""

    @unittest.skipUnless(shutil.which("valgrind"), "valgrind is not installed (Debian package valgrind)")
    def test_scripted_session_is_clean(self):
        if os.environ.get("ASAN_OPTIONS") is not None or "asan" in BIN:
            self.skipTest("an ASan build cannot run under valgrind")
        log = os.path.join(self.dir, "valgrind.log")
        argv = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect",
                "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99", "--log-file=" + log,
                BIN, "--db", self.db]
        t = tmuxdrv.Term(argv, dict(self.env, TERM="xterm-256color"), 100, 30, workdir=self.dir)
        self.addCleanup(t.close)
        t.wait_for("晚会曝光问题", timeout=60)
        for keys in (["j", "j", "Tab", "Enter"], ["Escape"], ["m"], ["j", "Enter"], ["Escape"], ["Escape"], ["p"],
                     ["j"], ["Escape"], ["o"], ["Escape"], ["r"], ["Escape"], ["/"]):
            t.keys(*keys)
            time.sleep(0.5)
        t.type("酸菜")
        t.keys("Enter")
        t.wait_for("搜索「酸菜」", timeout=20)
        t.keys("Escape")
        time.sleep(0.5)
        t.keys("n")
        t.wait_for("新登记", timeout=20)
        t.type("测试内容")
        time.sleep(0.5)
        t.keys("Escape")
        time.sleep(0.5)
        t.keys("q")
        t.wait_for("仍要退出", timeout=20)
        t.keys("y")
        t.keys("Enter")
        self.assertEqual(t.wait_dead(timeout=60), 0)
        with open(log) as f:
            text = f.read()
        self.assertIn("ERROR SUMMARY: 0 errors", text, text[-3000:])
        self.assertNotIn("Invalid read", text)
        self.assertNotIn("Invalid write", text)


class Help(ConsoleTest):
    def test_a_detail_too_narrow_for_its_keys_says_where_they_are(self):
        # Walking the night: at 80 columns the exposure detail's hint line
        # lost c, k, n and D, and ? did nothing there.
        t = self.console(80, 24)
        t.keys("Enter")            # the board has the focus: the first exposure
        lines = t.wait_for("曝光问题 #")
        self.assertTrue(lines[-1].rstrip().endswith("… ? 全部按键"), lines[-1])
        self.assertLessEqual(dwidth(lines[-1].rstrip()), 80)
        t.keys("?")
        t.wait_for("帮助：所有按键")
        t.keys("Escape")
        lines = t.wait_for("曝光问题 #")
        # at 180 columns every key fits: no such note
        t.resize(180, 48)
        lines = t.wait_until(lambda ls: len(ls) == 48 and "D 办结时限" in ls[-1], what="the wide hint line")
        self.assertNotIn("全部按键", lines[-1])

    def test_help_lists_every_binding(self):
        t = self.console(80, 24)
        t.keys("?")
        t.wait_for("帮助：所有按键")
        pairs, headings = collect_help(t)
        tables = source_key_tables()
        self.assertGreaterEqual(len(tables), 6, tables.keys())
        labels = {l for l, _ in pairs}
        for name, (tzh, _ten, keys) in tables.items():
            self.assertIn(tzh, headings, name)
            for label, zh, _en in keys:
                self.assertIn(label, labels, "help does not list %s (%s)" % (label, name))
                texts = [x for l, x in pairs if l == label]
                self.assertTrue(any(zh.startswith(x.rstrip("…")) for x in texts),
                                "help text for %s is not %r: %r" % (label, zh, texts))
        tokens = set()
        for l in labels:
            tokens |= label_tokens(l)
        for key in ("n", "e", "Enter", "Tab", "r", "/", "q", "Ctrl-S", "Ctrl-E", "Esc",
                    "s", "t", "a", "i", "v", "X", "?", "Ctrl-L", "F2"):
            self.assertIn(key, tokens, "help does not list %s" % key)
        t.keys("Escape")
        t.wait_for("晚会曝光问题")
        self.assertNotIn("帮助：所有按键", t.text())
        # ? from the form's sibling: F1 opens help as well, q closes it
        t.keys("F1")
        t.wait_for("帮助：所有按键")
        t.keys("q")
        t.wait_for("晚会曝光问题")
        self.assertFalse(t.dead())

    def test_help_lists_keys_handled_outside_the_tables(self):
        """Keys the views act on but no key table names: help cannot show them."""
        t = self.console(80, 24)
        t.keys("?")
        t.wait_for("帮助：所有按键")
        pairs, _ = collect_help(t)
        tokens = set()
        for l, _x in pairs:
            tokens |= label_tokens(l)
        missing = [k for k in ("Shift-Tab",    # dashboard: focus backwards
                               "Ctrl-C",       # dashboard: quit
                               "Ctrl-A", "Ctrl-K", "Home", "End", "Delete")   # every text field
                   if not any(k in tok for tok in tokens)]
        self.assertEqual(missing, [], "bindings missing from help")


class English(ConsoleTest):
    def test_lang_en_dashboard_and_form(self):
        t = self.console(80, 24, lang="en")
        lines = t.wait_stable(quiet=0.15)
        text = "\n".join(lines)
        self.assertTrue(lines[0].startswith(" zhishou"), lines[0])
        self.assertIn("(demo)", lines[0])
        self.assertIn("on air", lines[0])
        self.assertIn("Exposures (open 5, overdue 1)", text)
        self.assertIn("Intake log (newest first)", text)
        self.assertIn("On duty", text)
        self.assertTrue(lines[23].startswith("n new"), lines[23])
        for label in ("受理登记", "晚会曝光问题", "正在值班", "值守台", "帮助", "新登记", "已受理", "超时", "剩",
                      "演示", "已播", "起受理", "带班"):
            self.assertNotIn(label, text)
        self.assertFalse(has_cjk(lines[1]), lines[1])     # counters
        self.assertFalse(has_cjk(lines[2]), lines[2])     # channels
        self.assertFalse(has_cjk(lines[23]), lines[23])   # hints
        for r in log_rows(lines):
            self.assertRegex(r, r"(new|accepted|transferred|in progress|closed|not accepted|duplicate)$")

    def test_lang_en_columns_do_not_run_together(self):
        t = self.console(80, 24, lang="en")
        lines = t.wait_stable(quiet=0.15)
        over = [r for r in board_rows_en(lines) if "过期面包" in r][0]
        # local involvement, then status: two words, not "unknownchecking"
        self.assertRegex(over, r"\bunknown +checking\b")
        for r in log_rows(lines):
            # time, channel, kind: each column set off by a space
            self.assertRegex(r, r"^[ +]\d\d:\d\d \S.* (complaint|tip|inquiry|compl…|inqu…|comp…) ", r)
        over = [r for r in board_rows_en(lines) if "过期面包" in r]
        # a level reads L1-L4 (level 1 to 4), as the command line's "level 2 (major)"
        self.assertRegex(over[0], r"^!#\d+ +L3 ")
        self.assertTrue(over[0].startswith("!"))
        self.assertIn("late", over[0])
        t.keys("n")
        lines = t.wait_for("New intake")
        form = "\n".join(lines)
        for label in ("Received", "Channel", "Kind", "Caller", "Phone", "Business", "Summary"):
            self.assertIn(label, form)
        self.assertFalse(has_cjk(form), form)
        t.keys("Tab")
        t.type("123")
        t.wait_for("11-digit mobile")

    def test_lang_en_details_take_english_colons(self):
        t = self.console(80, 24, lang="en")
        t.wait_stable(quiet=0.15)
        t.keys("Enter")          # the board's first exposure
        lines = t.wait_until(lambda ls: any(l.strip().startswith("Lead: ") for l in ls), what="the exposure's fields")
        text = "\n".join(lines)
        for label in ("Level: ", "Status: ", "Aired: ", "Industry: ", "Lead: "):
            self.assertIn(label, text)
        self.assertIsNone(re.search(r"\b(Level|Status|Aired|Industry|Lead|Companies)：", text), text)
        # the timeline names who did it in English brackets
        self.assertRegex(text, r"exposure recorded \(\S+\)")

    def test_lang_en_help(self):
        t = self.console(80, 24, lang="en")
        t.keys("?")
        lines = t.wait_for("Help: every key")
        self.assertIn("new intake", "\n".join(lines))
        title = lines[0].strip()
        pairs, headings = collect_help(t)
        problems = sorted(l for l, x in pairs if has_cjk(l) or has_cjk(x)) + sorted(h for h in headings if has_cjk(h))
        if title != "Help: every key (Esc or q to go back, arrows scroll)":
            problems.append("title: " + title)
        self.assertEqual(problems, [], "Chinese or wrong words in the English help")


class Roles(ConsoleTest):
    """The console as different Unix users (the role comes from who runs it):
    real users made by the test, the console started through runuser inside
    tmux, and the database a duty group shares.  Needs root, which CI is."""

    USERS = {}

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0 or not shutil.which("runuser") or not shutil.which("useradd"):
            raise unittest.SkipTest("needs root (runuser, useradd) to run the console as other Unix users; CI runs as root")
        import uuid
        tag = uuid.uuid4().hex[:6]
        cls.GROUP = "zstui%s" % tag
        cls.USERS = {"op": "zsto%s" % tag, "op2": "zstp%s" % tag, "lead": "zstl%s" % tag, "stranger": "zstx%s" % tag}
        subprocess.run(["groupadd", cls.GROUP], check=True)
        cls._made = []
        try:
            if zs.PG:
                zs.pg_cluster()   # and the group that reaches its socket
            sock = ["-G", zs.pg_socket_group()] if zs.pg_socket_group() else []
            for u in cls.USERS.values():
                subprocess.run(["useradd", "-M", "-N", "-g", cls.GROUP] + sock + ["-s", "/bin/sh", u], check=True)
                cls._made.append(u)
        except BaseException:
            cls.tearDownClass()       # unittest would not: setUpClass failed
            raise

    @classmethod
    def tearDownClass(cls):
        for u in getattr(cls, "_made", []):
            subprocess.run(["userdel", u], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if getattr(cls, "_made", None) is not None:
            subprocess.run(["groupdel", cls.GROUP], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def setUp(self):
        super().setUp()
        import grp
        gid = grp.getgrnam(self.GROUP).gr_gid
        # The duty group shares the directory and the database (as an
        # installation would); everything else stays root's.
        os.chown(self.dir, 0, gid)
        os.chmod(self.dir, 0o2770)
        if not zs.PG:
            os.chown(self.db, 0, gid)
            os.chmod(self.db, 0o660)
        self.conf = os.path.join(self.env["XDG_CONFIG_HOME"], "zhishou", "zhishou.conf")
        with open(self.conf, "w") as f:
            f.write("[database]\ngroup = %s\n" % self.GROUP)
        os.chmod(self.conf, 0o644)
        self.zs("member", "add", "--unix", self.USERS["op"], "--name", "王值班", "--role", "operator")
        self.zs("member", "add", "--unix", self.USERS["op2"], "--name", "孙值班", "--role", "operator")
        self.zs("member", "add", "--unix", self.USERS["lead"], "--name", "李带班", "--role", "leader",
                "--unit", "食品安全监管科")

    def user_env(self, who):
        e = dict(self.env)
        # Each user their own draft directory (drafts are per person).
        state = os.path.join(self.dir, "state-" + who)
        if not os.path.isdir(state):
            os.mkdir(state, 0o700)
            os.chown(state, pwd.getpwnam(self.USERS[who]).pw_uid, -1)
        e["ZHISHOU_STATE_DIR"] = state
        return e

    def zs_as(self, who, *args):
        e = self.user_env(who)
        argv = ([shutil.which("runuser"), "-u", self.USERS[who], "--", "env", "-i"] + ["%s=%s" % kv for kv in sorted(e.items())] +
                [BIN, "--db", self.db] + list(args))
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30, cwd=self.dir)
        if p.returncode != 0:
            self.fail("as %s: zhishou %s -> %d\n%s" % (who, " ".join(args), p.returncode, p.stderr.decode()))
        return p.stdout.decode()

    def console_as(self, who, width=80, height=24):
        e = dict(self.user_env(who), TERM="xterm-256color")
        # runuser resets HOME, USER …: env inside it puts back exactly ours.
        argv = ([shutil.which("runuser"), "-u", self.USERS[who], "--", "env", "-i"] + ["%s=%s" % kv for kv in sorted(e.items())] +
                [BIN, "--db", self.db])
        t = tmuxdrv.Term(argv, e, width, height, workdir=self.dir)
        self.addCleanup(t.close)
        t.wait_for("晚会曝光问题")
        return t

    def readonly_config(self):
        with open(self.conf, "a") as f:
            f.write("[access]\nunknown = readonly\n")

    def views(self, iid):
        return [r[0] for r in self.query(
            "SELECT unix_user FROM audit WHERE entity='intake' AND entity_id=? AND action='view'", iid)]

    def level(self, eid):
        return [e["level"] for e in self.zs_json("expose", "list", "--all") if e["id"] == eid][0]

    def open_exposure(self, t, title="过期面包"):
        rows = board_rows(t.wait_stable(quiet=0.15))
        k = [i for i, r in enumerate(rows) if title in r][0]
        for _ in range(k):
            t.keys("j")
        t.keys("Enter")
        eid = [e["id"] for e in self.zs_json("expose", "list") if title in e["title"]][0]
        lines = t.wait_for("曝光问题 #%d" % eid)
        return eid, lines

    def refusal(self, t, needle):
        """The red status line (above the hint line) with the core's
        refusal; returns its text."""
        lines = t.wait_for(needle)
        last = lines[-2]
        self.assertIn(needle, last, "\n".join(lines))
        self.assertIn(31, sgr_params(t.capture(escapes=True)[-2]), "the refusal is not red: %r" % last)
        self.assertNotIn("Enter 确定", lines[-1])     # no prompt opened
        return last

    def test_header_names_the_role(self):
        for who, label in (("op", "值班员"), ("lead", "带班领导")):
            with self.subTest(who=who):
                t = self.console_as(who)
                head = t.wait_stable(quiet=0.15)[0]
                self.assertIn("%s·%s" % (self.USERS[who], label), head)
                t.close()
        self.readonly_config()
        t = self.console_as("stranger")
        head = t.wait_stable(quiet=0.15)[0]
        self.assertIn("%s·只读" % self.USERS["stranger"], head)

    def test_operator_is_not_offered_a_leaders_keys(self):
        eid = [e["id"] for e in self.zs_json("expose", "list") if "过期面包" in e["title"]][0]
        level = self.level(eid)
        t = self.console_as("op", 200, 30)
        t.keys("?")
        t.wait_for("帮助：所有按键")
        pairs, _ = collect_help(t)
        texts = [x for _l, x in pairs]
        self.assertTrue(any(x.startswith("新登记") for x in texts), texts)      # what an operator does
        self.assertTrue(any(x.startswith("加备注") for x in texts), texts)
        for leaders in ("改级别", "写批示", "设牵头单位", "办结时限"):
            self.assertFalse([x for x in texts if x.startswith(leaders)], "help offers an operator " + leaders)
        t.keys("Escape")
        t.wait_for("晚会曝光问题")
        _eid, lines = self.open_exposure(t)
        hints = lines[-1]
        self.assertIn("a 记录措施", hints)
        self.assertIn("o 本地涉及", hints)
        self.assertIn("Esc/q 返回", hints)                   # the whole line is on screen
        for k in ("v 改级别", "i 写批示", "s 改状态", "L 设牵头单位", "D 办结时限"):
            self.assertNotIn(k, hints)
        # Pressed anyway: the core's words, in red, and nothing asked or changed.
        t.keys("v")
        msg = self.refusal(t, "需要带班领导及以上权限")
        self.assertIn("改级别", msg)
        self.assertIn("值班员", msg)
        t.type("1")                     # would be the answer, had a prompt opened
        t.wait_stable(quiet=0.2)
        self.assertEqual(self.level(eid), level)
        self.assertIn("曝光问题 #%d" % eid, t.capture()[0])
        t.keys("i")
        self.refusal(t, "写批示需要带班领导")

    def test_leader_changes_the_level(self):
        t = self.console_as("lead", 200, 30)
        eid, lines = self.open_exposure(t)
        for k in ("v 改级别", "i 写批示", "s 改状态", "L 设牵头单位", "D 办结时限"):
            self.assertIn(k, lines[-1])
        t.keys("v")
        t.wait_for("改级别")
        t.type("2")
        t.wait_for("筛选：2")
        t.keys("Enter")
        t.wait_for("级别：重大")
        self.assertEqual(self.level(eid), 2)

    def test_handover_four_eyes(self):
        # 王值班 signs in the console; 孙值班, the incoming shift, accepts in hers.
        t = self.console_as("op")
        t.keys("m")
        t.wait_for("早班回顾")
        t.keys("S")
        t.wait_for("在班人员")
        t.type("王值班")
        t.keys("Enter")
        t.wait_for("交班说明")
        t.keys("Enter")
        t.wait_for("尚未接班确认")
        t2 = self.console_as("op2")
        t2.keys("m")
        t2.wait_for("尚未接班确认")
        t2.keys("A")
        t2.wait_for("接班人员")
        t2.type("孙值班")
        t2.keys("Enter")
        t2.wait_for("有异议之处")
        t2.keys("Enter")
        t2.wait_for("孙值班 接班")
        h = self.zs_json("handover", "list")[0]
        self.assertEqual((h["signed_by"], h["accepted_by"]), (self.USERS["op"], self.USERS["op2"]))

    def test_stranger_reads_only(self):
        self.readonly_config()
        before = self.zs_json("board")["counts"]["total"]
        t = self.console_as("stranger", 160, 30)      # wide: the whole refusal fits
        lines = t.wait_stable(quiet=0.15)
        self.assertTrue(lines[-1].startswith("只读："), lines[-1])
        self.assertNotIn("n 新登记", lines[-1])
        self.assertNotIn("e 曝光", lines[-1])
        t.keys("n")
        msg = self.refusal(t, "不是这个值守台的成员")
        self.assertIn(self.USERS["stranger"], msg)
        self.assertIn("member add", msg)
        self.assertNotIn("新登记：投诉", t.text())
        t.type("没有权限的登记")
        t.keys("C-s")
        t.keys("e")
        time.sleep(0.3)
        self.assertNotIn("曝光问题标题", t.text())
        self.assertNotIn("没有权限的登记", t.text())
        self.assertEqual(self.zs_json("board")["counts"]["total"], before)
        self.assertEqual(glob.glob(os.path.join(self.dir, "state-stranger", "*")), [])

    def open_newest_intake(self, t, iid):
        t.keys("Tab")
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        return t.wait_for("登记 #%d" % iid)

    def test_caller_masked_for_another_operator_unaudited(self):
        iid = int(self.zs_as("op", "log", "add", "--channel", "12315-hotline", "--kind", "complaint",
                             "--text", "来电人隐私测试", "--caller", "欧阳娜娜", "--phone", "13912345678").split()[0])
        t = self.console_as("op2")
        lines = self.open_newest_intake(t, iid)
        caller = [l for l in lines if "来电人：" in l][0]
        self.assertIn("欧***", caller)
        self.assertIn("139****5678", caller)
        text = "\n".join(lines)
        self.assertNotIn("欧阳娜娜", text)
        self.assertNotIn("13912345678", text)
        t.wait_stable(quiet=0.3)
        self.assertEqual(self.views(iid), [])

    def test_confidential_tip_giver_withheld_from_another_operator(self):
        # Order 20 art. 33: not even in part (钱**, 137****1234 leaked before).
        iid = int(self.zs_as("op", "log", "add", "--channel", "web", "--kind", "tip", "--text", "保密举报测试",
                             "--caller", "钱某某", "--phone", "13700001234", "--confidential").split()[0])
        t = self.console_as("op2")
        lines = self.open_newest_intake(t, iid)
        caller = [l for l in lines if "来电人：" in l][0]
        self.assertIn("（保密）", caller)
        text = "\n".join(lines)
        for part in ("钱", "1234", "137", "**"):
            self.assertNotIn(part, text)
        t.wait_stable(quiet=0.3)
        self.assertEqual(self.views(iid), [])

    def test_recorder_sees_the_caller_audited_once_per_opening(self):
        iid = int(self.zs_as("op", "log", "add", "--channel", "12315-hotline", "--kind", "complaint",
                             "--text", "来电人隐私测试", "--caller", "欧阳娜娜", "--phone", "13912345678").split()[0])
        t = self.console_as("op")
        lines = self.open_newest_intake(t, iid)
        caller = [l for l in lines if "来电人：" in l][0]
        self.assertIn("欧阳娜娜", caller)
        self.assertIn("13912345678", caller)
        t.wait_stable(quiet=0.3)
        self.assertEqual(self.views(iid), [self.USERS["op"]])
        # Repaints are not views: a resize, and a refresh when another
        # process commits (a new intake; a note on this one, to see it came).
        t.resize(120, 40)
        t.wait_until(lambda l: len(l) == 40 and l[0].startswith(" 登记 #%d" % iid), what="resized")
        t.resize(80, 24)
        t.wait_until(lambda l: len(l) == 24 and l[0].startswith(" 登记 #%d" % iid), what="resized back")
        self.log_add("详情打开时另一进程登记的")
        self.zs("log", "update", str(iid), "--note", "另一进程加的备注")
        t.wait_for("另一进程加的备注")
        t.wait_stable(quiet=0.3)
        self.assertEqual(self.views(iid), [self.USERS["op"]])
        # Leaving and opening it again is a second view.
        t.keys("Escape")
        t.wait_for("晚会曝光问题")
        t.keys("j", "Enter")            # the new intake is above it now
        lines = t.wait_for("登记 #%d" % iid)
        self.assertIn("欧阳娜娜", "\n".join(lines))
        t.wait_stable(quiet=0.3)
        self.assertEqual(self.views(iid), [self.USERS["op"]] * 2)


def board_rows_en(lines):
    t = find_line(lines, "Exposures")
    end = find_line(lines, "Intake log", t + 1)
    return [l for l in lines[t + 1:end] if not re.match(r"^ #\d+(?: latest instruction: |: no instruction yet)", l)]


class Quit(ConsoleTest):
    def test_q_quits_with_status_0(self):
        t = self.console(80, 24)
        t.keys("q")
        self.assertEqual(t.wait_dead(), 0)

    def test_q_with_a_draft_asks_first(self):
        """With a draft, q asks "quit anyway? y/n": n stays, a single y (no Enter) quits and keeps the draft."""
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.type("没写完")
        t.wait_for("没写完")
        t.keys("Escape")
        t.wait_for("草稿已保留")
        t.keys("q")
        t.wait_for("有未保存的登记草稿")
        t.type("n")                    # one key answers: no Enter
        t.wait_gone("有未保存的登记草稿")
        time.sleep(0.2)
        self.assertFalse(t.dead())
        t.keys("q")
        t.wait_for("有未保存的登记草稿")
        t.type("x")                    # another key leaves the question standing
        time.sleep(0.2)
        self.assertIn("有未保存的登记草稿", t.text())
        t.type("y")
        self.assertEqual(t.wait_dead(), 0)
        self.assertEqual(len(self.drafts()), 1)
        # offered back next time
        t2 = self.console(80, 24, wait=False)
        t2.wait_for("发现上次未保存的登记草稿")

    def test_ctrl_c_in_the_form_says_how_to_leave(self):
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.type("写了一半")
        t.wait_for("写了一半")
        t.keys("C-c")
        t.wait_for("Esc 离开并保留草稿；Ctrl-S 保存")
        self.assertFalse(t.dead())
        self.assertIn("写了一半", t.text())        # still in the form, nothing lost
        t.keys("Escape")
        t.wait_for("草稿已保留")

    def test_q_with_a_draft_question_is_readable(self):
        """The quit question must show in full: what it asks and that y/n answers it."""
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.type("没写完")
        t.wait_for("没写完")
        t.keys("Escape")
        t.wait_for("草稿已保留")
        t.keys("q")
        lines = t.wait_for("有未保存的登记草稿")
        text = "\n".join(lines[-2:])
        self.assertIn("仍要退出吗", text)
        self.assertIn("y/n", text)


class Widgets(ConsoleTest):
    """The console's shared building blocks: the pager, the list filter, the
    pick list, and hints and help drawn from one key table."""

    def open_newest_intake(self, t, iid):
        t.keys("Tab")            # the log pane; the newest intake is on top
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        return t.wait_for("登记 #%d" % iid)

    @staticmethod
    def body(lines):
        """The detail's text with the pager's line breaks taken out."""
        return "".join(l.strip() for l in lines[1:-1])

    def test_pager_shows_a_long_complaint_whole(self):
        words = "".join("第%d句：顾客说面包过期了，要求退款并赔偿。" % i for i in range(1, 41))
        text = words + "这是投诉的最后几个字"
        iid = self.log_add(text, subject="长投诉的商店")
        t = self.console(80, 24)
        lines = self.open_newest_intake(t, iid)
        self.assertNotIn("…", "\n".join(lines[1:-1]))      # wrapped, not cut
        self.assertIn("第1句：顾客说面包过期了", self.body(lines))
        self.assertNotIn("最后几个字", self.body(lines))     # below the window
        self.assertIn("PgDn", lines[0])                      # the title says there is more
        seen = self.body(lines)
        for _ in range(12):
            t.keys("Space")
            lines = t.wait_stable(quiet=0.1)
            seen += self.body(lines)
            if "最后几个字" in self.body(lines):
                break
        self.assertIn("这是投诉的最后几个字", self.body(lines))
        for i in (1, 20, 40):
            self.assertIn("第%d句：顾客说面包过期了，要求退款并赔偿。" % i, seen)
        t.keys("Home")
        lines = t.wait_until(lambda ls: "第1句" in self.body(ls), what="the top again")
        t.keys("End")
        t.wait_until(lambda ls: "最后几个字" in self.body(ls), what="the end again")

    def test_pager_breaks_lines_as_the_cli_does(self):
        # Lines of 37 to 39 characters before a "，" and before "08:00": in
        # the detail's 78 columns a break by width alone would start a line
        # with "，" (39) and cut the time (37, 38); text_wrap_line, as out_wrap.
        lines_ = ["顾" * k + "，要求退款。" for k in range(37, 40)]
        lines_ += ["说" * k + "08:00购买" for k in range(37, 40)]
        iid = self.log_add("\n".join(lines_), subject="断行测试店")
        t = self.console(80, 24)
        self.open_newest_intake(t, iid)
        lines = t.wait_until(lambda ls: sum("购买" in l for l in ls) == 3, what="the last summary line")
        body = [l.strip() for l in lines[1:-1]]
        for l in body:
            self.assertFalse(l.startswith("，") or l.startswith("。"), "\n".join(lines))
        self.assertEqual(sum("08:00" in l for l in body), 3, "\n".join(lines))

    def test_a_message_leaves_the_key_hints_readable(self):
        iid = self.log_add("提示行测试", subject="测试商店")
        t = self.console(80, 24)
        lines = self.open_newest_intake(t, iid)
        hints = lines[-1]
        self.assertIn("Esc/q 返回", hints)
        t.keys("a")
        t.wait_for("加备注：")
        t.type("已回电")
        t.keys("Enter")
        lines = t.wait_until(lambda ls: "已保存" in "\n".join(ls) and "加备注：" not in ls[-2], what="已保存")
        self.assertEqual(lines[-1], hints)                   # the keys, while the message shows
        self.assertEqual(lines[-2].strip(), "已保存")

    def test_filter_narrows_the_roster_and_says_no_match(self):
        t = self.console(80, 24)
        t.keys("r")
        t.wait_for("今晚值班表")
        # the whole page, not its first rows over the dashboard (ASan is slow)
        lines = t.wait_until(lambda ls: not any(re.match(r"^[ +]\d\d:\d\d #\d+ ", l) for l in ls),
                             what="the roster page drawn whole")
        lines = t.wait_stable(quiet=0.2)
        before = [l for l in lines[1:-1] if l.strip()]
        t.keys("f")
        t.wait_for("筛选：")
        t.type("消费者")
        lines = t.wait_until(lambda ls: "筛选：消费者" in ls[-2], what="the filter line")
        rows = [l for l in lines[1:-2] if l.strip()]
        self.assertTrue(rows)
        self.assertLess(len(rows), len(before))
        self.assertEqual([l.strip() for l in rows if not l.startswith(" ")], ["消费者协会"])
        # a name: that person's row under the unit's heading, nobody else
        # of the unit (a heading that does not match brings no group)
        row = before[[l.strip() for l in before].index("消费者协会") + 1].split()
        name = row[1] if row[0] == "带班" else row[0]
        t.keys("C-u")
        t.type(name)
        lines = t.wait_until(lambda ls: ("筛选：" + name) in ls[-2], what="the name in the filter")
        rows = [l for l in lines[1:-2] if l.strip()]
        self.assertEqual(rows[0].strip(), "消费者协会", rows)
        self.assertTrue(all(name in r for r in rows[1:]) and len(rows) >= 2, rows)
        t.type("不存在的人")
        lines = t.wait_for("没有匹配")
        self.assertEqual([l for l in lines[1:-2] if l.strip() and "没有匹配" not in l], [])
        t.keys("Escape")                 # the filter goes, every row is back
        lines = t.wait_until(lambda ls: "没有匹配" not in "\n".join(ls) and "筛选" not in ls[0], what="the whole roster")
        self.assertEqual([l for l in lines[1:-1] if l.strip()], before)

    def test_roster_filter_takes_pinyin_initials(self):
        # Walking the night: f then spaq in the roster found nothing, though
        # the pick lists take initials.
        night = self.zs_json("roster", "list")
        name = next(r["name"] for r in night if r["name"] == "孙丽华") if any(r["name"] == "孙丽华" for r in night) else None
        if not name:
            self.skipTest("the demo roster has no 孙丽华")
        t = self.console(80, 24)
        t.keys("r")
        t.wait_for("今晚值班表")
        t.keys("f")
        t.wait_for("筛选：")
        t.type("slh")
        lines = t.wait_until(lambda ls: "筛选：slh" in ls[-2], what="the filter line")
        rows = [l for l in lines[1:-2] if l.strip()]
        self.assertTrue(any("孙丽华" in l for l in rows), rows)

    def test_filter_narrows_search_results(self):
        t = self.console(80, 24)
        t.keys("/")
        t.wait_for("搜索（文字、#编号、电话或尾号")
        t.type("酸")
        t.keys("Enter")
        lines = t.wait_for("搜索「酸」")
        hits = [l for l in lines[1:-1] if l.startswith(("登记 #", "曝光 #"))]
        self.assertGreater(len(hits), 1)
        ident = re.match(r"(登记|曝光) #\d+", hits[-1]).group(0)
        t.keys("f")
        t.type(ident + " ")
        t.keys("Enter")
        lines = t.wait_until(lambda ls: "筛选：%s" % ident in ls[0] and not ls[-2].startswith("筛选："),
                             what="the filter kept in the title")
        rows = [l for l in lines[1:-1] if l.strip()]
        self.assertTrue(rows and all(ident in r for r in rows), rows)
        t.keys("f")
        t.type("没有这种词")
        t.wait_for("没有匹配")

    @staticmethod
    def hint_labels(line):
        """The keys of a hint line: "label word" pairs two spaces apart."""
        pairs = [p for p in re.split(r"\s{2,}", line.strip()) if p]
        if pairs and pairs[-1].endswith("…"):
            pairs.pop()                  # cut by the window: not a whole pair
        return [p.split(" ", 1)[0].replace("只读：", "") for p in pairs]

    def test_help_lists_what_the_hint_lines_show(self):
        t = self.console(80, 24)
        lines = t.wait_stable(quiet=0.15)
        dash = self.hint_labels(lines[-1])
        t.keys("Tab")
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        lines = t.wait_for("登记 #")
        detail = self.hint_labels(lines[-1])
        t.keys("Escape")
        t.wait_for("晚会曝光问题")
        t.keys("?")
        t.wait_for("帮助：所有按键")
        pairs, _ = collect_help(t)
        self.assertGreaterEqual(len(dash), 6, dash)
        self.assertIn("?", dash)
        for label in dash + detail:
            texts = [x for l, x in pairs if l == label]
            self.assertTrue(texts, "the hint line shows %r, help does not list it" % label)
        # the same row: the dashboard's n is "新登记" in both places
        self.assertTrue(lines and any(x.startswith("新登记") for l, x in pairs if l == "n"))

    def test_unit_chooser_offers_the_matching_units(self):
        iid = self.log_add("转办用选单位测试", subject="测试超市")
        t = self.console(80, 24)
        self.open_newest_intake(t, iid)
        t.keys("t")
        t.wait_for("转办到单位")
        t.type("食品")
        lines = t.wait_until(lambda ls: "筛选：食品" in ls[-2], what="the filter")
        units = [l.strip() for l in lines[1:-2] if l.strip()]
        self.assertIn("食品安全监管科", units)
        self.assertTrue(all("食品" in u for u in units), units)
        self.assertNotIn("未知单位", "\n".join(lines))
        self.assertEqual(units[0], "食品安全监管科")          # the start of a name ranks first
        # the pinyin initials find it too, best first
        t.keys("C-u")
        t.type("spaq")
        lines = t.wait_until(lambda ls: "筛选：spaq" in ls[-2], what="the initials")
        self.assertEqual(lines[1].strip(), "食品安全监管科")
        pick = lines[1].strip()
        t.keys("Enter")
        lines = t.wait_for("已保存")
        got = self.zs_json("log", "show", str(iid))
        self.assertEqual(got["transfer_unit"], pick)
        self.assertEqual(got["status"], "transferred")
        # Esc leaves the pick list and changes nothing
        t.keys("t")
        t.wait_for("转办到单位")
        t.type("综合")
        t.keys("Escape")
        t.wait_for("登记 #%d" % iid)
        self.assertEqual(self.zs_json("log", "show", str(iid))["transfer_unit"], pick)



class Local(ConsoleTest):
    """An exposure's local businesses from its page: e lists the register's
    candidates (Tab confirms, Enter saves), N settles 不涉及 after y/n; the
    board shows 涉及N户."""

    def test_confirm_withdraw_and_none_from_the_exposure(self):
        t = self.console(80, 24)
        eid, lines = Views.open_overdue_exposure(self, t)
        cands = self.zs_json("expose", "local", str(eid))
        self.assertGreaterEqual(len(cands), 2)
        self.assertIn("登记册候选 %d 户" % len(cands), "\n".join(lines))
        t.keys("e")
        t.wait_for("本地主体（候选 %d 户）" % len(cands))
        t.wait_until(lambda ls: cands[1]["uscc"] in "\n".join(ls), what="the candidates")
        t.keys("Tab")
        t.keys("Down")
        t.keys("Tab")
        t.wait_for("✓ " + cands[1]["uscc"])
        t.keys("Enter")
        t.wait_for("已核实：本地涉及 2 户")
        got = self.zs_json("expose", "local", str(eid))
        self.assertEqual(sorted(x["uscc"] for x in got if x["confirmed"]), sorted([cands[0]["uscc"], cands[1]["uscc"]]))
        lines = t.wait_for("涉及（2 户）")
        self.assertIn("✓ " + cands[0]["name"], "\n".join(lines))
        # Opened again, the confirmed start marked; unmarking one withdraws it.
        t.keys("e")
        t.wait_for("✓ " + cands[1]["uscc"])
        t.keys("Tab")                          # the first row: unmarked
        t.wait_until(lambda ls: ("✓ " + cands[0]["uscc"]) not in "\n".join(ls), what="unmarked")
        t.keys("Enter")
        t.wait_for("已核实：本地涉及 1 户")
        self.assertEqual([x["uscc"] for x in self.zs_json("expose", "local", str(eid)) if x["confirmed"]],
                         [cands[1]["uscc"]])
        # The board: 涉及1户 on the exposure's row.
        t.keys("q")
        t.wait_until(lambda ls: any("过期面包" in l and "涉及1户" in l for l in ls), what="the board's 涉及1户")
        # N asks first: n changes nothing, y settles 不涉及.
        t.keys("Enter")                        # the board kept its selection
        t.wait_for("曝光问题 #%d" % eid)
        t.keys("N")
        t.wait_for("核实后本地不涉及")
        t.keys("n")
        t.wait_for("曝光问题 #%d" % eid)
        self.assertEqual(self.zs_json("expose", "show", str(eid))["local_count"], 1)
        t.keys("N")
        t.wait_for("核实后本地不涉及")
        t.keys("y")
        t.wait_for("已核实：本地不涉及")
        shown = self.zs_json("expose", "show", str(eid))
        self.assertEqual((shown["local"], shown["local_count"], shown["status"]), ("no", 0, "no-local"))


class Picks(ConsoleTest):
    """Pick instead of type (issue 12): the exposure of a link, the original
    of a duplicate, the category, assisting units and handover names come
    from a list that narrows as Chinese, digits or pinyin initials are
    typed; Enter takes the highlighted row, Esc changes nothing."""

    def open_intake(self, t, iid):
        t.keys("Tab")            # the log pane; the newest intake is on top
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        return t.wait_for("登记 #%d" % iid)

    def test_link_picks_the_exposure_from_a_list(self):
        iid = self.log_add("选曝光关联测试", subject="测试商店")
        exps = self.zs_json("expose", "list", "--all")
        t = self.console(80, 24)
        self.open_intake(t, iid)
        t.keys("l")
        lines = t.wait_for("关联曝光问题：打字筛选")
        rows = [l.strip() for l in lines[1:-2] if l.strip()]
        # every exposure as "#N 标题", so the number is on the screen
        for e in exps[:len(rows)]:
            self.assertTrue(any(r.startswith("#%d %s" % (e["id"], e["title"][:8])) for r in rows), (e, rows))
        # Chinese narrows the list; Esc leaves and links nothing
        sq = [e for e in exps if "酸菜" in e["title"]][0]
        t.type("酸菜")
        lines = t.wait_until(lambda ls: "筛选：酸菜" in ls[-2], what="the filter")
        self.assertTrue(lines[1].strip().startswith("#%d " % sq["id"]), lines[1])
        t.keys("Escape")
        t.wait_for("登记 #%d" % iid)
        self.assertIsNone(self.zs_json("log", "show", str(iid))["exposure_id"])
        # the pinyin initials of the title (过期面包: gqmb) find it; Enter links it
        gq = [e for e in exps if "过期面包" in e["title"]][0]
        t.keys("l")
        t.wait_for("关联曝光问题：打字筛选")
        t.type("gqmb")
        lines = t.wait_until(lambda ls: "筛选：gqmb" in ls[-2], what="the initials")
        self.assertTrue(lines[1].strip().startswith("#%d " % gq["id"]), lines[1])
        t.keys("Enter")
        t.wait_for("已保存")
        self.assertEqual(self.zs_json("log", "show", str(iid))["exposure_id"], gq["id"])
        # the list starts on the exposure linked now
        t.keys("l")
        lines = t.wait_for("关联曝光问题：打字筛选")
        t.keys("Enter")
        t.wait_for("已保存")
        self.assertEqual(self.zs_json("log", "show", str(iid))["exposure_id"], gq["id"])

    def test_a_typed_number_ranks_that_item_first(self):
        # #15 among #150-#159, times like 21:15 and summaries holding 15
        iid = self.log_add("编号排序测试：15 元的商品", subject="十五号店")
        t = self.console(80, 24)
        self.open_intake(t, iid)
        t.keys("d")
        t.wait_for("重复于哪一件")
        t.type("15")
        lines = t.wait_until(lambda ls: "筛选：15" in ls[-2], what="the filter")
        self.assertTrue(lines[1].startswith("#15 "), lines[1])
        self.assertTrue(lines[2].strip(), "other rows holding 15 are listed too")
        t.keys("Enter")
        t.wait_for("已保存")
        self.assertEqual(self.zs_json("log", "show", str(iid))["duplicate_of"], 15)

    def test_duplicate_list_starts_on_the_item_the_form_warned_about(self):
        first = self.log_add("第一次来电：面包发霉要求退款", phone="13911112222", subject="测试面包房")
        for k in range(3):    # newer intakes between the two
            self.log_add("无关的登记 %d" % k, subject="别的店%d" % k)
        iid = self.log_add("又来电：面包发霉还没处理", phone="13911112222", subject="测试面包房")
        t = self.console(80, 24)
        # the form warns about it before saving
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("Tab")
        t.type("13911112222")
        t.wait_for("! 可能重复：第 %d 件" % iid)
        t.keys("Escape")
        t.wait_for("草稿已保留")
        self.open_intake(t, iid)
        t.keys("d")
        t.wait_for("重复于哪一件")
        # the list paints after its title: wait for the original's row
        lines = t.wait_until(lambda ls: any(l.startswith("#%d " % first) for l in ls),
                             what="the original's row")
        # recent intakes as "#N 时间 主体 摘要", newest first, itself left out
        self.assertTrue(lines[1].startswith("#%d " % (iid - 1)), lines[1])
        self.assertFalse(any(l.startswith("#%d " % iid) for l in lines))
        row = [l for l in lines if l.startswith("#%d " % first)][0]
        self.assertRegex(row, r"^#%d \d\d-\d\d \d\d:\d\d 测试面包房 第一次来电" % first)
        # the highlighted row (reverse video) is the likely original
        sel = [l for l in t.capture(escapes=True) if "\x1b[7m" in l or ";7m" in l]
        self.assertTrue(any("#%d " % first in l for l in sel), sel)
        t.keys("Enter")
        t.wait_for("已保存")
        got = self.zs_json("log", "show", str(iid))
        self.assertEqual((got["status"], got["duplicate_of"]), ("duplicate", first))

    def test_pick_lists_start_on_the_cores_suggestion(self):
        # Walking the night: l on an intake about 翻新机 started on #1 酸菜,
        # and d started on an item that was itself a duplicate.
        exps = self.zs_json("expose", "list", "--all")
        sq = [e for e in exps if "酸菜" in e["title"]][0]
        iid = self.log_add("买到的酸菜是土坑酸菜，要求退款", subject="老坛香酸菜")
        sugg = self.zs_json("log", "show", str(iid))
        t = self.console(80, 24)
        self.open_intake(t, iid)
        t.keys("l")
        t.wait_for("关联曝光问题：打字筛选")
        sel = [l for l in t.capture(escapes=True) if "\x1b[7m" in l or ";7m" in l]
        self.assertTrue(any("#%d " % sq["id"] in l for l in sel), sel)
        t.keys("Escape")
        t.wait_for("登记 #%d" % iid)
        # an original that is itself a duplicate: the list starts on its original
        first = self.log_add("第一次：面包发霉", phone="13922223333", subject="测试面包二店")
        second = self.log_add("第二次：面包发霉", phone="13922223333", subject="测试面包二店")
        self.zs("log", "update", str(second), "--duplicate-of", str(first))
        third = self.log_add("第三次：面包发霉", phone="13922223333", subject="测试面包二店")
        t.keys("Escape")
        t.wait_stable(quiet=0.15)
        t.keys("g")
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        t.wait_for("登记 #%d" % third)
        t.keys("d")
        t.wait_for("重复于哪一件")
        sel = [l for l in t.capture(escapes=True) if "\x1b[7m" in l or ";7m" in l]
        self.assertTrue(any("#%d " % first in l for l in sel), sel)

    def test_morning_handover_names_come_from_last_nights_roster(self):
        # Walking the morning at 08:30, S offered only the members: last
        # night's 24 on duty were missing, and a typed name looked refused.
        night = self.zs_json("roster", "list", "--date", "2026-03-15")
        self.assertTrue(night)
        self.zs("demo", "clock", "03-16 08:30")
        t = self.console(80, 24)
        t.keys("m")
        t.wait_for("早班回顾")
        t.keys("S")
        t.wait_for("在班人员")
        name = night[0]["name"]
        t.type(name[:1])
        lines = t.wait_for(name)
        # a name on no list is taken as typed, and the list says so
        for _ in range(len(name[:1])):
            t.keys("BSpace")
        t.type("外来支援")
        t.wait_for("不在名单上：Enter 按打的字记下")

    def test_category_is_picked_by_typing(self):
        t = self.console(80, 24)
        t.keys("n")
        t.wait_for("新登记：投诉")
        t.keys("BTab")                         # caller -> category
        lines = t.wait_for("打字筛选")
        row = self.field_line(lines, "分类")
        t.type("食")
        lines = t.wait_for("分类：打字筛选")
        shown = [l.strip() for l in lines[1:-2] if l.strip()]
        self.assertEqual(shown[0], "食品")
        self.assertTrue(all("食" in c for c in shown), shown)
        t.keys("Escape")                       # nothing changes
        lines = t.wait_for("新登记：投诉")
        self.assertIn("（未选）", lines[row])
        t.type("bjsp")                         # pinyin initials: 保健食品
        t.wait_for("筛选：bjsp")
        t.keys("Enter")
        lines = t.wait_for("新登记：投诉")
        self.assertIn("< 保健食品 >", lines[row])
        t.keys("Tab", "Tab", "Tab", "Tab", "Tab")
        t.type("分类选单测试")
        t.wait_for("分类选单测试")
        t.keys("C-s")
        t.wait_for("已登记 #")
        self.assertEqual(self.zs_json("log", "show", str(self.newest()["id"]))["category"], "health-food")

    def test_assisting_units_are_marked_in_the_unit_list(self):
        t = self.console(80, 24)
        eid, _ = Views.open_overdue_exposure(self, t)
        before = [u for u in self.zs_json("expose", "show", str(eid))["assist_units"].split(";") if u]
        self.assertNotIn("食品安全监管科", before)
        t.keys("A")
        lines = t.wait_for("协办单位：打字筛选")
        for u in before:                       # the current ones start marked
            self.assertIn("✓ " + u, "\n".join(lines))
        t.type("spaq")
        t.wait_until(lambda ls: ls[1].strip().endswith("食品安全监管科"), what="spaq")
        t.keys("Tab")
        t.type("执法")
        t.wait_until(lambda ls: "综合行政执法支队" in ls[1], what="执法")
        t.keys("Tab")
        lines = t.wait_for("✓ 综合行政执法支队")
        self.assertIn("✓ 食品安全监管科", "\n".join(lines))
        t.keys("Enter")
        t.wait_for("已保存")
        after = self.zs_json("expose", "show", str(eid))["assist_units"].split(";")
        self.assertEqual(sorted(after), sorted(before + ["食品安全监管科", "综合行政执法支队"]))
        # Esc changes nothing, whatever was marked
        t.keys("A")
        t.wait_for("协办单位：打字筛选")
        t.type("xyjg")
        t.keys("Tab", "Escape")
        t.wait_for("曝光问题 #%d" % eid)
        self.assertEqual(self.zs_json("expose", "show", str(eid))["assist_units"].split(";"), after)

    def test_handover_names_picked_from_the_night(self):
        roster = self.zs_json("roster", "list")
        tonight = max(r["date"] for r in roster)
        names = []
        for r in roster:
            if r["date"] == tonight and r["name"] not in names:
                names.append(r["name"])
        t = self.console(80, 24)
        t.keys("m")
        t.wait_for("早班回顾")
        t.keys("S")
        lines = t.wait_for("交班：在班人员")
        shown = [l.strip() for l in lines[1:-2] if l.strip()]
        self.assertEqual(shown[:3], names[:3])
        # two people: the first by its name, the second from the list
        t.type(names[0])
        t.wait_until(lambda ls: ls[1].strip() == names[0], what=names[0])
        t.keys("Tab")
        t.wait_for("✓ " + names[0])
        t.keys("Down", "Tab")
        t.wait_for("✓ " + names[1])
        t.keys("Enter")
        t.wait_for("交班说明")
        t.keys("Enter")
        t.wait_for("尚未接班确认")
        got = sorted(self.zs_json("handover", "list")[0]["names"].split("、"))
        self.assertEqual(got, sorted(names[:2]))



class SeveralLines(ConsoleTest):
    """The summary and the note and instruction prompts take line breaks
    (Ctrl-J, shown in the hint line); stored with \\n; the pager shows them
    as lines (issue 12)."""

    def test_summary_of_several_lines(self):
        t = self.console(80, 24)
        t.keys("n")
        lines = t.wait_for("新登记：投诉")
        self.assertIn("Ctrl-J 换行", lines[-1])
        t.keys("Tab", "Tab", "Tab", "Tab")
        t.type("第一行内容")
        t.keys("C-j")
        t.type("第二行内容")
        lines = t.wait_for("第二行内容")
        row = self.field_line(lines, "内容摘要")
        self.assertIn("第一行内容↵", lines[row])            # the break shown, and the next row
        self.assertEqual(slice_cols(lines[row + 1], 12).strip(), "第二行内容")
        self.assertEqual(self.field_line(lines, "工单号"), row + 5)   # Ctrl-J did not move on
        t.keys("C-s")
        t.wait_for("已登记 #")
        iid = self.newest()["id"]
        self.assertEqual(self.zs_json("log", "show", str(iid))["summary"], "第一行内容\n第二行内容")
        t.keys("Tab")
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        t.wait_for("登记 #%d" % iid)
        # the whole page, not the first rows painted over the dashboard
        def both(ls):
            return any(a.strip() == "第一行内容" and b.strip() == "第二行内容" for a, b in zip(ls, ls[1:]))
        lines = t.wait_until(both, what="the summary's two lines")
        k = [i for i, l in enumerate(lines) if l.strip() == "第一行内容"]
        self.assertTrue(k, "\n".join(lines))
        self.assertEqual(lines[k[0] + 1].strip(), "第二行内容")

    def test_note_and_instruction_of_several_lines(self):
        iid = self.log_add("多行备注测试", subject="测试商店")
        t = self.console(80, 24)
        t.keys("Tab")
        t.wait_stable(quiet=0.15)
        t.keys("Enter")
        t.wait_for("登记 #%d" % iid)
        t.keys("a")
        lines = t.wait_for("加备注：")
        self.assertIn("Ctrl-J 换行", lines[-1])
        t.type("已联系来电人")
        t.keys("C-j")
        t.type("明早回访")
        t.wait_for("已联系来电人↵明早回访")
        t.keys("Enter")
        lines = t.wait_for("已保存")
        self.assertIn("已联系来电人\n明早回访", self.zs_json("log", "show", str(iid))["notes"])
        k = [i for i, l in enumerate(lines) if l.rstrip().endswith("已联系来电人")]
        self.assertTrue(k, "\n".join(lines))
        self.assertEqual(lines[k[0] + 1].strip(), "明早回访")
        t = self.console(80, 24)             # a fresh one: the board has the focus
        eid, _ = Views.open_overdue_exposure(self, t)
        t.keys("i")
        t.wait_for("写批示：")
        t.type("连夜排查")
        t.keys("C-j")
        t.type("早八点前报告")
        t.keys("Enter")
        lines = t.wait_for("已保存")
        shown = self.zs_json("expose", "show", str(eid))
        self.assertIn("连夜排查\n早八点前报告", json.dumps(shown, ensure_ascii=False).replace("\\n", "\n"))
        k = [i for i, l in enumerate(lines) if "批示：连夜排查" in l]
        self.assertTrue(k, "\n".join(lines))
        self.assertTrue(lines[k[0] + 1].startswith("     早八点前报告"), lines[k[0] + 1])


class Prompts(ConsoleTest):
    """A prompt that starts with the current value shows it selected: typing
    replaces it, Enter keeps it, an arrow edits it (issue 12)."""

    def industry_prompt(self, t):
        t.keys("n")
        return t.wait_until(lambda ls: ls[-2].startswith("行业："), what="the prompt")

    def test_current_value_is_replaced_kept_or_edited(self):
        t = self.console(80, 24)
        eid, _ = Views.open_overdue_exposure(self, t)
        cur = self.zs_json("expose", "show", str(eid))["industry"]
        self.assertTrue(cur, "the demo exposure has an industry")
        lines = self.industry_prompt(t)
        self.assertIn("行业：" + cur, lines[-2])
        # shown selected: the value in reverse video on the prompt line
        line = t.capture(escapes=True)[-2]
        self.assertRegex(line, r"\x1b\[[0-9;]*7m(\x1b\[[0-9;]*m)*" + re.escape(cur))
        # Enter keeps it
        t.keys("Enter")
        t.wait_for("未改动")
        self.assertEqual(self.zs_json("expose", "show", str(eid))["industry"], cur)
        # typing replaces it
        self.industry_prompt(t)
        t.type("餐饮")
        lines = t.wait_until(lambda ls: ls[-2].startswith("行业：餐饮"), what="replaced")
        self.assertNotIn(cur, lines[-2])
        t.keys("Enter")
        t.wait_for("已保存")
        self.assertEqual(self.zs_json("expose", "show", str(eid))["industry"], "餐饮")
        # an arrow ends the selection: the key edits the value
        self.industry_prompt(t)
        t.keys("End")
        t.type("服务")
        t.wait_for("行业：餐饮服务")
        t.keys("Enter")
        t.wait_for("已保存")
        self.assertEqual(self.zs_json("expose", "show", str(eid))["industry"], "餐饮服务")
        # Backspace clears a selected value at once; Esc changes nothing
        self.industry_prompt(t)
        t.keys("BSpace")
        t.wait_until(lambda ls: ls[-2].rstrip() == "行业：", what="cleared")
        t.keys("Escape")
        t.wait_until(lambda ls: not ls[-2].startswith("行业："), what="the prompt gone")
        self.assertEqual(self.zs_json("expose", "show", str(eid))["industry"], "餐饮服务")

    def test_companies_prompt_starts_with_the_companies(self):
        t = self.console(80, 24)
        eid, _ = Views.open_overdue_exposure(self, t)
        cur = self.zs_json("expose", "show", str(eid))["companies"]
        t.keys("c")
        lines = t.wait_for("涉事企业（分号隔开）：")
        self.assertIn(cur[:10], lines[-2])
        t.keys("End")
        t.type(";新增企业")
        t.keys("Enter")
        t.wait_for("已保存")
        self.assertEqual(self.zs_json("expose", "show", str(eid))["companies"], cur + ";新增企业")


if __name__ == "__main__":
    if not tmuxdrv.TMUX:
        print("tmux is not installed: console tests skipped")
        sys.exit(77)            # meson: skipped
    unittest.main(verbosity=2)
