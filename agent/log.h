/*
 * agent_log: the daemon's one voice.  To stderr in the foreground (-d), else to syslog with
 * the message's level.  Every decision the agent takes goes through here with its reason.
 */
#ifndef IPP_AGENT_LOG_H
#define IPP_AGENT_LOG_H

#include <stdbool.h>
#include <syslog.h>

void	agent_log_open(const char *ident, bool to_stderr, bool debug);
void	agent_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)	agent_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	agent_log(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	agent_log(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	agent_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	agent_log(LOG_DEBUG, __VA_ARGS__)

#endif
