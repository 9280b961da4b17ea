// SPDX-License-Identifier: BSD-2-Clause
/*
 * core_badinput - feed /dev/netmap every kind of bad input the issue lists
 * and check that each call fails with the documented errno, that the ring
 * is put back to the kernel's view, and that the port still works after.
 * Runs as root inside the test guest; TAP on stdout.
 *
 * Documented errors (kernel/core/lm_ioctl.c, lm_main.c):
 *   sync or mmap on an unbound fd                    ENXIO
 *   nr_version outside [NETMAP_MIN_API, MAX_API]      EINVAL, version written back
 *   nr_reserved != 0, name without NUL, NULL body    EINVAL
 *   unknown reqtype                                   EINVAL
 *   netmap reqtype livemap lacks (VALE, kloop, csb)   EOPNOTSUPP
 *   option list loops or is longer than 16           EINVAL
 *   any option (none implemented)                    EOPNOTSUPP, nro_status set
 *   bad user pointer                                 EFAULT
 *   bad mode / ringid / flags / mem_id / pipe name   EINVAL
 *   monitor flags                                    EOPNOTSUPP
 *   unknown port                                     ENXIO
 *   second register on one fd, ring held exclusive   EBUSY
 *   head/cur outside the user's part                 EINVAL, ring reset
 *   slot buf_idx 0, 1 or >= pool, len > buf size     EINVAL, ring reset
 *   mmap beyond the region or MAP_PRIVATE            EINVAL
 *   ioctl with a foreign number/size                 ENOTTY
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "tap.h"
#include "core_util.h"

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static int dev_open(void)
{
	int fd = open("/dev/netmap", O_RDWR);

	if (fd < 0) {
		perror("open /dev/netmap");
		exit(1);
	}
	return fd;
}

/* NIOCCTRL register with a fully custom header; returns errno or 0. */
static int reg_raw(int fd, struct nmreq_header *h, struct nmreq_register *r)
{
	h->nr_body = (uintptr_t)r;
	return xioctl(fd, NIOCCTRL, h);
}

static int reg(int fd, const char *name, uint32_t mode, uint16_t ringid,
	       uint64_t flags)
{
	struct nmreq_register r;

	return -cu_register(fd, name, mode, ringid, flags, &r);
}

static void test_unbound(void)
{
	int fd = dev_open();
	void *p;

	is_int(xioctl(fd, NIOCTXSYNC, NULL), ENXIO, "NIOCTXSYNC before register: ENXIO");
	is_int(xioctl(fd, NIOCRXSYNC, NULL), ENXIO, "NIOCRXSYNC before register: ENXIO");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	is_int(p == MAP_FAILED ? errno : 0, ENXIO, "mmap before register: ENXIO");
	{
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		ok(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR),
		   "poll before register: POLLERR, no sleep");
	}
	is_int(xioctl(fd, _IO('i', 200), NULL), ENOTTY, "unknown ioctl: ENOTTY");
	is_int(xioctl(fd, _IOWR('i', 151, char[100]), NULL), ENOTTY,
	       "NIOCCTRL number with a 100-byte (oversized) header: ENOTTY");
	close(fd);
}

static void test_header(void)
{
	int fd = dev_open();
	struct nmreq_register r;
	struct nmreq_header h;
	char *pages;

	cu_hdr(&h, "hd{0", NETMAP_REQ_REGISTER, NULL);
	memset(&r, 0, sizeof(r));
	h.nr_version = 13;
	is_int(reg_raw(fd, &h, &r), EINVAL, "nr_version 13: EINVAL");
	is_int(h.nr_version, NETMAP_API, "  and nr_version is written back as 14");
	h.nr_version = 16;
	is_int(reg_raw(fd, &h, &r), EINVAL, "nr_version 16: EINVAL");
	h.nr_version = 0;
	is_int(reg_raw(fd, &h, &r), EINVAL, "nr_version 0: EINVAL");

	cu_hdr(&h, "hd{0", NETMAP_REQ_REGISTER, NULL);
	h.nr_reserved = 1;
	is_int(reg_raw(fd, &h, &r), EINVAL, "nr_reserved != 0: EINVAL");

	cu_hdr(&h, "hd{0", 99, &r);
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "unknown reqtype 99: EINVAL");
	cu_hdr(&h, "hd{0", 0, &r);
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "reqtype 0: EINVAL");
	cu_hdr(&h, "hd{0", NETMAP_REQ_VALE_ATTACH, &r);
	is_int(xioctl(fd, NIOCCTRL, &h), EOPNOTSUPP, "VALE_ATTACH: EOPNOTSUPP");
	cu_hdr(&h, "hd{0", NETMAP_REQ_CSB_ENABLE, &r);
	is_int(xioctl(fd, NIOCCTRL, &h), EOPNOTSUPP, "CSB_ENABLE: EOPNOTSUPP");

	cu_hdr(&h, "", NETMAP_REQ_REGISTER, &r);
	memset(h.nr_name, 'a', sizeof(h.nr_name));
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "name without NUL: EINVAL");
	cu_hdr(&h, "", NETMAP_REQ_REGISTER, &r);
	memset(&r, 0, sizeof(r));
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "empty name: EINVAL");

	cu_hdr(&h, "hd{0", NETMAP_REQ_REGISTER, NULL);
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "NULL body: EINVAL");
	h.nr_body = 8;
	is_int(xioctl(fd, NIOCCTRL, &h), EFAULT, "body at address 8: EFAULT");
	is_int(xioctl(fd, NIOCCTRL, (void *)8), EFAULT, "header at address 8: EFAULT");

	/* A header cut short by the end of the mapping. */
	pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages != MAP_FAILED) {
		struct nmreq_header *th;

		munmap(pages + 4096, 4096);
		th = (struct nmreq_header *)(pages + 4096 - 40);
		memcpy(th, &h, 40);
		is_int(xioctl(fd, NIOCCTRL, th), EFAULT,
		       "header truncated by an unmapped page: EFAULT");
		munmap(pages, 4096);
	}
	ok(reg(fd, "hd{0", NR_REG_ALL_NIC, 0, 0) == 0,
	   "after all that the fd still registers");
	close(fd);
}

static void test_options(void)
{
	struct nmreq_option o1, o2, many[20];
	struct nmreq_register r;
	struct nmreq_header h;
	int fd = dev_open();
	int i;

	memset(&r, 0, sizeof(r));
	r.nr_mode = NR_REG_ALL_NIC;
	memset(&o1, 0, sizeof(o1));
	memset(&o2, 0, sizeof(o2));

	cu_hdr(&h, "op{0", NETMAP_REQ_REGISTER, &r);
	o1.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	o1.nro_next = (uintptr_t)&o1;
	h.nr_options = (uintptr_t)&o1;
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "option pointing to itself: EINVAL");

	o1.nro_next = (uintptr_t)&o2;
	o2.nro_reqtype = NETMAP_REQ_OPT_EXTMEM;
	o2.nro_next = (uintptr_t)&o1;
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "two options in a loop: EINVAL");

	for (i = 0; i < 20; i++) {
		memset(&many[i], 0, sizeof(many[i]));
		many[i].nro_reqtype = 99;
		many[i].nro_next = i < 19 ? (uintptr_t)&many[i + 1] : 0;
	}
	h.nr_options = (uintptr_t)&many[0];
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "20 options (limit 16): EINVAL");

	o1.nro_next = 0;
	o1.nro_status = 0;
	o1.nro_reqtype = 99;
	h.nr_options = (uintptr_t)&o1;
	is_int(xioctl(fd, NIOCCTRL, &h), EOPNOTSUPP, "unknown option type 99: EOPNOTSUPP");
	is_int(o1.nro_status, EOPNOTSUPP, "  and its nro_status is EOPNOTSUPP");
	o1.nro_status = 0;
	o1.nro_reqtype = NETMAP_REQ_OPT_CSB;
	is_int(xioctl(fd, NIOCCTRL, &h), EOPNOTSUPP, "CSB option: EOPNOTSUPP");
	is_int(o1.nro_status, EOPNOTSUPP, "  and its nro_status is EOPNOTSUPP");

	o1.nro_next = 8;
	is_int(xioctl(fd, NIOCCTRL, &h), EFAULT, "option chain into address 8: EFAULT");
	ok(xioctl(fd, NIOCTXSYNC, NULL) == ENXIO,
	   "a rejected request left the fd unbound");
	h.nr_options = 0;
	is_int(xioctl(fd, NIOCCTRL, &h), 0, "the same request without options works");
	close(fd);
}

static void test_register(void)
{
	struct nmreq_register r;
	struct nmreq_header h;
	int fd = dev_open(), fd2, fd3;

	is_int(reg(fd, "nosuchnic0", NR_REG_ALL_NIC, 0, 0), ENXIO, "unknown port: ENXIO");
	is_int(reg(fd, "netmap:nosuchnic0", NR_REG_ALL_NIC, 0, 0), ENXIO,
	       "unknown port with netmap: prefix: ENXIO");
	is_int(reg(fd, "rg{0", NR_REG_PIPE_MASTER, 0, 0), EINVAL, "mode PIPE_MASTER: EINVAL");
	is_int(reg(fd, "rg{0", NR_REG_PIPE_SLAVE, 0, 0), EINVAL, "mode PIPE_SLAVE: EINVAL");
	is_int(reg(fd, "rg{0", 9, 0, 0), EINVAL, "mode 9: EINVAL");
	is_int(reg(fd, "rg{0", 0xffffffff, 0, 0), EINVAL, "mode 0xffffffff: EINVAL");
	is_int(reg(fd, "rg{0", NR_REG_ONE_NIC, 1, 0), EINVAL,
	       "ONE_NIC ring 1 of a 1-ring pipe: EINVAL");
	is_int(reg(fd, "rg{0", NR_REG_SW, 0, 0), EINVAL, "host rings of a pipe: EINVAL");
	is_int(reg(fd, "rg{0", NR_REG_NIC_SW, 0, 0), EINVAL, "NIC+host of a pipe: EINVAL");
	is_int(reg(fd, "rg{0", NR_REG_ONE_SW, 0, 0), EINVAL, "ONE_SW of a pipe: EINVAL");
	is_int(reg(fd, "rg{0", NR_REG_ALL_NIC, 0, 1ULL << 40), EINVAL, "unknown flag bit 40: EINVAL");
	is_int(reg(fd, "rg{0", NR_REG_ALL_NIC, 0, 0x1000), EINVAL, "retired flag 0x1000: EINVAL");
	is_int(reg(fd, "rg{0", NR_REG_ALL_NIC, 0, NR_MONITOR_TX), EOPNOTSUPP,
	       "NR_MONITOR_TX: EOPNOTSUPP");
	is_int(reg(fd, "rg{0", NR_REG_ALL_NIC, 0, NR_TX_RINGS_ONLY | NR_RX_RINGS_ONLY),
	       EINVAL, "TX_RINGS_ONLY|RX_RINGS_ONLY: EINVAL");
	memset(&r, 0, sizeof(r));
	r.nr_mode = NR_REG_ALL_NIC;
	r.nr_mem_id = 7;
	cu_hdr(&h, "rg{0", NETMAP_REQ_REGISTER, &r);
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "mem_id 7: EINVAL");
	is_int(reg(fd, "x{", NR_REG_ALL_NIC, 0, 0), EINVAL, "pipe name with empty id: EINVAL");
	is_int(reg(fd, "{0", NR_REG_ALL_NIC, 0, 0), EINVAL, "pipe name with empty base: EINVAL");
	is_int(reg(fd, "x{0}1", NR_REG_ALL_NIC, 0, 0), EINVAL, "pipe name with two braces: EINVAL");
	is_int(reg(fd, "x{a-b", NR_REG_ALL_NIC, 0, 0), EINVAL, "pipe id with '-': EINVAL");

	is_int(reg(fd, "rg{0", NR_REG_ALL_NIC, 0, 0), 0, "register rg{0");
	is_int(reg(fd, "rg{1", NR_REG_ALL_NIC, 0, 0), EBUSY, "register twice on one fd: EBUSY");
	is_int(reg(fd, "rg{0", NR_REG_ALL_NIC, 0, 0), EBUSY, "  same port again: EBUSY");
	close(fd);

	fd2 = dev_open();
	fd3 = dev_open();
	is_int(reg(fd2, "ex{0", NR_REG_ALL_NIC, 0, NR_EXCLUSIVE), 0, "register ex{0 exclusive");
	is_int(reg(fd3, "ex{0", NR_REG_ALL_NIC, 0, 0), EBUSY, "  another fd on ex{0: EBUSY");
	is_int(reg(fd3, "ex{0", NR_REG_ALL_NIC, 0, NR_EXCLUSIVE), EBUSY,
	       "  another exclusive fd on ex{0: EBUSY");
	is_int(reg(fd3, "ex}0", NR_REG_ALL_NIC, 0, 0), 0, "  the other end ex}0 is free");
	close(fd2);
	close(fd3);
	fd2 = dev_open();
	is_int(reg(fd2, "ex{0", NR_REG_ALL_NIC, 0, NR_EXCLUSIVE), 0,
	       "exclusive binding released at close");
	close(fd2);

	fd2 = dev_open();
	is_int(reg(fd2, "sh{0", NR_REG_ALL_NIC, 0, 0), 0, "shared binding sh{0");
	fd3 = dev_open();
	is_int(reg(fd3, "sh{0", NR_REG_ALL_NIC, 0, NR_EXCLUSIVE), EBUSY,
	       "  exclusive on a ring already bound: EBUSY");
	is_int(reg(fd3, "sh{0", NR_REG_ALL_NIC, 0, NR_TX_RINGS_ONLY), 0,
	       "  a second shared binding (tx only) works");
	close(fd3);
	close(fd2);
}

static void test_info(void)
{
	struct nmreq_port_info_get pi;
	struct nmreq_pools_info po;
	struct nmreq_header h;
	int fd = dev_open();

	memset(&pi, 0, sizeof(pi));
	cu_hdr(&h, "in{3", NETMAP_REQ_PORT_INFO_GET, &pi);
	is_int(xioctl(fd, NIOCCTRL, &h), 0, "PORT_INFO_GET on a pipe");
	ok(pi.nr_tx_rings == 1 && pi.nr_rx_rings == 1 && pi.nr_tx_slots >= 64 &&
	   pi.nr_memsize > 0 && pi.nr_mem_id == 1,
	   "  1 ring pair, %u slots, memsize %llu, mem_id %u", pi.nr_tx_slots,
	   (unsigned long long)pi.nr_memsize, pi.nr_mem_id);
	cu_hdr(&h, "nosuchnic0", NETMAP_REQ_PORT_INFO_GET, &pi);
	is_int(xioctl(fd, NIOCCTRL, &h), ENXIO, "PORT_INFO_GET on an unknown port: ENXIO");

	memset(&po, 0, sizeof(po));
	cu_hdr(&h, "", NETMAP_REQ_POOLS_INFO_GET, &po);
	is_int(xioctl(fd, NIOCCTRL, &h), 0, "POOLS_INFO_GET");
	ok(po.nr_if_pool_offset == 0 && po.nr_ring_pool_offset > 0 &&
	   po.nr_buf_pool_offset > po.nr_ring_pool_offset &&
	   po.nr_buf_pool_offset + (uint64_t)po.nr_buf_pool_objtotal *
	   po.nr_buf_pool_objsize <= po.nr_memsize && po.nr_buf_pool_objsize == 2048,
	   "  pools laid out in order inside memsize (%u bufs of %u)",
	   po.nr_buf_pool_objtotal, po.nr_buf_pool_objsize);
	po.nr_mem_id = 5;
	is_int(xioctl(fd, NIOCCTRL, &h), EINVAL, "POOLS_INFO_GET mem_id 5: EINVAL");
	close(fd);

	/* A slot-count hint shapes a new pipe; the other end and
	 * PORT_INFO_GET see the same geometry. */
	{
		struct nmreq_register r;
		int f1 = dev_open(), f2 = dev_open();

		memset(&r, 0, sizeof(r));
		r.nr_mode = NR_REG_ALL_NIC;
		r.nr_tx_slots = 256;
		cu_hdr(&h, "sz{0", NETMAP_REQ_REGISTER, &r);
		is_int(xioctl(f1, NIOCCTRL, &h), 0, "register sz{0 asking for 256 slots");
		is_int(r.nr_tx_slots, 256, "  got 256 tx slots");
		is_int(r.nr_rx_slots, 256, "  and 256 rx slots");
		memset(&r, 0, sizeof(r));
		r.nr_mode = NR_REG_ALL_NIC;
		cu_hdr(&h, "sz}0", NETMAP_REQ_REGISTER, &r);
		is_int(xioctl(f2, NIOCCTRL, &h), 0, "register the other end sz}0 without a hint");
		is_int(r.nr_rx_slots, 256, "  it has the pipe's 256 slots");
		memset(&pi, 0, sizeof(pi));
		cu_hdr(&h, "sz{0", NETMAP_REQ_PORT_INFO_GET, &pi);
		ok(xioctl(f2, NIOCCTRL, &h) == 0 && pi.nr_tx_slots == 256,
		   "  PORT_INFO_GET reports the existing pipe's 256 slots (%u)", pi.nr_tx_slots);
		close(f1);
		close(f2);
	}
}

static void test_legacy(void)
{
	struct nmreq nmr;
	int fd = dev_open();

	memset(&nmr, 0, sizeof(nmr));
	strcpy(nmr.nr_name, "lg{0");
	nmr.nr_version = 11;
	is_int(xioctl(fd, NIOCREGIF, &nmr), EINVAL, "legacy NIOCREGIF version 11: EINVAL");
	is_int(nmr.nr_version, NETMAP_API, "  and nr_version is written back");
	memset(nmr.nr_name, 'b', sizeof(nmr.nr_name));
	is_int(xioctl(fd, NIOCREGIF, &nmr), EINVAL, "legacy name without NUL: EINVAL");
	memset(&nmr, 0, sizeof(nmr));
	strcpy(nmr.nr_name, "lg{0");
	nmr.nr_version = NETMAP_API;
	nmr.nr_cmd = NETMAP_BDG_ATTACH;
	is_int(xioctl(fd, NIOCREGIF, &nmr), EOPNOTSUPP, "legacy nr_cmd BDG_ATTACH: EOPNOTSUPP");
	nmr.nr_cmd = 0;
	is_int(xioctl(fd, NIOCGINFO, &nmr), 0, "legacy NIOCGINFO on a pipe");
	ok(nmr.nr_tx_rings == 1 && nmr.nr_memsize > 0, "  1 tx ring, memsize %u",
	   nmr.nr_memsize);
	nmr.nr_flags = NR_REG_ALL_NIC;
	is_int(xioctl(fd, NIOCREGIF, &nmr), 0, "legacy NIOCREGIF with nr_flags = ALL_NIC");
	ok(nmr.nr_offset < nmr.nr_memsize && nmr.nr_arg2 == 1,
	   "  nr_offset %u inside memsize %u, mem id %u", nmr.nr_offset,
	   nmr.nr_memsize, nmr.nr_arg2);
	is_int(xioctl(fd, NIOCREGIF, &nmr), EBUSY, "legacy register twice: EBUSY");
	close(fd);

	fd = dev_open();
	memset(&nmr, 0, sizeof(nmr));
	strcpy(nmr.nr_name, "lg}0");
	nmr.nr_version = NETMAP_API;
	nmr.nr_ringid = NETMAP_HW_RING | 0 | NETMAP_NO_TX_POLL;
	is_int(xioctl(fd, NIOCREGIF, &nmr), 0, "legacy old-style nr_ringid HW_RING|0|NO_TX_POLL");
	close(fd);
	fd = dev_open();
	nmr.nr_ringid = NETMAP_SW_RING;
	is_int(xioctl(fd, NIOCREGIF, &nmr), EINVAL, "legacy SW_RING on a pipe: EINVAL");
	close(fd);
}

static void test_mmap(void)
{
	struct cu_port p;
	uint64_t size;
	void *m;
	int err;

	err = cu_open(&p, "mm{0", NR_REG_ALL_NIC, 0);
	is_int(err, 0, "open mm{0");
	if (err)
		return;
	size = p.reg.nr_memsize;
	m = mmap(NULL, size + 4096, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd, 0);
	is_int(m == MAP_FAILED ? errno : 0, EINVAL, "mmap one page too large: EINVAL");
	if (m != MAP_FAILED)
		munmap(m, size + 4096);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, p.fd, size);
	is_int(m == MAP_FAILED ? errno : 0, EINVAL, "mmap at offset memsize: EINVAL");
	m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, p.fd, size - 4096);
	is_int(m == MAP_FAILED ? errno : 0, EINVAL, "mmap straddling the end: EINVAL");
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, p.fd, (off_t)1 << 44);
	is_int(m == MAP_FAILED ? errno : 0, EINVAL, "mmap at offset 2^44: EINVAL");
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, p.fd, 0);
	is_int(m == MAP_FAILED ? errno : 0, EINVAL, "MAP_PRIVATE: EINVAL");
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, p.fd, size - 4096);
	ok(m != MAP_FAILED, "mmap of the last page alone works");
	if (m != MAP_FAILED) {
		volatile char c = *(volatile char *)m;

		(void)c;
		munmap(m, 4096);
	}
	ok(strcmp(p.nifp->ni_name, "mm{0") == 0 && p.nifp->ni_version == NETMAP_API &&
	   p.nifp->ni_tx_rings == 1 && p.nifp->ni_rx_rings == 1,
	   "netmap_if: name %s, version %u, 1+1 rings", p.nifp->ni_name,
	   p.nifp->ni_version);
	/* The mapping outlives the fd: close first, then touch, then unmap. */
	m = p.mem;
	close(p.fd);
	p.fd = -1;
	ok(cu_txring(&p, 0)->num_slots == p.reg.nr_tx_slots,
	   "the mapping stays valid after close()");
	munmap(m, size);
	p.mem = NULL;
}

/* Two ends bound and mapped: a on "<base>{0", b on "<base>}0". */
static int pipe_pair(const char *base, struct cu_port *a, struct cu_port *b)
{
	char n1[32], n2[32];

	snprintf(n1, sizeof(n1), "%s{0", base);
	snprintf(n2, sizeof(n2), "%s}0", base);
	if (cu_open(a, n1, NR_REG_ALL_NIC, 0))
		return -1;
	if (cu_open(b, n2, NR_REG_ALL_NIC, 0)) {
		cu_close(a);
		return -1;
	}
	return 0;
}

/* A gauge from /sys/module/livemap/parameters/stats, -1 if absent. */
static long stat_of(const char *key)
{
	FILE *f = fopen("/sys/module/livemap/parameters/stats", "r");
	char line[128];
	size_t kl = strlen(key);
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ' ')
			v = atol(line + kl + 1);
	if (f)
		fclose(f);
	return v;
}

static void zap(struct netmap_ring *r)
{
	uint32_t i;

	for (i = 0; i < r->num_slots; i++)
		r->slot[i].buf_idx = 0;
}

/*
 * Buffer ownership: a file that scribbles over its slots or its extra
 * buffer list before close must neither leak buffers nor free somebody
 * else's.
 */
static void test_ownership(void)
{
	struct cu_port keep, p, victim, thief, fresh;
	struct nmreq_header h;
	long base, after;
	uint32_t x, i;
	int it, err = 0, hits = 0;
	char name[32];

	if (cu_open(&keep, "keep{0", NR_REG_ALL_NIC, 0)) {
		ok(0, "open keep{0");
		return;
	}
	base = stat_of("bufs_in_use");
	for (it = 0; it < 30 && !err; it++) {
		snprintf(name, sizeof(name), "zap%d{0", it);
		err = cu_open(&p, name, NR_REG_ALL_NIC, 0);
		if (err)
			break;
		zap(cu_txring(&p, 0));
		zap(cu_rxring(&p, 0));
		cu_close(&p);
	}
	is_int(err, 0, "30 x (register, set every buf_idx to 0, close): no ENOMEM");
	after = stat_of("bufs_in_use");
	ok(base > 0 && after == base, "  bufs_in_use back to %ld (is %ld): nothing leaked", base, after);

	/* A thief points ni_bufs_head at the victim's buffer and closes. */
	if (cu_open(&victim, "own{0", NR_REG_ALL_NIC, 0)) {
		ok(0, "open own{0");
		cu_close(&keep);
		return;
	}
	x = cu_txring(&victim, 0)->slot[0].buf_idx;
	memset(&thief, 0, sizeof(thief));
	thief.fd = dev_open();
	thief.reg.nr_mode = NR_REG_ALL_NIC;
	thief.reg.nr_extra_bufs = 4;
	cu_hdr(&h, "thief{0", NETMAP_REQ_REGISTER, &thief.reg);
	is_int(xioctl(thief.fd, NIOCCTRL, &h), 0, "thief registers with 4 extra buffers");
	thief.mem = mmap(NULL, thief.reg.nr_memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
			 thief.fd, 0);
	if (thief.mem != MAP_FAILED) {
		thief.nifp = (struct netmap_if *)(thief.mem + thief.reg.nr_offset);
		thief.nifp->ni_bufs_head = x;
		/* and also hands the victim's buffer to its own ring */
		cu_txring(&thief, 0)->slot[0].buf_idx = x;
	} else {
		thief.mem = NULL;
	}
	cu_close(&thief);
	if (cu_open(&fresh, "fresh{0", NR_REG_ALL_NIC, 0) == 0) {
		for (i = 0; i < cu_txring(&fresh, 0)->num_slots; i++)
			hits += cu_txring(&fresh, 0)->slot[i].buf_idx == x;
		for (i = 0; i < cu_rxring(&fresh, 0)->num_slots; i++)
			hits += cu_rxring(&fresh, 0)->slot[i].buf_idx == x;
		cu_close(&fresh);
	}
	is_int(hits, 0, "the victim's buffer was not freed by the thief's close (no double owner)");
	cu_close(&victim);

	/* Claiming a free buffer in a sync is refused: the pool is used from
	 * its low indices up, so its last buffer is free here. */
	if (pipe_pair("cf", &p, &fresh) == 0) {
		struct nmreq_pools_info po;
		struct netmap_ring *tx = cu_txring(&p, 0);
		uint32_t mine = tx->slot[0].buf_idx;

		memset(&po, 0, sizeof(po));
		cu_hdr(&h, "", NETMAP_REQ_POOLS_INFO_GET, &po);
		xioctl(p.fd, NIOCCTRL, &h);
		tx->slot[0].buf_idx = po.nr_buf_pool_objtotal - 1;
		tx->slot[0].len = 60;
		tx->head = tx->cur = 1;
		is_int(xioctl(p.fd, NIOCTXSYNC, NULL), EINVAL,
		       "a slot naming a free buffer (%u): EINVAL", po.nr_buf_pool_objtotal - 1);
		tx->slot[0].buf_idx = mine;
		is_int(xioctl(p.fd, NIOCTXSYNC, NULL), 0, "  with its own buffer back: sent");
		cu_close(&p);
		cu_close(&fresh);
	}
	cu_close(&keep);
}

static void test_ring_indices(void)
{
	struct netmap_ring *tx, *rx;
	struct cu_port a, b;
	uint32_t n, saved;

	if (pipe_pair("ri", &a, &b)) {
		ok(0, "pipe ri{0/ri}0");
		return;
	}
	tx = cu_txring(&a, 0);
	rx = cu_rxring(&b, 0);
	n = tx->num_slots;
	is_int(rx->head == 0 && rx->tail == 0, 1, "rx ring starts empty");

	rx->head = rx->cur = 1;
	is_int(xioctl(b.fd, NIOCRXSYNC, NULL), EINVAL, "rx head beyond tail: EINVAL");
	ok(rx->head == 0 && rx->cur == 0 && rx->tail == 0, "  ring reset (head %u cur %u tail %u)",
	   rx->head, rx->cur, rx->tail);
	rx->cur = 1;
	is_int(xioctl(b.fd, NIOCRXSYNC, NULL), EINVAL, "rx cur beyond tail: EINVAL");
	rx->head = rx->cur = n;
	is_int(xioctl(b.fd, NIOCRXSYNC, NULL), EINVAL, "rx head = num_slots: EINVAL");
	rx->head = rx->cur = 0xffffffff;
	is_int(xioctl(b.fd, NIOCRXSYNC, NULL), EINVAL, "rx head = 0xffffffff: EINVAL");
	is_int(xioctl(b.fd, NIOCRXSYNC, NULL), 0, "rx sync after the reset works");

	tx->head = tx->cur = n;
	is_int(xioctl(a.fd, NIOCTXSYNC, NULL), EINVAL, "tx head = num_slots: EINVAL");
	ok(tx->head == 0 && tx->cur == 0 && tx->tail == n - 1, "  ring reset (head %u cur %u tail %u)",
	   tx->head, tx->cur, tx->tail);
	tx->head = 4;
	tx->cur = 2;
	is_int(xioctl(a.fd, NIOCTXSYNC, NULL), EINVAL, "tx cur behind head: EINVAL");
	tx->head = tx->cur = 0;
	is_int(xioctl(a.fd, NIOCTXSYNC, NULL), 0, "tx sync after the reset works");

	/* Bad slots. */
	saved = tx->slot[0].buf_idx;
	tx->slot[0].len = 60;
	tx->slot[0].buf_idx = 0;
	tx->head = tx->cur = 1;
	is_int(xioctl(a.fd, NIOCTXSYNC, NULL), EINVAL, "tx slot buf_idx 0: EINVAL");
	ok(tx->head == 0 && tx->cur == 0, "  ring reset to head 0 (head %u)", tx->head);
	tx->slot[0].buf_idx = 1;
	tx->head = tx->cur = 1;
	is_int(xioctl(a.fd, NIOCTXSYNC, NULL), EINVAL, "tx slot buf_idx 1: EINVAL");
	tx->slot[0].buf_idx = 0x7fffffff;
	tx->head = tx->cur = 1;
	is_int(xioctl(a.fd, NIOCTXSYNC, NULL), EINVAL, "tx slot buf_idx out of the pool: EINVAL");
	tx->slot[0].buf_idx = saved;
	tx->slot[0].len = tx->nr_buf_size + 1;
	tx->head = tx->cur = 1;
	is_int(xioctl(a.fd, NIOCTXSYNC, NULL), EINVAL, "tx slot len > buffer size: EINVAL");
	tx->slot[0].len = 0xffff;
	tx->head = tx->cur = 1;
	is_int(xioctl(a.fd, NIOCTXSYNC, NULL), EINVAL, "tx slot len 65535: EINVAL");

	/* Now a good frame goes through. */
	tx->slot[0].len = 60;
	memcpy(cu_buf(tx, tx->slot[0].buf_idx), "livemap!", 8);
	tx->head = tx->cur = 1;
	is_int(xioctl(a.fd, NIOCTXSYNC, NULL), 0, "a good frame is sent");
	is_int(xioctl(b.fd, NIOCRXSYNC, NULL), 0, "  and synced on the other end");
	ok(rx->tail == 1 && rx->slot[0].len == 60 &&
	   !memcmp(cu_buf(rx, rx->slot[0].buf_idx), "livemap!", 8),
	   "  and received intact (tail %u len %u)", rx->tail, rx->slot[0].len);

	/* Releasing an rx slot with a bad index. */
	saved = rx->slot[0].buf_idx;
	rx->slot[0].buf_idx = 1;
	rx->head = rx->cur = 1;
	is_int(xioctl(b.fd, NIOCRXSYNC, NULL), EINVAL, "rx slot released with buf_idx 1: EINVAL");
	ok(rx->head == 0 && rx->tail == 1, "  ring reset, the frame is still the user's");
	rx->slot[0].buf_idx = saved;
	rx->head = rx->cur = 1;
	is_int(xioctl(b.fd, NIOCRXSYNC, NULL), 0, "released with its own index: ok");

	/* Fill the peer completely: tail stops one short, head cannot pass it. */
	{
		uint32_t i, sent = 0;

		for (i = 0; i < 3 * n && cu_space(tx); i++) {
			tx->slot[tx->head].len = 60;
			tx->head = tx->cur = cu_next(tx, tx->head);
			if (xioctl(a.fd, NIOCTXSYNC, NULL))
				break;
			sent++;
		}
		is_int(xioctl(b.fd, NIOCRXSYNC, NULL), 0, "rx sync of a full ring");
		is_int(cu_space(rx), n - 1, "  the receiver holds num_slots - 1 frames");
		is_int(cu_space(tx), 0, "  the sender has no room left");
		tx->head = tx->cur = cu_next(tx, tx->tail);
		is_int(xioctl(a.fd, NIOCTXSYNC, NULL), EINVAL, "tx head beyond tail: EINVAL");
		(void)sent;
	}
	cu_close(&a);
	cu_close(&b);
}

struct poller {
	int fd;
	int rc;
	int revents;
	volatile int started;
};

static void *poll_thread(void *arg)
{
	struct poller *pl = arg;
	struct pollfd pfd = { .fd = pl->fd, .events = POLLIN };

	pl->started = 1;
	pl->rc = poll(&pfd, 1, 3000);
	pl->revents = pfd.revents;
	return NULL;
}

static void test_close_while_polling(void)
{
	struct poller pl;
	struct cu_port a;
	struct timespec t0, t1;
	pthread_t th;
	double secs;

	if (cu_open(&a, "cl}0", NR_REG_ALL_NIC, 0)) {
		ok(0, "open cl}0");
		return;
	}
	memset(&pl, 0, sizeof(pl));
	pl.fd = a.fd;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&th, NULL, poll_thread, &pl);
	while (!pl.started)
		usleep(1000);
	usleep(200000);
	munmap(a.mem, a.reg.nr_memsize);
	close(a.fd);
	pthread_join(th, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(pl.rc >= 0 && secs < 10, "close while another thread polls: poll returns (rc %d, %.1f s)",
	   pl.rc, secs);
	ok(cu_open(&a, "cl}0", NR_REG_ALL_NIC, 0) == 0, "  and the port opens again");
	cu_close(&a);
}

static void test_extra_bufs(void)
{
	struct nmreq_register r;
	struct netmap_ring *ring;
	uint32_t idx, count = 0, first;
	struct cu_port p;
	struct nmreq_header h;
	int fd = dev_open();

	memset(&r, 0, sizeof(r));
	r.nr_mode = NR_REG_ALL_NIC;
	r.nr_extra_bufs = 16;
	cu_hdr(&h, "eb{0", NETMAP_REQ_REGISTER, &r);
	is_int(xioctl(fd, NIOCCTRL, &h), 0, "register with 16 extra buffers");
	is_int(r.nr_extra_bufs, 16, "  16 given");
	memset(&p, 0, sizeof(p));
	p.fd = fd;
	p.reg = r;
	p.mem = mmap(NULL, r.nr_memsize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p.mem == MAP_FAILED) {
		ok(0, "mmap");
		close(fd);
		return;
	}
	p.nifp = (struct netmap_if *)(p.mem + r.nr_offset);
	ring = cu_txring(&p, 0);
	first = idx = p.nifp->ni_bufs_head;
	while (idx >= 2 && count < 100) {
		count++;
		idx = *(uint32_t *)cu_buf(ring, idx);
	}
	is_int(count, 16, "ni_bufs_head chains 16 buffers");
	/* Make the chain a loop: close must still end. */
	if (first >= 2)
		*(uint32_t *)cu_buf(ring, first) = first;
	cu_close(&p);
	ok(1, "close with a looping extra-buffer chain returns");
}

static void test_null_mode(void)
{
	struct cu_port p;

	is_int(cu_open(&p, "nl{0", NR_REG_NULL, 0), 0, "NR_REG_NULL binds no ring but maps memory");
	if (p.fd >= 0) {
		is_int(xioctl(p.fd, NIOCTXSYNC, NULL), 0, "  NIOCTXSYNC with no ring: nothing to do");
		cu_close(&p);
	}
}

/* Put one 60-byte frame in the tx ring of p without syncing. */
static void stage_frame(struct cu_port *p)
{
	struct netmap_ring *tx = cu_txring(p, 0);

	tx->slot[tx->head].len = 60;
	tx->head = tx->cur = cu_next(tx, tx->head);
}

static void test_poll_flags(void)
{
	struct cu_port a, b;
	struct pollfd pfd;
	struct netmap_ring *rx;

	/* NR_NO_TX_POLL: poll(POLLIN) must not push pending tx slots. */
	if (cu_open(&b, "pf}0", NR_REG_ALL_NIC, 0) || cu_open(&a, "pf{0", NR_REG_ALL_NIC, NR_NO_TX_POLL)) {
		ok(0, "open pf{0/pf}0");
		return;
	}
	rx = cu_rxring(&b, 0);
	stage_frame(&a);
	pfd.fd = a.fd;
	pfd.events = POLLIN;
	poll(&pfd, 1, 0);
	ioctl(b.fd, NIOCRXSYNC, NULL);
	is_int(cu_space(rx), 0, "NR_NO_TX_POLL: poll(POLLIN) leaves tx alone");
	pfd.events = POLLOUT;
	ok(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT), "  poll(POLLOUT) reports room");
	ioctl(b.fd, NIOCRXSYNC, NULL);
	is_int(cu_space(rx), 1, "  and pushed the frame");
	cu_close(&a);

	/* Default: poll(POLLIN) also pushes tx. */
	if (cu_open(&a, "pf{0", NR_REG_ALL_NIC, 0)) {
		ok(0, "reopen pf{0");
		cu_close(&b);
		return;
	}
	stage_frame(&a);
	pfd.fd = a.fd;
	pfd.events = POLLIN;
	poll(&pfd, 1, 0);
	ioctl(b.fd, NIOCRXSYNC, NULL);
	is_int(cu_space(rx), 2, "default: poll(POLLIN) pushes pending tx");

	/*
	 * NR_DO_RX_POLL: poll(POLLOUT) also syncs rx, releasing consumed
	 * slots.  Observable: once released, moving head back is refused.
	 */
	{
		struct cu_port c;
		uint32_t h;

		cu_close(&b);
		if (cu_open(&b, "pf}0", NR_REG_ALL_NIC, 0) ||
		    cu_open(&c, "pg}0", NR_REG_ALL_NIC, NR_DO_RX_POLL)) {
			ok(0, "reopen pf}0 / open pg}0");
			cu_close(&a);
			return;
		}
		stage_frame(&a);
		ioctl(a.fd, NIOCTXSYNC, NULL);
		ioctl(b.fd, NIOCRXSYNC, NULL);
		rx = cu_rxring(&b, 0);
		h = rx->head;
		rx->head = rx->cur = rx->tail;	/* consume */
		pfd.fd = b.fd;
		pfd.events = POLLOUT;
		poll(&pfd, 1, 0);
		rx->head = rx->cur = h;		/* and take it back */
		is_int(xioctl(b.fd, NIOCRXSYNC, NULL), 0,
		       "default: poll(POLLOUT) does not sync rx (head may still move back)");
		cu_close(&a);

		if (cu_open(&a, "pg{0", NR_REG_ALL_NIC, 0)) {
			ok(0, "open pg{0");
			cu_close(&b);
			cu_close(&c);
			return;
		}
		stage_frame(&a);
		ioctl(a.fd, NIOCTXSYNC, NULL);
		ioctl(c.fd, NIOCRXSYNC, NULL);
		rx = cu_rxring(&c, 0);
		h = rx->head;
		rx->head = rx->cur = rx->tail;
		pfd.fd = c.fd;
		pfd.events = POLLOUT;
		poll(&pfd, 1, 0);
		rx->head = rx->cur = h;
		is_int(xioctl(c.fd, NIOCRXSYNC, NULL), EINVAL,
		       "NR_DO_RX_POLL: poll(POLLOUT) released the slot (moving head back: EINVAL)");
		cu_close(&c);
		cu_close(&b);
	}
	cu_close(&a);
}

/* close() is a last sync: frames queued without a sync still go out. */
static void test_final_sync(void)
{
	struct cu_port a, b;

	if (cu_open(&b, "fs}0", NR_REG_ALL_NIC, 0) || cu_open(&a, "fs{0", NR_REG_ALL_NIC, 0)) {
		ok(0, "open fs{0/fs}0");
		return;
	}
	stage_frame(&a);
	stage_frame(&a);
	cu_close(&a);
	is_int(xioctl(b.fd, NIOCRXSYNC, NULL), 0, "rx sync after the sender closed");
	is_int(cu_space(cu_rxring(&b, 0)), 2,
	       "close() pushed the 2 frames the sender queued without a sync");
	cu_close(&b);
}

int main(void)
{
	test_unbound();
	test_header();
	test_options();
	test_register();
	test_info();
	test_legacy();
	test_mmap();
	test_ring_indices();
	test_close_while_polling();
	test_extra_bufs();
	test_null_mode();
	test_poll_flags();
	test_final_sync();
	test_ownership();
	return done_testing();
}
