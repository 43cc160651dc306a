#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/live.sh [SECONDS]: live benchmark against the real kernel audit
# multicast group. Needs root. Each burst lasts SECONDS (default 5, 3 to 30);
# the whole run is about 15 bursts (~2 minutes at 5 s) and stops by itself.
#
#   1. kernel event rate: bench/gen.c makes audit events as fast as it can
#      (a getsid() loop, or vfork+exec /bin/true), with one and with two
#      generator processes, counted by the floor reader;
#   2. the floor reader (bench/floor.c): one recv() per datagram vs
#      recvmmsg() batches of 64: CPU per event, ENOBUFS, socket drops; and
#      recv() with the system's default buffer at two generators;
#   3. auscribe -i netlink with its default buffer: events written for our
#      key vs generated, CPU per event from /proc/PID/stat; if it loses at
#      full speed, paced runs at 1/2 and 1/4 of that rate; skipped with a
#      message when "$AUSCRIBE -i netlink" does not start listening;
#   4. beside auditd: a private auditd (own config in a temp dir, RAW log) is
#      started when none is registered; its sustained rate, and whether the
#      multicast readers lose anything next to it;
#   5. two generators: auscribe's in-band loss records vs the true loss
#      (generated - written), at full speed and with auscribe stopped
#      (SIGSTOP) for 1 s mid-burst so that its buffer must overflow.
#
# Kernel state: the generators switch to an otherwise unused uid, and two
# rules keyed "auscribe-bench-PID" match only that uid. On exit (also on
# INT/TERM) exactly those rules are deleted, the enabled flag found at start
# is restored and the private auditd is stopped; never "auditctl -D". The
# live part holds an flock on /run/auscribe-live.lock, as all live tests do.
# A generator stuck by the kernel's lost backlog wake-up (see unstick) is
# woken with "auditctl -e 1", a no-op while enabled is 1.
#
# Environment: AUSCRIBE (default build/src/auscribe), AUSCRIBE_CONF (default
# an empty file: built-in defaults), CC (default gcc), LIVE_KEEP=1 keeps the
# temp dir.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
secs=${1:-5}
bin=${AUSCRIBE:-$top/build/src/auscribe}
cc=${CC:-gcc}
lock=/run/auscribe-live.lock
key=auscribe-bench-$$
# An unused uid, unique per run: rules with -F uid= match the generators only.
guid=$((3900000000 + $$))
rule_sys="always,exit -F arch=b64 -S getsid -F uid=$guid -F key=$key"
rule_exec="always,exit -F arch=b64 -S execve -F uid=$guid -F key=$key"

case $secs in
'' | *[!0-9]*) echo "usage: bench/live.sh [SECONDS]" >&2; exit 2 ;;
esac
if [ "$secs" -lt 3 ] || [ "$secs" -gt 30 ]; then
	echo "live.sh: SECONDS must be 3..30" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "live.sh: needs root (CAP_AUDIT_CONTROL, CAP_AUDIT_READ, CAP_NET_ADMIN)" >&2
	exit 1
fi
for c in auditctl flock "$cc" pkg-config; do
	command -v "$c" > /dev/null || { echo "live.sh: $c not found" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/auscribe-bench-live.XXXXXX)
live_pids=
rules_loaded=
enabled0=
auditd_pid=
pidfile_new=

alive() { # PID: running and not a zombie
	[ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2> /dev/null
}

stop_pid() { # PID [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 10)
	_n=$((${2:-10} * 10))
	kill -CONT "$1" 2> /dev/null
	kill -TERM "$1" 2> /dev/null
	while alive "$1" && [ "$_n" -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	if alive "$1"; then
		echo "live.sh: pid $1 ignored SIGTERM, killing it" >&2
		kill -KILL "$1" 2> /dev/null
	fi
	wait "$1" 2> /dev/null
	_rc=$?
	live_pids=$(echo "$live_pids" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
	return $_rc
}

status() { # FIELD: a field of "auditctl -s"
	auditctl -s | awk -v f="$1" '$1 == f { print $2 }'
}

# The kernel can lose the wake-up of a task waiting for room in its backlog
# (audit_log_start() checks "queue full" before joining audit_backlog_wait;
# LKML 2023-05-08 "audit: refactor and fix for potential deadlock", not
# merged): the task then sleeps in D state for up to backlog_wait_time with
# an empty queue, until kauditd happens to run again. Beside auditd this
# stalls a generator for 10-60 s. unstick PID...: for each task seen twice,
# 50 ms apart, waiting there while the queue is empty, "auditctl -e 1" (a
# no-op while the bench runs; its CONFIG_CHANGE record never waits, as the
# sender holds the audit control lock) makes kauditd run and wake one
# waiter; counted in $nudges.
nudges=0
stuck() { # PID: waiting in audit_log_start() while the backlog is empty
	[ "$(cat "/proc/$1/wchan" 2> /dev/null)" = audit_log_start ] &&
		grep -q '^[0-9]* ([^)]*) D' "/proc/$1/stat" 2> /dev/null &&
		[ "$(status backlog)" = 0 ]
}
unstick() {
	for _p; do
		stuck "$_p" || continue
		sleep 0.05
		stuck "$_p" || continue
		auditctl -e 1 > /dev/null 2>&1
		nudges=$((nudges + 1))
	done
}

stop_auditd() {
	[ -n "$auditd_pid" ] || return 0
	stop_pid "$auditd_pid" 10
	_n=30
	while [ "$(status pid)" = "$auditd_pid" ] && [ $_n -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	[ "$(status pid)" = "$auditd_pid" ] && echo "live.sh: kernel still has auditd pid $auditd_pid" >&2
	[ -n "$pidfile_new" ] && rm -f /run/auditd.pid
	auditd_pid=
}

cleanup() {
	trap - EXIT INT TERM
	# shellcheck disable=SC2086
	unstick $live_pids
	for p in $live_pids; do
		stop_pid "$p" 3
	done
	stop_auditd
	if [ -n "$rules_loaded" ]; then
		# shellcheck disable=SC2086 # the rule text is split on purpose
		auditctl -d $rule_sys > /dev/null 2>&1
		# shellcheck disable=SC2086
		auditctl -d $rule_exec > /dev/null 2>&1
	fi
	if [ -n "$enabled0" ]; then
		auditctl -e "$enabled0" > /dev/null
		echo "restored: enabled=$(status enabled) (found $enabled0), auditd pid=$(status pid)," \
			"rules keyed $key left: $(auditctl -l | grep -c "key=$key")"
	fi
	if [ -n "${LIVE_KEEP:-}" ]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build the helpers ------------------------------------------------------
"$cc" -O2 -Wall -Wextra -o "$tmp/gen" "$here/gen.c" || exit 1
# shellcheck disable=SC2046
"$cc" -O2 -Wall -Wextra $(pkg-config --cflags libmnl) -o "$tmp/floor" "$here/floor.c" \
	$(pkg-config --libs libmnl) || exit 1
if [ -n "${AUSCRIBE_CONF:-}" ]; then
	conf=$AUSCRIBE_CONF
else
	conf=$tmp/auscribe.conf
	: > "$conf"   # the defaults: enrichment on
fi
# Enrichment off (the golden config): what enrichment costs, per event.
plain=$tmp/plain.conf
cp "$top/tests/golden/auscribe.conf" "$plain"

# --- the live part, one at a time -------------------------------------------
exec 9> "$lock"
if ! flock -w 300 9; then
	echo "live.sh: another live test holds $lock" >&2
	exit 1
fi
enabled0=$(status enabled)
case $enabled0 in
0 | 1) ;;
*) echo "live.sh: audit is locked or unavailable (enabled=$enabled0)" >&2; enabled0=; exit 1 ;;
esac
rules_loaded=1
# shellcheck disable=SC2086
auditctl -A $rule_sys > /dev/null || exit 1
# shellcheck disable=SC2086
auditctl -A $rule_exec > /dev/null || exit 1
auditctl -e 1 > /dev/null || exit 1
# Other readers of the group (journald, Auditbeat...) cost kauditd time.
listeners=$(awk '$2 == 9 && $4 != "00000000"' /proc/net/netlink | wc -l)
echo "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 < /proc/loadavg);" \
	"audit enabled=$enabled0 backlog_limit=$(status backlog_limit)" \
	"backlog_wait_time=$(status backlog_wait_time) auditd_pid=$(status pid)," \
	"$listeners other multicast readers; $secs s bursts, key $key, generator uid $guid"

kv() { # FILE NAME: the value of NAME=value in FILE's last line that has it
	grep -o "\(^\| \)$2=[^ ]*" "$1" 2> /dev/null | tail -n 1 | sed "s/.*$2=//"
}

ticks() { # PID: utime + stime in clock ticks
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2> /dev/null
}

# start_reader KIND OUT ERR: KIND floor-recv | floor-mmsg | floor-recv-defbuf (the
# system's default buffer) | auscribe. Sets rpid;
# returns 1 if the reader did not say "listening" within 5 s.
start_reader() {
	case $1 in
	floor-recv-defbuf) "$tmp/floor" -m recv -b 0 -k "$key" > "$2" 2> "$3" 9>&- & ;;
	floor-*) "$tmp/floor" -m "${1#floor-}" -k "$key" > "$2" 2> "$3" 9>&- & ;;
	auscribe) "$bin" -c "$conf" -i netlink -o "$2" > /dev/null 2> "$3" 9>&- & ;;
	auscribe-plain) "$bin" -c "$plain" -i netlink -o "$2" > /dev/null 2> "$3" 9>&- & ;;
	esac
	rpid=$!
	live_pids="$live_pids $rpid"
	_n=50
	until grep -q listening "$3" 2> /dev/null; do
		if ! alive "$rpid" || [ $_n -le 0 ]; then
			stop_pid "$rpid" 3
			echo "(exit status $?)" >> "$3"
			return 1
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
}

inband() { # FILE: in-band loss records summed by signal
	awk '/AUSCRIBE_LOSS/ && match($0, /"signal":"[a-z_]*","[a-z_]*":[0-9]+/) {
		split(substr($0, RSTART + 10, RLENGTH - 10), a, "\"")
		sum[a[1]] += substr(a[4], 2)
		unit[a[1]] = a[3]
	} END {
		printf("receive_buffer=%d kernel_lost=%d serial_gap=%d", sum["receive_buffer"],
			sum["kernel_lost"], sum["serial_gap"])
		for (s in sum)
			if (s != "receive_buffer" && s != "kernel_lost" && s != "serial_gap")
				printf(" %s=%d", s, sum[s])
	}' "$1"
}

# run NAME MODE GENS RATE READER [STALL]: one burst; STALL=1 stops the reader
# (SIGSTOP) for 1 s from 1 s in. Appends one line to $tmp/rows:
# name|reader|gens|generated|seconds|delivered|loss report|cpu_us|kernel lost|records per event
run() {
	name=$1 mode=$2 ngen=$3 rate=$4 reader=$5 stall=${6:-0}
	out=$tmp/$name.out err=$tmp/$name.err
	lost0=$(status lost)
	log0=0
	[ -n "$auditd_pid" ] && log0=$(grep -c "key=\"$key\"" "$tmp/auditd/audit.log")
	if ! start_reader "$reader" "$out" "$err"; then
		echo "$name: $reader did not start:" >&2
		sed 's/^/  /' "$err" | head -n 5 >&2
		return 1
	fi
	t0=$(ticks "$rpid")
	gpids=
	i=1
	while [ $i -le "$ngen" ]; do
		"$tmp/gen" "$mode" "$secs" "$guid" "$rate" > "$tmp/$name.gen$i" 2>&1 9>&- &
		gpids="$gpids $!"
		i=$((i + 1))
	done
	live_pids="$live_pids $gpids"
	if [ "$stall" = 1 ]; then
		sleep 1
		kill -STOP "$rpid"
		sleep 1
		kill -CONT "$rpid"
	fi
	# Generators stop by themselves; a task blocked on a full kernel
	# backlog may overrun a little, so allow 15 s more before killing.
	nudges=0
	_n=$(((secs + 15) * 10))
	for p in $gpids; do
		while alive "$p" && [ $_n -gt 0 ]; do
			sleep 0.1
			_n=$((_n - 1))
			# shellcheck disable=SC2086
			unstick $gpids
		done
		stop_pid "$p" 1
	done
	sleep 1 # let kauditd and the reader drain
	t1=$(ticks "$rpid")
	case $reader in
	auscribe*) # its counters (proc_reads ...) on stderr
		kill -USR1 "$rpid" 2> /dev/null
		sleep 0.3 ;;
	esac
	stop_pid "$rpid" 10 || echo "$name: $reader exited with status $?" >&2
	note=
	if [ "$(auditctl -l | grep -c "key=$key")" != 2 ] || [ "$(status enabled)" != 1 ]; then
		note=" (WARNING: our rules or enabled=1 vanished: someone changed audit state without the lock)"
	fi
	generated=$(cat "$tmp/$name".gen* | awk '{ sub(/.*calls=/, ""); n += $1 } END { print n + 0 }')
	gsecs=$(cat "$tmp/$name".gen* | awk '{ sub(/.*seconds=/, ""); if ($1 > s) s = $1 } END { print s + 0 }')
	lost1=$(status lost)
	rpe=0
	case $reader in
	floor-*)
		delivered=$(kv "$out" keyed)
		rloss="enobufs=$(kv "$out" enobufs) drops=$(kv "$out" drops)"
		cpu=$(kv "$out" cpu_us)
		rpe=$(awk -v r="$(kv "$out" records)" -v k="${delivered:-0}" 'BEGIN { print (k > 0 ? r / k : 0) }')
		;;
	auscribe*)
		delivered=$(grep -c -F "\"$key\"" "$out")
		rloss="in-band: $(inband "$out")"
		c=$(kv "$err" lost_socket)/$(kv "$err" lost_kernel)/$(kv "$err" lost_serial_gap)
		[ "$c" != // ] && rloss="$rloss; counters socket/kernel/gap=$c"
		cpu=$(((t1 - t0) * 1000000 / $(getconf CLK_TCK)))
		;;
	esac
	if [ -n "$auditd_pid" ]; then
		logged=$(($(grep -c "key=\"$key\"" "$tmp/auditd/audit.log") - log0))
		rloss="$rloss; auditd logged $logged"
	fi
	[ "$nudges" -gt 0 ] && rloss="$rloss; generator stuck in audit_log_start (lost wake-up) ${nudges}x"
	preads=$(kv "$err" proc_reads)
	echo "$name|$reader|$ngen|${generated:-0}|$gsecs|${delivered:-0}|$rloss$note|${cpu:-0}|$((lost1 - lost0))|$rpe|${preads:-0}" >> "$tmp/rows"
	tail -n 1 "$tmp/rows" | awk -F'|' '{
		printf("%-22s %-10s gens=%d generated=%d (%.0f/s) delivered=%d lost=%d %s; CPU %.2f us/event; kernel lost +%d\n",
			$1, $2, $3, $4, $4 / ($5 > 0 ? $5 : 1), $6, $4 - $6, $7, $6 > 0 ? $8 / $6 : 0, $9)
	}'
}

# --- 1-2: kernel rate and the floor reader -----------------------------------
# Baseline: the same loops under a uid no rule matches, no reader.
for mode in syscall exec; do
	"$tmp/gen" "$mode" "$secs" $((guid + 1)) 0 > "$tmp/base-$mode" 9>&- || exit 1
	echo "no rule match: $(cat "$tmp/base-$mode")"
done
run sys1-mmsg syscall 1 0 floor-mmsg
run sys1-recv syscall 1 0 floor-recv
run sys2-mmsg syscall 2 0 floor-mmsg
run sys2-recv syscall 2 0 floor-recv
run sys2-recv-defbuf syscall 2 0 floor-recv-defbuf
run exec1-mmsg exec 1 0 floor-mmsg
run exec2-mmsg exec 2 0 floor-mmsg

# --- 3, 5: auscribe ------------------------------------------------------------
have_auscribe=
if [ ! -x "$bin" ]; then
	echo "auscribe: SKIPPED, $bin not found (set AUSCRIBE=)"
elif ! start_reader auscribe "$tmp/probe.out" "$tmp/probe.err"; then
	echo "auscribe: SKIPPED, '$bin -i netlink' did not start listening:"
	sed 's/^/  /' "$tmp/probe.err" | head -n 5
else
	stop_pid "$rpid" 10
	have_auscribe=1
	run sys1-auscribe syscall 1 0 auscribe
	# Zero loss at full speed, or else the highest paced rate that has it.
	r=$(awk -F'|' '$1 == "sys1-auscribe" { print int($4 / ($5 > 0 ? $5 : 1)) }' "$tmp/rows")
	lossy=$(awk -F'|' '$1 == "sys1-auscribe" { print ($4 > $6) }' "$tmp/rows")
	for frac in 2 4; do
		[ "$lossy" = 1 ] || break
		run "sys1-auscribe-rate1of$frac" syscall 1 $((r / frac)) auscribe
		lossy=$(awk -F'|' -v n="sys1-auscribe-rate1of$frac" '$1 == n { print ($4 > $6) }' "$tmp/rows")
	done
	run sys2-auscribe syscall 2 0 auscribe
	run sys2-auscribe-stop1s syscall 2 0 auscribe 1
	run exec1-auscribe exec 1 0 auscribe
	run sys1-auscribe-plain syscall 1 0 auscribe-plain
	run exec1-auscribe-plain exec 1 0 auscribe-plain
fi

# --- 4: beside auditd ----------------------------------------------------------
apid=$(status pid)
if [ "$apid" != 0 ]; then
	echo "auditd: pid $apid already registered; no private auditd, its log is not counted"
else
	mkdir -m 0700 "$tmp/auditd" "$tmp/auditd/plugins"
	sed "s|@LOG@|$tmp/auditd/audit.log|; s|@PLUGINS@|$tmp/auditd/plugins|" \
		"$top/tests/lib/auditd-private.conf.in" > "$tmp/auditd/auditd.conf"
	chmod 0600 "$tmp/auditd/auditd.conf"
	[ -e /run/auditd.pid ] || pidfile_new=1
	auditd -n -s nochange -c "$tmp/auditd" > "$tmp/auditd.err" 2>&1 9>&- &
	auditd_pid=$!
	live_pids="$live_pids $auditd_pid"
	_n=50
	while [ "$(status pid)" != "$auditd_pid" ] && [ $_n -gt 0 ] && alive "$auditd_pid"; do
		sleep 0.1
		_n=$((_n - 1))
	done
	if [ "$(status pid)" != "$auditd_pid" ]; then
		echo "auditd: the private auditd did not register (auditd -f -c $tmp/auditd shows why):"
		sed 's/^/  /' "$tmp/auditd.err" | head -n 5
		stop_auditd
	else
		echo "auditd: private auditd pid $auditd_pid (RAW log, flush=incremental_async)"
		run sys1-auditd-floor syscall 1 0 floor-mmsg
		[ -n "$have_auscribe" ] && run sys1-auditd-auscribe syscall 1 0 auscribe
		run exec1-auditd-floor exec 1 0 floor-mmsg
		stop_auditd
		echo "auditd: stopped; kernel auditd pid $(status pid)"
	fi
fi

# --- summary -----------------------------------------------------------------
echo
echo "| run | reader | gens | generated | events/s | delivered | lost | reader's loss report | reader CPU/event | kernel lost |"
echo "|---|---|---:|---:|---:|---:|---:|---|---:|---:|"
awk -F'|' '{
	printf("| %s | %s | %d | %d | %.0f | %d | %d | %s | %.2f µs | %d |\n",
		$1, $2, $3, $4, $4 / ($5 > 0 ? $5 : 1), $6, $4 - $6, $7, $6 > 0 ? $8 / $6 : 0, $9)
}' "$tmp/rows"
echo
awk -F'|' -v secs="$secs" -v base_sys="$(kv "$tmp/base-syscall" rate)" \
	-v base_exec="$(kv "$tmp/base-exec" rate)" \
	-v buf="$(sed -n 's/.*receive buffer \([0-9]*\) bytes.*/\1/p' "$tmp/sys1-auscribe.err" 2> /dev/null)" '
function per(n) { return row[n, 6] > 0 ? row[n, 8] / row[n, 6] : 0 }
function rate(n) { return row[n, 4] / (row[n, 5] > 0 ? row[n, 5] : 1) }
function loss(n) { return row[n, 4] - row[n, 6] }
function near(est, t) { return (est - t <= 0.01 * t + 1 && t - est <= 0.01 * t + 1) ? "within 1%" : "NOT within 1%" }
function inband(n, sig,   s) {
	s = row[n, 7]
	if (!match(s, sig "=[0-9]+"))
		return 0
	return substr(s, RSTART + length(sig) + 1, RLENGTH - length(sig) - 1) + 0
}
function compare(n,   t, rb, sg) {
	t = loss(n)
	rb = rpe > 0 ? inband(n, "receive_buffer") / rpe : 0
	sg = inband(n, "serial_gap")
	printf("%s: true loss %d of %d events (%.2f%%); in-band receive_buffer %d records = %.0f events (%s), serial_gap %d serials (%s), kernel_lost %d\n",
		n, t, row[n, 4], row[n, 4] > 0 ? 100 * t / row[n, 4] : 0, inband(n, "receive_buffer"), rb, near(rb, t),
		sg, near(sg, t), inband(n, "kernel_lost"))
}
{ for (i = 1; i <= 11; i++) row[$1, i] = $i; seen[$1] = 1; if ($1 == "sys1-mmsg") rpe = $10 }
END {
	printf("kernel: syscall events %.0f/s with 1 generator, %.0f/s with 2 (%.2f records each); exec events %.0f/s and %.0f/s; no rule match: %d getsid/s, %d exec/s\n",
		rate("sys1-mmsg"), rate("sys2-mmsg"), rpe, rate("exec1-mmsg"), rate("exec2-mmsg"), base_sys, base_exec)
	printf("floor: recv %.2f µs/event, recvmmsg %.2f µs/event (1 generator); at 2 generators recv lost %d, recvmmsg lost %d (64 MiB), recv with the default buffer lost %d of %d\n",
		per("sys1-recv"), per("sys1-mmsg"), loss("sys2-recv"), loss("sys2-mmsg"), loss("sys2-recv-defbuf"), row["sys2-recv-defbuf", 4])
	if (seen["exec1-auscribe"])
		printf("enrichment /proc reads: %.2f per exec event (exec1-auscribe), %.4f per syscall event (sys1-auscribe)\n",
			row["exec1-auscribe", 6] > 0 ? row["exec1-auscribe", 11] / row["exec1-auscribe", 6] : 0,
			row["sys1-auscribe", 6] > 0 ? row["sys1-auscribe", 11] / row["sys1-auscribe", 6] : 0)
	if (seen["sys1-auscribe-plain"])
		printf("enrichment: %.2f vs %.2f µs/event syscall events (%+.0f%%), %.2f vs %.2f µs/event exec events (%+.0f%%), on vs off\n",
			per("sys1-auscribe"), per("sys1-auscribe-plain"), per("sys1-auscribe-plain") > 0 ? 100 * (per("sys1-auscribe") / per("sys1-auscribe-plain") - 1) : 0,
			per("exec1-auscribe"), per("exec1-auscribe-plain"), per("exec1-auscribe-plain") > 0 ? 100 * (per("exec1-auscribe") / per("exec1-auscribe-plain") - 1) : 0)
	if (seen["sys1-auscribe"]) {
		printf("target zero loss, 1 generator, %d s, default buffer (%s bytes): %s (lost %d of %d at %.0f events/s)\n",
			secs, buf, loss("sys1-auscribe") == 0 ? "MET" : "MISSED", loss("sys1-auscribe"), row["sys1-auscribe", 4], rate("sys1-auscribe"))
		for (f = 2; f <= 4; f *= 2)
			if (seen["sys1-auscribe-rate1of" f])
				printf("  paced at %.0f events/s: lost %d\n", rate("sys1-auscribe-rate1of" f), loss("sys1-auscribe-rate1of" f))
		r = per("sys1-auscribe") / (per("sys1-mmsg") > 0 ? per("sys1-mmsg") : 1)
		printf("target CPU/event <= 3x batched floor: %s (syscall events %.2f vs %.2f µs = %.1fx",
			r <= 3 ? "MET" : "MISSED", per("sys1-auscribe"), per("sys1-mmsg"), r)
		if (seen["exec1-auscribe"] && per("exec1-mmsg") > 0)
			printf("; exec events %.2f vs %.2f µs = %.1fx", per("exec1-auscribe"), per("exec1-mmsg"),
				per("exec1-auscribe") / per("exec1-mmsg"))
		printf(")\n")
		if (per("sys1-auscribe") > 0)
			printf("auscribe capacity at that cost: about %.0f syscall events per CPU-second\n", 1e6 / per("sys1-auscribe"))
	}
	if (seen["sys2-auscribe"])
		compare("sys2-auscribe")
	if (seen["sys2-auscribe-stop1s"])
		compare("sys2-auscribe-stop1s")
	if (seen["sys1-auditd-floor"]) {
		printf("beside auditd: syscall events %.0f/s generated", rate("sys1-auditd-floor"))
		if (seen["exec1-auditd-floor"])
			printf(", exec events %.0f/s", rate("exec1-auditd-floor"))
		printf("; floor lost %d", loss("sys1-auditd-floor"))
		if (seen["sys1-auditd-auscribe"])
			printf(", auscribe lost %d of %d", loss("sys1-auditd-auscribe"), row["sys1-auditd-auscribe", 4])
		printf(" (auditd log counts in the table)\n")
	}
}' "$tmp/rows"
