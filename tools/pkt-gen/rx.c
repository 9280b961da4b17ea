// SPDX-License-Identifier: BSD-2-Clause
/*
 * rx.c - -f rx and -f rxseq: drain the rx rings.
 *
 * Each round is one poll(POLLIN) -- which returns the slots released in the
 * previous round and exposes new frames -- then at most -b frames per ring
 * consumed.  rxseq feeds every frame to seqstat (tools/common), which counts
 * gaps, duplicates, reordering and foreign/corrupt frames.
 *
 * With --seqlog, a ring's frames are written to the log (seqlog_commit,
 * durable mode) BEFORE ring->head moves past them: a frame the kernel
 * takes back as consumed -- at the next sync, or at close, even one forced
 * by SIGKILL -- is always in the log already.  A kill between the commit
 * and the head update leaves at most that one batch logged but still
 * unreleased; the hitless exit hands it to the stack too, so it is seen
 * twice, never lost.
 */
#include <stdio.h>

#include "lmutil.h"
#include "pktgen.h"

int pg_rx(struct pg *g)
{
	struct nmport_d *d = g->d;
	uint64_t now = lm_now_ns();

	if (d->last_rx_ring < d->first_rx_ring) {
		fprintf(stderr, "pkt-gen: %s has no rx ring bound\n", g->c.port);
		return -1;
	}
	while (!pg_done(g, now)) {
		unsigned int ri, got = 0;
		int r = pg_poll(g, POLLIN, 100);

		if (r < 0)
			return -1;
		now = lm_now_ns();
		for (ri = d->first_rx_ring; ri <= d->last_rx_ring; ri++) {
			struct netmap_ring *ring = NETMAP_RXRING(d->nifp, ri);
			uint32_t i = ring->head, n = nm_ring_space(ring);

			if (n > g->c.burst)
				n = g->c.burst;
			for (; n; n--, got++) {
				struct netmap_slot *s = &ring->slot[i];

				if (g->seq)
					seqstat_feed(g->seq,
						     NETMAP_BUF(ring, s->buf_idx),
						     s->len);
				g->st.bytes += s->len;
				i = nm_ring_next(ring, i);
			}
			if (g->seq && g->seq->log && seqlog_commit(g->seq->log) < 0) {
				/* not logged: not released either */
				fprintf(stderr, "pkt-gen: --seqlog %s: write error\n",
					g->c.seqlog);
				return -1;
			}
			ring->head = ring->cur = i;
		}
		if (got) {
			g->st.pkts += got;
			if (!g->st.t_last_pkt)
				g->st.t_first_pkt = now;
			g->st.t_last_pkt = now;
		}
		pg_report_tick(g, now);
	}
	/* give the last slots back before closing */
	return pg_sync(g, 0);
}
