// SPDX-License-Identifier: BSD-2-Clause
/*
 * analyze.c - load the readers' range logs into a per-frame map and
 * attribute every missing, duplicated or out-of-order frame to a switch
 * event (the rules are in switchstat.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "switchstat.h"

int sw_init(struct sw *s, uint32_t first, uint64_t sent, uint64_t rate)
{
	memset(s, 0, sizeof(*s));
	if (!sent || sent > SW_MAX_FRAMES)
		return errno = EINVAL, -1;
	s->first = first;
	s->sent = sent;
	s->rate = rate;
	s->map = calloc(sent, 1);
	s->cyc = calloc(SW_MAX_PERIODS + 1, sizeof(*s->cyc));
	if (!s->map || !s->cyc) {
		sw_free(s);
		return errno = ENOMEM, -1;
	}
	s->cyc[0].empty = 1;
	s->attributed = 1;
	return 0;
}

void sw_free(struct sw *s)
{
	free(s->map);
	free(s->cyc);
	free(s->ooo);
	free(s->spans);
	s->map = NULL;
	s->cyc = NULL;
	s->ooo = NULL;
	s->spans = NULL;
}

int sw_new_period(struct sw *s)
{
	if (s->np >= SW_MAX_PERIODS)
		return errno = E2BIG, -1;
	s->np++;
	s->cur_period = s->np;
	s->cyc[s->np].empty = 1;
	return 0;
}

/* Remember where an out-of-order range started, to place it later. */
static int note_ooo(struct sw *s, uint64_t off)
{
	if (s->nooo == s->ooo_cap) {
		size_t cap = s->ooo_cap ? s->ooo_cap * 2 : 256;
		uint64_t *p;

		if (cap > (1u << 24))
			return 0;	/* counted, just not placed: cycle 0 */
		p = realloc(s->ooo, cap * sizeof(*p));
		if (!p)
			return -1;
		s->ooo = p;
		s->ooo_cap = cap;
	}
	s->ooo[s->nooo++] = off;
	return 0;
}

int sw_add_range(struct sw *s, int netmap, uint32_t start, uint32_t count)
{
	uint32_t u0 = start - s->first;	/* offset, mod 2^32 */
	struct sw_cycle *c;
	uint8_t bit = netmap ? SW_BY_NETMAP : SW_BY_STACK;
	int r = !!netmap;
	uint64_t i;

	if (!count)
		return errno = EINVAL, -1;
	if (netmap && !s->cur_period && sw_new_period(s))
		return -1;
	c = &s->cyc[netmap ? s->cur_period : 0];
	/*
	 * Per reader, a range must start after the previous range's last
	 * number (what lm-seqmerge calls out of order).  Offsets are relative
	 * to the stream's first number, so the comparison is wrap-safe.
	 */
	if (s->have_prev[r] && u0 <= s->prev_last[r]) {
		s->out_of_order++;
		if (u0 < s->sent && note_ooo(s, u0))
			return errno = ENOMEM, -1;
	}
	s->have_prev[r] = 1;
	s->prev_last[r] = (uint32_t)(u0 + count - 1);

	for (i = 0; i < count; i++) {
		uint32_t off = (uint32_t)(u0 + i);
		uint8_t *m;

		if (off >= s->sent) {
			s->outside++;
			continue;
		}
		m = &s->map[off];
		if ((*m & SW_CNT_MASK) < SW_CNT_MASK)
			(*m)++;
		*m |= bit;
		if (!netmap) {
			s->stack_frames++;
			continue;
		}
		s->netmap_frames++;
		c->netmap_frames++;
		if (c->empty) {
			c->empty = 0;
			c->lo = c->hi = off;
		} else if (off < c->lo) {
			c->lo = off;
		} else if (off > c->hi) {
			c->hi = off;
		}
	}
	return 0;
}

/* Parse "START COUNT" strictly: two decimal u32, COUNT >= 1. */
static int parse_range(const char *p, uint32_t *start, uint32_t *count)
{
	unsigned long long v[2];
	char *end;
	int k;

	for (k = 0; k < 2; k++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v[k] = strtoull(p, &end, 10);
		if (errno || v[k] > UINT32_MAX)
			return -1;
		p = end;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if ((*p && *p != '\n') || !v[1])
		return -1;
	*start = (uint32_t)v[0];
	*count = (uint32_t)v[1];
	return 0;
}

int sw_load(struct sw *s, FILE *f, int netmap, char *err, size_t errlen)
{
	char line[256];
	unsigned long lineno = 0;
	uint32_t start, count;
	const char *p;

	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "line %lu: too long", lineno);
			return -1;
		}
		if (line[0] == '#') {
			if (netmap && !strncmp(line, "# lm-seqlog ", 12) && sw_new_period(s)) {
				snprintf(err, errlen, "line %lu: more than %d periods",
					 lineno, SW_MAX_PERIODS);
				return -1;
			}
			continue;
		}
		for (p = line; *p == ' ' || *p == '\t' || *p == '\r'; p++)
			;
		if (!*p || *p == '\n')
			continue;
		if (parse_range(line, &start, &count)) {
			snprintf(err, errlen, "line %lu: want \"START COUNT\" (COUNT >= 1)", lineno);
			return -1;
		}
		if (sw_add_range(s, netmap, start, count)) {
			snprintf(err, errlen, "line %lu: %s", lineno, strerror(errno));
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "read error");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ analysis */

/* The period whose span is nearest to off (ties: the earlier); 0 if none. */
static int nearest(const struct sw *s, uint64_t off)
{
	const int *spans = s->spans;
	int lo = 0, hi = s->nspans - 1, mid;
	const struct sw_cycle *a, *b;

	if (!s->nspans || !s->attributed)
		return 0;
	/* First span with hi >= off. */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (s->cyc[spans[mid]].hi < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	b = &s->cyc[spans[lo]];
	if (b->hi < off)			/* after the last span */
		return spans[lo];
	if (b->lo <= off || !lo)		/* inside, or before the first */
		return spans[lo];
	a = &s->cyc[spans[lo - 1]];
	return off - a->hi <= b->lo - off ? spans[lo - 1] : spans[lo];
}

/* Attribute the window [a, b) between period `before` and `after` (0: none). */
static void window(struct sw *s, uint64_t a, uint64_t b, int before, int after)
{
	uint64_t off, s_lo = 0, s_hi = 0;
	int have = 0, empty_in = 0, p;

	for (off = a; off < b; off++) {
		if (s->map[off] & SW_BY_STACK) {
			if (!have)
				s_lo = off;
			s_hi = off;
			have = 1;
			s->cyc[before].stack_frames += s->map[off] & SW_CNT_MASK;
		}
	}
	/* The first empty period between the two spans, if any. */
	for (p = before + 1; p < (after ? after : s->np + 1); p++) {
		if (s->cyc[p].empty) {
			empty_in = p;
			break;
		}
	}
	if (after)
		s->cyc[after].enter_at = have ? s_hi + 1 : a;
	for (off = a; off < b; off++) {
		if (s->map[off] & SW_CNT_MASK)
			continue;
		if (have && off > s_lo && off < s_hi)
			s->cyc[before].stack_lost++;	/* of which: in stack mode */
		if (!have) {
			if (!before)
				s->pre_lost++;
			else
				s->cyc[empty_in ? empty_in : before].between_lost++;
		} else if (empty_in && off > s_lo && off < s_hi) {
			s->cyc[empty_in].between_lost++;
		} else if (2 * off < s_lo + s_hi) {	/* nearer the exit before */
			if (before)
				s->cyc[before].exit_lost++;
			else
				s->pre_lost++;
		} else {				/* nearer the enter after */
			if (after)
				s->cyc[after].enter_lost++;
			else
				s->tail_lost++;
		}
	}
}

int sw_analyze(struct sw *s)
{
	uint64_t off, sum;
	int p, j, *spans;
	size_t i;

	s->distinct = s->missing = s->dup = s->dup_both = 0;
	s->pre_lost = s->tail_lost = 0;
	for (off = 0; off < s->sent; off++) {
		unsigned int n = s->map[off] & SW_CNT_MASK;

		if (!n) {
			s->missing++;
			continue;
		}
		s->distinct++;
		if (n > 1) {
			s->dup += n - 1;
			if ((s->map[off] & (SW_BY_STACK | SW_BY_NETMAP)) ==
			    (SW_BY_STACK | SW_BY_NETMAP))
				s->dup_both++;
		}
	}

	free(s->spans);
	s->spans = calloc((size_t)s->np + 1, sizeof(*s->spans));
	s->nspans = 0;
	if (!s->spans)
		return -1;
	spans = s->spans;
	for (p = 1; p <= s->np; p++) {
		if (s->cyc[p].empty)
			continue;
		if (s->nspans && s->cyc[p].lo <= s->cyc[spans[s->nspans - 1]].hi)
			s->attributed = 0;	/* spans overlap: no split */
		spans[s->nspans++] = p;
	}

	if (s->attributed) {
		/* Windows around and between the spans, then the spans. */
		for (j = 0; j <= s->nspans; j++) {
			uint64_t a = j ? s->cyc[spans[j - 1]].hi + 1 : 0;
			uint64_t b = j < s->nspans ? s->cyc[spans[j]].lo : s->sent;

			window(s, a, b, j ? spans[j - 1] : 0, j < s->nspans ? spans[j] : 0);
		}
		for (j = 0; j < s->nspans; j++) {
			struct sw_cycle *c = &s->cyc[spans[j]];

			for (off = c->lo; off <= c->hi; off++) {
				if (s->map[off] & SW_CNT_MASK) {
					if (s->map[off] & SW_BY_STACK)
						c->stack_in_span++;
					continue;
				}
				c->netmap_lost++;	/* of which: in netmap mode */
				if (2 * off < c->lo + c->hi)
					c->enter_lost++;
				else
					c->exit_lost++;
			}
		}
	}

	for (off = 0; off < s->sent; off++) {
		unsigned int n = s->map[off] & SW_CNT_MASK;
		struct sw_cycle *c;

		if (n < 2)
			continue;
		c = &s->cyc[nearest(s, off)];
		c->dup += n - 1;
		if ((s->map[off] & (SW_BY_STACK | SW_BY_NETMAP)) == (SW_BY_STACK | SW_BY_NETMAP))
			c->dup_both++;
	}
	for (i = 0; i < s->nooo; i++)
		s->cyc[nearest(s, s->ooo[i])].out_of_order++;
	if (s->nooo < s->out_of_order)	/* beyond the placement memory */
		s->cyc[0].out_of_order += s->out_of_order - s->nooo;

	/* Self-check: the attribution accounts for every missing frame. */
	if (s->attributed) {
		sum = s->pre_lost + s->tail_lost;
		for (p = 0; p <= s->np; p++)
			sum += s->cyc[p].enter_lost + s->cyc[p].exit_lost + s->cyc[p].between_lost;
		if (sum != s->missing)
			return -1;
	}
	return s->missing || s->dup || s->out_of_order || s->outside || !s->distinct;
}

int sw_plot_default_cycle(const struct sw *s)
{
	return s->attributed && s->nspans ? s->spans[(s->nspans - 1) / 2] : 0;
}

/* ------------------------------------------------------------ output */

static uint64_t total(const struct sw *s, size_t field)
{
	uint64_t t = 0;
	int p;

	for (p = 0; p <= s->np; p++)
		t += *(const uint64_t *)((const char *)&s->cyc[p] + field);
	return t;
}

static uint64_t maxof(const struct sw *s, size_t field)
{
	uint64_t m = 0, v;
	int p;

	for (p = 1; p <= s->np; p++) {
		v = *(const uint64_t *)((const char *)&s->cyc[p] + field);
		if (v > m)
			m = v;
	}
	return m;
}

#define TOTAL(f)	total(s, offsetof(struct sw_cycle, f))
#define MAXOF(f)	maxof(s, offsetof(struct sw_cycle, f))

/*
 * Cycles first, totals last: the scripts' json_get takes the last
 * "key": in a line, so the totals win over the per-cycle members.
 */
void sw_json(FILE *out, const struct sw *s)
{
	int p, empty = 0;

	fputs("{\"type\":\"switchstat\",\"cycles\":[", out);
	for (p = 1; p <= s->np; p++) {
		const struct sw_cycle *c = &s->cyc[p];

		empty += c->empty;
		fprintf(out, "%s{\"cycle\":%d,\"netmap_frames\":%" PRIu64
			",\"stack_frames\":%" PRIu64 ",\"stack_in_span\":%" PRIu64,
			p > 1 ? "," : "", p, c->netmap_frames, c->stack_frames,
			c->stack_in_span);
		fprintf(out, ",\"enter_lost\":%" PRIu64 ",\"exit_lost\":%" PRIu64
			",\"netmap_lost\":%" PRIu64 ",\"stack_lost\":%" PRIu64
			",\"between_lost\":%" PRIu64 ",\"dup\":%" PRIu64 ",\"dup_both\":%" PRIu64
			",\"out_of_order\":%" PRIu64, c->enter_lost, c->exit_lost,
			c->netmap_lost, c->stack_lost, c->between_lost, c->dup, c->dup_both,
			c->out_of_order);
		if (c->empty)
			fputs(",\"empty\":true,\"span\":null}", out);
		else
			fprintf(out, ",\"empty\":false,\"span\":[%" PRIu32 ",%" PRIu32 "]}",
				(uint32_t)(s->first + c->lo), (uint32_t)(s->first + c->hi));
	}
	fprintf(out, "],\"first\":%" PRIu32 ",\"sent\":%" PRIu64 ",\"rate\":%" PRIu64
		",\"periods\":%d,\"empty_periods\":%d,\"attributed\":%s",
		s->first, s->sent, s->rate, s->np, empty, s->attributed ? "true" : "false");
	fprintf(out, ",\"stack_frames\":%" PRIu64 ",\"netmap_frames\":%" PRIu64
		",\"distinct\":%" PRIu64 ",\"missing\":%" PRIu64 ",\"dup\":%" PRIu64
		",\"dup_both\":%" PRIu64 ",\"out_of_order\":%" PRIu64 ",\"outside\":%" PRIu64,
		s->stack_frames, s->netmap_frames, s->distinct, s->missing, s->dup,
		s->dup_both, s->out_of_order, s->outside);
	fprintf(out, ",\"pre_lost\":%" PRIu64 ",\"tail_lost\":%" PRIu64
		",\"pre_stack_lost\":%" PRIu64 ",\"enter_lost\":%" PRIu64
		",\"exit_lost\":%" PRIu64 ",\"netmap_lost\":%" PRIu64
		",\"stack_lost\":%" PRIu64 ",\"between_lost\":%" PRIu64
		",\"max_enter_lost\":%" PRIu64 ",\"max_exit_lost\":%" PRIu64,
		s->pre_lost, s->tail_lost, s->cyc[0].stack_lost, TOTAL(enter_lost),
		TOTAL(exit_lost), TOTAL(netmap_lost), TOTAL(stack_lost) - s->cyc[0].stack_lost,
		TOTAL(between_lost), MAXOF(enter_lost), MAXOF(exit_lost));
	fprintf(out, ",\"ok\":%s}\n",
		!s->missing && !s->dup && !s->out_of_order && !s->outside && s->distinct ?
		"true" : "false");
}

void sw_tsv(FILE *out, const struct sw *s)
{
	int p;

	fputs("cycle\tenter_lost\texit_lost\tnetmap_lost\tstack_lost\tbetween_lost\tdup\t"
	      "dup_both\tout_of_order\tnetmap_frames\tstack_frames\tempty\n", out);
	for (p = 1; p <= s->np; p++) {
		const struct sw_cycle *c = &s->cyc[p];

		fprintf(out, "%d\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
			"\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%d\n",
			p, c->enter_lost, c->exit_lost, c->netmap_lost, c->stack_lost,
			c->between_lost, c->dup, c->dup_both, c->out_of_order,
			c->netmap_frames, c->stack_frames, c->empty);
	}
}
