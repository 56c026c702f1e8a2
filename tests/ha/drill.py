#!/usr/bin/env python3
"""tests/ha/drill.py: issue 16's failover drill, zhishou's own writers and
consoles on tests/ha/cluster.sh (run it through tests/ha/drill.sh, which
builds the cluster, makes the schema and takes everything down after).

Per round (10, kill moments from a fixed seed):
  - waits until the cluster is healthy (a primary, a secondary, synchronous
    replication on);
  - 8 writers, each a loop of `zhishou log add` on the multi-host URI
    (target_session_attrs=read-write), every add with its own text;
  - 5 consoles (`zhishou` in tmux at 80x24) open on the same URI the whole
    drill long;
  - at a random moment SIGKILLs the primary's postmaster (cluster.sh
    kill-primary; --kill node: the whole node, keeper and all);
  - a `log add` in flight rides it out itself (it says 数据库连接中断，正在重连…,
    reconnects, and resolves its write token before adding again);
  - then checks: every add that printed its id is in the database exactly
    once with its text, no text twice; `audit verify` holds; every console
    still runs and shows an add made after the kill.
Prints, per round and overall: the time from the kill to the first add that
succeeded after it, and the longest any add waited.  Exit 1 on any loss,
duplicate, broken audit chain, console gone or stale, or a round without a
write within --give-up seconds.
"""

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER = os.path.join(HERE, "cluster.sh")
TMUX = ["tmux", "-L", "zhishou-drill"]


def cluster(*args, check=True, timeout=300):
    return subprocess.run([CLUSTER, *args], capture_output=True, text=True, timeout=timeout, check=check)


class Writer(threading.Thread):
    def __init__(self, wid, zs, uri, env, stop):
        super().__init__(daemon=True)
        self.wid, self.zs, self.uri, self.env, self.stop = wid, zs, uri, env, stop
        self.adds = []          # (t_start, t_end, rc, id or None, text, reconnected)
        self.n = 0
        self.round = 0

    def run(self):
        while not self.stop.is_set():
            self.n += 1
            text = "演练 R%d W%d N%d" % (self.round, self.wid, self.n)
            t0 = time.time()
            p = subprocess.run([self.zs, "--db", self.uri, "log", "add", "--channel", "web", "--kind", "complaint",
                                "--text", text], capture_output=True, text=True, env=self.env, timeout=180)
            t1 = time.time()
            iid = None
            if p.returncode == 0:
                first = p.stdout.splitlines()[0] if p.stdout else ""
                iid = int(first) if first.isdigit() else None
            self.adds.append((t0, t1, p.returncode, iid, text, "重连" in p.stderr, p.stderr.strip()[-200:]))


class Consoles:
    def __init__(self, zs, uri, env, n):
        self.n = n
        subprocess.run(TMUX + ["kill-server"], capture_output=True)
        for i in range(n):
            cmd = " ".join(["env", "-i"] + ["%s='%s'" % kv for kv in env.items()] + [zs, "--db", "'%s'" % uri])
            subprocess.run(TMUX + ["new-session", "-d", "-s", "c%d" % i, "-x", "80", "-y", "24", cmd], check=True)
            subprocess.run(TMUX + ["set-option", "-t", "c%d" % i, "remain-on-exit", "on"], check=True)

    def alive(self, i):
        p = subprocess.run(TMUX + ["list-panes", "-t", "c%d" % i, "-F", "#{pane_dead}"], capture_output=True,
                           text=True)
        return p.returncode == 0 and p.stdout.strip() == "0"

    def screen(self, i):
        return subprocess.run(TMUX + ["capture-pane", "-p", "-t", "c%d" % i], capture_output=True,
                              text=True).stdout

    def shows_any(self, i, ids, wait):
        """Does console i show one of ids, or a later one (as #N), within
        wait seconds?  Later: the writers go on meanwhile, and a live
        console's newest page can be past all of ids (ids only grow)."""
        until = time.time() + wait
        lowest = min(ids) if ids else None
        while True:
            s = self.screen(i)
            if lowest is not None and any(int(n) >= lowest for n in re.findall(r"#(\d+)\b", s)):
                return True
            if time.time() > until:
                return False
            time.sleep(0.2)

    def close(self):
        subprocess.run(TMUX + ["kill-server"], capture_output=True)


def psql(uri, sql):
    # The writers' URI without zhishou's own parameters psql does not need.
    r = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("psql: " + r.stderr.strip())
    return r.stdout


def round_once(args, writers, consoles, rng, rnd, zs, env):
    cluster("healthy", args.dir, "300")
    before = cluster("primary", args.dir).stdout.strip()
    for w in writers:
        w.round = rnd
    mark = [len(w.adds) for w in writers]
    offset = rng.uniform(args.kill_min, args.kill_max)
    time.sleep(offset)
    k = cluster("kill-primary", args.dir, args.kill).stdout.split()
    killed, t_kill = k[0], float(k[2])
    first = None
    deadline = t_kill + args.give_up
    while time.time() < deadline:
        ok = [a[1] for w in writers for a in w.adds[:] if a[2] == 0 and a[1] > t_kill and (a[0] > t_kill or a[5])]
        if ok:
            first = min(ok)
            break
        time.sleep(0.05)
    if first is not None:
        time.sleep(args.after)
    if args.kill == "node":
        cluster("start-node", args.dir, killed)
    adds = [a for w, m in zip(writers, mark) for a in w.adds[m:]]
    longest = max((a[1] - a[0] for a in adds), default=0.0)
    # The consoles: running, and showing an add made after the kill.
    after_ids = sorted((a[3] for a in adds if a[3] and a[0] > (first or t_kill)), reverse=True)[:40]
    stale = [i for i in range(consoles.n) if not consoles.alive(i) or not consoles.shows_any(i, after_ids, 10)]
    screens = {i: ("running" if consoles.alive(i) else "EXITED") + "\n" + consoles.screen(i) for i in stale}
    # The next round waits for the cluster to settle (the old primary back
    # as the standby, synchronous again) before its kill.
    ok = cluster("healthy", args.dir, "0", check=False).returncode == 0
    after = cluster("primary", args.dir, check=False).stdout.strip()
    return {
        "round": rnd, "offset": offset, "killed": killed, "failover": after != before,
        "first": (first - t_kill) if first else None, "longest": longest, "adds": len(adds),
        "failed": sum(1 for a in adds if a[2] != 0), "reconnected": sum(1 for a in adds if a[5]),
        "stale": stale, "healthy": ok, "screens": screens, "after_ids": after_ids[:5],
        "errors": sorted({a[6] for a in adds if a[2] != 0})[:5],
    }


def check_all(args, writers, zs, env):
    """Every printed id there once with its text; no text twice; the chain."""
    rows = psql(args.uri, "SELECT id, summary FROM intake WHERE summary LIKE '演练 %'")
    by_text, by_id = {}, {}
    for line in rows.splitlines():
        i, t = line.split("|", 1)
        by_text.setdefault(t, []).append(int(i))
        by_id[int(i)] = t
    printed = [(a[3], a[4]) for w in writers for a in w.adds if a[3]]
    lost = [(i, t) for i, t in printed if by_id.get(i) != t]
    dup = [t for t, ids in by_text.items() if len(ids) > 1]
    unprinted = len(by_text) - len({t for _, t in printed})
    p = subprocess.run([zs, "--db", args.uri, "audit", "verify"], capture_output=True, text=True, env=env)
    return printed, lost, dup, unprinted, p.returncode == 0, (p.stdout + p.stderr).strip()


def fmt(x):
    return "-" if x is None else "%.2f s" % x


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("uri")
    ap.add_argument("--zhishou", required=True)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--consoles", type=int, default=5)
    ap.add_argument("--kill", choices=["postmaster", "node"], default="postmaster")
    ap.add_argument("--kill-min", type=float, default=2.0)
    ap.add_argument("--kill-max", type=float, default=6.0)
    ap.add_argument("--give-up", type=float, default=90.0)
    ap.add_argument("--after", type=float, default=3.0, help="seconds of writing after the first write")
    ap.add_argument("--rejoin-wait", type=float, default=120.0)
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="zhishou-drill-")
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": home, "TZ": "Asia/Shanghai", "TERM": "xterm-256color",
           "XDG_CONFIG_HOME": os.path.join(home, "config"), "XDG_STATE_HOME": os.path.join(home, "state")}
    rng = random.Random(args.seed)
    stop = threading.Event()
    consoles = Consoles(args.zhishou, args.uri, env, args.consoles)
    writers = [Writer(i + 1, args.zhishou, args.uri, env, stop) for i in range(args.writers)]
    results = []
    try:
        for w in writers:
            w.start()
        for rnd in range(1, args.rounds + 1):
            r = round_once(args, writers, consoles, rng, rnd, args.zhishou, env)
            results.append(r)
            print("round %2d: kill at +%.1f s (%s, %s) -> first write %s, longest wait %s, %d adds "
                  "(%d rode out a reconnect, %d failed), consoles %s%s"
                  % (rnd, r["offset"], r["killed"], "failed over" if r["failover"] else "restarted in place",
                     fmt(r["first"]), fmt(r["longest"]), r["adds"], r["reconnected"], r["failed"],
                     "all live" if not r["stale"] else "STALE %s" % r["stale"],
                     "" if r["healthy"] else " (standby not back yet)"), flush=True)
            for e in r["errors"]:
                print("    failed add: %s" % e.replace("\n", " | "), flush=True)
            for i, s in r["screens"].items():
                print("    console %d (looked for %s):\n%s" % (i, r["after_ids"], s), flush=True)
    finally:
        stop.set()
        for w in writers:
            w.join(timeout=200)
    printed, lost, dup, unprinted, chain_ok, chain = check_all(args, writers, args.zhishou, env)
    consoles.close()
    shutil.rmtree(home, ignore_errors=True)
    firsts = [r["first"] for r in results if r["first"] is not None]
    longest = max(r["longest"] for r in results)
    print("summary (%d rounds, kill %s, %d writers, %d consoles):" % (len(results), args.kill, args.writers,
                                                                      args.consoles))
    if firsts:
        print("  kill -> first write: min %.2f / median %.2f / max %.2f s (%d rounds without one)"
              % (min(firsts), statistics.median(firsts), max(firsts), len(results) - len(firsts)))
    print("  longest any add waited: %.2f s" % longest)
    print("  failovers: %d of %d rounds (the rest: the primary restarted in place)"
          % (sum(r["failover"] for r in results), len(results)))
    print("  adds: %d printed an id; %d lost or not as printed; %d texts twice; %d present without a printed id"
          % (len(printed), len(lost), len(dup), unprinted))
    print("  audit verify: %s" % chain)
    bad = [r["round"] for r in results if r["first"] is None or r["stale"]]
    passed = len(results) - len(bad)
    print("  rounds passed: %d of %d" % (passed, len(results)))
    return 0 if not bad and not lost and not dup and chain_ok else 1


if __name__ == "__main__":
    sys.exit(main())
