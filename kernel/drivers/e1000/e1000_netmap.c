// SPDX-License-Identifier: GPL-2.0
/*
 * e1000_netmap.c - the 82540EM as a native netmap port of the livemap core,
 * and the driver side of the hitless engine (kernel/hitless/lm_hl.h).
 *
 * The engine keeps both rings' indices and every slot's owner; this file
 * applies its actions (lm_nm_rx_apply / lm_nm_tx_apply) and feeds it the
 * netmap syncs and the switch.  Netmap ring slot k is NIC slot k + off
 * (lm_hl_k2n): a ring enters at the first slot the NIC has not completed
 * (rx) or not been given (tx), so nothing in flight is disturbed.  The
 * device only ever sees addresses of buffers validated here, whatever the
 * application later writes into the shared ring.
 *
 * switch_mode=hitless (default): a ring enters or leaves netmap mode with
 * NAPI (and, for tx, the stack's xmit) paused for the switch only; no
 * register but RDT/TDT is written, frames in flight are copied, converted
 * or handed back by the engine (DESIGN.md section 4).
 * switch_mode=reset: the classic way, the device goes down and comes back
 * up around the owner change (carrier drops, frames in flight are lost).
 */
#include <linux/delay.h>
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include <lm_core.h>

#include "lm_e1000.h"

static char *switch_mode = "hitless";
module_param(switch_mode, charp, 0444);
MODULE_PARM_DESC(switch_mode,
		 "how a ring enters/leaves netmap mode: hitless (default: no reset, nothing lost) or reset (down, swap buffers, up)");

static bool lm_nm_hitless(void)
{
	return !strcmp(switch_mode, "hitless");
}

/*
 * Exit must not fail, so the rx ring's enter takes the stack buffers a
 * later exit may need (ring size - 1 "spares").  Allocated in the register
 * call they are most of its time; held in stack mode all along they cost
 * that much memory per NIC (~2.5 KiB a slot) and make the register call
 * allocate nothing.
 */
static bool spare_reserve = true;
module_param(spare_reserve, bool, 0444);
MODULE_PARM_DESC(spare_reserve,
		 "hitless mode: keep the rx buffers exit needs allocated while in stack mode (default 1: the register call allocates none)");

int lm_e1000_nm_check_params(void)
{
	if (strcmp(switch_mode, "reset") && strcmp(switch_mode, "hitless")) {
		pr_err(LM_E1000_NAME ": switch_mode=%s unknown (supported: hitless, reset)\n",
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

/* A buffer index the engine hands us came from a ring we validated; a
 * zero address here would be our bug, not the application's. */
static dma_addr_t lm_nm_dma(struct lm_e1000 *a, u32 idx)
{
	dma_addr_t dma = lm_buf_dma(&a->na->lut, idx);

	WARN_ON_ONCE(!dma);
	return dma;
}

/* ------------------------------------------------------------- spares */

static struct lm_e1000_slot lm_nm_spare_pop(struct lm_e1000 *a)
{
	struct lm_e1000_slot none = {};

	if (WARN_ON_ONCE(!a->nspare))
		return none;
	return a->spare[--a->nspare];
}

static void lm_nm_spare_free(struct lm_e1000 *a, struct lm_e1000_slot *sp)
{
	if (!sp->skb)
		return;
	dma_unmap_single(&a->pdev->dev, sp->dma, sp->len, DMA_FROM_DEVICE);
	dev_kfree_skb_any(sp->skb);
	sp->skb = NULL;
}

/* ---------------------------------------------------- engine actions */

static void lm_nm_unmap_rx(struct lm_e1000 *a, struct lm_e1000_slot *s)
{
	dma_unmap_single(&a->pdev->dev, s->dma, s->len, DMA_FROM_DEVICE);
}

/*
 * Which netmap buffers the rx engine holds for the device: set when rxsync
 * hands one over (the engine may keep it unposted until the next release)
 * and for every slot's buffer at enter (all a POST_NM or CONVERT can post
 * comes from those two), cleared when it leaves its descriptor (FRAME to
 * the ring, COPY_TO_SPARE or RECLAIM after an exit, DROP_NM, RETURN), all
 * cleared when the rings go
 * (lm_e1000_hl_detach).  A lent buffer stays set until a frame or the
 * reclaim frees its descriptor.  Each change is mirrored into the core's
 * held mark (lm_buf_held_set), which is region-wide: while set, no other
 * ring's sync can take the buffer over, so no other ring or file frees it
 * at close while the device may still write it.  Ours says which of the
 * core's marks are this adapter's to clear.
 */
static void lm_nm_rx_mark(struct lm_e1000 *a, u32 buf, bool posted)
{
	unsigned long *map = smp_load_acquire(&a->nm_posted);

	if (!map || buf >= a->nm_posted_bits)
		return;
	if (posted ? !test_and_set_bit(buf, map) : test_and_clear_bit(buf, map))
		lm_buf_held_set(a->na, buf, posted);
}

/*
 * rxsync hands buf over from kring's slots.  Refused if a device holds it
 * already (-EBUSY: the same index released in two slots would have the
 * NIC write two frames into one buffer, and after an exit one descriptor
 * would keep a buffer already back in the pool), or if kring no longer
 * owns it (-EINVAL: another ring's sync took it over meanwhile).
 */
static int lm_nm_rx_hold(struct lm_e1000 *a, struct lm_kring *kring, u32 buf)
{
	unsigned long *map = smp_load_acquire(&a->nm_posted);
	int err;

	if (!map || buf >= a->nm_posted_bits)
		return -EINVAL;
	err = lm_buf_hold(kring, buf);
	if (!err)
		set_bit(buf, map);
	return err;
}

static bool lm_nm_rx_is_marked(struct lm_e1000 *a, u32 buf)
{
	unsigned long *map = smp_load_acquire(&a->nm_posted);

	return map && buf < a->nm_posted_bits && test_bit(buf, map);
}

/* Every mark of ours cleared: no descriptor holds a netmap buffer. */
static void lm_nm_rx_unmark_all(struct lm_e1000 *a)
{
	unsigned long buf;

	if (!a->nm_posted)
		return;
	for_each_set_bit(buf, a->nm_posted, a->nm_posted_bits)
		lm_nm_rx_mark(a, buf, false);
}

/* Mark (or clear) the buffer of every rx engine slot that has one, or only
 * of the lent ones.  NAPI off. */
static void lm_nm_rx_mark_slots(struct lm_e1000 *a, const struct lm_hl_kring *kr,
				bool posted, bool lent_only)
{
	u32 j;

	for (j = 0; j < kr->n; j++) {
		const struct lm_hl_slot *s = &kr->slot[j];

		if (s->buf && (!lent_only || (s->flags & LM_HL_LENT)))
			lm_nm_rx_mark(a, s->buf, posted);
	}
}

/* DELIVER: the slot's skb holds a frame of @len for the stack. */
static void lm_nm_rx_deliver_slot(struct lm_e1000 *a, struct lm_e1000_slot *s,
				  unsigned int len)
{
	struct device *dev = &a->pdev->dev;
	struct sk_buff *skb;

	dma_sync_single_for_cpu(dev, s->dma, min_t(unsigned int, len, s->len),
				DMA_FROM_DEVICE);
	if (!lm_e1000_rx_frame_ok(a, len)) {
		if (a->rx_in_napi) {
			/* Bad frame: the buffer is posted again as it is. */
			dma_sync_single_for_device(dev, s->dma, s->len, DMA_FROM_DEVICE);
			a->rx_keep = true;
			return;
		}
		lm_nm_unmap_rx(a, s);
		dev_kfree_skb_any(s->skb);
		s->skb = NULL;
		return;
	}
	if (a->rx_in_napi && len <= LM_E1000_RX_COPYBREAK) {
		/* Copybreak: a small copy goes up, the buffer is reposted. */
		skb = napi_alloc_skb(&a->napi, len);
		if (skb)
			skb_put_data(skb, s->skb->data, len);
		dma_sync_single_for_device(dev, s->dma, s->len, DMA_FROM_DEVICE);
		a->rx_keep = true;
		u64_stats_update_begin(&a->rx.stats.syncp);
		if (skb)
			a->rx.stats.copybreak++;
		else
			a->rx.stats.alloc_failed++;
		u64_stats_update_end(&a->rx.stats.syncp);
		if (skb)
			lm_e1000_rx_deliver(a, skb, len);
		return;
	}
	lm_nm_unmap_rx(a, s);
	skb = s->skb;
	s->skb = NULL;
	skb_put(skb, len);
	lm_e1000_rx_deliver(a, skb, len);
}

/* COPY_TO_SPARE: a frame in netmap buffer @buf goes up in a spare skb. */
static void lm_nm_rx_copy_to_spare(struct lm_e1000 *a, u32 buf, unsigned int len)
{
	struct lm_e1000_slot sp = lm_nm_spare_pop(a);

	if (!sp.skb)
		return;
	lm_nm_unmap_rx(a, &sp);
	if (!lm_e1000_rx_frame_ok(a, len)) {
		dev_kfree_skb_any(sp.skb);
		return;
	}
	lm_nm_sync(a, lm_nm_dma(a, buf), len, true);
	skb_put_data(sp.skb, lm_buf_addr(&a->na->lut, buf), len);
	lm_e1000_rx_deliver(a, sp.skb, len);
}

static void lm_nm_lend(struct lm_e1000 *a, u32 buf)
{
	int err = lm_buf_lend(a->na, buf);

	/* The NIC keeps the buffer posted whatever happens: if the core
	 * cannot record the loan, say so once (its pool may lose it). */
	if (err)
		netdev_err_once(a->netdev, "netmap: lending buffer %u failed: %d\n",
				buf, err);
}

static void lm_nm_adopt(struct lm_e1000 *a, const struct lm_hl_act *act, u32 n)
{
	u32 k = (act->kidx + a->hl_rot) % n;
	int err = lm_buf_adopt(a->hl_kring, k, act->buf);

	if (err)
		netdev_err_once(a->netdev, "netmap: adopting buffer %u failed: %d\n",
				act->buf, err);
}

static void lm_nm_rx_apply(void *ctx, const struct lm_hl_act *act)
{
	struct lm_e1000 *a = ctx;
	struct lm_e1000_slot *s = act->slot < a->rx.count ? &a->rx.slot[act->slot] : NULL;
	struct lm_e1000_slot sp;
	unsigned int len;

	switch (act->op) {
	case LM_HL_DELIVER:
		lm_nm_rx_deliver_slot(a, s, act->len);
		break;
	case LM_HL_COPY_TO_SPARE:
		lm_nm_rx_mark(a, act->buf, false);
		lm_nm_rx_copy_to_spare(a, act->buf, act->len);
		break;
	case LM_HL_COPY_TO_NM:
		/* An skb posted before enter got a frame: one copy into the
		 * ring's buffer for the slot; the skb is converted later. */
		len = min_t(unsigned int, act->len, a->na->lut.buf_size);
		dma_sync_single_for_cpu(&a->pdev->dev, s->dma, len, DMA_FROM_DEVICE);
		memcpy(lm_buf_addr(&a->na->lut, act->buf), s->skb->data, len);
		break;
	case LM_HL_FRAME: {
		struct netmap_ring *ring = a->nm_rx->ring;

		len = min_t(unsigned int, act->len, a->na->lut.buf_size);
		lm_nm_rx_mark(a, act->buf, false);
		lm_nm_sync(a, lm_nm_dma(a, act->buf), len, true);
		WRITE_ONCE(ring->slot[act->kidx].len, len);
		WRITE_ONCE(ring->slot[act->kidx].flags,
			   a->rx_status & E1000_RXD_STAT_EOP ? 0 : NS_MOREFRAG);
		a->rx_pkts++;
		a->rx_bytes += len;
		break;
	}
	case LM_HL_CONVERT:
		lm_nm_unmap_rx(a, s);
		dev_kfree_skb_any(s->skb);
		s->skb = NULL;
		fallthrough;
	case LM_HL_POST_NM:
		s->dma = lm_nm_dma(a, act->buf);
		lm_nm_sync(a, s->dma, a->na->lut.buf_size, false);
		lm_rx_desc_post(&a->rx, act->slot, s->dma);
		break;
	case LM_HL_FREE_SKB:
		lm_nm_unmap_rx(a, s);
		dev_kfree_skb_any(s->skb);
		s->skb = NULL;
		break;
	case LM_HL_DROP_NM:
		lm_nm_rx_mark(a, act->buf, false);
		s->dma = 0;
		break;
	case LM_HL_LEND:
		lm_nm_lend(a, act->buf);
		break;
	case LM_HL_RETURN:
		lm_nm_rx_mark(a, act->buf, false);
		lm_buf_return(a->na, act->buf);
		break;
	case LM_HL_ADOPT:
		lm_nm_adopt(a, act, a->rx.count);
		break;
	case LM_HL_RECLAIM:
		/* Receiver quiesced: a spare takes the lent buffer's place. */
		lm_nm_rx_mark(a, act->buf, false);
		*s = lm_nm_spare_pop(a);
		if (s->skb)
			lm_rx_desc_post(&a->rx, act->slot, s->dma);
		break;
	case LM_HL_FREE_SPARE:
		sp = lm_nm_spare_pop(a);
		lm_nm_spare_free(a, &sp);
		break;
	case LM_HL_DOORBELL:
		/* writel orders the descriptor stores before the tail. */
		e1k_wr32(a, E1000_RDT, act->slot);
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

static void lm_nm_tx_apply(void *ctx, const struct lm_hl_act *act)
{
	struct lm_e1000 *a = ctx;
	struct lm_e1000_slot *s = act->slot < a->tx.count ? &a->tx.slot[act->slot] : NULL;
	struct e1000_tx_desc *d;

	switch (act->op) {
	case LM_HL_FREE_SKB:
		dma_unmap_single(&a->pdev->dev, s->dma, s->len, DMA_TO_DEVICE);
		/*
		 * Reported to BQL only if BQL counted it: an enter restarts
		 * BQL, and an skb in flight then may complete after the exit,
		 * in stack mode (dql_completed() BUGs on bytes never queued).
		 */
		if (s->bql) {
			a->tx_pkts++;
			a->tx_bytes += s->len;
			s->bql = false;
		}
		/* A non-zero budget feeds the per-CPU NAPI cache: softirq only. */
		napi_consume_skb(s->skb, in_softirq() ? a->tx_budget : 0);
		s->skb = NULL;
		break;
	case LM_HL_POST_NM:
		s->dma = lm_nm_dma(a, act->buf);
		s->len = act->len;
		lm_nm_sync(a, s->dma, act->len, false);
		d = lm_tx_desc(&a->tx, act->slot);
		d->buffer_addr = cpu_to_le64(s->dma);
		d->read.length = cpu_to_le16(act->len);
		d->read.cso = 0;
		d->read.cmd = a->tx_cmd;
		d->read.status = 0;
		d->read.css = 0;
		d->read.special = 0;
		break;
	case LM_HL_DROP_NM:
		s->dma = 0;
		break;
	case LM_HL_LEND:
		lm_nm_lend(a, act->buf);
		break;
	case LM_HL_RETURN:
		lm_buf_return(a->na, act->buf);
		break;
	case LM_HL_ADOPT:
		lm_nm_adopt(a, act, a->tx.count);
		break;
	case LM_HL_DOORBELL:
		e1k_wr32(a, E1000_TDT, act->slot);
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

/* --------------------------------------------------- engine lifetime */

/* Both rings were just allocated (lm_e1000_up): fresh, empty engines. */
int lm_e1000_hl_init(struct lm_e1000 *a)
{
	a->spare = kvcalloc(a->rx.count, sizeof(*a->spare), GFP_KERNEL);
	if (!a->spare)
		return -ENOMEM;
	a->nspare = 0;
	a->tx_budget = 0;
	lm_hl_init(&a->rx.hl, a->rx.hl_slot, a->rx.count, 0, lm_nm_rx_apply, a);
	lm_hl_init(&a->tx.hl, a->tx.hl_slot, a->tx.count, 1, lm_nm_tx_apply, a);
	if (lm_nm_hitless() && spare_reserve) {
		lm_hl_spares_reserve(&a->rx.hl, a->rx.count - 1);
		lm_e1000_spares_fill(a, a->rx.count, false);
	}
	return 0;
}

/* Up to @k new spares onto the driver's list and the engine's count; how many. */
static u32 lm_nm_spares_alloc(struct lm_e1000 *a, u32 k, bool in_napi)
{
	u32 got = 0;

	while (got < k && lm_e1000_rx_alloc(a, &a->spare[a->nspare], in_napi)) {
		a->nspare++;
		got++;
	}
	lm_hl_spares_add(&a->rx.hl, got);
	return got;
}

/*
 * The standing reserve: up to @max more spares towards it.  Only where
 * nothing else touches a->spare[]: stack-mode NAPI, or device start-up
 * before NAPI runs.  A failed allocation just stops; the next poll, or
 * the enter itself, makes up for it.
 */
void lm_e1000_spares_fill(struct lm_e1000 *a, u32 max, bool in_napi)
{
	lm_nm_spares_alloc(a, min(lm_hl_spares_short(&a->rx.hl), max), in_napi);
}

static void lm_hl_stats_add(struct lm_e1000_sw_stats *sw, const struct lm_hl_stats *st)
{
	sw->lm_switch_copies += READ_ONCE(st->copies);
	sw->lm_conversions += READ_ONCE(st->conversions);
	sw->lm_reverse_copies += READ_ONCE(st->reverse_copies);
	sw->lm_idle_reclaims += READ_ONCE(st->idle_reclaims);
	sw->lm_handed_to_stack += READ_ONCE(st->handed_back);
}

/* ethtool -S: what earlier rings counted plus the live engines. */
void lm_e1000_hl_stats(struct lm_e1000 *a, struct lm_e1000_sw_stats *sw)
{
	lm_hl_stats_add(sw, &a->rx.hl.st);
	lm_hl_stats_add(sw, &a->tx.hl.st);
	sw->lm_spares = READ_ONCE(a->nspare);
}

/* DMA stopped (reset): everything back to its owner, spares freed. */
void lm_e1000_hl_detach(struct lm_e1000 *a)
{
	unsigned long flags;

	if (a->rx.hl.slot) {
		a->rx_in_napi = false;
		lm_hl_detach(&a->rx.hl);
	}
	if (a->tx.hl.slot) {
		a->tx_budget = 0;
		lm_hl_detach(&a->tx.hl);
	}
	spin_lock_irqsave(&a->stats_lock, flags);
	lm_e1000_hl_stats(a, &a->sw_stats);
	memset(&a->rx.hl.st, 0, sizeof(a->rx.hl.st));
	memset(&a->tx.hl.st, 0, sizeof(a->tx.hl.st));
	spin_unlock_irqrestore(&a->stats_lock, flags);
	a->rx.hl.slot = NULL;
	a->tx.hl.slot = NULL;
	lm_nm_rx_unmark_all(a);	/* no descriptor left */
	while (a->nspare) {
		struct lm_e1000_slot sp = lm_nm_spare_pop(a);

		lm_nm_spare_free(a, &sp);
	}
	kvfree(a->spare);
	a->spare = NULL;
}

/* ----------------------------------------------------------- enter */

/*
 * What enter needs, taken before anything changes (it may fail here, not
 * later): the ring's buffer indices, validated, and the stack rx buffers
 * exit may need (spares).  p->rb[j] is the buffer of ring slot
 * (j + nr_hwcur) mod n: the engine starts its ring at slot 0, a kring that
 * is re-entered after a reset keeps its position (see lm_nm_enter).
 *
 * A ring switched alone prepares with NAPI still on, so the spares go
 * into p->sp, private to us: stack-mode NAPI pops a->spare[] and lowers
 * the engine's spare count whenever a frame lands in a slot still lent
 * from the last exit, tops the reserve up (spare_reserve), and nothing it
 * touches may change under it.  lm_nm_spares_commit() hands them over
 * once NAPI is off.  The count is an estimate for the same reason: the
 * commit takes what the engine then needs, allocating any missing, and
 * lm_nm_prep_free() frees the rest.  (Inside a register's switch_begin/
 * switch_end NAPI is off already and the estimate is exact.)
 */
struct lm_nm_prep {
	u32 *rb;			/* the ring's buffers, rotated by nr_hwcur */
	struct lm_e1000_slot *sp;	/* spares taken while NAPI ran */
	u32 nsp;
};

static void lm_nm_prep_free(struct lm_e1000 *a, struct lm_nm_prep *p)
{
	while (p->nsp)
		lm_nm_spare_free(a, &p->sp[--p->nsp]);
	kvfree(p->sp);
	kvfree(p->rb);
	p->sp = NULL;
	p->rb = NULL;
}

static int lm_nm_enter_prep(struct lm_e1000 *a, struct lm_kring *kring,
			    struct lm_hl_kring *kr, struct lm_nm_prep *p, bool take)
{
	u32 n = kr->n, h = kring->nr_hwcur, need, j;

	memset(p, 0, sizeof(*p));
	if (kring->nkr_num_slots != n || h >= n)
		return -EINVAL;
	/* Sized once by the region's buffer count (a module parameter):
	 * NAPI reads it without our locks, so it is never replaced. */
	if (!kr->is_tx && !a->nm_posted) {
		unsigned long *map = bitmap_zalloc(a->na->lut.nbufs, GFP_KERNEL);

		if (!map)
			return -ENOMEM;
		a->nm_posted_bits = a->na->lut.nbufs;
		smp_store_release(&a->nm_posted, map);
	}
	p->rb = kvmalloc_array(n, sizeof(*p->rb), GFP_KERNEL);
	if (!p->rb)
		return -ENOMEM;
	/* take: lm_buf_ring_take() follows, and replaces a bad index (0
	 * stands for one out of range) rather than fail. */
	for (j = 0; j < n; j++) {
		u32 idx = READ_ONCE(kring->ring->slot[(j + h) % n].buf_idx);

		if (!lm_buf_dma(&a->na->lut, idx)) {
			if (!take)
				goto err_inval;
			idx = 0;
		}
		p->rb[j] = idx;
	}
	need = lm_hl_enter_need(kr);	/* racy read: an estimate, see above */
	if (!need)
		return 0;
	p->sp = kvcalloc(need, sizeof(*p->sp), GFP_KERNEL);
	if (!p->sp)
		goto err_nomem;
	for (; p->nsp < need; p->nsp++)
		if (!lm_e1000_rx_alloc(a, &p->sp[p->nsp], false))
			goto err_nomem;
	return 0;

err_inval:
	lm_nm_prep_free(a, p);
	return -EINVAL;
err_nomem:
	lm_nm_prep_free(a, p);
	return -ENOMEM;
}

/*
 * NAPI off (or not yet started): give the engine exactly the spares it
 * needs now, from p first, allocating any that NAPI used up since the
 * estimate.  On -ENOMEM the spares given stay counted and the caller's
 * lm_hl_enter() fails with nothing changed; lm_hl_spares_trim() gives
 * back what neither a lent slot nor the reserve needs.  Left-overs in p:
 * lm_nm_prep_free().
 */
static int lm_nm_spares_commit(struct lm_e1000 *a, struct lm_hl_kring *kr,
			       struct lm_nm_prep *p)
{
	u32 need = lm_hl_enter_need(kr), k = min(need, p->nsp), i;

	for (i = 0; i < k; i++)
		a->spare[a->nspare++] = p->sp[--p->nsp];
	lm_hl_spares_add(kr, k);
	return lm_nm_spares_alloc(a, need - k, false) == need - k ? 0 : -ENOMEM;
}

/*
 * The engine enters with ring slot 0 at the first slot the NIC has not
 * completed (rx) / been given (tx).  A kring re-entered after a reset
 * (switch_mode=reset: the other ring's switch, ip link down/up) already has
 * nr_hwcur = h and the application's head there: the buffers were given
 * rotated by h (lm_nm_enter_prep), so moving the engine's offset back by h
 * maps ring slot k to the NIC slot holding ring buffer k.
 *
 * Stack-mode NAPI refills in batches, and copybreak keeps the skb of the
 * slots it cleaned: those skbs are posted as they are first, like any skb
 * the NIC holds at enter (copied once on completion, converted when the
 * application releases the slot).  Entering would otherwise convert them
 * here, an unmap and a free each inside the register call (about 7 us
 * apiece under TCG, 8 or so per enter at 2,000 frames/s), to no gain.
 */
static int lm_nm_enter(struct lm_e1000 *a, struct lm_kring *kring,
		       struct lm_hl_kring *kr, const u32 *rb)
{
	u32 h = kring->nr_hwcur;
	int err;

	if (!kr->is_tx)
		lm_e1000_rx_post(a, false, true);
	a->hl_rot = h;
	a->hl_kring = kring;
	err = lm_hl_enter(kr, rb);
	if (err) {
		lm_hl_kick(kr);		/* what was posted above, in stack mode */
		return err;
	}
	/* Every slot's buffer is the engine's now, posted or not: the ring's,
	 * or a lent one the ring adopted (its ring buffer went back to the
	 * pool: not rb[]). */
	if (!kr->is_tx)
		lm_nm_rx_mark_slots(a, kr, true, false);
	kr->off = (kr->off + kr->n - h) % kr->n;
	lm_hl_kick(kr);
	kring->nr_hwcur = lm_hl_nm_hwcur(kr);
	kring->nr_hwtail = lm_hl_nm_hwtail(kr);
	return 0;
}

/*
 * At up, for a kring that stayed in netmap mode across the down: its slots
 * have been the application's to write, and the rx ring posts the buffer
 * of every one, so each must be the ring's to post: one buffer in two
 * descriptors, or one a ring or file still holds elsewhere, would be
 * written by the NIC under its owner.  lm_buf_ring_take() makes them so,
 * held from then on (a slot naming a bad one gets a fresh buffer: the up
 * never fails for what the application wrote).  (A register's enter posts
 * a ring created with it.)
 */
static int lm_nm_enter_ring(struct lm_e1000 *a, struct lm_kring *kring,
			    struct lm_hl_kring *kr)
{
	struct lm_nm_prep p;
	bool took = false;
	int err = lm_nm_enter_prep(a, kring, kr, &p, !kr->is_tx);
	u32 j;

	if (err)
		return err;
	if (!kr->is_tx) {
		err = lm_buf_ring_take(kring, p.rb, kring->nr_hwcur);	/* prep's h */
		took = !err;
	}
	if (!err)
		err = lm_nm_spares_commit(a, kr, &p);
	if (!err)
		err = lm_nm_enter(a, kring, kr, p.rb);
	/* Held for descriptors that none took: let go. */
	if (err && took)
		for (j = 0; j < kr->n; j++)
			if (!lm_nm_rx_is_marked(a, p.rb[j]))
				lm_buf_held_set(a->na, p.rb[j], false);
	lm_nm_prep_free(a, &p);
	return err;
}

/*
 * Device start-up (lm_e1000_up, ring_lock held, nothing posted yet):
 * rings whose kring is in netmap mode enter it before the device starts.
 */
int lm_e1000_nm_start(struct lm_e1000 *a)
{
	int err;

	if (a->nm_tx) {
		err = lm_nm_enter_ring(a, a->nm_tx, &a->tx.hl);
		if (err)
			return err;
	}
	if (a->nm_rx) {
		err = lm_nm_enter_ring(a, a->nm_rx, &a->rx.hl);
		if (err)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------------------ rx */

/*
 * Report every completed descriptor to the engine: in netmap mode
 * (COPY_TO_NM, FRAME) for rxsync, in stack mode (DELIVER, COPY_TO_SPARE)
 * for the idle reclaim, which runs with NAPI disabled.
 */
static void lm_nm_rx_harvest(struct lm_e1000 *a)
{
	struct lm_e1000_ring *r = &a->rx;
	u32 i;

	while ((i = lm_hl_rx_clean_slot(&r->hl)) != LM_HL_NONE_SLOT) {
		struct e1000_rx_desc *d = lm_rx_desc(r, i);
		u8 status = READ_ONCE(d->status);

		if (!(status & E1000_RXD_STAT_DD))
			break;
		/* Read length only after DD: the device writes status last. */
		dma_rmb();
		a->rx_status = status;
		a->rx_errors = d->errors;
		lm_hl_rx_done(&r->hl, le16_to_cpu(d->length));
	}
}

static int lm_nm_rxsync(struct lm_kring *kring, unsigned int flags)
{
	struct lm_e1000 *a = lm_kring_adapter(kring);
	struct lm_hl_kring *kr = &a->rx.hl;
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->nkr_num_slots, k, head = kring->rhead;
	int err = 0;

	mutex_lock(&a->ring_lock);
	if (test_bit(LM_E1000_DOWN, &a->state) || a->nm_rx != kring || !kr->netmap)
		goto out;	/* interface down: the ring is frozen */

	/* Slots the application released: their (re-read, validated)
	 * buffers go back to the NIC. */
	for (k = kring->nr_hwcur; k != head; k = lm_next(k, n)) {
		struct netmap_slot *slot = &ring->slot[k];
		u32 idx = READ_ONCE(slot->buf_idx);

		if (!lm_buf_dma(&kring->na->lut, idx)) {
			err = -EINVAL;
			break;
		}
		/* Held now: the engine may post it only at the next release. */
		err = lm_nm_rx_hold(a, kring, idx);
		if (err == -EBUSY)
			netdev_err_once(a->netdev,
					"netmap: rx slot %u releases buffer %u, which a NIC already holds (slot not taken)\n",
					k, idx);
		else if (err)
			netdev_err_once(a->netdev,
					"netmap: rx slot %u releases buffer %u, which another ring took over (slot not taken)\n",
					k, idx);
		if (err) {
			err = -EINVAL;
			break;
		}
		lm_hl_rx_release(kr, idx);
		WRITE_ONCE(slot->flags, READ_ONCE(slot->flags) & ~NS_BUF_CHANGED);
	}
	a->rx_in_napi = false;
	lm_nm_rx_harvest(a);
	lm_hl_kick(kr);
	kring->nr_hwcur = lm_hl_nm_hwcur(kr);
	kring->nr_hwtail = lm_hl_nm_hwtail(kr);
	lm_e1000_rx_stats_flush(a);
out:
	mutex_unlock(&a->ring_lock);
	return err;
}

/* ------------------------------------------------------------------ tx */

static int lm_nm_txsync(struct lm_kring *kring, unsigned int flags)
{
	struct lm_e1000 *a = lm_kring_adapter(kring);
	struct lm_e1000_ring *r = &a->tx;
	struct lm_hl_kring *kr = &r->hl;
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->nkr_num_slots, i, k, head = kring->rhead;
	u32 buf_size = kring->na->lut.buf_size;
	u64 packets = 0, bytes = 0;
	int err = 0;

	mutex_lock(&a->ring_lock);
	if (test_bit(LM_E1000_DOWN, &a->state) || a->nm_tx != kring || !kr->netmap)
		goto out;

	/* New frames [nr_hwcur, head): one descriptor per slot, EOP unless
	 * the slot continues in the next (NS_MOREFRAG). */
	for (k = kring->nr_hwcur; k != head; k = lm_next(k, n)) {
		struct netmap_slot *slot = &ring->slot[k];
		u32 idx = READ_ONCE(slot->buf_idx);
		u16 len = READ_ONCE(slot->len), fl = READ_ONCE(slot->flags);

		if (!lm_buf_dma(&kring->na->lut, idx) || !len || len > buf_size) {
			err = -EINVAL;
			break;
		}
		a->tx_cmd = E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS |
			    (fl & NS_MOREFRAG ? 0 : E1000_TXD_CMD_EOP);
		if (lm_hl_tx_send(kr, idx, len)) {
			err = -EINVAL;
			break;
		}
		if (fl & NS_BUF_CHANGED)
			WRITE_ONCE(slot->flags, fl & ~NS_BUF_CHANGED);
		packets++;
		bytes += len;
	}
	/* DOORBELL: writel orders the descriptor stores before TDT. */
	lm_hl_kick(kr);

	/* Completions: DD comes back in order (RS on every descriptor). */
	a->tx_budget = 0;
	while ((i = lm_hl_tx_clean_slot(kr)) != LM_HL_NONE_SLOT &&
	       (READ_ONCE(lm_tx_desc(r, i)->wb.status) & E1000_TXD_STAT_DD))
		lm_hl_tx_done(kr);
	kring->nr_hwcur = lm_hl_nm_hwcur(kr);
	kring->nr_hwtail = lm_hl_nm_hwtail(kr);

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
	    e1k_poll(a, E1000_TDH, E1000_DH_MASK, a->tx.hl.tail,
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

/* The end of a hitless switch or of an idle reclaim (ring_lock held,
 * NAPI off): NAPI back on. */
static void lm_nm_resume(struct lm_e1000 *a)
{
	/* Before NAPI runs again: the deliveries in process context (an rx
	 * exit's, the reclaim's clean) counted into what NAPI writes. */
	lm_e1000_rx_stats_flush(a);
	lm_e1000_napi_resume(a);
}

/*
 * switch_mode=hitless: the engine changes the ring's owner in place.  NAPI
 * (and for tx the stack's xmit, via the tx lock) pause for the switch
 * only; no register is written but the tail.  The core calls us with its
 * own lock held and never with RTNL.  ring_lock alone keeps up/down out:
 * both run entirely under it and set/clear LM_E1000_DOWN there, and the
 * ring sizes and buffer length lm_nm_can_enter() reads change only in
 * them.  So RTNL is not taken here: a register call never waits behind an
 * unrelated RTNL holder (an ethtool query, a link event).
 */
static int lm_nm_switch_hitless(struct lm_e1000 *a, struct lm_kring *kring,
				bool on)
{
	bool tx = kring->dir == LM_TX;
	struct lm_kring **slotp = tx ? &a->nm_tx : &a->nm_rx;
	struct lm_hl_kring *kr = tx ? &a->tx.hl : &a->rx.hl;
	struct net_device *dev = a->netdev;
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);
	/* Inside lm_nm_switch_begin/end: ring_lock held, and NAPI stays off
	 * from the first ring's switch to switch_end. */
	bool batch = a->nm_batch;
	struct lm_nm_prep p = {};
	int err = 0;

	if (!batch)
		mutex_lock(&a->ring_lock);
	if (on) {
		err = lm_nm_can_enter(a, kring);
		if (err)
			goto unlock;
	}
	if (test_bit(LM_E1000_DOWN, &a->state)) {
		/* No rings: the next up() enters (or not) by itself. */
		if (on)
			err = -ENETDOWN;
		else
			WRITE_ONCE(*slotp, NULL);
		goto unlock;
	}
	if (on) {
		err = lm_nm_enter_prep(a, kring, kr, &p, false);
		if (err)
			goto unlock;
	}

	if (!batch || !a->nm_batch_napi_off)
		lm_e1000_napi_pause(a);
	if (batch)
		a->nm_batch_napi_off = true;
	/*
	 * The one queue's xmit lock keeps lm_e1000_xmit() out (the watchdog
	 * takes it too).  Not netif_tx_lock_bh(): its freeze and unfreeze
	 * reschedule the qdisc, and the NET_TX softirq then runs inside
	 * this call at bh-enable, 0.1 ms of a ~0.3 ms switch under TCG.
	 */
	if (tx)
		__netif_tx_lock_bh(txq);
	if (on) {
		WRITE_ONCE(*slotp, kring);
		err = lm_nm_spares_commit(a, kr, &p);
		if (!err)
			err = lm_nm_enter(a, kring, kr, p.rb);
		if (err) {
			WRITE_ONCE(*slotp, NULL);
			if (!tx)
				lm_hl_spares_trim(kr);
		} else if (tx) {
			/* In-flight skbs now complete through txsync, which
			 * does not report to BQL: start BQL afresh, and have
			 * no completion report what it counted before. */
			u32 i;

			netdev_reset_queue(dev);
			for (i = 0; i < a->tx.count; i++)
				a->tx.slot[i].bql = false;
		}
	} else {
		if (!tx) {
			/* Frames the application did not consume go to the
			 * stack (process context, NAPI off:
			 * lm_e1000_rx_deliver).  Only the rx exit: a stack
			 * mode rx frame may be half received meanwhile. */
			a->rx_in_napi = false;
			a->rx_status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
			a->rx_errors = 0;
			a->rx_discard = false;
			/* The ring's buffers leave with it, but for the lent. */
			lm_nm_rx_mark_slots(a, kr, false, false);
		}
		lm_hl_exit(kr);
		if (!tx)
			lm_nm_rx_mark_slots(a, kr, true, true);
		lm_hl_kick(kr);
		WRITE_ONCE(*slotp, NULL);
	}
	if (tx) {
		__netif_tx_unlock_bh(txq);
		/* A queue stopped on a full ring before the switch: in netmap
		 * mode nothing would wake it (frames go to the host ring), in
		 * stack mode NAPI does once the ring drains. */
		if (on)
			netif_wake_queue(dev);
	}
	if (!batch)
		lm_nm_resume(a);
unlock:
	if (!batch)
		mutex_unlock(&a->ring_lock);
	lm_nm_prep_free(a, &p);
	return err;
}

/*
 * One register binds tx and rx, which share one NAPI context: the core
 * brackets their kring_on() calls, and the kring_off() calls of one
 * file's close (lm_core.h), and NAPI pauses once for both, from the first
 * ring's switch (after its preparation, with NAPI still on) to
 * switch_end, with one kick after.  Unbatched, the second ring's
 * napi_disable() waited for the poll the first one's kick raised (0.4-1.8
 * ms of a close under TCG).  A bracket that switches no ring
 * (NR_REG_NULL, host rings only, rings another file holds) never pauses
 * it.  ring_lock is held across: up/down and the idle reclaim
 * wait, and so do the syncs of rings other files hold.  Reset mode
 * switches per ring, under RTNL: nothing to share.
 */
static void lm_nm_switch_begin(struct lm_adapter *na)
{
	struct lm_e1000 *a = na->drv_priv;

	if (!lm_nm_hitless())
		return;
	mutex_lock(&a->ring_lock);
	a->nm_batch = true;
	a->nm_batch_napi_off = false;
}

static void lm_nm_switch_end(struct lm_adapter *na)
{
	struct lm_e1000 *a = na->drv_priv;

	if (!a->nm_batch)
		return;
	if (a->nm_batch_napi_off)
		lm_nm_resume(a);
	a->nm_batch = false;
	a->nm_batch_napi_off = false;
	mutex_unlock(&a->ring_lock);
}

/* ------------------------------------------------------ idle reclaim */

/*
 * Idle reclaim (DESIGN.md section 4, exit step 4b).  After a hitless exit
 * the netmap buffers still posted in the rx ring stay lent (step 4a) until
 * frames land in them.  When that memory must go while the driver stays,
 * only the receive engine is quiesced, for milliseconds: no reset, no
 * CTRL/PHY/TCTL access, carrier untouched, NAPI disabled around it only.
 *
 * What the 8254x SDM (317453006EN rev 4.0) says, and where it is silent:
 * - 13.4.22 RCTL.EN: clearing it stops reception after the packet in
 *   progress; later packets are dropped until EN is set again.  So after
 *   EN=0 at most one frame is still being written.  Whether frames already
 *   in the receive FIFO are still DMAed is not said: we wait until the
 *   head stays put for LM_E1000_RX_SETTLE_US (a FIFO drains over PCI in
 *   far less) and every descriptor it passed is written back (DD seen).
 * - 3.2.4: the device keeps up to 64 receive descriptors on chip, fetched
 *   ahead from host memory (never beyond RDT).  13.4.28: writing RDH
 *   while receiving can invalidate that descriptor cache, so RDH is never
 *   written here.  Whether clearing RCTL.EN discards descriptors already
 *   fetched is NOT stated.  If a device kept them, up to 64 descriptors
 *   after the head would still carry the old (returned) netmap addresses.
 *   QEMU's e1000 has no descriptor cache (it reads each descriptor when a
 *   frame arrives), which is where this is tested; on real hardware this
 *   is an open risk, untested.
 * - This is the 8254x's behaviour.  The later PCIe parts' datasheets
 *   (82571/82574 RCTL.EN) keep data in the FIFO while disabled and ask
 *   for a receiver reset before EN is set again: not this sequence.
 * - RDT is software's to write at any time (13.4.29).
 * The order: RCTL.EN off -> wait until idle (bounded, sleeping) -> clean
 * completed descriptors as NAPI does (frames to the stack, none lost) ->
 * lm_hl_rx_reclaim(): spares replace the lent buffers in their descriptors
 * and the buffers go back to the core -> RCTL.EN on, every other RCTL bit
 * as it was (the shadow in a->rctl) -> refill what the clean freed.
 * Per 13.4.22 a real device drops the frames that arrive while EN is
 * clear (here a few ms, mostly the settle wait): that is the reclaim's
 * cost on hardware.
 * QEMU's e1000 holds received frames for 1 s after every RCTL write
 * (hw/net/e1000.c: set_rx_control arms flush_queue_timer, and
 * e1000_can_receive is false while it is pending), so the stack sees a gap
 * of about a second: never on a hot path.
 */
#define LM_E1000_RX_SETTLE_US	2000u	/* head must stay put this long */
#define LM_E1000_RX_IDLE_US	100000u	/* then give up: -ETIMEDOUT */

/* One maximum-size frame on the wire at the current link speed, in us:
 * the packet "in progress" that 13.4.22 lets finish. */
static unsigned int lm_nm_frame_us(struct lm_e1000 *a)
{
	/* preamble + SFD 8, FCS 4, inter-frame gap 12 bytes */
	unsigned int bytes = a->rx_buf_len + 24;
	unsigned int mbps = netif_carrier_ok(a->netdev) && a->link_speed ?
			    a->link_speed : SPEED_10;

	return DIV_ROUND_UP(bytes * 8, mbps);
}

/*
 * Receiver off: wait until it has stopped writing.  Idle = the head has not
 * moved for one settle period and every descriptor before it has been
 * reported (clean == RDH).  Frames completed meanwhile go to the stack.
 */
static int lm_nm_rx_wait_idle(struct lm_e1000 *a, u32 *head)
{
	unsigned int settle = max(lm_nm_frame_us(a), LM_E1000_RX_SETTLE_US);
	ktime_t deadline = ktime_add_us(ktime_get(), LM_E1000_RX_IDLE_US + settle);
	u32 prev = e1k_rd32(a, E1000_RDH) & E1000_DH_MASK, cur;

	for (;;) {
		usleep_range(settle, settle + settle / 4);
		lm_nm_rx_harvest(a);
		cur = e1k_rd32(a, E1000_RDH) & E1000_DH_MASK;
		*head = cur;
		if (cur == prev && cur == READ_ONCE(a->rx.hl.clean))
			return 0;
		if (ktime_after(ktime_get(), deadline))
			return -ETIMEDOUT;
		prev = cur;
	}
}

/*
 * Take back every lent netmap buffer of the rx ring (stack mode only).
 * *reclaimed: slots reclaimed.  0 with nothing done if none is lent or the
 * interface is down (down() already returned them); -EBUSY if a ring of
 * the port is in netmap mode; -ETIMEDOUT if the receiver did not go idle
 * (then nothing was reclaimed and the receiver runs again).  Process
 * context; takes RTNL and ring_lock as the switch does.
 */
int lm_e1000_rx_reclaim(struct lm_e1000 *a, u32 *reclaimed)
{
	struct lm_hl_kring *kr = &a->rx.hl;
	struct net_device *dev = a->netdev;
	u64 before, t0, t_off = 0, t_on = 0;
	u32 head = 0;
	int err = 0;

	*reclaimed = 0;
	rtnl_lock();
	mutex_lock(&a->ring_lock);
	if (test_bit(LM_E1000_DOWN, &a->state) || test_bit(LM_E1000_REMOVING, &a->state))
		goto unlock;
	if (READ_ONCE(a->nm_rx) || READ_ONCE(a->nm_tx)) {
		netdev_info_once(dev, "idle reclaim refused: the port is in netmap mode\n");
		err = -EBUSY;
		goto unlock;
	}
	/* Nothing lent: no RCTL write (on QEMU each one is a 1 s rx hold). */
	if (!READ_ONCE(kr->st.lent))
		goto unlock;
	if (WARN_ON_ONCE(!(a->rctl & E1000_RCTL_EN))) {
		err = -EIO;
		goto unlock;
	}

	t0 = ktime_get_ns();
	lm_e1000_napi_pause(a);
	/* Frames cleaned here go up in process context (netif_receive_skb
	 * with BHs off), in ring order, before anything NAPI sees later. */
	a->rx_in_napi = false;
	lm_e1000_hw_update_rctl(a, E1000_RCTL_EN, 0);
	e1k_flush(a);
	t_off = ktime_get_ns();
	err = lm_nm_rx_wait_idle(a, &head);
	if (err) {
		netdev_warn(dev, "idle reclaim: receiver not idle after %u us (RDH %u, clean %u), nothing reclaimed\n",
			    LM_E1000_RX_IDLE_US, head, READ_ONCE(kr->clean));
		goto enable;
	}
	before = kr->st.idle_reclaims;
	/* RECLAIM (a spare written into the descriptor) + RETURN per slot. */
	lm_hl_rx_reclaim(kr);
	*reclaimed = kr->st.idle_reclaims - before;
	/* No lent slot left: spares beyond the reserve are freed. */
	lm_hl_spares_trim(kr);
enable:
	/* writel orders every descriptor store above before EN. */
	lm_e1000_hw_update_rctl(a, 0, E1000_RCTL_EN);
	e1k_flush(a);
	t_on = ktime_get_ns();
	/*
	 * Slots the clean emptied get buffers now, with the receiver on:
	 * DOORBELL writes RDT (writel orders the descriptor stores before
	 * it).  Not before: QEMU's e1000 delivers its queued frames on an
	 * RDT write, and with EN still clear it drops them.  A failed
	 * allocation is retried by NAPI, as in stack mode.
	 */
	lm_e1000_rx_refill(a, false);
	lm_nm_resume(a);
	if (!err)
		netdev_info(dev, "idle reclaim: %u rx slots back to the stack in %llu us (receiver off %llu us)\n",
			    *reclaimed, (t_on - t0) / NSEC_PER_USEC,
			    (t_on - t_off) / NSEC_PER_USEC);
unlock:
	mutex_unlock(&a->ring_lock);
	rtnl_unlock();
	return err;
}

/*
 * The trigger: /sys/bus/pci/devices/<bdf>/livemap_reclaim (also reached
 * as /sys/class/net/<if>/device/livemap_reclaim), write-only, root only.
 * "1" reclaims; anything else is -EINVAL.
 */
static ssize_t livemap_reclaim_store(struct device *d, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct net_device *dev = dev_get_drvdata(d);
	u32 reclaimed;
	unsigned int v;
	int err;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (kstrtouint(buf, 10, &v) || v != 1) {
		dev_info_once(d, "livemap_reclaim: write 1 to reclaim lent rx buffers\n");
		return -EINVAL;
	}
	if (!dev)
		return -ENODEV;
	err = lm_e1000_rx_reclaim(netdev_priv(dev), &reclaimed);
	return err ? err : count;
}
static DEVICE_ATTR_WO(livemap_reclaim);

static struct attribute *lm_e1000_dev_attrs[] = {
	&dev_attr_livemap_reclaim.attr,
	NULL,
};

static const struct attribute_group lm_e1000_dev_group = {
	.attrs = lm_e1000_dev_attrs,
};

const struct attribute_group *lm_e1000_dev_groups[] = {
	&lm_e1000_dev_group,
	NULL,
};

static int lm_nm_kring_on(struct lm_kring *kring)
{
	struct lm_e1000 *a = lm_kring_adapter(kring);

	if (kring->ring_id != 0)
		return -EINVAL;
	if (lm_nm_hitless())
		return lm_nm_switch_hitless(a, kring, true);
	return lm_nm_switch_reset(a, kring, true);
}

static void lm_nm_kring_off(struct lm_kring *kring)
{
	struct lm_e1000 *a = lm_kring_adapter(kring);

	if (lm_nm_hitless())
		lm_nm_switch_hitless(a, kring, false);
	else
		lm_nm_switch_reset(a, kring, false);
}

static const struct lm_adapter_ops lm_e1000_nm_ops = {
	.kring_on	= lm_nm_kring_on,
	.kring_off	= lm_nm_kring_off,
	.switch_begin	= lm_nm_switch_begin,
	.switch_end	= lm_nm_switch_end,
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
	/* The device is down (remove): no descriptor, no NAPI, and the
	 * down cleared every mark; the adapter goes with unregister. */
	lm_nm_rx_unmark_all(a);
	lm_nm_unregister(a);
	bitmap_free(a->nm_posted);
	a->nm_posted = NULL;
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
