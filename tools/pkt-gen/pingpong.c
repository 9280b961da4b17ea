// SPDX-License-Identifier: BSD-2-Clause
/*
 * pingpong.c - -f ping and -f pong: round-trip time.
 *
 * ping sends one numbered frame (its send time inside), waits up to 1 s for
 * it to come back and records the round trip; -R paces the pings, -n counts
 * them.  pong sends every frame it receives straight back with the MAC
 * addresses swapped.
 */
#include <stdio.h>
#include <string.h>

#include "lmutil.h"
#include "pktgen.h"

#define PING_TIMEOUT_NS	1000000000ull

static int pg_send_one(struct pg *g, const void *frame, size_t len)
{
	return nmport_inject(g->d, frame, len) > 0;
}

/* take every received frame; returns 1 if the reply to seq was among them */
static int pg_ping_collect(struct pg *g, uint32_t seq, uint64_t now)
{
	struct nmport_d *d = g->d;
	unsigned int ri;
	int found = 0;

	for (ri = d->first_rx_ring; ri <= d->last_rx_ring; ri++) {
		struct netmap_ring *r = NETMAP_RXRING(d->nifp, ri);

		for (; !nm_ring_empty(r); r->head = r->cur = nm_ring_next(r, r->head)) {
			struct netmap_slot *s = &r->slot[r->head];
			struct lm_seqinfo in;
			uint64_t rtt;

			if (lm_seqframe_parse(NETMAP_BUF(r, s->buf_idx), s->len,
					      0, &in) != LM_SEQ_OK ||
			    in.seq != seq || in.stream != g->c.stream)
				continue;	/* late or foreign: ignore */
			rtt = now - in.ts_ns;
			g->st.rtt_n++;
			g->st.rtt_sum_ns += rtt;
			if (!g->st.rtt_min_ns || rtt < g->st.rtt_min_ns)
				g->st.rtt_min_ns = rtt;
			if (rtt > g->st.rtt_max_ns)
				g->st.rtt_max_ns = rtt;
			g->st.pkts++;
			g->st.bytes += s->len;
			found = 1;
		}
	}
	return found;
}

int pg_ping(struct pg *g)
{
	uint64_t now = lm_now_ns(), t_next = now;
	uint64_t gap = g->c.rate ? 1000000000ull / g->c.rate : 0;
	uint32_t seq = 0;

	while (!pg_done(g, now)) {
		uint64_t deadline;
		int replied = 0;

		lm_seqframe_stamp(g->frame, seq, lm_now_ns());
		while (!pg_send_one(g, g->frame, g->c.len)) {
			if (pg_poll(g, POLLOUT, 1000) < 0 || pg_stop_signal)
				return pg_stop_signal ? 0 : -1;
		}
		if (pg_sync(g, 1) < 0)
			return -1;
		deadline = lm_now_ns() + PING_TIMEOUT_NS;
		while (!replied && !pg_stop_signal) {
			now = lm_now_ns();
			if (now >= deadline)
				break;
			if (pg_poll(g, POLLIN,
				    (int)((deadline - now) / 1000000 + 1)) < 0)
				return -1;
			replied = pg_ping_collect(g, seq, lm_now_ns());
		}
		if (!replied && !pg_stop_signal)
			g->st.ping_lost++;
		seq++;
		now = lm_now_ns();
		if (!g->st.t_first_pkt)
			g->st.t_first_pkt = now;
		g->st.t_last_pkt = now;
		pg_report_tick(g, now);
		if (gap) {
			t_next += gap;
			if (t_next > now)
				lm_sleep_until(t_next);
			now = lm_now_ns();
		}
	}
	return 0;
}

int pg_pong(struct pg *g)
{
	struct nmport_d *d = g->d;
	uint64_t now = lm_now_ns();

	while (!pg_done(g, now)) {
		unsigned int ri, sent = 0, blocked = 0;

		if (pg_poll(g, POLLIN, 100) < 0)
			return -1;
		now = lm_now_ns();
		for (ri = d->first_rx_ring; ri <= d->last_rx_ring; ri++) {
			struct netmap_ring *r = NETMAP_RXRING(d->nifp, ri);

			while (!nm_ring_empty(r)) {
				struct netmap_slot *s = &r->slot[r->head];
				uint8_t *f = (uint8_t *)NETMAP_BUF(r, s->buf_idx);
				uint8_t mac[6];

				if (s->len >= 12) {
					memcpy(mac, f, 6);
					memcpy(f, f + 6, 6);
					memcpy(f + 6, mac, 6);
				}
				if (!pg_send_one(g, f, s->len)) {
					blocked = 1;	/* tx full: retry after sync */
					break;
				}
				g->st.pkts++;
				g->st.bytes += s->len;
				sent++;
				r->head = r->cur = nm_ring_next(r, r->head);
			}
		}
		if ((sent || blocked) && pg_sync(g, 1) < 0)
			return -1;
		if (sent) {
			if (!g->st.t_last_pkt)
				g->st.t_first_pkt = now;
			g->st.t_last_pkt = now;
		}
		pg_report_tick(g, now);
	}
	return 0;
}
