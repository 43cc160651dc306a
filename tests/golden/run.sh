#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Golden tests (TAP). For every raw audit input in input/:
#  1. our output equals expected/NAME.jsonl byte for byte (and, with
#     [translate] universal, expected-universal/NAME.jsonl);
#     The process traces (enriched.list) also run with enrichment on
#     against an empty proc root, equal to expected-enriched/NAME.jsonl;
#  2. our output equals LAUREL 0.5.1's (laurel-0.5.1/NAME.jsonl) after
#     parsing both as JSON, except the intentional differences listed with
#     their reasons in laurel-differences.txt.
# The expected files are made by regen.sh, never by hand.
set -u
here="$top_srcdir/tests/golden"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

inputs=$(cd "$here/input" && find . -name '*.txt' ! -name README.txt | sed 's|^\./||; s|\.txt$||' | LC_ALL=C sort)
enriched=$(grep -v '^#' "$here/enriched.list")
mkdir -p "$tmp/proc"
{ cat "$here/enriched.conf"; echo "proc-root = $tmp/proc"; } > "$tmp/enriched.conf"
n=0
for name in $inputs; do n=$((n + 3)); done
for name in $enriched; do n=$((n + 1)); done
echo "1..$n"
i=0
ok() { i=$((i + 1)); echo "ok $i - $*"; }
notok() { i=$((i + 1)); echo "not ok $i - $*"; }

for name in $inputs; do
	mkdir -p "$tmp/$(dirname "$name")"
	for variant in default universal; do
		conf=$here/auscribe.conf exp=$here/expected/$name.jsonl
		if [ $variant = universal ]; then
			conf=$here/universal.conf exp=$here/expected-universal/$name.jsonl
		fi
		out=$tmp/$name.$variant.jsonl
		if ! "$AUSCRIBE" -c "$conf" -i "$here/input/$name.txt" -o - > "$out" 2> "$tmp/err"; then
			notok "$name ($variant): auscribe failed: $(head -c 300 "$tmp/err")"
		elif ! diff -u "$exp" "$out" > "$tmp/diff" 2>&1; then
			notok "$name ($variant): differs from the golden file"
			sed 's/^/# /' "$tmp/diff" | head -40
		else
			ok "$name ($variant)"
		fi
	done
	if sh "$top_srcdir/tests/lib/compare.sh" "$here/laurel-0.5.1/$name.jsonl" "$tmp/$name.default.jsonl" \
		"$here/laurel-differences.txt" "$name" > "$tmp/cmp" 2>&1; then
		ok "$name: same as LAUREL 0.5.1 but for documented differences"
	else
		notok "$name: differs from LAUREL 0.5.1"
		sed 's/^/# /' "$tmp/cmp" | head -40
	fi
done

for name in $enriched; do
	out=$tmp/$name.enriched.jsonl
	# A directory is one trace cut into files: replayed in order, as one input.
	if [ -d "$here/input/$name" ]; then
		find "$here/input/$name" -name "*.txt" ! -name README.txt | LC_ALL=C sort | xargs cat > "$tmp/$name.txt"
	else
		cp "$here/input/$name.txt" "$tmp/$name.txt"
	fi
	if ! "$AUSCRIBE" -c "$tmp/enriched.conf" -i "$tmp/$name.txt" -o - > "$out" 2> "$tmp/err"; then
		notok "$name (enriched): auscribe failed: $(head -c 300 "$tmp/err")"
	elif ! diff -u "$here/expected-enriched/$name.jsonl" "$out" > "$tmp/diff" 2>&1; then
		notok "$name (enriched): differs from the golden file"
		sed 's/^/# /' "$tmp/diff" | head -40
	else
		ok "$name (enriched)"
	fi
done
