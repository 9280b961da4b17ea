// SPDX-License-Identifier: BSD-2-Clause
/*
 * forward.c - move frames from the rx rings of one port to the tx rings of
 * the other.
 *
 * Zero-copy when both ports live in the same memory region: the rx slot's
 * buffer goes to the tx slot and the tx slot's (free) buffer comes back to
 * the rx slot, both marked NS_BUF_CHANGED so that each side's kernel
 * reprograms its descriptor.  Otherwise the payload is copied.  Fragments
 * (NS_MOREFRAG) are carried slot by slot with their flag.
 */
#include <string.h>

#include "bridge.h"

int br_rx_pending(const struct nmport_d *src)
{
	unsigned int ri;

	for (ri = src->first_rx_ring; ri <= src->last_rx_ring; ri++)
		if (!nm_ring_empty(NETMAP_RXRING(src->nifp, ri)))
			return 1;
	return 0;
}

int br_tx_pending(const struct nmport_d *dst)
{
	unsigned int ti;

	for (ti = dst->first_tx_ring; ti <= dst->last_tx_ring; ti++)
		if (nm_tx_pending(NETMAP_TXRING(dst->nifp, ti)))
			return 1;
	return 0;
}

/* one rx ring into one tx ring, at most limit rx slots; returns rx slots used */
static unsigned int br_ring_pair(struct br_dir *dir, struct netmap_ring *rx,
				 struct netmap_ring *tx, unsigned int limit)
{
	uint32_t n = nm_ring_space(rx), m = nm_ring_space(tx);
	uint32_t j = rx->head, k = tx->head;

	if (n > m)
		n = m;
	if (n > limit)
		n = limit;
	for (m = 0; m < n; m++) {
		struct netmap_slot *rs = &rx->slot[j], *ts = &tx->slot[k];

		if (dir->zerocopy) {
			uint32_t idx = ts->buf_idx;

			ts->buf_idx = rs->buf_idx;
			rs->buf_idx = idx;
			ts->flags = (uint16_t)((rs->flags & NS_MOREFRAG) |
					       NS_BUF_CHANGED);
			rs->flags = NS_BUF_CHANGED;
			ts->len = rs->len;
			dir->swaps++;
		} else if (rs->len <= tx->nr_buf_size) {
			memcpy(NETMAP_BUF(tx, ts->buf_idx),
			       NETMAP_BUF(rx, rs->buf_idx), rs->len);
			ts->len = rs->len;
			ts->flags = rs->flags & NS_MOREFRAG;
			dir->copies++;
		} else {
			/* the other port's buffers are smaller: it cannot
			 * carry this one; drop it (counted), keep the tx slot */
			dir->dropped++;
			j = nm_ring_next(rx, j);
			continue;
		}
		dir->pkts++;
		dir->bytes += ts->len;
		j = nm_ring_next(rx, j);
		k = nm_ring_next(tx, k);
	}
	rx->head = rx->cur = j;
	tx->head = tx->cur = k;
	return n;
}

unsigned int br_forward(struct br_dir *dir, unsigned int limit)
{
	struct nmport_d *s = dir->src, *d = dir->dst;
	unsigned int ri = s->first_rx_ring, ti = d->first_tx_ring, done = 0;

	if (s->last_rx_ring < s->first_rx_ring ||
	    d->last_tx_ring < d->first_tx_ring)
		return 0;
	/* walk both ring lists together; a ring done, move to the next */
	while (ri <= s->last_rx_ring && ti <= d->last_tx_ring && done < limit) {
		struct netmap_ring *rx = NETMAP_RXRING(s->nifp, ri);
		struct netmap_ring *tx = NETMAP_TXRING(d->nifp, ti);

		if (nm_ring_empty(rx)) {
			ri++;
			continue;
		}
		if (nm_ring_empty(tx)) {
			ti++;
			continue;
		}
		done += br_ring_pair(dir, rx, tx, limit - done);
	}
	return done;
}
