#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# coexist.sh: auscribe beside auditd. auditd owns the unicast audit socket;
# auscribe reads the multicast group next to it and must change nothing.
# If an auditd already runs, its log (log_file of /etc/audit/auditd.conf)
# is read from the current end and it is left alone; otherwise a private
# auditd runs in the foreground (auditd -n) with its own auditd.conf, RAW
# log and no plugins in the temp dir, and is stopped at the end (the kernel
# must then show audit pid 0 again).
#
# The same workload (execs with awkward and 3000 arguments, a failing
# open, a refused connect; keyed rules limited to our login uid) runs
# twice: phase A with auditd alone, phase B with auscribe listening too.
# Checks: auditd logged exactly the expected events in both phases, with
# the same records (our presence changed nothing; auditd still owns the
# socket; no error records; nothing lost by the kernel); every keyed event
# of phase B in auditd's log is in auscribe's output with the same record
# types, and none is extra; replaying auditd's log through auscribe gives
# the same JSON as the live input; auditd logged our join and leave once.
#
# Root, CAP_AUDIT_READ and CAP_AUDIT_CONTROL or skipped; serialized with the
# other live tests by /run/auscribe-live.lock (tests/lib/live.sh).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/live.sh"

live_init coexist
key=$live_key
out=$tmp/out.json
cp "$top_srcdir/tests/golden/auscribe.conf" "$tmp/auscribe.conf"  # enrichment off: replay and live see the same input, not the same /proc
arch=b$(getconf LONG_BIT)
command -v ausyscall > /dev/null || live_skip "ausyscall not found (Debian package 'auditd')"
sc_execve=$(ausyscall --exact execve) sc_openat=$(ausyscall --exact openat) sc_connect=$(ausyscall --exact connect)

# --- auditd: the one running, or a private one -----------------------------
auditd_pid=$(live_status pid)
private=
if [ "$auditd_pid" != 0 ]; then
	[ "$(cat "/proc/$auditd_pid/comm" 2> /dev/null)" = auditd ] ||
		live_skip "audit pid $auditd_pid is not auditd ($(cat "/proc/$auditd_pid/comm" 2> /dev/null))"
	log=$(awk -F '[ \t]*=[ \t]*' '$1 == "log_file" { print $2 }' /etc/audit/auditd.conf 2> /dev/null)
	log=${log:-/var/log/audit/audit.log}
	[ -r "$log" ] || live_skip "auditd (pid $auditd_pid) runs but its log $log is not readable"
	grep -Eq '^[[:space:]]*write_logs[[:space:]]*=[[:space:]]*no' /etc/audit/auditd.conf 2> /dev/null &&
		live_skip "the running auditd does not write logs"
	auditd_desc="the running auditd (pid $auditd_pid, $log)"
else
	command -v auditd > /dev/null || live_skip "auditd not found (Debian package 'auditd')"
	private=yes
	conf=$tmp/auditd
	log=$tmp/auditd/audit.log
	mkdir -p "$conf/plugins.d"
	sed "s|@LOG@|$log|; s|@PLUGINS@|$conf/plugins.d|" \
		"$top_srcdir/tests/lib/auditd-private.conf.in" > "$conf/auditd.conf"
	chmod 600 "$conf/auditd.conf"
	# -n: no fork, so it is our child; -s nochange: the enabled flag is
	# ours to manage (tests/lib/live.sh restores it).
	auditd -n -s nochange -c "$conf" > "$tmp/auditd.out" 2>&1 {live_lock_fd}>&- &
	auditd_pid=$!
	stop_auditd() {
		[ -n "$auditd_pid" ] || return 0
		kill -TERM "$auditd_pid" 2> /dev/null
		live_wait_exit "$auditd_pid"
		auditd_rc=$?
		auditd_pid=
	}
	live_on_exit stop_auditd
	for ((i = 0; i < 200; i++)); do
		[ "$(live_status pid)" = "$auditd_pid" ] && [ -s "$log" ] && break
		live_running "$auditd_pid" || break
		sleep 0.05
	done
	[ "$(live_status pid)" = "$auditd_pid" ] ||
		live_bail "the private auditd did not register with the kernel: $(head -c 300 "$tmp/auditd.out")"
	auditd_desc="a private auditd (pid $auditd_pid, RAW log in the temp dir)"
fi
# offset: the size of auditd's log now; window FROM TO: its bytes between.
offset() { stat -c %s "$log"; }
window() {
	local end=${2:-$(offset)}
	[ "$end" -ge "$1" ] || live_bail "$log shrank (rotated?) during the test"
	tail -c +"$(($1 + 1))" "$log" | head -c "$(($end - $1))"
}

live_rule "always,exit -F arch=$arch -S execve -F auid=$live_auid -k $key" &&
	live_rule "always,exit -F arch=$arch -S openat -F exit=-ENOENT -F auid=$live_auid -k $key" &&
	live_rule "always,exit -F arch=$arch -S connect -F auid=$live_auid -k $key" ||
	live_bail "auditctl refused a rule: $(cat "$tmp/auditctl.err")"

many=()
for ((i = 1; i <= 3000; i++)); do many+=("arg$i"); done
# workload PHASE: 6 keyed events; the same records in every phase. The
# markers hold our pid: a running auditd's log has earlier runs' too.
workload() {
	/bin/true "m-$1-$$-start" &&
		/bin/true "m-$1-$$-args" 'two words' $'new\nline' $'\xff' '100%' '' &&
		/bin/true "m-$1-$$-many" "${many[@]}" &&
		! { : < "/nonexistent-auscribe-$$/$1"; } 2> /dev/null &&
		! { : 3<> /dev/tcp/127.0.0.1/1; } 2> /dev/null &&
		/bin/true "m-$1-$$-end"
}
# expected PHASE: the summary (below) of those 6 events.
expected() {
	printf '%s\n' "$sc_execve 0 m-$1-$$-start" "$sc_execve 0 m-$1-$$-args" "$sc_execve 0 m-$1-$$-many" \
		"$sc_openat -2 /nonexistent-auscribe-$$/$1" "$sc_connect -111 -" "$sc_execve 0 m-$1-$$-end" | sort
}
# summary [TYPES]: one line per event of raw records on stdin whose SYSCALL
# has our key: "syscall exit what", what being the first argument after the
# program (a1), else the first PATH name, else "-"; with TYPES, the event's
# record types (sorted, with repeats) follow.
summary() {
	awk -v k="key=\"$key\"" -v types="${1:-}" '
		function val(name,   v) {
			if (!match($0, " " name "=[^ ]*"))
				return ""
			v = substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 2)
			gsub(/"/, "", v)
			return v
		}
		match($0, /^(node=[^ ]+ )?type=[^ ]+ msg=audit\([0-9]+\.[0-9]+:[0-9]+\)/) {
			s = substr($0, RSTART, RLENGTH)
			sub(/^node=[^ ]+ /, "", s)
			t = s; sub(/^type=/, "", t); sub(/ .*/, "", t)
			id = s; sub(/.*msg=audit\(/, "", id); sub(/\)$/, "", id)
			if (!(id in seen)) { seen[id] = 1; order[++n] = id }
			tl[id] = tl[id] " " t
			if (t == "SYSCALL" && index($0, k)) { keyed[id] = 1; sc[id] = val("syscall") " " val("exit") }
			if (t == "EXECVE" && !(id in what) && val("a1") != "") what[id] = val("a1")
			if (t == "PATH" && !(id in path)) path[id] = val("name")
		}
		END {
			for (i = 1; i <= n; i++) {
				id = order[i]
				if (!(id in keyed))
					continue
				w = (id in what) ? what[id] : (id in path) ? path[id] : "-"
				line = sc[id] " " w
				if (types != "") {
					m = split(substr(tl[id], 2), a, " ")
					for (x = 1; x <= m; x++)
						for (y = x + 1; y <= m; y++)
							if (a[y] < a[x]) { tmpv = a[x]; a[x] = a[y]; a[y] = tmpv }
					line = line " "
					for (x = 1; x <= m; x++)
						line = line (x > 1 ? "," : "") a[x]
				}
				print line
			}
		}' | sort
}

# logged_exactly PHASE FILE STATUS: the workload succeeded and FILE holds
# exactly the expected events of PHASE.
logged_exactly() {
	[ "$3" = 0 ] || { echo "the workload failed (status $3)"; return 1; }
	summary < "$2" > "$tmp/summary$1"
	expected "$1" | diff -u - "$tmp/summary$1"
}

# --- phase A: auditd alone --------------------------------------------------
lost_before=$(live_status lost)
offA=$(offset)
live_as_workload workload A
rcA=$?
live_wait_for "$log" "\"m-A-$$-end\"" 10
offB=$(offset)
window "$offA" "$offB" > "$tmp/logA"

# --- phase B: auditd and auscribe ------------------------------------------
# (The plan comes only now: starting auscribe may still skip the script.)
live_auscribe_start "$tmp/auscribe.conf" "$out"
plan 15
ok "auditd owns the audit socket: $auditd_desc"
check "phase A (auditd alone): auditd logged exactly the 6 expected events" logged_exactly A "$tmp/logA" "$rcA"
ok "auscribe is listening beside auditd"
check "auditd still owns the audit socket (kernel audit pid $auditd_pid)" \
	sh -c "test \"\$(auditctl -s | awk '\$1 == \"pid\" { print \$2 }')\" = '$auditd_pid'"
live_as_workload workload B
rcB=$?
live_wait_for "$log" "\"m-B-$$-end\"" 10
live_wait_for "$out" "\"m-B-$$-end\"" 5
auscribe_pid=$live_auscribe_pid
live_auscribe_stop
check "auscribe exits 0 on SIGTERM" sh -c "test '$live_auscribe_rc' = 0 || { cat '$live_auscribe_err'; exit 1; }"
# auditd logs our leaving the group (EVENT_LISTENER op=disconnect).
for ((i = 0; i < 100; i++)); do
	window "$offB" | grep -aq " pid=$auscribe_pid .*nl-mcgrp=1 op=disconnect" && break
	sleep 0.05
done
offC=$(offset)
window "$offB" "$offC" > "$tmp/logB"
check "phase B (auscribe listening too): auditd logged exactly the 6 expected events" logged_exactly B "$tmp/logB" "$rcB"

same_records() {
	summary types < "$tmp/logA" | sed 's/m-A-/m-P-/; s|/A |/P |' > "$tmp/typesA"
	summary types < "$tmp/logB" | sed 's/m-B-/m-P-/; s|/B |/P |' > "$tmp/typesB"
	diff -u "$tmp/typesA" "$tmp/typesB"
}
check "phase B's events have the same records in auditd's log as phase A's" same_records

live_types_raw "$tmp/logB" "$key" > "$tmp/logB.types"
live_types_json "$out" "$key" > "$tmp/out.types"
check "every keyed event auditd logged ($(jq length "$tmp/logB.types")) is in auscribe's output with the same record types, none extra" \
	live_types_compare "$tmp/logB.types" "$tmp/out.types"

# auditd's log replayed through auscribe (without what auditd adds: the
# node= prefix of name_format, the ENRICHED tail): the keyed events come out
# exactly as from the live input.
same_as_replay() {
	sed 's/^node=[^ ]* //; s/\x1d.*//' "$tmp/logB" > "$tmp/logB.raw"
	"$AUSCRIBE" -c "$tmp/auscribe.conf" -i "$tmp/logB.raw" -o "$tmp/replay.json" 2> "$tmp/replay.err" ||
		{ cat "$tmp/replay.err"; return 1; }
	jq -c -S --arg k "$key" 'select(.SYSCALL.key? == $k)' "$tmp/replay.json" | sort > "$tmp/replay.keyed"
	jq -c -S --arg k "$key" 'select(.SYSCALL.key? == $k)' "$out" | sort > "$tmp/out.keyed"
	[ -s "$tmp/out.keyed" ] || { echo "no keyed events"; return 1; }
	diff "$tmp/replay.keyed" "$tmp/out.keyed" | cut -c1-300
	cmp -s "$tmp/replay.keyed" "$tmp/out.keyed"
}
check "replaying auditd's log gives the same JSON as the live input for those events" same_as_replay

listener() {
	local c d
	c=$(grep -a -E '^(node=[^ ]* )?type=EVENT_LISTENER ' "$tmp/logB" | grep -c " pid=$auscribe_pid .*nl-mcgrp=1 op=connect res=1")
	d=$(grep -a -E '^(node=[^ ]* )?type=EVENT_LISTENER ' "$tmp/logB" | grep -c " pid=$auscribe_pid .*nl-mcgrp=1 op=disconnect res=1")
	echo "connect: $c, disconnect: $d"
	[ "$c" = 1 ] && [ "$d" = 1 ]
}
check "auditd logged auscribe joining and leaving the group once each (EVENT_LISTENER)" listener
check "no error records in auditd's log (DAEMON_ERR, DAEMON_ABORT, DAEMON_RESUME)" \
	sh -c "! cat '$tmp/logA' '$tmp/logB' | grep -a -E '^(node=[^ ]* )?type=DAEMON_(ERR|ABORT|RESUME) '"
lost_after=$(live_status lost)
check "the kernel lost nothing meanwhile (lost $lost_before -> $lost_after)" test "$lost_before" = "$lost_after"

if [ -n "$private" ]; then
	stop_auditd
	check "the private auditd stops with status 0 and logs DAEMON_END" \
		sh -c "test '$auditd_rc' = 0 && tail -c +$((offC + 1)) '$log' | grep -aEq '^(node=[^ ]* )?type=DAEMON_END '"
	check "the kernel's audit pid is back to 0" \
		sh -c "test \"\$(auditctl -s | awk '\$1 == \"pid\" { print \$2 }')\" = 0"
else
	live_skip_test "the private auditd stops with status 0 and logs DAEMON_END" "$auditd_desc is left running"
	live_skip_test "the kernel's audit pid is back to 0" "$auditd_desc is left running"
fi
live_restore
check "our rules are removed and the enabled flag is back to $live_enabled_before" \
	sh -c "test \$(auditctl -l | grep -c -- '$key') -eq 0 && test \"\$(auditctl -s | awk '\$1 == \"enabled\" { print \$2 }')\" = '$live_enabled_before'"
