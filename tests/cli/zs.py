"""Helpers for the zhishou command-line tests.

Every test runs the real binary ($ZHISHOU_BIN, else build/zhishou next to the
source tree) against a database in a private temporary directory, with:

  * ZHISHOU_NOW fixed ("2026-03-15 21:40", the CCTV gala night), so output
    does not depend on the wall clock (zhishou honours it only on a test
    database: Env.run adds `--test-clock` to `init`);
  * TZ=America/New_York, so any use of the server's time zone instead of the
    configured display zone (Asia/Shanghai) shows up as wrong times;
  * LANG/LC_ALL=C.UTF-8 (Chinese must work with only that locale);
  * HOME and XDG_* inside the temp dir, and an empty config file there, so no
    real configuration (~/.config, /etc/zhishou) is ever read.

Golden files live in tests/cli/expected/; ZHISHOU_UPDATE_GOLDEN=1 rewrites
them from the current output (read them before committing!).
"""

import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import unicodedata
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
EXPECTED_DIR = os.path.join(HERE, "expected")

BIN = os.environ.get("ZHISHOU_BIN") or os.path.join(SOURCE_ROOT, "build", "zhishou")
NOW = "2026-03-15 21:40"
UPDATE_GOLDEN = os.environ.get("ZHISHOU_UPDATE_GOLDEN") == "1"

# The Unix user as the operating system knows it (what the audit must record,
# whatever $USER or $LOGNAME say).
try:
    OS_USER = pwd.getpwuid(os.getuid()).pw_name
except KeyError:
    OS_USER = "uid%d" % os.getuid()

# A valid USCC (GB 32100-2015) and the same code with a wrong check character.
USCC_OK = "91350100M000100Y43"
USCC_BAD = "91350100M000100Y44"

# 0x7a687368, 'zhsh': the SQLite application_id that marks a zhishou database.
APP_ID = 0x7A687368

# --- the backend: an SQLite file (default) or PostgreSQL (issue 16) ---------
#
# ZHISHOU_TEST_BACKEND=postgresql runs the same tests against a throwaway
# cluster (tests/pg/pgcluster.py: initdb in a temporary directory, a Unix
# socket there, no TCP), one per test process, started on first use and
# stopped at exit; every Env gets its own fresh database (CREATE DATABASE),
# dropped by Env.cleanup, and Env.db is its URI.  Without a PostgreSQL
# server installed the whole test process skips (77).  Tests about the SQLite
# file itself are marked @sqlite_only("why").

BACKEND = os.environ.get("ZHISHOU_TEST_BACKEND") or "sqlite"
if BACKEND not in ("sqlite", "postgresql"):
    raise SystemExit("ZHISHOU_TEST_BACKEND=%s: sqlite or postgresql" % BACKEND)
PG = BACKEND == "postgresql"

if PG:
    import sys as _sys
    _sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "pg"))
    import pgcluster  # noqa: E402
    if not pgcluster.available():
        print("skip: ZHISHOU_TEST_BACKEND=postgresql and no PostgreSQL server installed "
              "(apt-get install postgresql)")
        _sys.exit(77)

_CLUSTER = None


def pg_cluster():
    """The test process's PostgreSQL cluster: started on first use, stopped
    (and its directory removed) at exit."""
    global _CLUSTER
    if _CLUSTER is None:
        import atexit
        cluster = pgcluster.Cluster()
        atexit.register(cluster.close)
        # meson's timeout sends SIGTERM: run the atexit handlers then too
        # (a SystemExit would only fail the test at hand), or the cluster
        # outlives the test.
        import signal
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
        # ZHISHOU_TEST_PG_LOG=FILE keeps the server's log (each refused
        # statement with its text) for reading after the run.
        keep = os.environ.get("ZHISHOU_TEST_PG_LOG")
        if keep:
            atexit.register(_keep_log, cluster, keep)
        _open_socket_dir(cluster)
        _CLUSTER = cluster
    return _CLUSTER


def _on_sigterm(signum, frame):
    import atexit
    atexit._run_exitfuncs()
    os._exit(128 + signum)


def _keep_log(cluster, to):
    try:
        with open(os.path.join(cluster.dir, "log"), encoding="utf-8", errors="replace") as f, \
                open(to, "a", encoding="utf-8") as out:
            out.write(f.read())
    except OSError:
        pass


_SOCKET_GROUP = None


def pg_socket_group():
    """The group whose members may reach the test cluster's socket (None:
    not root, or not PostgreSQL; then only the tests' own user runs
    zhishou).  Tests that make Unix users to run zhishou as (other_user(),
    test_roles) add them to it."""
    return _SOCKET_GROUP if PG else None


def _open_socket_dir(cluster):
    """The cluster's directory (its socket's) is 0700 for its owner
    (postgres when root): accounts a test runs zhishou as with runuser
    could not reach the socket.  For this throwaway, trust-authenticated
    test cluster only, a group made for it (zspg...) gets in (0710: enter,
    not list), and those accounts are made in that group; no one else can
    reach the socket, and the data directory stays 0700."""
    global _SOCKET_GROUP
    if os.geteuid() != 0 or not shutil.which("groupadd"):
        return
    import atexit
    import grp
    import uuid
    name = "zspg%s" % uuid.uuid4().hex[:6]
    subprocess.run(["groupadd", name], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # atexit runs last-registered first: after the users in it are gone.
    atexit.register(lambda: subprocess.run(["groupdel", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    os.chown(cluster.dir, cluster.owner.pw_uid if cluster.owner else 0, grp.getgrnam(name).gr_gid)
    os.chmod(cluster.dir, 0o710)
    _SOCKET_GROUP = name


def new_pg_database(template=None):
    """A fresh, empty database in the test cluster (or a copy of the
    database named template, which nothing may be connected to): (name,
    URI)."""
    import uuid
    c = pg_cluster()
    name = "zs_%s" % uuid.uuid4().hex[:12]
    c.psql("CREATE DATABASE %s%s" % (name, " TEMPLATE " + template if template else ""), single=False)
    return name, "postgresql:///%s?host=%s&user=%s" % (name, c.sock, c.ROLE)


def drop_pg_database(name):
    try:
        pg_cluster().psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name, single=False)
    except RuntimeError:
        pass   # the cluster goes at exit anyway


def sqlite_only(why):
    """Skip a test (or a class) on PostgreSQL: it is about the SQLite file
    itself (its modes, -wal/-shm, the sqlite3 shell, a path ...)."""
    return unittest.skipIf(PG, "SQLite only: " + why)


def is_pg_url(db):
    return isinstance(db, str) and (db.startswith("postgresql://") or db.startswith("postgres://"))


def pg_dbname(url):
    """The database a postgresql:///NAME?host=... URI (Env's) names."""
    return url.split("///", 1)[1].split("?", 1)[0]


class _Pairs(list):
    pass


def _row(v, top=True):
    """A row_to_json object back as a tuple of its values (in column order,
    repeated names kept); JSON inside a value stays dicts and lists."""
    if isinstance(v, _Pairs):
        if top:
            return tuple(_row(x, False) for _, x in v)
        return {k: _row(x, False) for k, x in v}
    if isinstance(v, list):
        return [_row(x, False) for x in v]
    return v


def query(db, sql, *params):
    """Rows (a list of tuples) of a read-only SQL query on db (a path or a
    postgresql:// URI), on either backend; ? are parameters.  SQLite through
    the sqlite3 module, as the tests always did; PostgreSQL through psql
    (in a read-only transaction), each row back through JSON, so numbers are
    ints or floats, NULL is None and text is str as sqlite3 gives them
    (booleans are True/False, bytea the string '\\x...')."""
    if not is_pg_url(db):
        import sqlite3
        con = sqlite3.connect(db)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()
    c = pg_cluster()
    q = _bind(sql.strip().rstrip(";"), params)
    argv = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", c.sock, "-U", c.ROLE, "-d", pg_dbname(db),
            "-c", "SELECT row_to_json(zs_q) FROM (%s) zs_q" % q]
    if c.owner:
        argv = ["setpriv", "--reuid=%d" % c.owner.pw_uid, "--regid=%d" % c.owner.pw_gid, "--init-groups"] + argv
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PGTZ": "UTC",
                            "PGOPTIONS": "-c default_transaction_read_only=on"})
    if p.returncode != 0:
        raise AssertionError("psql: %s\n%s" % (q, p.stderr))
    return [_row(json.loads(line, object_pairs_hook=_Pairs)) for line in p.stdout.splitlines() if line]


def execute(db, sql, *params):
    """Change the database db (a path or a postgresql:// URI) behind
    zhishou's back, as someone holding it could (a test's tampering), in
    one transaction: one statement with ? parameters, or several separated
    by ; without.  Raises SQLError when the database refuses (a trigger, a
    constraint)."""
    if not is_pg_url(db):
        import sqlite3
        con = sqlite3.connect(db)
        try:
            if params:
                con.execute(sql, params)
            else:
                con.executescript("BEGIN; %s; COMMIT;" % sql.strip().rstrip(";"))
            con.commit()
        except sqlite3.DatabaseError as ex:
            raise SQLError(str(ex)) from ex
        finally:
            con.close()
        return
    # On PostgreSQL consoles learn of a commit by its NOTIFY (zhishou's own
    # commits send it; a change behind zhishou's back says so the same way,
    # as README's PostgreSQL section tells an administrator to).
    script = _bind(sql, params).strip().rstrip(";") + "; NOTIFY zhishou"
    rc, _, err = pg_cluster().psql(script, db=pg_dbname(db), check=False)
    if rc != 0:
        raise SQLError(err.strip())


def pg_hold(db, sql):
    """A PostgreSQL session that ran sql (say BEGIN and a row lock) and stays
    inside it, for a test of what others do meanwhile: a Popen whose
    communicate("ROLLBACK;\\n") ends it."""
    c = pg_cluster()
    argv = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", c.sock, "-U", c.ROLE, "-d", pg_dbname(db)]
    if c.owner:
        argv = ["setpriv", "--reuid=%d" % c.owner.pw_uid, "--regid=%d" % c.owner.pw_gid, "--init-groups"] + argv
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    p.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo zs-held\n")
    p.stdin.flush()
    seen = []
    for line in p.stdout:
        if line.strip() == "zs-held":
            return p
        seen.append(line)
    p.wait()
    raise AssertionError("psql did not hold: %s" % "".join(seen))


class SQLError(Exception):
    """The database refused a statement execute() ran."""


def _sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, bytes):
        return "'\\x%s'::bytea" % v.hex()
    return "'%s'" % str(v).replace("'", "''")


def _bind(sql, params):
    """sql with each ? outside quotes replaced by params' literals (psql
    has no parameters)."""
    out, it, quote = [], iter(params), None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
            out.append(ch)
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            try:
                out.append(_sql_literal(next(it)))
            except StopIteration:
                raise ValueError("more ? than parameters in %r" % sql)
        else:
            out.append(ch)
    if next(it, _bind) is not _bind:
        raise ValueError("more parameters than ? in %r" % sql)
    return "".join(out)


def require_debian_module(name, package):
    """Import module `name`, which Debian ships for /usr/bin/python3
    (python3-openpyxl ...): the python3 first on PATH may be another one
    (pyenv), so re-run the test under /usr/bin/python3 once; fail (never
    skip) when it is missing there too."""
    import importlib
    import sys
    try:
        return importlib.import_module(name)
    except ImportError:
        flag = "ZHISHOU_REEXEC_" + name.upper()
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath(
                "/usr/bin/python3") and not os.environ.get(flag):
            os.environ[flag] = "1"
            # execv skips atexit: stop what this process started first (the
            # PostgreSQL test cluster, its socket's group, other_user()).
            import atexit
            atexit._run_exitfuncs()
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        sys.stderr.write("%s needs %s: install %s (apt-get install %s)\n" % (sys.argv[0], name, package, package))
        sys.exit(1)


_OTHER_USER = None


def other_user():
    """A second Unix user for what one person may not do alone (accepting
    the handover one signed): created once per test process, in the root
    group so it can share a test's 0660 database, removed at exit.  None
    without root (runuser, useradd), where such tests skip."""
    global _OTHER_USER
    import atexit
    import uuid
    if _OTHER_USER is not None:
        return _OTHER_USER or None
    if os.geteuid() != 0 or not shutil.which("runuser") or not shutil.which("useradd"):
        _OTHER_USER = ""
        return None
    name = "zsnext%s" % uuid.uuid4().hex[:6]
    if PG:
        pg_cluster()   # its socket's group first
    extra = ["-G", pg_socket_group()] if pg_socket_group() else []
    subprocess.run(["useradd", "-M", "-N", "-g", "0"] + extra + ["-s", "/bin/sh", name], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(lambda: subprocess.run(["userdel", name], stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL))
    _OTHER_USER = name
    return name


def command_word(args):
    """The command in zhishou's arguments (after --config X, --lang X, --db X)."""
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--config", "--lang", "--db", "-c", "-l", "-d"):
            i += 2
        elif isinstance(a, str) and a.startswith("-"):
            i += 1
        else:
            return a
    return None


class Result:
    def __init__(self, args, rc, out, err):
        self.args, self.rc, self.out, self.err = args, rc, out, err

    def __repr__(self):
        return "zhishou %s -> rc=%d\n--- stdout ---\n%s--- stderr ---\n%s" % (
            " ".join(a if isinstance(a, str) else repr(a) for a in self.args),
            self.rc, self.out, self.err)

    def json(self):
        return json.loads(self.out)


class Env:
    """A private directory with a database (an SQLite file, or on PostgreSQL
    a database of its own: Env.db is then its URI) and a clean environment."""

    def __init__(self, now=NOW, lang=None):
        self.dir = tempfile.mkdtemp(prefix="zhishou-cli-")
        self.pgname = None
        if PG:
            self.db = self.new_pg_database()
        else:
            self.db = os.path.join(self.dir, "night.db")
        self.now = now
        self.lang = lang
        cfgdir = os.path.join(self.dir, "config", "zhishou")
        os.makedirs(cfgdir)
        self.config_path = os.path.join(cfgdir, "zhishou.conf")
        # Present (and empty) so /etc/zhishou/zhishou.conf is never consulted.
        with open(self.config_path, "w") as f:
            f.write("")
        os.makedirs(os.path.join(self.dir, "data"))

    def new_pg_database(self):
        """A fresh, empty PostgreSQL database (dropped by cleanup); its URI.
        The first one is this Env's (Env.db)."""
        name, url = new_pg_database()
        self.pgnames = getattr(self, "pgnames", []) + [name]
        if self.pgname is None:
            self.pgname = name
        return url

    def other_db(self, name):
        """A second database for this Env: the file `name` in its
        directory, or on PostgreSQL another fresh database."""
        return self.new_pg_database() if PG else self.path(name)

    def cleanup(self):
        for name in getattr(self, "pgnames", []):
            drop_pg_database(name)
        self.pgnames = []
        shutil.rmtree(self.dir, ignore_errors=True)

    def query(self, sql, *params, db=None):
        """Rows of a read-only SQL query on this Env's database (or db):
        see query() below."""
        return query(db or self.db, sql, *params)

    def execute(self, sql, *params):
        """Change this Env's database behind zhishou's back: see execute()
        below."""
        execute(self.db, sql, *params)

    def made(self, db=None):
        """Whether a database is there (this Env's, or db): the file, or on
        PostgreSQL any table in that (empty until zhishou init) database."""
        db = db or self.db
        if not is_pg_url(db):
            return os.path.exists(db)
        return bool(self.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public' LIMIT 1", db=db))

    def dump(self, db=None):
        """The whole database as text (schema and rows), to see that a
        command changed nothing: the sqlite3 module's iterdump, or
        pg_dump."""
        db = db or self.db
        if not is_pg_url(db):
            import sqlite3
            con = sqlite3.connect(db)
            try:
                return "\n".join(con.iterdump())
            finally:
                con.close()
        c = pg_cluster()
        argv = [os.path.join(c.bin, "pg_dump"), "-h", c.sock, "-U", c.ROLE, "--no-sync", pg_dbname(db)]
        if c.owner:
            argv = ["setpriv", "--reuid=%d" % c.owner.pw_uid, "--regid=%d" % c.owner.pw_gid, "--init-groups"] + argv
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        if p.returncode != 0:
            raise AssertionError("pg_dump: %s" % p.stderr)
        # Newer pg_dumps wrap their output in \restrict KEY ... \unrestrict
        # KEY, a random key each time.
        return "".join(l for l in p.stdout.splitlines(True) if not l.startswith(("\\restrict ", "\\unrestrict ")))

    def remove_db(self):
        """The database gone, as before init: the file and its -wal and
        -shm, or on PostgreSQL the database dropped and made again, empty."""
        if not PG:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.db + suffix):
                    os.unlink(self.db + suffix)
            return
        c = pg_cluster()
        c.psql("DROP DATABASE %s WITH (FORCE)" % self.pgname, single=False)
        c.psql("CREATE DATABASE %s" % self.pgname, single=False)

    def save_copy(self):
        """A copy of the database as it is now (zhishou not running), for
        restore_copy: the file, or a database made from this one."""
        if not PG:
            shutil.copy(self.db, self.db + ".pristine")
            return self.db + ".pristine"
        name = self.pgname + "_copy%d" % len(self.pgnames)
        pg_cluster().psql("CREATE DATABASE %s TEMPLATE %s" % (name, self.pgname), single=False)
        self.pgnames.append(name)
        return name

    def restore_copy(self, copy):
        """The database back as save_copy found it."""
        if not PG:
            shutil.copy(copy, self.db)
            return
        c = pg_cluster()
        c.psql("DROP DATABASE %s WITH (FORCE)" % self.pgname, single=False)
        c.psql("CREATE DATABASE %s TEMPLATE %s" % (self.pgname, copy), single=False)

    def scalar(self, sql, *params):
        """The one value of a one-row, one-column query."""
        rows = self.query(sql, *params)
        if len(rows) != 1 or len(rows[0]) != 1:
            raise AssertionError("%s: %r, not one value" % (sql, rows))
        return rows[0][0]

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, data):
        """Write str (as UTF-8) or bytes; returns the full path."""
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        return p

    def environ(self, now=None, extra=None):
        e = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.dir,
            "XDG_CONFIG_HOME": os.path.join(self.dir, "config"),
            "XDG_DATA_HOME": os.path.join(self.dir, "data"),
            "XDG_CACHE_HOME": os.path.join(self.dir, "cache"),
            "XDG_STATE_HOME": os.path.join(self.dir, "state"),
            "TZ": "America/New_York",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "ZHISHOU_NOW": self.now if now is None else now,
        }
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "MSAN_OPTIONS", "MALLOC_PERTURB_",
                  "LD_LIBRARY_PATH", "LD_PRELOAD"):
            if k in os.environ:
                e[k] = os.environ[k]
        if extra:
            e.update(extra)
        return {k: v for k, v in e.items() if v is not None}

    def add_other_member(self, name="王五", role="operator"):
        """other_user() as a member of this database (None without root)."""
        u = other_user()
        if u:
            os.chmod(self.dir, 0o770)
            self.ok("member", "add", "--unix", u, "--name", name, "--role", role)
        return u

    def run(self, *args, db=True, now=None, env=None, umask=None, timeout=60, lang=None, user=None,
            test_clock=True):
        """Run zhishou; args may be str or bytes.  db=False leaves out --db,
        db="path" uses another database; user runs it as that Unix user.
        `init` (not --demo) gets --test-clock, so the database it creates
        takes ZHISHOU_NOW; test_clock=False creates a real one (system clock)."""
        if test_clock and command_word(args) == "init" and not {"--demo", "--test-clock", "--help", "-h"} & set(args):
            args = args + ("--test-clock",)
        argv = [BIN]
        lang = lang or self.lang
        if lang:
            argv += ["--lang", lang]
        if db is True:
            argv += ["--db", self.db]
        elif db:
            argv += ["--db", db]
        argv += list(args)
        pre = None
        if umask is not None:
            def pre():
                os.umask(umask)
        environ = self.environ(now, env)
        if user:
            argv = ["runuser", "-u", user, "--", "env", "-i"] + ["%s=%s" % kv for kv in environ.items()] + argv
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=environ,
                           preexec_fn=pre, timeout=timeout, cwd=self.dir)
        # Every byte zhishou prints must be valid UTF-8.
        return Result(list(args), p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8"))

    # --- reading state back ---------------------------------------------

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        if r.rc != 0:
            raise AssertionError("command failed:\n%r" % r)
        return r

    def intakes(self):
        return self.ok("log", "list", "--limit", "0", "--format", "json").json()

    def intake(self, iid):
        return self.ok("log", "show", str(iid), "--format", "json").json()

    def intake_state(self, iid):
        """The intake as stored: its card less the views of its caller that
        reading it (log show) records each time."""
        i = self.intake(iid)
        i["history"] = [h for h in i["history"] if h["kind"] != "view"]
        return i

    def exposure(self, eid):
        return self.ok("expose", "show", str(eid), "--format", "json").json()

    def audit(self, *args):
        return self.ok("audit", "--limit", "0", "--format", "json", *args).json()

    def audit_rows(self):
        """Number of audit rows that record changes, from `audit verify`
        (which must pass), less the rows that only record someone viewing a
        caller's details (log show writes one each time)."""
        r = self.run("audit", "verify")
        if r.rc != 0:
            raise AssertionError("audit verify failed:\n%r" % r)
        m = re.search(r"(\d+)", r.out)
        if not m:
            raise AssertionError("audit verify printed no count:\n%r" % r)
        views = self.scalar("SELECT count(*) FROM audit WHERE action = 'view'")
        return int(m.group(1)) - views

    def add(self, *args, **kw):
        """log add; returns (id, hint lines)."""
        r = self.ok("log", "add", *args, **kw)
        lines = r.out.splitlines()
        return int(lines[0]), lines[1:]


# --- display width -----------------------------------------------------------

def cell_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(s):
    return sum(cell_width(c) for c in s)


def cells(line):
    """The line as a list of terminal cells; a wide character fills its first
    cell and leaves None in the second."""
    out = []
    for ch in line:
        w = cell_width(ch)
        if w == 0:
            continue
        out.append(ch)
        if w == 2:
            out.append(None)
    return out


def check_table(testcase, text, msg=""):
    """A `table` listing: header, a dash rule, rows.  The dash rule gives the
    columns; in every line each column gap (two spaces) must fall exactly on
    the same display columns, i.e. Chinese is aligned by display width, not by
    bytes or characters, and no line is wider than the rule."""
    lines = text.rstrip("\n").split("\n")
    testcase.assertGreaterEqual(len(lines), 3, msg + "\n" + text)
    rule = lines[1]
    testcase.assertTrue(set(rule) <= {"-", " "} and "-" in rule, "no dash rule:\n" + text)
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    for gap_start in [e for _, e in spans[:-1]]:
        testcase.assertEqual(rule[gap_start:gap_start + 2], "  ")
    for ln in [lines[0]] + lines[2:]:
        if ln.startswith("（") or ln.startswith("("):
            continue   # "no matching records"
        c = cells(ln)
        testcase.assertLessEqual(len(c), len(rule) + 0, "%sline wider than the rule:\n%s\n%s" % (msg, ln, text))
        for (_, end), (nxt, _) in zip(spans, spans[1:]):
            gap = c[end:nxt]
            if len(c) <= end:
                break
            testcase.assertEqual(gap, [" "] * (nxt - end),
                                 "%scolumn gap at display column %d not blank in:\n%s\nwhole table:\n%s"
                                 % (msg, end, ln, text))


# --- golden files -------------------------------------------------------------

def normalise(text, user=OS_USER):
    """Make output that records who and when (audit times are the real clock,
    by design) comparable: the Unix user becomes <user>, audit times <at>."""
    u = re.escape(user)
    # notes: "[03-15 21:40 root] ..."
    text = re.sub(r"\[(\d\d-\d\d \d\d:\d\d) %s\]" % u, r"[\1 <user>]", text)
    # log show history: "  11-22 20:12 王芳（root） 登记" (the first admin's
    # name is its login)
    text = re.sub(r"(?m)^  \d\d-\d\d \d\d:\d\d (?:%s|(.+?))（%s） " % (u, u),
                  lambda m: "  <at> %s（<user>） " % (m.group(1) or "<user>"), text)
    text = re.sub(r"(?m)^  \d\d-\d\d \d\d:\d\d %s " % u, "  <at> <user> ", text)
    # card JSON: the first admin's name is its login
    text = re.sub(r'"(by|login|recorded_by)":"%s"' % u, r'"\1":"<user>"', text)
    # expose show actions/instructions: "...（root）"
    text = re.sub(r"（%s）$" % u, "（<user>）", text, flags=re.M)
    # log show "登记人：root"
    text = re.sub(r"(?m)^(登记人|logged by)：%s$" % u, r"\1：<user>", text)
    text = re.sub(r"(?m)^(登记人|logged by)：(?:%s|(.+?))（(?:%s|<user>)）$" % (u, u),
                  lambda m: "%s：%s（<user>）" % (m.group(1), m.group(2) or "<user>"), text)
    # audit tsv: seq, time, user, ...
    text = re.sub(r"(?m)^(\d+)\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\t%s\t" % u, r"\1\t<at>\t<user>\t", text)
    return text


def assert_golden(testcase, name, actual):
    path = os.path.join(EXPECTED_DIR, name)
    if UPDATE_GOLDEN:
        os.makedirs(EXPECTED_DIR, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(actual)
        return
    if not os.path.exists(path):
        testcase.fail("missing golden file %s (run with ZHISHOU_UPDATE_GOLDEN=1, then read it)" % path)
    with open(path, encoding="utf-8", newline="") as f:
        expected = f.read()
    testcase.maxDiff = None
    testcase.assertEqual(expected, actual, "output differs from %s" % path)


# --- characters that must never be stored ------------------------------------

BIDI = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def bad_chars(s, allow_newline=False, allow_tab=False):
    """Control characters (C0, DEL, C1) and bidi controls in s."""
    out = []
    for ch in s:
        o = ord(ch)
        if (ch == "\n" and allow_newline) or (ch == "\t" and allow_tab):
            continue
        if o < 0x20 or 0x7F <= o <= 0x9F or ch in BIDI:
            out.append(ch)
    return out


class ZsTestCase(unittest.TestCase):
    """A fresh Env per test."""

    def setUp(self):
        self.assertTrue(os.access(BIN, os.X_OK), "zhishou binary not found at %s (set ZHISHOU_BIN)" % BIN)
        self.env = Env()
        self.addCleanup(self.env.cleanup)

    def init(self):
        self.env.ok("init")

    def assertFails(self, r, rc, *needles, stream="err"):
        """Exit status rc, nothing on stdout for a failure, each needle in stderr."""
        self.assertEqual(r.rc, rc, repr(r))
        text = r.err if stream == "err" else r.out
        self.assertTrue(r.err.strip(), "no message on stderr:\n%r" % r)
        for n in needles:
            self.assertIn(n, text, repr(r))


# --- the small hand-built night used by the golden tests ----------------------

ROSTER_CSV = (
    "日期,填报单位,姓名,职务,固定电话,移动电话,开始,结束,带班\n"
    "2026-03-15,执法稽查队,张建国,副队长,022-87654321,13812345678,19:00,23:30,是\n"
    "2026-03-15,执法稽查队,李明,科员,,13912345678,19:00,23:30,否\n"
    "2026-03-15,食品经营监管科,王芳,科长,0571-8765432转123,15012345678,18:30,01:00,是\n"
    "2026-03-15,12315投诉举报中心,赵敏,\"值班员,接线\",,18612345678,20:00,23:00,\n"
    "2026-03-14,执法稽查队,孙强,队长,,13712345678,19:00,21:00,是\n"
)

NIGHT_STEPS = [
    ("init",),
    ("unit", "add", "执法稽查队"),
    ("unit", "add", "食品经营监管科"),
    ("roster", "import", "@roster.csv"),
    ("expose", "add", "--title", "某品牌酸菜供应商土坑腌制", "--aired", "20:15", "--industry", "食品",
     "--companies", "老坛酸菜甲公司;乙食品有限公司", "--keywords", "土坑酸菜;酸菜",
     "--lead", "食品经营监管科", "--level", "2"),
    ("expose", "add", "--title", "4S店人脸识别偷采顾客信息", "--aired", "2026-03-15 20:40",
     "--companies", "丙汽车销售服务有限公司", "--keywords", "人脸识别", "--level", "3"),
    ("expose", "add", "--title", "过期面包更换标签二次销售", "--aired", "20:55", "--industry", "食品",
     "--companies", "丁烘焙连锁", "--deadline", "2026-03-15 21:30"),
    ("log", "add", "--channel", "12315-hotline", "--kind", "投诉", "--text", "买到土坑酸菜，要求退货",
     "--at", "21:05", "--caller", "王小明", "--phone", "13800138000", "--subject", "老坛酸菜甲公司",
     "--category", "food"),
    ("log", "add", "--channel", "12315热线", "--kind", "complaint", "--text", "同一人再次来电，酸菜问题",
     "--at", "21:10", "--caller", "王小明", "--phone", "138-0013-8000"),
    ("log", "add", "--channel", "weibo", "--kind", "举报", "--text", "网友举报4S店偷拍人脸",
     "--at", "21:20", "--subject", "丙汽车销售服务有限公司", "--uscc", USCC_OK, "--ref", "WB-001"),
    ("log", "add", "--channel", "8890", "--kind", "咨询", "--text", "咨询预付卡退费流程", "--at", "21:30",
     "--caller", "李四", "--phone", "02287654321", "--ref", "8890-2026-0001", "--category", "prepaid"),
    ("log", "add", "--channel", "12345", "--kind", "投诉", "--text", "乙食品有限公司的酸菜包有异味",
     "--at", "21:35", "--caller", "欧阳娜娜", "--phone", "+86 139 1234 5678",
     "--subject", "乙食品有限公司", "--exposure", "1"),
    ("log", "add", "--channel", "wechat", "--kind", "举报", "--text", "直播间卖假冒化妆品",
     "--at", "21:38", "--subject", "某某直播间", "--category", "cosmetics"),
    ("log", "update", "1", "--status", "accepted"),
    ("log", "update", "1", "--status", "transferred", "--transfer", "执法稽查队"),
    ("log", "update", "1", "--status", "closed", "--outcome", "达成协议", "--recovered", "35.5",
     "--note", "已退货退款"),
    ("log", "update", "1", "--note", "回访满意"),
    ("log", "update", "2", "--duplicate-of", "1"),
    ("log", "update", "3", "--exposure", "2"),
    ("log", "update", "4", "--status", "handling", "--note", "已告知退费流程"),
    ("log", "update", "6", "--status", "rejected"),
    ("expose", "update", "2", "--local", "no"),
    ("expose", "update", "1", "--level", "1", "--status", "排查中", "--lead", "执法稽查队", "--local", "yes"),
    ("expose", "action", "1", "--kind", "officers", "--count", "12", "--note", "出动执法人员检查酸菜经营户"),
    ("expose", "action", "1", "--kind", "checked", "--count", "30"),
    ("expose", "instruct", "1", "--text", "连夜排查，明早8点前报结果"),
]


def build_night(env):
    """Run NIGHT_STEPS; returns the transcript (command, then its stdout)."""
    env.write("roster.csv", ROSTER_CSV)
    transcript = []
    for step in NIGHT_STEPS:
        args = [env.path(a[1:]) if a.startswith("@") else a for a in step]
        r = env.run(*args)
        if r.rc != 0 or r.err:
            raise AssertionError("night step failed:\n%r" % r)
        shown = " ".join(a if not a.startswith("@") else a[1:] for a in step)
        out = r.out.replace(env.dir + "/", "")
        if PG:   # the database's name, as the file's (its URI's parameters are no name)
            out = out.replace(env.db.split("?", 1)[0], "night.db")
        transcript.append("$ zhishou %s\n%s" % (shown, out))
    return normalise("".join(transcript))
