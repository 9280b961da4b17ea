// SPDX-License-Identifier: BSD-2-Clause
/*
 * rx.c - lm-afp rx: count numbered frames as Linux's stack delivers them to
 * an AF_PACKET socket (plain recv, or a TPACKET_V3 ring with --ring).
 * Frames the socket itself had to drop are reported separately
 * (sock_drops), so they are never mistaken for frames lost on the wire.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "afp.h"
#include "lmutil.h"

#define RX_TICK_MS	20
#define RX_BUF		65536

struct rxctx {
	struct seqstat st;
	struct seqlog log;
	uint64_t frames, last_rx_ns;
	uint64_t netdown, rebinds;
	int check_bind;		/* after ENETDOWN: is the socket still hooked? */
};

static void on_frame(void *arg, const uint8_t *f, size_t len)
{
	struct rxctx *c = arg;

	c->frames++;
	c->last_rx_ns = lm_now_ns();
	seqstat_feed(&c->st, f, len);
}

/* Socket drops since the last call (the kernel resets them on read). */
static uint64_t sock_drops(int fd, int ring)
{
	struct tpacket_stats_v3 s3 = { 0 };
	struct tpacket_stats s = { 0 };
	socklen_t l = ring ? sizeof(s3) : sizeof(s);

	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, ring ? (void *)&s3 : (void *)&s, &l))
		return 0;
	return ring ? s3.tp_drops : s.tp_drops;
}

/* Hook fd to interface idx (and its promiscuous membership). */
static int bind_if(const struct afp_opts *o, int fd, int idx)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(o->all ? ETH_P_ALL : LM_SEQ_ETHERTYPE),
		.sll_ifindex = idx,
	};
	struct packet_mreq mr = { .mr_ifindex = idx, .mr_type = PACKET_MR_PROMISC };

	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		return -1;
	if (o->promisc && setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		return -1;
	return 0;
}

static int open_rx(const struct afp_opts *o)
{
	int fd, one = 1, buf = 4 << 20;

	/*
	 * Protocol 0 until bound: a socket created with a protocol receives
	 * from every interface before bind() narrows it to ours.
	 */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* Deep enough for bursts; FORCE (root) goes past net.core.rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	/* With --all we would otherwise count our own transmissions. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (bind_if(o, fd, o->ifindex)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The socket reported an error.  ENETDOWN is the interface going down
 * (ip link set down, or the driver unregistering it): not the end of a
 * measurement across a link flap or a driver reload, so count it and
 * keep going.  Anything else is a real error.
 */
static int sock_error(struct rxctx *c, int err)
{
	if (err != ENETDOWN)
		return -1;
	c->netdown++;
	c->check_bind = 1;
	return 0;
}

/*
 * After ENETDOWN.  A plain down/up keeps the socket bound and the kernel
 * re-hooks it on up.  If the interface was unregistered, the socket is
 * left bound to nothing (getsockname says ifindex -1): bind again as soon
 * as an interface of that name exists.  Never rebind a socket that is
 * still hooked: that would open a window in which frames are missed.
 */
static void recheck_bind(const struct afp_opts *o, int fd, struct rxctx *c)
{
	struct sockaddr_ll sll;
	socklen_t len = sizeof(sll);
	int idx = (int)if_nametoindex(o->ifname);

	if (!idx || getsockname(fd, (struct sockaddr *)&sll, &len))
		return;
	if (sll.sll_ifindex == idx) {
		c->check_bind = 0;
		return;
	}
	if (!bind_if(o, fd, idx)) {
		c->rebinds++;
		c->check_bind = 0;
	}
}

static int announce_ready(const struct afp_opts *o)
{
	int fd;

	if (o->ready_file) {
		fd = open(o->ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return -1;
		close(fd);
	}
	if (o->ready) {
		puts("READY");
		fflush(stdout);
	}
	return 0;
}

/* Read and clear the socket's pending error (SO_ERROR); -1 if fatal. */
static int take_error(int fd, struct rxctx *c)
{
	int e = 0;
	socklen_t l = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l))
		return -1;
	if (!e)
		return 0;
	errno = e;
	return sock_error(c, e);
}

/* Read everything queued on a plain socket; -1 on a real error. */
static int drain_plain(int fd, struct rxctx *c)
{
	static uint8_t buf[RX_BUF];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : sock_error(c, errno);
		on_frame(c, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf));
	}
}

static int stop_now(const struct afp_opts *o, const struct rxctx *c, uint64_t t0,
		    uint64_t now, int *timed_out)
{
	uint64_t since = c->last_rx_ns > t0 ? c->last_rx_ns : t0;

	if (afp_signalled)
		return 1;
	if (o->w.expect && c->st.c.valid >= o->w.expect)
		return 1;
	if (o->w.timeout_ns && now - t0 >= o->w.timeout_ns)
		return *timed_out = 1;
	/* Idle: since the last frame, or since the start if none came. */
	return o->w.idle_ns && now > since && now - since >= o->w.idle_ns;
}

int afp_rx(const struct afp_opts *o, struct afp_result *res)
{
	static struct rxctx c;
	struct seqstat_counters prev = { 0 };
	struct afp_ring *ring = NULL;
	struct pollfd pfd = { .events = POLLIN };
	uint64_t t0, now, next_iv;
	int fd, err = 0;

	seqstat_init(&c.st, o->rx_stream);
	if (o->w.seqlog_path) {
		char name[64];

		snprintf(name, sizeof(name), "afp:%s", o->ifname);
		if (wire_seqlog_open(&o->w, &c.log, o->rx_stream, name))
			return perror("lm-afp: seqlog"), -1;
		c.st.log = &c.log;
	}
	fd = open_rx(o);
	if (fd < 0) {
		perror("lm-afp: AF_PACKET socket");
		err = -1;
		goto out_log;
	}
	if (o->ring && !(ring = afp_ring_setup(fd))) {
		perror("lm-afp: TPACKET_V3 ring");
		err = -1;
		goto out_fd;
	}
	sock_drops(fd, o->ring);	/* start from zero */
	if (announce_ready(o)) {
		perror("lm-afp: ready file");
		err = -1;
		goto out_ring;
	}
	pfd.fd = fd;
	t0 = lm_now_ns();
	next_iv = t0 + o->w.interval_ns;
	for (;;) {
		now = lm_now_ns();
		if (stop_now(o, &c, t0, now, &res->timed_out))
			break;
		if (o->w.interval_ns && now >= next_iv) {
			struct seqstat_counters d = seqstat_delta(&c.st.c, &prev);

			wire_print_interval(stdout, (now - t0) / 1000000, 0, &d);
			prev = c.st.c;
			next_iv += o->w.interval_ns;
		}
		if (poll(&pfd, 1, RX_TICK_MS) < 0 && errno != EINTR) {
			perror("lm-afp: poll");
			err = -1;
			break;
		}
		if (ring) {
			/* No recv() to report it: fetch (and clear) the error. */
			if ((pfd.revents & POLLERR) && take_error(fd, &c)) {
				perror("lm-afp: socket");
				err = -1;
				break;
			}
			afp_ring_drain(ring, on_frame, &c);
		} else if (drain_plain(fd, &c)) {
			perror("lm-afp: recv");
			err = -1;
			break;
		}
		res->sock_drops += sock_drops(fd, o->ring);
		if (c.check_bind)
			recheck_bind(o, fd, &c);
	}
	res->sock_drops += sock_drops(fd, o->ring);
	res->elapsed_ns = lm_now_ns() - t0;
	res->rx_frames = c.frames;
	res->netdown = c.netdown;
	res->rebinds = c.rebinds;
	res->rx = c.st.c;
out_ring:
	afp_ring_free(ring);
out_fd:
	close(fd);
out_log:
	if (o->w.seqlog_path && seqlog_close(&c.log)) {
		fprintf(stderr, "lm-afp: writing %s failed\n", o->w.seqlog_path);
		err = -1;
	}
	return err;
}
