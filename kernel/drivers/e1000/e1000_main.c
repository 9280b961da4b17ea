// SPDX-License-Identifier: GPL-2.0
/*
 * e1000_main.c - livemap's driver for the Intel 82540EM (QEMU -device e1000):
 * PCI probe/remove, the netdev, NAPI rx/tx, interrupts, link watchdog.
 *
 * One rx and one tx ring, legacy descriptors (3.2, 3.3), no offloads.
 * Section numbers refer to the 8254x SDM (see e1000_regs.h).
 */
#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/sched/clock.h>

#include <lm_compat.h>

#include "lm_e1000.h"

#define PCI_DEVICE_ID_INTEL_82540EM	0x100e

static const struct pci_device_id lm_e1000_pci_tbl[] = {
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_82540EM) },
	{ }
};
MODULE_DEVICE_TABLE(pci, lm_e1000_pci_tbl);

static int debug = -1;
module_param(debug, int, 0444);
MODULE_PARM_DESC(debug, "netif message level (-1 = default)");

#define LM_E1000_MSG_DEFAULT (NETIF_MSG_DRV | NETIF_MSG_PROBE | NETIF_MSG_LINK)

/* Interrupt causes we service, 13.4.20. */
#define LM_E1000_IMS (E1000_INT_RXT0 | E1000_INT_RXO | E1000_INT_RXDMT0 | \
		      E1000_INT_RXSEQ | E1000_INT_LSC | E1000_INT_TXDW)

static struct device *lm_dev(struct lm_e1000 *a)
{
	return &a->pdev->dev;
}

/* Before the IMS write: an ISR between the two leaves the flag set, which
 * costs a later resume one needless IMS write, never a lost interrupt. */
static void lm_irq_enable(struct lm_e1000 *a)
{
	WRITE_ONCE(a->irq_masked, false);
	e1k_wr32(a, E1000_IMS, LM_E1000_IMS);
	e1k_flush(a);
}

/*
 * NAPI off for a netmap switch or the idle reclaim, on a running interface.
 * napi_disable() waits for a poll in flight by sleeping 20-200 us at a
 * time, and a CPU that idles meanwhile may wake later still: under QEMU
 * TCG it returned 0.2-0.5 ms after the poll had ended, in a third of the
 * switches at 2,000 frames/s, more than the rest of the register call.
 * So the poll in flight (or about to run: SCHED is set from the ISR on) is
 * watched to its end first, spinning, and only then NAPI disabled.  Only
 * that one poll: a poll scheduled back to back after it (a saturated
 * ring) finds NAPI_STATE_DISABLE set and completes, and napi_disable()
 * sleeps through it.  Bounded by LM_E1000_NAPI_SPIN_US and by the
 * scheduler's need; a poll takes microseconds on hardware.
 */
void lm_e1000_napi_pause(struct lm_e1000 *a)
{
	u32 polls = READ_ONCE(a->napi_polls);
	u64 end = local_clock() + LM_E1000_NAPI_SPIN_US * NSEC_PER_USEC;

	while (test_bit(NAPI_STATE_SCHED, &a->napi.state) &&
	       READ_ONCE(a->napi_polls) == polls &&
	       !need_resched() && local_clock() < end)
		cpu_relax();
	napi_disable(&a->napi);
}

/*
 * NAPI back on after it was disabled for a while (a netmap switch, the
 * idle reclaim), and run soon, on the CPU the IRQ is affine to: an
 * interrupt taken while it was off found it so.  ICS sets the causes as
 * the device would (13.4.19), but raises the interrupt only if unmasked,
 * and the mask may have been left all clear: a poll that used its whole
 * budget while napi_disable() waited was completed by the core (not by
 * us, so no IMS write).  Then IMS first.  irq_masked says so, and is
 * read here while NAPI is still disabled: no poll runs and no ISR masks
 * (napi_schedule_prep() fails), so nothing writes it.  Under QEMU every
 * register access is an exit to the device model under its big lock:
 * the common case writes ICS only, and nothing is read back (a flush
 * would order nothing here).
 */
void lm_e1000_napi_resume(struct lm_e1000 *a)
{
	bool masked = READ_ONCE(a->irq_masked);

	WRITE_ONCE(a->irq_masked, false);
	napi_enable(&a->napi);
	if (masked)
		e1k_wr32(a, E1000_IMS, LM_E1000_IMS);
	e1k_wr32(a, E1000_ICS, E1000_INT_RXT0 | E1000_INT_TXDW);
}

static void lm_irq_disable(struct lm_e1000 *a)
{
	WRITE_ONCE(a->irq_masked, true);
	e1k_wr32(a, E1000_IMC, E1000_INT_ALL);
	e1k_flush(a);
	synchronize_irq(a->pdev->irq);
}

/* Largest frame the MTU allows, as the driver sees it: FCS stripped. */
static unsigned int lm_max_frame(unsigned int mtu)
{
	return mtu + ETH_HLEN + VLAN_HLEN;
}

/* Smallest RCTL.BSIZE buffer holding a whole frame: one descriptor each. */
static unsigned int lm_rx_buf_len_for(unsigned int mtu)
{
	unsigned int frame = lm_max_frame(mtu), len = 2048;

	while (len < frame)
		len <<= 1;
	return len;
}

/* ---------------------------------------------------------------- rings */

static int lm_ring_alloc(struct lm_e1000 *a, struct lm_e1000_ring *r,
			 unsigned int count)
{
	r->slot = kvcalloc(count, sizeof(*r->slot), GFP_KERNEL);
	if (!r->slot)
		return -ENOMEM;
	r->hl_slot = kvcalloc(count, sizeof(*r->hl_slot), GFP_KERNEL);
	if (!r->hl_slot)
		goto err_slot;
	r->desc = dma_alloc_coherent(lm_dev(a), count * E1000_DESC_SIZE,
				     &r->desc_dma, GFP_KERNEL);
	if (!r->desc)
		goto err_hl;
	r->count = count;
	return 0;

err_hl:
	kvfree(r->hl_slot);
	r->hl_slot = NULL;
err_slot:
	kvfree(r->slot);
	r->slot = NULL;
	return -ENOMEM;
}

static void lm_ring_free(struct lm_e1000 *a, struct lm_e1000_ring *r)
{
	if (r->desc)
		dma_free_coherent(lm_dev(a), r->count * E1000_DESC_SIZE,
				  r->desc, r->desc_dma);
	r->desc = NULL;
	kvfree(r->hl_slot);
	r->hl_slot = NULL;
	kvfree(r->slot);
	r->slot = NULL;
}

/* ------------------------------------------------------------------- rx */

bool lm_e1000_rx_alloc(struct lm_e1000 *a, struct lm_e1000_slot *s,
		       bool in_napi)
{
	unsigned int len = a->rx_buf_len;
	struct sk_buff *skb;
	dma_addr_t dma;

	skb = in_napi ? napi_alloc_skb(&a->napi, len) :
		__netdev_alloc_skb_ip_align(a->netdev, len, GFP_KERNEL);
	if (!skb)
		return false;
	dma = dma_map_single(lm_dev(a), skb->data, len, DMA_FROM_DEVICE);
	if (dma_mapping_error(lm_dev(a), dma)) {
		dev_kfree_skb_any(skb);
		return false;
	}
	s->skb = skb;
	s->dma = dma;
	s->len = len;
	return true;
}

/*
 * Stack mode: post a buffer on every slot the engine offers (one stays
 * empty, see lm_hl.h).  Slots that kept their skb (recycled) are posted as
 * they are; any other gets a new one, or with @kept_only ends the posting.
 * RDT is the caller's to move (lm_hl_kick).  Returns false if a slot could
 * not get a buffer.
 */
bool lm_e1000_rx_post(struct lm_e1000 *a, bool in_napi, bool kept_only)
{
	struct lm_e1000_ring *r = &a->rx;
	int has_skb;
	u32 i;

	while ((i = lm_hl_rx_refill_slot(&r->hl, &has_skb)) != LM_HL_NONE_SLOT) {
		struct lm_e1000_slot *s = &r->slot[i];

		if (!has_skb && (kept_only || !lm_e1000_rx_alloc(a, s, in_napi)))
			return kept_only;
		lm_rx_desc_post(r, i, s->dma);
		lm_hl_rx_posted(&r->hl, i);
	}
	return true;
}

/* Stack mode: post every slot the engine offers, then move RDT once. */
bool lm_e1000_rx_refill(struct lm_e1000 *a, bool in_napi)
{
	bool ok = lm_e1000_rx_post(a, in_napi, false);

	/* DOORBELL: writel orders the descriptor stores above before RDT. */
	lm_hl_kick(&a->rx.hl);
	return ok;
}

/* rx counters: NAPI (or the switch, with NAPI disabled) is their only writer. */
static void lm_rx_count(struct lm_e1000 *a, u64 *counter)
{
	u64_stats_update_begin(&a->rx.stats.syncp);
	(*counter)++;
	u64_stats_update_end(&a->rx.stats.syncp);
}

/*
 * Judge one completed descriptor (a->rx_status/rx_errors).  The device may
 * hand us anything the wire carried: frames spread over several descriptors
 * (EOP late), frames with error bits, runts, frames larger than the MTU
 * allows.  All are counted and dropped.
 */
bool lm_e1000_rx_frame_ok(struct lm_e1000 *a, unsigned int len)
{
	struct lm_e1000_ring_stats *st = &a->rx.stats;
	u8 status = a->rx_status;

	if (a->rx_discard) {
		/* Tail of a spanning frame: drop up to and including EOP. */
		if (status & E1000_RXD_STAT_EOP)
			a->rx_discard = false;
		return false;
	}
	if (!(status & E1000_RXD_STAT_EOP)) {
		a->rx_discard = true;
		lm_rx_count(a, &st->spanning);
		return false;
	}
	if (a->rx_errors & E1000_RXD_ERR_FRAME) {
		lm_rx_count(a, &st->frame_errors);
		return false;
	}
	if (len < ETH_HLEN) {
		lm_rx_count(a, &st->runt);
		return false;
	}
	if (len > lm_max_frame(READ_ONCE(a->netdev->mtu)) ||
	    len > a->rx_buf_len) {
		lm_rx_count(a, &st->oversize);
		return false;
	}
	return true;
}

/*
 * Give a frame to the stack.  From NAPI through GRO; from the switch
 * (process context, NAPI disabled) synchronously with BHs off, so that
 * the frames handed back on exit reach the stack before anything NAPI
 * receives after it.
 */
void lm_e1000_rx_deliver(struct lm_e1000 *a, struct sk_buff *skb,
			 unsigned int len)
{
	skb->protocol = eth_type_trans(skb, a->netdev);
	a->rx_pkts++;
	a->rx_bytes += len;
	if (a->rx_in_napi) {
		napi_gro_receive(&a->napi, skb);
	} else {
		local_bh_disable();
		netif_receive_skb(skb);
		local_bh_enable();
	}
}

/* Publish the frames counted by lm_e1000_rx_deliver() / rxsync (one writer). */
void lm_e1000_rx_stats_flush(struct lm_e1000 *a)
{
	struct lm_e1000_ring *r = &a->rx;

	if (!a->rx_pkts)
		return;
	u64_stats_update_begin(&r->stats.syncp);
	r->stats.packets += a->rx_pkts;
	r->stats.bytes += a->rx_bytes;
	u64_stats_update_end(&r->stats.syncp);
	a->rx_pkts = 0;
	a->rx_bytes = 0;
}

/* Stack-mode rx: report every DD slot to the engine (DELIVER / COPY_TO_SPARE). */
static int lm_rx_clean(struct lm_e1000 *a, int budget)
{
	struct lm_e1000_ring *r = &a->rx;
	int done = 0;
	u32 i;

	a->rx_in_napi = true;
	while (done < budget &&
	       (i = lm_hl_rx_clean_slot(&r->hl)) != LM_HL_NONE_SLOT) {
		struct e1000_rx_desc *d = lm_rx_desc(r, i);
		u8 status = READ_ONCE(d->status);

		if (!(status & E1000_RXD_STAT_DD))
			break;
		/* The device writes status (DD) after the rest of the
		 * descriptor: read length/errors only after seeing DD. */
		dma_rmb();
		a->rx_status = status;
		a->rx_errors = d->errors;
		a->rx_keep = false;
		lm_hl_rx_done(&r->hl, le16_to_cpu(d->length));
		if (a->rx_keep)
			lm_hl_rx_keep(&r->hl, i);
		done++;
		if (lm_ring_unused(r) >= LM_E1000_RX_REFILL_BATCH)
			lm_e1000_rx_refill(a, true);
	}
	lm_e1000_rx_stats_flush(a);
	return done;
}

/* ------------------------------------------------------------------- tx */

static void lm_tx_count_drop(struct lm_e1000 *a, u64 *counter)
{
	u64_stats_update_begin(&a->tx_drops.syncp);
	(*counter)++;
	u64_stats_update_end(&a->tx_drops.syncp);
}

static netdev_tx_t lm_e1000_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct lm_e1000 *a = netdev_priv(dev);
	struct lm_e1000_ring *r = &a->tx;
	struct e1000_tx_desc *d;
	struct lm_e1000_slot *s;
	unsigned int bytes;
	dma_addr_t dma;
	u32 i;

	/* The tx ring belongs to netmap: the stack's frames go to the host
	 * rx ring.  (Flipped under the tx lock, see e1000_netmap.c.) */
	if (READ_ONCE(a->nm_tx))
		return lm_e1000_nm_host_xmit(a, skb);

	/* Short frames are padded in software: the device only pads with
	 * TCTL.PSP, which does not cover every model and emulation. */
	if (skb_put_padto(skb, ETH_ZLEN))
		goto bad_frame_freed;
	/* No NETIF_F_SG: the stack hands us linear skbs, checked anyway. */
	if (unlikely(skb_linearize(skb) ||
		     skb->len > E1000_TX_MAX_DESC_BYTES))
		goto bad_frame;

	i = lm_hl_tx_slot(&r->hl);
	if (unlikely(i == LM_HL_NONE_SLOT)) {
		/* Should not happen: the queue is stopped before it fills. */
		netif_stop_queue(dev);
		return NETDEV_TX_BUSY;
	}

	dma = dma_map_single(lm_dev(a), skb->data, skb->len, DMA_TO_DEVICE);
	if (dma_mapping_error(lm_dev(a), dma)) {
		dev_kfree_skb_any(skb);
		lm_tx_count_drop(a, &a->tx_drops.dma_failed);
		goto drop_kick;
	}

	bytes = skb->len;
	s = &r->slot[i];
	s->skb = skb;
	s->dma = dma;
	s->len = bytes;
	s->bql = true;

	d = lm_tx_desc(r, i);
	d->buffer_addr = cpu_to_le64(dma);
	d->read.length = cpu_to_le16(bytes);
	d->read.cso = 0;
	/* RS on every frame: QEMU (like the datasheet, 3.3.3.2) writes DD
	 * back only for descriptors that ask for it, and the engine needs
	 * a completion for every descriptor. */
	d->read.cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	d->read.status = 0;
	d->read.css = 0;
	d->read.special = 0;
	skb_tx_timestamp(skb);

	lm_hl_tx_posted(&r->hl, i);

	if (unlikely(!lm_ring_unused(r))) {
		netif_stop_queue(dev);
		/* Pairs with the smp_mb() in lm_tx_clean(): either it sees the
		 * stopped queue, or we see the slots it freed. */
		smp_mb();
		if (lm_ring_unused(r) >= LM_E1000_TX_WAKE_THRESH)
			netif_start_queue(dev);
	}

	/* The skb may complete and be freed as soon as TDT moves: it is not
	 * touched after this point.  One doorbell per batch (xmit_more). */
	if (__netdev_sent_queue(dev, bytes, netdev_xmit_more()))
		lm_hl_kick(&r->hl);
	return NETDEV_TX_OK;

bad_frame:
	dev_kfree_skb_any(skb);
bad_frame_freed:
	lm_tx_count_drop(a, &a->tx_drops.bad_frame);
drop_kick:
	/* The last of a batch: earlier ones posted with xmit_more wait for
	 * this doorbell (a no-op if none do). */
	if (!netdev_xmit_more())
		lm_hl_kick(&r->hl);
	return NETDEV_TX_OK;
}

static void lm_tx_clean(struct lm_e1000 *a, int napi_budget)
{
	struct lm_e1000_ring *r = &a->tx;
	bool any = false;
	u32 i;

	a->tx_budget = napi_budget;
	a->tx_pkts = 0;
	a->tx_bytes = 0;
	while ((i = lm_hl_tx_clean_slot(&r->hl)) != LM_HL_NONE_SLOT) {
		if (!(READ_ONCE(lm_tx_desc(r, i)->wb.status) & E1000_TXD_STAT_DD))
			break;
		lm_hl_tx_done(&r->hl);	/* -> FREE_SKB */
		any = true;
	}
	if (!any)
		return;

	netdev_completed_queue(a->netdev, a->tx_pkts, a->tx_bytes);
	u64_stats_update_begin(&r->stats.syncp);
	r->stats.packets += a->tx_pkts;
	r->stats.bytes += a->tx_bytes;
	u64_stats_update_end(&r->stats.syncp);

	/* Pairs with the smp_mb() in lm_e1000_xmit() after stopping. */
	smp_mb();
	if (netif_queue_stopped(a->netdev) &&
	    lm_ring_unused(r) >= LM_E1000_TX_WAKE_THRESH &&
	    !test_bit(LM_E1000_DOWN, &a->state))
		netif_wake_queue(a->netdev);
}

/* ------------------------------------------------------- interrupt, NAPI */

static int lm_e1000_poll(struct napi_struct *napi, int budget)
{
	struct lm_e1000 *a = container_of(napi, struct lm_e1000, napi);
	int done;

	/* A ring in netmap mode belongs to txsync/rxsync: NAPI only wakes
	 * the application up. */
	if (a->nm_tx)
		lm_e1000_nm_notify(a, true);
	else
		lm_tx_clean(a, budget);

	if (a->nm_rx) {
		lm_e1000_nm_notify(a, false);
		done = 0;
	} else {
		done = lm_rx_clean(a, budget);
		/* A refill that failed for lack of memory: retry next poll. */
		if (lm_ring_unused(&a->rx) >= LM_E1000_RX_REFILL_BATCH &&
		    !lm_e1000_rx_refill(a, true))
			done = budget;
		/* Spares an exit's conversions used, back in the reserve. */
		lm_e1000_spares_fill(a, LM_E1000_SPARE_FILL_BATCH, true);
	}

	if (done < budget && napi_complete_done(napi, done))
		lm_irq_enable(a);
	/* After the completion: a pause that sees the count move finds
	 * SCHED clear, unless a new poll is already scheduled. */
	WRITE_ONCE(a->napi_polls, a->napi_polls + 1);
	return done;
}

static irqreturn_t lm_e1000_intr(int irq, void *data)
{
	struct lm_e1000 *a = data;
	/* Reading ICR acknowledges every cause (13.4.17). */
	u32 icr = e1k_rd32(a, E1000_ICR);

	/* 0: a device sharing the line; all ones: ours is gone. */
	if (!icr || icr == ~0u)
		return IRQ_NONE;

	if (icr & (E1000_INT_LSC | E1000_INT_RXSEQ) &&
	    !test_bit(LM_E1000_DOWN, &a->state))
		mod_delayed_work(system_wq, &a->watchdog, 0);

	if (napi_schedule_prep(&a->napi)) {
		/* Masked until the poll completes: no interrupt storm. */
		WRITE_ONCE(a->irq_masked, true);
		e1k_wr32(a, E1000_IMC, E1000_INT_ALL);
		__napi_schedule(&a->napi);
	}
	return IRQ_HANDLED;
}

/* ---------------------------------------------------------- link, stats */

static void lm_set_carrier(struct lm_e1000 *a, bool up)
{
	struct net_device *dev = a->netdev;

	if (up == netif_carrier_ok(dev))
		return;
	if (up) {
		netif_info(a, link, dev, "link up, %u Mb/s, %s duplex\n",
			   a->link_speed, a->link_full_duplex ? "full" : "half");
		netif_carrier_on(dev);
	} else {
		netif_info(a, link, dev, "link down\n");
		netif_carrier_off(dev);
	}
	lm_e1000_sw_stat_inc(a, &a->sw_stats.link_changes);
}

static void lm_e1000_watchdog(struct work_struct *work)
{
	struct lm_e1000 *a = container_of(to_delayed_work(work),
					  struct lm_e1000, watchdog);
	u16 speed;
	bool fd, link;

	if (test_bit(LM_E1000_DOWN, &a->state))
		return;
	link = lm_e1000_hw_link(a, &speed, &fd);
	if (link) {
		a->link_speed = speed;
		a->link_full_duplex = fd;
	}
	lm_set_carrier(a, link);
	lm_e1000_hw_read_stats(a);

	if (!test_bit(LM_E1000_DOWN, &a->state))
		mod_delayed_work(system_wq, &a->watchdog,
				 LM_E1000_WATCHDOG_INTERVAL);
}

/* ------------------------------------------------------ hardware set-up */

/* Transmit initialization, 14.5.  The ring starts empty at slot @head. */
static void lm_hw_configure_tx(struct lm_e1000 *a, u32 head)
{
	struct lm_e1000_ring *r = &a->tx;
	u32 tctl;

	e1k_wr32(a, E1000_TDBAL, lower_32_bits(r->desc_dma));
	e1k_wr32(a, E1000_TDBAH, upper_32_bits(r->desc_dma));
	e1k_wr32(a, E1000_TDLEN, r->count * E1000_DESC_SIZE);
	e1k_wr32(a, E1000_TDH, head);
	e1k_wr32(a, E1000_TDT, head);
	e1k_wr32(a, E1000_TIDV, 0);
	e1k_wr32(a, E1000_TADV, 0);
	e1k_wr32(a, E1000_TIPG,
		 FIELD_PREP(E1000_TIPG_IPGT, E1000_TIPG_IPGT_COPPER) |
		 FIELD_PREP(E1000_TIPG_IPGR1, E1000_TIPG_IPGR1_COPPER) |
		 FIELD_PREP(E1000_TIPG_IPGR2, E1000_TIPG_IPGR2_COPPER));
	tctl = E1000_TCTL_EN | E1000_TCTL_PSP |
	       FIELD_PREP(E1000_TCTL_CT, E1000_TCTL_CT_DEFAULT) |
	       FIELD_PREP(E1000_TCTL_COLD, E1000_TCTL_COLD_FD);
	e1k_wr32(a, E1000_TCTL, tctl);
}

/*
 * Receive initialization, 14.4, up to (not including) RCTL.EN; the ring
 * starts empty at @head (see lm_hw_configure_tx).  RDH may only be written
 * after a reset and before RCTL.EN (13.4.28: the device caches descriptors
 * on chip), which is where lm_e1000_up() calls this.
 */
static void lm_hw_configure_rx(struct lm_e1000 *a, u32 head)
{
	struct lm_e1000_ring *r = &a->rx;

	/* Interrupt moderation through ITR only (13.4.18); the rx delay
	 * timers stay off so each frame raises RXT0 at once. */
	e1k_wr32(a, E1000_RDTR, 0);
	e1k_wr32(a, E1000_RADV, 0);
	e1k_wr32(a, E1000_ITR, NSEC_PER_SEC /
		 (LM_E1000_MAX_INT_RATE * E1000_ITR_UNIT_NS));
	e1k_wr32(a, E1000_RDBAL, lower_32_bits(r->desc_dma));
	e1k_wr32(a, E1000_RDBAH, upper_32_bits(r->desc_dma));
	e1k_wr32(a, E1000_RDLEN, r->count * E1000_DESC_SIZE);
	e1k_wr32(a, E1000_RDH, head);
	e1k_wr32(a, E1000_RDT, head);
	a->rx_discard = false;
}

static void lm_e1000_set_rx_mode(struct net_device *dev)
{
	struct lm_e1000 *a = netdev_priv(dev);
	struct netdev_hw_addr *ha;
	unsigned int rar = 1;
	u32 set = 0;

	/* Until lm_e1000_up() has programmed the device, the filters live
	 * only in the netdev; up() applies them. */
	if (!test_bit(LM_E1000_FILTERS_LIVE, &a->state))
		return;

	if (dev->flags & IFF_PROMISC)
		set |= E1000_RCTL_UPE | E1000_RCTL_MPE;
	else if (dev->flags & IFF_ALLMULTI)
		set |= E1000_RCTL_MPE;

	/* Secondary unicast addresses: exact filters RAR[1..15] (RAR[0]
	 * is the station address); more than fit means promiscuous. */
	if (netdev_uc_count(dev) > E1000_RAR_ENTRIES - 1)
		set |= E1000_RCTL_UPE;
	else
		netdev_for_each_uc_addr(ha, dev)
			lm_e1000_hw_set_rar(a, rar++, ha->addr);
	for (; rar < E1000_RAR_ENTRIES; rar++)
		lm_e1000_hw_clear_rar(a, rar);

	memset(a->mta, 0, sizeof(a->mta));
	netdev_for_each_mc_addr(ha, dev) {
		u32 h = lm_e1000_hw_mta_hash(ha->addr);

		a->mta[h >> 5] |= BIT(h & 31);
	}
	lm_e1000_hw_write_mta(a, a->mta);

	lm_e1000_hw_update_rctl(a, E1000_RCTL_UPE | E1000_RCTL_MPE, set);
}

/* ---------------------------------------------------------------- up/down */

/*
 * Bring the device up: MAC (14.3), rings (14.4, 14.5), filters, interrupts.
 * A ring in netmap mode is filled from its kring instead of with skbs.
 * Called with RTNL held.
 */
int lm_e1000_up(struct lm_e1000 *a)
{
	struct net_device *dev = a->netdev;
	u32 rctl;
	int err;

	ASSERT_RTNL();
	mutex_lock(&a->ring_lock);
	a->rx_buf_len = lm_rx_buf_len_for(dev->mtu);
	err = lm_ring_alloc(a, &a->rx, a->rx_ring_size);
	if (err)
		goto err_unlock;
	err = lm_ring_alloc(a, &a->tx, a->tx_ring_size);
	if (err)
		goto err_free_rx_ring;

	lm_e1000_hw_configure_mac(a);
	lm_e1000_hw_set_rar(a, 0, dev->dev_addr);
	/* Both engines start empty at slot 0, as the device does. */
	err = lm_e1000_hl_init(a);
	if (err)
		goto err_release_rx;
	lm_hw_configure_tx(a, 0);
	lm_hw_configure_rx(a, 0);
	/* Rings in netmap mode enter it now, before the receiver starts
	 * (nothing posted yet: no copy); the rx ring of the stack gets
	 * a buffer in every slot but one. */
	err = lm_e1000_nm_start(a);
	if (err)
		goto err_release_rx;
	if (!a->nm_rx && !lm_e1000_rx_refill(a, false)) {
		err = -ENOMEM;
		goto err_release_rx;
	}

	err = request_irq(a->pdev->irq, lm_e1000_intr, IRQF_SHARED,
			  dev->name, a);
	if (err) {
		netdev_err(dev, "cannot get IRQ %d: %d\n", a->pdev->irq, err);
		goto err_release_rx;
	}

	netif_addr_lock_bh(dev);
	set_bit(LM_E1000_FILTERS_LIVE, &a->state);
	lm_e1000_set_rx_mode(dev);
	netif_addr_unlock_bh(dev);

	/* 13.4.22: broadcasts accepted, CRC stripped, descriptor minimum
	 * threshold at 1/2, multicast offset bits 47:36, no loopback. */
	rctl = E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC |
	       lm_e1000_rctl_bsize(a->rx_buf_len);
	if (dev->mtu > ETH_DATA_LEN)
		rctl |= E1000_RCTL_LPE;
	lm_e1000_hw_update_rctl(a, (u32)~(E1000_RCTL_UPE | E1000_RCTL_MPE), rctl);

	clear_bit(LM_E1000_DOWN, &a->state);
	napi_enable(&a->napi);
	lm_irq_enable(a);
	netif_start_queue(dev);
	mod_delayed_work(system_wq, &a->watchdog, 0);
	mutex_unlock(&a->ring_lock);
	return 0;

err_release_rx:
	lm_e1000_hl_detach(a);
	lm_ring_free(a, &a->tx);
err_free_rx_ring:
	lm_ring_free(a, &a->rx);
err_unlock:
	mutex_unlock(&a->ring_lock);
	return err;
}

/* Stop the device and free rings; safe to call twice.  RTNL held. */
void lm_e1000_down(struct lm_e1000 *a)
{
	struct net_device *dev = a->netdev;

	if (test_and_set_bit(LM_E1000_DOWN, &a->state))
		return;
	/* A sync that already runs finishes first; later ones see DOWN. */
	mutex_lock(&a->ring_lock);

	netif_tx_disable(dev);
	lm_irq_disable(a);
	napi_disable(&a->napi);
	cancel_delayed_work_sync(&a->watchdog);

	netif_addr_lock_bh(dev);
	clear_bit(LM_E1000_FILTERS_LIVE, &a->state);
	netif_addr_unlock_bh(dev);

	lm_e1000_hw_read_stats(a);	/* the reset clears the counters */
	/* Stops both DMA engines before any buffer is freed. */
	lm_e1000_hw_reset(a);
	free_irq(a->pdev->irq, a);

	lm_e1000_hl_detach(a);
	netdev_reset_queue(dev);
	lm_ring_free(a, &a->tx);
	lm_ring_free(a, &a->rx);
	mutex_unlock(&a->ring_lock);
	lm_set_carrier(a, false);
}

/*
 * Apply new ring sizes or MTU: the reset path (down, reconfigure, up).
 * Called with RTNL held.  If the new configuration cannot come up, the old
 * one is restored.
 */
int lm_e1000_reinit(struct lm_e1000 *a, unsigned int rx_count,
		    unsigned int tx_count, unsigned int mtu)
{
	struct net_device *dev = a->netdev;
	unsigned int old_rx = a->rx_ring_size, old_tx = a->tx_ring_size;
	unsigned int old_mtu = dev->mtu;
	int err;

	ASSERT_RTNL();
	if (netif_running(dev))
		lm_e1000_down(a);
	a->rx_ring_size = rx_count;
	a->tx_ring_size = tx_count;
	WRITE_ONCE(dev->mtu, mtu);
	err = netif_running(dev) ? lm_e1000_up(a) : 0;
	if (err) {
		netdev_err(dev, "reconfiguration failed (%d), restoring\n", err);
		a->rx_ring_size = old_rx;
		a->tx_ring_size = old_tx;
		WRITE_ONCE(dev->mtu, old_mtu);
		if (lm_e1000_up(a))
			netdev_err(dev, "cannot restart: interface stays down until reopened\n");
	}
	return err;
}

/* ----------------------------------------------------------- netdev ops */

static int lm_e1000_open(struct net_device *dev)
{
	struct lm_e1000 *a = netdev_priv(dev);

	netif_carrier_off(dev);
	return lm_e1000_up(a);
}

static int lm_e1000_stop(struct net_device *dev)
{
	lm_e1000_down(netdev_priv(dev));
	return 0;
}

static int lm_e1000_set_mac(struct net_device *dev, void *p)
{
	struct lm_e1000 *a = netdev_priv(dev);
	struct sockaddr *sa = p;

	if (!is_valid_ether_addr(sa->sa_data))
		return -EADDRNOTAVAIL;
	eth_hw_addr_set(dev, sa->sa_data);
	/* RAR[0] holds the station address whether or not the device is up;
	 * lm_e1000_up() writes it again after reset. */
	lm_e1000_hw_set_rar(a, 0, dev->dev_addr);
	return 0;
}

static int lm_e1000_change_mtu(struct net_device *dev, int new_mtu)
{
	struct lm_e1000 *a = netdev_priv(dev);

	/* dev->min_mtu/max_mtu were checked by the core.  A netmap ring's
	 * buffers have a fixed size: no MTU change under an application. */
	if (a->nm_rx || a->nm_tx) {
		netdev_info(dev, "MTU change refused: a ring is in netmap mode\n");
		return -EBUSY;
	}
	return lm_e1000_reinit(a, a->rx_ring_size, a->tx_ring_size, new_mtu);
}

static void lm_e1000_tx_timeout(struct net_device *dev, unsigned int txq)
{
	struct lm_e1000 *a = netdev_priv(dev);

	netdev_warn(dev, "tx timeout: TDH %u TDT %u clean %u, resetting\n",
		    e1k_rd32(a, E1000_TDH), e1k_rd32(a, E1000_TDT),
		    READ_ONCE(a->tx.hl.clean));
	lm_e1000_sw_stat_inc(a, &a->sw_stats.tx_timeouts);
	schedule_work(&a->reset_task);
}

static void lm_e1000_reset_task(struct work_struct *work)
{
	struct lm_e1000 *a = container_of(work, struct lm_e1000, reset_task);

	rtnl_lock();
	if (netif_running(a->netdev) && !test_bit(LM_E1000_REMOVING, &a->state))
		lm_e1000_reinit(a, a->rx_ring_size, a->tx_ring_size,
				a->netdev->mtu);
	rtnl_unlock();
}

void lm_e1000_sw_stat_inc(struct lm_e1000 *a, u64 *counter)
{
	unsigned long flags;

	spin_lock_irqsave(&a->stats_lock, flags);
	(*counter)++;
	spin_unlock_irqrestore(&a->stats_lock, flags);
}

void lm_e1000_ring_stats_read(struct lm_e1000_ring_stats *dst,
			      const struct lm_e1000_ring_stats *src)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&src->syncp);
		dst->packets = src->packets;
		dst->bytes = src->bytes;
		dst->runt = src->runt;
		dst->oversize = src->oversize;
		dst->spanning = src->spanning;
		dst->frame_errors = src->frame_errors;
		dst->alloc_failed = src->alloc_failed;
		dst->copybreak = src->copybreak;
	} while (u64_stats_fetch_retry(&src->syncp, start));
}

void lm_e1000_tx_drops_read(struct lm_e1000_tx_drops *dst,
			    const struct lm_e1000_tx_drops *src)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&src->syncp);
		dst->dma_failed = src->dma_failed;
		dst->bad_frame = src->bad_frame;
	} while (u64_stats_fetch_retry(&src->syncp, start));
}

static void lm_e1000_get_stats64(struct net_device *dev,
				 struct rtnl_link_stats64 *st)
{
	struct lm_e1000 *a = netdev_priv(dev);
	const struct lm_e1000_hw_stats *hw = &a->hw_stats;
	struct lm_e1000_ring_stats rx, tx;
	struct lm_e1000_tx_drops txd;
	unsigned long flags;

	lm_e1000_ring_stats_read(&rx, &a->rx.stats);
	lm_e1000_ring_stats_read(&tx, &a->tx.stats);
	lm_e1000_tx_drops_read(&txd, &a->tx_drops);
	st->rx_packets = rx.packets;
	st->rx_bytes = rx.bytes;
	st->tx_packets = tx.packets;
	st->tx_bytes = tx.bytes;

	if (!test_bit(LM_E1000_DOWN, &a->state))
		lm_e1000_hw_read_stats(a);

	spin_lock_irqsave(&a->stats_lock, flags);
	st->multicast = hw->mprc;
	st->collisions = hw->colc;
	/* Frames the device refused by size, and those we refused. */
	st->rx_length_errors = hw->ruc + hw->roc + hw->rlec +
			       rx.runt + rx.oversize + rx.spanning;
	st->rx_crc_errors = hw->crcerrs;
	st->rx_frame_errors = hw->algnerrc;
	st->rx_missed_errors = hw->mpc;
	st->rx_errors = st->rx_length_errors + st->rx_crc_errors +
			st->rx_frame_errors + hw->rxerrc + hw->symerrs +
			rx.frame_errors;
	st->rx_dropped = rx.alloc_failed;
	st->tx_aborted_errors = hw->ecol;
	st->tx_window_errors = hw->latecol;
	st->tx_carrier_errors = hw->tncrs;
	st->tx_errors = hw->ecol + hw->latecol;
	st->tx_dropped = txd.dma_failed + txd.bad_frame;
	spin_unlock_irqrestore(&a->stats_lock, flags);
}

static const struct net_device_ops lm_e1000_netdev_ops = {
	.ndo_open		= lm_e1000_open,
	.ndo_stop		= lm_e1000_stop,
	.ndo_start_xmit		= lm_e1000_xmit,
	.ndo_set_rx_mode	= lm_e1000_set_rx_mode,
	.ndo_set_mac_address	= lm_e1000_set_mac,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= lm_e1000_change_mtu,
	.ndo_tx_timeout		= lm_e1000_tx_timeout,
	.ndo_get_stats64	= lm_e1000_get_stats64,
};

/* ------------------------------------------------------------------ PCI */

static int lm_e1000_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct net_device *dev;
	struct lm_e1000 *a;
	u8 mac[ETH_ALEN];
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return err;
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err)
		err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (err) {
		dev_err(&pdev->dev, "no usable DMA configuration\n");
		goto err_disable;
	}
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM)) {
		dev_err(&pdev->dev, "BAR0 is not a memory BAR\n");
		err = -ENODEV;
		goto err_disable;
	}
	err = pci_request_mem_regions(pdev, LM_E1000_NAME);
	if (err)
		goto err_disable;
	pci_set_master(pdev);

	dev = alloc_etherdev(sizeof(*a));
	if (!dev) {
		err = -ENOMEM;
		goto err_release_regions;
	}
	SET_NETDEV_DEV(dev, &pdev->dev);
	pci_set_drvdata(pdev, dev);
	a = netdev_priv(dev);
	a->netdev = dev;
	a->pdev = pdev;
	a->msg_enable = netif_msg_init(debug, LM_E1000_MSG_DEFAULT);
	a->rx_ring_size = LM_E1000_DEFAULT_RING;
	a->tx_ring_size = LM_E1000_DEFAULT_RING;
	spin_lock_init(&a->rctl_lock);
	spin_lock_init(&a->stats_lock);
	u64_stats_init(&a->rx.stats.syncp);
	u64_stats_init(&a->tx.stats.syncp);
	u64_stats_init(&a->tx_drops.syncp);
	INIT_DELAYED_WORK(&a->watchdog, lm_e1000_watchdog);
	INIT_WORK(&a->reset_task, lm_e1000_reset_task);
	lm_e1000_nm_init(a);
	set_bit(LM_E1000_DOWN, &a->state);

	a->hw = pci_ioremap_bar(pdev, 0);
	if (!a->hw) {
		err = -EIO;
		goto err_free_netdev;
	}

	/* 14.3: start from a known state; this also stops any DMA a
	 * previous owner (firmware, kexec) left running. */
	err = lm_e1000_hw_reset(a);
	if (err)
		goto err_unmap;
	err = lm_e1000_hw_read_mac(a, mac);
	if (err)
		goto err_unmap;
	if (!is_valid_ether_addr(mac)) {
		dev_warn(&pdev->dev, "EEPROM MAC %pM invalid, using a random one\n",
			 mac);
		eth_random_addr(mac);
	}
	eth_hw_addr_set(dev, mac);
	lm_e1000_hw_read_stats(a);	/* zero the clear-on-read counters */
	memset(&a->hw_stats, 0, sizeof(a->hw_stats));

	dev->netdev_ops = &lm_e1000_netdev_ops;
	lm_e1000_set_ethtool_ops(dev);
	dev->watchdog_timeo = LM_E1000_TX_TIMEOUT;
	dev->priv_flags |= IFF_UNICAST_FLT;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = E1000_MAX_FRAME - ETH_HLEN - VLAN_HLEN - ETH_FCS_LEN;
	lm_netif_napi_add(dev, &a->napi, lm_e1000_poll);

	netif_carrier_off(dev);
	err = register_netdev(dev);
	if (err)
		goto err_napi_del;
	err = lm_e1000_nm_attach(a);
	if (err) {
		dev_err(&pdev->dev, "cannot register with the livemap core: %d\n", err);
		goto err_unregister;
	}

	netif_info(a, probe, dev, "Intel 82540EM at %s, MAC %pM\n",
		   pci_name(pdev), dev->dev_addr);
	return 0;

err_unregister:
	unregister_netdev(dev);
err_napi_del:
	netif_napi_del(&a->napi);
err_unmap:
	iounmap(a->hw);
err_free_netdev:
	free_netdev(dev);
err_release_regions:
	pci_release_mem_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void lm_e1000_remove(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);
	struct lm_e1000 *a = netdev_priv(dev);

	set_bit(LM_E1000_REMOVING, &a->state);
	/* DMA stops first, so buffers the NIC still holds lent (a hitless
	 * exit) go back before the port is unregistered. */
	rtnl_lock();
	if (netif_running(dev))
		lm_e1000_down(a);
	rtnl_unlock();
	/* Rings in netmap mode return to the stack; bound files see ENXIO. */
	lm_e1000_nm_detach(a);
	cancel_work_sync(&a->reset_task);
	unregister_netdev(dev);		/* stops the interface: down() */
	cancel_delayed_work_sync(&a->watchdog);
	netif_napi_del(&a->napi);
	lm_e1000_hw_reset(a);
	iounmap(a->hw);
	free_netdev(dev);
	pci_release_mem_regions(pdev);
	pci_disable_device(pdev);
}

static void lm_e1000_shutdown(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);

	rtnl_lock();
	netif_device_detach(dev);
	if (netif_running(dev))
		lm_e1000_down(netdev_priv(dev));
	rtnl_unlock();
	pci_disable_device(pdev);
}

static struct pci_driver lm_e1000_driver = {
	.name		= LM_E1000_NAME,
	.id_table	= lm_e1000_pci_tbl,
	.probe		= lm_e1000_probe,
	.remove		= lm_e1000_remove,
	.shutdown	= lm_e1000_shutdown,
	/* livemap_reclaim (idle reclaim, e1000_netmap.c) */
	.dev_groups	= lm_e1000_dev_groups,
};
static int __init lm_e1000_init(void)
{
	int err = lm_e1000_nm_check_params();

	return err ? err : pci_register_driver(&lm_e1000_driver);
}

static void __exit lm_e1000_exit(void)
{
	pci_unregister_driver(&lm_e1000_driver);
}

module_init(lm_e1000_init);
module_exit(lm_e1000_exit);

MODULE_DESCRIPTION("livemap: Intel 82540EM driver with hitless netmap mode");
MODULE_LICENSE("GPL");
