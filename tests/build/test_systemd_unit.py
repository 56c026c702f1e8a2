#!/usr/bin/env python3
"""The relay's systemd unit as meson configures it (issue 15): it runs
zhishou-relay under its own user with the database's group and no more,
starts only once relay.conf exists, is confined the way systemd offers, and
`systemd-analyze verify` passes (ExecStart pointed at the built binary, the
man page not looked up: neither is installed here).  `systemd-analyze
security` rates it; the rating is printed and must stay below 4 ("OK").
Skipped (77) where systemd-analyze is missing."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

UNIT = os.environ["ZHISHOU_UNIT"]
RELAY = os.environ["ZHISHOU_RELAY_BIN"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def main():
    text = open(UNIT, encoding="utf-8").read()
    settings = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z]+)=(.*)$", line)
        if m:
            settings.setdefault(m.group(1), []).append(m.group(2).strip())

    def one(key):
        v = settings.get(key, [])
        return v[0] if len(v) == 1 else None

    check(one("User") == "zhishou-relay", "User=zhishou-relay (got %r)" % one("User"))
    check(one("Group") == "zhishou-relay", "Group=zhishou-relay (got %r)" % one("Group"))
    check(one("SupplementaryGroups") == "zhishou", "SupplementaryGroups=zhishou: the database's group, no other")
    check(one("ConditionPathExists") == "/etc/zhishou/relay.conf", "not started until relay.conf exists")
    exec_start = one("ExecStart") or ""
    check(exec_start.split()[0].endswith("/zhishou-relay"), "ExecStart runs zhishou-relay itself: %s" % exec_start)
    check("--config /etc/zhishou/relay.conf" in exec_start and exec_start.endswith(" relay"),
          "ExecStart reads /etc/zhishou/relay.conf and runs the relay: %s" % exec_start)
    for key, want in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ReadWritePaths", "/var/lib/zhishou"),
                      ("ProtectHome", "yes"), ("PrivateTmp", "yes"), ("PrivateDevices", "yes"),
                      ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"), ("CapabilityBoundingSet", ""),
                      ("Restart", "on-failure"), ("RestartSec", "5")):
        check(one(key) == want, "%s=%s (got %r)" % (key, want, one(key)))

    analyze = shutil.which("systemd-analyze")
    if not analyze:
        print("skip: no systemd-analyze")
        return 77 if not failures else report()
    with tempfile.TemporaryDirectory() as tmp:
        unit = os.path.join(tmp, "zhishou-relay.service")
        with open(unit, "w", encoding="utf-8") as f:
            f.write(re.sub(r"^ExecStart=\S+", "ExecStart=" + RELAY, text, flags=re.M))
        p = subprocess.run([analyze, "verify", "--man=no", unit], capture_output=True, text=True)
        check(p.returncode == 0 and not p.stderr.strip(), "systemd-analyze verify: %d %s" % (p.returncode, p.stderr))
        p = subprocess.run([analyze, "security", "--offline=yes", "--no-pager", unit], capture_output=True, text=True)
        m = re.search(r"Overall exposure level for \S+: ([\d.]+)", p.stdout)
        check(m is not None, "systemd-analyze security rates the unit: %s" % (p.stdout[-300:] + p.stderr))
        if m:
            print("systemd-analyze security: exposure %s" % m.group(1))
            check(float(m.group(1)) < 4.0, "exposure below 4 (OK): %s" % m.group(1))
    return report()


def report():
    for f in failures:
        print("FAIL:", f)
    if failures:
        return 1
    print("ok: the relay's unit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
