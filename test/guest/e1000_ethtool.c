// SPDX-License-Identifier: BSD-2-Clause
/*
 * e1000_ethtool - the few ethtool operations the e1000 scenarios need, for
 * a guest without ethtool.  Talks SIOCETHTOOL directly.
 *
 *   e1000_ethtool -i IF                 driver name and bus
 *   e1000_ethtool -S IF                 all statistics, "name value" lines
 *   e1000_ethtool -s IF NAME            one statistic's value
 *   e1000_ethtool -g IF                 "rx N tx N max_rx N max_tx N"
 *   e1000_ethtool -G IF RX TX           set ring sizes
 *   e1000_ethtool -l IF                 "speed N duplex full|half|unknown"
 *   e1000_ethtool -W IF PID MS T0 NAME JSON
 *        sample every MS ms while process PID lives (the first MS ms after
 *        the start, not over it), one line per sample:
 *        "ms carrier_changes carrier NAME's-value app_frames", ms counted
 *        from T0 (CLOCK_BOOTTIME ms, as /proc/uptime), app_frames the last
 *        "total_pkts" in the file JSON (pkt-gen -T --json), 0 before any,
 *        NAME "-" for no statistic.  One process instead of a shell loop
 *        forking a dozen times per sample on the guest's one vCPU, which
 *        is also the CPU the sampled switch runs on.
 *
 * Exit: 0 ok, 1 the kernel refused (errno printed), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fd = -1;
static const char *ifname;

static void usage(void);

static int eioctl(void *cmd, const char *what)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
		fprintf(stderr, "e1000_ethtool: %s on %s: %s\n", what, ifname, strerror(errno));
		return -1;
	}
	return 0;
}

/* Fetch strings and values together; caller frees both. */
static int get_stats(struct ethtool_gstrings **strs, struct ethtool_stats **vals)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 len;
	} info = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ull << ETH_SS_STATS } };
	__u32 n;

	if (eioctl(&info, "ETHTOOL_GSSET_INFO"))
		return -1;
	n = info.hdr.sset_mask ? info.len : 0;
	*strs = calloc(1, sizeof(**strs) + (size_t)n * ETH_GSTRING_LEN);
	*vals = calloc(1, sizeof(**vals) + (size_t)n * sizeof(__u64));
	if (!*strs || !*vals)
		return -1;
	(*strs)->cmd = ETHTOOL_GSTRINGS;
	(*strs)->string_set = ETH_SS_STATS;
	(*strs)->len = n;
	(*vals)->cmd = ETHTOOL_GSTATS;
	(*vals)->n_stats = n;
	if (eioctl(*strs, "ETHTOOL_GSTRINGS") || eioctl(*vals, "ETHTOOL_GSTATS"))
		return -1;
	return (int)n;
}

/* Statistic i's name, NUL-terminated, into name[ETH_GSTRING_LEN + 1]. */
static const char *stat_name(const struct ethtool_gstrings *s, int i, char *name)
{
	memcpy(name, s->data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
	name[ETH_GSTRING_LEN] = 0;
	return name;
}

/* The index of statistic `want` among n, or -1 (said on stderr). */
static int stat_find(const struct ethtool_gstrings *s, int n, const char *want)
{
	char name[ETH_GSTRING_LEN + 1];
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(stat_name(s, i, name), want))
			return i;
	if (n >= 0)
		fprintf(stderr, "e1000_ethtool: no statistic '%s'\n", want);
	return -1;
}

static int cmd_stats(const char *only)
{
	struct ethtool_gstrings *s = NULL;
	struct ethtool_stats *v = NULL;
	int i, n = get_stats(&s, &v), rc = n < 0;

	if (n >= 0 && only) {
		i = stat_find(s, n, only);
		if (i >= 0)
			printf("%llu\n", (unsigned long long)v->data[i]);
		rc = i < 0;
	} else {
		for (i = 0; i < n; i++) {
			char name[ETH_GSTRING_LEN + 1];

			printf("%s %llu\n", stat_name(s, i, name),
			       (unsigned long long)v->data[i]);
		}
	}
	free(s);
	free(v);
	return rc;
}

static long long boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One sysfs value of IF, or -1. */
static long long if_attr(const char *attr)
{
	char path[128], buf[32];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	f = open(path, O_RDONLY);
	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 10);
}

/*
 * The last "total_pkts":N in the complete lines of JSON; *off is where the
 * lines not read yet begin (the file only grows while its writer lives).
 */
static unsigned long long json_total(const char *json, off_t *off, unsigned long long last)
{
	static const char key[] = "\"total_pkts\":";
	char buf[8192], *line, *nl, *p;
	ssize_t n;
	int f = open(json, O_RDONLY);

	if (f < 0)
		return last;
	while ((n = pread(f, buf, sizeof(buf) - 1, *off)) > 0) {
		buf[n] = 0;
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = 0;
			p = strstr(line, key);
			if (p)
				last = strtoull(p + sizeof(key) - 1, NULL, 10);
		}
		if (line == buf)	/* no complete line (or one longer than buf) */
			break;
		*off += line - buf;
	}
	close(f);
	return last;
}

static int cmd_watch(char **av)
{
	long pid = strtol(av[0], NULL, 10);
	long every = strtol(av[1], NULL, 10);
	long long t0 = strtoll(av[2], NULL, 10);
	const char *stat = av[3], *json = av[4];
	struct ethtool_gstrings *s = NULL;
	struct ethtool_stats *v = NULL;
	unsigned long long tp = 0;
	off_t off = 0;
	int idx = -1, n;

	if (pid <= 0 || every <= 0 || every > 10000)
		usage();
	if (strcmp(stat, "-")) {
		n = get_stats(&s, &v);
		idx = stat_find(s, n, stat);
		if (idx < 0)
			return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The first sample one period in: not over the process's start. */
	for (;;) {
		struct timespec d = { every / 1000, (every % 1000) * 1000000L };
		long long cc, car;

		nanosleep(&d, NULL);
		if (kill((pid_t)pid, 0) && errno != EPERM)
			break;
		cc = if_attr("carrier_changes");
		car = if_attr("carrier");
		tp = json_total(json, &off, tp);
		printf("%lld %lld %lld ", boot_ms() - t0, cc, car);
		if (idx >= 0 && !eioctl(v, "ETHTOOL_GSTATS"))
			printf("%llu", (unsigned long long)v->data[idx]);
		else
			printf("-");
		printf(" %llu\n", tp);
	}
	free(s);
	free(v);
	return 0;
}

static int cmd_ring_get(void)
{
	struct ethtool_ringparam r = { .cmd = ETHTOOL_GRINGPARAM };

	if (eioctl(&r, "ETHTOOL_GRINGPARAM"))
		return 1;
	printf("rx %u tx %u max_rx %u max_tx %u\n", r.rx_pending, r.tx_pending,
	       r.rx_max_pending, r.tx_max_pending);
	return 0;
}

static int cmd_ring_set(const char *rx, const char *tx)
{
	struct ethtool_ringparam r = { .cmd = ETHTOOL_GRINGPARAM };

	if (eioctl(&r, "ETHTOOL_GRINGPARAM"))
		return 1;
	r.cmd = ETHTOOL_SRINGPARAM;
	r.rx_pending = (__u32)strtoul(rx, NULL, 0);
	r.tx_pending = (__u32)strtoul(tx, NULL, 0);
	return eioctl(&r, "ETHTOOL_SRINGPARAM") ? 1 : 0;
}

static int cmd_info(void)
{
	struct ethtool_drvinfo d = { .cmd = ETHTOOL_GDRVINFO };

	if (eioctl(&d, "ETHTOOL_GDRVINFO"))
		return 1;
	printf("driver %s bus %s n_stats %u\n", d.driver, d.bus_info, d.n_stats);
	return 0;
}

static int cmd_link(void)
{
	struct ethtool_cmd c = { .cmd = ETHTOOL_GSET };
	const char *dup;

	if (eioctl(&c, "ETHTOOL_GSET"))
		return 1;
	dup = c.duplex == DUPLEX_FULL ? "full" : c.duplex == DUPLEX_HALF ? "half" : "unknown";
	printf("speed %d duplex %s autoneg %s\n", (int)ethtool_cmd_speed(&c), dup,
	       c.autoneg ? "on" : "off");
	return 0;
}

static void usage(void)
{
	fputs("usage: e1000_ethtool -i|-S|-g|-l IF | -s IF NAME | -G IF RX TX\n"
	      "       e1000_ethtool -W IF PID MS T0 NAME|- JSON\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 3 || argv[1][0] != '-' || strlen(argv[1]) != 2)
		usage();
	ifname = argv[2];
	if (strlen(ifname) >= IFNAMSIZ)
		usage();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("e1000_ethtool: socket");
		return 1;
	}
	switch (argv[1][1]) {
	case 'i':
		return cmd_info();
	case 'S':
		return cmd_stats(NULL);
	case 's':
		if (argc != 4)
			usage();
		return cmd_stats(argv[3]);
	case 'g':
		return cmd_ring_get();
	case 'G':
		if (argc != 5)
			usage();
		return cmd_ring_set(argv[3], argv[4]);
	case 'l':
		return cmd_link();
	case 'W':
		if (argc != 8)
			usage();
		return cmd_watch(argv + 3);
	}
	usage();
	return 2;
}
