/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmfake.h - a netmap region built by hand the way the kernel lays it out
 * ([netmap_if][rings][buffers], everything by offset) for host unit tests
 * of user-side ring code: one port with NTX+1 tx and NRX+1 rx rings (the
 * last of each being the host ring), NSLOTS slots each, every slot with
 * its own 2 KiB buffer.  Tx rings start with all slots but one free for
 * the user, rx rings empty.
 */
#ifndef LIVEMAP_NMFAKE_H
#define LIVEMAP_NMFAKE_H

#include <stdlib.h>
#include <string.h>

#include <net/netmap_user.h>

#define NTX	2	/* NIC tx rings; + 1 host tx */
#define NRX	2	/* NIC rx rings; + 1 host rx */
#define NRINGS	(NTX + 1 + NRX + 1)
#define NSLOTS	8
#define BUFSZ	2048
#define NBUFS	(NRINGS * NSLOTS + 2)
#define RINGSZ	(sizeof(struct netmap_ring) + NSLOTS * sizeof(struct netmap_slot))
#define RING0	512	/* first ring's offset in the region */
#define BUF0	(RING0 + NRINGS * RINGSZ)
#define MEMSZ	(BUF0 + NBUFS * BUFSZ)

/* write a field the ABI marks const for applications (we play kernel) */
#define SET(field, v)							\
	do {								\
		__typeof__(field) _v = (v);				\
		memcpy((void *)(uintptr_t)&(field), &_v, sizeof(_v));	\
	} while (0)

static char *mem;

static struct netmap_ring *ring_at(int k)
{
	return (struct netmap_ring *)(mem + RING0 + k * RINGSZ);
}

/* a region as the kernel would hand it out for a 2+1 / 2+1 ring port */
static void build_region(void)
{
	struct netmap_if *nifp;
	int k, j;

	mem = aligned_alloc(4096, (MEMSZ + 4095) & ~4095ul);
	memset(mem, 0, MEMSZ);
	nifp = (struct netmap_if *)mem;
	SET(nifp->ni_tx_rings, NTX);
	SET(nifp->ni_rx_rings, NRX);
	SET(nifp->ni_host_tx_rings, 1);
	SET(nifp->ni_host_rx_rings, 1);
	for (k = 0; k < NRINGS; k++) {
		struct netmap_ring *r = ring_at(k);

		SET(nifp->ring_ofs[k], (ssize_t)((char *)r - mem));
		SET(r->buf_ofs, (int64_t)(BUF0 - ((char *)r - mem)));
		SET(r->num_slots, NSLOTS);
		SET(r->nr_buf_size, BUFSZ);
		SET(r->ringid, k);
		SET(r->dir, k > NTX);
		for (j = 0; j < NSLOTS; j++)
			r->slot[j].buf_idx = 2 + k * NSLOTS + j;
		/* tx rings start empty for the kernel: all slots but one */
		r->head = r->cur = 0;
		r->tail = k <= NTX ? NSLOTS - 1 : 0;
	}
}

#endif /* LIVEMAP_NMFAKE_H */
