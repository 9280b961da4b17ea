// SPDX-License-Identifier: GPL-2.0
/*
 * livemap core: a dying process's rings go back before its address space
 * is torn down.
 *
 * A file's rings are handed back when the file is closed, and Linux closes
 * a dying process's files only after it has torn its address space down
 * (do_exit(): exit_mm() before exit_files()).  That teardown took 2-31 ms
 * under ftrace on the test bed, sharing the vCPU with the stream's
 * softirqs, and all that time a killed application's rx ring stays in
 * netmap mode: the stack receives nothing (issue 5 asks for 10 ms).
 *
 * The first mmap() of a bound file registers an mmu notifier on that
 * address space (one per address space, shared by its files).  Its
 * ->release runs at the start of exit_mmap(), before any page is
 * unmapped.  If then every reference to the file is either a mapping in
 * that address space or an fd of the current task while it exits with a
 * files table of its own, nothing can use the file again: its krings are
 * unbound there (lm_priv_detach(), what close would do first), and close
 * frees the rest later.  In every other case the rings stay until close,
 * as before: a forked child mapping the region, the fd in another process
 * (fork, SCM_RIGHTS, a shared table), an exec keeping the fd, an mmput()
 * from another context (a /proc reader holding the mm).
 *
 * Nothing else can take a reference to the file after that check but a
 * task ptrace-capable of the dying one (pidfd_getfd()); such a task finds
 * the rings gone (ENXIO), and priv->use keeps its syncs off the detach.
 */
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "lm_kern.h"

struct lm_mm {
	struct mmu_notifier mn;
	spinlock_t	lock;
	struct list_head privs;		/* lm_priv.mm_node: first mapped here */
};

static struct lm_mm *to_lmm(struct mmu_notifier *mn)
{
	return container_of(mn, struct lm_mm, mn);
}

struct lm_fd_count {
	const struct file *file;
	long *n;
};

static int lm_fd_count_one(const void *p, struct file *file, unsigned int fd)
{
	const struct lm_fd_count *c = p;

	if (file == c->file)
		(*c->n)++;
	return 0;	/* go on: a dup'ed fd is one more reference */
}

/*
 * Can anything but this dying address space and the exiting current task
 * reach the file?  file_count() holds one reference per fd, per mapping
 * and per transient holder (a /proc reader, an in-flight SCM_RIGHTS
 * message, io_uring): equal to ours only if there is no other.
 */
static bool lm_mm_last_user(struct lm_priv *priv)
{
	struct files_struct *files = current->files;
	long refs = atomic_read(&priv->mm_vmas);

	if ((current->flags & PF_EXITING) && !current->mm && files &&
	    atomic_read(&files->count) == 1) {
		struct lm_fd_count c = { .file = priv->file, .n = &refs };

		iterate_fd(files, 0, lm_fd_count_one, &c);
	}
	return file_count(priv->file) == refs;
}

static void lm_mm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct lm_mm *lmm = to_lmm(mn);
	struct lm_priv *priv;

again:
	spin_lock(&lmm->lock);
	list_for_each_entry(priv, &lmm->privs, mm_node) {
		if (priv->exit_seen)
			continue;
		priv->exit_seen = true;
		if (!lm_mm_last_user(priv))
			continue;
		spin_unlock(&lmm->lock);
		/*
		 * Not freed under us: its last reference goes in exit_files()
		 * or with this address space's mappings, both after we return.
		 */
		lm_priv_detach(priv);
		lm_stat_inc(exit_detach);
		goto again;
	}
	spin_unlock(&lmm->lock);
}

static struct mmu_notifier *lm_mm_alloc(struct mm_struct *mm)
{
	struct lm_mm *lmm = kzalloc(sizeof(*lmm), GFP_KERNEL);

	if (!lmm)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&lmm->lock);
	INIT_LIST_HEAD(&lmm->privs);
	return &lmm->mn;
}

static void lm_mm_free(struct mmu_notifier *mn)
{
	kfree(to_lmm(mn));
}

static const struct mmu_notifier_ops lm_mm_ops = {
	.release	= lm_mm_release,
	.alloc_notifier	= lm_mm_alloc,
	.free_notifier	= lm_mm_free,
};

/*
 * mmap() of a bound file, mmap_lock held for writing.  The first one
 * chooses the address space; on failure (no memory, a signal in
 * mm_take_all_locks()) the file simply keeps the close-time hand-back.
 */
void lm_mm_track(struct lm_priv *priv, struct vm_area_struct *vma)
{
	struct mmu_notifier *mn;
	struct lm_mm *lmm = READ_ONCE(priv->lmm);

	if (lmm) {
		if (lmm->mn.mm == vma->vm_mm)
			atomic_inc(&priv->mm_vmas);
		return;
	}
	mn = mmu_notifier_get_locked(&lm_mm_ops, vma->vm_mm);
	if (IS_ERR(mn))
		return;
	lmm = to_lmm(mn);
	/* A concurrent first mmap() can only be in another address space. */
	if (cmpxchg(&priv->lmm, NULL, lmm)) {
		mmu_notifier_put(mn);
		return;
	}
	atomic_inc(&priv->mm_vmas);
	spin_lock(&lmm->lock);
	list_add(&priv->mm_node, &lmm->privs);
	spin_unlock(&lmm->lock);
}

/* A mapping split, moved or copied by fork(): count the ones in lmm's. */
void lm_mm_vma_open(struct vm_area_struct *vma)
{
	struct lm_priv *priv = vma->vm_file->private_data;
	struct lm_mm *lmm = READ_ONCE(priv->lmm);

	if (lmm && lmm->mn.mm == vma->vm_mm)
		atomic_inc(&priv->mm_vmas);
}

void lm_mm_vma_close(struct vm_area_struct *vma)
{
	struct lm_priv *priv = vma->vm_file->private_data;
	struct lm_mm *lmm = READ_ONCE(priv->lmm);

	if (lmm && lmm->mn.mm == vma->vm_mm)
		atomic_dec(&priv->mm_vmas);
}

/* release() of the file: lmm's ->release must not find it any more. */
void lm_mm_untrack(struct lm_priv *priv)
{
	struct lm_mm *lmm = priv->lmm;

	if (!lmm)
		return;
	spin_lock(&lmm->lock);
	list_del_init(&priv->mm_node);
	spin_unlock(&lmm->lock);
	mmu_notifier_put(&lmm->mn);	/* freed after an SRCU grace period */
}

/* Module exit: the frees mmu_notifier_put() queued run our code. */
void lm_mm_exit(void)
{
	mmu_notifier_synchronize();
}
