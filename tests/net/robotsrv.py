#!/usr/bin/env python3
"""A stand-in for the chat platforms and the 8890 feed, for the relay tests.

A real HTTP server on 127.0.0.1 (ThreadingHTTPServer, port 0 unless told)
that answers like DingTalk, WeCom, Feishu, a plain signed webhook and the
city's 8890 work-order feed, checks their signatures the published way, and
can be told to misbehave (429, 5xx, hang, close, trickle, 20 MB, HTML, cut
JSON) or to stop listening for a while.  Python 3 standard library only.

As a module:

    srv = RobotServer(secrets={"dingtalk": {"TOKEN": "SEC..."},
                               "feishu": {"HOOKID": "secret"},
                               "webhook": {"ops": "secret"}})
    srv.start()
    srv.url("/wecom/cgi-bin/webhook/send?key=K")  # http://127.0.0.1:PORT/...
    srv.push("429", count=1, prefix="/wecom/", retry_after=3)
    srv.set_feed("city", [{"orders": [...], "next": "{base}/feed/city?page=2"},
                          {"orders": [...], "next": None}])
    ... srv.requests (dicts), srv.bodies (raw body texts), srv.down(), srv.up()
    srv.stop()

Endpoints (anything else: 404):

  POST /dingtalk/robot/send?access_token=T[&timestamp=MS&sign=S]
        With a secret for T: S (URL-decoded) must be
        base64(HMAC-SHA256(key=secret, msg=MS + "\\n" + secret)) and MS
        within an hour of now.  Body: JSON with a msgtype.
        200 {"errcode":0,"errmsg":"ok"} or {"errcode":310000,...}.
  POST /wecom/cgi-bin/webhook/send?key=K
        Body: JSON, msgtype "text", text.content <= 2048 bytes of UTF-8.
        200 {"errcode":0,"errmsg":"ok"} or {"errcode":40058,...}.
  POST /feishu/open-apis/bot/v2/hook/ID
        Body: {"timestamp": "<seconds>", "sign": ..., "msg_type": "text",
        "content": {"text": ...}}.  With a secret for ID: sign must be
        base64(HMAC-SHA256(key=timestamp + "\\n" + secret, msg=b"")) and the
        timestamp within an hour.  {"code":0,"msg":"success"} or code 19021.
  POST /webhook/NAME
        With a secret for NAME: header X-Zhishou-Signature must be
        "sha256=" + hex(HMAC-SHA256(secret, raw body)).  200 {"ok":true} or 401.
  GET  /feed/NAME?page=N
        The page set with set_feed (1-based; a list or a dict by page
        number); an unknown page is 404.  "{base}" in a page's text becomes
        http://127.0.0.1:PORT.  With an auth header set for the feed
        (feed_auth[NAME] = "Bearer X") a request without it gets 401.

Behaviour queue (push): the next `count` requests (only those whose path
starts with `prefix`, if given) get, instead of the normal answer:

  "ok"         the normal answer (a placeholder, to let some through)
  "status"     status=N, body=text (default {"error":"forced N"})
  "408" "429" "500" "502" "503"   that status; 429 and 503 take
               retry_after=S (sent as Retry-After: S)
  "hang"       read the request, then answer nothing for seconds=S
               (default 120, cut short by stop()), then close
  "close"      read the request, then close the socket without an answer
               (rst=True: with a TCP reset)
  "slow"       the normal answer, its body one byte every interval=S
               (default 1.0) seconds
  "oversized"  the normal answer padded with spaces to size=N bytes
               (default 20 MiB; chunked=True: without Content-Length)
  "html"       an HTML error page (status=N, default 200, text/html)
  "truncated"  the normal answer cut at half its length (Content-Length
               matching the cut body)

Every request to a non-control path is recorded (srv.requests, and a line
of JSON in the record file if given): seq, mono_ms, wall_ms (when its
headers had been read), method, path, query, params (first value of each
query key), headers, body (raw text, UTF-8 with replacement), status (0 when
no answer was given), verdict ("ok" or why not; "forced:KIND" for queued
behaviour), kind (dingtalk/wecom/feishu/webhook/feed/other), name (token,
key, hook id, webhook or feed name), text (the message's words: every
string in the JSON body joined with newlines; "" if not JSON).

As a script:

    python3 robotsrv.py [--port N] --port-file F [--record F.jsonl] [--secrets JSON|@FILE]

writes the port to F once listening, runs until SIGTERM/SIGINT.  Control
(not recorded): POST /_ctl/push {"kind":..,"count":..,"prefix":..,...params},
POST /_ctl/feed/NAME [pages], POST /_ctl/down {"seconds": S},
POST /_ctl/reset, GET /_ctl/requests.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ONE_HOUR_MS = 3600 * 1000
WECOM_MAX_CONTENT = 2048


# --- signatures, the published way (the tests use these too) ---------------

def dingtalk_sign(secret, timestamp_ms):
    """The sign query value before URL-encoding: base64 of
    HMAC-SHA256(key=secret, msg=timestamp + "\\n" + secret)."""
    msg = ("%s\n%s" % (timestamp_ms, secret)).encode("utf-8")
    return base64.b64encode(hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).digest()).decode("ascii")


def dingtalk_query(secret, timestamp_ms):
    """'&timestamp=..&sign=..' as DingTalk's documentation builds it."""
    return "&timestamp=%s&sign=%s" % (timestamp_ms, urllib.parse.quote_plus(dingtalk_sign(secret, timestamp_ms)))


def feishu_sign(secret, timestamp_s):
    """base64 of HMAC-SHA256(key=timestamp + "\\n" + secret, msg=empty)."""
    key = ("%s\n%s" % (timestamp_s, secret)).encode("utf-8")
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def webhook_sign(secret, body):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def json_strings(v):
    """Every string in a decoded JSON value (keys excluded), depth first."""
    out = []
    if isinstance(v, str):
        out.append(v)
    elif isinstance(v, dict):
        for x in v.values():
            out.extend(json_strings(x))
    elif isinstance(v, list):
        for x in v:
            out.extend(json_strings(x))
    return out


def _jdump(obj):
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


class _Reply:
    def __init__(self, status, body, ctype="application/json; charset=utf-8", headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else (
            body.encode("utf-8") if isinstance(body, str) else _jdump(body))
        self.ctype = ctype
        self.headers = headers or []


HTML_PAGE = ("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
             "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>\n"
             "<p>系统维护中，请稍后再试</p></body></html>\n")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "robotsrv/1"
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.owner.verbose:
            sys.stderr.write("robotsrv: %s\n" % (fmt % args))

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_PUT(self):
        self._handle()

    # --- reading ----------------------------------------------------------

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    break
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while True:   # trailers
                        t = self.rfile.readline(65537)
                        if not t or t in (b"\r\n", b"\n"):
                            break
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    # --- main -------------------------------------------------------------

    def _handle(self):
        owner = self.server.owner
        mono_ms = time.monotonic() * 1000.0
        wall_ms = time.time() * 1000.0
        split = urllib.parse.urlsplit(self.path)
        path, query = split.path, split.query
        try:
            body = self._read_body()
        except (OSError, ValueError):
            body = b""
        if path.startswith("/_ctl/"):
            self._send(owner._control(self.command, path, body))
            return
        params = {k: v[0] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        text = ""
        try:
            text = "\n".join(json_strings(json.loads(body.decode("utf-8"))))
        except (ValueError, UnicodeDecodeError):
            pass
        rec = {
            "mono_ms": mono_ms, "wall_ms": wall_ms, "method": self.command, "path": path,
            "query": query, "params": params,
            "headers": {k: v for k, v in self.headers.items()},
            "body": body.decode("utf-8", errors="replace"),
            "status": 0, "verdict": "", "kind": "other", "name": "", "text": text,
        }
        normal = owner._answer(self.command, path, params, self.headers, body, rec)
        beh = owner._take(path)
        if beh is None or beh["kind"] == "ok":
            rec["status"] = normal.status
            owner._record(rec)
            self._send(normal)
            return
        kind = beh["kind"]
        rec["verdict"] = "forced:" + kind
        if kind == "hang":
            rec["status"] = 0
            owner._record(rec)
            owner._stopping.wait(float(beh.get("seconds", 120)))
            self._drop(False)
            return
        if kind == "close":
            rec["status"] = 0
            owner._record(rec)
            self._drop(bool(beh.get("rst")))
            return
        if kind == "slow":
            rec["status"] = normal.status
            owner._record(rec)
            self._send(normal, trickle=float(beh.get("interval", 1.0)))
            return
        if kind == "oversized":
            size = int(beh.get("size", 20 * 1024 * 1024))
            rec["status"] = normal.status
            owner._record(rec)
            pad = max(0, size - len(normal.body))
            self._send(_Reply(normal.status, normal.body, normal.ctype, normal.headers),
                       pad=pad, chunked=bool(beh.get("chunked")))
            return
        if kind == "html":
            st = int(beh.get("status", 200))
            rec["status"] = st
            owner._record(rec)
            self._send(_Reply(st, HTML_PAGE, "text/html; charset=utf-8"))
            return
        if kind == "truncated":
            cut = normal.body[:max(1, len(normal.body) // 2)]
            rec["status"] = normal.status
            owner._record(rec)
            self._send(_Reply(normal.status, cut, normal.ctype, normal.headers))
            return
        # status codes
        st = int(beh.get("status", kind if kind.isdigit() else 500))
        headers = []
        if beh.get("retry_after") is not None:
            headers.append(("Retry-After", str(beh["retry_after"])))
        rec["status"] = st
        owner._record(rec)
        self._send(_Reply(st, beh.get("body", {"error": "forced %d" % st}), headers=headers))

    # --- writing ----------------------------------------------------------

    def _send(self, rep, trickle=0.0, pad=0, chunked=False):
        try:
            self.send_response(rep.status)
            self.send_header("Content-Type", rep.ctype)
            for k, v in rep.headers:
                self.send_header(k, v)
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(len(rep.body) + pad))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if trickle > 0:
                self.wfile.flush()
                for i in range(len(rep.body)):
                    if self.server.owner._stopping.wait(trickle):
                        return
                    self.wfile.write(rep.body[i:i + 1])
                    self.wfile.flush()
                return
            if chunked:
                def chunk(b):
                    self.wfile.write(b"%x\r\n" % len(b) + b + b"\r\n")
                chunk(rep.body)
                block = b" " * 65536
                left = pad
                while left > 0:
                    n = min(left, len(block))
                    chunk(block[:n])
                    left -= n
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(rep.body)
                block = b" " * 65536
                left = pad
                while left > 0:
                    n = min(left, len(block))
                    self.wfile.write(block[:n])
                    left -= n
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _drop(self, rst):
        self.close_connection = True
        try:
            if rst:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def handle_error(self, request, client_address):
        if self.owner.verbose:
            super().handle_error(request, client_address)


class RobotServer:
    """See the module docstring."""

    def __init__(self, secrets=None, record=None, port=0, verbose=False):
        s = secrets or {}
        self.secrets = {k: dict(s.get(k, {})) for k in ("dingtalk", "feishu", "webhook")}
        self.record_path = record
        self.port = port
        self.verbose = verbose
        self.feeds = {}        # name -> {page number: page}
        self.feed_auth = {}    # name -> required Authorization header value
        self.clock_offset_ms = 0   # added to the real clock for the 1-hour checks
        self._lock = threading.Lock()
        self._queue = []
        self._requests = []
        self._httpd = None
        self._thread = None
        self._stopping = threading.Event()
        self._record_file = None
        self.feed_hits = {}    # name -> number of GETs

    # --- life -------------------------------------------------------------

    def start(self):
        if self.record_path and not self._record_file:
            self._record_file = open(self.record_path, "a", encoding="utf-8")
        self._stopping.clear()
        self._listen()
        return self

    def _listen(self):
        deadline = time.monotonic() + 10
        while True:
            try:
                httpd = _HTTPServer(("127.0.0.1", self.port), _Handler)
                break
            except OSError:
                if not self.port or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        httpd.owner = self
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def down(self):
        """Stop listening (connections are refused) until up()."""
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
            self._thread.join(5)

    def up(self):
        """Listen again on the same port."""
        if not self._httpd:
            self._listen()

    @property
    def is_up(self):
        return self._httpd is not None

    def stop(self):
        self._stopping.set()
        self.down()
        if self._record_file:
            self._record_file.close()
            self._record_file = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def url(self, path):
        return self.base + path

    # --- what the test sets ---------------------------------------------------

    def push(self, kind, count=1, prefix=None, **params):
        """Queue behaviour for the next `count` requests (matching prefix)."""
        with self._lock:
            self._queue.append(dict(params, kind=str(kind), count=int(count), prefix=prefix))

    def clear_queue(self):
        with self._lock:
            self._queue = []

    def queued(self):
        with self._lock:
            return sum(b["count"] for b in self._queue)

    def set_feed(self, name, pages):
        """pages: list (page 1 first) or dict {page: page}; a page is a JSON
        value (dict/list), raw str/bytes, or a tuple (status, body)."""
        if isinstance(pages, dict):
            pages = {int(k): v for k, v in pages.items()}
        else:
            pages = {i + 1: p for i, p in enumerate(pages)}
        with self._lock:
            self.feeds[name] = pages

    def reset(self):
        with self._lock:
            self._queue = []
            self._requests = []
            self.feed_hits = {}

    # --- what the test reads --------------------------------------------------

    @property
    def requests(self):
        with self._lock:
            return list(self._requests)

    @property
    def bodies(self):
        return [r["body"] for r in self.requests]

    def wait_for(self, pred, timeout, interval=0.05):
        """Wait until pred(requests) is true; returns it (or the last falsy value)."""
        end = time.monotonic() + timeout
        while True:
            v = pred(self.requests)
            if v or time.monotonic() >= end:
                return v
            time.sleep(interval)

    # --- inside ---------------------------------------------------------------

    def _take(self, path):
        with self._lock:
            for b in self._queue:
                if b["prefix"] is None or path.startswith(b["prefix"]):
                    b["count"] -= 1
                    if b["count"] <= 0:
                        self._queue.remove(b)
                    return b
        return None

    def _record(self, rec):
        with self._lock:
            rec["seq"] = len(self._requests) + 1
            self._requests.append(rec)
            if self._record_file:
                self._record_file.write(json.dumps(rec, ensure_ascii=False) + "\n")
                self._record_file.flush()

    def _now_ms(self):
        return time.time() * 1000.0 + self.clock_offset_ms

    def _answer(self, method, path, params, headers, body, rec):
        """The normal answer; fills rec's kind, name and verdict."""
        if path == "/dingtalk/robot/send":
            rec["kind"] = "dingtalk"
            return self._dingtalk(method, params, body, rec)
        if path == "/wecom/cgi-bin/webhook/send":
            rec["kind"] = "wecom"
            return self._wecom(method, params, body, rec)
        if path.startswith("/feishu/open-apis/bot/v2/hook/"):
            rec["kind"] = "feishu"
            return self._feishu(method, path[len("/feishu/open-apis/bot/v2/hook/"):], body, rec)
        if path.startswith("/webhook/"):
            rec["kind"] = "webhook"
            return self._webhook(method, path[len("/webhook/"):], headers, body, rec)
        if path.startswith("/feed/"):
            rec["kind"] = "feed"
            return self._feed(method, path[len("/feed/"):], params, headers, rec)
        rec["verdict"] = "not found"
        return _Reply(404, {"error": "not found"})

    def _json_body(self, body):
        try:
            return json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def _dingtalk(self, method, params, body, rec):
        token = params.get("access_token", "")
        rec["name"] = token
        if method != "POST":
            rec["verdict"] = "method"
            return _Reply(405, {"errcode": 43002, "errmsg": "需要POST请求"})
        if not token:
            rec["verdict"] = "no token"
            return _Reply(200, {"errcode": 300001, "errmsg": "token is not exist"})
        secret = self.secrets["dingtalk"].get(token)
        if secret is not None:
            ts, sign = params.get("timestamp", ""), params.get("sign")
            if not ts.isdigit() or sign is None:
                rec["verdict"] = "sign missing"
                return _Reply(200, {"errcode": 310000, "errmsg": "sign not match, more: [timestamp or sign missing]"})
            if abs(self._now_ms() - int(ts)) > ONE_HOUR_MS:
                rec["verdict"] = "timestamp out of range"
                return _Reply(200, {"errcode": 310000,
                                    "errmsg": "sign not match, more: [timestamp %s is not within one hour]" % ts})
            if not hmac.compare_digest(sign, dingtalk_sign(secret, ts)):
                rec["verdict"] = "sign mismatch"
                return _Reply(200, {"errcode": 310000, "errmsg": "sign not match"})
        j = self._json_body(body)
        if not isinstance(j, dict) or not isinstance(j.get("msgtype"), str):
            rec["verdict"] = "bad body"
            return _Reply(200, {"errcode": 40035, "errmsg": "缺少参数 json"})
        mt = j["msgtype"]
        if not isinstance(j.get(mt), dict):
            rec["verdict"] = "bad body"
            return _Reply(200, {"errcode": 40035, "errmsg": "缺少参数 %s" % mt})
        rec["verdict"] = "ok"
        return _Reply(200, {"errcode": 0, "errmsg": "ok"})

    def _wecom(self, method, params, body, rec):
        key = params.get("key", "")
        rec["name"] = key
        if method != "POST":
            rec["verdict"] = "method"
            return _Reply(405, {"errcode": 43002, "errmsg": "require POST method"})
        if not key:
            rec["verdict"] = "no key"
            return _Reply(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        j = self._json_body(body)
        if not isinstance(j, dict) or j.get("msgtype") != "text" or not isinstance(j.get("text"), dict) \
                or not isinstance(j["text"].get("content"), str):
            rec["verdict"] = "bad body"
            return _Reply(200, {"errcode": 40008, "errmsg": "invalid message type"})
        n = len(j["text"]["content"].encode("utf-8"))
        if n > WECOM_MAX_CONTENT:
            rec["verdict"] = "content too long (%d bytes)" % n
            return _Reply(200, {"errcode": 40058,
                                "errmsg": "content exceed max length %d" % WECOM_MAX_CONTENT})
        for k in ("mentioned_list", "mentioned_mobile_list"):
            v = j["text"].get(k)
            if v is not None and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                rec["verdict"] = "bad " + k
                return _Reply(200, {"errcode": 40058, "errmsg": "invalid %s" % k})
        rec["verdict"] = "ok"
        return _Reply(200, {"errcode": 0, "errmsg": "ok"})

    def _feishu(self, method, hook, body, rec):
        rec["name"] = hook
        if method != "POST":
            rec["verdict"] = "method"
            return _Reply(405, {"code": 9499, "msg": "Bad Request"})
        j = self._json_body(body)
        if not isinstance(j, dict):
            rec["verdict"] = "bad body"
            return _Reply(400, {"code": 9499, "msg": "Bad Request"})
        secret = self.secrets["feishu"].get(hook)
        if secret is not None:
            ts, sign = j.get("timestamp"), j.get("sign")
            fail = _Reply(200, {"code": 19021,
                                "msg": "sign match fail or timestamp is not within one hour from current time"})
            if not isinstance(ts, str) or not ts.isdigit() or not isinstance(sign, str):
                rec["verdict"] = "sign missing"
                return fail
            if abs(self._now_ms() - int(ts) * 1000) > ONE_HOUR_MS:
                rec["verdict"] = "timestamp out of range"
                return fail
            if not hmac.compare_digest(sign, feishu_sign(secret, ts)):
                rec["verdict"] = "sign mismatch"
                return fail
        if j.get("msg_type") != "text" or not isinstance(j.get("content"), dict) \
                or not isinstance(j["content"].get("text"), str):
            rec["verdict"] = "bad body"
            return _Reply(200, {"code": 19002, "msg": "params error, msg_type need"})
        rec["verdict"] = "ok"
        return _Reply(200, {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {},
                            "msg": "success"})

    def _webhook(self, method, name, headers, body, rec):
        rec["name"] = name
        if method != "POST":
            rec["verdict"] = "method"
            return _Reply(405, {"ok": False, "error": "method"})
        secret = self.secrets["webhook"].get(name)
        if secret is not None:
            got = headers.get("X-Zhishou-Signature") or ""
            if not hmac.compare_digest(got, webhook_sign(secret, body)):
                rec["verdict"] = "signature mismatch" if got else "signature missing"
                return _Reply(401, {"ok": False, "error": "bad signature"})
        rec["verdict"] = "ok"
        return _Reply(200, {"ok": True})

    def _feed(self, method, name, params, headers, rec):
        rec["name"] = name
        with self._lock:
            self.feed_hits[name] = self.feed_hits.get(name, 0) + 1
            pages = self.feeds.get(name)
            want = self.feed_auth.get(name)
        if method != "GET":
            rec["verdict"] = "method"
            return _Reply(405, {"error": "method"})
        if want is not None and headers.get("Authorization") != want:
            rec["verdict"] = "unauthorised"
            return _Reply(401, {"error": "unauthorised"})
        try:
            page = int(params.get("page", "1"))
        except ValueError:
            page = -1
        if pages is None or page not in pages:
            rec["verdict"] = "no such page"
            return _Reply(404, {"error": "no such page"})
        p = pages[page]
        status = 200
        if isinstance(p, tuple):
            status, p = p
        if isinstance(p, (dict, list)) or p is None:
            data = json.dumps(p, ensure_ascii=False)
        elif isinstance(p, bytes):
            data = p.decode("utf-8", errors="surrogateescape")
        else:
            data = p
        data = data.replace("{base}", self.base)
        rec["verdict"] = "ok" if status == 200 else "status %d" % status
        return _Reply(status, data.encode("utf-8", errors="surrogateescape"))

    def _control(self, method, path, body):
        try:
            arg = json.loads(body.decode("utf-8")) if body else {}
        except ValueError:
            return _Reply(400, {"error": "bad json"})
        if path == "/_ctl/push" and method == "POST":
            a = dict(arg)
            kind = a.pop("kind")
            count = a.pop("count", 1)
            prefix = a.pop("prefix", None)
            self.push(kind, count, prefix, **a)
            return _Reply(200, {"ok": True})
        if path.startswith("/_ctl/feed/") and method == "POST":
            self.set_feed(path[len("/_ctl/feed/"):], arg)
            return _Reply(200, {"ok": True})
        if path == "/_ctl/down" and method == "POST":
            secs = float(arg.get("seconds", 5))

            def bounce():
                time.sleep(0.2)
                self.down()
                if not self._stopping.wait(secs):
                    self.up()
            threading.Thread(target=bounce, daemon=True).start()
            return _Reply(200, {"ok": True})
        if path == "/_ctl/reset" and method == "POST":
            self.reset()
            return _Reply(200, {"ok": True})
        if path == "/_ctl/requests" and method == "GET":
            return _Reply(200, self.requests)
        return _Reply(404, {"error": "no such control"})


def main(argv=None):
    ap = argparse.ArgumentParser(description="Chat-robot and 8890-feed stand-in for the relay tests.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--record", help="append every request as a line of JSON")
    ap.add_argument("--secrets", default="{}",
                    help='JSON {"dingtalk":{TOKEN:SECRET},"feishu":{ID:SECRET},"webhook":{NAME:SECRET}} or @FILE')
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)
    s = a.secrets
    if s.startswith("@"):
        with open(s[1:], encoding="utf-8") as f:
            s = f.read()
    srv = RobotServer(secrets=json.loads(s), record=a.record, port=a.port, verbose=a.verbose)
    srv.start()
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % srv.port)
        os.replace(tmp, a.port_file)
    else:
        print(srv.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    while not done.wait(0.5):
        pass
    srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
