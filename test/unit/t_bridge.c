// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_bridge.c - the bridge's forwarding step (tools/bridge/forward.c, built
 * in here) on a hand-built region: buffer swap with NS_BUF_CHANGED on both
 * sides, copying, NS_MOREFRAG carried, limits, full tx rings, frames too
 * large for the other side's buffers, walking several rings.
 */
#include "../../tools/bridge/forward.c"

#include "nmfake.h"
#include "tap.h"

static struct nmport_d A, B;

static void view(struct nmport_d *v, uint16_t rx, uint16_t tx)
{
	memset(v, 0, sizeof(*v));
	v->nifp = NETMAP_IF(mem, 0);
	v->first_rx_ring = v->last_rx_ring = rx;
	v->first_tx_ring = v->last_tx_ring = tx;
}

/* the kernel hands n frames to the user in rx ring r, from its head */
static void deliver(struct netmap_ring *r, unsigned int n, uint16_t len)
{
	uint32_t i = r->tail;

	while (n--) {
		r->slot[i].len = len;
		r->slot[i].flags = 0;
		memset(NETMAP_BUF(r, r->slot[i].buf_idx), 'A' + (int)i, len);
		i = nm_ring_next(r, i);
	}
	r->tail = i;
}

static void reset(void)
{
	free(mem);
	build_region();
	view(&A, 0, 0);
	view(&B, 1, 1);
}

static void test_swap(void)
{
	struct br_dir d = { .src = &A, .dst = &B, .zerocopy = 1 };
	struct netmap_ring *rx, *tx;
	uint32_t rxb[3], txb[3];
	int i, ok1 = 1;

	reset();
	rx = NETMAP_RXRING(A.nifp, 0);
	tx = NETMAP_TXRING(B.nifp, 1);
	deliver(rx, 3, 60);
	rx->slot[1].flags = NS_MOREFRAG;
	for (i = 0; i < 3; i++) {
		rxb[i] = rx->slot[i].buf_idx;
		txb[i] = tx->slot[i].buf_idx;
	}
	ok(br_rx_pending(&A) && !br_rx_pending(&B), "br_rx_pending sees A's frames only");
	is_int(br_forward(&d, 512), 3, "swap: 3 frames forwarded");
	for (i = 0; i < 3; i++)
		ok1 &= tx->slot[i].buf_idx == rxb[i] && rx->slot[i].buf_idx == txb[i] &&
		       (tx->slot[i].flags & NS_BUF_CHANGED) &&
		       rx->slot[i].flags == NS_BUF_CHANGED && tx->slot[i].len == 60;
	ok(ok1, "buffers exchanged, NS_BUF_CHANGED on both sides, lengths carried");
	ok((tx->slot[1].flags & NS_MOREFRAG) && !(tx->slot[0].flags & NS_MOREFRAG),
	   "NS_MOREFRAG carried over");
	ok(rx->head == 3 && rx->cur == 3 && tx->head == 3 && tx->cur == 3,
	   "rx slots released, tx slots published");
	ok(d.pkts == 3 && d.swaps == 3 && d.copies == 0 && d.bytes == 180, "counters");
	ok(!br_rx_pending(&A), "nothing pending afterwards");
}

static void test_copy_limits(void)
{
	struct br_dir d = { .src = &A, .dst = &B, .zerocopy = 0 };
	struct netmap_ring *rx, *tx;
	uint32_t idx;

	reset();
	rx = NETMAP_RXRING(A.nifp, 0);
	tx = NETMAP_TXRING(B.nifp, 1);
	deliver(rx, 5, 100);
	idx = tx->slot[0].buf_idx;
	is_int(br_forward(&d, 2), 2, "copy: the limit is honoured");
	ok(tx->slot[0].buf_idx == idx && tx->slot[0].len == 100 && tx->slot[0].flags == 0 &&
	   !memcmp(NETMAP_BUF(tx, idx), NETMAP_BUF(rx, rx->slot[0].buf_idx), 100),
	   "copy: payload copied, buffers stay where they are");
	tx->tail = 3;		/* the kernel holds the rest of B's tx ring */
	is_int(br_forward(&d, 512), 1, "a full tx ring stops the move");
	ok(rx->head == 3 && tx->head == 3, "and leaves the rest in rx");
	ok(br_rx_pending(&A), "which is still pending");
	ok(d.copies == 3 && d.swaps == 0, "copy counters");
}

static void test_drop_and_rings(void)
{
	struct br_dir d = { .src = &A, .dst = &B, .zerocopy = 0 };
	struct netmap_ring *rx, *tx;

	reset();
	rx = NETMAP_RXRING(A.nifp, 0);
	tx = NETMAP_TXRING(B.nifp, 1);
	SET(tx->nr_buf_size, 1024);
	deliver(rx, 1, 1500);
	deliver(rx, 1, 60);
	is_int(br_forward(&d, 512), 2, "two rx slots consumed");
	ok(d.dropped == 1 && d.pkts == 1 && tx->head == 1 && tx->slot[0].len == 60,
	   "a frame larger than the other side's buffers is dropped and counted, the next goes");

	/* two rx rings into two tx rings: empty rings are skipped */
	reset();
	A.first_rx_ring = 0;
	A.last_rx_ring = 1;
	B.first_tx_ring = 0;
	B.last_tx_ring = 1;
	d.pkts = 0;
	rx = NETMAP_RXRING(A.nifp, 1);
	tx = NETMAP_TXRING(B.nifp, 0);
	tx->tail = 2;		/* room for 2 in tx 0, then tx 1 */
	deliver(rx, 5, 64);
	is_int(br_forward(&d, 512), 5, "frames of rx ring 1 go out through tx rings 0 and 1");
	ok(tx->head == 2 && NETMAP_TXRING(B.nifp, 1)->head == 3 && rx->head == 5,
	   "tx 0 filled up, the rest in tx 1");
	reset();
	A.first_rx_ring = 1;	/* no rx ring bound: [1, 0] */
	A.last_rx_ring = 0;
	is_int(br_forward(&d, 512), 0, "a port without rx rings forwards nothing");
}

int main(void)
{
	build_region();
	test_swap();
	test_copy_limits();
	test_drop_and_rings();
	free(mem);
	return done_testing();
}
