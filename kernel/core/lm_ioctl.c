// SPDX-License-Identifier: GPL-2.0
/*
 * lm_ioctl.c - the control requests: NIOCCTRL (struct nmreq_header) and
 * the legacy NIOCGINFO / NIOCREGIF (struct nmreq), both translated into
 * the same register / port-info code.
 *
 * Everything here comes from userspace and is checked before use:
 *   nr_version     NETMAP_MIN_API..NETMAP_MAX_API, else EINVAL (the
 *                  kernel's version is written back)
 *   nr_reserved    must be 0 (EINVAL)
 *   nr_name        NUL within its array (EINVAL)
 *   nr_reqtype     REGISTER, PORT_INFO_GET, POOLS_INFO_GET; other netmap
 *                  types EOPNOTSUPP; unknown types EINVAL
 *   nr_body        non-NULL, copied with the size of its type (EFAULT)
 *   nr_options     walked at most LM_MAX_OPTIONS links, a repeated link
 *                  is a loop (EINVAL); livemap implements no option, so
 *                  each one gets nro_status = EOPNOTSUPP and the request
 *                  fails with EOPNOTSUPP before anything is changed
 *   register       mode, ring id and flags checked against the port (EINVAL),
 *                  unknown port ENXIO, fd already bound EBUSY, ring held
 *                  exclusively EBUSY
 */
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include "lm_kern.h"

#define LM_MAX_OPTIONS	16

#define LM_REG_FLAGS_OK	(NR_EXCLUSIVE | NR_RX_RINGS_ONLY | NR_TX_RINGS_ONLY | \
			 NR_ACCEPT_VNET_HDR | NR_DO_RX_POLL | NR_NO_TX_POLL)
#define LM_REG_FLAGS_UNSUPP	(NR_MONITOR_TX | NR_MONITOR_RX | NR_ZCOPY_MON)

/* Strip the optional "netmap:" prefix applications may leave in. */
static const char *lm_port_name(const char *name)
{
	return strncmp(name, "netmap:", 7) ? name : name + 7;
}

/*
 * Walk the option list.  Since no option is implemented, any option makes
 * the request fail, after each option visited has its nro_status set.
 */
static int lm_options_reject(u64 uptr)
{
	u64 seen[LM_MAX_OPTIONS];
	struct nmreq_option opt;
	int n = 0, i;

	while (uptr) {
		struct nmreq_option __user *uopt = u64_to_user_ptr(uptr);

		for (i = 0; i < n; i++) {
			if (seen[i] == uptr) {
				lm_ratelimited("option list loops\n");
				return -EINVAL;
			}
		}
		if (n == LM_MAX_OPTIONS) {
			lm_ratelimited("more than %d options\n", LM_MAX_OPTIONS);
			return -EINVAL;
		}
		seen[n++] = uptr;
		if (copy_from_user(&opt, uopt, sizeof(opt)))
			return -EFAULT;
		if (put_user((u32)EOPNOTSUPP, &uopt->nro_status))
			return -EFAULT;
		uptr = opt.nro_next;
	}
	return n ? -EOPNOTSUPP : 0;
}

struct lm_reg_range {
	u32 first[2], last[2];
};

/* Rings a registration selects.  lm_core_lock held. */
static int lm_reg_ranges(struct lm_adapter *na, u32 mode, u32 ringid, u64 flags,
			 struct lm_reg_range *r)
{
	u32 ntx = na->num_tx_rings, nrx = na->num_rx_rings;
	u32 htx = na->num_host_tx_rings, hrx = na->num_host_rx_rings;

	memset(r, 0, sizeof(*r));
	switch (mode) {
	case NR_REG_DEFAULT:
	case NR_REG_ALL_NIC:
		r->last[LM_TX] = ntx;
		r->last[LM_RX] = nrx;
		break;
	case NR_REG_SW:
		if (!htx || !hrx)
			return -EINVAL;
		r->first[LM_TX] = ntx;
		r->last[LM_TX] = ntx + htx;
		r->first[LM_RX] = nrx;
		r->last[LM_RX] = nrx + hrx;
		break;
	case NR_REG_NIC_SW:
		if (!htx || !hrx)
			return -EINVAL;
		r->last[LM_TX] = ntx + htx;
		r->last[LM_RX] = nrx + hrx;
		break;
	case NR_REG_ONE_NIC:
		if (ringid >= ntx && ringid >= nrx)
			return -EINVAL;
		if (ringid < ntx) {
			r->first[LM_TX] = ringid;
			r->last[LM_TX] = ringid + 1;
		}
		if (ringid < nrx) {
			r->first[LM_RX] = ringid;
			r->last[LM_RX] = ringid + 1;
		}
		break;
	case NR_REG_ONE_SW:
		if (ringid >= htx || ringid >= hrx)
			return -EINVAL;
		r->first[LM_TX] = ntx + ringid;
		r->last[LM_TX] = ntx + ringid + 1;
		r->first[LM_RX] = nrx + ringid;
		r->last[LM_RX] = nrx + ringid + 1;
		break;
	case NR_REG_NULL:
		break;
	default:	/* PIPE_MASTER/SLAVE (use x{y names) and unknown modes */
		return -EINVAL;
	}
	if (flags & NR_TX_RINGS_ONLY)
		r->first[LM_RX] = r->last[LM_RX] = 0;
	if (flags & NR_RX_RINGS_ONLY)
		r->first[LM_TX] = r->last[LM_TX] = 0;
	return 0;
}

/*
 * Unbind one file's krings, [first[t], last[t]) of each type: receive
 * rings first, so that on the exit of a killed or closing application the
 * stack's receive path, which waits for this (issue 5: receiving again
 * within 10 ms of a kill), comes back first.  The krings the file was the
 * last to hold go back to the driver in one switch_begin/end bracket, as
 * they came (lm_register()).
 */
static void lm_unbind(struct lm_adapter *na, const u32 *first, const u32 *last)
{
	static const enum lm_txrx order[] = { LM_RX, LM_TX };
	bool leaving = false;
	u32 i, o;

	for (o = 0; o < ARRAY_SIZE(order); o++)
		for (i = first[order[o]]; i < last[order[o]]; i++)
			leaving |= lm_kring_unbind(lm_kring(na, order[o], i));
	if (leaving) {
		if (na->ops->switch_begin)
			na->ops->switch_begin(na);
		for (o = 0; o < ARRAY_SIZE(order); o++)
			for (i = first[order[o]]; i < last[order[o]]; i++)
				lm_kring_unbind_retire(lm_kring(na, order[o], i));
		if (na->ops->switch_end)
			na->ops->switch_end(na);
	}
	for (o = 0; o < ARRAY_SIZE(order); o++)
		for (i = first[order[o]]; i < last[order[o]]; i++)
			lm_kring_unbind_free(lm_kring(na, order[o], i));
}

static void lm_port_put(struct lm_adapter *na)
{
	if (na->is_pipe)
		lm_pipe_put(na);
	else
		lm_adapter_put(na);
}

/* Register a port on priv.  req is the kernel copy; results written to it. */
static int lm_register(struct lm_priv *priv, const char *uname,
		       struct nmreq_register *req)
{
	const char *name = lm_port_name(uname);
	u32 ntotal[2], bound[2], i, nif, want, got, head = 0;
	struct netmap_if *nifp;
	struct lm_reg_range r;
	struct lm_adapter *na;
	struct lm_mem *mem;
	enum lm_txrx t;
	u64 nifp_ofs;
	u16 if_owner;
	int err;

	if (req->nr_flags & ~(LM_REG_FLAGS_OK | LM_REG_FLAGS_UNSUPP)) {
		lm_ratelimited("register: unknown flags %#llx\n", req->nr_flags);
		return -EINVAL;
	}
	if (req->nr_flags & LM_REG_FLAGS_UNSUPP) {
		lm_ratelimited("register: monitor flags are not supported\n");
		return -EOPNOTSUPP;
	}
	if ((req->nr_flags & NR_TX_RINGS_ONLY) && (req->nr_flags & NR_RX_RINGS_ONLY)) {
		lm_ratelimited("register: NR_TX_RINGS_ONLY and NR_RX_RINGS_ONLY together\n");
		return -EINVAL;
	}
	if (req->nr_mem_id > 1) {
		lm_ratelimited("register: nr_mem_id %u (only 1, the global allocator)\n",
			       req->nr_mem_id);
		return -EINVAL;
	}
	if (!name[0]) {
		lm_ratelimited("register: empty port name\n");
		return -EINVAL;
	}

	mutex_lock(&lm_core_lock);
	if (priv->na) {
		err = -EBUSY;
		goto out_unlock;
	}
	if (lm_pipe_name(name))
		na = lm_pipe_get(name, req->nr_tx_slots ?: req->nr_rx_slots);
	else
		na = lm_nic_find(name) ?: ERR_PTR(-ENXIO);
	if (IS_ERR(na)) {
		err = PTR_ERR(na);
		goto out_unlock;
	}
	err = lm_reg_ranges(na, req->nr_mode, req->nr_ringid, req->nr_flags, &r);
	if (err)
		goto err_put_port;
	mem = lm_mem_get_global();
	if (IS_ERR(mem)) {
		err = PTR_ERR(mem);
		goto err_put_port;
	}
	err = lm_adapter_attach_mem(na, mem);
	if (err)
		goto err_put_mem;

	/* [r.first, bound) of each type are bound, to undo after
	 * switch_end(): an unbind syncs, and a sync may take the lock the
	 * driver holds across. */
	memcpy(bound, r.first, sizeof(bound));
	if (na->ops->switch_begin)
		na->ops->switch_begin(na);
	for (t = LM_TX; t <= LM_RX; t++) {
		for (i = r.first[t]; i < r.last[t] && !err; i++) {
			err = lm_kring_bind(lm_kring(na, t, i), mem,
					    req->nr_flags & NR_EXCLUSIVE);
			if (!err)
				bound[t]++;
		}
	}
	if (na->ops->switch_end)
		na->ops->switch_end(na);
	if (err) {
		lm_unbind(na, r.first, bound);
		goto err_put_mem;
	}

	ntotal[LM_TX] = lm_num_krings(na, LM_TX);
	ntotal[LM_RX] = lm_num_krings(na, LM_RX);
	nif = ntotal[LM_TX] + ntotal[LM_RX];
	nifp = lm_mem_if_alloc(mem, sizeof(*nifp) + nif * sizeof(ssize_t), &nifp_ofs,
			       &if_owner);
	if (!nifp) {
		err = -ENOMEM;
		goto err_unbind;
	}
	strscpy(nifp->ni_name, na->name, sizeof(nifp->ni_name));
	*(u32 *)&nifp->ni_version = NETMAP_API;
	*(u32 *)&nifp->ni_tx_rings = na->num_tx_rings;
	*(u32 *)&nifp->ni_rx_rings = na->num_rx_rings;
	*(u32 *)&nifp->ni_host_tx_rings = na->num_host_tx_rings;
	*(u32 *)&nifp->ni_host_rx_rings = na->num_host_rx_rings;
	for (t = LM_TX; t <= LM_RX; t++) {
		ssize_t *ofs = (ssize_t *)nifp->ring_ofs + (t == LM_RX ? ntotal[LM_TX] : 0);

		for (i = r.first[t]; i < r.last[t]; i++)
			ofs[i] = (ssize_t)(lm_kring(na, t, i)->ring_ofs - nifp_ofs);
	}

	/* Extra buffers: at most a quarter of the pool, fewer if short. */
	want = min_t(u32, req->nr_extra_bufs, na->lut.nbufs / 4);
	got = lm_mem_extra_alloc(mem, want, &head, if_owner);
	nifp->ni_bufs_head = head;

	req->nr_offset = nifp_ofs;
	req->nr_memsize = mem->size;
	req->nr_tx_slots = na->tx_rings[0].nkr_num_slots;
	req->nr_rx_slots = na->rx_rings[0].nkr_num_slots;
	req->nr_tx_rings = na->num_tx_rings;
	req->nr_rx_rings = na->num_rx_rings;
	req->nr_host_tx_rings = na->num_host_tx_rings;
	req->nr_host_rx_rings = na->num_host_rx_rings;
	req->nr_mem_id = mem->mem_id;
	req->nr_extra_bufs = got;

	priv->mem = mem;
	priv->nifp = nifp;
	priv->nifp_ofs = nifp_ofs;
	memcpy(priv->first, r.first, sizeof(priv->first));
	memcpy(priv->last, r.last, sizeof(priv->last));
	priv->reg_flags = req->nr_flags;
	priv->extra_count = got;
	priv->if_owner = if_owner;
	priv->null_mode = req->nr_mode == NR_REG_NULL;
	/* Pairs with smp_load_acquire() in lm_ioctl(), lm_poll(), lm_mmap(). */
	smp_store_release(&priv->na, na);
	mutex_unlock(&lm_core_lock);
	return 0;

err_unbind:
	lm_unbind(na, r.first, r.last);
err_put_mem:
	lm_mem_put(mem);
err_put_port:
	lm_port_put(na);
out_unlock:
	mutex_unlock(&lm_core_lock);
	return err;
}

/* Undo lm_register() at close. */
void lm_priv_unbind(struct lm_priv *priv)
{
	struct lm_adapter *na = priv->na;

	if (!na)
		return;
	mutex_lock(&lm_core_lock);
	lm_unbind(na, priv->first, priv->last);
	/*
	 * The extra buffers still the file's, wherever ni_bufs_head points.
	 * A file gets buffers from lm_mem_extra_alloc() only (syncs and
	 * loans move them to rings, never to a file): without extras there
	 * is nothing to free, and no pass over every buffer's owner (0.12 ms
	 * of a 0.9 ms close under TCG) to make.
	 */
	if (priv->extra_count)
		lm_mem_free_owned(priv->mem, priv->if_owner);
	lm_mem_if_free(priv->mem, priv->nifp);
	lm_port_put(na);
	lm_mem_put(priv->mem);
	priv->na = NULL;
	mutex_unlock(&lm_core_lock);
}

static int lm_port_info(const char *uname, struct nmreq_port_info_get *pi)
{
	const char *name = lm_port_name(uname);
	struct lm_mem_geom g;
	struct lm_adapter *na;
	u32 slots;

	lm_mem_geometry(&g);
	memset(pi, 0, sizeof(*pi));
	pi->nr_memsize = g.total;
	pi->nr_mem_id = 1;
	if (lm_pipe_name(name)) {
		/* Describe the pipe without creating it. */
		if (lm_pipe_info(name, &slots))
			return -EINVAL;
		pi->nr_tx_slots = pi->nr_rx_slots = slots;
		pi->nr_tx_rings = pi->nr_rx_rings = 1;
		return 0;
	}
	mutex_lock(&lm_core_lock);
	na = lm_nic_find(name);
	if (na) {
		pi->nr_tx_slots = na->tx_rings[0].nkr_num_slots;
		pi->nr_rx_slots = na->rx_rings[0].nkr_num_slots;
		pi->nr_tx_rings = na->num_tx_rings;
		pi->nr_rx_rings = na->num_rx_rings;
		pi->nr_host_tx_rings = na->num_host_tx_rings;
		pi->nr_host_rx_rings = na->num_host_rx_rings;
		lm_adapter_put(na);
	}
	mutex_unlock(&lm_core_lock);
	return na ? 0 : -ENXIO;
}

static bool lm_name_ok(const char *name, size_t size)
{
	if (memchr(name, '\0', size))
		return true;
	lm_ratelimited("port name not NUL-terminated\n");
	return false;
}

long lm_ioctl_ctrl(struct lm_priv *priv, void __user *uarg)
{
	struct nmreq_header __user *uhdr = uarg;
	struct nmreq_header hdr;
	union {
		struct nmreq_register reg;
		struct nmreq_port_info_get info;
		struct nmreq_pools_info pools;
	} body;
	void __user *ubody;
	size_t bsize;
	int err;

	if (copy_from_user(&hdr, uhdr, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nr_version < NETMAP_MIN_API || hdr.nr_version > NETMAP_MAX_API) {
		lm_ratelimited("nr_version %u not in [%d, %d]\n", hdr.nr_version,
			       NETMAP_MIN_API, NETMAP_MAX_API);
		if (put_user((u16)NETMAP_API, &uhdr->nr_version))
			return -EFAULT;
		return -EINVAL;
	}
	if (hdr.nr_reserved) {
		lm_ratelimited("nr_reserved is %u, must be 0\n", hdr.nr_reserved);
		return -EINVAL;
	}
	if (!lm_name_ok(hdr.nr_name, sizeof(hdr.nr_name)))
		return -EINVAL;
	switch (hdr.nr_reqtype) {
	case NETMAP_REQ_REGISTER:
		bsize = sizeof(body.reg);
		break;
	case NETMAP_REQ_PORT_INFO_GET:
		bsize = sizeof(body.info);
		break;
	case NETMAP_REQ_POOLS_INFO_GET:
		bsize = sizeof(body.pools);
		break;
	case NETMAP_REQ_VALE_ATTACH ... NETMAP_REQ_VALE_POLLING_DISABLE:
	case NETMAP_REQ_SYNC_KLOOP_START ... NETMAP_REQ_CSB_ENABLE:
		return -EOPNOTSUPP;
	default:
		lm_ratelimited("unknown request type %u\n", hdr.nr_reqtype);
		return -EINVAL;
	}
	if (!hdr.nr_body) {
		lm_ratelimited("request without a body\n");
		return -EINVAL;
	}
	ubody = u64_to_user_ptr(hdr.nr_body);
	if (copy_from_user(&body, ubody, bsize))
		return -EFAULT;
	err = lm_options_reject(hdr.nr_options);
	if (err)
		return err;

	switch (hdr.nr_reqtype) {
	case NETMAP_REQ_REGISTER:
		err = lm_register(priv, hdr.nr_name, &body.reg);
		break;
	case NETMAP_REQ_PORT_INFO_GET:
		err = lm_port_info(hdr.nr_name, &body.info);
		break;
	case NETMAP_REQ_POOLS_INFO_GET:
		if (body.pools.nr_mem_id > 1) {
			err = -EINVAL;
			break;
		}
		lm_mem_pools_info(&body.pools);
		err = 0;
		break;
	}
	if (err)
		return err;
	if (copy_to_user(ubody, &body, bsize)) {
		/* A bound fd stays bound: close() releases it. */
		return -EFAULT;
	}
	return 0;
}

/* Legacy struct nmreq -> the same paths. */
long lm_ioctl_legacy(struct lm_priv *priv, unsigned int cmd, void __user *ureq)
{
	struct nmreq __user *unmr = ureq;
	struct nmreq_port_info_get info;
	struct nmreq_register reg;
	struct nmreq nmr;
	int err;

	if (copy_from_user(&nmr, unmr, sizeof(nmr)))
		return -EFAULT;
	if (nmr.nr_version < NETMAP_MIN_API || nmr.nr_version > NETMAP_MAX_API) {
		lm_ratelimited("legacy nr_version %u not in [%d, %d]\n",
			       nmr.nr_version, NETMAP_MIN_API, NETMAP_MAX_API);
		if (put_user((u32)NETMAP_API, &unmr->nr_version))
			return -EFAULT;
		return -EINVAL;
	}
	if (!lm_name_ok(nmr.nr_name, sizeof(nmr.nr_name)))
		return -EINVAL;
	if (nmr.nr_cmd)
		return -EOPNOTSUPP;	/* switch and ptnetmap commands */

	if (cmd == NIOCGINFO) {
		if (!nmr.nr_name[0]) {
			struct lm_mem_geom g;

			lm_mem_geometry(&g);
			nmr.nr_memsize = g.total;
			nmr.nr_arg2 = 1;
		} else {
			err = lm_port_info(nmr.nr_name, &info);
			if (err)
				return err;
			nmr.nr_memsize = info.nr_memsize;
			nmr.nr_tx_slots = info.nr_tx_slots;
			nmr.nr_rx_slots = info.nr_rx_slots;
			nmr.nr_tx_rings = info.nr_tx_rings;
			nmr.nr_rx_rings = info.nr_rx_rings;
			nmr.nr_arg2 = info.nr_mem_id;
		}
		return copy_to_user(unmr, &nmr, sizeof(nmr)) ? -EFAULT : 0;
	}

	memset(&reg, 0, sizeof(reg));
	reg.nr_tx_slots = nmr.nr_tx_slots;
	reg.nr_rx_slots = nmr.nr_rx_slots;
	reg.nr_mem_id = nmr.nr_arg2;
	reg.nr_extra_bufs = nmr.nr_arg3;
	if (nmr.nr_flags & NR_REG_MASK) {
		reg.nr_mode = nmr.nr_flags & NR_REG_MASK;
		reg.nr_ringid = nmr.nr_ringid & NETMAP_RING_MASK;
		reg.nr_flags = nmr.nr_flags & ~NR_REG_MASK;
	} else if (nmr.nr_ringid & NETMAP_SW_RING) {
		reg.nr_mode = NR_REG_SW;
	} else if (nmr.nr_ringid & NETMAP_HW_RING) {
		reg.nr_mode = NR_REG_ONE_NIC;
		reg.nr_ringid = nmr.nr_ringid & NETMAP_RING_MASK;
	} else {
		reg.nr_mode = NR_REG_ALL_NIC;
	}
	if (nmr.nr_ringid & NETMAP_NO_TX_POLL)
		reg.nr_flags |= NR_NO_TX_POLL;
	if (nmr.nr_ringid & NETMAP_DO_RX_POLL)
		reg.nr_flags |= NR_DO_RX_POLL;

	err = lm_register(priv, nmr.nr_name, &reg);
	if (err)
		return err;
	nmr.nr_offset = reg.nr_offset;
	nmr.nr_memsize = reg.nr_memsize;
	nmr.nr_tx_slots = reg.nr_tx_slots;
	nmr.nr_rx_slots = reg.nr_rx_slots;
	nmr.nr_tx_rings = reg.nr_tx_rings;
	nmr.nr_rx_rings = reg.nr_rx_rings;
	nmr.nr_arg2 = reg.nr_mem_id;
	nmr.nr_arg3 = reg.nr_extra_bufs;
	return copy_to_user(unmr, &nmr, sizeof(nmr)) ? -EFAULT : 0;
}
