#!/usr/bin/python3
"""Console CPU while intakes arrive, on a small and a big night.

issue 12, "Light as the night grows": a console's refresh must not cost more
on a night of 50,000 intakes than on one of 1,000 (within 2x).  For each
night size: a fresh test database (init --test-clock, a gala 20:00-22:00,
N intakes imported across the evening), one console on a pseudo-terminal
(120x40, TERM=xterm-256color, its output read and dropped), settled for 2 s;
then ADDS `zhishou log add` over SECONDS, and 1.5 s to catch up.  The figure
is the console's user+system CPU over that time (from /proc/PID/stat).

usage: console_cpu.py --bin ZHISHOU [--sizes 1000,50000] [--adds 24] [--seconds 6] [--runs 3]
Standard library only.
"""
import argparse
import csv
import fcntl
import os
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

NOW = "2025-03-15 22:30"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK


def make_night(zs, d, n):
    db = os.path.join(d, "night-%d.db" % n)
    env = dict(os.environ, ZHISHOU_NOW=NOW, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    run = lambda *a: subprocess.run([zs, "--db", db] + list(a), env=env, check=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("init", "--test-clock")
    run("gala", "add", "--name", "央视3·15晚会", "--start", "2025-03-15 20:00", "--end", "2025-03-15 22:00")
    path = os.path.join(d, "night-%d.csv" % n)
    channels = ["12315-hotline", "web", "8890", "wechat", "weibo"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["received_at", "channel", "kind", "caller", "phone", "subject", "uscc", "category",
                    "summary", "ref"])
        for i in range(n):
            secs = 20 * 3600 + (i * 9000) // max(n, 1)   # 20:00 .. 22:30
            w.writerow(["2025-03-15 %02d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60),
                        channels[i % 5], ("complaint", "tip", "inquiry")[i % 3], "", "", "商家%d" % (i % 997),
                        "", "", "第%d件：买到的东西有问题，要求退款" % i, ""])
    run("log", "import", path)
    return db, env


def measure(zs, db, env, adds, seconds):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    cenv = dict(env, TERM="xterm-256color")
    p = subprocess.Popen([zs, "--db", db], stdin=slave, stdout=slave, stderr=slave, env=cenv,
                         start_new_session=True)
    os.close(slave)
    stop = threading.Event()

    def drain():
        while not stop.is_set():
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break
    th = threading.Thread(target=drain, daemon=True)
    th.start()
    time.sleep(2.0)
    before = cpu_ms(p.pid)
    t0 = time.monotonic()
    for k in range(adds):
        subprocess.run([zs, "--db", db, "log", "add", "--channel", "web", "--kind", "complaint",
                        "--text", "来电 %d" % k], env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        delay = t0 + (k + 1) * seconds / adds - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    time.sleep(1.5)
    used = cpu_ms(p.pid) - before
    p.kill()
    p.wait()
    stop.set()
    os.close(master)
    return used


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sizes", default="1000,50000")
    ap.add_argument("--adds", type=int, default=24)
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    res = {}
    with tempfile.TemporaryDirectory(prefix="zhishou-cpu-") as d:
        for n in sizes:
            db, env = make_night(a.bin, d, n)
            runs = sorted(measure(a.bin, db, env, a.adds, a.seconds) for _ in range(a.runs))
            res[n] = runs[len(runs) // 2]
            print("night of %d intakes: console CPU %.0f ms while %d intakes arrive over %.0f s (runs %s)" % (
                n, res[n], a.adds, a.seconds, ", ".join("%.0f" % r for r in runs)))
    if len(sizes) >= 2 and res[sizes[0]] > 0:
        print("ratio %d/%d: %.2fx (goal: within 2x)" % (sizes[-1], sizes[0], res[sizes[-1]] / res[sizes[0]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
