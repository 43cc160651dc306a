#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# journal.sh: -o journal against a real journald. Replayed events carry a
# rule key of their own ($m), so queries see only this run's entries:
#   - every event arrives; MESSAGE is byte for byte the line -o - writes;
#     the AUSCRIBE_* fields agree with it and with what the input says
#     (hex-encoded keys joined by 0x01, hex comm, a user message);
#   - an event with a 1 MiB argument list arrives intact;
#   - journald killed while auscribe runs, more events than the sink's
#     queue holds, journald started again: every event arrives or is
#     counted in the in-band journal_queue loss entry, which comes first;
#     in order, none twice; stderr says when journald went and came back;
#   - journald absent when auscribe starts: everything arrives once it is up.
# The last two only when this script started journald itself: it never
# restarts the system's.
#
# Root, journalctl and jq, else skipped. When no journald runs (a container,
# a build machine), one is started by hand and stopped at the end:
#   unshare --pid --fork systemd-socket-activate -d -l SOCKET systemd-journald
# Started bare, journald would join the kernel's audit multicast group and
# apply journald.conf's Audit= to the kernel (Debian 12: "no", auditing
# off) under every other test on the machine. Handed its socket, it opens
# audit only if handed an audit socket too; and in a PID namespace the
# kernel refuses its AUDIT_SET anyway. What it creates under /run is
# removed at the end (AUSCRIBE_E2E_KEEP=1 keeps it, and the temp dir).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
AUSCRIBE=${AUSCRIBE:-$top_builddir/src/auscribe}
JOURNALD=${JOURNALD:-/lib/systemd/systemd-journald}
SOCKET=/run/systemd/journal/socket
WAIT=30		# seconds for journald to store what was sent
QUEUE=65536	# SINK_JOURNAL_MAX_QUEUED in src/sink_journal.c
export LC_ALL=C

skip() {
	echo "1..0 # SKIP $*"
	exit 0
}

bail() {
	echo "Bail out! $*"
	exit 99
}

[ "$(id -u)" = 0 ] || skip "needs root (journald)"
for c in journalctl jq systemd-cat logger awk od mkfifo flock; do
	command -v "$c" > /dev/null || skip "$c not found"
done
[ -x "$AUSCRIBE" ] || bail "$AUSCRIBE not found or not executable"

# The machine has one journald socket path: take the lock the live tests use,
# so two runs (make check here, CI in a clone) never start journalds together.
exec 8>> /run/auscribe-live.lock || bail "cannot open /run/auscribe-live.lock"
flock -w "${AUSCRIBE_LIVE_LOCK_WAIT:-900}" 8 || bail "/run/auscribe-live.lock still held"

tmp=$(mktemp -d /tmp/auscribe-journal.XXXXXX) || bail "mktemp failed"
. "$top_srcdir/tests/lib/tap.sh"
A=$AUSCRIBE
data=$top_srcdir/tests/golden/input
cp "$top_srcdir/tests/golden/auscribe.conf" "$tmp/plain.conf"  # enrichment off: output depends on the input only

jd_pid=		# our journald's unshare process
jd_ours=	# we started journald: we may restart it, and stop it at the end
jd_made=()	# what did not exist under /run before we started it
a_pid=		# an auscribe reading the FIFO $tmp/in (our fd 3)
a_rc=

journald_alive() {
	systemd-cat -t auscribe-e2e-probe true 2> /dev/null
}

# wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	until "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

# exited PID: PID (a child of ours, or its child) has exited, reaped or not.
exited() {
	! test -d "/proc/$1" || grep -q '^State:.*Z' "/proc/$1/status" 2> /dev/null
}

journald_poke() {
	test -S "$SOCKET" && echo MESSAGE=auscribe-e2e-start | logger --journald 2> /dev/null && journald_alive
}

start_journald() {
	local d
	for d in /run/systemd/journal /run/log/journal; do
		[ -e "$d" ] || jd_made+=("$d")
	done
	mkdir -p /run/systemd/journal
	rm -f "$SOCKET" # nobody answers on it (journald_alive failed)
	# (Not holding the FIFO auscribe reads, or auscribe would never see EOF.)
	unshare --pid --fork --kill-child systemd-socket-activate --datagram --listen="$SOCKET" \
		"$JOURNALD" >> "$tmp/journald.log" 2>&1 3>&- &
	jd_pid=$!
	jd_ours=yes
	# systemd-socket-activate starts journald on the first datagram.
	wait_for 10 journald_poke
}

# Kills our journald as a crash would: SIGKILL, its socket file left behind.
stop_journald() {
	local child
	[ -n "$jd_pid" ] || return 0
	child=$(cat "/proc/$jd_pid/task/$jd_pid/children" 2> /dev/null)
	[ -z "$child" ] || kill -KILL "$child" 2> /dev/null
	kill -KILL "$jd_pid" 2> /dev/null # unshare ignores SIGTERM; --kill-child
	wait "$jd_pid" 2> /dev/null
	jd_pid=
	[ -z "$child" ] || wait_for 5 exited "$child"
}

cleanup() {
	if [ -n "$a_pid" ]; then
		kill "$a_pid" 2> /dev/null
		wait "$a_pid" 2> /dev/null
	fi
	if [ -n "$jd_ours" ]; then
		stop_journald
		[ -n "${AUSCRIBE_E2E_KEEP:-}" ] || [ ${#jd_made[@]} -eq 0 ] || rm -rf "${jd_made[@]}"
	fi
	if [ -n "${AUSCRIBE_E2E_KEEP:-}" ]; then
		echo "# kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Does this build have -o journal?
if ! "$A" -c "$tmp/plain.conf" -i /dev/null -o journal > /dev/null 2> "$tmp/probe.err"; then
	skip "no journald output in this build: $(head -n 1 "$tmp/probe.err")"
fi
if ! journald_alive; then
	[ -x "$JOURNALD" ] || skip "no journald running, and $JOURNALD not found"
	for c in systemd-socket-activate unshare; do
		command -v "$c" > /dev/null || skip "no journald running, and no $c to start one safely"
	done
	# journald itself refuses to run without it (a chroot, a bare container).
	if command -v mountpoint > /dev/null && ! mountpoint -q /sys/fs/cgroup; then
		skip "no journald running, and none can start here: no cgroup filesystem on /sys/fs/cgroup"
	fi
	if command -v pidof > /dev/null && pidof systemd-journald > /dev/null; then
		skip "a journald runs but does not answer; not starting another"
	fi
	start_journald || bail "could not start journald: $(tail -n 3 "$tmp/journald.log")"
fi

now=$(date +%s)
t0=$((now - 1))
m=auscribe-e2e-$$-$now # the rule key of this run's events
hexkey=$(printf '%s\001second' "$m" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)

# entries SINCE: auscribe's entries received since SINCE (epoch seconds),
# one JSON object a line, fields over 4096 bytes included (--all).
entries() {
	journalctl -q --no-pager -t auscribe --since "@$1" -o json --all 2> /dev/null
}

# mine SINCE KEY: those whose AUSCRIBE_KEY is KEY, and the loss entries.
mine() {
	entries "$1" | jq -c --arg k "$2" 'select(.AUSCRIBE_KEY == $k or .AUSCRIBE_RECORD == "AUSCRIBE_LOSS")'
}

# lost FILE: events counted in the journal_queue loss entries of FILE.
lost() {
	jq -s '[.[] | select(.AUSCRIBE_RECORD == "AUSCRIBE_LOSS") | .MESSAGE | fromjson | .AUSCRIBE_LOSS
		| select(.signal == "journal_queue") | .events] | add // 0' "$1"
}

# keyed FILE: how many entries of FILE have a key.
keyed() {
	jq -s '[.[] | select(.AUSCRIBE_KEY)] | length' "$1"
}

# events FIRST LAST KEY: getppid() events FIRST..LAST (the serials) with rule key KEY.
events() {
	awk -v a="$1" -v b="$2" -v k="$3" -v t="$now" 'BEGIN {
		for (i = a; i <= b; i++) {
			id = sprintf("%d.%03d:%d", t + int(i / 1000), i % 1000, i)
			printf "type=SYSCALL msg=audit(%s): arch=c000003e syscall=110 success=yes exit=1 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=%d auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=(none) ses=1 comm=\"e2e\" exe=\"/usr/bin/e2e\" key=\"%s\"\n", id, 100000 + i, k
			printf "type=PROCTITLE msg=audit(%s): proctitle=\"e2e\"\ntype=EOE msg=audit(%s):\n", id, id
		}
	}'
}

plan 15

# ---- fields and messages ---------------------------------------------------
{
	# 1: tests/golden/input/record-execve.txt with our key.
	sed -e "s/1615114232\.375:15558/$now.375:1/" -e "s/key=(null)/key=\"$m\"/" "$data/record-execve.txt"
	# 2: two keys (hex, joined by 0x01), comm hex-encoded, a failed openat.
	cat << EOF
type=SYSCALL msg=audit($now.002:2): arch=c000003e syscall=257 success=no exit=-2 a0=ffffff9c a1=7ffd1 a2=0 a3=0 items=1 ppid=1 pid=4242 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=6D792070726F67 exe="/usr/local/bin/myprog" key=$hexkey
type=CWD msg=audit($now.002:2): cwd="/tmp"
type=PATH msg=audit($now.002:2): item=0 name="/nonexistent" nametype=UNKNOWN cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0
type=EOE msg=audit($now.002:2):
EOF
	# 3: a user message (no key): pid, uid, auid at the top, exe and res in msg='...'.
	echo "type=USER_ACCT msg=audit($now.003:3): pid=9460 uid=1000 auid=1000 ses=1 msg='op=PAM:accounting grantors=pam_permit acct=\"user\" exe=\"/usr/bin/sudo\" hostname=? addr=? terminal=/dev/pts/1 res=success'"
	# 4: execve with 1024 arguments of 1 KiB, 8 to an EXECVE record.
	echo "type=SYSCALL msg=audit($now.004:4): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=4343 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"big\" exe=\"/usr/bin/big\" key=\"$m\""
	awk -v t="$now" 'BEGIN {
		pad = sprintf("%1017s", ""); gsub(/ /, "x", pad)
		for (r = 0; r < 128; r++) {
			printf "type=EXECVE msg=audit(%d.004:4):%s", t, r == 0 ? " argc=1024" : ""
			for (i = r * 8; i < r * 8 + 8; i++)
				printf " a%d=\"arg%04d%s\"", i, i, pad
			printf "\n"
		}
	}'
	echo "type=EOE msg=audit($now.004:4):"
} > "$tmp/events.log"
# Labels from the key: AUSCRIBE_LABEL (the rest of enrichment stays off).
{ cat "$tmp/plain.conf"; printf '[label-process]\nlabel-keys = %s\n' "$m"; } > "$tmp/label.conf"
"$A" -c "$tmp/label.conf" -i "$tmp/events.log" -o - > "$tmp/expected.jsonl" 2> "$tmp/expected.err" ||
	bail "auscribe -o - failed: $(head -n 3 "$tmp/expected.err")"
"$A" -c "$tmp/label.conf" -i "$tmp/events.log" -o journal > "$tmp/out" 2> "$tmp/err"
rc=$?
check "a replay to the journal exits 0, quietly" sh -c "test $rc -eq 0 && ! test -s '$tmp/err' && ! test -s '$tmp/out'"

# got_all: this run's four events, in the order journald received them.
got_all() {
	entries "$t0" | jq -c --arg k "$m" --arg u "$now.003:3" \
		'select(((.AUSCRIBE_KEY // []) | if type == "array" then . else [.] end | index($k)) or .AUSCRIBE_ID == $u)' \
		> "$tmp/got.json"
	test "$(wc -l < "$tmp/got.json")" -ge 4
}
four_arrived() {
	wait_for $WAIT got_all && test "$(wc -l < "$tmp/got.json")" -eq 4
}
check "every event arrives (4)" four_arrived
messages() {
	jq -j '.MESSAGE + "\n"' "$tmp/got.json" | cmp - "$tmp/expected.jsonl"
}
check "MESSAGE is the line -o - writes, byte for byte, in order" messages

# The fields agree with the JSON (the strings here need no percent-encoding).
cat > "$tmp/agree.jq" << 'EOF'
def arr: if . == null then [] elif type == "array" then . else [.] end;
def agree:
	(.MESSAGE | fromjson) as $e
	| .SYSLOG_IDENTIFIER == "auscribe" and .PRIORITY == "6"
	  and .AUSCRIBE_ID == $e.ID
	  and .AUSCRIBE_NODE == $e.NODE
	  and (.AUSCRIBE_RECORD | arr) == ($e | keys_unsorted - ["ID", "NODE"])
	  and (if $e.SYSCALL then
		.AUSCRIBE_PID == ($e.SYSCALL.pid | tostring) and .AUSCRIBE_PPID == ($e.SYSCALL.ppid | tostring)
		and .AUSCRIBE_UID == ($e.SYSCALL.uid | tostring) and .AUSCRIBE_AUID == ($e.SYSCALL.auid | tostring)
		and .AUSCRIBE_EXIT == ($e.SYSCALL.exit | tostring) and .AUSCRIBE_SUCCESS == $e.SYSCALL.success
		and .AUSCRIBE_EXE == $e.SYSCALL.exe and .AUSCRIBE_COMM == $e.SYSCALL.comm
		and (.AUSCRIBE_LABEL | arr) == ($e.SYSCALL.LABELS // [])
	       else true end)
	  # nothing but MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, AUSCRIBE_*, and journald's own
	  and ([keys[] | select(startswith("AUSCRIBE_") or startswith("_") | not)]
	       - ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER"] == []);
length == 4 and all(.[]; agree)
EOF
check "fixed fields, and the indexed fields agree with MESSAGE" jq -e -s -f "$tmp/agree.jq" "$tmp/got.json"
check "event 1: node, records, syscall name, key, process" jq -e -s --arg id "$now.375:1" --arg k "$m" '.[] | select(.AUSCRIBE_ID == $id)
	| .AUSCRIBE_NODE == "work" and .AUSCRIBE_RECORD == ["SYSCALL", "EXECVE", "CWD", "PATH", "PROCTITLE"]
	  and .AUSCRIBE_SYSCALL == "execve" and .AUSCRIBE_KEY == $k and .AUSCRIBE_SUCCESS == "yes" and .AUSCRIBE_EXIT == "0"
	  and .AUSCRIBE_PID == "10884" and .AUSCRIBE_PPID == "10883" and .AUSCRIBE_EXE == "/usr/bin/whoami"
	  and .AUSCRIBE_COMM == "whoami" and .AUSCRIBE_AUID == "1000" and .AUSCRIBE_UID == "0"' "$tmp/got.json"
check "event 2: two keys from hex, comm from hex, a failure" jq -e -s --arg id "$now.002:2" --arg k "$m" '.[] | select(.AUSCRIBE_ID == $id)
	| .AUSCRIBE_KEY == [$k, "second"] and .AUSCRIBE_COMM == "my prog" and .AUSCRIBE_SYSCALL == "openat"
	  and .AUSCRIBE_SUCCESS == "no" and .AUSCRIBE_EXIT == "-2" and .AUSCRIBE_NODE == null' "$tmp/got.json"
check "event 3: a user message's pid, uid, auid, exe and res" jq -e -s --arg id "$now.003:3" '.[] | select(.AUSCRIBE_ID == $id)
	| .AUSCRIBE_RECORD == "USER_ACCT" and .AUSCRIBE_PID == "9460" and .AUSCRIBE_UID == "1000" and .AUSCRIBE_AUID == "1000"
	  and .AUSCRIBE_EXE == "/usr/bin/sudo" and .AUSCRIBE_SUCCESS == "yes" and .AUSCRIBE_SYSCALL == null
	  and .AUSCRIBE_KEY == null' "$tmp/got.json"
big_intact() {
	jq -j --arg id "$now.004:4" 'select(.AUSCRIBE_ID == $id) | .MESSAGE + "\n"' "$tmp/got.json" > "$tmp/big.got" &&
		grep -F "{\"ID\":\"$now.004:4\"" "$tmp/expected.jsonl" | cmp - "$tmp/big.got" &&
		test "$(wc -c < "$tmp/big.got")" -gt 1048576 &&
		jq -e '.EXECVE.ARGV | length == 1024' "$tmp/big.got" > /dev/null
}
check "the 1 MiB argument list arrives intact" big_intact

# The queries docs/journald.md shows (one field twice: OR; different fields: AND).
q() {
	journalctl -q --no-pager -t auscribe --since "@$t0" "$@" -o cat 2> /dev/null | wc -l
}
queries() {
	test "$(q AUSCRIBE_KEY="$m")" -eq 3 &&
		test "$(q AUSCRIBE_KEY="$m" AUSCRIBE_RECORD=EXECVE)" -eq 2 &&
		test "$(q AUSCRIBE_KEY="$m" AUSCRIBE_SUCCESS=no)" -eq 1 &&
		test "$(q AUSCRIBE_KEY="$m" AUSCRIBE_EXE=/usr/bin/whoami AUSCRIBE_EXE=/usr/local/bin/myprog)" -eq 2 &&
		test "$(q AUSCRIBE_EXE=/usr/bin/sudo AUSCRIBE_ID="$now.003:3")" -eq 1 &&
		test "$(q AUSCRIBE_KEY=second AUSCRIBE_SYSCALL=openat AUSCRIBE_ID="$now.002:2")" -eq 1 &&
		test "$(q AUSCRIBE_LABEL="$m")" -eq 3
}
check "queries: by key, record type, success, exe, ID, label" queries

# ---- journald killed and started again in the middle of a stream -----------
if [ -z "$jd_ours" ]; then
	for d in "stderr reports the outage, once" "stderr reports the recovery" \
		"every event arrives or is counted lost in band" "in order, none twice" \
		"the loss entry comes first, PRIORITY=4, AUSCRIBE_RECORD=AUSCRIBE_LOSS" \
		"journald absent at start: everything arrives once it is up, in order"; do
		tap_i=$((tap_i + 1))
		echo "ok $tap_i - $d # SKIP journald is the system's; only one this test started is restarted"
	done
	exit $((tap_failed > 0))
fi

# start_auscribe ERR: auscribe reading the FIFO $tmp/in, which fd 3 writes.
start_auscribe() {
	rm -f "$tmp/in"
	mkfifo "$tmp/in"
	"$A" -c "$tmp/plain.conf" -i - -o journal < "$tmp/in" > /dev/null 2> "$1" &
	a_pid=$!
	exec 3> "$tmp/in"
}

# stop_auscribe: EOF, then wait for it to exit (it sends what it still can).
stop_auscribe() {
	exec 3>&-
	wait_for $((2 * WAIT)) exited "$a_pid" || kill "$a_pid"
	wait "$a_pid"
	a_rc=$?
	a_pid=
}

N1=100
N2=$((QUEUE + 4000)) # more than the sink's queue holds
N3=100
N=$((N1 + N2 + N3))
k=$m-restart
t1=$(date +%s)
start_auscribe "$tmp/restart.err"
events 1 $N1 "$k" >&3
stored() {
	mine "$t1" "$k" > "$tmp/restart.json"
	test "$(keyed "$tmp/restart.json")" -ge $N1
}
wait_for $WAIT stored || bail "journald did not store the first $N1 events"
stop_journald
# This returns once auscribe has read all but a pipe's worth; then it has a moment for the rest.
events $((N1 + 1)) $((N1 + N2)) "$k" >&3
wait_for 10 grep -q 'journald not reachable' "$tmp/restart.err"
sleep 1
start_journald || bail "could not start journald again: $(tail -n 3 "$tmp/journald.log")"
events $((N1 + N2 + 1)) $N "$k" >&3
stop_auscribe
settled() {
	mine "$t1" "$k" > "$tmp/restart.json"
	test $(($(keyed "$tmp/restart.json") + $(lost "$tmp/restart.json"))) -ge $N
}
wait_for $WAIT settled
got=$(keyed "$tmp/restart.json")
nlost=$(lost "$tmp/restart.json")
echo "# $N events: $got in the journal, $nlost counted lost in band; auscribe exited $a_rc"
sed 's/^/# stderr: /' "$tmp/restart.err"
check "stderr reports the outage, once" test "$(grep -c "journald not reachable (Connection refused): queueing up to $QUEUE events" "$tmp/restart.err")" -eq 1
check "stderr reports the recovery" grep -Eq "journald back: [0-9]+ queued events sent, $nlost dropped" "$tmp/restart.err"
check "every event arrives or is counted lost in band ($got + $nlost = $N)" test $nlost -gt 0 -a $((got + nlost)) -eq $N
check "in order, none twice" jq -e -s '[.[] | select(.AUSCRIBE_KEY) | .AUSCRIBE_ID | split(":")[1] | tonumber] as $s
	| $s == ($s | unique) and ($s | length) > 0' "$tmp/restart.json"
# Before journald went: events 1..N1; then the loss entry; then N1+1...
check "the loss entry comes first, PRIORITY=4, AUSCRIBE_RECORD=AUSCRIBE_LOSS" jq -e -s --argjson n1 $N1 '
	(map(.AUSCRIBE_RECORD == "AUSCRIBE_LOSS") | index(true)) as $i
	| $i != null and .[$i].PRIORITY == "4" and .[$i].SYSLOG_IDENTIFIER == "auscribe"
	  and (.[$i].MESSAGE | fromjson | .AUSCRIBE_LOSS.signal == "journal_queue")
	  and ([.[:$i][] | .AUSCRIBE_ID | split(":")[1] | tonumber] == [range(1; $n1 + 1)])
	  and (.[$i + 1].AUSCRIBE_ID | split(":")[1] | tonumber) == $n1 + 1' "$tmp/restart.json"

# ---- journald absent when auscribe starts ----------------------------------
stop_journald
rm -f "$SOCKET"
k=$m-absent
t2=$(date +%s)
start_auscribe "$tmp/absent.err"
events 1 50 "$k" >&3
wait_for 10 grep -q 'journald not reachable (No such file or directory)' "$tmp/absent.err"
start_journald || bail "could not start journald again: $(tail -n 3 "$tmp/journald.log")"
events 51 100 "$k" >&3
stop_auscribe
arrived() {
	mine "$t2" "$k" > "$tmp/absent.json"
	test "$(keyed "$tmp/absent.json")" -ge 100
}
wait_for $WAIT arrived
absent_ok() {
	test "$a_rc" -eq 0 &&
		jq -e -s '[.[] | .AUSCRIBE_ID | split(":")[1] | tonumber] == [range(1; 101)]' "$tmp/absent.json" > /dev/null &&
		grep -q 'journald back: 50 queued events sent, 0 dropped' "$tmp/absent.err"
}
check "journald absent at start: everything arrives once it is up, in order" absent_ok
exit $((tap_failed > 0))
