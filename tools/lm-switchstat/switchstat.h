/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * switchstat.h - attribute the frames of one numbered stream, read by two
 * readers that take turns (the stack's AF_PACKET reader and a netmap
 * application that enters and leaves netmap mode N times), to the switch
 * events: lost at enter, lost at exit, lost in netmap mode, lost in stack
 * mode, duplicated, out of order.
 *
 * Input: the stack's range log (one reader, the whole run), the netmap
 * application's range log(s) where every "# lm-seqlog" header starts one
 * netmap period, and what the peer sent: [first, first + sent) at `rate`
 * frames/s with absolute deadlines, so frame k left the peer at k / rate s
 * and sequence numbers double as a clock (the plot's time axis).
 *
 * Numbers are offsets from `first` (32-bit wrap-safe: offset = seq - first
 * mod 2^32); a number whose offset is >= sent is "outside".  Per offset one
 * byte: receptions (saturating) and which readers saw it.
 *
 * Attribution: every missing frame goes to the switch event nearest to it
 * in stream time.  A non-empty netmap period p received offsets [lo_p,
 * hi_p]; between two such spans lies a stack window where the stack
 * received [s_lo, s_hi].  A missing offset
 *     in a span, before its middle       lost at enter of that period
 *     in a span, after its middle        lost at exit of that period
 *     in a window, before its middle     lost at exit of the period before
 *                                        (pre_lost if there is none)
 *     in a window, after its middle      lost at enter of the period after
 *                                        (tail_lost if there is none)
 * (the window's middle is that of [s_lo, s_hi]).  Nearest, not strictly
 * at the boundary: a switch may take several steps (a reset per ring),
 * and the application's first frame can arrive between two of them; the
 * frames the second step loses belong to the enter all the same.  Of
 * these, netmap_lost counts the ones inside a span and stack_lost the
 * ones inside [s_lo, s_hi] (where they happened, not an extra loss).
 * A window where the stack received nothing cannot be split: its losses
 * are `between_lost` of the cycle before it.  A period in which the
 * application received nothing has no span: the window around it carries
 * it, its holes inside [s_lo, s_hi] count as the empty period's
 * between_lost, and the cycle is marked empty.  Duplicates and
 * out-of-order ranges go to the cycle whose span is nearest.
 */
#ifndef LIVEMAP_SWITCHSTAT_H
#define LIVEMAP_SWITCHSTAT_H

#include <stdint.h>
#include <stdio.h>

/* Bounded memory: one byte per frame sent (64 MiB at most). */
#define SW_MAX_FRAMES	(1u << 26)
#define SW_MAX_PERIODS	4096

/* Per-offset byte: receptions in the low bits, readers in the high ones. */
#define SW_CNT_MASK	0x3fu
#define SW_BY_STACK	0x40u
#define SW_BY_NETMAP	0x80u

struct sw_cycle {
	uint64_t netmap_frames;	/* receptions in this period, dups included */
	uint64_t stack_frames;	/* stack receptions in the window after exit */
	uint64_t stack_in_span;	/* stack receptions inside [lo, hi] */
	uint64_t enter_lost, exit_lost, netmap_lost, stack_lost, between_lost;
	uint64_t dup, dup_both;	/* extra copies; those seen by both readers */
	uint64_t out_of_order;	/* ranges not after the reader's previous one */
	uint64_t lo, hi;	/* offsets of the span (valid if !empty) */
	uint64_t enter_at;	/* first offset the stack did not get before it */
	int empty;		/* the application received nothing */
};

struct sw {
	uint32_t first;		/* sequence number of offset 0 */
	uint64_t sent;
	uint64_t rate;		/* frames/s (0: unknown, no time axis) */
	uint8_t *map;		/* sent bytes */

	struct sw_cycle *cyc;	/* [0] = before the first period, [1..np] */
	int np;

	/* Whole-run results. */
	uint64_t stack_frames, netmap_frames;	/* receptions, dups included */
	uint64_t distinct, missing, dup, dup_both, out_of_order, outside;
	uint64_t pre_lost;	/* before the stack's first frame, no period yet */
	uint64_t tail_lost;	/* after the last frame anyone received */
	int attributed;		/* 0: periods overlap, no per-cycle split */

	/* Non-empty periods in order (sorted spans when attributed). */
	int *spans;
	int nspans;
	/* Where out-of-order ranges started, placed once spans are known. */
	uint64_t *ooo;
	size_t nooo, ooo_cap;

	/* Reader order state while loading. */
	int have_prev[2];
	uint64_t prev_last[2];
	int cur_period;		/* netmap period being loaded (1-based) */
};

int sw_init(struct sw *s, uint32_t first, uint64_t sent, uint64_t rate);
void sw_free(struct sw *s);

/*
 * Load a range log.  netmap = 0: the stack's log (headers are ignored);
 * netmap = 1: every "# lm-seqlog" header starts a new period (ranges before
 * any header belong to a first period).  Returns 0, or -1 with a message.
 */
int sw_load(struct sw *s, FILE *f, int netmap, char *err, size_t errlen);

/* Add one range directly (tests); reader 0 = stack, 1 = netmap. */
int sw_add_range(struct sw *s, int netmap, uint32_t start, uint32_t count);
/* Start a netmap period (what a header line does). */
int sw_new_period(struct sw *s);

/* Compute the results and per-cycle attribution.  0 = exactly once. */
int sw_analyze(struct sw *s);

/* Output. */
void sw_json(FILE *out, const struct sw *s);
void sw_tsv(FILE *out, const struct sw *s);

/*
 * Frames per bin around the enter and the exit of cycle k: bins of bin_ms,
 * from -win_ms to +win_ms around each anchor.  Needs rate.  TSV and SVG.
 */
struct sw_plot {
	int cycle, nbins;
	double bin_ms, win_ms;
	uint64_t enter_anchor, exit_anchor;
	/* [0] around enter, [1] around exit; per bin: stack, netmap, lost, dup */
	uint32_t *bins[2];
};

int sw_plot_make(const struct sw *s, int cycle, double bin_ms, double win_ms,
		 struct sw_plot *pl);
void sw_plot_free(struct sw_plot *pl);
void sw_plot_tsv(FILE *out, const struct sw_plot *pl);
void sw_plot_svg(FILE *out, const struct sw *s, const struct sw_plot *pl, const char *title);

/* The default cycle to plot: the middle non-empty one (0 if none). */
int sw_plot_default_cycle(const struct sw *s);

#endif /* LIVEMAP_SWITCHSTAT_H */
