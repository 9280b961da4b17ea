// SPDX-License-Identifier: GPL-2.0
/*
 * lm_mem.c - the shared memory allocator.
 *
 * One region per allocator, laid out as netmap lays it out:
 *
 *   0                 ofs[RING]              ofs[BUF]                 size
 *   [ netmap_if pool  ][ netmap_ring pool     ][ buffer pool            ]
 *     if_num x if_size   ring_num x ring_size   buf_num x buf_size
 *
 * The region is a single vmalloc_user() area: contiguous in the kernel's
 * virtual space (a buffer's address is base + ofs[BUF] + idx * buf_size),
 * page-granular for mmap() (the fault handler hands out its pages one by
 * one) and for DMA (each page of the buffer pool is mapped per device; a
 * buffer never crosses a page because buf_size divides PAGE_SIZE).
 *
 * Buffers 0 and 1 are reserved (never handed out), so a zero index can
 * terminate lists and a slot holding 0 or 1 is always an error.
 *
 * Only the global allocator (mem_id 1) exists.  It is created on first
 * use and freed when its last reference goes: bound files, mappings,
 * adapters that use it, and buffers lent to drivers each hold one.
 */
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/bitmap.h>
#include <linux/log2.h>
#include "lm_kern.h"

static unsigned int if_size = 1024;
module_param(if_size, uint, 0444);
MODULE_PARM_DESC(if_size, "bytes per netmap_if object");
static unsigned int if_num = 100;
module_param(if_num, uint, 0444);
MODULE_PARM_DESC(if_num, "netmap_if objects (one per bound file)");
static unsigned int ring_size = 36864;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "bytes per ring object (256 + 16 per slot)");
static unsigned int ring_num = 200;
module_param(ring_num, uint, 0444);
MODULE_PARM_DESC(ring_num, "ring objects");
static unsigned int buf_size = 2048;
module_param(buf_size, uint, 0444);
MODULE_PARM_DESC(buf_size, "bytes per packet buffer (power of two, <= PAGE_SIZE)");
static unsigned int buf_num = 40960;
module_param(buf_num, uint, 0444);
MODULE_PARM_DESC(buf_num, "packet buffers (0 and 1 reserved)");

#define LM_MEM_MAX_BYTES	(1ULL << 31)	/* legacy nmreq.nr_memsize is u32 */
#define LM_GLOBAL_MEM_ID	1

static struct lm_mem *lm_mem_global;
static DEFINE_SPINLOCK(lm_mem_global_lock);

void lm_mem_geometry(struct lm_mem_geom *g)
{
	g->if_size = if_size;
	g->if_num = if_num;
	g->ring_size = ring_size;
	g->ring_num = ring_num;
	g->buf_size = buf_size;
	g->buf_num = buf_num;
	g->ofs[LM_POOL_IF] = 0;
	g->ofs[LM_POOL_RING] = PAGE_ALIGN((u64)if_size * if_num);
	g->ofs[LM_POOL_BUF] = g->ofs[LM_POOL_RING] +
			      PAGE_ALIGN((u64)ring_size * ring_num);
	g->total = g->ofs[LM_POOL_BUF] + PAGE_ALIGN((u64)buf_size * buf_num);
}

/* Called once at module load: refuse parameters that break the layout. */
int lm_mem_params_check(void)
{
	struct lm_mem_geom g;

	if (!is_power_of_2(buf_size) || buf_size < 64 || buf_size > PAGE_SIZE) {
		pr_err(LM_NAME ": buf_size %u must be a power of two in [64, %lu]\n",
		       buf_size, PAGE_SIZE);
		return -EINVAL;
	}
	if (buf_num < 64 || buf_num > (1U << 24)) {
		pr_err(LM_NAME ": buf_num %u out of [64, 2^24]\n", buf_num);
		return -EINVAL;
	}
	if (ring_size < sizeof(struct netmap_ring) + 64 * sizeof(struct netmap_slot) ||
	    ring_size > (1U << 22) || ring_size % 64 || ring_num < 2 ||
	    ring_num > 4096) {
		pr_err(LM_NAME ": ring_size %u / ring_num %u invalid\n",
		       ring_size, ring_num);
		return -EINVAL;
	}
	if (if_size < sizeof(struct netmap_if) + 4 * sizeof(ssize_t) ||
	    if_size > PAGE_SIZE || if_size % 64 || if_num < 1 || if_num > 4096) {
		pr_err(LM_NAME ": if_size %u / if_num %u invalid\n", if_size, if_num);
		return -EINVAL;
	}
	lm_mem_geometry(&g);
	if (g.total > LM_MEM_MAX_BYTES) {
		pr_err(LM_NAME ": region of %llu bytes exceeds %llu\n",
		       g.total, LM_MEM_MAX_BYTES);
		return -EINVAL;
	}
	return 0;
}

static int lm_pool_init(struct lm_pool *p, u64 ofs, u32 objsize, u32 objtotal,
			bool stack)
{
	u32 i;

	p->ofs = ofs;
	p->objsize = objsize;
	p->objtotal = objtotal;
	p->used = bitmap_zalloc(objtotal, GFP_KERNEL);
	if (!p->used)
		return -ENOMEM;
	if (!stack) {
		p->nfree = objtotal;
		return 0;
	}
	p->free_stack = kvmalloc_array(objtotal, sizeof(u32), GFP_KERNEL);
	if (!p->free_stack) {
		bitmap_free(p->used);
		p->used = NULL;
		return -ENOMEM;
	}
	/* Indices 0 and 1 are reserved: never on the free list. */
	p->nfree = 0;
	for (i = objtotal - 1; i >= 2; i--)
		p->free_stack[p->nfree++] = i;
	__set_bit(0, p->used);
	__set_bit(1, p->used);
	return 0;
}

static void lm_pool_fini(struct lm_pool *p)
{
	kvfree(p->free_stack);
	bitmap_free(p->used);
}

static struct lm_mem *lm_mem_create(void)
{
	struct lm_mem_geom g;
	struct lm_mem *mem;
	int err = -ENOMEM;

	lm_mem_geometry(&g);
	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem)
		return ERR_PTR(-ENOMEM);
	kref_init(&mem->ref);
	spin_lock_init(&mem->lock);
	mem->mem_id = LM_GLOBAL_MEM_ID;
	mem->size = g.total;
	mem->npages = g.total >> PAGE_SHIFT;

	if (lm_pool_init(&mem->pools[LM_POOL_IF], g.ofs[LM_POOL_IF], g.if_size,
			 g.if_num, false))
		goto err_free_mem;
	if (lm_pool_init(&mem->pools[LM_POOL_RING], g.ofs[LM_POOL_RING],
			 g.ring_size, g.ring_num, false))
		goto err_fini_if;
	if (lm_pool_init(&mem->pools[LM_POOL_BUF], g.ofs[LM_POOL_BUF],
			 g.buf_size, g.buf_num, true))
		goto err_fini_ring;
	mem->owner = kvcalloc(g.buf_num, sizeof(*mem->owner), GFP_KERNEL);
	if (!mem->owner)
		goto err_fini_buf;
	mem->owner[0] = LM_OWN_RSVD;
	mem->owner[1] = LM_OWN_RSVD;
	mem->held = bitmap_zalloc(g.buf_num, GFP_KERNEL);
	if (!mem->held)
		goto err_free_owner;
	/* Zeroed: [0, 0], which holds no buffer index (0 is reserved). */
	mem->span = kvcalloc(LM_OWN_SPANS, sizeof(*mem->span), GFP_KERNEL);
	if (!mem->span)
		goto err_free_held;
	/* Zeroed, and marked for remapping to userspace. */
	mem->base = vmalloc_user(mem->size);
	if (!mem->base)
		goto err_free_held;
	lm_stat_add(pages_alloc, mem->npages);
	lm_stat_inc(mem_alloc);
	pr_info_ratelimited(LM_NAME ": allocator %u: %zu bytes (%u if, %u rings, %u buffers of %u)\n",
			    mem->mem_id, mem->size, g.if_num, g.ring_num, g.buf_num,
			    g.buf_size);
	return mem;

err_free_held:
	kvfree(mem->span);
	bitmap_free(mem->held);
err_free_owner:
	kvfree(mem->owner);
err_fini_buf:
	lm_pool_fini(&mem->pools[LM_POOL_BUF]);
err_fini_ring:
	lm_pool_fini(&mem->pools[LM_POOL_RING]);
err_fini_if:
	lm_pool_fini(&mem->pools[LM_POOL_IF]);
err_free_mem:
	kfree(mem);
	return ERR_PTR(err);
}

static void lm_mem_destroy(struct lm_mem *mem)
{
	vfree(mem->base);
	lm_stat_add(pages_free, mem->npages);
	kvfree(mem->span);
	bitmap_free(mem->held);
	kvfree(mem->owner);
	lm_pool_fini(&mem->pools[LM_POOL_BUF]);
	lm_pool_fini(&mem->pools[LM_POOL_RING]);
	lm_pool_fini(&mem->pools[LM_POOL_IF]);
	lm_stat_inc(mem_free);
	kfree(mem);
}

static void lm_mem_free_work(struct work_struct *work)
{
	lm_mem_destroy(container_of(work, struct lm_mem, free_work));
}

/* The last reference went: unpublish, then free (or defer the free). */
static void lm_mem_release(struct kref *ref)
{
	struct lm_mem *mem = container_of(ref, struct lm_mem, ref);

	/* A concurrent lm_mem_get_global() fails its kref_get_unless_zero()
	 * on us and creates a fresh allocator; only clear our own entry. */
	spin_lock_bh(&lm_mem_global_lock);
	if (lm_mem_global == mem)
		lm_mem_global = NULL;
	spin_unlock_bh(&lm_mem_global_lock);
	/*
	 * vfree() and friends want process context; a final put from
	 * softirq (cannot happen today: adapters hold a reference while
	 * buffers are lent) is deferred.  lm_wq is flushed at unload.
	 */
	if (in_task()) {
		lm_mem_destroy(mem);
	} else {
		INIT_WORK(&mem->free_work, lm_mem_free_work);
		queue_work(lm_wq, &mem->free_work);
	}
}

void lm_mem_get(struct lm_mem *mem)
{
	kref_get(&mem->ref);
}

void lm_mem_put(struct lm_mem *mem)
{
	kref_put(&mem->ref, lm_mem_release);
}

struct lm_mem *lm_mem_get_global(void)
{
	struct lm_mem *mem, *fresh;

	spin_lock_bh(&lm_mem_global_lock);
	mem = lm_mem_global;
	if (mem && !kref_get_unless_zero(&mem->ref))
		mem = NULL;	/* dying: its release clears the pointer */
	spin_unlock_bh(&lm_mem_global_lock);
	if (mem)
		return mem;

	fresh = lm_mem_create();
	if (IS_ERR(fresh))
		return fresh;
	spin_lock_bh(&lm_mem_global_lock);
	mem = lm_mem_global;
	if (mem && kref_get_unless_zero(&mem->ref)) {
		/* Lost a race with another creator: use theirs. */
		spin_unlock_bh(&lm_mem_global_lock);
		lm_mem_destroy(fresh);
		return mem;
	}
	lm_mem_global = fresh;
	spin_unlock_bh(&lm_mem_global_lock);
	return fresh;
}

/* Usage of the global allocator, if there is one right now. */
bool lm_mem_global_usage(struct lm_mem_usage *u)
{
	struct lm_mem *mem;

	spin_lock_bh(&lm_mem_global_lock);
	mem = lm_mem_global;
	if (mem && !kref_get_unless_zero(&mem->ref))
		mem = NULL;
	spin_unlock_bh(&lm_mem_global_lock);
	if (!mem)
		return false;
	lm_mem_usage(mem, u);
	lm_mem_put(mem);
	return true;
}

struct page *lm_mem_page(struct lm_mem *mem, unsigned long pgoff)
{
	if (pgoff >= mem->npages)
		return NULL;
	return vmalloc_to_page(mem->base + (pgoff << PAGE_SHIFT));
}

/* Allocate one object of a bitmap pool (if, ring); returns its number or -1. */
static int lm_pool_take(struct lm_mem *mem, struct lm_pool *p)
{
	unsigned long i;

	spin_lock_bh(&mem->lock);
	i = find_first_zero_bit(p->used, p->objtotal);
	if (i >= p->objtotal) {
		spin_unlock_bh(&mem->lock);
		return -1;
	}
	__set_bit(i, p->used);
	p->nfree--;
	spin_unlock_bh(&mem->lock);
	return i;
}

static void lm_pool_give(struct lm_mem *mem, struct lm_pool *p, u32 i)
{
	spin_lock_bh(&mem->lock);
	if (WARN_ON_ONCE(i >= p->objtotal || !test_bit(i, p->used))) {
		spin_unlock_bh(&mem->lock);
		return;
	}
	__clear_bit(i, p->used);
	p->nfree++;
	spin_unlock_bh(&mem->lock);
}

void *lm_mem_if_alloc(struct lm_mem *mem, size_t len, u64 *ofs, u16 *owner)
{
	struct lm_pool *p = &mem->pools[LM_POOL_IF];
	void *nifp;
	int i;

	if (len > p->objsize)
		return NULL;
	i = lm_pool_take(mem, p);
	if (i < 0)
		return NULL;
	*owner = LM_OWN_IF(i);
	*ofs = p->ofs + (u64)i * p->objsize;
	nifp = mem->base + *ofs;
	memset(nifp, 0, p->objsize);
	return nifp;
}

void lm_mem_if_free(struct lm_mem *mem, void *nifp)
{
	struct lm_pool *p = &mem->pools[LM_POOL_IF];
	u64 ofs = (u8 *)nifp - mem->base - p->ofs;

	lm_pool_give(mem, p, div_u64(ofs, p->objsize));
}

/*
 * Buffer ownership.  The kernel records, for every buffer, who it gave the
 * buffer to: a ring (LM_OWN_RING), a file's extra-buffer list (LM_OWN_IF),
 * a driver (LM_OWN_LENT), or nobody (LM_OWN_FREE).  Slots are user memory
 * and are never trusted for freeing: a closing ring or file frees exactly
 * the buffers recorded as its own, wherever the application put them.
 * Ownership moves only through the kernel: a sync that is handed a slot
 * naming another ring's or file's buffer takes it over (lm_mem_claim()),
 * pipes move it with the slot they swap, drivers lend and return.
 * mem->lock protects owner[] and the free stack.
 *
 * Apart from its owner, a buffer may be held by a device: posted to a
 * NIC's rx descriptor, the NIC may write it at any time (lm_buf_hold()).
 * A held buffer stays with its ring whatever other slots name it: a sync
 * handed one in a slot of another ring fails, so no other ring or file
 * frees it at close while the device still writes it.  held[] is set and
 * cleared with atomic bitops by the driver, outside mem->lock.
 *
 * Freeing what a ring or file owns needs no pass over every buffer: each
 * such owner has a span [lo, hi] of indices, widened whenever a buffer is
 * handed to it (lm_own_set()), never narrowed, emptied once what it owns
 * is freed (lm_mem_free_owned(): the owner number may then go to another
 * ring or file).  Buffers come from the free stack low indices first, so
 * a ring's 256 usually lie within a few hundred of the 40,960.
 */

static struct lm_own_span *lm_own_span(struct lm_mem *mem, u16 owner)
{
	u32 i = owner < LM_OWN_IF(0) ? owner - LM_OWN_RING(0) :
		LM_OWN_SPANS / 2 + owner - LM_OWN_IF(0);

	return &mem->span[i];
}

/* Record idx as owner's.  mem->lock held. */
static void lm_own_set(struct lm_mem *mem, u32 idx, u16 owner)
{
	WRITE_ONCE(mem->owner[idx], owner);
	if (lm_own_transferable(owner)) {
		struct lm_own_span *sp = lm_own_span(mem, owner);

		if (idx < sp->lo || sp->lo < 2)
			sp->lo = idx;
		if (idx > sp->hi)
			sp->hi = idx;
	}
}

/* Pop a free buffer for owner; 0 if none.  mem->lock held. */
static u32 __lm_buf_get(struct lm_mem *mem, u16 owner)
{
	struct lm_pool *p = &mem->pools[LM_POOL_BUF];
	u32 idx;

	if (!p->nfree)
		return 0;
	idx = p->free_stack[--p->nfree];
	lm_own_set(mem, idx, owner);
	return idx;
}

/* mem->lock held; idx must be allocated. */
static void __lm_buf_put(struct lm_mem *mem, u32 idx)
{
	struct lm_pool *p = &mem->pools[LM_POOL_BUF];

	lm_own_set(mem, idx, LM_OWN_FREE);
	/* No device holds a free buffer: its driver let go of it, or the
	 * core took it back after DMA stopped (lm_adapter_unregister()). */
	clear_bit(idx, mem->held);
	p->free_stack[p->nfree++] = idx;
}

u32 lm_mem_buf_alloc(struct lm_mem *mem, u16 owner)
{
	u32 idx;

	spin_lock_bh(&mem->lock);
	idx = __lm_buf_get(mem, owner);
	spin_unlock_bh(&mem->lock);
	return idx;
}

/* Free idx if (and only if) owner holds it. */
bool lm_mem_buf_free(struct lm_mem *mem, u32 idx, u16 owner)
{
	bool done = false;

	if (idx >= mem->pools[LM_POOL_BUF].objtotal)
		return false;
	spin_lock_bh(&mem->lock);
	if (mem->owner[idx] == owner) {
		__lm_buf_put(mem, idx);
		done = true;
	}
	spin_unlock_bh(&mem->lock);
	return done;
}

/* Free every buffer owner (a ring or a file) holds; returns how many. */
u32 lm_mem_free_owned(struct lm_mem *mem, u16 owner)
{
	u32 i, n = 0, total = mem->pools[LM_POOL_BUF].objtotal;
	struct lm_own_span *sp;

	if (WARN_ON_ONCE(!lm_own_transferable(owner)))
		return 0;
	sp = lm_own_span(mem, owner);
	spin_lock_bh(&mem->lock);
	for (i = max(sp->lo, 2U); i <= sp->hi && i < total; i++) {
		if (mem->owner[i] == owner) {
			__lm_buf_put(mem, i);
			n++;
		}
	}
	sp->lo = 0;	/* empty: [0, 0] */
	sp->hi = 0;
	spin_unlock_bh(&mem->lock);
	return n;
}

/*
 * A sync is handed slots [from, to) of ring: each must name a buffer that
 * some ring or file holds (not free, not lent, not reserved); the ring
 * takes over the ones it did not hold, unless a device holds them.
 * Returns the first bad slot, or to.
 */
u32 lm_mem_claim(struct lm_mem *mem, struct netmap_ring *ring, u32 n,
		 u32 from, u32 to, u16 owner)
{
	u32 total = mem->pools[LM_POOL_BUF].objtotal, k;

	spin_lock_bh(&mem->lock);
	for (k = from; k != to; k = lm_next(k, n)) {
		u32 idx = READ_ONCE(ring->slot[k].buf_idx);
		u16 o;

		if (idx >= total)
			break;
		o = mem->owner[idx];
		if (o == owner)
			continue;
		if (!lm_own_transferable(o))
			break;
		lm_own_set(mem, idx, owner);
		/*
		 * Pairs with lm_buf_hold(), which sets held then reads the
		 * owner: of a hold and a claim racing for idx, one sees the
		 * other and fails (or both do).
		 */
		smp_mb();
		if (test_bit(idx, mem->held)) {
			lm_own_set(mem, idx, o);
			break;
		}
	}
	spin_unlock_bh(&mem->lock);
	return k;
}

/*
 * Pipe swap, with mem->lock held by the caller (lm_mem_lock()): t's buffer
 * x goes to an r slot (owner r), r's buffer *y to the t slot (owner t).
 * -EINVAL if x is not t's.  If *y is not r's (the peer's user scribbled on
 * a slot it had released) t gets a fresh buffer instead; -ENOMEM if none.
 */
int __lm_mem_swap(struct lm_mem *mem, u32 x, u16 t, u32 *y, u16 r)
{
	u32 total = mem->pools[LM_POOL_BUF].objtotal;

	lockdep_assert_held(&mem->lock);
	if (x >= total || mem->owner[x] != t)
		return -EINVAL;
	if (*y >= total || mem->owner[*y] != r) {
		*y = __lm_buf_get(mem, t);
		if (!*y)
			return -ENOMEM;
	} else {
		lm_own_set(mem, *y, t);
	}
	lm_own_set(mem, x, r);
	return 0;
}

/*
 * Allocate up to want extra buffers for a file (owner), chained through
 * their first 4 bytes (0 terminates); *head gets the first.  Returns how
 * many were given.  They are freed by owner at close, whatever the chain
 * then says.
 */
u32 lm_mem_extra_alloc(struct lm_mem *mem, u32 want, u32 *head, u16 owner)
{
	u32 n, idx, next = 0;

	for (n = 0; n < want; n++) {
		idx = lm_mem_buf_alloc(mem, owner);
		if (!idx)
			break;
		*(u32 *)(mem->base + mem->pools[LM_POOL_BUF].ofs +
			 (size_t)idx * mem->pools[LM_POOL_BUF].objsize) = next;
		next = idx;
	}
	*head = next;
	return n;
}

void lm_mem_usage(struct lm_mem *mem, struct lm_mem_usage *u)
{
	u32 i, total = mem->pools[LM_POOL_BUF].objtotal;

	spin_lock_bh(&mem->lock);
	u->bufs_in_use = total - 2 - mem->pools[LM_POOL_BUF].nfree;
	u->bufs_lent = 0;
	for (i = 2; i < total; i++)
		u->bufs_lent += mem->owner[i] == LM_OWN_LENT;
	u->rings_in_use = mem->pools[LM_POOL_RING].objtotal - mem->pools[LM_POOL_RING].nfree;
	u->ifs_in_use = mem->pools[LM_POOL_IF].objtotal - mem->pools[LM_POOL_IF].nfree;
	spin_unlock_bh(&mem->lock);
}

int lm_mem_ring_create(struct lm_mem *mem, struct lm_kring *kring)
{
	struct lm_pool *rp = &mem->pools[LM_POOL_RING];
	struct lm_pool *bp = &mem->pools[LM_POOL_BUF];
	u32 n = kring->nkr_num_slots, i;
	struct netmap_ring *ring;
	u64 ofs;
	int obj;

	if (sizeof(*ring) + (size_t)n * sizeof(struct netmap_slot) > rp->objsize)
		return -EINVAL;
	obj = lm_pool_take(mem, rp);
	if (obj < 0)
		return -ENOMEM;
	ofs = rp->ofs + (u64)obj * rp->objsize;
	ring = (struct netmap_ring *)(mem->base + ofs);
	memset(ring, 0, sizeof(*ring) + (size_t)n * sizeof(struct netmap_slot));

	/* The const fields are written once here; the kernel never reads
	 * them back (the application could have changed them). */
	*(int64_t *)&ring->buf_ofs = (int64_t)bp->ofs - (int64_t)ofs;
	*(uint32_t *)&ring->num_slots = n;
	*(uint32_t *)&ring->nr_buf_size = bp->objsize;
	*(uint16_t *)&ring->ringid = kring->ring_id;
	*(uint16_t *)&ring->dir = kring->dir == LM_TX ? 0 : 1;

	kring->ring_owner = LM_OWN_RING(obj);
	/* One lock round for the ring's buffers: this is the register call. */
	spin_lock_bh(&mem->lock);
	for (i = 0; i < n; i++) {
		u32 idx = __lm_buf_get(mem, kring->ring_owner);

		if (!idx)
			break;
		ring->slot[i].buf_idx = idx;
		ring->slot[i].len = bp->objsize;
	}
	spin_unlock_bh(&mem->lock);
	if (i < n)
		goto err_free_bufs;

	kring->ring = ring;
	kring->ring_ofs = ofs;
	kring->nr_hwcur = 0;
	kring->nr_hwtail = kring->dir == LM_TX ? n - 1 : 0;
	kring->rhead = 0;
	kring->rcur = 0;
	kring->rtail = kring->nr_hwtail;
	ring->head = 0;
	ring->cur = 0;
	ring->tail = kring->rtail;
	return 0;

err_free_bufs:
	lm_mem_free_owned(mem, kring->ring_owner);	/* never re-reads the slots */
	lm_pool_give(mem, rp, obj);
	return -ENOMEM;
}

/*
 * Free a kring's ring and every buffer the ring holds, wherever the
 * application moved it; buffers of others found in its slots stay theirs.
 */
void lm_mem_ring_delete(struct lm_mem *mem, struct lm_kring *kring)
{
	struct lm_pool *rp = &mem->pools[LM_POOL_RING];

	if (!kring->ring)
		return;
	lm_mem_free_owned(mem, kring->ring_owner);
	lm_pool_give(mem, rp, div_u64(kring->ring_ofs - rp->ofs, rp->objsize));
	kring->ring = NULL;
	kring->ring_ofs = 0;
}

int lm_mem_hold(struct lm_mem *mem, u32 idx, u16 owner)
{
	if (idx < 2 || idx >= mem->pools[LM_POOL_BUF].objtotal)
		return -EINVAL;
	/* Fully ordered: the owner is read after held is set. */
	if (test_and_set_bit(idx, mem->held))
		return -EBUSY;
	if (READ_ONCE(mem->owner[idx]) != owner) {
		clear_bit(idx, mem->held);
		return -EINVAL;
	}
	return 0;
}

int lm_mem_ring_take(struct lm_mem *mem, u16 owner, struct netmap_ring *ring,
		     u32 *idx, u32 n, u32 rot)
{
	u32 total = mem->pools[LM_POOL_BUF].objtotal, i, k, fresh = 0;

	spin_lock_bh(&mem->lock);
	for (i = 0; i < n; i++) {
		u32 x = idx[i];

		/* Held first, then the owner: a racing lm_mem_hold() finds
		 * it held; claims wait for the lock, then find it held. */
		if (x < total && lm_own_transferable(mem->owner[x]) &&
		    !test_and_set_bit(x, mem->held)) {
			lm_own_set(mem, x, owner);
			continue;
		}
		/* Bad, free, lent, held by a device, or named before. */
		x = __lm_buf_get(mem, owner);
		if (!x)
			goto nomem;
		set_bit(x, mem->held);
		idx[i] = x;
		WRITE_ONCE(ring->slot[(i + rot) % n].buf_idx, x);
		fresh++;
	}
	spin_unlock_bh(&mem->lock);
	return fresh;

nomem:
	/* What moved stays the ring's (in its slots); none held. */
	for (k = 0; k < i; k++)
		clear_bit(idx[k], mem->held);
	spin_unlock_bh(&mem->lock);
	return -ENOMEM;
}

void lm_mem_held_set(struct lm_mem *mem, u32 idx, bool held)
{
	if (idx < 2 || idx >= mem->pools[LM_POOL_BUF].objtotal)
		return;
	if (held)
		set_bit(idx, mem->held);
	else
		clear_bit(idx, mem->held);
}

int lm_mem_lend(struct lm_mem *mem, u32 idx, u16 *prev)
{
	struct lm_pool *p = &mem->pools[LM_POOL_BUF];
	u16 o;

	if (idx < 2 || idx >= p->objtotal)
		return -EINVAL;
	spin_lock_bh(&mem->lock);
	o = mem->owner[idx];
	if (o == LM_OWN_LENT) {
		spin_unlock_bh(&mem->lock);
		return -EBUSY;
	}
	if (!lm_own_transferable(o)) {
		spin_unlock_bh(&mem->lock);
		return -EINVAL;
	}
	*prev = o;
	lm_own_set(mem, idx, LM_OWN_LENT);
	spin_unlock_bh(&mem->lock);
	lm_mem_get(mem);	/* the lent buffer keeps the region alive */
	return 0;
}

/*
 * Undo lm_mem_lend(): the buffer goes back to the pool (to ==
 * LM_OWN_FREE) or to the ring that adopts it.  False if it was not lent.
 */
bool lm_mem_unlend(struct lm_mem *mem, u32 idx, u16 to)
{
	struct lm_pool *p = &mem->pools[LM_POOL_BUF];

	if (idx < 2 || idx >= p->objtotal)
		return false;
	spin_lock_bh(&mem->lock);
	if (mem->owner[idx] != LM_OWN_LENT) {
		spin_unlock_bh(&mem->lock);
		return false;
	}
	if (to == LM_OWN_FREE)
		__lm_buf_put(mem, idx);
	else
		lm_own_set(mem, idx, to);
	spin_unlock_bh(&mem->lock);
	lm_mem_put(mem);	/* never the last: the adapter holds one */
	return true;
}

void lm_mem_fill_lut(struct lm_mem *mem, struct lm_lut *lut)
{
	struct lm_pool *p = &mem->pools[LM_POOL_BUF];

	lut->base = mem->base + p->ofs;
	lut->nbufs = p->objtotal;
	lut->buf_size = p->objsize;
}

/* Map every page of the buffer pool for dev; returns the per-page table. */
dma_addr_t *lm_mem_dma_map(struct lm_mem *mem, struct device *dev)
{
	struct lm_pool *p = &mem->pools[LM_POOL_BUF];
	u32 npages = PAGE_ALIGN((u64)p->objsize * p->objtotal) >> PAGE_SHIFT;
	dma_addr_t *pd;
	u32 i;

	pd = kvmalloc_array(npages, sizeof(*pd), GFP_KERNEL);
	if (!pd)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < npages; i++) {
		struct page *pg = vmalloc_to_page(mem->base + p->ofs +
						  ((size_t)i << PAGE_SHIFT));

		pd[i] = dma_map_page(dev, pg, 0, PAGE_SIZE, DMA_BIDIRECTIONAL);
		if (dma_mapping_error(dev, pd[i]))
			goto err_unmap;
	}
	lm_stat_add(dma_map, npages);
	return pd;

err_unmap:
	while (i--)
		dma_unmap_page(dev, pd[i], PAGE_SIZE, DMA_BIDIRECTIONAL);
	kvfree(pd);
	return ERR_PTR(-ENOMEM);
}

void lm_mem_dma_unmap(struct lm_mem *mem, struct device *dev, dma_addr_t *pd)
{
	struct lm_pool *p = &mem->pools[LM_POOL_BUF];
	u32 npages = PAGE_ALIGN((u64)p->objsize * p->objtotal) >> PAGE_SHIFT;
	u32 i;

	for (i = 0; i < npages; i++)
		dma_unmap_page(dev, pd[i], PAGE_SIZE, DMA_BIDIRECTIONAL);
	lm_stat_add(dma_unmap, npages);
	kvfree(pd);
}

/* The global allocator's layout (deterministic: parameters are 0444). */
void lm_mem_pools_info(struct nmreq_pools_info *pi)
{
	struct lm_mem_geom g;

	lm_mem_geometry(&g);
	pi->nr_memsize = g.total;
	pi->nr_mem_id = LM_GLOBAL_MEM_ID;
	pi->nr_if_pool_offset = g.ofs[LM_POOL_IF];
	pi->nr_if_pool_objtotal = g.if_num;
	pi->nr_if_pool_objsize = g.if_size;
	pi->nr_ring_pool_offset = g.ofs[LM_POOL_RING];
	pi->nr_ring_pool_objtotal = g.ring_num;
	pi->nr_ring_pool_objsize = g.ring_size;
	pi->nr_buf_pool_offset = g.ofs[LM_POOL_BUF];
	pi->nr_buf_pool_objtotal = g.buf_num;
	pi->nr_buf_pool_objsize = g.buf_size;
}
