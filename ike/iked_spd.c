/*
 * iked_spd: which rule a responder applies, read from the kernel's SPD.  The agent's
 * negotiate policies carry their rule's reqid in their templates, so the rule for a pair of
 * Quick Mode IDs is the plan rule of the most specific (lowest priority value) `out` policy
 * whose selector contains local -> remote; only when no `out` policy does, of the most
 * specific `in`/`fwd` policy for remote -> local (one-way inbound filters have only those).
 * The `out` policy comes first because the outbound SA carries the chosen rule's reqid and
 * only that policy's template looks for it: a Windows tunnel is two one-way rules whose
 * `out` and `in` policies rank alike, and taking the inbound rule's reqid left the outbound
 * SA unused (the kernel asked for another).  Policies without a plan reqid (exemptions,
 * permit, block, other software) are not rules to negotiate by.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/log.h"
#include "ike/iked.h"

static bool
spd_prefix_contains(uint16_t family, const xfrm_address_t *net, unsigned plen,
    const xfrm_address_t *addr, unsigned alen)
{
	const uint8_t *a = (const uint8_t *)net, *b = (const uint8_t *)addr;
	unsigned max = family == AF_INET ? 32 : 128;

	if (plen > max || alen > max || alen < plen)
		return false;
	for (unsigned i = 0; i < plen / 8; i++)
		if (a[i] != b[i])
			return false;
	if (plen % 8 != 0) {
		uint8_t m = (uint8_t)(0xff << (8 - plen % 8));

		if ((a[plen / 8] & m) != (b[plen / 8] & m))
			return false;
	}
	return true;
}

/* A port of the selector (with mask) contains the ID's port (0 = any). */
static bool
spd_port_contains(uint16_t port, uint16_t mask, uint16_t want)
{
	if (mask == 0)
		return true;
	if (want == 0)
		return false;
	return (want & mask) == (port & mask);
}

bool
iked_sel_contains(const struct xfrm_sel *s, const struct ike_ts *src,
    const struct ike_ts *dst)
{
	if (s->family != src->family || src->family != dst->family)
		return false;
	if (!spd_prefix_contains(s->family, &s->saddr, s->sprefix, &src->addr, src->prefix) ||
	    !spd_prefix_contains(s->family, &s->daddr, s->dprefix, &dst->addr, dst->prefix))
		return false;
	if (s->proto != 0 && (s->proto != src->proto || s->proto != dst->proto))
		return false;
	return spd_port_contains(s->sport, s->sport_mask, src->port) &&
	    spd_port_contains(s->dport, s->dport_mask, dst->port);
}

/* The plan rule named by a policy's templates, or NULL. */
static const struct ipp_ike_rule *
spd_rule(const struct iked *d, const struct xfrm_policy *p)
{
	const struct ipp_ike_rule *r;

	if (p->action != XFRM_POLICY_ALLOW)
		return NULL;
	for (unsigned i = 0; i < p->ntmpl; i++)
		if ((r = ike_plan_rule(&d->plan, p->tmpl[i].reqid)) != NULL)
			return r;
	return NULL;
}

struct spd_ids {
	struct iked			*d;
	const struct ike_ts		*local, *remote;
	const struct ipp_ike_rule	*best[2];	/* [0] out, [1] in/fwd */
	uint32_t			prio[2];
};

static int
spd_ids_one(const struct xfrm_policy *p, void *arg)
{
	struct spd_ids *x = arg;
	const struct ipp_ike_rule *r;
	int k = p->dir == XFRM_POLICY_OUT ? 0 : 1;
	bool hit;

	if ((r = spd_rule(x->d, p)) == NULL)
		return 0;
	if (k == 0)
		hit = iked_sel_contains(&p->sel, x->local, x->remote);
	else
		hit = iked_sel_contains(&p->sel, x->remote, x->local);
	if (hit && (x->best[k] == NULL || p->priority < x->prio[k])) {
		x->best[k] = r;
		x->prio[k] = p->priority;
	}
	return 0;
}

const struct ipp_ike_rule *
iked_rule_for_ids(void *arg, const struct sockaddr *local, const struct sockaddr *remote,
    const struct ike_ts *ts_local, const struct ike_ts *ts_remote)
{
	struct spd_ids x = { .d = arg, .local = ts_local, .remote = ts_remote };
	int rc;

	(void)local;
	(void)remote;
	if ((rc = iked_spd_walk(x.d, spd_ids_one, &x)) < 0) {
		log_err("cannot read the kernel's policies to choose a rule: %s", strerror(-rc));
		return NULL;
	}
	return x.best[0] != NULL ? x.best[0] : x.best[1];
}

/* ---- authentication methods by peer address ---- */

struct spd_peer {
	struct iked		*d;
	struct ike_ts		peer;		/* host prefix */
	const struct ipp_ike_rule **rules;	/* matches, with their priority */
	uint32_t		*prio;
	size_t			n, cap;
	int			err;
};

static bool
spd_tmpl_peer(const struct xfrm_policy *p, const struct ike_ts *peer)
{
	for (unsigned i = 0; i < p->ntmpl; i++) {
		const struct xfrm_tmpl *t = &p->tmpl[i];
		const xfrm_address_t *a = p->dir == XFRM_POLICY_OUT ? &t->daddr : &t->saddr;

		if (t->mode == XFRM_MODE_TUNNEL && (t->family == 0 || t->family == peer->family) &&
		    memcmp(a, &peer->addr, peer->family == AF_INET ? 4 : 16) == 0)
			return true;
	}
	return false;
}

static int
spd_peer_one(const struct xfrm_policy *p, void *arg)
{
	struct spd_peer *x = arg;
	const struct ipp_ike_rule *r;
	bool hit;

	if ((r = spd_rule(x->d, p)) == NULL)
		return 0;
	if (r->mode == XFRM_MODE_TUNNEL)
		hit = spd_tmpl_peer(p, &x->peer);
	else if (p->sel.family != x->peer.family)
		hit = false;
	else if (p->dir == XFRM_POLICY_OUT)
		hit = spd_prefix_contains(p->sel.family, &p->sel.daddr, p->sel.dprefix,
		    &x->peer.addr, x->peer.prefix);
	else
		hit = spd_prefix_contains(p->sel.family, &p->sel.saddr, p->sel.sprefix,
		    &x->peer.addr, x->peer.prefix);
	if (!hit)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		if (x->rules[i] == r) {
			if (p->priority < x->prio[i])
				x->prio[i] = p->priority;
			return 0;
		}
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 8;
		const struct ipp_ike_rule **nr = realloc(x->rules, cap * sizeof(*nr));
		uint32_t *np;

		if (nr == NULL)
			return x->err = -ENOMEM;
		x->rules = nr;
		if ((np = realloc(x->prio, cap * sizeof(*np))) == NULL)
			return x->err = -ENOMEM;
		x->prio = np;
		x->cap = cap;
	}
	x->rules[x->n] = r;
	x->prio[x->n++] = p->priority;
	return 0;
}

static int
spd_auth_push(struct iked *d, const struct ipp_auth *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (d->nauthbuf == d->authcap) {
			size_t cap = d->authcap ? d->authcap * 2 : 8;
			struct ipp_auth *na = realloc(d->authbuf, cap * sizeof(*na));

			if (na == NULL)
				return -ENOMEM;
			d->authbuf = na;
			d->authcap = cap;
		}
		/* Shallow: the values stay the plan's, valid until the plan changes. */
		d->authbuf[d->nauthbuf++] = v[i];
	}
	return 0;
}

int
iked_auth_for_peer(void *arg, const struct sockaddr *local, const struct sockaddr *remote,
    const struct ipp_auth **auth, size_t *nauth)
{
	struct spd_peer x = { .d = arg };
	struct iked *d = arg;
	int rc;

	(void)local;
	x.peer.family = remote->sa_family;
	if (remote->sa_family == AF_INET) {
		memcpy(&x.peer.addr, &((const struct sockaddr_in *)remote)->sin_addr, 4);
		x.peer.prefix = 32;
	} else {
		memcpy(&x.peer.addr, &((const struct sockaddr_in6 *)remote)->sin6_addr, 16);
		x.peer.prefix = 128;
	}
	d->nauthbuf = 0;
	if ((rc = iked_spd_walk(d, spd_peer_one, &x)) < 0 || x.err < 0) {
		rc = rc < 0 ? rc : x.err;
		log_err("cannot read the kernel's policies to choose the authentication for a "
		    "peer: %s", strerror(-rc));
		goto done;
	}
	/* Most specific rule first (insertion sort: few rules cover one peer). */
	for (size_t i = 1; i < x.n; i++)
		for (size_t j = i; j > 0 && x.prio[j] < x.prio[j - 1]; j--) {
			const struct ipp_ike_rule *t = x.rules[j];
			uint32_t tp = x.prio[j];

			x.rules[j] = x.rules[j - 1];
			x.prio[j] = x.prio[j - 1];
			x.rules[j - 1] = t;
			x.prio[j - 1] = tp;
		}
	for (size_t i = 0; i < x.n && rc >= 0; i++)
		rc = spd_auth_push(d, x.rules[i]->auth, x.rules[i]->nauth);
	if (rc >= 0 && d->plan.main.present && d->plan.main.defrule.active)
		rc = spd_auth_push(d, d->plan.main.defrule.auth, d->plan.main.defrule.nauth);
	rc = rc < 0 ? rc : 0;
done:
	free(x.rules);
	free(x.prio);
	if (rc == 0 && d->nauthbuf == 0)
		rc = -ENOENT;
	*auth = rc == 0 ? d->authbuf : NULL;
	*nauth = rc == 0 ? d->nauthbuf : 0;
	return rc;
}

/* ---- the reqid of inbound SAs ---- */

struct spd_in {
	struct iked		*d;
	const struct ike_ts	*local, *remote;
	uint32_t		reqid, prio;
};

static int
spd_in_one(const struct xfrm_policy *p, void *arg)
{
	struct spd_in *x = arg;
	const struct ipp_ike_rule *r;

	if (p->dir == XFRM_POLICY_OUT || (r = spd_rule(x->d, p)) == NULL)
		return 0;
	if (iked_sel_contains(&p->sel, x->remote, x->local) &&
	    (x->reqid == 0 || p->priority < x->prio)) {
		x->reqid = r->reqid;
		x->prio = p->priority;
	}
	return 0;
}

uint32_t
iked_reqid_inbound(struct iked *d, const struct ike_child *c)
{
	struct spd_in x = { .d = d, .local = &c->ts_local, .remote = &c->ts_remote };
	int rc;

	/* The cached copy rule_for_ids chose this child's rule from moments before: a dump
	 * of the whole SPD per install cost O(policies) each, O(N^2) for N peers. */
	if ((rc = iked_spd_walk(d, spd_in_one, &x)) < 0)
		log_warn("cannot read the kernel's policies for the inbound reqid: %s; using "
		    "the rule's own %u", strerror(-rc), c->reqid);
	return x.reqid != 0 ? x.reqid : c->reqid;
}
