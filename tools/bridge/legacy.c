// SPDX-License-Identifier: BSD-2-Clause
/*
 * legacy.c - bridge -L: open the two ports with the legacy nm_open() API
 * (NETMAP_WITH_LIBS), the way older netmap applications do: the second
 * port is opened with the first as parent and NM_OPEN_NO_MMAP, so it reuses
 * the first's mapping when both live in the same memory region.  The
 * descriptors are then seen through nmport_d views by br_forward().
 */
#include <stdio.h>
#include <string.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#include "bridge.h"

static struct nm_desc *nd[2];
static struct nmport_d view[2];

int br_legacy_open(const char *spec[2], struct nmport_d *p[2], int *shared)
{
	int i;

	/* nm_open() is silent (errno 0) about names that are not netmap's */
	for (i = 0; i < 2; i++) {
		if (strncmp(spec[i], "netmap:", 7) &&
		    strncmp(spec[i], NM_BDG_NAME, strlen(NM_BDG_NAME))) {
			fprintf(stderr, "bridge: -L needs netmap:NAME or vale...: names, not '%s'\n",
				spec[i]);
			return -1;
		}
	}
	nd[0] = nm_open(spec[0], NULL, 0, NULL);	/* says why on failure */
	if (nd[0] == NULL)
		return -1;
	nd[1] = nm_open(spec[1], NULL, NM_OPEN_NO_MMAP, nd[0]);
	if (nd[1] == NULL) {
		nm_close(nd[0]);
		nd[0] = NULL;
		return -1;
	}
	for (i = 0; i < 2; i++) {
		struct nmport_d *v = &view[i];

		memset(v, 0, sizeof(*v));
		snprintf(v->hdr.nr_name, sizeof(v->hdr.nr_name), "%s",
			 nd[i]->req.nr_name);
		v->fd = nd[i]->fd;
		v->nifp = nd[i]->nifp;
		v->first_tx_ring = v->cur_tx_ring = nd[i]->first_tx_ring;
		v->last_tx_ring = nd[i]->last_tx_ring;
		v->first_rx_ring = v->cur_rx_ring = nd[i]->first_rx_ring;
		v->last_rx_ring = nd[i]->last_rx_ring;
		p[i] = v;
	}
	/* the child inherited the parent's mapping: one region */
	*shared = nd[0]->mem == nd[1]->mem;
	return 0;
}

void br_legacy_close(void)
{
	int i;

	for (i = 1; i >= 0; i--) {	/* the child first: it borrows the mapping */
		if (nd[i])
			nm_close(nd[i]);
		nd[i] = NULL;
	}
}
