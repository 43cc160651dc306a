#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# differential.sh: replays every capture in tests/data/live/*.log through
# LAUREL 0.5.1 and through auscribe, and compares the two event by event
# (tests/lib/compare.sh, with the intentional differences documented in
# tests/golden/laurel-differences.txt). Independently of LAUREL it checks
# that our output is one JSON object per line, that no two events share an
# ID, and that there is exactly one event per distinct msg=audit(ID) of the
# input.
#
# Environment (set by automake): top_srcdir, top_builddir, AUSCRIBE; LAUREL
# overrides /usr/sbin/laurel. Exit 0 all passed, 1 a difference or a failed
# check, 77 LAUREL or jq missing, 99 the test itself could not run.
#
# LAUREL runs with the reference configuration of the golden corpus
# (host-dependent enrichments off, so its output depends only on its input);
# only its state directory is ours.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
AUSCRIBE=${AUSCRIBE:-$top_builddir/src/auscribe}
LAUREL=${LAUREL:-/usr/sbin/laurel}
diffs=$top_srcdir/tests/golden/laurel-differences.txt

if [ ! -x "$LAUREL" ]; then
	echo "1..0 # SKIP $LAUREL not found (Debian package 'laurel')"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq not found (Debian package 'jq')"
	exit 0
fi
if [ ! -x "$AUSCRIBE" ]; then
	echo "Bail out! $AUSCRIBE not found or not executable"
	exit 99
fi

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM HUP
mkdir "$tmp/laurel-state"
# The golden corpus's reference config, with a private state directory.
sed "s|^directory = .*|directory = \"$tmp/laurel-state\"|" \
	"$top_srcdir/tests/golden/laurel-0.5.1/config.toml" > "$tmp/laurel.toml"

# input_ids FILE: the distinct event keys of raw audit lines, as
# "NODE<TAB>SEC.MSEC:SERIAL" (NODE empty without a node= prefix).
input_ids() {
	sed -n 's/^\(node=\([^ ]*\) \)\{0,1\}type=[^ ]* msg=audit(\([0-9]*\.[0-9]*:[0-9]*\)):.*/\2	\3/p' "$1" |
		LC_ALL=C sort -u
}

# output_ids FILE: the same keys of JSON events, one per event (not unique).
output_ids() {
	jq -r '"\(.NODE // "")\t\(.ID)"' "$1" | LC_ALL=C sort
}

# explain COMPARE-OUTPUT: turns compare.sh's diff of whole events (one per
# line, after its filters) into one line per differing value, as
# "ID .path: laurel=VALUE ours=VALUE", values cut to 120 bytes.
explain() {
	grep '^-{' "$1" | cut -c2- > "$tmp/explain.theirs"
	grep '^+{' "$1" | cut -c2- > "$tmp/explain.ours"
	jq -n -r --slurpfile t "$tmp/explain.theirs" --slurpfile o "$tmp/explain.ours" '
		def byid: map({key: "\(.NODE // "")\(.ID)", value: .}) | from_entries;
		def show: tojson | .[0:120];
		def pstr: map(if type == "number" then "[\(.)]" else ".\(.)" end) | join("");
		($t | byid) as $T | ($o | byid) as $O
		| (($T | keys) + ($O | keys) | unique)[] as $id
		| if $T[$id] == null then "\($id): only in ours"
		elif $O[$id] == null then "\($id): only in LAUREL"
		else
			([$T[$id], $O[$id]] | map([paths(scalars)]) | add | unique)[] as $p
			| ($T[$id] | getpath($p)) as $a | ($O[$id] | getpath($p)) as $b
			| select($a != $b)
			| "\($id) \($p | pstr): laurel=\($a | show) ours=\($b | show)"
		end'
}

status=0
count=0
echo "1..$(ls "$top_srcdir"/tests/data/live/*.log 2>/dev/null | wc -l)"
for input in "$top_srcdir"/tests/data/live/*.log; do
	[ -f "$input" ] || continue
	count=$((count + 1))
	name=$(basename "$input" .log)
	theirs=$tmp/$name.laurel.jsonl
	ours=$tmp/$name.ours.jsonl
	problems=

	if ! "$LAUREL" -c "$tmp/laurel.toml" < "$input" > "$theirs" 2> "$tmp/$name.laurel.err"; then
		echo "Bail out! $name: laurel failed:"
		cat "$tmp/$name.laurel.err"
		exit 99
	fi
	# LAUREL's own complaints about the input, for the log; not a failure.
	grep -v -e 'Not dropping privileges' -e ': Started ' -e ': Running with ' \
		-e ': Stopped ' "$tmp/$name.laurel.err" | sed "s|^|# $name: laurel: |"

	"$AUSCRIBE" -c "$top_srcdir/tests/golden/auscribe.conf" -i "$input" -o - > "$ours" 2> "$tmp/$name.ours.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		problems="$problems; auscribe exited with status $rc: $(head -c 500 "$tmp/$name.ours.err")"
	fi

	# One JSON object per line.
	bad=$(jq -R -r 'try (fromjson | if type == "object" then empty
			else "line \(input_line_number): not an object" end)
		catch "line \(input_line_number): invalid JSON"' "$ours" | head -n 5)
	if [ -n "$bad" ]; then
		problems="$problems; invalid output: $(echo "$bad" | tr '\n' ' ')"
	else
		# No two events share an ID; one event per input ID.
		input_ids "$input" > "$tmp/$name.in-ids"
		output_ids "$ours" > "$tmp/$name.out-ids"
		dups=$(uniq -d "$tmp/$name.out-ids" | sed "s/^	//" | tr '\t\n' '  ' | head -c 300)
		[ -z "$dups" ] || problems="$problems; duplicate IDs: $dups"
		n_in=$(wc -l < "$tmp/$name.in-ids")
		n_out=$(wc -l < "$tmp/$name.out-ids")
		if [ "$n_in" -ne "$n_out" ]; then
			problems="$problems; $n_out events for $n_in distinct input IDs"
		elif ! uniq "$tmp/$name.out-ids" | cmp -s - "$tmp/$name.in-ids"; then
			problems="$problems; event IDs differ from the input's"
		fi

		# Against LAUREL.
		if ! sh "$top_srcdir/tests/lib/compare.sh" "$theirs" "$ours" "$diffs" "$name" \
			> "$tmp/$name.compare" 2>&1; then
			problems="$problems; differs from LAUREL ($(grep -c '^[-+]{' "$tmp/$name.compare") lines of diff)"
		fi
	fi

	if [ -z "$problems" ]; then
		echo "ok $count - $name: $(wc -l < "$ours") events, same as LAUREL $("$LAUREL" --version 2>/dev/null)"
	else
		echo "not ok $count - $name:${problems#;}"
		if [ -s "$tmp/$name.compare" ]; then
			explain "$tmp/$name.compare" | head -n 60 | sed "s|^|# $name: |"
		fi
		status=1
	fi
done

if [ "$count" = 0 ]; then
	echo "Bail out! no captures in $top_srcdir/tests/data/live"
	exit 99
fi
exit $status
