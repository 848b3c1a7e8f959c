/*
 * iked_acq: kernel ACQUIREs that name a reqid the plan in force does not have yet.  The
 * agent installs a rule's kernel policies before the module has the plan that holds the
 * rule (at the module's start, and at every plan change that adds a rule).  A packet in
 * that gap makes the kernel create a larval state and send one ACQUIRE; the larval state
 * then holds the pair, with no second ACQUIRE, until it expires (xfrm_acq_expires, 30 s).
 * Refused, that ACQUIRE would cost the pair those 30 s, so it waits here for its plan, in a
 * small table, oldest first, each with the time it is given up.  Pure: iked_events.c does the
 * talking to the engine and the kernel.
 */
#include <errno.h>
#include <string.h>

#include "ike/iked.h"

/* The same larval state: the kernel makes one per mark, reqid, protocol, mode and pair. */
static bool
acq_same(const struct iked_acq_held *x, const struct iked_acq_held *y)
{
	/* ev_sockaddr zeroes the whole sockaddr_storage: it compares as bytes. */
	return x->a.reqid == y->a.reqid && x->proto == y->proto && x->mode == y->mode &&
	    x->mark.v == y->mark.v && x->mark.m == y->mark.m &&
	    memcmp(&x->a.local, &y->a.local, sizeof(x->a.local)) == 0 &&
	    memcmp(&x->a.remote, &y->a.remote, sizeof(x->a.remote)) == 0;
}

int
iked_acq_put(struct iked_acq *q, const struct iked_acq_held *h)
{
	for (size_t i = 0; i < q->n; i++) {
		if (!acq_same(&q->held[i], h))
			continue;
		/* The kernel asked again: its earlier larval state is gone, this one counts. */
		q->held[i] = *h;
		return 1;
	}
	if (q->n == IKED_ACQ_MAX)
		return -ENOSPC;
	q->held[q->n++] = *h;
	return 0;
}

static void
acq_remove(struct iked_acq *q, size_t i, struct iked_acq_held *out)
{
	*out = q->held[i];
	memmove(&q->held[i], &q->held[i + 1], (q->n - i - 1) * sizeof(q->held[0]));
	q->n--;
	memset(&q->held[q->n], 0, sizeof(q->held[q->n]));
	if (q->n == 0)
		q->full_logged = false;
}

bool
iked_acq_take_planned(struct iked_acq *q, const struct ike_plan *p, struct iked_acq_held *out)
{
	for (size_t i = 0; i < q->n; i++)
		if (ike_plan_rule(p, q->held[i].a.reqid) != NULL) {
			acq_remove(q, i, out);
			return true;
		}
	return false;
}

bool
iked_acq_take_due(struct iked_acq *q, uint64_t now_ms, struct iked_acq_held *out)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->held[i].until_ms <= now_ms) {
			acq_remove(q, i, out);
			return true;
		}
	return false;
}

bool
iked_acq_take_larval(struct iked_acq *q, uint32_t reqid, uint8_t proto, uint16_t family,
    const xfrm_address_t *saddr, const xfrm_address_t *daddr, struct iked_acq_held *out)
{
	size_t alen = family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < q->n; i++) {
		const struct iked_acq_held *h = &q->held[i];
		const void *l, *r;

		if (h->a.reqid != reqid || h->proto != proto || h->a.local.ss_family != family)
			continue;
		if (family == AF_INET) {
			l = &((const struct sockaddr_in *)&h->a.local)->sin_addr;
			r = &((const struct sockaddr_in *)&h->a.remote)->sin_addr;
		} else {
			l = &((const struct sockaddr_in6 *)&h->a.local)->sin6_addr;
			r = &((const struct sockaddr_in6 *)&h->a.remote)->sin6_addr;
		}
		if (memcmp(l, saddr, alen) == 0 && memcmp(r, daddr, alen) == 0) {
			acq_remove(q, i, out);
			return true;
		}
	}
	return false;
}

int64_t
iked_acq_next_ms(const struct iked_acq *q, uint64_t now_ms)
{
	uint64_t first = UINT64_MAX;

	for (size_t i = 0; i < q->n; i++)
		if (q->held[i].until_ms < first)
			first = q->held[i].until_ms;
	if (first == UINT64_MAX)
		return -1;
	return first <= now_ms ? 0 : (int64_t)(first - now_ms);
}
