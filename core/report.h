/*
 * report.h - a plugin's report (its <report> document) answered as CSV.
 */
#ifndef KILN_REPORT_H
#define KILN_REPORT_H

struct kiln_req;

/* In place of out_finish() when the request asked for .csv. */
int	 report_csv_finish(struct kiln_req *);

#endif
