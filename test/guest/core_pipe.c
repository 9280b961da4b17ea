// SPDX-License-Identifier: BSD-2-Clause
/*
 * core_pipe - frames through a netmap pipe, both ends blocking in poll().
 *
 *   core_pipe [-n frames] [-l len] [-b batch] [-p pipe-base]
 *
 * A child process binds "<base>}0" and sleeps in poll(POLLIN) before the
 * parent binds "<base>{0" and sends numbered frames, sleeping in
 * poll(POLLOUT) whenever the ring is full.  The receiver checks every
 * frame: the sequence number (no gap, duplicate or reordering), the
 * length, the last payload byte and NS_BUF_CHANGED (pipes swap buffers).
 * Poll timeouts are 2 s and counted: with no lost wake-up there are none.
 * -l 0 varies the length from 60 to 1514 bytes.  TAP on stdout.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include "tap.h"
#include "core_util.h"

#define POLL_MS	2000

struct rx_result {
	volatile int ready;		/* receiver bound and about to poll */
	uint64_t frames, bad_seq, bad_len, bad_data, no_bufchg, timeouts;
	uint64_t first_bad_seq, want_at_bad;
	int err;
};

static uint16_t frame_len(uint64_t seq, unsigned int len)
{
	return len ? (uint16_t)len : (uint16_t)(60 + seq % (1514 - 60 + 1));
}

static void fill(char *buf, uint64_t seq, uint16_t len)
{
	memcpy(buf, &seq, sizeof(seq));
	buf[len - 1] = (char)(seq * 31 + 7);
}

static void receiver(const char *name, uint64_t n, unsigned int len,
		     struct rx_result *res)
{
	struct pollfd pfd;
	struct netmap_ring *r;
	struct cu_port p;
	uint64_t want = 0;

	res->err = cu_open(&p, name, NR_REG_ALL_NIC, 0);
	if (res->err) {
		res->ready = 1;
		return;
	}
	r = cu_rxring(&p, 0);
	__atomic_store_n(&res->ready, 1, __ATOMIC_RELEASE);
	pfd.fd = p.fd;
	pfd.events = POLLIN;
	while (want < n) {
		int k = poll(&pfd, 1, POLL_MS);

		if (k < 0) {
			res->err = -errno;
			break;
		}
		if (k == 0) {
			if (++res->timeouts > 5)
				break;	/* the sender is gone */
			continue;
		}
		while (r->head != r->tail) {
			struct netmap_slot *s = &r->slot[r->head];
			char *buf = cu_buf(r, s->buf_idx);
			uint64_t seq;

			memcpy(&seq, buf, sizeof(seq));
			if (seq != want && !res->bad_seq++) {
				res->first_bad_seq = seq;
				res->want_at_bad = want;
			}
			if (s->len != frame_len(seq, len))
				res->bad_len++;
			else if (buf[s->len - 1] != (char)(seq * 31 + 7))
				res->bad_data++;
			if (!(s->flags & NS_BUF_CHANGED))
				res->no_bufchg++;
			want = seq + 1;
			res->frames++;
			r->head = r->cur = cu_next(r, r->head);
		}
	}
	cu_close(&p);
}

int main(int argc, char **argv)
{
	uint64_t n = 1000000, sent = 0, tx_timeouts = 0;
	unsigned int len = 60, batch = 512;
	const char *base = "cp";
	char txname[64], rxname[64];
	struct rx_result *res;
	struct netmap_ring *t;
	struct pollfd pfd;
	struct timespec t0, t1;
	struct cu_port p;
	int opt, status, err;
	pid_t pid;
	double secs;

	while ((opt = getopt(argc, argv, "n:l:b:p:")) != -1) {
		switch (opt) {
		case 'n': n = strtoull(optarg, NULL, 0); break;
		case 'l': len = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'p': base = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-n frames] [-l len|0] [-b batch] [-p base]\n",
				argv[0]);
			return 2;
		}
	}
	if ((len && (len < 8 || len > 2048)) || !batch) {
		fprintf(stderr, "core_pipe: -l must be 0 or 8..2048, -b > 0\n");
		return 2;
	}
	snprintf(txname, sizeof(txname), "%s{0", base);
	snprintf(rxname, sizeof(rxname), "%s}0", base);
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(res, 0, sizeof(*res));

	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		receiver(rxname, n, len, res);
		_exit(0);
	}
	while (!__atomic_load_n(&res->ready, __ATOMIC_ACQUIRE))
		usleep(1000);
	usleep(100000);	/* let the receiver fall asleep in poll() */
	ok(res->err == 0, "receiver bound %s (err %d)", rxname, res->err);

	err = cu_open(&p, txname, NR_REG_ALL_NIC, 0);
	ok(err == 0, "sender bound %s (err %d)", txname, err);
	if (err) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return done_testing();
	}
	t = cu_txring(&p, 0);
	is_int(t->num_slots, p.reg.nr_tx_slots, "tx ring has nr_tx_slots slots");
	pfd.fd = p.fd;
	pfd.events = POLLOUT;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sent < n) {
		uint32_t room = cu_space(t), k;

		if (!room) {
			int rc = poll(&pfd, 1, POLL_MS);

			if (rc < 0) {
				perror("poll");
				break;
			}
			if (rc == 0 && ++tx_timeouts > 5)
				break;
			continue;
		}
		for (k = 0; k < room && k < batch && sent < n; k++, sent++) {
			struct netmap_slot *s = &t->slot[t->head];
			uint16_t l = frame_len(sent, len);

			fill(cu_buf(t, s->buf_idx), sent, l);
			s->len = l;
			t->head = t->cur = cu_next(t, t->head);
		}
		if (ioctl(p.fd, NIOCTXSYNC, NULL)) {
			perror("NIOCTXSYNC");
			break;
		}
	}
	/* Push what is still pending until the receiver has taken it all
	 * (bounded: 30 s, in case the receiver died). */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	while (cu_space(t) != t->num_slots - 1 && tx_timeouts <= 5) {
		struct timespec now;

		if (poll(&pfd, 1, POLL_MS) == 0)
			tx_timeouts++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t1.tv_sec > 30) {
			diag("sender: %u frames still pending after 30 s",
			     t->num_slots - 1 - cu_space(t));
			break;
		}
	}
	waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	diag("%llu frames in %.2f s: %.0f frames/s", (unsigned long long)sent,
	     secs, secs > 0 ? sent / secs : 0.0);

	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "receiver exited cleanly");
	ok(sent == n, "sent %llu of %llu frames", (unsigned long long)sent,
	   (unsigned long long)n);
	ok(res->frames == n, "received %llu of %llu frames",
	   (unsigned long long)res->frames, (unsigned long long)n);
	ok(res->bad_seq == 0, "no gap, duplicate or reordering (%llu bad; first got %llu want %llu)",
	   (unsigned long long)res->bad_seq, (unsigned long long)res->first_bad_seq,
	   (unsigned long long)res->want_at_bad);
	ok(res->bad_len == 0, "every length intact (%llu bad)",
	   (unsigned long long)res->bad_len);
	ok(res->bad_data == 0, "every payload tail intact (%llu bad)",
	   (unsigned long long)res->bad_data);
	ok(res->no_bufchg == 0, "every received slot has NS_BUF_CHANGED (%llu without)",
	   (unsigned long long)res->no_bufchg);
	ok(tx_timeouts == 0, "sender never timed out in poll() (%llu)",
	   (unsigned long long)tx_timeouts);
	ok(res->timeouts == 0, "receiver never timed out in poll() (%llu)",
	   (unsigned long long)res->timeouts);
	cu_close(&p);
	return done_testing();
}
