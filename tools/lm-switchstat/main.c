// SPDX-License-Identifier: BSD-2-Clause
/*
 * lm-switchstat - host-side analysis of a switch-disruption run: which of
 * the peer's numbered frames each reader (the stack, the netmap
 * application's periods) received, and which enter or exit lost,
 * duplicated or reordered them.  See switchstat.h for the rules.
 *
 *   lm-switchstat --stack LOG --netmap LOG [--netmap LOG...] --sent N
 *                 [--first F] [--rate PPS] [--tsv FILE] [--svg FILE]
 *                 [--bins FILE] [--plot-cycle K] [--bin-ms MS]
 *                 [--window-ms MS] [--title TEXT]
 *
 * Prints one JSON line (cycles first, totals last).  Exit: 0 every frame
 * of [F, F+N) received exactly once, each reader in order; 1 not; 2 usage
 * error or unreadable/malformed log.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmutil.h"
#include "switchstat.h"

#define MAX_NETMAP_LOGS	64

static void usage(FILE *f)
{
	fputs("usage: lm-switchstat --stack LOG --netmap LOG [--netmap LOG...] --sent N\n"
	      "         [--first F] [--rate PPS] [--tsv FILE] [--svg FILE] [--bins FILE]\n"
	      "         [--plot-cycle K] [--bin-ms MS] [--window-ms MS] [--title TEXT]\n"
	      "  --stack LOG      the stack reader's range log (lm-afp rx --seqlog)\n"
	      "  --netmap LOG     the application's range log(s); every \"# lm-seqlog\"\n"
	      "                   header starts one netmap period (enter..exit)\n"
	      "  --sent N         frames the peer sent, numbered F..F+N-1 (mod 2^32)\n"
	      "  --rate PPS       the peer's fixed rate: turns numbers into send times\n"
	      "                   (needed for --svg/--bins)\n"
	      "  --tsv FILE       one line per cycle (enter_lost, exit_lost, ...)\n"
	      "  --svg FILE       frames per bin around one enter and one exit\n"
	      "  --bins FILE      the same bins as TSV\n"
	      "  --plot-cycle K   cycle to plot (default: the middle one)\n"
	      "  --bin-ms MS      bin width (default 10)  --window-ms MS  half-width (default 200)\n"
	      "Exit: 0 exactly once and in order, 1 not, 2 usage or bad input.\n", f);
}

static int parse_ms(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 1e6)
		return -1;
	*out = v;
	return 0;
}

static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "lm-switchstat: %s: %s\n", path, strerror(errno));
	return f;
}

static int close_out(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "lm-switchstat: writing %s failed\n", path);
		return -1;
	}
	return 0;
}

static int load(struct sw *s, const char *path, int netmap)
{
	char err[160];
	FILE *f = fopen(path, "r");
	int r;

	if (!f) {
		fprintf(stderr, "lm-switchstat: %s: %s\n", path, strerror(errno));
		return -1;
	}
	r = sw_load(s, f, netmap, err, sizeof(err));
	fclose(f);
	if (r)
		fprintf(stderr, "lm-switchstat: %s: %s\n", path, err);
	return r;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "stack", 1, 0, 's' }, { "netmap", 1, 0, 'n' }, { "sent", 1, 0, 'N' },
		{ "first", 1, 0, 'f' }, { "rate", 1, 0, 'r' }, { "tsv", 1, 0, 't' },
		{ "svg", 1, 0, 'g' }, { "bins", 1, 0, 'b' }, { "plot-cycle", 1, 0, 'k' },
		{ "bin-ms", 1, 0, 'B' }, { "window-ms", 1, 0, 'W' }, { "title", 1, 0, 'T' },
		{ "help", 0, 0, 'h' }, { 0, 0, 0, 0 }
	};
	const char *stack = NULL, *netmap[MAX_NETMAP_LOGS], *tsv = NULL, *svg = NULL;
	const char *bins = NULL, *title = NULL;
	uint64_t sent = 0, first = 0, rate = 0, cycle = 0;
	double bin_ms = 10, win_ms = 200;
	int c, i, nn = 0, ret, have_sent = 0;
	static struct sw s;
	struct sw_plot pl;
	FILE *f;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			stack = optarg;
			break;
		case 'n':
			if (nn == MAX_NETMAP_LOGS) {
				fprintf(stderr, "lm-switchstat: more than %d --netmap logs\n",
					MAX_NETMAP_LOGS);
				return 2;
			}
			netmap[nn++] = optarg;
			break;
		case 'N':
			if (lm_parse_u64(optarg, 1, SW_MAX_FRAMES, &sent))
				goto bad;
			have_sent = 1;
			break;
		case 'f':
			if (lm_parse_u64(optarg, 0, UINT32_MAX, &first))
				goto bad;
			break;
		case 'r':
			if (lm_parse_u64(optarg, 1, 100000000, &rate))
				goto bad;
			break;
		case 't':
			tsv = optarg;
			break;
		case 'g':
			svg = optarg;
			break;
		case 'b':
			bins = optarg;
			break;
		case 'k':
			if (lm_parse_u64(optarg, 1, SW_MAX_PERIODS, &cycle))
				goto bad;
			break;
		case 'B':
			if (parse_ms(optarg, &bin_ms))
				goto bad;
			break;
		case 'W':
			if (parse_ms(optarg, &win_ms))
				goto bad;
			break;
		case 'T':
			title = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !stack || !nn || !have_sent) {
		if (optind < argc)
			fprintf(stderr, "lm-switchstat: unexpected argument '%s'\n", argv[optind]);
		else
			fputs("lm-switchstat: --stack, --netmap and --sent are required\n", stderr);
		usage(stderr);
		return 2;
	}
	if ((svg || bins) && !rate) {
		fputs("lm-switchstat: --svg/--bins need --rate (numbers become send times)\n",
		      stderr);
		return 2;
	}
	if (win_ms < bin_ms || win_ms / bin_ms > 10000) {
		fputs("lm-switchstat: want --bin-ms <= --window-ms <= 10000 bins\n", stderr);
		return 2;
	}

	if (sw_init(&s, (uint32_t)first, sent, rate)) {
		perror("lm-switchstat");
		return 2;
	}
	ret = 2;
	if (load(&s, stack, 0))
		goto out;
	for (i = 0; i < nn; i++)
		if (load(&s, netmap[i], 1))
			goto out;
	ret = sw_analyze(&s);
	if (ret < 0) {
		/* The attribution's self-check: a bug here, never a verdict. */
		fputs("lm-switchstat: internal error: attribution does not add up\n", stderr);
		ret = 2;
		goto out;
	}
	sw_json(stdout, &s);
	if (tsv && (f = open_out(tsv))) {
		sw_tsv(f, &s);
		if (close_out(f, tsv))
			ret = 2;
	} else if (tsv) {
		ret = 2;
	}
	if (svg || bins) {
		int k = cycle ? (int)cycle : sw_plot_default_cycle(&s);

		/*
		 * A run where the application received nothing (or whose spans
		 * overlap) has no enter/exit to plot: say so, keep the verdict.
		 */
		if (sw_plot_make(&s, k, bin_ms, win_ms, &pl)) {
			fprintf(stderr, "lm-switchstat: no plot: cycle %d has no netmap span%s\n",
				k, s.attributed ? "" : " (spans overlap)");
			if (cycle)
				ret = 2;	/* the cycle asked for does not exist */
			goto out;
		}
		if (bins && (f = open_out(bins))) {
			sw_plot_tsv(f, &pl);
			if (close_out(f, bins))
				ret = 2;
		} else if (bins) {
			ret = 2;
		}
		if (svg && (f = open_out(svg))) {
			sw_plot_svg(f, &s, &pl, title);
			if (close_out(f, svg))
				ret = 2;
		} else if (svg) {
			ret = 2;
		}
		sw_plot_free(&pl);
	}
out:
	sw_free(&s);
	return ret;
bad:
	fprintf(stderr, "lm-switchstat: bad value '%s'\n", optarg);
	usage(stderr);
	return 2;
}
