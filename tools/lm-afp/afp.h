/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * afp.h - lm-afp: the guest end of the wire through Linux's own stack
 * (AF_PACKET), the baseline every livemap measurement is compared with.
 */
#ifndef LM_AFP_H
#define LM_AFP_H

#include <stdint.h>

#include "seqstat.h"
#include "wireopt.h"

struct afp_opts {
	struct wire_opts w;	/* the options lm-peer shares */
	const char *ifname, *ready_file;
	int ifindex;
	int rx_stream;		/* --stream for rx, else -1: any */
	int ring, all, promisc, ready;
};

/* Result of a run; printed by afp_summary(). */
struct afp_result {
	uint64_t elapsed_ns;
	int timed_out;
	uint64_t sent, refused, stall_ns;
	uint64_t rx_frames, sock_drops;
	uint64_t netdown, rebinds;	/* rx: ENETDOWN seen, re-bound after a re-register */
	struct seqstat_counters rx;
};

/* Stop flag set by SIGINT/SIGTERM. */
extern volatile int afp_signalled;

int afp_rx(const struct afp_opts *o, struct afp_result *res);
int afp_tx(const struct afp_opts *o, struct afp_result *res);

/* Rx ring (TPACKET_V3), used by afp_rx with --ring. */
struct afp_ring;
struct afp_ring *afp_ring_setup(int fd);
/*
 * Hand every frame of the blocks that are ready to fn(arg, frame, len),
 * then return the blocks to the kernel.  Returns frames seen.
 */
uint64_t afp_ring_drain(struct afp_ring *r, void (*fn)(void *, const uint8_t *, size_t),
			void *arg);
void afp_ring_free(struct afp_ring *r);

/* Tx ring (TPACKET_V2), used by afp_tx with --ring. */
struct afp_txring;
struct afp_txring *afp_txring_setup(int fd);
/* Queue one frame: 1 queued, 0 ring full, -1 the kernel rejected a frame. */
int afp_txring_put(struct afp_txring *r, const uint8_t *frame, size_t len);
/* Slots not yet released by the kernel. */
unsigned int afp_txring_pending(const struct afp_txring *r);
void afp_txring_free(struct afp_txring *r);

#endif /* LM_AFP_H */
