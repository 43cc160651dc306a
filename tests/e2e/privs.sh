#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# privs.sh: least privilege.
#
# Without the kernel (any user; a few checks need root):
#  - a configuration file others than root may write (group or other write
#    bit, another owner, or a symbolic link to such a file) is refused with
#    exit 1 and a message saying why;
#  - an output directory that is a symbolic link, belongs to another user,
#    or is writable by group or others (sticky /tmp included) is refused; a
#    missing one is created 0750.
# With the kernel (root, CAP_AUDIT_READ and CAP_AUDIT_CONTROL; the rules and
# lock of tests/lib/live.sh), with a system user auscribe-test (created
# with useradd -r when missing, and then removed at exit):
#  1. started as root with 'user = auscribe-test', the daemon runs as that
#     user (uid, gid, groups) with exactly CAP_SYS_PTRACE and
#     CAP_DAC_READ_SEARCH permitted and effective (and CAP_AUDIT_CONTROL
#     with kernel-lost-counter), nothing inheritable, ambient or in the
#     bounding set beyond them; the log directory it creates is that
#     user's, and SIGHUP reopens the file as that user;
#  2. started as that user by setpriv with systemd's ambient capabilities
#     (audit_read, net_admin, sys_ptrace, dac_read_search), it keeps only
#     the last two and reads live events;
#  3. started as root without 'user', it warns and still sheds the rest.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/live.sh"

TEST_USER=auscribe-test
# Capability numbers (linux/capability.h).
CAP_DAC_READ_SEARCH=2
CAP_SYS_PTRACE=19
CAP_AUDIT_CONTROL=30
KEPT=$(((1 << CAP_SYS_PTRACE) | (1 << CAP_DAC_READ_SEARCH)))
N_LIVE=20	# checks that need the kernel

live=
why=
if [ "$(id -u)" != 0 ]; then
	why="needs root"
elif ! live_has_cap 30 || ! live_has_cap 37; then
	why="needs CAP_AUDIT_CONTROL and CAP_AUDIT_READ"
elif ! command -v auditctl > /dev/null || ! command -v setpriv > /dev/null || ! command -v useradd > /dev/null; then
	why="needs auditctl (auditd), setpriv (util-linux) and useradd (passwd)"
fi
if [ -z "$why" ]; then
	live_init privs	# skips the whole script when the kernel's audit is unusable
	live=yes
else
	top_builddir=${top_builddir:-$top_srcdir}
	AUSCRIBE=${AUSCRIBE:-$top_builddir/src/auscribe}
	export LC_ALL=C
	tmp=$(mktemp -d /tmp/auscribe-privs.XXXXXX) || exit 99
	trap 'rm -rf "$tmp"' EXIT
fi
A=$AUSCRIBE
data=$top_srcdir/tests/golden/input/record-execve.txt
plan $((14 + N_LIVE))

# --- The configuration file ---------------------------------------------
printf '[translate]\nuniversal = true\n' > "$tmp/c.conf"
chgrp 100 "$tmp/c.conf"   # group write is refused unless the group is root
# refused MODE [FILE]: -t on the config after chmod MODE exits 1 with the reason.
refused() {
	chmod "$1" "$tmp/c.conf"
	"$A" -c "${2:-$tmp/c.conf}" -t > "$tmp/t.out" 2> "$tmp/t.err"
	rc=$?
	test $rc -eq 1 && test ! -s "$tmp/t.out" &&
		grep -q "refusing a configuration file that others than root.*may write (owner uid [0-9]*, gid [0-9]*, mode 0$1)" "$tmp/t.err" &&
		grep -q 'writable by nobody else' "$tmp/t.err" ||
		{ echo "exit $rc"; cat "$tmp/t.out" "$tmp/t.err"; return 1; }
}
check "a group-writable configuration (0664) is refused: exit 1, the reason on stderr" refused 664
check "a world-writable configuration (0646) is refused" refused 646
ln -s "$tmp/c.conf" "$tmp/link.conf"
check "a symbolic link to a group-writable configuration (0620) is refused" refused 620 "$tmp/link.conf"
chmod 644 "$tmp/c.conf"
check "the same file, 0644 and through the link, is accepted" \
	sh -c "'$A' -c '$tmp/c.conf' -t && '$A' -c '$tmp/link.conf' -t"
if [ "$(id -u)" = 0 ]; then
	cp "$tmp/c.conf" "$tmp/nobody.conf"
	chown 65534 "$tmp/nobody.conf"
	check "as root, a configuration owned by another user (0644) is refused" \
		sh -c "'$A' -c '$tmp/nobody.conf' -t 2> '$tmp/err'; test \$? -eq 1 && grep -q 'owner uid 65534, gid [0-9]*, mode 0644' '$tmp/err'"
else
	live_skip_test "as root, a configuration owned by another user is refused" "needs root"
fi

# --- The output directory -------------------------------------------------
mkdir "$tmp/real" && ln -s "$tmp/real" "$tmp/link"
printf '[auditlog]\nfile = %s/link/out.json\n' "$tmp" > "$tmp/symdir.conf"
check "an [auditlog] file in a symlinked directory is refused, exit 1, nothing written" sh -c "
	'$A' -c '$tmp/symdir.conf' -i '$data' > '$tmp/out' 2> '$tmp/err'; test \$? -eq 1 &&
	grep -q \"directory '$tmp/link' is a symbolic link\" '$tmp/err' && test -z \"\$(ls '$tmp/real')\" && test ! -s '$tmp/out'"
check "so is -o FILE in it" sh -c "
	'$A' -c '$tmp/c.conf' -i '$data' -o '$tmp/link/out.json' 2> '$tmp/err'; test \$? -eq 1 &&
	grep -q 'is a symbolic link' '$tmp/err' && test -z \"\$(ls '$tmp/real')\""
ln -s "$tmp/nowhere" "$tmp/dangling"
check "a dangling symbolic link is not followed to create a directory" sh -c "
	'$A' -c '$tmp/c.conf' -i '$data' -o '$tmp/dangling/out.json' 2> '$tmp/err'; test \$? -eq 1 &&
	grep -q 'is a symbolic link' '$tmp/err' && test ! -e '$tmp/nowhere'"
mkdir "$tmp/sticky" && chmod 1777 "$tmp/sticky"
check "a sticky world-writable directory (like /tmp) is refused" sh -c "
	'$A' -c '$tmp/c.conf' -i '$data' -o '$tmp/sticky/out.json' 2> '$tmp/err'; test \$? -eq 1 &&
	grep -q 'writable by everyone (mode 1777)' '$tmp/err' && test ! -e '$tmp/sticky/out.json'"
mkdir "$tmp/gw" && chmod 770 "$tmp/gw"
check "a group-writable directory is refused" sh -c "
	'$A' -c '$tmp/c.conf' -i '$data' -o '$tmp/gw/out.json' 2> '$tmp/err'; test \$? -eq 1 &&
	grep -q 'writable by its group (mode 0770)' '$tmp/err' && test ! -e '$tmp/gw/out.json'"
if [ "$(id -u)" = 0 ]; then
	mkdir "$tmp/theirs" && chown 65534 "$tmp/theirs"
	check "a directory of another user is refused" sh -c "
		'$A' -c '$tmp/c.conf' -i '$data' -o '$tmp/theirs/out.json' 2> '$tmp/err'; test \$? -eq 1 &&
		grep -q 'belongs to uid 65534' '$tmp/err' && test ! -e '$tmp/theirs/out.json'"
else
	live_skip_test "a directory of another user is refused" "needs root"
fi
printf '[auditlog]\nfile = %s/made/out.json\n' "$tmp" > "$tmp/made.conf"
check "a missing directory is created 0750, the file 0640, with the event" sh -c "
	'$A' -c '$tmp/made.conf' -i '$data' && test \"\$(stat -c %a '$tmp/made')\" = 750 &&
	test \"\$(stat -c %a '$tmp/made/out.json')\" = 640 && grep -q 15558 '$tmp/made/out.json'"
check "only the last component is created" sh -c "
	'$A' -c '$tmp/c.conf' -i '$data' -o '$tmp/a/b/out.json' 2> /dev/null; test \$? -eq 1 && test ! -e '$tmp/a'"
check "a file in the current directory works (the directory is '.')" sh -c "
	cd '$tmp/real' && '$A' -c '$tmp/c.conf' -i '$data' -o rel.json && grep -q 15558 rel.json"

if [ -z "$live" ]; then
	for ((i = 0; i < N_LIVE; i++)); do live_skip_test "live privilege checks" "$why"; done
	exit 0
fi

# --- Live: the user ---------------------------------------------------------
if ! getent passwd "$TEST_USER" > /dev/null; then
	useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$TEST_USER" > /dev/null ||
		live_bail "useradd $TEST_USER failed"
	live_on_exit "userdel '$TEST_USER' > /dev/null 2>&1"
fi
uid=$(id -u "$TEST_USER")
gid=$(id -g "$TEST_USER")
groups=$(id -G "$TEST_USER" | tr ' ' '\n' | sort -n | tr '\n' ' ')
# The daemon, once it is the test user, reaches its config through $tmp.
chmod 755 "$tmp"

# status PID FIELD: a line of /proc/PID/status, without the field name.
status() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^[ \t]+/, ""); print; exit }' "/proc/$1/status"
}
# caps_are PID FIELD MASK: the capability set FIELD (CapEff...) is MASK.
caps_are() {
	local v
	v=$(status "$1" "$2")
	[ -n "$v" ] && (((0x$v) == $3)) || { echo "$2 is $v, expected $(printf '%016x' "$3")"; return 1; }
}
# caps_kept PID MASK: the effective and permitted sets are MASK.
caps_kept() {
	caps_are "$1" CapEff "$2" && caps_are "$1" CapPrm "$2"
}
# ids_are PID UID GID GROUPS: real, effective, saved and fs ids, and the groups.
ids_are() {
	local g
	[ "$(status "$1" Uid)" = "$2 $2 $2 $2" ] || { echo "Uid: $(status "$1" Uid)"; return 1; }
	[ "$(status "$1" Gid)" = "$3 $3 $3 $3" ] || { echo "Gid: $(status "$1" Gid)"; return 1; }
	g=$(status "$1" Groups | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')
	[ "$g" = "$4" ] || { echo "Groups: '$g', expected '$4'"; return 1; }
}

# 1. Root with 'user': the daemon switches, keeps two capabilities.
out1=$tmp/log1/out.json
printf 'user = %s\n' "$TEST_USER" > "$tmp/user.conf"
live_auscribe_start "$tmp/user.conf" "$out1"
pid=$live_auscribe_pid
check "root with 'user = $TEST_USER': uid, gid and groups are the user's ($uid, $gid)" ids_are "$pid" "$uid" "$gid" "$groups"
check "effective and permitted: exactly CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE" caps_kept "$pid" $KEPT
inh_amb_bnd() {
	caps_are "$1" CapInh 0 && caps_are "$1" CapAmb 0 && caps_are "$1" CapBnd $KEPT
}
check "inheritable and ambient sets are empty, the bounding set holds only those two" inh_amb_bnd "$pid"
check "stderr: the kernel's lost counter is not tracked, and why; no 'running as root'" sh -c "
	grep -q \"lost counter is not tracked (\\[netlink\\] kernel-lost-counter is off: it needs CAP_AUDIT_CONTROL\" '$live_auscribe_err' &&
	grep -q 'running as uid $uid, gid $gid' '$live_auscribe_err' && ! grep -q 'running as root' '$live_auscribe_err'"
check "the log directory it created is 0750 and the user's, so is the file" sh -c "
	test \"\$(stat -c '%a %u %g' '$tmp/log1')\" = '750 $uid $gid' &&
	test \"\$(stat -c '%a %u %g' '$out1')\" = '640 $uid $gid'"
mv "$out1" "$out1.old"
kill -HUP "$pid"
sleep 0.3
live_auscribe_usr1 > /dev/null
live_wait_for "$out1" AUSCRIBE_STATUS 5
check "SIGHUP as the user: a new file, the user's, gets the next record" sh -c "
	grep -q AUSCRIBE_STATUS '$out1' && test \"\$(stat -c '%u' '$out1')\" = $uid"
live_auscribe_stop
check "it exits 0 on SIGTERM" sh -c "test '$live_auscribe_rc' = 0 || { cat '$live_auscribe_err'; exit 1; }"

# 1b. kernel-lost-counter keeps CAP_AUDIT_CONTROL, and only it besides.
printf 'user = %s\n[netlink]\nkernel-lost-counter = true\n' "$TEST_USER" > "$tmp/lost.conf"
live_auscribe_start "$tmp/lost.conf" "$tmp/log1/lost.json"
pid=$live_auscribe_pid
check "kernel-lost-counter = true: CAP_AUDIT_CONTROL is kept as well" \
	caps_kept "$pid" $((KEPT | (1 << CAP_AUDIT_CONTROL)))
check "and the counter is watched: no 'not tracked', no status error" sh -c "
	! grep -q 'not tracked' '$live_auscribe_err' && ! grep -q 'cannot read the kernel' '$live_auscribe_err'"
live_auscribe_stop
check "it exits 0 on SIGTERM" sh -c "test '$live_auscribe_rc' = 0 || { cat '$live_auscribe_err'; exit 1; }"

# 2. Started as the user with ambient capabilities, as systemd does.
mkdir "$tmp/log2" && chown "$uid:$gid" "$tmp/log2" && chmod 750 "$tmp/log2"
out2=$tmp/log2/out.json
printf '[translate]\nuniversal = true\n' > "$tmp/amb.conf"
real=$AUSCRIBE
caps=+audit_read,+net_admin,+sys_ptrace,+dac_read_search
printf '#!/bin/sh\nexec setpriv --reuid=%s --regid=%s --init-groups --inh-caps=%s --ambient-caps=%s "%s" "$@"\n' \
	"$TEST_USER" "$TEST_USER" "$caps" "$caps" "$real" > "$tmp/as-user.sh"
chmod 755 "$tmp/as-user.sh"
AUSCRIBE=$tmp/as-user.sh
live_auscribe_start "$tmp/amb.conf" "$out2"
AUSCRIBE=$real
pid=$live_auscribe_pid
check "setpriv with ambient capabilities: it runs as $TEST_USER" ids_are "$pid" "$uid" "$gid" "$groups"
ambient_gone() {
	caps_kept "$1" $KEPT && caps_are "$1" CapAmb 0 && caps_are "$1" CapInh 0
}
check "CAP_AUDIT_READ and CAP_NET_ADMIN are gone after start; ambient and inheritable empty" ambient_gone "$pid"
check "it forced its receive buffer (CAP_NET_ADMIN at start): no buffer warning" \
	sh -c "! grep -q 'receive buffer is' '$live_auscribe_err'"
marker=privs-marker-$$
live_rule "always,exit -F arch=b$(getconf LONG_BIT) -S execve -F auid=$live_auid -k $live_key" ||
	live_bail "cannot add the rule: $(cat "$tmp/auditctl.err")"
live_as_workload /bin/true "$marker"
live_wait_for "$out2" "$marker" 10
check "a live event reaches the output (execve of /bin/true $marker, key $live_key)" \
	jq -e -s --arg k "$live_key" --arg m "$marker" \
	'any(.[]; .SYSCALL.key == $k and .EXECVE.ARGV[1]? == $m and .SYSCALL.SYSCALL == "execve")' "$out2"
# Another user's (root's) process, enriched from /proc with the two kept
# capabilities: its environ (0400 root) for ENV, its parent's exe link for
# PPID.exe (both need CAP_SYS_PTRACE; ENV also CAP_DAC_READ_SEARCH).
marker2=privs-enrich-$$
LD_PRELOAD=/nonexistent-privs-$$.so live_as_workload bash -c ": $marker2; sleep 0.4; exit 0" 2> /dev/null
live_wait_for "$out2" "$marker2" 10
check "another user's process is fully enriched: ENV from its environ, PPID with its parent's exe" \
	jq -e -s --arg m "$marker2" --arg p "/nonexistent-privs-$$.so" '
	[.[] | select(.EXECVE.ARGV[2]? // "" | contains($m))][0] as $e |
	$e.EXECVE.ENV.LD_PRELOAD == $p and ($e.SYSCALL.PPID.exe | type) == "string" and
	($e.SYSCALL.PID.EVENT_ID == $e.ID)' "$out2"
live_auscribe_stop
check "it exits 0 on SIGTERM" sh -c "test '$live_auscribe_rc' = 0 || { cat '$live_auscribe_err'; exit 1; }"

# 2b. Not root and not the configured user: it cannot switch, and says so.
printf 'user = %s\n' "$TEST_USER" > "$tmp/other.conf"
check "as another user (nobody) with 'user = $TEST_USER': exit 1, it cannot switch" sh -c "
	timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=$caps --ambient-caps=$caps \
		'$real' -c '$tmp/other.conf' -i netlink -o - > /dev/null 2> '$tmp/other.err'
	test \$? -eq 1 && grep -q \"'user = $TEST_USER' is configured, but auscribe runs as uid 65534\" '$tmp/other.err'"

# 3. Root without 'user': allowed, with a warning, and the capabilities still go.
: > "$tmp/root.conf"
live_auscribe_start "$tmp/root.conf" "$tmp/log3/root.json"
pid=$live_auscribe_pid
check "root without 'user': a warning to set it" \
	grep -q "running as root; set 'user' in the config to drop privileges" "$live_auscribe_err"
check "and still only CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE" caps_kept "$pid" $KEPT
live_auscribe_stop

live_restore
check "our rule is removed and the enabled flag is back to $live_enabled_before" \
	sh -c "test \$(auditctl -l | grep -c -- '$live_key') -eq 0 && test \"\$(auditctl -s | awk '\$1 == \"enabled\" { print \$2 }')\" = '$live_enabled_before'"
