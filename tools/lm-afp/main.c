// SPDX-License-Identifier: BSD-2-Clause
/*
 * lm-afp - the guest end of the wire through Linux's stack (AF_PACKET):
 *   lm-afp rx -i IF ...   count numbered frames (seqstat), JSON summary
 *   lm-afp tx -i IF ...   send numbered frames at a fixed rate
 * Same frame format and the same JSON summary shape as lm-peer on the host.
 * Exit: 0 done (the JSON says what was lost), 1 I/O error, 2 usage error.
 */
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afp.h"
#include "lmutil.h"

volatile int afp_signalled;

static void on_signal(int sig)
{
	afp_signalled = sig;
}

static void usage(FILE *f)
{
	fputs("usage: lm-afp rx -i IF [--count N] [--timeout SEC] [--idle SEC]\n"
	      "                 [--seqlog FILE | --seqlog-append FILE]\n"
	      "                 [--stream ID] [--ring] [--all] [--promisc] [--interval MS]\n"
	      "                 [--ready-file FILE] [--ready] [--json]\n"
	      "       lm-afp tx -i IF -n N [-R PPS (default 1000, 0=max)] [--len 60..1514]\n"
	      "                 [--dst MAC] [--src MAC] [--stream ID] [--first SEQ]\n"
	      "                 [--on-full block|drop] [--timeout SEC] [--ring] [--json]\n"
	      "rx: AF_PACKET socket bound to ethertype 0x88B5 on IF (--all: every frame, so\n"
	      "    foreign ones are counted too; --ring: TPACKET_V3 mmap ring).  Stops at\n"
	      "    --count valid frames, after --idle SEC without a frame, at --timeout, or on\n"
	      "    SIGINT/SIGTERM.  --ready-file is created (and --ready prints READY) once the\n"
	      "    socket is bound.  --stream ID accounts only that stream (default: any).\n"
	      "tx: frames go through the qdisc and the driver (--ring: TPACKET_V2 ring); stack\n"
	      "    back-pressure (or the link set down) is retried\n"
	      "    and timed (stall_ms, default) or counted as refused (--on-full drop).\n"
	      "    --dst defaults to ff:ff:ff:ff:ff:ff, --src to IF's address.\n", f);
}

static int parse_opts(struct afp_opts *o, int tx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "if", 1, 0, 'i' }, { "count", 1, 0, 0 }, { "timeout", 1, 0, 0 },
		{ "idle", 1, 0, 0 }, { "seqlog", 1, 0, 0 }, { "seqlog-append", 1, 0, 0 },
		{ "stream", 1, 0, 0 },
		{ "ring", 0, 0, 0 }, { "all", 0, 0, 0 }, { "promisc", 0, 0, 0 },
		{ "interval", 1, 0, 0 }, { "ready-file", 1, 0, 0 }, { "ready", 0, 0, 0 },
		{ "json", 0, 0, 0 }, { "len", 1, 0, 'l' }, { "dst", 1, 0, 0 },
		{ "src", 1, 0, 0 }, { "first", 1, 0, 0 }, { "on-full", 1, 0, 0 },
		{ "send", 1, 0, 'n' }, { "rate", 1, 0, 'R' }, { "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	const char *name;
	int c, idx;

	*o = (struct afp_opts){ .rx_stream = -1 };
	wire_opts_init(&o->w);
	/* In the guest, stack back-pressure is waited out rather than dropped. */
	o->w.block = 1;
	while ((c = getopt_long(argc, argv, "i:n:R:l:", lo, &idx)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			exit(0);
		case 'i': name = "if"; break;
		case 'n': name = "send"; break;
		case 'R': name = "rate"; break;
		case 'l': name = "len"; break;
		case 0: name = lo[idx].name; break;
		default: return -1;
		}
		switch (wire_opt(&o->w, "lm-afp", name, optarg)) {
		case -1:
			return -1;
		case 1:
			continue;
		}
		if (!strcmp(name, "if"))
			o->ifname = optarg;
		else if (!strcmp(name, "ready-file"))
			o->ready_file = optarg;
		else if (!strcmp(name, "ring"))
			o->ring = 1;
		else if (!strcmp(name, "all"))
			o->all = 1;
		else if (!strcmp(name, "promisc"))
			o->promisc = 1;
		else if (!strcmp(name, "ready"))
			o->ready = 1;
	}
	if (o->w.have_stream)
		o->rx_stream = o->w.stream;
	if (optind < argc) {
		fprintf(stderr, "lm-afp: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->ifname || strlen(o->ifname) >= IFNAMSIZ) {
		fputs("lm-afp: -i IF is required (a valid interface name)\n", stderr);
		return -1;
	}
	if (tx && (o->w.expect || o->w.idle_ns || o->w.seqlog_path || o->all ||
		   o->promisc || o->w.interval_ns || o->ready_file || o->ready)) {
		fputs("lm-afp: tx takes -i -n -R --len --dst --src --stream --first "
		      "--on-full --timeout --ring --json\n", stderr);
		return -1;
	}
	if (tx && !o->w.send) {
		fputs("lm-afp: tx needs -n N (frames to send)\n", stderr);
		return -1;
	}
	if (!tx && (o->w.send || o->w.have_src || o->w.first_seq || o->w.len != LM_SEQ_MIN_LEN)) {
		fputs("lm-afp: -n/--src/--first/--len are tx options\n", stderr);
		return -1;
	}
	if (o->w.interval_ns && !o->w.json) {
		fputs("lm-afp: --interval needs --json\n", stderr);
		return -1;
	}
	return 0;
}

static void print_summary(const struct afp_opts *o, int tx, const struct afp_result *r)
{
	if (!o->w.json) {
		wire_print_text(stdout, tx ? "lm-afp tx" : "lm-afp rx", r->sent, r->refused,
				r->stall_ns, r->rx_frames, &r->rx, r->timed_out);
		return;
	}
	printf("{\"type\":\"summary\",\"mode\":\"%s\",\"if\":", tx ? "tx" : "rx");
	lm_json_str(stdout, o->ifname);
	printf(",\"ring\":%s", o->ring ? "true" : "false");
	wire_print_tx_fields(stdout, r->elapsed_ns, r->timed_out, r->sent, r->refused, r->stall_ns);
	printf(",\"sock_drops\":%" PRIu64 ",\"netdown\":%" PRIu64 ",\"rebinds\":%" PRIu64,
	       r->sock_drops, r->netdown, r->rebinds);
	wire_print_rx_object(stdout, r->rx_frames, &r->rx);
	puts("}");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct afp_result res = { 0 };
	struct afp_opts o;
	int tx, err;

	if (argc < 2 || (strcmp(argv[1], "rx") && strcmp(argv[1], "tx"))) {
		if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return 2;
	}
	tx = !strcmp(argv[1], "tx");
	if (parse_opts(&o, tx, argc - 1, argv + 1)) {
		usage(stderr);
		return 2;
	}
	o.ifindex = (int)if_nametoindex(o.ifname);
	if (!o.ifindex) {
		fprintf(stderr, "lm-afp: no interface '%s'\n", o.ifname);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = tx ? afp_tx(&o, &res) : afp_rx(&o, &res);
	print_summary(&o, tx, &res);
	return err ? 1 : 0;
}
