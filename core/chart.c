/*
 * chart.c - bar charts as SVG; see chart.h.
 *
 * Drawn in user units on a fixed grid (the viewBox scales it to the
 * column it sits in): labels on the left, bars scaled to the largest
 * value, each value written after its bar.  The numbers are in the
 * text as well as in the lengths, so the chart reads without colour
 * and a screen reader gets a title and every bar as text.  A bar with
 * an href links to the filtered list it counts.
 */
#include "config.h"

#include <stdio.h>

#include "arena.h"
#include "chart.h"
#include "kiln-plugin.h"
#include "out.h"
#include "req.h"

#define CHART_W		640
#define LABEL_W		180	/* label column, right-aligned at its end */
#define BAR_MAX		290	/* the largest bar */
#define ROW_H		28
#define BAR_H		18

void
chart_bars(struct kiln_req *r, const char *title,
    const struct kiln_bar *bars, size_t n)
{
	long long	 max = 0, w;
	size_t		 i;
	int		 y, links = 0;
	char		 num[32];

	for (i = 0; i < n; i++) {
		if (bars[i].value > max)
			max = bars[i].value;
		if (bars[i].href != NULL)
			links = 1;
	}
	out_open(r, "figure");
	out_attr(r, "class", "chart");
	out_open(r, "svg");
	out_attr(r, "xmlns", "http://www.w3.org/2000/svg");
	out_attrf(r, "viewBox", "0 0 %d %zu", CHART_W, n * ROW_H + 4);
	/* A picture, unless its bars are links: then a group of them. */
	out_attr(r, "role", links ? "group" : "img");
	out_attr(r, "aria-label", title);
	out_elem(r, "title", title);
	for (i = 0; i < n; i++) {
		y = (int)i * ROW_H + 2;
		w = max > 0 && bars[i].value > 0 ?
		    bars[i].value * BAR_MAX / max : 0;
		if (bars[i].value > 0 && w < 2)
			w = 2;	/* something, however small, shows */
		if (bars[i].href != NULL) {
			out_open(r, "a");
			out_attr(r, "href", req_url(r, "%s", bars[i].href));
		}
		out_open(r, "text");
		out_attrf(r, "x", "%d", LABEL_W - 8);
		out_attrf(r, "y", "%d", y + BAR_H - 4);
		out_attr(r, "text-anchor", "end");
		out_text(r, bars[i].label);
		out_close(r);
		out_open(r, "rect");
		out_attr(r, "class", "bar");
		out_attr(r, "fill", "#486581");
		out_attrf(r, "x", "%d", LABEL_W);
		out_attrf(r, "y", "%d", y);
		out_attrf(r, "width", "%lld", w);
		out_attrf(r, "height", "%d", BAR_H);
		out_close(r);
		if (bars[i].text == NULL)
			snprintf(num, sizeof(num), "%lld", bars[i].value);
		out_open(r, "text");
		out_attrf(r, "x", "%lld", LABEL_W + w + 6);
		out_attrf(r, "y", "%d", y + BAR_H - 4);
		out_text(r, bars[i].text != NULL ? bars[i].text : num);
		out_close(r);
		if (bars[i].href != NULL)
			out_close(r);
	}
	out_close(r);	/* svg */
	out_close(r);	/* figure */
}
