// SPDX-License-Identifier: BSD-2-Clause
/*
 * io.c - pkt-gen's syscalls (poll, NIOC*SYNC) and when to stop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lmutil.h"
#include "pktgen.h"

volatile sig_atomic_t pg_stop_signal;

/*
 * poll() the port: with the default flags it also runs txsync on the bound
 * tx rings (POLLOUT) or rxsync on the rx rings (POLLIN), so one call both
 * publishes and reclaims.  Returns >0 ready, 0 timeout or signal, -1 error.
 * --poll-ms overrides timeout_ms (a long timeout makes a lost wake-up
 * visible as poll_timeouts).
 */
int pg_poll(struct pg *g, short events, int timeout_ms)
{
	if (g->c.poll_ms)
		timeout_ms = g->c.poll_ms;
	int r;

	g->pfd.fd = g->d->fd;
	g->pfd.events = events;
	g->pfd.revents = 0;
	r = poll(&g->pfd, 1, timeout_ms);
	g->st.syncs++;
	if (r == 0 && !pg_stop_signal && g->st.t_last_pkt)
		g->st.poll_timeouts++;	/* a lost wake-up looks like this */
	if (r < 0) {
		if (errno == EINTR)
			return 0;
		fprintf(stderr, "pkt-gen: poll: %s\n", strerror(errno));
		return -1;
	}
	if (r > 0 && (g->pfd.revents & (POLLERR | POLLNVAL))) {
		fprintf(stderr, "pkt-gen: poll on %s reported %s\n", g->c.port,
			(g->pfd.revents & POLLNVAL) ? "POLLNVAL" : "POLLERR");
		return -1;
	}
	return r;
}

int pg_sync(struct pg *g, int tx)
{
	g->st.syncs++;
	if (ioctl(g->d->fd, tx ? NIOCTXSYNC : NIOCRXSYNC, NULL) < 0) {
		fprintf(stderr, "pkt-gen: %s: %s\n", tx ? "NIOCTXSYNC" : "NIOCRXSYNC",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* the frames this function counts toward -n */
static uint64_t pg_progress(const struct pg *g)
{
	if (g->c.func == PG_RXSEQ)
		return g->seq->c.valid;
	if (g->c.func == PG_PING)
		return g->st.rtt_n + g->st.ping_lost;
	return g->st.pkts;
}

int pg_done(struct pg *g, uint64_t now)
{
	if (pg_stop_signal)
		return 1;
	if (g->c.count && pg_progress(g) >= g->c.count)
		return 1;
	if (g->c.duration_ns && now - g->st.t_start >= g->c.duration_ns)
		return 1;
	if (g->c.idle_ns && g->st.t_last_pkt &&
	    now - g->st.t_last_pkt >= g->c.idle_ns)
		return 1;
	return 0;
}

/*
 * Wait until the kernel has taken back every tx slot (the peer consumed
 * what we sent), at most timeout_ns.  Returns the frames still pending.
 */
int pg_tx_drain(struct pg *g, uint64_t timeout_ns)
{
	uint64_t deadline = lm_now_ns() + timeout_ns;
	int pending;

	for (;;) {
		unsigned int i;

		pending = 0;
		if (pg_sync(g, 1) < 0)
			return -1;
		for (i = g->d->first_tx_ring; i <= g->d->last_tx_ring; i++) {
			struct netmap_ring *r = NETMAP_TXRING(g->d->nifp, i);

			if (nm_tx_pending(r))
				pending += (int)(r->num_slots - 1 - nm_ring_space(r));
		}
		if (pending == 0 || pg_stop_signal || lm_now_ns() >= deadline)
			return pending;
		lm_sleep_until(lm_now_ns() + 1000000);	/* 1 ms */
	}
}
