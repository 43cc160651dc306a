#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# docs.sh: the documentation against the code, so that a key or an option
# added without its documentation fails 'make check'.
#  (a) every key of the keyword table (conf_keys[] in src/conf.c: KEY,
#      TODO, TODO_TABLE and LABEL_TABLE entries) is a tag of
#      docs/auscribe.conf.5 in its section ("Top level" or [SECTION]),
#      under SUPPORTED KEYS when auscribe implements it and under KEYS NOT
#      SUPPORTED YET when it is a TODO entry; one test per section, naming
#      every key that is missing or in the wrong part;
#  (b) every option of 'auscribe -h' is in the OPTIONS of docs/auscribe.8,
#      with an argument exactly when the help gives it one, and every
#      option the man page lists is accepted by the binary;
#  (c) 'man --warnings' (else groff -wmac) is silent on both pages;
#  (d) docs/json-format.md names, inside `code`, every enrichment key
#      (PID, PPID, SPAWNED_BY, ...) and every key written literally by
#      src/json.c (put_key(), put_opt_str(), put_str_list(), \"KEY\":) and by
#      src/pipeline.c (the AUSCRIBE_STATUS and AUSCRIBE_LOSS records).
#
# Environment (set by automake): top_srcdir, AUSCRIBE. DOCS_CONF_MAN,
# DOCS_MAN8 and DOCS_JSON replace the documents checked (to see a check
# fail on a doctored copy).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
AUSCRIBE=${AUSCRIBE:-$top_srcdir/build/src/auscribe}
conf_man=${DOCS_CONF_MAN:-$top_srcdir/docs/auscribe.conf.5}
man8=${DOCS_MAN8:-$top_srcdir/docs/auscribe.8}
json_md=${DOCS_JSON:-$top_srcdir/docs/json-format.md}
conf_c=$top_srcdir/src/conf.c

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/lib/tap.sh"

if [ ! -x "$AUSCRIBE" ]; then
	echo "Bail out! $AUSCRIBE not found or not executable"
	exit 99
fi

# The roff helpers: unesc() removes font changes and turns \- into -;
# args() splits a macro line's arguments as troff does ("quoted" ones).
roff_awk='
function unesc(t) {
	gsub(/\\f[BIRP]/, "", t)
	gsub(/\\&/, "", t)
	gsub(/\\-/, "-", t)
	gsub(/\\\(aq/, "'"'"'", t)
	gsub(/\\\(dq/, "\"", t)
	return t
}
function args(line, a,    n, i, c, cur, inq, started) {
	n = 0; cur = ""; inq = 0; started = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (inq) {
			if (c == "\"") {
				if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ }
				else inq = 0
			} else
				cur = cur c
		} else if (c == " " || c == "\t") {
			if (started) { a[++n] = cur; cur = ""; started = 0 }
		} else if (c == "\"" && !started) {
			inq = 1; started = 1
		} else {
			cur = cur c; started = 1
		}
	}
	if (started) a[++n] = cur
	return n
}
'

# ---- (a) the keyword table: "supported|SECTION|KEY" or "todo|SECTION|KEY",
# SECTION "(top)" for the top level.
sed -n '/^static const struct conf_key conf_keys\[\] = {/,/^};/p' "$conf_c" > "$tmp/table.c"
sed -n -e 's/^[[:space:]]*KEY("\([^"]*\)", "\([^"]*\)".*/supported|\1|\2/p' \
	-e 's/^[[:space:]]*TODO_TABLE("\([^"]*\)", "\([^"]*\)").*/todo|\1|\2/p' \
	-e 's/^[[:space:]]*TODO("\([^"]*\)", "\([^"]*\)").*/todo|\1|\2/p' \
	-e 's/^[[:space:]]*LABEL_TABLE("\([^"]*\)").*/supported|label-process|\1/p' \
	"$tmp/table.c" | sed 's/^\([a-z]*\)||/\1|(top)|/' > "$tmp/table.keys"
n_entries=$(grep -cE '^[[:space:]]*(KEY|TODO|TODO_TABLE|LABEL_TABLE)\(' "$tmp/table.c")
n_keys=$(wc -l < "$tmp/table.keys")
if [ "$n_keys" -eq 0 ] || [ "$n_keys" -ne "$n_entries" ]; then
	echo "Bail out! read $n_keys keys from conf_keys[] in $conf_c, which has $n_entries entries: update the extraction in $0"
	exit 99
fi
cut -d'|' -f2 "$tmp/table.keys" | awk '!seen[$0]++' > "$tmp/sections"

# The man page's key tags: "PART|SECTION|WORD" for every bold word of a
# .TP/.TQ tag in SUPPORTED KEYS ("supported") or KEYS NOT SUPPORTED YET
# ("todo"); .B is all bold, .BR/.BI the odd arguments, .RB/.IB the even.
awk "$roff_awk"'
/^\.SH / {
	part = ""
	if ($0 ~ /^\.SH SUPPORTED KEYS/) part = "supported"
	else if ($0 ~ /^\.SH KEYS NOT SUPPORTED YET/) part = "todo"
	section = "?"
	next
}
/^\.SS / {
	s = $0; sub(/^\.SS /, "", s); s = unesc(s)
	if (s ~ /^Top level/) section = "(top)"
	else if (s ~ /^\[.*\]$/) section = substr(s, 2, length(s) - 2)
	else section = "?"
	next
}
/^\.T[PQ]/ { tag = 1; next }
tag {
	tag = 0
	if (part == "") next
	macro = $1
	n = args(substr($0, length($1) + 2), a)
	for (i = 1; i <= n; i++) {
		bold = macro == ".B" || ((macro == ".BR" || macro == ".BI") && i % 2 == 1) ||
			((macro == ".RB" || macro == ".IB") && i % 2 == 0)
		if (!bold) continue
		t = unesc(a[i]); gsub(/[,;()]/, " ", t)
		m = split(t, w, " ")
		for (j = 1; j <= m; j++)
			if (w[j] ~ /^[a-z][a-z0-9_-]*$/) print part "|" section "|" w[j]
	}
}' "$conf_man" > "$tmp/man.keys"

# ---- (b) the options: "-X|yes" (takes an argument) or "-X|no".
"$AUSCRIBE" -h > "$tmp/help" 2>&1
sed -n 's/^  \(-[A-Za-z]\)\( [A-Z][A-Z]*\)\{0,1\} .*/\1|\2/p' "$tmp/help" |
	sed -e 's/|$/|no/' -e 's/| .*/|yes/' > "$tmp/help.opts"
awk "$roff_awk"'
/^\.SH / { on = $0 ~ /^\.SH OPTIONS/; next }
on && /^\.TP/ { tag = 1; next }
tag {
	tag = 0
	n = args(substr($0, length($1) + 2), a)
	opt = unesc(a[1])
	if (opt ~ /^-[A-Za-z]$/) print opt "|" (n >= 2 ? "yes" : "no")
}' "$man8" > "$tmp/man.opts"

n_sections=$(wc -l < "$tmp/sections")
plan $((n_sections + 9))

# ---- (a)
while read -r sec; do
	missing=
	n=0
	while IFS='|' read -r kind s key; do
		[ "$s" = "$sec" ] || continue
		n=$((n + 1))
		if [ "$kind" = supported ]; then other=todo; else other=supported; fi
		if grep -qxF "$kind|$sec|$key" "$tmp/man.keys"; then
			grep -qxF "$other|$sec|$key" "$tmp/man.keys" || continue
			missing="$missing
# '$key' is listed under both SUPPORTED KEYS and KEYS NOT SUPPORTED YET"
		elif grep -qxF "$other|$sec|$key" "$tmp/man.keys"; then
			if [ "$kind" = supported ]; then
				missing="$missing
# '$key' is implemented (conf_keys[]) but the man page lists it under KEYS NOT SUPPORTED YET"
			else
				missing="$missing
# '$key' is a TODO entry of conf_keys[] (refused as \"not supported yet\") but the man page lists it under SUPPORTED KEYS"
			fi
		else
			missing="$missing
# '$key' is missing (a .TP tag under the section's heading in $(
			[ "$kind" = supported ] && echo "SUPPORTED KEYS" || echo "KEYS NOT SUPPORTED YET"))"
		fi
	done < "$tmp/table.keys"
	if [ "$sec" = "(top)" ]; then label="the top level"; else label="[$sec]"; fi
	if [ -z "$missing" ]; then
		ok "auscribe.conf(5) documents all $n keys of $label, in the right part"
	else
		notok "auscribe.conf(5) documents all $n keys of $label, in the right part"
		echo "# in $conf_man, $label:$missing"
	fi
done < "$tmp/sections"

# ---- (b)
if [ ! -s "$tmp/help.opts" ]; then
	notok "'auscribe -h' lists options"
	sed 's/^/# /' "$tmp/help"
else
	ok "'auscribe -h' lists $(wc -l < "$tmp/help.opts") options"
fi
missing=
while IFS='|' read -r opt arg; do
	if ! grep -q "^$opt|" "$tmp/man.opts"; then
		missing="$missing $opt"
	fi
done < "$tmp/help.opts"
if [ -z "$missing" ]; then
	ok "auscribe(8) OPTIONS has every option of 'auscribe -h'"
else
	notok "auscribe(8) OPTIONS has every option of 'auscribe -h'"
	echo "# missing from $man8:$missing"
fi
differ=
while IFS='|' read -r opt arg; do
	marg=$(grep "^$opt|" "$tmp/man.opts" | head -n 1 | cut -d'|' -f2)
	if [ -n "$marg" ] && [ "$marg" != "$arg" ]; then
		differ="$differ $opt (help: $arg, man page: $marg)"
	fi
done < "$tmp/help.opts"
if [ -z "$differ" ]; then
	ok "auscribe(8) gives an option an argument exactly when 'auscribe -h' does"
else
	notok "auscribe(8) gives an option an argument exactly when 'auscribe -h' does"
	echo "# differ:$differ"
fi
# Accepted: getopt reads "OPT [ARG] -h" up to -h, which exits 0; an
# unknown option is a usage error (2) before that.
accepts() {
	if [ "$2" = yes ]; then
		"$AUSCRIBE" "$1" x -h > /dev/null 2>&1
	else
		"$AUSCRIBE" "$1" -h > /dev/null 2>&1
	fi
}
if ! accepts -Z no && ! accepts -Z yes; then
	ok "the probe tells an unknown option (-Z) from a known one"
else
	notok "the probe tells an unknown option (-Z) from a known one"
fi
rejected=
n=0
while IFS='|' read -r opt arg; do
	n=$((n + 1))
	accepts "$opt" "$arg" || rejected="$rejected $opt"
done < "$tmp/man.opts"
if [ "$n" -gt 0 ] && [ -z "$rejected" ]; then
	ok "the binary accepts all $n options auscribe(8) OPTIONS lists"
else
	notok "the binary accepts all $n options auscribe(8) OPTIONS lists"
	echo "# rejected:${rejected:- (no options found in $man8)}"
fi

# ---- (c)
man_warnings() {
	if command -v man > /dev/null 2>&1 && command -v groff > /dev/null 2>&1; then
		{ MANWIDTH=80 man --warnings -l -Tutf8 "$1" > /dev/null; } 2>&1
	else
		groff -wmac -man -Tutf8 -z "$1" 2>&1
	fi
}
if ! command -v groff > /dev/null 2>&1; then
	ok "# SKIP man --warnings auscribe.conf.5: groff not installed"
	ok "# SKIP man --warnings auscribe.8: groff not installed"
else
	for page in "$conf_man" "$man8"; do
		out=$(man_warnings "$page")
		if [ -z "$out" ]; then
			ok "man --warnings is silent on $(basename "$page")"
		else
			notok "man --warnings is silent on $(basename "$page")"
			echo "$out" | head -n 20 | sed 's/^/# /'
		fi
	done
fi

# ---- (d)
# Words inside `code` spans of the JSON format document.
# shellcheck disable=SC2016 # backquotes, not an expansion
tr '\n' ' ' < "$json_md" | grep -o '`[^`]*`' > "$tmp/json.code"
in_doc() { grep -qw -- "$1" "$tmp/json.code"; }
missing=
for key in PID PPID SPAWNED_BY ANCESTORS LABELS SCRIPT UID_GROUPS ENV EVENT_ID START_TIME container systemd_service; do
	in_doc "$key" || missing="$missing $key"
done
if [ -z "$missing" ]; then
	ok "json-format.md names every enrichment key"
else
	notok "json-format.md names every enrichment key"
	echo "# not in \`code\` in $json_md:$missing"
fi
{
	grep -o -E '(put_key|put_opt_str|put_str_list)\([^,]*, [^,]*, "[^"]*"' "$top_srcdir/src/json.c" |
		sed 's/.*"\([^"]*\)"$/\1/'
	grep -o -h -E '\\"[A-Za-z_]+\\":' "$top_srcdir/src/json.c" "$top_srcdir/src/pipeline.c" |
		sed 's/^\\"\(.*\)\\":$/\1/'
} | sort -u > "$tmp/code.keys"
missing=
while read -r key; do
	in_doc "$key" || missing="$missing $key"
done < "$tmp/code.keys"
if [ -s "$tmp/code.keys" ] && [ -z "$missing" ]; then
	ok "json-format.md names all $(wc -l < "$tmp/code.keys") keys json.c and pipeline.c write"
else
	notok "json-format.md names all $(wc -l < "$tmp/code.keys") keys json.c and pipeline.c write"
	echo "# not in \`code\` in $json_md:${missing:- (no keys found in the sources)}"
fi
[ "$tap_failed" -eq 0 ]
