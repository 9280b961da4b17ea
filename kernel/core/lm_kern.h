/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lm_kern.h - livemap core internals shared by the files of kernel/core.
 * Drivers use kernel/include/lm_core.h only.
 *
 * Locking overview (outer to inner):
 *   lm_core_lock (mutex)   bind/unbind, adapter and pipe lists, kring
 *                          users/ON transitions, driver on/off callbacks
 *   kring->sync_lock       one sync per kring; taken by the core around
 *                          ops->txsync/rxsync and around ON-bit changes;
 *                          a pipe's rx kring_on/off also takes the peer tx
 *                          kring's sync_lock to (un)link the pair
 *   mem->lock (spinlock)   the pools' free lists and bitmaps
 *   lm_mem_global_lock     the pointer to the global allocator
 * No copy_{from,to}_user runs under lm_core_lock: munmap calls into the
 * allocator with mmap_lock held, so faulting under lm_core_lock could
 * invert the order.
 */
#ifndef LM_KERN_H
#define LM_KERN_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/ratelimit.h>
#include "lm_core.h"

#define LM_NAME "livemap"

/* One log line per burst: bad user input never floods the console. */
#define lm_ratelimited(fmt, ...) \
	pr_warn_ratelimited(LM_NAME ": " fmt, ##__VA_ARGS__)

extern struct mutex lm_core_lock;
extern struct workqueue_struct *lm_wq;

/* ------------------------------------------------------------ counters */

/*
 * Leak accounting, readable at /sys/module/livemap/parameters/stats.
 * Every *_alloc has a matching *_free; after every file is closed and
 * every driver gone, each pair must be equal (checked at module exit).
 */
struct lm_stats {
	atomic64_t pages_alloc;		/* region pages (vmalloc) */
	atomic64_t pages_free;
	atomic64_t mem_alloc;		/* allocator instances */
	atomic64_t mem_free;
	atomic64_t adapters_alloc;
	atomic64_t adapters_free;
	atomic64_t pipes_alloc;
	atomic64_t pipes_free;
	atomic64_t files_open;
	atomic64_t files_close;
	atomic64_t dma_map;		/* pages mapped for a device */
	atomic64_t dma_unmap;
	atomic64_t ring_reinit;		/* rings reset after bad indices */
	atomic64_t host_drops;		/* stack frames that missed the host rx ring */
	atomic64_t host_tx_drops;	/* host tx slots not given to the stack */
};
extern struct lm_stats lm_stats;

#define lm_stat_add(field, n)	atomic64_add((n), &lm_stats.field)
#define lm_stat_inc(field)	atomic64_inc(&lm_stats.field)

/* ------------------------------------------------------------ allocator */

struct lm_pool {
	u64		ofs;		/* start within the region, page aligned */
	u32		objsize;
	u32		objtotal;
	u32		nfree;
	unsigned long	*used;		/* bit per object: allocated */
	u32		*free_stack;	/* buffers only: free indices, LIFO */
};

/*
 * The memory region: [if pool][ring pool][buffer pool], one vmalloc_user()
 * area mapped whole by every user.  Reference counted: each bound file,
 * each mapping (vma), each adapter using it and each lent buffer hold one.
 */
struct lm_mem {
	struct kref	ref;
	u16		mem_id;
	u8		*base;
	size_t		size;		/* bytes, page multiple */
	u32		npages;
	struct lm_pool	pools[3];
	u16		*owner;		/* per buffer: LM_OWN_* (see lm_mem.c) */
	unsigned long	*held;		/* per buffer: a device holds it */
	struct lm_own_span *span;	/* per ring or file owner, see lm_mem.c */
	spinlock_t	lock;		/* pools, owner[] */
	struct work_struct free_work;
};

enum { LM_POOL_IF = 0, LM_POOL_RING = 1, LM_POOL_BUF = 2 };

/* Buffer owners (u16): nobody, a ring object, a file's netmap_if, a driver. */
#define LM_OWN_FREE		0
#define LM_OWN_RING(obj)	((u16)(1 + (obj)))		/* obj < 4096 */
#define LM_OWN_IF(obj)		((u16)(0x2000 + (obj)))		/* obj < 4096 */
#define LM_OWN_LENT		0xfffd
#define LM_OWN_RSVD		0xffff				/* indices 0, 1 */

/* A ring's or a file's buffer may change hands through the kernel. */
static inline bool lm_own_transferable(u16 o)
{
	return (o >= LM_OWN_RING(0) && o <= LM_OWN_RING(4095)) ||
	       (o >= LM_OWN_IF(0) && o <= LM_OWN_IF(4095));
}

/* Indices [lo, hi] bound the buffers one ring or file owns. */
struct lm_own_span {
	u32 lo, hi;
};
#define LM_OWN_SPANS		8192	/* 4096 ring owners, 4096 file owners */

struct lm_mem_usage {
	u32 bufs_in_use, bufs_lent, rings_in_use, ifs_in_use;
};

/* Geometry from the module parameters (fixed at load time). */
struct lm_mem_geom {
	u32 if_size, if_num, ring_size, ring_num, buf_size, buf_num;
	u64 ofs[3];
	u64 total;
};

int lm_mem_params_check(void);
void lm_mem_geometry(struct lm_mem_geom *g);
struct lm_mem *lm_mem_get_global(void);
void lm_mem_get(struct lm_mem *mem);
void lm_mem_put(struct lm_mem *mem);
struct page *lm_mem_page(struct lm_mem *mem, unsigned long pgoff);

void *lm_mem_if_alloc(struct lm_mem *mem, size_t len, u64 *ofs, u16 *owner);
void lm_mem_if_free(struct lm_mem *mem, void *nifp);
int lm_mem_ring_create(struct lm_mem *mem, struct lm_kring *kring);
void lm_mem_ring_delete(struct lm_mem *mem, struct lm_kring *kring);
u32 lm_mem_buf_alloc(struct lm_mem *mem, u16 owner);
bool lm_mem_buf_free(struct lm_mem *mem, u32 idx, u16 owner);
u32 lm_mem_free_owned(struct lm_mem *mem, u16 owner);
u32 lm_mem_claim(struct lm_mem *mem, struct netmap_ring *ring, u32 n,
		 u32 from, u32 to, u16 owner);
int __lm_mem_swap(struct lm_mem *mem, u32 x, u16 t, u32 *y, u16 r);

/* Hold the pool lock across a batch of __lm_mem_swap() (pipes). */
static inline void lm_mem_lock(struct lm_mem *mem)
{
	spin_lock_bh(&mem->lock);
}

static inline void lm_mem_unlock(struct lm_mem *mem)
{
	spin_unlock_bh(&mem->lock);
}
u32 lm_mem_extra_alloc(struct lm_mem *mem, u32 want, u32 *head, u16 owner);
void lm_mem_usage(struct lm_mem *mem, struct lm_mem_usage *u);
bool lm_mem_global_usage(struct lm_mem_usage *u);
int lm_mem_hold(struct lm_mem *mem, u32 idx, u16 owner);
int lm_mem_ring_take(struct lm_mem *mem, u16 owner, struct netmap_ring *ring,
		     u32 *idx, u32 n, u32 rot);
void lm_mem_held_set(struct lm_mem *mem, u32 idx, bool held);
int lm_mem_lend(struct lm_mem *mem, u32 idx, u16 *prev);
bool lm_mem_unlend(struct lm_mem *mem, u32 idx, u16 to);
void lm_mem_fill_lut(struct lm_mem *mem, struct lm_lut *lut);
dma_addr_t *lm_mem_dma_map(struct lm_mem *mem, struct device *dev);
void lm_mem_dma_unmap(struct lm_mem *mem, struct device *dev, dma_addr_t *pd);
void lm_mem_pools_info(struct nmreq_pools_info *pi);

/* ------------------------------------------------------------ files */

/* Per open file of /dev/netmap. */
struct lm_priv {
	/*
	 * NULL until bound; published with smp_store_release() once every
	 * other field below is set, read with smp_load_acquire().  Never
	 * changes again until release().
	 */
	struct lm_adapter *na;
	struct lm_mem	*mem;
	struct netmap_if *nifp;
	u64		nifp_ofs;
	u32		first[2];	/* bound krings [first, last) per LM_TX/LM_RX */
	u32		last[2];
	u64		reg_flags;	/* NR_* of the registration */
	u32		extra_count;	/* extra buffers given out */
	u16		if_owner;	/* LM_OWN_IF() of nifp: owns the extras */
	bool		null_mode;	/* NR_REG_NULL: memory only */
};

/* ------------------------------------------------------------ krings */

int lm_kring_sync(struct lm_kring *kring, unsigned int flags);
bool lm_kring_check_indices(u32 n, u32 rhead, u32 rtail, u32 head, u32 cur);
void lm_kring_init_lists(struct lm_adapter *na);
struct lm_adapter *lm_adapter_alloc(u32 ntx, u32 nrx, u32 nhost,
				    u32 tx_slots, u32 rx_slots);
void lm_adapter_get(struct lm_adapter *na);
void lm_adapter_put(struct lm_adapter *na);
struct lm_adapter *lm_nic_find(const char *name);
int lm_kring_bind(struct lm_kring *kring, struct lm_mem *mem, bool excl);
bool lm_kring_unbind(struct lm_kring *kring);
void lm_kring_unbind_retire(struct lm_kring *kring);
void lm_kring_unbind_free(struct lm_kring *kring);
int lm_adapter_attach_mem(struct lm_adapter *na, struct lm_mem *mem);

/* host rings (lm_host.c) */
int lm_host_txsync(struct lm_kring *kring, unsigned int flags);
int lm_host_rxsync(struct lm_kring *kring, unsigned int flags);
void lm_host_kring_off(struct lm_kring *kring);
void lm_host_purge(struct lm_kring *kring);

/* ------------------------------------------------------------ pipes */

bool lm_pipe_name(const char *name);
struct lm_adapter *lm_pipe_get(const char *name, u32 slots_hint);
void lm_pipe_geometry(u32 slots_hint, u32 *slots);
int lm_pipe_info(const char *name, u32 *slots);
void lm_pipe_put(struct lm_adapter *na);

/* ------------------------------------------------------------ control */

long lm_ioctl_ctrl(struct lm_priv *priv, void __user *uhdr);
long lm_ioctl_legacy(struct lm_priv *priv, unsigned int cmd,
		     void __user *ureq);
void lm_priv_unbind(struct lm_priv *priv);

extern unsigned int lm_pipe_slots;

#endif /* LM_KERN_H */
