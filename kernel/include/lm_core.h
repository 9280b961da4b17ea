/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lm_core.h - the interface between the livemap core (livemap.ko) and the
 * port types that plug into it: native NIC drivers (livemap_e1000.ko) and
 * the core's own pipes.
 *
 * The core owns everything the application sees: the shared memory, the
 * netmap rings, the user-index validation, poll() and the wake-ups.  A
 * port type only moves slots between a netmap ring and its hardware (or
 * peer) ring, one kring at a time.
 *
 * Per-kring switching (DESIGN.md section 4).  The core never asks a driver
 * to bring the whole NIC down or up.  When the first file binds a ring the
 * core calls ops->kring_on() for that kring only; when the last file
 * unbinds it the core calls ops->kring_off() for that kring only.  Opening
 * ring K never touches ring J.
 *
 * Life of a kring:
 *
 *   lm_adapter_register()      krings exist, OFF, no netmap_ring
 *   first bind (REGISTER)      core: allocate netmap_ring + num_slots
 *                              buffers, indices reset, then
 *                              ops->kring_on(kring); on success the core
 *                              marks it ON and syncs may run
 *   txsync / rxsync            ops->txsync/rxsync, under kring->sync_lock
 *   last unbind (close)        core: mark OFF (no sync can start), then
 *                              ops->kring_off(kring) (infallible), then
 *                              free the ring's buffers -- except those the
 *                              driver kept with lm_buf_lend()
 *   lm_adapter_unregister()    every ON kring is forced OFF as above;
 *                              files still bound get ENXIO from then on
 *
 * Index conventions (all in [0, num_slots), the kernel's own copies; the
 * user-visible netmap_ring fields are never trusted):
 *
 *   TX  slots [nr_hwcur, rhead)  filled by the application, not yet
 *                                handed to the hardware: send them, then
 *                                set nr_hwcur = rhead
 *       slots [nr_hwtail+1, nr_hwcur)  in flight; as they complete, move
 *                                nr_hwtail forward (it stays one slot
 *                                behind nr_hwcur when all are done)
 *   RX  slots [nr_hwcur, rhead)  released by the application: give them
 *                                back to the hardware (re-reading buf_idx
 *                                if NS_BUF_CHANGED), set nr_hwcur = rhead
 *       slots [nr_hwtail, ...)   fill with received frames (slot len,
 *                                flags), advance nr_hwtail; never reach
 *                                nr_hwcur - 1 (one slot stays empty)
 *
 * Locking:
 *   - lm_core_lock (a mutex inside the core) serialises bind/unbind, hence
 *     kring_on/kring_off and krings_create/krings_delete.  They may sleep.
 *   - txsync/rxsync run in process context with kring->sync_lock held, so
 *     at most one sync per kring at a time; they may sleep (but should
 *     not).  kring_on/kring_off never run concurrently with a sync of the
 *     same kring.
 *   - lm_kring_notify() / lm_rx_irq() / lm_tx_irq() may be called from any
 *     context, including hard irq.
 */
#ifndef LM_CORE_H
#define LM_CORE_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/xarray.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/dma-mapping.h>
#include <net/netmap.h>

struct lm_adapter;
struct lm_mem;

enum lm_txrx {
	LM_TX = 0,
	LM_RX = 1,
};

/* Flags passed to ops->txsync / ops->rxsync. */
#define LM_SYNC_FROM_POLL	0x1	/* called from poll(), not NIOC*SYNC */
#define LM_SYNC_FORCE_RECLAIM	0x2	/* tx: reclaim completions now */
#define LM_SYNC_FINAL		0x4	/* the last sync, at close, just before
					 * kring_off(): slots the application
					 * released (rx) or filled (tx) since its
					 * last sync are taken, so kring_off()
					 * never hands a consumed frame back */

/*
 * The buffer lookup table of an adapter: buffer index -> kernel address
 * and DMA address (for the adapter's dma_dev).  Valid from the first
 * kring_on() until lm_adapter_unregister() returns.
 */
struct lm_lut {
	u8		*base;		/* kernel address of buffer 0 */
	u32		nbufs;		/* indices 0 .. nbufs-1; 0 and 1 reserved */
	u32		buf_size;	/* bytes per buffer, a power of two <= PAGE_SIZE */
	const dma_addr_t *page_dma;	/* DMA address of each page of the pool,
					 * NULL when the adapter has no dma_dev */
};

/*
 * One kernel ring: the kernel's side of one netmap_ring.  Fields marked
 * (core) are written by the core only; (drv) by the driver's sync/on/off
 * callbacks only; the rest are fixed at lm_adapter_register().
 */
struct lm_kring {
	struct lm_adapter *na;
	enum lm_txrx	dir;
	u32		ring_id;	/* NIC rings 0..n-1, host ring(s) after */
	bool		host;		/* a host (stack) ring */
	u32		nkr_num_slots;

	/* (core) valid while ON: the shared ring, user-writable */
	struct netmap_ring *ring;
	u64		ring_ofs;	/* its offset in the region */

	/*
	 * The kernel's view, read and written only under sync_lock (and by
	 * kring_on/kring_off).  (drv) nr_hwcur/nr_hwtail; (core) the
	 * validated copies of the user's head/cur and the published tail.
	 */
	u32		nr_hwcur;
	u32		nr_hwtail;
	u32		rhead;		/* (core) validated ring->head */
	u32		rcur;		/* (core) validated ring->cur */
	u32		rtail;		/* (core) last tail given to the user */

	void		*drv_priv;	/* (drv) per-kring driver state */

	/* ---- core private below ---- */
	unsigned long	flags;		/* LM_KRF_* bits */
	u32		users;		/* files bound to this kring */
	bool		exclusive;	/* bound with NR_EXCLUSIVE */
	struct mutex	sync_lock;	/* one sync at a time */
	wait_queue_head_t wq;		/* poll() waiters */
	struct lm_kring	*pipe_peer;	/* pipes: the kring slots go to/come from */
	struct sk_buff_head host_q;	/* host rx ring: frames from the stack */
	u16		ring_owner;	/* buffer owner id of the ring (lm_mem) */
	u64		reinit_count;	/* rings reset after bad user indices */
	u64		host_drops;	/* host rx: frames dropped, ring full */
};

/* kring->flags bits */
#define LM_KRF_ON	0	/* in netmap mode: syncs allowed */
#define LM_KRF_LEAVING	1	/* core only: its last file left, syncs stopped, the
				 * driver not told yet (lm_kring_unbind_retire) */

static inline bool lm_kring_is_on(const struct lm_kring *kring)
{
	return test_bit(LM_KRF_ON, &kring->flags);
}

/* Step an index forward / backward on a ring of n slots. */
static inline u32 lm_next(u32 i, u32 n)
{
	return unlikely(i + 1 == n) ? 0 : i + 1;
}

static inline u32 lm_prev(u32 i, u32 n)
{
	return unlikely(i == 0) ? n - 1 : i - 1;
}

/*
 * What a port type supplies.  All callbacks are mandatory unless marked
 * optional.  Return values are 0 or a negative errno.
 */
struct lm_adapter_ops {
	/*
	 * Enter netmap mode on one kring.  The netmap ring exists: every
	 * slot holds a fresh buffer (buf_idx valid, len = buffer size,
	 * flags 0), nr_hwcur = 0,
	 * and nr_hwtail = num_slots - 1 (tx: every slot free) or 0 (rx:
	 * nothing received).  The driver may move both to match its
	 * hardware ring (e.g. an rx driver that already holds frames
	 * advances nr_hwtail over the slots it fills here); the core then
	 * starts the application at head = cur = nr_hwcur, tail =
	 * nr_hwtail.  On error the kring stays OFF and the driver must have
	 * undone its own changes.
	 */
	int (*kring_on)(struct lm_kring *kring);

	/*
	 * Leave netmap mode on one kring.  Must not fail.  Buffers the
	 * driver keeps (e.g. still posted to the NIC's rx engine) must be
	 * claimed with lm_buf_lend() before returning; every other buffer
	 * found in the ring's slots is freed by the core afterwards.
	 */
	void (*kring_off)(struct lm_kring *kring);

	/*
	 * Optional: bracket the kring_on() calls of one register (every
	 * kring one file binds), and the kring_off() calls of one file's
	 * unbinding, lm_core_lock held; switch_end() follows every
	 * switch_begin(), also when a kring_on() failed.  A driver
	 * whose rings share what a switch must pause (one NAPI context for
	 * tx and rx, say) pauses it once here rather than once per kring.
	 * No sync of the adapter's krings may be assumed to run between the
	 * two (the driver may hold its ring lock across them).
	 */
	void (*switch_begin)(struct lm_adapter *na);
	void (*switch_end)(struct lm_adapter *na);

	/* Move slots, see "Index conventions" above. */
	int (*txsync)(struct lm_kring *kring, unsigned int flags);
	int (*rxsync)(struct lm_kring *kring, unsigned int flags);

	/*
	 * Optional: set up / tear down per-kring driver state (drv_priv)
	 * when the adapter is registered / finally freed.
	 */
	int (*krings_create)(struct lm_adapter *na);
	void (*krings_delete)(struct lm_adapter *na);
};

/* What a driver tells lm_adapter_register(). */
struct lm_adapter_info {
	struct net_device *ifp;		/* the netdev (name used for lookup) */
	struct device	*dma_dev;	/* for buffer DMA mappings, or NULL */
	u32		num_tx_rings;	/* NIC rings, >= 1 */
	u32		num_rx_rings;
	u32		num_tx_desc;	/* slots per NIC ring = descriptors */
	u32		num_rx_desc;
	u32		num_host_rings;	/* 0 or 1 host ring pair */
	const struct lm_adapter_ops *ops;
	void		*drv_priv;
};

/*
 * An adapter: the core's object for one port.  Allocated and reference
 * counted by the core; a driver keeps the pointer lm_adapter_register()
 * returned until it calls lm_adapter_unregister().
 */
struct lm_adapter {
	char		name[NETMAP_REQ_IFNAMSIZ];
	struct net_device *ifp;
	struct device	*dma_dev;
	u32		num_tx_rings;
	u32		num_rx_rings;
	u32		num_host_tx_rings;
	u32		num_host_rx_rings;
	const struct lm_adapter_ops *ops;
	void		*drv_priv;

	/* krings: NIC rings first, then host rings */
	struct lm_kring	*tx_rings;
	struct lm_kring	*rx_rings;

	struct lm_lut	lut;		/* valid once na->mem is set */

	/* ---- core private below ---- */
	struct lm_mem	*mem;		/* allocator, held until unregister */
	dma_addr_t	*page_dma;	/* lut.page_dma storage */
	struct kref	ref;
	struct list_head list;		/* lm_nic_adapters */
	bool		dead;		/* unregistered: syncs fail with ENXIO */
	bool		is_pipe;
	u32		active_krings;	/* krings ON */
	atomic_t	lent_bufs;	/* buffers held by the driver */
	struct xarray	lent;		/* their indices, reclaimed at unregister */
	void		(*free_fn)(struct lm_adapter *na);
};

static inline u32 lm_num_krings(const struct lm_adapter *na, enum lm_txrx t)
{
	return t == LM_TX ? na->num_tx_rings + na->num_host_tx_rings
			  : na->num_rx_rings + na->num_host_rx_rings;
}

static inline struct lm_kring *lm_kring(struct lm_adapter *na,
					enum lm_txrx t, u32 i)
{
	return t == LM_TX ? &na->tx_rings[i] : &na->rx_rings[i];
}

/* Kernel address of buffer idx, NULL if idx is reserved or out of range. */
static inline void *lm_buf_addr(const struct lm_lut *lut, u32 idx)
{
	if (unlikely(idx < 2 || idx >= lut->nbufs))
		return NULL;
	return lut->base + (size_t)idx * lut->buf_size;
}

/*
 * DMA address of buffer idx for the adapter's dma_dev; 0 if idx is
 * reserved or out of range, or the adapter has no dma_dev.  A buffer
 * never crosses a page, so one page mapping covers it.
 */
static inline dma_addr_t lm_buf_dma(const struct lm_lut *lut, u32 idx)
{
	size_t off;

	if (unlikely(idx < 2 || idx >= lut->nbufs || !lut->page_dma))
		return 0;
	off = (size_t)idx * lut->buf_size;
	return lut->page_dma[off >> PAGE_SHIFT] + (off & ~PAGE_MASK);
}

/* Slot's buffer with validation: NULL if the user put a bad index there. */
static inline void *lm_slot_buf(struct lm_kring *kring, struct netmap_slot *slot)
{
	return lm_buf_addr(&kring->na->lut, READ_ONCE(slot->buf_idx));
}

/*
 * Register a port with the core.  Call after register_netdev(); the
 * adapter is named after ifp.  Returns the adapter or an ERR_PTR.
 */
struct lm_adapter *lm_adapter_register(const struct lm_adapter_info *info);

/*
 * Unregister before unregister_netdev().  Every ON kring is switched OFF
 * (ops->kring_off), lent buffers still held are reclaimed (with a
 * warning: the driver must return them first), and the driver's pointer
 * becomes invalid.  Files still bound see ENXIO.  Sleeps.
 */
void lm_adapter_unregister(struct lm_adapter *na);

/*
 * Wake up the poll() waiters of a kring.  Any context.  Drivers call it
 * from their interrupt/NAPI path when a netmap-mode ring has work.
 */
void lm_kring_notify(struct lm_kring *kring);

/*
 * Interrupt helpers: if NIC ring q is in netmap mode, wake its waiters and
 * return true (the driver must then leave the ring to netmap); otherwise
 * return false and let the stack path run.  Any context.
 */
bool lm_rx_irq(struct lm_adapter *na, u32 q);
bool lm_tx_irq(struct lm_adapter *na, u32 q);

/*
 * Keep buffer idx after kring_off(): it is not freed with the ring, and the
 * allocator (and its mapping for the adapter) stays alive until
 * lm_buf_return().  -EINVAL for a bad index, -EBUSY if already lent,
 * -ENOMEM.  Both calls work in process and softirq (NAPI) context, not in
 * hard irq.  Buffers still lent at lm_adapter_unregister() are reclaimed
 * there (with a warning): the device must have stopped DMA by then.
 */
int lm_buf_lend(struct lm_adapter *na, u32 idx);

/* Give back a buffer kept with lm_buf_lend(); it returns to the pool. */
void lm_buf_return(struct lm_adapter *na, u32 idx);

/*
 * The device holds buffer idx (posted, or about to be, to an rx
 * descriptor): until it lets go, no sync moves idx to another ring or file
 * (that sync fails with -EINVAL), so nothing else frees it while the NIC may
 * write it.  lm_buf_hold() takes a buffer the application released in
 * kring's slots: 0; -EBUSY if a device holds it already (named twice);
 * -EINVAL if kring no longer owns it (another ring's sync took it over
 * meanwhile) or the index is bad.  lm_buf_held_set() marks or clears
 * without checks: buffers the driver already has (a ring's at enter), and
 * every release.  Atomic bitops: any context.
 */
int lm_buf_hold(struct lm_kring *kring, u32 idx);
void lm_buf_held_set(struct lm_adapter *na, u32 idx, bool held);

/*
 * Before posting every slot's buffer of a ring the application could
 * write (re-entry at up, after a down that kept the kring on): idx[j],
 * the buffer of slot (j + rot) mod nkr_num_slots, for every slot.  kring
 * takes them over, as a sync would, and each is held (lm_buf_hold) for
 * the device: one that cannot be (a bad index, a free or lent buffer, one
 * a device holds, one named twice) is replaced in idx[] and in its slot
 * by a fresh buffer, with one log line.  0; -ENOMEM: then none is held
 * and what moved stays the ring's; -EINVAL without a ring or allocator.
 * A driver whose enter fails after a 0 lets go of the ones no descriptor
 * took (lm_buf_held_set).  Process context.
 */
int lm_buf_ring_take(struct lm_kring *kring, u32 *idx, u32 rot);

/*
 * Re-entry: slot slot_idx of kring's ring takes over buffer idx, which the
 * driver has kept lent since an earlier kring_off() (e.g. still posted to
 * the NIC's rx engine).  idx stops being lent without being freed (the
 * ring owns it now, the slot gets NS_BUF_CHANGED); the buffer the slot
 * held goes back to the pool.  Call from kring_on() or a sync, for a slot
 * the kernel owns.  -EINVAL if idx is not lent by this adapter or slot_idx
 * is out of range.
 */
int lm_buf_adopt(struct lm_kring *kring, u32 slot_idx, u32 idx);

/*
 * Host rings.  While NIC tx ring q is in netmap mode the driver's
 * ndo_start_xmit hands every skb to lm_host_xmit() instead of the
 * hardware: the frame is queued for the host rx ring (or dropped and
 * counted if the ring is not bound or full).  Consumes the skb; always
 * returns NETDEV_TX_OK.  Frames the application writes into the host tx
 * ring are injected into the stack by the core (netif_rx) with ifp as the
 * receiving device.
 */
netdev_tx_t lm_host_xmit(struct lm_adapter *na, struct sk_buff *skb);

/* True if the adapter's host rx ring is bound (the stack's tx is netmap's). */
bool lm_host_rx_active(struct lm_adapter *na);

#endif /* LM_CORE_H */
