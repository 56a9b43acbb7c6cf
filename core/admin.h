/*
 * admin.h - /admin/users: administrators add users, change roles and
 * teams, reset passwords, disable and enable accounts.  The same
 * operations as `kiln user ...`, each audited.
 */
#ifndef KILN_ADMIN_H
#define KILN_ADMIN_H

struct kiln_req;

/* GET, POST /admin/users; POST /admin/users/LOGIN/WHAT (administrators). */
int	 admin_users(struct kiln_req *);
int	 admin_add(struct kiln_req *);
int	 admin_modify(struct kiln_req *);
/* GET, POST /admin/users/LOGIN: one form for a user (administrators). */
int	 admin_user(struct kiln_req *);

#endif
