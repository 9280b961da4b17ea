/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lm_e1000.h - livemap's Intel 82540EM driver: adapter, rings, per-slot
 * buffer bookkeeping and the MMIO layer.
 *
 * Rings (DESIGN.md section 4): the indices of each ring and the owner of
 * every slot (the stack's skb or a netmap buffer) are kept by the portable
 * hitless engine (lm_hl.h, one struct lm_hl_kring per ring): NAPI, xmit and
 * the netmap syncs report what the device did, the engine answers with
 * actions (deliver, copy, post, free, lend, doorbell) that e1000_netmap.c
 * applies.  A ring may hold both kinds of buffer at once: that is what
 * lets it change owner without stopping (switch_mode=hitless).
 */
#ifndef LM_E1000_H
#define LM_E1000_H

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include "e1000_regs.h"
#include "lm_hl.h"

struct lm_adapter;
struct lm_kring;

#define LM_E1000_NAME		"livemap_e1000"

#define LM_E1000_DEFAULT_RING	256
#define LM_E1000_MIN_RING	64
#define LM_E1000_MAX_RING	E1000_RING_MAX_DESCS

/* Frames up to this size are copied into a small skb and the posted
 * buffer is reposted as is: no unmap, no allocation. */
#define LM_E1000_RX_COPYBREAK	256
/* Repost rx buffers (one RDT write) once this many slots are free. */
#define LM_E1000_RX_REFILL_BATCH 16
/* Spares NAPI adds towards the standing reserve per poll (spare_reserve). */
#define LM_E1000_SPARE_FILL_BATCH 16
/* Wake the tx queue once this many descriptors are free again. */
#define LM_E1000_TX_WAKE_THRESH	32
/* Interrupt throttling: at most this many interrupts per second. */
#define LM_E1000_MAX_INT_RATE	20000
#define LM_E1000_WATCHDOG_INTERVAL (2 * HZ)
#define LM_E1000_TX_TIMEOUT	(5 * HZ)
/* Longest wait for the device to drain tx before a reset-mode switch. */
#define LM_E1000_TX_DRAIN_US	10000
/* Longest lm_e1000_napi_pause() watches a poll in flight before it lets
 * napi_disable() sleep; hardware polls take microseconds, QEMU's ~0.3 ms */
#define LM_E1000_NAPI_SPIN_US	1000

/*
 * One per descriptor slot, rx and tx alike: what the driver itself keeps
 * for a slot.  WHO owns the slot (the stack's skb, a netmap buffer, nobody)
 * is the hitless engine's tag (struct lm_hl_slot, kernel/hitless/lm_hl.h):
 * one tag per slot.  @dma is the address the descriptor carries; @skb and
 * @len (the mapped length) are valid while the engine says STACK.
 */
struct lm_e1000_slot {
	dma_addr_t dma;
	struct sk_buff *skb;
	u16 len;
	bool bql;	/* tx: BQL counted this skb (netdev_sent_queue) */
};

/*
 * Per-ring counters: one writer each (rx: NAPI; tx: xmit under the queue
 * lock for the drop counters, NAPI for completions -- packets/bytes are
 * only written by NAPI), readers use the u64_stats retry loop.
 */
struct lm_e1000_ring_stats {
	u64 packets;
	u64 bytes;
	/* rx: wire input the driver rejects, counted and dropped */
	u64 runt;		/* shorter than an Ethernet header */
	u64 oversize;		/* longer than the MTU allows */
	u64 spanning;		/* spread over several descriptors (EOP late) */
	u64 frame_errors;	/* device flagged CRC/symbol/sequence errors */
	u64 alloc_failed;	/* no fresh buffer: frame dropped, buffer kept */
	u64 copybreak;		/* small frames copied, buffer recycled */
	struct u64_stats_sync syncp;
};

/* tx drops are counted in xmit, which the queue lock serialises. */
struct lm_e1000_tx_drops {
	u64 dma_failed;		/* mapping failed: frame dropped */
	u64 bad_frame;		/* could not pad/linearise: frame dropped */
	struct u64_stats_sync syncp;
};

struct lm_e1000_ring {
	void *desc;			/* coherent descriptor array */
	dma_addr_t desc_dma;
	unsigned int count;		/* descriptors; multiple of 8 */
	struct lm_e1000_slot *slot;
	/* The ring's indices and owner tags: the hitless engine's. */
	struct lm_hl_kring hl;
	struct lm_hl_slot *hl_slot;
	struct lm_e1000_ring_stats stats;
};

/* Rare events, under stats_lock (ethtool -S; order = strings). */
struct lm_e1000_sw_stats {
	u64 tx_timeouts;	/* stack watchdog fired; device reinitialised */
	u64 link_changes;	/* carrier transitions we reported */
	/* livemap: the switch between the stack and netmap (issue 5) */
	u64 lm_switch_copies;	/* payloads copied skb -> netmap on enter */
	u64 lm_conversions;	/* slots converted between owners */
	u64 lm_reverse_copies;	/* payloads copied netmap -> skb on exit */
	u64 lm_idle_reclaims;	/* lent netmap buffers reclaimed while idle */
	u64 lm_handed_to_stack;	/* unconsumed netmap frames given to the stack */
	u64 lm_spares;		/* gauge: stack rx buffers held for exit (spare_reserve) */
};

/* Hardware counters accumulated from the clear-on-read registers (Table 13-2). */
struct lm_e1000_hw_stats {
	u64 crcerrs, algnerrc, symerrs, rxerrc, mpc, scc, ecol, mcc, latecol;
	u64 colc, dc, tncrs, sec, cexterr, rlec, xonrxc, xontxc, xoffrxc;
	u64 xofftxc, fcruc, gprc, bprc, mprc, gptc, gorc, gotc, rnbc, ruc;
	u64 rfc, roc, rjc, tor, tot, tpr, tpt, mptc, bptc;
};

struct lm_e1000 {
	struct net_device *netdev;
	struct pci_dev *pdev;
	u8 __iomem *hw;			/* BAR0 */
	struct napi_struct napi;
	/* The interrupt mask's state as we last wrote it: true from the
	 * IMC of the ISR (or down) to the IMS of a completed poll (or up).
	 * Stable while NAPI is disabled: see lm_e1000_napi_resume(). */
	bool irq_masked;
	/* Polls completed: written by the poll alone (NAPI serialises it),
	 * read by lm_e1000_napi_pause() to see the one in flight end. */
	u32 napi_polls;

	struct lm_e1000_ring rx;
	struct lm_e1000_ring tx;
	struct lm_e1000_tx_drops tx_drops;
	unsigned int rx_ring_size;	/* requested by ethtool -G */
	unsigned int tx_ring_size;
	unsigned int rx_buf_len;	/* bytes per rx buffer (RCTL.BSIZE) */
	bool rx_discard;		/* dropping the rest of a spanning frame */

	spinlock_t rctl_lock;		/* RCTL read-modify-write */
	u32 rctl;			/* shadow of RCTL */
	u32 mta[E1000_MTA_WORDS];	/* scratch for set_rx_mode (addr lock) */

	struct delayed_work watchdog;	/* link + statistics */
	struct work_struct reset_task;	/* tx timeout recovery */
	unsigned long state;		/* LM_E1000_* bits below */

	spinlock_t stats_lock;		/* hw_stats, sw_stats; irqsave */
	struct lm_e1000_hw_stats hw_stats;
	struct lm_e1000_sw_stats sw_stats;

	u16 link_speed;			/* Mb/s, valid with carrier */
	bool link_full_duplex;
	u32 msg_enable;

	/* netmap (e1000_netmap.c) */
	struct lm_adapter *na;		/* our port in the livemap core */
	struct lm_kring *nm_rx;		/* rx ring in netmap mode, or NULL */
	struct lm_kring *nm_tx;		/* tx ring in netmap mode, or NULL */
	/* Rings and descriptors vs. txsync/rxsync: held by up/down and by
	 * the syncs (which run in process context). Innermost lock. */
	struct mutex ring_lock;
	/* Between switch_begin and switch_end (lm_core_lock held): ring_lock
	 * held; NAPI off once a ring has switched (nm_batch_napi_off). */
	bool nm_batch, nm_batch_napi_off;
	struct work_struct nm_rereg_task;

	/* Hitless engine context (apply callbacks, e1000_netmap.c). */
	struct lm_e1000_slot *spare;	/* preallocated rx skbs (mapped) */
	unsigned int nspare;
	u8 rx_status, rx_errors;	/* descriptor being reported */
	bool rx_keep;			/* DELIVER kept the skb (copybreak/drop) */
	bool rx_in_napi;		/* deliver with GRO (else process ctx) */
	u16 tx_cmd;			/* POST_NM tx: EOP or not */
	u32 hl_rot;			/* enter: ring slot of engine ring slot 0 */
	struct lm_kring *hl_kring;	/* enter: the kring (ADOPT) */
	unsigned long *nm_posted;	/* rx netmap buffers the engine holds */
	u32 nm_posted_bits;
	int tx_budget;
	unsigned int tx_pkts, tx_bytes;	/* FREE_SKB in stack mode (BQL) */
	unsigned int rx_pkts, rx_bytes;
};

/* adapter->state bits */
enum {
	LM_E1000_DOWN,		/* rings torn down or being torn down */
	LM_E1000_REMOVING,	/* driver detaching: no new work */
	LM_E1000_FILTERS_LIVE,	/* device programmed: rx filters go to hw */
};

/*
 * MMIO layer: every register access of the driver goes through these.
 * writel() is ordered after earlier stores to coherent DMA memory
 * (Documentation/memory-barriers.txt, "I/O access"), so a tail write
 * publishes the descriptors written before it without an extra barrier.
 */
static inline u32 e1k_rd32(const struct lm_e1000 *a, u32 reg)
{
	return readl(a->hw + reg);
}

static inline void e1k_wr32(struct lm_e1000 *a, u32 reg, u32 val)
{
	writel(val, a->hw + reg);
}

/* Force posted writes out to the device (read of STATUS, side-effect free). */
static inline void e1k_flush(struct lm_e1000 *a)
{
	(void)e1k_rd32(a, E1000_STATUS);
}

/* Poll @reg until (value & mask) == want, sleeping; -ETIMEDOUT on timeout. */
static inline int e1k_poll(struct lm_e1000 *a, u32 reg, u32 mask, u32 want,
			   unsigned int sleep_us, unsigned int timeout_us,
			   u32 *last)
{
	u32 v;
	int err = readl_poll_timeout(a->hw + reg, v, (v & mask) == want,
				     sleep_us, timeout_us);

	if (last)
		*last = v;
	return err;
}

/* Atomic-context variant (spinning): for the few polls under a lock. */
static inline int e1k_poll_atomic(struct lm_e1000 *a, u32 reg, u32 mask,
				  u32 want, unsigned int delay_us,
				  unsigned int timeout_us, u32 *last)
{
	u32 v;
	int err = readl_poll_timeout_atomic(a->hw + reg, v, (v & mask) == want,
					    delay_us, timeout_us);

	if (last)
		*last = v;
	return err;
}

static inline unsigned int lm_ring_next(const struct lm_e1000_ring *r,
					unsigned int i)
{
	return ++i == r->count ? 0 : i;
}

/* Slots software may still post: posted = [clean, tail), one stays empty. */
static inline unsigned int lm_ring_unused(const struct lm_e1000_ring *r)
{
	u32 c = READ_ONCE(r->hl.clean), t = READ_ONCE(r->hl.tail);
	u32 used = t >= c ? t - c : r->count - c + t;

	return r->count - 1 - used;
}

static inline struct e1000_rx_desc *lm_rx_desc(struct lm_e1000_ring *r,
					       unsigned int i)
{
	return &((struct e1000_rx_desc *)r->desc)[i];
}

/* Give rx descriptor i the buffer at dma, status cleared: DD must read 0
 * until the device writes the descriptor back. */
static inline void lm_rx_desc_post(struct lm_e1000_ring *r, u32 i, dma_addr_t dma)
{
	struct e1000_rx_desc *d = lm_rx_desc(r, i);

	d->buffer_addr = cpu_to_le64(dma);
	d->length = 0;
	d->csum = 0;
	d->status = 0;
	d->errors = 0;
	d->special = 0;
}

static inline struct e1000_tx_desc *lm_tx_desc(struct lm_e1000_ring *r,
					       unsigned int i)
{
	return &((struct e1000_tx_desc *)r->desc)[i];
}

/* e1000_hw.c: device-level operations (no ring logic) */
int lm_e1000_hw_reset(struct lm_e1000 *a);
int lm_e1000_hw_read_mac(struct lm_e1000 *a, u8 *mac);
void lm_e1000_hw_configure_mac(struct lm_e1000 *a);
void lm_e1000_hw_set_rar(struct lm_e1000 *a, unsigned int idx, const u8 *mac);
void lm_e1000_hw_clear_rar(struct lm_e1000 *a, unsigned int idx);
void lm_e1000_hw_write_mta(struct lm_e1000 *a, const u32 *mta);
u32 lm_e1000_hw_mta_hash(const u8 *mac);
void lm_e1000_hw_update_rctl(struct lm_e1000 *a, u32 clear, u32 set);
void lm_e1000_hw_read_stats(struct lm_e1000 *a);
bool lm_e1000_hw_link(struct lm_e1000 *a, u16 *speed, bool *full_duplex);
u32 lm_e1000_rctl_bsize(unsigned int buf_len);

/* e1000_main.c */
void lm_e1000_sw_stat_inc(struct lm_e1000 *a, u64 *counter);
void lm_e1000_ring_stats_read(struct lm_e1000_ring_stats *dst,
			      const struct lm_e1000_ring_stats *src);
void lm_e1000_tx_drops_read(struct lm_e1000_tx_drops *dst,
			    const struct lm_e1000_tx_drops *src);
int lm_e1000_up(struct lm_e1000 *a);
void lm_e1000_down(struct lm_e1000 *a);
int lm_e1000_reinit(struct lm_e1000 *a, unsigned int rx_count,
		    unsigned int tx_count, unsigned int mtu);
bool lm_e1000_rx_post(struct lm_e1000 *a, bool in_napi, bool kept_only);
bool lm_e1000_rx_refill(struct lm_e1000 *a, bool in_napi);

/* e1000_netmap.c */
int lm_e1000_nm_check_params(void);
void lm_e1000_nm_init(struct lm_e1000 *a);
int lm_e1000_nm_attach(struct lm_e1000 *a);
void lm_e1000_nm_detach(struct lm_e1000 *a);
void lm_e1000_nm_resized(struct lm_e1000 *a);
int lm_e1000_hl_init(struct lm_e1000 *a);
void lm_e1000_spares_fill(struct lm_e1000 *a, u32 max, bool in_napi);
void lm_e1000_hl_detach(struct lm_e1000 *a);
int lm_e1000_nm_start(struct lm_e1000 *a);
bool lm_e1000_rx_alloc(struct lm_e1000 *a, struct lm_e1000_slot *s, bool in_napi);
void lm_e1000_rx_deliver(struct lm_e1000 *a, struct sk_buff *skb, unsigned int len);
bool lm_e1000_rx_frame_ok(struct lm_e1000 *a, unsigned int len);
void lm_e1000_rx_stats_flush(struct lm_e1000 *a);
void lm_e1000_napi_pause(struct lm_e1000 *a);
void lm_e1000_napi_resume(struct lm_e1000 *a);
void lm_e1000_hl_stats(struct lm_e1000 *a, struct lm_e1000_sw_stats *sw);
netdev_tx_t lm_e1000_nm_host_xmit(struct lm_e1000 *a, struct sk_buff *skb);
void lm_e1000_nm_notify(struct lm_e1000 *a, bool tx);
int lm_e1000_rx_reclaim(struct lm_e1000 *a, u32 *reclaimed);
extern const struct attribute_group *lm_e1000_dev_groups[];

/* e1000_ethtool.c */
void lm_e1000_set_ethtool_ops(struct net_device *netdev);

#endif /* LM_E1000_H */
