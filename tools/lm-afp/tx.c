// SPDX-License-Identifier: BSD-2-Clause
/*
 * tx.c - lm-afp tx: numbered frames through Linux's stack (AF_PACKET
 * sendto, qdisc and driver included) at a fixed rate with absolute
 * deadlines.  Back-pressure from the stack (ENOBUFS/EAGAIN) is retried
 * and timed (stall_ms) by default, or counted as refused with
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

static int if_mac(int fd, const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int stopping(const struct afp_opts *o, uint64_t t0, int *timed_out)
{
	if (afp_signalled)
		return 1;
	if (o->w.timeout_ns && lm_now_ns() - t0 >= o->w.timeout_ns)
		return *timed_out = 1;
	return 0;
}

/*
 * Send one frame: 0 sent, 1 refused (its number is used anyway: the
 * receiver sees the gap), -1 on a real error.
 */
static int send_one(int fd, const struct afp_opts *o, const uint8_t *frame,
		    const struct sockaddr_ll *to, uint64_t t0, struct afp_result *res)
{
	uint64_t t = lm_now_ns();
	int pushed_back = 0, r = 0;

	while (sendto(fd, frame, o->w.len, 0, (const struct sockaddr *)to, sizeof(*to)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != ENOBUFS && errno != EAGAIN) {
			perror("lm-afp: sendto");
			return -1;
		}
		pushed_back = 1;
		if (!o->w.block || stopping(o, t0, &res->timed_out)) {
			r = 1;
			break;
		}
		usleep(TX_RETRY_US);
	}
	/* Time blocked in sendto (SO_SNDTIMEO) and retrying both count. */
	if (pushed_back && o->w.block)
		res->stall_ns += lm_now_ns() - t;
	return r;
}

int afp_tx(const struct afp_opts *o, struct afp_result *res)
{
	static uint8_t frame[LM_SEQ_MAX_LEN];
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(LM_SEQ_ETHERTYPE),
		.sll_ifindex = o->ifindex,
		.sll_halen = 6,
	};
	struct lm_seqinfo info = { .stream = o->w.stream, .len = (uint16_t)o->w.len };
	/* A blocked sendto wakes up in time to honour --timeout and signals. */
	struct timeval tv = { .tv_usec = 100000 };
	uint32_t seq = o->w.first_seq;
	uint64_t k, t0;
	int fd, r, err = 0;

	/* Protocol 0: this socket never receives. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return perror("lm-afp: AF_PACKET socket"), -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memcpy(info.dst, o->w.dst, 6);
	memcpy(to.sll_addr, o->w.dst, 6);
	if (o->w.have_src) {
		memcpy(info.src, o->w.src, 6);
	} else if (if_mac(fd, o->ifname, info.src)) {
		perror("lm-afp: SIOCGIFHWADDR");
		close(fd);
		return -1;
	}
	lm_seqframe_build(frame, sizeof(frame), &info);

	t0 = lm_now_ns();
	for (k = 0; k < o->w.send; k++, seq++) {
		if (stopping(o, t0, &res->timed_out))
			break;
		if (o->w.rate)
			lm_sleep_until(lm_deadline(t0, k, o->w.rate));
		lm_seqframe_stamp(frame, seq, lm_now_ns());
		r = send_one(fd, o, frame, &to, t0, res);
		if (r < 0) {
			err = -1;
			break;
		}
		if (r)
			res->refused++;
		else
			res->sent++;
	}
	res->elapsed_ns = lm_now_ns() - t0;
	close(fd);
	return err;
}
