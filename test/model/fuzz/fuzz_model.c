// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_model.c - libFuzzer entry for the hitless model: the input bytes
 * are the schedule (which event next, how many slots, which fault), so
 * coverage guidance steers the interleavings.  The model aborts on the
 * first broken invariant; the input that did it is the reproducer.
 * Built by `make fuzz` (mk/fuzz.mk), never by `make user`.
 */
#include <stddef.h>
#include <stdint.h>

#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_cfg cfg = { .bytes = data, .nbytes = (uint32_t)size };

	if (size < 2 || size > 1 << 20)
		return 0;
	model_start(&cfg);
	while (model_step())
		;
	model_finish();
	return 0;
}
