// SPDX-License-Identifier: GPL-2.0
/*
 * e1000_netmap.c - the 82540EM as a native netmap port of the livemap core.
 *
 * Netmap slot i is descriptor i (no offset between the two rings), so the
 * kring's indices are the hardware's:
 *
 *   RX  [nr_hwtail, RDT)  posted to the device (RDH walks it)
 *       prev(nr_hwcur)    the one slot that stays empty
 *       [nr_hwcur, nr_hwtail)  frames the application holds
 *   TX  [nr_hwtail + 1, TDT = nr_hwcur)  handed to the device
 *
 * Every slot's lm_e1000_slot records what the device was given (owner
 * LM_SLOT_NETMAP, buffer index, DMA address): the device only ever sees
 * addresses of buffers validated here, whatever the application later
 * writes into the shared ring.
 *
 * switch_mode=reset: a ring enters or leaves netmap mode the classic way,
 * the device goes down and comes back up around the owner change (carrier
 * drops, frames in flight are lost).  The per-slot owner tags are what the
 * hitless switch (issue 5) builds on.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include <lm_core.h>

#include "lm_e1000.h"

static char *switch_mode = "reset";
module_param(switch_mode, charp, 0444);
MODULE_PARM_DESC(switch_mode,
		 "how a ring enters/leaves netmap mode: reset (down, swap buffers, up)");

int lm_e1000_nm_check_params(void)
{
	if (strcmp(switch_mode, "reset")) {
		pr_err(LM_E1000_NAME ": switch_mode=%s unknown (supported: reset)\n",
		       switch_mode);
		return -EINVAL;
	}
	return 0;
}

static struct lm_e1000 *lm_kring_adapter(struct lm_kring *kring)
{
	return kring->na->drv_priv;
}

/* The pool is mapped page by page (DMA_BIDIRECTIONAL): sync the part of
 * the page mapping that holds [dma, dma + len). */
static void lm_nm_sync(struct lm_e1000 *a, dma_addr_t dma, unsigned int len,
		       bool for_cpu)
{
	unsigned long off = dma & ~PAGE_MASK;

	if (for_cpu)
		dma_sync_single_range_for_cpu(&a->pdev->dev, dma - off, off, len,
					      DMA_BIDIRECTIONAL);
	else
		dma_sync_single_range_for_device(&a->pdev->dev, dma - off, off,
						 len, DMA_BIDIRECTIONAL);
}

/* Record the application's buffer for slot k; false if its index is bad. */
static bool lm_nm_slot_load(struct lm_e1000 *a, struct lm_kring *kring,
			    struct lm_e1000_slot *s, u32 k)
{
	struct netmap_slot *slot = &kring->ring->slot[k];
	u32 idx = READ_ONCE(slot->buf_idx);
	dma_addr_t dma = lm_buf_dma(&kring->na->lut, idx);

	if (!dma)
		return false;
	s->owner = LM_SLOT_NETMAP;
	s->nm_idx = idx;
	s->dma = dma;
	s->len = kring->na->lut.buf_size;
	return true;
}

/* ------------------------------------------------------------------ rx */

/* Hand slots [next_to_use, to) to the device: descriptors from slot info. */
static void lm_nm_rx_post(struct lm_e1000 *a, u32 to)
{
	struct lm_e1000_ring *r = &a->rx;
	u32 i;

	for (i = r->next_to_use; i != to; i = lm_ring_next(r, i)) {
		struct e1000_rx_desc *d = lm_rx_desc(r, i);

		d->buffer_addr = cpu_to_le64(r->slot[i].dma);
		d->length = 0;
		d->status = 0;
		d->errors = 0;
	}
	if (to != r->next_to_use) {
		r->next_to_use = to;
		/* writel orders the descriptor stores above before the tail. */
		e1k_wr32(a, E1000_RDT, to);
	}
}

/* Where the rx ring restarts in netmap mode: the next slot to fill. */
u32 lm_e1000_nm_rx_head(struct lm_e1000 *a)
{
	return a->nm_rx->nr_hwtail;
}

/*
 * Device start-up with the rx ring in netmap mode (from lm_e1000_up):
 * RDH/RDT are already at nr_hwtail.  Every slot the kernel owns gets the
 * application's buffer; all but the empty one are posted.
 */
int lm_e1000_nm_rx_start(struct lm_e1000 *a)
{
	struct lm_kring *kring = a->nm_rx;
	u32 n = kring->nkr_num_slots, i = kring->nr_hwtail;
	u32 held = kring->nr_hwtail >= kring->nr_hwcur ?
		   kring->nr_hwtail - kring->nr_hwcur :
		   n - kring->nr_hwcur + kring->nr_hwtail;
	u32 own = n - held;

	for (; own; own--, i = lm_next(i, n)) {
		struct lm_e1000_slot *s = &a->rx.slot[i];

		if (!lm_nm_slot_load(a, kring, s, i))
			return -EINVAL;
		lm_nm_sync(a, s->dma, s->len, false);
	}
	lm_nm_rx_post(a, lm_prev(kring->nr_hwcur, n));
	return 0;
}

static int lm_nm_rxsync(struct lm_kring *kring, unsigned int flags)
{
	struct lm_e1000 *a = lm_kring_adapter(kring);
	struct lm_e1000_ring *r = &a->rx;
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->nkr_num_slots, i, k, head = kring->rhead;
	u64 packets = 0, bytes = 0;
	int err = 0;

	mutex_lock(&a->ring_lock);
	if (test_bit(LM_E1000_DOWN, &a->state) || a->nm_rx != kring)
		goto out;	/* interface down: the ring is frozen */

	/* Frames the device completed: they become the application's. */
	for (i = r->next_to_clean; i != r->next_to_use; i = lm_next(i, n)) {
		struct e1000_rx_desc *d = lm_rx_desc(r, i);
		struct lm_e1000_slot *s = &r->slot[i];
		unsigned int len;
		u8 status;

		status = READ_ONCE(d->status);
		if (!(status & E1000_RXD_STAT_DD))
			break;
		/* Read length only after DD: the device writes status last. */
		dma_rmb();
		len = min_t(unsigned int, le16_to_cpu(d->length), s->len);
		lm_nm_sync(a, s->dma, len, true);
		WRITE_ONCE(ring->slot[i].len, len);
		WRITE_ONCE(ring->slot[i].flags,
			   status & E1000_RXD_STAT_EOP ? 0 : NS_MOREFRAG);
		packets++;
		bytes += len;
	}
	r->next_to_clean = i;
	kring->nr_hwtail = i;

	/* Slots the application released: reload their buffers (NS_BUF_CHANGED
	 * or not, the index is re-read and validated) and give them back. */
	for (k = kring->nr_hwcur; k != head; k = lm_next(k, n)) {
		struct netmap_slot *slot = &ring->slot[k];

		if (!lm_nm_slot_load(a, kring, &r->slot[k], k)) {
			err = -EINVAL;
			break;
		}
		lm_nm_sync(a, r->slot[k].dma, r->slot[k].len, false);
		WRITE_ONCE(slot->flags, READ_ONCE(slot->flags) & ~NS_BUF_CHANGED);
	}
	if (k != kring->nr_hwcur) {
		kring->nr_hwcur = k;
		lm_nm_rx_post(a, lm_prev(k, n));
	}

	if (packets) {
		u64_stats_update_begin(&r->stats.syncp);
		r->stats.packets += packets;
		r->stats.bytes += bytes;
		u64_stats_update_end(&r->stats.syncp);
	}
out:
	mutex_unlock(&a->ring_lock);
	return err;
}

/* ------------------------------------------------------------------ tx */

/* Device start-up with the tx ring in netmap mode: the ring restarts at
 * nr_hwcur (returned, for TDH = TDT) and whatever was in flight before the
 * reset counts as completed. */
u32 lm_e1000_nm_tx_start(struct lm_e1000 *a)
{
	struct lm_kring *kring = a->nm_tx;

	kring->nr_hwtail = lm_prev(kring->nr_hwcur, kring->nkr_num_slots);
	return kring->nr_hwcur;
}

static int lm_nm_txsync(struct lm_kring *kring, unsigned int flags)
{
	struct lm_e1000 *a = lm_kring_adapter(kring);
	struct lm_e1000_ring *r = &a->tx;
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->nkr_num_slots, i, k, head = kring->rhead;
	u32 buf_size = kring->na->lut.buf_size;
	u64 packets = 0, bytes = 0;
	int err = 0;

	mutex_lock(&a->ring_lock);
	if (test_bit(LM_E1000_DOWN, &a->state) || a->nm_tx != kring)
		goto out;

	/* New frames [nr_hwcur, head): one descriptor per slot, EOP unless
	 * the slot continues in the next (NS_MOREFRAG). */
	for (k = kring->nr_hwcur; k != head; k = lm_next(k, n)) {
		struct netmap_slot *slot = &ring->slot[k];
		struct lm_e1000_slot *s = &r->slot[k];
		u16 len = READ_ONCE(slot->len), fl = READ_ONCE(slot->flags);
		struct e1000_tx_desc *d = lm_tx_desc(r, k);

		if (!lm_nm_slot_load(a, kring, s, k) || !len || len > buf_size) {
			err = -EINVAL;
			break;
		}
		s->len = len;
		lm_nm_sync(a, s->dma, len, false);
		d->buffer_addr = cpu_to_le64(s->dma);
		d->read.length = cpu_to_le16(len);
		d->read.cso = 0;
		d->read.cmd = E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS |
			      (fl & NS_MOREFRAG ? 0 : E1000_TXD_CMD_EOP);
		d->read.status = 0;
		d->read.css = 0;
		d->read.special = 0;
		if (fl & NS_BUF_CHANGED)
			WRITE_ONCE(slot->flags, fl & ~NS_BUF_CHANGED);
		packets++;
		bytes += len;
	}
	if (k != kring->nr_hwcur) {
		kring->nr_hwcur = k;
		r->next_to_use = k;
		/* writel orders the descriptor stores above before the tail. */
		e1k_wr32(a, E1000_TDT, k);
	}

	/* Completions: DD comes back in order (RS on every descriptor). */
	for (i = r->next_to_clean; i != r->next_to_use; i = lm_next(i, n)) {
		if (!(READ_ONCE(lm_tx_desc(r, i)->wb.status) & E1000_TXD_STAT_DD))
			break;
		r->slot[i].owner = LM_SLOT_EMPTY;
	}
	r->next_to_clean = i;
	kring->nr_hwtail = lm_prev(i, n);

	if (packets) {
		u64_stats_update_begin(&r->stats.syncp);
		r->stats.packets += packets;
		r->stats.bytes += bytes;
		u64_stats_update_end(&r->stats.syncp);
	}
out:
	mutex_unlock(&a->ring_lock);
	return err;
}

/* ------------------------------------------------------------ on / off */

/* Why a ring cannot enter netmap mode now; one rate-limited line each. */
static int lm_nm_can_enter(struct lm_e1000 *a, struct lm_kring *kring)
{
	struct net_device *dev = a->netdev;
	u32 count = kring->dir == LM_TX ? a->tx.count : a->rx.count;

	if (!netif_running(dev)) {
		if (net_ratelimit())
			netdev_info(dev, "netmap: interface is down\n");
		return -ENETDOWN;
	}
	if (kring->nkr_num_slots != count) {
		if (net_ratelimit())
			netdev_info(dev, "netmap: ring resized, port not yet re-registered\n");
		return -EBUSY;
	}
	if (kring->dir == LM_RX && a->rx_buf_len > kring->na->lut.buf_size) {
		if (net_ratelimit())
			netdev_info(dev, "netmap: MTU %u needs %u-byte buffers, netmap has %u\n",
				    dev->mtu, a->rx_buf_len, kring->na->lut.buf_size);
		return -EINVAL;
	}
	return 0;
}

/*
 * switch_mode=reset: down, change the ring's owner, up.  The core calls us
 * with its own lock held and never with RTNL; RTNL nests inside it.
 */
static int lm_nm_switch_reset(struct lm_e1000 *a, struct lm_kring *kring,
			      bool on)
{
	struct lm_kring **slotp = kring->dir == LM_TX ? &a->nm_tx : &a->nm_rx;
	struct net_device *dev = a->netdev;
	int err = 0;

	rtnl_lock();
	if (on) {
		err = lm_nm_can_enter(a, kring);
		if (err)
			goto out;
	}
	/* Leaving tx: let the frames the last txsync posted go out first
	 * (bounded; whatever is still queued after that is lost). */
	if (!on && kring->dir == LM_TX && !test_bit(LM_E1000_DOWN, &a->state) &&
	    e1k_poll(a, E1000_TDH, E1000_DH_MASK, a->tx.next_to_use,
		     50, LM_E1000_TX_DRAIN_US, NULL))
		netdev_info(dev, "netmap: tx not drained before the switch\n");
	lm_e1000_down(a);
	*slotp = on ? kring : NULL;
	/* Leaving while the interface is administratively down: it comes up
	 * in stack mode at the next open. */
	if (!netif_running(dev))
		goto out;
	err = lm_e1000_up(a);
	if (err && on) {
		/* Back to the stack with what worked before. */
		*slotp = NULL;
		if (lm_e1000_up(a))
			netdev_err(dev, "cannot restart after failed netmap switch\n");
	} else if (err) {
		netdev_err(dev, "cannot restart after leaving netmap mode: %d\n", err);
		err = 0;	/* kring_off cannot fail; the interface stays down */
	}
out:
	rtnl_unlock();
	return err;
}

static int lm_nm_kring_on(struct lm_kring *kring)
{
	if (kring->ring_id != 0)
		return -EINVAL;
	return lm_nm_switch_reset(lm_kring_adapter(kring), kring, true);
}

static void lm_nm_kring_off(struct lm_kring *kring)
{
	lm_nm_switch_reset(lm_kring_adapter(kring), kring, false);
}

static const struct lm_adapter_ops lm_e1000_nm_ops = {
	.kring_on	= lm_nm_kring_on,
	.kring_off	= lm_nm_kring_off,
	.txsync		= lm_nm_txsync,
	.rxsync		= lm_nm_rxsync,
};

/* ------------------------------------------------ register/unregister */

static int lm_nm_register(struct lm_e1000 *a)
{
	struct lm_adapter_info info = {
		.ifp		= a->netdev,
		.dma_dev	= &a->pdev->dev,
		.num_tx_rings	= 1,
		.num_rx_rings	= 1,
		.num_tx_desc	= a->tx_ring_size,
		.num_rx_desc	= a->rx_ring_size,
		.num_host_rings	= 1,
		.ops		= &lm_e1000_nm_ops,
		.drv_priv	= a,
	};
	struct lm_adapter *na = lm_adapter_register(&info);

	if (IS_ERR(na))
		return PTR_ERR(na);
	WRITE_ONCE(a->na, na);
	return 0;
}

static void lm_nm_unregister(struct lm_e1000 *a)
{
	struct lm_adapter *na = a->na;

	if (!na)
		return;
	/* Forces every ring back to the stack (kring_off) first. */
	lm_adapter_unregister(na);
	WRITE_ONCE(a->na, NULL);
}

/*
 * Ring sizes changed (ethtool -G): the port's slot counts must follow.
 * Re-registering takes the core's lock, which nests outside RTNL, so it
 * runs here rather than under ethtool's RTNL.
 */
static void lm_nm_rereg_task(struct work_struct *work)
{
	struct lm_e1000 *a = container_of(work, struct lm_e1000, nm_rereg_task);

	if (test_bit(LM_E1000_REMOVING, &a->state))
		return;
	lm_nm_unregister(a);
	if (lm_nm_register(a))
		netdev_err(a->netdev, "netmap: re-registration failed; port unavailable\n");
}

void lm_e1000_nm_resized(struct lm_e1000 *a)
{
	schedule_work(&a->nm_rereg_task);
}

/* Early in probe: the netdev may be opened as soon as it is registered. */
void lm_e1000_nm_init(struct lm_e1000 *a)
{
	mutex_init(&a->ring_lock);
	INIT_WORK(&a->nm_rereg_task, lm_nm_rereg_task);
}

int lm_e1000_nm_attach(struct lm_e1000 *a)
{
	return lm_nm_register(a);
}

void lm_e1000_nm_detach(struct lm_e1000 *a)
{
	cancel_work_sync(&a->nm_rereg_task);
	lm_nm_unregister(a);
}

/* ndo_start_xmit with the tx ring in netmap mode: the stack's frames go to
 * the host rx ring. */
netdev_tx_t lm_e1000_nm_host_xmit(struct lm_e1000 *a, struct sk_buff *skb)
{
	return lm_host_xmit(a->na, skb);
}

/* NAPI with a ring in netmap mode: only wake the ring's waiters. */
void lm_e1000_nm_notify(struct lm_e1000 *a, bool tx)
{
	if (tx)
		lm_tx_irq(a->na, 0);
	else
		lm_rx_irq(a->na, 0);
}
