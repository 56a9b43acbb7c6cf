/*
 * cli.h - a request context for commands that reuse the record
 * machinery outside HTTP (rules test, demo-data).
 */
#ifndef KILN_CLI_H
#define KILN_CLI_H

struct app;
struct kiln_req;
struct user;

/* A request with an arena and no transport, acting as user u. */
int	 cli_req(struct kiln_req *, struct app *, const struct user *);
void	 cli_req_free(struct kiln_req *);
/* Fill the database with sample data; prints demo logins. */
int	 demo_fill(struct app *, int customers, const char *password);

#endif
