/*
 * One side of a filter as the prefixes its selectors use: wildcards for me/any, the
 * minimal prefix cover of a range, the resolver's answer for names and server keywords.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "agent/compile_int.h"

typedef unsigned __int128 u128;

int
ipp_prefixes_push(struct ipp_prefixes *l, const struct ipp_prefix *p)
{
	struct ipp_prefix *v;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap == 0 ? 8 : 2 * l->cap;
		v = reallocarray(l->v, cap, sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *p;
	return 0;
}

void
ipp_prefixes_free(struct ipp_prefixes *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static unsigned
family_bits(int family)
{
	return family == AF_INET6 ? 128 : 32;
}

/* Addresses as numbers, most significant byte first. */
static u128
ip_get(int family, const union ipp_ip *ip)
{
	unsigned i, n = family_bits(family) / 8;
	u128 v = 0;

	for (i = 0; i < n; i++)
		v = (v << 8) | ip->b[i];
	return v;
}

static void
ip_put(int family, u128 v, union ipp_ip *ip)
{
	unsigned i, n = family_bits(family) / 8;

	memset(ip, 0, sizeof(*ip));
	for (i = n; i > 0; i--) {
		ip->b[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

/* Number of trailing zero bits of v, at most bits. */
static unsigned
trailing_zeros(u128 v, unsigned bits)
{
	unsigned k = 0;

	while (k < bits && (v & 1) == 0) {
		v >>= 1;
		k++;
	}
	return k;
}

/*
 * Greedy cover: from lo, take the largest aligned block that stays within hi.  This is the
 * minimal cover (at most 2 * bits - 2 prefixes).
 */
int
ipp_range_split(int family, const union ipp_ip *lo, const union ipp_ip *hi,
    struct ipp_prefixes *out)
{
	unsigned bits = family_bits(family), k;
	u128 cur = ip_get(family, lo), end = ip_get(family, hi), span;
	struct ipp_prefix p = { .family = family };

	if (cur > end)
		return 0;
	for (;;) {
		k = trailing_zeros(cur, bits);
		/* a block of 2^k addresses must end at or before hi */
		while (k > 0 && (k >= 128 ? cur != 0 || end != ~(u128)0 :
		    end - cur < ((u128)1 << k) - 1))
			k--;
		ip_put(family, cur, &p.ip);
		p.prefix = (uint8_t)(bits - k);
		if (ipp_prefixes_push(out, &p) == -1)
			return -1;
		span = k >= 128 ? 0 : (u128)1 << k;
		if (span == 0 || end - cur < span || cur + span - 1 == end)
			return 0;
		cur += span;
	}
}

static int
push_wild(struct ipp_prefixes *out, const struct ipp_compile_env *env, bool me)
{
	struct ipp_prefix p = { .family = AF_INET, .me = me };

	if (ipp_prefixes_push(out, &p) == -1)
		return -1;
	if (env->ipv4_only)
		return 0;
	p.family = AF_INET6;
	return ipp_prefixes_push(out, &p);
}

static int
push_resolved(const struct ipp_addr *a, const struct ipp_compile_env *env,
    struct ipp_prefixes *out, struct ipp_err *e)
{
	struct ipp_hostaddr got[IPP_COMPILE_RESOLVE_MAX];
	struct ipp_prefix p = { 0 };
	int i, n;

	if (env->resolve == NULL)
		return 0;
	n = env->resolve(env->resolve_arg, a->kind, a->kind == IPP_ADDR_DNSNAME ? a->dns :
	    NULL, got, IPP_COMPILE_RESOLVE_MAX, e);
	if (n < 0)
		return -1;
	if (n > IPP_COMPILE_RESOLVE_MAX)
		n = IPP_COMPILE_RESOLVE_MAX;
	for (i = 0; i < n; i++) {
		if (got[i].family != AF_INET && got[i].family != AF_INET6)
			continue;
		if (got[i].family == AF_INET6 && env->ipv4_only)
			continue;
		p.family = got[i].family;
		memset(&p.ip, 0, sizeof(p.ip));
		memcpy(&p.ip, &got[i].ip, p.family == AF_INET ? 4 : 16);
		p.prefix = (uint8_t)family_bits(p.family);
		if (ipp_prefixes_push(out, &p) == -1)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory expanding addresses");
	}
	return 0;
}

int
ipp_side_expand(const struct ipp_addr *a, const struct ipp_compile_env *env,
    struct ipp_prefixes *out, struct ipp_err *e)
{
	struct ipp_prefix p = { 0 };
	char buf[IPP_ADDR_STRLEN];
	int rc = 0;

	out->n = 0;
	switch (a->kind) {
	case IPP_ADDR_ME:
	case IPP_ADDR_ANY:
		rc = push_wild(out, env, a->kind == IPP_ADDR_ME);
		break;
	case IPP_ADDR_NET:
		if (a->family == AF_INET6 && env->ipv4_only)
			break;
		p.family = a->family;
		p.ip = a->ip;
		p.prefix = a->prefix;
		rc = ipp_prefixes_push(out, &p);
		break;
	case IPP_ADDR_RANGE:
		if (a->family == AF_INET6 && env->ipv4_only)
			break;
		rc = ipp_range_split(a->family, &a->ip, &a->ip_end, out);
		break;
	case IPP_ADDR_DNSNAME:
	case IPP_ADDR_SRV_DNS:
	case IPP_ADDR_SRV_WINS:
	case IPP_ADDR_SRV_DHCP:
	case IPP_ADDR_SRV_GATEWAY:
		return push_resolved(a, env, out, e);
	default:
		return ipp_errf(e, IPP_E_INVAL, "filter address '%s': kind %d cannot be "
		    "compiled; expected me, any, a subnet, a range, a name or a server keyword",
		    ipp_addr_format(a, buf, sizeof(buf)), (int)a->kind);
	}
	if (rc == -1)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory expanding addresses");
	return 0;
}
