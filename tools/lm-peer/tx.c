// SPDX-License-Identifier: BSD-2-Clause
/*
 * tx.c - lm-peer's sender: numbered frames at a fixed rate, and the one
 * send path (also used by echo) that turns QEMU's back-pressure into
 * counted refusals or measured stalls, never into silent loss.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lmutil.h"
#include "peer.h"

/* A QEMU that stopped taking frames is retried at most this often. */
#define RECONNECT_NS	100000000ull
/* Longest single wait for room in QEMU's queue before re-checking stop. */
#define BLOCK_POLL_MS	20

void peer_fail(struct peer *p, const char *what, int err)
{
	int zero = 0;

	/* Only the first fatal error is reported. */
	if (__atomic_compare_exchange_n(&p->io_error, &zero, 1, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		snprintf(p->errmsg, sizeof(p->errmsg), "%s: %s", what, strerror(err));
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
}

int peer_connect(struct peer *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	/* Length checked when the options were parsed. */
	memcpy(sa.sun_path, p->o.vm_path, strlen(p->o.vm_path) + 1);
	/*
	 * Connected, so that poll(POLLOUT) and a blocking send see whether
	 * QEMU's receive queue (net.unix.max_dgram_qlen, 10 frames) is full,
	 * and so that we only accept datagrams from QEMU's socket.
	 */
	return connect(p->fd, (struct sockaddr *)&sa, sizeof(sa));
}

/* Wait up to BLOCK_POLL_MS for QEMU to make room; adds the wait to stall_ns. */
static void wait_room(struct peer *p)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };
	uint64_t t = lm_now_ns();

	/*
	 * POLLOUT can report room that a send then refuses (another sender,
	 * or a QEMU socket connected back to us skips the queue check): a
	 * short sleep keeps that from becoming a busy loop.
	 */
	if (poll(&pfd, 1, BLOCK_POLL_MS) > 0)
		usleep(50);
	peer_add(&p->stall_ns, lm_now_ns() - t);
}

int peer_send(struct peer *p, const void *buf, size_t len, int block)
{
	uint64_t now;

	for (;;) {
		if (send(p->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len)
			return PEER_SENT;
		switch (errno) {
		case EINTR:
			continue;
		case EAGAIN:
		case ENOBUFS:
			/* QEMU is not taking frames (its queue is full). */
			if (!block || peer_stopping(p))
				return PEER_REFUSED;
			wait_room(p);
			continue;
		case ECONNREFUSED:
		case ENOENT:
		case ENOTCONN:
			/*
			 * Not connected yet (an echo before main connected) or
			 * QEMU's socket went away (guest restarted): reconnect, at
			 * most every RECONNECT_NS, and retry; otherwise refused.
			 */
			now = lm_now_ns();
			if (now - peer_load(&p->last_reconnect_ns) > RECONNECT_NS) {
				__atomic_store_n(&p->last_reconnect_ns, now, __ATOMIC_RELAXED);
				if (!peer_connect(p))
					continue;
			}
			return PEER_REFUSED;
		default:
			peer_fail(p, "send", errno);
			return PEER_FATAL;
		}
	}
}

static int send_junk(struct peer *p, uint8_t *buf, uint64_t n, uint32_t seq)
{
	enum junk_kind k = (enum junk_kind)(n % JUNK_KINDS);
	size_t len = junk_build(buf, k, n, &p->o, seq);
	int r = peer_send(p, buf, len, 0);

	if (r == PEER_SENT)
		peer_add(&p->junk[k], 1);
	else if (r == PEER_REFUSED)
		peer_add(&p->junk_refused, 1);
	return r;
}

void *peer_tx_thread(void *arg)
{
	static uint8_t frame[LM_SEQ_MAX_LEN], junk[PEER_JUNK_MAX];
	struct peer *p = arg;
	struct lm_seqinfo info = { .stream = p->o.w.stream, .len = (uint16_t)p->o.w.len };
	uint64_t k, njunk = 0;
	uint32_t seq = p->o.w.first_seq;
	int r = PEER_SENT;

	memcpy(info.dst, p->o.w.dst, 6);
	memcpy(info.src, p->o.w.src, 6);
	lm_seqframe_build(frame, sizeof(frame), &info);

	for (k = 0; k < p->o.w.send && !peer_stopping(p); k++, seq++) {
		/* Late (after a stall) means send at once: the average rate holds. */
		if (p->o.w.rate)
			lm_sleep_until(lm_deadline(p->t0, k, p->o.w.rate));
		lm_seqframe_stamp(frame, seq, lm_now_ns());
		r = peer_send(p, frame, p->o.w.len, p->o.w.block);
		if (r == PEER_FATAL)
			break;
		/* A refused frame still used its number: the receiver sees the gap. */
		peer_add(r == PEER_SENT ? &p->sent : &p->refused, 1);
		if (p->o.junk_every && (k + 1) % p->o.junk_every == 0 &&
		    send_junk(p, junk, njunk++, seq) == PEER_FATAL)
			break;
	}
	__atomic_store_n(&p->tx_done_ns, lm_now_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&p->tx_done, 1, __ATOMIC_RELEASE);
	return NULL;
}
