#!/usr/bin/env python3
"""tests/ha/failover_probe.py: measure a failover of tests/ha/cluster.sh.

A STAND-IN, NOT THE DRILL.  Issue 16's drill (tests/ha/drill.sh) runs
zhishou's own 8 writers and 5 consoles against the cluster; they need the
PostgreSQL backend, which does not exist yet.  Until it does, this probe plays
the writers with psql, so that the cluster and its failover settings can be
tuned and timed now.  Once the backend exists, zhishou's writers and consoles
replace this probe in tests/ha/drill.sh; the numbers here say what the setup
can do, not what zhishou does on it.

What it does, per round (10 by default, kill moments from a fixed seed):
  - waits until the cluster is healthy (a primary, a secondary, synchronous
    replication on);
  - 4 writers, each a psql session on the multi-host URI
    (target_session_attrs=read-write), insert a row with a unique token every
    ~50 ms: BEGIN; INSERT ... RETURNING id; COMMIT;
  - at a random moment it SIGKILLs the primary's postmaster (cluster.sh
    kill-primary; --kill node kills the whole node: keeper and Postgres;
    --target standby kills the standby instead, to see how long commits wait
    while synchronous replication has no standby);
  - a writer whose session breaks reconnects (a new psql on the same URI).
    If it broke after the INSERT had answered and before COMMIT answered, the
    outcome is unknown: the writer looks the token up on the primary before it
    inserts again (the pattern zhishou's writers will use), so nothing is
    added twice and nothing acknowledged is lost;
  - reports: kill -> first successful write (a COMMIT acknowledged for an
    attempt sent after the kill), the longest any write waited (first attempt
    -> acknowledgement), acknowledged rows vs rows present (each acknowledged
    token present exactly once, none missing), and whether the old primary
    came back as the standby, and how long that took.

  --idle SECONDS instead leaves the cluster alone under one light writer
  (a row a second) and shows that no failover happened: the same primary, no
  new monitor event that changes a node's state.

Python 3 standard library and psql only.  Run as root (cluster.sh needs it):
  tests/ha/cluster.sh up /tmp/ha
  tests/ha/failover_probe.py /tmp/ha [--rounds 10] [--seed 16] [--kill postmaster|node]
  tests/ha/cluster.sh down /tmp/ha
"""

import argparse
import os
import random
import select
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER = os.path.join(HERE, "cluster.sh")


def now():
    return time.time()


def cluster(*args, check=True, timeout=120):
    r = subprocess.run([CLUSTER, *args], capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"cluster.sh {' '.join(args)}: {r.returncode}: {r.stderr.strip()}")
    return r


class Session:
    """One psql process on the URI, fed statements on stdin."""

    def __init__(self, uri):
        self.p = subprocess.Popen(
            ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=0", "-d", uri],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, "PGAPPNAME": "failover_probe", "LC_ALL": "C.UTF-8"})
        self.buf = b""

    def send(self, text):
        try:
            self.p.stdin.write(text.encode())
            self.p.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def lines(self, until, timeout):
        """Yield output lines until the line `until`; None at EOF or timeout."""
        end = now() + timeout
        fd = self.p.stdout.fileno()
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                line = line.decode(errors="replace")
                yield line
                if line == until:
                    return
            left = end - now()
            if left <= 0:
                yield None
                return
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                yield None
                return
            self.buf += chunk

    def close(self):
        if self.p.poll() is None:
            try:
                self.p.stdin.close()
            except OSError:
                pass
            try:
                self.p.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        else:
            self.p.wait()
        self.p.stdout.close()


class Writer(threading.Thread):
    ATTEMPT_TIMEOUT = 30.0   # no answer for this long: the session is given up

    def __init__(self, wid, uri, prefix, interval, stop):
        super().__init__(daemon=True)
        self.wid, self.uri, self.prefix, self.interval, self.stop = wid, uri, prefix, interval, stop
        self.acked = {}          # token -> (first attempt sent, acknowledged)
        self.late = 0            # unknown outcomes found committed by their token
        self.retried = 0         # unknown outcomes found absent, inserted again
        self.unique_hits = 0     # an insert refused as a duplicate token (must stay 0)
        self.unresolved = []     # tokens whose outcome is unknown at the end
        self.reconnects = 0
        self.errors = {}
        self.s = None

    def session(self):
        if self.s is None:
            self.s = Session(self.uri)
        return self.s

    def drop(self):
        if self.s is not None:
            self.s.close()
            self.s = None
            self.reconnects += 1
            time.sleep(0.05)

    def note(self, line):
        if line and ("ERROR" in line or "FATAL" in line or "error:" in line or "failed" in line):
            key = line.split(":", 2)[-1].strip()[:70]
            self.errors[key] = self.errors.get(key, 0) + 1

    def attempt(self, token):
        """'ok', 'no' (known not committed) or 'unknown'."""
        s = self.session()
        mark = f"@@end {token}"
        ok = s.send("BEGIN;\n"
                    f"INSERT INTO probe(token, at) VALUES ('{token}', clock_timestamp()) RETURNING id;\n"
                    "COMMIT;\n"
                    f"\\echo {mark}\n")
        inserted = committed = False
        for line in s.lines(mark, self.ATTEMPT_TIMEOUT) if ok else [None]:
            if line is None:
                self.drop()
                return "unknown" if inserted else "no"
            if line == "INSERT 0 1":
                inserted = True
            elif line == "COMMIT":
                committed = True
            elif "duplicate key" in line:
                self.unique_hits += 1
            else:
                self.note(line)
        if committed:
            return "ok"
        # an error inside the transaction: rolled back.  Reconnect anyway (a
        # session on a node that became read-only stays read-only).
        self.drop()
        return "no"

    def exists(self, token):
        """True/False from the primary; None if it cannot be asked now.

        The look-up runs in a transaction that takes a transaction id, so that
        its COMMIT writes a commit record and waits for the synchronous
        standby like any write.  A row found right after a crash restart may
        be on the restarted primary only (its commit was written there and the
        wait for the standby cut short); once this later COMMIT is
        acknowledged, the standby has every WAL record before it, that row
        included, so a failover now cannot take it away.  Without the COMMIT
        the answer is not trusted."""
        s = self.session()
        mark = f"@@seen {token}"
        if not s.send("BEGIN;\nSELECT 'x' || txid_current();\n"
                      f"SELECT count(*) FROM probe WHERE token = '{token}';\nCOMMIT;\n\\echo {mark}\n"):
            self.drop()
            return None
        answer = None
        committed = False
        for line in s.lines(mark, self.ATTEMPT_TIMEOUT):
            if line is None:
                self.drop()
                return None
            if line.isdigit():
                answer = int(line)
            elif line == "COMMIT":
                committed = True
            elif not line.startswith("x") and line != "BEGIN":
                self.note(line)
        if answer is None or not committed:
            self.drop()
            return None
        return answer > 0

    def run(self):
        seq = 0
        next_at = now()
        while not self.stop.is_set():
            token = f"{self.prefix}-w{self.wid}-{seq}"
            first = now()
            unknown = False
            while True:
                if unknown:
                    found = self.exists(token)
                    if found is None:
                        if self.stop.is_set() and now() - first > 60:
                            self.unresolved.append(token)
                            break
                        time.sleep(0.1)
                        continue
                    if found:
                        self.late += 1
                        self.acked[token] = (first, now())
                        break
                    self.retried += 1
                    unknown = False
                r = self.attempt(token)
                if r == "ok":
                    self.acked[token] = (first, now())
                    break
                if r == "unknown":
                    unknown = True
                    continue
                if self.stop.is_set() and now() - first > 60:
                    break              # never committed, never acknowledged
                time.sleep(0.05)
            seq += 1
            next_at = max(next_at + self.interval, now())
            time.sleep(max(0.0, next_at - now()))
        if self.s is not None:
            self.s.close()
            self.s = None


def psql_primary(uri, sql):
    r = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"psql: {r.stderr.strip()}")
    return r.stdout


def present_counts(uri, prefix):
    out = psql_primary(uri, f"SELECT token, count(*) FROM probe WHERE token LIKE '{prefix}-%' GROUP BY token")
    counts = {}
    for line in out.splitlines():
        if "|" in line:
            t, c = line.split("|")
            counts[t] = int(c)
    return counts


def run_writers(uri, prefix, n, interval):
    stop = threading.Event()
    ws = [Writer(i, uri, prefix, interval, stop) for i in range(n)]
    for w in ws:
        w.start()
    return stop, ws


def stop_writers(stop, ws):
    stop.set()
    for w in ws:
        w.join(timeout=120)
        if w.is_alive():
            raise RuntimeError(f"writer {w.wid} did not stop")


def last_event(d):
    out = cluster("events", d).stdout.strip().splitlines()
    return int(out[-1].split("|")[0]) if out else 0


def round_once(args, d, uri, rng, rnd, run_id):
    cluster("healthy", d, "300")
    before = cluster("primary", d).stdout.strip()
    ev0 = last_event(d)
    prefix = f"{run_id}-r{rnd}"
    offset = rng.uniform(args.kill_min, args.kill_max)
    stop, ws = run_writers(uri, prefix, args.writers, args.interval)
    time.sleep(offset)
    k = cluster(f"kill-{args.target}", d, args.kill).stdout.split()
    killed, t_kill = k[0], float(k[2])
    # wait for the first write sent after the kill, then 3 s more of writing
    first = None
    deadline = t_kill + args.give_up
    while now() < deadline:
        acks = [a for w in ws for (f, a) in list(w.acked.values()) if f > t_kill]
        if acks:
            first = min(acks)
            break
        time.sleep(0.05)
    if first is not None:
        time.sleep(3)
    restarted = None
    if args.kill == "node":
        cluster("start-node", d, killed)
        restarted = now()
    stop_writers(stop, ws)
    acked = {t: v for w in ws for t, v in w.acked.items()}
    counts = present_counts(uri, prefix)
    lost = [t for t in acked if counts.get(t, 0) == 0]
    dup = [t for t, c in counts.items() if c > 1]
    extra = [t for t in counts if t not in acked]
    longest = max((a - f for (f, a) in acked.values()), default=0.0)
    # the old primary back as the standby (or the same primary restarted)
    ok = cluster("healthy", d, str(args.rejoin_wait), check=False).returncode == 0
    t_healthy = now() if ok else None
    after = cluster("primary", d, check=False).stdout.strip()
    events = cluster("events", d, str(ev0), check=False).stdout.rstrip()
    res = {
        "round": rnd, "offset": offset, "killed": killed, "after": after,
        "failover": after != before,
        "first": (first - t_kill) if first else None,
        "longest": longest, "acked": len(acked), "present": len(counts),
        "lost": len(lost), "dup": len(dup), "extra": len(extra),
        "late": sum(w.late for w in ws), "retried": sum(w.retried for w in ws),
        "unique_hits": sum(w.unique_hits for w in ws),
        "unresolved": sum(len(w.unresolved) for w in ws),
        "reconnects": sum(w.reconnects for w in ws),
        "healthy": (t_healthy - t_kill) if t_healthy else None,
        "rejoin": (t_healthy - restarted) if (t_healthy and restarted) else None,
        "errors": {},
    }
    for w in ws:
        for e, c in w.errors.items():
            res["errors"][e] = res["errors"].get(e, 0) + c
    if args.verbose:
        print(events, flush=True)
        for e, c in sorted(res["errors"].items(), key=lambda x: -x[1]):
            print(f"    {c:5d} x {e}")
    if lost:
        print(f"  LOST: {lost[:10]}", flush=True)
    if dup:
        print(f"  DUPLICATED: {dup[:10]}", flush=True)
    return res


def fmt(x, unit="s"):
    return "-" if x is None else f"{x:.2f}{unit}"


def summary(results):
    def mmm(key):
        xs = [r[key] for r in results if r[key] is not None]
        if not xs:
            return "-"
        return f"min {min(xs):.2f} / median {statistics.median(xs):.2f} / max {max(xs):.2f} s"
    print("summary:")
    print(f"  kill -> first write: {mmm('first')}"
          f"  ({sum(1 for r in results if r['first'] is None)} rounds without one)")
    print(f"  longest wait:        {mmm('longest')}")
    if any(r["rejoin"] for r in results):
        print(f"  keeper restarted -> healthy: {mmm('rejoin')}")
    print(f"  kill -> healthy:     {mmm('healthy')}"
          f"  ({sum(1 for r in results if r['healthy'] is None)} rounds not healthy in time)")
    print(f"  failovers: {sum(r['failover'] for r in results)} of {len(results)} rounds"
          f" (the rest: the same primary, restarted in place if it was the one killed)")
    tot = {k: sum(r[k] for r in results) for k in
           ("acked", "present", "lost", "dup", "extra", "late", "retried", "unique_hits", "unresolved")}
    print(f"  rows: {tot['acked']} acknowledged, {tot['present']} present, {tot['lost']} lost,"
          f" {tot['dup']} duplicated, {tot['extra']} present but never acknowledged")
    print(f"  unknown outcomes: {tot['late']} found committed by token, {tot['retried']} found absent and"
          f" inserted again, {tot['unresolved']} unresolved; duplicate-token refusals {tot['unique_hits']}")
    bad = tot["lost"] or tot["dup"] or tot["unique_hits"] or any(r["first"] is None for r in results)
    return 1 if bad else 0


def idle(args, d, uri):
    cluster("healthy", d, "300")
    before = cluster("primary", d).stdout.strip()
    ev0 = last_event(d)
    print(f"idle: {args.idle:.0f} s, one writer at a row a second; primary {before}", flush=True)
    stop, ws = run_writers(uri, f"idle{int(now())}", 1, 1.0)
    time.sleep(args.idle)
    stop_writers(stop, ws)
    after = cluster("primary", d).stdout.strip()
    events = cluster("events", d, str(ev0)).stdout.rstrip()
    w = ws[0]
    longest = max((a - f for (f, a) in w.acked.values()), default=0.0)
    print(f"idle: {len(w.acked)} rows acknowledged, longest write {longest * 1000:.0f} ms,"
          f" {w.reconnects} reconnects; primary after: {after}")
    print("idle: monitor events meanwhile:" + ("\n" + events if events else " none"))
    ok = after == before and not events and w.reconnects == 0
    print("idle: " + ("no failover, no state change" if ok else "SOMETHING HAPPENED"))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="the cluster's DIR (tests/ha/cluster.sh up DIR)")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--interval", type=float, default=0.05, help="seconds between a writer's rows")
    ap.add_argument("--kill", choices=("postmaster", "node"), default="postmaster",
                    help="SIGKILL the postmaster (the issue's drill) or the whole node (keeper too)")
    ap.add_argument("--target", choices=("primary", "standby"), default="primary",
                    help="whom to kill: the primary (the drill) or the standby (how long writes wait)")
    ap.add_argument("--kill-min", type=float, default=2.0, help="earliest kill after the writers start (s)")
    ap.add_argument("--kill-max", type=float, default=8.0, help="latest kill after the writers start (s)")
    ap.add_argument("--give-up", type=float, default=120.0, help="no write this long after the kill: failed round")
    ap.add_argument("--rejoin-wait", type=int, default=240, help="seconds to wait for the cluster to be healthy again")
    ap.add_argument("--idle", type=float, help="no kill: this many seconds of light load, then check nothing moved")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the monitor's events and the errors seen")
    args = ap.parse_args()
    d = args.dir
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    uri = cluster("uri", d).stdout.strip()
    psql_primary(uri, "CREATE TABLE IF NOT EXISTS probe(id bigserial PRIMARY KEY, token text UNIQUE, at timestamptz)")
    if args.idle:
        return idle(args, d, uri)
    rng = random.Random(args.seed)
    run_id = f"s{args.seed}t{int(now())}"
    print(f"probe: {args.rounds} rounds, seed {args.seed}, {args.writers} writers every {args.interval * 1000:.0f} ms,"
          f" kill the {args.target}'s {args.kill} {args.kill_min:.0f}-{args.kill_max:.0f} s after the writers start",
          flush=True)
    print(f"probe: uri {uri}", flush=True)
    results = []
    for rnd in range(1, args.rounds + 1):
        r = round_once(args, d, uri, rng, rnd, run_id)
        results.append(r)
        print(f"round {rnd:2d}: kill at +{r['offset']:.1f}s of {r['killed']} -> primary {r['after']}"
              f" ({'failover' if r['failover'] else 'same primary'});"
              f" first write {fmt(r['first'])}, longest wait {fmt(r['longest'])};"
              f" rows {r['acked']} acked / {r['present']} present, lost {r['lost']}, dup {r['dup']};"
              f" unknown->found {r['late']}, ->retried {r['retried']}; reconnects {r['reconnects']};"
              f" healthy again {fmt(r['healthy'])} after the kill"
              + (f" ({fmt(r['rejoin'])} after the killed node's keeper started again)" if r["rejoin"] else ""),
              flush=True)
    return summary(results)


if __name__ == "__main__":
    sys.exit(main())
