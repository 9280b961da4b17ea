// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - the model test's command line: a seeded random schedule.
 *
 *	model [--seed S] [--steps N] [--seeds K] [--n SLOTS] [--quiet]
 *
 * Runs K seeds (S, S+1, ...) of N steps each; every seed is printed before
 * it runs, so a failure names the seed to replay with --seed S --seeds 1.
 * Exit status 0 when every seed passed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model.h"

static uint64_t cur_seed;

static void on_abort(int sig)
{
	char line[160];
	int k = snprintf(line, sizeof(line), "FAIL seed %llu step %llu: aborted "
			 "(replay: model --seed %llu --seeds 1 --steps %llu)\n",
			 (unsigned long long)cur_seed, (unsigned long long)model_cur_step(),
			 (unsigned long long)cur_seed, (unsigned long long)model_cur_step());

	if (k > 0 && write(STDOUT_FILENO, line, (size_t)k) < 0)
		_exit(3);
	signal(sig, SIG_DFL);
	_exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: model [--seed S] [--steps N] [--seeds K] [--n SLOTS] [--quiet]\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL), steps = 1000000, nseeds = 1, total = 0, k, s;
	uint32_t n = 0;
	int quiet = 0, i;
	double t0;

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!strcmp(argv[i], "--quiet")) {
			quiet = 1;
			continue;
		}
		if (!v)
			return usage();
		k = strtoull(v, &end, 0);
		if (*end || !*v)
			return usage();
		if (!strcmp(argv[i], "--seed"))
			seed = k;
		else if (!strcmp(argv[i], "--steps"))
			steps = k;
		else if (!strcmp(argv[i], "--seeds"))
			nseeds = k;
		else if (!strcmp(argv[i], "--n") && k >= 2 && k <= 64)
			n = (uint32_t)k;
		else
			return usage();
		i++;
	}
	signal(SIGABRT, on_abort);
	setvbuf(stdout, NULL, _IOLBF, 0);
	t0 = now();
	for (k = 0; k < nseeds; k++) {
		struct model_cfg cfg = { .seed = seed + k, .n = n };
		const struct model_stats *st;

		cur_seed = cfg.seed;
		if (!quiet)
			printf("# seed %llu steps %llu\n", (unsigned long long)cfg.seed,
			       (unsigned long long)steps);
		model_start(&cfg);
		for (s = 0; s < steps; s++)
			model_step();
		model_finish();
		st = model_stats();
		total += st->steps;
		printf("ok seed %llu n %u: wire %llu (stack %llu app %llu) tx %llu; "
		       "enter %llu (failed %llu, ready %llu) exit %llu (mid-switch %llu) reclaim %llu detach %llu; "
		       "copies %llu conv %llu rev %llu back %llu txfree %llu idle %llu adopt %llu "
		       "allocfail %llu copybreak %llu\n",
		       (unsigned long long)cfg.seed, model_ring_size(),
		       (unsigned long long)st->frames_wire, (unsigned long long)st->to_stack,
		       (unsigned long long)st->to_app, (unsigned long long)st->tx_wire,
		       (unsigned long long)st->enters, (unsigned long long)st->enter_fail,
		       (unsigned long long)st->enter_ready,
		       (unsigned long long)st->exits, (unsigned long long)st->exit_mid,
		       (unsigned long long)st->reclaims, (unsigned long long)st->detaches,
		       (unsigned long long)st->copies, (unsigned long long)st->conversions,
		       (unsigned long long)st->reverse_copies, (unsigned long long)st->handed_back,
		       (unsigned long long)st->tx_freed, (unsigned long long)st->idle_reclaims,
		       (unsigned long long)st->adopted, (unsigned long long)st->alloc_fail,
		       (unsigned long long)st->copybreak);
	}
	printf("# %llu steps in %.2f s (%.0f steps/s)\n", (unsigned long long)total, now() - t0,
	       total / (now() - t0 + 1e-9));
	return 0;
}
