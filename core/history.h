/*
 * history.h - the audit trail (audit.h) as people and programs read it.
 */
#ifndef KILN_HISTORY_H
#define KILN_HISTORY_H

struct entity;
struct kiln_req;

/* A record's history, newest first, as a section of its page. */
void	 history_record(struct kiln_req *, const struct entity *, long long);
/*
 * GET /changes.xml?since=SEQ: creates, updates and deletes of every
 * declared entity the user may read in full, in commit order, after
 * SEQ, with the cursor to poll from next.  For ERP integrations.
 */
int	 history_changes(struct kiln_req *);
/* GET /audit: the whole trail, filtered, for administrators. */
int	 history_page(struct kiln_req *);

/* An action of the audit trail ("create") in words ("Created"). */
const char	*history_action_label(const char *);

#endif
