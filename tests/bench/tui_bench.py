#!/usr/bin/python3
"""Console benchmarks: the real `zhishou` console under pseudo-terminals.

No tmux in the loop: each console runs on a pty this script owns (os.openpty,
TIOCSWINSZ for the size, TERM=xterm-256color), everything it writes is read
with a timestamp, and a terminal emulator (pyte, Debian package python3-pyte)
replays those bytes to decide when the expected picture is on the screen.
Timestamps are taken in a tight poll()/read() loop; the emulator runs only
while the console is quiet, so it does not delay the reads it measures.

Figures (issue 3, "Benchmarks"), at the big database unless said otherwise:
  first     time to the first complete frame: spawn -> the last byte of the
            paint that shows the header (值守台), every log row and the key
            hints, at the small and the big database; page cache warm, and
            (at the very end) with the database's pages dropped from it
            (posix_fadvise), as is paging then
  keys      key press -> last byte of the repaint that shows the expected
            change: paging (Space) and moving/scrolling (j) in the log right
            after start (and log rows the paging never showed), the form
            opening (n), typing Latin and Chinese into the caller, phone,
            business and summary fields (the last three run the core's
            duplicate check and exposure suggestion as typed); Space and
            typing again while another process logs an intake every 0.25 s
  bytes     bytes written to the terminal for one `zhishou log add` from
            another process at 160x48, at the newest page and scrolled back,
            next to a full repaint (Ctrl-L)
  rss       VmHWM of the console after its first frame and after 200 scroll
            keys, at the small and at the big database
  prop      CONSOLES consoles (each its own process and pty, 120x40); ADDS
            times a `zhishou log add` with a unique text: the delay from the
            add process's exit (its commit is done by then) to the text on
            each console's screen

Usage:
  tui_bench.py --bin ZHISHOU --db-big DB --db-small DB [--config CONF]
               [--now "2025-03-15 22:30"] [--summary FILE] [--out DIR]
               [--sections first,keys,bytes,rss,prop] [--keys 100]

The databases get new intakes (`log add`): pass copies.  A database may be a
postgresql:// URI (run.sh BACKEND=postgresql: the prop part only, as the
others read the database's file).  Prints a report,
appends rows (what, figure, target, verdict) to --summary for run.sh, and
leaves every sample (tui-samples.tsv) and the raw bytes of one update and of
a full repaint (tui-*.raw) in --out.
Exit status 0 when it ran, 1 when the console did not show what it should
(keys without the expected picture, adds never shown: findings, unlike a
time over its target), 2 on bad arguments, 3 without pyte or when it could
not run.
"""
import argparse
import errno
import fcntl
import math
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import traceback
import unicodedata

try:
    import pyte
except ImportError:
    sys.stderr.write("tui_bench.py: needs pyte (Debian package python3-pyte) for %s\n" % sys.executable)
    sys.exit(3)

now = time.perf_counter

TERM = "xterm-256color"
GAP = 0.003        # chunks closer than this belong to one repaint
QUIET = 0.015      # the console is idle after this long without output
KEY_TIMEOUT = 3.0


# ---------------------------------------------------------------- emulator

class Screen(pyte.Screen):
    """pyte plus what ncurses uses under xterm-256color and pyte lacks:
    REP (CSI n b), SU (CSI n S), SD (CSI n T)."""

    def __init__(self, cols, rows):
        super().__init__(cols, rows)
        self.last_char = None

    def draw(self, data):
        super().draw(data)
        if data:
            self.last_char = data[-1]

    def repeat_last(self, count=1, *args, **kw):
        if self.last_char:
            super().draw(self.last_char * max(count, 1))

    def scroll_up(self, count=1, *args, **kw):
        y = self.cursor.y
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        self.cursor.y = bottom
        for _ in range(max(count, 1)):
            self.index()
        self.cursor.y = y

    def scroll_down(self, count=1, *args, **kw):
        y = self.cursor.y
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        self.cursor.y = top
        for _ in range(max(count, 1)):
            self.reverse_index()
        self.cursor.y = y


class Stream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, b="repeat_last", S="scroll_up", T="scroll_down")


def cells(scr, y, x0=0, x1=None):
    """The text of row y from column x0 to x1, wide characters once."""
    line = scr.buffer[y]
    out = []
    for x in range(x0, scr.columns if x1 is None else x1):
        d = line[x].data
        if d:
            out.append(d)
    return "".join(out)


def row(scr, y):
    return cells(scr, y)


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


# ---------------------------------------------------------------- console

class Proc:
    """A child started with posix_spawn: Popen's preexec_fn (needed for a
    controlling terminal) forks the whole interpreter and costs ~10 ms, which
    would count as console start-up."""

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(st)
        return self.returncode

    def wait(self):
        if self.returncode is None:
            _, st = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(st)
        return self.returncode

    def send_signal(self, sig):
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self):
        self.send_signal(signal.SIGKILL)


def proc_status(pid):
    """VmRSS and VmHWM of a process in KiB ({} once it is gone)."""
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out


def read_pty(fd):
    """What a non-blocking pty master has now: bytes, None when nothing is
    waiting, b"" when the console side is closed (EIO on Linux)."""
    try:
        return os.read(fd, 65536)
    except BlockingIOError:
        return None
    except OSError as e:
        if e.errno != errno.EIO:
            raise
        return b""


class Console:
    def __init__(self, argv, env, cols, rows):
        self.cols, self.rows = cols, rows
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        path = os.ttyname(slave)
        # A new session that opens the pty: it becomes the controlling
        # terminal, as under a real terminal emulator.  Our own descriptors
        # are close-on-exec (PEP 446).
        self.t_spawn = now()
        pid = os.posix_spawnp(argv[0], argv, env, setsid=True, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, path, os.O_RDWR, 0),
            (os.POSIX_SPAWN_DUP2, 0, 1),
            (os.POSIX_SPAWN_DUP2, 0, 2)])
        self.proc = Proc(pid)
        os.close(slave)
        os.set_blocking(master, False)
        self.fd = master
        self.chunks = []        # (time, bytes) as read
        self.fed = 0            # chunks replayed into the screen
        self.eof = False
        self.screen = Screen(cols, rows)
        self.stream = Stream(self.screen)

    # Reading: timestamps only, no emulation.
    def read(self):
        n = 0
        while not self.eof:
            d = read_pty(self.fd)
            if d is None:
                break
            if not d:
                self.eof = True
                break
            self.chunks.append((now(), d))
            n += len(d)
        return n

    def wait_output(self, timeout):
        """Block up to timeout for output; read it.  Returns bytes read."""
        if timeout > 0:
            r, _, _ = select.select([self.fd], [], [], timeout)
            if not r:
                return 0
        return self.read()

    def feed_next(self):
        t, d = self.chunks[self.fed]
        self.stream.feed(d)
        self.fed += 1
        return t, d

    def sync(self):
        while self.fed < len(self.chunks):
            self.feed_next()

    def settle(self, quiet=0.1, limit=5.0):
        """Read until nothing came for `quiet`; replay everything."""
        end = now() + limit
        while now() < end:
            if not self.wait_output(quiet):
                break
        self.sync()

    def write(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        os.write(self.fd, data)

    def status(self):
        return proc_status(self.proc.pid)

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            end = now() + 3
            while self.proc.poll() is None and now() < end:
                self.wait_output(0.05)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        try:
            os.close(self.fd)
        except OSError:
            pass

    def burst(self, k, lo=0):
        """Indexes [a, b] of the repaint that contains chunk k."""
        a = k
        while a - 1 >= lo and self.chunks[a][0] - self.chunks[a - 1][0] < GAP:
            a -= 1
        b = k
        while b + 1 < len(self.chunks) and self.chunks[b + 1][0] - self.chunks[b][0] < GAP:
            b += 1
        return a, b

    def bytes_in(self, a, b):
        return sum(len(self.chunks[i][1]) for i in range(a, b + 1))


class Adder(threading.Thread):
    """Another operator: one `zhishou log add` every `interval` seconds."""

    def __init__(self, argv, env, interval=0.25):
        super().__init__(daemon=True)
        self.argv, self.env, self.interval = argv, env, interval
        self.halt = threading.Event()
        self.n = 0

    def run(self):
        while not self.halt.is_set():
            r = subprocess.run(self.argv + ["背景登记 %d" % self.n], env=self.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.n += r.returncode == 0
            self.halt.wait(self.interval)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.halt.set()
        self.join()


class Event:
    """What one action caused: latency to the change and to the end of its
    repaint, and that repaint's size."""

    def __init__(self, seen, done, nbytes, rows_touched, a, b):
        self.seen, self.done, self.nbytes, self.rows_touched = seen, done, nbytes, rows_touched
        self.a, self.b = a, b       # chunk indexes of the repaint


def await_change(con, t0, pred, timeout=KEY_TIMEOUT, mark=None, diff=False):
    """Read until `pred(screen)` holds, looking at chunks from `mark` on
    (default: from now).  The emulator catches up only while the console is
    quiet.  Returns an Event (times relative to t0) or None."""
    if mark is None:
        mark = len(con.chunks)
    end = t0 + timeout
    before = snapshot(con.screen) if diff else None
    while True:
        left = end - now()
        if left <= 0:
            con.sync()
            return None
        got = con.wait_output(min(QUIET, left))
        if got:
            continue
        # Quiet: replay what came, chunk by chunk.
        while con.fed < len(con.chunks):
            k = con.fed
            con.feed_next()
            if k >= mark and pred(con.screen):
                a, b = con.burst(k, mark)
                while con.fed <= b:
                    con.feed_next()
                changed = sum(x != y for x, y in zip(before, snapshot(con.screen))) if diff else None
                con.sync()
                return Event(con.chunks[k][0] - t0, con.chunks[b][0] - t0, con.bytes_in(a, b), changed, a, b)
        if con.eof:
            return None


def press(con, key, pred, timeout=KEY_TIMEOUT, pause=(0.01, 0.03)):
    """Settle, send a key, wait for pred.  Keys arrive at a typist's pace,
    never while a paint is running."""
    con.settle(quiet=QUIET)
    time.sleep(random.uniform(*pause))
    con.read()
    con.sync()
    t0 = now()
    con.write(key)
    return await_change(con, t0, pred, timeout)


def pctl(xs, p):
    """Nearest-rank percentile."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, math.ceil(p / 100.0 * len(s)) - 1))
    return s[k]


def ms(x):
    return x * 1000.0


# ---------------------------------------------------------------- the dashboard's picture

LOG_ROW = re.compile(r"^[ +](\d\d:\d\d) (?:#(\d+)(…)?)?")


class LogRow:
    __slots__ = ("y", "shown", "cut", "selected", "text")

    def __init__(self, y, shown, cut, selected, text):
        self.y, self.shown, self.cut, self.selected, self.text = y, shown, cut, selected, text

    def is_id(self, ident):
        """Whether this row can be intake `ident`: at 160 columns the id
        column shows "#123456"; an id too long for it is cut ("#10000…")."""
        if not self.shown:
            return True           # narrow layout: no id column
        return str(ident).startswith(self.shown) if self.cut else int(self.shown) == ident


def log_rows(scr):
    """The log rows on the dashboard, top to bottom.  Board rows start with
    a level (特大…), not a time, and the header and counters are above y=3."""
    out = []
    for y in range(3, scr.lines - 1):
        text = row(scr, y)
        m = LOG_ROW.match(text)
        if m:
            out.append(LogRow(y, m.group(2), bool(m.group(3)), scr.buffer[y][2].reverse, text))
    return out


def page_top(rows):
    """The id of the first row if the rows are consecutive ids (newest
    first); 0 when no id is readable (all cut); None when not consecutive."""
    anchor = next((i for i, r in enumerate(rows) if r.shown and not r.cut), None)
    if anchor is None:
        return 0
    top = int(rows[anchor].shown) + anchor
    return top if all(r.is_id(top - i) for i, r in enumerate(rows)) else None


def newest_id(db):
    """The newest intake id, read-only: the anchor of the first page when
    its ids are too long for their column."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute("SELECT max(id) FROM intake").fetchone()[0] or 0
    finally:
        con.close()


def selected(rows):
    return next((i for i, r in enumerate(rows) if r.selected), None)


def snapshot(scr):
    return [tuple((c.data, c.fg, c.bg, c.bold, c.reverse) for c in (scr.buffer[y][x] for x in range(scr.columns)))
            for y in range(scr.lines)]


def has_header(scr):
    return "值守台" in row(scr, 0)


def has_hints(scr):
    last = row(scr, scr.lines - 1)
    return "n 新登记" in last and "q 退出" in last


def frame_complete(expect_rows):
    def pred(scr):
        return has_header(scr) and has_hints(scr) and len(log_rows(scr)) >= expect_rows
    return pred


# ---------------------------------------------------------------- bench

class Bench:
    def __init__(self, a):
        self.a = a
        self.results = []     # (section, what, figure, target, verdict)
        self.problems = []    # what the console failed to show (exit status 1)
        self.state = tempfile.mkdtemp(prefix="zhishou-tui-state.")
        self.out = a.out or self.state
        env = {k: v for k, v in os.environ.items() if k not in ("LINES", "COLUMNS", "TMUX", "NO_COLOR")}
        env.update(TERM=TERM, LC_ALL="C.UTF-8", LANG="C.UTF-8", ZHISHOU_NOW=a.now, ZHISHOU_STATE_DIR=self.state)
        env.pop("ZHISHOU_LANG", None)
        self.env = env
        self.uniq = random.Random(os.getpid()).randrange(1 << 20)
        self.raw = {}
        self.samples = []     # (what, index, seen ms, done ms, bytes)

    def argv(self, db, *args):
        v = [self.a.bin]
        if self.a.config:
            v += ["--config", self.a.config]
        return v + ["--db", db] + list(args)

    def console(self, db, cols, rows):
        # A fresh draft directory each time: no "draft found" message.
        for f in os.listdir(self.state):
            if f.startswith(("draft-", "last-channel-")):
                os.unlink(os.path.join(self.state, f))
        return Console(self.argv(db), self.env, cols, rows)

    def report(self, section, what, figure, target="", verdict="", summary=False, problem=False):
        """One line of the report; rows with a target (or summary=True) also
        go to run.sh's summary.  problem=True: the console did not show what
        it should (not a time over its target); the exit status says so."""
        if problem:
            self.problems.append(what.strip())
        self.results.append((section, what, figure, target, verdict, summary or bool(target)))
        print("  %-58s %-34s %s" % (what, figure, (target + " " + verdict).strip()))
        sys.stdout.flush()

    def adder(self, db):
        return Adder(self.argv(db, "log", "add", "--channel", "12345", "--kind", "complaint", "--text"),
                     self.env)

    def token(self, prefix):
        self.uniq += 1
        return "%s%05x" % (prefix, self.uniq & 0xFFFFF)

    def log_add(self, db, text, cons=()):
        """Runs `zhishou log add` while reading the consoles (so their output
        is timestamped as it comes); returns (start, exit) times.  The exit is
        seen through a pidfd: the add has committed by then."""
        t0 = now()
        p = subprocess.Popen(self.argv(db, "log", "add", "--channel", "12315-hotline", "--kind", "complaint",
                                       "--text", text), env=self.env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        pidfd = os.pidfd_open(p.pid)
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        byfd = {c.fd: c for c in cons}
        for fd in byfd:
            poller.register(fd, select.POLLIN)
        t1 = None
        while t1 is None:
            for fd, _ in poller.poll(1000):
                if fd == pidfd:
                    t1 = now()
                else:
                    byfd[fd].read()
            if t1 is None and now() - t0 > 60:
                p.kill()
                raise SystemExit("log add hangs")
        os.close(pidfd)
        err = p.stderr.read()
        if p.wait() != 0:
            raise SystemExit("log add failed: %s" % err.decode("utf-8", "replace"))
        return t0, t1

    # ------------------------------------------------------------ first frame
    def first_frame(self, db, cols=160, rows=48):
        con = self.console(db, cols, rows)
        # Raw bytes first; the emulator afterwards.
        end = con.t_spawn + 10
        while now() < end and not con.eof:
            if not con.wait_output(0.3) and con.chunks:
                break
        scr = Screen(cols, rows)
        st = Stream(scr)
        for _, d in con.chunks:
            st.feed(d)
        expect = len(log_rows(scr))
        pred = frame_complete(max(expect, 1))
        result = None
        if expect and has_header(scr) and has_hints(scr):
            while con.fed < len(con.chunks):
                k = con.fed
                con.feed_next()
                if pred(con.screen):
                    a, b = con.burst(k)
                    result = (con.chunks[0][0] - con.t_spawn, con.chunks[b][0] - con.t_spawn,
                              sum(len(d) for _, d in con.chunks[:b + 1]), expect)
                    break
        con.sync()
        return con, result

    def sec_first(self):
        a = self.a
        print("\n-- first complete frame at 160x48 (spawn -> last byte of the frame), page cache warm --")
        for label, db in (("%s intakes" % a.small_label, a.db_small), ("%s intakes" % a.big_label, a.db_big)):
            con, _ = self.first_frame(db)     # warms the page cache and the binary
            con.close()
            warm, firstbyte, nbytes = [], [], []
            for _ in range(a.runs):
                con, r = self.first_frame(db)
                con.close()
                if not r:
                    raise SystemExit("no complete first frame on %s" % db)
                firstbyte.append(r[0])
                warm.append(r[1])
                nbytes.append(r[2])
                rows = r[3]
            self.sample("first frame, %s" % label, warm)
            big = db == a.db_big
            fig = "median %.1f  p95 %.1f  max %.1f ms" % (ms(statistics.median(warm)), ms(pctl(warm, 95)), ms(max(warm)))
            v = ("met" if pctl(warm, 95) < 0.1 else "MISSED") if big else ""
            self.report("first", "first frame, %s (%d runs)" % (label, a.runs), fig, "< 100 ms" if big else "", v)
            self.report("first", "  of which spawn -> first byte (initscr)",
                        "median %.1f ms" % ms(statistics.median(firstbyte)))
            self.report("first", "  frame size, log rows", "%d bytes, %d rows" % (statistics.median(nbytes), rows))

    @staticmethod
    def drop_pages(db):
        """Evicts the database's pages from the page cache (no root needed)."""
        for suffix in ("", "-wal", "-shm"):
            try:
                fd = os.open(db + suffix, os.O_RDONLY)
            except OSError:
                continue
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)

    def sec_cold(self, sections):
        """Last, since it empties the page cache: the first frame and paging
        with the database's pages dropped (an idle machine, a console opened
        on a database nobody touched for a while)."""
        a = self.a
        print("\n-- the database's pages dropped from the page cache first (posix_fadvise) --")
        if "first" in sections:
            for label, db in (("%s intakes" % a.small_label, a.db_small), ("%s intakes" % a.big_label, a.db_big)):
                cold = []
                for _ in range(a.cold_runs):
                    self.drop_pages(db)
                    con, r = self.first_frame(db)
                    con.close()
                    if r:
                        cold.append(r[1])
                if cold:
                    self.report("first", "first frame, %s, pages dropped (%d runs)" % (label, len(cold)),
                                "median %.1f  max %.1f ms" % (ms(statistics.median(cold)), ms(max(cold))),
                                summary=db == a.db_big)
        if "keys" in sections:
            con = self.open_dashboard(a.db_big)
            try:
                self.drop_pages(a.db_big)
                space, _, misses, _ = self.scroll(con, None, True, keys=" " * max(1, min(30, self.a.keys)))
            finally:
                con.close()
            if space:
                d = [e.done for e in space]
                self.sample("Space, pages dropped", d)
                self.report("keys", "Space, %s intakes, pages dropped, %d keys" % (a.big_label, len(d)),
                            "p50 %.1f  p99 %.1f  max %.1f ms" % (ms(pctl(d, 50)), ms(pctl(d, 99)), ms(max(d))),
                            summary=True)

    def sample(self, what, values):
        """Keeps every sample (seconds or Events) for tui-samples.tsv."""
        for i, v in enumerate(values):
            if isinstance(v, Event):
                self.samples.append((what, i, "%.3f" % ms(v.seen), "%.3f" % ms(v.done), v.nbytes))
            else:
                self.samples.append((what, i, "", "%.3f" % ms(v), ""))

    # ------------------------------------------------------------ keys, bytes, rss
    def open_dashboard(self, db, cols=160, rows=48):
        con = self.console(db, cols, rows)
        con.settle(quiet=0.3)
        if not (has_header(con.screen) and has_hints(con.screen)):
            raise SystemExit("the console did not come up on %s:\n%s" % (db, "\n".join(con.screen.display)))
        return con

    def scroll(self, con, db, measure, keys=None):
        """--keys x Space (page down), then --keys x j (next row; at the
        page's bottom, the next page; 100 each by default).  Returns (space Events, j Events, misses,
        rows skipped).  A page counts when all its rows are there, with
        consecutive ids older than the page before, and the right row
        selected; a row is skipped when the new page does not start right
        below the last row shown before."""
        if keys is None:
            keys = " " * self.a.keys + "j" * self.a.keys
        nrows = len(log_rows(con.screen))
        sel = None
        space, jays, misses, skipped = [], [], 0, 0
        newest = newest_id(db) if measure and db else 0     # the console follows the newest
        for i, key in enumerate(keys):
            if not measure:
                con.settle(quiet=QUIET)
                con.write(key)
                con.wait_output(0.2)
                continue
            old = log_rows(con.screen)
            old_texts = tuple(r.text for r in old)
            old_top = page_top(old)
            if old_top == 0 and i == 0:
                old_top = newest
            old_last = old_top - (len(old) - 1) if old_top else None
            if key == " " or sel is None or sel + 1 >= nrows:
                def pred(scr, o=old_texts, last=old_last):
                    rows = log_rows(scr)
                    if len(rows) != nrows or selected(rows) != 0 or tuple(r.text for r in rows) == o:
                        return False
                    top = page_top(rows)
                    return top is not None and (not top or not last or top < last)
                page = True
            else:
                def pred(scr, o=old_texts, want=sel + 1):
                    rows = log_rows(scr)
                    return selected(rows) == want and tuple(r.text for r in rows) == o
                page = False
            ev = press(con, key, pred)
            rows = log_rows(con.screen)
            sel = selected(rows)
            if ev is None:
                misses += 1
                continue
            (space if key == " " else jays).append(ev)
            if page and old_last:
                top = page_top(rows)
                if top and top < old_last - 1:
                    skipped += old_last - 1 - top
        con.settle(quiet=0.1)
        return space, jays, misses, skipped

    def form_keys(self, con, db):
        """n, then an intake typed as an operator would: the caller's name
        (three times, Ctrl-U between), the phone, the business and the
        summary, Tab between them.  Phone, business and summary run the
        core's duplicate check and exposure suggestion on every change."""
        label_w, value_w = 12, (60 if con.cols >= 120 else 38)
        y_caller = 6         # field rows: 2 + the field's index in src/tui/form.c

        def field_pred(y, buf):
            # le_draw: the field scrolls so the caret stays visible with one
            # column to spare; the caret sits right after the last character.
            start = 0
            while width(buf[start:]) > value_w - 1 and start < len(buf):
                start += 1
            vis = buf[start:]
            cx = label_w + width(vis)

            def pred(s):
                return s.cursor.y == y and s.cursor.x == cx and cells(s, y, label_w, cx) == vis
            return pred

        def summary_pred(y, buf):
            # The summary shows several rows (form.c summary_rows), each line
            # wrapped by display columns with the pager's break rule (the
            # space it broke at dropped): the rows below its label, up to
            # the next field's label, hold what was typed, the caret among
            # them.
            want = buf.replace(" ", "")

            def pred(s):
                rows_ = [y]
                while rows_[-1] + 1 < s.lines - 2 and not cells(s, rows_[-1] + 1, 0, label_w).strip():
                    rows_.append(rows_[-1] + 1)
                shown = "".join(cells(s, yy, label_w, label_w + value_w).rstrip() for yy in rows_)
                return s.cursor.y in rows_ and shown.replace(" ", "") == want
            return pred

        opened = press(con, "n", lambda s: "新登记：投诉" in row(s, 0) and s.cursor.y == y_caller
                       and s.cursor.x == label_w)
        typed = {}
        other, misses = [], 0

        def type_into(label, y, text, buf=""):
            nonlocal misses
            # Fewer --keys than 100 (a quick run): that many characters a field.
            for ch in text if self.a.keys >= 100 else text[:self.a.keys]:
                buf += ch
                ev = press(con, ch, (summary_pred if label == "summary" else field_pred)(y, buf))
                if ev:
                    typed.setdefault(label, []).append(ev)
                else:
                    misses += 1
            return buf

        def tab_to(y):
            ev = press(con, "\t", lambda s: s.cursor.y == y)
            if ev:
                other.append(ev)

        for _ in range(3 if self.a.keys >= 100 else 1):
            type_into("caller", y_caller, "王小明Wang晓燕li")
            ev = press(con, "\x15", field_pred(y_caller, ""))      # Ctrl-U
            if ev:
                other.append(ev)
        type_into("caller", y_caller, "王小明")
        tab_to(7)
        type_into("phone", 7, "13912345678")
        tab_to(8)
        type_into("business", 8, "云溪星辰健身服务有限公司")
        tab_to(9)
        tab_to(10)
        buf = type_into("summary", 10, "今晚看了3·15晚会，我在云溪星辰健身办的预付卡，商家关门跑路了，会员余额2000元退不了，"
                                       "电话打不通，要求退费。ref A12315")
        # The same, while another process logs intakes: every commit makes
        # the console reload (the dashboard under the form too).
        loaded = {}
        with self.adder(db) as ad:
            n0 = len(typed.get("summary", []))
            type_into("summary", 10, "。另：3月15日晚再次致电，门店已关闭，预付卡余额约2000元，请尽快处理并回电。", buf)
            loaded["typing"] = typed["summary"][n0:]
            del typed["summary"][n0:]
        loaded["adds"] = ad.n
        # Esc: leave the form (the draft stays).  ncurses waits ESCDELAY
        # (25 ms, set by the console) to tell the key from a sequence.
        # The row above the hint line shows a message then ("草稿已保留").
        loaded["esc"] = press(con, "\x1b", lambda s: has_header(s) and "草稿已保留" in row(s, s.lines - 2)
                              and len(log_rows(s)) > 0)
        con.settle(quiet=0.2)
        return opened, typed, other, misses, loaded

    def pick_keys(self, con):
        """Enter on the log's selected intake, then its pick lists as an
        operator filters them (issue 12: p99 under 20 ms, filtering a pick
        list included): d (the original of a duplicate: the 300 recent
        intakes) filtered by a number and a business's first characters,
        t (transfer: the units) by pinyin initials.  Each key's picture is
        the filter line showing what was typed."""
        evs, misses = [], 0

        def filt(buf):
            return lambda s: row(s, s.lines - 2).strip() == "筛选：" + buf

        # The log pane must have the focus: Enter opens an intake there (an
        # exposure on the board, nothing on the duty list); Tab moves on.
        opened = None
        for _ in range(3):
            con.settle(quiet=QUIET)
            opened = press(con, "\r", lambda s: row(s, 0).strip().startswith("登记 #"), timeout=0.5)
            if opened:
                break
            con.write("\x1b")
            con.settle(quiet=0.1)
            con.write("\t")
            con.settle(quiet=0.1)
        if not opened:
            return evs, 1
        for key, chars in (("d", ["1", "2", "\x7f", "\x7f", "鑫", "旺"]), ("t", ["s", "p", "a", "q"])):
            con.settle(quiet=QUIET)
            if not press(con, key, lambda s: "打字筛选" in row(s, 0)):
                misses += 1
                continue
            buf = ""
            for ch in chars:
                buf = buf[:-1] if ch == "\x7f" else buf + ch
                want = filt(buf) if buf else (lambda s: "打字筛选" in row(s, 0) and
                                              not row(s, s.lines - 2).strip().startswith("筛选：1"))
                ev = press(con, ch, want)
                if ev:
                    evs.append(ev)
                else:
                    misses += 1
            press(con, "\x1b", lambda s: row(s, 0).strip().startswith("登记 #"))
        press(con, "\x1b", lambda s: has_header(s))
        con.settle(quiet=0.2)
        return evs, misses

    def update_bytes(self, con, db, n, what):
        """n adds from outside; each: the repaint that shows it."""
        evs = []
        for _ in range(n):
            con.settle(quiet=0.05)
            time.sleep(random.uniform(0.2, 0.4))
            con.read()
            con.sync()
            tok = self.token("U")
            if what == "newest":
                pred = (lambda s, tok=tok: any(tok in row(s, y) for y in range(s.lines)))
            else:
                # Scrolled back: the title counts what arrived above.
                title = next(row(con.screen, y) for y in range(con.screen.lines) if "受理登记" in row(con.screen, y))
                pred = (lambda s, old=title: any("受理登记" in row(s, y) and row(s, y) != old
                                                 for y in range(s.lines)))
            mark = len(con.chunks)
            t0, t1 = self.log_add(db, tok + " 字节测试：新登记到达", [con])
            ev = await_change(con, t0, pred, mark=mark, diff=True)
            if ev:
                ev.after_exit = ev.done - (t1 - t0)
                evs.append(ev)
                self.raw["update-" + what] = b"".join(d for _, d in con.chunks[ev.a:ev.b + 1])
        return evs

    def full_repaint(self, con, n=3):
        out = []
        for _ in range(n):
            con.settle(quiet=0.05)
            time.sleep(0.05)
            con.read()
            con.sync()
            before = len(con.chunks)
            t0 = now()
            con.write("\x0c")
            end = t0 + 2
            while now() < end:
                if not con.wait_output(0.1) and len(con.chunks) > before:
                    break
            if len(con.chunks) > before:
                a, b = before, con.burst(before, before)[1]
                out.append((con.bytes_in(a, b), con.chunks[b][0] - t0))
                self.raw["ctrl-l"] = b"".join(d for _, d in con.chunks[a:b + 1])
            con.sync()
        return out

    def idle_ticks(self, con, seconds=2.5):
        """Bytes per repaint while nothing happens (the clock)."""
        before = len(con.chunks)
        end = now() + seconds
        while now() < end:
            con.wait_output(end - now())
        bursts, i = [], before
        while i < len(con.chunks):
            a, b = con.burst(i, i)
            bursts.append(con.bytes_in(a, b))
            i = b + 1
        con.sync()
        return bursts

    def sec_console(self, sections):
        a = self.a
        db = a.db_big
        print("\n-- one console at 160x48 on %s intakes --" % a.big_label)
        con = self.open_dashboard(db)
        rss0 = con.status()
        try:
            # Paging first, as someone who just opened the console would:
            # nothing has been reloaded since the first frame.
            if "keys" in sections or "rss" in sections:
                space, jays, misses, skipped = self.scroll(con, db, measure=True)
                self.sample("Space", space)
                self.sample("j", jays)
                rss1 = con.status()
                self.rss_big = (rss0, rss1)
                if space:
                    d = [e.done for e in space]
                    self.report("keys", "Space (page down the log), %d keys" % len(d),
                                "p50 %.1f  p99 %.1f  max %.1f ms" % (ms(pctl(d, 50)), ms(pctl(d, 99)), ms(max(d))),
                                "p99 < 20 ms", "met" if pctl(d, 99) < 0.02 else "MISSED")
                if jays:
                    d = [e.done for e in jays]
                    self.report("keys", "j (next row / next page), %d keys" % len(d),
                                "p50 %.1f  p99 %.1f  max %.1f ms" % (ms(pctl(d, 50)), ms(pctl(d, 99)), ms(max(d))),
                                "p99 < 20 ms", "met" if pctl(d, 99) < 0.02 else "MISSED")
                both = [e.done for e in space + jays]
                if both:
                    self.report("keys", "scrolling, all %d keys" % len(both),
                                "p50 %.1f  p99 %.1f ms; median %d B/key" % (
                                    ms(pctl(both, 50)), ms(pctl(both, 99)),
                                    statistics.median(e.nbytes for e in space + jays)),
                                "p99 < 20 ms", "met" if pctl(both, 99) < 0.02 else "MISSED")
                if misses:
                    self.report("keys", "scroll keys without the expected picture", "%d" % misses, "0", "MISSED",
                                problem=True)
                self.report("keys", "  log rows never shown while paging (skipped)", "%d" % skipped,
                            summary=skipped > 0)

            if "bytes" in sections:
                evs = self.update_bytes(con, db, 2, "scrolled")
                if evs:
                    self.report("bytes", "bytes for one new intake, scrolled back (%d adds)" % len(evs),
                                "median %d B" % statistics.median(e.nbytes for e in evs))
            # Back to the newest, the focus back on the board: as at start.
            for key in "g\t\t":
                con.settle(quiet=QUIET)
                con.write(key)
            con.settle(quiet=0.2)
            if "bytes" in sections:
                ticks = self.idle_ticks(con)
                evs = self.update_bytes(con, db, a.updates, "newest")
                self.sample("new intake, newest page", evs)
                full = self.full_repaint(con)
                if evs:
                    b = [e.nbytes for e in evs]
                    v = "met" if max(b) < 2048 else "MISSED"
                    self.report("bytes", "bytes for one new intake, newest page (%d adds)" % len(evs),
                                "median %d  max %d B; %d of %d rows changed" % (
                                    statistics.median(b), max(b), statistics.median(e.rows_touched for e in evs),
                                    con.rows),
                                "< 2 KB", v)
                    self.report("bytes", "  add process exit -> repaint done",
                                "median %.0f  max %.0f ms" % (ms(statistics.median(e.after_exit for e in evs)),
                                                             ms(max(e.after_exit for e in evs))))
                if full:
                    self.report("bytes", "full repaint (Ctrl-L)",
                                "median %d B in %.1f ms" % (statistics.median(f[0] for f in full),
                                                           ms(statistics.median(f[1] for f in full))), summary=True)
                if ticks:
                    self.report("bytes", "idle repaint (clock tick)", "median %d B" % statistics.median(ticks))

            if "keys" in sections:
                # Paging again while another process adds, from one page
                # back: scrolled back, arrivals change the title, not the
                # rows.  (On the newest page a row arriving with the key
                # shifts the page the key shows: no picture to wait for.)
                con.settle(quiet=QUIET)
                con.write(" ")
                con.settle(quiet=0.2)
                with self.adder(db) as ad:
                    space, _, misses, _ = self.scroll(con, None, True, keys=" " * max(1, self.a.keys // 2))
                self.sample("Space, another process adding", space)
                if space:
                    d = [e.done for e in space]
                    self.report("keys", "Space while another process adds (%d adds), %d keys" % (ad.n, len(d)),
                                "p50 %.1f  p99 %.1f  max %.1f ms" % (ms(pctl(d, 50)), ms(pctl(d, 99)), ms(max(d))),
                                summary=True)
                if misses:
                    self.report("keys", "  keys without the expected picture", "%d" % misses, "0", "MISSED",
                                problem=True)
                for key in "g\t\t":
                    con.settle(quiet=QUIET)
                    con.write(key)
                con.settle(quiet=0.2)
                opened, typed, other, misses, loaded = self.form_keys(con, db)
                for k, v in typed.items():
                    self.sample("typing, " + k, v)
                self.sample("typing, another process adding", loaded.get("typing", []))
                if opened:
                    self.report("keys", "n (open the form)", "%.1f ms, %d B" % (ms(opened.done), opened.nbytes))
                allkeys = [e for evs in typed.values() for e in evs]
                for label, evs in [("typing, %s field" % k, v) for k, v in typed.items()] + \
                        [("typing in the form, all", allkeys)]:
                    if not evs:
                        continue
                    d = [e.done for e in evs]
                    last = label.endswith("all")
                    self.report("keys", "%s%s, %d keys" % ("" if last else "  ", label, len(d)),
                                "p50 %.1f  p99 %.1f  max %.1f ms" % (ms(pctl(d, 50)), ms(pctl(d, 99)), ms(max(d))),
                                "p99 < 20 ms" if last else "", ("met" if pctl(d, 99) < 0.02 else "MISSED") if last else "")
                if other:
                    d = [e.done for e in other]
                    self.report("keys", "  Tab / Ctrl-U in the form, %d keys" % len(d),
                                "p50 %.1f  max %.1f ms" % (ms(pctl(d, 50)), ms(max(d))))
                if loaded.get("typing"):
                    d = [e.done for e in loaded["typing"]]
                    self.report("keys", "typing while another process adds (%d adds), %d keys" % (loaded["adds"], len(d)),
                                "p50 %.1f  p99 %.1f  max %.1f ms" % (ms(pctl(d, 50)), ms(pctl(d, 99)), ms(max(d))),
                                summary=True)
                if loaded.get("esc"):
                    e = loaded["esc"]
                    self.report("keys", "Esc (leave the form, back to the dashboard)", "%.1f ms, %d B" % (ms(e.done), e.nbytes),
                                summary=True)
                if misses:
                    self.report("keys", "typed keys without the expected picture", "%d" % misses, "0", "MISSED",
                                problem=True)
                picks, pmisses = self.pick_keys(con)
                self.sample("filtering a pick list", picks)
                if picks:
                    d = [e.done for e in picks]
                    self.report("keys", "filtering a pick list (d: 300 intakes; t: units), %d keys" % len(d),
                                "p50 %.1f  p99 %.1f  max %.1f ms" % (ms(pctl(d, 50)), ms(pctl(d, 99)), ms(max(d))),
                                "p99 < 20 ms", "met" if pctl(d, 99) < 0.02 else "MISSED", summary=True)
                if pmisses:
                    self.report("keys", "pick-list keys without the expected picture", "%d" % pmisses, "0", "MISSED",
                                problem=True)
        finally:
            con.close()

    def save_raw(self):
        """The bytes of sample repaints, for a look with cat -v."""
        for name, data in self.raw.items():
            try:
                with open(os.path.join(self.out, "tui-%s.raw" % name), "wb") as f:
                    f.write(data)
            except OSError:
                pass

    def sec_rss(self):
        a = self.a
        print("\n-- peak RSS (VmHWM) of the console, 160x48 --")
        con = self.open_dashboard(a.db_small)
        try:
            s0 = con.status()
            self.scroll(con, None, measure=False)
            s1 = con.status()
        finally:
            con.close()
        if not hasattr(self, "rss_big"):
            con = self.open_dashboard(a.db_big)
            try:
                b0 = con.status()
                self.scroll(con, None, measure=False)
                b1 = con.status()
            finally:
                con.close()
        else:
            b0, b1 = self.rss_big
        mib = lambda k: k / 1024.0
        self.report("rss", "after the first frame (%s | %s intakes)" % (a.small_label, a.big_label),
                    "%.1f | %.1f MiB" % (mib(s0["VmHWM"]), mib(b0["VmHWM"])))
        # "About equal": within 2 MiB, SQLite's default page cache (the
        # store sets no cache_size), which the big database fills and the
        # small one cannot.
        ok = b1["VmHWM"] * 1024 < 20e6 and b1["VmHWM"] - s1["VmHWM"] < 2048
        self.report("rss", "after %d scroll keys (%s | %s intakes)" % (2 * a.keys, a.small_label, a.big_label),
                    "%.1f | %.1f MiB (+%.1f)" % (mib(s1["VmHWM"]), mib(b1["VmHWM"]), mib(b1["VmHWM"] - s1["VmHWM"])),
                    "< 20 MB, within 2 MiB", "met" if ok else "MISSED")

    # ------------------------------------------------------------ propagation
    def sec_prop(self):
        a = self.a
        db = a.db_big
        n, cols, rows = a.consoles, 120, 40
        print("\n-- propagation: %d consoles at %dx%d on %s intakes, %d adds --" % (n, cols, rows, a.big_label, a.adds))
        cons = []
        try:
            for _ in range(n):
                cons.append(self.console(db, cols, rows))
            for c in cons:
                c.settle(quiet=0.3)
                if not has_hints(c.screen):
                    raise SystemExit("a console did not come up")
            poller = select.poll()
            byfd = {}
            for c in cons:
                poller.register(c.fd, select.POLLIN)
                byfd[c.fd] = c
            delays, early, missing, add_ms = [], 0, 0, []

            def pump(timeout):
                for fd, _ in poller.poll(max(0, int(timeout * 1000))):
                    byfd[fd].read()

            for i in range(a.adds):
                # Start at a random phase of the consoles' clocks and fallback polls.
                end = now() + random.uniform(0.05, 0.2)
                while now() < end:
                    pump(end - now())
                for c in cons:
                    c.read()
                    c.sync()
                marks = [len(c.chunks) for c in cons]
                tok = self.token("P")
                text = tok + " 传播测试"
                t0, t_exit = self.log_add(db, text, cons)
                add_ms.append(t_exit - t0)
                # Raw reads only for a while, then the emulator.
                end = t_exit + 0.45
                while now() < end:
                    pump(end - now())
                found = [None] * n
                deadline = t_exit + 3.0
                while True:
                    for j, c in enumerate(cons):
                        if found[j] is not None:
                            continue
                        while c.fed < len(c.chunks):
                            k = c.fed
                            c.feed_next()
                            if k >= marks[j] and any(tok in row(c.screen, y) for y in range(c.screen.lines)):
                                found[j] = c.chunks[k][0]
                                break
                        c.sync()
                    if all(f is not None for f in found) or now() > deadline:
                        break
                    q_end = now() + 0.05
                    while now() < q_end:
                        pump(q_end - now())
                for f in found:
                    if f is None:
                        missing += 1
                    else:
                        delays.append(f - t_exit)
                        early += f < t_exit
            d = delays
            self.sample("propagation", d)
            fig = "p50 %.0f  p99 %.0f  max %.0f ms (%d samples)" % (ms(pctl(d, 50)), ms(pctl(d, 99)), ms(max(d)), len(d))
            self.report("prop", "add committed -> on each of %d consoles" % n, fig, "p99 < 50 ms",
                        "met" if pctl(d, 99) < 0.05 and not missing else "MISSED")
            self.report("prop", "  min, p90; shown before the add process exited", "%.0f, %.0f ms; %d" % (
                ms(min(d)), ms(pctl(d, 90)), early))
            self.report("prop", "  the log add process itself", "median %.0f ms" % ms(statistics.median(add_ms)))
            if missing:
                self.report("prop", "  never shown within 3 s", "%d" % missing, "0", "MISSED",
                            problem=True)
        finally:
            for c in cons:
                c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db-big", required=True)
    ap.add_argument("--db-small", required=True)
    ap.add_argument("--big-label", default="1,000,000")
    ap.add_argument("--small-label", default="1,000")
    ap.add_argument("--config")
    ap.add_argument("--now", default="2025-03-15 22:30")
    ap.add_argument("--summary", help="append rows (what, figure, target, verdict) here")
    ap.add_argument("--out", help="directory for raw samples")
    ap.add_argument("--sections", default="first,keys,bytes,rss,prop")
    ap.add_argument("--runs", type=int, default=10, help="warm first-frame runs per database")
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--updates", type=int, default=5, help="adds measured for bytes per update")
    ap.add_argument("--consoles", type=int, default=10)
    ap.add_argument("--adds", type=int, default=50)
    ap.add_argument("--keys", type=int, default=100,
                    help="Space and j presses each while paging (the database must hold that many pages); "
                         "under 100 (a quick run) also the characters typed into each form field")
    a = ap.parse_args()
    a.big_label, a.small_label = ("{:,}".format(int(x)) if x.isdigit() else x for x in (a.big_label, a.small_label))
    sections = set(a.sections.split(","))
    unknown = sections - {"first", "keys", "bytes", "rss", "prop"}
    if unknown:
        ap.error("unknown sections: %s" % ", ".join(sorted(unknown)))
    for db in (a.db_big, a.db_small):
        # A PostgreSQL URI (run.sh BACKEND=postgresql) is the store's to open.
        if not db.startswith(("postgresql://", "postgres://")) and not os.path.exists(db):
            ap.error("no database %s" % db)
    b = Bench(a)
    print("console benchmarks: %s, TERM=%s, ZHISHOU_NOW=%s, %d cores, pyte %s" % (
        a.bin, TERM, a.now, os.cpu_count(), getattr(pyte, "__version__", "")))
    try:
        if "first" in sections:
            b.sec_first()
        if sections & {"keys", "bytes", "rss"}:
            b.sec_console(sections)
        if "rss" in sections:
            b.sec_rss()
        if "prop" in sections:
            b.sec_prop()
        if sections & {"first", "keys"}:
            b.sec_cold(sections)
    finally:
        b.save_raw()
        if b.a.out:
            with open(os.path.join(b.a.out, "tui-samples.tsv"), "w") as f:
                f.write("what\tindex\tseen_ms\tdone_ms\tbytes\n")
                for r in b.samples:
                    f.write("\t".join(str(x) for x in r) + "\n")
        shutil.rmtree(b.state, ignore_errors=True)
    if a.summary:
        with open(a.summary, "a") as f:
            for sec, what, fig, target, verdict, keep in b.results:
                if keep:
                    f.write("console: %s\t%s\t%s\t%s\n" % (what.strip(), fig, target, verdict))
    if b.problems:
        print("tui_bench: the console did not show what it should: %s" % "; ".join(b.problems))
        return 1
    return 0


if __name__ == "__main__":
    # Exit 1: findings (above); 3: the benchmark could not run (a message,
    # or an exception: not a finding).
    try:
        sys.exit(main())
    except SystemExit as e:
        if isinstance(e.code, str):
            print("tui_bench: %s" % e.code, file=sys.stderr)
            sys.exit(3)
        raise
    except Exception:
        traceback.print_exc()
        sys.exit(3)
