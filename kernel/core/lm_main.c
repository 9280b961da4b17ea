// SPDX-License-Identifier: GPL-2.0
/*
 * livemap core: the /dev/netmap character device.
 *
 * One lm_priv per open file.  A file is bound to a port once (REGISTER or
 * NIOCREGIF) and stays bound until close.  The shared region is mapped
 * with mmap(); each mapping holds a reference on the allocator, so the
 * memory outlives neither a mapping nor a bound file.
 *
 * Errors of the file operations (documented for test/guest/core_badinput):
 *   NIOCTXSYNC/NIOCRXSYNC/mmap on an unbound file       ENXIO
 *   sync on a ring whose adapter went away             ENXIO
 *   sync with head/cur outside the user's part          EINVAL (ring reset)
 *   sync with a bad buf_idx (0, 1, >= pool) or len      EINVAL (ring reset)
 *   mmap past the region, or not MAP_SHARED             EINVAL
 *   unknown ioctl                                       ENOTTY
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/netmap.h>
#include "lm_compat.h"
#include "lm_kern.h"

#define LIVEMAP_VERSION "0.2"

DEFINE_MUTEX(lm_core_lock);
struct workqueue_struct *lm_wq;
struct lm_stats lm_stats;

/* ------------------------------------------------------------ stats */

static int lm_stats_get(char *buf, const struct kernel_param *kp)
{
	struct lm_mem_usage u = { 0 };
	int len;

	/* Gauges of the live allocator (all 0 when there is none). */
	lm_mem_global_usage(&u);
	len = scnprintf(buf, PAGE_SIZE,
			"bufs_in_use %u\nbufs_lent %u\nrings_in_use %u\nifs_in_use %u\n",
			u.bufs_in_use, u.bufs_lent, u.rings_in_use, u.ifs_in_use);
#define LM_ST(f) (long long)atomic64_read(&lm_stats.f)
	return len + scnprintf(buf + len, PAGE_SIZE - len,
			 "pages_alloc %lld\npages_free %lld\n"
			 "mem_alloc %lld\nmem_free %lld\n"
			 "adapters_alloc %lld\nadapters_free %lld\n"
			 "pipes_alloc %lld\npipes_free %lld\n"
			 "files_open %lld\nfiles_close %lld\n"
			 "dma_map %lld\ndma_unmap %lld\n"
			 "ring_reinit %lld\n"
			 "host_drops %lld\nhost_tx_drops %lld\n",
			 LM_ST(pages_alloc), LM_ST(pages_free),
			 LM_ST(mem_alloc), LM_ST(mem_free),
			 LM_ST(adapters_alloc), LM_ST(adapters_free),
			 LM_ST(pipes_alloc), LM_ST(pipes_free),
			 LM_ST(files_open), LM_ST(files_close),
			 LM_ST(dma_map), LM_ST(dma_unmap),
			 LM_ST(ring_reinit),
			 LM_ST(host_drops), LM_ST(host_tx_drops));
#undef LM_ST
}

static const struct kernel_param_ops lm_stats_ops = {
	.get = lm_stats_get,
};
module_param_cb(stats, &lm_stats_ops, NULL, 0444);
MODULE_PARM_DESC(stats, "leak accounting: allocation/free counters (read-only)");

/* ------------------------------------------------------------ files */

static int lm_open(struct inode *inode, struct file *file)
{
	struct lm_priv *priv = kzalloc(sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	file->private_data = priv;
	lm_stat_inc(files_open);
	return nonseekable_open(inode, file);
}

static int lm_release(struct inode *inode, struct file *file)
{
	struct lm_priv *priv = file->private_data;

	lm_priv_unbind(priv);
	kfree(priv);
	lm_stat_inc(files_close);
	return 0;
}

static long lm_sync_all(struct lm_priv *priv, enum lm_txrx t)
{
	/* Pairs with smp_store_release() in lm_register(). */
	struct lm_adapter *na = smp_load_acquire(&priv->na);
	long ret = 0;
	u32 i;

	if (!na)
		return -ENXIO;
	for (i = priv->first[t]; i < priv->last[t]; i++) {
		int err = lm_kring_sync(lm_kring(na, t, i), LM_SYNC_FORCE_RECLAIM);

		if (err && !ret)
			ret = err;
	}
	return ret;
}

static long lm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lm_priv *priv = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case NIOCCTRL:
		return lm_ioctl_ctrl(priv, uarg);
	case NIOCGINFO:
	case NIOCREGIF:
		return lm_ioctl_legacy(priv, cmd, uarg);
	case NIOCTXSYNC:
		return lm_sync_all(priv, LM_TX);
	case NIOCRXSYNC:
		return lm_sync_all(priv, LM_RX);
	default:
		return -ENOTTY;
	}
}

/*
 * poll(): register on every bound kring's wait queue first, then sync and
 * look.  A wake-up that comes after poll_wait() re-runs the poll, so none
 * is lost between the check and the sleep.
 */
static __poll_t lm_poll(struct file *file, poll_table *pt)
{
	struct lm_priv *priv = file->private_data;
	struct lm_adapter *na = smp_load_acquire(&priv->na);
	__poll_t want = poll_requested_events(pt), mask = 0;
	bool want_tx = want & (EPOLLOUT | EPOLLWRNORM);
	bool want_rx = want & (EPOLLIN | EPOLLRDNORM);
	u32 i;

	if (!na)
		return EPOLLERR;
	if (want_tx)
		for (i = priv->first[LM_TX]; i < priv->last[LM_TX]; i++)
			poll_wait(file, &lm_kring(na, LM_TX, i)->wq, pt);
	if (want_rx)
		for (i = priv->first[LM_RX]; i < priv->last[LM_RX]; i++)
			poll_wait(file, &lm_kring(na, LM_RX, i)->wq, pt);

	if (want_tx || !(priv->reg_flags & NR_NO_TX_POLL)) {
		for (i = priv->first[LM_TX]; i < priv->last[LM_TX]; i++) {
			struct lm_kring *kring = lm_kring(na, LM_TX, i);

			if (lm_kring_sync(kring, LM_SYNC_FROM_POLL) == -ENXIO)
				mask |= EPOLLERR;
			else if (want_tx && kring->rcur != kring->rtail)
				mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	if (want_rx || (priv->reg_flags & NR_DO_RX_POLL)) {
		for (i = priv->first[LM_RX]; i < priv->last[LM_RX]; i++) {
			struct lm_kring *kring = lm_kring(na, LM_RX, i);

			if (lm_kring_sync(kring, LM_SYNC_FROM_POLL) == -ENXIO)
				mask |= EPOLLERR;
			else if (want_rx && kring->rcur != kring->rtail)
				mask |= EPOLLIN | EPOLLRDNORM;
		}
	}
	return mask;
}

/* ------------------------------------------------------------ mmap */

static void lm_vm_open(struct vm_area_struct *vma)
{
	lm_mem_get(vma->vm_private_data);	/* split or fork: one more vma */
}

static void lm_vm_close(struct vm_area_struct *vma)
{
	lm_mem_put(vma->vm_private_data);
}

static vm_fault_t lm_vm_fault(struct vm_fault *vmf)
{
	struct page *page = lm_mem_page(vmf->vma->vm_private_data, vmf->pgoff);

	if (!page)
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct lm_vm_ops = {
	.open	= lm_vm_open,
	.close	= lm_vm_close,
	.fault	= lm_vm_fault,
};

static int lm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lm_priv *priv = file->private_data;
	struct lm_adapter *na = smp_load_acquire(&priv->na);
	struct lm_mem *mem;

	if (!na)
		return -ENXIO;
	mem = priv->mem;
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;	/* a private copy would not see the kernel's writes */
	if (vma->vm_pgoff >= mem->npages ||
	    vma_pages(vma) > mem->npages - vma->vm_pgoff) {
		lm_ratelimited("mmap of %lu pages at page %lu beyond the %u-page region\n",
			       vma_pages(vma), vma->vm_pgoff, mem->npages);
		return -EINVAL;
	}
	/* No growing with mremap (the bound was checked here), no core dumps
	 * of packet memory. */
	lm_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &lm_vm_ops;
	vma->vm_private_data = mem;
	lm_mem_get(mem);	/* dropped by lm_vm_close() */
	return 0;
}

static const struct file_operations lm_fops = {
	.owner		= THIS_MODULE,
	.open		= lm_open,
	.release	= lm_release,
	.unlocked_ioctl	= lm_ioctl,
	.poll		= lm_poll,
	.mmap		= lm_mmap,
};

static struct miscdevice lm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "netmap",
	.fops = &lm_fops,
	.mode = 0600,
};

/* ------------------------------------------------------------ module */

static int __init lm_init(void)
{
	int err;

	err = lm_mem_params_check();
	if (err)
		return err;
	lm_wq = alloc_workqueue("livemap", WQ_UNBOUND, 0);
	if (!lm_wq)
		return -ENOMEM;
	err = misc_register(&lm_misc);
	if (err) {
		pr_err(LM_NAME ": cannot register /dev/netmap: %d\n", err);
		goto err_destroy_wq;
	}
	pr_info(LM_NAME ": version " LIVEMAP_VERSION " loaded, /dev/netmap ready (API %d)\n",
		NETMAP_API);
	return 0;

err_destroy_wq:
	destroy_workqueue(lm_wq);
	return err;
}

static void __exit lm_exit(void)
{
	misc_deregister(&lm_misc);
	destroy_workqueue(lm_wq);	/* runs deferred allocator frees */
	/*
	 * Every file is closed (we are unloading) and every driver that used
	 * us is gone (it linked against us): all counters must balance.
	 */
	WARN(atomic64_read(&lm_stats.pages_alloc) != atomic64_read(&lm_stats.pages_free) ||
	     atomic64_read(&lm_stats.mem_alloc) != atomic64_read(&lm_stats.mem_free) ||
	     atomic64_read(&lm_stats.adapters_alloc) != atomic64_read(&lm_stats.adapters_free) ||
	     atomic64_read(&lm_stats.pipes_alloc) != atomic64_read(&lm_stats.pipes_free) ||
	     atomic64_read(&lm_stats.dma_map) != atomic64_read(&lm_stats.dma_unmap),
	     LM_NAME ": leak at unload: pages %lld/%lld mem %lld/%lld adapters %lld/%lld pipes %lld/%lld dma %lld/%lld\n",
	     (long long)atomic64_read(&lm_stats.pages_alloc),
	     (long long)atomic64_read(&lm_stats.pages_free),
	     (long long)atomic64_read(&lm_stats.mem_alloc),
	     (long long)atomic64_read(&lm_stats.mem_free),
	     (long long)atomic64_read(&lm_stats.adapters_alloc),
	     (long long)atomic64_read(&lm_stats.adapters_free),
	     (long long)atomic64_read(&lm_stats.pipes_alloc),
	     (long long)atomic64_read(&lm_stats.pipes_free),
	     (long long)atomic64_read(&lm_stats.dma_map),
	     (long long)atomic64_read(&lm_stats.dma_unmap));
	pr_info(LM_NAME ": unloaded (pages allocated %lld, freed %lld)\n",
		(long long)atomic64_read(&lm_stats.pages_alloc),
		(long long)atomic64_read(&lm_stats.pages_free));
}

module_init(lm_init);
module_exit(lm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livemap: hitless netmap-compatible packet I/O");
MODULE_VERSION(LIVEMAP_VERSION);
