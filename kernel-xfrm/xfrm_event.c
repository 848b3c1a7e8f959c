/* Kernel events (ACQUIRE, EXPIRE, POLEXPIRE, MAPPING) on a multicast subscriber socket. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "kernel-xfrm/xfrm_int.h"

struct xfrm_monitor {
	struct mnl_socket	*nl;
	int			fd;
	uint8_t			*buf;	/* XFRM_RXBUF bytes */
};

static unsigned int
xfrm_event_groups(unsigned int mask)
{
	unsigned int g = 0;

	if (mask & XFRM_EVENTS_ACQUIRE)
		g |= 1u << (XFRMNLGRP_ACQUIRE - 1);
	if (mask & XFRM_EVENTS_EXPIRE)
		g |= 1u << (XFRMNLGRP_EXPIRE - 1);
	if (mask & XFRM_EVENTS_MAPPING)
		g |= 1u << (XFRMNLGRP_MAPPING - 1);
	return g;
}

int
xfrm_event_open(struct xfrm_monitor **mp, unsigned int mask)
{
	struct xfrm_monitor *m;
	int rc;

	*mp = NULL;
	if (mask == 0 || (mask & ~XFRM_EVENTS_ALL) != 0)
		return -EINVAL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	if ((m->buf = malloc(XFRM_RXBUF)) == NULL) {
		free(m);
		return -ENOMEM;
	}
	if ((m->nl = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC | SOCK_NONBLOCK)) == NULL) {
		rc = -errno;
		goto fail;
	}
	m->fd = mnl_socket_get_fd(m->nl);
	if ((rc = xfrm_socket_tune(m->fd, NULL)) < 0)
		goto fail;
	if (mnl_socket_bind(m->nl, xfrm_event_groups(mask), MNL_SOCKET_AUTOPID) == -1) {
		rc = -errno;
		goto fail;
	}
	*mp = m;
	return 0;
fail:
	xfrm_event_close(m);
	return rc;
}

int
xfrm_event_fd(const struct xfrm_monitor *m)
{
	return m->fd;
}

void
xfrm_event_close(struct xfrm_monitor *m)
{
	if (m == NULL)
		return;
	if (m->nl != NULL)
		mnl_socket_close(m->nl);
	free(m->buf);
	free(m);
}

/* The SA wanted: the first template of the SA's protocol gives its family and reqid. */
static void
xfrm_event_acquire_tmpl(struct xfrm_event_acquire *a)
{
	unsigned int i;

	a->family = a->sel.family;
	for (i = 0; i < a->policy.ntmpl; i++) {
		if (a->policy.tmpl[i].proto != a->proto)
			continue;
		a->reqid = a->policy.tmpl[i].reqid;
		if (a->policy.tmpl[i].family != 0)
			a->family = a->policy.tmpl[i].family;
		return;
	}
}

static int
xfrm_event_acquire(const void *buf, size_t len, struct xfrm_event *ev)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_event_acquire *a = &ev->u.acquire;
	struct xfrm_user_acquire k;
	int rc;

	if (xfrm_attr_msg(buf, len, XFRM_MSG_ACQUIRE, XFRM_MSG_ACQUIRE, sizeof(k), tb, &rc) == NULL)
		return rc;
	memcpy(&k, mnl_nlmsg_get_payload(buf), sizeof(k));
	ev->type = XFRM_EVENT_ACQUIRE;
	if ((rc = xfrm_policy_from(&a->policy, &k.policy, tb)) < 0)
		return rc;
	xfrm_attr_sel_get(&a->sel, &k.sel);
	a->saddr = k.saddr;
	a->daddr = k.id.daddr;
	a->proto = k.id.proto;
	a->seq = k.seq;
	xfrm_event_acquire_tmpl(a);
	return 1;
}

static int
xfrm_event_expire(const void *buf, size_t len, struct xfrm_event *ev)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_event_expire *e = &ev->u.expire;
	struct xfrm_user_expire k;
	int rc;

	if (xfrm_attr_msg(buf, len, XFRM_MSG_EXPIRE, XFRM_MSG_EXPIRE, sizeof(k), tb, &rc) == NULL)
		return rc;
	memcpy(&k, mnl_nlmsg_get_payload(buf), sizeof(k));
	ev->type = XFRM_EVENT_EXPIRE;
	e->hard = k.hard != 0;
	e->family = k.state.family;
	e->saddr = k.state.saddr;
	e->daddr = k.state.id.daddr;
	e->spi = ntohl(k.state.id.spi);
	e->proto = k.state.id.proto;
	e->mode = k.state.mode;
	e->reqid = k.state.reqid;
	xfrm_attr_cur_get(&e->cur, &k.state.curlft);
	if (tb[XFRMA_MARK] != NULL)
		memcpy(&e->mark, mnl_attr_get_payload(tb[XFRMA_MARK]), sizeof(e->mark));
	return 1;
}

static int
xfrm_event_polexpire(const void *buf, size_t len, struct xfrm_event *ev)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_user_polexpire k;
	int rc;

	if (xfrm_attr_msg(buf, len, XFRM_MSG_POLEXPIRE, XFRM_MSG_POLEXPIRE, sizeof(k), tb,
	    &rc) == NULL)
		return rc;
	memcpy(&k, mnl_nlmsg_get_payload(buf), sizeof(k));
	ev->type = XFRM_EVENT_POLEXPIRE;
	ev->u.polexpire.hard = k.hard != 0;
	if ((rc = xfrm_policy_from(&ev->u.polexpire.policy, &k.pol, tb)) < 0)
		return rc;
	return 1;
}

static int
xfrm_event_mapping(const void *buf, size_t len, struct xfrm_event *ev)
{
	struct xfrm_event_mapping *m = &ev->u.mapping;
	struct xfrm_user_mapping k;
	int rc;

	if (xfrm_attr_msg(buf, len, XFRM_MSG_MAPPING, XFRM_MSG_MAPPING, sizeof(k), NULL,
	    &rc) == NULL)
		return rc;
	memcpy(&k, mnl_nlmsg_get_payload(buf), sizeof(k));
	ev->type = XFRM_EVENT_MAPPING;
	m->family = k.id.family;
	m->daddr = k.id.daddr;
	m->spi = ntohl(k.id.spi);
	m->proto = k.id.proto;
	m->reqid = k.reqid;
	m->old_saddr = k.old_saddr;
	m->new_saddr = k.new_saddr;
	m->old_sport = ntohs(k.old_sport);
	m->new_sport = ntohs(k.new_sport);
	return 1;
}

int
xfrm_event_parse(const void *buf, size_t len, struct xfrm_event *ev)
{
	const struct nlmsghdr *nlh = buf;

	memset(ev, 0, sizeof(*ev));
	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
		return -EBADMSG;
	switch (nlh->nlmsg_type) {
	case XFRM_MSG_ACQUIRE:
		return xfrm_event_acquire(buf, len, ev);
	case XFRM_MSG_EXPIRE:
		return xfrm_event_expire(buf, len, ev);
	case XFRM_MSG_POLEXPIRE:
		return xfrm_event_polexpire(buf, len, ev);
	case XFRM_MSG_MAPPING:
		return xfrm_event_mapping(buf, len, ev);
	default:
		return 0;
	}
}

int
xfrm_event_read(struct xfrm_monitor *m, xfrm_event_cb cb, void *arg)
{
	const struct nlmsghdr *nlh;
	struct xfrm_event ev;
	ssize_t n;
	int len, rc, count = 0;

	if ((n = xfrm_recv(m->fd, m->buf, XFRM_RXBUF)) < 0)
		return n == -EAGAIN || n == -EWOULDBLOCK ? 0 : (int)n;
	len = (int)n;
	for (nlh = (const void *)m->buf; xfrm_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if ((rc = xfrm_event_parse(nlh, nlh->nlmsg_len, &ev)) < 0)
			return rc;
		if (rc == 0)
			continue;
		count++;
		if (cb(&ev, arg) != 0)
			break;
	}
	return count;
}
