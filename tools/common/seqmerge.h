/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * seqmerge.h - merge the range logs (seqstat.h, "START COUNT" lines) that
 * several readers of one numbered stream wrote, and prove the hitless-switch
 * property: every number in [first, last] (or in an expected [F, F+N)) was
 * received exactly once by exactly one reader, and each reader saw its
 * numbers in increasing order.
 *
 * Numbers are 32-bit and wrap; ranges are unwrapped to 64 bits as they are
 * added: a reader's first range relative to the first range ever added, each
 * later range relative to the previous range of the same reader (serial
 * arithmetic), so logs of any length unwrap consistently as long as
 * consecutive ranges of one reader are less than 2^31 apart.
 */
#ifndef LIVEMAP_SEQMERGE_H
#define LIVEMAP_SEQMERGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SEQMERGE_MAX_READERS	16
#define SEQMERGE_MAX_RANGES	(1u << 24)	/* bounded memory: 384 MiB worst */
#define SEQMERGE_MAX_REPORT	32		/* ranges listed in the JSON */

struct seqmerge_range {
	uint64_t start, count;	/* unwrapped */
	int reader;
};

struct seqmerge_reader {
	char name[64];
	int have_prev;
	uint32_t prev_last;	/* last number of its previous range */
	uint64_t prev_last_u;
	uint64_t frames;
	uint64_t out_of_order;	/* ranges not strictly after the previous one */
	uint64_t truncated;	/* a killed writer's partial lines, ignored */
};

struct seqmerge {
	struct seqmerge_range *r;
	size_t n, cap;
	int nreaders;
	struct seqmerge_reader rd[SEQMERGE_MAX_READERS];
	int have_ref;
	uint32_t ref;		/* first number ever added, and its unwrapped value */
	uint64_t ref_u;
	int stream;		/* from the log headers; -1 until known */
};

struct seqmerge_span {
	uint64_t first, last;	/* unwrapped, inclusive */
};

struct seqmerge_result {
	uint64_t frames;	/* numbers in all logs, duplicates included */
	uint64_t distinct;
	uint64_t missing;
	uint64_t dup;		/* numbers received more than once (extra copies) */
	uint64_t out_of_order;	/* summed over readers */
	uint64_t outside;	/* numbers outside the expected span */
	uint64_t truncated;	/* partial lines ignored, summed over readers */
	uint64_t dup_runs;	/* maximal runs of consecutive duplicated numbers */
	uint64_t max_dup_run;	/* the longest one (e.g. <= one batch per kill) */
	int empty;		/* no number at all */
	uint32_t first, last;	/* of the checked span, wrapped back to 32 bits */
	size_t nmiss, ndup;
	struct seqmerge_span miss[SEQMERGE_MAX_REPORT], dups[SEQMERGE_MAX_REPORT];
};

void seqmerge_init(struct seqmerge *m);
void seqmerge_free(struct seqmerge *m);

/* A new reader; returns its index, or -1 when there are too many. */
int seqmerge_reader(struct seqmerge *m, const char *name);

/* Add one range of `reader`, in that reader's arrival order; -1 on ENOMEM/limit. */
int seqmerge_add(struct seqmerge *m, int reader, uint32_t start, uint32_t count);

/*
 * Parse one log file into a new reader named `name`.  Returns 0, or -1 with
 * a message in err (malformed line, stream mismatch, too many ranges).
 * A killed writer's partial line -- the last line without its newline, or
 * one completed with SEQLOG_TRUNC_MARK by a later appender (seqstat.h) --
 * is not a range: it is skipped and counted in the reader's `truncated`.
 * Skipping it can only make numbers missing, never hide one.
 */
int seqmerge_read_log(struct seqmerge *m, FILE *f, const char *name,
		      char *err, size_t errlen);

/*
 * Check the union.  expect_count == 0: the span is [lowest, highest] number
 * seen; otherwise [expect_first, expect_first + expect_count).  Sorts m->r.
 * Returns 0 when every number of the span arrived exactly once, in order
 * per reader, and nothing fell outside; 1 otherwise.
 */
int seqmerge_check(struct seqmerge *m, uint32_t expect_first, uint64_t expect_count,
		   struct seqmerge_result *res);

void seqmerge_json(FILE *out, const struct seqmerge *m, const struct seqmerge_result *res);

#endif /* LIVEMAP_SEQMERGE_H */
