// SPDX-License-Identifier: GPL-2.0
/*
 * livemap core: the /dev/netmap character device.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <net/netmap.h>
#include "lm_core.h"

#define LIVEMAP_VERSION "0.1"

static const struct file_operations lm_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice lm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "netmap",
	.fops = &lm_fops,
	.mode = 0600,
};

static int __init lm_init(void)
{
	int err = misc_register(&lm_misc);

	if (err) {
		pr_err("livemap: cannot register /dev/netmap: %d\n", err);
		return err;
	}
	pr_info("livemap: version " LIVEMAP_VERSION " loaded, /dev/netmap ready\n");
	return 0;
}

static void __exit lm_exit(void)
{
	misc_deregister(&lm_misc);
	pr_info("livemap: unloaded\n");
}

module_init(lm_init);
module_exit(lm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livemap: hitless netmap-compatible packet I/O");
MODULE_VERSION(LIVEMAP_VERSION);
