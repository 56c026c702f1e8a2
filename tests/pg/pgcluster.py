"""A throwaway PostgreSQL cluster for the tests (issue 16): initdb in a
temporary directory, a Unix socket there, no TCP (listen_addresses=''),
trust authentication (nothing but this test's own processes can reach a
socket in a directory only its user may enter), fsync off.  Stopped
(immediate) and removed by close().

Cluster(peer={"osuser": "role", ...}) authenticates by the peer's Unix
account instead (pg_hba "local all all peer map=zs"): the cluster's owner
as its superuser role, each given account as its role, anyone else refused;
its socket's directory is then open to every local user, as
/var/run/postgresql is (test_setuid's PostgreSQL twin).

PostgreSQL's server refuses to run as root: as root (CI) the cluster runs as
the `postgres` account the Debian package makes, else as `nobody`.

    with Cluster() as pg:
        pg.psql("SELECT 1")
        pg.url  # postgresql:///zhishou?host=/tmp/...&user=zhishou
"""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile


def bindir():
    """The newest installed server's binaries, or None."""
    env = os.environ.get("ZHISHOU_PG_BIN")
    if env:
        return env if os.path.exists(os.path.join(env, "initdb")) else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return os.path.dirname(found[-1]) if found else None


def available():
    return bindir() is not None and shutil.which("psql") is not None


class Cluster:
    DB = "zhishou"
    ROLE = "zhishou"

    def __init__(self, peer=None):
        self.bin = bindir()
        if not self.bin:
            raise RuntimeError("no PostgreSQL server installed (apt-get install postgresql)")
        self.dir = tempfile.mkdtemp(prefix="zhishou-pg-")
        self.data = os.path.join(self.dir, "data")
        self.sock = self.dir
        self.owner = None
        if os.geteuid() == 0:
            name = "postgres" if _has_user("postgres") else "nobody"
            self.owner = pwd.getpwnam(name)
            os.chown(self.dir, self.owner.pw_uid, self.owner.pw_gid)
        os.chmod(self.dir, 0o755 if peer else 0o700)
        self.started = False
        try:
            self._as_owner([os.path.join(self.bin, "initdb"), "-D", self.data, "-U", self.ROLE, "-A", "trust",
                            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
            if peer:
                self._peer(peer)
            opts = "-c listen_addresses='' -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
                % self.sock
            self._as_owner([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "log"),
                            "-w", "-o", opts, "start"])
            self.started = True
            self._as_owner([os.path.join(self.bin, "createdb"), "-h", self.sock, "-U", self.ROLE, self.DB])
        except BaseException:
            self.close()
            raise
        self.url = "postgresql:///%s?host=%s&user=%s" % (self.DB, self.sock, self.ROLE)

    def _peer(self, peer):
        me = (self.owner or pwd.getpwuid(os.geteuid())).pw_name
        lines = ["zs %s %s" % (me, self.ROLE)] + ["zs %s %s" % kv for kv in sorted(peer.items())]
        for name, text in (("pg_hba.conf", "local all all peer map=zs\n"), ("pg_ident.conf", "\n".join(lines) + "\n")):
            path = os.path.join(self.data, name)
            with open(path, "w") as f:
                f.write(text)
            if self.owner:
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)

    def _as_owner(self, argv, **kw):
        if self.owner:
            argv = ["setpriv", "--reuid=%d" % self.owner.pw_uid, "--regid=%d" % self.owner.pw_gid,
                    "--init-groups"] + argv
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, **kw)
        if p.returncode != 0:
            log = ""
            try:
                with open(os.path.join(self.dir, "log")) as f:
                    log = f.read()[-2000:]
            except OSError:
                pass
            raise RuntimeError("%s -> %d\n%s%s%s" % (" ".join(argv), p.returncode, p.stdout, p.stderr, log))
        return p

    def psql(self, sql=None, file=None, db=None, check=True, single=True):
        """Run SQL (a string or a file) in one transaction; the result as
        (returncode, stdout, stderr); tuples only, '|'-separated."""
        argv = ["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-h", self.sock,
                "-U", self.ROLE, "-d", db or self.DB]
        if single:
            argv.append("-1")
        argv += ["-f", file] if file else ["-c", sql]
        if self.owner:
            argv = ["setpriv", "--reuid=%d" % self.owner.pw_uid, "--regid=%d" % self.owner.pw_gid,
                    "--init-groups"] + argv
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PGTZ": "UTC"})
        if check and p.returncode != 0:
            raise RuntimeError("psql %s -> %d: %s" % (file or sql, p.returncode, p.stderr))
        return p.returncode, p.stdout, p.stderr

    def rows(self, sql):
        out = self.psql(sql, single=False)[1]
        return [line.split("|") for line in out.splitlines() if line]

    def close(self):
        if self.started:
            try:
                self._as_owner([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"])
            except RuntimeError:
                pass
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
