# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Helpers for the live end-to-end tests (tests/e2e/live.sh, coexist.sh,
# loss.sh), which drive the real kernel audit. Bash only; source it after
# tests/lib/tap.sh.
#
# Kernel audit state is global and shared with whatever else runs on the
# machine, so every live test follows the same rules, enforced here:
# - it runs only as root with CAP_AUDIT_CONTROL and CAP_AUDIT_READ and a
#   working audit subsystem (otherwise "1..0 # SKIP reason", exit 0);
# - it holds LIVE_LOCK (flock; the benchmark takes the same lock) from
#   before it reads the kernel state until it has restored it, so no two
#   live tests ever overlap;
# - its rules carry its own key ($live_key) and match only processes with
#   its own login uid ($live_auid), which live_as_workload sets (a watch,
#   which cannot, only a directory of its own); on exit,
#   whatever happens, exactly those rules are removed (auditctl -d / -W
#   with the same text; never auditctl -D) and the enabled flag it found
#   is restored;
# - every process it starts is stopped and waited for, with a bound.
#
#   live_init NAME             checks, temp dir $tmp, lock, auditctl -e 1
#   live_rule "always,exit …"  adds a rule at the head of the list (auditctl
#                              -A, so the host's own rules cannot claim our
#                              events for their keys), removed at exit
#   live_watch DIR PERMS       adds a watch (auditctl -w), removed at exit
#   live_as_workload CMD…      runs CMD in a subshell with login uid $live_auid
#   live_workload_nudged CMD…  the same for bursts: wakes tasks the kernel
#                              forgot in its backlog wait
#   live_auscribe_start CONF OUT   starts $AUSCRIBE -i netlink, waits for
#                              "listening" (skips the script when the build
#                              has no netlink input yet: call it before plan)
#   live_auscribe_stop         SIGTERM, waits; sets $live_auscribe_rc
#   live_auscribe_usr1         SIGUSR1, waits for a new counters line
#   live_capture_start RAW     a reference reader (tools/audit-capture)
#   live_capture_stop          stops it; sets $live_capture_summary
#   live_restore               removes our rules, restores enabled (also
#                              done at exit)
#   live_on_exit CMD           runs CMD in the exit cleanup (after auscribe
#                              and the capture stop, before the rules go)
#
# Environment: top_srcdir, top_builddir, AUSCRIBE (set by automake);
# AUSCRIBE_NO_LIVE=1 (set by make check after ./configure
# --disable-live-tests, as in make distcheck) skips every live script;
# AUDIT_CAPTURE names a built tools/audit-capture; AUSCRIBE_LIVE_LOCK_WAIT
# (seconds, default 900); AUSCRIBE_LIVE_KEEP=1 keeps the temp dir.

LIVE_LOCK=/run/auscribe-live.lock
LIVE_START_TIMEOUT=10	# seconds for auscribe to say "listening"
LIVE_STOP_TIMEOUT=10	# seconds for a stopped process to exit before SIGKILL
LIVE_PATH=/usr/sbin:/usr/bin:/sbin:/bin

live_key=
live_auid=
live_lock_fd=
live_enabled_before=
live_rules=()
live_watches=()
live_exit_hooks=()
live_auscribe_pid=
live_auscribe_rc=
live_auscribe_err=
live_capture_pid=
live_capture_err=
live_capture_summary=

live_skip() {
	echo "1..0 # SKIP $*"
	exit 0
}

live_bail() {
	echo "Bail out! $*"
	exit 99
}

# live_skip_test DESCRIPTION REASON: one skipped TAP test (counts as ok).
live_skip_test() {
	tap_i=$((tap_i + 1))
	echo "ok $tap_i - $1 # SKIP $2"
}

# live_has_cap N: whether capability number N is in our effective set.
live_has_cap() {
	local eff
	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	[ -n "$eff" ] && (((0x$eff >> $1) & 1))
}

# live_status FIELD: one value of `auditctl -s` (enabled, pid, lost, …).
live_status() {
	auditctl -s 2>/dev/null | awk -v f="$1" '$1 == f { print $2; exit }'
}

live_init() {
	local name=$1 out
	top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
	top_builddir=${top_builddir:-$top_srcdir}
	AUSCRIBE=${AUSCRIBE:-$top_builddir/src/auscribe}
	export LC_ALL=C

	[ -z "${AUSCRIBE_NO_LIVE:-}" ] || live_skip "AUSCRIBE_NO_LIVE is set (./configure --disable-live-tests)"
	[ "$(id -u)" = 0 ] || live_skip "needs root"
	live_has_cap 30 || live_skip "needs CAP_AUDIT_CONTROL"
	live_has_cap 37 || live_skip "needs CAP_AUDIT_READ"
	command -v auditctl > /dev/null || live_skip "auditctl not found (Debian package 'auditd')"
	command -v jq > /dev/null || live_skip "jq not found (Debian package 'jq')"
	command -v flock > /dev/null || live_skip "flock not found (Debian package 'util-linux')"
	command -v perl > /dev/null || live_skip "perl not found"
	out=$(auditctl -s 2>&1) || live_skip "kernel audit unavailable: $(echo "$out" | head -n 1)"
	[ -x "$AUSCRIBE" ] || live_bail "$AUSCRIBE not found or not executable"

	tmp=$(mktemp -d "/tmp/auscribe-$name.XXXXXX") || live_bail "mktemp failed"
	trap live_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP

	live_key=auscribe-test-$name-$$
	# A login uid nobody has, unique per process: the rules match it only.
	live_auid=$((2000000000 + $$))

	exec {live_lock_fd}>> "$LIVE_LOCK" || live_bail "cannot open $LIVE_LOCK"
	flock -w "${AUSCRIBE_LIVE_LOCK_WAIT:-900}" "$live_lock_fd" ||
		live_bail "$LIVE_LOCK still held after ${AUSCRIBE_LIVE_LOCK_WAIT:-900} s"

	live_enabled_before=$(live_status enabled)
	case "$live_enabled_before" in
	0 | 1) ;;
	2) live_enabled_before=; live_skip "audit configuration is locked (enabled 2)" ;;
	*) live_enabled_before=; live_skip "cannot read the audit enabled flag" ;;
	esac
	auditctl -e 1 > /dev/null || live_bail "auditctl -e 1 failed"
	# Setting our own login uid needs CAP_AUDIT_CONTROL and an unlocked
	# loginuid_immutable; the rules rely on it.
	(echo "$live_auid" > /proc/self/loginuid) 2> /dev/null ||
		live_skip "cannot set /proc/self/loginuid (loginuid_immutable?)"
}

# live_rule RULE: auditctl -A RULE (first in the list: the kernel gives an
# event the key of the first rule it matches); the text is split on blanks, as
# auditctl's own rule files are. Returns auditctl's status (a rule the
# kernel refuses, e.g. arch=b32 without compat, is not remembered).
live_rule() {
	# shellcheck disable=SC2086 # split on purpose
	auditctl -A $1 > "$tmp/auditctl.err" 2>&1 || return 1
	live_rules+=("$1")
}

# live_watch DIR PERMS
live_watch() {
	auditctl -w "$1" -p "$2" -k "$live_key" > "$tmp/auditctl.err" 2>&1 || return 1
	live_watches+=("$1 $2")
}

live_on_exit() {
	live_exit_hooks+=("$*")
}

# live_as_workload CMD...: CMD in a subshell with our login uid, a fixed
# search path and the C locale (so the audited programs open the same
# files on every machine), without the lock descriptor.
live_as_workload() {
	(
		echo "$live_auid" > /proc/self/loginuid || exit 99
		PATH=$LIVE_PATH
		"$@"
	) {live_lock_fd}>&-
}

# live_workload_nudged CMD...: live_as_workload CMD in the background,
# nudging kauditd while it runs. The kernel can lose the wake-up of a task
# waiting for room in the backlog (audit_log_start() checks "queue full"
# before joining audit_backlog_wait; LKML 2023-05-08 "audit: refactor and
# fix for potential deadlock"): the task then sleeps in D state for up to
# backlog_wait_time (60 s) with an empty queue. When a task of ours (our
# login uid) is seen there twice, 50 ms apart, with the backlog empty,
# "auditctl -e 1" (a no-op: we set it) makes kauditd run and wake it.
# Counts in $live_nudges; returns CMD's status.
live_nudges=0
live_stuck() { # /proc/PID: waiting in audit_log_start() while the backlog is empty
	[ "$(cat "$1/wchan" 2> /dev/null)" = audit_log_start ] &&
		grep -q '^[0-9]* ([^)]*) D' "$1/stat" 2> /dev/null &&
		[ "$(live_status backlog)" = 0 ]
}
live_workload_nudged() {
	local pid f p
	live_as_workload "$@" &
	pid=$!
	while live_running "$pid"; do
		grep -lx "$live_auid" /proc/[0-9]*/loginuid 2> /dev/null > "$tmp/ours"
		while read -r f; do
			p=${f%/loginuid}
			if live_stuck "$p" && sleep 0.05 && live_stuck "$p"; then
				auditctl -e 1 > /dev/null 2>&1
				live_nudges=$((live_nudges + 1))
			fi
		done < "$tmp/ours"
		sleep 0.05
	done
	wait "$pid"
}

# live_running PID: PID exists and is not a zombie.
live_running() {
	local st
	st=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

# live_wait_exit PID [TIMEOUT]: waits for our child PID to end, SIGKILLs it
# after TIMEOUT seconds; returns its exit status.
live_wait_exit() {
	local pid=$1 i n=$((${2:-$LIVE_STOP_TIMEOUT} * 20))
	for ((i = 0; i < n; i++)); do
		live_running "$pid" || break
		sleep 0.05
	done
	if ((i == n)); then
		echo "live.sh: pid $pid did not exit within ${2:-$LIVE_STOP_TIMEOUT} s, killing it" >&2
		kill -KILL "$pid" 2> /dev/null
	fi
	wait "$pid"
}

# live_wait_for FILE STRING SECONDS: until FILE contains STRING.
live_wait_for() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -qaF -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.05
	done
	return 1
}

# live_nl_sockets PID: "INODE DROPS" of PID's sockets that are members of
# the audit multicast group (protocol 9, group bit 1), from /proc/net/netlink.
live_nl_sockets() {
	local fd link inodes=
	for fd in /proc/"$1"/fd/*; do
		link=$(readlink "$fd" 2> /dev/null) || continue
		case "$link" in socket:\[*\]) inodes="$inodes ${link//[^0-9]/}" ;; esac
	done
	awk -v inodes="$inodes" '
		BEGIN { n = split(inodes, a, " "); for (i = 1; i <= n; i++) mine[a[i]] = 1 }
		$2 == 9 && ($10 in mine) && substr($4, length($4)) ~ /[13579bdfBDF]/ { print $10, $9 }
	' /proc/net/netlink
}

# live_auscribe_start CONF OUT: starts the daemon on the live input and
# waits until it has joined the group. Skips the whole script when this
# build does not have the netlink input yet.
live_auscribe_start() {
	local i
	live_auscribe_err=$tmp/auscribe.err
	: > "$live_auscribe_err"
	"$AUSCRIBE" -c "$1" -i netlink -o "$2" > /dev/null 2> "$live_auscribe_err" {live_lock_fd}>&- &
	live_auscribe_pid=$!
	for ((i = 0; i < LIVE_START_TIMEOUT * 20; i++)); do
		grep -q listening "$live_auscribe_err" && return 0
		if ! live_running "$live_auscribe_pid"; then
			wait "$live_auscribe_pid"
			live_auscribe_rc=$?
			live_auscribe_pid=
			grep -q 'not supported yet' "$live_auscribe_err" &&
				live_skip "this build has no netlink input yet: $(head -n 1 "$live_auscribe_err")"
			live_bail "auscribe -i netlink exited with status $live_auscribe_rc: $(head -c 500 "$live_auscribe_err")"
		fi
		sleep 0.05
	done
	live_bail "auscribe did not say 'listening' within $LIVE_START_TIMEOUT s: $(head -c 500 "$live_auscribe_err")"
}

live_auscribe_stop() {
	[ -n "$live_auscribe_pid" ] || return 0
	kill -CONT "$live_auscribe_pid" 2> /dev/null
	kill -TERM "$live_auscribe_pid" 2> /dev/null
	live_wait_exit "$live_auscribe_pid"
	live_auscribe_rc=$?
	live_auscribe_pid=
	return 0
}

# live_auscribe_alive: running, not a zombie.
live_auscribe_alive() {
	[ -n "$live_auscribe_pid" ] && live_running "$live_auscribe_pid"
}

# live_auscribe_usr1: SIGUSR1, then waits up to 5 s for a new stderr line
# with (at least three) name=number counters; prints it.
live_auscribe_usr1() {
	local before i
	before=$(wc -l < "$live_auscribe_err")
	kill -USR1 "$live_auscribe_pid" || return 1
	for ((i = 0; i < 100; i++)); do
		if tail -n +"$((before + 1))" "$live_auscribe_err" | grep -E '([a-z_]+=[0-9]+[^a-z_=]+){2}[a-z_]+=[0-9]+'; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# live_auscribe_counter NAME: the last NAME=N auscribe printed on stderr.
live_auscribe_counter() {
	grep -oE "(^|[^a-z_])$1=[0-9]+" "$live_auscribe_err" | tail -n 1 | sed 's/.*=//'
}

# live_capture_start RAW: a reference reader of the multicast group with
# a 64 MiB buffer (tools/audit-capture), writing raw lines to RAW, ready
# when this returns 0. Returns 1 when no capture tool can be found or built.
live_capture_start() {
	local cap=${AUDIT_CAPTURE:-} i
	[ -n "$cap" ] || [ ! -x "$top_builddir/tools/audit-capture" ] || cap=$top_builddir/tools/audit-capture
	if [ -z "$cap" ]; then
		cap=$tmp/audit-capture
		if [ ! -x "$cap" ]; then
			mkdir -p "$tmp/capture-build" && : > "$tmp/capture-build/config.h"
			# shellcheck disable=SC2046 # pkg-config prints a word list
			cc -std=gnu11 -O2 -I"$tmp/capture-build" -o "$cap" "$top_srcdir/tools/audit-capture.c" \
				$(pkg-config --cflags --libs libmnl audit 2> /dev/null) > /dev/null 2>&1 || return 1
		fi
	fi
	live_capture_err=$1.err
	"$cap" > "$1" 2> "$live_capture_err" {live_lock_fd}>&- &
	live_capture_pid=$!
	for ((i = 0; i < LIVE_START_TIMEOUT * 20; i++)); do
		[ -n "$(live_nl_sockets "$live_capture_pid")" ] && return 0
		live_running "$live_capture_pid" || break
		sleep 0.05
	done
	live_capture_stop
	live_bail "the reference capture did not join the group: $(head -c 300 "$live_capture_err")"
}

# live_capture_stop: sets live_capture_summary to its last stderr line
# ("N records, N overruns (ENOBUFS), N socket drops, ...").
live_capture_stop() {
	[ -n "$live_capture_pid" ] || return 0
	kill -INT "$live_capture_pid" 2> /dev/null
	live_wait_exit "$live_capture_pid"
	live_capture_pid=
	live_capture_summary=$(tail -n 1 "$live_capture_err")
}

# live_capture_clean: the reference saw everything (no overrun, no drop).
live_capture_clean() {
	echo "$live_capture_summary" | grep -q ' 0 overruns (ENOBUFS), 0 socket drops, 0 truncated'
}

# live_restore: removes exactly our rules and watches, restores the enabled
# flag found at the start; idempotent (the exit cleanup calls it again).
# Status 1 when a rule with our key is still loaded.
live_restore() {
	local i r left=0
	for ((i = ${#live_rules[@]} - 1; i >= 0; i--)); do
		r=${live_rules[i]}
		# shellcheck disable=SC2086
		auditctl -d $r > /dev/null 2>&1 || echo "live.sh: failed to remove rule: -a $r" >&2
	done
	live_rules=()
	for r in "${live_watches[@]}"; do
		auditctl -W "${r% *}" -p "${r##* }" -k "$live_key" > /dev/null 2>&1 ||
			echo "live.sh: failed to remove watch: -w $r" >&2
	done
	live_watches=()
	if [ -n "$live_key" ]; then
		left=$(auditctl -l 2> /dev/null | grep -cF -- "$live_key")
		[ "$left" = 0 ] || echo "live.sh: $left rules with key $live_key are still loaded" >&2
	fi
	if [ -n "$live_enabled_before" ]; then
		auditctl -e "$live_enabled_before" > /dev/null ||
			echo "live.sh: failed to restore enabled $live_enabled_before" >&2
	fi
	[ "$left" = 0 ]
}

live_cleanup() {
	local rc=$? i
	set +e
	trap - EXIT INT TERM HUP
	live_auscribe_stop
	live_capture_stop
	for ((i = ${#live_exit_hooks[@]} - 1; i >= 0; i--)); do
		eval "${live_exit_hooks[i]}"
	done
	live_restore
	[ -z "$live_lock_fd" ] || exec {live_lock_fd}>&-
	if [ -n "${AUSCRIBE_LIVE_KEEP:-}" ]; then
		echo "live.sh: kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
	exit "$rc"
}

# live_types_raw RAW KEY: {ID: {TYPE: count}} for the events of raw audit
# lines (auditd's log, a capture) that have a SYSCALL record with KEY; EOE
# is left out (auditd does not log it, auscribe does not write it).
live_types_raw() {
	awk -v k="key=\"$2\"" '
		match($0, /^(node=[^ ]+ )?type=[^ ]+ msg=audit\([0-9]+\.[0-9]+:[0-9]+\)/) {
			s = substr($0, RSTART, RLENGTH)
			sub(/^node=[^ ]+ /, "", s)
			t = s; sub(/^type=/, "", t); sub(/ .*/, "", t)
			id = s; sub(/.*msg=audit\(/, "", id); sub(/\)$/, "", id)
			print id, t, (t == "SYSCALL" && index($0, k) ? 1 : 0)
		}' "$1" |
		jq -R -n '[inputs | split(" ")] as $r
			| (reduce ($r[] | select(.[2] == "1") | .[0]) as $i ({}; .[$i] = true)) as $keyed
			| reduce ($r[] | select($keyed[.[0]] and .[1] != "EOE")) as $x ({}; .[$x[0]][$x[1]] += 1)'
}

# live_types_json OUT KEY: the same map for auscribe's events whose SYSCALL
# has KEY: a list type counts its records, an object type (several records
# merged, SYSCALL, EXECVE, ...) is -1, "at least one".
live_types_json() {
	jq -s --arg k "$2" 'map(select(.SYSCALL.key? == $k)
		| {key: .ID, value: (del(.ID, .NODE) | map_values(if type == "array" then length else -1 end))})
		| from_entries' "$1"
}

# live_types_compare RAWMAP JSONMAP: prints one line per event that is
# missing on either side or has other record types; status 1 if any.
live_types_compare() {
	local out
	out=$(jq -n -r --slurpfile a "$1" --slurpfile b "$2" '
		$a[0] as $A | $b[0] as $B
		| (($A | keys) + ($B | keys) | unique)[] as $id
		| if $B[$id] == null then "\($id): only in the raw records (\($A[$id] | keys | join(",")))"
		elif $A[$id] == null then "\($id): only in auscribe (\($B[$id] | keys | join(",")))"
		elif ($A[$id] | keys) != ($B[$id] | keys)
			or any($B[$id] | to_entries[]; .value != -1 and .value != $A[$id][.key])
		then "\($id): raw \($A[$id] | tojson) auscribe \($B[$id] | tojson)"
		else empty end') || return 2
	[ -z "$out" ] && return 0
	echo "$out"
	return 1
}
