/* agent_log: stderr with a level tag in the foreground, syslog otherwise. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "agent/log.h"

static bool log_stderr = true;
static bool log_debug_on;
static const char *log_ident = "ipsecpold";

void
agent_log_open(const char *ident, bool to_stderr, bool debug)
{
	log_ident = ident;
	log_stderr = to_stderr;
	log_debug_on = debug;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static const char *
log_level_name(int level)
{
	switch (level) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void
agent_log(int level, const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	if (level == LOG_DEBUG && !log_debug_on)
		return;
	va_start(ap, fmt);
	if (log_stderr) {
		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(stderr, "%s[%lld.%03ld] %s: ", log_ident, (long long)ts.tv_sec,
		    ts.tv_nsec / 1000000, log_level_name(level));
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else
		vsyslog(level, fmt, ap);
	va_end(ap);
}
