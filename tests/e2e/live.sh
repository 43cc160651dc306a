#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# live.sh: auscribe on the real kernel audit multicast group. Loads rules
# with its own key (execve b64 and, if the kernel runs 32-bit code, b32;
# connect/bind; failing opens; a watch on a temp dir), all limited to a
# login uid the workload sets on itself, runs a workload with awkward
# arguments (spaces, quotes, newlines, invalid UTF-8, %, +, a 20 kB
# argument, 3000 arguments), loopback TCP v4/v6 and unix sockets, file
# operations and failing syscalls, stops the daemon and checks with jq the
# exact decoded values: EXECVE.ARGV byte for byte in auscribe's
# percent-encoding, PATH names, SOCKADDR (with [translate] universal),
# exit codes; and, against a reference reader of the same group
# (tools/audit-capture, 64 MiB buffer, EOE included), that every keyed
# event is there with the records the kernel sent.
#
# Root, CAP_AUDIT_READ and CAP_AUDIT_CONTROL or skipped; serialized with the
# other live tests by /run/auscribe-live.lock (tests/lib/live.sh).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/live.sh"
unset PERL_UNICODE

live_init live
key=$live_key
watch=$tmp/watched
mkdir "$watch"
out=$tmp/out.json
printf '[translate]\nuniversal = true\n' > "$tmp/auscribe.conf"
arch=b$(getconf LONG_BIT)

# bind/listen/accept and unix-socket connect, which bash cannot do.
cat > "$tmp/net.pl" << 'EOF'
use strict;
use warnings;
use Socket qw(:DEFAULT inet_pton pack_sockaddr_in6 unpack_sockaddr_in6);
my ($mode, $arg) = @ARGV;
alarm 10;
sub listener {
	my ($fam, $addr) = @_;
	socket(my $s, $fam, SOCK_STREAM, 0) or die "socket: $!";
	bind($s, $addr) or die "bind: $!";
	listen($s, 5) or die "listen: $!";
	return $s;
}
if ($mode eq 'tcp4' || $mode eq 'tcp6') {
	# Binds port 0 on loopback, prints the port, accepts one connection.
	my $v6 = $mode eq 'tcp6';
	my $s = $v6 ? listener(AF_INET6, pack_sockaddr_in6(0, inet_pton(AF_INET6, '::1')))
		: listener(AF_INET, pack_sockaddr_in(0, inet_aton('127.0.0.1')));
	my $port = $v6 ? (unpack_sockaddr_in6(getsockname($s)))[0] : (unpack_sockaddr_in(getsockname($s)))[0];
	$| = 1;
	print "$port\n";
	close STDOUT;
	accept(my $a, $s) or die "accept: $!";
	my $line = <$a>;
} elsif ($mode eq 'unix' || $mode eq 'abstract' || $mode eq 'abstract-full') {
	# Perl passes a path's whole sockaddr_un, but only 2 + 1 + length
	# bytes for an abstract name; abstract-full passes all 110.
	my $addr = $mode eq 'abstract-full' ? pack("S a108", AF_UNIX, "\0$arg")
		: pack_sockaddr_un($mode eq 'abstract' ? "\0$arg" : $arg);
	my $s = listener(AF_UNIX, $addr);
	socket(my $c, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
	connect($c, $addr) or die "connect: $!";
	accept(my $a, $s) or die "accept: $!";
	unlink $arg if $mode eq 'unix';
} else {
	die "unknown mode $mode";
}
EOF

# expect_json ARG...: the JSON array of the ARGs as auscribe writes strings:
# '%', '+', C0 controls, DEL and bytes outside well-formed UTF-8 as %xx
# (lower case), U+FEFF as %ef%bb%bf, then '"' and '\' JSON-escaped.
expect_json() {
	perl -e '
		sub enc {
			my $s = shift;
			my $o = "";
			while (length $s) {
				if ($s =~ s/^\xef\xbb\xbf//) { $o .= "%ef%bb%bf" }
				elsif ($s =~ s/^([\x20-\x24\x26-\x2a\x2c-\x7e]+)//) { $o .= $1 }
				elsif ($s =~ s/^([\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})//) { $o .= $1 }
				else { $s =~ s/^(.)//s; $o .= sprintf("%%%02x", ord $1) }
			}
			$o =~ s/([\\"])/\\$1/g;
			return "\"$o\"";
		}
		print "[", join(",", map { enc($_) } @ARGV), "]\n";
	' -- "$@"
}
# expect_str STRING: one string, as JSON.
expect_str() {
	expect_json "$1" | sed 's/^\[//; s/\]$//'
}

# A 32-bit execve from a 64-bit process (int $0x80, x86-64 only): the
# kernel audits it as arch=i386 when it runs 32-bit syscalls at all.
b32=
if [ "$(uname -m)" = x86_64 ] && command -v cc > /dev/null; then
	cat > "$tmp/exec32.c" << 'EOF'
#include <stdint.h>
#include <string.h>
/* Static, so below 4 GiB in a non-PIE binary: 32-bit pointers. */
static char strings[1 << 16];
static uint32_t argv32[256], envp32[1];
int main(int argc, char **argv)
{
	char *p = strings;
	long ret;
	int i;

	if ((uintptr_t)&strings[sizeof(strings) - 1] > UINT32_MAX || argc < 2 || argc > 255)
		return 77;
	for (i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;

		if (p + n > strings + sizeof(strings))
			return 77;
		memcpy(p, argv[i], n);
		argv32[i - 1] = (uint32_t)(uintptr_t)p;
		p += n;
	}
	argv32[argc - 1] = 0;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(11), "b"(argv32[0]), "c"(argv32), "d"(envp32) : "memory");
	return 126;
}
EOF
	cc -O2 -no-pie -o "$tmp/exec32" "$tmp/exec32.c" 2> /dev/null && b32=candidate
fi

# Arguments of the execs (each with a marker after the program name).
quote_args=('two words' 'double"quote' "single'quote" 'back\slash' $'tab\there' $'new\nline'
	$'\xff\xfe' $'\xef\xbb\xbfbom' '100%' 'a+b' '%41%' '' plain 'caf'$'\xc3\xa9'
	$'\xe6\x97\xa5\xe6\x9c\xac' $'\x01\x7f' '$HOME' $'\xc0\xaf' $'\xed\xa0\x80' ' ')
printf -v big '%20000s' ''
big=${big// /x}
printf -v bigsp '0123456789 abcdefghi%.0s' {1..1000}
many=()
for ((i = 1; i <= 3000; i++)); do
	if ((i % 500 == 0)); then many+=("arg $i"); else many+=("arg$i"); fi
done
b32_args=('b32 two words' $'\xff' '100%')
created=('name with space' 'caf'$'\xc3\xa9' 'bad'$'\xff''name' $'new\nline' '50%+x')
missing=("/nonexistent-auscribe-$$/file" "$tmp/missing file" $'/tmp/missing-\xff-auscribe-'$$)
abstract=auscribe-abstract-$$

# tcp_roundtrip 4|6 ADDR: perl binds and listens, bash connects; the port
# goes to $tmp/portN.
tcp_roundtrip() {
	local port='' i pid
	perl "$tmp/net.pl" "tcp$1" > "$tmp/port$1" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		port=$(cat "$tmp/port$1")
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || return 1
	exec 3<> "/dev/tcp/$2/$port" || return 1
	echo hello >&3
	exec 3>&-
	wait "$pid"
}

workload() {
	local n rc=0
	cd "$watch" || return 1
	/bin/true m-quote "${quote_args[@]}" || rc=1
	/bin/true m-big "$big" || rc=1
	/bin/true m-bigsp a "$bigsp" z || rc=1
	/bin/true m-many "${many[@]}" || rc=1
	if [ -n "$b32" ]; then
		("$tmp/exec32" /bin/true m-b32 "${b32_args[@]}") 2> /dev/null
		echo $? > "$tmp/b32.rc"
	fi
	(exec "$tmp/no such program" m-missing) 2> /dev/null
	# files in the watched directory
	for n in "${created[@]}"; do
		: > "$watch/$n" || rc=1
	done
	echo data > "$watch/file.txt" || rc=1
	/bin/chmod 600 "$watch/file.txt" || rc=1
	/bin/mv "$watch/file.txt" "$watch/renamed.txt" || rc=1
	/bin/rm "$watch/renamed.txt" || rc=1
	# failing opens
	for n in "${missing[@]}"; do
		{ : < "$n"; } 2> /dev/null && rc=1
	done
	# network
	tcp_roundtrip 4 127.0.0.1 || rc=1
	if [ -n "$v6" ]; then tcp_roundtrip 6 ::1 || rc=1; fi
	{ : 3<> /dev/tcp/127.0.0.1/1; } 2> /dev/null && rc=1	# ECONNREFUSED
	perl "$tmp/net.pl" unix "$watch/unix sock" || rc=1
	perl "$tmp/net.pl" abstract "$abstract" || rc=1
	perl "$tmp/net.pl" abstract-full "$abstract-full" || rc=1
	/bin/true m-end
	return $rc
}
v6=
grep -q ' lo$' /proc/net/if_inet6 2> /dev/null && grep -q '^0\{31\}1 ' /proc/net/if_inet6 && v6=yes

have_ref=yes
live_capture_start "$tmp/ref.raw" || have_ref=
live_auscribe_start "$tmp/auscribe.conf" "$out"
plan 29
ok "auscribe joined the multicast group (said 'listening')"

rules_ok=yes
live_rule "always,exit -F arch=$arch -S execve -F auid=$live_auid -k $key" || rules_ok=
if [ -n "$b32" ] && ! live_rule "always,exit -F arch=b32 -S execve -F auid=$live_auid -k $key"; then
	b32=
fi
live_rule "always,exit -F arch=$arch -S connect -S bind -F auid=$live_auid -k $key" || rules_ok=
live_rule "always,exit -F arch=$arch -S openat -F exit=-ENOENT -F auid=$live_auid -k $key" || rules_ok=
live_watch "$watch" rwxa || rules_ok=
n_rules=$((${#live_rules[@]} + ${#live_watches[@]}))
check "$n_rules rules with key $key loaded" sh -c "test -n '$rules_ok' && test \$(auditctl -l | grep -c -- '$key\$') -eq $n_rules"

lost_before=$(live_status lost)
live_as_workload workload > "$tmp/workload.out" 2>&1
rc=$?
check "the workload ran (status $rc)" sh -c "test $rc -eq 0 || { cat '$tmp/workload.out'; exit 1; }"
if [ -n "$b32" ] && [ "$(cat "$tmp/b32.rc" 2> /dev/null)" != 0 ]; then
	b32_why="this kernel does not run 32-bit syscalls (int \$0x80 exited $(cat "$tmp/b32.rc" 2> /dev/null))"
	b32=
elif [ -z "$b32" ]; then
	b32_why="no x86-64 compiler or the kernel refused an arch=b32 rule"
fi

# Everything the kernel sent reached the reference; give auscribe the same
# records and its idle flush, then stop it.
[ -z "$have_ref" ] || live_wait_for "$tmp/ref.raw" '"m-end"' 10
live_wait_for "$out" '"m-end"' 5
live_auscribe_stop
check "auscribe exits 0 on SIGTERM" sh -c "test '$live_auscribe_rc' = 0 || { cat '$live_auscribe_err'; exit 1; }"
live_capture_stop
lost_after=$(live_status lost)
[ "$lost_before" = "$lost_after" ] ||
	echo "# the kernel lost counter went from $lost_before to $lost_after: it dropped records, tests below may miss events"

# jq_check DESCRIPTION FILTER [JQ-ARGS...]: FILTER over the whole output as
# one array ($e), must be true.
jq_check() {
	local desc=$1 filter=$2
	shift 2
	check "$desc" jq -e -s "$@" ". as \$e | $filter" "$out"
}
# the_exec MARKER: the execve event whose ARGV[1] is MARKER.
exe='def the_exec($m): [$e[] | select(.SYSCALL.key == $k and .EXECVE.ARGV[1]? == $m)] | if length == 1 then .[0] else error("\(length) execve events with marker \($m)") end;'

check "every line is a JSON object" sh -c "jq -e -s 'all(.[]; type == \"object\")' '$out' > /dev/null"
jq_check "no event ID is written twice" '(map(.ID) | length) == (map(.ID) | unique | length)'

expect_json /bin/true m-quote "${quote_args[@]}" > "$tmp/exp-quote.json"
jq_check "awkward arguments: EXECVE.ARGV byte for byte (percent-encoded)" \
	"$exe"' the_exec("m-quote") | .EXECVE.argc == ($x[0] | length) and .EXECVE.ARGV == $x[0]' \
	--arg k "$key" --slurpfile x "$tmp/exp-quote.json"
jq_check "the exec: SYSCALL execve exit 0, PATH[0] /bin/true, CWD the watched dir" \
	"$exe"' the_exec("m-quote") | .SYSCALL.SYSCALL == "execve" and .SYSCALL.exit == 0 and .SYSCALL.success == "yes"
		and .PATH[0].name == "/bin/true" and .CWD.cwd == $cwd' \
	--arg k "$key" --argjson cwd "$(expect_str "$watch")"
expect_json /bin/true m-big "$big" > "$tmp/exp-big.json"
jq_check "a 20 kB argument comes back whole" \
	"$exe"' the_exec("m-big") | .EXECVE.ARGV == $x[0]' --arg k "$key" --slurpfile x "$tmp/exp-big.json"
expect_json /bin/true m-bigsp a "$bigsp" z > "$tmp/exp-bigsp.json"
jq_check "a 20 kB argument with spaces comes back whole" \
	"$exe"' the_exec("m-bigsp") | .EXECVE.ARGV == $x[0]' --arg k "$key" --slurpfile x "$tmp/exp-bigsp.json"
expect_json /bin/true m-many "${many[@]}" > "$tmp/exp-many.json"
jq_check "3000 arguments: argc 3002 and every argument in order" \
	"$exe"' the_exec("m-many") | .EXECVE.argc == 3002 and .EXECVE.ARGV == $x[0]' \
	--arg k "$key" --slurpfile x "$tmp/exp-many.json"
if [ -n "$b32" ]; then
	expect_json /bin/true m-b32 "${b32_args[@]}" > "$tmp/exp-b32.json"
	jq_check "a 32-bit execve: arch i386 and its ARGV" \
		"$exe"' the_exec("m-b32") | .SYSCALL.arch == "0x40000003" and .SYSCALL.ARCH == "i386"
			and .SYSCALL.SYSCALL == "execve" and .EXECVE.ARGV == $x[0]' \
		--arg k "$key" --slurpfile x "$tmp/exp-b32.json"
else
	live_skip_test "a 32-bit execve: arch i386 and its ARGV" "$b32_why"
fi
jq_check "a failed execve: exit -2, its PATH name, no EXECVE record" \
	'any($e[]; .SYSCALL.key == $k and .SYSCALL.SYSCALL == "execve" and .SYSCALL.exit == -2
		and .SYSCALL.success == "no" and any(.PATH[]?; .name == $n) and (has("EXECVE") | not))' \
	--arg k "$key" --argjson n "$(expect_str "$tmp/no such program")"

for n in "${created[@]}"; do expect_str "$watch/$n"; done | jq -s . > "$tmp/exp-created.json"
jq_check "watched dir: files created with awkward names, PATH name and nametype CREATE" \
	'all($x[0][]; . as $n | any($e[]; .SYSCALL.key == $k and any(.PATH[]?; .name == $n and .nametype == "CREATE")))' \
	--arg k "$key" --slurpfile x "$tmp/exp-created.json"
jq_check "watched dir: chmod recorded with its PATH name" \
	'any($e[]; .SYSCALL.key == $k and (.SYSCALL.SYSCALL | test("chmod")) and any(.PATH[]?; .name == $n))' \
	--arg k "$key" --argjson n "$(expect_str "$watch/file.txt")"
jq_check "watched dir: rename has the old name DELETE and the new name CREATE" \
	'any($e[]; .SYSCALL.key == $k and (.SYSCALL.SYSCALL | test("rename"))
		and any(.PATH[]?; .name == $o and .nametype == "DELETE") and any(.PATH[]?; .name == $n and .nametype == "CREATE"))' \
	--arg k "$key" --argjson o "$(expect_str "$watch/file.txt")" --argjson n "$(expect_str "$watch/renamed.txt")"
jq_check "watched dir: unlink has the name DELETE" \
	'any($e[]; .SYSCALL.key == $k and (.SYSCALL.SYSCALL | test("unlink"))
		and any(.PATH[]?; .name == $n and .nametype == "DELETE"))' \
	--arg k "$key" --argjson n "$(expect_str "$watch/renamed.txt")"

for n in "${missing[@]}"; do expect_str "$n"; done | jq -s . > "$tmp/exp-missing.json"
jq_check "failing opens: exit -2, success no, the exact PATH name (3 paths)" \
	'all($x[0][]; . as $n | any($e[]; .SYSCALL.key == $k and .SYSCALL.SYSCALL == "openat"
		and .SYSCALL.exit == -2 and .SYSCALL.success == "no" and any(.PATH[]?; .name == $n)))' \
	--arg k "$key" --slurpfile x "$tmp/exp-missing.json"

# sock_check DESCRIPTION SYSCALL SADDR-JSON [EXIT]
sock_check() {
	jq_check "$1" 'any($e[]; .SYSCALL.key == $k and .SYSCALL.SYSCALL == $s and .SYSCALL.exit == $x
		and any(.SOCKADDR[]?; .SADDR == $a))' \
		--arg k "$key" --arg s "$2" --argjson a "$3" --argjson x "${4:-0}"
}
port4=$(cat "$tmp/port4" 2> /dev/null)
sock_check "bind to 127.0.0.1 port 0: SADDR inet" bind '{"saddr_fam":"inet","addr":"127.0.0.1","port":0}'
sock_check "connect to 127.0.0.1 port ${port4:-?}: SADDR inet" connect "{\"saddr_fam\":\"inet\",\"addr\":\"127.0.0.1\",\"port\":${port4:-null}}"
if [ -n "$v6" ]; then
	port6=$(cat "$tmp/port6" 2> /dev/null)
	sock_check "connect to ::1 port ${port6:-?}: SADDR inet6" connect \
		"{\"saddr_fam\":\"inet6\",\"addr\":\"::1\",\"port\":${port6:-null},\"flowinfo\":0,\"scope_id\":0}"
else
	live_skip_test "connect to ::1: SADDR inet6" "no IPv6 loopback"
fi
sock_check "a refused connect: exit -111 (ECONNREFUSED), port 1" connect \
	'{"saddr_fam":"inet","addr":"127.0.0.1","port":1}' -111
unix_addr="{\"saddr_fam\":\"local\",\"path\":$(expect_str "$watch/unix sock")}"
jq_check "unix socket with a path: bind and connect, SADDR local" \
	'any($e[]; .SYSCALL.key == $k and .SYSCALL.SYSCALL == "bind" and any(.SOCKADDR[]?; .SADDR == $a))
	and any($e[]; .SYSCALL.key == $k and .SYSCALL.SYSCALL == "connect" and any(.SOCKADDR[]?; .SADDR == $a))' \
	--arg k "$key" --argjson a "$unix_addr"
sock_check "abstract unix socket, whole sockaddr_un: SADDR local, the name without its NULs" bind \
	"{\"saddr_fam\":\"local\",\"path\":\"$abstract-full\"}"
# Shorter than a sockaddr_un (2 + 1 + name): not decoded, as LAUREL
# (docs/json-format.md), so the raw bytes stay, percent-encoded.
jq_check "abstract unix socket, short address: the raw saddr is kept" \
	'any($e[]; .SYSCALL.key == $k and .SYSCALL.SYSCALL == "bind" and any(.SOCKADDR[]?; .saddr == $a and (has("SADDR") | not)))' \
	--arg k "$key" --arg a "%01%00%00$abstract"

jq_check "every keyed event has SYSCALL and PROCTITLE; every exec EXECVE, CWD and PATH" \
	'all($e[] | select(.SYSCALL.key? == $k); has("PROCTITLE")
		and (.SYSCALL.SYSCALL != "execve" or .SYSCALL.exit != 0 or (has("EXECVE") and has("CWD") and has("PATH"))))' \
	--arg k "$key"
if [ -n "$have_ref" ] && live_capture_clean; then
	live_types_raw "$tmp/ref.raw" "$key" > "$tmp/ref.types"
	live_types_json "$out" "$key" > "$tmp/out.types"
	check "every keyed event the kernel sent ($(jq length "$tmp/ref.types"), per the reference reader) is there with the same records" \
		live_types_compare "$tmp/ref.types" "$tmp/out.types"
else
	live_skip_test "every keyed event the kernel sent is there with the same records" \
		"no clean reference capture: ${live_capture_summary:-tools/audit-capture not available}"
fi
jq_check "no loss reported with the default receive buffer" 'all($e[]; has("AUSCRIBE_LOSS") | not)'
live_restore
check "our rules are removed and the enabled flag is back to $live_enabled_before" \
	sh -c "test \$(auditctl -l | grep -c -- '$key') -eq 0 && test \"\$(auditctl -s | awk '\$1 == \"enabled\" { print \$2 }')\" = '$live_enabled_before'"
