// SPDX-License-Identifier: BSD-2-Clause
/*
 * wireopt.c - see wireopt.h.
 */
#include <inttypes.h>
#include <string.h>

#include "lmutil.h"
#include "wireopt.h"

void wire_opts_init(struct wire_opts *w)
{
	*w = (struct wire_opts){
		.rate = 1000,
		.len = LM_SEQ_MIN_LEN,
		.dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		/* locally administered, never a real NIC's */
		.src = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
	};
}

static int bad(const char *prog, const char *name, const char *arg)
{
	fprintf(stderr, "%s: bad value for --%s: '%s'\n", prog, name, arg);
	return -1;
}

static int u64_opt(uint64_t *out, uint64_t min, uint64_t max, const char *prog,
		   const char *name, const char *arg)
{
	return lm_parse_u64(arg, min, max, out) ? bad(prog, name, arg) : 1;
}

int wire_opt(struct wire_opts *w, const char *prog, const char *name, const char *arg)
{
	uint64_t v;

	if (!strcmp(name, "json")) {
		w->json = 1;
		return 1;
	}
	if (!strcmp(name, "seqlog") || !strcmp(name, "seqlog-append")) {
		w->seqlog_path = arg;
		w->seqlog_append = name[6] == '-';
		return 1;
	}
	if (!strcmp(name, "send"))
		return u64_opt(&w->send, 0, UINT32_MAX, prog, name, arg);
	if (!strcmp(name, "rate"))
		return u64_opt(&w->rate, 0, 100000000, prog, name, arg);
	if (!strcmp(name, "expect") || !strcmp(name, "count"))
		return u64_opt(&w->expect, 1, UINT32_MAX, prog, name, arg);
	if (!strcmp(name, "len")) {
		if (lm_parse_u64(arg, LM_SEQ_MIN_LEN, LM_SEQ_MAX_LEN, &v))
			return bad(prog, name, arg);
		w->len = (unsigned int)v;
		return 1;
	}
	if (!strcmp(name, "stream")) {
		if (lm_parse_u64(arg, 0, UINT16_MAX, &v))
			return bad(prog, name, arg);
		w->stream = (uint16_t)v;
		w->have_stream = 1;
		return 1;
	}
	if (!strcmp(name, "first")) {
		if (lm_parse_u64(arg, 0, UINT32_MAX, &v))
			return bad(prog, name, arg);
		w->first_seq = (uint32_t)v;
		return 1;
	}
	if (!strcmp(name, "interval")) {
		if (lm_parse_u64(arg, 1, 3600000, &v))
			return bad(prog, name, arg);
		w->interval_ns = v * 1000000ull;
		return 1;
	}
	if (!strcmp(name, "dst") || !strcmp(name, "src")) {
		if (lm_parse_mac(arg, name[0] == 'd' ? w->dst : w->src))
			return bad(prog, name, arg);
		w->have_src |= name[0] == 's';
		return 1;
	}
	if (!strcmp(name, "on-full")) {
		if (strcmp(arg, "drop") && strcmp(arg, "block"))
			return bad(prog, name, arg);
		w->block = !strcmp(arg, "block");
		return 1;
	}
	if (!strcmp(name, "timeout") || !strcmp(name, "idle")) {
		if (lm_parse_secs(arg, name[0] == 't' ? &w->timeout_ns : &w->idle_ns))
			return bad(prog, name, arg);
		return 1;
	}
	return 0;
}

int wire_seqlog_open(const struct wire_opts *w, struct seqlog *l, int stream,
		     const char *reader)
{
	return (w->seqlog_append ? seqlog_open_append : seqlog_open)(l, w->seqlog_path, stream,
								    reader);
}

void wire_print_interval(FILE *out, uint64_t t_ms, uint64_t tx,
			 const struct seqstat_counters *d)
{
	fprintf(out, "{\"type\":\"interval\",\"t_ms\":%" PRIu64 ",\"tx\":%" PRIu64
		",\"rx\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"dup\":%" PRIu64
		",\"reorder\":%" PRIu64 "}\n", t_ms, tx, d->valid, d->lost, d->dup, d->reorder);
	fflush(out);
}

void wire_print_tx_fields(FILE *out, uint64_t elapsed_ns, int timed_out, uint64_t sent,
			  uint64_t refused, uint64_t stall_ns)
{
	fprintf(out, ",\"elapsed_ms\":%" PRIu64 ",\"timed_out\":%s,\"sent\":%" PRIu64
		",\"refused\":%" PRIu64 ",\"stall_ms\":%" PRIu64, elapsed_ns / 1000000,
		timed_out ? "true" : "false", sent, refused, stall_ns / 1000000);
}

void wire_print_rx_object(FILE *out, uint64_t frames, const struct seqstat_counters *c)
{
	fprintf(out, ",\"rx\":{\"frames\":%" PRIu64 ",", frames);
	seqstat_json_fields(out, c);
	fputc('}', out);
}

void wire_print_text(FILE *out, const char *what, uint64_t sent, uint64_t refused,
		     uint64_t stall_ns, uint64_t frames, const struct seqstat_counters *c,
		     int timed_out)
{
	fprintf(out, "%s: sent %" PRIu64 " refused %" PRIu64 " stall_ms %" PRIu64
		" | rx frames %" PRIu64 " valid %" PRIu64 " lost %" PRIu64 " dup %" PRIu64
		" reorder %" PRIu64 " foreign %" PRIu64 " runt %" PRIu64 " corrupt %" PRIu64
		"%s\n", what, sent, refused, stall_ns / 1000000, frames, c->valid, c->lost,
		c->dup, c->reorder, c->foreign, c->runt, c->corrupt,
		timed_out ? " (timed out)" : "");
}
