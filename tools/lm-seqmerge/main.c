// SPDX-License-Identifier: BSD-2-Clause
/*
 * lm-seqmerge - prove that several readers of one numbered stream (e.g. the
 * stack's AF_PACKET reader and a netmap reader across a hitless switch)
 * together received every frame exactly once, each reader in order.
 *
 *   lm-seqmerge [--first F --count N] LOG...
 *
 * LOGs are range logs written with --seqlog by lm-peer, lm-afp or pkt-gen.
 * Prints one JSON object (seqmerge_json).  Exit: 0 exactly once and in
 * order, 1 not (missing, duplicate, out of order, outside the span, or
 * nothing at all), 2 usage error or unreadable/malformed log.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lmutil.h"
#include "seqmerge.h"

static void usage(FILE *f)
{
	fputs("usage: lm-seqmerge [--first F --count N] LOG...\n"
	      "  --first F --count N  the span that must be covered: [F, F+N) (mod 2^32);\n"
	      "                       default: lowest to highest number in the logs\n", f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "first", 1, 0, 'f' }, { "count", 1, 0, 'c' }, { "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	static struct seqmerge m;
	struct seqmerge_result res;
	uint64_t first = 0, count = 0;
	int c, i, have_first = 0, ret;
	char err[160];
	FILE *f;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (lm_parse_u64(optarg, 0, UINT32_MAX, &first))
				goto usage;
			have_first = 1;
			break;
		case 'c':
			if (lm_parse_u64(optarg, 1, UINT32_MAX, &count))
				goto usage;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto usage;
		}
	}
	if (optind >= argc || have_first != !!count || argc - optind > SEQMERGE_MAX_READERS)
		goto usage;

	seqmerge_init(&m);
	for (i = optind; i < argc; i++) {
		f = fopen(argv[i], "r");
		if (!f) {
			fprintf(stderr, "lm-seqmerge: %s: %s\n", argv[i], strerror(errno));
			seqmerge_free(&m);
			return 2;
		}
		ret = seqmerge_read_log(&m, f, argv[i], err, sizeof(err));
		fclose(f);
		if (ret) {
			fprintf(stderr, "lm-seqmerge: %s: %s\n", argv[i], err);
			seqmerge_free(&m);
			return 2;
		}
	}
	ret = seqmerge_check(&m, (uint32_t)first, count, &res);
	seqmerge_json(stdout, &m, &res);
	seqmerge_free(&m);
	return ret ? 1 : 0;
usage:
	usage(stderr);
	return 2;
}
