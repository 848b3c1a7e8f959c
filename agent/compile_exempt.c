/*
 * Default exemptions, Windows' NoDefaultExempt (windows-cli.md §5): ALLOW policies ahead
 * of every filter.  IKE is exempt at every level, so the IKE module can always talk, and so
 * is IPv6 neighbour discovery: a rule "me <-> peer, any protocol" would otherwise catch the
 * neighbour solicitations and advertisements to the peer, and with no SA yet nothing,
 * IKE included, could reach it (Windows exempts ND since Vista).
 */
#include <string.h>
#include <sys/socket.h>

#include "agent/compile_int.h"

#define PORT_IKE	500
#define PORT_NATT	4500
#define PORT_KERBEROS	88
#define PROTO_RSVP	46
#define PROTO_ICMPV6	58
#define ND_FIRST	133	/* router solicitation .. */
#define ND_LAST		137	/* .. redirect */

struct ex {
	const struct ipp_compile_env	*env;
	struct ipp_compile_sink		*sink;
	struct ipp_err			*e;
	enum ipp_exempt_kind		kind;
};

static int
put(struct ex *x, uint8_t dir, const struct xfrm_sel *sel)
{
	struct ipp_compiled_policy *p = ipp_sink_slot(x->sink, x->e);

	if (p == NULL)
		return -1;
	p->xp.sel = *sel;
	p->xp.dir = dir;
	p->xp.action = XFRM_POLICY_ALLOW;
	p->xp.priority = x->env->prio_base + (uint32_t)x->kind;
	p->origin.kind = IPP_ORIGIN_EXEMPT;
	p->origin.exempt = x->kind;
	return ipp_sink_commit(x->sink, x->e);
}

/* Both families unless IPv4 only. */
static int
put_families(struct ex *x, uint8_t dir, struct xfrm_sel sel)
{
	sel.family = AF_INET;
	if (put(x, dir, &sel) == -1)
		return -1;
	if (x->env->ipv4_only)
		return 0;
	sel.family = AF_INET6;
	return put(x, dir, &sel);
}

/* proto with the local port: out by source port, in by destination port. */
static int
local_port(struct ex *x, uint8_t proto, uint16_t port)
{
	struct xfrm_sel sel = { .proto = proto };

	sel.sport = port;
	sel.sport_mask = 0xffff;
	if (put_families(x, XFRM_POLICY_OUT, sel) == -1)
		return -1;
	memset(&sel, 0, sizeof(sel));
	sel.proto = proto;
	sel.dport = port;
	sel.dport_mask = 0xffff;
	return put_families(x, XFRM_POLICY_IN, sel);
}

/* proto with port on either side, both directions. */
static int
either_port(struct ex *x, uint8_t proto, uint16_t port)
{
	static const uint8_t dirs[] = { XFRM_POLICY_OUT, XFRM_POLICY_IN };
	struct xfrm_sel sel;
	size_t i;

	for (i = 0; i < sizeof(dirs); i++) {
		memset(&sel, 0, sizeof(sel));
		sel.proto = proto;
		sel.sport = port;
		sel.sport_mask = 0xffff;
		if (put_families(x, dirs[i], sel) == -1)
			return -1;
		memset(&sel, 0, sizeof(sel));
		sel.proto = proto;
		sel.dport = port;
		sel.dport_mask = 0xffff;
		if (put_families(x, dirs[i], sel) == -1)
			return -1;
	}
	return 0;
}

static int
exempt_ike(struct ex *x)
{
	x->kind = IPP_EXEMPT_IKE;
	if (local_port(x, IPPROTO_UDP, PORT_IKE) == -1)
		return -1;
	return local_port(x, IPPROTO_UDP, PORT_NATT);
}

/* ICMPv6 types 133..137, by type (XFRM matches an ICMP type as the source port). */
static int
exempt_nd(struct ex *x)
{
	struct xfrm_sel sel = { .family = AF_INET6, .proto = PROTO_ICMPV6, .sport_mask = 0xffff };
	unsigned type;

	x->kind = IPP_EXEMPT_ND;
	for (type = ND_FIRST; type <= ND_LAST; type++) {
		sel.sport = (uint16_t)type;
		if (put(x, XFRM_POLICY_OUT, &sel) == -1 || put(x, XFRM_POLICY_IN, &sel) == -1)
			return -1;
	}
	return 0;
}

static int
exempt_kerberos_rsvp(struct ex *x)
{
	struct xfrm_sel sel = { .proto = PROTO_RSVP };

	x->kind = IPP_EXEMPT_KERBEROS;
	if (either_port(x, IPPROTO_TCP, PORT_KERBEROS) == -1 ||
	    either_port(x, IPPROTO_UDP, PORT_KERBEROS) == -1)
		return -1;
	x->kind = IPP_EXEMPT_RSVP;
	if (put_families(x, XFRM_POLICY_OUT, sel) == -1)
		return -1;
	return put_families(x, XFRM_POLICY_IN, sel);
}

/* Destination dst/prefix, both directions, one family. */
static int
to_dest(struct ex *x, int family, const void *dst, uint8_t prefix)
{
	struct xfrm_sel sel = { .family = (uint16_t)family, .dprefix = prefix };

	memcpy(&sel.daddr, dst, family == AF_INET ? 4 : 16);
	if (put(x, XFRM_POLICY_OUT, &sel) == -1)
		return -1;
	return put(x, XFRM_POLICY_IN, &sel);
}

static int
exempt_multicast(struct ex *x)
{
	static const uint8_t v4[4] = { 224, 0, 0, 0 };
	static const uint8_t v6[16] = { 0xff };

	x->kind = IPP_EXEMPT_MULTICAST;
	if (to_dest(x, AF_INET, v4, 4) == -1)
		return -1;
	return x->env->ipv4_only ? 0 : to_dest(x, AF_INET6, v6, 8);
}

static int
exempt_broadcast(struct ex *x)
{
	static const uint8_t all[4] = { 255, 255, 255, 255 };
	const struct ipp_hostaddr *b;
	size_t i;

	x->kind = IPP_EXEMPT_BROADCAST;
	if (to_dest(x, AF_INET, all, 32) == -1)
		return -1;
	for (i = 0; i < x->env->nbroadcast; i++) {
		b = &x->env->broadcast[i];
		if (b->family == AF_INET && to_dest(x, AF_INET, &b->ip.v4, 32) == -1)
			return -1;
	}
	return 0;
}

int
ipp_exempt_emit(const struct ipp_compile_env *env, struct ipp_compile_sink *s,
    struct ipp_err *e)
{
	struct ex x = { .env = env, .sink = s, .e = e };

	if (exempt_ike(&x) == -1 || (!env->ipv4_only && exempt_nd(&x) == -1))
		return -1;
	if ((env->exempt == 0 || env->exempt == 2) && exempt_kerberos_rsvp(&x) == -1)
		return -1;
	if (env->exempt == 0 || env->exempt == 1) {
		if (exempt_multicast(&x) == -1 || exempt_broadcast(&x) == -1)
			return -1;
	}
	return 0;
}
