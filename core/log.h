/*
 * log.h - one line per event on stderr, which the web server or the
 * supervisor's log file collects.  Never reaches a client.
 */
#ifndef KILN_LOG_H
#define KILN_LOG_H

#include "kiln-plugin.h"

void	 log_msg(enum kiln_log, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 log_set_quiet(int);

#define log_err(...)	log_msg(KILN_LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(KILN_LOG_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(KILN_LOG_INFO, __VA_ARGS__)

#endif
