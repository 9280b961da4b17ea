/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * peer.h - lm-peer's shared state: the host end of one guest NIC's wire.
 *
 * Three threads share one AF_UNIX datagram socket connected to QEMU's
 * netdev socket: the sender (tx.c, numbered frames at absolute deadlines),
 * the receiver (rx.c, accounting and echo) and main (main.c: options,
 * per-interval reports, stop conditions, the summary).
 */
#ifndef LM_PEER_H
#define LM_PEER_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include "seqstat.h"
#include "wireopt.h"

enum junk_kind {
	JUNK_RUNT,	/* 14..59 bytes with our ethertype */
	JUNK_JUMBO,	/* 9000 bytes: our header with a broken checksum */
	JUNK_RANDOM,	/* random bytes (never our ethertype) */
	JUNK_ETHERTYPE,	/* a good frame of ours under ethertype 0x88B6 */
	JUNK_CORRUPT,	/* our header intact, one payload byte flipped */
	JUNK_BADMAGIC,	/* our ethertype, wrong magic */
	JUNK_KINDS
};

#define PEER_JUNK_MAX	9000

struct peer_opts {
	struct wire_opts w;	/* the options lm-afp shares */
	const char *vm_path, *bind_path;
	uint64_t junk_every;
	int rx_stream;		/* -1: account any stream */
	int echo;
	/* --ping IP --ip MYIP: ARP + ICMP echo instead of numbered frames */
	int ping;
	uint32_t ping_ip, my_ip;	/* host order */
	uint8_t guest_mac[6];		/* --to-mac: skip ARP */
	int have_guest_mac;
};

struct peer {
	struct peer_opts o;
	int fd;
	uint64_t t0;
	int stop;			/* atomic: main tells the threads to finish */

	/* sender (atomics: main reads them for interval lines) */
	int tx_done;
	uint64_t tx_done_ns;
	uint64_t sent, refused, stall_ns, junk[JUNK_KINDS], junk_refused;
	uint64_t last_reconnect_ns;

	/* receiver, under lock */
	pthread_mutex_t lock;
	struct seqstat st;
	struct seqlog log;
	uint64_t rx_frames, rx_truncated, last_rx_ns, echoed, echo_refused;

	int io_error;			/* atomic: first fatal error sets it */
	char errmsg[160];
};

/* peer_send() results */
#define PEER_SENT	0
#define PEER_REFUSED	1
#define PEER_FATAL	(-1)

int peer_send(struct peer *p, const void *buf, size_t len, int block);
void peer_fail(struct peer *p, const char *what, int err);
int peer_connect(struct peer *p);

void *peer_tx_thread(void *arg);
void *peer_rx_thread(void *arg);

/* ping.c: the whole --ping run (socket bound and connected); prints the summary. */
int peer_ping_run(struct peer *p, const volatile sig_atomic_t *got_signal);

/* Build junk frame number n of kind k into buf; returns its length. */
size_t junk_build(uint8_t *buf, enum junk_kind k, uint64_t n, const struct peer_opts *o,
		  uint32_t seq);
const char *junk_name(enum junk_kind k);

static inline uint64_t peer_load(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static inline void peer_add(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

static inline int peer_stopping(const struct peer *p)
{
	return __atomic_load_n(&p->stop, __ATOMIC_ACQUIRE);
}

#endif /* LM_PEER_H */
