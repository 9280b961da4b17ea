// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_ring.c - ring arithmetic and the user helpers of netmap_user.h on a
 * region built by hand the way the kernel lays it out ([netmap_if][rings]
 * [buffers], everything by offset): addressing macros, nm_ring_next/space/
 * empty, nm_tx_pending, ring ranges per register mode, the region sanity
 * check, frame injection with NS_MOREFRAG, and the legacy nm_nextpkt /
 * nm_dispatch / nm_inject on that region.
 */
#include <stdlib.h>
#include <string.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
#include <libnetmap.h>

#include "nmfake.h"
#include "tap.h"

static void test_addressing(void)
{
	struct netmap_if *nifp = NETMAP_IF(mem, 0);
	struct netmap_ring *r;
	char *b;

	ok(NETMAP_TXRING(nifp, 0) == ring_at(0) && NETMAP_TXRING(nifp, 1) == ring_at(1),
	   "NETMAP_TXRING(i) follows ring_ofs[i]");
	ok(NETMAP_TXRING(nifp, NTX) == ring_at(NTX), "host tx ring comes after the NIC tx rings");
	ok(NETMAP_RXRING(nifp, 0) == ring_at(NTX + 1),
	   "NETMAP_RXRING(0) skips every tx ring, host tx included");
	ok(NETMAP_RXRING(nifp, NRX) == ring_at(NRINGS - 1), "host rx ring is last");
	r = ring_at(3);
	b = NETMAP_BUF(r, 5);
	ok(b == mem + BUF0 + 5 * BUFSZ, "NETMAP_BUF = ring + buf_ofs + idx * nr_buf_size");
	is_int(NETMAP_BUF_IDX(r, b), 5, "NETMAP_BUF_IDX inverts NETMAP_BUF");
	is_int(NETMAP_BUF_IDX(ring_at(0), b + 100), 5, "NETMAP_BUF_IDX of an inner pointer, from another ring");
	ok(NETMAP_BUF(r, 100000) == mem + BUF0 + 100000ul * BUFSZ,
	   "NETMAP_BUF does not overflow 32 bits for large indices");

	r->slot[0].ptr = 0xabcd0040;
	ok(NETMAP_BUF_OFFSET(r, &r->slot[0]) == NETMAP_BUF(r, r->slot[0].buf_idx),
	   "offset_mask 0: NETMAP_BUF_OFFSET is the buffer start");
	SET(r->offset_mask, 0xfff);
	is_int(NETMAP_ROFFSET(r, &r->slot[0]), 0x40, "NETMAP_ROFFSET masks slot->ptr");
	NETMAP_WOFFSET(r, &r->slot[0], 0x80);
	ok(r->slot[0].ptr == 0xabcd0080 &&
	   NETMAP_BUF_OFFSET(r, &r->slot[0]) == NETMAP_BUF(r, r->slot[0].buf_idx) + 0x80,
	   "NETMAP_WOFFSET keeps the other ptr bits");
	SET(r->offset_mask, 0);
	r->slot[0].ptr = 0;
}

static void test_arithmetic(void)
{
	struct netmap_ring *r = ring_at(0);
	uint32_t i, seen = 0;

	is_int(nm_ring_next(r, 0), 1, "nm_ring_next(0) = 1");
	is_int(nm_ring_next(r, NSLOTS - 1), 0, "nm_ring_next wraps at num_slots");
	for (i = 0, seen = 0; seen < 3 * NSLOTS; seen++)
		i = nm_ring_next(r, i);
	is_int(i, 0, "3 * num_slots steps come back to 0");

	r->head = 2; r->tail = 6;
	is_int(nm_ring_space(r), 4, "space: tail - head");
	r->head = 6; r->tail = 2;
	is_int(nm_ring_space(r), 4, "space across the wrap");
	r->head = r->tail = 5;
	is_int(nm_ring_space(r), 0, "space 0 when head == tail");
	ok(nm_ring_empty(r), "nm_ring_empty when head == tail");
	r->cur = 1; r->head = 3; r->tail = 4;
	is_int(nm_ring_space(r), 1, "space counts from head, not cur");
	ok(!nm_ring_empty(r), "not empty when head != tail");

	r->head = 3; r->tail = 2;
	ok(!nm_tx_pending(r), "tx: nothing pending when tail is just behind head");
	r->head = 0; r->tail = NSLOTS - 1;
	ok(!nm_tx_pending(r), "tx: nothing pending across the wrap");
	r->head = 4; r->tail = 1;
	ok(nm_tx_pending(r), "tx: pending when the kernel holds slots");
	r->head = r->cur = 0; r->tail = NSLOTS - 1;
}

static void test_ranges(void)
{
	static const struct {
		uint32_t mode, ringid;
		uint64_t flags;
		int ret;
		uint16_t ft, lt, fr, lr;
		const char *what;
	} c[] = {
		{ NR_REG_ALL_NIC, 0, 0, 0, 0, 1, 0, 1, "ALL_NIC: NIC rings" },
		{ NR_REG_SW, 0, 0, 0, 2, 2, 2, 2, "SW: the host rings" },
		{ NR_REG_NIC_SW, 0, 0, 0, 0, 2, 0, 2, "NIC_SW: all" },
		{ NR_REG_ONE_NIC, 1, 0, 0, 1, 1, 1, 1, "ONE_NIC 1" },
		{ NR_REG_ONE_NIC, 2, 0, -1, 0, 0, 0, 0, "ONE_NIC 2 of 2 rings: invalid" },
		{ NR_REG_ONE_SW, 0, 0, 0, 2, 2, 2, 2, "ONE_SW 0" },
		{ NR_REG_ONE_SW, 1, 0, -1, 0, 0, 0, 0, "ONE_SW 1 of 1: invalid" },
		{ NR_REG_ALL_NIC, 0, NR_TX_RINGS_ONLY, 0, 0, 1, 1, 0, "/T: rx range empty [1,0]" },
		{ NR_REG_ONE_NIC, 1, NR_RX_RINGS_ONLY, 0, 1, 0, 1, 1, "-1/R: tx range empty [1,0]" },
		{ NR_REG_SW, 0, NR_RX_RINGS_ONLY, 0, 1, 0, 2, 2, "^/R: tx range empty [1,0]" },
		{ NR_REG_NULL, 0, 0, 0, 1, 0, 1, 0, "NULL: no rings, both [1,0]" },
		{ 99, 0, 0, -1, 0, 0, 0, 0, "unknown mode: invalid" },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct nm_ring_range rr = { 7, 7, 7, 7 };
		int ret = nm_ring_range_compute(c[i].mode, c[i].ringid, c[i].flags,
						NTX, NRX, 1, 1, &rr);

		ok(ret == c[i].ret && (ret < 0 || (rr.first_tx == c[i].ft &&
		   rr.last_tx == c[i].lt && rr.first_rx == c[i].fr &&
		   rr.last_rx == c[i].lr)),
		   "range %s -> tx [%u,%u] rx [%u,%u]", c[i].what, rr.first_tx,
		   rr.last_tx, rr.first_rx, rr.last_rx);
	}
}

static void test_region_check(void)
{
	struct nm_ring_range all = { 0, 2, 0, 2 };
	struct netmap_if *nifp = NETMAP_IF(mem, 0);
	ssize_t saved;

	ok(nm_region_check(mem, MEMSZ, 0, &all) == NULL, "a sane region passes");
	ok(nm_region_check(mem, MEMSZ, MEMSZ - 8, &all) != NULL,
	   "netmap_if past the end is refused");
	ok(nm_region_check(mem, BUF0 - 1, 0, &all) != NULL,
	   "a region too short for the last ring's slots is refused");
	saved = nifp->ring_ofs[4];
	SET(nifp->ring_ofs[4], 0);
	ok(nm_region_check(mem, MEMSZ, 0, &all) != NULL, "a bound ring at offset 0 is refused");
	SET(nifp->ring_ofs[4], (ssize_t)MEMSZ);
	ok(nm_region_check(mem, MEMSZ, 0, &all) != NULL, "a ring offset past the end is refused");
	SET(nifp->ring_ofs[4], -64);
	ok(nm_region_check(mem, MEMSZ, 0, &all) != NULL, "a negative ring offset is refused");
	SET(nifp->ring_ofs[4], saved);
	{
		struct nm_ring_range none_rx = { 0, 2, 1, 0 };

		SET(nifp->ring_ofs[4], 0);
		ok(nm_region_check(mem, MEMSZ, 0, &none_rx) == NULL,
		   "unbound rings (empty range) are not looked at");
		SET(nifp->ring_ofs[4], saved);
	}
	SET(ring_at(1)->num_slots, 1u << 30);
	ok(nm_region_check(mem, MEMSZ, 0, &all) != NULL, "num_slots beyond the region is refused");
	SET(ring_at(1)->num_slots, NSLOTS);
}

static void test_put_frame(void)
{
	struct netmap_ring *r = ring_at(0);
	char frame[5000];
	uint32_t i;

	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (char)(i * 7);
	r->head = r->cur = 0; r->tail = NSLOTS - 1;
	is_int(nm_ring_put_frame(r, frame, 60), 1, "put a 60-byte frame");
	ok(r->head == 1 && r->cur == 1 && r->slot[0].len == 60 && r->slot[0].flags == 0 &&
	   !memcmp(NETMAP_BUF(r, r->slot[0].buf_idx), frame, 60),
	   "60 bytes in slot 0, head and cur advanced");
	is_int(nm_ring_put_frame(r, frame, sizeof(frame)), 1, "put a 5000-byte frame");
	ok(r->head == 4 && r->slot[1].len == BUFSZ && r->slot[1].flags == NS_MOREFRAG &&
	   r->slot[2].len == BUFSZ && r->slot[2].flags == NS_MOREFRAG &&
	   r->slot[3].len == 5000 - 2 * BUFSZ && r->slot[3].flags == 0 &&
	   !memcmp(NETMAP_BUF(r, r->slot[3].buf_idx), frame + 2 * BUFSZ, 5000 - 2 * BUFSZ),
	   "5000 bytes span 3 slots chained with NS_MOREFRAG");
	is_int(nm_ring_put_frame(r, frame, sizeof(frame)), 1, "3 slots fit in the last 3");
	is_int(r->head, NSLOTS - 1, "head reaches tail");
	is_int(nm_ring_put_frame(r, frame, 60), 0, "a full ring takes nothing");
	is_int(r->head, NSLOTS - 1, "and is left untouched");
	r->head = r->cur = 5; r->tail = 7;
	is_int(nm_ring_put_frame(r, frame, 3 * BUFSZ), 0, "a frame needing more slots than free is refused whole");
	ok(r->head == 5 && r->slot[5].len == BUFSZ, "without touching the ring");
	r->head = r->cur = 6; r->tail = 1;
	is_int(nm_ring_put_frame(r, frame, 2 * BUFSZ + 1), 1, "a 3-slot frame across the wrap");
	ok(r->head == 1 && r->slot[7].flags == NS_MOREFRAG && r->slot[0].len == 1,
	   "wraps from slot 7 to slot 0");
}

struct cb_rec {
	int n;
	uint32_t len[4];
	uint64_t flags[4];
};

static void cb(u_char *arg, const struct nm_pkthdr *h, const u_char *buf)
{
	struct cb_rec *rr = (struct cb_rec *)arg;

	(void)buf;
	if (rr->n < 4) {
		rr->len[rr->n] = h->len;
		rr->flags[rr->n] = h->flags;
	}
	rr->n++;
}

static void test_legacy(void)
{
	struct nm_desc *d = calloc(1, sizeof(*d));
	struct netmap_ring *rx0 = ring_at(NTX + 1), *rx1 = ring_at(NTX + 2);
	struct netmap_ring *tx0 = ring_at(0), *tx1 = ring_at(1);
	struct nm_pkthdr h;
	char frame[100];
	u_char *p;
	int n, i;

	d->self = d;
	d->fd = -1;
	*(struct netmap_if **)(uintptr_t)&d->nifp = NETMAP_IF(mem, 0);
	d->first_tx_ring = d->cur_tx_ring = 0;
	d->last_tx_ring = NTX - 1;
	d->first_rx_ring = d->cur_rx_ring = 0;
	d->last_rx_ring = NRX - 1;
	ok(IS_NETMAP_DESC(d), "IS_NETMAP_DESC on a valid descriptor");
	ok(!IS_NETMAP_DESC((struct nm_desc *)NULL), "IS_NETMAP_DESC(NULL) is false");

	/* inject rotates to the next tx ring when the current one is full */
	tx0->head = tx0->cur = 0; tx0->tail = 0;	/* full */
	tx1->head = tx1->cur = 0; tx1->tail = NSLOTS - 1;
	memset(frame, 0x5a, sizeof(frame));
	is_int(nm_inject(d, frame, 60), 60, "nm_inject returns the size");
	ok(d->cur_tx_ring == 1 && tx1->head == 1 && tx1->slot[0].len == 60,
	   "nm_inject skipped the full ring 0 and used ring 1");
	tx1->tail = 1;
	is_int(nm_inject(d, frame, 60), 0, "nm_inject returns 0 when every ring is full");

	/* rx: 2 packets on ring 0, a 2-fragment packet on ring 1 */
	for (i = 0; i < 2; i++) {
		rx0->slot[i].len = (uint16_t)(60 + i);
		memset(NETMAP_BUF(rx0, rx0->slot[i].buf_idx), 'a' + i, 60 + i);
	}
	rx0->head = rx0->cur = 0; rx0->tail = 2;
	p = nm_nextpkt(d, &h);
	ok(p && h.len == 60 && p[0] == 'a' && rx0->head == 1 && rx0->cur == 1,
	   "nm_nextpkt returns the first packet and releases its slot");
	p = nm_nextpkt(d, &h);
	ok(p && h.len == 61 && p[0] == 'b' && rx0->head == 2, "then the second");
	ok(nm_nextpkt(d, &h) == NULL, "then NULL: rings empty");

	rx0->head = rx0->cur = rx0->tail = 2;
	rx1->slot[0].len = BUFSZ; rx1->slot[0].flags = NS_MOREFRAG;
	rx1->slot[1].len = 10; rx1->slot[1].flags = 0;
	rx1->slot[2].len = 64; rx1->slot[2].flags = 0;
	rx1->head = rx1->cur = 0; rx1->tail = 3;
	rx0->slot[2].len = 42;
	rx0->tail = 3;
	{
		struct cb_rec rec = { 0 };

		n = nm_dispatch(d, 0, cb, (u_char *)&rec);
		ok(n == 3 && rec.n == 3, "nm_dispatch(0) delivers all 3 packets (got %d)", n);
		ok(rec.len[0] == 42 && rec.len[1] == BUFSZ + 10 && rec.len[2] == 64,
		   "lengths: 42, a 2-fragment %u, 64", BUFSZ + 10);
		ok(rec.flags[0] == NM_MORE_PKTS && rec.flags[1] == NM_MORE_PKTS &&
		   rec.flags[2] == 0, "NM_MORE_PKTS on all but the last");
		ok(rx0->head == 3 && rx1->head == 3 && rx1->cur == 3,
		   "every delivered slot released, fragments included");
		rx1->slot[3].len = 1; rx1->slot[4].len = 2; rx1->slot[5].len = 3;
		rx1->tail = 6;
		rec.n = 0;
		n = nm_dispatch(d, 2, cb, (u_char *)&rec);
		ok(n == 2 && rec.n == 2 && rx1->head == 5, "nm_dispatch(2) stops after 2");
	}
	free(d);
}

int main(void)
{
	build_region();
	test_addressing();
	test_arithmetic();
	test_ranges();
	test_region_check();
	test_put_frame();
	test_legacy();
	free(mem);
	return done_testing();
}
