/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net/netmap_legacy.h - the pre-NIOCCTRL netmap control interface.
 *
 * Older applications (and netmap_user.h's nm_open()) bind a port with
 * ioctl(fd, NIOCREGIF, struct nmreq *) and query it with NIOCGINFO.  The
 * kernel translates both into the same code paths as NETMAP_REQ_REGISTER
 * and NETMAP_REQ_PORT_INFO_GET.  Included by net/netmap.h; do not include
 * it on its own.
 */
#ifndef _NET_NETMAP_LEGACY_H_
#define _NET_NETMAP_LEGACY_H_

#ifndef _NET_NETMAP_H_
#error "include <net/netmap.h> instead of <net/netmap_legacy.h>"
#endif

/*
 * struct nmreq (60 bytes).  Its first IFNAMSIZ bytes overlay a struct
 * ifreq's name, as in the original design.
 *
 * How the rings are chosen:
 *  - nr_flags != 0: (nr_flags & NR_REG_MASK) is an NR_REG_* mode, the low
 *    bits of nr_ringid (NETMAP_RING_MASK) the ring for ONE_NIC/ONE_SW, and
 *    the NR_* flags of nmreq_register above bit 8 may be OR-ed in.
 *  - nr_flags == 0 (old style): nr_ringid alone decides:
 *	0				every NIC ring
 *	NETMAP_HW_RING | n		NIC ring pair n
 *	NETMAP_SW_RING			the host ring pair
 *  - NETMAP_NO_TX_POLL / NETMAP_DO_RX_POLL in nr_ringid work in both styles.
 */
struct nmreq {
	char		nr_name[IFNAMSIZ];	/* (in) port name, NUL-terminated */
	uint32_t	nr_version;	/* (in) NETMAP_API; (out) the kernel's */
	uint32_t	nr_offset;	/* (out) netmap_if offset in the region */
	uint32_t	nr_memsize;	/* (out) region size */
	uint32_t	nr_tx_slots;	/* (in/out) */
	uint32_t	nr_rx_slots;	/* (in/out) */
	uint16_t	nr_tx_rings;	/* (in/out) */
	uint16_t	nr_rx_rings;	/* (in/out) */

	uint16_t	nr_ringid;	/* (in) ring selection, see above */
#define NETMAP_HW_RING		0x4000	/* one NIC ring pair (old style) */
#define NETMAP_SW_RING		0x2000	/* the host ring pair (old style) */
#define NETMAP_RING_MASK	0x0fff	/* ring number bits */
#define NETMAP_NO_TX_POLL	0x1000	/* = NR_NO_TX_POLL */
#define NETMAP_DO_RX_POLL	0x8000	/* = NR_DO_RX_POLL */

	uint16_t	nr_cmd;		/* (in) 0 = plain register; switch
					 * commands below are not in livemap */
#define NETMAP_BDG_ATTACH	1
#define NETMAP_BDG_DETACH	2
#define NETMAP_BDG_REGOPS	3
#define NETMAP_BDG_LIST		4
#define NETMAP_BDG_VNET_HDR	5
#define NETMAP_BDG_NEWIF	6
#define NETMAP_BDG_DELIF	7
#define NETMAP_PT_HOST_CREATE	8
#define NETMAP_PT_HOST_DELETE	9
#define NETMAP_BDG_POLLING_ON	10
#define NETMAP_BDG_POLLING_OFF	11
#define NETMAP_VNET_HDR_GET	12
#define NETMAP_POOLS_INFO_GET	13
	uint16_t	nr_arg1;	/* (in) extra rings hint (ignored) */
#define NETMAP_BDG_HOST		1

	uint16_t	nr_arg2;	/* (in/out) allocator id */
	uint32_t	nr_arg3;	/* (in/out) extra buffers */
	uint32_t	nr_flags;	/* (in) NR_REG_* mode | NR_* flags */
#define NR_REG_MASK		0xf	/* the NR_REG_* part of nr_flags */
	uint32_t	spare2[1];
};

/* The old allocator description (NETMAP_POOLS_INFO_GET through nr_cmd). */
struct netmap_pools_info {
	uint64_t	memsize;
	uint32_t	memid;
	uint32_t	if_pool_offset;
	uint32_t	if_pool_objtotal;
	uint32_t	if_pool_objsize;
	uint32_t	ring_pool_offset;
	uint32_t	ring_pool_objtotal;
	uint32_t	ring_pool_objsize;
	uint32_t	buf_pool_offset;
	uint32_t	buf_pool_objtotal;
	uint32_t	buf_pool_objsize;
};

#define NIOCGINFO	_IOWR('i', 145, struct nmreq)	/* port info */
#define NIOCREGIF	_IOWR('i', 146, struct nmreq)	/* bind a port */

NM_STATIC_ASSERT(sizeof(struct nmreq) == 60, "netmap ABI: struct nmreq size");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_version) == 16, "netmap ABI: nr_version");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_offset) == 20, "netmap ABI: nr_offset");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_memsize) == 24, "netmap ABI: nr_memsize");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_tx_slots) == 28, "netmap ABI: nr_tx_slots");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_rx_slots) == 32, "netmap ABI: nr_rx_slots");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_tx_rings) == 36, "netmap ABI: nr_tx_rings");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_rx_rings) == 38, "netmap ABI: nr_rx_rings");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_ringid) == 40, "netmap ABI: nr_ringid");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_cmd) == 42, "netmap ABI: nr_cmd");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_arg1) == 44, "netmap ABI: nr_arg1");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_arg2) == 46, "netmap ABI: nr_arg2");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_arg3) == 48, "netmap ABI: nr_arg3");
NM_STATIC_ASSERT(offsetof(struct nmreq, nr_flags) == 52, "netmap ABI: nr_flags");
NM_STATIC_ASSERT(sizeof(struct netmap_pools_info) == 48, "netmap ABI: netmap_pools_info");
NM_STATIC_ASSERT(NIOCGINFO == 0xc03c6991u, "netmap ABI: NIOCGINFO");
NM_STATIC_ASSERT(NIOCREGIF == 0xc03c6992u, "netmap ABI: NIOCREGIF");

#endif /* _NET_NETMAP_LEGACY_H_ */
