/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>
#include <stdio.h>

/* Counters for everything that goes in, out, or wrong. Plain data. */
struct stats {
	uint64_t lines_in;          /* input lines (replay) */
	uint64_t records_in;        /* records parsed */
	uint64_t records_bad;       /* lines / records that could not be parsed */
	uint64_t records_ignored;   /* blank lines, comments, control types */
	uint64_t fields_dropped;    /* fields beyond RECORD_MAX_FIELDS */
	uint64_t fields_duplicate;  /* repeated keys in one record, kept once */
	uint64_t events_out;        /* events written */
	uint64_t events_timed_out;  /* events ended by the timeout, not EOE */
	uint64_t events_evicted;    /* ended early: too many open events */
	uint64_t events_truncated;  /* records dropped: too many per event */
	uint64_t records_dropped;   /* records beyond ASSEMBLER_MAX_RECORDS */
	uint64_t output_errors;     /* failed writes (retried) */
	uint64_t output_lost;       /* lines outputs could not write, summed */
	uint64_t lost_socket;       /* records our receive buffer dropped (SO_MEMINFO) */
	uint64_t lost_kernel;       /* the kernel's lost counter, since we started */
	uint64_t lost_serial_gap;   /* serials that never arrived (heuristic) */
	uint64_t nl_truncated;      /* datagrams too large for our buffer */
	uint64_t nl_foreign;        /* datagrams not from the kernel, ignored */
	uint64_t proc_reads;        /* files read under the proc root (enrichment) */
	uint64_t processes;         /* entries in the process table now */
};

/* Writes the counters to F as one line of "name=value" pairs. */
void stats_print(const struct stats *s, FILE *f);
