/*
 * iked_agent: the IKE socket to the agent (ipsecpold(8), IKE SOCKET PROTOCOL).  The module
 * connects once at start; the agent sends the plan then and after every apply, and asks
 * for SA listings.  A plan is put in force whole, at its END; a refused plan is logged and
 * the plan in force stays.  When the agent goes away the module exits: the agent starts a
 * new one with the next plan, and the SAs it installed are removed on the way out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "agent/ctl_proto.h"
#include "agent/ike_plan.h"
#include "agent/log.h"
#include "ike/iked.h"

int
iked_agent_connect(struct iked *d)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(d->sockpath) >= sizeof(sun.sun_path)) {
		log_err("IKE socket %s: longer than %zu bytes", d->sockpath,
		    sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, d->sockpath, strlen(d->sockpath) + 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		log_err("cannot connect to the agent's IKE socket %s: %s", d->sockpath,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	d->agent = fd;
	log_info("connected to the agent at %s", d->sockpath);
	return 0;
}

static size_t
agent_nauth(const struct ike_plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nrules; i++)
		n += p->rules[i].nauth;
	return n;
}

/* The new plan goes in force; the engine drops its pointers into the old one first. */
static void
agent_apply(struct iked *d, struct ike_plan *next)
{
	struct ike_plan old = d->plan;

	d->plan = *next;
	memset(next, 0, sizeof(*next));
	ike_engine_set_plan(d->eng, &d->plan);
	d->nauthbuf = 0;
	ike_plan_free(&old);
	/* Allowances were decided under the old rules; the new ones decide afresh. */
	iked_soft_flush(d, "a new plan is in force");
	d->cnt.plans++;
	log_notice("plan %u in force: policy '%s', %zu negotiate rules (%zu authentication "
	    "methods), default response rule %s", d->plan.gen, d->plan.main.present ?
	    d->plan.main.policy : "", d->plan.nrules, agent_nauth(&d->plan),
	    d->plan.main.present && d->plan.main.defrule.active ? "active" : "inactive");
	for (size_t i = 0; i < d->plan.nrules; i++)
		log_debug("plan %u: rule '%s' reqid %u, %s, %zu offers, %zu auth", d->plan.gen,
		    d->plan.rules[i].name, d->plan.rules[i].reqid, d->plan.rules[i].mode ==
		    XFRM_MODE_TUNNEL ? "tunnel" : "transport", d->plan.rules[i].noffers,
		    d->plan.rules[i].nauth);
	/* ACQUIREs that came before this plan, for rules it brings. */
	iked_events_plan(d);
}

static void
agent_plan(struct iked *d, const uint8_t *buf, size_t n)
{
	struct ike_plan next = { 0 };
	struct ipp_err e = { 0 };
	int rc;

	rc = ike_plan_rx_feed(&d->rx, buf, n, &next, &e);
	if (rc < 0) {
		d->cnt.plans_refused++;
		log_err("refused the agent's plan: %s; plan %u stays in force", e.msg,
		    d->plan.gen);
	} else if (rc == 1) {
		agent_apply(d, &next);
	}
}

int
iked_agent_input(struct iked *d)
{
	uint8_t *buf;
	struct ctl_hdr h;
	struct ipp_err e;
	ssize_t n;

	if ((buf = malloc(CTL_MSG_MAX)) == NULL)
		return 0;	/* try again at the next poll */
	do
		n = recv(d->agent, buf, CTL_MSG_MAX, MSG_DONTWAIT | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		free(buf);
		return 0;
	}
	if (n <= 0) {
		log_notice("the agent closed the IKE socket%s%s", n < 0 ? ": " : "",
		    n < 0 ? strerror(errno) : "");
		free(buf);
		return -1;
	}
	if (n > CTL_MSG_MAX || ctl_hdr_parse(buf, (size_t)n, &h, &e) < 0) {
		d->cnt.plans_refused++;
		log_err("malformed message of %zd bytes on the IKE socket: dropped", n);
	} else if (ike_plan_is_plan_type(h.type)) {
		agent_plan(d, buf, (size_t)n);
	} else if (h.len == (size_t)n - CTL_HDR_LEN) {
		iked_show(d, h.type, h.seq, buf + CTL_HDR_LEN, h.len);
	}
	/* Plans hold preshared keys. */
	explicit_bzero(buf, (size_t)(n > CTL_MSG_MAX ? CTL_MSG_MAX : n));
	free(buf);
	return 0;
}
