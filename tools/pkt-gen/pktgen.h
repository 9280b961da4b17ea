/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pktgen.h - pkt-gen, a netmap packet generator/receiver in small pieces:
 *
 *	main.c		options, opening the port, waiting for the link
 *	io.c		poll()/sync helpers and the stop conditions
 *	tx.c		-f tx / txseq: fill tx rings, rate and burst control
 *	rx.c		-f rx / rxseq: drain rx rings, sequence accounting
 *	pingpong.c	-f ping / pong: round trips
 *	report.c	one line per interval, a final summary, --json
 *
 * Every frame it sends is a livemap sequence frame (tools/common/seqframe.h):
 * tx and txseq differ only in that txseq numbers them 0, 1, 2...
 */
#ifndef PKTGEN_H
#define PKTGEN_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>

#include <libnetmap.h>

#include "seqframe.h"
#include "seqstat.h"

enum pg_func { PG_TX, PG_RX, PG_PING, PG_PONG, PG_TXSEQ, PG_RXSEQ };

struct pg_conf {
	enum pg_func func;
	const char *func_name;
	const char *port;
	unsigned int len;	/* frame length, no FCS: [60, 1514] */
	uint64_t count;		/* frames to send/receive, 0 = no limit */
	uint64_t rate;		/* frames/s, 0 = as fast as possible */
	unsigned int burst;	/* most frames moved per sync */
	unsigned int report_ms;	/* report interval, 0 = final summary only */
	unsigned int wait_s;	/* wait up to this for the link */
	uint64_t duration_ns;	/* stop after this long, 0 = no limit */
	uint64_t idle_ns;	/* rx: stop after this long without a frame */
	int json;
	int poll_ms;		/* poll() timeout, ms */
	int nocopy;		/* tx: do not rewrite buffers per frame */
	int check_payload;	/* rxseq: verify every payload byte */
	uint16_t stream;
	uint8_t dst[6], src[6];
	const char *seqlog;	/* rxseq: range log for lm-seqmerge */
};

struct pg_stats {
	uint64_t pkts, bytes;	/* moved by this side */
	uint64_t syncs;		/* poll() + NIOC*SYNC calls */
	uint64_t poll_timeouts;	/* polls that timed out once traffic flowed */
	uint64_t t_start, t_first_pkt, t_last_pkt;
	uint64_t t_open;	/* just before nmport_open() */
	uint64_t open_ns;	/* nmport_open(): open, register call, mmap */
	uint64_t devopen_ns;	/* the open of /dev/netmap */
	uint64_t register_ns;	/* the NIOCCTRL register call alone */
	uint64_t rtt_n, rtt_sum_ns, rtt_min_ns, rtt_max_ns;
	uint64_t ping_lost;	/* pings without a reply in time */
};

struct pg_report {
	uint64_t t_next;	/* next report due */
	uint64_t t_prev, pkts_prev, bytes_prev;
	struct seqstat_counters seq_prev;
};

struct pg {
	struct pg_conf c;
	struct nmport_d *d;
	struct pollfd pfd;
	struct pg_stats st;
	struct pg_report rep;
	struct seqstat *seq;	/* rxseq only */
	uint8_t frame[LM_SEQ_MAX_LEN];	/* the template frame */
};

extern volatile sig_atomic_t pg_stop_signal;

/* io.c */
int pg_poll(struct pg *g, short events, int timeout_ms);
int pg_sync(struct pg *g, int tx);
int pg_done(struct pg *g, uint64_t now);
int pg_tx_drain(struct pg *g, uint64_t timeout_ns);

/* one function each */
int pg_tx(struct pg *g);
int pg_rx(struct pg *g);
int pg_ping(struct pg *g);
int pg_pong(struct pg *g);

/* report.c */
void pg_report_start(struct pg *g, uint64_t now);
void pg_report_tick(struct pg *g, uint64_t now);
void pg_report_final(struct pg *g, uint64_t now, int status);

#endif /* PKTGEN_H */
