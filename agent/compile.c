/*
 * ipp_compile: the effective policy into XFRM policies and the IKE plan (compile.h has
 * the rules).  This file walks the trees and emits; compile_addr.c, compile_prio.c,
 * compile_exempt.c and compile_plan.c do the parts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "agent/compile_int.h"

/* What the walk needs per compiled rule, parallel to out->rules. */
struct crule {
	const struct ipp_policy_tree	*tree;
	const struct ipp_rule		*rule;
	const struct ipp_filterlist	*list;
	const struct ipp_filteraction	*action;
	bool				tunnel_in;	/* endpoint is local: in + fwd */
};

struct cctx {
	const struct ipp_compile_env	*env;
	struct ipp_compile_sink		sink;
	struct crule			*crules;
	struct ipp_prefixes		src, dst;
	struct ipp_err			*e;
};

static const int any_interface = 0;

void
ipp_compile_env_init(struct ipp_compile_env *env)
{
	memset(env, 0, sizeof(*env));
	env->exempt = IPP_COMPILE_EXEMPT_DEFAULT;
	env->prio_base = IPP_COMPILE_PRIO_BASE_DEFAULT;
	env->reqid_base = IPP_COMPILE_REQID_BASE_DEFAULT;
	env->dpd.delay_s = IPP_DPD_DELAY_DEFAULT;
	env->dpd.timeout_s = IPP_DPD_TIMEOUT_DEFAULT;
	env->dpd.action = IPP_DPD_CLEAR;
}

const char *
ipp_exempt_name(enum ipp_exempt_kind k)
{
	switch (k) {
	case IPP_EXEMPT_IKE:
		return "IKE";
	case IPP_EXEMPT_KERBEROS:
		return "Kerberos";
	case IPP_EXEMPT_RSVP:
		return "RSVP";
	case IPP_EXEMPT_MULTICAST:
		return "multicast";
	case IPP_EXEMPT_BROADCAST:
		return "broadcast";
	case IPP_EXEMPT_ND:
		return "neighbour discovery";
	}
	return "?";
}

static const char *
dir_name(uint8_t dir)
{
	switch (dir) {
	case XFRM_POLICY_IN:
		return "in";
	case XFRM_POLICY_OUT:
		return "out";
	case XFRM_POLICY_FWD:
		return "fwd";
	}
	return "?";
}

const char *
ipp_compiled_origin(const struct ipp_compiled *c, const struct ipp_compiled_policy *p,
    char *buf, size_t len)
{
	const struct ipp_origin *o = &p->origin;
	const struct ipp_ike_rule *r;
	char shadow[32] = "";

	if (o->shadowed != 0)
		snprintf(shadow, sizeof(shadow), ", shadows %u", o->shadowed);
	if (o->kind == IPP_ORIGIN_EXEMPT) {
		snprintf(buf, len, "exemption %s (%s)%s", ipp_exempt_name(o->exempt),
		    dir_name(p->xp.dir), shadow);
		return buf;
	}
	if (o->rule >= c->nrules) {
		snprintf(buf, len, "rule #%u (%s)", o->rule, dir_name(p->xp.dir));
		return buf;
	}
	r = &c->rules[o->rule];
	snprintf(buf, len, "policy '%s' rule '%s' filter %u%s (%s)%s", r->policy, r->name,
	    o->filter, o->reverse ? ", mirrored" : "", dir_name(p->xp.dir), shadow);
	return buf;
}

const struct ipp_ike_rule *
ipp_compiled_rule_by_reqid(const struct ipp_compiled *c, uint32_t reqid)
{
	size_t i;

	if (reqid == 0)
		return NULL;
	for (i = 0; i < c->nrules; i++) {
		if (c->rules[i].reqid == reqid)
			return &c->rules[i];
	}
	return NULL;
}

void
ipp_compiled_warn(struct ipp_compiled *c, const char *fmt, ...)
{
	char **v, *s;
	va_list ap;
	int rc;

	if (c->nwarnings >= IPP_COMPILE_WARN_MAX) {
		c->nwarnings_lost++;
		return;
	}
	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		c->nwarnings_lost++;
		return;
	}
	v = reallocarray(c->warnings, c->nwarnings + 1, sizeof(*v));
	if (v == NULL) {
		free(s);
		c->nwarnings_lost++;
		return;
	}
	c->warnings = v;
	c->warnings[c->nwarnings++] = s;
}

void
ipp_compiled_free(struct ipp_compiled *c)
{
	size_t i;

	if (c == NULL)
		return;
	ipp_big_free(c->policies);
	for (i = 0; i < c->nrules; i++)
		ipp_plan_rule_clear(&c->rules[i]);
	free(c->rules);
	ipp_plan_main_clear(&c->main);
	for (i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	memset(c, 0, sizeof(*c));
}

/* ---- the sink ---- */

/* Grows to hold at least want policies (doubling past the estimate). */
static int
sink_grow(struct ipp_compile_sink *s, size_t want)
{
	struct ipp_compiled_policy *p;
	size_t cap = s->cap == 0 ? 64 : 2 * s->cap;

	if (cap < want)
		cap = want;
	if (cap > SIZE_MAX / sizeof(*p))
		return -1;
	p = ipp_big_realloc(s->out->policies, cap * sizeof(*p));
	if (p == NULL)
		return -1;
	s->out->policies = p;
	s->cap = cap;
	return 0;
}

/* Keeps the better of two policies with one key at position at (compile.h, "Identical
 * selectors"). */
static void
sink_shadow(struct ipp_compile_sink *s, size_t at, const struct ipp_compiled_policy *p)
{
	struct ipp_compiled_policy *old = &s->out->policies[at];
	char won[IPP_ORIGIN_STRLEN], lost[IPP_ORIGIN_STRLEN];
	uint32_t n = old->origin.shadowed + 1;
	bool warn = s->out->nwarnings < IPP_COMPILE_WARN_MAX;

	if (p->xp.priority < old->xp.priority) {
		if (warn)
			ipp_compiled_origin(s->out, old, lost, sizeof(lost));
		*old = *p;
	} else if (warn)
		ipp_compiled_origin(s->out, p, lost, sizeof(lost));
	old->origin.shadowed = n;
	s->out->nshadowed++;
	if (!warn) {
		s->out->nwarnings_lost++;
		return;
	}
	ipp_compiled_origin(s->out, old, won, sizeof(won));
	ipp_compiled_warn(s->out, "%s is shadowed by %s: same selector and direction", lost,
	    won);
}

struct ipp_compiled_policy *
ipp_sink_slot(struct ipp_compile_sink *s, struct ipp_err *e)
{
	size_t i = s->out->npolicies;
	struct ipp_compiled_policy *p;

	if (i == s->cap && sink_grow(s, i + 1) == -1) {
		ipp_errf(e, IPP_E_NOMEM, "out of memory: %zu kernel policies", i);
		return NULL;
	}
	p = &s->out->policies[i];
	/* Fresh mapped memory is zero: writing zeros over it would only cost bandwidth. */
	if (i < s->used)
		memset(p, 0, sizeof(*p));
	else
		s->used = i + 1;
	return p;
}

int
ipp_sink_commit(struct ipp_compile_sink *s, struct ipp_err *e)
{
	size_t i = s->out->npolicies;
	struct ipp_policy_set v = ipp_policy_set_compiled(s->out);
	struct ipp_polkey k;
	long at;

	ipp_polkey_make(&k, &s->out->policies[i].xp);
	v.n = i + 1;
	at = ipp_polkey_index_put(&s->index, &v, &k, i);
	if (at < 0)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory: %zu kernel policies", i);
	if ((size_t)at != i) {
		sink_shadow(s, (size_t)at, &s->out->policies[i]);
		return 0;
	}
	s->out->npolicies++;
	return 0;
}

/* ---- rules ---- */

static bool
addr_same(const struct ipp_addr *a, const struct ipp_addr *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case IPP_ADDR_NET:
		return a->family == b->family && a->prefix == b->prefix &&
		    memcmp(&a->ip, &b->ip, sizeof(a->ip)) == 0;
	case IPP_ADDR_RANGE:
		return a->family == b->family && memcmp(&a->ip, &b->ip, sizeof(a->ip)) == 0 &&
		    memcmp(&a->ip_end, &b->ip_end, sizeof(a->ip_end)) == 0;
	case IPP_ADDR_DNSNAME:
		return a->dns != NULL && b->dns != NULL && strcmp(a->dns, b->dns) == 0;
	default:
		return true;
	}
}

static bool
is_local(const struct ipp_compile_env *env, const struct ipp_addr *a)
{
	size_t i, n = a->family == AF_INET ? 4 : 16;

	for (i = 0; i < env->nlocal; i++) {
		if (env->local[i].family == a->family &&
		    memcmp(&env->local[i].ip, &a->ip, n) == 0)
			return true;
	}
	return false;
}

/* The active tunnel rule whose first filter is the reverse of r's first filter. */
static const struct crule *
tunnel_reverse(const struct cctx *x, size_t nrules, size_t ri)
{
	const struct ipp_filter *f = &x->crules[ri].list->filters[0], *g;
	const struct crule *c;
	size_t i;

	for (i = 0; i < nrules; i++) {
		c = &x->crules[i];
		if (i == ri || c->rule->tunnel.kind == IPP_ADDR_NONE || c->list->nfilters == 0)
			continue;
		g = &c->list->filters[0];
		if (addr_same(&g->src, &f->dst) && addr_same(&g->dst, &f->src))
			return c;
	}
	return NULL;
}

static bool
addr_zero(const xfrm_address_t *a)
{
	static const xfrm_address_t zero;

	return memcmp(a, &zero, sizeof(zero)) == 0;
}

/* The first of env->local in that family, for the local end of an unpaired tunnel. */
static bool
first_local(const struct ipp_compile_env *env, int family, xfrm_address_t *out)
{
	size_t i;

	for (i = 0; i < env->nlocal; i++) {
		if (env->local[i].family == family) {
			memcpy(out, &env->local[i].ip, family == AF_INET ? 4 : 16);
			return true;
		}
	}
	return false;
}

static void
tunnel_ends(struct cctx *x, struct ipp_compiled *out, size_t ri)
{
	struct crule *c = &x->crules[ri];
	struct ipp_ike_rule *r = &out->rules[ri];
	const struct ipp_addr *end = &c->rule->tunnel;
	const struct crule *rev = NULL;
	size_t n = end->family == AF_INET ? 4 : 16;

	r->tunnel_family = (uint16_t)end->family;
	c->tunnel_in = is_local(x->env, end);
	if (c->list->nfilters != 0)
		rev = tunnel_reverse(x, out->nrules, ri);
	if (rev != NULL && rev->rule->tunnel.family != end->family)
		rev = NULL;
	memcpy(c->tunnel_in ? &r->tunnel_local : &r->tunnel_remote, &end->ip, n);
	if (rev != NULL)
		memcpy(c->tunnel_in ? &r->tunnel_remote : &r->tunnel_local,
		    &rev->rule->tunnel.ip, n);
	else if (!c->tunnel_in)
		first_local(x->env, end->family, &r->tunnel_local);
}

/* Both tunnel ends must be known: a template with a wildcard end is refused. */
static bool
tunnel_complete(struct ipp_compiled *out, size_t ri)
{
	const struct ipp_ike_rule *r = &out->rules[ri];

	if (r->mode != XFRM_MODE_TUNNEL || r->action != IPP_ACTION_NEGOTIATE ||
	    (!addr_zero(&r->tunnel_local) && !addr_zero(&r->tunnel_remote)))
		return true;
	ipp_compiled_warn(out, "policy '%s' rule '%s': the %s tunnel end is unknown (no "
	    "reverse tunnel rule%s); rule left out", r->policy, r->name,
	    addr_zero(&r->tunnel_local) ? "local" : "remote",
	    addr_zero(&r->tunnel_local) ? " and no local address of that family" : "");
	return false;
}

static int
rule_add(struct cctx *x, struct ipp_compiled *out, const struct ipp_policy_tree *t,
    unsigned ti, const struct ipp_rule *r, size_t *cap)
{
	const struct ipp_filterlist *fl = ipp_tree_filterlist(t, r->filterlist);
	const struct ipp_filteraction *fa = ipp_tree_filteraction(t, r->filteraction);
	struct ipp_ike_rule *v;
	struct crule *cv;
	size_t ncap;

	if (fl == NULL || fa == NULL)
		return ipp_errf(x->e, IPP_E_INVAL, "policy '%s' rule '%s': filter %s '%s' is not "
		    "in the policy tree; expected every reference resolved", t->policy.name,
		    r->name, fl == NULL ? "list" : "action",
		    fl == NULL ? r->filterlist : r->filteraction);
	if (out->nrules == *cap) {
		ncap = *cap == 0 ? 16 : 2 * *cap;
		v = reallocarray(out->rules, ncap, sizeof(*v));
		if (v == NULL)
			return ipp_errf(x->e, IPP_E_NOMEM, "out of memory: %zu rules", ncap);
		out->rules = v;
		cv = reallocarray(x->crules, ncap, sizeof(*cv));
		if (cv == NULL)
			return ipp_errf(x->e, IPP_E_NOMEM, "out of memory: %zu rules", ncap);
		x->crules = cv;
		*cap = ncap;
	}
	if (ipp_plan_rule(&out->rules[out->nrules], t, ti, r, fa, x->e) == -1)
		return -1;
	x->crules[out->nrules] = (struct crule){ .tree = t, .rule = r, .list = fl,
	    .action = fa };
	if (fa->action == IPP_ACTION_NEGOTIATE && out->rules[out->nrules].dropped_offers != 0)
		ipp_compiled_warn(out, "policy '%s' rule '%s': %zu offers of action '%s' use "
		    "another protocol than the first offer and are left out", t->policy.name,
		    r->name, out->rules[out->nrules].dropped_offers, fa->name);
	out->nrules++;
	return 0;
}

static int
rules_collect(struct cctx *x, const struct ipp_policy_tree *const *trees, size_t ntrees,
    struct ipp_compiled *out)
{
	size_t ti, ri, cap = 0;
	const struct ipp_policy *p;

	for (ti = 0; ti < ntrees; ti++) {
		if (trees[ti] == NULL)
			continue;
		p = &trees[ti]->policy;
		for (ri = 0; ri < p->nrules; ri++) {
			if (p->rules[ri].active &&
			    rule_add(x, out, trees[ti], (unsigned)ti, &p->rules[ri], &cap) == -1)
				return -1;
		}
	}
	for (ri = 0; ri < out->nrules; ri++) {
		if (x->crules[ri].rule->tunnel.kind != IPP_ADDR_NONE)
			tunnel_ends(x, out, ri);
	}
	return ipp_plan_reqids(out->rules, out->nrules, x->env->reqid_base, x->e);
}

/* ---- filters ---- */

/* One emission: a rule, a filter, a selector pair, a half. */
struct emit {
	size_t				ri;
	uint32_t			fi;
	const struct ipp_filter		*f;
	const struct ipp_prefix		*s, *d;
	uint16_t			sport, dport;
	bool				reverse;
	uint32_t			prio;
};

static void
sel_side(xfrm_address_t *a, uint8_t *prefix, const struct ipp_prefix *p)
{
	memcpy(a, &p->ip, p->family == AF_INET ? 4 : 16);
	*prefix = p->prefix;
}

static void
templates(struct xfrm_policy *xp, const struct ipp_ike_rule *r,
    const struct ipp_filteraction *fa)
{
	enum ipp_qm_proto qp = fa->noffers != 0 ? fa->offers[0].proto : IPP_QM_ESP;
	struct xfrm_tmpl *t = xp->tmpl;
	bool tunnel = r->mode == XFRM_MODE_TUNNEL;
	unsigned i;

	xp->ntmpl = qp == IPP_QM_AH_ESP ? 2 : 1;
	t[0].proto = qp == IPP_QM_AH ? IPPROTO_AH : IPPROTO_ESP;
	if (xp->ntmpl == 2)
		t[1].proto = IPPROTO_AH;
	for (i = 0; i < xp->ntmpl; i++) {
		t[i].mode = XFRM_MODE_TRANSPORT;
		t[i].family = tunnel ? r->tunnel_family : xp->sel.family;
		t[i].reqid = r->reqid;
		t[i].optional = r->inpass && xp->dir != XFRM_POLICY_OUT;
	}
	if (!tunnel)
		return;
	/* The innermost template carries the tunnel; an outer AH covers the new header. */
	t[0].mode = XFRM_MODE_TUNNEL;
	if (xp->dir == XFRM_POLICY_OUT) {
		t[0].saddr = r->tunnel_local;
		t[0].daddr = r->tunnel_remote;
	} else {
		t[0].saddr = r->tunnel_remote;
		t[0].daddr = r->tunnel_local;
	}
}

static int
emit_one(struct cctx *x, const struct emit *m, uint8_t dir, int ifindex)
{
	const struct crule *c = &x->crules[m->ri];
	const struct ipp_ike_rule *r = &x->sink.out->rules[m->ri];
	struct ipp_compiled_policy *p = ipp_sink_slot(&x->sink, x->e);
	struct xfrm_sel *sel;

	if (p == NULL)
		return -1;
	sel = &p->xp.sel;
	sel->family = (uint16_t)m->s->family;
	sel_side(&sel->saddr, &sel->sprefix, m->s);
	sel_side(&sel->daddr, &sel->dprefix, m->d);
	sel->proto = m->f->proto;
	sel->sport = m->sport;
	sel->sport_mask = m->sport != 0 ? 0xffff : 0;
	sel->dport = m->dport;
	sel->dport_mask = m->dport != 0 ? 0xffff : 0;
	sel->ifindex = ifindex;
	p->xp.dir = dir;
	p->xp.action = r->action == IPP_ACTION_BLOCK ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
	p->xp.priority = x->env->prio_base + m->prio;
	if (r->action == IPP_ACTION_NEGOTIATE)
		templates(&p->xp, r, c->action);
	p->origin.kind = IPP_ORIGIN_FILTER;
	p->origin.rule = (uint32_t)m->ri;
	p->origin.filter = m->fi;
	p->origin.reverse = m->reverse;
	return ipp_sink_commit(&x->sink, x->e);
}

static void
interfaces(const struct cctx *x, enum ipp_conntype ct, const int **v, size_t *n)
{
	switch (ct) {
	case IPP_CONN_LAN:
		*v = x->env->lan_ifindex;
		*n = x->env->lan_ifindex != NULL ? x->env->nlan : 0;
		break;
	case IPP_CONN_DIALUP:
		*v = x->env->dialup_ifindex;
		*n = x->env->dialup_ifindex != NULL ? x->env->ndialup : 0;
		break;
	default:
		*v = &any_interface;
		*n = 1;
	}
}

/* The directions of one half: out when we can send S -> D, in when we can receive it. */
static int
emit_half(struct cctx *x, const struct emit *m, bool s_me, bool d_me)
{
	const struct crule *c = &x->crules[m->ri];
	uint8_t dirs[2];
	size_t nd = 0, i, k, nif;
	const int *ifx;

	if (c->rule->tunnel.kind != IPP_ADDR_NONE) {
		if (c->tunnel_in) {
			dirs[nd++] = XFRM_POLICY_IN;
			dirs[nd++] = XFRM_POLICY_FWD;
		} else
			dirs[nd++] = XFRM_POLICY_OUT;
	} else {
		if (s_me || !d_me)
			dirs[nd++] = XFRM_POLICY_OUT;
		if (d_me || !s_me)
			dirs[nd++] = XFRM_POLICY_IN;
	}
	interfaces(x, c->rule->conntype, &ifx, &nif);
	for (k = 0; k < nif; k++) {
		for (i = 0; i < nd; i++) {
			if (emit_one(x, m, dirs[i], ifx[k]) == -1)
				return -1;
		}
	}
	return 0;
}

static bool
prefix_same(const struct ipp_prefix *a, const struct ipp_prefix *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	    memcmp(&a->ip, &b->ip, a->family == AF_INET ? 4 : 16) == 0;
}

static int
emit_pair(struct cctx *x, size_t ri, uint32_t fi, const struct ipp_filter *f,
    const struct ipp_prefix *s, const struct ipp_prefix *d)
{
	const struct ipp_ike_rule *r = &x->sink.out->rules[ri];
	bool tunnel = r->mode == XFRM_MODE_TUNNEL;
	bool s_me = f->src.kind == IPP_ADDR_ME, d_me = f->dst.kind == IPP_ADDR_ME;
	struct emit m = { .ri = ri, .fi = fi, .f = f, .s = s, .d = d, .sport = f->sport,
	    .dport = f->dport };

	m.prio = ipp_prio_filter(f, s, d, tunnel, r->action);
	if (emit_half(x, &m, s_me, d_me) == -1)
		return -1;
	if (!f->mirrored || (prefix_same(s, d) && f->sport == f->dport && s_me == d_me))
		return 0;
	m.s = d;
	m.d = s;
	m.sport = f->dport;
	m.dport = f->sport;
	m.reverse = true;
	return emit_half(x, &m, d_me, s_me);
}

static int
emit_filter(struct cctx *x, size_t ri, uint32_t fi, const struct ipp_filter *f)
{
	struct ipp_compiled *out = x->sink.out;
	char sb[IPP_ADDR_STRLEN], db[IPP_ADDR_STRLEN];
	size_t i, j;

	if (ipp_side_expand(&f->src, x->env, &x->src, x->e) == -1 ||
	    ipp_side_expand(&f->dst, x->env, &x->dst, x->e) == -1)
		return ipp_err_prefix(x->e, "policy '%s' rule '%s' filter %u",
		    out->rules[ri].policy, out->rules[ri].name, fi);
	if (x->src.n == 0 || x->dst.n == 0) {
		out->nunresolved++;
		ipp_compiled_warn(out, "policy '%s' rule '%s' filter %u (%s to %s): %s has no "
		    "address; filter left out", out->rules[ri].policy, out->rules[ri].name, fi,
		    ipp_addr_format(&f->src, sb, sizeof(sb)),
		    ipp_addr_format(&f->dst, db, sizeof(db)),
		    x->src.n == 0 ? "the source" : "the destination");
		return 0;
	}
	for (i = 0; i < x->src.n; i++) {
		for (j = 0; j < x->dst.n; j++) {
			if (x->src.v[i].family == x->dst.v[j].family &&
			    emit_pair(x, ri, fi, f, &x->src.v[i], &x->dst.v[j]) == -1)
				return -1;
		}
	}
	return 0;
}

static int
emit_rules(struct cctx *x)
{
	struct ipp_compiled *out = x->sink.out;
	const struct crule *c;
	const int *ifx;
	size_t ri, fi, nif;

	for (ri = 0; ri < out->nrules; ri++) {
		c = &x->crules[ri];
		if (!tunnel_complete(out, ri))
			continue;
		interfaces(x, c->rule->conntype, &ifx, &nif);
		if (nif == 0) {
			ipp_compiled_warn(out, "policy '%s' rule '%s': connection type %s has no "
			    "interface; rule applies nowhere", out->rules[ri].policy,
			    out->rules[ri].name, c->rule->conntype == IPP_CONN_LAN ? "lan" :
			    "dialup");
			continue;
		}
		for (fi = 0; fi < c->list->nfilters; fi++) {
			if (emit_filter(x, ri, (uint32_t)fi + 1, &c->list->filters[fi]) == -1)
				return -1;
		}
	}
	return 0;
}

/* ---- sizing: an estimate of the output, so the arrays are mapped once ---- */

#define NAME_GUESS	4	/* addresses per name and family, before the resolver says */

static size_t
side_count(struct cctx *x, const struct ipp_addr *a, int family)
{
	if (family == AF_INET6 && x->env->ipv4_only)
		return 0;
	switch (a->kind) {
	case IPP_ADDR_ME:
	case IPP_ADDR_ANY:
		return 1;
	case IPP_ADDR_NET:
		return a->family == family;
	case IPP_ADDR_RANGE:
		if (a->family != family)
			return 0;
		x->src.n = 0;
		if (ipp_range_split(family, &a->ip, &a->ip_end, &x->src) == -1)
			return 2 * 128;
		return x->src.n;
	default:
		return NAME_GUESS;
	}
}

static size_t
filter_estimate(struct cctx *x, const struct crule *c, const struct ipp_filter *f)
{
	bool s_me = f->src.kind == IPP_ADDR_ME, d_me = f->dst.kind == IPP_ADDR_ME;
	size_t pairs, dirs;

	pairs = side_count(x, &f->src, AF_INET) * side_count(x, &f->dst, AF_INET) +
	    side_count(x, &f->src, AF_INET6) * side_count(x, &f->dst, AF_INET6);
	if (c->rule->tunnel.kind != IPP_ADDR_NONE)
		dirs = c->tunnel_in ? 2 : 1;
	else
		dirs = (size_t)(s_me || !d_me) + (size_t)(d_me || !s_me);
	return pairs * dirs * (f->mirrored ? 2 : 1);
}

static size_t
estimate(struct cctx *x)
{
	const struct ipp_compiled *out = x->sink.out;
	const struct crule *c;
	size_t ri, fi, nif, n = 40 + 2 * x->env->nbroadcast, per;
	const int *ifx;

	for (ri = 0; ri < out->nrules; ri++) {
		c = &x->crules[ri];
		interfaces(x, c->rule->conntype, &ifx, &nif);
		for (fi = 0, per = 0; fi < c->list->nfilters; fi++)
			per += filter_estimate(x, c, &c->list->filters[fi]);
		n += per * nif;
	}
	return n;
}

/* ---- entry ---- */

static int
env_check(const struct ipp_compile_env *env, struct ipp_err *e)
{
	if (env->exempt > 3)
		return ipp_errf(e, IPP_E_INVAL, "exempt level %u: expected 0, 1, 2 or 3",
		    env->exempt);
	if (env->prio_base > UINT32_MAX - IPP_COMPILE_PRIO_SPAN)
		return ipp_errf(e, IPP_E_INVAL, "priority base %u: the band of %u priorities "
		    "must end below %u", env->prio_base, IPP_COMPILE_PRIO_SPAN, UINT32_MAX);
	if (env->reqid_base == 0 || env->reqid_base > UINT32_MAX - IPP_COMPILE_REQID_SPAN)
		return ipp_errf(e, IPP_E_INVAL, "reqid base %u: expected 1 to %u",
		    env->reqid_base, UINT32_MAX - IPP_COMPILE_REQID_SPAN);
	return 0;
}

static const struct ipp_policy_tree *
first_tree(const struct ipp_policy_tree *const *trees, size_t ntrees)
{
	size_t i;

	for (i = 0; i < ntrees; i++) {
		if (trees[i] != NULL)
			return trees[i];
	}
	return NULL;
}

int
ipp_compile(const struct ipp_policy_tree *const *trees, size_t ntrees,
    const struct ipp_compile_env *env, struct ipp_compiled *out, struct ipp_err *e)
{
	struct cctx x = { .env = env, .e = e, .sink = { .out = out } };
	const struct ipp_policy_tree *t0 = first_tree(trees, ntrees);
	int rc = -1;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (env_check(env, e) == -1)
		return -1;
	if (t0 != NULL && ipp_plan_main(&out->main, t0, e) == -1)
		goto done;
	if (out->main.present)
		out->main.dpd = env->dpd;
	if (rules_collect(&x, trees, ntrees, out) == -1)
		goto done;
	n = estimate(&x);
	if (sink_grow(&x.sink, n) == -1 || ipp_polkey_index_init(&x.sink.index, n) == -1) {
		ipp_errf(e, IPP_E_NOMEM, "out of memory: %zu kernel policies", n);
		goto done;
	}
	if (ipp_exempt_emit(env, &x.sink, e) == -1 || emit_rules(&x) == -1)
		goto done;
	rc = 0;
done:
	ipp_polkey_index_free(&x.sink.index);
	free(x.crules);
	ipp_prefixes_free(&x.src);
	ipp_prefixes_free(&x.dst);
	if (rc == -1)
		ipp_compiled_free(out);
	return rc;
}
