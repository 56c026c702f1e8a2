#!/usr/bin/env python3
"""Does PostgreSQL accept the store's SQL?  (issue 16: one store, two drivers)

    check_sql.py [--binds BINDLOG] LOG [LOG...]

LOG holds SQL texts as the store prepared them, each followed by "\\n\\0"
(a temporary patch to rows.c's store_prep/store_prep_once writes one; the
statements assembled from fragments at run time are there as prepared).
Each distinct statement is given the PostgreSQL driver's translation, and
only that one:

  - ?NNN -> $NNN, a bare ? -> the next number, :name -> one number per
    distinct name (SQLite's own numbering of the same parameters);
  - INDEXED BY name removed (a SQLite planner hint);
  - the keyword LIKE -> ILIKE (SQLite's LIKE folds ASCII case, PG's does not).

then, on a throwaway cluster (pgcluster.py) with data/migrations/pg/ applied
in order, `PREPARE s AS <sql>` inside a transaction that is rolled back.
Reported: every statement PostgreSQL refuses, with its message, and every
one it accepts whose result has a boolean column (the driver reads values
as text and parses integers: 't'/'f' would read as 0).

Statements the PostgreSQL driver gives a form of its own (FTS5 tables and
MATCH, entity_gram/entity_order and zs_grams, the TEMP staging tables,
sqlite_master, PRAGMA) are listed apart as "per-driver, not checked".

Parameters are left untyped (PREPARE infers them).  The driver sends an
integer-bound one as int8, which a context inferred as text would refuse,
and every value bound, where SQLite ignores one past the last parameter:
given BINDLOG, which parameter of which statement the store bound as what
(records "i<N>\t<sql>" for an integer, "t<N>\t<sql>" for text, each
followed by "\n\0", as a temporary patch to rows.c's binding calls can
write them with sqlite3_sql()), a statement is prepared with those types
(int8, or unknown for text) and one whose values are not its parameters
is reported.

Exit status: 0 when nothing but per-driver statements is reported, 1 when
some statement is refused (or returns a boolean), 77 without a PostgreSQL
server (as the test suite's skip).
"""
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import pgcluster  # noqa: E402

MIGRATIONS = os.path.join(ROOT, "data", "migrations", "pg")

# What the PostgreSQL driver does not share: the SQLite-only search tables
# and function, the import's and the bulk load's TEMP tables, the schema
# tables and PRAGMAs.
PER_DRIVER = re.compile(
    r"\b(intake_fts|exposure_fts|entity_fts|entity_gram|entity_order|zs_grams|sqlite_master|sqlite_schema|"
    r"bulk_index|temp\.stage|pragma_\w+)\b|\bMATCH\b|^\s*PRAGMA\b|\bCREATE\s+TEMP\b|"
    r"^\s*(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX)\b",
    re.IGNORECASE)


def read_log(paths):
    """The distinct statements of the logs, in the order first seen."""
    seen = {}
    for p in paths:
        with open(p, "rb") as f:
            data = f.read().decode("utf-8", "replace")
        for sql in data.split("\n\0"):
            sql = sql.strip()
            if sql and sql not in seen:
                seen[sql] = len(seen)
    return list(seen)


def read_binds(path):
    """{sql: {parameter number: 'i' or 't'}} from a bind log (read in
    pieces: a test run binds millions of values, most of them alike)."""
    binds, seen, rest = {}, set(), b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 24)
            parts = (rest + chunk).split(b"\n\0")
            rest = parts.pop() if chunk else b""
            for rec in parts:
                if rec in seen or b"\t" not in rec:
                    continue
                seen.add(rec)
                head, sql = rec.decode("utf-8", "replace").split("\t", 1)
                binds.setdefault(sql.strip(), {})[int(head[1:])] = head[0]
            if not chunk:
                return binds


def translate(sql):
    """The PostgreSQL driver's translation (see the module's text).  Quoted
    text ('...', "...") is copied as it is."""
    out = []
    top = 0          # the greatest parameter number so far
    names = {}
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:   # a doubled quote
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1])
            i = j + 1
            continue
        if c == "?":
            m = re.match(r"\?(\d+)", sql[i:])
            if m:
                k = int(m.group(1))
                i += len(m.group(0))
            else:
                k = top + 1
                i += 1
            top = max(top, k)
            out.append("$%d" % k)
            continue
        if c == ":" and (i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_")) and \
                not (i > 0 and sql[i - 1] == ":"):
            m = re.match(r":([A-Za-z_][A-Za-z0-9_]*)", sql[i:])
            name = m.group(1)
            if name not in names:
                top += 1
                names[name] = top
            out.append("$%d" % names[name])
            i += len(m.group(0))
            continue
        m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", sql[i:])
        if m:
            word = m.group(0)
            if word.upper() == "INDEXED":
                by = re.match(r"INDEXED\s+BY\s+[A-Za-z_][A-Za-z0-9_]*", sql[i:], re.IGNORECASE)
                if by:
                    i += len(by.group(0))
                    continue
            out.append("ILIKE" if word.upper() == "LIKE" else word)
            i += len(word)
            continue
        out.append(c)
        i += 1
    return "".join(out)


def per_driver(sql):
    # Only outside quoted text: a literal may name anything.
    bare = re.sub(r"'(?:[^']|'')*'", "''", sql)
    return PER_DRIVER.search(bare) is not None


def psql_stdin(pg, text):
    """psql on the cluster, reading text as its input (a script: \\gdesc
    needs one); (returncode, stdout, stderr)."""
    argv = ["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-h", pg.sock, "-U", pg.ROLE,
            "-d", pg.DB, "-f", "-"]
    if pg.owner:
        argv = ["setpriv", "--reuid=%d" % pg.owner.pw_uid, "--regid=%d" % pg.owner.pw_gid, "--init-groups"] + argv
    p = subprocess.run(argv, input=text, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PGTZ": "UTC"})
    return p.returncode, p.stdout, p.stderr


def check(pg, sql, bound=None):
    """None when PostgreSQL prepares sql (translated) and its result has no
    boolean column, else what is wrong.  bound: {parameter: 'i' or 't'} as
    the store bound them, or None (untyped).  PostgreSQL 15's
    pg_prepared_statements has no result_types (16 has): psql's \\gdesc
    describes the result without running the statement."""
    pgsql = translate(sql)
    types = ""
    if bound:
        used = {int(k) for k in re.findall(r"\$(\d+)", translate(re.sub(r"'(?:[^']|'')*'", "''", sql)))}
        if set(bound) != used:
            return "values bound to parameter(s) %s, the statement has %s (PostgreSQL takes no other)" % (
                ",".join(map(str, sorted(bound))) or "none", ",".join(map(str, sorted(used))) or "none")
        types = "(%s)" % ",".join("int8" if bound.get(k) == "i" else "unknown" for k in range(1, max(used) + 1))
    text = "BEGIN;\nPREPARE s%s AS %s;\nROLLBACK;\n%s \\gdesc\n" % (types, pgsql, pgsql)
    rc, out, errtext = psql_stdin(pg, text)
    if rc != 0:
        msg = "\n".join(line for line in errtext.splitlines() if line.strip())
        return msg or "psql exited %d" % rc
    cols = [line.rsplit("|", 1) for line in out.splitlines() if "|" in line]
    bools = ["%d (%s)" % (k + 1, c[0]) for k, c in enumerate(cols) if c[1].strip() == "boolean"]
    if bools:
        return "returns boolean in column %s: the driver reads 't'/'f' as 0" % ", ".join(bools)
    return None


def main(argv):
    args = argv[1:]
    binds = None
    if args[:1] == ["--binds"] and len(args) > 1:
        binds = read_binds(args[1])
        args = args[2:]
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if not pgcluster.available():
        print("check_sql: no PostgreSQL server installed (apt-get install postgresql)", file=sys.stderr)
        return 77
    stmts = read_log(args)
    skipped, checked, refused = [], [], []
    with pgcluster.Cluster() as pg:
        for path in sorted(glob.glob(os.path.join(MIGRATIONS, "*.sql"))):
            pg.psql(file=path)
        for sql in stmts:
            if per_driver(sql):
                skipped.append(sql)
                continue
            checked.append(sql)
            why = check(pg, sql, binds.get(sql) if binds is not None else None)
            if why:
                refused.append((sql, why))
    one_line = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    for sql, why in refused:
        print("REFUSED: %s\n  translated: %s\n  %s\n" % (one_line(sql), one_line(translate(sql)),
                                                          why.replace("\n", "\n  ")))
    if skipped:
        print("per-driver, not checked (%d):" % len(skipped))
        for sql in skipped:
            print("  " + one_line(sql))
        print()
    print("%d distinct statements: %d checked, %d refused, %d per-driver (not checked)"
          % (len(stmts), len(checked), len(refused), len(skipped)))
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
