// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the VM harness: proves that the harness notices a
 * kernel that misbehaves.  Never loaded outside a test guest.
 *
 *   insmod livemap_testmod.ko fault=bug    BUG() at load
 *   insmod livemap_testmod.ko fault=warn   WARN() at load, then loads
 *   insmod livemap_testmod.ko              does nothing
 */
#include <linux/module.h>
#include <linux/bug.h>
#include <linux/string.h>

static char *fault = "";
module_param(fault, charp, 0444);
MODULE_PARM_DESC(fault, "bug | warn | empty");

static int __init lm_testmod_init(void)
{
	if (!strcmp(fault, "bug"))
		BUG();
	WARN(!strcmp(fault, "warn"), "livemap_testmod: requested warning\n");
	return 0;
}

static void __exit lm_testmod_exit(void)
{
}

module_init(lm_testmod_init);
module_exit(lm_testmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livemap test-only fault injector");
