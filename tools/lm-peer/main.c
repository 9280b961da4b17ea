// SPDX-License-Identifier: BSD-2-Clause
/*
 * lm-peer - the host end of a guest NIC's wire (QEMU -netdev dgram over
 * AF_UNIX datagram sockets; one datagram = one Ethernet frame, no FCS).
 * Sends a numbered stream at a fixed rate, counts what the guest sends
 * (seqstat), optionally echoes it, and prints what happened as JSON lines.
 * It only ever talks to the one unix socket given with --vm.
 *
 * Exit: 0 done (the JSON says what was lost), 1 I/O error, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lmutil.h"
#include "peer.h"

/* Supervisor tick: stop conditions are noticed within this. */
#define TICK_NS		10000000ull
/* How long to wait for QEMU's socket to appear at start. */
#define CONNECT_WAIT_NS	10000000000ull

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void usage(FILE *f)
{
	fputs("usage: lm-peer --vm PATH --bind PATH [--send N] [--rate PPS (0=max)]\n"
	      "         [--len 60..1514] [--dst MAC] [--src MAC] [--stream ID] [--first SEQ]\n"
	      "         [--on-full drop|block] [--expect M] [--timeout SEC] [--idle SEC]\n"
	      "         [--echo] [--rx-stream ID] [--interval MS] [--json] [--seqlog FILE]\n"
	      "         [--junk K]\n"
	      "  --vm PATH       QEMU's netdev socket (local.path of -netdev dgram)\n"
	      "  --bind PATH     our socket (remote.path); a stale socket file is replaced\n"
	      "  --send N        send N numbered frames (default 0: receive only)\n"
	      "  --rate PPS      frames per second, absolute deadlines (default 1000; 0 = max)\n"
	      "  --on-full M     QEMU queue full: drop (count refused, default) or block (stall_ms)\n"
	      "  --expect M      stop once M distinct numbered frames were received\n"
	      "  --idle SEC      stop after SEC without a received frame (once sending is done)\n"
	      "  --timeout SEC   stop after SEC in any case\n"
	      "  --echo          reflect every received frame, MACs swapped\n"
	      "  --junk K        after every K numbered frames, one malformed frame\n"
	      "  --interval MS   JSON line per interval (needs --json)\n"
	      "  --seqlog FILE   range log of received numbers (lm-seqmerge input)\n"
	      "Stops when sending is done and (--expect reached, or --idle expired, or neither\n"
	      "was given), at --timeout, or on SIGINT/SIGTERM.\n", f);
}

static int bad(const char *opt, const char *val)
{
	fprintf(stderr, "lm-peer: bad value for --%s: '%s'\n", opt, val);
	return -1;
}

static int parse_opts(struct peer_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "vm", 1, 0, 'v' }, { "bind", 1, 0, 'b' }, { "send", 1, 0, 'n' },
		{ "rate", 1, 0, 'R' }, { "len", 1, 0, 'l' }, { "dst", 1, 0, 'd' },
		{ "src", 1, 0, 's' }, { "stream", 1, 0, 'S' }, { "first", 1, 0, 'F' },
		{ "on-full", 1, 0, 'o' }, { "expect", 1, 0, 'e' }, { "timeout", 1, 0, 't' },
		{ "idle", 1, 0, 'i' }, { "echo", 0, 0, 'E' }, { "rx-stream", 1, 0, 'r' },
		{ "interval", 1, 0, 'I' }, { "json", 0, 0, 'j' }, { "seqlog", 1, 0, 'L' },
		{ "junk", 1, 0, 'J' }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 }
	};
	uint64_t v;
	int c, idx;

	*o = (struct peer_opts){ .rate = 1000, .len = LM_SEQ_MIN_LEN, .rx_stream = -1,
				 .dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
				 .src = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
	while ((c = getopt_long(argc, argv, "", lo, &idx)) != -1) {
		const char *name = c == '?' ? "" : lo[idx].name;

		switch (c) {
		case 'v': o->vm_path = optarg; break;
		case 'b': o->bind_path = optarg; break;
		case 'L': o->seqlog_path = optarg; break;
		case 'E': o->echo = 1; break;
		case 'j': o->json = 1; break;
		case 'n':
			if (lm_parse_u64(optarg, 0, UINT32_MAX, &o->send))
				return bad(name, optarg);
			break;
		case 'R':
			if (lm_parse_u64(optarg, 0, 100000000, &o->rate))
				return bad(name, optarg);
			break;
		case 'e':
			if (lm_parse_u64(optarg, 1, UINT32_MAX, &o->expect))
				return bad(name, optarg);
			break;
		case 'J':
			if (lm_parse_u64(optarg, 1, UINT32_MAX, &o->junk_every))
				return bad(name, optarg);
			break;
		case 'l':
			if (lm_parse_u64(optarg, LM_SEQ_MIN_LEN, LM_SEQ_MAX_LEN, &v))
				return bad(name, optarg);
			o->len = (unsigned int)v;
			break;
		case 'S':
		case 'r':
			if (lm_parse_u64(optarg, 0, UINT16_MAX, &v))
				return bad(name, optarg);
			if (c == 'S')
				o->stream = (uint16_t)v;
			else
				o->rx_stream = (int)v;
			break;
		case 'F':
			if (lm_parse_u64(optarg, 0, UINT32_MAX, &v))
				return bad(name, optarg);
			o->first_seq = (uint32_t)v;
			break;
		case 'I':
			if (lm_parse_u64(optarg, 1, 3600000, &v))
				return bad(name, optarg);
			o->interval_ns = v * 1000000ull;
			break;
		case 'd':
		case 's':
			if (lm_parse_mac(optarg, c == 'd' ? o->dst : o->src))
				return bad(name, optarg);
			break;
		case 'o':
			if (strcmp(optarg, "drop") && strcmp(optarg, "block"))
				return bad(name, optarg);
			o->block = !strcmp(optarg, "block");
			break;
		case 't':
		case 'i':
			if (lm_parse_secs(optarg, c == 't' ? &o->timeout_ns : &o->idle_ns))
				return bad(name, optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lm-peer: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->vm_path || !o->bind_path) {
		fputs("lm-peer: --vm and --bind are required\n", stderr);
		return -1;
	}
	if (strlen(o->vm_path) >= sizeof(((struct sockaddr_un *)0)->sun_path) ||
	    strlen(o->bind_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fputs("lm-peer: socket path too long for AF_UNIX\n", stderr);
		return -1;
	}
	if (o->junk_every && !o->send) {
		fputs("lm-peer: --junk mixes junk into a stream: needs --send\n", stderr);
		return -1;
	}
	if (o->interval_ns && !o->json) {
		fputs("lm-peer: --interval needs --json\n", stderr);
		return -1;
	}
	return 0;
}

/* Bind our end, replacing a stale socket file but never anything else. */
static int bind_socket(struct peer *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat stb;
	int buf = 4 << 20;

	p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return perror("lm-peer: socket"), -1;
	/* Room for bursts of our own sends (QEMU's queue is the real limit). */
	setsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (!lstat(p->o.bind_path, &stb)) {
		if (!S_ISSOCK(stb.st_mode)) {
			fprintf(stderr, "lm-peer: %s exists and is not a socket\n", p->o.bind_path);
			return -1;
		}
		unlink(p->o.bind_path);
	}
	memcpy(sa.sun_path, p->o.bind_path, strlen(p->o.bind_path) + 1);
	if (bind(p->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "lm-peer: bind %s: %s\n", p->o.bind_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* QEMU may still be starting: wait a bounded time for its socket. */
static int connect_vm(struct peer *p)
{
	uint64_t limit = p->o.timeout_ns && p->o.timeout_ns < CONNECT_WAIT_NS ?
			 p->o.timeout_ns : CONNECT_WAIT_NS;
	uint64_t end = lm_now_ns() + limit;

	while (peer_connect(p)) {
		if ((errno != ENOENT && errno != ECONNREFUSED) || lm_now_ns() > end ||
		    got_signal) {
			fprintf(stderr, "lm-peer: connect %s: %s\n", p->o.vm_path, strerror(errno));
			return -1;
		}
		usleep(20000);
	}
	return 0;
}

static void print_interval(struct peer *p, uint64_t now, uint64_t *prev_tx,
			   struct seqstat_counters *prev_rx)
{
	struct seqstat_counters c, d;
	uint64_t tx = peer_load(&p->sent);

	pthread_mutex_lock(&p->lock);
	c = seqstat_snapshot(&p->st);
	pthread_mutex_unlock(&p->lock);
	d = seqstat_delta(&c, prev_rx);
	printf("{\"type\":\"interval\",\"t_ms\":%" PRIu64 ",\"tx\":%" PRIu64 ",\"rx\":%" PRIu64
	       ",\"lost\":%" PRIu64 ",\"dup\":%" PRIu64 ",\"reorder\":%" PRIu64 "}\n",
	       (now - p->t0) / 1000000, tx - *prev_tx, d.valid, d.lost, d.dup, d.reorder);
	fflush(stdout);
	*prev_tx = tx;
	*prev_rx = c;
}

/* Should the run end now?  Sets *timed_out when the --timeout ended it. */
static int finished(struct peer *p, uint64_t now, int *timed_out)
{
	uint64_t valid, last_rx, since;
	int tx_done = __atomic_load_n(&p->tx_done, __ATOMIC_ACQUIRE);

	if (got_signal || peer_stopping(p))
		return 1;
	if (p->o.timeout_ns && now - p->t0 >= p->o.timeout_ns)
		return *timed_out = 1;
	if (!tx_done)
		return 0;
	pthread_mutex_lock(&p->lock);
	valid = p->st.c.valid;
	last_rx = p->last_rx_ns;
	pthread_mutex_unlock(&p->lock);
	if (p->o.expect && valid >= p->o.expect)
		return 1;
	if (p->o.idle_ns) {
		since = last_rx > p->tx_done_ns ? last_rx : p->tx_done_ns;
		/* The receiver may have stamped a frame after `now` was taken. */
		return now > since && now - since >= p->o.idle_ns;
	}
	/* A pure sender is done when it has sent; a receiver waits to be stopped. */
	return !p->o.expect && p->o.send;
}

static void print_summary(struct peer *p, int timed_out)
{
	uint64_t junk = 0;
	int k;

	for (k = 0; k < JUNK_KINDS; k++)
		junk += p->junk[k];
	if (!p->o.json) {
		printf("sent %" PRIu64 " refused %" PRIu64 " stall_ms %" PRIu64 " junk %" PRIu64
		       " | rx frames %" PRIu64 " valid %" PRIu64 " lost %" PRIu64 " dup %" PRIu64
		       " reorder %" PRIu64 " foreign %" PRIu64 " runt %" PRIu64 " corrupt %" PRIu64
		       "%s%s\n", p->sent, p->refused, p->stall_ns / 1000000, junk, p->rx_frames,
		       p->st.c.valid, p->st.c.lost, p->st.c.dup, p->st.c.reorder, p->st.c.foreign,
		       p->st.c.runt, p->st.c.corrupt, timed_out ? " (timed out)" : "",
		       p->io_error ? " (I/O error)" : "");
		return;
	}
	printf("{\"type\":\"summary\",\"elapsed_ms\":%" PRIu64 ",\"timed_out\":%s,"
	       "\"sent\":%" PRIu64 ",\"refused\":%" PRIu64 ",\"stall_ms\":%" PRIu64
	       ",\"junk\":%" PRIu64 ",\"junk_refused\":%" PRIu64,
	       (lm_now_ns() - p->t0) / 1000000, timed_out ? "true" : "false",
	       p->sent, p->refused, p->stall_ns / 1000000, junk, p->junk_refused);
	for (k = 0; k < JUNK_KINDS; k++)
		printf(",\"junk_%s\":%" PRIu64, junk_name(k), p->junk[k]);
	printf(",\"echoed\":%" PRIu64 ",\"echo_refused\":%" PRIu64, p->echoed, p->echo_refused);
	if (p->io_error) {
		fputs(",\"error\":", stdout);
		lm_json_str(stdout, p->errmsg);
	}
	printf(",\"rx\":{\"frames\":%" PRIu64 ",\"truncated\":%" PRIu64 ",",
	       p->rx_frames, p->rx_truncated);
	seqstat_json_fields(stdout, &p->st.c);
	puts("}}");
}

static int run(struct peer *p)
{
	struct seqstat_counters prev_rx = { 0 };
	uint64_t prev_tx = 0, now, next_iv;
	pthread_t tx, rx;
	sigset_t all, old;
	int timed_out = 0, have_tx = 0, err;

	/*
	 * Workers never see SIGINT/SIGTERM (main turns them into a clean stop).
	 * The receiver starts before we connect: frames QEMU sends while we
	 * wait for its socket are drained, not refused at its end.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&rx, NULL, peer_rx_thread, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fprintf(stderr, "lm-peer: pthread_create: %s\n", strerror(err));
		return -1;
	}
	if (connect_vm(p)) {
		__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
		pthread_join(rx, NULL);
		return -1;
	}
	p->t0 = lm_now_ns();
	next_iv = p->t0 + p->o.interval_ns;
	if (p->o.send) {
		pthread_sigmask(SIG_BLOCK, &all, &old);
		err = pthread_create(&tx, NULL, peer_tx_thread, p);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (err)
			peer_fail(p, "pthread_create", err);
		have_tx = !err;
	}
	if (!have_tx) {
		p->tx_done_ns = p->t0;
		__atomic_store_n(&p->tx_done, 1, __ATOMIC_RELEASE);
	}

	for (;;) {
		now = lm_now_ns();
		if (finished(p, now, &timed_out))
			break;
		if (p->o.interval_ns && now >= next_iv) {
			print_interval(p, now, &prev_tx, &prev_rx);
			next_iv += p->o.interval_ns;
		}
		lm_sleep_until(now + TICK_NS);
	}
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	if (have_tx)
		pthread_join(tx, NULL);
	pthread_join(rx, NULL);
	print_summary(p, timed_out);
	return p->io_error ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct peer p;
	struct sigaction sa = { .sa_handler = on_signal };
	int ret = 1;

	if (parse_opts(&p.o, argc, argv)) {
		usage(stderr);
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&p.lock, NULL);
	seqstat_init(&p.st, p.o.rx_stream);
	if (p.o.seqlog_path) {
		if (seqlog_open(&p.log, p.o.seqlog_path, p.o.rx_stream, "lm-peer")) {
			fprintf(stderr, "lm-peer: %s: %s\n", p.o.seqlog_path, strerror(errno));
			return 1;
		}
		p.st.log = &p.log;
	}
	if (bind_socket(&p))
		goto out;
	if (!run(&p))
		ret = 0;
	else if (p.io_error)
		fprintf(stderr, "lm-peer: %s\n", p.errmsg);
	unlink(p.o.bind_path);
out:
	if (p.fd > 0)
		close(p.fd);
	if (p.o.seqlog_path && seqlog_close(&p.log)) {
		fprintf(stderr, "lm-peer: writing %s failed\n", p.o.seqlog_path);
		ret = 1;
	}
	return ret;
}
