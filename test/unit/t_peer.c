// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_peer.c - the host instruments themselves (build/user/bin/lm-peer and
 * lm-seqmerge), run as programs over AF_UNIX datagram sockets in a temp
 * dir, no QEMU: one peer streams to another (wrap-around and junk
 * included), a silent receiver makes frames refused, a slow one makes the
 * sender stall, --ping talks ARP + ICMP echo with a guest-like responder
 * that misbehaves on purpose, and bad invocations fail the way scripts rely on.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipframe.h"
#include "lmutil.h"
#include "seqframe.h"
#include "tap.h"

extern char **environ;

static char dir[] = "/tmp/t_peer.XXXXXX";
static char bindir[PATH_MAX];

static char *path(const char *name)
{
	static char buf[4][PATH_MAX];
	static int n;
	char *p = buf[n++ % 4];

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

/* Start bindir/prog with argv, stdout to `out` (or /dev/null); returns its pid. */
static pid_t start(const char *out, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	char prog[PATH_MAX + 32];
	pid_t pid;

	snprintf(prog, sizeof(prog), "%s/%s", bindir, argv[0]);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, prog, &fa, NULL, argv, environ))
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

static int finish(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define RUN(out, ...) finish(start(out, (char *[]){ __VA_ARGS__, NULL }))

/* The last "key":NUMBER in a file (what the VM scenarios' json_get does). */
static long long jget(const char *file, const char *key)
{
	static char buf[1 << 16];
	char pat[64], *p, *last = NULL;
	FILE *f = fopen(file, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	for (p = buf; (p = strstr(p, pat)); p++)
		last = p;
	return last ? strtoll(last + strlen(pat), NULL, 10) : -1;
}

static int bind_unix(const char *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p);
	unlink(p);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	return fd;
}

/*
 * Peer to peer.  The sender blocks rather than drops, so a receiver that
 * the (shared, busy) machine deschedules for a moment cannot make it fail.
 */
static void test_stream(void)
{
	pid_t rx;
	int rc;

	rx = start(path("b.json"), (char *[]){ "lm-peer", "--vm", path("a.sock"), "--bind",
		   path("b.sock"), "--expect", "2000", "--idle", "2", "--timeout", "20", "--json",
		   "--seqlog", path("b.log"), NULL });
	usleep(100000);
	rc = RUN(path("a.json"), "lm-peer", "--vm", path("b.sock"), "--bind", path("a.sock"),
		 "--send", "2000", "--rate", "4000", "--first", "4294966296", "--junk", "50",
		 "--on-full", "block", "--timeout", "20", "--json");
	is_int(rc, 0, "sender exits 0");
	is_int(finish(rx), 0, "receiver exits 0");
	is_int(jget(path("a.json"), "sent"), 2000, "sender: 2000 sent");
	is_int(jget(path("a.json"), "refused"), 0, "sender: none refused");
	is_int(jget(path("a.json"), "junk"), 40, "sender: one junk frame per 50");
	is_int(jget(path("b.json"), "valid"), 2000, "receiver: 2000 valid");
	is_int(jget(path("b.json"), "lost") + jget(path("b.json"), "dup") +
	       jget(path("b.json"), "reorder"), 0, "receiver: nothing lost, duplicated, reordered");
	is_int(jget(path("b.json"), "first"), 4294966296ll, "receiver: first number");
	is_int(jget(path("b.json"), "last"), 999, "receiver: last number, after the wrap");
	is_int(jget(path("b.json"), "foreign") + jget(path("b.json"), "runt") +
	       jget(path("b.json"), "corrupt"), 40, "receiver: every junk frame classified");
	ok(access(path("a.sock"), F_OK) && access(path("b.sock"), F_OK),
	   "both peers removed their sockets");
	is_int(RUN(NULL, "lm-seqmerge", "--first", "4294966296", "--count", "2000", path("b.log")),
	       0, "lm-seqmerge: the receiver's log is exactly [first, first+2000)");
	is_int(RUN(NULL, "lm-seqmerge", "--first", "4294966296", "--count", "2001", path("b.log")),
	       1, "lm-seqmerge: one more expected number is missing");
}

/* A receiver that never reads: the sender must count refusals, not lose silently. */
static void test_refused(void)
{
	uint8_t buf[2048];
	struct lm_seqinfo info;
	long long sent, refused;
	int fd = bind_unix(path("silent.sock")), n = 0, inorder = 1;

	ok(fd >= 0, "silent socket bound");
	is_int(RUN(path("r.json"), "lm-peer", "--vm", path("silent.sock"), "--bind",
		   path("a.sock"), "--send", "200", "--rate", "0", "--json"), 0, "sender exits 0");
	sent = jget(path("r.json"), "sent");
	refused = jget(path("r.json"), "refused");
	diag("silent receiver: sent %lld refused %lld", sent, refused);
	ok(sent + refused == 200 && refused > 0 && sent > 0, "sent + refused = 200, some refused");
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
		if (lm_seqframe_parse(buf, 60, 1, &info) != LM_SEQ_OK || info.seq != (uint32_t)n)
			inorder = 0;
		n++;
	}
	is_int(n, sent, "exactly the frames counted sent were queued");
	ok(inorder, "and they are numbers 0..sent-1");
	close(fd);
}

static void *slow_reader(void *arg)
{
	uint8_t buf[2048];
	int fd = *(int *)arg, n = 0;
	uint64_t end = lm_now_ns() + 10000000000ull;

	while (n < 100 && lm_now_ns() < end) {
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
			n++;
			usleep(2000);
		} else {
			usleep(500);
		}
	}
	*(int *)arg = n;
	return NULL;
}

/* A receiver slower than the sender: --on-full block waits, loses nothing. */
static void test_block(void)
{
	int fd = bind_unix(path("slow.sock")), arg = fd;
	pthread_t t;

	ok(fd >= 0 && !pthread_create(&t, NULL, slow_reader, &arg), "slow reader running");
	is_int(RUN(path("s.json"), "lm-peer", "--vm", path("slow.sock"), "--bind",
		   path("a.sock"), "--send", "100", "--rate", "0", "--on-full", "block",
		   "--timeout", "10", "--json"), 0, "blocking sender exits 0");
	pthread_join(t, NULL);
	is_int(jget(path("s.json"), "sent"), 100, "blocking sender: all 100 sent");
	is_int(jget(path("s.json"), "refused"), 0, "blocking sender: none refused");
	ok(jget(path("s.json"), "stall_ms") > 0, "blocking sender: the stall was measured (%lld ms)",
	   jget(path("s.json"), "stall_ms"));
	is_int(arg, 100, "the slow reader got all 100");
	close(fd);
}

/*
 * A guest's IP stack in miniature, on the far end of lm-peer --ping: it
 * answers ARP for 10.0.0.2, but before its first echo reply it asks (ARP)
 * for the peer's MAC and holds the reply until told, as Linux does; then
 * it pings the peer once.  On purpose it also sends what lm-peer must only
 * count: a runt, random bytes, a truncated reply, a stranger's reply, ARP
 * for another address, a duplicate (seq 3), a bad checksum instead of the
 * reply (seq 5: lost), and corrupt data before the good reply (seq 7).
 */
struct responder {
	int fd, stop;
	struct sockaddr_un to;
	uint8_t peer_mac[6];
	int knows_peer, asked, pinged;
	uint8_t held[16][128];
	size_t held_len[16];
	int nheld;
	int requests, arp_requests, peer_replies;
};

static const uint8_t r_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x10 };
#define R_IP	0x0a000002u
#define P_IP	0x0a000001u

static void r_send(struct responder *r, const uint8_t *f, size_t len)
{
	sendto(r->fd, f, len, 0, (struct sockaddr *)&r->to, sizeof(r->to));
}

static void r_arp(struct responder *r, uint16_t oper, const uint8_t dst[6], uint32_t tpa)
{
	uint8_t f[IPF_ETH_MIN];
	struct ipf_arp a = { .oper = oper, .spa = R_IP, .tpa = tpa };

	memcpy(a.sha, r_mac, 6);
	if (oper == IPF_ARP_REPLY)
		memcpy(a.tha, dst, 6);
	r_send(r, f, ipf_arp_build(f, dst, &a));
}

static void r_junk(struct responder *r, const uint8_t *reply, size_t len)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[128];
	struct ipf_echo e;
	int i;

	r_send(r, reply, 10);				/* runt */
	for (i = 0; i < 60; i++)
		f[i] = (uint8_t)(i * 37 + 11);		/* arbitrary bytes, ethertype 0xc7ec */
	r_send(r, f, 60);
	r_send(r, reply, 40);				/* truncated IPv4: runt */
	memcpy(f, reply, len);				/* a stranger's reply: other id */
	ipf_echo_parse(f, len, &e);
	e.id ^= 0x5555;
	r_send(r, f, ipf_echo_build(f, sizeof(f), &e, 1));
	r_arp(r, IPF_ARP_REQUEST, bcast, 0x0a000063u);	/* who-has 10.0.0.99 */
}

static void r_reply(struct responder *r, uint8_t *f, size_t len, uint16_t seq)
{
	uint8_t g[128];
	struct ipf_echo e;

	memcpy(f, r->peer_mac, 6);
	if (seq == 0)
		r_junk(r, f, len);
	if (seq == 5) {
		f[36] ^= 0xff;				/* ICMP checksum broken */
		r_send(r, f, len);
		return;
	}
	if (seq == 7) {					/* corrupt data, checksum valid */
		memcpy(g, f, len);
		ipf_echo_parse(g, len, &e);
		g[len - 1] ^= 1;
		r_send(r, g, ipf_echo_build(g, sizeof(g), &e, 2));
	}
	r_send(r, f, len);
	if (seq == 3)
		r_send(r, f, len);
}

static void r_frame(struct responder *r, uint8_t *f, size_t len)
{
	struct ipf_arp a;
	struct ipf_echo e;
	uint8_t out[128];
	size_t n;
	int i;

	if (ipf_arp_parse(f, len, &a) == IPF_OK) {
		if (a.oper == IPF_ARP_REQUEST && a.tpa == R_IP) {
			r->arp_requests++;
			r_arp(r, IPF_ARP_REPLY, a.sha, a.spa);
		} else if (a.oper == IPF_ARP_REPLY && a.spa == P_IP && !memcmp(a.tha, r_mac, 6)) {
			memcpy(r->peer_mac, a.sha, 6);
			r->knows_peer = 1;
			for (i = 0; i < r->nheld; i++)
				r_reply(r, r->held[i], r->held_len[i], ipf_get16(r->held[i] + 40));
			r->nheld = 0;
		}
		return;
	}
	if (ipf_echo_parse(f, len, &e) != IPF_OK || e.dst != R_IP)
		return;
	if (e.type == IPF_ICMP_ECHO_REPLY) {
		r->peer_replies += e.id == 0x4242 && e.seq == 1 && e.src == P_IP;
		return;
	}
	r->requests++;
	e.dst = e.src;
	e.src = R_IP;
	e.type = IPF_ICMP_ECHO_REPLY;
	memcpy(e.eth_src, r_mac, 6);
	n = ipf_echo_build(out, sizeof(out), &e, 3);
	if (!n)
		return;
	if (r->knows_peer) {
		r_reply(r, out, n, e.seq);
	} else if (r->nheld < 16) {
		memcpy(r->held[r->nheld], out, n);
		r->held_len[r->nheld++] = n;
		if (!r->asked++)
			r_arp(r, IPF_ARP_REQUEST, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff }, P_IP);
	}
	if (r->knows_peer && !r->pinged++) {	/* our own ping to the peer */
		uint8_t data[20] = { 1, 2, 3 };
		struct ipf_echo q = { .src = R_IP, .dst = P_IP, .type = IPF_ICMP_ECHO_REQUEST,
				      .id = 0x4242, .seq = 1, .data = data, .data_len = 20 };

		memcpy(q.eth_dst, r->peer_mac, 6);
		memcpy(q.eth_src, r_mac, 6);
		r_send(r, out, ipf_echo_build(out, sizeof(out), &q, 4));
	}
}

static void *responder(void *arg)
{
	struct responder *r = arg;
	uint8_t buf[2048];
	uint64_t end = lm_now_ns() + 20000000000ull;
	ssize_t n;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) && lm_now_ns() < end) {
		n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			r_frame(r, buf, (size_t)n);
		else
			usleep(500);
	}
	return NULL;
}

static int has(const char *file, const char *text)
{
	char buf[4096];
	FILE *f = fopen(file, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, text) != NULL;
}

static void test_ping(void)
{
	static struct responder r;
	char j[PATH_MAX];	/* path() reuses 4 buffers: keep our own copy */
	pthread_t t;
	int fd;

	snprintf(j, sizeof(j), "%s", path("ping.json"));
	r.fd = bind_unix(path("g.sock"));
	r.to.sun_family = AF_UNIX;
	snprintf(r.to.sun_path, sizeof(r.to.sun_path), "%s", path("p.sock"));
	if (!ok(r.fd >= 0 && !pthread_create(&t, NULL, responder, &r), "ping responder running"))
		return;
	is_int(RUN(j, "lm-peer", "--vm", path("g.sock"), "--bind", path("p.sock"), "--ping",
		   "10.0.0.2", "--ip", "10.0.0.1", "--count", "10", "--interval", "10", "--idle",
		   "0.5", "--timeout", "10", "--json"), 0, "lm-peer --ping exits 0");
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	close(r.fd);
	ok(has(j, "\"arp_resolved\":true") && has(j, "\"guest_mac\":\"52:54:00:12:34:10\""),
	   "ping: the responder's MAC resolved by ARP");
	is_int(r.arp_requests, 1, "ping: one ARP request was needed");
	is_int(jget(j, "arp_answered"), 1, "ping: the responder's ARP request was answered");
	is_int(r.requests, 10, "ping: the responder saw 10 echo requests");
	is_int(jget(j, "sent"), 10, "ping: 10 sent");
	is_int(jget(j, "replies"), 9, "ping: 9 replies (seq 5's had a bad checksum)");
	is_int(jget(j, "lost"), 1, "ping: 1 lost");
	is_int(jget(j, "dup"), 1, "ping: 1 duplicate (seq 3)");
	is_int(jget(j, "corrupt"), 1, "ping: 1 reply with corrupt data (seq 7)");
	is_int(jget(j, "bad_csum"), 1, "ping: 1 bad checksum counted");
	is_int(jget(j, "runt"), 2, "ping: 2 runts (10 bytes, truncated IPv4)");
	is_int(jget(j, "unknown"), 1, "ping: 1 reply to someone else's request");
	is_int(jget(j, "foreign"), 2, "ping: 2 foreign (random bytes, ARP for another address)");
	is_int(jget(j, "echo_answered"), 1, "ping: the responder's own ping was answered");
	is_int(r.peer_replies, 1, "ping: ...and the responder got the reply");
	ok(jget(j, "rtt_max_ms") >= 0 && has(j, "\"rtt_avg_ms\":") && !has(j, "rtt_avg_ms\":null"),
	   "ping: round-trip times reported");

	/* Nobody answers: bounded by --timeout, nothing sent without a MAC. */
	fd = bind_unix(path("silent2.sock"));
	is_int(RUN(j, "lm-peer", "--vm", path("silent2.sock"), "--bind", path("p.sock"), "--ping",
		   "10.0.0.2", "--ip", "10.0.0.1", "--timeout", "0.5", "--json"), 0,
	       "ping into silence exits 0");
	ok(has(j, "\"arp_resolved\":false") && has(j, "\"timed_out\":true") && jget(j, "sent") == 0 &&
	   jget(j, "arp_requests") >= 2, "...unresolved, timed out, %lld ARP requests, 0 echo sent",
	   jget(j, "arp_requests"));
	is_int(RUN(j, "lm-peer", "--vm", path("silent2.sock"), "--bind", path("p.sock"), "--ping",
		   "10.0.0.2", "--ip", "10.0.0.1", "--to-mac", "52:54:00:12:34:10", "--count", "5",
		   "--interval", "5", "--idle", "0.2", "--json"), 0, "--to-mac into silence exits 0");
	ok(jget(j, "sent") == 5 && jget(j, "replies") == 0 && jget(j, "lost") == 5 &&
	   jget(j, "arp_requests") == 0, "...5 sent without ARP, 5 lost");
	close(fd);
}

static void test_usage(void)
{
	FILE *f;

	is_int(RUN(NULL, "lm-peer", "--vm", path("x")), 2, "missing --bind: exit 2");
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("y"), "--len", "59"), 2,
	       "--len 59: exit 2");
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("y"), "--junk", "5"), 2,
	       "--junk without --send: exit 2");
	f = fopen(path("regular"), "w");
	if (f)
		fclose(f);
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("regular"), "--timeout",
		   "0.2"), 1, "--bind onto a regular file: exit 1");
	ok(!access(path("regular"), F_OK), "and the file is left alone");
	is_int(RUN(NULL, "lm-peer", "--vm", path("nobody.sock"), "--bind", path("a.sock"),
		   "--timeout", "0.3"), 1, "nobody at --vm: exit 1 after a bounded wait");
	is_int(RUN(NULL, "lm-seqmerge"), 2, "lm-seqmerge without logs: exit 2");
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("y"), "--ping", "10.0.0.2"), 2,
	       "--ping without --ip: exit 2");
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("y"), "--ping", "10.0.0.256",
		   "--ip", "10.0.0.1"), 2, "--ping with a bad address: exit 2");
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("y"), "--ping", "10.0.0.2",
		   "--ip", "10.0.0.1", "--send", "5"), 2, "--ping with --send: exit 2");
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("y"), "--ping", "10.0.0.2",
		   "--ip", "10.0.0.1", "--count", "65537"), 2, "--ping --count 65537: exit 2");
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("y"), "--to-mac",
		   "52:54:00:12:34:10"), 2, "--to-mac without --ping: exit 2");
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], cmd[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	/* build/user/test/unit/t_peer -> build/user/bin */
	if (n <= 0) {
		ok(0, "find myself");
		return done_testing();
	}
	self[n] = 0;
	snprintf(bindir, sizeof(bindir), "%s/../../bin", dirname(self));
	snprintf(cmd, sizeof(cmd), "%s/lm-peer", bindir);
	if (!ok(!access(cmd, X_OK), "%s is built (make user)", cmd))
		return done_testing();
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	test_stream();
	test_refused();
	test_block();
	test_ping();
	test_usage();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
	return done_testing();
}
