// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_pktgen.c - pkt-gen's ring-filling and stop logic (tools/pkt-gen, built
 * in here) on a hand-built region: txseq numbers frames 0, 1, 2... across
 * rings and the ring wrap, honours the burst, stops at full rings, writes
 * frames seqstat accepts; tx -z prefills every free buffer once; the stop
 * conditions (-n, -d, --idle, signal); rxseq --seqlog writes a batch to
 * the log before it releases the batch (a SIGKILL cannot lose a frame).
 */
#include "../../tools/pkt-gen/io.c"
#include "../../tools/pkt-gen/report.c"
#include "../../tools/pkt-gen/tx.c"
#include "../../tools/pkt-gen/rx.c"

#include <fcntl.h>
#include <unistd.h>

#include "nmfake.h"
#include "tap.h"

static struct pg g;
static struct nmport_d port;

static void setup(enum pg_func f)
{
	struct lm_seqinfo in = { .stream = 7, .len = 60 };

	free(mem);
	build_region();
	memset(&port, 0, sizeof(port));
	port.nifp = NETMAP_IF(mem, 0);
	port.first_tx_ring = port.cur_tx_ring = 0;
	port.last_tx_ring = 1;		/* the two NIC tx rings */
	port.first_rx_ring = port.cur_rx_ring = 0;
	port.last_rx_ring = 1;
	memset(&g, 0, sizeof(g));
	g.d = &port;
	g.c.func = f;
	g.c.len = 60;
	g.c.burst = 512;
	memset(in.dst, 0xff, 6);
	lm_seqframe_build(g.frame, sizeof(g.frame), &in);
}

static void test_fill(void)
{
	struct netmap_ring *r0, *r1;
	struct seqstat st;
	uint32_t seq = 0, i;
	int good = 1;

	setup(PG_TXSEQ);
	r0 = NETMAP_TXRING(port.nifp, 0);
	r1 = NETMAP_TXRING(port.nifp, 1);
	is_int(pg_fill(&g, 10, &seq, 1234), 10, "txseq: 10 frames fit in two rings of 7 free slots");
	ok(r0->head == 7 && r0->cur == 7 && r1->head == 3 && port.cur_tx_ring == 1 && seq == 10,
	   "ring 0 filled, then 3 in ring 1; cur_tx_ring follows");
	seqstat_init(&st, 7);
	for (i = 0; i < 7; i++)
		seqstat_feed(&st, NETMAP_BUF(r0, r0->slot[i].buf_idx), r0->slot[i].len);
	for (i = 0; i < 3; i++)
		seqstat_feed(&st, NETMAP_BUF(r1, r1->slot[i].buf_idx), r1->slot[i].len);
	ok(st.c.valid == 10 && st.c.lost == 0 && st.c.first == 0 && st.c.last == 9 &&
	   st.c.corrupt == 0, "the frames read back as 0..9, valid, in order");
	for (i = 0; i < 7; i++)
		good &= r0->slot[i].len == 60 && r0->slot[i].flags == 0;
	ok(good, "slot lengths set, flags cleared");

	is_int(pg_fill(&g, 2, &seq, 1234), 2, "the burst limits a round");
	is_int(r1->head, 5, "2 more in ring 1");
	is_int(pg_fill(&g, 100, &seq, 1234), 2, "only the 2 free slots left are used");
	is_int(pg_fill(&g, 100, &seq, 1234), 0, "full rings take nothing");
	is_int(seq, 14, "14 numbers used, none skipped");

	/* the kernel takes back ring 0 (tail moves on): the next round wraps */
	r0->tail = 6;
	port.cur_tx_ring = 0;
	is_int(pg_fill(&g, 100, &seq, 1234), 7, "7 slots across ring 0's wrap");
	ok(r0->head == 6 && r0->slot[7].len == 60, "head wrapped to 6");
	seqstat_init(&st, 7);
	seqstat_feed(&st, NETMAP_BUF(r0, r0->slot[0].buf_idx), 60);
	ok(st.c.valid == 1 && st.c.first == 15, "slot 0 after the wrap carries number 15");
}

static void test_prefill_and_tx(void)
{
	struct netmap_ring *r0;
	uint32_t seq = 0, i;
	int good = 1;

	setup(PG_TX);
	g.c.nocopy = 1;
	r0 = NETMAP_TXRING(port.nifp, 0);
	pg_prefill(&g);
	for (i = 0; i < NSLOTS - 1; i++)
		good &= !memcmp(NETMAP_BUF(r0, r0->slot[i].buf_idx), g.frame, 60);
	ok(good, "-z: every free tx buffer holds the template once");
	memset(NETMAP_BUF(r0, r0->slot[0].buf_idx), 0, 60);
	is_int(pg_fill(&g, 1, &seq, 0), 1, "-z: a frame is queued");
	ok(r0->slot[0].len == 60 &&
	   !memcmp(NETMAP_BUF(r0, r0->slot[0].buf_idx), "\0\0\0\0\0\0", 6) && seq == 0,
	   "-z: only the length is written, no number used");
}

static void test_done(void)
{
	struct seqstat st;

	setup(PG_TX);
	g.st.t_start = 1000;
	ok(!pg_done(&g, 2000), "no limit: not done");
	g.c.count = 5;
	g.st.pkts = 4;
	ok(!pg_done(&g, 2000), "-n 5 after 4: not done");
	g.st.pkts = 5;
	ok(pg_done(&g, 2000), "-n 5 after 5: done");
	g.c.count = 0;
	g.c.duration_ns = 500;
	ok(!pg_done(&g, 1499) && pg_done(&g, 1500), "-d: done at t_start + duration");
	g.c.duration_ns = 0;
	g.c.idle_ns = 100;
	ok(!pg_done(&g, 5000), "--idle: not before the first frame");
	g.st.t_last_pkt = 4000;
	ok(!pg_done(&g, 4099) && pg_done(&g, 4100), "--idle: done 100 ns after the last frame");
	g.c.idle_ns = 0;
	pg_stop_signal = 1;
	ok(pg_done(&g, 0), "a signal stops everything");
	pg_stop_signal = 0;

	setup(PG_RXSEQ);
	seqstat_init(&st, -1);
	g.seq = &st;
	g.c.count = 3;
	g.st.pkts = 10;
	seqstat_feed_seq(&st, 0);
	seqstat_feed_seq(&st, 0);
	seqstat_feed_seq(&st, 1);
	ok(!pg_done(&g, 0), "rxseq -n counts distinct numbers, not frames (dups do not count)");
	seqstat_feed_seq(&st, 2);
	ok(pg_done(&g, 0), "rxseq: done at 3 distinct numbers");
}

static char *slurp_fd(int fd)
{
	static char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/*
 * rxseq --seqlog on a hand-filled rx ring.  The port's fd is /dev/null:
 * poll() says ready, the closing NIOCRXSYNC fails (ENOTTY), so pg_rx
 * returns -1 after the round; what matters is the ring and the log.
 */
static void test_rx_log(void)
{
	static struct seqstat st;
	struct seqlog log;
	struct netmap_ring *r;
	char path[] = "/tmp/t_pktgen.XXXXXX";
	int fd = mkstemp(path), full, i;

	for (int pass = 0; pass < 2; pass++) {
		setup(PG_RXSEQ);
		port.last_rx_ring = 0;
		port.fd = open("/dev/null", O_RDWR);
		r = NETMAP_RXRING(port.nifp, 0);
		for (i = 0; i < 5; i++) {
			struct lm_seqinfo in = { .stream = 7, .seq = (uint32_t)i, .len = 60 };

			r->slot[i].len = (uint16_t)lm_seqframe_build(
				NETMAP_BUF(r, r->slot[i].buf_idx), BUFSZ, &in);
		}
		SET(r->tail, 5);
		seqstat_init(&st, 7);
		g.seq = &st;
		g.c.count = 5;
		g.c.seqlog = path;
		if (fd < 0 || ftruncate(fd, 0) ||
		    seqlog_open_append(&log, path, 7, "t") || seqlog_set_durable(&log)) {
			ok(0, "durable log opens");
			return;
		}
		st.log = &log;
		full = -1;
		if (pass == 1) {
			/* every write of the log now fails with ENOSPC */
			full = open("/dev/full", O_WRONLY);
			if (full < 0 || dup2(full, fileno(log.f)) < 0) {
				ok(0, "/dev/full");
				return;
			}
		}
		is_int(pg_rx(&g), -1, "pg_rx: one round, then the fake port's sync fails");
		if (pass == 0) {
			is_str(slurp_fd(fd), "# lm-seqlog 1 stream=7 reader=t\n0 5\n",
			       "the batch is in the log file while the log is still open");
			ok(r->head == 5 && r->cur == 5, "and released (head 5)");
		} else {
			ok(r->head == 0 && r->cur == 0,
			   "log write failed: the batch is not released (head stays 0)");
		}
		log.error = 0;
		seqlog_close(&log);
		close(port.fd);
		if (full >= 0)
			close(full);
	}
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
}

int main(void)
{
	test_fill();
	test_prefill_and_tx();
	test_done();
	test_rx_log();
	free(mem);
	return done_testing();
}
