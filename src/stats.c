// SPDX-License-Identifier: GPL-3.0-or-later
/* stats: the counters, printed as one "name=value ..." line. */
#include "config.h"

#include "stats.h"

#include <inttypes.h>

void stats_print(const struct stats *s, FILE *f)
{
	fprintf(f,
		"lines_in=%" PRIu64 " records_in=%" PRIu64 " records_bad=%" PRIu64
		" records_ignored=%" PRIu64 " fields_dropped=%" PRIu64 " fields_duplicate=%" PRIu64
		" events_out=%" PRIu64 " events_timed_out=%" PRIu64 " events_evicted=%" PRIu64
		" events_truncated=%" PRIu64 " records_dropped=%" PRIu64 " output_errors=%" PRIu64 " output_lost=%" PRIu64
		" lost_socket=%" PRIu64 " lost_kernel=%" PRIu64 " lost_serial_gap=%" PRIu64
		" nl_truncated=%" PRIu64 " nl_foreign=%" PRIu64 " proc_reads=%" PRIu64 " processes=%" PRIu64 "\n",
		s->lines_in, s->records_in, s->records_bad, s->records_ignored, s->fields_dropped,
		s->fields_duplicate, s->events_out, s->events_timed_out, s->events_evicted,
		s->events_truncated, s->records_dropped, s->output_errors, s->output_lost, s->lost_socket, s->lost_kernel,
		s->lost_serial_gap, s->nl_truncated, s->nl_foreign, s->proc_reads, s->processes);
}
