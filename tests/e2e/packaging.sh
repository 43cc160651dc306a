#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# packaging.sh: make install into a DESTDIR puts every file where the
# configured directories say, with sane modes; the installed unit names the
# installed binary and configuration, passes `systemd-analyze verify` and
# rates an exposure of at most 2.0 (`systemd-analyze security --offline`,
# docs/hardening.md); the sysusers.d and tmpfiles.d snippets, applied to a
# scratch root (--root), make the user and the log directory; a second
# install keeps a changed configuration; make uninstall removes the rest.
#
# Environment (set by automake): top_srcdir, top_builddir. MAKE, if set.
# systemd-analyze, systemd-sysusers and systemd-tmpfiles (Debian package
# 'systemd') are used when present; the checks that need them are skipped
# otherwise.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
make=${MAKE:-make}
MAX_EXPOSURE=2.0 # the goal docs/hardening.md records
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/lib/tap.sh"
d=$tmp/dest
export LC_ALL=C

skip() { # DESCRIPTION REASON
	tap_i=$((tap_i + 1))
	echo "ok $tap_i - $1 # SKIP $2"
}

# The installation directories, as make computes them.
sbindir='' sysconfdir='' mandir='' pkgdatadir='' unitdir='' sysusersdir='' tmpfilesdir=''
# shellcheck disable=SC2016 # make expands them
printf 'print-dirs:\n\t@echo "sbindir=$(sbindir) sysconfdir=$(sysconfdir) mandir=$(mandir) pkgdatadir=$(pkgdatadir) unitdir=$(systemdsystemunitdir) sysusersdir=$(sysusersdir) tmpfilesdir=$(tmpfilesdir)"\n' > "$tmp/print.mk"
dirs=$(cd "$top_builddir" && $make -s --no-print-directory -f Makefile -f "$tmp/print.mk" print-dirs 2> "$tmp/dirs.err") || {
	echo "Bail out! cannot read the installation directories: $(head -c 300 "$tmp/dirs.err")"
	exit 99
}
eval "$dirs"
bin=$sbindir/auscribe
conf=$sysconfdir/auscribe/auscribe.conf
unit=$unitdir/auscribe.service

plan 20

# mode FILE: its permission bits, octal (644).
mode() { stat -c %a "$1"; }
# installed FILE MODE: FILE is in DESTDIR, a regular file with MODE.
installed() { test -f "$d$1" && test "$(mode "$d$1")" = "$2"; }

check "make install DESTDIR=... succeeds" sh -c "cd '$top_builddir' && $make install DESTDIR='$d' > '$tmp/install.out' 2>&1 || { tail -n 20 '$tmp/install.out'; exit 1; }"
check "the daemon is in sbindir ($bin), 0755, and runs" sh -c "test \"\$(stat -c %a '$d$bin')\" = 755 && '$d$bin' -V | grep -q '^auscribe '"
check "the configuration is $conf, 0644, and auscribe -t accepts it" sh -c "test \"\$(stat -c %a '$d$conf')\" = 644 && '$d$bin' -t -c '$d$conf' | grep -qx 'configuration OK'"
check "the configuration directory is 0755" test "$(mode "$d$sysconfdir/auscribe")" = 755
check "the logrotate file is $sysconfdir/logrotate.d/auscribe, 0644" installed "$sysconfdir/logrotate.d/auscribe" 644
check "the example audit rules are in $pkgdatadir, 0644" installed "$pkgdatadir/auscribe.rules" 644
check "the man pages are in $mandir, 0644" sh -c "test \"\$(stat -c %a '$d$mandir/man8/auscribe.8')\" = 644 && test \"\$(stat -c %a '$d$mandir/man5/auscribe.conf.5')\" = 644"

if [ "$unitdir" = no ]; then
	skip "the unit is installed" "configured --without-systemdsystemunitdir"
	skip "the unit names the installed binary and configuration" "no unit"
else
	check "the unit is $unit, 0644" installed "$unit" 644
	check "the unit names the installed binary and configuration, no @placeholder@ left" sh -c "grep -qx 'ExecStart=$bin -c $conf -i netlink' '$d$unit' && ! grep -q '@[a-z]*@' '$d$unit'"
fi
if [ "$sysusersdir" = no ] || [ "$tmpfilesdir" = no ]; then
	skip "the sysusers.d and tmpfiles.d snippets are installed" "configured without them"
else
	check "the sysusers.d and tmpfiles.d snippets are installed as auscribe.conf, 0644" sh -c "test \"\$(stat -c %a '$d$sysusersdir/auscribe.conf')\" = 644 && test \"\$(stat -c %a '$d$tmpfilesdir/auscribe.conf')\" = 644"
fi

# The unit, as systemd would read it; ExecStart= must exist, so the copy
# names the binary in DESTDIR.
mkdir "$tmp/unit"
if [ -f "$d$unit" ]; then
	sed "s|^ExecStart=$bin |ExecStart=$d$bin |" "$d$unit" > "$tmp/unit/auscribe.service"
fi
if ! command -v systemd-analyze > /dev/null 2>&1; then
	skip "systemd-analyze verify accepts the unit" "systemd-analyze not found (Debian package 'systemd')"
	skip "systemd-analyze security rates exposure <= $MAX_EXPOSURE" "systemd-analyze not found"
elif [ ! -f "$tmp/unit/auscribe.service" ]; then
	skip "systemd-analyze verify accepts the unit" "no unit"
	skip "systemd-analyze security rates exposure <= $MAX_EXPOSURE" "no unit"
else
	# Documentation= is checked with man(1), against the installed pages.
	if command -v man > /dev/null 2>&1; then
		check "systemd-analyze verify accepts the unit" env MANPATH="$d$mandir" systemd-analyze verify "$tmp/unit/auscribe.service"
	else
		check "systemd-analyze verify accepts the unit (man(1) not found: --man=no)" systemd-analyze verify --man=no "$tmp/unit/auscribe.service"
	fi
	systemd-analyze security --offline=yes --no-pager "$tmp/unit/auscribe.service" > "$tmp/security.out" 2>&1
	exposure=$(sed -n 's/.*Overall exposure level for auscribe.service: \([0-9][0-9.]*\).*/\1/p' "$tmp/security.out")
	if [ -n "$exposure" ] && awk -v e="$exposure" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e <= m) }'; then
		ok "systemd-analyze security rates exposure $exposure <= $MAX_EXPOSURE"
	else
		notok "systemd-analyze security rates exposure ${exposure:-?} <= $MAX_EXPOSURE"
		# The options that cost exposure ("-" in the C locale).
		grep -E '^(✗|- )' "$tmp/security.out" | sed 's/^/# /'
		tail -n 1 "$tmp/security.out" | sed 's/^/# /'
	fi
fi

# The snippets applied to a scratch root: the user and the log directory.
r=$tmp/root
mkdir -p "$r/etc" "$r/var/log"
if ! command -v systemd-sysusers > /dev/null 2>&1 || ! command -v systemd-tmpfiles > /dev/null 2>&1 ||
	[ "$sysusersdir" = no ] || [ "$tmpfilesdir" = no ]; then
	skip "systemd-sysusers creates the system user auscribe, without a login shell" "systemd-sysusers or the snippet missing"
	skip "systemd-tmpfiles creates /var/log/auscribe auscribe:auscribe 0750" "systemd-tmpfiles or the snippet missing"
	skip "systemd-tmpfiles creates /etc/auscribe root:root 0755" "systemd-tmpfiles or the snippet missing"
else
	systemd-sysusers --root="$r" "$d$sysusersdir/auscribe.conf" > "$tmp/sysusers.out" 2>&1
	line=$(grep '^auscribe:' "$r/etc/passwd" 2> /dev/null)
	uid=$(echo "$line" | cut -d: -f3)
	gid=$(grep '^auscribe:' "$r/etc/group" 2> /dev/null | cut -d: -f3)
	check "systemd-sysusers creates the system user auscribe, without a login shell ($line)" \
		sh -c "test -n '$uid' && test '$uid' -lt 1000 && test -n '$gid' && echo '$line' | grep -q ':/usr/sbin/nologin\$' || { cat '$tmp/sysusers.out'; exit 1; }"
	if [ "$(id -u)" = 0 ]; then
		systemd-tmpfiles --root="$r" --create "$d$tmpfilesdir/auscribe.conf" > "$tmp/tmpfiles.out" 2>&1
		check "systemd-tmpfiles creates /var/log/auscribe auscribe:auscribe 0750" \
			sh -c "test \"\$(stat -c '%u:%g %a' '$r/var/log/auscribe')\" = '$uid:$gid 750' || { stat '$r/var/log/auscribe'; cat '$tmp/tmpfiles.out'; exit 1; }"
		check "systemd-tmpfiles creates /etc/auscribe root:root 0755" test "$(stat -c '%u:%g %a' "$r/etc/auscribe")" = "0:0 755"
	else
		skip "systemd-tmpfiles creates /var/log/auscribe auscribe:auscribe 0750" "needs root (chown)"
		skip "systemd-tmpfiles creates /etc/auscribe root:root 0755" "needs root (chown)"
	fi
fi

check "nothing installed is writable by group or others" sh -c "test -z \"\$(find '$d' -type f -perm /022)\" || find '$d' -type f -perm /022"

# A changed configuration survives make install and make uninstall.
echo '# changed' >> "$d$conf"
check "a second make install keeps a changed configuration" sh -c "cd '$top_builddir' && $make install DESTDIR='$d' > '$tmp/install2.out' 2>&1 && tail -n 1 '$d$conf' | grep -qx '# changed'"
check "make uninstall succeeds" sh -c "cd '$top_builddir' && $make uninstall DESTDIR='$d' > '$tmp/uninstall.out' 2>&1 || { tail -n 20 '$tmp/uninstall.out'; exit 1; }"
check "make uninstall keeps the changed configuration" test -f "$d$conf"
rm -f "$d$conf"
check "make uninstall removes every other file" sh -c "test -z \"\$(find '$d' -type f)\" || find '$d' -type f"
