// SPDX-License-Identifier: GPL-2.0
/*
 * lm_pipe.c - netmap pipes: "name{K" (master end) and "name}K" (slave end).
 *
 * A pipe is two adapters of one tx and one rx ring each, cross-connected:
 * what the master transmits the slave receives and vice versa.  Frames
 * move with no copy: the tx side swaps its slot descriptor (buf_idx, len)
 * with an empty slot of the peer's rx ring, and both slots are flagged
 * NS_BUF_CHANGED.  The kernel never touches buffer contents here.
 *
 * One direction, tx kring T of one end feeding rx kring R of the other:
 *
 *   T txsync (T->sync_lock)             R rxsync (R->sync_lock)
 *   -----------------------             -----------------------
 *   acquire R->nr_hwcur  <------------  release R->nr_hwcur (slots freed)
 *   swap slots into R [hwtail, hwcur-1)
 *   release R->nr_hwtail ------------>  acquire R->nr_hwtail (epilogue)
 *
 * T's txsync is the only writer of R->nr_hwtail, R's rxsync the only writer
 * of R->nr_hwcur, so the pair is a single-producer/single-consumer ring and
 * needs no common lock.  T->drv_priv points to R while R is ON; R's
 * kring_on/kring_off set and clear it under T->sync_lock, so a running T
 * txsync never sees R's ring go away.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/ctype.h>
#include "lm_kern.h"

struct lm_pipe {
	struct list_head list;		/* lm_pipes, under lm_core_lock */
	char		base[NETMAP_REQ_IFNAMSIZ];
	char		id[NETMAP_REQ_IFNAMSIZ];
	struct lm_adapter *end[2];	/* 0: master '{', 1: slave '}' */
	u32		binders;	/* lm_pipe_get() without lm_pipe_put() */
};

static LIST_HEAD(lm_pipes);

unsigned int lm_pipe_slots = 1024;
module_param_named(pipe_slots, lm_pipe_slots, uint, 0444);
MODULE_PARM_DESC(pipe_slots, "default slots per pipe ring");

#define LM_PIPE_MIN_SLOTS	64

/*
 * Split "base{id" / "base}id": one brace, a non-empty base, and an id of
 * letters, digits and '_'.  Returns the end (0 master, 1 slave) or -1.
 */
static int lm_pipe_split(const char *name, char *base, char *id)
{
	const char *brace = strpbrk(name, "{}");
	const char *p;
	size_t blen;

	if (!brace || brace == name || strpbrk(brace + 1, "{}") || !brace[1])
		return -1;
	for (p = brace + 1; *p; p++)
		if (!isalnum(*p) && *p != '_')
			return -1;
	blen = brace - name;
	if (blen >= NETMAP_REQ_IFNAMSIZ)
		return -1;
	memcpy(base, name, blen);
	base[blen] = '\0';
	strscpy(id, brace + 1, NETMAP_REQ_IFNAMSIZ);
	return *brace == '{' ? 0 : 1;
}

bool lm_pipe_name(const char *name)
{
	return strpbrk(name, "{}") != NULL;
}

void lm_pipe_geometry(u32 slots_hint, u32 *slots)
{
	struct lm_mem_geom g;
	u32 max;

	lm_mem_geometry(&g);
	max = (g.ring_size - sizeof(struct netmap_ring)) / sizeof(struct netmap_slot);
	*slots = clamp_t(u32, slots_hint ?: lm_pipe_slots, LM_PIPE_MIN_SLOTS, max);
}

static int lm_pipe_txsync(struct lm_kring *t, unsigned int flags)
{
	struct lm_mem *mem = t->na->mem;
	struct lm_kring *r = t->drv_priv;
	const struct lm_lut *lut = &t->na->lut;
	u32 n = t->nkr_num_slots, k = t->nr_hwcur, head = t->rhead;
	u32 j, lim, moved = 0;
	int err = 0;

	if (!r)
		goto out;	/* the peer is not bound: frames wait in T */
	j = r->nr_hwtail;
	/* Pairs with smp_store_release() in lm_pipe_rxsync(). */
	lim = lm_prev(smp_load_acquire(&r->nr_hwcur), n);
	lm_mem_lock(mem);
	while (k != head && j != lim) {
		struct netmap_slot *ts = &t->ring->slot[k];
		struct netmap_slot *rs = &r->ring->slot[j];
		u32 idx = READ_ONCE(ts->buf_idx);
		u32 ridx = READ_ONCE(rs->buf_idx);
		u16 len = READ_ONCE(ts->len);

		if (unlikely(len > lut->buf_size)) {
			err = -EINVAL;
			break;
		}
		/*
		 * rs is kernel-owned (R's user released it): its buffer
		 * goes to T, T's to R, and so does their ownership.  The
		 * prologue checked idx, but T's user may have changed it
		 * since: __lm_mem_swap() checks again under the pool lock.
		 */
		err = __lm_mem_swap(mem, idx, t->ring_owner, &ridx, r->ring_owner);
		if (unlikely(err))
			break;
		ts->buf_idx = ridx;
		rs->buf_idx = idx;
		rs->len = len;
		rs->ptr = 0;
		rs->flags = (READ_ONCE(ts->flags) & NS_MOREFRAG) | NS_BUF_CHANGED;
		ts->flags = NS_BUF_CHANGED;
		k = lm_next(k, n);
		j = lm_next(j, n);
		moved++;
	}
	lm_mem_unlock(mem);
	if (moved) {
		/* Pairs with smp_load_acquire() of nr_hwtail in lm_kring_sync(). */
		smp_store_release(&r->nr_hwtail, j);
		lm_kring_notify(r);
	}
out:
	t->nr_hwcur = k;
	t->nr_hwtail = lm_prev(k, n);	/* every sent slot is free again */
	return err;
}

static int lm_pipe_rxsync(struct lm_kring *r, unsigned int flags)
{
	const struct lm_lut *lut = &r->na->lut;
	u32 n = r->nkr_num_slots, k = r->nr_hwcur, head = r->rhead;
	int err = 0;

	/* Slots [hwcur, head) come back; their buffers go to the peer next. */
	for (; k != head; k = lm_next(k, n)) {
		u32 idx = READ_ONCE(r->ring->slot[k].buf_idx);

		if (unlikely(idx < 2 || idx >= lut->nbufs)) {
			err = -EINVAL;
			break;
		}
	}
	if (k != r->nr_hwcur) {
		/* Pairs with smp_load_acquire() in lm_pipe_txsync(). */
		smp_store_release(&r->nr_hwcur, k);
		lm_kring_notify(r->pipe_peer);	/* the sender may have room now */
	}
	return err;
}

static int lm_pipe_kring_on(struct lm_kring *kring)
{
	struct lm_kring *t = kring->pipe_peer;

	if (kring->dir == LM_RX) {
		/* Our ring is initialised: let the peer's sender in. */
		mutex_lock(&t->sync_lock);
		t->drv_priv = kring;
		mutex_unlock(&t->sync_lock);
		lm_kring_notify(t);
	}
	return 0;
}

static void lm_pipe_kring_off(struct lm_kring *kring)
{
	struct lm_kring *t = kring->pipe_peer;

	if (kring->dir == LM_RX) {
		/* Waits for a running txsync of the peer: then it is safe
		 * for the core to free our ring. */
		mutex_lock(&t->sync_lock);
		t->drv_priv = NULL;
		mutex_unlock(&t->sync_lock);
	}
}

static const struct lm_adapter_ops lm_pipe_ops = {
	.kring_on	= lm_pipe_kring_on,
	.kring_off	= lm_pipe_kring_off,
	.txsync		= lm_pipe_txsync,
	.rxsync		= lm_pipe_rxsync,
};

static struct lm_pipe *lm_pipe_create(const char *base, const char *id,
				      u32 slots_hint)
{
	struct lm_pipe *pipe;
	u32 slots, e;

	lm_pipe_geometry(slots_hint, &slots);
	pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);
	if (!pipe)
		return NULL;
	strscpy(pipe->base, base, sizeof(pipe->base));
	strscpy(pipe->id, id, sizeof(pipe->id));
	for (e = 0; e < 2; e++) {
		struct lm_adapter *na = lm_adapter_alloc(1, 1, 0, slots, slots);

		if (!na)
			goto err_free_ends;
		snprintf(na->name, sizeof(na->name), "%s%c%s", base,
			 e ? '}' : '{', id);
		na->ops = &lm_pipe_ops;
		na->drv_priv = pipe;
		na->is_pipe = true;
		pipe->end[e] = na;
	}
	/* master tx -> slave rx, slave tx -> master rx */
	pipe->end[0]->tx_rings[0].pipe_peer = &pipe->end[1]->rx_rings[0];
	pipe->end[1]->rx_rings[0].pipe_peer = &pipe->end[0]->tx_rings[0];
	pipe->end[1]->tx_rings[0].pipe_peer = &pipe->end[0]->rx_rings[0];
	pipe->end[0]->rx_rings[0].pipe_peer = &pipe->end[1]->tx_rings[0];
	list_add(&pipe->list, &lm_pipes);
	lm_stat_inc(pipes_alloc);
	return pipe;

err_free_ends:
	while (e--)
		lm_adapter_put(pipe->end[e]);
	kfree(pipe);
	return NULL;
}

static struct lm_pipe *lm_pipe_find(const char *base, const char *id)
{
	struct lm_pipe *pipe;

	list_for_each_entry(pipe, &lm_pipes, list)
		if (!strcmp(pipe->base, base) && !strcmp(pipe->id, id))
			return pipe;
	return NULL;
}

/*
 * Slots per ring of pipe end "name": the pipe's own if it exists, else
 * what it would get.  -EINVAL for a malformed name.
 */
int lm_pipe_info(const char *name, u32 *slots)
{
	char base[NETMAP_REQ_IFNAMSIZ], id[NETMAP_REQ_IFNAMSIZ];
	struct lm_pipe *pipe;

	if (lm_pipe_split(name, base, id) < 0)
		return -EINVAL;
	mutex_lock(&lm_core_lock);
	pipe = lm_pipe_find(base, id);
	if (pipe)
		*slots = pipe->end[0]->tx_rings[0].nkr_num_slots;
	else
		lm_pipe_geometry(0, slots);
	mutex_unlock(&lm_core_lock);
	return 0;
}

/*
 * The adapter of pipe end "name", created with its peer on first use.
 * Returns it with a reference (drop with lm_pipe_put()), or an ERR_PTR.
 * lm_core_lock held.
 */
struct lm_adapter *lm_pipe_get(const char *name, u32 slots_hint)
{
	char base[NETMAP_REQ_IFNAMSIZ], id[NETMAP_REQ_IFNAMSIZ];
	struct lm_pipe *pipe;
	int end;

	lockdep_assert_held(&lm_core_lock);
	end = lm_pipe_split(name, base, id);
	if (end < 0)
		return ERR_PTR(-EINVAL);
	pipe = lm_pipe_find(base, id) ?: lm_pipe_create(base, id, slots_hint);
	if (!pipe)
		return ERR_PTR(-ENOMEM);
	pipe->binders++;
	lm_adapter_get(pipe->end[end]);
	return pipe->end[end];
}

void lm_pipe_put(struct lm_adapter *na)
{
	struct lm_pipe *pipe = na->drv_priv;

	lockdep_assert_held(&lm_core_lock);
	lm_adapter_put(na);
	if (--pipe->binders)
		return;
	list_del(&pipe->list);
	lm_adapter_put(pipe->end[0]);
	lm_adapter_put(pipe->end[1]);
	kfree(pipe);
	lm_stat_inc(pipes_free);
}
