// SPDX-License-Identifier: BSD-2-Clause
/*
 * model.c - the simulated world the hitless engine runs in.
 *
 * Pieces, each with its own ground truth, so that the engine's view can be
 * checked against it at every step:
 *   nic_*     an 82540EM-like rx ring and tx ring: the device owns the
 *             descriptors in [head, tail) (RDH/RDT, TDH/TDT), completes
 *             them in order on its own schedule, writes DD, and may have
 *             fetched descriptors ahead (prefetch) - it then DMAs with the
 *             address it fetched, not the one in memory.
 *   wire      numbered frames waiting for an rx descriptor (QEMU holds a
 *             frame it cannot place, it does not drop it).
 *   skb pool  the stack's buffers; stack_rx() checks delivery order.
 *   nm pool   netmap buffers with reference counts.
 *   drv_*     the driver adapter: buffer_info per slot, the spare list,
 *             apply() for the engine's actions - what livemap_e1000 does.
 *   core_*    the netmap core: the kernel's shadow of each ring's buffers,
 *             rxsync/txsync prologues, open (enter) and close (exit).
 *   app_*     a netmap application consuming/producing some or none,
 *             swapping buffers with its extra buffers now and then.
 *
 * Delivery rule: a frame counts as the application's when it moves head
 * past it; the core releases [hwcur, head) before exit on close, so a
 * frame the application consumed is never handed to the stack again.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm_hl.h"
#include "model.h"

#define MAXN	64		/* largest ring */
#define NEXTRA	2		/* extra buffers per netmap ring (the app's swaps) */
#define WIREQ	16		/* frames QEMU holds before refusing the sender */
#define MAXSKB	(4 * MAXN + 8)
#define MAXBUF	(6 * MAXN + 4 * NEXTRA + 2)

enum { K_NONE, K_SKB, K_NM };

struct content {
	uint32_t seq;
	uint16_t len;
	uint8_t valid;
};

struct baddr {			/* what a descriptor / buffer_info points at */
	uint8_t kind;
	uint32_t id;
};

struct desc {
	struct baddr a;
	uint8_t dd;
	uint16_t len;
};

struct nic_ring {
	struct desc d[MAXN];
	struct baddr pf[MAXN];	/* descriptors the device fetched ahead */
	uint8_t pf_valid[MAXN];
	uint32_t head, tail;
	int enabled;
};

struct core_ring {		/* the kernel's shadow of one netmap ring */
	uint32_t kbuf[MAXN];
	uint32_t kext[NEXTRA];
	/* the shared ring as the application sees and writes it */
	uint32_t abuf[MAXN];
	uint16_t alen[MAXN];
	uint32_t aext[NEXTRA];
	uint32_t head, tail;
};

struct side {			/* one direction: engine kring + device ring + adapter */
	struct lm_hl_kring kr;
	struct lm_hl_slot hs[MAXN];
	struct nic_ring nic;
	struct baddr bi[MAXN];	/* the driver's buffer_info */
	struct core_ring cr;
	int is_tx;
};

static struct {
	struct model_cfg cfg;
	uint64_t rng;
	uint32_t bpos;
	int exhausted;
	uint32_t n;
	uint64_t step;

	struct side rx, tx;

	/* skb pool */
	uint8_t skb_used[MAXSKB];
	struct content skb_c[MAXSKB];
	uint32_t nskb;
	uint32_t spare[MAXN * 2];
	uint32_t nspare;

	/* netmap buffer pool: indices 2 .. nbuf+1 (0 and 1 are reserved) */
	uint32_t ref[MAXBUF + 2];
	struct content nm_c[MAXBUF + 2];
	uint32_t nbuf;

	/* wire and delivery */
	uint32_t wire_q;		/* frames waiting at the device */
	uint32_t rx_dma_next;		/* next frame number the device writes */
	uint32_t rx_deliv_next;		/* next frame number the stack/app must get */
	uint32_t tx_id;
	struct content tx_fifo[2 * MAXN];	/* what the wire must see next */
	uint32_t tx_fh, tx_fn;

	/* modes */
	int open;			/* a netmap ring pair exists */
	int app;			/* the application is alive */
	uint32_t fail_one_in;		/* allocation fault rate (0: never) */
	uint32_t switch_one_in;
	uint32_t reserve;		/* the driver's standing spares (lm_hl_spares_reserve) */
	int faults;

	/* NAPI: runs only when scheduled by an interrupt or a kick */
	int napi_sched;
	/* NAPI's copybreak: the skb of slot keep_slot was recycled */
	int in_napi;
	uint32_t keep_slot;

	/* zero-copy check */
	uint64_t releases_since_enter, copies_at_enter, copies_at_round;
	int round_done;

	struct model_stats st;
} m;

/* ---------------------------------------------------------------- util */

void model_fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL seed %llu step %llu n %u: ", (unsigned long long)m.cfg.seed,
	       (unsigned long long)m.step, m.n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	abort();
}

#define CHECK(cond, ...) do { if (!(cond)) model_fail(__VA_ARGS__); } while (0)

static uint32_t rnd(uint32_t bound)
{
	uint32_t v;

	if (bound <= 1)
		return 0;
	if (m.cfg.bytes) {
		if (m.bpos >= m.cfg.nbytes) {
			m.exhausted = 1;
			return 0;
		}
		v = m.cfg.bytes[m.bpos++];
		if (bound > 256 && m.bpos < m.cfg.nbytes)
			v = v << 8 | m.cfg.bytes[m.bpos++];
		return v % bound;
	}
	m.rng ^= m.rng >> 12;
	m.rng ^= m.rng << 25;
	m.rng ^= m.rng >> 27;
	return (uint32_t)((m.rng * 2685821657736338717ull) >> 32) % bound;
}

static uint32_t nxt(uint32_t i)
{
	return i + 1 == m.n ? 0 : i + 1;
}

static uint32_t dst(uint32_t a, uint32_t b)
{
	return b >= a ? b - a : b + m.n - a;
}

static uint16_t frame_len(uint32_t seq)
{
	return (uint16_t)(60 + (seq * 2654435761u >> 7) % 1455);
}

/* ---------------------------------------------------------------- pools */

static int skb_alloc(uint32_t *id)
{
	uint32_t i;

	if (m.faults && m.fail_one_in && rnd(m.fail_one_in) == 0) {
		m.st.alloc_fail++;
		return 0;
	}
	for (i = 0; i < m.nskb; i++)
		if (!m.skb_used[i]) {
			m.skb_used[i] = 1;
			m.skb_c[i] = (struct content){ 0 };
			*id = i;
			return 1;
		}
	m.st.alloc_fail++;
	return 0;
}

static void skb_free(uint32_t id)
{
	CHECK(id < m.nskb && m.skb_used[id], "skb %u freed twice", id);
	m.skb_used[id] = 0;
	m.skb_c[id] = (struct content){ 0 };
}

static int nm_alloc(uint32_t *b)
{
	uint32_t i;

	for (i = 2; i < m.nbuf + 2; i++)
		if (!m.ref[i]) {
			m.ref[i] = 1;
			m.nm_c[i] = (struct content){ 0 };
			*b = i;
			return 1;
		}
	return 0;
}

static void nm_get(uint32_t b)
{
	CHECK(b >= 2 && b < m.nbuf + 2 && m.ref[b], "get on free buffer %u", b);
	m.ref[b]++;
}

static void nm_put(uint32_t b)
{
	CHECK(b >= 2 && b < m.nbuf + 2 && m.ref[b], "buffer %u freed twice", b);
	if (--m.ref[b] == 0)
		m.nm_c[b] = (struct content){ 0 };	/* poison: stale reads show */
}

static struct content *buf_content(struct baddr a)
{
	if (a.kind == K_SKB) {
		CHECK(a.id < m.nskb && m.skb_used[a.id], "DMA to free skb %u", a.id);
		return &m.skb_c[a.id];
	}
	CHECK(a.kind == K_NM && a.id >= 2 && a.id < m.nbuf + 2 && m.ref[a.id],
	      "DMA to free netmap buffer %u (kind %u)", a.id, a.kind);
	return &m.nm_c[a.id];
}

/* ------------------------------------------------------------ delivery */

static void deliver(struct content c, uint32_t len, int to_app)
{
	CHECK(c.valid, "%s got an empty buffer (want frame %u)", to_app ? "app" : "stack",
	      m.rx_deliv_next);
	CHECK(c.seq == m.rx_deliv_next, "%s got frame %u, want %u", to_app ? "app" : "stack",
	      c.seq, m.rx_deliv_next);
	CHECK(c.len == frame_len(c.seq) && len == c.len, "frame %u len %u/%u, want %u",
	      c.seq, c.len, len, frame_len(c.seq));
	m.rx_deliv_next++;
	if (to_app)
		m.st.to_app++;
	else
		m.st.to_stack++;
}

static void tx_expect(struct content c)
{
	CHECK(m.tx_fn < 2 * MAXN, "tx fifo overflow");
	m.tx_fifo[(m.tx_fh + m.tx_fn++) % (2 * MAXN)] = c;
}

/* ------------------------------------------------------------ the device */

static int hw_owns(const struct nic_ring *r, uint32_t i)
{
	return dst(r->head, i) < dst(r->head, r->tail);
}

static void nic_desc_write(struct side *sd, uint32_t i, struct baddr a)
{
	struct nic_ring *r = &sd->nic;

	CHECK(!(r->enabled && hw_owns(r, i)),
	      "%s descriptor %u rewritten while the device owns it (head %u tail %u)",
	      sd->is_tx ? "tx" : "rx", i, r->head, r->tail);
	r->d[i].a = a;
	r->d[i].dd = 0;
	r->d[i].len = 0;
	r->pf_valid[i] = 0;
}

static void nic_tail_write(struct side *sd, uint32_t t)
{
	struct nic_ring *r = &sd->nic;
	uint32_t i;

	CHECK(t < m.n, "tail %u out of range", t);
	CHECK(dst(r->head, t) >= dst(r->head, r->tail),
	      "%s tail moved back from %u to %u (head %u)", sd->is_tx ? "tx" : "rx",
	      r->tail, t, r->head);
	for (i = r->tail; i != t; i = nxt(i)) {
		CHECK(r->d[i].a.kind != K_NONE && !r->d[i].dd,
		      "%s slot %u handed to the device without a buffer", sd->is_tx ? "tx" : "rx", i);
		buf_content(r->d[i].a);
	}
	r->tail = t;
}

/* The address the device uses for its head descriptor. */
static struct baddr nic_fetch(struct nic_ring *r)
{
	struct baddr a = r->pf_valid[r->head] ? r->pf[r->head] : r->d[r->head].a;

	r->pf_valid[r->head] = 0;
	return a;
}

static void nic_prefetch(struct side *sd)
{
	struct nic_ring *r = &sd->nic;
	uint32_t i, k = rnd(4);

	if (!r->enabled)
		return;
	for (i = r->head; i != r->tail && k; i = nxt(i), k--) {
		r->pf[i] = r->d[i].a;
		r->pf_valid[i] = 1;
	}
}

static void nic_rx_frame(void)
{
	struct nic_ring *r = &m.rx.nic;
	struct content *c;
	struct baddr a;
	uint32_t seq = m.rx_dma_next;

	if (!r->enabled || r->head == r->tail || !m.wire_q)
		return;
	a = nic_fetch(r);
	c = buf_content(a);
	CHECK(a.kind == m.rx.bi[r->head].kind && a.id == m.rx.bi[r->head].id,
	      "rx DMA into slot %u's old buffer", r->head);
	*c = (struct content){ .seq = seq, .len = frame_len(seq), .valid = 1 };
	r->d[r->head].dd = 1;
	r->d[r->head].len = c->len;
	r->head = nxt(r->head);
	m.rx_dma_next++;
	m.napi_sched = 1;	/* RXT0 */
	m.wire_q--;
}

static void nic_tx_one(void)
{
	struct nic_ring *r = &m.tx.nic;
	struct content c, want;
	struct baddr a;

	if (!r->enabled || r->head == r->tail)
		return;
	a = nic_fetch(r);
	c = *buf_content(a);
	CHECK(m.tx_fn, "tx of slot %u nobody posted", r->head);
	want = m.tx_fifo[m.tx_fh];
	CHECK(c.valid && c.seq == want.seq && c.len == want.len,
	      "wire got tx %u/%u (valid %u), want %u/%u", c.seq, c.len, c.valid, want.seq, want.len);
	m.tx_fh = (m.tx_fh + 1) % (2 * MAXN);
	m.tx_fn--;
	r->d[r->head].dd = 1;
	r->head = nxt(r->head);
	m.st.tx_wire++;
	m.napi_sched = 1;	/* TXDW */
}

/* ---------------------------------------------------- the driver adapter */

static uint32_t spare_pop(void)
{
	CHECK(m.nspare, "no spare stack buffer left");
	return m.spare[--m.nspare];
}

static void bi_set(struct side *sd, uint32_t i, uint8_t kind, uint32_t id)
{
	sd->bi[i] = (struct baddr){ .kind = kind, .id = id };
}

static void drv_post(struct side *sd, uint32_t i, uint8_t kind, uint32_t id)
{
	bi_set(sd, i, kind, id);
	nic_desc_write(sd, i, sd->bi[i]);
}

/* The engine's buffer for ring slot k must be the core's. */
static void ring_buf_is(struct side *sd, uint32_t k, uint32_t buf, const char *what)
{
	CHECK(m.open && k < m.n && sd->cr.kbuf[k] == buf,
	      "%s %s ring slot %u: engine buf %u, ring has %u", what, sd->is_tx ? "tx" : "rx", k,
	      buf, m.open && k < m.n ? sd->cr.kbuf[k] : 0);
	CHECK(lm_hl_k2n(&sd->kr, k) < m.n, "ring slot %u maps outside the ring", k);
}

static void drv_apply(void *ctx, const struct lm_hl_act *a)
{
	struct side *sd = ctx;
	uint32_t i = a->slot, k = a->kidx, id;
	struct baddr *b = i < m.n ? &sd->bi[i] : NULL;
	struct content c;

	switch (a->op) {
	case LM_HL_DELIVER:
		CHECK(!sd->is_tx && b->kind == K_SKB, "DELIVER slot %u holds no skb", i);
		if (m.in_napi && rnd(3) == 0 && skb_alloc(&id)) {
			/* copybreak: copy out, keep the buffer in the slot */
			m.skb_c[id] = m.skb_c[b->id];
			deliver(m.skb_c[id], a->len, 0);
			skb_free(id);
			m.keep_slot = i;
			m.st.copybreak++;
			break;
		}
		deliver(m.skb_c[b->id], a->len, 0);
		skb_free(b->id);
		bi_set(sd, i, K_NONE, 0);
		break;
	case LM_HL_COPY_TO_SPARE:
		CHECK(b->kind == K_NM && b->id == a->buf, "COPY_TO_SPARE slot %u: not buf %u", i,
		      a->buf);
		id = spare_pop();
		m.skb_c[id] = *buf_content(*b);
		deliver(m.skb_c[id], a->len, 0);
		skb_free(id);
		bi_set(sd, i, K_NONE, 0);
		break;
	case LM_HL_COPY_TO_NM:
		CHECK(b->kind == K_SKB, "COPY_TO_NM slot %u holds no skb", i);
		ring_buf_is(sd, k, a->buf, "COPY_TO_NM");
		c = m.skb_c[b->id];
		CHECK(c.len == a->len, "COPY_TO_NM len %u, frame has %u", a->len, c.len);
		*buf_content((struct baddr){ K_NM, a->buf }) = c;
		break;
	case LM_HL_FRAME:
		ring_buf_is(sd, k, a->buf, "FRAME");
		CHECK(sd->cr.abuf[k] == a->buf, "FRAME rx ring slot %u: app ring has %u", k,
		      sd->cr.abuf[k]);
		sd->cr.alen[k] = a->len;
		break;
	case LM_HL_CONVERT:
		CHECK(b->kind == K_SKB, "CONVERT slot %u holds no skb", i);
		skb_free(b->id);
		/* fall through */
	case LM_HL_POST_NM:
		ring_buf_is(sd, k, a->buf, "POST_NM");
		CHECK(a->op == LM_HL_CONVERT || b->kind != K_SKB, "POST_NM over skb slot %u", i);
		drv_post(sd, i, K_NM, a->buf);
		if (sd->is_tx) {
			c = *buf_content(*b);
			CHECK(c.len == a->len, "tx POST_NM len %u, buffer has %u", a->len, c.len);
			tx_expect(c);
		}
		break;
	case LM_HL_FREE_SKB:
		CHECK(b->kind == K_SKB, "FREE_SKB slot %u holds no skb", i);
		skb_free(b->id);
		bi_set(sd, i, K_NONE, 0);
		break;
	case LM_HL_DROP_NM:
		CHECK(b->kind == K_NM && b->id == a->buf, "DROP_NM slot %u: not buf %u", i, a->buf);
		bi_set(sd, i, K_NONE, 0);
		break;
	case LM_HL_LEND:
		CHECK(b->kind == K_NM && b->id == a->buf, "LEND slot %u: not buf %u", i, a->buf);
		nm_get(a->buf);
		break;
	case LM_HL_RETURN:
		nm_put(a->buf);
		break;
	case LM_HL_ADOPT:
		CHECK(b->kind == K_NM && b->id == a->buf, "ADOPT slot %u: not buf %u", i, a->buf);
		ring_buf_is(sd, k, a->old, "ADOPT");
		sd->cr.kbuf[k] = sd->cr.abuf[k] = a->buf;
		nm_put(a->old);
		break;
	case LM_HL_RECLAIM:
		CHECK(!sd->is_tx && !sd->nic.enabled, "RECLAIM with rx DMA running");
		CHECK(b->kind == K_NM && b->id == a->buf, "RECLAIM slot %u: not buf %u", i, a->buf);
		drv_post(sd, i, K_SKB, spare_pop());
		break;
	case LM_HL_FREE_SPARE:
		skb_free(spare_pop());
		break;
	case LM_HL_DOORBELL:
		nic_tail_write(sd, a->slot);
		break;
	default:
		model_fail("unknown action %u", a->op);
	}
}

/* One more spare on the driver's list and in the engine's count; 0 if the
 * skb pool (or an injected fault) says no. */
static int drv_spare_add(void)
{
	uint32_t id;

	if (!skb_alloc(&id))
		return 0;
	m.spare[m.nspare++] = id;
	lm_hl_spares_add(&m.rx.kr, 1);
	return 1;
}

/* Stack mode: up to @max spares towards the reserve, stopping at a failed
 * allocation (the next poll, or the enter, makes up for it). */
static void drv_spares_fill(uint32_t max)
{
	uint32_t k = lm_hl_spares_short(&m.rx.kr);

	for (k = k < max ? k : max; k && drv_spare_add(); k--)
		;
}

/*
 * Stack mode: post a buffer on every slot the engine offers, the skb a
 * slot kept or a new one; with kept_only stop at the first slot without
 * (the e1000 does so right before enter).  0: a slot got no memory.
 */
static int drv_rx_post(int kept_only)
{
	struct lm_hl_kring *kr = &m.rx.kr;
	uint32_t i, id;
	int has;

	while ((i = lm_hl_rx_refill_slot(kr, &has)) != LM_HL_NONE_SLOT) {
		if (has) {
			CHECK(m.rx.bi[i].kind == K_SKB, "refill: slot %u has no skb to reuse", i);
			id = m.rx.bi[i].id;
		} else {
			CHECK(m.rx.bi[i].kind == K_NONE, "refill: slot %u not empty", i);
			if (kept_only)
				return 1;
			if (!skb_alloc(&id))
				return 0;
		}
		drv_post(&m.rx, i, K_SKB, id);
		lm_hl_rx_posted(kr, i);
	}
	return 1;
}

/* NAPI poll, stack mode: clean rx, refill, clean tx.  1: poll again. */
static int drv_napi(uint32_t budget)
{
	struct lm_hl_kring *kr = &m.rx.kr;
	uint32_t i;
	int more = 0;

	if (kr->netmap)
		return 0;	/* only notifies netmap waiters */
	while ((i = lm_hl_rx_clean_slot(kr)) != LM_HL_NONE_SLOT && m.rx.nic.d[i].dd) {
		if (!budget--) {
			more = 1;
			break;
		}
		m.in_napi = 1;
		m.keep_slot = LM_HL_NONE_SLOT;
		lm_hl_rx_done(kr, m.rx.nic.d[i].len);
		m.in_napi = 0;
		if (m.keep_slot != LM_HL_NONE_SLOT)
			lm_hl_rx_keep(kr, m.keep_slot);
	}
	if (!drv_rx_post(0))
		more = 1;	/* no memory: retried next poll */
	lm_hl_kick(kr);
	/* The standing reserve, topped up a few at a time. */
	drv_spares_fill(1 + rnd(4));
	if (m.tx.kr.netmap)
		return more;
	while ((i = lm_hl_tx_clean_slot(&m.tx.kr)) != LM_HL_NONE_SLOT && m.tx.nic.d[i].dd)
		lm_hl_tx_done(&m.tx.kr);
	return more;
}

/* The softirq: polls only if an interrupt or a kick scheduled it. */
static void drv_napi_poll(uint32_t budget)
{
	if (!m.napi_sched)
		return;
	m.napi_sched = drv_napi(budget);
}

static void drv_xmit(void)
{
	uint32_t i = lm_hl_tx_slot(&m.tx.kr), id;

	if (i == LM_HL_NONE_SLOT || !skb_alloc(&id))
		return;		/* netmap mode: the host rx ring's business */
	m.skb_c[id] = (struct content){ .seq = m.tx_id, .len = frame_len(m.tx_id), .valid = 1 };
	m.tx_id++;
	drv_post(&m.tx, i, K_SKB, id);
	tx_expect(m.skb_c[id]);
	lm_hl_tx_posted(&m.tx.kr, i);
	lm_hl_kick(&m.tx.kr);
}

/* Quiesce rx DMA only, take lent slots back, resume (§4 exit step 4b). */
static void drv_reclaim(void)
{
	if (m.rx.kr.netmap || !m.rx.kr.st.lent)
		return;
	m.rx.nic.enabled = 0;
	memset(m.rx.nic.pf_valid, 0, sizeof(m.rx.nic.pf_valid));
	drv_napi(MAXN);
	lm_hl_rx_reclaim(&m.rx.kr);
	m.rx.nic.enabled = 1;
	m.st.reclaims++;
}

/* ------------------------------------------------------ core + application */

static void core_take_buf(struct core_ring *cr, uint32_t i, uint32_t buf)
{
	uint32_t j;

	if (buf == cr->kbuf[i])
		return;
	for (j = 0; j < NEXTRA; j++)
		if (cr->kext[j] == buf) {
			cr->kext[j] = cr->kbuf[i];
			cr->kbuf[i] = buf;
			return;
		}
	model_fail("slot %u: buffer %u is not the ring's", i, buf);
}

/* rxsync: release [hwcur, head), then report new frames. */
static void core_rx_release(void)
{
	struct side *sd = &m.rx;
	uint32_t k;

	for (k = lm_hl_nm_hwcur(&sd->kr); k != sd->cr.head; k = nxt(k)) {
		core_take_buf(&sd->cr, k, sd->cr.abuf[k]);
		lm_hl_rx_release(&sd->kr, sd->cr.kbuf[k]);
		if (++m.releases_since_enter == m.n) {
			m.copies_at_round = sd->kr.st.copies;
			m.round_done = 1;
		}
	}
}

static void core_rxsync(void)
{
	struct side *sd = &m.rx;
	uint32_t i;

	if (!m.app)
		return;
	core_rx_release();
	while ((i = lm_hl_rx_clean_slot(&sd->kr)) != LM_HL_NONE_SLOT && sd->nic.d[i].dd)
		lm_hl_rx_done(&sd->kr, sd->nic.d[i].len);
	lm_hl_kick(&sd->kr);
	sd->cr.tail = lm_hl_nm_hwtail(&sd->kr);
}

static void core_txsync(void)
{
	struct side *sd = &m.tx;
	uint32_t i;

	if (!m.app)
		return;
	for (i = lm_hl_nm_hwcur(&sd->kr); i != sd->cr.head; i = nxt(i)) {
		core_take_buf(&sd->cr, i, sd->cr.abuf[i]);	/* i: ring index */
		lm_hl_tx_send(&sd->kr, sd->cr.kbuf[i], sd->cr.alen[i]);
	}
	lm_hl_kick(&sd->kr);
	while ((i = lm_hl_tx_clean_slot(&sd->kr)) != LM_HL_NONE_SLOT && sd->nic.d[i].dd)
		lm_hl_tx_done(&sd->kr);
	sd->cr.tail = lm_hl_nm_hwtail(&sd->kr);
}

static void app_swap(struct core_ring *cr, uint32_t i)
{
	uint32_t j = rnd(NEXTRA), t = cr->aext[j];

	cr->aext[j] = cr->abuf[i];
	cr->abuf[i] = t;
}

static void app_consume(uint32_t k)
{
	struct core_ring *cr = &m.rx.cr;

	for (; k && m.app && cr->head != cr->tail; k--) {
		uint32_t i = cr->head;

		deliver(m.nm_c[cr->abuf[i]], cr->alen[i], 1);
		if (rnd(4) == 0)
			app_swap(cr, i);
		cr->head = nxt(i);
	}
}

static void app_produce(uint32_t k)
{
	struct core_ring *cr = &m.tx.cr;

	for (; k && m.app && cr->head != cr->tail; k--) {
		uint32_t i = cr->head;

		if (rnd(4) == 0)
			app_swap(cr, i);
		m.nm_c[cr->abuf[i]] = (struct content){ .seq = m.tx_id,
							.len = frame_len(m.tx_id), .valid = 1 };
		cr->alen[i] = frame_len(m.tx_id);
		m.tx_id++;
		cr->head = nxt(i);
	}
}

static void ring_free(struct core_ring *cr)
{
	uint32_t i;

	for (i = 0; i < m.n; i++)
		nm_put(cr->kbuf[i]);
	for (i = 0; i < NEXTRA; i++)
		nm_put(cr->kext[i]);
	memset(cr, 0, sizeof(*cr));
}

static int ring_alloc(struct core_ring *cr)
{
	uint32_t i;

	memset(cr, 0, sizeof(*cr));
	for (i = 0; i < m.n; i++)
		if (!nm_alloc(&cr->kbuf[i]))
			goto fail;
	for (i = 0; i < NEXTRA; i++)
		if (!nm_alloc(&cr->kext[i]))
			goto fail;
	memcpy(cr->abuf, cr->kbuf, sizeof(cr->abuf));
	memcpy(cr->aext, cr->kext, sizeof(cr->aext));
	return 1;
fail:
	for (i = 0; i < m.n; i++)
		if (cr->kbuf[i])
			nm_put(cr->kbuf[i]);
	for (i = 0; i < NEXTRA; i++)
		if (cr->kext[i])
			nm_put(cr->kext[i]);
	memset(cr, 0, sizeof(*cr));
	return 0;
}

/* NIOCREGIF: enter netmap mode on both rings (the only step that may fail). */
static void core_open(void)
{
	uint32_t need, ready;

	if (m.open)
		return;
	need = lm_hl_enter_need(&m.rx.kr);
	ready = !need;
	for (; need; need--)
		if (!drv_spare_add())
			goto fail;
	if (!ring_alloc(&m.rx.cr))
		goto fail;
	if (!ring_alloc(&m.tx.cr)) {
		ring_free(&m.rx.cr);
		goto fail;
	}
	m.open = m.app = 1;
	drv_rx_post(1);		/* the skbs stack mode kept, as they are */
	CHECK(lm_hl_enter(&m.rx.kr, m.rx.cr.kbuf) == 0, "rx enter failed with spares in place");
	lm_hl_kick(&m.rx.kr);
	lm_hl_enter(&m.tx.kr, m.tx.cr.kbuf);
	/* The core's contract for a fresh ring: rx hwcur = hwtail = 0, tx hwcur = 0. */
	CHECK(lm_hl_nm_hwcur(&m.rx.kr) == 0 && lm_hl_nm_hwtail(&m.rx.kr) == 0 &&
	      lm_hl_nm_hwcur(&m.tx.kr) == 0, "fresh ring does not start at slot 0");
	m.rx.cr.head = lm_hl_nm_hwcur(&m.rx.kr);
	m.rx.cr.tail = lm_hl_nm_hwtail(&m.rx.kr);
	m.tx.cr.head = lm_hl_nm_hwcur(&m.tx.kr);
	m.tx.cr.tail = lm_hl_nm_hwtail(&m.tx.kr);
	m.napi_sched = 1;	/* kick: nothing posted raises no interrupt */
	m.releases_since_enter = 0;
	m.copies_at_enter = m.rx.kr.st.copies;
	m.round_done = 0;
	m.st.enters++;
	m.st.enter_ready += ready;
	return;
fail:
	lm_hl_spares_trim(&m.rx.kr);
	m.st.enter_fail++;
}

/* close() of the application's file, possibly mid-switch: cannot fail. */
static void core_close(void)
{
	uint32_t i;

	if (!m.open)
		return;
	core_rx_release();	/* what it consumed is consumed */
	lm_hl_kick(&m.rx.kr);
	m.app = 0;
	for (i = 0; i < m.n; i++)
		if (m.rx.kr.slot[i].owner == LM_HL_STACK) {
			m.st.exit_mid++;	/* still converting */
			break;
		}
	CHECK(lm_hl_exit(&m.rx.kr) == 0, "rx exit failed");
	lm_hl_kick(&m.rx.kr);
	lm_hl_exit(&m.tx.kr);
	m.napi_sched = 1;	/* kick: the stack may have nothing posted */
	ring_free(&m.rx.cr);
	ring_free(&m.tx.cr);
	m.open = 0;
	m.st.exits++;
}

/* ---------------------------------------------------------- invariants */

static void check_side(struct side *sd)
{
	struct lm_hl_kring *kr = &sd->kr;
	const char *dir = sd->is_tx ? "tx" : "rx";
	uint32_t i, line = (uint32_t)lm_hl_check(kr);

	CHECK(line == 0, "%s engine state inconsistent (lm_hl.c:%u)", dir, line);
	CHECK(sd->nic.tail == kr->tail && kr->db_tail == kr->tail,
	      "%s tail: device %u engine %u", dir, sd->nic.tail, kr->tail);
	CHECK(dst(kr->clean, sd->nic.head) <= dst(kr->clean, kr->tail),
	      "%s device head %u outside posted [%u, %u)", dir, sd->nic.head, kr->clean, kr->tail);
	for (i = 0; i < m.n; i++) {
		const struct lm_hl_slot *s = &kr->slot[i];
		struct baddr b = sd->bi[i];

		switch (s->owner) {
		case LM_HL_NONE:
			CHECK(b.kind == K_NONE, "%s slot %u: engine NONE, driver %u/%u", dir, i,
			      b.kind, b.id);
			break;
		case LM_HL_STACK:
			CHECK(b.kind == K_SKB, "%s slot %u: engine STACK, driver %u/%u", dir, i,
			      b.kind, b.id);
			break;
		default:
			CHECK(b.kind == K_NM && b.id == s->buf, "%s slot %u: engine NETMAP %u, driver %u/%u",
			      dir, i, s->buf, b.kind, b.id);
		}
		if (dst(kr->clean, i) < dst(kr->clean, sd->nic.head))
			CHECK(sd->nic.d[i].dd, "%s slot %u completed without DD", dir, i);
		else if (hw_owns(&sd->nic, i))
			CHECK(!sd->nic.d[i].dd && sd->nic.d[i].a.kind == b.kind && sd->nic.d[i].a.id == b.id,
			      "%s slot %u: device descriptor differs from buffer_info", dir, i);
	}
	if (kr->netmap && sd->is_tx)
		CHECK(dst(sd->cr.head, sd->cr.tail) <= dst(lm_hl_nm_hwcur(kr), lm_hl_nm_hwtail(kr)),
		      "tx app head %u outside [%u, %u]", sd->cr.head, lm_hl_nm_hwcur(kr),
		      lm_hl_nm_hwtail(kr));
}

static void check_all(void)
{
	static uint32_t refs[MAXBUF + 2], skbrefs[MAXSKB];
	uint32_t i, j, b;
	struct side *sides[2] = { &m.rx, &m.tx };

	check_side(&m.rx);
	check_side(&m.tx);
	CHECK(m.rx.kr.spares == m.nspare, "spares: engine %u driver %u", m.rx.kr.spares, m.nspare);
	/* Stack mode holds no spare beyond the lent slots and the reserve. */
	CHECK(m.rx.kr.netmap || m.nspare <= (m.rx.kr.st.lent > m.reserve ? m.rx.kr.st.lent : m.reserve),
	      "%u spares in stack mode, %u lent, reserve %u", m.nspare, m.rx.kr.st.lent, m.reserve);

	/* Every buffer exactly one owner; no leak, no double free. */
	memset(refs, 0, sizeof(refs));
	memset(skbrefs, 0, sizeof(skbrefs));
	for (j = 0; j < 2; j++) {
		struct side *sd = sides[j];

		for (i = 0; i < m.n; i++) {
			if (sd->bi[i].kind == K_SKB)
				skbrefs[sd->bi[i].id]++;
			if (sd->kr.slot[i].flags & LM_HL_LENT)
				refs[sd->kr.slot[i].buf]++;
			if (m.open)
				refs[sd->cr.kbuf[i]]++;
		}
		for (i = 0; m.open && i < NEXTRA; i++)
			refs[sd->cr.kext[i]]++;
	}
	for (i = 0; i < m.nspare; i++)
		skbrefs[m.spare[i]]++;
	for (i = 0; i < m.nskb; i++)
		CHECK(skbrefs[i] == m.skb_used[i], "skb %u: %u owners, %s", i, skbrefs[i],
		      m.skb_used[i] ? "allocated" : "free");
	for (b = 2; b < m.nbuf + 2; b++)
		CHECK(refs[b] == m.ref[b], "netmap buffer %u: %u owners, refcount %u", b, refs[b],
		      m.ref[b]);
	CHECK(refs[0] == 0 && refs[1] == 0, "reserved buffer index in use");

	/* One round of the ring in netmap mode, then zero-copy. */
	if (m.open) {
		CHECK(m.rx.kr.st.copies - m.copies_at_enter <= m.n, "%llu copies since enter, ring %u",
		      (unsigned long long)(m.rx.kr.st.copies - m.copies_at_enter), m.n);
		CHECK(!m.round_done || m.rx.kr.st.copies == m.copies_at_round,
		      "copy after a full round in netmap mode");
	}
}

/* ------------------------------------------------------------- lifecycle */

static void side_init(struct side *sd, int is_tx)
{
	memset(sd, 0, sizeof(*sd));
	sd->is_tx = is_tx;
	sd->nic.enabled = 1;
	lm_hl_init(&sd->kr, sd->hs, m.n, is_tx, drv_apply, sd);
}

static void attach(void)
{
	side_init(&m.rx, 0);
	side_init(&m.tx, 1);
	/* ndo_open fills the standing reserve before the first refill. */
	lm_hl_spares_reserve(&m.rx.kr, m.reserve);
	drv_spares_fill(m.n);
	/* ndo_open's first refill; if it fell short nothing may be posted and
	 * no interrupt will come: NAPI must be scheduled to retry. */
	m.napi_sched = drv_napi(0);
}

/* Stop the wire, let everything land, detach; nothing may be left over. */
static void drain_detach(void)
{
	uint32_t guard;

	m.faults = 0;
	core_close();
	for (guard = 0; guard < 100000; guard++) {
		nic_rx_frame();
		nic_tx_one();
		drv_napi_poll(MAXN);
		check_all();
		if (!m.wire_q && m.rx.nic.head == m.rx.kr.clean && m.tx.kr.clean == m.tx.kr.tail)
			break;
	}
	CHECK(guard < 100000, "drain did not finish");
	m.rx.nic.enabled = m.tx.nic.enabled = 0;
	lm_hl_detach(&m.rx.kr);
	lm_hl_detach(&m.tx.kr);
	CHECK(m.rx_deliv_next == m.rx_dma_next && m.rx_dma_next == m.st.frames_wire,
	      "frames: %llu on the wire, %u written, %u delivered",
	      (unsigned long long)m.st.frames_wire, m.rx_dma_next, m.rx_deliv_next);
	CHECK(m.tx_fn == 0, "%u tx frames never reached the wire", m.tx_fn);
	CHECK(m.nspare == 0, "%u spares left after detach", m.nspare);
	for (guard = 0; guard < m.nskb; guard++)
		CHECK(!m.skb_used[guard], "skb %u leaked", guard);
	for (guard = 2; guard < m.nbuf + 2; guard++)
		CHECK(!m.ref[guard], "netmap buffer %u leaked (ref %u)", guard, m.ref[guard]);
	m.st.detaches++;
	m.st.copies += m.rx.kr.st.copies;
	m.st.conversions += m.rx.kr.st.conversions;
	m.st.reverse_copies += m.rx.kr.st.reverse_copies;
	m.st.handed_back += m.rx.kr.st.handed_back;
	m.st.tx_freed += m.tx.kr.st.tx_freed;
	m.st.idle_reclaims += m.rx.kr.st.idle_reclaims;
	m.st.adopted += m.rx.kr.st.adopted + m.tx.kr.st.adopted;
}

void model_start(const struct model_cfg *cfg)
{
	static const uint8_t sizes[] = { 2, 3, 4, 5, 8, 13, 16, 32, 64 };
	static const uint32_t rates[] = { 12, 60, 400, 3000 };

	memset(&m, 0, sizeof(m));
	m.cfg = *cfg;
	m.rng = cfg->seed * 0x9e3779b97f4a7c15ull + 1;
	m.n = cfg->n ? cfg->n : sizes[rnd(sizeof(sizes))];
	if (m.n < LM_HL_MIN_SLOTS)
		m.n = LM_HL_MIN_SLOTS;
	if (m.n > MAXN)
		m.n = MAXN;
	m.switch_one_in = rates[rnd(4)];
	m.fail_one_in = (uint32_t[]){ 0, 64, 8, 3 }[rnd(4)];
	/* Standing spares: none (allocated at enter), all n-1, or some. */
	m.reserve = (uint32_t[]){ 0, m.n - 1, rnd(m.n) }[rnd(3)];
	/*
	 * Enough skbs for both rings and the spares.  Netmap buffers for two
	 * rings plus 0 .. all of what can be lent: with fewer, an open fails
	 * for lack of memory while buffers are lent (and must change nothing).
	 */
	m.nskb = 3 * m.n + 4;
	m.nbuf = 2 * m.n + 2 * NEXTRA + rnd(2 * m.n);
	m.faults = 1;
	attach();
}

int model_step(void)
{
	uint32_t r = rnd(100);

	if (m.exhausted)
		return 0;
	m.step++;
	if (r < 14) {
		if (m.wire_q < WIREQ) {
			m.wire_q++;
			m.st.frames_wire++;
		}
	} else if (r < 28) {
		nic_rx_frame();
	} else if (r < 32) {
		nic_prefetch(rnd(2) ? &m.rx : &m.tx);
	} else if (r < 40) {
		nic_tx_one();
	} else if (r < 50) {
		drv_napi_poll(1 + rnd(m.n));
	} else if (r < 58) {
		drv_xmit();
	} else if (r < 66) {
		core_rxsync();
	} else if (r < 72) {
		core_txsync();
	} else if (r < 80) {
		app_consume(rnd(m.n + 1));
	} else if (r < 86) {
		app_produce(rnd(m.n + 1));
	} else if (r < 96) {
		/* switches, at a per-seed rate */
		if (rnd(m.switch_one_in / 10 + 1) == 0)
			m.open ? core_close() : core_open();
	} else if (r < 99) {
		if (rnd(8) == 0)
			drv_reclaim();
	} else if (rnd(2000) == 0) {
		drain_detach();
		m.faults = 1;
		attach();
	}
	check_all();
	return !m.exhausted;
}

void model_finish(void)
{
	drain_detach();
	m.st.steps = m.step;
}

const struct model_stats *model_stats(void)
{
	return &m.st;
}

uint32_t model_ring_size(void)
{
	return m.n;
}

uint64_t model_cur_step(void)
{
	return m.step;
}
