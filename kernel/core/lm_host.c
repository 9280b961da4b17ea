// SPDX-License-Identifier: GPL-2.0
/*
 * lm_host.c - host rings: the network stack seen as one more ring pair.
 *
 * While a NIC tx ring is in netmap mode its driver hands the stack's
 * outgoing skbs to lm_host_xmit(); they wait in the host rx kring's queue
 * (bounded by the ring size) and the host rxsync copies them into the
 * ring's buffers.  Frames the application puts in the host tx ring are
 * copied into fresh skbs and given to the stack as if the NIC had received
 * them.  One copy each way: the stack's buffers are not netmap buffers.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include "lm_kern.h"

/*
 * Count a frame the stack sent that never reached the host rx ring: per
 * kring (approximate, for debugging) and in the module's stats (exact:
 * the switch scenarios account for every frame the stack sent with it).
 */
static void lm_host_drop(struct lm_kring *kring)
{
	if (kring)
		kring->host_drops++;
	lm_stat_inc(host_drops);
}

/* Drop (and count) every frame still queued for the host rx ring. */
void lm_host_purge(struct lm_kring *kring)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&kring->host_q))) {
		lm_host_drop(kring);
		kfree_skb(skb);
	}
}

static struct lm_kring *lm_host_rx_kring(struct lm_adapter *na)
{
	return na->num_host_rx_rings ? &na->rx_rings[na->num_rx_rings] : NULL;
}

bool lm_host_rx_active(struct lm_adapter *na)
{
	struct lm_kring *kring = lm_host_rx_kring(na);

	return kring && lm_kring_is_on(kring);
}
EXPORT_SYMBOL_GPL(lm_host_rx_active);

netdev_tx_t lm_host_xmit(struct lm_adapter *na, struct sk_buff *skb)
{
	struct lm_kring *kring = lm_host_rx_kring(na);
	unsigned long irqflags;

	if (!kring)
		goto drop;
	/*
	 * The ON test is made under the queue lock: the core clears ON
	 * before lm_host_purge() takes this lock, so an skb is either queued
	 * before the purge (and counted by it) or sees the ring off here.
	 */
	spin_lock_irqsave(&kring->host_q.lock, irqflags);
	if (!lm_kring_is_on(kring) ||
	    skb_queue_len(&kring->host_q) >= kring->nkr_num_slots - 1) {
		spin_unlock_irqrestore(&kring->host_q.lock, irqflags);
		goto drop;
	}
	__skb_queue_tail(&kring->host_q, skb);
	spin_unlock_irqrestore(&kring->host_q.lock, irqflags);
	lm_kring_notify(kring);
	return NETDEV_TX_OK;

drop:
	lm_host_drop(kring);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}
EXPORT_SYMBOL_GPL(lm_host_xmit);

/* Host rx: give back released slots, then copy queued skbs in. */
int lm_host_rxsync(struct lm_kring *kring, unsigned int flags)
{
	const struct lm_lut *lut = &kring->na->lut;
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->nkr_num_slots, k = kring->nr_hwcur, j, lim;
	struct sk_buff *skb;
	int err = 0;

	for (; k != kring->rhead; k = lm_next(k, n)) {
		if (!lm_buf_addr(lut, READ_ONCE(ring->slot[k].buf_idx))) {
			err = -EINVAL;
			break;
		}
	}
	kring->nr_hwcur = k;
	/* The last sync at close only releases: the ring is about to go. */
	if (err || (flags & LM_SYNC_FINAL))
		return err;

	j = kring->nr_hwtail;
	lim = lm_prev(kring->nr_hwcur, n);
	while (j != lim && (skb = skb_dequeue(&kring->host_q))) {
		struct netmap_slot *slot = &ring->slot[j];
		void *buf = lm_buf_addr(lut, READ_ONCE(slot->buf_idx));

		if (!buf) {
			/* The user broke a kernel-owned slot: keep the frame. */
			skb_queue_head(&kring->host_q, skb);
			err = -EINVAL;
			break;
		}
		if (skb->len > lut->buf_size || skb_copy_bits(skb, 0, buf, skb->len)) {
			lm_host_drop(kring);	/* GSO or oversized: no room */
			kfree_skb(skb);
			continue;
		}
		slot->len = skb->len;
		slot->flags = 0;
		consume_skb(skb);
		j = lm_next(j, n);
	}
	kring->nr_hwtail = j;
	return err;
}

/* Host tx: every slot [hwcur, head) becomes an skb received by the stack. */
int lm_host_txsync(struct lm_kring *kring, unsigned int flags)
{
	struct lm_adapter *na = kring->na;
	const struct lm_lut *lut = &na->lut;
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->nkr_num_slots, k = kring->nr_hwcur;
	int err = 0;

	for (; k != kring->rhead; k = lm_next(k, n)) {
		struct netmap_slot *slot = &ring->slot[k];
		u16 len = READ_ONCE(slot->len);
		void *buf = lm_buf_addr(lut, READ_ONCE(slot->buf_idx));
		struct sk_buff *skb;

		if (!buf || len > lut->buf_size) {
			err = -EINVAL;
			break;
		}
		if (len < ETH_HLEN) {
			lm_stat_inc(host_tx_drops);
			continue;
		}
		skb = netdev_alloc_skb_ip_align(na->ifp, len);
		if (!skb) {
			lm_stat_inc(host_tx_drops);
			continue;
		}
		skb_put_data(skb, buf, len);
		skb->protocol = eth_type_trans(skb, na->ifp);
		if (netif_rx(skb) != NET_RX_SUCCESS)	/* backlog full */
			lm_stat_inc(host_tx_drops);
	}
	kring->nr_hwcur = k;
	kring->nr_hwtail = lm_prev(k, n);
	return err;
}

void lm_host_kring_off(struct lm_kring *kring)
{
	u32 n = kring->nkr_num_slots, left;

	if (kring->dir != LM_RX)
		return;
	/* Frames the application never consumed vanish with the ring. */
	left = (kring->nr_hwtail + n - kring->nr_hwcur) % n;
	kring->host_drops += left;
	lm_stat_add(host_drops, left);
	lm_host_purge(kring);
}
