// SPDX-License-Identifier: BSD-2-Clause
/*
 * lm_hl.c - the hitless slot-ownership engine (see lm_hl.h for the ring
 * picture and DESIGN.md §4 for the algorithm).  Portable: the only
 * include is lm_hl_os.h.  No allocation, no recursion, no floating point;
 * every loop is bounded by the ring size.
 */
#include "lm_hl.h"

static inline uint32_t nx(const struct lm_hl_kring *kr, uint32_t i)
{
	return i + 1 == kr->n ? 0 : i + 1;
}

/* Slots from a up to (not including) b. */
static inline uint32_t dist(const struct lm_hl_kring *kr, uint32_t a, uint32_t b)
{
	return b >= a ? b - a : b + kr->n - a;
}

static void emit(struct lm_hl_kring *kr, uint16_t op, uint32_t slot,
		 uint32_t buf, uint32_t len)
{
	struct lm_hl_act a = { .op = op, .len = (uint16_t)len, .slot = slot, .buf = buf,
			       .kidx = slot < kr->n ? lm_hl_n2k(kr, slot) : 0 };

	kr->apply(kr->ctx, &a);
}

static void slot_empty(struct lm_hl_slot *s, int keep_buf)
{
	s->owner = LM_HL_NONE;
	s->flags = 0;
	s->len = 0;
	if (!keep_buf)
		s->buf = 0;
}

int lm_hl_init(struct lm_hl_kring *kr, struct lm_hl_slot *slots, uint32_t n,
	       int is_tx, lm_hl_apply_t *apply, void *ctx)
{
	uint32_t i;

	if (LM_HL_WARN(!kr || !slots || !apply || n < LM_HL_MIN_SLOTS))
		return -EINVAL;
	*kr = (struct lm_hl_kring){ .n = n, .is_tx = !!is_tx, .slot = slots,
				    .apply = apply, .ctx = ctx };
	for (i = 0; i < n; i++)
		slot_empty(&slots[i], 0);
	return 0;
}

void lm_hl_kick(struct lm_hl_kring *kr)
{
	if (kr->tail == kr->db_tail)
		return;
	kr->db_tail = kr->tail;
	emit(kr, LM_HL_DOORBELL, kr->tail, 0, 0);
}

/* ------------------------------------------------------------------ rx */

uint32_t lm_hl_rx_refill_slot(const struct lm_hl_kring *kr, int *has_skb)
{
	/* One slot always stays unposted: RDH == RDT reads as "empty". */
	if (kr->is_tx || kr->netmap || nx(kr, kr->tail) == kr->hwcur)
		return LM_HL_NONE_SLOT;
	*has_skb = kr->slot[kr->tail].owner == LM_HL_STACK;
	return kr->tail;
}

int lm_hl_rx_posted(struct lm_hl_kring *kr, uint32_t i)
{
	int has_skb;

	if (LM_HL_WARN(lm_hl_rx_refill_slot(kr, &has_skb) != i))
		return -EINVAL;
	kr->slot[i].owner = LM_HL_STACK;
	kr->tail = nx(kr, i);
	return 0;
}

/*
 * Stack mode: the driver kept the skb of the slot it was just told to
 * DELIVER (copybreak: it copied the frame and recycles the buffer, or it
 * dropped a bad frame); refill will post it again as it is.
 */
int lm_hl_rx_keep(struct lm_hl_kring *kr, uint32_t i)
{
	if (LM_HL_WARN(kr->is_tx || kr->netmap || i != lm_hl_prev(kr, kr->clean) ||
		       kr->slot[i].owner != LM_HL_NONE))
		return -EINVAL;
	kr->slot[i].owner = LM_HL_STACK;
	return 0;
}

uint32_t lm_hl_rx_clean_slot(const struct lm_hl_kring *kr)
{
	return kr->is_tx || kr->clean == kr->tail ? LM_HL_NONE_SLOT : kr->clean;
}

/*
 * Hardware wrote a frame of @len into slot clean (the driver saw DD).
 * Stack mode: an skb goes up as is; a lent netmap buffer is copied into a
 * spare and returned (exit step 3).  Netmap mode: a netmap buffer is the
 * application's at no cost; an skb still posted from before enter is
 * copied once into the ring's buffer for that slot (enter step 2) and is
 * converted when the application releases the slot.
 */
int lm_hl_rx_done(struct lm_hl_kring *kr, uint32_t len)
{
	uint32_t i = kr->clean;
	struct lm_hl_slot *s = &kr->slot[i];

	if (LM_HL_WARN(lm_hl_rx_clean_slot(kr) == LM_HL_NONE_SLOT || len > 0xffff ||
		       s->owner == LM_HL_NONE))
		return -EINVAL;
	/* A lent slot has its spare since exit (lm_hl_check: spares >= lent). */
	if (LM_HL_WARN(!kr->netmap && s->owner == LM_HL_NETMAP &&
		       (!(s->flags & LM_HL_LENT) || !kr->spares)))
		return -EINVAL;
	kr->clean = nx(kr, i);
	if (kr->netmap) {
		if (s->owner == LM_HL_STACK) {
			emit(kr, LM_HL_COPY_TO_NM, i, s->buf, len);
			kr->st.copies++;
		}
		s->len = (uint16_t)len;
		emit(kr, LM_HL_FRAME, i, s->buf, len);
		return 0;
	}
	kr->hwcur = kr->clean;
	if (s->owner == LM_HL_STACK) {
		emit(kr, LM_HL_DELIVER, i, 0, len);
	} else {
		kr->spares--;
		emit(kr, LM_HL_COPY_TO_SPARE, i, s->buf, len);
		emit(kr, LM_HL_RETURN, i, s->buf, 0);
		kr->st.reverse_copies++;
		kr->st.lent--;
	}
	slot_empty(s, 0);
	return 0;
}

/* Netmap mode: post every unposted slot but the last one before hwcur. */
static void rx_post_nm(struct lm_hl_kring *kr)
{
	while (nx(kr, kr->tail) != kr->hwcur) {
		uint32_t i = kr->tail;
		struct lm_hl_slot *s = &kr->slot[i];

		if (s->owner == LM_HL_STACK) {
			emit(kr, LM_HL_CONVERT, i, s->buf, 0);
			kr->st.conversions++;
		} else {
			emit(kr, LM_HL_POST_NM, i, s->buf, 0);
		}
		s->owner = LM_HL_NETMAP;
		s->len = 0;
		kr->tail = nx(kr, i);
	}
}

int lm_hl_rx_release(struct lm_hl_kring *kr, uint32_t buf)
{
	struct lm_hl_slot *s;

	if (LM_HL_WARN(kr->is_tx || !kr->netmap || kr->hwcur == kr->clean || buf == 0))
		return -EINVAL;
	/*
	 * A STACK slot keeps its skb until it is posted again: the copy was
	 * made, the conversion happens in rx_post_nm().  A netmap buffer the
	 * application swapped out (NS_BUF_CHANGED) is no longer the slot's:
	 * the driver forgets it now, the new one is posted below.
	 */
	s = &kr->slot[kr->hwcur];
	if (s->owner == LM_HL_NETMAP && s->buf != buf) {
		emit(kr, LM_HL_DROP_NM, kr->hwcur, s->buf, 0);
		s->owner = LM_HL_NONE;
	}
	s->buf = buf;
	kr->hwcur = nx(kr, kr->hwcur);
	rx_post_nm(kr);
	return 0;
}

int lm_hl_rx_reclaim(struct lm_hl_kring *kr)
{
	uint32_t i;

	if (LM_HL_WARN(kr->is_tx || kr->netmap || kr->spares < kr->st.lent))
		return -EINVAL;
	for (i = kr->clean; i != kr->tail; i = nx(kr, i)) {
		struct lm_hl_slot *s = &kr->slot[i];

		if (s->owner != LM_HL_NETMAP)
			continue;
		kr->spares--;
		emit(kr, LM_HL_RECLAIM, i, s->buf, 0);
		emit(kr, LM_HL_RETURN, i, s->buf, 0);
		s->owner = LM_HL_STACK;
		s->flags = 0;
		s->buf = 0;
		kr->st.lent--;
		kr->st.idle_reclaims++;
	}
	return 0;
}

/* ------------------------------------------------------------------ tx */

/*
 * The posting side (xmit / txsync: tx_slot, tx_posted, tx_send, kick)
 * writes @tail and the slots it posts; the completing side (tx_clean_slot,
 * tx_done) writes @clean and the slots it frees.  They may run at the same
 * time (ndo_start_xmit vs NAPI), so each publishes its index with a
 * release after its slot writes and reads the other's with an acquire.
 */
uint32_t lm_hl_tx_slot(const struct lm_hl_kring *kr)
{
	/* Pairs with the release of @clean in lm_hl_tx_done(). */
	if (!kr->is_tx || kr->netmap || nx(kr, kr->tail) == LM_HL_ACQUIRE(&kr->clean))
		return LM_HL_NONE_SLOT;
	return kr->tail;
}

int lm_hl_tx_posted(struct lm_hl_kring *kr, uint32_t i)
{
	if (LM_HL_WARN(lm_hl_tx_slot(kr) != i))
		return -EINVAL;
	kr->slot[i].owner = LM_HL_STACK;
	/* Pairs with the acquire in lm_hl_tx_clean_slot(). */
	LM_HL_RELEASE(&kr->tail, nx(kr, i));
	return 0;
}

int lm_hl_tx_send(struct lm_hl_kring *kr, uint32_t buf, uint32_t len)
{
	uint32_t i = kr->tail;
	struct lm_hl_slot *s = &kr->slot[i];

	if (LM_HL_WARN(!kr->is_tx || !kr->netmap || nx(kr, i) == LM_HL_ACQUIRE(&kr->clean) ||
		       s->owner != LM_HL_NONE || buf == 0 || len > 0xffff))
		return -EINVAL;
	s->buf = buf;
	s->owner = LM_HL_NETMAP;
	emit(kr, LM_HL_POST_NM, i, buf, len);
	LM_HL_RELEASE(&kr->tail, nx(kr, i));
	return 0;
}

uint32_t lm_hl_tx_clean_slot(const struct lm_hl_kring *kr)
{
	/* Pairs with the release of @tail in lm_hl_tx_posted()/_send(). */
	return !kr->is_tx || kr->clean == LM_HL_ACQUIRE(&kr->tail) ? LM_HL_NONE_SLOT : kr->clean;
}

/*
 * Slot clean went out (DD).  An skb is freed in either mode (enter step 3
 * in netmap mode); a lent buffer goes back (exit step 2); a ring buffer
 * simply becomes the application's again.
 */
int lm_hl_tx_done(struct lm_hl_kring *kr)
{
	uint32_t i = kr->clean;
	struct lm_hl_slot *s = &kr->slot[i];

	if (LM_HL_WARN(lm_hl_tx_clean_slot(kr) == LM_HL_NONE_SLOT || s->owner == LM_HL_NONE))
		return -EINVAL;
	if (s->owner == LM_HL_STACK) {
		emit(kr, LM_HL_FREE_SKB, i, 0, 0);
		if (kr->netmap)
			kr->st.tx_freed++;
	} else {
		emit(kr, LM_HL_DROP_NM, i, s->buf, 0);
		if (s->flags & LM_HL_LENT) {
			emit(kr, LM_HL_RETURN, i, s->buf, 0);
			kr->st.lent--;
		}
	}
	/* In netmap mode the ring's buffer stays associated with the slot. */
	slot_empty(s, kr->netmap);
	/* The slot is free only now: pairs with the acquire in lm_hl_tx_slot(). */
	LM_HL_RELEASE(&kr->clean, nx(kr, i));
	return 0;
}

/* -------------------------------------------------------------- switch */

/*
 * Exit must not fail (the core's kring_off cannot), yet it may need one
 * stack buffer per netmap buffer holding or awaiting a frame: at most n-1
 * (DONE + POSTED never exceed n-1).  So those spares are taken before
 * enter, where failing is allowed, and kept while in netmap mode.
 */
uint32_t lm_hl_enter_need(const struct lm_hl_kring *kr)
{
	if (kr->is_tx || kr->spares >= kr->n - 1)
		return 0;
	return kr->n - 1 - kr->spares;
}

void lm_hl_spares_add(struct lm_hl_kring *kr, uint32_t k)
{
	kr->spares += k;
}

/* Stack mode: free the spares neither a lent slot nor the reserve needs. */
void lm_hl_spares_trim(struct lm_hl_kring *kr)
{
	uint32_t keep = kr->st.lent > kr->reserve ? kr->st.lent : kr->reserve;

	if (kr->netmap)
		return;
	for (; kr->spares > keep; kr->spares--)
		emit(kr, LM_HL_FREE_SPARE, LM_HL_NONE_SLOT, 0, 0);
}

void lm_hl_spares_reserve(struct lm_hl_kring *kr, uint32_t k)
{
	kr->reserve = kr->is_tx ? 0 : k < kr->n - 1 ? k : kr->n - 1;
	lm_hl_spares_trim(kr);
}

uint32_t lm_hl_spares_short(const struct lm_hl_kring *kr)
{
	if (kr->netmap || kr->spares >= kr->reserve)
		return 0;
	return kr->reserve - kr->spares;
}

/*
 * Enter (§4 enter steps 1-3; the driver disables NAPI around it and kicks
 * it after).  The netmap ring starts at the first slot not yet cleaned
 * (rx) / not yet posted (tx): ring slot k is NIC slot k + off, so the
 * core's fresh ring (hwcur 0) lines up with what the NIC holds.  Lent
 * slots are adopted by the new ring: already zero-copy.
 */
int lm_hl_enter(struct lm_hl_kring *kr, const uint32_t *ring_bufs)
{
	uint32_t i;

	if (LM_HL_WARN(kr->netmap || !ring_bufs))
		return -EINVAL;
	if (lm_hl_enter_need(kr))
		return -ENOSPC;
	for (i = 0; i < kr->n; i++)
		if (LM_HL_WARN(ring_bufs[i] == 0))
			return -EINVAL;
	kr->off = kr->is_tx ? kr->tail : kr->clean;
	for (i = 0; i < kr->n; i++) {
		struct lm_hl_slot *s = &kr->slot[i];
		uint32_t k = lm_hl_n2k(kr, i);

		if (s->flags & LM_HL_LENT) {
			struct lm_hl_act a = { .op = LM_HL_ADOPT, .slot = i, .kidx = k,
					       .buf = s->buf, .old = ring_bufs[k] };

			kr->apply(kr->ctx, &a);
			s->flags = 0;
			kr->st.lent--;
			kr->st.adopted++;
		} else {
			s->buf = ring_bufs[k];
		}
	}
	kr->netmap = 1;
	kr->st.enters++;
	if (!kr->is_tx)
		rx_post_nm(kr);
	return 0;
}

/*
 * Exit (§4 exit steps 1-3).  Unconsumed frames go to the stack, in order,
 * before anything that lands later; posted netmap buffers stay in the NIC
 * with a reference of their own (lent) until a frame or a reclaim brings
 * them back; everything else belongs to the ring, which the caller frees
 * right after.
 */
int lm_hl_exit(struct lm_hl_kring *kr)
{
	uint32_t i;

	if (LM_HL_WARN(!kr->netmap))
		return -EINVAL;
	if (!kr->is_tx) {
		for (i = kr->hwcur; i != kr->clean; i = nx(kr, i)) {
			struct lm_hl_slot *s = &kr->slot[i];

			if (s->owner == LM_HL_STACK) {
				emit(kr, LM_HL_DELIVER, i, 0, s->len);
			} else {
				kr->spares--;	/* >= n-1 since enter */
				emit(kr, LM_HL_COPY_TO_SPARE, i, s->buf, s->len);
			}
			kr->st.handed_back++;
			slot_empty(s, 0);
		}
		kr->hwcur = kr->clean;
	}
	for (i = 0; i < kr->n; i++) {
		struct lm_hl_slot *s = &kr->slot[i];
		int posted = dist(kr, kr->clean, i) < dist(kr, kr->clean, kr->tail);

		if (s->owner == LM_HL_NETMAP && posted) {
			emit(kr, LM_HL_LEND, i, s->buf, 0);
			s->flags = LM_HL_LENT;
			kr->st.lent++;
		} else if (s->owner == LM_HL_NETMAP) {
			emit(kr, LM_HL_DROP_NM, i, s->buf, 0);
			slot_empty(s, 0);
		} else if (s->owner == LM_HL_NONE) {
			s->buf = 0;
		} else {
			s->buf = 0;	/* STACK: the ring's idle buffer goes with the ring */
		}
	}
	kr->netmap = 0;
	kr->st.exits++;
	lm_hl_spares_trim(kr);
	return 0;
}

int lm_hl_detach(struct lm_hl_kring *kr)
{
	uint32_t i;

	for (i = 0; i < kr->n; i++) {
		struct lm_hl_slot *s = &kr->slot[i];

		if (s->owner == LM_HL_STACK) {
			emit(kr, LM_HL_FREE_SKB, i, 0, 0);
		} else if (s->owner == LM_HL_NETMAP) {
			emit(kr, LM_HL_DROP_NM, i, s->buf, 0);
			if (s->flags & LM_HL_LENT) {
				emit(kr, LM_HL_RETURN, i, s->buf, 0);
				kr->st.lent--;
			}
		}
		slot_empty(s, 0);
	}
	for (; kr->spares; kr->spares--)
		emit(kr, LM_HL_FREE_SPARE, LM_HL_NONE_SLOT, 0, 0);
	kr->hwcur = kr->clean = kr->tail = kr->db_tail = kr->off = 0;
	kr->netmap = 0;
	return 0;
}

/* ---------------------------------------------------------------- debug */

int lm_hl_check(const struct lm_hl_kring *kr)
{
	uint32_t i, lent = 0, n = kr->n;
	uint32_t done = kr->is_tx ? 0 : dist(kr, kr->hwcur, kr->clean);
	uint32_t posted = dist(kr, kr->clean, kr->tail);

	if (n < LM_HL_MIN_SLOTS || kr->hwcur >= n || kr->clean >= n || kr->tail >= n)
		return __LINE__;
	if (!kr->is_tx && !kr->netmap && kr->hwcur != kr->clean)
		return __LINE__;
	if (kr->is_tx && kr->hwcur != 0)
		return __LINE__;
	if (done + posted > n - 1)
		return __LINE__;
	for (i = 0; i < n; i++) {
		const struct lm_hl_slot *s = &kr->slot[i];
		int in_done = dist(kr, kr->hwcur, i) < done;
		int in_posted = dist(kr, kr->clean, i) < posted;

		if (s->owner > LM_HL_NETMAP || (s->flags & ~LM_HL_LENT))
			return __LINE__;
		if (s->flags & LM_HL_LENT) {
			lent++;
			if (kr->netmap || s->owner != LM_HL_NETMAP || !in_posted)
				return __LINE__;
		}
		if ((in_done || in_posted) && s->owner == LM_HL_NONE)
			return __LINE__;
		if (kr->netmap && s->buf == 0)
			return __LINE__;
		if (!kr->netmap && s->owner == LM_HL_NETMAP && !(s->flags & LM_HL_LENT))
			return __LINE__;
		if (!kr->netmap && s->owner != LM_HL_NETMAP && s->buf != 0)
			return __LINE__;
		if (kr->is_tx && !in_posted && s->owner != LM_HL_NONE)
			return __LINE__;
	}
	if (lent != kr->st.lent)
		return __LINE__;
	if (!kr->netmap && !kr->is_tx && kr->spares < lent)
		return __LINE__;
	if (kr->netmap && !kr->is_tx && kr->spares < n - 1)
		return __LINE__;
	if (kr->is_tx && (kr->spares || kr->reserve))
		return __LINE__;
	if (kr->spares > n - 1 || kr->reserve > n - 1)
		return __LINE__;
	return 0;
}
