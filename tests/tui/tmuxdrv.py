"""Drive the real zhishou console inside a real tmux, for the console tests.

Each Term is one tmux server on a private socket (-L), started with an empty
configuration (no status line, so a WxH session is a WxH pane; the pane
stays after the program exits so its exit status can be read).  The program
runs under `env -i`, so the pane sees exactly the environment the test gives.

Screens are read with capture-pane; every wait polls with a deadline instead
of sleeping a fixed time.  Widths follow East Asian Width: W and F are two
columns, combining marks none, everything else one (what the console itself
assumes with ambiguous width narrow).
"""

import itertools
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import unicodedata

TMUX = shutil.which("tmux")

_counter = itertools.count()

# tmux itself must parse the UTF-8 it is given (send-keys -l 中文) as UTF-8.
_TMUX_ENV = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
_TMUX_ENV.pop("TMUX", None)          # never talk to a tmux the tests run inside

_CONF = """\
set -g status off
set -g remain-on-exit on
set -g escape-time 0
set -g history-limit 200
set -g set-titles off
set -g default-terminal tmux-256color
"""


def char_width(ch):
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\u2060\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def dwidth(s):
    """Display columns of s (W/F = 2)."""
    return sum(char_width(c) for c in s)


def col_of(line, index):
    """Display column at which line[index] starts."""
    return dwidth(line[:index])


def slice_cols(line, start, end=None):
    """The characters of line that start in display columns [start, end)."""
    out, col = [], 0
    for ch in line:
        if col >= start and (end is None or col < end):
            out.append(ch)
        col += char_width(ch)
    return "".join(out)


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def has_cjk(s):
    return bool(_CJK.search(s))


class TmuxError(AssertionError):
    pass


def _zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except OSError:
        return False


def _exists(pid):
    """True until the process is reaped (a zombie still exists: tmux has not
    collected its exit status yet)."""
    return os.path.exists("/proc/%d" % pid)


def _proc_state(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            st = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
        ppid = int(st["PPid"])
        with open("/proc/%d/status" % ppid) as f:
            pst = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
        return "state %s, parent %d %s blk %s ign %s cgt %s" % (
            st["State"].strip(), ppid, pst["Name"].strip(), pst["SigBlk"].strip(), pst["SigIgn"].strip(), pst["SigCgt"].strip())
    except (OSError, KeyError, ValueError) as e:
        return "gone (%s)" % e


class Term:
    """One console in one private tmux server."""

    def __init__(self, argv, env, width=80, height=24, workdir=None):
        self.socket = "zs-tui-%d-%d" % (os.getpid(), next(_counter))
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="zhishou-tmux-")
        self.conf = os.path.join(self.workdir, "tmux-%s.conf" % self.socket)
        with open(self.conf, "w") as f:
            f.write(_CONF)
        self.argv = list(argv)
        self.env = dict(env)
        self.width, self.height = width, height
        self.started = False
        self.start()

    # --- tmux plumbing -------------------------------------------------
    def tmux(self, *args, check=True):
        p = subprocess.run([TMUX, "-L", self.socket, "-f", self.conf] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=_TMUX_ENV, timeout=10)
        if check and p.returncode != 0:
            raise TmuxError("tmux %s failed (%d): %s" % (
                " ".join(args), p.returncode, p.stderr.decode("utf-8", "replace")))
        return p.stdout.decode("utf-8", "replace")

    def command_line(self):
        envs = ["%s=%s" % (k, v) for k, v in sorted(self.env.items())]
        # exec: the pane's pid is zhishou's own pid (kill -9 hits the console).
        return "exec env -i " + " ".join(shlex.quote(a) for a in envs + self.argv)

    def start(self):
        self.tmux("new-session", "-d", "-s", "zs", "-x", str(self.width), "-y", str(self.height),
                  self.command_line())
        self.started = True
        self._pid = self.pid()
        self._socket_path = self.fmt("#{socket_path}")

    def kill_server(self):
        if self.started:
            self.tmux("kill-server", check=False)
            self.started = False
            # tmux 3.3 leaves the socket file behind
            try:
                os.unlink(self._socket_path)
            except OSError:
                pass

    def close(self):
        self.kill_server()
        try:
            os.unlink(self.conf)
        except OSError:
            pass
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # --- input -------------------------------------------------------
    def keys(self, *keys):
        """tmux key names: "Enter", "Tab", "C-s", "NPage", "Escape", "q" …"""
        self.tmux("send-keys", "-t", "zs", *keys)

    def type(self, text):
        """Literal text, Chinese included, as if an input method committed it."""
        self.tmux("send-keys", "-t", "zs", "-l", text)

    # --- output ------------------------------------------------------
    def capture(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "zs"]
        if escapes:
            args.append("-e")
        out = self.tmux(*args)
        lines = out.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines

    def text(self):
        return "\n".join(self.capture())

    def fmt(self, f):
        return self.tmux("display-message", "-p", "-t", "zs", f).rstrip("\n")

    def cursor(self):
        x, y = self.fmt("#{cursor_x},#{cursor_y}").split(",")
        return int(x), int(y)

    def pid(self):
        return int(self.fmt("#{pane_pid}"))

    def dead(self):
        return self.fmt("#{pane_dead}") == "1"

    def exit_status(self):
        s = self.fmt("#{pane_dead_status}")
        return int(s) if s else None

    def title(self):
        return self.fmt("#{pane_title}")

    def size(self):
        w, h = self.fmt("#{pane_width},#{pane_height}").split(",")
        return int(w), int(h)

    def resize(self, w, h):
        self.tmux("resize-window", "-t", "zs", "-x", str(w), "-y", str(h))
        self.width, self.height = w, h

    # --- waiting -------------------------------------------------------
    def wait_until(self, pred, timeout=3.0, interval=0.03, what="condition"):
        """Poll the screen until pred(lines) is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        lines = []
        while True:
            lines = self.capture()
            v = pred(lines)
            if v:
                return lines if v is True else v
            if time.monotonic() >= deadline:
                raise TmuxError("timed out after %.1fs waiting for %s; screen:\n%s" % (
                    timeout, what, "\n".join(lines)))
            if self.dead():
                raise TmuxError("the console exited (status %s) while waiting for %s; screen:\n%s" % (
                    self.exit_status(), what, "\n".join(lines)))
            time.sleep(interval)

    def wait_for(self, text, timeout=3.0):
        """Wait until text is on the screen; returns the screen lines."""
        found = []

        def pred(lines):
            if any(text in l for l in lines):
                found[:] = lines
                return True
            return False
        self.wait_until(pred, timeout, what=repr(text))
        return self._settled(found, text)

    def _settled(self, lines, text, quiet=0.03, most=0.5):
        """The screen once it stops changing, as long as text stays on it.

        The console paints a page in several writes, and tmux may show the
        first before the rest arrives (a title above an unpainted list, most
        often under ASan): callers read the rows of what they waited for."""
        deadline = time.monotonic() + most
        while time.monotonic() < deadline:
            time.sleep(quiet)
            cur = self.capture()
            if not any(text in l for l in cur):
                return lines
            if cur == lines:
                return cur
            lines = cur
        return lines

    def wait_gone(self, text, timeout=3.0):
        found = []

        def pred(lines):
            if not any(text in l for l in lines):
                found[:] = lines
                return True
            return False
        self.wait_until(pred, timeout, what="%r to disappear" % text)
        return found

    def wait_dead(self, timeout=3.0):
        """Wait for the program to end: its exit status, or None if a signal ended it."""
        pid = self._pid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # The pty closes before tmux reaps the child, and tmux 3.3 keeps
            # no status for a signal: wait until the process itself is gone.
            dead, status = self.fmt("#{pane_dead}|#{pane_dead_status}").split("|")
            if dead == "1" and status:
                return int(status)
            if dead == "1" and not _exists(pid):
                status = self.fmt("#{pane_dead_status}")
                return int(status) if status else None
            if dead == "1" and _zombie(pid):
                # tmux 3.3 here sometimes misses the SIGCHLD of a pane's
                # program and never reaps it (a plain `sh -c read` too):
                # remind the server we started.
                os.kill(int(self.fmt("#{pid}")), signal.SIGCHLD)
            time.sleep(0.03)
        raise TmuxError("the console (pid %d, %s) is still running after %.1fs; screen:\n%s" % (
            pid, _proc_state(pid), timeout, self.text()))

    def wait_stable(self, timeout=3.0, quiet=0.25):
        """Wait until two captures quiet seconds apart are the same."""
        deadline = time.monotonic() + timeout
        prev = self.capture()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            cur = self.capture()
            if cur == prev:
                return cur
            prev = cur
        return prev
