#!/usr/bin/env python3
"""The package's maintainer scripts (debian/zhishou.postinst, .postrm), run
against stub commands (issue 15).

Every command they may call (getent, addgroup, adduser, mkdir, chown, chmod,
dpkg-statoverride, rm ...) is a stub on PATH that records its arguments, so
nothing on this machine changes.  postinst configure on a fresh system makes
the group and user zhishou, the group and user zhishou-relay (also in the
group zhishou), /var/lib/zhishou as zhishou:zhishou 2770 and /usr/bin/zhishou
setuid and setgid zhishou (dpkg-statoverride 6755); run again when they exist
it makes none of them again (idempotent) and dpkg-statoverrides are left
alone; postrm remove and purge delete nothing, purge takes back the
program's override and says in both languages where the database was left.
"""
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEBIAN = ROOT / "debian"
STUBS = ["getent", "addgroup", "adduser", "mkdir", "chown", "chmod",
         "dpkg-statoverride", "rm", "rmdir", "deluser", "delgroup", "userdel", "groupdel"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(script, args, exists=False, override=False):
    """Runs a maintainer script with every command stubbed; returns
    (exit status, stderr, the calls made as lists of words)."""
    with tempfile.TemporaryDirectory() as tmp:
        bindir = pathlib.Path(tmp) / "bin"
        bindir.mkdir()
        log = pathlib.Path(tmp) / "calls"
        for name in STUBS:
            # getent answers "exists" only when asked to (a group line with
            # the relay in it); dpkg-statoverride --list succeeds only when
            # an override is set.
            status = {"getent": 0 if exists else 2,
                      "dpkg-statoverride": 0 if override else 1}.get(name, 0)
            answer = 'echo "$2:x:999:zhishou-relay"\n' if name == "getent" and exists else ""
            if name == "dpkg-statoverride":   # only --list answers "none"
                answer = '[ "$1" = --list ] || exit 0\n'
            stub = bindir / name
            stub.write_text('#!/bin/sh\nprintf "%%s\\n" "%s $*" >> "%s"\n%sexit %d\n'
                            % (name, log, answer, status))
            stub.chmod(0o755)
        env = {"PATH": "%s:/usr/bin:/bin" % bindir, "LC_ALL": "C.UTF-8"}
        p = subprocess.run(["sh", str(DEBIAN / script)] + args, env=env,
                           capture_output=True, text=True)
        calls = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
    return p.returncode, p.stderr, calls


def made(calls, name):
    return [c for c in calls if c[0] == name]


def main():
    # A fresh system: everything is made.
    rc, err, calls = run("zhishou.postinst", ["configure"])
    check(rc == 0, "postinst configure exits 0 (got %d: %s)" % (rc, err))
    for group in ("zhishou", "zhishou-relay"):
        check(["addgroup", "--system", group] in calls, "the system group %s is made" % group)
    users = made(calls, "adduser")
    for user in ("zhishou", "zhishou-relay"):
        mine = [c for c in users if c[-1] == user and "--system" in c]
        check(len(mine) == 1, "the system user %s is made once" % user)
        if mine:
            i = mine[0].index("--ingroup") if "--ingroup" in mine[0] else -1
            check(i >= 0 and mine[0][i + 1] == user, "%s's own group is %s" % (user, user))
            check("--no-create-home" in mine[0], "%s's home is not populated" % user)
            check("--disabled-login" in mine[0], "%s cannot log in" % user)
    check(["adduser", "zhishou-relay", "zhishou"] in calls, "the relay is in the group zhishou")
    check(not any(c[0] == "adduser" and len(c) == 3 and c[1] != "zhishou-relay" for c in calls),
          "nobody else is put in a group (officers never are): %s" % users)
    check(["chown", "zhishou:zhishou", "/var/lib/zhishou"] in calls, "/var/lib/zhishou is zhishou:zhishou")
    check(["chmod", "2770", "/var/lib/zhishou"] in calls, "/var/lib/zhishou is 2770 (setgid, no others)")
    check(["dpkg-statoverride", "--update", "--add", "zhishou", "zhishou", "6755", "/usr/bin/zhishou"] in calls,
          "/usr/bin/zhishou runs with the account zhishou's rights (statoverride 6755 zhishou:zhishou)")
    check(not any("zhishou.db" in " ".join(c) for c in calls), "postinst creates no database")

    # Again, with the accounts there and the admin's statoverride on the directory.
    rc, err, calls = run("zhishou.postinst", ["configure"], exists=True, override=True)
    check(rc == 0, "postinst configure again exits 0 (got %d: %s)" % (rc, err))
    check(not made(calls, "addgroup") and not made(calls, "adduser"),
          "postinst again makes no account (idempotent): %s" % calls)
    check(not made(calls, "chown") and not made(calls, "chmod"),
          "postinst leaves a dpkg-statoverride'd directory alone: %s" % calls)
    check(not [c for c in calls if c[0] == "dpkg-statoverride" and "--add" in c],
          "postinst leaves an admin's dpkg-statoverride on the program alone: %s" % calls)

    # Other postinst actions do nothing of ours.
    rc, _, calls = run("zhishou.postinst", ["abort-upgrade", "0.0.9"])
    check(rc == 0 and not calls, "postinst abort-upgrade makes nothing: %s" % calls)

    for action in ("remove", "purge"):
        rc, err, calls = run("zhishou.postrm", [action])
        check(rc == 0, "postrm %s exits 0 (got %d: %s)" % (action, rc, err))
        deleting = [c for c in calls if c[0] in ("rm", "rmdir", "deluser", "delgroup", "userdel", "groupdel")]
        check(not deleting, "postrm %s deletes nothing: %s" % (action, deleting))
        rc, err, calls = run("zhishou.postrm", [action], override=True)
        removed = ["dpkg-statoverride", "--remove", "/usr/bin/zhishou"] in calls
        check(rc == 0 and removed == (action == "purge"),
              "postrm %s %s the program's override: %s" % (action, "takes back" if action == "purge" else "keeps", calls))
    # /var/lib/zhishou does not exist here, so purge has nothing to say; the
    # message itself is checked in the script's text.
    text = (DEBIAN / "zhishou.postrm").read_text(encoding="utf-8")
    check("数据库保留在 /var/lib/zhishou" in text and "the database is left in /var/lib/zhishou" in text,
          "postrm purge says where the database was left, in Chinese and English")
    for script in ("zhishou.postinst", "zhishou.postrm"):
        t = (DEBIAN / script).read_text(encoding="utf-8")
        check("\nset -e\n" in t and "#DEBHELPER#" in t, "%s has set -e and #DEBHELPER#" % script)

    if failures:
        for f in failures:
            print("FAIL:", f)
        sys.exit(1)
    print("ok: postinst and postrm")


if __name__ == "__main__":
    main()
