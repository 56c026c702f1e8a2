#!/bin/bash
# tests/ha/cluster.sh: the failover setup of issue 16, on one machine.
#
# pg_auto_failover (Debian postgresql-15-auto-failover): a monitor, which is
# itself a small PostgreSQL instance, and two PostgreSQL 15 nodes under
# pg_autoctl keepers, with streaming replication that is synchronous while the
# standby is healthy.  On a bureau's site these are three machines (two
# database servers and a small monitor); here they are three instances on
# 127.0.0.1 with their own ports and directories.  tests/ha/README.md says why
# pg_auto_failover rather than Patroni, and what each setting below is for.
#
#   cluster.sh up DIR            build and start everything under DIR (which
#                                must not exist or be empty); prints the URI
#   cluster.sh down DIR          stop every process it started, remove DIR
#   cluster.sh status DIR        the monitor's view, each node's role, the
#                                synchronous standby, the listening sockets
#   cluster.sh uri DIR           the libpq multi-host URI for the writers
#   cluster.sh primary DIR       the name of the node the monitor calls primary
#   cluster.sh kill-primary DIR [postmaster|node]
#                                SIGKILL the primary's postmaster (default: the
#                                issue's drill; its keeper restarts Postgres or
#                                the monitor fails over), or the whole node:
#                                keeper, postmaster and backends at once, as a
#                                server losing power; prints the node's name,
#                                the mode and the time of the kill (epoch s)
#   cluster.sh kill-standby DIR [postmaster|node]
#                                the same for the standby (the secondary)
#   cluster.sh start-node DIR NAME
#                                start node1's, node2's or the monitor's
#                                pg_autoctl again (after a kill of a node)
#   cluster.sh healthy DIR [SECONDS]
#                                wait up to SECONDS (default 0) for a settled
#                                primary and secondary with a synchronous
#                                standby; exit 1 if there is none by then
#   cluster.sh events DIR [AFTER_ID]
#                                the monitor's events after AFTER_ID (all)
#
# Everything runs as the `postgres` user (PostgreSQL refuses root); every
# file, the pg_autoctl configuration and state (XDG_* point into DIR) and the
# logs live under DIR, but for the Unix sockets (/var/run/postgresql/
# .s.PGSQL.PORT, removed when each server stops); pg_autoctl and this script
# talk to the instances over TCP on 127.0.0.1.  Authentication is `trust` for
# TCP connections from 127.0.0.1 only, and nothing listens anywhere but
# 127.0.0.1: a test cluster, never a bureau's (see README.md for the real
# setup: scram-sha-256 and a .pgpass, or certificates).
#
# Environment:
#   HA_PORT=N      the monitor's port; the nodes take N+1 and N+2 (15430: below
#                  the kernel's ephemeral range, 32768-60999 here, where a client
#                  socket can hold the port a node wants to listen on)
#   HA_PGBIN=DIR   PostgreSQL's binaries (/usr/lib/postgresql/15/bin)
#   HA_KEEP=1      on a failed `up`, stop the processes but keep DIR
#   HA_MONITOR_*, HA_KEEPER_*, HA_WAL_RETRIEVE_RETRY_INTERVAL
#                  override one of the settings below
#   HA_DEFAULTS=1  apply none of the settings below: pg_auto_failover's and
#                  PostgreSQL's defaults, to compare
set -Eeuo pipefail

PGBIN=${HA_PGBIN:-/usr/lib/postgresql/15/bin}
PORT0=${HA_PORT:-15430}
NODES=(node1 node2)
DB=zhishou                      # the empty database the writers use
WRITER=zhishou                  # their role
MARK=.zhishou-ha                # marks a DIR this script made (down removes only those)

# The monitor's settings (milliseconds), set with ALTER SYSTEM on the monitor.
# Defaults in pg_auto_failover 2.0: period 5000, timeout 5000, retries 2,
# retry delay 2000, unhealthy 20000, demote 30000, startup grace 10000.
# README.md gives the reason for each value.
MONITOR_SETTINGS=(
	"health_check_period=${HA_MONITOR_HEALTH_CHECK_PERIOD:-1000}"
	"health_check_timeout=${HA_MONITOR_HEALTH_CHECK_TIMEOUT:-1000}"
	"health_check_max_retries=${HA_MONITOR_HEALTH_CHECK_MAX_RETRIES:-2}"
	"health_check_retry_delay=${HA_MONITOR_HEALTH_CHECK_RETRY_DELAY:-500}"
	"node_considered_unhealthy_timeout=${HA_MONITOR_NODE_CONSIDERED_UNHEALTHY_TIMEOUT:-5000}"
	"primary_demote_timeout=${HA_MONITOR_PRIMARY_DEMOTE_TIMEOUT:-10000}"
	"startup_grace_period=${HA_MONITOR_STARTUP_GRACE_PERIOD:-10000}"
)
# The keepers' settings (seconds), in each node's pg_autoctl.cfg.
# network_partition_timeout must stay below primary_demote_timeout: a primary
# cut off from the monitor and its standby stops itself before the monitor
# may promote the standby (no two primaries).
KEEPER_SETTINGS=(
	"timeout.network_partition_timeout=${HA_KEEPER_NETWORK_PARTITION_TIMEOUT:-6}"
	"timeout.postgresql_restart_failure_timeout=${HA_KEEPER_POSTGRESQL_RESTART_FAILURE_TIMEOUT:-5}"
	"timeout.postgresql_restart_failure_max_retries=${HA_KEEPER_POSTGRESQL_RESTART_FAILURE_MAX_RETRIES:-3}"
)
# PostgreSQL settings on both nodes (ALTER SYSTEM, so a rebuilt or rewound
# node gets them back from the other one).  A standby whose primary went away
# retries every wal_retrieve_retry_interval (5 s by default); while it is
# away, every commit on a primary that the keeper restarted in place waits for
# it (synchronous commit): 1 s takes 4 s off that outage.
NODE_SETTINGS=(
	"wal_retrieve_retry_interval='${HA_WAL_RETRIEVE_RETRY_INTERVAL:-1s}'"
)
# What a client adds to the multi-host URI: connect_timeout bounds each
# host's attempt (a powered-off server answers nothing, unlike a closed port);
# keepalives notice a peer that vanished without closing the connection.
URI_PARAMS="target_session_attrs=read-write&connect_timeout=2&keepalives=1&keepalives_idle=5&keepalives_interval=2&keepalives_count=3"

say() { printf 'ha: %s\n' "$*"; }
die() { printf 'ha: error: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '/^#   cluster.sh/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

port_of() {
	case $1 in
	monitor) echo "$PORT0" ;;
	node1) echo $((PORT0 + 1)) ;;
	node2) echo $((PORT0 + 2)) ;;
	*) die "no such instance: $1" ;;
	esac
}

# Run a command as postgres, with pg_autoctl's files and HOME inside DIR.
as_pg() {
	(cd "$DIR" && setpriv --reuid=postgres --regid=postgres --init-groups \
		env -i PATH="$PGBIN:/usr/bin:/bin" HOME="$DIR" LC_ALL=C.UTF-8 LANG=C.UTF-8 \
		XDG_CONFIG_HOME="$DIR/xdg/config" XDG_DATA_HOME="$DIR/xdg/data" \
		XDG_RUNTIME_DIR="$DIR/xdg/run" PGCONNECT_TIMEOUT=2 "$@")
}
autoctl() { as_pg pg_autoctl "$@"; }
# psql over TCP on 127.0.0.1 (trust), as postgres
sql() {
	local inst=$1 db=$2
	shift 2
	as_pg psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(port_of "$inst")" -d "$db" "$@"
}
monitor_sql() { sql monitor pg_auto_failover -c "$1"; }

monitor_uri() { echo "postgres://autoctl_node@127.0.0.1:$PORT0/pg_auto_failover?sslmode=disable"; }
client_uri() {
	echo "postgresql://$WRITER@127.0.0.1:$((PORT0 + 1)),127.0.0.1:$((PORT0 + 2))/$DB?$URI_PARAMS"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
# the keeper (or monitor) service of an instance: its pid is its process group
svc_pid() { cat "$DIR/pid/$1" 2>/dev/null || true; }
postmaster_pid() { head -1 "$DIR/$1/postmaster.pid" 2>/dev/null || true; }

# Start `pg_autoctl ARGS` for instance NAME in a session of its own, so that a
# kill of its process group reaches the keeper, its Postgres and the backends.
start_service() {
	local name=$1
	shift
	(cd "$DIR" && exec setsid setpriv --reuid=postgres --regid=postgres --init-groups \
		env -i PATH="$PGBIN:/usr/bin:/bin" HOME="$DIR" LC_ALL=C.UTF-8 LANG=C.UTF-8 \
		XDG_CONFIG_HOME="$DIR/xdg/config" XDG_DATA_HOME="$DIR/xdg/data" \
		XDG_RUNTIME_DIR="$DIR/xdg/run" PGCONNECT_TIMEOUT=2 \
		pg_autoctl "$@" </dev/null >>"$DIR/log/$name.log" 2>&1) &
	echo $! >"$DIR/pid/$name"
}

# wait_for SECONDS WHAT COMMAND...: poll every 0.2 s until COMMAND succeeds
wait_for() {
	local secs=$1 what=$2 t
	shift 2
	t=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $t ] || { say "timed out after ${secs}s waiting for $what"; return 1; }
		sleep 0.2
	done
}

node_state() {   # NAME -> "reported assigned"
	monitor_sql "select reportedstate || ' ' || goalstate from pgautofailover.node where nodename = '$1'" 2>/dev/null
}
state_is() { [ "$(node_state "$1")" = "$2 $2" ]; }
service_alive_or_die() {
	pid_alive "$(svc_pid "$1")" || { tail -30 "$DIR/log/$1.log" >&2; die "$1's pg_autoctl exited (log: $DIR/log/$1.log)"; }
}
wait_state() {   # NAME STATE SECONDS: reported and assigned both STATE
	local t=$((SECONDS + $3))
	until state_is "$1" "$2"; do
		service_alive_or_die "$1"
		[ $SECONDS -lt $t ] || die "$1 is not '$2' after $3 s (it is: $(node_state "$1"); log: $DIR/log/$1.log)"
		sleep 0.3
	done
}

# The nodes' names in the monitor's order, with their role.
primary_name() {
	monitor_sql "select nodename from pgautofailover.node
	               where goalstate in ('primary','wait_primary','single')
	                 and reportedstate = goalstate order by nodeid limit 1"
}

check_listening() {
	# every TCP/UDP socket that a process of ours listens on is on 127.0.0.1
	local pids=() p s bad=0 lines
	for p in $(ls "$DIR/pid" 2>/dev/null); do
		s=$(svc_pid "$p")
		pid_alive "$s" || continue
		pids+=($(ps -o pid= -s "$s"))
	done
	[ ${#pids[@]} -gt 0 ] || return 0
	lines=$(ss -H -ltunp | grep -E "pid=($(IFS='|'; echo "${pids[*]}")),") || true
	printf '%s\n' "$lines" | sed 's/^/  /'
	while read -r _ _ _ _ local _; do
		[ -n "$local" ] || continue
		case $local in 127.0.0.1:*) ;; *) bad=1; say "listening beyond 127.0.0.1: $local" ;; esac
	done <<<"$lines"
	return $bad
}

# SysV IPC that a SIGKILL leaves behind: pg_autoctl's log semaphore (its id is
# line 5 of pg_autoctl.pid) and PostgreSQL's small shared memory segment
# (line 7 of postmaster.pid).  Noted before every kill and at `down`, removed
# at the end of `down` once no process of ours uses them.
note_ipc() {
	local name=$1 f
	f="$DIR/xdg/run/pg_autoctl$DIR/$name/pg_autoctl.pid"
	[ -f "$f" ] && sed -n '5s/^\([0-9][0-9]*\)$/sem \1/p' "$f" >>"$DIR/ipc"
	f="$DIR/$name/postmaster.pid"
	[ -f "$f" ] && sed -n '7s/^ *[0-9][0-9]* *\([0-9][0-9]*\)$/shm \1/p' "$f" >>"$DIR/ipc"
	return 0
}
release_ipc() {
	local kind id p
	[ -f "$DIR/ipc" ] || return 0
	sort -u "$DIR/ipc" | while read -r kind id; do
		if [ "$kind" = sem ]; then
			p=$(ipcs -s -i "$id" 2>/dev/null | awk '/^uid=/{split($1, u, "="); uid = u[2]} /^0 /{print uid, $5}') || continue
			[ -n "$p" ] && [ "${p% *}" = "$(id -u postgres)" ] && ! pid_alive "${p#* }" && ipcrm -s "$id" 2>/dev/null
		else
			p=$(ipcs -m -i "$id" 2>/dev/null | awk '/^uid=/{split($1, u, "="); uid = u[2]} /nattch=/{sub(/.*nattch=/, ""); print uid, $1}') || continue
			[ -n "$p" ] && [ "$p" = "$(id -u postgres) 0" ] && ipcrm -m "$id" 2>/dev/null
		fi
	done || true
	return 0
}

# ---------------------------------------------------------------- down
do_down() {
	local name s i pm
	[ -d "$DIR" ] || return 0
	for name in node2 node1 monitor; do note_ipc "$name"; done
	for name in node2 node1 monitor; do
		s=$(svc_pid "$name")
		if pid_alive "$s"; then
			# SIGINT: the fast shutdown of the keeper and of its Postgres
			kill -INT "$s" 2>/dev/null || true
		fi
	done
	for name in node2 node1 monitor; do
		s=$(svc_pid "$name")
		for i in $(seq 100); do
			pid_alive "$s" || break
			sleep 0.1
		done
		if pid_alive "$s"; then
			say "$name's pg_autoctl (pid $s) still runs after 10 s: SIGKILL to its process group"
			kill -KILL -- "-$s" 2>/dev/null || true
		fi
		# a Postgres that outlived its keeper (it should not): immediate stop
		pm=$(postmaster_pid "$name")
		if pid_alive "$pm" && grep -qs "$DIR/$name" "/proc/$pm/cmdline"; then
			say "$name's postmaster (pid $pm) outlived its keeper: immediate stop"
			as_pg "$PGBIN/pg_ctl" stop -m immediate -D "$DIR/$name" >/dev/null 2>&1 || kill -KILL "$pm" 2>/dev/null || true
		fi
	done
	# whatever is left with DIR in its command line, started by us: by pid
	for i in $(seq 50); do
		left=$(leftovers)
		[ -n "$left" ] || break
		[ "$i" -lt 50 ] || { say "SIGKILL to what is left: $left"; kill -KILL $left 2>/dev/null || true; }
		sleep 0.1
	done
	release_ipc
}
leftovers() {
	local p
	for p in /proc/[0-9]*; do
		if grep -qsF "$DIR/" "$p/cmdline" && [ "$(stat -c %U "$p" 2>/dev/null)" = postgres ]; then
			echo "${p#/proc/}"
		fi
	done | tr '\n' ' '
	return 0
}

cmd_down() {
	[ -d "$DIR" ] || { say "$DIR does not exist: nothing to do"; return 0; }
	[ -e "$DIR/$MARK" ] || die "$DIR was not made by cluster.sh (no $MARK): not touching it"
	do_down
	rm -rf "$DIR"
	say "down: every process stopped, $DIR removed"
}

# ---------------------------------------------------------------- up
on_fail() {
	local rc=$?
	trap - EXIT INT TERM
	[ "$UP_DONE" = 1 ] && exit "$rc"
	say "up failed (status $rc): stopping what it started"
	do_down || true
	if [ "${HA_KEEP:-0}" = 1 ]; then
		say "HA_KEEP=1: $DIR kept (logs in $DIR/log)"
	else
		rm -rf "$DIR"
	fi
	exit "$rc"
}

cmd_up() {
	local p s kv name t
	[ "$(id -u)" = 0 ] || die "run as root (it switches to the postgres user)"
	command -v pg_autoctl >/dev/null || die "pg_autoctl missing: apt-get install postgresql-15-auto-failover"
	[ -x "$PGBIN/pg_ctl" ] || die "$PGBIN/pg_ctl missing: apt-get install postgresql-15"
	id postgres >/dev/null 2>&1 || die "no postgres user (it comes with postgresql-common)"
	for p in 0 1 2; do
		! ss -H -ltn "sport = :$((PORT0 + p))" | grep -q . || die "port $((PORT0 + p)) is taken (HA_PORT=N to move)"
	done
	if [ -e "$DIR" ]; then
		[ -d "$DIR" ] && [ -z "$(ls -A "$DIR")" ] || die "$DIR exists and is not empty"
	fi
	# Postgres puts its Unix socket in Debian's directory (postgresql-common
	# makes it; a socket is removed when its server stops)
	[ -d /var/run/postgresql ] || install -d -o postgres -g postgres -m 2775 /var/run/postgresql
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	UP_DONE=0
	trap on_fail EXIT
	trap 'exit 130' INT TERM
	touch "$DIR/$MARK"
	mkdir -p "$DIR"/{xdg/config,xdg/data,xdg/run,log,pid}
	chmod 700 "$DIR/xdg/run"
	chown -R postgres:postgres "$DIR"
	as_pg test -w "$DIR" || die "postgres cannot write $DIR (a parent directory closed to it?)"

	say "monitor on 127.0.0.1:$PORT0"
	start_service monitor create monitor --pgctl "$PGBIN/pg_ctl" --pgdata "$DIR/monitor" \
		--pgport "$PORT0" --hostname 127.0.0.1 --listen 127.0.0.1 \
		--auth trust --no-ssl --run
	local t=$((SECONDS + 60))
	until monitor_sql "select 1 from pg_extension where extname = 'pgautofailover'" 2>/dev/null | grep -q 1; do
		service_alive_or_die monitor
		[ $SECONDS -lt $t ] || die "the monitor does not answer after 60 s (log: $DIR/log/monitor.log)"
		sleep 0.3
	done
	if [ "${HA_DEFAULTS:-0}" = 1 ]; then
		say "HA_DEFAULTS=1: the monitor, keepers and nodes keep their default settings"
		MONITOR_SETTINGS=() KEEPER_SETTINGS=() NODE_SETTINGS=()
	fi
	for kv in "${MONITOR_SETTINGS[@]}"; do
		monitor_sql "alter system set pgautofailover.${kv%%=*} = ${kv#*=}" >/dev/null
	done
	monitor_sql "select pg_reload_conf()" >/dev/null

	for name in "${NODES[@]}"; do
		p=$(port_of "$name")
		say "$name on 127.0.0.1:$p"
		start_service "$name" create postgres --pgctl "$PGBIN/pg_ctl" --pgdata "$DIR/$name" \
			--pghost 127.0.0.1 --pgport "$p" --listen 127.0.0.1 --hostname 127.0.0.1 \
			--name "$name" --dbname "$DB" --monitor "$(monitor_uri)" \
			--auth trust --no-ssl --run
		if [ "$name" = node1 ]; then
			wait_state node1 single 120
		else
			# pg_basebackup asks node1 for a spread checkpoint, which took
			# 90 s here; an immediate CHECKPOINT request makes it hurry
			t=$((SECONDS + 180))
			until state_is node2 secondary; do
				service_alive_or_die node2
				[ $SECONDS -lt $t ] || die "node2 is not 'secondary' after 180 s (log: $DIR/log/node2.log)"
				sql node1 postgres -c checkpoint >/dev/null 2>&1 || true
				sleep 1
			done
			wait_state node1 primary 60
		fi
	done
	for name in "${NODES[@]}"; do
		for kv in "${KEEPER_SETTINGS[@]}"; do
			autoctl config set --pgdata "$DIR/$name" "${kv%%=*}" "${kv#*=}" >/dev/null
		done
		autoctl reload --pgdata "$DIR/$name" >/dev/null
	done

	for name in "${NODES[@]}"; do
		for kv in "${NODE_SETTINGS[@]}"; do
			sql "$name" postgres -c "alter system set ${kv%%=*} = ${kv#*=}"
		done
		sql "$name" postgres -c "select pg_reload_conf()" >/dev/null
	done

	# initdb (run by pg_autoctl with --auth=trust) also trusts every local
	# user on the Unix socket; make that peer (pg_autoctl and this script use
	# TCP on 127.0.0.1), so only TCP from 127.0.0.1 is trusted
	for name in monitor "${NODES[@]}"; do
		sed -i 's/^\(local[[:space:]].*[[:space:]]\)trust$/\1peer/' "$DIR/$name/pg_hba.conf"
		sql "$name" postgres -c "select pg_reload_conf()" >/dev/null
	done

	# the writers' role owns the database; TCP from 127.0.0.1 with trust
	sql node1 postgres -c "create role $WRITER login" -c "alter database $DB owner to $WRITER"
	for name in "${NODES[@]}"; do
		grep -q "^host $DB $WRITER " "$DIR/$name/pg_hba.conf" ||
			echo "host $DB $WRITER 127.0.0.1/32 trust   # zhishou's writers (test cluster)" >>"$DIR/$name/pg_hba.conf"
		sql "$name" postgres -c "select pg_reload_conf()" >/dev/null
	done
	# the role and the owner reached the standby (synchronous commit)
	[ "$(sql node2 postgres -c "select count(*) from pg_roles where rolname = '$WRITER'")" = 1 ] ||
		die "the writers' role is not on the standby"

	s=$(sql node1 postgres -c "show synchronous_standby_names")
	[ -n "$s" ] || die "node1 has no synchronous standby"
	say "synchronous_standby_names on the primary: $s"
	say "listening sockets of the cluster's processes:"
	check_listening || die "something listens beyond 127.0.0.1"
	client_uri >"$DIR/uri"
	chown postgres:postgres "$DIR/uri"
	UP_DONE=1
	say "up: monitor $(monitor_uri)"
	say "up: the writers' URI:"
	client_uri
}

# ---------------------------------------------------------------- others
need_dir() {
	[ -e "$DIR/$MARK" ] || die "$DIR is not a cluster made by cluster.sh up"
	DIR=$(cd "$DIR" && pwd)
}

cmd_status() {
	local name p pm role
	autoctl show state --pgdata "$DIR/monitor" 2>&1 || true
	for name in "${NODES[@]}"; do
		p=$(port_of "$name")
		pm=$(postmaster_pid "$name")
		if role=$(sql "$name" postgres -c "select case when pg_is_in_recovery() then 'standby' else 'primary, synchronous_standby_names=''' || current_setting('synchronous_standby_names') || '''' end" 2>/dev/null); then
			:
		else
			role="not answering"
		fi
		printf '%-6s 127.0.0.1:%-5s keeper pid %-7s postmaster pid %-7s %s\n' "$name" "$p" \
			"$(pid_alive "$(svc_pid "$name")" && svc_pid "$name" || echo -)" "$(pid_alive "$pm" && echo "$pm" || echo -)" "$role"
	done
	echo "listening:"
	check_listening || true
	echo "uri: $(client_uri)"
}

standby_name() {
	monitor_sql "select nodename from pgautofailover.node
	               where goalstate = 'secondary' and reportedstate = goalstate order by nodeid limit 1"
}

cmd_kill() {
	local role=$1 mode=${2:-postmaster} name pm s
	case $mode in postmaster | node) ;; *) die "kill-$role: postmaster or node, not '$mode'" ;; esac
	name=$("${role}_name")
	[ -n "$name" ] || die "the monitor names no $role now"
	pm=$(postmaster_pid "$name")
	note_ipc "$name"
	if [ "$mode" = postmaster ]; then
		pid_alive "$pm" || die "$name's postmaster is not running"
		kill -KILL "$pm"
	else
		s=$(svc_pid "$name")
		pid_alive "$s" || die "$name's keeper is not running"
		kill -KILL -- "-$s"
	fi
	printf '%s %s %s\n' "$name" "$mode" "$EPOCHREALTIME"
}

cmd_start_node() {
	local name=${1:-}
	case $name in node1 | node2 | monitor) ;; *) die "start-node: node1, node2 or monitor" ;; esac
	! pid_alive "$(svc_pid "$name")" || die "$name's keeper already runs"
	start_service "$name" run --pgdata "$DIR/$name"
	say "$name's keeper started (pid $(svc_pid "$name"))"
}

is_healthy() {
	local n name s
	n=$(monitor_sql "select count(*) filter (where reportedstate = 'primary' and goalstate = 'primary')
	                   || ' ' || count(*) filter (where reportedstate = 'secondary' and goalstate = 'secondary')
	                 from pgautofailover.node" 2>/dev/null) || return 1
	[ "$n" = "1 1" ] || return 1
	name=$(primary_name) || return 1
	s=$(sql "$name" postgres -c "show synchronous_standby_names" 2>/dev/null) || return 1
	[ -n "$s" ]
}
cmd_healthy() {
	local t=$((SECONDS + ${1:-0}))
	until is_healthy; do
		[ $SECONDS -lt $t ] || return 1
		sleep 0.3
	done
}
cmd_events() {
	monitor_sql "select eventid, to_char(eventtime, 'HH24:MI:SS.MS'), nodename,
	                    reportedstate || ' -> ' || goalstate, description
	               from pgautofailover.event where eventid > ${1:-0} order by eventid" -F ' | '
}

[ $# -ge 2 ] || usage
CMD=$1
DIR=$2
shift 2
case $CMD in
up) cmd_up ;;
down) need_dir; cmd_down ;;
status) need_dir; cmd_status ;;
uri) need_dir; client_uri ;;
primary) need_dir; primary_name ;;
kill-primary) need_dir; cmd_kill primary "$@" ;;
kill-standby) need_dir; cmd_kill standby "$@" ;;
start-node) need_dir; cmd_start_node "$@" ;;
healthy) need_dir; cmd_healthy "$@" ;;
events) need_dir; cmd_events "$@" ;;
*) usage ;;
esac
