/*
 * ike_plan: the IKE plan as the IKE module holds it, decoded from the agent's IKE socket
 * messages (agent/ike_plan.h, ipsecpold(8) IKE SOCKET PROTOCOL).  The rule and main-mode
 * types are the compiler's own (agent/compile.h), so the module and the agent cannot
 * disagree on what a rule is.  A plan is replaced whole; the exchange code only reads it.
 */
#ifndef IPP_IKE_PLAN_H
#define IPP_IKE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "agent/compile.h"

struct ike_plan {
	uint32_t		gen;
	struct ipp_ike_main	main;		/* main-mode settings, default response rule */
	struct ipp_ike_rule	*rules;		/* one per reqid, sorted by reqid */
	size_t			nrules;
};

/* The rule for reqid, or NULL. */
const struct ipp_ike_rule *ike_plan_rule(const struct ike_plan *p, uint32_t reqid);

/* Releases everything p owns and wipes its preshared keys; p is zeroed. */
void	ike_plan_free(struct ike_plan *p);

#endif
