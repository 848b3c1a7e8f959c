/*
 * agent_source: where the policy in force comes from (design.md, "Where the effective
 * policy comes from").  Sources are tried in order; each says FOUND (a tree), NONE (it is
 * not configured or has nothing assigned) or FAILED (it could not be read).  The directory
 * and its cache plug in as rows of the table in source.c; today the local store is the
 * only one.  Every outcome carries its reason, which the agent logs.
 */
#ifndef IPP_AGENT_SOURCE_H
#define IPP_AGENT_SOURCE_H

#include "agent/conf.h"
#include "store/model.h"

enum agent_source_outcome {
	AGENT_SOURCE_FOUND = 0,	/* tree filled: apply it */
	AGENT_SOURCE_NONE,	/* nothing assigned anywhere: no ipsecpol policy */
	AGENT_SOURCE_FAILED,	/* a source that should answer could not: keep what is applied */
};

struct agent_source_result {
	enum agent_source_outcome outcome;
	struct ipp_policy_tree	tree;		/* FOUND */
	char			where[512];	/* "local store /var/lib/ipsecpol/local.db" */
	char			reason[1024];	/* why this outcome */
};

/* Chooses and loads.  r is zeroed here; clear it with agent_source_result_clear. */
void	agent_source_select(const struct agent_conf *c, struct agent_source_result *r);
void	agent_source_result_clear(struct agent_source_result *r);

#endif
