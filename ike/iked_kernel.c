/*
 * iked_kernel: what the engine asks of the kernel.  Inbound SPIs come from ALLOCSPI (a
 * larval SA the kernel drops by itself if the exchange fails); a negotiated bundle goes in
 * inbound first (UPDSA over the larval SA), then outbound, with the rule's reqid so the
 * agent's templates find it.  A bundle of the default response rule (reqid 0) has no agent
 * policy: the module adds per-peer policies of its own in IKED_PRIO_BASE, which lose to
 * every agent policy.  Everything installed is remembered in d->sas, so that it can be
 * removed at exit and its counters read for `dynamic show`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "agent/log.h"
#include "ike/iked.h"

static void
kern_addr(const struct sockaddr *sa, uint16_t *family, xfrm_address_t *a)
{
	memset(a, 0, sizeof(*a));
	*family = sa->sa_family;
	if (sa->sa_family == AF_INET)
		memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6)
		memcpy(a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}

static const char *
kern_ntop(uint16_t family, const xfrm_address_t *a, char *buf, size_t len)
{
	return inet_ntop(family, a, buf, (socklen_t)len) != NULL ? buf : "?";
}

int
iked_spi_alloc(void *arg, const struct ike_spi_req *r, uint32_t *spi)
{
	struct iked *d = arg;
	struct xfrm_state s;
	uint16_t fam;
	int rc;

	memset(&s, 0, sizeof(s));
	kern_addr(r->remote, &s.family, &s.saddr);
	kern_addr(r->local, &fam, &s.daddr);
	if (fam != s.family)
		return -EAFNOSUPPORT;
	s.proto = r->proto;
	s.mode = r->mode;
	s.reqid = r->reqid;
	s.seq = r->acq_seq;
	if ((rc = xfrm_state_allocspi(d->xh, &s, IKED_SPI_MIN, IKED_SPI_MAX)) < 0) {
		log_err("cannot allocate an inbound SPI (ALLOCSPI, reqid %u): %s", r->reqid,
		    strerror(-rc));
		return rc;
	}
	*spi = s.spi;
	return 0;
}

int
iked_larval_delete(struct iked *d, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, uint8_t proto, uint8_t mode, uint32_t reqid,
    const struct xfrm_mark *mark)
{
	struct xfrm_state_id id;
	struct xfrm_state s;
	uint16_t fam;
	int rc;

	memset(&s, 0, sizeof(s));
	kern_addr((const struct sockaddr *)local, &s.family, &s.saddr);
	kern_addr((const struct sockaddr *)remote, &fam, &s.daddr);
	if (fam != s.family)
		return -EAFNOSUPPORT;
	s.proto = proto;
	s.mode = mode;
	s.reqid = reqid;
	if (mark != NULL)
		s.mark = *mark;
	if ((rc = xfrm_state_allocspi(d->xh, &s, IKED_SPI_MIN, IKED_SPI_MAX)) < 0)
		return rc;
	memset(&id, 0, sizeof(id));
	id.family = s.family;
	id.daddr = s.daddr;
	id.saddr = s.saddr;
	id.spi = s.spi;
	id.proto = s.proto;
	id.mark = s.mark;
	rc = xfrm_state_del(d->xh, &id);
	return rc == -ESRCH ? 0 : rc;
}

static struct iked_sa *
kern_sa_new(struct iked *d, uint64_t child)
{
	struct iked_sa *v;

	if (d->nsas >= IKED_SA_MAX)
		return NULL;
	if ((v = realloc(d->sas, (d->nsas + 1) * sizeof(*v))) == NULL)
		return NULL;
	d->sas = v;
	memset(&v[d->nsas], 0, sizeof(v[d->nsas]));
	v[d->nsas].child = child;
	return &v[d->nsas++];
}

static struct iked_sa *
kern_sa_find(struct iked *d, uint64_t child)
{
	for (size_t i = 0; i < d->nsas; i++)
		if (d->sas[i].child == child)
			return &d->sas[i];
	return NULL;
}

static void
kern_sa_forget(struct iked *d, struct iked_sa *sa)
{
	size_t i = (size_t)(sa - d->sas);

	d->sas[i] = d->sas[--d->nsas];
}

/* Is any other bundle using a policy with the same key?  (Two children for one flow.) */
static bool
kern_pol_shared(const struct iked *d, const struct iked_sa *self, const struct xfrm_policy *p)
{
	for (size_t i = 0; i < d->nsas; i++) {
		if (&d->sas[i] == self)
			continue;
		for (size_t j = 0; j < d->sas[i].npol; j++) {
			const struct xfrm_policy *q = &d->sas[i].pol[j];

			if (q->dir == p->dir && memcmp(&q->sel, &p->sel, sizeof(p->sel)) == 0)
				return true;
		}
	}
	return false;
}

static void
kern_sel(struct xfrm_sel *s, const struct ike_ts *src, const struct ike_ts *dst)
{
	memset(s, 0, sizeof(*s));
	s->family = src->family;
	s->saddr = src->addr;
	s->sprefix = src->prefix;
	s->daddr = dst->addr;
	s->dprefix = dst->prefix;
	s->proto = src->proto;
	if (src->port != 0) {
		s->sport = src->port;
		s->sport_mask = 0xffff;
	}
	if (dst->port != 0) {
		s->dport = dst->port;
		s->dport_mask = 0xffff;
	}
}

size_t
iked_default_policies(const struct ike_child *c, struct xfrm_policy pol[3])
{
	static const uint8_t dirs[3] = { XFRM_POLICY_OUT, XFRM_POLICY_IN, XFRM_POLICY_FWD };
	size_t n = c->mode == XFRM_MODE_TUNNEL ? 3 : 2;
	xfrm_address_t l, r;
	uint16_t fam;

	kern_addr((const struct sockaddr *)&c->local, &fam, &l);
	kern_addr((const struct sockaddr *)&c->remote, &fam, &r);
	for (size_t k = 0; k < n; k++) {
		struct xfrm_policy *p = &pol[k];
		bool out = dirs[k] == XFRM_POLICY_OUT;

		memset(p, 0, sizeof(*p));
		p->dir = dirs[k];
		p->action = XFRM_POLICY_ALLOW;
		p->priority = IKED_PRIO_BASE;
		if (out)
			kern_sel(&p->sel, &c->ts_local, &c->ts_remote);
		else
			kern_sel(&p->sel, &c->ts_remote, &c->ts_local);
		p->ntmpl = (unsigned)c->nproto;
		for (size_t i = 0; i < c->nproto; i++) {
			struct xfrm_tmpl *t = &p->tmpl[i];

			t->proto = c->p[i].proto;
			/* AH outside a tunnelled ESP protects the outer header in transport mode. */
			t->mode = i == 0 ? c->mode : XFRM_MODE_TRANSPORT;
			t->family = fam;
			if (t->mode == XFRM_MODE_TUNNEL) {
				t->saddr = out ? l : r;
				t->daddr = out ? r : l;
			}
			t->reqid = 0;
		}
	}
	return n;
}

static int
kern_install_pols(struct iked *d, const struct ike_child *c, struct iked_sa *sa)
{
	char a[INET6_ADDRSTRLEN];
	int rc;

	sa->npol = iked_default_policies(c, sa->pol);
	for (size_t k = 0; k < sa->npol; k++) {
		rc = xfrm_policy_add(d->xh, &sa->pol[k]);
		if (rc == -EEXIST && kern_pol_shared(d, sa, &sa->pol[k]))
			continue;
		if (rc < 0) {
			log_err("default response rule: cannot add the %s policy for peer %s: %s",
			    sa->pol[k].dir == XFRM_POLICY_OUT ? "out" : sa->pol[k].dir ==
			    XFRM_POLICY_IN ? "in" : "fwd", kern_ntop(sa->pol[k].sel.family,
			    sa->pol[k].dir == XFRM_POLICY_OUT ? &sa->pol[k].sel.daddr :
			    &sa->pol[k].sel.saddr, a, sizeof(a)), strerror(-rc));
			sa->npol = k;
			return rc;
		}
	}
	return 0;
}

static void
kern_remove(struct iked *d, struct iked_sa *sa)
{
	int rc;

	for (size_t i = 0; i < sa->nstate; i++)
		if ((rc = xfrm_state_del(d->xh, &sa->state[i])) < 0 && rc != -ESRCH)
			log_warn("cannot remove SA spi 0x%08x: %s", sa->state[i].spi,
			    strerror(-rc));
	/* The SAs go before the policies: a packet in between is held for a new
	 * negotiation by the policy, never sent in the clear. */
	for (size_t k = sa->npol; k-- > 0;) {
		if (kern_pol_shared(d, sa, &sa->pol[k]))
			continue;
		if ((rc = xfrm_policy_del(d->xh, &sa->pol[k])) < 0 && rc != -ENOENT)
			log_warn("cannot remove a default response rule policy: %s",
			    strerror(-rc));
	}
	sa->nstate = sa->npol = 0;
}

static int
kern_install_one(struct iked *d, const struct ike_child *c, size_t i, bool inbound,
    uint32_t reqid_in, struct iked_sa *sa)
{
	struct xfrm_state s;
	struct xfrm_state_id *id;
	int rc;

	if ((rc = ike_child_xfrm(c, i, inbound, &s)) < 0)
		return rc;
	s.replay_window = IKED_REPLAY_WINDOW;
	if (inbound)
		s.reqid = reqid_in;
	/*
	 * Inbound fills the larval SA of ALLOCSPI; outbound is new.  A slow Quick Mode can
	 * outlive the larval SA (net.core.xfrm_acq_expires): the peer already keys with that
	 * SPI, so it is added anew with the same SPI.
	 */
	rc = inbound ? xfrm_state_update(d->xh, &s) : xfrm_state_add(d->xh, &s);
	if (inbound && rc == -ESRCH)
		rc = xfrm_state_add(d->xh, &s);
	if (rc == 0) {
		id = &sa->state[sa->nstate];
		memset(id, 0, sizeof(*id));
		id->family = s.family;
		id->daddr = s.daddr;
		id->saddr = s.saddr;
		id->spi = s.spi;
		id->proto = s.proto;
		sa->inbound[sa->nstate++] = inbound;
	}
	xfrm_state_wipe(&s);
	return rc;
}

int
iked_child_install(void *arg, const struct ike_child *c)
{
	struct iked *d = arg;
	struct iked_sa *sa;
	uint32_t reqid_in;
	int rc = 0;

	if (c->nproto == 0 || c->nproto > IKE_CHILD_PROTO_MAX)
		return -EINVAL;
	if ((sa = kern_sa_new(d, c->id)) == NULL) {
		log_err("cannot track another SA bundle (%zu installed, at most %d)", d->nsas,
		    IKED_SA_MAX);
		d->cnt.install_failed++;
		return -ENOSPC;
	}
	/* A Windows tunnel is two one-way rules: inbound SAs carry the reqid of the rule
	 * whose inbound policy takes the peer's traffic (the same rule for mirrored filters). */
	reqid_in = c->reqid != 0 ? iked_reqid_inbound(d, c) : 0;
	for (size_t i = 0; i < c->nproto && rc == 0; i++)
		rc = kern_install_one(d, c, i, true, reqid_in, sa);
	for (size_t i = 0; i < c->nproto && rc == 0; i++)
		rc = kern_install_one(d, c, i, false, reqid_in, sa);
	if (rc == 0 && c->reqid == 0)
		rc = kern_install_pols(d, c, sa);
	if (rc < 0) {
		log_err("cannot install the SAs of child %llu (reqid %u): %s%s",
		    (unsigned long long)c->id, c->reqid, strerror(-rc), rc == -EPROTONOSUPPORT ?
		    " (the kernel has no ESP/AH)" : "");
		kern_remove(d, sa);
		kern_sa_forget(d, sa);
		d->cnt.install_failed++;
		return rc;
	}
	d->cnt.installs++;
	return 0;
}

void
iked_child_delete(void *arg, const struct ike_child *c)
{
	struct iked *d = arg;
	struct iked_sa *sa;

	if ((sa = kern_sa_find(d, c->id)) == NULL)
		return;
	kern_remove(d, sa);
	kern_sa_forget(d, sa);
	d->cnt.deletes++;
}

void
iked_kernel_flush(struct iked *d)
{
	size_t n = d->nsas;

	while (d->nsas > 0) {
		kern_remove(d, &d->sas[d->nsas - 1]);
		d->nsas--;
	}
	free(d->sas);
	d->sas = NULL;
	if (n > 0)
		log_info("removed the %zu SA bundles this module installed", n);
}

int
iked_kernel_counters(struct iked *d, uint64_t child, struct xfrm_counters *in,
    struct xfrm_counters *out)
{
	struct iked_sa *sa = kern_sa_find(d, child);
	struct xfrm_state s;

	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	if (sa == NULL)
		return -ENOENT;
	for (size_t i = 0; i < sa->nstate; i++) {
		struct xfrm_counters *k = sa->inbound[i] ? in : out;

		if (xfrm_state_get(d->xh, &sa->state[i], &s) < 0)
			continue;
		/* An AH+ESP bundle counts each packet twice: report the outer (first) SA. */
		if (k->packets == 0) {
			k->bytes = s.cur.bytes;
			k->packets = s.cur.packets;
			k->add_time = s.cur.add_time;
			k->use_time = s.cur.use_time;
		}
		xfrm_state_wipe(&s);
	}
	return 0;
}
