// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - bridge: forward every frame between two netmap ports, both ways,
 * until interrupted (or -d SECS).  Zero-copy by buffer swap when the two
 * ports share a memory region, copying otherwise (or with -c).
 *
 *	bridge -i netmap:eth0 -i netmap:eth0^      NIC <-> host stack
 *	bridge -i netmap:eth0 -i netmap:eth1       NIC <-> NIC
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "bridge.h"
#include "lmutil.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: bridge -i PORT_A -i PORT_B [-b BURST] [-T MS] [-d SECS] [-c] [-L] [--json]\n"
"  -i PORT   a netmap port spec; give exactly two\n"
"  -b BURST  most frames moved per direction per round (default 512)\n"
"  -T MS     report interval in ms (default 0: summary only)\n"
"  -d SECS   stop after SECS\n"
"  -c        always copy, even when the ports share memory\n"
"  -L        open the ports with the legacy nm_open() (netmap:... names)\n"
"  --json    summary (and reports) as JSON objects\n");
}

static void report(const struct br_dir dir[2], const char *what, double secs,
		   int json)
{
	int i;

	if (json) {
		printf("{\"type\":\"%s\",\"secs\":%.3f,\"zerocopy\":%d", what,
		       secs, dir[0].zerocopy);
		for (i = 0; i < 2; i++)
			printf(",\"%s\":{\"pkts\":%" PRIu64 ",\"bytes\":%" PRIu64
			       ",\"swaps\":%" PRIu64 ",\"copies\":%" PRIu64
			       ",\"dropped\":%" PRIu64 "}", i ? "b_to_a" : "a_to_b",
			       dir[i].pkts, dir[i].bytes, dir[i].swaps,
			       dir[i].copies, dir[i].dropped);
		printf("}\n");
	} else {
		for (i = 0; i < 2; i++)
			printf("%s %.3f s %s -> %s: %" PRIu64 " frames %" PRIu64
			       " bytes (%" PRIu64 " swapped, %" PRIu64 " copied, %"
			       PRIu64 " dropped)\n", what, secs,
			       dir[i].src->hdr.nr_name, dir[i].dst->hdr.nr_name,
			       dir[i].pkts, dir[i].bytes, dir[i].swaps,
			       dir[i].copies, dir[i].dropped);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *spec[2] = { NULL, NULL };
	struct nmport_d *p[2] = { NULL, NULL };
	struct br_dir dir[2];
	uint64_t burst = 512, report_ms = 0, duration = 0, t0, t_rep;
	int nspec = 0, force_copy = 0, legacy = 0, shared = 0, json = 0;
	int status = 0, o, i;
	struct sigaction sa;

	while ((o = getopt_long(argc, argv, "i:b:T:d:cLh", lo, NULL)) != -1) {
		switch (o) {
		case 'i':
			if (nspec == 2) {
				fprintf(stderr, "bridge: more than two -i\n");
				return 1;
			}
			spec[nspec++] = optarg;
			break;
		case 'b':
			if (lm_parse_u64(optarg, 1, 65536, &burst))
				goto bad;
			break;
		case 'T':
			if (lm_parse_u64(optarg, 0, 3600000, &report_ms))
				goto bad;
			break;
		case 'd':
			if (lm_parse_secs(optarg, &duration))
				goto bad;
			break;
		case 'c':
			force_copy = 1;
			break;
		case 'L':
			legacy = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (nspec != 2 || optind != argc) {
		fprintf(stderr, "bridge: give exactly two ports (-i A -i B)\n");
		usage(stderr);
		return 1;
	}
	if (legacy) {
		if (br_legacy_open(spec, p, &shared) < 0)
			return 1;
	} else {
		for (i = 0; i < 2; i++) {
			p[i] = nmport_open(spec[i]);	/* says why on failure */
			if (p[i] == NULL) {
				status = 1;
				goto out;
			}
		}
		/* one nmem_d per region and context: same pointer, same memory */
		shared = p[0]->mem == p[1]->mem;
	}
	memset(dir, 0, sizeof(dir));
	for (i = 0; i < 2; i++) {
		dir[i].src = p[i];
		dir[i].dst = p[1 - i];
		dir[i].zerocopy = !force_copy && shared;
	}
	if (!json)
		printf("bridge %s <-> %s: %s\n", spec[0], spec[1],
		       dir[0].zerocopy ? "zero-copy (shared region)" : "copying");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	t0 = t_rep = lm_now_ns();
	while (!stop) {
		struct pollfd pfd[2];
		uint64_t now;

		/*
		 * Wait for frames on a side, unless frames already wait there:
		 * then wait for room on the other side.
		 */
		for (i = 0; i < 2; i++) {
			pfd[i].fd = p[i]->fd;
			pfd[i].events = 0;
			pfd[i].revents = 0;
		}
		for (i = 0; i < 2; i++) {
			if (br_rx_pending(p[i]))
				pfd[1 - i].events |= POLLOUT;
			else
				pfd[i].events |= POLLIN;
		}
		/*
		 * Frames the kernel could not take yet (a pipe peer that is
		 * full) are pushed by the next poll()'s txsync, but nothing
		 * wakes a poller that waits for rx only when the peer drains:
		 * retry soon instead of sleeping the full interval.
		 */
		if (poll(pfd, 2, br_tx_pending(p[0]) || br_tx_pending(p[1]) ?
			 1 : 100) < 0 && errno != EINTR) {
			fprintf(stderr, "bridge: poll: %s\n", strerror(errno));
			status = 1;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].revents & (POLLERR | POLLNVAL)) {
				fprintf(stderr, "bridge: %s: poll error\n", spec[i]);
				status = 1;
				goto done;
			}
		}
		for (i = 0; i < 2; i++) {
			if (br_forward(&dir[i], (unsigned int)burst) &&
			    ioctl(p[1 - i]->fd, NIOCTXSYNC, NULL) < 0) {
				fprintf(stderr, "bridge: %s: NIOCTXSYNC: %s\n",
					spec[1 - i], strerror(errno));
				status = 1;
				goto done;
			}
		}
		now = lm_now_ns();
		if (duration && now - t0 >= duration)
			break;
		if (report_ms && now - t_rep >= report_ms * 1000000ull) {
			report(dir, "interval", (double)(now - t0) / 1e9, json);
			t_rep = now;
		}
	}
done:
	report(dir, "summary", (double)(lm_now_ns() - t0) / 1e9, json);
out:
	if (legacy)
		br_legacy_close();
	else
		for (i = 0; i < 2; i++)
			nmport_close(p[i]);
	return status;
bad:
	fprintf(stderr, "bridge: invalid value '%s' for -%c\n", optarg, o);
	return 1;
}
