/* agent_apply: one batch per apply, with a result per operation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/apply.h"
#include "agent/log.h"

void
agent_installed_clear(struct agent_installed *inst)
{
	free(inst->own);
	inst->own = NULL;
	inst->set = ipp_policy_set_array(NULL, 0);
}

struct reconcile_arg {
	struct xfrm_policy	*p;
	size_t			n, cap;
	uint32_t		lo, hi;
};

static int
reconcile_cb(const struct xfrm_policy *p, void *arg)
{
	struct reconcile_arg *ra = arg;
	struct xfrm_policy *np;

	if (p->priority < ra->lo || p->priority >= ra->hi)
		return 0;
	if (ra->n == ra->cap) {
		ra->cap = ra->cap ? ra->cap * 2 : 64;
		if ((np = reallocarray(ra->p, ra->cap, sizeof(*np))) == NULL)
			return -ENOMEM;
		ra->p = np;
	}
	ra->p[ra->n++] = *p;
	return 0;
}

int
agent_apply_reconcile(struct xfrm_handle *h, uint32_t lo, uint32_t hi,
    struct agent_installed *inst, struct agent_apply_stats *st, struct ipp_err *e)
{
	struct reconcile_arg ra = { NULL, 0, 0, lo, hi };
	int rc;

	st->nl_ops++;
	if ((rc = xfrm_policy_dump(h, reconcile_cb, &ra)) < 0) {
		free(ra.p);
		return ipp_errf(e, IPP_E_STORE, "reading the kernel's policies: %s",
		    strerror(-rc));
	}
	agent_installed_clear(inst);
	inst->own = ra.p;
	inst->set = ipp_policy_set_array(ra.p, ra.n);
	return 0;
}

static int
apply_queue(struct xfrm_batch *b, const struct ipp_diff_step *s)
{
	switch (s->op) {
	case IPP_DIFF_ADD:
		return xfrm_batch_policy_add(b, s->xp);
	case IPP_DIFF_UPDATE:
		return xfrm_batch_policy_update(b, s->xp);
	case IPP_DIFF_DELETE:
		return xfrm_batch_policy_del(b, s->xp);
	}
	return -EINVAL;
}

/* Sends the steps; returns the number that failed (logged), or a negative errno. */
static int
apply_send(struct xfrm_handle *h, const struct ipp_diff *d, struct agent_apply_stats *st)
{
	struct xfrm_batch *b;
	size_t i, *step;
	int rc = 0, failed = 0, q;

	if (d->nsteps == 0)
		return 0;
	/* step[k]: the diff step of batch operation k (malformed ones are not queued). */
	if ((step = calloc(d->nsteps, sizeof(*step))) == NULL)
		return -ENOMEM;
	if ((rc = xfrm_batch_new(h, &b)) < 0) {
		free(step);
		return rc;
	}
	for (i = 0; i < d->nsteps && rc >= 0; i++) {
		if ((q = apply_queue(b, &d->steps[i])) >= 0)
			step[q] = i;
		else if (q == -EINVAL) {
			failed++;
			log_err("policy %zu (dir %u, priority %u) is malformed, not sent: %s",
			    i, d->steps[i].xp->dir, d->steps[i].xp->priority, strerror(-q));
		} else
			rc = q;
	}
	if (rc >= 0) {
		st->nl_ops += (uint32_t)(d->nsteps - (size_t)failed);
		rc = xfrm_batch_commit(b);
	}
	for (i = 0; rc >= 0 && i < xfrm_batch_count(b); i++) {
		const struct ipp_diff_step *s = &d->steps[step[i]];
		int r = xfrm_batch_result(b, i);

		/* A policy that someone else removed is gone, as we wanted. */
		if (r == 0 || (r == -ENOENT && s->op == IPP_DIFF_DELETE))
			continue;
		if (++failed <= 10)
			log_err("kernel refused %s of policy (dir %u, priority %u): %s",
			    ipp_diff_op_name(s->op), s->xp->dir, s->xp->priority, strerror(-r));
	}
	xfrm_batch_free(b);
	free(step);
	return rc < 0 ? rc : failed;
}

int
agent_apply(struct xfrm_handle *h, struct agent_installed *inst,
    const struct ipp_policy_set *desired, uint32_t lo, uint32_t hi,
    struct agent_apply_stats *st, struct ipp_err *e)
{
	struct ipp_diff d;
	struct ipp_err e2;
	int rc;

	memset(&d, 0, sizeof(d));
	if (ipp_diff_compute(&inst->set, desired, lo, hi, &d, e) < 0) {
		/* *inst may view a set the caller frees next: hold the kernel's own copy. */
		if (agent_apply_reconcile(h, lo, hi, inst, st, &e2) < 0)
			log_err("%s", e2.msg);
		return -1;
	}
	st->nadd = (uint32_t)d.nadd;
	st->nupdate = (uint32_t)d.nupdate;
	st->ndelete = (uint32_t)d.ndelete;
	st->nconflict = (uint32_t)d.nconflict;
	rc = apply_send(h, &d, st);
	ipp_diff_free(&d);
	if (rc < 0) {
		ipp_errf(e, IPP_E_STORE, "sending %zu changes to the kernel: %s",
		    (size_t)(st->nadd + st->nupdate + st->ndelete), strerror(-rc));
	} else if (rc > 0) {
		st->nfailed = (uint32_t)rc;
		ipp_errf(e, IPP_E_STORE, "the kernel refused %d of %u changes", rc,
		    st->nadd + st->nupdate + st->ndelete);
	}
	if (rc == 0 && st->nconflict == 0) {
		agent_installed_clear(inst);
		inst->set = *desired;
		return 0;
	}
	/* Whatever happened, learn what the kernel really holds now. */
	if (agent_apply_reconcile(h, lo, hi, inst, st, &e2) < 0)
		log_err("%s", e2.msg);
	return rc == 0 ? 0 : -1;
}
