#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# enrich.sh: process enrichment on the live kernel. Runs known process
# trees under rules of its own (execve, limited to its own login uid) and
# checks with jq what auscribe adds to their events:
#  - shell -> shell -> /bin/true: PPID, SPAWNED_BY and ANCESTORS name the
#    right processes by their exec event IDs; /bin/true exits at once and
#    still gets its parents' context;
#  - a shell moved into a docker-<64 hex>.scope cgroup: PID.container.id on
#    what it execs, also for a child too short-lived to read;
#  - LD_PRELOAD in the environment: EXECVE.ENV;
#  - a shebang script: SYSCALL.SCRIPT;
#  - the seed example of issue 4: apt-get run under a software_mgmt key
#    (label-keys, propagate-labels): every event of apt-get update and of
#    all its descendants carries the label.
# The apt-get rule is the -w /usr/bin/apt-get -p x of the example, written
# as a syscall rule (-F path= -F perm=x) so it can be limited to our login uid.
#
# Root, CAP_AUDIT_READ and CAP_AUDIT_CONTROL or skipped; serialized with the
# other live tests by /run/auscribe-live.lock (tests/lib/live.sh).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/live.sh"

live_init enrich
key=$live_key
label=$key-sw
out=$tmp/out.json
arch=b$(getconf LONG_BIT)
cat > "$tmp/auscribe.conf" << EOF
[enrich]
execve-env = LD_PRELOAD
[label-process]
label-keys = $label
propagate-labels = $label
EOF

# A cgroup named like docker's, in the hierarchy of our cgroup file's
# first line (cgroup v2, or v1/hybrid's name=systemd or a controller).
cid=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cg_line=$(head -n 1 /proc/self/cgroup)
cg_ctrl=$(echo "$cg_line" | cut -d: -f2)
case "$cg_ctrl" in
"") cg_root=/sys/fs/cgroup; [ -e /sys/fs/cgroup/cgroup.procs ] || cg_root=/sys/fs/cgroup/unified ;;
name=*) cg_root=/sys/fs/cgroup/${cg_ctrl#name=} ;;
*) cg_root=/sys/fs/cgroup/${cg_ctrl%%,*} ;;
esac
cg=$cg_root/auscribe-test-$$/docker-$cid.scope
cg_ok=
if mkdir -p "$cg" 2> /dev/null && [ -e "$cg/cgroup.procs" ]; then
	cg_ok=1
	live_on_exit "rmdir '$cg' '$cg_root/auscribe-test-$$' 2> /dev/null"
fi

cat > "$tmp/script.sh" << 'EOF'
#!/bin/sh
sleep 0.3
EOF
chmod 755 "$tmp/script.sh"

live_auscribe_start "$tmp/auscribe.conf" "$out"
plan 15
live_rule "always,exit -F arch=$arch -S execve -F auid=$live_auid -k $key"
# Added last, so first in the list: apt-get's exec gets the label key.
live_rule "always,exit -F arch=$arch -F path=/usr/bin/apt-get -F perm=x -F auid=$live_auid -k $label"
check "rules loaded" sh -c "auditctl -l | grep -q -- '$label\$'"

# 1. shell -> shell -> /bin/true, each step a fork (the trailing commands stop bash's exec shortcut)
live_as_workload bash -c "bash -c '/bin/true tree-$$; exit 0'; exit 0"
# 2. the container: moved, then exec (alive long enough to read), and a
#    child that exits at once (inherits)
if [ -n "$cg_ok" ]; then
	live_as_workload sh -c "echo \$\$ > '$cg/cgroup.procs' && exec bash -c '/bin/true ctr-$$; sleep 0.3; exit 0'"
fi
# 3. ENV and 4. SCRIPT
# (in the environment, not on a command line: the output must not have HOME anywhere)
LD_PRELOAD=/nonexistent-$$.so HOME=/secret-$$ live_as_workload sleep 0.31 2> /dev/null
live_as_workload "$tmp/script.sh"
# 5. the seed example
live_as_workload timeout 120 apt-get update > "$tmp/apt.out" 2>&1
apt_rc=$?
sleep 1
live_auscribe_stop
check "auscribe exits 0 on SIGTERM" sh -c "test '$live_auscribe_rc' = 0 || { cat '$live_auscribe_err'; exit 1; }"

# jq_check DESCRIPTION FILTER: FILTER over all events as $e (an array).
jq_check() {
	local desc=$1 filter=$2
	shift 2
	check "$desc" jq -e -s "$@" ". as \$e | $filter" "$out"
}
ex='def ex($p): [$e[] | select(.SYSCALL.key != null and .EXECVE != null and (.EXECVE.ARGV | index($p)))][0];'

jq_check "tree: /bin/true's PPID is the inner shell's exec, with comm, exe and ppid" "$ex
	(ex(\"tree-$$\")) as \$t | [\$e[] | select(.SYSCALL.pid == \$t.SYSCALL.ppid and .EXECVE.ARGV[0] == \"bash\")][0] as \$i |
	\$t.SYSCALL.PPID.EVENT_ID == \$i.ID and \$t.SYSCALL.PPID.exe == \"/usr/bin/bash\" and \$t.SYSCALL.PPID.ppid == \$i.SYSCALL.ppid"
jq_check "tree: SPAWNED_BY is the inner shell (it forked)" "$ex
	(ex(\"tree-$$\")) as \$t | \$t.SYSCALL.SPAWNED_BY.pid == \$t.SYSCALL.ppid and (\$t.SYSCALL.SPAWNED_BY.EVENT_ID | type) == \"string\""
jq_check "tree: ANCESTORS are the inner shell, then the outer one, by exec event ID" "$ex
	(ex(\"tree-$$\")) as \$t | \$t.SYSCALL.ANCESTORS as \$a |
	[\$e[] | select(.ID == \$a[0].EVENT_ID)][0] as \$inner | [\$e[] | select(.ID == \$a[1].EVENT_ID)][0] as \$outer |
	\$a[0].pid == \$t.SYSCALL.ppid and \$inner.SYSCALL.pid == \$a[0].pid and \$outer.SYSCALL.pid == \$a[1].pid and
	\$inner.SYSCALL.ppid == \$outer.SYSCALL.pid and \$a[0].exe == \"/usr/bin/bash\" and \$t.SYSCALL.PID.EVENT_ID == \$t.ID"

if [ -n "$cg_ok" ]; then
	jq_check "container: the exec after the move has PID.container.id" "$ex
		[\$e[] | select(.EXECVE.ARGV[0] == \"bash\" and (.EXECVE.ARGV[2] // \"\" | contains(\"ctr-$$\")))][0].SYSCALL.PID.container.id == \"$cid\""
	jq_check "container: a child that exits at once has it too (read, or inherited)" "$ex
		ex(\"ctr-$$\").SYSCALL.PID.container.id == \"$cid\""
else
	live_skip_test "container: the exec after the move has PID.container.id" "cannot create a cgroup under $cg_root"
	live_skip_test "container: a child that exits at once has it too" "cannot create a cgroup under $cg_root"
fi
jq_check "ENV: LD_PRELOAD, and nothing that was not asked for" "
	[\$e[] | select(.EXECVE.ARGV == [\"sleep\", \"0.31\"])][0].EXECVE.ENV == {\"LD_PRELOAD\": \"/nonexistent-$$.so\"}"
check "ENV: the other variables are nowhere in the output" sh -c "! grep -q 'secret-$$' '$out'"
jq_check "SCRIPT: the shebang script's path, exe the interpreter" "
	[\$e[] | select(.SYSCALL.SCRIPT == \"$tmp/script.sh\")][0].SYSCALL.exe == \"/usr/bin/dash\""

check "apt-get update ran (status $apt_rc)" sh -c "test $apt_rc -eq 0 || test $apt_rc -eq 100 || { cat '$tmp/apt.out'; exit 1; }"
# The descendants of apt-get: every pid whose parent is apt-get or a descendant, from the events.
# (From apt-get's exec on: the same pid's failed execve attempts before it were timeout's.)
desc='def serial: .ID | split(":")[1] | tonumber;
	[$e[] | select(.SYSCALL.key == "'$label'" and .SYSCALL.exe == "/usr/bin/apt-get")][0] as $apt |
	($apt | serial) as $from | [$e[] | select(serial >= $from)] as $after | $apt.SYSCALL.pid as $root |
	(reduce range(0; 8) as $_ ([$root]; . as $s | ($s + [$after[] | select(.SYSCALL.ppid as $p | $s | index([$p])) | .SYSCALL.pid]) | unique)) as $pids |
	[$after[] | select(.SYSCALL.pid as $p | $pids | index([$p]))]'
jq_check "label: apt-get's exec carries $label" "
	[\$e[] | select(.SYSCALL.key == \"$label\" and .SYSCALL.exe == \"/usr/bin/apt-get\")][0].SYSCALL.LABELS == [\"$label\"]"
jq_check "label: apt-get update had descendants (methods, dpkg)" "$desc | map(.SYSCALL.pid) | unique | length >= 2"
jq_check "label: every event of apt-get and its descendants carries it" "$desc | all(.SYSCALL.LABELS // [] | index(\"$label\"))"
jq_check "label: the workload's other events do not" "
	[\$e[] | select(.EXECVE.ARGV | index(\"tree-$$\"))] | length == 1 and all(.SYSCALL.LABELS == null)"
