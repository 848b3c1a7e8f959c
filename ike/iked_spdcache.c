/*
 * iked_spdcache: the kernel's negotiate policies, read once and kept for a short while.
 * A Main Mode first message from anyone made the module dump the whole SPD to choose the
 * authentication for its sender: a forged message cost a netlink dump as long as the
 * policy (thousands of filters are common).  Now one dump serves every lookup until the
 * plan changes (the agent applies its policies before it sends their plan) or
 * IKED_SPD_CACHE_MS pass.  Only policies that name a rule of the plan are kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike/iked.h"

struct spd_fill {
	struct iked	*d;
	int		err;
};

static int
spd_keep(const struct xfrm_policy *p, void *arg)
{
	struct spd_fill *f = arg;
	struct iked *d = f->d;
	bool named = false;

	if (p->action != XFRM_POLICY_ALLOW)
		return 0;
	for (unsigned i = 0; i < p->ntmpl && !named; i++)
		named = ike_plan_rule(&d->plan, p->tmpl[i].reqid) != NULL;
	if (!named)
		return 0;
	if (d->nspd == d->spdcap) {
		size_t cap = d->spdcap ? d->spdcap * 2 : 16;
		struct xfrm_policy *n = realloc(d->spd, cap * sizeof(*n));

		if (n == NULL)
			return f->err = -ENOMEM;
		d->spd = n;
		d->spdcap = cap;
	}
	d->spd[d->nspd++] = *p;
	return 0;
}

static int
spd_refresh(struct iked *d, uint64_t now)
{
	struct spd_fill f = { .d = d };
	int rc;

	d->spd_valid = false;
	d->nspd = 0;
	if ((rc = xfrm_policy_dump(d->xh, spd_keep, &f)) < 0)
		return rc;
	if (f.err < 0)
		return f.err;
	d->spd_valid = true;
	d->spd_gen = d->plan.gen;
	d->spd_ms = now;
	return 0;
}

int
iked_spd_walk(struct iked *d, xfrm_policy_cb cb, void *arg)
{
	uint64_t now = iked_now_ms(d);
	int rc;

	if (!d->spd_valid || d->spd_gen != d->plan.gen || now - d->spd_ms >= IKED_SPD_CACHE_MS)
		if ((rc = spd_refresh(d, now)) < 0)
			return rc;
	for (size_t i = 0; i < d->nspd; i++)
		if ((rc = cb(&d->spd[i], arg)) != 0)
			return rc;
	return 0;
}

void
iked_spd_forget(struct iked *d)
{
	free(d->spd);
	d->spd = NULL;
	d->nspd = d->spdcap = 0;
	d->spd_valid = false;
}
