/*
 * agent_dyn: the dynamic rules (ipsecpol without -w), held only in memory as a second
 * policy tree beside the static policy; they die with the agent, as on Windows.
 */
#ifndef IPP_AGENT_DYN_H
#define IPP_AGENT_DYN_H

#include "agent/ctl_proto.h"

#define AGENT_DYN_MAX	1024

struct agent_dyn {
	struct ipp_policy_tree	tree;	/* rule i uses lists[i] and actions[i] */
	uint32_t		*ids;	/* ids[i] names rule i */
	uint32_t		next_id;
	bool			init;
};

/* Validates r and takes its contents (r is left cleared); *id is the new rule's id. */
int	agent_dyn_add(struct agent_dyn *d, struct ctl_rule *r, uint32_t *id, struct ipp_err *e);
int	agent_dyn_del(struct agent_dyn *d, uint32_t id, struct ipp_err *e);
void	agent_dyn_flush(struct agent_dyn *d);
size_t	agent_dyn_count(const struct agent_dyn *d);
/* The tree to compile, or NULL when there are no dynamic rules. */
const struct ipp_policy_tree *agent_dyn_tree(const struct agent_dyn *d);
/* Rule i as a ctl_rule view (borrowed pointers: do not clear). */
void	agent_dyn_view(const struct agent_dyn *d, size_t i, struct ctl_rule *out);

#endif
