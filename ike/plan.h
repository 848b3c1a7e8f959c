/*
 * ike_plan: the IKE plan as the IKE module holds it, decoded from the agent's IKE socket
 * messages (agent/ike_plan.h, ipsecpold(8) IKE SOCKET PROTOCOL).  The rule and main-mode
 * types are the compiler's own (agent/compile.h), so the module and the agent cannot
 * disagree on what a rule is.  A plan is replaced whole; the exchange code only reads it.
 */
#ifndef IPP_IKE_PLAN_H
#define IPP_IKE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/compile.h"
#include "store/err.h"

struct ike_plan {
	uint32_t		gen;
	struct ipp_ike_main	main;		/* main-mode settings, default response rule */
	struct ipp_ike_rule	*rules;		/* one per reqid, sorted by reqid */
	size_t			nrules;
};

/* Most negotiate rules one plan may hold (the decoder refuses a larger BEGIN). */
#define IKE_PLAN_RULES_MAX	65536

/* The rule for reqid, or NULL. */
const struct ipp_ike_rule *ike_plan_rule(const struct ike_plan *p, uint32_t reqid);

/* Releases everything p owns and wipes its preshared keys; p is zeroed. */
void	ike_plan_free(struct ike_plan *p);

/*
 * The receiving side: one plan being assembled from BEGIN, MAIN, RULE..., END.  Every
 * message must carry the generation of its BEGIN as sequence number; END must repeat the
 * generation and the rule count of BEGIN and the count of rules received.  A message out
 * of that order, a malformed one or one that fails validation drops the partial plan:
 * the plan in force is never touched by the decoder.
 */
struct ike_plan_rx {
	struct ike_plan	next;		/* being assembled */
	uint32_t	nrules;		/* announced by BEGIN */
	bool		open;		/* BEGIN seen, END not yet */
	bool		have_main;
};

/*
 * Feeds one whole message (header and attributes, as one SOCK_SEQPACKET packet).
 * Returns 1 when it completed a plan: *done (zeroed or freed by the caller before) now owns
 * it; 0 when the message was taken and the plan is not complete; -1 with e set when the
 * message was refused (the partial plan is dropped and wiped).
 */
int	ike_plan_rx_feed(struct ike_plan_rx *rx, const void *msg, size_t len,
	    struct ike_plan *done, struct ipp_err *e);
/* Drops a partial plan (wiping its keys). */
void	ike_plan_rx_reset(struct ike_plan_rx *rx);
/* True for the message types ike_plan_rx_feed takes. */
bool	ike_plan_is_plan_type(uint16_t type);

#endif
