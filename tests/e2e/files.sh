#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# File outputs: rotation boundaries, generations, SIGHUP reopen, a full disk
# (small tmpfs) with retry, loss accounting and recovery.
set -u
tmp=$(mktemp -d)
mnt=""
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$top_srcdir/tests/lib/tap.sh"
A=$AUSCRIBE
data=$top_srcdir/tests/golden/input
cp "$top_srcdir/tests/golden/auscribe.conf" "$tmp/plain.conf"  # enrichment off: output depends on the input only
plan 15

ls "$data"/*.txt "$data"/tree/*.txt | grep -v reordered | xargs cat > "$tmp/all.log"
"$A" -c "$tmp/plain.conf" -i "$tmp/all.log" -o - > "$tmp/expected" 2>/dev/null
events=$(wc -l < "$tmp/expected")

# Rotation: every file under the size, no line split, nothing lost with enough generations.
mkdir "$tmp/rot"
{ cat "$tmp/plain.conf"; printf '[auditlog]\nsize = 20000\ngenerations = 1000\n'; } > "$tmp/rot.conf"
"$A" -c "$tmp/rot.conf" -i "$tmp/all.log" -o "$tmp/rot/out.json" 2> "$tmp/err"
n=$(ls "$tmp/rot" | wc -l)
check "rotation made several generations ($n files)" test "$n" -gt 3
big=$(for f in "$tmp"/rot/*; do s=$(wc -c < "$f"); [ "$s" -gt 20000 ] && [ "$(wc -l < "$f")" -gt 1 ] && echo "$f"; done)
check "no file with more than one line exceeds the size" test -z "$big"
: > "$tmp/joined"
for i in $(seq "$((n - 1))" -1 1); do cat "$tmp/rot/out.json.$i" >> "$tmp/joined"; done
cat "$tmp/rot/out.json" >> "$tmp/joined"
check "the generations, oldest first, are exactly the $events events" cmp "$tmp/joined" "$tmp/expected"

# generations = 2 keeps two rotated copies; generations = 0 keeps none.
mkdir "$tmp/g2" "$tmp/g0"
printf '[auditlog]\nsize = 20000\ngenerations = 2\n' > "$tmp/g2.conf"
printf '[auditlog]\nsize = 20000\ngenerations = 0\n' > "$tmp/g0.conf"
"$A" -c "$tmp/g2.conf" -i "$tmp/all.log" -o "$tmp/g2/out.json" 2>/dev/null
"$A" -c "$tmp/g0.conf" -i "$tmp/all.log" -o "$tmp/g0/out.json" 2>/dev/null
check "generations = 2 keeps out.json, .1, .2" test "$(ls "$tmp/g2" | tr '\n' ' ')" = "out.json out.json.1 out.json.2 "
check "generations = 0 keeps only out.json" test "$(ls "$tmp/g0")" = "out.json"
check "files are created 0640" test "$(stat -c %a "$tmp/g0/out.json")" = 640

# Group and read ACLs, on the first file and again after rotation.
if [ "$(id -u)" = 0 ] && command -v getfacl > /dev/null; then
	mkdir "$tmp/acl"
	printf '[auditlog]\nsize = 20000\ngenerations = 1\ngroup = daemon\nread-users = nobody\nread-groups = adm\n' > "$tmp/acl.conf"
	"$A" -c "$tmp/acl.conf" -i "$tmp/all.log" -o "$tmp/acl/out.json" 2>/dev/null
	check "group and ACL: read for the named user and group only, after rotation too" sh -c "
		for f in '$tmp/acl/out.json' '$tmp/acl/out.json.1'; do
			test \"\$(stat -c %G \"\$f\")\" = daemon || exit 1
			getfacl -cp \"\$f\" 2>/dev/null | tr '\n' ' ' | grep -q 'user::rw- user:nobody:r-- group::r-- group:adm:r-- mask::r-- other::---' || exit 1
		done"
else
	ok "# SKIP ACL checks need root and getfacl (Debian package 'acl')"
fi
printf '[auditlog]\nread-users = nosuchuser\n' > "$tmp/bad-acl.conf"
check "an unknown read-users name is an error at start, naming it" sh -c "'$A' -c '$tmp/bad-acl.conf' -i /dev/null -o '$tmp/never.json' 2> '$tmp/err'; test \$? -eq 1 && grep -q \"no user 'nosuchuser'\" '$tmp/err' && test ! -e '$tmp/never.json'"

# SIGHUP reopens: logrotate moves the file, the daemon goes on in a new one.
mkfifo "$tmp/in"
"$A" -c "$tmp/plain.conf" -i "$tmp/in" -o "$tmp/hup.json" 2> "$tmp/hup.err" &
pid=$!
exec 3> "$tmp/in"
cat "$data/record-execve.txt" >&3
for i in $(seq 50); do [ -s "$tmp/hup.json" ] && break; sleep 0.1; done
mv "$tmp/hup.json" "$tmp/hup.json.old"
kill -HUP "$pid" 2>/dev/null || true
sleep 0.3
cat "$data/record-login.txt" >&3
exec 3>&-
wait "$pid"
pid=""
check "SIGHUP: the old file has the first event, the new file the next" sh -c "
	grep -q 15558 '$tmp/hup.json.old' && grep -q 151316 '$tmp/hup.json' && test \$(cat '$tmp/hup.json.old' '$tmp/hup.json' | wc -l) -eq 2"

# logrotate's copytruncate: the file is copied and truncated under us; we append, so the
# next event starts the truncated file cleanly.
mkfifo "$tmp/in3"
"$A" -c "$tmp/plain.conf" -i "$tmp/in3" -o "$tmp/ct.json" 2>/dev/null &
pid=$!
exec 3> "$tmp/in3"
cat "$data/record-execve.txt" >&3
for i in $(seq 50); do [ -s "$tmp/ct.json" ] && break; sleep 0.1; done
cp "$tmp/ct.json" "$tmp/ct.json.1" && : > "$tmp/ct.json"
cat "$data/record-login.txt" >&3
exec 3>&-
wait "$pid"
pid=""
check "copytruncate: the copy has the first event, the truncated file just the next" sh -c "
	grep -q 15558 '$tmp/ct.json.1' && test \$(wc -l < '$tmp/ct.json') -eq 1 && jq -e '.ID == \"1640027821.949:151316\"' '$tmp/ct.json' >/dev/null && test \$(wc -c < '$tmp/ct.json') -eq \$(sed -n 1p '$tmp/ct.json' | wc -c)"

# A full disk: writes fail, are retried, and resume when space returns.
if [ "$(id -u)" != 0 ] || ! mkdir "$tmp/mnt" || ! mount -t tmpfs -o size=2m,mode=0755 tmpfs "$tmp/mnt" 2>/dev/null; then
	for i in 1 2 3 4 5; do ok "# SKIP full-disk checks need root and tmpfs"; done
	exit 0
fi
mnt=$tmp/mnt
mkfifo "$tmp/in2"
"$A" -c "$tmp/plain.conf" -i "$tmp/in2" -o "$mnt/out.json" 2> "$tmp/full.err" &
pid=$!
exec 3> "$tmp/in2"
cat "$data/record-execve.txt" >&3
for i in $(seq 50); do [ -s "$mnt/out.json" ] && break; sleep 0.1; done
dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
awk -v reps=20 -v rate=1000 -f "$top_srcdir/bench/make-corpus.awk" "$data/record-execve.txt" >&3
sleep 0.5
check "a full disk is reported once, naming the file" sh -c "test \$(grep -c 'Failed to write to .*out.json.*No space left' '$tmp/full.err') -eq 1"
rm "$mnt/filler"
cat "$data/record-nscd.txt" >&3
sleep 0.5
check "when space returns, the 20 queued events and the next one are written" sh -c "grep -q 29498378 '$mnt/out.json' && test \$(wc -l < '$mnt/out.json') -eq 22 && grep -q 'writing to .*out.json. works again' '$tmp/full.err'"
# More than the output may hold while failing (16 MiB): lost, counted, and said in-band.
dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
# ~18 MB of events (1.1 kB each): the 16 MiB queue overflows once; the ~1.5 MB left fits in 2 MB.
awk -v reps=16500 -v rate=1000 -f "$top_srcdir/bench/make-corpus.awk" "$data/record-execve.txt" >&3
sleep 1
rm "$mnt/filler"
sed 's/151316/151317/' "$data/record-login.txt" >&3
exec 3>&-
wait "$pid"
rc=$?
pid=""
check "lines that did not fit are counted and stated in-band" sh -c "jq -Rne '[inputs | fromjson? | select(.AUSCRIBE_LOSS.signal == \"output_error\" and .AUSCRIBE_LOSS.events > 15000)] | length == 1' '$mnt/out.json' >/dev/null && grep -q 'output_lost=1[5-9][0-9][0-9][0-9] ' '$tmp/full.err'"
check "every line in the file is whole JSON: nothing was cut by the full disk" sh -c "jq -c . '$mnt/out.json' > /dev/null"
check "the daemon kept going, and exits 1 because lines were lost" sh -c "grep -q 151317 '$mnt/out.json' && test $rc -eq 1"
