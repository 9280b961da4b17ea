// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - pkt-gen: options, open the port, wait for the link, run one
 * function, report.
 *
 * Exit status: 0 done; 1 bad usage or the port/run failed; 2 rxseq saw
 * lost, duplicated, corrupt or stale frames, or fewer than -n.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmutil.h"
#include "pktgen.h"

static void usage(FILE *out)
{
	fprintf(out,
"usage: pkt-gen -f FUNC -i PORT [options]\n"
"  -f tx|rx|ping|pong|txseq|rxseq   what to do\n"
"  -i PORT      netmap port spec (netmap:eth0, eth0-1, x{0, x}0, ...)\n"
"  -l LEN       frame length without FCS, 60..1514 (default 60)\n"
"  -n COUNT     frames to send / receive / pings (default 0: no limit)\n"
"  -R RATE      frames (pings) per second (default 0: as fast as possible)\n"
"  -b BURST     most frames per sync (default 512)\n"
"  -T MS        report interval in ms (default 1000, 0: summary only)\n"
"  -w SECS      wait up to SECS for the link to come up (default 2)\n"
"  -d SECS      stop after SECS (fractions allowed)\n"
"  --idle SECS  rx: stop SECS after the last frame\n"
"  -s STREAM    stream id in sent frames, the one rxseq tracks (default 1)\n"
"  --dst MAC --src MAC   addresses of sent frames\n"
"  -z, --nocopy tx: write the buffers once, then only lengths\n"
"  --no-payload-check   rxseq: check headers only\n"
"  --seqlog FILE        rxseq: append received ranges (one period per run)\n"
"                       to FILE for lm-seqmerge; each batch is written\n"
"                       before it is released (nothing lost to a SIGKILL)\n"
"  --poll-ms MS poll() timeout (default 100 rx, 1000 tx); timeouts after\n"
"               traffic started are reported as poll_timeouts\n"
"  --json       one JSON object per report line and for the summary\n");
}

static const struct { const char *name; enum pg_func f; } funcs[] = {
	{ "tx", PG_TX }, { "rx", PG_RX }, { "ping", PG_PING },
	{ "pong", PG_PONG }, { "txseq", PG_TXSEQ }, { "rxseq", PG_RXSEQ },
};

static int bad(const char *opt, const char *val)
{
	fprintf(stderr, "pkt-gen: invalid value '%s' for %s\n", val, opt);
	return -1;
}

static int parse_args(struct pg_conf *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "nocopy", no_argument, NULL, 'z' },
		{ "idle", required_argument, NULL, 'I' },
		{ "dst", required_argument, NULL, 'D' },
		{ "src", required_argument, NULL, 'S' },
		{ "no-payload-check", no_argument, NULL, 'P' },
		{ "poll-ms", required_argument, NULL, 'M' },
		{ "seqlog", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	size_t i;
	int o;

	while ((o = getopt_long(argc, argv, "f:i:l:n:R:b:T:w:d:s:zjh", lo,
				NULL)) != -1) {
		switch (o) {
		case 'f':
			for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
				if (!strcmp(optarg, funcs[i].name))
					break;
			if (i == sizeof(funcs) / sizeof(funcs[0]))
				return bad("-f", optarg);
			c->func = funcs[i].f;
			c->func_name = funcs[i].name;
			break;
		case 'i':
			c->port = optarg;
			break;
		case 'l':
			if (lm_parse_u64(optarg, LM_SEQ_MIN_LEN, LM_SEQ_MAX_LEN, &v))
				return bad("-l (60..1514)", optarg);
			c->len = (unsigned int)v;
			break;
		case 'n':
			if (lm_parse_u64(optarg, 0, UINT64_MAX, &c->count))
				return bad("-n", optarg);
			break;
		case 'R':
			if (lm_parse_u64(optarg, 0, 1000000000ull, &c->rate))
				return bad("-R", optarg);
			break;
		case 'b':
			if (lm_parse_u64(optarg, 1, 65536, &v))
				return bad("-b (1..65536)", optarg);
			c->burst = (unsigned int)v;
			break;
		case 'T':
			if (lm_parse_u64(optarg, 0, 3600000, &v))
				return bad("-T", optarg);
			c->report_ms = (unsigned int)v;
			break;
		case 'w':
			if (lm_parse_u64(optarg, 0, 3600, &v))
				return bad("-w", optarg);
			c->wait_s = (unsigned int)v;
			break;
		case 'd':
			if (lm_parse_secs(optarg, &c->duration_ns))
				return bad("-d", optarg);
			break;
		case 'I':
			if (lm_parse_secs(optarg, &c->idle_ns))
				return bad("--idle", optarg);
			break;
		case 's':
			if (lm_parse_u64(optarg, 0, 65535, &v))
				return bad("-s", optarg);
			c->stream = (uint16_t)v;
			break;
		case 'D':
			if (lm_parse_mac(optarg, c->dst))
				return bad("--dst", optarg);
			break;
		case 'S':
			if (lm_parse_mac(optarg, c->src))
				return bad("--src", optarg);
			break;
		case 'M':
			if (lm_parse_u64(optarg, 1, 3600000, &v))
				return bad("--poll-ms", optarg);
			c->poll_ms = (int)v;
			break;
		case 'L':
			c->seqlog = optarg;
			break;
		case 'z':
			c->nocopy = 1;
			break;
		case 'P':
			c->check_payload = 0;
			break;
		case 'j':
			c->json = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkt-gen: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (c->nocopy && c->func != PG_TX) {
		/* txseq must write each header; others do not send from tx */
		fprintf(stderr, "pkt-gen: -z/--nocopy is for -f tx\n");
		return -1;
	}
	if (c->seqlog && c->func != PG_RXSEQ) {
		fprintf(stderr, "pkt-gen: --seqlog is for -f rxseq\n");
		return -1;
	}
	if (!c->func_name || !c->port) {
		fprintf(stderr, "pkt-gen: -f FUNC and -i PORT are required\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

/*
 * Wait for carrier on a NIC port (/sys/class/net/NAME/carrier), at most
 * wait_s seconds.  Ports that are not network devices (pipes) have no such
 * file and need no wait.
 */
static void wait_for_link(const struct pg *g)
{
	char name[NETMAP_REQ_IFNAMSIZ], path[160], v = '0';
	uint64_t deadline = lm_now_ns() + (uint64_t)g->c.wait_s * 1000000000ull;

	snprintf(name, sizeof(name), "%s", g->d->hdr.nr_name);
	if (strpbrk(name, "{}:"))
		return;			/* pipe or switch port */
	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", name);
	for (;;) {
		FILE *f = fopen(path, "r");

		if (!f)
			return;
		if (fread(&v, 1, 1, f) != 1)
			v = '0';
		fclose(f);
		if (v == '1' || pg_stop_signal)
			return;
		if (lm_now_ns() >= deadline) {
			fprintf(stderr, "pkt-gen: %s: no carrier after %u s, going on\n",
				name, g->c.wait_s);
			return;
		}
		lm_sleep_until(lm_now_ns() + 100000000ull);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	pg_stop_signal = 1;
}

int main(int argc, char **argv)
{
	static struct pg g;		/* large: not on the stack */
	static struct seqstat seq;
	static struct seqlog log;
	struct lm_seqinfo info = { .len = 0 };
	struct sigaction sa;
	uint64_t t_reg;
	int status = 0, ret;

	g.c.len = 60;
	g.c.burst = 512;
	g.c.report_ms = 1000;
	g.c.wait_s = 2;
	g.c.stream = 1;
	g.c.check_payload = 1;
	memset(g.c.dst, 0xff, 6);
	memcpy(g.c.src, "\x02\x00\x00\x00\x00\x01", 6);
	if (parse_args(&g.c, argc, argv) < 0)
		return 1;

	memcpy(info.dst, g.c.dst, 6);
	memcpy(info.src, g.c.src, 6);
	info.stream = g.c.stream;
	info.len = (uint16_t)g.c.len;
	if (lm_seqframe_build(g.frame, sizeof(g.frame), &info) != g.c.len) {
		fprintf(stderr, "pkt-gen: cannot build a %u-byte frame\n", g.c.len);
		return 1;
	}
	if (g.c.func == PG_RXSEQ) {
		seqstat_init(&seq, g.c.stream);
		seq.check_payload = g.c.check_payload;
		g.seq = &seq;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/*
	 * nmport_open() in its steps, so that the register call (the owner
	 * change a NIC driver performs) is timed apart from the open of
	 * /dev/netmap before it (the same in every mode; under QEMU TCG the
	 * first syscalls of a process are slow, 0.1-0.4 ms) and from the
	 * mmap of the region after it, which dominates the first open of a
	 * process.
	 */
	g.d = nmport_prepare(g.c.port);	/* says why on failure */
	if (g.d == NULL)
		return 1;
	g.st.t_open = lm_now_ns();
	if (nmport_open_dev(g.d) < 0) {
		nmport_undo_prepare(g.d);
		return 1;
	}
	t_reg = lm_now_ns();
	if (nmport_register(g.d) < 0) {	/* closes the device on failure */
		nmport_undo_prepare(g.d);
		return 1;
	}
	g.st.register_ns = lm_now_ns() - t_reg;
	g.st.devopen_ns = t_reg - g.st.t_open;
	if (nmport_mmap(g.d) < 0) {
		nmport_undo_register(g.d);
		nmport_undo_prepare(g.d);
		return 1;
	}
	g.st.open_ns = lm_now_ns() - g.st.t_open;
	if (g.seq && g.c.seqlog) {
		/* durable: rx.c commits each batch before releasing it */
		if (seqlog_open_append(&log, g.c.seqlog, g.c.stream, "pkt-gen") < 0 ||
		    seqlog_set_durable(&log) < 0) {
			fprintf(stderr, "pkt-gen: --seqlog %s: %s\n", g.c.seqlog,
				strerror(errno));
			seqlog_close(&log);	/* no-op if it never opened */
			nmport_close(g.d);
			return 1;
		}
		g.seq->log = &log;
	}
	if (g.c.wait_s)
		wait_for_link(&g);
	if (!g.c.json)
		printf("%s on %s: %u tx rings [%u..%u], %u rx rings [%u..%u], "
		       "%u/%u slots, region %u\n", g.c.func_name, g.c.port,
		       (uint16_t)(g.d->last_tx_ring - g.d->first_tx_ring + 1),
		       g.d->first_tx_ring, g.d->last_tx_ring,
		       (uint16_t)(g.d->last_rx_ring - g.d->first_rx_ring + 1),
		       g.d->first_rx_ring, g.d->last_rx_ring,
		       g.d->reg.nr_tx_slots, g.d->reg.nr_rx_slots,
		       g.d->reg.nr_mem_id);

	pg_report_start(&g, lm_now_ns());
	switch (g.c.func) {
	case PG_TX:
	case PG_TXSEQ:
		ret = pg_tx(&g);
		break;
	case PG_RX:
	case PG_RXSEQ:
		ret = pg_rx(&g);
		break;
	case PG_PING:
		ret = pg_ping(&g);
		break;
	default:
		ret = pg_pong(&g);
		break;
	}
	if (ret < 0)
		status = 1;
	pg_report_final(&g, lm_now_ns(), status);
	if (!status && g.seq) {
		const struct seqstat_counters *c = &g.seq->c;

		if (c->lost || c->dup || c->corrupt || c->stale ||
		    (g.c.count && c->valid < g.c.count))
			status = 2;
	}
	if (g.seq && g.seq->log && seqlog_close(g.seq->log) < 0) {
		fprintf(stderr, "pkt-gen: --seqlog %s: write error\n", g.c.seqlog);
		status = status ? status : 1;
	}
	{
		/* the unregister (exit) cost, e.g. for the hitless switch */
		uint64_t t = lm_now_ns();

		nmport_close(g.d);
		t = lm_now_ns() - t;
		if (g.c.json)
			printf("{\"type\":\"close\",\"close_ms\":%.3f}\n", (double)t / 1e6);
		else
			printf("close: %.3f ms\n", (double)t / 1e6);
	}
	return status;
}
