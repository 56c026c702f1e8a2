#!/usr/bin/env python3
"""The layers README draws, checked on the source: the front ends (src/cli,
src/tui) and the demo night (src/demo, written through core's calls) never
reach the store -- no zhishou/store.h, no store_* call, no sqlite3 -- and
sqlite3.h is included only under src/store.  meson.build
refuses the include at compile time too (store.h is off the front ends'
include path); this test also catches a call through a stray declaration."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SRC = ROOT / "src"

STORE_CALL = re.compile(r"(?<![A-Za-z0-9_])store_[a-z0-9_]+\s*\(")
STORE_INCLUDE = re.compile(r'#\s*include\s*[<"](zhishou/)?store(_internal)?\.h[>"]')
SQLITE = re.compile(r"\bsqlite3")
SQLITE_INCLUDE = re.compile(r"#\s*include\s*[<\"]sqlite3\.h[>\"]")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


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
    # The check itself must see the files it is about.
    for d in ("cli", "tui", "demo"):
        if not any(True for _ in sources(d)):
            problems.append(f"src/{d} not found from " + str(ROOT))
    for p in problems:
        print(p)
    print(f"layers: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
