/*
 * agent_apply: brings the kernel's policies in our priority band to a desired set, as a
 * diff (agent/diff.h) sent in one kernel-xfrm batch: adds, then updates, then deletes.
 * Never a flush; policies outside the band are never touched.
 */
#ifndef IPP_AGENT_APPLY_H
#define IPP_AGENT_APPLY_H

#include "agent/diff.h"
#include "kernel-xfrm/xfrm.h"
#include "store/err.h"

/*
 * What the agent believes it has in the kernel: a view of the set it applied last (no
 * copy: the caller keeps that set alive until the next apply) or of a kernel dump it owns.
 */
struct agent_installed {
	struct ipp_policy_set	set;
	struct xfrm_policy	*own;	/* the dump's storage, or NULL */
};

struct agent_apply_stats {
	uint32_t	nl_ops;		/* netlink requests sent (batch operations, dumps) */
	uint32_t	nadd, nupdate, ndelete;
	uint32_t	nfailed;
	uint32_t	nconflict;	/* desired policies whose key a foreign policy holds */
};

/* Replaces *inst with the kernel's policies in [lo, hi) (after a restart or a failure). */
int	agent_apply_reconcile(struct xfrm_handle *h, uint32_t lo, uint32_t hi,
	    struct agent_installed *inst, struct agent_apply_stats *st, struct ipp_err *e);

/*
 * Applies the diff from *inst to desired and updates *inst to what the kernel now holds:
 * on success a view of desired, whose storage must then outlive *inst's use.
 * Failed operations are logged; then *inst is re-read from the kernel.  Returns 0 when
 * every operation succeeded, -1 with e otherwise (what did succeed stays applied).
 */
int	agent_apply(struct xfrm_handle *h, struct agent_installed *inst,
	    const struct ipp_policy_set *desired, uint32_t lo, uint32_t hi,
	    struct agent_apply_stats *st, struct ipp_err *e);

void	agent_installed_clear(struct agent_installed *inst);

#endif
