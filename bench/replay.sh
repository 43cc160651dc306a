#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/replay.sh [EVENTS] [RATE]: replays a corpus of at least EVENTS events
# (default 200000), built from the live captures in tests/data/live with unique
# serials at RATE events/s of audit time (default 10000), through auscribe and
# through LAUREL 0.5.1 with matching settings (enrichment off, output to a
# file), and prints events/s, CPU microseconds per event and peak RSS of both.
# Then the same corpus through auscribe with its default enrichment on (the
# process table, this host's /proc), with the /proc reads per event; then
# auscribe's peak RSS at audit-time rates of 100 and RATE events/s; then the
# process table's memory: 100k distinct processes exec'ing within 5 s of
# audit time (all still in the table at the end), enrichment on versus off.
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

cp "$top/tests/golden/auscribe.conf" "$tmp/auscribe.conf"   # enrichment off, as LAUREL's config
: > "$tmp/enrich.conf"                                        # the defaults: enrichment on
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
run enriched "$bin" -c "$tmp/enrich.conf" -i - -o "$tmp/enriched.jsonl"
awk 'NR == 1 { c1 = $1 } NR == 3 { c3 = $1 } END { printf "enrichment costs %.0f%% of throughput (events per CPU-second, on versus off)\n", (1 - c1 / c3) * 100 }' "$tmp/figures"
tail -n 1 "$tmp/enriched.err" | tr ' ' '\n' | awk -F= -v n="$n" '$1 == "proc_reads" { printf "/proc reads: %d in all, %.4f per event\n", $2, $2 / n }'


for r in 100 "$rate"; do
	awk -v reps="$reps" -v rate="$r" -f "$here/make-corpus.awk" $captures > "$tmp/corpus.log"
	/usr/bin/time -f '%M' -o "$tmp/time" "$bin" -c "$tmp/auscribe.conf" -i - -o /dev/null < "$tmp/corpus.log"
	echo "auscribe peak RSS at $r events/s of audit time: $(awk '{printf "%.1f MB", $1 / 1024}' "$tmp/time")"
done
# 100k processes: pid 4000000+i execs as the child of the one before, 20k exec
# events/s: one chain, so every entry is someone's ancestor and stays in the
# table (the events are old, so /proc is not read; the table comes from them).
awk 'BEGIN { for (i = 0; i < 100000; i++) {
	t = 1700000000 + int(i / 20); ms = (i % 20) * 50; id = sprintf("%d.%03d:%d", t, ms, i + 1)
	printf "type=SYSCALL msg=audit(%s): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=1 ppid=%d pid=%d auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=1 comm=\"worker\" exe=\"/usr/local/bin/worker-%d\" key=\"bench\"\n", id, 4000000 + i - 1, 4000000 + i, i % 1000
	printf "type=EXECVE msg=audit(%s): argc=1 a0=\"worker\"\ntype=EOE msg=audit(%s): \n", id, id } }' > "$tmp/procs.log"
for c in auscribe enrich; do
	/usr/bin/time -f '%M %U %S' -o "$tmp/time" "$bin" -c "$tmp/$c.conf" -i "$tmp/procs.log" -o "$tmp/procs-$c.jsonl" 2> "$tmp/procs.err"
	echo "$c $(cat "$tmp/time")"
done | awk '{ rss[NR] = $2; cpu[NR] = $3 + $4 } END {
	printf "process table: 100000 processes tracked: peak RSS %.1f MB with enrichment, %.1f MB without: %.0f bytes per process; %.2f vs %.2f s CPU\n",
		rss[2] / 1024, rss[1] / 1024, (rss[2] - rss[1]) * 1024 / 100000, cpu[2], cpu[1] }'
jq -e -s 'length == 100000 and (.[99999].SYSCALL.ANCESTORS | length) == 8 and .[99999].SYSCALL.PPID.EVENT_ID == .[99998].ID' \
	"$tmp/procs-enrich.jsonl" > /dev/null && echo "  (checked: the last of them has 8 ANCESTORS and its PPID is the exec before it)"
