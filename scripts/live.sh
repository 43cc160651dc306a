#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs auscribe live (after scripts/setup.sh), JSON on stdout, until Ctrl-C.
# If the kernel has no audit rules, loads rules/example.rules (and says so);
# if auditing is disabled, enables it. Both are undone on exit, whatever ends it.
# Extra arguments go to auscribe (e.g. -c FILE, -o FILE).
set -u
cd "$(dirname "$0")/.."
bin=./build/src/auscribe
[ -x "$bin" ] || { echo "live.sh: $bin not built; run scripts/setup.sh first" >&2; exit 1; }
command -v auditctl >/dev/null || { echo "live.sh: auditctl not found (Debian package 'auditd')" >&2; exit 1; }

enabled=$(auditctl -s | awk '$1 == "enabled" { print $2 }')
loaded=""
pid=""
cleanup() {
	# Nothing may interrupt this: a second signal would leave the rules loaded.
	trap '' INT TERM HUP
	trap - EXIT
	if [ -n "$loaded" ]; then
		grep -v '^#' rules/example.rules | grep . | sed 's/^-a /-d /; s/^-w /-W /' | while read -r rule; do
			# shellcheck disable=SC2086 # the rule is words
			auditctl $rule >/dev/null 2>&1
		done
		echo "live.sh: removed the example rules" >&2
	fi
	if [ "$enabled" = 0 ]; then
		auditctl -e 0 >/dev/null && echo "live.sh: auditing disabled again, as it was" >&2
	fi
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 0' INT TERM HUP

if [ "$(auditctl -l)" = "No rules" ]; then
	echo "live.sh: the kernel has no audit rules; loading rules/example.rules (key auscribe-example) until this stops" >&2
	loaded=yes
	auditctl -R rules/example.rules >/dev/null || { echo "live.sh: could not load rules/example.rules" >&2; exit 1; }
fi
if [ "$enabled" = 0 ]; then
	echo "live.sh: kernel auditing is disabled; enabling it until this stops" >&2
	auditctl -e 1 >/dev/null
fi
"$bin" -i netlink -o - "$@" &
pid=$!
wait "$pid"
status=$?
pid=""
exit $status
