// SPDX-License-Identifier: BSD-2-Clause
/*
 * rx.c - lm-peer's receiver: drain the socket promptly (QEMU can queue only
 * ~10 frames towards us before its sends fail), account every frame with
 * seqstat, and optionally reflect it back with the MACs swapped.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "lmutil.h"
#include "peer.h"

/* How often a quiet receiver re-checks the stop flag. */
#define RX_POLL_MS	20
/* Bigger than any frame QEMU forwards (it segments TSO itself). */
#define RX_BUF		65536

static void echo(struct peer *p, uint8_t *f, size_t len)
{
	uint8_t mac[6];
	int r;

	if (len < LM_SEQ_ETH_HLEN)
		return;
	memcpy(mac, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mac, 6);
	/* Never block: a stalled receiver would make QEMU drop towards us. */
	r = peer_send(p, f, len, 0);
	pthread_mutex_lock(&p->lock);
	if (r == PEER_SENT)
		p->echoed++;
	else if (r == PEER_REFUSED)
		p->echo_refused++;
	pthread_mutex_unlock(&p->lock);
}

void *peer_rx_thread(void *arg)
{
	static uint8_t buf[RX_BUF];
	struct peer *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	ssize_t n;
	size_t len;

	while (!peer_stopping(p)) {
		if (poll(&pfd, 1, RX_POLL_MS) < 0 && errno != EINTR) {
			peer_fail(p, "poll", errno);
			break;
		}
		for (;;) {
			/* MSG_TRUNC: n is the datagram's real length even if cut. */
			n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				/* QEMU gone: not an error for a receiver, just quiet. */
				if (errno == ECONNREFUSED)
					break;
				peer_fail(p, "recv", errno);
				return NULL;
			}
			len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf);
			pthread_mutex_lock(&p->lock);
			p->rx_frames++;
			if ((size_t)n > sizeof(buf))
				p->rx_truncated++;
			p->last_rx_ns = lm_now_ns();
			seqstat_feed(&p->st, buf, len);
			pthread_mutex_unlock(&p->lock);
			if (p->o.echo)
				echo(p, buf, len);
		}
	}
	return NULL;
}
