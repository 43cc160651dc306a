#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# notify.sh: run as systemd would (Type=notify, WatchdogSec=): auscribe
# -i netlink tells NOTIFY_SOCKET READY=1 once it has joined the group, pings
# WATCHDOG=1 while it runs, and says STOPPING=1 on SIGTERM. The notify socket
# is a datagram socket of our own, read by perl (perl-base is Essential).
# With statusreport-period = 1 it also writes an AUSCRIBE_STATUS record
# every second.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/live.sh"
live_init notify

sock=$tmp/notify.sock
perl -MSocket -e '
	socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
	bind($s, pack_sockaddr_un($ARGV[0])) or die "bind: $!";
	$| = 1;
	while (defined(recv($s, my $m, 65536, 0))) { $m =~ s/\n/ /g; print "$m\n"; }
' "$sock" > "$tmp/notify.log" 2> "$tmp/perl.err" &
reader=$!
live_on_exit "kill $reader 2>/dev/null"
for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
printf 'statusreport-period = 1\n' > "$tmp/status.conf"

export NOTIFY_SOCKET=$sock WATCHDOG_USEC=200000
live_auscribe_start "$tmp/status.conf" "$tmp/out.json"
unset NOTIFY_SOCKET WATCHDOG_USEC
sleep 2.6
live_auscribe_stop
sleep 0.2

plan 6
check "READY=1 once it listens" grep -q '^READY=1' "$tmp/notify.log"
check "READY=1 comes before any watchdog ping" sh -c "grep -n . '$tmp/notify.log' | grep -m1 -E 'READY=1|WATCHDOG=1' | grep -q READY"
n=$(grep -c '^WATCHDOG=1' "$tmp/notify.log")
check "the watchdog is pinged while it runs ($n pings in ~2.6 s at WatchdogSec=0.2s)" test "$n" -ge 6
s=$(grep -c AUSCRIBE_STATUS "$tmp/out.json")
check "statusreport-period = 1: a status record every second ($s in ~2.6 s)" test "$s" -ge 2 -a "$s" -le 3
check "status records name the input and count up" sh -c "jq -se '[.[] | select(.AUSCRIBE_STATUS) | .AUSCRIBE_STATUS] | all(.input == \"netlink\") and (map(.uptime) | . == sort)' '$tmp/out.json' > /dev/null"
check "STOPPING=1 on SIGTERM, and exit 0" sh -c "grep -q '^STOPPING=1' '$tmp/notify.log' && test '$live_auscribe_rc' = 0"
