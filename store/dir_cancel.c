/*
 * ipp_dir_cancel: stops a directory operation from another thread.
 *
 * The agent fetches in a thread and waits for it with a deadline.  libldap bounds most
 * waits itself, but not every one (a TLS handshake with a hung server, store/ldap_probe.c),
 * so at the deadline the agent shuts down the fetch's connections: the blocked read or
 * poll returns at once and libldap fails the operation.  The watcher keeps its own
 * duplicate of every socket, so a shutdown can never reach a descriptor number that was
 * closed and reused meanwhile; shutdown(2) acts on the socket, which both share.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "store/store.h"

#define CANCEL_FDS	8	/* no referrals: one connection, and the probe's */

struct ipp_dir_cancel {
	pthread_mutex_t	mu;
	bool		fired;
	int		orig[CANCEL_FDS];
	int		dup[CANCEL_FDS];	/* -1: free slot */
};

struct ipp_dir_cancel *
ipp_dir_cancel_new(void)
{
	struct ipp_dir_cancel *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return NULL;
	}
	for (size_t i = 0; i < CANCEL_FDS; i++)
		c->dup[i] = -1;
	return c;
}

void
ipp_dir_cancel_free(struct ipp_dir_cancel *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < CANCEL_FDS; i++)
		if (c->dup[i] != -1)
			close(c->dup[i]);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void
ipp_dir_cancel_fire(struct ipp_dir_cancel *c)
{
	pthread_mutex_lock(&c->mu);
	c->fired = true;
	for (size_t i = 0; i < CANCEL_FDS; i++)
		if (c->dup[i] != -1)
			shutdown(c->dup[i], SHUT_RDWR);
	pthread_mutex_unlock(&c->mu);
}

bool
ipp_dir_cancel_fired(struct ipp_dir_cancel *c)
{
	bool f;

	pthread_mutex_lock(&c->mu);
	f = c->fired;
	pthread_mutex_unlock(&c->mu);
	return f;
}

/*
 * A socket of the operation.  Once fired, it is shut down at once.  When there is no room
 * or no descriptor left it is not watched; libldap's own timeouts still bound it.
 */
void
ipp_dir_cancel_watch(struct ipp_dir_cancel *c, int fd)
{
	size_t i;

	pthread_mutex_lock(&c->mu);
	if (c->fired)
		shutdown(fd, SHUT_RDWR);
	for (i = 0; i < CANCEL_FDS && c->dup[i] != -1; i++)
		;
	if (i < CANCEL_FDS && (c->dup[i] = fcntl(fd, F_DUPFD_CLOEXEC, 0)) != -1)
		c->orig[i] = fd;
	pthread_mutex_unlock(&c->mu);
}

/* The socket is about to be closed: the duplicate must not keep its connection open. */
void
ipp_dir_cancel_unwatch(struct ipp_dir_cancel *c, int fd)
{
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < CANCEL_FDS; i++)
		if (c->dup[i] != -1 && c->orig[i] == fd) {
			close(c->dup[i]);
			c->dup[i] = -1;
		}
	pthread_mutex_unlock(&c->mu);
}
