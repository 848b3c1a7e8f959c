/*
 * lds probe: does an ldaps:// server answer at all, within the network timeout?
 *
 * libldap bounds its TCP connect and its waits for results, but with GnuTLS (Debian's
 * libldap 2.5) a TLS handshake with a server that accepted the connection and then hung
 * (stopped, swapped out, wedged) spins on a non-blocking read without ever polling, and
 * never times out.  So before libldap starts a handshake, this opens its own connection,
 * sends a TLS close_notify alert and waits, with a deadline, for the server to do
 * anything: answer, or close.  A live TLS server does one or the other at once; a hung
 * one does neither, and the store reports it instead of hanging the agent.  A server
 * that hangs between the probe and the handshake still can: that window is milliseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "store/ldap_int.h"

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* 0 when fd became ready for events before the deadline, else -1 (errno ETIMEDOUT). */
static int
wait_fd(int fd, short events, const struct timespec *deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long left;
	int rc;

	do {
		if ((left = ms_left(deadline)) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		rc = poll(&p, 1, (int)left);
	} while (rc == -1 && errno == EINTR);
	if (rc == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return rc == 1 ? 0 : -1;
}

/* A connected non-blocking socket to ai, or -1. */
static int
connect_one(const struct addrinfo *ai, const struct timespec *deadline)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    ai->ai_protocol), err = 0;
	socklen_t len = sizeof(err);

	if (fd == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
		return fd;
	if (err != 0)
		errno = err;
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int
lds_tls_probe(struct ldstore *s, const char *uri, struct ipp_err *e)
{
	/* TLS record: alert, TLS 1.0 framing, length 2, warning close_notify. */
	static const unsigned char alert[] = { 0x15, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00 };
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	struct timespec deadline;
	LDAPURLDesc *lud = NULL;
	char port[16], buf[64];
	int fd = -1, rc, err = 0;

	if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS)
		return ipp_errf(e, IPP_E_INVAL, "directory URI '%s' cannot be parsed", uri);
	snprintf(port, sizeof(port), "%d", lud->lud_port > 0 ? lud->lud_port : 636);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += s->net_timeout.tv_sec;
	rc = getaddrinfo(lud->lud_host != NULL && *lud->lud_host != '\0' ? lud->lud_host :
	    "localhost", port, &hints, &res);
	if (rc != 0) {
		ipp_errf(e, IPP_E_STORE, "%s: cannot resolve '%s': %s", s->base.where,
		    lud->lud_host != NULL ? lud->lud_host : "", gai_strerror(rc));
		ldap_free_urldesc(lud);
		return -1;
	}
	ldap_free_urldesc(lud);
	for (struct addrinfo *ai = res; ai != NULL && fd == -1; ai = ai->ai_next)
		if ((fd = connect_one(ai, &deadline)) == -1)
			err = errno;
	freeaddrinfo(res);
	if (fd == -1)
		return ipp_errf(e, IPP_E_STORE, "%s: cannot connect: %s; the directory did not "
		    "answer (is it running and reachable?)", s->base.where, strerror(err));
	if (s->cancel != NULL)
		ipp_dir_cancel_watch(s->cancel, fd);
	rc = write(fd, alert, sizeof(alert)) == (ssize_t)sizeof(alert) &&
	    wait_fd(fd, POLLIN, &deadline) == 0 ? 0 : -1;
	err = errno;
	if (rc == 0)
		(void)read(fd, buf, sizeof(buf));
	if (s->cancel != NULL)
		ipp_dir_cancel_unwatch(s->cancel, fd);
	close(fd);
	if (rc == -1)
		return ipp_errf(e, IPP_E_STORE, "%s: the server accepted the connection but did "
		    "not answer within %ld s (%s); the directory is hung or overloaded",
		    s->base.where, (long)s->net_timeout.tv_sec, strerror(err));
	return 0;
}
