/*
 * iked_events: the kernel's ACQUIRE and EXPIRE.  An ACQUIRE names the reqid of the
 * template that found no SA: the engine negotiates for that plan rule between the SA's
 * addresses.  The packet that caused it stays held or dropped by the kernel (the agent's
 * policy), so nothing leaves in the clear while IKE runs or when it fails.  A hard EXPIRE
 * ends the child in the engine (which deletes it with the peer); a soft one (bytes, or
 * time) makes the engine rekey it.
 *
 * An ACQUIRE whose reqid the plan in force does not have is held (iked_acq.c) until a plan
 * has it: refused, it would leave its pair blocked by the kernel's larval state, which asks
 * no second time before it expires.  One given up has its larval state removed, so that
 * the next packet asks again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "agent/log.h"
#include "ike/iked.h"

/* How long the kernel keeps a larval state: net.core.xfrm_acq_expires of our namespace. */
static uint32_t
ev_larval_ms(void)
{
	FILE *f = fopen("/proc/sys/net/core/xfrm_acq_expires", "re");
	unsigned int s = 0;

	if (f != NULL) {
		if (fscanf(f, "%u", &s) != 1)
			s = 0;
		fclose(f);
	}
	/* The kernel's default when the file cannot be read. */
	return s == 0 || s > 86400 ? 30000 : s * 1000;
}

int
iked_events_open(struct iked *d)
{
	int rc;

	if ((rc = xfrm_event_open(&d->mon, XFRM_EVENTS_ACQUIRE | XFRM_EVENTS_EXPIRE)) < 0) {
		log_err("cannot subscribe to the kernel's XFRM events: %s", strerror(-rc));
		return -1;
	}
	d->larval_ms = ev_larval_ms();
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
ev_ntop(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET ?
	    (const void *)&((const struct sockaddr_in *)ss)->sin_addr :
	    (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (inet_ntop(ss->ss_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

static const char *
ev_refusal(int rc)
{
	return rc == -ENOENT ? "no rule with that reqid in the plan" : rc == -EPERM ?
	    "the rule has no usable authentication method" : rc == -EAGAIN ?
	    "a negotiation limit was reached" : strerror(-rc);
}

/* The mode of the template that asked: the larval state was made with it. */
static uint8_t
ev_tmpl_mode(const struct xfrm_event_acquire *a)
{
	for (unsigned int i = 0; i < a->policy.ntmpl && i < XFRM_TMPL_MAX; i++)
		if (a->policy.tmpl[i].reqid == a->reqid && a->policy.tmpl[i].proto == a->proto)
			return a->policy.tmpl[i].mode;
	return XFRM_MODE_TRANSPORT;
}

/* The plan in force has no rule for q's reqid (yet): q waits for one that has. */
static void
ev_hold(struct iked *d, const struct ike_acquire *q, const struct xfrm_event_acquire *a)
{
	struct iked_acq_held h;
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN], why[40];
	uint64_t now = iked_now_ms(d);
	uint32_t hold = IKED_ACQ_HOLD_MS;

	if (d->larval_ms != 0 && d->larval_ms < hold)
		hold = d->larval_ms;
	memset(&h, 0, sizeof(h));
	h.a = *q;
	h.proto = a->proto;
	h.mode = ev_tmpl_mode(a);
	h.mark = a->policy.mark;
	h.since_ms = now;
	h.until_ms = now + hold;
	ev_ntop(&q->local, s, sizeof(s));
	ev_ntop(&q->remote, t, sizeof(t));
	if (iked_acq_put(&d->acq, &h) < 0) {
		d->cnt.acq_overflow++;
		d->cnt.acquires_refused++;
		if (!d->acq.full_logged)
			log_warn("ACQUIRE %s -> %s (reqid %u, seq %u): not held: %d ACQUIREs "
			    "already wait for a plan; its pair waits for the kernel's larval "
			    "state to expire (%u ms); further ones are not logged until the "
			    "waiting ones are done", s, t, q->reqid, q->seq, IKED_ACQ_MAX,
			    d->larval_ms);
		d->acq.full_logged = true;
		return;
	}
	d->cnt.acq_held++;
	if (d->plan.gen == 0)
		snprintf(why, sizeof(why), "no plan yet");
	else
		snprintf(why, sizeof(why), "plan %u has no such rule", d->plan.gen);
	log_notice("ACQUIRE %s -> %s (reqid %u, seq %u, %s): held until a plan has reqid %u "
	    "(%s), for at most %u ms", s, t, q->reqid, q->seq,
	    a->proto == IPPROTO_AH ? "AH" : "ESP", q->reqid, why, hold);
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
	if (a->reqid != 0 && ike_plan_rule(&d->plan, a->reqid) == NULL) {
		ev_hold(d, &q, a);
		return;
	}
	rc = ike_engine_acquire(d->eng, &q);
	if (rc < 0) {
		d->cnt.acquires_refused++;
		log_warn("ACQUIRE %s -> %s (reqid %u, %s): not negotiated: %s", s, t, a->reqid,
		    a->proto == IPPROTO_AH ? "AH" : "ESP", ev_refusal(rc));
		return;
	}
	d->cnt.acquires++;
	log_info("ACQUIRE %s -> %s (reqid %u, seq %u): %s", s, t, a->reqid, a->seq,
	    rc == 1 ? "negotiation already running" : "negotiating");
}

static void
ev_serve(struct iked *d, const struct iked_acq_held *h, uint64_t now)
{
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];
	int rc;

	ev_ntop(&h->a.local, s, sizeof(s));
	ev_ntop(&h->a.remote, t, sizeof(t));
	d->cnt.acq_served++;
	rc = ike_engine_acquire(d->eng, &h->a);
	if (rc < 0) {
		d->cnt.acquires_refused++;
		log_warn("held ACQUIRE %s -> %s (reqid %u, seq %u) served by plan %u after "
		    "%llu ms: not negotiated: %s", s, t, h->a.reqid, h->a.seq, d->plan.gen,
		    (unsigned long long)(now - h->since_ms), ev_refusal(rc));
		return;
	}
	d->cnt.acquires++;
	log_notice("held ACQUIRE %s -> %s (reqid %u, seq %u) served by plan %u after %llu ms: "
	    "%s", s, t, h->a.reqid, h->a.seq, d->plan.gen,
	    (unsigned long long)(now - h->since_ms),
	    rc == 1 ? "negotiation already running" : "negotiating");
}

void
iked_events_plan(struct iked *d)
{
	struct iked_acq_held h;
	uint64_t now = iked_now_ms(d);

	while (iked_acq_take_planned(&d->acq, &d->plan, &h))
		ev_serve(d, &h, now);
}

static void
ev_give_up(struct iked *d, const struct iked_acq_held *h, uint64_t now)
{
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];
	int rc;

	ev_ntop(&h->a.local, s, sizeof(s));
	ev_ntop(&h->a.remote, t, sizeof(t));
	d->cnt.acq_expired++;
	if (h->until_ms - h->since_ms >= d->larval_ms) {
		log_notice("held ACQUIRE %s -> %s (reqid %u, seq %u) given up after %llu ms: no "
		    "plan has reqid %u; the kernel's larval state expires now", s, t,
		    h->a.reqid, h->a.seq, (unsigned long long)(now - h->since_ms), h->a.reqid);
		return;
	}
	rc = iked_larval_delete(d, &h->a.local, &h->a.remote, h->proto, h->mode, h->a.reqid,
	    &h->mark);
	if (rc < 0)
		log_warn("held ACQUIRE %s -> %s (reqid %u, seq %u) given up after %llu ms: no "
		    "plan has reqid %u; its larval state could not be removed (%s): the pair "
		    "waits for the kernel to expire it", s, t, h->a.reqid, h->a.seq,
		    (unsigned long long)(now - h->since_ms), h->a.reqid, strerror(-rc));
	else
		log_notice("held ACQUIRE %s -> %s (reqid %u, seq %u) given up after %llu ms: no "
		    "plan has reqid %u; its larval state is removed: the next packet asks "
		    "again", s, t, h->a.reqid, h->a.seq,
		    (unsigned long long)(now - h->since_ms), h->a.reqid);
}

void
iked_events_tick(struct iked *d)
{
	struct iked_acq_held h;
	uint64_t now;

	if (d->acq.n == 0)
		return;
	now = iked_now_ms(d);
	while (iked_acq_take_due(&d->acq, now, &h))
		ev_give_up(d, &h, now);
}

void
iked_events_stop(struct iked *d)
{
	struct iked_acq_held h;
	size_t n = 0, gone = 0;

	while (iked_acq_take_due(&d->acq, UINT64_MAX, &h)) {
		n++;
		gone += iked_larval_delete(d, &h.a.local, &h.a.remote, h.proto, h.mode,
		    h.a.reqid, &h.mark) == 0;
	}
	if (n > 0)
		log_info("stopping with %zu ACQUIREs held for a plan: %zu of their larval "
		    "states removed", n, gone);
}

int64_t
iked_events_next_ms(struct iked *d)
{
	if (d->acq.n == 0)
		return -1;
	return iked_acq_next_ms(&d->acq, iked_now_ms(d));
}

/*
 * A larval state (the only kind without an SPI) reached xfrm_acq_expires: the kernel
 * removed it.  If an ACQUIRE of it was held, that is over; the next packet asks again.
 */
static void
ev_larval_expired(struct iked *d, const struct xfrm_event_expire *x)
{
	struct iked_acq_held h;
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];

	inet_ntop(x->family, &x->saddr, s, sizeof(s));
	inet_ntop(x->family, &x->daddr, t, sizeof(t));
	if (!iked_acq_take_larval(&d->acq, x->reqid, x->proto, x->family, &x->saddr,
	    &x->daddr, &h)) {
		log_info("the kernel's larval state %s -> %s (reqid %u) expired", s, t,
		    x->reqid);
		return;
	}
	d->cnt.acq_expired++;
	log_notice("held ACQUIRE %s -> %s (reqid %u, seq %u) given up after %llu ms: no plan "
	    "has reqid %u and the kernel's larval state expired", s, t, h.a.reqid, h.a.seq,
	    (unsigned long long)(iked_now_ms(d) - h.since_ms), h.a.reqid);
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

	if (x->spi == 0) {
		ev_larval_expired(d, x);
		return;
	}
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
