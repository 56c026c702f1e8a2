#!/usr/bin/env python3
"""The test server itself (robotsrv.py): its signature checks against
known answers and requests signed the published way, its behaviours, its
record.  If these fail, the relay tests prove nothing."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import robotsrv  # noqa: E402
from robotsrv import RobotServer, dingtalk_sign, feishu_sign, webhook_sign  # noqa: E402

# Known answers, computed outside Python with openssl:
#   printf '%s\n%s' 1773579600000 "$S" | openssl dgst -sha256 -hmac "$S" -binary | base64
DT_SECRET = "SEC0123456789abcdefDINGTALKSECRETexample"
DT_TS = 1773579600000
DT_SIGN = "7B9Q6WBvl+n/497VzAVtj26alRB1vx4VfXZEqPExr04="
#   printf '' | openssl dgst -sha256 -hmac "$(printf '%s\n%s' 1773579600 "$S")" -binary | base64
FS_SECRET = "feishuSecretExample"
FS_TS = "1773579600"
FS_SIGN = "fgHQh/txWJScEz4IQQ51GBGfcifm6N8EdmgFBazDALE="
#   printf '{"msg":"hi"}' | openssl dgst -sha256 -hmac whsecret
WH_SECRET = "whsecret"
WH_BODY = b'{"msg":"hi"}'
WH_SIGN = "sha256=93dca7a4318f2a572c5cae07b8404a552a94a22d1b0477ea72158c7b51bf7848"

SECRETS = {
    "dingtalk": {"DTTOKEN": DT_SECRET},
    "feishu": {"FSHOOK": FS_SECRET},
    "webhook": {"ops": WH_SECRET},
}


def request(port, method, path, body=None, headers=None, timeout=10):
    """(status, headers dict, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        return r.status, dict(r.getheaders()), data
    finally:
        c.close()


def now_ms():
    return int(time.time() * 1000)


class KnownAnswers(unittest.TestCase):
    """The signature functions against values computed with openssl."""

    def test_dingtalk(self):
        self.assertEqual(dingtalk_sign(DT_SECRET, DT_TS), DT_SIGN)
        self.assertEqual(dingtalk_sign(DT_SECRET, str(DT_TS)), DT_SIGN)
        q = robotsrv.dingtalk_query(DT_SECRET, DT_TS)
        self.assertEqual(q, "&timestamp=1773579600000&sign=7B9Q6WBvl%2Bn%2F497VzAVtj26alRB1vx4VfXZEqPExr04%3D")

    def test_feishu(self):
        self.assertEqual(feishu_sign(FS_SECRET, FS_TS), FS_SIGN)

    def test_webhook(self):
        self.assertEqual(webhook_sign(WH_SECRET, WH_BODY), WH_SIGN)
        self.assertEqual(webhook_sign(WH_SECRET, WH_BODY.decode()), WH_SIGN)

    def test_independent_of_module(self):
        # The same computed here from the published recipe, not via robotsrv.
        d = base64.b64encode(hmac.new(DT_SECRET.encode(), ("%d\n%s" % (DT_TS, DT_SECRET)).encode(),
                                      hashlib.sha256).digest()).decode()
        self.assertEqual(d, DT_SIGN)
        f = base64.b64encode(hmac.new(("%s\n%s" % (FS_TS, FS_SECRET)).encode(), b"",
                                      hashlib.sha256).digest()).decode()
        self.assertEqual(f, FS_SIGN)


class ServerCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="robotsrv-")
        self.record = os.path.join(self.dir, "rec.jsonl")
        self.srv = RobotServer(secrets=SECRETS, record=self.record).start()
        self.addCleanup(self.srv.stop)

    def post(self, path, body=None, headers=None, timeout=10):
        return request(self.srv.port, "POST", path, body, headers, timeout)

    def get(self, path, headers=None, timeout=10):
        return request(self.srv.port, "GET", path, None, headers, timeout)

    def jpost(self, path, body=None, headers=None):
        st, _, data = self.post(path, body, headers)
        return st, json.loads(data)

    def last(self):
        return self.srv.requests[-1]


class DingTalk(ServerCase):
    TEXT = {"msgtype": "text", "text": {"content": "【曝光】测试"}}

    def dt(self, ts, sign, token="DTTOKEN", encode=True):
        q = "access_token=%s" % token
        if ts is not None:
            q += "&timestamp=%s" % ts
        if sign is not None:
            q += "&sign=%s" % (urllib.parse.quote_plus(sign) if encode else sign)
        return self.jpost("/dingtalk/robot/send?" + q, self.TEXT)

    def test_good_sign(self):
        ts = now_ms()
        st, j = self.dt(ts, dingtalk_sign(DT_SECRET, ts))
        self.assertEqual((st, j), (200, {"errcode": 0, "errmsg": "ok"}))
        self.assertEqual(self.last()["verdict"], "ok")
        self.assertEqual(self.last()["kind"], "dingtalk")
        self.assertEqual(self.last()["name"], "DTTOKEN")

    def test_good_sign_59_minutes_old(self):
        ts = now_ms() - 59 * 60 * 1000
        self.assertEqual(self.dt(ts, dingtalk_sign(DT_SECRET, ts))[1]["errcode"], 0)

    def test_wrong_secret(self):
        ts = now_ms()
        st, j = self.dt(ts, dingtalk_sign(DT_SECRET + "x", ts))
        self.assertEqual(st, 200)
        self.assertEqual(j["errcode"], 310000)
        self.assertIn("sign not match", j["errmsg"])
        self.assertEqual(self.last()["verdict"], "sign mismatch")

    def test_sign_for_other_timestamp(self):
        ts = now_ms()
        self.assertEqual(self.dt(ts, dingtalk_sign(DT_SECRET, ts - 1))[1]["errcode"], 310000)

    def test_stale_timestamp(self):
        ts = now_ms() - 61 * 60 * 1000
        self.assertEqual(self.dt(ts, dingtalk_sign(DT_SECRET, ts))[1]["errcode"], 310000)
        self.assertEqual(self.last()["verdict"], "timestamp out of range")
        ts = now_ms() + 61 * 60 * 1000
        self.assertEqual(self.dt(ts, dingtalk_sign(DT_SECRET, ts))[1]["errcode"], 310000)

    def test_known_answer_only_with_clock(self):
        # The known-answer timestamp (2026-03-15 21:00 +08) is valid only
        # when the server's clock says so.
        self.srv.clock_offset_ms = DT_TS - now_ms()
        self.assertEqual(self.dt(DT_TS, DT_SIGN)[1]["errcode"], 0)
        self.srv.clock_offset_ms = 0
        if abs(now_ms() - DT_TS) > 3600 * 1000:
            self.assertEqual(self.dt(DT_TS, DT_SIGN)[1]["errcode"], 310000)

    def test_sign_must_be_url_encoded(self):
        # Find a timestamp whose signature has a '+': unencoded, '+' reads
        # as a space and the signature no longer matches.
        ts = now_ms()
        while "+" not in dingtalk_sign(DT_SECRET, ts):
            ts += 1
        self.assertEqual(self.dt(ts, dingtalk_sign(DT_SECRET, ts), encode=False)[1]["errcode"], 310000)
        self.assertEqual(self.dt(ts, dingtalk_sign(DT_SECRET, ts), encode=True)[1]["errcode"], 0)

    def test_missing_sign(self):
        self.assertEqual(self.dt(None, None)[1]["errcode"], 310000)
        self.assertEqual(self.dt(now_ms(), None)[1]["errcode"], 310000)

    def test_unsigned_token_accepted(self):
        self.assertEqual(self.dt(None, None, token="OPEN")[1]["errcode"], 0)

    def test_body_must_be_json_message(self):
        ts = now_ms()
        q = "/dingtalk/robot/send?access_token=DTTOKEN" + robotsrv.dingtalk_query(DT_SECRET, ts)
        st, j = self.jpost(q, "not json")
        self.assertNotEqual(j["errcode"], 0)
        st, j = self.jpost(q, {"text": {"content": "x"}})
        self.assertNotEqual(j["errcode"], 0)
        st, j = self.jpost(q, {"msgtype": "markdown", "markdown": {"title": "t", "text": "x"}})
        self.assertEqual(j["errcode"], 0)


class WeCom(ServerCase):
    P = "/wecom/cgi-bin/webhook/send?key=WCKEY"

    def test_ok(self):
        st, j = self.jpost(self.P, {"msgtype": "text", "text": {"content": "你好",
                                                                  "mentioned_mobile_list": ["13812345678"]}})
        self.assertEqual((st, j), (200, {"errcode": 0, "errmsg": "ok"}))
        self.assertEqual(self.last()["name"], "WCKEY")
        self.assertEqual(self.last()["text"], "text\n你好\n13812345678")   # every JSON string

    def test_content_limit_in_bytes(self):
        ok = "字" * 682 + "ab"           # 2048 bytes
        self.assertEqual(len(ok.encode()), 2048)
        self.assertEqual(self.jpost(self.P, {"msgtype": "text", "text": {"content": ok}})[1]["errcode"], 0)
        bad = "字" * 683                  # 2049 bytes, 683 characters
        st, j = self.jpost(self.P, {"msgtype": "text", "text": {"content": bad}})
        self.assertEqual(j["errcode"], 40058)

    def test_bad_bodies(self):
        for b in ("nope", {"msgtype": "markdown", "markdown": {"content": "x"}},
                  {"msgtype": "text"}, {"msgtype": "text", "text": {"content": 5}},
                  {"msgtype": "text", "text": {"content": "x", "mentioned_mobile_list": "138"}}):
            self.assertNotEqual(self.jpost(self.P, b)[1]["errcode"], 0, b)

    def test_no_key(self):
        self.assertNotEqual(self.jpost("/wecom/cgi-bin/webhook/send",
                                       {"msgtype": "text", "text": {"content": "x"}})[1]["errcode"], 0)


class Feishu(ServerCase):
    P = "/feishu/open-apis/bot/v2/hook/FSHOOK"

    def body(self, ts, sign):
        return {"timestamp": ts, "sign": sign, "msg_type": "text", "content": {"text": "曝光"}}

    def test_good(self):
        ts = str(int(time.time()))
        st, j = self.jpost(self.P, self.body(ts, feishu_sign(FS_SECRET, ts)))
        self.assertEqual(st, 200)
        self.assertEqual(j["code"], 0)
        self.assertEqual(j["msg"], "success")

    def test_bad_sign(self):
        ts = str(int(time.time()))
        st, j = self.jpost(self.P, self.body(ts, feishu_sign("other", ts)))
        self.assertEqual(j["code"], 19021)
        self.assertIn("sign match fail", j["msg"])
        # The DingTalk recipe is not Feishu's.
        st, j = self.jpost(self.P, self.body(ts, dingtalk_sign(FS_SECRET, ts)))
        self.assertEqual(j["code"], 19021)

    def test_timestamp_must_be_seconds_string_within_hour(self):
        t = int(time.time())
        self.assertEqual(self.jpost(self.P, self.body(t, feishu_sign(FS_SECRET, str(t))))[1]["code"], 19021)
        ms = str(t * 1000)
        self.assertEqual(self.jpost(self.P, self.body(ms, feishu_sign(FS_SECRET, ms)))[1]["code"], 19021)
        old = str(t - 3700)
        self.assertEqual(self.jpost(self.P, self.body(old, feishu_sign(FS_SECRET, old)))[1]["code"], 19021)

    def test_known_answer(self):
        self.srv.clock_offset_ms = int(FS_TS) * 1000 - now_ms()
        self.assertEqual(self.jpost(self.P, self.body(FS_TS, FS_SIGN))[1]["code"], 0)

    def test_unsigned_hook(self):
        st, j = self.jpost("/feishu/open-apis/bot/v2/hook/OPEN",
                           {"msg_type": "text", "content": {"text": "x"}})
        self.assertEqual(j["code"], 0)

    def test_bad_message(self):
        ts = str(int(time.time()))
        b = self.body(ts, feishu_sign(FS_SECRET, ts))
        b["msg_type"] = "post"
        self.assertNotEqual(self.jpost(self.P, b)[1]["code"], 0)


class Webhook(ServerCase):
    def test_good(self):
        st, _, data = self.post("/webhook/ops", WH_BODY, {"X-Zhishou-Signature": WH_SIGN})
        self.assertEqual((st, json.loads(data)), (200, {"ok": True}))

    def test_bad(self):
        self.assertEqual(self.post("/webhook/ops", WH_BODY, {"X-Zhishou-Signature": WH_SIGN[:-1] + "0"})[0], 401)
        self.assertEqual(self.post("/webhook/ops", WH_BODY + b" ", {"X-Zhishou-Signature": WH_SIGN})[0], 401)
        self.assertEqual(self.post("/webhook/ops", WH_BODY)[0], 401)
        self.assertEqual(self.last()["verdict"], "signature missing")
        self.assertEqual(self.post("/webhook/ops", WH_BODY,
                                   {"X-Zhishou-Signature": WH_SIGN[len("sha256="):]})[0], 401)

    def test_unsigned_name(self):
        self.assertEqual(self.post("/webhook/open", b"anything")[0], 200)

    def test_chunked_body(self):
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
        c.putrequest("POST", "/webhook/ops")
        c.putheader("Transfer-Encoding", "chunked")
        c.putheader("X-Zhishou-Signature", WH_SIGN)
        c.endheaders()
        for part in (WH_BODY[:5], WH_BODY[5:]):
            c.send(b"%x\r\n%s\r\n" % (len(part), part))
        c.send(b"0\r\n\r\n")
        r = c.getresponse()
        self.assertEqual(r.status, 200)
        c.close()
        self.assertEqual(self.last()["body"], WH_BODY.decode())


class Feed(ServerCase):
    def test_pages_and_next(self):
        self.srv.set_feed("city", [{"orders": [{"order_no": "A"}], "next": "{base}/feed/city?page=2"},
                                   {"orders": [], "next": None}])
        st, _, data = self.get("/feed/city?page=1")
        j = json.loads(data)
        self.assertEqual(j["next"], "http://127.0.0.1:%d/feed/city?page=2" % self.srv.port)
        self.assertEqual(json.loads(self.get("/feed/city?page=2")[2])["next"], None)
        self.assertEqual(self.get("/feed/city?page=3")[0], 404)
        self.assertEqual(self.get("/feed/other?page=1")[0], 404)
        self.assertEqual(self.srv.feed_hits, {"city": 3, "other": 1})

    def test_raw_and_status_pages(self):
        self.srv.set_feed("x", {1: "[1,2", 2: (503, "busy")})
        self.assertEqual(self.get("/feed/x?page=1")[2], b"[1,2")
        st, _, data = self.get("/feed/x?page=2")
        self.assertEqual((st, data), (503, b"busy"))

    def test_auth(self):
        self.srv.set_feed("c", [[]])
        self.srv.feed_auth["c"] = "Bearer T1"
        self.assertEqual(self.get("/feed/c?page=1")[0], 401)
        self.assertEqual(self.get("/feed/c?page=1", {"Authorization": "Bearer T2"})[0], 401)
        self.assertEqual(self.get("/feed/c?page=1", {"Authorization": "Bearer T1"})[0], 200)


class Behaviours(ServerCase):
    W = "/webhook/open"

    def test_429_retry_after_then_normal(self):
        self.srv.push("429", retry_after=7)
        st, h, _ = self.post(self.W, b"x")
        self.assertEqual((st, h.get("Retry-After")), (429, "7"))
        self.assertEqual(self.last()["verdict"], "forced:429")
        self.assertEqual(self.post(self.W, b"x")[0], 200)

    def test_counts_and_prefix(self):
        self.srv.push("500", count=2, prefix="/wecom/")
        self.srv.push("503", count=1)
        self.assertEqual(self.post(self.W, b"x")[0], 503)             # only the unprefixed one
        self.assertEqual(self.post(self.W, b"x")[0], 200)
        w = "/wecom/cgi-bin/webhook/send?key=K"
        m = {"msgtype": "text", "text": {"content": "x"}}
        self.assertEqual(self.post(w, m)[0], 500)
        self.assertEqual(self.post(w, m)[0], 500)
        self.assertEqual(self.post(w, m)[0], 200)
        self.assertEqual(self.srv.queued(), 0)

    def test_ok_placeholder_and_status(self):
        self.srv.push("ok")
        self.srv.push("status", status=400, body={"errcode": 1})
        self.assertEqual(self.post(self.W, b"x")[0], 200)
        st, _, data = self.post(self.W, b"x")
        self.assertEqual((st, json.loads(data)), (400, {"errcode": 1}))

    def test_hang(self):
        self.srv.push("hang", seconds=30)
        t = time.monotonic()
        with self.assertRaises((socket.timeout, TimeoutError)):
            self.post(self.W, b"x", timeout=0.5)
        self.assertLess(time.monotonic() - t, 5)
        self.assertEqual(self.last()["status"], 0)
        self.assertEqual(self.last()["verdict"], "forced:hang")
        self.assertEqual(self.post(self.W, b"x")[0], 200)   # others are served meanwhile

    def test_hang_short_then_closes(self):
        self.srv.push("hang", seconds=0.3)
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.post(self.W, b"x", timeout=5)

    def test_close(self):
        self.srv.push("close")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.post(self.W, b"x")
        self.srv.push("close", rst=True)
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine)):
            self.post(self.W, b"x")
        self.assertEqual(self.post(self.W, b"x")[0], 200)

    def test_slow(self):
        self.srv.push("slow", interval=0.05)
        t = time.monotonic()
        st, _, data = self.post(self.W, b"x")
        self.assertEqual(json.loads(data), {"ok": True})
        self.assertGreater(time.monotonic() - t, 0.05 * (len(data) - 2))

    def test_oversized(self):
        self.srv.push("oversized", size=20 * 1024 * 1024)
        st, h, data = self.post(self.W, b"x", timeout=30)
        self.assertEqual(len(data), 20 * 1024 * 1024)
        self.assertEqual(h.get("Content-Length"), str(20 * 1024 * 1024))
        self.assertEqual(json.loads(data), {"ok": True})     # valid JSON, just huge
        self.srv.push("oversized", size=3 * 1024 * 1024, chunked=True)
        st, h, data = self.post(self.W, b"x", timeout=30)
        self.assertNotIn("Content-Length", h)
        self.assertEqual(len(data), 3 * 1024 * 1024)

    def test_html_and_truncated(self):
        self.srv.set_feed("c", [{"orders": [{"order_no": "A", "content": "x"}] * 5, "next": None}])
        self.srv.push("html", prefix="/feed/")
        st, h, data = self.get("/feed/c?page=1")
        self.assertEqual(st, 200)
        self.assertTrue(h["Content-Type"].startswith("text/html"))
        self.assertIn(b"<html>", data)
        self.srv.push("html", status=502, prefix="/feed/")
        self.assertEqual(self.get("/feed/c?page=1")[0], 502)
        self.srv.push("truncated", prefix="/feed/")
        st, _, data = self.get("/feed/c?page=1")
        self.assertEqual(st, 200)
        with self.assertRaises(ValueError):
            json.loads(data)
        self.assertTrue(data.startswith(b'{"orders": [{"order_no": "A"'))
        json.loads(self.get("/feed/c?page=1")[2])

    def test_down_and_up_same_port(self):
        port = self.srv.port
        self.srv.down()
        with self.assertRaises(ConnectionRefusedError):
            self.post(self.W, b"x", timeout=2)
        self.srv.up()
        self.assertEqual(self.srv.port, port)
        self.assertEqual(self.post(self.W, b"x")[0], 200)


class Record(ServerCase):
    def test_fields_and_file(self):
        t0 = time.time() * 1000
        self.post("/webhook/ops?x=1&y=%E4%B8%AD", WH_BODY, {"X-Zhishou-Signature": WH_SIGN})
        self.srv.push("500")
        self.post("/webhook/open", "中文".encode())
        self.get("/nowhere")
        reqs = self.srv.requests
        self.assertEqual([r["seq"] for r in reqs], [1, 2, 3])
        a, b, c = reqs
        self.assertEqual(a["method"], "POST")
        self.assertEqual(a["path"], "/webhook/ops")
        self.assertEqual(a["params"], {"x": "1", "y": "中"})
        self.assertEqual(a["headers"]["X-Zhishou-Signature"], WH_SIGN)
        self.assertEqual(a["body"], WH_BODY.decode())
        self.assertEqual(a["text"], "hi")
        self.assertEqual((a["status"], a["verdict"]), (200, "ok"))
        self.assertGreaterEqual(a["wall_ms"], t0 - 1)
        self.assertLessEqual(a["mono_ms"], b["mono_ms"])
        self.assertEqual((b["status"], b["verdict"], b["body"]), (500, "forced:500", "中文"))
        self.assertEqual((c["status"], c["kind"]), (404, "other"))
        self.assertEqual(self.srv.bodies, [a["body"], "中文", ""])
        with open(self.record, encoding="utf-8") as f:
            lines = [json.loads(x) for x in f]
        self.assertEqual(lines, reqs)


class Script(unittest.TestCase):
    def test_script_mode(self):
        d = tempfile.mkdtemp(prefix="robotsrv-")
        pf, rec = os.path.join(d, "port"), os.path.join(d, "rec.jsonl")
        p = subprocess.Popen([sys.executable, os.path.join(HERE, "robotsrv.py"), "--port-file", pf,
                              "--record", rec, "--secrets", json.dumps(SECRETS)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(p.stderr.close)
        try:
            end = time.monotonic() + 10
            while not os.path.exists(pf) and time.monotonic() < end:
                time.sleep(0.05)
            with open(pf) as f:
                port = int(f.read())
            st, _, _ = request(port, "POST", "/webhook/ops", WH_BODY, {"X-Zhishou-Signature": WH_SIGN})
            self.assertEqual(st, 200)
            st, _, _ = request(port, "POST", "/webhook/ops", WH_BODY)
            self.assertEqual(st, 401)
            request(port, "POST", "/_ctl/push", {"kind": "503", "retry_after": 2})
            st, h, _ = request(port, "POST", "/webhook/open", b"x")
            self.assertEqual((st, h.get("Retry-After")), (503, "2"))
            request(port, "POST", "/_ctl/feed/city", [{"orders": [], "next": None}])
            self.assertEqual(request(port, "GET", "/feed/city?page=1")[0], 200)
            reqs = json.loads(request(port, "GET", "/_ctl/requests")[2])
            self.assertEqual([r["status"] for r in reqs], [200, 401, 503, 200])
            request(port, "POST", "/_ctl/down", {"seconds": 1})
            time.sleep(0.5)
            with self.assertRaises(ConnectionRefusedError):
                request(port, "POST", "/webhook/open", b"x")
            time.sleep(1.2)
            self.assertEqual(request(port, "POST", "/webhook/open", b"x")[0], 200)
        finally:
            p.send_signal(signal.SIGTERM)
            rc = p.wait(10)
        self.assertEqual(rc, 0, p.stderr.read())
        with open(rec, encoding="utf-8") as f:
            self.assertEqual(len(f.readlines()), 5)


if __name__ == "__main__":
    unittest.main(verbosity=2)
