// SPDX-License-Identifier: GPL-2.0
/*
 * lm_kring.c - adapters, krings, the sync prologue/epilogue and the
 * interface drivers plug into (lm_core.h).
 *
 * The sync path is the only place user-written ring indices enter the
 * kernel.  lm_kring_sync() reads ring->head and ring->cur once, checks
 * them against the kernel's own copies (rhead, rtail), and on any
 * inconsistency puts the ring back to the kernel's view and returns
 * -EINVAL: the port type below only ever sees validated indices.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include "lm_kern.h"

static LIST_HEAD(lm_nic_adapters);	/* under lm_core_lock */

#define LM_MAX_RINGS	64
#define LM_MIN_SLOTS	8

static int __lm_kring_sync(struct lm_kring *kring, unsigned int flags);

/* ------------------------------------------------------------ adapters */

struct lm_adapter *lm_adapter_alloc(u32 ntx, u32 nrx, u32 nhost,
				    u32 tx_slots, u32 rx_slots)
{
	struct lm_adapter *na;
	enum lm_txrx t;
	u32 i;

	na = kzalloc(sizeof(*na), GFP_KERNEL);
	if (!na)
		return NULL;
	na->tx_rings = kcalloc(ntx + nhost, sizeof(struct lm_kring), GFP_KERNEL);
	na->rx_rings = kcalloc(nrx + nhost, sizeof(struct lm_kring), GFP_KERNEL);
	if (!na->tx_rings || !na->rx_rings) {
		kfree(na->tx_rings);
		kfree(na->rx_rings);
		kfree(na);
		return NULL;
	}
	na->num_tx_rings = ntx;
	na->num_rx_rings = nrx;
	na->num_host_tx_rings = nhost;
	na->num_host_rx_rings = nhost;
	kref_init(&na->ref);
	INIT_LIST_HEAD(&na->list);
	atomic_set(&na->lent_bufs, 0);
	xa_init(&na->lent);

	for (t = LM_TX; t <= LM_RX; t++) {
		u32 nhw = t == LM_TX ? ntx : nrx;

		for (i = 0; i < nhw + nhost; i++) {
			struct lm_kring *kring = lm_kring(na, t, i);

			kring->na = na;
			kring->dir = t;
			kring->host = i >= nhw;
			kring->ring_id = kring->host ? i - nhw : i;
			kring->nkr_num_slots = t == LM_TX ? tx_slots : rx_slots;
			mutex_init(&kring->sync_lock);
			init_waitqueue_head(&kring->wq);
			skb_queue_head_init(&kring->host_q);
		}
	}
	lm_stat_inc(adapters_alloc);
	return na;
}

static void lm_adapter_release(struct kref *ref)
{
	struct lm_adapter *na = container_of(ref, struct lm_adapter, ref);
	enum lm_txrx t;
	u32 i;

	for (t = LM_TX; t <= LM_RX; t++) {
		for (i = 0; i < lm_num_krings(na, t); i++) {
			struct lm_kring *kring = lm_kring(na, t, i);

			WARN_ON_ONCE(kring->users || kring->ring);
			lm_host_purge(kring);
			mutex_destroy(&kring->sync_lock);
		}
	}
	WARN_ON_ONCE(!xa_empty(&na->lent));
	xa_destroy(&na->lent);
	if (na->page_dma)
		lm_mem_dma_unmap(na->mem, na->dma_dev, na->page_dma);
	if (na->mem)
		lm_mem_put(na->mem);
	if (na->free_fn)
		na->free_fn(na);
	kfree(na->tx_rings);
	kfree(na->rx_rings);
	kfree(na);
	lm_stat_inc(adapters_free);
}

void lm_adapter_get(struct lm_adapter *na)
{
	kref_get(&na->ref);
}

void lm_adapter_put(struct lm_adapter *na)
{
	kref_put(&na->ref, lm_adapter_release);
}

/*
 * First use of the allocator by this adapter: remember it, fill the lookup
 * table and map the buffer pool for the device.  lm_core_lock held.
 */
int lm_adapter_attach_mem(struct lm_adapter *na, struct lm_mem *mem)
{
	dma_addr_t *pd;

	if (na->mem)
		return na->mem == mem ? 0 : -EINVAL;
	if (na->dma_dev) {
		pd = lm_mem_dma_map(mem, na->dma_dev);
		if (IS_ERR(pd))
			return PTR_ERR(pd);
		na->page_dma = pd;
	}
	lm_mem_get(mem);
	na->mem = mem;
	lm_mem_fill_lut(mem, &na->lut);
	na->lut.page_dma = na->page_dma;
	return 0;
}

/* A NIC adapter by netdev name, with a reference.  lm_core_lock held. */
struct lm_adapter *lm_nic_find(const char *name)
{
	struct lm_adapter *na;

	lockdep_assert_held(&lm_core_lock);
	list_for_each_entry(na, &lm_nic_adapters, list) {
		if (!strncmp(na->ifp->name, name, IFNAMSIZ)) {
			lm_adapter_get(na);
			return na;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ on / off */

/* No sync can start after this, and none is running.  Whether it was on. */
static bool lm_kring_stop(struct lm_kring *kring)
{
	bool was_on;

	mutex_lock(&kring->sync_lock);
	was_on = test_and_clear_bit(LM_KRF_ON, &kring->flags);
	mutex_unlock(&kring->sync_lock);
	return was_on;
}

/* A stopped kring goes back to its driver (or the host path). */
static void lm_kring_retire(struct lm_kring *kring)
{
	struct lm_adapter *na = kring->na;

	if (kring->host)
		lm_host_kring_off(kring);
	else
		na->ops->kring_off(kring);
	na->active_krings--;
	lm_kring_notify(kring);
}

static void lm_kring_off(struct lm_kring *kring)
{
	lockdep_assert_held(&lm_core_lock);
	if (lm_kring_stop(kring))
		lm_kring_retire(kring);
}

/* Bind one more file to kring.  lm_core_lock held. */
int lm_kring_bind(struct lm_kring *kring, struct lm_mem *mem, bool excl)
{
	struct lm_adapter *na = kring->na;
	int err;

	lockdep_assert_held(&lm_core_lock);
	if (kring->exclusive || (excl && kring->users))
		return -EBUSY;
	if (kring->users == 0) {
		err = lm_mem_ring_create(mem, kring);
		if (err)
			return err;
		err = kring->host ? 0 : na->ops->kring_on(kring);
		if (err) {
			lm_mem_ring_delete(mem, kring);
			return err;
		}
		if (WARN_ON_ONCE(kring->nr_hwcur >= kring->nkr_num_slots ||
				 kring->nr_hwtail >= kring->nkr_num_slots)) {
			kring->nr_hwcur = 0;
			kring->nr_hwtail = kring->dir == LM_TX ?
					   kring->nkr_num_slots - 1 : 0;
		}
		/* Publish the driver's starting point to the application. */
		kring->rhead = kring->nr_hwcur;
		kring->rcur = kring->nr_hwcur;
		/*
		 * A pipe peer may already be filling this rx ring (kring_on
		 * linked it): pairs with smp_store_release() in
		 * lm_pipe_txsync(), like the epilogue of a sync.
		 */
		kring->rtail = smp_load_acquire(&kring->nr_hwtail);
		kring->ring->head = kring->rhead;
		kring->ring->cur = kring->rcur;
		kring->ring->tail = kring->rtail;
		/*
		 * Inside a register's switch_begin/end the driver may hold its
		 * ring lock, which a sync takes under sync_lock.  No sync can
		 * hold this kring's sync_lock (no file has it bound yet), so
		 * the reverse order here cannot deadlock: a subclass tells
		 * lockdep so.
		 */
		mutex_lock_nested(&kring->sync_lock, SINGLE_DEPTH_NESTING);
		set_bit(LM_KRF_ON, &kring->flags);
		mutex_unlock(&kring->sync_lock);
		na->active_krings++;
	}
	kring->users++;
	if (excl)
		kring->exclusive = true;
	return 0;
}

/*
 * Drop one file's binding.  The last file's leaving takes three steps, so
 * that the krings one file leaves go back to their driver inside one
 * switch_begin/switch_end bracket (lm_core.h), with every sync over before
 * it (a sync takes the lock the driver may hold across the bracket) and
 * the ring's memory freed after it.
 *
 * 1. lm_kring_unbind(): honour what the application did since its last
 *    sync (rx slots it consumed, tx slots it filled), so that the driver's
 *    kring_off() never gives a consumed frame back to the stack, and stop
 *    syncs.  A corrupt head is reset as in any sync.  Not killable: this
 *    is close(), also on the exit path of a killed process.  True when
 *    the driver must take the kring back: not if it went already
 *    (lm_adapter_unregister() turned the kring off), and then no driver
 *    callback may run, the bracket's neither.
 * 2. lm_kring_unbind_retire(): the driver takes the kring back.
 * 3. lm_kring_unbind_free(): the ring and its buffers are freed, if no
 *    file holds it any more.
 */
bool lm_kring_unbind(struct lm_kring *kring)
{
	bool leaving;

	lockdep_assert_held(&lm_core_lock);
	if (WARN_ON_ONCE(!kring->users))
		return false;
	kring->exclusive = false;	/* only an exclusive binder can hold it */
	if (--kring->users)
		return false;
	mutex_lock(&kring->sync_lock);
	__lm_kring_sync(kring, LM_SYNC_FINAL);
	leaving = test_and_clear_bit(LM_KRF_ON, &kring->flags);
	if (leaving)
		set_bit(LM_KRF_LEAVING, &kring->flags);
	mutex_unlock(&kring->sync_lock);
	return leaving;
}

void lm_kring_unbind_retire(struct lm_kring *kring)
{
	lockdep_assert_held(&lm_core_lock);
	if (test_and_clear_bit(LM_KRF_LEAVING, &kring->flags))
		lm_kring_retire(kring);
}

void lm_kring_unbind_free(struct lm_kring *kring)
{
	lockdep_assert_held(&lm_core_lock);
	if (!kring->users)
		lm_mem_ring_delete(kring->na->mem, kring);
}

/* ------------------------------------------------------------ sync */

/* Forward distance from a to b on a ring of n slots. */
static inline u32 lm_dist(u32 a, u32 b, u32 n)
{
	return b >= a ? b - a : b + n - a;
}

/*
 * The user may move head forward from rhead up to rtail, and cur anywhere
 * in [head, rtail]; both must name a slot.  Pure function: the fuzzing
 * and unit-test target for the ring arithmetic.
 */
bool lm_kring_check_indices(u32 n, u32 rhead, u32 rtail, u32 head, u32 cur)
{
	if (head >= n || cur >= n)
		return false;
	if (lm_dist(rhead, head, n) > lm_dist(rhead, rtail, n))
		return false;
	return lm_dist(head, cur, n) <= lm_dist(head, rtail, n);
}

/*
 * Put the user-visible indices back to the kernel's view: the user owns
 * [nr_hwcur, tail) again, nothing was lost, nothing bad was consumed.
 */
static void lm_kring_reinit(struct lm_kring *kring, const char *why,
			    u32 head, u32 cur)
{
	struct netmap_ring *ring = kring->ring;

	kring->reinit_count++;
	lm_stat_inc(ring_reinit);
	lm_ratelimited("%s %s ring %u%s: %s (head %u cur %u, kernel hwcur %u hwtail %u, %u slots); ring reset\n",
		       kring->na->name, kring->dir == LM_TX ? "tx" : "rx",
		       kring->ring_id, kring->host ? " (host)" : "", why, head,
		       cur, kring->nr_hwcur, kring->nr_hwtail,
		       kring->nkr_num_slots);
	kring->rhead = kring->nr_hwcur;
	kring->rcur = kring->nr_hwcur;
	WRITE_ONCE(ring->head, kring->rhead);
	WRITE_ONCE(ring->cur, kring->rcur);
	WRITE_ONCE(ring->tail, kring->rtail);
}

/* The sync proper; kring->sync_lock held. */
static int __lm_kring_sync(struct lm_kring *kring, unsigned int flags)
{
	struct lm_adapter *na = kring->na;
	struct netmap_ring *ring;
	u32 head, cur;
	int err;

	lockdep_assert_held(&kring->sync_lock);
	if (!lm_kring_is_on(kring))
		return -ENXIO;
	ring = kring->ring;
	head = READ_ONCE(ring->head);
	cur = READ_ONCE(ring->cur);
	if (!lm_kring_check_indices(kring->nkr_num_slots, kring->rhead,
				    kring->rtail, head, cur)) {
		lm_kring_reinit(kring, "head/cur outside the user's part", head, cur);
		return -EINVAL;
	}
	/*
	 * The slots handed to the kernel, [nr_hwcur, head), must name
	 * buffers someone holds; the ring takes over those it did not (the
	 * application swapped them in), so it frees them when it closes.
	 */
	if (lm_mem_claim(na->mem, ring, kring->nkr_num_slots, kring->nr_hwcur,
			 head, kring->ring_owner) != head) {
		lm_kring_reinit(kring, "slot names a free, lent, device-held or bad buffer",
				head, cur);
		return -EINVAL;
	}
	kring->rhead = head;
	kring->rcur = cur;

	if (kring->dir == LM_TX)
		err = kring->host ? lm_host_txsync(kring, flags) :
				    na->ops->txsync(kring, flags);
	else
		err = kring->host ? lm_host_rxsync(kring, flags) :
				    na->ops->rxsync(kring, flags);

	if (WARN_ON_ONCE(kring->nr_hwcur >= kring->nkr_num_slots))
		kring->nr_hwcur = 0;
	/* Pairs with smp_store_release() of nr_hwtail in lm_pipe_txsync(). */
	kring->rtail = smp_load_acquire(&kring->nr_hwtail);
	if (WARN_ON_ONCE(kring->rtail >= kring->nkr_num_slots))
		kring->rtail = kring->nr_hwcur;
	if (err == -EINVAL)
		lm_kring_reinit(kring, "bad slot (buffer index or length)", head, cur);
	WRITE_ONCE(ring->tail, kring->rtail);
	if (READ_ONCE(ring->flags) & NR_TIMESTAMP) {
		struct timespec64 ts;

		ktime_get_real_ts64(&ts);
		ring->ts.tv_sec = ts.tv_sec;
		ring->ts.tv_usec = ts.tv_nsec / NSEC_PER_USEC;
	}
	return err;
}

int lm_kring_sync(struct lm_kring *kring, unsigned int flags)
{
	int err;

	if (mutex_lock_killable(&kring->sync_lock))
		return -EINTR;
	err = __lm_kring_sync(kring, flags);
	mutex_unlock(&kring->sync_lock);
	return err;
}

/* ------------------------------------------------------------ exported */

void lm_kring_notify(struct lm_kring *kring)
{
	/*
	 * wake_up() takes the queue lock, which orders the caller's ring
	 * updates before the waiter's re-check in lm_poll() (pairs with
	 * the add_wait_queue() inside poll_wait()).
	 */
	wake_up(&kring->wq);
}
EXPORT_SYMBOL_GPL(lm_kring_notify);

static bool lm_irq(struct lm_adapter *na, enum lm_txrx t, u32 q)
{
	struct lm_kring *kring;

	if (unlikely(q >= (t == LM_TX ? na->num_tx_rings : na->num_rx_rings)))
		return false;
	kring = lm_kring(na, t, q);
	if (!lm_kring_is_on(kring))
		return false;
	lm_kring_notify(kring);
	return true;
}

bool lm_rx_irq(struct lm_adapter *na, u32 q)
{
	return lm_irq(na, LM_RX, q);
}
EXPORT_SYMBOL_GPL(lm_rx_irq);

bool lm_tx_irq(struct lm_adapter *na, u32 q)
{
	return lm_irq(na, LM_TX, q);
}
EXPORT_SYMBOL_GPL(lm_tx_irq);

int lm_buf_lend(struct lm_adapter *na, u32 idx)
{
	u16 prev;
	int err;

	if (!na->mem || na->dead)
		return -EINVAL;
	err = lm_mem_lend(na->mem, idx, &prev);
	if (err)
		return err;
	/* Remember which adapter holds it, for the reclaim at unregister. */
	err = xa_insert_bh(&na->lent, idx, xa_mk_value(idx), GFP_ATOMIC);
	if (err) {
		/* Back to its previous holder: the NIC may still use it. */
		lm_mem_unlend(na->mem, idx, prev);
		return err == -EBUSY ? -EBUSY : -ENOMEM;
	}
	atomic_inc(&na->lent_bufs);
	return 0;
}
EXPORT_SYMBOL_GPL(lm_buf_lend);

void lm_buf_return(struct lm_adapter *na, u32 idx)
{
	if (!na->mem || !xa_erase_bh(&na->lent, idx)) {
		lm_ratelimited("%s: returned buffer %u was not lent\n", na->name, idx);
		return;
	}
	lm_mem_unlend(na->mem, idx, LM_OWN_FREE);
	atomic_dec(&na->lent_bufs);
}
EXPORT_SYMBOL_GPL(lm_buf_return);

int lm_buf_hold(struct lm_kring *kring, u32 idx)
{
	struct lm_mem *mem = kring->na->mem;

	return mem ? lm_mem_hold(mem, idx, kring->ring_owner) : -EINVAL;
}
EXPORT_SYMBOL_GPL(lm_buf_hold);

int lm_buf_ring_take(struct lm_kring *kring, u32 *idx, u32 rot)
{
	struct lm_mem *mem = kring->na->mem;
	u32 n = kring->nkr_num_slots;
	int fresh;

	if (!mem || !kring->ring || rot >= n)
		return -EINVAL;
	fresh = lm_mem_ring_take(mem, kring->ring_owner, kring->ring, idx, n, rot);
	if (fresh > 0)
		lm_ratelimited("%s %s ring %u: %d slots named a free, lent, device-held, bad or repeated buffer; given fresh ones\n",
			       kring->na->name, kring->dir == LM_TX ? "tx" : "rx",
			       kring->ring_id, fresh);
	return fresh < 0 ? fresh : 0;
}
EXPORT_SYMBOL_GPL(lm_buf_ring_take);

void lm_buf_held_set(struct lm_adapter *na, u32 idx, bool held)
{
	if (na->mem)
		lm_mem_held_set(na->mem, idx, held);
}
EXPORT_SYMBOL_GPL(lm_buf_held_set);

int lm_buf_adopt(struct lm_kring *kring, u32 slot_idx, u32 idx)
{
	struct lm_adapter *na = kring->na;
	struct netmap_slot *slot;
	u32 old;

	if (!kring->ring || slot_idx >= kring->nkr_num_slots || !na->mem)
		return -EINVAL;
	if (!xa_erase_bh(&na->lent, idx))
		return -EINVAL;
	if (WARN_ON_ONCE(!lm_mem_unlend(na->mem, idx, kring->ring_owner)))
		return -EINVAL;
	atomic_dec(&na->lent_bufs);
	slot = &kring->ring->slot[slot_idx];
	old = READ_ONCE(slot->buf_idx);
	slot->buf_idx = idx;
	slot->flags |= NS_BUF_CHANGED;
	if (old != idx)
		lm_mem_buf_free(na->mem, old, kring->ring_owner);	/* only if ours */
	return 0;
}
EXPORT_SYMBOL_GPL(lm_buf_adopt);

/* Take back every buffer the driver still holds.  lm_core_lock held. */
static void lm_adapter_reclaim_lent(struct lm_adapter *na)
{
	unsigned long idx;
	void *entry;
	u32 n = 0;

	xa_for_each(&na->lent, idx, entry) {
		xa_erase_bh(&na->lent, idx);
		lm_mem_unlend(na->mem, idx, LM_OWN_FREE);
		atomic_dec(&na->lent_bufs);
		n++;
	}
	if (n)
		pr_warn(LM_NAME ": %s: unregistered with %u buffers still lent; reclaimed\n",
			na->name, n);
}

/* Can the allocator hold this port's rings and its netmap_if? */
static bool lm_geometry_fits(const struct lm_adapter_info *info)
{
	struct lm_mem_geom g;
	size_t slots_max, nifp;

	lm_mem_geometry(&g);
	slots_max = (g.ring_size - sizeof(struct netmap_ring)) / sizeof(struct netmap_slot);
	nifp = sizeof(struct netmap_if) + sizeof(ssize_t) *
	       (info->num_tx_rings + info->num_rx_rings + 2 * info->num_host_rings);
	return info->num_tx_desc <= slots_max && info->num_rx_desc <= slots_max &&
	       nifp <= g.if_size;
}

struct lm_adapter *lm_adapter_register(const struct lm_adapter_info *info)
{
	const struct lm_adapter_ops *ops = info ? info->ops : NULL;
	struct lm_adapter *na;
	int err;

	if (!info || !info->ifp || !ops || !ops->kring_on || !ops->kring_off ||
	    !ops->txsync || !ops->rxsync)
		return ERR_PTR(-EINVAL);
	if (!info->num_tx_rings || info->num_tx_rings > LM_MAX_RINGS ||
	    !info->num_rx_rings || info->num_rx_rings > LM_MAX_RINGS ||
	    info->num_tx_desc < LM_MIN_SLOTS || info->num_rx_desc < LM_MIN_SLOTS ||
	    info->num_tx_desc > 65536 || info->num_rx_desc > 65536 ||
	    info->num_host_rings > 1)
		return ERR_PTR(-EINVAL);

	if (!lm_geometry_fits(info)) {
		pr_err(LM_NAME ": %s: %u/%u rings of %u/%u slots do not fit ring_size/if_size\n",
		       info->ifp->name, info->num_tx_rings, info->num_rx_rings,
		       info->num_tx_desc, info->num_rx_desc);
		return ERR_PTR(-EINVAL);
	}
	na = lm_adapter_alloc(info->num_tx_rings, info->num_rx_rings,
			      info->num_host_rings, info->num_tx_desc,
			      info->num_rx_desc);
	if (!na)
		return ERR_PTR(-ENOMEM);
	strscpy(na->name, info->ifp->name, sizeof(na->name));
	na->ifp = info->ifp;
	na->dma_dev = info->dma_dev;
	na->ops = ops;
	na->drv_priv = info->drv_priv;

	mutex_lock(&lm_core_lock);
	if (ops->krings_create) {
		err = ops->krings_create(na);
		if (err)
			goto err_unlock;
	}
	list_add_tail(&na->list, &lm_nic_adapters);
	mutex_unlock(&lm_core_lock);
	pr_info(LM_NAME ": %s: %u/%u rings of %u/%u slots, %u host ring pair(s)\n",
		na->name, na->num_tx_rings, na->num_rx_rings,
		info->num_tx_desc, info->num_rx_desc, info->num_host_rings);
	return na;

err_unlock:
	mutex_unlock(&lm_core_lock);
	lm_adapter_put(na);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(lm_adapter_register);

void lm_adapter_unregister(struct lm_adapter *na)
{
	enum lm_txrx t;
	u32 i;

	mutex_lock(&lm_core_lock);
	list_del_init(&na->list);
	for (t = LM_TX; t <= LM_RX; t++)
		for (i = 0; i < lm_num_krings(na, t); i++)
			lm_kring_off(lm_kring(na, t, i));
	/* From here on no ops callback runs: the driver may go. */
	na->dead = true;
	if (na->ops->krings_delete)
		na->ops->krings_delete(na);
	lm_adapter_reclaim_lent(na);
	if (na->page_dma) {
		lm_mem_dma_unmap(na->mem, na->dma_dev, na->page_dma);
		na->page_dma = NULL;
		na->lut.page_dma = NULL;
	}
	mutex_unlock(&lm_core_lock);
	lm_adapter_put(na);
}
EXPORT_SYMBOL_GPL(lm_adapter_unregister);
