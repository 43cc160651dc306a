#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/replay.sh [EVENTS] [RATE]: replays a corpus of at least EVENTS events
# (default 200000), built from the live captures in tests/data/live with unique
# serials at RATE events/s of audit time (default 10000), through auscribe and
# through LAUREL 0.5.1 with matching settings (enrichment off, output to a
# file), and prints events/s, CPU microseconds per event and peak RSS of both.
# Then measures auscribe's peak RSS at audit-time rates of 100 and RATE events/s.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
events=${1:-200000}
rate=${2:-10000}
bin=${AUSCRIBE:-$top/build/src/auscribe}
laurel=${LAUREL:-/usr/sbin/laurel}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

captures="$top/tests/data/live/workload.log $top/tests/data/live/execve-big.log $top/tests/golden/input/extracted/bench-coalesce-execve-template.txt"
per=$(cat $captures | grep -ao 'msg=audit([0-9.:]*)' | sort -u | wc -l)
reps=$(( (events + per - 1) / per ))
awk -v reps="$reps" -v rate="$rate" -f "$here/make-corpus.awk" $captures > "$tmp/corpus.log"
n=$(grep -ao 'msg=audit([0-9.:]*)' "$tmp/corpus.log" | sort -u | wc -l)
echo "corpus: $n events, $(wc -l < "$tmp/corpus.log") lines, $(du -m "$tmp/corpus.log" | cut -f1) MB, $rate events/s of audit time"

: > "$tmp/auscribe.conf"
mkdir -p "$tmp/lout"
# The golden corpus's reference config (enrichment off), writing to a file as auscribe does.
sed "s|^directory = .*|directory = \"$tmp/lout\"|; s|^file = .*|file = \"out.jsonl\"|" \
	"$top/tests/golden/laurel-0.5.1/config.toml" > "$tmp/laurel.toml"

run() { # NAME COMMAND...: prints "NAME events/s us/event RSS"
	name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" < "$tmp/corpus.log" > /dev/null 2> "$tmp/$name.err" || {
		echo "$name failed:"; cat "$tmp/$name.err"; exit 1; }
	read -r wall user sys rss < "$tmp/time"
	awk -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v name="$name" 'BEGIN {
		cpu = u + s
		printf "%-9s %9.0f events/s  %6.2f us CPU/event  %7.1f MB peak RSS  (wall %.2fs, user %.2fs, sys %.2fs)\n",
			name, n / (cpu > 0 ? cpu : 0.001), cpu * 1e6 / n, r / 1024, w, u, s
		print cpu, r > "/dev/stderr"
	}' 2>> "$tmp/figures"
}

run auscribe "$bin" -c "$tmp/auscribe.conf" -i - -o "$tmp/ours.jsonl"
run laurel "$laurel" -c "$tmp/laurel.toml"
awk 'NR == 1 { c1 = $1; r1 = $2 } NR == 2 { c2 = $1; r2 = $2 }
     END { printf "ratio     %.1fx events per CPU-second, %.2fx peak RSS (auscribe / LAUREL)\n", c2 / c1, r1 / r2 }' "$tmp/figures"
echo "events written: auscribe $(wc -l < "$tmp/ours.jsonl"), laurel $(wc -l < "$tmp/lout/out.jsonl")"

for r in 100 "$rate"; do
	awk -v reps="$reps" -v rate="$r" -f "$here/make-corpus.awk" $captures > "$tmp/corpus.log"
	/usr/bin/time -f '%M' -o "$tmp/time" "$bin" -c "$tmp/auscribe.conf" -i - -o /dev/null < "$tmp/corpus.log"
	echo "auscribe peak RSS at $r events/s of audit time: $(awk '{printf "%.1f MB", $1 / 1024}' "$tmp/time")"
done
