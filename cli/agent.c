/*
 * ipp_agent: the CLI side of the agent's control socket.  The agent and its protocol come
 * with the agent issue; until then a request only finds out whether anything listens.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli.h"

int
ipp_agent_request(struct ipp_cli *c, const char *what, struct ipp_err *e)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(c->socket_path) >= sizeof(sun.sun_path)) {
		ipp_errf(e, IPP_E_INVAL, "control socket path %s is too long", c->socket_path);
		return IPP_EXIT_USAGE;
	}
	strcpy(sun.sun_path, c->socket_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		ipp_errf(e, IPP_E_STORE, "%s: cannot make a socket: %s", what, strerror(errno));
		return IPP_EXIT_AGENT;
	}
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (rc == -1) {
		ipp_errf(e, IPP_E_STORE, "%s: the policy agent is not running (control socket "
		    "%s: %s)", what, c->socket_path, strerror(errno));
		return IPP_EXIT_AGENT;
	}
	ipp_errf(e, IPP_E_UNSUPP, "%s: this ipsecpol cannot talk to the policy agent yet "
	    "(control socket %s)", what, c->socket_path);
	return IPP_EXIT_UNSUPP;
}
