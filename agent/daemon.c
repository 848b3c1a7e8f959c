/* Going to the background and the pidfile. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "agent/agent.h"
#include "agent/log.h"

int
agent_daemonize(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -1;
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/*
 * Writes our pid.  A pidfile naming a live ipsecpold means another agent runs: refuse,
 * since two agents would fight over the same priority band.
 */
int
agent_pidfile_write(const char *path)
{
	char buf[32];
	long old;
	FILE *f;
	int fd;

	if ((f = fopen(path, "re")) != NULL) {
		if (fscanf(f, "%ld", &old) == 1 && old > 0 && old != (long)getpid() &&
		    kill((pid_t)old, 0) == 0) {
			fclose(f);
			log_err("another agent (pid %ld, pidfile %s) is running: exiting", old,
			    path);
			return -1;
		}
		fclose(f);
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0) {
		log_err("pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf)) {
		log_err("pidfile %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
