// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_hitless.c - the hitless engine's decisions on hand-made 4-slot rings,
 * written as the action sequences a driver would see.  Each expected
 * string is DESIGN.md §4 step by step; the random interleavings are the
 * model's job (test/model).
 */
#include <stdio.h>
#include <string.h>

#include "lm_hl.h"
#include "tap.h"

static const char *const opname[] = {
	[LM_HL_DELIVER] = "DELIVER", [LM_HL_COPY_TO_SPARE] = "COPY_TO_SPARE",
	[LM_HL_COPY_TO_NM] = "COPY_TO_NM", [LM_HL_FRAME] = "FRAME",
	[LM_HL_POST_NM] = "POST_NM", [LM_HL_CONVERT] = "CONVERT",
	[LM_HL_FREE_SKB] = "FREE_SKB", [LM_HL_DROP_NM] = "DROP_NM",
	[LM_HL_LEND] = "LEND", [LM_HL_RETURN] = "RETURN", [LM_HL_ADOPT] = "ADOPT",
	[LM_HL_RECLAIM] = "RECLAIM", [LM_HL_FREE_SPARE] = "FREE_SPARE",
	[LM_HL_DOORBELL] = "DOORBELL",
};

static char log_[1024];

/* One line per action: "OP slot[/ring slot] [bBUF] [lLEN] [oOLD]". */
static void record(void *ctx, const struct lm_hl_act *a)
{
	size_t n = strlen(log_);

	(void)ctx;
	if (a->op == LM_HL_FREE_SPARE)
		snprintf(log_ + n, sizeof(log_) - n, "FREE_SPARE;");
	else if (a->op == LM_HL_DOORBELL)
		snprintf(log_ + n, sizeof(log_) - n, "DOORBELL %u;", a->slot);
	else
		snprintf(log_ + n, sizeof(log_) - n, "%s %u/%u%s%.0u%s%.0u%s%.0u;", opname[a->op],
			 a->slot, a->kidx, a->buf ? " b" : "", a->buf, a->len ? " l" : "", a->len,
			 a->old ? " o" : "", a->old);
}

static const char *take(void)
{
	static char out[sizeof(log_)];

	memcpy(out, log_, sizeof(out));
	log_[0] = 0;
	return out;
}

/* Stack-mode refill of every slot it offers, as a driver's NAPI does. */
static void refill(struct lm_hl_kring *kr)
{
	uint32_t i;
	int has;

	while ((i = lm_hl_rx_refill_slot(kr, &has)) != LM_HL_NONE_SLOT)
		lm_hl_rx_posted(kr, i);
	lm_hl_kick(kr);
}

static void test_rx_enter_exit(void)
{
	struct lm_hl_slot sl[4];
	struct lm_hl_kring kr;
	const uint32_t ring[4] = { 20, 21, 22, 23 };
	const uint32_t ring2[4] = { 30, 31, 32, 33 };

	lm_hl_init(&kr, sl, 4, 0, record, NULL);
	refill(&kr);
	is_str(take(), "DOORBELL 3;", "stack mode posts n-1 slots, one stays unposted");

	/* Slot 0 completes (DD) and is cleaned by NAPI: the stack gets it. */
	lm_hl_rx_done(&kr, 60);
	refill(&kr);
	is_str(take(), "DELIVER 0/0 l60;DOORBELL 0;", "stack mode: skb up, slot reposted");

	/* Slot 1 completes but NAPI has not seen it: enter now. */
	is_int(lm_hl_enter_need(&kr), 3, "enter needs n-1 spares for a later exit");
	is_int(lm_hl_enter(&kr, ring), -ENOSPC, "enter without spares refused");
	is_str(take(), "", "... and did nothing");
	lm_hl_spares_add(&kr, 3);
	is_int(lm_hl_enter(&kr, ring), 0, "enter");
	is_str(take(), "", "enter: every slot already posted with an skb, nothing to write");
	is_int(kr.off, 1, "netmap ring slot 0 is NIC slot 1 (first not cleaned)");
	is_int(lm_hl_nm_hwcur(&kr), 0, "ring hwcur 0");
	is_int(lm_hl_nm_hwtail(&kr), 0, "ring hwtail 0");

	/* rxsync: the completed-not-cleaned frame is the app's first, copied. */
	lm_hl_rx_done(&kr, 61);
	is_str(take(), "COPY_TO_NM 1/0 b20 l61;FRAME 1/0 b20 l61;", "enter step 2: copy on completion");
	is_int(lm_hl_nm_hwtail(&kr), 1, "ring hwtail 1");

	/* The app releases it: the unposted slot 0 gets its netmap buffer. */
	lm_hl_rx_release(&kr, 20);
	lm_hl_kick(&kr);
	is_str(take(), "POST_NM 0/3 b23;DOORBELL 1;",
	       "the empty reserve slot gets its netmap buffer, slot 1 becomes the reserve");

	/* Slot 2 completes, the app keeps it; slot 3 completes too. */
	lm_hl_rx_done(&kr, 62);
	lm_hl_rx_done(&kr, 63);
	is_str(take(), "COPY_TO_NM 2/1 b21 l62;FRAME 2/1 b21 l62;COPY_TO_NM 3/2 b22 l63;"
	       "FRAME 3/2 b22 l63;", "copies while the ring is still converting");
	is_int(kr.st.copies, 3, "3 copies");

	/* The app swaps slot 2's buffer (NS_BUF_CHANGED) and releases it. */
	lm_hl_rx_release(&kr, 99);
	lm_hl_kick(&kr);
	is_str(take(), "CONVERT 1/0 b20;DOORBELL 2;", "converted slot 1 with the app's buffer 20");

	/* Close mid-switch: slot 3 (copied, unreleased) and posted netmap slot 0. */
	lm_hl_rx_done(&kr, 64);
	is_str(take(), "FRAME 0/3 b23 l64;", "netmap buffer: zero-copy");
	is_int(lm_hl_exit(&kr), 0, "exit");
	is_str(take(), "DELIVER 3/2 l63;COPY_TO_SPARE 0/3 b23 l64;LEND 1/0 b20;FREE_SPARE;",
	       "exit: unconsumed frames to the stack in order, posted netmap buffer lent");
	is_int(kr.st.handed_back, 2, "2 frames handed back");
	is_int(kr.st.lent, 1, "1 slot lent");
	is_int(kr.spares, 1, "one spare kept for the lent slot");

	/* Stack mode: the reserve slot 2 still has its skb, reused by refill. */
	refill(&kr);
	is_str(take(), "DOORBELL 0;", "refill reuses the skb of slot 2 and posts 3");

	/* Re-enter: the lent slot is adopted by the new ring. */
	lm_hl_spares_add(&kr, lm_hl_enter_need(&kr));
	is_int(lm_hl_enter(&kr, ring2), 0, "re-enter");
	is_str(take(), "ADOPT 1/0 b20 o30;", "lent slot 1 adopted (ring slot 0), fresh buffer freed");
	lm_hl_rx_done(&kr, 65);
	is_str(take(), "FRAME 1/0 b20 l65;", "adopted slot: zero-copy at once");
	is_int(lm_hl_exit(&kr), 0, "exit again");
	is_str(take(), "COPY_TO_SPARE 1/0 b20 l65;FREE_SPARE;FREE_SPARE;",
	       "the frame handed back, nothing lent, spares trimmed");
	lm_hl_detach(&kr);
	is_str(take(), "FREE_SKB 2/1;FREE_SKB 3/2;", "detach frees the posted skbs");
	is_int(lm_hl_check(&kr), 0, "state consistent");
}

static void test_rx_lent_and_reclaim(void)
{
	struct lm_hl_slot sl[4];
	struct lm_hl_kring kr;
	const uint32_t ring[4] = { 20, 21, 22, 23 };

	lm_hl_init(&kr, sl, 4, 0, record, NULL);
	lm_hl_spares_add(&kr, 3);
	lm_hl_enter(&kr, ring);
	lm_hl_kick(&kr);
	is_str(take(), "POST_NM 0/0 b20;POST_NM 1/1 b21;POST_NM 2/2 b22;DOORBELL 3;",
	       "enter on an empty ring: unposted slots get netmap buffers at once");
	lm_hl_exit(&kr);
	is_str(take(), "LEND 0/0 b20;LEND 1/1 b21;LEND 2/2 b22;",
	       "exit: posted buffers lent; the never-posted reserve had nothing to drop");
	is_int(kr.spares, 3, "a spare per lent slot");

	lm_hl_rx_done(&kr, 70);
	is_str(take(), "COPY_TO_SPARE 0/0 b20 l70;RETURN 0/0 b20;",
	       "exit step 3: frame into a lent buffer copied to a spare, buffer returned");
	is_int(kr.st.reverse_copies, 1, "1 reverse copy");

	lm_hl_rx_reclaim(&kr);
	is_str(take(), "RECLAIM 1/1 b21;RETURN 1/1 b21;RECLAIM 2/2 b22;RETURN 2/2 b22;",
	       "exit step 4b: idle lent slots rewritten with spares");
	is_int(kr.st.lent, 0, "nothing lent");
	is_int(kr.spares, 0, "spares used up");
	is_int(kr.st.idle_reclaims, 2, "2 idle reclaims");
	lm_hl_detach(&kr);
	is_str(take(), "FREE_SKB 1/1;FREE_SKB 2/2;", "detach");
}

/* A standing reserve: the register call finds its spares in place. */
static void test_rx_spare_reserve(void)
{
	struct lm_hl_slot sl[4];
	struct lm_hl_kring kr;
	const uint32_t ring[4] = { 20, 21, 22, 23 };

	lm_hl_init(&kr, sl, 4, 0, record, NULL);
	lm_hl_spares_reserve(&kr, 9);
	is_int(kr.reserve, 3, "the reserve is at most n-1");
	is_int(lm_hl_spares_short(&kr), 3, "ndo_open: 3 spares short of it");
	lm_hl_spares_add(&kr, lm_hl_spares_short(&kr));
	is_int(lm_hl_spares_short(&kr), 0, "reserve full");
	refill(&kr);
	take();
	is_int(lm_hl_enter_need(&kr), 0, "enter needs no allocation");
	is_int(lm_hl_enter(&kr, ring), 0, "enter");
	is_int(lm_hl_spares_short(&kr), 0, "netmap mode: no top-up");
	lm_hl_rx_done(&kr, 60);
	lm_hl_rx_release(&kr, 20);
	lm_hl_kick(&kr);
	take();
	is_int(lm_hl_exit(&kr), 0, "exit");
	is_str(take(), "LEND 3/3 b23;", "exit: the posted netmap buffer lent, no spare freed");
	is_int(kr.spares, 3, "the reserve stays whole");
	lm_hl_rx_done(&kr, 61);
	lm_hl_rx_done(&kr, 62);
	is_str(take(), "DELIVER 1/1 l61;DELIVER 2/2 l62;",
	       "skbs still posted from before enter go up as they are");
	lm_hl_rx_done(&kr, 63);
	is_str(take(), "COPY_TO_SPARE 3/3 b23 l63;RETURN 3/3 b23;",
	       "the lent slot converts on its spare");
	is_int(lm_hl_spares_short(&kr), 1, "NAPI: one spare to top up");
	lm_hl_spares_add(&kr, 1);
	lm_hl_spares_reserve(&kr, 1);
	is_str(take(), "FREE_SPARE;FREE_SPARE;", "a smaller reserve frees the surplus");
	is_int(lm_hl_check(&kr), 0, "state consistent");
	lm_hl_detach(&kr);
	is_str(take(), "FREE_SKB 0/0;FREE_SPARE;", "detach frees the idle skb and the reserve");
}

static void test_tx(void)
{
	struct lm_hl_slot sl[4];
	struct lm_hl_kring kr;
	const uint32_t ring[4] = { 40, 41, 42, 43 };
	uint32_t i;

	lm_hl_init(&kr, sl, 4, 1, record, NULL);
	for (i = 0; i < 2; i++)
		lm_hl_tx_posted(&kr, lm_hl_tx_slot(&kr));
	lm_hl_kick(&kr);
	is_str(take(), "DOORBELL 2;", "two skbs in flight");

	is_int(lm_hl_enter_need(&kr), 0, "tx needs no spares");
	lm_hl_enter(&kr, ring);
	is_str(take(), "", "enter: tx slots untouched");
	is_int(lm_hl_nm_hwcur(&kr), 0, "ring hwcur 0 = NIC slot 2");
	is_int(lm_hl_nm_hwtail(&kr), 1, "ring hwtail: 2 slots free for the app, 2 kernel-owned");

	lm_hl_tx_send(&kr, 40, 100);
	lm_hl_kick(&kr);
	is_str(take(), "POST_NM 2/0 b40 l100;DOORBELL 3;", "txsync sends ring slot 0 from NIC slot 2");
	lm_hl_tx_done(&kr);
	is_str(take(), "FREE_SKB 0/2;", "enter step 3: in-flight skb freed as it completes");
	is_int(kr.st.tx_freed, 1, "1 skb freed in netmap mode");
	is_int(lm_hl_nm_hwtail(&kr), 2, "hwtail moves on");

	lm_hl_exit(&kr);
	is_str(take(), "LEND 2/0 b40;", "exit: the netmap buffer in flight is lent");
	lm_hl_tx_done(&kr);
	lm_hl_tx_done(&kr);
	is_str(take(), "FREE_SKB 1/3;DROP_NM 2/0 b40;RETURN 2/0 b40;",
	       "exit step 2: it completes and comes back");
	is_int(lm_hl_check(&kr), 0, "state consistent");
}

int main(void)
{
	test_rx_enter_exit();
	test_rx_lent_and_reclaim();
	test_rx_spare_reserve();
	test_tx();
	return done_testing();
}
