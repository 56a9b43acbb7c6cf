/*
 * home.h - GET /: the home page of the user's role, built from the
 * panels plugins contribute (kiln_plugin.panels) and the core's own.
 */
#ifndef KILN_HOME_H
#define KILN_HOME_H

struct kiln_req;

int	 home_page(struct kiln_req *);

#endif
