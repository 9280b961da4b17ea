// SPDX-License-Identifier: BSD-2-Clause
/*
 * core_churn - races on purpose: pipe ends bound and unbound while frames
 * flow, two processes syncing the same ring with conflicting indices,
 * mappings that outlive their fds, info requests in between.
 *
 *   core_churn [-t seconds]
 *
 * Nothing is checked about the frames (ends come and go, frames in a
 * closed ring are dropped by design); what is checked is that every
 * process keeps getting sane answers (0 or a documented errno) and ends
 * normally.  The scenario then checks the kernel log and the module's
 * leak counters.  TAP on stdout.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include "tap.h"
#include "core_util.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A sync result the documentation allows in this test. */
static int sane(int rc)
{
	return rc == 0 || errno == EINVAL;
}

/* Bind "<name>", push or pull frames for a random while, close. */
static int worker_pipe_end(const char *name, int tx, double until, unsigned int seed)
{
	int bad = 0;

	srand(seed);
	while (now() < until) {
		struct cu_port p;
		double stop = now() + (rand() % 200) / 1000.0;
		struct pollfd pfd;

		if (cu_open(&p, name, NR_REG_ALL_NIC, 0)) {
			bad++;
			continue;
		}
		pfd.fd = p.fd;
		pfd.events = tx ? POLLOUT : POLLIN;
		while (now() < stop) {
			struct netmap_ring *r = tx ? cu_txring(&p, 0) : cu_rxring(&p, 0);
			uint32_t k = cu_space(r), i;

			for (i = 0; i < k && i < 64; i++) {
				if (tx)
					r->slot[r->head].len = 60 + rand() % 1400;
				r->head = r->cur = cu_next(r, r->head);
			}
			if (rand() % 2) {
				if (poll(&pfd, 1, 5) < 0)
					bad++;
			} else if (!sane(ioctl(p.fd, tx ? NIOCTXSYNC : NIOCRXSYNC, NULL))) {
				bad++;
			}
		}
		/* Sometimes keep the mapping past close(). */
		if (rand() % 4 == 0) {
			char *m = p.mem;

			close(p.fd);
			(void)*(volatile uint32_t *)(m + p.reg.nr_offset);
			munmap(m, p.reg.nr_memsize);
		} else {
			cu_close(&p);
		}
	}
	return bad;
}

/* Two binders of one rx ring: each moves head on its own, the kernel must
 * reset the ring whenever their views disagree and never crash. */
static int worker_fight(const char *name, double until, unsigned int seed)
{
	struct cu_port p;
	int bad = 0;

	srand(seed);
	while (now() < until) {
		if (cu_open(&p, name, NR_REG_ALL_NIC, 0)) {
			bad++;
			continue;
		}
		while (now() < until && rand() % 500) {
			struct netmap_ring *r = cu_rxring(&p, 0);

			r->head = r->cur = rand() % (r->num_slots + 2);
			if (!sane(ioctl(p.fd, NIOCRXSYNC, NULL)))
				bad++;
		}
		cu_close(&p);
	}
	return bad;
}

/* Info requests and short-lived bindings of many names. */
static int worker_misc(double until, unsigned int seed)
{
	int bad = 0;

	srand(seed);
	while (now() < until) {
		struct nmreq_port_info_get pi;
		struct nmreq_header h;
		char name[32];
		struct cu_port p;
		int fd;

		snprintf(name, sizeof(name), "m%d%c%d", rand() % 4, rand() % 2 ? '{' : '}',
			 rand() % 3);
		if (cu_open(&p, name, rand() % 3 ? NR_REG_ALL_NIC : NR_REG_NULL, 0) == 0)
			cu_close(&p);
		else
			bad++;
		fd = open("/dev/netmap", O_RDWR);
		if (fd < 0) {
			bad++;
			continue;
		}
		memset(&pi, 0, sizeof(pi));
		cu_hdr(&h, "c{0", NETMAP_REQ_PORT_INFO_GET, &pi);
		if (ioctl(fd, NIOCCTRL, &h))
			bad++;
		close(fd);
	}
	return bad;
}

int main(int argc, char **argv)
{
	double secs = 20, until;
	struct { const char *what; pid_t pid; } kids[8];
	int n = 0, i, opt;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt == 't') {
			secs = atof(optarg);
		} else {
			fprintf(stderr, "usage: %s [-t seconds]\n", argv[0]);
			return 2;
		}
	}
	until = now() + secs;

#define SPAWN(desc, call) do {						\
		pid_t _p = fork();					\
		if (_p == 0)						\
			_exit((call) ? 1 : 0);				\
		kids[n].what = desc;					\
		kids[n++].pid = _p;					\
	} while (0)

	SPAWN("sender on c{0 comes and goes", worker_pipe_end("c{0", 1, until, 1));
	SPAWN("receiver on c}0 comes and goes", worker_pipe_end("c}0", 0, until, 2));
	SPAWN("second sender on c}0 (reverse path)", worker_pipe_end("c}0", 1, until, 3));
	SPAWN("second receiver on c{0", worker_pipe_end("c{0", 0, until, 4));
	SPAWN("two processes fight over d}0 indices (1)", worker_fight("d}0", until, 5));
	SPAWN("two processes fight over d}0 indices (2)", worker_fight("d}0", until, 6));
	SPAWN("sender into the fight on d{0", worker_pipe_end("d{0", 1, until, 7));
	SPAWN("info requests and short bindings", worker_misc(until, 8));

	for (i = 0; i < n; i++) {
		int status;

		if (kids[i].pid < 0) {
			ok(0, "%s: fork failed", kids[i].what);
			continue;
		}
		waitpid(kids[i].pid, &status, 0);
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "%s: only documented answers, normal exit (status %#x)",
		   kids[i].what, status);
	}
	return done_testing();
}
