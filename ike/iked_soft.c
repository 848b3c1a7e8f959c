/*
 * iked_soft: Windows' soft associations.  When the engine reports that a peer never
 * answered Main Mode for a soft rule, the flow's two hosts may talk in the clear for the
 * policy's soft association expiry (ipseccmd -1e, default 300 s).  The allowance is made of
 * kernel policies, not of state kept here: allow, no template, the host pair narrowed from
 * the rule's selector (its protocol and ports kept), one priority step ahead of the rule's
 * policy so more specific rules (a block for one port, say) still win, and a hard
 * add-expiry so the kernel removes it even if this process dies.  The kernel's larval SA
 * of the ACQUIRE goes too: while it lives (net.core.xfrm_acq_expires, 30 s) the rule's
 * policy drops packets without asking again, so when the allowance expires first, the
 * flow would be black-holed instead of tried with IKE once more.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "agent/log.h"
#include "ike/iked.h"

static void
soft_host(xfrm_address_t *dst, uint8_t *prefix, uint16_t family, const xfrm_address_t *a)
{
	*dst = *a;
	*prefix = family == AF_INET6 ? 128 : 32;
}

/* out: the policy's selector with both sides narrowed to the packet's hosts. */
static void
soft_sel_out(struct xfrm_sel *s, const struct ike_acquire *a)
{
	*s = a->policy_sel;
	soft_host(&s->saddr, &s->sprefix, s->family, &a->packet_sel.saddr);
	soft_host(&s->daddr, &s->dprefix, s->family, &a->packet_sel.daddr);
	s->ifindex = 0;
}

static void
soft_sel_reverse(struct xfrm_sel *in, const struct xfrm_sel *out)
{
	*in = *out;
	in->saddr = out->daddr;
	in->daddr = out->saddr;
	in->sprefix = out->dprefix;
	in->dprefix = out->sprefix;
	in->sport = out->dport;
	in->sport_mask = out->dport_mask;
	in->dport = out->sport;
	in->dport_mask = out->sport_mask;
}

size_t
iked_soft_policies(const struct ike_acquire *a, const struct ipp_ike_rule *r,
    uint32_t expire_s, struct xfrm_policy pol[3])
{
	static const uint8_t dirs[3] = { XFRM_POLICY_OUT, XFRM_POLICY_IN, XFRM_POLICY_FWD };
	size_t n = r->mode == XFRM_MODE_TUNNEL ? 3 : 2;

	for (size_t k = 0; k < n; k++) {
		struct xfrm_policy *p = &pol[k];

		memset(p, 0, sizeof(*p));
		p->dir = dirs[k];
		p->action = XFRM_POLICY_ALLOW;
		/* The agent gives a filter's out, in and fwd policies one priority. */
		p->priority = a->policy_priority > 0 ? a->policy_priority - 1 : 0;
		p->lft.hard_add_secs = expire_s;
		if (k == 0)
			soft_sel_out(&p->sel, a);
		else
			soft_sel_reverse(&p->sel, &pol[0].sel);
	}
	return n;
}

static const char *
soft_dir(uint8_t dir)
{
	return dir == XFRM_POLICY_OUT ? "out" : dir == XFRM_POLICY_IN ? "in" : "fwd";
}

static void
soft_remove(struct iked *d, struct iked_soft *s)
{
	int rc;

	for (size_t k = s->npol; k-- > 0;)
		if ((rc = xfrm_policy_del(d->xh, &s->pol[k])) < 0 && rc != -ENOENT)
			log_warn("rule '%s': cannot remove the %s soft-association policy: %s",
			    s->rule, soft_dir(s->pol[k].dir), strerror(-rc));
	s->npol = 0;
}

/*
 * Adds the policies; when the rule's own policy has exactly this selector (its filter
 * names both hosts), the kernel refuses a second policy with the same key, so the
 * allowance is keyed apart by a mark that every unmarked packet matches.
 */
static int
soft_install(struct iked *d, struct iked_soft *s, size_t n)
{
	int rc = 0;

	for (int round = 0; round < 2; round++) {
		for (s->npol = 0; s->npol < n; s->npol++)
			if ((rc = xfrm_policy_add(d->xh, &s->pol[s->npol])) < 0)
				break;
		if (rc == 0)
			return 0;
		soft_remove(d, s);
		if (rc != -EEXIST || round == 1)
			break;
		s->marked = true;
		for (size_t k = 0; k < n; k++)
			s->pol[k].mark.m = 0xffffffffu;
	}
	return rc;
}

/* Both protocols: an AH+ESP template asks for both. */
static void
soft_clear_larval(struct iked *d, const struct ike_acquire *a, const struct ipp_ike_rule *r)
{
	static const uint8_t protos[2] = { IPPROTO_ESP, IPPROTO_AH };
	int rc;

	for (size_t i = 0; i < 2; i++)
		if ((rc = iked_larval_delete(d, &a->local, &a->remote, protos[i], r->mode,
		    a->reqid, NULL)) < 0)
			log_warn("rule '%s': cannot remove the larval %s SA of the ACQUIRE: %s",
			    r->name, protos[i] == IPPROTO_AH ? "AH" : "ESP", strerror(-rc));
}

static bool
soft_same(const struct iked_soft *s, const struct xfrm_policy *out)
{
	const struct xfrm_sel *a = &s->pol[0].sel, *b = &out->sel;

	return s->npol > 0 && a->family == b->family && a->proto == b->proto &&
	    a->sport == b->sport && a->dport == b->dport &&
	    memcmp(&a->saddr, &b->saddr, sizeof(a->saddr)) == 0 &&
	    memcmp(&a->daddr, &b->daddr, sizeof(a->daddr)) == 0;
}

void
iked_soft_prune(struct iked *d)
{
	uint64_t now = iked_now_ms(d);

	for (size_t i = 0; i < d->nsoft;) {
		if (d->soft[i].expires_ms > now) {
			i++;
			continue;
		}
		d->soft_expired++;
		d->soft[i] = d->soft[--d->nsoft];
	}
}

int
iked_soft_allow(void *arg, const struct ike_acquire *a, const struct ipp_ike_rule *r)
{
	struct iked *d = arg;
	uint32_t expire_s = d->plan.main.mm.soft_expire_s != 0 ?
	    d->plan.main.mm.soft_expire_s : IPP_DEF_SOFT_EXPIRE_S;
	char l[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
	struct iked_soft s, *v;
	size_t n;
	int rc;

	iked_soft_prune(d);
	memset(&s, 0, sizeof(s));
	n = iked_soft_policies(a, r, expire_s, s.pol);
	for (size_t i = 0; i < d->nsoft; i++)
		if (soft_same(&d->soft[i], &s.pol[0]))
			return 0;	/* two ACQUIREs of one flow waited for the same Main Mode */
	if (d->nsoft >= IKED_SOFT_MAX)
		return -ENOSPC;
	if ((v = realloc(d->soft, (d->nsoft + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	d->soft = v;
	s.reqid = r->reqid;
	snprintf(s.rule, sizeof(s.rule), "%s", r->name);
	/* Before the kernel starts its clock: the listing never outlives the policies. */
	s.created_ms = iked_now_ms(d);
	if ((rc = soft_install(d, &s, n)) < 0)
		return rc;
	soft_clear_larval(d, a, r);
	s.expires_ms = s.created_ms + (uint64_t)expire_s * 1000;
	d->soft[d->nsoft++] = s;
	inet_ntop(s.pol[0].sel.family, &s.pol[0].sel.saddr, l, sizeof(l));
	inet_ntop(s.pol[0].sel.family, &s.pol[0].sel.daddr, p, sizeof(p));
	log_notice("rule '%s': soft association %s <-> %s in the clear for %u s (priority %u%s)",
	    r->name, l, p, expire_s, s.pol[0].priority, s.marked ? ", unmarked packets" : "");
	return 0;
}

void
iked_soft_flush(struct iked *d, const char *why)
{
	size_t n;

	iked_soft_prune(d);
	n = d->nsoft;
	while (d->nsoft > 0)
		soft_remove(d, &d->soft[--d->nsoft]);
	free(d->soft);
	d->soft = NULL;
	if (n > 0)
		log_info("removed %zu soft association%s: %s", n, n == 1 ? "" : "s", why);
}
