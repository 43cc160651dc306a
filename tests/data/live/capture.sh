#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# capture.sh [OUTDIR]
#
# Regenerates the live captures in this directory (or OUTDIR) from the real
# kernel, so they can be reproduced: loads a few audit rules, runs a scripted
# workload, records the multicast stream with tools/audit-capture and keeps
# only the workload's events.
#
#   workload.log    execve with awkward arguments (spaces, quotes, backslash,
#                   tab, newline, invalid UTF-8, BOM, %, +, empty), shebang
#                   scripts, a failed execve, connect/bind on loopback TCP and
#                   UDP v4/v6 and unix sockets (path and abstract), reads,
#                   writes, chmod, chown, rename, link, unlink in a watched
#                   directory, failing opens (ENOENT), and the CONFIG_CHANGE
#                   records of our own rules
#   execve-big.log  two 20 kB arguments (one of 'x', one with spaces; the
#                   kernel hex-encodes any argument it has to split, so both
#                   come as aN_len / aN[i] hex fragments) and a command with
#                   3000 arguments, its EXECVE split over several records
#
# Needs root (CAP_AUDIT_CONTROL, CAP_AUDIT_READ), auditctl, perl-base (Essential
# in Debian) for bind(), and gcc + libmnl-dev + libaudit-dev unless
# AUDIT_CAPTURE names a built tools/audit-capture.
#
# Kernel audit state is global and shared: every rule carries the unique key
# auscribe-cap-PID and is limited to the workload by a login uid (auid) that
# the workload sets on itself; on exit, whatever happens, exactly our rules are
# removed (auditctl -d / -W with the same text) and the enabled flag we found
# is restored. Never auditctl -D.
set -eu
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${1:-$here}
key=auscribe-cap-$$
# An auid nobody logs in with, unique per run, so concurrent runs do not mix.
auid=$((70000 + $$ % 20000))
max_bytes=$((2 * 1024 * 1024))

die() { echo "capture.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
command -v auditctl >/dev/null || die "auditctl not found (Debian package 'auditd')"
command -v perl >/dev/null || die "perl not found"
mkdir -p "$out"

tmp=$(mktemp -d /tmp/auscribe-cap.XXXXXX)
watch=$tmp/watched
mkdir "$watch"

old_enabled=$(auditctl -s | awk '$1 == "enabled" { print $2 }')
case "$old_enabled" in
0|1) ;;
2) die "audit configuration is locked (enabled 2), nothing to do" ;;
*) die "cannot read the audit enabled flag" ;;
esac
lost_before=$(auditctl -s | awk '$1 == "lost" { print $2 }')

# Rules, in auditctl syntax after -a (or the watch after -w). Each one added
# is remembered in $added so cleanup removes exactly those.
rules=(
	"always,exit -F arch=b64 -S execve -S execveat -F auid=$auid -k $key"
	"always,exit -F arch=b64 -S connect -S bind -F auid=$auid -k $key"
	"always,exit -F arch=b64 -S openat -F exit=-ENOENT -F auid=$auid -k $key"
)
added=()
watch_added=0
cap_pid=

cleanup() {
	local r
	set +e
	if [ -n "$cap_pid" ]; then
		kill -TERM "$cap_pid" 2>/dev/null
		wait "$cap_pid" 2>/dev/null
	fi
	for r in "${added[@]}"; do
		# shellcheck disable=SC2086 # the rule text is split on purpose
		auditctl -d $r >/dev/null || echo "capture.sh: failed to remove rule: -a $r" >&2
	done
	if [ "$watch_added" = 1 ]; then
		auditctl -W "$watch" -p rwxa -k "$key" >/dev/null ||
			echo "capture.sh: failed to remove watch on $watch" >&2
	fi
	auditctl -e "$old_enabled" >/dev/null || echo "capture.sh: failed to restore enabled $old_enabled" >&2
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The capture tool: given, built in the tree, or built here.
cap=${AUDIT_CAPTURE:-}
if [ -z "$cap" ] && [ -x "$top/tools/audit-capture" ]; then
	cap=$top/tools/audit-capture
fi
if [ -z "$cap" ]; then
	: > "$tmp/config.h"
	# shellcheck disable=SC2046 # pkg-config output is a word list
	gcc -std=gnu11 -O2 -Wall -Wextra -I"$tmp" -o "$tmp/audit-capture" \
		"$top/tools/audit-capture.c" $(pkg-config --cflags --libs libmnl audit) ||
		die "cannot build tools/audit-capture (set AUDIT_CAPTURE)"
	cap=$tmp/audit-capture
fi

# start_capture RAWFILE: records the multicast stream until stop_capture.
start_capture() {
	"$cap" -k 600 > "$1" 2> "$1.err" &
	cap_pid=$!
	sleep 0.5	# let it join the group before anything happens
	kill -0 "$cap_pid" 2>/dev/null || die "audit-capture failed: $(cat "$1.err")"
}

stop_capture() {
	sleep 1		# kauditd delivers asynchronously
	kill -INT "$cap_pid"
	wait "$cap_pid" || die "audit-capture failed: $(cat "$1.err")"
	cap_pid=
	cat "$1.err" >&2
}

# filter RAW OUT: keeps whole events (every record of an audit(ID)) that
# have a record carrying our key, in arrival order.
filter() {
	awk -v k="key=\"$key\"" '
		function id() {
			if (!match($0, /msg=audit\([0-9]+\.[0-9]+:[0-9]+\)/))
				return ""
			return substr($0, RSTART, RLENGTH)
		}
		NR == FNR { if (index($0, k)) keep[id()] = 1; next }
		(id() in keep)
	' "$1" "$1" > "$2"
	[ "$(wc -c < "$2")" -le "$max_bytes" ] || die "$2 is larger than $max_bytes bytes"
}

# A helper for what bash cannot do: bind (TCP, UDP, unix) and connect to
# unix sockets. perl-base and its Socket module are Essential in Debian.
cat > "$tmp/net.pl" <<'EOF'
use strict;
use warnings;
use Socket qw(:DEFAULT inet_pton pack_sockaddr_in6 unpack_sockaddr_in6);
my ($mode, $arg) = @ARGV;
alarm 10;
sub listener {
	my ($fam, $type, $addr) = @_;
	socket(my $s, $fam, $type, 0) or die "socket: $!";
	bind($s, $addr) or die "bind: $!";
	listen($s, 5) or die "listen: $!" if $type == SOCK_STREAM;
	return $s;
}
sub selfconnect {
	my ($fam, $s) = @_;
	socket(my $c, $fam, SOCK_STREAM, 0) or die "socket: $!";
	connect($c, getsockname($s)) or die "connect: $!";
	accept(my $a, $s) or die "accept: $!";
}
if ($mode eq 'tcp4' || $mode eq 'tcp6') {
	# Bind to an ephemeral loopback port, connect to ourselves, then print
	# the port and accept one connection from bash's /dev/tcp.
	my $v6 = $mode eq 'tcp6';
	my $fam = $v6 ? AF_INET6 : AF_INET;
	my $s = listener($fam, SOCK_STREAM, $v6
		? pack_sockaddr_in6(0, inet_pton(AF_INET6, '::1'))
		: pack_sockaddr_in(0, inet_aton('127.0.0.1')));
	selfconnect($fam, $s);
	my $port = $v6 ? (unpack_sockaddr_in6(getsockname($s)))[0]
		: (unpack_sockaddr_in(getsockname($s)))[0];
	print "$port\n";
	close STDOUT;
	accept(my $a, $s) or die "accept: $!";
	my $line = <$a>;
} elsif ($mode eq 'udp4') {
	listener(AF_INET, SOCK_DGRAM, pack_sockaddr_in(0, inet_aton('127.0.0.1')));
} elsif ($mode eq 'unix' || $mode eq 'abstract') {
	my $path = $mode eq 'abstract' ? "\0$arg" : $arg;
	my $s = listener(AF_UNIX, SOCK_STREAM, pack_sockaddr_un($path));
	selfconnect(AF_UNIX, $s);
	unlink $arg if $mode eq 'unix';
} else {
	die "unknown mode $mode";
}
EOF

# tcp_roundtrip 4|6 ADDR: perl binds and listens, bash connects.
tcp_roundtrip() {
	local port='' i
	perl "$tmp/net.pl" "tcp$1" > "$tmp/port$1" &
	local pid=$!
	for ((i = 0; i < 50; i++)); do
		port=$(cat "$tmp/port$1")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || die "perl tcp$1 listener did not start"
	exec 3<>"/dev/tcp/$2/$port"
	echo hello >&3
	exec 3>&-
	wait "$pid"
}

workload() {
	local T=/bin/true
	cd "$watch"

	# execve arguments that need escaping or hex encoding
	$T 'two words' 'double"quote' "single'quote" 'back\slash' $'tab\there' \
		$'new\nline' $'\xff\xfe' $'\xef\xbb\xbfbom' '100%' 'a+b' '%41%' '' plain
	$T '' '' ''
	# shellcheck disable=SC2016 # a literal $HOME
	$T 'caf'$'\xc3\xa9' $'\xe6\x97\xa5\xe6\x9c\xac' $'\x01\x7f' '$HOME' '*' '~' '-' '--'
	$T $'trailing\\' '\x41' '"' "'" ' ' $'\t' $'\n' $'\r\n'
	/bin/echo "hello world" > /dev/null
	/usr/bin/env -i FOO=bar /bin/true env-child
	/bin/sh -c 'exit 3' || :
	/bin/true "$(printf 'p%.0s' {1..200})"		# proctitle longer than 128 bytes
	(exec /nonexistent-auscribe/cmd) 2>/dev/null || :	# failed execve

	# shebang scripts
	printf '#!/bin/sh\n: "$@"\n' > script.sh
	chmod 755 script.sh
	./script.sh arg1 'arg two'
	printf '#!/bin/sh -e\nexit 0\n' > 'script with space'
	chmod 755 'script with space'
	"./script with space" x
	printf '#!/usr/bin/env sh\n:\n' > envscript
	chmod 755 envscript
	./envscript

	# files in the watched directory
	echo data > file.txt
	/bin/cat file.txt > /dev/null
	chmod 600 file.txt
	mv file.txt renamed.txt
	ln -s renamed.txt link
	ln renamed.txt hard
	chown 1:1 hard
	: > 'name with space'
	: > 'caf'$'\xc3\xa9'
	: > 'bad'$'\xff''name'
	: > $'new\nline'
	mkdir 'sub dir'
	(cd 'sub dir' && /bin/true cwd-with-space)
	truncate -s 0 renamed.txt
	rm -r 'sub dir' link hard
	/bin/ls -la > /dev/null

	# opens of missing files
	/bin/cat /nonexistent-auscribe/file 2>/dev/null || :
	/bin/cat "missing file" 2>/dev/null || :
	/bin/cat $'/tmp/missing-\xff-auscribe' 2>/dev/null || :
	{ : < /nonexistent-auscribe/redirect; } 2>/dev/null || :

	# network: bind + connect on loopback, refused connects, UDP, unix
	tcp_roundtrip 4 127.0.0.1
	tcp_roundtrip 6 ::1
	{ : 3<>/dev/tcp/127.0.0.1/1; } 2>/dev/null || :	# ECONNREFUSED
	{ : 3<>/dev/tcp/::1/1; } 2>/dev/null || :
	echo ping > /dev/udp/127.0.0.1/9
	echo ping > /dev/udp/::1/9
	perl "$tmp/net.pl" udp4
	perl "$tmp/net.pl" unix "$watch/unix sock"
	perl "$tmp/net.pl" abstract "auscribe-cap-abstract-$$"
}

execve_big() {
	local big bigsp i
	local args=()

	# Built with builtins only, so the capture holds just these execs.
	printf -v big '%20000s' ''
	/bin/true "${big// /x}"
	# 20 kB with spaces (the kernel hex-encodes any argument it splits)
	printf -v bigsp '0123456789 abcdefghi%.0s' {1..1000}
	/bin/true a "$bigsp" z
	for ((i = 1; i <= 3000; i++)); do
		if ((i % 500 == 0)); then
			args+=("arg $i")
		else
			args+=("arg$i")
		fi
	done
	/bin/true "${args[@]}"
}

# run_as_workload FUNCTION: runs it in a subshell with our auid, which the
# rules match on; setting the loginuid also starts a new audit session.
run_as_workload() {
	(
		echo "$auid" > /proc/self/loginuid
		# The search path shows in failed execve records (env, sh): keep
		# the host's out of the captures.
		PATH=/usr/sbin:/usr/bin:/sbin:/bin
		"$1"
	)
}

auditctl -e 1 >/dev/null

start_capture "$tmp/workload.raw"
for r in "${rules[@]}"; do
	# shellcheck disable=SC2086
	auditctl -a $r >/dev/null
	added+=("$r")
done
auditctl -w "$watch" -p rwxa -k "$key" >/dev/null
watch_added=1
run_as_workload workload
stop_capture "$tmp/workload.raw"

start_capture "$tmp/execve-big.raw"
run_as_workload execve_big
stop_capture "$tmp/execve-big.raw"

filter "$tmp/workload.raw" "$out/workload.log"
filter "$tmp/execve-big.raw" "$out/execve-big.log"

lost_after=$(auditctl -s | awk '$1 == "lost" { print $2 }')
[ "$lost_after" = "$lost_before" ] ||
	echo "capture.sh: warning: kernel lost counter went from $lost_before to $lost_after" >&2
for f in workload execve-big; do
	printf '%s: %s records, %s events, %s bytes\n' "$out/$f.log" \
		"$(wc -l < "$out/$f.log")" \
		"$(grep -o 'msg=audit([0-9.:]*)' "$out/$f.log" | sort -u | wc -l)" \
		"$(wc -c < "$out/$f.log")"
done
