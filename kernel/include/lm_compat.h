/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lm_compat.h - the one place where livemap absorbs kernel API differences
 * between the kernels it supports (Debian's 6.1 and 6.12).  Code elsewhere
 * uses the lm_* names below and never tests LINUX_VERSION_CODE itself.
 */
#ifndef LM_COMPAT_H
#define LM_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>

/* 6.1 dropped the weight argument of netif_napi_add(); both have the 3-arg form. */
#define lm_netif_napi_add(dev, napi, poll) netif_napi_add(dev, napi, poll)

/* 6.2 renamed the misc class devnode hook's const-ness; unused by us so far. */

/*
 * 6.3 made vma->vm_flags read-only and added vm_flags_set() (core: mmap).
 */
#include <linux/mm.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void lm_vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}
#else
#define lm_vm_flags_set(vma, flags) vm_flags_set(vma, flags)
#endif

#endif /* LM_COMPAT_H */
