/*
 * services.h - the services table lent to plugins (services.c).  The
 * loader hands it to each plugin's init and calls; app_open puts it in
 * app->services, so the core calls hooks (hook.h) without the loader.
 */
#ifndef KILN_SERVICES_H
#define KILN_SERVICES_H

#include "kiln-plugin.h"

extern const struct kiln_services services_table;

#endif
