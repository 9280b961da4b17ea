// SPDX-License-Identifier: BSD-2-Clause
/*
 * tx.c - -f tx and -f txseq: keep the tx rings full.
 *
 * Each round is one poll(POLLOUT) -- which publishes what the previous
 * round queued and reclaims completed slots -- then at most -b frames
 * written into the free slots.  -R paces rounds so that the average rate is
 * R frames/s (bursts of -b frames).  txseq stamps 0, 1, 2... into the
 * frames; tx sends the template as it is.
 */
#include <stdio.h>
#include <string.h>

#include "lmutil.h"
#include "pktgen.h"

/* the template in every buffer of the free slots, once (for --nocopy) */
static void pg_prefill(struct pg *g)
{
	unsigned int ri;

	for (ri = g->d->first_tx_ring; ri <= g->d->last_tx_ring; ri++) {
		struct netmap_ring *r = NETMAP_TXRING(g->d->nifp, ri);
		uint32_t i;

		for (i = r->head; i != r->tail; i = nm_ring_next(r, i))
			memcpy(NETMAP_BUF(r, r->slot[i].buf_idx), g->frame,
			       g->c.len);
	}
}

/* Write up to want frames into the free tx slots; returns how many. */
static unsigned int pg_fill(struct pg *g, unsigned int want, uint32_t *seq,
			    uint64_t now)
{
	struct nmport_d *d = g->d;
	unsigned int done = 0, n_rings, k;

	n_rings = (uint16_t)(d->last_tx_ring - d->first_tx_ring + 1);
	for (k = 0; k < n_rings && done < want; k++) {
		unsigned int ri = d->cur_tx_ring + k;
		struct netmap_ring *r;
		uint32_t i, n;

		if (ri > d->last_tx_ring)
			ri -= n_rings;
		r = NETMAP_TXRING(d->nifp, ri);
		n = nm_ring_space(r);
		if (n > want - done)
			n = want - done;
		for (i = r->head; n; n--, done++) {
			struct netmap_slot *s = &r->slot[i];
			char *buf = NETMAP_BUF(r, s->buf_idx);

			if (!g->c.nocopy)
				memcpy(buf, g->frame, g->c.len);
			if (g->c.func == PG_TXSEQ)
				lm_seqframe_stamp(buf, (*seq)++, now);
			s->len = (uint16_t)g->c.len;
			s->flags = 0;
			i = nm_ring_next(r, i);
		}
		r->head = r->cur = i;
		d->cur_tx_ring = (uint16_t)ri;
	}
	return done;
}

int pg_tx(struct pg *g)
{
	uint64_t now = lm_now_ns(), t_next = now, gap = 0;
	uint32_t seq = 0;
	int pending;

	if (g->d->last_tx_ring < g->d->first_tx_ring) {
		fprintf(stderr, "pkt-gen: %s has no tx ring bound\n", g->c.port);
		return -1;
	}
	if (g->c.rate)
		gap = (uint64_t)g->c.burst * 1000000000ull / g->c.rate;
	if (g->c.nocopy)
		pg_prefill(g);
	while (!pg_done(g, now)) {
		unsigned int want = g->c.burst, n;

		if (pg_poll(g, POLLOUT, 1000) < 0)
			return -1;
		now = lm_now_ns();
		if (g->c.count && g->c.count - g->st.pkts < want)
			want = (unsigned int)(g->c.count - g->st.pkts);
		n = pg_fill(g, want, &seq, now);
		if (n) {
			g->st.pkts += n;
			g->st.bytes += (uint64_t)n * g->c.len;
			if (!g->st.t_last_pkt)
				g->st.t_first_pkt = now;
			g->st.t_last_pkt = now;
		}
		pg_report_tick(g, now);
		if (gap && n) {
			t_next += gap;
			if (t_next < now)	/* fell behind: do not burst to catch up */
				t_next = now;
			lm_sleep_until(t_next);
			now = lm_now_ns();
		}
	}
	/* publish the last round and wait for the peer to take it */
	pending = pg_tx_drain(g, 2000000000ull);
	if (pending > 0)
		fprintf(stderr, "pkt-gen: %d frames still queued on %s at exit\n",
			pending, g->c.port);
	return pending < 0 ? -1 : 0;
}
