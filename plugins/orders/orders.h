/*
 * orders.h - the parts of the orders plugin that are code, not
 * declaration: submitting an order through the rules, and what the
 * order's page shows beyond its fields.
 */
#ifndef KILN_ORDERS_H
#define KILN_ORDERS_H

#include "kiln-plugin.h"

int	 orders_submit(struct kiln_req *, const struct kiln_services *);
int	 orders_approve(struct kiln_req *, const struct kiln_services *);
int	 orders_reject(struct kiln_req *, const struct kiln_services *);
int	 orders_reopen(struct kiln_req *, const struct kiln_services *);
int	 orders_dry_run(struct kiln_req *, const struct kiln_services *);
int	 orders_late(struct kiln_req *, const struct kiln_services *);
int	 orders_changed(struct kiln_req *, const struct kiln_services *,
	    long long, const struct kiln_kv *, const struct kiln_kv *, size_t);
void	 orders_credit_status(struct kiln_req *, const struct kiln_services *,
	    long long customer);
int	 orders_editable(struct kiln_req *, const struct kiln_services *,
	    long long);
int	 orders_created(struct kiln_req *, const struct kiln_services *,
	    long long, char *, size_t);
size_t	 orders_context(struct kiln_req *, const struct kiln_services *,
	    long long, struct kiln_kv *, size_t);
void	 orders_customer_page(struct kiln_req *,
	    const struct kiln_services *, long long);
void	 orders_xml(struct kiln_req *, const struct kiln_services *,
	    long long id);
void	 orders_page(struct kiln_req *, const struct kiln_services *,
	    long long id);

#endif
