/* The request socket: open, close, and one request/reply exchange with checks. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "kernel-xfrm/xfrm_int.h"

/* Room for many acks: a batch's acks all queue up before we read the first one. */
#define XFRM_SOCKBUF	(8 * 1024 * 1024)

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK	10
#endif

/*
 * Big socket buffers so batched acks and dump replies never overrun, and capped acks so an
 * error reply never echoes our request back (a state request carries keys).
 */
int
xfrm_socket_tune(int fd, int *rcvbuf)
{
	int one = 1, sz = XFRM_SOCKBUF;
	socklen_t len = sizeof(*rcvbuf);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) == -1)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (rcvbuf != NULL &&
	    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, &len) == -1)
		return -errno;
	return 0;
}

int
xfrm_open(struct xfrm_handle **hp)
{
	struct xfrm_handle *h;
	int rc;

	*hp = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -ENOMEM;
	if ((h->rx = malloc(XFRM_RXBUF)) == NULL) {
		free(h);
		return -ENOMEM;
	}
	if ((h->nl = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC)) == NULL) {
		rc = -errno;
		goto fail;
	}
	h->fd = mnl_socket_get_fd(h->nl);
	if ((rc = xfrm_socket_tune(h->fd, &h->rcvbuf)) < 0)
		goto fail;
	if (mnl_socket_bind(h->nl, 0, MNL_SOCKET_AUTOPID) == -1) {
		rc = -errno;
		goto fail;
	}
	h->portid = mnl_socket_get_portid(h->nl);
	h->seq = 0;
	*hp = h;
	return 0;
fail:
	xfrm_close(h);
	return rc;
}

void
xfrm_close(struct xfrm_handle *h)
{
	if (h == NULL)
		return;
	if (h->nl != NULL)
		mnl_socket_close(h->nl);
	explicit_bzero(h->tx, sizeof(h->tx));
	if (h->rx != NULL) {
		explicit_bzero(h->rx, XFRM_RXBUF);
		free(h->rx);
	}
	free(h);
}

/* Starts a request in the handle's transmit buffer. */
struct nlmsghdr *
xfrm_msg_start(struct xfrm_handle *h, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(h->tx, 0, sizeof(h->tx));
	nlh = mnl_nlmsg_put_header(h->tx);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

struct xfrm_talk {
	uint32_t	seq;
	uint32_t	portid;
	bool		dump;
	bool		done;
	int		err;		/* first error: the kernel's, or cb's */
	xfrm_msg_cb	cb;
	void		*arg;
};

/* An NLMSG_ERROR ends the exchange: 0 is the ack, anything else the kernel's answer. */
static int
xfrm_talk_error(struct xfrm_talk *t, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error > 0 || e->error < -4095)
		return -EBADMSG;
	/* A dump is only over at NLMSG_DONE, but an error ends it at once. */
	if (!t->dump || e->error != 0)
		t->done = true;
	if (t->err == 0)
		t->err = e->error;
	return 0;
}

static int
xfrm_talk_done(struct xfrm_talk *t, const struct nlmsghdr *nlh)
{
	int v;

	t->done = true;
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&v, mnl_nlmsg_get_payload(nlh), sizeof(v));
		if (v < 0 && v >= -4095 && t->err == 0)
			t->err = v;
	}
	return 0;
}

/* Walks one datagram; messages of other (stale) requests are skipped. */
static int
xfrm_talk_walk(struct xfrm_talk *t, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int n = (int)len, rc;

	for (; xfrm_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_seq != t->seq)
			continue;
		if (nlh->nlmsg_pid != t->portid)
			return -EPROTO;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_ERROR:
			rc = xfrm_talk_error(t, nlh);
			break;
		case NLMSG_DONE:
			rc = xfrm_talk_done(t, nlh);
			break;
		case NLMSG_OVERRUN:
			rc = -ENOBUFS;
			break;
		default:
			rc = 0;
			if (t->err == 0 && t->cb != NULL &&
			    (rc = t->cb(nlh, t->arg)) < 0)
				t->err = rc;
			rc = 0;
			break;
		}
		if (rc < 0)
			return rc;
		if (t->done)
			return 0;
	}
	if (n != 0)
		return -EBADMSG;
	return 0;
}

/* One datagram from the kernel (port 0); 0 bytes read means the socket was shut. */
ssize_t
xfrm_recv(int fd, void *buf, size_t len)
{
	struct sockaddr_nl sa;
	struct iovec iov = { buf, len };
	struct msghdr msg = {
		.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	do
		n = recvmsg(fd, &msg, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	if (msg.msg_namelen != sizeof(sa) || sa.nl_pid != 0)
		return -EPROTO;
	if (n == 0)
		return -EPIPE;
	return n;
}

/*
 * Sends nlh and reads replies until the ack (or NLMSG_DONE for a dump).  cb sees every
 * other reply to this request.  With secret, every buffer that may have held a key is
 * wiped before return.
 */
int
xfrm_talk(struct xfrm_handle *h, struct nlmsghdr *nlh, xfrm_msg_cb cb, void *arg, bool secret)
{
	struct xfrm_talk t = { .portid = h->portid, .cb = cb, .arg = arg };
	ssize_t n;
	int rc = 0;

	t.dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (!t.dump)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = t.seq = ++h->seq;
	nlh->nlmsg_pid = 0;
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) == -1)
		rc = -errno;
	if (secret)
		explicit_bzero(h->tx, sizeof(h->tx));
	while (rc == 0 && !t.done) {
		if ((n = xfrm_recv(h->fd, h->rx, XFRM_RXBUF)) < 0) {
			rc = (int)n;
			break;
		}
		rc = xfrm_talk_walk(&t, h->rx, (size_t)n);
		if (secret)
			explicit_bzero(h->rx, (size_t)n);
	}
	if (rc == 0)
		rc = t.err;
	return rc;
}
