#!/usr/bin/env bash
# zhishou benchmarks: build, generate a year of intakes, measure, report.
#
#   tests/bench/run.sh [SECTION ...]
#
# SECTIONs (default: all, in this order):
#   gen      generate N intakes as CSV (tests/bench/gen_intakes)
#   import   `zhishou log import` next to the sqlite3 CLI's .import of the same
#            CSV into a table with the same FTS5 trigram index only, and next
#            to the CLI loading the full zhishou schema (its indexes and
#            triggers) in one INSERT ... SELECT (rows/s, both ratios), plus a
#            diagnostic: zhishou with PRAGMA temp_store=MEMORY injected
#            (IMPORT_DIAG=0 skips it)
#   queries  in-process medians at N intakes (tests/bench/bench_queries) and
#            EXPLAIN QUERY PLAN of the SQL behind them
#   board    `zhishou board` as a whole process (hyperfine if installed)
#   rss      peak RSS of `board` and `log list` at 1,000 and at N intakes
#   writers  WRITERS processes x ADDS `zhishou log add` against one database
#   tui      the console under pseudo-terminals (tests/bench/tui_bench.py,
#            needs python3-pyte; installed with apt-get when run as root):
#            first complete frame, key press -> screen while scrolling and
#            typing, bytes per new intake next to a full repaint, peak RSS at
#            1,000 and at N, propagation to TUI_CONSOLES open consoles
#   relay    `zhishou relay` against a webhook robot and an 8890 feed served
#            on 127.0.0.1 by tests/bench/relay_bench.py (stdlib Python):
#            commit -> POST latency of RELAY_EVENTS exposures committed at
#            RELAY_RATE a second by tests/bench/bench_relay (p50/p90/p99/max,
#            missing and duplicate deliveries); idle cost over IDLE_SECONDS
#            (CPU, wakeups, peak RSS) on a fresh database and on the latency
#            run's; import of FEED_ORDERS orders in pages of 500 by `relay
#            --once` (orders/s, exact count, a second --once adds 0).
#            Independent of N
#   morning  `zhishou review` (text and json) and `zhishou report --format
#            xlsx` at 1,000 and at N intakes on the gala night (NIGHT) and
#            the morning after: whole-process time (median of RUNS) and
#            peak RSS; also `log export --format xlsx` of the night
#   egen     generate N_ENTITIES fictional market entities as a register CSV
#            (tests/bench/gen_entities: valid USCC check characters; 酸菜 and
#            天津瑞禾餐饮管理有限公司's branches planted at known rates)
#   eimport  `zhishou entity import` of it next to the sqlite3 CLI loading the
#            same CSV into the register's table with its code, name and unit
#            indexes and 006's FTS5 trigram index rebuilt (the built-in text
#            index the CLI can make; zhishou's entity_gram needs its own SQL
#            function), in one run: rows/s and the ratio (goal >= 0.7)
#   esearch  in-process medians at N_ENTITIES of entity_search (50 rows, as
#            `entity search` asks) for 2- and 4-character name fragments, a
#            USCC prefix and a scope word (tests/bench/bench_entity; each
#            < 20 ms), and the same as whole `zhishou entity search` processes
#   elocal   `expose local` of an exposure whose company has branches and
#            whose keyword is in shops' names and 经营范围, in-process and as
#            a process, at N_ENTITIES (< 100 ms)
#   soak     SOAK_WRITERS loops of `zhishou log add` back to back and
#            SOAK_CONSOLES live consoles on ptys (tests/bench/soak.py, needs
#            python3-pyte) for SOAK_SECONDS on a fresh demo night: adds/s,
#            failed adds, write latency p50/p90/p99/max and p99 over time,
#            every add in the database exactly once, integrity_check and
#            audit verify, no error shown and every console alive, the last
#            add on every screen, console RSS and CPU over time, database
#            and -wal size.  Independent of N; 10 minutes by default, so only
#            when named (or with `all`)
#
# Environment:
#   BACKEND=sqlite   sqlite, postgresql or both: where import, queries, board,
#                    writers and the console's propagation (tui, part prop)
#                    run.  postgresql and both start a throwaway PostgreSQL
#                    cluster of their own (initdb in a temporary directory, a
#                    Unix socket there, no TCP; as the postgres account when
#                    run as root), with the durability of a real server: fsync
#                    and synchronous_commit on, full_page_writes on,
#                    shared_buffers PG_SHARED_BUFFERS; stopped and removed on
#                    any exit, Ctrl-C too.  The summary then has a column per
#                    backend.  The other sections have no PostgreSQL version
#                    and run on SQLite whatever BACKEND says (with postgresql,
#                    the console's parts but prop are skipped)
#   PG_SHARED_BUFFERS=256MB
#   PG_IMPORT_LIMIT=600  seconds the timed `log import` into PostgreSQL may
#                    take in all (it is stopped there and reported as not
#                    finished; the fixture does not depend on it: see below)
#   PG_SLOW_MS=1000  the server logs statements slower than this; the summary
#                    lists the slowest (evidence for a slow query)
#   PG_OPTIONAL=0    1: no PostgreSQL server installed is said and BACKEND
#                    falls back to sqlite instead of failing (bench-tiny)
#   ZHISHOU_PG_BIN=DIR  the server's binaries (default: the newest
#                    /usr/lib/postgresql/*/bin)
#   N=1000000        intakes in the big database
#   N_ENTITIES=1000000  entities in the register (egen eimport esearch elocal)
#   BENCH_DIR=DIR    where data and databases go (kept; reused when the same
#                    N was already imported there).  Default: a temporary
#                    directory, removed at the end unless KEEP=1
#   RUNS=20          timed runs per in-process query and per hyperfine command
#   WRITERS=8 ADDS=2000
#   TUI_RUNS=10 TUI_CONSOLES=10 TUI_ADDS=50  first-frame runs per database;
#                    consoles and adds for the propagation figure
#   TUI_PARTS=first,keys,bytes,rss,prop  which console figures
#   TUI_KEYS=100     Space and j presses each while paging (the big database
#                    must hold that many pages); under 100 also the characters
#                    typed into each form field
#   TUI_UPDATES=5    adds measured for the bytes of one new intake
#   RELAY_EVENTS=1000 RELAY_RATE=20 IDLE_SECONDS=60 FEED_ORDERS=10000
#                    relay figures (RELAY_RATE: commits a second);
#   RELAY_PARTS=latency,idle,feed  which of them
#   RELAY_SETTLE=5   seconds a relay runs before its idle window
#   NIGHT="2025-03-15 22:30"  "now" for the board on the gala night
#   LATE="2025-12-31 23:00"   "now" months after the gala
#   IMPORT_CHUNK=200000  rows per file when the CSV is over zhishou's 64 MiB
#                    import limit
#   SPLIT_MB=60      split the CSV when it is larger (0: always, to try it)
#   SOAK_SECONDS=600 SOAK_WRITERS=10 SOAK_CONSOLES=20  the soak
#   SOAK_PREFILL=0   intakes imported into tonight before the soak (issue 12:
#                    45000 and 50 consoles, a night that grows past 50,000)
#   BUILD_DIR=build  the meson build directory (relative: to the source
#                    root); it must hold zhishou, zhishou-relay and tests/bench
#   STRICT=0         1: exit 1 when a section found something wrong (see below)
#   REBUILD=1        0: do not run ninja first (meson test has built it all)
#
# Examples:
#   tests/bench/run.sh                         # everything at 1,000,000
#   N=100000 tests/bench/run.sh import         # a quick import comparison
#   N=100000 BENCH_DIR=/tmp/zb tests/bench/run.sh queries board
#   IDLE_SECONDS=20 tests/bench/run.sh relay    # the relay, a shorter idle
#   SOAK_SECONDS=60 tests/bench/run.sh soak     # a one-minute soak
#   BACKEND=both N=100000 tests/bench/run.sh gen import queries board writers
#                    # both engines side by side (a PostgreSQL cluster of its own)
#   STRICT=1 N=2000 ... tests/bench/run.sh all  # every section, tiny: what
#                    the meson test bench-tiny runs (tests/bench/meson.build)
#
# Benchmarks report: a time over its target is a figure, never a failure.
# The exit status is 1 when a section could not run, and, with STRICT=1,
# when one found something wrong rather than slow (FINDING rows in the
# summary: adds lost or repeated, a broken audit chain, a relay event not
# delivered exactly once, a console not showing what it should, a soak
# finding).  The meson test bench-tiny runs every section once at a tiny
# size with STRICT=1, so that no section rots unnoticed.
# The fixture: after the import the big database is aged with plain SQL so
# it looks like a year later (statuses settled except December, a third of
# the gala night's intakes linked to its exposures); galas, units, roster
# and exposures are added first (galas by SQL: no command makes them).
# On PostgreSQL the fixtures are the same rows: each is copied from the
# aged SQLite database (same ids, statuses and audit chain) with psql's COPY,
# the secondary indexes built after the rows and the status tally computed
# once, then VACUUM ANALYZE (untimed; `zhishou db copy` does the same job
# but fires the status tally's trigger once a row, all in one transaction,
# and that trigger's cost grows with the square of a transaction's rows on
# PostgreSQL: over an hour at a million, extrapolated).  Only the import section's own
# `log import` into PostgreSQL is zhishou writing the rows.

set -u
export LC_ALL=C.UTF-8

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
N=${N:-1000000}
N_ENTITIES=${N_ENTITIES:-1000000}
RUNS=${RUNS:-20}
WRITERS=${WRITERS:-8}
ADDS=${ADDS:-2000}
NIGHT=${NIGHT:-2025-03-15 22:30}
LATE=${LATE:-2025-12-31 23:00}
N_SMALL=1000
IMPORT_DIAG=${IMPORT_DIAG:-1}
TERM3=预制菜
TERM2=酸菜
BACKEND=${BACKEND:-sqlite}
case $BACKEND in
sqlite | postgresql | both) ;;
*) echo "run.sh: BACKEND is sqlite, postgresql or both, not \"$BACKEND\"" >&2; exit 2 ;;
esac
on_sqlite() { [ "$BACKEND" != postgresql ]; }
on_pg() { [ "$BACKEND" != sqlite ]; }

if [ $# -eq 0 ]; then
	set -- gen import queries board rss writers tui relay egen eimport esearch elocal
fi
for s in "$@"; do
	case $s in
	gen | import | queries | board | rss | writers | tui | relay | morning | soak | egen | eimport | esearch | elocal) ;;
	all) set -- gen import queries board rss writers tui relay morning soak egen eimport esearch elocal; break ;;
	-h | --help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown section \"$s\" (gen import queries board rss writers tui relay morning soak egen eimport esearch elocal)" >&2; exit 2 ;;
	esac
done
want() { case " $SECTIONS " in *" $1 "*) return 0 ;; esac; return 1; }
SECTIONS=" $* "

if [ -n "${BENCH_DIR:-}" ]; then
	mkdir -p "$BENCH_DIR" || exit 1
	BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
else
	BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/zhishou-bench.XXXXXX") || exit 1
	if [ "${KEEP:-0}" != 1 ]; then
		RM_BENCH=1
	fi
fi
# On any exit (Ctrl-C and TERM too): the PostgreSQL cluster stopped and
# removed, the temporary data removed.
PGDIR='' PG_OWNER='' PG_UP=0
# as_pg CMD...: as the cluster's owner (postgres when run as root).
as_pg() {
	if [ -n "$PG_OWNER" ]; then
		(cd "$PGDIR" && setpriv --reuid="$(id -u "$PG_OWNER")" --regid="$(id -g "$PG_OWNER")" --init-groups "$@")
	else
		"$@"
	fi
}
# shellcheck disable=SC2317  # run by the EXIT trap
pg_stop() {
	[ -n "$PGDIR" ] || return 0
	if [ "$PG_UP" = 1 ]; then
		as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
		PG_UP=0
	fi
	# The server's log stays with the data (statements over PG_SLOW_MS).
	[ -d "$BENCH_DIR" ] && [ -f "$PGDIR/log" ] && cp "$PGDIR/log" "$BENCH_DIR/postgresql.log" 2>/dev/null
	rm -rf "$PGDIR"
	PGDIR=
}
# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
	pg_stop
	if [ "${RM_BENCH:-0}" = 1 ]; then rm -rf "$BENCH_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
BIN=$BENCH_DIR/bin
mkdir -p "$BIN"
SUMMARY=$BENCH_DIR/summary.tsv
: >"$SUMMARY"

say() { printf '%s\n' "$*"; }
hr() { say ""; say "== $* =="; }
die() { echo "run.sh: $*" >&2; exit 1; }
# finding WHAT: something lost, wrong or not shown (not a time over its
# target): reported in the summary; with STRICT=1 the exit status is 1.
FINDINGS=0
finding() {
	local what=$1
	[ "$BK" = sqlite ] || what="$1 (on $BK)"
	FINDINGS=$((FINDINGS + 1)); summary "FINDING: $what" "" "" "FAILED"; say "run.sh: finding: $what"
}
# helper_status NAME RC: a Python helper's exit status: 1 is a finding, any
# other non-zero status means the benchmark could not run.
helper_status() {
	case $2 in
	0) ;;
	1) finding "$1 reported problems (see above)" ;;
	*) die "$1 failed ($2)" ;;
	esac
}
# summary ROW: what, figure, target, verdict; the backend it was measured on
# (BK: sqlite unless a PostgreSQL part sets it) goes in a fifth column.
BK=sqlite
summary() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$BK" >>"$SUMMARY"; }
now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { r = s > 0 ? n / s : 0; printf "%.0f", r }'; }
# verdict VALUE OP LIMIT: "met" or "MISSED"
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { ok = op == "<" ? v + 0 < l + 0 : v + 0 >= l + 0; r = ok ? "met" : "MISSED"; print r }'; }
# maxrss FILE: "Maximum resident set size" of /usr/bin/time -v, in KiB
maxrss() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

for tool in sqlite3 python3; do
	command -v $tool >/dev/null || die "needs $tool (Debian package $tool)"
done
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian package time)"

# ---------------------------------------------------------------- build
hr "build"
if [ "${REBUILD:-1}" = 1 ]; then
	ninja -C "$BUILD" >"$BENCH_DIR/build.log" 2>&1 || { cat "$BENCH_DIR/build.log"; die "ninja -C $BUILD failed"; }
fi
# A snapshot of the programs: others may rebuild $BUILD while this runs.
# `zhishou relay` runs zhishou-relay from zhishou's own directory.
for prog in zhishou zhishou-relay; do
	cp "$BUILD/$prog" "$BIN/$prog" || die "no $BUILD/$prog"
done
ZS=$BIN/zhishou
# The bench programs are built with the tests (tests/bench/meson.build).
BB=$BUILD/tests/bench
for prog in gen_intakes bench_queries bench_writers bench_relay libtempstore_shim.so gen_entities bench_entity; do
	[ -e "$BB/$prog" ] || die "no $BB/$prog: is $BUILD a meson build directory of this tree?"
	cp "$BB/$prog" "$BIN/" || die "copying $BB/$prog"
done
say "bench programs from $BB"
say "zhishou $("$ZS" --version 2>&1 | head -1); sqlite3 CLI $(sqlite3 --version | cut -d' ' -f1);" \
	"library $(sqlite3 :memory: 'select sqlite_version()'); $(nproc) cores"
say "data in $BENCH_DIR"

CONF=$BENCH_DIR/bench.conf
printf '[general]\ntimezone = Asia/Shanghai\n' >"$CONF"
zs() { "$ZS" --config "$CONF" --db "$@"; }

# ---------------------------------------------------------------- postgresql
# A throwaway cluster for BACKEND=postgresql|both (see the header): like
# tests/pg/pgcluster.py's, but with a real server's durability (fsync,
# synchronous_commit and full_page_writes on), so that the figures mean
# something.  Every database in it is made with the C.UTF-8 locale from
# template0, as zhishou requires.
pg_bindir() {
	local d
	if [ -n "${ZHISHOU_PG_BIN:-}" ]; then
		[ -x "$ZHISHOU_PG_BIN/initdb" ] && echo "$ZHISHOU_PG_BIN"
		return
	fi
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && echo "$d"
	done | sort -t/ -k5,5n | tail -n 1
}
pg_start() {
	PG_BIN=$(pg_bindir)
	if [ -z "$PG_BIN" ] || ! command -v psql >/dev/null; then
		if [ "${PG_OPTIONAL:-0}" = 1 ]; then
			say "no PostgreSQL server installed (Debian package postgresql): BACKEND=$BACKEND falls back to sqlite"
			BACKEND=sqlite
			return 0
		fi
		die "BACKEND=$BACKEND needs a PostgreSQL server and psql (Debian package postgresql; or ZHISHOU_PG_BIN=DIR)"
	fi
	PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/zhishou-bench-pg.XXXXXX") || die "mktemp"
	if [ "$(id -u)" = 0 ]; then
		# The server refuses to run as root.
		PG_OWNER=postgres
		id "$PG_OWNER" >/dev/null 2>&1 || PG_OWNER=nobody
		chown "$PG_OWNER:$(id -g "$PG_OWNER")" "$PGDIR" || die "chown $PGDIR"
	fi
	chmod 700 "$PGDIR"
	as_pg env PATH=/usr/bin:/bin LANG=C.UTF-8 "$PG_BIN/initdb" -D "$PGDIR/data" -U zhishou -A trust -E UTF8 \
		--locale=C.UTF-8 >"$BENCH_DIR/pg-initdb.log" 2>&1 || { cat "$BENCH_DIR/pg-initdb.log"; die "initdb failed"; }
	# fsync, synchronous_commit and full_page_writes are the defaults: said
	# anyway, as the test clusters turn them off.
	local opts="-c listen_addresses='' -c unix_socket_directories='$PGDIR' -c fsync=on -c synchronous_commit=on"
	opts="$opts -c full_page_writes=on -c shared_buffers=${PG_SHARED_BUFFERS:-256MB}"
	opts="$opts -c log_min_duration_statement=${PG_SLOW_MS:-1000} -c log_line_prefix='%m [%p] '"
	as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 120 -o "$opts" start >"$BENCH_DIR/pg-start.log" 2>&1 ||
		{ cat "$BENCH_DIR/pg-start.log" "$PGDIR/log" 2>/dev/null; die "the PostgreSQL server did not start"; }
	PG_UP=1
	say "PostgreSQL $(pg_psql postgres -c 'SHOW server_version') in $PGDIR$([ -n "$PG_OWNER" ] && echo " (as $PG_OWNER)"):" \
		"$(pg_psql postgres -c "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name)
			FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers',
			'max_connections', 'wal_level', 'max_wal_size')")"
}
# pg_psql DB [psql options...]: tuples only, unaligned, stop at an error.
pg_psql() {
	local db=$1
	shift
	PGTZ=UTC PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGDIR" -U zhishou -d "$db" "$@"
}
pg_url() { printf 'postgresql:///%s?host=%s&user=zhishou' "$1" "$PGDIR"; }
pg_createdb() { # NAME: a new empty database (dropped first if there)
	pg_psql postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" \
		-c "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'" || die "creating database $1"
}
is_url() { case $1 in postgresql://* | postgres://*) return 0 ;; esac; return 1; }
url_name() { local n=${1#*:///}; echo "${n%%\?*}"; }
# dbq DB SQL: SQL the two engines both take, on a file or a URL.
dbq() {
	if is_url "$1"; then pg_psql "$(url_name "$1")" -c "$2"; else sqlite3 "$1" "$2"; fi
}
# The server's log from byte OFFSET on (pg_log_size marks a point).
pg_log_size() { stat -c %s "$PGDIR/log" 2>/dev/null || echo 0; }
pg_log_since() { tail -c +"$(($1 + 1))" "$PGDIR/log" 2>/dev/null; }

# The tables `zhishou db copy` copies (src/store/copy.c), parents first.
PG_TABLES="setting unit gala member roster exposure exposure_action exposure_instruction intake saved_draft audit
	outbox delivery relay_lease digest_mark feed_quarantine feed_state handover report_value register_snapshot entity
	exposure_candidate exposure_local opinion opinion_note exposure_report"

# pg_load SQLITE_DB NAME: the SQLite fixture's rows into a new PostgreSQL
# database NAME, in one transaction: the schema by `zhishou init`, its rows
# replaced by the fixture's (triggers off: no tally counted row by row, no
# outbox events; FOREIGN KEYs unchecked, the rows came from a checked
# database), intake's secondary indexes built after its rows, the tally
# counted once, the identity counters past the ids; then VACUUM ANALYZE.
pg_load() {
	local src=$1 name=$2 url t cols n dir=$BENCH_DIR/pgload sql=$BENCH_DIR/pgload.sql t0 t_init t_csv t_copy got want
	url=$(pg_url "$name")
	t0=$(now_ns)
	pg_createdb "$name"
	zs "$url" init >/dev/null || die "init $url failed"
	t_init=$(now_ns)
	rm -rf "$dir"
	mkdir -p "$dir"
	{
		echo "SET session_replication_role = replica;"
		echo "SET maintenance_work_mem = '512MB';"
		for t in $PG_TABLES intake_tally; do echo "DELETE FROM $t;"; done
		pg_psql "$name" -c "SELECT 'DROP INDEX ' || indexname || ';' FROM pg_indexes
			WHERE schemaname = 'public' AND tablename = 'intake' AND indexname NOT IN (SELECT conname FROM pg_constraint)" ||
			die "reading intake's indexes"
		for t in $PG_TABLES; do
			n=$(sqlite3 "$src" "SELECT count(*) FROM $t") || die "counting $t in $src"
			[ "$n" -gt 0 ] || continue
			cols=$(sqlite3 "$src" "SELECT group_concat('\"' || name || '\"', ', ') FROM pragma_table_info('$t')")
			sqlite3 -csv -header "$src" "SELECT $cols FROM $t" >"$dir/$t.csv" || die "exporting $t from $src"
			printf '\\copy %s(%s) FROM '\''%s'\'' WITH (FORMAT csv, HEADER true)\n' "$t" "$cols" "$dir/$t.csv"
		done
		pg_psql "$name" -c "SELECT indexdef || ';' FROM pg_indexes
			WHERE schemaname = 'public' AND tablename = 'intake' AND indexname NOT IN (SELECT conname FROM pg_constraint)"
		echo "INSERT INTO intake_tally(status, n) SELECT status, count(*) FROM intake GROUP BY status;"
		echo "SELECT format('SELECT setval(%L, (SELECT max(%I) FROM %I))', pg_get_serial_sequence(table_name, column_name),"
		echo "              column_name, table_name)"
		echo "  FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES' \\gexec"
	} >"$sql"
	t_csv=$(now_ns)
	pg_psql "$name" -1 -f "$sql" >"$BENCH_DIR/pgload.out" 2>&1 || { cat "$BENCH_DIR/pgload.out"; die "loading $src into $name failed"; }
	t_copy=$(now_ns)
	pg_psql "$name" -c "VACUUM ANALYZE" >/dev/null || die "VACUUM ANALYZE $name"
	pg_psql postgres -c "CHECKPOINT" >/dev/null || die "CHECKPOINT"
	rm -rf "$dir"
	want=$(sqlite3 "$src" "SELECT count(*) FROM intake")
	got=$(pg_psql "$name" -c "SELECT count(*) FROM intake")
	[ "$got" = "$want" ] || die "$name holds $got intakes, $src $want"
	say "  $name: $got intakes copied from $(basename "$src") in $(secs "$t0" "$(now_ns)") s (schema $(secs "$t0" "$t_init")," \
		"CSV out $(secs "$t_init" "$t_csv"), COPY and indexes $(secs "$t_csv" "$t_copy"), VACUUM ANALYZE and CHECKPOINT" \
		"$(secs "$t_copy" "$(now_ns)") s); $(pg_psql "$name" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
}
# pg_slow_report OFFSET WHAT: the statements the server logged as slower
# than PG_SLOW_MS since OFFSET of its log, the slowest first.
pg_slow_report() {
	local out=$BENCH_DIR/pg-slow.txt
	pg_log_since "$1" | grep -E 'duration: [0-9.]+ ms' | grep -v ' ms  plan:' | sed -E 's/^.*duration: ([0-9.]+) ms +/\1\t/' |
		sort -t"$(printf '\t')" -k1,1nr >"$out"
	if [ -s "$out" ]; then
		say "statements over ${PG_SLOW_MS:-1000} ms on the server $2: $(wc -l <"$out"), the slowest (the whole log:" \
			"postgresql.log with the data):"
		head -n 8 "$out" | awk -F'\t' '{ printf "  %.0f ms: %s\n", $1, substr($2, 1, 200) }'
	else
		say "no statement over ${PG_SLOW_MS:-1000} ms on the server $2"
	fi
}
declare -A PG_READY
ensure_pg_fixture() { # N: the aged database on PostgreSQL (zb_N), copied if need be
	local n=$1
	[ -n "${PG_READY[$n]:-}" ] && return 0
	ensure_fixture "$n"
	say "loading the $n-intake fixture into PostgreSQL (untimed; the same rows, see the header)"
	pg_load "$(db_for "$n")" "zb_$n"
	now_check "$(pg_url "zb_$n")"
	PG_READY[$n]=1
}

TUI_PARTS=${TUI_PARTS:-first,keys,bytes,rss,prop}
PG_WANT=0
if on_pg; then
	for s in import queries board writers; do
		if want $s; then PG_WANT=1; fi
	done
	if want tui; then
		case ",$TUI_PARTS," in *,prop,*) PG_WANT=1 ;; esac
	fi
fi
if [ "$PG_WANT" = 1 ]; then
	hr "postgresql"
	pg_start
elif on_pg; then
	say "BACKEND=$BACKEND: none of these sections has a PostgreSQL version (import queries board writers, tui's prop)"
fi

# ---------------------------------------------------------------- data
csv_for() { echo "$BENCH_DIR/intakes-$1.csv"; }
gen_csv() { # N
	local out t0 t1
	out=$(csv_for "$1")
	if [ -s "$out" ]; then return 0; fi
	rm -f "$out".part-*
	t0=$(now_ns)
	"$BIN/gen_intakes" "$1" "$out.tmp" && mv "$out.tmp" "$out" || die "gen_intakes failed"
	t1=$(now_ns)
	say "generated $1 intakes in $(secs "$t0" "$t1") s: $out ($(du -m "$out" | cut -f1) MB)"
}

# The night around the intakes: galas, units and roster, six exposures.
setup_night() { # DB
	local db=$1
	zs "$db" init --test-clock >/dev/null || die "init $db failed"
	if is_url "$db"; then
		# The same instants, computed where unixepoch() is.
		ep() { sqlite3 :memory: "SELECT unixepoch('$1') - 28800"; }
		pg_psql "$(url_name "$db")" -c "INSERT INTO gala(name, starts_at, ends_at) VALUES
			('本地3·15晚会', $(ep '2025-03-14 19:30'), $(ep '2025-03-14 21:00')),
			('央视3·15晚会', $(ep '2025-03-15 20:00'), $(ep '2025-03-15 22:10'));" || die "galas"
	else
		sqlite3 "$db" "INSERT INTO gala(name, starts_at, ends_at) VALUES
			('本地3·15晚会', unixepoch('2025-03-14 19:30') - 28800, unixepoch('2025-03-14 21:00') - 28800),
			('央视3·15晚会', unixepoch('2025-03-15 20:00') - 28800, unixepoch('2025-03-15 22:10') - 28800);" ||
			die "galas"
	fi
	cat >"$BENCH_DIR/roster.csv" <<-'EOF'
	日期,单位,姓名,职务,固定电话,移动电话,开始,结束,带班
	2025-03-15,消费者权益保护科,周明远,科长,022-87654321,13912340001,19:00,23:30,是
	2025-03-15,消费者权益保护科,林晓燕,科员,022-87654322,13912340002,19:00,23:30,
	2025-03-15,执法稽查队,赵志强,队长,022-87654330,13912340003,19:00,23:30,
	2025-03-15,执法稽查队,钱建华,队员,022-87654331,13912340004,19:00,23:30,
	2025-03-15,食品安全科,孙海燕,副科长,022-87654340,13912340005,19:00,23:30,
	2025-03-15,广告监管科,李文博,科员,022-87654350,13912340006,19:00,23:30,
	2025-03-15,12315投诉举报中心,吴佳怡,主任,022-12315000,13912340007,19:00,23:30,
	2025-03-15,城关市场监管所,郑浩然,所长,022-87654360,13912340008,19:00,23:30,
	EOF
	zs "$db" roster import "$BENCH_DIR/roster.csv" >/dev/null || die "roster import failed"
	local t
	while IFS='|' read -r t kw co lead lvl aired; do
		zs "$db" expose add --title "$t" --keywords "$kw" --companies "$co" --lead "$lead" --level "$lvl" \
			--aired "$aired" >/dev/null || die "expose add $t failed"
	done <<-'EOF'
	预付卡商家关门跑路 会员余额难退|预付卡;跑路;退费|云溪星辰健身服务有限公司|消费者权益保护科|2|2025-03-15 20:12
	直播间燕窝以次充好|燕窝;直播|东港嘉禾电子商务有限公司|广告监管科|3|2025-03-15 20:31
	散装熟食过期翻新再售|过期;熟食;翻新|南湖优品超市|食品安全科|2|2025-03-15 20:48
	二手车隐瞒事故车况|二手车;事故车|滨海瑞丰汽车销售服务有限公司|执法稽查队|3|2025-03-15 21:05
	医美机构无证开展注射|医美;注射;无证|北辰佳美美容美发店|执法稽查队|1|2025-03-15 21:22
	外卖后厨卫生脏乱|外卖;后厨;卫生|江城福满楼餐饮管理有限公司|城关市场监管所|4|2025-03-15 21:40
	EOF
}

# Ages a freshly imported database to "a year later" (see the header).
age_fixture() { # DB
	sqlite3 "$1" >/dev/null <<-'EOF' || die "ageing $1 failed"
	BEGIN;
	UPDATE intake SET status = CASE WHEN id % 211 = 0 THEN 'handling' WHEN id % 23 = 0 THEN 'rejected'
	                                ELSE 'closed' END,
	                  handling = 'direct', updated_at = received_at + 3 * 86400
	 WHERE received_at < unixepoch('2025-12-01') - 28800;
	UPDATE intake SET status = CASE id % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'accepted' WHEN 2 THEN 'transferred'
	                                WHEN 3 THEN 'handling' ELSE 'closed' END
	 WHERE received_at >= unixepoch('2025-12-01') - 28800;
	UPDATE intake SET exposure_id = 1 + (id / 3) % 6
	 WHERE received_at >= unixepoch('2025-03-15 20:00') - 28800
	   AND received_at < unixepoch('2025-03-16 08:00') - 28800 AND id % 3 = 0;
	COMMIT;
	ANALYZE;
	PRAGMA wal_checkpoint(TRUNCATE);
	EOF
	true
}

db_for() { echo "$BENCH_DIR/zhishou-$1.db"; }

# The CSV as zhishou can take it: `log import` refuses files over 64 MiB
# (src/util/csvfile.c), so a larger file is split, untimed, into parts of
# IMPORT_CHUNK rows, each with the header (the generator never puts a
# newline inside a field, so lines are records).  Sets PARTS.
split_csv() { # N
	local csv
	csv=$(csv_for "$1")
	if [ "$(stat -c %s "$csv")" -le $((${SPLIT_MB:-60} * 1024 * 1024)) ]; then
		PARTS=$csv
		return
	fi
	local chunk=${IMPORT_CHUNK:-200000}
	if ! ls "$csv".part-* >/dev/null 2>&1; then
		awk -v chunk="$chunk" -v base="$csv.part-" '
			NR == 1 { header = $0; next }
			(NR - 2) % chunk == 0 { if (out) close(out); out = sprintf("%s%03d.csv", base, (NR - 2) / chunk); print header > out }
			{ print > out }' "$csv" || die "splitting $csv"
	fi
	PARTS=$(ls "$csv".part-*.csv)
}

# import_zhishou N DB [LD_PRELOAD]: a fresh night, then the timed import
# (one `zhishou log import` per part).  Sets IMPORT_S, IMPORT_RSS, IMPORT_PARTS.
import_zhishou() {
	local n=$1 db=$2 pre=${3:-} t0 t1 part rc r
	split_csv "$n"
	rm -f "$db" "$db-wal" "$db-shm"
	setup_night "$db"
	sync
	IMPORT_RSS=0 IMPORT_PARTS=0
	: >"$BENCH_DIR/import.out"
	t0=$(now_ns)
	for part in $PARTS; do
		if [ -n "$pre" ]; then
			# Under AddressSanitizer (a -Db_sanitize build) the runtime
			# must come first unless told not to check.
			ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
				LD_PRELOAD=$pre /usr/bin/time -v -o "$BENCH_DIR/import.time" "$ZS" --config "$CONF" --db "$db" \
				log import "$part" >>"$BENCH_DIR/import.out" 2>"$BENCH_DIR/import.err"
		else
			/usr/bin/time -v -o "$BENCH_DIR/import.time" "$ZS" --config "$CONF" --db "$db" \
				log import "$part" >>"$BENCH_DIR/import.out" 2>"$BENCH_DIR/import.err"
		fi
		rc=$?
		[ $rc -eq 0 ] || { cat "$BENCH_DIR/import.err"; die "zhishou log import $part failed ($rc)"; }
		r=$(maxrss "$BENCH_DIR/import.time")
		[ "$r" -gt "$IMPORT_RSS" ] && IMPORT_RSS=$r
		IMPORT_PARTS=$((IMPORT_PARTS + 1))
	done
	t1=$(now_ns)
	IMPORT_S=$(secs "$t0" "$t1")
	local got
	got=$(sqlite3 "$db" "SELECT count(*) FROM intake")
	[ "$got" -eq "$n" ] || die "imported $got intakes, expected $n"
}

# The sections measure the fixtures at NIGHT, LATE and the morning through
# ZHISHOU_NOW, which only a test database (init --test-clock) takes: any
# other ignores it with a note on stderr and would be measured at the real
# "now".  One board at NIGHT must say nothing about it.
now_check() { # DB
	local e
	e=$(ZHISHOU_NOW=$NIGHT "$ZS" --config "$CONF" --db "$1" board 2>&1 >/dev/null) || die "board on $1 failed: $e"
	case $e in
	*ZHISHOU_NOW*) die "$1 does not take ZHISHOU_NOW (made before init --test-clock?); remove $1.ready to rebuild it: $e" ;;
	esac
}

ensure_fixture() { # N: the aged database, imported untimed if need be
	local n=$1 db
	db=$(db_for "$n")
	if ! [ -e "$db.ready" ] || ! [ -e "$db" ]; then
		gen_csv "$n"
		say "building the $n-intake database (import untimed: run the import section for figures)"
		import_zhishou "$n" "$db"
		age_fixture "$db"
		touch "$db.ready"
	fi
	now_check "$db"
}

# ---------------------------------------------------------------- gen
if want gen; then
	hr "gen: $N intakes"
	out=$(csv_for "$N")
	rm -f "$out" "$out".part-*
	gen_csv "$N"
	python3 - "$out" "$TERM3" <<-'EOF'
	import csv, sys
	n = term = refs = uscc = 0; lens = []
	with open(sys.argv[1], newline='', encoding='utf-8') as f:
	    for row in csv.DictReader(f):
	        n += 1; s = row['summary']; lens.append(len(s))
	        term += sys.argv[2] in s; refs += bool(row['ref']); uscc += bool(row['uscc'])
	lens.sort()
	print(f"rows {n}; summary chars min {lens[0]} median {lens[n // 2]} max {lens[-1]}; "
	      f"with ref {refs} ({100 * refs / n:.1f}%), with USCC {uscc} ({100 * uscc / n:.1f}%), "
	      f"'{sys.argv[2]}' in {term} ({100 * term / n:.2f}%)")
	EOF
fi

# ---------------------------------------------------------------- import
if want import && on_sqlite; then
	hr "import: $N intakes"
	gen_csv "$N"
	csv=$(csv_for "$N")
	db=$(db_for "$N")
	rm -f "$db.ready"

	import_zhishou "$N" "$db"
	zs_s=$IMPORT_S zs_rss=$IMPORT_RSS
	zs_rate=$(rate "$N" "$zs_s")
	say "zhishou log import:       $zs_s s  $zs_rate rows/s  (peak RSS $(mib "$zs_rss") MiB)"
	if [ "$IMPORT_PARTS" -gt 1 ]; then
		say "  the CSV is $(du -m "$csv" | cut -f1) MB, over SPLIT_MB=${SPLIT_MB:-60} (log import refuses files over" \
			"64 MiB): imported as $IMPORT_PARTS files of up to ${IMPORT_CHUNK:-200000} rows, one process and transaction each"
	fi
	sed 's/^/  /' "$BENCH_DIR/import.out"
	if on_pg; then
		summary "zhishou log import, $N intakes" "$zs_s s, $zs_rate rows/s" "" ""
	fi

	# The sqlite3 CLI: a table with the CSV's columns, the same external-
	# content FTS5 trigram index and insert trigger, WAL and synchronous
	# NORMAL as zhishou uses.
	cli=$BENCH_DIR/cli-import.db
	rm -f "$cli" "$cli-wal" "$cli-shm"
	sqlite3 "$cli" >/dev/null <<-'EOF' || die "CLI schema"
	PRAGMA journal_mode=WAL;
	CREATE TABLE intake(received_at TEXT, channel TEXT, kind TEXT, caller TEXT, phone TEXT, subject TEXT,
	                    uscc TEXT, category TEXT, summary TEXT, ref TEXT);
	CREATE VIRTUAL TABLE intake_fts USING fts5(subject, summary, ref, content='intake', content_rowid='rowid',
	                                           tokenize='trigram');
	CREATE TRIGGER intake_fts_ins AFTER INSERT ON intake BEGIN
		INSERT INTO intake_fts(rowid, subject, summary, ref) VALUES (NEW.rowid, NEW.subject, NEW.summary, NEW.ref);
	END;
	EOF
	sync
	t0=$(now_ns)
	/usr/bin/time -v -o "$BENCH_DIR/cli.time" sqlite3 -cmd 'PRAGMA synchronous=NORMAL' -cmd '.mode csv' \
		"$cli" ".import --skip 1 '$csv' intake" >"$BENCH_DIR/cli.out" 2>&1 || die "CLI .import failed"
	t1=$(now_ns)
	cli_s=$(secs "$t0" "$t1")
	cli_rate=$(rate "$N" "$cli_s")
	got=$(sqlite3 "$cli" "SELECT count(*) FROM intake")
	say "sqlite3 CLI .import:      $cli_s s  $cli_rate rows/s  (peak RSS $(mib "$(maxrss "$BENCH_DIR/cli.time")") MiB, $got rows)"
	ratio=$(awk -v a="$zs_rate" -v b="$cli_rate" 'BEGIN { r = b > 0 ? a / b : 0; printf "%.2f", r }')
	verdict=$(verdict "$ratio" ">=" 0.7)
	say "ratio zhishou / CLI:      $ratio  (target >= 0.70: $verdict; the CLI's table has only the FTS5 index)"
	summary "log import rows/s (zhishou | CLI .import)" "$zs_rate | $cli_rate" "" "$([ "$IMPORT_PARTS" -gt 1 ] && echo "zhishou: $IMPORT_PARTS files (64 MiB limit)")"
	summary "import ratio zhishou/CLI FTS-only" "$ratio" ">= 0.70" "$verdict"
	summary "log import peak RSS" "$(mib "$zs_rss") MiB" "" ""
	rm -f "$cli" "$cli-wal" "$cli-shm"

	# The CLI loading the whole zhishou schema (9 indexes, tally and FTS
	# triggers, CHECKs) in one INSERT ... SELECT from a TEMP staging table.
	full=$BENCH_DIR/cli-full.db
	rm -f "$full" "$full-wal" "$full-shm"
	zs "$full" init >/dev/null || die "init $full"
	sync
	t0=$(now_ns)
	sqlite3 -cmd 'PRAGMA synchronous=NORMAL' "$full" >"$BENCH_DIR/full.out" 2>&1 <<-EOF || die "CLI full-schema load failed"
	.mode csv
	CREATE TEMP TABLE stage(received_at TEXT, channel TEXT, kind TEXT, caller TEXT, phone TEXT, subject TEXT,
	                        uscc TEXT, category TEXT, summary TEXT, ref TEXT);
	BEGIN IMMEDIATE;
	.import --skip 1 '$csv' stage
	INSERT INTO intake(received_at, channel, kind, caller, phone, subject, uscc, category, summary, ref,
	                   status, created_at, created_by, updated_at)
	SELECT unixepoch(received_at) - 28800, channel, kind, caller, phone, subject, uscc, category, summary, ref,
	       'new', unixepoch(), 'bench', unixepoch() FROM stage;
	COMMIT;
	EOF
	t1=$(now_ns)
	full_s=$(secs "$t0" "$t1")
	full_rate=$(rate "$N" "$full_s")
	say "sqlite3 CLI, full schema: $full_s s  $full_rate rows/s  (zhishou's schema: its indexes, tally and FTS triggers, CHECKs; one INSERT ... SELECT)"
	ratio=$(awk -v a="$zs_rate" -v b="$full_rate" 'BEGIN { r = b > 0 ? a / b : 0; printf "%.2f", r }')
	verdict=$(verdict "$ratio" ">=" 0.7)
	say "ratio zhishou / CLI full: $ratio  (target >= 0.70: $verdict)"
	summary "import ratio zhishou/CLI full schema" "$ratio" ">= 0.70" "$verdict"
	rm -f "$full" "$full-wal" "$full-shm"

	if [ "$IMPORT_DIAG" = 1 ]; then
		say ""
		say "diagnostics (not the target):"
		# zhishou itself, with the statement journal kept in memory.
		import_zhishou "$N" "$BENCH_DIR/shim.db" "$BIN/libtempstore_shim.so"
		say "  zhishou log import + PRAGMA temp_store=MEMORY (LD_PRELOAD shim): $IMPORT_S s  $(rate "$N" "$IMPORT_S") rows/s"
		summary "diag: zhishou import, temp_store=MEMORY" "$(rate "$N" "$IMPORT_S") rows/s" "" ""
		rm -f "$BENCH_DIR/shim.db" "$BENCH_DIR/shim.db-wal" "$BENCH_DIR/shim.db-shm"

		# Where the writes go: one row's statement journal, by file.
		small=$BENCH_DIR/strace.db
		head -n 2001 "$csv" >"$BENCH_DIR/head2000.csv"
		if command -v strace >/dev/null; then
			rm -f "$small" "$small-wal" "$small-shm"
			setup_night "$small"
			strace -f -e trace=openat,pwrite64 -o "$BENCH_DIR/strace.txt" "$ZS" --config "$CONF" --db "$small" \
				log import "$BENCH_DIR/head2000.csv" >/dev/null 2>&1
			awk '
				/openat\(/ && / = [0-9]+$/ { split($0, a, "\""); fd = $NF; name[fd] = a[2] }
				/pwrite64\(/ { split($0, a, /[(,]/); n[a[2]]++ }
				END { for (fd in n) printf "  pwrite64 to %s: %d\n", (fd in name ? name[fd] : "fd " fd), n[fd] }
			' "$BENCH_DIR/strace.txt" | sort -t: -k2 -nr | sed 's/^/  /'
			say "  (2,000 rows imported under strace; etilqs_* is SQLite's temporary statement journal)"
			rm -f "$small" "$small-wal" "$small-shm"
		else
			say "  (no strace: the writes by file are not counted; Debian package strace)"
		fi
	fi

	say ""
	say "ageing the fixture (statuses, exposure links; plain SQL, untimed)"
	t0=$(now_ns)
	age_fixture "$db"
	say "  aged in $(secs "$t0" "$(now_ns)") s; database $(du -m "$db" | cut -f1) MB"
	touch "$db.ready"
fi

# The same files imported by `zhishou log import` into a fresh night on
# PostgreSQL (one process and transaction a file, as above), within
# PG_IMPORT_LIMIT seconds in all: a file still running then is stopped (its
# transaction rolled back) and the import reported as not finished.  The
# statements the server found slow are listed.  This database is dropped
# after: the other sections' fixture is the SQLite one's rows (header).
if want import && on_pg; then
	BK=postgresql
	limit=${PG_IMPORT_LIMIT:-600}
	hr "import on PostgreSQL: $N intakes (at most $limit s)"
	gen_csv "$N"
	split_csv "$N"
	name=zb_import
	url=$(pg_url "$name")
	pg_createdb "$name"
	setup_night "$url"
	pg_psql postgres -c "CHECKPOINT" >/dev/null
	sync
	mark=$(pg_log_size)
	: >"$BENCH_DIR/import-pg.out"
	done_parts=0 nparts=$(echo "$PARTS" | wc -w) finished=1 pg_rss=0
	t0=$(now_ns)
	for part in $PARTS; do
		left=$((limit - ($(now_ns) - t0) / 1000000000))
		if [ "$left" -le 0 ]; then finished=0; break; fi
		tp=$(now_ns)
		/usr/bin/time -v -o "$BENCH_DIR/import.time" timeout "$left" "$ZS" --config "$CONF" --db "$url" \
			log import "$part" >>"$BENCH_DIR/import-pg.out" 2>"$BENCH_DIR/import.err"
		rc=$?
		if [ $rc -eq 124 ]; then
			finished=0
			say "  file $((done_parts + 1)) of $nparts ($(($(wc -l <"$part") - 1)) rows) stopped after $(secs "$tp" "$(now_ns)") s"
			# The server may still be inside the statement: say which, end it.
			pg_psql postgres -c "SELECT '  the server was in it for ' || round(extract(epoch FROM now() - query_start)::numeric, 1)
				|| ' s: ' || left(query, 200) FROM pg_stat_activity
				WHERE datname = '$name' AND state = 'active' AND pid <> pg_backend_pid()"
			pg_psql postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = '$name' AND pid <> pg_backend_pid()" >/dev/null
			break
		fi
		[ $rc -eq 0 ] || { cat "$BENCH_DIR/import.err"; die "zhishou log import $part into PostgreSQL failed ($rc)"; }
		done_parts=$((done_parts + 1))
		r=$(maxrss "$BENCH_DIR/import.time")
		[ "$r" -gt "$pg_rss" ] && pg_rss=$r
		[ "$nparts" -gt 1 ] && say "  file $done_parts of $nparts ($(($(wc -l <"$part") - 1)) rows): $(secs "$tp" "$(now_ns)") s"
	done
	t1=$(now_ns)
	pg_s=$(secs "$t0" "$t1")
	got=$(pg_psql "$name" -c "SELECT count(*) FROM intake")
	sed 's/^/  /' "$BENCH_DIR/import-pg.out"
	if [ "$finished" = 1 ]; then
		[ "$got" -eq "$N" ] || finding "log import into PostgreSQL: $got intakes, expected $N"
		pg_rate=$(rate "$N" "$pg_s")
		say "zhishou log import:       $pg_s s  $pg_rate rows/s  (peak RSS $(mib "$pg_rss") MiB)"
		summary "zhishou log import, $N intakes" "$pg_s s, $pg_rate rows/s" "" ""
	else
		say "zhishou log import:       NOT FINISHED in $limit s: $done_parts of $nparts files, $got intakes committed" \
			"($(rate "$got" "$pg_s") rows/s over the $pg_s s)"
		summary "zhishou log import, $N intakes" "not finished in $limit s ($done_parts of $nparts files, $got rows)" "" "SLOW"
	fi
	# Each file's rows move from the staging table in INSERT ... SELECTs of
	# 20,000 (src/store/intake.c): their times in order, those the server
	# logged (over PG_SLOW_MS), show where an import's time goes.
	batches=$(pg_log_since "$mark" | grep -E 'duration: [0-9.]+ ms +execute [^:]*: INSERT INTO intake\(' |
		sed -E 's/^.*duration: ([0-9.]+) ms.*$/\1/' | awk '{ printf "%s%.1f", (NR > 1 ? " " : ""), $1 / 1000 }')
	[ -n "$batches" ] && say "INSERT INTO intake ... SELECT FROM stage, each batch in order (s): $batches"
	say ""
	pg_slow_report "$mark" "during the import"
	pg_psql postgres -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
	BK=sqlite
fi

# ---------------------------------------------------------------- queries
# queries_run DB TSV: bench_queries on DB (a file or a URL: it opens it
# through the store), its table printed, the summary rows.
queries_run() {
	"$BIN/bench_queries" "$1" --runs "$RUNS" --now "$NIGHT" --late "$LATE" --search "$TERM3" --short "$TERM2" \
		>"$2" || die "bench_queries failed"
	awk -F'\t' 'NR == 1 { printf "%-44s %9s %9s %9s %9s %9s %8s\n", "query", "median", "p95", "min", "max", "first", "rows"; next }
		{ printf "%-44s %9.3f %9.3f %9.3f %9.3f %9.3f %8s\n", $1, $2, $3, $4, $5, $6, $7 }' "$2"
	say "(milliseconds; board rows = intakes counted)"
	local q med p95
	while IFS=$'\t' read -r q med p95 _ _ _ _; do
		case $q in
		"newest page"* | "unresolved page"* | "board counts (gala night)" | "search 3 chars"*)
			v=$(verdict "$med" "<" 10)
			summary "in-process: $q" "median $med ms, p95 $p95 ms" "< 10 ms" "$v" ;;
		"board counts (late"* | "search 2 chars"* | "page mid-year"*)
			summary "in-process: $q" "median $med ms, p95 $p95 ms" "(none)" "" ;;
		esac
	done <"$2"
}

if want queries && on_sqlite; then
	hr "queries in-process at $N intakes (median of $RUNS runs)"
	ensure_fixture "$N"
	db=$(db_for "$N")
	queries_run "$db" "$BENCH_DIR/queries.tsv"

	say ""
	say "data behind them:"
	night_s=$(sqlite3 :memory: "SELECT unixepoch('${NIGHT}') - 28800")
	late_s=$(sqlite3 :memory: "SELECT unixepoch('${LATE}') - 28800")
	gala_s=$(sqlite3 :memory: "SELECT unixepoch('2025-03-15 20:00') - 28800")
	sqlite3 "$db" <<-EOF
	SELECT '  intakes ' || count(*) FROM intake;
	SELECT '  unresolved (tally) ' || sum(n) FROM intake_tally WHERE status IN ('new','accepted','transferred','handling');
	SELECT '  rows counted by the board on the gala night: ' || count(*) FROM intake WHERE received_at >= $gala_s AND received_at < $night_s + 1;
	SELECT '  rows counted by the board at ${LATE}: ' || count(*) FROM intake WHERE received_at >= $gala_s AND received_at < $late_s + 1;
	SELECT '  rows matching "${TERM3}" (FTS): ' || count(*) FROM intake_fts WHERE intake_fts MATCH '"${TERM3}"';
	EOF

	say ""
	say "EXPLAIN QUERY PLAN (the SQL of src/store/intake.c):"
	COLS="i.id, i.received_at, i.channel, i.kind, i.caller, i.phone, i.subject, i.uscc, i.category, i.summary, i.ref, i.handling, i.status, i.notes, i.created_by, i.exposure_id, e.title, i.transfer_unit_id, u.name, i.duplicate_of, i.recovered_fen, i.created_at, i.updated_at"
	JOINS="LEFT JOIN exposure e ON e.id = i.exposure_id LEFT JOIN unit u ON u.id = i.transfer_unit_id"
	eqp() { say "-- $1"; sqlite3 "$db" "EXPLAIN QUERY PLAN $2" | sed 's/^/   /'; }
	eqp "newest page" "SELECT $COLS FROM intake i $JOINS WHERE 1 ORDER BY i.id DESC LIMIT 50"
	eqp "unresolved page" "SELECT $COLS FROM intake i $JOINS WHERE 1 AND i.status IN ('new','accepted','transferred','handling') ORDER BY i.id DESC LIMIT 50"
	eqp "board counts" "SELECT channel, kind, status, exposure_id IS NOT NULL, count(*) FROM intake INDEXED BY intake_board WHERE received_at >= $gala_s AND received_at < $night_s GROUP BY channel, kind, status, exposure_id IS NOT NULL"
	eqp "board: open exposures with linked counts" "SELECT x.id, (SELECT count(*) FROM intake i WHERE i.exposure_id = x.id) FROM exposure x LEFT JOIN unit u ON u.id = x.lead_unit_id WHERE (1 = 0 OR x.status NOT IN ('closed','no-local')) ORDER BY x.level, x.deadline, x.id"
	eqp "search 3 chars" "SELECT $COLS FROM intake_fts f JOIN intake i ON i.id = f.rowid $JOINS WHERE intake_fts MATCH '\"${TERM3}\"' ORDER BY f.rowid DESC LIMIT 50"
	eqp "search 2 chars" "SELECT $COLS FROM intake i $JOINS WHERE 1 AND (i.subject LIKE '%${TERM2}%' ESCAPE '\\' OR i.summary LIKE '%${TERM2}%' ESCAPE '\\' OR i.ref LIKE '%${TERM2}%' ESCAPE '\\') ORDER BY i.id DESC LIMIT 50"
fi

# The same on PostgreSQL: the same fixture's rows, so every query must find
# as many rows as on SQLite (a finding when not).  Then each query once more
# with auto_explain in the session (EXPLAIN ANALYZE of the very SQL the store
# runs, from the server's log).
if want queries && on_pg; then
	BK=postgresql
	hr "queries in-process at $N intakes on PostgreSQL (median of $RUNS runs)"
	ensure_pg_fixture "$N"
	url=$(pg_url "zb_$N")
	mark=$(pg_log_size)
	queries_run "$url" "$BENCH_DIR/queries-pg.tsv"
	if on_sqlite && [ -s "$BENCH_DIR/queries.tsv" ]; then
		awk -F'\t' 'NR == FNR { n[$1] = $7; next }
			FNR > 1 && $1 !~ /^store_open/ && ($1 in n) && n[$1] != $7 { printf "%s\t%s\t%s\n", $1, n[$1], $7 }' \
			"$BENCH_DIR/queries.tsv" "$BENCH_DIR/queries-pg.tsv" >"$BENCH_DIR/queries-diff.tsv"
		if [ -s "$BENCH_DIR/queries-diff.tsv" ]; then
			while IFS=$'\t' read -r q a b; do
				finding "queries: \"$q\" gives $b rows, $a on SQLite"
			done <"$BENCH_DIR/queries-diff.tsv"
		else
			say "every query found as many rows as on SQLite"
		fi
	fi
	say ""
	say "data behind them:"
	night_s=$(sqlite3 :memory: "SELECT unixepoch('${NIGHT}') - 28800")
	late_s=$(sqlite3 :memory: "SELECT unixepoch('${LATE}') - 28800")
	gala_s=$(sqlite3 :memory: "SELECT unixepoch('2025-03-15 20:00') - 28800")
	pg_psql "zb_$N" <<-EOF
	SELECT '  intakes ' || count(*) FROM intake;
	SELECT '  unresolved (tally) ' || sum(n) FROM intake_tally WHERE status IN ('new','accepted','transferred','handling');
	SELECT '  rows counted by the board on the gala night: ' || count(*) FROM intake WHERE received_at >= $gala_s AND received_at < $night_s + 1;
	SELECT '  rows counted by the board at ${LATE}: ' || count(*) FROM intake WHERE received_at >= $gala_s AND received_at < $late_s + 1;
	SELECT '  rows with "${TERM3}" (LIKE): ' || count(*) FROM intake WHERE subject LIKE '%${TERM3}%' OR summary LIKE '%${TERM3}%' OR ref LIKE '%${TERM3}%';
	SELECT '  database ' || pg_size_pretty(pg_database_size(current_database()));
	EOF
	pg_slow_report "$mark" "during the queries"

	say ""
	say "EXPLAIN ANALYZE (auto_explain, one run of each query; the SQL the store sends, its parameters as \$n):"
	mark=$(pg_log_size)
	ae="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0"
	ae="$ae -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on"
	PGOPTIONS=$ae "$BIN/bench_queries" "$url" --runs 1 --now "$NIGHT" --late "$LATE" \
		--search "$TERM3" --short "$TERM2" >/dev/null || die "bench_queries with auto_explain failed"
	pg_log_since "$mark" >"$BENCH_DIR/queries-pg-plans.log"
	# Each query runs twice (first, then the timed run): one plan per
	# statement and plan shape (its constants included), the last run's, of
	# the statements that read intake.
	awk '
		function flush(k) {
			if (inplan && q ~ /intake/) {
				k = q SUBSEP shape
				if (!(k in at)) { at[k] = ++n; text[n] = q }
				plan[at[k]] = cur; dur[at[k]] = d
			}
			inplan = 0; q = ""
		}
		# The column list left out: from the FROM outside parentheses on.
		function short(t, i, c, depth, p) {
			for (i = 1; i <= length(t); i++) {
				c = substr(t, i, 1)
				if (c == "(") depth++
				else if (c == ")") depth--
				else if (depth == 0 && substr(t, i, 6) == " FROM ") { p = i; break }
			}
			if (t ~ /^SELECT / && p > 100) t = "SELECT ..." substr(t, p)
			return substr(t, 1, 700)
		}
		/ LOG: +duration: [0-9.]+ ms +plan:/ {
			flush(); cur = shape = ""; d = $0; sub(/^.*duration: /, "", d); sub(/ ms.*/, "", d); inplan = 1; next
		}
		/^20[0-9][0-9]-/ { flush(); next }
		inplan {
			line = $0; sub(/^\t/, "", line)
			if (line ~ /^Query Text: /) { q = substr(line, 13); next }
			cur = cur "     " line "\n"
			if (line !~ /Buffers:|Rows Removed|Heap Fetches|Hits:|Memory|Sort Method|Worker/) {
				gsub(/\((cost|actual)[^)]*\)/, "", line); shape = shape line
			}
		}
		END { flush(); for (i = 1; i <= n; i++) printf "-- %s ms: %s\n%s", dur[i], short(text[i]), plan[i] }
	' "$BENCH_DIR/queries-pg-plans.log"
	BK=sqlite
fi

# ---------------------------------------------------------------- board
# hyperfine_median LABEL ENV... -- CMD...: prints the median in ms
proc_median() {
	local json=$BENCH_DIR/hf.json
	if command -v hyperfine >/dev/null; then
		hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$json" "$1" >/dev/null 2>&1 || return 1
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f %.1f" % (r["median"]*1e3, r["min"]*1e3, r["max"]*1e3))' "$json"
	else
		python3 - "$RUNS" "$1" <<-'EOF'
		import shlex, statistics, subprocess, sys, time
		runs, cmd = int(sys.argv[1]), shlex.split(sys.argv[2])
		for _ in range(3):
		    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
		t = []
		for _ in range(runs):
		    t0 = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
		    t.append((time.perf_counter() - t0) * 1e3)
		print("%.1f %.1f %.1f" % (statistics.median(t), min(t), max(t)))
		EOF
	fi
}

if want board; then
	hr "zhishou board as a whole process (median of $RUNS runs, $(command -v hyperfine >/dev/null && echo hyperfine -N || echo python loop))"
	bline() { # label now-or-empty db [args]: empty now = the real clock
		local label=$1 nowv=$2 d=$3 r
		shift 3
		if [ -n "$nowv" ]; then
			r=$(ZHISHOU_NOW=$nowv proc_median "$ZS --config $CONF --db $d $*") || die "timing $label failed"
		else
			r=$(unset ZHISHOU_NOW; proc_median "$ZS --config $CONF --db $d $*") || die "timing $label failed"
		fi
		set -- $r
		printf '%-52s %10s %10s %10s\n' "$label" "$1" "$2" "$3"
		BOARD_MED=$1
	}
	board_runs() { # DB SMALL_DB: files or URLs
		local db=$1 sdb=$2
		bline "board, $N_SMALL intakes, gala night" "$NIGHT" "$sdb" board
		bline "board, $N intakes, gala night ($NIGHT)" "$NIGHT" "$db" board
		v=$(verdict "$BOARD_MED" "<" 50)
		summary "zhishou board process, $N, gala night" "median $BOARD_MED ms" "< 50 ms" "$v"
		bline "board, $N intakes, late ($LATE)" "$LATE" "$db" board
		summary "zhishou board process, $N, $LATE" "median $BOARD_MED ms" "(none)" ""
		bline "board, $N intakes, real clock (today)" "" "$db" board
		summary "zhishou board process, $N, real clock" "median $BOARD_MED ms" "(none)" ""
		bline "log list, $N intakes" "$NIGHT" "$db" log list
		summary "zhishou log list process, $N" "median $BOARD_MED ms" "(none)" ""
	}
	if on_sqlite; then
		ensure_fixture "$N"
		ensure_fixture "$N_SMALL"
		db=$(db_for "$N")
		sdb=$(db_for "$N_SMALL")
		printf '%-52s %10s %10s %10s\n' "command" "median ms" "min" "max"
		bline "zhishou --version (process floor, no database)" "" "$db" --version
		board_runs "$db" "$sdb"
	fi
	if on_pg; then
		BK=postgresql
		ensure_pg_fixture "$N"
		ensure_pg_fixture "$N_SMALL"
		say "on PostgreSQL (each process connects through the Unix socket):"
		printf '%-52s %10s %10s %10s\n' "command" "median ms" "min" "max"
		on_sqlite || bline "zhishou --version (process floor, no database)" "" "$(pg_url "zb_$N")" --version
		mark=$(pg_log_size)
		board_runs "$(pg_url "zb_$N")" "$(pg_url "zb_$N_SMALL")"
		pg_slow_report "$mark" "during the board runs"
		BK=sqlite
	fi
fi

# ---------------------------------------------------------------- rss
if want rss; then
	hr "peak RSS (/usr/bin/time -v, largest of 3 runs)"
	ensure_fixture "$N_SMALL"
	ensure_fixture "$N"
	printf '%-40s %14s %14s\n' "command" "$N_SMALL intakes" "$N intakes"
	rss_of() { # db args...
		local d=$1 best=0 k r
		shift
		for k in 1 2 3; do
			ZHISHOU_NOW=$NIGHT /usr/bin/time -v -o "$BENCH_DIR/rss.time" "$ZS" --config "$CONF" --db "$d" "$@" \
				>/dev/null 2>"$BENCH_DIR/rss.err" || { cat "$BENCH_DIR/rss.err" >&2; die "$* failed"; }
			r=$(maxrss "$BENCH_DIR/rss.time")
			[ "$r" -gt "$best" ] && best=$r
		done
		echo "$best"
	}
	for cmd in "board" "log list" "log list --unresolved" "log list --search $TERM3"; do
		# shellcheck disable=SC2086
		a=$(rss_of "$(db_for "$N_SMALL")" $cmd)
		# shellcheck disable=SC2086
		b=$(rss_of "$(db_for "$N")" $cmd)
		printf '%-40s %10s MiB %10s MiB\n' "$cmd" "$(mib "$a")" "$(mib "$b")"
		case $cmd in
		board | "log list")
			v=$(awk -v a="$a" -v b="$b" 'BEGIN { ok = b < 16384 && b - a < 2048; r = ok ? "met" : "MISSED"; print r }')
			summary "peak RSS $cmd ($N_SMALL | $N)" "$(mib "$a") | $(mib "$b") MiB" "< 16 MiB, about equal" "$v" ;;
		esac
	done
	say "(about equal: within 2 MiB)"
fi

# ---------------------------------------------------------------- morning
if want morning; then
	hr "the morning: review, report, export (median of $RUNS runs; peak RSS of the largest)"
	ensure_fixture "$N_SMALL"
	ensure_fixture "$N"
	MORNING=${MORNING:-$(date -d "$NIGHT 1 day" '+%Y-%m-%d 07:50' 2>/dev/null || echo "$NIGHT")}
	time_of() { # db args... -> "median_ms max_rss_kib"
		local d=$1 k t best=0 r
		shift
		: >"$BENCH_DIR/morning.times"
		for k in $(seq "$RUNS"); do
			ZHISHOU_NOW=$MORNING /usr/bin/time -f '%e %M' -o "$BENCH_DIR/morning.time" "$ZS" --config "$CONF" \
				--db "$d" "$@" >/dev/null 2>"$BENCH_DIR/morning.err" || { cat "$BENCH_DIR/morning.err" >&2; die "$* failed"; }
			read -r t r <"$BENCH_DIR/morning.time"
			echo "$t" >>"$BENCH_DIR/morning.times"
			[ "$r" -gt "$best" ] && best=$r
		done
		echo "$(sort -n "$BENCH_DIR/morning.times" | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] * 1000 }') $best"
	}
	printf '%-44s %22s %22s\n' "command (now $MORNING)" "$N_SMALL intakes" "$N intakes"
	out=$BENCH_DIR/morning-out
	mkdir -p "$out"
	for cmd in "review" "review --format json" "report --format xlsx -o $out/report.xlsx" \
		"log export --format xlsx -o $out/night.xlsx"; do
		# shellcheck disable=SC2086
		read -r ta ra <<<"$(time_of "$(db_for "$N_SMALL")" $cmd)"
		# shellcheck disable=SC2086
		read -r tb rb <<<"$(time_of "$(db_for "$N")" $cmd)"
		printf '%-44s %10s ms %7s MiB %10s ms %7s MiB\n' "${cmd%% -o *}" "$ta" "$(mib "$ra")" "$tb" "$(mib "$rb")"
		summary "${cmd%% -o *} ($N_SMALL | $N)" "$ta | $tb ms, $(mib "$ra") | $(mib "$rb") MiB" \
			"$([ "${cmd%% *}" = report ] && echo '< 300 ms' || echo '-')" \
			"$([ "${cmd%% *}" = report ] && { [ "$tb" -lt 300 ] && echo met || echo MISSED; } || echo '')"
	done
	n_open=$(ZHISHOU_NOW=$MORNING "$ZS" --config "$CONF" --db "$(db_for "$N")" review --format json |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["counts"]["intakes"], d["counts"]["exposures"])')
	say "open at $N intakes (intakes, exposures): $n_open"
fi

# ---------------------------------------------------------------- writers
# writers_run DB: bench_writers against DB (a file or a URL, made by
# `zhishou init`), the counts and the chain checked.
writers_run() {
	local wdb=$1 k v
	rm -rf "$BENCH_DIR/writers-err"
	mkdir -p "$BENCH_DIR/writers-err"
	# The adds read the real clock.
	(unset ZHISHOU_NOW; "$BIN/bench_writers" "$ZS" "$wdb" "$WRITERS" "$ADDS" "$BENCH_DIR/writers-err" "$CONF") \
		>"$BENCH_DIR/writers.tsv" || die "bench_writers failed"
	declare -A W
	while IFS=$'\t' read -r k v; do W[$k]=$v; done <"$BENCH_DIR/writers.tsv"
	total=$((WRITERS * ADDS))
	intakes=$(dbq "$wdb" "SELECT count(*) FROM intake")
	creates=$(dbq "$wdb" "SELECT count(*) FROM audit WHERE entity = 'intake' AND action = 'create'")
	audits=$(dbq "$wdb" "SELECT count(*) FROM audit")
	tally=$(dbq "$wdb" "SELECT coalesce(sum(n), 0) FROM intake_tally")
	verify=$(zs "$wdb" audit verify 2>&1)
	vrc=$?
	say "total time            ${W[total_s]} s  (${W[adds_per_s]} adds/s)"
	say "one add, latency      p50 ${W[lat_p50_ms]} ms  p90 ${W[lat_p90_ms]} ms  p99 ${W[lat_p99_ms]} ms  (min ${W[lat_min_ms]}, max ${W[lat_max_ms]})"
	say "failed adds           ${W[failed]};  bytes on stderr ${W[stderr_bytes]}"
	say "intakes               $intakes (expected $total)"
	say "audit 'create' rows   $creates (expected $total); all audit rows $audits; tally $tally"
	say "audit verify          exit $vrc: $(echo "$verify" | head -1)"
	if [ "${W[stderr_bytes]}" -gt 0 ]; then
		say "what the adds said on stderr (the first lines; all in writers-err/):"
		cat "$BENCH_DIR"/writers-err/*.err | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/  /'
	fi
	ok=MISSED
	if [ "$intakes" -eq "$total" ] && [ "$creates" -eq "$total" ] && [ "${W[failed]}" -eq 0 ] &&
		[ "${W[stderr_bytes]}" -eq 0 ] && [ $vrc -eq 0 ]; then ok=met; fi
	summary "writers ${WRITERS}x$ADDS: total time" "${W[total_s]} s (${W[adds_per_s]} adds/s)" "" ""
	summary "writers: one add p50 / p99" "${W[lat_p50_ms]} / ${W[lat_p99_ms]} ms" "" ""
	summary "writers: counts, no errors, chain" "$intakes intakes, $creates creates, ${W[failed]} failed, ${W[stderr_bytes]} B stderr, verify $vrc" "exactly $total, none" "$ok"
	[ $ok = met ] || finding "writers: lost, repeated or failed adds, or a broken audit chain"
}

if want writers && on_sqlite; then
	hr "concurrent writers: $WRITERS processes x $ADDS log add"
	wdb=$BENCH_DIR/writers.db
	rm -f "$wdb" "$wdb-wal" "$wdb-shm"
	zs "$wdb" init >/dev/null || die "init $wdb"
	writers_run "$wdb"
fi

if want writers && on_pg; then
	BK=postgresql
	hr "concurrent writers on PostgreSQL: $WRITERS processes x $ADDS log add (each its own connection)"
	pg_createdb zb_writers
	wdb=$(pg_url zb_writers)
	zs "$wdb" init >/dev/null || die "init $wdb"
	mark=$(pg_log_size)
	writers_run "$wdb"
	pg_slow_report "$mark" "during the adds"
	pg_psql postgres -c "DROP DATABASE zb_writers WITH (FORCE)" >/dev/null
	BK=sqlite
fi

# ---------------------------------------------------------------- tui
# The console on pseudo-terminals this script's Python owns (no tmux): a
# terminal emulator (pyte) decides when the expected picture is on screen.
# Runs on copies of the fixtures: it adds intakes with `zhishou log add`.
if want tui; then
	hr "console (tests/bench/tui_bench.py): 160x48 unless said, TERM=xterm-256color, now $NIGHT"
	TUI_PY=/usr/bin/python3   # python3-pyte is a Debian package: the system Python
	if ! "$TUI_PY" -c 'import pyte' 2>/dev/null; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			say "installing python3-pyte with apt-get"
			{ apt-get install -y python3-pyte || { apt-get update && apt-get install -y python3-pyte; }; } \
				>"$BENCH_DIR/apt.log" 2>&1
		fi
		"$TUI_PY" -c 'import pyte' 2>/dev/null || die "the tui section needs python3-pyte (apt-get install python3-pyte)"
	fi
fi
if want tui && on_sqlite; then
	ensure_fixture "$N_SMALL"
	ensure_fixture "$N"
	for n in "$N_SMALL" "$N"; do
		src=$(db_for "$n")
		dst=$BENCH_DIR/tui-$n.db
		sqlite3 "$src" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null || die "checkpoint $src"
		rm -f "$dst" "$dst-wal" "$dst-shm"
		cp --reflink=auto "$src" "$dst" || die "copying $src"
	done
	sync   # the copies' writeback must not run during the measurements
	say "load: $(cut -d' ' -f1-3 /proc/loadavg) (the figures are wall-clock times on $(nproc) cores)"
	"$TUI_PY" "$ROOT/tests/bench/tui_bench.py" --bin "$ZS" --config "$CONF" --now "$NIGHT" \
		--db-big "$BENCH_DIR/tui-$N.db" --db-small "$BENCH_DIR/tui-$N_SMALL.db" --big-label "$N" --small-label "$N_SMALL" \
		--runs "${TUI_RUNS:-10}" --consoles "${TUI_CONSOLES:-10}" --adds "${TUI_ADDS:-50}" \
		--sections "$TUI_PARTS" --keys "${TUI_KEYS:-100}" --updates "${TUI_UPDATES:-5}" \
		--summary "$SUMMARY" --out "$BENCH_DIR"
	helper_status tui_bench.py $?
	say "(every sample: $BENCH_DIR/tui-samples.tsv; raw bytes of one update and of Ctrl-L: tui-*.raw, cat -v)"
	for n in "$N_SMALL" "$N"; do
		rm -f "$BENCH_DIR/tui-$n.db" "$BENCH_DIR/tui-$n.db-wal" "$BENCH_DIR/tui-$n.db-shm"
	done
fi
# Propagation on PostgreSQL: a copy of the big fixture (CREATE DATABASE
# from it as a template); the consoles learn of a commit by LISTEN/NOTIFY.
if want tui && on_pg; then
	case ",$TUI_PARTS," in
	*,prop,*)
		BK=postgresql
		hr "console on PostgreSQL (tests/bench/tui_bench.py, part prop): now $NIGHT"
		ensure_pg_fixture "$N"
		pg_psql postgres -c "DROP DATABASE IF EXISTS zb_tui WITH (FORCE)" -c "CREATE DATABASE zb_tui TEMPLATE zb_$N" ||
			die "copying zb_$N"
		pg_psql zb_tui -c "CHECKPOINT" >/dev/null
		sync
		mkdir -p "$BENCH_DIR/pg"
		: >"$BENCH_DIR/pg/tui-summary.tsv"
		mark=$(pg_log_size)
		say "load: $(cut -d' ' -f1-3 /proc/loadavg) (the figures are wall-clock times on $(nproc) cores)"
		"$TUI_PY" "$ROOT/tests/bench/tui_bench.py" --bin "$ZS" --config "$CONF" --now "$NIGHT" \
			--db-big "$(pg_url zb_tui)" --db-small "$(pg_url zb_tui)" --big-label "$N" --small-label "$N" \
			--consoles "${TUI_CONSOLES:-10}" --adds "${TUI_ADDS:-50}" --sections prop \
			--summary "$BENCH_DIR/pg/tui-summary.tsv" --out "$BENCH_DIR/pg"
		rc=$?
		awk '{ print $0 "\tpostgresql" }' "$BENCH_DIR/pg/tui-summary.tsv" >>"$SUMMARY"
		helper_status tui_bench.py $rc
		say "(every sample: $BENCH_DIR/pg/tui-samples.tsv)"
		pg_slow_report "$mark" "while the consoles ran"
		pg_psql postgres -c "DROP DATABASE zb_tui WITH (FORCE)" >/dev/null
		BK=sqlite
		;;
	esac
fi

# ---------------------------------------------------------------- relay
# The relay against a robot and a feed on 127.0.0.1 (tests/bench/relay_bench.py
# serves both and runs everything); real clock, databases of its own.
if want relay; then
	hr "relay (tests/bench/relay_bench.py): ${RELAY_EVENTS:-1000} events at ${RELAY_RATE:-20}/s, idle ${IDLE_SECONDS:-60} s," \
		"${FEED_ORDERS:-10000} feed orders"
	say "load: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores; latencies are wall-clock)"
	(unset ZHISHOU_NOW; python3 "$ROOT/tests/bench/relay_bench.py" --bin "$ZS" --driver "$BIN/bench_relay" \
		--out "$BENCH_DIR/relay" --events "${RELAY_EVENTS:-1000}" --rate "${RELAY_RATE:-20}" \
		--idle-seconds "${IDLE_SECONDS:-60}" --idle-loaded --feed-orders "${FEED_ORDERS:-10000}" --page-size 500 \
		--parts "${RELAY_PARTS:-latency,idle,feed}" --settle "${RELAY_SETTLE:-5}" --summary "$SUMMARY")
	helper_status relay_bench.py $?
	say "(every latency sample: $BENCH_DIR/relay/relay-latency.tsv; the relays' stderr: relay/relay-*.err)"
fi

# ---------------------------------------------------------------- soak
# Writers and consoles together for minutes (tests/bench/soak.py runs it all);
# a database of its own, the demo night's clock.  soak.py exits 1 when
# something was lost or an error was shown: a finding, reported, not a
# failure of this script.
if want soak; then
	SOAK_SECONDS=${SOAK_SECONDS:-600} SOAK_WRITERS=${SOAK_WRITERS:-10} SOAK_CONSOLES=${SOAK_CONSOLES:-20}
	hr "soak (tests/bench/soak.py): $SOAK_WRITERS writers and $SOAK_CONSOLES consoles for $SOAK_SECONDS s"
	/usr/bin/python3 -c 'import pyte' 2>/dev/null ||
		die "the soak section needs python3-pyte for /usr/bin/python3 (apt-get install python3-pyte)"
	say "load: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores; latencies are wall-clock)"
	(unset ZHISHOU_NOW; /usr/bin/python3 "$ROOT/tests/bench/soak.py" --bin "$ZS" --config "$CONF" \
		--out "$BENCH_DIR/soak" --seconds "$SOAK_SECONDS" --writers "$SOAK_WRITERS" --consoles "$SOAK_CONSOLES" \
		--prefill "${SOAK_PREFILL:-0}" --summary "$SUMMARY")
	helper_status soak.py $?
	say "(every 10 s sample: $BENCH_DIR/soak/soak-samples.tsv; every add: soak/soak-writer-*.tsv)"
fi

# ---------------------------------------------------------------- register
# The district's market-entity register (issue 13): its own CSV and
# database, independent of the intakes' N.
ecsv_for() { echo "$BENCH_DIR/entities-$1.csv"; }
edb_for() { echo "$BENCH_DIR/register-$1.db"; }
egen_csv() { # N
	local out t0 t1
	out=$(ecsv_for "$1")
	[ -s "$out" ] && return 0
	t0=$(now_ns)
	"$BIN/gen_entities" "$1" "$out.tmp" && mv "$out.tmp" "$out" || die "gen_entities failed"
	t1=$(now_ns)
	say "generated $1 entities in $(secs "$t0" "$t1") s: $out ($(du -m "$out" | cut -f1) MB)"
}
# The register's night: the roster makes 城关市场监管所, one of the stations
# the generator writes (the others stay text, as a real export's often do).
EAS_OF=2025-03-01
esetup() { # DB
	rm -f "$1" "$1-wal" "$1-shm" "$1.ready"
	zs "$1" init --test-clock >/dev/null || die "init $1 failed"
	printf '日期,单位,姓名,职务,固定电话,移动电话,开始,结束,带班\n2025-03-15,城关市场监管所,郑浩然,所长,022-87654360,13912340008,19:00,23:30,是\n' \
		>"$BENCH_DIR/eroster.csv"
	zs "$1" roster import "$BENCH_DIR/eroster.csv" >/dev/null || die "roster import into $1 failed"
}
# eimport_zhishou N DB: the timed import.  Sets EIMPORT_S, EIMPORT_RSS.
eimport_zhishou() {
	local t0 t1 got
	esetup "$2"
	sync
	t0=$(now_ns)
	/usr/bin/time -v -o "$BENCH_DIR/eimport.time" "$ZS" --config "$CONF" --db "$2" entity import "$(ecsv_for "$1")" \
		--as-of "$EAS_OF" >"$BENCH_DIR/eimport.out" 2>"$BENCH_DIR/eimport.err" ||
		{ cat "$BENCH_DIR/eimport.err"; die "zhishou entity import failed"; }
	t1=$(now_ns)
	EIMPORT_S=$(secs "$t0" "$t1")
	EIMPORT_RSS=$(maxrss "$BENCH_DIR/eimport.time")
	got=$(sqlite3 "$2" "SELECT count(*) FROM entity")
	[ "$got" -eq "$1" ] || die "imported $got entities, expected $1"
	touch "$2.ready"
}
ensure_register() { # N: the register's database, imported untimed if need be
	local db
	db=$(edb_for "$1")
	if ! [ -e "$db.ready" ] || ! [ -e "$db" ]; then
		egen_csv "$1"
		say "building the $1-entity register (import untimed: run the eimport section for figures)"
		eimport_zhishou "$1" "$db"
	fi
}

if want egen; then
	hr "egen: $N_ENTITIES entities"
	out=$(ecsv_for "$N_ENTITIES")
	rm -f "$out"
	egen_csv "$N_ENTITIES"
	python3 - "$out" <<-'EOF'
	import csv, sys
	n = active = kw = co = 0
	with open(sys.argv[1], newline='', encoding='utf-8') as f:
	    for row in csv.DictReader(f):
	        n += 1; active += row['登记状态'] in ('存续', '在业')
	        kw += '酸菜' in row['名称'] or '酸菜' in row['经营范围']
	        co += row['名称'].startswith('天津瑞禾餐饮管理有限公司')
	print(f"rows {n}; active {active} ({100 * active / n:.1f}%); 酸菜 in name or scope {kw}; "
	      f"天津瑞禾餐饮管理有限公司 and its branches {co}")
	EOF
fi

if want eimport; then
	hr "eimport: $N_ENTITIES entities"
	egen_csv "$N_ENTITIES"
	csv=$(ecsv_for "$N_ENTITIES")
	db=$(edb_for "$N_ENTITIES")
	eimport_zhishou "$N_ENTITIES" "$db"
	zs_rate=$(rate "$N_ENTITIES" "$EIMPORT_S")
	say "zhishou entity import:    $EIMPORT_S s  $zs_rate rows/s  (peak RSS $(mib "$EIMPORT_RSS") MiB)"
	sed 's/^/  /' "$BENCH_DIR/eimport.out"

	# The sqlite3 CLI: entity as zhishou's schema has it (its CREATE TABLE
	# read from the database just imported) with its unique code index,
	# .import into a staging table, the rows copied, then the name and unit
	# indexes and 006's trigram index built once: what zhishou does, with
	# the built-in text index.  WAL and synchronous NORMAL as zhishou uses.
	cli=$BENCH_DIR/cli-register.db
	rm -f "$cli" "$cli-wal" "$cli-shm"
	{
		echo "PRAGMA journal_mode=WAL;"
		sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE name IN ('unit', 'entity', 'entity_uscc') ORDER BY name = 'entity_uscc'"
	} | sqlite3 "$cli" >/dev/null || die "CLI register schema"
	cat >"$BENCH_DIR/cli-register.sql" <<-EOF
	PRAGMA synchronous=NORMAL;
	BEGIN;
	CREATE TEMP TABLE staging(uscc, name, type, person, address, authority, unit_text, founded, state, scope, former_names);
	.import --csv --skip 1 '$csv' staging
	INSERT INTO entity(uscc, name, former_names, type, person, address, authority, unit_id, unit_text, founded, state, scope)
	  SELECT s.uscc, s.name, s.former_names, s.type, s.person, s.address, s.authority, u.id, s.unit_text, s.founded, s.state, s.scope
	  FROM staging s LEFT JOIN unit u ON u.name = s.unit_text;
	CREATE INDEX entity_name ON entity(name);
	CREATE INDEX entity_unit ON entity(unit_id);
	CREATE VIRTUAL TABLE entity_fts USING fts5(name, former_names, person, address, scope,
	  content='entity', content_rowid='id', tokenize='trigram');
	INSERT INTO entity_fts(entity_fts) VALUES ('rebuild');
	COMMIT;
	EOF
	sync
	t0=$(now_ns)
	/usr/bin/time -v -o "$BENCH_DIR/cli.time" sqlite3 "$cli" <"$BENCH_DIR/cli-register.sql" >"$BENCH_DIR/cli.out" 2>&1 ||
		{ cat "$BENCH_DIR/cli.out"; die "CLI register load failed"; }
	t1=$(now_ns)
	cli_s=$(secs "$t0" "$t1")
	cli_rate=$(rate "$N_ENTITIES" "$cli_s")
	got=$(sqlite3 "$cli" "SELECT count(*) FROM entity")
	[ "$got" -eq "$N_ENTITIES" ] || die "the CLI loaded $got entities, expected $N_ENTITIES"
	say "sqlite3 CLI load:         $cli_s s  $cli_rate rows/s  (peak RSS $(mib "$(maxrss "$BENCH_DIR/cli.time")") MiB, $got rows)"
	ratio=$(awk -v a="$zs_rate" -v b="$cli_rate" 'BEGIN { r = b > 0 ? a / b : 0; printf "%.2f", r }')
	v=$(verdict "$ratio" ">=" 0.7)
	say "ratio zhishou / CLI:      $ratio  (target >= 0.70: $v)"
	say "sizes: zhishou $(du -m "$db" | cut -f1) MB (entity_gram), CLI $(du -m "$cli" | cut -f1) MB (trigram)"
	summary "entity import rows/s (zhishou | CLI)" "$zs_rate | $cli_rate" "" ""
	summary "entity import ratio zhishou/CLI" "$ratio" ">= 0.70" "$v"
	summary "entity import peak RSS" "$(mib "$EIMPORT_RSS") MiB" "" ""
	rm -f "$cli" "$cli-wal" "$cli-shm"
fi

# What esearch looks for: planted or common in gen_entities' names.
ESEARCH=(
	"name 2 chars (瑞禾)" "瑞禾"
	"name 2 chars, common (餐饮)" "餐饮"
	"name 4 chars (瑞禾餐饮)" "瑞禾餐饮"
	"USCC prefix (91120101MA00)" "91120101MA00"
	"scope word (酸菜制品)" "--scope 酸菜制品"
	"scope word, common (餐饮服务)" "--scope 餐饮服务"
)
if want esearch; then
	hr "esearch: entity search at $N_ENTITIES entities (median of $RUNS runs, 50 rows as entity search shows)"
	ensure_register "$N_ENTITIES"
	db=$(edb_for "$N_ENTITIES")
	args=()
	for ((k = 0; k < ${#ESEARCH[@]}; k += 2)); do
		case ${ESEARCH[k + 1]} in
		--scope\ *) args+=(search "${ESEARCH[k]}" "" --scope "${ESEARCH[k + 1]#--scope }") ;;
		*) args+=(search "${ESEARCH[k]}" "${ESEARCH[k + 1]}") ;;
		esac
	done
	"$BIN/bench_entity" "$db" --runs "$RUNS" "${args[@]}" >"$BENCH_DIR/esearch.tsv" || die "bench_entity failed"
	awk -F'\t' 'NR == 1 { printf "%-44s %9s %9s %9s %9s %9s %8s\n", "entity_search in-process", "median", "p95", "min", "max", "first", "rows"; next }
		{ printf "%-44s %9.3f %9.3f %9.3f %9.3f %9.3f %8s\n", $1, $2, $3, $4, $5, $6, $7 }' "$BENCH_DIR/esearch.tsv"
	while IFS=$'\t' read -r q med p95 _ _ _ rows; do
		[ "$q" = query ] && continue
		[ "$rows" -gt 0 ] || finding "entity search $q found nothing"
		summary "in-process entity_search: $q" "median $med ms, p95 $p95 ms" "< 20 ms" "$(verdict "$med" "<" 20)"
	done <"$BENCH_DIR/esearch.tsv"
	say ""
	say "as whole processes (zhishou entity search ..., median of $RUNS runs, $(command -v hyperfine >/dev/null && echo hyperfine -N || echo python loop)):"
	for ((k = 0; k < ${#ESEARCH[@]}; k += 2)); do
		r=$(proc_median "$ZS --config $CONF --db $db entity search ${ESEARCH[k + 1]}") || die "timing entity search ${ESEARCH[k + 1]} failed"
		set -- $r
		printf '  %-44s median %7s ms  min %7s  max %7s\n' "${ESEARCH[k]}" "$1" "$2" "$3"
		summary "zhishou entity search process: ${ESEARCH[k]}" "median $1 ms" "(none)" ""
	done
fi

if want elocal; then
	hr "elocal: expose local at $N_ENTITIES entities (median of $RUNS runs)"
	ensure_register "$N_ENTITIES"
	db=$(edb_for "$N_ENTITIES")
	# The company has branches (…分公司) and a former name's holder; the
	# keyword is in restaurants' names and in shops' 经营范围.  Recording it
	# matches (entity_local_find) and keeps the candidates on the exposure;
	# `expose local ID` then lists those kept.
	sqlite3 "$db" "DELETE FROM exposure_candidate; DELETE FROM exposure_local; DELETE FROM exposure" || die "clearing exposures"
	adds=()
	for ((k = 1; k <= (RUNS < 5 ? RUNS : 5); k++)); do
		t0=$(now_ns)
		eid=$(zs "$db" expose add --title "老坛酸菜包 土坑腌制 $k" --keywords "酸菜" --companies "天津瑞禾餐饮管理有限公司" \
			--aired "2025-03-15 20:12" | awk 'NR == 1 { print $1 }') || die "expose add failed"
		t1=$(now_ns)
		adds+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')")
	done
	add_med=$(printf '%s\n' "${adds[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
	say "zhishou expose add (records the exposure and matches the register), as a process: median $add_med ms of ${#adds[@]} (${adds[*]})"
	summary "zhishou expose add process (matches)" "median $add_med ms" "< 100 ms" "$(verdict "$add_med" "<" 100)"
	"$BIN/bench_entity" "$db" --runs "$RUNS" local "expose local (company + keyword)" "$eid" >"$BENCH_DIR/elocal.tsv" ||
		die "bench_entity local failed"
	IFS=$'\t' read -r _ med p95 _ _ first rows < <(sed -n 2p "$BENCH_DIR/elocal.tsv")
	say "entity_local_find in-process: median $med ms, p95 $p95 ms, first $first ms; $rows candidates"
	[ "${rows:-0}" -gt 0 ] || finding "expose local found no candidate"
	summary "in-process entity_local_find ($rows candidates)" "median $med ms, p95 $p95 ms" "< 100 ms" "$(verdict "$med" "<" 100)"
	r=$(proc_median "$ZS --config $CONF --db $db expose local $eid") || die "timing expose local failed"
	set -- $r
	say "zhishou expose local $eid (lists the kept candidates) as a process: median $1 ms (min $2, max $3)"
	summary "zhishou expose local process (lists)" "median $1 ms" "< 100 ms" "$(verdict "$1" "<" 100)"
fi

# ---------------------------------------------------------------- summary
hr "summary (N=$N, N_ENTITIES=$N_ENTITIES$([ "$BACKEND" = sqlite ] || echo ", BACKEND=$BACKEND"))"
if [ -s "$SUMMARY" ] && [ "$BACKEND" = sqlite ]; then
	awk -F'\t' '{ printf "%-48s %-40s %-22s %s\n", $1, $2, $3, $4 }' "$SUMMARY"
elif [ -s "$SUMMARY" ]; then
	# One row per measure, a column per backend (its verdict in brackets);
	# "-": not measured there.  Also as TSV: summary-side.tsv.
	awk -F'\t' -v OFS='\t' '
		{ b = $5 == "" ? "sqlite" : $5
		  if (!($1 in seen)) { seen[$1] = 1; key[++n] = $1 }
		  c = $2 ($4 != "" ? " [" $4 "]" : "")
		  if (($1, b) in cell) cell[$1, b] = cell[$1, b] "; " c; else cell[$1, b] = c
		  if ($3 != "") target[$1] = $3 }
		END { print "measure", "SQLite", "PostgreSQL", "target"
		      for (i = 1; i <= n; i++) { k = key[i]
		          print k, ((k, "sqlite") in cell) ? cell[k, "sqlite"] : "-",
		                ((k, "postgresql") in cell) ? cell[k, "postgresql"] : "-", target[k] } }
	' "$SUMMARY" >"$BENCH_DIR/summary-side.tsv"
	awk -F'\t' '{ printf "%-52s %-42s %-42s %s\n", $1, $2, $3, $4 }' "$BENCH_DIR/summary-side.tsv"
fi
say ""
say "data: $BENCH_DIR$([ "${RM_BENCH:-0}" = 1 ] && echo ' (removed now; KEEP=1 or BENCH_DIR=... keeps it)')"
if [ "$FINDINGS" -gt 0 ]; then
	say "$FINDINGS finding(s): see FINDING in the summary"
	[ "${STRICT:-0}" = 1 ] && exit 1
fi
exit 0
