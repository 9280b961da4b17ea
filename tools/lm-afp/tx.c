// SPDX-License-Identifier: BSD-2-Clause
/*
 * tx.c - lm-afp tx: numbered frames through Linux's stack (AF_PACKET
 * sendto, or a TPACKET_V2 ring with --ring; qdisc and driver included) at
 * a fixed rate with absolute deadlines.  Back-pressure from the stack
 * (ENOBUFS/EAGAIN, or ENETDOWN while the link is administratively down) is
 * retried and timed (stall_ms) by default, or counted as refused with
 * --on-full drop; it is never silent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "afp.h"
#include "lmutil.h"

/* Pause between retries while the stack pushes back. */
#define TX_RETRY_US	100
/* At full speed, one ring kick per this many frames. */
#define TXR_BATCH	32
/* How long the end of a ring run waits for the kernel to drain it. */
#define TXR_FLUSH_NS	1000000000ull

struct txctx {
	const struct afp_opts *o;
	struct afp_result *res;
	int fd;
	struct sockaddr_ll to;
	struct afp_txring *ring;
	uint64_t t0, queued;
};

static int if_mac(int fd, const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int stopping(struct txctx *t)
{
	if (afp_signalled)
		return 1;
	if (t->o->w.timeout_ns && lm_now_ns() - t->t0 >= t->o->w.timeout_ns)
		return t->res->timed_out = 1;
	return 0;
}

/* The stack cannot take a frame now: worth waiting for, not an error. */
static int pushed_back(int err)
{
	return err == ENOBUFS || err == EAGAIN || err == ENETDOWN;
}

/* Hand the ring's requested frames to the stack; -1 on a real error. */
static int kick(struct txctx *t)
{
	if (sendto(t->fd, NULL, 0, MSG_DONTWAIT, (struct sockaddr *)&t->to, sizeof(t->to)) < 0 &&
	    errno != EINTR && !pushed_back(errno)) {
		perror("lm-afp: ring send");
		return -1;
	}
	return 0;
}

/* One try: 1 done, 0 pushed back, -1 error. */
static int try_one(struct txctx *t, const uint8_t *frame)
{
	int r;

	if (t->ring) {
		r = afp_txring_put(t->ring, frame, t->o->w.len);
		if (r < 0)
			fputs("lm-afp: the kernel rejected a ring frame\n", stderr);
		if (r == 0 && kick(t))
			return -1;
		return r;
	}
	if (sendto(t->fd, frame, t->o->w.len, 0, (struct sockaddr *)&t->to, sizeof(t->to)) >= 0)
		return 1;
	if (errno == EINTR || pushed_back(errno))
		return 0;
	perror("lm-afp: sendto");
	return -1;
}

/*
 * Send (or queue) one frame: 0 done, 1 refused (its number is used anyway:
 * the receiver sees the gap), -1 on a real error.
 */
static int send_one(struct txctx *t, const uint8_t *frame)
{
	uint64_t start = lm_now_ns();
	int r, waited = 0;

	while ((r = try_one(t, frame)) == 0) {
		waited = 1;
		if (!t->o->w.block || stopping(t))
			break;
		usleep(TX_RETRY_US);
	}
	/* Time blocked in sendto (SO_SNDTIMEO) and retrying both count. */
	if (waited && t->o->w.block)
		t->res->stall_ns += lm_now_ns() - start;
	if (r < 0)
		return -1;
	if (r == 0)
		return 1;
	if (t->ring) {
		t->queued++;
		/* Paced: every frame leaves at its deadline.  Full speed: batches. */
		if ((t->o->w.rate || t->queued % TXR_BATCH == 0) && kick(t))
			return -1;
	}
	return 0;
}

/* End of a ring run: let the kernel drain it; what it did not take was not sent. */
static int ring_flush(struct txctx *t)
{
	uint64_t end = lm_now_ns() + TXR_FLUSH_NS;
	unsigned int left;

	while ((left = afp_txring_pending(t->ring)) && lm_now_ns() < end) {
		if (kick(t))
			return -1;
		usleep(1000);
	}
	t->res->sent = t->queued - left;
	t->res->refused += left;
	return 0;
}

static int open_tx(struct txctx *t)
{
	/* A blocked sendto wakes up in time to honour --timeout and signals. */
	struct timeval tv = { .tv_usec = 100000 };

	/* Protocol 0: this socket never receives. */
	t->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (t->fd < 0)
		return perror("lm-afp: AF_PACKET socket"), -1;
	setsockopt(t->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (t->o->ring && !(t->ring = afp_txring_setup(t->fd)))
		return perror("lm-afp: TPACKET_V2 tx ring"), -1;
	return 0;
}

int afp_tx(const struct afp_opts *o, struct afp_result *res)
{
	static uint8_t frame[LM_SEQ_MAX_LEN];
	struct lm_seqinfo info = { .stream = o->w.stream, .len = (uint16_t)o->w.len };
	struct txctx t = {
		.o = o, .res = res, .fd = -1,
		.to = {
			.sll_family = AF_PACKET,
			.sll_protocol = htons(LM_SEQ_ETHERTYPE),
			.sll_ifindex = o->ifindex,
			.sll_halen = 6,
		},
	};
	uint32_t seq = o->w.first_seq;
	uint64_t k;
	int r, err = 0;

	if (open_tx(&t)) {
		err = -1;
		goto out;
	}
	memcpy(info.dst, o->w.dst, 6);
	memcpy(t.to.sll_addr, o->w.dst, 6);
	if (o->w.have_src) {
		memcpy(info.src, o->w.src, 6);
	} else if (if_mac(t.fd, o->ifname, info.src)) {
		perror("lm-afp: SIOCGIFHWADDR");
		err = -1;
		goto out;
	}
	lm_seqframe_build(frame, sizeof(frame), &info);

	t.t0 = lm_now_ns();
	for (k = 0; k < o->w.send && !stopping(&t); k++, seq++) {
		if (o->w.rate)
			lm_sleep_until(lm_deadline(t.t0, k, o->w.rate));
		lm_seqframe_stamp(frame, seq, lm_now_ns());
		r = send_one(&t, frame);
		if (r < 0) {
			err = -1;
			break;
		}
		if (r)
			res->refused++;
		else if (!t.ring)
			res->sent++;
	}
	if (t.ring && !err && ring_flush(&t))
		err = -1;
	res->elapsed_ns = lm_now_ns() - t.t0;
out:
	afp_txring_free(t.ring);
	if (t.fd >= 0)
		close(t.fd);
	return err;
}
