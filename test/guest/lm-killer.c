// SPDX-License-Identifier: BSD-2-Clause
/*
 * lm-killer - SIGKILL a netmap application at random points of its life,
 * cycle after cycle, and measure how soon the stack receives again
 * (issue 5: "SIGKILL of the application at random points of 200 enter/exit
 * cycles: no warning, no leak, the stack receives again within 10 ms of
 * the kill").
 *
 *   lm-killer -i IF -n CYCLES [options] -- APP [ARGS...]
 *
 * Per cycle: fork + exec APP (e.g. pkt-gen -f rxseq -i netmap:eth0, which
 * runs until killed), sleep a random delay, kill(SIGKILL), waitpid, then
 * wait for the stack's first frame.  The delay is drawn from a seeded
 * PRNG (the seed is printed; --seed replays the same delays): --early-pct
 * of the kills fall in [0, --early-ms) -- exec, open, the register call --
 * the others in [--early-ms, --max-ms) -- receiving.
 *
 * The stack's side is seen through an AF_PACKET socket of our own, bound
 * to IF for one ethertype, with SO_TIMESTAMPNS: the kernel stamps each
 * frame when the stack receives it.  Recovery latency = the first frame
 * stamped at or after the kill's CLOCK_REALTIME minus that time (at 2,000
 * frames/s a frame is due every 0.5 ms, the resolution).
 *
 * Each kill is classified from what is visible just before it (kill_ms,
 * fork to kill as it happened, can exceed delay_ms: the reads below take
 * time, and the app may run meanwhile):
 *   before_register  livemap's rings_in_use is 0: no port bound yet (exec,
 *                    open, or the register call still running)
 *   registered       rings are bound, the app has logged no frame yet
 *   receiving        the app's --applog (a durable seqlog) has frames
 * For a kill of a receiving app with a delay longer than --window-ms, the
 * app's log is read --window-ms before the kill: if it already had frames
 * then, the app owned the rx ring for the whole window, and the stack must
 * receive nothing stamped inside it (stack_while_held counts violations).
 *
 * Output: one JSON line per cycle ({"type":"cycle",...}) and a summary
 * ({"type":"summary",...}; recovery min/median/p99/max in ms).  Exit
 * status: 0 every kill was a SIGKILL death, every cycle recovered within
 * --limit-ms and no frame reached the stack while the app held the port;
 * 1 otherwise; 2 usage or setup error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lmutil.h"
#include "seqframe.h"

enum phase { PH_BEFORE, PH_REGISTERED, PH_RECEIVING, PH_N };
static const char *const phase_name[PH_N] = { "before_register", "registered", "receiving" };

struct opts {
	const char *ifname;
	uint64_t cycles;
	uint64_t seed;
	int have_seed;
	uint64_t early_ms, max_ms, early_pct, pause_min_ms, pause_ms, window_ms, recover_ms;
	uint64_t limit_ms;
	uint64_t ethertype;
	const char *applog;
	const char *app_err;
	const char *stats;
	int kmsg;		/* /dev/kmsg fd, or -1 */
	char **app;
};

struct cycle {
	uint64_t n;
	double delay_ms, reap_ms, recovery_ms;	/* recovery_ms < 0: none */
	double kill_ms;			/* fork to kill as it happened (>= delay_ms) */
	enum phase phase;
	int rings;			/* rings_in_use just before the kill, -1 unknown */
	int rings_reaped;		/* and right after waitpid() returned */
	int window;			/* the held-port window was checked */
	uint64_t held_frames;		/* stack frames stamped inside that window */
	uint64_t pre_kill;		/* stack frames drained just before the kill */
	uint64_t app_frames;		/* numbers the app logged this cycle */
	uint64_t sock_drops;
	int status;			/* waitpid status */
	uint32_t first_seq;		/* stack's first frame after the kill */
	int first_valid;
};

static uint64_t rng_state;

/* splitmix64: tiny, seedable, good enough to spread kill points */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform in [lo, hi) nanoseconds, from millisecond bounds */
static uint64_t rnd_ns(uint64_t lo_ms, uint64_t hi_ms)
{
	uint64_t span = (hi_ms - lo_ms) * 1000000ull;

	return lo_ms * 1000000ull + (span ? rnd() % span : 0);
}

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void usage(FILE *out)
{
	fputs("usage: lm-killer -i IF -n CYCLES [options] -- APP [ARGS...]\n"
	      "  --seed S         PRNG seed (default: from the clock; always printed)\n"
	      "  --early-ms E     early kills fall in [0, E) ms after fork (default 60)\n"
	      "  --max-ms M       the others in [E, M) ms (default 500)\n"
	      "  --early-pct P    share of early kills, percent (default 50)\n"
	      "  --pause-ms P     random pause [MIN, P] ms after each recovery (default 20)\n"
	      "  --pause-min-ms MIN  (default 0: the next app may enter while the last\n"
	      "                   exit's lent buffers are still being converted back)\n"
	      "  --window-ms W    held-port window checked before the kill (default 20)\n"
	      "  --recover-ms T   give up waiting for the stack after T ms (default 2000)\n"
	      "  --limit-ms L     recovery limit for the exit status (default 10)\n"
	      "  --ethertype T    frames the stack socket takes (default 0x88b5)\n"
	      "  --applog FILE    the app's durable seqlog (classifies kills)\n"
	      "  --app-err FILE   the app's stderr, appended (default: ours)\n"
	      "  --stats FILE     livemap's stats (default /sys/module/livemap/parameters/stats)\n"
	      "  --kmsg           one line per kill in the kernel log, written before the\n"
	      "                   kill (an oops on the console then says which kill)\n",
	      out);
}

static int parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", 1, 0, 's' }, { "early-ms", 1, 0, 'e' }, { "max-ms", 1, 0, 'm' },
		{ "early-pct", 1, 0, 'p' }, { "pause-ms", 1, 0, 'P' }, { "pause-min-ms", 1, 0, 'Q' },
		{ "window-ms", 1, 0, 'W' }, { "recover-ms", 1, 0, 'r' },
		{ "limit-ms", 1, 0, 'l' }, { "ethertype", 1, 0, 't' },
		{ "applog", 1, 0, 'a' }, { "app-err", 1, 0, 'E' }, { "stats", 1, 0, 'S' },
		{ "kmsg", 0, 0, 'K' }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 }
	};
	/* The numeric options: code, where, bounds. */
	const struct { int c; uint64_t *v, min, max; } num[] = {
		{ 'n', &o->cycles, 1, 1000000 }, { 's', &o->seed, 0, UINT64_MAX },
		{ 'e', &o->early_ms, 1, 600000 }, { 'm', &o->max_ms, 1, 600000 },
		{ 'p', &o->early_pct, 0, 100 }, { 'P', &o->pause_ms, 0, 600000 },
		{ 'Q', &o->pause_min_ms, 0, 600000 }, { 'W', &o->window_ms, 1, 600000 },
		{ 'r', &o->recover_ms, 1, 600000 }, { 'l', &o->limit_ms, 1, 600000 },
		{ 't', &o->ethertype, 0x600, 0xffff },
	};
	size_t k;
	int c;

	o->early_ms = 60;
	o->max_ms = 500;
	o->early_pct = 50;
	o->pause_ms = 20;
	o->window_ms = 20;
	o->recover_ms = 2000;
	o->limit_ms = 10;
	o->ethertype = LM_SEQ_ETHERTYPE;
	o->stats = "/sys/module/livemap/parameters/stats";
	o->kmsg = -1;
	while ((c = getopt_long(argc, argv, "+i:n:h", lo, NULL)) != -1) {
		for (k = 0; k < sizeof(num) / sizeof(num[0]) && num[k].c != c; k++)
			;
		if (k < sizeof(num) / sizeof(num[0])) {
			if (lm_parse_u64(optarg, num[k].min, num[k].max, num[k].v))
				return -1;
			o->have_seed |= c == 's';
			continue;
		}
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'a':
			o->applog = optarg;
			break;
		case 'E':
			o->app_err = optarg;
			break;
		case 'S':
			o->stats = optarg;
			break;
		case 'K':
			o->kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
			if (o->kmsg < 0) {
				perror("lm-killer: /dev/kmsg");
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (!o->ifname || !o->cycles || optind >= argc || o->max_ms <= o->early_ms ||
	    o->pause_min_ms > o->pause_ms)
		return -1;
	o->app = argv + optind;
	return 0;
}

/* ------------------------------------------------------------ the stack's socket */

static int stack_socket(const struct opts *o)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd, one = 1, buf = 16 << 20;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    htons((uint16_t)o->ethertype));
	if (fd < 0) {
		perror("lm-killer: socket(AF_PACKET)");
		return -1;
	}
	sll.sll_protocol = htons((uint16_t)o->ethertype);
	sll.sll_ifindex = (int)if_nametoindex(o->ifname);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "lm-killer: %s: no such interface\n", o->ifname);
		goto fail;
	}
	/* Big enough for seconds of the stream: a full buffer would drop
	 * exactly the frames the window and recovery checks look at. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("lm-killer: SO_TIMESTAMPNS/bind");
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

struct rxframe {
	int64_t ts;		/* kernel receive stamp, CLOCK_REALTIME ns */
	uint32_t seq;
	int valid;		/* a sequence frame */
};

static uint64_t netdown;

/* One received frame (not our own transmissions): 1, 0 none queued, -1 error. */
static int rx_one(int fd, struct rxframe *f)
{
	uint8_t buf[2048];
	union {
		char b[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_ll from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct lm_seqinfo info;
	struct cmsghdr *cm;
	ssize_t n;

	for (;;) {
		mh.msg_controllen = sizeof(ctl.b);
		mh.msg_namelen = sizeof(from);
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENETDOWN) {	/* reported once per down */
				netdown++;
				continue;
			}
			perror("lm-killer: recvmsg");
			return -1;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		f->ts = -1;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				f->ts = (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
			}
		}
		if (f->ts < 0)
			f->ts = realtime_ns();	/* no stamp: the latest it could be */
		f->valid = lm_seqframe_parse(buf, (size_t)n, 0, &info) == LM_SEQ_OK;
		f->seq = f->valid ? info.seq : 0;
		return 1;
	}
}

/* Read every queued frame; count those stamped at or after `since`. */
static int drain(int fd, int64_t since, uint64_t *total, uint64_t *after)
{
	struct rxframe f;
	int r;

	while ((r = rx_one(fd, &f)) > 0) {
		if (total)
			(*total)++;
		if (after && f.ts >= since)
			(*after)++;
	}
	return r;
}

static uint64_t sock_drops(int fd)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	/* Counters since the previous call (the kernel resets them). */
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		return 0;
	return st.tp_drops;
}

/* ------------------------------------------------------------ what the app did */

/* rings_in_use from livemap's stats, or -1 when unreadable. */
static int rings_in_use(const char *path)
{
	char buf[1024], *p;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "rings_in_use ");
	return p ? atoi(p + 13) : -1;
}

static off_t file_size(const char *path)
{
	struct stat sb;

	return path && !stat(path, &sb) ? sb.st_size : 0;
}

/*
 * Numbers the app logged after offset `off` (its durable seqlog): the sum
 * of COUNT over complete "START COUNT" lines; comments, the truncation
 * marker and a partial last line are not frames.  With `any`, stop at the
 * first range (1 if there is one).
 */
static uint64_t applog_frames(const char *path, off_t off, int any)
{
	char buf[8192], line[64];
	size_t ll = 0;
	uint64_t frames = 0;
	unsigned long long s, c;
	ssize_t n, i;
	int fd, junk = 0;

	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		off += n;
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = buf[i];
				else
					junk = 1;
				continue;
			}
			line[ll] = '\0';
			if (!junk && sscanf(line, "%llu %llu", &s, &c) == 2 && !strchr(line, '#')) {
				frames += c;
				if (any) {
					close(fd);
					return 1;
				}
			}
			ll = 0;
			junk = 0;
		}
	}
	close(fd);
	return frames;
}

/* ------------------------------------------------------------ one cycle */

static pid_t spawn(const struct opts *o)
{
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	fd = open("/dev/null", O_WRONLY);
	if (fd >= 0)
		dup2(fd, STDOUT_FILENO);
	if (o->app_err) {
		fd = open(o->app_err, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
	}
	execvp(o->app[0], o->app);
	fprintf(stderr, "lm-killer: exec %s: %s\n", o->app[0], strerror(errno));
	_exit(127);
}

static int run_cycle(const struct opts *o, int sfd, struct cycle *cy)
{
	uint64_t delay = rnd() % 100 < o->early_pct ? rnd_ns(0, o->early_ms)
						     : rnd_ns(o->early_ms, o->max_ms);
	uint64_t pause = rnd_ns(o->pause_min_ms, o->pause_ms + 1);
	uint64_t win = o->window_ms * 1000000ull, t0, t_reap, deadline;
	int64_t t_obs = 0, t_kill;
	off_t off = file_size(o->applog);
	int held = 0, r;
	struct rxframe f;
	pid_t pid;

	cy->delay_ms = (double)delay / 1e6;
	cy->recovery_ms = -1;
	if (drain(sfd, 0, NULL, NULL) < 0)
		return -1;
	sock_drops(sfd);	/* reset */

	t0 = lm_now_ns();
	pid = spawn(o);
	if (pid < 0) {
		perror("lm-killer: fork");
		return -1;
	}
	if (o->applog && delay > win) {
		/* Was the app already receiving one window before the kill? */
		lm_sleep_until(t0 + delay - win);
		held = applog_frames(o->applog, off, 1) > 0;
		if (drain(sfd, 0, NULL, NULL) < 0)
			return -1;
		t_obs = realtime_ns();
	}
	lm_sleep_until(t0 + delay);
	cy->rings = rings_in_use(o->stats);
	if (applog_frames(o->applog, off, 1))
		cy->phase = PH_RECEIVING;
	else
		cy->phase = cy->rings > 0 ? PH_REGISTERED : PH_BEFORE;
	if (drain(sfd, t_obs, &cy->pre_kill, held ? &cy->held_frames : NULL) < 0)
		return -1;

	if (o->kmsg >= 0) {
		char m[160];
		int len = snprintf(m, sizeof(m), "<5>lm-killer: cycle %" PRIu64
				   " kill after %.3f ms, %s\n", cy->n, cy->delay_ms,
				   phase_name[cy->phase]);

		if (write(o->kmsg, m, (size_t)len) < 0)
			perror("lm-killer: /dev/kmsg");
	}
	t_kill = realtime_ns();
	cy->kill_ms = (double)(lm_now_ns() - t0) / 1e6;
	kill(pid, SIGKILL);
	while (waitpid(pid, &cy->status, 0) < 0 && errno == EINTR)
		;
	t_reap = lm_now_ns();
	cy->reap_ms = (double)(realtime_ns() - t_kill) / 1e6;
	/* The app's close (the exit switch) has run by now: its rings are gone. */
	cy->rings_reaped = rings_in_use(o->stats);

	/* The stack's first frame stamped at or after the kill. */
	deadline = t_reap + o->recover_ms * 1000000ull;
	for (;;) {
		r = rx_one(sfd, &f);
		if (r < 0)
			return -1;
		if (r > 0) {
			if (f.ts < t_kill) {
				/* queued between the last drain and the kill */
				cy->pre_kill++;
				if (held && f.ts >= t_obs)
					cy->held_frames++;
				continue;
			}
			cy->recovery_ms = (double)(f.ts - t_kill) / 1e6;
			cy->first_seq = f.seq;
			cy->first_valid = f.valid;
			break;
		}
		if (lm_now_ns() >= deadline)
			break;
		{
			struct pollfd p = { .fd = sfd, .events = POLLIN };

			poll(&p, 1, 1);
		}
	}
	cy->window = held;
	cy->sock_drops = sock_drops(sfd);
	cy->app_frames = applog_frames(o->applog, off, 0);
	if (o->kmsg >= 0) {
		char m[160];
		int len = snprintf(m, sizeof(m), "<5>lm-killer: cycle %" PRIu64
				   " reaped after %.3f ms (rings then %d), stack after %.3f ms\n",
				   cy->n, cy->reap_ms, cy->rings_reaped, cy->recovery_ms);

		if (write(o->kmsg, m, (size_t)len) < 0)
			perror("lm-killer: /dev/kmsg");
	}
	lm_sleep_until(lm_now_ns() + pause);
	return 0;
}

/* ------------------------------------------------------------ report */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* nearest-rank percentile of a sorted array */
static double pct(const double *v, size_t n, double p)
{
	size_t k;

	if (!n)
		return -1;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	return v[k > n ? n - 1 : k - 1];
}

static void print_dist(const char *name, double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	if (!n) {
		printf(",\"%s_min_ms\":null,\"%s_median_ms\":null,\"%s_p99_ms\":null,"
		       "\"%s_max_ms\":null", name, name, name, name);
		return;
	}
	printf(",\"%s_min_ms\":%.3f,\"%s_median_ms\":%.3f,\"%s_p99_ms\":%.3f,\"%s_max_ms\":%.3f",
	       name, v[0], name, pct(v, n, 50), name, pct(v, n, 99), name, v[n - 1]);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct cycle cy;
	double *lat, *reap, *lat_ph[PH_N];
	size_t nlat = 0, nreap = 0, nph[PH_N] = { 0 };
	uint64_t i, killed = 0, app_exited = 0, no_recovery = 0, over = 0, held_checked = 0;
	uint64_t held_frames = 0, drops = 0, app_frames = 0, ph[PH_N] = { 0 }, invalid_first = 0;
	int sfd, k, bad;

	if (parse_args(&o, argc, argv)) {
		usage(stderr);
		return 2;
	}
	if (!o.have_seed)
		o.seed = (uint64_t)realtime_ns() ^ ((uint64_t)getpid() << 32);
	rng_state = o.seed;
	lat = calloc(o.cycles, sizeof(*lat));
	reap = calloc(o.cycles, sizeof(*reap));
	for (k = 0; k < PH_N; k++)
		lat_ph[k] = calloc(o.cycles, sizeof(double));
	if (!lat || !reap || !lat_ph[0] || !lat_ph[1] || !lat_ph[2]) {
		perror("lm-killer: calloc");
		return 2;
	}
	sfd = stack_socket(&o);
	if (sfd < 0)
		return 2;
	printf("{\"type\":\"start\",\"seed\":%" PRIu64 ",\"cycles\":%" PRIu64
	       ",\"early_ms\":%" PRIu64 ",\"max_ms\":%" PRIu64 ",\"early_pct\":%" PRIu64
	       ",\"pause_min_ms\":%" PRIu64 ",\"pause_ms\":%" PRIu64 "}\n",
	       o.seed, o.cycles, o.early_ms, o.max_ms, o.early_pct, o.pause_min_ms, o.pause_ms);
	fflush(stdout);

	for (i = 1; i <= o.cycles; i++) {
		memset(&cy, 0, sizeof(cy));
		cy.n = i;
		if (run_cycle(&o, sfd, &cy) < 0)
			return 2;
		if (WIFSIGNALED(cy.status) && WTERMSIG(cy.status) == SIGKILL)
			killed++;
		else
			app_exited++;
		ph[cy.phase]++;
		if (cy.recovery_ms < 0) {
			no_recovery++;
		} else {
			lat[nlat++] = cy.recovery_ms;
			lat_ph[cy.phase][nph[cy.phase]++] = cy.recovery_ms;
			if (cy.recovery_ms > (double)o.limit_ms)
				over++;
			if (!cy.first_valid)
				invalid_first++;
		}
		reap[nreap++] = cy.reap_ms;
		held_checked += cy.window;
		held_frames += cy.held_frames;
		drops += cy.sock_drops;
		app_frames += cy.app_frames;
		printf("{\"type\":\"cycle\",\"n\":%" PRIu64 ",\"delay_ms\":%.3f,\"kill_ms\":%.3f,"
		       "\"phase\":\"%s\","
		       "\"rings\":%d,\"rings_reaped\":%d,\"app_frames\":%" PRIu64
		       ",\"killed\":%s,\"status\":%d,"
		       "\"reap_ms\":%.3f,\"recovery_ms\":",
		       cy.n, cy.delay_ms, cy.kill_ms, phase_name[cy.phase], cy.rings, cy.rings_reaped,
		       cy.app_frames,
		       WIFSIGNALED(cy.status) && WTERMSIG(cy.status) == SIGKILL ? "true" : "false",
		       cy.status, cy.reap_ms);
		if (cy.recovery_ms < 0)
			fputs("null", stdout);
		else
			printf("%.3f", cy.recovery_ms);
		printf(",\"first_seq\":%" PRIu32 ",\"window\":%d,\"held_frames\":%" PRIu64
		       ",\"pre_kill\":%" PRIu64 ",\"sock_drops\":%" PRIu64 "}\n",
		       cy.first_seq, cy.window, cy.held_frames, cy.pre_kill, cy.sock_drops);
		fflush(stdout);
	}

	bad = app_exited || no_recovery || over || held_frames;
	printf("{\"type\":\"summary\",\"seed\":%" PRIu64 ",\"cycles\":%" PRIu64
	       ",\"killed\":%" PRIu64 ",\"app_exited\":%" PRIu64
	       ",\"before_register\":%" PRIu64 ",\"registered\":%" PRIu64
	       ",\"receiving\":%" PRIu64 ",\"recovered\":%zu,\"no_recovery\":%" PRIu64
	       ",\"limit_ms\":%" PRIu64 ",\"over_limit\":%" PRIu64 ",\"invalid_first\":%" PRIu64
	       ",\"held_checked\":%" PRIu64 ",\"stack_while_held\":%" PRIu64
	       ",\"sock_drops\":%" PRIu64 ",\"netdown\":%" PRIu64 ",\"app_frames\":%" PRIu64,
	       o.seed, o.cycles, killed, app_exited, ph[PH_BEFORE], ph[PH_REGISTERED],
	       ph[PH_RECEIVING], nlat, no_recovery, o.limit_ms, over, invalid_first,
	       held_checked, held_frames, drops, netdown, app_frames);
	for (k = 0; k < PH_N; k++)
		print_dist(phase_name[k], lat_ph[k], nph[k]);
	print_dist("reap", reap, nreap);
	print_dist("recovery", lat, nlat);	/* last: json_get-friendly */
	printf(",\"ok\":%s}\n", bad ? "false" : "true");
	close(sfd);
	return bad ? 1 : 0;
}
