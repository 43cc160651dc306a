#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs every test suite (after scripts/setup.sh):
#  1. make check on the normal build (-Werror);
#  2. make check on a second build with ASan+UBSan (build-asan/, out of tree);
#  3. each libFuzzer target for FUZZ_SECONDS (default 60), seeded from the corpus;
#  4. make distcheck (build-dist/), then the Debian package: built in build-deb/,
#     installed, checked, purged (when run as root and none is installed).
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

# step DESCRIPTION LOG COMMAND...: one counted "ok"/"not ok" line for
# COMMAND, whose output goes to LOG (its tail is shown when it fails).
step() {
	desc=$1 log=$2
	shift 2
	if "$@" > "$log" 2>&1; then
		passed=$((passed + 1)); echo "ok - $desc"
	else
		failed=$((failed + 1)); status=1; echo "not ok - $desc"; tail -n 30 "$log"
	fi
}
skip() { echo "ok - $1 # SKIP $2"; } # not counted

echo "== make distcheck (build-dist/: the offline tests, install, uninstall)"
t0=$(date +%s)
rm -rf build-dist && mkdir -p build-dist
step "make distcheck" build-dist/distcheck.log \
	sh -c "cd build-dist && '$top/configure' >/dev/null && make -j$(nproc) distcheck"
echo "   $(($(date +%s) - t0)) s"

# The package is built from a copy of the tree (dpkg-buildpackage writes
# to the parent directory), installed, checked and purged; not when an
# auscribe package is installed already, which it would replace.
echo "== Debian package (build-deb/)"
t0=$(date +%s)
deb_dir=build-deb/auscribe
rm -rf build-deb && mkdir -p "$deb_dir"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z -c -o --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$deb_dir"
else
	tar --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$deb_dir"
fi
step "dpkg-buildpackage -us -uc -b" build-deb/build.log sh -c "cd '$deb_dir' && dpkg-buildpackage -us -uc -b"
deb=
for f in build-deb/auscribe_*.deb; do [ -f "$f" ] && deb=$f; done
# shellcheck disable=SC2016 # the inner sh expands
if [ -z "$deb" ]; then
	:
elif [ "$(id -u)" != 0 ]; then
	skip "the package installs, works and purges" "needs root"
elif dpkg -s auscribe >/dev/null 2>&1; then
	skip "the package installs, works and purges" "an auscribe package is installed on this machine"
else
	step "dpkg -i installs it" build-deb/install.log dpkg -i "$deb"
	step "it made the system user auscribe, without a login shell" build-deb/user.log \
		sh -c 'getent passwd auscribe | grep -E "^auscribe:x:[0-9]{1,3}:.*:/usr/sbin/nologin$"'
	step "/var/log/auscribe is auscribe:auscribe 0750, /etc/auscribe/auscribe.conf root 0644" build-deb/dirs.log \
		sh -c 'test "$(stat -c "%U:%G %a" /var/log/auscribe)" = "auscribe:auscribe 750" &&
			test "$(stat -c "%U:%G %a" /etc/auscribe/auscribe.conf)" = "root:root 644"'
	step "auscribe -V, and auscribe -t accepts the installed configuration" build-deb/smoke.log \
		sh -c '/usr/sbin/auscribe -V | grep -qx "auscribe [0-9.]*" && /usr/sbin/auscribe -t | grep -qx "configuration OK"'
	step "the installed daemon, as the user auscribe, turns a record into JSON" build-deb/replay.log \
		sh -c 'setpriv --reuid=auscribe --regid=auscribe --clear-groups /usr/sbin/auscribe -i - -o - \
			< tests/golden/input/record-execve.txt | grep -q "^{\"ID\":"'
	step "systemd-analyze verify accepts the installed unit" build-deb/verify.log \
		systemd-analyze verify /lib/systemd/system/auscribe.service
	if [ -d /run/systemd/system ]; then
		step "the service is running in its sandbox" build-deb/active.log \
			sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do systemctl is-active --quiet auscribe.service && exit 0; sleep 1; done
				systemctl status auscribe.service; exit 1'
	else
		skip "the service is running in its sandbox" "systemd is not PID 1 here (the package installs without starting it)"
	fi
	step "dpkg --purge removes it, its configuration and its logs" build-deb/purge.log \
		sh -c 'dpkg --purge auscribe && ! test -e /usr/sbin/auscribe && ! test -e /etc/auscribe && ! test -e /var/log/auscribe'
fi
echo "   $(($(date +%s) - t0)) s"

[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
