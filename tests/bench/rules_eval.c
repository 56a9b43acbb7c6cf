/*
 * rules_eval.c - microseconds per order for the shipped order rules,
 * run through the sandbox as a submission runs them (the rules with an
 * order hook, then one rules_run_each() on the same record and context
 * pairs), N times.  Built by tests/bench/orders.
 *
 * usage: rules_eval LUA_DIR N
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rules.h"

#define S(k, v)	{ (k), RULES_STR, (v), 0 }
#define I(k, v)	{ (k), RULES_INT, NULL, (v) }

int
main(int argc, char *argv[])
{
	const char		*names[16];
	const struct rules_kv	 rec[] = {
		I("id", 42), I("total", 1234500), S("payment_terms", "net30"),
		S("requested_date", "2027-03-01"), S("status", "draft"),
		I("customer", 7),
	};
	const struct rules_kv	 ctx[] = {
		S("today", "2026-11-26"), S("user", "li.wei"),
		S("role", "sales"), S("customer_segment", "small_loyal"),
		I("credit_limit", 5000000), I("exposure", 2345600),
		I("overdue_days", 0), I("overdue_amount", 0), I("lines", 3),
		I("max_discount_pct", 10), I("max_lead_time_days", 21),
	};
	struct rules_limits	 lim = { 0, 0, 0, 0 };
	struct rules_verdict	 v[sizeof(names) / sizeof(names[0])];
	size_t			 nn;
	struct rules		*ru;
	struct timespec		 a, b;
	long			 n, i;
	size_t			 k;
	double			 us;

	if (argc != 3 || (ru = rules_open(argv[1], &lim)) == NULL)
		return 2;
	n = atol(argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		nn = rules_with_hook(ru, "order", names,
		    sizeof(names) / sizeof(names[0]));
		if (nn > sizeof(names) / sizeof(names[0]))
			return 2;
		if (rules_run_each(ru, names, nn, "order", rec,
		    sizeof(rec) / sizeof(rec[0]), ctx,
		    sizeof(ctx) / sizeof(ctx[0]), v) == RULES_ERROR) {
			for (k = 0; k < nn; k++)
				if (v[k].result == RULES_ERROR)
					fprintf(stderr, "%s\n", v[k].message);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	us = ((double)(b.tv_sec - a.tv_sec) * 1e6 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e3) / (double)n;
	printf("%.1f\n", us);
	rules_close(ru);
	return 0;
}
