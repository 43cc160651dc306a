#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Regenerates expected/ and expected-universal/ from the built binary.
# Usage: tests/golden/regen.sh [path/to/auscribe]   (default: src/auscribe)
# Review the diff (git diff tests/golden) before committing it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../src/auscribe}
cd "$here/input"
find . -name '*.txt' ! -name README.txt | sed 's|^\./||; s|\.txt$||' | LC_ALL=C sort | while read -r name; do
	mkdir -p "$here/expected/$(dirname "$name")" "$here/expected-universal/$(dirname "$name")"
	"$bin" -c "$here/auscribe.conf" -i "$name.txt" -o - > "$here/expected/$name.jsonl" 2>/dev/null
	"$bin" -c "$here/universal.conf" -i "$name.txt" -o - > "$here/expected-universal/$name.jsonl" 2>/dev/null
done
# The process traces with enrichment on, against an empty proc root.
proc=$(mktemp -d)
trap 'rm -rf "$proc"' EXIT
{ cat "$here/enriched.conf"; echo "proc-root = $proc"; } > "$proc/enriched.conf"
grep -v '^#' "$here/enriched.list" | while read -r name; do
	mkdir -p "$here/expected-enriched/$(dirname "$name")"
	# A directory is one trace cut into files: replayed in order, as one input.
	if [ -d "$name" ]; then find "$name" -name "*.txt" ! -name README.txt | LC_ALL=C sort | xargs cat; else cat "$name.txt"; fi > "$proc/input.txt"
	"$bin" -c "$proc/enriched.conf" -i "$proc/input.txt" -o - > "$here/expected-enriched/$name.jsonl" 2>/dev/null
done
echo "regenerated $(find "$here/expected" -name '*.jsonl' | wc -l) golden files (x2 variants)"
