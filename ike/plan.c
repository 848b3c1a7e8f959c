/* ike_plan: decoding the agent's IKE plan (see plan.h) and looking rules up. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "agent/ctl_proto.h"
#include "agent/ike_plan.h"
#include "ike/plan.h"

/* ------------------------------------------------------------------ the plan */

static int
plan_rule_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct ipp_ike_rule *)a)->reqid;
	uint32_t y = ((const struct ipp_ike_rule *)b)->reqid;

	return x < y ? -1 : x > y;
}

const struct ipp_ike_rule *
ike_plan_rule(const struct ike_plan *p, uint32_t reqid)
{
	struct ipp_ike_rule key = { .reqid = reqid };

	if (p == NULL || p->nrules == 0 || reqid == 0)
		return NULL;
	return bsearch(&key, p->rules, p->nrules, sizeof(key), plan_rule_cmp);
}

static void
plan_auth_free(struct ipp_auth *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ipp_auth_clear(&v[i]);
	free(v);
}

static void
plan_rule_clear(struct ipp_ike_rule *r)
{
	plan_auth_free(r->auth, r->nauth);
	free(r->offers);
	explicit_bzero(r, sizeof(*r));
}

void
ike_plan_free(struct ike_plan *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		plan_rule_clear(&p->rules[i]);
	free(p->rules);
	free(p->main.mm.offers);
	ipp_defrule_clear(&p->main.defrule);
	explicit_bzero(p, sizeof(*p));
}

/* ------------------------------------------------------------------ attributes */

/* A string attribute into a fixed array of size bytes (the compiler's name fields). */
static int
plan_str(const struct ctl_attr *a, char *buf, size_t size, const char *what,
    struct ipp_err *e)
{
	if (a->len >= size)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: %s of %u bytes, at most %zu allowed",
		    what, a->len, size - 1);
	if (memchr(a->val, '\0', a->len) != NULL)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: %s holds a NUL byte", what);
	memcpy(buf, a->val, a->len);
	buf[a->len] = '\0';
	return 0;
}

static int
plan_u8(const struct ctl_attr *a, unsigned max, unsigned *v, const char *what,
    struct ipp_err *e)
{
	uint8_t b = 0;

	if (ctl_get_u8(a, &b, e) < 0)
		return -1;
	if (b > max)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: %s is %u, at most %u allowed", what, b,
		    max);
	*v = b;
	return 0;
}

static int
plan_bool(const struct ctl_attr *a, bool *v, const char *what, struct ipp_err *e)
{
	unsigned u = 0;

	if (plan_u8(a, 1, &u, what, e) < 0)
		return -1;
	*v = u != 0;
	return 0;
}

/* Appends a decoded offer, bounded by CTL_LIST_MAX and validated as the store does. */
static int
plan_offer(const struct ctl_attr *a, struct ipp_qm_offer **v, size_t *n, const char *obj,
    struct ipp_err *e)
{
	struct ipp_qm_offer o;

	if (*n >= CTL_LIST_MAX)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: %s has more than %d offers", obj,
		    CTL_LIST_MAX);
	if (ctl_offer_parse(a, &o, e) < 0 || ipp_qm_offer_validate(&o, e) < 0)
		return ipp_err_prefix(e, "IKE plan: %s, offer %zu", obj, *n + 1);
	if (ipp_array_push(v, n, sizeof(o), &o) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "IKE plan: out of memory");
	return 0;
}

static int
plan_auth(const struct ctl_attr *a, struct ipp_auth **v, size_t *n, const char *obj,
    struct ipp_err *e)
{
	struct ipp_auth u;

	if (*n >= CTL_LIST_MAX)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: %s has more than %d authentication "
		    "methods", obj, CTL_LIST_MAX);
	memset(&u, 0, sizeof(u));
	if (ctl_auth_parse(a, &u, e) < 0 || ipp_auth_validate(&u, e) < 0) {
		ipp_auth_clear(&u);
		return ipp_err_prefix(e, "IKE plan: %s, authentication method %zu", obj, *n + 1);
	}
	if (ipp_array_push(v, n, sizeof(u), &u) == NULL) {
		ipp_auth_clear(&u);
		return ipp_errf(e, IPP_E_NOMEM, "IKE plan: out of memory");
	}
	/* The array owns the copy now; u's bytes are a stale alias of it, not a key buffer. */
	memset(&u, 0, sizeof(u));
	return 0;
}

static int
plan_mm_offer(const struct ctl_attr *na, struct ipp_mm *mm, struct ipp_err *e)
{
	struct ipp_mm_offer o = { 0 };
	struct ctl_iter it;
	struct ctl_attr a;
	unsigned u = 0;
	int rc;

	if (mm->noffers >= CTL_LIST_MAX)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: more than %d main-mode offers",
		    CTL_LIST_MAX);
	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		switch (a.type) {
		case IKE_M_CIPHER:
			if (plan_u8(&a, IPP_CIPHER_COUNT - 1, &u, "main-mode cipher", e) < 0)
				return -1;
			o.cipher = (enum ipp_cipher)u;
			break;
		case IKE_M_HASH:
			if (plan_u8(&a, IPP_HASH_COUNT - 1, &u, "main-mode hash", e) < 0)
				return -1;
			o.hash = (enum ipp_hash)u;
			break;
		case IKE_M_GROUP:
			if (ctl_get_u16(&a, &o.group, e) < 0)
				return -1;
			break;
		}
	}
	if (rc < 0)
		return -1;
	if (ipp_array_push(&mm->offers, &mm->noffers, sizeof(o), &o) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "IKE plan: out of memory");
	return 0;
}

/* ------------------------------------------------------------------ messages */

static int
plan_dpd_attr(const struct ctl_attr *a, struct ipp_dpd *d, struct ipp_err *e)
{
	unsigned action = 0;

	switch (a->type) {
	case IKE_A_DPD_DELAY:
		if (ctl_get_u32(a, &d->delay_s, e) < 0)
			return -1;
		if (d->delay_s > IPP_DPD_DELAY_MAX)
			return ipp_errf(e, IPP_E_INVAL, "IKE plan: DPD delay %u s, at most %u s "
			    "allowed", d->delay_s, IPP_DPD_DELAY_MAX);
		return 0;
	case IKE_A_DPD_TIMEOUT:
		if (ctl_get_u32(a, &d->timeout_s, e) < 0)
			return -1;
		if (d->timeout_s == 0 || d->timeout_s > IPP_DPD_TIMEOUT_MAX)
			return ipp_errf(e, IPP_E_INVAL, "IKE plan: DPD timeout %u s, expected "
			    "1..%u s", d->timeout_s, IPP_DPD_TIMEOUT_MAX);
		return 0;
	default:
		if (plan_u8(a, IPP_DPD_ACTION_MAX, &action, "DPD action", e) < 0)
			return -1;
		d->action = (enum ipp_dpd_action)action;
		return 0;
	}
}

static int
plan_main_attr(const struct ctl_attr *a, struct ipp_ike_main *m, struct ipp_err *e)
{
	switch (a->type) {
	case IKE_A_POLICY:
		return plan_str(a, m->policy, sizeof(m->policy), "policy name", e);
	case IKE_A_GUID:
		return plan_str(a, m->guid, sizeof(m->guid), "policy GUID", e);
	case IKE_A_MM_LIFE_MIN:
		return ctl_get_u32(a, &m->mm.lifetime_min, e);
	case IKE_A_QM_PER_MM:
		return ctl_get_u32(a, &m->mm.qm_per_mm, e);
	case IKE_A_MM_PFS:
		return plan_bool(a, &m->mm.pfs, "master-key PFS", e);
	case IKE_A_SOFT_EXPIRE_S:
		return ctl_get_u32(a, &m->mm.soft_expire_s, e);
	case IKE_A_MM_OFFER:
		return plan_mm_offer(a, &m->mm, e);
	case IKE_A_DEF_ACTIVE:
		return plan_bool(a, &m->defrule.active, "default response rule", e);
	case IKE_A_DEF_OFFER:
		return plan_offer(a, &m->defrule.offers, &m->defrule.noffers,
		    "default response rule", e);
	case IKE_A_DEF_AUTH:
		return plan_auth(a, &m->defrule.auth, &m->defrule.nauth,
		    "default response rule", e);
	case IKE_A_DPD_DELAY:
	case IKE_A_DPD_TIMEOUT:
	case IKE_A_DPD_ACTION:
		return plan_dpd_attr(a, &m->dpd, e);
	default:
		return 0;
	}
}

static int
plan_main(struct ike_plan_rx *rx, const uint8_t *p, size_t len, struct ipp_err *e)
{
	struct ipp_ike_main *m = &rx->next.main;
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	if (rx->have_main || rx->next.nrules != 0)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan %u: a second main-mode message, or "
		    "one after the rules", rx->next.gen);
	rx->have_main = true;
	m->present = true;
	m->mm.lifetime_min = IPP_DEF_MM_LIFE_MIN;
	ctl_iter_init(&it, p, len);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0)
		if (plan_main_attr(&a, m, e) < 0)
			return -1;
	if (rc < 0)
		return -1;
	if (m->dpd.delay_s != 0 && m->dpd.timeout_s == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan %u: DPD delay %u s without a timeout",
		    rx->next.gen, m->dpd.delay_s);
	if (ipp_mm_validate(&m->mm, e) < 0)
		return ipp_err_prefix(e, "IKE plan %u, policy '%s'", rx->next.gen, m->policy);
	return 0;
}

static int
plan_rule_attr(const struct ctl_attr *a, struct ipp_ike_rule *r, struct ipp_err *e)
{
	unsigned u = 0;

	switch (a->type) {
	case IKE_A_REQID:	return ctl_get_u32(a, &r->reqid, e);
	case IKE_A_POLICY:	return plan_str(a, r->policy, sizeof(r->policy), "policy name", e);
	case IKE_A_NAME:	return plan_str(a, r->name, sizeof(r->name), "rule name", e);
	case IKE_A_GUID:	return plan_str(a, r->guid, sizeof(r->guid), "rule GUID", e);
	case IKE_A_INPASS:	return plan_bool(a, &r->inpass, "inpass", e);
	case IKE_A_SOFT:	return plan_bool(a, &r->soft, "soft", e);
	case IKE_A_TUNNEL_FAMILY: return ctl_get_u16(a, &r->tunnel_family, e);
	case IKE_A_ACTION:
		if (plan_u8(a, IPP_ACTION_NEGOTIATE, &u, "rule action", e) < 0)
			return -1;
		r->action = (enum ipp_action)u;
		return 0;
	case IKE_A_CONNTYPE:
		if (plan_u8(a, IPP_CONN_DIALUP, &u, "connection type", e) < 0)
			return -1;
		r->conntype = (enum ipp_conntype)u;
		return 0;
	case IKE_A_MODE:
		if (plan_u8(a, XFRM_MODE_TUNNEL, &u, "mode", e) < 0)
			return -1;
		r->mode = (uint8_t)u;
		return 0;
	case IKE_A_TUNNEL_LOCAL:
	case IKE_A_TUNNEL_REMOTE:
		if (a->len != 16)
			return ipp_errf(e, IPP_E_INVAL, "IKE plan: tunnel address of %u bytes, "
			    "expected 16", a->len);
		memcpy(a->type == IKE_A_TUNNEL_LOCAL ? &r->tunnel_local : &r->tunnel_remote,
		    a->val, 16);
		return 0;
	case IKE_A_OFFER:
		return plan_offer(a, &r->offers, &r->noffers, "rule", e);
	case IKE_A_AUTH:
		return plan_auth(a, &r->auth, &r->nauth, "rule", e);
	case IKE_A_DROPPED_OFFERS:
		if (ctl_get_u32(a, &u, e) < 0)
			return -1;
		r->dropped_offers = u;
		return 0;
	default:
		return 0;
	}
}

/* What the exchange code relies on: a negotiate rule with a reqid and something to offer. */
static int
plan_rule_check(const struct ipp_ike_rule *r, struct ipp_err *e)
{
	if (r->reqid == 0)
		return ipp_errf(e, IPP_E_INVAL, "rule '%s' has no reqid", r->name);
	if (r->action != IPP_ACTION_NEGOTIATE)
		return ipp_errf(e, IPP_E_INVAL, "rule '%s' (reqid %u) has action %d, expected "
		    "negotiate (%d)", r->name, r->reqid, (int)r->action, IPP_ACTION_NEGOTIATE);
	if (r->noffers == 0)
		return ipp_errf(e, IPP_E_INVAL, "rule '%s' (reqid %u) has no quick-mode offer",
		    r->name, r->reqid);
	if (r->mode == XFRM_MODE_TUNNEL && r->tunnel_family != AF_INET &&
	    r->tunnel_family != AF_INET6)
		return ipp_errf(e, IPP_E_INVAL, "tunnel rule '%s' (reqid %u) has address family "
		    "%u, expected %d or %d", r->name, r->reqid, r->tunnel_family, AF_INET,
		    AF_INET6);
	if (r->mode != XFRM_MODE_TUNNEL && r->tunnel_family != 0)
		return ipp_errf(e, IPP_E_INVAL, "transport rule '%s' (reqid %u) has tunnel "
		    "addresses", r->name, r->reqid);
	return 0;
}

static int
plan_rule(struct ike_plan_rx *rx, const uint8_t *p, size_t len, struct ipp_err *e)
{
	struct ike_plan *pl = &rx->next;
	struct ipp_ike_rule r, *v;
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	if (pl->nrules >= rx->nrules)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan %u: more rules than the %u announced",
		    pl->gen, rx->nrules);
	memset(&r, 0, sizeof(r));
	ctl_iter_init(&it, p, len);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0)
		if ((rc = plan_rule_attr(&a, &r, e)) < 0)
			break;
	if (rc == 0 && (rc = plan_rule_check(&r, e)) < 0)
		ipp_err_prefix(e, "IKE plan %u", pl->gen);
	if (rc == 0 && (v = ipp_array_push(&pl->rules, &pl->nrules, sizeof(r), &r)) == NULL)
		rc = ipp_errf(e, IPP_E_NOMEM, "IKE plan: out of memory");
	if (rc < 0) {
		plan_rule_clear(&r);
		return -1;
	}
	explicit_bzero(&r, sizeof(r));
	return 0;
}

/* BEGIN and END: IKE_A_GEN and IKE_A_NRULES, both required. */
static int
plan_mark(const uint8_t *p, size_t len, uint32_t *gen, uint32_t *n, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	bool have_gen = false, have_n = false;
	int rc;

	ctl_iter_init(&it, p, len);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		if (a.type == IKE_A_GEN && (rc = ctl_get_u32(&a, gen, e)) == 0)
			have_gen = true;
		else if (a.type == IKE_A_NRULES && (rc = ctl_get_u32(&a, n, e)) == 0)
			have_n = true;
		if (rc < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (!have_gen || !have_n)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: a begin or end message without its "
		    "generation and rule count");
	return 0;
}

static int
plan_begin(struct ike_plan_rx *rx, const struct ctl_hdr *h, const uint8_t *p,
    struct ipp_err *e)
{
	uint32_t gen = 0, n = 0;

	if (plan_mark(p, h->len, &gen, &n, e) < 0)
		return -1;
	if (gen != h->seq)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: begin of generation %u in a message "
		    "of sequence %u", gen, h->seq);
	if (n > IKE_PLAN_RULES_MAX)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan %u announces %u rules, at most %d "
		    "allowed", gen, n, IKE_PLAN_RULES_MAX);
	ike_plan_rx_reset(rx);
	rx->open = true;
	rx->next.gen = gen;
	rx->nrules = n;
	return 0;
}

static int
plan_end(struct ike_plan_rx *rx, const struct ctl_hdr *h, const uint8_t *p,
    struct ike_plan *done, struct ipp_err *e)
{
	uint32_t gen = 0, n = 0;

	if (plan_mark(p, h->len, &gen, &n, e) < 0)
		return -1;
	if (gen != rx->next.gen || n != rx->nrules || rx->next.nrules != n)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: end of generation %u with %u rules "
		    "does not close generation %u, %u rules announced, %zu received", gen, n,
		    rx->next.gen, rx->nrules, rx->next.nrules);
	/* The agent sends rules in policy order; lookups want them by reqid. */
	if (n > 1)
		qsort(rx->next.rules, n, sizeof(*rx->next.rules), plan_rule_cmp);
	for (size_t i = 1; i < n; i++)
		if (rx->next.rules[i - 1].reqid == rx->next.rules[i].reqid)
			return ipp_errf(e, IPP_E_INVAL, "IKE plan %u: rules '%s' and '%s' share "
			    "reqid %u", gen, rx->next.rules[i - 1].name, rx->next.rules[i].name,
			    rx->next.rules[i].reqid);
	*done = rx->next;
	memset(&rx->next, 0, sizeof(rx->next));
	ike_plan_rx_reset(rx);
	return 1;
}

bool
ike_plan_is_plan_type(uint16_t type)
{
	return type >= IKE_PLAN_BEGIN && type <= IKE_PLAN_END;
}

static int
plan_dispatch(struct ike_plan_rx *rx, const struct ctl_hdr *h, const uint8_t *p,
    struct ike_plan *done, struct ipp_err *e)
{
	if (h->type == IKE_PLAN_BEGIN)
		return plan_begin(rx, h, p, e);
	if (!rx->open)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: message type 0x%x outside a plan "
		    "(no begin)", h->type);
	if (h->seq != rx->next.gen)
		return ipp_errf(e, IPP_E_INVAL, "IKE plan %u: a message of sequence %u inside "
		    "it", rx->next.gen, h->seq);
	switch (h->type) {
	case IKE_PLAN_MAIN:
		return plan_main(rx, p, h->len, e);
	case IKE_PLAN_RULE:
		return plan_rule(rx, p, h->len, e);
	case IKE_PLAN_END:
		return plan_end(rx, h, p, done, e);
	default:
		return ipp_errf(e, IPP_E_INVAL, "IKE plan: message type 0x%x is not part of a "
		    "plan", h->type);
	}
}

int
ike_plan_rx_feed(struct ike_plan_rx *rx, const void *msg, size_t len,
    struct ike_plan *done, struct ipp_err *e)
{
	struct ctl_hdr h;
	int rc;

	if (ctl_hdr_parse(msg, len, &h, e) < 0)
		rc = -1;
	else if (h.len != len - CTL_HDR_LEN)
		rc = ipp_errf(e, IPP_E_INVAL, "IKE plan: header says %u bytes of attributes, "
		    "the message holds %zu", h.len, len - CTL_HDR_LEN);
	else if (h.flags != 0)
		rc = ipp_errf(e, IPP_E_INVAL, "IKE plan: message flags 0x%x, expected none",
		    h.flags);
	else
		rc = plan_dispatch(rx, &h, (const uint8_t *)msg + CTL_HDR_LEN, done, e);
	if (rc < 0)
		ike_plan_rx_reset(rx);
	return rc;
}

void
ike_plan_rx_reset(struct ike_plan_rx *rx)
{
	ike_plan_free(&rx->next);
	memset(rx, 0, sizeof(*rx));
}
