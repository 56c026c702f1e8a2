"""A Unix-socket proxy in front of a test cluster that loses a write's
answer: the server commits, the client never hears so (issue 16).

zhishou connects to the proxy's directory (host=DIR in its URI) and the
proxy passes the PostgreSQL protocol through to the cluster's socket.  Once
armed, the first connection whose client sends `trigger` (bytes of a
statement, say b"INSERT INTO audit") is cut when the server's
CommandComplete for COMMIT comes back: that message, and all after it, are
never passed on.  The write is then in the database while the client saw
the connection go: the case a write token exists for.  Later connections
pass through untouched.

    with LossProxy(cluster.sock) as p:
        url = "postgresql:///db?host=%s&user=zhishou" % p.dir
        p.arm(b"INSERT INTO audit")
        ... run a command ...
        assert p.cut == 1
"""
import os
import shutil
import socket
import struct
import tempfile
import threading

PORT_SOCKET = ".s.PGSQL.5432"


class LossProxy:
    def __init__(self, target_dir, owner=None):
        self.target = os.path.join(target_dir, PORT_SOCKET)
        self.dir = tempfile.mkdtemp(prefix="zhishou-lossproxy-")
        os.chmod(self.dir, 0o755)
        self.path = os.path.join(self.dir, PORT_SOCKET)
        self.lock = threading.Lock()
        self.trigger = None
        self.cut = 0
        self.conns = 0
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(self.path)
        os.chmod(self.path, 0o777)
        self.srv.listen(64)
        self.closing = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def arm(self, trigger):
        with self.lock:
            self.trigger = trigger
            self.cut = 0

    def close(self):
        self.closing = True
        try:
            self.srv.close()
        except OSError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _accept(self):
        while not self.closing:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.target)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.conns += 1
            st = {"seen": False, "dead": False}
            threading.Thread(target=self._up, args=(c, s, st), daemon=True).start()
            threading.Thread(target=self._down, args=(c, s, st), daemon=True).start()

    def _kill(self, c, s, st):
        st["dead"] = True
        for x in (c, s):
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            x.close()

    def _up(self, c, s, st):
        """client -> server; marks the connection once it sends the trigger."""
        tail = b""
        while not st["dead"]:
            try:
                b = c.recv(65536)
            except OSError:
                break
            if not b:
                break
            with self.lock:
                if self.trigger and not st["seen"] and self.trigger in tail + b:
                    st["seen"] = True
                    self.trigger = None        # one connection only
            tail = (tail + b)[-256:]
            try:
                s.sendall(b)
            except OSError:
                break
        if not st["dead"]:
            self._kill(c, s, st)

    def _down(self, c, s, st):
        """server -> client, message by message: a marked connection ends
        at its COMMIT's CommandComplete."""
        buf = b""
        while not st["dead"]:
            try:
                b = s.recv(65536)
            except OSError:
                break
            if not b:
                break
            buf += b
            out = b""
            while len(buf) >= 5:
                kind = buf[0:1]
                (n,) = struct.unpack("!I", buf[1:5])
                if len(buf) < 1 + n:
                    break
                msg, buf = buf[:1 + n], buf[1 + n:]
                if st["seen"] and kind == b"C" and msg[5:].rstrip(b"\0") == b"COMMIT":
                    try:
                        c.sendall(out)
                    except OSError:
                        pass
                    with self.lock:
                        self.cut += 1
                    self._kill(c, s, st)
                    return
                out += msg
            try:
                c.sendall(out)
            except OSError:
                break
        if not st["dead"]:
            self._kill(c, s, st)
