/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wireopt.h - the options and report lines that the wire's tools (lm-peer
 * on the host, lm-afp in the guest) share, parsed and printed in one place
 * so that both speak exactly the same language.
 */
#ifndef LIVEMAP_WIREOPT_H
#define LIVEMAP_WIREOPT_H

#include <stdint.h>
#include <stdio.h>

#include "seqstat.h"

struct wire_opts {
	uint64_t send;		/* --send / -n: numbered frames to send */
	uint64_t rate;		/* --rate / -R: frames per second, 0 = max */
	uint64_t expect;	/* --expect / --count: stop at this many valid frames */
	uint64_t timeout_ns, idle_ns, interval_ns;	/* 0: none */
	unsigned int len;	/* --len */
	uint8_t dst[6], src[6];
	int have_src;
	uint16_t stream;	/* --stream: the id we send */
	int have_stream;
	uint32_t first_seq;	/* --first */
	int block;		/* --on-full block|drop */
	int json;
	const char *seqlog_path;
	int seqlog_append;	/* --seqlog-append FILE: add a period to FILE */
};

/* Defaults: rate 1000, len 60, dst broadcast, src 02:00:00:00:00:01, drop. */
void wire_opts_init(struct wire_opts *w);

/*
 * Parse one shared option by its long name ("rate", "len", "dst", "src",
 * "stream", "first", "on-full", "timeout", "idle", "interval", "json",
 * "seqlog", "seqlog-append", "send", "expect", "count").  Returns 1 if it was one of ours,
 * 0 if not, -1 (message on stderr, prefixed by prog) for a bad value.
 */
int wire_opt(struct wire_opts *w, const char *prog, const char *name, const char *arg);

/* {"type":"interval",...}: the counters of one interval (a seqstat_delta). */
void wire_print_interval(FILE *out, uint64_t t_ms, uint64_t tx,
			 const struct seqstat_counters *d);

/* ,"elapsed_ms":..,"timed_out":..,"sent":..,"refused":..,"stall_ms":.. */
void wire_print_tx_fields(FILE *out, uint64_t elapsed_ns, int timed_out, uint64_t sent,
			  uint64_t refused, uint64_t stall_ns);

/* ,"rx":{"frames":..,<seqstat fields>} */
void wire_print_rx_object(FILE *out, uint64_t frames, const struct seqstat_counters *c);

/* Open w->seqlog_path as --seqlog or --seqlog-append asked; see seqstat.h. */
int wire_seqlog_open(const struct wire_opts *w, struct seqlog *l, int stream,
		     const char *reader);

/* One human-readable line for runs without --json. */
void wire_print_text(FILE *out, const char *what, uint64_t sent, uint64_t refused,
		     uint64_t stall_ns, uint64_t frames, const struct seqstat_counters *c,
		     int timed_out);

#endif /* LIVEMAP_WIREOPT_H */
