// SPDX-License-Identifier: BSD-2-Clause
/*
 * e1000_dupbuf - an rx ring of netmap:IF must not hand the NIC a buffer it
 * already holds: the same buffer index released in two slots (in one sync
 * or in two) is refused with EINVAL, the slot stays the application's, and
 * the ring goes on once the slot names a buffer of its own again.  Nor may
 * another ring take such a buffer over: a tx slot naming it is refused the
 * same way (else the tx ring would own, and free at its close, a buffer
 * the NIC may still write).  And an up after a down, which posts every rx
 * slot's buffer again, gives a slot that names a buffer another slot
 * names, or no buffer at all, a fresh buffer (runs ip link: IF goes down
 * and up).
 *
 *   e1000_dupbuf netmap:IF   (a stream must be arriving on IF; TAP on stdout)
 *
 * What a driver that accepted it would do: post one buffer in two
 * descriptors, so two frames land in it, and at the exit lend it once and
 * return it to the pool while the other descriptor still names it.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tap.h"
#include "core_util.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait until the application owns at least n slots of r; 0 on timeout. */
static int wait_frames(struct cu_port *p, struct netmap_ring *r, uint32_t n, double secs)
{
	double until = now() + secs;

	while (cu_space(r) < n && now() < until) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

		poll(&pfd, 1, 100);
	}
	return cu_space(r) >= n;
}

/* NIOCRXSYNC; 0 or -errno. */
static int rxsync(struct cu_port *p)
{
	return ioctl(p->fd, NIOCRXSYNC, NULL) ? -errno : 0;
}

/* NIOCTXSYNC; 0 or -errno. */
static int txsync(struct cu_port *p)
{
	return ioctl(p->fd, NIOCTXSYNC, NULL) ? -errno : 0;
}

/* Release slots up to (not including) slot `to`. */
static void release_to(struct netmap_ring *r, uint32_t to)
{
	r->head = r->cur = to;
}

int main(int argc, char **argv)
{
	const char *name;
	struct cu_port p;
	char cmd[64];
	const char *ifname;
	struct netmap_ring *r, *t;
	uint32_t h, h1, h2, x, own1, th, got = 0;
	double until;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: e1000_dupbuf netmap:IF\n");
		return 2;
	}
	name = argv[1];
	ifname = strncmp(name, "netmap:", 7) ? name : name + 7;
	err = cu_open(&p, name, NR_REG_ALL_NIC, 0);
	ok(!err, "open %s (%d)", name, err);
	if (err)
		return done_testing();
	r = cu_rxring(&p, 0);

	err = wait_frames(&p, r, 4, 10);
	if (!ok(err, "4 frames arrive (space %u)", cu_space(r)))
		goto out;

	/* One sync: slot h keeps its buffer x, slot h+1 names x too. */
	h = r->head;
	h1 = cu_next(r, h);
	h2 = cu_next(r, h1);
	x = r->slot[h].buf_idx;
	own1 = r->slot[h1].buf_idx;
	r->slot[h1].buf_idx = x;
	r->slot[h1].flags |= NS_BUF_CHANGED;
	release_to(r, h2);
	is_int(rxsync(&p), -EINVAL, "one sync: buffer %u released in slots %u and %u -> EINVAL",
	       x, h, h1);
	/* Slot h was taken; slot h1 was not: the ring's head is back there
	 * (the core's ring reset on a bad slot), the slot the application's. */
	is_int(r->head, h1, "slot %u taken, slot %u the application's again (head)", h, h1);
	r->slot[h1].buf_idx = own1;
	release_to(r, h2);
	is_int(rxsync(&p), 0, "slot %u named its own buffer again: the sync takes it", h1);
	is_int(r->head, h2, "head stays past slot %u", h1);

	/* Two syncs: x is the NIC's since the first; name it again. */
	if (!ok(wait_frames(&p, r, 2, 10), "2 more frames arrive"))
		goto out;
	h = r->head;
	h1 = cu_next(r, h);
	own1 = r->slot[h].buf_idx;
	r->slot[h].buf_idx = x;
	r->slot[h].flags |= NS_BUF_CHANGED;
	release_to(r, h1);
	is_int(rxsync(&p), -EINVAL, "two syncs: buffer %u, handed over before, released again in slot %u -> EINVAL",
	       x, h);
	is_int(r->head, h, "slot %u the application's again (head)", h);
	r->slot[h].buf_idx = own1;
	release_to(r, h1);
	is_int(rxsync(&p), 0, "slot %u named its own buffer again: the sync takes it", h);
	is_int(r->head, h1, "head stays past slot %u", h);

	/* Another ring: a tx slot names the buffer of the rx ring's first
	 * kernel slot, which the NIC holds (posted, or released and kept for
	 * the next post: held either way). */
	t = cu_txring(&p, 0);
	x = r->slot[r->tail].buf_idx;
	th = t->head;
	own1 = t->slot[th].buf_idx;
	t->slot[th].buf_idx = x;
	t->slot[th].len = 60;
	t->slot[th].flags |= NS_BUF_CHANGED;
	t->head = t->cur = cu_next(t, th);
	is_int(txsync(&p), -EINVAL, "tx slot %u naming buffer %u, which the NIC holds for rx -> EINVAL",
	       th, x);
	is_int(t->head, th, "tx slot %u the application's again (head)", th);
	t->slot[th].buf_idx = own1;
	is_int(txsync(&p), 0, "with the slot unsent and its own buffer back, tx syncs again");

	/* Down, one buffer named in two slots and an index out of range in
	 * a third, up: the re-entry, walking the ring from the kernel's
	 * position (the application's part, then tail, tail + 1), posts the
	 * buffer from the first and gives the other two fresh buffers; the
	 * up succeeds. */
	snprintf(cmd, sizeof(cmd), "ip link set %s down", ifname);
	is_int(system(cmd), 0, "%s", cmd);
	h = r->tail;
	h1 = cu_next(r, h);
	h2 = cu_next(r, h1);
	x = r->slot[h].buf_idx;
	own1 = r->slot[h1].buf_idx;
	r->slot[h1].buf_idx = x;
	r->slot[h2].buf_idx = 0xffffffffu;
	snprintf(cmd, sizeof(cmd), "ip link set %s up", ifname);
	is_int(system(cmd), 0, "up with buffer %u in rx slots %u and %u, index 2^32-1 in slot %u",
	       x, h, h1, h2);
	is_int(r->slot[h].buf_idx, x, "slot %u keeps buffer %u", h, x);
	ok(r->slot[h1].buf_idx != x && r->slot[h1].buf_idx >= 2,
	   "slot %u gets a fresh buffer (%u; it had %u)", h1, r->slot[h1].buf_idx, own1);
	ok(r->slot[h2].buf_idx >= 2 && r->slot[h2].buf_idx != 0xffffffffu &&
	   r->slot[h2].buf_idx != r->slot[h1].buf_idx && r->slot[h2].buf_idx != x,
	   "slot %u gets a fresh buffer (%u)", h2, r->slot[h2].buf_idx);
	/* QEMU's e1000 holds rx for about 1 s after the RCTL write of up;
	 * the sync brings tail to where the re-entry put it. */
	is_int(rxsync(&p), 0, "rxsync after the up");
	x = cu_space(r);
	err = wait_frames(&p, r, x + 1, 10);
	ok(err, "frames arrive after the up (%u -> %u)", x, cu_space(r));

	/* The ring still works: receive for half a second. */
	until = now() + 0.5;
	while (now() < until) {
		struct pollfd pfd = { .fd = p.fd, .events = POLLIN };

		poll(&pfd, 1, 100);
		got += cu_space(r);
		release_to(r, r->tail);
	}
	err = rxsync(&p);
	ok(got > 0 && !err, "the ring goes on: %u frames in 0.5 s, last sync %d", got, err);
out:
	cu_close(&p);
	return done_testing();
}
