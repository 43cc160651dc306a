#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# In-band status records: on SIGUSR1 (replay from a pipe here; the live
# daemon's periodic ones are checked in notify.sh), with counters that match
# what was fed in.
set -u
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/lib/tap.sh"
A=$AUSCRIBE
data=$top_srcdir/tests/golden/input
: > "$tmp/empty.conf"
plan 4

mkfifo "$tmp/in"
"$A" -c "$tmp/empty.conf" -i "$tmp/in" -o "$tmp/out.json" -o "$tmp/second.json" 2> "$tmp/err" &
pid=$!
exec 3> "$tmp/in"
cat "$data/record-execve.txt" "$data/record-login.txt" >&3
printf 'garbage line\n' >&3
for i in $(seq 50); do [ "$(wc -l < "$tmp/out.json")" -ge 2 ] && break; sleep 0.1; done
kill -USR1 "$pid"
for i in $(seq 50); do grep -q AUSCRIBE_STATUS "$tmp/out.json" && break; sleep 0.1; done
exec 3>&-
wait "$pid"
pid=""
st=$(grep AUSCRIBE_STATUS "$tmp/out.json" | tail -n 1)
check "SIGUSR1 writes one status record into every output" sh -c "test \$(grep -c AUSCRIBE_STATUS '$tmp/out.json') -eq 1 && test \$(grep -c AUSCRIBE_STATUS '$tmp/second.json') -eq 1"
check "its counters match the input: 10 records, 1 bad, 2 events" sh -c "echo '$st' | jq -e '.AUSCRIBE_STATUS | .records_in == 10 and .records_bad == 1 and .events_out == 2 and .open_events == 0' >/dev/null"
check "per output: name, lines written, nothing lost" sh -c "echo '$st' | jq -e '.AUSCRIBE_STATUS.outputs | length == 2 and .[0].name == \"$tmp/out.json\" and .[0].lines == 2 and .[0].lost == 0 and .[1].errors == 0' >/dev/null"
check "version, input, uptime, losses, CPU and memory are there" sh -c "echo '$st' | jq -e '.AUSCRIBE_STATUS | (.version | test(\"^[0-9]+\\\\.\")) and .input == \"$tmp/in\" and .uptime >= 0 and .lost.receive_buffer == 0 and .cpu_user >= 0 and .rss_kb > 0 and .rss_max_kb > 0' >/dev/null"
