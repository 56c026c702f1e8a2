#!/usr/bin/env python3
"""The layers README draws, checked on the source: the front ends (src/cli,
src/tui) and the demo night (src/demo, written through core's calls) never
reach the store -- no zhishou/store.h, no store_* call, no sqlite3 -- and
sqlite3.h is included only under src/store.  meson.build
refuses the include at compile time too (store.h is off the front ends'
include path); this test also catches a call through a stray declaration.

Inside src/store, the driver seam (issue 16: one store, two drivers): only
the SQLite driver's files include sqlite3.h or use sqlite3_*, and the files
SQLite-specific by nature do so only in the functions named for them, each
marked by a comment "SQLite only: ..." on the line above it; only the
PostgreSQL driver's files use libpq; every other file reads and writes
through store_internal.h's calls."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SRC = ROOT / "src"

STORE_CALL = re.compile(r"(?<![A-Za-z0-9_])store_[a-z0-9_]+\s*\(")
STORE_INCLUDE = re.compile(r'#\s*include\s*[<"](zhishou/)?store(_internal)?\.h[>"]')
SQLITE = re.compile(r"\bsqlite3")
SQLITE_INCLUDE = re.compile(r"#\s*include\s*[<\"]sqlite3\.h[>\"]")
SQLITE_USE = re.compile(r"sqlite3_")

# The SQLite driver: whole files, and why.
SQLITE_DRIVER = {
    "src/store/db.c": "the connection: open, pragmas, migrations, transactions, SQLite's errors",
    "src/store/sqlite_stmt.c": "statements and rows: prepare, bind, step, read columns (store_stmt, store_row)",
    "src/store/vfs.c": "the VFS that takes the account's rights around SQLite's file access",
}
# The PostgreSQL driver: the only files that include libpq-fe.h or call libpq.
PG_DRIVER = {
    "src/store/pg.c": "the connection: open, identity, migrations, transactions, NOTIFY",
    "src/store/pg_stmt.c": "statements and rows: the SQL's few rewrites, prepare, bind, run, read columns",
    "src/store/pg_internal.h": "what the two share",
}
PG_USE = re.compile(r"libpq-fe\.h|\bPQ[a-z]\w*\s*\(|\bPG(conn|result|notify)\b")
# SQLite by nature, driver operations later: these functions only, and why.
SQLITE_ONLY = {
    "src/store/entity.c": {
        "grams_fn": "zs_grams, the SQL function migration 009 and the register's rebuild call",
        "store_entity_functions": "registers zs_grams on a connection",
    },
}

# String and character literals (their braces are not blocks).
LITERAL = re.compile(r'"(?:\\.|[^"\\\n])*"' "|" r"'(?:\\.|[^'\\\n])*'")
# A line at file scope that starts a function (or declares one): its name.
FUNC_HEAD = re.compile(r"^(?![#\s])[^;=]*?\b([A-Za-z_]\w*)\s*\(")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def functions_of(lines):
    """For each line (comments stripped), the function it is in or heads,
    or None at file scope."""
    depth, func = 0, None
    for line in lines:
        code = LITERAL.sub('""', line)
        if depth == 0:
            m = FUNC_HEAD.match(code)
            if m:
                func = m.group(1)
        yield func
        depth += code.count("{") - code.count("}")
        if depth == 0 and (code.rstrip().endswith(";") or code.strip() == "}"):
            func = None


def store_seam(problems):
    """sqlite3.h and sqlite3_* in src/store outside the SQLite driver."""
    for rel in list(SQLITE_DRIVER) + list(SQLITE_ONLY) + list(PG_DRIVER):
        if not (ROOT / rel).is_file():
            problems.append(f"{rel}: allowed to use SQLite but not found")
    for path in sources("store"):
        rel = path.relative_to(ROOT).as_posix()
        if rel in SQLITE_DRIVER:
            continue
        raw = path.read_text(encoding="utf-8")
        lines = strip_comments(raw).splitlines()
        allowed = SQLITE_ONLY.get(rel, {})
        seen, head = set(), {}
        for n, (line, func) in enumerate(zip(lines, functions_of(lines)), 1):
            if func in allowed:
                head.setdefault(func, n)
            if SQLITE_INCLUDE.search(line):
                if not allowed:
                    problems.append(f"{rel}:{n}: includes sqlite3.h outside the SQLite driver "
                                    f"({', '.join(SQLITE_DRIVER)})")
            elif SQLITE_USE.search(line):
                if func in allowed:
                    seen.add(func)
                else:
                    where = f" (in {func})" if func else ""
                    problems.append(f"{rel}:{n}: sqlite3_ outside the SQLite driver{where}: {line.strip()}"
                                    " -- go through store_internal.h (store_row_*, store_changes, ...)")
        if rel not in PG_DRIVER:
            for n, line in enumerate(lines, 1):
                if PG_USE.search(line):
                    problems.append(f"{rel}:{n}: libpq outside the PostgreSQL driver "
                                    f"({', '.join(PG_DRIVER)}): {line.strip()}")
        raw_lines = raw.splitlines()
        for func in allowed:
            if func not in seen:
                problems.append(f"{rel}: {func} is allowed SQLite but uses none (or is gone): "
                                "take it off SQLITE_ONLY")
            elif head[func] < 2 or "SQLite only:" not in raw_lines[head[func] - 2]:
                problems.append(f"{rel}: {func} wants the comment line \"SQLite only: <what the "
                                "PostgreSQL driver will do instead>\" right above it")


def sources(*dirs):
    for d in dirs:
        for p in sorted((SRC / d).rglob("*")):
            if p.suffix in (".c", ".h"):
                yield p


def main():
    problems = []
    for path in sources("cli", "tui", "demo"):
        rel = path.relative_to(ROOT).as_posix()
        text = strip_comments(path.read_text(encoding="utf-8"))
        for n, line in enumerate(text.splitlines(), 1):
            for rx, what in ((STORE_INCLUDE, "includes the store's header"),
                             (STORE_CALL, "calls the store"),
                             (SQLITE, "uses sqlite3")):
                if rx.search(line):
                    problems.append(f"{rel}:{n}: {what}: {line.strip()}")
    for path in sources("util", "core", "report", "net", "cli", "tui", "demo"):
        rel = path.relative_to(ROOT).as_posix()
        text = strip_comments(path.read_text(encoding="utf-8"))
        for n, line in enumerate(text.splitlines(), 1):
            if SQLITE_INCLUDE.search(line):
                problems.append(f"{rel}:{n}: sqlite3.h outside src/store")
            if PG_USE.search(line):
                problems.append(f"{rel}:{n}: libpq outside src/store")
    store_seam(problems)
    # The check itself must see the files it is about.
    for d in ("cli", "tui", "demo", "store"):
        if not any(True for _ in sources(d)):
            problems.append(f"src/{d} not found from " + str(ROOT))
    for p in problems:
        print(p)
    print(f"layers: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
