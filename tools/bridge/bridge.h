/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bridge.h - forward frames between two netmap ports, both ways.
 *
 *	main.c		options, opening both ports, the poll loop, reports
 *	legacy.c	-L: opening them with the legacy nm_open() instead
 *	forward.c	moving frames from one port's rx rings to the other's
 *			tx rings: buffer swap (zero-copy) or copy
 */
#ifndef BRIDGE_H
#define BRIDGE_H

#include <stdint.h>

#include <libnetmap.h>

struct br_dir {
	struct nmport_d *src, *dst;
	int zerocopy;		/* swap buffers: both ports share one region */
	uint64_t pkts, bytes;
	uint64_t swaps, copies, dropped;	/* dropped: too long to copy */
};

/* Move up to limit rx slots src -> dst; returns how many were consumed. */
unsigned int br_forward(struct br_dir *dir, unsigned int limit);

/* Frames waiting in src's rx rings. */
int br_rx_pending(const struct nmport_d *src);

/* Frames queued on dst's tx rings that the kernel has not taken yet. */
int br_tx_pending(const struct nmport_d *dst);

/* legacy.c: both ports through nm_open(); *shared: one memory region */
int br_legacy_open(const char *spec[2], struct nmport_d *p[2], int *shared);
void br_legacy_close(void);

#endif /* BRIDGE_H */
