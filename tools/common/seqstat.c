// SPDX-License-Identifier: BSD-2-Clause
/*
 * seqstat.c - receive-side accounting of a numbered stream; the model is
 * described in seqstat.h.  Everything here is O(1) per frame except a jump
 * ahead, which clears at most the bitmap's 8 KiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seqstat.h"

static_assert((SEQSTAT_WINDOW & (SEQSTAT_WINDOW - 1)) == 0 &&
	      SEQSTAT_WINDOW >= 64 && SEQSTAT_WINDOW < (1u << 31),
	      "window: a power of two, so seq % WINDOW survives the 2^32 wrap");

static inline uint32_t win_bit(uint32_t seq)
{
	return seq & (SEQSTAT_WINDOW - 1);
}

static inline void win_set(struct seqstat *st, uint32_t seq)
{
	st->win[win_bit(seq) / 64] |= 1ull << (win_bit(seq) % 64);
}

static inline int win_test(const struct seqstat *st, uint32_t seq)
{
	return !!(st->win[win_bit(seq) / 64] & 1ull << (win_bit(seq) % 64));
}

/*
 * Numbers [from, from + n) enter the window as "not received".  A position
 * is shared by seq and seq - WINDOW, so this also forgets the numbers that
 * leave the window.
 */
static void win_clear(struct seqstat *st, uint32_t from, uint64_t n)
{
	if (n >= SEQSTAT_WINDOW) {
		memset(st->win, 0, sizeof(st->win));
		return;
	}
	for (; n && win_bit(from) % 64; n--, from++)
		st->win[win_bit(from) / 64] &= ~(1ull << (win_bit(from) % 64));
	for (; n >= 64; n -= 64, from += 64)
		st->win[win_bit(from) / 64] = 0;
	for (; n; n--, from++)
		st->win[win_bit(from) / 64] &= ~(1ull << (win_bit(from) % 64));
}

void seqstat_init(struct seqstat *st, int stream)
{
	memset(st, 0, sizeof(*st));
	st->stream = stream;
	st->check_payload = 1;
}

enum seqstat_class seqstat_feed_seq(struct seqstat *st, uint32_t seq)
{
	struct seqstat_counters *c = &st->c;
	int32_t ahead;
	uint32_t behind;

	if (st->log)
		seqlog_add(st->log, seq);

	if (!c->started) {
		c->started = 1;
		c->first = c->last = seq;
		st->next = seq + 1;
		st->span = 1;
		memset(st->win, 0, sizeof(st->win));
		win_set(st, seq);
		c->valid++;
		return SEQSTAT_IN_ORDER;
	}

	ahead = lm_seq_diff(st->next, seq);
	if (ahead >= 0) {
		/* The numbers jumped over are lost until a late frame fills them. */
		win_clear(st, st->next, (uint64_t)ahead);
		win_set(st, seq);
		if (ahead) {
			c->lost += (uint64_t)ahead;
			c->gaps++;
			if ((uint64_t)ahead > c->max_gap)
				c->max_gap = (uint64_t)ahead;
		}
		st->next = seq + 1;
		st->span += (uint64_t)ahead + 1;
		c->last = seq;
		c->valid++;
		return ahead ? SEQSTAT_AHEAD : SEQSTAT_IN_ORDER;
	}

	/* Behind next: 1 <= behind <= 2^31. */
	behind = st->next - seq;
	if (behind > SEQSTAT_WINDOW) {
		c->stale++;
		return SEQSTAT_STALE;
	}
	if (win_test(st, seq)) {
		c->dup++;
		return SEQSTAT_DUP;
	}
	win_set(st, seq);
	c->valid++;
	c->reorder++;
	if (behind > st->span) {
		/*
		 * Earlier than the first frame seen: the stream starts here, and
		 * the numbers between it and the old first are now gaps.
		 */
		c->lost += behind - st->span - 1;
		st->span = behind;
		c->first = seq;
	} else {
		c->lost--;	/* a clear bit in [first, last] is counted lost */
	}
	return SEQSTAT_LATE;
}

enum seqstat_class seqstat_feed(struct seqstat *st, const void *frame, size_t len)
{
	struct lm_seqinfo info;
	enum seqstat_class cl;

	switch (lm_seqframe_parse(frame, len, st->check_payload, &info)) {
	case LM_SEQ_OK:
		break;
	case LM_SEQ_RUNT:
		st->c.runt++;
		return SEQSTAT_RUNT;
	case LM_SEQ_FOREIGN:
		st->c.foreign++;
		return SEQSTAT_FOREIGN;
	case LM_SEQ_CORRUPT:
	default:
		st->c.corrupt++;
		return SEQSTAT_CORRUPT;
	}
	if (st->stream >= 0 && info.stream != st->stream) {
		st->c.other_stream++;
		return SEQSTAT_OTHER_STREAM;
	}
	cl = seqstat_feed_seq(st, info.seq);
	if (cl != SEQSTAT_STALE)
		st->c.bytes += info.len;
	return cl;
}

struct seqstat_counters seqstat_delta(const struct seqstat_counters *now,
				      const struct seqstat_counters *before)
{
	struct seqstat_counters d = *now;

	d.valid -= before->valid;
	/* lost can shrink (late fills): a negative interval wraps, so clamp. */
	d.lost = now->lost >= before->lost ? now->lost - before->lost : 0;
	d.dup -= before->dup;
	d.reorder -= before->reorder;
	d.stale -= before->stale;
	d.gaps -= before->gaps;
	d.foreign -= before->foreign;
	d.runt -= before->runt;
	d.corrupt -= before->corrupt;
	d.other_stream -= before->other_stream;
	d.bytes -= before->bytes;
	return d;
}

void seqstat_json_fields(FILE *out, const struct seqstat_counters *c)
{
	fprintf(out, "\"valid\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"dup\":%" PRIu64
		",\"reorder\":%" PRIu64 ",\"foreign\":%" PRIu64 ",\"runt\":%" PRIu64
		",\"corrupt\":%" PRIu64 ",\"stale\":%" PRIu64
		",\"other_stream\":%" PRIu64 ",\"gaps\":%" PRIu64
		",\"max_gap\":%" PRIu64 ",\"bytes\":%" PRIu64,
		c->valid, c->lost, c->dup, c->reorder, c->foreign, c->runt,
		c->corrupt, c->stale, c->other_stream, c->gaps, c->max_gap,
		c->bytes);
	if (c->started)
		fprintf(out, ",\"first\":%" PRIu32 ",\"last\":%" PRIu32,
			c->first, c->last);
	else
		fputs(",\"first\":null,\"last\":null", out);
}

const char *seqstat_class_name(enum seqstat_class cl)
{
	static const char *const names[] = {
		[SEQSTAT_IN_ORDER] = "in_order",
		[SEQSTAT_AHEAD] = "ahead",
		[SEQSTAT_LATE] = "late",
		[SEQSTAT_DUP] = "dup",
		[SEQSTAT_STALE] = "stale",
		[SEQSTAT_RUNT] = "runt",
		[SEQSTAT_FOREIGN] = "foreign",
		[SEQSTAT_CORRUPT] = "corrupt",
		[SEQSTAT_OTHER_STREAM] = "other_stream",
	};

	if ((unsigned int)cl < sizeof(names) / sizeof(names[0]) && names[cl])
		return names[cl];
	return "?";
}

/* ------------------------------------------------------------ range log */

/* Durable mode's line buffer; a line is at most "4294967295 4294967295\n". */
#define SEQLOG_DBUF		4096
#define SEQLOG_LINE_MAX		24

/*
 * A file that does not end in a newline holds a killed writer's partial
 * last line: complete it with the marker so that it cannot be read as a
 * (wrong) range, nor glue itself to our header.
 */
static void seqlog_mark_partial(struct seqlog *l, const char *path)
{
	struct stat sb;
	char last = '\n';
	int fd = open(path, O_RDONLY | O_CLOEXEC);	/* l->f is write-only */

	if (fd < 0)
		return;
	if (!fstat(fd, &sb) && sb.st_size > 0 && pread(fd, &last, 1, sb.st_size - 1) != 1)
		last = '\n';
	close(fd);
	if (last != '\n' && fputs(" " SEQLOG_TRUNC_MARK "\n", l->f) < 0)
		l->error = 1;
}

static int seqlog_start(struct seqlog *l, const char *path, const char *mode, int stream,
			const char *reader)
{
	memset(l, 0, sizeof(*l));
	l->f = fopen(path, mode);
	if (!l->f)
		return -1;
	if (mode[0] == 'a')
		seqlog_mark_partial(l, path);
	if (fprintf(l->f, "# lm-seqlog 1 stream=%d reader=%s\n", stream,
		    reader && *reader ? reader : "-") < 0)
		l->error = 1;
	return 0;
}

int seqlog_open(struct seqlog *l, const char *path, int stream, const char *reader)
{
	return seqlog_start(l, path, "w", stream, reader);
}

int seqlog_open_append(struct seqlog *l, const char *path, int stream, const char *reader)
{
	return seqlog_start(l, path, "a", stream, reader);
}

/* Durable mode: hand the buffered whole lines to the kernel. */
static int seqlog_dwrite(struct seqlog *l)
{
	size_t off = 0;
	ssize_t w;

	while (off < l->dlen) {
		w = write(fileno(l->f), l->dbuf + off, l->dlen - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			l->error = 1;
			l->dlen = 0;
			return -1;
		}
		off += (size_t)w;
	}
	l->dlen = 0;
	return 0;
}

static void seqlog_flush_run(struct seqlog *l)
{
	if (!l->open)
		return;
	if (l->durable) {
		if (l->dlen + SEQLOG_LINE_MAX > SEQLOG_DBUF)
			seqlog_dwrite(l);
		l->dlen += (size_t)snprintf(l->dbuf + l->dlen, SEQLOG_DBUF - l->dlen,
					    "%" PRIu32 " %" PRIu32 "\n", l->start, l->count);
	} else if (fprintf(l->f, "%" PRIu32 " %" PRIu32 "\n", l->start, l->count) < 0) {
		l->error = 1;
	}
	l->lines++;
	l->open = 0;
}

int seqlog_set_durable(struct seqlog *l)
{
	if (!l->f) {
		errno = EBADF;
		return -1;
	}
	if (l->durable)
		return 0;
	l->dbuf = malloc(SEQLOG_DBUF);
	if (!l->dbuf)
		return -1;
	/* The run is flushed too: from now on stdio holds nothing. */
	seqlog_flush_run(l);
	if (fflush(l->f)) {
		l->error = 1;
		free(l->dbuf);
		l->dbuf = NULL;
		return -1;
	}
	l->durable = 1;
	return 0;
}

int seqlog_commit(struct seqlog *l)
{
	if (!l->f)
		return 0;
	seqlog_flush_run(l);
	if (l->durable)
		seqlog_dwrite(l);
	else if (fflush(l->f))
		l->error = 1;
	return l->error ? -1 : 0;
}

void seqlog_add(struct seqlog *l, uint32_t seq)
{
	if (!l->f)
		return;
	/* Extend the run unless seq breaks it (or the count would overflow). */
	if (l->open && seq == l->start + l->count && l->count != UINT32_MAX) {
		l->count++;
		return;
	}
	seqlog_flush_run(l);
	l->open = 1;
	l->start = seq;
	l->count = 1;
}

int seqlog_close(struct seqlog *l)
{
	int err;

	if (!l->f)
		return 0;
	seqlog_flush_run(l);
	if (l->durable) {
		seqlog_dwrite(l);
		free(l->dbuf);
		l->dbuf = NULL;
		l->durable = 0;
	}
	if (fflush(l->f))
		l->error = 1;
	if (fclose(l->f))
		l->error = 1;
	l->f = NULL;
	err = l->error;
	return err ? -1 : 0;
}
