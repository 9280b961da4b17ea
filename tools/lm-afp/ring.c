// SPDX-License-Identifier: BSD-2-Clause
/*
 * ring.c - TPACKET_V3 receive ring for lm-afp rx --ring: the kernel fills
 * whole blocks of frames in a shared mapping and hands a block over by
 * setting TP_STATUS_USER in its descriptor; we give it back with
 * TP_STATUS_KERNEL.  No copy and no syscall per frame.
 */
#include <linux/if_packet.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "afp.h"

#define RING_BLOCK_SIZE	(1u << 18)	/* 256 KiB: ~120 full-size frames */
#define RING_BLOCK_NR	16		/* 4 MiB in all */
#define RING_FRAME_SIZE	2048
#define RING_RETIRE_MS	10		/* a partly filled block is handed over after 10 ms */

struct afp_ring {
	uint8_t *map;
	size_t size;
	unsigned int cur;		/* next block to look at */
};

struct afp_ring *afp_ring_setup(int fd)
{
	struct tpacket_req3 req = {
		.tp_block_size = RING_BLOCK_SIZE,
		.tp_block_nr = RING_BLOCK_NR,
		.tp_frame_size = RING_FRAME_SIZE,
		.tp_frame_nr = RING_BLOCK_SIZE / RING_FRAME_SIZE * RING_BLOCK_NR,
		.tp_retire_blk_tov = RING_RETIRE_MS,
	};
	int v = TPACKET_V3;
	struct afp_ring *r;

	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->size = (size_t)RING_BLOCK_SIZE * RING_BLOCK_NR;
	r->map = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0);
	if (r->map == MAP_FAILED)	/* MAP_LOCKED may exceed RLIMIT_MEMLOCK */
		r->map = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r->map == MAP_FAILED) {
		free(r);
		return NULL;
	}
	return r;
}

uint64_t afp_ring_drain(struct afp_ring *r, void (*fn)(void *, const uint8_t *, size_t),
			void *arg)
{
	uint64_t seen = 0;

	for (;;) {
		uint8_t *blk = r->map + (size_t)r->cur * RING_BLOCK_SIZE;
		struct tpacket_block_desc *bd = (struct tpacket_block_desc *)blk;
		struct tpacket3_hdr *h;
		uint32_t i, n, off;

		/* Acquire: pairs with the kernel's barrier before it sets USER. */
		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER))
			break;
		n = bd->hdr.bh1.num_pkts;
		off = bd->hdr.bh1.offset_to_first_pkt;
		for (i = 0; i < n; i++) {
			/* Stay inside the block even if a descriptor were bad. */
			if (off + sizeof(*h) > RING_BLOCK_SIZE)
				break;
			h = (struct tpacket3_hdr *)(blk + off);
			if ((uint64_t)off + h->tp_mac + h->tp_snaplen > RING_BLOCK_SIZE)
				break;
			fn(arg, blk + off + h->tp_mac, h->tp_snaplen);
			seen++;
			if (!h->tp_next_offset)
				break;
			off += h->tp_next_offset;
		}
		/* Release: our reads of the block are done before the kernel refills it. */
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		r->cur = (r->cur + 1) % RING_BLOCK_NR;
	}
	return seen;
}

void afp_ring_free(struct afp_ring *r)
{
	if (!r)
		return;
	munmap(r->map, r->size);
	free(r);
}
