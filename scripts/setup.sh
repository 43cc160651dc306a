#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what auscribe needs to build and test (Debian 12, as root) and builds it.
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake pkg-config gperf \
	libmnl-dev libaudit-dev libcjson-dev libsystemd-dev libinih-dev libacl1-dev libcmocka-dev libpcre2-dev libcap-dev \
	clang libclang-rt-14-dev jq laurel auditd acl man-db \
	systemd procps debhelper >/dev/null
./autogen.sh >/dev/null 2>&1
mkdir -p build
cd build
../configure --enable-werror >/dev/null
make -j"$(nproc)" >/dev/null
echo "auscribe built: $(./src/auscribe -V) (build/src/auscribe)"
