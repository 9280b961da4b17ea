/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model.h - the hitless engine (kernel/hitless) driven against a simulated
 * 82540EM rx/tx ring pair, a simulated stack, a netmap core + application
 * and a refcounted netmap buffer allocator.  One model, two drivers of it:
 * main.c (seeded random scheduler, `model --seed S --steps N`) and
 * fuzz/fuzz_model.c (libFuzzer: the input bytes are the schedule).
 */
#ifndef LM_MODEL_H
#define LM_MODEL_H

#include <stdint.h>

struct model_cfg {
	uint64_t seed;		/* random mode: the xorshift seed */
	const uint8_t *bytes;	/* byte mode (fuzzer): the schedule; NULL = random */
	uint32_t nbytes;
	uint32_t n;		/* ring size (0: chosen from the seed) */
};

struct model_stats {
	uint64_t steps, frames_wire, to_stack, to_app, tx_wire;
	uint64_t enters, exits, enter_fail, exit_mid, reclaims, detaches;
	uint64_t enter_ready;	/* enters that found every spare in the reserve */
	uint64_t copies, conversions, reverse_copies, handed_back, tx_freed;
	uint64_t idle_reclaims, adopted, alloc_fail, copybreak;
};

/* Failure reporting: prints the reason with seed and step, then aborts. */
void model_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

void model_start(const struct model_cfg *cfg);
int model_step(void);			/* 0 when the byte schedule is exhausted */
void model_finish(void);		/* drain, detach, check that nothing leaked */
const struct model_stats *model_stats(void);
uint32_t model_ring_size(void);
uint64_t model_cur_step(void);

#endif /* LM_MODEL_H */
