#!/usr/bin/python3
"""Soak: concurrent writers and live consoles on one database (issue 6).

WRITERS loops run `zhishou --db DB log add ...` one after the other for
SECONDS, next to CONSOLES real consoles (`zhishou --db DB`), each on a
pseudo-terminal this script owns (os.openpty, TIOCSWINSZ, TERM=xterm-256color),
all on a fresh demo night (`zhishou init --demo`).  The consoles sit on the
dashboard and follow the newest intakes, so every commit makes each of them
reload and repaint: the console's busiest path.

  writers   every add has a unique text ("soak w3 #1234 ...") and is timed
            from spawn to exit; a failed add is a non-zero exit or anything
            on stderr.  Each writer loop is a Python process of its own
            (this script with --writer), so the console reading here cannot
            delay the timing of an add (one interpreter lock each).
  consoles  their output is read as it comes, with the time (a poll loop),
            and replayed into a terminal emulator (pyte, through
            tui_bench.py's Screen, which adds what ncurses uses and pyte
            lacks) in batches of a second or more, in slices between reads.
            After every 2 s of a console's own time (the read times), at the
            end of a paint, its screen is checked: no error shown, the
            counters never going back, the process alive.  The replay is most
            of this script's CPU and may fall behind on a busy machine (it
            says how far); the reads do not, so a console never blocks on a
            full pty, and neither the checks nor the times depend on it.
            Every 10 s: VmRSS, VmHWM and CPU of every console, the database
            and -wal sizes, adds so far and the interval's write latency.
  at the end one more add, timed to its arrival on every screen; every
            screen's log rows compared with the newest intakes; then, with
            the consoles quit (q), every successful add looked up in
            `zhishou log list --format json` (exactly once, under the id the
            add printed), `PRAGMA integrity_check` and `zhishou audit verify`.

What counts as "an error shown" comes from the source: tui_message(t, true,
...) paints the bottom line in C_OVERDUE, red (src/tui/loop.c); the store's
messages say 数据库错误 / 数据库文件…已被删除或替换 / 磁盘已满 / 数据库只读 /
已损坏 (src/store/db.c); anything written to stderr under curses (a
"zhishou: ..." line, SQLite, a sanitizer) lands in the byte stream.  The
dashboard itself drops the errors of its reloads (dashboard.c load()), so a
failed reload shows nothing: the counters check and the comparison with the
database at the end are what would catch one.

Usage:
  soak.py --bin ZHISHOU --out DIR [--config CONF] [--seconds 600]
          [--writers 10] [--consoles 20] [--size 120x40] [--summary FILE]

Leaves in DIR: soak.db (and -wal), soak-samples.tsv (every 10 s sample),
soak-writer-K.tsv (every add: writer, number, start, ms, exit, stderr bytes,
stderr offset, id, CPU ms, peak RSS KiB) and soak-writer-K.err (their stderr).
Prints a report and appends rows (what, figure, target, verdict) to --summary
for run.sh.  Exit status: 0 it ran and nothing was lost, no error was shown;
1 something was lost, an add failed or a console showed an error (or died);
2 bad arguments; 3 it could not run (no pyte, init failed, no console came up).
"""
import argparse
import fcntl
import json
import os
import random
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
import traceback

# The emulator and the dashboard's picture, shared with the console
# benchmarks (exits 3 without pyte).
from tui_bench import Screen, Stream, has_header, has_hints, log_rows, pctl, proc_status, read_pty, row

now = time.perf_counter    # CLOCK_MONOTONIC: comparable across processes

TERM = "xterm-256color"
FEED_EVERY = 1.0      # replay a console's output once its oldest unreplayed byte is this old
SLICE = 32768         # bytes replayed between two reads of the ptys
SLICE_TIME = 0.1      # seconds of replay between two looks at the clock (samples)
CHECK_EVERY = 2.0     # look at every screen (an error message stays 8 s)
QUIET = 0.03          # output followed by this much silence ends a paint
CHECK_LATE = 1.0      # check anyway when a console never goes quiet this long
START_TIMEOUT = 30.0  # every console's first frame, on a loaded machine
PROP_TIMEOUT = 10.0   # the final add on every screen
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Texts the store and the console print for errors (see the docstring).
ERROR_TEXTS = ("数据库错误", "数据库文件", "磁盘已满", "数据库只读", "已损坏", "已被删除或替换", "窗口太小",
               "zhishou：", "zhishou:")
# Words of failure: looked for only on the lines that carry no intake text
# (header, counters, bottom line): the demo's summaries may use them.
ERROR_WORDS = ("错误", "失败", "无法")
# Bytes that never belong in a frame: stderr under curses.
RAW_MARKERS = (b"zhishou", b"sqlite", b"SQLite", b"SQLITE", b"Sanitizer", b"Segmentation")
TOKEN = re.compile(r"soak (w\d+ #\d+|final [0-9a-f]+)")
RECEIVED = re.compile(r"起受理 (\d+)")

# What the writers log: varied like tests/bench/bench_writers.c, so the
# duplicate check and the exposure suggestion have work to do.
CHANNELS = ("12315-hotline", "12315-platform", "12345", "8890", "wechat", "visit")
KINDS = ("complaint", "complaint", "complaint", "tip", "inquiry")
CATEGORIES = ("food", "catering", "ecommerce", "prepaid", "livestream", "fitness", "price")
SHOPS = ("临川鑫鸿商贸有限公司", "南湖优品超市", "东港嘉禾餐饮管理有限公司", "云溪星辰健身服务有限公司",
         "滨海瑞丰汽车销售服务有限公司", "北辰佳美美容美发店", "青河福源食品经营部", "金水盛达电子商务有限公司")
THINGS = ("预付卡", "外卖套餐", "羽绒服", "直播间燕窝", "健身年卡", "散装熟食", "手机", "美容项目")
FAULTS = ("商家关门跑路，余额退不回来", "收到的商品与描述严重不符", "食用后腹泻", "主播夸大宣传",
          "拒绝七天无理由退货", "结账价格高于标价")


class Stop(BaseException):
    """SIGTERM: leave through the same cleanup as Ctrl-C."""


def on_term(signum, frame):
    raise Stop()


def mib(kib):
    return kib / 1024.0


def ms(s):
    return s * 1000.0


def zs_argv(a, db, *args):
    v = [a.bin]
    if a.config:
        v += ["--config", a.config]
    return v + ["--db", db] + list(args)


# ---------------------------------------------------------------- one add

def spawn_add(argv, env, errfd):
    """posix_spawn `zhishou log add`: stdout to a pipe (the id it prints),
    stderr appended to errfd.  Returns (pid, stdout's read end, start)."""
    r, w = os.pipe()
    t0 = now()
    try:
        pid = os.posix_spawn(argv[0], argv, env, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, w, 1),
            (os.POSIX_SPAWN_DUP2, errfd, 2)])
    finally:
        os.close(w)
    return pid, r, t0


def read_all(fd):
    out = []
    while True:
        d = os.read(fd, 65536)
        if not d:
            break
        out.append(d)
    os.close(fd)
    return b"".join(out)


def printed_id(out):
    """The id `log add` prints on its first line (0 if none)."""
    first = out.split(b"\n", 1)[0].strip()
    return int(first) if first.isdigit() else 0


def add_argv(a, w, k):
    """Writer w's k-th add, deterministic.  One caller in 50 calls twice."""
    h = random.Random(w * 1000003 + k).getrandbits(32)
    caller = (h >> 8) % 200 if h % 50 == 0 else w * 100000 + k
    shop = SHOPS[(h >> 4) % len(SHOPS)]
    text = "soak w%d #%d 在%s购买%s，%s，要求退款并赔偿。" % (
        w, k, shop, THINGS[(h >> 7) % len(THINGS)], FAULTS[(h >> 11) % len(FAULTS)])
    return zs_argv(a, a.db, "log", "add", "--channel", CHANNELS[h % len(CHANNELS)],
                   "--kind", KINDS[(h >> 3) % len(KINDS)], "--category", CATEGORIES[(h >> 5) % len(CATEGORIES)],
                   "--phone", "139%08d" % (caller % 100000000), "--subject", shop, "--text", text)


def writer_main(a):
    """One writer loop (a process of its own): adds back to back from
    --start until --until, one TSV line per add, flushed as it goes."""
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    w = a.writer
    child = None
    errfd = os.open(a.errlog, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
    try:
        with open(a.log, "w", buffering=1) as log:
            time.sleep(max(0.0, a.start - now()))
            k = 0
            while now() < a.until:
                k += 1
                argv = add_argv(a, w, k)
                err_off = os.fstat(errfd).st_size
                child, r, t0 = spawn_add(argv, os.environ, errfd)
                out = read_all(r)
                _, st, ru = os.wait4(child, 0)
                t1 = now()
                child = None
                err_n = os.fstat(errfd).st_size - err_off
                log.write("%d\t%d\t%.6f\t%.3f\t%d\t%d\t%d\t%d\t%.1f\t%d\n" % (
                    w, k, t0, ms(t1 - t0), os.waitstatus_to_exitcode(st), err_n, err_off, printed_id(out),
                    ms(ru.ru_utime + ru.ru_stime), ru.ru_maxrss))
    except Stop:
        pass
    finally:
        if child:
            try:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
            except OSError:
                pass
        os.close(errfd)
    return 0


class Add:
    __slots__ = ("w", "k", "t0", "ms", "rc", "err_n", "err_off", "id", "cpu_ms", "rss")

    def __init__(self, f):
        self.w, self.k = int(f[0]), int(f[1])
        self.t0, self.ms = float(f[2]), float(f[3])
        self.rc, self.err_n, self.err_off, self.id = int(f[4]), int(f[5]), int(f[6]), int(f[7])
        self.cpu_ms, self.rss = float(f[8]), int(f[9])

    @property
    def token(self):
        return "w%d #%d" % (self.w, self.k)

    @property
    def ok(self):
        return self.rc == 0 and self.err_n == 0


class Writer:
    """The parent's side of one writer process: its log read as it grows."""

    def __init__(self, a, w, start, until):
        self.w = w
        self.log = os.path.join(a.out, "soak-writer-%d.tsv" % w)
        self.errlog = os.path.join(a.out, "soak-writer-%d.err" % w)
        open(self.log, "w").close()
        argv = [sys.executable, os.path.abspath(__file__), "--writer", str(w), "--bin", a.bin, "--db", a.db,
                "--start", "%.6f" % start, "--until", "%.6f" % until, "--log", self.log, "--errlog", self.errlog]
        if a.config:
            argv += ["--config", a.config]
        # A session of its own: Ctrl-C reaches only us, and we clean up.
        self.proc = subprocess.Popen(argv, env=a.env, start_new_session=True)
        self.f = open(self.log)
        self.part = ""

    def new_adds(self):
        data = self.part + self.f.read()
        lines = data.split("\n")
        self.part = lines.pop()
        return [Add(x.split("\t")) for x in lines if x]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                # The writer and its add in flight (its process group).
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.proc.wait()
        self.f.close()


# ---------------------------------------------------------------- consoles

def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def proc_cpu(pid):
    """utime + stime in seconds (None once the process is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Console:
    def __init__(self, idx, argv, env, cols, rows):
        self.idx, self.cols, self.rows = idx, cols, rows
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        path = os.ttyname(slave)
        # A session of its own whose controlling terminal is the pty, as
        # under a terminal emulator; our descriptors are close-on-exec.
        self.pid = os.posix_spawn(argv[0], argv, env, setsid=True, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, path, os.O_RDWR, 0),
            (os.POSIX_SPAWN_DUP2, 0, 1),
            (os.POSIX_SPAWN_DUP2, 0, 2)])
        os.close(slave)
        os.set_blocking(master, False)
        self.fd = master
        self.t_spawn = self.last_out = now()
        self.pending = []        # (time, bytes) read, not yet replayed (the reader appends)
        self.nbytes = 0
        self.max_gap = 0.0       # longest silence while writing was on
        self.max_gap_at = 0.0    # and when it ended
        self.gap_on = False
        self.tail = b""          # the end of the last chunk, for RAW_MARKERS across reads
        self.eof = False
        self.status = None       # exit status once reaped
        self.rusage = None
        self.screen = Screen(cols, rows)
        self.stream = Stream(self.screen)
        self.checked_at = 0.0    # the console time (read time) of the last check
        self.lag = 0.0           # the most the replay fell behind the reads
        self.received = -1       # the counter "…起受理 N" at the last check
        self.shown = set()       # error texts on screen at the last check
        self.cpu0 = None
        self.dead_reported = False

    def read(self, errors):
        while not self.eof:
            d = read_pty(self.fd)
            if d is None:
                break
            if not d:
                self.eof = True
                break
            t = now()
            if self.gap_on and t - self.last_out > self.max_gap:
                self.max_gap, self.max_gap_at = t - self.last_out, t
            self.last_out = t
            self.pending.append((t, d))
            self.nbytes += len(d)
            scan = self.tail + d
            for m in RAW_MARKERS:
                if m in scan:
                    i = scan.index(m)
                    errors.add(self, "raw bytes", scan[max(0, i - 40):i + 80].decode("utf-8", "replace"), t)
            # Short of the longest marker: one wholly in it was seen already.
            self.tail = scan[-(max(map(len, RAW_MARKERS)) - 1):]

    def feed(self):
        """Replay everything read so far, unchecked."""
        if self.pending:
            self.stream.feed(b"".join(d for _, d in self.pending))
            self.pending.clear()

    def replay(self, errors, limit=None, final=False):
        """Replay what was read (about `limit` bytes of it at most),
        checking the screen after every CHECK_EVERY of the console's own
        time (the times its output was read) at a chunk followed by QUIET:
        a finished paint, never half of one.  A replay that falls behind the
        reads therefore still sees every message (they stay 8 s) and checks
        as often.  final: also check at the end.  Returns the bytes replayed."""
        p = self.pending
        if p:
            self.lag = max(self.lag, now() - p[0][0])
        a = n = nbytes = 0
        while n < len(p) and (limit is None or nbytes < limit):
            t, d = p[n]
            nbytes += len(d)
            n += 1
            last = n == len(p)
            if t - self.checked_at < CHECK_EVERY and not (final and last):
                continue
            nxt = now() if last else p[n][0]
            if nxt - t >= QUIET or t - self.checked_at >= CHECK_EVERY + CHECK_LATE or (final and last):
                self.stream.feed(b"".join(x for _, x in p[a:n]))
                a = n
                self.check(errors, t)
                self.checked_at = t
        if a < n:
            self.stream.feed(b"".join(x for _, x in p[a:n]))
        del p[:n]
        if final and not n:
            self.check(errors, now())
        return nbytes

    def feed_until(self, token, end):
        """Replay chunk by chunk, up to those read at `end`, until token is
        on screen; the time its chunk was read, or None."""
        while self.pending and self.pending[0][0] <= end:
            t, d = self.pending.pop(0)
            self.stream.feed(d)
            if self.shows(token):
                return t
        return None

    def alive(self):
        if self.status is None:
            try:
                pid, st, ru = os.wait4(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, st, ru = self.pid, 0, None
            if pid:
                self.status, self.rusage = os.waitstatus_to_exitcode(st), ru
        return self.status is None

    def text(self):
        return [row(self.screen, y) for y in range(self.rows)]

    def check(self, errors, t):
        """Errors on the screen as it was at time t."""
        scr = self.screen
        lines = self.text()
        shown = set()
        last = scr.buffer[self.rows - 1]
        red = any(last[x].fg in ("red", "brightred") and last[x].data.strip() for x in range(self.cols))
        if red:
            shown.add(("message line in red", lines[-1].strip()))
        for y, line in enumerate(lines):
            if y == self.rows - 1 and red:
                break     # the red message line, counted once
            for m in ERROR_TEXTS:
                if m in line:
                    shown.add(("error text", line.strip()))
            if y <= 2 or y == self.rows - 1:
                for m in ERROR_WORDS:
                    if m in line:
                        shown.add(("error word", line.strip()))
        if not has_header(scr) or not has_hints(scr):
            # Not the dashboard, or a message in place of the key hints.
            if not red:
                shown.add(("not the dashboard", lines[0].strip()[:40] + " / " + lines[-1].strip()[:60]))
        rows = log_rows(scr)
        if not rows:
            shown.add(("log empty", "no log rows on the dashboard"))
        m = RECEIVED.search(lines[1])
        if m:
            n = int(m.group(1))
            if n < self.received:
                shown.add(("counter went back", "%d -> %d" % (self.received, n)))
            self.received = n
        # A message stays up for seconds: count it once, when it appears.
        for kind, text in shown - self.shown:
            errors.add(self, kind, text, t)
        self.shown = shown

    def log_tokens(self):
        """The soak tokens of the log rows on screen, top to bottom (None
        for a row without one)."""
        out = []
        for r in log_rows(self.screen):
            m = TOKEN.search(r.text)
            out.append(m.group(1) if m else None)
        return out

    def shows(self, token):
        return any(token in row(self.screen, y) for y in range(3, self.rows - 1))

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass


class Errors:
    def __init__(self):
        self.items = []     # (time, console, kind, text)
        self.t0 = now()

    def add(self, con, kind, text, t=None):
        t = (now() if t is None else t) - self.t0
        self.items.append((t, con.idx if con else -1, kind, text))
        print("  ! %6.1f s  console %s: %s: %s" % (t, con.idx if con else "-", kind, text))
        sys.stdout.flush()


def quit_consoles(cons, errors):
    """q on every console, then SIGTERM, then SIGKILL: none left behind."""
    for c in cons:
        if c.alive():
            try:
                os.write(c.fd, b"q")
            except OSError:
                pass
    for sig, wait in ((None, 5.0), (signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        live = [c for c in cons if c.alive()]
        if not live:
            break
        if sig:
            for c in live:
                try:
                    os.kill(c.pid, sig)
                except OSError:
                    pass
        end = now() + wait
        while now() < end and any(c.alive() for c in live):
            # Keep reading: a console blocked on a full pty cannot exit.
            fds = [c.fd for c in live if not c.eof]
            if not fds:
                time.sleep(0.05)
                continue
            ready = select.select(fds, [], [], 0.05)[0]
            for c in live:
                if c.fd in ready:
                    c.read(errors)
    for c in cons:
        if c.status is None:
            try:
                _, st, ru = os.wait4(c.pid, 0)
                c.status, c.rusage = os.waitstatus_to_exitcode(st), ru
            except ChildProcessError:
                pass


# ---------------------------------------------------------------- the soak

class Soak:
    def __init__(self, a):
        self.a = a
        self.cons = []
        self.writers = []
        self.adds = []
        self.samples = []       # dicts, one per --sample-every seconds
        self.errors = Errors()
        self.results = []       # (what, figure, target, verdict)
        self.poller = select.poll()
        self.byfd = {}
        self.last_pump = None
        self.stall_on = False   # while writing
        self.max_stall = 0.0    # the longest this script went without reading the ptys
        self.rr = 0             # the next console to replay

    def run_zs(self, *args):
        return subprocess.run(zs_argv(self.a, self.a.db, *args), env=self.a.env, capture_output=True)

    # ---------------------------------------------------------- reading
    def pump(self, timeout=0.0):
        """Wait up to timeout for output; read everything that came."""
        t = now()
        if self.last_pump is not None and self.stall_on:
            self.max_stall = max(self.max_stall, t - self.last_pump)
        for fd, _ in self.poller.poll(max(0, int(timeout * 1000))):
            c = self.byfd[fd]
            c.read(self.errors)
            if c.eof:
                self.poller.unregister(fd)
        self.last_pump = now()

    def replay_some(self, age=FEED_EVERY, budget=SLICE_TIME):
        """Replay, in slices of SLICE bytes, the consoles whose oldest
        unreplayed output is `age` old (batches: fewer, larger feeds), round
        robin, reading the ptys after each slice, for about `budget` seconds.
        The replay (pyte) is most of this script's CPU and may fall behind
        on a busy machine; the reads must not: a console blocks once its
        pty holds about 17 KB unread.  Returns whether any were due."""
        end = now() + budget
        busy = False
        for _ in range(len(self.cons)):
            c = self.cons[self.rr]
            self.rr = (self.rr + 1) % len(self.cons)
            if c.pending and now() - c.pending[0][0] >= age:
                busy = True
                c.replay(self.errors, SLICE)
                self.pump()
            if (not c.alive() or c.eof) and not c.dead_reported:
                c.dead_reported = True
                self.errors.add(c, "console gone", "exit status %s" % c.status)
            if now() >= end:
                break
        return busy

    def catch_up(self, final=False):
        """Replay everything read so far (reading on meanwhile)."""
        while self.replay_some(age=0, budget=1.0):
            pass
        if final:
            for c in self.cons:
                c.replay(self.errors, final=True)

    def sample(self, t_rel, final=False):
        """RSS, HWM and CPU of every console, the database's files, adds so far."""
        s = {"t": t_rel, "rss": [], "hwm": [], "cpu": {}, "alive": 0}
        for c in self.cons:
            if not c.alive():
                continue
            st = proc_status(c.pid)
            if "VmRSS" in st:
                s["alive"] += 1
                s["rss"].append(st["VmRSS"])
                s["hwm"].append(st["VmHWM"])
                s["cpu"][c.idx] = proc_cpu(c.pid) or 0.0
        s["db"], s["wal"] = file_size(self.a.db), file_size(self.a.db + "-wal")
        for w in self.writers:
            self.adds.extend(w.new_adds())
        s["adds"] = len(self.adds)
        s["errors"] = len(self.errors.items)
        prev = self.samples[-1] if self.samples else None
        self.samples.append(s)
        print(self.sample_line(s, prev) + ("  (end)" if final else ""))
        sys.stdout.flush()

    def interval(self, prev, s):
        """Adds a second, their p99 (ms) and the median console's CPU (%)
        between two samples."""
        if not prev:
            return float("nan"), float("nan"), float("nan")
        dt = max(1e-9, s["t"] - prev["t"])
        lat = [x.ms for x in self.adds[prev["adds"]:s["adds"]]]
        cpu = [(s["cpu"][k] - v) / dt * 100 for k, v in prev["cpu"].items() if k in s["cpu"]]
        return ((s["adds"] - prev["adds"]) / dt, pctl(lat, 99) if lat else float("nan"),
                statistics.median(cpu) if cpu else float("nan"))

    @staticmethod
    def sample_header():
        return "  %6s %7s %6s %8s %6s %6s %6s %5s %6s %7s %7s %5s %4s" % (
            "t s", "adds", "/s", "p99 ms", "RSS", "min", "max", "CPU%", "HWM", "db MB", "wal MB", "alive", "err")

    def sample_line(self, s, prev):
        rss = s["rss"] or [0]
        rate, p99, cpu = self.interval(prev, s)
        return "  %6.0f %7d %6.1f %8.1f %6.1f %6.1f %6.1f %5.1f %6.1f %7.1f %7.1f %5d %4d" % (
            s["t"], s["adds"], rate, p99, mib(statistics.median(rss)), mib(min(rss)), mib(max(rss)),
            cpu, mib(max(s["hwm"] or [0])), s["db"] / 1e6, s["wal"] / 1e6, s["alive"], s["errors"])

    # ---------------------------------------------------------- phases
    def start_consoles(self):
        a = self.a
        for i in range(a.consoles):
            c = Console(i, zs_argv(a, a.db), a.env, a.cols, a.rows)
            self.cons.append(c)
            self.byfd[c.fd] = c
            self.poller.register(c.fd, select.POLLIN)
        end = now() + START_TIMEOUT
        waiting = list(self.cons)
        while waiting and now() < end:
            self.pump(0.2)
            for c in list(waiting):
                if now() - c.last_out < 0.3 and c.nbytes:
                    continue          # still painting
                c.feed()
                if has_header(c.screen) and has_hints(c.screen) and log_rows(c.screen):
                    waiting.remove(c)
                elif not c.alive():
                    break
        if waiting:
            c = waiting[0]
            c.feed()
            raise SystemExit("soak.py: console %d did not come up (exit %s):\n%s" % (
                c.idx, c.status, "\n".join(c.text())))
        print("  %d consoles up in %.1f s" % (len(self.cons), now() - min(c.t_spawn for c in self.cons)))
        for c in self.cons:
            c.check(self.errors, now())
            c.checked_at = now()
            c.cpu0 = proc_cpu(c.pid)

    def soak(self):
        a = self.a
        start = now() + 1.0          # the writers' interpreters start meanwhile
        until = start + a.seconds
        self.t0 = self.errors.t0 = start     # times in the report: from the writers' start
        for w in range(1, a.writers + 1):
            self.writers.append(Writer(a, w, start, until))
        while now() < start:
            self.pump(start - now())
        for c in self.cons:
            c.gap_on = True
            c.last_out = max(c.last_out, start)
        self.stall_on = True
        self.bytes0 = [c.nbytes for c in self.cons]
        self.cpu_start = sum(os.times()[:2])
        print(self.sample_header())
        self.sample(0.0)
        next_sample = start + a.sample_every
        while any(w.proc.poll() is None for w in self.writers):
            if now() >= next_sample:
                next_sample += a.sample_every
                self.sample(now() - start)
            if not self.replay_some():
                self.pump(min(0.05, max(0, next_sample - now())))
        self.t_end = now()
        self.cpu_writing = sum(os.times()[:2]) - self.cpu_start
        for w in self.writers:
            self.adds.extend(w.new_adds())
            if w.proc.returncode:
                self.errors.add(None, "writer", "writer %d exited %d" % (w.w, w.proc.returncode))
        for c in self.cons:
            c.gap_on = False
        self.stall_on = False
        t = now()
        self.catch_up()
        self.catch_up_s = now() - t

    def final_add(self):
        """One more add once the writers are done: its arrival on every
        screen, timed from the add's exit (its commit is done by then)."""
        a = self.a
        self.catch_up()
        token = "final %06x" % random.randrange(1 << 24)
        self.final_token = token
        argv = zs_argv(a, a.db, "log", "add", "--channel", "12345", "--kind", "complaint",
                       "--text", "soak %s 最后一件：各值守台应当都看到" % token)
        errfd = os.open(os.path.join(a.out, "soak-final.err"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        pid, r, t0 = spawn_add(argv, a.env, errfd)
        os.close(errfd)
        pidfd = os.pidfd_open(pid)
        self.poller.register(pidfd, select.POLLIN)
        t_exit = None
        try:
            # Read the consoles while the add runs, so that their chunks
            # carry the time they came.
            while t_exit is None:
                for fd, _ in self.poller.poll(1000):
                    if fd == pidfd:
                        t_exit = now()      # its commit is done by now
                    else:
                        self.byfd[fd].read(self.errors)
                if t_exit is None and now() - t0 > 60:
                    os.kill(pid, signal.SIGKILL)
        finally:
            self.poller.unregister(pidfd)
            os.close(pidfd)
        out = read_all(r)
        _, st, _ = os.wait4(pid, 0)
        rc = os.waitstatus_to_exitcode(st)
        err = open(os.path.join(a.out, "soak-final.err"), "rb").read()
        self.final = {"rc": rc, "err": err.decode("utf-8", "replace"), "id": printed_id(out), "ms": ms(t_exit - t0)}
        if rc or err:
            self.errors.add(None, "final add", "exit %d: %s" % (rc, self.final["err"].strip()))
        # Replay chunk by chunk: the first one that puts the text on screen.
        # The deadline is in the consoles' time (read times): a slow replay
        # cannot make a console late.
        found = {}
        end = t_exit + PROP_TIMEOUT

        def waiting():
            return [c for c in self.cons if c.idx not in found
                    and (now() < end or (c.pending and c.pending[0][0] <= end))]

        while waiting():
            self.pump(0.02)
            for c in self.cons:
                if c.idx not in found:
                    t = c.feed_until(token, end)
                    if t is not None:
                        found[c.idx] = t - t_exit
        self.prop = found
        # The log rows on every screen against the newest intakes.
        settle = now() + 1.0
        while now() < settle:
            self.pump(settle - now())
        self.catch_up(final=True)
        p = self.run_zs("log", "list", "--limit", "60", "--format", "json")
        newest = []
        if p.returncode == 0:
            for it in json.loads(p.stdout):
                m = TOKEN.search(it.get("summary") or "")
                newest.append(m.group(1) if m else None)
        self.stale = []
        for c in self.cons:
            shown = c.log_tokens()
            if not shown or shown != newest[:len(shown)]:
                diff = next((i for i, (x, y) in enumerate(zip(shown, newest)) if x != y), len(shown))
                self.stale.append((c.idx, len(shown), diff, shown[diff] if diff < len(shown) else None,
                                   newest[diff] if diff < len(newest) else None))
                self.errors.add(c, "log rows differ from the database", "row %d of %d: screen %s, database %s" % (
                    diff + 1, len(shown), self.stale[-1][3], self.stale[-1][4]))

    def end_state(self):
        """A last sample; peak RSS and CPU of the consoles, before they quit."""
        self.sample(now() - self.t0, final=True)
        self.hwm, self.cpu = [], []
        for c in self.cons:
            st = proc_status(c.pid)
            cpu = proc_cpu(c.pid)
            if st:
                self.hwm.append(st["VmHWM"])
            if cpu is not None:
                self.cpu.append((cpu, cpu - (c.cpu0 or 0.0)))
        self.alive_end = sum(1 for c in self.cons if c.alive() and not c.eof)

    # ---------------------------------------------------------- verdicts
    def verify(self):
        """Every successful add in the database exactly once, under its id."""
        a = self.a
        p = self.run_zs("log", "list", "--limit", "0", "--format", "json")
        self.list_rc = p.returncode
        rows = json.loads(p.stdout) if p.returncode == 0 else []
        self.total_rows = len(rows)
        by_token = {}
        for it in rows:
            m = TOKEN.search(it.get("summary") or "")
            if m:
                by_token.setdefault(m.group(1), []).append(it["id"])
        expect = {x.token: x for x in self.adds}
        self.failed = [x for x in self.adds if not x.ok]
        self.missing = [x for x in self.adds if x.rc == 0 and not by_token.get(x.token)]
        self.dups = [(t, ids) for t, ids in by_token.items() if len(ids) > 1]
        self.wrong_id = [x for x in self.adds if x.rc == 0 and len(by_token.get(x.token, [])) == 1
                         and by_token[x.token][0] != x.id]
        self.committed_failed = [x for x in self.adds if x.rc != 0 and by_token.get(x.token)]
        self.unexpected = [t for t in by_token if t not in expect and t != getattr(self, "final_token", None)]
        self.final_in_db = len(by_token.get(getattr(self, "final_token", ""), []))
        ic = subprocess.run(["sqlite3", a.db, "PRAGMA integrity_check"], capture_output=True, text=True)
        self.integrity = (ic.stdout.strip() or ic.stderr.strip()) if ic.returncode == 0 else \
            "sqlite3 exit %d: %s" % (ic.returncode, ic.stderr.strip())
        av = self.run_zs("audit", "verify")
        self.verify_rc = av.returncode
        self.verify_msg = (av.stdout + av.stderr).decode("utf-8", "replace").strip().split("\n")[0]

    def err_text(self, x):
        """What an add wrote on stderr."""
        try:
            with open(os.path.join(self.a.out, "soak-writer-%d.err" % x.w), "rb") as f:
                f.seek(x.err_off)
                return f.read(x.err_n).decode("utf-8", "replace").strip()
        except OSError:
            return "?"

    def line(self, what, figure, target="", verdict="", summary=True):
        """One line of the report; summary=True also makes it a row of
        run.sh's summary."""
        print("  %-40s %s%s" % (what, figure, ("   [%s: %s]" % (target, verdict)) if target else ""))
        if summary:
            self.results.append(("soak: " + what.strip(), figure, target, verdict))

    def report(self):
        """Prints the report; True when nothing was lost and no error shown."""
        a = self.a
        adds = self.adds
        dur = self.t_end - self.t0
        lat = [x.ms for x in adds]
        bad = len(self.failed)
        print("\n-- writes: %d writers, log add back to back for %d s --" % (a.writers, a.seconds))
        self.line("adds (%d writers, %d s)" % (a.writers, a.seconds),
                  "%d, %.1f/s; %d failed (exit != 0: %d, stderr: %d)" % (
                      len(adds), len(adds) / dur, bad, sum(1 for x in adds if x.rc), sum(1 for x in adds if x.err_n)),
                  "0 failed", "met" if not bad else "MISSED")
        for x in self.failed[:5]:
            print("    soak %s: exit %d: %s" % (x.token, x.rc, self.err_text(x)[:200]))
        if lat:
            self.line("write latency (one add, spawn -> exit)", "p50 %.0f  p90 %.0f  p99 %.0f  max %.0f ms" % (
                pctl(lat, 50), pctl(lat, 90), pctl(lat, 99), max(lat)))
            minutes = {}
            for x in adds:
                minutes.setdefault(int((x.t0 - self.t0) // 60), []).append(x.ms)
            if len(minutes) >= 3:
                p99s = [pctl(minutes[m], 99) for m in sorted(minutes)]
                self.line("  write p99 by minute (first|worst|last)", "%.0f | %.0f | %.0f ms" % (
                    p99s[0], max(p99s), p99s[-1]))
            self.line("  CPU of one add; its peak RSS", "median %.1f ms; max %.1f MiB" % (
                statistics.median(x.cpu_ms for x in adds), mib(max(x.rss for x in adds))), summary=False)

        print("\n-- nothing lost --")
        lost = len(self.missing) + len(self.dups) + len(self.wrong_id) + len(self.unexpected)
        ok_n = sum(1 for x in adds if x.rc == 0)
        integ_ok = self.integrity == "ok" and self.verify_rc == 0
        self.line("adds in the database, exactly once",
                  "%d of %d; missing %d, duplicated %d, other id %d, unknown %d" % (
            ok_n - len(self.missing) - len(self.dups), ok_n, len(self.missing), len(self.dups), len(self.wrong_id),
            len(self.unexpected)), "all", "met" if not lost and self.list_rc == 0 else "MISSED")
        for x in self.missing[:5]:
            print("    missing: soak %s (id %d)" % (x.token, x.id))
        for t, ids in self.dups[:5]:
            print("    duplicated: soak %s, ids %s" % (t, ids))
        if self.committed_failed:
            self.line("  failed adds that committed anyway", "%d" % len(self.committed_failed))
        self.line("  intakes in all (log list)", "%d: the demo night's %d, the adds, 1 final" % (
            self.total_rows, self.demo_rows), summary=False)
        self.line("integrity_check; audit verify", "%s; exit %d (%s)" % (
            self.integrity[:60], self.verify_rc, self.verify_msg[:60]), "ok; 0", "met" if integ_ok else "MISSED")

        print("\n-- %d consoles at %dx%d on the dashboard --" % (a.consoles, a.cols, a.rows))
        exits = [c.status for c in self.cons]
        clean = sum(1 for st in exits if st == 0)
        kinds = {}
        for _, _, kind, _ in self.errors.items:
            kinds[kind] = kinds.get(kind, 0) + 1
        self.line("consoles alive; errors shown", "%d of %d alive to the end, %d quit with 0; %d errors%s" % (
            self.alive_end, a.consoles, clean, len(self.errors.items),
            (" (" + ", ".join("%s %d" % kv for kv in sorted(kinds.items())) + ")") if kinds else ""),
            "all; 0", "met" if self.alive_end == clean == a.consoles and not self.errors.items else "MISSED")
        d = sorted(self.prop.values())
        self.line("last add on every console", ("%d of %d, after the add's exit: p50 %.0f  max %.0f ms" % (
            len(d), a.consoles, ms(pctl(d, 50)), ms(max(d)))) if d else "on none",
            "all, < %.0f s" % PROP_TIMEOUT, "met" if len(d) == a.consoles else "MISSED")
        self.line("  log rows = the newest in the database", "%d of %d consoles" % (
            a.consoles - len(self.stale), a.consoles), summary=bool(self.stale))
        gaps = [c.max_gap for c in self.cons]
        ends = [c.max_gap_at - self.t0 for c in self.cons]
        self.line("  longest silence of a console", "median %.2f  max %.2f s, ending %.0f..%.0f s in" % (
            statistics.median(gaps), max(gaps), min(ends), max(ends)), summary=False)
        self.line("  this script: longest without reading", "%.2f s; replay behind by at most %.1f s "
                  "(caught up in %.1f s)" % (self.max_stall, max(c.lag for c in self.cons), self.catch_up_s),
                  summary=False)
        per = [(c.nbytes - b0) / dur for c, b0 in zip(self.cons, self.bytes0)]
        self.line("  terminal output per console", "median %.1f KB/s" % (statistics.median(per) / 1e3), summary=False)
        first, last = self.samples[0], self.samples[-1]
        if first["rss"] and last["rss"]:
            self.line("console RSS, start -> end", "median %.1f -> %.1f, max %.1f -> %.1f MiB" % (
                mib(statistics.median(first["rss"])), mib(statistics.median(last["rss"])),
                mib(max(first["rss"])), mib(max(last["rss"]))))
        if self.hwm:
            self.line("console peak RSS (VmHWM) at the end", "min %.1f  median %.1f  max %.1f MiB" % (
                mib(min(self.hwm)), mib(statistics.median(self.hwm)), mib(max(self.hwm))))
        if self.cpu:
            soak_cpu = [x[1] for x in self.cpu]
            self.line("console CPU while writing", "median %.1f s (%.1f%% of a core), max %.1f s; all %d: %.0f%%" % (
                statistics.median(soak_cpu), statistics.median(soak_cpu) / dur * 100, max(soak_cpu),
                len(soak_cpu), sum(soak_cpu) / dur * 100))

        step = max(1, int(round(60 / a.sample_every))) if a.seconds > 120 else 1
        print("\n-- over time (every %d s; the full table in soak-samples.tsv): adds/s and write p99 of the interval;"
              "\n   console RSS median, min, max and VmHWM max in MiB; CPU%% of the median console --" % (
                  step * a.sample_every))
        print(self.sample_header())
        prev = None
        for i, smp in enumerate(self.samples):
            if i % step == 0 or i == len(self.samples) - 1:
                print(self.sample_line(smp, prev))
                prev = smp
        wal = max(smp["wal"] for smp in self.samples)
        self.line("database at the end; largest -wal", "%.1f MB; %.1f MB" % (last["db"] / 1e6, wal / 1e6))
        print("  (this script: %.1f s of CPU while writing (%.0f%% of a core), %.1f s in all, most of it pyte; "
              "load average at the end %s)" % (self.cpu_writing, self.cpu_writing / dur * 100, sum(os.times()[:2]),
                                               " ".join(open("/proc/loadavg").read().split()[:3])))
        with open(os.path.join(a.out, "soak-samples.tsv"), "w") as f:
            f.write("t_s\tadds\tadds_per_s\tp99_ms\trss_med_kib\trss_min_kib\trss_max_kib\thwm_max_kib\t"
                    "cpu_pct_med\tdb_bytes\twal_bytes\talive\terrors\n")
            prev = None
            for smp in self.samples:
                rss = smp["rss"] or [0]
                rate, p99, cpu = self.interval(prev, smp)
                f.write("%.1f\t%d\t%.1f\t%.1f\t%d\t%d\t%d\t%d\t%.1f\t%d\t%d\t%d\t%d\n" % (
                    smp["t"], smp["adds"], rate, p99, statistics.median(rss), min(rss), max(rss),
                    max(smp["hwm"] or [0]), cpu, smp["db"], smp["wal"], smp["alive"], smp["errors"]))
                prev = smp
        return not (bad or lost or not integ_ok or self.errors.items or self.stale or len(d) < a.consoles
                    or self.alive_end < a.consoles or clean < a.consoles or self.list_rc)

    def cleanup(self):
        for w in self.writers:
            w.stop()
        quit_consoles(self.cons, self.errors)
        for c in self.cons:
            c.close()


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True, help="the zhishou binary")
    ap.add_argument("--out", help="directory for the database and the samples (required)")
    ap.add_argument("--config", help="zhishou --config for every process")
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--writers", type=int, default=10)
    ap.add_argument("--consoles", type=int, default=20)
    ap.add_argument("--size", default="120x40", help="console size COLSxROWS")
    ap.add_argument("--sample-every", type=int, default=10, help="seconds between samples")
    ap.add_argument("--plain", action="store_true", help="`init` instead of `init --demo`")
    ap.add_argument("--prefill", type=int, default=0,
                    help="import this many intakes into tonight first (a night already past 50,000)")
    ap.add_argument("--summary", help="append rows (what, figure, target, verdict) here")
    # A writer process (internal).
    for opt in ("--writer", "--db", "--start", "--until", "--log", "--errlog"):
        ap.add_argument(opt, help=argparse.SUPPRESS, type=int if opt == "--writer" else
                        float if opt in ("--start", "--until") else str)
    a = ap.parse_args()
    if a.writer is not None:
        if None in (a.db, a.start, a.until, a.log, a.errlog):
            ap.error("--writer needs --db, --start, --until, --log, --errlog")
        return a
    if not a.out:
        ap.error("--out DIR is required")
    m = re.fullmatch(r"(\d+)x(\d+)", a.size)
    if not m or int(m.group(1)) < 80 or int(m.group(2)) < 24:
        ap.error("--size must be COLSxROWS, at least 80x24")
    a.cols, a.rows = int(m.group(1)), int(m.group(2))
    if a.seconds < 1 or a.writers < 1 or a.consoles < 1 or a.sample_every < 1:
        ap.error("--seconds, --writers, --consoles and --sample-every must be positive")
    if not (os.path.isfile(a.bin) and os.access(a.bin, os.X_OK)):
        ap.error("no executable %s" % a.bin)
    a.bin = os.path.abspath(a.bin)
    if a.config:
        a.config = os.path.abspath(a.config)
    return a


def main():
    a = parse_args()
    if a.writer is not None:
        return writer_main(a)
    os.makedirs(a.out, exist_ok=True)
    a.out = os.path.abspath(a.out)
    a.db = os.path.join(a.out, "soak.db")
    for sfx in ("", "-wal", "-shm"):
        if os.path.exists(a.db + sfx):
            os.unlink(a.db + sfx)
    state = os.path.join(a.out, "soak-state")
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    env = {k: v for k, v in os.environ.items()
           if k not in ("LINES", "COLUMNS", "TMUX", "NO_COLOR", "ZHISHOU_NOW", "ZHISHOU_LANG", "ZHISHOU_DB")}
    # The demo night runs its own clock; a fresh state directory: no draft.
    env.update(TERM=TERM, LC_ALL="C.UTF-8", LANG="C.UTF-8", ZHISHOU_STATE_DIR=state)
    a.env = env

    s = Soak(a)
    p = s.run_zs("init", *(() if a.plain else ("--demo",)))
    if p.returncode:
        sys.stderr.write("soak.py: init failed: %s\n" % p.stderr.decode("utf-8", "replace"))
        return 3
    if a.prefill > 0:
        # Tonight so far, before the soak: intakes spread from the gala's
        # start to a minute before the demo clock's "now".
        board = json.loads(s.run_zs("board", "--format", "json").stdout)
        day = board["now"][:10]
        path = os.path.join(a.out, "prefill.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("received_at,channel,kind,caller,phone,subject,uscc,category,summary,ref\n")
            chans = ("12315-hotline", "web", "8890", "wechat", "weibo", "12345")
            for i in range(a.prefill):
                secs = 20 * 3600 + (i * (99 * 60)) // a.prefill   # 20:00 .. 21:39
                f.write("%s %02d:%02d:%02d,%s,%s,,,预填商家%d,,,预填第%d件：要求退款,\n" % (
                    day, secs // 3600, secs // 60 % 60, secs % 60, chans[i % 6],
                    ("complaint", "tip", "inquiry")[i % 3], i % 997, i))
        p = s.run_zs("log", "import", path)
        if p.returncode:
            sys.stderr.write("soak.py: prefill failed: %s\n" % p.stderr.decode("utf-8", "replace"))
            return 3
    lst = s.run_zs("log", "list", "--limit", "0", "--format", "json")
    s.demo_rows = len(json.loads(lst.stdout)) if lst.returncode == 0 else 0
    print("soak: %d writers (log add back to back) and %d consoles at %dx%d for %d s on %s (%d intakes); "
          "%s; %d cores, load %s" % (
              a.writers, a.consoles, a.cols, a.rows, a.seconds, "a plain database" if a.plain else "the demo night",
              s.demo_rows, subprocess.run([a.bin, "--version"], capture_output=True, text=True).stdout.strip(),
              os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3])))
    sys.stdout.flush()

    signal.signal(signal.SIGTERM, on_term)
    ok = False
    try:
        s.start_consoles()
        s.soak()
        s.final_add()
        s.end_state()
    except (KeyboardInterrupt, Stop):
        sys.stderr.write("soak.py: interrupted; stopping the writers and the consoles\n")
        s.cleanup()
        return 130
    except SystemExit as e:
        s.cleanup()
        if isinstance(e.code, str):
            sys.stderr.write(e.code + "\n")
            return 3
        raise
    except BaseException:
        s.cleanup()
        raise
    s.cleanup()
    s.verify()
    ok = s.report()
    if a.summary:
        with open(a.summary, "a") as f:
            for what, fig, target, verdict in s.results:
                f.write("%s\t%s\t%s\t%s\n" % (what, fig, target, verdict))
    print("\nsoak: %s (data in %s)" % ("nothing lost, no error shown" if ok else "PROBLEMS, see above", a.out))
    return 0 if ok else 1


if __name__ == "__main__":
    # Exit 1: findings; 3: the soak could not run (an exception included).
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        sys.exit(3)
