// SPDX-License-Identifier: BSD-2-Clause
/*
 * seqmerge.c - union of several readers' range logs, checked for
 * exactly-once coverage (see seqmerge.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lmutil.h"
#include "seqframe.h"
#include "seqmerge.h"
#include "seqstat.h"

/* Unwrapped values live around 2^40 so an expected span that starts before
 * the first logged number never goes below zero. */
#define SEQMERGE_BASE	(1ull << 40)

void seqmerge_init(struct seqmerge *m)
{
	memset(m, 0, sizeof(*m));
	m->stream = -1;
}

void seqmerge_free(struct seqmerge *m)
{
	free(m->r);
	m->r = NULL;
	m->n = m->cap = 0;
}

int seqmerge_reader(struct seqmerge *m, const char *name)
{
	struct seqmerge_reader *rd;

	if (m->nreaders >= SEQMERGE_MAX_READERS)
		return -1;
	rd = &m->rd[m->nreaders];
	memset(rd, 0, sizeof(*rd));
	snprintf(rd->name, sizeof(rd->name), "%s", name ? name : "-");
	return m->nreaders++;
}

/* Unwrap a 32-bit number given a nearby (reference, unwrapped) pair. */
static uint64_t unwrap(uint32_t ref, uint64_t ref_u, uint32_t seq)
{
	return ref_u + (int64_t)lm_seq_diff(ref, seq);
}

int seqmerge_add(struct seqmerge *m, int reader, uint32_t start, uint32_t count)
{
	struct seqmerge_reader *rd;
	struct seqmerge_range *r;
	uint64_t u;

	if (reader < 0 || reader >= m->nreaders || !count)
		return -1;
	rd = &m->rd[reader];
	if (!m->have_ref) {
		m->have_ref = 1;
		m->ref = start;
		m->ref_u = SEQMERGE_BASE;
	}
	if (rd->have_prev) {
		u = unwrap(rd->prev_last, rd->prev_last_u, start);
		if (u <= rd->prev_last_u)
			rd->out_of_order++;
	} else {
		u = unwrap(m->ref, m->ref_u, start);
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;

		if (cap > SEQMERGE_MAX_RANGES)
			cap = SEQMERGE_MAX_RANGES;
		if (m->n == cap)
			return -1;
		r = realloc(m->r, cap * sizeof(*r));
		if (!r)
			return -1;
		m->r = r;
		m->cap = cap;
	}
	m->r[m->n++] = (struct seqmerge_range){ u, count, reader };
	rd->have_prev = 1;
	rd->prev_last = start + count - 1;
	rd->prev_last_u = u + count - 1;
	rd->frames += count;
	return 0;
}

/* Strict decimal parse of a 32-bit unsigned field; advances *p. */
static int parse_u32(char **p, uint32_t *v)
{
	unsigned long long x;
	char *end;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	x = strtoull(*p, &end, 10);
	if (errno || x > UINT32_MAX)
		return -1;
	*p = end;
	*v = (uint32_t)x;
	return 0;
}

static int parse_header(struct seqmerge *m, const char *line, char *err, size_t errlen)
{
	const char *s = strstr(line, "stream=");
	int stream;

	if (strncmp(line, "# lm-seqlog 1", 13))
		return 0;	/* another comment */
	if (!s || sscanf(s, "stream=%d", &stream) != 1)
		return 0;
	if (stream < 0)
		return 0;	/* that reader tracked any stream */
	if (m->stream >= 0 && m->stream != stream) {
		snprintf(err, errlen, "stream %d, other logs have stream %d", stream, m->stream);
		return -1;
	}
	m->stream = stream;
	return 0;
}

/*
 * A killed writer's partial line: unterminated (the file's last line), or
 * completed by a later appender with " " SEQLOG_TRUNC_MARK.  Cuts the
 * marker off in place.
 */
static int partial_line(char *line)
{
	static const char mark[] = " " SEQLOG_TRUNC_MARK "\n";
	size_t n = strlen(line), k = sizeof(mark) - 1;

	if (!n || line[n - 1] != '\n')
		return 1;
	if (n >= k && !strcmp(line + n - k, mark)) {
		line[n - k] = '\0';
		return 1;
	}
	return 0;
}

int seqmerge_read_log(struct seqmerge *m, FILE *f, const char *name,
		      char *err, size_t errlen)
{
	char line[256], *p;
	uint32_t start, count;
	unsigned long lineno = 0;
	int reader = seqmerge_reader(m, name);

	if (reader < 0) {
		snprintf(err, errlen, "more than %d logs", SEQMERGE_MAX_READERS);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "line %lu: too long", lineno);
			return -1;
		}
		if (partial_line(line)) {
			/* A prefix of "# lm-seqlog ..." or of "START COUNT". */
			if (line[0] != '#' && line[strspn(line, "0123456789 \t")]) {
				snprintf(err, errlen, "line %lu: partial line is not a range's prefix",
					 lineno);
				return -1;
			}
			m->rd[reader].truncated++;
			continue;
		}
		if (line[0] == '#') {
			if (parse_header(m, line, err, errlen))
				return -1;
			continue;
		}
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			continue;
		if (parse_u32(&p, &start) || parse_u32(&p, &count) || !count ||
		    (*p != '\n' && *p != '\0')) {
			snprintf(err, errlen, "line %lu: want \"START COUNT\" (COUNT >= 1)", lineno);
			return -1;
		}
		if (seqmerge_add(m, reader, start, count)) {
			snprintf(err, errlen, "line %lu: out of memory or over %u ranges",
				 lineno, SEQMERGE_MAX_RANGES);
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "read error");
		return -1;
	}
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct seqmerge_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->reader - y->reader;
}

/* Remember [first, last] in a report list, merging with an adjacent tail. */
static void note_span(struct seqmerge_span *list, size_t *n, uint64_t first, uint64_t last)
{
	if (*n && list[*n - 1].last + 1 >= first) {
		if (last > list[*n - 1].last)
			list[*n - 1].last = last;
		return;
	}
	if (*n < SEQMERGE_MAX_REPORT)
		list[(*n)++] = (struct seqmerge_span){ first, last };
}

static uint32_t wrap32(const struct seqmerge *m, uint64_t u)
{
	return (uint32_t)(u - m->ref_u + m->ref);
}

int seqmerge_check(struct seqmerge *m, uint32_t expect_first, uint64_t expect_count,
		   struct seqmerge_result *res)
{
	uint64_t lo, hi, cur, s, e, run_first = 0, run_last = 0;
	size_t i;
	int k;

	memset(res, 0, sizeof(*res));
	for (k = 0; k < m->nreaders; k++) {
		res->frames += m->rd[k].frames;
		res->out_of_order += m->rd[k].out_of_order;
		res->truncated += m->rd[k].truncated;
	}
	qsort(m->r, m->n, sizeof(*m->r), cmp_range);
	if (expect_count) {
		if (!m->have_ref) {	/* nothing logged: all of it is missing */
			m->have_ref = 1;
			m->ref = expect_first;
			m->ref_u = SEQMERGE_BASE;
		}
		lo = unwrap(m->ref, m->ref_u, expect_first);
		hi = lo + expect_count - 1;
	} else if (m->n) {
		lo = m->r[0].start;
		hi = lo;
		for (i = 0; i < m->n; i++)
			if (m->r[i].start + m->r[i].count - 1 > hi)
				hi = m->r[i].start + m->r[i].count - 1;
	} else {
		res->empty = 1;
		return 1;
	}
	res->first = wrap32(m, lo);
	res->last = wrap32(m, hi);

	/* Sweep in number order; cur = lowest number not yet covered. */
	cur = lo;
	for (i = 0; i < m->n; i++) {
		s = m->r[i].start;
		e = s + m->r[i].count - 1;
		if (s < lo) {
			res->outside += (e < lo ? e : lo - 1) - s + 1;
			s = lo;
		}
		if (e > hi) {
			res->outside += e - (s > hi ? s : hi + 1) + 1;
			e = hi;
		}
		if (s > e)
			continue;
		if (s > cur) {
			res->missing += s - cur;
			note_span(res->miss, &res->nmiss, cur, s - 1);
			cur = s;
		}
		if (s < cur) {
			uint64_t dlast = e < cur ? e : cur - 1;

			res->dup += dlast - s + 1;
			note_span(res->dups, &res->ndup, s, dlast);
			/* Runs counted apart from the (capped) report list. */
			if (res->dup_runs && run_last + 1 >= s) {
				if (dlast > run_last)
					run_last = dlast;
			} else {
				res->dup_runs++;
				run_first = s;
				run_last = dlast;
			}
			if (run_last - run_first + 1 > res->max_dup_run)
				res->max_dup_run = run_last - run_first + 1;
		}
		if (e + 1 > cur)
			cur = e + 1;
	}
	if (cur <= hi) {
		res->missing += hi - cur + 1;
		note_span(res->miss, &res->nmiss, cur, hi);
	}
	res->distinct = hi - lo + 1 - res->missing;
	res->empty = !m->n;
	return res->missing || res->dup || res->out_of_order || res->outside || res->empty;
}

static void json_spans(FILE *out, const struct seqmerge *m,
		       const struct seqmerge_span *list, size_t n)
{
	size_t i;

	fputc('[', out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s[%" PRIu32 ",%" PRIu32 "]", i ? "," : "",
			wrap32(m, list[i].first), wrap32(m, list[i].last));
	fputc(']', out);
}

void seqmerge_json(FILE *out, const struct seqmerge *m, const struct seqmerge_result *res)
{
	int k, ok = !(res->missing || res->dup || res->out_of_order ||
		      res->outside || res->empty);

	fprintf(out, "{\"type\":\"merge\",\"ok\":%s,\"readers\":[", ok ? "true" : "false");
	for (k = 0; k < m->nreaders; k++) {
		fprintf(out, "%s{\"name\":", k ? "," : "");
		lm_json_str(out, m->rd[k].name);
		fprintf(out, ",\"frames\":%" PRIu64 ",\"out_of_order\":%" PRIu64
			",\"truncated\":%" PRIu64 "}",
			m->rd[k].frames, m->rd[k].out_of_order, m->rd[k].truncated);
	}
	fprintf(out, "],\"frames\":%" PRIu64 ",\"distinct\":%" PRIu64, res->frames, res->distinct);
	if (!m->have_ref)
		fputs(",\"first\":null,\"last\":null", out);
	else
		fprintf(out, ",\"first\":%" PRIu32 ",\"last\":%" PRIu32, res->first, res->last);
	fprintf(out, ",\"missing\":%" PRIu64 ",\"dup\":%" PRIu64 ",\"out_of_order\":%" PRIu64
		",\"outside\":%" PRIu64 ",\"truncated\":%" PRIu64 ",\"dup_runs\":%" PRIu64
		",\"max_dup_run\":%" PRIu64 ",\"missing_ranges\":",
		res->missing, res->dup, res->out_of_order, res->outside, res->truncated,
		res->dup_runs, res->max_dup_run);
	json_spans(out, m, res->miss, res->nmiss);
	fputs(",\"dup_ranges\":", out);
	json_spans(out, m, res->dups, res->ndup);
	fputs("}\n", out);
}
