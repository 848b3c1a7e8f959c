/*
 * Windows' specificity order (windows-cli.md §1.2) as XFRM priorities.  The value depends
 * on the filter and the selector alone, never on the other filters, so that changing one
 * filter changes no other policy's priority and the apply diff stays small.
 */
#include <sys/socket.h>

#include "agent/compile_int.h"

enum side_class { SIDE_HOST = 0, SIDE_RANGE, SIDE_ANY };

static enum side_class
side_class(const struct ipp_addr *a)
{
	switch (a->kind) {
	case IPP_ADDR_ANY:
		return SIDE_ANY;
	case IPP_ADDR_NET:
		return a->prefix == (a->family == AF_INET6 ? 128 : 32) ? SIDE_HOST : SIDE_RANGE;
	case IPP_ADDR_RANGE:
		return SIDE_RANGE;
	default:		/* me, names and server keywords are hosts */
		return SIDE_HOST;
	}
}

/* host-host, host-range, range-range, any-host, any-range, any-any: 0..5 */
static unsigned
pair_class(const struct ipp_filter *f)
{
	static const unsigned tab[3][3] = {
		/* HOST RANGE ANY */
		{ 0, 1, 3 },	/* HOST */
		{ 1, 2, 4 },	/* RANGE */
		{ 3, 4, 5 },	/* ANY */
	};

	return tab[side_class(&f->src)][side_class(&f->dst)];
}

/* protocol+both ports, +destination port, +source port, protocol only, any: 0..4 */
static unsigned
port_class(const struct ipp_filter *f)
{
	if (f->proto == 0)
		return 4;
	if (f->sport != 0 && f->dport != 0)
		return 0;
	if (f->dport != 0)
		return 1;
	if (f->sport != 0)
		return 2;
	return 3;
}

static unsigned
missing_bits(const struct ipp_prefix *p)
{
	unsigned bits = p->family == AF_INET6 ? 128 : 32;

	return p->me ? 0 : bits - p->prefix;
}

static unsigned
action_rank(enum ipp_action a)
{
	switch (a) {
	case IPP_ACTION_BLOCK:
		return 0;
	case IPP_ACTION_NEGOTIATE:
		return 1;
	default:
		return 2;
	}
}

uint32_t
ipp_prio_filter(const struct ipp_filter *f, const struct ipp_prefix *src,
    const struct ipp_prefix *dst, bool tunnel, enum ipp_action action)
{
	uint32_t v = pair_class(f);

	v = v * 5 + port_class(f);
	v = v * 257 + missing_bits(src) + missing_bits(dst);
	v = v * 2 + (tunnel ? 0 : 1);
	v = v * 3 + action_rank(action);
	return IPP_COMPILE_PRIO_EXEMPT + v;
}
