// SPDX-License-Identifier: BSD-2-Clause
/*
 * ping.c - lm-peer --ping: talk to the guest's IP stack the way a host on
 * its subnet would.  Resolve the guest's MAC with an ARP request (re-sent
 * until answered), answer the guest's own ARP requests for our address
 * (its stack asks before it replies, and re-checks later), then send
 * --count ICMP echo requests --interval ms apart and match the replies.
 *
 * One thread: every event (ARP retry, next request, end of the wait for
 * late replies) has a deadline and the socket is polled until the nearest.
 * Every received frame is parsed by ipframe.c, which checks lengths and
 * checksums before anything is used; what is not for us is only counted.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipframe.h"
#include "lmutil.h"
#include "peer.h"

#define ARP_RETRY_NS	200000000ull	/* an unanswered ARP request is re-sent */
#define ARP_TRIES	25		/* ...this often (5 s), then we give up */
#define DEFAULT_IDLE_NS	1000000000ull	/* wait for late replies after the last request */
#define DEFAULT_COUNT	10
#define RX_BUF		65536
#define MS(ns)		((double)(ns) / 1e6)

struct ping_run {
	struct peer *p;
	struct ipf_ping ping;
	uint8_t mac[6];			/* ours (--src) */
	uint8_t guest_mac[6];
	int resolved;
	uint64_t arp_ns;		/* first ARP request -> its reply */
	uint64_t arp_sent, arp_answered, arp_refused, refused, echo_answered;
	uint64_t rx_frames, rx_arp, rx_echo, rx_foreign, rx_runt, rx_badsum, rx_truncated;
	uint16_t ip_id;
};

static int send_frame(struct ping_run *r, const uint8_t *f, size_t len)
{
	return peer_send(r->p, f, len, r->p->o.w.block);
}

static int send_arp(struct ping_run *r, uint16_t oper, const uint8_t eth_dst[6],
		    const uint8_t tha[6], uint32_t tpa)
{
	uint8_t f[IPF_ETH_MIN];
	struct ipf_arp a = { .oper = oper, .spa = r->p->o.my_ip, .tpa = tpa };
	int ret;

	memcpy(a.sha, r->mac, 6);
	memcpy(a.tha, tha, 6);
	ret = send_frame(r, f, ipf_arp_build(f, eth_dst, &a));
	if (ret == PEER_REFUSED)
		r->arp_refused++;
	return ret;
}

static void on_arp(struct ping_run *r, const struct ipf_arp *a, uint64_t now, uint64_t t0)
{
	const struct peer_opts *o = &r->p->o;

	r->rx_arp++;
	if (a->oper == IPF_ARP_REQUEST && a->tpa == o->my_ip) {
		/* RFC 826: answer with our hardware address, to the asker's. */
		if (send_arp(r, IPF_ARP_REPLY, a->sha, a->sha, a->spa) == PEER_SENT)
			r->arp_answered++;
		return;
	}
	if (a->oper == IPF_ARP_REPLY && a->spa == o->ping_ip && a->tpa == o->my_ip &&
	    !memcmp(a->tha, r->mac, 6)) {
		if (!r->resolved) {
			memcpy(r->guest_mac, a->sha, 6);
			r->arp_ns = now - t0;
			r->resolved = 1;
		}
		return;
	}
	r->rx_foreign++;		/* ARP between others, or not to us */
}

/* RFC 792: the reply carries the request's identifier, sequence and data. */
static void answer_echo(struct ping_run *r, const struct ipf_echo *req)
{
	static uint8_t out[LM_SEQ_MAX_LEN];
	struct ipf_echo e = *req;
	size_t len;

	memcpy(e.eth_dst, req->eth_src, 6);
	memcpy(e.eth_src, r->mac, 6);
	e.src = req->dst;
	e.dst = req->src;
	e.type = IPF_ICMP_ECHO_REPLY;
	e.ttl = 0;
	len = ipf_echo_build(out, sizeof(out), &e, r->ip_id++);
	if (len && send_frame(r, out, len) == PEER_SENT)
		r->echo_answered++;
}

static void on_frame(struct ping_run *r, const uint8_t *f, size_t len, uint64_t now,
		     uint64_t t0)
{
	struct ipf_arp a;
	struct ipf_echo e;
	enum ipf_result res;

	r->rx_frames++;
	res = ipf_arp_parse(f, len, &a);
	if (res == IPF_OK) {
		on_arp(r, &a, now, t0);
		return;
	}
	if (res == IPF_FOREIGN)
		res = ipf_echo_parse(f, len, &e);
	switch (res) {
	case IPF_OK:
		break;
	case IPF_RUNT:
		r->rx_runt++;
		return;
	case IPF_BADSUM:
		r->rx_badsum++;
		return;
	default:
		r->rx_foreign++;
		return;
	}
	r->rx_echo++;
	if (e.type == IPF_ICMP_ECHO_REQUEST && e.dst == r->p->o.my_ip) {
		answer_echo(r, &e);
		return;
	}
	/* Others' replies and requests are counted by ipf_ping (unknown). */
	ipf_ping_reply(&r->ping, &e, now);
}

/* Receive everything queued now. */
static int drain(struct ping_run *r, uint64_t t0)
{
	static uint8_t buf[RX_BUF];
	ssize_t n;

	for (;;) {
		n = recv(r->p->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ECONNREFUSED)
				return 0;
			peer_fail(r->p, "recv", errno);
			return -1;
		}
		if ((size_t)n > sizeof(buf)) {
			/* Longer than any frame we could parse: never ours. */
			r->rx_frames++;
			r->rx_truncated++;
			r->rx_foreign++;
			continue;
		}
		on_frame(r, buf, (size_t)n, lm_now_ns(), t0);
	}
}

static int send_request(struct ping_run *r, uint16_t seq)
{
	static uint8_t f[LM_SEQ_MAX_LEN];
	uint8_t data[IPF_ECHO_MAX_DATA];
	const struct peer_opts *o = &r->p->o;
	struct ipf_echo e = {
		.src = o->my_ip, .dst = o->ping_ip, .type = IPF_ICMP_ECHO_REQUEST,
		.id = r->ping.id, .seq = seq, .data = data, .data_len = r->ping.data_len,
	};
	uint64_t ts = lm_now_ns();
	size_t len;
	int ret;

	memcpy(e.eth_dst, r->guest_mac, 6);
	memcpy(e.eth_src, r->mac, 6);
	ipf_ping_data(data, e.data_len, seq, ts);
	len = ipf_echo_build(f, sizeof(f), &e, r->ip_id++);
	ret = send_frame(r, f, len);
	if (ret == PEER_SENT)
		ipf_ping_sent(&r->ping, seq, ts);
	else if (ret == PEER_REFUSED)
		r->refused++;
	return ret;
}

/* Wait for a frame until the absolute time `until` (at most 20 ms). */
static int wait_rx(struct peer *p, uint64_t until)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	uint64_t now = lm_now_ns();
	struct timespec ts = { 0, 0 };

	if (until > now) {
		uint64_t d = until - now < 20000000ull ? until - now : 20000000ull;

		ts.tv_nsec = (long)d;
	}
	if (ppoll(&pfd, 1, &ts, NULL) < 0 && errno != EINTR) {
		peer_fail(p, "poll", errno);
		return -1;
	}
	return 0;
}

static void print_mac(const uint8_t m[6])
{
	printf("\"%02x:%02x:%02x:%02x:%02x:%02x\"", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void print_summary(struct ping_run *r, uint64_t elapsed, int timed_out)
{
	const struct ipf_ping *pg = &r->ping;
	const struct peer *p = r->p;
	char ip[16];
	int rtt = pg->replies > 0;

	ipf_format_ip4(p->o.ping_ip, ip);
	if (!p->o.w.json) {
		printf("lm-peer ping %s: arp %s, %" PRIu64 " sent, %" PRIu64 " replies, %" PRIu64
		       " lost, %" PRIu64 " dup, rtt min/avg/max %.3f/%.3f/%.3f ms%s\n", ip,
		       r->resolved ? "resolved" : p->o.have_guest_mac ? "not used (--to-mac)" :
		       "UNRESOLVED", pg->sent, pg->replies,
		       ipf_ping_lost(pg), pg->dup, rtt ? MS(pg->rtt_min_ns) : 0.0,
		       rtt ? MS(pg->rtt_sum_ns / pg->replies) : 0.0, rtt ? MS(pg->rtt_max_ns) : 0.0,
		       timed_out ? " (timed out)" : "");
		return;
	}
	printf("{\"type\":\"summary\",\"mode\":\"ping\"");
	wire_print_tx_fields(stdout, elapsed, timed_out, pg->sent, r->refused, p->stall_ns);
	printf(",\"target\":\"%s\",\"arp_resolved\":%s,\"arp_ms\":", ip,
	       r->resolved ? "true" : "false");
	if (r->resolved)
		printf("%.3f", MS(r->arp_ns));
	else
		fputs("null", stdout);
	fputs(",\"guest_mac\":", stdout);
	if (r->resolved || p->o.have_guest_mac)
		print_mac(r->guest_mac);
	else
		fputs("null", stdout);
	printf(",\"arp_requests\":%" PRIu64 ",\"arp_answered\":%" PRIu64
	       ",\"arp_refused\":%" PRIu64 ",\"echo_answered\":%" PRIu64 ",\"tx_frames\":%" PRIu64
	       ",\"count\":%" PRIu32 ",\"replies\":%" PRIu64 ",\"lost\":%" PRIu64
	       ",\"dup\":%" PRIu64 ",\"corrupt\":%" PRIu64, r->arp_sent, r->arp_answered,
	       r->arp_refused, r->echo_answered,
	       r->arp_sent + r->arp_answered + r->echo_answered + pg->sent, pg->count,
	       pg->replies, ipf_ping_lost(pg), pg->dup, pg->corrupt);
	if (rtt)
		printf(",\"rtt_min_ms\":%.3f,\"rtt_avg_ms\":%.3f,\"rtt_max_ms\":%.3f",
		       MS(pg->rtt_min_ns), MS(pg->rtt_sum_ns / pg->replies), MS(pg->rtt_max_ns));
	else
		fputs(",\"rtt_min_ms\":null,\"rtt_avg_ms\":null,\"rtt_max_ms\":null", stdout);
	if (p->io_error) {
		fputs(",\"error\":", stdout);
		lm_json_str(stdout, p->errmsg);
	}
	printf(",\"rx\":{\"frames\":%" PRIu64 ",\"arp\":%" PRIu64 ",\"echo\":%" PRIu64
	       ",\"unknown\":%" PRIu64 ",\"foreign\":%" PRIu64 ",\"runt\":%" PRIu64
	       ",\"bad_csum\":%" PRIu64 ",\"truncated\":%" PRIu64 "}}\n", r->rx_frames, r->rx_arp,
	       r->rx_echo, pg->unknown, r->rx_foreign, r->rx_runt, r->rx_badsum,
	       r->rx_truncated);
	fflush(stdout);
}

int peer_ping_run(struct peer *p, const volatile sig_atomic_t *got_signal)
{
	static const uint8_t zero_mac[6];
	const struct wire_opts *w = &p->o.w;
	uint64_t count = w->expect ? w->expect : DEFAULT_COUNT;
	uint64_t interval = w->interval_ns ? w->interval_ns : 1000000000ull;
	uint64_t idle = w->idle_ns ? w->idle_ns : DEFAULT_IDLE_NS;
	uint64_t t0 = lm_now_ns(), now, next_arp = t0, t_ping0 = 0, t_last = 0, next;
	struct ping_run r = { .p = p };
	uint32_t k = 0;
	int timed_out = 0, tries = 0;

	/* --len is the frame length, as for numbered frames: the rest is echo data. */
	if (ipf_ping_init(&r.ping, p->o.my_ip, p->o.ping_ip, (uint16_t)getpid(), (uint32_t)count,
			  w->len - IPF_ETH_HLEN - IPF_IP4_HLEN - IPF_ICMP_HLEN)) {
		peer_fail(p, "ping", errno);
		return -1;
	}
	memcpy(r.mac, w->src, 6);
	if (p->o.have_guest_mac)	/* --to-mac: no ARP, the MAC is given */
		memcpy(r.guest_mac, p->o.guest_mac, 6);
	p->t0 = t0;
	for (;;) {
		now = lm_now_ns();
		if (*got_signal || peer_stopping(p))
			break;
		if (w->timeout_ns && now - t0 >= w->timeout_ns) {
			timed_out = 1;
			break;
		}
		if (!r.resolved && !p->o.have_guest_mac) {
			if (now >= next_arp) {
				if (tries++ == ARP_TRIES)
					break;
				if (send_arp(&r, IPF_ARP_REQUEST, w->dst, zero_mac, p->o.ping_ip) ==
				    PEER_SENT)
					r.arp_sent++;
				next_arp = now + ARP_RETRY_NS;
			}
			next = next_arp;
		} else if (k < count) {
			if (!t_ping0)
				t_ping0 = now;
			next = t_ping0 + k * interval;
			if (now >= next) {
				/* Late (descheduled) means at once: the average holds. */
				if (send_request(&r, (uint16_t)k) == PEER_FATAL)
					break;
				t_last = lm_now_ns();
				k++;
				continue;
			}
		} else {
			if (r.ping.replies == r.ping.sent || now - t_last >= idle)
				break;
			next = t_last + idle;
		}
		if (wait_rx(p, next) || drain(&r, t0))
			break;
	}
	/* Replies already queued when we stopped still count. */
	if (!p->io_error)
		drain(&r, t0);
	print_summary(&r, lm_now_ns() - t0, timed_out);
	ipf_ping_free(&r.ping);
	return p->io_error ? -1 : 0;
}
