// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_abi.c - the netmap API v14 binary interface as applications see it:
 * every offset and size they depend on (shared-memory structures, control
 * requests, options, the legacy struct nmreq), the ioctl numbers and the
 * constants, checked against netmap's published values (x86-64 LP64).
 * A mismatch here means a netmap application built against netmap's own
 * headers would misread our kernel.
 */
#include <stddef.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
#include <libnetmap.h>

#include "tap.h"

#define OFF(type, field, want)						\
	is_int(offsetof(struct type, field), want, #type "." #field " at " #want)
#define SIZE(type, want)						\
	is_int(sizeof(struct type), want, "sizeof(struct " #type ") == " #want)
#define VAL(name, want)	is_int((long long)(name), (long long)(want), #name " == " #want)

static void test_shared_memory(void)
{
	SIZE(netmap_slot, 16);
	OFF(netmap_slot, buf_idx, 0);
	OFF(netmap_slot, len, 4);
	OFF(netmap_slot, flags, 6);
	OFF(netmap_slot, ptr, 8);

	SIZE(netmap_ring, 256);
	OFF(netmap_ring, buf_ofs, 0);
	OFF(netmap_ring, num_slots, 8);
	OFF(netmap_ring, nr_buf_size, 12);
	OFF(netmap_ring, ringid, 16);
	OFF(netmap_ring, dir, 18);
	OFF(netmap_ring, head, 20);
	OFF(netmap_ring, cur, 24);
	OFF(netmap_ring, tail, 28);
	OFF(netmap_ring, flags, 32);
	OFF(netmap_ring, ts, 40);
	is_int(sizeof(((struct netmap_ring *)0)->ts), 16, "netmap_ring.ts is a 16-byte timeval");
	OFF(netmap_ring, offset_mask, 56);
	OFF(netmap_ring, buf_align, 64);
	OFF(netmap_ring, sem, 128);
	OFF(netmap_ring, slot, 256);
	is_int(_Alignof(struct netmap_ring), 128, "netmap_ring is 128-byte aligned");

	SIZE(netmap_if, 56);
	OFF(netmap_if, ni_name, 0);
	is_int(sizeof(((struct netmap_if *)0)->ni_name), 16, "ni_name is IFNAMSIZ (16)");
	OFF(netmap_if, ni_version, 16);
	OFF(netmap_if, ni_flags, 20);
	OFF(netmap_if, ni_tx_rings, 24);
	OFF(netmap_if, ni_rx_rings, 28);
	OFF(netmap_if, ni_bufs_head, 32);
	OFF(netmap_if, ni_host_tx_rings, 36);
	OFF(netmap_if, ni_host_rx_rings, 40);
	OFF(netmap_if, ni_spare1, 44);
	OFF(netmap_if, ring_ofs, 56);
	is_int(sizeof(((struct netmap_if *)0)->ring_ofs[0]), 8, "ring_ofs[] entries are 8 bytes");
}

static void test_requests(void)
{
	SIZE(nmreq_header, 88);
	OFF(nmreq_header, nr_version, 0);
	OFF(nmreq_header, nr_reqtype, 2);
	OFF(nmreq_header, nr_reserved, 4);
	OFF(nmreq_header, nr_name, 8);
	is_int(sizeof(((struct nmreq_header *)0)->nr_name), 64, "nr_name is 64 bytes");
	OFF(nmreq_header, nr_options, 72);
	OFF(nmreq_header, nr_body, 80);

	SIZE(nmreq_option, 24);
	OFF(nmreq_option, nro_next, 0);
	OFF(nmreq_option, nro_reqtype, 8);
	OFF(nmreq_option, nro_status, 12);
	OFF(nmreq_option, nro_size, 16);

	SIZE(nmreq_register, 56);
	OFF(nmreq_register, nr_offset, 0);
	OFF(nmreq_register, nr_memsize, 8);
	OFF(nmreq_register, nr_tx_slots, 16);
	OFF(nmreq_register, nr_rx_slots, 20);
	OFF(nmreq_register, nr_tx_rings, 24);
	OFF(nmreq_register, nr_rx_rings, 26);
	OFF(nmreq_register, nr_host_tx_rings, 28);
	OFF(nmreq_register, nr_host_rx_rings, 30);
	OFF(nmreq_register, nr_mem_id, 32);
	OFF(nmreq_register, nr_ringid, 34);
	OFF(nmreq_register, nr_mode, 36);
	OFF(nmreq_register, nr_extra_bufs, 40);
	OFF(nmreq_register, nr_flags, 48);

	SIZE(nmreq_port_info_get, 32);
	OFF(nmreq_port_info_get, nr_memsize, 0);
	OFF(nmreq_port_info_get, nr_tx_slots, 8);
	OFF(nmreq_port_info_get, nr_rx_slots, 12);
	OFF(nmreq_port_info_get, nr_tx_rings, 16);
	OFF(nmreq_port_info_get, nr_rx_rings, 18);
	OFF(nmreq_port_info_get, nr_host_tx_rings, 20);
	OFF(nmreq_port_info_get, nr_host_rx_rings, 22);
	OFF(nmreq_port_info_get, nr_mem_id, 24);

	SIZE(nmreq_pools_info, 64);
	OFF(nmreq_pools_info, nr_memsize, 0);
	OFF(nmreq_pools_info, nr_mem_id, 8);
	OFF(nmreq_pools_info, nr_if_pool_offset, 16);
	OFF(nmreq_pools_info, nr_if_pool_objtotal, 24);
	OFF(nmreq_pools_info, nr_if_pool_objsize, 28);
	OFF(nmreq_pools_info, nr_ring_pool_offset, 32);
	OFF(nmreq_pools_info, nr_ring_pool_objtotal, 40);
	OFF(nmreq_pools_info, nr_ring_pool_objsize, 44);
	OFF(nmreq_pools_info, nr_buf_pool_offset, 48);
	OFF(nmreq_pools_info, nr_buf_pool_objtotal, 56);
	OFF(nmreq_pools_info, nr_buf_pool_objsize, 60);

	SIZE(nmreq_opt_extmem, 96);
	OFF(nmreq_opt_extmem, nro_opt, 0);
	OFF(nmreq_opt_extmem, nro_usrptr, 24);
	OFF(nmreq_opt_extmem, nro_info, 32);

	SIZE(nmreq_opt_offsets, 56);
	OFF(nmreq_opt_offsets, nro_max_offset, 24);
	OFF(nmreq_opt_offsets, nro_initial_offset, 32);
	OFF(nmreq_opt_offsets, nro_offset_bits, 40);
	OFF(nmreq_opt_offsets, nro_tx_align, 44);
	OFF(nmreq_opt_offsets, nro_min_gap, 48);

	OFF(nmreq_opt_csb, csb_atok, 24);
	OFF(nmreq_opt_csb, csb_ktoa, 32);
	SIZE(nm_csb_atok, 64);
	SIZE(nm_csb_ktoa, 64);

	/* legacy NIOCREGIF / NIOCGINFO argument */
	SIZE(nmreq, 60);
	OFF(nmreq, nr_name, 0);
	OFF(nmreq, nr_version, 16);
	OFF(nmreq, nr_offset, 20);
	OFF(nmreq, nr_memsize, 24);
	OFF(nmreq, nr_tx_slots, 28);
	OFF(nmreq, nr_rx_slots, 32);
	OFF(nmreq, nr_tx_rings, 36);
	OFF(nmreq, nr_rx_rings, 38);
	OFF(nmreq, nr_ringid, 40);
	OFF(nmreq, nr_cmd, 42);
	OFF(nmreq, nr_arg1, 44);
	OFF(nmreq, nr_arg2, 46);
	OFF(nmreq, nr_arg3, 48);
	OFF(nmreq, nr_flags, 52);
	OFF(nmreq, spare2, 56);
}

static void test_constants(void)
{
	VAL(NETMAP_API, 14);
	VAL(NIOCCTRL, 0xc0586997u);	/* _IOWR('i', 151, 88 bytes) */
	VAL(NIOCTXSYNC, 0x6994u);	/* _IO('i', 148) */
	VAL(NIOCRXSYNC, 0x6995u);	/* _IO('i', 149) */
	VAL(NIOCGINFO, 0xc03c6991u);	/* _IOWR('i', 145, 60 bytes) */
	VAL(NIOCREGIF, 0xc03c6992u);	/* _IOWR('i', 146, 60 bytes) */

	VAL(NETMAP_REQ_REGISTER, 1);
	VAL(NETMAP_REQ_PORT_INFO_GET, 2);
	VAL(NETMAP_REQ_VALE_ATTACH, 3);
	VAL(NETMAP_REQ_POOLS_INFO_GET, 12);
	VAL(NETMAP_REQ_SYNC_KLOOP_START, 13);
	VAL(NETMAP_REQ_CSB_ENABLE, 15);
	VAL(NETMAP_REQ_OPT_EXTMEM, 1);
	VAL(NETMAP_REQ_OPT_CSB, 3);
	VAL(NETMAP_REQ_OPT_OFFSETS, 5);

	VAL(NR_REG_ALL_NIC, 1);
	VAL(NR_REG_SW, 2);
	VAL(NR_REG_NIC_SW, 3);
	VAL(NR_REG_ONE_NIC, 4);
	VAL(NR_REG_PIPE_MASTER, 5);
	VAL(NR_REG_PIPE_SLAVE, 6);
	VAL(NR_REG_NULL, 7);
	VAL(NR_REG_ONE_SW, 8);
	VAL(NR_REG_MASK, 0xf);

	VAL(NR_MONITOR_TX, 0x100);
	VAL(NR_MONITOR_RX, 0x200);
	VAL(NR_ZCOPY_MON, 0x400);
	VAL(NR_EXCLUSIVE, 0x800);
	VAL(NR_RX_RINGS_ONLY, 0x2000);
	VAL(NR_TX_RINGS_ONLY, 0x4000);
	VAL(NR_ACCEPT_VNET_HDR, 0x8000);
	VAL(NR_DO_RX_POLL, 0x10000);
	VAL(NR_NO_TX_POLL, 0x20000);

	VAL(NS_BUF_CHANGED, 0x1);
	VAL(NS_REPORT, 0x2);
	VAL(NS_FORWARD, 0x4);
	VAL(NS_NO_LEARN, 0x8);
	VAL(NS_INDIRECT, 0x10);
	VAL(NS_MOREFRAG, 0x20);
	VAL(NR_TIMESTAMP, 0x2);
	VAL(NR_FORWARD, 0x4);

	VAL(NETMAP_HW_RING, 0x4000);
	VAL(NETMAP_SW_RING, 0x2000);
	VAL(NETMAP_RING_MASK, 0x0fff);
	VAL(NETMAP_NO_TX_POLL, 0x1000);
	VAL(NETMAP_DO_RX_POLL, 0x8000);
	VAL(NETMAP_REQ_IFNAMSIZ, 64);
	ok(!strcmp(NM_BDG_NAME, "vale"), "NM_BDG_NAME is \"vale\"");
	ok(!strcmp(NETMAP_DEVICE_NAME, "/dev/netmap"), "NETMAP_DEVICE_NAME");
}

/* the fields netmap applications read from the user-library structures */
static void test_user_structs(void)
{
	struct nmport_d d;
	struct nm_desc nd;
	struct nm_pkthdr h;

	memset(&d, 0, sizeof(d));
	memset(&nd, 0, sizeof(nd));
	ok(sizeof(d.hdr) == 88 && sizeof(d.reg) == 56 && sizeof(d.fd) == 4 &&
	   sizeof(d.first_tx_ring) == 2 && sizeof(d.last_rx_ring) == 2 &&
	   sizeof(d.cur_tx_ring) == 2,
	   "nmport_d: hdr, reg, fd, first/last/cur ring fields have netmap's types");
	ok(sizeof(nd.req) == 60 && sizeof(nd.memsize) == sizeof(size_t) &&
	   sizeof(nd.first_tx_ring) == 2 && sizeof(nd.cur_rx_ring) == 2 &&
	   sizeof(nd.msg) == NM_ERRBUF_SIZE,
	   "nm_desc: req, memsize, ring fields, msg have netmap's types");
	is_int(offsetof(struct nm_pkthdr, caplen), sizeof(struct timeval),
	       "nm_pkthdr starts like pcap_pkthdr (ts, caplen, len)");
	is_int(offsetof(struct nm_pkthdr, len), sizeof(struct timeval) + 4,
	       "nm_pkthdr.len follows caplen");
	(void)h;
}

int main(void)
{
	test_shared_memory();
	test_requests();
	test_constants();
	test_user_structs();
	return done_testing();
}
