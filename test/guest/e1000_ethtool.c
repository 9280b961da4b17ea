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
 *
 * Exit: 0 ok, 1 the kernel refused (errno printed), 2 usage.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int fd = -1;
static const char *ifname;

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

static int cmd_stats(const char *only)
{
	struct ethtool_gstrings *s = NULL;
	struct ethtool_stats *v = NULL;
	int i, n = get_stats(&s, &v), rc = only ? 1 : 0;

	for (i = 0; i < n; i++) {
		char name[ETH_GSTRING_LEN + 1];

		memcpy(name, s->data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
		name[ETH_GSTRING_LEN] = 0;
		if (!only) {
			printf("%s %llu\n", name, (unsigned long long)v->data[i]);
		} else if (!strcmp(name, only)) {
			printf("%llu\n", (unsigned long long)v->data[i]);
			rc = 0;
		}
	}
	if (only && rc && n >= 0)
		fprintf(stderr, "e1000_ethtool: no statistic '%s'\n", only);
	free(s);
	free(v);
	return n < 0 ? 1 : rc;
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
	fputs("usage: e1000_ethtool -i|-S|-g|-l IF | -s IF NAME | -G IF RX TX\n", stderr);
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
	}
	usage();
	return 2;
}
