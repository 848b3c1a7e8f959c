/*
 * iked_net: the IKE sockets, one per address family on the IKE port.  Each carries a
 * per-socket XFRM policy (in and out, action allow, no templates) so that IKE itself is
 * never caught by the policies it negotiates for, and learns the local address of every
 * datagram (IP_PKTINFO / IPV6_RECVPKTINFO) so replies leave from the address the peer used.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/xfrm.h>

#include "agent/log.h"
#include "ike/iked.h"

/* The bypass: XFRM_POLICY_ALLOW in both directions, infinite lifetimes. */
static int
net_bypass(int fd, int family)
{
	struct xfrm_userpolicy_info pol;
	int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	int opt = family == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;

	for (int dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		memset(&pol, 0, sizeof(pol));
		pol.action = XFRM_POLICY_ALLOW;
		pol.sel.family = (uint16_t)family;
		pol.dir = (uint8_t)dir;
		pol.lft.soft_byte_limit = XFRM_INF;
		pol.lft.hard_byte_limit = XFRM_INF;
		pol.lft.soft_packet_limit = XFRM_INF;
		pol.lft.hard_packet_limit = XFRM_INF;
		if (setsockopt(fd, level, opt, &pol, sizeof(pol)) < 0)
			return -errno;
	}
	return 0;
}

static int
net_open_one(struct iked *d, int family)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	const char *fam = family == AF_INET ? "IPv4" : "IPv6";
	int fd, on = 1, rc;

	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP)) < 0) {
		log_warn("no %s IKE socket: %s", fam, strerror(errno));
		return -1;
	}
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = d->port;
		rc = setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = d->port;
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		if (rc == 0)
			rc = setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	}
	if (rc == 0)
		rc = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (rc < 0) {
		log_err("%s IKE socket options: %s", fam, strerror(errno));
		close(fd);
		return -1;
	}
	if ((rc = net_bypass(fd, family)) < 0) {
		log_err("cannot exempt the %s IKE socket from IPsec policy (IP_XFRM_POLICY): %s; "
		    "refusing to run, IKE would be caught by the policies it serves", fam,
		    strerror(-rc));
		close(fd);
		return -2;
	}
	if (bind(fd, (struct sockaddr *)&ss, family == AF_INET ? sizeof(*sin) :
	    sizeof(*sin6)) < 0) {
		log_err("cannot bind the %s IKE socket to port %u: %s", fam, ntohs(d->port),
		    strerror(errno));
		close(fd);
		return -2;
	}
	return fd;
}

int
iked_net_open(struct iked *d)
{
	d->udp4 = net_open_one(d, AF_INET);
	if (d->udp4 == -2)
		return -1;
	d->udp6 = net_open_one(d, AF_INET6);
	if (d->udp6 == -2 || (d->udp4 < 0 && d->udp6 < 0)) {
		iked_net_close(d);
		return -1;
	}
	log_info("IKE on UDP port %u (%s%s%s)", ntohs(d->port), d->udp4 >= 0 ? "IPv4" : "",
	    d->udp4 >= 0 && d->udp6 >= 0 ? ", " : "", d->udp6 >= 0 ? "IPv6" : "");
	return 0;
}

void
iked_net_close(struct iked *d)
{
	if (d->udp4 >= 0)
		close(d->udp4);
	if (d->udp6 >= 0)
		close(d->udp6);
	d->udp4 = d->udp6 = -1;
}

/* The local address of a received datagram, from its packet-info control message. */
static bool
net_local(struct msghdr *mh, int fd_family, uint16_t port, struct sockaddr_storage *local)
{
	memset(local, 0, sizeof(*local));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (fd_family == AF_INET && c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *s = (struct sockaddr_in *)local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			s->sin_family = AF_INET;
			s->sin_port = port;
			s->sin_addr = pi.ipi_addr;
			return true;
		}
		if (fd_family == AF_INET6 && c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			s->sin6_family = AF_INET6;
			s->sin6_port = port;
			s->sin6_addr = pi.ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				s->sin6_scope_id = (uint32_t)pi.ipi6_ifindex;
			return true;
		}
	}
	return false;
}

/* One datagram read, waiting for the engine. */
struct net_dgram {
	struct sockaddr_storage	local, remote;
	size_t			len;
	uint8_t			buf[IKE_DEF_MAX_PACKET + 1];
};

static struct net_dgram net_batch[IKED_BATCH];

/* Reads one datagram into g; false when the queue is empty. */
static bool
net_read(struct iked *d, int fd, struct net_dgram *g)
{
	union {
		struct cmsghdr	align;
		uint8_t		b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct iovec iov = { .iov_base = g->buf, .iov_len = sizeof(g->buf) };
	struct msghdr mh;
	ssize_t n;

	for (;;) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &g->remote;
		mh.msg_namelen = sizeof(g->remote);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.b;
		mh.msg_controllen = sizeof(cbuf.b);
		if ((n = recvmsg(fd, &mh, MSG_DONTWAIT)) < 0)
			return false;
		/* Larger than any IKE message we take: the engine counts it as malformed. */
		if (mh.msg_flags & MSG_TRUNC)
			d->cnt.udp_truncated++;
		if (net_local(&mh, fd == d->udp4 ? AF_INET : AF_INET6, d->port, &g->local)) {
			g->len = (size_t)n;
			return true;
		}
		log_debug("IKE datagram without its local address: dropped");
	}
}

/* A first message (no responder cookie): anyone can send one, for nothing. */
static bool
net_first(const struct net_dgram *g)
{
	static const uint8_t zero[8];

	return g->len >= 28 && memcmp(g->buf + 8, zero, sizeof(zero)) == 0;
}

static void
net_give(struct iked *d, const struct net_dgram *g)
{
	ike_engine_input(d->eng, (const struct sockaddr *)&g->local,
	    (const struct sockaddr *)&g->remote, g->buf, g->len);
}

/*
 * Reads a batch, then hands the engine the messages of exchanges in progress first and the
 * first messages after them.  When the batch is full the queue has a backlog (a flood):
 * only IKED_FIRST_PER_BATCH first messages of it are taken and the rest are shed, so the
 * socket's queue drains several times faster than first messages cost, and a real
 * initiator's message 3 never waits behind more first messages than the half-open table
 * holds (ipsecpol-iked(8), DENIAL OF SERVICE).
 */
void
iked_net_input(struct iked *d, int fd)
{
	size_t n = 0, first = 0;

	while (n < IKED_BATCH && net_read(d, fd, &net_batch[n]))
		n++;
	for (size_t i = 0; i < n; i++)
		if (!net_first(&net_batch[i]))
			net_give(d, &net_batch[i]);
	for (size_t i = 0; i < n; i++) {
		if (!net_first(&net_batch[i]))
			continue;
		if (n == IKED_BATCH && first >= IKED_FIRST_PER_BATCH) {
			d->cnt.first_shed++;
			continue;
		}
		first++;
		net_give(d, &net_batch[i]);
	}
}

int
iked_net_send(void *arg, const struct sockaddr *local, const struct sockaddr *remote,
    const void *buf, size_t len)
{
	struct iked *d = arg;
	union {
		struct cmsghdr	align;
		uint8_t		b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int fd = remote->sa_family == AF_INET ? d->udp4 : d->udp6;
	ssize_t n;

	if (fd < 0 || remote->sa_family != local->sa_family)
		return -EAFNOSUPPORT;
	memset(&cbuf, 0, sizeof(cbuf));
	mh.msg_name = (void *)remote;
	mh.msg_namelen = remote->sa_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
	mh.msg_control = cbuf.b;
	c = (struct cmsghdr *)cbuf.b;
	if (remote->sa_family == AF_INET) {
		struct in_pktinfo pi = { 0 };

		pi.ipi_spec_dst = ((const struct sockaddr_in *)local)->sin_addr;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { 0 };

		pi.ipi6_addr = ((const struct sockaddr_in6 *)local)->sin6_addr;
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	do
		n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		log_debug("IKE send of %zu bytes failed: %s", len, strerror(errno));
		return -errno;
	}
	return 0;
}
