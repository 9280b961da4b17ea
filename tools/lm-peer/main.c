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

#include "ipframe.h"
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
	      "         [--echo] [--rx-stream ID] [--interval MS] [--json]\n"
	      "         [--seqlog FILE | --seqlog-append FILE]\n"
	      "         [--junk K]\n"
	      "       lm-peer --vm PATH --bind PATH --ping IP --ip MYIP [--count N]\n"
	      "         [--interval MS] [--len 60..1514] [--src MAC] [--dst MAC]\n"
	      "         [--idle SEC] [--timeout SEC] [--on-full drop|block] [--to-mac MAC]\n"
	      "         [--json]\n"
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
	      "  --seqlog-append FILE  the same, added to FILE as one more period\n"
	      "Stops when sending is done and (--expect reached, or --idle expired, or neither\n"
	      "was given), at --timeout, or on SIGINT/SIGTERM.\n"
	      "Ping mode: resolve IP's MAC by ARP (from MYIP and --src, to --dst, default\n"
	      "broadcast), answer ARP requests for MYIP, send N (default 10, <= 65536) ICMP\n"
	      "echo requests of --len-byte frames every --interval ms (default 1000) and\n"
	      "match the replies; stops when all are answered or --idle (default 1 s)\n"
	      "after the last request.  Echo requests to MYIP are answered.  --to-mac:\n"
	      "no ARP, send the requests to MAC.\n", f);
}

static int parse_opts(struct peer_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "vm", 1, 0, 0 }, { "bind", 1, 0, 0 }, { "send", 1, 0, 0 },
		{ "rate", 1, 0, 0 }, { "len", 1, 0, 0 }, { "dst", 1, 0, 0 },
		{ "src", 1, 0, 0 }, { "stream", 1, 0, 0 }, { "first", 1, 0, 0 },
		{ "on-full", 1, 0, 0 }, { "expect", 1, 0, 0 }, { "timeout", 1, 0, 0 },
		{ "idle", 1, 0, 0 }, { "echo", 0, 0, 0 }, { "rx-stream", 1, 0, 0 },
		{ "interval", 1, 0, 0 }, { "json", 0, 0, 0 }, { "seqlog", 1, 0, 0 },
		{ "seqlog-append", 1, 0, 0 },
		{ "junk", 1, 0, 0 }, { "ping", 1, 0, 0 }, { "ip", 1, 0, 0 },
		{ "count", 1, 0, 0 }, { "to-mac", 1, 0, 0 }, { "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	const char *name;
	uint64_t v;
	int c, idx, r, have_ip = 0;

	*o = (struct peer_opts){ .rx_stream = -1 };
	wire_opts_init(&o->w);
	while ((c = getopt_long(argc, argv, "", lo, &idx)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c)
			return -1;
		name = lo[idx].name;
		r = wire_opt(&o->w, "lm-peer", name, optarg);
		if (r < 0)
			return -1;
		if (r)
			continue;
		if (!strcmp(name, "vm")) {
			o->vm_path = optarg;
		} else if (!strcmp(name, "bind")) {
			o->bind_path = optarg;
		} else if (!strcmp(name, "echo")) {
			o->echo = 1;
		} else if (!strcmp(name, "junk")) {
			if (lm_parse_u64(optarg, 1, UINT32_MAX, &o->junk_every))
				goto bad;
		} else if (!strcmp(name, "rx-stream")) {
			if (lm_parse_u64(optarg, 0, UINT16_MAX, &v))
				goto bad;
			o->rx_stream = (int)v;
		} else if (!strcmp(name, "ping")) {
			if (ipf_parse_ip4(optarg, &o->ping_ip))
				goto bad;
			o->ping = 1;
		} else if (!strcmp(name, "ip")) {
			if (ipf_parse_ip4(optarg, &o->my_ip))
				goto bad;
			have_ip = 1;
		} else if (!strcmp(name, "to-mac")) {
			if (lm_parse_mac(optarg, o->guest_mac))
				goto bad;
			o->have_guest_mac = 1;
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
	if (o->junk_every && !o->w.send) {
		fputs("lm-peer: --junk mixes junk into a stream: needs --send\n", stderr);
		return -1;
	}
	if (o->have_guest_mac && !o->ping) {
		fputs("lm-peer: --to-mac needs --ping\n", stderr);
		return -1;
	}
	if (o->ping != have_ip) {
		fputs("lm-peer: --ping IP and --ip MYIP go together\n", stderr);
		return -1;
	}
	if (o->ping && (o->w.send || o->echo || o->junk_every || o->w.seqlog_path)) {
		fputs("lm-peer: --ping sends no numbered frames (no --send/--echo/--junk/--seqlog)\n",
		      stderr);
		return -1;
	}
	if (o->ping && o->w.expect > 65536) {
		fputs("lm-peer: --ping: --count at most 65536 (16-bit ICMP sequence numbers)\n",
		      stderr);
		return -1;
	}
	if (o->w.interval_ns && !o->w.json && !o->ping) {
		fputs("lm-peer: --interval needs --json\n", stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "lm-peer: bad value for --%s: '%s'\n", name, optarg);
	return -1;
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
	uint64_t limit = p->o.w.timeout_ns && p->o.w.timeout_ns < CONNECT_WAIT_NS ?
			 p->o.w.timeout_ns : CONNECT_WAIT_NS;
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
	wire_print_interval(stdout, (now - p->t0) / 1000000, tx - *prev_tx, &d);
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
	if (p->o.w.timeout_ns && now - p->t0 >= p->o.w.timeout_ns)
		return *timed_out = 1;
	if (!tx_done)
		return 0;
	pthread_mutex_lock(&p->lock);
	valid = p->st.c.valid;
	last_rx = p->last_rx_ns;
	pthread_mutex_unlock(&p->lock);
	if (p->o.w.expect && valid >= p->o.w.expect)
		return 1;
	if (p->o.w.idle_ns) {
		since = last_rx > p->tx_done_ns ? last_rx : p->tx_done_ns;
		/* The receiver may have stamped a frame after `now` was taken. */
		return now > since && now - since >= p->o.w.idle_ns;
	}
	/* A pure sender is done when it has sent; a receiver waits to be stopped. */
	return !p->o.w.expect && p->o.w.send;
}

static void print_summary(struct peer *p, int timed_out)
{
	uint64_t junk = 0;
	int k;

	for (k = 0; k < JUNK_KINDS; k++)
		junk += p->junk[k];
	if (!p->o.w.json) {
		wire_print_text(stdout, "lm-peer", p->sent, p->refused, p->stall_ns,
				p->rx_frames, &p->st.c, timed_out);
		return;
	}
	fputs("{\"type\":\"summary\"", stdout);
	wire_print_tx_fields(stdout, lm_now_ns() - p->t0, timed_out, p->sent, p->refused,
			     p->stall_ns);
	printf(",\"junk\":%" PRIu64 ",\"junk_refused\":%" PRIu64, junk, p->junk_refused);
	for (k = 0; k < JUNK_KINDS; k++)
		printf(",\"junk_%s\":%" PRIu64, junk_name(k), p->junk[k]);
	printf(",\"echoed\":%" PRIu64 ",\"echo_refused\":%" PRIu64 ",\"rx_truncated\":%" PRIu64,
	       p->echoed, p->echo_refused, p->rx_truncated);
	if (p->io_error) {
		fputs(",\"error\":", stdout);
		lm_json_str(stdout, p->errmsg);
	}
	wire_print_rx_object(stdout, p->rx_frames, &p->st.c);
	puts("}");
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
	next_iv = p->t0 + p->o.w.interval_ns;
	if (p->o.w.send) {
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
		if (p->o.w.interval_ns && now >= next_iv) {
			print_interval(p, now, &prev_tx, &prev_rx);
			next_iv += p->o.w.interval_ns;
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
	if (p.o.w.seqlog_path) {
		if (wire_seqlog_open(&p.o.w, &p.log, p.o.rx_stream, "lm-peer")) {
			fprintf(stderr, "lm-peer: %s: %s\n", p.o.w.seqlog_path, strerror(errno));
			return 1;
		}
		p.st.log = &p.log;
	}
	if (bind_socket(&p))
		goto out;
	if (p.o.ping) {
		if (!connect_vm(&p) && !peer_ping_run(&p, &got_signal))
			ret = 0;
		else if (p.io_error)
			fprintf(stderr, "lm-peer: %s\n", p.errmsg);
	} else if (!run(&p)) {
		ret = 0;
	} else if (p.io_error) {
		fprintf(stderr, "lm-peer: %s\n", p.errmsg);
	}
	unlink(p.o.bind_path);
out:
	if (p.fd > 0)
		close(p.fd);
	if (p.o.w.seqlog_path && seqlog_close(&p.log)) {
		fprintf(stderr, "lm-peer: writing %s failed\n", p.o.w.seqlog_path);
		ret = 1;
	}
	return ret;
}
