/*
 * The IKE plan: per negotiate rule what the IKE module needs when an ACQUIRE names the
 * rule's reqid, and the policy's main-mode settings and default response rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/compile_int.h"

static void
copy_name(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

static int
auth_copy(struct ipp_auth **dst, size_t *ndst, const struct ipp_auth *src, size_t n,
    struct ipp_err *e)
{
	size_t i;

	*dst = NULL;
	*ndst = 0;
	if (n == 0)
		return 0;
	*dst = calloc(n, sizeof(**dst));
	if (*dst == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory copying authentication methods");
	for (i = 0; i < n; i++) {
		if (ipp_auth_copy(&(*dst)[i], &src[i], e) == -1)
			return -1;
		(*ndst)++;
	}
	return 0;
}

static void
auth_free(struct ipp_auth **v, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		ipp_auth_clear(&(*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

static void
offer_defaults(struct ipp_qm_offer *o)
{
	if (o->life_s == 0)
		o->life_s = IPP_DEF_QM_LIFE_S;
	if (o->life_kb == 0)
		o->life_kb = IPP_DEF_QM_LIFE_KB;
}

/* The offers of the first offer's structure (see compile.h, "Actions"). */
static int
offers_copy(struct ipp_ike_rule *out, const struct ipp_filteraction *fa, struct ipp_err *e)
{
	size_t i;

	if (fa->noffers == 0)
		return 0;
	out->offers = calloc(fa->noffers, sizeof(*out->offers));
	if (out->offers == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory copying offers");
	for (i = 0; i < fa->noffers; i++) {
		if (fa->offers[i].proto != fa->offers[0].proto) {
			out->dropped_offers++;
			continue;
		}
		out->offers[out->noffers] = fa->offers[i];
		offer_defaults(&out->offers[out->noffers++]);
	}
	return 0;
}

int
ipp_plan_rule(struct ipp_ike_rule *out, const struct ipp_policy_tree *t, unsigned tree,
    const struct ipp_rule *r, const struct ipp_filteraction *fa, struct ipp_err *e)
{
	memset(out, 0, sizeof(*out));
	out->tree = tree;
	copy_name(out->policy, sizeof(out->policy), t->policy.name);
	copy_name(out->name, sizeof(out->name), r->name);
	copy_name(out->guid, sizeof(out->guid), r->guid);
	out->action = fa->action;
	out->inpass = fa->action == IPP_ACTION_NEGOTIATE && fa->inpass;
	out->soft = fa->action == IPP_ACTION_NEGOTIATE && fa->soft;
	out->conntype = r->conntype;
	out->mode = r->tunnel.kind == IPP_ADDR_NONE ? XFRM_MODE_TRANSPORT : XFRM_MODE_TUNNEL;
	if (fa->action != IPP_ACTION_NEGOTIATE)
		return 0;
	if (auth_copy(&out->auth, &out->nauth, r->auth, r->nauth, e) == -1 ||
	    offers_copy(out, fa, e) == -1) {
		ipp_plan_rule_clear(out);
		return -1;
	}
	return 0;
}

void
ipp_plan_rule_clear(struct ipp_ike_rule *r)
{
	auth_free(&r->auth, &r->nauth);
	free(r->offers);
	memset(r, 0, sizeof(*r));
}

int
ipp_plan_main(struct ipp_ike_main *out, const struct ipp_policy_tree *t, struct ipp_err *e)
{
	const struct ipp_policy *p = &t->policy;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->present = true;
	copy_name(out->policy, sizeof(out->policy), p->name);
	copy_name(out->guid, sizeof(out->guid), p->guid);
	out->mm = p->mm;
	out->mm.offers = NULL;
	out->mm.noffers = 0;
	out->defrule.active = p->defrule.active;
	if ((n = p->mm.noffers) != 0) {
		out->mm.offers = calloc(n, sizeof(*out->mm.offers));
		if (out->mm.offers == NULL)
			goto nomem;
		memcpy(out->mm.offers, p->mm.offers, n * sizeof(*out->mm.offers));
		out->mm.noffers = n;
	}
	if ((n = p->defrule.noffers) != 0) {
		out->defrule.offers = calloc(n, sizeof(*out->defrule.offers));
		if (out->defrule.offers == NULL)
			goto nomem;
		memcpy(out->defrule.offers, p->defrule.offers, n * sizeof(*out->defrule.offers));
		out->defrule.noffers = n;
	}
	if (auth_copy(&out->defrule.auth, &out->defrule.nauth, p->defrule.auth,
	    p->defrule.nauth, e) == -1) {
		ipp_plan_main_clear(out);
		return -1;
	}
	return 0;
nomem:
	ipp_plan_main_clear(out);
	return ipp_errf(e, IPP_E_NOMEM, "out of memory copying main-mode settings");
}

void
ipp_plan_main_clear(struct ipp_ike_main *m)
{
	free(m->mm.offers);
	ipp_defrule_clear(&m->defrule);
	memset(m, 0, sizeof(*m));
}

static uint32_t
rule_hash(const struct ipp_ike_rule *r)
{
	const char *s = r->guid[0] != '\0' ? r->guid : r->name;
	uint32_t h = 2166136261u ^ r->tree;

	h *= 16777619u;
	for (; *s != '\0'; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

/* Open addressing over the reqids taken so far (offsets from base, stored + 1). */
static bool
taken_put(uint32_t *set, size_t mask, uint32_t off)
{
	size_t i = (off * 2654435761u) & mask;

	while (set[i] != 0) {
		if (set[i] == off + 1)
			return false;
		i = (i + 1) & mask;
	}
	set[i] = off + 1;
	return true;
}

int
ipp_plan_reqids(struct ipp_ike_rule *rules, size_t n, uint32_t base, struct ipp_err *e)
{
	size_t cap = 16, i;
	uint32_t *set, off;

	while (cap < 2 * n + 1)
		cap *= 2;
	if (n >= IPP_COMPILE_REQID_SPAN / 2)
		return ipp_errf(e, IPP_E_INVAL, "%zu rules: more than the %u reqids the band "
		    "allows", n, IPP_COMPILE_REQID_SPAN / 2);
	set = calloc(cap, sizeof(*set));
	if (set == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory assigning reqids");
	for (i = 0; i < n; i++) {
		if (rules[i].action != IPP_ACTION_NEGOTIATE)
			continue;
		off = rule_hash(&rules[i]) % IPP_COMPILE_REQID_SPAN;
		while (!taken_put(set, cap - 1, off))
			off = (off + 1) % IPP_COMPILE_REQID_SPAN;
		rules[i].reqid = base + off;
	}
	free(set);
	return 0;
}
