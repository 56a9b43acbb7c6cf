/*
 * admin.h - /admin/users: administrators add users, change roles and
 * teams, reset passwords, disable and enable accounts.  The same
 * operations as `kiln user ...`, each audited.
 */
#ifndef KILN_ADMIN_H
#define KILN_ADMIN_H

struct kiln_req;

/* 1 if the path is not ours. */
int	 admin_route(struct kiln_req *);

#endif
