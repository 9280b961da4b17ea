/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net/netmap.h - livemap's user ABI, binary compatible with netmap API 14.
 *
 * Everything a netmap application shares with the kernel is declared here:
 * the objects that live in the mmap()ed region (netmap_if, netmap_ring,
 * netmap_slot) and the control requests passed to ioctl(NIOCCTRL).  The
 * numbers and layouts are netmap's (API version 14); the text is ours.
 * Every offset an application depends on is pinned by a static assertion at
 * the end of this file, so a layout slip fails the build instead of
 * corrupting rings at run time.
 *
 * The header compiles in the kernel (__KERNEL__) and in userspace C.  The
 * pointer helpers applications use (NETMAP_IF, NETMAP_TXRING, NETMAP_BUF,
 * nm_ring_next, ...) live in net/netmap_user.h.
 *
 * Field ownership legend used below:
 *	(k)   written by the kernel only; the application reads it
 *	(u)   written by the application; the kernel reads and validates it
 *	(c)   constant once the port is registered
 *	(in)  request field, read by the kernel
 *	(out) request field, written back by the kernel
 */
#ifndef _NET_NETMAP_H_
#define _NET_NETMAP_H_

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/if.h>
#include <linux/ioctl.h>
#include <linux/time_types.h>
#else
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/ioctl.h>
#include <net/if.h>
#ifndef IFNAMSIZ		/* strict ISO modes hide the BSD name */
#define IFNAMSIZ	IF_NAMESIZE
#endif
#endif

/* C11 and C++11 spell the compile-time assertion differently. */
#ifdef __cplusplus
#define NM_STATIC_ASSERT(expr, msg)	static_assert(expr, msg)
#else
#define NM_STATIC_ASSERT(expr, msg)	_Static_assert(expr, msg)
#endif

#define NETMAP_API	14	/* the version this header describes */
#define NETMAP_MIN_API	14	/* oldest nr_version the kernel accepts */
#define NETMAP_MAX_API	15	/* newest nr_version the kernel accepts */

/*
 * Rings put their user-written and kernel-written parts on different
 * cache lines; 128 bytes covers adjacent-line prefetchers too.
 */
#define NM_CACHE_ALIGN	128

/*
 * ---------------------------------------------------------------------
 * The shared region
 * ---------------------------------------------------------------------
 *
 * One mmap() of /dev/netmap gives the application the whole region of the
 * allocator its port uses.  Nothing in it is a pointer: every reference is
 * an offset (or a buffer index), valid in any address space.
 *
 *   region: [ netmap_if pool ][ netmap_ring pool ][ buffer pool      ]
 *             ^ nr_offset
 *
 *   struct netmap_if (one per bound fd)
 *   +------------------+
 *   | ni_name, counts  |
 *   | ring_ofs[0]      |---- offset from the netmap_if ----+
 *   | ...              |   order: NIC tx, host tx,         |
 *   | ring_ofs[n-1]    |          NIC rx, host rx          v
 *   +------------------+                  struct netmap_ring
 *                                         +-----------------------+
 *                                         | buf_ofs, num_slots... |
 *                                         | head cur (u) tail (k) |
 *                                         +-----------------------+
 *                                         | slot[0]: buf_idx len  |--+
 *                                         | slot[1]   flags ptr   |  |
 *                                         | ...                   |  |
 *                                         +-----------------------+  |
 *      buffer address = (char *)ring + ring->buf_ofs                 |
 *                       + slot->buf_idx * ring->nr_buf_size   <------+
 *
 * Buffer indices 0 and 1 are reserved: they never carry packets, so an
 * index below 2 in a slot is always an error.
 *
 * A ring is a circular array of num_slots slots.  Three indices split it:
 *
 *            head        cur                 tail
 *              v          v                    v
 *   [ kernel ][ user ......................... ][ kernel ...... ]
 *
 *   - [head, tail) belongs to the application: it may read and write
 *     those slots and their buffers at any time.
 *   - everything else belongs to the kernel (or the NIC) and must not be
 *     touched by the application.
 *   - TX: the application fills slots from head on, then advances head
 *     (and cur) and calls NIOCTXSYNC or poll(); the kernel transmits
 *     [old head, new head) and moves tail forward as transmissions
 *     complete, returning slots to the application.
 *   - RX: [head, tail) holds received frames; the application consumes
 *     them, advances head (and cur) to give the slots back, and the next
 *     NIOCRXSYNC or poll() exposes newly received frames by moving tail.
 *   - cur is the wake-up point: poll() does not report the ring ready
 *     until tail has moved past cur.  cur may run ahead of head (an
 *     application waiting for a batch) but never past tail.
 *
 * The kernel keeps its own copies of head/cur/tail and checks the
 * application's values against them on every sync: a ring with corrupted
 * indices is reset to the kernel's view, never trusted.
 */

/* A slot: one buffer descriptor of a ring (16 bytes). */
struct netmap_slot {
	uint32_t buf_idx;	/* (u/k) index of the buffer in the pool */
	uint16_t len;		/* (u) tx: bytes to send; (k) rx: bytes received */
	uint16_t flags;		/* NS_* below */
	uint64_t ptr;		/* (u) indirect buffer address or packet offset */
};

/* Slot flags (netmap_slot.flags). */
#define NS_BUF_CHANGED	0x0001	/* buf_idx was swapped: the kernel must
				 * recompute the buffer's DMA address.  Set
				 * by applications after replacing buf_idx,
				 * and by the kernel when it swaps one
				 * (pipes), so readers know the data moved. */
#define NS_REPORT	0x0002	/* tx: ask for a completion report for
				 * this slot (e.g. before exiting) */
#define NS_FORWARD	0x0004	/* rx with NR_FORWARD: hand the frame on
				 * to the peer (host <-> NIC) on release */
#define NS_NO_LEARN	0x0008	/* switch ports: do not learn the source */
#define NS_INDIRECT	0x0010	/* tx on switch ports: data at slot->ptr */
#define NS_MOREFRAG	0x0020	/* more fragments of this packet follow in
				 * the next slot; len is this fragment's */
#define NS_TXMON	0x0040	/* monitor rings: the frame was seen on tx */

#define NS_PORT_SHIFT	8
#define NS_PORT_MASK	(0xff << NS_PORT_SHIFT)	/* switch destination port */
#define NS_RFRAGS(_slot)	(((_slot)->flags >> 8) & 0xff)

#define NETMAP_MAX_FRAGS	64	/* most slots one packet may span */

/*
 * A ring (256-byte header followed by num_slots slots).  The fields above
 * 'head' are written once at registration; sem[] is space reserved for the
 * application (the kernel never touches it) and starts a new cache line.
 */
struct netmap_ring {
	const int64_t	buf_ofs;	/* (c) buffer pool start - ring start */
	const uint32_t	num_slots;	/* (c) slots in slot[] */
	const uint32_t	nr_buf_size;	/* (c) bytes per buffer */
	const uint16_t	ringid;		/* (c) ring number within its kind */
	const uint16_t	dir;		/* (c) 0 = tx, 1 = rx */

	uint32_t	head;		/* (u) first slot owned by the user */
	uint32_t	cur;		/* (u) wake-up point, head <= cur <= tail */
	uint32_t	tail;		/* (k) first slot owned by the kernel */

	uint32_t	flags;		/* (u) NR_TIMESTAMP, NR_FORWARD */

#ifdef __KERNEL__
	struct __kernel_old_timeval ts;	/* (k) time of the last sync */
#else
	struct timeval	ts;		/* (k) time of the last sync */
#endif

	/*
	 * Set only with NETMAP_REQ_OPT_OFFSETS: the bits of slot->ptr that
	 * hold the packet's offset inside its buffer, and the alignment tx
	 * packets must respect.  Zero otherwise.
	 */
	const uint64_t	offset_mask;	/* (c) */
	const uint64_t	buf_align;	/* (c) */

	/* Free for the application's own use (e.g. a lock). */
	uint8_t		sem[128] __attribute__((__aligned__(NM_CACHE_ALIGN)));

	struct netmap_slot slot[];	/* num_slots entries */
};

/* Ring flags (netmap_ring.flags). */
#define NR_TIMESTAMP	0x0002	/* update ring->ts on every sync */
#define NR_FORWARD	0x0004	/* honour NS_FORWARD on this ring */

/* True when the application owns no slot of the ring. */
static inline int nm_ring_empty(struct netmap_ring *ring)
{
	return ring->head == ring->tail;
}

/*
 * The per-fd interface descriptor, written by the kernel at registration
 * and read-only for the application (only ni_bufs_head is the
 * application's: it returns its extra buffers through it).
 */
struct netmap_if {
	char		ni_name[IFNAMSIZ];	/* (c) port name */
	const uint32_t	ni_version;		/* (c) NETMAP_API */
	const uint32_t	ni_flags;		/* (c) NI_* */
#define NI_PRIV_MEM	0x1			/* the port has a private region */

	const uint32_t	ni_tx_rings;		/* (c) NIC (or pipe) tx rings */
	const uint32_t	ni_rx_rings;		/* (c) NIC (or pipe) rx rings */

	/*
	 * Head of the extra-buffer list (nr_extra_bufs): a chain of buffer
	 * indices, each buffer holding the next index in its first 4 bytes,
	 * 0 terminating.  (u) The application may rebuild the chain; at
	 * unregister the kernel frees the buffers it finds on it, checking
	 * every index.
	 */
	uint32_t	ni_bufs_head;
	const uint32_t	ni_host_tx_rings;	/* (c) host (stack) tx rings */
	const uint32_t	ni_host_rx_rings;	/* (c) host (stack) rx rings */
	uint32_t	ni_spare1[3];

	/*
	 * (c) Offset of each ring from this netmap_if, in the order:
	 * NIC tx [ni_tx_rings], host tx [ni_host_tx_rings],
	 * NIC rx [ni_rx_rings], host rx [ni_host_rx_rings].
	 * A ring the fd did not bind still has an entry (it may be 0).
	 */
	const ssize_t	ring_ofs[];
};

/*
 * ---------------------------------------------------------------------
 * Control requests: ioctl(fd, NIOCCTRL, struct nmreq_header *)
 * ---------------------------------------------------------------------
 *
 * The header names the port and the request type and points (by user
 * address, carried in a u64) to a type-specific body and to an optional
 * singly linked list of options.  The kernel copies the body and each
 * option in, processes the request, and copies the body and the options
 * (their nro_status) back out.
 */

#define NETMAP_REQ_MAXSIZE	4096	/* body + all options, bytes */
#define NETMAP_REQ_IFNAMSIZ	64	/* nr_name, NUL included */

/* Common head of every option. */
struct nmreq_option {
	uint64_t	nro_next;	/* (in) user address of the next option, 0 ends */
	uint32_t	nro_reqtype;	/* (in) NETMAP_REQ_OPT_* */
	uint32_t	nro_status;	/* (out) 0 = applied, else an errno */
	uint64_t	nro_size;	/* (in) size of a variable-sized option,
					 * 0 for fixed-size ones */
};

/* Do not reorder: nr_reqtype tells the kernel how big the body is. */
struct nmreq_header {
	uint16_t	nr_version;	/* (in) NETMAP_API; (out) the kernel's */
	uint16_t	nr_reqtype;	/* (in) NETMAP_REQ_* */
	uint32_t	nr_reserved;	/* (in) must be 0 */
	char		nr_name[NETMAP_REQ_IFNAMSIZ];	/* (in) port, NUL-terminated */
	uint64_t	nr_options;	/* (in) user address of the first option */
	uint64_t	nr_body;	/* (in) user address of the body */
};

/* nmreq_header.nr_reqtype */
enum {
	NETMAP_REQ_REGISTER = 1,	/* bind a port to the fd (nmreq_register) */
	NETMAP_REQ_PORT_INFO_GET,	/* ring/slot counts (nmreq_port_info_get) */
	NETMAP_REQ_VALE_ATTACH,		/* switch ports: not in livemap */
	NETMAP_REQ_VALE_DETACH,
	NETMAP_REQ_VALE_LIST,
	NETMAP_REQ_PORT_HDR_SET,
	NETMAP_REQ_PORT_HDR_GET,
	NETMAP_REQ_VALE_NEWIF,
	NETMAP_REQ_VALE_DELIF,
	NETMAP_REQ_VALE_POLLING_ENABLE,
	NETMAP_REQ_VALE_POLLING_DISABLE,
	NETMAP_REQ_POOLS_INFO_GET,	/* allocator layout (nmreq_pools_info) */
	NETMAP_REQ_SYNC_KLOOP_START,
	NETMAP_REQ_SYNC_KLOOP_STOP,
	NETMAP_REQ_CSB_ENABLE,
};

/* nmreq_option.nro_reqtype */
enum {
	NETMAP_REQ_OPT_EXTMEM = 1,		/* nmreq_opt_extmem */
	NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS,	/* nmreq_opt_sync_kloop_eventfds */
	NETMAP_REQ_OPT_CSB,			/* nmreq_opt_csb */
	NETMAP_REQ_OPT_SYNC_KLOOP_MODE,		/* nmreq_opt_sync_kloop_mode */
	NETMAP_REQ_OPT_OFFSETS,			/* nmreq_opt_offsets */
	NETMAP_REQ_OPT_MAX,			/* one past the last option */
};

/*
 * NETMAP_REQ_REGISTER body.  Counts are (in) hints, (out) the values in
 * use.  nr_offset is where this fd's netmap_if sits in the region.
 */
struct nmreq_register {
	uint64_t	nr_offset;	/* (out) netmap_if offset in the region */
	uint64_t	nr_memsize;	/* (out) region size, for mmap() */
	uint32_t	nr_tx_slots;	/* (in/out) slots per tx ring */
	uint32_t	nr_rx_slots;	/* (in/out) slots per rx ring */
	uint16_t	nr_tx_rings;	/* (in/out) NIC tx rings */
	uint16_t	nr_rx_rings;	/* (in/out) NIC rx rings */
	uint16_t	nr_host_tx_rings; /* (in/out) host tx rings */
	uint16_t	nr_host_rx_rings; /* (in/out) host rx rings */

	uint16_t	nr_mem_id;	/* (in/out) allocator id, 0 = default */
	uint16_t	nr_ringid;	/* (in) ring for ONE_NIC / ONE_SW */
	uint32_t	nr_mode;	/* (in) NR_REG_* */
	uint32_t	nr_extra_bufs;	/* (in/out) extra buffers wanted/given */

	uint64_t	nr_flags;	/* (in) NR_* flags below */
};

/* nmreq_register.nr_flags */
#define NR_MONITOR_TX		0x100	/* monitor ports (not in livemap) */
#define NR_MONITOR_RX		0x200
#define NR_ZCOPY_MON		0x400
#define NR_EXCLUSIVE		0x800	/* no other fd may bind these rings */
/*				0x1000	   unused since API 14 */
#define NR_RX_RINGS_ONLY	0x2000	/* bind only the rx rings of the mode */
#define NR_TX_RINGS_ONLY	0x4000	/* bind only the tx rings of the mode */
#define NR_ACCEPT_VNET_HDR	0x8000	/* the app copes with virtio-net headers */
#define NR_DO_RX_POLL		0x10000	/* poll() syncs rx even without POLLIN */
#define NR_NO_TX_POLL		0x20000	/* poll() syncs tx only with POLLOUT */

/* nmreq_register.nr_mode: which rings the fd binds. */
enum {
	NR_REG_DEFAULT	= 0,	/* legacy: decided by nr_ringid bits */
	NR_REG_ALL_NIC	= 1,	/* every NIC ring */
	NR_REG_SW	= 2,	/* the host rings only */
	NR_REG_NIC_SW	= 3,	/* NIC and host rings */
	NR_REG_ONE_NIC	= 4,	/* NIC ring pair nr_ringid */
	NR_REG_PIPE_MASTER = 5,	/* legacy pipe modes: use "x{y" names */
	NR_REG_PIPE_SLAVE = 6,	/* ... and "x}y" */
	NR_REG_NULL	= 7,	/* no ring: memory only */
	NR_REG_ONE_SW	= 8,	/* host ring pair nr_ringid */
};

/*
 * One ioctl number carries every request; the size encoded in it is the
 * header's only, the rest is reached through nr_body/nr_options.
 */
#define NIOCCTRL	_IOWR('i', 151, struct nmreq_header)

/* Sync the fd's bound tx/rx rings.  No argument; never block. */
#define NIOCTXSYNC	_IO('i', 148)
#define NIOCRXSYNC	_IO('i', 149)

/* NETMAP_REQ_PORT_INFO_GET body: no binding needed on the fd. */
struct nmreq_port_info_get {
	uint64_t	nr_memsize;	/* (out) region size */
	uint32_t	nr_tx_slots;	/* (out) */
	uint32_t	nr_rx_slots;	/* (out) */
	uint16_t	nr_tx_rings;	/* (out) */
	uint16_t	nr_rx_rings;	/* (out) */
	uint16_t	nr_host_tx_rings; /* (out) */
	uint16_t	nr_host_rx_rings; /* (out) */
	uint16_t	nr_mem_id;	/* (in/out) */
	uint16_t	pad[3];
};

#define NM_BDG_NAME	"vale"	/* switch port prefix (not in livemap) */

/* Switch (VALE) request bodies, declared for ABI completeness only. */
struct nmreq_vale_attach {
	struct nmreq_register reg;
	uint32_t	port_index;
	uint32_t	pad1;
};

struct nmreq_vale_detach {
	uint32_t	port_index;
	uint32_t	pad1;
};

struct nmreq_vale_list {
	uint16_t	nr_bridge_idx;
	uint16_t	pad1;
	uint32_t	nr_port_idx;
};

struct nmreq_port_hdr {
	uint32_t	nr_hdr_len;
	uint32_t	pad1;
};

struct nmreq_vale_newif {
	uint32_t	nr_tx_slots;
	uint32_t	nr_rx_slots;
	uint16_t	nr_tx_rings;
	uint16_t	nr_rx_rings;
	uint16_t	nr_mem_id;
	uint16_t	pad1;
};

struct nmreq_vale_polling {
	uint32_t	nr_mode;
#define NETMAP_POLLING_MODE_SINGLE_CPU	1
#define NETMAP_POLLING_MODE_MULTI_CPU	2
	uint32_t	nr_first_cpu_id;
	uint32_t	nr_num_polling_cpus;
	uint32_t	pad1;
};

/*
 * NETMAP_REQ_POOLS_INFO_GET body: where each pool sits in the region and
 * how big its objects are.  No binding needed on the fd.
 */
struct nmreq_pools_info {
	uint64_t	nr_memsize;		/* (out) */
	uint16_t	nr_mem_id;		/* (in/out) */
	uint16_t	pad1[3];
	uint64_t	nr_if_pool_offset;	/* (out) */
	uint32_t	nr_if_pool_objtotal;	/* (out) */
	uint32_t	nr_if_pool_objsize;	/* (out) */
	uint64_t	nr_ring_pool_offset;	/* (out) */
	uint32_t	nr_ring_pool_objtotal;	/* (out) */
	uint32_t	nr_ring_pool_objsize;	/* (out) */
	uint64_t	nr_buf_pool_offset;	/* (out) */
	uint32_t	nr_buf_pool_objtotal;	/* (out) */
	uint32_t	nr_buf_pool_objsize;	/* (out) */
};

/* NETMAP_REQ_SYNC_KLOOP_START body (not in livemap). */
struct nmreq_sync_kloop_start {
	uint32_t	sleep_us;
	uint32_t	pad1;
};

/* Shared control blocks of the CSB mode (not in livemap). */
struct nm_csb_atok {
	uint32_t	head;
	uint32_t	cur;
	uint32_t	appl_need_kick;
	uint32_t	sync_flags;
	uint32_t	pad[12];
};

struct nm_csb_ktoa {
	uint32_t	hwcur;
	uint32_t	hwtail;
	uint32_t	kern_need_kick;
	uint32_t	pad[13];
};

/* Option bodies.  livemap implements none yet: each is answered with
 * EOPNOTSUPP in its nro_status. */
struct nmreq_opt_sync_kloop_eventfds {
	struct nmreq_option nro_opt;
	struct {
		int32_t	ioeventfd;
		int32_t	irqfd;
	} eventfds[];
};

struct nmreq_opt_sync_kloop_mode {
	struct nmreq_option nro_opt;
#define NM_OPT_SYNC_KLOOP_DIRECT_TX	(1 << 0)
#define NM_OPT_SYNC_KLOOP_DIRECT_RX	(1 << 1)
	uint32_t	mode;
};

struct nmreq_opt_extmem {
	struct nmreq_option nro_opt;
	uint64_t	nro_usrptr;		/* (in) user memory to use */
	struct nmreq_pools_info nro_info;	/* (in/out) */
};

struct nmreq_opt_csb {
	struct nmreq_option nro_opt;
	uint64_t	csb_atok;	/* (in) user address of nm_csb_atok[] */
	uint64_t	csb_ktoa;	/* (in) user address of nm_csb_ktoa[] */
};

struct nmreq_opt_offsets {
	struct nmreq_option nro_opt;
	uint64_t	nro_max_offset;		/* (in/out) */
	uint64_t	nro_initial_offset;	/* (in) */
	uint32_t	nro_offset_bits;	/* (in/out) */
	uint32_t	nro_tx_align;		/* (in) */
	uint64_t	nro_min_gap;		/* (in) must be 0 */
};

/* The pre-NIOCCTRL interface (struct nmreq, NIOCGINFO, NIOCREGIF). */
#include <net/netmap_legacy.h>

/*
 * ---------------------------------------------------------------------
 * ABI pins.  Offsets and sizes as netmap API 14 lays them out on LP64.
 * ---------------------------------------------------------------------
 */
#define NM_ABI_ASSERT(expr)	NM_STATIC_ASSERT(expr, "netmap ABI: " #expr)

NM_ABI_ASSERT(sizeof(struct netmap_slot) == 16);
NM_ABI_ASSERT(offsetof(struct netmap_slot, buf_idx) == 0);
NM_ABI_ASSERT(offsetof(struct netmap_slot, len) == 4);
NM_ABI_ASSERT(offsetof(struct netmap_slot, flags) == 6);
NM_ABI_ASSERT(offsetof(struct netmap_slot, ptr) == 8);

NM_ABI_ASSERT(offsetof(struct netmap_ring, buf_ofs) == 0);
NM_ABI_ASSERT(offsetof(struct netmap_ring, num_slots) == 8);
NM_ABI_ASSERT(offsetof(struct netmap_ring, nr_buf_size) == 12);
NM_ABI_ASSERT(offsetof(struct netmap_ring, ringid) == 16);
NM_ABI_ASSERT(offsetof(struct netmap_ring, dir) == 18);
NM_ABI_ASSERT(offsetof(struct netmap_ring, head) == 20);
NM_ABI_ASSERT(offsetof(struct netmap_ring, cur) == 24);
NM_ABI_ASSERT(offsetof(struct netmap_ring, tail) == 28);
NM_ABI_ASSERT(offsetof(struct netmap_ring, flags) == 32);
NM_ABI_ASSERT(offsetof(struct netmap_ring, ts) == 40);
NM_ABI_ASSERT(sizeof(((struct netmap_ring *)0)->ts) == 16);
NM_ABI_ASSERT(offsetof(struct netmap_ring, offset_mask) == 56);
NM_ABI_ASSERT(offsetof(struct netmap_ring, buf_align) == 64);
NM_ABI_ASSERT(offsetof(struct netmap_ring, sem) == 128);
NM_ABI_ASSERT(offsetof(struct netmap_ring, slot) == 256);
NM_ABI_ASSERT(sizeof(struct netmap_ring) == 256);

NM_ABI_ASSERT(offsetof(struct netmap_if, ni_name) == 0);
NM_ABI_ASSERT(offsetof(struct netmap_if, ni_version) == 16);
NM_ABI_ASSERT(offsetof(struct netmap_if, ni_flags) == 20);
NM_ABI_ASSERT(offsetof(struct netmap_if, ni_tx_rings) == 24);
NM_ABI_ASSERT(offsetof(struct netmap_if, ni_rx_rings) == 28);
NM_ABI_ASSERT(offsetof(struct netmap_if, ni_bufs_head) == 32);
NM_ABI_ASSERT(offsetof(struct netmap_if, ni_host_tx_rings) == 36);
NM_ABI_ASSERT(offsetof(struct netmap_if, ni_host_rx_rings) == 40);
NM_ABI_ASSERT(offsetof(struct netmap_if, ring_ofs) == 56);
NM_ABI_ASSERT(sizeof(struct netmap_if) == 56);

NM_ABI_ASSERT(offsetof(struct nmreq_option, nro_next) == 0);
NM_ABI_ASSERT(offsetof(struct nmreq_option, nro_reqtype) == 8);
NM_ABI_ASSERT(offsetof(struct nmreq_option, nro_status) == 12);
NM_ABI_ASSERT(offsetof(struct nmreq_option, nro_size) == 16);
NM_ABI_ASSERT(sizeof(struct nmreq_option) == 24);

NM_ABI_ASSERT(offsetof(struct nmreq_header, nr_version) == 0);
NM_ABI_ASSERT(offsetof(struct nmreq_header, nr_reqtype) == 2);
NM_ABI_ASSERT(offsetof(struct nmreq_header, nr_reserved) == 4);
NM_ABI_ASSERT(offsetof(struct nmreq_header, nr_name) == 8);
NM_ABI_ASSERT(offsetof(struct nmreq_header, nr_options) == 72);
NM_ABI_ASSERT(offsetof(struct nmreq_header, nr_body) == 80);
NM_ABI_ASSERT(sizeof(struct nmreq_header) == 88);

NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_offset) == 0);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_memsize) == 8);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_tx_slots) == 16);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_rx_slots) == 20);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_tx_rings) == 24);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_rx_rings) == 26);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_host_tx_rings) == 28);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_host_rx_rings) == 30);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_mem_id) == 32);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_ringid) == 34);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_mode) == 36);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_extra_bufs) == 40);
NM_ABI_ASSERT(offsetof(struct nmreq_register, nr_flags) == 48);
NM_ABI_ASSERT(sizeof(struct nmreq_register) == 56);

NM_ABI_ASSERT(offsetof(struct nmreq_port_info_get, nr_memsize) == 0);
NM_ABI_ASSERT(offsetof(struct nmreq_port_info_get, nr_tx_slots) == 8);
NM_ABI_ASSERT(offsetof(struct nmreq_port_info_get, nr_rx_slots) == 12);
NM_ABI_ASSERT(offsetof(struct nmreq_port_info_get, nr_tx_rings) == 16);
NM_ABI_ASSERT(offsetof(struct nmreq_port_info_get, nr_rx_rings) == 18);
NM_ABI_ASSERT(offsetof(struct nmreq_port_info_get, nr_host_tx_rings) == 20);
NM_ABI_ASSERT(offsetof(struct nmreq_port_info_get, nr_host_rx_rings) == 22);
NM_ABI_ASSERT(offsetof(struct nmreq_port_info_get, nr_mem_id) == 24);
NM_ABI_ASSERT(sizeof(struct nmreq_port_info_get) == 32);

NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_memsize) == 0);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_mem_id) == 8);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_if_pool_offset) == 16);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_if_pool_objtotal) == 24);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_if_pool_objsize) == 28);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_ring_pool_offset) == 32);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_ring_pool_objtotal) == 40);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_ring_pool_objsize) == 44);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_buf_pool_offset) == 48);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_buf_pool_objtotal) == 56);
NM_ABI_ASSERT(offsetof(struct nmreq_pools_info, nr_buf_pool_objsize) == 60);
NM_ABI_ASSERT(sizeof(struct nmreq_pools_info) == 64);

NM_ABI_ASSERT(sizeof(struct nmreq_vale_attach) == 64);
NM_ABI_ASSERT(sizeof(struct nm_csb_atok) == 64);
NM_ABI_ASSERT(sizeof(struct nm_csb_ktoa) == 64);
NM_ABI_ASSERT(offsetof(struct nmreq_opt_extmem, nro_usrptr) == 24);
NM_ABI_ASSERT(offsetof(struct nmreq_opt_extmem, nro_info) == 32);
NM_ABI_ASSERT(sizeof(struct nmreq_opt_extmem) == 96);
NM_ABI_ASSERT(offsetof(struct nmreq_opt_csb, csb_atok) == 24);
NM_ABI_ASSERT(offsetof(struct nmreq_opt_csb, csb_ktoa) == 32);
NM_ABI_ASSERT(offsetof(struct nmreq_opt_offsets, nro_max_offset) == 24);
NM_ABI_ASSERT(offsetof(struct nmreq_opt_offsets, nro_initial_offset) == 32);
NM_ABI_ASSERT(offsetof(struct nmreq_opt_offsets, nro_offset_bits) == 40);
NM_ABI_ASSERT(offsetof(struct nmreq_opt_offsets, nro_tx_align) == 44);
NM_ABI_ASSERT(offsetof(struct nmreq_opt_offsets, nro_min_gap) == 48);
NM_ABI_ASSERT(sizeof(struct nmreq_opt_offsets) == 56);

NM_ABI_ASSERT(NIOCCTRL == 0xc0586997u);
NM_ABI_ASSERT(NIOCTXSYNC == 0x6994u);
NM_ABI_ASSERT(NIOCRXSYNC == 0x6995u);

#endif /* _NET_NETMAP_H_ */
