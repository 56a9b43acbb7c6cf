/*
 * chart.h - charts drawn on the server as SVG inside the page: no
 * script, no library in the browser, readable in print.
 */
#ifndef KILN_CHART_H
#define KILN_CHART_H

#include <stddef.h>

struct kiln_bar;
struct kiln_req;

/* A horizontal bar chart titled title, one bar per bars[i], in order. */
void	 chart_bars(struct kiln_req *, const char *title,
	    const struct kiln_bar *bars, size_t n);

#endif
