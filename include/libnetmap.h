/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libnetmap.h - open netmap ports from a port spec (netmap's libnetmap API).
 *
 * livemap's own implementation (lib/), API-compatible with netmap's
 * libnetmap: same function names, same struct nmport_d fields applications
 * read, same port-spec grammar.
 *
 * Port spec:  [netmap:]NAME[{PIPE|}PIPE][MODE][@OPTION...]
 *
 *	netmap:eth0	all NIC rings of eth0 ("netmap:" may be omitted)
 *	eth0-K		NIC ring pair K
 *	eth0^ / eth0^K	all host rings / host ring pair K
 *	eth0*		NIC and host rings
 *	x{K / x}K	master / slave end of pipe K of port x
 *	.../xzrtRT	flags: exclusive, zero-copy monitor, rx/tx monitor,
 *			rx rings only, tx rings only
 *	...@N		memory region N
 *	@conf:rings=N,host-rings=N,slots=N,tx-rings=N,rx-rings=N,
 *	      host-tx-rings=N,host-rx-rings=N,tx-slots=N,rx-slots=N
 *	@share=PORT	use the memory region of PORT
 *	@offset:initial=N[,bits=B]	(disabled unless nmport_enable_option())
 *
 * Every failure returns NULL/-1 with errno set AND sends one message saying
 * why to the context's error() callback (stderr by default) -- never a
 * silent NULL.
 */
#ifndef LIBNETMAP_H_
#define LIBNETMAP_H_

#include <net/netmap_user.h>

struct nmctx;
struct nmport_d;
struct nmem_d;
struct nmport_cleanup_d;

/* An open (or prepared) netmap port. */
struct nmport_d {
	struct nmreq_header hdr;	/* what nmport_register() sends */
	struct nmreq_register reg;

	/* read-only below this line */
	struct nmem_d *mem;		/* same region <=> same nmem_d */
	struct nmctx *ctx;
	int register_done;
	int mmap_done;
	struct nmreq_opt_extmem *extmem;	/* always NULL here */

	/* as nm_open()'s struct nm_desc */
	int fd;				/* -1 if not open */
	struct netmap_if *nifp;
	uint16_t first_tx_ring;
	uint16_t last_tx_ring;		/* none bound: first 1, last 0 */
	uint16_t first_rx_ring;
	uint16_t last_rx_ring;
	uint16_t cur_tx_ring;		/* used by nmport_inject() */
	uint16_t cur_rx_ring;

	struct nmport_cleanup_d *clist;	/* internal: undo list */
};

/* parse + register + mmap; NULL (errno + message) on failure */
struct nmport_d *nmport_open(const char *portspec);
void nmport_close(struct nmport_d *d);

/*
 * Copy one frame into the current tx ring (rotating over the bound rings).
 * Returns size, or 0 when no ring has room.
 */
int nmport_inject(struct nmport_d *d, const void *buf, size_t size);

/*
 * The steps of nmport_open(), for callers that need to adjust the request
 * in between (e.g. d->reg.nr_extra_bufs):
 *
 *	nmport_open = nmport_prepare (new + parse) + nmport_open_desc
 *		      (register + mmap)
 *
 * Each returns 0 / non-NULL on success; on failure -1 / NULL, errno set, a
 * message to the context, and *d left as it was before the call.
 */
struct nmport_d *nmport_new(void);
int nmport_parse(struct nmport_d *d, const char *portspec);
int nmport_register(struct nmport_d *d);
int nmport_mmap(struct nmport_d *d);
/*
 * livemap extension, not in netmap's libnetmap: the first half of
 * nmport_register(), opening /dev/netmap into d->fd.  nmport_register()
 * then registers on that descriptor, so a caller can time the register
 * ioctl alone (pkt-gen).  Undone by nmport_undo_register(), or by a failed
 * nmport_register().
 */
int nmport_open_dev(struct nmport_d *d);
void nmport_delete(struct nmport_d *d);
void nmport_undo_parse(struct nmport_d *d);
void nmport_undo_register(struct nmport_d *d);
void nmport_undo_mmap(struct nmport_d *d);
struct nmport_d *nmport_prepare(const char *portspec);
int nmport_open_desc(struct nmport_d *d);
void nmport_undo_prepare(struct nmport_d *d);
void nmport_undo_open_desc(struct nmport_d *d);

/* a prepared, unregistered copy of d (options are not copied) */
struct nmport_d *nmport_clone(struct nmport_d *d);

/*
 * Ask for per-slot data offsets (NETMAP_REQ_OPT_OFFSETS) between parse and
 * register.  The kernel may refuse the option; nmport_register() then says
 * so.
 */
int nmport_offset(struct nmport_d *d, uint64_t initial, uint64_t maxoff,
		  uint64_t bits, uint64_t mingap);

/* enable/disable @option parsers by name ("conf", "share", "offset") */
void nmport_disable_option(const char *opt);
int nmport_enable_option(const char *opt);

/* ----------------------------------------------- request manipulation */

void nmreq_header_init(struct nmreq_header *hdr, uint16_t reqtype, void *body);

/*
 * Fine-grained parsing, used by nmport_parse().  Each advances *pspec past
 * what it understood; on error returns -1, errno EINVAL, leaves *pspec and
 * the output untouched and sends a message to ctx.
 */
int nmreq_header_decode(const char **pspec, struct nmreq_header *hdr,
			struct nmctx *ctx);
int nmreq_register_decode(const char **pmode, struct nmreq_register *reg,
			  struct nmctx *ctx);
/* the same, naming spec (the whole port spec) in its messages */
int nmreq_register_decode_spec(const char *spec, const char **pmode,
			       struct nmreq_register *reg, struct nmctx *ctx);

struct nmreq_opt_parser;
int nmreq_options_decode(const char *opt, struct nmreq_opt_parser *parsers,
			 void *token, struct nmctx *ctx);

struct nmreq_parse_ctx;
typedef int (*nmreq_opt_parser_cb)(struct nmreq_parse_ctx *);

#define NMREQ_OPT_MAXKEYS 16

struct nmreq_opt_key {
	const char *key;
	int id;
	unsigned int flags;
#define NMREQ_OPTK_ALLOWEMPTY	(1U << 0)	/* "key" alone is allowed */
#define NMREQ_OPTK_MUSTSET	(1U << 1)	/* mandatory */
#define NMREQ_OPTK_DEFAULT	(1U << 2)	/* target of "option=value" */
};

struct nmreq_opt_parser {
	const char *prefix;
	nmreq_opt_parser_cb parse;
	int default_key;		/* -1 if none */
	int nr_keys;
	unsigned int flags;
#define NMREQ_OPTF_DISABLED	(1U << 0)
#define NMREQ_OPTF_ALLOWEMPTY	(1U << 1)	/* "@option" alone is allowed */
	struct nmreq_opt_parser *next;
	struct nmreq_opt_key keys[NMREQ_OPT_MAXKEYS];
};

struct nmreq_parse_ctx {
	struct nmctx *ctx;
	void *token;
	const char *keys[NMREQ_OPT_MAXKEYS];	/* value per key id, or NULL */
};

/* memory region of "netmap:NAME...": >= 0 mem_id, -1 on error */
int32_t nmreq_get_mem_id(const char **portname, struct nmctx *ctx);

void nmreq_push_option(struct nmreq_header *, struct nmreq_option *);
void nmreq_remove_option(struct nmreq_header *, struct nmreq_option *);
struct nmreq_option *nmreq_find_option(struct nmreq_header *, uint32_t);
void nmreq_free_options(struct nmreq_header *);
const char *nmreq_option_name(uint32_t);
#define nmreq_foreach_option(h_, o_)					\
	for ((o_) = (struct nmreq_option *)(uintptr_t)((h_)->nr_options); \
	     (o_) != NULL;						\
	     (o_) = (struct nmreq_option *)(uintptr_t)((o_)->nro_next))

/* ------------------------------------------------------------- context */

/*
 * The context: where messages go (error(), only if verbose), how memory is
 * allocated, how the list of mapped regions is locked.  The default context
 * prints "libnetmap: <message>" on stderr and is thread-safe.
 */
typedef void  (*nmctx_error_cb)(struct nmctx *, const char *);
typedef void *(*nmctx_malloc_cb)(struct nmctx *, size_t);
typedef void  (*nmctx_free_cb)(struct nmctx *, void *);
typedef void  (*nmctx_lock_cb)(struct nmctx *, int);

struct nmctx {
	int verbose;
	nmctx_error_cb	error;
	nmctx_malloc_cb	malloc;
	nmctx_free_cb	free;
	nmctx_lock_cb	lock;

	struct nmem_d	*mem_descs;
};

struct nmctx *nmctx_get(void);
struct nmctx *nmctx_set_default(struct nmctx *ctx);

/* one mapped region, shared by every port of the context that uses it */
struct nmem_d {
	uint16_t mem_id;
	int refcount;
	void *mem;
	size_t size;
	int is_extmem;

	struct nmem_d *next;
	struct nmem_d *prev;
};

void nmctx_ferror(struct nmctx *, const char *, ...)
	__attribute__((format(printf, 2, 3)));
void *nmctx_malloc(struct nmctx *, size_t);
void nmctx_free(struct nmctx *, void *);
void nmctx_lock(struct nmctx *);
void nmctx_unlock(struct nmctx *);

#endif /* LIBNETMAP_H_ */
