# SPDX-License-Identifier: GPL-3.0-or-later
#
# docs/auscribe.8 -> src/usage.inc: the text of `auscribe -h`, so the man
# page is the one source of both. Usage line from SYNOPSIS, summary from
# NAME, one entry per OPTIONS tag with the text of its '.\" help:' lines.
# Fails (exit 1) on an option without help lines.

# Roman text of a troff line: macro arguments unquoted, escapes resolved;
# the font-alternating macros (.BR, .RB, .IR, ...) join their arguments.
function text(line,    macro, args, out, n, i, a, q) {
	if (line !~ /^\./)
		return unescape(line)
	macro = line; sub(/[ \t].*$/, "", macro)
	args = line; sub(/^[^ \t]*[ \t]*/, "", args)
	n = 0
	while (args != "") {
		if (substr(args, 1, 1) == "\"") {
			q = index(substr(args, 2), "\"")
			a[++n] = substr(args, 2, q - 1); args = substr(args, q + 2)
		} else {
			q = match(args, /[ \t]/)
			if (q) { a[++n] = substr(args, 1, q - 1); args = substr(args, q + 1) }
			else { a[++n] = args; args = "" }
		}
		sub(/^[ \t]+/, "", args)
	}
	out = ""
	for (i = 1; i <= n; i++)
		out = out ((length(macro) == 3 || i == 1) ? "" : " ") a[i]
	return unescape(out)
}
function unescape(s) {
	gsub(/\\-/, "-", s); gsub(/\\f[BIRP]/, "", s); gsub(/\\e/, "\\", s)
	return s
}
function cstr(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
	return "\"" s "\\n\""
}
/^\.SH / { section = $2; next }
section == "NAME" && !/^\./ { summary = $0; sub(/^.*\\- */, "", summary) }
section == "SYNOPSIS" { usage = usage (usage == "" ? "" : " ") text($0) }
section == "OPTIONS" && /^\.TP/ { tp = 1; next }
section == "OPTIONS" && tp { tag[++nopt] = text($0); tp = 0; next }
section == "OPTIONS" && /^\.\\" help: / {
	h = $0; sub(/^\.\\" help: /, "", h)
	help[nopt] = help[nopt] (help[nopt] == "" ? "" : "\n") h
}
END {
	if (usage == "" || summary == "" || nopt == 0) {
		print "gen-usage.awk: no SYNOPSIS, NAME or OPTIONS" > "/dev/stderr"; exit 1
	}
	print "/* Generated from docs/auscribe.8 by tools/gen-usage.awk: edit the man page. */"
	print "#define USAGE_TEXT \\"
	print "\t" cstr("Usage: " usage) " \\"
	print "\t" cstr(toupper(substr(summary, 1, 1)) substr(summary, 2) ".") " \\"
	print "\t" cstr("") " \\"
	for (i = 1; i <= nopt; i++) {
		if (help[i] == "") {
			print "gen-usage.awk: option '" tag[i] "' has no '.\\\" help:' line" > "/dev/stderr"; exit 1
		}
		nl = split(help[i], lines, "\n")
		for (j = 1; j <= nl; j++)
			print "\t" cstr(sprintf("  %-9s %s", j == 1 ? tag[i] : "", lines[j])) (i == nopt && j == nl ? "" : " \\")
	}
}
