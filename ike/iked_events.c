/*
 * iked_events: the kernel's ACQUIRE and EXPIRE.  An ACQUIRE names the reqid of the
 * template that found no SA: the engine negotiates for that plan rule between the SA's
 * addresses.  The packet that caused it stays held or dropped by the kernel (the agent's
 * policy), so nothing leaves in the clear while IKE runs or when it fails.  A hard EXPIRE
 * ends the child in the engine (which deletes it with the peer); a soft one (bytes, or
 * time) makes the engine rekey it.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "agent/log.h"
#include "ike/iked.h"

int
iked_events_open(struct iked *d)
{
	int rc;

	if ((rc = xfrm_event_open(&d->mon, XFRM_EVENTS_ACQUIRE | XFRM_EVENTS_EXPIRE)) < 0) {
		log_err("cannot subscribe to the kernel's XFRM events: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

static void
ev_sockaddr(struct sockaddr_storage *ss, uint16_t family, const xfrm_address_t *a,
    uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = port;
		memcpy(&s->sin_addr, a, 4);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = port;
		memcpy(&s->sin6_addr, a, 16);
	}
}

static void
ev_acquire(struct iked *d, const struct xfrm_event_acquire *a)
{
	struct ike_acquire q;
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];
	int rc;

	inet_ntop(a->family, &a->saddr, s, sizeof(s));
	inet_ntop(a->family, &a->daddr, t, sizeof(t));
	if (a->family != AF_INET && a->family != AF_INET6) {
		log_warn("ACQUIRE of address family %u ignored", a->family);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.reqid = a->reqid;
	q.seq = a->seq;
	ev_sockaddr(&q.local, a->family, &a->saddr, d->port);
	ev_sockaddr(&q.remote, a->family, &a->daddr, htons(IKED_PORT));
	q.policy_sel = a->policy.sel;
	q.packet_sel = a->sel;
	q.policy_priority = a->policy.priority;
	rc = ike_engine_acquire(d->eng, &q);
	if (rc < 0) {
		d->cnt.acquires_refused++;
		log_warn("ACQUIRE %s -> %s (reqid %u, %s): not negotiated: %s", s, t, a->reqid,
		    a->proto == IPPROTO_AH ? "AH" : "ESP", rc == -ENOENT ?
		    "no rule with that reqid in the plan" : rc == -EPERM ?
		    "the rule has no usable authentication method" : rc == -EAGAIN ?
		    "a negotiation limit was reached" : strerror(-rc));
		return;
	}
	d->cnt.acquires++;
	log_info("ACQUIRE %s -> %s (reqid %u, seq %u): %s", s, t, a->reqid, a->seq,
	    rc == 1 ? "negotiation already running" : "negotiating");
}

/*
 * Whether a hard EXPIRE is about an object that is no longer the SA we know by that SPI.
 * The kernel deletes an SA before it reports its hard expiry, so a state that still answers
 * to the SPI is a newer one: typically our SA installed (UPDSA) over the larval state of
 * ALLOCSPI, whose own timer (xfrm_acq_expires) fired while the install was blocked, and
 * whose EXPIRE we read only now.  Taking it for our SA would tear down a fresh child.
 */
static bool
ev_expire_stale(struct iked *d, const struct xfrm_event_expire *x)
{
	struct xfrm_state_id id;
	struct xfrm_state st;
	int rc;

	memset(&id, 0, sizeof(id));
	id.family = x->family;
	id.daddr = x->daddr;
	id.spi = x->spi;
	id.proto = x->proto;
	id.mark = x->mark;
	rc = xfrm_state_get(d->xh, &id, &st);
	if (rc < 0)
		return false;
	xfrm_state_wipe(&st);
	return true;
}

static void
ev_expire(struct iked *d, const struct xfrm_event_expire *x)
{
	char t[INET6_ADDRSTRLEN];
	int rc;

	inet_ntop(x->family, &x->daddr, t, sizeof(t));
	if (x->hard && ev_expire_stale(d, x)) {
		d->cnt.expires_stale++;
		log_info("hard expiry of spi 0x%08x to %s ignored: the kernel holds a newer SA "
		    "with that SPI (the expiry was for its larval state)", x->spi, t);
		return;
	}
	if (x->hard)
		d->cnt.expires_hard++;
	else
		d->cnt.expires_soft++;
	log_notice("%s expiry of SA %s spi 0x%08x to %s (reqid %u) after %llu bytes",
	    x->hard ? "hard" : "soft", x->proto == IPPROTO_AH ? "AH" : "ESP", x->spi, t,
	    x->reqid, (unsigned long long)x->cur.bytes);
	rc = ike_engine_expire(d->eng, x->proto, x->spi, x->hard);
	if (rc < 0 && rc != -ENOENT)
		log_warn("engine refused the expiry of spi 0x%08x: %s", x->spi, strerror(-rc));
}

static int
ev_one(const struct xfrm_event *ev, void *arg)
{
	struct iked *d = arg;

	switch (ev->type) {
	case XFRM_EVENT_ACQUIRE:
		ev_acquire(d, &ev->u.acquire);
		break;
	case XFRM_EVENT_EXPIRE:
		ev_expire(d, &ev->u.expire);
		break;
	default:
		break;
	}
	return 0;
}

void
iked_events_input(struct iked *d)
{
	int rc;

	for (int i = 0; i < 64; i++) {
		rc = xfrm_event_read(d->mon, ev_one, d);
		if (rc == 0 || rc == -EAGAIN)
			return;
		if (rc == -ENOBUFS) {
			/* Lost ACQUIREs come again: the kernel repeats them while packets wait. */
			d->cnt.event_overruns++;
			log_warn("the kernel dropped XFRM events (queue overrun); held traffic "
			    "will ask again");
			continue;
		}
		if (rc < 0) {
			log_err("reading XFRM events: %s", strerror(-rc));
			return;
		}
	}
}
