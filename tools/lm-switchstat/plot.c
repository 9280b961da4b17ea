// SPDX-License-Identifier: BSD-2-Clause
/*
 * plot.c - frames delivered per bin around one enter and one exit, from
 * the per-frame map alone: the peer sends frame k at k / rate seconds
 * (absolute deadlines), so a frame's offset is its send time.  Written as
 * TSV and as a small self-contained SVG (two panels, stacked bars: stack,
 * netmap, lost, duplicated).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "switchstat.h"

enum { B_STACK, B_NETMAP, B_LOST, B_DUP, B_KINDS };

static const char *const kind_name[B_KINDS] = { "stack", "netmap", "lost", "dup" };
static const char *const kind_color[B_KINDS] = { "#1f77b4", "#ff7f0e", "#d62728", "#9467bd" };

int sw_plot_make(const struct sw *s, int cycle, double bin_ms, double win_ms,
		 struct sw_plot *pl)
{
	const struct sw_cycle *c;
	int e;

	memset(pl, 0, sizeof(*pl));
	if (!s->rate || cycle < 1 || cycle > s->np || s->cyc[cycle].empty ||
	    !s->attributed || !(bin_ms > 0) || !(win_ms >= bin_ms) || win_ms / bin_ms > 10000)
		return errno = EINVAL, -1;
	c = &s->cyc[cycle];
	pl->cycle = cycle;
	pl->bin_ms = bin_ms;
	pl->win_ms = win_ms;
	pl->nbins = (int)ceil(2 * win_ms / bin_ms);
	pl->enter_anchor = c->enter_at;
	pl->exit_anchor = c->hi + 1;
	for (e = 0; e < 2; e++) {
		uint64_t anchor = e ? pl->exit_anchor : pl->enter_anchor;
		double span = win_ms * (double)s->rate / 1000.0;
		int64_t off, from = (int64_t)anchor - (int64_t)ceil(span);
		int64_t to = (int64_t)anchor + (int64_t)ceil(span);

		pl->bins[e] = calloc((size_t)pl->nbins * B_KINDS, sizeof(uint32_t));
		if (!pl->bins[e]) {
			sw_plot_free(pl);
			return errno = ENOMEM, -1;
		}
		for (off = from < 0 ? 0 : from; off < to && off < (int64_t)s->sent; off++) {
			double t = (double)(off - (int64_t)anchor) * 1000.0 / (double)s->rate;
			int b = (int)floor((t + win_ms) / bin_ms);
			uint8_t m = s->map[off];
			uint32_t *bin;

			if (b < 0 || b >= pl->nbins)
				continue;
			bin = &pl->bins[e][b * B_KINDS];
			if (!(m & SW_CNT_MASK))
				bin[B_LOST]++;
			else
				bin[m & SW_BY_NETMAP ? B_NETMAP : B_STACK]++;
			if ((m & SW_CNT_MASK) > 1)
				bin[B_DUP] += (m & SW_CNT_MASK) - 1;
		}
	}
	return 0;
}

void sw_plot_free(struct sw_plot *pl)
{
	free(pl->bins[0]);
	free(pl->bins[1]);
	pl->bins[0] = pl->bins[1] = NULL;
}

void sw_plot_tsv(FILE *out, const struct sw_plot *pl)
{
	int e, b, k;

	fputs("event\tt_ms\tstack\tnetmap\tlost\tdup\n", out);
	for (e = 0; e < 2; e++) {
		for (b = 0; b < pl->nbins; b++) {
			fprintf(out, "%s\t%.1f", e ? "exit" : "enter", -pl->win_ms + b * pl->bin_ms);
			for (k = 0; k < B_KINDS; k++)
				fprintf(out, "\t%" PRIu32, pl->bins[e][b * B_KINDS + k]);
			fputc('\n', out);
		}
	}
}

static void xml_text(FILE *out, const char *t)
{
	for (; *t; t++) {
		switch (*t) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)*t >= 0x20)
				fputc(*t, out);
		}
	}
}

/* Geometry of one panel. */
#define PW	440	/* panel width */
#define PH	260	/* plot height */
#define ML	50	/* left margin (y labels) */
#define MT	58	/* top margin (title, legend) */
#define MB	40	/* bottom margin (x labels) */

static void panel(FILE *out, const struct sw_plot *pl, int e, int x0, uint32_t ymax,
		  const char *what)
{
	double bw = (double)(PW - ML - 10) / pl->nbins;
	double sy = (double)PH / ymax;
	int b, k, y0 = MT + PH;
	double t;

	fprintf(out, "<g transform=\"translate(%d,0)\">\n", x0);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s (cycle %d)</text>\n",
		ML, MT - 8, what, pl->cycle);
	for (b = 0; b < pl->nbins; b++) {
		double y = y0;

		for (k = 0; k < B_KINDS; k++) {
			uint32_t v = pl->bins[e][b * B_KINDS + k];
			double h = v * sy;

			if (!v)
				continue;
			y -= h;
			fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
				"fill=\"%s\"/>\n", ML + b * bw, y, bw > 1.5 ? bw - 0.5 : bw, h,
				kind_color[k]);
		}
	}
	/* Axes, the switch instant, ticks. */
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
		ML, y0, PW - 10, y0);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
		ML, MT, ML, y0);
	fprintf(out, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"gray\" "
		"stroke-dasharray=\"4,3\"/>\n", ML + (PW - ML - 10) / 2.0, MT,
		ML + (PW - ML - 10) / 2.0, y0);
	for (t = -pl->win_ms; t <= pl->win_ms + 1e-9; t += pl->win_ms / 2) {
		double x = ML + (t + pl->win_ms) / (2 * pl->win_ms) * (PW - ML - 10);

		fprintf(out, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"black\"/>"
			"<text x=\"%.2f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%.0f</text>\n",
			x, y0, x, y0 + 4, x, y0 + 16, t);
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">"
		"ms from the %s (frame send time = seq / rate)</text>\n",
		ML + (PW - ML - 10) / 2, y0 + 32, e ? "exit" : "enter");
	for (k = 0; k <= 2; k++) {
		uint32_t v = ymax * k / 2;

		fprintf(out, "<text x=\"%d\" y=\"%.2f\" font-size=\"11\" text-anchor=\"end\">%"
			PRIu32 "</text>\n", ML - 4, y0 - v * sy + 4, v);
	}
	fputs("</g>\n", out);
}

void sw_plot_svg(FILE *out, const struct sw *s, const struct sw_plot *pl, const char *title)
{
	uint32_t ymax = 1;
	int e, b, k;

	/* One scale for both panels; at least the nominal frames per bin. */
	for (e = 0; e < 2; e++) {
		for (b = 0; b < pl->nbins; b++) {
			uint32_t sum = 0;

			for (k = 0; k < B_KINDS; k++)
				sum += pl->bins[e][b * B_KINDS + k];
			if (sum > ymax)
				ymax = sum;
		}
	}
	ymax += ymax / 10 + 1;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\">\n", 2 * PW, MT + PH + MB + 10);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fputs("<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">", out);
	xml_text(out, title && *title ? title : "frames delivered per bin");
	fprintf(out, " - frames per %.0f ms by where they went (%" PRIu64 " sent per s)</text>\n",
		pl->bin_ms, s->rate);
	for (k = 0; k < B_KINDS; k++)
		fprintf(out, "<rect x=\"%d\" y=\"30\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"39\" font-size=\"11\">%s</text>\n",
			2 * PW - 300 + k * 72, kind_color[k], 2 * PW - 286 + k * 72, kind_name[k]);
	panel(out, pl, 0, 0, ymax, "enter");
	panel(out, pl, 1, PW, ymax, "exit");
	fputs("</svg>\n", out);
}
