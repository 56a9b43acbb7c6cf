/*
 * tokens.h - /tokens: a user's own API tokens.  A new token is shown
 * once, on the page that created it; only its hash is kept.  Revoking
 * is immediate.  Every change is audited.
 */
#ifndef KILN_TOKENS_H
#define KILN_TOKENS_H

struct kiln_req;

/* GET, POST /tokens; POST /tokens/#/revoke: a user's API tokens. */
int	 tokens_page(struct kiln_req *);
int	 tokens_create(struct kiln_req *);
int	 tokens_revoke(struct kiln_req *);

#endif
