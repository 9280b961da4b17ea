/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * seqstat.h - receive-side accounting of a sequence-numbered stream
 * (seqframe.h): exactly which frames arrived, were lost, duplicated or
 * reordered, with 32-bit wrap-around, in bounded memory.
 *
 * Model.  `next` is one past the highest sequence number seen so far (in
 * serial-number order).  A bitmap remembers which of the SEQSTAT_WINDOW
 * numbers just below `next` have arrived.  For each valid frame with seq s:
 *
 *   s == next          in order: valid++
 *   s >  next          jump ahead: the (s - next) numbers skipped are counted
 *                      lost now (gaps++, max_gap), valid++
 *   s <  next, inside the window, bit clear
 *                      a late frame fills a gap: lost--, reorder++, valid++
 *   s <  next, inside the window, bit set
 *                      duplicate: dup++
 *   s <  first, inside the window
 *                      the stream really started earlier: first = s, the
 *                      numbers between s and the old first count as lost,
 *                      reorder++, valid++
 *   s <  next, older than the window (or 2^31 behind)
 *                      cannot be told apart: stale++, nothing else changes
 *
 * So at any time lost == numbers in [first, last] that have not arrived
 * (as long as no frame went stale), and valid == distinct numbers received.
 * Frames lost after `last` (the tail) are invisible to a receiver: compare
 * valid with what the sender reports it sent.
 *
 * A jump ahead of any size below 2^31 is accounted exactly (lost grows by
 * the jump); 2^31 or more ahead is indistinguishable from behind and is
 * classified as stale.  Frames that are not ours (seqframe verdicts) are
 * counted as runt/foreign/corrupt, or other_stream when a stream filter is
 * set, and never touch the sequence state.
 */
#ifndef LIVEMAP_SEQSTAT_H
#define LIVEMAP_SEQSTAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "seqframe.h"

/* Reorder/duplicate memory: 64 Ki numbers = 8 KiB (32 s at 2,000 frames/s). */
#define SEQSTAT_WINDOW		65536u

enum seqstat_class {
	SEQSTAT_IN_ORDER,	/* s == next */
	SEQSTAT_AHEAD,		/* s > next: gap before it counted lost */
	SEQSTAT_LATE,		/* filled a gap */
	SEQSTAT_DUP,
	SEQSTAT_STALE,
	SEQSTAT_RUNT,
	SEQSTAT_FOREIGN,
	SEQSTAT_CORRUPT,
	SEQSTAT_OTHER_STREAM,
};

struct seqstat_counters {
	uint64_t valid;		/* distinct sequence numbers received */
	uint64_t lost;		/* missing numbers within [first, last] */
	uint64_t dup;
	uint64_t reorder;	/* late frames that filled a gap */
	uint64_t stale;		/* too old to classify */
	uint64_t gaps;		/* jumps ahead (loss events) */
	uint64_t max_gap;	/* largest jump ahead, in frames */
	uint64_t foreign;	/* not our ethertype/magic/version */
	uint64_t runt;		/* too short to be classified */
	uint64_t corrupt;	/* our magic, bad checksum/length/payload */
	uint64_t other_stream;	/* valid frame of a stream we do not track */
	uint64_t bytes;		/* declared length of valid+dup+reorder frames */
	uint32_t first;		/* first number received (valid once started) */
	uint32_t last;		/* highest number received (serial order) */
	int started;
};

/*
 * Optional range log: one text line "START COUNT" per run of consecutive
 * numbers, in arrival order, for lm-seqmerge (several readers of one stream,
 * e.g. the stack and a netmap reader across a hitless switch).  Every frame
 * with a valid header for the tracked stream is logged, duplicates and stale
 * ones included.  First line: "# lm-seqlog 1 stream=ID reader=NAME".
 */
struct seqlog {
	FILE *f;
	int open;		/* a run is pending */
	uint32_t start, count;
	uint64_t lines;
	int error;		/* a write failed (reported by seqlog_close) */
	/* durable mode (seqlog_set_durable): whole lines, write(2) at commit */
	int durable;
	char *dbuf;
	size_t dlen;
};

struct seqstat {
	struct seqstat_counters c;
	int stream;		/* tracked stream id, or -1 for any */
	int check_payload;	/* verify the payload pattern (default 1) */
	uint32_t next;		/* one past the highest number seen */
	uint64_t span;		/* numbers in [first, next), not wrapped */
	uint64_t win[SEQSTAT_WINDOW / 64];
	struct seqlog *log;	/* optional, not owned */
};

/* stream: the one stream id to track, or -1 to accept any. */
void seqstat_init(struct seqstat *st, int stream);

/* Classify and account one received frame (as on the wire, no FCS). */
enum seqstat_class seqstat_feed(struct seqstat *st, const void *frame, size_t len);

/* Account one sequence number directly (already-parsed input, tests). */
enum seqstat_class seqstat_feed_seq(struct seqstat *st, uint32_t seq);

/* Per-interval bins: snapshot the counters, then take differences. */
static inline struct seqstat_counters seqstat_snapshot(const struct seqstat *st)
{
	return st->c;
}
/* now - before, field by field (first/last/started/max_gap from now). */
struct seqstat_counters seqstat_delta(const struct seqstat_counters *now,
				      const struct seqstat_counters *before);

/*
 * Write the counters as the members of a JSON object (no braces):
 * "valid":..,"lost":..,"dup":..,"reorder":..,"foreign":..,"runt":..,
 * "corrupt":..,"stale":..,"other_stream":..,"gaps":..,"max_gap":..,
 * "first":..,"last":..   (first/last are null before the first frame)
 */
void seqstat_json_fields(FILE *out, const struct seqstat_counters *c);

const char *seqstat_class_name(enum seqstat_class cl);

/* Range log: a new file (truncated if it exists); 0, or -1 with errno. */
int seqlog_open(struct seqlog *l, const char *path, int stream, const char *reader);
/*
 * Append one "period" (a header line, then its ranges) to path, creating it
 * if needed: a reader that is started many times (pkt-gen rxseq per switch)
 * keeps one log, which lm-seqmerge reads as ONE reader whose numbers must
 * keep increasing across periods.
 */
int seqlog_open_append(struct seqlog *l, const char *path, int stream, const char *reader);
void seqlog_add(struct seqlog *l, uint32_t seq);
/* Flush the pending run and close; -1 if any write failed. */
int seqlog_close(struct seqlog *l);

/*
 * Durable mode, for a reader that may be killed at any instant (SIGKILL
 * tests of the hitless switch).  Call right after opening: the header is
 * written out at once, and from then on nothing sits in a stdio buffer:
 * lines are collected in the log's own buffer and handed to the kernel
 * with write(2), whole lines only, by seqlog_commit() (or earlier, when
 * the buffer fills).  A reader that commits BEFORE it releases the frames
 * it logged (netmap: before advancing ring->head) can lose no frame to a
 * kill: what it released is in the file.  A commit closes the pending run,
 * so the next frame starts a new line even when consecutive.
 *
 * A killed writer can still leave a partial last line (the kernel may cut
 * a write at a page boundary when a fatal signal is pending).  Every
 * append-mode open marks such a line by completing it with " # truncated";
 * readers (seqmerge) ignore a marked or unterminated line and count it.
 * Returns 0, or -1 with errno (no memory, or the header write failed).
 */
int seqlog_set_durable(struct seqlog *l);
/* Durable mode: write(2) every number added so far; 0, or -1 on error. */
int seqlog_commit(struct seqlog *l);

/* The marker an appender puts after a killed writer's partial line. */
#define SEQLOG_TRUNC_MARK	"# truncated"


#endif /* LIVEMAP_SEQSTAT_H */
