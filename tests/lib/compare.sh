#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# compare.sh EXPECTED ACTUAL DIFFS NAME
#
# Compares two JSON Lines files event by event after parsing both as JSON
# (jq): key order, whitespace and event order do not matter; values do.
# LAUREL's events that share an ID (it splits an event whose user-space
# record shares the ID of kernel records) are merged before comparing; our
# side is not merged, so a duplicate ID of ours shows up as a difference.
#
# DIFFS lists the documented intentional differences, one per line:
#   NAME<TAB>JQ-FILTER<TAB>REASON
# NAME is an input's name or a shell glob ('*' for all); the filter is applied to every event on
# both sides (typically a del(...)). Lines starting with '#' are comments.
# Exit 0 when equal, 1 with a diff on stdout otherwise.
set -eu
expected=$1 actual=$2 diffs=$3 name=$4

filter='.'
if [ -f "$diffs" ]; then
	while IFS='	' read -r n f _reason; do
		case "$n" in '#'*|'') continue ;; esac
		# shellcheck disable=SC2254 # NAME is a glob on purpose
		case "$name" in $n) filter="$filter | $f" ;; esac
	done < "$diffs"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jq -c -S -s "map($filter) | group_by([.NODE, .ID]) | map(reduce .[] as \$e ({}; . * \$e)) | sort_by([.NODE, .ID]) | .[]" \
	"$expected" > "$tmp/expected"
jq -c -S -s "map($filter) | sort_by([.NODE, .ID]) | .[]" "$actual" > "$tmp/actual"
if ! diff -u "$tmp/expected" "$tmp/actual"; then
	echo "$name: differs from $expected (- expected, + ours)"
	exit 1
fi
