/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lm_hl_os.h - the one boundary between the portable hitless engine and
 * its host.  The engine (lm_hl.c) includes nothing else: it is built
 * unchanged into livemap_e1000.ko and into the userspace model test, the
 * way tools/virtio builds vringh.c in userspace.
 *
 * What the engine needs from a host is small: fixed-width integers, two
 * errno values, acquire/release for the tx indices (xmit and tx clean run
 * concurrently) and a "this must not happen" check.  Under the kernel the
 * check is WARN_ON_ONCE() (a scenario fails on any WARNING); in userspace
 * it prints where it fired and aborts, so the model and the fuzzer stop
 * on the first broken invariant with the seed already on screen.
 */
#ifndef LM_HL_OS_H
#define LM_HL_OS_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/bug.h>
#include <asm/barrier.h>

#define LM_HL_WARN(cond)	WARN_ON_ONCE(cond)
#define LM_HL_ACQUIRE(p)	smp_load_acquire(p)
#define LM_HL_RELEASE(p, v)	smp_store_release(p, v)

#else /* userspace: the model test, unit tests, the fuzzer */

#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static inline int lm_hl_user_warn(const char *what, const char *file, int line)
{
	fprintf(stderr, "lm_hl: WARN %s at %s:%d\n", what, file, line);
	fflush(stderr);
	abort();
	return 1;
}

#define LM_HL_WARN(cond) \
	((cond) ? lm_hl_user_warn(#cond, __FILE__, __LINE__) : 0)
#define LM_HL_ACQUIRE(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define LM_HL_RELEASE(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

#endif /* __KERNEL__ */

#endif /* LM_HL_OS_H */
