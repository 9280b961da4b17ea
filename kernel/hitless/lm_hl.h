/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lm_hl.h - the hitless slot-ownership engine: who owns the buffer behind
 * each NIC descriptor slot (the stack's skb or a netmap buffer), and what
 * has to be copied, converted, freed, reposted or handed back when a ring
 * changes hands without a reset.  The algorithm is DESIGN.md §4.
 *
 * The engine owns the ring state (indices and per-slot owner tags); a
 * driver is a thin adapter in the manner of iflib: it reports events
 * (a completion it read, a stack buffer it posted, the application's
 * released slots, enter, exit, ...) and applies the actions the engine
 * emits through one callback.  Actions never fail: the only allocations
 * (stack rx buffers) are made by the driver before it asks, so exit
 * cannot fail half way.  The engine never reads a register or a
 * descriptor; @tail is its shadow of RDT/TDT and @db_tail the value last
 * written to the device (STYLE habit 7).
 *
 * One kring = one hardware ring, rx or tx, of n slots.  Indices run
 * forward modulo n.
 *
 * RX:       hwcur           clean              tail
 *   ....------|---------------|------------------|-----------....
 *   unposted  | DONE: frames  | POSTED: hardware | unposted (>= 1 slot:
 *             | held by the   | owns them; those | RDH == RDT means an
 *             | application   | before RDH carry | empty ring, so one
 *             | (netmap mode  | DD, the engine   | slot always stays
 *             | only; empty   | learns it from   | with the driver)
 *             | in stack mode)| lm_hl_rx_done()  |
 *
 *   In netmap mode the netmap kring's hwcur is @hwcur and its hwtail is
 *   @clean: the application owns [hwcur, clean), and @buf of every slot
 *   is the netmap buffer the kernel associates with that ring slot.  Ring
 *   slot k is NIC slot k + @off (the first slot not cleaned at enter), so
 *   a fresh netmap ring starts at hwcur = hwtail = 0.
 *
 * TX:                      clean              tail
 *   ....--------------------|------------------|-----------....
 *          free             | IN FLIGHT        | free (netmap: the
 *                           |                  | application's, up to
 *                           |                  | prev(clean))
 *
 *   In netmap mode the netmap kring's hwcur is @tail and hwtail is
 *   prev(@clean) (@off = @tail at enter: ring hwcur 0; slots still in
 *   flight with skbs are the kernel's until they complete).
 *
 * Owner tags: STACK = the driver's skb (with its DMA mapping) is in the
 * slot; NETMAP = netmap buffer @buf is in the slot; NONE = nothing.  A
 * NETMAP slot outside netmap mode is LENT: the NIC still holds a
 * reference on a buffer whose ring is gone (§4 exit step 4a).
 *
 * A driver, step by step (rx = rx kring, tx = tx kring):
 *
 *   NAPI poll, stack mode (in netmap mode it only wakes netmap waiters):
 *	while ((i = lm_hl_rx_clean_slot(rx)) != NONE && DD(i))
 *		lm_hl_rx_done(rx, len(i));	-> DELIVER, or COPY_TO_SPARE + RETURN
 *		(copybreak: copy, keep the skb, then lm_hl_rx_keep(rx, i))
 *	while ((i = lm_hl_rx_refill_slot(rx, &has_skb)) != NONE) {
 *		has_skb or allocate one (stop on failure); write descriptor i;
 *		lm_hl_rx_posted(rx, i);
 *	}
 *	lm_hl_kick(rx);				-> DOORBELL: write RDT
 *	k = lm_hl_spares_short(rx): allocate up to k spares (a bounded
 *		few a poll), lm_hl_spares_add() what was allocated
 *	while ((i = lm_hl_tx_clean_slot(tx)) != NONE && DD(i))
 *		lm_hl_tx_done(tx);		-> FREE_SKB, or DROP_NM (+ RETURN)
 *   ndo_start_xmit: in netmap mode the skb goes to the host ring instead;
 *	else i = lm_hl_tx_slot(tx) (NONE: ring full), write descriptor i with
 *	RS (the engine needs a DD for every descriptor), lm_hl_tx_posted(tx,
 *	i), lm_hl_kick(tx).
 *   kring_on: k = lm_hl_enter_need(rx) skbs allocated (else fail; none
 *	with a full reserve, lm_hl_spares_reserve()) and given with
 *	lm_hl_spares_add(); NAPI (and tx) quiesced;
 *	lm_hl_enter(kr, buf_idx of ring slots 0..n-1); lm_hl_kick(kr);
 *	nr_hwcur/nr_hwtail = lm_hl_nm_hwcur/hwtail(kr); resume, kick NAPI.
 *   kring_off: quiesced as above; lm_hl_exit(kr) (cannot fail);
 *	lm_hl_kick(kr); resume and kick NAPI (if the application held every
 *	slot, nothing is posted and no interrupt would ever come).  Before
 *	exit the core releases [nr_hwcur, head) with the rxsync step below
 *	(head validated once more at close), so frames the application
 *	consumed are not handed to the stack again.
 *   rxsync: for each ring slot in [nr_hwcur, rhead):
 *	lm_hl_rx_release(rx, validated buf_idx); then harvest as NAPI does
 *	(FRAME actions set slot len), lm_hl_kick(rx), publish
 *	lm_hl_nm_hwcur/hwtail.
 *   txsync: for each ring slot in [nr_hwcur, rhead): lm_hl_tx_send(tx,
 *	buf_idx, len); lm_hl_kick(tx); reclaim DD with lm_hl_tx_done();
 *	publish lm_hl_nm_hwcur/hwtail.
 *   Idle reclaim (§4 exit 4b): RCTL.EN off, wait until the rx engine is
 *	idle, clean DD as NAPI does, lm_hl_rx_reclaim(rx), RCTL.EN on.
 *   Detach: DMA stopped; lm_hl_detach() on both krings.
 *
 * Actions map to: LEND -> lm_buf_lend(); RETURN -> lm_buf_return();
 * ADOPT -> ring slot kidx takes buf (no longer lent), @old goes back to
 * the pool; FREE_SPARE/RECLAIM/COPY_TO_SPARE draw on the driver's spare
 * list (a consumed spare it does not deliver, e.g. a bad frame, it frees).
 *
 * Concurrency: the engine has no lock.  All rx calls on a kring come from
 * one context at a time (NAPI, or the sync lock in netmap mode).  On tx,
 * the posting side (tx_slot, tx_posted, tx_send, kick) and the completing
 * side (tx_clean_slot, tx_done) may run concurrently (acquire/release on
 * @tail/@clean).  enter, exit, reclaim, detach need both sides quiesced.
 * The apply callback must not call back into the engine.
 */
#ifndef LM_HL_H
#define LM_HL_H

#include "lm_hl_os.h"

#define LM_HL_NONE_SLOT	0xffffffffu	/* "no slot" from the *_slot() queries */
#define LM_HL_MIN_SLOTS	2		/* one posted + the one always unposted */

enum lm_hl_owner {
	LM_HL_NONE = 0,
	LM_HL_STACK,
	LM_HL_NETMAP,
};

/* lm_hl_slot.flags */
#define LM_HL_LENT	0x01	/* NETMAP outside netmap mode: holds a reference */

/*
 * The actions.  Each names the slot it applies to; @buf is a netmap
 * buffer index, @len a frame length.  "Spare" is one of the stack rx
 * buffers the driver preallocated (lm_hl_spares_add()).
 */
enum lm_hl_op {
	LM_HL_DELIVER = 1,	/* rx: unmap the slot's skb, give it (len) to the stack; slot empty */
	LM_HL_COPY_TO_SPARE,	/* rx: copy netmap buf (len) into a spare, give it to the stack; slot empty */
	LM_HL_COPY_TO_NM,	/* rx: copy the slot's skb payload (len) into netmap buf; the skb stays */
	LM_HL_FRAME,		/* rx netmap: ring slot holds a frame of len in buf (set slot len) */
	LM_HL_POST_NM,		/* write the descriptor with netmap buf (tx: len bytes to send) */
	LM_HL_CONVERT,		/* unmap + free the slot's skb, then as POST_NM */
	LM_HL_FREE_SKB,		/* unmap + free the slot's skb; slot empty */
	LM_HL_DROP_NM,		/* forget netmap buf in the slot (the ring keeps it); slot empty */
	LM_HL_LEND,		/* take a reference on buf: the NIC keeps it beyond the ring */
	LM_HL_RETURN,		/* drop the NIC's reference on buf (lent buffer back) */
	LM_HL_ADOPT,		/* ring slot takes lent buf instead of @old; free @old; the ref moves to the ring */
	LM_HL_RECLAIM,		/* rx quiesced: write a spare into the slot in place of buf */
	LM_HL_FREE_SPARE,	/* free one spare */
	LM_HL_DOORBELL,		/* write @slot to the tail register (RDT/TDT) */
};

struct lm_hl_act {
	uint16_t op;		/* enum lm_hl_op */
	uint16_t len;
	uint32_t slot;		/* NIC descriptor index */
	uint32_t kidx;		/* the same slot in the netmap ring (FRAME, ADOPT) */
	uint32_t buf;
	uint32_t old;		/* ADOPT only */
};

typedef void lm_hl_apply_t(void *ctx, const struct lm_hl_act *a);

struct lm_hl_slot {
	uint32_t buf;		/* netmap buffer (see the ring picture) or 0 */
	uint16_t len;		/* DONE rx slots: frame length */
	uint8_t owner;		/* enum lm_hl_owner: what the descriptor holds */
	uint8_t flags;		/* LM_HL_LENT */
};

/* Counters (ethtool -S).  Monotonic except @lent. */
struct lm_hl_stats {
	uint64_t copies;	/* skb -> netmap copies after enter (<= n per enter) */
	uint64_t conversions;	/* slots turned from STACK to NETMAP */
	uint64_t reverse_copies;/* netmap -> skb copies of frames landing in lent slots */
	uint64_t handed_back;	/* unconsumed frames handed to the stack on exit */
	uint64_t tx_freed;	/* in-flight tx skbs freed in netmap mode */
	uint64_t idle_reclaims;	/* lent slots taken back by a quiesced rx engine */
	uint64_t adopted;	/* lent slots reused by a re-entry */
	uint64_t enters, exits;
	uint32_t lent;		/* slots holding a lent buffer now */
};

struct lm_hl_kring {
	uint32_t n;
	uint8_t is_tx;
	uint8_t netmap;		/* the kring is in netmap mode */
	uint32_t hwcur;		/* rx: first slot the application holds */
	uint32_t clean;		/* next slot whose completion (DD) is reported */
	uint32_t tail;		/* next slot to post (shadow of RDT/TDT) */
	uint32_t db_tail;	/* tail value last written to the device */
	uint32_t off;		/* netmap ring slot k is NIC slot k + off (set at enter) */
	uint32_t spares;	/* rx: preallocated stack buffers the driver holds */
	uint32_t reserve;	/* rx: spares kept in stack mode with nothing lent */
	struct lm_hl_stats st;
	struct lm_hl_slot *slot;	/* n entries, caller's memory */
	lm_hl_apply_t *apply;
	void *ctx;
};

/* Setup / teardown.  @slots: n entries owned by the caller. */
int lm_hl_init(struct lm_hl_kring *kr, struct lm_hl_slot *slots, uint32_t n,
	       int is_tx, lm_hl_apply_t *apply, void *ctx);
int lm_hl_detach(struct lm_hl_kring *kr);	/* DMA stopped: free and return everything */

/* Stack-mode rx refill: slot to post next (or NONE); *has_skb = reuse the one there. */
uint32_t lm_hl_rx_refill_slot(const struct lm_hl_kring *kr, int *has_skb);
int lm_hl_rx_posted(struct lm_hl_kring *kr, uint32_t i);
/* Both modes: slot whose DD to test next (or NONE), then report it. */
int lm_hl_rx_keep(struct lm_hl_kring *kr, uint32_t i);	/* after DELIVER: skb recycled */
uint32_t lm_hl_rx_clean_slot(const struct lm_hl_kring *kr);
int lm_hl_rx_done(struct lm_hl_kring *kr, uint32_t len);
/* Netmap mode rxsync: the application released slot hwcur, now holding buf. */
int lm_hl_rx_release(struct lm_hl_kring *kr, uint32_t buf);
/* Stack mode, rx DMA quiesced and every DD slot reported: take lent slots back. */
int lm_hl_rx_reclaim(struct lm_hl_kring *kr);

/* Stack-mode xmit: slot to use (or NONE), then report it posted. */
uint32_t lm_hl_tx_slot(const struct lm_hl_kring *kr);
int lm_hl_tx_posted(struct lm_hl_kring *kr, uint32_t i);
/* Netmap mode txsync: send netmap buffer buf (len) in slot tail. */
int lm_hl_tx_send(struct lm_hl_kring *kr, uint32_t buf, uint32_t len);
uint32_t lm_hl_tx_clean_slot(const struct lm_hl_kring *kr);
int lm_hl_tx_done(struct lm_hl_kring *kr);

/* Write the tail register if it moved (emits DOORBELL). */
void lm_hl_kick(struct lm_hl_kring *kr);

/*
 * The switch.  Exit cannot fail, so what it may need is taken before
 * enter: add lm_hl_enter_need() preallocated stack rx buffers ("spares")
 * with lm_hl_spares_add(), then lm_hl_enter() (-ENOSPC if they were not,
 * and nothing changed; lm_hl_spares_trim() gives back what is not needed).
 * enter: @ring_bufs[k] is the buffer the new netmap ring gave its slot k.
 */
uint32_t lm_hl_enter_need(const struct lm_hl_kring *kr);
void lm_hl_spares_add(struct lm_hl_kring *kr, uint32_t k);
void lm_hl_spares_trim(struct lm_hl_kring *kr);
/*
 * A standing reserve: stack mode keeps @k spares (at most n-1) even when
 * nothing is lent, so that an enter finds them in place and the register
 * call allocates nothing.  The driver tops it up with
 * lm_hl_spares_short() more, where it may allocate (ndo_open, NAPI); exit
 * and reclaim trim down to it.  0 (the default): spares exist only from
 * enter until the last lent slot is converted.
 */
void lm_hl_spares_reserve(struct lm_hl_kring *kr, uint32_t k);
uint32_t lm_hl_spares_short(const struct lm_hl_kring *kr);
int lm_hl_enter(struct lm_hl_kring *kr, const uint32_t *ring_bufs);
int lm_hl_exit(struct lm_hl_kring *kr);

static inline uint32_t lm_hl_prev(const struct lm_hl_kring *kr, uint32_t i)
{
	return i == 0 ? kr->n - 1 : i - 1;
}

/* NIC slot -> netmap ring slot, and back. */
static inline uint32_t lm_hl_n2k(const struct lm_hl_kring *kr, uint32_t i)
{
	return i >= kr->off ? i - kr->off : i + kr->n - kr->off;
}

static inline uint32_t lm_hl_k2n(const struct lm_hl_kring *kr, uint32_t k)
{
	return k + kr->off >= kr->n ? k + kr->off - kr->n : k + kr->off;
}

/* The netmap kring's nr_hwcur / nr_hwtail (netmap ring indices). */
static inline uint32_t lm_hl_nm_hwcur(const struct lm_hl_kring *kr)
{
	return lm_hl_n2k(kr, kr->is_tx ? kr->tail : kr->hwcur);
}

static inline uint32_t lm_hl_nm_hwtail(const struct lm_hl_kring *kr)
{
	return lm_hl_n2k(kr, kr->is_tx ? lm_hl_prev(kr, kr->clean) : kr->clean);
}

/* Debug: 0 if the kring's state is self-consistent, else a line number. */
int lm_hl_check(const struct lm_hl_kring *kr);

#endif /* LM_HL_H */
