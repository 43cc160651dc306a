#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# loss.sh: auscribe with a tiny receive buffer ([netlink] receive-buffer =
# 4096) under bursts of keyed getppid() calls (one SYSCALL, PROCTITLE and
# EOE record each): 20000 while it reads, 20000 while it is stopped
# (SIGSTOP, so its socket overruns for certain), then 20 slow ones. It must
# stay up, answer SIGUSR1, report the loss in band
# ({"AUSCRIBE_LOSS":{"signal":"receive_buffer","records":N}}) and on stderr
# (lost_socket=N), deliver the slow events after the overrun, and the
# reported count must agree with what it missed:
#
#   G  keyed events the kernel generated (counted by a reference reader of
#      the group with a 64 MiB buffer, tools/audit-capture; else assumed)
#   W  keyed events auscribe wrote (events whose SYSCALL has our key)
#   M  = G - W, the events whose SYSCALL record auscribe never got
#   L  receive_buffer records reported in band (datagrams the socket dropped)
#   K  growth of the kernel's own lost counter (auditctl -s): records the
#      kernel refused (backlog, rate limit), which no socket ever saw
#   R  records per keyed event (3; measured on the reference)
#   S  records missing from the events auscribe did write: R minus the
#      records each shows (EOE is never shown, so at least 1 per event)
#   F  records of other events multicast meanwhile (reference): the socket
#      drops those too
#
#   lower bound  L + K >= M    an event without its SYSCALL lost at least
#                              that record, on our socket or in the kernel
#   upper bound  L <= R*M + S + F   every dropped datagram is a record of a
#                              missed event (at most R each), a record
#                              missing from a written event, or a record of
#                              another event
#
# Root, CAP_AUDIT_READ and CAP_AUDIT_CONTROL or skipped; serialized with the
# other live tests by /run/auscribe-live.lock (tests/lib/live.sh).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/live.sh"

N1=20000	# while auscribe reads
N2=20000	# while it is stopped
N3=20		# afterwards, 50 ms apart: all must arrive

live_init loss
key=$live_key
out=$tmp/out.json
printf '[netlink]\nreceive-buffer = 4096\n' > "$tmp/auscribe.conf"
arch=b$(getconf LONG_BIT)

# burst N DELAY_MS LABEL: N getppid() calls DELAY_MS apart (LABEL only
# shows in the PROCTITLE).
command -v cc > /dev/null || live_skip "no C compiler (cc) for the burst helper"
cat > "$tmp/burst.c" << 'EOF'
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1, ms = argc > 2 ? atol(argv[2]) : 0;
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	for (long i = 0; i < n; i++) {
		(void)getppid();
		if (ms)
			nanosleep(&ts, NULL);
	}
	return 0;
}
EOF
cc -O2 -o "$tmp/burst" "$tmp/burst.c" || live_bail "cannot compile the burst helper"
burst() { "$tmp/burst" "$@"; }

have_ref=yes
live_capture_start "$tmp/ref.raw" || have_ref=
live_auscribe_start "$tmp/auscribe.conf" "$out"
pid=$live_auscribe_pid
plan 16
ok "auscribe is listening with a 4096-byte receive buffer"
live_rule "always,exit -F arch=$arch -S getppid -F auid=$live_auid -k $key" ||
	live_bail "auditctl refused the rule: $(cat "$tmp/auditctl.err")"

lost_before=$(live_status lost)
live_workload_nudged burst $N1 0 free
kill -STOP "$pid"
live_workload_nudged burst $N2 0 stopped
sleep 0.2
kill -CONT "$pid"
sleep 1		# let it drain its socket and time out what the overrun cut
live_workload_nudged burst $N3 50 recover
G=$((N1 + N2 + N3))
if [ -n "$have_ref" ]; then
	for ((i = 0; i < 200; i++)); do
		[ "$(grep -c "^type=SYSCALL .*key=\"$key\"" "$tmp/ref.raw")" -ge $G ] && break
		sleep 0.05
	done
fi
sleep 1		# more than the event timeout (500 ms)
lost_after=$(live_status lost)
K=$((lost_after - lost_before))
[ $K -ge 0 ] || K=0	# someone reset the counter: no kernel loss to count on

check "auscribe is still running after the bursts" live_auscribe_alive
check "it answers SIGUSR1 with a counters line" live_auscribe_usr1
proc_drops=$(live_nl_sockets "$pid" | awk '{ n += $2 } END { print n + 0 }')
live_auscribe_stop
check "it exits 0 on SIGTERM" sh -c "test '$live_auscribe_rc' = 0 || { tail -n 5 '$live_auscribe_err'; exit 1; }"
live_capture_stop

# Loss records all have serial 0: several in one millisecond share an ID.
check "every line is a JSON object, no audit event ID twice" \
	jq -e -s 'all(.[]; type == "object") and (map(select(has("AUSCRIBE_LOSS") | not) | .ID)
		| length == (unique | length))' "$out"
check "a receive_buffer loss record is written, with records > 0 and an ID SEC.MSEC:0" \
	jq -e -s 'any(.[]; .AUSCRIBE_LOSS.signal? == "receive_buffer" and .AUSCRIBE_LOSS.records > 0
		and (.ID | test("^[0-9]+\\.[0-9]{3}:0$")))' "$out"
check "every loss record is well formed (known signal, non-negative integer counts)" \
	jq -e -s 'all(.[] | select(has("AUSCRIBE_LOSS")); (keys == ["AUSCRIBE_LOSS", "ID"])
		and (.AUSCRIBE_LOSS.signal | IN("receive_buffer", "kernel_lost", "serial_gap"))
		and all(.AUSCRIBE_LOSS | to_entries[] | select(.key != "signal"); .value | type == "number" and . >= 0 and . == floor))' "$out"

# The numbers of the header.
L=$(jq -s '[.[] | .AUSCRIBE_LOSS | select(.signal? == "receive_buffer") | .records] | add // 0' "$out")
W=$(jq -s --arg k "$key" '[.[] | select(.SYSCALL.key? == $k)] | length' "$out")
S_vis=$(jq -s --arg k "$key" '[.[] | select(.SYSCALL.key? == $k)
	| [del(.ID, .NODE)[] | if type == "array" then length else 1 end] | add] | add // 0' "$out")
R=3 F=unknown
if [ -n "$have_ref" ] && live_capture_clean; then
	read -r G_ref R F < <(awk -v k="key=\"$key\"" '
		function id() { return match($0, /msg=audit\([0-9.:]+\)/) ? substr($0, RSTART, RLENGTH) : "" }
		NR == FNR { if ($1 == "type=SYSCALL" && index($0, k)) keyed[id()] = 1; next }
		{ i = id(); if (i in keyed) n[i]++; else foreign++ }
		END { for (i in n) { g++; if (n[i] > r) r = n[i] } print g + 0, r + 0, foreign + 0 }
	' "$tmp/ref.raw" "$tmp/ref.raw")
	check "the kernel generated the $G keyed events, $R records each at most (reference: $G_ref)" \
		test "$G_ref" -eq $G -a "$R" -eq 3
	G=$G_ref
else
	live_skip_test "the kernel generated the $G keyed events" \
		"no clean reference capture: ${live_capture_summary:-tools/audit-capture not available}"
fi
M=$((G - W))
S=$((R * W - S_vis))
echo "# generated G=$G written W=$W missed M=$M; reported lost L=$L, kernel lost K=$K;" \
	"R=$R, partial slack S=$S, foreign F=$F; socket drops seen in /proc before SIGTERM: $proc_drops;" \
	"kauditd nudged $live_nudges times"

check "the overrun cost events (M = $M > 0)" test $M -gt 0
check "lower bound: L + K >= M ($L + $K >= $M)" test $((L + K)) -ge $M
if [ "$F" != unknown ]; then
	check "upper bound: L <= R*M + S + F ($L <= $R*$M + $S + $F = $((R * M + S + F)))" \
		test "$L" -le $((R * M + S + F))
else
	live_skip_test "upper bound: L <= R*M + S + F" "the records of other events are unknown without a clean reference capture"
fi
lost_socket=$(live_auscribe_counter lost_socket)
check "the in-band total equals lost_socket at exit ($L = ${lost_socket:-none}) and covers the kernel's count ($proc_drops)" \
	test "$L" = "${lost_socket:-none}" -a "$L" -ge "$proc_drops"
check "the $N3 events after the overrun are all written, complete" \
	jq -e -s --arg k "$key" --argjson n $N3 '[.[] | select(.SYSCALL.key? == $k and .PROCTITLE.ARGV[3]? == "recover"
		and .SYSCALL.success == "yes")] | length == $n' "$out"
# Nothing is lost while they arrive (their serials follow each other, as
# the reference shows): no receive_buffer or kernel_lost record is stamped
# after the first of them. serial_gap records may be: a serial counts as
# missing only once SERIALGAP_WINDOW (4096) later serials have arrived, so
# the holes of the stopped burst surface one by one as these come in.
quiet_after() {
	jq -c -s 'def t: .ID | split(":")[0] | tonumber;
		([.[] | select(.PROCTITLE.ARGV[3]? == "recover") | t] | min) as $first
		| .[] | select(has("AUSCRIBE_LOSS") and t > $first and .AUSCRIBE_LOSS.signal != "serial_gap")' \
		"$out" > "$tmp/late-loss"
	[ ! -s "$tmp/late-loss" ] || {
		echo "loss records after the first slow event (their serials: $(jq -r -s '[.[] | select(.PROCTITLE.ARGV[3]? == "recover")
			| .ID | split(":")[1] | tonumber] | "\(min)..\(max), \(length) events"' "$out")):"
		head -n 5 "$tmp/late-loss"
		false
	}
}
check "they bring no new socket or kernel loss report" quiet_after
# A serial gap is a serial auscribe never saw: at most the serials between
# the lowest and the highest of its events that none of its events has.
sg=$(jq -s '[.[] | .AUSCRIBE_LOSS | select(.signal? == "serial_gap") | .serials // .records // 0] | add // 0' "$out")
holes=$(jq -s '[.[] | select(has("AUSCRIBE_LOSS") | not) | .ID | split(":")[1] | tonumber] | unique
	| if length == 0 then 0 else (.[-1] - .[0] + 1 - length) end' "$out")
check "serial_gap reports ($sg serials) do not exceed the holes in its own serials ($holes)" test "$sg" -le "$holes"

live_restore
check "our rule is removed and the enabled flag is back to $live_enabled_before" \
	sh -c "test \$(auditctl -l | grep -c -- '$key') -eq 0 && test \"\$(auditctl -s | awk '\$1 == \"enabled\" { print \$2 }')\" = '$live_enabled_before'"
