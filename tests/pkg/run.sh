#!/bin/bash
# tests/pkg/run.sh: a clean install of the Debian package, tested for real.
#
# Builds the .deb from this checkout's working tree (copied: the checkout is
# not touched), bootstraps a minimal Debian 12 root with debootstrap, installs
# the package there with apt (its dependencies from the Debian archive), runs
# sshd inside on 127.0.0.1, and then, over ssh as the Unix users admin,
# officer-a, officer-b (and outsider, who is not a member):
#   - admin runs `zhishou init` and adds the officers;
#   - officer A logs an intake through the console (tmux, ssh -tt) and
#     officer B's console shows it within a second;
#   - `man zhishou` renders;
#   - the relay's `--check` runs as the user its systemd unit names;
#   - the shell cannot reach the shared database (issue 15), nor can a Unix
#     user who is not a member (outsider) through the program;
#   - `apt purge` leaves the database in place.
# Everything lives under one temporary directory; a trap kills every process
# running inside the root, undoes every mount and removes the directory, on
# success, failure and Ctrl-C.
#
# Needs root, debootstrap, dpkg-buildpackage (with the package's build
# dependencies), ssh, tmux and python3 on the host; installs nothing on the
# host.  Environment:
#   ZHISHOU_DEB=FILE    use this .deb instead of building one
#   PKG_CACHE=DIR       keep a tarball of the freshly bootstrapped root (and
#                       the .debs apt fetched) in DIR: the next run is faster
#   PKG_MIRROR=URL      the Debian mirror (default http://deb.debian.org/debian)
#   PKG_KEEP_GOING=1    report every failed check, not only the first (the
#                       exit status is still non-zero)
#   PKG_KEEP=1          leave the temporary directory (never a mount or a
#                       process) for a look afterwards
#   ZHISHOU_PKG_MESON=1 set by meson: a missing tool skips (exit 77)
set -Eeuo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
SUITE=bookworm
MIRROR=${PKG_MIRROR:-http://deb.debian.org/debian}
# admin and two officers; outsider is a Unix user who is not a member
USERS=(admin officer-a officer-b outsider)
DB=/var/lib/zhishou/zhishou.db
export LC_ALL=C.UTF-8 LANG=C.UTF-8      # tmux reads and sends UTF-8
unset TMUX

T0=${EPOCHREALTIME/./}
PHASES=()
PHASE=""
PHASE_T=$T0
FAILED=0
DONE=0

say() { printf 'pkg: %s\n' "$*"; }
# microseconds since the epoch, and a difference as seconds with 2 decimals
now_us() { echo "${EPOCHREALTIME/./}"; }
secs() { printf '%d.%02d' $(($1 / 1000000)) $(($1 % 1000000 / 10000)); }

phase() {
	local t
	t=$(now_us)
	if [ -n "$PHASE" ]; then
		PHASES+=("$(printf '%-34s %7ss' "$PHASE" "$(secs $((t - PHASE_T)))")")
	fi
	PHASE=$1
	PHASE_T=$t
	[ -z "$PHASE" ] || say "== $PHASE"
}

# A failed check: which one, and what was seen.
fail() {
	local check=$1
	shift
	printf 'pkg: FAIL: %s\n' "$check" >&2
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | sed 's/^/pkg:   | /' >&2
	fi
	FAILED=$((FAILED + 1))
	if [ "${PKG_KEEP_GOING:-}" != 1 ]; then
		exit 1
	fi
}
# a failed check after which nothing can be tested
fatal() {
	PKG_KEEP_GOING=0 fail "$@"
}
ok() { say "ok: $*"; }

# --- what the host needs --------------------------------------------------
missing_pkgs=()
need() {        # need COMMAND DEBIAN-PACKAGE
	command -v "$1" >/dev/null 2>&1 || missing_pkgs+=("$2")
}
skip_or_die() {
	printf 'pkg: %s\n' "$@" >&2
	if [ "${ZHISHOU_PKG_MESON:-}" = 1 ]; then
		exit 77
	fi
	exit 2
}
if [ "$(id -u)" != 0 ]; then
	skip_or_die "needs root (debootstrap, chroot, mounts): run it as root, e.g. sudo $0"
fi
need debootstrap debootstrap
need ssh openssh-client
need ssh-keygen openssh-client
need tmux tmux
need python3 python3
need findmnt util-linux
if [ -z "${ZHISHOU_DEB:-}" ]; then
	need dpkg-buildpackage dpkg-dev
	need dh debhelper
fi
if [ -z "${ZHISHOU_DEB:-}" ] && command -v dpkg-checkbuilddeps >/dev/null 2>&1; then
	# the package's Build-Depends (nocheck: the unit suite runs elsewhere)
	unmet=$(cd "$SRC" && dpkg-checkbuilddeps -P nocheck 2>&1 >/dev/null |
		sed -n 's/.*Unmet build dependencies: //p') || true
	# "a (>= 1) [amd64] <!nocheck> | b c" -> a c
	read -ra unmet_pkgs <<<"$(sed -E 's/\([^)]*\)//g; s/\[[^]]*\]//g; s/<[^>]*>//g; s/ *\| *[^ ]+//g' <<<"$unmet")"
	for d in "${unmet_pkgs[@]}"; do
		d=${d%%:*}
		[ "$d" != debhelper-compat ] || d=debhelper     # the virtual package's one provider
		missing_pkgs+=("$d")
	done
fi
if [ ${#missing_pkgs[@]} -gt 0 ]; then
	mapfile -t missing_pkgs < <(printf '%s\n' "${missing_pkgs[@]}" | sort -u)
	skip_or_die "missing on this host: ${missing_pkgs[*]}" \
		"install them with: apt-get install -y --no-install-recommends ${missing_pkgs[*]}"
fi
if [ -n "${ZHISHOU_DEB:-}" ] && [ ! -f "$ZHISHOU_DEB" ]; then
	echo "pkg: ZHISHOU_DEB=$ZHISHOU_DEB: no such file" >&2
	exit 2
fi

# --- the temporary directory and the cleanup --------------------------------
WORK=$(mktemp -d /var/tmp/zhishou-pkg.XXXXXX)
ROOT=$WORK/root
TMUX_SOCK=zs-pkg-$$
TMUX_CONF=$WORK/tmux.conf
SSHD_PID=""

# Processes whose root directory is ROOT (sshd, its sessions, anything a
# package script left running).
procs_in_root() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		if [ "$r" = "$ROOT" ] || [ "${r#"$ROOT"/}" != "$r" ]; then
			echo "${p#/proc/}"
		fi
	done
}
mounts_in_root() {
	# deepest first
	findmnt -rn -o TARGET | awk -v r="$ROOT" 'index($0, r) == 1' | sort -r
}

summary() {
	local rc=$1 p t
	t=$(now_us)
	say "---- summary"
	for p in "${PHASES[@]}"; do say "$p"; done
	if [ -n "$PHASE" ]; then
		say "$(printf '%-34s %7ss  (stopped here)' "$PHASE" "$(secs $((t - PHASE_T)))")"
	fi
	say "$(printf '%-34s %7ss' total "$(secs $((t - T0)))")"
	if [ "$FAILED" -gt 0 ]; then
		say "$FAILED check(s) FAILED"
	elif [ "$rc" != 0 ] || [ "$DONE" != 1 ]; then
		say "FAILED (exit $rc)"
	else
		say "all checks passed"
	fi
}

cleanup() {
	local rc=$? pids m i left
	trap - EXIT INT TERM HUP ERR
	set +e
	exec 1>&7 2>&8          # a trap may run inside a command's redirection
	tmux -L "$TMUX_SOCK" kill-server >/dev/null 2>&1
	rm -f "/tmp/tmux-$(id -u)/$TMUX_SOCK"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		mapfile -t pids < <(procs_in_root)
		[ ${#pids[@]} -gt 0 ] || break
		if [ "$i" -le 10 ]; then
			kill -TERM "${pids[@]}" 2>/dev/null
		else
			kill -KILL "${pids[@]}" 2>/dev/null
		fi
		sleep 0.2
	done
	[ -z "$SSHD_PID" ] || wait "$SSHD_PID" 2>/dev/null
	mapfile -t pids < <(procs_in_root)
	if [ ${#pids[@]} -gt 0 ]; then
		echo "pkg: CLEANUP: processes still running in $ROOT: ${pids[*]}" >&2
		rc=1
	fi
	while read -r m; do
		[ -n "$m" ] || continue
		umount "$m" 2>/dev/null || umount -R "$m" 2>/dev/null || umount -l "$m"
	done < <(mounts_in_root)
	left=$(mounts_in_root)
	if [ -n "$left" ]; then
		echo "pkg: CLEANUP: still mounted (the directory is left): $left" >&2
		rc=1
	elif [ "${PKG_KEEP:-}" = 1 ]; then
		echo "pkg: PKG_KEEP=1: left $WORK (nothing mounted, nothing running)" >&2
	else
		# never through a mount: --one-file-system
		rm -rf --one-file-system "$WORK"
		if [ -e "$WORK" ]; then
			echo "pkg: CLEANUP: could not remove $WORK" >&2
			rc=1
		fi
	fi
	if [ "$rc" = 0 ] && { [ "$FAILED" -gt 0 ] || [ "$DONE" != 1 ]; }; then
		rc=1
	fi
	summary "$rc"
	exit "$rc"
}
# The script's own stdout and stderr, for the traps: bash runs a trap with
# the redirections of the command it interrupted still in place.
exec 7>&1 8>&2
trap cleanup EXIT
trap 'echo "pkg: line $LINENO: unexpected failure of: $BASH_COMMAND" >&8' ERR
trap 'echo "pkg: interrupted" >&8; exit 130' INT
trap 'echo "pkg: terminated" >&8; exit 143' TERM HUP

# ============================================================================
phase "build the package"
if [ -n "${ZHISHOU_DEB:-}" ]; then
	DEB=$(cd "$(dirname "$ZHISHOU_DEB")" && pwd)/$(basename "$ZHISHOU_DEB")
	say "using $DEB (ZHISHOU_DEB)"
else
	# The working tree as it is (uncommitted changes too), without build
	# products, .git or a previous package build.
	mkdir -p "$WORK/build/src"
	tar -C "$SRC" -cf - \
		--exclude=./.git --exclude='./build' --exclude='./build-*' --exclude='./obj-*' \
		--exclude=./debian/zhishou --exclude=./debian/.debhelper --exclude=./debian/files \
		--exclude='./debian/*.substvars' --exclude=./debian/debhelper-build-stamp \
		--exclude='./debian/*.debhelper.log' --exclude='./debian/*.debhelper' \
		--exclude='__pycache__' --exclude='*.pyc' --exclude='./demo.db*' . |
		tar -C "$WORK/build/src" -xf -
	if ! (cd "$WORK/build/src" &&
		DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -us -uc -b -Pnocheck \
			>"$WORK/build/log" 2>&1); then
		tail -n 40 "$WORK/build/log" >&2
		fatal "dpkg-buildpackage" "the build failed; its last lines are above"
	fi
	shopt -s nullglob
	debs=("$WORK"/build/zhishou_*.deb)
	shopt -u nullglob
	[ ${#debs[@]} = 1 ] || fatal "dpkg-buildpackage made one zhishou_*.deb" "found: ${debs[*]:-none}"
	DEB=${debs[0]}
	say "built $(basename "$DEB")"
fi

# ============================================================================
phase "bootstrap Debian 12 (minbase)"
ARCH=$(dpkg --print-architecture)
mkdir -p "$ROOT"
CACHE_TAR=""
if [ -n "${PKG_CACHE:-}" ]; then
	mkdir -p "$PKG_CACHE"
	CACHE_TAR=$(cd "$PKG_CACHE" && pwd)/$SUITE-minbase-$ARCH.tar
fi
if [ -n "$CACHE_TAR" ] && [ -s "$CACHE_TAR" ]; then
	say "unpacking $CACHE_TAR (PKG_CACHE)"
	tar -C "$ROOT" --numeric-owner -xpf "$CACHE_TAR"
else
	if ! debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
		tail -n 30 "$WORK/debootstrap.log" >&2
		fatal "debootstrap" "debootstrap --variant=minbase $SUITE failed; its last lines are above"
	fi
	leftover=$(mounts_in_root)
	[ -z "$leftover" ] || fail "debootstrap leaves nothing mounted" "$leftover"
	if [ -n "$CACHE_TAR" ]; then
		tar -C "$ROOT" --numeric-owner -cpf "$CACHE_TAR.tmp" . && mv "$CACHE_TAR.tmp" "$CACHE_TAR"
		say "kept $CACHE_TAR for the next run"
	fi
fi

# ============================================================================
phase "install the package with apt"
mount -t proc proc "$ROOT/proc"
mount -t sysfs -o ro sysfs "$ROOT/sys"
# A devpts of the root's own, and /dev/ptmx its multiplexer (ssh -tt).
mkdir -p "$ROOT/dev/pts"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$ROOT/dev/pts"
rm -f "$ROOT/dev/ptmx"
ln -s pts/ptmx "$ROOT/dev/ptmx"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
# Nothing is started by a package's maintainer scripts.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
echo "deb $MIRROR $SUITE main" >"$ROOT/etc/apt/sources.list"

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
	DEBIAN_FRONTEND=noninteractive "$@"; }

if [ -n "${PKG_CACHE:-}" ] && [ -d "$PKG_CACHE/archives" ]; then
	cp "$PKG_CACHE"/archives/*.deb "$ROOT/var/cache/apt/archives/" 2>/dev/null || true
fi
cp "$DEB" "$ROOT/tmp/"
DEB_IN_ROOT=/tmp/$(basename "$DEB")
if ! in_root apt-get update >"$WORK/apt.log" 2>&1 ||
	! in_root apt-get install -y --no-install-recommends "$DEB_IN_ROOT" \
		openssh-server tmux man-db sqlite3 >>"$WORK/apt.log" 2>&1; then
	tail -n 30 "$WORK/apt.log" >&2
	fatal "apt-get install ./$(basename "$DEB") openssh-server tmux man-db sqlite3" \
		"apt failed inside the root; its last lines are above"
fi
if [ -n "${PKG_CACHE:-}" ]; then
	mkdir -p "$PKG_CACHE/archives"
	cp "$ROOT"/var/cache/apt/archives/*.deb "$PKG_CACHE/archives/" 2>/dev/null || true
fi
# shellcheck disable=SC2016  # dpkg-query's own ${fields}
status=$(in_root dpkg-query -W -f '${Status} ${Version}' zhishou 2>&1) || true
case $status in
"install ok installed "*) ok "zhishou installed: $status" ;;
*) fail "dpkg says zhishou is installed" "$status" ;;
esac

# ============================================================================
phase "sshd and the users"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
in_root ssh-keygen -A >/dev/null
mkdir -p "$ROOT/run/sshd"
chmod 755 "$ROOT/run/sshd"
mkdir -p "$WORK/keys"
for u in "${USERS[@]}"; do
	in_root useradd -m -s /bin/bash "$u"
	ssh-keygen -q -t ed25519 -N '' -C "$u@zhishou-pkg" -f "$WORK/keys/$u"
	install -d -m 700 "$ROOT/home/$u/.ssh"
	install -m 600 "$WORK/keys/$u.pub" "$ROOT/home/$u/.ssh/authorized_keys"
	in_root chown -R "$u:$u" "/home/$u/.ssh"
done
chroot "$ROOT" /usr/sbin/sshd -D -e -p "$PORT" -o ListenAddress=127.0.0.1 \
	-o PasswordAuthentication=no -o KbdInteractiveAuthentication=no \
	-o PermitRootLogin=no -o 'AcceptEnv=LANG LC_*' >"$WORK/sshd.log" 2>&1 &
SSHD_PID=$!

SSH=(ssh -F /dev/null -p "$PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=5 -o SetEnv=LANG=C.UTF-8)
# as USER CMD...: run CMD as USER over ssh, each argument as given, with
# LANG=C.UTF-8 on the remote side.
as() {
	local u=$1
	shift
	"${SSH[@]}" -i "$WORK/keys/$u" "$u@127.0.0.1" -- "$(printf '%q ' env LANG=C.UTF-8 "$@")"
}
# the ssh command line of a console (for tmux)
console_cmd() {
	printf '%q ' "${SSH[@]}" -tt -i "$WORK/keys/$1" "$1@127.0.0.1" -- env LANG=C.UTF-8 TERM=xterm-256color zhishou
}

deadline=$(($(now_us) + 15000000))
until as admin true 2>/dev/null; do
	if ! kill -0 "$SSHD_PID" 2>/dev/null || [ "$(now_us)" -gt "$deadline" ]; then
		fatal "sshd inside the root answers on 127.0.0.1:$PORT" "$(cat "$WORK/sshd.log")"
	fi
	sleep 0.1
done
# shellcheck disable=SC2016  # expanded on the remote side
got=$(as officer-a sh -c 'echo "$(id -un) $LANG"' 2>&1) || true
case $got in
"officer-a C.UTF-8") ok "ssh as officer-a, LANG=C.UTF-8 on the remote side" ;;
*) fail "ssh as officer-a with LANG=C.UTF-8" "$got" ;;
esac

# ============================================================================
phase "init and members (admin)"
conf_path=$(sed -n 's/^path *= *//p' "$ROOT/etc/zhishou/zhishou.conf")
[ "$conf_path" = "$DB" ] || fail "/etc/zhishou/zhishou.conf names the shared database" \
	"[database] path is '$conf_path', expected $DB"
[ ! -e "$ROOT$DB" ] || fail "the package makes no database (the first admin does)" "$DB exists after install"
out=$(as admin zhishou init 2>&1) || fail "admin: zhishou init" "$out"
[ -f "$ROOT$DB" ] || fail "zhishou init made $DB" "$out"
ok "admin: $out"
out=$(as admin zhishou member add --unix officer-a --name 值班员甲 --role operator 2>&1) ||
	fail "admin: zhishou member add officer-a" "$out"
out=$(as admin zhishou member add --unix officer-b --name 值班员乙 --role operator 2>&1) ||
	fail "admin: zhishou member add officer-b" "$out"
out=$(as officer-a zhishou member list 2>&1) || fail "officer-a: zhishou member list" "$out"
for want in "admin .*管理员" "officer-a .*值班员" "officer-b .*值班员"; do
	grep -q "^$want" <<<"$out" || fail "member list: $want" "$out"
done
ok "members: admin (admin), officer-a and officer-b (operators)"

# ============================================================================
phase "console: A logs, B sees it"
cat >"$TMUX_CONF" <<'EOF'
set -g status off
set -g remain-on-exit on
set -g escape-time 0
set -g history-limit 100
EOF
tm() { tmux -L "$TMUX_SOCK" -f "$TMUX_CONF" "$@"; }
screen_of() { tm capture-pane -p -t "$1" 2>&1; }
# wait_screen SESSION TEXT SECONDS WHAT: poll every 50 ms until TEXT is on
# the screen; fail with the screen after SECONDS.
wait_screen() {
	local s=$1 text=$2 limit=$3 what=$4 end
	end=$(($(now_us) + limit * 1000000))
	while :; do
		if screen_of "$s" | grep -qF -- "$text"; then
			return 0
		fi
		if [ "$(now_us)" -gt "$end" ]; then
			fail "$what (waited ${limit}s for '$text' on $s's screen)" "$(screen_of "$s")"
			return 1
		fi
		sleep 0.05
	done
}
MARK=PKG$$T${RANDOM}
tm new-session -d -s a -x 80 -y 24 "$(console_cmd officer-a)"
tm new-session -d -s b -x 80 -y 24 "$(console_cmd officer-b)"
wait_screen a "受理登记" 15 "officer-a's console opens over ssh -tt"
wait_screen b "受理登记" 15 "officer-b's console opens over ssh -tt"
grep -q "officer-a" <<<"$(screen_of a)" || fail "officer-a's console names officer-a" "$(screen_of a)"
if screen_of b | grep -qF "$MARK"; then
	fail "officer-b's console does not show the intake before it is saved" "$(screen_of b)"
fi
tm send-keys -t a n
wait_screen a "新登记：投诉" 5 "n opens the new-intake form on officer-a's console"
tm send-keys -t a -l "测试员$MARK"            # 来电人: the caret starts here
tm send-keys -t a Tab Tab                       # 来电号码, 被投诉主体
tm send-keys -t a -l "${MARK}超市"
tm send-keys -t a Tab Tab                       # 信用代码, 内容摘要
tm send-keys -t a -l "$MARK 包装测试：买到过期牛奶"
wait_screen a "$MARK 包装测试" 5 "the form shows the summary typed"
t_save=$(now_us)
tm send-keys -t a C-s
t_a=""
t_b=""
end=$((t_save + 5000000))
while [ -z "$t_a" ] || [ -z "$t_b" ]; do
	# each time taken after the screen was read: an upper bound
	if [ -z "$t_a" ] && screen_of a | grep -q "已登记 #"; then t_a=$(now_us); fi
	if [ -z "$t_b" ] && screen_of b | grep -qF "$MARK"; then t_b=$(now_us); fi
	if [ "$(now_us)" -gt "$end" ]; then break; fi
	sleep 0.05
done
[ -n "$t_a" ] || fail "Ctrl-S saves officer-a's intake (已登记 #)" "$(screen_of a)"
[ -n "$t_b" ] || fail "officer-b's console shows officer-a's intake" "$(screen_of b)"
lat_b=$((t_b - t_save))
say "A's save shown after $(secs $((t_a - t_save)))s; B shows it $(secs "$lat_b")s after Ctrl-S"
if [ "$lat_b" -gt 1000000 ]; then
	fail "officer-b's console shows the intake within 1 s of officer-a's save" \
		"took $(secs "$lat_b") s" "$(screen_of b)"
else
	ok "officer-b's console shows it within 1 s ($(secs "$lat_b") s)"
fi
row=$(screen_of b | grep -F "$MARK" | head -n 1)
grep -q "^+.*#[0-9]" <<<"$row" || fail "the intake is a new (+) log row on officer-b's console" "$(screen_of b)"
ok "B's row: $row"
out=$(as officer-b zhishou log list 2>&1) || fail "officer-b: zhishou log list" "$out"
grep -qF "$MARK" <<<"$out" || fail "officer-b: zhishou log list shows the intake" "$out"

# ============================================================================
phase "man zhishou"
man_file=$(in_root dpkg -L zhishou | grep -E '^/usr/share/man/man1/zhishou\.1(\.gz)?$' | head -n 1) || true
if [ -z "$man_file" ] || [ ! -s "$ROOT$man_file" ]; then
	fail "the package installed zhishou(1)" "dpkg -L zhishou names: ${man_file:-no man1/zhishou.1}" \
		"$(cat "$ROOT"/etc/dpkg/dpkg.cfg.d/* 2>/dev/null | grep -i path-exclude || echo 'no path-exclude in /etc/dpkg/dpkg.cfg.d')"
fi
out=$(as officer-a sh -c 'MANPAGER=cat MANWIDTH=80 man zhishou 2>&1 | head -n 12') || true
if grep -q "^NAME" <<<"$out" && grep -q "zhishou - the 3·15 duty-night console" <<<"$out"; then
	ok "man zhishou renders ($man_file): $(grep -m1 'zhishou - ' <<<"$out" | sed 's/^ *//')"
else
	fail "man zhishou renders its NAME section (as officer-a over ssh)" "$out"
fi
for page in zhishou.conf.5 zhishou-relay.8; do
	in_root dpkg -L zhishou | grep -qE "/man[58]/$page(\.gz)?$" || fail "the package installed $page" \
		"$(in_root dpkg -L zhishou | grep /man/)"
done

# ============================================================================
phase "relay --check as the unit's user"
unit=""
for d in /lib/systemd/system /usr/lib/systemd/system; do
	if [ -f "$ROOT$d/zhishou-relay.service" ]; then
		unit=$d/zhishou-relay.service
		break
	fi
done
[ -n "$unit" ] || fail "the package installed zhishou-relay.service" "$(in_root dpkg -L zhishou | grep -i systemd)"
unit_key() { sed -n "s/^$1=//p" "$ROOT$unit" | tail -n 1; }
r_user=$(unit_key User)
r_group=$(unit_key Group)
r_supp=$(unit_key SupplementaryGroups)
r_exec=$(unit_key ExecStart)
r_nnp=$(unit_key NoNewPrivileges)
[ -n "$r_user" ] || fail "$unit names User=" "$(cat "$ROOT$unit")"
[ -n "$r_exec" ] || fail "$unit names ExecStart=" "$(cat "$ROOT$unit")"
in_root getent passwd "$r_user" >/dev/null || fail "the unit's User=$r_user exists after install" \
	"$(in_root getent passwd | tail -n 5)"
[ -n "$r_group" ] || r_group=$(in_root id -gn "$r_user")
# systemd: the user's groups (initgroups) plus SupplementaryGroups=
groups=$(in_root id -Gn "$r_user" | tr ' ' '\n')
for g in $r_supp; do groups+=$'\n'$g; done
groups=$(sort -u <<<"$groups" | paste -sd, -)
[ -x "$ROOT${r_exec%% *}" ] ||
	fail "the unit's ExecStart program is installed" "ExecStart=$r_exec"
# relay.conf as the package's README says: 0640 root:<the relay's own group>
conf_group=$r_group
cat >"$ROOT/etc/zhishou/relay.conf" <<'EOF'
# written by tests/pkg/run.sh: one robot, never contacted (--check only)
[relay]
retries = 3

[robot.pkgtest]
type = webhook
url = http://127.0.0.1:9/zhishou-pkg-test
secret = pkg-test-secret
events = all
EOF
in_root chown "root:$conf_group" /etc/zhishou/relay.conf
chmod 0640 "$ROOT/etc/zhishou/relay.conf"
nnp=()
case $r_nnp in yes | true | on | 1) nnp=(--no-new-privs) ;; esac
say "unit: User=$r_user Group=${r_group} SupplementaryGroups=${r_supp:-none} NoNewPrivileges=${r_nnp:-no}"
say "relay.conf: $(in_root stat -c '%U:%G %a' /etc/zhishou/relay.conf)"
# shellcheck disable=SC2086  # ExecStart is a command line: split as systemd would (no quotes in it)
out=$(in_root setpriv --reuid="$r_user" --regid="$r_group" --groups="$groups" "${nnp[@]}" \
	$r_exec --check 2>&1) && rc=0 || rc=$?
if [ "$rc" = 0 ] && grep -q "配置无误" <<<"$out"; then
	ok "$r_exec --check as $r_user ($groups): $(tail -n 1 <<<"$out")"
else
	fail "'$r_exec --check' as the unit's user $r_user:$r_group ($groups) exits 0 and says 配置无误" \
		"exit $rc" "$out"
fi
if grep -q "pkg-test-secret" <<<"$out"; then
	fail "relay --check prints no secret" "$out"
fi
if out=$(as officer-a cat /etc/zhishou/relay.conf 2>&1); then
	fail "officer-a cannot read relay.conf (it holds the robots' secrets)" "$out"
else
	ok "officer-a cannot read relay.conf: $out"
fi

# ============================================================================
phase "the shell cannot reach the data"
# while both consoles are open: the database has its -wal and -shm
for f in "$DB" "$DB-wal" "$DB-shm"; do
	if [ ! -e "$ROOT$f" ]; then
		fail "$f exists while two consoles are open" "$(in_root ls -la /var/lib/zhishou)"
		continue
	fi
	st=$(in_root stat -c '%U:%G %a' "$f")
	case $st in
	zhishou:zhishou\ *) ok "$f is $st" ;;
	*) fail "$f is owned by zhishou:zhishou, not by whoever opened it first" "$st" ;;
	esac
done
for want in "/var/lib/zhishou zhishou:zhishou 2770" "/usr/bin/zhishou zhishou:zhishou 6755"; do
	st=$(in_root stat -c '%n %U:%G %a' "${want%% *}")
	if [ "$st" = "$want" ]; then ok "$st"; else fail "${want%% *} is ${want#* }" "$st"; fi
done
ids=$(as officer-a id 2>&1)
if grep -qE '[(]zhishou[)]' <<<"$ids"; then
	fail "officer-a is not in the group zhishou" "$ids"
fi
# leaked OUTPUT PATH...: the first 16 bytes of OUTPUT (the PATHs named in it
# taken out) that are also in one of the files PATH inside the root.
leaked() {
	python3 - "$ROOT" "$@" <<'PY'
import sys
root, out, paths = sys.argv[1], open(sys.argv[2], "rb").read(), sys.argv[3:]
for p in sorted(paths, key=len, reverse=True):
    out = out.replace(p.encode(), b"")
n = 16
for p in paths:
    try:
        data = open(root + p, "rb").read()
    except OSError:
        continue
    for i in range(len(out) - n + 1):
        w = out[i:i + n]
        if w.strip() and w in data:
            print("%r (also in %s)" % (w.decode("utf-8", "replace"), p))
            sys.exit(0)
PY
}
# printable view of a file that may hold anything
show() { head -c 800 "$1" | LC_ALL=C tr -d '\000-\010\016-\037\177'; }
# refused [-u USER] CHECK CMD...: CMD as officer-a (or USER) must fail and
# print nothing of the database (no 16 bytes of it, not its header, not the
# intake's marker)
refused() {
	local u=officer-a what rc leak
	if [ "$1" = -u ]; then
		u=$2
		shift 2
	fi
	what=$1
	shift
	as "$u" "$@" >"$WORK/out" 2>&1 && rc=0 || rc=$?
	leak=$(leaked "$WORK/out" "$DB" "$DB-wal")
	if [ "$rc" = 0 ]; then
		fail "$u: '$*' fails ($what)" "exit 0" "$(show "$WORK/out")"
	elif [ -n "$leak" ] || grep -qaF -e "SQLite format 3" -e "$MARK" "$WORK/out"; then
		fail "$u: '$*' reveals nothing of the database ($what)" "exit $rc" \
			"leaked: ${leak:-header or marker}" "$(show "$WORK/out")"
	else
		ok "$u: '$*' fails (exit $rc): $(head -n 1 "$WORK/out")"
	fi
}
refused "permission denied" cat "$DB"
refused "permission denied" cat "$DB-wal"
refused "permission denied" sqlite3 "$DB" .dump
refused "the database is not a configuration" zhishou --config "$DB" log list
refused "rights only for the configured database" zhishou --db "$DB-wal" log list
refused -u outsider "not a member ([access] unknown = refuse)" zhishou log list
out=$(as officer-a zhishou log list 2>&1) || fail "officer-a: zhishou log list (the configured database)" "$out"
grep -qF "$MARK" <<<"$out" || fail "officer-a's own zhishou log list shows the intake" "$out"
ok "officer-a's own 'zhishou log list' shows the intake"

# ============================================================================
phase "apt purge"
tm kill-server 2>/dev/null || true
out=$(in_root apt-get purge -y zhishou 2>&1) && rc=0 || rc=$?
[ "$rc" = 0 ] || fail "apt-get purge -y zhishou exits 0" "exit $rc" "$(tail -n 20 <<<"$out")"
if grep -q "/var/lib/zhishou" <<<"$out"; then
	ok "purge says: $(grep -m1 /var/lib/zhishou <<<"$out")"
else
	fail "purge says where the database was left" "$out"
fi
if [ -f "$ROOT$DB" ]; then
	ok "$DB is still there after purge ($(stat -c '%s bytes' "$ROOT$DB"))"
else
	fail "$DB is still there after purge" "$(in_root ls -la /var/lib/zhishou 2>&1)"
fi
# shellcheck disable=SC2016  # dpkg-query's own ${fields}
st=$(in_root dpkg-query -W -f '${Status}' zhishou 2>&1) || true
case $st in
*not-installed* | *"no packages found"*) ok "dpkg: zhishou $st" ;;
*) fail "dpkg says zhishou is purged" "$st" ;;
esac
so=$(in_root dpkg-statoverride --list /usr/bin/zhishou 2>&1) || true
if [ -z "$so" ]; then
	ok "purge took back the statoverride of /usr/bin/zhishou"
else
	fail "purge takes back the statoverride of /usr/bin/zhishou" "$so"
fi

phase ""
DONE=1
