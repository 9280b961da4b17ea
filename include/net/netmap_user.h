/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net/netmap_user.h - userspace helpers for the netmap ABI (API v14).
 *
 * livemap's own text, written from the ABI's documented facts: names and
 * semantics are netmap's so that unmodified netmap applications compile
 * against it.
 *
 * Addressing: the kernel hands out one mmap()ed region and offsets into it,
 * never pointers.
 *
 *	nifp = NETMAP_IF(mem, reg.nr_offset);          the port's netmap_if
 *	ring = NETMAP_TXRING(nifp, i);                 ring_ofs[] is relative
 *	ring = NETMAP_RXRING(nifp, i);                   to the netmap_if
 *	buf  = NETMAP_BUF(ring, ring->slot[j].buf_idx);
 *
 * ring_ofs[] lists, in order: NIC tx rings, host tx rings, NIC rx rings,
 * host rx rings.  So rx ring i sits after every tx ring, host ones included.
 *
 * Ownership of a ring: the application owns the slots [head, tail); it
 * returns slots to the kernel by moving head forward (and cur, the wake-up
 * point, with it) and then calling NIOCTXSYNC / NIOCRXSYNC / poll().  All
 * three indices only ever move forward, modulo num_slots.
 *
 * With NETMAP_WITH_LIBS defined, the pcap-like legacy API follows:
 * nm_open(), nm_close(), nm_mmap(), nm_inject(), nm_dispatch(),
 * nm_nextpkt() (all static, header-only, as netmap ships them).  New code
 * should prefer libnetmap's nmport_*() (<libnetmap.h>).
 */
#ifndef _NET_NETMAP_USER_H_
#define _NET_NETMAP_USER_H_

#define NETMAP_DEVICE_NAME	"/dev/netmap"

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <net/if.h>

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#include <net/netmap.h>

/* ------------------------------------------------------------ addressing */

#define _NETMAP_OFFSET(type, ptr, offset) \
	((type)(void *)((char *)(ptr) + (offset)))

#define NETMAP_IF(_base, _ofs)	_NETMAP_OFFSET(struct netmap_if *, _base, _ofs)

#define NETMAP_TXRING(nifp, index)					\
	_NETMAP_OFFSET(struct netmap_ring *, nifp, (nifp)->ring_ofs[index])

#define NETMAP_RXRING(nifp, index)					\
	_NETMAP_OFFSET(struct netmap_ring *, nifp,			\
		       (nifp)->ring_ofs[(index) + (nifp)->ni_tx_rings +	\
					(nifp)->ni_host_tx_rings])

#define NETMAP_BUF(ring, index)						\
	((char *)(ring) + (ring)->buf_ofs +				\
	 ((size_t)(index) * (ring)->nr_buf_size))

#define NETMAP_BUF_IDX(ring, buf)					\
	(((char *)(buf) - ((char *)(ring) + (ring)->buf_ofs)) /		\
	 (ring)->nr_buf_size)

/*
 * Per-slot data offsets (NETMAP_REQ_OPT_OFFSETS): the low bits of
 * slot->ptr selected by ring->offset_mask tell where the frame starts inside
 * its buffer.  offset_mask is 0 unless the port was opened with the option,
 * which makes these read as plain NETMAP_BUF().
 */
#define NETMAP_ROFFSET(ring, slot)	((slot)->ptr & (ring)->offset_mask)

#define NETMAP_WOFFSET(ring, slot, offset)				\
	do {								\
		(slot)->ptr = ((slot)->ptr & ~(ring)->offset_mask) |	\
			      ((uint64_t)(offset) & (ring)->offset_mask); \
	} while (0)

#define NETMAP_BUF_OFFSET(ring, slot)					\
	(NETMAP_BUF(ring, (slot)->buf_idx) + NETMAP_ROFFSET(ring, slot))

/* ------------------------------------------------------ ring arithmetic */

/* The slot after i, wrapping at num_slots. */
static inline uint32_t nm_ring_next(struct netmap_ring *r, uint32_t i)
{
	return unlikely(i + 1 == r->num_slots) ? 0 : i + 1;
}

/*
 * Slots the application may still fill (tx) or read (rx): [head, tail).
 * head, not cur: cur may legitimately run ahead of tail (see netmap(4)).
 */
static inline uint32_t nm_ring_space(struct netmap_ring *ring)
{
	int ret = (int)ring->tail - (int)ring->head;

	if (ret < 0)
		ret += ring->num_slots;
	return ret;
}

/*
 * Non-zero while the kernel still holds transmissions of this tx ring.
 * When all is sent the kernel has handed every slot but one back, i.e. the
 * slot after tail is head.
 */
static inline int nm_tx_pending(struct netmap_ring *r)
{
	return nm_ring_next(r, r->tail) != r->head;
}

/* ------------------------------------------------------------- debugging */

#ifndef ND
#define ND(_fmt, ...) do {} while (0)
/* One line on stderr: seconds % 1000, microseconds, function, line. */
#define D(_fmt, ...)							\
	do {								\
		struct timeval _nm_t;					\
		gettimeofday(&_nm_t, NULL);				\
		fprintf(stderr, "%03d.%06d %s [%d] " _fmt "\n",		\
			(int)(_nm_t.tv_sec % 1000), (int)_nm_t.tv_usec,	\
			__func__, __LINE__, ##__VA_ARGS__);		\
	} while (0)
/* D(), at most lps lines per wall-clock second at this call site. */
#define RD(lps, _fmt, ...)						\
	do {								\
		static time_t _nm_rd_sec;				\
		static int _nm_rd_cnt;					\
		struct timeval _nm_rd_t;				\
		gettimeofday(&_nm_rd_t, NULL);				\
		if (_nm_rd_sec != _nm_rd_t.tv_sec) {			\
			_nm_rd_sec = _nm_rd_t.tv_sec;			\
			_nm_rd_cnt = 0;					\
		}							\
		if (_nm_rd_cnt++ < (lps))				\
			D(_fmt, ##__VA_ARGS__);				\
	} while (0)
#endif /* ND */

/*
 * Copy a frame into a netmap buffer.  Buffers are at least 64-byte granular,
 * so short multiples of 64 are copied in whole 8-byte words; anything else
 * goes to memcpy().
 */
static inline void nm_pkt_copy(const void *_src, void *_dst, int l)
{
	const uint64_t *src = (const uint64_t *)_src;
	uint64_t *dst = (uint64_t *)_dst;
	int i;

	if (unlikely(l >= 1024 || (l & 63) != 0)) {
		memcpy(_dst, _src, (size_t)l);
		return;
	}
	for (; l > 0; l -= 64)
		for (i = 0; i < 8; i++)
			*dst++ = *src++;
}

/*
 * Copy one frame into ring's free slots starting at head, spanning several
 * slots chained with NS_MOREFRAG when it is larger than a buffer, and
 * advance head and cur past it.  Returns 1, or 0 (ring untouched) if the
 * ring has not enough free slots.  Shared by nm_inject() and
 * nmport_inject().
 */
static inline int nm_ring_put_frame(struct netmap_ring *ring, const void *buf,
				    size_t size)
{
	const char *src = (const char *)buf;
	uint32_t bsz = ring->nr_buf_size, i, need = 1;
	size_t rem = size;

	if (bsz == 0)
		return 0;
	if (size > bsz)
		need = (uint32_t)((size + bsz - 1) / bsz);
	if (nm_ring_space(ring) < need)
		return 0;
	for (i = ring->head; rem > bsz; i = nm_ring_next(ring, i)) {
		memcpy(NETMAP_BUF(ring, ring->slot[i].buf_idx), src, bsz);
		ring->slot[i].len = (uint16_t)bsz;
		ring->slot[i].flags = NS_MOREFRAG;
		src += bsz;
		rem -= bsz;
	}
	memcpy(NETMAP_BUF(ring, ring->slot[i].buf_idx), src, rem);
	ring->slot[i].len = (uint16_t)rem;
	ring->slot[i].flags = 0;
	ring->head = ring->cur = nm_ring_next(ring, i);
	return 1;
}

/*
 * Put one frame in the first tx ring of [first, last] that has room,
 * starting at *cur and rotating; *cur becomes the ring used.  Returns size,
 * or 0 if every ring is full.  The body of nm_inject() / nmport_inject().
 */
static inline int nm_inject_rings(struct netmap_if *nifp, uint16_t first,
				  uint16_t last, uint16_t *cur,
				  const void *buf, size_t size)
{
	unsigned int n = (uint16_t)(last - first + 1), c, ri = *cur;

	for (c = 0; c < n; c++, ri++) {
		if (ri > last)
			ri = first;
		if (nm_ring_put_frame(NETMAP_TXRING(nifp, ri), buf, size)) {
			*cur = (uint16_t)ri;
			return (int)size;
		}
	}
	return 0;
}

/* ----------------------------------------------- port-spec mode decoding */

/*
 * The "mode" part of a port spec, shared by the legacy nm_open() below and
 * by libnetmap's nmreq_register_decode(), so that both read names the same
 * way.  Grammar (after the port name):
 *
 *	(none)		all NIC rings			NR_REG_ALL_NIC
 *	-K		NIC ring pair K			NR_REG_ONE_NIC
 *	^		all host rings			NR_REG_SW
 *	^K		host ring pair K		NR_REG_ONE_SW
 *	*		NIC and host rings		NR_REG_NIC_SW
 *	/xzrtRT		flags: exclusive, zero-copy monitor, monitor rx/tx,
 *			rx rings only, tx rings only
 *	@N		memory region N (N > 0)
 *
 * Decoding stops without error at an '@' not followed by a digit (the start
 * of libnetmap's @option list); *pscan is left on that '@'.
 */
struct nm_mode_spec {
	uint32_t mode;		/* NR_REG_* */
	uint16_t ringid;
	uint16_t mem_id;	/* 0: not given */
	uint64_t flags;		/* NR_EXCLUSIVE, NR_RX_RINGS_ONLY, ... */
};

#define NM_MODE_ERRLEN	128

static inline int nm_mode_number(const char **pscan, long max, long *out,
				 const char *what, char *err)
{
	const char *s = *pscan;
	long v = 0;

	if (!isdigit((unsigned char)*s)) {
		snprintf(err, NM_MODE_ERRLEN, "%s: expected a number at '%s'",
			 what, s);
		return -1;
	}
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s - '0');
		if (v > max) {
			snprintf(err, NM_MODE_ERRLEN,
				 "%s out of range (maximum %ld)", what, max);
			return -1;
		}
		s++;
	}
	*out = v;
	*pscan = s;
	return 0;
}

static inline int nm_mode_decode(const char **pscan, struct nm_mode_spec *m,
				 char *err)
{
	enum { S_START, S_AFTER_MODE, S_FLAGS } st = S_START;
	const char *s = *pscan;
	long v;

	memset(m, 0, sizeof(*m));
	m->mode = NR_REG_ALL_NIC;
	while (*s) {
		char c = *s;

		if (c == '@') {
			if (!isdigit((unsigned char)s[1]))
				break;		/* libnetmap option list */
			if (m->mem_id) {
				snprintf(err, NM_MODE_ERRLEN,
					 "memory region given twice");
				return -1;
			}
			s++;
			if (nm_mode_number(&s, 0xffff, &v, "memory region",
					   err) < 0)
				return -1;
			if (v == 0) {
				snprintf(err, NM_MODE_ERRLEN,
					 "memory region must be > 0");
				return -1;
			}
			m->mem_id = (uint16_t)v;
			st = S_AFTER_MODE;
			continue;
		}
		if (st == S_FLAGS) {
			switch (c) {
			case 'x': m->flags |= NR_EXCLUSIVE; break;
			case 'z': m->flags |= NR_ZCOPY_MON; break;
			case 'r': m->flags |= NR_MONITOR_RX; break;
			case 't': m->flags |= NR_MONITOR_TX; break;
			case 'R': m->flags |= NR_RX_RINGS_ONLY; break;
			case 'T': m->flags |= NR_TX_RINGS_ONLY; break;
			default:
				snprintf(err, NM_MODE_ERRLEN,
					 "unknown flag '%c' (expected one of xzrtRT)",
					 c);
				return -1;
			}
			s++;
			continue;
		}
		if (c == '/') {
			if (!isalpha((unsigned char)s[1])) {
				snprintf(err, NM_MODE_ERRLEN,
					 "'/' must be followed by flags (xzrtRT)");
				return -1;
			}
			st = S_FLAGS;
			s++;
			continue;
		}
		if (st != S_START) {
			snprintf(err, NM_MODE_ERRLEN,
				 "unexpected '%c' after the ring selection", c);
			return -1;
		}
		s++;
		switch (c) {
		case '-':
			m->mode = NR_REG_ONE_NIC;
			if (nm_mode_number(&s, NETMAP_RING_MASK - 1, &v,
					   "ring number after '-'", err) < 0)
				return -1;
			m->ringid = (uint16_t)v;
			break;
		case '^':
			m->mode = NR_REG_SW;
			if (isdigit((unsigned char)*s)) {
				m->mode = NR_REG_ONE_SW;
				if (nm_mode_number(&s, NETMAP_RING_MASK - 1,
						   &v, "host ring number after '^'",
						   err) < 0)
					return -1;
				m->ringid = (uint16_t)v;
			}
			break;
		case '*':
			m->mode = NR_REG_NIC_SW;
			break;
		default:
			snprintf(err, NM_MODE_ERRLEN,
				 "unknown ring selector '%c' (expected - ^ * / @)",
				 c);
			return -1;
		}
		st = S_AFTER_MODE;
	}
	if ((m->flags & NR_RX_RINGS_ONLY) && (m->flags & NR_TX_RINGS_ONLY)) {
		snprintf(err, NM_MODE_ERRLEN,
			 "flags R and T exclude each other");
		return -1;
	}
	*pscan = s;
	return 0;
}

/*
 * The rings a registration binds, from what the kernel answered: the tx and
 * rx ranges [first, last] as netmap applications expect them.  An empty
 * range (tx or rx only, or no ring) is first = 1, last = 0, so that both
 * "for (i = first; i <= last; i++)" and "last - first + 1" give nothing.
 * Returns -1 if the answer does not make sense (e.g. ring K of a port with
 * fewer rings).
 */
struct nm_ring_range {
	uint16_t first_tx, last_tx, first_rx, last_rx;
};

static inline int nm_ring_range_compute(uint32_t mode, uint32_t ringid,
					uint64_t flags, uint32_t ntx,
					uint32_t nrx, uint32_t nhtx,
					uint32_t nhrx, struct nm_ring_range *rr)
{
	uint32_t ft, lt, fr, lr;	/* last is exclusive here */

	switch (mode) {
	case NR_REG_ALL_NIC:
		ft = 0; lt = ntx; fr = 0; lr = nrx;
		break;
	case NR_REG_SW:
		ft = ntx; lt = ntx + nhtx; fr = nrx; lr = nrx + nhrx;
		break;
	case NR_REG_NIC_SW:
		ft = 0; lt = ntx + nhtx; fr = 0; lr = nrx + nhrx;
		break;
	case NR_REG_ONE_NIC:
		if (ringid >= ntx || ringid >= nrx)
			return -1;
		ft = ringid; lt = ringid + 1; fr = ringid; lr = ringid + 1;
		break;
	case NR_REG_ONE_SW:
		if (ringid >= nhtx || ringid >= nhrx)
			return -1;
		ft = ntx + ringid; lt = ft + 1; fr = nrx + ringid; lr = fr + 1;
		break;
	case NR_REG_NULL:
		ft = lt = fr = lr = 0;
		break;
	default:
		return -1;
	}
	if (flags & NR_RX_RINGS_ONLY)
		lt = ft;
	if (flags & NR_TX_RINGS_ONLY)
		lr = fr;
	if (lt > 0xffff || lr > 0xffff)
		return -1;
	if (lt == ft)
		ft = 1, lt = 1;		/* empty: [1, 0] */
	if (lr == fr)
		fr = 1, lr = 1;
	rr->first_tx = (uint16_t)ft;
	rr->last_tx = (uint16_t)(lt - 1);
	rr->first_rx = (uint16_t)fr;
	rr->last_rx = (uint16_t)(lr - 1);
	return 0;
}

/*
 * Check what the kernel put in the region before following any offset: the
 * netmap_if, every bound ring and its slot array must lie inside memsize.
 * Returns NULL if all is well, else a short reason.
 */
static inline const char *nm_region_check(void *mem, size_t memsize,
					  uint64_t nifp_ofs,
					  const struct nm_ring_range *rr)
{
	struct netmap_if *nifp;
	uint32_t ntx_all, i;

	if (nifp_ofs > memsize || memsize - nifp_ofs < sizeof(*nifp))
		return "netmap_if offset outside the region";
	nifp = NETMAP_IF(mem, nifp_ofs);
	ntx_all = nifp->ni_tx_rings + nifp->ni_host_tx_rings;
	for (i = 0; i < 2; i++) {
		uint32_t first = i ? rr->first_rx : rr->first_tx;
		uint32_t last = i ? rr->last_rx : rr->last_tx;
		uint32_t r;

		if (last < first)
			continue;	/* empty range */
		for (r = first; r <= last; r++) {
			uint32_t k = i ? r + ntx_all : r;
			int64_t ofs;
			struct netmap_ring *ring;
			uint64_t at;

			if (nifp_ofs + sizeof(*nifp) +
			    (uint64_t)(k + 1) * sizeof(nifp->ring_ofs[0]) >
			    memsize)
				return "ring table outside the region";
			ofs = nifp->ring_ofs[k];
			at = nifp_ofs + (uint64_t)ofs;
			if (ofs <= 0 || at > memsize ||
			    memsize - at < sizeof(*ring))
				return "ring offset outside the region";
			ring = _NETMAP_OFFSET(struct netmap_ring *, nifp, ofs);
			if (ring->num_slots == 0 ||
			    (uint64_t)ring->num_slots * sizeof(ring->slot[0]) >
			    memsize - at - sizeof(*ring))
				return "ring slots outside the region";
		}
	}
	return NULL;
}

#ifdef NETMAP_WITH_LIBS
#ifndef HAVE_NETMAP_WITH_LIBS
#define HAVE_NETMAP_WITH_LIBS

/* ------------------------------------------------ legacy pcap-like API */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#ifdef O_CLOEXEC	/* strict ISO C modes hide it */
#define NM_O_CLOEXEC	O_CLOEXEC
#else
#define NM_O_CLOEXEC	0
#endif

/* Per-packet header handed to nm_dispatch() callbacks (pcap_pkthdr first). */
struct nm_pkthdr {
	struct timeval	ts;
	uint32_t	caplen;		/* bytes contiguous at the buffer */
	uint32_t	len;		/* whole frame, all fragments */
	uint64_t	flags;
#define NM_MORE_PKTS	1		/* more packets follow in this call */
	struct nm_desc	*d;
	struct netmap_slot *slot;	/* first slot of the packet */
	uint8_t		*buf;
};

struct nm_stat {		/* as pcap_stat */
	unsigned int	ps_recv;
	unsigned int	ps_drop;
	unsigned int	ps_ifdrop;
};

#define NM_ERRBUF_SIZE	512

struct nm_desc {
	struct nm_desc *self;		/* == this when valid */
	int fd;
	void *mem;
	size_t memsize;
	int done_mmap;			/* mem is ours to munmap() */
	struct netmap_if * const nifp;
	uint16_t first_tx_ring, last_tx_ring, cur_tx_ring;
	uint16_t first_rx_ring, last_rx_ring, cur_rx_ring;
	struct nmreq req;		/* the registration, as answered */
	struct nm_pkthdr hdr;

	/* Where buffers live, to tell a buffer pointer from anything else. */
	struct netmap_ring * const some_ring;
	void * const buf_start;
	void * const buf_end;

	/* pcap_open_live() compatibility; unused here. */
	int snaplen;
	int promisc;
	int to_ms;
	char *errbuf;

	uint32_t if_flags;
	uint32_t if_reqcap;
	uint32_t if_curcap;

	struct nm_stat st;
	char msg[NM_ERRBUF_SIZE];	/* why the last nm_open() failed */
};

#define P2NMD(p)		((struct nm_desc *)(p))
#define IS_NETMAP_DESC(d)	((d) && P2NMD(d)->self == P2NMD(d))
#define NETMAP_FD(d)		(P2NMD(d)->fd)

typedef void (*nm_cb_t)(unsigned char *, const struct nm_pkthdr *, const unsigned char *d);

/*
 * nm_open(ifname, req, flags, parent)
 *
 * ifname is "netmap:NAME[mode]" or "valeX:Y[mode]", mode as above plus the
 * legacy pipe selectors "{K" (master end of pipe K) and "}K" (slave end).
 * req, if not NULL, gives initial values (slots, rings, nr_arg3 = extra
 * buffers).  flags: NM_OPEN_* below, plus NETMAP_NO_TX_POLL /
 * NETMAP_DO_RX_POLL.  parent: a descriptor whose memory may be reused.
 *
 * Returns NULL on failure with errno set and the reason printed on stderr;
 * a name that is not a netmap name at all returns NULL with errno == 0 (so
 * pcap-like callers can fall back), as netmap documents.
 */
enum {
	NM_OPEN_NO_MMAP =	0x040000,	/* reuse the parent's mmap */
	NM_OPEN_IFNAME =	0x080000,	/* name/ringid/flags from parent */
	NM_OPEN_ARG1 =		0x100000,
	NM_OPEN_ARG2 =		0x200000,
	NM_OPEN_ARG3 =		0x400000,
	NM_OPEN_RING_CFG =	0x800000,	/* ring and slot counts */
};

static struct nm_desc *nm_open(const char *ifname, const struct nmreq *req,
			       uint64_t flags, const struct nm_desc *arg);
static int nm_close(struct nm_desc *);
static int nm_mmap(struct nm_desc *, const struct nm_desc *);
static int nm_inject(struct nm_desc *, const void *, size_t);
static int nm_dispatch(struct nm_desc *, int, nm_cb_t, unsigned char *);
static unsigned char *nm_nextpkt(struct nm_desc *, struct nm_pkthdr *);

/*
 * Legacy name parsing into d->req: nr_name, nr_flags (NR_REG_* in the low
 * bits plus flags), nr_ringid, nr_arg2 (memory region).  Pipes keep the
 * legacy encoding NR_REG_PIPE_MASTER/SLAVE + ringid.  Returns 0, or -1 with
 * a reason in err.
 */
static inline int nm_parse(const char *ifname, struct nm_desc *d, char *err)
{
	const char *name, *scan;
	struct nm_mode_spec m;
	size_t len;
	uint32_t pipe = 0;
	long v = 0;

	if (!strncmp(ifname, "netmap:", 7)) {
		name = ifname + 7;
	} else if (!strncmp(ifname, NM_BDG_NAME, strlen(NM_BDG_NAME))) {
		name = ifname;		/* the switch name is part of it */
		if (!strchr(name, ':')) {
			snprintf(err, NM_MODE_ERRLEN, "missing ':' in VALE name");
			return -1;
		}
	} else {
		snprintf(err, NM_MODE_ERRLEN,
			 "name must start with 'netmap:' or '" NM_BDG_NAME "'");
		return -1;
	}
	for (scan = name; *scan && !strchr("-*^{}/@", *scan); scan++)
		;
	len = (size_t)(scan - name);
	if (len == 0) {
		snprintf(err, NM_MODE_ERRLEN, "empty port name");
		return -1;
	}
	if (len >= sizeof(d->req.nr_name)) {
		snprintf(err, NM_MODE_ERRLEN,
			 "port name longer than %zu characters",
			 sizeof(d->req.nr_name) - 1);
		return -1;
	}
	if (*scan == '{' || *scan == '}') {
		pipe = *scan == '{' ? NR_REG_PIPE_MASTER : NR_REG_PIPE_SLAVE;
		scan++;
		if (nm_mode_number(&scan, NETMAP_RING_MASK - 1, &v,
				   "pipe number", err) < 0)
			return -1;
	}
	if (nm_mode_decode(&scan, &m, err) < 0)
		return -1;
	if (*scan) {
		snprintf(err, NM_MODE_ERRLEN, "unexpected '%s' at the end",
			 scan);
		return -1;
	}
	if (pipe && m.mode != NR_REG_ALL_NIC) {
		snprintf(err, NM_MODE_ERRLEN,
			 "a pipe end takes no ring selector");
		return -1;
	}
	memcpy(d->req.nr_name, name, len);
	d->req.nr_name[len] = '\0';
	d->req.nr_flags = (pipe ? pipe : m.mode) |
			  (uint32_t)m.flags;
	d->req.nr_ringid = (uint16_t)(pipe ? v : m.ringid);
	d->req.nr_arg2 = m.mem_id;
	return 0;
}

/*
 * Register through NIOCCTRL (the API v14 path) and report back in the
 * legacy d->req, so that applications reading d->req.nr_tx_rings,
 * nr_arg2 (memory region) or nr_arg3 (extra buffers) see what they expect.
 */
static inline int nm_register_legacy(struct nm_desc *d, uint64_t new_flags,
				     char *err)
{
	struct nmreq_header h;
	struct nmreq_register r;
	uint32_t mode = d->req.nr_flags & NR_REG_MASK;
	size_t n;

	memset(&h, 0, sizeof(h));
	memset(&r, 0, sizeof(r));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = NETMAP_REQ_REGISTER;
	h.nr_body = (uintptr_t)&r;
	for (n = 0; n < sizeof(d->req.nr_name) && d->req.nr_name[n]; n++)
		;
	memcpy(h.nr_name, d->req.nr_name, n);
	if (mode == NR_REG_PIPE_MASTER || mode == NR_REG_PIPE_SLAVE) {
		/* API v14 names pipe ends "x{K" / "x}K" */
		snprintf(h.nr_name + n, sizeof(h.nr_name) - n, "%c%u",
			 mode == NR_REG_PIPE_MASTER ? '{' : '}',
			 d->req.nr_ringid & NETMAP_RING_MASK);
		mode = NR_REG_ALL_NIC;
	}
	r.nr_mode = mode ? mode : (uint32_t)NR_REG_ALL_NIC;
	r.nr_ringid = d->req.nr_ringid & NETMAP_RING_MASK;
	r.nr_flags = d->req.nr_flags & ~(uint32_t)NR_REG_MASK;
	if ((d->req.nr_ringid | new_flags) & NETMAP_NO_TX_POLL)
		r.nr_flags |= NR_NO_TX_POLL;
	if ((d->req.nr_ringid | new_flags) & NETMAP_DO_RX_POLL)
		r.nr_flags |= NR_DO_RX_POLL;
	r.nr_mem_id = d->req.nr_arg2;
	r.nr_extra_bufs = d->req.nr_arg3;
	r.nr_tx_slots = d->req.nr_tx_slots;
	r.nr_rx_slots = d->req.nr_rx_slots;
	r.nr_tx_rings = d->req.nr_tx_rings;
	r.nr_rx_rings = d->req.nr_rx_rings;

	if (ioctl(d->fd, NIOCCTRL, &h) < 0) {
		snprintf(err, NM_MODE_ERRLEN, "register '%s': %s", h.nr_name,
			 strerror(errno));
		return -1;
	}
	if (r.nr_offset > UINT32_MAX || r.nr_memsize > UINT32_MAX) {
		/* struct nmreq has 32-bit fields: refuse rather than truncate */
		snprintf(err, NM_MODE_ERRLEN,
			 "'%s': region too large for the legacy API (use nmport_open)",
			 h.nr_name);
		errno = EOVERFLOW;
		return -1;
	}
	d->req.nr_offset = (uint32_t)r.nr_offset;
	d->req.nr_memsize = (uint32_t)r.nr_memsize;
	d->req.nr_version = NETMAP_API;
	d->req.nr_tx_slots = r.nr_tx_slots;
	d->req.nr_rx_slots = r.nr_rx_slots;
	d->req.nr_tx_rings = r.nr_tx_rings;
	d->req.nr_rx_rings = r.nr_rx_rings;
	d->req.nr_arg2 = r.nr_mem_id;
	d->req.nr_arg3 = r.nr_extra_bufs;
	{
		struct nm_ring_range rr;

		if (nm_ring_range_compute(r.nr_mode, r.nr_ringid, r.nr_flags,
					  r.nr_tx_rings, r.nr_rx_rings,
					  r.nr_host_tx_rings,
					  r.nr_host_rx_rings, &rr) < 0) {
			snprintf(err, NM_MODE_ERRLEN,
				 "'%s': ring %u not on a port with %u rings",
				 h.nr_name, r.nr_ringid, r.nr_tx_rings);
			errno = EINVAL;
			return -1;
		}
		d->first_tx_ring = rr.first_tx;
		d->last_tx_ring = rr.last_tx;
		d->first_rx_ring = rr.first_rx;
		d->last_rx_ring = rr.last_rx;
	}
	return 0;
}

static struct nm_desc *nm_open(const char *ifname, const struct nmreq *req,
			       uint64_t new_flags, const struct nm_desc *arg)
{
	const struct nm_desc *parent = IS_NETMAP_DESC(arg) ? arg : NULL;
	char err[NM_MODE_ERRLEN] = "";
	struct nm_desc *d;
	int saved;

	if (strncmp(ifname, "netmap:", 7) &&
	    strncmp(ifname, NM_BDG_NAME, strlen(NM_BDG_NAME))) {
		errno = 0;	/* not a netmap name: not an error */
		return NULL;
	}
	d = (struct nm_desc *)calloc(1, sizeof(*d));
	if (d == NULL) {
		fprintf(stderr, "nm_open %s: out of memory\n", ifname);
		errno = ENOMEM;
		return NULL;
	}
	d->self = d;
	d->fd = -1;
	if (req)
		d->req = *req;
	if (!(new_flags & NM_OPEN_IFNAME) || !parent) {
		d->req.nr_ringid &= ~NETMAP_RING_MASK;
		if (nm_parse(ifname, d, err) < 0) {
			errno = EINVAL;
			goto fail;
		}
	} else {
		memcpy(d->req.nr_name, parent->req.nr_name,
		       sizeof(d->req.nr_name));
		d->req.nr_ringid = parent->req.nr_ringid;
		d->req.nr_flags = parent->req.nr_flags;
	}
	if (parent) {
		if (new_flags & NM_OPEN_ARG1)
			d->req.nr_arg1 = parent->req.nr_arg1;
		if (new_flags & NM_OPEN_ARG2)
			d->req.nr_arg2 = parent->req.nr_arg2;
		if (new_flags & NM_OPEN_ARG3)
			d->req.nr_arg3 = parent->req.nr_arg3;
		if (new_flags & NM_OPEN_RING_CFG) {
			d->req.nr_tx_slots = parent->req.nr_tx_slots;
			d->req.nr_rx_slots = parent->req.nr_rx_slots;
			d->req.nr_tx_rings = parent->req.nr_tx_rings;
			d->req.nr_rx_rings = parent->req.nr_rx_rings;
		}
	}
	d->fd = open(NETMAP_DEVICE_NAME, O_RDWR | NM_O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(err, sizeof(err), "cannot open " NETMAP_DEVICE_NAME
			 ": %s", strerror(errno));
		goto fail;
	}
	if (nm_register_legacy(d, new_flags, err) < 0)
		goto fail;
	if ((!(new_flags & NM_OPEN_NO_MMAP) || parent) && nm_mmap(d, parent)) {
		snprintf(err, sizeof(err), "mmap: %.100s", d->msg);
		goto fail;
	}
	d->cur_tx_ring = d->first_tx_ring;
	d->cur_rx_ring = d->first_rx_ring;
	return d;

fail:
	saved = errno ? errno : EINVAL;
	fprintf(stderr, "nm_open %s: %s\n", ifname, err);
	nm_close(d);
	errno = saved;
	return NULL;
}

static int nm_close(struct nm_desc *d)
{
	/* keep -Wunused-function quiet for callers using only part of it */
	static void *nm_unused_[] __attribute__((unused)) = {
		(void *)nm_open, (void *)nm_inject, (void *)nm_dispatch,
		(void *)nm_nextpkt,
	};

	if (d == NULL || d->self != d)
		return EINVAL;
	if (d->done_mmap && d->mem)
		munmap(d->mem, d->memsize);
	if (d->fd >= 0)
		close(d->fd);
	memset((void *)d, 0, sizeof(*d));
	free(d);
	return 0;
}

/* Map the region, or share the parent's when it is the same region. */
static int nm_mmap(struct nm_desc *d, const struct nm_desc *parent)
{
	uint64_t nifp_ofs = d->req.nr_offset;
	struct nm_ring_range rr = {
		d->first_tx_ring, d->last_tx_ring,
		d->first_rx_ring, d->last_rx_ring,
	};
	const char *why;
	struct netmap_if *nifp;
	struct netmap_ring *r;

	if (d->done_mmap) {
		snprintf(d->msg, sizeof(d->msg), "already mapped");
		errno = EINVAL;
		return EINVAL;
	}
	if (IS_NETMAP_DESC(parent) && parent->mem &&
	    parent->req.nr_arg2 == d->req.nr_arg2) {
		d->mem = parent->mem;
		d->memsize = parent->memsize;
	} else {
		d->memsize = d->req.nr_memsize;
		if (d->memsize == 0) {
			snprintf(d->msg, sizeof(d->msg), "empty region");
			errno = EINVAL;
			return EINVAL;
		}
		d->mem = mmap(NULL, d->memsize, PROT_READ | PROT_WRITE,
			      MAP_SHARED, d->fd, 0);
		if (d->mem == MAP_FAILED) {
			snprintf(d->msg, sizeof(d->msg), "%s", strerror(errno));
			d->mem = NULL;
			return errno;
		}
		d->done_mmap = 1;
	}
	why = nm_region_check(d->mem, d->memsize, nifp_ofs, &rr);
	if (why) {
		snprintf(d->msg, sizeof(d->msg), "%s", why);
		errno = EPROTO;
		return EPROTO;
	}
	nifp = NETMAP_IF(d->mem, nifp_ofs);
	if (d->last_rx_ring >= d->first_rx_ring)
		r = NETMAP_RXRING(nifp, d->first_rx_ring);
	else
		r = NETMAP_TXRING(nifp, d->first_tx_ring);
	*(struct netmap_if **)(uintptr_t)&d->nifp = nifp;
	*(struct netmap_ring **)(uintptr_t)&d->some_ring = r;
	*(void **)(uintptr_t)&d->buf_start = NETMAP_BUF(r, 0);
	*(void **)(uintptr_t)&d->buf_end = (char *)d->mem + d->memsize;
	return 0;
}

/*
 * Copy one frame into the next free tx slot(s), rotating over the bound tx
 * rings; a frame larger than a buffer spans several slots chained with
 * NS_MOREFRAG.  Returns size, or 0 if no ring has room (the caller then
 * polls or calls NIOCTXSYNC).  The frame leaves on the next sync.
 */
static int nm_inject(struct nm_desc *d, const void *buf, size_t size)
{
	return nm_inject_rings(d->nifp, d->first_tx_ring, d->last_tx_ring,
			       &d->cur_tx_ring, buf, size);
}

/*
 * Call cb once per received packet, up to cnt packets (cnt <= 0: all that
 * are there), over the bound rx rings starting from the current one.  The
 * slots are released (head advanced) as packets are handed out, the last
 * callback of a call sees hdr->flags without NM_MORE_PKTS.  Returns the
 * number of packets.
 */
static int nm_dispatch(struct nm_desc *d, int cnt, nm_cb_t cb, unsigned char *arg)
{
	int n = d->last_rx_ring - d->first_rx_ring + 1;
	int c, got = 0, ri = d->cur_rx_ring;
	unsigned char *pending = NULL;

	if (cnt <= 0)
		cnt = -1;
	d->hdr.d = d;
	d->hdr.flags = NM_MORE_PKTS;
	for (c = 0; c < n && got != cnt; c++, ri++) {
		struct netmap_ring *ring;

		if (ri > d->last_rx_ring)
			ri = d->first_rx_ring;
		ring = NETMAP_RXRING(d->nifp, ri);
		while (!nm_ring_empty(ring) && got != cnt) {
			uint32_t i = ring->head;
			struct netmap_slot *slot = &ring->slot[i];
			unsigned char *prev;

			/* deliver the previous one now that we know more
			 * packets follow it */
			if (pending)
				cb(arg, &d->hdr, pending);
			d->cur_rx_ring = (uint16_t)ri;
			d->hdr.slot = slot;
			pending = d->hdr.buf =
				(unsigned char *)NETMAP_BUF(ring, slot->buf_idx);
			d->hdr.len = d->hdr.caplen = slot->len;
			prev = pending;
			while ((slot->flags & NS_MOREFRAG) &&
			       nm_ring_next(ring, i) != ring->tail) {
				unsigned char *nb;
				uint32_t plen = slot->len;

				i = nm_ring_next(ring, i);
				slot = &ring->slot[i];
				nb = (unsigned char *)NETMAP_BUF(ring, slot->buf_idx);
				d->hdr.len += slot->len;
				/* caplen: only what is contiguous */
				if (prev && plen == ring->nr_buf_size &&
				    nb == prev + ring->nr_buf_size) {
					d->hdr.caplen += slot->len;
					prev = nb;
				} else {
					prev = NULL;
				}
			}
			d->hdr.ts = ring->ts;
			ring->head = ring->cur = nm_ring_next(ring, i);
			got++;
		}
	}
	if (pending) {
		d->hdr.flags = 0;
		cb(arg, &d->hdr, pending);
	}
	return got;
}

/*
 * The next received packet (its buffer), or NULL if every bound rx ring is
 * empty.  The slot is released at once: the buffer stays valid only until
 * the next sync.
 */
static unsigned char *nm_nextpkt(struct nm_desc *d, struct nm_pkthdr *hdr)
{
	int ri = d->cur_rx_ring;

	if (d->last_rx_ring < d->first_rx_ring)
		return NULL;		/* tx-only descriptor */

	do {
		struct netmap_ring *ring = NETMAP_RXRING(d->nifp, ri);

		if (!nm_ring_empty(ring)) {
			uint32_t i = ring->head;
			struct netmap_slot *slot = &ring->slot[i];
			unsigned char *buf = (unsigned char *)NETMAP_BUF(ring, slot->buf_idx);

			hdr->ts = ring->ts;
			hdr->len = hdr->caplen = slot->len;
			hdr->slot = slot;
			hdr->buf = buf;
			hdr->d = d;
			hdr->flags = 0;
			ring->head = ring->cur = nm_ring_next(ring, i);
			d->cur_rx_ring = (uint16_t)ri;
			return buf;
		}
		if (++ri > d->last_rx_ring)
			ri = d->first_rx_ring;
	} while (ri != d->cur_rx_ring);
	return NULL;
}

#endif /* !HAVE_NETMAP_WITH_LIBS */
#endif /* NETMAP_WITH_LIBS */

#endif /* _NET_NETMAP_USER_H_ */
