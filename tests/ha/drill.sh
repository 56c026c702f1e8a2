#!/bin/bash
# tests/ha/drill.sh: issue 16's failover drill on one machine.
#
# Builds the failover setup (cluster.sh: a pg_auto_failover monitor and two
# PostgreSQL 15 nodes with synchronous replication, each on 127.0.0.1 only),
# makes zhishou's schema in its database (zhishou init on the multi-host
# URI), then runs drill.py: 8 zhishou writers adding intakes and 5 zhishou
# consoles while the primary's postmaster is SIGKILLed at a random moment,
# 10 rounds from a fixed seed, and checks that nothing printed is lost or
# doubled, the audit chain holds and every console lives and keeps up.
# Takes the whole setup down again however it ends.
#
#   tests/ha/drill.sh [drill.py options: --rounds N --seed S --kill postmaster|node ...]
#
# As root (cluster.sh runs the servers as postgres).  Packages: .ci/deps-ha.txt
# and tmux.  ZHISHOU_BIN: the zhishou to drill (default build/zhishou).
set -Eeuo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ZS=${ZHISHOU_BIN:-$ROOT/build/zhishou}
[ -x "$ZS" ] || { echo "drill: no zhishou at $ZS (ninja -C build, or set ZHISHOU_BIN)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "drill: run as root (cluster.sh starts the servers as postgres)" >&2; exit 2; }
DIR=$(mktemp -d /tmp/zhishou-drill.XXXXXX)
rmdir "$DIR"
trap '"$HERE/cluster.sh" down "$DIR" >/dev/null 2>&1 || true' EXIT
"$HERE/cluster.sh" up "$DIR" >/dev/null
URI=$("$HERE/cluster.sh" uri "$DIR")
echo "drill: cluster up in $DIR; writers' URI $URI"
HOME=$DIR "$ZS" --db "$URI" init
python3 "$HERE/drill.py" "$DIR" "$URI" --zhishou "$ZS" "$@"
