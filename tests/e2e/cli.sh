#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The command line: help, version, configuration check, errors and exit codes.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/lib/tap.sh"
A=$AUSCRIBE
plan 12

check "-h prints usage and exits 0" sh -c "'$A' -h | grep -q '^Usage: auscribe \[-c FILE\] \[-i netlink|FILE|-\] \[-o -|journal|FILE\]... \[-t\] \[-V\] \[-h\]'"
check "-V prints the version" sh -c "'$A' -V | grep -Eq '^auscribe [0-9]+\.[0-9]+\.[0-9]+$'"
check "an unknown option exits 2" sh -c "'$A' -Z 2>/dev/null; test \$? -eq 2"

printf '[transform]\nexecve-argv = array, string\n[translate]\nuniversal = true\n' > "$tmp/good.conf"
check "-t on a good file prints 'configuration OK', exits 0" sh -c "test \"\$('$A' -c '$tmp/good.conf' -t)\" = 'configuration OK'"

printf '# comment\n\n[translate]\nunversal = true\n' > "$tmp/typo.conf"
check "-t on a typo names FILE:LINE and exits 1" sh -c "'$A' -c '$tmp/typo.conf' -t 2> '$tmp/err'; test \$? -eq 1 && grep -q '$tmp/typo.conf:4: ' '$tmp/err' && grep -q unversal '$tmp/err'"

printf '[enrich]\nexe-hash = true\n' > "$tmp/later.conf"
check "a key whose feature is not built is 'not supported yet'" sh -c "'$A' -c '$tmp/later.conf' -t 2> '$tmp/err'; test \$? -eq 1 && grep -q '$tmp/later.conf:2: .*not supported yet' '$tmp/err'"

check "-c with a missing file is an error" sh -c "'$A' -c '$tmp/nope.conf' -t 2> '$tmp/err'; test \$? -eq 1 && grep -q 'nope.conf' '$tmp/err'"
check "a missing input file is an error naming it" sh -c "'$A' -c '$tmp/good.conf' -i '$tmp/nope.log' -o - 2> '$tmp/err'; test \$? -eq 1 && grep -q \"Failed to open '$tmp/nope.log'\" '$tmp/err'"
check "-o - given twice writes every event to both" sh -c "test \$('$A' -c '$tmp/good.conf' -i '$top_srcdir/tests/golden/input/record-execve.txt' -o - -o - | wc -l) -eq 2"
chmod 755 "$tmp"; chmod 644 "$tmp/good.conf"
check "-i netlink without CAP_AUDIT_READ says what to do, exits 1" sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all '$A' -c '$tmp/good.conf' -i netlink -o - 2> '$tmp/err'; test \$? -eq 1 && grep -q 'run as root or grant CAP_AUDIT_READ' '$tmp/err'"
check "an unwritable output is an error naming it" sh -c "'$A' -c '$tmp/good.conf' -i - -o '$tmp/no/such/dir/out' < /dev/null 2> '$tmp/err'; test \$? -eq 1 && grep -q 'no/such/dir/out' '$tmp/err'"
check "an extra argument is a usage error" sh -c "'$A' extra 2>/dev/null; test \$? -eq 2"
