#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs every test suite (after scripts/setup.sh):
#  1. make check on the normal build (-Werror);
#  2. make check on a second build with ASan+UBSan (build-asan/, out of tree);
#  3. each libFuzzer target for FUZZ_SECONDS (default 60), seeded from the corpus.
# Ends with one line: "N passed, N failed", summed over all of them.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
fuzz_seconds=${FUZZ_SECONDS:-60}
passed=0 failed=0 status=0

count() { # test-suite.log -> adds its PASS and FAIL/ERROR/XPASS counts
	p=$(sed -n 's/^# PASS: *//p' "$1" | head -n 1)
	f=$(sed -n 's/^# FAIL: *//p;s/^# ERROR: *//p;s/^# XPASS: *//p' "$1" | awk '{s += $1} END {print s + 0}')
	passed=$((passed + ${p:-0}))
	failed=$((failed + f))
}

suite() { # DIR: make check there, count, show failures
	(cd "$1" && make -j"$(nproc)" check >/dev/null 2>&1) || status=1
	if [ -f "$1/test-suite.log" ]; then
		count "$1/test-suite.log"
		grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR):' "$1/test-suite.log"
		grep -E '^(FAIL|ERROR|not ok)' "$1/test-suite.log" | head -20
	else
		failed=$((failed + 1))
		echo "no test-suite.log in $1"
	fi
}

echo "== make check (build/)"
suite build

echo "== make check with ASan+UBSan"
mkdir -p build-asan
(cd build-asan && "$top/configure" --enable-werror --enable-sanitizers >/dev/null) || status=1
ASAN_OPTIONS=detect_leaks=1 suite build-asan

echo "== fuzzing ${fuzz_seconds}s per target"
for t in tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	if sh tests/fuzz/run.sh build "$name" "$fuzz_seconds" > "build-asan/$name.log" 2>&1; then
		passed=$((passed + 1)); echo "ok - $name: $(grep -Eo '#[0-9]+ +DONE.*' "build-asan/$name.log" | head -n 1)"
	else
		failed=$((failed + 1)); status=1; echo "not ok - $name"; tail -n 40 "build-asan/$name.log"
	fi
done

[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
