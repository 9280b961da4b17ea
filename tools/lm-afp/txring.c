// SPDX-License-Identifier: BSD-2-Clause
/*
 * txring.c - TPACKET_V2 transmit ring for lm-afp tx --ring: frames are
 * written into a shared mapping and marked SEND_REQUEST; one send() hands
 * every marked frame to the stack.  A frame the stack pushes back keeps
 * SEND_REQUEST and goes with the next send(), so nothing is dropped here:
 * whatever is still pending at the end is reported, not hidden.
 */
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "afp.h"

#define TXR_FRAME_SIZE	2048		/* one full-size frame + header per slot */
#define TXR_FRAME_NR	256
#define TXR_BLOCK_SIZE	(1u << 16)
/* Where the kernel reads frame data in a V2 slot (no PACKET_TX_HAS_OFF). */
#define TXR_DATA_OFF	(TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))

static_assert(TXR_DATA_OFF + LM_SEQ_MAX_LEN <= TXR_FRAME_SIZE, "a full frame fits a slot");
static_assert(TXR_BLOCK_SIZE % TXR_FRAME_SIZE == 0, "slots tile the blocks");

struct afp_txring {
	uint8_t *map;
	size_t size;
	unsigned int cur;		/* next slot to fill */
};

struct afp_txring *afp_txring_setup(int fd)
{
	struct tpacket_req req = {
		.tp_block_size = TXR_BLOCK_SIZE,
		.tp_block_nr = TXR_FRAME_NR * TXR_FRAME_SIZE / TXR_BLOCK_SIZE,
		.tp_frame_size = TXR_FRAME_SIZE,
		.tp_frame_nr = TXR_FRAME_NR,
	};
	int v = TPACKET_V2;
	struct afp_txring *r;

	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)))
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->size = (size_t)TXR_FRAME_NR * TXR_FRAME_SIZE;
	r->map = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r->map == MAP_FAILED) {
		free(r);
		return NULL;
	}
	return r;
}

static struct tpacket2_hdr *slot(const struct afp_txring *r, unsigned int i)
{
	return (struct tpacket2_hdr *)(r->map + (size_t)i * TXR_FRAME_SIZE);
}

static uint32_t status(const struct tpacket2_hdr *h)
{
	/* Acquire: pairs with the kernel's barrier before it frees the slot. */
	return __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
}

int afp_txring_put(struct afp_txring *r, const uint8_t *frame, size_t len)
{
	struct tpacket2_hdr *h = slot(r, r->cur);
	uint32_t st = status(h);

	if (st & TP_STATUS_WRONG_FORMAT)
		return -1;
	if (st != TP_STATUS_AVAILABLE)
		return 0;		/* ring full: the stack has not caught up */
	memcpy((uint8_t *)h + TXR_DATA_OFF, frame, len);
	h->tp_len = (uint32_t)len;
	/* Release: the frame is written before the kernel may see the request. */
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	r->cur = (r->cur + 1) % TXR_FRAME_NR;
	return 1;
}

unsigned int afp_txring_pending(const struct afp_txring *r)
{
	unsigned int i, n = 0;

	for (i = 0; i < TXR_FRAME_NR; i++)
		n += status(slot(r, i)) != TP_STATUS_AVAILABLE;
	return n;
}

void afp_txring_free(struct afp_txring *r)
{
	if (!r)
		return;
	munmap(r->map, r->size);
	free(r);
}
