# SPDX-License-Identifier: GPL-3.0-or-later
# Tiny TAP helpers for the shell test suites: plan N; ok/notok DESCRIPTION;
# check DESCRIPTION COMMAND... runs COMMAND and reports its result.
tap_i=0
tap_failed=0
plan() { echo "1..$1"; }
ok() { tap_i=$((tap_i + 1)); echo "ok $tap_i - $*"; }
notok() { tap_i=$((tap_i + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_i - $*"; }
check() {
	desc=$1
	shift
	if "$@" > "$tmp/check.out" 2>&1; then
		ok "$desc"
	else
		notok "$desc"
		sed 's/^/# /' "$tmp/check.out" | head -20
	fi
}
