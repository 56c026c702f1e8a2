#!/usr/bin/env python3
"""Relay benchmarks: `zhishou relay` against a robot and an 8890 feed on 127.0.0.1.

One HTTP server in this process (ThreadingHTTPServer, HTTP/1.1, port 0)
stands in for a plain webhook robot (POST /hook: the arrival time,
time.time_ns(), and the body's outbox_id, exposure_id and event are
recorded; the answer is 200 {"ok":true}) and for the city's 8890 feed
(GET /feed?page=N: pages encoded before any timing starts, linked by
"next"; an empty page when no orders are set).  Python 3 standard library
only.

Figures:
  latency  commit -> POST: the relay runs (foreground, real clock) with one
           webhook robot (per_minute = 0: no rate limit) and one feed at
           interval 3600; bench_relay (tests/bench/bench_relay.c) commits
           EVENTS exposures at RATE a second on a fixed schedule and prints
           each one's commit time (CLOCK_REALTIME, taken in SQLite's WAL
           hook: the moment the commit is visible) and the time
           exposure_add returned (later by the automatic checkpoint when
           that commit ran one); each exposure_new POST is matched to its
           commit by exposure_id.  p50/p90/p99/max from the commit (and,
           for comparison, from the return), delivered, missing,
           duplicates.
  idle     a relay on a fresh database with that robot and feed; --settle
           seconds (5) to settle, then IDLE_SECONDS of nothing: CPU (utime+stime of
           /proc/PID/stat) in the window, scaled to 10 minutes and as a
           percentage, wakeups (voluntary context switches of all its
           threads), peak RSS (VmHWM).  With --idle-loaded also on the
           latency database afterwards (EVENTS open exposures, which the
           relay's deadline/digest scan walks every 10 s).
  feed     `zhishou relay --once` with only the feed: FEED_ORDERS distinct
           orders in pages of 500 linked by "next", end to end (orders/s,
           CPU, peak RSS); the intakes counted in the database; then
           --once again, which must add 0.

Usage:
  relay_bench.py --bin ZHISHOU --driver BENCH_RELAY --out DIR
                 [--events 1000] [--rate 20] [--idle-seconds 60]
                 [--feed-orders 10000] [--page-size 500] [--idle-loaded]
                 [--parts latency,idle,feed] [--settle 5] [--summary FILE]

Prints a report and appends rows (what, figure, target, verdict; no targets
here) to --summary for run.sh.  Every latency sample is written to
DIR/relay-latency.tsv and the relays' stderr to DIR/relay-*.err.  Exit
status 1 when something was lost, repeated or failed (an exposure_new not
POSTed exactly once, a relay that did not stop cleanly, a feed import
short, or repeated by the second --once); 3 when the benchmark could not
run; never for a time.
"""

import argparse
import http.server
import json
import os
import re
import signal
import socketserver
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse


# ---------------------------------------------------------------- server

class Stand:
    """The robot and the feed, on one port."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posts = []          # (arrival_ns, outbox_id, exposure_id, event, expect_header)
        self.bad_posts = []      # (arrival_ns, path, why)
        self.gets = []           # (arrival_ns, page)
        self.pages = {}          # page number -> encoded body
        self.empty = json.dumps({"orders": [], "next": None}).encode()
        stand = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"   # answers Expect: 100-continue, keeps connections

            def log_message(self, fmt, *args):
                pass

            def _send(self, code, body, ctype="application/json"):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                t = time.time_ns()
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                path = urllib.parse.urlsplit(self.path).path
                if path != "/hook":
                    with stand.lock:
                        stand.bad_posts.append((t, self.path, "unknown path"))
                    self._send(404, b'{"error":"no such path"}')
                    return
                try:
                    o = json.loads(body)
                    rec = (t, o.get("outbox_id"), o.get("exposure_id"), o.get("event"),
                           self.headers.get("Expect") or "")
                except (ValueError, AttributeError) as e:
                    with stand.lock:
                        stand.bad_posts.append((t, self.path, "body not JSON: %s" % e))
                    self._send(400, b'{"error":"not json"}')
                    return
                with stand.lock:
                    stand.posts.append(rec)
                self._send(200, b'{"ok":true}')

            def do_GET(self):
                t = time.time_ns()
                u = urllib.parse.urlsplit(self.path)
                if u.path != "/feed":
                    self._send(404, b'{"error":"no such path"}')
                    return
                q = urllib.parse.parse_qs(u.query)
                try:
                    page = int(q.get("page", ["1"])[0])
                except ValueError:
                    page = -1
                with stand.lock:
                    stand.gets.append((t, page))
                    body = stand.pages.get(page) if stand.pages else (stand.empty if page == 1 else None)
                if body is None:
                    self._send(404, b'{"error":"no such page"}')
                else:
                    self._send(200, body)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self):
        with self.lock:
            self.posts, self.bad_posts, self.gets = [], [], []

    def set_orders(self, n, page_size):
        """n distinct orders in pages of page_size, linked by next; encoded now."""
        kinds = ["投诉", "举报", "咨询"]
        subjects = ["云溪星辰健身服务有限公司", "东港嘉禾电子商务有限公司", "南湖优品超市",
                    "滨海瑞丰汽车销售服务有限公司", "北辰佳美美容美发店", "江城福满楼餐饮管理有限公司"]
        texts = ["预付卡商家关门跑路，会员余额%d元无法退还，要求处理。",
                 "直播间购买的燕窝疑似以次充好，订单号%d，要求退款。",
                 "在超市购买的散装熟食已过期，小票编号%d，要求查处。",
                 "购买的二手车隐瞒事故车况，合同编号%d，要求赔偿。",
                 "美容店无证开展注射项目，消费%d元，要求调查。",
                 "外卖后厨卫生脏乱，订单%d，要求检查。"]
        base = 1773572400  # 2026-03-15 19:00 +08:00
        pages = {}
        npages = max(1, (n + page_size - 1) // page_size)
        for p in range(1, npages + 1):
            orders = []
            for k in range((p - 1) * page_size, min(n, p * page_size)):
                t = base + k  # one a second from 19:00
                orders.append({
                    "order_no": "8890-BENCH-%07d" % (k + 1),
                    "received_at": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t + 8 * 3600)),
                    "caller": "来电人%d" % (k % 997),
                    "phone": "13%09d" % (800000000 + k),
                    "subject": subjects[k % len(subjects)],
                    "content": texts[k % len(texts)] % (100000 + k),
                    "kind": kinds[k % len(kinds)],
                })
            nxt = "%s/feed?page=%d" % (self.base, p + 1) if p < npages else None
            pages[p] = json.dumps({"orders": orders, "next": nxt}, ensure_ascii=False).encode()
        with self.lock:
            self.pages = pages
        return npages, sum(len(b) for b in pages.values())

    def clear_orders(self):
        with self.lock:
            self.pages = {}


# ---------------------------------------------------------------- helpers

def pct(sorted_vals, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_vals:
        return float("nan")
    k = max(0, min(len(sorted_vals) - 1, int(-(-p * len(sorted_vals) // 100)) - 1))
    return sorted_vals[k]


def write_conf(path, base, robot=True, feed=True, interval=3600):
    lines = ["[general]", "timezone = Asia/Shanghai", "",
             "[relay]", "retries = 8", "retry_max_seconds = 60", ""]
    if robot:
        lines += ["[robot.bench]", "type = webhook", "url = %s/hook" % base, "per_minute = 0", ""]
    if feed:
        lines += ["[feed.city]", "url = %s/feed?page=1" % base, "interval = %d" % interval, ""]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines))
    os.chmod(path, 0o600)


def env():
    e = dict(os.environ)
    e.pop("ZHISHOU_NOW", None)   # the relay on the real clock
    e["LC_ALL"] = "C.UTF-8"
    return e


def fresh_db(zs, db):
    for s in ("", "-wal", "-shm"):
        try:
            os.unlink(db + s)
        except FileNotFoundError:
            pass
    subprocess.run([zs, "--db", db, "init"], check=True, stdout=subprocess.DEVNULL, env=env())


def sql(db, q):
    r = subprocess.run(["sqlite3", db, q], check=True, capture_output=True, text=True)
    return r.stdout.strip()


def start_relay(zs, db, conf, errpath, extra=()):
    err = open(errpath, "w")
    p = subprocess.Popen([zs, "--db", db, "--config", conf, "relay", *extra],
                         stdout=subprocess.DEVNULL, stderr=err, env=env())
    err.close()
    return p


def stop_relay(p, timeout=15):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return "killed after %d s" % timeout
    return "exit %d" % p.returncode


def wait_for(pred, timeout, step=0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return pred()


def stderr_digest(path):
    """(lines, lines that are neither 'sent' nor the start/stop notes)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return [], []
    routine = re.compile(r"已发送|sent .* to |开始工作|working:|收到信号|signal \d+: stopping|已停止|stopped$")
    return lines, [l for l in lines if not routine.search(l)]


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_sample(pid):
    """cpu seconds (all threads), per-thread switches summed, VmRSS/VmHWM KiB, threads."""
    with open("/proc/%d/stat" % pid) as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    # fields[0] is field 3 (state): utime is field 14, stime 15
    cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK
    vol = nonvol = runs = oncpu = 0
    tasks = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        vol += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        nonvol += int(line.split()[1])
            tasks += 1
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    ss = f.read().split()
                    oncpu += int(ss[0])
                    runs += int(ss[2])
            except (OSError, IndexError, ValueError):
                pass
        except FileNotFoundError:
            pass
    mem = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                mem[k] = int(v.split()[0])
    return {"t": time.monotonic(), "cpu": cpu, "oncpu": oncpu / 1e9, "vol": vol, "nonvol": nonvol, "runs": runs,
            "rss": mem.get("VmRSS", 0), "hwm": mem.get("VmHWM", 0), "tasks": tasks}


# ---------------------------------------------------------------- report

class Report:
    def __init__(self, summary):
        self.summary = summary
        self.problems = []   # lost or repeated work, failed runs: exit status 1

    def problem(self, cond, what):
        """A finding (not a time): reported at the end, exit status 1."""
        if cond:
            self.problems.append(what)

    def say(self, s=""):
        print(s, flush=True)

    def row(self, what, figure):
        if self.summary:
            with open(self.summary, "a") as f:
                f.write("%s\t%s\t\t\n" % (what, figure))


# ---------------------------------------------------------------- latency

def bench_latency(a, stand, rep):
    rep.say("-- commit -> POST latency: %d exposures at %g/s, one webhook robot (no rate limit)" % (a.events, a.rate))
    db = os.path.join(a.out, "relay-latency.db")
    conf = os.path.join(a.out, "relay-latency.conf")
    errp = os.path.join(a.out, "relay-latency.err")
    fresh_db(a.bin, db)
    write_conf(conf, stand.base)
    stand.clear_orders()
    stand.reset()
    relay = start_relay(a.bin, db, conf, errp)
    if not wait_for(lambda: stand.gets or relay.poll() is not None, 10):
        rep.say("  the relay did not poll the feed within 10 s")
    if relay.poll() is not None:
        sys.stderr.write(open(errp).read())
        raise SystemExit("relay_bench: the relay exited at start (%d)" % relay.returncode)
    time.sleep(1.0)   # settled: the first poll and time events are done
    t_start = time.time_ns()
    drv = subprocess.run([a.driver, db, str(a.events), "--rate", str(a.rate)], capture_output=True, text=True,
                         env=env())
    t_end = time.time_ns()
    if drv.returncode != 0:
        stop_relay(relay)
        sys.stderr.write(drv.stderr)
        raise SystemExit("relay_bench: bench_relay failed (%d)" % drv.returncode)
    commits, returns, ckpt = {}, {}, set()
    for line in drv.stdout.split("\n"):
        if line.strip():
            i, t, r, c = line.split()
            commits[int(i)], returns[int(i)] = int(t), int(r)
            if c == "1":
                ckpt.add(int(i))

    def new_posts():
        with stand.lock:
            return sum(1 for p in stand.posts if p[3] == "exposure_new")
    # Until every event arrived, or nothing new for 10 s.
    last_n, last_change = -1, time.monotonic()
    while True:
        n = new_posts()
        if n >= len(commits):
            break
        if n != last_n:
            last_n, last_change = n, time.monotonic()
        elif time.monotonic() - last_change > 10:
            break
        time.sleep(0.05)
    time.sleep(0.5)   # late duplicates, if any
    how = stop_relay(relay)
    with stand.lock:
        posts = list(stand.posts)
        bad = list(stand.bad_posts)

    by_exp = {}
    other = {}
    for p in posts:
        if p[3] == "exposure_new":
            by_exp.setdefault(p[2], []).append(p)
        else:
            other[p[3]] = other.get(p[3], 0) + 1
    lat, lat_ret = [], []
    rows = []
    for eid, ct in sorted(commits.items()):
        ps = by_exp.get(eid, [])
        if ps:
            first = min(x[0] for x in ps)
            lat.append((first - ct) / 1e6)
            lat_ret.append((first - returns[eid]) / 1e6)
            rows.append((eid, ct, returns[eid], int(eid in ckpt), first, (first - ct) / 1e6, len(ps)))
    missing = sorted(set(commits) - set(by_exp))
    dups = {e: len(v) for e, v in by_exp.items() if len(v) > 1}
    unknown = sorted(set(by_exp) - set(commits))
    expect = sum(1 for p in posts if p[4])
    with open(os.path.join(a.out, "relay-latency.tsv"), "w") as f:
        f.write("exposure_id\tcommit_ns\treturn_ns\tdriver_checkpoint\tfirst_post_ns\tlatency_ms\tposts\n")
        for r in rows:
            f.write("%d\t%d\t%d\t%d\t%d\t%.3f\t%d\n" % r)

    s = sorted(lat)
    pace = (max(commits.values()) - min(commits.values())) / 1e9 / max(1, len(commits) - 1) if commits else 0
    rep.say("  committed %d in %.1f s (one every %.1f ms on average); relay %s" %
            (len(commits), (t_end - t_start) / 1e9, pace * 1e3, how))
    if s:
        rep.say("  latency ms from the commit: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (min %.2f, mean %.2f)" %
                (pct(s, 50), pct(s, 90), pct(s, 99), s[-1], s[0], sum(s) / len(s)))
        sr = sorted(lat_ret)
        neg = sum(1 for x in sr if x < 0)
        rep.say("  from exposure_add's return instead: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (min %.2f; %d negative)" %
                (pct(sr, 50), pct(sr, 90), pct(sr, 99), sr[-1], sr[0], neg))
        gap = sorted((returns[e] - commits[e]) / 1e6 for e in ckpt)
        rep.say("  the driver's commits that ran the automatic checkpoint: %d%s" %
                (len(ckpt), " (returned %.1f-%.1f ms after the commit)" % (gap[0], gap[-1]) if gap else ""))
    rep.say("  delivered %d of %d exposure_new; missing %d%s; duplicates %d%s; unknown ids %d" %
            (len(by_exp.keys() & commits.keys()), len(commits), len(missing),
             (" (ids %s)" % missing[:20]) if missing else "", len(dups),
             (" (id: posts %s)" % dict(list(dups.items())[:20])) if dups else "", len(unknown)))
    if other:
        rep.say("  other events posted: %s" % ", ".join("%s %d" % kv for kv in sorted(other.items())))
    if bad:
        rep.say("  refused POSTs: %d (first: %s)" % (len(bad), bad[0][1:]))
    rep.say("  POSTs with an Expect header: %d" % expect)
    if rows:
        worst = sorted(rows, key=lambda r: -r[5])[:8]
        t0 = min(commits.values())
        rep.say("  slowest: " + ", ".join("#%d %.1f ms (at +%.2f s)" % (r[0], r[5], (r[1] - t0) / 1e9)
                                           for r in worst))
        over = [r for r in rows if r[5] > 10]
        rep.say("  over 10 ms: %d; over 50 ms: %d; over 100 ms: %d; over 1 s: %d" %
                (len(over), sum(1 for r in rows if r[5] > 50), sum(1 for r in rows if r[5] > 100),
                 sum(1 for r in rows if r[5] > 1000)))
        # A slow one POSTed just after the next commit was not noticed when
        # it committed: the next commit's write to the -wal woke the relay.
        woken = []
        for k, r in enumerate(rows):
            if r[5] > 10 and k + 1 < len(rows) and abs(r[4] - rows[k + 1][1]) <= 5e6:
                woken.append(r[0])
        rep.say("  of the >10 ms: %d POSTed within 5 ms of the NEXT exposure's commit (this commit did not "
                "wake the relay; the next one's write to the -wal did)%s" %
                (len(woken), (": #" + " #".join(map(str, woken[:20]))) if woken else ""))
        # Are the slow ones periodic (the relay's 5 s and 10 s timers)?
        if len(over) >= 2:
            gaps = [(over[i + 1][1] - over[i][1]) / 1e9 for i in range(len(over) - 1)]
            rep.say("  spacing of the >10 ms ones (s): %s" % " ".join("%.2f" % g for g in gaps[:30]))
    states = sql(db, "SELECT state || ' ' || count(*) || ' (attempts max ' || max(attempts) || ')' "
                     "FROM delivery GROUP BY state")
    rep.say("  deliveries in the database: %s" % (states.replace("\n", "; ") or "none"))
    lines, odd = stderr_digest(errp)
    rep.say("  relay stderr: %d lines, %d not routine%s" % (len(lines), len(odd), ":" if odd else ""))
    for l in odd[:15]:
        rep.say("    " + l)
    if s:
        rep.row("relay: commit->POST p50/p90/p99/max",
                "%.1f / %.1f / %.1f / %.1f ms" % (pct(s, 50), pct(s, 90), pct(s, 99), s[-1]))
    rep.row("relay: delivered / missing / duplicates", "%d / %d / %d of %d (%g/s)" %
            (len(by_exp.keys() & commits.keys()), len(missing), len(dups), len(commits), a.rate))
    rep.problem(len(commits) != a.events, "latency: bench_relay committed %d of %d" % (len(commits), a.events))
    rep.problem(missing or dups or unknown, "latency: %d missing, %d duplicated, %d unknown exposure_new POSTs" %
                (len(missing), len(dups), len(unknown)))
    rep.problem(bad, "latency: %d refused POSTs" % len(bad))
    rep.problem(how != "exit 0", "latency: the relay stopped with %s" % how)
    return db, conf


# ---------------------------------------------------------------- idle

def bench_idle(a, stand, rep, db=None, conf=None, label="fresh database", short="fresh db"):
    rep.say("-- idle: %s, one robot, one feed at interval 3600; settle %g s, then %d s" %
            (label, a.settle, a.idle_seconds))
    if db is None:
        db = os.path.join(a.out, "relay-idle.db")
        conf = os.path.join(a.out, "relay-idle.conf")
        fresh_db(a.bin, db)
        write_conf(conf, stand.base)
    tag = "idle" if label == "fresh database" else "idle-loaded"
    errp = os.path.join(a.out, "relay-%s.err" % tag)
    stand.clear_orders()
    stand.reset()
    relay = start_relay(a.bin, db, conf, errp)
    time.sleep(a.settle)
    if relay.poll() is not None:
        sys.stderr.write(open(errp).read())
        raise SystemExit("relay_bench: the relay exited (%d)" % relay.returncode)
    with stand.lock:
        n_req0 = len(stand.posts) + len(stand.gets)
    s0 = proc_sample(relay.pid)
    # Sample every second: the RSS may move within the window.
    hwm, rss_max, tasks_max = s0["hwm"], s0["rss"], s0["tasks"]
    end = s0["t"] + a.idle_seconds
    while time.monotonic() < end:
        time.sleep(min(1.0, max(0.0, end - time.monotonic())))
        x = proc_sample(relay.pid)
        hwm, rss_max, tasks_max = max(hwm, x["hwm"]), max(rss_max, x["rss"]), max(tasks_max, x["tasks"])
    s1 = proc_sample(relay.pid)
    with stand.lock:
        n_req1 = len(stand.posts) + len(stand.gets)
    how = stop_relay(relay)
    w = s1["t"] - s0["t"]
    cpu = s1["cpu"] - s0["cpu"]
    vol = s1["vol"] - s0["vol"]
    nonvol = s1["nonvol"] - s0["nonvol"]
    runs = s1["runs"] - s0["runs"]
    oncpu = s1["oncpu"] - s0["oncpu"]
    rep.say("  window %.1f s: CPU %.2f s (utime+stime, %d ticks/s) = %.3f%%; scaled to 10 min: %.2f s" %
            (w, cpu, CLK_TCK, 100 * cpu / w, cpu * 600 / w))
    rep.say("  on-CPU time (schedstat, ns resolution): %.4f s = %.4f%%; scaled to 10 min: %.3f s" %
            (oncpu, 100 * oncpu / w, oncpu * 600 / w))
    rep.say("  wakeups: %d voluntary context switches (%.2f/s), %d involuntary; %d times scheduled in "
            "(schedstat); threads %d" % (vol, vol / w, nonvol, runs, tasks_max))
    rep.say("  memory: VmHWM %.1f MiB, VmRSS %.1f MiB at the start of the window, %.1f at the end "
            "(largest seen %.1f)" % (hwm / 1024, s0["rss"] / 1024, s1["rss"] / 1024, rss_max / 1024))
    rep.say("  HTTP requests during the window: %d; relay %s" % (n_req1 - n_req0, how))
    rep.problem(how != "exit 0", "idle (%s): the relay stopped with %s" % (short, how))
    lines, odd = stderr_digest(errp)
    rep.say("  relay stderr: %d lines, %d not routine%s" % (len(lines), len(odd), ":" if odd else ""))
    for l in odd[:10]:
        rep.say("    " + l)
    rep.row("relay idle (%s): CPU %d s | per 10 min" % (short, round(w)),
            "%.2f s (%.3f%%) | %.2f s; on-CPU %.4f s | %.3f s" % (cpu, 100 * cpu / w, cpu * 600 / w,
                                                                oncpu, oncpu * 600 / w))
    rep.row("relay idle (%s): wakeups | peak RSS" % short, "%.2f/s | %.1f MiB" % (vol / w, hwm / 1024))


# ---------------------------------------------------------------- feed

def timed_once(a, db, conf, errp):
    err = open(errp, "w")
    t0 = time.perf_counter()
    p = subprocess.Popen([a.bin, "--db", db, "--config", conf, "relay", "--once"],
                         stdout=subprocess.DEVNULL, stderr=err, env=env())
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter()
    err.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    return t1 - t0, p.returncode, ru


def count_8890(db):
    return int(sql(db, "SELECT count(*) FROM intake WHERE channel = '8890'"))


def bench_feed(a, stand, rep):
    db = os.path.join(a.out, "relay-feed.db")
    conf = os.path.join(a.out, "relay-feed.conf")
    fresh_db(a.bin, db)
    write_conf(conf, stand.base, robot=False, feed=True)
    npages, nbytes = stand.set_orders(a.feed_orders, a.page_size)
    rep.say("-- feed: %d orders in %d pages of %d (%.1f MB of JSON), `relay --once` with only the feed" %
            (a.feed_orders, npages, a.page_size, nbytes / 1e6))
    stand.reset()
    s, rc, ru = timed_once(a, db, conf, os.path.join(a.out, "relay-feed-1.err"))
    with stand.lock:
        gets1 = len(stand.gets)
    n1 = count_8890(db)
    distinct = int(sql(db, "SELECT count(DISTINCT ref) FROM intake WHERE channel = '8890'"))
    quar = int(sql(db, "SELECT count(*) FROM feed_quarantine"))
    rep.say("  first --once: %.2f s, exit %d: %.0f orders/s; %d page requests; CPU user %.2f s sys %.2f s; "
            "peak RSS %.1f MiB" % (s, rc, n1 / s if s else 0, gets1, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024))
    rep.say("  intakes with channel 8890: %d (%s %d; distinct order numbers %d); quarantined %d" %
            (n1, "exactly" if n1 == a.feed_orders else "EXPECTED", a.feed_orders, distinct, quar))
    try:
        lj = subprocess.run([a.bin, "--db", db, "--config", conf, "log", "list", "--channel", "8890", "--format",
                             "json", "--limit", str(a.feed_orders * 2)], capture_output=True, text=True, env=env())
        got = json.loads(lj.stdout)
        n_list = len(got) if isinstance(got, list) else len(got.get("intakes", got.get("rows", [])))
        rep.say("  `log list --channel 8890 --format json --limit %d`: %d rows" % (a.feed_orders * 2, n_list))
    except (ValueError, OSError) as e:
        rep.say("  `log list --format json` could not be read: %s" % e)
    state = sql(db, "SELECT 'last_ok ' || (last_ok > 0) || ', added ' || added || ', error \"' || last_error || '\"' "
                    "FROM feed_state")
    rep.say("  feed_state: %s" % (state or "none"))
    stand.reset()
    s2, rc2, ru2 = timed_once(a, db, conf, os.path.join(a.out, "relay-feed-2.err"))
    with stand.lock:
        gets2 = len(stand.gets)
    n2 = count_8890(db)
    rep.say("  second --once: %.2f s, exit %d, %d page requests, added %d (intakes now %d)" %
            (s2, rc2, gets2, n2 - n1, n2))
    for k, name in ((1, "first"), (2, "second")):
        lines, odd = stderr_digest(os.path.join(a.out, "relay-feed-%d.err" % k))
        rep.say("  %s run's stderr: %d lines%s" % (name, len(lines), ":" if lines else ""))
        for l in lines[:6]:
            rep.say("    " + l)
    rep.row("relay feed import (%d orders, --once)" % a.feed_orders,
            "%.0f orders/s (%.2f s); %d intakes" % (n1 / s if s else 0, s, n1))
    rep.row("relay feed: second --once adds", "%d (%.2f s)" % (n2 - n1, s2))
    rep.problem(rc or rc2, "feed: relay --once exited %d, then %d" % (rc, rc2))
    rep.problem(n1 != a.feed_orders or distinct != n1, "feed: %d intakes (%d distinct) from %d orders" %
                (n1, distinct, a.feed_orders))
    rep.problem(n2 != n1, "feed: the second --once added %d" % (n2 - n1))


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--driver", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=20)
    ap.add_argument("--idle-seconds", type=int, default=60)
    ap.add_argument("--idle-loaded", action="store_true")
    ap.add_argument("--settle", type=float, default=5, help="seconds a relay runs before its idle window")
    ap.add_argument("--feed-orders", type=int, default=10000)
    ap.add_argument("--page-size", type=int, default=500)
    ap.add_argument("--parts", default="latency,idle,feed")
    ap.add_argument("--summary")
    a = ap.parse_args()
    parts = set(a.parts.split(","))
    os.makedirs(a.out, exist_ok=True)
    rep = Report(a.summary)
    stand = Stand()
    stand.start()
    rep.say("robot and feed stand-in on %s (HTTP/1.1); %d cores; load %s" %
            (stand.base, os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3])))
    try:
        lat_db = lat_conf = None
        if "latency" in parts:
            lat_db, lat_conf = bench_latency(a, stand, rep)
        if "idle" in parts:
            bench_idle(a, stand, rep)
            if a.idle_loaded and lat_db:
                bench_idle(a, stand, rep, lat_db, lat_conf,
                           "after the latency run (%d open exposures)" % a.events, "%d exposures" % a.events)
        if "feed" in parts:
            bench_feed(a, stand, rep)
    finally:
        stand.stop()
    if rep.problems:
        rep.say("relay_bench: problems: %s" % "; ".join(rep.problems))
        return 1
    return 0


if __name__ == "__main__":
    # Exit 1: findings (above); 3: the benchmark could not run (a message,
    # or an exception: not a finding).
    try:
        sys.exit(main())
    except SystemExit as e:
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
            sys.exit(3)
        raise
    except Exception:
        traceback.print_exc()
        sys.exit(3)
