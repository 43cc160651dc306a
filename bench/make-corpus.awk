# SPDX-License-Identifier: GPL-3.0-or-later
# Repeats the events of raw audit captures REPS times with unique, increasing
# IDs, at RATE events per second of audit time (so timeouts and memory can be
# measured at a chosen input rate). Usage:
#   awk -v reps=N -v rate=R -f make-corpus.awk capture.log ... > corpus.log
BEGIN { n = 0; base = 1700000000 }
{ line[n++] = $0 }
END {
	ev = 0
	for (r = 0; r < reps; r++) {
		delete map
		for (i = 0; i < n; i++) {
			s = line[i]
			if (!match(s, /msg=audit\([0-9]+\.[0-9]+:[0-9]+\)/))
				continue
			id = substr(s, RSTART + 10, RLENGTH - 11)
			if (!(id in map)) {
				t = base * 1000 + int(ev * 1000 / rate)
				map[id] = sprintf("%d.%03d:%d", int(t / 1000), t % 1000, ev + 1)
				ev++
			}
			print substr(s, 1, RSTART + 9) map[id] substr(s, RSTART + RLENGTH - 1)
		}
	}
}
