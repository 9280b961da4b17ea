// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_portspec.c - libnetmap's port-spec parser (nmport_prepare/nmport_parse)
 * and the legacy nm_parse(): every accepted form decodes to the right
 * nmreq_header/nmreq_register, every rejected one fails with errno set and
 * the exact message, and a failed parse leaves the descriptor untouched.
 * Also: nmport_open() on a machine without /dev/netmap says why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
#include <libnetmap.h>

#include "tap.h"

static char last_msg[512];
static int nmsgs;

static void capture(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	nmsgs++;
}

static struct nmctx test_ctx;

struct good {
	const char *spec;
	const char *name;
	uint32_t mode;
	uint16_t ringid;
	uint64_t flags;
	uint16_t mem_id;
};

static const struct good goods[] = {
	{ "netmap:eth0", "eth0", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "eth0", "eth0", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:eth0-3", "eth0", NR_REG_ONE_NIC, 3, 0, 0 },
	{ "eth1-0", "eth1", NR_REG_ONE_NIC, 0, 0, 0 },
	{ "netmap:eth0^", "eth0", NR_REG_SW, 0, 0, 0 },
	{ "netmap:eth0^2", "eth0", NR_REG_ONE_SW, 2, 0, 0 },
	{ "netmap:eth0*", "eth0", NR_REG_NIC_SW, 0, 0, 0 },
	{ "netmap:x{0", "x{0", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "x}0", "x}0", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:pipe{abc_1", "pipe{abc_1", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "x{7/T", "x{7", NR_REG_ALL_NIC, 0, NR_TX_RINGS_ONLY, 0 },
	{ "x}7/R", "x}7", NR_REG_ALL_NIC, 0, NR_RX_RINGS_ONLY, 0 },
	{ "eth0/x", "eth0", NR_REG_ALL_NIC, 0, NR_EXCLUSIVE, 0 },
	{ "eth0-1/xT", "eth0", NR_REG_ONE_NIC, 1, NR_EXCLUSIVE | NR_TX_RINGS_ONLY, 0 },
	{ "eth0*/R", "eth0", NR_REG_NIC_SW, 0, NR_RX_RINGS_ONLY, 0 },
	{ "eth0@2", "eth0", NR_REG_ALL_NIC, 0, 0, 2 },
	{ "eth0-2@3", "eth0", NR_REG_ONE_NIC, 2, 0, 3 },
	{ "eth0/x@4", "eth0", NR_REG_ALL_NIC, 0, NR_EXCLUSIVE, 4 },
	{ "eth0.100", "eth0.100", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "vale0:p1", "vale0:p1", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "vale:p2-1", "vale:p2", NR_REG_ONE_NIC, 1, 0, 0 },
	{ "eth0-4094", "eth0", NR_REG_ONE_NIC, 4094, 0, 0 },
};

struct bad {
	const char *spec;
	int err;
	const char *msg;
};

#define N63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc"

static const struct bad bads[] = {
	{ "", EINVAL, "empty port spec" },
	{ "foo:eth0", EINVAL, "foo:eth0: unknown prefix 'foo:' (expected 'netmap:' or 'vale')" },
	{ "netmap:", EINVAL, "netmap:: empty port name" },
	{ "netmap:-1", EINVAL, "netmap:-1: empty port name" },
	{ "{0", EINVAL, "{0: empty port name" },
	{ "eth#0", EINVAL, "eth#0: invalid character '#' in port name" },
	{ "eth0+", EINVAL, "eth0+: invalid character '+' in port name" },
	{ "x{", EINVAL, "x{: empty pipe name after '{'" },
	{ "x}a{b", EINVAL, "x}a{b: invalid character '{' in pipe name" },
	{ "vale0", EINVAL, "vale0: missing ':' after the switch name" },
	{ "vale#:x", EINVAL, "vale#:x: invalid character '#' in switch name" },
	{ "vale0:", EINVAL, "vale0:: empty port name" },
	{ N63 "d", EINVAL, N63 "d: port name too long (64 characters, at most 63)" },
	{ "eth0-", EINVAL, "eth0-: ring number after '-': expected a number at ''" },
	{ "eth0-x", EINVAL, "eth0-x: ring number after '-': expected a number at 'x'" },
	{ "eth0-4095", EINVAL, "eth0-4095: ring number after '-' out of range (maximum 4094)" },
	{ "eth0^99999", EINVAL, "eth0^99999: host ring number after '^' out of range (maximum 4094)" },
	{ "eth0*3", EINVAL, "eth0*3: unexpected '3' after the ring selection" },
	{ "eth0-1-2", EINVAL, "eth0-1-2: unexpected '-' after the ring selection" },
	{ "eth0^*", EINVAL, "eth0^*: unexpected '*' after the ring selection" },
	{ "eth0/", EINVAL, "eth0/: '/' must be followed by flags (xzrtRT)" },
	{ "eth0/q", EINVAL, "eth0/q: unknown flag 'q' (expected one of xzrtRT)" },
	{ "eth0/x-1", EINVAL, "eth0/x-1: unknown flag '-' (expected one of xzrtRT)" },
	{ "eth0/RT", EINVAL, "eth0/RT: flags R and T exclude each other" },
	{ "eth0@0", EINVAL, "eth0@0: memory region must be > 0" },
	{ "eth0@1@2", EINVAL, "eth0@1@2: memory region given twice" },
	{ "eth0@70000", EINVAL, "eth0@70000: memory region out of range (maximum 65535)" },
	{ "eth0@", EINVAL, "empty option after '@'" },
	{ "eth0@@conf:rings=1", EINVAL, "empty option after '@'" },
	{ "eth0@bogus", EINVAL, "unknown option '@bogus'" },
	{ "eth0@conf", EINVAL, "option '@conf' needs a value ('@conf:key=value')" },
	{ "eth0@conf:", EINVAL, "option '@conf': empty key list after ':'" },
	{ "eth0@conf=", EINVAL, "option '@conf': empty value after '='" },
	{ "eth0@conf:bogus=1", EINVAL, "option 'conf': unknown key 'bogus'" },
	{ "eth0@conf:rings", EINVAL, "option 'conf': key 'rings' needs '=value'" },
	{ "eth0@conf:rings=", EINVAL, "option 'conf': key 'rings' needs '=value'" },
	{ "eth0@conf:rings=1,,slots=2", EINVAL, "option 'conf': empty key" },
	{ "eth0@conf:rings=1,rings=2", EINVAL, "option 'conf': key 'rings' given twice" },
	{ "eth0@conf:rings=abc", EINVAL, "option '@conf': 'rings=abc' is not a number" },
	{ "eth0@conf:rings=-1", EINVAL, "option '@conf': 'rings=-1' is not a number" },
	{ "eth0@conf:tx-rings=65536", EINVAL, "option '@conf': 'tx-rings=65536' is too large (maximum 65535)" },
	{ "eth0@conf:slots=4294967296", EINVAL, "option '@conf': 'slots=4294967296' is too large (maximum 4294967295)" },
	{ "eth0@share", EINVAL, "option '@share' needs a value ('@share:key=value')" },
	{ "eth0@share:bogus=1", EINVAL, "option 'share': unknown key 'bogus'" },
	{ "eth0@share=", EINVAL, "option '@share': empty value after '='" },
	{ "eth0@share=#", EINVAL, "#: invalid character '#' in port name" },
	{ "eth0@offset:initial=8", EOPNOTSUPP, "option '@offset' is disabled" },
};

static void test_good(void)
{
	size_t i;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct nmport_d *d;

		nmsgs = 0;
		d = nmport_prepare(g->spec);
		if (!ok(d != NULL, "accept '%s'", g->spec)) {
			diag("  message: %s", last_msg);
			continue;
		}
		ok(!strcmp(d->hdr.nr_name, g->name) &&
		   d->reg.nr_mode == g->mode && d->reg.nr_ringid == g->ringid &&
		   d->reg.nr_flags == g->flags && d->reg.nr_mem_id == g->mem_id &&
		   d->hdr.nr_version == NETMAP_API &&
		   d->hdr.nr_reqtype == NETMAP_REQ_REGISTER &&
		   d->hdr.nr_body == (uintptr_t)&d->reg && d->hdr.nr_options == 0 &&
		   d->fd == -1 && nmsgs == 0,
		   "  '%s' -> name '%s' mode %u ring %u flags 0x%llx mem %u",
		   g->spec, d->hdr.nr_name, d->reg.nr_mode, d->reg.nr_ringid,
		   (unsigned long long)d->reg.nr_flags, d->reg.nr_mem_id);
		nmport_undo_prepare(d);
	}
}

static void test_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		struct nmport_d *d;

		nmsgs = 0;
		last_msg[0] = '\0';
		errno = 0;
		d = nmport_prepare(b->spec);
		ok(d == NULL && errno == b->err && nmsgs == 1 &&
		   !strcmp(last_msg, b->msg), "reject '%s': %s", b->spec, b->msg);
		if (d != NULL || errno != b->err || nmsgs != 1 ||
		    strcmp(last_msg, b->msg))
			diag("  got errno %d, %d message(s), last \"%s\"", errno,
			     nmsgs, last_msg);
		nmport_undo_prepare(d);
	}
}

static void test_options(void)
{
	struct nmport_d *d;
	struct nmreq_option *o;

	d = nmport_prepare("netmap:x{1@conf:rings=2,slots=1024,tx-slots=512");
	ok(d && d->reg.nr_tx_rings == 2 && d->reg.nr_rx_rings == 2 &&
	   d->reg.nr_tx_slots == 512 && d->reg.nr_rx_slots == 1024,
	   "@conf: specific keys beat general ones, in any order");
	nmport_undo_prepare(d);

	d = nmport_prepare("eth0@conf=3@conf:host-rings=1,host-tx-rings=2");
	ok(d && d->reg.nr_tx_rings == 3 && d->reg.nr_rx_rings == 3 &&
	   d->reg.nr_host_tx_rings == 2 && d->reg.nr_host_rx_rings == 1,
	   "@conf=N sets the default key (rings); two @conf options combine");
	nmport_undo_prepare(d);

	is_int(nmport_enable_option("offset"), 0, "nmport_enable_option(offset)");
	d = nmport_prepare("eth0@offset:initial=64,bits=16");
	o = d ? nmreq_find_option(&d->hdr, NETMAP_REQ_OPT_OFFSETS) : NULL;
	ok(o && ((struct nmreq_opt_offsets *)o)->nro_initial_offset == 64 &&
	   ((struct nmreq_opt_offsets *)o)->nro_max_offset == 64 &&
	   ((struct nmreq_opt_offsets *)o)->nro_offset_bits == 16,
	   "@offset pushes a NETMAP_REQ_OPT_OFFSETS option");
	nmport_undo_prepare(d);

	d = nmport_prepare("eth0@offset=32");
	ok(d && nmreq_find_option(&d->hdr, NETMAP_REQ_OPT_OFFSETS),
	   "@offset=N uses the default key");
	nmport_undo_parse(d);
	ok(d && d->hdr.nr_options == 0, "undo_parse frees the option list");
	nmport_undo_prepare(d);

	nmsgs = 0;
	d = nmport_prepare("eth0@offset:bits=8");
	ok(!d && nmsgs == 1 &&
	   !strcmp(last_msg, "option 'offset': key 'initial' is mandatory"),
	   "mandatory key missing: %s", last_msg);
	nmport_disable_option("offset");
	errno = 0;
	ok(nmport_enable_option("nosuch") == -1 && errno == EOPNOTSUPP,
	   "enabling an unknown option fails with EOPNOTSUPP");

	/* a failing parse leaves the descriptor as it was */
	d = nmport_new();
	if (d) {
		struct nmport_d before;

		ok(nmport_parse(d, "eth0-1") == 0, "parse into a fresh descriptor");
		memcpy(&before, d, sizeof(before));
		is_int(nmport_parse(d, "eth0@conf:rings=1@bogus"), -1,
		       "second parse with a bad trailing option fails");
		ok(!memcmp(&before, d, sizeof(before)),
		   "and leaves hdr/reg/options as they were");
		nmport_undo_prepare(d);
	}
	/* clone copies the request, not the options */
	nmport_enable_option("offset");
	d = nmport_prepare("x{3/T@offset=8");
	if (d) {
		struct nmport_d *c = nmport_clone(d);

		ok(c && !strcmp(c->hdr.nr_name, "x{3") &&
		   c->reg.nr_flags == NR_TX_RINGS_ONLY && c->hdr.nr_options == 0 &&
		   c->hdr.nr_body == (uintptr_t)&c->reg && c->fd == -1,
		   "nmport_clone copies hdr/reg, drops options, points at its own body");
		nmport_undo_prepare(c);
		nmport_undo_prepare(d);
	}
	nmport_disable_option("offset");
}

static void test_open_without_device(void)
{
	struct nmport_d *d;

	nmsgs = 0;
	errno = 0;
	d = nmport_open("netmap:x{0");
	ok(d == NULL && errno == ENOENT && nmsgs == 1 &&
	   !strcmp(last_msg, "cannot open /dev/netmap: No such file or directory"
		   " (is the livemap module loaded?)"),
	   "nmport_open without /dev/netmap: ENOENT and a reason");
	nmsgs = 0;
	d = nmport_prepare("netmap:eth0@share=netmap:eth1");
	ok(d == NULL && nmsgs == 1 &&
	   !strncmp(last_msg, "cannot open /dev/netmap", 23),
	   "@share without /dev/netmap says why: %s", last_msg);

	/* nmport_open_dev(): nmport_register() in two steps */
	d = nmport_prepare("netmap:x{0");
	if (ok(d != NULL, "prepare for nmport_open_dev")) {
		int fd;

		nmsgs = 0;
		errno = 0;
		ok(nmport_open_dev(d) == -1 && errno == ENOENT && d->fd == -1 &&
		   nmsgs == 1 && !strncmp(last_msg, "cannot open /dev/netmap", 23),
		   "nmport_open_dev without /dev/netmap: ENOENT, fd stays -1");
		/* A descriptor that takes no netmap ioctl stands in for an
		 * opened /dev/netmap. */
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		d->fd = fd;
		nmsgs = 0;
		errno = 0;
		ok(nmport_open_dev(d) == -1 && errno == EINVAL && d->fd == fd &&
		   nmsgs == 1 && strstr(last_msg, "already open"),
		   "nmport_open_dev on an open port: EINVAL, descriptor kept");
		nmsgs = 0;
		errno = 0;
		ok(nmport_register(d) == -1 && errno == ENOTTY && d->fd == -1 &&
		   !d->register_done && fcntl(fd, F_GETFD) == -1 && errno == EBADF,
		   "nmport_register uses the opened descriptor, closes it on failure");
		nmport_undo_prepare(d);
	}

	/* the default context prints; a silenced one does not */
	test_ctx.verbose = 0;
	nmsgs = 0;
	d = nmport_prepare("eth0-x");
	ok(d == NULL && errno == EINVAL && nmsgs == 0,
	   "verbose = 0 silences messages, errno still set");
	test_ctx.verbose = 1;
}

/* the legacy nm_open() name parser */
static void test_legacy(void)
{
	static const struct {
		const char *spec;
		const char *name;
		uint32_t flags;
		uint16_t ringid;
		uint16_t arg2;
	} lg[] = {
		{ "netmap:eth0", "eth0", NR_REG_ALL_NIC, 0, 0 },
		{ "netmap:eth0-2", "eth0", NR_REG_ONE_NIC, 2, 0 },
		{ "netmap:eth0^", "eth0", NR_REG_SW, 0, 0 },
		{ "netmap:eth0*", "eth0", NR_REG_NIC_SW, 0, 0 },
		{ "netmap:x{3", "x", NR_REG_PIPE_MASTER, 3, 0 },
		{ "netmap:x}3", "x", NR_REG_PIPE_SLAVE, 3, 0 },
		{ "netmap:eth0/x@2", "eth0", NR_REG_ALL_NIC | NR_EXCLUSIVE, 0, 2 },
		{ "vale0:a", "vale0:a", NR_REG_ALL_NIC, 0, 0 },
	};
	static const struct {
		const char *spec;
		const char *msg;
	} lb[] = {
		{ "eth0", "name must start with 'netmap:' or 'vale'" },
		{ "netmap:", "empty port name" },
		{ "netmap:abcdefghijklmnop", "port name longer than 15 characters" },
		{ "netmap:x{", "pipe number: expected a number at ''" },
		{ "netmap:x{1-2", "a pipe end takes no ring selector" },
		{ "netmap:eth0-1x", "unexpected 'x' after the ring selection" },
		{ "netmap:eth0/k", "unknown flag 'k' (expected one of xzrtRT)" },
		{ "netmap:eth0@x", "unexpected '@x' at the end" },
		{ "vale0", "missing ':' in VALE name" },
	};
	size_t i;

	for (i = 0; i < sizeof(lg) / sizeof(lg[0]); i++) {
		struct nm_desc d;
		char err[NM_MODE_ERRLEN] = "";

		memset(&d, 0, sizeof(d));
		ok(nm_parse(lg[i].spec, &d, err) == 0 &&
		   !strcmp(d.req.nr_name, lg[i].name) &&
		   d.req.nr_flags == lg[i].flags &&
		   d.req.nr_ringid == lg[i].ringid && d.req.nr_arg2 == lg[i].arg2,
		   "nm_parse '%s' -> '%s' flags 0x%x ring %u mem %u (%s)",
		   lg[i].spec, d.req.nr_name, d.req.nr_flags, d.req.nr_ringid,
		   d.req.nr_arg2, err);
	}
	for (i = 0; i < sizeof(lb) / sizeof(lb[0]); i++) {
		struct nm_desc d;
		char err[NM_MODE_ERRLEN] = "";

		memset(&d, 0, sizeof(d));
		ok(nm_parse(lb[i].spec, &d, err) == -1 && !strcmp(err, lb[i].msg),
		   "nm_parse rejects '%s': %s", lb[i].spec, err);
	}
	errno = 1234;
	ok(nm_open("eth0", NULL, 0, NULL) == NULL && errno == 0,
	   "nm_open of a non-netmap name: NULL with errno 0 (pcap fallback)");
	errno = 0;
	ok(nm_open("netmap:x{0", NULL, 0, NULL) == NULL && errno == ENOENT,
	   "nm_open without /dev/netmap: NULL, errno ENOENT (reason on stderr)");
	errno = 0;
	ok(nm_open("netmap:eth0/q", NULL, 0, NULL) == NULL && errno == EINVAL,
	   "nm_open with a bad spec: NULL, errno EINVAL");
}

int main(void)
{
	test_ctx = *nmctx_get();
	test_ctx.error = capture;
	nmctx_set_default(&test_ctx);

	test_good();
	test_bad();
	test_options();
	test_open_without_device();
	test_legacy();
	return done_testing();
}
