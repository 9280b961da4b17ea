// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmport.c - open, map, share and close netmap ports (libnetmap's nmport_*).
 *
 * nmport_open() = new -> parse -> register -> mmap; each step has an undo,
 * and a failed step leaves the descriptor as it found it, so the caller's
 * unwinding is just the undos of the steps that succeeded.
 *
 * Regions are mapped once per context: two ports of the same mem_id share
 * one nmem_d (refcounted), which is what makes zero-copy between them
 * possible (d1->mem == d2->mem).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <libnetmap.h>

/* undo actions for state that parsing allocated (options), LIFO */
struct nmport_cleanup_d {
	struct nmport_cleanup_d *next;
	void (*cleanup)(struct nmport_cleanup_d *, struct nmport_d *);
};

static void nmport_push_cleanup(struct nmport_d *d, struct nmport_cleanup_d *c)
{
	c->next = d->clist;
	d->clist = c;
}

static void nmport_do_cleanup(struct nmport_d *d)
{
	while (d->clist) {
		struct nmport_cleanup_d *top = d->clist;

		d->clist = top->next;
		top->cleanup(top, d);
		nmctx_free(d->ctx, top);
	}
}

static struct nmport_d *nmport_new_with_ctx(struct nmctx *ctx)
{
	struct nmport_d *d = nmctx_malloc(ctx, sizeof(*d));

	if (d == NULL) {
		nmctx_ferror(ctx, "cannot allocate a port descriptor");
		errno = ENOMEM;
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	nmreq_header_init(&d->hdr, NETMAP_REQ_REGISTER, &d->reg);
	d->ctx = ctx;
	d->fd = -1;
	return d;
}

struct nmport_d *nmport_new(void)
{
	return nmport_new_with_ctx(nmctx_get());
}

void nmport_delete(struct nmport_d *d)
{
	nmctx_free(d->ctx, d);
}

/* ------------------------------------------------------------- options */

struct nmport_offset_cleanup_d {
	struct nmport_cleanup_d up;
	struct nmreq_opt_offsets *opt;
};

static void nmport_offset_cleanup(struct nmport_cleanup_d *c,
				  struct nmport_d *d)
{
	struct nmport_offset_cleanup_d *oc = (struct nmport_offset_cleanup_d *)c;

	nmreq_remove_option(&d->hdr, &oc->opt->nro_opt);
	nmctx_free(d->ctx, oc->opt);
}

int nmport_offset(struct nmport_d *d, uint64_t initial, uint64_t maxoff,
		  uint64_t bits, uint64_t mingap)
{
	struct nmport_offset_cleanup_d *c;
	struct nmreq_opt_offsets *opt;

	if (d->register_done) {
		nmctx_ferror(d->ctx, "%s: offsets must be set before registering",
			     d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	if (bits > 64 || initial > maxoff) {
		nmctx_ferror(d->ctx, "%s: bad offset request (initial %" PRIu64
			     ", max %" PRIu64 ", bits %" PRIu64 ")",
			     d->hdr.nr_name, initial, maxoff, bits);
		errno = EINVAL;
		return -1;
	}
	c = nmctx_malloc(d->ctx, sizeof(*c));
	opt = nmctx_malloc(d->ctx, sizeof(*opt));
	if (c == NULL || opt == NULL) {
		nmctx_free(d->ctx, c);
		nmctx_free(d->ctx, opt);
		nmctx_ferror(d->ctx, "%s: out of memory for the offset option",
			     d->hdr.nr_name);
		errno = ENOMEM;
		return -1;
	}
	memset(opt, 0, sizeof(*opt));
	opt->nro_opt.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	opt->nro_initial_offset = initial;
	opt->nro_max_offset = maxoff;
	opt->nro_offset_bits = (uint32_t)bits;
	opt->nro_min_gap = mingap;
	nmreq_push_option(&d->hdr, &opt->nro_opt);
	c->opt = opt;
	c->up.cleanup = nmport_offset_cleanup;
	nmport_push_cleanup(d, &c->up);
	return 0;
}

/* A decimal number in [0, max], or -1 with a message naming the key. */
static int64_t nmport_key_number(struct nmreq_parse_ctx *p, const char *opt,
				 const char *key, const char *v, uint64_t max)
{
	uint64_t n = 0;
	const char *s = v;

	if (!*s) {
		nmctx_ferror(p->ctx, "option '@%s': '%s' needs a number", opt, key);
		return -1;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			nmctx_ferror(p->ctx, "option '@%s': '%s=%s' is not a number",
				     opt, key, v);
			return -1;
		}
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > max) {
			nmctx_ferror(p->ctx, "option '@%s': '%s=%s' is too large (maximum %" PRIu64 ")",
				     opt, key, v, max);
			return -1;
		}
	}
	return (int64_t)n;
}

enum { K_RINGS, K_HOST_RINGS, K_SLOTS, K_TX_RINGS, K_RX_RINGS,
       K_HOST_TX_RINGS, K_HOST_RX_RINGS, K_TX_SLOTS, K_RX_SLOTS };

/* "@conf:...": ring and slot counts; specific keys beat general ones */
static int nmport_opt_conf(struct nmreq_parse_ctx *p)
{
	static const struct { int key; int slots; size_t off; int over; } map[] = {
		{ K_RINGS, 0, offsetof(struct nmreq_register, nr_tx_rings), 0 },
		{ K_RINGS, 0, offsetof(struct nmreq_register, nr_rx_rings), 0 },
		{ K_HOST_RINGS, 0, offsetof(struct nmreq_register, nr_host_tx_rings), 0 },
		{ K_HOST_RINGS, 0, offsetof(struct nmreq_register, nr_host_rx_rings), 0 },
		{ K_SLOTS, 1, offsetof(struct nmreq_register, nr_tx_slots), 0 },
		{ K_SLOTS, 1, offsetof(struct nmreq_register, nr_rx_slots), 0 },
		{ K_TX_RINGS, 0, offsetof(struct nmreq_register, nr_tx_rings), 1 },
		{ K_RX_RINGS, 0, offsetof(struct nmreq_register, nr_rx_rings), 1 },
		{ K_HOST_TX_RINGS, 0, offsetof(struct nmreq_register, nr_host_tx_rings), 1 },
		{ K_HOST_RX_RINGS, 0, offsetof(struct nmreq_register, nr_host_rx_rings), 1 },
		{ K_TX_SLOTS, 1, offsetof(struct nmreq_register, nr_tx_slots), 1 },
		{ K_RX_SLOTS, 1, offsetof(struct nmreq_register, nr_rx_slots), 1 },
	};
	static const char *names[] = {
		"rings", "host-rings", "slots", "tx-rings", "rx-rings",
		"host-tx-rings", "host-rx-rings", "tx-slots", "rx-slots",
	};
	struct nmport_d *d = p->token;
	struct nmreq_register reg = d->reg;	/* all or nothing */
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = p->keys[map[i].key];
		int64_t n;

		if (v == NULL)
			continue;
		n = nmport_key_number(p, "conf", names[map[i].key], v,
				      map[i].slots ? UINT32_MAX : UINT16_MAX);
		if (n < 0) {
			errno = EINVAL;
			return -1;
		}
		if (map[i].slots)
			*(uint32_t *)((char *)&reg + map[i].off) = (uint32_t)n;
		else
			*(uint16_t *)((char *)&reg + map[i].off) = (uint16_t)n;
	}
	d->reg = reg;
	return 0;
}

/* "@share=PORT": open in the memory region PORT uses */
static int nmport_opt_share(struct nmreq_parse_ctx *p)
{
	struct nmport_d *d = p->token;
	const char *v = p->keys[0];
	int32_t mem_id = nmreq_get_mem_id(&v, p->ctx);

	if (mem_id < 0)
		return -1;
	if (d->reg.nr_mem_id && d->reg.nr_mem_id != mem_id) {
		nmctx_ferror(p->ctx, "option '@share': region %d of '%s' conflicts with region %u",
			     mem_id, p->keys[0], d->reg.nr_mem_id);
		errno = EINVAL;
		return -1;
	}
	d->reg.nr_mem_id = (uint16_t)mem_id;
	return 0;
}

/* "@offset:initial=N[,bits=B]" */
static int nmport_opt_offset(struct nmreq_parse_ctx *p)
{
	int64_t initial, bits = 0;

	initial = nmport_key_number(p, "offset", "initial", p->keys[0],
				    UINT32_MAX);
	if (initial < 0)
		goto bad;
	if (p->keys[1]) {
		bits = nmport_key_number(p, "offset", "bits", p->keys[1], 64);
		if (bits < 0)
			goto bad;
	}
	return nmport_offset(p->token, (uint64_t)initial, (uint64_t)initial,
			     (uint64_t)bits, 0);
bad:
	errno = EINVAL;
	return -1;
}

#define NMKEY(name, idv, fl)	{ .key = (name), .id = (idv), .flags = (fl) }

static struct nmreq_opt_parser nmport_parser_offset = {
	.prefix = "offset",
	.parse = nmport_opt_offset,
	.default_key = 0,
	.nr_keys = 2,
	.flags = NMREQ_OPTF_DISABLED,	/* as netmap: opt in explicitly */
	.next = NULL,
	.keys = {
		NMKEY("initial", 0, NMREQ_OPTK_DEFAULT | NMREQ_OPTK_MUSTSET),
		NMKEY("bits", 1, 0),
	},
};

static struct nmreq_opt_parser nmport_parser_share = {
	.prefix = "share",
	.parse = nmport_opt_share,
	.default_key = 0,
	.nr_keys = 1,
	.next = &nmport_parser_offset,
	.keys = {
		NMKEY("port", 0, NMREQ_OPTK_DEFAULT | NMREQ_OPTK_MUSTSET),
	},
};

static struct nmreq_opt_parser nmport_parser_conf = {
	.prefix = "conf",
	.parse = nmport_opt_conf,
	.default_key = K_RINGS,
	.nr_keys = 9,
	.next = &nmport_parser_share,
	.keys = {
		NMKEY("rings", K_RINGS, NMREQ_OPTK_DEFAULT),
		NMKEY("host_rings", K_HOST_RINGS, 0),
		NMKEY("slots", K_SLOTS, 0),
		NMKEY("tx_rings", K_TX_RINGS, 0),
		NMKEY("rx_rings", K_RX_RINGS, 0),
		NMKEY("host_tx_rings", K_HOST_TX_RINGS, 0),
		NMKEY("host_rx_rings", K_HOST_RX_RINGS, 0),
		NMKEY("tx_slots", K_TX_SLOTS, 0),
		NMKEY("rx_slots", K_RX_SLOTS, 0),
	},
};

static struct nmreq_opt_parser *nmport_parsers = &nmport_parser_conf;

void nmport_disable_option(const char *opt)
{
	struct nmreq_opt_parser *p;

	for (p = nmport_parsers; p; p = p->next)
		if (!strcmp(p->prefix, opt))
			p->flags |= NMREQ_OPTF_DISABLED;
}

int nmport_enable_option(const char *opt)
{
	struct nmreq_opt_parser *p;

	for (p = nmport_parsers; p; p = p->next) {
		if (!strcmp(p->prefix, opt)) {
			p->flags &= ~NMREQ_OPTF_DISABLED;
			return 0;
		}
	}
	errno = EOPNOTSUPP;
	return -1;
}

/* ------------------------------------------------------------- the steps */

int nmport_parse(struct nmport_d *d, const char *spec)
{
	struct nmreq_header hdr = d->hdr;
	struct nmreq_register reg = d->reg;
	const char *scan = spec;

	if (nmreq_header_decode(&scan, &d->hdr, d->ctx) < 0)
		goto fail;
	if (nmreq_register_decode_spec(spec, &scan, &d->reg, d->ctx) < 0)
		goto fail;
	if (nmreq_options_decode(scan, nmport_parsers, d, d->ctx) < 0)
		goto fail;
	return 0;
fail:
	/* leave *d as it was: drop what the options pushed */
	{
		int err = errno;

		nmport_do_cleanup(d);
		d->hdr = hdr;
		d->reg = reg;
		errno = err;
	}
	return -1;
}

void nmport_undo_parse(struct nmport_d *d)
{
	nmport_do_cleanup(d);
	memset(&d->reg, 0, sizeof(d->reg));
	nmreq_header_init(&d->hdr, NETMAP_REQ_REGISTER, &d->reg);
}

struct nmport_d *nmport_prepare(const char *spec)
{
	struct nmport_d *d = nmport_new();

	if (d == NULL)
		return NULL;
	if (nmport_parse(d, spec) < 0) {
		int err = errno;

		nmport_delete(d);
		errno = err;
		return NULL;
	}
	return d;
}

void nmport_undo_prepare(struct nmport_d *d)
{
	if (d == NULL)
		return;
	nmport_undo_parse(d);
	nmport_delete(d);
}

int nmport_open_dev(struct nmport_d *d)
{
	int err;

	if (d->register_done || d->fd >= 0) {
		nmctx_ferror(d->ctx, "%s: " NETMAP_DEVICE_NAME " already open",
			     d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	d->fd = open(NETMAP_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		err = errno;
		nmctx_ferror(d->ctx, "cannot open " NETMAP_DEVICE_NAME ": %s%s",
			     strerror(err), err == ENOENT ?
			     " (is the livemap module loaded?)" : "");
		errno = err;
		return -1;
	}
	return 0;
}

int nmport_register(struct nmport_d *d)
{
	struct nmreq_option *o;
	int err, reported = 0;

	if (d->register_done) {
		nmctx_ferror(d->ctx, "%s: already registered", d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	if (d->fd < 0 && nmport_open_dev(d) < 0)
		return -1;
	d->hdr.nr_reqtype = NETMAP_REQ_REGISTER;
	d->hdr.nr_body = (uintptr_t)&d->reg;
	if (ioctl(d->fd, NIOCCTRL, &d->hdr) == 0) {
		d->register_done = 1;
		return 0;
	}
	err = errno;
	/* say which option the kernel refused, if it was one */
	nmreq_foreach_option(&d->hdr, o) {
		if (o->nro_status) {
			nmctx_ferror(d->ctx, "%s: option %s: %s", d->hdr.nr_name,
				     nmreq_option_name(o->nro_reqtype),
				     strerror((int)o->nro_status));
			reported = 1;
		}
	}
	if (!reported)
		nmctx_ferror(d->ctx, "%s: register failed: %s", d->hdr.nr_name,
			     strerror(err));
	close(d->fd);
	d->fd = -1;
	errno = err;
	return -1;
}

void nmport_undo_register(struct nmport_d *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->register_done = 0;
}

static void nmport_mem_put(struct nmctx *ctx, struct nmem_d *m)
{
	nmctx_lock(ctx);
	if (--m->refcount <= 0) {
		if (!m->is_extmem && m->mem)
			munmap(m->mem, m->size);
		if (m->next)
			m->next->prev = m->prev;
		if (m->prev)
			m->prev->next = m->next;
		else
			ctx->mem_descs = m->next;
		nmctx_free(ctx, m);
	}
	nmctx_unlock(ctx);
}

/* the context's mapping of region mem_id, mapping it through fd if new */
static struct nmem_d *nmport_mem_get(struct nmport_d *d)
{
	struct nmctx *ctx = d->ctx;
	struct nmem_d *m;
	int err;

	nmctx_lock(ctx);
	for (m = ctx->mem_descs; m; m = m->next)
		if (m->mem_id == d->reg.nr_mem_id)
			break;
	if (m && m->size != d->reg.nr_memsize) {
		/* same id, other size: the region was recreated; never
		 * reuse a stale mapping */
		nmctx_unlock(ctx);
		nmctx_ferror(ctx, "%s: region %u is mapped with %zu bytes, kernel says %" PRIu64,
			     d->hdr.nr_name, m->mem_id, m->size,
			     (uint64_t)d->reg.nr_memsize);
		errno = EINVAL;
		return NULL;
	}
	if (m == NULL) {
		m = nmctx_malloc(ctx, sizeof(*m));
		if (m == NULL) {
			nmctx_unlock(ctx);
			nmctx_ferror(ctx, "out of memory for a region descriptor");
			errno = ENOMEM;
			return NULL;
		}
		memset(m, 0, sizeof(*m));
		m->mem = mmap(NULL, d->reg.nr_memsize, PROT_READ | PROT_WRITE,
			      MAP_SHARED, d->fd, 0);
		if (m->mem == MAP_FAILED) {
			err = errno;
			nmctx_free(ctx, m);
			nmctx_unlock(ctx);
			nmctx_ferror(ctx, "%s: mmap of %" PRIu64 " bytes: %s",
				     d->hdr.nr_name, (uint64_t)d->reg.nr_memsize,
				     strerror(err));
			errno = err;
			return NULL;
		}
		m->size = d->reg.nr_memsize;
		m->mem_id = d->reg.nr_mem_id;
		m->next = ctx->mem_descs;
		if (m->next)
			m->next->prev = m;
		ctx->mem_descs = m;
	}
	m->refcount++;
	nmctx_unlock(ctx);
	return m;
}

int nmport_mmap(struct nmport_d *d)
{
	struct nm_ring_range rr;
	struct nmem_d *m;
	const char *why;

	if (d->mmap_done) {
		nmctx_ferror(d->ctx, "%s: already mapped", d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	if (!d->register_done) {
		nmctx_ferror(d->ctx, "%s: cannot map a port that is not registered",
			     d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	if (d->reg.nr_memsize == 0 || d->reg.nr_memsize > SIZE_MAX) {
		nmctx_ferror(d->ctx, "%s: kernel reported a region of %" PRIu64 " bytes",
			     d->hdr.nr_name, (uint64_t)d->reg.nr_memsize);
		errno = EPROTO;
		return -1;
	}
	if (nm_ring_range_compute(d->reg.nr_mode, d->reg.nr_ringid,
				  d->reg.nr_flags, d->reg.nr_tx_rings,
				  d->reg.nr_rx_rings, d->reg.nr_host_tx_rings,
				  d->reg.nr_host_rx_rings, &rr) < 0) {
		nmctx_ferror(d->ctx, "%s: mode %u ring %u does not exist (%u tx, %u rx, %u/%u host rings)",
			     d->hdr.nr_name, d->reg.nr_mode, d->reg.nr_ringid,
			     d->reg.nr_tx_rings, d->reg.nr_rx_rings,
			     d->reg.nr_host_tx_rings, d->reg.nr_host_rx_rings);
		errno = EINVAL;
		return -1;
	}
	m = nmport_mem_get(d);
	if (m == NULL)
		return -1;
	why = nm_region_check(m->mem, m->size, d->reg.nr_offset, &rr);
	if (why) {
		nmctx_ferror(d->ctx, "%s: bad region layout: %s", d->hdr.nr_name,
			     why);
		nmport_mem_put(d->ctx, m);
		errno = EPROTO;
		return -1;
	}
	d->mem = m;
	d->nifp = NETMAP_IF(m->mem, d->reg.nr_offset);
	d->first_tx_ring = d->cur_tx_ring = rr.first_tx;
	d->last_tx_ring = rr.last_tx;
	d->first_rx_ring = d->cur_rx_ring = rr.first_rx;
	d->last_rx_ring = rr.last_rx;
	d->mmap_done = 1;
	return 0;
}

void nmport_undo_mmap(struct nmport_d *d)
{
	if (d->mem)
		nmport_mem_put(d->ctx, d->mem);
	d->mem = NULL;
	d->nifp = NULL;
	d->mmap_done = 0;
	d->first_tx_ring = d->last_tx_ring = d->cur_tx_ring = 0;
	d->first_rx_ring = d->last_rx_ring = d->cur_rx_ring = 0;
}

int nmport_open_desc(struct nmport_d *d)
{
	if (nmport_register(d) < 0)
		return -1;
	if (nmport_mmap(d) < 0) {
		int err = errno;

		nmport_undo_register(d);
		errno = err;
		return -1;
	}
	return 0;
}

void nmport_undo_open_desc(struct nmport_d *d)
{
	nmport_undo_mmap(d);
	nmport_undo_register(d);
}

struct nmport_d *nmport_open(const char *spec)
{
	struct nmport_d *d = nmport_prepare(spec);
	int err;

	if (d == NULL)
		return NULL;
	if (nmport_open_desc(d) < 0) {
		err = errno;
		nmport_undo_prepare(d);
		errno = err;
		return NULL;
	}
	return d;
}

void nmport_close(struct nmport_d *d)
{
	if (d == NULL)
		return;
	nmport_undo_open_desc(d);
	nmport_undo_prepare(d);
}

struct nmport_d *nmport_clone(struct nmport_d *d)
{
	struct nmport_d *c = nmport_new_with_ctx(d->ctx);

	if (c == NULL)
		return NULL;
	c->hdr = d->hdr;
	c->hdr.nr_options = 0;		/* options stay with d */
	c->hdr.nr_body = (uintptr_t)&c->reg;
	c->reg = d->reg;		/* including the mem_id */
	return c;
}

int nmport_inject(struct nmport_d *d, const void *buf, size_t size)
{
	return nm_inject_rings(d->nifp, d->first_tx_ring, d->last_tx_ring,
			       &d->cur_tx_ring, buf, size);
}
