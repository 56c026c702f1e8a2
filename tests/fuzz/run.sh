#!/bin/sh
# tests/fuzz/run.sh: build every harness with clang + libFuzzer and fuzz it.
#
#   tests/fuzz/run.sh [NAME...]          (default: every tests/fuzz/fuzz_*.c)
#
# Environment:
#   FUZZ_SECONDS=1800   seconds per harness (libFuzzer -max_total_time)
#   FUZZ_JOBS=1         harnesses fuzzed at the same time (2: two at a time)
#   FUZZ_BUILD=build-fuzz   clang build directory (relative to the source root)
#   FUZZ_OUT=/tmp/zhishou-fuzz   work corpora, logs and the summary
#   FUZZ_NICE=19        nice level of the fuzzers (0: none)
#   FUZZ_ARGS=          extra libFuzzer flags, e.g. "-dict=my.dict"
#   FUZZ_NO_BUILD=1     reuse the binaries in $FUZZ_BUILD/fuzz/
#
# Steps:
#  1. `CC=clang meson setup $FUZZ_BUILD -Db_sanitize=address,undefined
#     -Db_lundef=false -Dtests=false -Dc_args=-fsanitize=fuzzer-no-link`
#     and ninja of the layers' libraries (libzhishou_util.a ... _report.a),
#     instrumented for coverage and sanitised (ASan + UBSan).
#  2. Each harness: clang -fsanitize=fuzzer,address,undefined -g -O1
#     -D_GNU_SOURCE -std=c11 -Iinclude -Isrc/store tests/fuzz/fuzz_NAME.c
#     the layers' libraries $(pkg-config --libs sqlite3 libcrypto jansson
#     inih xlsxwriter libutf8proc libzip expat)  ->  $FUZZ_BUILD/fuzz/fuzz_NAME.
#  3. Each harness runs for FUZZ_SECONDS with
#       -max_len=1048576 -rss_limit_mb=2048 -timeout=10
#       -artifact_prefix=tests/fuzz/crashes/NAME/
#     over a work corpus $FUZZ_OUT/corpus/NAME (new inputs go there) seeded
#     from tests/fuzz/corpus/NAME (read only: never written by this script).
#     The log is $FUZZ_OUT/NAME.log.  Crashes, leaks, timeouts and OOMs are
#     written to tests/fuzz/crashes/NAME/ (gitignored).  UBSan findings
#     abort (halt_on_error), so they are crashes too.
#  4. One summary line per harness (runs, exec/s, coverage, features,
#     corpus size, crash artifacts) on stdout, in $FUZZ_OUT/summary.last
#     (this run) and appended to $FUZZ_OUT/summary.txt (every run).
#
# To add what a run found to the seed corpus (keep it small):
#   $FUZZ_BUILD/fuzz/fuzz_NAME -merge=1 tests/fuzz/corpus/NAME $FUZZ_OUT/corpus/NAME
# To replay one crash:
#   $FUZZ_BUILD/fuzz/fuzz_NAME tests/fuzz/crashes/NAME/crash-...
# Exit status: 0 if no harness crashed, 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

FUZZ_SECONDS=${FUZZ_SECONDS:-1800}
FUZZ_JOBS=${FUZZ_JOBS:-1}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_OUT=${FUZZ_OUT:-/tmp/zhishou-fuzz}
FUZZ_NICE=${FUZZ_NICE:-19}
FUZZ_ARGS=${FUZZ_ARGS:-}
CC=${CC:-clang}
case $CC in *clang*) ;; *) CC=clang ;; esac

if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi

mkdir -p "$FUZZ_OUT"

# ---- 1 + 2: build ----
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
	if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
		CC=$CC meson setup "$FUZZ_BUILD" -Db_sanitize=address,undefined -Db_lundef=false \
			-Dtests=false -Dbuildtype=debugoptimized -Dc_args=-fsanitize=fuzzer-no-link \
			>"$FUZZ_OUT/meson-setup.log" 2>&1 ||
			{ cat "$FUZZ_OUT/meson-setup.log"; exit 1; }
	fi
	layers="libzhishou_report.a libzhishou_net.a libzhishou_core.a libzhishou_store.a libzhishou_util.a"
	# shellcheck disable=SC2086
	ninja -C "$FUZZ_BUILD" $layers >"$FUZZ_OUT/ninja.log" 2>&1 ||
		{ cat "$FUZZ_OUT/ninja.log"; exit 1; }
	mkdir -p "$FUZZ_BUILD/fuzz"
	libs=""
	for l in $layers; do libs="$libs $FUZZ_BUILD/$l"; done
	libs="$libs $(pkg-config --libs sqlite3 libcrypto jansson inih xlsxwriter libutf8proc libzip expat)"
	for n in $names; do
		echo "building fuzz_$n"
		# shellcheck disable=SC2086
		$CC -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -g -O1 \
			-D_GNU_SOURCE -std=c11 -Wall -Wextra -Iinclude -Isrc/store \
			"tests/fuzz/fuzz_$n.c" $libs \
			-o "$FUZZ_BUILD/fuzz/fuzz_$n"
	done
fi

# ---- 3: fuzz ----
run_one() {
	n=$1
	bin="$FUZZ_BUILD/fuzz/fuzz_$n"
	work="$FUZZ_OUT/corpus/$n"
	crashes="tests/fuzz/crashes/$n"
	mkdir -p "$work" "$crashes"
	nice_cmd=""
	[ "$FUZZ_NICE" != 0 ] && nice_cmd="nice -n $FUZZ_NICE"
	# shellcheck disable=SC2086
	TZ=America/New_York \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$nice_cmd "$bin" -max_total_time="$FUZZ_SECONDS" -max_len=1048576 -rss_limit_mb=2048 \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$crashes/" $FUZZ_ARGS \
		"$work" "tests/fuzz/corpus/$n" >"$FUZZ_OUT/$n.log" 2>&1 || true
	summarize "$n"
}

summarize() {
	n=$1
	log="$FUZZ_OUT/$n.log"
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
	[ -z "$runs" ] && runs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
	ncrash=$(find "tests/fuzz/crashes/$n" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		-o -name 'oom-*' -o -name 'slow-unit-*' \) 2>/dev/null | wc -l)
	if grep -qE '^==[0-9]+==ERROR|^SUMMARY: |fuzz check failed|deadly signal' "$log"; then
		status=CRASH
	else
		status=ok
	fi
	line=$(printf 'fuzz_%-14s %-5s runs=%s exec/s=%s cov=%s ft=%s corpus=%s artifacts=%s log=%s' \
		"$n" "$status" "${runs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$ncrash" "$log")
	echo "$line"
	echo "$line" >>"$FUZZ_OUT/summary.txt"
	echo "$line" >>"$FUZZ_OUT/summary.last"
}

echo "# $(date '+%F %T') FUZZ_SECONDS=$FUZZ_SECONDS FUZZ_JOBS=$FUZZ_JOBS" >>"$FUZZ_OUT/summary.txt"
: >"$FUZZ_OUT/summary.last"
running=0
for n in $names; do
	run_one "$n" &
	running=$((running + 1))
	if [ "$running" -ge "$FUZZ_JOBS" ]; then
		wait
		running=0
	fi
done
wait

if grep -q ' CRASH ' "$FUZZ_OUT/summary.last"; then
	exit 1
fi
exit 0
