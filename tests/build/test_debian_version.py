#!/usr/bin/env python3
"""The Debian package's version is meson's (issue 15).

meson.build's `version :` is the one place the version is written; the
newest entry of debian/changelog (a native package: no Debian revision) must
carry exactly the same, so a release cannot bump one and forget the other.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def meson_version():
    text = (ROOT / "meson.build").read_text(encoding="utf-8")
    project = re.search(r"project\((.*?)\)\s*$", text, re.S | re.M)
    m = re.search(r"version\s*:\s*'([^']+)'", project.group(1) if project else "")
    if not m:
        sys.exit("meson.build: no version : '...' in project()")
    return m.group(1)


def changelog_version():
    first = (ROOT / "debian" / "changelog").read_text(encoding="utf-8").splitlines()[0]
    m = re.match(r"^zhishou \(([^)\s]+)\) \S+; urgency=\S+$", first)
    if not m:
        sys.exit("debian/changelog: first line is not 'zhishou (VERSION) DIST; urgency=U': " + first)
    return m.group(1)


def main():
    mv, dv = meson_version(), changelog_version()
    if mv != dv:
        sys.exit("version drift: meson.build says %s, debian/changelog says %s; "
                 "add a changelog entry (dch -v %s) or fix meson.build" % (mv, dv, mv))
    print("ok: meson.build and debian/changelog both say", mv)


if __name__ == "__main__":
    main()
