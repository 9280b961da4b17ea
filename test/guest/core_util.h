/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core_util.h - raw /dev/netmap access for the core's guest tests.
 *
 * Deliberately below libnetmap: these tests drive the kernel ABI directly
 * (struct nmreq_header, ring indices) so they can also feed it garbage.
 */
#ifndef LIVEMAP_CORE_UTIL_H
#define LIVEMAP_CORE_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <net/netmap.h>

struct cu_port {
	int fd;
	struct nmreq_register reg;
	char *mem;			/* the mapped region, or NULL */
	struct netmap_if *nifp;
};

static inline void cu_hdr(struct nmreq_header *h, const char *name,
			  uint16_t type, void *body)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = NETMAP_API;
	h->nr_reqtype = type;
	strncpy(h->nr_name, name, sizeof(h->nr_name) - 1);
	h->nr_body = (uintptr_t)body;
}

/* NIOCCTRL register on fd; returns 0 or -errno. */
static inline int cu_register(int fd, const char *name, uint32_t mode,
			      uint16_t ringid, uint64_t flags,
			      struct nmreq_register *reg)
{
	struct nmreq_header h;

	memset(reg, 0, sizeof(*reg));
	reg->nr_mode = mode;
	reg->nr_ringid = ringid;
	reg->nr_flags = flags;
	cu_hdr(&h, name, NETMAP_REQ_REGISTER, reg);
	return ioctl(fd, NIOCCTRL, &h) ? -errno : 0;
}

/* Open, register and map a port; returns 0 or -errno. */
static inline int cu_open(struct cu_port *p, const char *name, uint32_t mode,
			  uint64_t flags)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->fd = open("/dev/netmap", O_RDWR);
	if (p->fd < 0)
		return -errno;
	err = cu_register(p->fd, name, mode, 0, flags, &p->reg);
	if (err)
		goto fail;
	p->mem = mmap(NULL, p->reg.nr_memsize, PROT_READ | PROT_WRITE,
		      MAP_SHARED, p->fd, 0);
	if (p->mem == MAP_FAILED) {
		err = -errno;
		p->mem = NULL;
		goto fail;
	}
	p->nifp = (struct netmap_if *)(p->mem + p->reg.nr_offset);
	return 0;
fail:
	close(p->fd);
	p->fd = -1;
	return err;
}

static inline void cu_close(struct cu_port *p)
{
	if (p->mem)
		munmap(p->mem, p->reg.nr_memsize);
	if (p->fd >= 0)
		close(p->fd);
	p->mem = NULL;
	p->fd = -1;
}

static inline struct netmap_ring *cu_txring(struct cu_port *p, unsigned int i)
{
	return (struct netmap_ring *)((char *)p->nifp + p->nifp->ring_ofs[i]);
}

static inline struct netmap_ring *cu_rxring(struct cu_port *p, unsigned int i)
{
	unsigned int ntx = p->nifp->ni_tx_rings + p->nifp->ni_host_tx_rings;

	return (struct netmap_ring *)((char *)p->nifp + p->nifp->ring_ofs[ntx + i]);
}

static inline char *cu_buf(struct netmap_ring *r, uint32_t idx)
{
	return (char *)r + r->buf_ofs + (size_t)idx * r->nr_buf_size;
}

static inline uint32_t cu_next(struct netmap_ring *r, uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

/* Slots the user owns: [head, tail). */
static inline uint32_t cu_space(struct netmap_ring *r)
{
	int64_t d = (int64_t)r->tail - r->head;

	return d < 0 ? d + r->num_slots : d;
}

#endif /* LIVEMAP_CORE_UTIL_H */
