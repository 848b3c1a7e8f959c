/*
 * The apply plan: what to add, update and delete so that the kernel's policies in our band
 * become the desired set, without a gap.  Pure: the caller sends the steps (in order, e.g.
 * in one kernel-xfrm batch) and records the result.
 *
 * Keys.  The kernel keys a policy by selector, direction, mark and if_id; priority,
 * action, flags and templates are its content.  Two policies with one key are "the same
 * policy"; if their content differs, it is an update (XFRM_MSG_UPDPOLICY replaces in
 * place, so traffic never sees the key without a policy).  Selectors are compared
 * canonically: addresses masked to their prefix, ports masked, a port mask of 0 with a
 * port counting as 0xffff, template family 0 meaning the previous template's (the
 * selector's for the first); index and counters are ignored.
 *
 * Ownership.  The band is [prio_lo, prio_hi).  An installed policy with a priority outside
 * the band is foreign: it is never deleted or updated.  A desired policy whose key a
 * foreign policy holds is skipped (counted in nconflict) rather than overwriting it.
 * Installed policies may be what the agent itself recorded or a kernel dump (after a
 * restart or crash).
 *
 * Order.  All adds, then all updates, then all deletes: new policies are in place before
 * stale ones go.  Within a kind: adds and updates in desired order, deletes in installed
 * order.  Cost: linear in n + m (a hash index on the key), O(n + m) memory.
 */
#ifndef IPP_AGENT_DIFF_H
#define IPP_AGENT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel-xfrm/xfrm.h"
#include "store/err.h"

struct ipp_compiled;

/*
 * A read-only view of policies spaced stride bytes apart: a plain struct xfrm_policy array,
 * or the xp members of an ipp_compiled's policies.
 */
struct ipp_policy_set {
	const struct xfrm_policy	*first;
	size_t				n;
	size_t				stride;
};

struct ipp_policy_set	ipp_policy_set_array(const struct xfrm_policy *p, size_t n);
struct ipp_policy_set	ipp_policy_set_compiled(const struct ipp_compiled *c);
const struct xfrm_policy *ipp_policy_set_at(const struct ipp_policy_set *s, size_t i);

enum ipp_diff_op {
	IPP_DIFF_ADD = 0,	/* xfrm_policy_add / xfrm_batch_policy_add */
	IPP_DIFF_UPDATE,	/* xfrm_policy_update */
	IPP_DIFF_DELETE,	/* xfrm_policy_del (by index when the installed copy has one) */
};

struct ipp_diff_step {
	enum ipp_diff_op	op;
	size_t			index;	/* ADD, UPDATE: into desired; DELETE: into installed */
	const struct xfrm_policy *xp;	/* that policy (points into the caller's sets) */
};

/* Released only by ipp_diff_free() (steps is mapped memory, not malloc's). */
struct ipp_diff {
	struct ipp_diff_step	*steps;
	size_t			nsteps;
	size_t			nadd, nupdate, ndelete;
	size_t			nsame;		/* desired policies already installed as they are */
	size_t			nforeign;	/* installed policies outside the band, untouched */
	size_t			nconflict;	/* desired policies skipped: a foreign one has the key */
};

/*
 * Computes the steps that turn installed (its in-band part) into desired.  desired must
 * lie inside the band and hold no two policies with one key (ipp_compile guarantees both);
 * otherwise IPP_E_INVAL naming the offending policy.  Two installed in-band policies with
 * one key (impossible in a kernel, possible in a bad record) leave the first matched and
 * delete the others.  out must be zeroed; free it with ipp_diff_free().  Returns 0 or -1
 * with e set (IPP_E_INVAL, IPP_E_NOMEM), out zeroed.  The steps point into installed and
 * desired: keep both alive while using them.
 */
int	ipp_diff_compute(const struct ipp_policy_set *installed,
	    const struct ipp_policy_set *desired, uint32_t prio_lo, uint32_t prio_hi,
	    struct ipp_diff *out, struct ipp_err *e);

void	ipp_diff_free(struct ipp_diff *d);

/* True when a and b have the same kernel key (selector, direction, mark, if_id). */
bool	ipp_xfrm_policy_same_key(const struct xfrm_policy *a, const struct xfrm_policy *b);

/* True when a and b have the same key and the same content (the kernel would keep a). */
bool	ipp_xfrm_policy_equal(const struct xfrm_policy *a, const struct xfrm_policy *b);

/* "add", "update", "delete". */
const char *ipp_diff_op_name(enum ipp_diff_op op);

#endif
