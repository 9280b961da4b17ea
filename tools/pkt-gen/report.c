// SPDX-License-Identifier: BSD-2-Clause
/*
 * report.c - one line per -T interval (rate over that interval) and a
 * final summary; with --json each is one JSON object per line.
 *
 * Rates count frame bytes as sent/received (no preamble, no FCS).  The
 * summary's rate is over the active period, first frame to last frame.
 */
#include <inttypes.h>
#include <stdio.h>

#include "lmutil.h"
#include "pktgen.h"

void pg_report_start(struct pg *g, uint64_t now)
{
	g->st.t_start = now;
	g->rep.t_prev = now;
	g->rep.t_next = now + (uint64_t)g->c.report_ms * 1000000ull;
}

static double pg_rate(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0.0;
}

void pg_report_tick(struct pg *g, uint64_t now)
{
	struct pg_report *r = &g->rep;
	uint64_t dt, dp, db;
	double pps, bps;

	if (!g->c.report_ms || now < r->t_next)
		return;
	dt = now - r->t_prev;
	dp = g->st.pkts - r->pkts_prev;
	db = g->st.bytes - r->bytes_prev;
	pps = pg_rate(dp, dt);
	bps = pg_rate(db * 8, dt);
	if (g->c.json) {
		printf("{\"type\":\"interval\",\"func\":\"%s\",\"t\":%.3f,"
		       "\"pkts\":%" PRIu64 ",\"pps\":%.0f,\"bps\":%.0f,"
		       "\"total_pkts\":%" PRIu64,
		       g->c.func_name, (double)(now - g->st.t_start) / 1e9, dp,
		       pps, bps, g->st.pkts);
		if (g->seq) {
			struct seqstat_counters now_c = seqstat_snapshot(g->seq);
			struct seqstat_counters dc = seqstat_delta(&now_c, &r->seq_prev);

			printf(",");
			seqstat_json_fields(stdout, &dc);
			r->seq_prev = now_c;
		}
		printf("}\n");
	} else {
		printf("%8.3f s %s: %12.0f pps %10.3f Mbps  total %" PRIu64,
		       (double)(now - g->st.t_start) / 1e9, g->c.func_name, pps,
		       bps / 1e6, g->st.pkts);
		if (g->seq)
			printf("  lost %" PRIu64 " dup %" PRIu64 " reorder %" PRIu64,
			       g->seq->c.lost, g->seq->c.dup, g->seq->c.reorder);
		if (g->st.rtt_n)
			printf("  rtt avg %.1f us",
			       (double)g->st.rtt_sum_ns / (double)g->st.rtt_n / 1e3);
		printf("\n");
	}
	fflush(stdout);
	r->t_prev = now;
	r->pkts_prev = g->st.pkts;
	r->bytes_prev = g->st.bytes;
	r->t_next += (uint64_t)g->c.report_ms * 1000000ull;
	if (r->t_next <= now)
		r->t_next = now + (uint64_t)g->c.report_ms * 1000000ull;
}

void pg_report_final(struct pg *g, uint64_t now, int status)
{
	uint64_t active = g->st.t_last_pkt > g->st.t_first_pkt ?
			  g->st.t_last_pkt - g->st.t_first_pkt : 0;
	double pps = pg_rate(g->st.pkts, active);
	double bps = pg_rate(g->st.bytes * 8, active);
	double secs = (double)(now - g->st.t_start) / 1e9;

	if (g->c.json) {
		printf("{\"type\":\"summary\",\"func\":\"%s\",\"port\":",
		       g->c.func_name);
		lm_json_str(stdout, g->c.port);
		printf(",\"len\":%u,\"burst\":%u,\"status\":\"%s\","
		       "\"pkts\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"secs\":%.3f,"
		       "\"active_secs\":%.6f,\"pps\":%.0f,\"bps\":%.0f,"
		       "\"syncs\":%" PRIu64 ",\"poll_timeouts\":%" PRIu64
		       ",\"open_ms\":%.3f,\"devopen_ms\":%.3f,\"register_ms\":%.3f"
		       ",\"mmap_ms\":%.3f",
		       g->c.len, g->c.burst, status ? "error" : "ok",
		       g->st.pkts, g->st.bytes, secs, (double)active / 1e9, pps,
		       bps, g->st.syncs, g->st.poll_timeouts,
		       (double)g->st.open_ns / 1e6,
		       (double)g->st.devopen_ns / 1e6,
		       (double)g->st.register_ns / 1e6,
		       (double)(g->st.open_ns - g->st.devopen_ns -
				g->st.register_ns) / 1e6);
		/* from just before the open to the first frame moved */
		if (g->st.t_first_pkt)
			printf(",\"first_ms\":%.3f",
			       (double)(g->st.t_first_pkt - g->st.t_open) / 1e6);
		else
			printf(",\"first_ms\":null");
		if (g->c.func == PG_PING)
			printf(",\"rtt_n\":%" PRIu64 ",\"rtt_lost\":%" PRIu64
			       ",\"rtt_min_us\":%.1f,\"rtt_avg_us\":%.1f,"
			       "\"rtt_max_us\":%.1f", g->st.rtt_n,
			       g->st.ping_lost, (double)g->st.rtt_min_ns / 1e3,
			       g->st.rtt_n ? (double)g->st.rtt_sum_ns /
					     (double)g->st.rtt_n / 1e3 : 0.0,
			       (double)g->st.rtt_max_ns / 1e3);
		if (g->seq) {
			struct seqstat_counters c = seqstat_snapshot(g->seq);

			printf(",");
			seqstat_json_fields(stdout, &c);
		}
		printf("}\n");
	} else {
		printf("%s %s: %" PRIu64 " frames of %u bytes, %" PRIu64
		       " bytes in %.3f s: %.0f pps %.3f Mbps (%" PRIu64
		       " syncs, %" PRIu64 " poll timeouts)%s\n", g->c.func_name,
		       g->c.port, g->st.pkts, g->c.len, g->st.bytes, secs, pps,
		       bps / 1e6, g->st.syncs, g->st.poll_timeouts,
		       status ? " [error]" : "");
		printf("open %.3f ms (/dev/netmap %.3f ms, register %.3f ms), "
		       "first frame %.3f ms after the open\n",
		       (double)g->st.open_ns / 1e6, (double)g->st.devopen_ns / 1e6,
		       (double)g->st.register_ns / 1e6,
		       g->st.t_first_pkt ?
		       (double)(g->st.t_first_pkt - g->st.t_open) / 1e6 : -1.0);
		if (g->c.func == PG_PING)
			printf("rtt: %" PRIu64 " replies, %" PRIu64
			       " lost, min/avg/max %.1f/%.1f/%.1f us\n",
			       g->st.rtt_n, g->st.ping_lost,
			       (double)g->st.rtt_min_ns / 1e3,
			       g->st.rtt_n ? (double)g->st.rtt_sum_ns /
					     (double)g->st.rtt_n / 1e3 : 0.0,
			       (double)g->st.rtt_max_ns / 1e3);
		if (g->seq) {
			const struct seqstat_counters *c = &g->seq->c;

			printf("seq: valid %" PRIu64 " lost %" PRIu64 " dup %" PRIu64
			       " reorder %" PRIu64 " stale %" PRIu64 " gaps %" PRIu64
			       " max_gap %" PRIu64 " foreign %" PRIu64 " runt %" PRIu64
			       " corrupt %" PRIu64 "\n", c->valid, c->lost, c->dup,
			       c->reorder, c->stale, c->gaps, c->max_gap,
			       c->foreign, c->runt, c->corrupt);
		}
	}
	fflush(stdout);
}
