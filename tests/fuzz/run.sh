#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh BUILDDIR NAME SECONDS: builds tests/fuzz/NAME.c with clang's libFuzzer,
# ASan and UBSan against the library sources, seeds it with the golden inputs
# and the live captures, and runs it for SECONDS. Exit 0 when nothing was found.
set -eu
cd "$(dirname "$0")/../.."
builddir=$1 name=$2 seconds=$3
out=$builddir/fuzz
mkdir -p "$out/corpus-$name"
srcs=$(ls src/*.c | grep -v 'src/main.c')
# shellcheck disable=SC2086
clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$builddir" -I"$builddir/src" -Isrc $(pkg-config --cflags libcjson libmnl libsystemd) \
	"tests/fuzz/$name.c" $srcs -o "$out/$name" \
	$(pkg-config --libs audit inih libcjson libmnl libsystemd libacl libpcre2-8 libcap)
find tests/golden/input tests/data/live tests/fuzz/regressions -type f 2>/dev/null | while read -r f; do
	cp "$f" "$out/corpus-$name/$(echo "$f" | tr / _)"
done
"$out/$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 "$out/corpus-$name" 2>&1
