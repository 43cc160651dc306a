#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Replay of raw audit lines through the real binary: bad lines, huge lines,
# stdin, file outputs, line prefix, several outputs, unique IDs.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/lib/tap.sh"
A=$AUSCRIBE
data=$top_srcdir/tests/golden/input
cp "$top_srcdir/tests/golden/auscribe.conf" "$tmp/plain.conf"  # enrichment off: output depends on the input only
plan 10

# Two good events around garbage: the garbage is reported with its line number, counted,
# and both events come out complete.
{
	cat "$data/record-execve.txt"
	printf 'this is not an audit record\n'
	printf 'type=SYSCALL msg=audit(garbage): x=1\n'
	cat "$data/record-login.txt"
} > "$tmp/mixed.log"
"$A" -c "$tmp/plain.conf" -i "$tmp/mixed.log" -o - > "$tmp/out" 2> "$tmp/err"
rc=$?
check "bad lines do not fail the run" test $rc -eq 0
check "bad lines are reported with FILE:LINE and an excerpt" sh -c "grep -q 'mixed.log:8: not an audit record, line skipped: \"this is not an audit record\"' '$tmp/err' && grep -q 'mixed.log:9: ' '$tmp/err'"
check "bad lines are counted in the summary" grep -q 'records_bad=2' "$tmp/err"
check "both good events come out whole" sh -c "test \$(wc -l < '$tmp/out') -eq 2 && jq -se 'any(.[]; .ID == \"1615114232.375:15558\" and (.PATH | length) == 2) and any(.[]; .ID == \"1640027821.949:151316\" and (.LOGIN | length) == 1)' '$tmp/out' >/dev/null"

# A 1 MiB line between two events: neither neighbour is touched.
{
	cat "$data/record-execve.txt"
	printf 'type=USER_ACCT msg=audit(1615114300.000:1): msg='"'"'op=x '
	head -c 1048576 /dev/zero | tr '\0' 'a'
	printf "'\n"
	cat "$data/record-login.txt"
} > "$tmp/huge.log"
"$A" -c "$tmp/plain.conf" -i - -o - < "$tmp/huge.log" > "$tmp/out" 2> "$tmp/err"
check "a 1 MiB line is one event, read from stdin" sh -c "test \$(wc -l < '$tmp/out') -eq 3 && jq -se 'any(.[]; .ID == \"1615114300.000:1\" and (.USER_ACCT.msg | length) > 1048576)' '$tmp/out' >/dev/null"
check "its neighbours are intact" sh -c "jq -c 'select(.ID != \"1615114300.000:1\")' '$tmp/out' > '$tmp/n' && cat '$top_srcdir/tests/golden/expected/record-execve.jsonl' '$top_srcdir/tests/golden/expected/record-login.jsonl' | cmp -s - '$tmp/n'"

# Several outputs, a file output appended to, and the line prefix.
printf '[auditlog]\nline-prefix = "@cee: "\n' > "$tmp/prefix.conf"
echo "existing line" > "$tmp/file.json"
"$A" -c "$tmp/prefix.conf" -i "$data/record-execve.txt" -o "$tmp/file.json" -o - > "$tmp/out" 2> "$tmp/err"
check "a file output is appended to" sh -c "test \"\$(head -n 1 '$tmp/file.json')\" = 'existing line' && test \$(wc -l < '$tmp/file.json') -eq 2"
check "every output gets the event with the line prefix" sh -c "tail -n 1 '$tmp/file.json' | cmp -s - '$tmp/out' && grep -q '^@cee: {\"ID\":\"1615114232.375:15558\"' '$tmp/out'"

# Every input of the corpus: one event per distinct (node, ID), no ID twice.
ls "$data"/*.txt "$data"/tree/*.txt | grep -v reordered | xargs cat > "$tmp/all.log"  # -reordered repeats shell-proc-trace's IDs
"$A" -c "$tmp/plain.conf" -i "$tmp/all.log" -o - > "$tmp/out" 2> "$tmp/err"
ids=$(grep -ao 'msg=audit([0-9.:]*)' "$tmp/all.log" | sort -u | wc -l)
check "one event per distinct ID in the input ($ids)" sh -c "test \$(wc -l < '$tmp/out') -eq $ids"
check "no ID is written twice" sh -c "test -z \"\$(jq -r '[.NODE, .ID] | @tsv' '$tmp/out' | sort | uniq -d)\""
